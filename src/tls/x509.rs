//! X.509 certificates as a TLS server presents them (RFC 5280 §4.1), read
//! with a small DER reader (X.690 §8 and §10).
//!
//! [`read_certificate`] always hashes the DER bytes (SHA-1 and SHA-256:
//! the SSTP Crypto Binding attribute carries one of them, [MS-SSTP] §2.2.7) and
//! then decodes what an analyst needs: serial number, signature algorithm,
//! issuer and subject as RFC 4514 strings, validity as seconds since the
//! epoch, subject alternative names, basic constraints, extended key usage
//! and the public key's type and size. Malformed DER gives a
//! [`DecodeError`] beside the hashes, never a panic.
//!
//! Only what is listed is decoded; other extensions are skipped by length.
//! Signatures are not verified: this is an observer's description, not a
//! trust decision.

use std::net::IpAddr;

use nom::bytes::complete::take;
use nom::error::{Error as NomError, ErrorKind};
use nom::number::complete::be_u8;
use nom::{IResult, Parser};
use serde::Serialize;
use sha1::{Digest, Sha1};
use sha2::Sha256;

use super::{hex, DecodeError};

type PResult<'a, T> = IResult<&'a [u8], T>;
/// A DER decoding failure, pointing into the input.
type Fails<'a> = nom::Err<NomError<&'a [u8]>>;

// Identifier octets (X.690 §8.1.2) of the types a certificate uses.
const BOOLEAN: u8 = 0x01;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
const UTF8_STRING: u8 = 0x0c;
const NUMERIC_STRING: u8 = 0x12;
const PRINTABLE_STRING: u8 = 0x13;
const T61_STRING: u8 = 0x14;
const IA5_STRING: u8 = 0x16;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;
const VISIBLE_STRING: u8 = 0x1a;
const UNIVERSAL_STRING: u8 = 0x1c;
const BMP_STRING: u8 = 0x1e;
const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
/// [0] EXPLICIT, constructed: the TBSCertificate version.
const CONTEXT_0: u8 = 0xa0;
/// [3] EXPLICIT, constructed: the TBSCertificate extensions.
const CONTEXT_3: u8 = 0xa3;

/// Longest DER length accepted (4 length octets would allow 4 GiB; a
/// certificate is bounded by its handshake message anyway).
const MAX_LEN_OCTETS: u8 = 4;

/// One DER element: identifier octet and contents. High tag numbers
/// (identifier low bits 11111) are read and skipped but never matched.
#[derive(Debug, Clone, Copy)]
struct Tlv<'a> {
    id: u8,
    value: &'a [u8],
}

fn fail<T>(input: &[u8]) -> PResult<'_, T> {
    Err(nom::Err::Error(NomError::new(input, ErrorKind::Verify)))
}

/// Reads one element (definite length only, as DER requires).
fn tlv(input: &[u8]) -> PResult<'_, Tlv<'_>> {
    let (mut i, id) = be_u8(input)?;
    if id & 0x1f == 0x1f {
        // High tag number: base-128 octets, the last without bit 8.
        loop {
            let (next, b) = be_u8(i)?;
            i = next;
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let (i, first) = be_u8(i)?;
    let (i, len) = if first < 0x80 {
        (i, usize::from(first))
    } else {
        let n = first & 0x7f;
        if n == 0 || n > MAX_LEN_OCTETS {
            return fail(input);
        }
        let (i, octets) = take(usize::from(n)).parse_complete(i)?;
        (i, octets.iter().fold(0usize, |acc, &b| acc << 8 | usize::from(b)))
    };
    let (i, value) = take(len).parse_complete(i)?;
    Ok((i, Tlv { id, value }))
}

/// Reads one element that must have identifier `id`.
fn expect(id: u8) -> impl Fn(&[u8]) -> PResult<'_, &[u8]> {
    move |input| {
        let (i, t) = tlv(input)?;
        if t.id != id {
            return fail(input);
        }
        Ok((i, t.value))
    }
}

/// Reads an element with identifier `id` if one comes next.
fn optional(id: u8, input: &[u8]) -> PResult<'_, Option<&[u8]>> {
    match input.first() {
        Some(&b) if b == id => expect(id)(input).map(|(i, v)| (i, Some(v))),
        _ => Ok((input, None)),
    }
}

/// All elements of a constructed value.
fn elements(mut value: &[u8]) -> Result<Vec<Tlv<'_>>, Fails<'_>> {
    let mut out = Vec::new();
    while !value.is_empty() {
        let (rest, t) = tlv(value)?;
        out.push(t);
        value = rest;
    }
    Ok(out)
}

/// Dotted form of an OBJECT IDENTIFIER's contents (X.690 §8.19).
fn oid_string(value: &[u8]) -> Option<String> {
    let mut arcs: Vec<u64> = Vec::new();
    let mut acc: u64 = 0;
    for (n, &b) in value.iter().enumerate() {
        if acc == 0 && b == 0x80 {
            return None; // non-minimal encoding
        }
        acc = acc.checked_mul(128)?.checked_add(u64::from(b & 0x7f))?;
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (acc / 40).min(2);
                arcs.push(first);
                arcs.push(acc - first * 40);
            } else {
                arcs.push(acc);
            }
            acc = 0;
        } else if n + 1 == value.len() {
            return None; // ends inside an arc
        }
    }
    if arcs.is_empty() {
        return None;
    }
    Some(arcs.iter().map(u64::to_string).collect::<Vec<_>>().join("."))
}

