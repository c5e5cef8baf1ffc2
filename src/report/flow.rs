//! The teaching view: each session drawn as a client/server ladder, one line
//! per message, grouped into the phases of RFC 2637 with a sentence saying
//! what each phase is for, and deviations from the normal flow marked.

use std::fmt::Write as _;

use super::model::Report;
use crate::pptp::session::{ControlSession, Direction, EndReason, MessageRecord};
use crate::text::escape_terminal;

/// Width of the arrow column, message name included.
const ARROW: usize = 44;

/// The phases of a PPTP control connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    ControlSetup,
    CallSetup,
    LinkInfo,
    Echo,
    Teardown,
    Other,
}

impl Phase {
    fn of(type_code: u16) -> Phase {
        match type_code {
            1 | 2 => Phase::ControlSetup,
            7..=11 => Phase::CallSetup,
            14 | 15 => Phase::LinkInfo,
            5 | 6 => Phase::Echo,
            3 | 4 | 12 | 13 => Phase::Teardown,
            _ => Phase::Other,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Phase::ControlSetup => "control set-up",
            Phase::CallSetup => "call set-up",
            Phase::LinkInfo => "link info",
            Phase::Echo => "echo (keepalive)",
            Phase::Teardown => "teardown",
            Phase::Other => "other",
        }
    }

    fn explanation(self) -> &'static str {
        match self {
            Phase::ControlSetup => {
                "The client (PNS) opens the control connection on TCP and introduces itself; the server (PAC) answers with result 1 to accept."
            }
            Phase::CallSetup => {
                "A call is a PPP session in GRE. Each side picks a Call ID; GRE packets carry the receiver's ID, so the reply pairs the two."
            }
            Phase::LinkInfo => {
                "Set-Link-Info passes the PPP ACCMs negotiated inside the tunnel; WAN-Error-Notify reports line errors."
            }
            Phase::Echo => "After 60 s without control traffic a side sends Echo-Request; no reply within 60 s closes the connection.",
            Phase::Teardown => {
                "The client clears the call (Call-Clear-Request), the server confirms (Call-Disconnect-Notify), then Stop-Control-Connection closes the control connection."
            }
            Phase::Other => "Messages that are not part of RFC 2637's flow.",
        }
    }
}

/// Renders every session as a ladder.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    if report.pptp_sessions.is_empty() && report.sstp_sessions.is_empty() {
        out.push_str("No PPTP or SSTP session found.\n");
    }
    for s in &report.sstp_sessions {
        out.push_str(&super::sstp_render::ladder(s));
        out.push('\n');
    }
    if report
        .tls_connections
        .iter()
        .any(|t| t.carries != crate::report::model::TlsCarries::Sstp)
    {
        out.push_str(&super::sstp_render::tls_connections_table(
            &report.tls_connections,
        ));
        out.push('\n');
    }
    for s in &report.pptp_sessions {
        session(&mut out, s);
        out.push('\n');
    }
    if !report.findings.is_empty() {
        out.push_str("Findings:\n");
        for f in &report.findings {
            let frames = f
                .frames
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(
                out,
                "  [{}] {} ({}){}",
                f.severity.as_str(),
                escape_terminal(&f.title),
                f.code,
                if frames.is_empty() {
                    String::new()
                } else {
                    format!(" frames {frames}")
                }
            );
        }
    }
    out
}

fn session(out: &mut String, s: &ControlSession) {
    let client = format!("{}:{}", s.client.ip, s.client.port);
    let server = format!("{}:{}", s.server.ip, s.server.port);
    let _ = writeln!(
        out,
        "PPTP control connection {}: client {} ↔ server {}",
        s.id, client, server
    );
    if s.started_mid_session {
        out.push_str("  (the capture starts after this connection was set up)\n");
    }
    let _ = writeln!(
        out,
        "  {:>10}  {:>7}  {:<w$}  key fields",
        "time",
        "frame",
        format!("client{}server", " ".repeat(ARROW.saturating_sub(12))),
        w = ARROW
    );
    let t0 = s.start.time;
    // TCP events that end the connection are drawn where they happened
    // among the messages.
    let mut tcp_events: Vec<(u64, f64, String)> = Vec::new();
    if let Some(fin) = s.tcp_fin {
        tcp_events.push((
            fin.frame,
            fin.time,
            format!("TCP FIN from the {}", side(fin_side(s))),
        ));
    }
    if let Some(rst) = s.tcp_rst {
        tcp_events.push((rst.frame, rst.time, "TCP RST".to_string()));
    }
    tcp_events.sort_by_key(|e| e.0);
    let mut pending = tcp_events.into_iter().peekable();
    let mut phase: Option<Phase> = None;
    for m in &s.messages {
        while let Some((frame, time, text)) = pending.next_if(|e| e.0 < m.frame) {
            let _ = writeln!(
                out,
                "  {:>10}  {:>7}  {}",
                format!("+{:.3}", time - t0),
                frame,
                text
            );
        }
        let p = Phase::of(m.type_code);
        if phase != Some(p) {
            let _ = writeln!(out, "  ── {} ── {}", p.title(), p.explanation());
            phase = Some(p);
        }
        line(out, m, t0);
        // The data phase of each call that came up at this message, as one
        // summarised line per direction.
        for call in s
            .calls
            .iter()
            .filter(|c| c.up_since().map(|a| a.frame) == Some(m.frame))
        {
            gre_lines(out, call);
            ppp_lines(out, call, t0);
        }
    }
    for call in s.calls.iter().filter(|c| c.up_since().is_none()) {
        gre_lines(out, call);
        ppp_lines(out, call, t0);
    }
    for (frame, time, text) in pending {
        let _ = writeln!(
            out,
            "  {:>10}  {:>7}  {}",
            format!("+{:.3}", time - t0),
            frame,
            text
        );
    }
    if s.messages_dropped > 0 {
        let _ = writeln!(out, "  … {} more messages not listed (limit)", s.messages_dropped);
    }
    let end = match s.ended_by {
        EndReason::StopControlConnection => "ended by Stop-Control-Connection",
        EndReason::TcpFin => "ended: TCP closed without Stop-Control-Connection",
        EndReason::TcpRst => "ended: TCP reset without Stop-Control-Connection",
        EndReason::OpenAtCaptureEnd => "still open when the capture ends",
        EndReason::Evicted => "no longer tracked (flow limit reached)",
    };
    let _ = writeln!(out, "  {:>10}  {:>7}  {}", "", "", end);
}

