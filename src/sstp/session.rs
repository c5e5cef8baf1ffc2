//! One SSTP connection rebuilt from its TCP byte streams ([MS-SSTP] §3;
//! protocols.md §4.1 and the state machine of §4.8).
//!
//! [`SstpTracker`] is fed the two in-order byte streams of one TCP
//! connection, its gaps, FINs and RST. Over TLS the bytes go through a
//! [`TlsConnection`], which yields the handshake facts and, once a
//! decryptor is set, the application data; without TLS (an offloader in
//! front of the server) the bytes are application data already. Both
//! paths then run the same way: the HTTP request and response
//! ([`super::http`]), then SSTP packets per direction ([`super::stream`],
//! [`super::wire`]), data packets handing their PPP frame to a
//! [`PppLink`].
//!
//! The tracker records facts with frame numbers: the state the call
//! reached, every control message, echoes with round-trip times, how the
//! connection ended, data counts. [`SstpTracker::finish`] checks the crypto
//! binding ([`super::binding`]) and, when only the encrypted shape of the
//! connection is visible, says why it is likely SSTP. It writes no
//! findings; [`crate::analysis`] does.

use std::collections::VecDeque;
use std::net::SocketAddr;

use serde::Serialize;

use super::binding::{self, BindingEvidence, BindingSeen, CryptoBindingReport, LeafSeen, RequestSeen};
use super::http::{
    classify_request_start, uri_difference, HeadProgress, HttpError, Problem, RequestParser, RequestStart,
    ResponseParser, SstpRequest, SstpResponse,
};
use super::stream::{looks_like_sstp_packet, SstpStream, StreamItem};
use super::wire::{
    Anomaly, AttributeValue, ControlMessage, CryptoBinding, CryptoBindingRequest, Header, MessageType,
    PacketBody, SstpPacket, StatusInfo,
};
use crate::capture::Timestamp;
use crate::crypto::sstp::CALL_CONNECTED_LEN;
use crate::ppp::negotiation::{PppLink, PppReport};
use crate::tls::codes::HandshakeType;
use crate::tls::connection::{Decryptor, KeyMaterial, TlsConnection, TlsFacts};
use crate::tls::record::looks_like_tls;

pub use super::binding::BindingContext;
pub use crate::pptp::session::{At, Direction, Endpoint};

/// Control messages listed per session (counts stay exact).
pub const MAX_MESSAGES: usize = 1000;
/// Echo exchanges listed per session (counts stay exact).
pub const MAX_ECHOES_LISTED: usize = 100;
/// Echo Requests waiting for a response; beyond this the oldest is written
/// off as unanswered.
pub const MAX_PENDING_ECHOES: usize = 64;
/// Deviations and stream problems listed per session (counts stay exact).
pub const MAX_PROBLEMS: usize = 100;
/// Status Info attributes kept per message.
const MAX_STATUSES: usize = 16;

/// An encrypted connection looks like SSTP when, besides port 443 or an
/// SNI, its application data runs both ways for at least this long…
pub const LIKELY_MIN_SECS: f64 = 5.0;
/// …in at least this many records…
pub const LIKELY_MIN_RECORDS: u64 = 20;
/// Or records this small on average (bytes): far below the 16 KiB records
/// of a transfer.
pub const LIKELY_MAX_MEAN_LEN: f64 = 1024.0;
/// …of which at least this share are small (PPP negotiation, keepalives
/// and interactive traffic rather than HTTP transfers).
pub const LIKELY_MIN_SMALL_FRACTION: f64 = 0.6;
/// Capture times before 2000-01-01 are taken as a wrong clock (captures
/// whose timestamps start at the epoch exist), not compared with
/// certificate validity.
pub const PLAUSIBLE_CAPTURE_TIME: f64 = 946_684_800.0;

/// How the connection carries SSTP's HTTP exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// HTTPS, as [MS-SSTP] §4.1 prescribes (TCP 443).
    Tls,
    /// HTTP in the clear: the server side of a TLS offloader, or a test.
    Plaintext,
}

/// What a connection's first client bytes say it may be: TLS (a
/// ClientHello, [`looks_like_tls`]), or HTTP in the clear (SSTP's
/// `SSTP_DUPLEX_POST` or any other request line,
/// [`classify_request_start`]). `None` for anything else, and for a prefix
/// too short to tell.
pub fn classify(first_client_bytes: &[u8]) -> Option<Transport> {
    if looks_like_tls(first_client_bytes) {
        return Some(Transport::Tls);
    }
    match classify_request_start(first_client_bytes) {
        RequestStart::Sstp | RequestStart::Http { .. } => Some(Transport::Plaintext),
        RequestStart::Undecided | RequestStart::Other => None,
    }
}

/// How sure the report is that the connection is SSTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Certainty {
    /// SSTP seen in the clear: the `SSTP_DUPLEX_POST` request or SSTP
    /// packets.
    Confirmed,
    /// Only the encrypted shape is visible, and it fits SSTP
    /// (`likely_reasons`).
    Likely,
    /// Nothing says SSTP (the pipeline drops such connections).
    Unlikely,
}

/// How far the call got ([MS-SSTP] §3.2.1 client states, seen from the
/// wire), or how it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SstpState {
    /// No SSTP seen (TCP or TLS only).
    None,
    /// The HTTP request was sent; no response seen.
    HttpRequestSent,
    /// The server answered with a status other than 200.
    HttpRefused,
    /// HTTP 200: the SSTP channel is open.
    HttpAccepted,
    /// Call Connect Request sent (Client_Connect_Request_Sent).
    CallConnectRequested,
    /// The server answered Call Connect Nak.
    CallConnectNaked,
    /// Call Connect Ack received: PPP runs (Client_Connect_Ack_Received).
    CallConnectAcked,
    /// Call Connected sent with the crypto binding (Client_Call_Connected).
    CallConnected,
    /// A Call Abort was exchanged.
    Aborted,
    /// A Call Disconnect was exchanged.
    Disconnected,
}

impl SstpState {
    /// Order along the set-up path.
    fn rank(self) -> u8 {
        match self {
            SstpState::None => 0,
            SstpState::HttpRequestSent => 1,
            SstpState::HttpRefused | SstpState::HttpAccepted => 2,
            SstpState::CallConnectRequested => 3,
            SstpState::CallConnectNaked | SstpState::CallConnectAcked => 4,
            SstpState::CallConnected => 5,
            SstpState::Aborted | SstpState::Disconnected => 6,
        }
    }

    /// Plain words for tables and ladders.
    pub fn words(self) -> &'static str {
        match self {
            SstpState::None => "no SSTP seen",
            SstpState::HttpRequestSent => "HTTP request sent",
            SstpState::HttpRefused => "HTTP refused",
            SstpState::HttpAccepted => "HTTP 200",
            SstpState::CallConnectRequested => "call connect requested",
            SstpState::CallConnectNaked => "call connect refused (Nak)",
            SstpState::CallConnectAcked => "call connect acked",
            SstpState::CallConnected => "connected",
            SstpState::Aborted => "aborted",
            SstpState::Disconnected => "disconnected",
        }
    }
}

/// How the connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// Call Disconnect (and usually its Ack) before TCP closed.
    CallDisconnect,
    /// Call Abort before TCP closed.
    CallAbort,
    /// TCP FIN without an SSTP teardown first.
    TcpFin,
    /// TCP RST without an SSTP teardown first.
    TcpRst,
    /// The capture ended with the connection open.
    OpenAtCaptureEnd,
}

impl EndReason {
    /// Plain words.
    pub fn words(self) -> &'static str {
        match self {
            EndReason::CallDisconnect => "Call Disconnect",
            EndReason::CallAbort => "Call Abort",
            EndReason::TcpFin => "TCP FIN",
            EndReason::TcpRst => "TCP RST",
            EndReason::OpenAtCaptureEnd => "open at capture end",
        }
    }
}

/// The HTTP exchange that opens the connection ([MS-SSTP] §4.1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HttpReport {
    pub method: String,
    pub uri: String,
    /// The URI is SSTP's (GUID compared without case).
    pub uri_ok: bool,
    /// What differs from SSTP's URI, in words.
    pub uri_difference: Option<String>,
    /// The method is exactly `SSTP_DUPLEX_POST`.
    pub method_ok: bool,
    pub host: Option<String>,
    /// The response status code; null without a response.
    pub status: Option<u16>,
    /// What the status means for SSTP.
    pub status_meaning: Option<&'static str>,
    /// Frame completing the request head, and its first frame.
    pub request_frame: u64,
    pub request_first_frame: u64,
    pub request_time: f64,
    pub response_frame: Option<u64>,
    pub response_time: Option<f64>,
    /// The request in full (headers, checks, problems).
    pub request: SstpRequest,
    /// The response in full.
    pub response: Option<SstpResponse>,
}

/// A Status Info attribute ([MS-SSTP] §2.2, protocols.md §4.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusRecord {
    /// The attribute the status is about.
    pub attrib_id: u8,
    pub attrib: Option<&'static str>,
    pub status_code: u32,
    pub status: Option<&'static str>,
    /// The offending value, hex.
    pub attrib_value: String,
}

impl From<&StatusInfo> for StatusRecord {
    fn from(s: &StatusInfo) -> Self {
        StatusRecord {
            attrib_id: s.attrib_id.0,
            attrib: s.attrib_id.name(),
            status_code: s.status.0,
            status: s.status.name(),
            attrib_value: super::wire::hex(&s.attrib_value),
        }
    }
}

impl StatusRecord {
    /// "ATTRIB_STATUS_VALUE_NOT_SUPPORTED about SSTP_ATTRIB_ENCAPSULATED_PROTOCOL_ID".
    pub fn words(&self) -> String {
        let status = self
            .status
            .map_or_else(|| format!("status 0x{:08x}", self.status_code), str::to_string);
        match self.attrib_id {
            0 => status,
            id => format!(
                "{status} about {}",
                self.attrib
                    .map_or_else(|| format!("attribute {id}"), str::to_string)
            ),
        }
    }
}

/// Call Connect Nak ([MS-SSTP] §2.2.3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NakInfo {
    pub at: At,
    pub statuses: Vec<StatusRecord>,
}

/// The Call Abort exchange ([MS-SSTP] §3.3.5.2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AbortInfo {
    /// The first Call Abort.
    pub at: At,
    pub sent_by: Direction,
    pub statuses: Vec<StatusRecord>,
    /// The peer's answering Call Abort.
    pub answer: Option<At>,
    /// Seconds from Call Connected to the first Abort (null before Call
    /// Connected).
    pub after_call_connected_secs: Option<f64>,
}

/// The Call Disconnect exchange ([MS-SSTP] §3.3.5.3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisconnectInfo {
    pub at: At,
    pub sent_by: Direction,
    pub statuses: Vec<StatusRecord>,
    /// Call Disconnect Ack from the peer.
    pub ack: Option<At>,
}

/// One Echo Request and its response ([MS-SSTP] §3.1.2.3: sent when the
/// hello timer expires, 60 s without a packet).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EchoExchange {
    pub sent_by: Direction,
    pub request: At,
    pub response: Option<At>,
    /// Seconds from request to response.
    pub rtt: Option<f64>,
}

/// Echo statistics.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EchoReport {
    pub requests: u64,
    pub responses: u64,
    /// Requests never answered.
    pub unanswered: u64,
    /// Of those, requests after which the connection ended (or the peer
    /// went on without answering): keepalive timeouts. The rest were still
    /// waiting when the capture ended with the connection open.
    pub timed_out: u64,
    pub first_unanswered: Option<At>,
    pub last_unanswered: Option<At>,
    /// Responses with no request waiting.
    pub unmatched_responses: u64,
    pub rtt_min: Option<f64>,
    pub rtt_max: Option<f64>,
    /// The exchanges, oldest first (capped; the counts stay exact).
    pub exchanges: Vec<EchoExchange>,
}

/// Data packets of one direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DataSide {
    pub packets: u64,
    /// PPP frame bytes.
    pub bytes: u64,
    pub first_frame: Option<u64>,
    pub last_frame: Option<u64>,
}

/// Data packets per direction ([MS-SSTP] §2.2.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DataCounts {
    pub client_to_server: DataSide,
    pub server_to_client: DataSide,
}

