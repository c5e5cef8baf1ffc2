//! The PPTP control connection and its calls, rebuilt from decoded messages
//! (RFC 2637 §3).
//!
//! A [`ControlSession`] is fed messages in stream order per direction plus
//! the TCP events of its connection. It keeps the facts a report needs (who
//! is client and server, what each side announced, every call with its two
//! Call IDs, echoes, how it ended) and records deviations from the RFC 2637
//! message flow as [`Violation`]s with frame numbers. It produces no text
//! meant for people beyond short field summaries; findings are made in
//! [`crate::analysis`].

use std::collections::VecDeque;
use std::net::SocketAddr;

use serde::Serialize;

use crate::capture::Timestamp;
use crate::gre::seqtrack::SeqStats;
use crate::net::tcp::CloseReason;
use crate::net::tcp::Dir;
use crate::pptp::wire::{Body, Message};
pub use crate::roles::{At, Direction};

/// Pending echo requests remembered per session before the oldest is
/// written off as unanswered.
const MAX_PENDING_ECHOES: usize = 256;
/// Calls kept per session; further calls are counted only.
const MAX_CALLS: usize = 4096;
/// Echo exchanges listed per session (counts stay exact).
const MAX_ECHOES_LISTED: usize = 1000;
/// Set-Link-Info messages listed per call.
const MAX_LINK_INFO: usize = 64;
/// Violations kept per session (counts stay exact).
const MAX_VIOLATIONS: usize = 1000;

/// An IP address and TCP port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    pub ip: std::net::IpAddr,
    pub port: u16,
}

impl From<SocketAddr> for Endpoint {
    fn from(s: SocketAddr) -> Self {
        Endpoint {
            ip: s.ip(),
            port: s.port(),
        }
    }
}

/// What one side announced in its Start-Control-Connection message.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PeerInfo {
    pub protocol_version: Option<String>,
    pub host_name: Option<String>,
    pub vendor: Option<String>,
    pub firmware_revision: Option<u16>,
    pub max_channels: Option<u16>,
    pub framing_capabilities: Vec<&'static str>,
    pub bearer_capabilities: Vec<&'static str>,
}

/// The state the control connection reached (RFC 2637 §3.1.1, seen from
/// the outside).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlState {
    /// TCP seen, no Start-Control-Connection-Request yet.
    Idle,
    /// Request sent, no reply yet.
    WaitReply,
    /// Reply with result 1: calls may be placed.
    Established,
    /// Reply with a result other than 1.
    Refused,
    /// Stop-Control-Connection-Request sent, no reply yet.
    Stopping,
    /// Stop-Control-Connection-Reply seen.
    Stopped,
}

/// How the control connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// Stop-Control-Connection-Request (and usually its reply).
    StopControlConnection,
    /// TCP FIN without a Stop exchange first.
    TcpFin,
    /// TCP RST.
    TcpRst,
    /// The capture ended with the connection still open.
    OpenAtCaptureEnd,
    /// The flow was dropped from the TCP flow table (limit reached).
    Evicted,
}

/// The Stop-Control-Connection exchange.
#[derive(Debug, Clone, Serialize)]
pub struct StopInfo {
    pub request: At,
    pub sent_by: Direction,
    pub reason_code: u8,
    pub reason: Option<&'static str>,
    pub reply: Option<At>,
    pub result_code: Option<u8>,
    pub result: Option<&'static str>,
    pub error_code: Option<u8>,
}

/// One Echo-Request and its reply, if any.
#[derive(Debug, Clone, Serialize)]
pub struct Echo {
    pub identifier: u32,
    pub sent_by: Direction,
    pub request: At,
    pub reply: Option<At>,
    pub result_code: Option<u8>,
    /// Seconds from request to reply.
    pub rtt: Option<f64>,
}

/// Echo statistics for a session.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EchoSummary {
    pub requests: u64,
    pub replies: u64,
    pub unanswered: u64,
    pub unmatched_replies: u64,
    pub rtt_min: Option<f64>,
    pub rtt_max: Option<f64>,
    /// The exchanges, oldest first (capped; counts above stay exact).
    pub exchanges: Vec<Echo>,
}

/// Whether the PNS or the PAC asked for the call (RFC 2637 §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallKind {
    /// Outgoing-Call-Request from the client (the usual VPN case).
    Outgoing,
    /// Incoming-Call-Request from the server.
    Incoming,
}

/// A call's state when the capture ends or the call ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallState {
    /// Requested, not yet answered.
    Requested,
    /// Incoming call answered by the PNS, waiting for Incoming-Call-Connected.
    Answered,
    /// Up: data may flow.
    Connected,
    /// The reply refused the call.
    Rejected,
    /// Call-Clear-Request sent, no Call-Disconnect-Notify yet.
    Clearing,
    /// Call-Disconnect-Notify seen.
    Disconnected,
    /// Cleared implicitly by Stop-Control-Connection or the end of the TCP
    /// connection.
    ClosedWithControl,
}

/// A Set-Link-Info message applied to a call.
#[derive(Debug, Clone, Serialize)]
pub struct LinkInfo {
    pub frame: u64,
    pub time: f64,
    pub sent_by: Direction,
    pub send_accm: u32,
    pub receive_accm: u32,
}

/// The Call-Disconnect-Notify of a call.
#[derive(Debug, Clone, Serialize)]
pub struct Disconnect {
    pub frame: u64,
    pub time: f64,
    pub result_code: u8,
    pub result: Option<&'static str>,
    pub error_code: u8,
    pub error: Option<&'static str>,
    pub cause_code: u16,
    pub call_statistics: String,
}

