//! The recorded TLS captures in `captures/`: the SSTP session of
//! [`crate::synth::exchange`] inside TLS made by real TLS implementations
//! (rustls through `examples/record_tls.rs`, the `openssl` command line
//! through `scripts/record-openssl-tls.sh`), each with its key log, for
//! testing TLS decryption (RFC 5246, RFC 8446; NSS key log format).
//!
//! Unlike the generated captures these are not reproducible: every
//! recording draws new randoms and keys. They were recorded once and are
//! committed; the capture generator does not rebuild them and its
//! byte-for-byte test does not cover them. What it does generate is their
//! section of `captures/README.md`, from [`RECORDINGS`] and the ground
//! truth `captures/tls-recordings.tsv`, which
//! `scripts/tls_recordings_truth.py` wrote from tshark's decode of the
//! decrypted captures.

use std::fmt::Write as _;

use super::tcp::Side;
use super::{Result, SynthError};

/// Which TLS implementation made a recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorder {
    /// rustls client and server in memory, `examples/record_tls.rs`.
    Rustls,
    /// `openssl s_client` and `s_server` on loopback under tcpdump,
    /// `scripts/record-openssl-tls.sh`.
    OpenSsl,
}

/// How one recorded capture was made and what its TLS negotiated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recording {
    /// Who made it.
    pub recorder: Recorder,
    /// File name in `captures/`.
    pub file: &'static str,
    /// Its key log beside it (NSS key log format).
    pub key_log: &'static str,
    /// What it shows, in a line.
    pub title: &'static str,
    /// Frames in the file.
    pub frames: u64,
    /// The TLS version negotiated, as the wire says it (0x0303, 0x0304).
    pub version: u16,
    /// The cipher suite negotiated (IANA value).
    pub cipher_suite: u16,
    /// Its IANA name.
    pub cipher_suite_name: &'static str,
    /// The key log's labels, in the order of its lines (comment lines not
    /// counted).
    pub key_log_labels: &'static [&'static str],
    /// How it was made, the TLS details and anything unusual, in Markdown.
    pub details: &'static str,
}

const TLS12_LABELS: &[&str] = &["CLIENT_RANDOM"];
const TLS13_LABELS: &[&str] = &[
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "SERVER_TRAFFIC_SECRET_0",
    "EXPORTER_SECRET",
];

const RUSTLS_TCP: &str = "- Made by `cargo run --example record_tls` (rustls 0.23.46, ring provider): a rustls \
    client and server in memory, the server with `sstp-tls-server.pem` and its key. Each write of the \
    exchange became TLS records; every TLS byte was written as TCP segments (at most 1460 bytes) and \
    fed to the peer, which decrypted it and gave back exactly the bytes written. The client offered \
    what rustls offers by default; the server allowed only this version and suite.\n\
    - TCP 198.51.100.23:50123 → 203.0.113.5:443 on Ethernet, µs timestamps; clock from 2026-01-15T09:00:00Z \
    with the SSTP steps' pacing (answers 2 ms later, 60 s idle before the Echo Request); bare ACKs 40 ms \
    after data nobody answered; the TCP handshake in frames 1-3, the FIN exchange in the last three frames.\n";

