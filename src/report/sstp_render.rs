//! SSTP sessions as text: a table with one row per session, and the
//! teaching ladder of one session (TCP → TLS → HTTP → SSTP → PPP → crypto
//! binding → data → teardown), each step explained in one line. Strings
//! from the capture are escaped for the terminal.

use std::fmt::Write as _;

use comfy_table::{presets, ContentArrangement, Table};

use crate::report::model::{TlsCarries, TlsConnectionSummary};
use crate::sstp::binding::{CompoundMacVerdict, CryptoBindingReport};
use crate::sstp::session::{Certainty, Direction, MessageRecord, SstpSession, SstpState, Transport};
use crate::text::escape_terminal;
use crate::tls::codes::HandshakeType;
use crate::tls::connection::{DecryptionReport, DecryptionStatus, SecretSource, TlsFacts};

fn esc(s: &str) -> String {
    escape_terminal(s).into_owned()
}

fn endpoint(e: &crate::sstp::session::Endpoint) -> String {
    match e.ip {
        std::net::IpAddr::V6(ip) => format!("[{ip}]:{}", e.port),
        ip => format!("{ip}:{}", e.port),
    }
}

fn side(d: Direction) -> &'static str {
    match d {
        Direction::ClientToServer => "client",
        Direction::ServerToClient => "server",
    }
}

fn mark(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "✓",
        Some(false) => "✗",
        None => "?",
    }
}

/// One row per SSTP session: client, server, transport (TLS version, SNI,
/// cipher suite), HTTP status, the state reached, the binding verdicts,
/// PPP authentication and address, and how the connection ended.
pub fn table(sessions: &[SstpSession]) -> String {
    if sessions.is_empty() {
        return "No SSTP connection found.\n".to_string();
    }
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(160)
        .set_header([
            "Session",
            "Client",
            "Server",
            "Transport",
            "HTTP",
            "State",
            "Binding",
            "PPP",
            "Ended",
        ]);
    for s in sessions {
        t.add_row(vec![
            match s.certainty {
                Certainty::Confirmed => s.id.clone(),
                Certainty::Likely => format!("{}\n(likely)", s.id),
                Certainty::Unlikely => format!("{}\n(not SSTP)", s.id),
            },
            endpoint(&s.client),
            endpoint(&s.server),
            transport_words(s),
            http_words(s),
            state_words(s),
            s.crypto_binding
                .as_ref()
                .map_or_else(|| "-".to_string(), binding_words),
            ppp_words(s),
            end_words(s),
        ]);
    }
    format!("SSTP connections\n{t}\n")
}

fn transport_words(s: &SstpSession) -> String {
    match (&s.transport, &s.tls) {
        (Transport::Plaintext, _) => "HTTP in the clear".to_string(),
        (Transport::Tls, None) => "TLS".to_string(),
        (Transport::Tls, Some(tls)) => {
            let mut lines = vec![tls.version.map_or_else(|| "TLS".to_string(), |v| v.to_string())];
            if let Some(sni) = &tls.sni {
                lines.push(format!("SNI {}", esc(sni)));
            }
            if let Some(suite) = tls.cipher_suite {
                lines.push(suite.to_string());
            }
            if let Some(d) = &tls.decryption {
                lines.push(decryption_words(d));
            }
            lines.join("\n")
        }
    }
}

/// "decrypted (key log)", "not decrypted: no secret", …
pub fn decryption_words(d: &DecryptionReport) -> String {
    let source = |s: SecretSource| match s {
        SecretSource::KeyLog => "key log",
        SecretSource::KeyLogRsa => "key log RSA line",
        SecretSource::CaptureSecrets => "secrets in the capture",
        SecretSource::ServerKey => "server key",
        SecretSource::ResumedSession => "resumed session",
    };
    match d.status {
        DecryptionStatus::Decrypted => {
            format!("decrypted ({})", d.secret_source.map_or("?", source))
        }
        DecryptionStatus::PartlyDecrypted => format!(
            "decrypted ({}), {} records failed",
            d.secret_source.map_or("?", source),
            d.records_failed
        ),
        DecryptionStatus::NotDecrypted => format!(
            "not decrypted: {}",
            d.reason.map_or("no protected record", |r| r.code())
        ),
    }
}

