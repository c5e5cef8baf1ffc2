//! MS-CHAPv2 (RFC 2759): the NT-Response a peer sends in its CHAP Response
//! and the authenticator response ("S=…") the server returns in Success,
//! recomputed from a known password so a capture can be checked against it.
//!
//! The function names follow the pseudo-code of RFC 2759 §8. The DES
//! building blocks ([`challenge_response`], [`des_encrypt`]) are shared
//! with MS-CHAP v1 (RFC 2433 Appendix A), which defines them identically.

use des::cipher::{BlockEncrypt, KeyInit};
use des::Des;
use md4::Md4;
use sha1::{Digest, Sha1};

use super::{upper_hex, Secret};

/// RFC 2759 §8.7 Magic1: "Magic server to client signing constant" (39 bytes).
const MAGIC1: &[u8; 39] = b"Magic server to client signing constant";
/// RFC 2759 §8.7 Magic2: "Pad to make it do more than one iteration" (41 bytes).
const MAGIC2: &[u8; 41] = b"Pad to make it do more than one iteration";

/// NtPasswordHash (RFC 2759 §8.3): MD4 over the password in UTF-16LE,
/// without a terminating NUL.
///
/// Characters outside the Basic Multilingual Plane become surrogate pairs,
/// which is how Windows stores them too.
pub fn nt_password_hash(password: &str) -> [u8; 16] {
    let mut md4 = Md4::new();
    for unit in password.encode_utf16() {
        md4.update(unit.to_le_bytes());
    }
    md4.finalize().into()
}

/// HashNtPasswordHash (RFC 2759 §8.4): MD4 over the 16-byte NT password
/// hash. Its output feeds the authenticator response and, in RFC 3079 §3.4,
/// GetMasterKey.
pub fn hash_nt_password_hash(password_hash: &[u8; 16]) -> [u8; 16] {
    Md4::digest(password_hash).into()
}

/// The part of a CHAP Response name that goes into ChallengeHash: RFC 2759
/// §8.2 takes the user name "excluding any prepended domain name", so a
/// Windows peer's `DOMAIN\user` contributes only `user`.
///
/// Neither Windows domain names nor account names may contain a backslash,
/// so the text after the last backslash is the account name.
pub fn user_name_without_domain(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b'\\') {
        Some(backslash) => name.get(backslash.saturating_add(1)..).unwrap_or_default(),
        None => name,
    }
}

/// ChallengeHash (RFC 2759 §8.2): the first 8 bytes of
/// SHA1(PeerChallenge ‖ AuthenticatorChallenge ‖ UserName).
///
/// `user_name` is the Name field of the CHAP Response as sent; any
/// `DOMAIN\` prefix is removed here (see [`user_name_without_domain`]).
pub fn challenge_hash(
    peer_challenge: &[u8; 16],
    authenticator_challenge: &[u8; 16],
    user_name: &[u8],
) -> [u8; 8] {
    let digest = Sha1::new()
        .chain_update(peer_challenge)
        .chain_update(authenticator_challenge)
        .chain_update(user_name_without_domain(user_name))
        .finalize();
    first_8(&digest)
}

/// The 8-byte DES key built from 7 key bytes (RFC 2759 §8.6 DesEncrypt,
/// RFC 2759 §9.3 example): the 56 bits are cut into eight 7-bit groups,
/// each shifted left by one, and the freed low bit is set for odd parity.
///
/// DES ignores the parity bits; they are set so the result matches the
/// parity-corrected keys printed in RFC 2759 §9.3.
pub fn des_key_from_7_bytes(key: &[u8; 7]) -> [u8; 8] {
    let bits = key.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let mut out = [0u8; 8];
    for (i, byte) in out.iter_mut().enumerate() {
        // Group 0 is the most significant 7 bits of the 56.
        let shift = 49 - 7 * i as u32;
        let group = ((bits >> shift) & 0x7F) as u8;
        let shifted = group << 1;
        *byte = if group.count_ones() % 2 == 0 {
            shifted | 1
        } else {
            shifted
        };
    }
    out
}

