//! Ground truth of the SSTP and TLS captures: the TCP connections, the HTTP
//! heads, every SSTP control message and PPP frame with its frame, the
//! crypto binding with the values each check must find, and the TLS
//! records. Rendered into `captures/README.md` by
//! [`super::Truth::to_markdown`].

use std::fmt::Write as _;
use std::net::SocketAddr;

use serde::Serialize;

use super::super::tcp::Side;
use super::direction;
use crate::synth::tls::{alert_name, cipher_suite_name, handshake_name};

/// One TCP connection of an SSTP or TLS scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TcpConnectionTruth {
    /// Short label ("A", "B", …).
    pub label: String,
    /// Client address and port (the side that sent the SYN).
    pub client: SocketAddr,
    /// Server address and port.
    pub server: SocketAddr,
    /// What the connection carries, in a few words ("plain HTTP", "TLS").
    pub transport: String,
}

/// The user name and password a scenario's PPP authentication used, to be
/// handed to the analyzer as `--credentials user:password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialsTruth {
    /// PPP user name.
    pub user: String,
    /// Password.
    pub password: String,
}

/// One HTTP request or response head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpTruth {
    /// The frame carrying the blank line that ends the head.
    pub frame: u64,
    /// Index into [`SstpTruth::connections`].
    pub connection: usize,
    /// Who sent it.
    pub from: Side,
    /// The request or status line, without CRLF.
    pub start_line: String,
    /// Header fields in order: (name, value).
    pub headers: Vec<(String, String)>,
    /// True when this head opens (or accepts) an SSTP connection:
    /// `SSTP_DUPLEX_POST` with the SSTP URI, or its `200` answer.
    pub sstp: bool,
}

/// One SSTP control message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SstpMessageTruth {
    /// The frame carrying its last byte.
    pub frame: u64,
    /// Index into [`SstpTruth::connections`].
    pub connection: usize,
    /// Who sent it.
    pub from: Side,
    /// Message Type.
    pub message_type: u16,
    /// The specification's name (SSTP_MSG_…).
    pub name: String,
    /// Length field of the packet.
    pub length: u16,
    /// One summary per attribute, in order.
    pub attributes: Vec<String>,
    /// What is special about it, if anything.
    pub note: Option<String>,
}

/// One PPP frame carried in an SSTP data packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PppFrameTruth {
    /// The frame carrying the data packet's last byte.
    pub frame: u64,
    /// Index into [`SstpTruth::connections`].
    pub connection: usize,
    /// Who sent it.
    pub from: Side,
    /// PPP protocol number.
    pub protocol: u16,
    /// Its name (LCP, CHAP, IPCP, IPv4, …).
    pub protocol_name: String,
    /// Code of a control packet; `None` for network-layer data.
    pub code: Option<u8>,
    /// Name of the code ("Configure-Request", …), empty for data.
    pub code_name: String,
    /// Identifier of a control packet.
    pub identifier: Option<u8>,
    /// What it says, in a few words.
    pub note: Option<String>,
}

/// The crypto binding of one SSTP connection ([MS-SSTP] §3.2.5.2), with
/// what each check must conclude. Byte strings are lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CryptoBindingTruth {
    /// Index into [`SstpTruth::connections`].
    pub connection: usize,
    /// Frame of the Call Connect Ack carrying the Crypto Binding Request.
    pub request_frame: u64,
    /// Hash Protocol Bitmask the server offered.
    pub offered_bitmask: u8,
    /// Nonce of the Crypto Binding Request (32 bytes).
    pub request_nonce: String,
    /// Frame of the Call Connected carrying the Crypto Binding.
    pub binding_frame: u64,
    /// Hash Protocol of the Crypto Binding.
    pub hash_protocol: u8,
    /// Nonce of the Crypto Binding (32 bytes).
    pub nonce: String,
    /// Cert Hash field (32 bytes, zero-padded for SHA-1).
    pub cert_hash: String,
    /// Compound MAC field (32 bytes, zero-padded for SHA-1).
    pub compound_mac: String,
    /// Where the HLAK comes from, in words.
    pub hlak_source: String,
    /// The client's HLAK (32 bytes).
    pub hlak: String,
    /// The CMK derived from it (20 or 32 bytes).
    pub cmk: String,
    /// The server certificate the hash must be compared with (a file in
    /// `captures/`).
    pub server_certificate: String,
    /// Its hash under the chosen protocol, as the 32-byte field.
    pub expected_cert_hash: String,
    /// The correct Compound MAC over the Call Connected as sent.
    pub expected_compound_mac: String,
    /// The nonce equals the request's.
    pub nonce_matches: bool,
    /// The Cert Hash equals the hash of the server certificate.
    pub cert_hash_matches: bool,
    /// The Compound MAC verifies under the HLAK.
    pub compound_mac_valid: bool,
}

