//! Building blocks of the SSTP and TLS scenarios: connections registered
//! in the truth, HTTP heads, SSTP packets and TLS records sent over TCP
//! with their frames recorded, and the crypto binding with the values its
//! checks must find.
//!
//! A packet's or record's frame is the frame carrying its last byte, the
//! convention of the PPTP scenarios.

use super::*;
use crate::crypto::sstp::{
    cert_hash, compound_mac, compound_mac_key, HashProtocol, Hlak, CALL_CONNECTED_LEN,
};
use crate::synth::certs::{OTHER_CERT_DER, TLS_SERVER_CERT_DER, VPN_CERT_DER};
use crate::synth::ppp;
use crate::synth::sstp::{self as wire, ControlMessage};
use crate::synth::tls;
use crate::synth::truth::{
    CryptoBindingTruth, HttpTruth, PppFrameTruth, SstpMessageTruth, SstpTruth, TcpConnectionTruth,
    TlsRecordTruth, TlsTruth,
};
use crate::synth::SynthError;

/// The name the client dials, in the HTTP Host header and the TLS SNI.
pub(super) const SERVER_NAME: &str = "vpn.example.net";

/// The file in `captures/` holding the first test certificate.
pub(super) const CERT_FILE: &str = "sstp-test-cert.pem";
/// The file in `captures/` holding the second test certificate.
pub(super) const OTHER_CERT_FILE: &str = "sstp-test-cert-2.pem";
/// The file in `captures/` holding the third test certificate, the server
/// certificate of the recorded TLS captures (its key is beside it).
pub(super) const TLS_SERVER_CERT_FILE: &str = "sstp-tls-server.pem";

/// The client's ephemeral TCP port in every SSTP and TLS scenario.
pub(super) const SSTP_CLIENT_PORT: u16 = 50_123;

/// Lower-case hex.
pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The DER and file name of one of the three test certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TestCert {
    /// `sstp-test-cert.pem`.
    First,
    /// `sstp-test-cert-2.pem`.
    Second,
    /// `sstp-tls-server.pem`, the recorded TLS captures' server
    /// certificate.
    Third,
}

impl TestCert {
    pub(super) fn der(self) -> &'static [u8] {
        match self {
            TestCert::First => VPN_CERT_DER,
            TestCert::Second => OTHER_CERT_DER,
            TestCert::Third => TLS_SERVER_CERT_DER,
        }
    }

    pub(super) fn file(self) -> &'static str {
        match self {
            TestCert::First => CERT_FILE,
            TestCert::Second => OTHER_CERT_FILE,
            TestCert::Third => TLS_SERVER_CERT_FILE,
        }
    }
}

/// One TCP connection of an SSTP or TLS scenario.
#[derive(Debug, Clone)]
pub(super) struct Conn {
    pub(super) tcp: TcpConversation,
    /// Index into `SstpTruth::connections`.
    pub(super) index: usize,
}

pub(super) fn sstp_truth(s: &mut PcapScript) -> &mut SstpTruth {
    s.truth.sstp.get_or_insert_with(SstpTruth::default)
}

/// A TCP conversation with the usual ISNs and windows.
pub(super) fn tcp_between(client: Host, server: Host, server_port: u16) -> TcpConversation {
    tcp_pair(client, SSTP_CLIENT_PORT, server, server_port, Link::ethernet())
}

/// Registers a connection (labelled A, B, … in order).
pub(super) fn connection(s: &mut PcapScript, tcp: TcpConversation, transport: &str) -> Conn {
    let truth = sstp_truth(s);
    let index = truth.connections.len();
    let client = tcp.endpoint(Side::Client);
    let server = tcp.endpoint(Side::Server);
    truth.connections.push(TcpConnectionTruth {
        label: char::from(b'A' + (index % 26) as u8).to_string(),
        client: SocketAddr::new(client.host.ip, client.port),
        server: SocketAddr::new(server.host.ip, server.port),
        transport: transport.to_string(),
    });
    Conn { tcp, index }
}

/// Splits one of our own HTTP heads into its start line and header fields.
fn head_fields(head: &[u8]) -> (String, Vec<(String, String)>) {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let start = lines.next().unwrap_or_default().to_string();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    (start, headers)
}

/// Sends an HTTP head (and any body after it) in one segment and records
/// it.
pub(super) fn send_http(
    s: &mut PcapScript,
    c: &mut Conn,
    from: Side,
    bytes: &[u8],
    sstp: bool,
) -> Result<u64> {
    let frame = c.tcp.send(&mut s.trace, from, bytes)?;
    let (start_line, headers) = head_fields(bytes);
    let connection = c.index;
    sstp_truth(s).http.push(HttpTruth {
        frame,
        connection,
        from,
        start_line,
        headers,
        sstp,
    });
    Ok(frame)
}

