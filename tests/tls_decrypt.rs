//! TLS decryption end to end: captures decrypted with a key log, a server
//! key or secrets inside the capture, each SSTP session compared with
//! tshark's decode of the same capture with the same secrets
//! (`tests/golden/*.sstp.tsv`, written by `scripts/golden.sh`); the ways
//! decryption fails, each with its reason and finding.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use tunnelscope::ppp::verify::Credential;
use tunnelscope::report::model::TlsCarries;
use tunnelscope::tls::connection::{DecryptionStatus, NotDecryptedReason, SecretSource};
use tunnelscope::tls::secrets::TlsSecrets;
use tunnelscope::{pipeline, Config, Report};

use crate::common::{finding_codes, own, root, shared_captures};

/// Secrets for a run.
enum Secret<'a> {
    KeyLog(&'a Path),
    ServerKey(&'a Path),
    None,
}

fn analyze_with(capture: &Path, secrets: &[Secret<'_>], credentials: Option<&str>) -> Report {
    let mut s = TlsSecrets::default();
    for secret in secrets {
        match secret {
            Secret::KeyLog(p) => s.read_key_log(p).unwrap_or_else(|e| panic!("{e}")),
            Secret::ServerKey(p) => s.read_server_key(p).unwrap_or_else(|e| panic!("{e}")),
            Secret::None => {}
        }
    }
    let config = Config {
        tls_secrets: Arc::new(s),
        credentials: credentials
            .map(|c| vec![Credential::parse(c).unwrap_or_else(|e| panic!("{e}"))])
            .unwrap_or_default(),
        ..Config::default()
    };
    pipeline::analyze_path(&capture.to_string_lossy(), &config)
        .unwrap_or_else(|e| panic!("{}: {e}", capture.display()))
}

/// One row of a `.sstp.tsv` golden file: column name → value.
type Row = std::collections::HashMap<String, String>;

fn golden(capture: &str) -> Vec<Row> {
    let path = root().join("tests/golden").join(format!("{capture}.sstp.tsv"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap_or_default()
        .trim_start_matches('#')
        .split('\t')
        .map(String::from)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split('\t').map(String::from))
                .collect()
        })
        .collect()
}

fn col<'a>(row: &'a Row, name: &str) -> &'a str {
    row.get(name).map_or("", String::as_str)
}

fn frame(row: &Row) -> u64 {
    col(row, "frame.number").parse().unwrap_or(0)
}

/// What tshark saw of one SSTP session, to compare with ours.
#[derive(Debug, PartialEq)]
struct SstpView {
    http_request_frame: Option<u64>,
    http_response_frame: Option<u64>,
    /// (frame, message type) of every control message.
    control: Vec<(u64, u64)>,
    data_packets: u64,
    nonce: Option<String>,
    cert_hash: Option<String>,
    chap_user: Option<String>,
    /// IPCP Configure-Acks: frame and the IP-Address acknowledged.
    ipcp_acked: Vec<(u64, String)>,
}

fn tshark_view(rows: &[Row]) -> SstpView {
    let mut v = SstpView {
        http_request_frame: None,
        http_response_frame: None,
        control: Vec::new(),
        data_packets: 0,
        nonce: None,
        cert_hash: None,
        chap_user: None,
        ipcp_acked: Vec::new(),
    };
    for r in rows {
        let f = frame(r);
        if col(r, "http.request.method") == "SSTP_DUPLEX_POST" {
            v.http_request_frame.get_or_insert(f);
        }
        if !col(r, "http.response.code").is_empty() {
            v.http_response_frame.get_or_insert(f);
        }
        let kinds: Vec<&str> = col(r, "sstp.iscontrol")
            .split(',')
            .filter(|s| !s.is_empty())
            .collect();
        let mut types = col(r, "sstp.messagetype").split(',').filter(|s| !s.is_empty());
        for k in kinds {
            if k == "1" {
                let t = types.next().unwrap_or("0x0");
                v.control.push((
                    f,
                    u64::from_str_radix(t.trim_start_matches("0x"), 16).unwrap_or(0),
                ));
            } else {
                v.data_packets += 1;
            }
        }
        if !col(r, "sstp.nonce").is_empty() {
            v.nonce = Some(col(r, "sstp.nonce").split(',').next().unwrap_or("").to_string());
        }
        if !col(r, "sstp.cert_hash").is_empty() {
            v.cert_hash = Some(col(r, "sstp.cert_hash").to_string());
        }
        if col(r, "chap.code") == "2" {
            v.chap_user = Some(col(r, "chap.name").to_string());
        }
        if col(r, "ppp.protocol") == "0x8021" && col(r, "ppp.code") == "2" {
            v.ipcp_acked.push((f, col(r, "ipcp.opt.ip_address").to_string()));
        }
    }
    v
}

