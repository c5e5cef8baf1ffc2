//! The benchmark capture: many PPTP calls at once, mostly GRE data, written
//! frame by frame into any [`FrameWriter`] so that a capture of any size
//! streams to disk (or into memory for an in-process benchmark) without
//! being held whole.
//!
//! Shared by `examples/gen_bench_capture.rs` and `benches/pipeline.rs`
//! (included with `#[path]`), so both measure the same traffic.
//!
//! Layout, all on untagged Ethernet between addresses of 198.18.0.0/15 (the
//! block RFC 2544 §C.2.2 sets aside for benchmarks):
//!
//! 1. For each call in turn, its own PPTP control connection (RFC 2637
//!    §1.3): TCP handshake, Start-Control-Connection-Request/Reply,
//!    Outgoing-Call-Request/Reply (connected), Set-Link-Info. Each call has
//!    its own client; all talk to one server (the PAC).
//! 2. The GRE data of every call (RFC 2637 §4.1), interleaved: each frame
//!    belongs to a call drawn at random among those with packets left. A
//!    call starts with LCP Configure-Request/Ack both ways, then carries
//!    MPPE-encrypted PPP frames (protocol 0x00FD, RFC 3078 §3), two server
//!    packets for each client packet, one in 16 packets ack-only. Every data
//!    packet acknowledges the highest number its sender has received.
//!    About 1 data packet in 20 000 is numbered but never written (lost
//!    before the capture point), 1 in 33 000 is written after its successor
//!    (reordered) and 1 in 50 000 is written twice (duplicated).
//! 3. For each call in turn: Call-Clear-Request, Call-Disconnect-Notify,
//!    Stop-Control-Connection-Request/Reply, FIN both ways.
//!
//! PPP frames are sized like tunnelled traffic (mostly small TCP segments
//! and acknowledgements, a few full-size packets) and average about 109
//! bytes, about 102 bytes over all GRE packets once ack-only ones count.
//! Everything derives from one seed: the same [`Spec`] gives the same bytes.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use tunnelscope::synth::gre::GreCall;
use tunnelscope::synth::packet::{Host, Link, MacAddr};
use tunnelscope::synth::pptp::{
    CallClearRequest, CallDisconnectNotify, ControlMessage, OutgoingCallReply, OutgoingCallRequest,
    SetLinkInfo, StartControlConnectionReply, StartControlConnectionRequest, StopControlConnectionReply,
    StopControlConnectionRequest,
};
use tunnelscope::synth::tcp::{Side, TcpConversation, TcpEndpoint};
use tunnelscope::synth::trace::{Trace, SCENARIO_START};
use tunnelscope::synth::writer::{FrameWriter, Record};
use tunnelscope::synth::{Result, SynthError};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// GRE frames written in all (data, ack-only and duplicates).
    pub packets: u64,
    /// PPTP calls, each with its own control connection (1 to 65 534).
    pub calls: u32,
    /// Seed of every random choice.
    pub seed: u64,
}

/// Ten million GRE packets over 100 calls: a capture of about 1.7 GB.
pub const DEFAULT_SPEC: Spec = Spec {
    packets: 10_000_000,
    calls: 100,
    seed: 0x7475_6E6E_656C_7363, // "tunnelsc"
};

/// Counts of what was written: the ground truth of the capture.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Frames in the capture.
    pub frames: u64,
    /// Link-layer bytes of all frames (the capture file adds 24 bytes of
    /// file header and 16 per frame in classic pcap).
    pub frame_bytes: u64,
    /// Frames of the TCP control connections.
    pub control_frames: u64,
    /// GRE frames.
    pub gre_packets: u64,
    /// GRE frames without a sequence number (ack-only).
    pub ack_only: u64,
    /// PPP bytes carried by all GRE frames.
    pub ppp_bytes: u64,
    /// Data packets numbered but never written.
    pub lost: u64,
    /// Data packets written after the packet numbered next.
    pub reordered: u64,
    /// Data packets written a second time.
    pub duplicated: u64,
}

impl Summary {
    /// Size of the classic pcap file holding these frames.
    pub fn pcap_bytes(&self) -> u64 {
        24 + 16 * self.frames + self.frame_bytes
    }