/// DesEncrypt (RFC 2759 §8.6): one DES-ECB block of `clear` under the key
/// expanded from 7 bytes.
pub fn des_encrypt(clear: &[u8; 8], key: &[u8; 7]) -> [u8; 8] {
    let cipher = Des::new(&des_key_from_7_bytes(key).into());
    let mut block = (*clear).into();
    cipher.encrypt_block(&mut block);
    block.into()
}

/// ChallengeResponse (RFC 2759 §8.5, RFC 2433 Appendix A): the 16-byte
/// password hash padded with five zero bytes to 21 and cut into three 7-byte
/// DES keys, each encrypting the 8-byte challenge; the 24-byte result.
pub fn challenge_response(challenge: &[u8; 8], password_hash: &[u8; 16]) -> [u8; 24] {
    let mut z_password_hash = [0u8; 21];
    for (dst, src) in z_password_hash.iter_mut().zip(password_hash) {
        *dst = *src;
    }
    let mut response = [0u8; 24];
    for (key, out) in z_password_hash.chunks_exact(7).zip(response.chunks_exact_mut(8)) {
        let mut key7 = [0u8; 7];
        key7.copy_from_slice(key);
        out.copy_from_slice(&des_encrypt(challenge, &key7));
    }
    response
}

/// GenerateNTResponse (RFC 2759 §8.1): the 24-byte NT-Response field of the
/// MS-CHAPv2 Response packet.
pub fn generate_nt_response(
    authenticator_challenge: &[u8; 16],
    peer_challenge: &[u8; 16],
    user_name: &[u8],
    password: &str,
) -> [u8; 24] {
    let challenge = challenge_hash(peer_challenge, authenticator_challenge, user_name);
    challenge_response(&challenge, &nt_password_hash(password))
}

/// GenerateAuthenticatorResponse (RFC 2759 §8.7), as the 20 bytes that the
/// Success message carries in hex after "S=":
/// SHA1(SHA1(HashNtPasswordHash ‖ NT-Response ‖ Magic1) ‖ ChallengeHash ‖ Magic2).
pub fn generate_authenticator_response(
    password: &str,
    nt_response: &[u8; 24],
    peer_challenge: &[u8; 16],
    authenticator_challenge: &[u8; 16],
    user_name: &[u8],
) -> [u8; 20] {
    let password_hash_hash = hash_nt_password_hash(&nt_password_hash(password));
    let digest = Sha1::new()
        .chain_update(password_hash_hash)
        .chain_update(nt_response)
        .chain_update(MAGIC1)
        .finalize();
    let challenge = challenge_hash(peer_challenge, authenticator_challenge, user_name);
    Sha1::new()
        .chain_update(digest)
        .chain_update(challenge)
        .chain_update(MAGIC2)
        .finalize()
        .into()
}

/// The 42-character form of the authenticator response that RFC 2759 §5
/// puts at the start of the Success message: "S=" and 40 uppercase hex digits.
pub fn authenticator_response_string(authenticator_response: &[u8; 20]) -> String {
    format!("S={}", upper_hex(authenticator_response))
}

/// Reads the authenticator response from an MS-CHAPv2 Success message
/// (RFC 2759 §5: `S=<40 hex digits>`, then optionally ` M=<text>`).
///
/// Lowercase hex is accepted; the RFC asks for uppercase, and a mismatch in
/// case is not what an analyst is looking for. `None` when the message does
/// not start with `S=` and exactly 40 hex digits followed by the end of the
/// message or a space.
pub fn parse_authenticator_response(success_message: &[u8]) -> Option<[u8; 20]> {
    let rest = success_message.strip_prefix(b"S=")?;
    let digits = rest.get(..40)?;
    match rest.get(40) {
        None | Some(b' ') => {}
        Some(_) => return None,
    }
    let mut out = [0u8; 20];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let [high, low] = pair else { return None };
        *byte = (hex_value(*high)? << 4) | hex_value(*low)?;
    }
    Some(out)
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    }
}