fn our_view(report: &Report) -> SstpView {
    let json = serde_json::to_value(report).unwrap_or(Value::Null);
    let s = &json["sstp_sessions"][0];
    let b = &s["crypto_binding"];
    let mut ipcp_acked = Vec::new();
    // Configure-Acks seen, from the PPP events (frame order).
    for e in s["ppp"]["events"].as_array().into_iter().flatten() {
        let summary = e["summary"].as_str().unwrap_or("");
        if e["phase"] == "ipcp" && summary.starts_with("Configure-Ack") {
            let ip = summary
                .split("IP ")
                .nth(1)
                .and_then(|r| r.split([',', ' ']).next());
            ipcp_acked.push((e["frame"].as_u64().unwrap_or(0), ip.unwrap_or("").to_string()));
        }
    }
    SstpView {
        http_request_frame: s["http"]["request_frame"].as_u64(),
        http_response_frame: s["http"]["response_frame"].as_u64(),
        control: s["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                (
                    m["frame"].as_u64().unwrap_or(0),
                    m["type_code"].as_u64().unwrap_or(0),
                )
            })
            .collect(),
        data_packets: s["data"]["client_to_server"]["packets"].as_u64().unwrap_or(0)
            + s["data"]["server_to_client"]["packets"].as_u64().unwrap_or(0),
        nonce: b["nonce"].as_str().map(String::from),
        cert_hash: b["cert_hash"].as_str().map(String::from),
        chap_user: s["ppp"]["auth"]["user"].as_str().map(String::from),
        ipcp_acked,
    }
}

/// The decryption report of the first TLS connection.
fn decryption(report: &Report) -> tunnelscope::tls::connection::DecryptionReport {
    report
        .tls_connections
        .first()
        .and_then(|t| t.decryption.clone())
        .unwrap_or_else(|| panic!("no decryption report"))
}

