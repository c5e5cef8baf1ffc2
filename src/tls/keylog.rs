//! The NSS key log format (the `SSLKEYLOGFILE` written by browsers, curl,
//! OpenSSL's `-keylogfile`, rustls, and carried in pcapng Decryption
//! Secrets Blocks): one secret per line, `LABEL <hex> <hex>`.
//!
//! | label | first field | secret |
//! |---|---|---|
//! | `CLIENT_RANDOM` | ClientHello.random (32 bytes) | TLS ≤ 1.2 master secret (48 bytes) |
//! | `RSA` | first 8 bytes of the EncryptedPreMasterSecret | premaster secret (48 bytes) |
//! | `PMS_CLIENT_RANDOM` | ClientHello.random | premaster secret |
//! | `CLIENT_EARLY_TRAFFIC_SECRET` | ClientHello.random | TLS 1.3 client_early_traffic_secret |
//! | `CLIENT_HANDSHAKE_TRAFFIC_SECRET` | ClientHello.random | client_handshake_traffic_secret |
//! | `SERVER_HANDSHAKE_TRAFFIC_SECRET` | ClientHello.random | server_handshake_traffic_secret |
//! | `CLIENT_TRAFFIC_SECRET_0` | ClientHello.random | client_application_traffic_secret_0 |
//! | `SERVER_TRAFFIC_SECRET_0` | ClientHello.random | server_application_traffic_secret_0 |
//! | `EARLY_EXPORTER_SECRET`, `EXPORTER_SECRET` | ClientHello.random | exporter secrets (kept, not needed to decrypt) |
//!
//! Lines starting with `#` and empty lines are comments; unknown labels
//! are skipped and counted, as are lines that do not parse. Secrets are
//! held in [`Secret`] and never formatted.

use std::collections::HashMap;

use serde::Serialize;

use crate::crypto::Secret;

/// Client randoms kept (each holds up to seven secrets, about 400 bytes):
/// a key log of a whole day of browsing fits, a hostile one stays bounded.
pub const MAX_CLIENT_RANDOMS: usize = 200_000;
/// `RSA` lines kept.
pub const MAX_RSA_ENTRIES: usize = 200_000;
/// Longest line read; real lines are under 250 characters.
pub const MAX_LINE_LEN: usize = 1024;
/// Longest secret accepted (TLS 1.3 secrets are a hash long: 32 or 48
/// bytes).
const MAX_SECRET_LEN: usize = 64;

/// Every secret known for one ClientHello.random.
#[derive(Debug, Clone, Default)]
pub struct KeyLogEntry {
    pub master_secret: Option<Secret<Vec<u8>>>,
    pub premaster: Option<Secret<Vec<u8>>>,
    pub client_early_traffic_secret: Option<Secret<Vec<u8>>>,
    pub client_handshake_traffic_secret: Option<Secret<Vec<u8>>>,
    pub server_handshake_traffic_secret: Option<Secret<Vec<u8>>>,
    pub client_traffic_secret_0: Option<Secret<Vec<u8>>>,
    pub server_traffic_secret_0: Option<Secret<Vec<u8>>>,
    pub exporter_secret: Option<Secret<Vec<u8>>>,
    pub early_exporter_secret: Option<Secret<Vec<u8>>>,
}

/// What reading the key logs found (counts only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KeyLogStats {
    /// Lines read, comments included.
    pub lines: u64,
    /// Secrets taken in.
    pub secrets: u64,
    /// Distinct client randoms with at least one secret.
    pub client_randoms: u64,
    /// `RSA` lines taken in.
    pub rsa_premasters: u64,
    pub comments: u64,
    /// Lines with a label this reader does not know (skipped).
    pub unknown_labels: u64,
    /// Lines that do not parse: wrong field count, bad hex, wrong length.
    pub malformed_lines: u64,
    /// Secrets dropped because [`MAX_CLIENT_RANDOMS`] or
    /// [`MAX_RSA_ENTRIES`] was reached.
    pub not_kept: u64,
}

/// The secrets of one or more key logs, looked up by client random.
#[derive(Debug, Clone, Default)]
pub struct KeyLog {
    entries: HashMap<[u8; 32], KeyLogEntry>,
    rsa: HashMap<[u8; 8], Secret<Vec<u8>>>,
    stats: KeyLogStats,
    /// An unfinished last line of a chunk (see [`KeyLog::push`]).
    partial: Vec<u8>,
    /// The unfinished line is already longer than [`MAX_LINE_LEN`].
    overlong: bool,
}

