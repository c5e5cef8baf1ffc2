//! Findings about SSTP connections ([MS-SSTP]; protocols.md §4 and §7):
//! what a user sees fail, and where in the capture. From the TLS handshake
//! (a certificate the client rejects, a client that leaves before its
//! request), the HTTP exchange (SSTP refused with an HTTP status), the SSTP
//! call (Nak, aborts, a call that never connects, keepalive timeouts), the
//! crypto binding (each check that failed), load-balanced servers with
//! different certificates, and the PPP link inside ([`super::ppp`]).

use std::fmt::Write as _;

use super::{
    frame_filter, host_pair_filter, ppp, Finding, Severity, WindowsError, ERROR_PORT_DISCONNECTED,
    ERROR_VPN_DISCONNECT,
};
use crate::ppp::negotiation::LinkPhase;
use crate::sstp::binding::{pool_certificate_mismatch, CompoundMacVerdict, CryptoBindingReport};
use crate::sstp::session::{
    Certainty, Direction, EndReason, SstpSession, SstpState, StatusRecord, PLAUSIBLE_CAPTURE_TIME,
};
use crate::tls::codes::{AlertDescription, AlertLevel, HandshakeType};
use crate::tls::connection::TlsFacts;
use crate::tls::x509::{CertificateDetails, GeneralName};

/// The client does not trust the root CA of the server's chain.
pub const CERT_E_UNTRUSTEDROOT: WindowsError = WindowsError {
    code: 0x800B_0109,
    name: "CERT_E_UNTRUSTEDROOT",
};
/// The certificate is outside its validity period.
pub const CERT_E_EXPIRED: WindowsError = WindowsError {
    code: 0x800B_0101,
    name: "CERT_E_EXPIRED",
};
/// The certificate's names do not include the host the client dialled.
pub const CERT_E_CN_NO_MATCH: WindowsError = WindowsError {
    code: 0x800B_010F,
    name: "CERT_E_CN_NO_MATCH",
};
/// The certificate was revoked by its issuer.
pub const CRYPT_E_REVOKED: WindowsError = WindowsError {
    code: 0x8009_2010,
    name: "CRYPT_E_REVOKED",
};
/// The client could not check the certificate's revocation (protocols.md
/// §7).
pub const CRYPT_E_REVOCATION_OFFLINE: WindowsError = WindowsError {
    code: 0x8009_2013,
    name: "CRYPT_E_REVOCATION_OFFLINE",
};

/// An abort this soon after Call Connected answers the crypto binding.
pub const ABORT_AFTER_CONNECTED_SECS: f64 = 1.0;

/// Every SSTP finding: per session that is (likely) SSTP, then the
/// certificate pool check across sessions.
/// `other_tls` are TLS connections not taken for SSTP; they count only for
/// the certificate-pool check (a name served with several certificates).
pub fn findings(sessions: &[SstpSession], other_tls: &[SstpSession], out: &mut Vec<Finding>) {
    for s in sessions.iter().filter(|s| s.is_sstp()) {
        session_findings(s, out);
        if s.ppp.phase_reached != LinkPhase::Dead {
            let ctx = ppp::LinkContext {
                session: Some(&s.id),
                call_index: None,
                label: format!("SSTP {}", s.id),
                sstp: true,
                filter: Some(format!("ppp && {}", connection_filter(s))),
                server_unheard: false,
                client_unheard: false,
                cut_by_tunnel: s.abort.is_some(),
            };
            ppp::findings(&ctx, &s.ppp, out);
        }
    }
    if other_tls.is_empty() {
        pool_findings(sessions, out);
    } else {
        let all: Vec<SstpSession> = sessions.iter().chain(other_tls).cloned().collect();
        pool_findings(&all, out);
    }
}

/// `ip.addr == client && ip.addr == server && tcp.port == port`.
pub fn connection_filter(s: &SstpSession) -> String {
    format!(
        "{} && tcp.port == {}",
        host_pair_filter(s.client.ip, s.server.ip),
        s.server.port
    )
}

fn side(d: Direction) -> &'static str {
    match d {
        Direction::ClientToServer => "client",
        Direction::ServerToClient => "server",
    }
}

fn finding(s: &SstpSession, code: &'static str, severity: Severity, title: String) -> Finding {
    let mut f = Finding::new(code, severity, title);
    f.session = Some(s.id.clone());
    f
}

fn statuses_words(statuses: &[StatusRecord]) -> String {
    if statuses.is_empty() {
        return "no Status Info".to_string();
    }
    statuses
        .iter()
        .map(StatusRecord::words)
        .collect::<Vec<_>>()
        .join(", ")
}

fn endpoint(e: &crate::sstp::session::Endpoint) -> String {
    match e.ip {
        std::net::IpAddr::V6(ip) => format!("[{ip}]:{}", e.port),
        ip => format!("{ip}:{}", e.port),
    }
}

fn session_findings(s: &SstpSession, out: &mut Vec<Finding>) {
    if s.certainty == Certainty::Likely {
        likely_finding(s, out);
    }
    if let Some(tls) = &s.tls {
        tls_findings(s, tls, out);
    }
    http_findings(s, out);
    call_findings(s, out);
    if let Some(b) = &s.crypto_binding {
        binding_findings(s, b, out);
    }
    teardown_findings(s, out);
    stream_findings(s, out);
}

fn likely_finding(s: &SstpSession, out: &mut Vec<Finding>) {
    let mut f = finding(
        s,
        "sstp_encrypted",
        Severity::Info,
        format!(
            "Likely SSTP from {} to {}, encrypted",
            endpoint(&s.client),
            endpoint(&s.server)
        ),
    )
    .explain(format!(
        "Only the TLS handshake and the sizes and timing of the encrypted records are visible: {}. The SSTP \
         messages, the PPP negotiation and the crypto binding inside are not, without the TLS keys.",
        s.likely_reasons.join("; ")
    ));
    let frames = s.tls.as_ref().map_or_else(Vec::new, |t| {
        t.client_hello
            .as_ref()
            .map(|h| h.at.frame)
            .into_iter()
            .chain(t.handshake_completed_at.map(|a| a.frame))
            .collect()
    });
    f = f.frames(frames);
    f.wireshark_filter = Some(format!("tls && {}", connection_filter(s)));
    out.push(f);
}

/// A host name matches a certificate name, `*.` wildcards covering one
/// label (RFC 6125 §6.4.3), letters compared without case.
fn name_matches(host: &str, pattern: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(suffix) => host
            .split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && rest == suffix),
        None => host == pattern,
    }
}

/// The names a client checks: the subjectAltName DNS names, or the subject
/// CN when there are none (RFC 6125 §6.4.4).
fn certificate_names(d: &CertificateDetails) -> Vec<String> {
    let dns: Vec<String> = d
        .subject_alt_names
        .iter()
        .filter_map(|n| match n {
            GeneralName::Dns(name) => Some(name.clone()),
            _ => None,
        })
        .collect();
    if dns.is_empty() {
        d.subject_common_name.iter().cloned().collect()
    } else {
        dns
    }
}

fn certificate_filter(s: &SstpSession) -> String {
    format!(
        "(tls.handshake.type == 11 || tls.record.content_type == 21) && {}",
        connection_filter(s)
    )
}

