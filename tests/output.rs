//! The rendered output is the product: tables and the flow ladder are
//! compared with snapshots in `tests/snapshots/` (rewrite them with
//! `UPDATE_SNAPSHOTS=1 cargo test`, then review the diff), and strings from
//! a capture must never reach the terminal raw.

use std::fs;

use tunnelscope::report::{flow, table};
use tunnelscope::{pipeline, Config};

use crate::common::{own, root};

/// Analyses a capture of `captures/` by its path relative to the
/// repository, the working directory of integration tests (the report
/// shows the path as given).
fn analyze(name: &str) -> tunnelscope::Report {
    let path = format!("captures/{name}");
    pipeline::analyze_path(&path, &Config::default()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn snapshot(name: &str, actual: &str) {
    let path = root().join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        fs::write(&path, actual).unwrap_or_else(|e| panic!("{e}"));
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_default();
    assert!(expected == actual, "{name} differs from its snapshot:\n{actual}");
}

#[test]
fn clean_session_table() {
    snapshot(
        "pptp-clean.table.txt",
        &table::render(&analyze("pptp-clean.pcap")),
    );
}

#[test]
fn clean_session_ladder() {
    snapshot("pptp-clean.flow.txt", &flow::render(&analyze("pptp-clean.pcap")));
}

#[test]
fn segmentation_ladder_shows_split_messages_with_their_frames() {
    let text = flow::render(&analyze("pptp-segmentation.pcap"));
    snapshot("pptp-segmentation.flow.txt", &text);
    assert!(text.contains("6-8  ───────── Outgoing-Call-Request"), "{text}");
}

#[test]
fn gre_blocked_table() {
    snapshot(
        "gre-blocked.table.txt",
        &table::render(&analyze("gre-blocked.pcap")),
    );
}

#[test]
fn order_violations_are_marked_in_the_ladder() {
    let text = flow::render(&analyze("pptp-order-violations.pcap"));
    snapshot("pptp-order-violations.flow.txt", &text);
    assert!(text.contains("⚠ pptp_call_before_control_connection"));
    assert!(text.contains("⚠ pptp_message_after_stop"));
}

/// A host name with terminal control sequences, patched into the clean
/// capture (the same length, so every offset stays right).
#[test]
fn capture_strings_are_escaped_for_the_terminal_and_json_stays_valid() {
    let mut bytes = fs::read(own("pptp-clean.pcap")).unwrap_or_default();
    let needle = b"tunnelscope-client";
    let evil = b"ev\x1b[2J\x07\r\nil\x1b]0;x\x07!";
    assert_eq!(needle.len(), evil.len());
    let at = bytes.windows(needle.len()).position(|w| w == needle).unwrap_or(0);
    assert!(at > 0);
    bytes.splice(at..at + needle.len(), evil.iter().copied());
    let dir = std::env::temp_dir().join(format!("tunnelscope-escape-{}", std::process::id()));
    let _ = fs::create_dir_all(&dir);
    let path = dir.join("evil.pcap");
    fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let report =
        pipeline::analyze_path(&path.to_string_lossy(), &Config::default()).unwrap_or_else(|e| panic!("{e}"));
    for text in [table::render(&report), flow::render(&report)] {
        assert!(
            !text.contains('\x1b') && !text.contains('\x07') && !text.contains('\r'),
            "raw control bytes: {text:?}"
        );
    }
    // The ladder keeps the escaped name on one line.
    assert!(flow::render(&report).contains(r#"host "ev\x1b[2J\x07\r\nil\x1b]0;x\x07!""#));
    let json = serde_json::to_string(&report).unwrap_or_default();
    let back: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    assert_eq!(
        back["pptp_sessions"][0]["client_info"]["host_name"],
        "ev\u{1b}[2J\u{7}\r\nil\u{1b}]0;x\u{7}!"
    );
    let _ = fs::remove_dir_all(&dir);
}