#[test]
fn sstp2_decrypts_with_the_server_key_as_tshark_shows_it() {
    let Some(dir) = shared_captures() else { return };
    let report = analyze_with(
        &dir.join("ajbanjara_Wireshark__sstp2.pcap"),
        &[Secret::ServerKey(
            &dir.join("ajbanjara_Wireshark__vpn-server-legit.key.pem"),
        )],
        None,
    );
    let tshark = tshark_view(&golden("ajbanjara_Wireshark__sstp2.pcap"));
    // The frames tshark shows with the same key.
    assert_eq!(
        tshark.control,
        [(127, 1), (128, 2), (148, 4), (840, 6), (841, 7)],
        "golden file"
    );
    assert_eq!(
        (tshark.http_request_frame, tshark.http_response_frame),
        (Some(125), Some(126))
    );
    assert_eq!(our_view(&report), tshark);

    assert_eq!(report.sstp_sessions.len(), 1);
    let s = &report.sstp_sessions[0];
    let b = s.crypto_binding.as_ref().unwrap_or_else(|| panic!("no binding"));
    assert_eq!(b.hash_protocol, Some("SHA256"));
    assert_eq!(b.nonce_matches, Some(true));
    assert_eq!(b.cert_hash_matches_tls_certificate, Some(true));
    assert_eq!(s.ppp.auth.server_name.as_deref(), Some("VPN-SERVER"));
    let ipcp = serde_json::to_value(&s.ppp).unwrap_or(Value::Null)["ipcp"].clone();
    assert_eq!(ipcp["client_ip"], "192.168.10.201");
    assert_eq!(ipcp["server_ip"], "192.168.10.200");

    let d = decryption(&report);
    assert_eq!(d.status, DecryptionStatus::Decrypted);
    assert_eq!(d.secret_source, Some(SecretSource::ServerKey));
    assert_eq!(d.records_failed, 0);
    let usage = report.tls_decryption.as_ref().unwrap_or_else(|| panic!("usage"));
    assert_eq!(usage.server_keys[0].connections, 1);
    assert_eq!(usage.connections_decrypted, 1);
    assert_eq!(report.tls_connections.len(), 1);
    assert_eq!(report.tls_connections[0].carries, TlsCarries::Sstp);
    assert_eq!(report.tls_connections[0].sstp_session.as_deref(), Some("sstp-1"));
    assert_eq!(
        finding_codes(&report),
        [
            "sstp_binding_mac_not_checked",
            "ppp_encryption_not_agreed",
            "ppp_protocol_rejected",
            "ppp_link_terminated"
        ]
    );
}

#[test]
fn the_ordinary_https_negative_decrypts_and_is_not_sstp() {
    let Some(dir) = shared_captures() else { return };
    let report = analyze_with(
        &dir.join("negatives/ajbanjara_Wireshark__rsasnakeoil2.cap"),
        &[Secret::ServerKey(
            &dir.join("negatives/ajbanjara_Wireshark__rsasnakeoil2.key"),
        )],
        None,
    );
    assert!(report.sstp_sessions.is_empty());
    let seen: Vec<_> = report
        .tls_connections
        .iter()
        .map(|t| {
            let d = t.decryption.as_ref().unwrap_or_else(|| panic!("decryption"));
            (
                t.client.port(),
                t.carries,
                t.request_line.clone(),
                d.status,
                d.secret_source,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                38713,
                TlsCarries::NotSstp,
                Some("GET / HTTP/1.1".to_string()),
                DecryptionStatus::Decrypted,
                Some(SecretSource::ServerKey)
            ),
            (
                38714,
                TlsCarries::NotSstp,
                Some("GET /icons/debian/openlogo-25.jpg HTTP/1.1".to_string()),
                DecryptionStatus::Decrypted,
                Some(SecretSource::ResumedSession)
            ),
        ]
    );
    // tshark's first request on each connection is the same.
    let rows = golden("ajbanjara_Wireshark__rsasnakeoil2.cap");
    for t in &report.tls_connections {
        let port = t.client.port().to_string();
        let first = rows
            .iter()
            .find(|r| col(r, "tcp.srcport") == port && !col(r, "http.request.method").is_empty())
            .unwrap_or_else(|| panic!("no request from {port}"));
        let line = format!(
            "{} {} HTTP/1.1",
            col(first, "http.request.method"),
            col(first, "http.request.uri")
        );
        assert_eq!(t.request_line.as_deref(), Some(line.as_str()));
    }
    assert_eq!(finding_codes(&report), ["tls_not_sstp"]);
}

/// A capture recorded with real TLS, its key log and what it negotiated.
struct Recorded {
    file: &'static str,
    suite: &'static str,
    version: &'static str,
}

const RECORDED: [Recorded; 5] = [
    Recorded {
        file: "sstp-tls12-ecdhe-aes128gcm",
        suite: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        version: "TLS 1.2",
    },
    Recorded {
        file: "sstp-tls12-chacha20",
        suite: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        version: "TLS 1.2",
    },
    Recorded {
        file: "sstp-tls13-aes256gcm",
        suite: "TLS_AES_256_GCM_SHA384",
        version: "TLS 1.3",
    },
    Recorded {
        file: "sstp-tls13-chacha20",
        suite: "TLS_CHACHA20_POLY1305_SHA256",
        version: "TLS 1.3",
    },
    Recorded {
        file: "sstp-tls12-rsa-aes128cbc",
        suite: "TLS_RSA_WITH_AES_128_CBC_SHA256",
        version: "TLS 1.2",
    },
];

