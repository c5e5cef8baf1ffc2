//! TLS key derivation: from the premaster secret to the master secret and
//! key block (SSL 3.0, TLS 1.0–1.2), the handshake transcript hashes the
//! extended master secret needs, and TLS 1.3's HKDF-Expand-Label.
//!
//! Pure functions over bytes; the decryptor decides which secret applies
//! to which connection. Results that are key material have no `Debug`
//! output that shows their bytes.

use std::fmt;

use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384};

use super::codes::ProtocolVersion;
use super::suites::{HashAlgorithm, MacAlgorithm, SuiteParams};

/// HMAC over the concatenation of `parts` with the hash of `mac`
/// (RFC 2104); `None` for [`MacAlgorithm::Null`] and [`MacAlgorithm::Aead`].
pub(crate) fn hmac(mac: MacAlgorithm, key: &[u8], parts: &[&[u8]]) -> Option<Vec<u8>> {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]]) -> Option<Vec<u8>> {
        // HMAC accepts keys of any length (RFC 2104 §2), so this never fails.
        let mut m = <M as Mac>::new_from_slice(key).ok()?;
        for part in parts {
            m.update(part);
        }
        Some(m.finalize().into_bytes().to_vec())
    }
    match mac {
        MacAlgorithm::Md5 => run::<Hmac<Md5>>(key, parts),
        MacAlgorithm::Sha1 => run::<Hmac<Sha1>>(key, parts),
        MacAlgorithm::Sha256 => run::<Hmac<Sha256>>(key, parts),
        MacAlgorithm::Sha384 => run::<Hmac<Sha384>>(key, parts),
        MacAlgorithm::Null | MacAlgorithm::Aead => None,
    }
}

/// The HMAC of a PRF or HKDF hash.
fn hash_mac(hash: HashAlgorithm) -> MacAlgorithm {
    match hash {
        HashAlgorithm::Sha256 => MacAlgorithm::Sha256,
        HashAlgorithm::Sha384 => MacAlgorithm::Sha384,
    }
}

/// P_hash of RFC 5246 §5 (RFC 2246 §5): HMAC(secret, A(i) ‖ seed) for
/// A(0) = seed, A(i) = HMAC(secret, A(i−1)), XORed into `out` (so that the
/// TLS 1.0 PRF can combine two of them; callers zero `out` first).
fn p_hash_xor(mac: MacAlgorithm, secret: &[u8], seed: &[&[u8]], out: &mut [u8]) {
    let Some(mut a) = hmac(mac, secret, seed) else {
        return;
    };
    for chunk in out.chunks_mut(mac.mac_len().max(1)) {
        let mut parts: Vec<&[u8]> = Vec::with_capacity(seed.len() + 1);
        parts.push(&a);
        parts.extend_from_slice(seed);
        let Some(block) = hmac(mac, secret, &parts) else {
            return;
        };
        for (o, b) in chunk.iter_mut().zip(block.iter()) {
            *o ^= b;
        }
        let Some(next) = hmac(mac, secret, &[&a]) else {
            return;
        };
        a = next;
    }
}

/// The TLS PRF, filling `out`.
///
/// TLS 1.2 (and anything newer given here): P_SHA256 or P_SHA384 over
/// `label ‖ seed` (RFC 5246 §5). TLS 1.0 and 1.1: P_MD5 over the first
/// half of the secret XOR P_SHA1 over the second half, the halves sharing
/// the middle byte when the length is odd (RFC 2246 §5). SSL 3.0 has no
/// PRF; [`master_secret`] and [`key_block`] use its own constructions, and
/// this function treats SSL 3.0 like TLS 1.0.
pub fn prf(
    version: ProtocolVersion,
    hash: HashAlgorithm,
    secret: &[u8],
    label: &[u8],
    seed: &[u8],
    out: &mut [u8],
) {
    out.fill(0);
    if version.0 >= ProtocolVersion::TLS_1_2.0 {
        p_hash_xor(hash_mac(hash), secret, &[label, seed], out);
    } else {
        let half = secret.len().div_ceil(2);
        let s1 = secret.get(..half).unwrap_or_default();
        let s2 = secret.get(secret.len() - half..).unwrap_or_default();
        p_hash_xor(MacAlgorithm::Md5, s1, &[label, seed], out);
        p_hash_xor(MacAlgorithm::Sha1, s2, &[label, seed], out);
    }
}

