//! Findings: what went wrong (or is worth knowing) in plain words, with the
//! Windows error it produces where one exists, the frames that show it and a
//! Wireshark display filter for them.
//!
//! Reads tracked state only; never touches packets. The catalogue of codes
//! is documented in `docs/findings.md`; codes are stable.

use std::fmt::Write as _;
use std::net::IpAddr;

use serde::Serialize;

mod gre;
pub mod ppp;
pub mod sstp;
pub mod tls;

use crate::capture::CaptureSummary;
use crate::gre::flows::GreFlow;
use crate::pptp::session::{
    CallState, ControlSession, ControlState, Direction, EndReason, StreamProblemKind, ViolationKind,
};

/// Frames listed per finding; `frames_total` keeps the exact count.
const MAX_FRAMES: usize = 64;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A Windows RAS error a finding typically surfaces as on the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WindowsError {
    pub code: u32,
    pub name: &'static str,
}

pub const ERROR_PORT_DISCONNECTED: WindowsError = WindowsError {
    code: 619,
    name: "ERROR_PORT_DISCONNECTED",
};
pub const ERROR_VPN_GRE_BLOCKED: WindowsError = WindowsError {
    code: 806,
    name: "ERROR_VPN_GRE_BLOCKED",
};
pub const ERROR_VPN_DISCONNECT: WindowsError = WindowsError {
    code: 807,
    name: "ERROR_VPN_DISCONNECT",
};
pub const ERROR_VPN_TIMEOUT: WindowsError = WindowsError {
    code: 809,
    name: "ERROR_VPN_TIMEOUT",
};

/// One finding.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable identifier (`pptp_call_rejected`, …).
    pub code: &'static str,
    pub severity: Severity,
    /// One line.
    pub title: String,
    /// What happened and what it means, in plain words.
    pub explanation: String,
    pub windows_error: Option<WindowsError>,
    /// Evidence, Wireshark frame numbers (capped at 64; see `frames_total`).
    pub frames: Vec<u64>,
    pub frames_total: u64,
    /// The session this finding is about.
    pub session: Option<String>,
    /// The call (index in the session's `calls`).
    pub call_index: Option<usize>,
    /// A Wireshark display filter that shows the evidence.
    pub wireshark_filter: Option<String>,
}

impl Finding {
    fn new(code: &'static str, severity: Severity, title: impl Into<String>) -> Self {
        Finding {
            code,
            severity,
            title: title.into(),
            explanation: String::new(),
            windows_error: None,
            frames: Vec::new(),
            frames_total: 0,
            session: None,
            call_index: None,
            wireshark_filter: None,
        }
    }

    fn explain(mut self, text: impl Into<String>) -> Self {
        self.explanation = text.into();
        self
    }

    fn windows(mut self, e: WindowsError) -> Self {
        self.windows_error = Some(e);
        self
    }

    fn session(mut self, s: &ControlSession) -> Self {
        self.session = Some(s.id.clone());
        self
    }

    fn call(mut self, index: usize) -> Self {
        self.call_index = Some(index);
        self
    }

    fn frames(mut self, frames: impl IntoIterator<Item = u64>) -> Self {
        let mut all: Vec<u64> = frames.into_iter().collect();
        all.sort_unstable();
        all.dedup();
        self.frames_total = all.len() as u64;
        all.truncate(MAX_FRAMES);
        if !all.is_empty() {
            self.wireshark_filter = Some(frame_filter(&all));
        }
        self.frames = all;
        self
    }
}

/// The frames of a TLS connection's ClientHello and ServerHello (or, when
/// the capture missed them, of its first records).
pub(crate) fn connection_start_frames(tls: &crate::tls::connection::TlsFacts) -> Vec<u64> {
    let hellos: Vec<u64> = [
        tls.client_hello.as_ref().map(|h| h.at.frame),
        tls.server_hello.as_ref().map(|h| h.at.frame),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !hellos.is_empty() {
        return hellos;
    }
    // No hello in the capture: the first record of each direction.
    [&tls.client_to_server, &tls.server_to_client]
        .iter()
        .filter_map(|d| d.first_record.map(|a| a.frame))
        .collect()
}

/// `frame.number in {…}` for the listed frames.
pub fn frame_filter(frames: &[u64]) -> String {
    let mut s = String::from("frame.number in {");
    for (i, f) in frames.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{f}");
    }
    s.push('}');
    s
}

/// `ip.addr == a && ip.addr == b` (or the IPv6 form) for a host pair.
pub fn host_pair_filter(a: IpAddr, b: IpAddr) -> String {
    let field = if a.is_ipv6() { "ipv6.addr" } else { "ip.addr" };
    format!("{field} == {a} && {field} == {b}")
}