/// An SSTP packet to send, with what the truth says about it.
#[derive(Debug, Clone)]
pub(super) enum Out {
    /// A control message and an optional note.
    Control(ControlMessage, Option<String>),
    /// A PPP frame in a data packet and an optional note.
    Ppp(Vec<u8>, Option<String>),
}

impl Out {
    pub(super) fn control(m: ControlMessage) -> Self {
        Out::Control(m, None)
    }

    pub(super) fn ppp(frame: Vec<u8>) -> Self {
        Out::Ppp(frame, None)
    }

    pub(super) fn ppp_noted(frame: Vec<u8>, note: impl Into<String>) -> Self {
        Out::Ppp(frame, Some(note.into()))
    }

    fn encode(&self) -> Result<Vec<u8>> {
        match self {
            Out::Control(m, _) => m.encode(),
            Out::Ppp(f, _) => wire::data_packet(f),
        }
    }
}

fn record_out(s: &mut PcapScript, connection: usize, frame: u64, from: Side, out: &Out) -> Result<()> {
    match out {
        Out::Control(m, note) => {
            let length = u16::try_from(m.encode()?.len()).unwrap_or(u16::MAX);
            sstp_truth(s).messages.push(SstpMessageTruth {
                frame,
                connection,
                from,
                message_type: m.message_type,
                name: wire::message_name(m.message_type),
                length,
                attributes: m.attributes.iter().map(wire::Attribute::summary).collect(),
                note: note.clone(),
            });
        }
        Out::Ppp(f, note) => {
            let protocol =
                u16::from_be_bytes([f.get(2).copied().unwrap_or(0), f.get(3).copied().unwrap_or(0)]);
            let control = protocol >= 0x8000;
            let code = if control { f.get(4).copied() } else { None };
            sstp_truth(s).ppp.push(PppFrameTruth {
                frame,
                connection,
                from,
                protocol,
                protocol_name: ppp::protocol_name(protocol).to_string(),
                code,
                code_name: code.map_or(String::new(), |c| ppp::code_name(protocol, c).to_string()),
                identifier: if control { f.get(5).copied() } else { None },
                note: note.clone(),
            });
        }
    }
    Ok(())
}

/// Sends SSTP packets back to back in one segment and records each.
pub(super) fn send(s: &mut PcapScript, c: &mut Conn, from: Side, packets: &[Out]) -> Result<u64> {
    let mut bytes = Vec::new();
    for p in packets {
        bytes.extend_from_slice(&p.encode()?);
    }
    let frame = c.tcp.send(&mut s.trace, from, &bytes)?;
    for p in packets {
        record_out(s, c.index, frame, from, p)?;
    }
    Ok(frame)
}

/// Sends one SSTP packet in one segment.
pub(super) fn send_one(s: &mut PcapScript, c: &mut Conn, from: Side, packet: Out) -> Result<u64> {
    send(s, c, from, &[packet])
}

/// How the client builds its Crypto Binding, and what the checks must
/// compare it with.
#[derive(Debug, Clone)]
pub(super) struct BindingPlan {
    /// Hash Protocol Bitmask of the Crypto Binding Request.
    pub(super) offered: u8,
    /// The protocol the client uses.
    pub(super) protocol: HashProtocol,
    /// Nonce of the request.
    pub(super) request_nonce: [u8; 32],
    /// Nonce the client sends (differs from the request's only when the
    /// scenario wants a mismatch).
    pub(super) sent_nonce: [u8; 32],
    /// The certificate the client hashes.
    pub(super) hashed_cert: TestCert,
    /// The certificate the server really has.
    pub(super) server_cert: TestCert,
    /// The client's HLAK.
    pub(super) hlak: Hlak,
    /// Where the HLAK comes from, in words.
    pub(super) hlak_source: String,
    /// Index of a Compound MAC byte to flip after computing it.
    pub(super) flip_mac_byte: Option<usize>,
}

/// The Call Connect Ack of a plan.
pub(super) fn call_connect_ack(plan: &BindingPlan) -> ControlMessage {
    ControlMessage::call_connect_ack(plan.offered, plan.request_nonce)
}

/// The Call Connected of a plan, as sent.
pub(super) fn call_connected(plan: &BindingPlan) -> Result<ControlMessage> {
    let hash = cert_hash(plan.protocol, plan.hashed_cert.der());
    let (mut msg, _) =
        wire::call_connected_with_hash(plan.protocol, plan.sent_nonce, *hash.field(), &plan.hlak)?;
    if let Some(i) = plan.flip_mac_byte {
        if let Some(wire::Attribute::CryptoBinding { compound_mac, .. }) = msg.attributes.first_mut() {
            if let Some(b) = compound_mac.get_mut(i) {
                *b ^= 0xFF;
            }
        }
    }
    Ok(msg)
}

