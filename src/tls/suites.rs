//! What a cipher suite means for record protection: the bulk cipher, the
//! record MAC, the PRF/HKDF hash, and the sizes of the key block parts
//! (RFC 5246 §6.3 and Appendix C, RFC 2246 §6.3, RFC 6101 §6.2.2,
//! RFC 8446 §B.4).
//!
//! Only suites whose records [`super::protect`] can open are listed; the
//! key exchange does not matter here (it decides how the premaster secret
//! is made, which is the decryptor's business), so RSA, DH, DHE, ECDH,
//! ECDHE, anonymous and PSK variants of one protection all map to the same
//! parameters.

use super::codes::{CipherSuite, ProtocolVersion};

/// The record encryption of a suite (RFC 5246 §6.2.3, RFC 8446 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BulkCipher {
    /// No encryption (TLS_*_WITH_NULL_*): the record is plaintext ‖ MAC.
    Null,
    /// RC4 with a 128-bit key, a stream that runs across records.
    Rc4_128,
    /// Triple DES EDE in CBC mode, 24-byte key, 8-byte blocks.
    TripleDesEdeCbc,
    /// AES-128 in CBC mode.
    Aes128Cbc,
    /// AES-256 in CBC mode.
    Aes256Cbc,
    /// AES-128 in GCM (RFC 5288, RFC 8446).
    Aes128Gcm,
    /// AES-256 in GCM (RFC 5288, RFC 8446).
    Aes256Gcm,
    /// ChaCha20-Poly1305 (RFC 7905, RFC 8446, AEAD of RFC 8439).
    ChaCha20Poly1305,
}

/// The record MAC of a suite (RFC 5246 §6.2.3.1; SSL 3.0 uses its own
/// keyed construction over the same hashes, RFC 6101 §5.2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MacAlgorithm {
    /// No MAC (only TLS_NULL_WITH_NULL_NULL, never negotiated).
    Null,
    /// HMAC-MD5 (16 bytes).
    Md5,
    /// HMAC-SHA1 (20 bytes).
    Sha1,
    /// HMAC-SHA256 (32 bytes).
    Sha256,
    /// HMAC-SHA384 (48 bytes).
    Sha384,
    /// The AEAD cipher authenticates the record itself.
    Aead,
}

impl MacAlgorithm {
    /// Length of the MAC and of its key (RFC 5246 Appendix C: mac_length
    /// equals mac_key_length for every listed MAC).
    pub const fn mac_len(self) -> usize {
        match self {
            MacAlgorithm::Null | MacAlgorithm::Aead => 0,
            MacAlgorithm::Md5 => 16,
            MacAlgorithm::Sha1 => 20,
            MacAlgorithm::Sha256 => 32,
            MacAlgorithm::Sha384 => 48,
        }
    }
}

/// The hash of the TLS 1.2 PRF (RFC 5246 §5) or of TLS 1.3's HKDF
/// (RFC 8446 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// SHA-256: every suite not named *_SHA384.
    Sha256,
    /// SHA-384: the *_SHA384 suites.
    Sha384,
}

impl HashAlgorithm {
    /// Hash.length in RFC 8446's words.
    pub const fn hash_len(self) -> usize {
        match self {
            HashAlgorithm::Sha256 => 32,
            HashAlgorithm::Sha384 => 48,
        }
    }
}

/// The record protection parameters of one cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuiteParams {
    /// The suite these parameters belong to.
    pub suite: CipherSuite,
    /// Bulk encryption.
    pub cipher: BulkCipher,
    /// Record MAC ([`MacAlgorithm::Aead`] for AEAD suites).
    pub mac: MacAlgorithm,
    /// TLS 1.2 PRF hash, or TLS 1.3 HKDF hash.
    pub prf_hash: HashAlgorithm,
    /// A TLS 1.3 suite (0x13xx): keys come from traffic secrets, not from a
    /// key block.
    pub tls13: bool,
}

