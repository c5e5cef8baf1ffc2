//! The project's own captures (`captures/`, written by the generator):
//! every decoded message against the generator's ground truth, and the exact
//! conclusions each scenario must lead to.

use std::net::SocketAddr;

use tunnelscope::pptp::session::Direction;
use tunnelscope::synth::scenarios;
use tunnelscope::synth::tcp::Side;

use crate::common::{analyze, own};

/// Every message the generator wrote is decoded at its frame, in its
/// direction, on its connection, and nothing else is.
#[test]
fn every_generated_message_is_decoded_at_its_frame() {
    let all = scenarios::all().unwrap_or_else(|e| panic!("{e}"));
    for scenario in all {
        let report = analyze(&own(scenario.file_name));
        let mut ours: Vec<(u64, u16, SocketAddr, SocketAddr, Direction)> = Vec::new();
        for s in &report.pptp_sessions {
            let client = SocketAddr::new(s.client.ip, s.client.port);
            let server = SocketAddr::new(s.server.ip, s.server.port);
            for m in &s.messages {
                ours.push((m.frame, m.type_code, client, server, m.direction));
            }
        }
        let truth: Vec<(u64, u16, SocketAddr, SocketAddr, Direction)> = scenario
            .truth
            .messages
            .iter()
            .filter(|m| !decoded_as_framing_error(scenario.file_name, m.frame))
            .map(|m| {
                let c = &scenario.truth.connections[m.connection];
                let dir = match m.from {
                    Side::Client => Direction::ClientToServer,
                    Side::Server => Direction::ServerToClient,
                };
                (m.frame, m.control_type, c.client, c.server, dir)
            })
            .collect();
        ours.sort_by_key(|m| (m.0, m.1));
        let mut truth = truth;
        truth.sort_by_key(|m| (m.0, m.1));
        assert_eq!(ours, truth, "{}", scenario.file_name);
    }
}

/// In `pptp-malformed.pcap` the message with a bad magic cookie (frame 8)
/// and the length-8 header (frame 16) are not messages of a stream in step:
/// they are reported as skipped bytes (finding `pptp_bad_magic_cookie`), not
/// decoded.
fn decoded_as_framing_error(file: &str, frame: u64) -> bool {
    file == "pptp-malformed.pcap" && (frame == 8 || frame == 16)
}

/// Every GRE flow the generator wrote with exact counts: the flow is found
/// (by addresses, Call ID and first frame), tied to the right control
/// connection or reported as an orphan, and every count matches.
#[test]
fn every_generated_gre_flow_has_its_exact_counts() {
    let all = scenarios::all().unwrap_or_else(|e| panic!("{e}"));
    let mut checked = 0;
    for scenario in all {
        let report = analyze(&own(scenario.file_name));
        for truth in &scenario.truth.gre {
            let Some(expected) = &truth.stats else { continue };
            let first_frame = truth
                .packets
                .iter()
                .find(|p| p.copy_of.is_none())
                .map(|p| p.frame);
            let flow = report.gre_flows.iter().find(|f| {
                f.src == truth.src
                    && f.dst == truth.dst
                    && f.call_id == truth.call_id
                    && f.first_frames.first().copied() == first_frame
            });
            let name = format!(
                "{} {} → {} call {}",
                scenario.file_name, truth.src, truth.dst, truth.call_id
            );
            let Some(flow) = flow else {
                panic!("{name}: flow not found")
            };
            let st = &flow.stats;
            let ours = (
                st.packets,
                st.data_packets,
                st.ack_only_packets,
                st.payload_bytes,
                st.first_seq,
                st.last_seq,
                st.expected,
                st.lost,
                st.largest_gap,
                st.duplicates,
                st.reordered,
                st.max_reorder_distance,
            );
            let want = (
                expected.packets,
                expected.data_packets,
                expected.ack_only_packets,
                expected.payload_bytes,
                expected.first_seq,
                expected.last_seq,
                expected.expected,
                expected.lost,
                expected.largest_gap,
                expected.duplicates,
                expected.reordered,
                expected.max_reorder_distance,
            );
            assert_eq!(ours, want, "{name}: packets, bytes, sequence counts");
            let ours = (
                st.late_unknown,
                st.capture_duplicates,
                st.max_ack,
                st.acks_received,
                st.acks_before_data,
                st.acks_beyond_seen,
                st.ack_latency.samples,
                st.ack_latency.min.map(|s| (s * 1e6).round() as u64),
                st.ack_latency.max.map(|s| (s * 1e6).round() as u64),
                st.max_in_flight,
                st.window_exceeded,
            );
            let want = (
                expected.late_unknown,
                expected.capture_duplicates,
                expected.max_ack,
                expected.acks_received,
                expected.acks_before_data,
                expected.acks_unseen,
                expected.ack_latency_samples,
                expected.ack_latency_min_us,
                expected.ack_latency_max_us,
                expected.max_in_flight,
                expected.window_exceeded,
            );
            assert_eq!(ours, want, "{name}: acks, latency, window, capture duplicates");
            if expected.peer_window.is_some() {
                assert_eq!(st.peer_window, expected.peer_window, "{name}: window");
            }
            match truth.connection {
                Some(c) => {
                    let conn = &scenario.truth.connections[c];
                    let session = report.pptp_sessions.iter().find(|s| {
                        SocketAddr::new(s.client.ip, s.client.port) == conn.client
                            && SocketAddr::new(s.server.ip, s.server.port) == conn.server
                    });
                    assert_eq!(flow.session, session.map(|s| s.id.clone()), "{name}: session");
                }
                None => assert!(flow.orphan, "{name}: orphan"),
            }
            let mut before: Vec<u64> = flow.before_call_frames.clone();
            before.sort_unstable();
            assert_eq!(before, truth.before_setup, "{name}: before set-up");
            assert_eq!(flow.after_call_frames, truth.after_clear, "{name}: after clear");
            checked += 1;
        }
    }
    assert!(checked >= 30, "flows checked: {checked}");
}
