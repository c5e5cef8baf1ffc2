//! Writes the benchmark capture: many PPTP calls with their control
//! connections and, by default, ten million interleaved GRE packets (about
//! 1.7 GB of classic pcap). The traffic is described in
//! `benches/support/bench_capture.rs`.
//!
//! ```text
//! cargo run --release --example gen_bench_capture -- OUT.pcap [--packets N] [--calls C] [--seed S]
//! ```
//!
//! Frames go straight to the file through a buffered writer: memory stays
//! small whatever the size. Output is deterministic: the same arguments
//! give the same bytes. The last line printed is `key=value` pairs for
//! scripts (`scripts/bench.sh` reads `frames` and `pcap_bytes`).

use std::fs::File;
use std::io::BufWriter;
use std::process::ExitCode;
use std::time::Instant;

use tunnelscope::synth::writer::{PcapHeader, PcapWriter};

#[path = "../benches/support/bench_capture.rs"]
mod bench_capture;

use bench_capture::{Spec, DEFAULT_SPEC};

const USAGE: &str = "usage: gen_bench_capture OUT.pcap [--packets N] [--calls C] [--seed S]";

fn parse_args() -> Result<(String, Spec), String> {
    let mut out = None;
    let mut spec = DEFAULT_SPEC;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| -> Result<u64, String> {
            let v = args.next().ok_or_else(|| format!("{name} needs a value"))?;
            let v = v.replace('_', "");
            match v.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => v.parse(),
            }
            .map_err(|e| format!("{name}: {e}"))
        };
        match arg.as_str() {
            "--packets" => spec.packets = value("--packets")?,
            "--calls" => {
                spec.calls =
                    u32::try_from(value("--calls")?).map_err(|_| "--calls is too large".to_string())?
            }
            "--seed" => spec.seed = value("--seed")?,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other if other.starts_with('-') => return Err(format!("unknown option {other}\n{USAGE}")),
            path if out.is_none() => out = Some(path.to_string()),
            extra => return Err(format!("unexpected argument {extra}\n{USAGE}")),
        }
    }
    let out = out.ok_or_else(|| USAGE.to_string())?;
    Ok((out, spec))
}

fn main() -> ExitCode {
    let (path, spec) = match parse_args() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("gen_bench_capture: {e}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let written = File::create(&path).map_err(|e| e.to_string()).and_then(|file| {
        let pcap = PcapWriter::new(BufWriter::with_capacity(1 << 20, file), PcapHeader::default())
            .map_err(|e| e.to_string())?;
        let (pcap, summary) = bench_capture::generate(&spec, pcap).map_err(|e| e.to_string())?;
        // Flushes the buffer; the file closes when dropped.
        pcap.into_inner()
            .map_err(|e| e.to_string())?
            .into_inner()
            .map_err(|e| e.to_string())?;
        Ok(summary)
    });
    match written {
        Ok(summary) => {
            let secs = start.elapsed().as_secs_f64();
            println!(
                "wrote {path} in {secs:.1} s ({:.0} MB/s)",
                summary.pcap_bytes() as f64 / secs / 1e6
            );
            println!("{}", summary.describe(&spec));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_bench_capture: {path}: {e}");
            ExitCode::FAILURE
        }
    }
}