/// WAN-Error-Notify counters (cumulative; the last message wins).
#[derive(Debug, Clone, Serialize)]
pub struct WanErrors {
    pub messages: u64,
    pub last_frame: u64,
    pub crc_errors: u32,
    pub framing_errors: u32,
    pub hardware_overruns: u32,
    pub buffer_overruns: u32,
    pub timeout_errors: u32,
    pub alignment_errors: u32,
}

/// One PPTP call: a PPP session carried in GRE, identified by the Call ID
/// each side chose.
#[derive(Debug, Clone, Serialize)]
pub struct Call {
    /// 0-based position in the session's call list.
    pub index: usize,
    pub kind: CallKind,
    /// The PNS's (client's) Call ID: carried by GRE server → client.
    pub client_call_id: Option<u16>,
    /// The PAC's (server's) Call ID: carried by GRE client → server.
    pub server_call_id: Option<u16>,
    pub call_serial_number: Option<u16>,
    pub state: CallState,
    /// Outcome in words, for tables.
    pub outcome: String,
    pub request: Option<At>,
    pub reply: Option<At>,
    /// Incoming-Call-Connected.
    pub connected: Option<At>,
    pub result_code: Option<u8>,
    pub result: Option<&'static str>,
    pub error_code: Option<u8>,
    pub error: Option<&'static str>,
    pub cause_code: Option<u16>,
    pub minimum_bps: Option<u32>,
    pub maximum_bps: Option<u32>,
    pub connect_speed: Option<u32>,
    pub bearer_type: Option<u32>,
    pub framing_type: Option<u32>,
    /// Packet Receive Window Size the client announced.
    pub client_window: Option<u16>,
    /// Packet Receive Window Size the server announced.
    pub server_window: Option<u16>,
    /// Packet Processing / Transmit Delay the client announced (1/10 s).
    pub client_processing_delay: Option<u16>,
    /// Packet Processing / Transmit Delay the server announced (1/10 s).
    pub server_processing_delay: Option<u16>,
    pub physical_channel_id: Option<u32>,
    pub phone_number: Option<String>,
    pub subaddress: Option<String>,
    pub dialed_number: Option<String>,
    pub dialing_number: Option<String>,
    pub set_link_info: Vec<LinkInfo>,
    pub clear_request: Option<At>,
    pub disconnect: Option<Disconnect>,
    pub wan_errors: Option<WanErrors>,
    /// When the call stopped carrying data (disconnect, or end of control
    /// connection); used to tie GRE to calls whose IDs are reused.
    pub ended: Option<At>,
    /// Sequence analysis of the call's GRE, per direction (null when none
    /// was seen that way).
    pub gre: CallGre,
    /// The PPP link inside the call's GRE (null when no PPP was seen).
    pub ppp: Option<Box<crate::ppp::negotiation::PppReport>>,
    /// Secrets found in the capture, only with `--show-secrets`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrets: Option<ShownSecrets>,
}

/// Secrets shown on request (`--show-secrets`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ShownSecrets {
    /// The PAP password, as sent (lossy UTF-8).
    pub pap_password: Option<String>,
}

/// A call's GRE statistics per direction.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CallGre {
    pub client_to_server: Option<SeqStats>,
    pub server_to_client: Option<SeqStats>,
}

impl Call {
    fn new(index: usize, kind: CallKind) -> Self {
        Call {
            index,
            kind,
            client_call_id: None,
            server_call_id: None,
            call_serial_number: None,
            state: CallState::Requested,
            outcome: String::new(),
            request: None,
            reply: None,
            connected: None,
            result_code: None,
            result: None,
            error_code: None,
            error: None,
            cause_code: None,
            minimum_bps: None,
            maximum_bps: None,
            connect_speed: None,
            bearer_type: None,
            framing_type: None,
            client_window: None,
            server_window: None,
            client_processing_delay: None,
            server_processing_delay: None,
            physical_channel_id: None,
            phone_number: None,
            subaddress: None,
            dialed_number: None,
            dialing_number: None,
            set_link_info: Vec::new(),
            clear_request: None,
            disconnect: None,
            wan_errors: None,
            ended: None,
            gre: CallGre::default(),
            ppp: None,
            secrets: None,
        }
    }

    /// True while the call can still receive messages for its IDs.
    fn is_live(&self) -> bool {
        !matches!(
            self.state,
            CallState::Rejected | CallState::Disconnected | CallState::ClosedWithControl
        )
    }

    /// True once the call is set up and may carry data.
    pub fn is_up(&self) -> bool {
        match self.state {
            CallState::Connected | CallState::Clearing => true,
            CallState::Requested | CallState::Answered | CallState::Rejected => false,
            CallState::Disconnected | CallState::ClosedWithControl => {
                self.connected.is_some() || (self.kind == CallKind::Outgoing && self.result_code == Some(1))
            }
        }
    }

    /// True once the call has ended.
    pub fn is_over(&self) -> bool {
        !self.is_live()
    }

    /// The time from which GRE for this call is expected.
    pub fn up_since(&self) -> Option<At> {
        self.connected.or(self.reply).or(self.request)
    }
}

/// A departure from the RFC 2637 message flow.
#[derive(Debug, Clone, Serialize)]
pub struct Violation {
    /// Stable snake_case kind (becomes the finding code).
    pub kind: ViolationKind,
    pub frame: u64,
    pub detail: String,
}

/// The kinds of flow deviation tracked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationKind {
    /// A call message before the control connection was established.
    CallBeforeControlConnection,
    /// A reply with no matching request.
    ReplyWithoutRequest,
    /// A message after Stop-Control-Connection.
    MessageAfterStop,
    /// A message only the other role may send.
    WrongSender,
    /// A second Start-Control-Connection-Request on a connection.
    DuplicateStart,
    /// A message names a Call ID that no call in this session has.
    UnknownCallId,
}