impl DataCounts {
    fn side(&mut self, d: Direction) -> &mut DataSide {
        match d {
            Direction::ClientToServer => &mut self.client_to_server,
            Direction::ServerToClient => &mut self.server_to_client,
        }
    }
}

/// One control message as listed: where, then every field of the message
/// (`type_code`, `type`, `num_attributes`, `attributes`, see
/// [`ControlMessage`]'s serialisation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageRecord {
    pub frame: u64,
    /// The frame holding the message's first byte, when it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_frame: Option<u64>,
    pub time: f64,
    pub direction: Direction,
    /// The message's name in plain words ("Call Connect Ack").
    pub title: Option<&'static str>,
    /// SSTP Length of the packet.
    pub length: u16,
    #[serde(flatten)]
    pub message: ControlMessage,
    /// Protocol violations in the message (code and detail).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub anomalies: Vec<Anomaly>,
    /// Why the message breaks the [MS-SSTP] §3 flow, if it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deviation: Option<&'static str>,
}

/// A departure from the message flow of [MS-SSTP] §3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deviation {
    /// Stable code: `wrong_sender`, `reply_without_request`,
    /// `connected_before_ack`, `after_teardown`, `message_anomaly`.
    pub code: &'static str,
    pub frame: u64,
    pub detail: String,
}

/// Something wrong with the bytes rather than the messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StreamProblem {
    /// `gap` (TCP bytes never captured), `desync` (bytes at a packet
    /// boundary that were no header, skipped), `partial` (a packet cut
    /// short), `undecodable` (a packet header that could not be read),
    /// `http_head` (the HTTP head could not be read).
    pub kind: &'static str,
    pub direction: Direction,
    pub frame: u64,
    /// Bytes missing, skipped or cut.
    pub bytes: u64,
    pub detail: Option<String>,
}

/// Everything learnt about one SSTP connection. The names `id`, `client`,
/// `server`, `transport`, `tls`, `http`, `messages`, `crypto_binding`, `ppp`
/// and `certainty` are a contract; fields may be added.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SstpSession {
    pub id: String,
    pub client: Endpoint,
    pub server: Endpoint,
    pub transport: Transport,
    pub certainty: Certainty,
    /// Why an encrypted connection is taken for SSTP (only for `likely`).
    pub likely_reasons: Vec<String>,
    /// The request line when the (decrypted or clear) HTTP is an ordinary
    /// request, not SSTP: "TLS, not SSTP".
    pub not_sstp_request_line: Option<String>,
    /// First and last frame of the connection the tracker saw.
    pub start: Option<At>,
    pub end: Option<At>,
    /// The TLS handshake facts (TLS transport only).
    pub tls: Option<Box<TlsFacts>>,
    pub http: Option<HttpReport>,
    /// Where the call ended up.
    pub state: SstpState,
    /// The furthest set-up step reached before any teardown.
    pub setup_reached: SstpState,
    pub call_connect_requests: u32,
    /// The first Call Connect Request.
    pub call_connect_request: Option<At>,
    pub call_connect_ack: Option<At>,
    /// The last Call Connect Nak.
    pub call_connect_nak: Option<NakInfo>,
    pub call_connected: Option<At>,
    pub abort: Option<AbortInfo>,
    pub disconnect: Option<DisconnectInfo>,
    pub ended_by: EndReason,
    /// The side that sent the first FIN or the RST.
    pub closed_by: Option<Direction>,
    pub tcp_fin: Option<At>,
    pub tcp_rst: Option<At>,
    pub echo: EchoReport,
    pub data: DataCounts,
    pub messages: Vec<MessageRecord>,
    pub messages_total: u64,
    pub messages_not_listed: u64,
    pub crypto_binding: Option<CryptoBindingReport>,
    /// The PPP link inside the data packets.
    pub ppp: Box<PppReport>,
    pub deviations: Vec<Deviation>,
    pub deviations_total: u64,
    pub stream_problems: Vec<StreamProblem>,
    pub stream_problems_total: u64,
    pub tcp_gaps: u64,
    pub tcp_missing_bytes: u64,
}

impl SstpSession {
    /// True when the connection is (likely) SSTP: the pipeline keeps it.
    pub fn is_sstp(&self) -> bool {
        self.certainty != Certainty::Unlikely
    }

    /// The server's leaf certificate from the TLS handshake.
    pub fn tls_leaf(&self) -> Option<&crate::tls::x509::CertificateInfo> {
        self.tls.as_ref().and_then(|t| t.certificates.first())
    }
}

/// Reads one direction's bytes: the HTTP head first, then SSTP packets.
enum Reader {
    Request(RequestParser),
    Response(ResponseParser),
    Packets(SstpStream),
    /// Bytes that are not read: after a refusal, or not SSTP at all.
    Discard,
}

fn from_index(i: usize) -> Direction {
    if i == 0 {
        Direction::ClientToServer
    } else {
        Direction::ServerToClient
    }
}

/// An Echo Request waiting for its response.
#[derive(Debug, Clone, Copy)]
struct PendingEcho {
    sent_by: Direction,
    at: At,
    listed: Option<usize>,
}

/// The facts gathered so far, apart from the readers so both can be
/// borrowed at once.
struct Core {
    session: SstpSession,
    ppp: Box<PppLink>,
    ack_request: Option<(CryptoBindingRequest, u64)>,
    binding: Option<(CryptoBinding, Option<[u8; CALL_CONNECTED_LEN]>, u64)>,
    request_line: Option<(SstpRequest, u64, u64, f64)>,
    pending_response: Option<(SstpResponse, u64, f64)>,
    pending_echoes: VecDeque<PendingEcho>,
    /// Echo Requests pushed out of `pending_echoes` unanswered: how many,
    /// the first.
    written_off: u64,
    written_off_first: Option<At>,
    /// Frame of the first byte of each direction's HTTP head.
    head_first_frame: [Option<u64>; 2],
    last_packet: [Option<At>; 2],
    sstp_seen: bool,
    not_sstp: bool,
    /// Bytes each reader has been given (for "first bytes" decisions).
    bytes_seen: [u64; 2],
}

/// The SSTP tracker of one TCP connection; see the module documentation.
pub struct SstpTracker {
    tls: Option<Box<TlsConnection>>,
    readers: [Reader; 2],
    core: Core,
}

impl std::fmt::Debug for SstpTracker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SstpTracker")
            .field("id", &self.core.session.id)
            .field("transport", &self.core.session.transport)
            .finish_non_exhaustive()
    }
}

impl SstpTracker {
    /// A tracker for the TCP connection from `client` (the side whose first
    /// bytes [`classify`] recognised) to `server`.
    pub fn new(id: String, client: SocketAddr, server: SocketAddr, transport: Transport) -> Self {
        let tls = match transport {
            Transport::Tls => Some(Box::new(TlsConnection::new(client, server))),
            Transport::Plaintext => None,
        };
        SstpTracker {
            tls,
            readers: [
                Reader::Request(RequestParser::new()),
                Reader::Response(ResponseParser::new()),
            ],
            core: Core {
                session: SstpSession {
                    id,
                    client: client.into(),
                    server: server.into(),
                    transport,
                    certainty: Certainty::Unlikely,
                    likely_reasons: Vec::new(),
                    not_sstp_request_line: None,
                    start: None,
                    end: None,
                    tls: None,
                    http: None,
                    state: SstpState::None,
                    setup_reached: SstpState::None,
                    call_connect_requests: 0,
                    call_connect_request: None,
                    call_connect_ack: None,
                    call_connect_nak: None,
                    call_connected: None,
                    abort: None,
                    disconnect: None,
                    ended_by: EndReason::OpenAtCaptureEnd,
                    closed_by: None,
                    tcp_fin: None,
                    tcp_rst: None,
                    echo: EchoReport::default(),
                    data: DataCounts::default(),
                    messages: Vec::new(),
                    messages_total: 0,
                    messages_not_listed: 0,
                    crypto_binding: None,
                    ppp: Box::default(),
                    deviations: Vec::new(),
                    deviations_total: 0,
                    stream_problems: Vec::new(),
                    stream_problems_total: 0,
                    tcp_gaps: 0,
                    tcp_missing_bytes: 0,
                },
                ppp: Box::new(PppLink::new()),
                ack_request: None,
                binding: None,
                request_line: None,
                pending_response: None,
                pending_echoes: VecDeque::new(),
                written_off: 0,
                written_off_first: None,
                head_first_frame: [None, None],
                last_packet: [None, None],
                sstp_seen: false,
                not_sstp: false,
                bytes_seen: [0, 0],
            },
        }
    }

    /// The session id given at creation.
    pub fn id(&self) -> &str {
        &self.core.session.id
    }

    pub fn transport(&self) -> Transport {
        self.core.session.transport
    }

    /// Routes TLS records through `decryptor` from now on (TLS transport
    /// only): the application data it opens takes the HTTP → SSTP → PPP
    /// path.
    pub fn set_decryptor(&mut self, decryptor: Box<dyn Decryptor>) {
        if let Some(tls) = &mut self.tls {
            tls.set_decryptor(decryptor);
        }
    }

    /// The values a decryptor needs (TLS transport only).
    pub fn key_material(&self) -> Option<&KeyMaterial> {
        self.tls.as_deref().map(TlsConnection::key_material)
    }

    /// In-order TCP bytes of `dir`, carried by `frame`.
    pub fn data(&mut self, dir: Direction, bytes: &[u8], frame: u64, ts: Timestamp) {
        self.core.touch(frame, ts);
        let SstpTracker { tls, readers, core } = self;
        match tls {
            Some(tls) => tls.data(dir, bytes, frame, ts, &mut |app| {
                feed(readers, core, app.direction, app.data, app.frame, app.ts);
            }),
            None => feed(readers, core, dir, bytes, frame, ts),
        }
    }

    /// `missing` bytes of `dir` were lost (TCP gap noticed in `frame`).
    pub fn gap(&mut self, dir: Direction, missing: u64, frame: u64) {
        let core = &mut self.core;
        core.session.tcp_gaps += 1;
        core.session.tcp_missing_bytes = core.session.tcp_missing_bytes.saturating_add(missing);
        core.stream_problem("gap", dir, frame, missing, None);
        match &mut self.tls {
            Some(tls) => tls.gap(dir, missing, frame),
            None => {
                if let Some(reader) = self.readers.get_mut(dir.index()) {
                    gap_reader(reader, core, dir, missing, frame);
                }
            }
        }
    }

    /// The sender of `dir` closed its side (TCP FIN).
    pub fn fin(&mut self, dir: Direction, frame: u64, ts: Timestamp) {
        self.core.touch(frame, ts);
        let s = &mut self.core.session;
        if s.tcp_fin.is_none() {
            s.tcp_fin = Some(At::new(frame, ts));
            s.closed_by.get_or_insert(dir);
        }
        if let Some(tls) = &mut self.tls {
            tls.fin(dir, frame, ts);
        }
    }

    /// The sender of `dir` reset the connection (TCP RST).
    pub fn rst(&mut self, dir: Direction, frame: u64, ts: Timestamp) {
        self.core.touch(frame, ts);
        let s = &mut self.core.session;
        if s.tcp_rst.is_none() {
            s.tcp_rst = Some(At::new(frame, ts));
            if s.tcp_fin.is_none() {
                s.closed_by = Some(dir);
            }
        }
        if let Some(tls) = &mut self.tls {
            tls.rst(dir, frame, ts);
        }
    }

    /// True once the clear (or decrypted) bytes showed an ordinary HTTP
    /// request or something else that is not SSTP: the pipeline may stop
    /// feeding the connection.
    pub fn known_not_sstp(&self) -> bool {
        self.core.not_sstp
    }

    /// True when the connection is SSTP as far as seen: SSTP in the clear,
    /// or (TLS without keys) an encrypted shape that fits. Cheap in the
    /// clear; over TLS it weighs the facts so far, so call it at the end
    /// rather than per segment.
    pub fn is_sstp(&self) -> bool {
        if self.core.not_sstp {
            return false;
        }
        if self.core.sstp_seen || self.core.request_line.is_some() {
            return true;
        }
        self.tls
            .as_deref()
            .is_some_and(|tls| likely_reasons(&tls.facts()).is_some())
    }

