//! TLS secrets the user hands over: NSS key logs (`--keylog`) and the
//! server's RSA private keys (`--server-key`), read from files. Secrets
//! carried inside a pcapng capture (Decryption Secrets Blocks) join them
//! while the capture is read ([`super::decrypt::SecretStore`]).
//!
//! Nothing here formats a secret: `Debug` shows counts and sizes, and the
//! report only names the files.

use std::io::Read;
use std::path::Path;

use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::PrivateKeyDer;
use serde::Serialize;

use super::keylog::KeyLog;
use super::x509::rsa_private_key;
use crate::crypto::rsa::RsaPrivateKey;
use crate::text::escape_terminal;

/// Longest private key file read.
pub const MAX_KEY_FILE_LEN: u64 = 1 << 20;

/// Why a secrets file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretsError {
    #[error("cannot read {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("{path} is {len} bytes, more than a private key file holds (limit {MAX_KEY_FILE_LEN})")]
    TooLarge { path: String, len: u64 },
    #[error("{path}: the private key is encrypted; write it out unencrypted first (openssl pkey -in FILE -out plain.pem)")]
    Encrypted { path: String },
    #[error(
        "{path}: no RSA private key found (expected PEM \"RSA PRIVATE KEY\" or \"PRIVATE KEY\", or DER)"
    )]
    NoRsaKey { path: String },
    #[error("{path}: {detail}")]
    Unusable { path: String, detail: String },
}

/// One `--server-key`: an RSA key and the file it came from.
#[derive(Debug, Clone)]
pub struct ServerKey {
    /// The file name as given (terminal-safe).
    pub source: String,
    pub key: RsaPrivateKey,
}

/// What a server key is, for the report (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerKeyInfo {
    pub file: String,
    pub bits: u64,
}

/// The secrets given on the command line.
#[derive(Debug, Clone, Default)]
pub struct TlsSecrets {
    pub keylog: KeyLog,
    /// Key log files read, as named.
    pub key_log_files: Vec<String>,
    pub server_keys: Vec<ServerKey>,
}

impl TlsSecrets {
    /// True when no secret at all was given.
    pub fn is_empty(&self) -> bool {
        self.key_log_files.is_empty() && self.server_keys.is_empty()
    }

    /// Reads an NSS key log file (`--keylog`), streamed: its size does not
    /// matter, the number of secrets kept is bounded
    /// ([`super::keylog::MAX_CLIENT_RANDOMS`]).
    pub fn read_key_log(&mut self, path: &Path) -> Result<(), SecretsError> {
        let name = escape_terminal(&path.display().to_string()).into_owned();
        let read_error = |e: std::io::Error| SecretsError::Read {
            path: name.clone(),
            detail: e.to_string(),
        };
        let mut file = std::fs::File::open(path).map_err(read_error)?;
        let mut chunk = vec![0u8; 64 << 10];
        loop {
            let n = file.read(&mut chunk).map_err(read_error)?;
            let Some(read) = chunk.get(..n) else { break };
            if read.is_empty() {
                break;
            }
            self.keylog.push(read);
        }
        self.keylog.end();
        self.key_log_files.push(name);
        Ok(())
    }

    /// Reads `--server-key`: every RSA private key in a PEM file (PKCS#1
    /// `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`, read with
    /// rustls-pki-types' [`PemObject`]), or one DER key.
    pub fn read_server_key(&mut self, path: &Path) -> Result<(), SecretsError> {
        let name = escape_terminal(&path.display().to_string()).into_owned();
        let read_error = |e: std::io::Error| SecretsError::Read {
            path: name.clone(),
            detail: e.to_string(),
        };
        let len = std::fs::metadata(path).map_err(read_error)?.len();
        if len > MAX_KEY_FILE_LEN {
            return Err(SecretsError::TooLarge { path: name, len });
        }
        let bytes = std::fs::read(path).map_err(read_error)?;
        let keys = parse_server_keys(&bytes, &name)?;
        self.server_keys.extend(keys.into_iter().map(|key| ServerKey {
            source: name.clone(),
            key,
        }));
        Ok(())
    }

    pub fn server_key_infos(&self) -> Vec<ServerKeyInfo> {
        self.server_keys
            .iter()
            .map(|k| ServerKeyInfo {
                file: k.source.clone(),
                bits: k.key.bits(),
            })
            .collect()
    }
}