impl ViolationKind {
    pub fn code(self) -> &'static str {
        match self {
            ViolationKind::CallBeforeControlConnection => "pptp_call_before_control_connection",
            ViolationKind::ReplyWithoutRequest => "pptp_reply_without_request",
            ViolationKind::MessageAfterStop => "pptp_message_after_stop",
            ViolationKind::WrongSender => "pptp_wrong_sender",
            ViolationKind::DuplicateStart => "pptp_duplicate_start",
            ViolationKind::UnknownCallId => "pptp_unknown_call_id",
        }
    }
}

/// One decoded message as the report lists it.
#[derive(Debug, Clone, Serialize)]
pub struct MessageRecord {
    pub frame: u64,
    /// The frame holding the message's first byte when it spans segments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_frame: Option<u64>,
    pub time: f64,
    pub direction: Direction,
    pub type_code: u16,
    #[serde(rename = "type")]
    pub type_name: String,
    pub length: u16,
    #[serde(flatten)]
    pub body: Body,
    /// Validation problems (stable codes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub anomalies: Vec<String>,
    /// Why this message breaks the normal flow, if it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deviation: Option<ViolationKind>,
}

/// A problem with the control channel's bytes (not with its messages).
#[derive(Debug, Clone, Serialize)]
pub struct StreamProblem {
    pub kind: StreamProblemKind,
    pub direction: Direction,
    pub frame: u64,
    /// Bytes missing (gap) or skipped (desync).
    pub bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// What went wrong with the byte stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamProblemKind {
    /// TCP bytes never captured.
    Gap,
    /// Bytes at a message boundary that are not a PPTP header (bad magic
    /// cookie or impossible length); skipped until a valid header.
    Desync,
    /// A message whose length cannot hold its type's fields.
    Undecodable,
    /// A message cut short by lost bytes or the end of the connection.
    Partial,
}

/// A message's anomaly, remembered for findings.
#[derive(Debug, Clone, Serialize)]
pub struct AnomalyRecord {
    pub code: &'static str,
    pub frame: u64,
    pub detail: String,
}

/// The TCP connection a control session runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpFlow {
    /// The endpoint that opened the connection (or sent first).
    pub a: SocketAddr,
    pub b: SocketAddr,
    /// True when the capture holds the TCP handshake.
    pub syn_seen: bool,
}

/// One PPTP control connection and everything it carried.
#[derive(Debug, Clone, Serialize)]
pub struct ControlSession {
    pub id: String,
    pub client: Endpoint,
    pub server: Endpoint,
    /// How the roles were decided: `start_request`, `message_roles`,
    /// `port_1723`, `tcp_handshake`.
    pub roles_from: &'static str,
    /// True when the capture begins after the control connection was set up.
    pub started_mid_session: bool,
    pub tcp_handshake_seen: bool,
    pub state: ControlState,
    pub start: At,
    pub end: Option<At>,
    pub ended_by: EndReason,
    /// The side that sent the first FIN or the RST, when TCP ended it.
    pub closed_by: Option<Direction>,
    /// The first TCP FIN.
    pub tcp_fin: Option<At>,
    /// The TCP RST, if one ended the connection.
    pub tcp_rst: Option<At>,
    pub protocol_version: Option<String>,
    pub client_info: PeerInfo,
    pub server_info: PeerInfo,
    pub start_request: Option<At>,
    pub start_reply: Option<At>,
    pub start_result_code: Option<u8>,
    pub start_result: Option<&'static str>,
    pub start_error_code: Option<u8>,
    pub stop: Option<StopInfo>,
    pub echo: EchoSummary,
    pub calls: Vec<Call>,
    pub calls_dropped: u64,
    pub messages: Vec<MessageRecord>,
    pub messages_total: u64,
    pub messages_dropped: u64,
    pub violations: Vec<Violation>,
    pub violations_total: u64,
    pub anomalies: Vec<AnomalyRecord>,
    pub stream_problems: Vec<StreamProblem>,
    pub tcp_retransmissions: u64,

    #[serde(skip)]
    client_dir: Dir,
    #[serde(skip)]
    pending_echoes: VecDeque<(Direction, u32, usize)>,
    #[serde(skip)]
    max_messages: usize,
    #[serde(skip)]
    any_message: bool,
}

impl ControlSession {
    /// A session for a TCP flow between `a` and `b` whose first PPTP
    /// message `first` was sent in direction `dir` (a→b or b→a).
    pub fn new(
        id: String,
        flow: &TcpFlow,
        first: &Message,
        dir: Dir,
        start: At,
        max_messages: usize,
    ) -> Self {
        let TcpFlow { a, b, syn_seen } = *flow;
        let (client_dir, roles_from) = decide_roles(a, b, first, dir);
        let (client, server) = match client_dir {
            Dir::AtoB => (a, b),
            Dir::BtoA => (b, a),
        };
        // With the TCP handshake in the capture nothing came before the first
        // message; without it, a first message other than the request means
        // the capture began after set-up.
        let started_mid_session = !syn_seen && !matches!(first.body, Body::StartControlConnectionRequest(_));
        ControlSession {
            id,
            client: client.into(),
            server: server.into(),
            roles_from,
            started_mid_session,
            tcp_handshake_seen: syn_seen,
            state: if started_mid_session {
                ControlState::Established
            } else {
                ControlState::Idle
            },
            start,
            end: None,
            ended_by: EndReason::OpenAtCaptureEnd,
            closed_by: None,
            tcp_fin: None,
            tcp_rst: None,
            protocol_version: None,
            client_info: PeerInfo::default(),
            server_info: PeerInfo::default(),
            start_request: None,
            start_reply: None,
            start_result_code: None,
            start_result: None,
            start_error_code: None,
            stop: None,
            echo: EchoSummary::default(),
            calls: Vec::new(),
            calls_dropped: 0,
            messages: Vec::new(),
            messages_total: 0,
            messages_dropped: 0,
            violations: Vec::new(),
            violations_total: 0,
            anomalies: Vec::new(),
            stream_problems: Vec::new(),
            tcp_retransmissions: 0,
            client_dir,
            pending_echoes: VecDeque::new(),
            max_messages,
            any_message: false,
        }
    }

