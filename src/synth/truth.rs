//! Ground truth of a generated capture: what it contains, frame by frame,
//! and what a correct analysis of it must conclude. Rendered into
//! `captures/README.md` and available to tests as data.

use std::collections::btree_map::{BTreeMap, Entry};
use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};

use serde::Serialize;

use super::gre::GreRecord;
use super::pptp::control_type_name;
use super::tcp::Side;
use crate::capture::Timestamp;

mod sstp;
pub use sstp::{
    CredentialsTruth, CryptoBindingTruth, HttpTruth, PppFrameTruth, SstpMessageTruth, SstpTruth,
    TcpConnectionTruth, TlsRecordTruth, TlsTruth,
};

/// One PPTP control connection (a TCP connection carrying control
/// messages). The client is the PNS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectionTruth {
    /// Short label used in message lists ("A", "B", …).
    pub label: String,
    /// Client address and port.
    pub client: SocketAddr,
    /// Server address and port.
    pub server: SocketAddr,
}

/// One PPTP control message as it must be found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageTruth {
    /// The frame in which the message's last byte becomes available in
    /// stream order (for a message split across segments, the last piece;
    /// for segments delivered out of order, the segment that fills the
    /// hole).
    pub frame: u64,
    /// Index into [`Truth::connections`].
    pub connection: usize,
    /// Who sent it.
    pub from: Side,
    /// The Control Message Type in its header.
    pub control_type: u16,
    /// Abbreviation (SCCRQ, …) or `type <n>` for an undefined code.
    pub name: String,
    /// What is special about it, if anything.
    pub note: Option<String>,
}

/// The GRE packets of one call in one direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GreFlowTruth {
    /// Index into [`Truth::connections`] of the control connection that
    /// set the call up, if one is in the capture.
    pub connection: Option<usize>,
    /// Who sends this flow.
    pub from: Side,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Key Call ID (the receiver's).
    pub call_id: u16,
    /// Which call this flow belongs to, when the capture has several calls
    /// that a reader could confuse (e.g. "call 1" and "call 2" reusing the
    /// same Call IDs).
    pub label: Option<String>,
    /// Every packet, in frame order, capture copies included.
    pub packets: Vec<GreRecord>,
    /// Frames of this flow captured before the call was set up (before the
    /// Outgoing-Call-Reply that gave the Call ID its meaning).
    pub before_setup: Vec<u64>,
    /// Frames of this flow captured after the call was cleared (after its
    /// Call-Disconnect-Notify).
    pub after_clear: Vec<u64>,
    /// What a correct sequence analysis of this flow must count, when the
    /// scenario states it.
    pub stats: Option<GreStatsTruth>,
}

impl GreFlowTruth {
    /// A flow with no label, nothing outside the call and no statistics.
    pub fn new(
        connection: Option<usize>,
        from: Side,
        src: IpAddr,
        dst: IpAddr,
        call_id: u16,
        packets: Vec<GreRecord>,
    ) -> Self {
        GreFlowTruth {
            connection,
            from,
            src,
            dst,
            call_id,
            label: None,
            packets,
            before_setup: Vec::new(),
            after_clear: Vec::new(),
            stats: None,
        }
    }
}

