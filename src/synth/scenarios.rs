//! The scenarios behind the committed test captures in `captures/`: each
//! builds one capture file in memory and says, as data ([`Truth`]), what a
//! correct analysis of it must find.
//!
//! Deterministic by construction: clocks start at [`SCENARIO_START`]
//! (2026-01-15T09:00:00Z) and move by fixed steps, addresses come from the
//! documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
//! 2001:db8::/32, MACs 00:00:5E:00:53:xx), sequence numbers and IDs are
//! constants. [`all`] regenerates every file byte for byte.
//!
//! Roles: the client is the PNS and the server the PAC (RFC 2637 §1.2). The
//! client chooses Call ID 12345, the server 257, unless a scenario says
//! otherwise; GRE to the server therefore carries Key Call ID 257 and GRE
//! to the client 12345 (RFC 2637 §4.1).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use super::gre::GreCall;
use super::packet::{tcp_flags, Host, Link, MacAddr, VlanTag};
use super::pptp::{
    CallClearRequest, CallDisconnectNotify, ControlBody, ControlMessage, EchoReply, EchoRequest,
    IncomingCallConnected, IncomingCallReply, IncomingCallRequest, OutgoingCallReply, OutgoingCallRequest,
    RawMessage, SetLinkInfo, StartControlConnectionReply, StartControlConnectionRequest,
    StopControlConnectionReply, StopControlConnectionRequest, WanErrorNotify,
};
use super::tcp::{Side, TcpConversation, TcpEndpoint};
use super::trace::{add_duration, Trace, SCENARIO_START};
use super::truth::{message_name, ConnectionTruth, GreFlowTruth, MessageTruth, Truth};
use super::writer::{
    gzip_bytes, ByteOrder, FrameWriter, InterfaceDescription, PcapHeader, PcapWriter, PcapngWriter,
    TimestampPrecision,
};
use super::Result;
use crate::capture::{LinkType, Timestamp};

mod data_plane;
pub use data_plane::{
    gre_ack_only, gre_before_after, gre_blocked, gre_call_ids_reused, gre_doubled, gre_dup_reorder, gre_loss,
    gre_nat, gre_one_way, gre_orphan, gre_two_calls_swapped, gre_window, gre_wrap,
};
mod ppp_paths;
pub use ppp_paths::{
    code_name, ppp_ccp_protocol_reject, ppp_chapmd5_ok, ppp_eap, ppp_echo_fail, ppp_ipcp_reject,
    ppp_lcp_loop, ppp_lcp_silent, ppp_looped_back, ppp_mppe_mismatch, ppp_mppe_rejected, ppp_mschapv1,
    ppp_mschapv2_expired, ppp_mschapv2_fail, ppp_mschapv2_ok, ppp_pap_fail, ppp_pap_ok, ppp_paths,
    protocol_name, windows_error_name, AuthProtocol, AuthTruth, CcpOutcome, CcpTruth, EndTruth, IpcpTruth,
    PppScenario, PppStep, PppTruth,
};
mod sstp_plain;
mod sstp_support;
mod sstp_tls;
pub use sstp_plain::{
    http_not_sstp, sstp_404, sstp_bad_mac, sstp_cert_mismatch, sstp_clean_sha1, sstp_clean_sha256,
    sstp_clean_tls_server, sstp_echo, sstp_nak, sstp_nonce_mismatch, sstp_pap_zero_hlak,
};
pub use sstp_tls::{sstp_pool_two_certs, sstp_tls12, sstp_tls13, tls_alert_untrusted, tls_closed_no_sstp};

/// A generated capture: its file name, its bytes and its ground truth.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// File name inside `captures/`.
    pub file_name: &'static str,
    /// The complete file contents.
    pub bytes: Vec<u8>,
    /// What a correct analysis must find.
    pub truth: Truth,
}

/// A scenario being written: the trace plus the truth recorded alongside.
#[derive(Debug)]
pub struct Script<W: FrameWriter> {
    /// Where the frames go.
    pub trace: Trace<W>,
    /// What has been recorded so far.
    pub truth: Truth,
}

/// A PPTP control connection inside a [`Script`]: its TCP conversation and
/// its index in [`Truth::connections`].
#[derive(Debug, Clone)]
pub struct Control {
    /// The TCP conversation carrying the messages.
    pub tcp: TcpConversation,
    /// Index into `Truth::connections`.
    pub connection: usize,
}

impl<W: FrameWriter> Script<W> {
    /// A script writing into `trace`.
    pub fn new(trace: Trace<W>, description: &str, format: &str) -> Self {
        Script {
            trace,
            truth: Truth {
                description: description.to_string(),
                format: format.to_string(),
                ..Truth::default()
            },
        }
    }

    /// Lets time pass before the next frame.
    pub fn wait(&mut self, d: Duration) {
        self.trace.advance(d);
    }

    /// Lets time pass until `ts` (nothing happens if it is already past).
    pub fn wait_until(&mut self, ts: Timestamp) {
        let now = self.trace.now();
        let to_nanos = |t: Timestamp| i128::from(t.secs) * 1_000_000_000 + i128::from(t.nanos);
        let gap = to_nanos(ts) - to_nanos(now);
        if let Ok(gap) = u64::try_from(gap) {
            self.trace.advance(Duration::from_nanos(gap));
        }
    }

    /// Registers a control connection (labelled A, B, … in order).
    pub fn control(&mut self, tcp: TcpConversation) -> Control {
        let index = self.truth.connections.len();
        let client = tcp.endpoint(Side::Client);
        let server = tcp.endpoint(Side::Server);
        self.truth.connections.push(ConnectionTruth {
            label: char::from(b'A' + (index % 26) as u8).to_string(),
            client: SocketAddr::new(client.host.ip, client.port),
            server: SocketAddr::new(server.host.ip, server.port),
        });
        Control {
            tcp,
            connection: index,
        }
    }

    /// Records that `msg` from `from` became complete in `frame`.
    pub fn record(&mut self, frame: u64, c: &Control, from: Side, msg: &ControlMessage, note: Option<&str>) {
        let control_type = msg.control_type();
        self.truth.messages.push(MessageTruth {
            frame,
            connection: c.connection,
            from,
            control_type,
            name: message_name(control_type),
            note: note.map(str::to_string),
        });
    }

    /// Sends one message in one segment and records it.
    pub fn send(&mut self, c: &mut Control, from: Side, msg: impl Into<ControlMessage>) -> Result<u64> {
        self.send_noted(c, from, msg, None)
    }

    /// Sends one message in one segment and records it with a note.
    pub fn send_noted(
        &mut self,
        c: &mut Control,
        from: Side,
        msg: impl Into<ControlMessage>,
        note: Option<&str>,
    ) -> Result<u64> {
        let msg = msg.into();
        let frame = c.tcp.send(&mut self.trace, from, &msg.encode())?;
        self.record(frame, c, from, &msg, note);
        Ok(frame)
    }

    /// Sends one message cut into segments of `sizes` (the rest in a last
    /// one); it is recorded in the last frame.
    pub fn send_split(
        &mut self,
        c: &mut Control,
        from: Side,
        msg: impl Into<ControlMessage>,
        sizes: &[usize],
        note: Option<&str>,
    ) -> Result<Vec<u64>> {
        let msg = msg.into();
        let frames = c.tcp.send_split(&mut self.trace, from, &msg.encode(), sizes)?;
        if let Some(&last) = frames.last() {
            self.record(last, c, from, &msg, note);
        }
        Ok(frames)
    }

    /// Sends several messages back to back in one segment.
    pub fn send_together(
        &mut self,
        c: &mut Control,
        from: Side,
        msgs: &[ControlMessage],
        note: Option<&str>,
    ) -> Result<u64> {
        let encoded: Vec<Vec<u8>> = msgs.iter().map(ControlMessage::encode).collect();
        let parts: Vec<&[u8]> = encoded.iter().map(Vec::as_slice).collect();
        let frame = c.tcp.send_together(&mut self.trace, from, &parts)?;
        for m in msgs {
            self.record(frame, c, from, m, note);
        }
        Ok(frame)
    }

    /// Copies a call's GRE log into the truth, one flow per direction that
    /// has packets.
    pub fn gre_truth(&mut self, connection: Option<usize>, call: &GreCall) {
        for from in [Side::Client, Side::Server] {
            let packets: Vec<_> = call.log().iter().filter(|r| r.sender == from).copied().collect();
            if packets.is_empty() {
                continue;
            }
            self.truth.gre.push(GreFlowTruth::new(
                connection,
                from,
                call.host(from).ip,
                call.host(from.peer()).ip,
                call.call_id(from.peer()),
                packets,
            ));
        }
    }

    /// Adds a conclusion a correct analysis must reach.
    pub fn conclude(&mut self, text: impl Into<String>) {
        self.truth.conclusions.push(text.into());
    }

    /// Adds a note about the capture.
    pub fn note(&mut self, text: impl Into<String>) {
        self.truth.notes.push(text.into());
    }

    /// Ends the script: the writer and the truth (with its frame count).
    pub fn finish(self) -> (W, Truth) {
        let mut truth = self.truth;
        truth.frames = self.trace.frames();
        (self.trace.into_writer(), truth)
    }
}

// ---------------------------------------------------------------------------
// The cast: hosts, ports, IDs.

/// The usual Windows client.
fn client_v4() -> Host {
    Host {
        mac: MacAddr::documentation(0x23),
        ip: IpAddr::from([198, 51, 100, 23]),
        ttl: 128,
    }
}

/// A second Windows client.
fn client_b_v4() -> Host {
    Host {
        mac: MacAddr::documentation(0x4D),
        ip: IpAddr::from([192, 0, 2, 77]),
        ttl: 128,
    }
}

/// The Linux PPTP server, as seen from the client's LAN (TTL already
/// decremented on the way).
fn server_v4() -> Host {
    Host {
        mac: MacAddr::documentation(0x05),
        ip: IpAddr::from([203, 0, 113, 5]),
        ttl: 52,
    }
}

fn client_v6() -> Host {
    Host {
        mac: MacAddr::documentation(0x23),
        ip: IpAddr::from([0x2001, 0xdb8, 1, 0, 0, 0, 0, 0x23]),
        ttl: 128,
    }
}

fn server_v6() -> Host {
    Host {
        mac: MacAddr::documentation(0x05),
        ip: IpAddr::from([0x2001, 0xdb8, 2, 0, 0, 0, 0, 5]),
        ttl: 52,
    }
}

const PPTP_PORT: u16 = 1723;
const CLIENT_PORT: u16 = 49_712;
const CLIENT_B_PORT: u16 = 50_511;
const CLIENT_ISN: u32 = 0x6A1C_0000;
const CLIENT_B_ISN: u32 = 0x1B2C_3D00;
const SERVER_ISN: u32 = 0xC3D2_E100;
const SERVER_B_ISN: u32 = 0x7F00_0000;
const CLIENT_WINDOW: u16 = 64_240;
const SERVER_WINDOW: u16 = 29_200;
const CLIENT_CALL_ID: u16 = 12_345;
const SERVER_CALL_ID: u16 = 257;
const CALL_SERIAL: u16 = 3;

