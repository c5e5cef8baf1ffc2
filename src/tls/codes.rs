//! TLS registry values (IANA "TLS Parameters"): record content types,
//! protocol versions, handshake types, cipher suites, extensions, named
//! groups, signature schemes and alerts.
//!
//! Every table is an open enum: a newtype over the wire value with named
//! constants and a `name()`. A value the table does not know stays data
//! (`name()` returns `None`, the label shows the number) so that a capture
//! with a new code is still reported faithfully rather than rejected.

use std::fmt;

use serde::{Serialize, Serializer};

/// True for the GREASE values RFC 8701 §2 reserves (0x0A0A, 0x1A1A, …,
/// 0xFAFA): both bytes equal, low nibble 0xA. Clients put them into cipher
/// suite, extension, group, signature and version lists to keep servers
/// tolerant of unknown values.
pub fn is_grease(value: u16) -> bool {
    value & 0x0f0f == 0x0a0a && value >> 8 == value & 0xff
}

/// Implements `Display` (name, or the number in hex) and `Serialize` (the
/// same string) for a `u16` registry newtype.
macro_rules! labelled_u16 {
    ($t:ty) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, "0x{:04x}", self.0),
                }
            }
        }
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    };
}

/// Same as [`labelled_u16`] for `u8` registry newtypes (decimal number).
macro_rules! labelled_u8 {
    ($t:ty) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, "unknown({})", self.0),
                }
            }
        }
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    };
}

/// ContentType of a TLS record (RFC 5246 §6.2.1, RFC 8446 §5.1, RFC 6520
/// for heartbeat).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentType(pub u8);

impl ContentType {
    pub const CHANGE_CIPHER_SPEC: Self = Self(20);
    pub const ALERT: Self = Self(21);
    pub const HANDSHAKE: Self = Self(22);
    pub const APPLICATION_DATA: Self = Self(23);
    pub const HEARTBEAT: Self = Self(24);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            20 => "change_cipher_spec",
            21 => "alert",
            22 => "handshake",
            23 => "application_data",
            24 => "heartbeat",
            _ => return None,
        })
    }
}
labelled_u8!(ContentType);

/// ProtocolVersion (RFC 5246 §6.2.1, RFC 8446 §4.2.1): major and minor byte
/// as one number, 0x0300 = SSL 3.0 … 0x0304 = TLS 1.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProtocolVersion(pub u16);

impl ProtocolVersion {
    /// The version an SSL 2.0 CLIENT-HELLO carries for itself.
    pub const SSL_2_0: Self = Self(0x0002);
    pub const SSL_3_0: Self = Self(0x0300);
    pub const TLS_1_0: Self = Self(0x0301);
    pub const TLS_1_1: Self = Self(0x0302);
    pub const TLS_1_2: Self = Self(0x0303);
    pub const TLS_1_3: Self = Self(0x0304);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x0002 => "SSL 2.0",
            0x0300 => "SSL 3.0",
            0x0301 => "TLS 1.0",
            0x0302 => "TLS 1.1",
            0x0303 => "TLS 1.2",
            0x0304 => "TLS 1.3",
            v if is_grease(v) => "GREASE",
            _ => return None,
        })
    }

    /// True for the versions a TLS record header may carry (SSL 3.0 to
    /// TLS 1.3).
    pub fn is_record_version(self) -> bool {
        (0x0300..=0x0304).contains(&self.0)
    }
}
labelled_u16!(ProtocolVersion);

/// HandshakeType (RFC 5246 §7.4, RFC 8446 §4, RFC 6066 §8 and §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HandshakeType(pub u8);