/// One TLS record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TlsRecordTruth {
    /// The frame carrying the record's last byte.
    pub frame: u64,
    /// Who sent it.
    pub from: Side,
    /// Record content type (20–23).
    pub content_type: u8,
    /// Record length field.
    pub length: u16,
    /// Handshake messages that complete in this record, readable in clear
    /// (types in order).
    pub handshake: Vec<u8>,
    /// Handshake types that begin in this record and complete in a later
    /// one.
    pub handshake_started: Vec<u8>,
    /// True for a protected record (its contents cannot be read without
    /// keys).
    pub encrypted: bool,
    /// What the record holds, in words, when it cannot be read (e.g.
    /// "Finished", "close_notify", "SSTP").
    pub inner: Option<String>,
    /// Alert level and description of a clear-text alert.
    pub alert: Option<(u8, u8)>,
}

/// The TLS facts of one connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TlsTruth {
    /// Index into [`SstpTruth::connections`].
    pub connection: usize,
    /// The server_name of the ClientHello.
    pub sni: Option<String>,
    /// supported_versions the client offered (empty if not sent).
    pub offered_versions: Vec<u16>,
    /// Cipher suites the client offered, in order.
    pub offered_cipher_suites: Vec<u16>,
    /// The negotiated version (0x0303 or 0x0304), if a ServerHello was
    /// sent.
    pub version: Option<u16>,
    /// The chosen cipher suite.
    pub cipher_suite: Option<u16>,
    /// File in `captures/` holding the certificate the server presented.
    pub certificate_file: Option<String>,
    /// SHA-256 of the presented leaf certificate's DER.
    pub certificate_sha256: Option<String>,
    /// True when the Certificate message travels in clear (TLS 1.2).
    pub certificate_visible: bool,
    /// Every record of the connection in stream order per direction,
    /// sorted by frame.
    pub records: Vec<TlsRecordTruth>,
}

/// Everything an SSTP or TLS scenario must be found to contain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SstpTruth {
    /// TCP connections in order of appearance.
    pub connections: Vec<TcpConnectionTruth>,
    /// The PPP credentials, when the scenario authenticates.
    pub credentials: Option<CredentialsTruth>,
    /// HTTP heads in frame order.
    pub http: Vec<HttpTruth>,
    /// SSTP control messages in frame order.
    pub messages: Vec<SstpMessageTruth>,
    /// PPP frames in SSTP data packets, in frame order.
    pub ppp: Vec<PppFrameTruth>,
    /// Crypto bindings, one per connection that sent Call Connected.
    pub bindings: Vec<CryptoBindingTruth>,
    /// TLS facts, one per TLS connection.
    pub tls: Vec<TlsTruth>,
}

