//! Negotiations built from RFC byte layouts and driven through the tracker.

use serde_json::{json, Value};

use super::*;
use crate::ppp::build;

const C: Direction = Direction::ClientToServer;
const S: Direction = Direction::ServerToClient;

/// Feeds frames numbered from 1, 10 ms apart.
struct Script {
    link: PppLink,
    frame: u64,
}

impl Script {
    fn new() -> Self {
        Script {
            link: PppLink::new(),
            frame: 0,
        }
    }

    fn with_limits(limits: PppLimits) -> Self {
        Script {
            link: PppLink::with_limits(limits),
            frame: 0,
        }
    }

    fn send(&mut self, d: Direction, bytes: &[u8]) -> u64 {
        self.frame += 1;
        let ts = Timestamp::new(1_700_000_000, (self.frame as u32) * 10_000_000);
        self.link.frame(d, self.frame, ts, bytes);
        self.frame
    }

    fn lcp(&mut self, d: Direction, code: u8, id: u8, options: &[Vec<u8>]) -> u64 {
        self.send(d, &build::frame(0xC021, &build::control(code, id, options)))
    }

    fn lcp_data(&mut self, d: Direction, code: u8, id: u8, data: &[u8]) -> u64 {
        self.send(d, &build::frame(0xC021, &build::packet(code, id, data)))
    }

    fn ccp(&mut self, d: Direction, code: u8, id: u8, options: &[Vec<u8>]) -> u64 {
        self.send(d, &build::frame(0x80FD, &build::control(code, id, options)))
    }

    fn ipcp(&mut self, d: Direction, code: u8, id: u8, options: &[Vec<u8>]) -> u64 {
        self.send(d, &build::frame(0x8021, &build::control(code, id, options)))
    }

    fn chap(&mut self, d: Direction, packet: Vec<u8>) -> u64 {
        self.send(d, &build::frame_compressed(0xC223, &packet))
    }

    fn mppe(&mut self, d: Direction, count: u16) -> u64 {
        self.send(
            d,
            &build::frame_compressed(0x00FD, &build::mppe(0x90, count, &[0xAB; 20])),
        )
    }

    /// LCP opened in four frames; the server asks for `auth`.
    fn open_lcp(&mut self, auth: Vec<u8>) {
        self.lcp(C, 1, 1, &[build::lcp_magic(0x1111_1111)]);
        self.lcp(S, 1, 1, &[auth.clone(), build::lcp_magic(0x2222_2222)]);
        self.lcp(S, 2, 1, &[build::lcp_magic(0x1111_1111)]);
        self.lcp(C, 2, 1, &[auth, build::lcp_magic(0x2222_2222)]);
    }