/// Time the network takes between a request and its answer at the capture
/// point (on the client's side).
const RTT: Duration = Duration::from_millis(20);
/// Clock step between frames written back to back.
const STEP: Duration = Duration::from_micros(150);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn tcp_pair(client: Host, client_port: u16, server: Host, server_port: u16, link: Link) -> TcpConversation {
    TcpConversation::new(
        TcpEndpoint {
            host: client,
            port: client_port,
            isn: CLIENT_ISN,
            window: CLIENT_WINDOW,
        },
        TcpEndpoint {
            host: server,
            port: server_port,
            isn: SERVER_ISN,
            window: SERVER_WINDOW,
        },
        link,
    )
}

/// PPP frames carried in GRE (RFC 1661 §5): address/control FF 03, LCP
/// protocol C0 21, then code, identifier, length and data.
fn lcp(code: u8, identifier: u8, data: &[u8]) -> Vec<u8> {
    let len = (4 + data.len()) as u16;
    let mut f = vec![0xFF, 0x03, 0xC0, 0x21, code, identifier];
    f.extend_from_slice(&len.to_be_bytes());
    f.extend_from_slice(data);
    f
}

const LCP_CONFIGURE_REQUEST: u8 = 1;
const LCP_CONFIGURE_ACK: u8 = 2;
const LCP_ECHO_REQUEST: u8 = 9;
const LCP_ECHO_REPLY: u8 = 10;

// ---------------------------------------------------------------------------
// Building blocks shared by several scenarios.

fn sccrq() -> StartControlConnectionRequest {
    StartControlConnectionRequest::default()
}

fn ocrq(call_id: u16, serial: u16) -> OutgoingCallRequest {
    OutgoingCallRequest {
        call_id,
        call_serial_number: serial,
        ..Default::default()
    }
}

fn ocrp(call_id: u16, peer_call_id: u16) -> OutgoingCallReply {
    OutgoingCallReply {
        call_id,
        peer_call_id,
        ..Default::default()
    }
}

fn sli(peer_call_id: u16) -> SetLinkInfo {
    SetLinkInfo {
        peer_call_id,
        ..Default::default()
    }
}

fn echo_reply(identifier: u32) -> EchoReply {
    EchoReply {
        identifier,
        ..Default::default()
    }
}

/// SYN, SYN-ACK one round trip later, ACK: the capture sits at the client,
/// so the handshake shows the path's round-trip time.
fn handshake<W: FrameWriter>(t: &mut Trace<W>, tcp: &mut TcpConversation) -> Result<()> {
    tcp.syn(t)?;
    t.advance(RTT);
    tcp.syn_ack(t)?;
    tcp.ack(t, Side::Client)?;
    Ok(())
}

/// TCP handshake, SCCRQ/SCCRP, OCRQ/OCRP (connected), SLI and the server's
/// acknowledgement of it.
fn establish<W: FrameWriter>(
    s: &mut Script<W>,
    c: &mut Control,
    client_call: u16,
    server_call: u16,
) -> Result<()> {
    handshake(&mut s.trace, &mut c.tcp)?;
    s.send(c, Side::Client, sccrq())?;
    s.wait(RTT);
    s.send(c, Side::Server, StartControlConnectionReply::default())?;
    s.send(c, Side::Client, ocrq(client_call, CALL_SERIAL))?;
    s.wait(RTT);
    s.send(c, Side::Server, ocrp(server_call, client_call))?;
    s.send(c, Side::Client, sli(server_call))?;
    s.wait(RTT);
    c.tcp.ack(&mut s.trace, Side::Server)?;
    Ok(())
}

/// LCP Configure-Request/Ack both ways and one ack-only packet: five GRE
/// packets, sequence numbers 0 and 1 in each direction.
fn lcp_exchange<W: FrameWriter>(s: &mut Script<W>, g: &mut GreCall) -> Result<()> {
    let t = &mut s.trace;
    g.send(t, Side::Client, &lcp(LCP_CONFIGURE_REQUEST, 1, &[]))?;
    t.advance(RTT);
    g.send(t, Side::Server, &lcp(LCP_CONFIGURE_REQUEST, 1, &[]))?;
    g.send(t, Side::Server, &lcp(LCP_CONFIGURE_ACK, 1, &[]))?;
    g.send(t, Side::Client, &lcp(LCP_CONFIGURE_ACK, 1, &[]))?;
    t.advance(RTT);
    g.send_ack(t, Side::Server)?;
    Ok(())
}

/// LCP Echo-Request from the client and the server's Echo-Reply, magic
/// number 0 (RFC 1661 §5.8).
fn lcp_echo<W: FrameWriter>(s: &mut Script<W>, g: &mut GreCall, identifier: u8) -> Result<()> {
    g.send(
        &mut s.trace,
        Side::Client,
        &lcp(LCP_ECHO_REQUEST, identifier, &[0; 4]),
    )?;
    s.wait(RTT);
    g.send(
        &mut s.trace,
        Side::Server,
        &lcp(LCP_ECHO_REPLY, identifier, &[0; 4]),
    )?;
    Ok(())
}

/// CCRQ/CDN (result 4), StopCCRQ/StopCCRP, then FIN both ways started by
/// the client.
fn teardown<W: FrameWriter>(
    s: &mut Script<W>,
    c: &mut Control,
    client_call: u16,
    server_call: u16,
) -> Result<()> {
    s.send(
        c,
        Side::Client,
        CallClearRequest {
            call_id: client_call,
            reserved1: 0,
        },
    )?;
    s.wait(RTT);
    s.send(
        c,
        Side::Server,
        CallDisconnectNotify {
            call_id: server_call,
            ..Default::default()
        },
    )?;
    s.send(c, Side::Client, StopControlConnectionRequest::default())?;
    s.wait(RTT);
    s.send(c, Side::Server, StopControlConnectionReply::default())?;
    c.tcp.close(&mut s.trace, Side::Client, RTT)?;
    Ok(())
}

/// How a clean session is laid out on the wire.
struct CleanSetup {
    client: Host,
    server: Host,
    server_port: u16,
    tcp_link: Link,
    gre_link: Link,
    tcp_interface: u32,
    gre_interface: u32,
    /// Tags for the Echo-Request/Reply pair, if they differ.
    echo_tags: Option<Vec<VlanTag>>,
    /// pcapng comment on the OCRP frame.
    ocrp_comment: Option<&'static str>,
}

impl CleanSetup {
    fn ethernet_v4() -> Self {
        CleanSetup {
            client: client_v4(),
            server: server_v4(),
            server_port: PPTP_PORT,
            tcp_link: Link::ethernet(),
            gre_link: Link::ethernet(),
            tcp_interface: 0,
            gre_interface: 0,
            echo_tags: None,
            ocrp_comment: None,
        }
    }
}

/// The clean session: handshake, SCCRQ/SCCRP, OCRQ/OCRP (result 1), SLI,
/// LCP over GRE both ways, 60 s later Echo-Request/Reply, CCRQ/CDN
/// (result 4), StopCCRQ/StopCCRP, FIN both ways.
fn clean_session<W: FrameWriter>(s: &mut Script<W>, setup: &CleanSetup) -> Result<()> {
    let mut tcp = tcp_pair(
        setup.client,
        CLIENT_PORT,
        setup.server,
        setup.server_port,
        setup.tcp_link.clone(),
    );
    tcp.interface = setup.tcp_interface;
    let mut c = s.control(tcp);
    let mut g = GreCall::new(
        setup.client,
        setup.server,
        CLIENT_CALL_ID,
        SERVER_CALL_ID,
        setup.gre_link.clone(),
    );
    g.interface = setup.gre_interface;
    g.enable_log();

    handshake(&mut s.trace, &mut c.tcp)?;
    s.send(&mut c, Side::Client, sccrq())?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, StartControlConnectionReply::default())?;
    s.send(&mut c, Side::Client, ocrq(CLIENT_CALL_ID, CALL_SERIAL))?;
    s.wait(RTT);
    let reply: ControlMessage = ocrp(SERVER_CALL_ID, CLIENT_CALL_ID).into();
    let seg = c.tcp.prepare(Side::Server, tcp_flags::PSH, &reply.encode());
    let frame = c.tcp.emit_commented(&mut s.trace, &seg, setup.ocrp_comment)?;
    s.record(frame, &c, Side::Server, &reply, None);
    s.send(&mut c, Side::Client, sli(SERVER_CALL_ID))?;
    s.wait(RTT);
    c.tcp.ack(&mut s.trace, Side::Server)?;
    lcp_exchange(s, &mut g)?;

    s.wait(secs(60));
    let plain = c.tcp.link.clone();
    if let Some(tags) = &setup.echo_tags {
        if let Link::Ethernet { pad, .. } = plain {
            c.tcp.link = Link::Ethernet {
                vlan: tags.clone(),
                pad,
            };
        }
    }
    s.send(&mut c, Side::Client, EchoRequest { identifier: 1 })?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, echo_reply(1))?;
    c.tcp.link = plain;

    s.wait(secs(5));
    teardown(s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    s.gre_truth(Some(c.connection), &g);

    let cl = c.tcp.endpoint(Side::Client);
    let sv = c.tcp.endpoint(Side::Server);
    s.conclude(format!(
        "One PPTP control connection, client (PNS) {} to server (PAC) {}, \
         established (SCCRP result 1) and closed in order (StopCCRQ reason 1, \
         StopCCRP result 1, then FIN both ways).",
        SocketAddr::new(cl.host.ip, cl.port),
        SocketAddr::new(sv.host.ip, sv.port)
    ));
    s.conclude(format!(
        "One call: client Call ID {CLIENT_CALL_ID}, server Call ID {SERVER_CALL_ID}, \
         connected (OCRP result 1) and cleared by the client (CCRQ, then CDN result 4 \
         \"Request\")."
    ));
    s.conclude(format!(
        "GRE client → server carries Key Call ID {SERVER_CALL_ID}, server → client \
         {CLIENT_CALL_ID}; both flows belong to that call. Sequence numbers 0 and 1 \
         in each direction: no loss, no duplicates, no reordering."
    ));
    s.conclude("Echo-Request identifier 1 answered by Echo-Reply 1 (result 1) after 20 ms.");
    s.conclude("No anomalies.");
    Ok(())
}

fn pcap_format(header: &PcapHeader, link: &str) -> String {
    let order = match header.byte_order {
        ByteOrder::Little => "little-endian",
        ByteOrder::Big => "big-endian",
    };
    let res = match header.precision {
        TimestampPrecision::Microsecond => "microsecond",
        TimestampPrecision::Nanosecond => "nanosecond",
    };
    format!(
        "pcap, {order}, {res} timestamps, link type {link} ({})",
        header.link_type.0
    )
}

type PcapScript = Script<PcapWriter<Vec<u8>>>;

fn pcap_script(header: PcapHeader, step: Duration, link: &str, description: &str) -> Result<PcapScript> {
    let format = pcap_format(&header, link);
    let writer = PcapWriter::new(Vec::new(), header)?;
    Ok(Script::new(
        Trace::new(writer, SCENARIO_START, step),
        description,
        &format,
    ))
}

