//! Checking the SSTP crypto binding of one connection ([MS-SSTP] §3.2.5.2,
//! §2.2.7; protocols.md §4.6–4.7), each check on its own with the frames
//! that show it:
//!
//! 1. the Nonce in Call Connected is the one the server sent in Call
//!    Connect Ack;
//! 2. the Hash Protocol the client chose is one the server offered;
//! 3. the Cert Hash is the SHA-1 / SHA-256 of the server certificate: the
//!    leaf seen in this connection's TLS handshake, the certificates given
//!    with `--cert`, the hashes given with `--cert-hash`;
//! 4. the Compound MAC recomputes under the HLAK, when the HLAK is known:
//!    32 zero bytes when the PPP authentication produced no keys (PAP), the
//!    MS-CHAPv2 master keys when `--credentials` holds the user's password.
//!
//! A server that finds any of these wrong aborts the call; a capture shows
//! which one. [`pool_certificate_mismatch`] looks across connections for
//! one name served with different certificates (a load-balanced pool whose
//! members do not share the certificate).

use std::collections::BTreeMap;

use serde::Serialize;

use super::session::{Endpoint, SstpSession};
use super::wire::{hash_protocol_name, hex, CryptoBinding, CryptoBindingRequest};
use crate::crypto::sstp::{hlak_without_keys, verify_compound_mac, HashProtocol, Hlak, CALL_CONNECTED_LEN};
use crate::ppp::negotiation::AuthReport;
use crate::ppp::verify::{verify, Credential};
use crate::tls::x509::CertificateInfo;

/// What the user gave to check bindings with.
#[derive(Debug, Clone, Copy)]
pub struct BindingContext<'a> {
    /// `--credentials`: passwords for MS-CHAPv2 users (HLAK derivation).
    pub credentials: &'a [Credential],
    /// `--cert`: DER certificates (any in a chain file) the server is
    /// expected to present.
    pub certificates: &'a [Vec<u8>],
    /// `--cert-hash`: expected certificate hashes, 20 (SHA-1) or 32
    /// (SHA-256) bytes.
    pub cert_hashes: &'a [Vec<u8>],
}

impl BindingContext<'static> {
    /// Nothing given: only the checks the capture alone allows.
    pub const fn empty() -> Self {
        BindingContext {
            credentials: &[],
            certificates: &[],
            cert_hashes: &[],
        }
    }
}

/// The verdict on the Compound MAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CompoundMacVerdict {
    /// Recomputed under the HLAK, equal to the one sent.
    Verified,
    /// Recomputed under an HLAK known to be the right one, different.
    Mismatch,
    /// The HLAK is not known (see `compound_mac_reason`).
    NotChecked,
}

/// The crypto binding of one connection, checked ([MS-SSTP] §2.2.7,
/// §3.2.5.2.4). A check that could not be made is `null`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CryptoBindingReport {
    /// Call Connect Ack frame (the Crypto Binding Request).
    pub call_connect_ack_frame: Option<u64>,
    /// The Hash Protocol Bitmask the server sent.
    pub hash_protocol_bitmask: Option<u8>,
    /// Its protocols by name ("SHA1", "SHA256").
    pub offered_hash_protocols: Vec<&'static str>,
    /// The server's nonce, hex.
    pub request_nonce: Option<String>,
    /// Call Connected frame (the Crypto Binding).
    pub call_connected_frame: Option<u64>,
    /// The protocol the client chose: "SHA1", "SHA256", or null for a byte
    /// that is neither.
    pub hash_protocol: Option<&'static str>,
    /// The Hash Protocol byte as sent.
    pub hash_protocol_code: Option<u8>,
    /// The chosen protocol is one the server offered (false when either
    /// message is missing).
    pub hash_protocol_offered: bool,
    /// Call Connect Ack and Call Connected.
    pub hash_protocol_frames: Vec<u64>,
    /// The nonce the client echoed, hex.
    pub nonce: Option<String>,
    /// The echoed nonce equals the server's.
    pub nonce_matches: Option<bool>,
    pub nonce_frames: Vec<u64>,
    /// The Cert Hash, hex, without the SHA-1 padding.
    pub cert_hash: Option<String>,
    /// SHA-1 or SHA-256 (as chosen) of the leaf certificate in this
    /// connection's TLS handshake, hex.
    pub tls_certificate_hash: Option<String>,
    /// Cert Hash equals `tls_certificate_hash` (null without a clear
    /// certificate: plaintext behind an offloader, TLS 1.3, or a capture
    /// that missed the handshake).
    pub cert_hash_matches_tls_certificate: Option<bool>,
    /// The server's Certificate message and Call Connected.
    pub tls_certificate_frames: Vec<u64>,
    /// Cert Hash equals the hash of a `--cert` certificate or a
    /// `--cert-hash` value of the chosen length (null when none was given).
    pub cert_hash_matches_given: Option<bool>,
    /// Which given value matched ("--cert certificate 2", "--cert-hash 1").
    pub cert_hash_matched: Option<String>,
    /// How many given values had the chosen protocol's length and were
    /// compared.
    pub given_values_compared: usize,
    /// Call Connected (the frame holding the Cert Hash).
    pub cert_hash_frames: Vec<u64>,
    pub compound_mac: CompoundMacVerdict,
    /// Why the MAC was not checked.
    pub compound_mac_reason: Option<String>,
    /// Where the HLAK came from, when it was known.
    pub hlak: Option<String>,
    /// The MAC as sent, hex, without padding.
    pub compound_mac_value: Option<String>,
    /// The 12 bytes after a SHA-1 Cert Hash and Compound MAC are zero
    /// (always true for SHA-256).
    pub padding_is_zero: Option<bool>,
    /// Call Connected, and the frames of the PPP authentication the HLAK
    /// comes from.
    pub compound_mac_frames: Vec<u64>,
}