    fn report(&self) -> PppReport {
        self.link.report()
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

const SUCCESS: &[u8] = b"S=0123456789ABCDEF0123456789ABCDEF01234567 M=Welcome";

fn full_negotiation() -> Script {
    let mut s = Script::new();
    let client_lcp = |mru| {
        vec![
            build::lcp_mru(mru),
            build::lcp_magic(0x1111_1111),
            build::lcp_pfc(),
            build::lcp_acfc(),
        ]
    };
    let server_lcp = vec![
        build::lcp_auth_chap(0x81),
        build::lcp_magic(0x2222_2222),
        build::lcp_pfc(),
        build::lcp_acfc(),
    ];
    s.lcp(C, 1, 1, &client_lcp(1400)); // 1
    s.lcp(S, 1, 1, &server_lcp); // 2
    s.lcp(S, 3, 1, &[build::lcp_mru(1450)]); // 3
    s.lcp(C, 2, 1, &server_lcp); // 4
    s.lcp(C, 1, 2, &client_lcp(1450)); // 5
    s.lcp(S, 2, 2, &client_lcp(1450)); // 6
    let challenge: Vec<u8> = (0..16).collect();
    s.chap(S, build::chap_value(1, 7, &challenge, b"srv")); // 7
    let value = build::ms_chap_v2_value([0xA1; 16], [0xB2; 24]);
    s.chap(C, build::chap_value(2, 7, &value, b"CORP\\alice")); // 8
    s.chap(S, build::packet(3, 7, SUCCESS)); // 9
    s.ccp(S, 1, 1, &[build::ccp_mppe(0x0100_0040)]); // 10
    s.ccp(C, 1, 1, &[build::ccp_mppe(0x0100_0060)]); // 11
    s.ccp(C, 2, 1, &[build::ccp_mppe(0x0100_0040)]); // 12
    s.ccp(S, 3, 1, &[build::ccp_mppe(0x0100_0040)]); // 13
    s.ccp(C, 1, 2, &[build::ccp_mppe(0x0100_0040)]); // 14
    s.ccp(S, 2, 2, &[build::ccp_mppe(0x0100_0040)]); // 15
    s.ipcp(S, 1, 1, &[build::ipcp_addr(3, [10, 0, 0, 1])]); // 16
    let zeros = [
        build::ipcp_addr(3, [0; 4]),
        build::ipcp_addr(129, [0; 4]),
        build::ipcp_addr(131, [0; 4]),
    ];
    s.ipcp(C, 1, 1, &zeros); // 17
    s.ipcp(C, 2, 1, &[build::ipcp_addr(3, [10, 0, 0, 1])]); // 18
    let given = [
        build::ipcp_addr(3, [10, 0, 0, 7]),
        build::ipcp_addr(129, [8, 8, 8, 8]),
        build::ipcp_addr(131, [8, 8, 4, 4]),
    ];
    s.ipcp(S, 3, 1, &given); // 19
    s.ipcp(C, 1, 2, &given); // 20
    s.ipcp(S, 2, 2, &given); // 21
    s.mppe(C, 0); // 22
    s.mppe(S, 0); // 23
    s.mppe(C, 1); // 24
    s.mppe(C, 4); // 25: 2 and 3 missing
    s.mppe(C, 4); // 26: repeat
    s.mppe(C, 3); // 27: late
    s.lcp_data(S, 9, 0, &0x2222_2222u32.to_be_bytes()); // 28
    s.lcp_data(C, 10, 0, &0x1111_1111u32.to_be_bytes()); // 29
    s.lcp_data(C, 5, 3, b"User request"); // 30
    s.lcp_data(S, 6, 3, b""); // 31
    s
}

#[test]
fn full_negotiation_report_and_json_contract() {
    let s = full_negotiation();
    let r = s.report();

    assert_eq!(r.phase_reached, LinkPhase::Network);
    assert_eq!(
        r.frames,
        FrameStats {
            total: 31,
            per_direction: PerDirection {
                client_to_server: 17,
                server_to_client: 14
            },
            malformed: 0,
            with_address_control: 22,
            address_control_compressed: 9,
            protocol_compressed: 6,
            lcp_framing_violations: 0,
            invalid_protocol_numbers: 0,
            by_protocol: ProtocolCounts {
                lcp: 10,
                chap: 3,
                ccp: 6,
                ipcp: 6,
                compressed: 6,
                ..ProtocolCounts::default()
            },
            other_protocols: vec![],
            other_protocols_not_listed: 0,
            errors: vec![],
            errors_not_listed: 0,
        }
    );

    // LCP: the client's MRU was Nak'ed once, then both sides converged.
    assert!(r.lcp.opened);
    assert_eq!(r.lcp.opened_frame, Some(6));
    assert_eq!(
        r.lcp.client.negotiation,
        NegotiationStats {
            configure_requests: 2,
            retransmissions: 0,
            acks: 1,
            naks: 1,
            rejects: 0,
            unmatched_replies: 0,
            ack_mismatches: 0,
            nak_reject_rounds: 1,
            unanswered_requests: 0,
            converged: true,
            renegotiations: 0,
            first_request_frame: Some(1),
            acked_frame: Some(6),
            last_requested: strings(&["MRU 1450", "magic 0x11111111", "PFC", "ACFC"]),
            naked: strings(&["MRU 1450"]),
            rejected: vec![],
        }
    );
    assert_eq!(
        r.lcp.client.accepted,
        Some(LcpAccepted {
            mru: Some(1450),
            magic_number: Some("0x11111111".into()),
            pfc: true,
            acfc: true,
            ..LcpAccepted::default()
        })
    );
    assert_eq!(
        r.lcp.server.accepted,
        Some(LcpAccepted {
            auth_protocol: Some(AuthMethod::MsChapV2),
            magic_number: Some("0x22222222".into()),
            pfc: true,
            acfc: true,
            ..LcpAccepted::default()
        })
    );
    assert_eq!(
        (
            r.lcp.server.negotiation.configure_requests,
            r.lcp.server.negotiation.acked_frame
        ),
        (1, Some(4))
    );
    assert!(!r.lcp.looped_back);
    assert_eq!(
        r.lcp.terminate,
        Some(Termination {
            by: C,
            frame: 30,
            time: 1_700_000_000.3,
            reason: Some("User request".into()),
            acked_frame: Some(31),
            requests: 1,
            phase: LinkPhase::Network,
        })
    );
    assert_eq!(
        (r.lcp.terminate_requests, r.lcp.terminate_acks, r.lcp.restarts),
        (1, 1, 0)
    );
    let echo = &r.lcp.echo.server;
    assert_eq!(
        (
            echo.requests,
            echo.replies,
            echo.unanswered,
            echo.rtt_samples,
            echo.magic_mismatches
        ),
        (1, 1, 0, 1, 0)
    );
    assert!((echo.rtt_avg_ms.unwrap() - 10.0).abs() < 1e-6);
    assert_eq!(r.lcp.echo.client, EchoSide::default());

    // MS-CHAPv2 success with the verifier's values.
    let a = &r.auth;
    assert_eq!(a.protocol, Some("MS-CHAPv2"));
    assert_eq!(a.method, Some(AuthMethod::MsChapV2));
    assert!(a.method_from_lcp);
    assert_eq!(a.authenticator, Some(S));
    assert_eq!(a.user.as_deref(), Some("CORP\\alice"));
    assert_eq!(a.result, Some(AuthResult::Success));
    assert_eq!(a.message.as_deref(), Some("Welcome"));
    assert_eq!(
        (a.error_code, a.error_name, a.retry_allowed, a.password_verified),
        (None, None, None, None)
    );
    assert_eq!(a.server_name.as_deref(), Some("srv"));
    assert_eq!((a.challenges, a.attempts, a.failures), (1, 1, 0));
    assert_eq!(
        (a.challenge_frame, a.response_frame, a.result_frame),
        (Some(7), Some(8), Some(9))
    );
    let x = a.ms_chap_v2().unwrap();
    let challenge: [u8; 16] = core::array::from_fn(|i| i as u8);
    assert_eq!(
        x,
        &MsChapV2Exchange {
            identifier: 7,
            authenticator_challenge: Some(challenge),
            peer_challenge: [0xA1; 16],
            nt_response: [0xB2; 24],
            flags: 0,
            user_name: b"CORP\\alice".to_vec(),
            authenticator_response: Some([
                0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD,
                0xEF, 0x01, 0x23, 0x45, 0x67
            ]),
            challenge_frame: Some(7),
            response_frame: 8,
            result_frame: Some(9),
            result: Some(AuthResult::Success),
            change_password: false,
        }
    );
    assert_eq!(x.hash_user_name(), b"alice");
    assert_eq!(
        x.authenticator_response_text().as_deref(),
        Some("S=0123456789ABCDEF0123456789ABCDEF01234567")
    );
    assert_eq!(s.link.ms_chap_v2(), Some(x));

    // CCP: 128-bit stateless after the server Nak'ed the client's offer.
    assert_eq!(
        r.ccp.mppe,
        Some(MppeAgreement {
            bits: "0x01000040".into(),
            flags: "H S".into(),
            stateless: true,
            key_length: Some(128),
            strength: "128-bit".into(),
            mppc: false,
            client_acked: true,
            server_acked: true,
            sides_differ: false,
            frame: 15,
        })
    );
    assert!(r.ccp.opened);
    let mppe = |b: u32| Some(MppeSummary::from(MppeBits(b)));
    assert_eq!(r.ccp.client.mppe_offered, mppe(0x0100_0060));
    assert_eq!(r.ccp.client.mppe_naked_to, mppe(0x0100_0040));
    assert_eq!(r.ccp.client.mppe_acked, mppe(0x0100_0040));
    assert!(!r.ccp.client.mppe_strength_not_offered);
    assert_eq!(r.ccp.server.mppe_offered, mppe(0x0100_0040));
    assert_eq!(r.ccp.server.mppe_naked_to, None);
    assert_eq!(
        (r.ccp.client.negotiation.naks, r.ccp.client.negotiation.acks),
        (1, 1)
    );

    // IPCP: the Nak gave the client its address and DNS.
    assert_eq!(r.ipcp.client_ip.as_deref(), Some("10.0.0.7"));
    assert_eq!(r.ipcp.server_ip.as_deref(), Some("10.0.0.1"));
    assert_eq!(r.ipcp.dns, strings(&["8.8.8.8", "8.8.4.4"]));
    assert!(r.ipcp.nbns.is_empty());
    assert_eq!(r.ipcp.client_ip_offered.as_deref(), Some("10.0.0.7"));
    assert!(r.ipcp.opened);
    assert_eq!(
        r.ipcp.client.negotiation.naked,
        strings(&["IP 10.0.0.7", "DNS 8.8.8.8", "DNS2 8.8.4.4"])
    );

    // Data: counted per direction with coherency gaps.
    assert_eq!(r.data.encrypted_frames, 6);
    assert_eq!(
        r.data.client_to_server,
        DataDirection {
            encrypted_frames: 5,
            compressed_only_frames: 0,
            flushed_frames: 5,
            coherency_missing: 2,
            coherency_gaps: 1,
            coherency_repeats: 1,
            coherency_backwards: 1,
            first_coherency_count: Some(0),
            last_coherency_count: Some(4),
            ipv4_packets: 0,
            ipv6_packets: 0,
            bytes: 110,
            first_frame: Some(22),
            last_frame: Some(27),
        }
    );
    assert_eq!(
        (
            r.data.server_to_client.encrypted_frames,
            r.data.server_to_client.coherency_gaps
        ),
        (1, 0)
    );

    // Events: every control packet, the first data frame per direction.
    assert_eq!(r.events.len(), 27);
    assert_eq!(r.events_not_listed, 0);
    assert_eq!(
        r.events[1],
        PppEvent {
            frame: 2,
            time: 1_700_000_000.02,
            direction: S,
            phase: Phase::Lcp,
            summary: "Configure-Request auth MS-CHAPv2, magic 0x22222222, PFC, ACFC (id 1)".into(),
            explanation:
                "The sender proposes how the link should work towards it; the peer must Ack, Nak or Reject the options."
                    .into(),
        }
    );
    let lines: Vec<(u64, Phase, &str)> = r
        .events
        .iter()
        .map(|e| (e.frame, e.phase, e.summary.as_str()))
        .collect();
    assert_eq!(lines[2], (3, Phase::Lcp, "Configure-Nak MRU 1450 (id 1)"));
    assert_eq!(
        lines[6],
        (7, Phase::Auth, "Challenge 16-byte value, name \"srv\" (id 7)")
    );
    assert_eq!(
        lines[7],
        (
            8,
            Phase::Auth,
            "Response user \"CORP\\\\alice\": peer challenge and NT-Response (id 7)"
        )
    );
    assert_eq!(lines[8], (9, Phase::Auth, "Success \"Welcome\" (id 7)"));
    assert_eq!(
        lines[12],
        (
            13,
            Phase::Ccp,
            "Configure-Nak MPPE 0x01000040 (stateless, 128-bit) (id 1)"
        )
    );
    assert_eq!(
        lines[18],
        (
            19,
            Phase::Ipcp,
            "Configure-Nak IP 10.0.0.7, DNS 8.8.8.8, DNS2 8.8.4.4 (id 1)"
        )
    );
    assert_eq!(
        lines[21],
        (
            22,
            Phase::Data,
            "First MPPE-encrypted frame (flushed), coherency count 0"
        )
    );
    assert_eq!(
        lines[22],
        (
            23,
            Phase::Data,
            "First MPPE-encrypted frame (flushed), coherency count 0"
        )
    );
    assert_eq!(
        lines[23],
        (28, Phase::Lcp, "Echo-Request magic 0x22222222 (id 0)")
    );
    assert_eq!(
        lines[25],
        (30, Phase::Terminate, "Terminate-Request \"User request\" (id 3)")
    );
    assert_eq!(lines[26], (31, Phase::Terminate, "Terminate-Ack (id 3)"));

    // Nothing failed.
    let o = &r.outcome;
    assert_eq!(
        (
            &o.auth_failure,
            &o.lcp_not_converged,
            &o.encryption_not_agreed,
            &o.ipcp_failed,
            &o.looped_back
        ),
        (&None, &None, &None, &None, &None)
    );
    assert!(o.protocol_rejects.is_empty() && o.echo_failures.is_empty());
    assert_eq!(o.terminated, r.lcp.terminate);
    assert_eq!(o.phase_reached, LinkPhase::Network);

    // The JSON contract.
    let v = serde_json::to_value(&r).unwrap();
    assert!(v["lcp"].is_object());
    assert_eq!(v["auth"]["protocol"], json!("MS-CHAPv2"));
    assert_eq!(v["auth"]["user"], json!("CORP\\alice"));
    assert_eq!(v["auth"]["result"], json!("success"));
    assert_eq!(v["auth"]["error_code"], Value::Null);
    assert_eq!(v["auth"]["password_verified"], Value::Null);
    assert_eq!(v["ccp"]["mppe"]["bits"], json!("0x01000040"));
    assert_eq!(v["ccp"]["mppe"]["stateless"], json!(true));
    assert_eq!(v["ccp"]["mppe"]["strength"], json!("128-bit"));
    assert_eq!(v["ipcp"]["client_ip"], json!("10.0.0.7"));
    assert_eq!(v["ipcp"]["server_ip"], json!("10.0.0.1"));
    assert_eq!(v["ipcp"]["dns"], json!(["8.8.8.8", "8.8.4.4"]));
    assert_eq!(v["data"]["encrypted_frames"], json!(6));
    assert_eq!(v["data"]["ipv4_packets"], json!(0));
    assert_eq!(v["data"]["ipv6_packets"], json!(0));
    assert_eq!(v["lcp"]["client"]["configure_requests"], json!(2));
    assert_eq!(v["lcp"]["client"]["accepted"]["mru"], json!(1450));
    assert_eq!(
        v["lcp"]["server"]["accepted"]["auth_protocol"],
        json!("MS-CHAPv2")
    );
    assert_eq!(v["events"][0]["phase"], json!("lcp"));
    assert_eq!(v["events"][0]["direction"], json!("client_to_server"));
    assert_eq!(v["lcp"]["terminate"]["phase"], json!("network"));
    let text = v.to_string();
    assert!(!text.contains("nt_response") && !text.contains("peer_challenge"));
}

#[test]
fn auth_failure_691_then_terminate() {
    let mut s = Script::new();
    s.open_lcp(build::lcp_auth_chap(0x81));
    s.chap(S, build::chap_value(1, 9, &[0x55; 16], b"")); // 5
    let value = build::ms_chap_v2_value([1; 16], [2; 24]);
    s.chap(C, build::chap_value(2, 9, &value, b"bob")); // 6
    s.chap(
        S,
        build::packet(
            4,
            9,
            b"E=691 R=0 C=00112233445566778899AABBCCDDEEFF V=3 M=Access denied",
        ),
    ); // 7
    s.lcp_data(S, 5, 2, b"Authentication failed"); // 8
    s.lcp_data(C, 6, 2, b""); // 9
    let r = s.report();
    assert_eq!(
        r.outcome.auth_failure,
        Some(AuthFailure {
            frame: 7,
            protocol: Some(AuthMethod::MsChapV2),
            error_code: Some(691),
            error_name: Some("ERROR_AUTHENTICATION_FAILURE"),
            error_meaning: Some("the user name or password is not valid"),
            retry_allowed: Some(false),
            message: Some("Access denied".into()),
            user: Some("bob".into()),
            attempts: 1,
            failures: 1,
        })
    );
    assert_eq!(r.auth.password_change_version, Some(3));
    assert_eq!(
        r.auth.ms_chap_v2().map(|x| x.result),
        Some(Some(AuthResult::Failure))
    );
    assert_eq!(r.auth.ms_chap_v2().and_then(|x| x.authenticator_response), None);
    assert_eq!(
        r.outcome.terminated,
        Some(Termination {
            by: S,
            frame: 8,
            time: 1_700_000_000.08,
            reason: Some("Authentication failed".into()),
            acked_frame: Some(9),
            requests: 1,
            phase: LinkPhase::Authenticate,
        })
    );
    assert_eq!(r.outcome.lcp_not_converged, None);
    assert_eq!(
        r.events[6].summary,
        "Failure E=691 (ERROR_AUTHENTICATION_FAILURE), no retry: \"Access denied\" (id 9)"
    );
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["auth"]["result"], json!("failure"));
    assert_eq!(v["auth"]["error_code"], json!(691));
    assert_eq!(v["outcome"]["auth_failure"]["error_code"], json!(691));
    assert_eq!(v["outcome"]["terminated"]["by"], json!("server_to_client"));
}

#[test]
fn ms_chap_v2_retry_answers_the_failure_challenge() {
    let mut s = Script::new();
    s.open_lcp(build::lcp_auth_chap(0x81));
    s.chap(S, build::chap_value(1, 9, &[0x55; 16], b"srv"));
    s.chap(
        C,
        build::chap_value(2, 9, &build::ms_chap_v2_value([1; 16], [2; 24]), b"bob"),
    );
    s.chap(
        S,
        build::packet(
            4,
            9,
            b"E=691 R=1 C=00112233445566778899AABBCCDDEEFF V=3 M=try again",
        ),
    );
    s.chap(
        C,
        build::chap_value(2, 10, &build::ms_chap_v2_value([3; 16], [4; 24]), b"bob"),
    ); // 8
    s.chap(S, build::packet(3, 10, SUCCESS)); // 9
    let r = s.report();
    assert_eq!(
        (r.auth.result, r.auth.attempts, r.auth.failures),
        (Some(AuthResult::Success), 2, 1)
    );
    assert_eq!((r.auth.error_code, r.auth.retry_allowed), (None, None));
    assert_eq!(r.outcome.auth_failure, None);
    let attempts = r.auth.ms_chap_v2_attempts();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].authenticator_challenge, Some([0x55; 16]));
    assert_eq!(attempts[0].result, Some(AuthResult::Failure));
    assert_eq!(
        attempts[1].authenticator_challenge,
        Some([
            0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF
        ])
    );
    assert_eq!(attempts[1].challenge_frame, None);
    assert_eq!(
        (attempts[1].peer_challenge, attempts[1].result_frame),
        ([3; 16], Some(9))
    );
    assert_eq!(
        r.events[6].summary,
        "Failure E=691 (ERROR_AUTHENTICATION_FAILURE), retry allowed: \"try again\" (id 9)"
    );
}