fn tls_findings(s: &SstpSession, tls: &TlsFacts, out: &mut Vec<Finding>) {
    use crate::tls::Direction as TlsDirection;
    let certificate = tls
        .handshake_messages
        .iter()
        .find(|m| m.direction == TlsDirection::ServerToClient && m.msg_type == HandshakeType::CERTIFICATE);
    let client_key_exchange = tls.handshake_messages.iter().any(|m| {
        m.direction == TlsDirection::ClientToServer && m.msg_type == HandshakeType::CLIENT_KEY_EXCHANGE
    });
    let fatal_clear = |d: TlsDirection| {
        tls.alerts
            .iter()
            .find(|a| a.direction == d && !a.encrypted && a.level != Some(AlertLevel::WARNING))
    };
    let c = &tls.client_to_server;
    let client_closed = c.fin.or(c.rst);

    if let Some(alert) = fatal_clear(TlsDirection::ServerToClient) {
        let desc = alert.description.map_or("unknown".to_string(), |d| d.to_string());
        let f = finding(
            s,
            "sstp_tls_refused_by_server",
            Severity::Error,
            format!("The server refused the TLS handshake (alert {desc})"),
        )
        .explain(format!(
            "The server sent a fatal TLS alert, {desc}, during the handshake: the two sides share no TLS version or \
             cipher suite the server accepts (handshake_failure, protocol_version, insufficient_security), or the \
             server found the client's messages wrong. No SSTP can follow."
        ))
        .frames([alert.at.frame]);
        out.push(f);
        return;
    }

    let Some(certificate) = certificate else {
        return;
    };
    let alert = fatal_clear(TlsDirection::ClientToServer).filter(|a| a.at.frame >= certificate.at.frame);
    let left_silently = alert.is_none()
        && !client_key_exchange
        && c.application_data.records == 0
        && client_closed.is_some_and(|x| x.frame >= certificate.at.frame);
    if alert.is_some() || left_silently {
        let (cause, error) = certificate_cause(s, tls, alert.and_then(|a| a.description));
        let how = match alert {
            Some(a) => format!(
                "sent the fatal alert {} (frame {})",
                a.description.map_or("unknown".to_string(), |d| d.to_string()),
                a.at.frame
            ),
            None => format!(
                "closed the connection (frame {}) without a ClientKeyExchange",
                client_closed.map_or(0, |x| x.frame)
            ),
        };
        let mut f = finding(
            s,
            "sstp_tls_certificate_rejected",
            Severity::Error,
            format!("The client rejected the server's TLS certificate: {cause}"),
        )
        .explain(format!(
            "After the server's Certificate (frame {}) the client {how}: it does not accept the certificate, so SSTP \
             never starts. Here {cause}.",
            certificate.at.frame
        ))
        .windows(error)
        .frames(
            std::iter::once(certificate.at.frame)
                .chain(alert.map(|a| a.at.frame))
                .chain(client_closed.map(|x| x.frame)),
        );
        f.wireshark_filter = Some(certificate_filter(s));
        out.push(f);
        return;
    }

    let finished_sent = c.encrypted_handshake.is_some();
    let client_close_alert = tls
        .alerts
        .iter()
        .find(|a| a.direction == TlsDirection::ClientToServer && a.encrypted);
    let closed = client_closed.or(client_close_alert.map(|a| a.at));
    if finished_sent && c.application_data.records == 0 && s.http.is_none() {
        if let Some(closed) = closed {
            let mut f = finding(
                s,
                "sstp_tls_closed_before_request",
                Severity::Error,
                "The client closed TLS without sending the SSTP request".to_string(),
            )
            .explain(format!(
                "The TLS handshake completed, then the client closed the connection (frame {}) without sending any \
                 application data: no SSTP_DUPLEX_POST request. A Windows SSTP client does this when it cannot check \
                 whether the server's certificate was revoked: the CRL distribution point or OCSP responder named in \
                 the certificate did not answer. Let the client reach those URLs (HTTP, often through a proxy) or \
                 publish the CRL where it can.",
                closed.frame
            ))
            .windows(CRYPT_E_REVOCATION_OFFLINE)
            .frames(c.encrypted_handshake.map(|a| a.frame).into_iter().chain([closed.frame]));
            f.wireshark_filter = Some(format!("tls && {}", connection_filter(s)));
            out.push(f);
        }
    }
}

/// Why the client rejected the certificate, as far as the alert and the
/// clear certificate tell, with the Windows error that names it.
fn certificate_cause(
    s: &SstpSession,
    tls: &TlsFacts,
    alert: Option<AlertDescription>,
) -> (String, WindowsError) {
    let details = s.tls_leaf().and_then(|c| c.details.as_ref());
    let when = tls.client_hello.as_ref().map(|h| h.at.time);
    let validity = details.map(|d| format!("valid from {} to {}", d.not_before_utc, d.not_after_utc));
    let out_of_date = match (details, when) {
        (Some(d), Some(t)) if t >= PLAUSIBLE_CAPTURE_TIME => {
            let secs = t as i64;
            secs > d.not_after || secs < d.not_before
        }
        _ => false,
    };
    let name_problem = match (details, tls.sni.as_deref()) {
        (Some(d), Some(sni)) => {
            let names = certificate_names(d);
            (!names.iter().any(|n| name_matches(sni, n))).then(|| {
                format!(
                    "the name the client dialled, \"{sni}\", is not among the certificate's names ({})",
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                )
            })
        }
        _ => None,
    };
    let issuer = details.map_or("?".to_string(), |d| d.issuer.clone());
    let untrusted = || {
        (
            format!(
                "the client does not trust the issuer \"{issuer}\": its root CA is not in the client's Trusted Root \
                 Certification Authorities store"
            ),
            CERT_E_UNTRUSTEDROOT,
        )
    };
    match alert.map(|a| a.0) {
        Some(45) => (
            format!(
                "the client reports the certificate expired ({})",
                validity.unwrap_or_else(|| "validity not visible".into())
            ),
            CERT_E_EXPIRED,
        ),
        Some(44) => (
            "the client reports the certificate revoked".to_string(),
            CRYPT_E_REVOKED,
        ),
        Some(48) => untrusted(),
        _ if out_of_date => (
            format!(
                "the certificate is not valid at the capture time ({})",
                validity.unwrap_or_default()
            ),
            CERT_E_EXPIRED,
        ),
        _ => match name_problem {
            Some(text) => (text, CERT_E_CN_NO_MATCH),
            None => untrusted(),
        },
    }
}

