//! Key math behind PPTP and SSTP authentication: MS-CHAP v1 and v2 responses
//! (RFC 2433, RFC 2759), MPPE key derivation and key changes (RFC 3079,
//! RFC 3078 §7.3), the SSTP crypto binding ([MS-SSTP] §3.2.5.2, §4.7) and
//! RSA decryption of a TLS premaster secret (RFC 8017 §7.2.2).
//!
//! Everything here is pure computation over bytes that other modules have
//! already taken out of a capture: this module parses no packets and keeps
//! no state. Passwords and derived keys travel in [`Secret`], whose `Debug`
//! output is `[redacted]` and which implements neither `Display` nor
//! `Serialize`, so a secret cannot slip into a log line or a report.

pub mod mppe;
pub mod mschapv1;
pub mod mschapv2;
pub mod rsa;
pub mod sstp;

use std::fmt;

/// A password or key. Formatting it with `{:?}` prints `[redacted]`; reading
/// the value takes an explicit [`Secret::expose`].
///
/// Used for the MS-CHAP password (RFC 2759 §8.1 `Password`), the MPPE master
/// and session keys (RFC 3079 §3.4) and the SSTP HLAK and CMK ([MS-SSTP]
/// §3.2.5.2). The value is not zeroed on drop: the tool reads captures
/// offline and holds a password the user typed on its own command line.
#[derive(Clone, Default)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a secret value.
    pub const fn new(value: T) -> Self {
        Secret(value)
    }

    /// The secret value itself, for the computation that needs it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Secret(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Uppercase hexadecimal, the form RFC 2759 §5 prescribes for the