fn ethernet_pcap(description: &str) -> Result<PcapScript> {
    pcap_script(PcapHeader::default(), STEP, "ETHERNET", description)
}

fn finish_pcap(s: PcapScript, file_name: &'static str) -> Result<Scenario> {
    let (writer, truth) = s.finish();
    Ok(Scenario {
        file_name,
        bytes: writer.into_inner()?,
        truth,
    })
}

// ---------------------------------------------------------------------------
// The scenarios.

/// `pptp-clean.pcap`: the README's demo capture.
pub fn pptp_clean() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "A clean PPTP session with teardown: TCP handshake, SCCRQ/SCCRP, OCRQ/OCRP \
         (connected), SLI, LCP Configure-Request/Ack over GRE both ways, an \
         Echo-Request/Reply after 60 s idle, CCRQ/CDN, StopCCRQ/StopCCRP and FIN \
         both ways.",
    )?;
    s.truth.title = "Clean PPTP session with teardown (the README demo)".to_string();
    clean_session(&mut s, &CleanSetup::ethernet_v4())?;
    finish_pcap(s, "pptp-clean.pcap")
}

/// `pptp-clean.pcap.gz`: the clean session, gzip-compressed.
pub fn pptp_clean_gz() -> Result<Scenario> {
    let clean = pptp_clean()?;
    let mut truth = clean.truth;
    truth.description = "The clean session of `pptp-clean.pcap`, gzip-compressed \
        (no file name, mtime 0, level 6). Must be read exactly as the uncompressed file."
        .to_string();
    truth.format = format!("gzip of {}", truth.format);
    truth.title = "The clean session, gzip-compressed".to_string();
    Ok(Scenario {
        file_name: "pptp-clean.pcap.gz",
        bytes: gzip_bytes(&clean.bytes)?,
        truth,
    })
}

/// `pptp-call-rejected.pcap`: two outgoing calls, both refused.
pub fn pptp_call_rejected() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "The control connection comes up, but the server refuses both outgoing calls: \
         the first with OCRP result 7 (Do Not Accept), the second with result 2 \
         (General Error) and error code 4 (No-Resource). The client then stops the \
         control connection.",
    )?;
    s.truth.title = "Two outgoing calls refused: OCRP result 7, then result 2 with error 4".to_string();
    let tcp = tcp_pair(client_v4(), CLIENT_PORT, server_v4(), PPTP_PORT, Link::ethernet());
    let mut c = s.control(tcp);
    handshake(&mut s.trace, &mut c.tcp)?;
    s.send(&mut c, Side::Client, sccrq())?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, StartControlConnectionReply::default())?;
    s.send(&mut c, Side::Client, ocrq(CLIENT_CALL_ID, CALL_SERIAL))?;
    s.wait(RTT);
    s.send_noted(
        &mut c,
        Side::Server,
        OutgoingCallReply {
            call_id: 0,
            peer_call_id: CLIENT_CALL_ID,
            result_code: 7,
            connect_speed: 0,
            packet_recv_window_size: 0,
            ..Default::default()
        },
        Some("result 7 Do Not Accept"),
    )?;
    s.wait(secs(2));
    s.send(&mut c, Side::Client, ocrq(CLIENT_CALL_ID + 1, CALL_SERIAL + 1))?;
    s.wait(RTT);
    s.send_noted(
        &mut c,
        Side::Server,
        OutgoingCallReply {
            call_id: 0,
            peer_call_id: CLIENT_CALL_ID + 1,
            result_code: 2,
            error_code: 4,
            connect_speed: 0,
            packet_recv_window_size: 0,
            ..Default::default()
        },
        Some("result 2 General Error, error 4 No-Resource"),
    )?;
    s.wait(ms(500));
    s.send(&mut c, Side::Client, StopControlConnectionRequest::default())?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, StopControlConnectionReply::default())?;
    c.tcp.close(&mut s.trace, Side::Client, RTT)?;

    s.conclude("The control connection was established (SCCRP result 1) and closed in order.");
    s.conclude(format!(
        "Two outgoing calls were attempted and none connected: Call ID {CLIENT_CALL_ID} \
         refused with OCRP result 7 (Do Not Accept, administratively prohibited); Call ID {} \
         refused with result 2 (General Error), error code 4 (No-Resource).",
        CLIENT_CALL_ID + 1
    ));
    s.conclude("No GRE traffic: no call ever carried data.");
    finish_pcap(s, "pptp-call-rejected.pcap")
}

/// `pptp-no-sccrp.pcap`: the server never answers the SCCRQ.
pub fn pptp_no_sccrp() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "The TCP connection opens, the client sends SCCRQ, and the server never answers: \
         the client's TCP retransmits the SCCRQ segment twice (after 1 s and 3 s), then \
         the client gives up and closes the connection 60 s after the SCCRQ.",
    )?;
    s.truth.title = "SCCRQ never answered; TCP retransmits it, the client gives up after 60 s".to_string();
    let tcp = tcp_pair(client_v4(), CLIENT_PORT, server_v4(), PPTP_PORT, Link::ethernet());
    let mut c = s.control(tcp);
    handshake(&mut s.trace, &mut c.tcp)?;
    let msg: ControlMessage = sccrq().into();
    let seg = c.tcp.prepare(Side::Client, tcp_flags::PSH, &msg.encode());
    let start = s.trace.now();
    let first = c.tcp.emit(&mut s.trace, &seg)?;
    s.record(first, &c, Side::Client, &msg, None);
    s.wait(secs(1));
    let r1 = c.tcp.emit(&mut s.trace, &seg)?;
    s.wait(secs(2));
    let r2 = c.tcp.emit(&mut s.trace, &seg)?;
    // Close exactly 60 s after the SCCRQ was first sent.
    s.wait_until(add_duration(start, secs(60)));
    let fin = c.tcp.fin(&mut s.trace, Side::Client)?;
    s.wait(RTT);
    c.tcp.fin(&mut s.trace, Side::Server)?;
    c.tcp.ack(&mut s.trace, Side::Client)?;

    s.conclude(format!(
        "One SCCRQ (frame {first}); frames {r1} and {r2} are TCP retransmissions of the \
         same segment and must not be counted as further messages."
    ));
    s.conclude(format!(
        "No SCCRP: the control connection was never established. The client closed the \
         TCP connection (FIN, frame {fin}) 60 s after its SCCRQ, the RFC 2637 §3 \
         time-out for an unanswered request."
    ));
    s.conclude("No call, no GRE.");
    s.note("The server acknowledges nothing until the client's FIN, so the retransmissions are genuine (not spurious).");
    finish_pcap(s, "pptp-no-sccrp.pcap")
}

/// `pptp-echo-unanswered.pcap`: one answered and one unanswered echo.
pub fn pptp_echo_unanswered() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "An established session with a call and GRE traffic. After 60 s idle the client's \
         Echo-Request 1 is answered; 60 s later Echo-Request 2 is acknowledged by TCP but \
         never answered, and 60 s after that the client closes the TCP connection.",
    )?;
    s.truth.title = "One answered and one unanswered Echo-Request".to_string();
    let tcp = tcp_pair(client_v4(), CLIENT_PORT, server_v4(), PPTP_PORT, Link::ethernet());
    let mut c = s.control(tcp);
    let mut g = GreCall::new(
        client_v4(),
        server_v4(),
        CLIENT_CALL_ID,
        SERVER_CALL_ID,
        Link::ethernet(),
    );
    g.enable_log();
    establish(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    lcp_exchange(&mut s, &mut g)?;
    s.wait(secs(60));
    s.send(&mut c, Side::Client, EchoRequest { identifier: 1 })?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, echo_reply(1))?;
    s.wait(secs(60));
    let unanswered = s.send_noted(
        &mut c,
        Side::Client,
        EchoRequest { identifier: 2 },
        Some("never answered"),
    )?;
    s.wait(RTT);
    c.tcp.ack(&mut s.trace, Side::Server)?;
    s.wait(secs(60));
    let [fin, _, _] = c.tcp.close(&mut s.trace, Side::Client, RTT)?;
    s.gre_truth(Some(c.connection), &g);

    s.conclude("Control connection and call established (SCCRP result 1, OCRP result 1).");
    s.conclude("Echo-Request 1 answered by Echo-Reply 1 (result 1) after 20 ms.");
    s.conclude(format!(
        "Echo-Request 2 (frame {unanswered}) was never answered: the server's TCP \
         acknowledged it, so it was delivered, but no Echo-Reply followed within 60 s \
         (RFC 2637 §3: keepalive failure)."
    ));
    s.conclude(format!(
        "The client closed the TCP connection (FIN, frame {fin}) 60 s after the unanswered \
         echo, without CCRQ or StopCCRQ: the call and the control connection ended \
         without being cleared."
    ));
    finish_pcap(s, "pptp-echo-unanswered.pcap")
}

/// `pptp-rst-midcall.pcap`: the server resets the control connection.
pub fn pptp_rst_midcall() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "A call is up and GRE flows both ways; then the server resets the control \
         connection with a TCP RST. No CDN and no Stop-Control-Connection message.",
    )?;
    s.truth.title = "The server resets the control connection mid-call".to_string();
    let tcp = tcp_pair(client_v4(), CLIENT_PORT, server_v4(), PPTP_PORT, Link::ethernet());
    let mut c = s.control(tcp);
    let mut g = GreCall::new(
        client_v4(),
        server_v4(),
        CLIENT_CALL_ID,
        SERVER_CALL_ID,
        Link::ethernet(),
    );
    g.enable_log();
    establish(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    lcp_exchange(&mut s, &mut g)?;
    s.wait(secs(10));
    lcp_echo(&mut s, &mut g, 2)?;
    s.wait(secs(10));
    lcp_echo(&mut s, &mut g, 3)?;
    s.wait(secs(3));
    let rst = c.tcp.rst(&mut s.trace, Side::Server)?;
    s.gre_truth(Some(c.connection), &g);

    s.conclude(
        "Control connection and call established (SCCRP result 1, OCRP result 1); GRE flowed both ways.",
    );
    s.conclude(format!(
        "The server reset the control connection (TCP RST, frame {rst}) while the call was \
         up: no Call-Disconnect-Notify, no Stop-Control-Connection-Request. The call ended \
         abnormally."
    ));
    s.conclude("GRE: no loss, no duplicates, no reordering; no GRE after the reset.");
    finish_pcap(s, "pptp-rst-midcall.pcap")
}