fn http_findings(s: &SstpSession, out: &mut Vec<Finding>) {
    let Some(http) = &s.http else { return };
    match http.status {
        Some(200) => {
            let problems = &http.request.problems;
            if !problems.is_empty() {
                let list: Vec<String> = problems.iter().map(|p| p.describe()).collect();
                let f = finding(
                    s,
                    "sstp_http_request_irregular",
                    Severity::Info,
                    "The SSTP request departs from [MS-SSTP] §4.1, but the server accepted it".to_string(),
                )
                .explain(format!("{}.", list.join("; ")))
                .frames([http.request_frame]);
                out.push(f);
            }
        }
        Some(status) => {
            let reason = http.response.as_ref().map_or("", |r| r.reason.as_str()).trim();
            let mut e = format!(
                "The server answered the SSTP request with HTTP {status}{}{reason}: {}.",
                if reason.is_empty() { "" } else { " " },
                http.status_meaning.unwrap_or("")
            );
            let mut cause = String::new();
            if !http.method_ok {
                let _ = write!(e, " The method is \"{}\", not SSTP_DUPLEX_POST.", http.method);
                cause = "the method".into();
            }
            if let Some(diff) = &http.uri_difference {
                let _ = write!(e, " The request URI is wrong: {diff}.");
                cause = "the request URI".into();
            }
            if http.request.version != "HTTP/1.1" {
                let _ = write!(
                    e,
                    " The request is {}, and the server wants HTTP/1.1.",
                    http.request.version
                );
                cause = "the HTTP version".into();
            }
            if cause.is_empty() && status == 404 {
                let _ = write!(
                    e,
                    " The request itself is right, so no SSTP listener serves Host \"{}\" here: another web server \
                     answered, or SSTP is not bound to this name.",
                    http.host.as_deref().unwrap_or("")
                );
                cause = "the host".into();
            }
            e.push_str(" No SSTP follows an error status ([MS-SSTP] §4.1).");
            let title = if cause.is_empty() {
                format!("The server refused SSTP with HTTP {status}")
            } else {
                format!("The server refused SSTP with HTTP {status} ({cause})")
            };
            let f = finding(s, "sstp_http_refused", Severity::Error, title)
                .explain(e)
                .frames(std::iter::once(http.request_frame).chain(http.response_frame));
            out.push(f);
        }
        None => {
            if s.ended_by == EndReason::OpenAtCaptureEnd
                && s.end.is_some_and(|e| e.time - http.request_time < 60.0)
            {
                return;
            }
            let f = finding(
                s,
                "sstp_http_no_response",
                Severity::Error,
                "The server never answered the SSTP request".to_string(),
            )
            .explain(format!(
                "The client sent SSTP_DUPLEX_POST (frame {}) and no HTTP response came back before the connection \
                 ended ({}). The client waits up to 60 s ([MS-SSTP] §4.1): the server is not an SSTP server, is \
                 overloaded, or something in between holds the request.",
                http.request_frame,
                s.ended_by.words()
            ))
            .frames(std::iter::once(http.request_frame).chain(s.end.map(|e| e.frame)));
            out.push(f);
        }
    }
}

fn call_findings(s: &SstpSession, out: &mut Vec<Finding>) {
    if let Some(nak) = &s.call_connect_nak {
        let f = finding(
            s,
            "sstp_call_connect_nak",
            Severity::Error,
            format!("The server refused the call: Call Connect Nak ({})", statuses_words(&nak.statuses)),
        )
        .explain(format!(
            "The server answered Call Connect Request with Call Connect Nak, {}. A server refuses a request whose \
             Encapsulated Protocol ID is not PPP or that carries a Status Info ([MS-SSTP] §3.3); the client may retry \
             a few times, then aborts.",
            statuses_words(&nak.statuses)
        ))
        .frames(s.call_connect_request.map(|a| a.frame).into_iter().chain([nak.at.frame]));
        out.push(f);
    }

    let accepted = matches!(
        s.setup_reached,
        SstpState::HttpAccepted | SstpState::CallConnectRequested | SstpState::CallConnectAcked
    );
    let closed = matches!(s.ended_by, EndReason::TcpFin | EndReason::TcpRst);
    if accepted && closed && s.call_connect_nak.is_none() && s.abort.is_none() {
        let step = match s.setup_reached {
            SstpState::HttpAccepted => "HTTP 200, before any Call Connect Request",
            SstpState::CallConnectRequested => "Call Connect Request, before the server's answer",
            _ => "Call Connect Ack, while PPP was negotiating",
        };
        let mut e = format!(
            "The call never reached Call Connected: after {step} the {} closed the TCP connection ({}).",
            s.closed_by.map_or("?", side),
            s.ended_by.words()
        );
        if s.setup_reached == SstpState::CallConnectAcked {
            e.push_str(
                " The client sends Call Connected once PPP authentication succeeds, so PPP did not get that far; \
                 see the PPP findings for this session.",
            );
        }
        let f = finding(
            s,
            "sstp_call_not_connected",
            Severity::Error,
            "The SSTP call never reached Call Connected".to_string(),
        )
        .explain(e)
        .windows(ERROR_PORT_DISCONNECTED)
        .frames(
            s.call_connect_ack
                .or(s.call_connect_request)
                .map(|a| a.frame)
                .into_iter()
                .chain(s.tcp_fin.or(s.tcp_rst).map(|a| a.frame)),
        );
        out.push(f);
    }
}

/// The checks of a binding that failed, as (code, title, explanation,
/// frames).
fn binding_failures(
    s: &SstpSession,
    b: &CryptoBindingReport,
) -> Vec<(&'static str, String, String, Vec<u64>)> {
    let mut failures = Vec::new();
    if b.nonce_matches == Some(false) {
        failures.push((
            "sstp_binding_nonce_mismatch",
            "Crypto binding: the nonce in Call Connected is not the server's".to_string(),
            format!(
                "Call Connected must echo the nonce of Call Connect Ack ([MS-SSTP] §3.2.5.2.4); the server sent {} \
                 and the client returned {}. The server aborts the call.",
                b.request_nonce.as_deref().unwrap_or("?"),
                b.nonce.as_deref().unwrap_or("?")
            ),
            b.nonce_frames.clone(),
        ));
    }
    if b.call_connect_ack_frame.is_some() && b.call_connected_frame.is_some() && !b.hash_protocol_offered {
        failures.push((
            "sstp_binding_hash_not_offered",
            format!(
                "Crypto binding: the client chose {}, which the server did not offer",
                b.hash_protocol.map_or_else(
                    || format!("hash protocol 0x{:02x}", b.hash_protocol_code.unwrap_or(0)),
                    str::to_string
                )
            ),
            format!(
                "The server offered {} in Call Connect Ack; the client must pick one of them ([MS-SSTP] §2.2.7). \
                 The server aborts the call.",
                if b.offered_hash_protocols.is_empty() {
                    "no hash protocol".to_string()
                } else {
                    b.offered_hash_protocols.join(" and ")
                }
            ),
            b.hash_protocol_frames.clone(),
        ));
    }
    if b.cert_hash_matches_tls_certificate == Some(false) {
        failures.push((
            "sstp_binding_cert_hash_mismatch",
            "Crypto binding: the client hashed another certificate than the one the server presented".to_string(),
            format!(
                "The Cert Hash in Call Connected is {}, but the certificate the server presented in this connection's \
                 TLS handshake hashes to {}. The client computed it over the certificate it received, so the client \
                 got another certificate: a TLS-terminating middlebox or load balancer between the client and this \
                 capture point presented its own. The server's binding check fails unless it is configured with \
                 that certificate's hash (SHA256CertificateHash; see `tunnelscope cert-hash`).",
                b.cert_hash.as_deref().unwrap_or("?"),
                b.tls_certificate_hash.as_deref().unwrap_or("?")
            ),
            b.tls_certificate_frames.clone(),
        ));
    }
    if b.cert_hash_matches_given == Some(false) {
        let here = match b.cert_hash_matches_tls_certificate {
            Some(true) => " It does match the certificate the server presented in this connection, so that \
                           certificate is not the one given: a TLS offloader or middlebox in front of the server with \
                           its own certificate, or a server configured with another certificate."
                .to_string(),
            _ if s.tls.is_none() => " This connection runs without TLS (behind an offloader): the client hashed the \
                                    offloader's certificate, and the SSTP server must be configured with that \
                                    certificate's hash (SHA256CertificateHash; see `tunnelscope cert-hash`)."
                .to_string(),
            _ => String::new(),
        };
        failures.push((
            "sstp_binding_cert_not_expected",
            "Crypto binding: the Cert Hash matches none of the certificates or hashes given".to_string(),
            format!(
                "The Cert Hash in Call Connected, {}, differs from the {} given value(s) of its protocol \
                 (--cert, --cert-hash).{here}",
                b.cert_hash.as_deref().unwrap_or("?"),
                b.given_values_compared
            ),
            b.cert_hash_frames.clone(),
        ));
    }
    if b.compound_mac == CompoundMacVerdict::Mismatch {
        failures.push((
            "sstp_binding_compound_mac_mismatch",
            "Crypto binding: the Compound MAC does not verify".to_string(),
            format!(
                "Recomputed with the HLAK from the PPP authentication ({}), the Compound MAC differs from the one in \
                 Call Connected ([MS-SSTP] §3.2.5.2.4): the PPP authentication and the SSTP channel do not have the \
                 same two ends, or the client derived its keys differently. The server aborts the call.",
                b.hlak.as_deref().unwrap_or("?")
            ),
            b.compound_mac_frames.clone(),
        ));
    }
    failures
}

