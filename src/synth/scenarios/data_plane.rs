//! Scenarios about the PPTP data plane: enhanced GRE (RFC 2637 §4) with
//! loss, duplicates, reordering, wrap-around, ack-only traffic, Call IDs
//! that only the direction tells apart, GRE with no call, capture copies,
//! blocked and one-way GRE, reused Call IDs, GRE outside a call's lifetime
//! and a window overrun.
//!
//! Every flow's [`GreStatsTruth`] is derived from what was written (the
//! GRE log), and each scenario's test states the numbers the scenario was
//! built to produce (lost = 4, reordered = 5, …), so a mistake in either
//! shows up as a disagreement.
//!
//! PPP inside GRE is what a real call carries: LCP Configure-Request/Ack
//! with a Maximum-Receive-Unit and a Magic-Number option (RFC 1661 §6.1,
//! §6.4), then MPPE-encrypted frames (protocol 0x00FD, RFC 3078 §3.1) in
//! stateless mode (FLUSHED and ENCRYPTED set) whose coherency count rises
//! by one per frame sent, including frames that are lost, so a GRE gap of
//! n matches a coherency-count jump of n.

use std::time::Duration;

use super::*;
use crate::synth::gre::GreRecord;
use crate::synth::packet::{sll_packet_type, MacAddr};
use crate::synth::trace::add_duration;
use crate::synth::truth::GreStatsTruth;
use crate::synth::writer::Record;

// ---------------------------------------------------------------------------
// PPP payloads.

/// The client's LCP Magic-Number (RFC 1661 §6.4).
const CLIENT_MAGIC: u32 = 0x5A3C_1F27;
/// The server's LCP Magic-Number.
const SERVER_MAGIC: u32 = 0x0E4D_92B1;
/// Maximum-Receive-Unit both ends ask for: 1400, as Windows does over PPTP.
const MRU: u16 = 1400;
/// Packet Recv. Window Size both ends announce unless a scenario says
/// otherwise (the OCRQ/OCRP default of the encoders).
const WINDOW: u16 = 64;

/// LCP options of a Configure-Request: Maximum-Receive-Unit and
/// Magic-Number (RFC 1661 §6.1, §6.4), 10 bytes.
fn lcp_options(magic: u32) -> Vec<u8> {
    let mut o = vec![1, 4];
    o.extend_from_slice(&MRU.to_be_bytes());
    o.extend_from_slice(&[5, 6]);
    o.extend_from_slice(&magic.to_be_bytes());
    o
}

/// `FF 03 C0 21 01 <id> 00 0E` and the options: 18 bytes.
fn configure_request(identifier: u8, magic: u32) -> Vec<u8> {
    lcp(LCP_CONFIGURE_REQUEST, identifier, &lcp_options(magic))
}

/// The Configure-Ack of a request with these options: the same options
/// (RFC 1661 §5.2).
fn configure_ack(identifier: u8, magic: u32) -> Vec<u8> {
    lcp(LCP_CONFIGURE_ACK, identifier, &lcp_options(magic))
}

/// Lengths of the ciphertext after the MPPE header, cycled through
/// pseudo-randomly: TCP acknowledgements, small requests, bulk data.
const CIPHERTEXT_LENGTHS: [usize; 8] = [38, 50, 50, 118, 560, 1010, 86, 290];

/// MPPE-encrypted PPP frames (RFC 3078 §3.1) for both sides of a call:
/// `FF 03 00 FD`, the two-byte MPPE header (A and D set, 12-bit coherency
/// count), then bytes that look like RC4 output.
#[derive(Debug, Clone)]
struct Mppe {
    coherency: [u16; 2],
    state: u32,
}

impl Mppe {
    fn new(seed: u32) -> Self {
        Mppe {
            coherency: [0, 0],
            state: seed | 1,
        }
    }

    /// xorshift32: deterministic, and good enough to look encrypted.
    fn next(&mut self) -> u32 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.state = x;
        x
    }

    /// The next frame `side` sends.
    fn frame(&mut self, side: Side) -> Vec<u8> {
        let i = side_index(side);
        let count = self.coherency[i];
        self.coherency[i] = (count + 1) & 0x0FFF;
        let len = CIPHERTEXT_LENGTHS[(self.next() % 8) as usize];
        let mut f = Vec::with_capacity(6 + len);
        f.extend_from_slice(&[0xFF, 0x03, 0x00, 0xFD]);
        f.push(0x90 | (count >> 8) as u8);
        f.push(count as u8);
        for _ in 0..len {
            f.push(self.next() as u8);
        }
        f
    }
}

fn side_index(side: Side) -> usize {
    match side {
        Side::Client => 0,
        Side::Server => 1,
    }
}

// ---------------------------------------------------------------------------
// Building blocks.

/// A call between the usual client and server on untagged Ethernet,
/// logging every packet.
fn call(client_call: u16, server_call: u16) -> GreCall {
    let mut g = GreCall::new(
        client_v4(),
        server_v4(),
        client_call,
        server_call,
        Link::ethernet(),
    );
    g.enable_log();
    g
}

/// LCP Configure-Request/Ack both ways and the server's ack-only packet:
/// sequence numbers 0 and 1 (from wherever each side starts) in each
/// direction.
fn ppp_start<W: FrameWriter>(s: &mut Script<W>, g: &mut GreCall) -> Result<()> {
    let t = &mut s.trace;
    g.send(t, Side::Client, &configure_request(1, CLIENT_MAGIC))?;
    t.advance(RTT);
    g.send(t, Side::Server, &configure_request(1, SERVER_MAGIC))?;
    g.send(t, Side::Server, &configure_ack(1, CLIENT_MAGIC))?;
    g.send(t, Side::Client, &configure_ack(1, SERVER_MAGIC))?;
    t.advance(RTT);
    g.send_ack(t, Side::Server)?;
    Ok(())
}

/// `n` MPPE frames each way, alternating client and server, 5 ms apart.
fn exchange<W: FrameWriter>(s: &mut Script<W>, g: &mut GreCall, m: &mut Mppe, n: usize) -> Result<()> {
    for _ in 0..n {
        s.wait(ms(5));
        g.send(&mut s.trace, Side::Client, &m.frame(Side::Client))?;
        s.wait(ms(1));
        g.send(&mut s.trace, Side::Server, &m.frame(Side::Server))?;
    }
    Ok(())
}

/// CCRQ from the client, CDN (result 4) from the server one round trip
/// later; returns the CDN's frame.
fn clear_call<W: FrameWriter>(
    s: &mut Script<W>,
    c: &mut Control,
    client_call: u16,
    server_call: u16,
) -> Result<u64> {
    s.send(
        c,
        Side::Client,
        CallClearRequest {
            call_id: client_call,
            reserved1: 0,
        },
    )?;
    s.wait(RTT);
    s.send(
        c,
        Side::Server,
        CallDisconnectNotify {
            call_id: server_call,
            ..Default::default()
        },
    )
}

/// StopCCRQ/StopCCRP, then FIN both ways started by the client.
fn stop<W: FrameWriter>(s: &mut Script<W>, c: &mut Control) -> Result<()> {
    s.send(c, Side::Client, StopControlConnectionRequest::default())?;
    s.wait(RTT);
    s.send(c, Side::Server, StopControlConnectionReply::default())?;
    c.tcp.close(&mut s.trace, Side::Client, RTT)?;
    Ok(())
}

/// Handshake, SCCRQ/SCCRP and OCRQ/OCRP with `reply` (no SLI).
fn call_setup<W: FrameWriter>(
    s: &mut Script<W>,
    c: &mut Control,
    client_call: u16,
    reply: OutgoingCallReply,
) -> Result<u64> {
    handshake(&mut s.trace, &mut c.tcp)?;
    s.send(c, Side::Client, sccrq())?;
    s.wait(RTT);
    s.send(c, Side::Server, StartControlConnectionReply::default())?;
    s.send(c, Side::Client, ocrq(client_call, CALL_SERIAL))?;
    s.wait(RTT);
    s.send(c, Side::Server, reply)
}

fn usual_control<W: FrameWriter>(s: &mut Script<W>) -> Control {
    s.control(tcp_pair(
        client_v4(),
        CLIENT_PORT,
        server_v4(),
        PPTP_PORT,
        Link::ethernet(),
    ))
}

/// Adds the call's flows (one per direction that has packets) to the truth
/// with their statistics. `windows` are the Packet Recv. Window Sizes the
/// client (OCRQ) and the server (OCRP) announced, if the capture shows
/// them. Returns the indices of the flows added, client's first.
fn record_flows<W: FrameWriter>(
    s: &mut Script<W>,
    connection: Option<usize>,
    call: &GreCall,
    label: Option<&str>,
    windows: [Option<u16>; 2],
) -> Vec<usize> {
    let mut added = Vec::new();
    for from in [Side::Client, Side::Server] {
        let flow: Vec<_> = call.log().iter().filter(|r| r.sender == from).copied().collect();
        if flow.is_empty() {
            continue;
        }
        let reverse: Vec<_> = call.log().iter().filter(|r| r.sender != from).copied().collect();
        let window = windows[side_index(from.peer())];
        let mut f = GreFlowTruth::new(
            connection,
            from,
            call.host(from).ip,
            call.host(from.peer()).ip,
            call.call_id(from.peer()),
            flow,
        );
        f.label = label.map(str::to_string);
        f.stats = Some(GreStatsTruth::compute(&f.packets, &reverse, window));
        added.push(s.truth.gre.len());
        s.truth.gre.push(f);
    }
    added
}

/// The statistics of flow `i` (present for every flow of these scenarios).
fn stats(truth: &Truth, i: usize) -> GreStatsTruth {
    truth.gre.get(i).and_then(|f| f.stats.clone()).unwrap_or_default()
}