/// `pptp-two-clients.pcap`: two clients, interleaved, one call each.
pub fn pptp_two_clients() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "Two clients connect to the same server at the same time, their frames \
         interleaved. Each has its own control connection and one call with its own \
         Call IDs (client A 12345 / server 257, client B 23456 / server 258). Both close \
         in order.",
    )?;
    s.truth.title = "Two clients at once, interleaved, one call each".to_string();
    const B_CALL: u16 = 23_456;
    const B_SERVER_CALL: u16 = 258;
    let mut a = s.control(tcp_pair(
        client_v4(),
        CLIENT_PORT,
        server_v4(),
        PPTP_PORT,
        Link::ethernet(),
    ));
    let mut b = s.control(TcpConversation::new(
        TcpEndpoint {
            host: client_b_v4(),
            port: CLIENT_B_PORT,
            isn: CLIENT_B_ISN,
            window: CLIENT_WINDOW,
        },
        TcpEndpoint {
            host: server_v4(),
            port: PPTP_PORT,
            isn: SERVER_B_ISN,
            window: SERVER_WINDOW,
        },
        Link::ethernet(),
    ));
    let mut ga = GreCall::new(
        client_v4(),
        server_v4(),
        CLIENT_CALL_ID,
        SERVER_CALL_ID,
        Link::ethernet(),
    );
    let mut gb = GreCall::new(
        client_b_v4(),
        server_v4(),
        B_CALL,
        B_SERVER_CALL,
        Link::ethernet(),
    );
    ga.enable_log();
    gb.enable_log();
    let t = &mut s.trace;
    a.tcp.syn(t)?;
    b.tcp.syn(t)?;
    t.advance(RTT);
    a.tcp.syn_ack(t)?;
    b.tcp.syn_ack(t)?;
    a.tcp.ack(t, Side::Client)?;
    b.tcp.ack(t, Side::Client)?;
    s.send(&mut a, Side::Client, sccrq())?;
    s.send(&mut b, Side::Client, sccrq())?;
    s.wait(RTT);
    s.send(&mut a, Side::Server, StartControlConnectionReply::default())?;
    s.send(&mut b, Side::Server, StartControlConnectionReply::default())?;
    s.send(&mut a, Side::Client, ocrq(CLIENT_CALL_ID, CALL_SERIAL))?;
    s.send(&mut b, Side::Client, ocrq(B_CALL, 7))?;
    s.wait(RTT);
    s.send(&mut a, Side::Server, ocrp(SERVER_CALL_ID, CLIENT_CALL_ID))?;
    s.send(&mut b, Side::Server, ocrp(B_SERVER_CALL, B_CALL))?;
    s.send(&mut a, Side::Client, sli(SERVER_CALL_ID))?;
    s.send(&mut b, Side::Client, sli(B_SERVER_CALL))?;
    let t = &mut s.trace;
    let req = lcp(LCP_CONFIGURE_REQUEST, 1, &[]);
    let ack = lcp(LCP_CONFIGURE_ACK, 1, &[]);
    ga.send(t, Side::Client, &req)?;
    gb.send(t, Side::Client, &req)?;
    t.advance(RTT);
    a.tcp.ack(t, Side::Server)?;
    b.tcp.ack(t, Side::Server)?;
    ga.send(t, Side::Server, &req)?;
    gb.send(t, Side::Server, &req)?;
    ga.send(t, Side::Server, &ack)?;
    gb.send(t, Side::Server, &ack)?;
    ga.send(t, Side::Client, &ack)?;
    gb.send(t, Side::Client, &ack)?;
    t.advance(secs(30));
    s.send(
        &mut a,
        Side::Client,
        CallClearRequest {
            call_id: CLIENT_CALL_ID,
            reserved1: 0,
        },
    )?;
    s.send(
        &mut b,
        Side::Client,
        CallClearRequest {
            call_id: B_CALL,
            reserved1: 0,
        },
    )?;
    s.wait(RTT);
    s.send(
        &mut a,
        Side::Server,
        CallDisconnectNotify {
            call_id: SERVER_CALL_ID,
            ..Default::default()
        },
    )?;
    s.send(
        &mut b,
        Side::Server,
        CallDisconnectNotify {
            call_id: B_SERVER_CALL,
            ..Default::default()
        },
    )?;
    s.send(&mut a, Side::Client, StopControlConnectionRequest::default())?;
    s.send(&mut b, Side::Client, StopControlConnectionRequest::default())?;
    s.wait(RTT);
    s.send(&mut a, Side::Server, StopControlConnectionReply::default())?;
    s.send(&mut b, Side::Server, StopControlConnectionReply::default())?;
    let t = &mut s.trace;
    a.tcp.fin(t, Side::Client)?;
    b.tcp.fin(t, Side::Client)?;
    t.advance(RTT);
    a.tcp.fin(t, Side::Server)?;
    b.tcp.fin(t, Side::Server)?;
    a.tcp.ack(t, Side::Client)?;
    b.tcp.ack(t, Side::Client)?;
    s.gre_truth(Some(a.connection), &ga);
    s.gre_truth(Some(b.connection), &gb);

    s.conclude(
        "Two separate control connections to 203.0.113.5:1723 (A from 198.51.100.23:49712, \
         B from 192.0.2.77:50511), each established and closed in order.",
    );
    s.conclude(format!(
        "Connection A has one call: client Call ID {CLIENT_CALL_ID}, server {SERVER_CALL_ID}. \
         Connection B has one call: client Call ID {B_CALL}, server {B_SERVER_CALL}. Both \
         connected (OCRP result 1) and were cleared (CDN result 4)."
    ));
    s.conclude(format!(
        "Four GRE flows, each tied to its own call: 198.51.100.23 → 203.0.113.5 Key \
         {SERVER_CALL_ID}, 203.0.113.5 → 198.51.100.23 Key {CLIENT_CALL_ID}, 192.0.2.77 → \
         203.0.113.5 Key {B_SERVER_CALL}, 203.0.113.5 → 192.0.2.77 Key {B_CALL}. No loss."
    ));
    s.conclude("Messages of one connection must never be attributed to the other.");
    finish_pcap(s, "pptp-two-clients.pcap")
}

/// `pptp-segmentation.pcap`: a message across 3 segments, 3 messages in one.
pub fn pptp_segmentation() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "Control messages that do not line up with TCP segments: the OCRQ (168 bytes) is \
         split across three segments of 10, 100 and 58 bytes (the first cuts the 12-byte \
         header); one client segment carries SLI + Echo-Request + Echo-Reply back to back; \
         an Echo-Request shares a segment with the first 6 bytes of the CCRQ, whose other \
         10 bytes follow in the next segment; the server answers with Echo-Reply + CDN in \
         one segment.",
    )?;
    s.truth.title = "A message split across three segments; several messages in one segment".to_string();
    let tcp = tcp_pair(client_v4(), CLIENT_PORT, server_v4(), PPTP_PORT, Link::ethernet());
    let mut c = s.control(tcp);
    let mut g = GreCall::new(
        client_v4(),
        server_v4(),
        CLIENT_CALL_ID,
        SERVER_CALL_ID,
        Link::ethernet(),
    );
    g.enable_log();
    handshake(&mut s.trace, &mut c.tcp)?;
    s.send(&mut c, Side::Client, sccrq())?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, StartControlConnectionReply::default())?;
    let split = s.send_split(
        &mut c,
        Side::Client,
        ocrq(CLIENT_CALL_ID, CALL_SERIAL),
        &[10, 100],
        None,
    )?;
    if let Some(m) = s.truth.messages.last_mut() {
        m.note = Some(format!(
            "split over frames {}: 10 + 100 + 58 bytes",
            split.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
        ));
    }
    s.wait(RTT);
    s.send(&mut c, Side::Server, ocrp(SERVER_CALL_ID, CLIENT_CALL_ID))?;
    s.wait(ms(5));
    s.send(&mut c, Side::Server, EchoRequest { identifier: 7 })?;
    s.wait(RTT);
    let together = s.send_together(
        &mut c,
        Side::Client,
        &[
            sli(SERVER_CALL_ID).into(),
            EchoRequest { identifier: 1 }.into(),
            echo_reply(7).into(),
        ],
        Some("3 messages in one segment"),
    )?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, echo_reply(1))?;
    lcp_exchange(&mut s, &mut g)?;
    s.wait(secs(30));

    // Echo-Request 2 + the head of the CCRQ, then the CCRQ's tail.
    let echo2: ControlMessage = EchoRequest { identifier: 2 }.into();
    let ccrq: ControlMessage = CallClearRequest {
        call_id: CLIENT_CALL_ID,
        reserved1: 0,
    }
    .into();
    let stream = [echo2.encode(), ccrq.encode()].concat();
    let frames = c.tcp.send_split(&mut s.trace, Side::Client, &stream, &[22])?;
    let (f_head, f_tail) = match frames.as_slice() {
        [a, b] => (*a, *b),
        _ => (0, 0),
    };
    s.record(
        f_head,
        &c,
        Side::Client,
        &echo2,
        Some("shares its segment with the CCRQ's first 6 bytes"),
    );
    s.record(
        f_tail,
        &c,
        Side::Client,
        &ccrq,
        Some("first 6 bytes in the previous frame"),
    );
    s.wait(RTT);
    s.send_together(
        &mut c,
        Side::Server,
        &[
            echo_reply(2).into(),
            CallDisconnectNotify {
                call_id: SERVER_CALL_ID,
                ..Default::default()
            }
            .into(),
        ],
        Some("2 messages in one segment"),
    )?;
    s.send(&mut c, Side::Client, StopControlConnectionRequest::default())?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, StopControlConnectionReply::default())?;
    c.tcp.close(&mut s.trace, Side::Client, RTT)?;
    s.gre_truth(Some(c.connection), &g);

    s.conclude(format!(
        "Exactly {} control messages, in the order listed; the OCRQ is one message \
         (Call ID {CLIENT_CALL_ID}) although it arrives in three segments ({}).",
        s.truth.messages.len(),
        split.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
    ));
    s.conclude(format!(
        "Frame {together} carries three complete messages: SLI, Echo-Request 1 and \
         Echo-Reply 7 (answering the server's Echo-Request 7)."
    ));
    s.conclude(format!(
        "The CCRQ starts in frame {f_head} (after Echo-Request 2) and ends in frame {f_tail}."
    ));
    s.conclude("Every echo is answered; the call and control connection close in order. No anomalies.");
    s.note("tshark decodes only the first message of a multi-message segment and cannot reassemble the split header; that is a tshark limitation, not a fault in the capture.");
    finish_pcap(s, "pptp-segmentation.pcap")
}

