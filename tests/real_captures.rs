//! Exact outcomes on the real captures in `../shared/captures` (recorded by
//! others; see its MANIFEST.md). Skipped when that folder is absent.

use std::fs;
use std::path::PathBuf;

use tunnelscope::ppp::negotiation::AuthResult;
use tunnelscope::pptp::session::{CallState, Direction, EndReason};

use crate::common::{self, analyze, finding_codes, messages};

fn shared(name: &str) -> Option<PathBuf> {
    common::shared_captures().map(|d| d.join(name))
}

#[test]
fn packetlife_ixia_to_cisco_call_set_up() {
    let Some(path) = shared("epiecs_packetlife-backup__PPTP_negotiation.cap") else {
        return;
    };
    let r = analyze(&path);
    assert_eq!(r.pptp_sessions.len(), 1);
    let s = &r.pptp_sessions[0];
    assert_eq!(
        (s.client.ip.to_string(), s.client.port),
        ("20.0.0.2".into(), 1999)
    );
    assert_eq!(
        (s.server.ip.to_string(), s.server.port),
        ("20.0.0.1".into(), 1723)
    );
    assert_eq!(messages(&r), vec![(6, 1), (7, 2), (9, 7), (10, 8)]);
    assert_eq!(s.client_info.host_name.as_deref(), Some("local"));
    assert_eq!(s.client_info.vendor.as_deref(), Some("ixia"));
    assert_eq!(s.server_info.host_name.as_deref(), Some("ixro-smdev-r1"));
    assert_eq!(s.server_info.vendor.as_deref(), Some("Cisco Systems, Inc."));
    assert_eq!(s.calls.len(), 1);
    let c = &s.calls[0];
    assert_eq!((c.client_call_id, c.server_call_id), (Some(1), Some(24)));
    assert_eq!(c.state, CallState::Connected);
    assert_eq!((c.client_window, c.server_window), (Some(10), Some(16)));
    assert_eq!(c.connect_speed, Some(64000));
    assert_eq!(s.ended_by, EndReason::OpenAtCaptureEnd);
    assert!(!s.started_mid_session);
    // GRE: 20.0.0.2 → 20.0.0.1 carries the server's ID 24, the reverse the
    // client's ID 1; both tied to the call, no loss.
    let c2s = c.gre.client_to_server.as_ref().map(|g| {
        (
            g.packets,
            g.data_packets,
            g.ack_only_packets,
            g.first_seq,
            g.last_seq,
            g.lost,
        )
    });
    let s2c = c.gre.server_to_client.as_ref().map(|g| {
        (
            g.packets,
            g.data_packets,
            g.ack_only_packets,
            g.first_seq,
            g.last_seq,
            g.lost,
        )
    });
    assert_eq!(c2s, Some((10, 8, 2, Some(0), Some(7), 0)));
    assert_eq!(s2c, Some((7, 7, 0, Some(1), Some(7), 0)));
    assert_eq!(r.gre_flows.len(), 2);
    assert!(r
        .gre_flows
        .iter()
        .all(|f| !f.orphan && f.session.as_deref() == Some("pptp-1")));
    assert!(finding_codes(&r).is_empty());
}

#[test]
fn tcpdump_big_endian_with_duplicated_server_frames() {
    let Some(path) = shared("the-tcpdump-group_tcpdump__pptp.pcap") else {
        return;
    };
    let r = analyze(&path);
    assert!(r.captures[0].big_endian);
    // The server's frames each appear twice; every message counts once.
    assert_eq!(messages(&r), vec![(5, 1), (8, 2), (10, 7), (13, 8), (15, 15)]);
    let s = &r.pptp_sessions[0];
    assert_eq!(s.client_info.vendor.as_deref(), Some("Microsoft Windows NT"));
    assert_eq!(s.server_info.vendor.as_deref(), Some("MoretonBay"));
    let c = &s.calls[0];
    assert_eq!((c.client_call_id, c.server_call_id), (Some(0), Some(0)));
    assert_eq!(c.set_link_info.len(), 1);
    assert_eq!(c.set_link_info[0].frame, 15);
    assert_eq!(s.ended_by, EndReason::TcpFin);
    assert_eq!(s.closed_by, Some(Direction::ServerToClient));
    assert_eq!(s.tcp_fin.map(|a| a.frame), Some(19));
    // One LCP Configure-Request in GRE, then the server closes 1 s later:
    // too soon to call GRE blocked, so a warning.
    assert_eq!(finding_codes(&r), vec!["gre_one_way", "pptp_closed_without_stop"]);
    assert_eq!(r.findings[0].severity, tunnelscope::analysis::Severity::Warning);
}