impl HandshakeType {
    pub const HELLO_REQUEST: Self = Self(0);
    pub const CLIENT_HELLO: Self = Self(1);
    pub const SERVER_HELLO: Self = Self(2);
    pub const NEW_SESSION_TICKET: Self = Self(4);
    pub const END_OF_EARLY_DATA: Self = Self(5);
    pub const ENCRYPTED_EXTENSIONS: Self = Self(8);
    pub const CERTIFICATE: Self = Self(11);
    pub const SERVER_KEY_EXCHANGE: Self = Self(12);
    pub const CERTIFICATE_REQUEST: Self = Self(13);
    pub const SERVER_HELLO_DONE: Self = Self(14);
    pub const CERTIFICATE_VERIFY: Self = Self(15);
    pub const CLIENT_KEY_EXCHANGE: Self = Self(16);
    pub const FINISHED: Self = Self(20);
    pub const CERTIFICATE_URL: Self = Self(21);
    pub const CERTIFICATE_STATUS: Self = Self(22);
    pub const KEY_UPDATE: Self = Self(24);
    pub const MESSAGE_HASH: Self = Self(254);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "hello_request",
            1 => "client_hello",
            2 => "server_hello",
            3 => "hello_verify_request",
            4 => "new_session_ticket",
            5 => "end_of_early_data",
            6 => "hello_retry_request",
            8 => "encrypted_extensions",
            11 => "certificate",
            12 => "server_key_exchange",
            13 => "certificate_request",
            14 => "server_hello_done",
            15 => "certificate_verify",
            16 => "client_key_exchange",
            20 => "finished",
            21 => "certificate_url",
            22 => "certificate_status",
            23 => "supplemental_data",
            24 => "key_update",
            254 => "message_hash",
            _ => return None,
        })
    }
}
labelled_u8!(HandshakeType);

/// How a cipher suite agrees on the premaster secret: the part of the suite
/// name before `_WITH_` (RFC 5246 Appendix A.5, RFC 8422, RFC 8446 §B.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyExchange {
    /// The client encrypts the premaster secret to the server's RSA key
    /// (RFC 5246 §7.4.7.1): a capture decrypts with the server's private
    /// key.
    Rsa,
    /// Ephemeral finite-field Diffie-Hellman (forward secret).
    Dhe,
    /// Ephemeral elliptic-curve Diffie-Hellman (forward secret).
    Ecdhe,
    /// Static Diffie-Hellman (certificate key), finite field.
    Dh,
    /// Static elliptic-curve Diffie-Hellman (certificate key).
    Ecdh,
    /// Pre-shared key suites (RFC 4279), plain or combined.
    Psk,
    /// TLS 1.3 suites: key exchange is negotiated by key_share, not the
    /// suite (RFC 8446 §4.2.8).
    Tls13,
    /// No key exchange (TLS_NULL_WITH_NULL_NULL) or a signalling value.
    None,
    /// A suite this table does not know.
    Unknown,
}

/// CipherSuite (RFC 5246 Appendix A.5, RFC 8446 §B.4, IANA registry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CipherSuite(pub u16);

impl CipherSuite {
    pub const TLS_RSA_WITH_AES_128_CBC_SHA: Self = Self(0x002f);
    pub const TLS_RSA_WITH_AES_256_CBC_SHA: Self = Self(0x0035);
    pub const TLS_EMPTY_RENEGOTIATION_INFO_SCSV: Self = Self(0x00ff);
    pub const TLS_AES_128_GCM_SHA256: Self = Self(0x1301);
    pub const TLS_AES_256_GCM_SHA384: Self = Self(0x1302);
    pub const TLS_CHACHA20_POLY1305_SHA256: Self = Self(0x1303);
    pub const TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: Self = Self(0xc02f);
    pub const TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: Self = Self(0xc030);