    /// Maps a TCP direction to client/server.
    pub fn direction(&self, dir: Dir) -> Direction {
        if dir == self.client_dir {
            Direction::ClientToServer
        } else {
            Direction::ServerToClient
        }
    }

    /// The TCP direction in which the client sends.
    pub fn client_dir(&self) -> Dir {
        self.client_dir
    }

    fn violation(&mut self, kind: ViolationKind, frame: u64, detail: String) -> Option<ViolationKind> {
        self.violations_total += 1;
        if self.violations.len() < MAX_VIOLATIONS {
            self.violations.push(Violation { kind, frame, detail });
        }
        Some(kind)
    }

    /// Records a problem with the control channel's byte stream.
    pub fn stream_problem(&mut self, problem: StreamProblem) {
        if self.stream_problems.len() < MAX_VIOLATIONS {
            self.stream_problems.push(problem);
        }
    }

    /// Counts a TCP retransmission on the control connection.
    pub fn retransmission(&mut self) {
        self.tcp_retransmissions += 1;
    }

    /// Feeds one decoded message. `frame` holds its last byte, `first_frame`
    /// its first.
    pub fn message(&mut self, msg: &Message, dir: Dir, frame: u64, first_frame: u64, ts: Timestamp) {
        let direction = self.direction(dir);
        let at = At::new(frame, ts);
        self.messages_total += 1;
        let after_stop = matches!(self.state, ControlState::Stopped)
            || (matches!(self.state, ControlState::Stopping)
                && !matches!(msg.body, Body::StopControlConnectionReply(_)));
        let mut deviation = if after_stop {
            self.violation(
                ViolationKind::MessageAfterStop,
                frame,
                format!("{} after Stop-Control-Connection", type_name(msg)),
            )
        } else {
            None
        };
        if let Some(kind) = self.check_sender(msg, direction, frame) {
            deviation = deviation.or(Some(kind));
        }
        let flow_deviation = self.apply(msg, direction, at);
        deviation = deviation.or(flow_deviation);
        self.any_message = true;

        for anomaly in &msg.anomalies {
            if self.anomalies.len() < MAX_VIOLATIONS {
                self.anomalies.push(AnomalyRecord {
                    code: anomaly.code(),
                    frame,
                    detail: anomaly.describe(),
                });
            }
        }
        if self.messages.len() < self.max_messages {
            self.messages.push(MessageRecord {
                frame,
                first_frame: (first_frame != frame).then_some(first_frame),
                time: at.time,
                direction,
                type_code: msg.header.control_message_type.0,
                type_name: type_name(msg),
                length: msg.header.length,
                body: msg.body.clone(),
                anomalies: msg.anomalies.iter().map(|a| a.code().to_string()).collect(),
                deviation,
            });
        } else {
            self.messages_dropped += 1;
        }
    }

    /// Flags messages only the other role may send (RFC 2637 §1.3).
    fn check_sender(&mut self, msg: &Message, direction: Direction, frame: u64) -> Option<ViolationKind> {
        let expected = match msg.body {
            Body::OutgoingCallRequest(_) | Body::IncomingCallReply(_) | Body::CallClearRequest(_) => {
                Direction::ClientToServer
            }
            // RFC 2637 has only the PNS send Set-Link-Info, but Windows
            // servers send it to clients too (carrying the client's Call ID);
            // that is normal practice, not a fault.
            Body::SetLinkInfo(_) => return None,
            Body::OutgoingCallReply(_)
            | Body::IncomingCallRequest(_)
            | Body::IncomingCallConnected(_)
            | Body::CallDisconnectNotify(_)
            | Body::WanErrorNotify(_) => Direction::ServerToClient,
            _ => return None,
        };
        if expected == direction {
            return None;
        }
        let who = match direction {
            Direction::ClientToServer => "client (PNS)",
            Direction::ServerToClient => "server (PAC)",
        };
        self.violation(
            ViolationKind::WrongSender,
            frame,
            format!(
                "{} sent by the {who}; RFC 2637 has the other side send it",
                type_name(msg)
            ),
        )
    }

    fn established_or_unknown(&self) -> bool {
        self.started_mid_session || matches!(self.state, ControlState::Established | ControlState::Stopping)
    }

