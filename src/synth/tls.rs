//! TLS records and handshake messages as they appear on the wire in front
//! of an SSTP server: the record layer (RFC 5246 §6.2.1, RFC 8446 §5.1),
//! ClientHello and ServerHello with their extensions (RFC 5246 §7.4.1,
//! RFC 6066 §3, RFC 8446 §4.1–§4.2), Certificate, ECDHE ServerKeyExchange,
//! ServerHelloDone and ClientKeyExchange (RFC 5246 §7.4, RFC 8422 §5.4,
//! §5.7), ChangeCipherSpec, alerts (RFC 5246 §7.2), and encrypted records
//! whose contents are pseudo-random bytes of the right length.
//!
//! Nothing is really encrypted: keys, signatures and ciphertexts come from
//! [`Noise`], so the records have the shapes and lengths of a real session
//! (AES-GCM: 8-byte explicit nonce and 16-byte tag in TLS 1.2; inner
//! content type and 16-byte tag in TLS 1.3) and nothing more.

use super::{Result, SynthError};

/// Record content types (RFC 5246 §6.2.1, RFC 8446 §5.1).
pub mod content_type {
    /// change_cipher_spec.
    pub const CHANGE_CIPHER_SPEC: u8 = 20;
    /// alert.
    pub const ALERT: u8 = 21;
    /// handshake.
    pub const HANDSHAKE: u8 = 22;
    /// application_data.
    pub const APPLICATION_DATA: u8 = 23;
}

/// Protocol versions (RFC 5246 Appendix A.1, RFC 8446 §4.2.1).
pub mod version {
    /// TLS 1.0, the record version of a first ClientHello.
    pub const TLS1_0: u16 = 0x0301;
    /// TLS 1.2.
    pub const TLS1_2: u16 = 0x0303;
    /// TLS 1.3 (only in supported_versions; records say 0x0303).
    pub const TLS1_3: u16 = 0x0304;
}

/// Handshake message types (RFC 5246 §7.4, RFC 8446 §4).
pub mod handshake_type {
    /// client_hello.
    pub const CLIENT_HELLO: u8 = 1;
    /// server_hello.
    pub const SERVER_HELLO: u8 = 2;
    /// new_session_ticket.
    pub const NEW_SESSION_TICKET: u8 = 4;
    /// encrypted_extensions (TLS 1.3).
    pub const ENCRYPTED_EXTENSIONS: u8 = 8;
    /// certificate.
    pub const CERTIFICATE: u8 = 11;
    /// server_key_exchange.
    pub const SERVER_KEY_EXCHANGE: u8 = 12;
    /// server_hello_done.
    pub const SERVER_HELLO_DONE: u8 = 14;
    /// certificate_verify.
    pub const CERTIFICATE_VERIFY: u8 = 15;
    /// client_key_exchange.
    pub const CLIENT_KEY_EXCHANGE: u8 = 16;
    /// finished.
    pub const FINISHED: u8 = 20;
}

/// The RFC name of a handshake type.
pub fn handshake_name(handshake_type: u8) -> String {
    let name = match handshake_type {
        handshake_type::CLIENT_HELLO => "ClientHello",
        handshake_type::SERVER_HELLO => "ServerHello",
        handshake_type::NEW_SESSION_TICKET => "NewSessionTicket",
        handshake_type::ENCRYPTED_EXTENSIONS => "EncryptedExtensions",
        handshake_type::CERTIFICATE => "Certificate",
        handshake_type::SERVER_KEY_EXCHANGE => "ServerKeyExchange",
        handshake_type::SERVER_HELLO_DONE => "ServerHelloDone",
        handshake_type::CERTIFICATE_VERIFY => "CertificateVerify",
        handshake_type::CLIENT_KEY_EXCHANGE => "ClientKeyExchange",
        handshake_type::FINISHED => "Finished",
        other => return format!("handshake type {other}"),
    };
    name.to_string()
}

/// Cipher suites (IANA TLS Cipher Suites registry; RFC 5289, RFC 5288,
/// RFC 8446 §B.4).
pub mod cipher_suite {
    /// TLS_AES_128_GCM_SHA256 (TLS 1.3).
    pub const TLS_AES_128_GCM_SHA256: u16 = 0x1301;
    /// TLS_AES_256_GCM_SHA384 (TLS 1.3).
    pub const TLS_AES_256_GCM_SHA384: u16 = 0x1302;
    /// TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384.
    pub const TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: u16 = 0xC02C;
    /// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256.
    pub const TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: u16 = 0xC02B;
    /// TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384.
    pub const TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: u16 = 0xC030;
    /// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256.
    pub const TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: u16 = 0xC02F;
    /// TLS_RSA_WITH_AES_256_GCM_SHA384.
    pub const TLS_RSA_WITH_AES_256_GCM_SHA384: u16 = 0x009D;
    /// TLS_RSA_WITH_AES_128_GCM_SHA256.
    pub const TLS_RSA_WITH_AES_128_GCM_SHA256: u16 = 0x009C;
}