fn binding_findings(s: &SstpSession, b: &CryptoBindingReport, out: &mut Vec<Finding>) {
    let failures = binding_failures(s, b);
    let any_failed = !failures.is_empty();
    for (code, title, explanation, frames) in failures {
        out.push(
            finding(s, code, Severity::Error, title)
                .explain(explanation)
                .frames(frames),
        );
    }
    if any_failed || b.call_connected_frame.is_none() {
        return;
    }
    let mut checks = Vec::new();
    if b.nonce_matches == Some(true) {
        checks.push("the nonce is the server's".to_string());
    }
    if b.hash_protocol_offered {
        checks.push(format!("{} was offered", b.hash_protocol.unwrap_or("?")));
    }
    if b.cert_hash_matches_tls_certificate == Some(true) {
        checks.push("the Cert Hash is the presented certificate's".to_string());
    }
    if let Some(which) = &b.cert_hash_matched {
        checks.push(format!("the Cert Hash matches {which}"));
    }
    let frames = b.nonce_frames.iter().chain(&b.compound_mac_frames).copied();
    match b.compound_mac {
        CompoundMacVerdict::Verified => {
            checks.push(format!(
                "the Compound MAC verifies ({})",
                b.hlak.as_deref().unwrap_or("?")
            ));
            out.push(
                finding(
                    s,
                    "sstp_binding_verified",
                    Severity::Info,
                    "Crypto binding verified".to_string(),
                )
                .explain(format!(
                    "Every check the capture allows passed: {}.",
                    checks.join("; ")
                ))
                .frames(frames),
            );
        }
        CompoundMacVerdict::NotChecked | CompoundMacVerdict::Mismatch => {
            let passed = if checks.is_empty() {
                String::new()
            } else {
                format!(" The other checks passed: {}.", checks.join("; "))
            };
            out.push(
                finding(
                    s,
                    "sstp_binding_mac_not_checked",
                    Severity::Info,
                    "Crypto binding: the Compound MAC was not checked".to_string(),
                )
                .explain(format!(
                    "{}.{passed} With MS-CHAPv2, give the user's password with --credentials to check it.",
                    b.compound_mac_reason.as_deref().unwrap_or("the HLAK is unknown")
                ))
                .frames(frames),
            );
        }
    }
}

fn teardown_findings(s: &SstpSession, out: &mut Vec<Finding>) {
    if let Some(abort) = &s.abort {
        let statuses = statuses_words(&abort.statuses);
        let frames = || {
            s.call_connected
                .map(|a| a.frame)
                .into_iter()
                .chain([abort.at.frame])
                .chain(abort.answer.map(|a| a.frame))
        };
        match abort.after_call_connected_secs {
            Some(secs) if secs <= ABORT_AFTER_CONNECTED_SECS => {
                let binding = match &s.crypto_binding {
                    Some(b) if !binding_failures(s, b).is_empty() => {
                        " The crypto binding checks above show what the server objected to.".to_string()
                    }
                    Some(b) if b.compound_mac == CompoundMacVerdict::Verified => {
                        " The binding checks this capture allows passed, so the server holds another certificate \
                         hash than the certificate the client saw (a TLS offloader in front of it, or a certificate \
                         changed without updating SHA256CertificateHash)."
                            .to_string()
                    }
                    _ => String::new(),
                };
                let f = finding(
                    s,
                    "sstp_abort_after_call_connected",
                    Severity::Error,
                    format!(
                        "The {} aborted the call {:.0} ms after Call Connected ({statuses})",
                        side(abort.sent_by),
                        secs * 1000.0
                    ),
                )
                .explain(format!(
                    "Call Abort right after Call Connected: the server checks the crypto binding when Call Connected \
                     arrives and aborts the call when a check fails ([MS-SSTP] §3.2.5.2.4); its event log then \
                     reports a crypto binding failure.{binding}"
                ))
                .frames(frames());
                out.push(f);
            }
            after => {
                let connected = after.is_some();
                let f = finding(
                    s,
                    "sstp_call_aborted",
                    if connected { Severity::Warning } else { Severity::Error },
                    format!("The {} aborted the call ({statuses})", side(abort.sent_by)),
                )
                .explain(format!(
                    "Call Abort {}: a side aborts on an unexpected or malformed message, a failed negotiation or a \
                     timeout ([MS-SSTP] §3.3). Status: {statuses}.",
                    if connected {
                        "after the call was connected"
                    } else {
                        "before the call was connected"
                    }
                ))
                .frames(frames());
                out.push(f);
            }
        }
    }

    if s.echo.timed_out > 0 {
        let asker = s
            .echo
            .exchanges
            .iter()
            .find(|x| x.response.is_none())
            .map_or("?", |x| side(x.sent_by));
        let f = finding(
            s,
            "sstp_echo_unanswered",
            Severity::Warning,
            format!("{} SSTP Echo Request(s) from the {asker} got no response", s.echo.timed_out),
        )
        .explain(format!(
            "A side sends Echo Request after 60 s without any packet and gives up, without a Call Abort, when nothing \
             comes back in the next interval ([MS-SSTP] §3.1.2.3); the connection ended with {}. The peer or the \
             path stopped passing the tunnel.",
            s.ended_by.words()
        ))
        .windows(ERROR_VPN_DISCONNECT)
        .frames(
            s.echo
                .first_unanswered
                .map(|a| a.frame)
                .into_iter()
                .chain(s.echo.last_unanswered.map(|a| a.frame))
                .chain(s.tcp_fin.or(s.tcp_rst).map(|a| a.frame)),
        );
        out.push(f);
    } else if s.setup_reached == SstpState::CallConnected && s.ended_by == EndReason::TcpRst {
        let f = finding(
            s,
            "sstp_connection_reset",
            Severity::Warning,
            format!("The {} reset the connection while the tunnel was up", s.closed_by.map_or("?", side)),
        )
        .explain(
            "TCP RST with no Call Disconnect or Call Abort before it: the tunnel was interrupted (a crash, a \
             firewall or NAT timeout, or the path dropped).",
        )
        .windows(ERROR_VPN_DISCONNECT)
        .frames(s.call_connected.map(|a| a.frame).into_iter().chain(s.tcp_rst.map(|a| a.frame)));
        out.push(f);
    }
}

