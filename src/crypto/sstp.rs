//! The SSTP crypto binding ([MS-SSTP] §3.2.5.2, §2.2.7, §4.7): the
//! certificate hash and the Compound MAC that the client puts in its Call
//! Connected message, recomputed so a capture can be checked.
//!
//! The keys: the HLAK comes from the PPP authentication (MS-CHAPv2:
//! [`super::mppe::MasterKeys::sstp_hlak`]; PAP: [`hlak_without_keys`]), the
//! CMK is derived from it with HMAC, and the Compound MAC is an HMAC under
//! the CMK over the whole Call Connected message with its MAC field zeroed.
//! Parsing the SSTP framing is not done here; the caller hands over the 112
//! bytes of the Call Connected message.

use hmac::digest::generic_array::GenericArray;
use hmac::digest::typenum::U64;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::Secret;

/// Length of an SSTP_MSG_CALL_CONNECTED message with its one Crypto Binding
/// attribute, SSTP header included ([MS-SSTP] §2.2, §2.2.7): 0x70 bytes.
pub const CALL_CONNECTED_LEN: usize = 112;
/// Offset of the Hash Protocol byte in the Call Connected message.
const HASH_PROTOCOL_OFFSET: usize = 15;
/// Offset of the 32-byte Compound MAC field (MAC plus padding).
const COMPOUND_MAC_OFFSET: usize = 80;

/// The seed of the CMK derivation ([MS-SSTP] §3.2.5.2.2): 29 ASCII bytes,
/// no terminating NUL.
const CMK_SEED: &[u8; 29] = b"SSTP inner method derived CMK";

/// The Higher-Layer Authentication Key: 32 bytes from the PPP
/// authentication method ([MS-SSTP] §3.2.5.2.2).
pub type Hlak = Secret<[u8; 32]>;

/// The HLAK when the PPP authentication produced no keys (PAP, or
/// higher-layer authentication bypassed): 32 zero bytes ([MS-SSTP]
/// §3.2.5.2.2).
pub fn hlak_without_keys() -> Hlak {
    Secret::new([0; 32])
}

/// The HLAK from key material of any length, such as an EAP MSK ([MS-SSTP]
/// §3.2.5.2.2): the first 32 bytes, or the material padded with zero bytes
/// at the end when it is shorter.
pub fn hlak_from_key_material(key_material: &[u8]) -> Hlak {
    let mut hlak = [0u8; 32];
    hlak.iter_mut()
        .zip(key_material)
        .for_each(|(dst, src)| *dst = *src);
    Secret::new(hlak)
}

/// The hash protocol of the crypto binding ([MS-SSTP] §2.2.7): one
/// bit of the Hash Protocol field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashProtocol {
    /// CERT_HASH_PROTOCOL_SHA1 (0x01): SHA-1 and HMAC-SHA1, 20-byte values.
    Sha1,
    /// CERT_HASH_PROTOCOL_SHA256 (0x02): SHA-256 and HMAC-SHA256, 32 bytes.
    Sha256,
}

impl HashProtocol {
    /// CERT_HASH_PROTOCOL_SHA1.
    pub const CERT_HASH_PROTOCOL_SHA1: u8 = 0x01;
    /// CERT_HASH_PROTOCOL_SHA256.
    pub const CERT_HASH_PROTOCOL_SHA256: u8 = 0x02;

    /// The protocol named by a Crypto Binding attribute's Hash Protocol
    /// byte, which must have exactly one known bit set; `None` otherwise.
    pub const fn from_wire(value: u8) -> Option<Self> {
        match value {
            Self::CERT_HASH_PROTOCOL_SHA1 => Some(HashProtocol::Sha1),
            Self::CERT_HASH_PROTOCOL_SHA256 => Some(HashProtocol::Sha256),
            _ => None,
        }
    }

    /// The Hash Protocol byte for this protocol.
    pub const fn wire_value(self) -> u8 {
        match self {
            HashProtocol::Sha1 => Self::CERT_HASH_PROTOCOL_SHA1,
            HashProtocol::Sha256 => Self::CERT_HASH_PROTOCOL_SHA256,
        }
    }

    /// Digest length: 20 for SHA-1, 32 for SHA-256.
    pub const fn digest_len(self) -> usize {
        match self {
            HashProtocol::Sha1 => 20,
            HashProtocol::Sha256 => 32,
        }
    }
}

