//! Real PPTP captures (see `../shared/captures/MANIFEST.md`) driven through
//! the tracker. The PPP frames are taken out of GRE by a small pcap,
//! Ethernet, IPv4 and GRE reader written here, independent of the crate's
//! own capture and GRE code. Each test is skipped when the captures folder
//! is absent.

use std::path::Path;

use super::*;

const DIR: &str = "../shared/captures";
const C: Direction = Direction::ClientToServer;
const S: Direction = Direction::ServerToClient;

/// A PPP frame from one GRE packet.
struct GreFrame {
    number: u64,
    ts: Timestamp,
    call_id: u16,
    payload: Vec<u8>,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|x| u16::from_be_bytes([x[0], x[1]]))
}

/// Ethernet (with 802.1Q tags) → IPv4 → enhanced GRE (RFC 2637 §4.1):
/// the Call ID and the PPP payload cut to Payload Length.
fn gre_payload(frame: &[u8]) -> Option<(u16, Vec<u8>)> {
    let mut offset = 12;
    let mut ethertype = be16(frame, offset)?;
    while ethertype == 0x8100 {
        offset += 4;
        ethertype = be16(frame, offset)?;
    }
    if ethertype != 0x0800 {
        return None;
    }
    let ip = frame.get(offset + 2..)?;
    let ihl = usize::from(ip.first()? & 0x0F) * 4;
    if *ip.get(9)? != 47 {
        return None;
    }
    let ip = ip.get(..usize::from(be16(ip, 2)?))?;
    let gre = ip.get(ihl..)?;
    let flags = be16(gre, 0)?;
    if flags & 0x0007 != 1 || be16(gre, 2)? != 0x880B || flags & 0x2000 == 0 {
        return None;
    }
    let payload_len = usize::from(be16(gre, 4)?);
    let call_id = be16(gre, 6)?;
    let header = 8 + if flags & 0x1000 != 0 { 4 } else { 0 } + if flags & 0x0080 != 0 { 4 } else { 0 };
    let payload = gre.get(header..header + payload_len)?;
    (!payload.is_empty()).then(|| (call_id, payload.to_vec()))
}