/// RFC 4514 §3 short names, and the names OpenSSL prints for the other
/// attribute types certificates commonly carry.
fn attribute_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "serialNumber",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "title",
        "2.5.4.15" => "businessCategory",
        "2.5.4.17" => "postalCode",
        "2.5.4.42" => "GN",
        "2.5.4.43" => "initials",
        "2.5.4.44" => "generationQualifier",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.65" => "pseudonym",
        "2.5.4.97" => "organizationIdentifier",
        "0.9.2342.19200300.100.1.1" => "UID",
        "0.9.2342.19200300.100.1.25" => "DC",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "1.3.6.1.4.1.311.60.2.1.1" => "jurisdictionL",
        "1.3.6.1.4.1.311.60.2.1.2" => "jurisdictionST",
        "1.3.6.1.4.1.311.60.2.1.3" => "jurisdictionC",
        _ => return None,
    })
}

/// Names of signature and public-key algorithms (RFC 3279, RFC 4055,
/// RFC 5758, RFC 8410).
fn algorithm_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.113549.1.1.1" => "rsaEncryption",
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.10040.4.1" => "dsa",
        "1.2.840.10040.4.3" => "dsa-with-SHA1",
        "2.16.840.1.101.3.4.3.2" => "dsa-with-SHA256",
        "1.2.840.10045.2.1" => "id-ecPublicKey",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.2.840.113549.1.3.1" => "dhKeyAgreement",
        "1.3.101.110" => "X25519",
        "1.3.101.111" => "X448",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        _ => return None,
    })
}

/// Named curves (RFC 5480 §2.1.1.1) and their sizes in bits.
fn curve(oid: &str) -> Option<(&'static str, u32)> {
    Some(match oid {
        "1.2.840.10045.3.1.1" => ("secp192r1", 192),
        "1.3.132.0.33" => ("secp224r1", 224),
        "1.2.840.10045.3.1.7" => ("prime256v1", 256),
        "1.3.132.0.10" => ("secp256k1", 256),
        "1.3.132.0.34" => ("secp384r1", 384),
        "1.3.132.0.35" => ("secp521r1", 521),
        "1.3.36.3.3.2.8.1.1.7" => ("brainpoolP256r1", 256),
        "1.3.36.3.3.2.8.1.1.11" => ("brainpoolP384r1", 384),
        "1.3.36.3.3.2.8.1.1.13" => ("brainpoolP512r1", 512),
        _ => return None,
    })
}

/// Extended key usage purposes (RFC 5280 §4.2.1.12).
fn key_purpose(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.29.37.0" => "anyExtendedKeyUsage",
        "1.3.6.1.5.5.7.3.1" => "serverAuth",
        "1.3.6.1.5.5.7.3.2" => "clientAuth",
        "1.3.6.1.5.5.7.3.3" => "codeSigning",
        "1.3.6.1.5.5.7.3.4" => "emailProtection",
        "1.3.6.1.5.5.7.3.8" => "timeStamping",
        "1.3.6.1.5.5.7.3.9" => "OCSPSigning",
        "1.3.6.1.4.1.311.10.3.3" => "msSGC",
        "2.16.840.1.113730.4.1" => "nsSGC",
        _ => return None,
    })
}

fn name_or_oid(oid: &str, table: fn(&str) -> Option<&'static str>) -> String {
    table(oid).map_or_else(|| oid.to_string(), str::to_string)
}

