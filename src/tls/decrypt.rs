//! TLS decryption: the secrets of a capture ([`SecretStore`]) and the
//! per-connection [`ConnectionDecryptor`] that turns protected records
//! back into plaintext for [`super::connection::TlsConnection`].
//!
//! Where the keys come from:
//!
//! * **TLS 1.0–1.2** (and SSL 3.0): the master secret, found in this order
//!   1. a key log `CLIENT_RANDOM` line for the ClientHello.random;
//!   2. a key log `PMS_CLIENT_RANDOM` line (premaster secret);
//!   3. a key log `RSA` line for the first 8 bytes of the encrypted
//!      premaster secret;
//!   4. RSA key exchange: the encrypted premaster secret decrypted with a
//!      `--server-key` whose modulus is the certificate's (any key when
//!      the certificate is not in the capture);
//!   5. an abbreviated handshake: the master secret of the session it
//!      resumes, learnt from an earlier full handshake in the capture.
//!
//!   The premaster becomes the master secret with the suite's PRF
//!   (RFC 5246 §8.1), or over the handshake hash when both hellos carried
//!   extended_master_secret (RFC 7627 §4); the key block follows
//!   (RFC 5246 §6.3) and each direction's keys take effect at its
//!   ChangeCipherSpec.
//! * **TLS 1.3**: the handshake and application traffic secrets from a key
//!   log (RFC 8446 §7.1); each direction moves from handshake to
//!   application keys after its Finished and to the next generation at
//!   each KeyUpdate (§4.6.3).
//!
//! Secrets given on the command line and those carried in the capture
//! (pcapng Decryption Secrets Blocks) are looked up alike; nothing here
//! formats a secret.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use serde::Serialize;

use super::codes::{HandshakeType, KeyExchange, ProtocolVersion};
use super::connection::{
    DecryptionReport, DecryptionStatus, Decryptor, KeyMaterial, NotDecryptedReason, Opened, Plaintext,
    RecordFailure, SecretSource,
};
use super::kdf::{extended_master_secret, key_block, master_secret, KeyBlock, Transcript};
use super::keylog::{KeyLog, KeyLogEntry, KeyLogStats};
use super::protect::RecordOpener;
use super::record::Record;
use super::secrets::{ServerKeyInfo, TlsSecrets};
use super::suites::{suite_params, SuiteParams};
use super::x509::rsa_modulus;
use super::Direction;
use crate::crypto::Secret;

/// The pcapng Decryption Secrets Block type of a TLS key log ("TLSK",
/// pcapng draft §4.7).
pub const SECRETS_TYPE_TLS_KEY_LOG: u32 = 0x544c_534b;
/// Sessions whose master secret is remembered for resumption.
pub const MAX_SESSIONS: usize = 10_000;

/// What the capture's Decryption Secrets Blocks held.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CaptureSecretsInfo {
    /// Blocks read, all types.
    pub blocks: u64,
    /// Blocks holding a TLS key log.
    pub tls_key_log_blocks: u64,
    /// Blocks of other secrets types (WireGuard, ZigBee, …), not used.
    pub other_blocks: u64,
    /// The embedded key logs, read like a `--keylog` file.
    pub key_log: KeyLogStats,
}

/// How the secrets given were used, for the report (never a secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretsUsage {
    /// `--keylog` files, as named.
    pub key_log_files: Vec<String>,
    pub key_log: KeyLogStats,
    /// Secrets found in the capture itself.
    pub capture_secrets: CaptureSecretsInfo,
    pub server_keys: Vec<ServerKeyUsage>,
    /// TLS connections given a decryptor, decrypted (at least one record
    /// opened), and not.
    pub tls_connections: u64,
    pub connections_decrypted: u64,
    /// Connections whose secret came from a key log (file or capture).
    pub connections_by_key_log: u64,
    /// Sessions resumed with a master secret learnt earlier in the capture.
    pub connections_resumed: u64,
}

/// One `--server-key` and the connections it opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerKeyUsage {
    #[serde(flatten)]
    pub key: ServerKeyInfo,
    pub connections: u64,
}