/// One row per TLS connection given secrets: what it carries ("TLS, not
/// SSTP" with its request line) and how decryption went.
pub fn tls_connections_table(list: &[TlsConnectionSummary]) -> String {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(160)
        .set_header(["Client", "Server", "TLS", "Decryption", "Carries"]);
    for c in list {
        let mut tls = vec![c.version.map_or_else(|| "TLS".to_string(), |v| v.to_string())];
        if let Some(sni) = &c.sni {
            tls.push(format!("SNI {}", esc(sni)));
        }
        if let Some(suite) = c.cipher_suite {
            tls.push(suite.to_string());
        }
        let carries = match c.carries {
            TlsCarries::Sstp => format!("SSTP ({})", c.sstp_session.as_deref().unwrap_or("?")),
            TlsCarries::LikelySstp => format!("likely SSTP ({})", c.sstp_session.as_deref().unwrap_or("?")),
            TlsCarries::NotSstp => format!(
                "TLS, not SSTP\n{}",
                c.request_line
                    .as_deref()
                    .map_or_else(|| "(not HTTP)".to_string(), esc)
            ),
            TlsCarries::Unknown => "?".to_string(),
        };
        t.add_row(vec![
            c.client.to_string(),
            c.server.to_string(),
            tls.join("\n"),
            c.decryption
                .as_ref()
                .map_or_else(|| "-".to_string(), decryption_words),
            carries,
        ]);
    }
    format!("TLS connections\n{t}\n")
}

fn http_words(s: &SstpSession) -> String {
    match &s.http {
        None if s.transport == Transport::Tls && s.certainty == Certainty::Likely => "encrypted".to_string(),
        None => "-".to_string(),
        Some(h) => match h.status {
            Some(code) if !h.uri_ok => format!("{code}\n(wrong URI)"),
            Some(code) => code.to_string(),
            None => "no response".to_string(),
        },
    }
}

fn state_words(s: &SstpSession) -> String {
    if s.state != s.setup_reached && s.setup_reached != SstpState::None {
        format!("{}\nafter {}", s.state.words(), s.setup_reached.words())
    } else {
        s.state.words().to_string()
    }
}

fn binding_words(b: &CryptoBindingReport) -> String {
    let mut lines = Vec::new();
    if b.call_connected_frame.is_none() {
        return format!(
            "offered {}\nno Call Connected",
            if b.offered_hash_protocols.is_empty() {
                "nothing".to_string()
            } else {
                b.offered_hash_protocols.join("+")
            }
        );
    }
    lines.push(format!("nonce {}", mark(b.nonce_matches)));
    lines.push(format!(
        "{} {}",
        b.hash_protocol.unwrap_or("hash ?"),
        mark(Some(b.hash_protocol_offered))
    ));
    let cert = match (b.cert_hash_matches_tls_certificate, b.cert_hash_matches_given) {
        (None, None) => "cert hash ?".to_string(),
        (tls, given) => {
            let mut parts = Vec::new();
            if tls.is_some() {
                parts.push(format!("TLS {}", mark(tls)));
            }
            if given.is_some() {
                parts.push(format!("given {}", mark(given)));
            }
            format!("cert {}", parts.join(" "))
        }
    };
    lines.push(cert);
    lines.push(
        match b.compound_mac {
            CompoundMacVerdict::Verified => "MAC verified",
            CompoundMacVerdict::Mismatch => "MAC MISMATCH",
            CompoundMacVerdict::NotChecked => "MAC not checked",
        }
        .to_string(),
    );
    lines.join("\n")
}

fn ppp_words(s: &SstpSession) -> String {
    let p = &s.ppp;
    let mut lines = Vec::new();
    if let Some(protocol) = p.auth.protocol {
        let result = match p.auth.result {
            Some(crate::ppp::negotiation::AuthResult::Success) => "ok",
            Some(crate::ppp::negotiation::AuthResult::Failure) => "failed",
            None => "no result",
        };
        lines.push(format!("{protocol} {result}"));
    }
    if let Some(user) = &p.auth.user {
        lines.push(format!("user \"{}\"", esc(user)));
    }
    if let Some(ip) = &p.ipcp.client_ip {
        lines.push(format!("IP {}", esc(ip)));
    }
    if lines.is_empty() {
        "-".to_string()
    } else {
        lines.join("\n")
    }
}

fn end_words(s: &SstpSession) -> String {
    match s.closed_by {
        Some(d) => format!("{}\n(TCP closed by the {})", s.ended_by.words(), side(d)),
        None => s.ended_by.words().to_string(),
    }
}

/// Writes the lines of one session's ladder.
struct Ladder {
    out: String,
    t0: f64,
}