    /// Applies a message to the session state; returns a flow deviation.
    fn apply(&mut self, msg: &Message, direction: Direction, at: At) -> Option<ViolationKind> {
        let frame = at.frame;
        match &msg.body {
            Body::StartControlConnectionRequest(m) => {
                let info = PeerInfo {
                    protocol_version: Some(m.protocol_version.to_string()),
                    host_name: Some(m.host_name.clone()),
                    vendor: Some(m.vendor_string.clone()),
                    firmware_revision: Some(m.firmware_revision),
                    max_channels: Some(m.maximum_channels),
                    framing_capabilities: m.framing_capabilities.names(),
                    bearer_capabilities: m.bearer_capabilities.names(),
                };
                self.protocol_version
                    .get_or_insert_with(|| m.protocol_version.to_string());
                let duplicate = self.start_request.is_some();
                *self.info_mut(direction) = info;
                if duplicate {
                    return self.violation(
                        ViolationKind::DuplicateStart,
                        frame,
                        "a second Start-Control-Connection-Request on the same connection".into(),
                    );
                }
                self.start_request = Some(at);
                if self.state == ControlState::Idle {
                    self.state = ControlState::WaitReply;
                }
                None
            }
            Body::StartControlConnectionReply(m) => {
                *self.info_mut(direction) = PeerInfo {
                    protocol_version: Some(m.protocol_version.to_string()),
                    host_name: Some(m.host_name.clone()),
                    vendor: Some(m.vendor_string.clone()),
                    firmware_revision: Some(m.firmware_revision),
                    max_channels: Some(m.maximum_channels),
                    framing_capabilities: m.framing_capabilities.names(),
                    bearer_capabilities: m.bearer_capabilities.names(),
                };
                self.start_reply = Some(at);
                self.start_result_code = Some(m.result_code.0);
                self.start_result = m.result_code.name();
                self.start_error_code = Some(m.error_code.0);
                let unrequested = self.start_request.is_none() && !self.started_mid_session;
                if m.result_code.0 == 1 {
                    if matches!(self.state, ControlState::Idle | ControlState::WaitReply) {
                        self.state = ControlState::Established;
                    }
                } else {
                    self.state = ControlState::Refused;
                }
                if unrequested {
                    return self.violation(
                        ViolationKind::ReplyWithoutRequest,
                        frame,
                        "Start-Control-Connection-Reply with no request before it".into(),
                    );
                }
                None
            }
            Body::StopControlConnectionRequest(m) => {
                if self.stop.is_none() {
                    self.stop = Some(StopInfo {
                        request: at,
                        sent_by: direction,
                        reason_code: m.reason.0,
                        reason: m.reason.name(),
                        reply: None,
                        result_code: None,
                        result: None,
                        error_code: None,
                    });
                }
                self.state = ControlState::Stopping;
                self.close_calls(at);
                None
            }
            Body::StopControlConnectionReply(m) => {
                let requested = match self.stop.as_mut() {
                    Some(stop) if stop.reply.is_none() && stop.sent_by != direction => {
                        stop.reply = Some(at);
                        stop.result_code = Some(m.result_code.0);
                        stop.result = m.result_code.name();
                        stop.error_code = Some(m.error_code.0);
                        true
                    }
                    _ => false,
                };
                self.state = ControlState::Stopped;
                self.close_calls(at);
                if !requested && !self.started_mid_session {
                    return self.violation(
                        ViolationKind::ReplyWithoutRequest,
                        frame,
                        "Stop-Control-Connection-Reply with no request before it".into(),
                    );
                }
                None
            }
            Body::EchoRequest(m) => {
                self.echo.requests += 1;
                if self.pending_echoes.len() >= MAX_PENDING_ECHOES {
                    self.pending_echoes.pop_front();
                }
                let slot = self.echo.exchanges.len();
                if slot < MAX_ECHOES_LISTED {
                    self.echo.exchanges.push(Echo {
                        identifier: m.identifier,
                        sent_by: direction,
                        request: at,
                        reply: None,
                        result_code: None,
                        rtt: None,
                    });
                }
                self.pending_echoes.push_back((direction, m.identifier, slot));
                None
            }
            Body::EchoReply(m) => {
                let found = self
                    .pending_echoes
                    .iter()
                    .position(|&(d, id, _)| d != direction && id == m.identifier);
                match found.and_then(|i| self.pending_echoes.remove(i)) {
                    Some((_, _, slot)) => {
                        self.echo.replies += 1;
                        if let Some(echo) = self.echo.exchanges.get_mut(slot) {
                            let rtt = at.time - echo.request.time;
                            echo.reply = Some(at);
                            echo.result_code = Some(m.result_code.0);
                            echo.rtt = Some(rtt);
                            self.echo.rtt_min = Some(self.echo.rtt_min.map_or(rtt, |v| v.min(rtt)));
                            self.echo.rtt_max = Some(self.echo.rtt_max.map_or(rtt, |v| v.max(rtt)));
                        }
                        None
                    }
                    None => {
                        self.echo.unmatched_replies += 1;
                        if self.started_mid_session && !self.any_message {
                            return None;
                        }
                        self.violation(
                            ViolationKind::ReplyWithoutRequest,
                            frame,
                            format!(
                                "Echo-Reply with identifier {:#x} answers no Echo-Request",
                                m.identifier
                            ),
                        )
                    }
                }
            }
            Body::OutgoingCallRequest(m) => {
                let early = self.call_too_early(frame, "Outgoing-Call-Request");
                let index = self.calls.len();
                let mut call = Call::new(index, CallKind::Outgoing);
                call.client_call_id = Some(m.call_id);
                call.call_serial_number = Some(m.call_serial_number);
                call.request = Some(at);
                call.minimum_bps = Some(m.minimum_bps);
                call.maximum_bps = Some(m.maximum_bps);
                call.bearer_type = Some(m.bearer_type.0);
                call.framing_type = Some(m.framing_type.0);
                call.client_window = Some(m.packet_recv_window_size);
                call.client_processing_delay = Some(m.packet_processing_delay);
                call.phone_number = Some(m.phone_number.clone());
                call.subaddress = Some(m.subaddress.clone());
                self.push_call(call);
                early
            }
            Body::OutgoingCallReply(m) => {
                let (index, mut deviation) =
                    match self.answered_call(CallKind::Outgoing, m.peer_call_id, frame) {
                        Ok(found) => found,
                        Err(deviation) => return deviation,
                    };
                let established = self.established_or_unknown();
                if let Some(call) = self.calls.get_mut(index) {
                    call.server_call_id = Some(m.call_id);
                    call.reply = Some(at);
                    call.result_code = Some(m.result_code.0);
                    call.result = m.result_code.name();
                    call.error_code = Some(m.error_code.0);
                    call.error = m.error_code.name();
                    call.cause_code = Some(m.cause_code);
                    call.connect_speed = Some(m.connect_speed);
                    call.server_window = Some(m.packet_recv_window_size);
                    call.server_processing_delay = Some(m.packet_processing_delay);
                    call.physical_channel_id = Some(m.physical_channel_id);
                    if m.result_code.0 == 1 {
                        call.state = CallState::Connected;
                    } else {
                        call.state = CallState::Rejected;
                        call.ended = Some(at);
                    }
                }
                if deviation.is_none() && !established {
                    deviation = self.call_too_early(frame, "Outgoing-Call-Reply");
                }
                deviation
            }
            Body::IncomingCallRequest(m) => {
                let early = self.call_too_early(frame, "Incoming-Call-Request");
                let mut call = Call::new(self.calls.len(), CallKind::Incoming);
                call.server_call_id = Some(m.call_id);
                call.call_serial_number = Some(m.call_serial_number);
                call.request = Some(at);
                call.bearer_type = Some(m.call_bearer_type.0);
                call.physical_channel_id = Some(m.physical_channel_id);
                call.dialed_number = Some(m.dialed_number.clone());
                call.dialing_number = Some(m.dialing_number.clone());
                call.subaddress = Some(m.subaddress.clone());
                self.push_call(call);
                early
            }
            Body::IncomingCallReply(m) => {
                let (index, deviation) = match self.answered_call(CallKind::Incoming, m.peer_call_id, frame) {
                    Ok(found) => found,
                    Err(deviation) => return deviation,
                };
                if let Some(call) = self.calls.get_mut(index) {
                    call.client_call_id = Some(m.call_id);
                    call.reply = Some(at);
                    call.result_code = Some(m.result_code.0);
                    call.result = m.result_code.name();
                    call.error_code = Some(m.error_code.0);
                    call.error = m.error_code.name();
                    call.client_window = Some(m.packet_recv_window_size);
                    call.client_processing_delay = Some(m.packet_transmit_delay);
                    if m.result_code.0 == 1 {
                        call.state = CallState::Answered;
                    } else {
                        call.state = CallState::Rejected;
                        call.ended = Some(at);
                    }
                }
                deviation
            }
            Body::IncomingCallConnected(m) => {
                let found = self.find_call(|c| {
                    c.kind == CallKind::Incoming && c.client_call_id == Some(m.peer_call_id) && c.is_live()
                });
                match found.and_then(|i| self.calls.get_mut(i)) {
                    Some(call) => {
                        call.connected = Some(at);
                        call.connect_speed = Some(m.connect_speed);
                        call.server_window = Some(m.packet_recv_window_size);
                        call.server_processing_delay = Some(m.packet_transmit_delay);
                        call.framing_type = Some(m.framing_type.0);
                        call.state = CallState::Connected;
                        None
                    }
                    None => {
                        let mut call = Call::new(self.calls.len(), CallKind::Incoming);
                        call.client_call_id = Some(m.peer_call_id);
                        call.connected = Some(at);
                        call.connect_speed = Some(m.connect_speed);
                        call.server_window = Some(m.packet_recv_window_size);
                        call.state = CallState::Connected;
                        self.push_call(call);
                        if self.started_mid_session && !self.any_request_seen() {
                            return None;
                        }
                        self.violation(
                            ViolationKind::ReplyWithoutRequest,
                            frame,
                            format!(
                                "Incoming-Call-Connected for call ID {} follows no Incoming-Call-Reply",
                                m.peer_call_id
                            ),
                        )
                    }
                }
            }
            Body::CallClearRequest(m) => {
                let found = self.find_call(|c| c.client_call_id == Some(m.call_id) && c.is_live());
                match found.and_then(|i| self.calls.get_mut(i)) {
                    Some(call) => {
                        call.clear_request = Some(at);
                        call.state = CallState::Clearing;
                        None
                    }
                    None => self.unknown_call(
                        frame,
                        "Call-Clear-Request",
                        m.call_id,
                        CallKind::Outgoing,
                        true,
                        at,
                    ),
                }
            }
            Body::CallDisconnectNotify(m) => {
                // RFC 2637 puts the PAC's own Call ID here; Windows servers
                // put the client's, so that is tried second.
                let found = self
                    .find_call(|c| c.server_call_id == Some(m.call_id) && c.is_live())
                    .or_else(|| self.find_call(|c| c.client_call_id == Some(m.call_id) && c.is_live()))
                    .or_else(|| self.find_call(|c| c.server_call_id == Some(m.call_id)));
                let dev = match found {
                    Some(_) => None,
                    None => self.unknown_call(
                        frame,
                        "Call-Disconnect-Notify",
                        m.call_id,
                        CallKind::Outgoing,
                        false,
                        at,
                    ),
                };
                let index = found.or_else(|| self.calls.len().checked_sub(1));
                if let Some(call) = index.and_then(|i| self.calls.get_mut(i)) {
                    call.disconnect = Some(disconnect(m, at));
                    call.state = CallState::Disconnected;
                    call.ended.get_or_insert(at);
                }
                dev
            }
            Body::WanErrorNotify(m) => {
                let found = self.find_call(|c| c.client_call_id == Some(m.peer_call_id) && c.is_live());
                let dev = if found.is_none() {
                    self.unknown_call(
                        frame,
                        "WAN-Error-Notify",
                        m.peer_call_id,
                        CallKind::Outgoing,
                        true,
                        at,
                    )
                } else {
                    None
                };
                let index = found.or_else(|| self.calls.len().checked_sub(1));
                if let Some(call) = index.and_then(|i| self.calls.get_mut(i)) {
                    let messages = call.wan_errors.as_ref().map_or(0, |w| w.messages) + 1;
                    call.wan_errors = Some(WanErrors {
                        messages,
                        last_frame: frame,
                        crc_errors: m.crc_errors,
                        framing_errors: m.framing_errors,
                        hardware_overruns: m.hardware_overruns,
                        buffer_overruns: m.buffer_overruns,
                        timeout_errors: m.timeout_errors,
                        alignment_errors: m.alignment_errors,
                    });
                }
                dev
            }
            Body::SetLinkInfo(m) => {
                // From the client it names the server's Call ID; from a
                // server (Windows does this) it names the client's.
                let by_client = direction == Direction::ClientToServer;
                let found = self.find_call(|c| {
                    c.is_live()
                        && if by_client {
                            c.server_call_id == Some(m.peer_call_id)
                        } else {
                            c.client_call_id == Some(m.peer_call_id)
                        }
                });
                let dev = if found.is_none() {
                    self.unknown_call(
                        frame,
                        "Set-Link-Info",
                        m.peer_call_id,
                        CallKind::Outgoing,
                        !by_client,
                        at,
                    )
                } else {
                    None
                };
                let index = found.or_else(|| self.calls.len().checked_sub(1));
                if let Some(call) = index.and_then(|i| self.calls.get_mut(i)) {
                    if call.set_link_info.len() < MAX_LINK_INFO {
                        call.set_link_info.push(LinkInfo {
                            frame,
                            time: at.time,
                            sent_by: direction,
                            send_accm: m.send_accm,
                            receive_accm: m.receive_accm,
                        });
                    }
                }
                dev
            }
            Body::Unknown { .. } => None,
        }
    }