    /// The IANA name.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x0000 => "TLS_NULL_WITH_NULL_NULL",
            0x0001 => "TLS_RSA_WITH_NULL_MD5",
            0x0002 => "TLS_RSA_WITH_NULL_SHA",
            0x0003 => "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
            0x0004 => "TLS_RSA_WITH_RC4_128_MD5",
            0x0005 => "TLS_RSA_WITH_RC4_128_SHA",
            0x0006 => "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5",
            0x0007 => "TLS_RSA_WITH_IDEA_CBC_SHA",
            0x0008 => "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",
            0x0009 => "TLS_RSA_WITH_DES_CBC_SHA",
            0x000a => "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
            0x0011 => "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA",
            0x0012 => "TLS_DHE_DSS_WITH_DES_CBC_SHA",
            0x0013 => "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
            0x0014 => "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA",
            0x0015 => "TLS_DHE_RSA_WITH_DES_CBC_SHA",
            0x0016 => "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
            0x002f => "TLS_RSA_WITH_AES_128_CBC_SHA",
            0x0030 => "TLS_DH_DSS_WITH_AES_128_CBC_SHA",
            0x0031 => "TLS_DH_RSA_WITH_AES_128_CBC_SHA",
            0x0032 => "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
            0x0033 => "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
            0x0034 => "TLS_DH_anon_WITH_AES_128_CBC_SHA",
            0x0035 => "TLS_RSA_WITH_AES_256_CBC_SHA",
            0x0036 => "TLS_DH_DSS_WITH_AES_256_CBC_SHA",
            0x0037 => "TLS_DH_RSA_WITH_AES_256_CBC_SHA",
            0x0038 => "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
            0x0039 => "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
            0x003a => "TLS_DH_anon_WITH_AES_256_CBC_SHA",
            0x003b => "TLS_RSA_WITH_NULL_SHA256",
            0x003c => "TLS_RSA_WITH_AES_128_CBC_SHA256",
            0x003d => "TLS_RSA_WITH_AES_256_CBC_SHA256",
            0x0040 => "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
            0x0062 => "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA",
            0x0063 => "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA",
            0x0064 => "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA",
            0x0065 => "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA",
            0x0066 => "TLS_DHE_DSS_WITH_RC4_128_SHA",
            0x0067 => "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
            0x006a => "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
            0x006b => "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
            0x008c => "TLS_PSK_WITH_AES_128_CBC_SHA",
            0x008d => "TLS_PSK_WITH_AES_256_CBC_SHA",
            0x009c => "TLS_RSA_WITH_AES_128_GCM_SHA256",
            0x009d => "TLS_RSA_WITH_AES_256_GCM_SHA384",
            0x009e => "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
            0x009f => "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            0x00a2 => "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256",
            0x00a3 => "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384",
            0x00a8 => "TLS_PSK_WITH_AES_128_GCM_SHA256",
            0x00a9 => "TLS_PSK_WITH_AES_256_GCM_SHA384",
            0x00ff => "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
            0x1301 => "TLS_AES_128_GCM_SHA256",
            0x1302 => "TLS_AES_256_GCM_SHA384",
            0x1303 => "TLS_CHACHA20_POLY1305_SHA256",
            0x1304 => "TLS_AES_128_CCM_SHA256",
            0x1305 => "TLS_AES_128_CCM_8_SHA256",
            0x5600 => "TLS_FALLBACK_SCSV",
            0xc002 => "TLS_ECDH_ECDSA_WITH_RC4_128_SHA",
            0xc003 => "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA",
            0xc004 => "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA",
            0xc005 => "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA",
            0xc007 => "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
            0xc008 => "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA",
            0xc009 => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            0xc00a => "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
            0xc00c => "TLS_ECDH_RSA_WITH_RC4_128_SHA",
            0xc00d => "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA",
            0xc00e => "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA",
            0xc00f => "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA",
            0xc011 => "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
            0xc012 => "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
            0xc013 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            0xc014 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            0xc023 => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
            0xc024 => "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
            0xc025 => "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256",
            0xc026 => "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384",
            0xc027 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            0xc028 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
            0xc029 => "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256",
            0xc02a => "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384",
            0xc02b => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            0xc02c => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            0xc02d => "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256",
            0xc02e => "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384",
            0xc02f => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            0xc030 => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            0xc031 => "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256",
            0xc032 => "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384",
            0xc035 => "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA",
            0xc036 => "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA",
            0xcca8 => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            0xcca9 => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            0xccaa => "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            0xccab => "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256",
            0xccac => "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256",
            0xccad => "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256",
            0xfefe => "SSL_RSA_FIPS_WITH_DES_CBC_SHA",
            0xfeff => "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA",
            v if is_grease(v) => "GREASE",
            _ => return None,
        })
    }

    /// The key exchange the suite implies, read off its name.
    pub fn key_exchange(self) -> KeyExchange {
        let Some(name) = self.name() else {
            return KeyExchange::Unknown;
        };
        if (0x1301..=0x13ff).contains(&self.0) {
            return KeyExchange::Tls13;
        }
        let kx = name
            .strip_prefix("TLS_")
            .or_else(|| name.strip_prefix("SSL_"))
            .and_then(|rest| rest.split_once("_WITH_"))
            .map(|(kx, _)| kx);
        match kx {
            Some(kx) if kx.contains("PSK") => KeyExchange::Psk,
            Some(kx) if kx.starts_with("RSA") => KeyExchange::Rsa,
            Some(kx) if kx.starts_with("DHE_") => KeyExchange::Dhe,
            Some(kx) if kx.starts_with("DH_") => KeyExchange::Dh,
            Some(kx) if kx.starts_with("ECDHE_") => KeyExchange::Ecdhe,
            Some(kx) if kx.starts_with("ECDH_") => KeyExchange::Ecdh,
            Some("NULL") => KeyExchange::None,
            _ if self == Self::TLS_EMPTY_RENEGOTIATION_INFO_SCSV || self.0 == 0x5600 => KeyExchange::None,
            _ => KeyExchange::Unknown,
        }
    }
}
labelled_u16!(CipherSuite);