#[derive(Debug, Default)]
struct Usage {
    connections: u64,
    decrypted: u64,
    by_key_log: u64,
    resumed: u64,
    by_server_key: Vec<u64>,
}

#[derive(Debug)]
struct StoreInner {
    given: Arc<TlsSecrets>,
    capture_log: KeyLog,
    capture: CaptureSecretsInfo,
    sessions: HashMap<Vec<u8>, Secret<[u8; 48]>>,
    session_order: VecDeque<Vec<u8>>,
    usage: Usage,
}

impl StoreInner {
    /// A value from the key log entry of `client_random`: the given key
    /// logs first, then the capture's.
    fn lookup<T>(
        &self,
        client_random: &[u8; 32],
        pick: impl Fn(&KeyLogEntry) -> Option<T>,
    ) -> Option<(T, SecretSource)> {
        if let Some(v) = self.given.keylog.lookup(client_random).and_then(&pick) {
            return Some((v, SecretSource::KeyLog));
        }
        self.capture_log
            .lookup(client_random)
            .and_then(&pick)
            .map(|v| (v, SecretSource::CaptureSecrets))
    }

    fn has_key_log(&self) -> bool {
        !self.given.keylog.is_empty() || !self.capture_log.is_empty()
    }

    fn remember_session(&mut self, session_id: &[u8], master: &[u8; 48]) {
        if session_id.is_empty() {
            return;
        }
        if !self.sessions.contains_key(session_id) {
            if self.sessions.len() >= MAX_SESSIONS {
                if let Some(oldest) = self.session_order.pop_front() {
                    self.sessions.remove(&oldest);
                }
            }
            self.session_order.push_back(session_id.to_vec());
        }
        self.sessions.insert(session_id.to_vec(), Secret::new(*master));
    }
}

/// The secrets of one analysis: those given, those found in the capture,
/// and the sessions learnt on the way. Cloning shares it.
#[derive(Debug, Clone)]
pub struct SecretStore {
    inner: Rc<RefCell<StoreInner>>,
}

impl SecretStore {
    pub fn new(given: Arc<TlsSecrets>) -> Self {
        let keys = given.server_keys.len();
        SecretStore {
            inner: Rc::new(RefCell::new(StoreInner {
                given,
                capture_log: KeyLog::new(),
                capture: CaptureSecretsInfo::default(),
                sessions: HashMap::new(),
                session_order: VecDeque::new(),
                usage: Usage {
                    by_server_key: vec![0; keys],
                    ..Usage::default()
                },
            })),
        }
    }

    /// A pcapng Decryption Secrets Block: TLS key logs are read, other
    /// types counted.
    pub fn add_capture_secrets(&self, secrets_type: u32, data: &[u8]) {
        let mut s = self.inner.borrow_mut();
        s.capture.blocks += 1;
        if secrets_type == SECRETS_TYPE_TLS_KEY_LOG {
            s.capture.tls_key_log_blocks += 1;
            s.capture_log.parse(data);
            s.capture.key_log = s.capture_log.stats();
        } else {
            s.capture.other_blocks += 1;
        }
    }

    /// True when any secret was given or found so far: only then do TLS
    /// connections get a decryptor.
    pub fn has_secrets(&self) -> bool {
        let s = self.inner.borrow();
        !s.given.is_empty() || s.capture.blocks > 0
    }

    /// A decryptor for a new TLS connection.
    pub fn decryptor(&self) -> ConnectionDecryptor {
        self.inner.borrow_mut().usage.connections += 1;
        ConnectionDecryptor::new(self.inner.clone())
    }

    /// How the secrets were used; `None` when there were none.
    pub fn usage(&self) -> Option<SecretsUsage> {
        if !self.has_secrets() {
            return None;
        }
        let s = self.inner.borrow();
        Some(SecretsUsage {
            key_log_files: s.given.key_log_files.clone(),
            key_log: s.given.keylog.stats(),
            capture_secrets: s.capture.clone(),
            server_keys: s
                .given
                .server_key_infos()
                .into_iter()
                .zip(s.usage.by_server_key.iter().copied().chain(std::iter::repeat(0)))
                .map(|(key, connections)| ServerKeyUsage { key, connections })
                .collect(),
            tls_connections: s.usage.connections,
            connections_decrypted: s.usage.decrypted,
            connections_by_key_log: s.usage.by_key_log,
            connections_resumed: s.usage.resumed,
        })
    }
}

