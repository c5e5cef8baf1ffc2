//! Any bytes as one SSTP packet, then as an SSTP byte stream cut into pushes
//! of varying size with the odd gap.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tunnelscope::capture::Timestamp;
use tunnelscope::sstp::stream::SstpStream;
use tunnelscope::sstp::wire::{call_connected_for_mac, parse_packet};

fuzz_target!(|data: &[u8]| {
    if let Ok(packet) = parse_packet(data) {
        let _ = serde_json::to_string(&packet);
        if let Some(message) = packet.control() {
            let _ = message.summary();
        }
        for anomaly in &packet.anomalies {
            let _ = anomaly.describe();
        }
    }
    let _ = call_connected_for_mac(data);

    let mut stream = SstpStream::new();
    let mut rest = data;
    let mut frame = 1;
    while let Some((&cut, tail)) = rest.split_first() {
        let n = usize::from(cut % 64).min(tail.len());
        let (chunk, after) = tail.split_at(n);
        if cut == 0xff {
            stream.gap(u64::from(cut), frame, &mut |_| {});
        }
        stream.push(chunk, frame, Timestamp::default(), &mut |item| {
            let _ = format!("{item:?}");
        });
        rest = after;
        frame += 1;
    }
    stream.finish(&mut |_| {});
});