/// The RSA keys in `bytes` (PEM or DER), `source` naming them in errors.
pub fn parse_server_keys(bytes: &[u8], source: &str) -> Result<Vec<RsaPrivateKey>, SecretsError> {
    let text_like = bytes.windows(11).any(|w| w == b"-----BEGIN ");
    if !text_like {
        return rsa_private_key(bytes)
            .and_then(|parts| RsaPrivateKey::new(&parts))
            .map(|k| vec![k])
            .ok_or_else(|| SecretsError::NoRsaKey {
                path: source.to_string(),
            });
    }
    if bytes.windows(31).any(|w| w == b"-----BEGIN ENCRYPTED PRIVATE KE")
        || bytes.windows(10).any(|w| w == b"Proc-Type:")
    {
        return Err(SecretsError::Encrypted {
            path: source.to_string(),
        });
    }
    let mut keys = Vec::new();
    for item in PrivateKeyDer::pem_slice_iter(bytes) {
        let der = item.map_err(|e| SecretsError::Unusable {
            path: source.to_string(),
            detail: pem_error(&e),
        })?;
        if let Some(key) = rsa_private_key(der.secret_der()).and_then(|parts| RsaPrivateKey::new(&parts)) {
            keys.push(key);
        }
    }
    if keys.is_empty() {
        return Err(SecretsError::NoRsaKey {
            path: source.to_string(),
        });
    }
    Ok(keys)
}

fn pem_error(e: &pem::Error) -> String {
    match e {
        pem::Error::MissingSectionEnd { .. } => "a PEM block has no END line".to_string(),
        pem::Error::IllegalSectionStart { .. } => "a PEM BEGIN line is malformed".to_string(),
        pem::Error::Base64Decode(_) => "a PEM block is not valid base64".to_string(),
        other => format!("PEM: {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::rsa::tests::{KEY_PKCS1, KEY_PKCS8};

    #[test]
    fn pkcs1_pkcs8_and_der_give_the_same_key() {
        let a = parse_server_keys(KEY_PKCS1.as_bytes(), "k1").unwrap();
        let b = parse_server_keys(KEY_PKCS8.as_bytes(), "k8").unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].modulus(), b[0].modulus());
        let der = PrivateKeyDer::from_pem_slice(KEY_PKCS8.as_bytes()).unwrap();
        let c = parse_server_keys(der.secret_der(), "der").unwrap();
        assert_eq!(c[0].modulus(), a[0].modulus());
        let both = format!("{KEY_PKCS1}{KEY_PKCS8}");
        assert_eq!(parse_server_keys(both.as_bytes(), "two").unwrap().len(), 2);
    }

    #[test]
    fn files_without_a_usable_key_are_refused_with_a_reason() {
        assert_eq!(
            parse_server_keys(
                b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
                "e"
            )
            .unwrap_err(),
            SecretsError::Encrypted { path: "e".into() }
        );
        assert_eq!(
            parse_server_keys(
                b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                "c"
            )
            .unwrap_err(),
            SecretsError::NoRsaKey { path: "c".into() }
        );
        assert_eq!(
            parse_server_keys(b"\x30\x03\x02\x01\x00", "d").unwrap_err(),
            SecretsError::NoRsaKey { path: "d".into() }
        );
        assert!(matches!(
            parse_server_keys(b"-----BEGIN PRIVATE KEY-----\nAAAA\n", "cut").unwrap_err(),
            SecretsError::Unusable { .. }
        ));
    }

    #[test]
    fn the_shared_sample_keys_read() {
        for (file, bits) in [
            (
                "../shared/captures/ajbanjara_Wireshark__vpn-server-legit.key.pem",
                1024,
            ),
            (
                "../shared/captures/negatives/ajbanjara_Wireshark__rsasnakeoil2.key",
                1024,
            ),
        ] {
            let path = Path::new(file);
            if !path.exists() {
                continue;
            }
            let mut s = TlsSecrets::default();
            s.read_server_key(path).unwrap();
            assert_eq!(
                s.server_key_infos(),
                vec![ServerKeyInfo {
                    file: file.into(),
                    bits
                }]
            );
        }
    }
}