impl SuiteParams {
    /// Bytes of the bulk cipher key (RFC 5246 Appendix C "Key Material").
    pub fn key_len(&self) -> usize {
        match self.cipher {
            BulkCipher::Null => 0,
            BulkCipher::Rc4_128 | BulkCipher::Aes128Cbc | BulkCipher::Aes128Gcm => 16,
            BulkCipher::TripleDesEdeCbc => 24,
            BulkCipher::Aes256Cbc | BulkCipher::Aes256Gcm | BulkCipher::ChaCha20Poly1305 => 32,
        }
    }

    /// Bytes of each MAC key in the key block (0 for AEAD suites).
    pub fn mac_key_len(&self) -> usize {
        self.mac.mac_len()
    }

    /// Bytes of each IV taken from the key block under `version`.
    ///
    /// CBC: one block in SSL 3.0 and TLS 1.0 (the first record's IV,
    /// RFC 2246 §6.3); none from TLS 1.1 on, where every record carries an
    /// explicit IV (RFC 4346 §6.3). GCM: the 4-byte salt (RFC 5288 §3).
    /// ChaCha20-Poly1305: the 12-byte IV (RFC 7905 §2). Stream suites and
    /// TLS 1.3 suites (whose IV comes from HKDF, RFC 8446 §7.3): 0.
    pub fn key_block_iv_len(&self, version: ProtocolVersion) -> usize {
        if self.tls13 {
            return 0;
        }
        match self.cipher {
            BulkCipher::Null | BulkCipher::Rc4_128 => 0,
            BulkCipher::TripleDesEdeCbc | BulkCipher::Aes128Cbc | BulkCipher::Aes256Cbc => {
                if version.0 <= ProtocolVersion::TLS_1_0.0 {
                    self.block_len()
                } else {
                    0
                }
            }
            BulkCipher::Aes128Gcm | BulkCipher::Aes256Gcm => 4,
            BulkCipher::ChaCha20Poly1305 => 12,
        }
    }

    /// Cipher block size for CBC suites; 0 for stream and AEAD suites.
    pub fn block_len(&self) -> usize {
        match self.cipher {
            BulkCipher::TripleDesEdeCbc => 8,
            BulkCipher::Aes128Cbc | BulkCipher::Aes256Cbc => 16,
            _ => 0,
        }
    }

    /// True for AEAD suites (GCM, ChaCha20-Poly1305).
    pub fn is_aead(&self) -> bool {
        self.mac == MacAlgorithm::Aead
    }
}

use BulkCipher as C;
use MacAlgorithm as M;

