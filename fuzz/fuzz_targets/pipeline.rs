//! Raw bytes as frames through the whole analysis and every renderer: the
//! first byte picks the link type, then each frame is a 2-byte length and
//! that many bytes. Skips the capture container so the fuzzer spends its
//! time in the protocol layers.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tunnelscope::capture::{CaptureFormat, CaptureSummary, Frame, LinkType, Timestamp};
use tunnelscope::pipeline::Analyzer;
use tunnelscope::report::{flow, table};
use tunnelscope::Config;

const LINKS: [LinkType; 8] = [
    LinkType::ETHERNET,
    LinkType::RAW,
    LinkType::LINUX_SLL,
    LinkType::LINUX_SLL2,
    LinkType::NULL,
    LinkType::PPP,
    LinkType::IPV4,
    LinkType::IPV6,
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, mut rest)) = data.split_first() else { return };
    let link = LINKS[usize::from(pick) % LINKS.len()];
    let mut analyzer = Analyzer::new(&Config::default());
    let mut number = 0u64;
    while rest.len() >= 2 {
        let len = usize::from(u16::from_be_bytes([rest[0], rest[1]])).min(rest.len() - 2);
        let (frame, after) = rest[2..].split_at(len);
        number += 1;
        analyzer.frame(&Frame {
            number,
            ts: Timestamp::new(1_700_000_000 + number as i64, 0),
            link,
            iface: 0,
            data: frame,
            orig_len: frame.len() as u32,
        });
        rest = after;
    }
    let summary = CaptureSummary {
        file: "fuzz".into(),
        format: CaptureFormat::Pcap,
        gzip: false,
        big_endian: false,
        frames: number,
        bytes: 0,
        first_time: None,
        last_time: None,
        interfaces: Vec::new(),
        unsupported_link_types: Vec::new(),
        comments: Vec::new(),
        warnings: Vec::new(),
    };
    let report = analyzer.finish(summary);
    let _ = serde_json::to_string(&report);
    let _ = table::render(&report);
    let _ = flow::render(&report);
});