fn version_name(v: u16) -> String {
    match v {
        0x0301 => "TLS 1.0".into(),
        0x0302 => "TLS 1.1".into(),
        0x0303 => "TLS 1.2".into(),
        0x0304 => "TLS 1.3".into(),
        other => format!("0x{other:04X}"),
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn content_type_name(t: u8) -> &'static str {
    match t {
        20 => "change_cipher_spec",
        21 => "alert",
        22 => "handshake",
        23 => "application_data",
        _ => "unknown",
    }
}

impl SstpTruth {
    /// The parts of a README section between the format lines and the
    /// conclusions.
    pub(super) fn write_markdown(&self, s: &mut String) {
        for c in &self.connections {
            let _ = writeln!(
                s,
                "- Connection {}: client {} → server {}, {}",
                c.label, c.client, c.server, c.transport
            );
        }
        if let Some(c) = &self.credentials {
            let _ = writeln!(
                s,
                "- Credentials: `--credentials {}:{}` (user `{}`, password `{}`)",
                c.user, c.password, c.user, c.password
            );
        }
        s.push('\n');
        let label = |i: usize| self.connections.get(i).map_or("?", |c| c.label.as_str());
        let multi = self.connections.len() > 1;
        let conn_col = |i: usize| {
            if multi {
                format!(" {} |", label(i))
            } else {
                String::new()
            }
        };
        let (conn_head, conn_rule) = if multi { (" Conn. |", "---|") } else { ("", "") };

        if !self.http.is_empty() {
            let _ = writeln!(
                s,
                "HTTP:\n\n| Frame |{conn_head} Direction | Start line | Headers | SSTP |"
            );
            let _ = writeln!(s, "|---|{conn_rule}---|---|---|---|");
            for h in &self.http {
                let headers: Vec<String> = h.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
                let _ = writeln!(
                    s,
                    "| {} |{} {} | `{}` | {} | {} |",
                    h.frame,
                    conn_col(h.connection),
                    direction(h.from),
                    h.start_line,
                    headers.join("; "),
                    yes_no(h.sstp)
                );
            }
            s.push('\n');
        }
        if !self.messages.is_empty() {
            let _ = writeln!(
                s,
                "SSTP control messages:\n\n| Frame |{conn_head} Direction | Message | Type | Length | Attributes | Note |"
            );
            let _ = writeln!(s, "|---|{conn_rule}---|---|---|---|---|---|");
            for m in &self.messages {
                let _ = writeln!(
                    s,
                    "| {} |{} {} | {} | {} | {} | {} | {} |",
                    m.frame,
                    conn_col(m.connection),
                    direction(m.from),
                    m.name,
                    m.message_type,
                    m.length,
                    if m.attributes.is_empty() {
                        "none".to_string()
                    } else {
                        m.attributes.join("; ")
                    },
                    m.note.as_deref().unwrap_or("")
                );
            }
            s.push('\n');
        }
        if !self.ppp.is_empty() {
            let _ = writeln!(
                s,
                "PPP frames in SSTP data packets:\n\n| Frame |{conn_head} Direction | Protocol | Code | Id | Note |"
            );
            let _ = writeln!(s, "|---|{conn_rule}---|---|---|---|---|");
            for p in &self.ppp {
                let code = match p.code {
                    Some(c) => format!("{} ({c})", p.code_name),
                    None => "data".to_string(),
                };
                let id = p.identifier.map_or_else(|| "–".to_string(), |i| i.to_string());
                let _ = writeln!(
                    s,
                    "| {} |{} {} | {} (0x{:04X}) | {} | {} | {} |",
                    p.frame,
                    conn_col(p.connection),
                    direction(p.from),
                    p.protocol_name,
                    p.protocol,
                    code,
                    id,
                    p.note.as_deref().unwrap_or("")
                );
            }
            s.push('\n');
        }
        for b in &self.bindings {
            let _ = writeln!(s, "Crypto binding (connection {}):\n", label(b.connection));
            let _ = writeln!(
                s,
                "- Requested in frame {} (Call Connect Ack): hash bitmask 0x{:02X} ({}), nonce `{}`",
                b.request_frame,
                b.offered_bitmask,
                crate::synth::sstp::hash_names(b.offered_bitmask),
                b.request_nonce
            );
            let _ = writeln!(
                s,
                "- Sent in frame {} (Call Connected): hash protocol 0x{:02X} ({}), nonce `{}`",
                b.binding_frame,
                b.hash_protocol,
                crate::synth::sstp::hash_names(b.hash_protocol),
                b.nonce
            );
            let _ = writeln!(s, "  - cert hash `{}`", b.cert_hash);
            let _ = writeln!(s, "  - compound MAC `{}`", b.compound_mac);
            let _ = writeln!(s, "- HLAK ({}): `{}`", b.hlak_source, b.hlak);
            let _ = writeln!(s, "- CMK: `{}`", b.cmk);
            let _ = writeln!(
                s,
                "- Server certificate `{}`: expected cert hash `{}`",
                b.server_certificate, b.expected_cert_hash
            );
            let _ = writeln!(s, "- Expected compound MAC: `{}`", b.expected_compound_mac);
            let _ = writeln!(
                s,
                "- Checks: nonce matches the request: **{}**; cert hash matches the server certificate: **{}**; compound MAC valid: **{}**\n",
                yes_no(b.nonce_matches),
                yes_no(b.cert_hash_matches),
                yes_no(b.compound_mac_valid)
            );
        }
        for t in &self.tls {
            let _ = writeln!(s, "TLS (connection {}):\n", label(t.connection));
            let _ = writeln!(
                s,
                "- ClientHello: SNI `{}`; supported_versions {}; cipher suites {}",
                t.sni.as_deref().unwrap_or("–"),
                if t.offered_versions.is_empty() {
                    "not sent".to_string()
                } else {
                    t.offered_versions
                        .iter()
                        .map(|v| version_name(*v))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                t.offered_cipher_suites
                    .iter()
                    .map(|c| format!("{} (0x{c:04X})", cipher_suite_name(*c)))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            match (t.version, t.cipher_suite) {
                (Some(v), Some(c)) => {
                    let _ = writeln!(
                        s,
                        "- Negotiated: {}, {} (0x{c:04X})",
                        version_name(v),
                        cipher_suite_name(c)
                    );
                }
                _ => s.push_str("- Negotiated: nothing (no ServerHello)\n"),
            }
            if let (Some(file), Some(sha)) = (&t.certificate_file, &t.certificate_sha256) {
                let seen = if t.certificate_visible {
                    "sent in clear"
                } else {
                    "encrypted, not visible without keys"
                };
                let _ = writeln!(s, "- Server certificate: `{file}`, SHA-256 `{sha}` ({seen})");
            }
            let app: Vec<&TlsRecordTruth> = t.records.iter().filter(|r| r.content_type == 23).collect();
            for from in [Side::Client, Side::Server] {
                let mine: Vec<&&TlsRecordTruth> = app.iter().filter(|r| r.from == from).collect();
                let bytes: usize = mine.iter().map(|r| usize::from(r.length)).sum();
                let _ = writeln!(
                    s,
                    "- application_data records {}: {} ({} bytes of record bodies)",
                    direction(from),
                    mine.len(),
                    bytes
                );
            }
            let _ = writeln!(
                s,
                "\n| Frame | Direction | Record | Length | Contents |\n|---|---|---|---|---|"
            );
            for r in &t.records {
                let mut parts: Vec<String> = r.handshake.iter().map(|h| handshake_name(*h)).collect();
                parts.extend(
                    r.handshake_started
                        .iter()
                        .map(|h| format!("{} (first part)", handshake_name(*h))),
                );
                if let Some((level, desc)) = r.alert {
                    let level = if level == 2 { "fatal" } else { "warning" };
                    parts.push(format!("{level} {} ({desc})", alert_name(desc)));
                }
                if r.content_type == 20 {
                    parts.push("ChangeCipherSpec".to_string());
                }
                if let Some(inner) = &r.inner {
                    parts.push(format!("encrypted: {inner}"));
                }
                let _ = writeln!(
                    s,
                    "| {} | {} | {} ({}) | {} | {} |",
                    r.frame,
                    direction(r.from),
                    content_type_name(r.content_type),
                    r.content_type,
                    r.length,
                    parts.join(", ")
                );
            }
            s.push('\n');
        }
    }
}