#[test]
fn lcp_nak_loop_and_terminate_loop() {
    let mut s = Script::new();
    for id in 1..=6u8 {
        s.lcp(S, 1, id, &[build::lcp_auth_chap(0x81), build::lcp_magic(2)]);
        s.lcp(C, 3, id, &[build::lcp_auth_pap()]);
    }
    s.lcp(C, 1, 1, &[build::lcp_magic(1)]); // 13
    s.lcp(S, 2, 1, &[build::lcp_magic(1)]); // 14
    s.lcp_data(S, 5, 7, b"no common authentication"); // 15
    s.lcp_data(S, 5, 8, b"no common authentication"); // 16: retransmission
    s.lcp(C, 1, 2, &[build::lcp_magic(1)]); // 17: restart
    s.lcp_data(S, 5, 9, b""); // 18
    let r = s.report();
    assert!(!r.lcp.opened);
    assert_eq!(
        r.outcome.lcp_not_converged,
        Some(LcpNotConverged {
            client_converged: false,
            server_converged: false,
            client_requests: 2,
            server_requests: 6,
            client_lcp_frames: 8,
            server_lcp_frames: 10,
            nak_reject_rounds: 6,
            looping: true,
            sticking_options: strings(&["auth PAP"]),
            terminated_by: Some(S),
            first_frame: Some(1),
            last_frame: Some(17),
        })
    );
    assert_eq!(r.lcp.server.negotiation.naks, 6);
    assert_eq!(r.lcp.server.negotiation.retransmissions, 0);
    assert_eq!(
        (
            r.lcp.client.negotiation.renegotiations,
            r.lcp.client.negotiation.unanswered_requests
        ),
        (1, 1)
    );
    assert_eq!(
        (r.lcp.terminate_requests, r.lcp.terminate_acks, r.lcp.restarts),
        (3, 0, 1)
    );
    assert_eq!(
        r.lcp.terminate,
        Some(Termination {
            by: S,
            frame: 18,
            time: 1_700_000_000.18,
            reason: None,
            acked_frame: None,
            requests: 1,
            phase: LinkPhase::Establish,
        })
    );
    // Before the restart the first attempt had been retransmitted once.
    let mut before = Script::new();
    before.lcp(C, 1, 1, &[build::lcp_magic(1)]);
    before.lcp_data(S, 5, 7, b"x");
    before.lcp_data(S, 5, 8, b"x");
    assert_eq!(
        before.report().lcp.terminate.map(|t| (t.frame, t.requests)),
        Some((2, 2))
    );
}

