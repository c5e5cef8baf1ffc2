//! The command line: exit codes, output forms, standard input, closed pipes.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::common;

fn tunnelscope() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tunnelscope"))
}

#[test]
fn help_describes_formats_and_exit_codes() {
    let out = tunnelscope()
        .arg("--help")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for word in [
        "--format",
        "table",
        "flow",
        "json",
        "ndjson",
        "--fail-on",
        "--keylog",
        "--server-key",
        "Exit status",
    ] {
        assert!(text.contains(word), "--help lacks {word}");
    }
}

#[test]
fn missing_file_is_exit_2() {
    let out = tunnelscope()
        .arg("no-such-file.pcap")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-file.pcap"));
}

#[test]
fn not_a_capture_is_exit_2() {
    let out = tunnelscope()
        .arg("Cargo.toml")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a pcap or pcapng"));
}

#[test]
fn bad_usage_is_exit_2() {
    let out = tunnelscope()
        .args(["--format", "xml", "x.pcap"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn fail_on_sets_the_exit_status() {
    let Some(dir) = common::shared_captures() else {
        return;
    };
    // One warning (closed without Stop-Control-Connection), no error.
    let capture = dir.join("the-tcpdump-group_tcpdump__pptp.pcap");
    let status = |level: &str| {
        tunnelscope()
            .arg(&capture)
            .args(["--fail-on", level])
            .stdout(Stdio::null())
            .status()
            .ok()
            .and_then(|s| s.code())
    };
    assert_eq!(status("error"), Some(0));
    assert_eq!(status("warning"), Some(1));
    assert_eq!(status("info"), Some(1));
    assert_eq!(status("never"), Some(0));
}

#[test]
fn json_from_standard_input() {
    let Some(dir) = common::shared_captures() else {
        return;
    };
    let bytes = std::fs::read(dir.join("ntop_nDPI__pptp.pcap")).unwrap_or_default();
    let mut child = tunnelscope()
        .args(["--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(&bytes).unwrap_or_else(|e| panic!("{e}"));
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["tool"]["name"], "tunnelscope");
    assert_eq!(v["captures"][0]["file"], "-");
    assert_eq!(v["captures"][0]["format"], "pcap");
    assert_eq!(v["captures"][0]["frames"], 24);
    assert_eq!(
        v["pptp_sessions"][0]["messages"][3]["type"],
        "Outgoing-Call-Reply"
    );
    assert_eq!(
        v["pptp_sessions"][0]["messages"][3]["direction"],
        "server_to_client"
    );
    assert_eq!(v["pptp_sessions"][0]["calls"][0]["server_call_id"], 11755);
}

#[test]
fn several_files_give_an_array_and_ndjson_gives_lines() {
    let Some(dir) = common::shared_captures() else {
        return;
    };
    let a = dir.join("ntop_nDPI__pptp.pcap");
    let b = dir.join("the-tcpdump-group_tcpdump__pptp.pcap");
    let out = tunnelscope()
        .args(["-f", "json"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    let out = tunnelscope()
        .args(["-f", "ndjson"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    for line in lines {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v["schema_version"], 1);
    }
}

#[test]
fn closed_pipe_is_a_clean_exit() {
    let Some(dir) = common::shared_captures() else {
        return;
    };
    let capture = dir.join("ntop_nDPI__pptp.pcap");
    let mut cmd = tunnelscope();
    cmd.args(["-f", "json"]);
    for _ in 0..200 {
        cmd.arg(&capture);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn cert_hash_prints_both_hashes_and_the_registry_form() {
    let out = tunnelscope()
        .args(["cert-hash", "captures/sstp-test-cert.pem"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("subject: CN=vpn.example.net"), "{text}");
    assert!(
        text.contains("SHA1CertificateHash (REG_BINARY): 6938802FD2E88468808F1D33D460A2084B20E230"),
        "{text}"
    );
    assert!(
        text.contains("SHA256CertificateHash (REG_BINARY): D86F9341D56F7E54584E0BC95B11C08E6FD1705620D2FB27B6423630DF09E614"),
        "{text}"
    );
    let missing = tunnelscope()
        .args(["cert-hash", "no-such.pem"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn binding_checked_against_a_given_certificate_and_hash() {
    let run = |extra: &[&str]| {
        let out = tunnelscope()
            .args(["-f", "json", "captures/sstp-clean-sha256.pcap"])
            .args(extra)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        v["sstp_sessions"][0]["crypto_binding"]["cert_hash_matches_given"].clone()
    };
    assert_eq!(run(&["--cert", "captures/sstp-test-cert.pem"]), true);
    assert_eq!(run(&["--cert", "captures/sstp-test-cert-2.pem"]), false);
    assert_eq!(
        run(&[
            "--cert-hash",
            "D86F9341D56F7E54584E0BC95B11C08E6FD1705620D2FB27B6423630DF09E614"
        ]),
        true
    );
    assert_eq!(run(&[]), serde_json::Value::Null);
}

/// Secrets given on the command line never reach the output: not the
/// key log's secrets, not the private key, in any format.
#[test]
fn tls_secrets_are_used_and_never_printed() {
    let capture = common::own("sstp-tls12-rsa-aes128cbc.pcap");
    let keylog = common::own("sstp-tls12-rsa-aes128cbc.keylog");
    let key = common::own("sstp-tls-server.key.pem");
    let keylog_text = std::fs::read_to_string(&keylog).unwrap_or_else(|e| panic!("{e}"));
    // Every hex field of the key log (the secrets, and the randoms they
    // are keyed by, which the report does show as facts of the handshake).
    let secrets: Vec<String> = keylog_text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_lowercase))
        .collect();
    assert!(!secrets.is_empty());
    let key_text = std::fs::read_to_string(&key).unwrap_or_else(|e| panic!("{e}"));
    let key_b64: String = key_text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .take(3)
        .collect();
    for format in ["table", "flow", "json"] {
        let out = tunnelscope()
            .arg("--keylog")
            .arg(&keylog)
            .arg("--server-key")
            .arg(&key)
            .args(["--format", format, "--fail-on", "never"])
            .arg(&capture)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(0), "{format}");
        let text = String::from_utf8_lossy(&out.stdout).to_lowercase();
        assert!(text.contains("decrypted"), "{format}: decryption shown");
        for s in &secrets {
            assert!(
                !text.contains(s.as_str()),
                "{format}: a key log secret was printed"
            );
        }
        assert!(
            !text.contains(&key_b64.to_lowercase()),
            "{format}: the private key was printed"
        );
    }
}

#[test]
fn unusable_secret_files_are_exit_2() {
    for (option, file, says) in [
        ("--keylog", "no-such.keylog", "--keylog: cannot read"),
        ("--server-key", "no-such.pem", "--server-key: cannot read"),
        (
            "--server-key",
            "captures/sstp-tls-server.pem",
            "no RSA private key found",
        ),
    ] {
        let out = tunnelscope()
            .current_dir(common::root())
            .args([option, file, "captures/sstp-tls12-chacha20.pcap"])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(2), "{option} {file}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{option} {file}: {err}");
    }
}