/// The six recorded captures, in the order of `captures/README.md`.
pub const RECORDINGS: [Recording; 6] = [
    Recording {
        recorder: Recorder::Rustls,
        file: "sstp-tls12-ecdhe-aes128gcm.pcap",
        key_log: "sstp-tls12-ecdhe-aes128gcm.keylog",
        title: "SSTP in real TLS 1.2, ECDHE-RSA with AES-128-GCM (rustls), extended master secret",
        frames: 41,
        version: 0x0303,
        cipher_suite: 0xC02F,
        cipher_suite_name: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        key_log_labels: TLS12_LABELS,
        details: "- TLS 1.2 full handshake in frames 4-7 (ClientHello; ServerHello, Certificate, \
            ServerKeyExchange, ServerHelloDone; ClientKeyExchange, ChangeCipherSpec, Finished; \
            ChangeCipherSpec, Finished). Key exchange X25519, signature rsa_pss_rsae_sha256. \
            ServerHello extensions: server_name, renegotiation_info, extended_master_secret: the \
            master secret is the RFC 7627 one (session hash). No session ticket.\n\
            - Key log: one `CLIENT_RANDOM` line (the 48-byte master secret).\n",
    },
    Recording {
        recorder: Recorder::Rustls,
        file: "sstp-tls12-chacha20.pcap",
        key_log: "sstp-tls12-chacha20.keylog",
        title: "SSTP in real TLS 1.2, ECDHE-RSA with ChaCha20-Poly1305 (rustls)",
        frames: 41,
        version: 0x0303,
        cipher_suite: 0xCCA8,
        cipher_suite_name: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        key_log_labels: TLS12_LABELS,
        details: "- TLS 1.2 full handshake in frames 4-7 as in `sstp-tls12-ecdhe-aes128gcm.pcap`; \
            X25519, rsa_pss_rsae_sha256, extended master secret; RFC 7905 nonces (no explicit \
            nonce in the records).\n\
            - Key log: one `CLIENT_RANDOM` line.\n",
    },
    Recording {
        recorder: Recorder::Rustls,
        file: "sstp-tls13-aes256gcm.pcap",
        key_log: "sstp-tls13-aes256gcm.keylog",
        title: "SSTP in real TLS 1.3, AES-256-GCM (rustls)",
        frames: 41,
        version: 0x0304,
        cipher_suite: 0x1302,
        cipher_suite_name: "TLS_AES_256_GCM_SHA384",
        key_log_labels: TLS13_LABELS,
        details: "- TLS 1.3 handshake in frames 4-6 (ClientHello; ServerHello, a middlebox-compatibility \
            ChangeCipherSpec and the encrypted EncryptedExtensions, Certificate, CertificateVerify, \
            Finished; ChangeCipherSpec and the client's Finished); key share X25519; frame 7: two \
            NewSessionTickets. Secrets are 48 bytes (SHA-384).\n\
            - Key log: the five TLS 1.3 lines (handshake and application traffic secrets of both \
            sides, exporter secret).\n",
    },
    Recording {
        recorder: Recorder::Rustls,
        file: "sstp-tls13-chacha20.pcap",
        key_log: "sstp-tls13-chacha20.keylog",
        title: "SSTP in real TLS 1.3, ChaCha20-Poly1305 (rustls), a KeyUpdate each way",
        frames: 41,
        version: 0x0304,
        cipher_suite: 0x1303,
        cipher_suite_name: "TLS_CHACHA20_POLY1305_SHA256",
        key_log_labels: TLS13_LABELS,
        details: "- TLS 1.3 handshake and tickets in frames 4-7 as in `sstp-tls13-aes256gcm.pcap`.\n\
            - Key update (RFC 8446 §4.6.3, §7.2): before its second DNS query the client called \
            `refresh_traffic_keys()`: frame 27 carries its KeyUpdate (update_requested) under \
            `CLIENT_TRAFFIC_SECRET_0` and, in the same segment, the query under the next client \
            secret. The server answered with its own KeyUpdate (update_not_requested) in front of \
            the DNS answer, frame 28. Every later record of either side uses the updated keys. The \
            key log holds only the `_0` secrets: the next ones are derived from them \
            (HKDF-Expand-Label(secret, \"traffic upd\", \"\", Hash.length)).\n",
    },
    Recording {
        recorder: Recorder::Rustls,
        file: "sstp-tls13-dsb.pcapng",
        key_log: "sstp-tls13-dsb.keylog",
        title: "SSTP in real TLS 1.3, AES-128-GCM (rustls), key log inside the pcapng",
        frames: 41,
        version: 0x0304,
        cipher_suite: 0x1301,
        cipher_suite_name: "TLS_AES_128_GCM_SHA256",
        key_log_labels: TLS13_LABELS,
        details: "- pcapng: Section Header Block, one Interface Description Block (Ethernet, µs), \
            then a Decryption Secrets Block (type 0x0000000A, Secrets Type 0x544C534B \"TLSK\") \
            holding the key log, byte for byte the `.keylog` file, before the first Enhanced \
            Packet Block. Written by the generator's own pcapng writer. `tshark -r \
            captures/sstp-tls13-dsb.pcapng -Y sstp` decrypts it without any option.\n\
            - TLS 1.3 handshake and tickets in frames 4-7 as in `sstp-tls13-aes256gcm.pcap`.\n",
    },
    Recording {
        recorder: Recorder::OpenSsl,
        file: "sstp-tls12-rsa-aes128cbc.pcap",
        key_log: "sstp-tls12-rsa-aes128cbc.keylog",
        title: "SSTP in real TLS 1.2, RSA key exchange with AES-128-CBC (openssl), encrypt-then-MAC",
        frames: 69,
        version: 0x0303,
        cipher_suite: 0x003C,
        cipher_suite_name: "TLS_RSA_WITH_AES_128_CBC_SHA256",
        key_log_labels: &["RSA", "CLIENT_RANDOM"],
        details: "- Made by `scripts/record-openssl-tls.sh` (OpenSSL 3.0.19): `openssl s_server \
            -accept 443 -tls1_2 -cipher AES128-SHA256` with `sstp-tls-server.pem` and its key, and \
            `openssl s_client -connect 127.0.0.1:443 -tls1_2 -keylogfile …`, on loopback, recorded \
            by `tcpdump -i lo`; each side's standard input was fed the exchange's writes in order, \
            100 ms apart, and each side printed exactly what the other wrote.\n\
            - TCP 127.0.0.1:42910 → 127.0.0.1:443, Ethernet with zero MACs (Linux loopback), pcap \
            µs, real clock (2026-11-22), TCP options (MSS, SACK, timestamps, window scale); the \
            receiver ACKs every data segment at once, so data and ACK frames alternate.\n\
            - TLS 1.2 full handshake: ClientHello 4, ServerHello, Certificate, ServerHelloDone 6 \
            (no ServerKeyExchange: RSA key transport), ClientKeyExchange, ChangeCipherSpec, \
            Finished 8, NewSessionTicket, ChangeCipherSpec, Finished 9. ServerHello extensions: \
            renegotiation_info, session_ticket, encrypt_then_mac, extended_master_secret: records \
            are AES-128-CBC with an explicit IV, the HMAC-SHA256 computed over the ciphertext (RFC \
            7366), and the master secret is the RFC 7627 one. The client closes with \
            close_notify (frame 63) and FIN; the server's close_notify follows in frame 66.\n\
            - Key log (as `s_client` writes it): a comment line, an `RSA` line (the first 8 bytes \
            of the encrypted premaster secret and the 48-byte premaster secret) and a \
            `CLIENT_RANDOM` line. The server's RSA key decrypts it too: `tshark -r \
            captures/sstp-tls12-rsa-aes128cbc.pcap -o \
            'uat:rsa_keys:\"captures/sstp-tls-server.key.pem\",\"\"' -Y sstp`.\n",
    },
];

