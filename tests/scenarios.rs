//! Exact conclusions for each generated scenario (`captures/README.md`
//! states the ground truth each test checks).

use tunnelscope::analysis::Severity;
use tunnelscope::pptp::session::{CallKind, CallState, ControlState, Direction, EndReason};

use crate::common::{analyze, finding_codes, own};

#[test]
fn clean_session_in_every_encapsulation_has_no_finding() {
    for name in [
        "pptp-clean.pcap",
        "pptp-clean.pcap.gz",
        "pptp-ipv6.pcap",
        "pptp-vlan.pcap",
        "pptp-sll2.pcap",
        "pptp-two-ifaces.pcapng",
        "pptp-nanosecond.pcap",
        "pptp-bigendian.pcap",
        "pptp-port-8080.pcap",
        "pptp-segmentation.pcap",
        "pptp-retrans-reorder.pcap",
    ] {
        let r = analyze(&own(name));
        assert!(finding_codes(&r).is_empty(), "{name}: {:?}", finding_codes(&r));
        assert_eq!(r.pptp_sessions.len(), 1, "{name}");
        let s = &r.pptp_sessions[0];
        assert_eq!(s.state, ControlState::Stopped, "{name}");
        assert_eq!(s.ended_by, EndReason::StopControlConnection, "{name}");
        let c = &s.calls[0];
        assert_eq!(
            (c.client_call_id, c.server_call_id),
            (Some(12345), Some(257)),
            "{name}"
        );
        assert_eq!(c.state, CallState::Disconnected, "{name}");
        assert_eq!(c.disconnect.as_ref().map(|d| d.result_code), Some(4), "{name}");
        assert_eq!(s.echo.unanswered, 0, "{name}");
        let c2s = c
            .gre
            .client_to_server
            .as_ref()
            .map(|g| (g.packets, g.first_seq, g.last_seq, g.lost));
        let s2c = c
            .gre
            .server_to_client
            .as_ref()
            .map(|g| (g.packets, g.ack_only_packets, g.lost));
        assert_eq!(c2s, Some((2, Some(0), Some(1), 0)), "{name}");
        assert_eq!(s2c, Some((3, 1, 0)), "{name}");
    }
}

#[test]
fn clean_session_details() {
    let r = analyze(&own("pptp-clean.pcap"));
    let s = &r.pptp_sessions[0];
    assert_eq!(
        (s.client.ip.to_string(), s.client.port),
        ("198.51.100.23".to_string(), 49712)
    );
    assert_eq!(
        (s.server.ip.to_string(), s.server.port),
        ("203.0.113.5".to_string(), 1723)
    );
    assert_eq!(s.echo.exchanges.len(), 1);
    let echo = &s.echo.exchanges[0];
    assert_eq!((echo.request.frame, echo.reply.map(|a| a.frame)), (15, Some(16)));
    assert!((echo.rtt.unwrap_or(0.0) - 0.020).abs() < 0.001);
    let stop = s.stop.as_ref().map(|st| {
        (
            st.request.frame,
            st.reason_code,
            st.reply.map(|a| a.frame),
            st.result_code,
        )
    });
    assert_eq!(stop, Some((19, 1, Some(20), Some(1))));
    assert_eq!(r.captures[0].frames, 23);
}

#[test]
fn rejected_calls() {
    let r = analyze(&own("pptp-call-rejected.pcap"));
    assert_eq!(
        finding_codes(&r),
        vec!["pptp_call_rejected", "pptp_call_rejected"]
    );
    let calls = &r.pptp_sessions[0].calls;
    let got: Vec<_> = calls
        .iter()
        .map(|c| (c.client_call_id, c.state, c.result_code, c.error_code))
        .collect();
    assert_eq!(
        got,
        vec![
            (Some(12345), CallState::Rejected, Some(7), Some(0)),
            (Some(12346), CallState::Rejected, Some(2), Some(4)),
        ]
    );
    assert_eq!(r.findings[0].frames, vec![6, 7]);
    assert_eq!(r.findings[1].frames, vec![8, 9]);
    assert!(
        r.findings[1].title.contains("No-Resource (4)"),
        "{}",
        r.findings[1].title
    );
}

