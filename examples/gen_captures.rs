//! Writes every generated test capture and its README.
//!
//! `cargo run --example gen_captures -- [OUT_DIR]` (default `captures/`).
//! Output is deterministic: running it again gives the same bytes.

use std::path::PathBuf;
use std::process::ExitCode;

use tunnelscope::synth::scenarios;

fn main() -> ExitCode {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "captures".to_string()));
    match run(&dir) {
        Ok(count) => {
            println!("wrote {count} captures and README.md to {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_captures: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(dir: &std::path::Path) -> Result<usize, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let all = scenarios::all()?;
    for sc in &all {
        std::fs::write(dir.join(sc.file_name), &sc.bytes)?;
    }
    for (name, bytes) in scenarios::extra_files() {
        std::fs::write(dir.join(name), bytes)?;
    }
    std::fs::write(dir.join("README.md"), scenarios::readme(&all))?;
    Ok(all.len())
}