/// The Call Connect Ack's Crypto Binding Request and its frame.
#[derive(Debug, Clone, Copy)]
pub struct RequestSeen<'a> {
    pub request: &'a CryptoBindingRequest,
    pub frame: u64,
}

/// The Call Connected message's Crypto Binding, its 112 bytes as sent when
/// they could be rebuilt, and its frame.
#[derive(Debug, Clone, Copy)]
pub struct BindingSeen<'a> {
    pub binding: &'a CryptoBinding,
    pub message: Option<&'a [u8; CALL_CONNECTED_LEN]>,
    pub frame: u64,
}

/// The server's leaf certificate from this connection's TLS handshake and
/// the frame of the Certificate message.
#[derive(Debug, Clone, Copy)]
pub struct LeafSeen<'a> {
    pub certificate: &'a CertificateInfo,
    pub frame: u64,
}

/// Everything one connection shows of its binding.
#[derive(Debug, Clone, Copy, Default)]
pub struct BindingEvidence<'a> {
    pub request: Option<RequestSeen<'a>>,
    pub binding: Option<BindingSeen<'a>>,
    pub tls_leaf: Option<LeafSeen<'a>>,
}

/// Checks the binding of one connection. `auth` is the connection's PPP
/// authentication: MS-CHAPv2 is verified against `ctx.credentials` here
/// (which fills `auth.password_verified`). `None` when the connection
/// showed neither Call Connect Ack nor Call Connected.
pub fn check(
    evidence: &BindingEvidence<'_>,
    ctx: &BindingContext<'_>,
    auth: &mut AuthReport,
) -> Option<CryptoBindingReport> {
    if evidence.request.is_none() && evidence.binding.is_none() {
        return None;
    }
    let request = evidence.request;
    let seen = evidence.binding;
    let binding = seen.map(|s| s.binding);
    let protocol = binding.and_then(CryptoBinding::protocol);
    let both_frames = || {
        request
            .map(|r| r.frame)
            .into_iter()
            .chain(seen.map(|s| s.frame))
            .collect::<Vec<_>>()
    };
    let connected_frame: Vec<u64> = seen.map(|s| s.frame).into_iter().collect();

    let hash_protocol_offered = match (request, protocol) {
        (Some(r), Some(p)) => r.request.hash_protocol_bitmask.offers(p),
        _ => false,
    };
    let nonce_matches = match (request, binding) {
        (Some(r), Some(b)) => Some(r.request.nonce == b.nonce),
        _ => None,
    };

    let cert_hash = match (binding, protocol) {
        (Some(b), Some(_)) => Some(b.cert_hash_digest().to_vec()),
        _ => None,
    };
    let cert_hash_hex = cert_hash.as_deref().map(hex);
    let tls_certificate_hash = match (evidence.tls_leaf, protocol) {
        (Some(leaf), Some(HashProtocol::Sha1)) => Some(leaf.certificate.sha1.clone()),
        (Some(leaf), Some(HashProtocol::Sha256)) => Some(leaf.certificate.sha256.clone()),
        _ => None,
    };
    let cert_hash_matches_tls_certificate = match (&cert_hash_hex, &tls_certificate_hash) {
        (Some(seen), Some(expected)) => Some(seen == expected),
        _ => None,
    };
    let given = compare_given(cert_hash.as_deref(), protocol, ctx);

    let mut report = CryptoBindingReport {
        call_connect_ack_frame: request.map(|r| r.frame),
        hash_protocol_bitmask: request.map(|r| r.request.hash_protocol_bitmask.0),
        offered_hash_protocols: request
            .map(|r| r.request.hash_protocol_bitmask.names())
            .unwrap_or_default(),
        request_nonce: request.map(|r| hex(&r.request.nonce)),
        call_connected_frame: seen.map(|s| s.frame),
        hash_protocol: protocol.map(hash_protocol_name),
        hash_protocol_code: binding.map(|b| b.hash_protocol),
        hash_protocol_offered,
        hash_protocol_frames: both_frames(),
        nonce: binding.map(|b| hex(&b.nonce)),
        nonce_matches,
        nonce_frames: both_frames(),
        cert_hash: cert_hash_hex,
        tls_certificate_hash,
        cert_hash_matches_tls_certificate,
        tls_certificate_frames: evidence
            .tls_leaf
            .map(|l| std::iter::once(l.frame).chain(seen.map(|s| s.frame)).collect())
            .unwrap_or_default(),
        cert_hash_matches_given: given.matches,
        cert_hash_matched: given.matched,
        given_values_compared: given.compared,
        cert_hash_frames: connected_frame.clone(),
        compound_mac: CompoundMacVerdict::NotChecked,
        compound_mac_reason: None,
        hlak: None,
        compound_mac_value: binding.map(|b| hex(b.compound_mac_digest())),
        padding_is_zero: binding.map(|b| {
            b.cert_hash_padding()
                .iter()
                .chain(b.compound_mac_padding())
                .all(|&x| x == 0)
        }),
        compound_mac_frames: connected_frame,
    };
    check_compound_mac(&mut report, seen, ctx, auth);
    Some(report)
}

