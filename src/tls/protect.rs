//! Opening protected TLS records: one direction's read state (keys, the
//! record sequence number, the CBC IV chain or RC4 stream) and the checks
//! of RFC 6101 §5.2.3 (SSL 3.0), RFC 5246 §6.2.3 (TLS ≤ 1.2: stream,
//! CBC MAC-then-encrypt, AEAD), RFC 7366 (encrypt-then-MAC), RFC 5288
//! (AES-GCM), RFC 7905 (ChaCha20-Poly1305) and RFC 8446 §5.2–5.4 (TLS 1.3).
//!
//! Input is untrusted capture data: every length is checked, nothing
//! panics, and a record that fails still advances the sequence number and
//! the cipher state exactly as the sender's did, so the next record opens.
//! Timing side channels do not matter here (captures are read offline).

use std::fmt;

use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockDecrypt, BlockSizeUser, KeyInit};
use aes::{Aes128, Aes256};
use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use chacha20poly1305::ChaCha20Poly1305;
use des::TdesEde3;
use md5::Md5;
use sha1::{Digest, Sha1};

use super::codes::{ContentType, ProtocolVersion};
use super::kdf::{hkdf_expand_label, hmac, next_traffic_secret};
use super::suites::{BulkCipher, MacAlgorithm, SuiteParams};
use crate::crypto::mppe::Rc4;

/// Largest protected fragment TLS 1.2 allows (RFC 5246 §6.2.3: 2^14 +
/// 2048); TLS 1.3's limit (2^14 + 256) is smaller, so one bound serves all.
pub const MAX_FRAGMENT_LEN: usize = (1 << 14) + 2048;

/// AEAD tag length of every AEAD this module opens.
const TAG_LEN: usize = 16;

/// Why a record did not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// Shorter than the protection needs (explicit IV or nonce, MAC, tag,
    /// one cipher block).
    #[error("record too short for its protection")]
    TooShort,
    /// A CBC record whose ciphertext is not a whole number of blocks.
    #[error("record length is not a whole number of cipher blocks")]
    BadLength,
    /// CBC padding inconsistent (RFC 5246 §6.2.3.2; SSL 3.0: padding
    /// longer than a block).
    #[error("CBC padding check failed")]
    BadPadding,
    /// The record MAC does not match.
    #[error("MAC check failed")]
    BadMac,
    /// The AEAD authentication tag does not match.
    #[error("authentication tag check failed")]
    BadTag,
    /// A TLS 1.3 inner plaintext of zeros only: no content type
    /// (RFC 8446 §5.4).
    #[error("TLS 1.3 record has no inner content type")]
    NoInnerType,
    /// More than 2^14 + 2048 bytes (RFC 5246 §6.2.3).
    #[error("record longer than 2^14 + 2048 bytes")]
    TooLong,
}

/// The record MAC of a TLS ≤ 1.2 suite with its key.
#[derive(Clone)]
struct RecordMac {
    algorithm: MacAlgorithm,
    key: Vec<u8>,
    /// SSL 3.0's keyed hash instead of HMAC.
    ssl3: bool,
}

impl RecordMac {
    /// The MAC of one record (RFC 5246 §6.2.3.1: seq ‖ type ‖ version ‖
    /// length ‖ content; RFC 6101 §5.2.3.1: hash(secret ‖ pad_2 ‖
    /// hash(secret ‖ pad_1 ‖ seq ‖ type ‖ length ‖ content)), no version).
    fn compute(
        &self,
        sequence: u64,
        content_type: ContentType,
        version: ProtocolVersion,
        content: &[u8],
    ) -> Vec<u8> {
        let seq = sequence.to_be_bytes();
        // Fragments are bounded by MAX_FRAGMENT_LEN, far below 2^16.
        let length = u16::try_from(content.len()).unwrap_or(u16::MAX).to_be_bytes();
        if self.ssl3 {
            let head: [&[u8]; 4] = [&seq, &[content_type.0], &length, content];
            return match self.algorithm {
                MacAlgorithm::Md5 => ssl3_mac::<Md5>(&self.key, 48, &head),
                MacAlgorithm::Sha1 => ssl3_mac::<Sha1>(&self.key, 40, &head),
                _ => Vec::new(),
            };
        }
        let version = version.0.to_be_bytes();
        hmac(
            self.algorithm,
            &self.key,
            &[&seq, &[content_type.0], &version, &length, content],
        )
        .unwrap_or_default()
    }

    fn len(&self) -> usize {
        self.algorithm.mac_len()
    }
}

/// SSL 3.0's MAC with pad_1 = 0x36 and pad_2 = 0x5c repeated 48 times for
/// MD5 and 40 times for SHA-1 (RFC 6101 §5.2.3.1).
fn ssl3_mac<D: Digest>(key: &[u8], pad_len: usize, parts: &[&[u8]]) -> Vec<u8> {
    let mut inner = D::new();
    inner.update(key);
    inner.update(vec![0x36; pad_len]);
    for part in parts {
        inner.update(part);
    }
    let inner = inner.finalize();
    let mut outer = D::new();
    outer.update(key);
    outer.update(vec![0x5c; pad_len]);
    outer.update(inner);
    outer.finalize().to_vec()
}

/// A CBC block cipher keyed for decryption.
#[derive(Clone)]
enum BlockCipher {
    Aes128(Box<Aes128>),
    Aes256(Box<Aes256>),
    TripleDes(Box<TdesEde3>),
}

impl BlockCipher {
    fn new(cipher: BulkCipher, key: &[u8]) -> Option<Self> {
        Some(match cipher {
            BulkCipher::Aes128Cbc => BlockCipher::Aes128(Box::new(Aes128::new_from_slice(key).ok()?)),
            BulkCipher::Aes256Cbc => BlockCipher::Aes256(Box::new(Aes256::new_from_slice(key).ok()?)),
            BulkCipher::TripleDesEdeCbc => {
                BlockCipher::TripleDes(Box::new(TdesEde3::new_from_slice(key).ok()?))
            }
            _ => return None,
        })
    }

    /// CBC decryption of `data` in place with `iv`; `data` is a whole
    /// number of blocks and `iv` one block (checked by the caller; a
    /// trailing partial block would be left as is).
    fn cbc_decrypt(&self, iv: &[u8], data: &mut [u8]) {
        match self {
            BlockCipher::Aes128(c) => cbc_decrypt(c.as_ref(), iv, data),
            BlockCipher::Aes256(c) => cbc_decrypt(c.as_ref(), iv, data),
            BlockCipher::TripleDes(c) => cbc_decrypt(c.as_ref(), iv, data),
        }
    }
}

/// CBC decryption (NIST SP 800-38A §6.2): P_i = D(C_i) xor C_{i-1}.
fn cbc_decrypt<C: BlockDecrypt + BlockSizeUser>(cipher: &C, iv: &[u8], data: &mut [u8]) {
    let mut previous = iv.to_vec();
    for chunk in data.chunks_exact_mut(C::block_size()) {
        let ciphertext = chunk.to_vec();
        cipher.decrypt_block(GenericArray::from_mut_slice(chunk));
        for (p, c) in chunk.iter_mut().zip(previous.iter()) {
            *p ^= c;
        }
        previous = ciphertext;
    }
}

/// An AEAD keyed for decryption.
#[derive(Clone)]
enum AeadCipher {
    Aes128Gcm(Box<Aes128Gcm>),
    Aes256Gcm(Box<Aes256Gcm>),
    ChaCha20Poly1305(Box<ChaCha20Poly1305>),
}

impl AeadCipher {
    fn new(cipher: BulkCipher, key: &[u8]) -> Option<Self> {
        Some(match cipher {
            BulkCipher::Aes128Gcm => AeadCipher::Aes128Gcm(Box::new(Aes128Gcm::new_from_slice(key).ok()?)),
            BulkCipher::Aes256Gcm => AeadCipher::Aes256Gcm(Box::new(Aes256Gcm::new_from_slice(key).ok()?)),
            BulkCipher::ChaCha20Poly1305 => {
                AeadCipher::ChaCha20Poly1305(Box::new(ChaCha20Poly1305::new_from_slice(key).ok()?))
            }
            _ => return None,
        })
    }

    fn open(&self, nonce: &[u8; 12], aad: &[u8], ciphertext_and_tag: &[u8]) -> Result<Vec<u8>, OpenError> {
        let nonce = GenericArray::from(*nonce);
        let payload = Payload {
            msg: ciphertext_and_tag,
            aad,
        };
        match self {
            AeadCipher::Aes128Gcm(c) => c.decrypt(&nonce, payload),
            AeadCipher::Aes256Gcm(c) => c.decrypt(&nonce, payload),
            AeadCipher::ChaCha20Poly1305(c) => c.decrypt(&nonce, payload),
        }
        .map_err(|_| OpenError::BadTag)
    }
}

/// The per-record nonce of RFC 8446 §5.3 and RFC 7905 §2: the 64-bit
/// sequence number, left-padded to the IV length, XORed with the IV.
fn xor_nonce(iv: &[u8; 12], sequence: u64) -> [u8; 12] {
    let mut nonce = *iv;
    for (n, s) in nonce.iter_mut().skip(4).zip(sequence.to_be_bytes()) {
        *n ^= s;
    }
    nonce
}

/// The additional data of TLS 1.2 AEAD records (RFC 5246 §6.2.3.3):
/// seq ‖ type ‖ version ‖ plaintext length.
fn tls12_aad(
    sequence: u64,
    content_type: ContentType,
    version: ProtocolVersion,
    plaintext_len: usize,
) -> [u8; 13] {
    let mut aad = [0u8; 13];
    aad[..8].copy_from_slice(&sequence.to_be_bytes());
    aad[8] = content_type.0;
    aad[9..11].copy_from_slice(&version.0.to_be_bytes());
    aad[11..].copy_from_slice(&u16::try_from(plaintext_len).unwrap_or(u16::MAX).to_be_bytes());
    aad
}