impl Ladder {
    fn phase(&mut self, title: &str, explanation: &str) {
        let _ = writeln!(self.out, "  ── {title} ── {explanation}");
    }

    fn step(&mut self, time: Option<f64>, frame: Option<String>, direction: Option<Direction>, text: &str) {
        let time = time.map_or(String::new(), |t| format!("+{:.3}", t - self.t0));
        let arrow = match direction {
            Some(Direction::ClientToServer) => "client ──▶ server  ",
            Some(Direction::ServerToClient) => "client ◀── server  ",
            None => "",
        };
        let _ = writeln!(
            self.out,
            "  {:>10}  {:>7}  {arrow}{text}",
            time,
            frame.unwrap_or_default()
        );
    }

    fn at(&mut self, at: crate::sstp::session::At, direction: Option<Direction>, text: &str) {
        self.step(Some(at.time), Some(at.frame.to_string()), direction, text);
    }

    fn note(&mut self, text: &str) {
        self.step(None, None, None, text);
    }
}

/// The teaching ladder of one session: TCP → TLS → HTTP → SSTP call set-up
/// → PPP → crypto binding → data → teardown, each step one explained line
/// with its frame; data and echoes summarised, never listed per packet.
pub fn ladder(session: &SstpSession) -> String {
    let s = session;
    let mut l = Ladder {
        out: String::new(),
        t0: s.start.map_or(0.0, |a| a.time),
    };
    let certainty = match s.certainty {
        Certainty::Confirmed => "SSTP seen",
        Certainty::Likely => "likely SSTP, encrypted",
        Certainty::Unlikely => "not SSTP",
    };
    let transport = match s.transport {
        Transport::Tls => "TLS",
        Transport::Plaintext => "HTTP in the clear",
    };
    let _ = writeln!(
        l.out,
        "SSTP session {}: client {} ↔ server {} ({transport}, {certainty})",
        esc(&s.id),
        endpoint(&s.client),
        endpoint(&s.server)
    );
    if s.certainty == Certainty::Likely {
        let _ = writeln!(l.out, "  why likely: {}", esc(&s.likely_reasons.join("; ")));
    }
    if let Some(line) = &s.not_sstp_request_line {
        let _ = writeln!(l.out, "  not SSTP: the client sent \"{}\"", esc(line));
    }
    let _ = writeln!(l.out, "  {:>10}  {:>7}  step", "time", "frame");

    l.phase(
        "TCP",
        "The client opens a TCP connection to the server; SSTP runs over HTTPS, by default on port 443.",
    );
    if let Some(start) = s.start {
        l.at(
            start,
            None,
            &format!(
                "first data seen between {} and {}",
                endpoint(&s.client),
                endpoint(&s.server)
            ),
        );
    }
    if let Some(tls) = &s.tls {
        tls_steps(&mut l, tls);
    }
    http_steps(&mut l, s);
    setup_steps(&mut l, s);
    ppp_steps(&mut l, s);
    binding_steps(&mut l, s);
    data_steps(&mut l, s);
    teardown_steps(&mut l, s);
    l.out
}