/// Records the crypto binding of a connection. The expected values are
/// recomputed from the message as sent: the server certificate's hash, and
/// the MAC over the message with its MAC field zeroed.
pub(super) fn record_binding(
    s: &mut PcapScript,
    c: &Conn,
    plan: &BindingPlan,
    request_frame: u64,
    binding_frame: u64,
    sent: &ControlMessage,
) -> Result<()> {
    let bytes = sent.encode()?;
    let mut zeroed: [u8; CALL_CONNECTED_LEN] = bytes
        .clone()
        .try_into()
        .map_err(|_| SynthError::Unsupported("Call Connected is not 112 bytes"))?;
    zeroed.iter_mut().skip(80).for_each(|b| *b = 0);
    let cmk = compound_mac_key(plan.protocol, &plan.hlak);
    let expected_mac = *compound_mac(&cmk, &zeroed).field();
    let expected_hash = *cert_hash(plan.protocol, plan.server_cert.der()).field();
    let field = |from: usize| bytes.get(from..from + 32).unwrap_or_default().to_vec();
    let (nonce, hash, mac) = (field(16), field(48), field(80));
    let truth = CryptoBindingTruth {
        connection: c.index,
        request_frame,
        offered_bitmask: plan.offered,
        request_nonce: hex(&plan.request_nonce),
        binding_frame,
        hash_protocol: plan.protocol.wire_value(),
        nonce: hex(&nonce),
        cert_hash: hex(&hash),
        compound_mac: hex(&mac),
        hlak_source: plan.hlak_source.clone(),
        hlak: hex(plan.hlak.expose()),
        cmk: hex(cmk.expose().digest()),
        server_certificate: plan.server_cert.file().to_string(),
        expected_cert_hash: hex(&expected_hash),
        expected_compound_mac: hex(&expected_mac),
        nonce_matches: nonce == plan.request_nonce,
        cert_hash_matches: hash == expected_hash,
        compound_mac_valid: mac == expected_mac,
    };
    sstp_truth(s).bindings.push(truth);
    Ok(())
}

// ---------------------------------------------------------------------------
// TLS.

/// One record to send, with what the truth says about it.
#[derive(Debug, Clone)]
pub(super) struct Rec {
    pub(super) bytes: Vec<u8>,
    pub(super) handshake: Vec<u8>,
    pub(super) handshake_started: Vec<u8>,
    pub(super) encrypted: bool,
    pub(super) inner: Option<String>,
    pub(super) alert: Option<(u8, u8)>,
}

impl Rec {
    /// A record in clear carrying whole handshake messages of these types.
    pub(super) fn handshake(record_version: u16, messages: &[(u8, Vec<u8>)]) -> Result<Self> {
        let body: Vec<u8> = messages.iter().flat_map(|(_, m)| m.clone()).collect();
        Ok(Rec {
            bytes: tls::record(tls::content_type::HANDSHAKE, record_version, &body)?,
            handshake: messages.iter().map(|(t, _)| *t).collect(),
            handshake_started: Vec::new(),
            encrypted: false,
            inner: None,
            alert: None,
        })
    }

    /// A record in clear of raw handshake bytes: messages completing in it
    /// and one starting in it.
    pub(super) fn handshake_bytes(
        record_version: u16,
        body: &[u8],
        complete: &[u8],
        started: &[u8],
    ) -> Result<Self> {
        Ok(Rec {
            bytes: tls::record(tls::content_type::HANDSHAKE, record_version, body)?,
            handshake: complete.to_vec(),
            handshake_started: started.to_vec(),
            encrypted: false,
            inner: None,
            alert: None,
        })
    }

    pub(super) fn change_cipher_spec(record_version: u16) -> Self {
        Rec {
            bytes: tls::change_cipher_spec(record_version),
            handshake: Vec::new(),
            handshake_started: Vec::new(),
            encrypted: false,
            inner: None,
            alert: None,
        }
    }

    pub(super) fn alert(record_version: u16, level: u8, description: u8) -> Self {
        Rec {
            bytes: tls::alert_record(record_version, level, description),
            handshake: Vec::new(),
            handshake_started: Vec::new(),
            encrypted: false,
            inner: None,
            alert: Some((level, description)),
        }
    }

    /// A protected record of `body_len` bytes holding `inner`.
    pub(super) fn opaque(
        content_type: u8,
        record_version: u16,
        body_len: usize,
        inner: &str,
        noise: &mut tls::Noise,
    ) -> Result<Self> {
        Ok(Rec {
            bytes: tls::opaque_record(content_type, record_version, body_len, noise)?,
            handshake: Vec::new(),
            handshake_started: Vec::new(),
            encrypted: true,
            inner: Some(inner.to_string()),
            alert: None,
        })
    }
}