/// The ground truth's file name in `captures/`.
pub const GROUND_TRUTH_FILE: &str = "tls-recordings.tsv";

/// The ground truth as committed: `capture`, `frame`, `direction`
/// (`client>server` or `server>client`), `what`, tab-separated, with a
/// header line; one row per HTTP head, SSTP packet, TLS KeyUpdate and TLS
/// alert, in frame order (see `scripts/tls_recordings_truth.py` for the
/// words of `what`).
pub const GROUND_TRUTH_TSV: &str = include_str!("../../captures/tls-recordings.tsv");

/// One row of the ground truth: something tshark shows in a frame of a
/// recorded capture once it is decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TruthRow {
    /// The capture's file name.
    pub capture: String,
    /// The frame carrying the last byte of the TLS record that holds it.
    pub frame: u64,
    /// Who sent it.
    pub from: Side,
    /// What it is, e.g. `SSTP control SSTP_MSG_CALL_CONNECTED` or
    /// `SSTP data PPP CHAP Response id=1 name=alice`.
    pub what: String,
}

/// Parses a ground truth in the format of [`GROUND_TRUTH_TSV`].
pub fn parse_ground_truth(tsv: &str) -> Result<Vec<TruthRow>> {
    let mut lines = tsv.lines();
    if lines.next() != Some("capture\tframe\tdirection\twhat") {
        return Err(SynthError::Unsupported("ground truth without its header line"));
    }
    lines
        .map(|line| {
            let mut cols = line.splitn(4, '\t');
            let (Some(capture), Some(frame), Some(direction), Some(what)) =
                (cols.next(), cols.next(), cols.next(), cols.next())
            else {
                return Err(SynthError::Unsupported("ground truth row without four columns"));
            };
            let from = match direction {
                "client>server" => Side::Client,
                "server>client" => Side::Server,
                _ => {
                    return Err(SynthError::Unsupported(
                        "ground truth row with an unknown direction",
                    ))
                }
            };
            Ok(TruthRow {
                capture: capture.to_string(),
                frame: frame
                    .parse()
                    .map_err(|_| SynthError::Unsupported("ground truth row with a bad frame number"))?,
                from,
                what: what.to_string(),
            })
        })
        .collect()
}