/// SSL 3.0's expansion (RFC 6101 §6.1 and §6.2.2): blocks of
/// MD5(secret ‖ SHA1(salt_i ‖ secret ‖ a ‖ b)) with salt_i = "A", "BB",
/// "CCC", …, until `out` is full.
fn ssl3_expand(secret: &[u8], a: &[u8], b: &[u8], out: &mut [u8]) {
    for (i, chunk) in out.chunks_mut(16).enumerate() {
        // 26 letters give 416 bytes, more than any key block needs
        // (2 × (48 + 32 + 16) = 192); past that the letters repeat.
        let letter = b'A' + (i % 26) as u8;
        let salt = vec![letter; i + 1];
        let inner = Sha1::new()
            .chain_update(&salt)
            .chain_update(secret)
            .chain_update(a)
            .chain_update(b)
            .finalize();
        let block = Md5::new().chain_update(secret).chain_update(inner).finalize();
        for (o, v) in chunk.iter_mut().zip(block.iter()) {
            *o = *v;
        }
    }
}

/// The 48-byte master secret of a full handshake: SSL 3.0's own
/// construction over premaster, client random and server random
/// (RFC 6101 §6.1), or PRF(premaster, "master secret", client_random ‖
/// server_random) for TLS 1.0–1.2 (RFC 5246 §8.1) with the suite's PRF hash
/// under TLS 1.2.
pub fn master_secret(
    version: ProtocolVersion,
    params: &SuiteParams,
    premaster: &[u8],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
) -> [u8; 48] {
    let mut out = [0u8; 48];
    if version.0 < ProtocolVersion::TLS_1_0.0 {
        ssl3_expand(premaster, client_random, server_random, &mut out);
    } else {
        let mut seed = [0u8; 64];
        seed[..32].copy_from_slice(client_random);
        seed[32..].copy_from_slice(server_random);
        prf(
            version,
            params.prf_hash,
            premaster,
            b"master secret",
            &seed,
            &mut out,
        );
    }
    out
}

/// The extended master secret of RFC 7627 §4: PRF(premaster, "extended
/// master secret", session_hash), `session_hash` from
/// [`Transcript::session_hash`]. RFC 7627 does not define it for SSL 3.0;
/// given SSL 3.0 this uses the TLS 1.0 PRF.
pub fn extended_master_secret(
    version: ProtocolVersion,
    params: &SuiteParams,
    premaster: &[u8],
    session_hash: &[u8],
) -> [u8; 48] {
    let mut out = [0u8; 48];
    prf(
        version,
        params.prf_hash,
        premaster,
        b"extended master secret",
        session_hash,
        &mut out,
    );
    out
}

/// The key block split into its parts, in the order of RFC 5246 §6.3:
/// client_write_MAC_key, server_write_MAC_key, client_write_key,
/// server_write_key, client_write_IV, server_write_IV. A part the suite
/// does not use is empty.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct KeyBlock {
    pub client_mac_key: Vec<u8>,
    pub server_mac_key: Vec<u8>,
    pub client_key: Vec<u8>,
    pub server_key: Vec<u8>,
    pub client_iv: Vec<u8>,
    pub server_iv: Vec<u8>,
}

impl fmt::Debug for KeyBlock {
    /// Lengths only: the bytes are keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyBlock")
            .field("client_mac_key_len", &self.client_mac_key.len())
            .field("server_mac_key_len", &self.server_mac_key.len())
            .field("client_key_len", &self.client_key.len())
            .field("server_key_len", &self.server_key.len())
            .field("client_iv_len", &self.client_iv.len())
            .field("server_iv_len", &self.server_iv.len())
            .finish()
    }
}