#[test]
fn mppe_strength_mismatch() {
    let mut s = Script::new();
    s.open_lcp(build::lcp_auth_chap(0x81));
    s.ccp(C, 1, 1, &[build::ccp_mppe(0x0100_0020)]); // 5: 40-bit only
    s.ccp(S, 1, 1, &[build::ccp_mppe(0x0100_0040)]); // 6
    s.ccp(S, 3, 1, &[build::ccp_mppe(0x0100_0040)]); // 7: asks for 128-bit
    s.lcp_data(C, 5, 3, b"encryption required"); // 8
    s.lcp_data(S, 6, 3, b""); // 9
    let r = s.report();
    assert_eq!(r.ccp.mppe, None);
    assert!(r.ccp.client.mppe_strength_not_offered);
    assert_eq!(
        r.outcome.encryption_not_agreed,
        Some(EncryptionNotAgreed {
            kind: EncryptionFailureKind::StrengthNotOffered,
            frame: 7,
            refused_by: Some(S),
            offered: Some(MppeBits(0x0100_0020).into()),
            naked_to: Some(MppeBits(0x0100_0040).into()),
            terminated_frame: Some(8),
        })
    );
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["ccp"]["mppe"], Value::Null);
    assert_eq!(
        v["outcome"]["encryption_not_agreed"]["kind"],
        json!("strength_not_offered")
    );
}

#[test]
fn mppe_option_rejected() {
    let mut s = Script::new();
    s.open_lcp(build::lcp_auth_chap(0x81));
    s.ccp(C, 1, 1, &[build::ccp_mppe(0x0100_0040)]);
    s.ccp(S, 4, 1, &[build::ccp_mppe(0x0100_0040)]); // 6
    let r = s.report();
    assert!(r.ccp.client.mppe_rejected);
    let e = r.outcome.encryption_not_agreed.unwrap();
    assert_eq!(
        (e.kind, e.frame, e.refused_by, e.terminated_frame),
        (EncryptionFailureKind::OptionRejected, 6, Some(S), None)
    );
}

#[test]
fn ipcp_address_rejected() {
    let mut s = Script::new();
    s.open_lcp(build::lcp_auth_chap(0x81));
    s.ipcp(C, 1, 1, &[build::ipcp_addr(3, [0; 4])]); // 5
    s.ipcp(S, 4, 1, &[build::ipcp_addr(3, [0; 4])]); // 6
    s.ipcp(S, 1, 1, &[build::ipcp_addr(3, [10, 0, 0, 1])]); // 7
    s.ipcp(C, 2, 1, &[build::ipcp_addr(3, [10, 0, 0, 1])]); // 8
    s.lcp_data(C, 5, 3, b""); // 9
    let r = s.report();
    assert!(!r.ipcp.opened);
    assert_eq!(
        (r.ipcp.client_ip.as_deref(), r.ipcp.server_ip.as_deref()),
        (None, Some("10.0.0.1"))
    );
    assert_eq!(
        r.outcome.ipcp_failed,
        Some(NcpFailure {
            kind: NcpFailureKind::Rejected,
            frame: Some(6),
            by: Some(S),
            client_converged: false,
            server_converged: true,
            rejected_options: strings(&["IP-Address"]),
            nak_reject_rounds: 1,
        })
    );
}

#[test]
fn ipcp_not_converged_and_terminated() {
    let mut s = Script::new();
    s.open_lcp(build::lcp_auth_pap());
    s.ipcp(C, 1, 1, &[build::ipcp_addr(3, [0; 4])]); // 5
    let r = s.report();
    let f = r.outcome.ipcp_failed.unwrap();
    assert_eq!(
        (f.kind, f.frame, f.by),
        (NcpFailureKind::NotConverged, Some(5), None)
    );
    s.lcp_data(S, 5, 4, b"");
    let f = s.report().outcome.ipcp_failed.unwrap();
    assert_eq!(
        (f.kind, f.frame, f.by),
        (NcpFailureKind::Terminated, Some(6), Some(S))
    );
}