/// The registry name of a cipher suite used here.
pub fn cipher_suite_name(suite: u16) -> String {
    let name = match suite {
        cipher_suite::TLS_AES_128_GCM_SHA256 => "TLS_AES_128_GCM_SHA256",
        cipher_suite::TLS_AES_256_GCM_SHA384 => "TLS_AES_256_GCM_SHA384",
        cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        cipher_suite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        cipher_suite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        cipher_suite::TLS_RSA_WITH_AES_256_GCM_SHA384 => "TLS_RSA_WITH_AES_256_GCM_SHA384",
        cipher_suite::TLS_RSA_WITH_AES_128_GCM_SHA256 => "TLS_RSA_WITH_AES_128_GCM_SHA256",
        other => return format!("0x{other:04X}"),
    };
    name.to_string()
}

/// Extension types (IANA TLS ExtensionType registry).
pub mod extension_type {
    /// server_name (RFC 6066 §3).
    pub const SERVER_NAME: u16 = 0;
    /// supported_groups (RFC 8422 §5.1.1).
    pub const SUPPORTED_GROUPS: u16 = 10;
    /// ec_point_formats (RFC 8422 §5.1.2).
    pub const EC_POINT_FORMATS: u16 = 11;
    /// signature_algorithms (RFC 5246 §7.4.1.4.1, RFC 8446 §4.2.3).
    pub const SIGNATURE_ALGORITHMS: u16 = 13;
    /// extended_master_secret (RFC 7627 §5.1).
    pub const EXTENDED_MASTER_SECRET: u16 = 23;
    /// supported_versions (RFC 8446 §4.2.1).
    pub const SUPPORTED_VERSIONS: u16 = 43;
    /// psk_key_exchange_modes (RFC 8446 §4.2.9).
    pub const PSK_KEY_EXCHANGE_MODES: u16 = 45;
    /// key_share (RFC 8446 §4.2.8).
    pub const KEY_SHARE: u16 = 51;
    /// renegotiation_info (RFC 5746 §3.2).
    pub const RENEGOTIATION_INFO: u16 = 0xFF01;
}

/// Named groups (RFC 8422 §5.1.1, RFC 8446 §4.2.7).
pub mod named_group {
    /// secp256r1.
    pub const SECP256R1: u16 = 0x0017;
    /// secp384r1.
    pub const SECP384R1: u16 = 0x0018;
    /// x25519.
    pub const X25519: u16 = 0x001D;
}

/// Signature schemes (RFC 8446 §4.2.3).
pub mod signature_scheme {
    /// rsa_pkcs1_sha256.
    pub const RSA_PKCS1_SHA256: u16 = 0x0401;
    /// rsa_pkcs1_sha384.
    pub const RSA_PKCS1_SHA384: u16 = 0x0501;
    /// ecdsa_secp256r1_sha256.
    pub const ECDSA_SECP256R1_SHA256: u16 = 0x0403;
    /// rsa_pss_rsae_sha256.
    pub const RSA_PSS_RSAE_SHA256: u16 = 0x0804;
    /// rsa_pss_rsae_sha384.
    pub const RSA_PSS_RSAE_SHA384: u16 = 0x0805;
}

/// Alert levels and descriptions (RFC 5246 §7.2, RFC 8446 §6).
pub mod alert {
    /// warning.
    pub const WARNING: u8 = 1;
    /// fatal.
    pub const FATAL: u8 = 2;
    /// close_notify.
    pub const CLOSE_NOTIFY: u8 = 0;
    /// handshake_failure.
    pub const HANDSHAKE_FAILURE: u8 = 40;
    /// bad_certificate.
    pub const BAD_CERTIFICATE: u8 = 42;
    /// certificate_unknown.
    pub const CERTIFICATE_UNKNOWN: u8 = 46;
    /// unknown_ca.
    pub const UNKNOWN_CA: u8 = 48;
}