fn index(direction: Direction) -> usize {
    direction.index()
}

/// TLS 1.3 secrets of one connection.
struct Tls13 {
    params: SuiteParams,
    application: [Option<Secret<Vec<u8>>>; 2],
}

/// Opens the records of one TLS connection; see the module documentation.
pub struct ConnectionDecryptor {
    store: Rc<RefCell<StoreInner>>,
    transcript: Transcript,
    /// The transcript up to and including ClientKeyExchange: the
    /// session_hash of RFC 7627 §3.
    at_client_key_exchange: Option<Transcript>,
    /// The randoms the key block was derived for (a renegotiation derives
    /// anew).
    derived_for: Option<([u8; 32], [u8; 32])>,
    keys: Option<(ProtocolVersion, SuiteParams, KeyBlock)>,
    openers: [Option<RecordOpener>; 2],
    tls13: Option<Tls13>,
    tls13_tried: bool,
    source: Option<SecretSource>,
    server_key_file: Option<String>,
    reason: Option<NotDecryptedReason>,
    opened: [u64; 2],
    failed: u64,
    first_failure: Option<RecordFailure>,
    counted: bool,
}

impl std::fmt::Debug for ConnectionDecryptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionDecryptor")
            .field("source", &self.source)
            .field("reason", &self.reason)
            .field("opened", &self.opened)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl ConnectionDecryptor {
    fn new(store: Rc<RefCell<StoreInner>>) -> Self {
        ConnectionDecryptor {
            store,
            transcript: Transcript::new(),
            at_client_key_exchange: None,
            derived_for: None,
            keys: None,
            openers: [None, None],
            tls13: None,
            tls13_tried: false,
            source: None,
            server_key_file: None,
            reason: None,
            opened: [0, 0],
            failed: 0,
            first_failure: None,
            counted: false,
        }
    }

    /// TLS ≤ 1.2: the key block for the handshake in `keys`, derived once
    /// per pair of randoms.
    fn establish(&mut self, keys: &KeyMaterial) {
        let (Some(cr), Some(sr), Some(version), Some(suite)) = (
            keys.client_random,
            keys.server_random,
            keys.version,
            keys.cipher_suite,
        ) else {
            self.reason.get_or_insert(NotDecryptedReason::MissedHandshake);
            return;
        };
        if self.derived_for == Some((cr, sr)) {
            return;
        }
        self.derived_for = Some((cr, sr));
        let Some(params) = suite_params(suite).filter(|p| !p.tls13) else {
            self.reason = Some(NotDecryptedReason::UnsupportedSuite);
            return;
        };
        let Some(master) = self.master_secret(keys, version, &params, &cr, &sr) else {
            return;
        };
        self.store
            .borrow_mut()
            .remember_session(&keys.session_id, &master);
        let block = key_block(version, &params, &master, &cr, &sr);
        self.keys = Some((version, params, block));
        self.reason = None;
    }

    fn master_from_premaster(
        &self,
        keys: &KeyMaterial,
        version: ProtocolVersion,
        params: &SuiteParams,
        premaster: &[u8],
        cr: &[u8; 32],
        sr: &[u8; 32],
    ) -> [u8; 48] {
        match (&self.at_client_key_exchange, keys.extended_master_secret) {
            (Some(t), true) => extended_master_secret(
                version,
                params,
                premaster,
                &t.session_hash(version, params.prf_hash),
            ),
            _ => master_secret(version, params, premaster, cr, sr),
        }
    }

    /// The master secret from the first source that has it (module
    /// documentation), or `None` with `reason` set.
    fn master_secret(
        &mut self,
        keys: &KeyMaterial,
        version: ProtocolVersion,
        params: &SuiteParams,
        cr: &[u8; 32],
        sr: &[u8; 32],
    ) -> Option<[u8; 48]> {
        let store = self.store.clone();
        let store = store.borrow();
        let logged_master = store.lookup(cr, |e| {
            e.master_secret
                .as_ref()
                .and_then(|m| <[u8; 48]>::try_from(m.expose().as_slice()).ok())
        });
        if let Some((master, source)) = logged_master {
            self.source = Some(source);
            return Some(master);
        }
        if let Some((pms, source)) = store.lookup(cr, |e| e.premaster.clone()) {
            self.source = Some(source);
            return Some(self.master_from_premaster(keys, version, params, pms.expose(), cr, sr));
        }
        let encrypted = keys.encrypted_premaster.as_deref();
        if let Some(pms) = encrypted.and_then(|e| store.given.keylog.rsa_premaster(e)) {
            self.source = Some(SecretSource::KeyLogRsa);
            return Some(self.master_from_premaster(keys, version, params, pms.expose(), cr, sr));
        }
        if let Some(pms) = encrypted.and_then(|e| store.capture_log.rsa_premaster(e)) {
            self.source = Some(SecretSource::CaptureSecrets);
            return Some(self.master_from_premaster(keys, version, params, pms.expose(), cr, sr));
        }
        let rsa = keys.cipher_suite.map(|s| s.key_exchange()) == Some(KeyExchange::Rsa);
        let server_keys = &store.given.server_keys;
        if let (true, Some(encrypted), false) = (rsa, encrypted, server_keys.is_empty()) {
            // With the certificate in the capture only the key with its
            // modulus can be right (none, for a certificate without an RSA
            // key); without it every key is tried.
            let modulus = keys.server_certificate.as_deref().map(rsa_modulus);
            let candidates: Vec<usize> = (0..server_keys.len())
                .filter(|&i| match &modulus {
                    None => true,
                    Some(m) => server_keys
                        .get(i)
                        .is_some_and(|k| m.as_deref() == Some(k.key.modulus())),
                })
                .collect();
            for i in &candidates {
                let Some(key) = server_keys.get(*i) else { continue };
                if let Some(pms) = key.key.premaster(encrypted) {
                    self.source = Some(SecretSource::ServerKey);
                    self.server_key_file = Some(key.source.clone());
                    let master = self.master_from_premaster(keys, version, params, pms.expose(), cr, sr);
                    drop(store);
                    if let Some(n) = self.store.borrow_mut().usage.by_server_key.get_mut(*i) {
                        *n += 1;
                    }
                    return Some(master);
                }
            }
            self.reason = Some(if candidates.is_empty() {
                NotDecryptedReason::ServerKeyMismatch
            } else {
                NotDecryptedReason::PremasterUndecryptable
            });
            return None;
        }
        let abbreviated = keys.client_key_exchange.is_none();
        if abbreviated {
            if let Some(master) = store.sessions.get(&keys.session_id) {
                self.source = Some(SecretSource::ResumedSession);
                return Some(*master.expose());
            }
        }
        self.reason = Some(if abbreviated && !store.has_key_log() {
            NotDecryptedReason::ResumedSessionUnknown
        } else if !rsa && !store.has_key_log() {
            NotDecryptedReason::EphemeralKeyExchange
        } else {
            NotDecryptedReason::NoSecret
        });
        None
    }

    /// TLS 1.3: handshake openers from the key log, once.
    fn establish_tls13(&mut self, keys: &KeyMaterial) {
        if self.tls13_tried {
            return;
        }
        self.tls13_tried = true;
        let (Some(cr), Some(suite)) = (keys.client_random, keys.cipher_suite) else {
            self.reason = Some(NotDecryptedReason::MissedHandshake);
            return;
        };
        let Some(params) = suite_params(suite).filter(|p| p.tls13) else {
            self.reason = Some(NotDecryptedReason::UnsupportedSuite);
            return;
        };
        let store = self.store.clone();
        let store = store.borrow();
        let found = store.lookup(&cr, |e| {
            Some((
                e.client_handshake_traffic_secret.clone()?,
                e.server_handshake_traffic_secret.clone()?,
                e.client_traffic_secret_0.clone(),
                e.server_traffic_secret_0.clone(),
            ))
        });
        let Some(((client_hs, server_hs, client_app, server_app), source)) = found else {
            self.reason = Some(if store.has_key_log() {
                NotDecryptedReason::NoSecret
            } else {
                NotDecryptedReason::EphemeralKeyExchange
            });
            return;
        };
        self.source = Some(source);
        self.openers = [
            RecordOpener::tls13(&params, client_hs.expose()),
            RecordOpener::tls13(&params, server_hs.expose()),
        ];
        self.tls13 = Some(Tls13 {
            params,
            application: [client_app, server_app],
        });
    }

    fn count_use(&mut self) {
        if self.counted {
            return;
        }
        self.counted = true;
        let mut s = self.store.borrow_mut();
        s.usage.decrypted += 1;
        match self.source {
            Some(SecretSource::KeyLog | SecretSource::KeyLogRsa | SecretSource::CaptureSecrets) => {
                s.usage.by_key_log += 1
            }
            Some(SecretSource::ResumedSession) => s.usage.resumed += 1,
            Some(SecretSource::ServerKey) | None => {}
        }
    }
}

