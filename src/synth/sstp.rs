//! SSTP as a client and a server write it ([MS-SSTP]): the HTTP request
//! and response that open the connection (§3.2.4.1, §4.1), the 4-byte
//! packet header (§2.2.1), data packets carrying PPP frames (§2.2.3), the
//! nine control messages (§2.2.9–§2.2.17) and every attribute (§2.2.4–
//! §2.2.8), including the crypto binding of Call Connected with a Compound
//! MAC computed from an HLAK (§3.2.5.2).
//!
//! Encoded by hand from the specification; the certificate hash and the
//! MAC come from [`crate::crypto::sstp`], which reproduces the [MS-SSTP]
//! §4.7 examples.

use super::{Result, SynthError};
use crate::crypto::sstp::{
    cert_hash, compound_mac, compound_mac_key, HashProtocol, Hlak, CALL_CONNECTED_LEN,
};

/// Version byte of every SSTP packet: major 1, minor 0 ([MS-SSTP] §2.2.1).
pub const VERSION: u8 = 0x10;

/// The largest SSTP packet: the Length field has 12 bits.
pub const MAX_PACKET_LEN: usize = 0x0FFF;

/// The request URI of the SSTP HTTP request, as [MS-SSTP] §3.2.4.1 spells
/// it (lower-case "b" in "458b").
pub const SSTP_URI: &str = "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/";

/// The HTTP method of the SSTP request ([MS-SSTP] §3.2.4.1).
pub const SSTP_METHOD: &str = "SSTP_DUPLEX_POST";

/// Content-Length of the request and of the successful response:
/// ULONGLONG_MAX ([MS-SSTP] §3.2.4.1).
pub const SSTP_CONTENT_LENGTH: u64 = u64::MAX;

/// Control message types ([MS-SSTP] §2.2.9).
pub mod message_type {
    /// SSTP_MSG_CALL_CONNECT_REQUEST.
    pub const CALL_CONNECT_REQUEST: u16 = 1;
    /// SSTP_MSG_CALL_CONNECT_ACK.
    pub const CALL_CONNECT_ACK: u16 = 2;
    /// SSTP_MSG_CALL_CONNECT_NAK.
    pub const CALL_CONNECT_NAK: u16 = 3;
    /// SSTP_MSG_CALL_CONNECTED.
    pub const CALL_CONNECTED: u16 = 4;
    /// SSTP_MSG_CALL_ABORT.
    pub const CALL_ABORT: u16 = 5;
    /// SSTP_MSG_CALL_DISCONNECT.
    pub const CALL_DISCONNECT: u16 = 6;
    /// SSTP_MSG_CALL_DISCONNECT_ACK.
    pub const CALL_DISCONNECT_ACK: u16 = 7;
    /// SSTP_MSG_ECHO_REQUEST.
    pub const ECHO_REQUEST: u16 = 8;
    /// SSTP_MSG_ECHO_RESPONSE.
    pub const ECHO_RESPONSE: u16 = 9;
}

/// The specification's name of a control message type.
pub fn message_name(message_type: u16) -> String {
    let name = match message_type {
        message_type::CALL_CONNECT_REQUEST => "SSTP_MSG_CALL_CONNECT_REQUEST",
        message_type::CALL_CONNECT_ACK => "SSTP_MSG_CALL_CONNECT_ACK",
        message_type::CALL_CONNECT_NAK => "SSTP_MSG_CALL_CONNECT_NAK",
        message_type::CALL_CONNECTED => "SSTP_MSG_CALL_CONNECTED",
        message_type::CALL_ABORT => "SSTP_MSG_CALL_ABORT",
        message_type::CALL_DISCONNECT => "SSTP_MSG_CALL_DISCONNECT",
        message_type::CALL_DISCONNECT_ACK => "SSTP_MSG_CALL_DISCONNECT_ACK",
        message_type::ECHO_REQUEST => "SSTP_MSG_ECHO_REQUEST",
        message_type::ECHO_RESPONSE => "SSTP_MSG_ECHO_RESPONSE",
        other => return format!("type {other}"),
    };
    name.to_string()
}