/// A digest or MAC of the crypto binding together with its protocol, held
/// the way the 32-byte Cert Hash and Compound MAC fields carry it: a SHA-1
/// value is followed by 12 zero bytes of padding ([MS-SSTP] §2.2.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BindingDigest {
    protocol: HashProtocol,
    field: [u8; 32],
}

impl BindingDigest {
    fn new(protocol: HashProtocol, digest: &[u8]) -> Self {
        let mut field = [0u8; 32];
        field
            .iter_mut()
            .zip(digest)
            .take(protocol.digest_len())
            .for_each(|(dst, src)| *dst = *src);
        BindingDigest { protocol, field }
    }

    /// The hash protocol that made this value.
    pub fn protocol(&self) -> HashProtocol {
        self.protocol
    }

    /// The digest itself: 20 or 32 bytes.
    pub fn digest(&self) -> &[u8] {
        self.field
            .get(..self.protocol.digest_len())
            .unwrap_or(&self.field)
    }

    /// The 32-byte field as it appears in Call Connected, padding included.
    pub fn field(&self) -> &[u8; 32] {
        &self.field
    }
}

/// The Cert Hash of the Crypto Binding attribute ([MS-SSTP] §2.2.7): SHA-1
/// or SHA-256 over the DER encoding of the server certificate presented in
/// the TLS handshake: the leaf certificate's DER bytes as they travel in
/// the TLS Certificate message (checked against a Windows RRAS capture in
/// this module's tests).
pub fn cert_hash(protocol: HashProtocol, certificate_der: &[u8]) -> BindingDigest {
    match protocol {
        HashProtocol::Sha1 => BindingDigest::new(protocol, &Sha1::digest(certificate_der)),
        HashProtocol::Sha256 => BindingDigest::new(protocol, &Sha256::digest(certificate_der)),
    }
}

/// HMAC-SHA1 or HMAC-SHA256 of `message` under `key`.
///
/// The key is at most 32 bytes here (an HLAK or a CMK), shorter than the
/// 64-byte block of both hashes, and RFC 2104 §2 pads such a key with zeros
/// to the block size. Building that block ourselves makes keying
/// infallible, where the crate's slice constructor returns a `Result`.
fn hmac_with(protocol: HashProtocol, key: &[u8; 32], message: &[&[u8]]) -> BindingDigest {
    let mut block = GenericArray::<u8, U64>::default();
    block.iter_mut().zip(key).for_each(|(dst, src)| *dst = *src);
    match protocol {
        HashProtocol::Sha1 => {
            let mut mac = <Hmac<Sha1> as Mac>::new(&block);
            message.iter().for_each(|part| mac.update(part));
            BindingDigest::new(protocol, &mac.finalize().into_bytes())
        }
        HashProtocol::Sha256 => {
            let mut mac = <Hmac<Sha256> as Mac>::new(&block);
            message.iter().for_each(|part| mac.update(part));
            BindingDigest::new(protocol, &mac.finalize().into_bytes())
        }
    }
}

/// The Compound MAC Key ([MS-SSTP] §3.2.5.2.2): the first block T1 of the
/// PRF+ expansion, HMAC(HLAK, "SSTP inner method derived CMK" ‖ LEN ‖ 0x01),
/// where LEN is the digest length as a 16-bit **little-endian** value
/// (`14 00` for SHA-1, `20 00` for SHA-256) — the one little-endian field of
/// SSTP. The whole T1 (20 or 32 bytes) is the CMK.
pub fn compound_mac_key(protocol: HashProtocol, hlak: &Hlak) -> Secret<BindingDigest> {
    let len = u16::try_from(protocol.digest_len())
        .unwrap_or(u16::MAX)
        .to_le_bytes();
    Secret::new(hmac_with(
        protocol,
        hlak.expose(),
        &[CMK_SEED.as_slice(), &len, &[0x01]],
    ))
}

/// The Compound MAC ([MS-SSTP] §3.2.5.2.4): HMAC under the CMK over the
/// whole Call Connected message, SSTP header included, with the 32-byte
/// Compound MAC field (offsets 80–111, padding included) set to zero.
///
/// The hash protocol is the CMK's.
pub fn compound_mac(cmk: &Secret<BindingDigest>, call_connected: &[u8; CALL_CONNECTED_LEN]) -> BindingDigest {
    let mut message = *call_connected;
    message.iter_mut().skip(COMPOUND_MAC_OFFSET).for_each(|b| *b = 0);
    let cmk = cmk.expose();
    // A SHA-1 CMK sits in the field with 12 zero bytes after it; as an HMAC
    // key those zeros change nothing (RFC 2104 §2 pads with zeros anyway).
    hmac_with(cmk.protocol(), cmk.field(), &[&message])
}