    /// Ends the connection: flushes the framers, closes TLS, checks the
    /// crypto binding against `ctx` and settles state, end and certainty.
    pub fn finish(self, ctx: &BindingContext<'_>) -> SstpSession {
        let SstpTracker {
            tls,
            mut readers,
            mut core,
        } = self;
        for (i, reader) in readers.iter_mut().enumerate() {
            if let Reader::Packets(stream) = reader {
                let dir = from_index(i);
                stream.finish(&mut |item| core.item(dir, item));
            }
        }
        if let Some(mut tls) = tls {
            tls.finish();
            core.session.tls = Some(Box::new(tls.facts()));
        }
        core.settle(ctx)
    }
}

/// Feeds bytes of `dir` to its reader, moving from head to packets.
fn feed(readers: &mut [Reader; 2], core: &mut Core, dir: Direction, bytes: &[u8], frame: u64, ts: Timestamp) {
    let i = dir.index();
    let Some(reader) = readers.get_mut(i) else {
        return;
    };
    let first = core.bytes_seen.get(i).copied().unwrap_or(0) == 0;
    if let Some(n) = core.bytes_seen.get_mut(i) {
        *n = n.saturating_add(bytes.len() as u64);
    }
    let mut input = bytes;
    loop {
        match reader {
            Reader::Request(parser) => {
                if parser.buffered() == 0 {
                    if let Some(slot) = core.head_first_frame.get_mut(i) {
                        slot.get_or_insert(frame);
                    }
                }
                if first && parser.buffered() == 0 {
                    match classify_request_start(input) {
                        RequestStart::Http { request_line } => {
                            core.not_sstp(request_line);
                            *reader = Reader::Discard;
                            return;
                        }
                        // A capture that starts after the HTTP exchange.
                        RequestStart::Other if looks_like_sstp_packet(input) => {
                            *reader = Reader::Packets(SstpStream::new());
                            continue;
                        }
                        RequestStart::Other => {
                            core.not_sstp_bytes();
                            *reader = Reader::Discard;
                            return;
                        }
                        RequestStart::Sstp | RequestStart::Undecided => {}
                    }
                }
                match parser.push(input) {
                    Ok(HeadProgress::NeedMore) => return,
                    Ok(HeadProgress::Complete { head, rest_start }) => {
                        if head
                            .problems
                            .iter()
                            .any(|p| matches!(p, Problem::MethodNotSstp { .. }))
                        {
                            core.not_sstp(format!("{} {} {}", head.method, head.uri, head.version));
                            *reader = Reader::Discard;
                            return;
                        }
                        let start = head.head_len as u64;
                        core.request(head, frame, ts);
                        *reader = Reader::Packets(SstpStream::starting_at(start));
                        input = input.get(rest_start..).unwrap_or(&[]);
                        if input.is_empty() {
                            return;
                        }
                    }
                    Err(e) => {
                        core.head_failed(dir, frame, &e);
                        *reader = Reader::Discard;
                        return;
                    }
                }
            }
            Reader::Response(parser) => {
                if first
                    && parser.buffered() == 0
                    && !input.starts_with(b"HTTP")
                    && looks_like_sstp_packet(input)
                {
                    *reader = Reader::Packets(SstpStream::new());
                    continue;
                }
                match parser.push(input) {
                    Ok(HeadProgress::NeedMore) => return,
                    Ok(HeadProgress::Complete { head, rest_start }) => {
                        let start = head.head_len as u64;
                        let accepted = head.accepted();
                        core.response(head, frame, ts);
                        if !accepted {
                            // No SSTP follows a refusal ([MS-SSTP] §4.1); the
                            // body, if any, is an error page.
                            *reader = Reader::Discard;
                            return;
                        }
                        *reader = Reader::Packets(SstpStream::starting_at(start));
                        input = input.get(rest_start..).unwrap_or(&[]);
                        if input.is_empty() {
                            return;
                        }
                    }
                    Err(e) => {
                        core.head_failed(dir, frame, &e);
                        *reader = Reader::Discard;
                        return;
                    }
                }
            }
            Reader::Packets(stream) => {
                stream.push(input, frame, ts, &mut |item| core.item(dir, item));
                return;
            }
            Reader::Discard => return,
        }
    }
}

/// Lost bytes in one direction (plaintext transport).
fn gap_reader(reader: &mut Reader, core: &mut Core, dir: Direction, missing: u64, frame: u64) {
    match reader {
        Reader::Packets(stream) => stream.gap(missing, frame, &mut |item| core.item(dir, item)),
        Reader::Request(_) | Reader::Response(_) => {
            core.stream_problem(
                "http_head",
                dir,
                frame,
                missing,
                Some("bytes of the HTTP head were lost; the rest of this direction is not read".into()),
            );
            *reader = Reader::Discard;
        }
        Reader::Discard => {}
    }
}

/// The 112 bytes of a Call Connected message, rebuilt from its decoded
/// fields: exact when the packet is 112 bytes long and its first attribute
/// a 104-byte Crypto Binding, since those fields then cover every byte
/// ([MS-SSTP] §2.2.7; protocols.md §4.4 offsets).
fn call_connected_bytes(header: &Header, message: &ControlMessage) -> Option<[u8; CALL_CONNECTED_LEN]> {
    let attribute = message.attributes.first()?;
    let AttributeValue::CryptoBinding(b) = &attribute.value else {
        return None;
    };
    if usize::from(header.length) != CALL_CONNECTED_LEN || attribute.length != 104 {
        return None;
    }
    let mut out = Vec::with_capacity(CALL_CONNECTED_LEN);
    out.push(header.version);
    out.push((header.reserved << 1) | u8::from(header.control));
    out.extend_from_slice(&(u16::from(header.length_reserved) << 12 | header.length).to_be_bytes());
    out.extend_from_slice(&message.message_type.0.to_be_bytes());
    out.extend_from_slice(&message.num_attributes.to_be_bytes());
    out.push(attribute.reserved);
    out.push(attribute.attribute_id.0);
    out.extend_from_slice(&(u16::from(attribute.length_reserved) << 12 | attribute.length).to_be_bytes());
    out.extend_from_slice(b.reserved1.to_be_bytes().get(1..)?);
    out.push(b.hash_protocol);
    out.extend_from_slice(&b.nonce);
    out.extend_from_slice(&b.cert_hash);
    out.extend_from_slice(&b.compound_mac);
    let bytes: [u8; CALL_CONNECTED_LEN] = out.try_into().ok()?;
    super::wire::call_connected_for_mac(&bytes)
}

impl Core {
    fn touch(&mut self, frame: u64, ts: Timestamp) {
        let at = At::new(frame, ts);
        self.session.start.get_or_insert(at);
        self.session.end = Some(at);
    }

    fn not_sstp(&mut self, request_line: String) {
        self.not_sstp = true;
        self.session.not_sstp_request_line = Some(request_line);
    }

    fn not_sstp_bytes(&mut self) {
        self.not_sstp = true;
    }

    fn stream_problem(
        &mut self,
        kind: &'static str,
        direction: Direction,
        frame: u64,
        bytes: u64,
        detail: Option<String>,
    ) {
        self.session.stream_problems_total += 1;
        if self.session.stream_problems.len() < MAX_PROBLEMS {
            self.session.stream_problems.push(StreamProblem {
                kind,
                direction,
                frame,
                bytes,
                detail,
            });
        }
    }

    fn deviation(&mut self, code: &'static str, frame: u64, detail: String) -> Option<&'static str> {
        self.session.deviations_total += 1;
        if self.session.deviations.len() < MAX_PROBLEMS {
            self.session.deviations.push(Deviation { code, frame, detail });
        }
        Some(code)
    }

    fn advance(&mut self, state: SstpState) {
        if state.rank() >= self.session.setup_reached.rank() {
            self.session.setup_reached = state;
        }
    }

    fn head_failed(&mut self, dir: Direction, frame: u64, e: &HttpError) {
        self.stream_problem("http_head", dir, frame, 0, Some(e.to_string()));
    }

    fn request(&mut self, head: SstpRequest, frame: u64, ts: Timestamp) {
        let first = self.head_first_frame.first().copied().flatten().unwrap_or(frame);
        let time = ts.as_secs_f64();
        self.advance(SstpState::HttpRequestSent);
        self.request_line = Some((head, frame, first, time));
    }

    fn response(&mut self, head: SstpResponse, frame: u64, ts: Timestamp) {
        self.advance(if head.accepted() {
            SstpState::HttpAccepted
        } else {
            SstpState::HttpRefused
        });
        self.pending_response = Some((head, frame, ts.as_secs_f64()));
    }

    fn item(&mut self, dir: Direction, item: StreamItem<'_>) {
        match item {
            StreamItem::Packet {
                packet: Ok(packet),
                first_frame,
                frame,
                ts,
                ..
            } => self.packet(dir, &packet, first_frame, frame, ts),
            StreamItem::Packet {
                packet: Err(e),
                frame,
                ..
            } => self.stream_problem("undecodable", dir, frame, 0, Some(e.to_string())),
            StreamItem::Desync {
                frame, skipped_bytes, ..
            } => self.stream_problem("desync", dir, frame, skipped_bytes, None),
            StreamItem::Partial {
                frame, have, length, ..
            } => {
                let detail = match length {
                    Some(len) => format!("{have} of {len} bytes seen"),
                    None => format!("{have} header bytes seen"),
                };
                self.stream_problem("partial", dir, frame, have, Some(detail));
            }
        }
    }

    fn packet(
        &mut self,
        dir: Direction,
        packet: &SstpPacket<'_>,
        first_frame: u64,
        frame: u64,
        ts: Timestamp,
    ) {
        self.sstp_seen = true;
        let at = At::new(frame, ts);
        if let Some(last) = self.last_packet.get_mut(dir.index()) {
            *last = Some(at);
        }
        match &packet.body {
            PacketBody::Data { ppp_frame } => {
                let side = self.session.data.side(dir);
                side.packets += 1;
                side.bytes = side.bytes.saturating_add(ppp_frame.len() as u64);
                side.first_frame.get_or_insert(frame);
                side.last_frame = Some(frame);
                self.ppp.frame(dir, frame, ts, ppp_frame);
            }
            PacketBody::Control(message) => {
                self.control(dir, &packet.header, message, &packet.anomalies, first_frame, at)
            }
        }
    }

    fn control(
        &mut self,
        dir: Direction,
        header: &Header,
        message: &ControlMessage,
        anomalies: &[Anomaly],
        first_frame: u64,
        at: At,
    ) {
        let frame = at.frame;
        self.session.messages_total += 1;
        let statuses = || {
            message
                .status_infos()
                .take(MAX_STATUSES)
                .map(StatusRecord::from)
                .collect::<Vec<_>>()
        };
        let title = message.message_type.title().unwrap_or("unknown message");
        let mut deviation = self.check_sender(dir, message.message_type, frame, title);
        let torn_down = self.session.disconnect.as_ref().is_some_and(|d| d.ack.is_some())
            || self.session.abort.as_ref().is_some_and(|a| a.answer.is_some());
        match message.message_type {
            MessageType::CALL_ABORT | MessageType::CALL_DISCONNECT_ACK => {}
            _ if torn_down => {
                deviation = deviation.or(self.deviation(
                    "after_teardown",
                    frame,
                    format!("{title} after the call was torn down"),
                ));
            }
            _ => {}
        }
        match message.message_type {
            MessageType::CALL_CONNECT_REQUEST => {
                self.session.call_connect_requests += 1;
                self.session.call_connect_request.get_or_insert(at);
                self.advance(SstpState::CallConnectRequested);
            }
            MessageType::CALL_CONNECT_ACK => {
                if self.session.call_connect_request.is_none() && self.request_line.is_some() {
                    deviation = deviation.or(self.deviation(
                        "reply_without_request",
                        frame,
                        "Call Connect Ack with no Call Connect Request before it".into(),
                    ));
                }
                self.session.call_connect_ack = Some(at);
                if let Some(r) = message.crypto_binding_request() {
                    self.ack_request = Some((*r, frame));
                }
                self.advance(SstpState::CallConnectAcked);
            }
            MessageType::CALL_CONNECT_NAK => {
                if self.session.call_connect_request.is_none() && self.request_line.is_some() {
                    deviation = deviation.or(self.deviation(
                        "reply_without_request",
                        frame,
                        "Call Connect Nak with no Call Connect Request before it".into(),
                    ));
                }
                self.session.call_connect_nak = Some(NakInfo {
                    at,
                    statuses: statuses(),
                });
                self.advance(SstpState::CallConnectNaked);
            }
            MessageType::CALL_CONNECTED => {
                if self.session.call_connect_ack.is_none() && self.request_line.is_some() {
                    deviation = deviation.or(self.deviation(
                        "connected_before_ack",
                        frame,
                        "Call Connected with no Call Connect Ack before it".into(),
                    ));
                }
                self.session.call_connected.get_or_insert(at);
                if let Some(b) = message.crypto_binding() {
                    if self.binding.is_none() {
                        self.binding = Some((*b, call_connected_bytes(header, message), frame));
                    }
                }
                self.advance(SstpState::CallConnected);
            }
            MessageType::CALL_ABORT => match &mut self.session.abort {
                None => {
                    let after = self.session.call_connected.map(|c| at.time - c.time);
                    self.session.abort = Some(AbortInfo {
                        at,
                        sent_by: dir,
                        statuses: statuses(),
                        answer: None,
                        after_call_connected_secs: after,
                    });
                }
                Some(abort) => {
                    if abort.sent_by != dir && abort.answer.is_none() {
                        abort.answer = Some(at);
                    }
                }
            },
            MessageType::CALL_DISCONNECT if self.session.disconnect.is_none() => {
                self.session.disconnect = Some(DisconnectInfo {
                    at,
                    sent_by: dir,
                    statuses: statuses(),
                    ack: None,
                });
            }
            MessageType::CALL_DISCONNECT_ACK => match &mut self.session.disconnect {
                Some(d) if d.sent_by != dir && d.ack.is_none() => d.ack = Some(at),
                _ => {
                    deviation = deviation.or(self.deviation(
                        "reply_without_request",
                        frame,
                        "Call Disconnect Ack with no Call Disconnect from the peer before it".into(),
                    ));
                }
            },
            MessageType::ECHO_REQUEST => self.echo_request(dir, at),
            MessageType::ECHO_RESPONSE => self.echo_response(dir, at),
            _ => {}
        }
        if !anomalies.is_empty() {
            let codes: Vec<&str> = anomalies.iter().map(Anomaly::code).collect();
            let detail = format!("{title}: {}", codes.join(", "));
            let code = self.deviation("message_anomaly", frame, detail);
            deviation = deviation.or(code);
        }
        if self.session.messages.len() < MAX_MESSAGES {
            self.session.messages.push(MessageRecord {
                frame,
                first_frame: (first_frame != frame).then_some(first_frame),
                time: at.time,
                direction: dir,
                title: message.message_type.title(),
                length: header.length,
                message: message.clone(),
                anomalies: anomalies.to_vec(),
                deviation,
            });
        } else {
            self.session.messages_not_listed += 1;
        }
    }

    /// Messages only one role sends ([MS-SSTP] §3.2, §3.3).
    fn check_sender(
        &mut self,
        dir: Direction,
        t: MessageType,
        frame: u64,
        title: &str,
    ) -> Option<&'static str> {
        let expected = match t {
            MessageType::CALL_CONNECT_REQUEST | MessageType::CALL_CONNECTED => Direction::ClientToServer,
            MessageType::CALL_CONNECT_ACK | MessageType::CALL_CONNECT_NAK => Direction::ServerToClient,
            _ => return None,
        };
        if dir == expected {
            return None;
        }
        let by = match expected {
            Direction::ClientToServer => "client",
            Direction::ServerToClient => "server",
        };
        self.deviation(
            "wrong_sender",
            frame,
            format!("{title} sent by the other side; only the {by} sends it"),
        )
    }