/// Attribute IDs ([MS-SSTP] §2.2.4; 0 appears only inside Status Info).
pub mod attribute_id {
    /// SSTP_ATTRIB_NO_ERROR.
    pub const NO_ERROR: u8 = 0;
    /// SSTP_ATTRIB_ENCAPSULATED_PROTOCOL_ID.
    pub const ENCAPSULATED_PROTOCOL_ID: u8 = 1;
    /// SSTP_ATTRIB_STATUS_INFO.
    pub const STATUS_INFO: u8 = 2;
    /// SSTP_ATTRIB_CRYPTO_BINDING.
    pub const CRYPTO_BINDING: u8 = 3;
    /// SSTP_ATTRIB_CRYPTO_BINDING_REQ.
    pub const CRYPTO_BINDING_REQ: u8 = 4;
}

/// The specification's name of an attribute ID.
pub fn attribute_name(id: u8) -> String {
    let name = match id {
        attribute_id::NO_ERROR => "SSTP_ATTRIB_NO_ERROR",
        attribute_id::ENCAPSULATED_PROTOCOL_ID => "SSTP_ATTRIB_ENCAPSULATED_PROTOCOL_ID",
        attribute_id::STATUS_INFO => "SSTP_ATTRIB_STATUS_INFO",
        attribute_id::CRYPTO_BINDING => "SSTP_ATTRIB_CRYPTO_BINDING",
        attribute_id::CRYPTO_BINDING_REQ => "SSTP_ATTRIB_CRYPTO_BINDING_REQ",
        other => return format!("attribute {other}"),
    };
    name.to_string()
}

/// Status values of Status Info ([MS-SSTP] §2.2.8).
pub mod status {
    /// ATTRIB_STATUS_NO_ERROR.
    pub const NO_ERROR: u32 = 0;
    /// ATTRIB_STATUS_DUPLICATE_ATTRIBUTE.
    pub const DUPLICATE_ATTRIBUTE: u32 = 1;
    /// ATTRIB_STATUS_UNRECOGNIZED_ATTRIBUTE.
    pub const UNRECOGNIZED_ATTRIBUTE: u32 = 2;
    /// ATTRIB_STATUS_INVALID_ATTRIB_VALUE_LENGTH.
    pub const INVALID_ATTRIB_VALUE_LENGTH: u32 = 3;
    /// ATTRIB_STATUS_VALUE_NOT_SUPPORTED.
    pub const VALUE_NOT_SUPPORTED: u32 = 4;
    /// ATTRIB_STATUS_UNACCEPTED_FRAME_RECEIVED.
    pub const UNACCEPTED_FRAME_RECEIVED: u32 = 5;
    /// ATTRIB_STATUS_RETRY_COUNT_EXCEEDED.
    pub const RETRY_COUNT_EXCEEDED: u32 = 6;
    /// ATTRIB_STATUS_INVALID_FRAME_RECEIVED.
    pub const INVALID_FRAME_RECEIVED: u32 = 7;
    /// ATTRIB_STATUS_NEGOTIATION_TIMEOUT.
    pub const NEGOTIATION_TIMEOUT: u32 = 8;
    /// ATTRIB_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG.
    pub const ATTRIB_NOT_SUPPORTED_IN_MSG: u32 = 9;
    /// ATTRIB_STATUS_REQUIRED_ATTRIBUTE_MISSING.
    pub const REQUIRED_ATTRIBUTE_MISSING: u32 = 10;
    /// ATTRIB_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG.
    pub const STATUS_INFO_NOT_SUPPORTED_IN_MSG: u32 = 11;
}

