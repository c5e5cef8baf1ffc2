//! The `tunnelscope` command: parses arguments, runs the library, maps the
//! outcome to an exit status (0 clean, 1 findings at or above `--fail-on`,
//! 2 bad usage or unreadable input). A closed output pipe is a clean exit.
#![forbid(unsafe_code)]

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use tunnelscope::cli::{Args, Format};
use tunnelscope::report::{flow, json, table};
use tunnelscope::{pipeline, Report};

fn main() -> ExitCode {
    let raw: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if raw.get(1).is_some_and(|a| a == "cert-hash") {
        return cert_hash(raw.get(2..).unwrap_or_default());
    }
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let config = match args.config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("tunnelscope: {e}");
            return ExitCode::from(2);
        }
    };

    let mut reports: Vec<Report> = Vec::new();
    let mut unreadable = false;
    for path in &args.captures {
        match pipeline::analyze_path(path, &config) {
            Ok(r) => reports.push(r),
            Err(e) => {
                eprintln!(
                    "tunnelscope: {}",
                    tunnelscope::text::escape_terminal(&e.to_string())
                );
                unreadable = true;
            }
        }
    }

    let stdout = io::stdout();
    // One buffer for the whole report: stdout alone flushes every line.
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let written = match args.format {
        Format::Json => json::write_json(&mut out, &reports),
        Format::Ndjson => json::write_ndjson(&mut out, &reports),
        Format::Table => reports
            .iter()
            .try_for_each(|r| out.write_all(table::render(r).as_bytes())),
        Format::Flow => reports
            .iter()
            .try_for_each(|r| out.write_all(flow::render(r).as_bytes())),
    }
    .and_then(|()| out.flush());
    if let Err(e) = written {
        if e.kind() == io::ErrorKind::BrokenPipe {
            return ExitCode::SUCCESS;
        }
        eprintln!("tunnelscope: writing output: {e}");
        return ExitCode::from(2);
    }

    if unreadable {
        return ExitCode::from(2);
    }
    let failing = args.fail_on.threshold().is_some_and(|threshold| {
        reports
            .iter()
            .any(|r| r.worst_severity().is_some_and(|w| w >= threshold))
    });
    if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `tunnelscope cert-hash FILE...`: the SHA-1 and SHA-256 of every
/// certificate in PEM or DER files, in the forms an administrator needs.
fn cert_hash(files: &[std::ffi::OsString]) -> ExitCode {
    if files.is_empty() || files.iter().any(|f| f == "-h" || f == "--help") {
        println!(
            "Usage: tunnelscope cert-hash FILE...\n\nPrints the SHA-1 and SHA-256 of each certificate in PEM or DER \
             files (a chain file gives several), in hex and in the form of the SSTP server's \
             SHA256CertificateHash registry value."
        );
        return if files.is_empty() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for file in files {
        let path = std::path::Path::new(file);
        let certificates = match tunnelscope::certfile::read_certificates(path) {
            Ok(c) => c,
            Err(e) => {
                eprintln!(
                    "tunnelscope: {}",
                    tunnelscope::text::escape_terminal(&e.to_string())
                );
                return ExitCode::from(2);
            }
        };
        for (i, der) in certificates.iter().enumerate() {
            let mut text = format!("{} certificate {}:\n", path.display(), i + 1);
            for line in tunnelscope::certfile::cert_hash_lines(der) {
                text.push_str("  ");
                // Names come from the certificate; the rest is ours (and
                // the registry path needs its backslashes as they are).
                if line.starts_with("subject") || line.starts_with("issuer") {
                    text.push_str(&tunnelscope::text::escape_terminal(&line));
                } else {
                    text.push_str(&line);
                }
                text.push('\n');
            }
            if let Err(e) = out.write_all(text.as_bytes()) {
                return if e.kind() == io::ErrorKind::BrokenPipe {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(2)
                };
            }
        }
    }
    ExitCode::SUCCESS
}