#[test]
fn start_request_never_answered() {
    let r = analyze(&own("pptp-no-sccrp.pcap"));
    assert_eq!(finding_codes(&r), vec!["pptp_no_start_reply"]);
    assert_eq!(r.findings[0].frames, vec![4, 7]);
    assert_eq!(r.findings[0].windows_error.map(|w| w.code), Some(809));
    let s = &r.pptp_sessions[0];
    assert_eq!(
        s.messages.len(),
        1,
        "TCP retransmissions of the request count once"
    );
    assert_eq!(s.tcp_retransmissions, 2);
    assert_eq!(s.state, ControlState::WaitReply);
    assert_eq!(s.ended_by, EndReason::TcpFin);
}

#[test]
fn unanswered_echo() {
    let r = analyze(&own("pptp-echo-unanswered.pcap"));
    assert_eq!(
        finding_codes(&r),
        vec!["pptp_echo_unanswered", "pptp_closed_without_stop"]
    );
    assert_eq!(r.findings[0].frames, vec![17]);
    assert_eq!(r.findings[0].windows_error.map(|w| w.code), Some(807));
    let e = &r.pptp_sessions[0].echo;
    assert_eq!((e.requests, e.replies, e.unanswered), (2, 1, 1));
}

#[test]
fn reset_mid_call() {
    let r = analyze(&own("pptp-rst-midcall.pcap"));
    assert_eq!(finding_codes(&r), vec!["pptp_control_reset"]);
    let f = &r.findings[0];
    assert_eq!((f.severity, f.frames.clone()), (Severity::Error, vec![19]));
    let s = &r.pptp_sessions[0];
    assert_eq!(
        (s.ended_by, s.closed_by),
        (EndReason::TcpRst, Some(Direction::ServerToClient))
    );
    assert_eq!(s.calls[0].state, CallState::ClosedWithControl);
}