/// The specification's name of a Status value.
pub fn status_name(value: u32) -> String {
    let name = match value {
        status::NO_ERROR => "ATTRIB_STATUS_NO_ERROR",
        status::DUPLICATE_ATTRIBUTE => "ATTRIB_STATUS_DUPLICATE_ATTRIBUTE",
        status::UNRECOGNIZED_ATTRIBUTE => "ATTRIB_STATUS_UNRECOGNIZED_ATTRIBUTE",
        status::INVALID_ATTRIB_VALUE_LENGTH => "ATTRIB_STATUS_INVALID_ATTRIB_VALUE_LENGTH",
        status::VALUE_NOT_SUPPORTED => "ATTRIB_STATUS_VALUE_NOT_SUPPORTED",
        status::UNACCEPTED_FRAME_RECEIVED => "ATTRIB_STATUS_UNACCEPTED_FRAME_RECEIVED",
        status::RETRY_COUNT_EXCEEDED => "ATTRIB_STATUS_RETRY_COUNT_EXCEEDED",
        status::INVALID_FRAME_RECEIVED => "ATTRIB_STATUS_INVALID_FRAME_RECEIVED",
        status::NEGOTIATION_TIMEOUT => "ATTRIB_STATUS_NEGOTIATION_TIMEOUT",
        status::ATTRIB_NOT_SUPPORTED_IN_MSG => "ATTRIB_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG",
        status::REQUIRED_ATTRIBUTE_MISSING => "ATTRIB_STATUS_REQUIRED_ATTRIBUTE_MISSING",
        status::STATUS_INFO_NOT_SUPPORTED_IN_MSG => "ATTRIB_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG",
        other => return format!("status {other}"),
    };
    name.to_string()
}

/// SSTP_ENCAPSULATED_PROTOCOL_PPP, the only Protocol ID ([MS-SSTP] §2.2.5).
pub const ENCAPSULATED_PROTOCOL_PPP: u16 = 1;

/// Hash Protocol bits of the crypto binding ([MS-SSTP] §2.2.6, §2.2.7).
pub mod hash_protocol {
    /// CERT_HASH_PROTOCOL_SHA1.
    pub const SHA1: u8 = 0x01;
    /// CERT_HASH_PROTOCOL_SHA256.
    pub const SHA256: u8 = 0x02;
}

/// One SSTP attribute ([MS-SSTP] §2.2.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attribute {
    /// Encapsulated Protocol ID (§2.2.5), 6 bytes.
    EncapsulatedProtocolId(u16),
    /// Status Info (§2.2.8): the attribute the status is about, the
    /// status, and AttribValue; 12 bytes plus the value.
    StatusInfo {
        /// AttribID: the attribute this status describes.
        attrib_id: u8,
        /// Status.
        status: u32,
        /// AttribValue.
        value: Vec<u8>,
    },
    /// Crypto Binding (§2.2.7), 104 bytes.
    CryptoBinding {
        /// Hash Protocol: exactly one bit.
        hash_protocol: u8,
        /// Nonce, echoed from the Crypto Binding Request.
        nonce: [u8; 32],
        /// Cert Hash field (a SHA-1 value is followed by 12 zero bytes).
        cert_hash: [u8; 32],
        /// Compound MAC field (padded the same way).
        compound_mac: [u8; 32],
    },
    /// Crypto Binding Request (§2.2.6), 40 bytes.
    CryptoBindingRequest {
        /// Hash Protocol Bitmask: the hashes the server accepts.
        hash_protocol_bitmask: u8,
        /// Nonce the client must echo.
        nonce: [u8; 32],
    },
}

impl Attribute {
    /// Attribute ID.
    pub fn id(&self) -> u8 {
        match self {
            Attribute::EncapsulatedProtocolId(_) => attribute_id::ENCAPSULATED_PROTOCOL_ID,
            Attribute::StatusInfo { .. } => attribute_id::STATUS_INFO,
            Attribute::CryptoBinding { .. } => attribute_id::CRYPTO_BINDING,
            Attribute::CryptoBindingRequest { .. } => attribute_id::CRYPTO_BINDING_REQ,
        }
    }

    /// Reserved, Attribute ID, a 12-bit Length counting the whole
    /// attribute, then the value (§2.2.4).
    pub fn encode(&self) -> Result<Vec<u8>> {
        let mut value = Vec::new();
        match self {
            Attribute::EncapsulatedProtocolId(p) => value.extend_from_slice(&p.to_be_bytes()),
            Attribute::StatusInfo {
                attrib_id,
                status,
                value: v,
            } => {
                value.extend_from_slice(&[0, 0, 0, *attrib_id]);
                value.extend_from_slice(&status.to_be_bytes());
                value.extend_from_slice(v);
            }
            Attribute::CryptoBinding {
                hash_protocol,
                nonce,
                cert_hash,
                compound_mac,
            } => {
                value.extend_from_slice(&[0, 0, 0, *hash_protocol]);
                value.extend_from_slice(nonce);
                value.extend_from_slice(cert_hash);
                value.extend_from_slice(compound_mac);
            }
            Attribute::CryptoBindingRequest {
                hash_protocol_bitmask,
                nonce,
            } => {
                value.extend_from_slice(&[0, 0, 0, *hash_protocol_bitmask]);
                value.extend_from_slice(nonce);
            }
        }
        let len = 4 + value.len();
        let len12 = twelve_bits("SSTP attribute", len)?;
        let mut a = vec![0, self.id()];
        a.extend_from_slice(&len12.to_be_bytes());
        a.extend_from_slice(&value);
        Ok(a)
    }