fn stream_findings(s: &SstpSession, out: &mut Vec<Finding>) {
    if s.stream_problems_total > 0 {
        let mut kinds: Vec<(&str, u64)> = Vec::new();
        for p in &s.stream_problems {
            match kinds.iter_mut().find(|(k, _)| *k == p.kind) {
                Some((_, n)) => *n += 1,
                None => kinds.push((p.kind, 1)),
            }
        }
        let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let f = finding(
            s,
            "sstp_stream_damaged",
            Severity::Warning,
            format!("The SSTP byte stream is incomplete ({})", list.join(", ")),
        )
        .explain(format!(
            "{} problem(s) with the bytes themselves (gap: bytes the capture missed; desync: bytes skipped to find the \
             next SSTP header; partial: a packet cut short; undecodable: a header that could not be read): what \
             follows them may be missing from the analysis.",
            s.stream_problems_total
        ))
        .frames(s.stream_problems.iter().map(|p| p.frame));
        out.push(f);
    }
    if s.deviations_total > 0 {
        let list: Vec<String> = s.deviations.iter().take(5).map(|d| d.detail.clone()).collect();
        let f = finding(
            s,
            "sstp_protocol_deviation",
            Severity::Warning,
            format!("{} SSTP message(s) depart from [MS-SSTP]", s.deviations_total),
        )
        .explain(format!(
            "{}{}. A peer that follows the specification aborts the call on such a message.",
            list.join("; "),
            if s.deviations_total > 5 { "; …" } else { "" }
        ))
        .frames(s.deviations.iter().map(|d| d.frame));
        out.push(f);
    }
}