/// ExtensionType (IANA registry; RFC 6066, 7301, 7366, 7627, 8422, 8446).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExtensionType(pub u16);

impl ExtensionType {
    pub const SERVER_NAME: Self = Self(0);
    pub const STATUS_REQUEST: Self = Self(5);
    pub const SUPPORTED_GROUPS: Self = Self(10);
    pub const EC_POINT_FORMATS: Self = Self(11);
    pub const SIGNATURE_ALGORITHMS: Self = Self(13);
    pub const APPLICATION_LAYER_PROTOCOL_NEGOTIATION: Self = Self(16);
    pub const ENCRYPT_THEN_MAC: Self = Self(22);
    pub const EXTENDED_MASTER_SECRET: Self = Self(23);
    pub const SESSION_TICKET: Self = Self(35);
    pub const PRE_SHARED_KEY: Self = Self(41);
    pub const SUPPORTED_VERSIONS: Self = Self(43);
    pub const KEY_SHARE: Self = Self(51);
    pub const RENEGOTIATION_INFO: Self = Self(0xff01);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "server_name",
            1 => "max_fragment_length",
            2 => "client_certificate_url",
            3 => "trusted_ca_keys",
            4 => "truncated_hmac",
            5 => "status_request",
            9 => "cert_type",
            10 => "supported_groups",
            11 => "ec_point_formats",
            12 => "srp",
            13 => "signature_algorithms",
            14 => "use_srtp",
            15 => "heartbeat",
            16 => "application_layer_protocol_negotiation",
            17 => "status_request_v2",
            18 => "signed_certificate_timestamp",
            19 => "client_certificate_type",
            20 => "server_certificate_type",
            21 => "padding",
            22 => "encrypt_then_mac",
            23 => "extended_master_secret",
            24 => "token_binding",
            25 => "cached_info",
            27 => "compress_certificate",
            28 => "record_size_limit",
            34 => "delegated_credentials",
            35 => "session_ticket",
            41 => "pre_shared_key",
            42 => "early_data",
            43 => "supported_versions",
            44 => "cookie",
            45 => "psk_key_exchange_modes",
            47 => "certificate_authorities",
            48 => "oid_filters",
            49 => "post_handshake_auth",
            50 => "signature_algorithms_cert",
            51 => "key_share",
            57 => "quic_transport_parameters",
            13172 => "next_protocol_negotiation",
            17513 => "application_settings",
            0xfe0d => "encrypted_client_hello",
            0xff01 => "renegotiation_info",
            v if is_grease(v) => "GREASE",
            _ => return None,
        })
    }
}
labelled_u16!(ExtensionType);

/// NamedGroup (RFC 8422 §5.1.1, RFC 7919, RFC 8446 §4.2.7), the values
/// of supported_groups and key_share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NamedGroup(pub u16);