    /// A few words for the truth tables.
    pub fn summary(&self) -> String {
        match self {
            Attribute::EncapsulatedProtocolId(p) => {
                let what = if *p == ENCAPSULATED_PROTOCOL_PPP {
                    "PPP"
                } else {
                    "not PPP"
                };
                format!("Encapsulated Protocol ID {p} ({what})")
            }
            Attribute::StatusInfo {
                attrib_id,
                status,
                value,
            } => format!(
                "Status Info: {} about {} ({attrib_id}), {} value bytes",
                status_name(*status),
                attribute_name(*attrib_id),
                value.len()
            ),
            Attribute::CryptoBinding { hash_protocol, .. } => {
                format!("Crypto Binding, hash protocol {}", hash_names(*hash_protocol))
            }
            Attribute::CryptoBindingRequest {
                hash_protocol_bitmask,
                ..
            } => format!(
                "Crypto Binding Request, bitmask 0x{hash_protocol_bitmask:02X} ({})",
                hash_names(*hash_protocol_bitmask)
            ),
        }
    }
}

/// "SHA1", "SHA256" or "SHA1+SHA256" for a hash-protocol bitmask.
pub fn hash_names(bits: u8) -> String {
    let mut names = Vec::new();
    if bits & hash_protocol::SHA1 != 0 {
        names.push("SHA1");
    }
    if bits & hash_protocol::SHA256 != 0 {
        names.push("SHA256");
    }
    if bits & !(hash_protocol::SHA1 | hash_protocol::SHA256) != 0 {
        names.push("unknown bits");
    }
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join("+")
    }
}

fn twelve_bits(what: &'static str, len: usize) -> Result<u16> {
    u16::try_from(len)
        .ok()
        .filter(|l| usize::from(*l) <= MAX_PACKET_LEN)
        .ok_or(SynthError::TooLong {
            what,
            len,
            max: MAX_PACKET_LEN,
        })
}

/// An SSTP packet: Version 0x10, the C bit, a 12-bit Length counting the
/// whole packet, then the body ([MS-SSTP] §2.2.1).
pub fn packet(control: bool, body: &[u8]) -> Result<Vec<u8>> {
    let len = twelve_bits("SSTP packet", 4 + body.len())?;
    let mut p = vec![VERSION, u8::from(control)];
    p.extend_from_slice(&len.to_be_bytes());
    p.extend_from_slice(body);
    Ok(p)
}

/// A data packet carrying one PPP frame ([MS-SSTP] §2.2.3).
pub fn data_packet(ppp_frame: &[u8]) -> Result<Vec<u8>> {
    packet(false, ppp_frame)
}

/// A control message ([MS-SSTP] §2.2.2): Message Type, Num Attributes,
/// the attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlMessage {
    /// Message Type.
    pub message_type: u16,
    /// Attributes in order.
    pub attributes: Vec<Attribute>,
}

impl ControlMessage {
    /// A message without attributes (Call Disconnect Ack, Echo Request,
    /// Echo Response, or an Abort/Disconnect that gives no status).
    pub fn bare(message_type: u16) -> Self {
        ControlMessage {
            message_type,
            attributes: Vec::new(),
        }
    }

    /// Call Connect Request with one Encapsulated Protocol ID (§2.2.9).
    pub fn call_connect_request(protocol_id: u16) -> Self {
        ControlMessage {
            message_type: message_type::CALL_CONNECT_REQUEST,
            attributes: vec![Attribute::EncapsulatedProtocolId(protocol_id)],
        }
    }