    /// The call a reply answers: the live, unanswered call of `kind` whose
    /// requester chose `peer_call_id`. A reply to nothing is a violation;
    /// mid-session its request may predate the capture, so the call is
    /// made from the reply, otherwise no call is invented (`Err`).
    fn answered_call(
        &mut self,
        kind: CallKind,
        peer_call_id: u16,
        frame: u64,
    ) -> Result<(usize, Option<ViolationKind>), Option<ViolationKind>> {
        let requester_id = |c: &Call| match kind {
            CallKind::Outgoing => c.client_call_id,
            CallKind::Incoming => c.server_call_id,
        };
        let found = self.find_call(|c| {
            c.kind == kind && requester_id(c) == Some(peer_call_id) && c.reply.is_none() && c.is_live()
        });
        if let Some(i) = found {
            return Ok((i, None));
        }
        let (reply, request) = match kind {
            CallKind::Outgoing => ("Outgoing-Call-Reply", "Outgoing-Call-Request"),
            CallKind::Incoming => ("Incoming-Call-Reply", "Incoming-Call-Request"),
        };
        let mut deviation = None;
        if !self.started_mid_session || self.any_request_seen() {
            deviation = self.violation(
                ViolationKind::ReplyWithoutRequest,
                frame,
                format!("{reply} for call ID {peer_call_id} answers no {request}"),
            );
        }
        if !self.started_mid_session {
            return Err(deviation);
        }
        let mut call = Call::new(self.calls.len(), kind);
        match kind {
            CallKind::Outgoing => call.client_call_id = Some(peer_call_id),
            CallKind::Incoming => call.server_call_id = Some(peer_call_id),
        }
        self.push_call(call).map(|i| (i, deviation)).ok_or(deviation)
    }

