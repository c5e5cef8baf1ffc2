//! The whole analysis pass in-process: [`Analyzer`] fed the frames of the
//! benchmark capture (`benches/support/bench_capture.rs`; by default 2
//! million GRE packets over 100 PPTP calls, about 340 MB) generated into
//! memory first, so neither the disk nor the page cache is measured.
//!
//! Run with `cargo bench --bench pipeline`. `PIPELINE_BENCH_PACKETS=n`
//! changes the number of GRE packets, `PIPELINE_BENCH_RUNS=n` the runs per
//! measurement (default 3; the fastest by the wall clock is reported, the
//! machine being shared). Each line gives rates by the wall clock and by
//! the time the thread really ran on a CPU (Linux scheduler statistics).
//!
//! Three measurements, each over every frame of the capture:
//! * walking the pcap records (16-byte headers) and touching each frame:
//!   the floor any reader pays;
//! * that walk handing each frame to `Analyzer::frame`, then
//!   `Analyzer::finish`: the analysis alone;
//! * `capture::read_capture` over the bytes with the analyzer: what the
//!   binary does apart from opening the file and printing the report.

use std::hint::black_box;
use std::time::{Duration, Instant};

use tunnelscope::capture::{self, CaptureFormat, CaptureSummary, Frame, LinkType, Timestamp};
use tunnelscope::pipeline::Analyzer;
use tunnelscope::synth::writer::{PcapHeader, PcapWriter};
use tunnelscope::{Config, Report};

#[path = "support/bench_capture.rs"]
mod bench_capture;

use bench_capture::{Spec, DEFAULT_SPEC};

