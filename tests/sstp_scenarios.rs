//! The SSTP and TLS scenarios (`captures/sstp-*.pcap`, `tls-*.pcap`),
//! each compared with the generator's ground truth: every SSTP control
//! message at its frame and direction, the HTTP exchange, each crypto
//! binding check, the TLS facts, and the findings.

use tunnelscope::ppp::verify::Credential;
use tunnelscope::synth::scenarios;
use tunnelscope::synth::tcp::Side;
use tunnelscope::{certfile, pipeline, Config};

use crate::common::own;

fn config(credentials: Option<String>) -> Config {
    let mut c = Config::default();
    if let Some(cred) = credentials {
        c.credentials = vec![Credential::parse(&cred).unwrap_or_else(|e| panic!("{e}"))];
    }
    c.certificates =
        certfile::read_certificates(&own("sstp-test-cert.pem")).unwrap_or_else(|e| panic!("{e}"));
    c
}

#[test]
fn every_sstp_scenario_matches_its_truth() {
    let all = scenarios::all().unwrap_or_else(|e| panic!("{e}"));
    let mut checked = 0;
    for scenario in all {
        let Some(truth) = &scenario.truth.sstp else {
            continue;
        };
        let name = scenario.file_name;
        let credentials = truth
            .credentials
            .as_ref()
            .map(|c| format!("{}:{}", c.user, c.password));
        let report = pipeline::analyze_path(&own(name).to_string_lossy(), &config(credentials))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        checked += 1;

        // Every SSTP control message, at its frame, in its direction.
        let json = serde_json::to_value(&report.sstp_sessions).unwrap_or_default();
        let mut ours: Vec<(u64, u64, String)> = json
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|s| s["messages"].as_array().cloned().unwrap_or_default())
            .map(|m| {
                (
                    m["frame"].as_u64().unwrap_or(0),
                    m["type_code"].as_u64().unwrap_or(0),
                    m["direction"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let mut want: Vec<(u64, u64, String)> = truth
            .messages
            .iter()
            .map(|m| {
                let d = match m.from {
                    Side::Client => "client_to_server",
                    Side::Server => "server_to_client",
                };
                (m.frame, u64::from(m.message_type), d.to_string())
            })
            .collect();
        ours.sort();
        want.sort();
        assert_eq!(ours, want, "{name}: SSTP control messages");

        // The HTTP status, where the server answered.
        for h in truth.http.iter().filter(|h| h.from == Side::Server && h.sstp) {
            let status: Option<u16> = h
                .start_line
                .split_whitespace()
                .nth(1)
                .and_then(|c| c.parse().ok());
            let session = report.sstp_sessions.get(h.connection);
            let ours = session.and_then(|s| s.http.as_ref()).and_then(|h| h.status);
            assert_eq!(ours, status, "{name}: HTTP status");
        }

        // Each binding check.
        for b in &truth.bindings {
            let Some(s) = report.sstp_sessions.get(b.connection) else {
                panic!("{name}: no session")
            };
            let Some(cb) = s.crypto_binding.as_ref() else {
                panic!("{name}: no binding")
            };
            let protocol = if b.hash_protocol == 1 { "SHA1" } else { "SHA256" };
            assert_eq!(cb.hash_protocol, Some(protocol), "{name}: hash protocol");
            assert_eq!(cb.nonce_matches, Some(b.nonce_matches), "{name}: nonce");
            assert_eq!(
                cb.cert_hash_matches_given,
                Some(b.cert_hash_matches),
                "{name}: cert hash vs --cert"
            );
            let mac = if b.compound_mac_valid {
                "verified"
            } else {
                "mismatch"
            };
            let verdict = serde_json::to_value(cb.compound_mac).unwrap_or_default();
            assert_eq!(verdict, mac, "{name}: compound MAC");
        }

        // TLS facts read in the clear.
        for t in &truth.tls {
            let facts = report
                .sstp_sessions
                .iter()
                .filter_map(|s| s.tls.as_deref())
                .find(|f| f.sni == t.sni);
            let Some(facts) = facts else { continue };
            assert_eq!(
                facts.cipher_suite.map(|c| c.0),
                t.cipher_suite,
                "{name}: cipher suite"
            );
        }
    }
    assert_eq!(checked, 15, "SSTP scenarios");
}

#[test]
fn sstp_scenarios_give_exactly_their_findings() {
    use tunnelscope::analysis::Severity::*;
    let cred = Some("alice:Tunnel-Pass-2026".to_string());
    let expected: &[(&str, &[(&str, tunnelscope::analysis::Severity)])] = &[
        (
            "sstp-clean-sha256.pcap",
            &[("sstp_binding_verified", Info), ("ppp_link_terminated", Info)],
        ),
        (
            "sstp-clean-sha1.pcap",
            &[("sstp_binding_verified", Info), ("ppp_link_terminated", Info)],
        ),
        (
            "sstp-pap-zero-hlak.pcap",
            &[("sstp_binding_verified", Info), ("ppp_link_terminated", Info)],
        ),
        (
            "sstp-cert-mismatch.pcap",
            &[
                ("sstp_abort_after_call_connected", Error),
                ("sstp_binding_cert_not_expected", Error),
            ],
        ),
        (
            "sstp-nonce-mismatch.pcap",
            &[
                ("sstp_binding_nonce_mismatch", Error),
                ("sstp_abort_after_call_connected", Error),
            ],
        ),
        (
            "sstp-bad-mac.pcap",
            &[
                ("sstp_binding_compound_mac_mismatch", Error),
                ("sstp_abort_after_call_connected", Error),
            ],
        ),
        ("sstp-404.pcap", &[("sstp_http_refused", Error)]),
        (
            "sstp-nak.pcap",
            &[
                ("sstp_call_connect_nak", Error),
                ("sstp_protocol_deviation", Warning),
            ],
        ),
        (
            "sstp-echo.pcap",
            &[
                ("sstp_call_aborted", Warning),
                ("sstp_echo_unanswered", Warning),
                ("sstp_binding_verified", Info),
            ],
        ),
        // Plain HTTP: not SSTP, no session, no finding.
        ("http-not-sstp.pcap", &[]),
        ("sstp-tls12.pcap", &[("sstp_encrypted", Info)]),
        ("sstp-tls13.pcap", &[("sstp_encrypted", Info)]),
        (
            "tls-alert-untrusted.pcap",
            &[("sstp_tls_certificate_rejected", Error), ("sstp_encrypted", Info)],
        ),
        (
            "tls-closed-no-sstp.pcap",
            &[
                ("sstp_tls_closed_before_request", Error),
                ("sstp_encrypted", Info),
            ],
        ),
        (
            "sstp-pool-two-certs.pcap",
            &[("sstp_pool_certificate_mismatch", Warning)],
        ),
    ];
    for (name, want) in expected {
        let report = pipeline::analyze_path(&own(name).to_string_lossy(), &config(cred.clone()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let got: Vec<_> = report.findings.iter().map(|f| (f.code, f.severity)).collect();
        assert_eq!(got, want.to_vec(), "{name}");
    }
    // Windows errors of the TLS refusals: untrusted root and revocation.
    let code = |name: &str| {
        let r = pipeline::analyze_path(&own(name).to_string_lossy(), &Config::default())
            .unwrap_or_else(|e| panic!("{e}"));
        r.findings[0].windows_error.map(|w| w.code)
    };
    assert_eq!(code("tls-alert-untrusted.pcap"), Some(0x800B_0109));
    assert_eq!(code("tls-closed-no-sstp.pcap"), Some(0x8009_2013));
}

#[test]
fn tls_facts_of_generated_handshakes() {
    let r = pipeline::analyze_path(&own("sstp-tls12.pcap").to_string_lossy(), &Config::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let s = &r.sstp_sessions[0];
    let tls = s.tls.as_deref().unwrap_or_else(|| panic!("no TLS facts"));
    assert_eq!(tls.sni.as_deref(), Some("vpn.example.net"));
    assert_eq!(tls.cipher_suite.map(|c| c.0), Some(0xC030));
    assert_eq!(
        tls.certificates.first().map(|c| c.sha256.as_str()),
        Some("d86f9341d56f7e54584e0bc95b11c08e6fd1705620d2fb27b6423630df09e614")
    );
    let r = pipeline::analyze_path(&own("sstp-tls13.pcap").to_string_lossy(), &Config::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let tls = r.sstp_sessions[0]
        .tls
        .as_deref()
        .unwrap_or_else(|| panic!("no TLS facts"));
    assert_eq!(tls.version.map(|v| v.0), Some(0x0304));
    assert!(tls.certificates.is_empty(), "TLS 1.3 encrypts the certificate");
}

#[test]
fn real_sstp_captures_are_likely_sstp_with_their_tls_facts() {
    let Some(dir) = crate::common::shared_captures() else {
        return;
    };
    let r = crate::common::analyze(&dir.join("ajbanjara_Wireshark__sstp2.pcap"));
    assert_eq!(r.sstp_sessions.len(), 1);
    let s = &r.sstp_sessions[0];
    assert_eq!(serde_json::to_value(s).unwrap_or_default()["certainty"], "likely");
    let tls = s.tls.as_deref().unwrap_or_else(|| panic!("no TLS"));
    assert_eq!(tls.sni.as_deref(), Some("vpn-server.pro3.local"));
    assert_eq!(tls.cipher_suite.map(|c| c.0), Some(0x002F));
    assert!(tls
        .certificates
        .first()
        .is_some_and(|c| c.sha256.starts_with("1ce41916")));
    let r = crate::common::analyze(&dir.join("hugsy_sstoper__SSTP_Session_example.pcap"));
    assert_eq!(r.sstp_sessions.len(), 1);
    assert_eq!(
        r.sstp_sessions[0]
            .tls
            .as_deref()
            .and_then(|t| t.sni.clone())
            .as_deref(),
        Some("vpn.coyote.looney")
    );
    let r = crate::common::analyze(&dir.join("negatives/ajbanjara_Wireshark__rsasnakeoil2.cap"));
    assert!(r.sstp_sessions.is_empty(), "ordinary HTTPS is not SSTP");
}
