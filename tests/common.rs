//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tunnelscope::{pipeline, Config, Report};

/// The repository root (tests run with it as working directory).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/captures` when it exists beside the repository.
pub fn shared_captures() -> Option<PathBuf> {
    let dir = root().join("../shared/captures");
    dir.is_dir().then_some(dir)
}

/// A capture of the project's own `captures/`.
pub fn own(name: &str) -> PathBuf {
    root().join("captures").join(name)
}

/// Analyses one capture with the default configuration.
pub fn analyze(path: &Path) -> Report {
    match pipeline::analyze_path(&path.to_string_lossy(), &Config::default()) {
        Ok(r) => r,
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

/// The report as JSON, for field-by-field checks.
pub fn json(report: &Report) -> Value {
    serde_json::to_value(report).unwrap_or(Value::Null)
}

/// Every finding code in report order.
pub fn finding_codes(report: &Report) -> Vec<&'static str> {
    report.findings.iter().map(|f| f.code).collect()
}

/// Every PPTP message of every session as (frame, type code), in report order.
pub fn messages(report: &Report) -> Vec<(u64, u16)> {
    report
        .pptp_sessions
        .iter()
        .flat_map(|s| s.messages.iter().map(|m| (m.frame, m.type_code)))
        .collect()
}
