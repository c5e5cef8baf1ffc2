//! Handshake messages (RFC 5246 §7.4, RFC 8446 §4): rebuilt from the
//! fragments of handshake records and parsed with nom.
//!
//! [`HandshakeReassembler`] joins the fragments of one direction: a message
//! (4-byte header: msg_type, uint24 length) may span records and a record
//! may hold several messages. Messages longer than [`MAX_MESSAGE_LEN`] are
//! skipped and reported; certificate chains fit well within it.
//!
//! [`parse_handshake`] decodes one message body. Lists are confined to
//! their declared lengths; extensions the parser knows are decoded, others
//! kept as type and length. A known extension whose contents do not parse
//! is kept as [`Extension::Malformed`] rather than failing the hello.

use nom::bytes::complete::take;
use nom::combinator::{all_consuming, map_parser};
use nom::multi::{length_data, many0};
use nom::number::complete::{be_u16, be_u24, be_u32, be_u8};
use nom::{IResult, Parser};

use super::codes::{CipherSuite, ExtensionType, HandshakeType, NamedGroup, ProtocolVersion, SignatureScheme};
use super::DecodeError;
use crate::capture::Timestamp;

/// Longest handshake message rebuilt (64 KiB): a certificate chain of a
/// few certificates fits many times; a larger declared length is taken as
/// damage or abuse and the message is skipped.
pub const MAX_MESSAGE_LEN: usize = 64 * 1024;

/// Length of the handshake message header: msg_type(1) length(3).
pub const HEADER_LEN: usize = 4;

/// ServerHello.random of a HelloRetryRequest: SHA-256 of
/// "HelloRetryRequest" (RFC 8446 §4.1.3).
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2,
    0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

type PResult<'a, T> = IResult<&'a [u8], T>;

/// What the reassembler found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeItem<'a> {
    /// One whole message.
    Message {
        msg_type: HandshakeType,
        /// The body, after the 4-byte header.
        body: &'a [u8],
        /// The whole message, header included (what transcript hashes
        /// cover).
        raw: &'a [u8],
        /// Frame holding the message's first byte.
        first_frame: u64,
        /// Frame holding its last byte.
        frame: u64,
        ts: Timestamp,
    },
    /// A message declaring more than [`MAX_MESSAGE_LEN`] bytes; it is
    /// skipped.
    TooLong {
        msg_type: HandshakeType,
        length: usize,
        frame: u64,
    },
}

/// Joins handshake record fragments of one direction into messages.
#[derive(Debug, Clone, Default)]
pub struct HandshakeReassembler {
    /// A partial message, header included (at most `HEADER_LEN +
    /// MAX_MESSAGE_LEN` bytes).
    buf: Vec<u8>,
    /// Frame holding `buf[0]`.
    first_frame: u64,
    /// Body bytes of an over-long message still to skip.
    skip: usize,
}

fn be24(b: &[u8]) -> Option<usize> {
    let b = b.get(..3)?;
    Some(b.iter().fold(0usize, |acc, &x| acc << 8 | usize::from(x)))
}

impl HandshakeReassembler {
    pub fn new() -> Self {
        Self::default()
    }

    /// Bytes of a partial message held.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    /// Drops a partial message (bytes were lost or the stream ended);
    /// returns how many bytes of it were held.
    pub fn interrupt(&mut self) -> usize {
        let n = self.buf.len();
        self.buf.clear();
        self.skip = 0;
        n
    }

    /// Feeds the fragment of one clear (or decrypted) handshake record
    /// that ended in `frame`. Completed messages go to `out` in order.
    pub fn push(
        &mut self,
        fragment: &[u8],
        frame: u64,
        ts: Timestamp,
        out: &mut dyn FnMut(HandshakeItem<'_>),
    ) {
        let mut rest = fragment;
        while !rest.is_empty() {
            if self.skip > 0 {
                let n = self.skip.min(rest.len());
                self.skip -= n;
                rest = rest.get(n..).unwrap_or(&[]);
                continue;
            }
            if self.buf.is_empty() {
                // Messages wholly inside this fragment are passed on
                // without copying.
                match header(rest) {
                    Some((msg_type, len)) if len > MAX_MESSAGE_LEN => {
                        out(HandshakeItem::TooLong {
                            msg_type,
                            length: len,
                            frame,
                        });
                        self.skip = len;
                        rest = rest.get(HEADER_LEN..).unwrap_or(&[]);
                    }
                    Some((msg_type, len)) if HEADER_LEN + len <= rest.len() => {
                        let (raw, after) = rest.split_at(HEADER_LEN + len);
                        out(HandshakeItem::Message {
                            msg_type,
                            body: raw.get(HEADER_LEN..).unwrap_or(&[]),
                            raw,
                            first_frame: frame,
                            frame,
                            ts,
                        });
                        rest = after;
                    }
                    _ => {
                        self.first_frame = frame;
                        self.buf.extend_from_slice(rest);
                        rest = &[];
                    }
                }
                continue;
            }
            let need = match header(&self.buf) {
                None => HEADER_LEN - self.buf.len(),
                Some((_, len)) => (HEADER_LEN + len).saturating_sub(self.buf.len()),
            };
            let n = need.min(rest.len());
            let (taken, after) = rest.split_at(n);
            self.buf.extend_from_slice(taken);
            rest = after;
            match header(&self.buf) {
                Some((msg_type, len)) if len > MAX_MESSAGE_LEN => {
                    out(HandshakeItem::TooLong {
                        msg_type,
                        length: len,
                        frame,
                    });
                    self.skip = len;
                    self.buf.clear();
                }
                Some((msg_type, len)) if self.buf.len() == HEADER_LEN + len => {
                    let raw = std::mem::take(&mut self.buf);
                    out(HandshakeItem::Message {
                        msg_type,
                        body: raw.get(HEADER_LEN..).unwrap_or(&[]),
                        raw: &raw,
                        first_frame: self.first_frame,
                        frame,
                        ts,
                    });
                    self.buf = raw;
                    self.buf.clear();
                }
                _ => {}
            }
        }
    }
}

/// The message type and body length, once the 4 header bytes are there.
fn header(buf: &[u8]) -> Option<(HandshakeType, usize)> {
    let t = *buf.first()?;
    let len = be24(buf.get(1..4)?)?;
    Some((HandshakeType(t), len))
}

/// A ClientHello (RFC 5246 §7.4.1.2, RFC 8446 §4.1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello {
    /// client_version (legacy_version in TLS 1.3, which puts the real
    /// versions into supported_versions).
    pub version: ProtocolVersion,
    /// The 32-byte random; the key log is looked up by it.
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub cipher_suites: Vec<CipherSuite>,
    pub compression_methods: Vec<u8>,
    pub extensions: Vec<Extension>,
}