    fn echo_request(&mut self, dir: Direction, at: At) {
        let echo = &mut self.session.echo;
        echo.requests += 1;
        let listed = (echo.exchanges.len() < MAX_ECHOES_LISTED).then(|| {
            echo.exchanges.push(EchoExchange {
                sent_by: dir,
                request: at,
                response: None,
                rtt: None,
            });
            echo.exchanges.len() - 1
        });
        if self.pending_echoes.len() >= MAX_PENDING_ECHOES {
            if let Some(old) = self.pending_echoes.pop_front() {
                self.written_off += 1;
                self.written_off_first.get_or_insert(old.at);
            }
        }
        self.pending_echoes.push_back(PendingEcho {
            sent_by: dir,
            at,
            listed,
        });
    }

    fn echo_response(&mut self, dir: Direction, at: At) {
        let echo = &mut self.session.echo;
        echo.responses += 1;
        let asker = dir.reverse();
        let Some(pos) = self.pending_echoes.iter().position(|p| p.sent_by == asker) else {
            echo.unmatched_responses += 1;
            return;
        };
        let Some(pending) = self.pending_echoes.remove(pos) else {
            return;
        };
        let rtt = (at.time - pending.at.time).max(0.0);
        echo.rtt_min = Some(echo.rtt_min.map_or(rtt, |m| m.min(rtt)));
        echo.rtt_max = Some(echo.rtt_max.map_or(rtt, |m| m.max(rtt)));
        if let Some(x) = pending.listed.and_then(|i| echo.exchanges.get_mut(i)) {
            x.response = Some(at);
            x.rtt = Some(rtt);
        }
    }

    /// Turns what was gathered into the session.
    fn settle(mut self, ctx: &BindingContext<'_>) -> SstpSession {
        self.settle_http();
        let s = &mut self.session;
        s.ended_by = match (&s.disconnect, &s.abort) {
            (Some(d), Some(a)) if a.at.frame < d.at.frame => EndReason::CallAbort,
            (Some(_), _) => EndReason::CallDisconnect,
            (None, Some(_)) => EndReason::CallAbort,
            (None, None) if s.tcp_rst.is_some() && s.tcp_fin.is_none() => EndReason::TcpRst,
            (None, None) if s.tcp_fin.is_some() => EndReason::TcpFin,
            (None, None) if s.tcp_rst.is_some() => EndReason::TcpRst,
            (None, None) => EndReason::OpenAtCaptureEnd,
        };
        s.state = match s.ended_by {
            EndReason::CallAbort => SstpState::Aborted,
            EndReason::CallDisconnect => SstpState::Disconnected,
            _ => s.setup_reached,
        };
        self.settle_echoes();

        let mut ppp = self.ppp.report();
        let tls_leaf = self.session.tls.as_ref().and_then(|t| {
            let certificate = t.certificates.first()?;
            let frame = t
                .handshake_messages
                .iter()
                .find(|m| {
                    m.direction == crate::tls::Direction::ServerToClient
                        && m.msg_type == HandshakeType::CERTIFICATE
                })
                .map_or(0, |m| m.at.frame);
            Some(LeafSeen { certificate, frame })
        });
        let evidence = BindingEvidence {
            request: self.ack_request.as_ref().map(|(request, frame)| RequestSeen {
                request,
                frame: *frame,
            }),
            binding: self
                .binding
                .as_ref()
                .map(|(binding, message, frame)| BindingSeen {
                    binding,
                    message: message.as_ref(),
                    frame: *frame,
                }),
            tls_leaf,
        };
        let report = binding::check(&evidence, ctx, &mut ppp.auth);
        let s = &mut self.session;
        s.crypto_binding = report;
        *s.ppp = ppp;

        s.certainty = if self.not_sstp {
            Certainty::Unlikely
        } else if self.sstp_seen || s.http.is_some() {
            Certainty::Confirmed
        } else {
            match s.tls.as_deref().and_then(likely_reasons) {
                Some(reasons) => {
                    s.likely_reasons = reasons;
                    Certainty::Likely
                }
                None => Certainty::Unlikely,
            }
        };
        self.session
    }

    fn settle_http(&mut self) {
        let Some((request, frame, first_frame, time)) = self.request_line.take() else {
            return;
        };
        let mut http = HttpReport {
            method: request.method.clone(),
            uri: request.uri.clone(),
            uri_ok: request.uri_ok,
            uri_difference: uri_difference(&request.uri),
            method_ok: request.method_ok,
            host: request.host.clone(),
            status: None,
            status_meaning: None,
            request_frame: frame,
            request_first_frame: first_frame,
            request_time: time,
            response_frame: None,
            response_time: None,
            request,
            response: None,
        };
        if let Some((head, frame, time)) = self.pending_response.take() {
            http.status = Some(head.status_code);
            http.status_meaning = Some(head.meaning());
            http.response_frame = Some(frame);
            http.response_time = Some(time);
            http.response = Some(head);
        }
        self.session.http = Some(http);
    }

    /// Unanswered echoes. A request is a keepalive timeout when the peer
    /// sent nothing after it and TCP then closed: the requester gave up
    /// ([MS-SSTP] §3.1.2.3). A peer that went on sending reset the hello
    /// timer; a connection still open at the end of the capture, or torn
    /// down by Call Disconnect or Abort, did not time out.
    fn settle_echoes(&mut self) {
        // An echo left unanswered before the connection ended (by TCP or by
        // a Call Abort sent for it) timed out; one still pending when the
        // capture ends may just have been cut off.
        let tcp_end = matches!(
            self.session.ended_by,
            EndReason::TcpFin | EndReason::TcpRst | EndReason::CallAbort
        );
        let last_packet = self.last_packet;
        let echo = &mut self.session.echo;
        echo.unanswered = self.written_off.saturating_add(self.pending_echoes.len() as u64);
        echo.first_unanswered = self
            .written_off_first
            .or_else(|| self.pending_echoes.front().map(|p| p.at));
        echo.last_unanswered = self
            .pending_echoes
            .back()
            .map(|p| p.at)
            .or(self.written_off_first);
        echo.timed_out = self
            .pending_echoes
            .iter()
            .filter(|p| {
                let peer_later = last_packet
                    .get(p.sent_by.reverse().index())
                    .copied()
                    .flatten()
                    .is_some_and(|last| last.frame > p.at.frame);
                tcp_end && !peer_later
            })
            .count() as u64;
    }
}