/// Which slot of an entry a label fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    ClientRandom,
    PmsClientRandom,
    Rsa,
    ClientEarly,
    ClientHandshake,
    ServerHandshake,
    ClientTraffic0,
    ServerTraffic0,
    Exporter,
    EarlyExporter,
}

fn label(word: &[u8]) -> Option<Label> {
    Some(match word {
        b"CLIENT_RANDOM" => Label::ClientRandom,
        b"PMS_CLIENT_RANDOM" => Label::PmsClientRandom,
        b"RSA" => Label::Rsa,
        b"CLIENT_EARLY_TRAFFIC_SECRET" => Label::ClientEarly,
        b"CLIENT_HANDSHAKE_TRAFFIC_SECRET" => Label::ClientHandshake,
        b"SERVER_HANDSHAKE_TRAFFIC_SECRET" => Label::ServerHandshake,
        b"CLIENT_TRAFFIC_SECRET_0" => Label::ClientTraffic0,
        b"SERVER_TRAFFIC_SECRET_0" => Label::ServerTraffic0,
        b"EXPORTER_SECRET" => Label::Exporter,
        b"EARLY_EXPORTER_SECRET" => Label::EarlyExporter,
        _ => return None,
    })
}

fn unhex(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).and_then(|d| u8::try_from(d).ok());
    text.chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => Some(digit(*hi)? << 4 | digit(*lo)?),
            _ => None,
        })
        .collect()
}