/// "17, 18, 19, 100" for the conclusions.
fn list(numbers: &[u32]) -> String {
    numbers.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

fn frames_of(truth: &Truth, i: usize) -> Vec<u64> {
    truth
        .gre
        .get(i)
        .map(|f| f.packets.iter().map(|p| p.frame).collect())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// The scenarios.

/// Client sequence numbers lost before the capture point in
/// `gre-loss.pcap`.
const LOSS_LOST: [u32; 4] = [17, 18, 19, 100];

/// `gre-loss.pcap`: 200 numbered packets client → server, 4 never arrive.
pub fn gre_loss() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "A complete session whose call carries 200 numbered GRE packets from the client \
         (sequence numbers 0–199: LCP, then MPPE-encrypted data); numbers 17, 18, 19 and 100 \
         are lost before the capture point. The server sends data after every fourth client \
         number, each piggy-backing an ack of the highest number it has received, and a \
         last ack-only packet; its acks never name a lost number.",
    )?;
    s.truth.title = "GRE loss: 4 of 200 client packets missing (17–19 and 100)".to_string();
    let mut c = usual_control(&mut s);
    let mut g = call(CLIENT_CALL_ID, SERVER_CALL_ID);
    establish(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    ppp_start(&mut s, &mut g)?;
    let mut m = Mppe::new(0x1111);
    for seq in 2..200u32 {
        s.wait(ms(2));
        let p = g.data(Side::Client, &m.frame(Side::Client));
        if !LOSS_LOST.contains(&seq) {
            g.emit(&mut s.trace, &p)?;
        }
        if seq % 4 == 3 {
            s.wait(ms(1));
            g.send(&mut s.trace, Side::Server, &m.frame(Side::Server))?;
        }
    }
    s.wait(ms(1));
    g.send_ack(&mut s.trace, Side::Server)?;
    s.wait(secs(2));
    teardown(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    let flows = record_flows(&mut s, Some(c.connection), &g, None, [Some(WINDOW), Some(WINDOW)]);
    let up = stats(&s.truth, flows[0]);
    let down = stats(&s.truth, flows[1]);

    s.conclude(
        "Control connection and call established (SCCRP result 1, OCRP result 1) and closed in order.",
    );
    s.conclude(format!(
        "Client → server (Key {SERVER_CALL_ID}): {} packets captured of {} numbered \
         (sequence {}–{}); lost {}: numbers {} (largest gap {}). No duplicates, no \
         reordering. Loss ratio 2 %.",
        up.packets,
        up.expected,
        up.first_seq.unwrap_or(0),
        up.last_seq.unwrap_or(0),
        up.lost,
        list(&up.lost_numbers),
        up.largest_gap
    ));
    s.conclude(format!(
        "Server → client (Key {CLIENT_CALL_ID}): {} packets ({} data, {} ack-only), no loss. \
         The server's highest ack is {}; no ack names a number the capture did not see.",
        down.packets,
        down.data_packets,
        down.ack_only_packets,
        down.max_ack.map_or_else(String::new, |a| a.to_string())
    ));
    s.note(
        "The capture point is on the path after the loss: the server acknowledges exactly what \
         the capture shows. The MPPE coherency count jumps by the same amounts as the GRE \
         sequence numbers (by 4 after 16, by 2 after 99).",
    );
    finish_pcap(s, "gre-loss.pcap")
}

/// Moves `seq` in `order` to just after `after` (a late packet).
fn move_after(order: &mut Vec<u32>, seq: u32, after: u32) {
    order.retain(|&n| n != seq);
    if let Some(at) = order.iter().position(|&n| n == after) {
        order.insert(at + 1, seq);
    }
}

/// Inserts a second `seq` just after the first `after` (a duplicate).
fn duplicate_after(order: &mut Vec<u32>, seq: u32, after: u32) {
    if let Some(at) = order.iter().position(|&n| n == after) {
        order.insert(at + 1, seq);
    }
}

/// `gre-dup-reorder.pcap`: 3 protocol duplicates and 5 late packets.
pub fn gre_dup_reorder() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "A complete session whose client → server GRE (sequence numbers 0–71) arrives with \
         three protocol duplicates (numbers 6, 25 and 65 sent twice, each copy its own IP \
         datagram with its own IP Identification) and five late packets that fill their gaps: \
         10 after 11, 20 after 22, 30 after 33, 40 after 41, and 50 after 60 (ten positions \
         late). Nothing is lost.",
    )?;
    s.truth.title = "GRE protocol duplicates (3) and reordering (5, one 10 positions late)".to_string();
    let mut c = usual_control(&mut s);
    let mut g = call(CLIENT_CALL_ID, SERVER_CALL_ID);
    establish(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    ppp_start(&mut s, &mut g)?;
    let mut m = Mppe::new(0x2222);
    let mut order: Vec<u32> = (2..=71).collect();
    move_after(&mut order, 10, 11);
    move_after(&mut order, 20, 22);
    move_after(&mut order, 30, 33);
    move_after(&mut order, 40, 41);
    move_after(&mut order, 50, 60);
    duplicate_after(&mut order, 6, 6);
    duplicate_after(&mut order, 25, 27);
    duplicate_after(&mut order, 65, 66);
    // Packets are numbered (and take their piggy-backed ack) when the
    // client sends them, in number order; the network delays some and
    // doubles others, so the capture sees them in `order`.
    let mut sent = std::collections::BTreeMap::new();
    let mut next = 2u32;
    for (i, &seq) in order.iter().enumerate() {
        s.wait(ms(2));
        while next <= seq {
            sent.insert(next, g.data(Side::Client, &m.frame(Side::Client)));
            next += 1;
        }
        if let Some(p) = sent.get(&seq) {
            g.emit(&mut s.trace, p)?;
        }
        if i % 4 == 3 {
            s.wait(ms(1));
            g.send(&mut s.trace, Side::Server, &m.frame(Side::Server))?;
        }
    }
    s.wait(ms(1));
    g.send_ack(&mut s.trace, Side::Server)?;
    s.wait(secs(2));
    teardown(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    let flows = record_flows(&mut s, Some(c.connection), &g, None, [Some(WINDOW), Some(WINDOW)]);
    let up = stats(&s.truth, flows[0]);

    s.conclude("Control connection and call established and closed in order.");
    s.conclude(format!(
        "Client → server (Key {SERVER_CALL_ID}): {} data packets for {} numbers (0–71): \
         {} protocol duplicates (6, 25, 65: same number, different IP Identification, a \
         sender that retransmits, which RFC 2637 §4.3 forbids) and {} reordered packets \
         (10, 20, 30, 40, 50), the most late by {} positions (50, after 51–60). Lost 0: every \
         late packet filled its gap.",
        up.data_packets, up.expected, up.duplicates, up.reordered, up.max_reorder_distance
    ));
    s.conclude(
        "Server → client: no loss, no duplicates, no reordering. Its acks never go back \
         when a late packet arrives (the highest number received stays the highest).",
    );
    s.conclude("Capture duplicates: none (every copy is a distinct datagram).");
    finish_pcap(s, "gre-dup-reorder.pcap")
}

/// First client sequence number in `gre-wrap.pcap`.
const WRAP_START: u32 = 0xFFFF_FFF0;
/// The two numbers lost in `gre-wrap.pcap`, one on each side of 2^32.
const WRAP_LOST: [u32; 2] = [0xFFFF_FFFA, 0x0000_0005];

/// `gre-wrap.pcap`: 40 client numbers across 2^32, one loss either side.
pub fn gre_wrap() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "A complete session whose client numbers its GRE packets from 0xFFFFFFF0 \
         (4294967280): 40 numbers, wrapping to 0 after the 16th and ending at 23. Number \
         0xFFFFFFFA (before the wrap) and number 5 (after it) are lost. The server's acks \
         follow the client's numbers across the wrap.",
    )?;
    s.truth.title = "GRE sequence numbers wrap past 2^32, one loss on each side".to_string();
    let mut c = usual_control(&mut s);
    let mut g = call(CLIENT_CALL_ID, SERVER_CALL_ID);
    g.set_next_seq(Side::Client, WRAP_START);
    establish(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    ppp_start(&mut s, &mut g)?;
    let mut m = Mppe::new(0x3333);
    for i in 2..40u32 {
        let seq = WRAP_START.wrapping_add(i);
        s.wait(ms(2));
        let p = g.data(Side::Client, &m.frame(Side::Client));
        if !WRAP_LOST.contains(&seq) {
            g.emit(&mut s.trace, &p)?;
        }
        if i % 3 == 2 {
            s.wait(ms(1));
            g.send(&mut s.trace, Side::Server, &m.frame(Side::Server))?;
        }
    }
    s.wait(ms(1));
    g.send_ack(&mut s.trace, Side::Server)?;
    s.wait(secs(2));
    teardown(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    let flows = record_flows(&mut s, Some(c.connection), &g, None, [Some(WINDOW), Some(WINDOW)]);
    let up = stats(&s.truth, flows[0]);
    let down = stats(&s.truth, flows[1]);

    s.conclude(format!(
        "Client → server (Key {SERVER_CALL_ID}): sequence numbers {} → {} across the wrap, {} \
         expected, {} captured, lost {} ({} and {}). A reader without serial arithmetic sees \
         a jump back of 2^32 − 24 and invents loss, reordering or a restart.",
        up.first_seq.unwrap_or(0),
        up.last_seq.unwrap_or(0),
        up.expected,
        up.data_packets,
        up.lost,
        WRAP_LOST[0],
        WRAP_LOST[1]
    ));
    s.conclude(format!(
        "Server → client: no loss; its highest ack is {} (after the wrap, RFC 1982 order), \
         not 4294967295.",
        down.max_ack.map_or_else(String::new, |a| a.to_string())
    ));
    s.note(
        "RFC 2637 §4.2 starts every call at 0; this client starts near 2^32 only so that the \
         wrap happens within a short capture (a long call wraps the same way).",
    );
    finish_pcap(s, "gre-wrap.pcap")
}

/// `gre-ack-only.pcap`: server data, client acks only.
pub fn gre_ack_only() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "A complete session in which the server sends 31 MPPE data packets (sequence numbers \
         0–30) and the client sends no data at all, only ack-only GRE packets (S bit clear, \
         Payload Length 0, no sequence number) after every third server packet and after the \
         last. The server, having received no data, never sets the A bit.",
    )?;
    s.truth.title = "GRE: one direction only ack-only packets, the other data without acks".to_string();
    let mut c = usual_control(&mut s);
    let mut g = call(CLIENT_CALL_ID, SERVER_CALL_ID);
    establish(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    let mut m = Mppe::new(0x4444);
    for i in 0..30u32 {
        s.wait(ms(3));
        g.send(&mut s.trace, Side::Server, &m.frame(Side::Server))?;
        if i % 3 == 2 {
            s.wait(ms(1));
            g.send_ack(&mut s.trace, Side::Client)?;
        }
    }
    s.wait(ms(50));
    g.send(&mut s.trace, Side::Server, &m.frame(Side::Server))?;
    s.wait(ms(1));
    g.send_ack(&mut s.trace, Side::Client)?;
    s.wait(secs(2));
    teardown(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    let flows = record_flows(&mut s, Some(c.connection), &g, None, [Some(WINDOW), Some(WINDOW)]);
    let up = stats(&s.truth, flows[0]);
    let down = stats(&s.truth, flows[1]);

    s.conclude(format!(
        "Client → server (Key {SERVER_CALL_ID}): {} packets, all ack-only (no sequence \
         numbers, no payload); the highest ack is {}. With no sequence numbers there is \
         nothing to count as lost.",
        up.packets,
        up.max_ack.map_or_else(String::new, |a| a.to_string())
    ));
    s.conclude(format!(
        "Server → client (Key {CLIENT_CALL_ID}): {} data packets, sequence {}–{}, no loss, \
         no Acknowledgment Number in any of them; all {} of them acknowledged by the client.",
        down.data_packets,
        down.first_seq.unwrap_or(0),
        down.last_seq.unwrap_or(0),
        down.expected
    ));
    finish_pcap(s, "gre-ack-only.pcap")
}

/// `gre-two-calls-swapped.pcap`: two calls whose Call IDs mirror each other.
pub fn gre_two_calls_swapped() -> Result<Scenario> {
    const A_CLIENT: u16 = 5;
    const A_SERVER: u16 = 9;
    const B_CLIENT: u16 = 9;
    const B_SERVER: u16 = 5;
    const A_LOST: [u32; 1] = [7];
    const B_LOST: [u32; 3] = [4, 12, 13];
    const B_SERVER_LOST: [u32; 1] = [3];
    let mut s = ethernet_pcap(
        "One control connection carries two calls between the same two hosts. Call A: client \
         Call ID 5, server Call ID 9. Call B: client Call ID 9, server Call ID 5. So Key 9 \
         travels client → server in call A and server → client in call B, and Key 5 the other \
         way round: only the direction tells the four flows apart. Loss differs per flow: A \
         client → server loses number 7, B client → server 4, 12 and 13, B server → client 3; \
         A server → client loses nothing.",
    )?;
    s.truth.title =
        "Two calls with mirrored Call IDs (5/9 and 9/5): only the direction separates them".to_string();
    let mut c = usual_control(&mut s);
    let mut ga = call(A_CLIENT, A_SERVER);
    let mut gb = call(B_CLIENT, B_SERVER);
    handshake(&mut s.trace, &mut c.tcp)?;
    s.send(&mut c, Side::Client, sccrq())?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, StartControlConnectionReply::default())?;
    s.send(&mut c, Side::Client, ocrq(A_CLIENT, CALL_SERIAL))?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, ocrp(A_SERVER, A_CLIENT))?;
    s.send(&mut c, Side::Client, ocrq(B_CLIENT, CALL_SERIAL + 1))?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, ocrp(B_SERVER, B_CLIENT))?;
    s.send(&mut c, Side::Client, sli(A_SERVER))?;
    s.send(&mut c, Side::Client, sli(B_SERVER))?;
    s.wait(RTT);
    c.tcp.ack(&mut s.trace, Side::Server)?;
    let mut m = Mppe::new(0x5555);
    let mut mb = Mppe::new(0x5A5A);
    for i in 0..30u32 {
        s.wait(ms(2));
        let pa = ga.data(Side::Client, &m.frame(Side::Client));
        if !A_LOST.contains(&i) {
            ga.emit(&mut s.trace, &pa)?;
        }
        let pb = gb.data(Side::Client, &mb.frame(Side::Client));
        if !B_LOST.contains(&i) {
            gb.emit(&mut s.trace, &pb)?;
        }
        if i % 3 == 2 {
            s.wait(ms(1));
            ga.send(&mut s.trace, Side::Server, &m.frame(Side::Server))?;
            let pb = gb.data(Side::Server, &mb.frame(Side::Server));
            if !pb.sequence.is_some_and(|n| B_SERVER_LOST.contains(&n)) {
                gb.emit(&mut s.trace, &pb)?;
            }
        }
    }
    s.wait(ms(1));
    ga.send_ack(&mut s.trace, Side::Server)?;
    gb.send_ack(&mut s.trace, Side::Server)?;
    s.wait(secs(2));
    clear_call(&mut s, &mut c, A_CLIENT, A_SERVER)?;
    clear_call(&mut s, &mut c, B_CLIENT, B_SERVER)?;
    stop(&mut s, &mut c)?;
    let fa = record_flows(
        &mut s,
        Some(c.connection),
        &ga,
        Some("call A"),
        [Some(WINDOW), Some(WINDOW)],
    );
    let fb = record_flows(
        &mut s,
        Some(c.connection),
        &gb,
        Some("call B"),
        [Some(WINDOW), Some(WINDOW)],
    );
    let a_up = stats(&s.truth, fa[0]);
    let b_up = stats(&s.truth, fb[0]);
    let b_down = stats(&s.truth, fb[1]);

    s.conclude(
        "One control connection with two calls, both connected (OCRP result 1) and cleared \
         (CDN result 4): call A (client 5, server 9) and call B (client 9, server 5).",
    );
    s.conclude(format!(
        "Four GRE flows, keyed by (source, destination, Key): 198.51.100.23 → 203.0.113.5 Key 9 \
         is call A (lost {}: {}); 203.0.113.5 → 198.51.100.23 Key 5 is call A (no loss); \
         198.51.100.23 → 203.0.113.5 Key 5 is call B (lost {}: {}); 203.0.113.5 → \
         198.51.100.23 Key 9 is call B (lost {}: {}).",
        a_up.lost,
        list(&a_up.lost_numbers),
        b_up.lost,
        list(&b_up.lost_numbers),
        b_down.lost,
        list(&b_down.lost_numbers)
    ));
    s.conclude(
        "Keying flows by Key Call ID alone merges call A's client → server flow with call B's \
         server → client flow (both Key 9): their numbers then interleave into bogus \
         duplicates and reordering.",
    );
    finish_pcap(s, "gre-two-calls-swapped.pcap")
}

