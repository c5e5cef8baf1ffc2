//! The PPP scenarios inside PPTP calls (`captures/ppp-*.pcap`), each
//! compared with the generator's ground truth: authentication method, user,
//! result and E= code, password verification with the scenario's
//! credentials, MPPE, IPCP, who ended the link, unanswered echoes, and the
//! Windows error of the findings.

use tunnelscope::ppp::negotiation::AuthResult;
use tunnelscope::ppp::verify::Credential;
use tunnelscope::pptp::session::Direction;
use tunnelscope::synth::scenarios::{ppp_paths, AuthProtocol, CcpOutcome};
use tunnelscope::synth::tcp::Side;
use tunnelscope::{pipeline, Config};

use crate::common::own;

fn analyze_with(name: &str, credentials: Option<&str>) -> tunnelscope::Report {
    let mut config = Config::default();
    if let Some(c) = credentials {
        config.credentials = vec![Credential::parse(c).unwrap_or_else(|e| panic!("{e}"))];
    }
    pipeline::analyze_path(&own(name).to_string_lossy(), &config).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_ppp_scenario_matches_its_truth() {
    let all = ppp_paths().unwrap_or_else(|e| panic!("{e}"));
    assert!(all.len() >= 16);
    for s in all {
        let name = s.scenario.file_name;
        let truth = &s.ppp;
        let report = analyze_with(name, truth.credentials.as_deref());
        let call = &report.pptp_sessions[0].calls[0];
        let Some(ppp) = call.ppp.as_ref() else {
            panic!("{name}: no PPP")
        };

        // LCP opened at the truth's frame (or never).
        assert_eq!(ppp.lcp.opened_frame, truth.lcp_opened, "{name}: LCP opened");

        // Authentication.
        match &truth.auth {
            Some(a) => {
                let protocol = match a.protocol {
                    AuthProtocol::Pap => "PAP",
                    AuthProtocol::ChapMd5 => "CHAP-MD5",
                    AuthProtocol::MsChapV1 => "MS-CHAP",
                    AuthProtocol::MsChapV2 => "MS-CHAPv2",
                    AuthProtocol::EapMsChapV2 => "EAP",
                };
                assert_eq!(ppp.auth.protocol, Some(protocol), "{name}: auth protocol");
                assert_eq!(ppp.auth.user.as_deref(), Some(a.user.as_str()), "{name}: user");
                let result = if a.succeeded {
                    AuthResult::Success
                } else {
                    AuthResult::Failure
                };
                assert_eq!(ppp.auth.result, Some(result), "{name}: auth result");
                assert_eq!(
                    ppp.auth.error_code,
                    if a.succeeded { None } else { a.error_code },
                    "{name}: E="
                );
                assert_eq!(
                    ppp.auth.result_frame,
                    Some(a.result_frame),
                    "{name}: result frame"
                );
                // Verifiable methods give a verdict with the server's
                // password: true when the login succeeded, false when the
                // client typed another one.
                let verifiable = matches!(a.protocol, AuthProtocol::Pap | AuthProtocol::MsChapV2)
                    && truth.credentials.is_some()
                    && !a.password_changed;
                if verifiable {
                    assert_eq!(
                        ppp.auth.password_verified,
                        Some(a.succeeded),
                        "{name}: password verified"
                    );
                }
            }
            None => assert_eq!(ppp.auth.result, None, "{name}: no authentication"),
        }

        // CCP / MPPE.
        if let Some(c) = &truth.ccp {
            match c.outcome {
                CcpOutcome::Agreed { .. } => {
                    let mppe = ppp.ccp.mppe.as_ref().map(|m| (m.strength.as_str(), m.stateless));
                    assert_eq!(mppe, Some(("128-bit", true)), "{name}: MPPE");
                }
                _ => assert!(ppp.ccp.mppe.is_none(), "{name}: MPPE must not be agreed"),
            }
        }

        // IPCP.
        if let Some(i) = &truth.ipcp {
            assert_eq!(
                ppp.ipcp.client_ip,
                i.client_address.map(|a| a.to_string()),
                "{name}: client IP"
            );
            assert_eq!(
                ppp.ipcp.server_ip,
                i.server_address.map(|a| a.to_string()),
                "{name}: server IP"
            );
            if let Some(dns) = i.primary_dns {
                assert_eq!(ppp.ipcp.dns.first(), Some(&dns.to_string()), "{name}: DNS");
            }
        }

        // Who ended the link.
        if let Some(frame) = truth.end.terminate_request {
            let t = ppp.lcp.terminate.as_ref().map(|t| (t.by, t.frame));
            let by = match truth.end.by {
                Side::Client => Direction::ClientToServer,
                Side::Server => Direction::ServerToClient,
            };
            assert_eq!(t, Some((by, frame)), "{name}: terminate");
        }

        // Unanswered echoes.
        let unanswered: u32 = ppp.outcome.echo_failures.iter().map(|e| e.unanswered).sum();
        assert_eq!(
            unanswered as usize,
            truth.unanswered_echoes.len(),
            "{name}: unanswered echoes"
        );

        // The Windows error the findings name.
        let errors: Vec<u32> = report
            .findings
            .iter()
            .filter(|f| f.code.starts_with("ppp_"))
            .filter_map(|f| f.windows_error.map(|w| w.code))
            .collect();
        match truth.windows_error {
            Some(code) if code != 737 && code != 738 => {
                assert!(
                    errors.contains(&code),
                    "{name}: Windows {code} expected among {errors:?}"
                )
            }
            _ => {}
        }
    }
}

#[test]
fn wrong_password_is_not_verified() {
    let r = analyze_with("ppp-mschapv2-ok.pcap", Some("bob:not-the-password"));
    let ppp = r.pptp_sessions[0].calls[0].ppp.as_ref();
    assert_eq!(ppp.and_then(|p| p.auth.password_verified), Some(false));
    assert!(r.findings.iter().any(|f| f.code == "ppp_password_mismatch"));
}