/// `pptp-retrans-reorder.pcap`: a retransmitted message and two segments
/// delivered out of order.
pub fn pptp_retrans_reorder() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "TCP misbehaviour on the control connection: the client's SLI segment is \
         retransmitted 300 ms later (same bytes, same sequence number), and two client \
         segments (Echo-Request 1, then a second SLI) reach the capture point in reverse \
         order.",
    )?;
    s.truth.title = "A retransmitted message and two segments out of order".to_string();
    let tcp = tcp_pair(client_v4(), CLIENT_PORT, server_v4(), PPTP_PORT, Link::ethernet());
    let mut c = s.control(tcp);
    let mut g = GreCall::new(
        client_v4(),
        server_v4(),
        CLIENT_CALL_ID,
        SERVER_CALL_ID,
        Link::ethernet(),
    );
    g.enable_log();
    handshake(&mut s.trace, &mut c.tcp)?;
    s.send(&mut c, Side::Client, sccrq())?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, StartControlConnectionReply::default())?;
    s.send(&mut c, Side::Client, ocrq(CLIENT_CALL_ID, CALL_SERIAL))?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, ocrp(SERVER_CALL_ID, CLIENT_CALL_ID))?;
    let first_sli: ControlMessage = sli(SERVER_CALL_ID).into();
    let seg = c.tcp.prepare(Side::Client, tcp_flags::PSH, &first_sli.encode());
    let original = c.tcp.emit(&mut s.trace, &seg)?;
    s.record(original, &c, Side::Client, &first_sli, None);
    s.wait(ms(300));
    let retrans = c.tcp.emit(&mut s.trace, &seg)?;
    s.wait(RTT);
    c.tcp.ack(&mut s.trace, Side::Server)?;
    lcp_exchange(&mut s, &mut g)?;

    s.wait(secs(2));
    let echo: ControlMessage = EchoRequest { identifier: 1 }.into();
    let second_sli: ControlMessage = SetLinkInfo {
        peer_call_id: SERVER_CALL_ID,
        send_accm: 0,
        ..Default::default()
    }
    .into();
    let seg_a = c.tcp.prepare(Side::Client, tcp_flags::PSH, &echo.encode());
    let seg_b = c.tcp.prepare(Side::Client, tcp_flags::PSH, &second_sli.encode());
    let early = c.tcp.emit(&mut s.trace, &seg_b)?;
    s.wait(ms(1));
    let late = c.tcp.emit(&mut s.trace, &seg_a)?;
    s.record(late, &c, Side::Client, &echo, None);
    s.record(
        early,
        &c,
        Side::Client,
        &second_sli,
        Some("its segment arrived before the Echo-Request's (out of order)"),
    );
    s.wait(RTT);
    s.send(&mut c, Side::Server, echo_reply(1))?;
    s.wait(secs(5));
    teardown(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    s.gre_truth(Some(c.connection), &g);

    s.conclude(format!(
        "Frame {retrans} is a TCP retransmission of frame {original}: the SLI counts once \
         (two SLIs in total, not three)."
    ));
    s.conclude(format!(
        "Frames {early} and {late} arrive out of order: in stream order Echo-Request 1 \
         (frame {late}) comes before the second SLI (send ACCM 0, frame {early}). Each message \
         is at the frame that carried it, as Wireshark numbers it. Nothing is lost."
    ));
    s.conclude("Apart from that, a clean session: call connected and cleared, control connection closed in order, GRE without loss.");
    finish_pcap(s, "pptp-retrans-reorder.pcap")
}

/// `pptp-ipv6.pcap`: the clean session over IPv6, GRE included.
pub fn pptp_ipv6() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "The clean session over IPv6 transport: the control connection and the GRE \
         packets are carried in IPv6 (2001:db8::/32 addresses).",
    )?;
    s.truth.title = "Clean session over IPv6 (control connection and GRE)".to_string();
    clean_session(
        &mut s,
        &CleanSetup {
            client: client_v6(),
            server: server_v6(),
            ..CleanSetup::ethernet_v4()
        },
    )?;
    finish_pcap(s, "pptp-ipv6.pcap")
}

/// `pptp-vlan.pcap`: the clean session in VLAN 42, echo pair QinQ-tagged.
pub fn pptp_vlan() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "The clean session inside 802.1Q VLAN 42. The Echo-Request/Reply pair is \
         QinQ-tagged (outer 802.1ad S-tag VLAN 100, inner C-tag VLAN 42).",
    )?;
    s.truth.title = "Clean session in VLAN 42, one QinQ-tagged frame pair".to_string();
    let vlan = Link::Ethernet {
        vlan: vec![VlanTag::c_tag(42)],
        pad: true,
    };
    clean_session(
        &mut s,
        &CleanSetup {
            tcp_link: vlan.clone(),
            gre_link: vlan,
            echo_tags: Some(vec![VlanTag::s_tag(100), VlanTag::c_tag(42)]),
            ..CleanSetup::ethernet_v4()
        },
    )?;
    s.note("The VLAN tags must not split the session: the QinQ-tagged echo pair belongs to the same control connection.");
    finish_pcap(s, "pptp-vlan.pcap")
}

/// `pptp-sll2.pcap`: the clean session as captured on Linux "any".
pub fn pptp_sll2() -> Result<Scenario> {
    let header = PcapHeader {
        link_type: LinkType::LINUX_SLL2,
        ..PcapHeader::default()
    };
    let mut s = pcap_script(
        header,
        STEP,
        "LINUX_SLL2",
        "The clean session with Linux cooked-capture v2 (SLL2) headers, as `tcpdump -i \
         any` writes them on the client (interface index 2; client frames outgoing).",
    )?;
    s.truth.title = "Clean session, Linux cooked capture v2 (SLL2)".to_string();
    let link = Link::LinuxSll2 { ifindex: 2 };
    clean_session(
        &mut s,
        &CleanSetup {
            tcp_link: link.clone(),
            gre_link: link,
            ..CleanSetup::ethernet_v4()
        },
    )?;
    finish_pcap(s, "pptp-sll2.pcap")
}

/// `pptp-two-ifaces.pcapng`: control on Ethernet (µs), GRE on raw IP (ns).
pub fn pptp_two_ifaces() -> Result<Scenario> {
    let mut w = PcapngWriter::new(Vec::new(), ByteOrder::Little, Some("tunnelscope synth"))?;
    let eth = w.add_interface(&InterfaceDescription {
        name: Some("eth0".to_string()),
        ..InterfaceDescription::new(LinkType::ETHERNET)
    })?;
    let raw = w.add_interface(&InterfaceDescription {
        link_type: LinkType::RAW,
        snaplen: 262_144,
        tsresol: 9,
        name: Some("gre-tap".to_string()),
    })?;
    let comment = "Outgoing-Call-Reply: call connected";
    let mut s = Script::new(
        Trace::new(w, SCENARIO_START, Duration::from_nanos(150_037)),
        "The clean session in a pcapng file with two interfaces: the control connection \
         on interface 0 (Ethernet, microsecond timestamps) and the GRE packets on \
         interface 1 (raw IP, LINKTYPE_RAW, nanosecond timestamps). The OCRP frame \
         carries a packet comment.",
        "pcapng, little-endian; interface 0 \"eth0\" ETHERNET (1), if_tsresol 6; \
         interface 1 \"gre-tap\" RAW (101), if_tsresol 9",
    );
    s.truth.title = "pcapng: control on Ethernet (µs), GRE on raw IP (ns), a packet comment".to_string();
    clean_session(
        &mut s,
        &CleanSetup {
            gre_link: Link::Raw,
            tcp_interface: eth,
            gre_interface: raw,
            ocrp_comment: Some(comment),
            ..CleanSetup::ethernet_v4()
        },
    )?;
    let ocrp_frame = s
        .truth
        .messages
        .iter()
        .find(|m| m.control_type == 8)
        .map_or(0, |m| m.frame);
    s.conclude(format!(
        "Each interface keeps its own link type and timestamp resolution; the GRE on \
         interface 1 belongs to the call set up on interface 0. Frame {ocrp_frame} has \
         the comment \"{comment}\"."
    ));
    let (w, truth) = s.finish();
    Ok(Scenario {
        file_name: "pptp-two-ifaces.pcapng",
        bytes: w.into_inner()?,
        truth,
    })
}

/// `pptp-nanosecond.pcap`: the clean session with nanosecond timestamps.
pub fn pptp_nanosecond() -> Result<Scenario> {
    let header = PcapHeader {
        precision: TimestampPrecision::Nanosecond,
        ..PcapHeader::default()
    };
    let mut s = pcap_script(
        header,
        Duration::from_nanos(150_037),
        "ETHERNET",
        "The clean session in a nanosecond-resolution pcap (magic 0xA1B23C4D); \
         timestamps after the first have non-zero sub-microsecond digits.",
    )?;
    s.truth.title = "Clean session, nanosecond pcap".to_string();
    clean_session(&mut s, &CleanSetup::ethernet_v4())?;
    s.note("Frame 2 is at 09:00:00.020150037: a reader that takes the fraction as microseconds gets times 1000 times too far apart.");
    finish_pcap(s, "pptp-nanosecond.pcap")
}

/// `pptp-bigendian.pcap`: the clean session in a big-endian pcap.
pub fn pptp_bigendian() -> Result<Scenario> {
    let header = PcapHeader {
        byte_order: ByteOrder::Big,
        ..PcapHeader::default()
    };
    let mut s = pcap_script(
        header,
        STEP,
        "ETHERNET",
        "The clean session in a big-endian microsecond pcap (as written on SPARC or \
         PowerPC).",
    )?;
    s.truth.title = "Clean session, big-endian pcap".to_string();
    clean_session(&mut s, &CleanSetup::ethernet_v4())?;
    finish_pcap(s, "pptp-bigendian.pcap")
}

/// `pptp-port-8080.pcap`: the clean session on a non-standard port.
pub fn pptp_port_8080() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "The clean session with the server listening on TCP port 8080 instead of 1723: \
         PPTP must be recognised by its structure (magic cookie, lengths, SCCRQ first), \
         not by the port.",
    )?;
    s.truth.title = "Clean session on TCP port 8080".to_string();
    clean_session(
        &mut s,
        &CleanSetup {
            server_port: 8080,
            ..CleanSetup::ethernet_v4()
        },
    )?;
    s.note("tshark does not decode PPTP on port 8080 unless told to (`-d tcp.port==8080,pptp`).");
    finish_pcap(s, "pptp-port-8080.pcap")
}