/// How records of this direction are protected, with the state that runs
/// across records.
#[derive(Clone)]
enum State {
    /// NULL or RC4: fragment = stream(content ‖ MAC). The RC4 keystream
    /// continues from record to record (RFC 5246 §6.2.3.1).
    Stream { mac: RecordMac, rc4: Option<Box<Rc4>> },
    /// CBC with a MAC (RFC 5246 §6.2.3.2, RFC 7366).
    Cbc {
        mac: RecordMac,
        cipher: BlockCipher,
        block_len: usize,
        /// SSL 3.0 and TLS 1.0: the IV of the next record, the last
        /// ciphertext block of the previous one (RFC 2246 §6.2.3.2).
        /// `None` from TLS 1.1 on, where each record carries its IV.
        chained_iv: Option<Vec<u8>>,
        encrypt_then_mac: bool,
        /// SSL 3.0 padding: only the length byte is defined.
        ssl3: bool,
    },
    /// TLS 1.2 AES-GCM: nonce = salt(4) ‖ explicit(8) (RFC 5288 §3).
    Gcm { cipher: AeadCipher, salt: [u8; 4] },
    /// TLS 1.2 ChaCha20-Poly1305: nonce = IV xor seq (RFC 7905 §2).
    ChaCha { cipher: AeadCipher, iv: [u8; 12] },
    /// TLS 1.3 (RFC 8446 §5.2), with the traffic secret for KeyUpdate.
    Tls13 {
        cipher: AeadCipher,
        iv: [u8; 12],
        traffic_secret: Vec<u8>,
    },
}

/// One direction's read state: keys and the record sequence number
/// (RFC 5246 §6.1, RFC 8446 §5.3). Its `Debug` output shows no key bytes.
#[derive(Clone)]
pub struct RecordOpener {
    params: SuiteParams,
    version: ProtocolVersion,
    sequence: u64,
    state: State,
}

impl fmt::Debug for RecordOpener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordOpener")
            .field("suite", &format_args!("{}", self.params.suite))
            .field("version", &format_args!("{}", self.version))
            .field("sequence", &self.sequence)
            .finish_non_exhaustive()
    }
}

impl RecordOpener {
    /// The read state for SSL 3.0 or TLS 1.0–1.2 from this direction's part
    /// of the key block ([`super::kdf::key_block`]), sequence number 0.
    ///
    /// `None` when `mac_key`, `key` or `iv` do not have the lengths the
    /// suite gives for `version` ([`SuiteParams::key_block_iv_len`]: no IV
    /// for CBC from TLS 1.1 on), or when the suite cannot run under
    /// `version`: TLS 1.3 suites, AEAD suites before TLS 1.2, SSL 3.0 with
    /// a MAC other than MD5 or SHA-1. `encrypt_then_mac` is the RFC 7366
    /// extension; it only changes CBC suites (RFC 7366 §3) and is ignored
    /// for SSL 3.0, which has no extensions.
    pub fn tls12(
        version: ProtocolVersion,
        params: &SuiteParams,
        mac_key: &[u8],
        key: &[u8],
        iv: &[u8],
        encrypt_then_mac: bool,
    ) -> Option<Self> {
        let ssl3 = version.0 < ProtocolVersion::TLS_1_0.0;
        if params.tls13
            || mac_key.len() != params.mac_key_len()
            || key.len() != params.key_len()
            || iv.len() != params.key_block_iv_len(version)
            || (params.is_aead() && version.0 < ProtocolVersion::TLS_1_2.0)
            || (ssl3 && !matches!(params.mac, MacAlgorithm::Md5 | MacAlgorithm::Sha1))
        {
            return None;
        }
        let mac = RecordMac {
            algorithm: params.mac,
            key: mac_key.to_vec(),
            ssl3,
        };
        let state = match params.cipher {
            BulkCipher::Null => State::Stream { mac, rc4: None },
            BulkCipher::Rc4_128 => State::Stream {
                mac,
                rc4: Some(Box::new(Rc4::new(key)?)),
            },
            BulkCipher::TripleDesEdeCbc | BulkCipher::Aes128Cbc | BulkCipher::Aes256Cbc => State::Cbc {
                mac,
                cipher: BlockCipher::new(params.cipher, key)?,
                block_len: params.block_len(),
                chained_iv: (version.0 <= ProtocolVersion::TLS_1_0.0).then(|| iv.to_vec()),
                encrypt_then_mac: encrypt_then_mac && !ssl3,
                ssl3,
            },
            BulkCipher::Aes128Gcm | BulkCipher::Aes256Gcm => State::Gcm {
                cipher: AeadCipher::new(params.cipher, key)?,
                salt: iv.try_into().ok()?,
            },
            BulkCipher::ChaCha20Poly1305 => State::ChaCha {
                cipher: AeadCipher::new(params.cipher, key)?,
                iv: iv.try_into().ok()?,
            },
        };
        Some(RecordOpener {
            params: *params,
            version,
            sequence: 0,
            state,
        })
    }

    /// The read state for TLS 1.3 from a traffic secret (RFC 8446 §7.3):
    /// key = HKDF-Expand-Label(secret, "key", "", key_length), iv =
    /// HKDF-Expand-Label(secret, "iv", "", 12), sequence number 0.
    ///
    /// `None` for a suite that is not a TLS 1.3 suite or a secret whose
    /// length is not the suite's hash length.
    pub fn tls13(params: &SuiteParams, traffic_secret: &[u8]) -> Option<Self> {
        if !params.tls13 || traffic_secret.len() != params.prf_hash.hash_len() {
            return None;
        }
        let (cipher, iv) = tls13_keys(params, traffic_secret)?;
        Some(RecordOpener {
            params: *params,
            version: ProtocolVersion::TLS_1_3,
            sequence: 0,
            state: State::Tls13 {
                cipher,
                iv,
                traffic_secret: traffic_secret.to_vec(),
            },
        })
    }

    /// Opens one protected record. `content_type` and `version` are those
    /// of the record header, `fragment` the bytes after it.
    ///
    /// Returns the content type of the plaintext (for TLS 1.3 the inner
    /// type, after the zero padding is stripped, RFC 8446 §5.4; otherwise
    /// the header's) and the plaintext without MAC and padding.
    ///
    /// The sequence number advances for every record given, opened or not,
    /// since the sender counted it; the CBC IV chain and the RC4 keystream
    /// advance as the sender's did.
    pub fn open(
        &mut self,
        content_type: ContentType,
        version: ProtocolVersion,
        fragment: &[u8],
    ) -> Result<(ContentType, Vec<u8>), OpenError> {
        let sequence = self.sequence;
        self.sequence = self.sequence.wrapping_add(1);
        match &mut self.state {
            State::Stream { mac, rc4 } => {
                let mut plain = fragment.to_vec();
                if let Some(rc4) = rc4 {
                    rc4.apply_keystream(&mut plain);
                }
                if fragment.len() > MAX_FRAGMENT_LEN {
                    return Err(OpenError::TooLong);
                }
                let content_len = plain.len().checked_sub(mac.len()).ok_or(OpenError::TooShort)?;
                let (content, tag) = plain.split_at(content_len);
                if mac.compute(sequence, content_type, version, content) != tag {
                    return Err(OpenError::BadMac);
                }
                plain.truncate(content_len);
                Ok((content_type, plain))
            }
            State::Cbc {
                mac,
                cipher,
                block_len,
                chained_iv,
                encrypt_then_mac,
                ssl3,
            } => {
                let block_len = *block_len;
                // With encrypt-then-MAC the MAC trails the ciphertext.
                let protected_len = if *encrypt_then_mac {
                    fragment.len().checked_sub(mac.len())
                } else {
                    Some(fragment.len())
                };
                // The next record's IV is this record's last ciphertext
                // block whatever happens below.
                let chained = chained_iv.as_mut().map(|next| {
                    let iv = next.clone();
                    if let Some(last) = protected_len
                        .and_then(|end| Some((end.checked_sub(block_len)?, end)))
                        .and_then(|(start, end)| fragment.get(start..end))
                    {
                        *next = last.to_vec();
                    }
                    iv
                });
                if fragment.len() > MAX_FRAGMENT_LEN {
                    return Err(OpenError::TooLong);
                }
                let protected_len = protected_len.ok_or(OpenError::TooShort)?;
                let protected = fragment.get(..protected_len).ok_or(OpenError::TooShort)?;
                let (iv, ciphertext) = match &chained {
                    Some(iv) => (iv.as_slice(), protected),
                    None => {
                        if protected.len() < block_len {
                            return Err(OpenError::TooShort);
                        }
                        protected.split_at(block_len)
                    }
                };
                if ciphertext.is_empty() {
                    return Err(OpenError::TooShort);
                }
                if ciphertext.len() % block_len != 0 {
                    return Err(OpenError::BadLength);
                }
                if *encrypt_then_mac {
                    // RFC 7366 §3: the MAC covers IV and ciphertext and is
                    // checked before anything is decrypted.
                    let tag = fragment.get(protected_len..).ok_or(OpenError::TooShort)?;
                    if mac.compute(sequence, content_type, version, protected) != tag {
                        return Err(OpenError::BadMac);
                    }
                }
                let mut plain = ciphertext.to_vec();
                cipher.cbc_decrypt(iv, &mut plain);
                let mac_len = if *encrypt_then_mac { 0 } else { mac.len() };
                let padding = usize::from(*plain.last().ok_or(OpenError::TooShort)?);
                if plain.len() < mac_len + 1 {
                    return Err(OpenError::TooShort);
                }
                let content_len = plain
                    .len()
                    .checked_sub(mac_len + padding + 1)
                    .ok_or(OpenError::BadPadding)?;
                if *ssl3 {
                    // RFC 6101 §5.2.3.2: the padding bytes are arbitrary,
                    // and there is less than one block of them.
                    if padding >= block_len {
                        return Err(OpenError::BadPadding);
                    }
                } else {
                    // RFC 5246 §6.2.3.2: every padding byte holds the length.
                    let pad = plain.get(content_len + mac_len..).unwrap_or_default();
                    if pad.iter().any(|&b| usize::from(b) != padding) {
                        return Err(OpenError::BadPadding);
                    }
                }
                if !*encrypt_then_mac {
                    let (content, rest) = plain.split_at(content_len);
                    let tag = rest.get(..mac_len).unwrap_or_default();
                    if mac.compute(sequence, content_type, version, content) != tag {
                        return Err(OpenError::BadMac);
                    }
                }
                plain.truncate(content_len);
                Ok((content_type, plain))
            }
            State::Gcm { cipher, salt } => {
                if fragment.len() > MAX_FRAGMENT_LEN {
                    return Err(OpenError::TooLong);
                }
                let explicit = fragment.get(..8).ok_or(OpenError::TooShort)?;
                let sealed = fragment.get(8..).ok_or(OpenError::TooShort)?;
                let plaintext_len = sealed.len().checked_sub(TAG_LEN).ok_or(OpenError::TooShort)?;
                let mut nonce = [0u8; 12];
                nonce[..4].copy_from_slice(salt);
                nonce[4..].copy_from_slice(explicit);
                let aad = tls12_aad(sequence, content_type, version, plaintext_len);
                Ok((content_type, cipher.open(&nonce, &aad, sealed)?))
            }
            State::ChaCha { cipher, iv } => {
                if fragment.len() > MAX_FRAGMENT_LEN {
                    return Err(OpenError::TooLong);
                }
                let plaintext_len = fragment.len().checked_sub(TAG_LEN).ok_or(OpenError::TooShort)?;
                let aad = tls12_aad(sequence, content_type, version, plaintext_len);
                Ok((
                    content_type,
                    cipher.open(&xor_nonce(iv, sequence), &aad, fragment)?,
                ))
            }
            State::Tls13 { cipher, iv, .. } => {
                if fragment.len() > MAX_FRAGMENT_LEN {
                    return Err(OpenError::TooLong);
                }
                if fragment.len() < TAG_LEN {
                    return Err(OpenError::TooShort);
                }
                // RFC 8446 §5.2: the additional data is the record header.
                let mut aad = [0u8; 5];
                aad[0] = content_type.0;
                aad[1..3].copy_from_slice(&version.0.to_be_bytes());
                let length = u16::try_from(fragment.len()).map_err(|_| OpenError::TooLong)?;
                aad[3..].copy_from_slice(&length.to_be_bytes());
                let mut plain = cipher.open(&xor_nonce(iv, sequence), &aad, fragment)?;
                let inner_at = plain
                    .iter()
                    .rposition(|&b| b != 0)
                    .ok_or(OpenError::NoInnerType)?;
                let inner = ContentType(*plain.get(inner_at).ok_or(OpenError::NoInnerType)?);
                plain.truncate(inner_at);
                Ok((inner, plain))
            }
        }
    }

