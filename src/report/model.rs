//! The report model. Field names that the JSON contract fixes
//! (`docs/report-schema.md`) are never renamed; fields may be added.

use serde::Serialize;

use crate::analysis::Finding;
use crate::capture::CaptureSummary;
use crate::gre::flows::{GreCensus, GreFlow};
use crate::net::tcp::TcpStats;
use crate::net::NetStats;
use crate::pptp::session::ControlSession;

/// Version of the JSON layout; raised only for incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// The program that wrote a report.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

/// A bound that was reached, and how much it cut.
#[derive(Debug, Clone, Serialize)]
pub struct LimitHit {
    pub limit: String,
    pub value: u64,
    pub dropped: u64,
}

/// A PPP link in GRE flows that belong to no call.
#[derive(Debug, Clone, Serialize)]
pub struct OrphanPpp {
    /// Indexes in `gre_flows`.
    pub flows: Vec<usize>,
    pub ppp: Box<crate::ppp::negotiation::PppReport>,
}

/// Counters from the lower layers.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub net: NetStats,
    pub tcp: TcpStats,
}

/// Everything tunnelscope found in one capture.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub captures: Vec<CaptureSummary>,
    pub pptp_sessions: Vec<ControlSession>,
    /// Every enhanced-GRE flow, tied to its call or an orphan.
    pub gre_flows: Vec<GreFlow>,
    /// GRE packets by kind, PPTP's and others'.
    pub gre_census: GreCensus,
    /// PPP links carried by GRE that no call claims (orphan flows).
    pub ppp_without_call: Vec<OrphanPpp>,
    /// SSTP connections (confirmed, or likely when only TLS is visible).
    pub sstp_sessions: Vec<crate::sstp::session::SstpSession>,
    /// Every TLS connection when secrets were given or found in the
    /// capture: what it carries and how decryption went ("TLS, not SSTP"
    /// among them).
    pub tls_connections: Vec<TlsConnectionSummary>,
    /// How the TLS secrets given (or found in the capture) were used;
    /// `null` when there were none.
    pub tls_decryption: Option<crate::tls::decrypt::SecretsUsage>,
    pub findings: Vec<Finding>,
    pub limits_hit: Vec<LimitHit>,
    pub stats: Stats,
}

/// What a TLS connection turned out to carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsCarries {
    /// SSTP, seen decrypted (its session is in `sstp_sessions`).
    Sstp,
    /// Not decrypted, but its shape fits SSTP (in `sstp_sessions` as
    /// likely).
    LikelySstp,
    /// Decrypted to something other than SSTP: "TLS, not SSTP".
    NotSstp,
    /// Not decrypted and not shaped like SSTP.
    Unknown,
}

/// One TLS connection and how its decryption went (listed when secrets
/// were given or found in the capture).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TlsConnectionSummary {
    pub client: std::net::SocketAddr,
    pub server: std::net::SocketAddr,
    /// First frame of the connection seen.
    pub start: Option<crate::roles::At>,
    pub sni: Option<String>,
    pub version: Option<crate::tls::codes::ProtocolVersion>,
    pub cipher_suite: Option<crate::tls::codes::CipherSuite>,
    pub carries: TlsCarries,
    /// The SSTP session (`sstp_sessions[].id`) when it carries SSTP.
    pub sstp_session: Option<String>,
    /// "TLS, not SSTP": the first HTTP request line (terminal-safe when
    /// rendered), `null` when the plaintext is not HTTP.
    pub request_line: Option<String>,
    pub decryption: Option<crate::tls::connection::DecryptionReport>,
}

impl TlsConnectionSummary {
    /// The entry for a settled SSTP tracker's session.
    pub fn from_session(s: &crate::sstp::session::SstpSession, carries: TlsCarries) -> Self {
        let tls = s.tls.as_deref();
        TlsConnectionSummary {
            client: std::net::SocketAddr::new(s.client.ip, s.client.port),
            server: std::net::SocketAddr::new(s.server.ip, s.server.port),
            start: s.start,
            sni: tls.and_then(|t| t.sni.clone()),
            version: tls.and_then(|t| t.version),
            cipher_suite: tls.and_then(|t| t.cipher_suite),
            carries,
            sstp_session: matches!(carries, TlsCarries::Sstp | TlsCarries::LikelySstp).then(|| s.id.clone()),
            request_line: s.not_sstp_request_line.clone(),
            decryption: tls.and_then(|t| t.decryption.clone()),
        }
    }
}

impl Report {
    pub fn new(
        captures: Vec<CaptureSummary>,
        pptp_sessions: Vec<ControlSession>,
        gre_flows: Vec<GreFlow>,
        gre_census: GreCensus,
        findings: Vec<Finding>,
        stats: Stats,
        limits_hit: Vec<LimitHit>,
    ) -> Self {
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "tunnelscope",
                version: env!("CARGO_PKG_VERSION"),
            },
            captures,
            pptp_sessions,
            gre_flows,
            gre_census,
            ppp_without_call: Vec::new(),
            sstp_sessions: Vec::new(),
            tls_connections: Vec::new(),
            tls_decryption: None,
            findings,
            limits_hit,
            stats,
        }
    }

    /// The most severe finding, if any.
    pub fn worst_severity(&self) -> Option<crate::analysis::Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}