    /// A few lines for a person, then one `key=value` line for scripts.
    pub fn describe(&self, spec: &Spec) -> String {
        let mean_ppp = if self.gre_packets == 0 {
            0.0
        } else {
            self.ppp_bytes as f64 / self.gre_packets as f64
        };
        format!(
            "{} frames, {} bytes as pcap: {} GRE packets ({} ack-only, mean PPP payload {:.1} bytes) \
             in {} calls, {} control-connection frames\n\
             GRE sequence anomalies written: {} lost, {} reordered, {} duplicated (seed {:#x})\n\
             frames={} pcap_bytes={} gre_packets={} calls={} lost={} reordered={} duplicated={}",
            self.frames,
            self.pcap_bytes(),
            self.gre_packets,
            self.ack_only,
            mean_ppp,
            spec.calls,
            self.control_frames,
            self.lost,
            self.reordered,
            self.duplicated,
            spec.seed,
            self.frames,
            self.pcap_bytes(),
            self.gre_packets,
            spec.calls,
            self.lost,
            self.reordered,
            self.duplicated,
        )
    }
}

/// xorshift64* (Vigna 2016): fast, deterministic and good enough to pick
/// sizes and interleavings.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // A zero state would stay zero.
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform enough in `0..n` for n far below 2^32.
    fn below(&mut self, n: u64) -> u64 {
        (self.next() >> 32) % n
    }

    /// In `lo..=hi`.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
}

/// A [`FrameWriter`] in front of another that counts what passes.
struct Counting<W> {
    inner: W,
    frames: u64,
    bytes: u64,
}

impl<W: FrameWriter> FrameWriter for Counting<W> {
    fn write_frame(&mut self, record: &Record<'_>) -> Result<()> {
        self.frames += 1;
        self.bytes += record.data.len() as u64;
        self.inner.write_frame(record)
    }
}

const PPTP_PORT: u16 = 1723;
/// One frame every 10 µs: 100 000 frames per second over all calls.
const FRAME_STEP: Duration = Duration::from_micros(10);
const RTT: Duration = Duration::from_millis(20);
/// Bytes of pseudo-random "ciphertext" that payloads are cut from.
const NOISE_BYTES: usize = 1 << 16;
/// Largest PPP frame: a 1400-byte inner IP packet, PPP and MPPE headers.
const MAX_PPP: usize = 1406;
/// LCP Configure-Request/Ack both ways open every call.
const LCP_PACKETS: u64 = 4;
/// Of 100 000 data packets: how many are lost, reordered, duplicated.
const LOST_PER_100K: u64 = 5;
const REORDERED_PER_100K: u64 = 3;
const DUPLICATED_PER_100K: u64 = 2;
/// One packet in this many is ack-only (when there is something to ack).
const ACK_ONLY_EVERY: u64 = 16;

/// PPP in HDLC-like framing (RFC 1662 §3.1: address FF, control 03), then
/// the protocol.
const PPP_LCP: [u8; 4] = [0xFF, 0x03, 0xC0, 0x21];
const PPP_COMPRESSED_DATAGRAM: [u8; 4] = [0xFF, 0x03, 0x00, 0xFD];
/// MPPE header bits (RFC 3078 §3): A (flushed) and D (encrypted); the low
/// 12 bits are the coherency count.
const MPPE_FLUSHED_ENCRYPTED: u16 = 0x9000;

/// One call: its control connection, its GRE and how many GRE frames it
/// still has to write.
struct Call {
    control: TcpConversation,
    gre: GreCall,
    client_call_id: u16,
    server_call_id: u16,
    /// GRE frames written so far.
    written: u64,
    /// GRE frames still to write.
    budget: u64,
    /// MPPE coherency count per sender (client, server).
    coherency: [u16; 2],
}

fn side_index(side: Side) -> usize {
    match side {
        Side::Client => 0,
        Side::Server => 1,
    }
}