#[test]
fn two_clients_two_sessions() {
    let r = analyze(&own("pptp-two-clients.pcap"));
    assert!(finding_codes(&r).is_empty());
    let got: Vec<_> = r
        .pptp_sessions
        .iter()
        .map(|s| {
            (
                s.client.ip.to_string(),
                s.calls[0].client_call_id,
                s.calls[0].server_call_id,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("198.51.100.23".to_string(), Some(12345), Some(257)),
            ("192.0.2.77".to_string(), Some(23456), Some(258)),
        ]
    );
    assert_eq!(
        r.gre_flows
            .iter()
            .filter(|f| f.session.as_deref() == Some("pptp-2"))
            .count(),
        2
    );
}

#[test]
fn segmentation_split_and_back_to_back() {
    let r = analyze(&own("pptp-segmentation.pcap"));
    let s = &r.pptp_sessions[0];
    assert_eq!(s.messages.len(), 15);
    let ocrq = &s.messages[2];
    assert_eq!((ocrq.type_code, ocrq.first_frame, ocrq.frame), (7, Some(6), 8));
    let in_11: Vec<u16> = s
        .messages
        .iter()
        .filter(|m| m.frame == 11)
        .map(|m| m.type_code)
        .collect();
    assert_eq!(in_11, vec![15, 5, 6]);
    let ccrq = s
        .messages
        .iter()
        .find(|m| m.type_code == 12)
        .map(|m| (m.first_frame, m.frame));
    assert_eq!(ccrq, Some((Some(18), 19)));
    assert_eq!((s.echo.requests, s.echo.replies), (3, 3));
}

#[test]
fn retransmitted_and_reordered_segments() {
    let r = analyze(&own("pptp-retrans-reorder.pcap"));
    let s = &r.pptp_sessions[0];
    assert_eq!(
        s.calls[0].set_link_info.len(),
        2,
        "the retransmitted SLI counts once"
    );
    assert_eq!(s.tcp_retransmissions, 1);
    assert!(s.stream_problems.is_empty());
}

#[test]
fn malformed_messages() {
    let r = analyze(&own("pptp-malformed.pcap"));
    assert_eq!(
        finding_codes(&r),
        vec![
            "gre_not_seen",
            "pptp_bad_magic_cookie",
            "pptp_unknown_message_type",
            "pptp_echo_unanswered",
            "pptp_length_mismatch",
            "pptp_closed_without_stop",
            "pptp_reserved_non_zero",
        ]
    );
    let cookie = &r.findings[1];
    assert_eq!(cookie.frames, vec![8, 16]);
    assert!(cookie.title.starts_with("28 bytes"), "{}", cookie.title);
    let s = &r.pptp_sessions[0];
    let unknown = s
        .messages
        .iter()
        .find(|m| m.frame == 13)
        .map(|m| (m.type_code, m.type_name.clone()));
    assert_eq!(unknown, Some((16, "Unknown-16".to_string())));
}

#[test]
fn order_violations() {
    let r = analyze(&own("pptp-order-violations.pcap"));
    assert_eq!(
        finding_codes(&r),
        vec![
            "gre_not_seen",
            "pptp_call_before_control_connection",
            "pptp_reply_without_request",
            "pptp_echo_unanswered",
            "pptp_message_after_stop",
        ]
    );
    assert_eq!(r.findings[1].frames, vec![5]);
    assert_eq!(r.findings[2].frames, vec![8, 9]);
    assert_eq!(r.findings[4].frames, vec![13]);
    let s = &r.pptp_sessions[0];
    // The reply to nothing creates no call.
    assert_eq!(s.calls.len(), 1);
    assert_eq!(
        (s.calls[0].client_call_id, s.calls[0].server_call_id),
        (Some(12345), Some(257))
    );
    assert_eq!(s.messages.len(), 9, "every message is still listed");
}

#[test]
fn capture_starting_mid_session() {
    let r = analyze(&own("pptp-midsession.pcap"));
    assert_eq!(finding_codes(&r), vec!["pptp_capture_started_mid_session"]);
    let s = &r.pptp_sessions[0];
    assert!(s.started_mid_session);
    assert_eq!(s.ended_by, EndReason::OpenAtCaptureEnd);
    let c = &s.calls[0];
    // The server's ID from Set-Link-Info, the client's from the GRE key.
    assert_eq!((c.client_call_id, c.server_call_id), (Some(12345), Some(257)));
    let c2s = c
        .gre
        .client_to_server
        .as_ref()
        .map(|g| (g.packets, g.first_seq, g.last_seq, g.lost));
    let s2c = c
        .gre
        .server_to_client
        .as_ref()
        .map(|g| (g.packets, g.first_seq, g.last_seq, g.lost));
    assert_eq!(c2s, Some((4, Some(4711), Some(4713), 0)));
    assert_eq!(s2c, Some((3, Some(2300), Some(2302), 0)));
    assert_eq!((s.echo.requests, s.echo.replies), (1, 1));
}

#[test]
fn incoming_call_with_wan_errors() {
    let r = analyze(&own("pptp-incoming-call.pcap"));
    assert_eq!(
        finding_codes(&r),
        vec!["pptp_wan_errors", "pptp_call_disconnected_by_server"]
    );
    let c = &r.pptp_sessions[0].calls[0];
    assert_eq!(c.kind, CallKind::Incoming);
    assert_eq!(
        (c.client_call_id, c.server_call_id, c.call_serial_number),
        (Some(12345), Some(257), Some(9))
    );
    assert_eq!(c.dialed_number.as_deref(), Some("5550100"));
    assert_eq!(c.dialing_number.as_deref(), Some("5550199"));
    assert_eq!(c.connect_speed, Some(64000));
    let w = c.wan_errors.as_ref().map(|w| {
        (
            w.crc_errors,
            w.framing_errors,
            w.timeout_errors,
            w.alignment_errors,
        )
    });
    assert_eq!(w, Some((3, 1, 2, 0)));
    assert_eq!(c.disconnect.as_ref().map(|d| d.result_code), Some(1));
    assert!(c.gre.client_to_server.is_some() && c.gre.server_to_client.is_some());
}

#[test]
fn http_on_port_1723_is_not_pptp() {
    let r = analyze(&own("http-port-1723.pcap"));
    assert!(r.pptp_sessions.is_empty());
    assert!(r.findings.is_empty());
}

fn codes_with_severity(name: &str) -> Vec<(&'static str, Severity)> {
    analyze(&own(name))
        .findings
        .iter()
        .map(|f| (f.code, f.severity))
        .collect()
}

#[test]
fn gre_scenarios_give_exactly_their_findings() {
    use Severity::*;
    let expected: &[(&str, &[(&str, Severity)])] = &[
        ("gre-ack-only.pcap", &[]),
        ("gre-call-ids-reused.pcap", &[]),
        ("gre-nat.pcap", &[]),
        (
            "gre-before-after.pcap",
            &[("gre_before_call", Warning), ("gre_after_call", Warning)],
        ),
        ("gre-blocked.pcap", &[("gre_one_way", Error)]),
        ("gre-one-way.pcap", &[("gre_one_way", Error)]),
        (
            "gre-doubled.pcap",
            &[("gre_capture_duplicates", Info), ("gre_capture_duplicates", Info)],
        ),
        ("gre-dup-reorder.pcap", &[("gre_duplicates", Warning)]),
        ("gre-loss.pcap", &[("gre_loss", Warning)]),
        // The one missing number was acknowledged by its receiver: lost
        // by the capture only.
        (
            "gre-orphan.pcap",
            &[
                ("gre_unknown_call_id", Warning),
                ("gre_loss", Info),
                ("gre_orphan_flow", Info),
                ("gre_orphan_flow", Info),
            ],
        ),
        (
            "gre-two-calls-swapped.pcap",
            &[
                ("gre_loss", Warning),
                ("gre_loss", Warning),
                ("gre_loss", Warning),
            ],
        ),
        ("gre-window.pcap", &[("gre_window_exceeded", Info)]),
        ("gre-wrap.pcap", &[("gre_loss", Warning)]),
    ];
    for (name, want) in expected {
        assert_eq!(codes_with_severity(name), want.to_vec(), "{name}");
    }
}

#[test]
fn gre_blocked_maps_to_windows_806_with_a_display_filter() {
    let r = analyze(&own("gre-blocked.pcap"));
    let f = &r.findings[0];
    assert_eq!(f.windows_error.map(|w| w.code), Some(806));
    assert_eq!(
        f.wireshark_filter.as_deref(),
        Some("ip.addr == 198.51.100.23 && ip.addr == 203.0.113.5 && (gre.key.call_id == 0x0101 || gre.key.call_id == 0x3039)")
    );
    let c = &r.pptp_sessions[0].calls[0];
    assert_eq!(c.gre.client_to_server.as_ref().map(|g| g.packets), Some(5));
    assert!(c.gre.server_to_client.is_none());
}

#[test]
fn reused_call_ids_split_into_one_flow_per_call() {
    let r = analyze(&own("gre-call-ids-reused.pcap"));
    let calls = &r.pptp_sessions[0].calls;
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].client_call_id, calls[1].client_call_id);
    let per_call: Vec<_> = r.gre_flows.iter().map(|f| (f.call_id, f.call_index)).collect();
    assert_eq!(per_call.iter().filter(|(_, c)| *c == Some(0)).count(), 2);
    assert_eq!(per_call.iter().filter(|(_, c)| *c == Some(1)).count(), 2);
}

/// With room for one TCP flow, the second client's connection evicts the
/// first: that session says so instead of claiming it was open at the end.
#[test]
fn an_evicted_control_connection_is_reported_as_evicted() {
    let mut config = tunnelscope::Config::default();
    config.limits.tcp_flows = 1;
    let r = tunnelscope::pipeline::analyze_path(&own("pptp-two-clients.pcap").to_string_lossy(), &config)
        .unwrap_or_else(|e| panic!("{e}"));
    let ended: Vec<EndReason> = r.pptp_sessions.iter().map(|s| s.ended_by).collect();
    assert_eq!(ended.first(), Some(&EndReason::Evicted));
    // The two connections interleave, so each turn evicts the other.
    assert_eq!(r.stats.tcp.evictions, 31);
}
