//! Any bytes as a run of PPP frames on one link: each record is a byte
//! whose low bit picks the direction, a length byte and that many bytes.
//! The tracker and its report must never panic, whatever the order.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tunnelscope::capture::Timestamp;
use tunnelscope::ppp::negotiation::{Direction, PppLimits, PppLink};

fuzz_target!(|data: &[u8]| {
    let mut link = PppLink::with_limits(PppLimits {
        events: 64,
        listed: 4,
        ..PppLimits::default()
    });
    let mut rest = data;
    let mut frame = 0u64;
    while let [head, len, tail @ ..] = rest {
        let (bytes, after) = tail.split_at(usize::from(*len).min(tail.len()));
        let direction = if head & 1 == 0 {
            Direction::ClientToServer
        } else {
            Direction::ServerToClient
        };
        frame += 1;
        link.frame(direction, frame, Timestamp::new(i64::from(*head), 0), bytes);
        rest = after;
    }
    let _ = serde_json::to_string(&link.report());
});
