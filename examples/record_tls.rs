//! Records SSTP sessions inside real TLS: a rustls client and a rustls
//! server (ring provider) run in memory, no sockets, and the SSTP exchange
//! of `tunnelscope::synth::exchange` is pushed through them write by write.
//! Every TLS byte either end produces is written into a capture as TCP
//! segments (at most 1460 bytes each) between 198.51.100.23:50123 and
//! 203.0.113.5:443, and handed to the peer, which decrypts it: both state
//! machines are real, and each write must come out of the peer exactly as
//! it went in.
//!
//! `cargo run --example record_tls -- [OUT_DIR] [NAME...]` (default
//! `captures/`, every recording). The server presents the third test
//! certificate (`tunnelscope::synth::certs::TLS_SERVER_CERT_DER`, the one
//! the SSTP client's crypto binding hashes) with the throw-away key
//! `captures/sstp-tls-server.key.pem`; the client trusts that certificate
//! alone. Each capture gets the client's TLS key log beside it
//! (`NAME.keylog`, NSS key log format); the pcapng one also carries the key
//! log in a Decryption Secrets Block before its first packet.
//!
//! Not deterministic: rustls draws fresh randoms and ephemeral keys on
//! every run, so the TLS bytes (never the frame layout) change each time.
//! The committed recordings were made once; `gen_captures` does not
//! rebuild them.
//!
//! The TCP side: three-way handshake, then each write as one flight of
//! segments; the receiver's ACK rides on its next data if that comes
//! within 40 ms, else it is a bare ACK 40 ms later (delayed ACK, RFC 9293
//! §3.8.6.3). Answers come one LAN round trip (2 ms) after what they
//! answer, as in the clear-text SSTP captures; the SSTP steps keep their
//! pacing from the scenario (60 s idle before the Echo). At the end the
//! client sends close_notify, the server answers with its own, and the
//! client closes TCP (FIN both ways).

use std::io::{Read, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::crypto::ring::{self as ring_provider, cipher_suite};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{
    ClientConfig, ClientConnection, KeyLog, RootCertStore, ServerConfig, ServerConnection,
    SupportedCipherSuite, SupportedProtocolVersion,
};

use tunnelscope::capture::{LinkType, Timestamp};
use tunnelscope::synth::certs::TLS_SERVER_CERT_DER;
use tunnelscope::synth::exchange::{sstp_session_steps, Step};
use tunnelscope::synth::packet::{Host, Link, MacAddr};
use tunnelscope::synth::tcp::{Side, TcpConversation, TcpEndpoint};
use tunnelscope::synth::trace::{add_duration, Trace, SCENARIO_START};
use tunnelscope::synth::writer::{
    ByteOrder, FrameWriter, InterfaceDescription, PcapHeader, PcapWriter, PcapngWriter, Record,
    SECRETS_TYPE_TLS_KEY_LOG,
};

type Error = Box<dyn std::error::Error>;

/// The name the client connects to (SNI, certificate check).
const SERVER_NAME: &str = "vpn.example.net";
/// The throw-away key of the third test certificate, relative to the
/// repository.
const KEY_FILE: &str = "captures/sstp-tls-server.key.pem";
/// Largest TCP payload per segment (Ethernet MTU 1500 minus IPv4 and TCP
/// headers).
const MSS: usize = 1460;
/// One LAN round trip: how long an answer takes.
const LAN_RTT: Duration = Duration::from_millis(2);
/// How long a receiver holds a bare ACK back.
const DELAYED_ACK: Duration = Duration::from_millis(40);
/// Clock step between frames written back to back.
const FRAME_STEP: Duration = Duration::from_micros(150);
/// The client's KeyUpdate goes out with this step (the second DNS query),
/// in the recordings that exercise it.
const KEY_UPDATE_STEP: usize = 19;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Pcap,
    /// pcapng with the key log in a Decryption Secrets Block.
    PcapngWithSecrets,
}

struct Recording {
    /// Capture file name; the key log is the stem plus `.keylog`.
    file: &'static str,
    version: &'static SupportedProtocolVersion,
    suite: SupportedCipherSuite,
    key_update: bool,
    format: Format,
}

