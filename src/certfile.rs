//! Certificates and certificate hashes given on the command line, for the
//! SSTP crypto binding check ([MS-SSTP] §2.2.7, §3.2.5.2): the Cert Hash in
//! Call Connected is SHA-1 or SHA-256 over the DER encoding of the server
//! certificate the client saw in its TLS handshake.
//!
//! * [`read_certificates`] / [`parse_certificates`]: `--cert FILE`, PEM
//!   (`-----BEGIN CERTIFICATE-----` blocks, read with rustls-pki-types'
//!   [`PemObject`]) or DER; a chain file gives several certificates.
//! * [`parse_cert_hash`]: `--cert-hash HEX`, 20 bytes (SHA-1) or 32 bytes
//!   (SHA-256), with or without colons and spaces.
//! * [`cert_hash_lines`]: both hashes of a certificate in the forms people
//!   compare and type, for the `cert-hash FILE` subcommand.
//!
//! This module reads files the user named; it knows nothing of captures.

use std::path::Path;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use crate::text::escape_terminal;
use crate::tls::x509::{certificate_hashes, read_certificate};

/// The registry key whose values name the certificate the Windows SSTP
/// service binds to (its hash); `SHA256CertificateHash` and
/// `SHA1CertificateHash` there are REG_BINARY.
pub const SSTP_REGISTRY_KEY: &str = r"HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters";

/// Longest certificate file read (a chain of a dozen certificates is a few
/// tens of KiB).
pub const MAX_FILE_LEN: u64 = 4 << 20;

/// Why a certificate file or a hash could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertFileError {
    /// The file could not be read.
    #[error("cannot read {path}: {detail}")]
    Read { path: String, detail: String },
    /// Larger than [`MAX_FILE_LEN`].
    #[error("{path} is {len} bytes, more than a certificate file holds (limit {MAX_FILE_LEN})")]
    TooLarge { path: String, len: u64 },
    /// A PEM block is broken (bad base64, no END line).
    #[error("{path}: PEM: {detail}")]
    Pem { path: String, detail: String },
    /// Neither a PEM CERTIFICATE block nor DER was found.
    #[error("{path}: no certificate found (expected PEM CERTIFICATE blocks or DER)")]
    NoCertificate { path: String },
    /// The DER at `offset` is not a complete SEQUENCE (X.690 §8.1).
    #[error("{path}: the DER at byte {offset} is not a complete SEQUENCE")]
    MalformedDer { path: String, offset: usize },
    /// Certificate `index` (1-based) is not an X.509 certificate
    /// (RFC 5280 §4.1).
    #[error("{path}: certificate {index} is not an X.509 certificate: {detail}")]
    NotACertificate {
        path: String,
        index: usize,
        detail: String,
    },
    /// A `--cert-hash` value that is not 20 or 32 bytes of hex.
    #[error("certificate hash {text:?}: {detail}")]
    BadHash { text: String, detail: String },
}

/// Reads the certificates of a PEM or DER file, in file order (a chain
/// file: end-entity first, as servers send it).
pub fn read_certificates(path: &Path) -> Result<Vec<Vec<u8>>, CertFileError> {
    let name = path.display().to_string();
    let read_error = |e: std::io::Error| CertFileError::Read {
        path: name.clone(),
        detail: e.to_string(),
    };
    let len = std::fs::metadata(path).map_err(read_error)?.len();
    if len > MAX_FILE_LEN {
        return Err(CertFileError::TooLarge { path: name, len });
    }
    let bytes = std::fs::read(path).map_err(read_error)?;
    parse_certificates(&bytes, &name)
}

