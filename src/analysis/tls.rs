//! Findings about TLS decryption: secrets that matched nothing, SSTP that
//! stayed encrypted although secrets were given (and why), records that
//! failed their authentication, and decrypted HTTPS that is not SSTP.

use super::{connection_start_frames, Finding, Severity};
use crate::report::model::{TlsCarries, TlsConnectionSummary};
use crate::sstp::session::{Certainty, SstpSession};
use crate::tls::connection::{DecryptionStatus, NotDecryptedReason};
use crate::tls::decrypt::SecretsUsage;

/// Request lines quoted in the "not SSTP" finding.
const REQUEST_LINES_QUOTED: usize = 5;

pub fn findings(
    usage: Option<&SecretsUsage>,
    sstp: &[SstpSession],
    connections: &[TlsConnectionSummary],
    out: &mut Vec<Finding>,
) {
    let Some(usage) = usage else {
        return;
    };
    let not_sstp: Vec<&TlsConnectionSummary> = connections
        .iter()
        .filter(|t| t.carries == TlsCarries::NotSstp)
        .collect();
    let reasons: Vec<NotDecryptedReason> = sstp
        .iter()
        .filter_map(|s| s.tls.as_ref()?.decryption.as_ref()?.reason)
        .chain(connections.iter().filter_map(|t| t.decryption.as_ref()?.reason))
        .collect();
    secrets_findings(usage, &reasons, out);
    for s in sstp.iter().filter(|s| s.certainty != Certainty::Unlikely) {
        session_findings(s, out);
    }
    for t in connections.iter().filter(|t| t.sstp_session.is_none()) {
        if let Some(d) = t.decryption.as_ref().filter(|d| d.records_failed > 0) {
            let f = d.first_failure.as_ref();
            out.push(
                Finding::new(
                    "tls_records_failed",
                    Severity::Warning,
                    format!(
                        "{} TLS records of {} → {} failed their authentication",
                        d.records_failed, t.client, t.server
                    ),
                )
                .explain(failed_explanation(f.map(|f| f.error.as_str())))
                .frames(f.map(|f| f.frame)),
            );
        }
    }
    if !not_sstp.is_empty() {
        let quoted: Vec<String> = not_sstp
            .iter()
            .filter_map(|t| t.request_line.as_deref())
            .take(REQUEST_LINES_QUOTED)
            .map(|l| format!("\"{l}\""))
            .collect();
        let n = not_sstp.len();
        let title = if n == 1 {
            "1 decrypted TLS connection is not SSTP".to_string()
        } else {
            format!("{n} decrypted TLS connections are not SSTP")
        };
        let mut explanation = String::from(
            "Decrypted with the secrets given, these connections carry something other than SSTP's \
             SSTP_DUPLEX_POST request: ordinary HTTPS or another protocol. They are listed under \
             \"TLS, not SSTP\" and not analysed further.",
        );
        if !quoted.is_empty() {
            explanation.push_str(" Requests: ");
            explanation.push_str(&quoted.join(", "));
            explanation.push('.');
        }
        out.push(
            Finding::new("tls_not_sstp", Severity::Info, title)
                .explain(explanation)
                .frames(not_sstp.iter().filter_map(|t| t.start.map(|a| a.frame))),
        );
    }
}

fn failed_explanation(first_error: Option<&str>) -> String {
    let mut s = String::from(
        "Keys were derived for the connection but some records did not pass their MAC, \
         authentication tag or padding check: the secret belongs to another connection, the \
         capture altered those bytes (a broken TCP reassembly, a truncated snap length), or a \
         record was injected. Records that fail are counted, not analysed.",
    );
    if let Some(e) = first_error {
        s.push_str(&format!(" The first failure: {e}."));
    }
    s
}