const DEFAULT_PACKETS: u64 = 2_000_000;
const DEFAULT_RUNS: u32 = 3;
const PCAP_FILE_HEADER: usize = 24;
const PCAP_RECORD_HEADER: usize = 16;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// Calls `on_frame` for every record of a little-endian microsecond pcap
/// file, as written by [`PcapWriter`] with [`PcapHeader::default`]. Returns
/// the number of frames; stops at the first record that does not fit.
fn walk_records(pcap: &[u8], on_frame: &mut dyn FnMut(&Frame<'_>)) -> u64 {
    let le32 = |b: &[u8], at: usize| -> Option<u32> {
        b.get(at..at + 4)
            .and_then(|s| s.try_into().ok())
            .map(u32::from_le_bytes)
    };
    let mut at = PCAP_FILE_HEADER;
    let mut number = 0;
    while let (Some(secs), Some(micros), Some(incl), Some(orig)) = (
        le32(pcap, at),
        le32(pcap, at + 4),
        le32(pcap, at + 8),
        le32(pcap, at + 12),
    ) {
        let start = at + PCAP_RECORD_HEADER;
        let Some(data) = pcap.get(start..start + incl as usize) else {
            break;
        };
        number += 1;
        on_frame(&Frame {
            number,
            ts: Timestamp::new(i64::from(secs), micros * 1000),
            link: LinkType::ETHERNET,
            iface: 0,
            data,
            orig_len: orig,
        });
        at = start + incl as usize;
    }
    number
}

/// The summary `read_capture` would give, for `Analyzer::finish`.
fn summary(frames: u64, bytes: u64) -> CaptureSummary {
    CaptureSummary {
        file: "bench".into(),
        format: CaptureFormat::Pcap,
        gzip: false,
        big_endian: false,
        frames,
        bytes,
        first_time: None,
        last_time: None,
        interfaces: Vec::new(),
        unsupported_link_types: Vec::new(),
        comments: Vec::new(),
        warnings: Vec::new(),
    }
}

/// Time this thread has spent on a CPU, from the scheduler's statistics
/// (Linux `/proc/thread-self/schedstat`, first field, nanoseconds). On a
/// shared machine this is steadier than the wall clock.
fn on_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// One measurement: wall time and, where known, on-CPU time.
struct Timing {
    wall: Duration,
    cpu: Option<Duration>,
}

/// Runs `f` `runs` times (at least once) and keeps the run with the
/// shortest wall time, with its result.
fn best_of<T>(runs: u32, mut f: impl FnMut() -> T) -> (Timing, T) {
    let mut timed = || {
        let cpu_start = on_cpu();
        let start = Instant::now();
        let out = black_box(f());
        let wall = start.elapsed();
        let cpu = cpu_start.zip(on_cpu()).map(|(a, b)| b.saturating_sub(a));
        (Timing { wall, cpu }, out)
    };
    let mut best = timed();
    for _ in 1..runs {
        let next = timed();
        if next.0.wall < best.0.wall {
            best = next;
        }
    }
    best
}

fn report_line(name: &str, t: &Timing, frames: u64, bytes: u64) {
    let rates = |d: Duration| {
        let secs = d.as_secs_f64();
        format!(
            "{:>6.1} ns/packet {:>6.2} M packets/s {:>5.2} GB/s",
            secs * 1e9 / frames as f64,
            frames as f64 / secs / 1e6,
            bytes as f64 / secs / 1e9,
        )
    };
    println!(
        "{name:<34} wall {}  ({:.3} s)",
        rates(t.wall),
        t.wall.as_secs_f64()
    );
    if let Some(cpu) = t.cpu {
        println!("{:<34} CPU  {}  ({:.3} s)", "", rates(cpu), cpu.as_secs_f64());
    }
}

fn describe(report: &Report) -> String {
    format!(
        "{} frames read, {} packets decoded, {} PPTP control sessions",
        report.captures.first().map_or(0, |c| c.frames),
        report.stats.net.packets,
        report.pptp_sessions.len()
    )
}

fn main() {
    let spec = Spec {
        packets: env_or("PIPELINE_BENCH_PACKETS", DEFAULT_PACKETS),
        ..DEFAULT_SPEC
    };
    let runs = env_or("PIPELINE_BENCH_RUNS", u64::from(DEFAULT_RUNS)) as u32;
    let config = Config::default();

    let start = Instant::now();
    // About 170 bytes per frame (see bench_capture.rs); one allocation.
    let buffer = Vec::with_capacity((spec.packets as usize).saturating_mul(172));
    let generated = PcapWriter::new(buffer, PcapHeader::default())
        .and_then(|pcap| bench_capture::generate(&spec, pcap))
        .and_then(|(pcap, summary)| Ok((pcap.into_inner()?, summary)));
    let (pcap, truth) = match generated {
        Ok(g) => g,
        Err(e) => {
            eprintln!("pipeline bench: generating the capture: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "generated in memory in {:.1} s: {}",
        start.elapsed().as_secs_f64(),
        truth.describe(&spec)
    );
    let frames = truth.frames;
    let bytes = pcap.len() as u64;
    println!("best of {runs} runs, over {frames} frames ({bytes} bytes of pcap):");

    let (walk, checksum) = best_of(runs, || {
        let mut sum = 0u64;
        let n = walk_records(&pcap, &mut |f| {
            sum = sum.wrapping_add(u64::from(black_box(f.data).first().copied().unwrap_or(0)))
        });
        (n, sum)
    });
    assert_eq!(checksum.0, frames, "the record walk must see every frame");
    report_line("walk pcap records (floor)", &walk, frames, bytes);

    let (analyze, report) = best_of(runs, || {
        let mut analyzer = Analyzer::new(&config);
        let n = walk_records(&pcap, &mut |f| analyzer.frame(f));
        analyzer.finish(summary(n, truth.frame_bytes))
    });
    report_line("walk + Analyzer::frame + finish", &analyze, frames, bytes);
    println!("  {}", describe(&report));

    let (read, report) = best_of(runs, || {
        let mut analyzer = Analyzer::new(&config);
        let mut input: &[u8] = &pcap;
        match capture::read_capture(&mut input, "bench", &mut analyzer) {
            Ok(summary) => analyzer.finish(summary),
            Err(e) => {
                eprintln!("pipeline bench: reading the capture back: {e}");
                std::process::exit(1);
            }
        }
    });
    report_line("read_capture + Analyzer (no I/O)", &read, frames, bytes);
    println!("  {}", describe(&report));
    assert_eq!(
        report.captures.first().map(|c| c.frames),
        Some(frames),
        "the reader must count every frame"
    );
}