/// Writes the benchmark capture for `spec` into `writer` and returns the
/// writer with the counts of what was written.
pub fn generate<W: FrameWriter>(spec: &Spec, writer: W) -> Result<(W, Summary)> {
    if spec.calls == 0 || spec.calls > 65_534 {
        return Err(SynthError::Unsupported("--calls must be between 1 and 65534"));
    }
    let mut rng = Rng::new(spec.seed);
    let noise: Vec<u8> = (0..NOISE_BYTES + MAX_PPP).map(|_| rng.next() as u8).collect();
    let counting = Counting {
        inner: writer,
        frames: 0,
        bytes: 0,
    };
    let mut trace = Trace::new(counting, SCENARIO_START, FRAME_STEP);
    let mut summary = Summary::default();

    let server = Host {
        mac: MacAddr::documentation(2),
        ip: IpAddr::V4(Ipv4Addr::new(198, 19, 0, 1)),
        ttl: 64,
    };
    let calls = u64::from(spec.calls);
    let mut all = Vec::with_capacity(spec.calls as usize);
    for i in 0..spec.calls {
        let client = Host {
            // Clients reach the server through one router.
            mac: MacAddr::documentation(1),
            ip: IpAddr::V4(Ipv4Addr::from(u32::from(Ipv4Addr::new(198, 18, 0, 1)) + i)),
            ttl: 127,
        };
        let control = TcpConversation::new(
            TcpEndpoint {
                host: client,
                port: 49_152 + (i % 16_384) as u16,
                isn: rng.next() as u32,
                window: 64_240,
            },
            TcpEndpoint {
                host: server,
                port: PPTP_PORT,
                isn: rng.next() as u32,
                window: 65_160,
            },
            Link::ethernet(),
        );
        // Odd multiplication is a bijection mod 2^16: distinct, non-zero IDs
        // that do not count up like the server's.
        let client_call_id = ((i + 1) as u16).wrapping_mul(40_503);
        let server_call_id = (i + 1) as u16;
        let gre = GreCall::new(client, server, client_call_id, server_call_id, Link::ethernet());
        let budget = spec.packets / calls + u64::from(u64::from(i) < spec.packets % calls);
        all.push(Call {
            control,
            gre,
            client_call_id,
            server_call_id,
            written: 0,
            budget,
            coherency: [0, 0],
        });
    }

    for call in &mut all {
        establish(&mut trace, call)?;
        trace.advance(Duration::from_millis(1));
    }
    summary.control_frames = trace.frames();

    let mut active: Vec<usize> = (0..all.len()).filter(|&i| all[i].budget > 0).collect();
    let mut ppp = Vec::with_capacity(MAX_PPP);
    while !active.is_empty() {
        let slot = rng.below(active.len() as u64) as usize;
        let call = &mut all[active[slot]];
        gre_step(&mut trace, call, &mut rng, &noise, &mut ppp, &mut summary)?;
        if call.budget == 0 {
            active.swap_remove(slot);
        }
    }

    let before = trace.frames();
    trace.advance(Duration::from_secs(1));
    for call in &mut all {
        teardown(&mut trace, call)?;
        trace.advance(Duration::from_millis(1));
    }
    summary.control_frames += trace.frames() - before;

    let counting = trace.into_writer();
    summary.frames = counting.frames;
    summary.frame_bytes = counting.bytes;
    Ok((counting.inner, summary))
}

fn send_control<W: FrameWriter>(
    trace: &mut Trace<W>,
    call: &mut Call,
    side: Side,
    msg: impl Into<ControlMessage>,
) -> Result<u64> {
    call.control.send(trace, side, &msg.into().encode())
}

/// TCP handshake, SCCRQ/SCCRP, OCRQ/OCRP (connected), SLI and the server's
/// acknowledgement (RFC 2637 §1.3, §2.1–2.2, §2.7–2.8, §2.15).
fn establish<W: FrameWriter>(trace: &mut Trace<W>, call: &mut Call) -> Result<()> {
    call.control.syn(trace)?;
    trace.advance(RTT);
    call.control.syn_ack(trace)?;
    call.control.ack(trace, Side::Client)?;
    send_control(
        trace,
        call,
        Side::Client,
        StartControlConnectionRequest::default(),
    )?;
    trace.advance(RTT);
    send_control(trace, call, Side::Server, StartControlConnectionReply::default())?;
    let ocrq = OutgoingCallRequest {
        call_id: call.client_call_id,
        call_serial_number: call.server_call_id,
        ..Default::default()
    };
    send_control(trace, call, Side::Client, ocrq)?;
    trace.advance(RTT);
    let ocrp = OutgoingCallReply {
        call_id: call.server_call_id,
        peer_call_id: call.client_call_id,
        ..Default::default()
    };
    send_control(trace, call, Side::Server, ocrp)?;
    let sli = SetLinkInfo {
        peer_call_id: call.server_call_id,
        ..Default::default()
    };
    send_control(trace, call, Side::Client, sli)?;
    trace.advance(RTT);
    call.control.ack(trace, Side::Server)?;
    Ok(())
}

/// CCRQ, CDN (result 4), StopCCRQ, StopCCRP, then FIN both ways started by
/// the client (RFC 2637 §2.12–2.13, §2.3–2.4).
fn teardown<W: FrameWriter>(trace: &mut Trace<W>, call: &mut Call) -> Result<()> {
    let ccrq = CallClearRequest {
        call_id: call.client_call_id,
        reserved1: 0,
    };
    send_control(trace, call, Side::Client, ccrq)?;
    trace.advance(RTT);
    let cdn = CallDisconnectNotify {
        call_id: call.server_call_id,
        ..Default::default()
    };
    send_control(trace, call, Side::Server, cdn)?;
    send_control(trace, call, Side::Client, StopControlConnectionRequest::default())?;
    trace.advance(RTT);
    send_control(trace, call, Side::Server, StopControlConnectionReply::default())?;
    call.control.close(trace, Side::Client, RTT)?;
    Ok(())
}