/// The RFC name of an alert description.
pub fn alert_name(description: u8) -> String {
    let name = match description {
        alert::CLOSE_NOTIFY => "close_notify",
        alert::HANDSHAKE_FAILURE => "handshake_failure",
        alert::BAD_CERTIFICATE => "bad_certificate",
        alert::CERTIFICATE_UNKNOWN => "certificate_unknown",
        alert::UNKNOWN_CA => "unknown_ca",
        other => return format!("alert {other}"),
    };
    name.to_string()
}

/// Largest record body: 2^14 plus the 2048 bytes of expansion RFC 5246
/// §6.2.3 allows a protected record.
pub const MAX_RECORD_BODY: usize = (1 << 14) + 2048;

fn too_long(what: &'static str, len: usize, max: usize) -> SynthError {
    SynthError::TooLong { what, len, max }
}

/// `data` behind a big-endian length of `width` bytes (1, 2 or 3), the
/// vector encoding of RFC 5246 §4.3.
pub fn length_prefixed(width: usize, what: &'static str, data: &[u8]) -> Result<Vec<u8>> {
    let max = match width {
        1 => 0xFF,
        2 => 0xFFFF,
        _ => 0xFF_FFFF,
    };
    if data.len() > max {
        return Err(too_long(what, data.len(), max));
    }
    let be = (data.len() as u32).to_be_bytes();
    let mut v = be.get(4 - width.min(3)..).unwrap_or_default().to_vec();
    v.extend_from_slice(data);
    Ok(v)
}

/// A record: content type, legacy record version, length, fragment
/// (RFC 5246 §6.2.1).
pub fn record(content_type: u8, record_version: u16, fragment: &[u8]) -> Result<Vec<u8>> {
    if fragment.len() > MAX_RECORD_BODY {
        return Err(too_long("TLS record", fragment.len(), MAX_RECORD_BODY));
    }
    let mut r = vec![content_type];
    r.extend_from_slice(&record_version.to_be_bytes());
    r.extend_from_slice(&length_prefixed(2, "TLS record", fragment)?);
    Ok(r)
}

/// A handshake message: type and a 24-bit length before the body
/// (RFC 5246 §7.4).
pub fn handshake(handshake_type: u8, body: &[u8]) -> Result<Vec<u8>> {
    let mut h = vec![handshake_type];
    h.extend_from_slice(&length_prefixed(3, "TLS handshake message", body)?);
    Ok(h)
}

/// A hello extension (RFC 5246 §7.4.1.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// extension_type.
    pub extension_type: u16,
    /// extension_data.
    pub data: Vec<u8>,
}

impl Extension {
    fn encode(&self) -> Result<Vec<u8>> {
        let mut e = self.extension_type.to_be_bytes().to_vec();
        e.extend_from_slice(&length_prefixed(2, "TLS extension", &self.data)?);
        Ok(e)
    }

    /// server_name with one host_name entry (RFC 6066 §3).
    pub fn server_name(host: &str) -> Result<Self> {
        let mut entry = vec![0]; // name_type host_name
        entry.extend_from_slice(&length_prefixed(2, "SNI host name", host.as_bytes())?);
        Ok(Extension {
            extension_type: extension_type::SERVER_NAME,
            data: length_prefixed(2, "SNI list", &entry)?,
        })
    }

    /// supported_versions as a client offers it: a list with a 1-byte
    /// length (RFC 8446 §4.2.1).
    pub fn supported_versions_offer(versions: &[u16]) -> Result<Self> {
        let list: Vec<u8> = versions.iter().flat_map(|v| v.to_be_bytes()).collect();
        Ok(Extension {
            extension_type: extension_type::SUPPORTED_VERSIONS,
            data: length_prefixed(1, "supported_versions", &list)?,
        })
    }

    /// supported_versions in a ServerHello: the one selected version.
    pub fn supported_version_selected(version: u16) -> Self {
        Extension {
            extension_type: extension_type::SUPPORTED_VERSIONS,
            data: version.to_be_bytes().to_vec(),
        }
    }

    /// supported_groups (RFC 8422 §5.1.1).
    pub fn supported_groups(groups: &[u16]) -> Result<Self> {
        Self::u16_list(extension_type::SUPPORTED_GROUPS, groups)
    }

    /// signature_algorithms (RFC 8446 §4.2.3).
    pub fn signature_algorithms(schemes: &[u16]) -> Result<Self> {
        Self::u16_list(extension_type::SIGNATURE_ALGORITHMS, schemes)
    }

