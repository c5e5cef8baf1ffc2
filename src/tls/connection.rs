//! One TLS connection over one TCP connection: both directions framed into
//! records, records routed to the handshake, alert and application-data
//! consumers, and the facts a report needs gathered into [`TlsFacts`].
//!
//! Record path (per direction):
//! ```text
//! TCP bytes ─► RecordStream ─► Record ─┬─ clear ─────────────────────────┐
//!                                      └─ protected ─► Decryptor? ─ plain ┤
//!                                                         │ none          ▼
//!                                                  counted as encrypted   handshake / alert /
//!                                                                         application data sink
//! ```
//! A record is *protected* once its sender has sent ChangeCipherSpec
//! (TLS ≤ 1.2, RFC 5246 §7.1), and in TLS 1.3 when it is an
//! application_data record after the ServerHello (RFC 8446 §5); the
//! middlebox-compatibility ChangeCipherSpec of TLS 1.3 (RFC 8446 §D.4)
//! changes nothing. Without a [`Decryptor`] protected records are only
//! counted: the first protected handshake record of a direction is its
//! Finished ("encrypted handshake message"), protected alerts are
//! "encrypted alerts", and application data is counted by record and byte.
//! A [`Decryptor`] set with [`TlsConnection::set_decryptor`] turns
//! protected records into plaintext, which then takes the clear path and
//! application data reaches the caller's sink.
//!
//! TLS 1.3 without keys: the server's encrypted flight (EncryptedExtensions
//! … Finished) and the client's Finished are application_data records
//! too. They are told apart by order: the server's protected records
//! before the client's first protected record, and that first client
//! record, are counted as encrypted handshake; everything after as
//! application data (a later NewSessionTicket or KeyUpdate is then counted
//! as application data).
//!
//! Lost bytes ([`TlsConnection::gap`]) end handshake parsing for that
//! direction (a handshake message may have been cut); records keep being
//! counted as far as framing allows (see [`super::record`]). An
//! application_data record seen before its sender's ChangeCipherSpec (a
//! handshake the capture missed) is counted as ciphertext, never passed on
//! as plaintext.
//!
//! Driving it: the caller creates one tracker per TCP connection once the
//! first bytes of a direction pass [`super::record::looks_like_tls`] (that
//! direction's sender is the client), feeds every in-order chunk, gap, FIN
//! and RST with the TLS direction, calls [`TlsConnection::finish`] when TCP
//! closes and reads [`TlsConnection::facts`].

use std::net::SocketAddr;

use serde::Serialize;

use super::alert::parse_alerts;
use super::codes::{
    AlertDescription, AlertLevel, CipherSuite, ContentType, ExtensionType, HandshakeType, KeyExchange,
    NamedGroup, ProtocolVersion, SignatureScheme,
};
use super::handshake::{
    key_exchange_params, parse_handshake, ClientHello, Extension, HandshakeItem, HandshakeMessage,
    HandshakeReassembler, KeyExchangeParams, ServerHello,
};
use super::record::{LostCause, Record, RecordItem, RecordStream, Sslv2ClientHello};
use super::x509::{read_certificate, CertificateInfo};
use super::{hex, At, Direction};
use crate::capture::Timestamp;

/// Application-data records up to this many bytes (as sent, ciphertext)
/// count as "small" in the shape features: SSTP control packets and small
/// PPP frames (LCP echo, TCP ACKs inside the tunnel) fit well below it.
pub const SMALL_RECORD_LEN: usize = 256;
/// Certificates kept per chain (the rest are counted).
pub const MAX_CERTIFICATES: usize = 16;
/// Handshake messages listed per connection (the count stays exact).
pub const MAX_HANDSHAKE_EVENTS: usize = 256;
/// Alerts listed per connection (the count stays exact).
pub const MAX_ALERTS: usize = 64;
/// Problems listed per connection (the count stays exact).
pub const MAX_PROBLEMS: usize = 64;

/// A protected record opened by a [`Decryptor`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plaintext {
    /// The real content type (TLS 1.3: the inner type, RFC 8446 §5.2).
    pub content_type: ContentType,
    pub data: Vec<u8>,
}

/// What a decryptor is given to derive keys: the values the handshake
/// fixed, from the clear messages. Not part of the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyMaterial {
    /// Negotiated version (ServerHello).
    pub version: Option<ProtocolVersion>,
    /// Chosen cipher suite (ServerHello).
    pub cipher_suite: Option<CipherSuite>,
    /// ClientHello.random: the key log is looked up by it (NSS key log
    /// CLIENT_RANDOM lines).
    pub client_random: Option<[u8; 32]>,
    /// ServerHello.random (the key expansion seed, RFC 5246 §6.3).
    pub server_random: Option<[u8; 32]>,
    /// The session id the ServerHello gave.
    pub session_id: Vec<u8>,
    /// The ClientKeyExchange body as sent.
    pub client_key_exchange: Option<Vec<u8>>,
    /// For RSA key exchange: the encrypted premaster secret (the
    /// ClientKeyExchange body without its TLS length prefix,
    /// RFC 5246 §7.4.7.1); decrypts with the server's private key. Its
    /// first 8 bytes key NSS key log `RSA` lines.
    pub encrypted_premaster: Option<Vec<u8>>,
    /// Both hellos carried extended_master_secret (RFC 7627): the master
    /// secret then hashes the handshake transcript.
    pub extended_master_secret: bool,
    /// Both hellos carried encrypt_then_mac (RFC 7366).
    pub encrypt_then_mac: bool,
    /// The server's end-entity certificate (DER), clear or decrypted: an
    /// RSA server key is matched against its modulus.
    pub server_certificate: Option<Vec<u8>>,
    /// The ClientHello was seen (without it the capture began
    /// mid-connection).
    pub client_hello_seen: bool,
    /// The ServerHello was seen.
    pub server_hello_seen: bool,
}

/// What a [`Decryptor`] made of one protected record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// Decrypted and authenticated.
    Plain(Plaintext),
    /// No keys for this record (no secret, or not derived yet): it stays
    /// counted as encrypted.
    NoKeys,
    /// Keys were there but the record did not authenticate (MAC, tag or
    /// padding): reported as a problem, then counted as encrypted.
    Failed(String),
}

/// How decryption of a connection went (present in [`TlsFacts`] when
/// secrets were given).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecryptionStatus {
    /// Every protected record seen opened.
    Decrypted,
    /// Records opened, others failed their authentication.
    PartlyDecrypted,
    NotDecrypted,
}

/// Where the secret that opened a connection came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretSource {
    /// A `--keylog` line for this client random (`CLIENT_RANDOM`,
    /// `PMS_CLIENT_RANDOM` or the TLS 1.3 traffic secrets).
    KeyLog,
    /// A key log `RSA` line for this encrypted premaster secret.
    KeyLogRsa,
    /// A Decryption Secrets Block in the pcapng capture.
    CaptureSecrets,
    /// The premaster secret decrypted with a `--server-key`.
    ServerKey,
    /// An abbreviated handshake resuming a session whose master secret an
    /// earlier connection in the capture revealed.
    ResumedSession,
}

/// Why a connection was not decrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotDecryptedReason {
    /// No key log line for this client random (or premaster).
    NoSecret,
    /// The negotiated cipher suite is not one tunnelscope can open.
    UnsupportedSuite,
    /// RSA key exchange, but no `--server-key` has the certificate's
    /// modulus.
    ServerKeyMismatch,
    /// (EC)DHE or TLS 1.3 key exchange: a server's RSA key cannot recover
    /// the secret; only a key log can.
    EphemeralKeyExchange,
    /// The capture started after the handshake (no ClientHello or
    /// ServerHello): there is nothing to look the secret up by.
    MissedHandshake,
    /// The encrypted premaster secret did not decrypt with the server key.
    PremasterUndecryptable,
    /// An abbreviated handshake resumed a session whose secret is unknown.
    ResumedSessionUnknown,
    /// A secret was found but no record authenticates with it.
    WrongSecret,
}

impl NotDecryptedReason {
    /// The JSON name.
    pub fn code(self) -> &'static str {
        match self {
            NotDecryptedReason::NoSecret => "no_secret",
            NotDecryptedReason::UnsupportedSuite => "unsupported_suite",
            NotDecryptedReason::ServerKeyMismatch => "server_key_mismatch",
            NotDecryptedReason::EphemeralKeyExchange => "ephemeral_key_exchange",
            NotDecryptedReason::MissedHandshake => "missed_handshake",
            NotDecryptedReason::PremasterUndecryptable => "premaster_undecryptable",
            NotDecryptedReason::ResumedSessionUnknown => "resumed_session_unknown",
            NotDecryptedReason::WrongSecret => "wrong_secret",
        }
    }

    /// The reason in plain words.
    pub fn words(self) -> &'static str {
        match self {
            NotDecryptedReason::NoSecret => "no secret for this client random in the key logs given",
            NotDecryptedReason::UnsupportedSuite => "the cipher suite is not one tunnelscope decrypts",
            NotDecryptedReason::ServerKeyMismatch => "the RSA key given does not match the server's certificate",
            NotDecryptedReason::EphemeralKeyExchange => {
                "the key exchange is ephemeral (ECDHE/DHE or TLS 1.3): the server's RSA key cannot help, only a key log can"
            }
            NotDecryptedReason::MissedHandshake => {
                "the capture started mid-connection: the handshake that fixes the keys is missing"
            }
            NotDecryptedReason::PremasterUndecryptable => {
                "the encrypted premaster secret does not decrypt with the RSA key given"
            }
            NotDecryptedReason::ResumedSessionUnknown => {
                "the connection resumes a session whose secret is neither in the capture nor in a key log"
            }
            NotDecryptedReason::WrongSecret => "a secret was found but no record authenticates with it",
        }
    }
}

/// The first record that did not authenticate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordFailure {
    pub direction: Direction,
    pub frame: u64,
    pub error: String,
}

/// Decryption of one TLS connection. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecryptionReport {
    pub status: DecryptionStatus,
    pub secret_source: Option<SecretSource>,
    /// The `--server-key` file whose key opened the premaster secret.
    pub server_key_file: Option<String>,
    pub reason: Option<NotDecryptedReason>,
    /// `reason` in words.
    pub reason_text: Option<String>,
    /// Records opened per direction (handshake, alerts and data).
    pub client_to_server_records: u64,
    pub server_to_client_records: u64,
    /// Records that failed their MAC, tag or padding check.
    pub records_failed: u64,
    pub first_failure: Option<RecordFailure>,
}

/// Opens protected records from a key log or a server key
/// ([`super::decrypt`]); the tracker calls it in capture order.
pub trait Decryptor {
    /// `record` arrived protected in `direction`.
    fn decrypt(&mut self, keys: &KeyMaterial, direction: Direction, record: &Record<'_>) -> Opened;

    /// Every whole handshake message, header included, in order, clear or
    /// decrypted: the transcript that extended master secret and the TLS
    /// 1.3 key schedule hash.
    fn handshake_message(&mut self, _keys: &KeyMaterial, _direction: Direction, _raw: &[u8]) {}

    /// `direction` sent ChangeCipherSpec (TLS ≤ 1.2): its following records
    /// use the newly negotiated keys, sequence numbers from 0.
    fn change_cipher_spec(&mut self, _keys: &KeyMaterial, _direction: Direction) {}

    /// How decryption went so far.
    fn report(&self, keys: &KeyMaterial) -> DecryptionReport;
}

/// Decrypted application data (the bytes SSTP runs over), handed to the
/// caller's sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplicationData<'a> {
    pub direction: Direction,
    pub data: &'a [u8],
    /// Frame holding the record's first byte.
    pub first_frame: u64,
    /// Frame holding its last byte.
    pub frame: u64,
    pub ts: Timestamp,
}

/// An extension as it appeared in a hello: type (named when known) and
/// length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ExtensionSeen {
    pub extension_type: ExtensionType,
    pub length: usize,
}

/// What the client offered (RFC 5246 §7.4.1.2, RFC 8446 §4.1.2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClientHelloFacts {
    pub at: At,
    /// client_version / legacy_version.
    pub version: ProtocolVersion,
    /// Sent as an SSL 2.0 compatible CLIENT-HELLO (RFC 5246 Appendix E.2).
    pub sslv2_compatible: bool,
    /// Session id, hex (empty for a new session).
    pub session_id: String,
    pub cipher_suites: Vec<CipherSuite>,
    pub compression_methods: Vec<u8>,
    /// Every extension in order.
    pub extensions: Vec<ExtensionSeen>,
    pub server_name: Option<String>,
    pub supported_versions: Vec<ProtocolVersion>,
    pub alpn: Vec<String>,
    pub supported_groups: Vec<NamedGroup>,
    pub signature_algorithms: Vec<SignatureScheme>,
    pub key_share_groups: Vec<NamedGroup>,
    pub extended_master_secret: bool,
    pub encrypt_then_mac: bool,
    pub renegotiation_info: bool,
    /// Length of the session ticket offered (0 = "tickets supported").
    pub session_ticket: Option<usize>,
}

/// What the server chose (RFC 5246 §7.4.1.3, RFC 8446 §4.1.3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerHelloFacts {
    pub at: At,
    /// server_version / legacy_version.
    pub version: ProtocolVersion,
    /// Session id, hex.
    pub session_id: String,
    pub cipher_suite: CipherSuite,
    pub compression_method: u8,
    pub extensions: Vec<ExtensionSeen>,
    /// supported_versions (TLS 1.3).
    pub selected_version: Option<ProtocolVersion>,
    pub alpn: Option<String>,
    pub key_share_group: Option<NamedGroup>,
    pub extended_master_secret: bool,
    pub encrypt_then_mac: bool,
    pub renegotiation_info: bool,
}

/// The ServerKeyExchange (RFC 5246 §7.4.3): its presence means an
/// ephemeral (forward-secret) key exchange.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ServerKeyExchangeFacts {
    pub at: At,
    pub length: usize,
    /// Curve or prime size, when the layout was readable.
    pub params: Option<KeyExchangeParams>,
}

/// How an abbreviated handshake resumed a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resumption {
    /// The server echoed the client's session id (RFC 5246 §7.3).
    SessionId,
    /// The client presented a session ticket (RFC 5077 §3.1).
    SessionTicket,
    /// TLS 1.3 pre_shared_key accepted (RFC 8446 §4.2.11).
    PreSharedKey,
    /// Abbreviated handshake without either sign (session id not echoed,
    /// no ticket offered).
    Abbreviated,
}

/// One handshake message as seen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HandshakeEvent {
    pub direction: Direction,
    pub msg_type: HandshakeType,
    /// Body length.
    pub length: usize,
    /// Frame of its last byte.
    pub at: At,
    /// It came out of a protected record (decrypted).
    pub decrypted: bool,
    /// Why it did not decode.
    pub error: Option<String>,
}

/// One alert (RFC 5246 §7.2, RFC 8446 §6).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertFact {
    /// Who sent it.
    pub direction: Direction,
    pub at: At,
    /// Sent after the sender's ChangeCipherSpec and not decrypted: level
    /// and description unknown ("encrypted alert").
    pub encrypted: bool,
    pub level: Option<AlertLevel>,
    pub description: Option<AlertDescription>,
    /// Record fragment length (2 for a clear alert).
    pub length: usize,
}

/// Something that limits what could be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TlsProblem {
    pub direction: Direction,
    pub frame: u64,
    /// Stable code: `gap`, `partial_record`, `framing_lost`, `resync`,
    /// `malformed_handshake`, `handshake_too_long`, `malformed_alert`,
    /// `partial_handshake_message`, `unexpected_message`, `decrypt_failed`.
    pub kind: &'static str,
    pub detail: String,
}