/// The exact outcome of the per-direction sequence analysis of one GRE flow
/// (RFC 2637 §4.2–4.4; `docs/protocols.md` §2.4), stated by the scenario
/// that wrote it.
///
/// Sequence numbers are compared in RFC 1982 serial order. Capture copies
/// ([`GreRecord::copy_of`]) are counted in `capture_duplicates` and nowhere
/// else. The fields about acknowledgements split by who sent them:
/// `max_ack` is what *this* flow's sender acknowledged of the reverse flow;
/// everything from `acks_received` on is what the reverse flow's acks say
/// about *this* flow's sequence numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GreStatsTruth {
    /// Packets (data and ack-only), capture copies excluded.
    pub packets: u64,
    /// Packets with a Sequence Number (S = 1), protocol duplicates included.
    pub data_packets: u64,
    /// Packets without a Sequence Number (S = 0, A = 1, no payload).
    pub ack_only_packets: u64,
    /// Sum of the Payload Length of the data packets.
    pub payload_bytes: u64,
    /// The first Sequence Number captured.
    pub first_seq: Option<u32>,
    /// The highest Sequence Number captured (serial order).
    pub last_seq: Option<u32>,
    /// Numbers from the first to the highest: what the sender numbered.
    pub expected: u64,
    /// Numbers between the first and the highest never captured.
    pub lost: u64,
    /// Those numbers, in order.
    pub lost_numbers: Vec<u32>,
    /// The longest run of consecutive lost numbers.
    pub largest_gap: u64,
    /// Numbers captured again in another datagram (other IP
    /// Identification): the sender sent them twice, which RFC 2637 §4.3
    /// never does.
    pub duplicates: u64,
    /// Packets that arrived after a higher number and filled a gap (late,
    /// not lost).
    pub reordered: u64,
    /// The most a reordered packet trailed the highest number captured
    /// before it.
    pub max_reorder_distance: u64,
    /// Packets below the first number captured (whether they fill a gap
    /// cannot be known).
    pub late_unknown: u64,
    /// Second captures of a datagram already captured (same IP
    /// Identification, same bytes).
    pub capture_duplicates: u64,
    /// The highest Acknowledgment Number this flow's sender sent (serial
    /// order), i.e. what it acknowledged of the reverse flow.
    pub max_ack: Option<u32>,
    /// Reverse-flow packets carrying an Acknowledgment Number.
    pub acks_received: u64,
    /// Of those, the ones captured before this flow's first data packet.
    pub acks_before_data: u64,
    /// Acks that advanced (higher than every earlier ack) to a number of
    /// this flow the capture had not seen (yet): the peer received what the
    /// capture missed.
    pub acks_unseen: u64,
    /// Acks that advanced to a number the capture had seen: one latency
    /// sample each, the time from that data packet to the ack.
    pub ack_latency_samples: u64,
    /// Shortest of those times, in microseconds.
    pub ack_latency_min_us: Option<u64>,
    /// Longest of those times, in microseconds.
    pub ack_latency_max_us: Option<u64>,
    /// The receive window the peer announced at call set-up (Packet Recv.
    /// Window Size of the OCRP for client → server, of the OCRQ for server
    /// → client), when known.
    pub peer_window: Option<u16>,
    /// The most packets outstanding: at each data packet that raises the
    /// highest number, that number minus the highest ack received so far;
    /// measured only once the reverse flow has acknowledged something.
    pub max_in_flight: Option<u64>,
    /// Data packets at which more packets were outstanding (counting the
    /// packet itself) than `peer_window` (RFC 2637 §4.4: the sender must
    /// stop when the window is full).
    pub window_exceeded: u64,
}

/// `seq` widened to the `i64` nearest `reference` (RFC 1982 serial
/// arithmetic, SERIAL_BITS = 32).
fn widen(reference: i64, seq: u32) -> i64 {
    reference + i64::from(seq.wrapping_sub(reference as u32) as i32)
}