#[test]
fn ccp_protocol_rejected() {
    let mut s = Script::new();
    s.open_lcp(build::lcp_auth_chap(0x81));
    let ccp = build::control(1, 1, &[build::ccp_mppe(0x0100_0040)]);
    s.send(C, &build::frame(0x80FD, &ccp)); // 5
    let mut rejected = vec![0x80, 0xFD];
    rejected.extend_from_slice(&ccp);
    s.lcp_data(S, 8, 3, &rejected); // 6
    let r = s.report();
    assert_eq!(
        (r.ccp.protocol_rejected_by, r.ccp.protocol_reject_frame),
        (Some(S), Some(6))
    );
    let reject = ProtocolRejectInfo {
        frame: 6,
        time: 1_700_000_000.06,
        by: S,
        protocol: Protocol::CCP,
        protocol_number: 0x80FD,
    };
    assert_eq!(r.outcome.protocol_rejects, vec![reject.clone()]);
    assert_eq!(r.lcp.protocol_rejects, vec![reject]);
    assert_eq!(
        r.outcome.encryption_not_agreed,
        Some(EncryptionNotAgreed {
            kind: EncryptionFailureKind::ProtocolRejected,
            frame: 6,
            refused_by: Some(S),
            offered: Some(MppeBits(0x0100_0040).into()),
            naked_to: None,
            terminated_frame: None,
        })
    );
    assert_eq!(r.events[5].summary, "Protocol-Reject of CCP (0x80fd) (id 3)");
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(
        v["outcome"]["protocol_rejects"][0]["protocol"],
        json!("CCP (0x80fd)")
    );
    assert_eq!(
        v["outcome"]["encryption_not_agreed"]["kind"],
        json!("protocol_rejected")
    );
}

#[test]
fn pap_password_is_kept_but_never_serialised() {
    let mut s = Script::new();
    s.open_lcp(build::lcp_auth_pap());
    s.send(
        C,
        &build::frame(0xC023, &build::pap_request(0, b"ixia", b"s3cret-pw")),
    ); // 5
    s.send(S, &build::frame(0xC023, &build::pap_reply(2, 0, b"")));
    let r = s.report();
    assert_eq!(r.auth.protocol, Some("PAP"));
    assert_eq!(r.auth.user.as_deref(), Some("ixia"));
    assert_eq!(r.auth.result, Some(AuthResult::Success));
    assert_eq!(
        (
            r.auth.attempts,
            r.auth.response_frame,
            r.auth.result_frame,
            r.auth.message.as_deref()
        ),
        (1, Some(5), Some(6), None)
    );
    assert_eq!(r.auth.pap_password(), Some(&b"s3cret-pw"[..]));
    assert_eq!(s.link.pap_password(), Some(&b"s3cret-pw"[..]));
    let text = serde_json::to_string(&r).unwrap();
    assert!(!text.contains("s3cret"));
    assert_eq!(
        r.events[4].summary,
        "Authenticate-Request peer-id \"ixia\" (id 0)"
    );
    assert_eq!(r.events[5].summary, "Authenticate-Ack (id 0)");
    // A Nak is a failure with the server's message.
    s.send(C, &build::frame(0xC023, &build::pap_request(1, b"ixia", b"x")));
    s.send(S, &build::frame(0xC023, &build::pap_reply(3, 1, b"bad password")));
    let f = s.report().outcome.auth_failure.unwrap();
    assert_eq!(
        (f.frame, f.protocol, f.message.as_deref(), f.attempts, f.failures),
        (8, Some(AuthMethod::Pap), Some("bad password"), 2, 1)
    );
    assert_eq!(f.error_code, None);
}

#[test]
fn eap_ms_chap_v2() {
    let mut s = Script::new();
    s.open_lcp(build::lcp_auth_eap());
    let eap = |d, s: &mut Script, bytes: Vec<u8>| s.send(d, &build::frame(0xC227, &bytes));
    eap(S, &mut s, build::eap(1, 1, 1, b"")); // 5
    eap(C, &mut s, build::eap(2, 1, 1, b"PRO3\\administrator")); // 6
    eap(
        S,
        &mut s,
        build::eap(1, 2, 26, &build::chap_value(1, 2, &[0x42; 16], b"VPN-SERVER")),
    ); // 7
    let value = build::ms_chap_v2_value([7; 16], [8; 24]);
    eap(
        C,
        &mut s,
        build::eap(2, 2, 26, &build::chap_value(2, 2, &value, b"PRO3\\administrator")),
    ); // 8
    eap(S, &mut s, build::eap(1, 3, 26, &build::packet(3, 2, SUCCESS))); // 9
    eap(C, &mut s, build::eap(2, 3, 26, &[3])); // 10
    eap(S, &mut s, build::packet(3, 3, &[])); // 11
    let r = s.report();
    assert_eq!(r.auth.protocol, Some("EAP"));
    assert_eq!(r.auth.user.as_deref(), Some("PRO3\\administrator"));
    assert_eq!(r.auth.server_name.as_deref(), Some("VPN-SERVER"));
    assert_eq!(
        (r.auth.result, r.auth.result_frame),
        (Some(AuthResult::Success), Some(11))
    );
    assert_eq!(
        r.auth.eap,
        Some(EapReport {
            identity: Some("PRO3\\administrator".into()),
            methods_requested: strings(&["EAP-MSCHAPv2"]),
            nak_desired: vec![],
            inner_method: Some("EAP-MSCHAPv2".into()),
            requests: 3,
            responses: 3,
            notifications: vec![],
        })
    );
    let x = r.auth.ms_chap_v2().unwrap();
    assert_eq!(
        (x.authenticator_challenge, x.peer_challenge, x.result),
        (Some([0x42; 16]), [7; 16], Some(AuthResult::Success))
    );
    assert_eq!(x.hash_user_name(), b"administrator");
    let summaries: Vec<&str> = r.events[4..].iter().map(|e| e.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "EAP Request Identity (id 1)",
            "EAP Response Identity \"PRO3\\\\administrator\" (id 1)",
            "EAP-MSCHAPv2 Challenge 16-byte value, name \"VPN-SERVER\" (id 2)",
            "EAP-MSCHAPv2 Response user \"PRO3\\\\administrator\": peer challenge and NT-Response (id 2)",
            "EAP-MSCHAPv2 Success \"Welcome\" (id 2)",
            "EAP Response EAP-MSCHAPv2 (id 3)",
            "EAP Success (id 3)",
        ]
    );
}

#[test]
fn eap_nak_and_failure() {
    let mut s = Script::new();
    s.open_lcp(build::lcp_auth_eap());
    s.send(S, &build::frame(0xC227, &build::eap(1, 1, 25, &[0x20])));
    s.send(C, &build::frame(0xC227, &build::eap(2, 1, 3, &[26])));
    s.send(S, &build::frame(0xC227, &build::packet(4, 2, &[])));
    let r = s.report();
    let e = r.auth.eap.as_ref().unwrap();
    assert_eq!(
        (e.methods_requested.clone(), e.nak_desired.clone()),
        (strings(&["PEAP"]), strings(&["EAP-MSCHAPv2"]))
    );
    assert_eq!(
        r.outcome.auth_failure.map(|f| (f.frame, f.protocol)),
        Some((7, Some(AuthMethod::Eap)))
    );
}