impl NamedGroup {
    pub const SECP256R1: Self = Self(23);
    pub const SECP384R1: Self = Self(24);
    pub const SECP521R1: Self = Self(25);
    pub const X25519: Self = Self(29);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            19 => "secp192r1",
            21 => "secp224r1",
            22 => "secp256k1",
            23 => "secp256r1",
            24 => "secp384r1",
            25 => "secp521r1",
            26 => "brainpoolP256r1",
            27 => "brainpoolP384r1",
            28 => "brainpoolP512r1",
            29 => "x25519",
            30 => "x448",
            256 => "ffdhe2048",
            257 => "ffdhe3072",
            258 => "ffdhe4096",
            259 => "ffdhe6144",
            260 => "ffdhe8192",
            0x11eb => "SecP256r1MLKEM768",
            0x11ec => "X25519MLKEM768",
            0x6399 => "X25519Kyber768Draft00",
            v if is_grease(v) => "GREASE",
            _ => return None,
        })
    }
}
labelled_u16!(NamedGroup);

/// SignatureScheme (RFC 8446 §4.2.3); in TLS 1.2 the same two bytes are a
/// (HashAlgorithm, SignatureAlgorithm) pair (RFC 5246 §7.4.1.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SignatureScheme(pub u16);

impl SignatureScheme {
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x0101 => "rsa_pkcs1_md5",
            0x0201 => "rsa_pkcs1_sha1",
            0x0202 => "dsa_sha1",
            0x0203 => "ecdsa_sha1",
            0x0301 => "rsa_pkcs1_sha224",
            0x0302 => "dsa_sha224",
            0x0303 => "ecdsa_sha224",
            0x0401 => "rsa_pkcs1_sha256",
            0x0402 => "dsa_sha256",
            0x0403 => "ecdsa_secp256r1_sha256",
            0x0501 => "rsa_pkcs1_sha384",
            0x0502 => "dsa_sha384",
            0x0503 => "ecdsa_secp384r1_sha384",
            0x0601 => "rsa_pkcs1_sha512",
            0x0602 => "dsa_sha512",
            0x0603 => "ecdsa_secp521r1_sha512",
            0x0804 => "rsa_pss_rsae_sha256",
            0x0805 => "rsa_pss_rsae_sha384",
            0x0806 => "rsa_pss_rsae_sha512",
            0x0807 => "ed25519",
            0x0808 => "ed448",
            0x0809 => "rsa_pss_pss_sha256",
            0x080a => "rsa_pss_pss_sha384",
            0x080b => "rsa_pss_pss_sha512",
            0x081a => "ecdsa_brainpoolP256r1tls13_sha256",
            0x081b => "ecdsa_brainpoolP384r1tls13_sha384",
            0x081c => "ecdsa_brainpoolP512r1tls13_sha512",
            v if is_grease(v) => "GREASE",
            _ => return None,
        })
    }
}
labelled_u16!(SignatureScheme);

/// AlertLevel (RFC 5246 §7.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AlertLevel(pub u8);

impl AlertLevel {
    pub const WARNING: Self = Self(1);
    pub const FATAL: Self = Self(2);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "warning",
            2 => "fatal",
            _ => return None,
        })
    }
}
labelled_u8!(AlertLevel);

/// AlertDescription (RFC 5246 §7.2, RFC 8446 §6, RFC 6066 §9, RFC 7301
/// §3.2, RFC 7507 §2, RFC 4279 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AlertDescription(pub u8);