impl GreStatsTruth {
    /// The statistics of `flow` given the `reverse` flow of the same call
    /// (whose acks acknowledge `flow`'s numbers) and the window the
    /// receiver of `flow` announced. Both slices in frame order.
    ///
    /// A plain replay of the definitions over complete records (sets, no
    /// bounds): it is the reference the scenarios' stated numbers are
    /// checked against, not a model of a streaming analyzer.
    pub fn compute(flow: &[GreRecord], reverse: &[GreRecord], peer_window: Option<u16>) -> Self {
        let mut s = GreStatsTruth {
            peer_window,
            ..GreStatsTruth::default()
        };
        let mut events: Vec<(&GreRecord, bool)> = flow
            .iter()
            .map(|r| (r, true))
            .chain(reverse.iter().map(|r| (r, false)))
            .collect();
        events.sort_by_key(|(r, _)| r.frame);
        let mut first: Option<i64> = None;
        let mut max = 0i64;
        // Widened number -> capture time of its first copy.
        let mut seen: BTreeMap<i64, Timestamp> = BTreeMap::new();
        let mut own_max_ack: Option<i64> = None;
        let mut peer_ack: Option<i64> = None;
        let mut latencies: Vec<u64> = Vec::new();
        for (r, own) in events {
            if r.copy_of.is_some() {
                if own {
                    s.capture_duplicates += 1;
                }
                continue;
            }
            if !own {
                let Some(ack) = r.acknowledgment else { continue };
                s.acks_received += 1;
                if first.is_none() {
                    s.acks_before_data += 1;
                    continue;
                }
                let e = widen(max, ack);
                if peer_ack.is_none_or(|last| e > last) {
                    peer_ack = Some(e);
                    match seen.get(&e) {
                        Some(t) => latencies.push(micros_between(*t, r.ts)),
                        None => s.acks_unseen += 1,
                    }
                }
                continue;
            }
            s.packets += 1;
            if let Some(ack) = r.acknowledgment {
                let e = own_max_ack.map_or(i64::from(ack), |m| widen(m, ack));
                if own_max_ack.is_none_or(|m| e > m) {
                    own_max_ack = Some(e);
                }
            }
            let Some(seq) = r.sequence else {
                s.ack_only_packets += 1;
                continue;
            };
            s.data_packets += 1;
            s.payload_bytes += r.payload_len as u64;
            let raised = match first {
                None => {
                    first = Some(i64::from(seq));
                    max = i64::from(seq);
                    seen.insert(max, r.ts);
                    s.first_seq = Some(seq);
                    true
                }
                Some(f) => {
                    let e = widen(max, seq);
                    match seen.entry(e) {
                        Entry::Occupied(_) => {
                            s.duplicates += 1;
                            false
                        }
                        Entry::Vacant(v) => {
                            v.insert(r.ts);
                            if e > max {
                                max = e;
                                true
                            } else {
                                if e > f {
                                    s.reordered += 1;
                                    s.max_reorder_distance = s.max_reorder_distance.max((max - e) as u64);
                                } else {
                                    s.late_unknown += 1;
                                }
                                false
                            }
                        }
                    }
                }
            };
            if raised {
                if let Some(acked) = peer_ack {
                    let in_flight = (max - acked).max(0) as u64;
                    s.max_in_flight = Some(s.max_in_flight.map_or(in_flight, |m| m.max(in_flight)));
                    if peer_window.is_some_and(|w| in_flight > u64::from(w)) {
                        s.window_exceeded += 1;
                    }
                }
            }
        }
        if let Some(f) = first {
            s.last_seq = Some(max as u32);
            s.expected = (max - f + 1) as u64;
            let mut run = 0u64;
            for n in f..=max {
                if seen.contains_key(&n) {
                    run = 0;
                } else {
                    s.lost_numbers.push(n as u32);
                    run += 1;
                    s.largest_gap = s.largest_gap.max(run);
                }
            }
            s.lost = s.lost_numbers.len() as u64;
        }
        s.max_ack = own_max_ack.map(|m| m as u32);
        s.ack_latency_samples = latencies.len() as u64;
        s.ack_latency_min_us = latencies.iter().min().copied();
        s.ack_latency_max_us = latencies.iter().max().copied();
        s
    }

    /// One line for `captures/README.md`.
    pub fn to_markdown(&self) -> String {
        let mut s = format!(
            "{} packets ({} data, {} ack-only), {} payload bytes",
            self.packets, self.data_packets, self.ack_only_packets, self.payload_bytes
        );
        if let (Some(first), Some(last)) = (self.first_seq, self.last_seq) {
            let _ = write!(
                s,
                "; seq {first} → {last} ({} expected); lost {}",
                self.expected, self.lost
            );
            if !self.lost_numbers.is_empty() {
                let shown: Vec<String> = self.lost_numbers.iter().take(20).map(u32::to_string).collect();
                let more = if self.lost_numbers.len() > 20 { ", …" } else { "" };
                let _ = write!(
                    s,
                    " ({}{more}; largest gap {})",
                    shown.join(", "),
                    self.largest_gap
                );
            }
            let _ = write!(
                s,
                ", duplicates {}, reordered {} (max distance {}), late before the first {}",
                self.duplicates, self.reordered, self.max_reorder_distance, self.late_unknown
            );
        }
        let _ = write!(s, ", capture duplicates {}", self.capture_duplicates);
        let _ = write!(s, "; max ack sent {}", opt_u32(self.max_ack));
        let _ = write!(
            s,
            "; acks received {} ({} before data, {} advancing to numbers not captured)",
            self.acks_received, self.acks_before_data, self.acks_unseen
        );
        if self.ack_latency_samples > 0 {
            let _ = write!(
                s,
                "; ack latency {} samples, {}–{} µs",
                self.ack_latency_samples,
                self.ack_latency_min_us.unwrap_or(0),
                self.ack_latency_max_us.unwrap_or(0)
            );
        }
        let _ = write!(
            s,
            "; peer window {}, max in flight {}, window exceeded {}",
            self.peer_window
                .map_or_else(|| "unknown".to_string(), |w| w.to_string()),
            self.max_in_flight
                .map_or_else(|| "–".to_string(), |n| n.to_string()),
            self.window_exceeded
        );
        s
    }
}