/// Why a Call Connected message could not be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CryptoBindingError {
    /// The Hash Protocol byte (offset 15) is not exactly 0x01 or 0x02.
    #[error("Crypto Binding hash protocol 0x{0:02x} is neither SHA1 (0x01) nor SHA256 (0x02)")]
    UnknownHashProtocol(u8),
}

/// The result of checking a Call Connected message's Compound MAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompoundMacCheck {
    /// The hash protocol the client chose (offset 15).
    pub protocol: HashProtocol,
    /// The MAC the message should carry under the given HLAK.
    pub expected: BindingDigest,
    /// The MAC part of the field equals `expected`.
    pub matches: bool,
    /// The 12 padding bytes after a SHA-1 MAC are zero, as [MS-SSTP]
    /// §2.2.7 asks; always true for SHA-256. The MAC does not cover them.
    pub padding_is_zero: bool,
}

/// Checks the Compound MAC of a Call Connected message under an HLAK
/// ([MS-SSTP] §3.2.5.2.4, as the server does on receipt): the hash protocol
/// is read from the message, the CMK derived from the HLAK, the MAC
/// recomputed and compared with the one in the field.
pub fn verify_compound_mac(
    hlak: &Hlak,
    call_connected: &[u8; CALL_CONNECTED_LEN],
) -> Result<CompoundMacCheck, CryptoBindingError> {
    let hash_protocol_byte = call_connected[HASH_PROTOCOL_OFFSET];
    let protocol = HashProtocol::from_wire(hash_protocol_byte)
        .ok_or(CryptoBindingError::UnknownHashProtocol(hash_protocol_byte))?;
    let expected = compound_mac(&compound_mac_key(protocol, hlak), call_connected);
    let mut field = [0u8; 32];
    field
        .iter_mut()
        .zip(call_connected.iter().skip(COMPOUND_MAC_OFFSET))
        .for_each(|(dst, src)| *dst = *src);
    let seen = BindingDigest::new(protocol, &field);
    let matches = seen.digest() == expected.digest();
    let padding_is_zero = field.iter().skip(protocol.digest_len()).all(|&b| b == 0);
    Ok(CompoundMacCheck {
        protocol,
        expected,
        matches,
        padding_is_zero,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::mschapv2::tests::{hex, hex_array};

    /// [MS-SSTP] §4.7, SHA-256.
    const HLAK_SHA256: &str =
        "2A 1B B4 0D 55 AB 0F 5E F3 2F 06 F2 B3 CC 73 C4 8F D3 FA C4 1D 7A 13 15 A1 92 28 D9 02 4C A1 64";
    const CALL_CONNECTED_SHA256: &str = "
        10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 02
        41 2B 48 9A EB D7 EC C7 D0 89 66 F2 6B E7 CD 72
        B2 31 A0 E9 21 0D 7C 91 B3 08 86 2B 03 44 C4 35
        79 93 EF 31 4C 49 3D AC E9 F0 2D 60 E7 E6 1C 84
        B6 69 0A AF E9 D7 AE EA 92 CB BE 8A D5 99 42 2D
        52 A6 8E FD 8C FF BF 52 77 0B 8F 0F E8 EC 73 71
        65 83 AF 6D 61 1E B6 D1 79 B3 B2 08 40 98 54 49";
    const CMK_SHA256: &str =
        "EC F5 9A C9 FE 15 5C F0 A9 E7 D6 6A DC 1B 36 3C 1A D7 BA 91 A9 21 7F 0C EC 2A 53 42 98 82 8D F6";
    const MAC_SHA256: &str =
        "52 A6 8E FD 8C FF BF 52 77 0B 8F 0F E8 EC 73 71 65 83 AF 6D 61 1E B6 D1 79 B3 B2 08 40 98 54 49";

    /// The SHA-1 vector attributed to [MS-SSTP] §4.7 by a third-party test file.
    const HLAK_SHA1: &str =
        "4B 31 28 F4 39 25 D9 00 6E EF B1 C4 E8 65 15 A1 D8 8E 56 BA B3 CA 2B DF 03 73 B7 F5 A8 A1 3B 19";
    const CALL_CONNECTED_SHA1: &str = "
        10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 01
        0F 1A 2D 58 D4 A3 E3 00 0F AD 3C E4 90 6E 07 B7
        07 AA 9E 44 1C CE AC 5C BD 7B 2C C1 C9 D8 6C DF
        58 26 B6 29 BD A5 9B 8E 6F D8 DC D2 62 2F D3 4C
        53 48 05 A5 00 00 00 00 00 00 00 00 00 00 00 00
        69 91 5D D5 83 D8 06 2F EF 16 F6 1D B2 F0 32 90
        EC 27 CB 6C 00 00 00 00 00 00 00 00 00 00 00 00";
    const CMK_SHA1: &str = "A9 8B 86 2A 38 CC 7E 22 4B 42 CD 12 85 86 AC B2 2F 0B D1 E9";
    const MAC_SHA1: &str = "69 91 5D D5 83 D8 06 2F EF 16 F6 1D B2 F0 32 90 EC 27 CB 6C";

    fn hlak(text: &str) -> Hlak {
        Secret::new(hex_array(text))
    }

    #[test]
    fn ms_sstp_4_7_sha256_cmk_and_compound_mac() {
        let cmk = compound_mac_key(HashProtocol::Sha256, &hlak(HLAK_SHA256));
        assert_eq!(cmk.expose().digest().to_vec(), hex(CMK_SHA256));
        let mac = compound_mac(&cmk, &hex_array(CALL_CONNECTED_SHA256));
        assert_eq!(mac.protocol(), HashProtocol::Sha256);
        assert_eq!(mac.digest().to_vec(), hex(MAC_SHA256));
        assert_eq!(mac.field().to_vec(), hex(MAC_SHA256));
    }

    #[test]
    fn ms_sstp_4_7_sha1_cmk_and_compound_mac() {
        let cmk = compound_mac_key(HashProtocol::Sha1, &hlak(HLAK_SHA1));
        assert_eq!(cmk.expose().digest().to_vec(), hex(CMK_SHA1));
        let mac = compound_mac(&cmk, &hex_array(CALL_CONNECTED_SHA1));
        assert_eq!(mac.protocol(), HashProtocol::Sha1);
        assert_eq!(mac.digest().to_vec(), hex(MAC_SHA1));
        let mut padded = hex(MAC_SHA1);
        padded.extend([0; 12]);
        assert_eq!(mac.field().to_vec(), padded);
    }

    #[test]
    fn verify_both_vectors() {
        let check = verify_compound_mac(&hlak(HLAK_SHA256), &hex_array(CALL_CONNECTED_SHA256));
        assert_eq!(
            check,
            Ok(CompoundMacCheck {
                protocol: HashProtocol::Sha256,
                expected: BindingDigest::new(HashProtocol::Sha256, &hex(MAC_SHA256)),
                matches: true,
                padding_is_zero: true,
            })
        );
        let check = verify_compound_mac(&hlak(HLAK_SHA1), &hex_array(CALL_CONNECTED_SHA1));
        assert_eq!(
            check,
            Ok(CompoundMacCheck {
                protocol: HashProtocol::Sha1,
                expected: BindingDigest::new(HashProtocol::Sha1, &hex(MAC_SHA1)),
                matches: true,
                padding_is_zero: true,
            })
        );
    }

    #[test]
    fn verify_rejects_a_wrong_hlak() {
        for (hlak, message) in [
            (hlak_without_keys(), CALL_CONNECTED_SHA256),
            (hlak(HLAK_SHA1), CALL_CONNECTED_SHA256),
            (hlak(HLAK_SHA256), CALL_CONNECTED_SHA1),
        ] {
            let check = verify_compound_mac(&hlak, &hex_array(message));
            assert_eq!(check.map(|c| (c.matches, c.padding_is_zero)), Ok((false, true)));
        }
    }

    #[test]
    fn verify_rejects_a_changed_nonce_or_mac() {
        let mut message: [u8; CALL_CONNECTED_LEN] = hex_array(CALL_CONNECTED_SHA256);
        message[16] ^= 0x01;
        let check = verify_compound_mac(&hlak(HLAK_SHA256), &message);
        assert_eq!(check.map(|c| c.matches), Ok(false));
        let mut message: [u8; CALL_CONNECTED_LEN] = hex_array(CALL_CONNECTED_SHA1);
        message[99] ^= 0x01; // last byte of the SHA-1 MAC
        let check = verify_compound_mac(&hlak(HLAK_SHA1), &message);
        assert_eq!(check.map(|c| c.matches), Ok(false));
    }

    #[test]
    fn sha1_padding_is_reported_but_not_covered() {
        let mut message: [u8; CALL_CONNECTED_LEN] = hex_array(CALL_CONNECTED_SHA1);
        message[111] = 0xFF;
        let check = verify_compound_mac(&hlak(HLAK_SHA1), &message);
        assert_eq!(check.map(|c| (c.matches, c.padding_is_zero)), Ok((true, false)));
        message[100] = 0x01;
        let check = verify_compound_mac(&hlak(HLAK_SHA1), &message);
        assert_eq!(check.map(|c| (c.matches, c.padding_is_zero)), Ok((true, false)));
    }

    #[test]
    fn verify_needs_exactly_one_known_hash_bit() {
        for value in [0x00, 0x03, 0x04, 0xFF] {
            let mut message: [u8; CALL_CONNECTED_LEN] = hex_array(CALL_CONNECTED_SHA256);
            message[15] = value;
            assert_eq!(
                verify_compound_mac(&hlak(HLAK_SHA256), &message),
                Err(CryptoBindingError::UnknownHashProtocol(value))
            );
        }
    }

    #[test]
    fn hash_protocol_wire_values() {
        assert_eq!(HashProtocol::from_wire(0x01), Some(HashProtocol::Sha1));
        assert_eq!(HashProtocol::from_wire(0x02), Some(HashProtocol::Sha256));
        assert_eq!(HashProtocol::from_wire(0x03), None);
        assert_eq!(HashProtocol::Sha1.wire_value(), 0x01);
        assert_eq!(HashProtocol::Sha256.wire_value(), 0x02);
        assert_eq!(HashProtocol::Sha1.digest_len(), 20);
        assert_eq!(HashProtocol::Sha256.digest_len(), 32);
    }

    #[test]
    fn cert_hash_of_known_input() {
        // FIPS 180 "abc" examples stand in for a certificate's DER bytes.
        let sha1 = cert_hash(HashProtocol::Sha1, b"abc");
        assert_eq!(
            sha1.digest().to_vec(),
            hex("A9993E36 4706816A BA3E2571 7850C26C 9CD0D89D")
        );
        let mut padded = sha1.digest().to_vec();
        padded.extend([0; 12]);
        assert_eq!(sha1.field().to_vec(), padded);
        let sha256 = cert_hash(HashProtocol::Sha256, b"abc");
        assert_eq!(
            sha256.digest().to_vec(),
            hex("BA7816BF 8F01CFEA 414140DE 5DAE2223 B00361A3 96177A9C B410FF61 F20015AD")
        );
    }

    #[test]
    fn hlak_helpers() {
        assert_eq!(hlak_without_keys().expose(), &[0; 32]);
        let short = hlak_from_key_material(&[0xAA; 16]);
        let mut expected = [0u8; 32];
        expected[..16].fill(0xAA);
        assert_eq!(short.expose(), &expected);
        let long: Vec<u8> = (0..64).collect();
        let truncated = hlak_from_key_material(&long);
        assert_eq!(truncated.expose().to_vec(), (0..32).collect::<Vec<u8>>());
        assert_eq!(format!("{truncated:?}"), "[redacted]");
    }

    #[test]
    fn infallible_keying_equals_the_crate_slice_constructor() {
        let key: [u8; 32] = hex_array(HLAK_SHA256);
        let ours = hmac_with(HashProtocol::Sha256, &key, &[b"message"]);
        let mut theirs = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("any key length");
        theirs.update(b"message");
        assert_eq!(ours.digest(), theirs.finalize().into_bytes().as_slice());
        // A 20-byte key zero-padded to 32 gives the same HMAC as the 20 bytes.
        let mut key20 = [0u8; 32];
        key20[..20].copy_from_slice(&hex(CMK_SHA1));
        let ours = hmac_with(HashProtocol::Sha1, &key20, &[b"message"]);
        let mut theirs = <Hmac<Sha1> as Mac>::new_from_slice(&hex(CMK_SHA1)).expect("any key length");
        theirs.update(b"message");
        assert_eq!(ours.digest(), theirs.finalize().into_bytes().as_slice());
    }
}