    fn u16_list(extension_type: u16, values: &[u16]) -> Result<Self> {
        let list: Vec<u8> = values.iter().flat_map(|v| v.to_be_bytes()).collect();
        Ok(Extension {
            extension_type,
            data: length_prefixed(2, "TLS extension list", &list)?,
        })
    }

    /// ec_point_formats with only "uncompressed" (RFC 8422 §5.1.2).
    pub fn ec_point_formats() -> Self {
        Extension {
            extension_type: extension_type::EC_POINT_FORMATS,
            data: vec![1, 0],
        }
    }

    /// An extension with empty data (extended_master_secret).
    pub fn empty(extension_type: u16) -> Self {
        Extension {
            extension_type,
            data: Vec::new(),
        }
    }

    /// renegotiation_info of an initial handshake: an empty
    /// renegotiated_connection (RFC 5746 §3.2).
    pub fn renegotiation_info() -> Self {
        Extension {
            extension_type: extension_type::RENEGOTIATION_INFO,
            data: vec![0],
        }
    }

    /// psk_key_exchange_modes offering psk_dhe_ke (RFC 8446 §4.2.9).
    pub fn psk_dhe_ke() -> Self {
        Extension {
            extension_type: extension_type::PSK_KEY_EXCHANGE_MODES,
            data: vec![1, 1],
        }
    }

    /// key_share of a ClientHello with one entry (RFC 8446 §4.2.8).
    pub fn key_share_offer(group: u16, key_exchange: &[u8]) -> Result<Self> {
        let entry = Self::key_share_entry(group, key_exchange)?;
        Ok(Extension {
            extension_type: extension_type::KEY_SHARE,
            data: length_prefixed(2, "key_share list", &entry)?,
        })
    }

    /// key_share of a ServerHello: the one selected entry.
    pub fn key_share_selected(group: u16, key_exchange: &[u8]) -> Result<Self> {
        Ok(Extension {
            extension_type: extension_type::KEY_SHARE,
            data: Self::key_share_entry(group, key_exchange)?,
        })
    }

    fn key_share_entry(group: u16, key_exchange: &[u8]) -> Result<Vec<u8>> {
        let mut e = group.to_be_bytes().to_vec();
        e.extend_from_slice(&length_prefixed(2, "key_exchange", key_exchange)?);
        Ok(e)
    }
}

fn extensions_block(extensions: &[Extension]) -> Result<Vec<u8>> {
    let mut all = Vec::new();
    for e in extensions {
        all.extend_from_slice(&e.encode()?);
    }
    length_prefixed(2, "TLS extensions", &all)
}

/// A ClientHello (RFC 5246 §7.4.1.2, RFC 8446 §4.1.2), compression method
/// null only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello {
    /// client_version / legacy_version.
    pub legacy_version: u16,
    /// random.
    pub random: [u8; 32],
    /// session_id (legacy_session_id in TLS 1.3).
    pub session_id: Vec<u8>,
    /// cipher_suites in preference order.
    pub cipher_suites: Vec<u16>,
    /// extensions in order.
    pub extensions: Vec<Extension>,
}

impl ClientHello {
    /// The handshake message.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let mut b = self.legacy_version.to_be_bytes().to_vec();
        b.extend_from_slice(&self.random);
        b.extend_from_slice(&length_prefixed(1, "session_id", &self.session_id)?);
        let suites: Vec<u8> = self.cipher_suites.iter().flat_map(|s| s.to_be_bytes()).collect();
        b.extend_from_slice(&length_prefixed(2, "cipher_suites", &suites)?);
        b.extend_from_slice(&[1, 0]);
        b.extend_from_slice(&extensions_block(&self.extensions)?);
        handshake(handshake_type::CLIENT_HELLO, &b)
    }
}

/// A ServerHello (RFC 5246 §7.4.1.3, RFC 8446 §4.1.3), compression null.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    /// server_version / legacy_version.
    pub legacy_version: u16,
    /// random.
    pub random: [u8; 32],
    /// session_id (TLS 1.3 echoes the client's).
    pub session_id: Vec<u8>,
    /// The chosen cipher suite.
    pub cipher_suite: u16,
    /// extensions in order.
    pub extensions: Vec<Extension>,
}

impl ServerHello {
    /// The handshake message.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let mut b = self.legacy_version.to_be_bytes().to_vec();
        b.extend_from_slice(&self.random);
        b.extend_from_slice(&length_prefixed(1, "session_id", &self.session_id)?);
        b.extend_from_slice(&self.cipher_suite.to_be_bytes());
        b.push(0);
        b.extend_from_slice(&extensions_block(&self.extensions)?);
        handshake(handshake_type::SERVER_HELLO, &b)
    }
}