/// The certificates in `bytes`, named `source` in errors: PEM when the
/// bytes hold a `-----BEGIN` line (blocks other than CERTIFICATE, such as a
/// private key, are skipped), otherwise one DER certificate or several
/// concatenated.
pub fn parse_certificates(bytes: &[u8], source: &str) -> Result<Vec<Vec<u8>>, CertFileError> {
    let pem = bytes.windows(10).any(|w| w == b"-----BEGIN");
    let certificates = if pem {
        CertificateDer::pem_slice_iter(bytes)
            .map(|c| {
                c.map(|der| der.as_ref().to_vec())
                    .map_err(|e| CertFileError::Pem {
                        path: source.to_string(),
                        detail: e.to_string(),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?
    } else {
        split_der(bytes, source)?
    };
    if certificates.is_empty() {
        return Err(CertFileError::NoCertificate {
            path: source.to_string(),
        });
    }
    for (i, der) in certificates.iter().enumerate() {
        if let Some(error) = read_certificate(der).error {
            return Err(CertFileError::NotACertificate {
                path: source.to_string(),
                index: i + 1,
                detail: error.to_string(),
            });
        }
    }
    Ok(certificates)
}

/// Cuts concatenated DER SEQUENCEs apart by their lengths (X.690 §8.1.3,
/// definite form; at most 4 length octets).
fn split_der(bytes: &[u8], source: &str) -> Result<Vec<Vec<u8>>, CertFileError> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < bytes.len() {
        let malformed = || CertFileError::MalformedDer {
            path: source.to_string(),
            offset: at,
        };
        let rest = bytes.get(at..).ok_or_else(malformed)?;
        let len = der_sequence_len(rest).ok_or_else(malformed)?;
        let element = rest.get(..len).ok_or_else(malformed)?;
        out.push(element.to_vec());
        at += len;
    }
    Ok(out)
}

/// Total length (header included) of the SEQUENCE at the start of `buf`.
fn der_sequence_len(buf: &[u8]) -> Option<usize> {
    if *buf.first()? != 0x30 {
        return None;
    }
    let first = *buf.get(1)?;
    let (header, content) = if first < 0x80 {
        (2, usize::from(first))
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let octets = buf.get(2..2 + n)?;
        (
            2 + n,
            octets.iter().fold(0usize, |acc, &b| acc << 8 | usize::from(b)),
        )
    };
    let total = header.checked_add(content)?;
    (total <= buf.len()).then_some(total)
}

/// Reads a `--cert-hash` value: hex digits, optionally separated by
/// colons, spaces or tabs (as `openssl x509 -fingerprint` and Windows
/// certificate dialogs print them), 20 bytes (SHA-1) or 32 bytes
/// (SHA-256).
pub fn parse_cert_hash(text: &str) -> Result<Vec<u8>, CertFileError> {
    let bad = |detail: &str| CertFileError::BadHash {
        text: text.to_string(),
        detail: detail.to_string(),
    };
    let digits: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b':' | b' ' | b'\t'))
        .collect();
    if digits.len() % 2 != 0 {
        return Err(bad("an odd number of hex digits"));
    }
    let nibble = |d: u8| char::from(d).to_digit(16);
    let bytes = digits
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => Some((nibble(*hi)? << 4 | nibble(*lo)?) as u8),
            _ => None,
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(|| bad("not hexadecimal"))?;
    match bytes.len() {
        20 | 32 => Ok(bytes),
        n => Err(bad(&format!(
            "{n} bytes; a SHA-1 hash is 20 bytes and a SHA-256 hash 32"
        ))),
    }
}

/// Upper-case hex bytes joined by `sep`.
fn hex_joined(bytes: &[u8], sep: &str) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// The lines `tunnelscope cert-hash FILE` prints for one certificate: its
/// subject (escaped for a terminal), the SHA-1 and SHA-256 fingerprints
/// (colon-separated, as `openssl x509 -fingerprint` prints them; the SSTP
/// Cert Hash is one of these, [MS-SSTP] §2.2.7), the REG_BINARY values the
/// Windows SSTP service reads from [`SSTP_REGISTRY_KEY`], and the `reg add`
/// command that sets the SHA-256 one (needed when a TLS offloader in front
/// of the server presents this certificate).
pub fn cert_hash_lines(der: &[u8]) -> Vec<String> {
    let (sha1, sha256) = certificate_hashes(der);
    let mut lines = Vec::new();
    if let Some(details) = read_certificate(der).details {
        lines.push(format!("subject: {}", escape_terminal(&details.subject)));
    }
    lines.push(format!("SHA-1 fingerprint: {}", hex_joined(&sha1, ":")));
    lines.push(format!("SHA-256 fingerprint: {}", hex_joined(&sha256, ":")));
    lines.push(format!(
        "SHA1CertificateHash (REG_BINARY): {}",
        hex_joined(&sha1, "")
    ));
    lines.push(format!(
        "SHA256CertificateHash (REG_BINARY): {}",
        hex_joined(&sha256, "")
    ));
    lines.push(format!(
        "reg add {SSTP_REGISTRY_KEY} /v SHA256CertificateHash /t REG_BINARY /d {} /f",
        hex_joined(&sha256, "")
    ));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::x509::tests::{ca_der, leaf_der};

    /// PEM text of `der` with the usual 64-column base64 lines.
    fn pem(der: &[u8]) -> String {
        const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut b64 = String::new();
        for chunk in der.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
            for i in 0..4 {
                if i <= chunk.len() {
                    b64.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
                } else {
                    b64.push('=');
                }
            }
        }
        let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
        for line in b64.as_bytes().chunks(64) {
            out.push_str(std::str::from_utf8(line).unwrap());
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
        out
    }

    #[test]
    fn pem_chain_with_a_key_block_gives_the_certificates_in_order() {
        let text = format!(
            "subject=whatever\n{}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n{}",
            pem(&leaf_der()),
            pem(&ca_der())
        );
        let certs = parse_certificates(text.as_bytes(), "chain.pem").unwrap();
        assert_eq!(certs, vec![leaf_der(), ca_der()]);
    }

    #[test]
    fn der_single_and_concatenated() {
        assert_eq!(
            parse_certificates(&leaf_der(), "leaf.der").unwrap(),
            vec![leaf_der()]
        );
        let mut both = leaf_der();
        both.extend(ca_der());
        assert_eq!(
            parse_certificates(&both, "chain.der").unwrap(),
            vec![leaf_der(), ca_der()]
        );
    }

    #[test]
    fn broken_files_give_errors() {
        assert_eq!(
            parse_certificates(b"", "empty"),
            Err(CertFileError::NoCertificate { path: "empty".into() })
        );
        let mut cut = leaf_der();
        cut.truncate(100);
        let mut two = ca_der();
        two.extend(cut);
        assert_eq!(
            parse_certificates(&two, "cut.der"),
            Err(CertFileError::MalformedDer {
                path: "cut.der".into(),
                offset: ca_der().len()
            })
        );
        // A SEQUENCE that is not a certificate.
        assert!(matches!(
            parse_certificates(&[0x30, 0x03, 0x02, 0x01, 0x00], "seq.der"),
            Err(CertFileError::NotACertificate { index: 1, .. })
        ));
        // A key-only PEM file.
        assert_eq!(
            parse_certificates(
                b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                "key.pem"
            ),
            Err(CertFileError::NoCertificate {
                path: "key.pem".into()
            })
        );
        assert!(matches!(
            parse_certificates(b"-----BEGIN CERTIFICATE-----\nAAAA\n", "open.pem"),
            Err(CertFileError::Pem { .. })
        ));
    }

    #[test]
    fn files_are_read_from_disk() {
        let dir = std::env::temp_dir().join(format!("tunnelscope-certfile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("leaf.pem");
        std::fs::write(&path, pem(&leaf_der())).unwrap();
        assert_eq!(read_certificates(&path).unwrap(), vec![leaf_der()]);
        let missing = dir.join("missing.pem");
        assert!(matches!(
            read_certificates(&missing),
            Err(CertFileError::Read { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn cert_hash_values() {
        let sha1 = "70a26017d7a9e72aef1e8f0e5f7e0463a71a5101";
        let want = crate::crypto::mschapv2::tests::hex(sha1);
        assert_eq!(parse_cert_hash(sha1).unwrap(), want);
        assert_eq!(
            parse_cert_hash("70:A2:60:17:D7:A9:E7:2A:EF:1E:8F:0E:5F:7E:04:63:A7:1A:51:01").unwrap(),
            want
        );
        assert_eq!(
            parse_cert_hash("70 a2 60 17 d7 a9 e7 2a ef 1e 8f 0e 5f 7e 04 63 a7 1a 51 01").unwrap(),
            want
        );
        assert_eq!(parse_cert_hash(&"ab".repeat(32)).unwrap(), vec![0xab; 32]);
        assert_eq!(
            parse_cert_hash("abc"),
            Err(CertFileError::BadHash {
                text: "abc".into(),
                detail: "an odd number of hex digits".into()
            })
        );
        assert_eq!(
            parse_cert_hash("zz"),
            Err(CertFileError::BadHash {
                text: "zz".into(),
                detail: "not hexadecimal".into()
            })
        );
        assert_eq!(
            parse_cert_hash("abcd"),
            Err(CertFileError::BadHash {
                text: "abcd".into(),
                detail: "2 bytes; a SHA-1 hash is 20 bytes and a SHA-256 hash 32".into()
            })
        );
    }

    #[test]
    fn hash_lines_for_the_registry() {
        assert_eq!(
            cert_hash_lines(&leaf_der()),
            vec![
                "subject: emailAddress=admin@example.test,CN=vpn.example.test,OU=VPN #1,O=Example\\\\, Inc.,L=Wien,ST=Wien,C=AT",
                "SHA-1 fingerprint: 70:A2:60:17:D7:A9:E7:2A:EF:1E:8F:0E:5F:7E:04:63:A7:1A:51:01",
                "SHA-256 fingerprint: AA:10:2C:6A:C5:D0:43:98:39:BB:AE:A0:40:B5:49:C2:84:A2:31:7C:03:5F:F7:3B:F3:BC:43:79:C4:73:CE:F0",
                "SHA1CertificateHash (REG_BINARY): 70A26017D7A9E72AEF1E8F0E5F7E0463A71A5101",
                "SHA256CertificateHash (REG_BINARY): AA102C6AC5D0439839BBAEA040B549C284A2317C035FF73BF3BC4379C473CEF0",
                "reg add HKLM\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters /v SHA256CertificateHash /t REG_BINARY /d AA102C6AC5D0439839BBAEA040B549C284A2317C035FF73BF3BC4379C473CEF0 /f",
            ]
        );
    }
}