/// Text of a directory string (RFC 5280 §4.1.2.4): the character string
/// types certificates use; `None` for any other type.
fn directory_string(t: &Tlv<'_>) -> Option<String> {
    Some(match t.id {
        UTF8_STRING => String::from_utf8_lossy(t.value).into_owned(),
        PRINTABLE_STRING | IA5_STRING | NUMERIC_STRING | VISIBLE_STRING => {
            String::from_utf8_lossy(t.value).into_owned()
        }
        // TeletexString: in practice Latin-1.
        T61_STRING => t.value.iter().map(|&b| char::from(b)).collect(),
        BMP_STRING => {
            let units: Vec<u16> = t
                .value
                .chunks(2)
                .map(|c| {
                    u16::from_be_bytes([c.first().copied().unwrap_or(0), c.get(1).copied().unwrap_or(0)])
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        UNIVERSAL_STRING => t
            .value
            .chunks(4)
            .map(|c| {
                let mut b = [0u8; 4];
                for (dst, src) in b.iter_mut().zip(c) {
                    *dst = *src;
                }
                char::from_u32(u32::from_be_bytes(b)).unwrap_or(char::REPLACEMENT_CHARACTER)
            })
            .collect(),
        _ => return None,
    })
}

/// Escapes an attribute value for an RFC 4514 string (§2.4).
fn escape_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let last = v.chars().count().saturating_sub(1);
    for (n, c) in v.chars().enumerate() {
        match c {
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '#' if n == 0 => out.push_str("\\#"),
            ' ' if n == 0 || n == last => out.push_str("\\ "),
            '\0' => out.push_str("\\00"),
            _ => out.push(c),
        }
    }
    out
}

/// One AttributeTypeAndValue as `type=value` (RFC 4514 §2.3, §2.4):
/// unknown types as the dotted OID, values that are not strings as `#`
/// and the hex of their DER encoding.
fn attribute(seq: &[u8]) -> Result<(String, String), Fails<'_>> {
    let (rest, oid) = expect(OID)(seq)?;
    let (rest2, value) = tlv(rest)?;
    if !rest2.is_empty() {
        return fail(rest2).map(|(_, ())| (String::new(), String::new()));
    }
    let oid = oid_string(oid).ok_or_else(|| nom::Err::Error(NomError::new(seq, ErrorKind::Verify)))?;
    let key = attribute_name(&oid).map_or_else(|| oid.clone(), str::to_string);
    let text = match directory_string(&value) {
        Some(s) if attribute_name(&oid).is_some() => escape_value(&s),
        _ => {
            let encoded = rest.get(..rest.len() - rest2.len()).unwrap_or(&[]);
            format!("#{}", hex(encoded))
        }
    };
    Ok((key, text))
}

/// A Name (RFC 5280 §4.1.2.4) as an RFC 4514 string: RDNs last first,
/// joined by `,`; the attributes of a multi-valued RDN joined by `+` in
/// their encoded order. Also returns the (last) common name.
fn name(value: &[u8]) -> Result<(String, Option<String>), Fails<'_>> {
    let mut rdns = Vec::new();
    let mut common_name = None;
    for rdn in elements(value)? {
        if rdn.id != SET {
            return fail(rdn.value).map(|(_, ())| (String::new(), None));
        }
        let mut parts = Vec::new();
        for ava in elements(rdn.value)? {
            if ava.id != SEQUENCE {
                return fail(ava.value).map(|(_, ())| (String::new(), None));
            }
            let (key, text) = attribute(ava.value)?;
            if key == "CN" {
                let (_, v) = tlv(expect(OID)(ava.value)?.0)?;
                common_name = directory_string(&v);
            }
            parts.push(format!("{key}={text}"));
        }
        rdns.push(parts.join("+"));
    }
    rdns.reverse();
    Ok((rdns.join(","), common_name))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// days_from_civil).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn digits(s: &[u8]) -> Option<u32> {
    s.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// A Time (RFC 5280 §4.1.2.5) as seconds since the epoch: UTCTime
/// YYMMDDHHMM[SS]Z (years 50–99 are 19xx) or GeneralizedTime
/// YYYYMMDDHHMMSS[.fff]Z (fractions dropped).
fn time(t: &Tlv<'_>) -> Option<i64> {
    let v = t.value;
    let (year, rest) = match t.id {
        UTC_TIME => {
            let yy = digits(v.get(..2)?)?;
            (
                i64::from(if yy >= 50 { 1900 + yy } else { 2000 + yy }),
                v.get(2..)?,
            )
        }
        GENERALIZED_TIME => (i64::from(digits(v.get(..4)?)?), v.get(4..)?),
        _ => return None,
    };
    let (month, day, hour, minute) = (
        digits(rest.get(0..2)?)?,
        digits(rest.get(2..4)?)?,
        digits(rest.get(4..6)?)?,
        digits(rest.get(6..8)?)?,
    );
    let tail = rest.get(8..)?;
    let (second, tail) = match tail.first() {
        Some(c) if c.is_ascii_digit() => (digits(tail.get(..2)?)?, tail.get(2..)?),
        _ => (0, tail),
    };
    // Fractional seconds (GeneralizedTime only), then the mandatory Z.
    let tail = match tail.first() {
        Some(b'.') if t.id == GENERALIZED_TIME => {
            let n = tail.iter().skip(1).take_while(|c| c.is_ascii_digit()).count();
            tail.get(1 + n..)?
        }
        _ => tail,
    };
    if tail != b"Z"
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second))
}

/// RFC 3339 text (UTC) of seconds since the epoch.
pub fn format_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Inverse of days_from_civil (H. Hinnant's civil_from_days).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// Bit length of a big-endian unsigned INTEGER's contents.
fn integer_bits(v: &[u8]) -> u32 {
    let significant = v
        .iter()
        .position(|&b| b != 0)
        .and_then(|at| v.get(at..))
        .unwrap_or(&[]);
    significant.first().map_or(0, |&b| {
        let bytes = u32::try_from(significant.len()).unwrap_or(u32::MAX);
        (bytes - 1)
            .saturating_mul(8)
            .saturating_add(8 - b.leading_zeros())
    })
}

/// A subjectAltName entry (RFC 5280 §4.2.1.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GeneralName {
    /// dNSName `[2]`.
    Dns(String),
    /// iPAddress `[7]`: 4 or 16 octets.
    Ip(IpAddr),
    /// rfc822Name `[1]`.
    Email(String),
    /// uniformResourceIdentifier `[6]`.
    Uri(String),
    /// directoryName `[4]`, as an RFC 4514 string.
    DirectoryName(String),
    /// Any other form, by its context tag number.
    Other(u8),
}

/// The subject's public key (RFC 5280 §4.1.2.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicKey {
    /// Algorithm name (rsaEncryption, id-ecPublicKey, Ed25519, …) or its
    /// OID.
    pub algorithm: String,
    /// Key size in bits: RSA modulus, DSA prime, curve size.
    pub bits: Option<u32>,
    /// Named curve of an EC key.
    pub curve: Option<String>,
}

/// What the certificate says, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateDetails {
    /// 1, 2 or 3 (the encoded value plus one).
    pub version: u8,
    /// serialNumber as hex, without a leading sign octet.
    pub serial_number: String,
    /// signatureAlgorithm of the TBSCertificate (name or OID).
    pub signature_algorithm: String,
    /// Issuer as an RFC 4514 string.
    pub issuer: String,
    /// Subject as an RFC 4514 string.
    pub subject: String,
    /// The subject's (last) common name, unescaped.
    pub subject_common_name: Option<String>,
    /// notBefore, seconds since the epoch.
    pub not_before: i64,
    /// notAfter, seconds since the epoch.
    pub not_after: i64,
    /// notBefore as RFC 3339 text.
    pub not_before_utc: String,
    /// notAfter as RFC 3339 text.
    pub not_after_utc: String,
    pub subject_alt_names: Vec<GeneralName>,
    /// basicConstraints cA (RFC 5280 §4.2.1.9); `None` without the
    /// extension.
    pub is_ca: Option<bool>,
    /// extKeyUsage purposes (names or OIDs).
    pub extended_key_usage: Vec<String>,
    pub public_key: PublicKey,
    /// OIDs of the listed extensions whose contents did not decode.
    pub unreadable_extensions: Vec<String>,
}