/// A TLS 1.2 Certificate message (RFC 5246 §7.4.2): the chain, leaf first,
/// each certificate behind a 24-bit length, the whole list behind another.
pub fn certificate(chain: &[&[u8]]) -> Result<Vec<u8>> {
    let mut list = Vec::new();
    for cert in chain {
        list.extend_from_slice(&length_prefixed(3, "certificate", cert)?);
    }
    handshake(
        handshake_type::CERTIFICATE,
        &length_prefixed(3, "certificate_list", &list)?,
    )
}

/// An ECDHE ServerKeyExchange (RFC 8422 §5.4): named_curve parameters, the
/// server's public point, then the signature with its scheme (TLS 1.2).
pub fn server_key_exchange_ecdhe(
    group: u16,
    public: &[u8],
    scheme: u16,
    signature: &[u8],
) -> Result<Vec<u8>> {
    let mut b = vec![3]; // curve_type named_curve
    b.extend_from_slice(&group.to_be_bytes());
    b.extend_from_slice(&length_prefixed(1, "ECDH public", public)?);
    b.extend_from_slice(&scheme.to_be_bytes());
    b.extend_from_slice(&length_prefixed(2, "signature", signature)?);
    handshake(handshake_type::SERVER_KEY_EXCHANGE, &b)
}

/// ServerHelloDone (RFC 5246 §7.4.5): an empty body.
pub fn server_hello_done() -> Vec<u8> {
    vec![handshake_type::SERVER_HELLO_DONE, 0, 0, 0]
}

/// An ECDHE ClientKeyExchange (RFC 8422 §5.7): the client's public point.
pub fn client_key_exchange_ecdhe(public: &[u8]) -> Result<Vec<u8>> {
    handshake(
        handshake_type::CLIENT_KEY_EXCHANGE,
        &length_prefixed(1, "ECDH public", public)?,
    )
}

/// A ChangeCipherSpec record (RFC 5246 §7.1): one byte, 1.
pub fn change_cipher_spec(record_version: u16) -> Vec<u8> {
    let [hi, lo] = record_version.to_be_bytes();
    vec![content_type::CHANGE_CIPHER_SPEC, hi, lo, 0, 1, 1]
}

/// An alert record in clear (RFC 5246 §7.2): level and description.
pub fn alert_record(record_version: u16, level: u8, description: u8) -> Vec<u8> {
    let [hi, lo] = record_version.to_be_bytes();
    vec![content_type::ALERT, hi, lo, 0, 2, level, description]
}

/// Expansion of a TLS 1.2 AES-GCM record: 8-byte explicit nonce and
/// 16-byte tag (RFC 5288 §3).
pub const TLS12_GCM_OVERHEAD: usize = 8 + 16;

/// Expansion of a TLS 1.3 record: the inner content type byte and the
/// 16-byte AEAD tag (RFC 8446 §5.2), without padding.
pub const TLS13_OVERHEAD: usize = 1 + 16;

/// A protected record of `content_type` whose body is `body_len`
/// pseudo-random bytes: what an AEAD record looks like from outside. In
/// TLS 1.2 with AES-GCM the body is `plaintext + 24`; in TLS 1.3 every
/// protected record is `application_data` with body `plaintext + 17`.
pub fn opaque_record(
    content_type: u8,
    record_version: u16,
    body_len: usize,
    noise: &mut Noise,
) -> Result<Vec<u8>> {
    record(content_type, record_version, &noise.bytes(body_len))
}

/// Deterministic bytes that look random (xorshift64*, S. Vigna 2016):
/// TLS randoms, key shares, signatures, ciphertexts and SSTP nonces.
#[derive(Debug, Clone)]
pub struct Noise {
    state: u64,
}

