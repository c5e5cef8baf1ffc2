//! Any bytes as one PPTP control message.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(msg) = tunnelscope::pptp::wire::parse_message(data) {
        let _ = serde_json::to_string(&msg.body);
        let _ = msg.body.summary();
    }
});
