//! Any bytes as a capture file: the reader must end with a summary or an
//! error, never a panic or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut input = data;
    let mut frames = 0u64;
    let _ = tunnelscope::capture::read_capture(&mut input, "fuzz", &mut |_: &tunnelscope::capture::Frame<
        '_,
    >| frames += 1);
});
