//! GRE sequence analysis against tshark: per direction, the counts that
//! tshark's list of `gre.sequence_number` / `gre.ack_number` implies,
//! computed here independently (a plain set of numbers, no windows), must
//! equal tunnelscope's.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::Path;

use crate::common;

#[derive(Debug, Default, PartialEq, Eq)]
struct Expect {
    packets: u64,
    data_packets: u64,
    ack_only_packets: u64,
    first_seq: Option<u32>,
    last_seq: Option<u32>,
    lost: u64,
    duplicates: u64,
    reordered: u64,
    max_ack: Option<u32>,
}

/// Serial-number "a is after b" (RFC 1982, 32 bits).
fn after(a: u32, b: u32) -> bool {
    a != b && a.wrapping_sub(b) < 0x8000_0000
}

/// (src, dst, call id) → what tshark's fields imply.
fn from_golden(path: &Path) -> BTreeMap<(String, String, u16), Expect> {
    let text = fs::read_to_string(path).unwrap_or_default();
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .unwrap_or("")
        .trim_start_matches('#')
        .split('\t')
        .collect();
    let col = |n: &str| header.iter().position(|h| *h == n);
    let (Some(call), Some(seq), Some(ack), Some(len)) = (
        col("gre.key.call_id"),
        col("gre.sequence_number"),
        col("gre.ack_number"),
        col("gre.key.payload_length"),
    ) else {
        return BTreeMap::new();
    };
    let mut seen: BTreeMap<(String, String, u16), (Expect, HashSet<u32>)> = BTreeMap::new();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        let get = |i: usize| f.get(i).copied().unwrap_or("");
        // The addresses of the IP header right before GRE: tshark lists
        // every IP header of the frame in order (the PPP payload's too), so
        // count the IP layers before "gre" in frame.protocols.
        let layers: Vec<&str> = get(col("frame.protocols").unwrap_or(99)).split(':').collect();
        let before_gre = layers.iter().position(|l| *l == "gre").unwrap_or(0);
        let carrier = layers.get(before_gre.wrapping_sub(1)).copied().unwrap_or("ip");
        let nth = layers
            .iter()
            .take(before_gre)
            .filter(|l| **l == carrier)
            .count()
            .saturating_sub(1);
        let pick = |field: &str| {
            get(col(field).unwrap_or(99))
                .split(',')
                .nth(nth)
                .unwrap_or("")
                .to_string()
        };
        let (src, dst) = if carrier == "ipv6" {
            (pick("ipv6.src"), pick("ipv6.dst"))
        } else {
            (pick("ip.src"), pick("ip.dst"))
        };
        let Ok(call_id) = get(call).parse::<u16>() else {
            continue;
        };
        let (e, set) = seen.entry((src, dst, call_id)).or_default();
        e.packets += 1;
        if let Ok(a) = get(ack).parse::<u32>() {
            e.max_ack = Some(match e.max_ack {
                Some(m) if !after(a, m) => m,
                _ => a,
            });
        }
        match get(seq).parse::<u32>() {
            Ok(s) => {
                e.data_packets += 1;
                if set.contains(&s) {
                    e.duplicates += 1;
                    continue;
                }
                match e.last_seq {
                    Some(last) if after(last, s) => e.reordered += 1,
                    _ => e.last_seq = Some(s),
                }
                if e.first_seq.is_none_or(|first| after(first, s)) {
                    e.first_seq = Some(s);
                }
                set.insert(s);
            }
            Err(_) if get(len) == "0" => e.ack_only_packets += 1,
            Err(_) => {}
        }
    }
    seen.into_iter()
        .map(|(k, (mut e, set))| {
            if let (Some(first), Some(last)) = (e.first_seq, e.last_seq) {
                let span = u64::from(last.wrapping_sub(first)) + 1;
                e.lost = span - set.len() as u64;
            }
            (k, e)
        })
        .collect()
}

fn check(capture: &Path, golden: &Path) {
    let expected = from_golden(golden);
    let report = common::analyze(capture);
    let mut ours = BTreeMap::new();
    for f in &report.gre_flows {
        let s = &f.stats;
        let e = Expect {
            packets: s.packets,
            data_packets: s.data_packets,
            ack_only_packets: s.ack_only_packets,
            first_seq: s.first_seq,
            last_seq: s.last_seq,
            lost: s.lost,
            duplicates: s.duplicates,
            reordered: s.reordered,
            max_ack: s.max_ack,
        };
        ours.insert((f.src.to_string(), f.dst.to_string(), f.call_id), e);
    }
    assert_eq!(ours, expected, "{}", capture.display());
}

#[test]
fn shared_captures_gre_counts_agree_with_tshark() {
    let Some(dir) = common::shared_captures() else {
        return;
    };
    let mut checked = 0;
    for entry in fs::read_dir(common::root().join("tests/golden"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(capture) = name.strip_suffix(".gre.tsv") else {
            continue;
        };
        let path = dir.join(capture);
        if path.exists() {
            check(&path, &entry.path());
            checked += 1;
        }
    }
    assert_eq!(checked, 8, "shared captures with PPTP GRE");
}

#[test]
fn generated_captures_gre_counts_agree_with_tshark() {
    let mut checked = 0;
    for entry in fs::read_dir(common::root().join("tests/golden"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(capture) = name.strip_suffix(".gre.tsv") else {
            continue;
        };
        // Where tshark's flat list cannot stand for the truth: two calls
        // reuse the same Call IDs (one key, two calls), or every packet is
        // captured twice (the copies look like duplicates). The exact
        // counts of both are checked against the generator's ground truth
        // in `generated.rs`.
        if matches!(capture, "gre-call-ids-reused.pcap" | "gre-doubled.pcap") {
            continue;
        }
        let path = common::own(capture);
        if path.exists() {
            check(&path, &entry.path());
            checked += 1;
        }
    }
    assert!(checked >= 15, "generated captures with GRE: {checked}");
}
