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
            .field("suite", &self.params.suite)
            .field("version", &self.version)
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
