//! Findings about the GRE data plane: calls whose GRE never appears or
//! flows one way only (the "GRE blocked" symptom), GRE no call explains,
//! GRE outside its call's lifetime, loss, duplicates and window overruns.

use std::fmt::Write as _;

use super::{Finding, Severity, ERROR_PORT_DISCONNECTED, ERROR_VPN_GRE_BLOCKED};
use crate::gre::flows::{FlowDirection, GreFlow};
use crate::pptp::session::{Call, ControlSession};

/// Loss above this share of a direction's packets is a finding.
const LOSS_RATIO: f64 = 0.01;
/// A run of this many consecutive missing numbers is a sustained gap.
const SUSTAINED_GAP: u64 = 10;
/// PPP's default restart interval (RFC 1661 §4.6), seconds.
const LCP_RESTART_SECS: f64 = 3.0;

/// `gre.key.call_id == 0x… && ip.src == …` (the IPv6 form for IPv6).
pub fn flow_filter(flow: &GreFlow) -> String {
    let src = if flow.src.is_ipv6() { "ipv6.src" } else { "ip.src" };
    let dst = if flow.dst.is_ipv6() { "ipv6.dst" } else { "ip.dst" };
    format!(
        "gre.key.call_id == 0x{:04x} && {src} == {} && {dst} == {}",
        flow.call_id, flow.src, flow.dst
    )
}

pub(super) fn call_filter(s: &ControlSession, call: &Call) -> String {
    let field = if s.client.ip.is_ipv6() {
        "ipv6.addr"
    } else {
        "ip.addr"
    };
    let mut ids = Vec::new();
    ids.extend(
        call.server_call_id
            .map(|id| format!("gre.key.call_id == 0x{id:04x}")),
    );
    ids.extend(
        call.client_call_id
            .map(|id| format!("gre.key.call_id == 0x{id:04x}")),
    );
    let ids = if ids.is_empty() {
        "gre".to_string()
    } else {
        format!("({})", ids.join(" || "))
    };
    format!(
        "{field} == {} && {field} == {} && {ids}",
        s.client.ip, s.server.ip
    )
}

fn label(call: &Call) -> String {
    match (call.client_call_id, call.server_call_id) {
        (Some(c), Some(s)) => format!("{c}/{s}"),
        (Some(c), None) => c.to_string(),
        (None, Some(s)) => format!("?/{s}"),
        (None, None) => format!("#{}", call.index),
    }
}

pub(super) fn findings(sessions: &[ControlSession], flows: &[GreFlow], out: &mut Vec<Finding>) {
    for s in sessions {
        for call in &s.calls {
            call_findings(s, call, out);
        }
    }
    for flow in flows {
        flow_findings(flow, out);
    }
}

/// A call that came up but whose GRE is missing in one or both directions.
fn call_findings(s: &ControlSession, call: &Call, out: &mut Vec<Finding>) {
    if !call.is_up() {
        return;
    }
    let c2s = call.gre.client_to_server.as_ref().map_or(0, |g| g.packets);
    let s2c = call.gre.server_to_client.as_ref().map_or(0, |g| g.packets);
    let up = call.up_since().map(|a| a.frame);
    // A call that ended within the LCP restart interval (RFC 1661: 3 s) had
    // no time to show that GRE does not get through: worth a warning, not
    // a verdict.
    let lifetime = match (call.up_since(), call.ended.or(s.end)) {
        (Some(start), Some(end)) => end.time - start.time,
        _ => f64::INFINITY,
    };
    let severity = if lifetime >= LCP_RESTART_SECS {
        Severity::Error
    } else {
        Severity::Warning
    };
    let base = Finding::new("", severity, "").session(s).call(call.index);
    match (c2s, s2c) {
        (0, 0) => out.push(Finding {
            code: "gre_not_seen",
            title: format!(
                "Call {} came up but no GRE was seen in either direction",
                label(call)
            ),
            explanation: "The control connection set the call up, but not one GRE packet (IP protocol 47) \
                 carrying its Call IDs is in the capture. Either GRE is blocked between the hosts (a \
                 firewall or NAT that passes TCP 1723 but not protocol 47), or the capture filter left it \
                 out (for example `tcp port 1723`). Windows then fails with error 619 or 806."
                .into(),
            windows_error: Some(ERROR_PORT_DISCONNECTED),
            wireshark_filter: Some(call_filter(s, call)),
            ..base.frames(up)
        }),
        (n, 0) => out.push(Finding {
            code: "gre_one_way",
            title: format!(
                "GRE of call {} flows client → server only ({n} packets, none back)",
                label(call)
            ),
            explanation: "The client's GRE is in the capture but the server's never is: the classic \
                 \"GRE blocked\" symptom (a firewall or NAT on the path drops protocol 47 towards the \
                 client, or the server's replies take another path). The client keeps repeating its \
                 LCP Configure-Requests and gives up."
                .into(),
            windows_error: Some(ERROR_VPN_GRE_BLOCKED),
            wireshark_filter: Some(call_filter(s, call)),
            ..base.frames(up)
        }),
        (0, n) => out.push(Finding {
            code: "gre_one_way",
            title: format!(
                "GRE of call {} flows server → client only ({n} packets, none from the client)",
                label(call)
            ),
            explanation: "The server's GRE is in the capture but the client's never is: GRE from the client \
                 is dropped before the capture point, or the capture misses that direction."
                .into(),
            windows_error: Some(ERROR_VPN_GRE_BLOCKED),
            wireshark_filter: Some(call_filter(s, call)),
            ..base.frames(up)
        }),
        _ => {}
    }
}