impl AlertDescription {
    pub const CLOSE_NOTIFY: Self = Self(0);
    pub const HANDSHAKE_FAILURE: Self = Self(40);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "close_notify",
            10 => "unexpected_message",
            20 => "bad_record_mac",
            21 => "decryption_failed",
            22 => "record_overflow",
            30 => "decompression_failure",
            40 => "handshake_failure",
            41 => "no_certificate",
            42 => "bad_certificate",
            43 => "unsupported_certificate",
            44 => "certificate_revoked",
            45 => "certificate_expired",
            46 => "certificate_unknown",
            47 => "illegal_parameter",
            48 => "unknown_ca",
            49 => "access_denied",
            50 => "decode_error",
            51 => "decrypt_error",
            60 => "export_restriction",
            70 => "protocol_version",
            71 => "insufficient_security",
            80 => "internal_error",
            86 => "inappropriate_fallback",
            90 => "user_canceled",
            100 => "no_renegotiation",
            109 => "missing_extension",
            110 => "unsupported_extension",
            111 => "certificate_unobtainable",
            112 => "unrecognized_name",
            113 => "bad_certificate_status_response",
            114 => "bad_certificate_hash_value",
            115 => "unknown_psk_identity",
            116 => "certificate_required",
            120 => "no_application_protocol",
            121 => "ech_required",
            _ => return None,
        })
    }
}
labelled_u8!(AlertDescription);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grease_values() {
        let grease: Vec<u16> = (0..=u16::MAX).filter(|&v| is_grease(v)).collect();
        assert_eq!(grease.len(), 16);
        assert_eq!(grease.first(), Some(&0x0a0a));
        assert_eq!(grease.last(), Some(&0xfafa));
        assert!(!is_grease(0x0a1a));
        assert_eq!(CipherSuite(0x2a2a).name(), Some("GREASE"));
    }

    #[test]
    fn suites_windows_sstp_endpoints_use_are_named() {
        let cases = [
            (0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", KeyExchange::Rsa),
            (0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", KeyExchange::Rsa),
            (0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", KeyExchange::Rsa),
            (0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", KeyExchange::Rsa),
            (0x0005, "TLS_RSA_WITH_RC4_128_SHA", KeyExchange::Rsa),
            (0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", KeyExchange::Rsa),
            (0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", KeyExchange::Dhe),
            (0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", KeyExchange::Dhe),
            (0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", KeyExchange::Ecdhe),
            (
                0xc02c,
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                KeyExchange::Ecdhe,
            ),
            (
                0xc030,
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                KeyExchange::Ecdhe,
            ),
            (
                0xcca8,
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                KeyExchange::Ecdhe,
            ),
            (0xc00e, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", KeyExchange::Ecdh),
            (0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA", KeyExchange::Dh),
            (0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", KeyExchange::Dh),
            (0x008c, "TLS_PSK_WITH_AES_128_CBC_SHA", KeyExchange::Psk),
            (0xc035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", KeyExchange::Psk),
            (0x1301, "TLS_AES_128_GCM_SHA256", KeyExchange::Tls13),
            (0x1302, "TLS_AES_256_GCM_SHA384", KeyExchange::Tls13),
            (0x1303, "TLS_CHACHA20_POLY1305_SHA256", KeyExchange::Tls13),
            (0x0000, "TLS_NULL_WITH_NULL_NULL", KeyExchange::None),
            (0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", KeyExchange::None),
            (0x5600, "TLS_FALLBACK_SCSV", KeyExchange::None),
            (0xfeff, "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA", KeyExchange::Rsa),
        ];
        for (value, name, kx) in cases {
            let s = CipherSuite(value);
            assert_eq!(s.name(), Some(name), "{value:#06x}");
            assert_eq!(s.key_exchange(), kx, "{name}");
            assert_eq!(s.to_string(), name);
        }
        assert_eq!(CipherSuite(0x1234).name(), None);
        assert_eq!(CipherSuite(0x1234).key_exchange(), KeyExchange::Unknown);
        assert_eq!(CipherSuite(0x1234).to_string(), "0x1234");
        assert_eq!(
            serde_json::to_string(&CipherSuite(0x002f)).ok().as_deref(),
            Some("\"TLS_RSA_WITH_AES_128_CBC_SHA\"")
        );
    }

    #[test]
    fn labels() {
        assert_eq!(ProtocolVersion(0x0301).to_string(), "TLS 1.0");
        assert_eq!(ProtocolVersion(0x7f1c).to_string(), "0x7f1c");
        assert!(ProtocolVersion::SSL_3_0.is_record_version());
        assert!(!ProtocolVersion(0x0305).is_record_version());
        assert_eq!(AlertDescription(48).to_string(), "unknown_ca");
        assert_eq!(AlertDescription(200).to_string(), "unknown(200)");
        assert_eq!(AlertLevel(2).to_string(), "fatal");
        assert_eq!(ContentType(23).to_string(), "application_data");
        assert_eq!(HandshakeType(11).to_string(), "certificate");
        assert_eq!(ExtensionType(0xff01).to_string(), "renegotiation_info");
        assert_eq!(NamedGroup(29).to_string(), "x25519");
        assert_eq!(SignatureScheme(0x0804).to_string(), "rsa_pss_rsae_sha256");
    }
}
