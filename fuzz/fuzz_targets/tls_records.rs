//! Any bytes as the two directions of a TLS connection, cut into pushes of
//! varying size with an occasional gap, through the record framer, the
//! handshake parsers and the certificate reader; then the facts are
//! serialised. The first byte of the input also decides whether it is fed
//! directly to the handshake and certificate parsers.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tunnelscope::capture::Timestamp;
use tunnelscope::tls::codes::HandshakeType;
use tunnelscope::tls::connection::TlsConnection;
use tunnelscope::tls::handshake::parse_handshake;
use tunnelscope::tls::x509::read_certificate;
use tunnelscope::tls::Direction;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    if mode & 0x80 != 0 {
        let _ = parse_handshake(HandshakeType(mode & 0x7f), body, mode & 0x40 != 0);
        let _ = read_certificate(body);
        return;
    }
    let mut conn = TlsConnection::new(
        "192.0.2.2:50000".parse().unwrap(),
        "192.0.2.1:443".parse().unwrap(),
    );
    let mut rest = body;
    let mut frame = 1;
    while let Some((&cut, tail)) = rest.split_first() {
        let n = usize::from(cut & 0x7f).min(tail.len());
        let (chunk, after) = tail.split_at(n);
        let dir = if cut & 0x80 == 0 {
            Direction::ClientToServer
        } else {
            Direction::ServerToClient
        };
        if cut == 0xff {
            conn.gap(dir, u64::from(mode), frame);
        }
        conn.data(dir, chunk, frame, Timestamp::new(frame as i64, 0), &mut |_| {});
        rest = after;
        frame += 1;
    }
    conn.finish();
    let _ = serde_json::to_string(&conn.facts());
});