    /// TLS 1.3 KeyUpdate (RFC 8446 §4.6.3): the next application traffic
    /// secret (§7.2) and its keys; the sequence number goes back to 0.
    /// Nothing happens for TLS ≤ 1.2, which has no KeyUpdate.
    pub fn key_update(&mut self) {
        let params = self.params;
        if let State::Tls13 {
            cipher,
            iv,
            traffic_secret,
        } = &mut self.state
        {
            let next = next_traffic_secret(params.prf_hash, traffic_secret);
            if let Some((next_cipher, next_iv)) = tls13_keys(&params, &next) {
                *cipher = next_cipher;
                *iv = next_iv;
                *traffic_secret = next;
                self.sequence = 0;
            }
        }
    }

    /// The sequence number the next record will be opened with.
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// The suite this state opens.
    pub fn params(&self) -> &SuiteParams {
        &self.params
    }

    /// The protocol version given when the state was made (TLS 1.3 for
    /// [`RecordOpener::tls13`]).
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }
}

/// Key and IV of a TLS 1.3 traffic secret (RFC 8446 §7.3).
fn tls13_keys(params: &SuiteParams, secret: &[u8]) -> Option<(AeadCipher, [u8; 12])> {
    let key = hkdf_expand_label(params.prf_hash, secret, b"key", b"", params.key_len());
    let iv: [u8; 12] = hkdf_expand_label(params.prf_hash, secret, b"iv", b"", 12)
        .try_into()
        .ok()?;
    Some((AeadCipher::new(params.cipher, &key)?, iv))
}

#[cfg(test)]
mod tests {
    use crate::tls::kdf::tests::{
        RFC8448_CLIENT_APP_SECRET, RFC8448_SERVER_APP_SECRET, RFC8448_SERVER_HS_SECRET, SSL3_KEY_BLOCK,
        TLS10_KEY_BLOCK,
    };
    use aes::cipher::BlockEncrypt;
    use hmac::{Hmac, Mac};
    use sha2::{Sha256, Sha384};

    use super::*;
    use crate::tls::codes::CipherSuite;
    use crate::tls::kdf::unhex;
    use crate::tls::suites::suite_params;

    const HANDSHAKE: ContentType = ContentType::HANDSHAKE;
    const APPLICATION_DATA: ContentType = ContentType::APPLICATION_DATA;

    fn params(suite: u16) -> SuiteParams {
        suite_params(CipherSuite(suite)).unwrap()
    }

    /// Header fields and fragment of a whole record given in hex.
    fn record(hex: &str) -> (ContentType, ProtocolVersion, Vec<u8>) {
        let bytes = unhex(hex);
        let length = usize::from(u16::from_be_bytes([bytes[3], bytes[4]]));
        assert_eq!(bytes.len(), 5 + length, "record length field");
        (
            ContentType(bytes[0]),
            ProtocolVersion(u16::from_be_bytes([bytes[1], bytes[2]])),
            bytes[5..].to_vec(),
        )
    }

    fn flip(bytes: &[u8], at: usize) -> Vec<u8> {
        let mut out = bytes.to_vec();
        out[at] ^= 0x01;
        out
    }

    // ---- Independent sealing helpers: the RustCrypto primitives used
    // directly, with the record layouts written out as the RFCs give them.

    /// RFC 5246 §6.2.3.1 HMAC input: seq ‖ type ‖ version ‖ length ‖ data.
    fn tls_hmac(
        mac: MacAlgorithm,
        key: &[u8],
        seq: u64,
        ty: ContentType,
        version: ProtocolVersion,
        data: &[u8],
    ) -> Vec<u8> {
        let mut input = seq.to_be_bytes().to_vec();
        input.push(ty.0);
        input.extend_from_slice(&version.0.to_be_bytes());
        input.extend_from_slice(&(data.len() as u16).to_be_bytes());
        input.extend_from_slice(data);
        fn run<M: Mac + KeyInit>(key: &[u8], input: &[u8]) -> Vec<u8> {
            <M as Mac>::new_from_slice(key)
                .unwrap()
                .chain_update(input)
                .finalize()
                .into_bytes()
                .to_vec()
        }
        match mac {
            MacAlgorithm::Sha1 => run::<Hmac<Sha1>>(key, &input),
            MacAlgorithm::Sha256 => run::<Hmac<Sha256>>(key, &input),
            MacAlgorithm::Sha384 => run::<Hmac<Sha384>>(key, &input),
            MacAlgorithm::Md5 => run::<Hmac<Md5>>(key, &input),
            _ => unreachable!(),
        }
    }

    /// RFC 6101 §5.2.3.1 with MD5 (pad of 48 bytes), written out.
    fn ssl3_md5_mac(key: &[u8], seq: u64, ty: ContentType, data: &[u8]) -> Vec<u8> {
        let mut inner = Md5::new();
        inner.update(key);
        inner.update([0x36u8; 48]);
        inner.update(seq.to_be_bytes());
        inner.update([ty.0]);
        inner.update((data.len() as u16).to_be_bytes());
        inner.update(data);
        let inner = inner.finalize();
        let mut outer = Md5::new();
        outer.update(key);
        outer.update([0x5cu8; 48]);
        outer.update(inner);
        outer.finalize().to_vec()
    }

    fn cbc_encrypt(cipher: BulkCipher, key: &[u8], iv: &[u8], data: &[u8]) -> Vec<u8> {
        fn run<C: BlockEncrypt + BlockSizeUser>(c: &C, iv: &[u8], data: &[u8]) -> Vec<u8> {
            let mut previous = iv.to_vec();
            let mut out = Vec::new();
            for chunk in data.chunks(C::block_size()) {
                let mut block: Vec<u8> = chunk.iter().zip(previous.iter()).map(|(a, b)| a ^ b).collect();
                c.encrypt_block(GenericArray::from_mut_slice(&mut block));
                out.extend_from_slice(&block);
                previous = block;
            }
            out
        }
        assert_eq!(data.len() % iv.len(), 0);
        match cipher {
            BulkCipher::Aes128Cbc => run(&Aes128::new_from_slice(key).unwrap(), iv, data),
            BulkCipher::Aes256Cbc => run(&Aes256::new_from_slice(key).unwrap(), iv, data),
            BulkCipher::TripleDesEdeCbc => run(&TdesEde3::new_from_slice(key).unwrap(), iv, data),
            _ => unreachable!(),
        }
    }

    /// Keys of one CBC direction and how its records are built.
    struct CbcSealer {
        params: SuiteParams,
        version: ProtocolVersion,
        mac_key: Vec<u8>,
        key: Vec<u8>,
        /// The IV chain for TLS 1.0 (implicit IV).
        chain: Vec<u8>,
        encrypt_then_mac: bool,
    }

    impl CbcSealer {
        fn new(suite: u16, version: ProtocolVersion, encrypt_then_mac: bool) -> Self {
            let params = params(suite);
            CbcSealer {
                params,
                version,
                mac_key: (0..params.mac_key_len() as u8)
                    .map(|i| i.wrapping_mul(7).wrapping_add(1))
                    .collect(),
                key: (0..params.key_len() as u8)
                    .map(|i| i.wrapping_mul(13).wrapping_add(5))
                    .collect(),
                chain: vec![0xa5; params.key_block_iv_len(version)],
                encrypt_then_mac,
            }
        }

        fn opener(&self) -> RecordOpener {
            RecordOpener::tls12(
                self.version,
                &self.params,
                &self.mac_key,
                &self.key,
                &self.chain,
                self.encrypt_then_mac,
            )
            .unwrap()
        }

        /// One record with `extra_blocks` more padding than needed; the
        /// explicit IV (TLS 1.1+) is `explicit_iv_byte` repeated.
        fn seal(
            &mut self,
            seq: u64,
            ty: ContentType,
            content: &[u8],
            extra_blocks: usize,
            explicit_iv_byte: u8,
        ) -> Vec<u8> {
            let bs = self.params.block_len();
            let mac_len = if self.encrypt_then_mac {
                0
            } else {
                self.params.mac_key_len()
            };
            let unpadded = content.len() + mac_len + 1;
            let pad = (bs - unpadded % bs) % bs + extra_blocks * bs;
            let mut plain = content.to_vec();
            if !self.encrypt_then_mac {
                plain.extend(tls_hmac(
                    self.params.mac,
                    &self.mac_key,
                    seq,
                    ty,
                    self.version,
                    content,
                ));
            }
            plain.extend(std::iter::repeat_n(pad as u8, pad + 1));
            let implicit = self.version.0 <= ProtocolVersion::TLS_1_0.0;
            let iv = if implicit {
                self.chain.clone()
            } else {
                vec![explicit_iv_byte; bs]
            };
            let ciphertext = cbc_encrypt(self.params.cipher, &self.key, &iv, &plain);
            let mut fragment = if implicit { Vec::new() } else { iv };
            fragment.extend_from_slice(&ciphertext);
            if implicit {
                self.chain = ciphertext[ciphertext.len() - bs..].to_vec();
            }
            if self.encrypt_then_mac {
                let tag = tls_hmac(self.params.mac, &self.mac_key, seq, ty, self.version, &fragment);
                fragment.extend(tag);
            }
            fragment
        }
    }

