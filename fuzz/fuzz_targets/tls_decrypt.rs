//! TLS record decryption with garbage. Mode byte high bit clear: one
//! record opener of the suite and version the next bytes pick, keys from
//! the input, then length-prefixed fragments opened in turn (sequence
//! numbers, CBC chains and RC4 streams carry on across failures). High bit
//! set: a TLS connection with a decryptor whose key log holds secrets for
//! the client random 0x41 × 32, fed the rest of the input as both
//! directions (as in `tls_records`).
#![no_main]
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use tunnelscope::capture::Timestamp;
use tunnelscope::tls::codes::{CipherSuite, ContentType, ProtocolVersion};
use tunnelscope::tls::connection::TlsConnection;
use tunnelscope::tls::decrypt::SecretStore;
use tunnelscope::tls::protect::RecordOpener;
use tunnelscope::tls::secrets::TlsSecrets;
use tunnelscope::tls::suites::suite_params;
use tunnelscope::tls::Direction;

const SUITES: [u16; 16] = [
    0x0004, 0x0005, 0x000a, 0x002f, 0x0035, 0x003c, 0x003d, 0x009c, 0x009d, 0xc02f, 0xc030, 0xc028, 0xcca8,
    0x1301, 0x1302, 0x1303,
];
const VERSIONS: [u16; 4] = [0x0300, 0x0301, 0x0302, 0x0303];

fn take<'a>(input: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    let (head, rest) = (input.get(..n)?, input.get(n..)?);
    *input = rest;
    Some(head)
}

fn opener(mut input: &[u8]) -> Option<()> {
    let pick = take(&mut input, 3)?;
    let suite = CipherSuite(*SUITES.get(usize::from(pick[0]) % SUITES.len())?);
    let version = ProtocolVersion(*VERSIONS.get(usize::from(pick[1]) % VERSIONS.len())?);
    let params = suite_params(suite)?;
    let mut opener = if params.tls13 {
        let secret = take(&mut input, params.prf_hash.hash_len())?;
        RecordOpener::tls13(&params, secret)?
    } else {
        let mac = take(&mut input, params.mac_key_len())?;
        let key = take(&mut input, params.key_len())?;
        let iv = take(&mut input, params.key_block_iv_len(version))?;
        RecordOpener::tls12(version, &params, mac, key, iv, pick[2] & 1 != 0)?
    };
    while let Some(&len) = input.first() {
        input = input.get(1..)?;
        let n = usize::from(len).min(input.len());
        let fragment = take(&mut input, n)?;
        let before = opener.sequence();
        let _ = opener.open(ContentType(23), version, fragment);
        assert_eq!(opener.sequence(), before + 1);
        if len == 0xff {
            opener.key_update();
        }
    }
    Some(())
}

fn connection(body: &[u8]) {
    let random = "41".repeat(32);
    let log = format!(
        "CLIENT_RANDOM {random} {m}\nCLIENT_HANDSHAKE_TRAFFIC_SECRET {random} {s}\n\
         SERVER_HANDSHAKE_TRAFFIC_SECRET {random} {s}\nCLIENT_TRAFFIC_SECRET_0 {random} {s}\n\
         SERVER_TRAFFIC_SECRET_0 {random} {s}\n",
        m = "07".repeat(48),
        s = "09".repeat(32),
    );
    let mut secrets = TlsSecrets::default();
    secrets.keylog.parse(log.as_bytes());
    let store = SecretStore::new(Arc::new(secrets));
    let mut conn = TlsConnection::new("192.0.2.2:50000".parse().unwrap(), "192.0.2.1:443".parse().unwrap());
    conn.set_decryptor(Box::new(store.decryptor()));
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
        conn.data(dir, chunk, frame, Timestamp::new(frame as i64, 0), &mut |_| {});
        rest = after;
        frame += 1;
    }
    conn.finish();
    let _ = serde_json::to_string(&conn.facts());
    let _ = store.usage();
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    if mode & 0x80 == 0 {
        let _ = opener(body);
    } else {
        connection(body);
    }
});