/// A ServerHello (RFC 5246 §7.4.1.3, RFC 8446 §4.1.3), or a
/// HelloRetryRequest, which has the same layout and a fixed random.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    /// server_version (legacy_version, 0x0303, in TLS 1.3).
    pub version: ProtocolVersion,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub cipher_suite: CipherSuite,
    pub compression_method: u8,
    pub extensions: Vec<Extension>,
    /// The random is [`HELLO_RETRY_REQUEST_RANDOM`] (RFC 8446 §4.1.3).
    pub hello_retry_request: bool,
}

impl ServerHello {
    /// The version the server chose: supported_versions when present
    /// (RFC 8446 §4.2.1), otherwise server_version.
    pub fn negotiated_version(&self) -> ProtocolVersion {
        self.extensions
            .iter()
            .find_map(|e| match e {
                Extension::SupportedVersions(v) => v.first().copied(),
                _ => None,
            })
            .unwrap_or(self.version)
    }
}

/// A hello extension (RFC 8446 §4.2 and the RFCs cited per variant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extension {
    /// server_name (RFC 6066 §3): the host names (type 0) asked for; the
    /// server's acknowledgement is empty.
    ServerName(Vec<String>),
    /// supported_versions (RFC 8446 §4.2.1): the client's list, or the
    /// one version a server selected.
    SupportedVersions(Vec<ProtocolVersion>),
    /// application_layer_protocol_negotiation (RFC 7301 §3.1): protocols
    /// offered, or the one selected.
    Alpn(Vec<String>),
    /// supported_groups (RFC 8422 §5.1.1, RFC 8446 §4.2.7).
    SupportedGroups(Vec<NamedGroup>),
    /// signature_algorithms (RFC 5246 §7.4.1.4.1, RFC 8446 §4.2.3).
    SignatureAlgorithms(Vec<SignatureScheme>),
    /// signature_algorithms_cert (RFC 8446 §4.2.3).
    SignatureAlgorithmsCert(Vec<SignatureScheme>),
    /// key_share (RFC 8446 §4.2.8): the groups of the client's shares, the
    /// server's share, or the group a HelloRetryRequest asks for.
    KeyShare(Vec<NamedGroup>),
    /// ec_point_formats (RFC 8422 §5.1.2).
    EcPointFormats(Vec<u8>),
    /// extended_master_secret (RFC 7627 §5.1).
    ExtendedMasterSecret,
    /// encrypt_then_mac (RFC 7366 §2).
    EncryptThenMac,
    /// renegotiation_info (RFC 5746 §3.2): the previous verify_data, empty
    /// on a first handshake.
    RenegotiationInfo(Vec<u8>),
    /// session_ticket (RFC 5077 §3.2): the length of the ticket offered
    /// (0 = "I support tickets").
    SessionTicket(usize),
    /// pre_shared_key (RFC 8446 §4.2.11).
    PreSharedKey,
    /// Any other extension, kept as type and length.
    Other {
        extension_type: ExtensionType,
        length: usize,
    },
    /// A known extension whose contents did not parse.
    Malformed {
        extension_type: ExtensionType,
        length: usize,
    },
}

impl Extension {
    /// The extension's type.
    pub fn extension_type(&self) -> ExtensionType {
        match self {
            Extension::ServerName(_) => ExtensionType::SERVER_NAME,
            Extension::SupportedVersions(_) => ExtensionType::SUPPORTED_VERSIONS,
            Extension::Alpn(_) => ExtensionType::APPLICATION_LAYER_PROTOCOL_NEGOTIATION,
            Extension::SupportedGroups(_) => ExtensionType::SUPPORTED_GROUPS,
            Extension::SignatureAlgorithms(_) => ExtensionType::SIGNATURE_ALGORITHMS,
            Extension::SignatureAlgorithmsCert(_) => ExtensionType(50),
            Extension::KeyShare(_) => ExtensionType::KEY_SHARE,
            Extension::EcPointFormats(_) => ExtensionType::EC_POINT_FORMATS,
            Extension::ExtendedMasterSecret => ExtensionType::EXTENDED_MASTER_SECRET,
            Extension::EncryptThenMac => ExtensionType::ENCRYPT_THEN_MAC,
            Extension::RenegotiationInfo(_) => ExtensionType::RENEGOTIATION_INFO,
            Extension::SessionTicket(_) => ExtensionType::SESSION_TICKET,
            Extension::PreSharedKey => ExtensionType::PRE_SHARED_KEY,
            Extension::Other { extension_type, .. } | Extension::Malformed { extension_type, .. } => {
                *extension_type
            }
        }
    }
}

/// Which message an extension block belongs to: some extensions differ in
/// layout between them (RFC 8446 §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Client,
    Server,
    HelloRetryRequest,
}