/// `gre-orphan.pcap`: GRE of a call set up before the capture, and GRE
/// with a Call ID the client never assigned.
pub fn gre_orphan() -> Result<Scenario> {
    const ORPHAN_CLIENT: u16 = 0x1A2B;
    const ORPHAN_SERVER: u16 = 0x0042;
    const UNASSIGNED: u16 = 0x2222;
    const MISSED: u32 = 5_008;
    let mut s = ethernet_pcap(
        "Two things at once. (1) GRE between 192.0.2.77 and 203.0.113.5 with no control \
         connection in the capture: the call was set up before the capture began (client Call \
         ID 0x1A2B, server 0x0042; sequence numbers in the thousands). One client packet \
         (5008) is missing from the capture although the server received it: the server's \
         next ack names it. (2) A complete session between 198.51.100.23 and 203.0.113.5 with \
         one call (12345/257) and normal GRE, during which the server also sends four GRE \
         packets (LCP Configure-Requests) to the client with Key Call ID 0x2222, which the \
         client never assigned.",
    )?;
    s.truth.title =
        "GRE without a control connection (mid-session), and a Call ID the client never assigned".to_string();
    let mut orphan = GreCall::new(
        client_b_v4(),
        server_v4(),
        ORPHAN_CLIENT,
        ORPHAN_SERVER,
        Link::ethernet(),
    );
    orphan.enable_log();
    orphan.set_next_seq(Side::Client, 5_000);
    orphan.set_next_seq(Side::Server, 3_100);
    orphan.set_received(Side::Client, 3_099);
    orphan.set_received(Side::Server, 4_999);
    let mut mo = Mppe::new(0x6666);
    // The orphan call's MPPE coherency counts are mid-call too.
    mo.coherency = [0x388, 0x21C];

    // Mid-session GRE first: the capture starts while that call runs.
    for i in 0..8u32 {
        s.wait(ms(4));
        orphan.send(&mut s.trace, Side::Client, &mo.frame(Side::Client))?;
        if i % 2 == 1 {
            s.wait(ms(1));
            orphan.send(&mut s.trace, Side::Server, &mo.frame(Side::Server))?;
        }
    }
    // 5008: received by the server, missed by the capture.
    let missed = orphan.data(Side::Client, &mo.frame(Side::Client));
    orphan.set_received(Side::Server, MISSED);
    drop(missed);
    s.wait(ms(1));
    orphan.send(&mut s.trace, Side::Server, &mo.frame(Side::Server))?;

    let mut c = usual_control(&mut s);
    let mut g = call(CLIENT_CALL_ID, SERVER_CALL_ID);
    let mut stray = call(UNASSIGNED, SERVER_CALL_ID);
    let mut m = Mppe::new(0x6767);
    establish(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    for i in 0..12u32 {
        s.wait(ms(4));
        orphan.send(&mut s.trace, Side::Client, &mo.frame(Side::Client))?;
        if i % 2 == 1 {
            s.wait(ms(1));
            orphan.send(&mut s.trace, Side::Server, &mo.frame(Side::Server))?;
        }
        if i == 0 {
            ppp_start(&mut s, &mut g)?;
        }
        if i % 3 == 2 {
            stray.send(
                &mut s.trace,
                Side::Server,
                &configure_request(1 + (i / 3) as u8, SERVER_MAGIC),
            )?;
        }
        if i >= 8 {
            exchange(&mut s, &mut g, &mut m, 1)?;
        }
    }
    s.wait(secs(2));
    teardown(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    let fo = record_flows(&mut s, None, &orphan, Some("mid-session call"), [None, None]);
    record_flows(
        &mut s,
        Some(c.connection),
        &g,
        Some("call 12345/257"),
        [Some(WINDOW), Some(WINDOW)],
    );
    let fs = record_flows(
        &mut s,
        Some(c.connection),
        &stray,
        Some("unassigned Call ID"),
        [None, None],
    );
    let o_up = stats(&s.truth, fo[0]);
    let stray_frames = frames_of(&s.truth, fs[0]);
    if let Some(f) = s.truth.gre.get_mut(fs[0]) {
        // No call on the connection has this Call ID: the flow belongs to
        // no call even though the hosts have a control connection.
        f.connection = None;
    }
    for i in fo {
        if let Some(f) = s.truth.gre.get_mut(i) {
            f.connection = None;
        }
    }

    s.conclude(format!(
        "GRE 192.0.2.77 → 203.0.113.5 Key 0x0042 ({ORPHAN_SERVER}) and 203.0.113.5 → \
         192.0.2.77 Key 0x1A2B ({ORPHAN_CLIENT}) belong to no control connection in the \
         capture: a call set up before the capture began. They pair up as the two directions \
         of one call only by their addresses; which end is the PNS cannot be told."
    ));
    s.conclude(format!(
        "192.0.2.77 → 203.0.113.5: sequence {}–{}, lost {} (number {}). The server's next ack \
         is {MISSED}: it received the packet, so it was missed by the capture, not lost on the \
         path ({} ack advancing to a number not captured).",
        o_up.first_seq.unwrap_or(0),
        o_up.last_seq.unwrap_or(0),
        o_up.lost,
        list(&o_up.lost_numbers),
        o_up.acks_unseen
    ));
    s.conclude(format!(
        "Frames {}: 203.0.113.5 → 198.51.100.23 with Key {UNASSIGNED} (0x2222), a Call ID the \
         client never assigned (its only call is {CLIENT_CALL_ID}); they belong to no call of \
         connection A.",
        stray_frames
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    ));
    s.conclude("Call 12345/257 itself is clean: no loss, no duplicates, no reordering.");
    finish_pcap(s, "gre-orphan.pcap")
}

/// Interface indices of the bridge ports in `gre-doubled.pcap`: the port
/// facing the client and the one facing the server.
const CLIENT_PORT_IFINDEX: u32 = 2;
const SERVER_PORT_IFINDEX: u32 = 3;

/// A frame writer that writes every SLL2 frame twice, as `tcpdump -i any`
/// on a transparent Linux bridge sees it: first as it enters by one port
/// (packet type OTHERHOST, not addressed to the bridge), then, `delay`
/// later, as it leaves by the other (packet type OUTGOING). Only the SLL2
/// interface index and packet type differ; the IP datagram is the same
/// bytes.
#[derive(Debug)]
struct Doubled<W: FrameWriter> {
    inner: W,
    client_mac: MacAddr,
    delay: Duration,
}

impl<W: FrameWriter> FrameWriter for Doubled<W> {
    fn write_frame(&mut self, r: &Record<'_>) -> Result<()> {
        // SLL2: ifindex at 4..8, packet type at 10, address at 12..20.
        let from_client = r.data.get(12..18) == Some(&self.client_mac.0[..]);
        let (enter, leave) = if from_client {
            (CLIENT_PORT_IFINDEX, SERVER_PORT_IFINDEX)
        } else {
            (SERVER_PORT_IFINDEX, CLIENT_PORT_IFINDEX)
        };
        let entering = sll2_as_seen(r.data, enter, sll_packet_type::OTHERHOST);
        self.inner.write_frame(&Record {
            data: &entering,
            ..*r
        })?;
        let leaving = sll2_as_seen(r.data, leave, sll_packet_type::OUTGOING);
        self.inner.write_frame(&Record {
            data: &leaving,
            ts: add_duration(r.ts, self.delay),
            ..*r
        })
    }
}

/// An SLL2 frame with its interface index (bytes 4–7) and packet type
/// (byte 10) replaced.
fn sll2_as_seen(frame: &[u8], ifindex: u32, packet_type: u8) -> Vec<u8> {
    let mut data = frame.to_vec();
    if let Some(f) = data.get_mut(4..8) {
        f.copy_from_slice(&ifindex.to_be_bytes());
    }
    if let Some(t) = data.get_mut(10) {
        *t = packet_type;
    }
    data
}

/// Renumbers a truth recorded before [`Doubled`] (frame n becomes 2n − 1),
/// adds each GRE packet's copy (frame 2n) and recomputes the statistics.
fn double_truth(truth: &mut Truth, delay: Duration) {
    truth.frames *= 2;
    for m in &mut truth.messages {
        m.frame = 2 * m.frame - 1;
    }
    for f in &mut truth.gre {
        let mut packets = Vec::with_capacity(2 * f.packets.len());
        for p in &f.packets {
            let first = 2 * p.frame - 1;
            packets.push(GreRecord { frame: first, ..*p });
            packets.push(GreRecord {
                frame: 2 * p.frame,
                ts: add_duration(p.ts, delay),
                copy_of: Some(first),
                ..*p
            });
        }
        f.packets = packets;
        for n in f.before_setup.iter_mut().chain(f.after_clear.iter_mut()) {
            *n = 2 * *n - 1;
        }
    }
    let flows = truth.gre.clone();
    for (i, f) in truth.gre.iter_mut().enumerate() {
        let Some(old) = &f.stats else { continue };
        let reverse = reverse_of(&flows, i).map_or(&[][..], |r| &flows[r].packets[..]);
        f.stats = Some(GreStatsTruth::compute(&f.packets, reverse, old.peer_window));
    }
}

/// The flow of the same call in the other direction: same connection and
/// label, addresses swapped.
fn reverse_of(flows: &[GreFlowTruth], i: usize) -> Option<usize> {
    let f = flows.get(i)?;
    flows
        .iter()
        .position(|r| r.connection == f.connection && r.label == f.label && r.src == f.dst && r.dst == f.src)
}

/// `gre-doubled.pcap`: every frame captured twice, 50 µs apart.
pub fn gre_doubled() -> Result<Scenario> {
    const DELAY: Duration = Duration::from_micros(50);
    let header = PcapHeader {
        link_type: LinkType::LINUX_SLL2,
        ..PcapHeader::default()
    };
    let format = pcap_format(&header, "LINUX_SLL2");
    let doubled = Doubled {
        inner: PcapWriter::new(Vec::new(), header)?,
        client_mac: client_v4().mac,
        delay: DELAY,
    };
    let mut s = Script::new(
        Trace::new(doubled, SCENARIO_START, STEP),
        "A complete session with a call and GRE both ways (LCP, then 8 MPPE frames each way), \
         captured with `tcpdump -i any` on a transparent Linux bridge between client and \
         server: every frame, control TCP and GRE alike, appears twice, first as it enters \
         the bridge (SLL2 packet type OTHERHOST, on the port it arrives by: interface 2 faces \
         the client, 3 the server) and 50 µs later as it leaves (packet type OUTGOING, the \
         other port). The IP datagrams of the two copies are byte for byte the same (same IP \
         Identification).",
        &format,
    );
    s.truth.title = "Every frame captured twice (Linux `any` on a bridge), 50 µs apart".to_string();
    let link = Link::LinuxSll2 {
        ifindex: CLIENT_PORT_IFINDEX,
    };
    let mut c = s.control(tcp_pair(
        client_v4(),
        CLIENT_PORT,
        server_v4(),
        PPTP_PORT,
        link.clone(),
    ));
    let mut g = GreCall::new(client_v4(), server_v4(), CLIENT_CALL_ID, SERVER_CALL_ID, link);
    g.enable_log();
    let mut m = Mppe::new(0x7777);
    establish(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    ppp_start(&mut s, &mut g)?;
    exchange(&mut s, &mut g, &mut m, 8)?;
    s.wait(ms(1));
    g.send_ack(&mut s.trace, Side::Server)?;
    s.wait(secs(2));
    teardown(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    let flows = record_flows(&mut s, Some(c.connection), &g, None, [Some(WINDOW), Some(WINDOW)]);
    let (doubled, mut truth) = s.finish();
    double_truth(&mut truth, DELAY);
    let up = stats(&truth, flows[0]);
    let down = stats(&truth, flows[1]);
    truth.conclusions.push(format!(
        "Every frame n (odd) is followed by its capture copy n + 1, 50 µs later on the other \
         bridge port: the control connection has {} messages, each decoded once (the copies are \
         the same TCP segments again, not new data).",
        truth.messages.len()
    ));
    truth.conclusions.push(format!(
        "GRE counts equal those of a single capture, plus the copies: client → server {} \
         packets ({} data), sequence {}–{}, no loss, duplicates 0, capture duplicates {}; \
         server → client {} packets ({} data, {} ack-only), capture duplicates {}.",
        up.packets,
        up.data_packets,
        up.first_seq.unwrap_or(0),
        up.last_seq.unwrap_or(0),
        up.capture_duplicates,
        down.packets,
        down.data_packets,
        down.ack_only_packets,
        down.capture_duplicates
    ));
    truth.conclusions.push(
        "Counting the copies as protocol duplicates (or as retransmitted control messages) is \
         wrong: same IP Identification and bytes, 50 µs apart, on the other bridge port."
            .to_string(),
    );
    Ok(Scenario {
        file_name: "gre-doubled.pcap",
        bytes: doubled.inner.into_inner()?,
        truth,
    })
}

/// `gre-blocked.pcap`: the client's LCP goes out, nothing comes back.
pub fn gre_blocked() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "The control connection and the call come up (OCRP result 1). The client then sends \
         LCP Configure-Requests in GRE, identifiers 1 to 5, 3 s apart; the server sends no GRE \
         at all. 3 s after the fifth request the client gives up: CCRQ, CDN, \
         StopCCRQ/StopCCRP, FIN.",
    )?;
    s.truth.title =
        "GRE blocked: the client's LCP requests go unanswered, no GRE from the server (error 806)"
            .to_string();
    let mut c = usual_control(&mut s);
    let mut g = call(CLIENT_CALL_ID, SERVER_CALL_ID);
    let ocrp_frame = call_setup(
        &mut s,
        &mut c,
        CLIENT_CALL_ID,
        ocrp(SERVER_CALL_ID, CLIENT_CALL_ID),
    )?;
    s.wait(ms(10));
    for id in 1..=5u8 {
        if id > 1 {
            s.wait(secs(3));
        }
        g.send(&mut s.trace, Side::Client, &configure_request(id, CLIENT_MAGIC))?;
    }
    s.wait(secs(3));
    teardown(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    let flows = record_flows(&mut s, Some(c.connection), &g, None, [Some(WINDOW), Some(WINDOW)]);
    let frames = frames_of(&s.truth, flows[0]);

    s.conclude(format!(
        "Control connection established and the call connected (OCRP result 1, frame \
         {ocrp_frame})."
    ));
    s.conclude(format!(
        "The client sent 5 GRE packets (Key {SERVER_CALL_ID}, sequence 0–4, frames {}), each \
         an LCP Configure-Request (identifiers 1–5) 3 s apart, none acknowledged.",
        frames.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
    ));
    s.conclude(
        "No GRE from the server at all (zero packets server → client): GRE (IP protocol 47) is \
         blocked between the hosts, or the server never sends it. Windows reports this as \
         error 806 (ERROR_VPN_GRE_BLOCKED); PPP never started.",
    );
    s.conclude("The client then cleared the call (CCRQ, CDN result 4) and stopped the control connection.");
    finish_pcap(s, "gre-blocked.pcap")
}

/// `gre-one-way.pcap`: the server's LCP arrives, the client's never does.
pub fn gre_one_way() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "The control connection and the call come up (OCRP result 1). The server sends LCP \
         Configure-Requests in GRE, identifiers 1 to 5, 3 s apart; no GRE from the client \
         appears (it is lost before the capture point, which is on the server's side). 3 s \
         after the fifth request the client gives up: CCRQ, CDN, StopCCRQ/StopCCRP, FIN.",
    )?;
    s.truth.title = "One-way GRE: only server → client seen, the client's GRE never arrives".to_string();
    let mut c = usual_control(&mut s);
    let mut g = call(CLIENT_CALL_ID, SERVER_CALL_ID);
    let ocrp_frame = call_setup(
        &mut s,
        &mut c,
        CLIENT_CALL_ID,
        ocrp(SERVER_CALL_ID, CLIENT_CALL_ID),
    )?;
    s.wait(ms(2));
    for id in 1..=5u8 {
        if id > 1 {
            s.wait(secs(3));
        }
        g.send(&mut s.trace, Side::Server, &configure_request(id, SERVER_MAGIC))?;
    }
    s.wait(secs(3));
    teardown(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    let flows = record_flows(&mut s, Some(c.connection), &g, None, [Some(WINDOW), Some(WINDOW)]);
    let frames = frames_of(&s.truth, flows[0]);

    s.conclude(format!(
        "Control connection established and the call connected (OCRP result 1, frame \
         {ocrp_frame})."
    ));
    s.conclude(format!(
        "Only server → client GRE (Key {CLIENT_CALL_ID}): 5 LCP Configure-Requests, sequence \
         0–4, frames {}, none acknowledged (the server never received anything, so it never \
         sets the A bit).",
        frames.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
    ));
    s.conclude(
        "Zero client → server GRE: the client's GRE is blocked or lost on its way to the \
         server (e.g. a NAT or firewall in front of the client that passes GRE inbound only). \
         PPP never started; the client cleared the call and stopped the control connection.",
    );
    finish_pcap(s, "gre-one-way.pcap")
}

/// `gre-call-ids-reused.pcap`: two calls in turn with the same Call IDs.
pub fn gre_call_ids_reused() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "One control connection, two calls one after the other with the same Call IDs \
         (client 12345, server 257): call 1 (serial 3) is set up, carries GRE and is cleared \
         (CCRQ/CDN); 5 s later call 2 (serial 4) is set up with the same IDs and its GRE \
         numbering starts again at 0. Then the control connection is stopped.",
    )?;
    s.truth.title = "Call IDs reused by a second call on the same control connection".to_string();
    let mut c = usual_control(&mut s);
    let mut g1 = call(CLIENT_CALL_ID, SERVER_CALL_ID);
    let mut g2 = call(CLIENT_CALL_ID, SERVER_CALL_ID);
    let mut m1 = Mppe::new(0x8888);
    let mut m2 = Mppe::new(0x8989);
    establish(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    ppp_start(&mut s, &mut g1)?;
    exchange(&mut s, &mut g1, &mut m1, 6)?;
    s.wait(secs(1));
    let cdn1 = clear_call(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    s.wait(secs(5));
    s.send(&mut c, Side::Client, ocrq(CLIENT_CALL_ID, CALL_SERIAL + 1))?;
    s.wait(RTT);
    let ocrp2 = s.send(&mut c, Side::Server, ocrp(SERVER_CALL_ID, CLIENT_CALL_ID))?;
    s.send(&mut c, Side::Client, sli(SERVER_CALL_ID))?;
    ppp_start(&mut s, &mut g2)?;
    exchange(&mut s, &mut g2, &mut m2, 4)?;
    s.wait(secs(1));
    teardown(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    let f1 = record_flows(
        &mut s,
        Some(c.connection),
        &g1,
        Some("call 1 (serial 3)"),
        [Some(WINDOW), Some(WINDOW)],
    );
    let f2 = record_flows(
        &mut s,
        Some(c.connection),
        &g2,
        Some("call 2 (serial 4)"),
        [Some(WINDOW), Some(WINDOW)],
    );
    let range = |i: usize| {
        let f = frames_of(&s.truth, i);
        format!(
            "{}–{}",
            f.first().copied().unwrap_or(0),
            f.last().copied().unwrap_or(0)
        )
    };
    let (c1, s1, c2, s2) = (range(f1[0]), range(f1[1]), range(f2[0]), range(f2[1]));

    s.conclude(format!(
        "Two calls on connection A with the same Call IDs ({CLIENT_CALL_ID}/{SERVER_CALL_ID}): \
         call 1 cleared at frame {cdn1} (CDN), call 2 set up at frame {ocrp2} (OCRP)."
    ));
    s.conclude(format!(
        "GRE before frame {cdn1} belongs to call 1 (client → server frames {c1}, server → \
         client frames {s1}); GRE after frame {ocrp2} belongs to call 2 (client → server \
         frames {c2}, server → client frames {s2})."
    ));
    s.conclude(
        "Each call numbers from 0 and is clean: no loss, no duplicates, no reordering. Mixing \
         the two calls' packets in one flow would turn call 2's restart at 0 into duplicates \
         or a sequence reset.",
    );
    finish_pcap(s, "gre-call-ids-reused.pcap")
}

/// `gre-before-after.pcap`: GRE before the OCRP and after the CDN.
pub fn gre_before_after() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "A session in which the server's first GRE packet (LCP Configure-Request, sequence 0) \
         is captured before its Outgoing-Call-Reply (the GRE overtook the TCP segment), and \
         the client's last two GRE packets (MPPE data) are captured after the \
         Call-Disconnect-Notify. Then the control connection is stopped.",
    )?;
    s.truth.title = "GRE seen before the call's OCRP (1 packet) and after its CDN (2 packets)".to_string();
    let mut c = usual_control(&mut s);
    let mut g = call(CLIENT_CALL_ID, SERVER_CALL_ID);
    let mut m = Mppe::new(0x9999);
    handshake(&mut s.trace, &mut c.tcp)?;
    s.send(&mut c, Side::Client, sccrq())?;
    s.wait(RTT);
    s.send(&mut c, Side::Server, StartControlConnectionReply::default())?;
    s.send(&mut c, Side::Client, ocrq(CLIENT_CALL_ID, CALL_SERIAL))?;
    s.wait(RTT);
    let early = g.send(&mut s.trace, Side::Server, &configure_request(1, SERVER_MAGIC))?;
    let ocrp_frame = s.send(&mut c, Side::Server, ocrp(SERVER_CALL_ID, CLIENT_CALL_ID))?;
    let t = &mut s.trace;
    g.send(t, Side::Client, &configure_request(1, CLIENT_MAGIC))?;
    g.send(t, Side::Client, &configure_ack(1, SERVER_MAGIC))?;
    t.advance(RTT);
    g.send(t, Side::Server, &configure_ack(1, CLIENT_MAGIC))?;
    s.send(&mut c, Side::Client, sli(SERVER_CALL_ID))?;
    exchange(&mut s, &mut g, &mut m, 4)?;
    s.wait(secs(1));
    let cdn = clear_call(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    s.wait(ms(1));
    let late1 = g.send(&mut s.trace, Side::Client, &m.frame(Side::Client))?;
    s.wait(ms(3));
    let late2 = g.send(&mut s.trace, Side::Client, &m.frame(Side::Client))?;
    s.wait(ms(500));
    stop(&mut s, &mut c)?;
    let flows = record_flows(&mut s, Some(c.connection), &g, None, [Some(WINDOW), Some(WINDOW)]);
    if let Some(f) = s.truth.gre.get_mut(flows[0]) {
        f.after_clear = vec![late1, late2];
    }
    if let Some(f) = s.truth.gre.get_mut(flows[1]) {
        f.before_setup = vec![early];
    }

    s.conclude(format!(
        "Frame {early}: server → client GRE with Key {CLIENT_CALL_ID} (the Call ID the client \
         chose in its OCRQ) before the OCRP (frame {ocrp_frame}) that completes the call: GRE \
         before the call was set up."
    ));
    s.conclude(format!(
        "Frames {late1} and {late2}: client → server GRE with Key {SERVER_CALL_ID} after the \
         CDN (frame {cdn}): GRE after the call was cleared."
    ));
    s.conclude(
        "All of these still belong to the call's numbering (server sequence 0, client \
         sequences continuing without a gap): no loss, no duplicates, no reordering.",
    );
    finish_pcap(s, "gre-before-after.pcap")
}

/// The Packet Recv. Window Size the server announces in `gre-window.pcap`.
const SMALL_WINDOW: u16 = 4;

/// `gre-window.pcap`: 10 packets outstanding against a window of 4.
pub fn gre_window() -> Result<Scenario> {
    let mut s = ethernet_pcap(
        "The server announces a Packet Recv. Window Size of 4 in its OCRP. After LCP (both \
         sides' numbers 0 and 1 acknowledged), the client sends numbers 2–11 in a burst with \
         no ack in between: 10 packets outstanding, the last six (6–11) each sent with more \
         than 4 unacknowledged. \
         The server then acknowledges 11, and the client continues in windows of 4 (12–15, \
         16–19), each acknowledged before the next.",
    )?;
    s.truth.title =
        "GRE window exceeded: 10 packets outstanding against the server's window of 4".to_string();
    let mut c = usual_control(&mut s);
    let mut g = call(CLIENT_CALL_ID, SERVER_CALL_ID);
    let mut m = Mppe::new(0xAAAA);
    let reply = OutgoingCallReply {
        packet_recv_window_size: SMALL_WINDOW,
        ..ocrp(SERVER_CALL_ID, CLIENT_CALL_ID)
    };
    call_setup(&mut s, &mut c, CLIENT_CALL_ID, reply)?;
    s.send(&mut c, Side::Client, sli(SERVER_CALL_ID))?;
    ppp_start(&mut s, &mut g)?;
    s.wait(ms(5));
    for _ in 2..=11 {
        g.send(&mut s.trace, Side::Client, &m.frame(Side::Client))?;
        s.wait(ms(1));
    }
    s.wait(ms(20));
    g.send_ack(&mut s.trace, Side::Server)?;
    for _ in 0..2 {
        s.wait(ms(2));
        for _ in 0..4 {
            g.send(&mut s.trace, Side::Client, &m.frame(Side::Client))?;
            s.wait(ms(1));
        }
        s.wait(ms(20));
        g.send_ack(&mut s.trace, Side::Server)?;
    }
    s.wait(secs(2));
    teardown(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    let flows = record_flows(
        &mut s,
        Some(c.connection),
        &g,
        None,
        [Some(WINDOW), Some(SMALL_WINDOW)],
    );
    let up = stats(&s.truth, flows[0]);

    s.conclude(format!(
        "The server's OCRP announces Packet Recv. Window Size {SMALL_WINDOW}; the client's \
         OCRQ {WINDOW}."
    ));
    s.conclude(format!(
        "Client → server: at most {} packets outstanding (numbers 2–11 after ack 1); {} data \
         packets were sent with more than {SMALL_WINDOW} unacknowledged (numbers 6–11, \
         counting the packet itself): the client ignored the peer's window (RFC 2637 §4.4).",
        up.max_in_flight.unwrap_or(0),
        up.window_exceeded
    ));
    s.conclude("No loss, duplicates or reordering in either direction.");
    finish_pcap(s, "gre-window.pcap")
}

/// `gre-nat.pcap`: captured on the server's side of the client's NAT.
pub fn gre_nat() -> Result<Scenario> {
    const NAT_PORT: u16 = 61_034;
    let mut s = ethernet_pcap(
        "A complete session captured on the server's LAN, behind which the client sits behind \
         a NAT: the server sees the client as 203.0.113.77 (TCP port 61034), the NAT's public \
         address, for the control connection and the GRE alike. Frames from the client arrive \
         through the server's gateway (its MAC) with a TTL of 113.",
    )?;
    s.truth.title =
        "Client behind NAT, captured at the server: the client appears as 203.0.113.77".to_string();
    let nat_client = Host {
        mac: MacAddr::documentation(0x01),
        ip: IpAddr::from([203, 0, 113, 77]),
        ttl: 113,
    };
    let server = Host {
        ttl: 64,
        ..server_v4()
    };
    let mut c = s.control(tcp_pair(
        nat_client,
        NAT_PORT,
        server,
        PPTP_PORT,
        Link::ethernet(),
    ));
    c.tcp.capture_host = Side::Server;
    let mut g = GreCall::new(
        nat_client,
        server,
        CLIENT_CALL_ID,
        SERVER_CALL_ID,
        Link::ethernet(),
    );
    g.capture_host = Side::Server;
    g.enable_log();
    let mut m = Mppe::new(0xBBBB);
    establish(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    ppp_start(&mut s, &mut g)?;
    exchange(&mut s, &mut g, &mut m, 6)?;
    s.wait(secs(2));
    teardown(&mut s, &mut c, CLIENT_CALL_ID, SERVER_CALL_ID)?;
    record_flows(&mut s, Some(c.connection), &g, None, [Some(WINDOW), Some(WINDOW)]);

    s.conclude(
        "One control connection, client (PNS) 203.0.113.77:61034 → server (PAC) \
         203.0.113.5:1723, established and closed in order; one call (12345/257), connected \
         and cleared.",
    );
    s.conclude(
        "GRE 203.0.113.77 → 203.0.113.5 Key 257 and 203.0.113.5 → 203.0.113.77 Key 12345 \
         belong to that call: the GRE source is the same translated address as the control \
         connection's. No loss, no duplicates, no reordering.",
    );
    s.note(
        "The client's private address is not in the capture; 203.0.113.77 is the address to \
         report. The Call IDs are as the server saw them.",
    );
    finish_pcap(s, "gre-nat.pcap")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::pptp::control_type;
    use std::collections::BTreeMap;

    /// One GRE frame as read back from a capture file.
    #[derive(Debug, Clone)]
    struct Wire {
        frame: u64,
        ts: Timestamp,
        src: IpAddr,
        dst: IpAddr,
        ip_id: u16,
        /// The whole IP datagram, link header and padding excluded.
        datagram: Vec<u8>,
        call_id: u16,
        seq: Option<u32>,
        ack: Option<u32>,
        payload: Vec<u8>,
    }

    /// Every frame of a classic pcap file: link type, timestamp, bytes.
    fn pcap_frames(bytes: &[u8]) -> Vec<(i32, Timestamp, Vec<u8>)> {
        use pcap_parser::{PcapBlockOwned, PcapError};
        let mut reader = pcap_parser::create_reader(1 << 16, bytes).unwrap();
        let mut link = 0;
        let mut out = Vec::new();
        loop {
            match reader.next() {
                Ok((offset, block)) => {
                    match block {
                        PcapBlockOwned::LegacyHeader(h) => link = h.network.0,
                        PcapBlockOwned::Legacy(b) => out.push((
                            link,
                            Timestamp::new(i64::from(b.ts_sec), b.ts_usec * 1_000),
                            b.data[..b.caplen as usize].to_vec(),
                        )),
                        _ => panic!("unexpected block"),
                    }
                    reader.consume(offset);
                }
                Err(PcapError::Eof) => break,
                Err(PcapError::Incomplete(_)) => reader.refill().unwrap(),
                Err(e) => panic!("{e:?}"),
            }
        }
        out
    }

    /// The GRE frames of a capture, parsed with etherparse and by hand
    /// from RFC 2637 §4.1; checks the header invariants on the way.
    fn gre_frames(bytes: &[u8]) -> Vec<Wire> {
        let mut out = Vec::new();
        for (i, (link, ts, data)) in pcap_frames(bytes).into_iter().enumerate() {
            let frame = i as u64 + 1;
            let ip = match link {
                1 => &data[14..],
                276 => &data[20..],
                other => panic!("link type {other}"),
            };
            let v4 = etherparse::Ipv4Slice::from_slice(ip).unwrap();
            let total = v4.header().total_len() as usize;
            let payload = v4.payload();
            if payload.ip_number != etherparse::IpNumber::GRE {
                continue;
            }
            let g = payload.payload;
            assert_eq!(g[0] & 0xEF, 0x20, "frame {frame}: only K (and S) set");
            assert_eq!(g[1] & 0x7F, 0x01, "frame {frame}: version 1");
            assert_eq!(u16::from_be_bytes([g[2], g[3]]), 0x880B);
            let word = |at: usize| u32::from_be_bytes(g[at..at + 4].try_into().unwrap());
            let mut at = 8;
            let seq = (g[0] & 0x10 != 0).then(|| {
                at += 4;
                word(at - 4)
            });
            let ack = (g[1] & 0x80 != 0).then(|| {
                at += 4;
                word(at - 4)
            });
            let ppp = &g[at..];
            assert_eq!(
                u16::from_be_bytes([g[4], g[5]]) as usize,
                ppp.len(),
                "frame {frame}: Payload Length is the bytes present"
            );
            assert_eq!(seq.is_none(), ppp.is_empty(), "frame {frame}: data iff S");
            out.push(Wire {
                frame,
                ts,
                src: IpAddr::from(v4.header().source_addr()),
                dst: IpAddr::from(v4.header().destination_addr()),
                ip_id: v4.header().identification(),
                datagram: ip[..total].to_vec(),
                call_id: u16::from_be_bytes([g[6], g[7]]),
                seq,
                ack,
                payload: ppp.to_vec(),
            });
        }
        out
    }

    /// Checks a scenario's GRE truth against its bytes: every GRE frame in
    /// exactly one flow, each record equal to what the bytes say (capture
    /// copies found by comparing datagrams), and every flow's statistics
    /// equal to those recomputed from the bytes. Returns the frames by
    /// number.
    fn check(sc: &Scenario) -> BTreeMap<u64, Wire> {
        let wire: BTreeMap<u64, Wire> = gre_frames(&sc.bytes).into_iter().map(|w| (w.frame, w)).collect();
        let mut first_copy: BTreeMap<&[u8], u64> = BTreeMap::new();
        let mut copy_of = BTreeMap::new();
        for w in wire.values() {
            match first_copy.get(&w.datagram[..]) {
                Some(&orig) => {
                    copy_of.insert(w.frame, orig);
                }
                None => {
                    first_copy.insert(&w.datagram, w.frame);
                }
            }
        }
        let mut owner = BTreeMap::new();
        let mut from_bytes: Vec<Vec<GreRecord>> = Vec::new();
        for (i, flow) in sc.truth.gre.iter().enumerate() {
            let mut records = Vec::new();
            for p in &flow.packets {
                assert_eq!(
                    owner.insert(p.frame, i),
                    None,
                    "{}: frame {}",
                    sc.file_name,
                    p.frame
                );
                let w = &wire[&p.frame];
                assert_eq!((w.src, w.dst, w.call_id), (flow.src, flow.dst, flow.call_id));
                records.push(GreRecord {
                    frame: w.frame,
                    sender: flow.from,
                    call_id: w.call_id,
                    sequence: w.seq,
                    acknowledgment: w.ack,
                    payload_len: w.payload.len(),
                    ip_id: w.ip_id,
                    ts: w.ts,
                    copy_of: copy_of.get(&w.frame).copied(),
                });
            }
            assert_eq!(records, flow.packets, "{} flow {i}", sc.file_name);
            from_bytes.push(records);
        }
        assert_eq!(
            owner.keys().collect::<Vec<_>>(),
            wire.keys().collect::<Vec<_>>(),
            "{}: GRE frames outside the truth",
            sc.file_name
        );
        for (i, flow) in sc.truth.gre.iter().enumerate() {
            let stated = flow.stats.as_ref().unwrap();
            let reverse = reverse_of(&sc.truth.gre, i).map_or(&[][..], |r| &from_bytes[r][..]);
            let recomputed = GreStatsTruth::compute(&from_bytes[i], reverse, stated.peer_window);
            assert_eq!(&recomputed, stated, "{} flow {i}", sc.file_name);
        }
        assert_eq!(
            pcap_frames(&sc.bytes).len() as u64,
            sc.truth.frames,
            "{}",
            sc.file_name
        );
        wire
    }

    fn flow(sc: &Scenario, i: usize) -> &GreFlowTruth {
        &sc.truth.gre[i]
    }

    fn st(sc: &Scenario, i: usize) -> &GreStatsTruth {
        sc.truth.gre[i].stats.as_ref().unwrap()
    }

    fn seqs(f: &GreFlowTruth) -> Vec<Option<u32>> {
        f.packets
            .iter()
            .filter(|p| p.copy_of.is_none())
            .map(|p| p.sequence)
            .collect()
    }

    /// The MPPE coherency count of an `FF 03 00 FD` frame.
    fn coherency(ppp: &[u8]) -> Option<u16> {
        (ppp.get(..4) == Some(&[0xFF, 0x03, 0x00, 0xFD][..]))
            .then(|| u16::from_be_bytes([ppp[4], ppp[5]]) & 0x0FFF)
    }

    #[test]
    fn loss_of_four_in_two_hundred() {
        use Side::{Client as C, Server as S};
        let sc = gre_loss().unwrap();
        let wire = check(&sc);
        assert_eq!(sc.truth.gre.len(), 2);
        let (up, down) = (st(&sc, 0), st(&sc, 1));
        assert_eq!((flow(&sc, 0).from, flow(&sc, 0).call_id), (C, 257));
        assert_eq!((flow(&sc, 1).from, flow(&sc, 1).call_id), (S, 12345));
        assert_eq!((up.packets, up.data_packets, up.ack_only_packets), (196, 196, 0));
        assert_eq!(
            (up.first_seq, up.last_seq, up.expected),
            (Some(0), Some(199), 200)
        );
        assert_eq!((up.lost, up.largest_gap), (4, 3));
        assert_eq!(up.lost_numbers, [17, 18, 19, 100]);
        assert_eq!(
            (
                up.duplicates,
                up.reordered,
                up.late_unknown,
                up.capture_duplicates
            ),
            (0, 0, 0, 0)
        );
        assert_eq!(up.acks_unseen, 0);
        // The server sends after 3, 7, …, 199: 50 MPPE frames plus 2 LCP
        // packets, and 2 ack-only packets.
        assert_eq!(
            (down.packets, down.data_packets, down.ack_only_packets),
            (54, 52, 2)
        );
        assert_eq!((down.first_seq, down.last_seq, down.lost), (Some(0), Some(51), 0));
        assert_eq!(down.max_ack, Some(199));
        // The client sends nothing after the server's last data packet (51).
        assert_eq!(up.max_ack, Some(50));
        // Every server ack is a number the client sent and the capture saw.
        for p in &flow(&sc, 1).packets {
            if let Some(a) = p.acknowledgment {
                assert!(!LOSS_LOST.contains(&a) && a < 200);
            }
        }
        // 19 is lost and 19 % 4 == 3: the server then acks 16 again (no
        // advance) … every advance is one latency sample.
        assert_eq!(up.acks_received, 54);
        assert!(up.ack_latency_samples > 40);
        assert_eq!(up.ack_latency_min_us, Some(1_150));
        assert_eq!(up.window_exceeded, 0);
        // The MPPE coherency count follows the GRE numbers, gaps included.
        for p in flow(&sc, 0).packets.iter().filter(|p| p.sequence.unwrap() >= 2) {
            let c = coherency(&wire[&p.frame].payload).unwrap();
            assert_eq!(u32::from(c), p.sequence.unwrap() - 2);
        }
    }
    fn message_frames(sc: &Scenario, control_type: u16) -> Vec<u64> {
        sc.truth
            .messages
            .iter()
            .filter(|m| m.control_type == control_type)
            .map(|m| m.frame)
            .collect()
    }

    fn clean(st: &GreStatsTruth) -> bool {
        st.lost == 0
            && st.duplicates == 0
            && st.reordered == 0
            && st.late_unknown == 0
            && st.capture_duplicates == 0
    }

    #[test]
    fn protocol_duplicates_and_reordering() {
        let sc = gre_dup_reorder().unwrap();
        let wire = check(&sc);
        let up = st(&sc, 0);
        let client: Vec<u32> = seqs(flow(&sc, 0)).into_iter().map(Option::unwrap).collect();
        assert_eq!(
            client,
            [
                0, 1, 2, 3, 4, 5, 6, 6, 7, 8, 9, 11, 10, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 20, 23, 24,
                25, 26, 27, 25, 28, 29, 31, 32, 33, 30, 34, 35, 36, 37, 38, 39, 41, 40, 42, 43, 44, 45, 46,
                47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 50, 61, 62, 63, 64, 65, 66, 65, 67, 68,
                69, 70, 71
            ]
        );
        assert_eq!((up.packets, up.data_packets, up.expected), (75, 75, 72));
        assert_eq!((up.first_seq, up.last_seq), (Some(0), Some(71)));
        assert_eq!((up.lost, up.duplicates, up.reordered), (0, 3, 5));
        assert_eq!(
            (up.max_reorder_distance, up.late_unknown, up.capture_duplicates),
            (10, 0, 0)
        );
        // A protocol duplicate is its own datagram: another IP
        // Identification than the first copy.
        for dup in [6, 25, 65] {
            let ids: Vec<u16> = flow(&sc, 0)
                .packets
                .iter()
                .filter(|p| p.sequence == Some(dup))
                .map(|p| wire[&p.frame].ip_id)
                .collect();
            assert_eq!(ids.len(), 2);
            assert_ne!(ids[0], ids[1]);
        }
        assert!(clean(st(&sc, 1)));
        // The server's acks never go back.
        let acks: Vec<u32> = flow(&sc, 1)
            .packets
            .iter()
            .filter_map(|p| p.acknowledgment)
            .collect();
        assert!(acks.windows(2).all(|w| w[0] <= w[1]), "{acks:?}");
        assert_eq!(st(&sc, 1).max_ack, Some(71));
    }

    #[test]
    fn sequence_numbers_wrap() {
        let sc = gre_wrap().unwrap();
        check(&sc);
        let up = st(&sc, 0);
        assert_eq!(
            (up.first_seq, up.last_seq, up.expected),
            (Some(0xFFFF_FFF0), Some(23), 40)
        );
        assert_eq!((up.packets, up.lost, up.largest_gap), (38, 2, 1));
        assert_eq!(up.lost_numbers, [0xFFFF_FFFA, 5]);
        assert_eq!((up.duplicates, up.reordered, up.late_unknown), (0, 0, 0));
        let client = seqs(flow(&sc, 0));
        // 0xFFFFFFFA is missing, so the wrap is at index 15.
        assert_eq!(client[13..16], [Some(0xFFFF_FFFE), Some(0xFFFF_FFFF), Some(0)]);
        assert_eq!(st(&sc, 1).max_ack, Some(23));
        assert!(clean(st(&sc, 1)));
    }

    #[test]
    fn one_direction_only_acks() {
        let sc = gre_ack_only().unwrap();
        check(&sc);
        let (up, down) = (st(&sc, 0), st(&sc, 1));
        assert_eq!(flow(&sc, 0).from, Side::Client);
        assert_eq!(
            (up.packets, up.data_packets, up.ack_only_packets, up.payload_bytes),
            (11, 0, 11, 0)
        );
        assert_eq!(
            (up.first_seq, up.last_seq, up.expected, up.lost),
            (None, None, 0, 0)
        );
        assert_eq!(up.max_ack, Some(30));
        assert!(flow(&sc, 0)
            .packets
            .iter()
            .all(|p| p.sequence.is_none() && p.payload_len == 0));
        assert_eq!(
            (down.packets, down.data_packets, down.ack_only_packets),
            (31, 31, 0)
        );
        assert_eq!((down.first_seq, down.last_seq, down.lost), (Some(0), Some(30), 0));
        assert!(flow(&sc, 1).packets.iter().all(|p| p.acknowledgment.is_none()));
        assert_eq!(
            (down.acks_received, down.ack_latency_samples, down.max_ack),
            (11, 11, None)
        );
    }

    #[test]
    fn mirrored_call_ids_are_told_apart_by_direction() {
        use Side::{Client as C, Server as S};
        let sc = gre_two_calls_swapped().unwrap();
        check(&sc);
        let summary: Vec<(Option<&str>, Side, u16, Vec<u32>)> = sc
            .truth
            .gre
            .iter()
            .map(|f| {
                (
                    f.label.as_deref(),
                    f.from,
                    f.call_id,
                    f.stats.as_ref().unwrap().lost_numbers.clone(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (Some("call A"), C, 9, vec![7]),
                (Some("call A"), S, 5, vec![]),
                (Some("call B"), C, 5, vec![4, 12, 13]),
                (Some("call B"), S, 9, vec![3]),
            ]
        );
        for i in 0..4 {
            let s = st(&sc, i);
            assert_eq!((s.duplicates, s.reordered, s.acks_unseen), (0, 0, 0));
        }
        assert_eq!(message_frames(&sc, control_type::OUTGOING_CALL_REPLY).len(), 2);
    }

    #[test]
    fn gre_without_a_call() {
        use Side::{Client as C, Server as S};
        let sc = gre_orphan().unwrap();
        check(&sc);
        let summary: Vec<(Option<usize>, Side, IpAddr, u16, usize)> = sc
            .truth
            .gre
            .iter()
            .map(|f| (f.connection, f.from, f.src, f.call_id, f.packets.len()))
            .collect();
        let b: IpAddr = "192.0.2.77".parse().unwrap();
        let srv: IpAddr = "203.0.113.5".parse().unwrap();
        let a: IpAddr = "198.51.100.23".parse().unwrap();
        assert_eq!(
            summary,
            [
                (None, C, b, 0x0042, 20),
                (None, S, srv, 0x1A2B, 11),
                (Some(0), C, a, 257, 6),
                (Some(0), S, srv, 12345, 7),
                (None, S, srv, 0x2222, 4),
            ]
        );
        let o = st(&sc, 0);
        assert_eq!((o.first_seq, o.last_seq, o.lost), (Some(5_000), Some(5_020), 1));
        assert_eq!(o.lost_numbers, [5_008]);
        assert_eq!(o.acks_unseen, 1);
        assert_eq!(st(&sc, 1).acks_before_data, 2);
        assert!(clean(st(&sc, 1)) && clean(st(&sc, 2)) && clean(st(&sc, 3)) && clean(st(&sc, 4)));
        // The mid-session GRE starts before the control connection's SYN
        // (frame 14), and no call of connection A uses 0x2222.
        assert_eq!(flow(&sc, 0).packets[0].frame, 1);
        assert!(sc.truth.messages.iter().all(|m| m.frame > 14));
        assert!(flow(&sc, 4).packets.iter().all(|p| p.acknowledgment.is_none()));
    }

    #[test]
    fn every_frame_twice() {
        let sc = gre_doubled().unwrap();
        let wire = check(&sc);
        let frames = pcap_frames(&sc.bytes);
        assert_eq!(frames.len() % 2, 0);
        for pair in frames.chunks(2) {
            let ((_, t1, a), (_, t2, b)) = (&pair[0], &pair[1]);
            assert_eq!(a.len(), b.len());
            let differ: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            // Interface index (low byte) and packet type.
            assert_eq!(differ, [7, 10]);
            assert_eq!((a[10], b[10]), (3, 4));
            assert_eq!(a[20..], b[20..]);
            let gap = (t2.secs - t1.secs) * 1_000_000_000 + i64::from(t2.nanos) - i64::from(t1.nanos);
            assert_eq!(gap, 50_000);
        }
        assert!(sc.truth.messages.iter().all(|m| m.frame % 2 == 1));
        assert_eq!(sc.truth.messages.len(), 9);
        let (up, down) = (st(&sc, 0), st(&sc, 1));
        assert_eq!((up.packets, up.data_packets, up.capture_duplicates), (10, 10, 10));
        assert_eq!(
            (down.packets, down.ack_only_packets, down.capture_duplicates),
            (12, 2, 12)
        );
        // Without the copies the counts are the same, bar the copies.
        for i in 0..2 {
            let single = |f: &GreFlowTruth| -> Vec<GreRecord> {
                f.packets
                    .iter()
                    .filter(|p| p.copy_of.is_none())
                    .copied()
                    .collect()
            };
            let stated = st(&sc, i);
            let alone = GreStatsTruth::compute(
                &single(flow(&sc, i)),
                &single(flow(&sc, 1 - i)),
                stated.peer_window,
            );
            assert_eq!(
                alone,
                GreStatsTruth {
                    capture_duplicates: 0,
                    ..stated.clone()
                }
            );
            assert!(clean(&alone));
        }
        assert_eq!(wire.len(), 44);
    }

    #[test]
    fn blocked_gre_only_the_clients_requests() {
        let sc = gre_blocked().unwrap();
        let wire = check(&sc);
        assert_eq!(sc.truth.gre.len(), 1);
        let f = flow(&sc, 0);
        assert_eq!((f.from, f.call_id), (Side::Client, 257));
        assert_eq!(seqs(f), [Some(0), Some(1), Some(2), Some(3), Some(4)]);
        assert!(f.packets.iter().all(|p| p.acknowledgment.is_none()));
        for (i, p) in f.packets.iter().enumerate() {
            let ppp = &wire[&p.frame].payload;
            assert_eq!(ppp[..8], [0xFF, 0x03, 0xC0, 0x21, 0x01, i as u8 + 1, 0x00, 0x0E]);
            assert_eq!(ppp[8..], lcp_options(CLIENT_MAGIC));
        }
        for w in f.packets.windows(2) {
            assert_eq!(w[1].ts.secs - w[0].ts.secs, 3);
        }
        let s = st(&sc, 0);
        assert_eq!((s.packets, s.lost, s.acks_received, s.max_ack), (5, 0, 0, None));
        assert_eq!(
            sc.truth
                .messages
                .iter()
                .map(|m| m.control_type)
                .collect::<Vec<_>>(),
            [1, 2, 7, 8, 12, 13, 3, 4]
        );
    }

    #[test]
    fn one_way_gre_only_the_servers_requests() {
        let sc = gre_one_way().unwrap();
        check(&sc);
        assert_eq!(sc.truth.gre.len(), 1);
        let f = flow(&sc, 0);
        assert_eq!((f.from, f.call_id), (Side::Server, 12345));
        assert_eq!(seqs(f), [Some(0), Some(1), Some(2), Some(3), Some(4)]);
        assert!(f.packets.iter().all(|p| p.acknowledgment.is_none()));
        assert_eq!(sc.truth.messages.len(), 8);
    }

    #[test]
    fn reused_call_ids_split_by_time() {
        let sc = gre_call_ids_reused().unwrap();
        check(&sc);
        let cdn = message_frames(&sc, control_type::CALL_DISCONNECT_NOTIFY);
        let ocrp = message_frames(&sc, control_type::OUTGOING_CALL_REPLY);
        assert_eq!((cdn.len(), ocrp.len()), (2, 2));
        for (i, f) in sc.truth.gre.iter().enumerate() {
            let (from, to) = if i < 2 {
                (ocrp[0], cdn[0])
            } else {
                (ocrp[1], cdn[1])
            };
            assert!(
                f.packets.iter().all(|p| p.frame > from && p.frame < to),
                "flow {i}"
            );
            assert_eq!(f.packets[0].sequence, Some(0));
            assert!(clean(f.stats.as_ref().unwrap()));
        }
        let labels: Vec<(&str, u16)> = sc
            .truth
            .gre
            .iter()
            .map(|f| (f.label.as_deref().unwrap(), f.call_id))
            .collect();
        assert_eq!(
            labels,
            [
                ("call 1 (serial 3)", 257),
                ("call 1 (serial 3)", 12345),
                ("call 2 (serial 4)", 257),
                ("call 2 (serial 4)", 12345),
            ]
        );
    }

    #[test]
    fn gre_before_setup_and_after_clear() {
        let sc = gre_before_after().unwrap();
        check(&sc);
        let ocrp = message_frames(&sc, control_type::OUTGOING_CALL_REPLY)[0];
        let cdn = message_frames(&sc, control_type::CALL_DISCONNECT_NOTIFY)[0];
        let (up, down) = (flow(&sc, 0), flow(&sc, 1));
        assert_eq!((ocrp, cdn), (8, 22));
        assert_eq!(down.before_setup, [7]);
        assert_eq!(up.after_clear, [23, 24]);
        assert!(up.before_setup.is_empty() && down.after_clear.is_empty());
        let before: Vec<u64> = down
            .packets
            .iter()
            .map(|p| p.frame)
            .filter(|&f| f < ocrp)
            .collect();
        let after: Vec<u64> = up.packets.iter().map(|p| p.frame).filter(|&f| f > cdn).collect();
        assert_eq!((before, after), (vec![7], vec![23, 24]));
        assert!(up.packets.iter().chain(&down.packets).all(|p| p.frame > 6));
        assert_eq!(down.packets[0].sequence, Some(0));
        assert_eq!(
            up.packets
                .iter()
                .rev()
                .take(2)
                .map(|p| p.sequence)
                .collect::<Vec<_>>(),
            [Some(7), Some(6)]
        );
        assert!(clean(st(&sc, 0)) && clean(st(&sc, 1)));
    }

    #[test]
    fn window_of_four_exceeded() {
        let sc = gre_window().unwrap();
        check(&sc);
        let up = st(&sc, 0);
        assert_eq!(up.peer_window, Some(4));
        assert_eq!((up.max_in_flight, up.window_exceeded), (Some(10), 6));
        assert!(clean(up));
        assert_eq!(
            (st(&sc, 1).peer_window, st(&sc, 1).window_exceeded),
            (Some(64), 0)
        );
        // The OCRP on the wire announces 4: Packet Recv. Window Size at
        // offset 24 of the message (RFC 2637 §2.8).
        let ocrp = message_frames(&sc, control_type::OUTGOING_CALL_REPLY)[0];
        let (_, _, data) = &pcap_frames(&sc.bytes)[ocrp as usize - 1];
        let p = etherparse::SlicedPacket::from_ethernet(data).unwrap();
        let Some(etherparse::TransportSlice::Tcp(tcp)) = p.transport else {
            panic!()
        };
        assert_eq!(tcp.payload()[24..26], [0, 4]);
        // Client numbers 2–11 go out with no server packet in between.
        let frames: Vec<u64> = flow(&sc, 0).packets[2..12].iter().map(|p| p.frame).collect();
        assert_eq!(frames.last().unwrap() - frames[0], 9);
    }

    #[test]
    fn client_seen_through_nat() {
        let sc = gre_nat().unwrap();
        let wire = check(&sc);
        let nat: IpAddr = "203.0.113.77".parse().unwrap();
        assert_eq!(sc.truth.connections[0].client, SocketAddr::new(nat, 61_034));
        assert_eq!((flow(&sc, 0).src, flow(&sc, 1).dst), (nat, nat));
        for p in &flow(&sc, 0).packets {
            assert_eq!(wire[&p.frame].datagram[8], 113);
        }
        assert!(clean(st(&sc, 0)) && clean(st(&sc, 1)));
    }

    #[test]
    fn mppe_frames_count_and_look_encrypted() {
        let mut m = Mppe::new(7);
        let a = m.frame(Side::Client);
        let b = m.frame(Side::Client);
        let c = m.frame(Side::Server);
        assert_eq!(a[..6], [0xFF, 0x03, 0x00, 0xFD, 0x90, 0x00]);
        assert_eq!(b[..6], [0xFF, 0x03, 0x00, 0xFD, 0x90, 0x01]);
        assert_eq!(c[..6], [0xFF, 0x03, 0x00, 0xFD, 0x90, 0x00]);
        assert!(CIPHERTEXT_LENGTHS.contains(&(a.len() - 6)));
        m.coherency[0] = 0x0FFF;
        let wrap = m.frame(Side::Client);
        assert_eq!(wrap[4..6], [0x9F, 0xFF]);
        assert_eq!(m.coherency[0], 0);
        assert_eq!(
            configure_request(3, 0x0102_0304),
            [0xFF, 0x03, 0xC0, 0x21, 1, 3, 0, 14, 1, 4, 0x05, 0x78, 5, 6, 1, 2, 3, 4]
        );
    }
}