    /// Call Connect Ack with one Crypto Binding Request (§2.2.10).
    pub fn call_connect_ack(hash_protocol_bitmask: u8, nonce: [u8; 32]) -> Self {
        ControlMessage {
            message_type: message_type::CALL_CONNECT_ACK,
            attributes: vec![Attribute::CryptoBindingRequest {
                hash_protocol_bitmask,
                nonce,
            }],
        }
    }

    /// Call Connect Nak with one Status Info per refused attribute
    /// (§2.2.11).
    pub fn call_connect_nak(statuses: Vec<Attribute>) -> Self {
        ControlMessage {
            message_type: message_type::CALL_CONNECT_NAK,
            attributes: statuses,
        }
    }

    /// Call Abort or Call Disconnect (§2.2.13, §2.2.14) with one Status
    /// Info without AttribValue.
    pub fn with_status(message_type: u16, attrib_id: u8, status: u32) -> Self {
        ControlMessage {
            message_type,
            attributes: vec![Attribute::StatusInfo {
                attrib_id,
                status,
                value: Vec::new(),
            }],
        }
    }

    /// The packet: header, Message Type, Num Attributes, attributes.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let count = u16::try_from(self.attributes.len()).map_err(|_| SynthError::TooLong {
            what: "SSTP attribute list",
            len: self.attributes.len(),
            max: usize::from(u16::MAX),
        })?;
        let mut body = Vec::new();
        body.extend_from_slice(&self.message_type.to_be_bytes());
        body.extend_from_slice(&count.to_be_bytes());
        for a in &self.attributes {
            body.extend_from_slice(&a.encode()?);
        }
        packet(true, &body)
    }
}

/// What the client puts in the Crypto Binding of Call Connected, and how it
/// computes the Compound MAC ([MS-SSTP] §3.2.5.2).
#[derive(Debug, Clone)]
pub struct CryptoBindingInput {
    /// The chosen hash protocol.
    pub protocol: HashProtocol,
    /// The nonce to send (normally the Call Connect Ack's).
    pub nonce: [u8; 32],
    /// The DER certificate whose hash goes into Cert Hash.
    pub certificate_der: Vec<u8>,
    /// The client's HLAK.
    pub hlak: Hlak,
}

/// Call Connected with its Crypto Binding (§2.2.12, §3.2.5.2.4): the Cert
/// Hash of the certificate, then the Compound MAC under the CMK derived from
/// the HLAK over the 112-byte message with its MAC field zero. Returns the
/// message and the MAC field it carries.
pub fn call_connected(input: &CryptoBindingInput) -> Result<(ControlMessage, [u8; 32])> {
    let hash = cert_hash(input.protocol, &input.certificate_der);
    call_connected_with_hash(input.protocol, input.nonce, *hash.field(), &input.hlak)
}

/// Call Connected carrying a given Cert Hash field, with the Compound MAC
/// computed over it (§3.2.5.2.4). Returns the message and its MAC field.
pub fn call_connected_with_hash(
    protocol: HashProtocol,
    nonce: [u8; 32],
    cert_hash_field: [u8; 32],
    hlak: &Hlak,
) -> Result<(ControlMessage, [u8; 32])> {
    let mut message = ControlMessage {
        message_type: message_type::CALL_CONNECTED,
        attributes: vec![Attribute::CryptoBinding {
            hash_protocol: protocol.wire_value(),
            nonce,
            cert_hash: cert_hash_field,
            compound_mac: [0; 32],
        }],
    };
    let zeroed: [u8; CALL_CONNECTED_LEN] = message
        .encode()?
        .try_into()
        .map_err(|_| SynthError::Unsupported("Call Connected is not 112 bytes"))?;
    let cmk = compound_mac_key(protocol, hlak);
    let mac = *compound_mac(&cmk, &zeroed).field();
    if let Some(Attribute::CryptoBinding { compound_mac, .. }) = message.attributes.first_mut() {
        *compound_mac = mac;
    }
    Ok((message, mac))
}

