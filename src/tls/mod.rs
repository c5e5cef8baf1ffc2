//! TLS as SSTP carries it: what a capture shows of a TLS connection without
//! keys (record layer, the clear handshake, alerts), and its decryption
//! when secrets are given.
//!
//! Layers, each fed by the one before:
//! * [`record`] frames TLS records (RFC 5246 §6.2, RFC 8446 §5.1) out of
//!   one direction of a reassembled TCP stream, and recognises TLS by its
//!   first bytes ([`record::looks_like_tls`]).
//! * [`handshake`] rebuilds handshake messages that span records and parses
//!   them (ClientHello, ServerHello, Certificate, …) with nom; [`alert`]
//!   reads alert records.
//! * [`x509`] reads the certificates the server presents (DER, RFC 5280):
//!   hashes (the SSTP Crypto Binding attribute carries one, [MS-SSTP] §2.2.7),
//!   names, validity, subject alternative names and key.
//! * [`suites`], [`kdf`] and [`protect`] are the decryption primitives:
//!   what a cipher suite means for record protection, the key derivations
//!   (PRF, SSL 3.0, HKDF-Expand-Label) and the opening of one protected
//!   record with one direction's keys.
//! * [`keylog`] reads NSS key logs; [`secrets`] the `--keylog` and
//!   `--server-key` files; [`decrypt`] keeps the secrets of one analysis
//!   (with those a pcapng carries and the sessions learnt for resumption)
//!   and implements [`connection::Decryptor`] per connection.
//! * [`connection`] tracks one TCP connection: records from both
//!   directions go through an optional [`connection::Decryptor`] and then
//!   to the handshake, alert and application-data consumers; the result is
//!   a serialisable [`connection::TlsFacts`].
//!
//! This module owns TLS only. It knows nothing of SSTP or HTTP above it
//! (application data goes to a caller's sink) nor of TCP below it (the
//! caller says which direction bytes travel and when bytes were lost).

use serde::Serialize;

pub mod alert;
pub mod codes;
pub mod connection;
pub mod decrypt;
pub mod handshake;
pub mod kdf;
pub mod keylog;
pub mod protect;
pub mod record;
pub mod secrets;
pub mod suites;
pub mod x509;

/// Shared with every session model.
pub use crate::roles::{At, Direction};

/// A structure that could not be decoded: which one, at which byte of it,
/// and how long it was. Decoders report this instead of panicking; the
/// caller keeps what it could read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("malformed {what} at byte {offset} of {len}")]
pub struct DecodeError {
    /// The structure, in protocol words ("client_hello", "certificate").
    pub what: &'static str,
    /// Offset of the first byte that did not fit.
    pub offset: usize,
    /// Length of the structure as given to the decoder.
    pub len: usize,
}

impl DecodeError {
    /// The error for `outer`, failing at `rest` (a sub-slice of `outer`, or
    /// its end).
    pub(crate) fn at(what: &'static str, outer: &[u8], rest: &[u8]) -> Self {
        DecodeError {
            what,
            offset: offset_in(outer, rest),
            len: outer.len(),
        }
    }

    /// The error for a nom failure while parsing `outer`.
    pub(crate) fn from_nom(
        what: &'static str,
        outer: &[u8],
        err: nom::Err<nom::error::Error<&[u8]>>,
    ) -> Self {
        match err {
            nom::Err::Error(e) | nom::Err::Failure(e) => Self::at(what, outer, e.input),
            nom::Err::Incomplete(_) => DecodeError {
                what,
                offset: outer.len(),
                len: outer.len(),
            },
        }
    }
}

/// Where `inner` starts within `outer`, when it is a sub-slice of it
/// (otherwise the end of `outer`). Pointer values are only compared, never
/// dereferenced.
pub(crate) fn offset_in(outer: &[u8], inner: &[u8]) -> usize {
    let start = outer.as_ptr() as usize;
    let at = inner.as_ptr() as usize;
    at.checked_sub(start).map_or(outer.len(), |d| d.min(outer.len()))
}

/// Lower-case hex of `bytes`, no separators.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_hex() {
        let outer = [1u8, 2, 3, 4];
        assert_eq!(offset_in(&outer, &outer[2..]), 2);
        assert_eq!(offset_in(&outer, &outer[4..]), 4);
        assert_eq!(offset_in(&outer, &[9u8][..]).min(4), 4);
        assert_eq!(hex(&[0x00, 0xab, 0x10]), "00ab10");
        let e = DecodeError::at("client_hello", &outer, &outer[3..]);
        assert_eq!(e.to_string(), "malformed client_hello at byte 3 of 4");
        assert_eq!(Direction::ClientToServer.reverse(), Direction::ServerToClient);
    }
}