fn micros_between(from: Timestamp, to: Timestamp) -> u64 {
    let nanos = |t: Timestamp| i128::from(t.secs) * 1_000_000_000 + i128::from(t.nanos);
    u64::try_from((nanos(to) - nanos(from)) / 1_000).unwrap_or(0)
}

/// Everything a correct analysis of one capture must find.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Truth {
    /// The scenario in a few words.
    pub title: String,
    /// What the scenario shows, in a sentence or two.
    pub description: String,
    /// Container and link layer, e.g. "pcap, little-endian, µs, Ethernet".
    pub format: String,
    /// Number of frames in the file.
    pub frames: u64,
    /// Control connections in order of appearance.
    pub connections: Vec<ConnectionTruth>,
    /// Every PPTP control message, in the order a stream reader finds them.
    pub messages: Vec<MessageTruth>,
    /// GRE flows, one per call and direction.
    pub gre: Vec<GreFlowTruth>,
    /// What a correct analysis must conclude.
    pub conclusions: Vec<String>,
    /// Facts about the capture worth knowing when reading it.
    pub notes: Vec<String>,
    /// SSTP, HTTP and TLS ground truth; `None` for the PPTP scenarios,
    /// whose README sections it leaves untouched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sstp: Option<SstpTruth>,
}

/// The name used for a control type in the truth tables.
pub fn message_name(control_type: u16) -> String {
    match control_type_name(control_type) {
        Some((_, abbrev)) => abbrev.to_string(),
        None => format!("type {control_type}"),
    }
}

fn direction(from: Side) -> &'static str {
    match from {
        Side::Client => "client → server",
        Side::Server => "server → client",
    }
}

fn opt_u32(v: Option<u32>) -> String {
    v.map_or_else(|| "–".to_string(), |n| n.to_string())
}