/// (suite, cipher, MAC) for every suite of the IANA TLS Cipher Suites
/// registry this crate can open, with the registry's name in a comment
/// where the key exchange variants are grouped.
const SUITES: &[(u16, BulkCipher, MacAlgorithm)] = &[
    // RSA (RFC 5246 Appendix A.5, RFC 4785 for PSK NULL)
    (0x0001, C::Null, M::Md5),             // RSA_WITH_NULL_MD5
    (0x0002, C::Null, M::Sha1),            // RSA_WITH_NULL_SHA
    (0x0004, C::Rc4_128, M::Md5),          // RSA_WITH_RC4_128_MD5
    (0x0005, C::Rc4_128, M::Sha1),         // RSA_WITH_RC4_128_SHA
    (0x000a, C::TripleDesEdeCbc, M::Sha1), // RSA_WITH_3DES_EDE_CBC_SHA
    (0x000d, C::TripleDesEdeCbc, M::Sha1), // DH_DSS_WITH_3DES_EDE_CBC_SHA
    (0x0010, C::TripleDesEdeCbc, M::Sha1), // DH_RSA_WITH_3DES_EDE_CBC_SHA
    (0x0013, C::TripleDesEdeCbc, M::Sha1), // DHE_DSS_WITH_3DES_EDE_CBC_SHA
    (0x0016, C::TripleDesEdeCbc, M::Sha1), // DHE_RSA_WITH_3DES_EDE_CBC_SHA
    (0x0018, C::Rc4_128, M::Md5),          // DH_anon_WITH_RC4_128_MD5
    (0x001b, C::TripleDesEdeCbc, M::Sha1), // DH_anon_WITH_3DES_EDE_CBC_SHA
    (0x002c, C::Null, M::Sha1),            // PSK_WITH_NULL_SHA
    (0x002d, C::Null, M::Sha1),            // DHE_PSK_WITH_NULL_SHA
    (0x002e, C::Null, M::Sha1),            // RSA_PSK_WITH_NULL_SHA
    // AES_128_CBC_SHA: RSA, DH_DSS, DH_RSA, DHE_DSS, DHE_RSA, DH_anon (RFC 5246)
    (0x002f, C::Aes128Cbc, M::Sha1),
    (0x0030, C::Aes128Cbc, M::Sha1),
    (0x0031, C::Aes128Cbc, M::Sha1),
    (0x0032, C::Aes128Cbc, M::Sha1),
    (0x0033, C::Aes128Cbc, M::Sha1),
    (0x0034, C::Aes128Cbc, M::Sha1),
    // AES_256_CBC_SHA, same order
    (0x0035, C::Aes256Cbc, M::Sha1),
    (0x0036, C::Aes256Cbc, M::Sha1),
    (0x0037, C::Aes256Cbc, M::Sha1),
    (0x0038, C::Aes256Cbc, M::Sha1),
    (0x0039, C::Aes256Cbc, M::Sha1),
    (0x003a, C::Aes256Cbc, M::Sha1),
    (0x003b, C::Null, M::Sha256),      // RSA_WITH_NULL_SHA256
    (0x003c, C::Aes128Cbc, M::Sha256), // RSA_WITH_AES_128_CBC_SHA256
    (0x003d, C::Aes256Cbc, M::Sha256), // RSA_WITH_AES_256_CBC_SHA256
    (0x003e, C::Aes128Cbc, M::Sha256), // DH_DSS_WITH_AES_128_CBC_SHA256
    (0x003f, C::Aes128Cbc, M::Sha256), // DH_RSA_WITH_AES_128_CBC_SHA256
    (0x0040, C::Aes128Cbc, M::Sha256), // DHE_DSS_WITH_AES_128_CBC_SHA256
    (0x0067, C::Aes128Cbc, M::Sha256), // DHE_RSA_WITH_AES_128_CBC_SHA256
    (0x0068, C::Aes256Cbc, M::Sha256), // DH_DSS_WITH_AES_256_CBC_SHA256
    (0x0069, C::Aes256Cbc, M::Sha256), // DH_RSA_WITH_AES_256_CBC_SHA256
    (0x006a, C::Aes256Cbc, M::Sha256), // DHE_DSS_WITH_AES_256_CBC_SHA256
    (0x006b, C::Aes256Cbc, M::Sha256), // DHE_RSA_WITH_AES_256_CBC_SHA256
    (0x006c, C::Aes128Cbc, M::Sha256), // DH_anon_WITH_AES_128_CBC_SHA256
    (0x006d, C::Aes256Cbc, M::Sha256), // DH_anon_WITH_AES_256_CBC_SHA256
    // PSK, DHE_PSK, RSA_PSK (RFC 4279): RC4_128_SHA, 3DES, AES_128, AES_256
    (0x008a, C::Rc4_128, M::Sha1),
    (0x008b, C::TripleDesEdeCbc, M::Sha1),
    (0x008c, C::Aes128Cbc, M::Sha1),
    (0x008d, C::Aes256Cbc, M::Sha1),
    (0x008e, C::Rc4_128, M::Sha1),
    (0x008f, C::TripleDesEdeCbc, M::Sha1),
    (0x0090, C::Aes128Cbc, M::Sha1),
    (0x0091, C::Aes256Cbc, M::Sha1),
    (0x0092, C::Rc4_128, M::Sha1),
    (0x0093, C::TripleDesEdeCbc, M::Sha1),
    (0x0094, C::Aes128Cbc, M::Sha1),
    (0x0095, C::Aes256Cbc, M::Sha1),
    // AES_GCM (RFC 5288, RFC 5487): RSA, DHE_RSA, DH_RSA, DHE_DSS, DH_DSS,
    // DH_anon, PSK, DHE_PSK, RSA_PSK; 128 then 256 for each
    (0x009c, C::Aes128Gcm, M::Aead),
    (0x009d, C::Aes256Gcm, M::Aead),
    (0x009e, C::Aes128Gcm, M::Aead),
    (0x009f, C::Aes256Gcm, M::Aead),
    (0x00a0, C::Aes128Gcm, M::Aead),
    (0x00a1, C::Aes256Gcm, M::Aead),
    (0x00a2, C::Aes128Gcm, M::Aead),
    (0x00a3, C::Aes256Gcm, M::Aead),
    (0x00a4, C::Aes128Gcm, M::Aead),
    (0x00a5, C::Aes256Gcm, M::Aead),
    (0x00a6, C::Aes128Gcm, M::Aead),
    (0x00a7, C::Aes256Gcm, M::Aead),
    (0x00a8, C::Aes128Gcm, M::Aead),
    (0x00a9, C::Aes256Gcm, M::Aead),
    (0x00aa, C::Aes128Gcm, M::Aead),
    (0x00ab, C::Aes256Gcm, M::Aead),
    (0x00ac, C::Aes128Gcm, M::Aead),
    (0x00ad, C::Aes256Gcm, M::Aead),
    // PSK, DHE_PSK, RSA_PSK with AES_128_CBC_SHA256, AES_256_CBC_SHA384,
    // NULL_SHA256, NULL_SHA384 (RFC 5487)
    (0x00ae, C::Aes128Cbc, M::Sha256),
    (0x00af, C::Aes256Cbc, M::Sha384),
    (0x00b0, C::Null, M::Sha256),
    (0x00b1, C::Null, M::Sha384),
    (0x00b2, C::Aes128Cbc, M::Sha256),
    (0x00b3, C::Aes256Cbc, M::Sha384),
    (0x00b4, C::Null, M::Sha256),
    (0x00b5, C::Null, M::Sha384),
    (0x00b6, C::Aes128Cbc, M::Sha256),
    (0x00b7, C::Aes256Cbc, M::Sha384),
    (0x00b8, C::Null, M::Sha256),
    (0x00b9, C::Null, M::Sha384),
    // TLS 1.3 (RFC 8446 §B.4)
    (0x1301, C::Aes128Gcm, M::Aead),        // TLS_AES_128_GCM_SHA256
    (0x1302, C::Aes256Gcm, M::Aead),        // TLS_AES_256_GCM_SHA384
    (0x1303, C::ChaCha20Poly1305, M::Aead), // TLS_CHACHA20_POLY1305_SHA256
    // ECC (RFC 8422, RFC 4492): ECDH_ECDSA, ECDHE_ECDSA, ECDH_RSA,
    // ECDHE_RSA, ECDH_anon; each NULL_SHA, RC4_128_SHA, 3DES, AES_128, AES_256
    (0xc001, C::Null, M::Sha1),
    (0xc002, C::Rc4_128, M::Sha1),
    (0xc003, C::TripleDesEdeCbc, M::Sha1),
    (0xc004, C::Aes128Cbc, M::Sha1),
    (0xc005, C::Aes256Cbc, M::Sha1),
    (0xc006, C::Null, M::Sha1),
    (0xc007, C::Rc4_128, M::Sha1),
    (0xc008, C::TripleDesEdeCbc, M::Sha1),
    (0xc009, C::Aes128Cbc, M::Sha1),
    (0xc00a, C::Aes256Cbc, M::Sha1),
    (0xc00b, C::Null, M::Sha1),
    (0xc00c, C::Rc4_128, M::Sha1),
    (0xc00d, C::TripleDesEdeCbc, M::Sha1),
    (0xc00e, C::Aes128Cbc, M::Sha1),
    (0xc00f, C::Aes256Cbc, M::Sha1),
    (0xc010, C::Null, M::Sha1),
    (0xc011, C::Rc4_128, M::Sha1),
    (0xc012, C::TripleDesEdeCbc, M::Sha1),
    (0xc013, C::Aes128Cbc, M::Sha1),
    (0xc014, C::Aes256Cbc, M::Sha1),
    (0xc015, C::Null, M::Sha1),
    (0xc016, C::Rc4_128, M::Sha1),
    (0xc017, C::TripleDesEdeCbc, M::Sha1),
    (0xc018, C::Aes128Cbc, M::Sha1),
    (0xc019, C::Aes256Cbc, M::Sha1),
    // ECC with SHA-256/384 (RFC 5289): ECDHE_ECDSA, ECDH_ECDSA, ECDHE_RSA,
    // ECDH_RSA; CBC then GCM
    (0xc023, C::Aes128Cbc, M::Sha256),
    (0xc024, C::Aes256Cbc, M::Sha384),
    (0xc025, C::Aes128Cbc, M::Sha256),
    (0xc026, C::Aes256Cbc, M::Sha384),
    (0xc027, C::Aes128Cbc, M::Sha256),
    (0xc028, C::Aes256Cbc, M::Sha384),
    (0xc029, C::Aes128Cbc, M::Sha256),
    (0xc02a, C::Aes256Cbc, M::Sha384),
    (0xc02b, C::Aes128Gcm, M::Aead),
    (0xc02c, C::Aes256Gcm, M::Aead),
    (0xc02d, C::Aes128Gcm, M::Aead),
    (0xc02e, C::Aes256Gcm, M::Aead),
    (0xc02f, C::Aes128Gcm, M::Aead),
    (0xc030, C::Aes256Gcm, M::Aead),
    (0xc031, C::Aes128Gcm, M::Aead),
    (0xc032, C::Aes256Gcm, M::Aead),
    // ECDHE_PSK (RFC 5489): RC4_128_SHA, 3DES, AES_128_CBC_SHA,
    // AES_256_CBC_SHA, AES_128_CBC_SHA256, AES_256_CBC_SHA384, NULL_SHA,
    // NULL_SHA256, NULL_SHA384
    (0xc033, C::Rc4_128, M::Sha1),
    (0xc034, C::TripleDesEdeCbc, M::Sha1),
    (0xc035, C::Aes128Cbc, M::Sha1),
    (0xc036, C::Aes256Cbc, M::Sha1),
    (0xc037, C::Aes128Cbc, M::Sha256),
    (0xc038, C::Aes256Cbc, M::Sha384),
    (0xc039, C::Null, M::Sha1),
    (0xc03a, C::Null, M::Sha256),
    (0xc03b, C::Null, M::Sha384),
    // CHACHA20_POLY1305_SHA256 (RFC 7905): ECDHE_RSA, ECDHE_ECDSA, DHE_RSA,
    // PSK, ECDHE_PSK, DHE_PSK, RSA_PSK
    (0xcca8, C::ChaCha20Poly1305, M::Aead),
    (0xcca9, C::ChaCha20Poly1305, M::Aead),
    (0xccaa, C::ChaCha20Poly1305, M::Aead),
    (0xccab, C::ChaCha20Poly1305, M::Aead),
    (0xccac, C::ChaCha20Poly1305, M::Aead),
    (0xccad, C::ChaCha20Poly1305, M::Aead),
    (0xccae, C::ChaCha20Poly1305, M::Aead),
    // ECDHE_PSK_WITH_AES_128_GCM_SHA256, _AES_256_GCM_SHA384 (RFC 8442)
    (0xd001, C::Aes128Gcm, M::Aead),
    (0xd002, C::Aes256Gcm, M::Aead),
];

