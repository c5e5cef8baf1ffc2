//! tunnelscope's PPTP decode against tshark's, field by field.
//!
//! `scripts/golden.sh` stores tshark's per-frame PPTP fields for every
//! capture in `captures/` and `../shared/captures` as `tests/golden/*.tsv`.
//! Each frame tshark decodes must be decoded the same way here, and every
//! message decoded here must be in tshark's list, except where tshark is
//! known to be wrong; those cases are listed below with the reason, and the
//! test checks that they really occur.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use serde_json::Value;

use crate::common;

/// Where tshark's decode is wrong, by capture and frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TsharkWrong {
    /// tshark decodes bytes whose magic cookie is not 0x1A2B3C4D as PPTP.
    BadCookie,
    /// tshark decodes a retransmitted segment's message a second time;
    /// tunnelscope counts it once, at its first frame.
    Retransmission,
}

/// Exceptions that are not visible in the golden file's own columns.
const KNOWN: &[(&str, u64, TsharkWrong)] = &[];

/// One message as the comparison sees it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Fields {
    type_code: u16,
    call_id: Option<u64>,
    peer_call_id: Option<u64>,
    result_code: Option<u64>,
}

/// One line of a golden file.
#[derive(Debug)]
struct Row {
    frame: u64,
    retransmission: bool,
    cookies: Vec<String>,
    types: Vec<u16>,
    call_ids: Vec<u64>,
    peer_call_ids: Vec<u64>,
    results: Vec<u64>,
}

fn list<T: std::str::FromStr>(s: &str) -> Vec<T> {
    s.split(',')
        .filter(|v| !v.is_empty())
        .filter_map(|v| v.parse().ok())
        .collect()
}

fn rows(path: &PathBuf) -> Vec<Row> {
    let text = fs::read_to_string(path).unwrap_or_default();
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .unwrap_or("")
        .trim_start_matches('#')
        .split('\t')
        .collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let result_cols: Vec<usize> = [
        "pptp.control_result",
        "pptp.stop_result",
        "pptp.echo_result",
        "pptp.out_result",
        "pptp.in_result",
        "pptp.disc_result",
    ]
    .iter()
    .filter_map(|n| col(n))
    .collect();
    lines
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let get = |name: &str| col(name).and_then(|i| f.get(i).copied()).unwrap_or("");
            let mut results = Vec::new();
            for &i in &result_cols {
                results.extend(list::<u64>(f.get(i).copied().unwrap_or("")));
            }
            Row {
                frame: get("frame.number").parse().unwrap_or(0),
                retransmission: !get("tcp.analysis.retransmission").is_empty(),
                cookies: get("pptp.magic_cookie").split(',').map(str::to_string).collect(),
                types: list(get("pptp.control_message_type")),
                call_ids: list(get("pptp.call_id")),
                peer_call_ids: list(get("pptp.peer_call_id")),
                results,
            }
        })
        .collect()
}

fn ours(report: &tunnelscope::Report) -> BTreeMap<u64, Vec<Fields>> {
    let json = common::json(report);
    let mut by_frame: BTreeMap<u64, Vec<Fields>> = BTreeMap::new();
    for session in json["pptp_sessions"].as_array().into_iter().flatten() {
        for m in session["messages"].as_array().into_iter().flatten() {
            let frame = m["frame"].as_u64().unwrap_or(0);
            by_frame.entry(frame).or_default().push(Fields {
                type_code: m["type_code"].as_u64().unwrap_or(0) as u16,
                call_id: m["call_id"].as_u64(),
                peer_call_id: m["peer_call_id"].as_u64(),
                result_code: m.get("result_code").and_then(Value::as_u64),
            });
        }
    }
    by_frame
}

fn sorted<T: Ord + Clone>(v: &[T]) -> Vec<T> {
    let mut v = v.to_vec();
    v.sort();
    v
}

