//! SSTP packet decoder ([MS-SSTP] §2.2): the 4-byte header, the nine control
//! messages and their attributes.
//!
//! Two faces, as in smoltcp's `wire` module:
//! * [`Packet`], a zero-copy view over the header bytes, whose `check_len`
//!   compares the 12-bit Length with the bytes really there;
//! * [`parse_packet`], which turns one whole packet (as framed by its Length,
//!   see [`super::stream`]) into an owned [`SstpPacket`]: a data packet hands
//!   back its PPP frame as a slice, a control packet is decoded with every
//!   attribute.
//!
//! Oddities that do not stop decoding (reserved bits set, an attribute of
//! the wrong length, a message missing the attribute it must carry, a SHA-1
//! value with non-zero padding) are [`Anomaly`] values beside the packet;
//! only a packet whose header cannot be read is a [`WireError`]. Unknown
//! message types and attribute IDs are data, not errors.
//!
//! The crypto binding is only decoded here; the Compound MAC is checked by
//! [`crate::crypto::sstp`], fed by [`call_connected_for_mac`].

use std::fmt::Write as _;

use nom::bytes::complete::take;
use nom::combinator::map_parser;
use nom::number::complete::{be_u16, be_u24, be_u32, be_u8};
use nom::{IResult, Parser};
use serde::ser::{SerializeMap, Serializer};

use crate::crypto::sstp::{HashProtocol, CALL_CONNECTED_LEN};

/// The Version byte of SSTP 1.0 ([MS-SSTP] §2.2.1): major version 1 in the
/// high nibble, minor version 0 in the low nibble.
pub const VERSION_1_0: u8 = 0x10;

/// The header every SSTP packet starts with: Version, Reserved and C bit,
/// Length ([MS-SSTP] §2.2.1).
pub const HEADER_LEN: usize = 4;

/// The header of a control packet: the SSTP header, Message Type and
/// Num Attributes ([MS-SSTP] §2.2.3).
pub const CONTROL_HEADER_LEN: usize = 8;

/// Reserved, Attribute ID and Length of every attribute ([MS-SSTP] §2.2.4).
pub const ATTRIBUTE_HEADER_LEN: usize = 4;

/// The largest value the 12-bit Length field can hold ([MS-SSTP] §2.2.1).
pub const MAX_PACKET_LEN: u16 = 0x0FFF;

/// Size of the Nonce of Crypto Binding and Crypto Binding Request, and of the
/// Cert Hash and Compound MAC fields, padding included ([MS-SSTP] §2.2.7).
pub const BINDING_FIELD_LEN: usize = 32;

/// The 12 bits of a Length field; the top 4 are reserved.
const LENGTH_MASK: u16 = 0x0FFF;
/// The C bit: set in a control packet ([MS-SSTP] §2.2.1).
const C_BIT: u8 = 0x01;

/// Field offsets of the SSTP header and the control message header
/// ([MS-SSTP] §2.2.1, §2.2.3).
mod field {
    pub type Field = core::ops::Range<usize>;
    pub const VERSION: usize = 0;
    /// Seven reserved bits and the C bit.
    pub const RESERVED_C: usize = 1;
    /// Four reserved bits and the 12-bit Length.
    pub const LENGTH: Field = 2..4;
    pub const MESSAGE_TYPE: Field = 4..6;
    pub const NUM_ATTRIBUTES: Field = 6..8;
}

/// Offsets inside the Call Connected message the crypto binding needs
/// ([MS-SSTP] §2.2.7, §3.2.5.2.4).
const CALL_CONNECTED_ATTRIBUTE_ID: usize = 9;
const CALL_CONNECTED_ATTRIBUTE_LENGTH: core::ops::Range<usize> = 10..12;

/// SSTP Message Type of a control packet ([MS-SSTP] §2.2.3). Open: a value
/// the spec does not define is kept as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageType(pub u16);

impl MessageType {
    /// The client's first message: it asks for a call carrying PPP.
    pub const CALL_CONNECT_REQUEST: MessageType = MessageType(0x0001);
    /// The server accepts the call and asks for the crypto binding.
    pub const CALL_CONNECT_ACK: MessageType = MessageType(0x0002);
    /// The server refuses the request, saying why in Status Info.
    pub const CALL_CONNECT_NAK: MessageType = MessageType(0x0003);
    /// The client, after PPP authentication, sends the crypto binding.
    pub const CALL_CONNECTED: MessageType = MessageType(0x0004);
    pub const CALL_ABORT: MessageType = MessageType(0x0005);
    pub const CALL_DISCONNECT: MessageType = MessageType(0x0006);
    pub const CALL_DISCONNECT_ACK: MessageType = MessageType(0x0007);
    pub const ECHO_REQUEST: MessageType = MessageType(0x0008);
    pub const ECHO_RESPONSE: MessageType = MessageType(0x0009);

    /// The spec's constant name, e.g. "SSTP_MSG_CALL_CONNECTED".
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "SSTP_MSG_CALL_CONNECT_REQUEST",
            2 => "SSTP_MSG_CALL_CONNECT_ACK",
            3 => "SSTP_MSG_CALL_CONNECT_NAK",
            4 => "SSTP_MSG_CALL_CONNECTED",
            5 => "SSTP_MSG_CALL_ABORT",
            6 => "SSTP_MSG_CALL_DISCONNECT",
            7 => "SSTP_MSG_CALL_DISCONNECT_ACK",
            8 => "SSTP_MSG_ECHO_REQUEST",
            9 => "SSTP_MSG_ECHO_RESPONSE",
            _ => return None,
        })
    }

    /// The message's name in plain words, e.g. "Call Connected".
    pub const fn title(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "Call Connect Request",
            2 => "Call Connect Ack",
            3 => "Call Connect Nak",
            4 => "Call Connected",
            5 => "Call Abort",
            6 => "Call Disconnect",
            7 => "Call Disconnect Ack",
            8 => "Echo Request",
            9 => "Echo Response",
            _ => return None,
        })
    }

    /// The whole packet length the message has when it carries what the
    /// spec says, for the messages whose length is fixed ([MS-SSTP]
    /// §2.2). Nak, Abort and Disconnect vary with their Status Info.
    pub const fn fixed_len(self) -> Option<u16> {
        match self.0 {
            1 => Some(14),
            2 => Some(48),
            4 => Some(CALL_CONNECTED_LEN as u16),
            7..=9 => Some(CONTROL_HEADER_LEN as u16),
            _ => None,
        }
    }

    /// The one attribute type the message may carry and how many of it
    /// (minimum, maximum) ([MS-SSTP] §2.2). `None` for an unknown
    /// type.
    fn attribute_rule(self) -> Option<AttributeRule> {
        let rule = |attribute_id, min, max| AttributeRule {
            attribute_id: Some(attribute_id),
            min,
            max,
        };
        Some(match self.0 {
            1 => rule(AttributeId::ENCAPSULATED_PROTOCOL_ID, 1, 1),
            2 => rule(AttributeId::CRYPTO_BINDING_REQ, 1, 1),
            3 => rule(AttributeId::STATUS_INFO, 1, u16::MAX),
            4 => rule(AttributeId::CRYPTO_BINDING, 1, 1),
            // "Should" carry one Status Info: its absence is allowed.
            5 | 6 => rule(AttributeId::STATUS_INFO, 0, 1),
            7..=9 => AttributeRule {
                attribute_id: None,
                min: 0,
                max: 0,
            },
            _ => return None,
        })
    }
}

/// Which attributes a message type may carry.
#[derive(Debug, Clone, Copy)]
struct AttributeRule {
    /// The allowed attribute; `None` when the message has no attributes.
    attribute_id: Option<AttributeId>,
    min: u16,
    max: u16,
}

/// Attribute ID ([MS-SSTP] §2.2.4). Open: unknown IDs are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttributeId(pub u8);

impl AttributeId {
    /// Appears only as the AttribID inside Status Info: the status is not
    /// about any attribute.
    pub const NO_ERROR: AttributeId = AttributeId(0);
    pub const ENCAPSULATED_PROTOCOL_ID: AttributeId = AttributeId(1);
    pub const STATUS_INFO: AttributeId = AttributeId(2);
    pub const CRYPTO_BINDING: AttributeId = AttributeId(3);
    pub const CRYPTO_BINDING_REQ: AttributeId = AttributeId(4);

    /// The spec's constant name, e.g. "SSTP_ATTRIB_CRYPTO_BINDING".
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "SSTP_ATTRIB_NO_ERROR",
            1 => "SSTP_ATTRIB_ENCAPSULATED_PROTOCOL_ID",
            2 => "SSTP_ATTRIB_STATUS_INFO",
            3 => "SSTP_ATTRIB_CRYPTO_BINDING",
            4 => "SSTP_ATTRIB_CRYPTO_BINDING_REQ",
            _ => return None,
        })
    }

    /// The attribute's Length, header included, where the spec fixes it
    /// ([MS-SSTP] §2.2, §2.2.7): 6, 104, 40.
    pub const fn fixed_len(self) -> Option<u16> {
        match self.0 {
            1 => Some(6),
            3 => Some(104),
            4 => Some(40),
            _ => None,
        }
    }

    /// The shortest Length the attribute's layout fits in: the fixed length,
    /// or 12 for Status Info (its AttribValue may be empty, [MS-SSTP]
    /// §2.2).
    pub const fn min_len(self) -> Option<u16> {
        match self.0 {
            2 => Some(12),
            _ => self.fixed_len(),
        }
    }
}

/// The Status of a Status Info attribute, named as in [MS-SSTP] §2.2.8.
/// Open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttribStatus(pub u32);

impl AttribStatus {
    pub const NO_ERROR: AttribStatus = AttribStatus(0x0000_0000);
    pub const DUPLICATE_ATTRIBUTE: AttribStatus = AttribStatus(0x0000_0001);
    pub const UNRECOGNIZED_ATTRIBUTE: AttribStatus = AttribStatus(0x0000_0002);
    pub const INVALID_ATTRIB_VALUE_LENGTH: AttribStatus = AttribStatus(0x0000_0003);
    pub const VALUE_NOT_SUPPORTED: AttribStatus = AttribStatus(0x0000_0004);
    pub const UNACCEPTED_FRAME_RECEIVED: AttribStatus = AttribStatus(0x0000_0005);
    pub const RETRY_COUNT_EXCEEDED: AttribStatus = AttribStatus(0x0000_0006);
    pub const INVALID_FRAME_RECEIVED: AttribStatus = AttribStatus(0x0000_0007);
    pub const NEGOTIATION_TIMEOUT: AttribStatus = AttribStatus(0x0000_0008);
    pub const ATTRIB_NOT_SUPPORTED_IN_MSG: AttribStatus = AttribStatus(0x0000_0009);
    pub const REQUIRED_ATTRIBUTE_MISSING: AttribStatus = AttribStatus(0x0000_000A);
    pub const STATUS_INFO_NOT_SUPPORTED_IN_MSG: AttribStatus = AttribStatus(0x0000_000B);

    /// The spec's constant name, e.g. "ATTRIB_STATUS_NO_ERROR".
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x00 => "ATTRIB_STATUS_NO_ERROR",
            0x01 => "ATTRIB_STATUS_DUPLICATE_ATTRIBUTE",
            0x02 => "ATTRIB_STATUS_UNRECOGNIZED_ATTRIBUTE",
            0x03 => "ATTRIB_STATUS_INVALID_ATTRIB_VALUE_LENGTH",
            0x04 => "ATTRIB_STATUS_VALUE_NOT_SUPPORTED",
            0x05 => "ATTRIB_STATUS_UNACCEPTED_FRAME_RECEIVED",
            0x06 => "ATTRIB_STATUS_RETRY_COUNT_EXCEEDED",
            0x07 => "ATTRIB_STATUS_INVALID_FRAME_RECEIVED",
            0x08 => "ATTRIB_STATUS_NEGOTIATION_TIMEOUT",
            0x09 => "ATTRIB_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG",
            0x0A => "ATTRIB_STATUS_REQUIRED_ATTRIBUTE_MISSING",
            0x0B => "ATTRIB_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG",
            _ => return None,
        })
    }
}

/// Protocol ID of the Encapsulated Protocol ID attribute ([MS-SSTP]
/// §2.2). Open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProtocolId(pub u16);

impl ProtocolId {
    /// PPP, the only protocol SSTP defines.
    pub const PPP: ProtocolId = ProtocolId(0x0001);

    pub const fn name(self) -> Option<&'static str> {
        match self.0 {
            1 => Some("SSTP_ENCAPSULATED_PROTOCOL_PPP"),
            _ => None,
        }
    }
}

/// The name a report gives a hash protocol: "SHA1" or "SHA256".
pub const fn hash_protocol_name(protocol: HashProtocol) -> &'static str {
    match protocol {
        HashProtocol::Sha1 => "SHA1",
        HashProtocol::Sha256 => "SHA256",
    }
}

/// The Hash Protocol Bitmask of a Crypto Binding Request ([MS-SSTP]
/// §2.2): the hash protocols the server accepts, one bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HashProtocolBitmask(pub u8);

impl HashProtocolBitmask {
    /// CERT_HASH_PROTOCOL_SHA1.
    pub const SHA1: u8 = HashProtocol::CERT_HASH_PROTOCOL_SHA1;
    /// CERT_HASH_PROTOCOL_SHA256.
    pub const SHA256: u8 = HashProtocol::CERT_HASH_PROTOCOL_SHA256;
    const KNOWN: u8 = Self::SHA1 | Self::SHA256;

    /// True when the server offers `protocol`.
    pub const fn offers(self, protocol: HashProtocol) -> bool {
        self.0 & protocol.wire_value() != 0
    }