/// Every finding for one capture, errors first, then by first frame.
pub fn findings(
    sessions: &[ControlSession],
    gre_flows: &[GreFlow],
    orphan_ppp: &[crate::report::model::OrphanPpp],
    sstp_sessions: &[crate::sstp::session::SstpSession],
    other_tls: &[crate::sstp::session::SstpSession],
    capture: &CaptureSummary,
) -> Vec<Finding> {
    let mut out = Vec::new();
    capture_findings(capture, &mut out);
    for s in sessions {
        session_findings(s, &mut out);
    }
    gre::findings(sessions, gre_flows, &mut out);
    for s in sessions {
        for call in &s.calls {
            let Some(report) = &call.ppp else { continue };
            let ctx = ppp::LinkContext {
                session: Some(&s.id),
                call_index: Some(call.index),
                label: format!("call {}", call_label(call)),
                sstp: false,
                filter: Some(gre::call_filter(s, call)),
                server_unheard: call.gre.server_to_client.is_none(),
                client_unheard: call.gre.client_to_server.is_none(),
                cut_by_tunnel: false,
            };
            ppp::findings(&ctx, report, &mut out);
        }
    }
    sstp::findings(sstp_sessions, other_tls, &mut out);
    for orphan in orphan_ppp {
        let flows: Vec<&GreFlow> = orphan.flows.iter().filter_map(|&i| gre_flows.get(i)).collect();
        let label = match flows.first() {
            Some(f) => format!("the GRE between {} and {} (no call)", f.src, f.dst),
            None => "GRE with no call".to_string(),
        };
        let ctx = ppp::LinkContext {
            session: None,
            call_index: None,
            label,
            sstp: false,
            filter: flows.first().map(|f| gre::flow_filter(f)),
            server_unheard: flows.len() < 2,
            client_unheard: flows.len() < 2,
            cut_by_tunnel: false,
        };
        ppp::findings(&ctx, &orphan.ppp, &mut out);
    }
    sort(&mut out);
    out
}

/// Errors first, then by first frame, then by code.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.frames.first().cmp(&b.frames.first()))
            .then_with(|| a.code.cmp(b.code))
    });
}

fn capture_findings(capture: &CaptureSummary, out: &mut Vec<Finding>) {
    for warning in &capture.warnings {
        out.push(
            Finding::new(
                "capture_damaged",
                Severity::Warning,
                format!("{}: {}", capture.file, warning),
            )
            .explain("The capture file itself is damaged; everything before the damage was analysed."),
        );
    }
    for u in &capture.unsupported_link_types {
        out.push(
            Finding::new(
                "unsupported_link_type",
                Severity::Info,
                format!("{} frames of link type {} were not decoded", u.frames, u.name),
            )
            .explain(
                "tunnelscope decodes Ethernet, Linux cooked (SLL, SLL2), raw IP, BSD loopback and PPP links.",
            ),
        );
    }
}