    // ---- TLS 1.3

    /// RFC 8448 §3: the server's encrypted flight (EncryptedExtensions,
    /// Certificate, CertificateVerify, Finished in one record).
    const RFC8448_SERVER_HS_RECORD: &str = "
        17 03 03 02 a2 d1 ff 33 4a 56 f5 bf f6 59 4a 07 cc 87 b5 80 23 3f 50 0f 45 e4 89 e7 f3 3a f3 5e
        df 78 69 fc f4 0a a4 0a a2 b8 ea 73 f8 48 a7 ca 07 61 2e f9 f9 45 cb 96 0b 40 68 90 51 23 ea 78
        b1 11 b4 29 ba 91 91 cd 05 d2 a3 89 28 0f 52 61 34 aa dc 7f c7 8c 4b 72 9d f8 28 b5 ec f7 b1 3b
        d9 ae fb 0e 57 f2 71 58 5b 8e a9 bb 35 5c 7c 79 02 07 16 cf b9 b1 18 3e f3 ab 20 e3 7d 57 a6 b9
        d7 47 76 09 ae e6 e1 22 a4 cf 51 42 73 25 25 0c 7d 0e 50 92 89 44 4c 9b 3a 64 8f 1d 71 03 5d 2e
        d6 5b 0e 3c dd 0c ba e8 bf 2d 0b 22 78 12 cb b3 60 98 72 55 cc 74 41 10 c4 53 ba a4 fc d6 10 92
        8d 80 98 10 e4 b7 ed 1a 8f d9 91 f0 6a a6 24 82 04 79 7e 36 a6 a7 3b 70 a2 55 9c 09 ea d6 86 94
        5b a2 46 ab 66 e5 ed d8 04 4b 4c 6d e3 fc f2 a8 94 41 ac 66 27 2f d8 fb 33 0e f8 19 05 79 b3 68
        45 96 c9 60 bd 59 6e ea 52 0a 56 a8 d6 50 f5 63 aa d2 74 09 96 0d ca 63 d3 e6 88 61 1e a5 e2 2f
        44 15 cf 95 38 d5 1a 20 0c 27 03 42 72 96 8a 26 4e d6 54 0c 84 83 8d 89 f7 2c 24 46 1a ad 6d 26
        f5 9e ca ba 9a cb bb 31 7b 66 d9 02 f4 f2 92 a3 6a c1 b6 39 c6 37 ce 34 31 17 b6 59 62 22 45 31
        7b 49 ee da 0c 62 58 f1 00 d7 d9 61 ff b1 38 64 7e 92 ea 33 0f ae ea 6d fa 31 c7 a8 4d c3 bd 7e
        1b 7a 6c 71 78 af 36 87 90 18 e3 f2 52 10 7f 24 3d 24 3d c7 33 9d 56 84 c8 b0 37 8b f3 02 44 da
        8c 87 c8 43 f5 e5 6e b4 c5 e8 28 0a 2b 48 05 2c f9 3b 16 49 9a 66 db 7c ca 71 e4 59 94 26 f7 d4
        61 e6 6f 99 88 2b d8 9f c5 08 00 be cc a6 2d 6c 74 11 6d bd 29 72 fd a1 fa 80 f8 5d f8 81 ed be
        5a 37 66 89 36 b3 35 58 3b 59 91 86 dc 5c 69 18 a3 96 fa 48 a1 81 d6 b6 fa 4f 9d 62 d5 13 af bb
        99 2f 2b 99 2f 67 f8 af e6 7f 76 91 3f a3 88 cb 56 30 c8 ca 01 e0 c6 5d 11 c6 6a 1e 2a c4 c8 59
        77 b7 c7 a6 99 9b bf 10 dc 35 ae 69 f5 51 56 14 63 6c 0b 9b 68 c1 9e d2 e3 1c 0b 3b 66 76 30 38
        eb ba 42 f3 b3 8e dc 03 99 f3 a9 f2 3f aa 63 97 8c 31 7f c9 fa 66 a7 3f 60 f0 50 4d e9 3b 5b 84
        5e 27 55 92 c1 23 35 ee 34 0b bc 4f dd d5 02 78 40 16 e4 b3 be 7e f0 4d da 49 f4 b4 40 a3 0c b5
        d2 af 93 98 28 fd 4a e3 79 4e 44 f9 4d f5 a6 31 ed e4 2c 17 19 bf da bf 02 53 fe 51 75 be 89 8e
        75 0e dc 53 37 0d 2b";

    /// RFC 8448 §3: the plaintext of that flight, message by message.
    const RFC8448_ENCRYPTED_EXTENSIONS: &str = "
        08 00 00 24 00 22 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c
        00 02 40 01 00 00 00 00";
    const RFC8448_CERTIFICATE: &str = "
        0b 00 01 b9 00 00 01 b5 00 01 b0 30 82 01 ac 30 82 01 15 a0 03 02 01 02 02 01 02 30 0d 06 09 2a
        86 48 86 f7 0d 01 01 0b 05 00 30 0e 31 0c 30 0a 06 03 55 04 03 13 03 72 73 61 30 1e 17 0d 31 36
        30 37 33 30 30 31 32 33 35 39 5a 17 0d 32 36 30 37 33 30 30 31 32 33 35 39 5a 30 0e 31 0c 30 0a
        06 03 55 04 03 13 03 72 73 61 30 81 9f 30 0d 06 09 2a 86 48 86 f7 0d 01 01 01 05 00 03 81 8d 00
        30 81 89 02 81 81 00 b4 bb 49 8f 82 79 30 3d 98 08 36 39 9b 36 c6 98 8c 0c 68 de 55 e1 bd b8 26
        d3 90 1a 24 61 ea fd 2d e4 9a 91 d0 15 ab bc 9a 95 13 7a ce 6c 1a f1 9e aa 6a f9 8c 7c ed 43 12
        09 98 e1 87 a8 0e e0 cc b0 52 4b 1b 01 8c 3e 0b 63 26 4d 44 9a 6d 38 e2 2a 5f da 43 08 46 74 80
        30 53 0e f0 46 1c 8c a9 d9 ef bf ae 8e a6 d1 d0 3e 2b d1 93 ef f0 ab 9a 80 02 c4 74 28 a6 d3 5a
        8d 88 d7 9f 7f 1e 3f 02 03 01 00 01 a3 1a 30 18 30 09 06 03 55 1d 13 04 02 30 00 30 0b 06 03 55
        1d 0f 04 04 03 02 05 a0 30 0d 06 09 2a 86 48 86 f7 0d 01 01 0b 05 00 03 81 81 00 85 aa d2 a0 e5
        b9 27 6b 90 8c 65 f7 3a 72 67 17 06 18 a5 4c 5f 8a 7b 33 7d 2d f7 a5 94 36 54 17 f2 ea e8 f8 a5
        8c 8f 81 72 f9 31 9c f3 6b 7f d6 c5 5b 80 f2 1a 03 01 51 56 72 60 96 fd 33 5e 5e 67 f2 db f1 02
        70 2e 60 8c ca e6 be c1 fc 63 a4 2a 99 be 5c 3e b7 10 7c 3c 54 e9 b9 eb 2b d5 20 3b 1c 3b 84 e0
        a8 b2 f7 59 40 9b a3 ea c9 d9 1d 40 2d cc 0c c8 f8 96 12 29 ac 91 87 b4 2b 4d e1 00 00";
    const RFC8448_CERTIFICATE_VERIFY: &str = "
        0f 00 00 84 08 04 00 80 5a 74 7c 5d 88 fa 9b d2 e5 5a b0 85 a6 10 15 b7 21 1f 82 4c d4 84 14 5a
        b3 ff 52 f1 fd a8 47 7b 0b 7a bc 90 db 78 e2 d3 3a 5c 14 1a 07 86 53 fa 6b ef 78 0c 5e a2 48 ee
        aa a7 85 c4 f3 94 ca b6 d3 0b be 8d 48 59 ee 51 1f 60 29 57 b1 54 11 ac 02 76 71 45 9e 46 44 5c
        9e a5 8c 18 1e 81 8e 95 b8 c3 fb 0b f3 27 84 09 d3 be 15 2a 3d a5 04 3e 06 3d da 65 cd f5 ae a2
        0d 53 df ac d4 2f 74 f3";
    const RFC8448_SERVER_FINISHED: &str = "
        14 00 00 20 9b 9b 14 1d 90 63 37 fb d2 cb dc e7 1d f4 de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54
        b7 8f 07 18";

    /// RFC 8448 §3 application data records: the client's first (sequence
    /// 0) and the server's, which follows its NewSessionTicket (sequence 1).
    const RFC8448_CLIENT_APP_RECORD: &str = "
        17 03 03 00 43 a2 3f 70 54 b6 2c 94 d0 af fa fe 82 28 ba 55 cb ef ac ea 42 f9 14 aa 66 bc ab 3f
        2b 98 19 a8 a5 b4 6b 39 5b d5 4a 9a 20 44 1e 2b 62 97 4e 1f 5a 62 92 a2 97 70 14 bd 1e 3d ea e6
        3a ee bb 21 69 49 15 e4";
    const RFC8448_SERVER_APP_RECORD: &str = "
        17 03 03 00 43 2e 93 7e 11 ef 4a c7 40 e5 38 ad 36 00 5f c4 a4 69 32 fc 32 25 d0 5f 82 aa 1b 36
        e3 0e fa f9 7d 90 e6 df fc 60 2d cb 50 1a 59 a8 fc c4 9c 4b f2 e5 f0 a2 1c 00 47 c2 ab f3 32 54
        0d d0 32 e1 67 c2 95 5d";

    #[test]
    fn rfc8448_server_flight_opens_with_the_handshake_secret() {
        let mut opener = RecordOpener::tls13(&params(0x1301), &unhex(RFC8448_SERVER_HS_SECRET)).unwrap();
        let (ty, version, fragment) = record(RFC8448_SERVER_HS_RECORD);
        assert_eq!(
            (ty, version, fragment.len()),
            (APPLICATION_DATA, ProtocolVersion::TLS_1_2, 674)
        );
        let expected: Vec<u8> = [
            RFC8448_ENCRYPTED_EXTENSIONS,
            RFC8448_CERTIFICATE,
            RFC8448_CERTIFICATE_VERIFY,
            RFC8448_SERVER_FINISHED,
        ]
        .iter()
        .flat_map(|hex| unhex(hex))
        .collect();
        assert_eq!(expected.len(), 40 + 445 + 136 + 36);
        assert_eq!(opener.open(ty, version, &fragment), Ok((HANDSHAKE, expected)));
        assert_eq!(opener.sequence(), 1);
        // The same bytes at sequence 1 do not authenticate.
        assert_eq!(opener.open(ty, version, &fragment), Err(OpenError::BadTag));
        assert_eq!(opener.sequence(), 2);
    }