/// What a known password says about one MS-CHAPv2 exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verification {
    /// The NT-Response in the peer's Response equals the one the password
    /// gives (RFC 2759 §8.1): the peer knew the password.
    pub nt_response_matches: bool,
    /// The "S=" value in the server's Success equals the one the password
    /// gives (RFC 2759 §8.7): the server knew it too. `None` when no
    /// Success was seen.
    pub authenticator_response_matches: Option<bool>,
}

/// Checks one MS-CHAPv2 exchange (Challenge, Response and optionally
/// Success) against a password.
///
/// `user_name` is the Name field of the CHAP Response as sent, domain
/// prefix included; `authenticator_response` is the value parsed from the
/// Success message (see [`parse_authenticator_response`]). The authenticator
/// response is computed over the NT-Response the peer actually sent, as the
/// server does (RFC 2759 §8.7), so it can be checked even when the peer's
/// response is wrong.
pub fn verify(
    user_name: &[u8],
    password: &Secret<String>,
    authenticator_challenge: &[u8; 16],
    peer_challenge: &[u8; 16],
    nt_response: &[u8; 24],
    authenticator_response: Option<&[u8; 20]>,
) -> Verification {
    let password = password.expose();
    let expected_nt_response =
        generate_nt_response(authenticator_challenge, peer_challenge, user_name, password);
    let authenticator_response_matches = authenticator_response.map(|seen| {
        let expected = generate_authenticator_response(
            password,
            nt_response,
            peer_challenge,
            authenticator_challenge,
            user_name,
        );
        expected == *seen
    });
    Verification {
        nt_response_matches: expected_nt_response == *nt_response,
        authenticator_response_matches,
    }
}