impl Noise {
    /// A generator from a seed (0 is replaced: xorshift must not start at 0).
    pub fn new(seed: u64) -> Self {
        Noise {
            state: if seed == 0 { 0x9E37_79B9_7F4A_7C15 } else { seed },
        }
    }

    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// `n` bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n + 8);
        while out.len() < n {
            out.extend_from_slice(&self.next_u64().to_be_bytes());
        }
        out.truncate(n);
        out
    }

    /// 32 bytes, for randoms, keys and nonces.
    pub fn array32(&mut self) -> [u8; 32] {
        let mut a = [0u8; 32];
        a.iter_mut().zip(self.bytes(32)).for_each(|(d, s)| *d = s);
        a
    }

    /// A value in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        let span = (hi.saturating_sub(lo) as u64).saturating_add(1);
        lo + (self.next_u64() % span) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_handshake_headers() {
        assert_eq!(record(22, 0x0301, &[1, 2]).unwrap(), [22, 3, 1, 0, 2, 1, 2]);
        assert!(record(23, 0x0303, &vec![0; MAX_RECORD_BODY + 1]).is_err());
        assert_eq!(handshake(11, &[9; 3]).unwrap(), [11, 0, 0, 3, 9, 9, 9]);
        assert_eq!(server_hello_done(), [14, 0, 0, 0]);
        assert_eq!(change_cipher_spec(0x0303), [20, 3, 3, 0, 1, 1]);
        assert_eq!(
            alert_record(0x0303, alert::FATAL, alert::UNKNOWN_CA),
            [21, 3, 3, 0, 2, 2, 48]
        );
        assert_eq!(length_prefixed(3, "x", &[5]).unwrap(), [0, 0, 1, 5]);
        assert!(length_prefixed(1, "x", &[0; 256]).is_err());
    }

    /// The SNI extension of RFC 6066 §3 and the supported_versions forms of
    /// RFC 8446 §4.2.1.
    #[test]
    fn extensions() {
        let sni = Extension::server_name("a.b").unwrap().encode().unwrap();
        assert_eq!(sni, [0, 0, 0, 8, 0, 6, 0, 0, 3, b'a', b'.', b'b']);
        let offer = Extension::supported_versions_offer(&[0x0304, 0x0303]).unwrap();
        assert_eq!(offer.encode().unwrap(), [0, 43, 0, 5, 4, 3, 4, 3, 3]);
        assert_eq!(
            Extension::supported_version_selected(0x0304).encode().unwrap(),
            [0, 43, 0, 2, 3, 4]
        );
        assert_eq!(
            Extension::key_share_offer(named_group::X25519, &[7; 2])
                .unwrap()
                .data,
            [0, 6, 0, 0x1D, 0, 2, 7, 7]
        );
    }

    #[test]
    fn hellos_and_certificate() {
        let ch = ClientHello {
            legacy_version: version::TLS1_2,
            random: [0xAA; 32],
            session_id: vec![],
            cipher_suites: vec![cipher_suite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384],
            extensions: vec![Extension::empty(extension_type::EXTENDED_MASTER_SECRET)],
        }
        .encode()
        .unwrap();
        // type 1, length 2+32+1+2+2+2+2+4 = 47.
        assert_eq!(&ch[..6], &[1, 0, 0, 47, 3, 3]);
        assert_eq!(&ch[38..], &[0, 0, 2, 0xC0, 0x30, 1, 0, 0, 4, 0, 23, 0, 0]);
        let sh = ServerHello {
            legacy_version: version::TLS1_2,
            random: [0xBB; 32],
            session_id: vec![1; 32],
            cipher_suite: cipher_suite::TLS_AES_256_GCM_SHA384,
            extensions: vec![],
        }
        .encode()
        .unwrap();
        assert_eq!(sh.len(), 4 + 2 + 32 + 33 + 2 + 1 + 2);
        assert_eq!(&sh[71..], &[0x13, 0x02, 0, 0, 0]);
        let c = certificate(&[&[0x30, 0x00]]).unwrap();
        assert_eq!(c, [11, 0, 0, 8, 0, 0, 5, 0, 0, 2, 0x30, 0]);
        let ske = server_key_exchange_ecdhe(named_group::X25519, &[1; 32], 0x0401, &[2; 256]).unwrap();
        assert_eq!(ske.len(), 4 + 4 + 32 + 2 + 2 + 256);
        assert_eq!(&ske[4..8], &[3, 0, 0x1D, 32]);
        assert_eq!(
            client_key_exchange_ecdhe(&[1; 32]).unwrap()[..5],
            [16, 0, 0, 33, 32]
        );
    }

    #[test]
    fn noise_is_deterministic() {
        let a = Noise::new(5).bytes(20);
        assert_eq!(a, Noise::new(5).bytes(20));
        assert_ne!(a, Noise::new(6).bytes(20));
        let mut n = Noise::new(1);
        assert!((0..100).all(|_| (3..=9).contains(&n.range(3, 9))));
        let r = opaque_record(23, 0x0303, 40, &mut Noise::new(2)).unwrap();
        assert_eq!(&r[..5], &[23, 3, 3, 0, 40]);
        assert_eq!(r.len(), 45);
    }
}