/// Sends records back to back, cut into segments of `sizes` (the rest in
/// one last segment; `&[]` for one segment), and records each in the TLS
/// truth `tls_index` at the frame carrying its last byte. Returns the
/// frames of the segments.
pub(super) fn send_records(
    s: &mut PcapScript,
    c: &mut Conn,
    tls_index: usize,
    from: Side,
    records: &[Rec],
    sizes: &[usize],
) -> Result<Vec<u64>> {
    let bytes: Vec<u8> = records.iter().flat_map(|r| r.bytes.clone()).collect();
    let frames = c.tcp.send_split(&mut s.trace, from, &bytes, sizes)?;
    // Where each segment ends in the joined bytes.
    let mut ends = Vec::new();
    let mut at = 0usize;
    for &size in sizes {
        if at >= bytes.len() {
            break;
        }
        at = (at + size).min(bytes.len());
        ends.push(at);
    }
    if at < bytes.len() {
        ends.push(bytes.len());
    }
    let mut offset = 0usize;
    for r in records {
        offset += r.bytes.len();
        let segment = ends.iter().position(|&e| e >= offset).unwrap_or(0);
        let frame = frames.get(segment).copied().unwrap_or(0);
        let length = u16::from_be_bytes([
            r.bytes.get(3).copied().unwrap_or(0),
            r.bytes.get(4).copied().unwrap_or(0),
        ]);
        let truth = TlsRecordTruth {
            frame,
            from,
            content_type: r.bytes.first().copied().unwrap_or(0),
            length,
            handshake: r.handshake.clone(),
            handshake_started: r.handshake_started.clone(),
            encrypted: r.encrypted,
            inner: r.inner.clone(),
            alert: r.alert,
        };
        if let Some(t) = sstp_truth(s).tls.get_mut(tls_index) {
            t.records.push(truth);
        }
    }
    Ok(frames)
}

/// Registers the TLS facts of a connection from its ClientHello; returns
/// the index in `SstpTruth::tls`.
pub(super) fn tls_truth(s: &mut PcapScript, c: &Conn, hello: &tls::ClientHello, sni: Option<&str>) -> usize {
    let offered_versions = hello
        .extensions
        .iter()
        .find(|e| e.extension_type == tls::extension_type::SUPPORTED_VERSIONS)
        .map(|e| {
            e.data
                .get(1..)
                .unwrap_or_default()
                .chunks(2)
                .map(|p| {
                    u16::from_be_bytes([p.first().copied().unwrap_or(0), p.get(1).copied().unwrap_or(0)])
                })
                .collect()
        })
        .unwrap_or_default();
    let truth = sstp_truth(s);
    truth.tls.push(TlsTruth {
        connection: c.index,
        sni: sni.map(str::to_string),
        offered_versions,
        offered_cipher_suites: hello.cipher_suites.clone(),
        version: None,
        cipher_suite: None,
        certificate_file: None,
        certificate_sha256: None,
        certificate_visible: false,
        records: Vec::new(),
    });
    truth.tls.len() - 1
}

/// Records the server's choice and certificate.
pub(super) fn tls_negotiated(s: &mut PcapScript, tls_index: usize, version: u16, suite: u16, cert: TestCert) {
    use sha2::{Digest, Sha256};
    if let Some(t) = sstp_truth(s).tls.get_mut(tls_index) {
        t.version = Some(version);
        t.cipher_suite = Some(suite);
        t.certificate_file = Some(cert.file().to_string());
        t.certificate_sha256 = Some(hex(&Sha256::digest(cert.der())));
        t.certificate_visible = version != tls::version::TLS1_3;
    }
}

/// Reads the SSTP and TLS scenarios back from their bytes with pcap-parser
/// and etherparse, reassembles every TCP direction, and decodes HTTP heads,
/// SSTP packets, PPP frames and TLS records with small parsers written
/// here from the specifications, independently of the builders; the truth
/// must match what they find, field by field.
#[cfg(test)]
pub(super) mod wire_check {
    use std::collections::BTreeMap;

    use hmac::{Hmac, Mac};
    use sha1::Sha1;
    use sha2::{Digest, Sha256};

    use super::*;
    use crate::crypto::mppe::{MasterKeys, Side as KeySide};
    use crate::crypto::Secret;

    /// One TCP direction: its bytes in order and, for each segment, the
    /// offset just past it and its frame.
    #[derive(Default, Debug)]
    pub(in crate::synth::scenarios) struct Stream {
        pub bytes: Vec<u8>,
        ends: Vec<(usize, u64)>,
        next_seq: Option<u32>,
    }

    impl Stream {
        /// The frame carrying the byte at `offset`.
        pub fn frame_of(&self, offset: usize) -> u64 {
            self.ends
                .iter()
                .find(|(end, _)| *end > offset)
                .map(|(_, f)| *f)
                .unwrap()
        }
    }

