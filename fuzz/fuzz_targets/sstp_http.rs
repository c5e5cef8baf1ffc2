//! Any bytes as the start of an SSTP connection: recognised, then parsed as
//! a request and as a response, cut into pushes of varying size.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tunnelscope::sstp::http::{classify_request_start, HeadProgress, RequestParser, ResponseParser};

fuzz_target!(|data: &[u8]| {
    let _ = classify_request_start(data);
    let mut request = RequestParser::new();
    let mut response = ResponseParser::new();
    let mut rest = data;
    while let Some((&cut, tail)) = rest.split_first() {
        let n = usize::from(cut).min(tail.len());
        let (chunk, after) = tail.split_at(n);
        if let Ok(HeadProgress::Complete { head, rest_start }) = request.push(chunk) {
            assert!(rest_start <= chunk.len());
            let _ = serde_json::to_string(&head);
        }
        if let Ok(HeadProgress::Complete { head, rest_start }) = response.push(chunk) {
            assert!(rest_start <= chunk.len());
            let _ = serde_json::to_string(&head);
            let _ = head.meaning();
        }
        rest = after;
    }
});