fn pcap(name: &str) -> PathBuf {
    own(&format!("{name}.pcap"))
}

fn keylog(name: &str) -> PathBuf {
    own(&format!("{name}.keylog"))
}

const ALICE: &str = "alice:Tunnel-Pass-2026";

/// Checks a decrypted recorded session against tshark and the ground
/// truth every recording shares: the same SSTP session, whose binding
/// verifies with alice's password and the test certificate.
fn check_recorded(name: &str, report: &Report, version: &str, suite: &str) {
    let tshark = tshark_view(&golden(&format!(
        "{name}.{}",
        if name.ends_with("dsb") { "pcapng" } else { "pcap" }
    )));
    let ours = our_view(report);
    assert_eq!(ours, tshark, "{name}");
    let types: Vec<u64> = ours.control.iter().map(|c| c.1).collect();
    assert_eq!(
        types[..3],
        [1, 2, 4],
        "{name}: Call Connect Request, Ack, Connected"
    );
    assert_eq!(
        types[types.len() - 2..],
        [6, 7],
        "{name}: Call Disconnect and its Ack"
    );
    assert_eq!(ours.chap_user.as_deref(), Some("alice"), "{name}");
    assert_eq!(report.sstp_sessions.len(), 1, "{name}");
    let s = &report.sstp_sessions[0];
    let tls = s.tls.as_ref().unwrap_or_else(|| panic!("{name}: tls"));
    assert_eq!(
        tls.version.map(|v| v.to_string()).as_deref(),
        Some(version),
        "{name}"
    );
    assert_eq!(
        tls.cipher_suite.map(|c| c.to_string()).as_deref(),
        Some(suite),
        "{name}"
    );
    let b = serde_json::to_value(s.crypto_binding.as_ref()).unwrap_or(Value::Null);
    assert_eq!(b["nonce_matches"], true, "{name}");
    assert_eq!(b["cert_hash_matches_tls_certificate"], true, "{name}");
    assert_eq!(b["compound_mac"], "verified", "{name}");
    let d = decryption(report);
    assert_eq!(
        (d.status, d.records_failed),
        (DecryptionStatus::Decrypted, 0),
        "{name}"
    );
    assert!(
        d.client_to_server_records >= 14 && d.server_to_client_records >= 14,
        "{name}: {d:?}"
    );
    assert_eq!(
        finding_codes(report),
        ["sstp_binding_verified", "ppp_link_terminated"],
        "{name}"
    );
}

#[test]
fn recorded_captures_decrypt_with_their_key_logs() {
    for r in &RECORDED {
        let report = analyze_with(&pcap(r.file), &[Secret::KeyLog(&keylog(r.file))], Some(ALICE));
        check_recorded(r.file, &report, r.version, r.suite);
        assert_eq!(
            decryption(&report).secret_source,
            Some(SecretSource::KeyLog),
            "{}",
            r.file
        );
    }
}

#[test]
fn tls13_certificate_reaches_the_binding_only_when_decrypted() {
    let name = "sstp-tls13-aes256gcm";
    let clear = analyze_with(&pcap(name), &[Secret::None], None);
    assert!(clear.sstp_sessions[0]
        .tls
        .as_ref()
        .is_some_and(|t| t.certificates.is_empty()));
    let decrypted = analyze_with(&pcap(name), &[Secret::KeyLog(&keylog(name))], None);
    let certs = &decrypted.sstp_sessions[0]
        .tls
        .as_ref()
        .unwrap_or_else(|| panic!("tls"))
        .certificates;
    assert_eq!(certs.len(), 1);
    assert_eq!(
        certs[0].details.as_ref().map(|d| d.subject_common_name.clone()),
        Some(Some("vpn.example.net".to_string()))
    );
}