    /// Every TCP direction of a pcap, keyed by (source, destination).
    pub(in crate::synth::scenarios) fn streams(
        bytes: &[u8],
    ) -> (u64, BTreeMap<(SocketAddr, SocketAddr), Stream>) {
        use pcap_parser::{PcapBlockOwned, PcapError};
        let mut reader = pcap_parser::create_reader(1 << 16, bytes).unwrap();
        let mut frames = 0u64;
        let mut out: BTreeMap<(SocketAddr, SocketAddr), Stream> = BTreeMap::new();
        loop {
            match reader.next() {
                Ok((offset, block)) => {
                    if let PcapBlockOwned::Legacy(b) = block {
                        frames += 1;
                        let data = &b.data[..b.caplen as usize];
                        let p = etherparse::SlicedPacket::from_ethernet(data).unwrap();
                        let Some(etherparse::NetSlice::Ipv4(v4)) = &p.net else {
                            panic!("frame {frames}: not IPv4")
                        };
                        let Some(etherparse::TransportSlice::Tcp(tcp)) = &p.transport else {
                            panic!("frame {frames}: not TCP")
                        };
                        let src = SocketAddr::new(IpAddr::from(v4.header().source_addr()), tcp.source_port());
                        let dst = SocketAddr::new(
                            IpAddr::from(v4.header().destination_addr()),
                            tcp.destination_port(),
                        );
                        let s = out.entry((src, dst)).or_default();
                        let seq = tcp.sequence_number();
                        if tcp.syn() {
                            s.next_seq = Some(seq.wrapping_add(1));
                        } else {
                            let expected = s.next_seq.unwrap_or(seq);
                            assert_eq!(seq, expected, "frame {frames}: data out of order or missing");
                            let payload = tcp.payload();
                            s.bytes.extend_from_slice(payload);
                            s.ends.push((s.bytes.len(), frames));
                            s.next_seq = Some(seq.wrapping_add(payload.len() as u32 + u32::from(tcp.fin())));
                        }
                    }
                    reader.consume(offset);
                }
                Err(PcapError::Eof) => break,
                Err(PcapError::Incomplete(_)) => reader.refill().unwrap(),
                Err(e) => panic!("{e:?}"),
            }
        }
        (frames, out)
    }

    fn be16(b: &[u8], at: usize) -> u16 {
        u16::from_be_bytes([b[at], b[at + 1]])
    }

    fn be24(b: &[u8], at: usize) -> usize {
        usize::from(b[at]) << 16 | usize::from(b[at + 1]) << 8 | usize::from(b[at + 2])
    }

    /// Header fields in order: (name, value).
    type Headers = Vec<(String, String)>;
    /// A control message: (frame, connection, from, type, length,
    /// attribute IDs).
    type ControlRow = (u64, usize, Side, u16, u16, Vec<u8>);
    /// A PPP frame: (frame, connection, from, protocol, code, identifier).
    type PppRow = (u64, usize, Side, u16, Option<u8>, Option<u8>);

    /// An HTTP head at `at`: (offset past the blank line, start line,
    /// headers).
    fn http_head(b: &[u8], at: usize) -> Option<(usize, String, Headers)> {
        let rest = b.get(at..)?;
        let end = rest.windows(4).position(|w| w == b"\r\n\r\n")?;
        let text = std::str::from_utf8(&rest[..end]).unwrap();
        let mut lines = text.split("\r\n");
        let start = lines.next().unwrap().to_string();
        let headers = lines
            .map(|l| {
                let (n, v) = l.split_once(':').unwrap();
                (n.to_string(), v.trim().to_string())
            })
            .collect();
        Some((at + end + 4, start, headers))
    }

    /// What the parsers here found in a capture.
    #[derive(Default)]
    struct Found {
        http: Vec<HttpTruth>,
        control: Vec<ControlRow>,
        ppp: Vec<PppRow>,
        /// Control packets by frame and type, whole.
        packets: BTreeMap<(u64, u16), Vec<u8>>,
        /// MS-CHAPv2 NT-Responses in stream order.
        nt_responses: Vec<[u8; 24]>,
    }

