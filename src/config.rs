//! Analysis settings: the bounds that keep memory flat, and what to report.

/// Upper bounds on tracked state. When one is hit the count of what was
/// dropped goes into the report (`limits_hit`), so a number is never silently
/// wrong.
#[derive(Debug, Clone)]
pub struct Limits {
    /// TCP flows tracked at once.
    pub tcp_flows: usize,
    /// Bytes buffered out of order per TCP direction.
    pub tcp_buffer_bytes: usize,
    /// IP datagrams being reassembled from fragments at once.
    pub ip_fragments_pending: usize,
    /// Bytes held for one datagram under reassembly.
    pub ip_fragment_bytes: usize,
    /// Seconds (capture time) after which an incomplete datagram is dropped.
    pub ip_fragment_timeout_secs: u32,
    /// Control sessions tracked at once.
    pub sessions: usize,
    /// Messages kept per session in the report (counts stay exact).
    pub messages_per_session: usize,
    /// GRE flows tracked (one per call and direction; about 8.5 KiB each).
    pub gre_flows: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            tcp_flows: 65_536,
            tcp_buffer_bytes: 1 << 20,
            ip_fragments_pending: 4096,
            ip_fragment_bytes: 65_535 + 8,
            ip_fragment_timeout_secs: 30,
            sessions: 16_384,
            messages_per_session: 10_000,
            gre_flows: 4096,
        }
    }
}

/// Everything the library needs to analyse captures.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub limits: Limits,
    /// Credentials to check captured authentications with (never printed).
    pub credentials: Vec<crate::ppp::verify::Credential>,
    /// Put secrets found in the capture (PAP passwords) into the report.
    pub show_secrets: bool,
    /// DER certificates an SSTP crypto binding must name (`--cert`).
    pub certificates: Vec<Vec<u8>>,
    /// Certificate hashes an SSTP crypto binding must carry (`--cert-hash`).
    pub cert_hashes: Vec<Vec<u8>>,
    /// TLS key logs and server keys (`--keylog`, `--server-key`; never
    /// printed). Shared, since a key log can be large.
    pub tls_secrets: std::sync::Arc<crate::tls::secrets::TlsSecrets>,
}