/// An LCP packet (RFC 1661 §5): Configure-Request (1) or Configure-Ack (2)
/// with identifier 1 and no options.
fn lcp(code: u8, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&PPP_LCP);
    out.extend_from_slice(&[code, 1, 0, 4]);
}

/// A PPP Compressed Datagram of `len` bytes in all: MPPE header, then bytes
/// that look like ciphertext.
fn mppe(len: usize, coherency: u16, noise: &[u8], rng: &mut Rng, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&PPP_COMPRESSED_DATAGRAM);
    out.extend_from_slice(&(MPPE_FLUSHED_ENCRYPTED | (coherency & 0x0FFF)).to_be_bytes());
    let body = len.saturating_sub(out.len());
    let start = rng.below(NOISE_BYTES as u64) as usize;
    out.extend_from_slice(noise.get(start..start + body).unwrap_or(&[]));
}

/// Length of the next PPP frame: mostly small segments and TCP
/// acknowledgements of the tunnelled traffic, some medium, a few full size.
fn ppp_len(rng: &mut Rng) -> usize {
    let (lo, hi) = match rng.below(100) {
        0..=59 => (46, 70),
        60..=92 => (71, 160),
        93..=98 => (161, 600),
        _ => (1200, MAX_PPP as u64),
    };
    rng.between(lo, hi) as usize
}

/// Writes the next GRE frame or frames of `call`: one normally, two for a
/// reordered pair or a duplicate.
fn gre_step<W: FrameWriter>(
    trace: &mut Trace<W>,
    call: &mut Call,
    rng: &mut Rng,
    noise: &[u8],
    ppp: &mut Vec<u8>,
    summary: &mut Summary,
) -> Result<()> {
    // LCP Configure-Request/Ack both ways: client request, server request,
    // server ack, client ack.
    if call.written < LCP_PACKETS {
        let (side, code) = match call.written {
            0 => (Side::Client, 1),
            1 => (Side::Server, 1),
            2 => (Side::Server, 2),
            _ => (Side::Client, 2),
        };
        lcp(code, ppp);
        call.gre.send(trace, side, ppp)?;
        call.written += 1;
        call.budget -= 1;
        summary.gre_packets += 1;
        summary.ppp_bytes += ppp.len() as u64;
        return Ok(());
    }

    let side = if rng.below(3) == 0 {
        Side::Client
    } else {
        Side::Server
    };
    if rng.below(ACK_ONLY_EVERY) == 0 && call.gre.send_ack(trace, side)?.is_some() {
        call.written += 1;
        call.budget -= 1;
        summary.gre_packets += 1;
        summary.ack_only += 1;
        return Ok(());
    }

    let next_payload = |call: &mut Call, rng: &mut Rng, ppp: &mut Vec<u8>| {
        let s = side_index(side);
        let cc = call.coherency[s];
        call.coherency[s] = cc.wrapping_add(1);
        mppe(ppp_len(rng), cc, noise, rng, ppp);
    };
    let anomaly = rng.below(100_000);
    let two_frames = call.budget >= 2;
    let lost_until = LOST_PER_100K;
    let reordered_until = lost_until + REORDERED_PER_100K;
    let duplicated_until = reordered_until + DUPLICATED_PER_100K;
    if anomaly < lost_until {
        // Numbered, never written; the next packet is written as usual.
        next_payload(call, rng, ppp);
        let _lost = call.gre.data(side, ppp);
        summary.lost += 1;
    } else if anomaly < reordered_until && two_frames {
        next_payload(call, rng, ppp);
        let first = call.gre.data(side, ppp);
        next_payload(call, rng, ppp);
        let second = call.gre.data(side, ppp);
        call.gre.emit(trace, &second)?;
        call.gre.emit(trace, &first)?;
        call.written += 2;
        call.budget -= 2;
        summary.gre_packets += 2;
        summary.ppp_bytes += (first.payload.len() + second.payload.len()) as u64;
        summary.reordered += 1;
        return Ok(());
    } else if anomaly < duplicated_until && two_frames {
        next_payload(call, rng, ppp);
        let packet = call.gre.data(side, ppp);
        call.gre.emit(trace, &packet)?;
        call.gre.emit(trace, &packet)?;
        call.written += 2;
        call.budget -= 2;
        summary.gre_packets += 2;
        summary.ppp_bytes += 2 * packet.payload.len() as u64;
        summary.duplicated += 1;
        return Ok(());
    }
    next_payload(call, rng, ppp);
    call.gre.send(trace, side, ppp)?;
    call.written += 1;
    call.budget -= 1;
    summary.gre_packets += 1;
    summary.ppp_bytes += ppp.len() as u64;
    Ok(())
}