impl Truth {
    /// The Markdown section of `captures/README.md` for the capture
    /// `file_name`.
    pub fn to_markdown(&self, file_name: &str) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "## `{file_name}`\n");
        if !self.title.is_empty() {
            let _ = writeln!(s, "**{}**\n", self.title);
        }
        let _ = writeln!(s, "{}\n", self.description);
        let _ = writeln!(s, "- Format: {}", self.format);
        let _ = writeln!(s, "- Frames: {}", self.frames);
        if let Some(sstp) = &self.sstp {
            sstp.write_markdown(&mut s);
            self.write_conclusions(&mut s);
            return s;
        }
        for c in &self.connections {
            let _ = writeln!(
                s,
                "- Control connection {}: client (PNS) {} → server (PAC) {}",
                c.label, c.client, c.server
            );
        }
        s.push('\n');
        if self.messages.is_empty() {
            s.push_str("PPTP control messages: none.\n\n");
        } else {
            s.push_str("PPTP control messages:\n\n");
            let multi = self.connections.len() > 1;
            if multi {
                s.push_str("| Frame | Conn. | Direction | Type | Code | Note |\n|---|---|---|---|---|---|\n");
            } else {
                s.push_str("| Frame | Direction | Type | Code | Note |\n|---|---|---|---|---|\n");
            }
            for m in &self.messages {
                let label = self
                    .connections
                    .get(m.connection)
                    .map_or("?", |c| c.label.as_str());
                let note = m.note.as_deref().unwrap_or("");
                if multi {
                    let _ = writeln!(
                        s,
                        "| {} | {} | {} | {} | {} | {} |",
                        m.frame,
                        label,
                        direction(m.from),
                        m.name,
                        m.control_type,
                        note
                    );
                } else {
                    let _ = writeln!(
                        s,
                        "| {} | {} | {} | {} | {} |",
                        m.frame,
                        direction(m.from),
                        m.name,
                        m.control_type,
                        note
                    );
                }
            }
            s.push('\n');
        }
        if self.gre.is_empty() {
            s.push_str("GRE: none.\n\n");
        } else {
            s.push_str("GRE (enhanced, version 1), per direction:\n\n");
            for g in &self.gre {
                let copies = g.packets.iter().filter(|p| p.copy_of.is_some()).count();
                let packets = g.packets.len() - copies;
                let data = g
                    .packets
                    .iter()
                    .filter(|p| p.copy_of.is_none() && p.sequence.is_some())
                    .count();
                let ack_only = packets - data;
                let label = g.label.as_deref().map(|l| format!("{l}, ")).unwrap_or_default();
                let copies = if copies > 0 {
                    format!(", plus {copies} capture copies")
                } else {
                    String::new()
                };
                let _ = writeln!(
                    s,
                    "- {label}{} ({} → {}), Key Call ID {}: {} packets ({} data, {} ack-only){copies}",
                    direction(g.from),
                    g.src,
                    g.dst,
                    g.call_id,
                    packets,
                    data,
                    ack_only
                );
                let rows: Vec<String> = g
                    .packets
                    .iter()
                    .map(|p| match p.copy_of {
                        Some(original) => format!("{}: copy of {original}", p.frame),
                        None => format!(
                            "{}: seq {} ack {}",
                            p.frame,
                            opt_u32(p.sequence),
                            opt_u32(p.acknowledgment)
                        ),
                    })
                    .collect();
                let _ = writeln!(s, "  - frame: seq/ack — {}", rows.join("; "));
                let frames = |f: &[u64]| {
                    let list = f.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
                    if f.len() == 1 {
                        format!("frame {list}")
                    } else {
                        format!("frames {list}")
                    }
                };
                if !g.before_setup.is_empty() {
                    let _ = writeln!(s, "  - before the call was set up: {}", frames(&g.before_setup));
                }
                if !g.after_clear.is_empty() {
                    let _ = writeln!(s, "  - after the call was cleared: {}", frames(&g.after_clear));
                }
                if let Some(st) = &g.stats {
                    let _ = writeln!(s, "  - counts: {}", st.to_markdown());
                }
            }
            s.push('\n');
        }
        self.write_conclusions(&mut s);
        s
    }

    fn write_conclusions(&self, s: &mut String) {
        if !self.conclusions.is_empty() {
            s.push_str("A correct analysis concludes:\n\n");
            for c in &self.conclusions {
                let _ = writeln!(s, "- {c}");
            }
            s.push('\n');
        }
        if !self.notes.is_empty() {
            s.push_str("Notes:\n\n");
            for n in &self.notes {
                let _ = writeln!(s, "- {n}");
            }
            s.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_lists_messages_gre_and_conclusions() {
        let truth = Truth {
            title: "Short".into(),
            description: "A short session.".into(),
            format: "pcap".into(),
            frames: 3,
            connections: vec![ConnectionTruth {
                label: "A".into(),
                client: "192.0.2.1:50000".parse().unwrap(),
                server: "192.0.2.2:1723".parse().unwrap(),
            }],
            messages: vec![MessageTruth {
                frame: 1,
                connection: 0,
                from: Side::Client,
                control_type: 1,
                name: message_name(1),
                note: None,
            }],
            gre: vec![GreFlowTruth::new(
                Some(0),
                Side::Server,
                "192.0.2.2".parse().unwrap(),
                "192.0.2.1".parse().unwrap(),
                7,
                vec![
                    GreRecord {
                        frame: 2,
                        sender: Side::Server,
                        call_id: 7,
                        sequence: Some(0),
                        acknowledgment: None,
                        payload_len: 8,
                        ip_id: 0x0201,
                        ts: Timestamp::new(0, 0),
                        copy_of: None,
                    },
                    GreRecord {
                        frame: 3,
                        sender: Side::Server,
                        call_id: 7,
                        sequence: None,
                        acknowledgment: Some(4),
                        payload_len: 0,
                        ip_id: 0x0202,
                        ts: Timestamp::new(0, 0),
                        copy_of: None,
                    },
                ],
            )],
            conclusions: vec!["Nothing is wrong.".into()],
            notes: vec![],
            sstp: None,
        };
        let md = truth.to_markdown("x.pcap");
        assert_eq!(
            md,
            "## `x.pcap`\n\n**Short**\n\nA short session.\n\n- Format: pcap\n- Frames: 3\n\
             - Control connection A: client (PNS) 192.0.2.1:50000 → server (PAC) 192.0.2.2:1723\n\n\
             PPTP control messages:\n\n| Frame | Direction | Type | Code | Note |\n|---|---|---|---|---|\n\
             | 1 | client → server | SCCRQ | 1 |  |\n\n\
             GRE (enhanced, version 1), per direction:\n\n\
             - server → client (192.0.2.2 → 192.0.2.1), Key Call ID 7: 2 packets (1 data, 1 ack-only)\n\
             \x20 - frame: seq/ack — 2: seq 0 ack –; 3: seq – ack 4\n\n\
             A correct analysis concludes:\n\n- Nothing is wrong.\n\n"
        );
        assert_eq!(message_name(16), "type 16");
    }
    fn rec(
        frame: u64,
        sender: Side,
        sequence: Option<u32>,
        acknowledgment: Option<u32>,
        ms: u32,
    ) -> GreRecord {
        GreRecord {
            frame,
            sender,
            call_id: 1,
            sequence,
            acknowledgment,
            payload_len: if sequence.is_some() { 10 } else { 0 },
            ip_id: frame as u16,
            ts: Timestamp::new(100, ms * 1_000_000),
            copy_of: None,
        }
    }

    #[test]
    fn statistics_follow_the_definitions() {
        use Side::{Client as C, Server as S};
        let max = u32::MAX;
        // Client numbers max-1, max, (0 lost), 2, 1 (late), 2 again
        // (protocol duplicate), 3 and a capture copy of 3; the server acks.
        let mut flow = vec![
            rec(1, C, Some(max - 1), None, 0),
            rec(3, C, Some(max), Some(7), 2),
            rec(4, C, Some(2), Some(8), 3),
            rec(5, C, Some(1), Some(8), 4),
            rec(7, C, Some(2), Some(8), 6),
            rec(8, C, Some(3), Some(6), 7),
        ];
        flow.push(GreRecord {
            frame: 9,
            copy_of: Some(8),
            ..flow[5]
        });
        let reverse = vec![
            rec(2, S, Some(7), Some(max - 1), 1),
            rec(6, S, None, Some(1), 5),
            rec(10, S, Some(8), Some(3), 9),
        ];
        let st = GreStatsTruth::compute(&flow, &reverse, Some(2));
        assert_eq!(
            st,
            GreStatsTruth {
                packets: 6,
                data_packets: 6,
                ack_only_packets: 0,
                payload_bytes: 60,
                first_seq: Some(max - 1),
                last_seq: Some(3),
                expected: 6,
                lost: 1,
                lost_numbers: vec![0],
                largest_gap: 1,
                duplicates: 1,
                reordered: 1,
                max_reorder_distance: 1,
                late_unknown: 0,
                capture_duplicates: 1,
                max_ack: Some(8),
                acks_received: 3,
                acks_before_data: 0,
                acks_unseen: 0,
                ack_latency_samples: 3,
                ack_latency_min_us: Some(1_000),
                ack_latency_max_us: Some(2_000),
                peer_window: Some(2),
                // After ack max-1, number 2 leaves max, 0, 1 and 2
                // outstanding (4 > 2); after ack 1, number 3 leaves 2.
                max_in_flight: Some(4),
                window_exceeded: 1,
            }
        );
        let md = st.to_markdown();
        assert!(md.starts_with("6 packets (6 data, 0 ack-only), 60 payload bytes; seq 4294967294 → 3 (6 expected); lost 1 (0; largest gap 1)"), "{md}");
        assert!(
            md.ends_with("; peer window 2, max in flight 4, window exceeded 1"),
            "{md}"
        );
    }
}