/// `pptp-malformed.pcap`: broken messages in an otherwise valid stream.
pub fn pptp_malformed() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "An established session whose client then sends broken control messages, each in \
         its own segment: an Echo-Request with a bad magic cookie followed by valid \
         messages, an SLI with non-zero reserved fields, an unknown control type 16, an \
         Echo-Request whose Length (20) does not fit its type, and finally a header whose \
         Length is 8, less than the header itself.",
    )?;
    s.truth.title =
        "Bad magic cookie, non-zero reserved fields, unknown type 16, wrong and impossible lengths"
            .to_string();
    let tcp = tcp_pair(client_v4(), CLIENT_PORT, server_v4(), PPTP_PORT, Link::ethernet());
    let mut c = s.control(tcp);
    handshake(&mut s.trace, &mut c.tcp)?;
    s.send(&mut c, Side::Client, sccrq())?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, StartControlConnectionReply::default())?;
    s.send(&mut c, Side::Client, ocrq(CLIENT_CALL_ID, CALL_SERIAL))?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, ocrp(SERVER_CALL_ID, CLIENT_CALL_ID))?;
    s.wait(secs(1));

    let mut bad_cookie = EchoRequest { identifier: 1 }.to_raw();
    bad_cookie.magic_cookie = 0xDEAD_BEEF;
    let f_cookie = s.send_noted(
        &mut c,
        Side::Client,
        bad_cookie,
        Some("Echo-Request 1 with magic cookie 0xDEADBEEF"),
    )?;
    s.send(&mut c, Side::Client, sli(SERVER_CALL_ID))?;
    s.send(&mut c, Side::Client, EchoRequest { identifier: 2 })?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, echo_reply(2))?;
    s.wait(ms(500));
    let mut reserved = SetLinkInfo {
        peer_call_id: SERVER_CALL_ID,
        reserved1: 0xBEEF,
        send_accm: 0,
        ..Default::default()
    }
    .to_raw();
    reserved.reserved0 = 0x0001;
    let f_reserved = s.send_noted(
        &mut c,
        Side::Client,
        reserved,
        Some("Reserved0 = 0x0001, Reserved1 = 0xBEEF"),
    )?;
    let f_unknown = s.send_noted(
        &mut c,
        Side::Client,
        RawMessage::new(16, vec![0, 0, 0, 0]),
        Some("undefined control type 16, Length 16"),
    )?;
    let f_badlen = s.send_noted(
        &mut c,
        Side::Client,
        RawMessage::new(5, vec![0, 0, 0, 3, 0xAA, 0xAA, 0xAA, 0xAA]),
        Some("Echo-Request with Length 20 (must be 16); identifier 3"),
    )?;
    s.wait(RTT);
    c.tcp.ack(&mut s.trace, Side::Server)?;
    s.wait(ms(500));
    let mut impossible = EchoRequest { identifier: 4 }.to_raw();
    impossible.length = Some(8);
    impossible.body.clear();
    let f_impossible = s.send_noted(
        &mut c,
        Side::Client,
        impossible,
        Some("Length 8, shorter than the 12-byte header: the stream cannot be framed past this point"),
    )?;
    s.wait(RTT);
    c.tcp.ack(&mut s.trace, Side::Server)?;
    s.wait(secs(1));
    c.tcp.close(&mut s.trace, Side::Client, RTT)?;

    s.conclude("Control connection and call established (SCCRP result 1, OCRP result 1).");
    s.conclude(format!(
        "Frame {f_cookie}: magic cookie 0xDEADBEEF instead of 0x1A2B3C4D (Bad-Format). The \
         message's Length is intact, so framing continues and the SLI, Echo-Request 2 and \
         Echo-Reply 2 after it decode normally."
    ));
    s.conclude(format!(
        "Frame {f_reserved}: SLI with non-zero Reserved0 (0x0001) and Reserved1 (0xBEEF) \
         (Bad-Value); the message itself is readable."
    ));
    s.conclude(format!(
        "Frame {f_unknown}: control message type 16, which RFC 2637 does not define; kept \
         as an unknown message, not an error that stops decoding."
    ));
    s.conclude(format!(
        "Frame {f_badlen}: Echo-Request (type 5) with Length 20 where the type requires 16."
    ));
    s.conclude(format!(
        "Frame {f_impossible}: Length 8, which cannot hold even the 12-byte header. The \
         decoder must report it and stop reading this direction of the stream without \
         panicking or looping."
    ));
    s.conclude(
        "Nothing after the impossible length is read as PPTP; the TCP connection then closes normally.",
    );
    finish_pcap(s, "pptp-malformed.pcap")
}

/// `pptp-order-violations.pcap`: messages where the state machine does not
/// allow them.
pub fn pptp_order_violations() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "Well-formed messages in an order RFC 2637 does not allow: an OCRQ sent before the \
         SCCRP arrived, an OCRP that answers no request, an Echo-Reply that answers no \
         request, and an Echo-Request after the control connection was stopped.",
    )?;
    s.truth.title = "Messages out of protocol order".to_string();
    let tcp = tcp_pair(client_v4(), CLIENT_PORT, server_v4(), PPTP_PORT, Link::ethernet());
    let mut c = s.control(tcp);
    handshake(&mut s.trace, &mut c.tcp)?;
    s.send(&mut c, Side::Client, sccrq())?;
    let f_early = s.send_noted(
        &mut c,
        Side::Client,
        ocrq(CLIENT_CALL_ID, CALL_SERIAL),
        Some("before the SCCRP"),
    )?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, StartControlConnectionReply::default())?;
    s.send(&mut c, Side::Server, ocrp(SERVER_CALL_ID, CLIENT_CALL_ID))?;
    s.wait(secs(1));
    let f_orphan_ocrp = s.send_noted(
        &mut c,
        Side::Server,
        OutgoingCallReply {
            call_id: 258,
            peer_call_id: 999,
            ..Default::default()
        },
        Some("answers no OCRQ (peer Call ID 999)"),
    )?;
    s.wait(ms(200));
    let f_orphan_echo = s.send_noted(
        &mut c,
        Side::Server,
        echo_reply(0x77),
        Some("answers no Echo-Request (identifier 0x77)"),
    )?;
    s.wait(RTT);
    c.tcp.ack(&mut s.trace, Side::Client)?;
    s.wait(secs(2));
    s.send(&mut c, Side::Client, StopControlConnectionRequest::default())?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, StopControlConnectionReply::default())?;
    let f_after = s.send_noted(
        &mut c,
        Side::Client,
        EchoRequest { identifier: 5 },
        Some("after the Stop-Control-Connection exchange"),
    )?;
    s.wait(RTT);
    c.tcp.ack(&mut s.trace, Side::Server)?;
    s.wait(ms(100));
    c.tcp.close(&mut s.trace, Side::Client, RTT)?;

    s.conclude(format!(
        "Frame {f_early}: Outgoing-Call-Request before the control connection was \
         established (the SCCRP came later). The call it asked for (Call ID \
         {CLIENT_CALL_ID}) is then answered and connected (server Call ID {SERVER_CALL_ID})."
    ));
    s.conclude(format!(
        "Frame {f_orphan_ocrp}: Outgoing-Call-Reply for peer Call ID 999, which no request \
         used; it must not create or change a call."
    ));
    s.conclude(format!(
        "Frame {f_orphan_echo}: Echo-Reply 0x77 with no Echo-Request."
    ));
    s.conclude(format!(
        "Frame {f_after}: Echo-Request after Stop-Control-Connection-Request/Reply: the \
         control connection was already closed at the PPTP level."
    ));
    s.conclude("Each violation is reported once; all messages are still decoded and listed. No GRE.");
    finish_pcap(s, "pptp-order-violations.pcap")
}

/// `pptp-midsession.pcap`: a capture started after the call came up.
pub fn pptp_midsession() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "A capture started in the middle of a session: no SYN, no SCCRQ, no OCRQ. GRE is \
         already flowing (sequence numbers in the thousands); the first control message \
         is an SLI, later an Echo-Request/Reply pair from the server.",
    )?;
    s.truth.title = "Capture that starts mid-session (no SYN, no setup)".to_string();
    // The SYNs were long before the capture: data continues at ISN+1 on
    // each side.
    let tcp = TcpConversation::mid_stream(
        TcpEndpoint {
            host: client_v4(),
            port: CLIENT_PORT,
            isn: CLIENT_ISN.wrapping_add(372),
            window: CLIENT_WINDOW,
        },
        TcpEndpoint {
            host: server_v4(),
            port: PPTP_PORT,
            isn: SERVER_ISN.wrapping_add(188),
            window: SERVER_WINDOW,
        },
        Link::ethernet(),
    );
    let mut c = s.control(tcp);
    let mut g = GreCall::new(
        client_v4(),
        server_v4(),
        CLIENT_CALL_ID,
        SERVER_CALL_ID,
        Link::ethernet(),
    );
    g.set_next_seq(Side::Client, 4_711);
    g.set_next_seq(Side::Server, 2_300);
    g.set_received(Side::Client, 2_299);
    g.set_received(Side::Server, 4_710);
    g.enable_log();

    lcp_echo(&mut s, &mut g, 0x41)?;
    s.wait(ms(400));
    s.send_noted(
        &mut c,
        Side::Client,
        SetLinkInfo {
            peer_call_id: SERVER_CALL_ID,
            send_accm: 0,
            ..Default::default()
        },
        Some("first control message in the capture"),
    )?;
    s.wait(RTT);
    c.tcp.ack(&mut s.trace, Side::Server)?;
    lcp_echo(&mut s, &mut g, 0x42)?;
    s.wait(secs(3));
    s.send(&mut c, Side::Server, EchoRequest { identifier: 0x2A })?;
    s.wait(RTT);
    s.send(&mut c, Side::Client, echo_reply(0x2A))?;
    s.wait(ms(300));
    lcp_echo(&mut s, &mut g, 0x43)?;
    g.send_ack(&mut s.trace, Side::Client)?;
    s.gre_truth(Some(c.connection), &g);

    s.conclude(
        "A control connection picked up mid-stream (198.51.100.23:49712 → 203.0.113.5:1723): \
         its start (SCCRQ/SCCRP) is not in the capture, so its establishment is unknown, not \
         failed.",
    );
    s.conclude(format!(
        "The call is known only from the SLI (peer Call ID {SERVER_CALL_ID}) and the GRE Key \
         Call IDs ({SERVER_CALL_ID} client → server, {CLIENT_CALL_ID} server → client); its \
         OCRQ/OCRP are not in the capture."
    ));
    s.conclude(
        "GRE sequence numbers start mid-range (client → server 4711, server → client 2300): \
         the first number seen is the base; nothing before it counts as lost. No loss.",
    );
    s.conclude("The server's Echo-Request 0x2A is answered. The session is still up when the capture ends: no teardown.");
    finish_pcap(s, "pptp-midsession.pcap")
}