fn recordings() -> Vec<Recording> {
    vec![
        Recording {
            file: "sstp-tls12-ecdhe-aes128gcm.pcap",
            version: &rustls::version::TLS12,
            suite: cipher_suite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            key_update: false,
            format: Format::Pcap,
        },
        Recording {
            file: "sstp-tls12-chacha20.pcap",
            version: &rustls::version::TLS12,
            suite: cipher_suite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
            key_update: false,
            format: Format::Pcap,
        },
        Recording {
            file: "sstp-tls13-aes256gcm.pcap",
            version: &rustls::version::TLS13,
            suite: cipher_suite::TLS13_AES_256_GCM_SHA384,
            key_update: false,
            format: Format::Pcap,
        },
        Recording {
            file: "sstp-tls13-chacha20.pcap",
            version: &rustls::version::TLS13,
            suite: cipher_suite::TLS13_CHACHA20_POLY1305_SHA256,
            key_update: true,
            format: Format::Pcap,
        },
        Recording {
            file: "sstp-tls13-dsb.pcapng",
            version: &rustls::version::TLS13,
            suite: cipher_suite::TLS13_AES_128_GCM_SHA256,
            key_update: false,
            format: Format::PcapngWithSecrets,
        },
    ]
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "captures".to_string()));
    let only: Vec<String> = args.collect();
    match run(&dir, &only) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("record_tls: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(dir: &Path, only: &[String]) -> Result<(), Error> {
    std::fs::create_dir_all(dir)?;
    let steps = sstp_session_steps()?;
    let key_pem = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(KEY_FILE))?;
    for rec in recordings() {
        if !only.is_empty() && !only.iter().any(|n| n == rec.file) {
            continue;
        }
        let key = PrivateKeyDer::from_pem_slice(&key_pem)?;
        let out = record(&rec, &steps, key)?;
        let stem = rec.file.rsplit_once('.').map_or(rec.file, |(s, _)| s);
        std::fs::write(dir.join(rec.file), &out.capture)?;
        std::fs::write(dir.join(format!("{stem}.keylog")), &out.key_log)?;
        println!(
            "{}: {} frames, {:?} {:?}, key log {stem}.keylog ({} lines)",
            rec.file,
            out.frames,
            rec.version.version,
            rec.suite.suite(),
            out.key_log.lines().count()
        );
        for (i, (side, frame)) in out.step_frames.iter().enumerate() {
            println!("  step {:2} {side:?} ends in frame {frame}", i + 1);
        }
    }
    Ok(())
}

/// The NSS key log lines an endpoint reports, in the order it reports
/// them: `LABEL <client random> <secret>`, lower-case hex.
#[derive(Debug, Default)]
struct KeyLogLines(Mutex<Vec<String>>);

impl KeyLog for KeyLogLines {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let line = format!("{label} {} {}", hex(client_random), hex(secret));
        if let Ok(mut lines) = self.0.lock() {
            lines.push(line);
        }
    }
}

