//! RSA decryption of a TLS premaster secret with the server's private key:
//! RSAES-PKCS1-v1_5 (RFC 8017 §7.2.2) as TLS ≤ 1.2 uses it for the
//! EncryptedPreMasterSecret of an RSA key exchange (RFC 5246 §7.4.7.1).
//!
//! The computation is the textbook `m = c^d mod n`. It is not
//! constant-time: tunnelscope decrypts recorded traffic offline with a key
//! its user holds, so there is no party to observe timing or padding
//! errors (the attacks of Bleichenbacher and Marvin need an online
//! oracle).

use num_bigint::BigUint;

use super::Secret;
use crate::tls::x509::RsaPrivateKeyParts;

/// Bytes of a TLS premaster secret for RSA key exchange: client_version (2)
/// and 46 random bytes (RFC 5246 §7.4.7.1).
pub const PREMASTER_LEN: usize = 48;

/// An RSA private key ready to decrypt. `Debug` shows only the size.
#[derive(Clone)]
pub struct RsaPrivateKey {
    n: BigUint,
    d: Secret<BigUint>,
    modulus: Vec<u8>,
    bits: u64,
}

impl std::fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RsaPrivateKey")
            .field("bits", &self.bits)
            .finish_non_exhaustive()
    }
}

impl RsaPrivateKey {
    /// The key from its numbers; `None` when the modulus is below 512 bits
    /// (no RSA key exchange used less) or the private exponent is empty.
    pub fn new(parts: &RsaPrivateKeyParts) -> Option<Self> {
        let n = BigUint::from_bytes_be(&parts.modulus);
        let bits = n.bits();
        if bits < 512 || parts.private_exponent.is_empty() {
            return None;
        }
        let modulus = n.to_bytes_be();
        Some(RsaPrivateKey {
            n,
            d: Secret::new(BigUint::from_bytes_be(&parts.private_exponent)),
            modulus,
            bits,
        })
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> u64 {
        self.bits
    }

    /// The modulus, big endian without leading zeros: compared with a
    /// certificate's ([`crate::tls::x509::rsa_modulus`]) to tell whether
    /// this key belongs to it.
    pub fn modulus(&self) -> &[u8] {
        &self.modulus
    }

    /// RSAES-PKCS1-v1_5 decryption (RFC 8017 §7.2.2): the message, or
    /// `None` when the ciphertext is longer than the modulus, not below it,
    /// or the block is not `00 02 PS 00 M` with at least 8 non-zero padding
    /// bytes (the key is not the one the client encrypted to).
    pub fn decrypt_pkcs1_v15(&self, ciphertext: &[u8]) -> Option<Secret<Vec<u8>>> {
        let k = self.modulus.len();
        if ciphertext.len() > k || ciphertext.is_empty() {
            return None;
        }
        let c = BigUint::from_bytes_be(ciphertext);
        if c >= self.n {
            return None;
        }
        let m = c.modpow(self.d.expose(), &self.n).to_bytes_be();
        // I2OSP to k octets: the leading 0x00 of the block disappears in
        // the integer, so the unpadded form starts at 0x02 with k-1 octets.
        if m.len() + 1 != k {
            return None;
        }
        let (first, rest) = m.split_first()?;
        if *first != 0x02 {
            return None;
        }
        let separator = rest.iter().position(|&b| b == 0)?;
        if separator < 8 {
            return None;
        }
        Some(Secret::new(rest.get(separator + 1..)?.to_vec()))
    }

    /// The TLS premaster secret from an EncryptedPreMasterSecret: the
    /// decrypted message when it is [`PREMASTER_LEN`] bytes. (Servers
    /// substitute random bytes for a wrong-length or badly padded message,
    /// RFC 5246 §7.4.7.1; here the failure is reported instead, and a wrong
    /// key shows as records that fail their MAC.)
    pub fn premaster(&self, encrypted: &[u8]) -> Option<Secret<Vec<u8>>> {
        self.decrypt_pkcs1_v15(encrypted)
            .filter(|m| m.expose().len() == PREMASTER_LEN)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::PrivateKeyDer;

    use super::*;
    use crate::tls::x509::rsa_private_key;

    /// A throw-away 1024-bit test key (`openssl genrsa -traditional 1024`),
    /// PKCS#1.
    pub(crate) const KEY_PKCS1: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIICXAIBAAKBgQC+fjVeKPuScu3FwobMpDxeQYfiXiDlihQCv0hWrnIG1/XcbTv4\nNx+fkJiZKtY45UvPdd8/ZhL0+NfCU9eoJKrBKnjDPyCrU+WvuQC33gNGCGYR8Uog\noXySxDzx2EYC0M04YwHu03aaCN3Y0DvTpXFGjwwzAyaJq6NvsJ7AG3s8IQIDAQAB\nAoGAIx1+1wG1BlUbUbY/RSANZM6truPtKoMelzcNrbTwniRXVS/puyLmOHLePnXw\nEYLrS64N3lEBs5jfpRnxijRgKXP6w3zKAjNZJp7ruRiVfnloF6RBBvMpeRKPSJJf\n6gCDuPgPEzwWB81He7qOY2OrtOVXqDVlqptDSnoxhGnEmMECQQDtYcG1j0AmSsgV\n8h3l2HJtM3k3pKqhoV0lDFV7dnesUnXP8VlHrXrlwTklHb03hdHwGGeyl7OXJxn+\nvfQ+/yppAkEAzW7/2gRgUjbokVsZGs0JfspnIe5JpOYIYT47vfU7q3eyytYy3AGo\n44OAn7GH5vTqZUK3ZQfKV5OLKzwtX3uc+QJAW0qhKKXy0ccos+ftP5vCReTp1VBq\nnsZj//+CUHz7ATalQFddMoexH/Lzeya4wkWgu2lnV/OniZXsFWAQMroHIQJANEUQ\n3kUMyP5lkE5whcwzpUoUkaKSpF1PNobiJoQWKZusJ0X27NmTQkg8WuWN4arhVOBz\nz0X7KutElryaAtht6QJBAI4AamuysohDPPCesEgamVkuJ2bAKgBBrcJiHy74PPmH\nFH2RaB7KjlFiW/38XQJdU+UEUkhqhhHMkGvHNKvgU2E=\n-----END RSA PRIVATE KEY-----\n";
    /// The same key as PKCS#8 (`openssl pkcs8 -topk8 -nocrypt`).
    pub(crate) const KEY_PKCS8: &str = "-----BEGIN PRIVATE KEY-----\nMIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAL5+NV4o+5Jy7cXC\nhsykPF5Bh+JeIOWKFAK/SFaucgbX9dxtO/g3H5+QmJkq1jjlS8913z9mEvT418JT\n16gkqsEqeMM/IKtT5a+5ALfeA0YIZhHxSiChfJLEPPHYRgLQzThjAe7TdpoI3djQ\nO9OlcUaPDDMDJomro2+wnsAbezwhAgMBAAECgYAjHX7XAbUGVRtRtj9FIA1kzq2u\n4+0qgx6XNw2ttPCeJFdVL+m7IuY4ct4+dfARgutLrg3eUQGzmN+lGfGKNGApc/rD\nfMoCM1kmnuu5GJV+eWgXpEEG8yl5Eo9Ikl/qAIO4+A8TPBYHzUd7uo5jY6u05Veo\nNWWqm0NKejGEacSYwQJBAO1hwbWPQCZKyBXyHeXYcm0zeTekqqGhXSUMVXt2d6xS\ndc/xWUeteuXBOSUdvTeF0fAYZ7KXs5cnGf699D7/KmkCQQDNbv/aBGBSNuiRWxka\nzQl+ymch7kmk5ghhPju99Turd7LK1jLcAajjg4CfsYfm9OplQrdlB8pXk4srPC1f\ne5z5AkBbSqEopfLRxyiz5+0/m8JF5OnVUGqexmP//4JQfPsBNqVAV10yh7Ef8vN7\nJrjCRaC7aWdX86eJlewVYBAyugchAkA0RRDeRQzI/mWQTnCFzDOlShSRopKkXU82\nhuImhBYpm6wnRfbs2ZNCSDxa5Y3hquFU4HPPRfsq60SWvJoC2G3pAkEAjgBqa7Ky\niEM88J6wSBqZWS4nZsAqAEGtwmIfLvg8+YcUfZFoHsqOUWJb/fxdAl1T5QRSSGqG\nEcyQa8c0q+BTYQ==\n-----END PRIVATE KEY-----\n";
    /// `openssl pkeyutl -encrypt -pkeyopt rsa_padding_mode:pkcs1` of
    /// 03 01 followed by 46 × 'A' under that key.
    const CIPHERTEXT: &str = "bb8feaf0fc55744a218a15f601951cddd7563236bad1089dd2001859d9f1a27f95ad13a0bba367a4ed53050e63d817ece682509b48c76029193d1b5ea86dec91a20817594fbe6b2c0275003ece9692ee233599f6b8d7d698804140ad2f1e81094945610b48b825e5543e1507520b636821e0c2776da039d16a7f823e17b3c5d8";

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    pub(crate) fn key(pem: &str) -> RsaPrivateKey {
        let der = PrivateKeyDer::from_pem_slice(pem.as_bytes()).unwrap();
        RsaPrivateKey::new(&rsa_private_key(der.secret_der()).unwrap()).unwrap()
    }

    #[test]
    fn openssl_ciphertext_decrypts_to_the_premaster() {
        let mut expected = vec![3, 1];
        expected.extend([b'A'; 46]);
        for pem in [KEY_PKCS1, KEY_PKCS8] {
            let k = key(pem);
            assert_eq!(k.bits(), 1024);
            assert_eq!(k.premaster(&unhex(CIPHERTEXT)).unwrap().expose(), &expected);
        }
        assert_eq!(key(KEY_PKCS1).modulus(), key(KEY_PKCS8).modulus());
    }

    #[test]
    fn a_damaged_ciphertext_or_wrong_shape_gives_nothing() {
        let k = key(KEY_PKCS1);
        let mut ct = unhex(CIPHERTEXT);
        ct[5] ^= 1;
        assert!(k.premaster(&ct).is_none());
        assert!(k.premaster(&[]).is_none());
        assert!(k.premaster(&[0xff; 129]).is_none());
        assert!(k.premaster(&[0xff; 128]).is_none());
    }

    #[test]
    fn debug_shows_no_key_material() {
        let k = key(KEY_PKCS1);
        assert_eq!(format!("{k:?}"), "RsaPrivateKey { bits: 1024, .. }");
    }
}