fn secrets_findings(usage: &SecretsUsage, reasons: &[NotDecryptedReason], out: &mut Vec<Finding>) {
    let key_logs = !usage.key_log_files.is_empty() || usage.capture_secrets.tls_key_log_blocks > 0;
    if key_logs && usage.connections_by_key_log == 0 {
        let names: Vec<String> = usage
            .key_log_files
            .iter()
            .cloned()
            .chain(
                (usage.capture_secrets.tls_key_log_blocks > 0)
                    .then(|| "the capture's Decryption Secrets Blocks".to_string()),
            )
            .collect();
        let secrets = usage.key_log.secrets + usage.capture_secrets.key_log.secrets;
        let explanation = if usage.tls_connections == 0 {
            format!(
                "The key log ({}, {secrets} secrets) was given but the capture holds no TLS connection.",
                names.join(", ")
            )
        } else {
            format!(
                "None of the {} TLS connections in the capture has its ClientHello random in the key \
                 log ({}, {secrets} secrets). The log was written for other connections: another run \
                 of the client, another capture, or a client that did not write this session's \
                 secrets (SSLKEYLOGFILE must be set before the client starts).",
                usage.tls_connections,
                names.join(", ")
            )
        };
        out.push(
            Finding::new(
                "tls_keylog_unmatched",
                Severity::Warning,
                "The key log matched no TLS connection in the capture",
            )
            .explain(explanation),
        );
    }
    for key in usage.server_keys.iter().filter(|k| k.connections == 0) {
        let why = if reasons.contains(&NotDecryptedReason::ServerKeyMismatch) {
            " It does not match the certificate the server presented: it is another server's key."
        } else if reasons.contains(&NotDecryptedReason::EphemeralKeyExchange) {
            " The connections use an ephemeral key exchange (ECDHE, DHE or TLS 1.3), where the \
             server's RSA key only signs and cannot recover the secret: a key log is needed."
        } else if reasons.contains(&NotDecryptedReason::PremasterUndecryptable) {
            " The encrypted premaster secret does not decrypt with it."
        } else if usage.tls_connections == 0 {
            " The capture holds no TLS connection."
        } else {
            ""
        };
        out.push(
            Finding::new(
                "tls_server_key_unused",
                Severity::Warning,
                format!(
                    "The server key {} ({} bits) decrypted no connection",
                    key.key.file, key.key.bits
                ),
            )
            .explain(format!(
                "An RSA server key decrypts only RSA key exchange (TLS_RSA_* cipher suites), and only \
                 for the server whose certificate carries its modulus.{why}"
            )),
        );
    }
}

fn session_findings(s: &SstpSession, out: &mut Vec<Finding>) {
    let Some(tls) = s.tls.as_deref() else {
        return;
    };
    let Some(d) = tls.decryption.as_ref() else {
        return;
    };
    if d.status == DecryptionStatus::NotDecrypted {
        let reason = d
            .reason
            .map_or("no protected record was seen", NotDecryptedReason::words);
        let mut f = Finding::new(
            "sstp_not_decrypted",
            Severity::Warning,
            format!("SSTP connection {} was not decrypted: {reason}", s.id),
        )
        .explain(format!(
            "Secrets were given, but none opens this connection ({}). Without decryption only the \
             TLS handshake and the shape of the traffic can be judged: the SSTP messages, the crypto \
             binding and the PPP negotiation inside stay hidden.",
            d.reason.map_or("none", NotDecryptedReason::code)
        ))
        .frames(connection_start_frames(tls));
        f.session = Some(s.id.clone());
        out.push(f);
    }
    if d.records_failed > 0 {
        let first = d.first_failure.as_ref();
        let mut f = Finding::new(
            "tls_records_failed",
            Severity::Warning,
            format!(
                "{} TLS records of SSTP connection {} failed their authentication",
                d.records_failed, s.id
            ),
        )
        .explain(failed_explanation(first.map(|f| f.error.as_str())))
        .frames(
            tls.problems
                .iter()
                .filter(|p| p.kind == "decrypt_failed")
                .map(|p| p.frame),
        );
        f.session = Some(s.id.clone());
        out.push(f);
    }
}