/// Why an encrypted connection is likely SSTP, or `None` when its shape
/// does not fit. Two shapes fit, on TCP port 443 or with an SNI:
/// * application data both ways for at least [`LIKELY_MIN_SECS`] in at
///   least [`LIKELY_MIN_RECORDS`] records, most of them small (PPP
///   negotiation, keepalives and tunnelled packets, where HTTPS has large
///   responses);
/// * on port 443, a client that offered no ALPN (Windows' SSTP client
///   offers none; browsers always do), and a handshake that ended before
///   any application data: the server refused it, or the client left (an
///   SSTP client refusing the server's certificate).
///
/// A server that picked an ALPN protocol other than HTTP/1.1 (SSTP's HTTP
/// version) rules SSTP out.
pub fn likely_reasons(facts: &TlsFacts) -> Option<Vec<String>> {
    let shape = &facts.shape;
    let server_alpn = facts.server_hello.as_ref().and_then(|h| h.alpn.as_deref());
    if server_alpn.is_some_and(|a| a != "http/1.1") {
        return None;
    }
    let no_alpn = facts.client_hello.as_ref().is_some_and(|h| h.alpn.is_empty());
    let mut reasons = Vec::new();
    if shape.port_443 {
        reasons.push("TCP port 443, where SSTP listens".to_string());
    }
    if let Some(sni) = &facts.sni {
        reasons.push(format!("SNI \"{sni}\""));
    }
    if no_alpn {
        reasons.push("the client offered no ALPN, as Windows' SSTP client does".to_string());
    }
    // Tunnelled traffic is many modest records both ways over time; an
    // HTTP transfer is few large (up to 16 KiB) records one way.
    let chatty = shape.bidirectional
        && shape.application_data_records >= LIKELY_MIN_RECORDS
        && (shape.small_record_fraction >= LIKELY_MIN_SMALL_FRACTION
            || shape.mean_record_len <= LIKELY_MAX_MEAN_LEN)
        && shape.application_data_secs >= LIKELY_MIN_SECS;
    if chatty && (shape.port_443 || shape.sni_present) {
        reasons.push(format!(
            "application data in both directions for {:.1} s",
            shape.application_data_secs
        ));
        reasons.push(format!(
            "{} application-data records, {:.0}% of them at most {} bytes (mean {:.0} bytes): the small records \
             of PPP negotiation, keepalives and tunnelled packets rather than an HTTP transfer",
            shape.application_data_records,
            shape.small_record_fraction * 100.0,
            crate::tls::connection::SMALL_RECORD_LEN,
            shape.mean_record_len
        ));
        return Some(reasons);
    }
    if !shape.port_443 || !no_alpn || facts.client_to_server.application_data.records > 0 {
        return None;
    }
    let client = &facts.client_to_server;
    let alert_from = |d: crate::tls::Direction| facts.alerts.iter().any(|a| a.direction == d);
    if alert_from(crate::tls::Direction::ServerToClient) {
        reasons.push("the server refused the TLS handshake before any application data".to_string());
        return Some(reasons);
    }
    let client_left =
        alert_from(crate::tls::Direction::ClientToServer) || client.fin.is_some() || client.rst.is_some();
    if facts.server_hello.is_some() && client_left {
        reasons.push(
            "the client ended TLS before sending any application data, as an SSTP client does when it rejects \
             the server's certificate or cannot check its revocation"
                .to_string(),
        );
        return Some(reasons);
    }
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::crypto::sstp::{
        cert_hash, compound_mac, compound_mac_key, hlak_without_keys, HashProtocol, Hlak,
    };
    use crate::ppp::build;
    use crate::sstp::binding::CompoundMacVerdict;
    use crate::sstp::http::{SSTP_CONTENT_LENGTH, SSTP_URI};
    use crate::sstp::wire::hex;
    use crate::tls::x509::tests::{ca_der, leaf_der};

    pub(crate) const C: Direction = Direction::ClientToServer;
    pub(crate) const S: Direction = Direction::ServerToClient;

    pub(crate) fn client_addr() -> SocketAddr {
        "192.0.2.10:50123".parse().unwrap()
    }

    pub(crate) fn server_addr() -> SocketAddr {
        "198.51.100.1:443".parse().unwrap()
    }

    /// The server's nonce in the builders' Call Connect Ack.
    pub(crate) const NONCE: [u8; 32] = {
        let mut n = [0u8; 32];
        let mut i = 0;
        while i < 32 {
            n[i] = 0x40 + i as u8;
            i += 1;
        }
        n
    };

    fn attribute(id: u8, value: &[u8]) -> Vec<u8> {
        let mut out = vec![0, id];
        out.extend_from_slice(&((value.len() + 4) as u16).to_be_bytes());
        out.extend_from_slice(value);
        out
    }

    /// A control packet ([MS-SSTP] §2.2.3).
    pub(crate) fn control(t: u16, attributes: &[Vec<u8>]) -> Vec<u8> {
        let body = attributes.concat();
        let mut out = vec![0x10, 0x01];
        out.extend_from_slice(&((body.len() + 8) as u16).to_be_bytes());
        out.extend_from_slice(&t.to_be_bytes());
        out.extend_from_slice(&(attributes.len() as u16).to_be_bytes());
        out.extend(body);
        out
    }

    /// A data packet carrying one PPP frame ([MS-SSTP] §2.2.2).
    pub(crate) fn data(ppp: &[u8]) -> Vec<u8> {
        let mut out = vec![0x10, 0x00];
        out.extend_from_slice(&((ppp.len() + 4) as u16).to_be_bytes());
        out.extend_from_slice(ppp);
        out
    }

    pub(crate) fn status_info(attrib_id: u8, status: u32) -> Vec<u8> {
        let mut v = vec![0, 0, 0, attrib_id];
        v.extend_from_slice(&status.to_be_bytes());
        attribute(2, &v)
    }

    pub(crate) fn connect_request() -> Vec<u8> {
        control(1, &[attribute(1, &[0, 1])])
    }

    pub(crate) fn connect_ack(bitmask: u8) -> Vec<u8> {
        let mut v = vec![0, 0, 0, bitmask];
        v.extend_from_slice(&NONCE);
        control(2, &[attribute(4, &v)])
    }

    /// Call Connected with the MAC computed under `hlak` ([MS-SSTP]
    /// §3.2.5.2.4), or the field left as `mac` when given.
    pub(crate) fn call_connected(
        protocol: HashProtocol,
        nonce: &[u8; 32],
        cert: &[u8],
        hlak: &Hlak,
    ) -> Vec<u8> {
        let mut v = vec![0, 0, 0, protocol.wire_value()];
        v.extend_from_slice(nonce);
        v.extend_from_slice(cert_hash(protocol, cert).field());
        v.extend_from_slice(&[0; 32]);
        let mut message = control(4, &[attribute(3, &v)]);
        let bytes: [u8; CALL_CONNECTED_LEN] = message.clone().try_into().unwrap();
        let mac = compound_mac(&compound_mac_key(protocol, hlak), &bytes);
        message[80..].copy_from_slice(mac.field());
        message
    }

    pub(crate) fn http_request(uri: &str) -> Vec<u8> {
        format!(
            "SSTP_DUPLEX_POST {uri} HTTP/1.1\r\nHost: vpn.example.test\r\nContent-Length: {SSTP_CONTENT_LENGTH}\r\n\
             SSTPCORRELATIONID: {{2D44D1D0-7E4B-4D5E-9C3A-0F1E2D3C4B5A}}\r\n\r\n"
        )
        .into_bytes()
    }

    pub(crate) fn http_response(status: &str) -> Vec<u8> {
        format!(
            "HTTP/1.1 {status}\r\nContent-Length: {SSTP_CONTENT_LENGTH}\r\nServer: Microsoft-HTTPAPI/2.0\r\n\r\n"
        )
        .into_bytes()
    }

    fn lcp(code: u8, id: u8, options: &[Vec<u8>]) -> Vec<u8> {
        data(&build::frame(0xC021, &build::control(code, id, options)))
    }

    /// Drives a tracker frame by frame: frame n at n seconds unless told.
    pub(crate) struct Run {
        pub(crate) t: SstpTracker,
        pub(crate) frame: u64,
    }

    impl Run {
        pub(crate) fn new(transport: Transport) -> Self {
            Run {
                t: SstpTracker::new("sstp-1".into(), client_addr(), server_addr(), transport),
                frame: 0,
            }
        }

        pub(crate) fn send(&mut self, d: Direction, bytes: &[u8]) -> u64 {
            self.frame += 1;
            self.t
                .data(d, bytes, self.frame, Timestamp::new(self.frame as i64, 0));
            self.frame
        }

        pub(crate) fn send_at(&mut self, d: Direction, bytes: &[u8], ts: Timestamp) -> u64 {
            self.frame += 1;
            self.t.data(d, bytes, self.frame, ts);
            self.frame
        }

        pub(crate) fn fin(&mut self, d: Direction) -> u64 {
            self.frame += 1;
            self.t.fin(d, self.frame, Timestamp::new(self.frame as i64, 0));
            self.frame
        }

        pub(crate) fn rst(&mut self, d: Direction) -> u64 {
            self.frame += 1;
            self.t.rst(d, self.frame, Timestamp::new(self.frame as i64, 0));
            self.frame
        }
    }

    /// Up to Call Connect Ack with `bitmask`, then LCP and PAP: frames
    /// 1–10.
    pub(crate) fn pap_setup(run: &mut Run, bitmask: u8) {
        let server_lcp = [build::lcp_auth_pap(), build::lcp_magic(0x1111_1111)];
        let client_lcp = [build::lcp_mru(1400), build::lcp_magic(0x2222_2222)];
        run.send(C, &http_request(SSTP_URI)); // 1
        run.send(S, &http_response("200 ")); // 2
        run.send(C, &connect_request()); // 3
        run.send(S, &connect_ack(bitmask)); // 4
        run.send(S, &lcp(1, 1, &server_lcp)); // 5
        run.send(C, &lcp(1, 1, &client_lcp)); // 6
        run.send(C, &lcp(2, 1, &server_lcp)); // 7
        run.send(S, &lcp(2, 1, &client_lcp)); // 8
        run.send(
            C,
            &data(&build::frame(0xC023, &build::pap_request(1, b"alice", b"secret"))),
        ); // 9
        run.send(
            S,
            &data(&build::frame(0xC023, &build::pap_reply(2, 1, b"welcome"))),
        ); // 10
    }

    /// A whole PAP session (frames 1–17) with a Call Connected made by
    /// `connected`.
    pub(crate) fn pap_session(bitmask: u8, connected: &[u8], ctx: &BindingContext<'_>) -> SstpSession {
        let mut run = Run::new(Transport::Plaintext);
        pap_setup(&mut run, bitmask);
        run.send(C, connected); // 11
        run.send(S, &control(8, &[])); // 12 Echo Request
        run.send(C, &control(9, &[])); // 13 Echo Response
        run.send(S, &control(6, &[status_info(0, 0)])); // 14 Call Disconnect
        run.send(C, &control(7, &[])); // 15 Call Disconnect Ack
        run.fin(S); // 16
        run.fin(C); // 17
        assert!(run.t.is_sstp());
        run.t.finish(ctx)
    }

    pub(crate) fn good_connected() -> Vec<u8> {
        call_connected(HashProtocol::Sha256, &NONCE, &leaf_der(), &hlak_without_keys())
    }

    fn at(frame: u64) -> At {
        At {
            frame,
            time: frame as f64,
        }
    }

    #[test]
    fn classify_first_bytes() {
        assert_eq!(classify(&http_request(SSTP_URI)), Some(Transport::Plaintext));
        assert_eq!(classify(b"GET / HTTP/1.1\r\n"), Some(Transport::Plaintext));
        assert_eq!(classify(b"SSTP_DUP"), None);
        assert_eq!(
            classify(&[0x16, 0x03, 0x01, 0x00, 0x60, 0x01, 0x00, 0x00, 0x5c, 0x03, 0x01]),
            Some(Transport::Tls)
        );
        assert_eq!(classify(b"\x10\x01\x00\x0e"), None);
        assert_eq!(classify(b""), None);
    }

    #[test]
    fn plaintext_pap_session_with_a_verified_binding() {
        let certificates = [leaf_der()];
        let ctx = BindingContext {
            credentials: &[],
            certificates: &certificates,
            cert_hashes: &[],
        };
        let s = pap_session(0x03, &good_connected(), &ctx);
        assert_eq!(s.id, "sstp-1");
        assert_eq!(
            (s.transport, s.certainty),
            (Transport::Plaintext, Certainty::Confirmed)
        );
        assert_eq!(s.likely_reasons, Vec::<String>::new());
        assert_eq!(s.not_sstp_request_line, None);
        assert_eq!((s.start, s.end), (Some(at(1)), Some(at(17))));
        assert_eq!(s.tls, None);
        let http = s.http.as_ref().unwrap();
        assert_eq!(
            (
                http.method.as_str(),
                http.uri.as_str(),
                http.uri_ok,
                http.method_ok
            ),
            ("SSTP_DUPLEX_POST", SSTP_URI, true, true)
        );
        assert_eq!(
            (
                http.status,
                http.request_frame,
                http.response_frame,
                http.host.as_deref()
            ),
            (Some(200), 1, Some(2), Some("vpn.example.test"))
        );
        assert_eq!(http.uri_difference, None);
        assert_eq!(
            (s.state, s.setup_reached),
            (SstpState::Disconnected, SstpState::CallConnected)
        );
        assert_eq!(s.call_connect_requests, 1);
        assert_eq!(
            (s.call_connect_request, s.call_connect_ack, s.call_connected),
            (Some(at(3)), Some(at(4)), Some(at(11)))
        );
        assert_eq!((s.call_connect_nak.clone(), s.abort.clone()), (None, None));
        assert_eq!(
            s.disconnect,
            Some(DisconnectInfo {
                at: at(14),
                sent_by: S,
                statuses: vec![StatusRecord {
                    attrib_id: 0,
                    attrib: Some("SSTP_ATTRIB_NO_ERROR"),
                    status_code: 0,
                    status: Some("ATTRIB_STATUS_NO_ERROR"),
                    attrib_value: String::new(),
                }],
                ack: Some(at(15)),
            })
        );
        assert_eq!(
            (s.ended_by, s.closed_by, s.tcp_fin, s.tcp_rst),
            (EndReason::CallDisconnect, Some(S), Some(at(16)), None)
        );
        assert_eq!(
            s.echo,
            EchoReport {
                requests: 1,
                responses: 1,
                unanswered: 0,
                timed_out: 0,
                first_unanswered: None,
                last_unanswered: None,
                unmatched_responses: 0,
                rtt_min: Some(1.0),
                rtt_max: Some(1.0),
                exchanges: vec![EchoExchange {
                    sent_by: S,
                    request: at(12),
                    response: Some(at(13)),
                    rtt: Some(1.0)
                }],
            }
        );
        assert_eq!(
            s.data,
            DataCounts {
                client_to_server: DataSide {
                    packets: 3,
                    bytes: 18 + 18 + 21,
                    first_frame: Some(6),
                    last_frame: Some(9)
                },
                server_to_client: DataSide {
                    packets: 3,
                    bytes: 18 + 18 + 16,
                    first_frame: Some(5),
                    last_frame: Some(10)
                },
            }
        );
        let types: Vec<(u64, Direction, u16)> = s
            .messages
            .iter()
            .map(|m| (m.frame, m.direction, m.message.message_type.0))
            .collect();
        assert_eq!(
            types,
            [
                (3, C, 1),
                (4, S, 2),
                (11, C, 4),
                (12, S, 8),
                (13, C, 9),
                (14, S, 6),
                (15, C, 7)
            ]
        );
        assert_eq!((s.messages_total, s.messages_not_listed), (7, 0));
        assert!(s
            .messages
            .iter()
            .all(|m| m.anomalies.is_empty() && m.deviation.is_none()));
        assert_eq!(
            (s.deviations.clone(), s.stream_problems.clone()),
            (vec![], vec![])
        );
        assert_eq!((s.tcp_gaps, s.tcp_missing_bytes), (0, 0));

        let leaf_sha256 = hex(cert_hash(HashProtocol::Sha256, &leaf_der()).digest());
        assert_eq!(
            s.crypto_binding,
            Some(CryptoBindingReport {
                call_connect_ack_frame: Some(4),
                hash_protocol_bitmask: Some(3),
                offered_hash_protocols: vec!["SHA1", "SHA256"],
                request_nonce: Some(hex(&NONCE)),
                call_connected_frame: Some(11),
                hash_protocol: Some("SHA256"),
                hash_protocol_code: Some(2),
                hash_protocol_offered: true,
                hash_protocol_frames: vec![4, 11],
                nonce: Some(hex(&NONCE)),
                nonce_matches: Some(true),
                nonce_frames: vec![4, 11],
                cert_hash: Some(leaf_sha256.clone()),
                tls_certificate_hash: None,
                cert_hash_matches_tls_certificate: None,
                tls_certificate_frames: vec![],
                cert_hash_matches_given: Some(true),
                cert_hash_matched: Some("--cert certificate 1".into()),
                given_values_compared: 1,
                cert_hash_frames: vec![11],
                compound_mac: CompoundMacVerdict::Verified,
                compound_mac_reason: None,
                hlak: Some("32 zero bytes: PAP produces no keys ([MS-SSTP] §3.2.5.2.2)".into()),
                compound_mac_value: Some(hex(&good_connected()[80..112])),
                padding_is_zero: Some(true),
                compound_mac_frames: vec![9, 10, 11],
            })
        );
        let auth = &s.ppp.auth;
        assert_eq!(
            (
                auth.protocol,
                auth.user.as_deref(),
                auth.result,
                auth.password_verified
            ),
            (
                Some("PAP"),
                Some("alice"),
                Some(crate::ppp::negotiation::AuthResult::Success),
                None
            )
        );
        assert_eq!(s.ppp.frames.total, 6);

        // The JSON names the contract fixes.
        let j = serde_json::to_value(&s).unwrap();
        assert_eq!(
            j["client"],
            serde_json::json!({"ip": "192.0.2.10", "port": 50123})
        );
        assert_eq!(
            j["server"],
            serde_json::json!({"ip": "198.51.100.1", "port": 443})
        );
        assert_eq!(
            (j["transport"].as_str(), j["certainty"].as_str()),
            (Some("plaintext"), Some("confirmed"))
        );
        assert_eq!(j["tls"], serde_json::Value::Null);
        assert_eq!(
            (
                &j["http"]["method"],
                &j["http"]["uri"],
                &j["http"]["uri_ok"],
                &j["http"]["status"]
            ),
            (
                &serde_json::json!("SSTP_DUPLEX_POST"),
                &serde_json::json!(SSTP_URI),
                &serde_json::json!(true),
                &serde_json::json!(200)
            )
        );
        let m = &j["messages"][1];
        assert_eq!(
            (
                &m["frame"],
                &m["time"],
                &m["direction"],
                &m["type_code"],
                &m["type"]
            ),
            (
                &serde_json::json!(4),
                &serde_json::json!(4.0),
                &serde_json::json!("server_to_client"),
                &serde_json::json!(2),
                &serde_json::json!("SSTP_MSG_CALL_CONNECT_ACK")
            )
        );
        assert_eq!(
            m["attributes"][0]["hash_protocols"],
            serde_json::json!(["SHA1", "SHA256"])
        );
        let b = &j["crypto_binding"];
        assert_eq!(
            (
                &b["hash_protocol"],
                &b["nonce_matches"],
                &b["cert_hash"],
                &b["cert_hash_matches_tls_certificate"],
                &b["cert_hash_matches_given"],
                &b["compound_mac"]
            ),
            (
                &serde_json::json!("SHA256"),
                &serde_json::json!(true),
                &serde_json::json!(leaf_sha256),
                &serde_json::Value::Null,
                &serde_json::json!(true),
                &serde_json::json!("verified")
            )
        );
        assert_eq!(j["ppp"]["auth"]["protocol"], serde_json::json!("PAP"));
    }

    #[test]
    fn stream_split_byte_by_byte_gives_the_same_session() {
        let whole = pap_session(0x03, &good_connected(), &BindingContext::empty());
        // All client bytes of frames 1, 3 and 11 (request, Connect Request
        // right behind it, Call Connected) in one-byte pushes.
        let mut run = Run::new(Transport::Plaintext);
        let mut request = http_request(SSTP_URI);
        request.extend(connect_request());
        for b in &request {
            run.t.data(C, std::slice::from_ref(b), 1, Timestamp::new(1, 0));
        }
        run.frame = 1;
        run.send(S, &http_response("200 "));
        run.frame = 3;
        run.send(S, &connect_ack(0x03));
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!(s.http.as_ref().map(|h| h.request_frame), Some(1));
        assert_eq!(s.call_connect_request, Some(at(1)));
        assert_eq!(s.call_connect_ack, Some(at(4)));
        assert_eq!(s.setup_reached, SstpState::CallConnectAcked);
        assert_eq!(whole.setup_reached, SstpState::CallConnected);
    }

    #[test]
    fn call_connected_is_rebuilt_byte_for_byte() {
        let message = good_connected();
        let packet = crate::sstp::wire::parse_packet(&message).unwrap();
        let rebuilt = call_connected_bytes(&packet.header, packet.control().unwrap());
        assert_eq!(rebuilt.map(|b| b.to_vec()), Some(message.clone()));
        // A second attribute makes the message longer: not rebuilt.
        let mut v = vec![0, 0, 0, 2];
        v.extend_from_slice(&[0; 96]);
        let long = control(4, &[attribute(3, &v), status_info(0, 0)]);
        let packet = crate::sstp::wire::parse_packet(&long).unwrap();
        assert_eq!(
            call_connected_bytes(&packet.header, packet.control().unwrap()),
            None
        );
    }

    fn binding_of(s: &SstpSession) -> &CryptoBindingReport {
        s.crypto_binding.as_ref().unwrap()
    }

    #[test]
    fn nonce_mismatch_is_its_own_check() {
        let mut other = NONCE;
        other[0] ^= 0xff;
        let connected = call_connected(HashProtocol::Sha256, &other, &leaf_der(), &hlak_without_keys());
        let s = pap_session(0x03, &connected, &BindingContext::empty());
        let b = binding_of(&s);
        assert_eq!(
            (b.nonce_matches, b.nonce.clone()),
            (Some(false), Some(hex(&other)))
        );
        assert_eq!(b.nonce_frames, [4, 11]);
        assert_eq!(
            (b.hash_protocol_offered, b.compound_mac),
            (true, CompoundMacVerdict::Verified)
        );
        assert_eq!((b.cert_hash_matches_given, b.given_values_compared), (None, 0));
    }

    #[test]
    fn hash_protocol_not_offered() {
        let s = pap_session(0x01, &good_connected(), &BindingContext::empty());
        let b = binding_of(&s);
        assert_eq!(
            (
                b.hash_protocol,
                b.hash_protocol_offered,
                b.offered_hash_protocols.clone(),
                b.hash_protocol_bitmask
            ),
            (Some("SHA256"), false, vec!["SHA1"], Some(1))
        );
        assert_eq!(
            (b.nonce_matches, b.compound_mac),
            (Some(true), CompoundMacVerdict::Verified)
        );
    }

    #[test]
    fn cert_hash_against_given_certificates_and_hashes() {
        let chain = [ca_der(), leaf_der()];
        let ctx = BindingContext {
            credentials: &[],
            certificates: &chain[..1],
            cert_hashes: &[],
        };
        let s = pap_session(0x03, &good_connected(), &ctx);
        let b = binding_of(&s);
        assert_eq!(
            (
                b.cert_hash_matches_given,
                b.cert_hash_matched.clone(),
                b.given_values_compared
            ),
            (Some(false), None, 1)
        );
        assert_eq!(b.compound_mac, CompoundMacVerdict::Verified);

        // Any certificate of a chain file may match.
        let ctx = BindingContext {
            certificates: &chain,
            ..ctx
        };
        let b = binding_of(&pap_session(0x03, &good_connected(), &ctx)).clone();
        assert_eq!(
            (b.cert_hash_matches_given, b.cert_hash_matched.as_deref()),
            (Some(true), Some("--cert certificate 2"))
        );

        // Hashes: only values of the chosen protocol's length compare.
        let sha1 = cert_hash(HashProtocol::Sha1, &leaf_der()).digest().to_vec();
        let sha256 = cert_hash(HashProtocol::Sha256, &leaf_der()).digest().to_vec();
        let only_sha1 = [sha1.clone()];
        let ctx = BindingContext {
            credentials: &[],
            certificates: &[],
            cert_hashes: &only_sha1,
        };
        let b = binding_of(&pap_session(0x03, &good_connected(), &ctx)).clone();
        assert_eq!((b.cert_hash_matches_given, b.given_values_compared), (None, 0));
        let both = [sha1, vec![0; 32], sha256];
        let ctx = BindingContext {
            cert_hashes: &both,
            ..ctx
        };
        let b = binding_of(&pap_session(0x03, &good_connected(), &ctx)).clone();
        assert_eq!(
            (
                b.cert_hash_matches_given,
                b.cert_hash_matched.as_deref(),
                b.given_values_compared
            ),
            (Some(true), Some("--cert-hash 3"), 2)
        );
    }

    #[test]
    fn compound_mac_mismatch_under_the_pap_hlak() {
        let mut connected = good_connected();
        connected[90] ^= 0x01;
        let s = pap_session(0x03, &connected, &BindingContext::empty());
        let b = binding_of(&s);
        assert_eq!(
            (b.compound_mac, b.compound_mac_reason.clone()),
            (CompoundMacVerdict::Mismatch, None)
        );
        assert_eq!(
            b.hlak.as_deref(),
            Some("32 zero bytes: PAP produces no keys ([MS-SSTP] §3.2.5.2.2)")
        );
        assert_eq!((b.nonce_matches, b.hash_protocol_offered), (Some(true), true));
        // A MAC computed under another key fails the same way.
        let other = call_connected(HashProtocol::Sha256, &NONCE, &leaf_der(), &Hlak::new([7; 32]));
        let s = pap_session(0x03, &other, &BindingContext::empty());
        assert_eq!(binding_of(&s).compound_mac, CompoundMacVerdict::Mismatch);
    }

    #[test]
    fn sha1_binding_verifies() {
        let connected = call_connected(HashProtocol::Sha1, &NONCE, &leaf_der(), &hlak_without_keys());
        let s = pap_session(0x01, &connected, &BindingContext::empty());
        let b = binding_of(&s);
        assert_eq!(
            (
                b.hash_protocol,
                b.hash_protocol_offered,
                b.compound_mac,
                b.padding_is_zero
            ),
            (Some("SHA1"), true, CompoundMacVerdict::Verified, Some(true))
        );
        assert_eq!(
            b.cert_hash.as_deref(),
            Some("70a26017d7a9e72aef1e8f0e5f7e0463a71a5101")
        );
    }

    /// An MS-CHAPv2 session for `password` (frames 1–10), then Call
    /// Connected with the binding computed under the MS-CHAPv2 HLAK.
    fn ms_chap_v2_session(password: &str, credentials: &[crate::ppp::verify::Credential]) -> SstpSession {
        use crate::crypto::mppe::{MasterKeys, Side};
        use crate::crypto::mschapv2::{generate_authenticator_response, generate_nt_response};
        let challenge = [0x21; 16];
        let peer = [0x43; 16];
        let nt = generate_nt_response(&challenge, &peer, b"bob", password);
        let auth = generate_authenticator_response(password, &nt, &peer, &challenge, b"bob");
        let success = format!(
            "S={} M=welcome",
            auth.iter().map(|b| format!("{b:02X}")).collect::<String>()
        );
        let server_lcp = [build::lcp_auth_chap(0x81), build::lcp_magic(0x1111_1111)];
        let client_lcp = [build::lcp_magic(0x2222_2222)];
        let mut run = Run::new(Transport::Plaintext);
        run.send(C, &http_request(SSTP_URI)); // 1
        run.send(S, &http_response("200 ")); // 2
        run.send(C, &connect_request()); // 3
        run.send(S, &connect_ack(0x02)); // 4
        run.send(S, &lcp(1, 1, &server_lcp)); // 5
        run.send(C, &lcp(1, 1, &client_lcp)); // 6
        run.send(C, &lcp(2, 1, &server_lcp)); // 7
        run.send(S, &lcp(2, 1, &client_lcp)); // 8
        let chap = |p: Vec<u8>| data(&build::frame(0xC223, &p));
        run.send(S, &chap(build::chap_value(1, 5, &challenge, b"srv"))); // 9
        run.send(
            C,
            &chap(build::chap_value(
                2,
                5,
                &build::ms_chap_v2_value(peer, nt),
                b"bob",
            )),
        ); // 10
        run.send(S, &chap(build::packet(3, 5, success.as_bytes()))); // 11
        let hlak = MasterKeys::from_mschapv2(
            &crate::crypto::Secret::new(password.to_string()),
            &nt,
            Side::Client,
        )
        .sstp_hlak();
        run.send(
            C,
            &call_connected(HashProtocol::Sha256, &NONCE, &leaf_der(), &hlak),
        ); // 12
        run.t.finish(&BindingContext {
            credentials,
            certificates: &[],
            cert_hashes: &[],
        })
    }

    #[test]
    fn ms_chap_v2_binding_needs_the_password() {
        let s = ms_chap_v2_session("hunter2", &[]);
        let b = binding_of(&s);
        assert_eq!(s.ppp.auth.protocol, Some("MS-CHAPv2"));
        assert_eq!(
            (b.compound_mac, b.compound_mac_reason.as_deref(), b.hlak.clone()),
            (
                CompoundMacVerdict::NotChecked,
                Some("MS-CHAPv2 without a matching --credentials password"),
                None
            )
        );
        assert_eq!(b.compound_mac_frames, [10, 11, 12]);

        let right = [crate::ppp::verify::Credential::parse("bob:hunter2").unwrap()];
        let s = ms_chap_v2_session("hunter2", &right);
        let b = binding_of(&s);
        assert_eq!(s.ppp.auth.password_verified, Some(true));
        assert_eq!(b.compound_mac, CompoundMacVerdict::Verified);
        assert_eq!(
            b.hlak.as_deref(),
            Some("MS-CHAPv2 master keys from the --credentials password (MasterSendKey ‖ MasterReceiveKey)")
        );

        let wrong = [crate::ppp::verify::Credential::parse("bob:letmein").unwrap()];
        let s = ms_chap_v2_session("hunter2", &wrong);
        let b = binding_of(&s);
        assert_eq!(s.ppp.auth.password_verified, Some(false));
        assert_eq!(
            (b.compound_mac, b.compound_mac_reason.as_deref()),
            (
                CompoundMacVerdict::NotChecked,
                Some("MS-CHAPv2, but the --credentials password does not match the captured response")
            )
        );
    }

    #[test]
    fn wrong_uri_answered_404() {
        let mut run = Run::new(Transport::Plaintext);
        run.send(C, &http_request("/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD76}/"));
        run.send(
            S,
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nServer: Microsoft-HTTPAPI/2.0\r\n\r\nNot Found",
        );
        run.fin(S);
        run.fin(C);
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!(s.certainty, Certainty::Confirmed);
        let http = s.http.as_ref().unwrap();
        assert_eq!(
            (http.uri_ok, http.status, http.response_frame),
            (false, Some(404), Some(2))
        );
        assert_eq!(
            http.uri_difference.as_deref(),
            Some("the GUID is {BA195980-CD49-458b-9E23-C84EE0ADCD76}, SSTP's is {BA195980-CD49-458b-9E23-C84EE0ADCD75}")
        );
        assert_eq!(
            http.status_meaning,
            Some("Not Found: wrong URI or Host; no SSTP listener at this address, or another web server answered")
        );
        assert_eq!(
            (s.state, s.setup_reached),
            (SstpState::HttpRefused, SstpState::HttpRefused)
        );
        assert_eq!((s.ended_by, s.closed_by), (EndReason::TcpFin, Some(S)));
        // The error page is not read as SSTP.
        assert_eq!((s.messages.len(), s.stream_problems.len()), (0, 0));
        assert_eq!(s.crypto_binding, None);
    }

    #[test]
    fn call_connect_nak_with_its_status() {
        let mut run = Run::new(Transport::Plaintext);
        run.send(C, &http_request(SSTP_URI));
        run.send(S, &http_response("200 "));
        run.send(C, &control(1, &[attribute(1, &[0, 2])]));
        run.send(S, &control(3, &[status_info(1, 4)]));
        run.rst(C);
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!(
            s.call_connect_nak,
            Some(NakInfo {
                at: at(4),
                statuses: vec![StatusRecord {
                    attrib_id: 1,
                    attrib: Some("SSTP_ATTRIB_ENCAPSULATED_PROTOCOL_ID"),
                    status_code: 4,
                    status: Some("ATTRIB_STATUS_VALUE_NOT_SUPPORTED"),
                    attrib_value: String::new(),
                }],
            })
        );
        assert_eq!(
            s.call_connect_nak.as_ref().unwrap().statuses[0].words(),
            "ATTRIB_STATUS_VALUE_NOT_SUPPORTED about SSTP_ATTRIB_ENCAPSULATED_PROTOCOL_ID"
        );
        assert_eq!(
            (s.state, s.ended_by, s.closed_by),
            (SstpState::CallConnectNaked, EndReason::TcpRst, Some(C))
        );
        // The request's protocol 2 is an anomaly the message carries.
        assert_eq!(s.messages[0].anomalies, [Anomaly::ProtocolIdNotPpp(2)]);
        assert_eq!(
            s.deviations,
            [Deviation {
                code: "message_anomaly",
                frame: 3,
                detail: "Call Connect Request: protocol_id_not_ppp".into()
            }]
        );
        assert_eq!(s.crypto_binding, None);
    }

    #[test]
    fn abort_right_after_call_connected() {
        let mut run = Run::new(Transport::Plaintext);
        pap_setup(&mut run, 0x03);
        run.send_at(C, &good_connected(), Timestamp::new(11, 0)); // 11
        run.send_at(
            S,
            &control(5, &[status_info(3, 4)]),
            Timestamp::new(11, 5_000_000),
        ); // 12
        run.send_at(C, &control(5, &[]), Timestamp::new(11, 6_000_000)); // 13
        run.fin(S);
        let s = run.t.finish(&BindingContext::empty());
        let abort = s.abort.clone().unwrap();
        assert_eq!(
            (abort.at.frame, abort.sent_by, abort.answer.map(|a| a.frame)),
            (12, S, Some(13))
        );
        assert!((abort.after_call_connected_secs.unwrap() - 0.005).abs() < 1e-9);
        assert_eq!(
            abort.statuses[0].words(),
            "ATTRIB_STATUS_VALUE_NOT_SUPPORTED about SSTP_ATTRIB_CRYPTO_BINDING"
        );
        assert_eq!(
            (s.state, s.setup_reached, s.ended_by),
            (SstpState::Aborted, SstpState::CallConnected, EndReason::CallAbort)
        );
        assert_eq!(binding_of(&s).compound_mac, CompoundMacVerdict::Verified);
    }

    #[test]
    fn echo_timeout_and_pending_echo() {
        let mut run = Run::new(Transport::Plaintext);
        pap_setup(&mut run, 0x03);
        run.send(C, &good_connected()); // 11
        run.send(C, &control(8, &[])); // 12 client asks
        run.send(S, &control(9, &[])); // 13 answered
        run.send(S, &control(8, &[])); // 14 server asks, no answer
        run.send(S, &control(9, &[])); // 15 a response nobody asked for
        run.rst(S); // 16
        let s = run.t.finish(&BindingContext::empty());
        let e = &s.echo;
        assert_eq!(
            (
                e.requests,
                e.responses,
                e.unanswered,
                e.timed_out,
                e.unmatched_responses
            ),
            (2, 2, 1, 1, 1)
        );
        assert_eq!(
            (e.first_unanswered, e.last_unanswered),
            (Some(at(14)), Some(at(14)))
        );
        assert_eq!((e.rtt_min, e.rtt_max), (Some(1.0), Some(1.0)));
        assert_eq!(e.exchanges.len(), 2);
        assert_eq!(
            (s.ended_by, s.state),
            (EndReason::TcpRst, SstpState::CallConnected)
        );

        // Still waiting when the capture ends with the connection open.
        let mut run = Run::new(Transport::Plaintext);
        pap_setup(&mut run, 0x03);
        run.send(S, &control(8, &[]));
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!(
            (s.echo.unanswered, s.echo.timed_out, s.ended_by),
            (1, 0, EndReason::OpenAtCaptureEnd)
        );

        // Torn down by Call Disconnect, or the peer kept talking: no
        // timeout either.
        let mut run = Run::new(Transport::Plaintext);
        pap_setup(&mut run, 0x03);
        run.send(S, &control(8, &[])); // 11
        run.send(S, &control(6, &[])); // 12
        run.send(C, &control(7, &[])); // 13
        run.fin(C);
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!((s.echo.unanswered, s.echo.timed_out), (1, 0));
        let mut run = Run::new(Transport::Plaintext);
        pap_setup(&mut run, 0x03);
        run.send(S, &control(8, &[])); // 11
        run.send(C, &control(8, &[])); // 12
        run.fin(C);
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!((s.echo.unanswered, s.echo.timed_out), (2, 1));
        assert_eq!(
            (s.echo.first_unanswered, s.echo.last_unanswered),
            (Some(at(11)), Some(at(12)))
        );
    }

    #[test]
    fn many_unanswered_echoes_stay_bounded() {
        let mut run = Run::new(Transport::Plaintext);
        pap_setup(&mut run, 0x03);
        for _ in 0..(MAX_PENDING_ECHOES + 10) {
            run.send(S, &control(8, &[]));
        }
        run.rst(S);
        let s = run.t.finish(&BindingContext::empty());
        let e = &s.echo;
        assert_eq!(
            (e.requests, e.unanswered, e.timed_out, e.exchanges.len()),
            (74, 74, 64, 74)
        );
        assert_eq!(
            (e.first_unanswered, e.last_unanswered),
            (Some(at(11)), Some(at(84)))
        );
    }

    #[test]
    fn request_head_over_two_segments() {
        let mut run = Run::new(Transport::Plaintext);
        let request = http_request(SSTP_URI);
        run.send(C, &request[..30]);
        let mut rest = request[30..].to_vec();
        rest.extend(connect_request());
        run.send(C, &rest);
        let s = run.t.finish(&BindingContext::empty());
        let http = s.http.as_ref().unwrap();
        assert_eq!(
            (http.request_first_frame, http.request_frame, http.request_time),
            (1, 2, 2.0)
        );
        assert_eq!(s.call_connect_request, Some(at(2)));
        assert_eq!(
            (s.state, s.ended_by),
            (SstpState::CallConnectRequested, EndReason::OpenAtCaptureEnd)
        );
    }

    #[test]
    fn ordinary_http_is_not_sstp() {
        let mut run = Run::new(Transport::Plaintext);
        run.send(C, b"GET /index.html HTTP/1.1\r\nHost: example.test\r\n\r\n");
        assert!(run.t.known_not_sstp());
        assert!(!run.t.is_sstp());
        run.send(S, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!(s.certainty, Certainty::Unlikely);
        assert!(!s.is_sstp());
        assert_eq!(
            s.not_sstp_request_line.as_deref(),
            Some("GET /index.html HTTP/1.1")
        );
        assert_eq!((s.http.clone(), s.messages.len()), (None, 0));
    }

    #[test]
    fn capture_starting_after_the_http_exchange() {
        let mut run = Run::new(Transport::Plaintext);
        run.send(C, &control(8, &[]));
        run.send(S, &control(9, &[]));
        run.send(S, &lcp(9, 1, &[]));
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!(
            (s.certainty, s.http.clone(), s.state),
            (Certainty::Confirmed, None, SstpState::None)
        );
        assert_eq!(
            (s.echo.requests, s.echo.responses, s.data.server_to_client.packets),
            (1, 1, 1)
        );
    }

    #[test]
    fn lost_bytes_and_cut_packets_are_reported() {
        let mut run = Run::new(Transport::Plaintext);
        run.send(C, &http_request(SSTP_URI)); // 1
        run.send(S, &http_response("200 ")); // 2
        let request = connect_request();
        run.send(C, &request[..6]); // 3
        run.t.gap(C, 8, 4);
        run.frame = 4;
        run.send(C, &control(8, &[])); // 5
        run.t.gap(S, 10, 6);
        run.frame = 6;
        let ack = connect_ack(3);
        run.send(S, &ack[..20]); // 7
        let s = run.t.finish(&BindingContext::empty());
        assert_eq!((s.tcp_gaps, s.tcp_missing_bytes), (2, 18));
        let kinds: Vec<(&str, Direction, u64, u64)> = s
            .stream_problems
            .iter()
            .map(|p| (p.kind, p.direction, p.frame, p.bytes))
            .collect();
        assert_eq!(
            kinds,
            [
                ("gap", C, 4, 8),
                ("partial", C, 4, 6),
                ("gap", S, 6, 10),
                ("partial", S, 7, 20)
            ]
        );
        assert_eq!(s.echo.requests, 1);
        assert_eq!(s.call_connect_request, None);
    }

    /// Every SSTP tracker candidate of a capture, finished in the order
    /// the flows closed, with what `is_sstp()` said just before finishing:
    /// TCP reassembled by the crate's own tracker, as the pipeline drives
    /// it; the sender of the first bytes that [`classify`] recognises is
    /// the client. `None` when the file is not there.
    pub(crate) fn capture_sessions(path: &str, ctx: &BindingContext<'_>) -> Option<Vec<(SstpSession, bool)>> {
        use crate::capture::{read_capture, Frame};
        use crate::config::Limits;
        use crate::net::tcp::{Dir, StreamEvent, TcpTracker};
        use crate::net::{Decoder, Packet, Transport as NetTransport};
        use std::collections::HashMap;

        enum Flow {
            Pending(SocketAddr, SocketAddr),
            Sstp(Box<SstpTracker>, Dir),
            Other,
        }
        let mut file = std::fs::File::open(path).ok()?;
        let limits = Limits::default();
        let mut decoder = Decoder::new(&limits);
        let mut tcp = TcpTracker::new(&limits);
        let mut flows: HashMap<u64, Flow> = HashMap::new();
        let mut done = Vec::new();
        let mut count = 0;
        let mut event = |flow: u64, ev: &StreamEvent<'_>| {
            let role = |client_dir: Dir, dir: Dir| if dir == client_dir { C } else { S };
            match *ev {
                StreamEvent::Opened { a, b, .. } => {
                    flows.insert(flow, Flow::Pending(a, b));
                }
                StreamEvent::Data {
                    dir,
                    bytes,
                    frame,
                    ts,
                } => {
                    let entry = flows.get_mut(&flow)?;
                    if let Flow::Pending(a, b) = *entry {
                        *entry = match classify(bytes) {
                            Some(transport) => {
                                let (client, server) = if dir == Dir::AtoB { (a, b) } else { (b, a) };
                                count += 1;
                                let id = format!("sstp-{count}");
                                Flow::Sstp(Box::new(SstpTracker::new(id, client, server, transport)), dir)
                            }
                            None => Flow::Other,
                        };
                    }
                    if let Flow::Sstp(t, client_dir) = entry {
                        t.data(role(*client_dir, dir), bytes, frame, ts);
                    }
                }
                StreamEvent::Gap {
                    dir, missing, frame, ..
                } => {
                    if let Some(Flow::Sstp(t, client_dir)) = flows.get_mut(&flow) {
                        t.gap(role(*client_dir, dir), missing, frame);
                    }
                }
                StreamEvent::Fin { dir, frame, ts } => {
                    if let Some(Flow::Sstp(t, client_dir)) = flows.get_mut(&flow) {
                        t.fin(role(*client_dir, dir), frame, ts);
                    }
                }
                StreamEvent::Rst { dir, frame, ts } => {
                    if let Some(Flow::Sstp(t, client_dir)) = flows.get_mut(&flow) {
                        t.rst(role(*client_dir, dir), frame, ts);
                    }
                }
                StreamEvent::Closed { .. } => {
                    if let Some(Flow::Sstp(t, _)) = flows.remove(&flow) {
                        let is_sstp = t.is_sstp();
                        done.push((t.finish(ctx), is_sstp));
                    }
                }
                StreamEvent::Retransmission { .. } => {}
            }
            Some(())
        };
        read_capture(&mut file, path, &mut |frame: &Frame<'_>| {
            decoder.decode(frame, &mut |packet: &Packet<'_>| {
                if let NetTransport::Tcp(seg) = &packet.transport {
                    tcp.segment(&packet.ip, seg, packet.frame, packet.ts, &mut |flow, ev| {
                        event(flow, ev);
                    });
                }
            });
        })
        .ok()?;
        tcp.finish(&mut |flow, ev| {
            event(flow, ev);
        });
        Some(done)
    }

    /// MANIFEST S1: Windows client to Windows Server RRAS over TLS 1.0, no
    /// keys given, so only the encrypted shape is visible.
    #[test]
    fn real_capture_sstp_windows_rras_is_likely() {
        let Some(sessions) = capture_sessions(
            "../shared/captures/ajbanjara_Wireshark__sstp2.pcap",
            &BindingContext::empty(),
        ) else {
            return;
        };
        assert_eq!(sessions.len(), 1);
        let (s, is_sstp) = &sessions[0];
        assert!(is_sstp);
        assert_eq!((s.transport, s.certainty), (Transport::Tls, Certainty::Likely));
        assert_eq!(
            (s.client, s.server),
            (
                Endpoint::from("172.16.1.2:49157".parse::<SocketAddr>().unwrap()),
                Endpoint::from("172.16.1.1:443".parse::<SocketAddr>().unwrap())
            )
        );
        assert_eq!(
            s.likely_reasons,
            [
                "TCP port 443, where SSTP listens",
                "SNI \"vpn-server.pro3.local\"",
                "the client offered no ALPN, as Windows' SSTP client does",
                "application data in both directions for 88.5 s",
                "531 application-data records, 91% of them at most 256 bytes (mean 104 bytes): the small records \
                 of PPP negotiation, keepalives and tunnelled packets rather than an HTTP transfer",
            ]
        );
        let tls = s.tls.as_ref().unwrap();
        assert_eq!(tls.sni.as_deref(), Some("vpn-server.pro3.local"));
        assert_eq!(
            tls.cipher_suite,
            Some(crate::tls::codes::CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA)
        );
        let leaf = s.tls_leaf().unwrap();
        assert_eq!(
            (leaf.sha1.as_str(), leaf.sha256.as_str()),
            (
                "1d73e4699ecf250877bea5f61e2ca53a4e671ddd",
                "1ce419162d5bbae82487aabf8945dc8a05d582492c2f334c193436932e637c13"
            )
        );
        assert_eq!(
            (s.http.clone(), s.messages.len(), s.crypto_binding.clone()),
            (None, 0, None)
        );
        assert_eq!((s.state, s.setup_reached), (SstpState::None, SstpState::None));
        assert_eq!(s.ppp.phase_reached, crate::ppp::negotiation::LinkPhase::Dead);
        assert_eq!(s.stream_problems_total, 0);
        let j = serde_json::to_value(s).unwrap();
        assert_eq!(
            (
                &j["transport"],
                &j["certainty"],
                &j["http"],
                &j["crypto_binding"],
                &j["messages"]
            ),
            (
                &serde_json::json!("tls"),
                &serde_json::json!("likely"),
                &serde_json::Value::Null,
                &serde_json::Value::Null,
                &serde_json::json!([])
            )
        );
        assert_eq!(
            (
                &j["tls"]["sni"],
                &j["tls"]["cipher_suite"],
                &j["likely_reasons"][0]
            ),
            (
                &serde_json::json!("vpn-server.pro3.local"),
                &serde_json::json!("TLS_RSA_WITH_AES_128_CBC_SHA"),
                &serde_json::json!("TCP port 443, where SSTP listens")
            )
        );
        assert_eq!((s.ended_by, s.closed_by), (EndReason::TcpFin, Some(S)));
    }

    /// MANIFEST S2: SSTP over TLS 1.0 without keys.
    #[test]
    fn real_capture_sstp_session_example_is_likely() {
        let Some(sessions) = capture_sessions(
            "../shared/captures/hugsy_sstoper__SSTP_Session_example.pcap",
            &BindingContext::empty(),
        ) else {
            return;
        };
        assert_eq!(sessions.len(), 1);
        let (s, is_sstp) = &sessions[0];
        assert!(is_sstp);
        assert_eq!((s.transport, s.certainty), (Transport::Tls, Certainty::Likely));
        assert_eq!(
            (s.client, s.server),
            (
                Endpoint::from("172.16.0.3:49229".parse::<SocketAddr>().unwrap()),
                Endpoint::from("172.16.0.1:443".parse::<SocketAddr>().unwrap())
            )
        );
        assert_eq!(
            s.likely_reasons,
            [
                "TCP port 443, where SSTP listens",
                "SNI \"vpn.coyote.looney\"",
                "the client offered no ALPN, as Windows' SSTP client does",
                "application data in both directions for 40.6 s",
                "119 application-data records, 98% of them at most 256 bytes (mean 112 bytes): the small records \
                 of PPP negotiation, keepalives and tunnelled packets rather than an HTTP transfer",
            ]
        );
        let tls = s.tls.as_ref().unwrap();
        assert_eq!(tls.sni.as_deref(), Some("vpn.coyote.looney"));
        assert_eq!(
            tls.cipher_suite,
            Some(crate::tls::codes::CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA)
        );
        assert_eq!(
            s.tls_leaf().map(|c| c.sha256.as_str()),
            Some("1a2771eae44c22780c6be37eabedfc113425a99380e2fc077cb6e60e02cdef5a")
        );
        assert_eq!((s.http.clone(), s.crypto_binding.clone()), (None, None));
    }

    /// MANIFEST N8: ordinary HTTPS on 443 is not SSTP.
    #[test]
    fn real_capture_https_is_not_sstp() {
        let Some(sessions) = capture_sessions(
            "../shared/captures/negatives/ajbanjara_Wireshark__rsasnakeoil2.cap",
            &BindingContext::empty(),
        ) else {
            return;
        };
        assert_eq!(sessions.len(), 2);
        for (s, is_sstp) in &sessions {
            assert!(!is_sstp);
            assert_eq!((s.transport, s.certainty), (Transport::Tls, Certainty::Unlikely));
            assert!(!s.is_sstp());
            assert_eq!(s.likely_reasons, Vec::<String>::new());
        }
    }
}