    #[test]
    fn rfc8448_application_data_opens_in_both_directions() {
        let payload: Vec<u8> = (0u8..=0x31).collect();

        let mut client = RecordOpener::tls13(&params(0x1301), &unhex(RFC8448_CLIENT_APP_SECRET)).unwrap();
        let (ty, version, fragment) = record(RFC8448_CLIENT_APP_RECORD);
        assert_eq!(
            client.open(ty, version, &fragment),
            Ok((APPLICATION_DATA, payload.clone()))
        );

        // The server's first record under this key, the NewSessionTicket,
        // is not given; a record that does not open stands in for it and
        // still takes sequence number 0.
        let mut server = RecordOpener::tls13(&params(0x1301), &unhex(RFC8448_SERVER_APP_SECRET)).unwrap();
        let (ty, version, fragment) = record(RFC8448_SERVER_APP_RECORD);
        assert_eq!(server.open(ty, version, &fragment[1..]), Err(OpenError::BadTag));
        assert_eq!(server.sequence(), 1);
        assert_eq!(
            server.open(ty, version, &fragment),
            Ok((APPLICATION_DATA, payload))
        );
        assert_eq!(server.sequence(), 2);
        // The header is authenticated: another length or type fails.
        let mut server = RecordOpener::tls13(&params(0x1301), &unhex(RFC8448_SERVER_APP_SECRET)).unwrap();
        server.open(ty, version, &[]).unwrap_err();
        assert_eq!(server.open(HANDSHAKE, version, &fragment), Err(OpenError::BadTag));
    }

    /// TLS 1.3 record sealed by hand (RFC 8446 §5.2–5.4): inner plaintext
    /// content ‖ type ‖ zeros, nonce = iv xor seq, AAD = record header.
    fn seal_tls13(
        cipher: &AeadCipherForTest,
        iv: &[u8],
        seq: u64,
        content: &[u8],
        inner_type: u8,
        zeros: usize,
    ) -> Vec<u8> {
        let mut inner = content.to_vec();
        inner.push(inner_type);
        inner.extend(std::iter::repeat_n(0u8, zeros));
        let mut nonce = iv.to_vec();
        for (n, s) in nonce[4..].iter_mut().zip(seq.to_be_bytes()) {
            *n ^= s;
        }
        let length = (inner.len() + 16) as u16;
        let aad = [0x17, 0x03, 0x03, (length >> 8) as u8, length as u8];
        cipher.seal(&nonce, &aad, &inner)
    }

    enum AeadCipherForTest {
        Gcm128(Box<Aes128Gcm>),
        Gcm256(Box<Aes256Gcm>),
        ChaCha(Box<ChaCha20Poly1305>),
    }

    impl AeadCipherForTest {
        fn new(cipher: BulkCipher, key: &[u8]) -> Self {
            match cipher {
                BulkCipher::Aes128Gcm => Self::Gcm128(Box::new(Aes128Gcm::new_from_slice(key).unwrap())),
                BulkCipher::Aes256Gcm => Self::Gcm256(Box::new(Aes256Gcm::new_from_slice(key).unwrap())),
                BulkCipher::ChaCha20Poly1305 => {
                    Self::ChaCha(Box::new(ChaCha20Poly1305::new_from_slice(key).unwrap()))
                }
                _ => unreachable!(),
            }
        }

        fn seal(&self, nonce: &[u8], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
            let payload = Payload { msg: plaintext, aad };
            match self {
                Self::Gcm128(c) => c.encrypt(GenericArray::from_slice(nonce), payload),
                Self::Gcm256(c) => c.encrypt(GenericArray::from_slice(nonce), payload),
                Self::ChaCha(c) => c.encrypt(GenericArray::from_slice(nonce), payload),
            }
            .unwrap()
        }
    }

    // Wireshark's view (tshark with `-o tls.debug_file`) of two real captures
    // decrypted with the server's RSA key: key blocks and record ciphertext.
    const SSL3_CLIENT_FINISHED: &str = "
    a9 d8 d7 35 bc 39 56 98 ad 87 61 2a c4 8f cc 03
    cb 93 80 81 b0 4a c4 d2 09 71 3e 90 3c 8d e0 95
    44 fe 56 d1 7e 88 e2 48 fd 76 70 76 e2 cd 06 d0
    f3 9d 13 79 67 1e 37 f6 98 be 59 18 4c fc 75 56";
    const SSL3_CLIENT_GET: &str = "
    4a c3 3e 9d 77 78 01 2c b4 bc 4c 9a 84 d7 b9 90
    0c 21 10 f0 fa 00 7c 16 bb 77 fb 72 42 4f ad 50
    4a d0 aa 6f aa 44 6c 62 94 1b c5 fe e9 1c 5e de
    85 0b 0e 05 e4 18 6e d2 d3 b5 20 ab 81 fd 18 9a
    73 b8 d7 ef c3 dd 74 d7 9c 1e 6f 21 6d f8 24 ca
    3c 70 78 36 12 7a 8a 9c ac 4e 1c a8 fb 27 30 ba
    9a f4 2f 0a ab 80 6a a1 60 74 f0 e3 91 84 e7 90
    88 cc f0 95 7b 0a 22 f2 f9 27 e0 dd 38 0c fd e9
    03 71 dc 70 a4 6e df e3 72 9e a1 f0 c9 00 d6 03
    55 6a 67 5d 9c b8 75 01 b0 01 9f e6 d2 44 18 bc
    ca 7a 10 39 a6 cf 15 c7 f5 35 d4 b3 6d 91 23 84
    99 ba b0 7e d0 c9 4c bf 3f 33 68 37 b7 7d 44 b0
    0b 2c 0f d0 75 a2 6b 5b e1 9f d4 69 9a 14 c8 29
    b7 d9 10 bb 99 30 9a fb cc 13 1f 76 4e e6 df 14
    aa d5 60 bf 91 49 0d 64 42 29 a8 64 27 d4 5e 1b
    18 03 a8 73 d6 05 6e f7 50 b0 09 6b 69 7a 12 28
    58 ef 5a 86 11 de 71 71 9f ca bd 79 2a c2 e5 9b
    5e 32 e7 cb 97 6e a0 ea a4 a4 6a 32 f9 37 39 d8
    37 6d 63 f3 08 1c dd 06 dd 2c 2b 9f 04 88 5f 36
    42 c1 b1 c7 e8 2d 5d a4 6c e5 60 94 ae d0 90 1e
    88 a0 87 52 fb ed 97 a5 25 5a b7 55 c5 13 07 85
    27 40 ed b8 a0 26 13 44 0c fc cc 5a 09 e5 44 b5
    63 a1 43 51 23 4f 17 21 89 2e 58 fd f9 63 74 04
    70 1e 7d d0 66 ba 40 5e 45 dc 39 7c 53 0f a8 38
    b2 13 99 27 d9 4a 51 e9 9f 2a 92 bb 9c 90 ab fd
    f1 b7 40 05 a9 7a 20 63 36 c1 ef b9 ad a2 e0 1d
    20 4f b2 34 bd ea 07 ac 21 ce f6 8a a2 9e cd fa";
    const SSL3_SERVER_FINISHED: &str = "
    ce 7c 92 43 59 cc 3d 90 91 9c 58 f0 7a ce ae 0d
    08 e0 76 b4 86 b1 15 5b 32 b8 77 53 e7 a6 f9 d0
    95 5f aa 07 c3 96 7c c9 88 c2 7a 20 89 4f eb eb
    b6 19 ef aa 27 73 9d a6 b4 9f eb 34 e2 4d 9f 6b";
    const SSL3_SERVER_HELLO_REQUEST: &str = "
    97 bf 26 c7 53 58 9c 85 33 d1 67 93 e2 39 87 78
    29 6a 84 dc d7 26 11 7d 83 66 04 74 8b fa 66 26";
    const TLS10_CLIENT_FINISHED: &str = "
    e0 55 63 0c de fb e2 48 0d 0e 9a fd c4 03 61 fe
    73 22 90 14 d7 d3 0b b6 48 04 1f fc 8e b5 af d5
    d9 57 2e 9f 7e 91 f1 13 77 b1 7e f5 70 4d 56 5c";
    const TLS10_CLIENT_S: &str = "
    22 9f c9 7c db 2a 7a ef a1 42 9a 1a 92 38 eb be
    0e 96 07 0a cf e2 57 58 88 5d e2 02 3c 38 e2 d4";
    const TLS10_CLIENT_POST: &str = "
    94 72 75 76 d3 51 2d f4 ca c1 fa 7a 68 53 6b 68
    30 69 aa 71 38 c8 ca 45 bb d4 fa 08 1f 84 89 a6
    70 f1 dd 78 6a dc 76 0e 72 a5 e2 7e 11 ea 91 9f
    88 f0 34 c2 c1 49 ca 7b 5d 0a f2 7d 6a 9d 40 4f
    76 c7 d8 61 a9 8b a3 cd c4 68 22 11 df 2e 46 75
    48 65 ce 33 02 89 a9 73 8c c8 9c 12 cb 79 14 89
    17 ba 52 c6 77 3d 24 39 11 eb d1 02 05 d9 cf 58
    30 14 4c e8 30 00 fd b8 1f fe f3 2a 99 e3 55 6a
    a0 36 db 79 e3 a4 41 f1 17 55 fc 79 6a 2c 9b 44
    86 89 ba b9 5d 2f 09 f3 db 91 26 d3 5d 53 3c 04
    b9 59 e1 5a 89 83 df 0b f5 4d 82 50 7a 70 95 50
    7f 86 b7 55 74 f0 48 35 57 6b b8 58 ad f0 1a 56
    86 3d 76 32 6b 13 ac f8 3d 7d 01 7c 5d 92 0e f7
    22 fe e5 f8 47 19 b5 0c bc 20 e3 1a 39 63 d4 d6";
    const TLS10_CLIENT_POST_PLAIN: &str = "
    53 54 50 5f 44 55 50 4c 45 58 5f 50 4f 53 54 20
    2f 73 72 61 5f 7b 42 41 31 39 35 39 38 30 2d 43
    44 34 39 2d 34 35 38 62 2d 39 45 32 33 2d 43 38
    34 45 45 30 41 44 43 44 37 35 7d 2f 20 48 54 54
    50 2f 31 2e 31 0d 0a 53 53 54 50 43 4f 52 52 45
    4c 41 54 49 4f 4e 49 44 3a 20 7b 31 39 37 33 30
    44 36 30 2d 39 30 41 30 2d 34 36 32 33 2d 38 43
    34 34 2d 36 38 38 44 37 36 32 41 41 41 31 36 7d
    0d 0a 43 6f 6e 74 65 6e 74 2d 4c 65 6e 67 74 68
    3a 20 31 38 34 34 36 37 34 34 30 37 33 37 30 39
    35 35 31 36 31 35 0d 0a 48 6f 73 74 3a 20 76 70
    6e 2d 73 65 72 76 65 72 2e 70 72 6f 33 2e 6c 6f
    63 61 6c 0d 0a 0d 0a e5 26 80 49 42 b7 c5 88 b9
    ee e9 28 5c fe 5b d3 bd f1 55 a4 04 04 04 04 04";