#[test]
fn chap_variant_inferred_without_lcp() {
    let mut v1 = Script::new();
    v1.chap(S, build::chap_value(1, 1, &[9; 8], b"srv"));
    v1.chap(C, build::chap_value(2, 1, &[5; 49], b"old"));
    v1.chap(S, build::packet(4, 1, b"E=649 R=0"));
    let r = v1.report();
    assert_eq!(
        (r.auth.protocol, r.auth.method_from_lcp, r.auth.authenticator),
        (Some("MS-CHAP"), false, Some(S))
    );
    assert_eq!(r.auth.error_name, Some("ERROR_NO_DIALIN_PERMISSION"));
    assert_eq!(
        r.auth
            .chap_exchange()
            .map(|c| (c.challenge.clone(), c.response.len())),
        Some((Some(vec![9; 8]), 49))
    );
    assert_eq!(r.phase_reached, LinkPhase::Authenticate);

    let mut md5 = Script::new();
    md5.chap(S, build::chap_value(1, 1, &[9; 16], b"srv"));
    md5.chap(C, build::chap_value(2, 1, &[5; 16], b"joe"));
    md5.chap(S, build::packet(4, 1, b"Go away"));
    let r = md5.report();
    assert_eq!(r.auth.protocol, Some("CHAP-MD5"));
    assert_eq!(
        (r.auth.message.as_deref(), r.auth.error_code),
        (Some("Go away"), None)
    );
    assert_eq!(
        r.auth.chap_exchange().map(|c| c.name.clone()),
        Some(b"joe".to_vec())
    );
}

#[test]
fn unknown_chap_algorithm_has_no_contract_name() {
    let mut s = Script::new();
    s.open_lcp(build::lcp_auth_chap(0x06));
    let r = s.report();
    assert_eq!(
        (r.auth.protocol, r.auth.method),
        (None, Some(AuthMethod::Chap(Some(6))))
    );
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["auth"]["protocol"], Value::Null);
    assert_eq!(v["auth"]["method"], json!("CHAP algorithm 0x06"));
}

#[test]
fn echo_failures_and_looped_back_link() {
    let mut s = Script::new();
    s.lcp(C, 1, 1, &[build::lcp_magic(0x5555)]);
    s.lcp(S, 1, 1, &[build::lcp_magic(0x5555)]); // 2: same magic
    for id in 0..4u8 {
        s.lcp_data(C, 9, id, &0x5555u32.to_be_bytes()); // 3..6
    }
    s.lcp_data(S, 10, 2, &0x9999u32.to_be_bytes()); // 7: answers id 2, ids 0-1 lost
    let r = s.report();
    assert_eq!(
        r.outcome.looped_back,
        Some(LoopedBack {
            frame: 2,
            magic_number: "0x00005555".into()
        })
    );
    assert!(r.lcp.looped_back);
    let e = &r.lcp.echo.client;
    assert_eq!(
        (
            e.requests,
            e.replies,
            e.unanswered,
            e.unanswered_at_end,
            e.first_unanswered_frame
        ),
        (4, 1, 3, 1, Some(3))
    );
    assert_eq!(e.magic_mismatches, 0);
    assert_eq!(
        r.outcome.echo_failures,
        vec![EchoFailure {
            requester: C,
            requests: 4,
            replies: 1,
            unanswered: 3,
            unanswered_at_end: 1,
            first_unanswered_frame: Some(3),
            last_request_frame: Some(6),
        }]
    );
    // Only the first few keep-alives are listed as events.
    let echo_events = r
        .events
        .iter()
        .filter(|e| e.summary.starts_with("Echo-Request"))
        .count();
    assert_eq!(echo_events, 3);
}

#[test]
fn echo_reply_magic_checked_against_negotiated_value() {
    let mut s = Script::new();
    s.open_lcp(build::lcp_auth_pap());
    s.lcp_data(S, 9, 1, &0x2222_2222u32.to_be_bytes());
    s.lcp_data(C, 10, 1, &0x0BAD_0BADu32.to_be_bytes());
    assert_eq!(s.report().lcp.echo.server.magic_mismatches, 1);
}

#[test]
fn lcp_extras_ipv6cp_cbcp_and_cleartext_data() {
    let mut s = Script::new();
    s.open_lcp(build::lcp_auth_chap(0x81));
    s.lcp_data(C, 12, 2, b"\x11\x11\x11\x11MSRASV5.20"); // 5
    s.lcp_data(C, 13, 3, &[0x11, 0x11, 0x11, 0x11, 0, 0, 0x0e, 0x10]); // 6
    s.lcp_data(C, 11, 4, &[0x11, 0x11, 0x11, 0x11]); // 7
    s.lcp_data(S, 7, 5, &[0x63, 0x01, 0x00, 0x04]); // 8
    s.lcp_data(C, 42, 6, &[]); // 9
    s.send(
        S,
        &build::frame(0xC029, &build::control(1, 1, &[build::opt(1, &[])])),
    ); // 10
    s.send(
        C,
        &build::frame(0xC029, &build::control(2, 1, &[build::opt(1, &[])])),
    ); // 11
    s.send(
        S,
        &build::frame(0xC029, &build::control(3, 1, &[build::opt(1, &[])])),
    ); // 12
    let iid = build::opt(1, &[0xdc, 0x15, 0x15, 0x9b, 0x59, 0x57, 0xc9, 0x6d]);
    s.send(
        C,
        &build::frame(0x8057, &build::control(1, 5, std::slice::from_ref(&iid))),
    ); // 13
    let mut rejected = vec![0x80, 0x57];
    rejected.extend_from_slice(&build::control(1, 5, &[iid]));
    s.lcp_data(S, 8, 2, &rejected); // 14
    s.send(
        C,
        &build::frame(0x0021, &build::ipv4(6, [10, 0, 0, 7], [10, 0, 0, 1])),
    ); // 15
    s.send(
        S,
        &build::frame_compressed(0x0021, &build::ipv4(1, [10, 0, 0, 1], [10, 0, 0, 7])),
    ); // 16
    s.send(C, &build::frame(0x0057, &build::ipv6(17, [0xfe; 16], [0xff; 16]))); // 17
    s.send(C, &build::frame(0x0021, &[0x45, 0])); // 18: unreadable header
    s.send(C, &build::frame(0x002D, &[1, 2, 3])); // 19: VJ
    s.send(C, &build::frame(0x4021, &[1])); // 20: unknown low-volume protocol
    let r = s.report();
    assert_eq!(
        r.lcp.identification,
        vec![Identification {
            frame: 5,
            by: C,
            message: "MSRASV5.20".into()
        }]
    );
    assert_eq!(
        r.lcp.time_remaining,
        Some(TimeRemaining {
            frame: 6,
            by: C,
            seconds: 3600,
            message: String::new()
        })
    );
    assert_eq!((r.lcp.discard_requests, r.lcp.unknown_codes), (1, 1));
    assert_eq!(
        r.lcp.code_rejects,
        vec![CodeRejectInfo {
            frame: 8,
            by: S,
            protocol: Protocol::LCP,
            rejected_code: Some(0x63)
        }]
    );
    assert_eq!(
        r.cbcp,
        CbcpReport {
            requests: 1,
            responses: 1,
            acks: 1,
            offered: strings(&["no callback"]),
            chosen: Some("no callback".into()),
            last_frame: Some(12),
        }
    );
    assert_eq!(
        (r.ipv6cp.protocol_rejected_by, r.ipv6cp.protocol_reject_frame),
        (Some(S), Some(14))
    );
    assert_eq!(
        r.ipv6cp.client.negotiation.last_requested,
        strings(&["interface identifier dc15:159b:5957:c96d"])
    );
    assert_eq!(r.ipv6cp.client_interface_id, None);
    assert_eq!(
        r.outcome
            .protocol_rejects
            .iter()
            .map(|p| p.protocol)
            .collect::<Vec<_>>(),
        vec![Protocol::IPV6CP]
    );
    assert_eq!(r.outcome.encryption_not_agreed, None);
    assert_eq!(
        (
            r.data.ipv4_packets,
            r.data.ipv6_packets,
            r.data.inner_malformed,
            r.data.other_frames
        ),
        (3, 1, 1, 1)
    );
    assert_eq!(
        r.data.inner_protocols,
        InnerProtocols {
            tcp: 1,
            udp: 1,
            icmp: 1,
            icmpv6: 0,
            other: 0
        }
    );
    assert_eq!(
        (
            r.data.client_to_server.ipv4_packets,
            r.data.server_to_client.ipv4_packets
        ),
        (2, 1)
    );
    assert_eq!(r.data.cleartext_after_mppe, 0);
    assert_eq!(
        r.frames.other_protocols,
        vec![
            ProtocolCount {
                protocol: Protocol::VJ_COMPRESSED_TCP,
                frames: 1
            },
            ProtocolCount {
                protocol: Protocol(0x4021),
                frames: 1
            }
        ]
    );
    let data_events: Vec<&str> = r
        .events
        .iter()
        .filter(|e| e.phase == Phase::Data)
        .map(|e| e.summary.as_str())
        .collect();
    assert_eq!(
        data_events,
        [
            "First IPv4 packet: TCP 10.0.0.7 → 10.0.0.1",
            "First IPv4 packet: ICMP 10.0.0.1 → 10.0.0.7"
        ]
    );
    let cbcp: Vec<&str> = r
        .events
        .iter()
        .filter(|e| e.phase == Phase::Cbcp)
        .map(|e| e.summary.as_str())
        .collect();
    assert_eq!(
        cbcp,
        [
            "Callback-Request no callback (id 1)",
            "Callback-Response no callback (id 1)",
            "Callback-Ack no callback (id 1)"
        ]
    );
}