/// Application data of one direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ApplicationDataFacts {
    pub records: u64,
    /// Bytes as sent (ciphertext fragment lengths).
    pub bytes: u64,
    /// Records of at most [`SMALL_RECORD_LEN`] bytes.
    pub small_records: u64,
    pub largest_record: u64,
    pub first: Option<At>,
    pub last: Option<At>,
}

/// Records of one direction.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DirectionFacts {
    /// Whole records framed, all types.
    pub records: u64,
    /// Fragment bytes of those records.
    pub record_bytes: u64,
    /// Records by outer content type.
    pub handshake_records: u64,
    pub change_cipher_spec_records: u64,
    pub alert_records: u64,
    pub application_data_records: u64,
    pub heartbeat_records: u64,
    pub other_records: u64,
    /// Protected records that carry handshake messages (TLS ≤ 1.2: type 22
    /// after ChangeCipherSpec; TLS 1.3: see the module notes).
    pub encrypted_handshake_records: u64,
    /// First ChangeCipherSpec.
    pub change_cipher_spec: Option<At>,
    /// First protected handshake record (the Finished).
    pub encrypted_handshake: Option<At>,
    /// Application data (records counted in `application_data_records`
    /// minus the TLS 1.3 encrypted handshake).
    pub application_data: ApplicationDataFacts,
    pub first_record: Option<At>,
    pub last_record: Option<At>,
    /// SSL 2.0 compatible CLIENT-HELLOs.
    pub sslv2_client_hellos: u64,
    /// TCP gaps and the bytes they lost.
    pub gaps: u64,
    pub missing_bytes: u64,
    /// Records cut by lost bytes or by the end of the capture.
    pub partial_records: u64,
    /// Bytes that could not be framed.
    pub unframed_bytes: u64,
    pub framing_lost: u64,
    pub resyncs: u64,
    pub fin: Option<At>,
    pub rst: Option<At>,
}

/// The raw features that make an encrypted connection look like SSTP:
/// long-lived, bidirectional, many small records, port 443 or an SNI. The
/// SSTP module weighs them; nothing here decides.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ShapeFeatures {
    pub server_port: u16,
    pub port_443: bool,
    pub sni_present: bool,
    /// Application data in both directions.
    pub bidirectional: bool,
    /// Application data records, both directions.
    pub application_data_records: u64,
    pub application_data_bytes: u64,
    /// From the first to the last application data record (seconds).
    pub application_data_secs: f64,
    /// From the first to the last record of any type (seconds).
    pub connection_secs: f64,
    /// Share of application data records of at most [`SMALL_RECORD_LEN`]
    /// bytes (0 without records).
    pub small_record_fraction: f64,
    /// Mean application data record length (0 without records).
    pub mean_record_len: f64,
    /// Application data records per second over `application_data_secs`
    /// (0 when that is 0).
    pub records_per_second: f64,
}

/// Everything learnt about one TLS connection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TlsFacts {
    pub client: SocketAddr,
    pub server: SocketAddr,
    /// The negotiated version (ServerHello, supported_versions first).
    pub version: Option<ProtocolVersion>,
    /// server_name the client asked for.
    pub sni: Option<String>,
    /// The last ClientHello seen in the clear (after a HelloRetryRequest,
    /// the second one).
    pub client_hello: Option<ClientHelloFacts>,
    pub server_hello: Option<ServerHelloFacts>,
    /// A HelloRetryRequest was seen (RFC 8446 §4.1.4).
    pub hello_retry_request: bool,
    pub cipher_suite: Option<CipherSuite>,
    pub key_exchange: Option<KeyExchange>,
    /// ClientHello.random and ServerHello.random, hex.
    pub client_random: Option<String>,
    pub server_random: Option<String>,
    /// The server's chain in the clear (TLS ≤ 1.2), end-entity first.
    pub certificates: Vec<CertificateInfo>,
    /// Certificates beyond [`MAX_CERTIFICATES`] in either chain, not kept.
    pub certificates_not_kept: u64,
    /// A client certificate chain, when one was sent in the clear.
    pub client_certificates: Vec<CertificateInfo>,
    pub server_key_exchange: Option<ServerKeyExchangeFacts>,
    pub certificate_requested: bool,
    /// Length of the ClientKeyExchange body.
    pub client_key_exchange_len: Option<usize>,
    /// A NewSessionTicket was seen (clear or decrypted).
    pub session_ticket_issued: bool,
    pub resumption: Option<Resumption>,
    /// Both sides finished the handshake (ChangeCipherSpec followed by
    /// Finished each way), or application data flowed both ways.
    pub handshake_completed: bool,
    pub handshake_completed_at: Option<At>,
    pub handshake_messages: Vec<HandshakeEvent>,
    /// All handshake messages seen, listed or not.
    pub handshake_messages_total: u64,
    pub alerts: Vec<AlertFact>,
    pub alerts_total: u64,
    pub client_to_server: DirectionFacts,
    pub server_to_client: DirectionFacts,
    pub shape: ShapeFeatures,
    pub problems: Vec<TlsProblem>,
    pub problems_total: u64,
    /// How decryption went; `null` when no secret was given.
    pub decryption: Option<DecryptionReport>,
}

/// Per-direction tracker state beside the framer.
#[derive(Debug, Default)]
struct Side {
    handshake: HandshakeReassembler,
    /// Records now travel under the negotiated keys.
    protected: bool,
    /// Bytes were lost: handshake messages are no longer parsed.
    handshake_broken: bool,
    /// Finished sent (encrypted handshake after CCS, or decrypted).
    finished: bool,
}

/// The part of the tracker that records are dispatched to (kept apart
/// from the framers so both can be borrowed at once).
struct Core {
    sides: [Side; 2],
    facts: TlsFacts,
    keys: KeyMaterial,
    decryptor: Option<Box<dyn Decryptor>>,
    tls13: bool,
    server_hello_seen: bool,
    server_certificate_seen: bool,
    server_hello_done: bool,
    client_session_id: Vec<u8>,
    client_offered_ticket: bool,
    client_offered_ems: bool,
    client_offered_etm: bool,
}

/// Tracks one TLS connection; fed with the two TCP byte streams.
pub struct TlsConnection {
    streams: [RecordStream; 2],
    core: Core,
}

impl std::fmt::Debug for TlsConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConnection")
            .field("facts", &self.core.facts)
            .finish_non_exhaustive()
    }
}

impl TlsConnection {
    /// A tracker for the connection from `client` (the side that sends the
    /// ClientHello) to `server`.
    pub fn new(client: SocketAddr, server: SocketAddr) -> Self {
        TlsConnection {
            streams: [RecordStream::new(), RecordStream::new()],
            core: Core {
                sides: [Side::default(), Side::default()],
                facts: TlsFacts {
                    client,
                    server,
                    version: None,
                    sni: None,
                    client_hello: None,
                    server_hello: None,
                    hello_retry_request: false,
                    cipher_suite: None,
                    key_exchange: None,
                    client_random: None,
                    server_random: None,
                    certificates: Vec::new(),
                    certificates_not_kept: 0,
                    client_certificates: Vec::new(),
                    server_key_exchange: None,
                    certificate_requested: false,
                    client_key_exchange_len: None,
                    session_ticket_issued: false,
                    resumption: None,
                    handshake_completed: false,
                    handshake_completed_at: None,
                    handshake_messages: Vec::new(),
                    handshake_messages_total: 0,
                    alerts: Vec::new(),
                    alerts_total: 0,
                    client_to_server: DirectionFacts::default(),
                    server_to_client: DirectionFacts::default(),
                    shape: ShapeFeatures::default(),
                    problems: Vec::new(),
                    problems_total: 0,
                    decryption: None,
                },
                keys: KeyMaterial::default(),
                decryptor: None,
                tls13: false,
                server_hello_seen: false,
                server_certificate_seen: false,
                server_hello_done: false,
                client_session_id: Vec::new(),
                client_offered_ticket: false,
                client_offered_ems: false,
                client_offered_etm: false,
            },
        }
    }

    /// Routes protected records through `decryptor` from now on.
    pub fn set_decryptor(&mut self, decryptor: Box<dyn Decryptor>) {
        self.core.decryptor = Some(decryptor);
    }

    /// In-order TCP bytes of `direction`, carried by `frame`. Decrypted
    /// application data goes to `app` (only with a decryptor).
    pub fn data(
        &mut self,
        direction: Direction,
        bytes: &[u8],
        frame: u64,
        ts: Timestamp,
        app: &mut dyn FnMut(&ApplicationData<'_>),
    ) {
        let core = &mut self.core;
        if let Some(stream) = self.streams.get_mut(direction.index()) {
            stream.push(bytes, frame, ts, &mut |item| core.item(direction, item, app));
        }
    }

    /// `missing` bytes of `direction` were lost (TCP gap noticed in
    /// `frame`): handshake parsing of that direction stops.
    pub fn gap(&mut self, direction: Direction, missing: u64, frame: u64) {
        let core = &mut self.core;
        if let Some(stream) = self.streams.get_mut(direction.index()) {
            stream.gap(missing, frame, &mut |item| {
                core.item(direction, item, &mut |_| {})
            });
        }
        let d = core.dir_facts(direction);
        d.gaps += 1;
        d.missing_bytes = d.missing_bytes.saturating_add(missing);
        core.problem(direction, frame, "gap", format!("{missing} bytes lost"));
        if let Some(side) = core.sides.get_mut(direction.index()) {
            side.handshake_broken = true;
            side.handshake.interrupt();
        }
    }

    /// The sender of `direction` closed its side (TCP FIN).
    pub fn fin(&mut self, direction: Direction, frame: u64, ts: Timestamp) {
        self.core
            .dir_facts(direction)
            .fin
            .get_or_insert(At::new(frame, ts));
    }

    /// The sender of `direction` reset the connection (TCP RST).
    pub fn rst(&mut self, direction: Direction, frame: u64, ts: Timestamp) {
        self.core
            .dir_facts(direction)
            .rst
            .get_or_insert(At::new(frame, ts));
    }

    /// End of the connection or capture: records and handshake messages
    /// left incomplete are reported.
    pub fn finish(&mut self) {
        for direction in [Direction::ClientToServer, Direction::ServerToClient] {
            let core = &mut self.core;
            if let Some(stream) = self.streams.get_mut(direction.index()) {
                stream.finish(&mut |item| core.item(direction, item, &mut |_| {}));
            }
            let pending = core
                .sides
                .get_mut(direction.index())
                .map_or(0, |s| s.handshake.interrupt());
            if pending > 0 {
                let frame = core.dir_facts(direction).last_record.map_or(0, |a| a.frame);
                core.problem(
                    direction,
                    frame,
                    "partial_handshake_message",
                    format!("{pending} bytes of a handshake message never completed"),
                );
            }
        }
    }

    /// The values a decryptor needs (randoms, suite, premaster); not
    /// serialised.
    pub fn key_material(&self) -> &KeyMaterial {
        &self.core.keys
    }

    /// True once the ServerHello chose TLS 1.3.
    pub fn is_tls13(&self) -> bool {
        self.core.tls13
    }

    /// The facts so far, with framer counters and shape features filled in.
    pub fn facts(&self) -> TlsFacts {
        let mut facts = self.core.facts.clone();
        for (d, stream) in [&mut facts.client_to_server, &mut facts.server_to_client]
            .into_iter()
            .zip(&self.streams)
        {
            let s = stream.stats();
            d.sslv2_client_hellos = s.sslv2_client_hellos;
            d.partial_records = s.partial_records;
            d.unframed_bytes = s.unframed_bytes;
            d.framing_lost = s.framing_lost;
            d.resyncs = s.resyncs;
        }
        facts.shape = shape(&facts);
        facts.decryption = self.core.decryptor.as_ref().map(|d| d.report(&self.core.keys));
        facts
    }
}

fn shape(f: &TlsFacts) -> ShapeFeatures {
    let (c, s) = (
        &f.client_to_server.application_data,
        &f.server_to_client.application_data,
    );
    let records = c.records + s.records;
    let bytes = c.bytes.saturating_add(s.bytes);
    let span = |a: Option<At>, b: Option<At>, x: Option<At>, y: Option<At>| {
        let first = [a, x].into_iter().flatten().map(|t| t.time).reduce(f64::min);
        let last = [b, y].into_iter().flatten().map(|t| t.time).reduce(f64::max);
        match (first, last) {
            (Some(first), Some(last)) => (last - first).max(0.0),
            _ => 0.0,
        }
    };
    let app_secs = span(c.first, c.last, s.first, s.last);
    let (cd, sd) = (&f.client_to_server, &f.server_to_client);
    let connection_secs = span(cd.first_record, cd.last_record, sd.first_record, sd.last_record);
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    ShapeFeatures {
        server_port: f.server.port(),
        port_443: f.server.port() == 443,
        sni_present: f.sni.is_some(),
        bidirectional: c.records > 0 && s.records > 0,
        application_data_records: records,
        application_data_bytes: bytes,
        application_data_secs: app_secs,
        connection_secs,
        small_record_fraction: ratio((c.small_records + s.small_records) as f64, records as f64),
        mean_record_len: ratio(bytes as f64, records as f64),
        records_per_second: ratio(records as f64, app_secs),
    }
}

fn extensions_seen(exts: &[Extension], raw_lengths: &[usize]) -> Vec<ExtensionSeen> {
    exts.iter()
        .zip(raw_lengths.iter().copied().chain(std::iter::repeat(0)))
        .map(|(e, length)| ExtensionSeen {
            extension_type: e.extension_type(),
            length,
        })
        .collect()
}

/// The raw (type, length) of each extension in a hello body, read from
/// the bytes after the fixed fields. `None` when the layout does not
/// allow it (the parsed hello decides validity; this only fills in
/// lengths).
fn raw_extension_lengths(body: &[u8], client: bool) -> Option<Vec<usize>> {
    let be16 = |at: usize| -> Option<usize> {
        let b = body.get(at..at.checked_add(2)?)?;
        Some(usize::from(u16::from_be_bytes([*b.first()?, *b.get(1)?])))
    };
    let mut at = 2 + 32;
    at += 1 + usize::from(*body.get(at)?);
    if client {
        at += 2 + be16(at)?;
        at += 1 + usize::from(*body.get(at)?);
    } else {
        at += 3;
    }
    let end = at.checked_add(2)?.checked_add(be16(at)?)?;
    at += 2;
    let mut out = Vec::new();
    while at < end {
        let len = be16(at + 2)?;
        out.push(len);
        at += 4 + len;
    }
    Some(out)
}

fn client_hello_facts(h: &ClientHello, raw: &[usize], at: At) -> ClientHelloFacts {
    let mut f = ClientHelloFacts {
        at,
        version: h.version,
        sslv2_compatible: false,
        session_id: hex(&h.session_id),
        cipher_suites: h.cipher_suites.clone(),
        compression_methods: h.compression_methods.clone(),
        extensions: extensions_seen(&h.extensions, raw),
        server_name: None,
        supported_versions: Vec::new(),
        alpn: Vec::new(),
        supported_groups: Vec::new(),
        signature_algorithms: Vec::new(),
        key_share_groups: Vec::new(),
        extended_master_secret: false,
        encrypt_then_mac: false,
        renegotiation_info: false,
        session_ticket: None,
    };
    for e in &h.extensions {
        match e {
            Extension::ServerName(names) => f.server_name = names.first().cloned(),
            Extension::SupportedVersions(v) => f.supported_versions.clone_from(v),
            Extension::Alpn(names) => f.alpn.clone_from(names),
            Extension::SupportedGroups(g) => f.supported_groups.clone_from(g),
            Extension::SignatureAlgorithms(s) => f.signature_algorithms.clone_from(s),
            Extension::KeyShare(g) => f.key_share_groups.clone_from(g),
            Extension::ExtendedMasterSecret => f.extended_master_secret = true,
            Extension::EncryptThenMac => f.encrypt_then_mac = true,
            Extension::RenegotiationInfo(_) => f.renegotiation_info = true,
            Extension::SessionTicket(len) => f.session_ticket = Some(*len),
            _ => {}
        }
    }
    // The signalling suite stands in for renegotiation_info (RFC 5746
    // §3.3).
    if h.cipher_suites
        .contains(&CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV)
    {
        f.renegotiation_info = true;
    }
    f
}

fn server_hello_facts(h: &ServerHello, raw: &[usize], at: At) -> ServerHelloFacts {
    let mut f = ServerHelloFacts {
        at,
        version: h.version,
        session_id: hex(&h.session_id),
        cipher_suite: h.cipher_suite,
        compression_method: h.compression_method,
        extensions: extensions_seen(&h.extensions, raw),
        selected_version: None,
        alpn: None,
        key_share_group: None,
        extended_master_secret: false,
        encrypt_then_mac: false,
        renegotiation_info: false,
    };
    for e in &h.extensions {
        match e {
            Extension::SupportedVersions(v) => f.selected_version = v.first().copied(),
            Extension::Alpn(names) => f.alpn = names.first().cloned(),
            Extension::KeyShare(g) => f.key_share_group = g.first().copied(),
            Extension::ExtendedMasterSecret => f.extended_master_secret = true,
            Extension::EncryptThenMac => f.encrypt_then_mac = true,
            Extension::RenegotiationInfo(_) => f.renegotiation_info = true,
            _ => {}
        }
    }
    f
}

/// The encrypted premaster secret inside an RSA ClientKeyExchange: TLS
/// puts a 2-byte length before it, SSL 3.0 does not (RFC 5246 §7.4.7.1).
fn encrypted_premaster(body: &[u8], version: Option<ProtocolVersion>) -> Vec<u8> {
    if version == Some(ProtocolVersion::SSL_3_0) {
        return body.to_vec();
    }
    match body {
        [hi, lo, rest @ ..] if usize::from(u16::from_be_bytes([*hi, *lo])) == rest.len() => rest.to_vec(),
        _ => body.to_vec(),
    }
}

impl Core {
    fn dir_facts(&mut self, direction: Direction) -> &mut DirectionFacts {
        match direction {
            Direction::ClientToServer => &mut self.facts.client_to_server,
            Direction::ServerToClient => &mut self.facts.server_to_client,
        }
    }