#[test]
fn the_rsa_recording_also_decrypts_with_the_server_key() {
    let name = "sstp-tls12-rsa-aes128cbc";
    let r = &RECORDED[4];
    let report = analyze_with(
        &pcap(name),
        &[Secret::ServerKey(&own("sstp-tls-server.key.pem"))],
        Some(ALICE),
    );
    check_recorded(name, &report, r.version, r.suite);
    assert_eq!(decryption(&report).secret_source, Some(SecretSource::ServerKey));
}

#[test]
fn secrets_inside_a_pcapng_decrypt_without_options() {
    let path = own("sstp-tls13-dsb.pcapng");
    let report = analyze_with(&path, &[Secret::None], Some(ALICE));
    check_recorded("sstp-tls13-dsb", &report, "TLS 1.3", "TLS_AES_128_GCM_SHA256");
    assert_eq!(
        decryption(&report).secret_source,
        Some(SecretSource::CaptureSecrets)
    );
    let usage = report.tls_decryption.as_ref().unwrap_or_else(|| panic!("usage"));
    assert_eq!(usage.capture_secrets.tls_key_log_blocks, 1);
    assert_eq!(usage.capture_secrets.key_log.client_randoms, 1);
}

#[test]
fn a_key_log_of_another_connection_gives_no_secret() {
    let report = analyze_with(
        &pcap("sstp-tls12-ecdhe-aes128gcm"),
        &[Secret::KeyLog(&keylog("sstp-tls13-aes256gcm"))],
        None,
    );
    let d = decryption(&report);
    assert_eq!(d.status, DecryptionStatus::NotDecrypted);
    assert_eq!(d.reason, Some(NotDecryptedReason::NoSecret));
    let codes = finding_codes(&report);
    assert!(codes.contains(&"tls_keylog_unmatched"), "{codes:?}");
    assert!(codes.contains(&"sstp_not_decrypted"), "{codes:?}");
    // Still judged by its shape, as without secrets.
    assert_eq!(
        report.sstp_sessions[0].certainty,
        tunnelscope::sstp::session::Certainty::Likely
    );
}

#[test]
fn a_server_key_cannot_open_ecdhe() {
    let report = analyze_with(
        &pcap("sstp-tls12-ecdhe-aes128gcm"),
        &[Secret::ServerKey(&own("sstp-tls-server.key.pem"))],
        None,
    );
    assert_eq!(
        decryption(&report).reason,
        Some(NotDecryptedReason::EphemeralKeyExchange)
    );
    let codes = finding_codes(&report);
    assert!(codes.contains(&"tls_server_key_unused"), "{codes:?}");
    let f = report.findings.iter().find(|f| f.code == "tls_server_key_unused");
    assert!(f.is_some_and(|f| f.explanation.contains("ephemeral")), "{f:?}");
}

#[test]
fn another_servers_key_does_not_match_the_certificate() {
    let Some(dir) = shared_captures() else { return };
    let report = analyze_with(
        &pcap("sstp-tls12-rsa-aes128cbc"),
        &[Secret::ServerKey(
            &dir.join("ajbanjara_Wireshark__vpn-server-legit.key.pem"),
        )],
        None,
    );
    assert_eq!(
        decryption(&report).reason,
        Some(NotDecryptedReason::ServerKeyMismatch)
    );
    let f = report.findings.iter().find(|f| f.code == "tls_server_key_unused");
    assert!(
        f.is_some_and(|f| f.explanation.contains("does not match the certificate")),
        "{f:?}"
    );
}