/// Classic pcap, either byte order, micro- or nanosecond stamps.
fn read_gre(name: &str) -> Option<Vec<GreFrame>> {
    let bytes = std::fs::read(Path::new(DIR).join(name)).ok()?;
    let magic = bytes.get(..4)?;
    let (little, nanos) = match magic {
        [0xd4, 0xc3, 0xb2, 0xa1] => (true, false),
        [0x4d, 0x3c, 0xb2, 0xa1] => (true, true),
        [0xa1, 0xb2, 0xc3, 0xd4] => (false, false),
        [0xa1, 0xb2, 0x3c, 0x4d] => (false, true),
        _ => return None,
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    assert_eq!(u32_at(20), Some(1), "{name}: not Ethernet");
    let mut out = Vec::new();
    let (mut offset, mut number) = (24usize, 0u64);
    while let (Some(secs), Some(frac), Some(incl)) = (u32_at(offset), u32_at(offset + 4), u32_at(offset + 8))
    {
        let start = offset + 16;
        let Some(data) = bytes.get(start..start + incl as usize) else {
            break;
        };
        number += 1;
        let ts = Timestamp::new(i64::from(secs), if nanos { frac } else { frac * 1000 });
        if let Some((call_id, payload)) = gre_payload(data) {
            out.push(GreFrame {
                number,
                ts,
                call_id,
                payload,
            });
        }
        offset = start + incl as usize;
    }
    Some(out)
}

/// Drives every PPP frame of the capture through one link; GRE towards
/// the server carries the server's Call ID.
fn run(name: &str, server_call_id: u16) -> Option<PppReport> {
    let Some(frames) = read_gre(name) else {
        eprintln!("skipped: {DIR}/{name} not found");
        return None;
    };
    let mut link = PppLink::new();
    for f in &frames {
        let d = if f.call_id == server_call_id { C } else { S };
        link.frame(d, f.number, f.ts, &f.payload);
    }
    Some(link.report())
}

fn unhex<const N: usize>(s: &str) -> [u8; N] {
    let v: Vec<u8> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect();
    v.try_into().unwrap()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

/// Windows 7 client against pptpd: MS-CHAPv2 "lulu" (password "password"),
/// MPPE 128-bit stateless, IPCP with the DNS options rejected, IPV6CP
/// Protocol-Rejected, three Identification messages.
#[test]
fn lulu_windows_client_ms_chap_v2() {
    let Some(r) = run("openwall_john-samples__lulu-password-pptp.pcap", 256) else {
        return;
    };

    assert_eq!((r.frames.total, r.frames.malformed), (56, 0));
    assert_eq!(
        r.frames.per_direction,
        PerDirection {
            client_to_server: 41,
            server_to_client: 15
        }
    );
    assert_eq!(
        r.frames.by_protocol,
        ProtocolCounts {
            lcp: 13,
            chap: 3,
            ccp: 4,
            ipcp: 10,
            ipv6cp: 1,
            compressed: 25,
            ..ProtocolCounts::default()
        }
    );
    // Echo, Identification and Protocol-Reject went out with ACFC, against
    // RFC 1661 §6.6 (tshark shows the same six frames without FF 03).
    assert_eq!(r.frames.lcp_framing_violations, 6);
    assert_eq!(r.phase_reached, LinkPhase::Network);

    // LCP: the client's Callback option was rejected, the server's first
    // request repeated.
    assert!(r.lcp.opened);
    assert_eq!(r.lcp.opened_frame, Some(26));
    let client = &r.lcp.client.negotiation;
    assert_eq!(
        (
            client.configure_requests,
            client.rejects,
            client.acks,
            client.acked_frame
        ),
        (2, 1, 1, Some(20))
    );
    assert_eq!(client.rejected, strings(&["Callback"]));
    let server = &r.lcp.server.negotiation;
    assert_eq!(
        (server.configure_requests, server.retransmissions, server.acks),
        (2, 1, 1)
    );
    assert_eq!(
        r.lcp.client.accepted,
        Some(LcpAccepted {
            mru: Some(1400),
            magic_number: Some("0x0c6f3548".into()),
            pfc: true,
            acfc: true,
            ..LcpAccepted::default()
        })
    );
    assert_eq!(
        r.lcp.server.accepted,
        Some(LcpAccepted {
            accm: Some("0x00000000".into()),
            auth_protocol: Some(AuthMethod::MsChapV2),
            magic_number: Some("0xaa471106".into()),
            pfc: true,
            acfc: true,
            ..LcpAccepted::default()
        })
    );
    let ids: Vec<(u64, &str)> = r
        .lcp
        .identification
        .iter()
        .map(|i| (i.frame, i.message.as_str()))
        .collect();
    assert_eq!(&ids[..2], &[(31, "MSRASV5.20"), (32, "MSRAS-0-WIN-7RSSC38TVCL")]);
    assert_eq!((ids.len(), ids[2].0), (3, 33));
    assert_eq!(
        (
            r.lcp.echo.server.requests,
            r.lcp.echo.server.replies,
            r.lcp.echo.server.unanswered
        ),
        (1, 1, 0)
    );
    assert_eq!(r.lcp.terminate, None);

    // MS-CHAPv2, with every value a verifier needs.
    assert_eq!(r.auth.protocol, Some("MS-CHAPv2"));
    assert_eq!(r.auth.user.as_deref(), Some("lulu"));
    assert_eq!(r.auth.result, Some(AuthResult::Success));
    assert_eq!(r.auth.message.as_deref(), Some("Access granted"));
    assert_eq!(r.auth.server_name.as_deref(), Some("pptpd"));
    assert_eq!(r.auth.password_verified, None);
    let x = r.auth.ms_chap_v2().unwrap();
    assert_eq!(x.identifier, 136);
    assert_eq!(
        x.authenticator_challenge,
        Some(unhex("95a87fa62ebcd2e3c8b09e1b448a6c72"))
    );
    assert_eq!(x.peer_challenge, unhex("e2ae0995eaac6ceff0d9757428b51509"));
    assert_eq!(
        x.nt_response,
        unhex("ed8cc90fd40faa2d6bcd0abd0b1f562fd777df6c5609c98b")
    );
    assert_eq!(x.user_name, b"lulu");
    assert_eq!(
        x.authenticator_response_text().as_deref(),
        Some("S=460874E1CADF35FBD9F6E80C01A1ADC5746F0B6A")
    );
    assert_eq!(
        (x.challenge_frame, x.response_frame, x.result_frame),
        (Some(28), 35, Some(36))
    );

    // CCP: both sides asked for 0x01000040 and got it.
    let mppe = r.ccp.mppe.as_ref().unwrap();
    assert_eq!(
        (mppe.bits.as_str(), mppe.stateless, mppe.key_length, mppe.frame),
        ("0x01000040", true, Some(128), 44)
    );
    assert!(mppe.client_acked && mppe.server_acked && !mppe.sides_differ);

    // IPCP: the server rejected DNS and NBNS, then Nak'ed the address.
    assert_eq!(r.ipcp.client_ip.as_deref(), Some("192.168.2.234"));
    assert_eq!(r.ipcp.server_ip.as_deref(), Some("192.168.2.2"));
    assert!(r.ipcp.dns.is_empty());
    assert!(r.ipcp.opened);
    assert_eq!(
        r.ipcp.client.negotiation.rejected,
        strings(&["Primary-DNS", "Primary-NBNS", "Secondary-DNS", "Secondary-NBNS"])
    );
    assert_eq!(
        (
            r.ipcp.client.negotiation.configure_requests,
            r.ipcp.client.negotiation.naks
        ),
        (4, 1)
    );
    assert_eq!(r.ipcp.terminate_acks, 1);

    // IPV6CP was Protocol-Rejected by the server.
    assert_eq!(
        (r.ipv6cp.protocol_rejected_by, r.ipv6cp.protocol_reject_frame),
        (Some(S), Some(39))
    );
    assert_eq!(
        r.outcome
            .protocol_rejects
            .iter()
            .map(|p| (p.frame, p.by, p.protocol))
            .collect::<Vec<_>>(),
        vec![(39, S, Protocol::IPV6CP)]
    );

    // Data: 25 encrypted frames, all from the client, no coherency gap.
    assert_eq!(r.data.encrypted_frames, 25);
    let d = &r.data.client_to_server;
    assert_eq!(
        (
            d.encrypted_frames,
            d.flushed_frames,
            d.coherency_gaps,
            d.coherency_missing
        ),
        (25, 25, 0, 0)
    );
    assert_eq!(
        (d.first_coherency_count, d.last_coherency_count, d.first_frame),
        (Some(0), Some(24), Some(60))
    );
    assert_eq!(r.data.server_to_client.encrypted_frames, 0);

    let o = &r.outcome;
    assert_eq!(
        (&o.auth_failure, &o.lcp_not_converged, &o.encryption_not_agreed),
        (&None, &None, &None)
    );
    assert_eq!(
        (&o.ipcp_failed, &o.terminated, &o.looped_back),
        (&None, &None, &None)
    );
    assert!(o.echo_failures.is_empty());
    assert_eq!(r.events_not_listed, 0);
    assert_eq!(
        r.events.first().map(|e| (e.frame, e.direction, e.phase)),
        Some((15, S, Phase::Lcp))
    );
}

/// Ixia client against a Cisco router: PAP "ixia", IPCP addresses given by
/// Nak, two ICMP packets in clear.
#[test]
fn packetlife_pap_and_ipcp() {
    let Some(r) = run("epiecs_packetlife-backup__PPTP_negotiation.cap", 24) else {
        return;
    };
    assert_eq!(
        (r.frames.total, r.frames.malformed, r.frames.with_address_control),
        (15, 0, 15)
    );
    assert!(r.lcp.opened);
    assert_eq!(r.lcp.opened_frame, Some(16));
    // The client's first request (id 0) went unanswered and was repeated.
    let client = &r.lcp.client.negotiation;
    assert_eq!(
        (
            client.configure_requests,
            client.retransmissions,
            client.acked_frame
        ),
        (2, 1, Some(16))
    );
    assert_eq!(
        r.lcp.server.accepted.as_ref().and_then(|a| a.auth_protocol),
        Some(AuthMethod::Pap)
    );

    assert_eq!(r.auth.protocol, Some("PAP"));
    assert_eq!(r.auth.user.as_deref(), Some("ixia"));
    assert_eq!(r.auth.pap_password(), Some(&b"ixia"[..]));
    assert_eq!(
        (r.auth.result, r.auth.response_frame, r.auth.result_frame),
        (Some(AuthResult::Success), Some(17), Some(18))
    );
    assert_eq!(r.auth.authenticator, Some(S));
    assert!(!serde_json::to_string(&r).unwrap().contains("password\":\"ixia"));

    assert_eq!(r.ipcp.client_ip.as_deref(), Some("17.1.1.122"));
    assert_eq!(r.ipcp.server_ip.as_deref(), Some("17.1.1.118"));
    assert_eq!(r.ipcp.client_ip_offered.as_deref(), Some("17.1.1.122"));
    assert!(r.ipcp.opened);

    assert_eq!((r.data.ipv4_packets, r.data.encrypted_frames), (2, 0));
    assert_eq!(
        r.data.inner_protocols,
        InnerProtocols {
            icmp: 2,
            ..InnerProtocols::default()
        }
    );
    assert_eq!(r.ccp, CcpReport::default());
    assert_eq!(r.outcome.encryption_not_agreed, None);
    let data: Vec<&str> = r
        .events
        .iter()
        .filter(|e| e.phase == Phase::Data)
        .map(|e| e.summary.as_str())
        .collect();
    assert_eq!(
        data,
        [
            "First IPv4 packet: ICMP 17.1.1.122 → 40.0.0.2",
            "First IPv4 packet: ICMP 40.0.0.2 → 17.1.1.122"
        ]
    );
}

/// pptp-linux client against pptpd: MS-CHAPv2 "moxie", CCP Nak from
/// 0x01000060 to 0x01000040, DNS by Nak, 66 encrypted frames, then the
/// client terminates.
#[test]
fn moxie_ccp_nak_and_client_terminate() {
    let Some(r) = run("moxie0_chapcrack__sample.dump", 30720) else {
        return;
    };
    assert_eq!((r.frames.total, r.frames.malformed), (93, 0));
    assert_eq!(r.auth.protocol, Some("MS-CHAPv2"));
    assert_eq!(r.auth.user.as_deref(), Some("moxie"));
    assert_eq!(r.auth.result, Some(AuthResult::Success));
    let x = r.auth.ms_chap_v2().unwrap();
    assert_eq!(
        x.authenticator_challenge,
        Some(unhex("fc8c01b224aaa09c1bcc011187406c1e"))
    );
    assert_eq!(x.peer_challenge, unhex("a8ec19457f2195684301395a02699805"));
    assert_eq!(
        x.nt_response,
        unhex("549560de3582f59deb569acf592531a10bf731f25ba1c36a")
    );
    assert_eq!(
        x.authenticator_response_text().as_deref(),
        Some("S=A75EC8F61DD73EC5D89F5AC6982448B595E8573F")
    );

    let summary = |b: u32| Some(MppeSummary::from(MppeBits(b)));
    assert_eq!(r.ccp.client.mppe_offered, summary(0x0100_0060));
    assert_eq!(r.ccp.client.mppe_naked_to, summary(0x0100_0040));
    assert_eq!(r.ccp.client.mppe_acked, summary(0x0100_0040));
    assert_eq!(r.ccp.server.mppe_acked, summary(0x0100_0040));
    assert_eq!(
        (
            r.ccp.client.negotiation.naks,
            r.ccp.client.negotiation.acked_frame
        ),
        (1, Some(33))
    );
    assert_eq!(
        r.ccp
            .mppe
            .as_ref()
            .map(|m| (m.strength.as_str(), m.stateless, m.frame)),
        Some(("128-bit", true, 33))
    );

    assert_eq!(r.ipcp.client_ip.as_deref(), Some("172.27.200.10"));
    assert_eq!(r.ipcp.server_ip.as_deref(), Some("172.27.200.1"));
    assert_eq!(r.ipcp.dns, strings(&["172.27.0.1", "172.27.0.1"]));
    assert_eq!(
        r.ipcp.server.negotiation.rejected,
        strings(&["IP-Compression-Protocol"])
    );

    assert_eq!(r.data.encrypted_frames, 66);
    assert_eq!(
        (
            r.data.client_to_server.encrypted_frames,
            r.data.server_to_client.encrypted_frames
        ),
        (35, 31)
    );
    assert_eq!(
        (
            r.data.client_to_server.coherency_missing,
            r.data.server_to_client.coherency_missing
        ),
        (0, 0)
    );

    assert_eq!((r.lcp.echo.server.requests, r.lcp.echo.server.replies), (1, 1));
    assert_eq!(
        r.outcome.terminated,
        Some(Termination {
            by: C,
            frame: 178,
            time: r.lcp.terminate.as_ref().map_or(0.0, |t| t.time),
            reason: Some("MPPE disabled".into()),
            acked_frame: Some(181),
            requests: 2,
            phase: LinkPhase::Network,
        })
    );
    assert_eq!((r.lcp.terminate_requests, r.lcp.terminate_acks), (2, 2));
    let o = &r.outcome;
    assert_eq!(
        (
            &o.auth_failure,
            &o.lcp_not_converged,
            &o.encryption_not_agreed,
            &o.ipcp_failed
        ),
        (&None, &None, &None, &None)
    );
}