    fn info_mut(&mut self, direction: Direction) -> &mut PeerInfo {
        match direction {
            Direction::ClientToServer => &mut self.client_info,
            Direction::ServerToClient => &mut self.server_info,
        }
    }

    fn any_request_seen(&self) -> bool {
        self.calls.iter().any(|c| c.request.is_some())
    }

    fn call_too_early(&mut self, frame: u64, what: &str) -> Option<ViolationKind> {
        if self.established_or_unknown() {
            return None;
        }
        let state = match self.state {
            ControlState::Idle => "before any Start-Control-Connection-Request",
            ControlState::WaitReply => "before the Start-Control-Connection-Reply",
            ControlState::Refused => "on a control connection the server refused",
            _ => "after the control connection stopped",
        };
        self.violation(
            ViolationKind::CallBeforeControlConnection,
            frame,
            format!("{what} {state}"),
        )
    }

    /// A message names a call this session has no record of. In a capture
    /// that starts mid-session that is expected: the call is created from
    /// what the message says.
    fn unknown_call(
        &mut self,
        frame: u64,
        what: &str,
        call_id: u16,
        kind: CallKind,
        id_is_client: bool,
        at: At,
    ) -> Option<ViolationKind> {
        let mut call = Call::new(self.calls.len(), kind);
        if id_is_client {
            call.client_call_id = Some(call_id);
        } else {
            call.server_call_id = Some(call_id);
        }
        call.state = CallState::Connected;
        call.request = None;
        call.reply = None;
        // Known only from this message on.
        call.connected = Some(at);
        self.push_call(call);
        if self.started_mid_session && !self.any_request_seen() {
            return None;
        }
        self.violation(
            ViolationKind::UnknownCallId,
            frame,
            format!("{what} names call ID {call_id}, which no call in this session has"),
        )
    }

    fn find_call(&self, pred: impl Fn(&Call) -> bool) -> Option<usize> {
        self.calls.iter().rposition(pred)
    }

    fn push_call(&mut self, call: Call) -> Option<usize> {
        if self.calls.len() >= MAX_CALLS {
            self.calls_dropped += 1;
            return None;
        }
        self.calls.push(call);
        Some(self.calls.len() - 1)
    }

    /// A Stop-Control-Connection or the end of TCP clears every call.
    fn close_calls(&mut self, at: At) {
        for call in self.calls.iter_mut().filter(|c| c.is_live()) {
            call.state = CallState::ClosedWithControl;
            call.ended.get_or_insert(at);
        }
    }

    /// The TCP connection saw a FIN from `dir`.
    pub fn fin(&mut self, dir: Dir, frame: u64, ts: Timestamp) {
        if self.tcp_fin.is_some() || self.tcp_rst.is_some() {
            return;
        }
        self.tcp_fin = Some(At::new(frame, ts));
        self.closed_by = Some(self.direction(dir));
        if self.end.is_none() {
            self.end = Some(At::new(frame, ts));
            if self.stop.is_none() {
                self.ended_by = EndReason::TcpFin;
            }
        }
    }