    /// SSTP packets from `at` to the end of a direction ([MS-SSTP] §2.2.1).
    fn sstp_packets(stream: &Stream, at: usize, connection: usize, from: Side, found: &mut Found) {
        let b = &stream.bytes;
        let mut at = at;
        while at < b.len() {
            assert_eq!(b[at], 0x10, "SSTP version");
            let len = usize::from(be16(b, at + 2) & 0x0FFF);
            let p = &b[at..at + len];
            let frame = stream.frame_of(at + len - 1);
            if p[1] & 1 == 1 {
                let ty = be16(p, 4);
                let count = usize::from(be16(p, 6));
                let mut ids = Vec::new();
                let mut a = 8;
                for _ in 0..count {
                    ids.push(p[a + 1]);
                    a += usize::from(be16(p, a + 2) & 0x0FFF);
                }
                assert_eq!(a, len, "attributes fill the message");
                found.control.push((frame, connection, from, ty, len as u16, ids));
                found.packets.insert((frame, ty), p.to_vec());
            } else {
                assert_eq!(&p[4..6], &[0xFF, 0x03]);
                let protocol = be16(p, 6);
                let control = protocol >= 0x8000;
                if control {
                    assert_eq!(usize::from(be16(p, 10)), len - 8, "PPP packet length");
                }
                if protocol == 0xC223 && p[8] == 2 {
                    // RFC 2759 §4: Value-Size 49, NT-Response at value offset 24.
                    assert_eq!(p[12], 49);
                    found.nt_responses.push(p[13 + 24..13 + 48].try_into().unwrap());
                }
                found.ppp.push((
                    frame,
                    connection,
                    from,
                    protocol,
                    control.then(|| p[8]),
                    control.then(|| p[9]),
                ));
            }
            at += len;
        }
    }

    /// TLS records of one direction, with handshake messages reassembled
    /// across records (RFC 5246 §6.2.1, §7.4). Records after the sender's
    /// ChangeCipherSpec, and TLS 1.3 application_data, are taken as
    /// protected.
    fn tls_records(stream: &Stream, from: Side) -> (Vec<TlsRecordTruth>, Vec<(u8, Vec<u8>)>) {
        let b = &stream.bytes;
        let mut records = Vec::new();
        let mut messages = Vec::new();
        let mut pending: Vec<u8> = Vec::new();
        let mut protected = false;
        let mut at = 0;
        while at < b.len() {
            let ty = b[at];
            let len = usize::from(be16(b, at + 3));
            let body = &b[at + 5..at + 5 + len];
            let frame = stream.frame_of(at + 5 + len - 1);
            let encrypted = protected || ty == 23;
            let mut complete = Vec::new();
            let mut started = Vec::new();
            let mut alert = None;
            if !encrypted && ty == 22 {
                pending.extend_from_slice(body);
                while pending.len() >= 4 && pending.len() >= 4 + be24(&pending, 1) {
                    let n = 4 + be24(&pending, 1);
                    let msg: Vec<u8> = pending.drain(..n).collect();
                    complete.push(msg[0]);
                    messages.push((msg[0], msg));
                }
                if !pending.is_empty() {
                    started.push(pending[0]);
                }
            }
            if !encrypted && ty == 21 {
                alert = Some((body[0], body[1]));
            }
            if ty == 20 {
                assert_eq!(body, &[1]);
                protected = true;
            }
            records.push(TlsRecordTruth {
                frame,
                from,
                content_type: ty,
                length: len as u16,
                handshake: complete,
                handshake_started: started,
                encrypted: encrypted && ty != 20,
                inner: None,
                alert,
            });
            at += 5 + len;
        }
        (records, messages)
    }

    /// Extensions of a hello body starting at `at`: (type, data).
    fn extensions(body: &[u8], at: usize) -> Vec<(u16, Vec<u8>)> {
        let mut out = Vec::new();
        if at >= body.len() {
            return out;
        }
        let end = at + 2 + usize::from(be16(body, at));
        let mut i = at + 2;
        while i < end {
            let len = usize::from(be16(body, i + 2));
            out.push((be16(body, i), body[i + 4..i + 4 + len].to_vec()));
            i += 4 + len;
        }
        out
    }