fn tls_steps(l: &mut Ladder, tls: &TlsFacts) {
    use crate::tls::Direction as TlsDirection;
    l.phase(
        "TLS",
        "TLS authenticates the server by its certificate and encrypts what follows; SSTP's HTTP and packets run inside.",
    );
    let dir = |d: TlsDirection| match d {
        TlsDirection::ClientToServer => Direction::ClientToServer,
        TlsDirection::ServerToClient => Direction::ServerToClient,
    };
    if let Some(h) = &tls.client_hello {
        let sni = h
            .server_name
            .as_deref()
            .map_or("no SNI".to_string(), |n| format!("SNI {}", esc(n)));
        l.at(
            crate::sstp::session::At {
                frame: h.at.frame,
                time: h.at.time,
            },
            Some(Direction::ClientToServer),
            &format!(
                "ClientHello {}, {sni}, {} cipher suites — the client proposes",
                h.version,
                h.cipher_suites.len()
            ),
        );
    }
    if let Some(h) = &tls.server_hello {
        l.at(
            crate::sstp::session::At {
                frame: h.at.frame,
                time: h.at.time,
            },
            Some(Direction::ServerToClient),
            &format!(
                "ServerHello {}, {} — the server picks the version and cipher suite",
                tls.version
                    .map_or_else(|| h.version.to_string(), |v| v.to_string()),
                h.cipher_suite
            ),
        );
    }
    let certificate = tls
        .handshake_messages
        .iter()
        .find(|m| m.direction == TlsDirection::ServerToClient && m.msg_type == HandshakeType::CERTIFICATE);
    if let (Some(m), Some(leaf)) = (certificate, tls.certificates.first()) {
        let subject = leaf.details.as_ref().map_or("?".to_string(), |d| esc(&d.subject));
        l.at(
            crate::sstp::session::At {
                frame: m.at.frame,
                time: m.at.time,
            },
            Some(Direction::ServerToClient),
            &format!(
                "Certificate {subject}, SHA-256 {} — the certificate the crypto binding hashes",
                leaf.sha256
            ),
        );
    }
    for a in &tls.alerts {
        let text = if a.encrypted {
            "encrypted alert (close_notify, usually)".to_string()
        } else {
            format!(
                "Alert {} {} — {}",
                a.level.map_or("?".to_string(), |v| v.to_string()),
                a.description.map_or("?".to_string(), |v| v.to_string()),
                if a.level == Some(crate::tls::codes::AlertLevel::WARNING) {
                    "a warning"
                } else {
                    "fatal: the handshake or connection ends"
                }
            )
        };
        l.at(
            crate::sstp::session::At {
                frame: a.at.frame,
                time: a.at.time,
            },
            Some(dir(a.direction)),
            &text,
        );
    }
    if let Some(done) = tls.handshake_completed_at {
        l.at(
            crate::sstp::session::At {
                frame: done.frame,
                time: done.time,
            },
            None,
            "handshake complete — from here on everything is encrypted",
        );
    }
    if let Some(d) = &tls.decryption {
        let mut text = decryption_words(d);
        match d.status {
            DecryptionStatus::NotDecrypted => {
                if let Some(r) = d.reason {
                    text = format!("not decrypted: {}", r.words());
                }
            }
            _ => {
                let _ = write!(
                    text,
                    ": {} records client → server, {} server → client opened",
                    d.client_to_server_records, d.server_to_client_records
                );
            }
        }
        l.note(&text);
    }
    let (c, sv) = (
        &tls.client_to_server.application_data,
        &tls.server_to_client.application_data,
    );
    if c.records + sv.records > 0 {
        l.note(&format!(
            "application data: {} records ({} bytes) client → server, {} records ({} bytes) server → client",
            c.records, c.bytes, sv.records, sv.bytes
        ));
    }
}

fn http_steps(l: &mut Ladder, s: &SstpSession) {
    let Some(h) = &s.http else {
        if s.transport == Transport::Tls && s.certainty == Certainty::Likely {
            l.phase(
                "HTTP, SSTP, PPP",
                "Inside TLS, not visible without the keys: the SSTP request, the call set-up, PPP and the crypto binding.",
            );
        }
        return;
    };
    l.phase(
        "HTTP",
        "The client asks for SSTP with SSTP_DUPLEX_POST; HTTP 200 turns the connection into a duplex SSTP channel.",
    );
    let mut request = format!("{} {} {}", esc(&h.method), esc(&h.uri), esc(&h.request.version));
    if let Some(host) = &h.host {
        let _ = write!(request, ", Host {}", esc(host));
    }
    if let Some(diff) = &h.uri_difference {
        let _ = write!(request, " — wrong URI: {}", esc(diff));
    } else {
        request.push_str(" — the SSTP request");
    }
    l.step(
        Some(h.request_time),
        Some(h.request_frame.to_string()),
        Some(Direction::ClientToServer),
        &request,
    );
    match (h.status, h.response_frame, h.response_time) {
        (Some(code), Some(frame), Some(time)) => l.step(
            Some(time),
            Some(frame.to_string()),
            Some(Direction::ServerToClient),
            &format!("HTTP {code} — {}", h.status_meaning.unwrap_or("")),
        ),
        _ => l.note("no HTTP response"),
    }
}

fn message_text(m: &MessageRecord) -> String {
    let name = m.title.unwrap_or("unknown message");
    let summary = m.message.summary();
    let mut text = if summary.is_empty() {
        name.to_string()
    } else {
        format!("{name}: {summary}")
    };
    if let Some(d) = m.deviation {
        let _ = write!(text, "  ⚠ {d}");
    }
    text
}

fn message_step(l: &mut Ladder, m: &MessageRecord, explanation: &str) {
    let frame = match m.first_frame {
        Some(first) => format!("{first}-{}", m.frame),
        None => m.frame.to_string(),
    };
    let text = format!("{} — {explanation}", message_text(m));
    l.step(Some(m.time), Some(frame), Some(m.direction), &text);
}