/// Flips one byte inside a protected application data record of the
/// server: that record fails its tag, is reported, and the rest of the
/// session still decrypts.
#[test]
fn a_corrupted_record_is_a_finding_not_a_panic() {
    let name = "sstp-tls12-ecdhe-aes128gcm";
    let mut bytes = std::fs::read(pcap(name)).unwrap_or_else(|e| panic!("{e}"));
    let golden_rows = golden(&format!("{name}.pcap"));
    // The frame of the Call Connect Ack: a server record to damage.
    let ack = golden_rows
        .iter()
        .find(|r| col(r, "sstp.messagetype") == "0x0002")
        .map(frame)
        .unwrap_or_else(|| panic!("no ack"));
    let offset = frame_offset(&bytes, ack);
    // The last byte of the frame is inside the record's tag.
    let last = offset.1 - 1;
    bytes[last] ^= 0x01;
    let dir = std::env::temp_dir().join(format!("tunnelscope-corrupt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let damaged = dir.join("damaged.pcap");
    std::fs::write(&damaged, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let report = analyze_with(&damaged, &[Secret::KeyLog(&keylog(name))], None);
    let _ = std::fs::remove_dir_all(&dir);
    let d = decryption(&report);
    assert_eq!(d.status, DecryptionStatus::PartlyDecrypted);
    assert_eq!(d.records_failed, 1);
    assert_eq!(d.first_failure.as_ref().map(|f| f.frame), Some(ack));
    let f = report.findings.iter().find(|f| f.code == "tls_records_failed");
    assert_eq!(f.map(|f| f.frames.clone()), Some(vec![ack]));
    // The Ack is gone; the rest of the session is there.
    let types: Vec<u16> = report.sstp_sessions[0]
        .messages
        .iter()
        .map(|m| m.message.message_type.0)
        .collect();
    assert!(!types.contains(&2) && types.contains(&4), "{types:?}");
}

/// The byte range of a frame's packet data in a classic pcap.
fn frame_offset(pcap: &[u8], frame: u64) -> (usize, usize) {
    let mut at = 24;
    let mut n = 0;
    while at + 16 <= pcap.len() {
        let len = u32::from_le_bytes([pcap[at + 8], pcap[at + 9], pcap[at + 10], pcap[at + 11]]) as usize;
        n += 1;
        if n == frame {
            return (at + 16, at + 16 + len);
        }
        at += 16 + len;
    }
    panic!("frame {frame} not found");
}

/// The capture begins after the handshakes (TCP and TLS): still taken for
/// TLS, likely SSTP by its shape, and "not decrypted" because the
/// handshake that fixes the keys is missing.
#[test]
fn a_capture_started_mid_connection_says_so() {
    let name = "sstp-tls12-ecdhe-aes128gcm";
    let bytes = std::fs::read(pcap(name)).unwrap_or_else(|e| panic!("{e}"));
    // Keep the pcap header and frames 12 onwards (after the Call Connect
    // Ack, well into the encrypted data).
    let from = frame_offset(&bytes, 12).0 - 16;
    let mut cut = bytes[..24].to_vec();
    cut.extend_from_slice(&bytes[from..]);
    let dir = std::env::temp_dir().join(format!("tunnelscope-mid-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("mid.pcap");
    std::fs::write(&path, &cut).unwrap_or_else(|e| panic!("{e}"));
    let report = analyze_with(&path, &[Secret::KeyLog(&keylog(name))], None);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(report.sstp_sessions.len(), 1);
    let s = &report.sstp_sessions[0];
    assert_eq!(s.certainty, tunnelscope::sstp::session::Certainty::Likely);
    assert_eq!(
        (s.client.port, s.server.port),
        (50123, 443),
        "roles told by the port"
    );
    assert_eq!(
        decryption(&report).reason,
        Some(NotDecryptedReason::MissedHandshake)
    );
    assert_eq!(
        finding_codes(&report),
        ["tls_keylog_unmatched", "sstp_not_decrypted", "sstp_encrypted"]
    );
    // The encrypted close_notify is not read as a clear alert.
    assert_eq!(
        s.tls.as_ref().map(|t| t.alerts.iter().all(|a| a.encrypted)),
        Some(true)
    );
}