    /// The offered protocols, weakest first.
    pub fn protocols(self) -> Vec<HashProtocol> {
        [HashProtocol::Sha1, HashProtocol::Sha256]
            .into_iter()
            .filter(|p| self.offers(*p))
            .collect()
    }

    /// Names of the offered protocols ("SHA1", "SHA256").
    pub fn names(self) -> Vec<&'static str> {
        self.protocols().into_iter().map(hash_protocol_name).collect()
    }

    /// Bits the spec does not define.
    pub const fn unknown_bits(self) -> u8 {
        self.0 & !Self::KNOWN
    }
}

/// The SSTP header ([MS-SSTP] §2.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// [`VERSION_1_0`].
    pub version: u8,
    /// The seven reserved bits above the C bit, shifted down (0–127); must
    /// be 0.
    pub reserved: u8,
    /// The C bit: control packet when set, data packet otherwise.
    pub control: bool,
    /// The four reserved bits above Length, shifted down (0–15); must be 0.
    pub length_reserved: u8,
    /// Length of the whole packet, header included (12 bits).
    pub length: u16,
}

/// A zero-copy view of an SSTP packet ([MS-SSTP] §2.2.1–§2.2.3).
///
/// After [`Packet::check_len`] succeeded the accessors read real bytes;
/// before, a missing byte reads as 0. They never panic.
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

fn byte_at(buf: &[u8], at: usize) -> u8 {
    buf.get(at).copied().unwrap_or(0)
}

fn be16_at(buf: &[u8], range: core::ops::Range<usize>) -> u16 {
    buf.get(range)
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map_or(0, u16::from_be_bytes)
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps bytes without looking at them.
    pub const fn new_unchecked(buffer: T) -> Self {
        Packet { buffer }
    }

    /// Wraps bytes after [`Packet::check_len`].
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        let packet = Self::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    /// Checks that the header is there, that Length covers at least the
    /// header (8 bytes for a control packet) and that the buffer holds
    /// Length bytes. Bytes past Length are allowed and ignored.
    pub fn check_len(&self) -> Result<(), WireError> {
        let buf = self.buffer.as_ref();
        if buf.len() < HEADER_LEN {
            return Err(WireError::Truncated {
                needed: HEADER_LEN,
                got: buf.len(),
            });
        }
        let length = self.packet_length();
        let header_len = if self.is_control() {
            CONTROL_HEADER_LEN
        } else {
            HEADER_LEN
        };
        if usize::from(length) < header_len {
            return Err(WireError::LengthBelowHeader { length, header_len });
        }
        if buf.len() < usize::from(length) {
            return Err(WireError::Truncated {
                needed: usize::from(length),
                got: buf.len(),
            });
        }
        Ok(())
    }

    /// The underlying bytes.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// Version byte: 0x10 for SSTP 1.0.
    pub fn version(&self) -> u8 {
        byte_at(self.buffer.as_ref(), field::VERSION)
    }

    /// The seven reserved bits above the C bit, shifted down.
    pub fn reserved(&self) -> u8 {
        byte_at(self.buffer.as_ref(), field::RESERVED_C) >> 1
    }

    /// The C bit: a control packet.
    pub fn is_control(&self) -> bool {
        byte_at(self.buffer.as_ref(), field::RESERVED_C) & C_BIT != 0
    }

    /// The four reserved bits above Length, shifted down.
    pub fn length_reserved(&self) -> u8 {
        (be16_at(self.buffer.as_ref(), field::LENGTH) >> 12) as u8
    }

    /// The Length field: the whole packet, header included.
    pub fn packet_length(&self) -> u16 {
        be16_at(self.buffer.as_ref(), field::LENGTH) & LENGTH_MASK
    }

    /// The bytes after the 4-byte header, up to Length: a PPP frame in a
    /// data packet, the control message after the SSTP header otherwise.
    pub fn payload(&self) -> &[u8] {
        let buf = self.buffer.as_ref();
        let end = usize::from(self.packet_length()).min(buf.len());
        buf.get(HEADER_LEN..end).unwrap_or(&[])
    }

    /// Message Type of a control packet (read whatever the C bit says).
    pub fn message_type(&self) -> MessageType {
        MessageType(be16_at(self.buffer.as_ref(), field::MESSAGE_TYPE))
    }

    /// Num Attributes of a control packet.
    pub fn num_attributes(&self) -> u16 {
        be16_at(self.buffer.as_ref(), field::NUM_ATTRIBUTES)
    }

    /// The header as a value.
    pub fn header(&self) -> Header {
        Header {
            version: self.version(),
            reserved: self.reserved(),
            control: self.is_control(),
            length_reserved: self.length_reserved(),
            length: self.packet_length(),
        }
    }
}

/// Encapsulated Protocol ID ([MS-SSTP] §2.2): what the call carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncapsulatedProtocolId {
    pub protocol_id: ProtocolId,
}

/// Status Info ([MS-SSTP] §2.2): a status about one attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusInfo {
    /// Three reserved bytes; must be 0.
    pub reserved1: u32,
    /// The attribute this status is about ([`AttributeId::NO_ERROR`] when
    /// none).
    pub attrib_id: AttributeId,
    pub status: AttribStatus,
    /// The offending attribute's value, as the sender copied it.
    pub attrib_value: Vec<u8>,
}

/// Crypto Binding Request ([MS-SSTP] §2.2): the server's nonce and the
/// hash protocols it accepts, sent in Call Connect Ack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CryptoBindingRequest {
    /// Three reserved bytes; must be 0.
    pub reserved1: u32,
    pub hash_protocol_bitmask: HashProtocolBitmask,
    /// The nonce the client must echo in Call Connected.
    pub nonce: [u8; BINDING_FIELD_LEN],
}

/// Crypto Binding ([MS-SSTP] §2.2.7): the client's proof, in Call
/// Connected, that the PPP authentication and the TLS channel have the same
/// two ends.
///
/// With SHA-1 the Cert Hash and Compound MAC fields hold 20 bytes followed
/// by 12 bytes of zero padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CryptoBinding {
    /// Three reserved bytes; must be 0.
    pub reserved1: u32,
    /// The chosen protocol: exactly one bit, 0x01 (SHA1) or 0x02 (SHA256).
    pub hash_protocol: u8,
    /// Echo of the Crypto Binding Request's nonce.
    pub nonce: [u8; BINDING_FIELD_LEN],
    /// The 32-byte Cert Hash field, padding included.
    pub cert_hash: [u8; BINDING_FIELD_LEN],
    /// The 32-byte Compound MAC field, padding included.
    pub compound_mac: [u8; BINDING_FIELD_LEN],
}

impl CryptoBinding {
    /// The hash protocol, when the byte is exactly SHA1 or SHA256.
    pub const fn protocol(&self) -> Option<HashProtocol> {
        HashProtocol::from_wire(self.hash_protocol)
    }

    /// How many bytes of the 32-byte fields the value fills: 20 for SHA-1,
    /// 32 otherwise (an unknown protocol shows the whole field).
    fn digest_len(&self) -> usize {
        self.protocol()
            .map_or(BINDING_FIELD_LEN, HashProtocol::digest_len)
    }

    /// The certificate hash without padding (20 or 32 bytes).
    pub fn cert_hash_digest(&self) -> &[u8] {
        self.cert_hash.get(..self.digest_len()).unwrap_or(&self.cert_hash)
    }

    /// The Compound MAC without padding (20 or 32 bytes).
    pub fn compound_mac_digest(&self) -> &[u8] {
        self.compound_mac
            .get(..self.digest_len())
            .unwrap_or(&self.compound_mac)
    }

    /// The padding after a SHA-1 Cert Hash (empty otherwise).
    pub fn cert_hash_padding(&self) -> &[u8] {
        self.cert_hash.get(self.digest_len()..).unwrap_or(&[])
    }

    /// The padding after a SHA-1 Compound MAC (empty otherwise).
    pub fn compound_mac_padding(&self) -> &[u8] {
        self.compound_mac.get(self.digest_len()..).unwrap_or(&[])
    }
}

/// The value of an attribute, by Attribute ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeValue {
    EncapsulatedProtocolId(EncapsulatedProtocolId),
    StatusInfo(StatusInfo),
    CryptoBinding(CryptoBinding),
    CryptoBindingRequest(CryptoBindingRequest),
    /// An attribute ID the spec does not define, or a known attribute too
    /// short for its layout: the value bytes after the attribute header.
    Raw(Vec<u8>),
}

/// One attribute ([MS-SSTP] §2.2.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Must be 0.
    pub reserved: u8,
    pub attribute_id: AttributeId,
    /// The four reserved bits above Length, shifted down; must be 0.
    pub length_reserved: u8,
    /// Length of the attribute, its 4-byte header included.
    pub length: u16,
    pub value: AttributeValue,
}

/// A control message ([MS-SSTP] §2.2.3): what follows the SSTP header of a
/// packet with the C bit set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlMessage {
    pub message_type: MessageType,
    /// The count the sender declared; `attributes` holds what was really
    /// found.
    pub num_attributes: u16,
    pub attributes: Vec<Attribute>,
}

impl ControlMessage {
    /// The first Crypto Binding attribute (Call Connected).
    pub fn crypto_binding(&self) -> Option<&CryptoBinding> {
        self.attributes.iter().find_map(|a| match &a.value {
            AttributeValue::CryptoBinding(b) => Some(b),
            _ => None,
        })
    }

    /// The first Crypto Binding Request attribute (Call Connect Ack).
    pub fn crypto_binding_request(&self) -> Option<&CryptoBindingRequest> {
        self.attributes.iter().find_map(|a| match &a.value {
            AttributeValue::CryptoBindingRequest(r) => Some(r),
            _ => None,
        })
    }

    /// The first Encapsulated Protocol ID (Call Connect Request).
    pub fn encapsulated_protocol_id(&self) -> Option<ProtocolId> {
        self.attributes.iter().find_map(|a| match &a.value {
            AttributeValue::EncapsulatedProtocolId(e) => Some(e.protocol_id),
            _ => None,
        })
    }

    /// Every Status Info (Nak, Abort, Disconnect).
    pub fn status_infos(&self) -> impl Iterator<Item = &StatusInfo> {
        self.attributes.iter().filter_map(|a| match &a.value {
            AttributeValue::StatusInfo(s) => Some(s),
            _ => None,
        })
    }

    /// The key facts on one line, for a flow ladder. No capture text is in
    /// it, only numbers and names.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for attribute in &self.attributes {
            parts.push(match &attribute.value {
                AttributeValue::EncapsulatedProtocolId(e) => match e.protocol_id.name() {
                    Some(_) => "protocol PPP".to_string(),
                    None => format!("protocol {}", e.protocol_id.0),
                },
                AttributeValue::StatusInfo(s) => format!(
                    "status {} about {}",
                    s.status
                        .name()
                        .map_or_else(|| s.status.0.to_string(), str::to_string),
                    s.attrib_id
                        .name()
                        .map_or_else(|| format!("attribute {}", s.attrib_id.0), str::to_string)
                ),
                AttributeValue::CryptoBindingRequest(r) => {
                    let names = r.hash_protocol_bitmask.names();
                    let offered = if names.is_empty() {
                        "nothing".to_string()
                    } else {
                        names.join("+")
                    };
                    format!("offers {offered}, nonce {}", hex(&r.nonce))
                }
                AttributeValue::CryptoBinding(b) => format!(
                    "{} binding, nonce {}",
                    b.protocol().map_or_else(
                        || format!("hash 0x{:02x}", b.hash_protocol),
                        |p| { hash_protocol_name(p).to_string() }
                    ),
                    hex(&b.nonce)
                ),
                AttributeValue::Raw(v) => {
                    format!("attribute {} ({} bytes)", attribute.attribute_id.0, v.len())
                }
            });
        }
        parts.join("; ")
    }
}

/// What follows the SSTP header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PacketBody<'a> {
    /// C = 0: one PPP frame ([MS-SSTP] §2.2.2), without HDLC flags or FCS.
    Data { ppp_frame: &'a [u8] },
    /// C = 1: a control message.
    Control(ControlMessage),
}

/// One decoded SSTP packet.
///
/// Serialises (serde) as a flat map: `version` ("1.0"), `reserved`,
/// `control`, `length_reserved`, `length`, then for a data packet
/// `ppp_frame_length`, for a control packet `type_code`, `type` (the spec's
/// name or null), `num_attributes` and `attributes` (each a flat map, see
/// [`Attribute`]'s `Serialize`), and last `anomalies` (each `code` and
/// `detail`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SstpPacket<'a> {
    pub header: Header,
    pub body: PacketBody<'a>,
    /// Protocol violations that did not stop decoding: the header's first,
    /// then the message's as a whole, then its attributes'.
    pub anomalies: Vec<Anomaly>,
}

impl SstpPacket<'_> {
    /// The control message, if this is a control packet.
    pub fn control(&self) -> Option<&ControlMessage> {
        match &self.body {
            PacketBody::Control(m) => Some(m),
            PacketBody::Data { .. } => None,
        }
    }

    /// The PPP frame, if this is a data packet.
    pub fn ppp_frame(&self) -> Option<&[u8]> {
        match self.body {
            PacketBody::Data { ppp_frame } => Some(ppp_frame),
            PacketBody::Control(_) => None,
        }
    }
}