fn setup_steps(l: &mut Ladder, s: &SstpSession) {
    let setup: Vec<&MessageRecord> = s
        .messages
        .iter()
        .filter(|m| matches!(m.message.message_type.0, 1..=3))
        .collect();
    if setup.is_empty() {
        return;
    }
    l.phase(
        "SSTP call set-up",
        "Call Connect Request asks for a call carrying PPP; the server answers Ack (with a nonce and the hash protocols for the binding) or Nak.",
    );
    for m in setup {
        let explanation = match m.message.message_type.0 {
            1 => "the client asks for a PPP call",
            2 => "the server accepts; PPP starts in data packets",
            _ => "the server refuses the call",
        };
        message_step(l, m, explanation);
    }
}

fn ppp_steps(l: &mut Ladder, s: &SstpSession) {
    let p = &s.ppp;
    if p.events.is_empty() {
        return;
    }
    l.phase(
        "PPP",
        "PPP runs in SSTP data packets: LCP sets up the link, the client authenticates, IPCP gives it an address.",
    );
    let mut phase = None;
    for e in &p.events {
        if phase != Some(e.phase) {
            let _ = writeln!(l.out, "  ── PPP {} ──", format!("{:?}", e.phase).to_lowercase());
            phase = Some(e.phase);
        }
        l.step(
            Some(e.time),
            Some(e.frame.to_string()),
            Some(e.direction),
            &format!("{} — {}", esc(&e.summary), esc(&e.explanation)),
        );
    }
    if p.events_not_listed > 0 {
        l.note(&format!(
            "… {} more PPP steps not listed (limit)",
            p.events_not_listed
        ));
    }
}

fn binding_steps(l: &mut Ladder, s: &SstpSession) {
    let connected = s.messages.iter().find(|m| m.message.message_type.0 == 4);
    let Some(b) = &s.crypto_binding else { return };
    if connected.is_none() && b.call_connected_frame.is_none() {
        return;
    }
    l.phase(
        "crypto binding",
        "Call Connected ties PPP authentication to the TLS channel: the server's nonce, the hash of the server certificate, and a MAC keyed from the authentication.",
    );
    if let Some(m) = connected {
        message_step(l, m, "the client binds the call");
    }
    let nonce = match b.nonce_matches {
        Some(true) => "nonce: the server's, echoed".to_string(),
        Some(false) => "nonce: NOT the server's — the server aborts".to_string(),
        None => "nonce: not comparable (Call Connect Ack not seen)".to_string(),
    };
    l.note(&nonce);
    l.note(&format!(
        "hash protocol: {}, {} (server offered {})",
        b.hash_protocol.unwrap_or("?"),
        if b.hash_protocol_offered {
            "offered"
        } else {
            "NOT offered"
        },
        if b.offered_hash_protocols.is_empty() {
            "?".to_string()
        } else {
            b.offered_hash_protocols.join(", ")
        }
    ));
    let mut cert = format!("cert hash {}:", b.cert_hash.as_deref().unwrap_or("?"));
    match b.cert_hash_matches_tls_certificate {
        Some(true) => cert.push_str(" the certificate presented in this connection;"),
        Some(false) => cert.push_str(" NOT the certificate presented in this connection (a middlebox?);"),
        None => cert.push_str(" no certificate in this connection to compare;"),
    }
    match (b.cert_hash_matches_given, &b.cert_hash_matched) {
        (Some(true), Some(which)) => {
            let _ = write!(cert, " matches {which}");
        }
        (Some(false), _) => cert.push_str(" matches none of the values given"),
        _ => cert.push_str(" nothing given to compare (--cert, --cert-hash)"),
    }
    l.note(&cert);
    let mac = match b.compound_mac {
        CompoundMacVerdict::Verified => {
            format!("Compound MAC: verified ({})", b.hlak.as_deref().unwrap_or("?"))
        }
        CompoundMacVerdict::Mismatch => {
            format!("Compound MAC: MISMATCH ({})", b.hlak.as_deref().unwrap_or("?"))
        }
        CompoundMacVerdict::NotChecked => format!(
            "Compound MAC: not checked ({})",
            b.compound_mac_reason.as_deref().unwrap_or("?")
        ),
    };
    l.note(&mac);
}