    #[test]
    fn tls13_chacha20_poly1305_records_and_key_update() {
        let p = params(0x1303);
        let secret = [0x42u8; 32];
        let key = hkdf_expand_label(p.prf_hash, &secret, b"key", b"", 32);
        let iv = hkdf_expand_label(p.prf_hash, &secret, b"iv", b"", 12);
        let sealer = AeadCipherForTest::new(BulkCipher::ChaCha20Poly1305, &key);
        let mut opener = RecordOpener::tls13(&p, &secret).unwrap();
        let v = ProtocolVersion::TLS_1_2;

        let r0 = seal_tls13(&sealer, &iv, 0, b"ping", 0x17, 0);
        let r1 = seal_tls13(&sealer, &iv, 1, b"\x14\x00\x00\x00", 0x16, 7);
        let r2 = seal_tls13(&sealer, &iv, 2, b"lost", 0x17, 0);
        let r3 = seal_tls13(&sealer, &iv, 3, b"", 0x15, 3);
        let zeros = seal_tls13(&sealer, &iv, 4, b"", 0x00, 5);
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &r0),
            Ok((APPLICATION_DATA, b"ping".to_vec()))
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &r1),
            Ok((HANDSHAKE, vec![0x14, 0, 0, 0]))
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &flip(&r2, 0)),
            Err(OpenError::BadTag)
        );
        assert_eq!(opener.sequence(), 3);
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &r3),
            Ok((ContentType::ALERT, Vec::new()))
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &zeros),
            Err(OpenError::NoInnerType)
        );
        assert_eq!(opener.sequence(), 5);

        // KeyUpdate: the next secret's keys, numbering from 0 again.
        opener.key_update();
        assert_eq!(opener.sequence(), 0);
        let next = crate::tls::kdf::next_traffic_secret(p.prf_hash, &secret);
        let key = hkdf_expand_label(p.prf_hash, &next, b"key", b"", 32);
        let next_iv = hkdf_expand_label(p.prf_hash, &next, b"iv", b"", 12);
        let next_sealer = AeadCipherForTest::new(BulkCipher::ChaCha20Poly1305, &key);
        let old_key = seal_tls13(&sealer, &iv, 0, b"old", 0x17, 0);
        let new_key = seal_tls13(&next_sealer, &next_iv, 1, b"new", 0x17, 0);
        assert_eq!(opener.open(APPLICATION_DATA, v, &old_key), Err(OpenError::BadTag));
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &new_key),
            Ok((APPLICATION_DATA, b"new".to_vec()))
        );
    }

    #[test]
    fn tls13_aes_256_gcm_sha384() {
        let p = params(0x1302);
        let secret = [0x17u8; 48];
        let key = hkdf_expand_label(p.prf_hash, &secret, b"key", b"", 32);
        let iv = hkdf_expand_label(p.prf_hash, &secret, b"iv", b"", 12);
        let sealer = AeadCipherForTest::new(BulkCipher::Aes256Gcm, &key);
        let mut opener = RecordOpener::tls13(&p, &secret).unwrap();
        let r0 = seal_tls13(&sealer, &iv, 0, b"abc", 0x17, 1);
        assert_eq!(
            opener.open(APPLICATION_DATA, ProtocolVersion::TLS_1_2, &r0),
            Ok((APPLICATION_DATA, b"abc".to_vec()))
        );
        // A SHA-256-length secret does not fit a SHA-384 suite.
        assert!(RecordOpener::tls13(&p, &[0x17; 32]).is_none());
        assert!(RecordOpener::tls13(&params(0xc02f), &[0x17; 32]).is_none());
    }

    // ---- TLS 1.2 AEAD

    /// RFC 5288 §3 / RFC 5246 §6.2.3.3: explicit nonce ‖ ciphertext ‖ tag,
    /// nonce = salt ‖ explicit, AAD = seq ‖ type ‖ version ‖ length.
    fn seal_gcm(
        cipher: &AeadCipherForTest,
        salt: &[u8],
        explicit: u64,
        seq: u64,
        ty: ContentType,
        content: &[u8],
    ) -> Vec<u8> {
        let mut nonce = salt.to_vec();
        nonce.extend_from_slice(&explicit.to_be_bytes());
        let mut aad = seq.to_be_bytes().to_vec();
        aad.extend_from_slice(&[ty.0, 3, 3]);
        aad.extend_from_slice(&(content.len() as u16).to_be_bytes());
        let mut fragment = explicit.to_be_bytes().to_vec();
        fragment.extend(cipher.seal(&nonce, &aad, content));
        fragment
    }

    #[test]
    fn tls12_aes_gcm_records() {
        for (suite, cipher, key_len) in [
            (0xc02f, BulkCipher::Aes128Gcm, 16),
            (0x009d, BulkCipher::Aes256Gcm, 32),
        ] {
            let p = params(suite);
            let key: Vec<u8> = (0..key_len as u8).collect();
            let salt = [0xde, 0xad, 0xbe, 0xef];
            let sealer = AeadCipherForTest::new(cipher, &key);
            let mut opener =
                RecordOpener::tls12(ProtocolVersion::TLS_1_2, &p, &[], &key, &salt, false).unwrap();
            let v = ProtocolVersion::TLS_1_2;
            // The explicit nonce is the sender's choice; it need not be seq.
            let r0 = seal_gcm(
                &sealer,
                &salt,
                0x1122_3344_5566_7788,
                0,
                HANDSHAKE,
                b"\x14\x00\x00\x0cfinished....",
            );
            let r1 = seal_gcm(&sealer, &salt, 1, 1, APPLICATION_DATA, b"first");
            let r2 = seal_gcm(&sealer, &salt, 2, 2, APPLICATION_DATA, b"second");
            assert_eq!(
                opener.open(HANDSHAKE, v, &r0),
                Ok((HANDSHAKE, b"\x14\x00\x00\x0cfinished....".to_vec()))
            );
            assert_eq!(
                opener.open(APPLICATION_DATA, v, &flip(&r1, 12)),
                Err(OpenError::BadTag)
            );
            assert_eq!(opener.sequence(), 2);
            assert_eq!(
                opener.open(APPLICATION_DATA, v, &r2),
                Ok((APPLICATION_DATA, b"second".to_vec()))
            );
            assert_eq!(
                opener.open(APPLICATION_DATA, v, &r2[..23]),
                Err(OpenError::TooShort)
            );
            assert_eq!(opener.open(APPLICATION_DATA, v, &[]), Err(OpenError::TooShort));
            assert_eq!(opener.sequence(), 5);
        }
    }

    #[test]
    fn tls12_chacha20_poly1305_rfc7905() {
        let p = params(0xcca8);
        let key = [0x33u8; 32];
        let iv: Vec<u8> = (0x10u8..0x1c).collect();
        let sealer = AeadCipherForTest::new(BulkCipher::ChaCha20Poly1305, &key);
        let seal = |seq: u64, content: &[u8]| {
            // RFC 7905 §2: the 12-byte IV xor the left-padded sequence
            // number; no explicit nonce on the wire.
            let mut nonce = iv.clone();
            for (n, s) in nonce[4..].iter_mut().zip(seq.to_be_bytes()) {
                *n ^= s;
            }
            let mut aad = seq.to_be_bytes().to_vec();
            aad.extend_from_slice(&[23, 3, 3]);
            aad.extend_from_slice(&(content.len() as u16).to_be_bytes());
            sealer.seal(&nonce, &aad, content)
        };
        let mut opener = RecordOpener::tls12(ProtocolVersion::TLS_1_2, &p, &[], &key, &iv, false).unwrap();
        let v = ProtocolVersion::TLS_1_2;
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &seal(0, b"zero")),
            Ok((APPLICATION_DATA, b"zero".to_vec()))
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &flip(&seal(1, b"one"), 2)),
            Err(OpenError::BadTag)
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &seal(2, b"two")),
            Ok((APPLICATION_DATA, b"two".to_vec()))
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &seal(2, b"two")),
            Err(OpenError::BadTag)
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &[0; 15]),
            Err(OpenError::TooShort)
        );
        assert_eq!(opener.sequence(), 5);
        // AEAD suites need TLS 1.2.
        assert!(RecordOpener::tls12(ProtocolVersion::TLS_1_1, &p, &[], &key, &iv, false).is_none());
    }

    // ---- CBC

    #[test]
    fn tls12_aes128_cbc_sha1_mac_then_encrypt() {
        let v = ProtocolVersion::TLS_1_2;
        let mut s = CbcSealer::new(0x002f, v, false);
        let mut opener = s.opener();
        let r0 = s.seal(0, APPLICATION_DATA, b"GET / HTTP/1.1\r\n\r\n", 0, 0x01);
        let r1 = s.seal(1, APPLICATION_DATA, b"second record", 0, 0x02);
        let r2 = s.seal(2, APPLICATION_DATA, b"third record", 0, 0x03);
        let r3 = s.seal(3, APPLICATION_DATA, b"fourth", 2, 0x04);
        let r4 = s.seal(4, APPLICATION_DATA, b"", 0, 0x05);
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &r0),
            Ok((APPLICATION_DATA, b"GET / HTTP/1.1\r\n\r\n".to_vec()))
        );
        // A flipped IV bit flips the same content bit: the MAC fails.
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &flip(&r1, 0)),
            Err(OpenError::BadMac)
        );
        // 13 + 20 + 1 = 34 bytes take 14 padding bytes of value 14 (3
        // blocks). A flipped bit in the second ciphertext block flips the
        // padding length byte of the last block.
        let last_of_second = r2.len() - 16 - 1;
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &flip(&r2, last_of_second)),
            Err(OpenError::BadPadding)
        );
        assert_eq!(opener.sequence(), 3);
        // Padding longer than needed (two extra blocks) is allowed.
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &r3),
            Ok((APPLICATION_DATA, b"fourth".to_vec()))
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &r4),
            Ok((APPLICATION_DATA, Vec::new()))
        );
        // Lengths that cannot be CBC records.
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &r4[..16]),
            Err(OpenError::TooShort)
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &r4[..47]),
            Err(OpenError::BadLength)
        );
        assert_eq!(opener.open(APPLICATION_DATA, v, &[]), Err(OpenError::TooShort));
        assert_eq!(opener.sequence(), 8);
    }

    #[test]
    fn tls12_aes256_cbc_sha256_and_null_sha256() {
        let v = ProtocolVersion::TLS_1_2;
        let mut s = CbcSealer::new(0x003d, v, false);
        let mut opener = s.opener();
        let long = vec![0x61u8; 1000];
        let r0 = s.seal(0, APPLICATION_DATA, &long, 1, 0x11);
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &r0),
            Ok((APPLICATION_DATA, long))
        );
        // The MAC covers the header's version and type.
        let r1 = s.seal(1, APPLICATION_DATA, b"x", 0, 0x12);
        assert_eq!(
            opener.open(APPLICATION_DATA, ProtocolVersion::TLS_1_1, &r1),
            Err(OpenError::BadMac)
        );

        // TLS_RSA_WITH_NULL_SHA256: content ‖ HMAC in the clear.
        let p = params(0x003b);
        let mac_key = [9u8; 32];
        let mut opener = RecordOpener::tls12(v, &p, &mac_key, &[], &[], false).unwrap();
        let mut fragment = b"plain".to_vec();
        fragment.extend(tls_hmac(
            MacAlgorithm::Sha256,
            &mac_key,
            0,
            APPLICATION_DATA,
            v,
            b"plain",
        ));
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &fragment),
            Ok((APPLICATION_DATA, b"plain".to_vec()))
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &fragment),
            Err(OpenError::BadMac)
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &fragment[..31]),
            Err(OpenError::TooShort)
        );
    }

    #[test]
    fn tls12_aes256_cbc_sha384_encrypt_then_mac() {
        let v = ProtocolVersion::TLS_1_2;
        let mut s = CbcSealer::new(0xc028, v, true);
        let mut opener = s.opener();
        let r0 = s.seal(0, APPLICATION_DATA, b"encrypt then MAC", 0, 0x21);
        let r1 = s.seal(1, APPLICATION_DATA, b"tampered", 0, 0x22);
        let r2 = s.seal(2, APPLICATION_DATA, b"tampered MAC", 1, 0x23);
        let r3 = s.seal(3, APPLICATION_DATA, b"after", 0, 0x24);
        assert_eq!(r0.len(), 16 + 32 + 48);
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &r0),
            Ok((APPLICATION_DATA, b"encrypt then MAC".to_vec()))
        );
        // The MAC covers IV and ciphertext, so any change there is caught
        // before decryption, also one that would break the padding.
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &flip(&r1, 20)),
            Err(OpenError::BadMac)
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &flip(&r2, r2.len() - 1)),
            Err(OpenError::BadMac)
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &r3),
            Ok((APPLICATION_DATA, b"after".to_vec()))
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &r3[..47]),
            Err(OpenError::TooShort)
        );
        assert_eq!(opener.sequence(), 5);

        // A MAC-then-encrypt opener does not read these records.
        let mut mte = RecordOpener::tls12(v, &s.params, &s.mac_key, &s.key, &[], false).unwrap();
        assert!(mte.open(APPLICATION_DATA, v, &r0).is_err());
    }

    #[test]
    fn tls11_3des_ede_cbc_sha() {
        let v = ProtocolVersion::TLS_1_1;
        let mut s = CbcSealer::new(0x000a, v, false);
        let mut opener = s.opener();
        let r0 = s.seal(0, HANDSHAKE, b"\x14\x00\x00\x0c0123456789ab", 0, 0x31);
        let r1 = s.seal(1, APPLICATION_DATA, b"triple DES", 3, 0x32);
        let r2 = s.seal(2, APPLICATION_DATA, b"third", 0, 0x33);
        assert_eq!(r0.len() % 8, 0);
        assert_eq!(
            opener.open(HANDSHAKE, v, &r0),
            Ok((HANDSHAKE, b"\x14\x00\x00\x0c0123456789ab".to_vec()))
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &flip(&r1, 3)),
            Err(OpenError::BadMac)
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &r2),
            Ok((APPLICATION_DATA, b"third".to_vec()))
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &r2[..r2.len() - 4]),
            Err(OpenError::BadLength)
        );
    }

    #[test]
    fn tls10_implicit_iv_chains_across_records_even_after_a_failure() {
        for encrypt_then_mac in [false, true] {
            let v = ProtocolVersion::TLS_1_0;
            let mut s = CbcSealer::new(0x0035, v, encrypt_then_mac);
            let mut opener = s.opener();
            let r0 = s.seal(0, APPLICATION_DATA, b"first record, several blocks long", 0, 0);
            let r1 = s.seal(1, APPLICATION_DATA, b"second", 0, 0);
            let r2 = s.seal(2, APPLICATION_DATA, b"third", 1, 0);
            // No IV on the wire: 6 + 20 + 1 rounds up to 32 bytes.
            if !encrypt_then_mac {
                assert_eq!(r1.len(), 32);
            }
            assert_eq!(
                opener.open(APPLICATION_DATA, v, &r0),
                Ok((APPLICATION_DATA, b"first record, several blocks long".to_vec()))
            );
            // Damage outside the last ciphertext block: the first block
            // (MAC-then-encrypt) or the MAC (encrypt-then-MAC).
            let at = if encrypt_then_mac { r1.len() - 1 } else { 0 };
            assert_eq!(
                opener.open(APPLICATION_DATA, v, &flip(&r1, at)),
                Err(OpenError::BadMac)
            );
            // The sender chained from the ciphertext it sent; the damaged
            // record's last block is intact, so the third record opens.
            assert_eq!(
                opener.open(APPLICATION_DATA, v, &r2),
                Ok((APPLICATION_DATA, b"third".to_vec()))
            );
            assert_eq!(opener.sequence(), 3);
        }
    }

    /// MANIFEST S1 (sstp2.pcap, TLS 1.0, TLS_RSA_WITH_AES_128_CBC_SHA):
    /// the client's first three records after its ChangeCipherSpec, with
    /// the keys and the ciphertext Wireshark shows (`tls.debug_file`). The
    /// client splits its data 1/n−1 (the "S" record), so the IV chain runs
    /// over three records.
    #[test]
    fn sstp2_client_records_open_with_the_key_block() {
        let block = unhex(TLS10_KEY_BLOCK);
        let (mac_key, key, iv) = (&block[..20], &block[40..56], &block[72..88]);
        let mut opener =
            RecordOpener::tls12(ProtocolVersion::TLS_1_0, &params(0x002f), mac_key, key, iv, false).unwrap();
        let v = ProtocolVersion::TLS_1_0;
        assert_eq!(
            opener.open(HANDSHAKE, v, &unhex(TLS10_CLIENT_FINISHED)),
            Ok((
                HANDSHAKE,
                unhex("14 00 00 0c 55 3b cb 3d 51 58 17 97 64 60 6f 7f")
            ))
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &unhex(TLS10_CLIENT_S)),
            Ok((APPLICATION_DATA, b"S".to_vec()))
        );
        let (ty, post) = opener
            .open(APPLICATION_DATA, v, &unhex(TLS10_CLIENT_POST))
            .unwrap();
        assert_eq!(ty, APPLICATION_DATA);
        assert_eq!(
            post,
            b"STP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\n\
              SSTPCORRELATIONID: {19730D60-90A0-4623-8C44-688D762AAA16}\r\n\
              Content-Length: 18446744073709551615\r\n\
              Host: vpn-server.pro3.local\r\n\r\n"
                .to_vec()
        );
        assert_eq!(post, unhex(TLS10_CLIENT_POST_PLAIN)[..199].to_vec());
        assert_eq!(opener.sequence(), 3);

        // Without the Finished record the chain starts wrong: the "S"
        // record garbles (its MAC fails), and the chain then recovers.
        let mut late =
            RecordOpener::tls12(ProtocolVersion::TLS_1_0, &params(0x002f), mac_key, key, iv, false).unwrap();
        assert!(late.open(APPLICATION_DATA, v, &unhex(TLS10_CLIENT_S)).is_err());
    }

    /// MANIFEST N8 (rsasnakeoil2.cap, SSL 3.0, TLS_RSA_WITH_AES_256_CBC_SHA):
    /// records in both directions with the keys and ciphertext Wireshark
    /// shows. The server's padding bytes are not the padding length
    /// (allowed in SSL 3.0 only), and its MACs are SSL 3.0 MACs.
    #[test]
    fn rsasnakeoil2_ssl3_records_open_with_the_key_block() {
        let block = unhex(SSL3_KEY_BLOCK);
        let p = params(0x0035);
        let v = ProtocolVersion::SSL_3_0;
        let (client_mac, server_mac) = (&block[..20], &block[20..40]);
        let (client_key, server_key) = (&block[40..72], &block[72..104]);
        let (client_iv, server_iv) = (&block[104..120], &block[120..136]);

        let mut client = RecordOpener::tls12(v, &p, client_mac, client_key, client_iv, false).unwrap();
        let (ty, finished) = client.open(HANDSHAKE, v, &unhex(SSL3_CLIENT_FINISHED)).unwrap();
        assert_eq!((ty, finished.len()), (HANDSHAKE, 40));
        assert_eq!(finished[..8], [0x14, 0x00, 0x00, 0x24, 0x77, 0xab, 0xb7, 0x1b]);
        let (ty, get) = client.open(APPLICATION_DATA, v, &unhex(SSL3_CLIENT_GET)).unwrap();
        assert_eq!(ty, APPLICATION_DATA);
        assert_eq!(
            std::str::from_utf8(&get).unwrap(),
            "GET / HTTP/1.1\r\nHost: localhost\r\n\
             User-Agent: Mozilla/5.0 (X11; U; Linux i686; fr; rv:1.8.0.2) Gecko/20060308 Firefox/1.5.0.2\r\n\
             Accept: text/xml,application/xml,application/xhtml+xml,text/html;q=0.9,text/plain;q=0.8,image/png,*/*;q=0.5\r\n\
             Accept-Language: fr,fr-fr;q=0.8,en-us;q=0.5,en;q=0.3\r\n\
             Accept-Encoding: gzip,deflate\r\n\
             Accept-Charset: ISO-8859-1,utf-8;q=0.7,*;q=0.7\r\n\
             Keep-Alive: 300\r\nConnection: keep-alive\r\n\r\n"
        );
        assert_eq!(get.len(), 411);

        let mut server = RecordOpener::tls12(v, &p, server_mac, server_key, server_iv, false).unwrap();
        let (ty, finished) = server.open(HANDSHAKE, v, &unhex(SSL3_SERVER_FINISHED)).unwrap();
        assert_eq!((ty, finished.len()), (HANDSHAKE, 40));
        assert_eq!(finished[..4], [0x14, 0x00, 0x00, 0x24]);
        // HelloRequest (type 0, empty), 7 arbitrary padding bytes.
        assert_eq!(
            server.open(HANDSHAKE, v, &unhex(SSL3_SERVER_HELLO_REQUEST)),
            Ok((HANDSHAKE, vec![0, 0, 0, 0]))
        );

        // Read as TLS 1.0, the same record fails the TLS padding rule.
        let mut as_tls = RecordOpener::tls12(
            ProtocolVersion::TLS_1_0,
            &p,
            server_mac,
            server_key,
            server_iv,
            false,
        )
        .unwrap();
        assert_eq!(
            as_tls.open(HANDSHAKE, v, &unhex(SSL3_SERVER_FINISHED)),
            Err(OpenError::BadPadding)
        );
    }

    #[test]
    fn ssl3_null_md5_mac_has_no_version() {
        let p = params(0x0001);
        let mac_key = [0x44u8; 16];
        let v = ProtocolVersion::SSL_3_0;
        let mut opener = RecordOpener::tls12(v, &p, &mac_key, &[], &[], false).unwrap();
        let mut fragment = b"ssl3".to_vec();
        fragment.extend(ssl3_md5_mac(&mac_key, 0, APPLICATION_DATA, b"ssl3"));
        // The record version is not part of the SSL 3.0 MAC.
        assert_eq!(
            opener.open(APPLICATION_DATA, ProtocolVersion(0x0300), &fragment),
            Ok((APPLICATION_DATA, b"ssl3".to_vec()))
        );
        let mut fragment = b"next".to_vec();
        fragment.extend(ssl3_md5_mac(&mac_key, 1, APPLICATION_DATA, b"next"));
        assert_eq!(
            opener.open(APPLICATION_DATA, ProtocolVersion(0x0301), &fragment),
            Ok((APPLICATION_DATA, b"next".to_vec()))
        );
        // SSL 3.0 defines only MD5 and SHA-1 MACs.
        assert!(RecordOpener::tls12(v, &params(0x003b), &[0; 32], &[], &[], false).is_none());
    }

    /// TLS_RSA_WITH_RC4_128_SHA under TLS 1.0, two records. Expected bytes
    /// made with OpenSSL 3.0: `openssl dgst -sha1 -mac HMAC` for the MACs
    /// and one `openssl enc -rc4` run over both records' content ‖ MAC
    /// (key 00 01 … 0f, MAC key 20 × 0x55), so the second record continues
    /// the first's keystream.
    #[test]
    fn rc4_128_sha_keystream_runs_across_records() {
        let p = params(0x0005);
        let v = ProtocolVersion::TLS_1_0;
        let key: Vec<u8> = (0u8..16).collect();
        let mac_key = [0x55u8; 20];
        let stream = unhex(
            "81f92c95282251d1c7817540bc3643d1da50e14027bc46a8c2e9caab9553c21d557a934c01\
             8f56e016767ec13b63e8fec523ab",
        );
        let (r0, r1) = stream.split_at(5 + 20);
        let mut opener = RecordOpener::tls12(v, &p, &mac_key, &key, &[], false).unwrap();
        assert_eq!(
            opener.open(APPLICATION_DATA, v, r0),
            Ok((APPLICATION_DATA, b"hello".to_vec()))
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, r1),
            Ok((APPLICATION_DATA, b"world!".to_vec()))
        );

        // A damaged first record still consumes its keystream.
        let mut opener = RecordOpener::tls12(v, &p, &mac_key, &key, &[], false).unwrap();
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &flip(r0, 2)),
            Err(OpenError::BadMac)
        );
        assert_eq!(
            opener.open(APPLICATION_DATA, v, r1),
            Ok((APPLICATION_DATA, b"world!".to_vec()))
        );
        // A record shorter than the MAC.
        let mut opener = RecordOpener::tls12(v, &p, &mac_key, &key, &[], false).unwrap();
        assert_eq!(
            opener.open(APPLICATION_DATA, v, &r0[..19]),
            Err(OpenError::TooShort)
        );
        assert_eq!(opener.sequence(), 1);
    }

    // ---- Construction and robustness

    #[test]
    fn constructors_check_lengths() {
        let p = params(0x002f);
        let ok = |version, mac: usize, key: usize, iv: usize| {
            RecordOpener::tls12(version, &p, &vec![0; mac], &vec![0; key], &vec![0; iv], false).is_some()
        };
        assert!(ok(ProtocolVersion::TLS_1_0, 20, 16, 16));
        assert!(ok(ProtocolVersion::TLS_1_2, 20, 16, 0));
        assert!(!ok(ProtocolVersion::TLS_1_2, 20, 16, 16));
        assert!(!ok(ProtocolVersion::TLS_1_0, 20, 16, 0));
        assert!(!ok(ProtocolVersion::TLS_1_0, 19, 16, 16));
        assert!(!ok(ProtocolVersion::TLS_1_0, 20, 32, 16));
        assert!(RecordOpener::tls12(
            ProtocolVersion::TLS_1_2,
            &params(0x1301),
            &[],
            &[0; 16],
            &[],
            false
        )
        .is_none());
        assert!(RecordOpener::tls12(
            ProtocolVersion::TLS_1_2,
            &params(0xc02f),
            &[],
            &[0; 16],
            &[0; 12],
            false
        )
        .is_none());
        assert!(RecordOpener::tls12(
            ProtocolVersion::TLS_1_2,
            &params(0xcca8),
            &[],
            &[0; 32],
            &[0; 4],
            false
        )
        .is_none());
    }

    /// Every kind of opener, fresh.
    fn all_openers() -> Vec<RecordOpener> {
        let v12 = ProtocolVersion::TLS_1_2;
        let v10 = ProtocolVersion::TLS_1_0;
        let ssl3 = ProtocolVersion::SSL_3_0;
        vec![
            RecordOpener::tls12(v12, &params(0x0002), &[1; 20], &[], &[], false).unwrap(),
            RecordOpener::tls12(v10, &params(0x0004), &[1; 16], &[2; 16], &[], false).unwrap(),
            RecordOpener::tls12(ssl3, &params(0x000a), &[1; 20], &[2; 24], &[3; 8], false).unwrap(),
            RecordOpener::tls12(v10, &params(0x002f), &[1; 20], &[2; 16], &[3; 16], false).unwrap(),
            RecordOpener::tls12(v10, &params(0x002f), &[1; 20], &[2; 16], &[3; 16], true).unwrap(),
            RecordOpener::tls12(v12, &params(0xc028), &[1; 48], &[2; 32], &[], false).unwrap(),
            RecordOpener::tls12(v12, &params(0xc028), &[1; 48], &[2; 32], &[], true).unwrap(),
            RecordOpener::tls12(v12, &params(0xc030), &[], &[2; 32], &[3; 4], false).unwrap(),
            RecordOpener::tls12(v12, &params(0xcca9), &[], &[2; 32], &[3; 12], false).unwrap(),
            RecordOpener::tls13(&params(0x1301), &[4; 32]).unwrap(),
            RecordOpener::tls13(&params(0x1302), &[4; 48]).unwrap(),
            RecordOpener::tls13(&params(0x1303), &[4; 32]).unwrap(),
        ]
    }

    /// Fuzz-style: any bytes of any length give an error value (these
    /// keys authenticate nothing), never a panic, and every record counts.
    #[test]
    fn arbitrary_fragments_never_panic_and_always_count() {
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut next_byte = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 56) as u8
        };
        let lengths: Vec<usize> = (0..=130)
            .chain([255, 256, 1000, MAX_FRAGMENT_LEN - 1, MAX_FRAGMENT_LEN])
            .collect();
        for mut opener in all_openers() {
            for (n, &len) in lengths.iter().enumerate() {
                let fragment: Vec<u8> = (0..len).map(|_| next_byte()).collect();
                let result = opener.open(APPLICATION_DATA, ProtocolVersion::TLS_1_2, &fragment);
                assert!(result.is_err(), "{opener:?} opened {len} random bytes");
                assert_eq!(opener.sequence(), n as u64 + 1);
            }
            let too_long = vec![0u8; MAX_FRAGMENT_LEN + 1];
            assert_eq!(
                opener.open(APPLICATION_DATA, ProtocolVersion::TLS_1_2, &too_long),
                Err(OpenError::TooLong)
            );
            assert_eq!(opener.sequence(), lengths.len() as u64 + 1);
            let huge = vec![0u8; 70_000];
            assert_eq!(
                opener.open(APPLICATION_DATA, ProtocolVersion::TLS_1_2, &huge),
                Err(OpenError::TooLong)
            );
        }
    }

    #[test]
    fn key_update_is_a_no_op_before_tls13() {
        let mut opener = all_openers().remove(3);
        opener
            .open(APPLICATION_DATA, ProtocolVersion::TLS_1_0, &[0; 32])
            .unwrap_err();
        opener.key_update();
        assert_eq!(opener.sequence(), 1);
    }

    #[test]
    fn debug_shows_no_key_material_and_errors_read_plainly() {
        let opener = RecordOpener::tls12(
            ProtocolVersion::TLS_1_2,
            &params(0xc02f),
            &[],
            &[0xab; 16],
            &[0xcd; 4],
            false,
        )
        .unwrap();
        let text = format!("{opener:?}");
        assert_eq!(
            text,
            "RecordOpener { suite: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, version: TLS 1.2, sequence: 0, .. }"
        );
        assert_eq!(opener.params().suite, CipherSuite(0xc02f));
        assert_eq!(opener.version(), ProtocolVersion::TLS_1_2);
        let messages: Vec<String> = [
            OpenError::TooShort,
            OpenError::BadLength,
            OpenError::BadPadding,
            OpenError::BadMac,
            OpenError::BadTag,
            OpenError::NoInnerType,
            OpenError::TooLong,
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            messages,
            [
                "record too short for its protection",
                "record length is not a whole number of cipher blocks",
                "CBC padding check failed",
                "MAC check failed",
                "authentication tag check failed",
                "TLS 1.3 record has no inner content type",
                "record longer than 2^14 + 2048 bytes",
            ]
        );
    }
}