/// Something wrong in a packet that still decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anomaly {
    /// A reserved field is not 0 ([MS-SSTP] §2.2).
    ReservedNonZero { field: &'static str, value: u32 },
    /// A Message Type outside 1–9; the attributes were still read.
    UnknownMessageType(u16),
    /// The packet Length differs from the length the spec gives this
    /// message (14, 48, 112 or 8 bytes).
    MessageLengthMismatch {
        message_type: MessageType,
        expected: u16,
        actual: u16,
    },
    /// Num Attributes differs from the number of attributes found.
    AttributeCountMismatch { declared: u16, found: u16 },
    /// An attribute's Length (at `offset` in the packet) is below its own
    /// 4-byte header; the attributes after it were not read.
    AttributeLengthBelowHeader { offset: usize, length: u16 },
    /// An attribute's Length runs past the end of the packet; it and the
    /// bytes after it were not read.
    AttributeOverrun {
        offset: usize,
        length: u16,
        available: usize,
    },
    /// Bytes after the last attribute too few to be one (fewer than 4).
    TrailingBytes { offset: usize, count: usize },
    /// A fixed-length attribute whose Length differs from the spec's.
    /// Longer: the layout was read and the extra bytes ignored. Shorter:
    /// the value was kept raw.
    AttributeLengthMismatch {
        attribute_id: AttributeId,
        expected: u16,
        actual: u16,
    },
    /// A Status Info shorter than its 12-byte layout; kept raw.
    AttributeTooShort {
        attribute_id: AttributeId,
        minimum: u16,
        actual: u16,
    },
    /// An attribute this message type does not carry.
    UnexpectedAttribute {
        message_type: MessageType,
        attribute_id: AttributeId,
    },
    /// A message without the attribute it must carry.
    MissingAttribute {
        message_type: MessageType,
        attribute_id: AttributeId,
    },
    /// More copies of an attribute than the message allows.
    RepeatedAttribute {
        message_type: MessageType,
        attribute_id: AttributeId,
        count: u16,
    },
    /// Encapsulated Protocol ID other than PPP (1); a server answers Nak.
    ProtocolIdNotPpp(u16),
    /// Crypto Binding Hash Protocol is not exactly 0x01 (SHA1) or 0x02
    /// (SHA256).
    HashProtocolInvalid(u8),
    /// Crypto Binding Request offers neither SHA1 nor SHA256: the client
    /// must abort.
    NoHashProtocolOffered(u8),
    /// Crypto Binding Request bitmask bits the spec does not define.
    UnknownHashProtocolBits(u8),
    /// The 12 padding bytes after a SHA-1 Cert Hash or Compound MAC are not
    /// zero ([MS-SSTP] §2.2.7).
    NonZeroPadding { field: &'static str, padding: Vec<u8> },
}

fn id_name(id: AttributeId) -> String {
    id.name()
        .map_or_else(|| format!("attribute {}", id.0), str::to_string)
}

fn type_name(t: MessageType) -> String {
    t.name()
        .map_or_else(|| format!("message type {}", t.0), str::to_string)
}

impl Anomaly {
    /// Stable snake_case identifier for reports.
    pub fn code(&self) -> &'static str {
        match self {
            Anomaly::ReservedNonZero { .. } => "reserved_non_zero",
            Anomaly::UnknownMessageType(_) => "unknown_message_type",
            Anomaly::MessageLengthMismatch { .. } => "message_length_mismatch",
            Anomaly::AttributeCountMismatch { .. } => "attribute_count_mismatch",
            Anomaly::AttributeLengthBelowHeader { .. } => "attribute_length_below_header",
            Anomaly::AttributeOverrun { .. } => "attribute_overrun",
            Anomaly::TrailingBytes { .. } => "trailing_bytes",
            Anomaly::AttributeLengthMismatch { .. } => "attribute_length_mismatch",
            Anomaly::AttributeTooShort { .. } => "attribute_too_short",
            Anomaly::UnexpectedAttribute { .. } => "unexpected_attribute",
            Anomaly::MissingAttribute { .. } => "missing_attribute",
            Anomaly::RepeatedAttribute { .. } => "repeated_attribute",
            Anomaly::ProtocolIdNotPpp(_) => "protocol_id_not_ppp",
            Anomaly::HashProtocolInvalid(_) => "hash_protocol_invalid",
            Anomaly::NoHashProtocolOffered(_) => "no_hash_protocol_offered",
            Anomaly::UnknownHashProtocolBits(_) => "unknown_hash_protocol_bits",
            Anomaly::NonZeroPadding { .. } => "non_zero_padding",
        }
    }

    /// One sentence saying what is wrong, for a finding's explanation.
    pub fn describe(&self) -> String {
        match self {
            Anomaly::ReservedNonZero { field, value } => {
                format!("{field} is 0x{value:x}; [MS-SSTP] §2.2 requires reserved bits to be sent as 0")
            }
            Anomaly::UnknownMessageType(t) => format!(
                "Message Type {t} is not one of the nine [MS-SSTP] §2.2.3 defines; a peer aborts \
                 the call"
            ),
            Anomaly::MessageLengthMismatch {
                message_type,
                expected,
                actual,
            } => format!(
                "{} is {actual} bytes long, but [MS-SSTP] §2.2 makes it {expected} bytes",
                type_name(*message_type)
            ),
            Anomaly::AttributeCountMismatch { declared, found } => {
                format!("Num Attributes says {declared}, but {found} attributes fill the message")
            }
            Anomaly::AttributeLengthBelowHeader { offset, length } => format!(
                "the attribute at offset {offset} has Length {length}, less than its own \
                 {ATTRIBUTE_HEADER_LEN}-byte header; the rest of the message was not read"
            ),
            Anomaly::AttributeOverrun {
                offset,
                length,
                available,
            } => format!(
                "the attribute at offset {offset} has Length {length}, but only {available} bytes \
                 of the message are left; the rest of the message was not read"
            ),
            Anomaly::TrailingBytes { offset, count } => {
                format!("{count} bytes at offset {offset} after the last attribute are too few to be one")
            }
            Anomaly::AttributeLengthMismatch {
                attribute_id,
                expected,
                actual,
            } => {
                let consequence = if actual > expected {
                    "the extra bytes were ignored"
                } else {
                    "its value was not decoded"
                };
                format!(
                    "{} has Length {actual}, but [MS-SSTP] §2.2 makes it {expected} bytes; \
                     {consequence}",
                    id_name(*attribute_id)
                )
            }
            Anomaly::AttributeTooShort {
                attribute_id,
                minimum,
                actual,
            } => format!(
                "{} has Length {actual}, less than its {minimum}-byte layout; its value was not \
                 decoded",
                id_name(*attribute_id)
            ),
            Anomaly::UnexpectedAttribute {
                message_type,
                attribute_id,
            } => format!(
                "{} carries {}, which [MS-SSTP] §2.2 does not allow in it",
                type_name(*message_type),
                id_name(*attribute_id)
            ),
            Anomaly::MissingAttribute {
                message_type,
                attribute_id,
            } => format!(
                "{} lacks {}, which [MS-SSTP] §2.2 requires in it",
                type_name(*message_type),
                id_name(*attribute_id)
            ),
            Anomaly::RepeatedAttribute {
                message_type,
                attribute_id,
                count,
            } => format!(
                "{} carries {count} copies of {}; [MS-SSTP] §2.2 allows one",
                type_name(*message_type),
                id_name(*attribute_id)
            ),
            Anomaly::ProtocolIdNotPpp(p) => format!(
                "Encapsulated Protocol ID is {p}, not 1 (PPP), the only one [MS-SSTP] §2.2 \
                 defines; a server answers Call Connect Nak"
            ),
            Anomaly::HashProtocolInvalid(v) => format!(
                "Crypto Binding Hash Protocol is 0x{v:02x}; it must be exactly 0x01 (SHA1) or \
                 0x02 (SHA256) ([MS-SSTP] §2.2.7)"
            ),
            Anomaly::NoHashProtocolOffered(v) => format!(
                "Crypto Binding Request bitmask 0x{v:02x} offers neither SHA1 nor SHA256; the \
                 client must abort ([MS-SSTP] §3.2.5.3.2)"
            ),
            Anomaly::UnknownHashProtocolBits(v) => {
                format!("Crypto Binding Request bitmask has undefined bits 0x{v:02x} ([MS-SSTP] §2.2)")
            }
            Anomaly::NonZeroPadding { field, padding } => format!(
                "the 12 padding bytes after the SHA-1 {field} are {} rather than zero \
                 ([MS-SSTP] §2.2.7)",
                hex(padding)
            ),
        }
    }
}

impl serde::Serialize for Anomaly {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("code", self.code())?;
        map.serialize_entry("detail", &self.describe())?;
        map.end()
    }
}

/// Why bytes could not be decoded as an SSTP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// Fewer bytes than the header (`needed` = 4) or than the Length field
    /// declares, counted from offset 0.
    #[error("SSTP packet truncated: needs {needed} bytes from offset 0, {got} available")]
    Truncated { needed: usize, got: usize },
    /// The Version byte (offset 0) is not 0x10; the layout of any other
    /// version is unknown, and a peer drops the connection ([MS-SSTP]
    /// §3.1.5.1).
    #[error("SSTP Version (offset 0) is 0x{0:02x}, not 0x10 (1.0)")]
    BadVersion(u8),
    /// The Length field (offset 2) is smaller than the header: 4 bytes, or 8
    /// for a control packet.
    #[error("SSTP Length (offset 2) is {length}, less than the {header_len}-byte header")]
    LengthBelowHeader { length: u16, header_len: usize },
}

impl WireError {
    /// Stable snake_case identifier for reports.
    pub fn code(&self) -> &'static str {
        match self {
            WireError::Truncated { .. } => "truncated",
            WireError::BadVersion(_) => "bad_version",
            WireError::LengthBelowHeader { .. } => "length_below_header",
        }
    }
}

type PResult<'a, T> = IResult<&'a [u8], T>;

fn array32(i: &[u8]) -> PResult<'_, [u8; BINDING_FIELD_LEN]> {
    let (i, bytes) = take(BINDING_FIELD_LEN).parse(i)?;
    let mut out = [0u8; BINDING_FIELD_LEN];
    out.iter_mut().zip(bytes).for_each(|(d, s)| *d = *s);
    Ok((i, out))
}

fn parse_encapsulated_protocol_id(i: &[u8]) -> PResult<'_, AttributeValue> {
    let (i, protocol_id) = be_u16(i)?;
    Ok((
        i,
        AttributeValue::EncapsulatedProtocolId(EncapsulatedProtocolId {
            protocol_id: ProtocolId(protocol_id),
        }),
    ))
}

/// Status Info: the value runs to the end of the attribute, so the caller
/// must confine this parser to the attribute's value bytes.
fn parse_status_info(i: &[u8]) -> PResult<'_, AttributeValue> {
    let (i, (reserved1, attrib_id, status)) = (be_u24, be_u8, be_u32).parse(i)?;
    let (i, attrib_value) = take(i.len()).parse(i)?;
    Ok((
        i,
        AttributeValue::StatusInfo(StatusInfo {
            reserved1,
            attrib_id: AttributeId(attrib_id),
            status: AttribStatus(status),
            attrib_value: attrib_value.to_vec(),
        }),
    ))
}

fn parse_crypto_binding(i: &[u8]) -> PResult<'_, AttributeValue> {
    let (i, (reserved1, hash_protocol, nonce, cert_hash, compound_mac)) =
        (be_u24, be_u8, array32, array32, array32).parse(i)?;
    Ok((
        i,
        AttributeValue::CryptoBinding(CryptoBinding {
            reserved1,
            hash_protocol,
            nonce,
            cert_hash,
            compound_mac,
        }),
    ))
}

fn parse_crypto_binding_request(i: &[u8]) -> PResult<'_, AttributeValue> {
    let (i, (reserved1, bitmask, nonce)) = (be_u24, be_u8, array32).parse(i)?;
    Ok((
        i,
        AttributeValue::CryptoBindingRequest(CryptoBindingRequest {
            reserved1,
            hash_protocol_bitmask: HashProtocolBitmask(bitmask),
            nonce,
        }),
    ))
}

type ValueParser = for<'a> fn(&'a [u8]) -> PResult<'a, AttributeValue>;

fn value_parser(id: AttributeId) -> Option<ValueParser> {
    Some(match id {
        AttributeId::ENCAPSULATED_PROTOCOL_ID => parse_encapsulated_protocol_id,
        AttributeId::STATUS_INFO => parse_status_info,
        AttributeId::CRYPTO_BINDING => parse_crypto_binding,
        AttributeId::CRYPTO_BINDING_REQ => parse_crypto_binding_request,
        _ => return None,
    })
}

/// Decodes one attribute's value, confined to its `value_len` bytes.
/// A known attribute at least as long as its layout is decoded (extra
/// bytes are left unread); anything else is kept raw.
fn parse_attribute_value(id: AttributeId, length: u16, i: &[u8]) -> PResult<'_, AttributeValue> {
    let value_len = usize::from(length).saturating_sub(ATTRIBUTE_HEADER_LEN);
    let fits = id.min_len().is_some_and(|min| length >= min);
    match value_parser(id) {
        Some(parser) if fits => map_parser(take(value_len), parser).parse(i),
        _ => take(value_len)
            .map(|raw: &[u8]| AttributeValue::Raw(raw.to_vec()))
            .parse(i),
    }
}