/// A certificate from a Certificate message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateInfo {
    /// Length of the DER encoding.
    pub der_len: usize,
    /// SHA-1 of the DER encoding, lower-case hex.
    pub sha1: String,
    /// SHA-256 of the DER encoding, lower-case hex.
    pub sha256: String,
    /// The decoded fields; `None` when the DER is malformed.
    pub details: Option<CertificateDetails>,
    /// Why the DER could not be decoded.
    pub error: Option<DecodeError>,
}

/// Hashes and decodes one DER certificate.
pub fn read_certificate(der: &[u8]) -> CertificateInfo {
    let sha1 = hex(&Sha1::digest(der));
    let sha256 = hex(&Sha256::digest(der));
    let (details, error) = match certificate(der) {
        Ok(d) => (Some(d), None),
        Err(e) => (None, Some(DecodeError::from_nom("certificate", der, e))),
    };
    CertificateInfo {
        der_len: der.len(),
        sha1,
        sha256,
        details,
        error,
    }
}

/// SHA-256 and SHA-1 digests of a DER certificate, raw (the SSTP cert
/// hash, [MS-SSTP] §2.2.7).
pub fn certificate_hashes(der: &[u8]) -> ([u8; 20], [u8; 32]) {
    (Sha1::digest(der).into(), Sha256::digest(der).into())
}

/// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
/// signatureValue } (RFC 5280 §4.1); only the TBSCertificate is decoded.
fn certificate(der: &[u8]) -> Result<CertificateDetails, Fails<'_>> {
    let (rest, cert) = expect(SEQUENCE)(der)?;
    if !rest.is_empty() {
        return fail(rest).map(|(_, d)| d);
    }
    let (_, tbs) = expect(SEQUENCE)(cert)?;
    tbs_certificate(tbs)
}

fn tbs_certificate(tbs: &[u8]) -> Result<CertificateDetails, Fails<'_>> {
    let (i, version) = optional(CONTEXT_0, tbs)?;
    let version = match version {
        Some(v) => {
            let (_, n) = expect(INTEGER)(v)?;
            match n {
                [n @ 0..=2] => n + 1,
                _ => return fail(v).map(|(_, d)| d),
            }
        }
        None => 1,
    };
    let (i, serial) = expect(INTEGER)(i)?;
    let serial = match serial {
        [0, rest @ ..] if rest.first().is_some_and(|b| b & 0x80 != 0) => rest,
        s => s,
    };
    let (i, signature) = expect(SEQUENCE)(i)?;
    let (_, signature_oid) = expect(OID)(signature)?;
    let (i, issuer) = expect(SEQUENCE)(i)?;
    let (i, validity) = expect(SEQUENCE)(i)?;
    let (i, subject) = expect(SEQUENCE)(i)?;
    let (i, spki) = expect(SEQUENCE)(i)?;

    let (after, not_before) = tlv(validity)?;
    let (_, not_after) = tlv(after)?;
    let not_before_secs =
        time(&not_before).ok_or_else(|| nom::Err::Error(NomError::new(validity, ErrorKind::Verify)))?;
    let not_after_secs =
        time(&not_after).ok_or_else(|| nom::Err::Error(NomError::new(after, ErrorKind::Verify)))?;

    let (issuer, _) = name(issuer)?;
    let (subject, subject_common_name) = name(subject)?;
    let public_key = public_key(spki)?;

    let mut details = CertificateDetails {
        version,
        serial_number: hex(serial),
        signature_algorithm: oid_string(signature_oid).map_or_else(
            || format!("#{}", hex(signature_oid)),
            |o| name_or_oid(&o, algorithm_name),
        ),
        issuer,
        subject,
        subject_common_name,
        not_before: not_before_secs,
        not_after: not_after_secs,
        not_before_utc: format_utc(not_before_secs),
        not_after_utc: format_utc(not_after_secs),
        subject_alt_names: Vec::new(),
        is_ca: None,
        extended_key_usage: Vec::new(),
        public_key,
        unreadable_extensions: Vec::new(),
    };

    // issuerUniqueID [1] and subjectUniqueID [2] (v2/v3) are skipped.
    let mut i = i;
    for id in [0x81u8, 0x82, 0xa1, 0xa2] {
        i = optional(id, i)?.0;
    }
    if let (_, Some(exts)) = optional(CONTEXT_3, i)? {
        let (_, list) = expect(SEQUENCE)(exts)?;
        for ext in elements(list)? {
            if ext.id != SEQUENCE {
                return fail(ext.value).map(|(_, d)| d);
            }
            extension(ext.value, &mut details)?;
        }
    }
    Ok(details)
}

/// Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue }.
/// Structure errors fail the certificate; a listed extension whose
/// contents do not decode is only noted.
fn extension<'a>(ext: &'a [u8], details: &mut CertificateDetails) -> Result<(), Fails<'a>> {
    let (i, oid) = expect(OID)(ext)?;
    let (i, _critical) = optional(BOOLEAN, i)?;
    let (_, value) = expect(OCTET_STRING)(i)?;
    let oid = oid_string(oid).unwrap_or_default();
    let ok = match oid.as_str() {
        "2.5.29.17" => subject_alt_names(value).map(|names| details.subject_alt_names = names),
        "2.5.29.19" => basic_constraints(value).map(|ca| details.is_ca = Some(ca)),
        "2.5.29.37" => extended_key_usage(value).map(|p| details.extended_key_usage = p),
        _ => Some(()),
    };
    if ok.is_none() {
        details.unreadable_extensions.push(oid);
    }
    Ok(())
}

