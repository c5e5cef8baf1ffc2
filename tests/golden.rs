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
use std::path::{Path, PathBuf};

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
    /// A message split over segments: tshark decodes the first segment as
    /// if the message were whole (or not at all); tunnelscope decodes it
    /// once, at the frame of its last byte.
    SplitMessage,
    /// Several messages in one segment: tshark decodes only the first.
    BackToBack,
    /// A segment that arrived out of order and filled a hole: tshark (which
    /// does not reassemble out-of-order segments by default) decodes
    /// nothing in it.
    OutOfOrder,
    /// tshark decodes a message whose Length is shorter than the 12-byte
    /// header; no such message can exist.
    ImpossibleLength,
}

/// Exceptions that are not visible in the golden file's own columns.
const KNOWN: &[(&str, u64, TsharkWrong)] = &[
    ("pptp-retrans-reorder.pcap", 17, TsharkWrong::OutOfOrder),
    ("pptp-malformed.pcap", 16, TsharkWrong::ImpossibleLength),
];

/// One message as the comparison sees it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Fields {
    type_code: u16,
    first_frame: Option<u64>,
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

fn rows(path: &Path) -> Vec<Row> {
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
                first_frame: m["first_frame"].as_u64(),
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
fn compare(capture: &Path, golden: &Path) -> Vec<(u64, TsharkWrong)> {
    let name = capture.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let report = common::analyze(capture);
    let mut ours = ours(&report);
    // Frames that carry part of a message split over segments.
    let split_spans: Vec<(u64, u64)> = ours
        .iter()
        .flat_map(|(frame, list)| {
            list.iter()
                .filter_map(move |m| m.first_frame.map(|f| (f, *frame)))
        })
        .collect();
    let in_split = |frame: u64| split_spans.iter().any(|&(a, b)| a <= frame && frame <= b);
    let mut wrong = Vec::new();
    for row in rows(golden) {
        let known = KNOWN
            .iter()
            .find(|(f, n, _)| *f == name && *n == row.frame)
            .map(|k| k.2);
        let mine = ours.remove(&row.frame).unwrap_or_default();
        if row.cookies.iter().any(|c| c != "0x1a2b3c4d") && in_split(row.frame) {
            // tshark read the tail of a message split over segments as a new
            // message (whose "cookie" is message body bytes).
            wrong.push((row.frame, TsharkWrong::SplitMessage));
            continue;
        }
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
        if known == Some(TsharkWrong::ImpossibleLength) {
            assert!(
                mine.is_empty(),
                "{name} frame {}: a message shorter than its header was decoded",
                row.frame
            );
            wrong.push((row.frame, TsharkWrong::ImpossibleLength));
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
        if types.len() > 1 && row.types.len() == 1 && types.first() == row.types.first() {
            // Only the first of the segment's messages is in tshark's decode.
            wrong.push((row.frame, TsharkWrong::BackToBack));
            continue;
        }
        if types != row.types && in_split(row.frame) {
            wrong.push((row.frame, TsharkWrong::SplitMessage));
            if let Some(m) = mine.iter().find(|m| m.first_frame.is_none()) {
                panic!(
                    "{name} frame {}: message {} differs from tshark's decode",
                    row.frame, m.type_code
                );
            }
            continue;
        }
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
    // Messages at frames tshark shows no PPTP at: only the ends of
    // messages split over segments may be there.
    for (frame, list) in &ours {
        if KNOWN.contains(&(name, *frame, TsharkWrong::OutOfOrder)) {
            wrong.push((*frame, TsharkWrong::OutOfOrder));
            continue;
        }
        for m in list {
            assert!(
                m.first_frame.is_some(),
                "{name} frame {frame}: message {} that tshark does not show",
                m.type_code
            );
            wrong.push((*frame, TsharkWrong::SplitMessage));
        }
    }
    wrong.sort_by_key(|w| w.0);
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

#[test]
fn generated_captures_agree_with_tshark() {
    use TsharkWrong::*;
    let expected_wrong: &[(&str, &[(u64, TsharkWrong)])] = &[
        ("pptp-clean.pcap", &[]),
        ("pptp-clean.pcap.gz", &[]),
        ("pptp-call-rejected.pcap", &[]),
        ("pptp-no-sccrp.pcap", &[]),
        ("pptp-echo-unanswered.pcap", &[]),
        ("pptp-rst-midcall.pcap", &[]),
        ("pptp-two-clients.pcap", &[]),
        // The OCRQ arrives in frames 6, 7 and 8: tshark decodes frame 6 as
        // a whole OCRQ and frames 7 and 8 as messages with bad cookies.
        // Frame 11 carries SLI + Echo-Request + Echo-Reply and frame 20
        // Echo-Reply + CDN: tshark decodes only the first of each. The CCRQ
        // starts in frame 18 and ends in 19.
        (
            "pptp-segmentation.pcap",
            &[
                (6, SplitMessage),
                (7, SplitMessage),
                (8, SplitMessage),
                (11, BackToBack),
                (19, SplitMessage),
                (20, BackToBack),
            ],
        ),
        // Frame 16's segment (SLI) came before frame 17's (Echo-Request),
        // which tshark leaves undecoded.
        ("pptp-retrans-reorder.pcap", &[(17, OutOfOrder)]),
        ("pptp-ipv6.pcap", &[]),
        ("pptp-vlan.pcap", &[]),
        ("pptp-sll2.pcap", &[]),
        ("pptp-two-ifaces.pcapng", &[]),
        ("pptp-nanosecond.pcap", &[]),
        ("pptp-bigendian.pcap", &[]),
        // Frame 8 has cookie 0xDEADBEEF; frame 16 a Length of 8.
        ("pptp-malformed.pcap", &[(8, BadCookie), (16, ImpossibleLength)]),
        ("pptp-order-violations.pcap", &[]),
        ("pptp-midsession.pcap", &[]),
        ("pptp-incoming-call.pcap", &[]),
        // HTTP on port 1723: tshark decodes both directions' text as PPTP.
        ("http-port-1723.pcap", &[(4, BadCookie), (6, BadCookie)]),
    ];
    for (name, wrong) in expected_wrong {
        let golden = golden_for(name);
        if !golden.exists() {
            // tshark decodes no PPTP at all in this file.
            assert!(
                common::analyze(&common::own(name)).pptp_sessions.is_empty() || name.contains("port-8080")
            );
            continue;
        }
        let found = compare(&common::own(name), &golden);
        assert_eq!(&found, wrong, "{name}: where tshark is wrong");
    }
}

/// Call-Disconnect-Notify's Call Statistics field is 128 bytes (RFC 2637
/// §2.13); tshark reads only 64 of them.
#[test]
fn call_statistics_are_128_bytes_where_tshark_reads_64() {
    let name = "pptp-incoming-call.pcap";
    let text = fs::read_to_string(golden_for(name)).unwrap_or_default();
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .unwrap_or("")
        .trim_start_matches('#')
        .split('\t')
        .collect();
    let col = header.iter().position(|h| *h == "pptp.call_Statistics");
    let theirs: Vec<String> = lines
        .filter_map(|l| col.and_then(|c| l.split('\t').nth(c)).map(str::to_string))
        .filter(|v| !v.is_empty())
        .collect();
    assert_eq!(theirs.len(), 1, "tshark shows one Call-Disconnect-Notify");
    assert_eq!(theirs[0].len(), 64);

    let report = common::analyze(&common::own(name));
    let disconnect = report.pptp_sessions[0].calls[0]
        .disconnect
        .as_ref()
        .map(|d| d.call_statistics.clone());
    let ours = disconnect.unwrap_or_default();
    assert_eq!(ours.len(), 128);
    assert!(ours.starts_with(&theirs[0]));
    assert!(ours.ends_with("END-OF-128"));
}