/// The committed ground truth, parsed.
pub fn ground_truth() -> Result<Vec<TruthRow>> {
    parse_ground_truth(GROUND_TRUTH_TSV)
}

/// The value of `key=` in a row's words.
fn word_value<'a>(what: &'a str, key: &str) -> Option<&'a str> {
    what.split(' ')
        .find_map(|w| w.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
}

fn arrow(from: Side) -> &'static str {
    match from {
        Side::Client => "client → server",
        Side::Server => "server → client",
    }
}

fn frames_of<'a>(rows: &[&'a TruthRow], pred: impl Fn(&TruthRow) -> bool) -> Vec<&'a TruthRow> {
    rows.iter().copied().filter(|r| pred(r)).collect()
}

fn frame_list(rows: &[&TruthRow]) -> String {
    rows.iter()
        .map(|r| r.frame.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The section of `captures/README.md` about the recorded captures.
pub fn readme_section() -> String {
    let truth = ground_truth().unwrap_or_default();
    let mut s = String::from(
        "## Recorded TLS captures\n\n\
         The same SSTP session as the clear-text captures (the clean SHA-256 session of \
         `sstp-clean-sha256.pcap`, its crypto binding hashing `sstp-tls-server.pem` instead: \
         `tunnelscope::synth::exchange`), inside TLS made by real TLS implementations, for testing \
         TLS decryption. The server certificate is `sstp-tls-server.pem`; its private key \
         `sstp-tls-server.key.pem` (PKCS #8, RSA-2048) is a throw-away test key, published on \
         purpose: never use it for anything else. Once decrypted, every session's crypto binding \
         is valid for `--cert captures/sstp-tls-server.pem --credentials \
         alice:Tunnel-Pass-2026`.\n\n\
         These files are **recorded, not generated**: TLS draws fresh randoms and keys on every \
         run, so re-recording gives other bytes (and, for the openssl one, other timings and \
         ports). They were recorded once and committed; `gen_captures` writes only this section, \
         and its byte-for-byte test does not cover the recordings. To re-record (then \
         re-derive the ground truth and regenerate this README):\n\n\
         ```sh\n\
         cargo run --example record_tls                 # the five rustls captures and key logs\n\
         sudo scripts/record-openssl-tls.sh             # the openssl one (port 443, tcpdump on lo)\n\
         python3 scripts/tls_recordings_truth.py        # captures/tls-recordings.tsv, from tshark\n\
         cargo run --example gen_captures               # this README (update RECORDINGS in src/synth/recordings.rs first)\n\
         ```\n\n\
         The ground truth below and in [`tls-recordings.tsv`](tls-recordings.tsv) (columns \
         capture, frame, direction, what) is what tshark 4.0 shows after decryption with `tshark \
         -r captures/NAME.pcap -o tls.keylog_file:captures/NAME.keylog -Y sstp`. A row's frame is the frame carrying the last byte \
         of the TLS record holding it; a frame carrying two SSTP packets has two rows.\n\n",
    );
    s.push_str("| File | Frames | TLS | Cipher suite | Key log |\n|---|---|---|---|---|\n");
    for r in &RECORDINGS {
        let _ = writeln!(
            s,
            "| [`{}`](#{}) | {} | {} | {} (0x{:04X}) | [`{}`]({}) |",
            r.file,
            super::scenarios::anchor(r.file),
            r.frames,
            version_name(r.version),
            r.cipher_suite_name,
            r.cipher_suite,
            r.key_log,
            r.key_log
        );
    }
    s.push('\n');
    for r in &RECORDINGS {
        let rows: Vec<&TruthRow> = truth.iter().filter(|t| t.capture == r.file).collect();
        let _ = write!(
            s,
            "### `{}`\n\n**{}**\n\n- {} {} (0x{:04X}); key log [`{}`]({}): {}.\n{}{}",
            r.file,
            r.title,
            version_name(r.version),
            r.cipher_suite_name,
            r.cipher_suite,
            r.key_log,
            r.key_log,
            r.key_log_labels
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", "),
            match r.recorder {
                Recorder::Rustls => RUSTLS_TCP,
                Recorder::OpenSsl => "",
            },
            r.details
        );
        let http = frames_of(&rows, |t| t.what.starts_with("HTTP "));
        let control = frames_of(&rows, |t| t.what.starts_with("SSTP control "));
        let data = frames_of(&rows, |t| t.what.starts_with("SSTP data "));
        let mut data_frames: Vec<u64> = data.iter().map(|t| t.frame).collect();
        data_frames.dedup();
        let user = rows
            .iter()
            .find(|t| t.what.contains(" CHAP Response "))
            .and_then(|t| word_value(&t.what, "name").map(|u| (u, t.frame)));
        let assigned = rows
            .iter()
            .rfind(|t| t.from == Side::Server && t.what.contains(" IPCP Configuration Ack "));
        let server_address = rows
            .iter()
            .rfind(|t| t.from == Side::Client && t.what.contains(" IPCP Configuration Ack "))
            .and_then(|t| word_value(&t.what, "ip"));
        let _ = writeln!(
            s,
            "- Ground truth: HTTP request and response in frames {}; SSTP control messages in \
             frames {}; {} SSTP data packets in {} frames.",
            frame_list(&http),
            frame_list(&control),
            data.len(),
            data_frames.len()
        );
        if let Some((user, frame)) = user {
            let _ = writeln!(
                s,
                "- PPP user `{user}` (MS-CHAPv2 Response, frame {frame}; `--credentials \
                 alice:Tunnel-Pass-2026`)."
            );
        }
        if let (Some(ack), Some(server)) = (assigned, server_address) {
            let _ = writeln!(
                s,
                "- IPCP (Configure-Ack, frame {}): client {}, server {}, DNS {} and {}.",
                ack.frame,
                word_value(&ack.what, "ip").unwrap_or("?"),
                server,
                word_value(&ack.what, "dns1").unwrap_or("?"),
                word_value(&ack.what, "dns2").unwrap_or("?")
            );
        }
        s.push_str("\n| Frame | Direction | What |\n|---|---|---|\n");
        for t in &rows {
            let _ = writeln!(s, "| {} | {} | {} |", t.frame, arrow(t.from), t.what);
        }
        s.push('\n');
    }
    s
}

fn version_name(version: u16) -> &'static str {
    match version {
        0x0303 => "TLS 1.2",
        0x0304 => "TLS 1.3",
        _ => "TLS",
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::synth::scenarios::sstp_clean_tls_server;

    fn captures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("captures")
    }

    fn rows_of(file: &str) -> Vec<TruthRow> {
        ground_truth()
            .unwrap()
            .into_iter()
            .filter(|r| r.capture == file)
            .collect()
    }

    /// What the exchange's scenario says crosses the tunnel, in order:
    /// (sender, HTTP / SSTP message name / PPP protocol and identifier).
    fn expected_events() -> Vec<(Side, String)> {
        let sc = sstp_clean_tls_server().unwrap();
        let t = sc.truth.sstp.unwrap();
        let mut events: Vec<(u64, usize, Side, String)> = Vec::new();
        for (i, h) in t.http.iter().enumerate() {
            events.push((h.frame, i, h.from, "HTTP".to_string()));
        }
        for (i, m) in t.messages.iter().enumerate() {
            events.push((m.frame, i, m.from, m.name.clone()));
        }
        for (i, p) in t.ppp.iter().enumerate() {
            events.push((
                p.frame,
                i,
                p.from,
                format!("0x{:04x} {:?}", p.protocol, p.identifier),
            ));
        }
        events.sort_by_key(|e| (e.0, e.1));
        events.into_iter().map(|e| (e.2, e.3)).collect()
    }

    /// The same, read from a capture's ground-truth rows.
    fn found_events(rows: &[TruthRow]) -> Vec<(Side, String)> {
        rows.iter()
            .filter(|r| !r.what.starts_with("TLS "))
            .map(|r| {
                let what = if r.what.starts_with("HTTP ") {
                    "HTTP".to_string()
                } else if let Some(rest) = r.what.strip_prefix("SSTP control ") {
                    rest.split(' ').next().unwrap().to_string()
                } else {
                    let protocol = if r.what.contains(" PPP LCP ") {
                        0xC021
                    } else if r.what.contains(" PPP IPCP ") {
                        0x8021
                    } else if r.what.contains(" PPP CHAP ") {
                        0xC223
                    } else if r.what.starts_with("SSTP data IPv4 ") {
                        0x0021
                    } else {
                        0
                    };
                    let id = word_value(&r.what, "id").map(|v| v.parse::<u8>().unwrap());
                    format!("0x{protocol:04x} {id:?}")
                };
                (r.from, what)
            })
            .collect()
    }

    /// Every recording carries exactly the exchange: the same HTTP heads,
    /// control messages and PPP frames, from the same sides, in the same
    /// order; frames never go backwards and stay inside the file.
    #[test]
    fn every_recording_carries_the_whole_exchange_in_order() {
        let expected = expected_events();
        assert_eq!(expected.len(), 2 + 7 + 19);
        let all = ground_truth().unwrap();
        // 30 rows each; the KeyUpdate recording has two more.
        assert_eq!(all.len(), 5 * 30 + 32);
        for r in &RECORDINGS {
            let rows = rows_of(r.file);
            assert_eq!(found_events(&rows), expected, "{}", r.file);
            assert!(rows.windows(2).all(|w| w[0].frame <= w[1].frame), "{}", r.file);
            assert!(
                rows.iter().all(|t| t.frame >= 4 && t.frame <= r.frames),
                "{}",
                r.file
            );
            let tls: Vec<(u64, Side, &str)> = rows
                .iter()
                .filter(|t| t.what.starts_with("TLS "))
                .map(|t| (t.frame, t.from, t.what.as_str()))
                .collect();
            let close = |a: u64, b: u64| {
                vec![
                    (a, Side::Client, "TLS alert close_notify"),
                    (b, Side::Server, "TLS alert close_notify"),
                ]
            };
            let expected_tls = match r.file {
                "sstp-tls13-chacha20.pcap" => {
                    let mut v = vec![
                        (27, Side::Client, "TLS KeyUpdate"),
                        (28, Side::Server, "TLS KeyUpdate"),
                    ];
                    v.extend(close(37, 38));
                    v
                }
                "sstp-tls12-rsa-aes128cbc.pcap" => close(63, 66),
                _ => close(37, 38),
            };
            assert_eq!(tls, expected_tls, "{}", r.file);
        }
    }

    /// The rustls recordings share one frame layout: the frames of the
    /// HTTP heads and control messages.
    #[test]
    fn frames_of_the_control_messages() {
        let frames = |file: &str| -> Vec<(u64, String)> {
            rows_of(file)
                .into_iter()
                .filter(|t| t.what.starts_with("HTTP ") || t.what.starts_with("SSTP control "))
                .map(|t| {
                    let words: Vec<&str> = t.what.split(' ').collect();
                    (t.frame, words[2].to_string())
                })
                .collect()
        };
        let rustls = [
            (8, "SSTP_DUPLEX_POST"),
            (9, "200"),
            (10, "SSTP_MSG_CALL_CONNECT_REQUEST"),
            (11, "SSTP_MSG_CALL_CONNECT_ACK"),
            (18, "SSTP_MSG_CALL_CONNECTED"),
            (30, "SSTP_MSG_ECHO_REQUEST"),
            (31, "SSTP_MSG_ECHO_RESPONSE"),
            (35, "SSTP_MSG_CALL_DISCONNECT"),
            (36, "SSTP_MSG_CALL_DISCONNECT_ACK"),
        ]
        .map(|(f, w)| (f, w.to_string()));
        for r in RECORDINGS.iter().filter(|r| r.recorder == Recorder::Rustls) {
            assert_eq!(frames(r.file), rustls, "{}", r.file);
        }
        let openssl: Vec<u64> = frames("sstp-tls12-rsa-aes128cbc.pcap")
            .iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(openssl, [11, 13, 15, 17, 31, 51, 53, 59, 61]);
    }

    /// The user, the addresses, and the binding to the certificate the
    /// TLS server presented.
    #[test]
    fn user_addresses_and_binding_in_every_recording() {
        use sha2::{Digest, Sha256};
        let cert_hash: String = Sha256::digest(crate::synth::certs::TLS_SERVER_CERT_DER)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        for r in &RECORDINGS {
            let rows = rows_of(r.file);
            let connected: Vec<Option<&str>> = rows
                .iter()
                .filter(|t| t.what.contains("SSTP_MSG_CALL_CONNECTED"))
                .map(|t| word_value(&t.what, "cert_hash"))
                .collect();
            assert_eq!(connected, [Some(cert_hash.as_str())], "{}", r.file);
            let response: Vec<&TruthRow> = rows.iter().filter(|t| t.what.contains("CHAP Response")).collect();
            assert_eq!(response.len(), 1);
            assert_eq!(word_value(&response[0].what, "name"), Some("alice"));
            let last = rows
                .iter()
                .filter(|t| t.what.contains("IPCP Configuration Ack"))
                .map(|t| (t.from, word_value(&t.what, "ip")))
                .collect::<Vec<_>>();
            assert_eq!(
                last,
                [
                    (Side::Client, Some("10.8.0.1")),
                    (Side::Server, Some("10.8.0.23"))
                ]
            );
        }
    }

    /// Frames in a classic pcap or a pcapng, and the Decryption Secrets
    /// Blocks of a pcapng (type, data).
    fn read_capture(bytes: &[u8]) -> (u64, Vec<(u32, Vec<u8>)>) {
        use pcap_parser::{Block, PcapBlockOwned, PcapError};
        let mut reader = pcap_parser::create_reader(1 << 16, bytes).unwrap();
        let mut frames = 0;
        let mut secrets = Vec::new();
        loop {
            match reader.next() {
                Ok((offset, block)) => {
                    match block {
                        PcapBlockOwned::Legacy(_) | PcapBlockOwned::NG(Block::EnhancedPacket(_)) => {
                            frames += 1
                        }
                        PcapBlockOwned::NG(Block::DecryptionSecrets(d)) => {
                            assert_eq!(frames, 0, "secrets before the first packet");
                            secrets.push((
                                d.secrets_type.0,
                                d.data.get(..d.secrets_len as usize).unwrap().to_vec(),
                            ));
                        }
                        _ => {}
                    }
                    reader.consume(offset);
                }
                Err(PcapError::Eof) => break,
                Err(PcapError::Incomplete(_)) => reader.refill().unwrap(),
                Err(e) => panic!("{e:?}"),
            }
        }
        (frames, secrets)
    }

    /// Each capture has the frames it is said to have; each key log the
    /// labels, one client random (32 bytes) and secrets of the suite's
    /// hash length (48 bytes for TLS 1.2's master secret and RSA's
    /// premaster, the hash length in TLS 1.3), in lower-case hex; the
    /// pcapng carries its key log in a Decryption Secrets Block.
    #[test]
    fn captures_and_key_logs_on_disk() {
        for r in &RECORDINGS {
            let bytes = std::fs::read(captures().join(r.file)).unwrap();
            let (frames, secrets) = read_capture(&bytes);
            assert_eq!(frames, r.frames, "{}", r.file);
            let log = std::fs::read_to_string(captures().join(r.key_log)).unwrap();
            let lines: Vec<Vec<&str>> = log
                .lines()
                .filter(|l| !l.starts_with('#'))
                .map(|l| l.split(' ').collect())
                .collect();
            let labels: Vec<&str> = lines.iter().map(|l| l[0]).collect();
            assert_eq!(labels, r.key_log_labels, "{}", r.file);
            let secret_len = match r.cipher_suite {
                0x1302 => 48,
                0x1301 | 0x1303 => 32,
                _ => 48,
            };
            let is_hex = |s: &str| {
                s.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            };
            for l in &lines {
                assert_eq!(l.len(), 3, "{}", r.file);
                assert!(is_hex(l[1]) && is_hex(l[2]), "{}", r.file);
                let first_len = if l[0] == "RSA" { 16 } else { 64 };
                assert_eq!(
                    (l[1].len(), l[2].len()),
                    (first_len, 2 * secret_len),
                    "{}",
                    r.file
                );
            }
            let randoms: Vec<&str> = lines.iter().filter(|l| l[0] != "RSA").map(|l| l[1]).collect();
            assert!(randoms.windows(2).all(|w| w[0] == w[1]), "{}", r.file);
            if r.file.ends_with(".pcapng") {
                assert_eq!(secrets, [(0x544C_534B, log.into_bytes())]);
            } else {
                assert!(secrets.is_empty());
            }
        }
    }

    #[test]
    fn malformed_ground_truth_is_refused() {
        let ok = "capture\tframe\tdirection\twhat\nf.pcap\t4\tclient>server\tHTTP request X\n";
        assert_eq!(
            parse_ground_truth(ok).unwrap(),
            [TruthRow {
                capture: "f.pcap".into(),
                frame: 4,
                from: Side::Client,
                what: "HTTP request X".into()
            }]
        );
        for bad in [
            "f.pcap\t4\tclient>server\tx\n",
            "capture\tframe\tdirection\twhat\nf.pcap\tfour\tclient>server\tx\n",
            "capture\tframe\tdirection\twhat\nf.pcap\t4\tup\tx\n",
            "capture\tframe\tdirection\twhat\nf.pcap\t4\tclient>server\n",
        ] {
            assert!(parse_ground_truth(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn readme_section_states_the_ground_truth() {
        let s = readme_section();
        assert!(s.contains(
            "- Ground truth: HTTP request and response in frames 8, 9; SSTP control messages in \
             frames 10, 11, 18, 30, 31, 35, 36; 19 SSTP data packets in 17 frames.\n"
        ));
        assert!(s.contains(
            "- Ground truth: HTTP request and response in frames 11, 13; SSTP control messages in \
             frames 15, 17, 31, 51, 53, 59, 61; 19 SSTP data packets in 17 frames.\n"
        ));
        assert_eq!(
            s.matches("- PPP user `alice` (MS-CHAPv2 Response, frame 16;")
                .count(),
            5
        );
        assert_eq!(
            s.matches("client 10.8.0.23, server 10.8.0.1, DNS 10.8.0.53 and 10.8.0.54.")
                .count(),
            6
        );
    }
}