impl KeyLogLines {
    fn lines(&self) -> Vec<String> {
        self.0.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Frames kept in memory, so that a pcapng can get its Decryption Secrets
/// Block (known only once the handshake is done) before the first packet.
#[derive(Default)]
struct Frames(Vec<(Timestamp, Vec<u8>)>);

impl FrameWriter for Frames {
    fn write_frame(&mut self, record: &Record<'_>) -> tunnelscope::synth::Result<()> {
        self.0.push((record.ts, record.data.to_vec()));
        Ok(())
    }
}

struct Recorded {
    capture: Vec<u8>,
    key_log: String,
    frames: u64,
    /// For each step: who wrote it and the frame carrying the last byte of
    /// its TLS records.
    step_frames: Vec<(Side, u64)>,
}

/// The two TLS ends, the wire between them and the capture.
struct Session {
    client: ClientConnection,
    server: ServerConnection,
    trace: Trace<Frames>,
    tcp: TcpConversation,
    /// A bare ACK owed by this side, due at that time.
    ack_owed: Option<(Side, Timestamp)>,
    last_sender: Option<Side>,
}

fn nanos(ts: Timestamp) -> i128 {
    i128::from(ts.secs) * 1_000_000_000 + i128::from(ts.nanos)
}

impl Session {
    /// Lets time pass until `until`, sending a bare ACK that falls due
    /// meanwhile.
    fn wait_until(&mut self, until: Timestamp) -> Result<(), Error> {
        if let Some((side, due)) = self.ack_owed {
            if nanos(due) <= nanos(until) {
                self.advance_to(due);
                self.tcp.ack(&mut self.trace, side)?;
                self.ack_owed = None;
            }
        }
        self.advance_to(until);
        Ok(())
    }

    fn advance_to(&mut self, until: Timestamp) {
        let gap = nanos(until) - nanos(self.trace.now());
        if let Ok(gap) = u64::try_from(gap) {
            self.trace.advance(Duration::from_nanos(gap));
        }
    }

    /// Takes what `side`'s TLS has to send, writes it as segments, and
    /// hands it to the peer, which processes it. Returns the last frame,
    /// or `None` when there was nothing to send.
    fn transmit(&mut self, side: Side) -> Result<Option<u64>, Error> {
        let mut bytes = Vec::new();
        loop {
            let n = match side {
                Side::Client => self.client.write_tls(&mut bytes)?,
                Side::Server => self.server.write_tls(&mut bytes)?,
            };
            if n == 0 {
                break;
            }
        }
        if bytes.is_empty() {
            return Ok(None);
        }
        match self.ack_owed {
            Some((owed_by, _)) if owed_by == side => self.ack_owed = None,
            _ => {}
        }
        let sizes = vec![MSS; bytes.len().div_ceil(MSS)];
        let frames = self.tcp.send_split(&mut self.trace, side, &bytes, &sizes)?;
        let mut rest = &bytes[..];
        while !rest.is_empty() {
            match side {
                Side::Client => self.server.read_tls(&mut rest)?,
                Side::Server => self.client.read_tls(&mut rest)?,
            };
        }
        match side {
            Side::Client => self.server.process_new_packets()?,
            Side::Server => self.client.process_new_packets()?,
        };
        if self.ack_owed.is_none() {
            self.ack_owed = Some((side.peer(), add_duration(self.trace.now(), DELAYED_ACK)));
        }
        self.last_sender = Some(side);
        Ok(frames.last().copied())
    }

    /// Sends what `side` has, one LAN round trip after the peer last sent.
    fn answer(&mut self, side: Side) -> Result<Option<u64>, Error> {
        if self.last_sender == Some(side.peer()) {
            let at = add_duration(self.trace.now(), LAN_RTT);
            self.wait_until(at)?;
        }
        self.transmit(side)
    }

    fn wants_write(&self, side: Side) -> bool {
        match side {
            Side::Client => self.client.wants_write(),
            Side::Server => self.server.wants_write(),
        }
    }

    /// Everything `side` has received and decrypted so far.
    fn take_plaintext(&mut self, side: Side) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let r = match side {
                Side::Client => self.client.reader().read(&mut buf),
                Side::Server => self.server.reader().read(&mut buf),
            };
            match r {
                Ok(0) => break,
                Ok(n) => out.extend_from_slice(buf.get(..n).unwrap_or_default()),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => return Err(e.into()),
            }
        }
        Ok(out)
    }
}

fn provider(suites: Vec<SupportedCipherSuite>) -> Arc<CryptoProvider> {
    Arc::new(CryptoProvider {
        cipher_suites: suites,
        ..ring_provider::default_provider()
    })
}

fn host(last: u8, ip: [u8; 4], ttl: u8) -> Host {
    Host {
        mac: MacAddr::documentation(last),
        ip: IpAddr::from(ip),
        ttl,
    }
}