fn pool_findings(sessions: &[SstpSession], out: &mut Vec<Finding>) {
    for pool in pool_certificate_mismatch(sessions) {
        let mut e = format!(
            "Connections to \"{}\" met {} different server certificates:",
            pool.name,
            pool.certificates.len()
        );
        for c in &pool.certificates {
            let servers: Vec<String> = c.servers.iter().map(endpoint).collect();
            let _ = write!(
                e,
                " {} (SHA-256 {}) from {} in {};",
                c.subject.as_deref().unwrap_or("?"),
                c.sha256,
                servers.join(", "),
                c.sessions.join(", ")
            );
        }
        e.push_str(
            " an SSTP server compares the client's Cert Hash with its own certificate, so clients that reach a \
             member presenting another certificate than the one that member is configured with fail the crypto \
             binding. Give every member of the pool the same certificate.",
        );
        let mut f = Finding::new(
            "sstp_pool_certificate_mismatch",
            Severity::Warning,
            format!(
                "\"{}\" is served with {} different certificates",
                pool.name,
                pool.certificates.len()
            ),
        )
        .explain(e)
        .frames(pool.certificates.iter().flat_map(|c| c.frames.iter().copied()));
        if !f.frames.is_empty() {
            f.wireshark_filter = Some(format!("tls.handshake.type == 11 && {}", frame_filter(&f.frames)));
        }
        out.push(f);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::capture::Timestamp;
    use crate::crypto::sstp::{hlak_without_keys, HashProtocol, Hlak};
    use crate::sstp::binding::BindingContext;
    use crate::sstp::http::SSTP_URI;
    use crate::sstp::session::tests::{
        call_connected, connect_ack, connect_request, control, good_connected, http_request, http_response,
        pap_session, pap_setup, status_info, Run, C, NONCE, S,
    };
    use crate::sstp::session::Transport;
    use crate::tls::handshake::tests::{ext, message, vec_n};
    use crate::tls::x509::tests::{ca_der, leaf_der};

    /// (code, severity, Windows error code, frames) of every finding.
    type Row = (&'static str, Severity, Option<u32>, Vec<u64>);

    fn rows(sessions: &[SstpSession]) -> Vec<Row> {
        let mut out = Vec::new();
        findings(sessions, &[], &mut out);
        out.iter()
            .map(|f| {
                (
                    f.code,
                    f.severity,
                    f.windows_error.map(|w| w.code),
                    f.frames.clone(),
                )
            })
            .collect()
    }

    fn only(sessions: &[SstpSession], code: &str) -> Finding {
        let mut out = Vec::new();
        findings(sessions, &[], &mut out);
        out.into_iter().find(|f| f.code == code).unwrap()
    }

    #[test]
    fn a_clean_session_has_only_the_verified_binding() {
        let certificates = [leaf_der()];
        let ctx = BindingContext {
            credentials: &[],
            certificates: &certificates,
            cert_hashes: &[],
        };
        let s = pap_session(0x03, &good_connected(), &ctx);
        assert_eq!(
            rows(std::slice::from_ref(&s)),
            [("sstp_binding_verified", Severity::Info, None, vec![4, 9, 10, 11])]
        );
        let f = only(&[s], "sstp_binding_verified");
        assert_eq!(f.session.as_deref(), Some("sstp-1"));
        assert_eq!(f.title, "Crypto binding verified");
        assert_eq!(
            f.explanation,
            "Every check the capture allows passed: the nonce is the server's; SHA256 was offered; the Cert Hash \
             matches --cert certificate 1; the Compound MAC verifies (32 zero bytes: PAP produces no keys ([MS-SSTP] \
             §3.2.5.2.2))."
        );
        assert_eq!(f.wireshark_filter.as_deref(), Some("frame.number in {4 9 10 11}"));
    }

    #[test]
    fn each_failed_binding_check_is_its_own_finding() {
        let mut other = NONCE;
        other[3] = 0;
        let s = pap_session(
            0x01,
            &call_connected(HashProtocol::Sha256, &other, &leaf_der(), &Hlak::new([1; 32])),
            &BindingContext {
                credentials: &[],
                certificates: &[ca_der()],
                cert_hashes: &[],
            },
        );
        assert_eq!(
            rows(std::slice::from_ref(&s)),
            [
                ("sstp_binding_nonce_mismatch", Severity::Error, None, vec![4, 11]),
                (
                    "sstp_binding_hash_not_offered",
                    Severity::Error,
                    None,
                    vec![4, 11]
                ),
                ("sstp_binding_cert_not_expected", Severity::Error, None, vec![11]),
                (
                    "sstp_binding_compound_mac_mismatch",
                    Severity::Error,
                    None,
                    vec![9, 10, 11]
                ),
            ]
        );
        assert_eq!(
            only(std::slice::from_ref(&s), "sstp_binding_hash_not_offered").title,
            "Crypto binding: the client chose SHA256, which the server did not offer"
        );
        assert_eq!(
            only(&[s], "sstp_binding_cert_not_expected").explanation,
            format!(
                "The Cert Hash in Call Connected, {}, differs from the 1 given value(s) of its protocol (--cert, \
                 --cert-hash). This connection runs without TLS (behind an offloader): the client hashed the \
                 offloader's certificate, and the SSTP server must be configured with that certificate's hash \
                 (SHA256CertificateHash; see `tunnelscope cert-hash`).",
                crate::sstp::wire::hex(crate::crypto::sstp::cert_hash(HashProtocol::Sha256, &leaf_der()).digest())
            )
        );
    }

    #[test]
    fn mac_not_checked_says_why() {
        let s = pap_session(0x03, &good_connected(), &BindingContext::empty());
        let mut s = s;
        // As if the authentication had been MS-CHAPv2 without a password.
        if let Some(b) = &mut s.crypto_binding {
            b.compound_mac = CompoundMacVerdict::NotChecked;
            b.compound_mac_reason = Some("MS-CHAPv2 without a matching --credentials password".into());
            b.hlak = None;
        }
        let f = only(&[s], "sstp_binding_mac_not_checked");
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(
            f.explanation,
            "MS-CHAPv2 without a matching --credentials password. The other checks passed: the nonce is the server's; \
             SHA256 was offered. With MS-CHAPv2, give the user's password with --credentials to check it."
        );
    }

    #[test]
    fn http_404_for_a_wrong_uri() {
        let mut run = Run::new(Transport::Plaintext);
        run.send(C, &http_request("/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}"));
        run.send(S, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        run.fin(S);
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!(
            rows(std::slice::from_ref(&s)),
            [("sstp_http_refused", Severity::Error, None, vec![1, 2])]
        );
        let f = only(&[s], "sstp_http_refused");
        assert_eq!(f.title, "The server refused SSTP with HTTP 404 (the request URI)");
        assert_eq!(
            f.explanation,
            "The server answered the SSTP request with HTTP 404 Not Found: Not Found: wrong URI or Host; no SSTP \
             listener at this address, or another web server answered. The request URI is wrong: the trailing \"/\" \
             after the GUID's \"}\" is missing. No SSTP follows an error status ([MS-SSTP] §4.1)."
        );
    }

    #[test]
    fn http_404_for_the_right_request_blames_the_host() {
        let mut run = Run::new(Transport::Plaintext);
        run.send(C, &http_request(SSTP_URI));
        run.send(S, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        let s = run.t.finish(&BindingContext::empty());
        let f = only(&[s], "sstp_http_refused");
        assert_eq!(f.title, "The server refused SSTP with HTTP 404 (the host)");
        assert!(f.explanation.contains(
            "The request itself is right, so no SSTP listener serves Host \"vpn.example.test\" here"
        ));
    }

    #[test]
    fn http_request_without_response() {
        let mut run = Run::new(Transport::Plaintext);
        run.send(C, &http_request(SSTP_URI));
        run.fin(S);
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!(
            rows(&[s]),
            [("sstp_http_no_response", Severity::Error, None, vec![1, 2])]
        );
        // Still within the client's 60 s when the capture ends: nothing yet.
        let mut run = Run::new(Transport::Plaintext);
        run.send(C, &http_request(SSTP_URI));
        assert_eq!(rows(&[run.t.finish(&BindingContext::empty())]), []);
    }

    #[test]
    fn nak_and_a_call_that_never_connects() {
        let mut run = Run::new(Transport::Plaintext);
        run.send(C, &http_request(SSTP_URI));
        run.send(S, &http_response("200 "));
        run.send(C, &connect_request());
        run.send(S, &control(3, &[status_info(1, 4)]));
        run.fin(C);
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!(
            rows(std::slice::from_ref(&s)),
            [("sstp_call_connect_nak", Severity::Error, None, vec![3, 4])]
        );
        assert_eq!(
            only(&[s], "sstp_call_connect_nak").title,
            "The server refused the call: Call Connect Nak (ATTRIB_STATUS_VALUE_NOT_SUPPORTED about \
             SSTP_ATTRIB_ENCAPSULATED_PROTOCOL_ID)"
        );

        let mut run = Run::new(Transport::Plaintext);
        run.send(C, &http_request(SSTP_URI));
        run.send(S, &http_response("200 "));
        run.send(C, &connect_request());
        run.send(S, &connect_ack(2));
        run.fin(S);
        let s = run.t.finish(&BindingContext::empty());
        // The Ack alone gives a binding report but nothing to check yet.
        assert_eq!(
            rows(std::slice::from_ref(&s)),
            [("sstp_call_not_connected", Severity::Error, Some(619), vec![4, 5])]
        );
        assert_eq!(
            only(&[s], "sstp_call_not_connected").explanation,
            "The call never reached Call Connected: after Call Connect Ack, while PPP was negotiating the server \
             closed the TCP connection (TCP FIN). The client sends Call Connected once PPP authentication succeeds, \
             so PPP did not get that far; see the PPP findings for this session."
        );
    }

    #[test]
    fn abort_right_after_call_connected_points_at_the_binding() {
        let mut run = Run::new(Transport::Plaintext);
        pap_setup(&mut run, 0x03);
        run.send_at(C, &good_connected(), Timestamp::new(11, 0));
        run.send_at(
            S,
            &control(5, &[status_info(3, 4)]),
            Timestamp::new(11, 5_000_000),
        );
        run.send_at(C, &control(5, &[]), Timestamp::new(11, 6_000_000));
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!(
            rows(std::slice::from_ref(&s)),
            [
                ("sstp_binding_verified", Severity::Info, None, vec![4, 9, 10, 11]),
                (
                    "sstp_abort_after_call_connected",
                    Severity::Error,
                    None,
                    vec![11, 12, 13]
                ),
            ]
        );
        let f = only(&[s], "sstp_abort_after_call_connected");
        assert_eq!(
            f.title,
            "The server aborted the call 5 ms after Call Connected (ATTRIB_STATUS_VALUE_NOT_SUPPORTED about \
             SSTP_ATTRIB_CRYPTO_BINDING)"
        );
        assert!(f.explanation.ends_with(
            "The binding checks this capture allows passed, so the server holds another certificate hash than the \
             certificate the client saw (a TLS offloader in front of it, or a certificate changed without updating \
             SHA256CertificateHash)."
        ));
    }

    #[test]
    fn late_abort_and_echo_timeout() {
        let mut run = Run::new(Transport::Plaintext);
        pap_setup(&mut run, 0x03);
        run.send(C, &good_connected()); // 11
        run.send(S, &control(8, &[])); // 12, never answered
        run.rst(S); // 13
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!(
            rows(std::slice::from_ref(&s)),
            [
                ("sstp_binding_verified", Severity::Info, None, vec![4, 9, 10, 11]),
                ("sstp_echo_unanswered", Severity::Warning, Some(807), vec![12, 13]),
            ]
        );
        assert_eq!(
            only(&[s], "sstp_echo_unanswered").title,
            "1 SSTP Echo Request(s) from the server got no response"
        );

        let mut run = Run::new(Transport::Plaintext);
        pap_setup(&mut run, 0x03);
        run.send(C, &good_connected()); // 11
        run.send_at(C, &control(5, &[status_info(0, 6)]), Timestamp::new(40, 0)); // 12
        let s = run.t.finish(&BindingContext::empty());
        let f = only(&[s], "sstp_call_aborted");
        assert_eq!((f.severity, f.frames.clone()), (Severity::Warning, vec![11, 12]));
        assert_eq!(
            f.title,
            "The client aborted the call (ATTRIB_STATUS_RETRY_COUNT_EXCEEDED)"
        );
    }

    #[test]
    fn reset_while_connected() {
        let mut run = Run::new(Transport::Plaintext);
        pap_setup(&mut run, 0x03);
        run.send(C, &good_connected()); // 11
        run.rst(C); // 12
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!(
            rows(&[s]),
            [
                ("sstp_binding_verified", Severity::Info, None, vec![4, 9, 10, 11]),
                (
                    "sstp_connection_reset",
                    Severity::Warning,
                    Some(807),
                    vec![11, 12]
                ),
            ]
        );
    }

    #[test]
    fn damaged_streams_and_deviations() {
        let mut run = Run::new(Transport::Plaintext);
        run.send(C, &http_request(SSTP_URI)); // 1
        run.send(S, &http_response("200 ")); // 2
        run.send(S, &connect_request()); // 3: the server sends the client's message
        run.send(C, b"\x99\x99\x99\x99"); // 4: not a header
        run.send(C, &control(8, &[])); // 5
        let s = run.t.finish(&BindingContext::empty());
        let f = only(std::slice::from_ref(&s), "sstp_protocol_deviation");
        assert_eq!(
            (f.title.as_str(), f.explanation.as_str(), f.frames.clone()),
            (
                "1 SSTP message(s) depart from [MS-SSTP]",
                "Call Connect Request sent by the other side; only the client sends it. A peer that follows the \
                 specification aborts the call on such a message.",
                vec![3]
            )
        );
        let f = only(&[s], "sstp_stream_damaged");
        assert_eq!(
            (f.title.as_str(), f.frames.clone()),
            ("The SSTP byte stream is incomplete (1 desync)", vec![4])
        );
    }

    // TLS scenarios, built record by record.

    fn record(content_type: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![content_type, 3, 1];
        out.extend_from_slice(&(body.len() as u16).to_be_bytes());
        out.extend_from_slice(body);
        out
    }

    /// A TLS 1.0 ClientHello as Windows' SSTP client sends it: no ALPN,
    /// an SNI.
    fn client_hello(sni: &str) -> Vec<u8> {
        let mut b = vec![0x03, 0x01];
        b.extend([0x11; 32]);
        b.extend(vec_n(1, &[]));
        b.extend(vec_n(2, &[0x00, 0x2f, 0x00, 0x35]));
        b.extend(vec_n(1, &[0]));
        let mut name = vec![0u8];
        name.extend(vec_n(2, sni.as_bytes()));
        b.extend(vec_n(2, &ext(0, &vec_n(2, &name))));
        record(22, &message(1, &b))
    }

    /// ServerHello (TLS 1.0, TLS_RSA_WITH_AES_128_CBC_SHA), Certificate with
    /// `der`, ServerHelloDone.
    fn server_flight(der: &[u8]) -> Vec<u8> {
        let mut hello = vec![0x03, 0x01];
        hello.extend([0x22; 32]);
        hello.extend(vec_n(1, &[]));
        hello.extend([0x00, 0x2f, 0x00]);
        let mut body = message(2, &hello);
        body.extend(message(11, &vec_n(3, &vec_n(3, der))));
        body.extend(message(14, &[]));
        record(22, &body)
    }

    /// A TLS run whose frame n is at `base + n` seconds.
    fn tls_run(sni: &str, base: i64) -> (Run, impl Fn(u64) -> Timestamp) {
        let mut run = Run::new(Transport::Tls);
        let ts = move |frame: u64| Timestamp::new(base + frame as i64, 0);
        run.send_at(C, &client_hello(sni), ts(1));
        run.send_at(S, &server_flight(&leaf_der()), ts(2));
        (run, ts)
    }

    /// The leaf is valid from 2026-11-21 to 2081.
    const VALID_TIME: i64 = 1_800_000_000;

    #[test]
    fn client_alert_unknown_ca_is_an_untrusted_root() {
        let (mut run, ts) = tls_run("vpn.example.test", VALID_TIME);
        run.send_at(C, &record(21, &[2, 48]), ts(3));
        run.t.fin(C, 4, ts(4));
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!(s.certainty, crate::sstp::session::Certainty::Likely);
        assert_eq!(
            s.likely_reasons.last().map(String::as_str),
            Some(
                "the client ended TLS before sending any application data, as an SSTP client does when it rejects \
                 the server's certificate or cannot check its revocation"
            )
        );
        assert_eq!(
            rows(std::slice::from_ref(&s)),
            [
                ("sstp_encrypted", Severity::Info, None, vec![1]),
                (
                    "sstp_tls_certificate_rejected",
                    Severity::Error,
                    Some(0x800B_0109),
                    vec![2, 3, 4]
                ),
            ]
        );
        let f = only(&[s], "sstp_tls_certificate_rejected");
        assert_eq!(
            f.title,
            "The client rejected the server's TLS certificate: the client does not trust the issuer \"OU=PKI+CN=Example \
             Root CA,DC=example,DC=test\": its root CA is not in the client's Trusted Root Certification Authorities \
             store"
        );
        assert_eq!(
            f.wireshark_filter.as_deref(),
            Some(
                "(tls.handshake.type == 11 || tls.record.content_type == 21) && ip.addr == 192.0.2.10 && ip.addr == \
                 198.51.100.1 && tcp.port == 443"
            )
        );
        assert_eq!(f.windows_error.map(|w| w.name), Some("CERT_E_UNTRUSTEDROOT"));
    }

    #[test]
    fn client_leaving_after_an_expired_certificate() {
        // 2023: before the leaf's notBefore.
        let (mut run, ts) = tls_run("vpn.example.test", 1_700_000_000);
        run.t.fin(C, 3, ts(3));
        let s = run.t.finish(&BindingContext::empty());
        let f = only(&[s], "sstp_tls_certificate_rejected");
        assert_eq!(
            (f.windows_error.map(|w| w.code), f.frames.clone()),
            (Some(0x800B_0101), vec![2, 3])
        );
        assert_eq!(
            f.explanation,
            "After the server's Certificate (frame 2) the client closed the connection (frame 3) without a \
             ClientKeyExchange: it does not accept the certificate, so SSTP never starts. Here the certificate is not \
             valid at the capture time (valid from 2026-11-21T22:35:04Z to 2081-08-24T22:35:04Z)."
        );
        // An epoch-shifted capture clock proves nothing about validity.
        let (mut run, ts) = tls_run("vpn.example.test", 100);
        run.t.fin(C, 3, ts(3));
        let f = only(
            &[run.t.finish(&BindingContext::empty())],
            "sstp_tls_certificate_rejected",
        );
        assert_eq!(f.windows_error.map(|w| w.code), Some(0x800B_0109));
    }

    #[test]
    fn name_mismatch_and_wildcards() {
        let (mut run, ts) = tls_run("vpn.other.test", VALID_TIME);
        run.send_at(C, &record(21, &[2, 42]), ts(3));
        let f = only(
            &[run.t.finish(&BindingContext::empty())],
            "sstp_tls_certificate_rejected",
        );
        assert_eq!(f.windows_error.map(|w| w.code), Some(0x800B_010F));
        assert_eq!(
            f.title,
            "The client rejected the server's TLS certificate: the name the client dialled, \"vpn.other.test\", is not \
             among the certificate's names (vpn.example.test, *.example.test)"
        );
        assert!(name_matches("a.example.test", "*.example.test"));
        assert!(name_matches("VPN.Example.Test.", "vpn.example.test"));
        assert!(!name_matches("a.b.example.test", "*.example.test"));
        assert!(!name_matches("example.test", "*.example.test"));
    }

    #[test]
    fn revocation_check_failure_shape() {
        let (mut run, ts) = tls_run("vpn.example.test", VALID_TIME);
        let mut kx = vec_n(2, &[0x5a; 64]);
        kx = message(16, &kx);
        run.send_at(C, &record(22, &kx), ts(3));
        run.send_at(C, &record(20, &[1]), ts(4));
        run.send_at(C, &record(22, &[0x77; 48]), ts(5));
        run.send_at(S, &record(20, &[1]), ts(6));
        run.send_at(S, &record(22, &[0x66; 48]), ts(7));
        run.send_at(C, &record(21, &[0x55; 32]), ts(8));
        run.t.fin(C, 9, ts(9));
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!(
            rows(&[s]),
            [
                ("sstp_encrypted", Severity::Info, None, vec![1, 7]),
                (
                    "sstp_tls_closed_before_request",
                    Severity::Error,
                    Some(0x8009_2013),
                    vec![5, 9]
                ),
            ]
        );
    }

    #[test]
    fn server_refusing_the_handshake() {
        let mut run = Run::new(Transport::Tls);
        run.send_at(
            C,
            &client_hello("vpn.example.test"),
            Timestamp::new(VALID_TIME, 0),
        );
        run.send_at(S, &record(21, &[2, 70]), Timestamp::new(VALID_TIME + 1, 0));
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!(
            rows(std::slice::from_ref(&s)),
            [
                ("sstp_encrypted", Severity::Info, None, vec![1]),
                ("sstp_tls_refused_by_server", Severity::Error, None, vec![2]),
            ]
        );
        assert_eq!(
            only(&[s], "sstp_tls_refused_by_server").title,
            "The server refused the TLS handshake (alert protocol_version)"
        );
    }

    #[test]
    fn a_pool_with_two_certificates_under_one_name() {
        let session = |server: &str, der: &[u8], id: &str| {
            let mut t = crate::sstp::session::SstpTracker::new(
                id.into(),
                "192.0.2.10:50123".parse().unwrap(),
                server.parse().unwrap(),
                Transport::Tls,
            );
            t.data(
                C,
                &client_hello("VPN.example.test"),
                1,
                Timestamp::new(VALID_TIME, 0),
            );
            t.data(S, &server_flight(der), 2, Timestamp::new(VALID_TIME, 0));
            t.finish(&BindingContext::empty())
        };
        let sessions = [
            session("198.51.100.1:443", &leaf_der(), "sstp-1"),
            session("198.51.100.2:443", &ca_der(), "sstp-2"),
            session("198.51.100.3:443", &leaf_der(), "sstp-3"),
        ];
        let pools = pool_certificate_mismatch(&sessions);
        assert_eq!(pools.len(), 1);
        assert_eq!(pools[0].name, "vpn.example.test");
        let summary: Vec<(Vec<String>, Vec<String>, Vec<u64>)> = pools[0]
            .certificates
            .iter()
            .map(|c| {
                (
                    c.servers.iter().map(endpoint).collect(),
                    c.sessions.clone(),
                    c.frames.clone(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    vec!["198.51.100.1:443".to_string(), "198.51.100.3:443".to_string()],
                    vec!["sstp-1".to_string(), "sstp-3".to_string()],
                    vec![2, 2]
                ),
                (
                    vec!["198.51.100.2:443".to_string()],
                    vec!["sstp-2".to_string()],
                    vec![2]
                ),
            ]
        );
        // These sessions are not SSTP by their shape, but the pool check
        // looks at every session given.
        let mut out = Vec::new();
        pool_findings(&sessions, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].code, out[0].title.as_str()),
            (
                "sstp_pool_certificate_mismatch",
                "\"vpn.example.test\" is served with 2 different certificates"
            )
        );
        assert_eq!(
            out[0].wireshark_filter.as_deref(),
            Some("tls.handshake.type == 11 && frame.number in {2}")
        );
        // One certificate everywhere: nothing.
        assert_eq!(pool_certificate_mismatch(&sessions[..1]), []);
    }

    #[test]
    fn ppp_findings_come_with_the_sstp_context() {
        let mut run = Run::new(Transport::Plaintext);
        run.send(C, &http_request(SSTP_URI));
        run.send(S, &http_response("200 "));
        run.send(C, &connect_request());
        run.send(S, &connect_ack(3));
        let lcp = |code: u8, id: u8, options: &[Vec<u8>]| {
            crate::sstp::session::tests::data(&crate::ppp::build::frame(
                0xC021,
                &crate::ppp::build::control(code, id, options),
            ))
        };
        let server_lcp = [crate::ppp::build::lcp_auth_pap(), crate::ppp::build::lcp_magic(1)];
        run.send(S, &lcp(1, 1, &server_lcp)); // 5
        run.send(C, &lcp(1, 1, &[crate::ppp::build::lcp_magic(2)])); // 6
        run.send(C, &lcp(2, 1, &server_lcp)); // 7
        run.send(S, &lcp(2, 1, &[crate::ppp::build::lcp_magic(2)])); // 8
        let pap = |p: Vec<u8>| crate::sstp::session::tests::data(&crate::ppp::build::frame(0xC023, &p));
        run.send(C, &pap(crate::ppp::build::pap_request(1, b"alice", b"wrong"))); // 9
        run.send(S, &pap(crate::ppp::build::pap_reply(3, 1, b"denied"))); // 10
        run.fin(S); // 11
        let s = run.t.finish(&BindingContext::empty());
        let mut out = Vec::new();
        findings(&[s], &[], &mut out);
        let codes: Vec<&str> = out.iter().map(|f| f.code).collect();
        assert_eq!(codes, ["sstp_call_not_connected", "ppp_auth_failed"]);
        let f = &out[1];
        assert_eq!(f.title, "Authentication failed for \"alice\" on SSTP sstp-1");
        assert_eq!(
            f.wireshark_filter.as_deref(),
            Some("ppp && ip.addr == 192.0.2.10 && ip.addr == 198.51.100.1 && tcp.port == 443")
        );
        assert_eq!(f.session.as_deref(), Some("sstp-1"));
    }

    #[test]
    fn real_captures() {
        use crate::sstp::session::tests::capture_sessions;
        let Some(sessions) = capture_sessions(
            "../shared/captures/ajbanjara_Wireshark__sstp2.pcap",
            &BindingContext::empty(),
        ) else {
            return;
        };
        let sessions: Vec<SstpSession> = sessions.into_iter().map(|(s, _)| s).collect();
        assert_eq!(
            rows(&sessions),
            [("sstp_encrypted", Severity::Info, None, vec![105, 108])]
        );
        let f = only(&sessions, "sstp_encrypted");
        assert_eq!(
            f.title,
            "Likely SSTP from 172.16.1.2:49157 to 172.16.1.1:443, encrypted"
        );
        assert_eq!(
            f.wireshark_filter.as_deref(),
            Some("tls && ip.addr == 172.16.1.2 && ip.addr == 172.16.1.1 && tcp.port == 443")
        );
        let Some(https) = capture_sessions(
            "../shared/captures/negatives/ajbanjara_Wireshark__rsasnakeoil2.cap",
            &BindingContext::empty(),
        ) else {
            return;
        };
        let https: Vec<SstpSession> = https.into_iter().map(|(s, _)| s).collect();
        assert_eq!(rows(&https), []);
    }

    #[test]
    fn unlikely_sessions_give_nothing() {
        let mut run = Run::new(Transport::Plaintext);
        run.send(C, b"GET / HTTP/1.1\r\n\r\n");
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!(rows(&[s]), []);
        // The unused helpers of the binding builders stay exercised.
        let _ = call_connected(HashProtocol::Sha1, &NONCE, &leaf_der(), &hlak_without_keys());
    }
}
