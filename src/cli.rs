//! Command-line arguments, validated into a typed configuration before any
//! work starts.

use clap::{Parser, ValueEnum};

use crate::analysis::Severity;
use crate::certfile;
use crate::config::{Config, Limits};
use crate::ppp::verify::Credential;
use crate::tls::secrets::TlsSecrets;

/// Output forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables: control connections, calls, findings.
    Table,
    /// The teaching view: each session as a client/server ladder.
    Flow,
    /// The JSON report (one object per capture; an array for several).
    Json,
    /// One compact JSON report per line, one line per capture.
    Ndjson,
}

/// The finding severity that makes the exit status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Info,
    Warning,
    Error,
    /// Exit 0 whatever is found.
    Never,
}

impl FailOn {
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Info => Some(Severity::Info),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Error => Some(Severity::Error),
            FailOn::Never => None,
        }
    }
}

/// Explains PPTP and SSTP VPN sessions found in packet captures.
///
/// Reads pcap and pcapng files (gzip-compressed or not; `-` reads standard
/// input), rebuilds every PPTP control connection with its calls, their GRE
/// data and the PPP inside, finds SSTP (in clear behind TLS offload, or its
/// TLS handshake; decrypted with --keylog or --server-key) and checks its
/// crypto binding, and reports what went wrong with the frame numbers
/// Wireshark shows.
///
/// Also: `tunnelscope cert-hash FILE...` prints the SHA-1 and SHA-256 of
/// each certificate in PEM or DER files (for --cert-hash and the SSTP
/// server's SHA256CertificateHash setting).
///
/// Exit status: 0 no findings at or above --fail-on, 1 findings at or above
/// it, 2 bad usage or an unreadable input.
#[derive(Debug, Parser)]
#[command(name = "tunnelscope", version, about, long_about)]
pub struct Args {
    /// Capture files (pcap, pcapng, optionally gzip-compressed; `-` = stdin).
    /// Each file is analysed on its own.
    #[arg(required = true, value_name = "CAPTURE")]
    pub captures: Vec<String>,

    /// Output form.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Exit with status 1 when a finding is at least this severe.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Messages listed per session in the report (counts stay exact).
    #[arg(long, value_name = "N", default_value_t = Limits::default().messages_per_session)]
    pub max_messages: usize,

    /// TCP flows tracked at once.
    #[arg(long, value_name = "N", default_value_t = Limits::default().tcp_flows)]
    pub max_flows: usize,

    /// Check captured MS-CHAPv2 and PAP logins against this user and
    /// password (repeatable); `USER` may carry a `DOMAIN\` prefix. The
    /// password is never printed. Prefer --credentials-file, which keeps
    /// passwords out of the shell history.
    #[arg(long, value_name = "USER:PASSWORD")]
    pub credentials: Vec<String>,

    /// Read credentials from a file: one USER:PASSWORD per line, '#' starts
    /// a comment line.
    #[arg(long, value_name = "FILE")]
    pub credentials_file: Vec<std::path::PathBuf>,

    /// Show secrets found in the capture (PAP passwords) in the output.
    #[arg(long)]
    pub show_secrets: bool,

    /// The certificate SSTP clients should bind to (PEM or DER; a chain file
    /// is fine): the crypto binding's cert hash is checked against it.
    #[arg(long = "cert", value_name = "FILE")]
    pub certs: Vec<std::path::PathBuf>,

    /// A certificate hash SSTP clients should bind to (SHA-1 or SHA-256 in
    /// hex, as in the server's SHA256CertificateHash setting).
    #[arg(long = "cert-hash", value_name = "HEX")]
    pub cert_hashes: Vec<String>,

    /// Decrypt TLS with this NSS key log (SSLKEYLOGFILE format: TLS 1.2
    /// CLIENT_RANDOM and RSA lines, TLS 1.3 traffic secrets; repeatable).
    /// Key logs inside a pcapng capture (Decryption Secrets Blocks) are
    /// used without this option. Secrets are never printed.
    #[arg(long = "keylog", value_name = "FILE")]
    pub keylogs: Vec<std::path::PathBuf>,

    /// Decrypt TLS with RSA key exchange (TLS_RSA_* suites, as older
    /// Windows RRAS servers negotiate) with the server's private key: PEM
    /// (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY", unencrypted) or
    /// DER; repeatable. Never printed.
    #[arg(long = "server-key", value_name = "FILE")]
    pub server_keys: Vec<std::path::PathBuf>,

    /// Bytes held out of order per TCP direction.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().tcp_buffer_bytes)]
    pub max_tcp_buffer: usize,
}

impl Args {
    /// The library configuration these arguments ask for.
    pub fn config(&self) -> Result<Config, String> {
        if self.max_flows == 0 {
            return Err("--max-flows must be at least 1".into());
        }
        let limits = Limits {
            messages_per_session: self.max_messages,
            tcp_flows: self.max_flows,
            tcp_buffer_bytes: self.max_tcp_buffer,
            ..Limits::default()
        };
        let mut credentials = Vec::new();
        for c in &self.credentials {
            credentials.push(Credential::parse(c).map_err(|e| format!("--credentials: {e}"))?);
        }
        for path in &self.credentials_file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("--credentials-file {}: {e}", path.display()))?;
            credentials.extend(
                Credential::parse_file(&text)
                    .map_err(|e| format!("--credentials-file {}: {e}", path.display()))?,
            );
        }
        let mut certificates = Vec::new();
        for path in &self.certs {
            certificates.extend(certfile::read_certificates(path).map_err(|e| format!("--cert: {e}"))?);
        }
        let mut cert_hashes = Vec::new();
        for h in &self.cert_hashes {
            cert_hashes.push(certfile::parse_cert_hash(h).map_err(|e| format!("--cert-hash: {e}"))?);
        }
        let mut tls_secrets = TlsSecrets::default();
        for path in &self.keylogs {
            tls_secrets
                .read_key_log(path)
                .map_err(|e| format!("--keylog: {e}"))?;
        }
        for path in &self.server_keys {
            tls_secrets
                .read_server_key(path)
                .map_err(|e| format!("--server-key: {e}"))?;
        }
        Ok(Config {
            limits,
            credentials,
            show_secrets: self.show_secrets,
            certificates,
            cert_hashes,
            tls_secrets: std::sync::Arc::new(tls_secrets),
        })
    }
}