/// authenticator response ("S=" followed by 40 hex digits).
fn upper_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0F)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_is_redacted_even_inside_other_types() {
        let password = Secret::new(String::from("clientPass"));
        assert_eq!(format!("{password:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&password)), "Some([redacted])");
        let key = Secret::new([0x8Bu8; 16]);
        assert_eq!(format!("{key:#?}"), "[redacted]");
        assert_eq!(password.expose(), "clientPass");
        assert_eq!(key.expose(), &[0x8B; 16]);
    }

    #[test]
    fn secret_from_string_keeps_the_value() {
        let secret: Secret<String> = String::from("password").into();
        assert_eq!(secret.expose(), "password");
        assert_eq!(secret.clone().expose(), "password");
    }

    #[test]
    fn upper_hex_pads_and_uppercases() {
        assert_eq!(upper_hex(&[0x00, 0x0A, 0xF0, 0x7A]), "000AF07A");
        assert_eq!(upper_hex(&[]), "");
    }

    /// Checks against real captures, skipped when the shared captures are
    /// not next to the repository: MANIFEST entry P9, a PPTP session with a
    /// known password, and S1, an SSTP session with a known certificate.
    mod real_captures {
        use crate::crypto::mppe::{change_key, initial_session_key, KeyStrength, MasterKeys, Rc4, Side};
        use crate::crypto::mschapv2::{parse_authenticator_response, verify, Verification};
        use crate::crypto::sstp::{cert_hash, HashProtocol};
        use crate::crypto::Secret;

        /// P9: a Windows client authenticating as "lulu" with password
        /// "password" to pptpd, then 128-bit stateless MPPE.
        const CAPTURE: &str = "../shared/captures/openwall_john-samples__lulu-password-pptp.pcap";
        /// S1: a Windows SSTP client and RRAS server over TLS 1.0.
        const SSTP_CAPTURE: &str = "../shared/captures/ajbanjara_Wireshark__sstp2.pcap";

        const PPP_CHAP: u16 = 0xC223;
        const PPP_CCP: u16 = 0x80FD;
        const PPP_MPPE: u16 = 0x00FD;

        /// One PPP frame carried in enhanced GRE.
        struct PppFrame {
            source: [u8; 4],
            protocol: u16,
            information: Vec<u8>,
        }

        fn u16_at(bytes: &[u8], offset: usize) -> Option<u16> {
            let pair = bytes.get(offset..offset.checked_add(2)?)?;
            Some(u16::from_be_bytes([*pair.first()?, *pair.get(1)?]))
        }

        fn u32_at(bytes: &[u8], offset: usize, little_endian: bool) -> Option<u32> {
            let quad: [u8; 4] = bytes.get(offset..offset.checked_add(4)?)?.try_into().ok()?;
            Some(if little_endian {
                u32::from_le_bytes(quad)
            } else {
                u32::from_be_bytes(quad)
            })
        }

        /// One IPv4 datagram of a capture, unfragmented, header removed.
        struct Ipv4Datagram {
            source: [u8; 4],
            protocol: u8,
            payload: Vec<u8>,
        }

        /// Every unfragmented IPv4 datagram over Ethernet (VLAN tags
        /// skipped) in a classic pcap file.
        fn ipv4_datagrams(file: &[u8]) -> Option<Vec<Ipv4Datagram>> {
            let little_endian = match file.get(..4)? {
                [0xD4, 0xC3, 0xB2, 0xA1] | [0x4D, 0x3C, 0xB2, 0xA1] => true,
                [0xA1, 0xB2, 0xC3, 0xD4] | [0xA1, 0xB2, 0x3C, 0x4D] => false,
                _ => return None,
            };
            if u32_at(file, 20, little_endian)? != 1 {
                return None; // not Ethernet
            }
            let mut datagrams = Vec::new();
            let mut offset = 24usize;
            while offset < file.len() {
                let captured = usize::try_from(u32_at(file, offset.checked_add(8)?, little_endian)?).ok()?;
                let start = offset.checked_add(16)?;
                let end = start.checked_add(captured)?;
                let packet = file.get(start..end)?;
                offset = end;
                if let Some(datagram) = ipv4_in_ethernet(packet) {
                    datagrams.push(datagram);
                }
            }
            Some(datagrams)
        }

        fn ipv4_in_ethernet(packet: &[u8]) -> Option<Ipv4Datagram> {
            let mut ethertype_at = 12;
            while u16_at(packet, ethertype_at)? == 0x8100 {
                ethertype_at += 4;
            }
            if u16_at(packet, ethertype_at)? != 0x0800 {
                return None;
            }
            let ip = packet.get(ethertype_at + 2..)?;
            let header_len = usize::from(ip.first()? & 0x0F) * 4;
            let total_len = usize::from(u16_at(ip, 2)?);
            if u16_at(ip, 6)? & 0x3FFF != 0 {
                return None; // a fragment
            }
            Some(Ipv4Datagram {
                source: ip.get(12..16)?.try_into().ok()?,
                protocol: *ip.get(9)?,
                payload: ip.get(header_len..total_len)?.to_vec(),
            })
        }

        /// Every PPP frame in GRE version 1 (RFC 2637 §4).
        fn ppp_frames(file: &[u8]) -> Option<Vec<PppFrame>> {
            let datagrams = ipv4_datagrams(file)?;
            Some(
                datagrams
                    .iter()
                    .filter(|d| d.protocol == 47)
                    .filter_map(ppp_in_gre)
                    .collect(),
            )
        }

        fn ppp_in_gre(datagram: &Ipv4Datagram) -> Option<PppFrame> {
            let gre = datagram.payload.as_slice();
            let (flags, version) = (*gre.first()?, *gre.get(1)?);
            if version & 0x07 != 1 || u16_at(gre, 2)? != 0x880B {
                return None;
            }
            let payload_len = usize::from(u16_at(gre, 4)?);
            let mut payload_at = 8usize;
            if flags & 0x10 != 0 {
                payload_at += 4; // sequence number
            }
            if version & 0x80 != 0 {
                payload_at += 4; // acknowledgment number
            }
            let mut ppp = gre.get(payload_at..payload_at.checked_add(payload_len)?)?;
            if ppp.starts_with(&[0xFF, 0x03]) {
                ppp = ppp.get(2..)?;
            }
            let (protocol, information) = if ppp.first()? & 0x01 == 1 {
                (u16::from(*ppp.first()?), ppp.get(1..)?)
            } else {
                (u16_at(ppp, 0)?, ppp.get(2..)?)
            };
            Some(PppFrame {
                source: datagram.source,
                protocol,
                information: information.to_vec(),
            })
        }

        /// A CHAP (RFC 1994 §4) or CCP (RFC 1661 §5) packet: code,
        /// identifier and the bytes after the length field, cut to the length.
        fn control_packet(information: &[u8]) -> Option<(u8, u8, &[u8])> {
            let length = usize::from(u16_at(information, 2)?);
            Some((
                *information.first()?,
                *information.get(1)?,
                information.get(4..length)?,
            ))
        }

        /// Value and Name of a Challenge or Response body.
        fn value_and_name(body: &[u8]) -> Option<(&[u8], &[u8])> {
            let value_size = usize::from(*body.first()?);
            Some((body.get(1..1 + value_size)?, body.get(1 + value_size..)?))
        }

        struct Exchange {
            client: [u8; 4],
            authenticator_challenge: [u8; 16],
            peer_challenge: [u8; 16],
            nt_response: [u8; 24],
            user_name: Vec<u8>,
            success_message: Vec<u8>,
        }

        fn mschapv2_exchange(frames: &[PppFrame]) -> Option<Exchange> {
            let packets: Vec<([u8; 4], u8, u8, &[u8])> = frames
                .iter()
                .filter(|f| f.protocol == PPP_CHAP)
                .filter_map(|f| {
                    control_packet(&f.information).map(|(code, id, body)| (f.source, code, id, body))
                })
                .collect();
            let (client, response_id, response) =
                packets.iter().find(|p| p.1 == 2).map(|p| (p.0, p.2, p.3))?;
            let challenge = packets.iter().find(|p| p.1 == 1 && p.2 == response_id)?.3;
            let success = packets.iter().find(|p| p.1 == 3 && p.2 == response_id)?.3;
            let (challenge_value, _server_name) = value_and_name(challenge)?;
            let (response_value, user_name) = value_and_name(response)?;
            if response_value.len() != 49 {
                return None;
            }
            Some(Exchange {
                client,
                authenticator_challenge: challenge_value.try_into().ok()?,
                peer_challenge: response_value.get(..16)?.try_into().ok()?,
                nt_response: response_value.get(24..48)?.try_into().ok()?,
                user_name: user_name.to_vec(),
                success_message: success.to_vec(),
            })
        }

        /// The MPPE Supported Bits of the last CCP Configure-Ack (RFC 3078 §2.1).
        fn acked_mppe_bits(frames: &[PppFrame]) -> Option<u32> {
            frames
                .iter()
                .rev()
                .filter(|f| f.protocol == PPP_CCP)
                .filter_map(|f| control_packet(&f.information))
                .filter(|(code, _, _)| *code == 2)
                .find_map(|(_, _, options)| match options {
                    [18, 6, bits @ ..] => u32_at(bits, 0, false),
                    _ => None,
                })
        }

        fn read_capture() -> Option<Vec<PppFrame>> {
            let file = std::fs::read(CAPTURE).ok()?;
            let frames = ppp_frames(&file);
            assert!(frames.is_some(), "{CAPTURE} is not an Ethernet pcap");
            frames
        }

        #[test]
        fn mschapv2_exchange_verifies_with_the_known_password() {
            let Some(frames) = read_capture() else { return };
            let exchange = mschapv2_exchange(&frames).expect("Challenge, Response and Success with one id");
            assert_eq!(exchange.client, [192, 168, 2, 5]);
            assert_eq!(exchange.user_name, b"lulu");
            assert!(exchange.success_message.ends_with(b" M=Access granted"));
            let seen = parse_authenticator_response(&exchange.success_message);
            assert_eq!(
                seen.map(|s| crate::crypto::upper_hex(&s)),
                Some("460874E1CADF35FBD9F6E80C01A1ADC5746F0B6A".to_string())
            );
            let check = |password: &str, user_name: &[u8]| {
                verify(
                    user_name,
                    &Secret::new(password.to_string()),
                    &exchange.authenticator_challenge,
                    &exchange.peer_challenge,
                    &exchange.nt_response,
                    seen.as_ref(),
                )
            };
            assert_eq!(
                check("password", &exchange.user_name),
                Verification {
                    nt_response_matches: true,
                    authenticator_response_matches: Some(true)
                }
            );
            // RFC 2759 §8.2: a domain prefix on the name does not enter the hash.
            assert_eq!(
                check("password", b"WORKGROUP\\lulu"),
                Verification {
                    nt_response_matches: true,
                    authenticator_response_matches: Some(true)
                }
            );
            assert_eq!(
                check("wrong", &exchange.user_name),
                Verification {
                    nt_response_matches: false,
                    authenticator_response_matches: Some(false)
                }
            );
            assert_eq!(
                check("password", b"lula"),
                Verification {
                    nt_response_matches: false,
                    authenticator_response_matches: Some(false)
                }
            );
        }

        /// Decrypts every MPPE packet with the stateless key chain and
        /// counts those whose plaintext is an IPv4 datagram: PPP protocol
        /// 0x0021 (one byte 0x21 under PFC) followed by version 4.
        fn count_ipv4_plaintexts(frames: &[PppFrame], password: &str) -> (usize, usize) {
            let exchange = mschapv2_exchange(frames).expect("MS-CHAPv2 exchange");
            let strength = acked_mppe_bits(frames).and_then(KeyStrength::from_supported_bits);
            assert_eq!(strength, Some(KeyStrength::Bits128));
            let strength = KeyStrength::Bits128;
            let keys = MasterKeys::from_mschapv2(
                &Secret::new(password.to_string()),
                &exchange.nt_response,
                Side::Client,
            );
            let (mut from_client, mut from_server) = (0, 0);
            for frame in frames.iter().filter(|f| f.protocol == PPP_MPPE) {
                let header = u16_at(&frame.information, 0).expect("MPPE header");
                // A (flushed) and D (encrypted) are set on every stateless packet.
                assert_eq!(header & 0x9000, 0x9000, "MPPE header {header:04x}");
                let coherency_count = header & 0x0FFF;
                let start_key = if frame.source == exchange.client {
                    keys.client_to_server_key()
                } else {
                    keys.server_to_client_key()
                };
                // The chain starts at count 4095 with the initial key, so
                // count c uses the key changed c + 1 times (mod 4096).
                let mut key = initial_session_key(start_key.expose(), strength);
                for _ in 0..(coherency_count + 1) % 4096 {
                    key = change_key(start_key.expose(), &key);
                }
                let mut plaintext = frame.information.get(2..).expect("ciphertext").to_vec();
                Rc4::new(key.as_bytes())
                    .expect("16-byte key")
                    .apply_keystream(&mut plaintext);
                let is_ipv4 = matches!(plaintext.as_slice(), [0x21, version, ..] | [0x00, 0x21, version, ..]
                    if version >> 4 == 4);
                if is_ipv4 {
                    if frame.source == exchange.client {
                        from_client += 1;
                    } else {
                        from_server += 1;
                    }
                }
            }
            (from_client, from_server)
        }

        #[test]
        fn mppe_packets_decrypt_with_keys_from_the_known_password() {
            let Some(frames) = read_capture() else { return };
            let mppe_packets = frames.iter().filter(|f| f.protocol == PPP_MPPE).count();
            assert_eq!(mppe_packets, 25);
            // All 25 were sent by the client; the server sent nothing
            // encrypted before the capture ends.
            assert_eq!(count_ipv4_plaintexts(&frames, "password"), (25, 0));
            assert_eq!(count_ipv4_plaintexts(&frames, "wrong"), (0, 0));
        }

        /// The certificates of every TLS 1.0–1.2 Certificate handshake
        /// message (RFC 5246 §7.4.2) that starts a TCP segment's TLS record
        /// and fits in it; records spread over segments are not rebuilt.
        fn tls_certificate_chains(file: &[u8]) -> Option<Vec<Vec<Vec<u8>>>> {
            let mut chains = Vec::new();
            for datagram in ipv4_datagrams(file)?.iter().filter(|d| d.protocol == 6) {
                let tcp = datagram.payload.as_slice();
                let data_offset = usize::from(tcp.get(12)? >> 4) * 4;
                let mut records = tcp.get(data_offset..)?;
                // TLS records: type, version(2), length(2), fragment.
                while let [22, 3, _, high, low, rest @ ..] = records {
                    let length = usize::from(u16::from_be_bytes([*high, *low]));
                    let Some(fragment) = rest.get(..length) else { break };
                    records = rest.get(length..)?;
                    let mut messages = fragment;
                    // Handshake messages: type, length(3), body.
                    while let [message_type, a, b, c, rest @ ..] = messages {
                        let length = usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c);
                        let Some(body) = rest.get(..length) else { break };
                        messages = rest.get(length..)?;
                        if *message_type == 11 {
                            chains.push(certificate_list(body)?);
                        }
                    }
                }
            }
            Some(chains)
        }

        fn certificate_list(body: &[u8]) -> Option<Vec<Vec<u8>>> {
            let [a, b, c, rest @ ..] = body else { return None };
            let mut list = rest;
            let total = usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c);
            if total != list.len() {
                return None;
            }
            let mut certificates = Vec::new();
            while let [a, b, c, rest @ ..] = list {
                let length = usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c);
                certificates.push(rest.get(..length)?.to_vec());
                list = rest.get(length..)?;
            }
            Some(certificates)
        }

        #[test]
        fn sstp_cert_hash_is_sha256_of_the_der_leaf_certificate() {
            let Ok(file) = std::fs::read(SSTP_CAPTURE) else {
                return;
            };
            let chains = tls_certificate_chains(&file).expect("an Ethernet pcap");
            assert_eq!(chains.len(), 1);
            let leaf = chains
                .first()
                .and_then(|chain| chain.first())
                .expect("a server certificate");
            assert_eq!(leaf.len(), 1077);
            // The Cert Hash field of the Call Connected message in frame 148,
            // read with the server's RSA key (MANIFEST entry S1).
            assert_eq!(
                crate::crypto::upper_hex(cert_hash(HashProtocol::Sha256, leaf).digest()),
                "1CE419162D5BBAE82487AABF8945DC8A05D582492C2F334C193436932E637C13"
            );
        }
    }
}