#[test]
fn ndpi_windows_server_teardown_edge_cases() {
    let Some(path) = shared("ntop_nDPI__pptp.pcap") else {
        return;
    };
    let r = analyze(&path);
    assert_eq!(
        messages(&r),
        vec![
            (4, 1),
            (6, 2),
            (8, 7),
            (10, 8),
            (12, 15),
            (14, 15),
            (16, 12),
            (23, 13)
        ]
    );
    let s = &r.pptp_sessions[0];
    assert_eq!(
        s.calls.len(),
        1,
        "the Windows Call-Disconnect-Notify names the client's Call ID"
    );
    let c = &s.calls[0];
    assert_eq!((c.client_call_id, c.server_call_id), (Some(0), Some(11755)));
    // Windows servers send Set-Link-Info to the client.
    assert_eq!(
        c.set_link_info
            .iter()
            .map(|l| (l.frame, l.sent_by))
            .collect::<Vec<_>>(),
        vec![(12, Direction::ServerToClient), (14, Direction::ServerToClient)]
    );
    assert_eq!(c.clear_request.map(|a| a.frame), Some(16));
    assert_eq!(
        c.disconnect.as_ref().map(|d| (d.frame, d.result_code)),
        Some((23, 0))
    );
    assert_eq!(c.state, CallState::Disconnected);
    assert_eq!(s.tcp_retransmissions, 2);
    assert_eq!(s.ended_by, EndReason::TcpFin);
    assert_eq!(s.closed_by, Some(Direction::ClientToServer));
    assert_eq!(
        (s.tcp_fin.map(|a| a.frame), s.tcp_rst.map(|a| a.frame)),
        (Some(17), Some(24))
    );
    // The capture holds the control connection only: the call's GRE is
    // missing (blocked, or left out by the capture filter).
    assert_eq!(
        finding_codes(&r),
        vec![
            "gre_not_seen",
            "pptp_closed_without_stop",
            "pptp_reserved_non_zero"
        ]
    );
    assert_eq!(r.findings[0].windows_error.map(|w| w.code), Some(619));
    assert_eq!(r.findings[2].frames, vec![12, 14]);
}

#[test]
fn chapcrack_full_session_cleared_then_closed() {
    let Some(path) = shared("moxie0_chapcrack__sample.dump") else {
        return;
    };
    let r = analyze(&path);
    assert_eq!(messages(&r), vec![(10, 1), (12, 2), (14, 7), (16, 8), (184, 12)]);
    let c = &r.pptp_sessions[0].calls[0];
    assert_eq!((c.client_call_id, c.server_call_id), (Some(0), Some(30720)));
    assert_eq!(c.clear_request.map(|a| a.frame), Some(184));
    assert_eq!(c.state, CallState::ClosedWithControl);
    // pptp-linux sends up to 6 packets past the server's window of 3.
    assert_eq!(
        finding_codes(&r),
        vec![
            "pptp_closed_without_stop",
            "gre_window_exceeded",
            "ppp_link_terminated"
        ]
    );
    // PPP: MS-CHAPv2 "moxie" succeeded, MPPE 128-bit, IPCP addresses.
    let p = c.ppp.as_ref().map(|p| {
        (
            p.auth.protocol,
            p.auth.user.clone(),
            p.auth.result,
            p.ipcp.client_ip.clone(),
            p.ipcp.server_ip.clone(),
            p.data.encrypted_frames,
        )
    });
    let expected = (
        Some("MS-CHAPv2"),
        Some("moxie".to_string()),
        Some(AuthResult::Success),
        Some("172.27.200.10".to_string()),
        Some("172.27.200.1".to_string()),
        66,
    );
    assert_eq!(p, Some(expected));
}