/// The SSTP HTTP request ([MS-SSTP] §3.2.4.1, §4.1): method, URI, version,
/// then Host, Content-Length ULONGLONG_MAX and SSTPCORRELATIONID (when
/// given) in that order, and the blank line. No body.
pub fn http_request(uri: &str, host: &str, correlation_id: Option<&str>) -> Vec<u8> {
    let mut s =
        format!("{SSTP_METHOD} {uri} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {SSTP_CONTENT_LENGTH}\r\n");
    if let Some(id) = correlation_id {
        s.push_str(&format!("SSTPCORRELATIONID: {id}\r\n"));
    }
    s.push_str("\r\n");
    s.into_bytes()
}

/// The server's successful answer ([MS-SSTP] §4.1): `HTTP/1.1 200 OK`,
/// Content-Length ULONGLONG_MAX, Server and Date, the blank line.
pub fn http_response_ok(date: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {SSTP_CONTENT_LENGTH}\r\nServer: Microsoft-HTTPAPI/2.0\r\nDate: {date}\r\n\r\n"
    )
    .into_bytes()
}

/// An HTTP error answer with an empty body, after which the server closes
/// the connection ([MS-SSTP] §3.3.4.1: no more data follows).
pub fn http_response_error(status: u16, reason: &str, date: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\nServer: Microsoft-HTTPAPI/2.0\r\nDate: {date}\r\nConnection: close\r\n\r\n"
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::Secret;

    /// The [MS-SSTP] §4.7 example messages, byte for byte.
    #[test]
    fn spec_example_request_and_ack() {
        assert_eq!(
            ControlMessage::call_connect_request(ENCAPSULATED_PROTOCOL_PPP)
                .encode()
                .unwrap(),
            [0x10, 0x01, 0x00, 0x0E, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x06, 0x00, 0x01]
        );
        let nonce = [
            0x41, 0x2B, 0x48, 0x9A, 0xEB, 0xD7, 0xEC, 0xC7, 0xD0, 0x89, 0x66, 0xF2, 0x6B, 0xE7, 0xCD, 0x72,
            0xB2, 0x31, 0xA0, 0xE9, 0x21, 0x0D, 0x7C, 0x91, 0xB3, 0x08, 0x86, 0x2B, 0x03, 0x44, 0xC4, 0x35,
        ];
        let ack = ControlMessage::call_connect_ack(hash_protocol::SHA256, nonce)
            .encode()
            .unwrap();
        assert_eq!(
            &ack[..16],
            &[
                0x10, 0x01, 0x00, 0x30, 0x00, 0x02, 0x00, 0x01, 0x00, 0x04, 0x00, 0x28, 0x00, 0x00, 0x00,
                0x02
            ]
        );
        assert_eq!(&ack[16..], &nonce);
    }

    /// Call Connected from the [MS-SSTP] §4.7 HLAK, nonce and cert hash is
    /// the spec's message, Compound MAC included.
    #[test]
    fn call_connected_reproduces_the_spec_example() {
        let hex = |s: &str| -> Vec<u8> {
            s.split_whitespace()
                .map(|b| u8::from_str_radix(b, 16).unwrap())
                .collect()
        };
        let hlak: [u8; 32] = hex(
            "2A 1B B4 0D 55 AB 0F 5E F3 2F 06 F2 B3 CC 73 C4 8F D3 FA C4 1D 7A 13 15 A1 92 28 D9 02 4C A1 64",
        )
        .try_into()
        .unwrap();
        let nonce: [u8; 32] = hex(
            "41 2B 48 9A EB D7 EC C7 D0 89 66 F2 6B E7 CD 72 B2 31 A0 E9 21 0D 7C 91 B3 08 86 2B 03 44 C4 35",
        )
        .try_into()
        .unwrap();
        let cert: [u8; 32] = hex(
            "79 93 EF 31 4C 49 3D AC E9 F0 2D 60 E7 E6 1C 84 B6 69 0A AF E9 D7 AE EA 92 CB BE 8A D5 99 42 2D",
        )
        .try_into()
        .unwrap();
        let (msg, mac) =
            call_connected_with_hash(HashProtocol::Sha256, nonce, cert, &Secret::new(hlak)).unwrap();
        assert_eq!(
            mac.to_vec(),
            hex("52 A6 8E FD 8C FF BF 52 77 0B 8F 0F E8 EC 73 71 65 83 AF 6D 61 1E B6 D1 79 B3 B2 08 40 98 54 49")
        );
        let bytes = msg.encode().unwrap();
        assert_eq!(
            bytes[..16],
            hex("10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 02")
        );
        assert_eq!(bytes[16..48], nonce);
        assert_eq!(bytes[48..80], cert);
        assert_eq!(bytes[80..], mac);
    }

    /// The SHA-1 layout: 20-byte hash and MAC, each padded with zeros.
    #[test]
    fn call_connected_sha1_layout_and_mac() {
        let input = CryptoBindingInput {
            protocol: HashProtocol::Sha1,
            nonce: [7; 32],
            certificate_der: b"not a certificate".to_vec(),
            hlak: Secret::new([0; 32]),
        };
        let (msg, mac) = call_connected(&input).unwrap();
        let bytes = msg.encode().unwrap();
        assert_eq!(bytes.len(), 112);
        assert_eq!(
            &bytes[..16],
            &[0x10, 0x01, 0x00, 0x70, 0x00, 0x04, 0x00, 0x01, 0x00, 0x03, 0x00, 0x68, 0, 0, 0, 0x01]
        );
        assert_eq!(&bytes[16..48], &[7; 32]);
        // SHA-1: 20 bytes of hash and MAC, each padded with 12 zero bytes.
        assert_eq!(&bytes[68..80], &[0; 12]);
        assert_eq!(&bytes[100..112], &[0; 12]);
        assert_eq!(&bytes[80..112], &mac);
        assert_ne!(&mac[..20], &[0; 20]);
        // The MAC covers the message with its own field zeroed.
        let mut zeroed: [u8; 112] = bytes.clone().try_into().unwrap();
        zeroed[80..].fill(0);
        let cmk = compound_mac_key(HashProtocol::Sha1, &Secret::new([0; 32]));
        assert_eq!(compound_mac(&cmk, &zeroed).field(), &mac);
    }

    #[test]
    fn other_messages_and_attributes() {
        assert_eq!(
            ControlMessage::with_status(
                message_type::CALL_ABORT,
                attribute_id::CRYPTO_BINDING,
                status::VALUE_NOT_SUPPORTED
            )
            .encode()
            .unwrap(),
            [
                0x10, 0x01, 0x00, 0x14, 0x00, 0x05, 0x00, 0x01, 0x00, 0x02, 0x00, 0x0C, 0, 0, 0, 3, 0, 0, 0,
                4
            ]
        );
        assert_eq!(
            ControlMessage::bare(message_type::ECHO_RESPONSE)
                .encode()
                .unwrap(),
            [0x10, 0x01, 0x00, 0x08, 0x00, 0x09, 0x00, 0x00]
        );
        let nak = ControlMessage::call_connect_nak(vec![Attribute::StatusInfo {
            attrib_id: attribute_id::ENCAPSULATED_PROTOCOL_ID,
            status: status::VALUE_NOT_SUPPORTED,
            value: vec![0, 2],
        }])
        .encode()
        .unwrap();
        assert_eq!(
            nak,
            [
                0x10, 0x01, 0x00, 0x16, 0x00, 0x03, 0x00, 0x01, 0x00, 0x02, 0x00, 0x0E, 0, 0, 0, 1, 0, 0, 0,
                4, 0, 2
            ]
        );
        assert_eq!(
            data_packet(&[0xFF, 0x03]).unwrap(),
            [0x10, 0x00, 0x00, 0x06, 0xFF, 0x03]
        );
        assert!(data_packet(&[0; 4092]).is_err());
        assert_eq!(data_packet(&[0; 4091]).unwrap()[2..4], [0x0F, 0xFF]);
        assert_eq!(hash_names(3), "SHA1+SHA256");
        assert_eq!(message_name(10), "type 10");
    }

    #[test]
    fn http_heads() {
        assert_eq!(
            String::from_utf8(http_request(SSTP_URI, "vpn.example.net", Some("{X}"))).unwrap(),
            "SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\n\
             Host: vpn.example.net\r\nContent-Length: 18446744073709551615\r\n\
             SSTPCORRELATIONID: {X}\r\n\r\n"
        );
        assert!(
            http_response_ok("D").starts_with(b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n")
        );
        assert!(http_response_error(404, "Not Found", "D").starts_with(b"HTTP/1.1 404 Not Found\r\n"));
    }
}