impl KeyLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads a whole key log (a file, or a Decryption Secrets Block).
    pub fn parse(&mut self, text: &[u8]) {
        self.push(text);
        self.end();
    }

    /// Reads the next chunk of a key log; a line cut at the end of the
    /// chunk waits for the next chunk or [`KeyLog::end`].
    pub fn push(&mut self, chunk: &[u8]) {
        let mut rest = chunk;
        while let Some(at) = rest.iter().position(|&b| b == b'\n') {
            let (line, tail) = rest.split_at(at);
            rest = tail.get(1..).unwrap_or(&[]);
            if self.overlong {
                self.overlong = false;
                self.partial.clear();
                self.stats.lines += 1;
                self.stats.malformed_lines += 1;
            } else if self.partial.is_empty() {
                self.line(line);
            } else {
                let mut joined = std::mem::take(&mut self.partial);
                joined.extend_from_slice(line);
                self.line(&joined);
            }
        }
        if self.overlong || self.partial.len() + rest.len() > MAX_LINE_LEN + 1 {
            // Far too long to be a key log line: counted as one malformed
            // line when it ends, its bytes not kept.
            self.overlong = true;
            self.partial.clear();
        } else {
            self.partial.extend_from_slice(rest);
        }
    }

    /// The key log ended: a last line without a newline is read.
    pub fn end(&mut self) {
        if self.overlong {
            self.overlong = false;
            self.stats.lines += 1;
            self.stats.malformed_lines += 1;
        } else if !self.partial.is_empty() {
            let last = std::mem::take(&mut self.partial);
            self.line(&last);
        }
    }

    fn line(&mut self, line: &[u8]) {
        self.stats.lines += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        // Checked first, so that a line is judged the same whether it came
        // whole or in chunks (whose overlong tail is not kept).
        if line.len() > MAX_LINE_LEN {
            self.stats.malformed_lines += 1;
            return;
        }
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() || trimmed.starts_with(b"#") {
            self.stats.comments += 1;
            return;
        }
        let mut words = trimmed
            .split(|b| b.is_ascii_whitespace())
            .filter(|w| !w.is_empty());
        let (Some(first), second, third, None) = (words.next(), words.next(), words.next(), words.next())
        else {
            self.stats.malformed_lines += 1;
            return;
        };
        let Some(label) = label(first) else {
            self.stats.unknown_labels += 1;
            return;
        };
        let (Some(id), Some(secret)) = (second.and_then(unhex), third.and_then(unhex)) else {
            self.stats.malformed_lines += 1;
            return;
        };
        let secret_ok = match label {
            Label::ClientRandom | Label::PmsClientRandom | Label::Rsa => secret.len() == 48,
            _ => (16..=MAX_SECRET_LEN).contains(&secret.len()),
        };
        if !secret_ok {
            self.stats.malformed_lines += 1;
            return;
        }
        if label == Label::Rsa {
            let Ok(prefix) = <[u8; 8]>::try_from(id.as_slice()) else {
                self.stats.malformed_lines += 1;
                return;
            };
            if self.rsa.len() >= MAX_RSA_ENTRIES && !self.rsa.contains_key(&prefix) {
                self.stats.not_kept += 1;
                return;
            }
            if self.rsa.insert(prefix, Secret::new(secret)).is_none() {
                self.stats.rsa_premasters += 1;
            }
            self.stats.secrets += 1;
            return;
        }
        let Ok(random) = <[u8; 32]>::try_from(id.as_slice()) else {
            self.stats.malformed_lines += 1;
            return;
        };
        if self.entries.len() >= MAX_CLIENT_RANDOMS && !self.entries.contains_key(&random) {
            self.stats.not_kept += 1;
            return;
        }
        let entry = self.entries.entry(random).or_insert_with(|| {
            self.stats.client_randoms += 1;
            KeyLogEntry::default()
        });
        let slot = match label {
            Label::ClientRandom => &mut entry.master_secret,
            Label::PmsClientRandom => &mut entry.premaster,
            Label::ClientEarly => &mut entry.client_early_traffic_secret,
            Label::ClientHandshake => &mut entry.client_handshake_traffic_secret,
            Label::ServerHandshake => &mut entry.server_handshake_traffic_secret,
            Label::ClientTraffic0 => &mut entry.client_traffic_secret_0,
            Label::ServerTraffic0 => &mut entry.server_traffic_secret_0,
            Label::Exporter => &mut entry.exporter_secret,
            Label::EarlyExporter => &mut entry.early_exporter_secret,
            Label::Rsa => return,
        };
        *slot = Some(Secret::new(secret));
        self.stats.secrets += 1;
    }

    /// The secrets logged for a ClientHello.random.
    pub fn lookup(&self, client_random: &[u8; 32]) -> Option<&KeyLogEntry> {
        self.entries.get(client_random)
    }

    /// The premaster secret an `RSA` line gives for an
    /// EncryptedPreMasterSecret (keyed by its first 8 bytes).
    pub fn rsa_premaster(&self, encrypted_premaster: &[u8]) -> Option<&Secret<Vec<u8>>> {
        let prefix = <[u8; 8]>::try_from(encrypted_premaster.get(..8)?).ok()?;
        self.rsa.get(&prefix)
    }

    /// True when no secret was taken in.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.rsa.is_empty()
    }

    pub fn stats(&self) -> KeyLogStats {
        self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(byte: u8, n: usize) -> String {
        format!("{byte:02x}").repeat(n)
    }

    #[test]
    fn every_label_fills_its_slot() {
        let text = format!(
            "# SSL/TLS secrets log file, generated by NSS\n\
             CLIENT_RANDOM {r1} {m}\n\
             PMS_CLIENT_RANDOM {r1} {p}\n\
             CLIENT_EARLY_TRAFFIC_SECRET {r2} {s1}\n\
             CLIENT_HANDSHAKE_TRAFFIC_SECRET {r2} {s2}\r\n\
             SERVER_HANDSHAKE_TRAFFIC_SECRET {r2} {s3}\n\
             \n\
             CLIENT_TRAFFIC_SECRET_0 {r2} {s4}\n\
             SERVER_TRAFFIC_SECRET_0 {r2} {s5}\n\
             EXPORTER_SECRET {r2} {s6}\n\
             EARLY_EXPORTER_SECRET {r2} {s7}\n\
             RSA 0102030405060708 {p}",
            r1 = h(0x11, 32),
            r2 = h(0x22, 32),
            m = h(0xaa, 48),
            p = h(0xbb, 48),
            s1 = h(1, 32),
            s2 = h(2, 32),
            s3 = h(3, 48),
            s4 = h(4, 32),
            s5 = h(5, 32),
            s6 = h(6, 32),
            s7 = h(7, 32),
        );
        let mut log = KeyLog::new();
        log.parse(text.as_bytes());
        assert_eq!(
            log.stats(),
            KeyLogStats {
                lines: 12,
                secrets: 10,
                client_randoms: 2,
                rsa_premasters: 1,
                comments: 2,
                unknown_labels: 0,
                malformed_lines: 0,
                not_kept: 0,
            }
        );
        let e1 = log.lookup(&[0x11; 32]).unwrap();
        assert_eq!(e1.master_secret.as_ref().unwrap().expose(), &vec![0xaa; 48]);
        assert_eq!(e1.premaster.as_ref().unwrap().expose(), &vec![0xbb; 48]);
        assert!(e1.client_handshake_traffic_secret.is_none());
        let e2 = log.lookup(&[0x22; 32]).unwrap();
        let get = |s: &Option<Secret<Vec<u8>>>| s.as_ref().unwrap().expose().clone();
        assert_eq!(get(&e2.client_early_traffic_secret), vec![1; 32]);
        assert_eq!(get(&e2.client_handshake_traffic_secret), vec![2; 32]);
        assert_eq!(get(&e2.server_handshake_traffic_secret), vec![3; 48]);
        assert_eq!(get(&e2.client_traffic_secret_0), vec![4; 32]);
        assert_eq!(get(&e2.server_traffic_secret_0), vec![5; 32]);
        assert_eq!(get(&e2.exporter_secret), vec![6; 32]);
        assert_eq!(get(&e2.early_exporter_secret), vec![7; 32]);
        assert!(e2.master_secret.is_none());
        assert_eq!(
            log.rsa_premaster(&[1, 2, 3, 4, 5, 6, 7, 8, 9]).unwrap().expose(),
            &vec![0xbb; 48]
        );
        assert!(log.rsa_premaster(&[1, 2, 3]).is_none());
        assert!(log.lookup(&[0x33; 32]).is_none());
    }

    #[test]
    fn bad_lines_are_counted_and_skipped() {
        let text = format!(
            "CLIENT_RANDOM {r}\n\
             CLIENT_RANDOM {r} {m} extra\n\
             CLIENT_RANDOM {short} {m}\n\
             CLIENT_RANDOM {r} {odd}\n\
             CLIENT_RANDOM {r} {nothex}\n\
             CLIENT_RANDOM {r} {short}\n\
             RSA 01020304 {m}\n\
             SOMETHING_NEW {r} {m}\n\
             CLIENT_RANDOM {r} {m}\n",
            r = h(0x44, 32),
            short = h(0x44, 31),
            m = h(0x55, 48),
            odd = "abc",
            nothex = "zz".repeat(48),
        );
        let mut log = KeyLog::new();
        log.parse(text.as_bytes());
        let s = log.stats();
        assert_eq!(
            (s.lines, s.secrets, s.malformed_lines, s.unknown_labels),
            (9, 1, 7, 1)
        );
        assert_eq!(s.comments, 0);
        assert!(log.lookup(&[0x44; 32]).is_some());
    }

    #[test]
    fn chunks_split_anywhere_give_the_same_secrets() {
        let text = format!(
            "CLIENT_RANDOM {} {}\nCLIENT_RANDOM {} {}",
            h(1, 32),
            h(2, 48),
            h(3, 32),
            h(4, 48)
        );
        for cut in 0..text.len() {
            let mut log = KeyLog::new();
            log.push(&text.as_bytes()[..cut]);
            log.push(&text.as_bytes()[cut..]);
            log.end();
            assert_eq!(log.stats().secrets, 2, "cut at {cut}");
            assert_eq!(
                log.lookup(&[3; 32])
                    .unwrap()
                    .master_secret
                    .as_ref()
                    .unwrap()
                    .expose(),
                &vec![4; 48]
            );
        }
    }

    #[test]
    fn an_endless_line_is_one_malformed_line() {
        let mut log = KeyLog::new();
        for _ in 0..100 {
            log.push(&[b'A'; 4096]);
        }
        log.push(format!("\nCLIENT_RANDOM {} {}\n", h(1, 32), h(2, 48)).as_bytes());
        log.end();
        let s = log.stats();
        assert_eq!((s.malformed_lines, s.secrets), (1, 1));
    }

    /// Found by the `keylog` fuzz target: an overlong comment line was a
    /// comment when read whole and malformed when read in chunks.
    #[test]
    fn an_overlong_comment_reads_the_same_whole_and_in_chunks() {
        let mut text = b"\r".to_vec();
        text.extend([b'#'; 1500]);
        text.extend(b"\x01\t\x85\r\n# short comment\n");
        let mut whole = KeyLog::new();
        whole.parse(&text);
        let mut pieces = KeyLog::new();
        for chunk in text.chunks(93) {
            pieces.push(chunk);
        }
        pieces.end();
        assert_eq!(whole.stats(), pieces.stats());
        let s = whole.stats();
        assert_eq!((s.lines, s.comments, s.malformed_lines), (2, 1, 1));
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let mut log = KeyLog::new();
        log.parse(format!("CLIENT_RANDOM {} {}", h(1, 32), h(0xab, 48)).as_bytes());
        let shown = format!("{log:?}");
        assert!(!shown.contains("abab") && !shown.contains("171, 171"), "{shown}");
    }
}