    fn side(&mut self, direction: Direction) -> &mut Side {
        let [c, s] = &mut self.sides;
        match direction {
            Direction::ClientToServer => c,
            Direction::ServerToClient => s,
        }
    }

    fn problem(&mut self, direction: Direction, frame: u64, kind: &'static str, detail: String) {
        self.facts.problems_total += 1;
        if self.facts.problems.len() < MAX_PROBLEMS {
            self.facts.problems.push(TlsProblem {
                direction,
                frame,
                kind,
                detail,
            });
        }
    }

    fn item(
        &mut self,
        direction: Direction,
        item: RecordItem<'_>,
        app: &mut dyn FnMut(&ApplicationData<'_>),
    ) {
        match item {
            RecordItem::Record(record) => self.record(direction, &record, app),
            RecordItem::Sslv2ClientHello(hello) => self.sslv2_client_hello(direction, &hello),
            RecordItem::Partial {
                frame, have, length, ..
            } => {
                let detail = match length {
                    Some(len) => format!("record cut after {have} bytes (fragment length {len})"),
                    None => format!("record cut after {have} bytes of its header"),
                };
                self.problem(direction, frame, "partial_record", detail);
            }
            RecordItem::FramingLost { frame, cause, .. } => {
                let detail = match cause {
                    LostCause::Gap { missing } => {
                        format!(
                            "{missing} bytes lost at an unknown record boundary; records no longer framed"
                        )
                    }
                    LostCause::BadHeader { bytes } => {
                        format!(
                            "bytes {} are not a TLS record header; records no longer framed",
                            hex(&bytes)
                        )
                    }
                };
                self.problem(direction, frame, "framing_lost", detail);
                let side = self.side(direction);
                side.handshake_broken = true;
                side.handshake.interrupt();
            }
            RecordItem::Resync {
                frame, skipped_bytes, ..
            } => {
                self.problem(
                    direction,
                    frame,
                    "resync",
                    format!("records framed again after {skipped_bytes} unframed bytes"),
                );
            }
        }
    }

    fn sslv2_client_hello(&mut self, direction: Direction, h: &Sslv2ClientHello) {
        let at = At::new(h.frame, h.ts);
        self.count_handshake_event(HandshakeEvent {
            direction,
            msg_type: HandshakeType::CLIENT_HELLO,
            length: h.len.saturating_sub(2),
            at,
            decrypted: false,
            error: None,
        });
        let random = h.client_random();
        self.keys.client_hello_seen = true;
        self.keys.client_random = Some(random);
        self.facts.client_random = Some(hex(&random));
        self.facts.client_hello = Some(ClientHelloFacts {
            at,
            version: h.version,
            sslv2_compatible: true,
            session_id: String::new(),
            cipher_suites: h.cipher_suites.clone(),
            compression_methods: vec![0],
            extensions: Vec::new(),
            server_name: None,
            supported_versions: Vec::new(),
            alpn: Vec::new(),
            supported_groups: Vec::new(),
            signature_algorithms: Vec::new(),
            key_share_groups: Vec::new(),
            extended_master_secret: false,
            encrypt_then_mac: false,
            renegotiation_info: h
                .cipher_suites
                .contains(&CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV),
            session_ticket: None,
        });
    }

    fn record(&mut self, direction: Direction, rec: &Record<'_>, app: &mut dyn FnMut(&ApplicationData<'_>)) {
        let at = At::new(rec.frame, rec.ts);
        let len = rec.fragment.len() as u64;
        {
            let d = self.dir_facts(direction);
            d.records += 1;
            d.record_bytes = d.record_bytes.saturating_add(len);
            d.first_record.get_or_insert(at);
            d.last_record = Some(at);
            match rec.content_type {
                ContentType::CHANGE_CIPHER_SPEC => {
                    d.change_cipher_spec_records += 1;
                    d.change_cipher_spec.get_or_insert(at);
                }
                ContentType::ALERT => d.alert_records += 1,
                ContentType::HANDSHAKE => d.handshake_records += 1,
                ContentType::APPLICATION_DATA => d.application_data_records += 1,
                ContentType::HEARTBEAT => d.heartbeat_records += 1,
                _ => d.other_records += 1,
            }
        }

        if rec.content_type == ContentType::APPLICATION_DATA
            && !self.keys.client_hello_seen
            && !self.server_hello_seen
        {
            // The capture began after the handshake: this direction's
            // records are all protected, alerts included.
            self.side(direction).protected = true;
        }
        let protected = if self.tls13 {
            // Only application_data records are protected in TLS 1.3; the
            // compatibility ChangeCipherSpec is not (RFC 8446 §5, §D.4).
            rec.content_type == ContentType::APPLICATION_DATA
        } else {
            self.side(direction).protected
        };
        if rec.content_type == ContentType::CHANGE_CIPHER_SPEC && !protected {
            if !self.tls13 {
                self.change_cipher_spec(direction);
            }
            return;
        }
        if !protected {
            if rec.content_type == ContentType::APPLICATION_DATA {
                // Application data is never expected in the clear: count it
                // as ciphertext of a handshake this capture missed.
                self.application_data(direction, rec, at);
                return;
            }
            self.plaintext(direction, rec.content_type, rec.fragment, rec, false, app);
            return;
        }
        let opened = match self.decryptor.as_mut() {
            Some(dec) => dec.decrypt(&self.keys, direction, rec),
            None => Opened::NoKeys,
        };
        match opened {
            Opened::Plain(plain) => {
                if plain.content_type == ContentType::APPLICATION_DATA {
                    self.application_data(direction, rec, at);
                }
                self.plaintext(direction, plain.content_type, &plain.data, rec, true, app);
            }
            Opened::NoKeys => self.encrypted(direction, rec, at),
            Opened::Failed(error) => {
                self.problem(direction, rec.frame, "decrypt_failed", error);
                self.encrypted(direction, rec, at);
            }
        }
    }

    /// A protected record that could not be opened.
    fn encrypted(&mut self, direction: Direction, rec: &Record<'_>, at: At) {
        match rec.content_type {
            ContentType::HANDSHAKE => self.encrypted_handshake(direction, at),
            ContentType::ALERT => self.alert_fact(AlertFact {
                direction,
                at,
                encrypted: true,
                level: None,
                description: None,
                length: rec.fragment.len(),
            }),
            ContentType::APPLICATION_DATA if self.tls13 => {
                // The encrypted handshake flights, told apart by order.
                let client_finished = self.side(Direction::ClientToServer).finished;
                let is_handshake = match direction {
                    Direction::ServerToClient => !client_finished,
                    Direction::ClientToServer => !client_finished && self.server_hello_seen,
                };
                if is_handshake {
                    self.encrypted_handshake(direction, at);
                } else {
                    self.application_data(direction, rec, at);
                }
            }
            ContentType::APPLICATION_DATA => self.application_data(direction, rec, at),
            // A renegotiation's ChangeCipherSpec under the old keys, or a
            // heartbeat: counted above.
            _ => {}
        }
    }

    fn encrypted_handshake(&mut self, direction: Direction, at: At) {
        let d = self.dir_facts(direction);
        d.encrypted_handshake_records += 1;
        d.encrypted_handshake.get_or_insert(at);
        self.finished(direction, at);
    }

    /// `direction` finished its side of the handshake.
    fn finished(&mut self, direction: Direction, at: At) {
        self.side(direction).finished = true;
        let done = if self.tls13 {
            self.side(Direction::ClientToServer).finished
        } else {
            self.sides.iter().all(|s| s.finished)
        };
        if done {
            self.completed(at);
        }
    }

    fn completed(&mut self, at: At) {
        if !self.facts.handshake_completed {
            self.facts.handshake_completed = true;
            self.facts.handshake_completed_at = Some(at);
        }
    }

    fn change_cipher_spec(&mut self, direction: Direction) {
        self.side(direction).protected = true;
        if direction == Direction::ServerToClient
            && self.server_hello_seen
            && !self.server_certificate_seen
            && !self.server_hello_done
            && self.facts.resumption.is_none()
        {
            // Abbreviated handshake: the server goes straight from its hello
            // to ChangeCipherSpec (RFC 5246 §7.3, RFC 5077 §3.1).
            let echoed = !self.client_session_id.is_empty() && self.client_session_id == self.keys.session_id;
            self.facts.resumption = Some(if self.client_offered_ticket {
                Resumption::SessionTicket
            } else if echoed {
                Resumption::SessionId
            } else {
                Resumption::Abbreviated
            });
        }
        if let Some(dec) = self.decryptor.as_mut() {
            dec.change_cipher_spec(&self.keys, direction);
        }
    }

    fn application_data(&mut self, direction: Direction, rec: &Record<'_>, at: At) {
        let len = rec.fragment.len() as u64;
        let a = &mut self.dir_facts(direction).application_data;
        a.records += 1;
        a.bytes = a.bytes.saturating_add(len);
        if rec.fragment.len() <= SMALL_RECORD_LEN {
            a.small_records += 1;
        }
        a.largest_record = a.largest_record.max(len);
        a.first.get_or_insert(at);
        a.last = Some(at);
        let both = self.facts.client_to_server.application_data.records > 0
            && self.facts.server_to_client.application_data.records > 0;
        if both {
            self.completed(at);
        }
    }

    fn alert_fact(&mut self, fact: AlertFact) {
        self.facts.alerts_total += 1;
        if self.facts.alerts.len() < MAX_ALERTS {
            self.facts.alerts.push(fact);
        }
    }