/// The key block of a TLS 1.0–1.2 or SSL 3.0 connection.
///
/// TLS: PRF(master, "key expansion", server_random ‖ client_random)
/// (RFC 5246 §6.3; the server random comes first, unlike the master
/// secret). SSL 3.0: its MD5/SHA-1 expansion with the same seed order
/// (RFC 6101 §6.2.2). IV parts are [`SuiteParams::key_block_iv_len`] long
/// for `version`. TLS 1.3 suites have no key block: every part is empty.
pub fn key_block(
    version: ProtocolVersion,
    params: &SuiteParams,
    master: &[u8; 48],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
) -> KeyBlock {
    if params.tls13 {
        return KeyBlock::default();
    }
    let (mac, key, iv) = (
        params.mac_key_len(),
        params.key_len(),
        params.key_block_iv_len(version),
    );
    let mut block = vec![0u8; 2 * (mac + key + iv)];
    if version.0 < ProtocolVersion::TLS_1_0.0 {
        ssl3_expand(master, server_random, client_random, &mut block);
    } else {
        let mut seed = [0u8; 64];
        seed[..32].copy_from_slice(server_random);
        seed[32..].copy_from_slice(client_random);
        prf(
            version,
            params.prf_hash,
            master,
            b"key expansion",
            &seed,
            &mut block,
        );
    }
    let mut rest = block.as_slice();
    let mut take = |n: usize| {
        let (part, tail) = rest.split_at(n.min(rest.len()));
        rest = tail;
        part.to_vec()
    };
    KeyBlock {
        client_mac_key: take(mac),
        server_mac_key: take(mac),
        client_key: take(key),
        server_key: take(key),
        client_iv: take(iv),
        server_iv: take(iv),
    }
}

/// Running hashes of the handshake messages (each message with its 4-byte
/// handshake header, RFC 5246 §7.4.9). All four hashes run at once because
/// the suite, and with it the PRF hash, is not known when the ClientHello
/// is hashed.
#[derive(Clone, Default)]
pub struct Transcript {
    md5: Md5,
    sha1: Sha1,
    sha256: Sha256,
    sha384: Sha384,
}

impl fmt::Debug for Transcript {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transcript").finish_non_exhaustive()
    }
}

impl Transcript {
    /// An empty transcript.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one handshake message, header included.
    pub fn update(&mut self, message: &[u8]) {
        self.md5.update(message);
        self.sha1.update(message);
        self.sha256.update(message);
        self.sha384.update(message);
    }

    /// The session_hash of RFC 7627 §3 over the messages so far: MD5 ‖
    /// SHA-1 (36 bytes) before TLS 1.2, the PRF hash in TLS 1.2. Also
    /// Transcript-Hash of RFC 8446 §4.4.1 for TLS 1.3.
    pub fn session_hash(&self, version: ProtocolVersion, hash: HashAlgorithm) -> Vec<u8> {
        if version.0 < ProtocolVersion::TLS_1_2.0 {
            let mut out = self.md5.clone().finalize().to_vec();
            out.extend_from_slice(&self.sha1.clone().finalize());
            out
        } else {
            match hash {
                HashAlgorithm::Sha256 => self.sha256.clone().finalize().to_vec(),
                HashAlgorithm::Sha384 => self.sha384.clone().finalize().to_vec(),
            }
        }
    }
}