fn data_steps(l: &mut Ladder, s: &SstpSession) {
    let (c, sv) = (&s.data.client_to_server, &s.data.server_to_client);
    let e = &s.echo;
    if c.packets + sv.packets == 0 && e.requests == 0 {
        return;
    }
    l.phase(
        "data",
        "SSTP data packets carry the PPP frames (negotiation, then IP packets); Echo Request/Response keep an idle link alive.",
    );
    for (side, d, dir) in [
        ("client", c, Direction::ClientToServer),
        ("server", sv, Direction::ServerToClient),
    ] {
        let frames = match (d.first_frame, d.last_frame) {
            (Some(a), Some(b)) => Some(format!("{a}-{b}")),
            _ => None,
        };
        l.step(
            None,
            frames,
            Some(dir),
            &format!(
                "{} data packets from the {side}, {} bytes of PPP",
                d.packets, d.bytes
            ),
        );
    }
    let d = &s.ppp.data;
    if d.ipv4_packets + d.ipv6_packets > 0 {
        l.note(&format!(
            "inside: {} IPv4 and {} IPv6 packets",
            d.ipv4_packets, d.ipv6_packets
        ));
    }
    if e.requests > 0 {
        let mut text = format!(
            "echo: {} request(s), {} answered",
            e.requests,
            e.requests.saturating_sub(e.unanswered)
        );
        if let (Some(min), Some(max)) = (e.rtt_min, e.rtt_max) {
            let _ = write!(text, ", round trip {:.1}–{:.1} ms", min * 1000.0, max * 1000.0);
        }
        if e.timed_out > 0 {
            let _ = write!(text, ", {} timed out", e.timed_out);
        }
        l.note(&text);
    }
}