#[test]
fn john_lulu_session_still_up_at_capture_end() {
    let Some(path) = shared("openwall_john-samples__lulu-password-pptp.pcap") else {
        return;
    };
    let r = analyze(&path);
    assert_eq!(
        messages(&r),
        vec![(10, 1), (12, 2), (13, 7), (14, 8), (16, 15), (29, 15)]
    );
    let s = &r.pptp_sessions[0];
    assert_eq!(s.client_info.vendor.as_deref(), Some("Microsoft"));
    assert_eq!(s.server_info.vendor.as_deref(), Some("linux"));
    let c = &s.calls[0];
    assert_eq!((c.client_call_id, c.server_call_id), (Some(2932), Some(256)));
    assert_eq!(c.set_link_info.len(), 2);
    assert_eq!(s.ended_by, EndReason::OpenAtCaptureEnd);
    // The server refuses IPv6 (an informational Protocol-Reject).
    assert_eq!(finding_codes(&r), vec!["ppp_protocol_rejected"]);
    let p = c.ppp.as_ref().map(|p| {
        (
            p.auth.protocol,
            p.auth.user.clone(),
            p.auth.result,
            p.auth.password_verified,
        )
    });
    assert_eq!(
        p,
        Some((
            Some("MS-CHAPv2"),
            Some("lulu".to_string()),
            Some(AuthResult::Success),
            None
        ))
    );
    assert_eq!(
        c.ppp
            .as_ref()
            .and_then(|p| p.ccp.mppe.as_ref())
            .map(|m| m.strength.as_str()),
        Some("128-bit")
    );
}

/// The published password of the lulu capture is verified, a wrong one is
/// not, and neither is ever printed.
#[test]
fn john_lulu_password_verified_with_the_right_credentials_only() {
    let Some(path) = shared("openwall_john-samples__lulu-password-pptp.pcap") else {
        return;
    };
    let verdict = |credentials: &str| {
        let config = tunnelscope::Config {
            credentials: vec![
                tunnelscope::ppp::verify::Credential::parse(credentials).unwrap_or_else(|e| panic!("{e}"))
            ],
            ..tunnelscope::Config::default()
        };
        let r = tunnelscope::pipeline::analyze_path(&path.to_string_lossy(), &config)
            .unwrap_or_else(|e| panic!("{e}"));
        let json = serde_json::to_string(&r).unwrap_or_default();
        assert!(!json.contains("Hunter2-wrong"));
        let codes = finding_codes(&r);
        (
            r.pptp_sessions[0].calls[0]
                .ppp
                .as_ref()
                .and_then(|p| p.auth.password_verified),
            codes,
        )
    };
    assert_eq!(
        verdict("lulu:password"),
        (Some(true), vec!["ppp_protocol_rejected"])
    );
    assert_eq!(
        verdict("lulu:Hunter2-wrong"),
        (
            Some(false),
            vec!["ppp_password_mismatch", "ppp_protocol_rejected"]
        )
    );
    // Another user's password says nothing about lulu's.
    assert_eq!(verdict("moxie:password").0, None);
}