fn subject_alt_names(value: &[u8]) -> Option<Vec<GeneralName>> {
    let (rest, seq) = expect(SEQUENCE)(value).ok()?;
    if !rest.is_empty() {
        return None;
    }
    elements(seq)
        .ok()?
        .into_iter()
        .map(|n| {
            let text = || String::from_utf8_lossy(n.value).into_owned();
            Some(match n.id {
                0x81 => GeneralName::Email(text()),
                0x82 => GeneralName::Dns(text()),
                0x86 => GeneralName::Uri(text()),
                0x87 => match n.value.len() {
                    4 => {
                        let b: [u8; 4] = n.value.try_into().ok()?;
                        GeneralName::Ip(IpAddr::from(b))
                    }
                    16 => {
                        let b: [u8; 16] = n.value.try_into().ok()?;
                        GeneralName::Ip(IpAddr::from(b))
                    }
                    _ => return None,
                },
                0xa4 => {
                    let (_, dn) = expect(SEQUENCE)(n.value).ok()?;
                    GeneralName::DirectoryName(name(dn).ok()?.0)
                }
                id => GeneralName::Other(id & 0x1f),
            })
        })
        .collect()
}

/// BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLen }.
fn basic_constraints(value: &[u8]) -> Option<bool> {
    let (_, seq) = expect(SEQUENCE)(value).ok()?;
    let (_, ca) = optional(BOOLEAN, seq).ok()?;
    match ca {
        None => Some(false),
        Some([b]) => Some(*b != 0),
        Some(_) => None,
    }
}

fn extended_key_usage(value: &[u8]) -> Option<Vec<String>> {
    let (_, seq) = expect(SEQUENCE)(value).ok()?;
    elements(seq)
        .ok()?
        .into_iter()
        .map(|t| (t.id == OID).then(|| oid_string(t.value)).flatten())
        .map(|o| o.map(|o| name_or_oid(&o, key_purpose)))
        .collect()
}

/// An unsigned big-endian INTEGER's contents without leading zero octets.
fn unsigned(v: &[u8]) -> &[u8] {
    let at = v.iter().position(|&b| b != 0).unwrap_or(v.len());
    v.get(at..).unwrap_or(&[])
}

/// The modulus of a certificate's RSA public key (RFC 8017 §A.1.1
/// RSAPublicKey inside the SubjectPublicKeyInfo, RFC 5280 §4.1.2.7), big
/// endian without leading zeros; `None` for other key types or a
/// certificate that does not decode.
pub fn rsa_modulus(der: &[u8]) -> Option<Vec<u8>> {
    let (_, cert) = expect(SEQUENCE)(der).ok()?;
    let (_, tbs) = expect(SEQUENCE)(cert).ok()?;
    let (i, _version) = optional(CONTEXT_0, tbs).ok()?;
    let mut i = i;
    // serialNumber, signature, issuer, validity, subject.
    for id in [INTEGER, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE] {
        i = expect(id)(i).ok()?.0;
    }
    let (_, spki) = expect(SEQUENCE)(i).ok()?;
    let (i, algorithm) = expect(SEQUENCE)(spki).ok()?;
    let (_, oid) = expect(OID)(algorithm).ok()?;
    if oid_string(oid).as_deref() != Some("1.2.840.113549.1.1.1") {
        return None;
    }
    let (_, key_bits) = expect(BIT_STRING)(i).ok()?;
    let (_, seq) = expect(SEQUENCE)(key_bits.get(1..)?).ok()?;
    let (_, n) = expect(INTEGER)(seq).ok()?;
    Some(unsigned(n).to_vec())
}

/// The numbers of an RSA private key that decryption needs, big endian
/// without leading zeros.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPrivateKeyParts {
    pub modulus: Vec<u8>,
    pub public_exponent: Vec<u8>,
    pub private_exponent: Vec<u8>,
}

impl std::fmt::Debug for RsaPrivateKeyParts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The private exponent is a secret: never shown.
        f.debug_struct("RsaPrivateKeyParts")
            .field("modulus_bits", &integer_bits(&self.modulus))
            .finish_non_exhaustive()
    }
}

/// Reads an RSA private key: PKCS#1 RSAPrivateKey (RFC 8017 §A.1.2:
/// version, n, e, d, p, q, dP, dQ, qInv, …) or the PKCS#8
/// PrivateKeyInfo that wraps one (RFC 5208 §5, algorithm rsaEncryption).
pub fn rsa_private_key(der: &[u8]) -> Option<RsaPrivateKeyParts> {
    let (_, seq) = expect(SEQUENCE)(der).ok()?;
    let (i, _version) = expect(INTEGER)(seq).ok()?;
    if i.first() == Some(&SEQUENCE) {
        // PKCS#8: AlgorithmIdentifier, then the PKCS#1 key in an OCTET STRING.
        let (i, algorithm) = expect(SEQUENCE)(i).ok()?;
        let (_, oid) = expect(OID)(algorithm).ok()?;
        if oid_string(oid).as_deref() != Some("1.2.840.113549.1.1.1") {
            return None;
        }
        let (_, inner) = expect(OCTET_STRING)(i).ok()?;
        return rsa_private_key(inner);
    }
    let (i, n) = expect(INTEGER)(i).ok()?;
    let (i, e) = expect(INTEGER)(i).ok()?;
    let (_, d) = expect(INTEGER)(i).ok()?;
    let parts = RsaPrivateKeyParts {
        modulus: unsigned(n).to_vec(),
        public_exponent: unsigned(e).to_vec(),
        private_exponent: unsigned(d).to_vec(),
    };
    if parts.modulus.is_empty() || parts.private_exponent.is_empty() {
        return None;
    }
    Some(parts)
}

/// SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey }.
fn public_key(spki: &[u8]) -> Result<PublicKey, Fails<'_>> {
    let (i, algorithm) = expect(SEQUENCE)(spki)?;
    let (_, key_bits) = expect(BIT_STRING)(i)?;
    let (params, oid) = expect(OID)(algorithm)?;
    let oid = oid_string(oid).unwrap_or_default();
    // The BIT STRING's first octet counts unused bits.
    let key = key_bits.get(1..).unwrap_or(&[]);
    let (bits, curve_name) = match oid.as_str() {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => {
            let modulus = expect(SEQUENCE)(key).and_then(|(_, seq)| expect(INTEGER)(seq));
            (modulus.ok().map(|(_, n)| integer_bits(n)), None)
        }
        "1.2.840.10045.2.1" => match expect(OID)(params).ok().and_then(|(_, c)| oid_string(c)) {
            Some(c) => match curve(&c) {
                Some((name, bits)) => (Some(bits), Some(name.to_string())),
                None => (None, Some(c)),
            },
            None => (None, None),
        },
        "1.2.840.10040.4.1" => {
            let p = expect(SEQUENCE)(params).and_then(|(_, seq)| expect(INTEGER)(seq));
            (p.ok().map(|(_, p)| integer_bits(p)), None)
        }
        "1.3.101.110" | "1.3.101.112" => (Some(256), None),
        "1.3.101.111" => (Some(448), None),
        "1.3.101.113" => (Some(456), None),
        _ => (None, None),
    };
    Ok(PublicKey {
        algorithm: name_or_oid(&oid, algorithm_name),
        bits,
        curve: curve_name,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// A leaf certificate made with the openssl command line (3.0):
    /// ```text
    /// openssl req -x509 -newkey rsa:1024 -nodes -keyout ca.key -out ca.pem -days 3650 \
    ///   -set_serial 0x1001 -subj "/DC=test/DC=example/CN=Example Root CA+OU=PKI" \
    ///   -addext "basicConstraints=critical,CA:TRUE" -sha256
    /// openssl ecparam -name prime256v1 -genkey -noout -out leaf.key
    /// openssl req -new -key leaf.key -out leaf.csr -subj "/C=AT/ST=Wien/L=Wien/O=Example, Inc./OU=VPN #1/CN=vpn.example.test/emailAddress=admin@example.test"
    /// printf 'subjectAltName=DNS:vpn.example.test,DNS:*.example.test,IP:192.0.2.7,IP:2001:db8::7,email:admin@example.test\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > ext.cnf
    /// openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -set_serial 0x00a1b2c3d4e5f60718 \
    ///   -days 20000 -sha256 -extfile ext.cnf -outform DER -out leaf.der
    /// ```
    /// `openssl x509 -inform DER -noout -subject -issuer -serial -dates
    /// -fingerprint -sha256 -nameopt RFC2253` shows the values asserted
    /// below. notAfter lies after 2049, so it is a GeneralizedTime.
    pub(crate) const LEAF_DER: &str = concat!(
        "308202de30820247a003020102020900a1b2c3d4e5f60718300d06092a864886f70d01010b0500305531143012060a09",
        "92268993f22c64011916047465737431173015060a0992268993f22c64011916076578616d706c653124300a06035504",
        "0b0c03504b49301606035504030c0f4578616d706c6520526f6f742043413020170d3236313132313232333530345a18",
        "0f32303831303832343232333530345a308192310b3009060355040613024154310d300b06035504080c045769656e31",
        "0d300b06035504070c045769656e31163014060355040a0c0d4578616d706c652c20496e632e310f300d060355040b0c",
        "0656504e2023313119301706035504030c1076706e2e6578616d706c652e746573743121301f06092a864886f70d0109",
        "01161261646d696e406578616d706c652e746573743059301306072a8648ce3d020106082a8648ce3d03010703420004",
        "5d43de43c593640c668bec5f971d06b934ceb5403176a20b586cbb065e00d269e37f16fa6f8824720d4c6585032c712d",
        "6401793700f3481f34b5d47a741e2436a381bc3081b930570603551d110450304e821076706e2e6578616d706c652e74",
        "657374820e2a2e6578616d706c652e746573748704c0000207871020010db8000000000000000000000007811261646d",
        "696e406578616d706c652e7465737430090603551d130402300030130603551d25040c300a06082b0601050507030130",
        "1d0603551d0e041604140ffbbd7e351b8bb50563e4d412eb08a2f78ed71b301f0603551d230418301680144365ad385d",
        "f1524e75e530d89f5d312b73ea7757300d06092a864886f70d01010b05000381810010bb32de4321c4759f6204b343f4",
        "f895192b9b96aa79c9cb00cb2621c0be48b9656fc774e2bf6aa63ecfdd83646c6e895e47769e97ce0e971e3b34d51d0d",
        "33bffa125b19f48e0ae615904ce627f34e44ee73be79b43c6621f742ec5fce5c7f4fbde3e17fb6ce0e3cc6b99849dc50",
        "2ab28bb11190feae3ef1ed088a4ad35bd05b",
    );

    /// The CA certificate above (self-signed RSA 1024, multi-valued RDN,
    /// UTCTime validity).
    pub(crate) const CA_DER: &str = concat!(
        "30820274308201dda00302010202021001300d06092a864886f70d01010b0500305531143012060a0992268993f22c64",
        "011916047465737431173015060a0992268993f22c64011916076578616d706c653124300a060355040b0c03504b4930",
        "1606035504030c0f4578616d706c6520526f6f74204341301e170d3236313132313232333530345a170d333631313138",
        "3232333530345a305531143012060a0992268993f22c64011916047465737431173015060a0992268993f22c64011916",
        "076578616d706c653124300a060355040b0c03504b49301606035504030c0f4578616d706c6520526f6f742043413081",
        "9f300d06092a864886f70d010101050003818d0030818902818100eb11942c37bb0f5da921ec3659c797ee176f369df4",
        "e91b88111581686725ba3b405e3a1f4c9bd15251d8590bd25632d7e8af338b0b3d9e4ffbe66f153f439b7bada25f0ea1",
        "6143314de66968e278fc4b4c4bc8a77b290e609bbcea0831e2024d0652a01f50799682216d817a3fe3e2975f31949429",
        "09408ac02418351057d7ed0203010001a3533051301d0603551d0e041604144365ad385df1524e75e530d89f5d312b73",
        "ea7757301f0603551d230418301680144365ad385df1524e75e530d89f5d312b73ea7757300f0603551d130101ff0405",
        "30030101ff300d06092a864886f70d01010b05000381810001465298f200a4ecfb14cdea28580544797855c1e806877e",
        "e04541ba17926f57c526f6ed053a68d8f9b40310cb80222ae25a9c114487ca3ff98ba84e00293aa64e955751adbb201a",
        "b38e9fe8d87ecdb72b749ad765c1b2e4a97dc8387abb73ee1d4106a2833b8e9e9be9daf7c3b4f51ec6a3a04cef14daef",
        "accae5eff3a7eb0f",
    );

    #[test]
    fn rsa_modulus_of_rsa_certificates_only() {
        let m = rsa_modulus(crate::synth::certs::VPN_CERT_DER).unwrap();
        assert_eq!((m.len(), &m[..4]), (256, &[0xe6, 0x89, 0x4e, 0x19][..]));
        assert_eq!(rsa_modulus(&leaf_der()), None, "an EC key");
        assert_eq!(rsa_modulus(&[0x30, 0x00]), None);
    }

    pub(crate) fn leaf_der() -> Vec<u8> {
        unhex(LEAF_DER)
    }

    pub(crate) fn ca_der() -> Vec<u8> {
        unhex(CA_DER)
    }

    /// The leaf certificate as [`read_certificate`] must describe it.
    pub(crate) fn leaf_info() -> CertificateInfo {
        CertificateInfo {
            der_len: 738,
            sha1: "70a26017d7a9e72aef1e8f0e5f7e0463a71a5101".into(),
            sha256: "aa102c6ac5d0439839bbaea040b549c284a2317c035ff73bf3bc4379c473cef0".into(),
            details: Some(CertificateDetails {
                version: 3,
                serial_number: "a1b2c3d4e5f60718".into(),
                signature_algorithm: "sha256WithRSAEncryption".into(),
                issuer: "OU=PKI+CN=Example Root CA,DC=example,DC=test".into(),
                subject: "emailAddress=admin@example.test,CN=vpn.example.test,OU=VPN #1,O=Example\\, Inc.,L=Wien,ST=Wien,C=AT"
                    .into(),
                subject_common_name: Some("vpn.example.test".into()),
                not_before: 1_795_300_504,
                not_after: 3_523_300_504,
                not_before_utc: "2026-11-21T22:35:04Z".into(),
                not_after_utc: "2081-08-24T22:35:04Z".into(),
                subject_alt_names: vec![
                    GeneralName::Dns("vpn.example.test".into()),
                    GeneralName::Dns("*.example.test".into()),
                    GeneralName::Ip("192.0.2.7".parse().unwrap()),
                    GeneralName::Ip("2001:db8::7".parse().unwrap()),
                    GeneralName::Email("admin@example.test".into()),
                ],
                is_ca: Some(false),
                extended_key_usage: vec!["serverAuth".into()],
                public_key: PublicKey {
                    algorithm: "id-ecPublicKey".into(),
                    bits: Some(256),
                    curve: Some("prime256v1".into()),
                },
                unreadable_extensions: vec![],
            }),
            error: None,
        }
    }

    #[test]
    fn leaf_certificate_every_field() {
        assert_eq!(read_certificate(&leaf_der()), leaf_info());
    }

    #[test]
    fn ca_certificate_every_field() {
        assert_eq!(
            read_certificate(&ca_der()),
            CertificateInfo {
                der_len: 632,
                sha1: "28b920234a0c2f88bce61a05da80769ca6679995".into(),
                sha256: "ac07f98aaadce0a34a1eb166c849d6133f9d8ef8434ab7912ec6adaf08919595".into(),
                details: Some(CertificateDetails {
                    version: 3,
                    serial_number: "1001".into(),
                    signature_algorithm: "sha256WithRSAEncryption".into(),
                    issuer: "OU=PKI+CN=Example Root CA,DC=example,DC=test".into(),
                    subject: "OU=PKI+CN=Example Root CA,DC=example,DC=test".into(),
                    subject_common_name: Some("Example Root CA".into()),
                    not_before: 1_795_300_504,
                    not_after: 2_110_660_504,
                    not_before_utc: "2026-11-21T22:35:04Z".into(),
                    not_after_utc: "2036-11-18T22:35:04Z".into(),
                    subject_alt_names: vec![],
                    is_ca: Some(true),
                    extended_key_usage: vec![],
                    public_key: PublicKey {
                        algorithm: "rsaEncryption".into(),
                        bits: Some(1024),
                        curve: None,
                    },
                    unreadable_extensions: vec![],
                }),
                error: None,
            }
        );
    }

    #[test]
    fn malformed_der_keeps_the_hashes() {
        let der = leaf_der();
        let good = leaf_info();
        // Truncated anywhere: an error value with the hashes of what was
        // given, never a panic.
        for cut in 0..der.len() {
            let info = read_certificate(&der[..cut]);
            assert_eq!(info.details, None, "cut {cut}");
            assert!(info.error.is_some(), "cut {cut}");
            assert_eq!(info.der_len, cut);
        }
        // A corrupted length inside the TBSCertificate.
        let mut bad = der.clone();
        bad[4] = 0x85; // long form with 5 length octets
        let info = read_certificate(&bad);
        assert_eq!(
            info.error,
            Some(DecodeError {
                what: "certificate",
                offset: 4,
                len: 738
            })
        );
        assert_eq!(info.details, None);
        assert_eq!(info.sha256, hex(&Sha256::digest(&bad)));
        assert_ne!(info.sha256, good.sha256);
        // Trailing bytes after the certificate.
        let mut long = der.clone();
        long.push(0);
        let info = read_certificate(&long);
        assert_eq!(
            info.error,
            Some(DecodeError {
                what: "certificate",
                offset: 738,
                len: 739
            })
        );
        // Not DER at all: "h" reads as a tag, "e" as length 101, and the
        // contents from byte 2 on fall short.
        assert_eq!(
            read_certificate(b"hello").error,
            Some(DecodeError {
                what: "certificate",
                offset: 2,
                len: 5
            })
        );
        // A well-formed element of the wrong type.
        assert_eq!(
            read_certificate(&[0x31, 0x00]).error,
            Some(DecodeError {
                what: "certificate",
                offset: 0,
                len: 2
            })
        );
        let (sha1, sha256) = certificate_hashes(&der);
        assert_eq!(hex(&sha1), good.sha1);
        assert_eq!(hex(&sha256), good.sha256);
    }

    #[test]
    fn oids() {
        assert_eq!(oid_string(&[0x55, 0x04, 0x03]).as_deref(), Some("2.5.4.3"));
        assert_eq!(
            oid_string(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01]).as_deref(),
            Some("1.2.840.113549.1.9.1")
        );
        assert_eq!(
            oid_string(&[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19]).as_deref(),
            Some("0.9.2342.19200300.100.1.25")
        );
        // Arc 2 with a second arc above 39 (2.999).
        assert_eq!(oid_string(&[0x88, 0x37]).as_deref(), Some("2.999"));
        assert_eq!(oid_string(&[]), None);
        assert_eq!(oid_string(&[0x55, 0x84]), None);
        assert_eq!(oid_string(&[0x80, 0x01]), None);
        assert_eq!(oid_string(&[0xff; 12]), None);
    }

    #[test]
    fn times() {
        let t = |id, s: &str| {
            time(&Tlv {
                id,
                value: s.as_bytes(),
            })
        };
        assert_eq!(t(UTC_TIME, "700101000000Z"), Some(0));
        assert_eq!(t(UTC_TIME, "491231235959Z"), Some(2_524_607_999));
        assert_eq!(t(UTC_TIME, "500101000000Z"), Some(-631_152_000));
        assert_eq!(t(UTC_TIME, "1210312219Z"), Some(1_351_721_940));
        assert_eq!(t(GENERALIZED_TIME, "20810824223504Z"), Some(3_523_300_504));
        assert_eq!(t(GENERALIZED_TIME, "20000229120000.123Z"), Some(951_825_600));
        assert_eq!(t(UTC_TIME, "121031221928"), None);
        assert_eq!(t(UTC_TIME, "121331221928Z"), None);
        assert_eq!(t(UTC_TIME, "12103122192xZ"), None);
        assert_eq!(t(UTC_TIME, "1210312219280Z"), None);
        assert_eq!(t(GENERALIZED_TIME, "2000"), None);
        assert_eq!(t(INTEGER, "700101000000Z"), None);
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(951_825_600), "2000-02-29T12:00:00Z");
        assert_eq!(format_utc(-631_152_000), "1950-01-01T00:00:00Z");
    }

    #[test]
    fn rfc4514_escaping_and_unknown_attributes() {
        assert_eq!(
            escape_value("a,b+c\"d\\e;f<g>h"),
            "a\\,b\\+c\\\"d\\\\e\\;f\\<g\\>h"
        );
        assert_eq!(escape_value("#x y "), "\\#x y\\ ");
        assert_eq!(escape_value(" lead"), "\\ lead");
        assert_eq!(escape_value("a\0b"), "a\\00b");
        assert_eq!(escape_value("x#"), "x#");
        // An unknown attribute type: dotted OID and the value's DER in hex.
        // SEQUENCE { OID 1.2.3.4, UTF8String "hi" }
        let ava = [0x06, 0x03, 0x2a, 0x03, 0x04, 0x0c, 0x02, b'h', b'i'];
        assert_eq!(attribute(&ava).ok(), Some(("1.2.3.4".into(), "#0c026869".into())));
        // A BMPString value of a known type.
        let ava = [0x06, 0x03, 0x55, 0x04, 0x03, 0x1e, 0x04, 0x00, b'h', 0x00, b'i'];
        assert_eq!(attribute(&ava).ok(), Some(("CN".into(), "hi".into())));
    }

    #[test]
    fn der_lengths() {
        // Long-form length 0x81 0x02.
        let (rest, t) = tlv(&[0x04, 0x81, 0x02, 9, 8, 7]).unwrap();
        assert_eq!((t.id, t.value, rest), (OCTET_STRING, &[9u8, 8][..], &[7u8][..]));
        // Indefinite length and over-long length forms are refused.
        assert!(tlv(&[0x30, 0x80, 0, 0]).is_err());
        assert!(tlv(&[0x30, 0x85, 0, 0, 0, 0, 1, 0]).is_err());
        // A length past the end.
        assert!(tlv(&[0x04, 0x05, 1]).is_err());
        // High tag number form.
        let (_, t) = tlv(&[0x9f, 0x81, 0x01, 0x01, 0xaa]).unwrap();
        assert_eq!((t.id, t.value), (0x9f, &[0xaa][..]));
        assert_eq!(integer_bits(&[0x00, 0xc1, 0x00]), 16);
        assert_eq!(integer_bits(&[0x01, 0x00, 0x01]), 17);
        assert_eq!(integer_bits(&[0, 0]), 0);
    }
}