#[test]
fn coherency_count_wraps_without_a_gap() {
    let mut s = Script::new();
    s.mppe(C, 4094);
    s.mppe(C, 4095);
    s.mppe(C, 0);
    s.mppe(C, 2);
    let d = s.report().data.client_to_server;
    assert_eq!(
        (
            d.coherency_gaps,
            d.coherency_missing,
            d.coherency_backwards,
            d.coherency_repeats
        ),
        (1, 1, 0, 0)
    );
    assert_eq!(
        (d.first_coherency_count, d.last_coherency_count),
        (Some(4094), Some(2))
    );
}

#[test]
fn cleartext_after_mppe_and_resets() {
    let mut s = Script::new();
    s.ccp(C, 1, 1, &[build::ccp_mppe(0x0100_0040)]);
    s.ccp(S, 1, 1, &[build::ccp_mppe(0x0100_0040)]);
    s.ccp(S, 2, 1, &[build::ccp_mppe(0x0100_0040)]);
    s.ccp(C, 2, 1, &[build::ccp_mppe(0x0100_0040)]);
    s.send(
        C,
        &build::frame(0x0021, &build::ipv4(17, [1, 1, 1, 1], [2, 2, 2, 2])),
    );
    for id in 0..5u8 {
        s.send(S, &build::frame(0x80FD, &build::packet(14, id, &[])));
    }
    s.send(C, &build::frame(0x80FD, &build::packet(15, 4, &[])));
    s.send(S, &build::frame_compressed(0x00FD, &build::mppe(0x00, 7, &[1])));
    let r = s.report();
    assert_eq!(r.data.cleartext_after_mppe, 1);
    assert_eq!(
        r.ccp.reset_requests,
        PerDirection {
            client_to_server: 0,
            server_to_client: 5
        }
    );
    assert_eq!(
        r.ccp.reset_acks,
        PerDirection {
            client_to_server: 1,
            server_to_client: 0
        }
    );
    let resets = r
        .events
        .iter()
        .filter(|e| e.summary.starts_with("Reset-Request"))
        .count();
    assert_eq!(resets, 3);
    assert_eq!(
        (
            r.data.server_to_client.compressed_only_frames,
            r.data.encrypted_frames
        ),
        (1, 0)
    );
    assert_eq!(r.ccp.mppe.as_ref().map(|m| m.frame), Some(4));
}

#[test]
fn malformed_frames_are_counted_and_listed() {
    let mut s = Script::new();
    s.send(C, &[]); // 1
    s.send(C, &build::frame(0xC021, &[1, 1, 0, 99])); // 2
    s.send(S, &build::frame(0xC223, &build::packet(2, 1, &[60, 1]))); // 3
    s.send(S, &build::frame_compressed(0x00FD, &[0x90])); // 4
    s.send(S, &build::frame(0xC021, &build::packet(9, 1, &[0, 0]))); // 5
    s.send(C, &build::frame_compressed(0xC021, &build::packet(6, 1, &[]))); // 6: LCP with ACFC
    let r = s.report();
    assert_eq!(
        (
            r.frames.total,
            r.frames.malformed,
            r.frames.lcp_framing_violations
        ),
        (6, 5, 1)
    );
    let errors: Vec<(u64, Option<Protocol>, &str)> = r
        .frames
        .errors
        .iter()
        .map(|e| (e.frame, e.protocol, e.error.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (
                1,
                None,
                "PPP frame truncated: 2 bytes needed at offset 0, 0 available"
            ),
            (
                2,
                Some(Protocol::LCP),
                "PPP control packet: length 99 at offset 2 is outside 4..=4"
            ),
            (
                3,
                Some(Protocol::CHAP),
                "CHAP packet: length 60 at offset 4 is outside 0..=1"
            ),
            (
                4,
                Some(Protocol::COMPRESSED),
                "MPPE header truncated: 2 bytes needed at offset 0, 1 available"
            ),
            (
                5,
                Some(Protocol::LCP),
                "LCP packet data truncated: 4 bytes needed at offset 4, 2 available"
            ),
        ]
    );
}

#[test]
fn events_and_lists_are_bounded() {
    let limits = PppLimits {
        events: 5,
        listed: 2,
        ..PppLimits::default()
    };
    let mut s = Script::with_limits(limits);
    for id in 0..8u8 {
        s.lcp(C, 1, id, &[build::lcp_mru(1400 + u16::from(id))]);
    }
    for _ in 0..3 {
        s.lcp_data(C, 12, 1, b"\0\0\0\0id");
    }
    s.send(C, &[]);
    s.send(C, &[]);
    s.send(C, &[]);
    let r = s.report();
    assert_eq!((r.events.len(), r.events_not_listed), (5, 6));
    assert_eq!((r.lcp.identification.len(), r.lcp.not_listed), (2, 1));
    assert_eq!(
        (
            r.frames.errors.len(),
            r.frames.errors_not_listed,
            r.frames.malformed
        ),
        (2, 1, 3)
    );
    // Pending requests are bounded too; the count of requests stays exact.
    assert_eq!(r.lcp.client.negotiation.configure_requests, 8);
    assert_eq!(r.lcp.client.negotiation.unanswered_requests, 8);
}

#[test]
fn ack_without_request_still_records_acceptance() {
    let mut s = Script::new();
    s.lcp(S, 2, 9, &[build::lcp_mru(1400)]);
    let r = s.report();
    assert_eq!(r.lcp.client.negotiation.unmatched_replies, 1);
    assert_eq!(r.lcp.client.accepted.as_ref().and_then(|a| a.mru), Some(1400));
    assert!(r.lcp.client.negotiation.converged);
}