/// The side whose FIN came first (the RST side is recorded separately).
fn fin_side(s: &ControlSession) -> Option<Direction> {
    s.closed_by
}

fn side(d: Option<Direction>) -> &'static str {
    match d {
        Some(Direction::ClientToServer) => "client",
        Some(Direction::ServerToClient) => "server",
        None => "?",
    }
}

fn line(out: &mut String, m: &MessageRecord, t0: f64) {
    let name = &m.type_name;
    let inner = ARROW.saturating_sub(4);
    let dashes = inner.saturating_sub(name.chars().count() + 2);
    let left = dashes / 2;
    let right = dashes - left;
    let arrow = match m.direction {
        Direction::ClientToServer => format!("─{} {} {}─▶", "─".repeat(left), name, "─".repeat(right)),
        Direction::ServerToClient => format!("◀─{} {} {}─", "─".repeat(left), name, "─".repeat(right)),
    };
    let frame = match m.first_frame {
        Some(first) => format!("{first}-{}", m.frame),
        None => m.frame.to_string(),
    };
    let mut fields = escape_terminal(&m.body.summary()).into_owned();
    if !m.anomalies.is_empty() {
        let _ = write!(fields, "  ⚠ {}", m.anomalies.join(", "));
    }
    if let Some(d) = m.deviation {
        let _ = write!(fields, "  ⚠ {}", d.code());
    }
    let _ = writeln!(
        out,
        "  {:>10}  {:>7}  {}  {}",
        format!("+{:.3}", m.time - t0),
        frame,
        arrow,
        fields
    );
}

/// The PPP phases inside a call, one explained line per step (data frames
/// are summarised, never listed).
fn ppp_lines(out: &mut String, call: &crate::pptp::session::Call, t0: f64) {
    let Some(p) = &call.ppp else { return };
    let mut phase = None;
    for e in &p.events {
        if phase != Some(e.phase) {
            let _ = writeln!(out, "  ── PPP {} ──", format!("{:?}", e.phase).to_lowercase());
            phase = Some(e.phase);
        }
        let arrow = match e.direction {
            Direction::ClientToServer => "client ──▶ server",
            Direction::ServerToClient => "client ◀── server",
        };
        let _ = writeln!(
            out,
            "  {:>10}  {:>7}  {arrow}  {} — {}",
            format!("+{:.3}", e.time - t0),
            e.frame,
            escape_terminal(&e.summary),
            escape_terminal(&e.explanation)
        );
    }
    if p.events_not_listed > 0 {
        let _ = writeln!(
            out,
            "  … {} more PPP steps not listed (limit)",
            p.events_not_listed
        );
    }
    let d = &p.data;
    if d.encrypted_frames + d.ipv4_packets + d.ipv6_packets > 0 {
        let _ = writeln!(
            out,
            "  {:>10}  {:>7}  data: {} MPPE-encrypted frames, {} IPv4 and {} IPv6 packets in the clear",
            "", "", d.encrypted_frames, d.ipv4_packets, d.ipv6_packets
        );
    }
}

/// The data phase of one call: GRE in each direction, summarised.
fn gre_lines(out: &mut String, call: &crate::pptp::session::Call) {
    let _ = writeln!(
        out,
        "  ── data (GRE) ── PPP runs in enhanced GRE; each side numbers its packets and acknowledges the other's, nothing is retransmitted."
    );
    let dirs = [
        (
            "client ──▶ server",
            call.server_call_id,
            call.gre.client_to_server.as_ref(),
        ),
        (
            "client ◀── server",
            call.client_call_id,
            call.gre.server_to_client.as_ref(),
        ),
    ];
    for (arrow, id, st) in dirs {
        let id = id.map_or("?".to_string(), |i| i.to_string());
        match st {
            None => {
                let _ = writeln!(out, "  {:>10}  {:>7}  {arrow}  call ID {id}: no GRE seen", "", "");
            }
            Some(st) => {
                let frames = match (st.first_frame, st.last_frame) {
                    (Some(a), Some(b)) => format!("{a}-{b}"),
                    _ => String::new(),
                };
                let seq = match (st.first_seq, st.last_seq) {
                    (Some(a), Some(b)) => format!(", seq {a}..{b}"),
                    _ => String::new(),
                };
                let mut text = format!(
                    "{arrow}  call ID {id}: {} packets ({} data, {} ack-only){seq}, lost {}, dup {}, reordered {}",
                    st.packets, st.data_packets, st.ack_only_packets, st.lost, st.duplicates, st.reordered
                );
                if let Some(m) = st.ack_latency.median {
                    let _ = write!(text, ", ack latency {:.1} ms", m * 1000.0);
                }
                let _ = writeln!(out, "  {:>10}  {:>7}  {text}", "", frames);
            }
        }
    }
}