/// `pptp-incoming-call.pcap`: ICRQ/ICRP/ICCN, WEN and a full-width CDN.
pub fn pptp_incoming_call() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "An incoming call: after SCCRQ/SCCRP the server (PAC) announces a call with ICRQ, \
         the client (PNS) accepts with ICRP and the server confirms with ICCN; GRE flows; \
         the server reports line errors with WAN-Error-Notify and later drops the call with \
         a Call-Disconnect-Notify whose 128-byte Call Statistics field is completely filled \
         (no NUL). Then the client stops the control connection.",
    )?;
    s.truth.title =
        "Incoming call (ICRQ/ICRP/ICCN), WAN-Error-Notify, CDN with 128-byte statistics".to_string();
    let tcp = tcp_pair(client_v4(), CLIENT_PORT, server_v4(), PPTP_PORT, Link::ethernet());
    let mut c = s.control(tcp);
    let mut g = GreCall::new(
        client_v4(),
        server_v4(),
        CLIENT_CALL_ID,
        SERVER_CALL_ID,
        Link::ethernet(),
    );
    g.enable_log();
    handshake(&mut s.trace, &mut c.tcp)?;
    s.send(&mut c, Side::Client, sccrq())?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, StartControlConnectionReply::default())?;
    s.wait(secs(1));
    s.send(
        &mut c,
        Side::Server,
        IncomingCallRequest {
            call_id: SERVER_CALL_ID,
            call_serial_number: 9,
            call_bearer_type: 1,
            physical_channel_id: 1,
            dialed_number: b"5550100".to_vec(),
            dialing_number: b"5550199".to_vec(),
            ..Default::default()
        },
    )?;
    s.wait(RTT);
    s.send(
        &mut c,
        Side::Client,
        IncomingCallReply {
            call_id: CLIENT_CALL_ID,
            peer_call_id: SERVER_CALL_ID,
            ..Default::default()
        },
    )?;
    s.wait(RTT);
    s.send(
        &mut c,
        Side::Server,
        IncomingCallConnected {
            peer_call_id: CLIENT_CALL_ID,
            connect_speed: 64_000,
            ..Default::default()
        },
    )?;
    s.send(&mut c, Side::Client, sli(SERVER_CALL_ID))?;
    s.wait(RTT);
    c.tcp.ack(&mut s.trace, Side::Server)?;
    lcp_exchange(&mut s, &mut g)?;
    s.wait(secs(20));
    s.send(
        &mut c,
        Side::Server,
        WanErrorNotify {
            peer_call_id: CLIENT_CALL_ID,
            crc_errors: 3,
            framing_errors: 1,
            timeout_errors: 2,
            ..Default::default()
        },
    )?;
    s.wait(RTT);
    c.tcp.ack(&mut s.trace, Side::Client)?;
    s.wait(secs(5));
    let stats = call_statistics();
    s.send_noted(
        &mut c,
        Side::Server,
        CallDisconnectNotify {
            call_id: SERVER_CALL_ID,
            result_code: 1,
            call_statistics: stats.clone(),
            ..Default::default()
        },
        Some("result 1 Lost Carrier; Call Statistics fills all 128 bytes"),
    )?;
    s.wait(RTT);
    s.send(&mut c, Side::Client, StopControlConnectionRequest::default())?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, StopControlConnectionReply::default())?;
    c.tcp.close(&mut s.trace, Side::Client, RTT)?;
    s.gre_truth(Some(c.connection), &g);

    s.conclude("Control connection established and closed in order.");
    s.conclude(format!(
        "One incoming call: ICRQ from the server (Call ID {SERVER_CALL_ID}, serial 9, dialed \
         5550100, dialing 5550199), ICRP from the client (Call ID {CLIENT_CALL_ID}, peer \
         {SERVER_CALL_ID}, result 1 Connect), ICCN from the server (peer {CLIENT_CALL_ID}, \
         64000 bit/s): connected."
    ));
    s.conclude(format!(
        "WAN-Error-Notify for peer Call ID {CLIENT_CALL_ID}: CRC errors 3, framing errors 1, \
         hardware overruns 0, buffer overruns 0, time-out errors 2, alignment errors 0."
    ));
    s.conclude(format!(
        "The server dropped the call: CDN Call ID {SERVER_CALL_ID}, result 1 (Lost Carrier). \
         Its Call Statistics are the full 128 bytes: \"{}\".",
        String::from_utf8_lossy(&stats)
    ));
    s.conclude(format!(
        "GRE client → server Key {SERVER_CALL_ID}, server → client Key {CLIENT_CALL_ID}, tied \
         to the incoming call. No loss."
    ));
    s.note("Wireshark shows only the first 64 bytes of the Call Statistics field.");
    finish_pcap(s, "pptp-incoming-call.pcap")
}

/// Call Statistics text of exactly 128 bytes, no NUL.
fn call_statistics() -> Vec<u8> {
    let head = "carrier lost after 25 s; rx 3 frames 24 bytes, tx 3 frames 24 bytes; \
                errors crc 3 framing 1 timeout 2;";
    let tail = "END-OF-128";
    let mut text = head.as_bytes().to_vec();
    while text.len() + tail.len() < 128 {
        text.push(b'.');
    }
    text.extend_from_slice(tail.as_bytes());
    text.truncate(128);
    text
}

/// `http-port-1723.pcap`: HTTP on the PPTP port (a negative).
pub fn http_port_1723() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "A negative: an ordinary HTTP/1.1 request and response on TCP port 1723. Nothing \
         here is PPTP.",
    )?;
    s.truth.title = "Negative: HTTP on TCP port 1723".to_string();
    let mut tcp = tcp_pair(client_v4(), CLIENT_PORT, server_v4(), PPTP_PORT, Link::ethernet());
    handshake(&mut s.trace, &mut tcp)?;
    tcp.send(
        &mut s.trace,
        Side::Client,
        b"GET / HTTP/1.1\r\nHost: 203.0.113.5:1723\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n",
    )?;
    s.wait(RTT);
    tcp.ack(&mut s.trace, Side::Server)?;
    s.wait(ms(2));
    tcp.send(
        &mut s.trace,
        Side::Server,
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\nHello, world\n",
    )?;
    tcp.ack(&mut s.trace, Side::Client)?;
    s.wait(ms(1));
    tcp.close(&mut s.trace, Side::Server, RTT)?;

    s.conclude(
        "No PPTP control connection and no PPTP messages: the bytes on port 1723 do not have \
         PPTP structure (the first request's would-be Length is 0x4745 = 18245, its message \
         type 0x5420 is not 1, and its magic cookie \"/ HT\" is not 0x1A2B3C4D).",
    );
    s.conclude("A note that TCP 1723 carried non-PPTP traffic is welcome; a PPTP session is wrong.");
    finish_pcap(s, "http-port-1723.pcap")
}

/// Every scenario, in the order `captures/README.md` lists them.
pub fn all() -> Result<Vec<Scenario>> {
    let mut all = vec![
        pptp_clean()?,
        pptp_clean_gz()?,
        pptp_call_rejected()?,
        pptp_no_sccrp()?,
        pptp_echo_unanswered()?,
        pptp_rst_midcall()?,
        pptp_two_clients()?,
        pptp_segmentation()?,
        pptp_retrans_reorder()?,
        pptp_ipv6()?,
        pptp_vlan()?,
        pptp_sll2()?,
        pptp_two_ifaces()?,
        pptp_nanosecond()?,
        pptp_bigendian()?,
        pptp_malformed()?,
        pptp_order_violations()?,
        pptp_midsession()?,
        pptp_port_8080()?,
        pptp_incoming_call()?,
        http_port_1723()?,
        gre_loss()?,
        gre_dup_reorder()?,
        gre_wrap()?,
        gre_ack_only()?,
        gre_two_calls_swapped()?,
        gre_orphan()?,
        gre_doubled()?,
        gre_blocked()?,
        gre_one_way()?,
        gre_call_ids_reused()?,
        gre_before_after()?,
        gre_window()?,
        gre_nat()?,
        sstp_clean_sha256()?,
        sstp_clean_sha1()?,
        sstp_pap_zero_hlak()?,
        sstp_cert_mismatch()?,
        sstp_nonce_mismatch()?,
        sstp_bad_mac()?,
        sstp_404()?,
        sstp_nak()?,
        sstp_echo()?,
        http_not_sstp()?,
        sstp_tls12()?,
        sstp_tls13()?,
        tls_alert_untrusted()?,
        tls_closed_no_sstp()?,
        sstp_pool_two_certs()?,
    ];
    all.extend(ppp_paths()?.into_iter().map(|p| p.scenario));
    Ok(all)
}

/// Files written next to the captures that are not captures: the PEM of
/// the certificate the SSTP servers present (`sstp-test-cert.pem`, for
/// `--cert`), of the second test certificate (`sstp-test-cert-2.pem`) and
/// of the recorded TLS captures' server certificate
/// (`sstp-tls-server.pem`; its key, `sstp-tls-server.key.pem`, is not
/// generated: it was made with the certificate and committed).
pub fn extra_files() -> Vec<(&'static str, Vec<u8>)> {
    use super::certs::{pem_certificate, OTHER_CERT_DER, TLS_SERVER_CERT_DER, VPN_CERT_DER};
    vec![
        ("sstp-test-cert.pem", pem_certificate(VPN_CERT_DER).into_bytes()),
        (
            "sstp-test-cert-2.pem",
            pem_certificate(OTHER_CERT_DER).into_bytes(),
        ),
        (
            "sstp-tls-server.pem",
            pem_certificate(TLS_SERVER_CERT_DER).into_bytes(),
        ),
    ]
}

/// The text of `captures/README.md` for these scenarios.
pub fn readme(scenarios: &[Scenario]) -> String {
    let mut s = String::from(
        "# Generated test captures\n\n\
         Made by `cargo run --example gen_captures` from the scenarios in \
         `src/synth/scenarios.rs`; do not edit by hand. Regenerating gives the same bytes \
         (a test compares them). Every packet is encoded by hand from the specifications, \
         independently of tunnelscope's decoders, so these files are ground truth for them.\n\n\
         Conventions:\n\n\
         - Clocks start at 2026-01-15T09:00:00Z. Addresses are from the documentation \
         ranges: client 198.51.100.23 (second client 192.0.2.77), server 203.0.113.5, \
         IPv6 2001:db8:1::23 and 2001:db8:2::5; MACs 00:00:5E:00:53:xx.\n\
         - The client is the PNS, the server the PAC. Unless stated otherwise the client's \
         Call ID is 12345 and the server's 257, so GRE client → server carries Key Call ID \
         257 and server → client 12345.\n\
         - Frame numbers count from 1, as in Wireshark. A message's frame is the frame that \
         carried its last byte (Wireshark's frame for a message split over segments).\n\
         - GRE rows read `frame: seq S ack A`; `–` means the field is absent (an ack-only \
         packet has no sequence number).\n\
         - `copy of N` in a GRE row marks a second capture of frame N's datagram (same IP \
         Identification and bytes).\n\
         - A flow's `counts` line is what a sequence analysis of it must find, as defined by \
         `GreStatsTruth` in `src/synth/truth.rs`: capture copies count only as capture \
         duplicates; lost numbers lie between the first and the highest number captured; \
         \"max ack sent\" is what the flow's sender acknowledged of the reverse flow, the \
         acks, latency and window figures after it are what the reverse flow's acks say \
         about this flow.\n\
         - SSTP and TLS captures (the `sstp-*`, `tls-*` and `http-not-sstp` files) use the same \
         addresses; the client's port is 50123 and the second server of a pool is 203.0.113.6. A \
         packet, HTTP head or TLS record belongs to the frame carrying its last byte. The SSTP \
         servers' certificate is `sstp-test-cert.pem` (pass it with `--cert`); \
         `sstp-test-cert-2.pem` is a second certificate for the same name. Where PPP \
         authenticates, the credentials line gives the `--credentials` argument.\n\
         - In clear-text SSTP captures every PPP frame of an SSTP data packet is listed; in TLS \
         captures record contents are pseudo-random bytes, and \"encrypted:\" says what the record \
         stands for.\n\
         - The exceptions are the six captures of [Recorded TLS captures](#recorded-tls-captures) \
         at the end: real TLS (rustls, openssl) carrying a real SSTP session, each with its key \
         log, recorded once and not regenerated.\n\n",
    );
    s.push_str("| File | Frames | What it shows |\n|---|---|---|\n");
    for sc in scenarios {
        s.push_str(&format!(
            "| [`{}`](#{}) | {} | {} |\n",
            sc.file_name,
            anchor(sc.file_name),
            sc.truth.frames,
            sc.truth.title
        ));
    }
    s.push('\n');
    for sc in scenarios {
        s.push_str(&sc.truth.to_markdown(sc.file_name));
    }
    s.push_str(&super::recordings::readme_section());
    s
}