/// A decoded handshake message. Bodies that are opaque to an observer
/// without keys (key exchange values, signatures) are borrowed as bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeMessage<'a> {
    /// hello_request (RFC 5246 §7.4.1.1): the server asks for
    /// renegotiation.
    HelloRequest,
    ClientHello(ClientHello),
    ServerHello(ServerHello),
    /// new_session_ticket (RFC 5077 §3.3): lifetime hint in seconds and
    /// the ticket's length.
    NewSessionTicket {
        lifetime_hint: u32,
        ticket_len: usize,
    },
    /// encrypted_extensions (RFC 8446 §4.3.1); only seen decrypted.
    EncryptedExtensions(Vec<Extension>),
    /// certificate (RFC 5246 §7.4.2, RFC 8446 §4.4.2): DER certificates,
    /// the end-entity first.
    Certificate(Vec<&'a [u8]>),
    /// server_key_exchange (RFC 5246 §7.4.3): present with DHE and ECDHE
    /// suites.
    ServerKeyExchange(&'a [u8]),
    /// certificate_request (RFC 5246 §7.4.4): the server asks for a client
    /// certificate.
    CertificateRequest(&'a [u8]),
    /// server_hello_done (RFC 5246 §7.4.5).
    ServerHelloDone,
    /// certificate_verify (RFC 5246 §7.4.8).
    CertificateVerify(&'a [u8]),
    /// client_key_exchange (RFC 5246 §7.4.7): for RSA suites the premaster
    /// secret encrypted to the server's key (a 2-byte length first from
    /// TLS 1.0 on, none in SSL 3.0).
    ClientKeyExchange(&'a [u8]),
    /// finished (RFC 5246 §7.4.9): verify_data; only seen decrypted.
    Finished(&'a [u8]),
    /// key_update (RFC 8446 §4.6.3): request_update.
    KeyUpdate(u8),
    /// Any other message type, body as sent.
    Other {
        msg_type: HandshakeType,
        body: &'a [u8],
    },
}

/// Decodes one handshake message body. `tls13` selects the TLS 1.3 layouts
/// of Certificate (RFC 8446 §4.4.2) and NewSessionTicket (§4.6.1).
pub fn parse_handshake(
    msg_type: HandshakeType,
    body: &[u8],
    tls13: bool,
) -> Result<HandshakeMessage<'_>, DecodeError> {
    let what = msg_type.name().unwrap_or("handshake");
    let message = match msg_type {
        HandshakeType::HELLO_REQUEST | HandshakeType::SERVER_HELLO_DONE if !body.is_empty() => {
            return Err(DecodeError::at(what, body, body));
        }
        HandshakeType::HELLO_REQUEST => return Ok(HandshakeMessage::HelloRequest),
        HandshakeType::SERVER_HELLO_DONE => return Ok(HandshakeMessage::ServerHelloDone),
        HandshakeType::CLIENT_HELLO => all_consuming(client_hello)
            .map(HandshakeMessage::ClientHello)
            .parse_complete(body),
        HandshakeType::SERVER_HELLO => all_consuming(server_hello)
            .map(HandshakeMessage::ServerHello)
            .parse_complete(body),
        HandshakeType::NEW_SESSION_TICKET if tls13 => {
            all_consuming(new_session_ticket_13).parse_complete(body)
        }
        HandshakeType::NEW_SESSION_TICKET => all_consuming(new_session_ticket).parse_complete(body),
        HandshakeType::ENCRYPTED_EXTENSIONS => all_consuming(encrypted_extensions)
            .map(HandshakeMessage::EncryptedExtensions)
            .parse_complete(body),
        HandshakeType::CERTIFICATE => all_consuming(|i| certificate_list(i, tls13))
            .map(HandshakeMessage::Certificate)
            .parse_complete(body),
        HandshakeType::KEY_UPDATE => all_consuming(be_u8)
            .map(HandshakeMessage::KeyUpdate)
            .parse_complete(body),
        HandshakeType::SERVER_KEY_EXCHANGE => return Ok(HandshakeMessage::ServerKeyExchange(body)),
        HandshakeType::CERTIFICATE_REQUEST => return Ok(HandshakeMessage::CertificateRequest(body)),
        HandshakeType::CERTIFICATE_VERIFY => return Ok(HandshakeMessage::CertificateVerify(body)),
        HandshakeType::CLIENT_KEY_EXCHANGE => return Ok(HandshakeMessage::ClientKeyExchange(body)),
        HandshakeType::FINISHED => return Ok(HandshakeMessage::Finished(body)),
        _ => return Ok(HandshakeMessage::Other { msg_type, body }),
    };
    message
        .map(|(_, m)| m)
        .map_err(|e| DecodeError::from_nom(what, body, e))
}

/// NewSessionTicket of RFC 5077 §3.3: lifetime hint, ticket.
fn new_session_ticket(i: &[u8]) -> PResult<'_, HandshakeMessage<'_>> {
    let (i, (lifetime_hint, ticket)) = (be_u32, length_data(be_u16)).parse_complete(i)?;
    Ok((
        i,
        HandshakeMessage::NewSessionTicket {
            lifetime_hint,
            ticket_len: ticket.len(),
        },
    ))
}

/// NewSessionTicket of RFC 8446 §4.6.1: lifetime, age_add, nonce, ticket,
/// extensions.
fn new_session_ticket_13(i: &[u8]) -> PResult<'_, HandshakeMessage<'_>> {
    let (i, (lifetime_hint, _age_add, _nonce, ticket, _extensions)) = (
        be_u32,
        be_u32,
        length_data(be_u8),
        length_data(be_u16),
        length_data(be_u16),
    )
        .parse_complete(i)?;
    Ok((
        i,
        HandshakeMessage::NewSessionTicket {
            lifetime_hint,
            ticket_len: ticket.len(),
        },
    ))
}

fn encrypted_extensions(i: &[u8]) -> PResult<'_, Vec<Extension>> {
    let (i, block) = length_data(be_u16).parse_complete(i)?;
    let (_, exts) = extensions(block, Side::Server)?;
    Ok((i, exts))
}

fn random(i: &[u8]) -> PResult<'_, [u8; 32]> {
    let (i, r) = take(32usize).parse_complete(i)?;
    let mut out = [0u8; 32];
    out.copy_from_slice(r);
    Ok((i, out))
}

/// A list of u16 values in a block of `len` bytes (an odd length fails).
fn u16_list(block: &[u8]) -> PResult<'_, Vec<u16>> {
    all_consuming(many0(be_u16)).parse_complete(block)
}

fn client_hello(i: &[u8]) -> PResult<'_, ClientHello> {
    let (i, (version, random, session_id)) = (be_u16, random, length_data(be_u8)).parse_complete(i)?;
    let (i, cipher_suites) = map_parser(length_data(be_u16), u16_list).parse_complete(i)?;
    let (i, compression_methods) = length_data(be_u8).parse_complete(i)?;
    // SSL 3.0 and early TLS clients send no extension block at all.
    let (i, extensions) = if i.is_empty() {
        (i, Vec::new())
    } else {
        let (i, block) = length_data(be_u16).parse_complete(i)?;
        (i, extensions(block, Side::Client)?.1)
    };
    Ok((
        i,
        ClientHello {
            version: ProtocolVersion(version),
            random,
            session_id: session_id.to_vec(),
            cipher_suites: cipher_suites.into_iter().map(CipherSuite).collect(),
            compression_methods: compression_methods.to_vec(),
            extensions,
        },
    ))
}

