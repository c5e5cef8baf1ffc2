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
    pub findings: Vec<Finding>,
    pub limits_hit: Vec<LimitHit>,
    pub stats: Stats,
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