    /// The TLS facts of one connection, read from its two directions.
    fn tls_facts(connection: usize, up: &Stream, down: &Stream) -> TlsTruth {
        let (mut records, client_msgs) = tls_records(up, Side::Client);
        let (server_records, server_msgs) = tls_records(down, Side::Server);
        records.extend(server_records);
        records.sort_by_key(|r| r.frame);
        let (_, ch) = client_msgs.iter().find(|(t, _)| *t == 1).unwrap();
        let body = &ch[4..];
        let sid = usize::from(body[34]);
        let suites_len = usize::from(be16(body, 35 + sid));
        let suites: Vec<u16> = (0..suites_len / 2)
            .map(|i| be16(body, 37 + sid + 2 * i))
            .collect();
        let comp = 37 + sid + suites_len;
        let exts = extensions(body, comp + 1 + usize::from(body[comp]));
        let sni = exts.iter().find(|(t, _)| *t == 0).map(|(_, d)| {
            assert_eq!(d[2], 0, "host_name");
            String::from_utf8(d[5..5 + usize::from(be16(d, 3))].to_vec()).unwrap()
        });
        let offered_versions = exts
            .iter()
            .find(|(t, _)| *t == 43)
            .map(|(_, d)| d[1..].chunks(2).map(|p| be16(p, 0)).collect())
            .unwrap_or_default();
        let mut version = None;
        let mut cipher_suite = None;
        if let Some((_, sh)) = server_msgs.iter().find(|(t, _)| *t == 2) {
            let body = &sh[4..];
            let sid = usize::from(body[34]);
            cipher_suite = Some(be16(body, 35 + sid));
            let exts = extensions(body, 38 + sid);
            version = Some(
                exts.iter()
                    .find(|(t, _)| *t == 43)
                    .map_or(be16(body, 0), |(_, d)| be16(d, 0)),
            );
        }
        let certificate_sha256 = server_msgs.iter().find(|(t, _)| *t == 11).map(|(_, c)| {
            // certificate_list length, then the leaf's length and DER.
            let leaf_len = be24(c, 7);
            hex(&Sha256::digest(&c[10..10 + leaf_len]))
        });
        TlsTruth {
            connection,
            sni,
            offered_versions,
            offered_cipher_suites: suites,
            version,
            cipher_suite,
            certificate_file: None,
            certificate_visible: certificate_sha256.is_some(),
            certificate_sha256,
            records,
        }
    }

    fn hmac_sha(protocol: u8, key: &[u8], data: &[&[u8]]) -> Vec<u8> {
        if protocol == 1 {
            let mut m = <Hmac<Sha1> as Mac>::new_from_slice(key).unwrap();
            data.iter().for_each(|d| m.update(d));
            m.finalize().into_bytes().to_vec()
        } else {
            let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap();
            data.iter().for_each(|d| m.update(d));
            m.finalize().into_bytes().to_vec()
        }
    }

    fn padded(mut v: Vec<u8>) -> String {
        v.resize(32, 0);
        hex(&v)
    }