fn record(rec: &Recording, steps: &[Step], key: PrivateKeyDer<'static>) -> Result<Recorded, Error> {
    let cert = CertificateDer::from(TLS_SERVER_CERT_DER.to_vec());
    let mut roots = RootCertStore::empty();
    roots.add(cert.clone())?;
    // The client offers what rustls offers by default (both versions,
    // every suite); the server allows one version and one suite, so it
    // picks that one.
    let client_log = Arc::new(KeyLogLines::default());
    let mut client_config =
        ClientConfig::builder_with_provider(provider(ring_provider::DEFAULT_CIPHER_SUITES.to_vec()))
            .with_protocol_versions(rustls::DEFAULT_VERSIONS)?
            .with_root_certificates(roots)
            .with_no_client_auth();
    client_config.key_log = client_log.clone();
    let server_log = Arc::new(KeyLogLines::default());
    let mut server_config = ServerConfig::builder_with_provider(provider(vec![rec.suite]))
        .with_protocol_versions(&[rec.version])?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)?;
    server_config.key_log = server_log.clone();

    let client = ClientConnection::new(Arc::new(client_config), ServerName::try_from(SERVER_NAME)?)?;
    let server = ServerConnection::new(Arc::new(server_config))?;
    let tcp = TcpConversation::new(
        TcpEndpoint {
            host: host(0x23, [198, 51, 100, 23], 128),
            port: 50_123,
            isn: 0x6A1C_0000,
            window: 64_240,
        },
        TcpEndpoint {
            host: host(0x05, [203, 0, 113, 5], 52),
            port: 443,
            isn: 0xC3D2_E100,
            window: 29_200,
        },
        Link::ethernet(),
    );
    let mut s = Session {
        client,
        server,
        trace: Trace::new(Frames::default(), SCENARIO_START, FRAME_STEP),
        tcp,
        ack_owed: None,
        last_sender: None,
    };

    s.tcp.syn(&mut s.trace)?;
    s.trace.advance(LAN_RTT);
    s.tcp.syn_ack(&mut s.trace)?;
    s.tcp.ack(&mut s.trace, Side::Client)?;

    // The TLS handshake: each end sends whatever it has until neither has
    // anything (TLS 1.3 tickets included).
    loop {
        let mut moved = false;
        for side in [Side::Client, Side::Server] {
            if s.wants_write(side) {
                s.answer(side)?;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    if s.client.is_handshaking() || s.server.is_handshaking() {
        return Err("the TLS handshake did not complete".into());
    }
    if s.server.protocol_version() != Some(rec.version.version)
        || s.server.negotiated_cipher_suite().map(|c| c.suite()) != Some(rec.suite.suite())
        || s.client.negotiated_cipher_suite().map(|c| c.suite()) != Some(rec.suite.suite())
    {
        return Err(format!("{}: negotiated something else", rec.file).into());
    }

    let mut step_frames = Vec::new();
    let mut last_step_at: Option<Timestamp> = None;
    for (i, step) in steps.iter().enumerate() {
        let at = last_step_at.map_or(s.trace.now(), |t| add_duration(t, step.wait));
        s.wait_until(at)?;
        if rec.key_update && i + 1 == KEY_UPDATE_STEP {
            s.client.refresh_traffic_keys()?;
        }
        last_step_at = Some(s.trace.now());
        match step.side {
            Side::Client => s.client.writer().write_all(&step.bytes)?,
            Side::Server => s.server.writer().write_all(&step.bytes)?,
        }
        let frame = s.transmit(step.side)?.ok_or("a write produced no TLS record")?;
        step_frames.push((step.side, frame));
        let got = s.take_plaintext(step.side.peer())?;
        if got != step.bytes {
            return Err(format!("{}: step {} arrived altered", rec.file, i + 1).into());
        }
        if s.wants_write(step.side.peer()) {
            s.answer(step.side.peer())?;
        }
    }

    // close_notify both ways (RFC 8446 §6.1, RFC 5246 §7.2.1), then FIN.
    let at = add_duration(s.trace.now(), LAN_RTT);
    s.wait_until(at)?;
    s.client.send_close_notify();
    s.transmit(Side::Client)?;
    if !s.server.process_new_packets()?.peer_has_closed() {
        return Err("the server did not see the client's close_notify".into());
    }
    s.server.send_close_notify();
    s.answer(Side::Server)?;
    s.client.process_new_packets()?;
    let at = add_duration(s.trace.now(), LAN_RTT);
    s.advance_to(at);
    s.tcp.close(&mut s.trace, Side::Client, LAN_RTT)?;

    let client_lines = client_log.lines();
    let mut a = client_lines.clone();
    let mut b = server_log.lines();
    a.sort();
    b.sort();
    if a != b || a.is_empty() {
        return Err(format!("{}: client and server logged different secrets", rec.file).into());
    }
    let key_log: String = client_lines.iter().map(|l| format!("{l}\n")).collect();
    let frames = s.trace.frames();
    let captured = s.trace.into_writer().0;
    let capture = match rec.format {
        Format::Pcap => {
            let mut w = PcapWriter::new(Vec::new(), PcapHeader::default())?;
            for (ts, data) in &captured {
                w.write_frame(&Record::new(*ts, data))?;
            }
            w.into_inner()?
        }
        Format::PcapngWithSecrets => {
            let mut w = PcapngWriter::new(Vec::new(), ByteOrder::Little, Some("tunnelscope record_tls"))?;
            w.add_interface(&InterfaceDescription::new(LinkType::ETHERNET))?;
            w.add_decryption_secrets(SECRETS_TYPE_TLS_KEY_LOG, key_log.as_bytes())?;
            for (ts, data) in &captured {
                w.write_frame(&Record::new(*ts, data))?;
            }
            w.into_inner()?
        }
    };
    Ok(Recorded {
        capture,
        key_log,
        frames,
        step_frames,
    })
}