fn server_hello(i: &[u8]) -> PResult<'_, ServerHello> {
    let (i, (version, random, session_id, suite, compression)) =
        (be_u16, random, length_data(be_u8), be_u16, be_u8).parse_complete(i)?;
    let hello_retry_request = random == HELLO_RETRY_REQUEST_RANDOM;
    let side = if hello_retry_request {
        Side::HelloRetryRequest
    } else {
        Side::Server
    };
    let (i, extensions) = if i.is_empty() {
        (i, Vec::new())
    } else {
        let (i, block) = length_data(be_u16).parse_complete(i)?;
        (i, extensions(block, side)?.1)
    };
    Ok((
        i,
        ServerHello {
            version: ProtocolVersion(version),
            random,
            session_id: session_id.to_vec(),
            cipher_suite: CipherSuite(suite),
            compression_method: compression,
            extensions,
            hello_retry_request,
        },
    ))
}

/// An extension block: type(2) length(2) data, to the end of `block`.
fn extensions(block: &[u8], side: Side) -> PResult<'_, Vec<Extension>> {
    all_consuming(many0((be_u16, length_data(be_u16))))
        .map(|raw: Vec<(u16, &[u8])>| {
            raw.into_iter()
                .map(|(t, data)| extension(ExtensionType(t), data, side))
                .collect()
        })
        .parse_complete(block)
}

fn extension(t: ExtensionType, data: &[u8], side: Side) -> Extension {
    let length = data.len();
    let parsed: Option<Extension> = match (t, side) {
        (ExtensionType::SERVER_NAME, _) => server_names(data).ok().map(|(_, n)| Extension::ServerName(n)),
        (ExtensionType::SUPPORTED_VERSIONS, Side::Client) => {
            all_consuming(map_parser(length_data(be_u8), u16_list))
                .parse_complete(data)
                .ok()
                .map(|(_, v)| Extension::SupportedVersions(v.into_iter().map(ProtocolVersion).collect()))
        }
        (ExtensionType::SUPPORTED_VERSIONS, _) => {
            single_u16(data).map(|v| Extension::SupportedVersions(vec![ProtocolVersion(v)]))
        }
        (ExtensionType::APPLICATION_LAYER_PROTOCOL_NEGOTIATION, _) => alpn(data).ok().map(|(_, names)| {
            Extension::Alpn(
                names
                    .into_iter()
                    .map(|n| String::from_utf8_lossy(n).into_owned())
                    .collect(),
            )
        }),
        (ExtensionType::SUPPORTED_GROUPS, _) => {
            u16_block(data).map(|v| Extension::SupportedGroups(v.into_iter().map(NamedGroup).collect()))
        }
        (ExtensionType::SIGNATURE_ALGORITHMS, _) => u16_block(data)
            .map(|v| Extension::SignatureAlgorithms(v.into_iter().map(SignatureScheme).collect())),
        (ExtensionType(50), _) => u16_block(data)
            .map(|v| Extension::SignatureAlgorithmsCert(v.into_iter().map(SignatureScheme).collect())),
        (ExtensionType::KEY_SHARE, Side::Client) => client_key_shares(data)
            .ok()
            .map(|(_, groups)| Extension::KeyShare(groups.into_iter().map(NamedGroup).collect())),
        (ExtensionType::KEY_SHARE, Side::Server) => all_consuming(key_share_entry)
            .parse_complete(data)
            .ok()
            .map(|(_, g)| Extension::KeyShare(vec![NamedGroup(g)])),
        (ExtensionType::KEY_SHARE, Side::HelloRetryRequest) => {
            single_u16(data).map(|g| Extension::KeyShare(vec![NamedGroup(g)]))
        }
        (ExtensionType::EC_POINT_FORMATS, _) => opaque8(data).map(|f| Extension::EcPointFormats(f.to_vec())),
        (ExtensionType::EXTENDED_MASTER_SECRET, _) => {
            data.is_empty().then_some(Extension::ExtendedMasterSecret)
        }
        (ExtensionType::ENCRYPT_THEN_MAC, _) => data.is_empty().then_some(Extension::EncryptThenMac),
        (ExtensionType::RENEGOTIATION_INFO, _) => {
            opaque8(data).map(|v| Extension::RenegotiationInfo(v.to_vec()))
        }
        (ExtensionType::SESSION_TICKET, _) => Some(Extension::SessionTicket(length)),
        (ExtensionType::PRE_SHARED_KEY, _) => Some(Extension::PreSharedKey),
        (extension_type, _) => {
            return Extension::Other {
                extension_type,
                length,
            }
        }
    };
    parsed.unwrap_or(Extension::Malformed {
        extension_type: t,
        length,
    })
}

/// Exactly one u16.
fn single_u16(data: &[u8]) -> Option<u16> {
    let r: PResult<'_, u16> = all_consuming(be_u16).parse_complete(data);
    r.ok().map(|(_, v)| v)
}