impl Decryptor for ConnectionDecryptor {
    fn decrypt(&mut self, keys: &KeyMaterial, direction: Direction, record: &Record<'_>) -> Opened {
        if keys.version == Some(ProtocolVersion::TLS_1_3) {
            self.establish_tls13(keys);
        }
        let i = index(direction);
        let Some(opener) = self.openers.get_mut(i).and_then(Option::as_mut) else {
            return Opened::NoKeys;
        };
        match opener.open(record.content_type, record.version, record.fragment) {
            Ok((content_type, data)) => {
                if let Some(n) = self.opened.get_mut(i) {
                    *n += 1;
                }
                self.count_use();
                Opened::Plain(Plaintext { content_type, data })
            }
            Err(e) => {
                self.failed += 1;
                let error = e.to_string();
                self.first_failure.get_or_insert(RecordFailure {
                    direction,
                    frame: record.frame,
                    error: error.clone(),
                });
                Opened::Failed(error)
            }
        }
    }

    fn handshake_message(&mut self, keys: &KeyMaterial, direction: Direction, raw: &[u8]) {
        let msg_type = raw.first().copied().map(HandshakeType);
        if keys.version == Some(ProtocolVersion::TLS_1_3) {
            let i = index(direction);
            match msg_type {
                // This direction's next records use its application keys.
                Some(HandshakeType::FINISHED) => {
                    if let Some(t) = &mut self.tls13 {
                        let next = t.application.get_mut(i).and_then(Option::take);
                        if let (Some(slot), Some(secret)) = (self.openers.get_mut(i), next) {
                            *slot = RecordOpener::tls13(&t.params, secret.expose());
                        }
                    }
                }
                Some(HandshakeType::KEY_UPDATE) => {
                    if let Some(Some(opener)) = self.openers.get_mut(i) {
                        opener.key_update();
                    }
                }
                _ => {}
            }
            return;
        }
        if msg_type == Some(HandshakeType::CLIENT_HELLO) && direction == Direction::ClientToServer {
            // A new handshake (the first, or a renegotiation).
            self.transcript = Transcript::new();
            self.at_client_key_exchange = None;
        }
        if self.at_client_key_exchange.is_none() {
            self.transcript.update(raw);
            if msg_type == Some(HandshakeType::CLIENT_KEY_EXCHANGE) {
                self.at_client_key_exchange = Some(self.transcript.clone());
            }
        }
    }