#[test]
fn packetlife_pap_user_and_addresses() {
    let Some(path) = shared("epiecs_packetlife-backup__PPTP_negotiation.cap") else {
        return;
    };
    let r = analyze(&path);
    let p = r.pptp_sessions[0].calls[0].ppp.as_ref().map(|p| {
        (
            p.auth.protocol,
            p.auth.user.clone(),
            p.auth.result,
            p.ipcp.client_ip.clone(),
            p.ipcp.server_ip.clone(),
            p.data.ipv4_packets,
        )
    });
    let expected = (
        Some("PAP"),
        Some("ixia".to_string()),
        Some(AuthResult::Success),
        Some("17.1.1.122".to_string()),
        Some("17.1.1.118".to_string()),
        2,
    );
    assert_eq!(p, Some(expected));
    // The PAP password ("ixia") is never in the report unless asked for.
    assert!(!serde_json::to_string(&r)
        .unwrap_or_default()
        .contains("\"password\""));
    assert!(r.pptp_sessions[0].calls[0].secrets.is_none());
    let config = tunnelscope::Config {
        show_secrets: true,
        ..tunnelscope::Config::default()
    };
    let shown = tunnelscope::pipeline::analyze_path(&path.to_string_lossy(), &config)
        .unwrap_or_else(|e| panic!("{e}"));
    let secret = shown.pptp_sessions[0].calls[0]
        .secrets
        .as_ref()
        .and_then(|s| s.pap_password.clone());
    assert_eq!(secret.as_deref(), Some("ixia"));
}

/// Every file, negatives included: no panic, and only the PPTP captures
/// yield PPTP sessions.
#[test]
fn every_shared_capture_reads_and_negatives_have_no_session() {
    let Some(dir) = common::shared_captures() else {
        return;
    };
    let with_control = [
        "epiecs_packetlife-backup__PPTP_negotiation.cap",
        "the-tcpdump-group_tcpdump__pptp.pcap",
        "ntop_nDPI__pptp.pcap",
        "moxie0_chapcrack__sample.dump",
        "openwall_john-samples__lulu-password-pptp.pcap",
    ];
    let mut files: Vec<PathBuf> = Vec::new();
    for d in [dir.clone(), dir.join("negatives")] {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if p.is_file() && !matches!(ext, "md" | "key" | "pem" | "pfx") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert_eq!(files.len(), 17, "captures found");
    for path in files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let r = analyze(&path);
        let expected = usize::from(with_control.contains(&name.as_str()));
        assert_eq!(r.pptp_sessions.len(), expected, "{name}");
        if path.parent().is_some_and(|p| p.ends_with("negatives")) {
            assert!(
                r.findings
                    .iter()
                    .all(|f| !f.code.starts_with("pptp") && !f.code.starts_with("gre")),
                "{name}"
            );
            assert!(
                r.gre_flows.is_empty(),
                "{name}: a negative yields no PPTP GRE flow"
            );
            assert_eq!(r.gre_census.pptp_packets, 0, "{name}");
        }
    }
}

/// Other GRE is counted by kind and never taken for PPTP.
#[test]
fn other_gre_is_counted_by_kind() {
    let Some(dir) = common::shared_captures() else {
        return;
    };
    let census = |name: &str| {
        let r = analyze(&dir.join(name));
        let mut kinds: Vec<(String, u64)> = r
            .gre_census
            .other
            .iter()
            .map(|o| (o.kind.clone(), o.packets))
            .collect();
        kinds.sort();
        (r.gre_census.pptp_packets, kinds)
    };
    assert_eq!(
        census("negatives/epiecs_packetlife-backup__GRE.cap"),
        (0, vec![("plain GRE (IPv4)".into(), 10)])
    );
    assert_eq!(
        census("negatives/zeek_zeek__gre-erspan3-dot1q.pcap"),
        (0, vec![("ERSPAN type III".into(), 2)])
    );
    assert_eq!(
        census("negatives/networklessons_labs__gre-tunnel-with-key.pcapng"),
        (0, vec![("plain GRE (IPv4)".into(), 2)])
    );
    assert_eq!(
        census("negatives/ajbanjara_Wireshark__greb_DSLkeepalive_m.cap").0,
        0
    );
    // PcapPlusPlus's mix: two PPTP packets, one from the IPv6-outer sample,
    // and version-0 GRE of several kinds.
    let (pptp, other) = census("seladb_PcapPlusPlus__GrePackets.pcap");
    assert_eq!(pptp, 3);
    assert_eq!(other, vec![("NVGRE".into(), 1), ("plain GRE (IPv4)".into(), 3)]);
}