/// Reads the attribute list that fills a control message after its 8-byte
/// header ([MS-SSTP] §2.2.4). Reading stops at an attribute whose Length is
/// impossible; what was read is kept and the stop recorded.
fn parse_attributes(list: &[u8], anomalies: &mut Vec<Anomaly>) -> Vec<Attribute> {
    let mut attributes = Vec::new();
    let mut rest = list;
    while !rest.is_empty() {
        let offset = CONTROL_HEADER_LEN + (list.len() - rest.len());
        let header: PResult<'_, (u8, u8, u16)> = (be_u8, be_u8, be_u16).parse(rest);
        let Ok((after_header, (reserved, id, length_word))) = header else {
            anomalies.push(Anomaly::TrailingBytes {
                offset,
                count: rest.len(),
            });
            break;
        };
        let length = length_word & LENGTH_MASK;
        if usize::from(length) < ATTRIBUTE_HEADER_LEN {
            anomalies.push(Anomaly::AttributeLengthBelowHeader { offset, length });
            break;
        }
        if usize::from(length) > rest.len() {
            anomalies.push(Anomaly::AttributeOverrun {
                offset,
                length,
                available: rest.len(),
            });
            break;
        }
        let attribute_id = AttributeId(id);
        // The lengths were checked above, so this cannot fail; the match
        // keeps the loop total all the same.
        let Ok((next, value)) = parse_attribute_value(attribute_id, length, after_header) else {
            break;
        };
        attributes.push(Attribute {
            reserved,
            attribute_id,
            length_reserved: (length_word >> 12) as u8,
            length,
            value,
        });
        rest = next;
    }
    attributes
}

/// Anomalies of one attribute taken alone.
fn attribute_anomalies(attribute: &Attribute, out: &mut Vec<Anomaly>) {
    let id = attribute.attribute_id;
    if attribute.reserved != 0 {
        out.push(Anomaly::ReservedNonZero {
            field: "attribute Reserved",
            value: u32::from(attribute.reserved),
        });
    }
    if attribute.length_reserved != 0 {
        out.push(Anomaly::ReservedNonZero {
            field: "attribute Length reserved bits",
            value: u32::from(attribute.length_reserved),
        });
    }
    match (id.fixed_len(), id.min_len()) {
        (Some(expected), _) if attribute.length != expected => {
            out.push(Anomaly::AttributeLengthMismatch {
                attribute_id: id,
                expected,
                actual: attribute.length,
            });
        }
        (None, Some(minimum)) if attribute.length < minimum => {
            out.push(Anomaly::AttributeTooShort {
                attribute_id: id,
                minimum,
                actual: attribute.length,
            });
        }
        _ => {}
    }
    let reserved1 = |out: &mut Vec<Anomaly>, field: &'static str, value: u32| {
        if value != 0 {
            out.push(Anomaly::ReservedNonZero { field, value });
        }
    };
    match &attribute.value {
        AttributeValue::EncapsulatedProtocolId(e) => {
            if e.protocol_id != ProtocolId::PPP {
                out.push(Anomaly::ProtocolIdNotPpp(e.protocol_id.0));
            }
        }
        AttributeValue::StatusInfo(s) => reserved1(out, "Status Info Reserved", s.reserved1),
        AttributeValue::CryptoBindingRequest(r) => {
            reserved1(out, "Crypto Binding Request Reserved1", r.reserved1);
            let mask = r.hash_protocol_bitmask;
            if mask.protocols().is_empty() {
                out.push(Anomaly::NoHashProtocolOffered(mask.0));
            }
            if mask.unknown_bits() != 0 {
                out.push(Anomaly::UnknownHashProtocolBits(mask.unknown_bits()));
            }
        }
        AttributeValue::CryptoBinding(b) => {
            reserved1(out, "Crypto Binding Reserved1", b.reserved1);
            if b.protocol().is_none() {
                out.push(Anomaly::HashProtocolInvalid(b.hash_protocol));
            }
            for (field, padding) in [
                ("Cert Hash", b.cert_hash_padding()),
                ("Compound MAC", b.compound_mac_padding()),
            ] {
                if padding.iter().any(|&x| x != 0) {
                    out.push(Anomaly::NonZeroPadding {
                        field,
                        padding: padding.to_vec(),
                    });
                }
            }
        }
        AttributeValue::Raw(_) => {}
    }
}

/// Anomalies of the message as a whole: length, attribute count, which
/// attributes it carries.
fn message_anomalies(length: u16, message: &ControlMessage, out: &mut Vec<Anomaly>) {
    let t = message.message_type;
    let found = u16::try_from(message.attributes.len()).unwrap_or(u16::MAX);
    if found != message.num_attributes {
        out.push(Anomaly::AttributeCountMismatch {
            declared: message.num_attributes,
            found,
        });
    }
    let Some(rule) = t.attribute_rule() else {
        out.push(Anomaly::UnknownMessageType(t.0));
        return;
    };
    if let Some(expected) = t.fixed_len() {
        if length != expected {
            out.push(Anomaly::MessageLengthMismatch {
                message_type: t,
                expected,
                actual: length,
            });
        }
    }
    let mut allowed_count = 0u16;
    for attribute in &message.attributes {
        if Some(attribute.attribute_id) == rule.attribute_id {
            allowed_count = allowed_count.saturating_add(1);
        } else {
            out.push(Anomaly::UnexpectedAttribute {
                message_type: t,
                attribute_id: attribute.attribute_id,
            });
        }
    }
    if let Some(attribute_id) = rule.attribute_id {
        if allowed_count < rule.min {
            out.push(Anomaly::MissingAttribute {
                message_type: t,
                attribute_id,
            });
        }
        if allowed_count > rule.max {
            out.push(Anomaly::RepeatedAttribute {
                message_type: t,
                attribute_id,
                count: allowed_count,
            });
        }
    }
}

/// Decodes one SSTP packet ([MS-SSTP] §2.2). `buf` starts at the packet's
/// first byte; bytes past its Length are not looked at.
///
/// Errors: a buffer shorter than the header or than Length, a Version other
/// than 0x10, a Length below the header (4, or 8 for a control packet).
/// Everything else decodes, with anomalies recorded.
pub fn parse_packet(buf: &[u8]) -> Result<SstpPacket<'_>, WireError> {
    let view = Packet::new_unchecked(buf);
    if buf.len() < HEADER_LEN {
        return Err(WireError::Truncated {
            needed: HEADER_LEN,
            got: buf.len(),
        });
    }
    if view.version() != VERSION_1_0 {
        return Err(WireError::BadVersion(view.version()));
    }
    view.check_len()?;
    let header = view.header();
    let mut anomalies = Vec::new();
    if header.reserved != 0 {
        anomalies.push(Anomaly::ReservedNonZero {
            field: "header Reserved",
            value: u32::from(header.reserved),
        });
    }
    if header.length_reserved != 0 {
        anomalies.push(Anomaly::ReservedNonZero {
            field: "header Length reserved bits",
            value: u32::from(header.length_reserved),
        });
    }
    // check_len proved Length bytes are there; `get` keeps it total anyway.
    let payload = buf.get(HEADER_LEN..usize::from(header.length)).unwrap_or(&[]);
    if !header.control {
        return Ok(SstpPacket {
            header,
            body: PacketBody::Data { ppp_frame: payload },
            anomalies,
        });
    }
    let list = payload.get(CONTROL_HEADER_LEN - HEADER_LEN..).unwrap_or(&[]);
    let mut attribute_anomalies_found = Vec::new();
    let attributes = parse_attributes(list, &mut attribute_anomalies_found);
    for attribute in &attributes {
        attribute_anomalies(attribute, &mut attribute_anomalies_found);
    }
    let message = ControlMessage {
        message_type: view.message_type(),
        num_attributes: view.num_attributes(),
        attributes,
    };
    message_anomalies(header.length, &message, &mut anomalies);
    anomalies.extend(attribute_anomalies_found);
    Ok(SstpPacket {
        header,
        body: PacketBody::Control(message),
        anomalies,
    })
}

/// The 112 bytes of a Call Connected message as sent, for
/// [`crate::crypto::sstp::verify_compound_mac`], which reads the Compound
/// MAC from offset 80 and zeroes that field itself before computing the MAC
/// ([MS-SSTP] §3.2.5.2.4).
///
/// `packet` starts at the packet's first byte. `None` unless it is an SSTP
/// 1.0 control packet of Length 112 holding at least 112 bytes, of Message
/// Type Call Connected, whose first attribute is a Crypto Binding of Length
/// 104. Reserved bits are not checked: the MAC covers them as they are.
pub fn call_connected_for_mac(packet: &[u8]) -> Option<[u8; CALL_CONNECTED_LEN]> {
    let bytes: [u8; CALL_CONNECTED_LEN] = packet.get(..CALL_CONNECTED_LEN)?.try_into().ok()?;
    let view = Packet::new_unchecked(bytes.as_slice());
    let binding = AttributeId::CRYPTO_BINDING;
    let ok = view.version() == VERSION_1_0
        && view.is_control()
        && usize::from(view.packet_length()) == CALL_CONNECTED_LEN
        && view.message_type() == MessageType::CALL_CONNECTED
        && byte_at(&bytes, CALL_CONNECTED_ATTRIBUTE_ID) == binding.0
        && Some(be16_at(&bytes, CALL_CONNECTED_ATTRIBUTE_LENGTH) & LENGTH_MASK) == binding.fixed_len();
    ok.then_some(bytes)
}

/// Lower-case hex, the form reports use for nonces, hashes and MACs.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Writes `key` = number and `name_key` = name or null.
fn entry_coded<M: SerializeMap>(
    map: &mut M,
    key: &'static str,
    value: impl serde::Serialize,
    name_key: &'static str,
    name: Option<&'static str>,
) -> Result<(), M::Error> {
    map.serialize_entry(key, &value)?;
    map.serialize_entry(name_key, &name)
}

/// An attribute serialises as a flat map: `attribute_id`, `attribute` (the
/// spec's name or null), `reserved`, `length_reserved`, `length`, then the
/// value's fields:
/// * Encapsulated Protocol ID: `protocol_id`, `protocol`;
/// * Status Info: `reserved1`, `attrib_id`, `attrib`, `status_code`,
///   `status`, `attrib_value` (hex);
/// * Crypto Binding Request: `reserved1`, `hash_protocol_bitmask`,
///   `hash_protocols` (["SHA1", "SHA256"] as offered), `nonce` (hex);
/// * Crypto Binding: `reserved1`, `hash_protocol_code`, `hash_protocol`
///   ("SHA1", "SHA256" or null), `nonce`, `cert_hash`, `compound_mac` (hex;
///   hash and MAC without the SHA-1 padding, which a non-zero value turns
///   into an anomaly), `cert_hash_padding_is_zero`,
///   `compound_mac_padding_is_zero`;
/// * raw: `value` (hex).
impl serde::Serialize for Attribute {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let m = &mut map;
        entry_coded(
            m,
            "attribute_id",
            self.attribute_id.0,
            "attribute",
            self.attribute_id.name(),
        )?;
        m.serialize_entry("reserved", &self.reserved)?;
        m.serialize_entry("length_reserved", &self.length_reserved)?;
        m.serialize_entry("length", &self.length)?;
        match &self.value {
            AttributeValue::EncapsulatedProtocolId(e) => {
                entry_coded(
                    m,
                    "protocol_id",
                    e.protocol_id.0,
                    "protocol",
                    e.protocol_id.name(),
                )?;
            }
            AttributeValue::StatusInfo(s) => {
                m.serialize_entry("reserved1", &s.reserved1)?;
                entry_coded(m, "attrib_id", s.attrib_id.0, "attrib", s.attrib_id.name())?;
                entry_coded(m, "status_code", s.status.0, "status", s.status.name())?;
                m.serialize_entry("attrib_value", &hex(&s.attrib_value))?;
            }
            AttributeValue::CryptoBindingRequest(r) => {
                m.serialize_entry("reserved1", &r.reserved1)?;
                m.serialize_entry("hash_protocol_bitmask", &r.hash_protocol_bitmask.0)?;
                m.serialize_entry("hash_protocols", &r.hash_protocol_bitmask.names())?;
                m.serialize_entry("nonce", &hex(&r.nonce))?;
            }
            AttributeValue::CryptoBinding(b) => {
                m.serialize_entry("reserved1", &b.reserved1)?;
                entry_coded(
                    m,
                    "hash_protocol_code",
                    b.hash_protocol,
                    "hash_protocol",
                    b.protocol().map(hash_protocol_name),
                )?;
                m.serialize_entry("nonce", &hex(&b.nonce))?;
                m.serialize_entry("cert_hash", &hex(b.cert_hash_digest()))?;
                m.serialize_entry("compound_mac", &hex(b.compound_mac_digest()))?;
                let zero = |p: &[u8]| p.iter().all(|&x| x == 0);
                m.serialize_entry("cert_hash_padding_is_zero", &zero(b.cert_hash_padding()))?;
                m.serialize_entry("compound_mac_padding_is_zero", &zero(b.compound_mac_padding()))?;
            }
            AttributeValue::Raw(v) => {
                m.serialize_entry("value", &hex(v))?;
            }
        }
        map.end()
    }
}

/// The fields of a control message, in the order a report shows them.
fn control_entries<M: SerializeMap>(map: &mut M, c: &ControlMessage) -> Result<(), M::Error> {
    entry_coded(map, "type_code", c.message_type.0, "type", c.message_type.name())?;
    map.serialize_entry("num_attributes", &c.num_attributes)?;
    map.serialize_entry("attributes", &c.attributes)
}

/// A control message alone serialises as `type_code`, `type` (the spec's
/// name or null), `num_attributes` and `attributes`, the same entries an
/// [`SstpPacket`] carries after its header.
impl serde::Serialize for ControlMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        control_entries(&mut map, self)?;
        map.end()
    }
}