    fn change_cipher_spec(&mut self, keys: &KeyMaterial, direction: Direction) {
        self.establish(keys);
        let Some((version, params, block)) = &self.keys else {
            return;
        };
        let opener = match direction {
            Direction::ClientToServer => RecordOpener::tls12(
                *version,
                params,
                &block.client_mac_key,
                &block.client_key,
                &block.client_iv,
                keys.encrypt_then_mac,
            ),
            Direction::ServerToClient => RecordOpener::tls12(
                *version,
                params,
                &block.server_mac_key,
                &block.server_key,
                &block.server_iv,
                keys.encrypt_then_mac,
            ),
        };
        if opener.is_none() {
            self.reason = Some(NotDecryptedReason::UnsupportedSuite);
        }
        if let Some(slot) = self.openers.get_mut(index(direction)) {
            *slot = opener;
        }
    }

    fn report(&self, keys: &KeyMaterial) -> DecryptionReport {
        let [c2s, s2c] = self.opened;
        let opened = c2s + s2c;
        let status = match (opened, self.failed) {
            (0, _) => DecryptionStatus::NotDecrypted,
            (_, 0) => DecryptionStatus::Decrypted,
            _ => DecryptionStatus::PartlyDecrypted,
        };
        let reason = if opened > 0 {
            None
        } else if self.failed > 0 {
            Some(NotDecryptedReason::WrongSecret)
        } else if !keys.client_hello_seen || !keys.server_hello_seen {
            Some(NotDecryptedReason::MissedHandshake)
        } else {
            self.reason
        };
        DecryptionReport {
            status,
            secret_source: self.source,
            server_key_file: self.server_key_file.clone(),
            reason,
            reason_text: reason.map(|r| r.words().to_string()),
            client_to_server_records: c2s,
            server_to_client_records: s2c,
            records_failed: self.failed,
            first_failure: self.first_failure.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Timestamp;
    use crate::crypto::rsa::tests::KEY_PKCS1;
    use crate::tls::codes::{CipherSuite, ContentType};
    use crate::tls::secrets::{parse_server_keys, ServerKey};

    const C2S: Direction = Direction::ClientToServer;

    fn store(key_log: Option<&str>, server_key: bool) -> SecretStore {
        let mut s = TlsSecrets::default();
        if let Some(text) = key_log {
            s.keylog.parse(text.as_bytes());
            s.key_log_files.push("test.keylog".into());
        }
        if server_key {
            s.server_keys.extend(
                parse_server_keys(KEY_PKCS1.as_bytes(), "k.pem")
                    .unwrap()
                    .into_iter()
                    .map(|key| ServerKey {
                        source: "k.pem".into(),
                        key,
                    }),
            );
        }
        SecretStore::new(Arc::new(s))
    }

    fn keys(suite: u16, version: ProtocolVersion) -> KeyMaterial {
        KeyMaterial {
            version: Some(version),
            cipher_suite: Some(CipherSuite(suite)),
            client_random: Some([1; 32]),
            server_random: Some([2; 32]),
            session_id: vec![9; 32],
            client_key_exchange: Some(vec![0; 130]),
            encrypted_premaster: Some(vec![0x55; 128]),
            client_hello_seen: true,
            server_hello_seen: true,
            ..KeyMaterial::default()
        }
    }

    /// The reason after the client's ChangeCipherSpec (TLS ≤ 1.2) or its
    /// first protected record (TLS 1.3).
    fn reason(store: &SecretStore, k: &KeyMaterial) -> Option<NotDecryptedReason> {
        let mut d = store.decryptor();
        d.change_cipher_spec(k, C2S);
        let rec = Record {
            content_type: ContentType::APPLICATION_DATA,
            version: ProtocolVersion::TLS_1_2,
            fragment: &[0; 40],
            first_frame: 1,
            frame: 1,
            ts: Timestamp::new(0, 0),
            offset: 0,
        };
        if k.version == Some(ProtocolVersion::TLS_1_3) {
            assert_eq!(d.decrypt(k, C2S, &rec), Opened::NoKeys);
        }
        d.report(k).reason
    }

    #[test]
    fn each_reason_a_connection_is_not_decrypted() {
        use NotDecryptedReason as R;
        let tls12 = ProtocolVersion::TLS_1_2;
        let other = format!("CLIENT_RANDOM {} {}", "07".repeat(32), "08".repeat(48));
        let log = Some(other.as_str());
        // Camellia: not a suite tunnelscope opens.
        assert_eq!(
            reason(&store(log, false), &keys(0x0041, tls12)),
            Some(R::UnsupportedSuite)
        );
        // A key log without this client random.
        assert_eq!(
            reason(&store(log, false), &keys(0xc02f, tls12)),
            Some(R::NoSecret)
        );
        // ECDHE with only a server key.
        assert_eq!(
            reason(&store(None, true), &keys(0xc02f, tls12)),
            Some(R::EphemeralKeyExchange)
        );
        // TLS 1.3 with only a server key, and with a key log that lacks it.
        let tls13 = ProtocolVersion::TLS_1_3;
        assert_eq!(
            reason(&store(None, true), &keys(0x1301, tls13)),
            Some(R::EphemeralKeyExchange)
        );
        assert_eq!(
            reason(&store(log, false), &keys(0x1301, tls13)),
            Some(R::NoSecret)
        );
        // RSA key exchange, no certificate seen: the key is tried and the
        // premaster does not decrypt.
        assert_eq!(
            reason(&store(None, true), &keys(0x002f, tls12)),
            Some(R::PremasterUndecryptable)
        );
        // RSA with a certificate whose modulus is not the key's.
        let mut k = keys(0x002f, tls12);
        k.server_certificate = Some(crate::tls::x509::tests::leaf_der());
        assert_eq!(reason(&store(None, true), &k), Some(R::ServerKeyMismatch));
        // An abbreviated handshake resuming an unknown session.
        let mut k = keys(0x002f, tls12);
        k.client_key_exchange = None;
        k.encrypted_premaster = None;
        assert_eq!(reason(&store(None, true), &k), Some(R::ResumedSessionUnknown));
        // No hellos: the capture began mid-connection.
        let mut k = keys(0x002f, tls12);
        k.client_hello_seen = false;
        assert_eq!(reason(&store(None, true), &k), Some(R::MissedHandshake));
    }

    #[test]
    fn a_logged_master_secret_yields_openers_and_a_wrong_one_fails_records() {
        let log = format!("CLIENT_RANDOM {} {}", "01".repeat(32), "08".repeat(48));
        let s = store(Some(&log), false);
        let k = keys(0xc02f, ProtocolVersion::TLS_1_2);
        let mut d = s.decryptor();
        d.change_cipher_spec(&k, C2S);
        let rec = Record {
            content_type: ContentType::APPLICATION_DATA,
            version: ProtocolVersion::TLS_1_2,
            fragment: &[0; 40],
            first_frame: 7,
            frame: 8,
            ts: Timestamp::new(0, 0),
            offset: 0,
        };
        // Keys exist; the record (not sealed with them) fails its tag.
        assert!(matches!(d.decrypt(&k, C2S, &rec), Opened::Failed(_)));
        let r = d.report(&k);
        assert_eq!(r.reason, Some(NotDecryptedReason::WrongSecret));
        assert_eq!(r.secret_source, Some(SecretSource::KeyLog));
        assert_eq!(r.records_failed, 1);
        assert_eq!(r.first_failure.map(|f| f.frame), Some(8));
        // The store learnt the session for resumption.
        assert_eq!(s.inner.borrow().sessions.len(), 1);
    }

    #[test]
    fn capture_secrets_are_read_and_counted() {
        let s = store(None, false);
        assert!(!s.has_secrets());
        let log = format!("CLIENT_RANDOM {} {}\n", "01".repeat(32), "08".repeat(48));
        s.add_capture_secrets(SECRETS_TYPE_TLS_KEY_LOG, log.as_bytes());
        s.add_capture_secrets(0x5747_4b4c, b"wireguard");
        assert!(s.has_secrets());
        let u = s.usage().unwrap();
        assert_eq!(
            (
                u.capture_secrets.blocks,
                u.capture_secrets.tls_key_log_blocks,
                u.capture_secrets.other_blocks
            ),
            (3 - 1, 1, 1)
        );
        assert_eq!(u.capture_secrets.key_log.secrets, 1);
        let k = keys(0xc02f, ProtocolVersion::TLS_1_2);
        let mut d = s.decryptor();
        d.change_cipher_spec(&k, C2S);
        assert_eq!(d.source, Some(SecretSource::CaptureSecrets));
    }
}