/// Exactly one opaque<0..255>.
fn opaque8(data: &[u8]) -> Option<&[u8]> {
    let r: PResult<'_, &[u8]> = all_consuming(length_data(be_u8)).parse_complete(data);
    r.ok().map(|(_, v)| v)
}

/// A u16-length block of u16 values, nothing after it.
fn u16_block(data: &[u8]) -> Option<Vec<u16>> {
    let r: PResult<'_, Vec<u16>> =
        all_consuming(map_parser(length_data(be_u16), u16_list)).parse_complete(data);
    r.ok().map(|(_, v)| v)
}

/// ProtocolNameList (RFC 7301 §3.1).
fn alpn(data: &[u8]) -> PResult<'_, Vec<&[u8]>> {
    all_consuming(map_parser(
        length_data(be_u16),
        all_consuming(many0(length_data(be_u8))),
    ))
    .parse_complete(data)
}

/// KeyShareEntry (RFC 8446 §4.2.8): group and key_exchange; the group is
/// kept.
fn key_share_entry(i: &[u8]) -> PResult<'_, u16> {
    let (i, (group, _key)) = (be_u16, length_data(be_u16)).parse_complete(i)?;
    Ok((i, group))
}

/// KeyShareClientHello: a u16-length list of entries.
fn client_key_shares(data: &[u8]) -> PResult<'_, Vec<u16>> {
    all_consuming(map_parser(
        length_data(be_u16),
        all_consuming(many0(key_share_entry)),
    ))
    .parse_complete(data)
}

/// ServerNameList (RFC 6066 §3): host names of type 0; an empty extension
/// (a server's acknowledgement) gives no names.
fn server_names(data: &[u8]) -> PResult<'_, Vec<String>> {
    if data.is_empty() {
        return Ok((data, Vec::new()));
    }
    let (i, list) = all_consuming(map_parser(
        length_data(be_u16),
        all_consuming(many0((be_u8, length_data(be_u16)))),
    ))
    .parse_complete(data)?;
    let names = list
        .into_iter()
        .filter(|(t, _)| *t == 0)
        .map(|(_, n): (u8, &[u8])| String::from_utf8_lossy(n).into_owned())
        .collect();
    Ok((i, names))
}

/// certificate_list: uint24-length list of uint24-length DER certificates
/// (RFC 5246 §7.4.2); in TLS 1.3 a request context comes first and every
/// entry carries an extension block (RFC 8446 §4.4.2).
fn certificate_list(i: &[u8], tls13: bool) -> PResult<'_, Vec<&[u8]>> {
    let i = if tls13 {
        length_data(be_u8).parse_complete(i)?.0
    } else {
        i
    };
    let entry = if tls13 {
        certificate_entry_13
    } else {
        certificate_entry
    };
    map_parser(length_data(be_u24), all_consuming(many0(entry))).parse_complete(i)
}

/// ASN.1Cert (RFC 5246 §7.4.2).
fn certificate_entry(i: &[u8]) -> PResult<'_, &[u8]> {
    length_data(be_u24).parse_complete(i)
}

/// CertificateEntry (RFC 8446 §4.4.2): cert_data, then extensions.
fn certificate_entry_13(i: &[u8]) -> PResult<'_, &[u8]> {
    let (i, (cert, _extensions)) = (length_data(be_u24), length_data(be_u16)).parse_complete(i)?;
    Ok((i, cert))
}

/// What a ServerKeyExchange shows of the ephemeral key without keys: the
/// named curve of ECDHE (RFC 8422 §5.4, curve_type 3) or the size of the
/// DHE prime (RFC 5246 §7.4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct KeyExchangeParams {
    pub named_group: Option<NamedGroup>,
    pub dh_prime_bits: Option<u32>,
}

