//! Any bytes as a PPTP control byte stream, cut into pushes of varying size.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tunnelscope::capture::Timestamp;
use tunnelscope::pptp::stream::PptpStream;

fuzz_target!(|data: &[u8]| {
    let mut stream = PptpStream::new();
    let mut rest = data;
    let mut frame = 1;
    while let Some((&cut, tail)) = rest.split_first() {
        let n = usize::from(cut % 64).min(tail.len());
        let (chunk, after) = tail.split_at(n);
        if cut == 0xff {
            stream.gap(u64::from(cut), frame, &mut |_| {});
        }
        stream.push(chunk, frame, Timestamp::default(), &mut |_| {});
        rest = after;
        frame += 1;
    }
    stream.finish(&mut |_| {});
});