    /// The TCP connection was reset by `dir`.
    pub fn rst(&mut self, dir: Dir, frame: u64, ts: Timestamp) {
        if self.tcp_rst.is_some() {
            return;
        }
        self.tcp_rst = Some(At::new(frame, ts));
        if self.tcp_fin.is_none() {
            self.closed_by = Some(self.direction(dir));
        }
        if self.end.is_none() {
            self.end = Some(At::new(frame, ts));
        }
        if self.stop.is_none() && self.tcp_fin.is_none() {
            self.ended_by = EndReason::TcpRst;
        }
    }

    /// The TCP flow closed, was evicted, or the capture ended.
    pub fn close(&mut self, frame: u64, ts: Timestamp, reason: CloseReason) {
        let evicted = reason == CloseReason::Evicted;
        let at = At::new(frame, ts);
        if self.stop.is_some() {
            self.ended_by = EndReason::StopControlConnection;
            if self.end.is_none() {
                self.end = self.stop.as_ref().map(|s| s.reply.unwrap_or(s.request));
            }
        } else if evicted && self.end.is_none() {
            self.ended_by = EndReason::Evicted;
            self.end = Some(at);
        }
        if self.ended_by != EndReason::OpenAtCaptureEnd {
            let end = self.end.unwrap_or(at);
            self.close_calls(end);
        }
        while let Some((_, _, _)) = self.pending_echoes.pop_front() {
            self.echo.unanswered += 1;
        }
        for i in 0..self.calls.len() {
            let outcome = call_outcome(self, i);
            if let Some(call) = self.calls.get_mut(i) {
                call.outcome = outcome;
            }
        }
    }
}

fn disconnect(m: &crate::pptp::wire::CallDisconnectNotify, at: At) -> Disconnect {
    Disconnect {
        frame: at.frame,
        time: at.time,
        result_code: m.result_code.0,
        result: m.result_code.name(),
        error_code: m.error_code.0,
        error: m.error_code.name(),
        cause_code: m.cause_code,
        call_statistics: m.call_statistics.clone(),
    }
}

/// The outcome of call `i` in words, for the tables.
fn call_outcome(session: &ControlSession, i: usize) -> String {
    let Some(call) = session.calls.get(i) else {
        return String::new();
    };
    let result = |code: Option<u8>, name: Option<&str>| match (code, name) {
        (Some(c), Some(n)) => format!("{n} ({c})"),
        (Some(c), None) => format!("result {c}"),
        _ => String::new(),
    };
    match call.state {
        CallState::Requested => "requested, never answered".into(),
        CallState::Answered => "answered, never connected".into(),
        CallState::Connected => {
            if session.ended_by == EndReason::OpenAtCaptureEnd {
                "connected (still up at capture end)".into()
            } else {
                "connected".into()
            }
        }
        CallState::Rejected => {
            let mut s = format!("rejected: {}", result(call.result_code, call.result));
            if let (Some(e), Some(n)) = (call.error_code, call.error) {
                if e != 0 {
                    s.push_str(&format!(", error {n} ({e})"));
                }
            }
            s
        }
        CallState::Clearing => "clear requested, no disconnect notify".into(),
        CallState::Disconnected => match &call.disconnect {
            Some(d) if call.clear_request.is_some() => {
                format!("cleared by client: {}", result(Some(d.result_code), d.result))
            }
            Some(d) => format!(
                "disconnected by server: {}",
                result(Some(d.result_code), d.result)
            ),
            None => "disconnected".into(),
        },
        CallState::ClosedWithControl if call.clear_request.is_some() => {
            "clear requested by client; connection closed before Call-Disconnect-Notify".into()
        }
        CallState::ClosedWithControl => match session.ended_by {
            EndReason::StopControlConnection => "ended by Stop-Control-Connection".into(),
            EndReason::TcpFin => "ended by TCP close without call teardown".into(),
            EndReason::TcpRst => "ended by TCP reset".into(),
            EndReason::Evicted => "untracked (flow table full)".into(),
            EndReason::OpenAtCaptureEnd => "open at capture end".into(),
        },
    }
}

/// The display name of a message's type.
pub fn type_name(msg: &Message) -> String {
    match msg.header.control_message_type.name() {
        Some(n) => n.to_string(),
        None => format!("Unknown-{}", msg.header.control_message_type.0),
    }
}

/// Decides which TCP direction is the client's (PNS → PAC).
fn decide_roles(a: SocketAddr, b: SocketAddr, first: &Message, dir: Dir) -> (Dir, &'static str) {
    let sender_is_client = match first.body {
        Body::StartControlConnectionRequest(_) => Some((true, "start_request")),
        Body::OutgoingCallRequest(_)
        | Body::IncomingCallReply(_)
        | Body::CallClearRequest(_)
        | Body::SetLinkInfo(_) => Some((true, "message_roles")),
        Body::StartControlConnectionReply(_)
        | Body::OutgoingCallReply(_)
        | Body::IncomingCallRequest(_)
        | Body::IncomingCallConnected(_)
        | Body::CallDisconnectNotify(_)
        | Body::WanErrorNotify(_) => Some((false, "message_roles")),
        _ => None,
    };
    if let Some((client, how)) = sender_is_client {
        return (if client { dir } else { dir.reverse() }, how);
    }
    if b.port() == 1723 && a.port() != 1723 {
        return (Dir::AtoB, "port_1723");
    }
    if a.port() == 1723 && b.port() != 1723 {
        return (Dir::BtoA, "port_1723");
    }
    (Dir::AtoB, "tcp_handshake")
}