/// The outcome of comparing the Cert Hash with what the user gave.
struct Given {
    matches: Option<bool>,
    matched: Option<String>,
    compared: usize,
}

fn compare_given(
    cert_hash: Option<&[u8]>,
    protocol: Option<HashProtocol>,
    ctx: &BindingContext<'_>,
) -> Given {
    let (Some(cert_hash), Some(protocol)) = (cert_hash, protocol) else {
        return Given {
            matches: None,
            matched: None,
            compared: 0,
        };
    };
    let mut compared = 0;
    let mut matched = None;
    for (i, der) in ctx.certificates.iter().enumerate() {
        compared += 1;
        let expected = crate::crypto::sstp::cert_hash(protocol, der);
        if matched.is_none() && expected.digest() == cert_hash {
            matched = Some(format!("--cert certificate {}", i + 1));
        }
    }
    for (i, value) in ctx.cert_hashes.iter().enumerate() {
        if value.len() != protocol.digest_len() {
            continue;
        }
        compared += 1;
        if matched.is_none() && value.as_slice() == cert_hash {
            matched = Some(format!("--cert-hash {}", i + 1));
        }
    }
    Given {
        matches: (compared > 0).then_some(matched.is_some()),
        matched,
        compared,
    }
}

/// Where the HLAK comes from for this link's authentication.
enum HlakSource {
    /// Known for certain: a mismatch means the binding is wrong.
    Known(Hlak, String),
    /// A guess worth trying (32 zero bytes); a mismatch proves nothing.
    Tentative(Hlak, String, String),
    /// Unknown.
    Unknown(String),
}