    /// Checks a scenario's SSTP truth against its bytes.
    pub(in crate::synth::scenarios) fn check(sc: &Scenario) {
        let name = sc.file_name;
        let truth = sc.truth.sstp.as_ref().unwrap();
        let (frames, mut streams) = streams(&sc.bytes);
        assert_eq!(frames, sc.truth.frames, "{name}: frames");
        assert_eq!(
            streams.len(),
            2 * truth.connections.len(),
            "{name}: every TCP direction belongs to a connection"
        );
        let mut found = Found::default();
        let mut tls = Vec::new();
        for (i, c) in truth.connections.iter().enumerate() {
            let up = streams.remove(&(c.client, c.server)).unwrap();
            let down = streams.remove(&(c.server, c.client)).unwrap();
            if up.bytes.first() == Some(&22) {
                assert_eq!(c.transport, "TLS");
                tls.push(tls_facts(i, &up, &down));
                continue;
            }
            let Some((req_end, req_line, req_headers)) = http_head(&up.bytes, 0) else {
                assert!(up.bytes.is_empty());
                continue;
            };
            let (resp_end, resp_line, resp_headers) = http_head(&down.bytes, 0).unwrap();
            let mut words = req_line.split(' ');
            let (method, uri) = (words.next().unwrap(), words.next().unwrap());
            let is_sstp = method == "SSTP_DUPLEX_POST"
                && uri.eq_ignore_ascii_case("/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/");
            let accepted = is_sstp && resp_line.starts_with("HTTP/1.1 200 ");
            found.http.push(HttpTruth {
                frame: up.frame_of(req_end - 1),
                connection: i,
                from: Side::Client,
                start_line: req_line,
                headers: req_headers,
                sstp: is_sstp,
            });
            found.http.push(HttpTruth {
                frame: down.frame_of(resp_end - 1),
                connection: i,
                from: Side::Server,
                start_line: resp_line,
                headers: resp_headers.clone(),
                sstp: accepted,
            });
            if accepted {
                sstp_packets(&up, req_end, i, Side::Client, &mut found);
                sstp_packets(&down, resp_end, i, Side::Server, &mut found);
            } else {
                assert_eq!(up.bytes.len(), req_end, "{name}: nothing after a refused request");
                let body: usize = resp_headers
                    .iter()
                    .find(|(n, _)| n == "Content-Length")
                    .map_or(0, |(_, v)| v.parse().unwrap());
                assert_eq!(
                    down.bytes.len(),
                    resp_end + body,
                    "{name}: only the response body follows"
                );
            }
        }
        found.http.sort_by_key(|h| h.frame);
        assert_eq!(found.http, truth.http, "{name}: HTTP");
        found.control.sort_by_key(|m| m.0);
        let control: Vec<_> = truth
            .messages
            .iter()
            .map(|m| {
                let ids: Vec<u8> = found
                    .control
                    .iter()
                    .find(|f| f.0 == m.frame && f.3 == m.message_type)
                    .map(|f| f.5.clone())
                    .unwrap_or_default();
                assert_eq!(ids.len(), m.attributes.len(), "{name} frame {}", m.frame);
                (m.frame, m.connection, m.from, m.message_type, m.length, ids)
            })
            .collect();
        assert_eq!(found.control, control, "{name}: SSTP control messages");
        found.ppp.sort_by_key(|p| p.0);
        let ppp: Vec<_> = truth
            .ppp
            .iter()
            .map(|p| (p.frame, p.connection, p.from, p.protocol, p.code, p.identifier))
            .collect();
        assert_eq!(found.ppp, ppp, "{name}: PPP frames");
        for b in &truth.bindings {
            let ack = &found.packets[&(b.request_frame, wire::message_type::CALL_CONNECT_ACK)];
            let cc = &found.packets[&(b.binding_frame, wire::message_type::CALL_CONNECTED)];
            assert_eq!(
                (ack[15], hex(&ack[16..48])),
                (b.offered_bitmask, b.request_nonce.clone())
            );
            assert_eq!(cc.len(), 112);
            assert_eq!(cc[15], b.hash_protocol);
            assert_eq!(hex(&cc[16..48]), b.nonce);
            assert_eq!(hex(&cc[48..80]), b.cert_hash);
            assert_eq!(hex(&cc[80..112]), b.compound_mac);
            assert_eq!(b.nonce_matches, b.nonce == b.request_nonce, "{name}");
            let der = match b.server_certificate.as_str() {
                CERT_FILE => VPN_CERT_DER,
                TLS_SERVER_CERT_FILE => TLS_SERVER_CERT_DER,
                _ => OTHER_CERT_DER,
            };
            let expected_hash = if b.hash_protocol == 1 {
                padded(Sha1::digest(der).to_vec())
            } else {
                padded(Sha256::digest(der).to_vec())
            };
            assert_eq!(b.expected_cert_hash, expected_hash, "{name}");
            assert_eq!(b.cert_hash_matches, b.cert_hash == expected_hash, "{name}");
            // The HLAK: zeros without MS-CHAPv2, else the client's master
            // keys from the NT-Response on the wire and the password.
            let hlak = match (found.nt_responses.first(), &truth.credentials) {
                (Some(ntr), Some(cred)) => {
                    hex(
                        MasterKeys::from_mschapv2(&Secret::new(cred.password.clone()), ntr, KeySide::Client)
                            .sstp_hlak()
                            .expose(),
                    )
                }
                _ => hex(&[0; 32]),
            };
            assert_eq!(b.hlak, hlak, "{name}: HLAK");
            // [MS-SSTP] §3.2.5.2.2, §3.2.5.2.4: CMK = HMAC(HLAK, seed ‖ LEN
            // (u16 little-endian) ‖ 1); MAC = HMAC(CMK, message with the MAC
            // field zeroed).
            let hlak_bytes: Vec<u8> = (0..32)
                .map(|i| u8::from_str_radix(&b.hlak[2 * i..2 * i + 2], 16).unwrap())
                .collect();
            let len: &[u8] = if b.hash_protocol == 1 { &[20, 0] } else { &[32, 0] };
            let cmk = hmac_sha(
                b.hash_protocol,
                &hlak_bytes,
                &[b"SSTP inner method derived CMK", len, &[1]],
            );
            assert_eq!(hex(&cmk), b.cmk, "{name}: CMK");
            let mut zeroed = cc.clone();
            zeroed[80..].fill(0);
            let mac = padded(hmac_sha(b.hash_protocol, &cmk, &[&zeroed]));
            assert_eq!(b.expected_compound_mac, mac, "{name}");
            assert_eq!(b.compound_mac_valid, b.compound_mac == mac, "{name}");
        }
        assert_eq!(tls.len(), truth.tls.len(), "{name}: TLS connections");
        for (got, want) in tls.iter().zip(&truth.tls) {
            let strip = |r: &TlsRecordTruth| TlsRecordTruth {
                inner: None,
                ..r.clone()
            };
            let want_records: Vec<_> = want.records.iter().map(strip).collect();
            assert_eq!(got.records, want_records, "{name}: TLS records");
            assert_eq!(
                (
                    &got.sni,
                    &got.offered_versions,
                    &got.offered_cipher_suites,
                    got.version,
                    got.cipher_suite
                ),
                (
                    &want.sni,
                    &want.offered_versions,
                    &want.offered_cipher_suites,
                    want.version,
                    want.cipher_suite
                ),
                "{name}: hellos"
            );
            assert_eq!(got.certificate_visible, want.certificate_visible, "{name}");
            if got.certificate_visible {
                assert_eq!(
                    got.certificate_sha256, want.certificate_sha256,
                    "{name}: certificate"
                );
            }
        }
    }
}