/// The GitHub heading anchor of "## `file`".
pub(super) fn anchor(file_name: &str) -> String {
    file_name
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::pptp::control_type;
    use std::path::Path;

    /// frame, sequence, acknowledgment
    type GreRow = (u64, Option<u32>, Option<u32>);

    fn types(sc: &Scenario) -> Vec<(u64, Side, u16)> {
        sc.truth
            .messages
            .iter()
            .map(|m| (m.frame, m.from, m.control_type))
            .collect()
    }

    #[test]
    fn scenarios_are_deterministic_and_named_uniquely() {
        let a = all().unwrap();
        let b = all().unwrap();
        assert_eq!(a.len(), 65);
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.file_name, y.file_name);
            assert_eq!(x.bytes, y.bytes, "{}", x.file_name);
            assert_eq!(x.truth, y.truth, "{}", x.file_name);
        }
        let mut names: Vec<&str> = a.iter().map(|s| s.file_name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 65);
        let total: usize = a.iter().map(|s| s.bytes.len()).sum();
        assert!(total < 3 << 20, "captures total {total} bytes");
    }

    #[test]
    fn clean_session_ground_truth() {
        use Side::{Client as C, Server as S};
        let sc = pptp_clean().unwrap();
        assert_eq!(sc.truth.frames, 23);
        assert_eq!(
            types(&sc),
            [
                (4, C, control_type::START_CONTROL_CONNECTION_REQUEST),
                (5, S, control_type::START_CONTROL_CONNECTION_REPLY),
                (6, C, control_type::OUTGOING_CALL_REQUEST),
                (7, S, control_type::OUTGOING_CALL_REPLY),
                (8, C, control_type::SET_LINK_INFO),
                (15, C, control_type::ECHO_REQUEST),
                (16, S, control_type::ECHO_REPLY),
                (17, C, control_type::CALL_CLEAR_REQUEST),
                (18, S, control_type::CALL_DISCONNECT_NOTIFY),
                (19, C, control_type::STOP_CONTROL_CONNECTION_REQUEST),
                (20, S, control_type::STOP_CONTROL_CONNECTION_REPLY),
            ]
        );
        let gre: Vec<(Side, u16, Vec<GreRow>)> = sc
            .truth
            .gre
            .iter()
            .map(|g| {
                (
                    g.from,
                    g.call_id,
                    g.packets
                        .iter()
                        .map(|p| (p.frame, p.sequence, p.acknowledgment))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            gre,
            [
                (C, 257, vec![(10, Some(0), None), (13, Some(1), Some(1))]),
                (
                    S,
                    12345,
                    vec![
                        (11, Some(0), Some(0)),
                        (12, Some(1), Some(0)),
                        (14, None, Some(1))
                    ]
                ),
            ]
        );
        // Global header, then frame 1 (SYN) at 09:00:00.000000, 60 bytes
        // on the wire (54 + padding).
        assert_eq!(
            sc.bytes.get(24..40).unwrap(),
            &[0x90, 0xAC, 0x68, 0x69, 0, 0, 0, 0, 60, 0, 0, 0, 60, 0, 0, 0]
        );
    }

    #[test]
    fn split_and_joined_messages_are_recorded_where_they_complete() {
        use Side::{Client as C, Server as S};
        let sc = pptp_segmentation().unwrap();
        assert_eq!(
            types(&sc),
            [
                (4, C, 1),
                (5, S, 2),
                (8, C, 7),
                (9, S, 8),
                (10, S, 5),
                (11, C, 15),
                (11, C, 5),
                (11, C, 6),
                (12, S, 6),
                (18, C, 5),
                (19, C, 12),
                (20, S, 6),
                (20, S, 13),
                (21, C, 3),
                (22, S, 4),
            ]
        );
    }

    #[test]
    fn retransmission_and_reordering_frames() {
        let sc = pptp_retrans_reorder().unwrap();
        let t = types(&sc);
        assert_eq!(
            t,
            [
                (4, Side::Client, 1),
                (5, Side::Server, 2),
                (6, Side::Client, 7),
                (7, Side::Server, 8),
                (8, Side::Client, 15),
                (17, Side::Client, 5),
                (16, Side::Client, 15),
                (18, Side::Server, 6),
                (19, Side::Client, 12),
                (20, Side::Server, 13),
                (21, Side::Client, 3),
                (22, Side::Server, 4),
            ]
        );
    }

    #[test]
    fn cdn_statistics_are_exactly_128_bytes() {
        let stats = call_statistics();
        assert_eq!(stats.len(), 128);
        assert!(!stats.contains(&0));
        assert!(stats.ends_with(b"END-OF-128"));
    }

    /// Every frame of a capture as (link type, captured bytes), read with
    /// pcap-parser (gzip undone first).
    fn read_frames(bytes: &[u8]) -> Vec<(i32, Vec<u8>)> {
        use pcap_parser::{Block, PcapBlockOwned, PcapError};
        use std::io::Read;
        let mut data = Vec::new();
        if bytes.starts_with(&[0x1F, 0x8B]) {
            flate2::read::GzDecoder::new(bytes)
                .read_to_end(&mut data)
                .unwrap();
        } else {
            data = bytes.to_vec();
        }
        let mut reader = pcap_parser::create_reader(1 << 16, &data[..]).unwrap();
        let mut links = Vec::new();
        let mut frames = Vec::new();
        loop {
            match reader.next() {
                Ok((offset, block)) => {
                    match block {
                        PcapBlockOwned::LegacyHeader(h) => links = vec![h.network.0],
                        PcapBlockOwned::Legacy(b) => {
                            frames.push((links[0], b.data[..b.caplen as usize].to_vec()))
                        }
                        PcapBlockOwned::NG(Block::InterfaceDescription(i)) => links.push(i.linktype.0),
                        PcapBlockOwned::NG(Block::EnhancedPacket(e)) => {
                            frames.push((links[e.if_id as usize], e.data[..e.caplen as usize].to_vec()))
                        }
                        _ => {}
                    }
                    reader.consume(offset);
                }
                Err(PcapError::Eof) => break,
                Err(PcapError::Incomplete(_)) => reader.refill().unwrap(),
                Err(e) => panic!("{e:?}"),
            }
        }
        frames
    }

    fn slice(link: i32, data: &[u8]) -> etherparse::SlicedPacket<'_> {
        match link {
            1 => etherparse::SlicedPacket::from_ethernet(data).unwrap(),
            101 => etherparse::SlicedPacket::from_ip(data).unwrap(),
            // SLL2: 20-byte header, then the datagram.
            276 => etherparse::SlicedPacket::from_ip(&data[20..]).unwrap(),
            other => panic!("link type {other}"),
        }
    }

    /// Reads every generated capture back with third-party parsers and
    /// checks the ground truth against it: frame count, the sender and
    /// TCP payload of every PPTP message frame, and the addresses and GRE
    /// header of every GRE frame.
    #[test]
    fn ground_truth_matches_the_bytes() {
        for sc in all().unwrap() {
            let name = sc.file_name;
            let frames = read_frames(&sc.bytes);
            assert_eq!(frames.len() as u64, sc.truth.frames, "{name}");
            for m in &sc.truth.messages {
                let (link, data) = &frames[(m.frame - 1) as usize];
                let p = slice(*link, data);
                let conn = &sc.truth.connections[m.connection];
                let sender = match m.from {
                    Side::Client => conn.client,
                    Side::Server => conn.server,
                };
                let ip = match p.net.as_ref().unwrap() {
                    etherparse::NetSlice::Ipv4(v4) => IpAddr::from(v4.header().source_addr()),
                    etherparse::NetSlice::Ipv6(v6) => IpAddr::from(v6.header().source_addr()),
                    _ => panic!("{name} frame {}: not IP", m.frame),
                };
                let tcp = match p.transport.as_ref().unwrap() {
                    etherparse::TransportSlice::Tcp(t) => t,
                    _ => panic!("{name} frame {}: not TCP", m.frame),
                };
                assert_eq!(
                    SocketAddr::new(ip, tcp.source_port()),
                    sender,
                    "{name} frame {}",
                    m.frame
                );
                assert!(!tcp.payload().is_empty(), "{name} frame {}", m.frame);
            }
            for flow in &sc.truth.gre {
                for g in &flow.packets {
                    let (link, data) = &frames[(g.frame - 1) as usize];
                    let p = slice(*link, data);
                    let (src, dst, payload) = match p.net.as_ref().unwrap() {
                        etherparse::NetSlice::Ipv4(v4) => (
                            IpAddr::from(v4.header().source_addr()),
                            IpAddr::from(v4.header().destination_addr()),
                            v4.payload(),
                        ),
                        etherparse::NetSlice::Ipv6(v6) => (
                            IpAddr::from(v6.header().source_addr()),
                            IpAddr::from(v6.header().destination_addr()),
                            v6.payload(),
                        ),
                        _ => panic!("{name} frame {}: not IP", g.frame),
                    };
                    assert_eq!((src, dst), (flow.src, flow.dst), "{name} frame {}", g.frame);
                    assert_eq!(payload.ip_number, etherparse::IpNumber::GRE);
                    let gre = payload.payload;
                    let word = |at: usize| u32::from_be_bytes(gre[at..at + 4].try_into().unwrap());
                    assert_eq!(gre[1] & 0x07, 1, "version 1");
                    assert_eq!(u16::from_be_bytes([gre[2], gre[3]]), 0x880B);
                    assert_eq!(u16::from_be_bytes([gre[6], gre[7]]), flow.call_id);
                    assert_eq!(u16::from_be_bytes([gre[4], gre[5]]) as usize, g.payload_len);
                    let mut at = 8;
                    let seq = (gre[0] & 0x10 != 0).then(|| {
                        at += 4;
                        word(at - 4)
                    });
                    let ack = (gre[1] & 0x80 != 0).then(|| word(at));
                    assert_eq!(
                        (seq, ack),
                        (g.sequence, g.acknowledgment),
                        "{name} frame {}",
                        g.frame
                    );
                }
            }
        }
    }

    /// Regenerates every capture and the README and compares them with the
    /// committed files in `captures/`.
    #[test]
    fn committed_captures_match_the_generator() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
        let scenarios = all().unwrap();
        for sc in &scenarios {
            let path = dir.join(sc.file_name);
            let on_disk = std::fs::read(&path).unwrap_or_else(|e| {
                panic!("{}: {e} (run `cargo run --example gen_captures`)", path.display())
            });
            assert!(
                on_disk == sc.bytes,
                "{} differs from the generator's output; regenerate with `cargo run --example gen_captures`",
                sc.file_name
            );
        }
        for (name, bytes) in extra_files() {
            let on_disk = std::fs::read(dir.join(name)).unwrap_or_default();
            assert!(on_disk == bytes, "{name} differs from the generator's output");
        }
        let readme_on_disk = std::fs::read_to_string(dir.join("README.md")).unwrap();
        assert_eq!(readme_on_disk, readme(&scenarios));
    }
}
