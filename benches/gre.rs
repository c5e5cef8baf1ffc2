//! The PPTP data-plane hot path: GRE classification plus sequence tracking,
//! per packet, over about 20 million synthetic packets built in memory.
//!
//! Run with `cargo bench --bench gre` (`GRE_BENCH_PACKETS=n` to change the
//! count). Two directions of one call are simulated: A sends three data
//! packets for every one of B's, each carrying a piggy-backed ack of the
//! other side; A's numbering skips one number in 1000 and swaps a pair
//! every 5000; every 16th B packet is ack-only. Payloads are 40–1400
//! bytes. The packets come from a pool of 512 per direction (about 360 KB,
//! so the figures measure computation rather than the memory latency of a
//! synthetic pool) whose sequence and ack fields are rewritten in place;
//! that rewrite is measured on its own as the baseline.

use std::hint::black_box;
use std::time::{Duration, Instant};

use tunnelscope::capture::Timestamp;
use tunnelscope::gre::{classify, DirectionTracker, Gre, GreAnomalies, PacketOrigin, PptpGre};

const DEFAULT_PACKETS: u64 = 20_000_000;

/// `GRE_BENCH_PACKETS` overrides the count (e.g. for a run under callgrind).
fn packets() -> u64 {
    std::env::var("GRE_BENCH_PACKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_PACKETS)
}
const POOL: usize = 512;

struct Pool {
    buffers: Vec<Vec<u8>>,
}

/// A pool of well-formed data packets (K, S, A set; 16-byte header).
fn pool(call_id: u16, seed: u64) -> Pool {
    let mut x = seed;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let buffers = (0..POOL)
        .map(|_| {
            let len = 40 + (next() % 1361) as usize;
            let payload: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let pkt = PptpGre {
                payload_len: len as u16,
                call_id,
                seq: Some(0),
                ack: Some(0),
                payload: &payload,
                anomalies: GreAnomalies::empty(),
            };
            let mut out = vec![0u8; 16 + len];
            let n = pkt.emit(&mut out).expect("buffer sized for the packet");
            out.truncate(n);
            out
        })
        .collect();
    Pool { buffers }
}

/// Writes an ack-only packet (K and A set, S clear, Payload Length 0; the
/// ack sits where the sequence number would be).
fn ack_only(call_id: u16, ack: u32, out: &mut [u8; 12]) {
    out[..4].copy_from_slice(&[0x20, 0x81, 0x88, 0x0B]);
    out[4..6].copy_from_slice(&0u16.to_be_bytes());
    out[6..8].copy_from_slice(&call_id.to_be_bytes());
    out[8..12].copy_from_slice(&ack.to_be_bytes());
}

/// A's number for its i-th packet: one in 1000 numbers skipped, and the
/// packets at 100 and 101 (mod 5000) swapped.
fn a_seq(i: u64) -> u32 {
    let base = i + i / 999;
    let r = i % 5000;
    let n = if r == 100 {
        base + 1
    } else if r == 101 {
        base - 1
    } else {
        base
    };
    n as u32
}

/// The next capture time, 10 µs on: 100 000 packets per second.
fn tick(ts: &mut Timestamp) {
    ts.nanos += 10_000;
    if ts.nanos >= 1_000_000_000 {
        ts.nanos -= 1_000_000_000;
        ts.secs += 1;
    }
}

#[derive(Clone, Copy)]
enum Mode {
    /// Only rewrite the buffers and pick the packet.
    Baseline,
    /// Rewrite and classify.
    Classify,
    /// Rewrite, classify and track both directions.
    Track,
}

fn run(mode: Mode, a_pool: &mut Pool, b_pool: &mut Pool, count: u64) -> (Duration, u64) {
    let mut a = DirectionTracker::new();
    let mut b = DirectionTracker::new();
    a.set_peer_window(64);
    b.set_peer_window(64);
    let mut a_sent = 0u64;
    let mut b_sent = 0u64;
    let mut b_next_seq = 0u32;
    let mut a_last = 0u32;
    let mut b_last = 0u32;
    let mut checksum = 0u64;
    let mut scratch = [0u8; 12];
    let mut now = Timestamp::new(1_700_000_000, 0);
    let start = Instant::now();
    for i in 0..count {
        let from_a = i % 4 != 3;
        let (buf, ack_only) = if from_a {
            let seq = a_seq(a_sent);
            a_sent += 1;
            a_last = seq;
            let buf = &mut a_pool.buffers[(i as usize) % POOL];
            buf[8..12].copy_from_slice(&seq.to_be_bytes());
            buf[12..16].copy_from_slice(&b_last.to_be_bytes());
            (&buf[..], false)
        } else if b_sent % 16 == 15 {
            b_sent += 1;
            ack_only(0x4321, a_last, &mut scratch);
            (&scratch[..], true)
        } else {
            let seq = b_next_seq;
            b_next_seq = b_next_seq.wrapping_add(1);
            b_sent += 1;
            b_last = seq;
            let buf = &mut b_pool.buffers[(i as usize) % POOL];
            buf[8..12].copy_from_slice(&seq.to_be_bytes());
            buf[12..16].copy_from_slice(&a_last.to_be_bytes());
            (&buf[..], false)
        };
        match mode {
            Mode::Baseline => checksum = checksum.wrapping_add(u64::from(black_box(buf)[9])),
            Mode::Classify => {
                if let Gre::Pptp(p) = classify(black_box(buf)) {
                    checksum = checksum.wrapping_add(u64::from(p.payload_len));
                }
            }
            Mode::Track => {
                let Gre::Pptp(p) = classify(black_box(buf)) else {
                    panic!("synthetic packet did not classify as PPTP");
                };
                debug_assert_eq!(p.is_ack_only(), ack_only);
                let origin = PacketOrigin {
                    ip_ident: i as u32 & 0xFFFF,
                    iface: 0,
                };
                let (tx, rx) = if from_a {
                    (&mut a, &mut b)
                } else {
                    (&mut b, &mut a)
                };
                tick(&mut now);
                if let Some(ack) = tx.on_packet(&p, now, i + 1, origin).ack {
                    rx.on_peer_ack(ack, now);
                }
            }
        }
    }
    let elapsed = start.elapsed();
    if let Mode::Track = mode {
        let (sa, sb) = (a.stats(), b.stats());
        println!(
            "  A: {} data, lost {}, reordered {}, acked {}, latency samples {}, max in flight {:?}",
            sa.data_packets,
            sa.lost,
            sa.reordered,
            sa.acked_packets,
            sa.ack_latency.samples,
            sa.max_in_flight
        );
        println!(
            "  B: {} data, {} ack-only, lost {}, timeline {} buckets of {} s",
            sb.data_packets,
            sb.ack_only_packets,
            sb.lost,
            sb.timeline.packets.len(),
            sb.timeline.bucket_secs
        );
        checksum = checksum.wrapping_add(sa.lost + sb.packets);
    }
    (elapsed, black_box(checksum))
}

fn main() {
    let count = packets();
    let mut a_pool = pool(0x1234, 0x9E37_79B9_7F4A_7C15);
    let mut b_pool = pool(0x4321, 0x2545_F491_4F6C_DD1D);
    // Warm the caches and the pools once.
    let _ = run(Mode::Baseline, &mut a_pool, &mut b_pool, count);
    let report = |name: &str, d: Duration| {
        let ns = d.as_nanos() as f64 / count as f64;
        println!(
            "{name:<28} {:>8.2} ns/packet  {:>6.1} M packets/s  ({:.2} s for {} packets)",
            ns,
            1e3 / ns,
            d.as_secs_f64(),
            count
        );
        ns
    };
    println!("GRE hot path, {count} synthetic packets:");
    let (base, _) = run(Mode::Baseline, &mut a_pool, &mut b_pool, count);
    let base_ns = report("buffer rewrite (baseline)", base);
    let (classify_t, _) = run(Mode::Classify, &mut a_pool, &mut b_pool, count);
    let classify_ns = report("classify", classify_t);
    let (track_t, _) = run(Mode::Track, &mut a_pool, &mut b_pool, count);
    let track_ns = report("classify + track", track_t);
    println!(
        "net of the baseline: classify {:.2} ns, classify + track {:.2} ns ({:.1} M packets/s)",
        classify_ns - base_ns,
        track_ns - base_ns,
        1e3 / (track_ns - base_ns)
    );
}