/// Compares one capture; returns the tshark errors it found.
fn compare(capture: &PathBuf, golden: &PathBuf) -> Vec<(u64, TsharkWrong)> {
    let name = capture.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let report = common::analyze(capture);
    let mut ours = ours(&report);
    let mut wrong = Vec::new();
    for row in rows(golden) {
        let known = KNOWN
            .iter()
            .find(|(f, n, _)| *f == name && *n == row.frame)
            .map(|k| k.2);
        let mine = ours.remove(&row.frame).unwrap_or_default();
        if row.cookies.iter().any(|c| c != "0x1a2b3c4d") {
            // tshark took bytes with a wrong cookie for PPTP; none of them
            // may be decoded here.
            assert!(
                mine.len() < row.types.len(),
                "{name} frame {}: bytes with a bad magic cookie were decoded as PPTP: {mine:?}",
                row.frame
            );
            wrong.push((row.frame, TsharkWrong::BadCookie));
            continue;
        }
        if row.retransmission || known == Some(TsharkWrong::Retransmission) {
            assert!(
                mine.is_empty(),
                "{name} frame {}: a retransmitted message was decoded twice",
                row.frame
            );
            wrong.push((row.frame, TsharkWrong::Retransmission));
            continue;
        }
        let types: Vec<u16> = mine.iter().map(|m| m.type_code).collect();
        assert_eq!(
            sorted(&types),
            sorted(&row.types),
            "{name} frame {}: message types",
            row.frame
        );
        let call_ids: Vec<u64> = mine.iter().filter_map(|m| m.call_id).collect();
        assert_eq!(
            sorted(&call_ids),
            sorted(&row.call_ids),
            "{name} frame {}: call IDs",
            row.frame
        );
        let peers: Vec<u64> = mine.iter().filter_map(|m| m.peer_call_id).collect();
        assert_eq!(
            sorted(&peers),
            sorted(&row.peer_call_ids),
            "{name} frame {}: peer call IDs",
            row.frame
        );
        let results: Vec<u64> = mine.iter().filter_map(|m| m.result_code).collect();
        assert_eq!(
            sorted(&results),
            sorted(&row.results),
            "{name} frame {}: result codes",
            row.frame
        );
    }
    assert!(
        ours.is_empty(),
        "{name}: messages tshark does not show at these frames: {ours:?}"
    );
    wrong
}

fn golden_for(name: &str) -> PathBuf {
    common::root()
        .join("tests/golden")
        .join(format!("{name}.pptp.tsv"))
}

#[test]
fn shared_captures_agree_with_tshark() {
    let Some(dir) = common::shared_captures() else {
        return;
    };
    let expected_wrong: &[(&str, &[(u64, TsharkWrong)])] = &[
        // Every server frame appears twice (the copy padded to 60 bytes);
        // each message counts once.
        ("the-tcpdump-group_tcpdump__pptp.pcap", &[]),
        // The client's retransmitted FIN segment (frame 19) carries
        // Call-Clear-Request again; it is one message, at frame 16.
        ("ntop_nDPI__pptp.pcap", &[]),
        ("epiecs_packetlife-backup__PPTP_negotiation.cap", &[]),
        ("moxie0_chapcrack__sample.dump", &[]),
        ("openwall_john-samples__lulu-password-pptp.pcap", &[]),
    ];
    for (name, wrong) in expected_wrong {
        let golden = golden_for(name);
        assert!(
            golden.exists(),
            "missing golden file for {name}: run scripts/golden.sh"
        );
        let found = compare(&dir.join(name), &golden);
        assert_eq!(&found, wrong, "{name}: where tshark is wrong");
    }
}

#[test]
fn http_on_port_1723_is_not_pptp_though_tshark_decodes_it() {
    let Some(dir) = common::shared_captures() else {
        return;
    };
    let name = "ajbanjara_Wireshark__c05-http-reply-r1.pcap.gz";
    let found = compare(&dir.join("negatives").join(name), &golden_for(name));
    // tshark shows two "PPTP" frames whose cookie is the text "/ HT".
    assert_eq!(
        found,
        vec![(44856, TsharkWrong::BadCookie), (44858, TsharkWrong::BadCookie)]
    );
    let report = common::analyze(&dir.join("negatives").join(name));
    assert!(report.pptp_sessions.is_empty());
}