fn first_8(bytes: &[u8]) -> [u8; 8] {
    let mut out = [0u8; 8];
    for (dst, src) in out.iter_mut().zip(bytes) {
        *dst = *src;
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Bytes from hex text; whitespace is ignored so vectors can be pasted as
    /// printed in the RFCs.
    pub(crate) fn hex(text: &str) -> Vec<u8> {
        let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        assert_eq!(digits.len() % 2, 0, "odd number of hex digits in {text:?}");
        digits
            .chunks_exact(2)
            .map(|pair| {
                let text = std::str::from_utf8(pair).expect("ASCII");
                u8::from_str_radix(text, 16).expect("hex digit")
            })
            .collect()
    }

    pub(crate) fn hex_array<const N: usize>(text: &str) -> [u8; N] {
        let bytes = hex(text);
        bytes
            .as_slice()
            .try_into()
            .unwrap_or_else(|_| panic!("{text:?} is {} bytes, not {N}", bytes.len()))
    }

    // RFC 2759 §9.2.
    const USER_NAME: &[u8] = b"User";
    const PASSWORD: &str = "clientPass";
    const AUTHENTICATOR_CHALLENGE: &str = "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28";
    const PEER_CHALLENGE: &str = "21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E";
    const NT_RESPONSE: &str = "82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54 42 33 11 4A 3D 85 D6 DF";
    const AUTHENTICATOR_RESPONSE: &str = "S=407A5589115FD0D6209F510FE9C04566932CDA56";

    #[test]
    fn rfc2759_9_2_password_is_hashed_as_utf16le() {
        let utf16le: Vec<u8> = PASSWORD.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(
            utf16le,
            hex("63 00 6C 00 69 00 65 00 6E 00 74 00 50 00 61 00 73 00 73 00")
        );
        assert_eq!(
            nt_password_hash(PASSWORD).to_vec(),
            hex("44 EB BA 8D 53 12 B8 D6 11 47 44 11 F5 69 89 AE")
        );
    }

    #[test]
    fn rfc2759_9_2_password_hash_hash() {
        let hash = nt_password_hash(PASSWORD);
        assert_eq!(
            hash_nt_password_hash(&hash).to_vec(),
            hex("41 C0 0C 58 4B D2 D9 1C 40 17 A2 A1 2F A5 9F 3F")
        );
    }

    #[test]
    fn rfc2759_9_2_challenge_hash() {
        let challenge = challenge_hash(
            &hex_array(PEER_CHALLENGE),
            &hex_array(AUTHENTICATOR_CHALLENGE),
            USER_NAME,
        );
        assert_eq!(challenge.to_vec(), hex("D0 2E 43 86 BC E9 12 26"));
    }

    #[test]
    fn rfc2759_9_2_nt_response() {
        let nt_response = generate_nt_response(
            &hex_array(AUTHENTICATOR_CHALLENGE),
            &hex_array(PEER_CHALLENGE),
            USER_NAME,
            PASSWORD,
        );
        assert_eq!(nt_response.to_vec(), hex(NT_RESPONSE));
    }

    #[test]
    fn rfc2759_9_2_authenticator_response() {
        let response = generate_authenticator_response(
            PASSWORD,
            &hex_array(NT_RESPONSE),
            &hex_array(PEER_CHALLENGE),
            &hex_array(AUTHENTICATOR_CHALLENGE),
            USER_NAME,
        );
        assert_eq!(response.to_vec(), hex("407A5589115FD0D6209F510FE9C04566932CDA56"));
        assert_eq!(authenticator_response_string(&response), AUTHENTICATOR_RESPONSE);
        assert_eq!(authenticator_response_string(&response).len(), 42);
    }

    #[test]
    fn rfc2759_9_3_des_keys_are_parity_corrected() {
        let hash = nt_password_hash("MyPw");
        assert_eq!(
            hash.to_vec(),
            hex("FC 15 6A F7 ED CD 6C 0E DD E3 33 7D 42 7F 4E AC")
        );
        assert_eq!(
            des_key_from_7_bytes(&hex_array("FC 15 6A F7 ED CD 6C")).to_vec(),
            hex("FD 0B 5B 5E 7F 6E 34 D9")
        );
        assert_eq!(
            des_key_from_7_bytes(&hex_array("0E DD E3 33 7D 42 7F")).to_vec(),
            hex("0E 6E 79 67 37 EA 08 FE")
        );
    }

    #[test]
    fn des_encrypt_matches_the_fips_81_example() {
        // FIPS 81 Appendix B: key 0123456789ABCDEF encrypts "Now is t" to
        // 3FA40E8A984D4815. The 7-byte form of that key drops the parity bits.
        let key7 = seven_bytes_of(&hex_array("01 23 45 67 89 AB CD EF"));
        assert_eq!(key7.to_vec(), hex("00 45 13 38 95 73 77"));
        // Every byte of that key already has odd parity, so expansion gives it back.
        assert_eq!(
            des_key_from_7_bytes(&key7).to_vec(),
            hex("01 23 45 67 89 AB CD EF")
        );
        assert_eq!(
            des_encrypt(b"Now is t", &key7).to_vec(),
            hex("3F A4 0E 8A 98 4D 48 15")
        );
    }

    /// The 56 key bits of an 8-byte DES key (parity bits dropped).
    fn seven_bytes_of(key: &[u8; 8]) -> [u8; 7] {
        let bits = key.iter().fold(0u64, |acc, &b| (acc << 7) | u64::from(b >> 1));
        let mut out = [0u8; 7];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = (bits >> (48 - 8 * i)) as u8;
        }
        out
    }

    #[test]
    fn verify_accepts_the_rfc_exchange() {
        let seen = parse_authenticator_response(AUTHENTICATOR_RESPONSE.as_bytes());
        assert!(seen.is_some());
        let verification = verify(
            USER_NAME,
            &Secret::new(PASSWORD.to_string()),
            &hex_array(AUTHENTICATOR_CHALLENGE),
            &hex_array(PEER_CHALLENGE),
            &hex_array(NT_RESPONSE),
            seen.as_ref(),
        );
        assert_eq!(
            verification,
            Verification {
                nt_response_matches: true,
                authenticator_response_matches: Some(true)
            }
        );
    }

    #[test]
    fn verify_rejects_a_wrong_password() {
        let seen = parse_authenticator_response(AUTHENTICATOR_RESPONSE.as_bytes());
        let verification = verify(
            USER_NAME,
            &Secret::new("clientpass".to_string()),
            &hex_array(AUTHENTICATOR_CHALLENGE),
            &hex_array(PEER_CHALLENGE),
            &hex_array(NT_RESPONSE),
            seen.as_ref(),
        );
        assert_eq!(
            verification,
            Verification {
                nt_response_matches: false,
                authenticator_response_matches: Some(false)
            }
        );
    }

    #[test]
    fn verify_without_success_leaves_the_server_side_open() {
        let verification = verify(
            USER_NAME,
            &Secret::new(PASSWORD.to_string()),
            &hex_array(AUTHENTICATOR_CHALLENGE),
            &hex_array(PEER_CHALLENGE),
            &hex_array(NT_RESPONSE),
            None,
        );
        assert_eq!(
            verification,
            Verification {
                nt_response_matches: true,
                authenticator_response_matches: None
            }
        );
    }

    #[test]
    fn verify_flags_a_tampered_nt_response_and_authenticator_response() {
        let mut nt_response: [u8; 24] = hex_array(NT_RESPONSE);
        nt_response[23] ^= 0x01;
        let mut seen: [u8; 20] = hex_array("407A5589115FD0D6209F510FE9C04566932CDA56");
        let verification = verify(
            USER_NAME,
            &Secret::new(PASSWORD.to_string()),
            &hex_array(AUTHENTICATOR_CHALLENGE),
            &hex_array(PEER_CHALLENGE),
            &nt_response,
            Some(&seen),
        );
        // The server signs the NT-Response it received, so a changed
        // NT-Response also changes the expected "S=" value.
        assert_eq!(
            verification,
            Verification {
                nt_response_matches: false,
                authenticator_response_matches: Some(false)
            }
        );
        seen[0] ^= 0x80;
        let verification = verify(
            USER_NAME,
            &Secret::new(PASSWORD.to_string()),
            &hex_array(AUTHENTICATOR_CHALLENGE),
            &hex_array(PEER_CHALLENGE),
            &hex_array(NT_RESPONSE),
            Some(&seen),
        );
        assert_eq!(
            verification,
            Verification {
                nt_response_matches: true,
                authenticator_response_matches: Some(false)
            }
        );
    }

    #[test]
    fn domain_prefix_is_left_out_of_challenge_hash() {
        let peer = hex_array(PEER_CHALLENGE);
        let auth = hex_array(AUTHENTICATOR_CHALLENGE);
        let plain = challenge_hash(&peer, &auth, b"User");
        assert_eq!(challenge_hash(&peer, &auth, b"EXAMPLE\\User"), plain);
        assert_eq!(challenge_hash(&peer, &auth, b"A\\B\\User"), plain);
        assert_ne!(challenge_hash(&peer, &auth, b"EXAMPLE/User"), plain);
        assert_eq!(user_name_without_domain(b"DOM\\lulu"), b"lulu");
        assert_eq!(user_name_without_domain(b"lulu"), b"lulu");
        assert_eq!(user_name_without_domain(b"DOM\\"), b"");
        assert_eq!(user_name_without_domain(b""), b"");
    }

    #[test]
    fn success_message_parsing() {
        let expected: [u8; 20] = hex_array("407A5589115FD0D6209F510FE9C04566932CDA56");
        assert_eq!(
            parse_authenticator_response(AUTHENTICATOR_RESPONSE.as_bytes()),
            Some(expected)
        );
        assert_eq!(
            parse_authenticator_response(b"S=407a5589115fd0d6209f510fe9c04566932cda56 M=Access granted"),
            Some(expected)
        );
        // One digit short, one digit too many, a non-hex digit, no "S=".
        assert_eq!(
            parse_authenticator_response(b"S=407A5589115FD0D6209F510FE9C04566932CDA5"),
            None
        );
        assert_eq!(
            parse_authenticator_response(b"S=407A5589115FD0D6209F510FE9C04566932CDA560"),
            None
        );
        assert_eq!(
            parse_authenticator_response(b"S=407A5589115FD0D6209F510FE9C04566932CDA5G"),
            None
        );
        assert_eq!(parse_authenticator_response(b"M=Access granted"), None);
        assert_eq!(parse_authenticator_response(b""), None);
    }
}