/// The record protection of `suite`, or `None` for a suite this crate
/// cannot open (export, DES, IDEA, RC2, Camellia, ARIA, SEED, CCM, GOST,
/// SRP, Kerberos, signalling values, unassigned values): an "unsupported
/// suite".
///
/// The PRF hash is SHA-384 for the *_SHA384 suites and SHA-256 for all
/// others (RFC 5246 §5; RFC 5288 §3 and RFC 5289 §3 name it per suite).
pub fn suite_params(suite: CipherSuite) -> Option<SuiteParams> {
    let &(_, cipher, mac) = SUITES.iter().find(|(value, _, _)| *value == suite.0)?;
    // Every AES-256-GCM suite in the registry is *_SHA384; the CBC and NULL
    // *_SHA384 suites are the ones whose MAC is HMAC-SHA384.
    let prf_hash = if mac == MacAlgorithm::Sha384 || cipher == BulkCipher::Aes256Gcm {
        HashAlgorithm::Sha384
    } else {
        HashAlgorithm::Sha256
    };
    Some(SuiteParams {
        suite,
        cipher,
        mac,
        prf_hash,
        tls13: (0x1301..=0x13ff).contains(&suite.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(value: u16) -> SuiteParams {
        suite_params(CipherSuite(value)).expect("supported suite")
    }

    #[test]
    fn rsa_aes_128_cbc_sha_as_sstp_uses_it() {
        let p = params(0x002f);
        assert_eq!(
            p,
            SuiteParams {
                suite: CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA,
                cipher: BulkCipher::Aes128Cbc,
                mac: MacAlgorithm::Sha1,
                prf_hash: HashAlgorithm::Sha256,
                tls13: false,
            }
        );
        assert_eq!((p.key_len(), p.mac_key_len(), p.block_len()), (16, 20, 16));
        assert_eq!(p.key_block_iv_len(ProtocolVersion::SSL_3_0), 16);
        assert_eq!(p.key_block_iv_len(ProtocolVersion::TLS_1_0), 16);
        assert_eq!(p.key_block_iv_len(ProtocolVersion::TLS_1_1), 0);
        assert_eq!(p.key_block_iv_len(ProtocolVersion::TLS_1_2), 0);
        assert!(!p.is_aead());
    }

    #[test]
    fn sizes_per_kind() {
        // (suite, key, mac key, block, IV under TLS 1.0, IV under TLS 1.2, PRF hash)
        let cases = [
            (0x0001, 0, 16, 0, 0, 0, HashAlgorithm::Sha256),  // NULL_MD5
            (0x0004, 16, 16, 0, 0, 0, HashAlgorithm::Sha256), // RC4_128_MD5
            (0xc011, 16, 20, 0, 0, 0, HashAlgorithm::Sha256), // ECDHE_RSA RC4_128_SHA
            (0x000a, 24, 20, 8, 8, 0, HashAlgorithm::Sha256), // 3DES_EDE_CBC_SHA
            (0x0035, 32, 20, 16, 16, 0, HashAlgorithm::Sha256),
            (0x003d, 32, 32, 16, 16, 0, HashAlgorithm::Sha256), // AES_256_CBC_SHA256
            (0xc028, 32, 48, 16, 16, 0, HashAlgorithm::Sha384), // ECDHE_RSA AES_256_CBC_SHA384
            (0x00b1, 0, 48, 0, 0, 0, HashAlgorithm::Sha384),    // PSK_WITH_NULL_SHA384
            (0xc02f, 16, 0, 0, 4, 4, HashAlgorithm::Sha256),    // ECDHE_RSA AES_128_GCM
            (0xc030, 32, 0, 0, 4, 4, HashAlgorithm::Sha384),    // ECDHE_RSA AES_256_GCM
            (0xcca8, 32, 0, 0, 12, 12, HashAlgorithm::Sha256),  // ECDHE_RSA CHACHA20
            (0xd002, 32, 0, 0, 4, 4, HashAlgorithm::Sha384),    // ECDHE_PSK AES_256_GCM
            (0x1301, 16, 0, 0, 0, 0, HashAlgorithm::Sha256),
            (0x1302, 32, 0, 0, 0, 0, HashAlgorithm::Sha384),
            (0x1303, 32, 0, 0, 0, 0, HashAlgorithm::Sha256),
        ];
        for (suite, key, mac, block, iv10, iv12, hash) in cases {
            let p = params(suite);
            assert_eq!(
                (
                    p.key_len(),
                    p.mac_key_len(),
                    p.block_len(),
                    p.key_block_iv_len(ProtocolVersion::TLS_1_0),
                    p.key_block_iv_len(ProtocolVersion::TLS_1_2),
                    p.prf_hash
                ),
                (key, mac, block, iv10, iv12, hash),
                "suite {suite:04x}"
            );
            assert_eq!(p.tls13, (0x1301..=0x1303).contains(&suite), "suite {suite:04x}");
        }
    }

    #[test]
    fn unsupported_suites_are_none() {
        for suite in [
            0x0000u16, // NULL_WITH_NULL_NULL
            0x0003,    // RSA_EXPORT_WITH_RC4_40_MD5
            0x0007,    // IDEA
            0x0009,    // DES_CBC_SHA
            0x0041,    // CAMELLIA_128_CBC_SHA
            0x0096,    // SEED
            0x00ff,    // renegotiation SCSV
            0x1304,    // TLS_AES_128_CCM_SHA256
            0x5600,    // FALLBACK_SCSV
            0xc01a,    // SRP
            0xc03c,    // ARIA
            0xc09c,    // AES_128_CCM
            0xd003,    // ECDHE_PSK AES_128_CCM_8
            0x0a0a,    // GREASE
        ] {
            assert_eq!(suite_params(CipherSuite(suite)), None, "suite {suite:04x}");
        }
    }

    /// Where the registry names in `codes` know a listed suite, the name
    /// must say the same cipher and MAC as this table.
    #[test]
    fn table_agrees_with_registry_names() {
        let mut named = 0;
        for &(value, cipher, mac) in SUITES {
            let Some(name) = CipherSuite(value).name() else {
                continue;
            };
            named += 1;
            let expected_cipher = match cipher {
                BulkCipher::Null => "_NULL_",
                BulkCipher::Rc4_128 => "_RC4_128_",
                BulkCipher::TripleDesEdeCbc => "_3DES_EDE_CBC_",
                BulkCipher::Aes128Cbc => "_AES_128_CBC_",
                BulkCipher::Aes256Cbc => "_AES_256_CBC_",
                BulkCipher::Aes128Gcm => "_AES_128_GCM_",
                BulkCipher::Aes256Gcm => "_AES_256_GCM_",
                BulkCipher::ChaCha20Poly1305 => "_CHACHA20_POLY1305_",
            };
            assert!(name.contains(expected_cipher), "{name} vs {cipher:?}");
            let expected_mac = match mac {
                MacAlgorithm::Md5 => "_MD5",
                MacAlgorithm::Sha1 => "_SHA",
                MacAlgorithm::Sha256 | MacAlgorithm::Aead if name.ends_with("_SHA256") => "_SHA256",
                MacAlgorithm::Sha384 | MacAlgorithm::Aead => "_SHA384",
                MacAlgorithm::Sha256 => "_SHA256",
                MacAlgorithm::Null => "none",
            };
            assert!(name.ends_with(expected_mac), "{name} vs {mac:?}");
        }
        assert!(named >= 60, "{named}");
    }

    #[test]
    fn table_has_no_duplicates() {
        let mut values: Vec<u16> = SUITES.iter().map(|s| s.0).collect();
        values.sort_unstable();
        values.dedup();
        assert_eq!(values.len(), SUITES.len());
        assert_eq!(SUITES.len(), 143);
    }
}
