//! Any bytes as an NSS key log, read whole and cut into chunks at the
//! positions the first byte picks: both readings must agree, and lookups
//! and statistics never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tunnelscope::tls::keylog::KeyLog;

fuzz_target!(|data: &[u8]| {
    let Some((&step, text)) = data.split_first() else {
        return;
    };
    let mut whole = KeyLog::new();
    whole.parse(text);
    let mut pieces = KeyLog::new();
    let step = usize::from(step).max(1);
    for chunk in text.chunks(step) {
        pieces.push(chunk);
    }
    pieces.end();
    assert_eq!(whole.stats(), pieces.stats());
    let random: [u8; 32] = std::array::from_fn(|i| text.get(i).copied().unwrap_or(0));
    let _ = whole.lookup(&random).map(|e| e.master_secret.is_some());
    let _ = whole.rsa_premaster(text);
});