impl serde::Serialize for SstpPacket<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let h = &self.header;
        map.serialize_entry("version", &format!("{}.{}", h.version >> 4, h.version & 0x0F))?;
        map.serialize_entry("reserved", &h.reserved)?;
        map.serialize_entry("control", &h.control)?;
        map.serialize_entry("length_reserved", &h.length_reserved)?;
        map.serialize_entry("length", &h.length)?;
        match &self.body {
            PacketBody::Data { ppp_frame } => {
                map.serialize_entry("ppp_frame_length", &ppp_frame.len())?;
            }
            PacketBody::Control(c) => control_entries(&mut map, c)?,
        }
        map.serialize_entry("anomalies", &self.anomalies)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::mschapv2::tests::{hex as unhex, hex_array};
    use crate::crypto::sstp::{verify_compound_mac, CompoundMacCheck, Hlak};
    use crate::crypto::Secret;
    use serde_json::json;

    /// Builds packet bytes field by field, as the spec draws them.
    #[derive(Default, Clone)]
    struct B(Vec<u8>);

    impl B {
        fn u8(mut self, v: u8) -> Self {
            self.0.push(v);
            self
        }
        fn u16(mut self, v: u16) -> Self {
            self.0.extend_from_slice(&v.to_be_bytes());
            self
        }
        fn u24(mut self, v: u32) -> Self {
            self.0.extend_from_slice(&v.to_be_bytes()[1..]);
            self
        }
        fn u32(mut self, v: u32) -> Self {
            self.0.extend_from_slice(&v.to_be_bytes());
            self
        }
        fn bytes(mut self, v: &[u8]) -> Self {
            self.0.extend_from_slice(v);
            self
        }
    }

    /// An attribute with a correct Length around `value`.
    fn attribute(id: u8, value: B) -> B {
        let len = u16::try_from(ATTRIBUTE_HEADER_LEN + value.0.len()).unwrap();
        B::default().u8(0).u8(id).u16(len).bytes(&value.0)
    }

    /// A control packet of type `t` with a correct header around the
    /// attributes, Num Attributes = their count.
    fn control(t: u16, attributes: &[B]) -> Vec<u8> {
        let body: Vec<u8> = attributes.iter().flat_map(|a| a.0.clone()).collect();
        let len = u16::try_from(CONTROL_HEADER_LEN + body.len()).unwrap();
        let count = u16::try_from(attributes.len()).unwrap();
        B::default()
            .u8(0x10)
            .u8(0x01)
            .u16(len)
            .u16(t)
            .u16(count)
            .bytes(&body)
            .0
    }

    fn status_info(attrib_id: u8, status: u32, value: &[u8]) -> B {
        attribute(2, B::default().u24(0).u8(attrib_id).u32(status).bytes(value))
    }

    fn nonce(seed: u8) -> [u8; 32] {
        core::array::from_fn(|i| seed.wrapping_add(i as u8))
    }

    fn parse_control(bytes: &[u8]) -> (Header, ControlMessage, Vec<Anomaly>) {
        let packet = parse_packet(bytes).unwrap();
        let PacketBody::Control(message) = packet.body else {
            panic!("not a control packet");
        };
        (packet.header, message, packet.anomalies)
    }

    fn control_header(length: u16) -> Header {
        Header {
            version: 0x10,
            reserved: 0,
            control: true,
            length_reserved: 0,
            length,
        }
    }

    /// [MS-SSTP] §4.7, as reproduced in the protocol digest, protocols.md §4.7.
    const SPEC_CONNECT_REQUEST: &str = "10 01 00 0E 00 01 00 01 00 01 00 06 00 01";
    const SPEC_CONNECT_ACK: &str = "
        10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 02 41 2B 48 9A EB D7 EC C7 D0 89 66 F2 6B E7 CD 72
        B2 31 A0 E9 21 0D 7C 91 B3 08 86 2B 03 44 C4 35";
    const SPEC_NONCE: &str = "
        41 2B 48 9A EB D7 EC C7 D0 89 66 F2 6B E7 CD 72 B2 31 A0 E9 21 0D 7C 91 B3 08 86 2B 03 44 C4 35";
    const SPEC_CALL_CONNECTED_SHA256: &str = "
        10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 02
        41 2B 48 9A EB D7 EC C7 D0 89 66 F2 6B E7 CD 72
        B2 31 A0 E9 21 0D 7C 91 B3 08 86 2B 03 44 C4 35
        79 93 EF 31 4C 49 3D AC E9 F0 2D 60 E7 E6 1C 84
        B6 69 0A AF E9 D7 AE EA 92 CB BE 8A D5 99 42 2D
        52 A6 8E FD 8C FF BF 52 77 0B 8F 0F E8 EC 73 71
        65 83 AF 6D 61 1E B6 D1 79 B3 B2 08 40 98 54 49";
    const SPEC_HLAK_SHA256: &str =
        "2A 1B B4 0D 55 AB 0F 5E F3 2F 06 F2 B3 CC 73 C4 8F D3 FA C4 1D 7A 13 15 A1 92 28 D9 02 4C A1 64";
    /// The SHA-1 vector (the protocol digest, protocols.md §4.7, second vector).
    const SPEC_CALL_CONNECTED_SHA1: &str = "
        10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 01
        0F 1A 2D 58 D4 A3 E3 00 0F AD 3C E4 90 6E 07 B7
        07 AA 9E 44 1C CE AC 5C BD 7B 2C C1 C9 D8 6C DF
        58 26 B6 29 BD A5 9B 8E 6F D8 DC D2 62 2F D3 4C
        53 48 05 A5 00 00 00 00 00 00 00 00 00 00 00 00
        69 91 5D D5 83 D8 06 2F EF 16 F6 1D B2 F0 32 90
        EC 27 CB 6C 00 00 00 00 00 00 00 00 00 00 00 00";
    const SPEC_HLAK_SHA1: &str =
        "4B 31 28 F4 39 25 D9 00 6E EF B1 C4 E8 65 15 A1 D8 8E 56 BA B3 CA 2B DF 03 73 B7 F5 A8 A1 3B 19";

    // Decrypted TLS application data of ajbanjara_Wireshark__sstp2.pcap
    // (MANIFEST S1), read with tshark and the server's RSA key
    // (`-o 'uat:rsa_keys:"…vpn-server-legit.key.pem",""' -x`): the
    // reassembled SSTP packets of the frames named.
    /// Frame 127, client → server.
    const REAL_CONNECT_REQUEST: &str = "10 01 00 0e 00 01 00 01 00 01 00 06 00 01";
    /// Frame 128, server → client.
    const REAL_CONNECT_ACK: &str = "
        10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 02
        44 36 13 bf 51 6d 76 1e a8 10 79 26 3b 58 c4 bd
        5f e9 0c 80 57 7b 99 bf 2a fb 30 42 15 3f 0f 3c";
    /// Frame 148, client → server.
    const REAL_CALL_CONNECTED: &str = "
        10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 02
        44 36 13 bf 51 6d 76 1e a8 10 79 26 3b 58 c4 bd
        5f e9 0c 80 57 7b 99 bf 2a fb 30 42 15 3f 0f 3c
        1c e4 19 16 2d 5b ba e8 24 87 aa bf 89 45 dc 8a
        05 d5 82 49 2c 2f 33 4c 19 34 36 93 2e 63 7c 13
        fe bf a4 89 47 d0 d3 2d 92 02 43 43 3a 5e c6 1c
        36 a7 b2 5e 7e 0b 41 63 48 59 34 cf 98 2a 61 49";
    /// Frame 840, client → server.
    const REAL_CALL_DISCONNECT: &str = "10 01 00 14 00 06 00 01 00 02 00 0c 00 00 00 00 00 00 00 00";
    /// Frame 841, server → client.
    const REAL_CALL_DISCONNECT_ACK: &str = "10 01 00 08 00 07 00 00";
    /// The client's first data packet after Call Connect Request (LCP
    /// Configure-Request, same capture, client → server).
    const REAL_DATA_LCP: &str = "
        10 00 00 1d ff 03 c0 21 01 00 00 15 01 04 0f fb 05 06 7b 0c 3a e7 07 02 08 02 0d 03 06";

    #[test]
    fn view_deconstructs_every_header_field() {
        let bytes = unhex(SPEC_CONNECT_ACK);
        let view = Packet::new_checked(&bytes[..]).unwrap();
        assert_eq!(view.version(), 0x10);
        assert_eq!(view.reserved(), 0);
        assert!(view.is_control());
        assert_eq!(view.length_reserved(), 0);
        assert_eq!(view.packet_length(), 48);
        assert_eq!(view.payload(), &bytes[4..]);
        assert_eq!(view.message_type(), MessageType::CALL_CONNECT_ACK);
        assert_eq!(view.num_attributes(), 1);
        assert_eq!(view.header(), control_header(48));

        let odd = [0x10, 0xFE, 0xF0, 0x06, 0xAA, 0xBB, 0xCC];
        let view = Packet::new_checked(&odd[..]).unwrap();
        assert_eq!(view.reserved(), 0x7F);
        assert!(!view.is_control());
        assert_eq!(view.length_reserved(), 0x0F);
        assert_eq!(view.packet_length(), 6);
        assert_eq!(view.payload(), &[0xAA, 0xBB]);

        // Unchecked accessors on nothing read zeros instead of panicking.
        let empty = Packet::new_unchecked(&[][..]);
        assert_eq!(
            (empty.version(), empty.packet_length(), empty.num_attributes()),
            (0, 0, 0)
        );
        assert_eq!(empty.payload(), &[] as &[u8]);
    }

    #[test]
    fn view_check_len_rejects_impossible_lengths() {
        let check = |b: &[u8]| Packet::new_checked(b).map(|_| ());
        assert_eq!(
            check(&[0x10, 0x00, 0x00]),
            Err(WireError::Truncated { needed: 4, got: 3 })
        );
        assert_eq!(
            check(&[0x10, 0x00, 0x00, 0x03]),
            Err(WireError::LengthBelowHeader {
                length: 3,
                header_len: 4
            })
        );
        assert_eq!(
            check(&[0x10, 0x01, 0x00, 0x07, 0, 8, 0]),
            Err(WireError::LengthBelowHeader {
                length: 7,
                header_len: 8
            })
        );
        assert_eq!(
            check(&[0x10, 0x00, 0x00, 0x09, 1, 2, 3]),
            Err(WireError::Truncated { needed: 9, got: 7 })
        );
        assert_eq!(check(&[0x10, 0x00, 0x00, 0x04]), Ok(()));
        // Reserved length bits do not count towards Length.
        assert_eq!(check(&[0x10, 0x00, 0xF0, 0x04]), Ok(()));
    }

    #[test]
    fn parse_errors_are_values() {
        assert_eq!(parse_packet(&[]), Err(WireError::Truncated { needed: 4, got: 0 }));
        assert_eq!(
            parse_packet(&[0x20, 0x01, 0x00, 0x08, 0, 8, 0, 0]),
            Err(WireError::BadVersion(0x20))
        );
        assert_eq!(
            parse_packet(&[0x11, 0x00, 0x00, 0x04]),
            Err(WireError::BadVersion(0x11))
        );
        assert_eq!(
            parse_packet(&[0x10, 0x00, 0x00, 0x00]),
            Err(WireError::LengthBelowHeader {
                length: 0,
                header_len: 4
            })
        );
        assert_eq!(
            parse_packet(&[0x10, 0x01, 0x00, 0x06, 0x00, 0x08]),
            Err(WireError::LengthBelowHeader {
                length: 6,
                header_len: 8
            })
        );
        let ack = unhex(SPEC_CONNECT_ACK);
        assert_eq!(
            parse_packet(&ack[..47]),
            Err(WireError::Truncated { needed: 48, got: 47 })
        );
        assert_eq!(WireError::BadVersion(0x20).code(), "bad_version");
        assert_eq!(
            WireError::BadVersion(0x20).to_string(),
            "SSTP Version (offset 0) is 0x20, not 0x10 (1.0)"
        );
    }

    #[test]
    fn spec_call_connect_request() {
        let (header, message, anomalies) = parse_control(&unhex(SPEC_CONNECT_REQUEST));
        assert_eq!(header, control_header(14));
        assert_eq!(
            message,
            ControlMessage {
                message_type: MessageType::CALL_CONNECT_REQUEST,
                num_attributes: 1,
                attributes: vec![Attribute {
                    reserved: 0,
                    attribute_id: AttributeId::ENCAPSULATED_PROTOCOL_ID,
                    length_reserved: 0,
                    length: 6,
                    value: AttributeValue::EncapsulatedProtocolId(EncapsulatedProtocolId {
                        protocol_id: ProtocolId::PPP
                    }),
                }],
            }
        );
        assert_eq!(anomalies, []);
        assert_eq!(message.encapsulated_protocol_id(), Some(ProtocolId::PPP));
        assert_eq!(message.summary(), "protocol PPP");
    }

    #[test]
    fn spec_call_connect_ack() {
        let (header, message, anomalies) = parse_control(&unhex(SPEC_CONNECT_ACK));
        assert_eq!(header, control_header(48));
        let request = CryptoBindingRequest {
            reserved1: 0,
            hash_protocol_bitmask: HashProtocolBitmask(0x02),
            nonce: hex_array(SPEC_NONCE),
        };
        assert_eq!(
            message,
            ControlMessage {
                message_type: MessageType::CALL_CONNECT_ACK,
                num_attributes: 1,
                attributes: vec![Attribute {
                    reserved: 0,
                    attribute_id: AttributeId::CRYPTO_BINDING_REQ,
                    length_reserved: 0,
                    length: 40,
                    value: AttributeValue::CryptoBindingRequest(request),
                }],
            }
        );
        assert_eq!(anomalies, []);
        assert_eq!(message.crypto_binding_request(), Some(&request));
        assert_eq!(request.hash_protocol_bitmask.protocols(), [HashProtocol::Sha256]);
        assert!(!request.hash_protocol_bitmask.offers(HashProtocol::Sha1));
        assert_eq!(
            message.summary(),
            "offers SHA256, nonce 412b489aebd7ecc7d08966f26be7cd72b231a0e9210d7c91b308862b0344c435"
        );
    }

    #[test]
    fn spec_call_connected_sha256_and_its_mac() {
        let bytes = unhex(SPEC_CALL_CONNECTED_SHA256);
        let (header, message, anomalies) = parse_control(&bytes);
        assert_eq!(header, control_header(112));
        let binding = CryptoBinding {
            reserved1: 0,
            hash_protocol: 0x02,
            nonce: hex_array(SPEC_NONCE),
            cert_hash: hex_array("7993EF314C493DACE9F02D60E7E61C84B6690AAFE9D7AEEA92CBBE8AD599422D"),
            compound_mac: hex_array("52A68EFD8CFFBF52770B8F0FE8EC73716583AF6D611EB6D179B3B20840985449"),
        };
        assert_eq!(
            message,
            ControlMessage {
                message_type: MessageType::CALL_CONNECTED,
                num_attributes: 1,
                attributes: vec![Attribute {
                    reserved: 0,
                    attribute_id: AttributeId::CRYPTO_BINDING,
                    length_reserved: 0,
                    length: 104,
                    value: AttributeValue::CryptoBinding(binding),
                }],
            }
        );
        assert_eq!(anomalies, []);
        assert_eq!(binding.protocol(), Some(HashProtocol::Sha256));
        assert_eq!(binding.cert_hash_digest(), &binding.cert_hash[..]);
        assert_eq!(binding.compound_mac_digest(), &binding.compound_mac[..]);
        assert_eq!(binding.cert_hash_padding(), &[] as &[u8]);
        // The nonce echoes the Ack's.
        let (_, ack, _) = parse_control(&unhex(SPEC_CONNECT_ACK));
        assert_eq!(ack.crypto_binding_request().map(|r| r.nonce), Some(binding.nonce));

        let for_mac = call_connected_for_mac(&bytes).unwrap();
        assert_eq!(for_mac.to_vec(), bytes);
        let hlak: Hlak = Secret::new(hex_array(SPEC_HLAK_SHA256));
        let check: CompoundMacCheck = verify_compound_mac(&hlak, &for_mac).unwrap();
        assert!(check.matches);
        assert_eq!(check.expected.digest(), binding.compound_mac_digest());
    }

    #[test]
    fn spec_call_connected_sha1_padding() {
        let bytes = unhex(SPEC_CALL_CONNECTED_SHA1);
        let (_, message, anomalies) = parse_control(&bytes);
        assert_eq!(anomalies, []);
        let binding = *message.crypto_binding().unwrap();
        assert_eq!(binding.hash_protocol, 0x01);
        assert_eq!(binding.protocol(), Some(HashProtocol::Sha1));
        assert_eq!(
            binding.cert_hash_digest().to_vec(),
            unhex("5826B629BDA59B8E6FD8DCD2622FD34C534805A5")
        );
        assert_eq!(
            binding.compound_mac_digest().to_vec(),
            unhex("69915DD583D8062FEF16F61DB2F03290EC27CB6C")
        );
        assert_eq!(binding.cert_hash_padding(), &[0u8; 12]);
        assert_eq!(binding.compound_mac_padding(), &[0u8; 12]);
        let hlak: Hlak = Secret::new(hex_array(SPEC_HLAK_SHA1));
        let check = verify_compound_mac(&hlak, &call_connected_for_mac(&bytes).unwrap()).unwrap();
        assert_eq!((check.matches, check.padding_is_zero), (true, true));

        // Non-zero padding after the SHA-1 cert hash (offset 68) and MAC
        // (offset 111) is flagged, each with the padding bytes.
        let mut bad = bytes.clone();
        bad[68] = 0xAB;
        bad[111] = 0x01;
        let (_, _, anomalies) = parse_control(&bad);
        let mut cert_padding = vec![0u8; 12];
        cert_padding[0] = 0xAB;
        let mut mac_padding = vec![0u8; 12];
        mac_padding[11] = 0x01;
        assert_eq!(
            anomalies,
            [
                Anomaly::NonZeroPadding {
                    field: "Cert Hash",
                    padding: cert_padding
                },
                Anomaly::NonZeroPadding {
                    field: "Compound MAC",
                    padding: mac_padding
                },
            ]
        );
        assert_eq!(anomalies[0].code(), "non_zero_padding");
        assert_eq!(
            anomalies[0].describe(),
            "the 12 padding bytes after the SHA-1 Cert Hash are ab0000000000000000000000 rather \
             than zero ([MS-SSTP] §2.2.7)"
        );
        // The same bytes under SHA-256 are hash, not padding.
        bad[15] = 0x02;
        let (_, _, anomalies) = parse_control(&bad);
        assert_eq!(anomalies, []);
    }

    #[test]
    fn call_connected_for_mac_needs_a_real_call_connected() {
        let good = unhex(SPEC_CALL_CONNECTED_SHA256);
        // Trailing bytes after the packet are not part of it.
        let mut longer = good.clone();
        longer.extend_from_slice(&[0x10, 0x01]);
        assert_eq!(
            call_connected_for_mac(&longer).map(|b| b.to_vec()),
            Some(good.clone())
        );
        assert_eq!(call_connected_for_mac(&good[..111]), None);
        for (at, value) in [(0, 0x11), (1, 0x00), (3, 0x6F), (5, 0x03), (9, 0x04), (11, 0x64)] {
            let mut bad = good.clone();
            bad[at] = value;
            assert_eq!(call_connected_for_mac(&bad), None, "byte {at} = {value:#x}");
        }
        // Reserved bits are covered by the MAC as they are, not rejected.
        let mut reserved = good.clone();
        reserved[8] = 0x80;
        assert!(call_connected_for_mac(&reserved).is_some());
    }

    #[test]
    fn call_connect_nak_with_two_status_infos() {
        let bytes = control(3, &[status_info(1, 4, &[0x00, 0x02]), status_info(0, 0x0A, &[])]);
        assert_eq!(bytes.len(), 8 + 14 + 12);
        let (header, message, anomalies) = parse_control(&bytes);
        assert_eq!(header, control_header(34));
        assert_eq!(
            message,
            ControlMessage {
                message_type: MessageType::CALL_CONNECT_NAK,
                num_attributes: 2,
                attributes: vec![
                    Attribute {
                        reserved: 0,
                        attribute_id: AttributeId::STATUS_INFO,
                        length_reserved: 0,
                        length: 14,
                        value: AttributeValue::StatusInfo(StatusInfo {
                            reserved1: 0,
                            attrib_id: AttributeId::ENCAPSULATED_PROTOCOL_ID,
                            status: AttribStatus::VALUE_NOT_SUPPORTED,
                            attrib_value: vec![0x00, 0x02],
                        }),
                    },
                    Attribute {
                        reserved: 0,
                        attribute_id: AttributeId::STATUS_INFO,
                        length_reserved: 0,
                        length: 12,
                        value: AttributeValue::StatusInfo(StatusInfo {
                            reserved1: 0,
                            attrib_id: AttributeId::NO_ERROR,
                            status: AttribStatus::REQUIRED_ATTRIBUTE_MISSING,
                            attrib_value: vec![],
                        }),
                    },
                ],
            }
        );
        assert_eq!(anomalies, []);
        assert_eq!(message.status_infos().count(), 2);
        assert_eq!(
            message.summary(),
            "status ATTRIB_STATUS_VALUE_NOT_SUPPORTED about SSTP_ATTRIB_ENCAPSULATED_PROTOCOL_ID; \
             status ATTRIB_STATUS_REQUIRED_ATTRIBUTE_MISSING about SSTP_ATTRIB_NO_ERROR"
        );
        // A Nak must say why.
        let (_, _, anomalies) = parse_control(&control(3, &[]));
        assert_eq!(
            anomalies,
            [Anomaly::MissingAttribute {
                message_type: MessageType::CALL_CONNECT_NAK,
                attribute_id: AttributeId::STATUS_INFO
            }]
        );
    }

    #[test]
    fn abort_and_disconnect_with_and_without_status() {
        for t in [5u16, 6] {
            let bytes = control(t, &[status_info(0, 7, &[])]);
            assert_eq!(bytes.len(), 20);
            let (header, message, anomalies) = parse_control(&bytes);
            assert_eq!(header, control_header(20));
            assert_eq!(message.message_type, MessageType(t));
            assert_eq!(message.num_attributes, 1);
            assert_eq!(
                message.status_infos().cloned().collect::<Vec<_>>(),
                [StatusInfo {
                    reserved1: 0,
                    attrib_id: AttributeId::NO_ERROR,
                    status: AttribStatus::INVALID_FRAME_RECEIVED,
                    attrib_value: vec![],
                }]
            );
            assert_eq!(anomalies, []);
            // Without the attribute: allowed ("should").
            let (header, message, anomalies) = parse_control(&control(t, &[]));
            assert_eq!(header, control_header(8));
            assert_eq!((message.num_attributes, message.attributes.len()), (0, 0));
            assert_eq!(anomalies, []);
            // Two are too many.
            let two = control(t, &[status_info(0, 0, &[]), status_info(0, 0, &[])]);
            let (_, _, anomalies) = parse_control(&two);
            assert_eq!(
                anomalies,
                [Anomaly::RepeatedAttribute {
                    message_type: MessageType(t),
                    attribute_id: AttributeId::STATUS_INFO,
                    count: 2
                }]
            );
        }
    }

    #[test]
    fn attribute_free_messages() {
        for (t, name, title) in [
            (7u16, "SSTP_MSG_CALL_DISCONNECT_ACK", "Call Disconnect Ack"),
            (8, "SSTP_MSG_ECHO_REQUEST", "Echo Request"),
            (9, "SSTP_MSG_ECHO_RESPONSE", "Echo Response"),
        ] {
            let bytes = control(t, &[]);
            assert_eq!(bytes, [0x10, 0x01, 0x00, 0x08, 0x00, t as u8, 0x00, 0x00]);
            let (header, message, anomalies) = parse_control(&bytes);
            assert_eq!(header, control_header(8));
            assert_eq!(
                message,
                ControlMessage {
                    message_type: MessageType(t),
                    num_attributes: 0,
                    attributes: vec![],
                }
            );
            assert_eq!(anomalies, []);
            assert_eq!(message.message_type.name(), Some(name));
            assert_eq!(message.message_type.title(), Some(title));
            assert_eq!(message.summary(), "");
            // An attribute in them is unexpected and makes them too long.
            let (_, message, anomalies) = parse_control(&control(t, &[status_info(0, 0, &[])]));
            assert_eq!(message.attributes.len(), 1);
            assert_eq!(
                anomalies,
                [
                    Anomaly::MessageLengthMismatch {
                        message_type: MessageType(t),
                        expected: 8,
                        actual: 20
                    },
                    Anomaly::UnexpectedAttribute {
                        message_type: MessageType(t),
                        attribute_id: AttributeId::STATUS_INFO
                    },
                ]
            );
        }
    }

    #[test]
    fn every_message_type_and_attribute_name() {
        let names: Vec<_> = (0..=10).map(|t| MessageType(t).name()).collect();
        assert_eq!(
            names,
            [
                None,
                Some("SSTP_MSG_CALL_CONNECT_REQUEST"),
                Some("SSTP_MSG_CALL_CONNECT_ACK"),
                Some("SSTP_MSG_CALL_CONNECT_NAK"),
                Some("SSTP_MSG_CALL_CONNECTED"),
                Some("SSTP_MSG_CALL_ABORT"),
                Some("SSTP_MSG_CALL_DISCONNECT"),
                Some("SSTP_MSG_CALL_DISCONNECT_ACK"),
                Some("SSTP_MSG_ECHO_REQUEST"),
                Some("SSTP_MSG_ECHO_RESPONSE"),
                None,
            ]
        );
        let titles: Vec<_> = (1..=9).filter_map(|t| MessageType(t).title()).collect();
        assert_eq!(
            titles,
            [
                "Call Connect Request",
                "Call Connect Ack",
                "Call Connect Nak",
                "Call Connected",
                "Call Abort",
                "Call Disconnect",
                "Call Disconnect Ack",
                "Echo Request",
                "Echo Response"
            ]
        );
        let fixed: Vec<_> = (1..=9).map(|t| MessageType(t).fixed_len()).collect();
        assert_eq!(
            fixed,
            [
                Some(14),
                Some(48),
                None,
                Some(112),
                None,
                None,
                Some(8),
                Some(8),
                Some(8)
            ]
        );
        let attributes: Vec<_> = (0..=5)
            .map(|a| {
                (
                    AttributeId(a).name(),
                    AttributeId(a).fixed_len(),
                    AttributeId(a).min_len(),
                )
            })
            .collect();
        assert_eq!(
            attributes,
            [
                (Some("SSTP_ATTRIB_NO_ERROR"), None, None),
                (Some("SSTP_ATTRIB_ENCAPSULATED_PROTOCOL_ID"), Some(6), Some(6)),
                (Some("SSTP_ATTRIB_STATUS_INFO"), None, Some(12)),
                (Some("SSTP_ATTRIB_CRYPTO_BINDING"), Some(104), Some(104)),
                (Some("SSTP_ATTRIB_CRYPTO_BINDING_REQ"), Some(40), Some(40)),
                (None, None, None),
            ]
        );
        let statuses: Vec<_> = (0..=12).map(|s| AttribStatus(s).name()).collect();
        assert_eq!(
            statuses,
            [
                Some("ATTRIB_STATUS_NO_ERROR"),
                Some("ATTRIB_STATUS_DUPLICATE_ATTRIBUTE"),
                Some("ATTRIB_STATUS_UNRECOGNIZED_ATTRIBUTE"),
                Some("ATTRIB_STATUS_INVALID_ATTRIB_VALUE_LENGTH"),
                Some("ATTRIB_STATUS_VALUE_NOT_SUPPORTED"),
                Some("ATTRIB_STATUS_UNACCEPTED_FRAME_RECEIVED"),
                Some("ATTRIB_STATUS_RETRY_COUNT_EXCEEDED"),
                Some("ATTRIB_STATUS_INVALID_FRAME_RECEIVED"),
                Some("ATTRIB_STATUS_NEGOTIATION_TIMEOUT"),
                Some("ATTRIB_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG"),
                Some("ATTRIB_STATUS_REQUIRED_ATTRIBUTE_MISSING"),
                Some("ATTRIB_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG"),
                None,
            ]
        );
        assert_eq!(ProtocolId(1).name(), Some("SSTP_ENCAPSULATED_PROTOCOL_PPP"));
        assert_eq!(ProtocolId(2).name(), None);
        assert_eq!(HashProtocolBitmask(0x03).names(), ["SHA1", "SHA256"]);
        assert_eq!(HashProtocolBitmask(0x01).names(), ["SHA1"]);
        assert_eq!(HashProtocolBitmask(0xF4).names(), [] as [&str; 0]);
        assert_eq!(HashProtocolBitmask(0xF6).unknown_bits(), 0xF4);
    }

    #[test]
    fn data_packet_hands_over_the_ppp_frame() {
        let bytes = unhex(REAL_DATA_LCP);
        let packet = parse_packet(&bytes).unwrap();
        assert_eq!(
            packet.header,
            Header {
                version: 0x10,
                reserved: 0,
                control: false,
                length_reserved: 0,
                length: 29,
            }
        );
        assert_eq!(packet.ppp_frame(), Some(&bytes[4..]));
        assert_eq!(
            packet.ppp_frame().map(|f| &f[..4]),
            Some(&[0xff, 0x03, 0xc0, 0x21][..])
        );
        assert_eq!(packet.control(), None);
        assert_eq!(packet.anomalies, []);
        // Bytes past Length are not part of the frame.
        let mut longer = bytes.clone();
        longer.extend_from_slice(&[0xEE; 3]);
        assert_eq!(parse_packet(&longer).unwrap().ppp_frame(), Some(&bytes[4..]));
        // An empty data packet has an empty frame.
        let empty = parse_packet(&[0x10, 0x00, 0x00, 0x04]).unwrap();
        assert_eq!(empty.ppp_frame(), Some(&[][..]));
    }

    #[test]
    fn reserved_bits_are_flagged_everywhere() {
        let mut bytes = control(
            4,
            &[attribute(
                3,
                B::default()
                    .u24(0x00_0100)
                    .u8(2)
                    .bytes(&nonce(1))
                    .bytes(&nonce(2))
                    .bytes(&nonce(3)),
            )],
        );
        bytes[1] = 0x03; // a reserved bit next to C
        bytes[2] |= 0x10; // a reserved bit above Length
        bytes[8] = 0x05; // attribute Reserved
        bytes[10] |= 0x80; // attribute Length reserved bit
        let (header, message, anomalies) = parse_control(&bytes);
        assert_eq!(
            header,
            Header {
                version: 0x10,
                reserved: 1,
                control: true,
                length_reserved: 1,
                length: 112
            }
        );
        assert_eq!(message.attributes[0].length, 104);
        assert_eq!(message.attributes[0].length_reserved, 8);
        assert_eq!(
            anomalies,
            [
                Anomaly::ReservedNonZero {
                    field: "header Reserved",
                    value: 1
                },
                Anomaly::ReservedNonZero {
                    field: "header Length reserved bits",
                    value: 1
                },
                Anomaly::ReservedNonZero {
                    field: "attribute Reserved",
                    value: 5
                },
                Anomaly::ReservedNonZero {
                    field: "attribute Length reserved bits",
                    value: 8
                },
                Anomaly::ReservedNonZero {
                    field: "Crypto Binding Reserved1",
                    value: 0x100
                },
            ]
        );
        let mut status = control(6, &[status_info(0, 0, &[])]);
        status[12] = 0x01;
        let (_, _, anomalies) = parse_control(&status);
        assert_eq!(
            anomalies,
            [Anomaly::ReservedNonZero {
                field: "Status Info Reserved",
                value: 0x01_0000
            }]
        );
        let mut request = unhex(SPEC_CONNECT_ACK);
        request[14] = 0x02;
        let (_, _, anomalies) = parse_control(&request);
        assert_eq!(
            anomalies,
            [Anomaly::ReservedNonZero {
                field: "Crypto Binding Request Reserved1",
                value: 0x02
            }]
        );
    }

    #[test]
    fn attribute_lengths_are_checked() {
        // A Crypto Binding four bytes short: kept raw; and four bytes long:
        // decoded, extra ignored.
        let value = B::default()
            .u24(0)
            .u8(2)
            .bytes(&nonce(1))
            .bytes(&nonce(2))
            .bytes(&nonce(3));
        let short = B(value.0[..96].to_vec());
        let (_, message, anomalies) = parse_control(&control(4, &[attribute(3, short.clone())]));
        assert_eq!(message.attributes[0].value, AttributeValue::Raw(short.0));
        assert_eq!(message.crypto_binding(), None);
        assert_eq!(
            anomalies,
            [
                Anomaly::MessageLengthMismatch {
                    message_type: MessageType::CALL_CONNECTED,
                    expected: 112,
                    actual: 108
                },
                Anomaly::AttributeLengthMismatch {
                    attribute_id: AttributeId::CRYPTO_BINDING,
                    expected: 104,
                    actual: 100
                },
            ]
        );
        assert_eq!(
            anomalies[1].describe(),
            "SSTP_ATTRIB_CRYPTO_BINDING has Length 100, but [MS-SSTP] §2.2 makes it 104 bytes; its \
             value was not decoded"
        );
        let long = value.clone().u32(0xDEAD_BEEF);
        let (_, message, anomalies) = parse_control(&control(4, &[attribute(3, long)]));
        assert_eq!(
            message.crypto_binding(),
            Some(&CryptoBinding {
                reserved1: 0,
                hash_protocol: 2,
                nonce: nonce(1),
                cert_hash: nonce(2),
                compound_mac: nonce(3)
            })
        );
        assert_eq!(
            anomalies,
            [
                Anomaly::MessageLengthMismatch {
                    message_type: MessageType::CALL_CONNECTED,
                    expected: 112,
                    actual: 116
                },
                Anomaly::AttributeLengthMismatch {
                    attribute_id: AttributeId::CRYPTO_BINDING,
                    expected: 104,
                    actual: 108
                },
            ]
        );

        // Crypto Binding Request of 36 bytes, Encapsulated Protocol ID of 8.
        let (_, message, anomalies) = parse_control(&control(
            2,
            &[attribute(4, B::default().u24(0).u8(3).bytes(&[7; 28]))],
        ));
        assert_eq!(
            message.attributes[0].value,
            AttributeValue::Raw({
                let mut v = vec![0, 0, 0, 3];
                v.extend([7; 28]);
                v
            })
        );
        assert_eq!(
            anomalies,
            [
                Anomaly::MessageLengthMismatch {
                    message_type: MessageType::CALL_CONNECT_ACK,
                    expected: 48,
                    actual: 44
                },
                Anomaly::AttributeLengthMismatch {
                    attribute_id: AttributeId::CRYPTO_BINDING_REQ,
                    expected: 40,
                    actual: 36
                },
            ]
        );
        let (_, message, anomalies) = parse_control(&control(1, &[attribute(1, B::default().u16(1).u16(0))]));
        assert_eq!(message.encapsulated_protocol_id(), Some(ProtocolId::PPP));
        assert_eq!(
            anomalies,
            [
                Anomaly::MessageLengthMismatch {
                    message_type: MessageType::CALL_CONNECT_REQUEST,
                    expected: 14,
                    actual: 16
                },
                Anomaly::AttributeLengthMismatch {
                    attribute_id: AttributeId::ENCAPSULATED_PROTOCOL_ID,
                    expected: 6,
                    actual: 8
                },
            ]
        );

        // Status Info below its 12-byte layout.
        let (_, message, anomalies) = parse_control(&control(6, &[attribute(2, B::default().u32(0))]));
        assert_eq!(message.attributes[0].value, AttributeValue::Raw(vec![0; 4]));
        assert_eq!(
            anomalies,
            [Anomaly::AttributeTooShort {
                attribute_id: AttributeId::STATUS_INFO,
                minimum: 12,
                actual: 8
            }]
        );
    }

    #[test]
    fn broken_attribute_lists_stop_reading_without_panicking() {
        // Length 2: below the attribute header.
        let mut bytes = control(5, &[status_info(0, 0, &[])]);
        bytes[11] = 2;
        let (_, message, anomalies) = parse_control(&bytes);
        assert_eq!(message.attributes, []);
        assert_eq!(
            anomalies,
            [
                Anomaly::AttributeCountMismatch {
                    declared: 1,
                    found: 0
                },
                Anomaly::AttributeLengthBelowHeader { offset: 8, length: 2 },
            ]
        );
        // Length 13 with 12 bytes left: overrun.
        bytes[11] = 13;
        let (_, message, anomalies) = parse_control(&bytes);
        assert_eq!(message.attributes, []);
        assert_eq!(
            anomalies,
            [
                Anomaly::AttributeCountMismatch {
                    declared: 1,
                    found: 0
                },
                Anomaly::AttributeOverrun {
                    offset: 8,
                    length: 13,
                    available: 12
                },
            ]
        );
        // Three stray bytes after a good attribute.
        let mut bytes = control(1, &[attribute(1, B::default().u16(1))]);
        bytes.extend_from_slice(&[1, 2, 3]);
        bytes[3] = 17;
        let (_, message, anomalies) = parse_control(&bytes);
        assert_eq!(message.attributes.len(), 1);
        assert_eq!(
            anomalies,
            [
                Anomaly::MessageLengthMismatch {
                    message_type: MessageType::CALL_CONNECT_REQUEST,
                    expected: 14,
                    actual: 17
                },
                Anomaly::TrailingBytes { offset: 14, count: 3 },
            ]
        );
        // Num Attributes larger than what is there.
        let mut bytes = unhex(SPEC_CONNECT_REQUEST);
        bytes[7] = 3;
        let (_, _, anomalies) = parse_control(&bytes);
        assert_eq!(
            anomalies,
            [Anomaly::AttributeCountMismatch {
                declared: 3,
                found: 1
            }]
        );
    }

    #[test]
    fn unknown_attributes_and_message_types_are_data() {
        let bytes = control(
            1,
            &[
                attribute(9, B::default().bytes(&[0xAB, 0xCD, 0xEF])),
                attribute(1, B::default().u16(1)),
            ],
        );
        let (_, message, anomalies) = parse_control(&bytes);
        assert_eq!(
            message.attributes[0],
            Attribute {
                reserved: 0,
                attribute_id: AttributeId(9),
                length_reserved: 0,
                length: 7,
                value: AttributeValue::Raw(vec![0xAB, 0xCD, 0xEF]),
            }
        );
        assert_eq!(message.encapsulated_protocol_id(), Some(ProtocolId::PPP));
        assert_eq!(
            anomalies,
            [
                Anomaly::MessageLengthMismatch {
                    message_type: MessageType::CALL_CONNECT_REQUEST,
                    expected: 14,
                    actual: 21
                },
                Anomaly::UnexpectedAttribute {
                    message_type: MessageType::CALL_CONNECT_REQUEST,
                    attribute_id: AttributeId(9)
                },
            ]
        );
        assert_eq!(message.summary(), "attribute 9 (3 bytes); protocol PPP");

        let (_, message, anomalies) = parse_control(&control(0x0A, &[attribute(1, B::default().u16(1))]));
        assert_eq!(message.message_type, MessageType(10));
        assert_eq!(message.attributes.len(), 1);
        assert_eq!(anomalies, [Anomaly::UnknownMessageType(10)]);
        assert_eq!(
            anomalies[0].describe(),
            "Message Type 10 is not one of the nine [MS-SSTP] §2.2.3 defines; a peer aborts the call"
        );
    }

    #[test]
    fn attribute_value_rules() {
        // Not PPP.
        let (_, _, anomalies) = parse_control(&control(1, &[attribute(1, B::default().u16(2))]));
        assert_eq!(anomalies, [Anomaly::ProtocolIdNotPpp(2)]);
        // A bitmask offering nothing known, with undefined bits.
        let mut ack = unhex(SPEC_CONNECT_ACK);
        ack[15] = 0x0C;
        let (_, _, anomalies) = parse_control(&ack);
        assert_eq!(
            anomalies,
            [
                Anomaly::NoHashProtocolOffered(0x0C),
                Anomaly::UnknownHashProtocolBits(0x0C)
            ]
        );
        ack[15] = 0x03;
        let (_, message, anomalies) = parse_control(&ack);
        assert_eq!(anomalies, []);
        assert_eq!(
            message
                .crypto_binding_request()
                .map(|r| r.hash_protocol_bitmask.protocols()),
            Some(vec![HashProtocol::Sha1, HashProtocol::Sha256])
        );
        // A binding hash protocol with both bits.
        let mut connected = unhex(SPEC_CALL_CONNECTED_SHA256);
        connected[15] = 0x03;
        let (_, message, anomalies) = parse_control(&connected);
        assert_eq!(anomalies, [Anomaly::HashProtocolInvalid(0x03)]);
        let binding = message.crypto_binding().unwrap();
        assert_eq!(binding.protocol(), None);
        assert_eq!(binding.cert_hash_digest().len(), 32);
        // Missing and repeated attributes.
        let (_, _, anomalies) = parse_control(&control(2, &[]));
        assert_eq!(
            anomalies,
            [
                Anomaly::MessageLengthMismatch {
                    message_type: MessageType::CALL_CONNECT_ACK,
                    expected: 48,
                    actual: 8
                },
                Anomaly::MissingAttribute {
                    message_type: MessageType::CALL_CONNECT_ACK,
                    attribute_id: AttributeId::CRYPTO_BINDING_REQ
                },
            ]
        );
        let epid = attribute(1, B::default().u16(1));
        let (_, _, anomalies) = parse_control(&control(1, &[epid.clone(), epid]));
        assert_eq!(
            anomalies,
            [
                Anomaly::MessageLengthMismatch {
                    message_type: MessageType::CALL_CONNECT_REQUEST,
                    expected: 14,
                    actual: 20
                },
                Anomaly::RepeatedAttribute {
                    message_type: MessageType::CALL_CONNECT_REQUEST,
                    attribute_id: AttributeId::ENCAPSULATED_PROTOCOL_ID,
                    count: 2
                },
            ]
        );
    }

    #[test]
    fn every_anomaly_has_a_code_and_a_sentence() {
        let t = MessageType::CALL_CONNECTED;
        let a = AttributeId::CRYPTO_BINDING;
        let all = [
            Anomaly::ReservedNonZero { field: "x", value: 1 },
            Anomaly::UnknownMessageType(10),
            Anomaly::MessageLengthMismatch {
                message_type: t,
                expected: 112,
                actual: 100,
            },
            Anomaly::AttributeCountMismatch {
                declared: 1,
                found: 0,
            },
            Anomaly::AttributeLengthBelowHeader { offset: 8, length: 2 },
            Anomaly::AttributeOverrun {
                offset: 8,
                length: 9,
                available: 4,
            },
            Anomaly::TrailingBytes { offset: 8, count: 1 },
            Anomaly::AttributeLengthMismatch {
                attribute_id: a,
                expected: 104,
                actual: 108,
            },
            Anomaly::AttributeTooShort {
                attribute_id: AttributeId::STATUS_INFO,
                minimum: 12,
                actual: 8,
            },
            Anomaly::UnexpectedAttribute {
                message_type: t,
                attribute_id: AttributeId(77),
            },
            Anomaly::MissingAttribute {
                message_type: MessageType(99),
                attribute_id: a,
            },
            Anomaly::RepeatedAttribute {
                message_type: t,
                attribute_id: a,
                count: 2,
            },
            Anomaly::ProtocolIdNotPpp(2),
            Anomaly::HashProtocolInvalid(0),
            Anomaly::NoHashProtocolOffered(0),
            Anomaly::UnknownHashProtocolBits(4),
            Anomaly::NonZeroPadding {
                field: "Compound MAC",
                padding: vec![1],
            },
        ];
        let codes: Vec<_> = all.iter().map(Anomaly::code).collect();
        assert_eq!(
            codes,
            [
                "reserved_non_zero",
                "unknown_message_type",
                "message_length_mismatch",
                "attribute_count_mismatch",
                "attribute_length_below_header",
                "attribute_overrun",
                "trailing_bytes",
                "attribute_length_mismatch",
                "attribute_too_short",
                "unexpected_attribute",
                "missing_attribute",
                "repeated_attribute",
                "protocol_id_not_ppp",
                "hash_protocol_invalid",
                "no_hash_protocol_offered",
                "unknown_hash_protocol_bits",
                "non_zero_padding",
            ]
        );
        assert_eq!(
            all[9].describe(),
            "SSTP_MSG_CALL_CONNECTED carries attribute 77, which [MS-SSTP] §2.2 does not allow in it"
        );
        assert_eq!(
            all[10].describe(),
            "message type 99 lacks SSTP_ATTRIB_CRYPTO_BINDING, which [MS-SSTP] §2.2 requires in it"
        );
        assert_eq!(
            all[7].describe(),
            "SSTP_ATTRIB_CRYPTO_BINDING has Length 108, but [MS-SSTP] §2.2 makes it 104 bytes; the \
             extra bytes were ignored"
        );
    }

    #[test]
    fn serialises_flat_with_snake_case_fields() {
        let bytes = unhex(SPEC_CALL_CONNECTED_SHA1);
        let value = serde_json::to_value(parse_packet(&bytes).unwrap()).unwrap();
        assert_eq!(
            value,
            json!({
                "version": "1.0",
                "reserved": 0,
                "control": true,
                "length_reserved": 0,
                "length": 112,
                "type_code": 4,
                "type": "SSTP_MSG_CALL_CONNECTED",
                "num_attributes": 1,
                "attributes": [{
                    "attribute_id": 3,
                    "attribute": "SSTP_ATTRIB_CRYPTO_BINDING",
                    "reserved": 0,
                    "length_reserved": 0,
                    "length": 104,
                    "reserved1": 0,
                    "hash_protocol_code": 1,
                    "hash_protocol": "SHA1",
                    "nonce": "0f1a2d58d4a3e3000fad3ce4906e07b707aa9e441cceac5cbd7b2cc1c9d86cdf",
                    "cert_hash": "5826b629bda59b8e6fd8dcd2622fd34c534805a5",
                    "compound_mac": "69915dd583d8062fef16f61db2f03290ec27cb6c",
                    "cert_hash_padding_is_zero": true,
                    "compound_mac_padding_is_zero": true,
                }],
                "anomalies": [],
            })
        );
        let value = serde_json::to_value(parse_packet(&unhex(SPEC_CONNECT_ACK)).unwrap()).unwrap();
        assert_eq!(
            value["attributes"][0],
            json!({
                "attribute_id": 4,
                "attribute": "SSTP_ATTRIB_CRYPTO_BINDING_REQ",
                "reserved": 0,
                "length_reserved": 0,
                "length": 40,
                "reserved1": 0,
                "hash_protocol_bitmask": 2,
                "hash_protocols": ["SHA256"],
                "nonce": "412b489aebd7ecc7d08966f26be7cd72b231a0e9210d7c91b308862b0344c435",
            })
        );
        let nak = control(
            3,
            &[
                status_info(1, 4, &[0x00, 0x02]),
                attribute(200, B::default().u8(9)),
            ],
        );
        let value = serde_json::to_value(parse_packet(&nak).unwrap()).unwrap();
        assert_eq!(
            value["attributes"],
            json!([
                {
                    "attribute_id": 2,
                    "attribute": "SSTP_ATTRIB_STATUS_INFO",
                    "reserved": 0,
                    "length_reserved": 0,
                    "length": 14,
                    "reserved1": 0,
                    "attrib_id": 1,
                    "attrib": "SSTP_ATTRIB_ENCAPSULATED_PROTOCOL_ID",
                    "status_code": 4,
                    "status": "ATTRIB_STATUS_VALUE_NOT_SUPPORTED",
                    "attrib_value": "0002",
                },
                {
                    "attribute_id": 200,
                    "attribute": null,
                    "reserved": 0,
                    "length_reserved": 0,
                    "length": 5,
                    "value": "09",
                },
            ])
        );
        assert_eq!(
            value["anomalies"],
            json!([{
                "code": "unexpected_attribute",
                "detail": "SSTP_MSG_CALL_CONNECT_NAK carries attribute 200, which [MS-SSTP] §2.2 \
                           does not allow in it",
            }])
        );
        let (_, message, _) = parse_control(&unhex(REAL_CALL_DISCONNECT_ACK));
        assert_eq!(
            serde_json::to_value(&message).unwrap(),
            json!({
                "type_code": 7,
                "type": "SSTP_MSG_CALL_DISCONNECT_ACK",
                "num_attributes": 0,
                "attributes": [],
            })
        );
        let value = serde_json::to_value(parse_packet(&unhex(SPEC_CONNECT_REQUEST)).unwrap()).unwrap();
        assert_eq!(value["attributes"][0]["protocol_id"], json!(1));
        assert_eq!(
            value["attributes"][0]["protocol"],
            json!("SSTP_ENCAPSULATED_PROTOCOL_PPP")
        );
        let value = serde_json::to_value(parse_packet(&unhex(REAL_DATA_LCP)).unwrap()).unwrap();
        assert_eq!(
            value,
            json!({
                "version": "1.0",
                "reserved": 0,
                "control": false,
                "length_reserved": 0,
                "length": 29,
                "ppp_frame_length": 25,
                "anomalies": [],
            })
        );
    }

    #[test]
    fn real_windows_exchange_decodes_cleanly() {
        // Frame 127: Call Connect Request, identical to the spec's example.
        let request = unhex(REAL_CONNECT_REQUEST);
        assert_eq!(request, unhex(SPEC_CONNECT_REQUEST));
        let (_, message, anomalies) = parse_control(&request);
        assert_eq!(message.encapsulated_protocol_id(), Some(ProtocolId::PPP));
        assert_eq!(anomalies, []);

        // Frame 128: Call Connect Ack offering SHA256 only.
        let (header, ack, anomalies) = parse_control(&unhex(REAL_CONNECT_ACK));
        assert_eq!(header, control_header(48));
        assert_eq!(anomalies, []);
        let server_nonce: [u8; 32] =
            hex_array("443613bf516d761ea81079263b58c4bd5fe90c80577b99bf2afb3042153f0f3c");
        assert_eq!(
            ack,
            ControlMessage {
                message_type: MessageType::CALL_CONNECT_ACK,
                num_attributes: 1,
                attributes: vec![Attribute {
                    reserved: 0,
                    attribute_id: AttributeId::CRYPTO_BINDING_REQ,
                    length_reserved: 0,
                    length: 40,
                    value: AttributeValue::CryptoBindingRequest(CryptoBindingRequest {
                        reserved1: 0,
                        hash_protocol_bitmask: HashProtocolBitmask(0x02),
                        nonce: server_nonce,
                    }),
                }],
            }
        );

        // Frame 148: Call Connected with a SHA256 binding echoing the nonce.
        let bytes = unhex(REAL_CALL_CONNECTED);
        let (header, connected, anomalies) = parse_control(&bytes);
        assert_eq!(header, control_header(112));
        assert_eq!(anomalies, []);
        let binding = CryptoBinding {
            reserved1: 0,
            hash_protocol: 0x02,
            nonce: server_nonce,
            // SHA-256 of the server's DER certificate (checked in
            // crate::crypto's tests against the TLS handshake).
            cert_hash: hex_array("1ce419162d5bbae82487aabf8945dc8a05d582492c2f334c193436932e637c13"),
            compound_mac: hex_array("febfa48947d0d32d920243433a5ec61c36a7b25e7e0b4163485934cf982a6149"),
        };
        assert_eq!(
            connected,
            ControlMessage {
                message_type: MessageType::CALL_CONNECTED,
                num_attributes: 1,
                attributes: vec![Attribute {
                    reserved: 0,
                    attribute_id: AttributeId::CRYPTO_BINDING,
                    length_reserved: 0,
                    length: 104,
                    value: AttributeValue::CryptoBinding(binding),
                }],
            }
        );
        assert_eq!(binding.protocol(), Some(HashProtocol::Sha256));
        assert_eq!(
            connected.crypto_binding().map(|b| b.nonce),
            ack.crypto_binding_request().map(|r| r.nonce)
        );
        assert_eq!(
            call_connected_for_mac(&bytes).map(|b| b.to_vec()),
            Some(bytes.clone())
        );
        // The password is unknown, so the MAC cannot match a keyless HLAK.
        let check = verify_compound_mac(
            &crate::crypto::sstp::hlak_without_keys(),
            &hex_array(REAL_CALL_CONNECTED),
        );
        assert_eq!(
            check.map(|c| (c.protocol, c.matches)),
            Ok((HashProtocol::Sha256, false))
        );

        // Frames 840 and 841: Call Disconnect with a no-error Status Info,
        // and its Ack.
        let (header, disconnect, anomalies) = parse_control(&unhex(REAL_CALL_DISCONNECT));
        assert_eq!(header, control_header(20));
        assert_eq!(anomalies, []);
        assert_eq!(
            disconnect,
            ControlMessage {
                message_type: MessageType::CALL_DISCONNECT,
                num_attributes: 1,
                attributes: vec![Attribute {
                    reserved: 0,
                    attribute_id: AttributeId::STATUS_INFO,
                    length_reserved: 0,
                    length: 12,
                    value: AttributeValue::StatusInfo(StatusInfo {
                        reserved1: 0,
                        attrib_id: AttributeId::NO_ERROR,
                        status: AttribStatus::NO_ERROR,
                        attrib_value: vec![],
                    }),
                }],
            }
        );
        let (header, ack, anomalies) = parse_control(&unhex(REAL_CALL_DISCONNECT_ACK));
        assert_eq!(header, control_header(8));
        assert_eq!(anomalies, []);
        assert_eq!(
            ack,
            ControlMessage {
                message_type: MessageType::CALL_DISCONNECT_ACK,
                num_attributes: 0,
                attributes: vec![],
            }
        );
    }

    #[test]
    fn no_input_prefix_or_byte_flip_panics() {
        let mut samples = vec![
            unhex(SPEC_CALL_CONNECTED_SHA256),
            unhex(SPEC_CONNECT_ACK),
            control(3, &[status_info(1, 4, &[1, 2, 3])]),
        ];
        samples.push(unhex(REAL_DATA_LCP));
        for sample in &samples {
            for cut in 0..=sample.len() {
                let _ = parse_packet(&sample[..cut]);
                let _ = call_connected_for_mac(&sample[..cut]);
            }
            for at in 0..sample.len() {
                for value in [0x00, 0x01, 0x0F, 0x10, 0x7F, 0xFF] {
                    let mut flipped = sample.clone();
                    flipped[at] = value;
                    if let Ok(packet) = parse_packet(&flipped) {
                        let _ = serde_json::to_string(&packet).unwrap();
                        if let Some(c) = packet.control() {
                            let _ = c.summary();
                        }
                        for a in &packet.anomalies {
                            let _ = a.describe();
                        }
                    }
                }
            }
        }
    }
}