fn flow_findings(flow: &GreFlow, out: &mut Vec<Finding>) {
    let st = &flow.stats;
    let who = match flow.direction {
        Some(FlowDirection::ClientToServer) => "client → server",
        Some(FlowDirection::ServerToClient) => "server → client",
        None => "",
    };
    let name = format!(
        "{} → {} call ID {}{}",
        flow.src,
        flow.dst,
        flow.call_id,
        if who.is_empty() {
            String::new()
        } else {
            format!(" ({who})")
        }
    );
    let mut base = Finding::new("", Severity::Warning, "");
    base.session = flow.session.clone().or_else(|| flow.unknown_to_session.clone());
    base.call_index = flow.call_index;
    let filter = flow_filter(flow);
    let frames = |f: &[u64]| {
        let mut v = f.to_vec();
        v.sort_unstable();
        v.truncate(super::MAX_FRAMES);
        v
    };

    if flow.orphan {
        match &flow.unknown_to_session {
            Some(session) => out.push(Finding {
                code: "gre_unknown_call_id",
                severity: Severity::Warning,
                title: format!("GRE {name} carries a Call ID no call of {session} has"),
                explanation:
                    "A control connection between these hosts is in the capture, but none of its calls \
                     assigned this Call ID. A NAT that rewrites Call IDs, a call set up before the capture \
                     began, or a stale peer sending to an old call can cause this; the receiver drops such \
                     packets."
                        .into(),
                frames_total: st.packets,
                frames: frames(&flow.first_frames),
                wireshark_filter: Some(filter.clone()),
                ..base.clone()
            }),
            None => out.push(Finding {
                code: "gre_orphan_flow",
                severity: Severity::Info,
                title: format!("GRE {name} belongs to no control connection in the capture"),
                explanation:
                    "The capture holds no PPTP control connection for this GRE (it started after the \
                     call was set up, or the control connection runs elsewhere). It is analysed all the same."
                        .into(),
                frames_total: st.packets,
                frames: frames(&flow.first_frames),
                wireshark_filter: Some(filter.clone()),
                ..base.clone()
            }),
        }
    }
    if flow.before_call > 0 {
        out.push(Finding {
            code: "gre_before_call",
            severity: Severity::Warning,
            title: format!(
                "{} GRE packet(s) {name} before the call was set up",
                flow.before_call
            ),
            explanation:
                "GRE carried this call's ID before the call reply set the call up; a receiver drops \
                 them (RFC 2637 §4: a call's data follows its set-up)."
                    .into(),
            frames_total: flow.before_call,
            frames: frames(&flow.before_call_frames),
            wireshark_filter: Some(filter.clone()),
            ..base.clone()
        });
    }
    if flow.after_call > 0 {
        out.push(Finding {
            code: "gre_after_call",
            severity: Severity::Warning,
            title: format!(
                "{} GRE packet(s) {name} after the call was cleared",
                flow.after_call
            ),
            explanation: "GRE kept arriving for a call the control connection had already cleared; the peer \
                 did not stop sending, or the clear was not seen by it."
                .into(),
            frames_total: flow.after_call,
            frames: frames(&flow.after_call_frames),
            wireshark_filter: Some(filter.clone()),
            ..base.clone()
        });
    }
    let ratio = st.loss_ratio();
    if st.lost > 0 && (ratio > LOSS_RATIO || st.largest_gap >= SUSTAINED_GAP) {
        let mut explanation = format!(
            "{} of {} sequence numbers between {} and {} never appeared ({:.2} %); the largest run of \
             missing numbers is {}. A late packet that fills a gap counts as reordered, not lost.",
            st.lost,
            st.expected,
            st.first_seq.unwrap_or(0),
            st.last_seq.unwrap_or(0),
            ratio * 100.0,
            st.largest_gap
        );
        let _ = write!(
            explanation,
            " PPTP never retransmits (RFC 2637 §4), so lost packets are lost for PPP: MPPE resynchronises \
             and TCP inside the tunnel retransmits, which users see as slowness or drops."
        );
        // Acks naming numbers the capture never saw: the receiver got them,
        // so they were lost to the capture, not on the path.
        let severity = if st.acks_beyond_seen > 0 {
            let _ = write!(
                explanation,
                " The receiver acknowledged sequence numbers that are not in the capture ({} time(s)): \
                 those packets reached it and were missed by the capture, not lost on the path.",
                st.acks_beyond_seen
            );
            if st.acks_beyond_seen >= st.lost {
                Severity::Info
            } else {
                Severity::Warning
            }
        } else {
            Severity::Warning
        };
        out.push(Finding {
            code: "gre_loss",
            severity,
            title: format!("GRE {name}: {} packets lost ({:.2} %)", st.lost, ratio * 100.0),
            explanation,
            frames_total: st.packets,
            frames: [st.first_frame, st.last_frame].into_iter().flatten().collect(),
            wireshark_filter: Some(filter.clone()),
            ..base.clone()
        });
    }
    if st.duplicates > 0 {
        out.push(Finding {
            code: "gre_duplicates",
            severity: Severity::Warning,
            title: format!("GRE {name}: {} sequence number(s) seen twice", st.duplicates),
            explanation:
                "PPTP never retransmits (RFC 2637 §4.3), so a repeated sequence number that is not the \
                 same packet captured twice means something on the path duplicates packets; the receiver \
                 drops the copies."
                    .into(),
            frames_total: st.duplicates,
            frames: [st.first_frame, st.last_frame].into_iter().flatten().collect(),
            wireshark_filter: Some(filter.clone()),
            ..base.clone()
        });
    }
    if st.capture_duplicates > 0 {
        out.push(Finding {
            code: "gre_capture_duplicates",
            severity: Severity::Info,
            title: format!(
                "GRE {name}: {} packets were captured twice",
                st.capture_duplicates
            ),
            explanation:
                "The same packet (same IP identification and bytes) appears twice, as on a Linux `any` \
                 capture or a router capturing on two interfaces. The copies are not counted as duplicates \
                 or loss."
                    .into(),
            frames_total: st.capture_duplicates,
            frames: Vec::new(),
            wireshark_filter: Some(filter.clone()),
            ..base.clone()
        });
    }
    if st.window_exceeded > 0 {
        out.push(Finding {
            code: "gre_window_exceeded",
            // Many stacks send past the announced window without harm.
            severity: Severity::Info,
            title: format!(
                "GRE {name}: up to {} packets in flight, over the receive window of {}",
                st.max_in_flight.unwrap_or(0),
                st.peer_window.unwrap_or(0)
            ),
            explanation: "The sender had more unacknowledged packets outstanding than the receiver's Packet \
                 Receive Window Size from the call set-up allows (RFC 2637 §4.2); the receiver may drop the \
                 excess."
                .into(),
            frames_total: st.window_exceeded,
            frames: Vec::new(),
            wireshark_filter: Some(filter.clone()),
            ..base.clone()
        });
    }
    let anomalies = flow.anomalies.total();
    if anomalies > 0 {
        out.push(Finding {
            code: "gre_malformed",
            severity: Severity::Warning,
            title: format!("GRE {name}: {anomalies} header anomalies"),
            explanation: format!(
                "Enhanced GRE (RFC 2637 §4.1) never sets C, R or s, has recursion 0 and no unknown flags, and \
                 its payload length matches the bytes present. Counts: checksum {}, routing {}, strict source \
                 route {}, recursion {}, unknown flags {}, trailing bytes {}, payload truncated {}.",
                flow.anomalies.checksum_present,
                flow.anomalies.routing_present,
                flow.anomalies.strict_source_route,
                flow.anomalies.recursion_nonzero,
                flow.anomalies.unknown_flags,
                flow.anomalies.trailing_bytes,
                flow.anomalies.payload_truncated
            ),
            frames_total: anomalies,
            frames: Vec::new(),
            wireshark_filter: Some(filter),
            ..base
        });
    }
}