fn hlak_source(ctx: &BindingContext<'_>, auth: &mut AuthReport) -> HlakSource {
    const ZERO_TRY: &str = "32 zero bytes, tried";
    match auth.protocol {
        Some("PAP") => HlakSource::Known(
            hlak_without_keys(),
            "32 zero bytes: PAP produces no keys ([MS-SSTP] §3.2.5.2.2)".into(),
        ),
        Some("MS-CHAPv2") => {
            let verified = verify(auth, ctx.credentials);
            match verified.keys {
                Some(keys) => HlakSource::Known(
                    keys.sstp_hlak(),
                    "MS-CHAPv2 master keys from the --credentials password (MasterSendKey ‖ MasterReceiveKey)"
                        .into(),
                ),
                None if auth.password_verified == Some(false) => HlakSource::Unknown(
                    "MS-CHAPv2, but the --credentials password does not match the captured response".into(),
                ),
                None => HlakSource::Unknown("MS-CHAPv2 without a matching --credentials password".into()),
            }
        }
        Some("EAP") => HlakSource::Tentative(
            hlak_without_keys(),
            format!("{ZERO_TRY} for EAP"),
            "EAP: the HLAK is the EAP method's key (MSK), which the capture does not reveal, and 32 zero \
             bytes did not verify"
                .into(),
        ),
        Some(other) => HlakSource::Tentative(
            hlak_without_keys(),
            format!("{ZERO_TRY} for {other}"),
            format!("{other}: [MS-SSTP] defines no HLAK for it and 32 zero bytes did not verify"),
        ),
        None => HlakSource::Tentative(
            hlak_without_keys(),
            format!("{ZERO_TRY}: no PPP authentication was seen"),
            "the PPP authentication was not seen, so the HLAK is unknown (32 zero bytes did not verify)"
                .into(),
        ),
    }
}

fn check_compound_mac(
    report: &mut CryptoBindingReport,
    seen: Option<BindingSeen<'_>>,
    ctx: &BindingContext<'_>,
    auth: &mut AuthReport,
) {
    let not_checked = |report: &mut CryptoBindingReport, reason: &str| {
        report.compound_mac = CompoundMacVerdict::NotChecked;
        report.compound_mac_reason = Some(reason.to_string());
    };
    let Some(seen) = seen else {
        return not_checked(report, "no Call Connected was seen");
    };
    let Some(message) = seen.message else {
        return not_checked(
            report,
            "Call Connected is not the 112-byte message with one 104-byte Crypto Binding the MAC covers",
        );
    };
    report.compound_mac_frames.extend(auth.response_frame);
    report.compound_mac_frames.extend(auth.result_frame);
    report.compound_mac_frames.sort_unstable();
    report.compound_mac_frames.dedup();
    let (hlak, source, definitive, fail_reason) = match hlak_source(ctx, auth) {
        HlakSource::Known(h, s) => (h, s, true, String::new()),
        HlakSource::Tentative(h, s, r) => (h, s, false, r),
        HlakSource::Unknown(reason) => return not_checked(report, &reason),
    };
    match verify_compound_mac(&hlak, message) {
        Err(e) => not_checked(report, &e.to_string()),
        Ok(check) if check.matches => {
            report.compound_mac = CompoundMacVerdict::Verified;
            report.hlak = Some(source);
        }
        Ok(_) if definitive => {
            report.compound_mac = CompoundMacVerdict::Mismatch;
            report.hlak = Some(source);
        }
        Ok(_) => not_checked(report, &fail_reason),
    }
}

/// One certificate presented under a name, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolCertificate {
    /// SHA-256 of the leaf certificate, hex.
    pub sha256: String,
    pub subject: Option<String>,
    /// Servers that presented it.
    pub servers: Vec<Endpoint>,
    /// Sessions (ids) where it was seen.
    pub sessions: Vec<String>,
    /// The Certificate message frames.
    pub frames: Vec<u64>,
}

/// One name (SNI, or HTTP Host when there is no SNI) served with more than
/// one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolCertificateMismatch {
    /// The name, lower case.
    pub name: String,
    /// Each distinct certificate, in order of first appearance.
    pub certificates: Vec<PoolCertificate>,
}