fn session_findings(s: &ControlSession, out: &mut Vec<Finding>) {
    if s.started_mid_session {
        out.push(
            Finding::new(
                "pptp_capture_started_mid_session",
                Severity::Info,
                "Capture starts after the control connection was set up",
            )
            .session(s)
            .explain(
                "The capture holds no Start-Control-Connection exchange for this connection, so its set-up \
                     is not known; what follows is analysed from the first message seen.",
            )
            .frames([s.start.frame]),
        );
    }

    // Control connection set-up.
    match (s.start_request, s.start_reply, s.start_result_code) {
        (Some(req), None, _) => {
            let mut f = Finding::new(
                "pptp_no_start_reply",
                Severity::Error,
                "The server never answered Start-Control-Connection-Request",
            )
            .session(s)
            .explain(
                "The client opened the PPTP control connection and asked to start it, but no \
                 Start-Control-Connection-Reply came back. The server is not a PPTP server on this port, \
                 is overloaded, or something between drops its replies. The client gives up after about 60 seconds.",
            )
            .windows(ERROR_VPN_TIMEOUT);
            let mut frames = vec![req.frame];
            frames.extend(s.end.map(|e| e.frame));
            f = f.frames(frames);
            out.push(f);
        }
        (_, Some(reply), Some(code)) if code != 1 => {
            out.push(
                Finding::new(
                    "pptp_control_refused",
                    Severity::Error,
                    format!(
                        "The server refused the control connection: {}",
                        code_words(code, s.start_result)
                    ),
                )
                .session(s)
                .explain(
                    "Start-Control-Connection-Reply carried a result other than 1 (channel established); \
                     no call can be placed on this connection.",
                )
                .frames([reply.frame]),
            );
        }
        _ => {}
    }

    // Calls.
    for call in &s.calls {
        match call.state {
            CallState::Rejected => {
                let mut why = code_words(call.result_code.unwrap_or(0), call.result);
                if let (Some(e), Some(name)) = (call.error_code, call.error) {
                    if e != 0 {
                        let _ = write!(why, ", error {name} ({e})");
                    }
                }
                out.push(
                    Finding::new("pptp_call_rejected", Severity::Error, format!("The server rejected call {}: {why}", call_label(call)))
                        .session(s)
                        .call(call.index)
                        .explain(
                            "The call reply carried a result other than 1 (connected), so no PPP link was \
                             set up for this call. Results 4 (busy), 7 (do not accept) and error 4 (no resource) \
                             usually mean the server has no free ports or refuses this client by policy.",
                        )
                        .frames(call.request.iter().chain(call.reply.iter()).map(|a| a.frame)),
                );
            }
            CallState::Requested | CallState::Answered
                if !matches!(s.ended_by, EndReason::OpenAtCaptureEnd) || s.end.is_some() =>
            {
                out.push(
                    Finding::new(
                        "pptp_call_not_answered",
                        Severity::Error,
                        format!("Call {} was requested but never connected", call_label(call)),
                    )
                    .session(s)
                    .call(call.index)
                    .explain("The call request got no reply (or the incoming call was never reported connected) before the control connection ended.")
                    .windows(ERROR_PORT_DISCONNECTED)
                    .frames(call.request.iter().chain(call.reply.iter()).map(|a| a.frame)),
                );
            }
            CallState::Disconnected if call.clear_request.is_none() => {
                if let Some(d) = &call.disconnect {
                    let severity = if d.result_code == 3 || d.result_code == 1 || d.result_code == 2 {
                        Severity::Warning
                    } else {
                        Severity::Info
                    };
                    let mut f = Finding::new(
                        "pptp_call_disconnected_by_server",
                        severity,
                        format!("The server disconnected call {}: {}", call_label(call), code_words(d.result_code, d.result)),
                    )
                    .session(s)
                    .call(call.index)
                    .explain(format!(
                        "Call-Disconnect-Notify came from the server without a Call-Clear-Request from the client.{}",
                        if d.call_statistics.is_empty() {
                            String::new()
                        } else {
                            format!(" The server's call statistics: \"{}\".", d.call_statistics)
                        }
                    ))
                    .frames([d.frame]);
                    if severity == Severity::Warning {
                        f = f.windows(ERROR_PORT_DISCONNECTED);
                    }
                    out.push(f);
                }
            }
            _ => {}
        }
        if let Some(w) = &call.wan_errors {
            let total = u64::from(w.crc_errors)
                + u64::from(w.framing_errors)
                + u64::from(w.hardware_overruns)
                + u64::from(w.buffer_overruns)
                + u64::from(w.timeout_errors)
                + u64::from(w.alignment_errors);
            out.push(
                Finding::new("pptp_wan_errors", Severity::Warning, format!("The server reported {total} WAN errors on call {}", call_label(call)))
                    .session(s)
                    .call(call.index)
                    .explain(format!(
                        "WAN-Error-Notify (cumulative): CRC {}, framing {}, hardware overruns {}, buffer overruns {}, \
                         time-outs {}, alignment {}.",
                        w.crc_errors, w.framing_errors, w.hardware_overruns, w.buffer_overruns, w.timeout_errors, w.alignment_errors
                    ))
                    .frames([w.last_frame]),
            );
        }
    }

    // Echo.
    let unanswered: Vec<u64> = s
        .echo
        .exchanges
        .iter()
        .filter(|e| e.reply.is_none())
        .map(|e| e.request.frame)
        .collect();
    if s.echo.unanswered > 0 {
        let mut f = Finding::new(
            "pptp_echo_unanswered",
            Severity::Warning,
            format!(
                "{} Echo-Request(s) on the control connection got no reply",
                s.echo.unanswered
            ),
        )
        .session(s)
        .explain(
            "PPTP keepalive: a side sends Echo-Request after 60 s without control traffic and closes the \
             connection when no Echo-Reply comes within 60 s. Unanswered echoes mean the peer or the path \
             has stopped responding (or the capture ended before the reply).",
        )
        .windows(ERROR_VPN_DISCONNECT)
        .frames(unanswered);
        f.frames_total = f.frames_total.max(s.echo.unanswered);
        out.push(f);
    }

    // How it ended.
    let connected_calls = s
        .calls
        .iter()
        .filter(|c| c.reply.is_some() && c.result_code == Some(1) || c.connected.is_some())
        .count();
    match s.ended_by {
        EndReason::TcpRst => {
            let severity = if connected_calls > 0 {
                Severity::Error
            } else {
                Severity::Warning
            };
            let who = match s.closed_by {
                Some(Direction::ClientToServer) => "the client",
                Some(Direction::ServerToClient) => "the server",
                None => "one side",
            };
            out.push(
                Finding::new("pptp_control_reset", severity, format!("The control connection was reset by {who}"))
                    .session(s)
                    .explain(
                        "A TCP RST ended the control connection without Stop-Control-Connection. Every call on it \
                         ends at once; the VPN drops.",
                    )
                    .windows(if connected_calls > 0 { ERROR_VPN_DISCONNECT } else { ERROR_PORT_DISCONNECTED })
                    .frames(s.tcp_rst.iter().map(|e| e.frame)),
            );
        }
        EndReason::TcpFin if s.state != ControlState::WaitReply => {
            let who = match s.closed_by {
                Some(Direction::ClientToServer) => "client",
                Some(Direction::ServerToClient) => "server",
                None => "one side",
            };
            out.push(
                Finding::new(
                    "pptp_closed_without_stop",
                    Severity::Warning,
                    format!("The {who} closed the control connection without Stop-Control-Connection"),
                )
                .session(s)
                .explain(
                    "RFC 2637 ends a control connection with Stop-Control-Connection-Request/Reply before \
                     closing TCP; this one was closed directly, clearing any call on it.",
                )
                .frames(s.tcp_fin.iter().chain(s.tcp_rst.iter()).map(|e| e.frame)),
            );
        }
        EndReason::StopControlConnection => {
            if let Some(stop) = &s.stop {
                if stop.reason_code != 1 {
                    out.push(
                        Finding::new(
                            "pptp_stop_with_reason",
                            Severity::Warning,
                            format!(
                                "Stop-Control-Connection from the {}: {}",
                                if stop.sent_by == Direction::ClientToServer {
                                    "client"
                                } else {
                                    "server"
                                },
                                code_words(stop.reason_code, stop.reason)
                            ),
                        )
                        .session(s)
                        .explain(
                            "The control connection was stopped for a reason other than a normal request.",
                        )
                        .frames(std::iter::once(stop.request.frame).chain(stop.reply.map(|r| r.frame))),
                    );
                }
            }
        }
        _ => {}
    }

    // Order violations, grouped by kind.
    let kinds = [
        ViolationKind::CallBeforeControlConnection,
        ViolationKind::ReplyWithoutRequest,
        ViolationKind::MessageAfterStop,
        ViolationKind::WrongSender,
        ViolationKind::DuplicateStart,
        ViolationKind::UnknownCallId,
    ];
    for kind in kinds {
        let list: Vec<_> = s.violations.iter().filter(|v| v.kind == kind).collect();
        let Some(first) = list.first() else { continue };
        let (title, why) = match kind {
            ViolationKind::CallBeforeControlConnection => (
                "A call message came before the control connection was established",
                "RFC 2637 allows calls only after Start-Control-Connection-Reply with result 1.",
            ),
            ViolationKind::ReplyWithoutRequest => (
                "A reply answers no request",
                "Each reply must follow its request on the same control connection.",
            ),
            ViolationKind::MessageAfterStop => (
                "A message came after Stop-Control-Connection",
                "After Stop-Control-Connection-Request only its reply may follow; the connection is closing.",
            ),
            ViolationKind::WrongSender => (
                "A message came from the side that must not send it",
                "RFC 2637 gives each call message to one role (PNS = client, PAC = server).",
            ),
            ViolationKind::DuplicateStart => (
                "Start-Control-Connection-Request was sent twice",
                "A control connection is started once.",
            ),
            ViolationKind::UnknownCallId => (
                "A message names a Call ID no call has",
                "Call messages must refer to a call set up on this control connection.",
            ),
        };
        let mut explanation = format!("{why} First: frame {}: {}.", first.frame, first.detail);
        if list.len() > 1 {
            let _ = write!(explanation, " {} in all.", list.len());
        }
        out.push(
            Finding::new(kind.code(), Severity::Warning, title)
                .session(s)
                .explain(explanation)
                .frames(list.iter().map(|v| v.frame)),
        );
    }

    // Malformed messages and stream problems.
    let mut by_code: Vec<(&'static str, Vec<u64>, String)> = Vec::new();
    for a in &s.anomalies {
        match by_code.iter_mut().find(|(c, _, _)| *c == a.code) {
            Some((_, frames, _)) => frames.push(a.frame),
            None => by_code.push((a.code, vec![a.frame], a.detail.clone())),
        }
    }
    for (code, frames, detail) in by_code {
        // Reserved fields are ignored by receivers in practice (Windows
        // servers fill them), so a non-zero one is worth knowing, no more.
        let (severity, title) = match code {
            "bad_magic_cookie" => (Severity::Error, format!("Malformed PPTP message: {detail}")),
            "reserved_non_zero" => (Severity::Info, format!("Reserved field set: {detail}")),
            _ => (Severity::Warning, format!("Malformed PPTP message: {detail}")),
        };
        out.push(
            Finding::new(anomaly_finding_code(code), severity, title)
                .session(s)
                .explain(
                    "A control message does not follow the RFC 2637 layout. Peers may reject it (error code \
                     2 Bad-Format or 3 Bad-Value) or close the connection.",
                )
                .frames(frames),
        );
    }
    let gaps: Vec<_> = s
        .stream_problems
        .iter()
        .filter(|p| p.kind == StreamProblemKind::Gap)
        .collect();
    if !gaps.is_empty() {
        let missing: u64 = gaps.iter().map(|g| g.bytes).sum();
        out.push(
            Finding::new("pptp_control_bytes_missing", Severity::Warning, format!("{missing} bytes of the control connection were not captured"))
                .session(s)
                .explain("TCP data between these frames never appeared in the capture (capture loss or a capture started mid-stream); messages in the hole are unknown.")
                .frames(gaps.iter().map(|g| g.frame)),
        );
    }
    let desyncs: Vec<_> = s
        .stream_problems
        .iter()
        .filter(|p| p.kind == StreamProblemKind::Desync)
        .collect();
    if !desyncs.is_empty() {
        let skipped: u64 = desyncs.iter().map(|g| g.bytes).sum();
        out.push(
            Finding::new("pptp_bad_magic_cookie", Severity::Error, format!("{skipped} bytes on the control connection are not PPTP messages"))
                .session(s)
                .explain(
                    "At a message boundary the bytes did not carry the magic cookie 0x1A2B3C4D or a possible \
                     length, so the stream is out of step. A PPTP peer closes the connection when this happens; \
                     decoding resumed at the next valid header.",
                )
                .frames(desyncs.iter().map(|g| g.frame)),
        );
    }
    let partial: Vec<_> = s
        .stream_problems
        .iter()
        .filter(|p| p.kind == StreamProblemKind::Partial)
        .collect();
    if let Some(first) = partial.first() {
        out.push(
            Finding::new(
                "pptp_message_truncated",
                Severity::Warning,
                format!("{} PPTP message(s) cut short", partial.len()),
            )
            .session(s)
            .explain(format!(
                "A message's bytes stop before its Length ({}): bytes were lost, or the connection or the \
                 capture ended in the middle of it. It was not decoded.",
                first.detail.as_deref().unwrap_or("")
            ))
            .frames(partial.iter().map(|g| g.frame)),
        );
    }
    let undecodable: Vec<_> = s
        .stream_problems
        .iter()
        .filter(|p| p.kind == StreamProblemKind::Undecodable)
        .collect();
    if let Some(first) = undecodable.first() {
        out.push(
            Finding::new(
                "pptp_message_undecodable",
                Severity::Error,
                "A PPTP message is too short for its type",
            )
            .session(s)
            .explain(format!(
                "The message's length field cannot hold the fields of its type ({}); it was skipped.",
                first.detail.as_deref().unwrap_or("")
            ))
            .frames(undecodable.iter().map(|g| g.frame)),
        );
    }
}

fn anomaly_finding_code(code: &str) -> &'static str {
    match code {
        "bad_magic_cookie" => "pptp_bad_magic_cookie",
        "length_mismatch" => "pptp_length_mismatch",
        "reserved_non_zero" => "pptp_reserved_non_zero",
        "unknown_control_type" => "pptp_unknown_message_type",
        "not_control_message" => "pptp_not_control_message",
        _ => "pptp_malformed_field",
    }
}

fn code_words(code: u8, name: Option<&str>) -> String {
    match name {
        Some(n) => format!("{n} ({code})"),
        None => format!("unknown code {code}"),
    }
}

fn call_label(call: &crate::pptp::session::Call) -> String {
    match (call.client_call_id, call.server_call_id) {
        (Some(c), Some(s)) => format!("{c}/{s}"),
        (Some(c), None) => format!("{c}"),
        (None, Some(s)) => format!("?/{s}"),
        (None, None) => format!("#{}", call.index),
    }
}
