//! Writes the application exchange of the recorded TLS captures' SSTP
//! session as numbered files, one per write: `01-client.bin`,
//! `02-server.bin`, …, and `steps.tsv` (step, side, bytes, wait in
//! microseconds). `scripts/record-openssl-tls.sh` feeds them to
//! `openssl s_client` and `s_server` in this order.
//!
//! `cargo run --example sstp_exchange -- DIR`

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use tunnelscope::synth::exchange::sstp_session_steps;
use tunnelscope::synth::tcp::Side;

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: sstp_exchange DIR");
        return ExitCode::from(2);
    };
    match run(&dir) {
        Ok(n) => {
            println!("wrote {n} steps to {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sstp_exchange: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(dir: &std::path::Path) -> Result<usize, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let steps = sstp_session_steps()?;
    let mut index = String::from("step\tside\tbytes\twait_us\n");
    for (i, step) in steps.iter().enumerate() {
        let side = match step.side {
            Side::Client => "client",
            Side::Server => "server",
        };
        let n = i + 1;
        std::fs::write(dir.join(format!("{n:02}-{side}.bin")), &step.bytes)?;
        writeln!(
            index,
            "{n}\t{side}\t{}\t{}",
            step.bytes.len(),
            step.wait.as_micros()
        )?;
    }
    std::fs::write(dir.join("steps.tsv"), index)?;
    Ok(steps.len())
}