    /// A record's content in the clear: sent so, or decrypted.
    fn plaintext(
        &mut self,
        direction: Direction,
        content_type: ContentType,
        data: &[u8],
        rec: &Record<'_>,
        decrypted: bool,
        app: &mut dyn FnMut(&ApplicationData<'_>),
    ) {
        let at = At::new(rec.frame, rec.ts);
        match content_type {
            ContentType::HANDSHAKE => {
                if decrypted {
                    let d = self.dir_facts(direction);
                    d.encrypted_handshake_records += 1;
                    d.encrypted_handshake.get_or_insert(at);
                }
                if self.side(direction).handshake_broken {
                    return;
                }
                let mut reassembler = std::mem::take(&mut self.side(direction).handshake);
                reassembler.push(data, rec.frame, rec.ts, &mut |item| {
                    self.handshake_item(direction, item, decrypted);
                });
                self.side(direction).handshake = reassembler;
            }
            ContentType::ALERT => match parse_alerts(data) {
                Ok(alerts) => {
                    for a in alerts {
                        self.alert_fact(AlertFact {
                            direction,
                            at,
                            encrypted: false,
                            level: Some(a.level),
                            description: Some(a.description),
                            length: data.len(),
                        });
                    }
                }
                Err(e) => self.problem(direction, rec.frame, "malformed_alert", e.to_string()),
            },
            ContentType::CHANGE_CIPHER_SPEC => self.change_cipher_spec(direction),
            ContentType::APPLICATION_DATA => app(&ApplicationData {
                direction,
                data,
                first_frame: rec.first_frame,
                frame: rec.frame,
                ts: rec.ts,
            }),
            _ => {}
        }
    }

    fn count_handshake_event(&mut self, event: HandshakeEvent) {
        self.facts.handshake_messages_total += 1;
        if self.facts.handshake_messages.len() < MAX_HANDSHAKE_EVENTS {
            self.facts.handshake_messages.push(event);
        }
    }

    fn handshake_item(&mut self, direction: Direction, item: HandshakeItem<'_>, decrypted: bool) {
        let (msg_type, body, raw, frame, ts) = match item {
            HandshakeItem::Message {
                msg_type,
                body,
                raw,
                frame,
                ts,
                ..
            } => (msg_type, body, raw, frame, ts),
            HandshakeItem::TooLong {
                msg_type,
                length,
                frame,
            } => {
                self.problem(
                    direction,
                    frame,
                    "handshake_too_long",
                    format!("{msg_type} of {length} bytes skipped"),
                );
                return;
            }
        };
        let at = At::new(frame, ts);
        if let Some(dec) = self.decryptor.as_mut() {
            dec.handshake_message(&self.keys, direction, raw);
        }
        let parsed = parse_handshake(msg_type, body, self.tls13);
        self.count_handshake_event(HandshakeEvent {
            direction,
            msg_type,
            length: body.len(),
            at,
            decrypted,
            error: parsed.as_ref().err().map(ToString::to_string),
        });
        let message = match parsed {
            Ok(m) => m,
            Err(e) => {
                self.problem(direction, frame, "malformed_handshake", e.to_string());
                return;
            }
        };
        let from_client = direction == Direction::ClientToServer;
        match message {
            HandshakeMessage::ClientHello(h) if from_client => {
                let raw_lengths = raw_extension_lengths(body, true).unwrap_or_default();
                let f = client_hello_facts(&h, &raw_lengths, at);
                self.facts.sni.clone_from(&f.server_name);
                self.client_offered_ticket = f.session_ticket.is_some_and(|n| n > 0);
                self.client_offered_ems = f.extended_master_secret;
                self.client_offered_etm = f.encrypt_then_mac;
                self.facts.client_hello = Some(f);
                self.client_session_id = h.session_id;
                self.keys.client_hello_seen = true;
                self.keys.client_random = Some(h.random);
                self.facts.client_random = Some(hex(&h.random));
            }
            HandshakeMessage::ServerHello(h) if !from_client => self.server_hello(&h, body, at),
            HandshakeMessage::Certificate(chain) => {
                let kept = if from_client {
                    &mut self.facts.client_certificates
                } else {
                    self.server_certificate_seen = true;
                    self.keys.server_certificate = chain.first().map(|der| der.to_vec());
                    &mut self.facts.certificates
                };
                kept.clear();
                let mut not_kept = 0;
                for der in chain {
                    if kept.len() < MAX_CERTIFICATES {
                        kept.push(read_certificate(der));
                    } else {
                        not_kept += 1;
                    }
                }
                self.facts.certificates_not_kept += not_kept;
            }
            HandshakeMessage::ServerKeyExchange(b) if !from_client => {
                let params = match self.facts.key_exchange {
                    Some(KeyExchange::Ecdhe) => key_exchange_params(b, true),
                    Some(KeyExchange::Dhe) => key_exchange_params(b, false),
                    _ => None,
                };
                self.facts.server_key_exchange = Some(ServerKeyExchangeFacts {
                    at,
                    length: b.len(),
                    params,
                });
            }
            HandshakeMessage::CertificateRequest(_) if !from_client => {
                self.facts.certificate_requested = true
            }
            HandshakeMessage::ServerHelloDone if !from_client => self.server_hello_done = true,
            HandshakeMessage::ClientKeyExchange(b) if from_client => {
                self.facts.client_key_exchange_len = Some(b.len());
                self.keys.client_key_exchange = Some(b.to_vec());
                if self.facts.key_exchange == Some(KeyExchange::Rsa) {
                    self.keys.encrypted_premaster = Some(encrypted_premaster(b, self.keys.version));
                }
            }
            HandshakeMessage::NewSessionTicket { .. } if !from_client => {
                self.facts.session_ticket_issued = true
            }
            HandshakeMessage::Finished(_) => self.finished(direction, at),
            HandshakeMessage::ClientHello(_)
            | HandshakeMessage::ServerHello(_)
            | HandshakeMessage::ServerKeyExchange(_)
            | HandshakeMessage::CertificateRequest(_)
            | HandshakeMessage::ServerHelloDone
            | HandshakeMessage::ClientKeyExchange(_)
            | HandshakeMessage::NewSessionTicket { .. } => {
                self.problem(
                    direction,
                    frame,
                    "unexpected_message",
                    format!(
                        "{msg_type} sent by the {}",
                        if from_client { "client" } else { "server" }
                    ),
                );
            }
            _ => {}
        }
    }

    fn server_hello(&mut self, h: &ServerHello, body: &[u8], at: At) {
        let raw_lengths = raw_extension_lengths(body, false).unwrap_or_default();
        if h.hello_retry_request {
            // Only TLS 1.3 has HelloRetryRequest; the client's
            // compatibility ChangeCipherSpec that may follow it must not
            // mark its second ClientHello as protected (RFC 8446 §D.4).
            self.facts.hello_retry_request = true;
            self.tls13 = true;
            return;
        }
        let f = server_hello_facts(h, &raw_lengths, at);
        let version = h.negotiated_version();
        self.tls13 = version == ProtocolVersion::TLS_1_3;
        self.server_hello_seen = true;
        self.facts.version = Some(version);
        self.facts.cipher_suite = Some(h.cipher_suite);
        self.facts.key_exchange = Some(if self.tls13 {
            KeyExchange::Tls13
        } else {
            h.cipher_suite.key_exchange()
        });
        self.facts.server_random = Some(hex(&h.random));
        if self.tls13 && h.extensions.contains(&Extension::PreSharedKey) {
            self.facts.resumption = Some(Resumption::PreSharedKey);
        }
        self.keys.server_hello_seen = true;
        self.keys.version = Some(version);
        self.keys.cipher_suite = Some(h.cipher_suite);
        self.keys.server_random = Some(h.random);
        self.keys.session_id.clone_from(&h.session_id);
        self.keys.extended_master_secret = f.extended_master_secret && self.client_offered_ems;
        self.keys.encrypt_then_mac = f.encrypt_then_mac && self.client_offered_etm;
        self.facts.server_hello = Some(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::handshake::tests::{
        client_hello_body, message, server_hello_12_body, server_hello_13_body,
    };
    use crate::tls::x509::tests::{ca_der, leaf_der, leaf_info};

    const C2S: Direction = Direction::ClientToServer;
    const S2C: Direction = Direction::ServerToClient;

    fn record(t: u8, version: u16, body: &[u8]) -> Vec<u8> {
        let mut out = vec![t];
        out.extend_from_slice(&version.to_be_bytes());
        out.extend_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
        out.extend_from_slice(body);
        out
    }

    fn ts(frame: u64) -> Timestamp {
        Timestamp::new(100 + frame as i64, 0)
    }

    fn at(frame: u64) -> At {
        At::new(frame, ts(frame))
    }

    fn conn() -> TlsConnection {
        TlsConnection::new("10.0.0.2:50000".parse().unwrap(), "10.0.0.1:443".parse().unwrap())
    }

    fn push(c: &mut TlsConnection, d: Direction, frame: u64, bytes: &[u8]) {
        c.data(d, bytes, frame, ts(frame), &mut |_| {
            panic!("no plaintext without a decryptor")
        });
    }

    fn certificate_message(certs: &[Vec<u8>]) -> Vec<u8> {
        let mut list = Vec::new();
        for c in certs {
            list.extend_from_slice(&c.len().to_be_bytes()[5..]);
            list.extend_from_slice(c);
        }
        let mut body = list.len().to_be_bytes()[5..].to_vec();
        body.extend(list);
        message(11, &body)
    }

    /// A TLS 1.2 full handshake with ECDHE, the server's flight split over
    /// records and TCP pushes, then application data and an encrypted
    /// close_notify.
    #[test]
    fn tls12_full_handshake_every_fact() {
        let mut c = conn();
        let ch = message(1, &client_hello_body());
        // ClientHello split over two records, the second in another push.
        let (a, b) = ch.split_at(100);
        push(&mut c, C2S, 4, &record(22, 0x0301, a));
        push(&mut c, C2S, 5, &record(22, 0x0301, b));

        // Server: ServerHello + Certificate (leaf, CA) + ServerKeyExchange
        // + ServerHelloDone, one handshake stream cut into three records,
        // the records cut across three pushes.
        let mut flight = message(2, &server_hello_12_body());
        flight.extend(certificate_message(&[leaf_der(), ca_der()]));
        let mut ske = vec![3, 0, 23, 65];
        ske.extend([4u8; 65]);
        ske.extend([0x04, 0x03, 0, 2, 0xaa, 0xbb]);
        flight.extend(message(12, &ske));
        flight.extend(message(14, &[]));
        let mut wire = Vec::new();
        for part in [&flight[..50], &flight[50..900], &flight[900..]] {
            wire.extend(record(22, 0x0303, part));
        }
        push(&mut c, S2C, 6, &wire[..30]);
        push(&mut c, S2C, 7, &wire[30..1000]);
        push(&mut c, S2C, 8, &wire[1000..]);

        // Client: ClientKeyExchange, CCS, Finished (encrypted), one push.
        let mut cke = vec![65u8];
        cke.extend([5u8; 65]);
        let mut w = record(22, 0x0303, &message(16, &cke));
        w.extend(record(20, 0x0303, &[1]));
        w.extend(record(22, 0x0303, &[0x77; 40]));
        push(&mut c, C2S, 9, &w);
        let mut w = record(20, 0x0303, &[1]);
        w.extend(record(22, 0x0303, &[0x66; 40]));
        push(&mut c, S2C, 10, &w);
        // Application data: three small records and a big one.
        push(&mut c, C2S, 11, &record(23, 0x0303, &[1; 100]));
        push(&mut c, S2C, 12, &record(23, 0x0303, &[2; 300]));
        push(&mut c, C2S, 13, &record(23, 0x0303, &[3; 50]));
        push(&mut c, S2C, 14, &record(23, 0x0303, &[4; 30]));
        push(&mut c, C2S, 15, &record(21, 0x0303, &[9; 26]));
        c.fin(C2S, 15, ts(15));
        c.fin(S2C, 16, ts(16));
        c.finish();

        let f = c.facts();
        let mut random = [0u8; 32];
        for (i, r) in random.iter_mut().enumerate() {
            *r = i as u8;
        }
        let ext = |t: u16, length| ExtensionSeen {
            extension_type: ExtensionType(t),
            length,
        };
        let expected = TlsFacts {
            client: "10.0.0.2:50000".parse().unwrap(),
            server: "10.0.0.1:443".parse().unwrap(),
            version: Some(ProtocolVersion::TLS_1_2),
            sni: Some("vpn.example.test".into()),
            client_hello: Some(ClientHelloFacts {
                at: at(5),
                version: ProtocolVersion::TLS_1_2,
                sslv2_compatible: false,
                session_id: "aa".repeat(32),
                cipher_suites: [0x1301, 0x1302, 0xc02f, 0x002f, 0x0a0a].map(CipherSuite).to_vec(),
                compression_methods: vec![0],
                extensions: vec![
                    ext(0x0a0a, 0),
                    ext(0, 21),
                    ext(16, 14),
                    ext(43, 5),
                    ext(10, 6),
                    ext(13, 6),
                    ext(51, 38),
                    ext(23, 0),
                    ext(22, 0),
                    ext(0xff01, 1),
                    ext(0x1234, 3),
                ],
                server_name: Some("vpn.example.test".into()),
                supported_versions: vec![ProtocolVersion::TLS_1_3, ProtocolVersion::TLS_1_2],
                alpn: vec!["h2".into(), "http/1.1".into()],
                supported_groups: vec![NamedGroup::X25519, NamedGroup::SECP256R1],
                signature_algorithms: vec![SignatureScheme(0x0403), SignatureScheme(0x0804)],
                key_share_groups: vec![NamedGroup::X25519],
                extended_master_secret: true,
                encrypt_then_mac: true,
                renegotiation_info: true,
                session_ticket: None,
            }),
            server_hello: Some(ServerHelloFacts {
                at: at(7),
                version: ProtocolVersion::TLS_1_2,
                session_id: "11".repeat(32),
                cipher_suite: CipherSuite(0xc02f),
                compression_method: 0,
                extensions: vec![ext(0xff01, 1), ext(23, 0), ext(16, 5), ext(11, 2)],
                selected_version: None,
                alpn: Some("h2".into()),
                key_share_group: None,
                extended_master_secret: true,
                encrypt_then_mac: false,
                renegotiation_info: true,
            }),
            hello_retry_request: false,
            cipher_suite: Some(CipherSuite(0xc02f)),
            key_exchange: Some(KeyExchange::Ecdhe),
            client_random: Some(hex(&random)),
            server_random: Some("5a".repeat(32)),
            certificates: vec![leaf_info(), read_certificate(&ca_der())],
            certificates_not_kept: 0,
            client_certificates: vec![],
            server_key_exchange: Some(ServerKeyExchangeFacts {
                at: at(8),
                length: 75,
                params: Some(KeyExchangeParams {
                    named_group: Some(NamedGroup::SECP256R1),
                    dh_prime_bits: None,
                }),
            }),
            certificate_requested: false,
            client_key_exchange_len: Some(66),
            session_ticket_issued: false,
            resumption: None,
            handshake_completed: true,
            handshake_completed_at: Some(at(10)),
            handshake_messages: vec![
                HandshakeEvent {
                    direction: C2S,
                    msg_type: HandshakeType(1),
                    length: ch.len() - 4,
                    at: at(5),
                    decrypted: false,
                    error: None,
                },
                HandshakeEvent {
                    direction: S2C,
                    msg_type: HandshakeType(2),
                    length: server_hello_12_body().len(),
                    at: at(7),
                    decrypted: false,
                    error: None,
                },
                HandshakeEvent {
                    direction: S2C,
                    msg_type: HandshakeType(11),
                    length: 3 + 3 + 738 + 3 + 632,
                    at: at(8),
                    decrypted: false,
                    error: None,
                },
                HandshakeEvent {
                    direction: S2C,
                    msg_type: HandshakeType(12),
                    length: 75,
                    at: at(8),
                    decrypted: false,
                    error: None,
                },
                HandshakeEvent {
                    direction: S2C,
                    msg_type: HandshakeType(14),
                    length: 0,
                    at: at(8),
                    decrypted: false,
                    error: None,
                },
                HandshakeEvent {
                    direction: C2S,
                    msg_type: HandshakeType(16),
                    length: 66,
                    at: at(9),
                    decrypted: false,
                    error: None,
                },
            ],
            handshake_messages_total: 6,
            alerts: vec![AlertFact {
                direction: C2S,
                at: at(15),
                encrypted: true,
                level: None,
                description: None,
                length: 26,
            }],
            alerts_total: 1,
            client_to_server: DirectionFacts {
                records: 8,
                record_bytes: (ch.len() + 4 + 66 + 1 + 40 + 100 + 50 + 26) as u64,
                handshake_records: 4,
                change_cipher_spec_records: 1,
                alert_records: 1,
                application_data_records: 2,
                heartbeat_records: 0,
                other_records: 0,
                encrypted_handshake_records: 1,
                change_cipher_spec: Some(at(9)),
                encrypted_handshake: Some(at(9)),
                application_data: ApplicationDataFacts {
                    records: 2,
                    bytes: 150,
                    small_records: 2,
                    largest_record: 100,
                    first: Some(at(11)),
                    last: Some(at(13)),
                },
                first_record: Some(at(4)),
                last_record: Some(at(15)),
                fin: Some(at(15)),
                ..DirectionFacts::default()
            },
            server_to_client: DirectionFacts {
                records: 7,
                record_bytes: (flight.len() + 1 + 40 + 300 + 30) as u64,
                handshake_records: 4,
                change_cipher_spec_records: 1,
                alert_records: 0,
                application_data_records: 2,
                encrypted_handshake_records: 1,
                change_cipher_spec: Some(at(10)),
                encrypted_handshake: Some(at(10)),
                application_data: ApplicationDataFacts {
                    records: 2,
                    bytes: 330,
                    small_records: 1,
                    largest_record: 300,
                    first: Some(at(12)),
                    last: Some(at(14)),
                },
                first_record: Some(at(7)),
                last_record: Some(at(14)),
                fin: Some(at(16)),
                ..DirectionFacts::default()
            },
            shape: ShapeFeatures {
                server_port: 443,
                port_443: true,
                sni_present: true,
                bidirectional: true,
                application_data_records: 4,
                application_data_bytes: 480,
                application_data_secs: 3.0,
                connection_secs: 11.0,
                small_record_fraction: 0.75,
                mean_record_len: 120.0,
                records_per_second: 4.0 / 3.0,
            },
            problems: vec![],
            problems_total: 0,
            decryption: None,
        };
        assert_eq!(f, expected);

        let keys = c.key_material();
        assert_eq!(
            *keys,
            KeyMaterial {
                version: Some(ProtocolVersion::TLS_1_2),
                cipher_suite: Some(CipherSuite(0xc02f)),
                client_random: Some(random),
                server_random: Some([0x5a; 32]),
                session_id: vec![0x11; 32],
                client_key_exchange: Some(cke),
                encrypted_premaster: None,
                extended_master_secret: true,
                encrypt_then_mac: false,
                server_certificate: Some(leaf_der()),
                client_hello_seen: true,
                server_hello_seen: true,
            }
        );
        assert!(!c.is_tls13());
        // The report form serialises.
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["version"], "TLS 1.2");
        assert_eq!(json["cipher_suite"], "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assert_eq!(json["key_exchange"], "ecdhe");
        assert_eq!(json["alerts"][0]["direction"], "client_to_server");
        assert_eq!(
            json["certificates"][0]["details"]["subject_alt_names"][2]["ip"],
            "192.0.2.7"
        );
    }

    /// TLS 1.3: ServerHello with supported_versions, compatibility CCS,
    /// encrypted flights told apart by order, a clear alert before any of
    /// it in another connection.
    #[test]
    fn tls13_handshake_and_application_data() {
        let mut c = conn();
        push(
            &mut c,
            C2S,
            1,
            &record(22, 0x0301, &message(1, &client_hello_body())),
        );
        let mut w = record(22, 0x0303, &message(2, &server_hello_13_body()));
        w.extend(record(20, 0x0303, &[1]));
        // EncryptedExtensions … Finished as three application_data records.
        for n in [40, 900, 60] {
            w.extend(record(23, 0x0303, &vec![0xee; n]));
        }
        push(&mut c, S2C, 2, &w);
        let mut w = record(20, 0x0303, &[1]);
        w.extend(record(23, 0x0303, &[0xcc; 53]));
        push(&mut c, C2S, 3, &w);
        push(&mut c, C2S, 4, &record(23, 0x0303, &[0x01; 120]));
        push(&mut c, S2C, 5, &record(23, 0x0303, &[0x02; 500]));
        c.finish();
        let f = c.facts();
        assert!(c.is_tls13());
        assert_eq!(f.version, Some(ProtocolVersion::TLS_1_3));
        assert_eq!(f.cipher_suite, Some(CipherSuite::TLS_AES_128_GCM_SHA256));
        assert_eq!(f.key_exchange, Some(KeyExchange::Tls13));
        assert_eq!(
            f.server_hello.as_ref().and_then(|s| s.selected_version),
            Some(ProtocolVersion::TLS_1_3)
        );
        assert_eq!(
            f.server_hello.as_ref().and_then(|s| s.key_share_group),
            Some(NamedGroup::X25519)
        );
        assert_eq!(f.handshake_completed_at, Some(at(3)));
        assert!(f.handshake_completed);
        // Session id echoed in TLS 1.3 is middlebox compatibility, not
        // resumption.
        assert_eq!(f.resumption, None);
        assert_eq!(f.certificates, []);
        let s = &f.server_to_client;
        assert_eq!(
            (
                s.records,
                s.change_cipher_spec_records,
                s.application_data_records
            ),
            (6, 1, 4)
        );
        assert_eq!(
            (s.encrypted_handshake_records, s.encrypted_handshake),
            (3, Some(at(2)))
        );
        assert_eq!(
            s.application_data,
            ApplicationDataFacts {
                records: 1,
                bytes: 500,
                small_records: 0,
                largest_record: 500,
                first: Some(at(5)),
                last: Some(at(5)),
            }
        );
        let cl = &f.client_to_server;
        assert_eq!(
            (
                cl.records,
                cl.change_cipher_spec_records,
                cl.application_data_records
            ),
            (4, 1, 2)
        );
        assert_eq!(
            (cl.encrypted_handshake_records, cl.encrypted_handshake),
            (1, Some(at(3)))
        );
        assert_eq!(
            cl.application_data,
            ApplicationDataFacts {
                records: 1,
                bytes: 120,
                small_records: 1,
                largest_record: 120,
                first: Some(at(4)),
                last: Some(at(4)),
            }
        );
        assert_eq!(f.problems, []);
    }

    #[test]
    fn hello_retry_request_then_second_client_hello() {
        let mut c = conn();
        push(
            &mut c,
            C2S,
            1,
            &record(22, 0x0301, &message(1, &client_hello_body())),
        );
        let mut hrr = vec![0x03, 0x03];
        hrr.extend(crate::tls::handshake::HELLO_RETRY_REQUEST_RANDOM);
        hrr.extend([32]);
        hrr.extend([0xaa; 32]);
        hrr.extend([
            0x13, 0x01, 0x00, 0x00, 0x0c, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x02, 0x00,
            0x17,
        ]);
        let mut w = record(22, 0x0303, &message(2, &hrr));
        w.extend(record(20, 0x0303, &[1]));
        push(&mut c, S2C, 2, &w);
        // Compatibility CCS, then the second ClientHello in the clear.
        let mut ch2 = client_hello_body();
        ch2[2] = 0xff;
        let mut w = record(20, 0x0303, &[1]);
        w.extend(record(22, 0x0303, &message(1, &ch2)));
        push(&mut c, C2S, 3, &w);
        push(
            &mut c,
            S2C,
            4,
            &record(22, 0x0303, &message(2, &server_hello_13_body())),
        );
        let f = c.facts();
        assert!(f.hello_retry_request);
        assert_eq!(f.version, Some(ProtocolVersion::TLS_1_3));
        assert_eq!(f.client_hello.as_ref().map(|h| h.at), Some(at(3)));
        assert_eq!(c.key_material().client_random.map(|r| r[0]), Some(0xff));
        assert_eq!(f.server_random, Some("77".repeat(32)));
        let events: Vec<_> = f
            .handshake_messages
            .iter()
            .map(|e| (e.direction, e.msg_type.0, e.at.frame))
            .collect();
        assert_eq!(events, [(C2S, 1, 1), (S2C, 2, 2), (C2S, 1, 3), (S2C, 2, 4)]);
        assert_eq!(f.client_to_server.encrypted_handshake_records, 0);
        assert_eq!(f.problems, []);
    }

    #[test]
    fn clear_alert_refusing_the_handshake() {
        let mut c = conn();
        push(
            &mut c,
            C2S,
            1,
            &record(22, 0x0301, &message(1, &client_hello_body())),
        );
        push(&mut c, S2C, 2, &record(21, 0x0303, &[2, 40]));
        c.rst(S2C, 3, ts(3));
        c.finish();
        let f = c.facts();
        assert_eq!(
            f.alerts,
            [AlertFact {
                direction: S2C,
                at: at(2),
                encrypted: false,
                level: Some(AlertLevel::FATAL),
                description: Some(AlertDescription::HANDSHAKE_FAILURE),
                length: 2,
            }]
        );
        assert_eq!(f.server_to_client.rst, Some(at(3)));
        assert!(!f.handshake_completed);
        assert_eq!(f.version, None);
        // A malformed alert is a problem, not a panic.
        let mut c = conn();
        push(&mut c, S2C, 1, &record(21, 0x0303, &[2]));
        let f = c.facts();
        assert_eq!(f.alerts, []);
        assert_eq!(
            f.problems,
            [TlsProblem {
                direction: S2C,
                frame: 1,
                kind: "malformed_alert",
                detail: "malformed alert at byte 1 of 1".into()
            }]
        );
    }

    #[test]
    fn rsa_key_exchange_keeps_the_encrypted_premaster() {
        for (version, prefix) in [(0x0301u16, true), (0x0300, false)] {
            let mut c = conn();
            push(
                &mut c,
                C2S,
                1,
                &record(22, version, &message(1, &client_hello_body())),
            );
            let mut sh = server_hello_12_body();
            sh[0..2].copy_from_slice(&version.to_be_bytes());
            sh[67..69].copy_from_slice(&[0x00, 0x2f]);
            push(&mut c, S2C, 2, &record(22, version, &message(2, &sh)));
            let premaster = vec![0x5c; 128];
            let body = if prefix {
                let mut b = vec![0, 128];
                b.extend(&premaster);
                b
            } else {
                premaster.clone()
            };
            push(&mut c, C2S, 3, &record(22, version, &message(16, &body)));
            let keys = c.key_material();
            assert_eq!(keys.encrypted_premaster.as_deref(), Some(&premaster[..]));
            assert_eq!(keys.client_key_exchange.as_deref(), Some(&body[..]));
            assert_eq!(keys.version, Some(ProtocolVersion(version)));
            let f = c.facts();
            assert_eq!(f.key_exchange, Some(KeyExchange::Rsa));
            assert_eq!(f.client_key_exchange_len, Some(body.len()));
        }
    }

    #[test]
    fn session_resumption_by_id_and_by_ticket() {
        // The server echoes the client's session id and goes straight to
        // ChangeCipherSpec.
        let mut ch = client_hello_body();
        let mut sh = server_hello_12_body();
        sh[35..67].copy_from_slice(&[0xaa; 32]);
        let mut c = conn();
        push(&mut c, C2S, 1, &record(22, 0x0303, &message(1, &ch)));
        let mut w = record(22, 0x0303, &message(2, &sh));
        w.extend(record(20, 0x0303, &[1]));
        w.extend(record(22, 0x0303, &[9; 40]));
        push(&mut c, S2C, 2, &w);
        let mut w = record(20, 0x0303, &[1]);
        w.extend(record(22, 0x0303, &[9; 40]));
        push(&mut c, C2S, 3, &w);
        let f = c.facts();
        assert_eq!(f.resumption, Some(Resumption::SessionId));
        assert_eq!(f.handshake_completed_at, Some(at(3)));

        // A ticket offered (session_ticket with 16 bytes appended to the
        // extensions) and a NewSessionTicket before the server's CCS.
        let ticket_ext = [0x00, 0x23, 0x00, 0x10];
        let len = u16::from_be_bytes([ch[81], ch[82]]) + 20;
        ch[81..83].copy_from_slice(&len.to_be_bytes());
        ch.extend(ticket_ext);
        ch.extend([0x7e; 16]);
        let mut c = conn();
        push(&mut c, C2S, 1, &record(22, 0x0303, &message(1, &ch)));
        let mut nst = 300u32.to_be_bytes().to_vec();
        nst.extend([0, 4, 1, 2, 3, 4]);
        let mut flight = message(2, &sh);
        flight.extend(message(4, &nst));
        let mut w = record(22, 0x0303, &flight);
        w.extend(record(20, 0x0303, &[1]));
        push(&mut c, S2C, 2, &w);
        let f = c.facts();
        assert_eq!(f.resumption, Some(Resumption::SessionTicket));
        assert!(f.session_ticket_issued);
        assert_eq!(f.client_hello.as_ref().and_then(|h| h.session_ticket), Some(16));
        assert_eq!(
            f.client_hello.as_ref().and_then(|h| h.extensions.last().copied()),
            Some(ExtensionSeen {
                extension_type: ExtensionType::SESSION_TICKET,
                length: 16
            })
        );

        // A full handshake after an echoed id is not a resumption.
        let mut c = conn();
        push(
            &mut c,
            C2S,
            1,
            &record(22, 0x0303, &message(1, &client_hello_body())),
        );
        let mut flight = message(2, &server_hello_12_body());
        flight.extend(certificate_message(&[leaf_der()]));
        flight.extend(message(14, &[]));
        push(&mut c, S2C, 2, &record(22, 0x0303, &flight));
        push(&mut c, S2C, 3, &record(20, 0x0303, &[1]));
        assert_eq!(c.facts().resumption, None);
    }

    #[test]
    fn gap_stops_handshake_parsing_but_records_are_still_counted() {
        let mut c = conn();
        push(
            &mut c,
            C2S,
            1,
            &record(22, 0x0303, &message(1, &client_hello_body())),
        );
        let mut flight = message(2, &server_hello_12_body());
        flight.extend(certificate_message(&[leaf_der()]));
        flight.extend(message(14, &[]));
        let wire = record(22, 0x0303, &flight);
        // Lose 100 bytes in the middle of the one big record.
        push(&mut c, S2C, 2, &wire[..200]);
        c.gap(S2C, 100, 3);
        push(&mut c, S2C, 3, &wire[300..]);
        push(&mut c, S2C, 4, &record(20, 0x0303, &[1]));
        push(&mut c, S2C, 4, &record(22, 0x0303, &[1; 40]));
        push(&mut c, S2C, 5, &record(22, 0x0303, &message(14, &[])));
        let f = c.facts();
        assert_eq!(f.server_hello, None);
        assert_eq!(f.certificates, []);
        let s = &f.server_to_client;
        assert_eq!(
            (
                s.records,
                s.gaps,
                s.missing_bytes,
                s.partial_records,
                s.framing_lost
            ),
            (3, 1, 100, 1, 0)
        );
        assert_eq!(
            f.problems,
            [
                TlsProblem {
                    direction: S2C,
                    frame: 3,
                    kind: "partial_record",
                    detail: format!("record cut after 200 bytes (fragment length {})", flight.len()),
                },
                TlsProblem {
                    direction: S2C,
                    frame: 3,
                    kind: "gap",
                    detail: "100 bytes lost".into(),
                },
            ]
        );
        assert_eq!(f.handshake_messages_total, 1);
    }

    #[test]
    fn sslv2_hello_then_tls_records() {
        let mut body = vec![1u8, 0x03, 0x00, 0, 6, 0, 0, 0, 16];
        body.extend_from_slice(&[0x01, 0x00, 0x80, 0x00, 0x00, 0x35]);
        body.extend([0x42u8; 16]);
        let mut hello = vec![0x80, body.len() as u8];
        hello.extend(&body);
        let mut c = conn();
        push(&mut c, C2S, 4, &hello);
        let mut sh = server_hello_12_body();
        sh.truncate(70);
        sh[0..2].copy_from_slice(&[3, 0]);
        sh[67..69].copy_from_slice(&[0x00, 0x35]);
        push(&mut c, S2C, 6, &record(22, 0x0300, &message(2, &sh)));
        let f = c.facts();
        let mut random = [0u8; 32];
        random[16..].copy_from_slice(&[0x42; 16]);
        assert_eq!(c.key_material().client_random, Some(random));
        let h = f.client_hello.unwrap();
        assert!(h.sslv2_compatible);
        assert_eq!(h.version, ProtocolVersion::SSL_3_0);
        assert_eq!(h.cipher_suites, [CipherSuite(0x0035)]);
        assert_eq!(h.at, at(4));
        assert_eq!(f.client_to_server.sslv2_client_hellos, 1);
        assert_eq!(f.client_to_server.records, 0);
        assert_eq!(f.version, Some(ProtocolVersion::SSL_3_0));
        assert_eq!(f.server_hello.unwrap().extensions, []);
    }

    /// A stand-in decryptor: "decrypts" by XOR with 0x5a and reports what
    /// it was told.
    struct Xor {
        log: std::rc::Rc<std::cell::RefCell<Vec<String>>>,
    }

    impl Decryptor for Xor {
        fn decrypt(&mut self, keys: &KeyMaterial, direction: Direction, record: &Record<'_>) -> Opened {
            assert!(keys.client_random.is_some());
            let Some((&inner, data)) = record.fragment.split_first() else {
                return Opened::Failed("empty".into());
            };
            self.log
                .borrow_mut()
                .push(format!("decrypt {direction:?} {}", record.content_type));
            if inner == 0xff {
                return Opened::Failed("bad tag".into());
            }
            Opened::Plain(Plaintext {
                content_type: ContentType(inner ^ 0x5a),
                data: data.iter().map(|b| b ^ 0x5a).collect(),
            })
        }

        fn report(&self, _keys: &KeyMaterial) -> DecryptionReport {
            DecryptionReport {
                status: DecryptionStatus::Decrypted,
                secret_source: Some(SecretSource::KeyLog),
                server_key_file: None,
                reason: None,
                reason_text: None,
                client_to_server_records: 0,
                server_to_client_records: 0,
                records_failed: 0,
                first_failure: None,
            }
        }

        fn handshake_message(&mut self, _keys: &KeyMaterial, direction: Direction, raw: &[u8]) {
            self.log.borrow_mut().push(format!(
                "handshake {direction:?} {}",
                raw.first().copied().unwrap_or(0)
            ));
        }

        fn change_cipher_spec(&mut self, _keys: &KeyMaterial, direction: Direction) {
            self.log.borrow_mut().push(format!("ccs {direction:?}"));
        }
    }

    #[test]
    fn a_decryptor_sits_between_records_and_consumers() {
        let log = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let mut c = conn();
        c.set_decryptor(Box::new(Xor { log: log.clone() }));
        let seal = |t: u8, data: &[u8]| -> Vec<u8> {
            let mut v = vec![t ^ 0x5a];
            v.extend(data.iter().map(|b| b ^ 0x5a));
            v
        };
        let mut app = Vec::new();
        let mut feed = |c: &mut TlsConnection, d, frame, bytes: &[u8]| {
            c.data(d, bytes, frame, ts(frame), &mut |a: &ApplicationData<'_>| {
                app.push((a.direction, a.data.to_vec(), a.first_frame, a.frame))
            })
        };
        feed(
            &mut c,
            C2S,
            1,
            &record(22, 0x0303, &message(1, &client_hello_body())),
        );
        let mut sh = server_hello_12_body();
        sh[67..69].copy_from_slice(&[0x00, 0x2f]);
        let mut w = record(22, 0x0303, &message(2, &sh));
        w.extend(record(22, 0x0303, &message(14, &[])));
        feed(&mut c, S2C, 2, &w);
        let mut w = record(20, 0x0303, &[1]);
        w.extend(record(22, 0x0303, &seal(22, &message(20, &[7; 12]))));
        feed(&mut c, C2S, 3, &w);
        let mut w = record(20, 0x0303, &[1]);
        w.extend(record(22, 0x0303, &seal(22, &message(20, &[8; 12]))));
        feed(&mut c, S2C, 4, &w);
        let sstp = b"SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\n";
        let sealed = record(23, 0x0303, &seal(23, sstp));
        feed(&mut c, C2S, 5, &sealed[..20]);
        feed(&mut c, C2S, 6, &sealed[20..]);
        feed(&mut c, S2C, 7, &record(21, 0x0303, &seal(21, &[1, 0])));
        // A record that fails authentication is a problem and stays
        // counted as ciphertext.
        feed(&mut c, C2S, 8, &record(23, 0x0303, &[0xff, 1, 2, 3]));
        assert_eq!(app, [(C2S, sstp.to_vec(), 5, 6)]);
        assert_eq!(
            *log.borrow(),
            [
                "handshake ClientToServer 1",
                "handshake ServerToClient 2",
                "handshake ServerToClient 14",
                "ccs ClientToServer",
                "decrypt ClientToServer handshake",
                "handshake ClientToServer 20",
                "ccs ServerToClient",
                "decrypt ServerToClient handshake",
                "handshake ServerToClient 20",
                "decrypt ClientToServer application_data",
                "decrypt ServerToClient alert",
                "decrypt ClientToServer application_data",
            ]
        );
        let f = c.facts();
        assert_eq!(
            f.problems,
            [TlsProblem {
                direction: C2S,
                frame: 8,
                kind: "decrypt_failed",
                detail: "bad tag".into(),
            }]
        );
        assert_eq!(
            f.decryption.as_ref().map(|d| d.status),
            Some(DecryptionStatus::Decrypted)
        );
        assert_eq!(f.handshake_completed_at, Some(at(4)));
        assert_eq!(
            f.alerts,
            [AlertFact {
                direction: S2C,
                at: at(7),
                encrypted: false,
                level: Some(AlertLevel::WARNING),
                description: Some(AlertDescription::CLOSE_NOTIFY),
                length: 2,
            }]
        );
        let events: Vec<_> = f
            .handshake_messages
            .iter()
            .map(|e| (e.direction, e.msg_type.0, e.decrypted))
            .collect();
        assert_eq!(
            events,
            [
                (C2S, 1, false),
                (S2C, 2, false),
                (S2C, 14, false),
                (C2S, 20, true),
                (S2C, 20, true)
            ]
        );
        assert_eq!(f.client_to_server.encrypted_handshake_records, 1);
        assert_eq!(f.client_to_server.application_data.records, 2);
        assert_eq!(
            f.client_to_server.application_data.bytes,
            sealed.len() as u64 - 5 + 4
        );
        assert_eq!(f.key_exchange, Some(KeyExchange::Rsa));
    }

    #[test]
    fn bounded_lists_and_malformed_messages() {
        let mut c = conn();
        // A malformed ClientHello: recorded with its error.
        push(&mut c, C2S, 1, &record(22, 0x0303, &message(1, &[3, 3, 0])));
        // A ServerHello from the client is unexpected.
        push(
            &mut c,
            C2S,
            2,
            &record(22, 0x0303, &message(2, &server_hello_12_body())),
        );
        // 20 certificates: 16 kept.
        let certs: Vec<Vec<u8>> = (0..20u8).map(|i| vec![0x30, 0x01, i]).collect();
        push(&mut c, S2C, 3, &record(22, 0x0303, &certificate_message(&certs)));
        // Many alerts in clear records.
        for n in 0..70 {
            push(&mut c, S2C, 10 + n, &record(21, 0x0303, &[1, 0]));
        }
        let f = c.facts();
        assert_eq!(f.certificates.len(), MAX_CERTIFICATES);
        assert_eq!(f.certificates_not_kept, 4);
        assert_eq!(
            f.certificates[2].error,
            Some(crate::tls::DecodeError {
                what: "certificate",
                offset: 3,
                len: 3
            })
        );
        assert_eq!(f.alerts.len(), MAX_ALERTS);
        assert_eq!(f.alerts_total, 70);
        assert_eq!(f.handshake_messages_total, 3);
        assert_eq!(
            f.handshake_messages[0].error.as_deref(),
            Some("malformed client_hello at byte 2 of 3")
        );
        assert_eq!(
            f.problems,
            [
                TlsProblem {
                    direction: C2S,
                    frame: 1,
                    kind: "malformed_handshake",
                    detail: "malformed client_hello at byte 2 of 3".into()
                },
                TlsProblem {
                    direction: C2S,
                    frame: 2,
                    kind: "unexpected_message",
                    detail: "server_hello sent by the client".into()
                },
            ]
        );
    }

    #[test]
    fn garbage_on_the_stream_is_counted_never_a_panic() {
        let mut c = conn();
        let mut junk = Vec::new();
        let mut x = 0x1234_5678u32;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            junk.push(x as u8);
        }
        for (n, chunk) in junk.chunks(97).enumerate() {
            push(&mut c, C2S, n as u64, chunk);
            push(&mut c, S2C, n as u64, chunk);
            if n % 7 == 0 {
                c.gap(S2C, 13, n as u64);
            }
        }
        c.finish();
        let f = c.facts();
        assert!(f.problems_total > 0);
        assert!(f.problems.len() <= MAX_PROBLEMS);
    }

    /// Every TLS connection of a capture, in the order they closed: TCP
    /// reassembled by the crate's own tracker (as the pipeline drives it);
    /// a flow is TLS when the first bytes of one direction look like a
    /// ClientHello, whose sender is the client. `None` when the file is
    /// not there.
    fn capture_connections(path: &str) -> Option<Vec<(TlsFacts, KeyMaterial)>> {
        use crate::capture::{read_capture, Frame};
        use crate::config::Limits;
        use crate::net::tcp::{Dir, StreamEvent, TcpTracker};
        use crate::net::{Decoder, Packet, Transport};
        use crate::tls::record::looks_like_tls;
        use std::collections::HashMap;

        enum Flow {
            Pending(SocketAddr, SocketAddr),
            Tls(Box<TlsConnection>, Dir),
            Other,
        }
        let mut file = std::fs::File::open(path).ok()?;
        let limits = Limits::default();
        let mut decoder = Decoder::new(&limits);
        let mut tcp = TcpTracker::new(&limits);
        let mut flows: HashMap<u64, Flow> = HashMap::new();
        let mut done = Vec::new();
        let mut event = |flow: u64, ev: &StreamEvent<'_>| {
            // `client_dir` is the TCP direction the client sends in.
            let to_tls = |client_dir: Dir, dir: Dir| {
                if dir == client_dir {
                    Direction::ClientToServer
                } else {
                    Direction::ServerToClient
                }
            };
            match *ev {
                StreamEvent::Opened { a, b, .. } => {
                    flows.insert(flow, Flow::Pending(a, b));
                }
                StreamEvent::Data {
                    dir,
                    bytes,
                    frame,
                    ts,
                } => {
                    let entry = flows.get_mut(&flow)?;
                    if let Flow::Pending(a, b) = *entry {
                        *entry = if looks_like_tls(bytes) {
                            let (client, server) = if dir == Dir::AtoB { (a, b) } else { (b, a) };
                            Flow::Tls(Box::new(TlsConnection::new(client, server)), dir)
                        } else {
                            Flow::Other
                        };
                    }
                    if let Flow::Tls(c, client_dir) = entry {
                        c.data(to_tls(*client_dir, dir), bytes, frame, ts, &mut |_| {});
                    }
                }
                StreamEvent::Gap {
                    dir, missing, frame, ..
                } => {
                    if let Some(Flow::Tls(c, client_dir)) = flows.get_mut(&flow) {
                        c.gap(to_tls(*client_dir, dir), missing, frame);
                    }
                }
                StreamEvent::Fin { dir, frame, ts } => {
                    if let Some(Flow::Tls(c, client_dir)) = flows.get_mut(&flow) {
                        c.fin(to_tls(*client_dir, dir), frame, ts);
                    }
                }
                StreamEvent::Rst { dir, frame, ts } => {
                    if let Some(Flow::Tls(c, client_dir)) = flows.get_mut(&flow) {
                        c.rst(to_tls(*client_dir, dir), frame, ts);
                    }
                }
                StreamEvent::Closed { .. } => {
                    if let Some(Flow::Tls(mut c, _)) = flows.remove(&flow) {
                        c.finish();
                        done.push((c.facts(), c.key_material().clone()));
                    }
                }
                StreamEvent::Retransmission { .. } => {}
            }
            Some(())
        };
        read_capture(&mut file, path, &mut |frame: &Frame<'_>| {
            decoder.decode(frame, &mut |packet: &Packet<'_>| {
                if let Transport::Tcp(seg) = &packet.transport {
                    tcp.segment(&packet.ip, seg, packet.frame, packet.ts, &mut |flow, ev| {
                        event(flow, ev);
                    });
                }
            });
        })
        .ok()?;
        tcp.finish(&mut |flow, ev| {
            event(flow, ev);
        });
        Some(done)
    }

    /// (facts, key material) of every TLS connection in a capture.
    fn capture_tls(path: &str) -> Option<Vec<(TlsFacts, KeyMaterial)>> {
        capture_connections(path)
    }

    /// `facts` serialised must equal `expected` (JSON), field for field.
    /// Both sides go through the same text-to-number parse, so the
    /// comparison is exact on the printed (shortest round-trip) numbers.
    fn assert_json(facts: &TlsFacts, expected: &str) {
        let want: serde_json::Value = serde_json::from_str(expected).unwrap();
        let got: serde_json::Value = serde_json::from_str(&serde_json::to_string(facts).unwrap()).unwrap();
        assert_eq!(got, want, "{}", serde_json::to_string_pretty(&got).unwrap());
    }

    /// MANIFEST S1: Windows client 172.16.1.2 to Windows Server RRAS
    /// 172.16.1.1:443, TLS 1.0, RSA key exchange (the key beside the
    /// capture decrypts it). Expected values from tshark (record types,
    /// lengths and frames; `tls.handshake.*` fields) and from
    /// `openssl x509 -inform DER -noout -subject -issuer -serial -dates
    /// -fingerprint -sha256 -nameopt RFC2253` on the certificate tshark
    /// extracts (`-Y tls.handshake.certificate -T fields -e
    /// tls.handshake.certificate`).
    #[test]
    fn real_capture_sstp_windows_rras() {
        let Some(conns) = capture_tls("../shared/captures/ajbanjara_Wireshark__sstp2.pcap") else {
            return;
        };
        assert_eq!(conns.len(), 1);
        let (f, keys) = &conns[0];
        assert_eq!(f.version, Some(ProtocolVersion::TLS_1_0));
        assert_eq!(f.sni.as_deref(), Some("vpn-server.pro3.local"));
        assert_eq!(f.cipher_suite, Some(CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA));
        assert_eq!(f.key_exchange, Some(KeyExchange::Rsa));
        assert_eq!(f.handshake_completed_at.map(|a| a.frame), Some(108));
        let cert = &f.certificates[0];
        assert_eq!(
            cert.sha256,
            "1ce419162d5bbae82487aabf8945dc8a05d582492c2f334c193436932e637c13"
        );
        assert_eq!(cert.sha1, "1d73e4699ecf250877bea5f61e2ca53a4e671ddd");
        let d = cert.details.as_ref().unwrap();
        assert_eq!(
            d.subject,
            "emailAddress=-,CN=vpn-server.pro3.local,OU=-,O=-,L=-,ST=-,C=AT"
        );
        assert_eq!(d.issuer, "CN=vpn-server,DC=pro3,DC=local");
        assert_eq!(
            (d.not_before_utc.as_str(), d.not_after_utc.as_str()),
            ("2012-10-31T22:19:28Z", "2013-10-31T22:29:28Z")
        );
        assert_eq!(d.serial_number, "61322612000000000003");
        assert_eq!(
            (f.client_to_server.records, f.server_to_client.records),
            (448, 90)
        );
        assert_eq!(
            (
                f.client_to_server.application_data.records,
                f.server_to_client.application_data.records
            ),
            (444, 87)
        );
        // What a later decryptor needs: the randoms and the premaster
        // (tshark tls.handshake.epms).
        assert_eq!(keys.client_random.map(|r| hex(&r)), f.client_random);
        assert_eq!(keys.server_random.map(|r| hex(&r)), f.server_random);
        let epms = keys.encrypted_premaster.as_deref().unwrap();
        assert_eq!(epms.len(), 128);
        assert_eq!(hex(&epms[..8]), "b9f9c07b7a3ebafc");
        assert_eq!(keys.client_key_exchange.as_ref().map(Vec::len), Some(130));
        assert_json(f, SSTP2);
    }

    /// MANIFEST S2: SSTP from 172.16.0.3 to 172.16.0.1:443 (no keys), the
    /// same Windows cipher list, certificate from a private CA.
    #[test]
    fn real_capture_sstp_session_example() {
        let Some(conns) = capture_tls("../shared/captures/hugsy_sstoper__SSTP_Session_example.pcap") else {
            return;
        };
        assert_eq!(conns.len(), 1);
        let (f, keys) = &conns[0];
        assert_eq!(f.version, Some(ProtocolVersion::TLS_1_0));
        assert_eq!(f.sni.as_deref(), Some("vpn.coyote.looney"));
        assert_eq!(f.cipher_suite, Some(CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA));
        assert!(f.handshake_completed);
        let cert = &f.certificates[0];
        assert_eq!(
            cert.sha256,
            "1a2771eae44c22780c6be37eabedfc113425a99380e2fc077cb6e60e02cdef5a"
        );
        let d = cert.details.as_ref().unwrap();
        assert_eq!(
            d.subject,
            "emailAddress=admin,CN=vpn.coyote.looney,OU=secteam,O=hsc,L=Beautiful Levallois,C=FR"
        );
        assert_eq!(d.issuer, "CN=DC-VPN-CA");
        assert_eq!((d.not_before, d.not_after), (1_277_899_927, 1_309_436_527));
        assert_eq!(d.public_key.bits, Some(2048));
        assert_eq!(keys.encrypted_premaster.as_ref().map(Vec::len), Some(256));
        assert_json(f, SSTP_SESSION_EXAMPLE);
    }

    /// MANIFEST N8: ordinary HTTPS (Apache, SSL 3.0), two connections: a
    /// full handshake that starts with an SSL 2.0 compatible CLIENT-HELLO
    /// and renegotiates under encryption, then a resumed session.
    #[test]
    fn real_capture_ssl3_https_with_renegotiation_and_resumption() {
        let Some(conns) = capture_tls("../shared/captures/negatives/ajbanjara_Wireshark__rsasnakeoil2.cap")
        else {
            return;
        };
        assert_eq!(conns.len(), 2);
        let (f, keys) = &conns[0];
        assert_eq!(f.version, Some(ProtocolVersion::SSL_3_0));
        assert_eq!(f.sni, None);
        assert_eq!(f.cipher_suite, Some(CipherSuite::TLS_RSA_WITH_AES_256_CBC_SHA));
        assert_eq!(f.client_hello.as_ref().map(|h| h.sslv2_compatible), Some(true));
        // SSL 3.0 sends the encrypted premaster without a length prefix.
        let epms = keys.encrypted_premaster.as_deref().unwrap();
        assert_eq!(epms.len(), 128);
        assert_eq!(hex(&epms[..8]), "65512da6d4a738df");
        let cert = &f.certificates[0];
        assert_eq!(
            cert.sha256,
            "de8f38faec1be5667274e3df0b6ef86a308e8f77e48fcdee3bb16d80b11939c3"
        );
        let d = cert.details.as_ref().unwrap();
        assert_eq!(
            d.issuer,
            "emailAddress=ca@snakeoil.dom,CN=Snake Oil CA,OU=Certificate Authority,O=Snake Oil\\, Ltd,L=Snake Town,ST=Snake Desert,C=XY"
        );
        assert_eq!(
            d.subject_alt_names,
            [crate::tls::x509::GeneralName::Email("www@snakeoil.dom".into())]
        );
        // The renegotiation: a second ChangeCipherSpec each way, encrypted.
        assert_eq!(
            (
                f.client_to_server.change_cipher_spec_records,
                f.client_to_server.encrypted_handshake_records
            ),
            (2, 4)
        );
        assert_eq!(
            (
                f.server_to_client.change_cipher_spec_records,
                f.server_to_client.encrypted_handshake_records
            ),
            (2, 6)
        );
        assert_json(f, SNAKEOIL_FULL);
        let (f, _) = &conns[1];
        assert_eq!(f.resumption, Some(Resumption::SessionId));
        assert_eq!(f.certificates, []);
        assert_eq!(f.cipher_suite, Some(CipherSuite(0x000a)));
        assert_eq!(f.handshake_completed_at.map(|a| a.frame), Some(29));
        assert_json(f, SNAKEOIL_RESUMED);
    }

    const SSTP2: &str = r#"{
    "client": "172.16.1.2:49157",
    "server": "172.16.1.1:443",
    "version": "TLS 1.0",
    "sni": "vpn-server.pro3.local",
    "client_hello": {
        "at": {"frame": 105, "time": 79.459},
        "version": "TLS 1.0",
        "sslv2_compatible": false,
        "session_id": "",
        "cipher_suites": [
            "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_RC4_128_SHA",
            "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
            "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
            "TLS_RSA_WITH_RC4_128_MD5"
        ],
        "compression_methods": [0],
        "extensions": [
            {"extension_type": "renegotiation_info", "length": 1},
            {"extension_type": "server_name", "length": 26},
            {"extension_type": "supported_groups", "length": 6},
            {"extension_type": "ec_point_formats", "length": 2}
        ],
        "server_name": "vpn-server.pro3.local",
        "supported_versions": [],
        "alpn": [],
        "supported_groups": ["secp256r1", "secp384r1"],
        "signature_algorithms": [],
        "key_share_groups": [],
        "extended_master_secret": false,
        "encrypt_then_mac": false,
        "renegotiation_info": true,
        "session_ticket": null
    },
    "server_hello": {
        "at": {"frame": 106, "time": 79.472204},
        "version": "TLS 1.0",
        "session_id": "991b0000245ac4a51a00f9e09d947a523fc95606f90a421a4b8dc6637d8fb6bb",
        "cipher_suite": "TLS_RSA_WITH_AES_128_CBC_SHA",
        "compression_method": 0,
        "extensions": [{"extension_type": "renegotiation_info", "length": 1}],
        "selected_version": null,
        "alpn": null,
        "key_share_group": null,
        "extended_master_secret": false,
        "encrypt_then_mac": false,
        "renegotiation_info": true
    },
    "hello_retry_request": false,
    "cipher_suite": "TLS_RSA_WITH_AES_128_CBC_SHA",
    "key_exchange": "rsa",
    "client_random": "50ffa90e2723009d4316695bb1de8cd6f60cdafa826785414135f942c08a24ef",
    "server_random": "50ffa90e8f69c432123660711b178026ad355673f18b0879b1d8e059f5eea36c",
    "certificates": [
        {
        "der_len": 1077,
        "sha1": "1d73e4699ecf250877bea5f61e2ca53a4e671ddd",
        "sha256": "1ce419162d5bbae82487aabf8945dc8a05d582492c2f334c193436932e637c13",
        "details": {
            "version": 3,
            "serial_number": "61322612000000000003",
            "signature_algorithm": "sha1WithRSAEncryption",
            "issuer": "CN=vpn-server,DC=pro3,DC=local",
            "subject": "emailAddress=-,CN=vpn-server.pro3.local,OU=-,O=-,L=-,ST=-,C=AT",
            "subject_common_name": "vpn-server.pro3.local",
            "not_before": 1351721968,
            "not_after": 1383258568,
            "not_before_utc": "2012-10-31T22:19:28Z",
            "not_after_utc": "2013-10-31T22:29:28Z",
            "subject_alt_names": [],
            "is_ca": false,
            "extended_key_usage": ["serverAuth"],
            "public_key": {"algorithm": "rsaEncryption", "bits": 1024, "curve": null},
            "unreadable_extensions": []
        },
        "error": null
    }
    ],
    "certificates_not_kept": 0,
    "client_certificates": [],
    "server_key_exchange": null,
    "certificate_requested": false,
    "client_key_exchange_len": 130,
    "session_ticket_issued": false,
    "resumption": null,
    "handshake_completed": true,
    "handshake_completed_at": {"frame": 108, "time": 79.481911},
    "handshake_messages": [
        {
        "direction": "client_to_server",
        "msg_type": "client_hello",
        "length": 116,
        "at": {"frame": 105, "time": 79.459},
        "decrypted": false,
        "error": null
    },
        {
        "direction": "server_to_client",
        "msg_type": "server_hello",
        "length": 77,
        "at": {"frame": 106, "time": 79.472204},
        "decrypted": false,
        "error": null
    },
        {
        "direction": "server_to_client",
        "msg_type": "certificate",
        "length": 1083,
        "at": {"frame": 106, "time": 79.472204},
        "decrypted": false,
        "error": null
    },
        {
        "direction": "server_to_client",
        "msg_type": "server_hello_done",
        "length": 0,
        "at": {"frame": 106, "time": 79.472204},
        "decrypted": false,
        "error": null
    },
        {
        "direction": "client_to_server",
        "msg_type": "client_key_exchange",
        "length": 130,
        "at": {"frame": 107, "time": 79.480203},
        "decrypted": false,
        "error": null
    }
    ],
    "handshake_messages_total": 5,
    "alerts": [],
    "alerts_total": 0,
    "client_to_server": {
        "records": 448,
        "record_bytes": 38415,
        "handshake_records": 3,
        "change_cipher_spec_records": 1,
        "alert_records": 0,
        "application_data_records": 444,
        "heartbeat_records": 0,
        "other_records": 0,
        "encrypted_handshake_records": 1,
        "change_cipher_spec": {"frame": 107, "time": 79.480203},
        "encrypted_handshake": {"frame": 107, "time": 79.480203},
        "application_data": {
            "records": 444,
            "bytes": 38112,
            "small_records": 417,
            "largest_record": 688,
            "first": {"frame": 125, "time": 84.636723},
            "last": {"frame": 840, "time": 173.1668}
        },
        "first_record": {"frame": 105, "time": 79.459},
        "last_record": {"frame": 840, "time": 173.1668},
        "sslv2_client_hellos": 0,
        "gaps": 0,
        "missing_bytes": 0,
        "partial_records": 0,
        "unframed_bytes": 0,
        "framing_lost": 0,
        "resyncs": 0,
        "fin": {"frame": 852, "time": 174.025742},
        "rst": null
    },
    "server_to_client": {
        "records": 90,
        "record_bytes": 18197,
        "handshake_records": 2,
        "change_cipher_spec_records": 1,
        "alert_records": 0,
        "application_data_records": 87,
        "heartbeat_records": 0,
        "other_records": 0,
        "encrypted_handshake_records": 1,
        "change_cipher_spec": {"frame": 108, "time": 79.481911},
        "encrypted_handshake": {"frame": 108, "time": 79.481911},
        "application_data": {
            "records": 87,
            "bytes": 16976,
            "small_records": 68,
            "largest_record": 1408,
            "first": {"frame": 126, "time": 84.640473},
            "last": {"frame": 841, "time": 173.16721}
        },
        "first_record": {"frame": 106, "time": 79.472204},
        "last_record": {"frame": 841, "time": 173.16721},
        "sslv2_client_hellos": 0,
        "gaps": 0,
        "missing_bytes": 0,
        "partial_records": 0,
        "unframed_bytes": 0,
        "framing_lost": 0,
        "resyncs": 0,
        "fin": {"frame": 850, "time": 174.025414},
        "rst": null
    },
    "shape": {
        "server_port": 443,
        "port_443": true,
        "sni_present": true,
        "bidirectional": true,
        "application_data_records": 531,
        "application_data_bytes": 55088,
        "application_data_secs": 88.53048700000001,
        "connection_secs": 93.70821000000001,
        "small_record_fraction": 0.9133709981167608,
        "mean_record_len": 103.74387947269304,
        "records_per_second": 5.997933796523676
    },
    "problems": [],
    "problems_total": 0,
    "decryption": null
}"#;

    const SSTP_SESSION_EXAMPLE: &str = r#"{
    "client": "172.16.0.3:49229",
    "server": "172.16.0.1:443",
    "version": "TLS 1.0",
    "sni": "vpn.coyote.looney",
    "client_hello": {
        "at": {"frame": 17, "time": 1277921474.077643},
        "version": "TLS 1.0",
        "sslv2_compatible": false,
        "session_id": "",
        "cipher_suites": [
            "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_RC4_128_SHA",
            "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
            "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
            "TLS_RSA_WITH_RC4_128_MD5"
        ],
        "compression_methods": [0],
        "extensions": [
            {"extension_type": "server_name", "length": 22},
            {"extension_type": "supported_groups", "length": 6},
            {"extension_type": "ec_point_formats", "length": 2}
        ],
        "server_name": "vpn.coyote.looney",
        "supported_versions": [],
        "alpn": [],
        "supported_groups": ["secp256r1", "secp384r1"],
        "signature_algorithms": [],
        "key_share_groups": [],
        "extended_master_secret": false,
        "encrypt_then_mac": false,
        "renegotiation_info": false,
        "session_ticket": null
    },
    "server_hello": {
        "at": {"frame": 18, "time": 1277921474.079197},
        "version": "TLS 1.0",
        "session_id": "3c230000f356850e6e5b1fe1602234a901cc7118f8b0c7f9dbe0f53625480c3d",
        "cipher_suite": "TLS_RSA_WITH_AES_128_CBC_SHA",
        "compression_method": 0,
        "extensions": [],
        "selected_version": null,
        "alpn": null,
        "key_share_group": null,
        "extended_master_secret": false,
        "encrypt_then_mac": false,
        "renegotiation_info": false
    },
    "hello_retry_request": false,
    "cipher_suite": "TLS_RSA_WITH_AES_128_CBC_SHA",
    "key_exchange": "rsa",
    "client_random": "4c2b88c23503cde9f6329e7edbe1e88e289733baa68db92619aade62aec1063d",
    "server_random": "4c2b880e01ce8eb4ce5fea26e4095500c73e9ab5bd0a4dcbcf22a258bae7eed2",
    "certificates": [
        {
        "der_len": 1152,
        "sha1": "a83817c614134c8730717f1eb7029f368c74cc2b",
        "sha256": "1a2771eae44c22780c6be37eabedfc113425a99380e2fc077cb6e60e02cdef5a",
        "details": {
            "version": 3,
            "serial_number": "610f900c000000000002",
            "signature_algorithm": "sha1WithRSAEncryption",
            "issuer": "CN=DC-VPN-CA",
            "subject": "emailAddress=admin,CN=vpn.coyote.looney,OU=secteam,O=hsc,L=Beautiful Levallois,C=FR",
            "subject_common_name": "vpn.coyote.looney",
            "not_before": 1277899927,
            "not_after": 1309436527,
            "not_before_utc": "2010-06-30T12:12:07Z",
            "not_after_utc": "2011-06-30T12:22:07Z",
            "subject_alt_names": [],
            "is_ca": null,
            "extended_key_usage": ["serverAuth"],
            "public_key": {"algorithm": "rsaEncryption", "bits": 2048, "curve": null},
            "unreadable_extensions": []
        },
        "error": null
    }
    ],
    "certificates_not_kept": 0,
    "client_certificates": [],
    "server_key_exchange": null,
    "certificate_requested": false,
    "client_key_exchange_len": 258,
    "session_ticket_issued": false,
    "resumption": null,
    "handshake_completed": true,
    "handshake_completed_at": {"frame": 20, "time": 1277921474.094693},
    "handshake_messages": [
        {
        "direction": "client_to_server",
        "msg_type": "client_hello",
        "length": 107,
        "at": {"frame": 17, "time": 1277921474.077643},
        "decrypted": false,
        "error": null
    },
        {
        "direction": "server_to_client",
        "msg_type": "server_hello",
        "length": 70,
        "at": {"frame": 18, "time": 1277921474.079197},
        "decrypted": false,
        "error": null
    },
        {
        "direction": "server_to_client",
        "msg_type": "certificate",
        "length": 1158,
        "at": {"frame": 18, "time": 1277921474.079197},
        "decrypted": false,
        "error": null
    },
        {
        "direction": "server_to_client",
        "msg_type": "server_hello_done",
        "length": 0,
        "at": {"frame": 18, "time": 1277921474.079197},
        "decrypted": false,
        "error": null
    },
        {
        "direction": "client_to_server",
        "msg_type": "client_key_exchange",
        "length": 258,
        "at": {"frame": 19, "time": 1277921474.082828},
        "decrypted": false,
        "error": null
    }
    ],
    "handshake_messages_total": 5,
    "alerts": [],
    "alerts_total": 0,
    "client_to_server": {
        "records": 101,
        "record_bytes": 12006,
        "handshake_records": 3,
        "change_cipher_spec_records": 1,
        "alert_records": 0,
        "application_data_records": 97,
        "heartbeat_records": 0,
        "other_records": 0,
        "encrypted_handshake_records": 1,
        "change_cipher_spec": {"frame": 19, "time": 1277921474.082828},
        "encrypted_handshake": {"frame": 19, "time": 1277921474.082828},
        "application_data": {
            "records": 97,
            "bytes": 11584,
            "small_records": 95,
            "largest_record": 368,
            "first": {"frame": 21, "time": 1277921474.108086},
            "last": {"frame": 289, "time": 1277921514.664707}
        },
        "first_record": {"frame": 17, "time": 1277921474.077643},
        "last_record": {"frame": 289, "time": 1277921514.664707},
        "sslv2_client_hellos": 0,
        "gaps": 0,
        "missing_bytes": 0,
        "partial_records": 0,
        "unframed_bytes": 0,
        "framing_lost": 0,
        "resyncs": 0,
        "fin": {"frame": 303, "time": 1277921515.498999},
        "rst": null
    },
    "server_to_client": {
        "records": 25,
        "record_bytes": 3081,
        "handshake_records": 2,
        "change_cipher_spec_records": 1,
        "alert_records": 0,
        "application_data_records": 22,
        "heartbeat_records": 0,
        "other_records": 0,
        "encrypted_handshake_records": 1,
        "change_cipher_spec": {"frame": 20, "time": 1277921474.094693},
        "encrypted_handshake": {"frame": 20, "time": 1277921474.094693},
        "application_data": {
            "records": 22,
            "bytes": 1792,
            "small_records": 22,
            "largest_record": 144,
            "first": {"frame": 22, "time": 1277921474.130223},
            "last": {"frame": 291, "time": 1277921514.673664}
        },
        "first_record": {"frame": 18, "time": 1277921474.079197},
        "last_record": {"frame": 291, "time": 1277921514.673664},
        "sslv2_client_hellos": 0,
        "gaps": 0,
        "missing_bytes": 0,
        "partial_records": 0,
        "unframed_bytes": 0,
        "framing_lost": 0,
        "resyncs": 0,
        "fin": {"frame": 301, "time": 1277921515.498279},
        "rst": null
    },
    "shape": {
        "server_port": 443,
        "port_443": true,
        "sni_present": true,
        "bidirectional": true,
        "application_data_records": 119,
        "application_data_bytes": 13376,
        "application_data_secs": 40.5655779838562,
        "connection_secs": 40.59602117538452,
        "small_record_fraction": 0.9831932773109243,
        "mean_record_len": 112.40336134453781,
        "records_per_second": 2.9335216189291864
    },
    "problems": [],
    "problems_total": 0,
    "decryption": null
}"#;

    const SNAKEOIL_FULL: &str = r#"{
    "client": "127.0.0.1:38713",
    "server": "127.0.0.1:443",
    "version": "SSL 3.0",
    "sni": null,
    "client_hello": {
        "at": {"frame": 4, "time": 1145869455.843069},
        "version": "SSL 3.0",
        "sslv2_compatible": true,
        "session_id": "",
        "cipher_suites": [
            "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
            "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_RC4_128_MD5", "TLS_RSA_WITH_RC4_128_SHA",
            "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
            "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA",
            "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_DHE_RSA_WITH_DES_CBC_SHA",
            "TLS_DHE_DSS_WITH_DES_CBC_SHA", "SSL_RSA_FIPS_WITH_DES_CBC_SHA", "TLS_RSA_WITH_DES_CBC_SHA",
            "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA",
            "TLS_RSA_EXPORT_WITH_RC4_40_MD5", "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5"
        ],
        "compression_methods": [0],
        "extensions": [],
        "server_name": null,
        "supported_versions": [],
        "alpn": [],
        "supported_groups": [],
        "signature_algorithms": [],
        "key_share_groups": [],
        "extended_master_secret": false,
        "encrypt_then_mac": false,
        "renegotiation_info": false,
        "session_ticket": null
    },
    "server_hello": {
        "at": {"frame": 6, "time": 1145869455.845071},
        "version": "SSL 3.0",
        "session_id": "a0fb60863d1e76f330fe0b01fd1a01ed95f67b8ec0d427bff06ec756b147ce98",
        "cipher_suite": "TLS_RSA_WITH_AES_256_CBC_SHA",
        "compression_method": 0,
        "extensions": [],
        "selected_version": null,
        "alpn": null,
        "key_share_group": null,
        "extended_master_secret": false,
        "encrypt_then_mac": false,
        "renegotiation_info": false
    },
    "hello_retry_request": false,
    "cipher_suite": "TLS_RSA_WITH_AES_256_CBC_SHA",
    "key_exchange": "rsa",
    "client_random": "00000000000000000000000000000000a8b893bb90e92aa24d6dcc1ce72a8021",
    "server_random": "444c948ffe81ed93650288a3f8eb63860e2cf68dd00f2c2ad64fcd2d3c16d7d6",
    "certificates": [
        {
        "der_len": 826,
        "sha1": "10991099fc7397adb4bf67fb199a39b1bed8974c",
        "sha256": "de8f38faec1be5667274e3df0b6ef86a308e8f77e48fcdee3bb16d80b11939c3",
        "details": {
            "version": 3,
            "serial_number": "01",
            "signature_algorithm": "md5WithRSAEncryption",
            "issuer": "emailAddress=ca@snakeoil.dom,CN=Snake Oil CA,OU=Certificate Authority,O=Snake Oil\\, Ltd,L=Snake Town,ST=Snake Desert,C=XY",
            "subject": "emailAddress=www@snakeoil.dom,CN=www.snakeoil.dom,OU=Webserver Team,O=Snake Oil\\, Ltd,L=Snake Town,ST=Snake Desert,C=XY",
            "subject_common_name": "www.snakeoil.dom",
            "not_before": 1046882865,
            "not_after": 1204562865,
            "not_before_utc": "2003-03-05T16:47:45Z",
            "not_after_utc": "2008-03-03T16:47:45Z",
            "subject_alt_names": [{"email": "www@snakeoil.dom"}],
            "is_ca": null,
            "extended_key_usage": [],
            "public_key": {"algorithm": "rsaEncryption", "bits": 1024, "curve": null},
            "unreadable_extensions": []
        },
        "error": null
    }
    ],
    "certificates_not_kept": 0,
    "client_certificates": [],
    "server_key_exchange": null,
    "certificate_requested": false,
    "client_key_exchange_len": 128,
    "session_ticket_issued": false,
    "resumption": null,
    "handshake_completed": true,
    "handshake_completed_at": {"frame": 9, "time": 1145869458.665681},
    "handshake_messages": [
        {
        "direction": "client_to_server",
        "msg_type": "client_hello",
        "length": 103,
        "at": {"frame": 4, "time": 1145869455.843069},
        "decrypted": false,
        "error": null
    },
        {
        "direction": "server_to_client",
        "msg_type": "server_hello",
        "length": 70,
        "at": {"frame": 6, "time": 1145869455.845071},
        "decrypted": false,
        "error": null
    },
        {
        "direction": "server_to_client",
        "msg_type": "certificate",
        "length": 832,
        "at": {"frame": 6, "time": 1145869455.845071},
        "decrypted": false,
        "error": null
    },
        {
        "direction": "server_to_client",
        "msg_type": "server_hello_done",
        "length": 0,
        "at": {"frame": 6, "time": 1145869455.845071},
        "decrypted": false,
        "error": null
    },
        {
        "direction": "client_to_server",
        "msg_type": "client_key_exchange",
        "length": 128,
        "at": {"frame": 8, "time": 1145869458.651844},
        "decrypted": false,
        "error": null
    }
    ],
    "handshake_messages_total": 5,
    "alerts": [],
    "alerts_total": 0,
    "client_to_server": {
        "records": 13,
        "record_bytes": 3125,
        "handshake_records": 5,
        "change_cipher_spec_records": 2,
        "alert_records": 0,
        "application_data_records": 6,
        "heartbeat_records": 0,
        "other_records": 0,
        "encrypted_handshake_records": 4,
        "change_cipher_spec": {"frame": 8, "time": 1145869458.651844},
        "encrypted_handshake": {"frame": 8, "time": 1145869458.651844},
        "application_data": {
            "records": 6,
            "bytes": 2560,
            "small_records": 0,
            "largest_record": 440,
            "first": {"frame": 11, "time": 1145869458.675982},
            "last": {"frame": 56, "time": 1145869468.199498}
        },
        "first_record": {"frame": 8, "time": 1145869458.651844},
        "last_record": {"frame": 56, "time": 1145869468.199498},
        "sslv2_client_hellos": 1,
        "gaps": 0,
        "missing_bytes": 0,
        "partial_records": 0,
        "unframed_bytes": 0,
        "framing_lost": 0,
        "resyncs": 0,
        "fin": null,
        "rst": null
    },
    "server_to_client": {
        "records": 23,
        "record_bytes": 10699,
        "handshake_records": 9,
        "change_cipher_spec_records": 2,
        "alert_records": 0,
        "application_data_records": 12,
        "heartbeat_records": 0,
        "other_records": 0,
        "encrypted_handshake_records": 6,
        "change_cipher_spec": {"frame": 9, "time": 1145869458.665681},
        "encrypted_handshake": {"frame": 9, "time": 1145869458.665681},
        "application_data": {
            "records": 12,
            "bytes": 8600,
            "small_records": 5,
            "largest_record": 5320,
            "first": {"frame": 19, "time": 1145869458.787736},
            "last": {"frame": 57, "time": 1145869468.211155}
        },
        "first_record": {"frame": 6, "time": 1145869455.845071},
        "last_record": {"frame": 57, "time": 1145869468.211155},
        "sslv2_client_hellos": 0,
        "gaps": 0,
        "missing_bytes": 0,
        "partial_records": 0,
        "unframed_bytes": 0,
        "framing_lost": 0,
        "resyncs": 0,
        "fin": null,
        "rst": null
    },
    "shape": {
        "server_port": 443,
        "port_443": true,
        "sni_present": false,
        "bidirectional": true,
        "application_data_records": 18,
        "application_data_bytes": 11160,
        "application_data_secs": 9.535172939300537,
        "connection_secs": 12.366083860397339,
        "small_record_fraction": 0.2777777777777778,
        "mean_record_len": 620.0,
        "records_per_second": 1.8877476176452452
    },
    "problems": [],
    "problems_total": 0,
    "decryption": null
}"#;

    const SNAKEOIL_RESUMED: &str = r#"{
    "client": "127.0.0.1:38714",
    "server": "127.0.0.1:443",
    "version": "SSL 3.0",
    "sni": null,
    "client_hello": {
        "at": {"frame": 25, "time": 1145869458.807721},
        "version": "SSL 3.0",
        "sslv2_compatible": false,
        "session_id": "a3caad46955d64bb33ecb5129121a350d2c0c5f667c3cc9ec04a711b92dc5855",
        "cipher_suites": [
            "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
            "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_RC4_128_MD5", "TLS_RSA_WITH_RC4_128_SHA",
            "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
            "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA",
            "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_DHE_RSA_WITH_DES_CBC_SHA",
            "TLS_DHE_DSS_WITH_DES_CBC_SHA", "SSL_RSA_FIPS_WITH_DES_CBC_SHA", "TLS_RSA_WITH_DES_CBC_SHA",
            "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA",
            "TLS_RSA_EXPORT_WITH_RC4_40_MD5", "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5"
        ],
        "compression_methods": [0],
        "extensions": [],
        "server_name": null,
        "supported_versions": [],
        "alpn": [],
        "supported_groups": [],
        "signature_algorithms": [],
        "key_share_groups": [],
        "extended_master_secret": false,
        "encrypt_then_mac": false,
        "renegotiation_info": false,
        "session_ticket": null
    },
    "server_hello": {
        "at": {"frame": 27, "time": 1145869458.835185},
        "version": "SSL 3.0",
        "session_id": "a3caad46955d64bb33ecb5129121a350d2c0c5f667c3cc9ec04a711b92dc5855",
        "cipher_suite": "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        "compression_method": 0,
        "extensions": [],
        "selected_version": null,
        "alpn": null,
        "key_share_group": null,
        "extended_master_secret": false,
        "encrypt_then_mac": false,
        "renegotiation_info": false
    },
    "hello_retry_request": false,
    "cipher_suite": "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "key_exchange": "rsa",
    "client_random": "0034011e673afaced951bae4fc64950382630fe3396bc7bd2be5513723485bfb",
    "server_random": "444c9492cc1093b07d56456c32d2d64896f2de964d6c85c5e23330f5f367267f",
    "certificates": [],
    "certificates_not_kept": 0,
    "client_certificates": [],
    "server_key_exchange": null,
    "certificate_requested": false,
    "client_key_exchange_len": null,
    "session_ticket_issued": false,
    "resumption": "session_id",
    "handshake_completed": true,
    "handshake_completed_at": {"frame": 29, "time": 1145869458.835766},
    "handshake_messages": [
        {
        "direction": "client_to_server",
        "msg_type": "client_hello",
        "length": 111,
        "at": {"frame": 25, "time": 1145869458.807721},
        "decrypted": false,
        "error": null
    },
        {
        "direction": "server_to_client",
        "msg_type": "server_hello",
        "length": 70,
        "at": {"frame": 27, "time": 1145869458.835185},
        "decrypted": false,
        "error": null
    }
    ],
    "handshake_messages_total": 2,
    "alerts": [],
    "alerts_total": 0,
    "client_to_server": {
        "records": 8,
        "record_bytes": 2212,
        "handshake_records": 2,
        "change_cipher_spec_records": 1,
        "alert_records": 0,
        "application_data_records": 5,
        "heartbeat_records": 0,
        "other_records": 0,
        "encrypted_handshake_records": 1,
        "change_cipher_spec": {"frame": 29, "time": 1145869458.835766},
        "encrypted_handshake": {"frame": 29, "time": 1145869458.835766},
        "application_data": {
            "records": 5,
            "bytes": 2032,
            "small_records": 0,
            "largest_record": 440,
            "first": {"frame": 29, "time": 1145869458.835766},
            "last": {"frame": 51, "time": 1145869465.166406}
        },
        "first_record": {"frame": 25, "time": 1145869458.807721},
        "last_record": {"frame": 51, "time": 1145869465.166406},
        "sslv2_client_hellos": 0,
        "gaps": 0,
        "missing_bytes": 0,
        "partial_records": 0,
        "unframed_bytes": 0,
        "framing_lost": 0,
        "resyncs": 0,
        "fin": null,
        "rst": null
    },
    "server_to_client": {
        "records": 13,
        "record_bytes": 3819,
        "handshake_records": 2,
        "change_cipher_spec_records": 1,
        "alert_records": 0,
        "application_data_records": 10,
        "heartbeat_records": 0,
        "other_records": 0,
        "encrypted_handshake_records": 1,
        "change_cipher_spec": {"frame": 27, "time": 1145869458.835185},
        "encrypted_handshake": {"frame": 27, "time": 1145869458.835185},
        "application_data": {
            "records": 10,
            "bytes": 3680,
            "small_records": 4,
            "largest_record": 1408,
            "first": {"frame": 30, "time": 1145869458.836412},
            "last": {"frame": 54, "time": 1145869465.170756}
        },
        "first_record": {"frame": 27, "time": 1145869458.835185},
        "last_record": {"frame": 54, "time": 1145869465.170756},
        "sslv2_client_hellos": 0,
        "gaps": 0,
        "missing_bytes": 0,
        "partial_records": 0,
        "unframed_bytes": 0,
        "framing_lost": 0,
        "resyncs": 0,
        "fin": null,
        "rst": null
    },
    "shape": {
        "server_port": 443,
        "port_443": true,
        "sni_present": false,
        "bidirectional": true,
        "application_data_records": 15,
        "application_data_bytes": 5712,
        "application_data_secs": 6.33499002456665,
        "connection_secs": 6.363035202026367,
        "small_record_fraction": 0.26666666666666666,
        "mean_record_len": 380.8,
        "records_per_second": 2.367801676376923
    },
    "problems": [],
    "problems_total": 0,
    "decryption": null
}"#;
}