/// Reads the group of an ECDHE ServerKeyExchange or the prime size of a
/// DHE one (`ecdhe` says which layout to expect).
pub fn key_exchange_params(body: &[u8], ecdhe: bool) -> Option<KeyExchangeParams> {
    if ecdhe {
        let (&curve_type, rest) = body.split_first()?;
        if curve_type != 3 {
            return None;
        }
        let (_, group) = be_u16::<_, nom::error::Error<&[u8]>>(rest).ok()?;
        return Some(KeyExchangeParams {
            named_group: Some(NamedGroup(group)),
            dh_prime_bits: None,
        });
    }
    let (_, p) = length_data::<_, nom::error::Error<&[u8]>, _>(be_u16)
        .parse_complete(body)
        .ok()?;
    let significant = p
        .iter()
        .position(|&b| b != 0)
        .and_then(|at| p.get(at..))
        .unwrap_or(&[]);
    let bits = significant.first().map_or(0, |&b| {
        (significant.len() as u32 - 1) * 8 + (8 - b.leading_zeros())
    });
    Some(KeyExchangeParams {
        named_group: None,
        dh_prime_bits: Some(bits),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Prefixes `body` with a `width`-byte big-endian length.
    pub(crate) fn vec_n(width: usize, body: &[u8]) -> Vec<u8> {
        let len = body.len().to_be_bytes();
        let mut out = len[len.len() - width..].to_vec();
        out.extend_from_slice(body);
        out
    }

    pub(crate) fn ext(t: u16, data: &[u8]) -> Vec<u8> {
        let mut out = t.to_be_bytes().to_vec();
        out.extend(vec_n(2, data));
        out
    }

    /// A handshake message: type, uint24 length, body.
    pub(crate) fn message(t: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![t];
        out.extend(vec_n(3, body));
        out
    }

    /// A TLS 1.3-capable ClientHello: SNI vpn.example.test, ALPN h2 and
    /// http/1.1, supported_versions 1.3 and 1.2, groups x25519 and P-256,
    /// two signature schemes, a key share for x25519, extended master
    /// secret, encrypt-then-MAC, empty renegotiation_info, a GREASE
    /// extension and an unknown one (0x1234, 3 bytes).
    pub(crate) fn client_hello_body() -> Vec<u8> {
        let mut b = vec![0x03, 0x03];
        b.extend(0u8..32);
        b.extend(vec_n(1, &[0xaa; 32]));
        b.extend(vec_n(
            2,
            &[0x13, 0x01, 0x13, 0x02, 0xc0, 0x2f, 0x00, 0x2f, 0x0a, 0x0a],
        ));
        b.extend(vec_n(1, &[0]));
        let mut exts = Vec::new();
        exts.extend(ext(0x0a0a, &[]));
        let mut sni = vec![0u8];
        sni.extend(vec_n(2, b"vpn.example.test"));
        exts.extend(ext(0, &vec_n(2, &sni)));
        let mut alpn = vec_n(1, b"h2");
        alpn.extend(vec_n(1, b"http/1.1"));
        exts.extend(ext(16, &vec_n(2, &alpn)));
        exts.extend(ext(43, &vec_n(1, &[0x03, 0x04, 0x03, 0x03])));
        exts.extend(ext(10, &vec_n(2, &[0x00, 0x1d, 0x00, 0x17])));
        exts.extend(ext(13, &vec_n(2, &[0x04, 0x03, 0x08, 0x04])));
        let mut share = vec![0x00, 0x1d];
        share.extend(vec_n(2, &[0x42; 32]));
        exts.extend(ext(51, &vec_n(2, &share)));
        exts.extend(ext(23, &[]));
        exts.extend(ext(22, &[]));
        exts.extend(ext(0xff01, &[0]));
        exts.extend(ext(0x1234, &[1, 2, 3]));
        b.extend(vec_n(2, &exts));
        b
    }

    #[test]
    fn client_hello_every_field() {
        let body = client_hello_body();
        let m = parse_handshake(HandshakeType::CLIENT_HELLO, &body, false).unwrap();
        let mut random = [0u8; 32];
        for (i, r) in random.iter_mut().enumerate() {
            *r = i as u8;
        }
        assert_eq!(
            m,
            HandshakeMessage::ClientHello(ClientHello {
                version: ProtocolVersion::TLS_1_2,
                random,
                session_id: vec![0xaa; 32],
                cipher_suites: vec![
                    CipherSuite(0x1301),
                    CipherSuite(0x1302),
                    CipherSuite(0xc02f),
                    CipherSuite(0x002f),
                    CipherSuite(0x0a0a)
                ],
                compression_methods: vec![0],
                extensions: vec![
                    Extension::Other {
                        extension_type: ExtensionType(0x0a0a),
                        length: 0
                    },
                    Extension::ServerName(vec!["vpn.example.test".into()]),
                    Extension::Alpn(vec!["h2".into(), "http/1.1".into()]),
                    Extension::SupportedVersions(vec![ProtocolVersion::TLS_1_3, ProtocolVersion::TLS_1_2]),
                    Extension::SupportedGroups(vec![NamedGroup::X25519, NamedGroup::SECP256R1]),
                    Extension::SignatureAlgorithms(vec![SignatureScheme(0x0403), SignatureScheme(0x0804)]),
                    Extension::KeyShare(vec![NamedGroup::X25519]),
                    Extension::ExtendedMasterSecret,
                    Extension::EncryptThenMac,
                    Extension::RenegotiationInfo(vec![]),
                    Extension::Other {
                        extension_type: ExtensionType(0x1234),
                        length: 3
                    },
                ],
            })
        );
    }

    #[test]
    fn client_hello_without_extensions_and_malformed_ones() {
        // SSL 3.0 style: nothing after the compression methods.
        let mut b = vec![0x03, 0x00];
        b.extend([7u8; 32]);
        b.extend([0, 0, 2, 0x00, 0x35, 1, 0]);
        let HandshakeMessage::ClientHello(h) = parse_handshake(HandshakeType(1), &b, false).unwrap() else {
            panic!()
        };
        assert_eq!(h.version, ProtocolVersion::SSL_3_0);
        assert_eq!(h.cipher_suites, [CipherSuite(0x0035)]);
        assert_eq!(h.extensions, []);
        assert_eq!(h.session_id, Vec::<u8>::new());

        // A known extension with bad contents is kept as malformed.
        let mut bad = b.clone();
        let mut exts = ext(0, &[0, 9, 0]);
        exts.extend(ext(23, &[1]));
        exts.extend(ext(43, &[3, 3, 4]));
        bad.extend(vec_n(2, &exts));
        let HandshakeMessage::ClientHello(h) = parse_handshake(HandshakeType(1), &bad, false).unwrap() else {
            panic!()
        };
        assert_eq!(
            h.extensions,
            [
                Extension::Malformed {
                    extension_type: ExtensionType::SERVER_NAME,
                    length: 3
                },
                Extension::Malformed {
                    extension_type: ExtensionType::EXTENDED_MASTER_SECRET,
                    length: 1
                },
                Extension::Malformed {
                    extension_type: ExtensionType::SUPPORTED_VERSIONS,
                    length: 3
                },
            ]
        );
    }

    #[test]
    fn malformed_lengths_are_errors_with_offsets() {
        let body = client_hello_body();
        // Cut anywhere: an error, never a panic; only the cut right after
        // the compression methods leaves a valid (extension-less) hello.
        for cut in 0..body.len() {
            let r = parse_handshake(HandshakeType::CLIENT_HELLO, &body[..cut], false);
            assert_eq!(r.is_ok(), cut == 81, "cut {cut}");
        }
        // A session id length running past the end.
        let mut b = vec![3, 3];
        b.extend([0u8; 32]);
        b.extend([40, 1, 2]);
        assert_eq!(
            parse_handshake(HandshakeType::CLIENT_HELLO, &b, false),
            Err(DecodeError {
                what: "client_hello",
                offset: 35,
                len: 37
            })
        );
        // Odd cipher suite list length.
        let mut b = vec![3, 3];
        b.extend([0u8; 32]);
        b.extend([0, 0, 3, 0, 0x2f, 0, 1, 0]);
        assert_eq!(
            parse_handshake(HandshakeType::CLIENT_HELLO, &b, false),
            Err(DecodeError {
                what: "client_hello",
                offset: 39,
                len: 42
            })
        );
        // Trailing bytes after the extension block.
        let mut b = body.clone();
        b.push(0);
        assert_eq!(
            parse_handshake(HandshakeType::CLIENT_HELLO, &b, false),
            Err(DecodeError {
                what: "client_hello",
                offset: body.len(),
                len: body.len() + 1
            })
        );
        assert_eq!(
            parse_handshake(HandshakeType::SERVER_HELLO_DONE, &[0], false),
            Err(DecodeError {
                what: "server_hello_done",
                offset: 0,
                len: 1
            })
        );
    }

    /// ServerHello: TLS 1.2 style with a session id, suite 0xc02f,
    /// extended master secret, renegotiation_info and ALPN h2.
    pub(crate) fn server_hello_12_body() -> Vec<u8> {
        let mut b = vec![0x03, 0x03];
        b.extend([0x5a; 32]);
        b.extend(vec_n(1, &[0x11; 32]));
        b.extend([0xc0, 0x2f, 0x00]);
        let mut exts = ext(0xff01, &[0]);
        exts.extend(ext(23, &[]));
        exts.extend(ext(16, &vec_n(2, &vec_n(1, b"h2"))));
        exts.extend(ext(11, &[1, 0]));
        b.extend(vec_n(2, &exts));
        b
    }

    /// ServerHello: TLS 1.3 (legacy 0x0303, supported_versions 0x0304,
    /// key_share x25519), echoing a 32-byte legacy session id.
    pub(crate) fn server_hello_13_body() -> Vec<u8> {
        let mut b = vec![0x03, 0x03];
        b.extend([0x77; 32]);
        b.extend(vec_n(1, &[0xaa; 32]));
        b.extend([0x13, 0x01, 0x00]);
        let mut exts = ext(43, &[0x03, 0x04]);
        let mut share = vec![0x00, 0x1d];
        share.extend(vec_n(2, &[0x24; 32]));
        exts.extend(ext(51, &share));
        b.extend(vec_n(2, &exts));
        b
    }

    #[test]
    fn server_hello_tls12() {
        let body = server_hello_12_body();
        let HandshakeMessage::ServerHello(h) = parse_handshake(HandshakeType(2), &body, false).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            h,
            ServerHello {
                version: ProtocolVersion::TLS_1_2,
                random: [0x5a; 32],
                session_id: vec![0x11; 32],
                cipher_suite: CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                compression_method: 0,
                extensions: vec![
                    Extension::RenegotiationInfo(vec![]),
                    Extension::ExtendedMasterSecret,
                    Extension::Alpn(vec!["h2".into()]),
                    Extension::EcPointFormats(vec![0]),
                ],
                hello_retry_request: false,
            }
        );
        assert_eq!(h.negotiated_version(), ProtocolVersion::TLS_1_2);
    }

    #[test]
    fn server_hello_tls13_and_hello_retry_request() {
        let body = server_hello_13_body();
        let HandshakeMessage::ServerHello(h) = parse_handshake(HandshakeType(2), &body, false).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            h,
            ServerHello {
                version: ProtocolVersion::TLS_1_2,
                random: [0x77; 32],
                session_id: vec![0xaa; 32],
                cipher_suite: CipherSuite::TLS_AES_128_GCM_SHA256,
                compression_method: 0,
                extensions: vec![
                    Extension::SupportedVersions(vec![ProtocolVersion::TLS_1_3]),
                    Extension::KeyShare(vec![NamedGroup::X25519]),
                ],
                hello_retry_request: false,
            }
        );
        assert_eq!(h.negotiated_version(), ProtocolVersion::TLS_1_3);

        // HelloRetryRequest: the special random, key_share holds only the
        // group asked for.
        let mut b = vec![0x03, 0x03];
        b.extend(HELLO_RETRY_REQUEST_RANDOM);
        b.extend(vec_n(1, &[]));
        b.extend([0x13, 0x02, 0x00]);
        let mut exts = ext(43, &[0x03, 0x04]);
        exts.extend(ext(51, &[0x00, 0x17]));
        b.extend(vec_n(2, &exts));
        let HandshakeMessage::ServerHello(h) = parse_handshake(HandshakeType(2), &b, false).unwrap() else {
            panic!()
        };
        assert!(h.hello_retry_request);
        assert_eq!(
            h.extensions,
            [
                Extension::SupportedVersions(vec![ProtocolVersion::TLS_1_3]),
                Extension::KeyShare(vec![NamedGroup::SECP256R1])
            ]
        );
    }

    #[test]
    fn certificate_lists() {
        let mut list = vec_n(3, &[0x30, 0x00]);
        list.extend(vec_n(3, &[0x30, 0x01, 0x05]));
        let body = vec_n(3, &list);
        assert_eq!(
            parse_handshake(HandshakeType::CERTIFICATE, &body, false),
            Ok(HandshakeMessage::Certificate(vec![
                &[0x30, 0x00][..],
                &[0x30, 0x01, 0x05][..]
            ]))
        );
        // TLS 1.3: context, then entries with extensions.
        let mut entry = vec_n(3, &[0x30, 0x00]);
        entry.extend(vec_n(2, &[0, 5, 0, 0]));
        let mut body13 = vec_n(1, &[]);
        body13.extend(vec_n(3, &entry));
        assert_eq!(
            parse_handshake(HandshakeType::CERTIFICATE, &body13, true),
            Ok(HandshakeMessage::Certificate(vec![&[0x30, 0x00][..]]))
        );
        // A certificate length running past the list.
        let mut bad = vec_n(3, &[0x30, 0x00]);
        bad[2] = 9;
        let body = vec_n(3, &bad);
        assert_eq!(
            parse_handshake(HandshakeType::CERTIFICATE, &body, false),
            Err(DecodeError {
                what: "certificate",
                offset: 3,
                len: 8
            })
        );
        // Empty chain (a client without a certificate).
        assert_eq!(
            parse_handshake(HandshakeType::CERTIFICATE, &[0, 0, 0], false),
            Ok(HandshakeMessage::Certificate(vec![]))
        );
    }

    #[test]
    fn other_messages() {
        assert_eq!(
            parse_handshake(HandshakeType(0), &[], false),
            Ok(HandshakeMessage::HelloRequest)
        );
        assert_eq!(
            parse_handshake(HandshakeType(14), &[], false),
            Ok(HandshakeMessage::ServerHelloDone)
        );
        let mut ticket = 7200u32.to_be_bytes().to_vec();
        ticket.extend(vec_n(2, &[9; 100]));
        assert_eq!(
            parse_handshake(HandshakeType(4), &ticket, false),
            Ok(HandshakeMessage::NewSessionTicket {
                lifetime_hint: 7200,
                ticket_len: 100
            })
        );
        let cke = vec_n(2, &[0xee; 128]);
        assert_eq!(
            parse_handshake(HandshakeType(16), &cke, false),
            Ok(HandshakeMessage::ClientKeyExchange(&cke))
        );
        assert_eq!(
            parse_handshake(HandshakeType(20), &[1; 12], false),
            Ok(HandshakeMessage::Finished(&[1; 12]))
        );
        assert_eq!(
            parse_handshake(HandshakeType(24), &[1], true),
            Ok(HandshakeMessage::KeyUpdate(1))
        );
        assert_eq!(
            parse_handshake(HandshakeType(99), &[1, 2], false),
            Ok(HandshakeMessage::Other {
                msg_type: HandshakeType(99),
                body: &[1, 2]
            })
        );
        let mut ee = vec_n(2, &ext(0, &[]));
        assert_eq!(
            parse_handshake(HandshakeType(8), &ee, true),
            Ok(HandshakeMessage::EncryptedExtensions(vec![
                Extension::ServerName(vec![])
            ]))
        );
        ee.push(0);
        assert!(parse_handshake(HandshakeType(8), &ee, true).is_err());
    }

    #[test]
    fn server_key_exchange_parameters() {
        let ecdhe = [3, 0, 23, 65, 4, 1, 2];
        assert_eq!(
            key_exchange_params(&ecdhe, true),
            Some(KeyExchangeParams {
                named_group: Some(NamedGroup::SECP256R1),
                dh_prime_bits: None
            })
        );
        let mut dhe = vec_n(2, &[0x00, 0x80, 0, 0]);
        dhe.extend(vec_n(2, &[2]));
        assert_eq!(
            key_exchange_params(&dhe, false),
            Some(KeyExchangeParams {
                named_group: None,
                dh_prime_bits: Some(24)
            })
        );
        assert_eq!(key_exchange_params(&[1, 0], true), None);
        assert_eq!(key_exchange_params(&[0, 9], false), None);
    }

    /// (type, body, first_frame, frame) of each message.
    type Seen = (u8, Vec<u8>, u64, u64);

    fn feed(r: &mut HandshakeReassembler, pushes: &[(u64, &[u8])]) -> Vec<Seen> {
        let mut seen = Vec::new();
        for (frame, bytes) in pushes {
            r.push(bytes, *frame, Timestamp::default(), &mut |item| match item {
                HandshakeItem::Message {
                    msg_type,
                    body,
                    raw,
                    first_frame,
                    frame,
                    ..
                } => {
                    assert_eq!(raw.get(4..), Some(body));
                    seen.push((msg_type.0, body.to_vec(), first_frame, frame));
                }
                other => panic!("{other:?}"),
            });
        }
        seen
    }

    #[test]
    fn messages_spanning_records_and_several_per_record() {
        let a = message(2, &[1u8; 70]);
        let b = message(11, &[2u8; 300]);
        let c = message(14, &[]);
        let mut all = a.clone();
        all.extend(&b);
        all.extend(&c);
        let mut r = HandshakeReassembler::new();
        // Record 1: a and the first 2 header bytes of b; record 2: more of
        // b; record 3: the rest of b and c.
        let cut1 = a.len() + 2;
        let cut2 = a.len() + 100;
        let seen = feed(
            &mut r,
            &[(1, &all[..cut1]), (2, &all[cut1..cut2]), (3, &all[cut2..])],
        );
        assert_eq!(
            seen,
            [
                (2, vec![1u8; 70], 1, 1),
                (11, vec![2u8; 300], 1, 3),
                (14, vec![], 3, 3)
            ]
        );
        assert_eq!(r.pending(), 0);
        // Every split point gives the same messages.
        for cut in 1..all.len() {
            let mut r = HandshakeReassembler::new();
            let seen = feed(&mut r, &[(1, &all[..cut]), (1, &all[cut..])]);
            let bodies: Vec<_> = seen.iter().map(|s| (s.0, s.1.len())).collect();
            assert_eq!(bodies, [(2, 70), (11, 300), (14, 0)], "cut {cut}");
        }
    }

    #[test]
    fn too_long_messages_are_skipped_and_interrupt_drops_a_partial() {
        let mut r = HandshakeReassembler::new();
        let mut items = Vec::new();
        let mut big = vec![11u8, 0x01, 0x00, 0x01];
        big.extend(vec![0u8; 100]);
        r.push(&big, 5, Timestamp::default(), &mut |i| {
            items.push(format!("{i:?}"))
        });
        assert_eq!(
            items,
            [format!(
                "{:?}",
                HandshakeItem::TooLong {
                    msg_type: HandshakeType(11),
                    length: 65537,
                    frame: 5
                }
            )]
        );
        // The rest of its body is skipped, then framing continues.
        let mut tail = vec![0u8; 65437];
        tail.extend(message(14, &[]));
        let seen = feed(&mut r, &[(6, &tail)]);
        assert_eq!(seen, [(14, vec![], 6, 6)]);

        let m = message(16, &[9u8; 130]);
        let seen = feed(&mut r, &[(7, &m[..50])]);
        assert_eq!(seen, []);
        assert_eq!(r.interrupt(), 50);
        assert_eq!(r.pending(), 0);
        let seen = feed(&mut r, &[(8, &m)]);
        assert_eq!(seen, [(16, vec![9u8; 130], 8, 8)]);
    }
}