#[test]
fn ipcp_protocol_rejected() {
    let mut s = Script::new();
    s.open_lcp(build::lcp_auth_pap());
    let ipcp = build::control(1, 1, &[build::ipcp_addr(3, [0; 4])]);
    s.send(C, &build::frame(0x8021, &ipcp)); // 5
    let mut rejected = vec![0x80, 0x21];
    rejected.extend_from_slice(&ipcp);
    s.lcp_data(S, 8, 2, &rejected); // 6
    let r = s.report();
    assert_eq!(
        (r.ipcp.protocol_rejected_by, r.ipcp.protocol_reject_frame),
        (Some(S), Some(6))
    );
    let f = r.outcome.ipcp_failed.unwrap();
    assert_eq!(
        (f.kind, f.frame, f.by, f.client_converged),
        (NcpFailureKind::ProtocolRejected, Some(6), Some(S), false)
    );
}

/// Every data-frame shape the fast path takes or refuses, in both
/// directions, mixed with negotiation: the report must be the one the
/// general path alone makes, and the fast path must have taken exactly the
/// frames it is meant to.
#[test]
fn data_fast_path_reports_what_the_general_path_reports() {
    let mppe = |flags: u8, count: u16| build::mppe(flags, count, &[0x5A; 12]);
    let ip4 = build::ipv4(6, [10, 0, 0, 1], [10, 0, 0, 2]);
    let ip6 = build::ipv6(17, [0x20; 16], [0x30; 16]);
    let frames: Vec<(Direction, Vec<u8>)> = vec![
        (
            C,
            build::frame(0xC021, &build::control(1, 1, &[build::lcp_magic(7)])),
        ),
        (C, build::frame_compressed(0x00FD, &mppe(0x90, 10))), // first: general
        (C, build::frame_compressed(0x00FD, &mppe(0x10, 11))), // fast
        (C, build::frame(0x00FD, &mppe(0x10, 12))),            // fast, FF 03 + 2 bytes
        (C, vec![0xFF, 0x03, 0xFD, 0x10, 13, 1]),              // fast, FF 03 + 1 byte
        (C, vec![0x00, 0xFD, 0x00, 14]),                       // fast, 2 bytes, compressed only
        (C, build::frame_compressed(0x00FD, &mppe(0x90, 16))), // gap: general
        (C, build::frame_compressed(0x00FD, &mppe(0x10, 16))), // repeat: general
        (C, build::frame_compressed(0x00FD, &mppe(0x10, 15))), // backwards: general
        (C, build::frame_compressed(0x00FD, &mppe(0x10, 17))), // fast
        (C, vec![0xFD, 0x10, 18]),                             // fast, empty payload
        (C, vec![0xFD, 0x10, 18]),                             // repeat: general
        (C, vec![0xFD]),                                       // malformed: general
        (C, vec![0xFF, 0x03]),                                 // truncated: general
        (S, build::frame_compressed(0x00FD, &mppe(0x10, 4095))), // first: general
        (S, build::frame_compressed(0x00FD, &mppe(0x10, 0))),  // wrap: fast
        (S, build::frame(0xC021, &build::packet(9, 1, &[0; 4]))),
        (S, build::frame_compressed(0x00FD, &mppe(0x80, 1))), // fast, flushed only
        (S, build::frame_compressed(0x0021, &ip4)),           // fast
        (S, build::frame(0x0021, &ip4)),                      // fast
        (S, build::frame(0x0057, &ip6)),                      // fast
        (S, build::frame_compressed(0x0057, &ip6)),           // fast
        (S, build::frame_compressed(0x0021, &[0x45])),        // fast, inner header cut
        (C, build::frame(0x0021, &ip4)),                      // fast
        (C, build::frame_compressed(0x00FD, &mppe(0x10, 19))), // fast
        (C, build::frame(0x00FB, &[1, 2])),                   // other protocol: general
        (C, vec![0x00, 0x20, 1]),                             // even protocol: general
    ];
    let mut fast = PppLink::new();
    let mut general = PppLink::new();
    for (i, (d, bytes)) in frames.iter().enumerate() {
        let n = i as u64 + 1;
        let ts = Timestamp::new(1_700_000_000, n as u32 * 1_000);
        fast.frame(*d, n, ts, bytes);
        general.any_frame(*d, n, ts, bytes);
    }
    let r = fast.report();
    assert_eq!(r, general.report());
    // The same frames with each direction's tally held outside the link
    // (as the GRE flow table holds it), given back and taken again half
    // way: the same report, every path of `frame_with` included.
    let mut held = PppLink::new();
    let mut tallies = [held.take_tally(C), held.take_tally(S)];
    for (i, (d, bytes)) in frames.iter().enumerate() {
        let n = i as u64 + 1;
        let ts = Timestamp::new(1_700_000_000, n as u32 * 1_000);
        let t = &mut tallies[ix(*d)];
        held.frame_with(t, *d, n, ts, bytes);
        if i == frames.len() / 2 {
            for d in [C, S] {
                held.put_tally(d, tallies[ix(d)]);
                tallies[ix(d)] = held.take_tally(d);
            }
        }
    }
    for d in [C, S] {
        held.put_tally(d, tallies[ix(d)]);
    }
    assert_eq!(held.report(), r);
    let taken = |link: &PppLink, d: usize| {
        let t = &link.tally[d];
        let [ipv4, ipv6] = link.ip_frames[d];
        (
            t.compressed,
            t.encrypted,
            t.flushed,
            ipv4,
            ipv6,
            t.with_address_control,
            t.protocol_compressed,
        )
    };
    assert_eq!(taken(&fast, 0), (7, 6, 0, 1, 0, 3, 5));
    assert_eq!(taken(&fast, 1), (2, 1, 1, 3, 2, 2, 5));
    assert_eq!(taken(&general, 0), (0, 0, 0, 0, 0, 0, 0));
    // The report itself, exactly.
    assert_eq!((r.frames.total, r.frames.malformed), (27, 2));
    assert_eq!(
        r.frames.per_direction,
        PerDirection {
            client_to_server: 18,
            server_to_client: 9
        }
    );
    assert_eq!(
        (
            r.frames.with_address_control,
            r.frames.address_control_compressed,
            r.frames.protocol_compressed
        ),
        (8, 18, 17)
    );
    let p = &r.frames.by_protocol;
    assert_eq!((p.lcp, p.compressed, p.ipv4, p.ipv6, p.other), (2, 16, 4, 2, 2));
    let c = &r.data.client_to_server;
    assert_eq!(
        (
            c.encrypted_frames,
            c.compressed_only_frames,
            c.flushed_frames,
            c.coherency_gaps,
            c.coherency_missing,
            c.coherency_repeats,
            c.coherency_backwards
        ),
        (11, 1, 2, 1, 1, 2, 1)
    );
    assert_eq!(
        (c.first_coherency_count, c.last_coherency_count),
        (Some(10), Some(19))
    );
    assert_eq!(
        (c.first_frame, c.last_frame, c.ipv4_packets),
        (Some(2), Some(25), 1)
    );
    assert_eq!(c.bytes, 8 * 14 + 3 + 2 + 2 + 2 + 20);
    let s = &r.data.server_to_client;
    assert_eq!(
        (
            s.encrypted_frames,
            s.compressed_only_frames,
            s.flushed_frames,
            s.first_coherency_count,
            s.last_coherency_count
        ),
        (2, 1, 1, Some(4095), Some(1))
    );
    assert_eq!((s.first_frame, s.last_frame), (Some(15), Some(23)));
    assert_eq!((s.ipv4_packets, s.ipv6_packets), (3, 2));
    assert_eq!((r.data.encrypted_frames, r.data.inner_malformed), (13, 1));
    assert_eq!((r.data.inner_protocols.tcp, r.data.inner_protocols.udp), (3, 2));
}