/// HKDF-Expand-Label of RFC 8446 §7.1: HKDF-Expand (RFC 5869 §2.3) of
/// `secret` with info = u16 length ‖ u8 len ‖ "tls13 " ‖ `label` ‖ u8 len ‖
/// `context`. `label` is given without the "tls13 " prefix.
///
/// Empty when the request cannot be encoded: `len` over 255 × Hash.length
/// (RFC 5869 §2.3) or over 65535, a label longer than 249 bytes or a
/// context longer than 255.
pub fn hkdf_expand_label(
    hash: HashAlgorithm,
    secret: &[u8],
    label: &[u8],
    context: &[u8],
    len: usize,
) -> Vec<u8> {
    let (Ok(out_len), Ok(label_len), Ok(context_len)) = (
        u16::try_from(len),
        u8::try_from(label.len() + 6),
        u8::try_from(context.len()),
    ) else {
        return Vec::new();
    };
    if len > 255 * hash.hash_len() {
        return Vec::new();
    }
    let mut info = Vec::with_capacity(4 + label.len() + 6 + context.len());
    info.extend_from_slice(&out_len.to_be_bytes());
    info.push(label_len);
    info.extend_from_slice(b"tls13 ");
    info.extend_from_slice(label);
    info.push(context_len);
    info.extend_from_slice(context);

    let mac = hash_mac(hash);
    let mut out = Vec::with_capacity(len + hash.hash_len());
    let mut previous: Vec<u8> = Vec::new();
    let mut counter = 1u8;
    while out.len() < len {
        let Some(t) = hmac(mac, secret, &[&previous, &info, &[counter]]) else {
            return Vec::new();
        };
        out.extend_from_slice(&t);
        previous = t;
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    out
}

/// application_traffic_secret_N+1 = HKDF-Expand-Label(secret, "traffic
/// upd", "", Hash.length) (RFC 8446 §7.2).
pub fn next_traffic_secret(hash: HashAlgorithm, secret: &[u8]) -> Vec<u8> {
    hkdf_expand_label(hash, secret, b"traffic upd", b"", hash.hash_len())
}

/// Hex to bytes for test vectors.
#[cfg(test)]
pub(crate) fn unhex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
    assert_eq!(digits.len() % 2, 0, "odd hex length");
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::tls::codes::CipherSuite;
    use crate::tls::suites::suite_params;

    fn params(suite: u16) -> SuiteParams {
        suite_params(CipherSuite(suite)).unwrap()
    }

    /// The widely used TLS 1.2 PRF vector (IETF TLS list, msg03416;
    /// reproduced by `openssl kdf -kdfopt digest:SHA256 TLS1-PRF`).
    #[test]
    fn tls12_prf_sha256_vector() {
        let mut out = [0u8; 100];
        prf(
            ProtocolVersion::TLS_1_2,
            HashAlgorithm::Sha256,
            &unhex("9b be 43 6b a9 40 f0 17 b1 76 52 84 9a 71 db 35"),
            b"test label",
            &unhex("a0 ba 9f 93 6c da 31 18 27 a6 f7 96 ff d5 19 8c"),
            &mut out,
        );
        assert_eq!(
            out.to_vec(),
            unhex(
                "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a\
                 6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab\
                 4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701\
                 87347b66"
            )
        );
    }

    /// TLS 1.2 PRF with SHA-384: the companion vector of the SHA-256 one
    /// (secret b8 0b …, seed cd 66 …, 148 bytes), reproduced by `openssl
    /// kdf -kdfopt digest:SHA384 TLS1-PRF`.
    #[test]
    fn tls12_prf_sha384_vector() {
        let mut out = [0u8; 148];
        prf(
            ProtocolVersion::TLS_1_2,
            HashAlgorithm::Sha384,
            &unhex("b8 0b 73 3d 6c ee fc dc 71 56 6e a4 8e 55 67 df"),
            b"test label",
            &unhex("cd 66 5c f6 a8 44 7d d6 ff 8b 27 55 5e db 74 65"),
            &mut out,
        );
        assert_eq!(
            out.to_vec(),
            unhex(
                "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd\
                 e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd\
                 8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425\
                 9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6\
                 91c8f3a26854308d5eaa3be85e0990703d73e56f"
            )
        );
    }

    /// TLS 1.0/1.1 PRF (P_MD5 xor P_SHA1) on the same inputs as the
    /// TLS 1.2 vector; expected bytes from `openssl kdf -kdfopt
    /// digest:MD5-SHA1 TLS1-PRF`. TLS 1.1 uses the same PRF.
    #[test]
    fn tls10_prf_vector() {
        let expected = unhex(
            "661740e6f98bc901efd2738502a71c03f76dd2f86298549b1148eff06714cf0f\
             6b7c532cd8c69f1530e0bb680eec34c495fa75a8bfcc9c335484c0d3d194ab6e\
             32975903c50ebcdbe9d67c0591bdbd80dddcc36d33ccd58adf96caae173f48dc\
             40f983e2",
        );
        for version in [ProtocolVersion::TLS_1_0, ProtocolVersion::TLS_1_1] {
            let mut out = [0u8; 100];
            prf(
                version,
                HashAlgorithm::Sha256,
                &unhex("9b be 43 6b a9 40 f0 17 b1 76 52 84 9a 71 db 35"),
                b"test label",
                &unhex("a0 ba 9f 93 6c da 31 18 27 a6 f7 96 ff d5 19 8c"),
                &mut out,
            );
            assert_eq!(out.to_vec(), expected, "{version}");
        }
    }

    /// An odd-length secret: the two halves share the middle byte
    /// (RFC 2246 §5). Expected bytes from `openssl kdf` on a 3-byte secret.
    #[test]
    fn tls10_prf_odd_secret_shares_middle_byte() {
        let mut out = [0u8; 20];
        prf(
            ProtocolVersion::TLS_1_0,
            HashAlgorithm::Sha256,
            &[1, 2, 3],
            b"x",
            b"y",
            &mut out,
        );
        let mut md5_half = [0u8; 20];
        p_hash_xor(MacAlgorithm::Md5, &[1, 2], &[b"x", b"y"], &mut md5_half);
        let mut sha_half = [0u8; 20];
        p_hash_xor(MacAlgorithm::Sha1, &[2, 3], &[b"x", b"y"], &mut sha_half);
        let xored: Vec<u8> = md5_half.iter().zip(sha_half.iter()).map(|(a, b)| a ^ b).collect();
        assert_eq!(out.to_vec(), xored);
        assert_eq!(out.to_vec(), unhex(OPENSSL_ODD_SECRET));
    }

    const OPENSSL_ODD_SECRET: &str = "cb3a6543a50ad9bd78d5ac6d0bf825d2b46c394b";

    // Values Wireshark (tshark 4 with GnuTLS, `-o tls.debug_file`) derived
    // from real captures with the server's RSA key: MANIFEST N8
    // (rsasnakeoil2, SSL 3.0, TLS_RSA_WITH_AES_256_CBC_SHA) and S1 (sstp2,
    // TLS 1.0, TLS_RSA_WITH_AES_128_CBC_SHA).
    const SSL3_PREMASTER: &str = "
    03 00 ff 84 56 6d a0 fb cc fd c6 c8 20 d5 f0 65
    18 87 b0 44 45 9c e3 92 f0 4d 32 cd 41 85 10 24
    cb 7a b3 01 36 3d 93 27 12 a4 7e 00 29 96 59 d8";
    const SSL3_CLIENT_RANDOM: &str = "
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
    a8 b8 93 bb 90 e9 2a a2 4d 6d cc 1c e7 2a 80 21";
    const SSL3_SERVER_RANDOM: &str = "
    44 4c 94 8f fe 81 ed 93 65 02 88 a3 f8 eb 63 86
    0e 2c f6 8d d0 0f 2c 2a d6 4f cd 2d 3c 16 d7 d6";
    const SSL3_MASTER: &str = "
    1e db 35 95 b8 18 b3 52 58 f3 07 3f e6 af 8a a6
    ab c3 a4 ed 66 3a 46 86 b6 e5 49 2a 7c f7 8c c2
    ac 22 bb 13 15 0f d8 62 a2 39 23 7b c2 ff 28 fb";
    pub(crate) const SSL3_KEY_BLOCK: &str = "
    11 60 e4 e1 74 e9 a1 cf 67 f9 b7 bc ef bc a7 c7
    b3 f7 33 aa b2 42 d0 1c a6 4e fb e9 9b 13 dd 29
    63 aa 17 1f 47 71 95 71 08 e0 4b 8e e1 da 7b 4a
    5a f3 c2 32 bd e0 a5 82 6d 14 44 3a d6 cb 2d c0
    7d 57 be a8 37 de 5d d9 a1 07 fd 1b 22 71 b9 4b
    7a 1e 0f 70 37 14 97 0a f0 db 98 3b 7b 74 e3 2d
    51 66 2e 31 68 90 ac 6f e6 53 3c c9 5e 48 0c 05
    bc 9f 92 e7 f9 91 98 f5 95 1c c4 bf d9 cb 26 ef
    35 70 5e ad 21 22 3e f6";
    const TLS10_PREMASTER: &str = "
    03 01 af 31 cd fa 51 48 6b fe 6e 17 53 4c c8 98
    88 f6 23 63 e7 6d 20 8d 8f e4 33 3b 6b 29 0a 5f
    04 81 db 38 7a ee 6f 7e 5e 06 1b c3 7e 48 22 2d";
    const TLS10_CLIENT_RANDOM: &str = "
    50 ff a9 0e 27 23 00 9d 43 16 69 5b b1 de 8c d6
    f6 0c da fa 82 67 85 41 41 35 f9 42 c0 8a 24 ef";
    const TLS10_SERVER_RANDOM: &str = "
    50 ff a9 0e 8f 69 c4 32 12 36 60 71 1b 17 80 26
    ad 35 56 73 f1 8b 08 79 b1 d8 e0 59 f5 ee a3 6c";
    const TLS10_MASTER: &str = "
    d7 4a 3a f2 28 47 46 c4 37 42 72 12 f1 85 38 20
    9b b8 f7 9b ab 20 4a 55 27 84 f8 ac 35 30 38 df
    72 e5 3b d9 d9 ca dc 3e 83 3a a9 77 3e 51 ed 9e";
    pub(crate) const TLS10_KEY_BLOCK: &str = "
    8a f9 87 6b bb 19 e3 83 9a 0e 2f 2d 8b 75 2d 06
    5c ac 71 cb 99 21 86 5f 68 ba 99 37 9c ab b2 51
    d0 0f 60 23 75 a8 e1 77 47 fa f2 81 a5 5b 45 d9
    bc e7 46 6d a9 62 10 a3 e8 3c c7 22 b6 15 2b b4
    05 38 12 b5 5b 4c 70 35 bc f1 34 1a c7 01 50 a6
    16 bd 46 af 9b 29 43 00 f8 bb 9f bb a5 fb 83 ee
    ab e5 1e 9b a6 19 45 75";

    fn array32(hex: &str) -> [u8; 32] {
        unhex(hex).try_into().unwrap()
    }

    fn joined(block: &KeyBlock) -> Vec<u8> {
        [
            &block.client_mac_key,
            &block.server_mac_key,
            &block.client_key,
            &block.server_key,
            &block.client_iv,
            &block.server_iv,
        ]
        .iter()
        .flat_map(|part| part.iter().copied())
        .collect()
    }

    #[test]
    fn ssl3_master_secret_and_key_block_match_wireshark() {
        let p = params(0x0035);
        let (client_random, server_random) = (array32(SSL3_CLIENT_RANDOM), array32(SSL3_SERVER_RANDOM));
        let master = master_secret(
            ProtocolVersion::SSL_3_0,
            &p,
            &unhex(SSL3_PREMASTER),
            &client_random,
            &server_random,
        );
        assert_eq!(master.to_vec(), unhex(SSL3_MASTER));
        let block = key_block(
            ProtocolVersion::SSL_3_0,
            &p,
            &master,
            &client_random,
            &server_random,
        );
        assert_eq!(joined(&block), unhex(SSL3_KEY_BLOCK));
        assert_eq!(
            format!("{block:?}"),
            "KeyBlock { client_mac_key_len: 20, server_mac_key_len: 20, client_key_len: 32, \
             server_key_len: 32, client_iv_len: 16, server_iv_len: 16 }"
        );
        assert_eq!(block.client_mac_key, unhex(SSL3_KEY_BLOCK)[..20].to_vec());
        assert_eq!(block.server_iv, unhex(SSL3_KEY_BLOCK)[120..].to_vec());
    }

    #[test]
    fn tls10_master_secret_and_key_block_match_wireshark() {
        let p = params(0x002f);
        let (client_random, server_random) = (array32(TLS10_CLIENT_RANDOM), array32(TLS10_SERVER_RANDOM));
        let master = master_secret(
            ProtocolVersion::TLS_1_0,
            &p,
            &unhex(TLS10_PREMASTER),
            &client_random,
            &server_random,
        );
        assert_eq!(master.to_vec(), unhex(TLS10_MASTER));
        let block = key_block(
            ProtocolVersion::TLS_1_0,
            &p,
            &master,
            &client_random,
            &server_random,
        );
        assert_eq!(joined(&block), unhex(TLS10_KEY_BLOCK));
        assert_eq!(
            (
                block.client_mac_key.len(),
                block.client_key.len(),
                block.client_iv.len()
            ),
            (20, 16, 16)
        );
        // TLS 1.1 and later: the same suite takes no IVs from the key block.
        let block = key_block(
            ProtocolVersion::TLS_1_1,
            &p,
            &master,
            &client_random,
            &server_random,
        );
        assert_eq!(joined(&block), unhex(TLS10_KEY_BLOCK)[..72].to_vec());
        assert!(block.client_iv.is_empty() && block.server_iv.is_empty());
    }

    #[test]
    fn tls12_key_block_takes_the_suite_prf_hash() {
        let master = [0x0bu8; 48];
        let (client_random, server_random) = ([1u8; 32], [2u8; 32]);
        for (suite, hash) in [(0xc02f, HashAlgorithm::Sha256), (0xc030, HashAlgorithm::Sha384)] {
            let p = params(suite);
            let block = key_block(
                ProtocolVersion::TLS_1_2,
                &p,
                &master,
                &client_random,
                &server_random,
            );
            let mut expected = vec![0u8; 2 * (p.key_len() + 4)];
            let mut seed = server_random.to_vec();
            seed.extend_from_slice(&client_random);
            prf(
                ProtocolVersion::TLS_1_2,
                hash,
                &master,
                b"key expansion",
                &seed,
                &mut expected,
            );
            assert_eq!(joined(&block), expected);
            assert_eq!((block.client_mac_key.len(), block.client_iv.len()), (0, 4));
        }
        assert_eq!(
            key_block(
                ProtocolVersion::TLS_1_3,
                &params(0x1301),
                &master,
                &client_random,
                &server_random
            ),
            KeyBlock::default()
        );
    }

    /// RFC 7627 §4 with bytes from `openssl kdf … -kdfopt seed:"extended
    /// master secret" TLS1-PRF` (premaster 48 × 0xaa).
    #[test]
    fn extended_master_secret_vectors() {
        let premaster = [0xaau8; 48];
        let hash = unhex(RFC8448_SERVER_APP_SECRET);
        assert_eq!(
            extended_master_secret(ProtocolVersion::TLS_1_2, &params(0xc02f), &premaster, &hash).to_vec(),
            unhex(
                "e863ff9ea26fda6133b2a35c1ceb4c56026cb6b7d842c408d4703d55502c23b0\
                 92a011d196570c5786c55874af6323d6"
            )
        );
        let mut hash36 = hash.clone();
        hash36.extend_from_slice(&[1, 2, 3, 4, 5]);
        assert_eq!(
            extended_master_secret(ProtocolVersion::TLS_1_0, &params(0x002f), &premaster, &hash36).to_vec(),
            unhex(
                "b93b8c2142d81c229adcde852d28865c9b047b03bd3b62d88a703ed9a6b07af2\
                 4b3ba3f490f228e27ebabd522252a28f"
            )
        );
    }

    #[test]
    fn transcript_runs_all_hashes() {
        let mut t = Transcript::new();
        t.update(b"a");
        let before = t.clone();
        t.update(b"bc");
        // FIPS 180 / RFC 1321 digests of "abc".
        assert_eq!(
            t.session_hash(ProtocolVersion::TLS_1_0, HashAlgorithm::Sha256),
            unhex("900150983cd24fb0d6963f7d28e17f72 a9993e364706816aba3e25717850c26c9cd0d89d")
        );
        assert_eq!(
            t.session_hash(ProtocolVersion::TLS_1_1, HashAlgorithm::Sha384),
            t.session_hash(ProtocolVersion::TLS_1_0, HashAlgorithm::Sha256)
        );
        assert_eq!(
            t.session_hash(ProtocolVersion::TLS_1_2, HashAlgorithm::Sha256),
            unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert_eq!(
            t.session_hash(ProtocolVersion::TLS_1_2, HashAlgorithm::Sha384),
            unhex(
                "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163\
                 1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
            )
        );
        // Asking for a hash does not disturb the running state.
        assert_eq!(
            t.session_hash(ProtocolVersion::TLS_1_2, HashAlgorithm::Sha256),
            unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert_ne!(
            before.session_hash(ProtocolVersion::TLS_1_2, HashAlgorithm::Sha256),
            t.session_hash(ProtocolVersion::TLS_1_2, HashAlgorithm::Sha256)
        );
        assert_eq!(format!("{t:?}"), "Transcript { .. }");
    }

    /// RFC 8448 §3 traffic secrets.
    pub(crate) const RFC8448_SERVER_HS_SECRET: &str =
        "b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38";
    pub(crate) const RFC8448_SERVER_APP_SECRET: &str =
        "a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43";
    pub(crate) const RFC8448_CLIENT_APP_SECRET: &str =
        "9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce 65 52 87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 04 a5";

    /// RFC 8448 §3 "derive write traffic keys" for the server's handshake
    /// data and both sides' application data, and the "finished" key.
    #[test]
    fn hkdf_expand_label_rfc8448() {
        let h = HashAlgorithm::Sha256;
        let cases = [
            (
                RFC8448_SERVER_HS_SECRET,
                "3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc",
                "5d 31 3e b2 67 12 76 ee 13 00 0b 30",
            ),
            (
                RFC8448_SERVER_APP_SECRET,
                "9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac 92 e3 56",
                "cf 78 2b 88 dd 83 54 9a ad f1 e9 84",
            ),
            (
                RFC8448_CLIENT_APP_SECRET,
                "17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6 3f 50 51",
                "5b 78 92 3d ee 08 57 90 33 e5 23 d9",
            ),
        ];
        for (secret, key, iv) in cases {
            assert_eq!(hkdf_expand_label(h, &unhex(secret), b"key", b"", 16), unhex(key));
            assert_eq!(hkdf_expand_label(h, &unhex(secret), b"iv", b"", 12), unhex(iv));
        }
        assert_eq!(
            hkdf_expand_label(h, &unhex(RFC8448_SERVER_HS_SECRET), b"finished", b"", 32),
            unhex("00 8d 3b 66 f8 16 ea 55 9f 96 b5 37 e8 85 c3 1f c0 68 bf 49 2c 65 2f 01 f2 88 a1 d8 cd c1 9f c8")
        );
        // Past 255 × Hash.length, or labels that do not fit their length byte.
        assert!(hkdf_expand_label(h, &[1; 32], b"key", b"", 255 * 32 + 1).is_empty());
        assert_eq!(
            hkdf_expand_label(h, &[1; 32], b"key", b"", 255 * 32).len(),
            255 * 32
        );
        assert!(hkdf_expand_label(h, &[1; 32], &[b'a'; 250], b"", 16).is_empty());
        assert!(hkdf_expand_label(h, &[1; 32], b"key", &[0; 256], 16).is_empty());
    }

    /// application_traffic_secret_1 from RFC 8448's server secret; expected
    /// bytes from `openssl kdf -kdfopt mode:EXPAND_ONLY … HKDF` with info
    /// 00 20 11 "tls13 traffic upd" 00.
    #[test]
    fn next_traffic_secret_vector() {
        assert_eq!(
            next_traffic_secret(HashAlgorithm::Sha256, &unhex(RFC8448_SERVER_APP_SECRET)),
            unhex("51921b8aa3001976eb401d0a4319a8516416a6c56001a357e5d162031e84f916")
        );
        assert_eq!(next_traffic_secret(HashAlgorithm::Sha384, &[7; 48]).len(), 48);
    }
}