fn teardown_steps(l: &mut Ladder, s: &SstpSession) {
    l.phase(
        "teardown",
        "Call Disconnect and its Ack end the call; Call Abort ends it on an error; then TLS and TCP close.",
    );
    let mut steps: Vec<(u64, f64, Option<Direction>, String)> = Vec::new();
    for m in s
        .messages
        .iter()
        .filter(|m| matches!(m.message.message_type.0, 5..=7))
    {
        let explanation = match m.message.message_type.0 {
            5 => "the call ends on an error",
            6 => "the call ends normally",
            _ => "the peer confirms",
        };
        steps.push((
            m.frame,
            m.time,
            Some(m.direction),
            format!("{} — {explanation}", message_text(m)),
        ));
    }
    if let Some(fin) = s.tcp_fin {
        steps.push((
            fin.frame,
            fin.time,
            None,
            format!("TCP FIN from the {}", s.closed_by.map_or("?", side)),
        ));
    }
    if let Some(rst) = s.tcp_rst {
        steps.push((rst.frame, rst.time, None, "TCP RST".to_string()));
    }
    steps.sort_by_key(|x| x.0);
    for (frame, time, dir, text) in steps {
        l.step(Some(time), Some(frame.to_string()), dir, &text);
    }
    l.note(&format!("ended: {}", s.ended_by.words()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sstp::binding::BindingContext;
    use crate::sstp::session::tests::{good_connected, http_request, pap_session, Run, C, S};
    use crate::tls::x509::tests::leaf_der;

    #[test]
    fn ladder_of_a_plaintext_pap_session() {
        let certificates = [leaf_der()];
        let s = pap_session(
            0x03,
            &good_connected(),
            &BindingContext {
                credentials: &[],
                certificates: &certificates,
                cert_hashes: &[],
            },
        );
        let text = ladder(&s);
        assert_eq!(text, LADDER, "{text}");
    }

    #[test]
    fn table_of_sessions() {
        let s = pap_session(0x03, &good_connected(), &BindingContext::empty());
        let mut run = Run::new(Transport::Plaintext);
        run.send(C, &http_request("/sra_x/"));
        run.send(S, b"HTTP/1.1 404 Not Found\r\n\r\n");
        run.rst(C);
        let mut refused = run.t.finish(&BindingContext::empty());
        refused.id = "sstp-2".into();
        let text = table(&[s, refused]);
        assert_eq!(text, TABLE, "{text}");
    }

    #[test]
    fn ladder_of_a_real_encrypted_session() {
        let Some(sessions) = crate::sstp::session::tests::capture_sessions(
            "../shared/captures/ajbanjara_Wireshark__sstp2.pcap",
            &BindingContext::empty(),
        ) else {
            return;
        };
        let text = ladder(&sessions[0].0);
        assert_eq!(text, REAL_LADDER, "{text}");
    }

    #[test]
    fn capture_strings_are_escaped() {
        let mut run = Run::new(Transport::Plaintext);
        let request = String::from_utf8(http_request("/sra_x/"))
            .unwrap()
            .replace("vpn.example.test", "evil\x1b[2J");
        run.send(C, request.as_bytes());
        let s = run.t.finish(&BindingContext::empty());
        let text = ladder(&s);
        assert!(!text.contains('\x1b'));
        assert!(text.contains("Host evil\\x1b[2J — wrong URI"), "{text}");
    }

    const LADDER: &str = concat!(
        "SSTP session sstp-1: client 192.0.2.10:50123 ↔ server 198.51.100.1:443 (HTTP in the clear, SSTP seen)\n",
        "        time    frame  step\n",
        "  ── TCP ── The client opens a TCP connection to the server; SSTP runs over HTTPS, by default on port 443.\n",
        "      +0.000        1  first data seen between 192.0.2.10:50123 and 198.51.100.1:443\n",
        "  ── HTTP ── The client asks for SSTP with SSTP_DUPLEX_POST; HTTP 200 turns the connection into a duplex SSTP channel.\n",
        "      +0.000        1  client ──▶ server  SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1, Host vpn.example.test — the SSTP request\n",
        "      +1.000        2  client ◀── server  HTTP 200 — OK: the server accepted the SSTP connection; SSTP packets follow in both directions\n",
        "  ── SSTP call set-up ── Call Connect Request asks for a call carrying PPP; the server answers Ack (with a nonce and the hash protocols for the binding) or Nak.\n",
        "      +2.000        3  client ──▶ server  Call Connect Request: protocol PPP — the client asks for a PPP call\n",
        "      +3.000        4  client ◀── server  Call Connect Ack: offers SHA1+SHA256, nonce 404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f — the server accepts; PPP starts in data packets\n",
        "  ── PPP ── PPP runs in SSTP data packets: LCP sets up the link, the client authenticates, IPCP gives it an address.\n",
        "  ── PPP lcp ──\n",
        "      +4.000        5  client ◀── server  Configure-Request auth PAP, magic 0x11111111 (id 1) — The sender proposes how the link should work towards it; the peer must Ack, Nak or Reject the options.\n",
        "      +5.000        6  client ──▶ server  Configure-Request MRU 1400, magic 0x22222222 (id 1) — The sender proposes how the link should work towards it; the peer must Ack, Nak or Reject the options.\n",
        "      +6.000        7  client ──▶ server  Configure-Ack auth PAP, magic 0x11111111 (id 1) — The peer accepts every option of the request as sent; this side is configured.\n",
        "      +7.000        8  client ◀── server  Configure-Ack MRU 1400, magic 0x22222222 (id 1) — The peer accepts every option of the request as sent; this side is configured.\n",
        "  ── PPP auth ──\n",
        "      +8.000        9  client ──▶ server  Authenticate-Request peer-id \"alice\" (id 1) — The peer sends its name and password in clear text.\n",
        "      +9.000       10  client ◀── server  Authenticate-Ack \"welcome\" (id 1) — The authenticator accepts the name and password.\n",
        "  ── crypto binding ── Call Connected ties PPP authentication to the TLS channel: the server's nonce, the hash of the server certificate, and a MAC keyed from the authentication.\n",
        "     +10.000       11  client ──▶ server  Call Connected: SHA256 binding, nonce 404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f — the client binds the call\n",
        "                       nonce: the server's, echoed\n",
        "                       hash protocol: SHA256, offered (server offered SHA1, SHA256)\n",
        "                       cert hash aa102c6ac5d0439839bbaea040b549c284a2317c035ff73bf3bc4379c473cef0: no certificate in this connection to compare; matches --cert certificate 1\n",
        "                       Compound MAC: verified (32 zero bytes: PAP produces no keys ([MS-SSTP] §3.2.5.2.2))\n",
        "  ── data ── SSTP data packets carry the PPP frames (negotiation, then IP packets); Echo Request/Response keep an idle link alive.\n",
        "                  6-9  client ──▶ server  3 data packets from the client, 57 bytes of PPP\n",
        "                 5-10  client ◀── server  3 data packets from the server, 52 bytes of PPP\n",
        "                       echo: 1 request(s), 1 answered, round trip 1000.0–1000.0 ms\n",
        "  ── teardown ── Call Disconnect and its Ack end the call; Call Abort ends it on an error; then TLS and TCP close.\n",
        "     +13.000       14  client ◀── server  Call Disconnect: status ATTRIB_STATUS_NO_ERROR about SSTP_ATTRIB_NO_ERROR — the call ends normally\n",
        "     +14.000       15  client ──▶ server  Call Disconnect Ack — the peer confirms\n",
        "     +15.000       16  TCP FIN from the server\n",
        "                       ended: Call Disconnect\n",
    );

    const TABLE: &str = concat!(
        "SSTP connections\n",
        "┌─────────┬──────────────────┬──────────────────┬───────────────────┬─────────────┬─────────────────┬──────────────┬──────────────┬────────────────────────────┐\n",
        "│ Session ┆ Client           ┆ Server           ┆ Transport         ┆ HTTP        ┆ State           ┆ Binding      ┆ PPP          ┆ Ended                      │\n",
        "╞═════════╪══════════════════╪══════════════════╪═══════════════════╪═════════════╪═════════════════╪══════════════╪══════════════╪════════════════════════════╡\n",
        "│ sstp-1  ┆ 192.0.2.10:50123 ┆ 198.51.100.1:443 ┆ HTTP in the clear ┆ 200         ┆ disconnected    ┆ nonce ✓      ┆ PAP ok       ┆ Call Disconnect            │\n",
        "│         ┆                  ┆                  ┆                   ┆             ┆ after connected ┆ SHA256 ✓     ┆ user \"alice\" ┆ (TCP closed by the server) │\n",
        "│         ┆                  ┆                  ┆                   ┆             ┆                 ┆ cert hash ?  ┆              ┆                            │\n",
        "│         ┆                  ┆                  ┆                   ┆             ┆                 ┆ MAC verified ┆              ┆                            │\n",
        "│ sstp-2  ┆ 192.0.2.10:50123 ┆ 198.51.100.1:443 ┆ HTTP in the clear ┆ 404         ┆ HTTP refused    ┆ -            ┆ -            ┆ TCP RST                    │\n",
        "│         ┆                  ┆                  ┆                   ┆ (wrong URI) ┆                 ┆              ┆              ┆ (TCP closed by the client) │\n",
        "└─────────┴──────────────────┴──────────────────┴───────────────────┴─────────────┴─────────────────┴──────────────┴──────────────┴────────────────────────────┘\n",
    );

    /// MANIFEST S1 without keys.
    const REAL_LADDER: &str = concat!(
        "SSTP session sstp-1: client 172.16.1.2:49157 ↔ server 172.16.1.1:443 (TLS, likely SSTP, encrypted)\n",
        "  why likely: TCP port 443, where SSTP listens; SNI \"vpn-server.pro3.local\"; the client offered no ALPN, as Windows' SSTP client does; application data in both directions for 88.5 s; 531 application-data records, 91% of them at most 256 bytes (mean 104 bytes): the small records of PPP negotiation, keepalives and tunnelled packets rather than an HTTP transfer\n",
        "        time    frame  step\n",
        "  ── TCP ── The client opens a TCP connection to the server; SSTP runs over HTTPS, by default on port 443.\n",
        "      +0.000      105  first data seen between 172.16.1.2:49157 and 172.16.1.1:443\n",
        "  ── TLS ── TLS authenticates the server by its certificate and encrypts what follows; SSTP's HTTP and packets run inside.\n",
        "      +0.000      105  client ──▶ server  ClientHello TLS 1.0, SNI vpn-server.pro3.local, 12 cipher suites — the client proposes\n",
        "      +0.013      106  client ◀── server  ServerHello TLS 1.0, TLS_RSA_WITH_AES_128_CBC_SHA — the server picks the version and cipher suite\n",
        "      +0.013      106  client ◀── server  Certificate emailAddress=-,CN=vpn-server.pro3.local,OU=-,O=-,L=-,ST=-,C=AT, SHA-256 1ce419162d5bbae82487aabf8945dc8a05d582492c2f334c193436932e637c13 — the certificate the crypto binding hashes\n",
        "      +0.023      108  handshake complete — from here on everything is encrypted\n",
        "                       application data: 444 records (38112 bytes) client → server, 87 records (16976 bytes) server → client\n",
        "  ── HTTP, SSTP, PPP ── Inside TLS, not visible without the keys: the SSTP request, the call set-up, PPP and the crypto binding.\n",
        "  ── teardown ── Call Disconnect and its Ack end the call; Call Abort ends it on an error; then TLS and TCP close.\n",
        "     +94.566      850  TCP FIN from the server\n",
        "                       ended: TCP FIN\n",
    );
}