/// Names that several connections reached with different server
/// certificates. Behind one name an SSTP client computes its Cert Hash over
/// whichever certificate it gets; a pool whose servers present different
/// certificates makes the binding fail on the servers configured with
/// another one. Sessions without a clear certificate are skipped.
pub fn pool_certificate_mismatch(sessions: &[SstpSession]) -> Vec<PoolCertificateMismatch> {
    let mut by_name: BTreeMap<String, Vec<PoolCertificate>> = BTreeMap::new();
    for s in sessions {
        let Some(tls) = &s.tls else { continue };
        let Some(leaf) = tls.certificates.first() else {
            continue;
        };
        let name = tls
            .sni
            .clone()
            .or_else(|| s.http.as_ref().and_then(|h| h.host.clone()));
        let Some(name) = name else { continue };
        let frame = tls
            .handshake_messages
            .iter()
            .find(|m| {
                m.direction == crate::tls::Direction::ServerToClient
                    && m.msg_type == crate::tls::codes::HandshakeType::CERTIFICATE
            })
            .map(|m| m.at.frame);
        let certificates = by_name.entry(name.to_ascii_lowercase()).or_default();
        let entry = match certificates.iter_mut().position(|c| c.sha256 == leaf.sha256) {
            Some(i) => certificates.get_mut(i),
            None => {
                certificates.push(PoolCertificate {
                    sha256: leaf.sha256.clone(),
                    subject: leaf.details.as_ref().map(|d| d.subject.clone()),
                    servers: Vec::new(),
                    sessions: Vec::new(),
                    frames: Vec::new(),
                });
                certificates.last_mut()
            }
        };
        let Some(entry) = entry else { continue };
        if !entry.servers.contains(&s.server) {
            entry.servers.push(s.server);
        }
        entry.sessions.push(s.id.clone());
        entry.frames.extend(frame);
    }
    by_name
        .into_iter()
        .filter(|(_, certificates)| certificates.len() > 1)
        .map(|(name, certificates)| PoolCertificateMismatch { name, certificates })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::sstp::HashProtocol;
    use crate::sstp::session::tests::{call_connected, connect_ack, NONCE};
    use crate::sstp::wire::parse_packet;
    use crate::tls::x509::read_certificate;
    use crate::tls::x509::tests::{ca_der, leaf_der};

    fn request() -> CryptoBindingRequest {
        let ack = connect_ack(0x03);
        *parse_packet(&ack)
            .unwrap()
            .control()
            .unwrap()
            .crypto_binding_request()
            .unwrap()
    }

    /// The binding and its 112 bytes of a Call Connected made with `hlak`.
    fn binding(protocol: HashProtocol, hlak: &Hlak) -> (CryptoBinding, [u8; CALL_CONNECTED_LEN]) {
        let message = call_connected(protocol, &NONCE, &leaf_der(), hlak);
        let b = *parse_packet(&message)
            .unwrap()
            .control()
            .unwrap()
            .crypto_binding()
            .unwrap();
        (b, message.try_into().unwrap())
    }

    fn auth(protocol: Option<&'static str>) -> AuthReport {
        AuthReport {
            protocol,
            ..AuthReport::default()
        }
    }

    #[test]
    fn nothing_seen_gives_no_report() {
        let r = check(
            &BindingEvidence::default(),
            &BindingContext::empty(),
            &mut auth(None),
        );
        assert_eq!(r, None);
    }

    #[test]
    fn the_leaf_of_this_connection_is_compared() {
        let r = request();
        let (b, message) = binding(HashProtocol::Sha256, &hlak_without_keys());
        for (der, expected) in [(leaf_der(), true), (ca_der(), false)] {
            let leaf = read_certificate(&der);
            let evidence = BindingEvidence {
                request: Some(RequestSeen {
                    request: &r,
                    frame: 4,
                }),
                binding: Some(BindingSeen {
                    binding: &b,
                    message: Some(&message),
                    frame: 11,
                }),
                tls_leaf: Some(LeafSeen {
                    certificate: &leaf,
                    frame: 2,
                }),
            };
            let report = check(&evidence, &BindingContext::empty(), &mut auth(Some("PAP"))).unwrap();
            assert_eq!(report.cert_hash_matches_tls_certificate, Some(expected));
            assert_eq!(report.tls_certificate_hash.as_deref(), Some(leaf.sha256.as_str()));
            assert_eq!(report.tls_certificate_frames, [2, 11]);
            assert_eq!(report.compound_mac, CompoundMacVerdict::Verified);
        }
    }

    #[test]
    fn without_known_keys_the_zero_hlak_is_only_tried() {
        let r = request();
        // A MAC under the zero HLAK verifies whatever the method.
        let (b, message) = binding(HashProtocol::Sha1, &hlak_without_keys());
        let evidence = BindingEvidence {
            request: Some(RequestSeen {
                request: &r,
                frame: 4,
            }),
            binding: Some(BindingSeen {
                binding: &b,
                message: Some(&message),
                frame: 11,
            }),
            tls_leaf: None,
        };
        let report = check(&evidence, &BindingContext::empty(), &mut auth(Some("EAP"))).unwrap();
        assert_eq!(
            (report.compound_mac, report.hlak.as_deref()),
            (CompoundMacVerdict::Verified, Some("32 zero bytes, tried for EAP"))
        );
        let report = check(&evidence, &BindingContext::empty(), &mut auth(None)).unwrap();
        assert_eq!(
            report.hlak.as_deref(),
            Some("32 zero bytes, tried: no PPP authentication was seen")
        );

        // Under another key it proves nothing.
        let (b, message) = binding(HashProtocol::Sha1, &Hlak::new([9; 32]));
        let evidence = BindingEvidence {
            binding: Some(BindingSeen {
                binding: &b,
                message: Some(&message),
                frame: 11,
            }),
            ..evidence
        };
        let expect = [
            (
                Some("EAP"),
                "EAP: the HLAK is the EAP method's key (MSK), which the capture does not reveal, and 32 zero bytes \
                 did not verify",
            ),
            (
                Some("CHAP-MD5"),
                "CHAP-MD5: [MS-SSTP] defines no HLAK for it and 32 zero bytes did not verify",
            ),
            (
                None,
                "the PPP authentication was not seen, so the HLAK is unknown (32 zero bytes did not verify)",
            ),
        ];
        for (protocol, reason) in expect {
            let report = check(&evidence, &BindingContext::empty(), &mut auth(protocol)).unwrap();
            assert_eq!(
                (
                    report.compound_mac,
                    report.compound_mac_reason.as_deref(),
                    report.hlak
                ),
                (CompoundMacVerdict::NotChecked, Some(reason), None)
            );
        }
        // PAP fixes the HLAK: now it is a mismatch.
        let report = check(&evidence, &BindingContext::empty(), &mut auth(Some("PAP"))).unwrap();
        assert_eq!(report.compound_mac, CompoundMacVerdict::Mismatch);
    }

    #[test]
    fn ack_alone_and_unrebuildable_messages() {
        let r = request();
        let evidence = BindingEvidence {
            request: Some(RequestSeen {
                request: &r,
                frame: 4,
            }),
            ..BindingEvidence::default()
        };
        let report = check(&evidence, &BindingContext::empty(), &mut auth(Some("PAP"))).unwrap();
        assert_eq!(
            (
                report.offered_hash_protocols.clone(),
                report.hash_protocol,
                report.hash_protocol_offered,
                report.nonce_matches,
                report.cert_hash_frames.clone()
            ),
            (vec!["SHA1", "SHA256"], None, false, None, vec![])
        );
        assert_eq!(
            (report.compound_mac, report.compound_mac_reason.as_deref()),
            (CompoundMacVerdict::NotChecked, Some("no Call Connected was seen"))
        );

        let (b, _) = binding(HashProtocol::Sha256, &hlak_without_keys());
        let evidence = BindingEvidence {
            binding: Some(BindingSeen {
                binding: &b,
                message: None,
                frame: 11,
            }),
            ..evidence
        };
        let report = check(&evidence, &BindingContext::empty(), &mut auth(Some("PAP"))).unwrap();
        assert_eq!(
            report.compound_mac_reason.as_deref(),
            Some(
                "Call Connected is not the 112-byte message with one 104-byte Crypto Binding the MAC covers"
            )
        );
        assert_eq!(report.nonce_matches, Some(true));
    }

    #[test]
    fn an_unknown_hash_protocol_leaves_the_hashes_unread() {
        let (mut b, mut message) = binding(HashProtocol::Sha256, &hlak_without_keys());
        b.hash_protocol = 0x03;
        message[15] = 0x03;
        let certificates = [leaf_der()];
        let ctx = BindingContext {
            credentials: &[],
            certificates: &certificates,
            cert_hashes: &[],
        };
        let evidence = BindingEvidence {
            binding: Some(BindingSeen {
                binding: &b,
                message: Some(&message),
                frame: 11,
            }),
            ..BindingEvidence::default()
        };
        let report = check(&evidence, &ctx, &mut auth(Some("PAP"))).unwrap();
        assert_eq!(
            (
                report.hash_protocol,
                report.hash_protocol_code,
                report.cert_hash.clone(),
                report.cert_hash_matches_given
            ),
            (None, Some(3), None, None)
        );
        assert_eq!(
            report.compound_mac_reason.as_deref(),
            Some("Crypto Binding hash protocol 0x03 is neither SHA1 (0x01) nor SHA256 (0x02)")
        );
    }
}
