//! Configuration options of LCP (RFC 1661 §6, RFC 1570, RFC 1990), IPCP
//! (RFC 1332 §3, RFC 1877 §1), IPV6CP (RFC 5072 §4) and CCP (RFC 1962 §4,
//! RFC 3078 §2) as typed values.
//!
//! Every option is Type(1) Length(1, whole option) Data. The list is read
//! with nom, each option confined to its own Length. A Length below 2 or
//! beyond the packet is an error; a known option whose Length does not fit
//! its type (an MRU of 3 bytes) is kept as `Malformed` so the rest of the
//! packet still counts.

use core::fmt;
use std::net::Ipv4Addr;

use nom::bytes::complete::take;
use nom::combinator::{all_consuming, map_parser, rest};
use nom::number::complete::be_u8;
use nom::Parser;
use serde::{Serialize, Serializer};

use super::frame::Protocol;
use super::{array, hex, Layer, PResult, Result, WireError};

/// Options decoded per packet; further options are counted, not kept, so a
/// 64 KiB packet of 2-byte options cannot allocate without bound.
pub const MAX_OPTIONS_PER_PACKET: usize = 64;

/// An option kept as its raw Type and Data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RawOption {
    #[serde(rename = "type")]
    pub kind: u8,
    #[serde(serialize_with = "ser_hex")]
    pub data: Vec<u8>,
}

fn ser_hex<S: Serializer>(data: &[u8], s: S) -> core::result::Result<S::Ok, S::Error> {
    s.serialize_str(&hex(data))
}

/// A configuration option of one control protocol.
pub trait ConfigOption: Sized + Clone + PartialEq + fmt::Display {
    /// Builds the typed option from its Type and Data (Length already
    /// checked against the packet).
    fn from_tlv(kind: u8, data: &[u8]) -> Self;
    /// The option's Type field.
    fn kind(&self) -> u8;
    /// Short name of the option type, for lists of rejected options.
    fn type_name(&self) -> String;
}

/// One option: Type and Data, the Length checked by the caller.
fn option_tlv(input: &[u8]) -> PResult<'_, (u8, &[u8])> {
    let (input, (kind, _length)) = (be_u8, be_u8).parse(input)?;
    let (input, data) = rest(input)?;
    Ok((input, (kind, data)))
}

/// Reads an option list that fills `data` exactly (RFC 1661 §6). `base` is
/// the offset of `data` in the packet, for error positions. Returns the
/// options and how many were not kept beyond [`MAX_OPTIONS_PER_PACKET`].
pub(crate) fn parse_options<O: ConfigOption>(data: &[u8], base: usize) -> Result<(Vec<O>, usize)> {
    let mut remaining = data;
    let mut options = Vec::new();
    let mut dropped = 0;
    while !remaining.is_empty() {
        let offset = base + (data.len() - remaining.len());
        let length = match remaining {
            [_, length, ..] => usize::from(*length),
            _ => {
                return Err(WireError::Truncated {
                    layer: Layer::ConfigurationOption,
                    offset,
                    needed: 2,
                    available: remaining.len(),
                })
            }
        };
        if length < 2 || length > remaining.len() {
            return Err(WireError::BadLength {
                layer: Layer::ConfigurationOption,
                offset: offset + 1,
                declared: length,
                minimum: 2,
                available: remaining.len(),
            });
        }
        let (after, (kind, body)) = map_parser(take(length), all_consuming(option_tlv))
            .parse(remaining)
            .map_err(|_: nom::Err<nom::error::Error<&[u8]>>| WireError::Invalid {
                layer: Layer::ConfigurationOption,
                offset,
                detail: "option does not fit its length",
            })?;
        if options.len() < MAX_OPTIONS_PER_PACKET {
            options.push(O::from_tlv(kind, body));
        } else {
            dropped += 1;
        }
        remaining = after;
    }
    Ok((options, dropped))
}

fn u16_of(data: &[u8]) -> Option<u16> {
    array::<2>(data).map(u16::from_be_bytes)
}

fn u32_of(data: &[u8]) -> Option<u32> {
    array::<4>(data).map(u32::from_be_bytes)
}

fn ipv4_of(data: &[u8]) -> Option<Ipv4Addr> {
    array::<4>(data).map(Ipv4Addr::from)
}

/// Which authentication an Authentication-Protocol option asks for
/// (RFC 1661 §6.2, RFC 1994 §3, RFC 2433, RFC 2759 §2, RFC 2284 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthMethod {
    /// PAP, `C0 23` (RFC 1334).
    Pap,
    /// CHAP with MD5, algorithm 5 (RFC 1994).
    ChapMd5,
    /// MS-CHAP version 1, algorithm 0x80 (RFC 2433).
    MsChap,
    /// MS-CHAP version 2, algorithm 0x81 (RFC 2759).
    MsChapV2,
    /// CHAP with another algorithm, or with none given.
    Chap(Option<u8>),
    /// EAP, `C2 27` (RFC 2284).
    Eap,
    /// Any other protocol number.
    Other(Protocol),
}

impl AuthMethod {
    /// CHAP Algorithm: MD5 (RFC 1994 §3).
    pub const CHAP_MD5: u8 = 0x05;
    /// CHAP Algorithm: MS-CHAP v1 (RFC 2433 §2).
    pub const CHAP_MS_CHAP: u8 = 0x80;
    /// CHAP Algorithm: MS-CHAP v2 (RFC 2759 §2).
    pub const CHAP_MS_CHAP_V2: u8 = 0x81;

    /// The method named by an Authentication-Protocol option's protocol
    /// and data.
    pub fn from_option(protocol: Protocol, data: &[u8]) -> Self {
        match protocol {
            Protocol::PAP => AuthMethod::Pap,
            Protocol::EAP => AuthMethod::Eap,
            Protocol::CHAP => match data.first().copied() {
                Some(Self::CHAP_MD5) => AuthMethod::ChapMd5,
                Some(Self::CHAP_MS_CHAP) => AuthMethod::MsChap,
                Some(Self::CHAP_MS_CHAP_V2) => AuthMethod::MsChapV2,
                other => AuthMethod::Chap(other),
            },
            other => AuthMethod::Other(other),
        }
    }

    /// The name the report contract allows ("PAP", "CHAP-MD5", "MS-CHAP",
    /// "MS-CHAPv2", "EAP"), or `None` for anything else.
    pub fn contract_name(self) -> Option<&'static str> {
        match self {
            AuthMethod::Pap => Some("PAP"),
            AuthMethod::ChapMd5 => Some("CHAP-MD5"),
            AuthMethod::MsChap => Some("MS-CHAP"),
            AuthMethod::MsChapV2 => Some("MS-CHAPv2"),
            AuthMethod::Eap => Some("EAP"),
            AuthMethod::Chap(_) | AuthMethod::Other(_) => None,
        }
    }
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.contract_name(), self) {
            (Some(name), _) => f.write_str(name),
            (None, AuthMethod::Chap(Some(alg))) => write!(f, "CHAP algorithm 0x{alg:02x}"),
            (None, AuthMethod::Chap(None)) => f.write_str("CHAP without algorithm"),
            (None, AuthMethod::Other(p)) => write!(f, "protocol {p}"),
            (None, _) => Ok(()),
        }
    }
}

impl Serialize for AuthMethod {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Operation of the Callback option (RFC 1570 §2.3; 6 from Microsoft).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallbackOperation(pub u8);

impl CallbackOperation {
    pub const BY_AUTHENTICATION: Self = Self(0);
    pub const DIALING_STRING: Self = Self(1);
    pub const LOCATION_IDENTIFIER: Self = Self(2);
    pub const E164_NUMBER: Self = Self(3);
    pub const DISTINGUISHED_NAME: Self = Self(4);
    /// The callback number is agreed later with CBCP (Microsoft).
    pub const CBCP: Self = Self(6);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "determined by authentication",
            1 => "dialing string",
            2 => "location identifier",
            3 => "E.164 number",
            4 => "distinguished name",
            6 => "determined during CBCP",
            _ => return None,
        })
    }
}

/// Class of an Endpoint-Discriminator (RFC 1990 §5.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EndpointClass(pub u8);

impl EndpointClass {
    pub const NULL: Self = Self(0);
    pub const LOCALLY_ASSIGNED: Self = Self(1);
    pub const IPV4: Self = Self(2);
    pub const IEEE_802_MAC: Self = Self(3);
    pub const MAGIC_NUMBER_BLOCK: Self = Self(4);
    pub const DIRECTORY_NUMBER: Self = Self(5);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "null",
            1 => "locally assigned",
            2 => "IPv4 address",
            3 => "IEEE 802.1 MAC address",
            4 => "PPP magic-number block",
            5 => "public network directory number",
            _ => return None,
        })
    }

    /// The address written the way the class reads it.
    pub fn format_address(self, address: &[u8]) -> String {
        match (self, address) {
            (Self::IPV4, [a, b, c, d]) => Ipv4Addr::new(*a, *b, *c, *d).to_string(),
            (Self::IEEE_802_MAC, [_, _, _, _, _, _]) => address
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":"),
            (Self::DIRECTORY_NUMBER, _) if address.iter().all(u8::is_ascii_graphic) => {
                String::from_utf8_lossy(address).into_owned()
            }
            _ => hex(address),
        }
    }
}

/// An LCP configuration option (RFC 1661 §6, RFC 1570, RFC 1990).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LcpOption {
    /// 1: the largest Information field the sender can receive.
    MaximumReceiveUnit(u16),
    /// 2: control characters the sender wants escaped (RFC 1662 §7.1).
    AsyncControlCharacterMap(u32),
    /// 3: the protocol the peer must authenticate with.
    AuthenticationProtocol { protocol: Protocol, data: Vec<u8> },
    /// 4: link quality monitoring the sender wants (0xC025 = LQR).
    QualityProtocol { protocol: Protocol, data: Vec<u8> },
    /// 5: the sender's loop-detection number.
    MagicNumber(u32),
    /// 7: the sender can receive one-byte Protocol fields.
    ProtocolFieldCompression,
    /// 8: the sender can receive frames without `FF 03`.
    AddressAndControlFieldCompression,
    /// 9: FCS alternatives (RFC 1570 §2.1).
    FcsAlternatives(u8),
    /// 10: Self-Describing-Padding maximum (RFC 1570 §2.2).
    SelfDescribingPadding(u8),
    /// 13: callback request (RFC 1570 §2.3).
    Callback {
        operation: CallbackOperation,
        message: Vec<u8>,
    },
    /// 15: Compound-Frames (RFC 1570 §2.5).
    CompoundFrames,
    /// 17: Multilink Maximum Received Reconstructed Unit (RFC 1990 §5.1.1).
    MultilinkMrru(u16),
    /// 18: Multilink short sequence numbers (RFC 1990 §5.1.2).
    MultilinkShortSequenceNumber,
    /// 19: Endpoint-Discriminator (RFC 1990 §5.1.3).
    EndpointDiscriminator { class: EndpointClass, address: Vec<u8> },
    /// 23: Link-Discriminator for BACP (RFC 2125).
    LinkDiscriminator(u16),
    /// An option type not listed above.
    Unknown(RawOption),
    /// A listed type whose Length does not fit it.
    Malformed(RawOption),
}

impl LcpOption {
    pub const MRU: u8 = 1;
    pub const ACCM: u8 = 2;
    pub const AUTHENTICATION_PROTOCOL: u8 = 3;
    pub const QUALITY_PROTOCOL: u8 = 4;
    pub const MAGIC_NUMBER: u8 = 5;
    pub const PFC: u8 = 7;
    pub const ACFC: u8 = 8;
    pub const FCS_ALTERNATIVES: u8 = 9;
    pub const SELF_DESCRIBING_PADDING: u8 = 10;
    pub const CALLBACK: u8 = 13;
    pub const COMPOUND_FRAMES: u8 = 15;
    pub const MRRU: u8 = 17;
    pub const SHORT_SEQUENCE_NUMBER: u8 = 18;
    pub const ENDPOINT_DISCRIMINATOR: u8 = 19;
    pub const LINK_DISCRIMINATOR: u8 = 23;

    /// The authentication method, for an Authentication-Protocol option.
    pub fn auth_method(&self) -> Option<AuthMethod> {
        match self {
            LcpOption::AuthenticationProtocol { protocol, data } => {
                Some(AuthMethod::from_option(*protocol, data))
            }
            _ => None,
        }
    }

    /// Name of an LCP option type.
    pub fn type_name_of(kind: u8) -> Option<&'static str> {
        Some(match kind {
            1 => "MRU",
            2 => "ACCM",
            3 => "Authentication-Protocol",
            4 => "Quality-Protocol",
            5 => "Magic-Number",
            7 => "PFC",
            8 => "ACFC",
            9 => "FCS-Alternatives",
            10 => "Self-Describing-Padding",
            13 => "Callback",
            15 => "Compound-Frames",
            17 => "MRRU",
            18 => "Short-Sequence-Number",
            19 => "Endpoint-Discriminator",
            23 => "Link-Discriminator",
            _ => return None,
        })
    }
}

fn named_type(name: Option<&'static str>, kind: u8) -> String {
    match name {
        Some(n) => n.to_string(),
        None => format!("option {kind}"),
    }
}

impl ConfigOption for LcpOption {
    fn from_tlv(kind: u8, data: &[u8]) -> Self {
        let raw = || RawOption {
            kind,
            data: data.to_vec(),
        };
        let parsed = match kind {
            Self::MRU => u16_of(data).map(LcpOption::MaximumReceiveUnit),
            Self::ACCM => u32_of(data).map(LcpOption::AsyncControlCharacterMap),
            Self::AUTHENTICATION_PROTOCOL => {
                data.split_first_chunk::<2>()
                    .map(|(p, rest)| LcpOption::AuthenticationProtocol {
                        protocol: Protocol(u16::from_be_bytes(*p)),
                        data: rest.to_vec(),
                    })
            }
            Self::QUALITY_PROTOCOL => {
                data.split_first_chunk::<2>()
                    .map(|(p, rest)| LcpOption::QualityProtocol {
                        protocol: Protocol(u16::from_be_bytes(*p)),
                        data: rest.to_vec(),
                    })
            }
            Self::MAGIC_NUMBER => u32_of(data).map(LcpOption::MagicNumber),
            Self::PFC => data.is_empty().then_some(LcpOption::ProtocolFieldCompression),
            Self::ACFC => data
                .is_empty()
                .then_some(LcpOption::AddressAndControlFieldCompression),
            Self::FCS_ALTERNATIVES => array::<1>(data).map(|[v]| LcpOption::FcsAlternatives(v)),
            Self::SELF_DESCRIBING_PADDING => array::<1>(data).map(|[v]| LcpOption::SelfDescribingPadding(v)),
            Self::CALLBACK => data.split_first().map(|(op, message)| LcpOption::Callback {
                operation: CallbackOperation(*op),
                message: message.to_vec(),
            }),
            Self::COMPOUND_FRAMES => data.is_empty().then_some(LcpOption::CompoundFrames),
            Self::MRRU => u16_of(data).map(LcpOption::MultilinkMrru),
            Self::SHORT_SEQUENCE_NUMBER => data.is_empty().then_some(LcpOption::MultilinkShortSequenceNumber),
            Self::ENDPOINT_DISCRIMINATOR => {
                data.split_first()
                    .map(|(class, address)| LcpOption::EndpointDiscriminator {
                        class: EndpointClass(*class),
                        address: address.to_vec(),
                    })
            }
            Self::LINK_DISCRIMINATOR => u16_of(data).map(LcpOption::LinkDiscriminator),
            _ => return LcpOption::Unknown(raw()),
        };
        parsed.unwrap_or_else(|| LcpOption::Malformed(raw()))
    }

    fn kind(&self) -> u8 {
        match self {
            LcpOption::MaximumReceiveUnit(_) => Self::MRU,
            LcpOption::AsyncControlCharacterMap(_) => Self::ACCM,
            LcpOption::AuthenticationProtocol { .. } => Self::AUTHENTICATION_PROTOCOL,
            LcpOption::QualityProtocol { .. } => Self::QUALITY_PROTOCOL,
            LcpOption::MagicNumber(_) => Self::MAGIC_NUMBER,
            LcpOption::ProtocolFieldCompression => Self::PFC,
            LcpOption::AddressAndControlFieldCompression => Self::ACFC,
            LcpOption::FcsAlternatives(_) => Self::FCS_ALTERNATIVES,
            LcpOption::SelfDescribingPadding(_) => Self::SELF_DESCRIBING_PADDING,
            LcpOption::Callback { .. } => Self::CALLBACK,
            LcpOption::CompoundFrames => Self::COMPOUND_FRAMES,
            LcpOption::MultilinkMrru(_) => Self::MRRU,
            LcpOption::MultilinkShortSequenceNumber => Self::SHORT_SEQUENCE_NUMBER,
            LcpOption::EndpointDiscriminator { .. } => Self::ENDPOINT_DISCRIMINATOR,
            LcpOption::LinkDiscriminator(_) => Self::LINK_DISCRIMINATOR,
            LcpOption::Unknown(raw) | LcpOption::Malformed(raw) => raw.kind,
        }
    }

    fn type_name(&self) -> String {
        named_type(Self::type_name_of(self.kind()), self.kind())
    }
}

impl fmt::Display for LcpOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LcpOption::MaximumReceiveUnit(mru) => write!(f, "MRU {mru}"),
            LcpOption::AsyncControlCharacterMap(map) => write!(f, "ACCM 0x{map:08x}"),
            LcpOption::AuthenticationProtocol { protocol, data } => {
                write!(f, "auth {}", AuthMethod::from_option(*protocol, data))
            }
            LcpOption::QualityProtocol { protocol, .. } => write!(f, "quality {protocol}"),
            LcpOption::MagicNumber(magic) => write!(f, "magic 0x{magic:08x}"),
            LcpOption::ProtocolFieldCompression => f.write_str("PFC"),
            LcpOption::AddressAndControlFieldCompression => f.write_str("ACFC"),
            LcpOption::FcsAlternatives(v) => write!(f, "FCS alternatives 0x{v:02x}"),
            LcpOption::SelfDescribingPadding(v) => write!(f, "self-describing padding {v}"),
            LcpOption::Callback { operation, .. } => match operation.name() {
                Some(name) => write!(f, "callback ({name})"),
                None => write!(f, "callback (operation {})", operation.0),
            },
            LcpOption::CompoundFrames => f.write_str("compound frames"),
            LcpOption::MultilinkMrru(mrru) => write!(f, "MRRU {mrru}"),
            LcpOption::MultilinkShortSequenceNumber => f.write_str("short sequence numbers"),
            LcpOption::EndpointDiscriminator { class, address } => write!(
                f,
                "endpoint discriminator ({} {})",
                class.name().unwrap_or("class"),
                class.format_address(address)
            ),
            LcpOption::LinkDiscriminator(v) => write!(f, "link discriminator {v}"),
            LcpOption::Unknown(raw) => write!(f, "option {} ({} bytes)", raw.kind, raw.data.len()),
            LcpOption::Malformed(raw) => {
                write!(
                    f,
                    "malformed {} ({} bytes)",
                    named_type(Self::type_name_of(raw.kind), raw.kind),
                    raw.data.len()
                )
            }
        }
    }
}

/// An IPCP configuration option (RFC 1332 §3, RFC 1877 §1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IpcpOption {
    /// 1: IP-Addresses, deprecated (RFC 1172): source and destination.
    IpAddresses {
        source: Ipv4Addr,
        destination: Ipv4Addr,
    },
    /// 2: IP-Compression-Protocol; for Van Jacobson (0x002D) the slot
    /// fields are decoded.
    IpCompressionProtocol {
        protocol: Protocol,
        max_slot_id: Option<u8>,
        comp_slot_id: Option<u8>,
        data: Vec<u8>,
    },
    /// 3: the sender's address; 0.0.0.0 asks the peer to assign one.
    IpAddress(Ipv4Addr),
    /// 129: primary DNS server (RFC 1877).
    PrimaryDns(Ipv4Addr),
    /// 130: primary NetBIOS name server (WINS) (RFC 1877).
    PrimaryNbns(Ipv4Addr),
    /// 131: secondary DNS server (RFC 1877).
    SecondaryDns(Ipv4Addr),
    /// 132: secondary NetBIOS name server (RFC 1877).
    SecondaryNbns(Ipv4Addr),
    Unknown(RawOption),
    Malformed(RawOption),
}

impl IpcpOption {
    pub const IP_ADDRESSES: u8 = 1;
    pub const IP_COMPRESSION_PROTOCOL: u8 = 2;
    pub const IP_ADDRESS: u8 = 3;
    pub const PRIMARY_DNS: u8 = 129;
    pub const PRIMARY_NBNS: u8 = 130;
    pub const SECONDARY_DNS: u8 = 131;
    pub const SECONDARY_NBNS: u8 = 132;

    pub fn type_name_of(kind: u8) -> Option<&'static str> {
        Some(match kind {
            1 => "IP-Addresses",
            2 => "IP-Compression-Protocol",
            3 => "IP-Address",
            129 => "Primary-DNS",
            130 => "Primary-NBNS",
            131 => "Secondary-DNS",
            132 => "Secondary-NBNS",
            _ => return None,
        })
    }
}

impl ConfigOption for IpcpOption {
    fn from_tlv(kind: u8, data: &[u8]) -> Self {
        let raw = || RawOption {
            kind,
            data: data.to_vec(),
        };
        let parsed = match kind {
            Self::IP_ADDRESSES => array::<8>(data).map(|a| IpcpOption::IpAddresses {
                source: Ipv4Addr::new(a[0], a[1], a[2], a[3]),
                destination: Ipv4Addr::new(a[4], a[5], a[6], a[7]),
            }),
            Self::IP_COMPRESSION_PROTOCOL => data.split_first_chunk::<2>().map(|(p, rest)| {
                let protocol = Protocol(u16::from_be_bytes(*p));
                let slots = if protocol == Protocol::VJ_COMPRESSED_TCP {
                    array::<2>(rest)
                } else {
                    None
                };
                IpcpOption::IpCompressionProtocol {
                    protocol,
                    max_slot_id: slots.map(|s| s[0]),
                    comp_slot_id: slots.map(|s| s[1]),
                    data: rest.to_vec(),
                }
            }),
            Self::IP_ADDRESS => ipv4_of(data).map(IpcpOption::IpAddress),
            Self::PRIMARY_DNS => ipv4_of(data).map(IpcpOption::PrimaryDns),
            Self::PRIMARY_NBNS => ipv4_of(data).map(IpcpOption::PrimaryNbns),
            Self::SECONDARY_DNS => ipv4_of(data).map(IpcpOption::SecondaryDns),
            Self::SECONDARY_NBNS => ipv4_of(data).map(IpcpOption::SecondaryNbns),
            _ => return IpcpOption::Unknown(raw()),
        };
        parsed.unwrap_or_else(|| IpcpOption::Malformed(raw()))
    }

    fn kind(&self) -> u8 {
        match self {
            IpcpOption::IpAddresses { .. } => Self::IP_ADDRESSES,
            IpcpOption::IpCompressionProtocol { .. } => Self::IP_COMPRESSION_PROTOCOL,
            IpcpOption::IpAddress(_) => Self::IP_ADDRESS,
            IpcpOption::PrimaryDns(_) => Self::PRIMARY_DNS,
            IpcpOption::PrimaryNbns(_) => Self::PRIMARY_NBNS,
            IpcpOption::SecondaryDns(_) => Self::SECONDARY_DNS,
            IpcpOption::SecondaryNbns(_) => Self::SECONDARY_NBNS,
            IpcpOption::Unknown(raw) | IpcpOption::Malformed(raw) => raw.kind,
        }
    }

    fn type_name(&self) -> String {
        named_type(Self::type_name_of(self.kind()), self.kind())
    }
}

impl fmt::Display for IpcpOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IpcpOption::IpAddresses { source, destination } => {
                write!(f, "IP-Addresses {source} {destination}")
            }
            IpcpOption::IpCompressionProtocol {
                protocol,
                max_slot_id: Some(max),
                comp_slot_id: Some(comp),
                ..
            } => {
                write!(
                    f,
                    "compression VJ (max slot {max}, compress slot id {comp}) {protocol}"
                )
            }
            IpcpOption::IpCompressionProtocol { protocol, .. } => write!(f, "compression {protocol}"),
            IpcpOption::IpAddress(a) => write!(f, "IP {a}"),
            IpcpOption::PrimaryDns(a) => write!(f, "DNS {a}"),
            IpcpOption::PrimaryNbns(a) => write!(f, "NBNS {a}"),
            IpcpOption::SecondaryDns(a) => write!(f, "DNS2 {a}"),
            IpcpOption::SecondaryNbns(a) => write!(f, "NBNS2 {a}"),
            IpcpOption::Unknown(raw) => write!(f, "option {} ({} bytes)", raw.kind, raw.data.len()),
            IpcpOption::Malformed(raw) => {
                write!(
                    f,
                    "malformed {} ({} bytes)",
                    named_type(Self::type_name_of(raw.kind), raw.kind),
                    raw.data.len()
                )
            }
        }
    }
}

/// An IPV6CP configuration option (RFC 5072 §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ipv6cpOption {
    /// 1: the sender's 64-bit interface identifier (RFC 5072 §4.1).
    InterfaceIdentifier([u8; 8]),
    /// 2: IPv6-Compression-Protocol (RFC 5072 §4.2).
    Ipv6CompressionProtocol {
        protocol: Protocol,
        data: Vec<u8>,
    },
    Unknown(RawOption),
    Malformed(RawOption),
}

impl Ipv6cpOption {
    pub const INTERFACE_IDENTIFIER: u8 = 1;
    pub const IPV6_COMPRESSION_PROTOCOL: u8 = 2;

    pub fn type_name_of(kind: u8) -> Option<&'static str> {
        Some(match kind {
            1 => "Interface-Identifier",
            2 => "IPv6-Compression-Protocol",
            _ => return None,
        })
    }

    /// An interface identifier written as the low half of an IPv6 address.
    pub fn format_interface_id(id: &[u8; 8]) -> String {
        let [a, b, c, d, e, f, g, h] = *id;
        [[a, b], [c, d], [e, f], [g, h]]
            .iter()
            .map(|pair| format!("{:x}", u16::from_be_bytes(*pair)))
            .collect::<Vec<_>>()
            .join(":")
    }
}

impl ConfigOption for Ipv6cpOption {
    fn from_tlv(kind: u8, data: &[u8]) -> Self {
        let raw = || RawOption {
            kind,
            data: data.to_vec(),
        };
        let parsed = match kind {
            Self::INTERFACE_IDENTIFIER => array::<8>(data).map(Ipv6cpOption::InterfaceIdentifier),
            Self::IPV6_COMPRESSION_PROTOCOL => {
                data.split_first_chunk::<2>()
                    .map(|(p, rest)| Ipv6cpOption::Ipv6CompressionProtocol {
                        protocol: Protocol(u16::from_be_bytes(*p)),
                        data: rest.to_vec(),
                    })
            }
            _ => return Ipv6cpOption::Unknown(raw()),
        };
        parsed.unwrap_or_else(|| Ipv6cpOption::Malformed(raw()))
    }

    fn kind(&self) -> u8 {
        match self {
            Ipv6cpOption::InterfaceIdentifier(_) => Self::INTERFACE_IDENTIFIER,
            Ipv6cpOption::Ipv6CompressionProtocol { .. } => Self::IPV6_COMPRESSION_PROTOCOL,
            Ipv6cpOption::Unknown(raw) | Ipv6cpOption::Malformed(raw) => raw.kind,
        }
    }

    fn type_name(&self) -> String {
        named_type(Self::type_name_of(self.kind()), self.kind())
    }
}

impl fmt::Display for Ipv6cpOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ipv6cpOption::InterfaceIdentifier(id) => {
                write!(f, "interface identifier {}", Self::format_interface_id(id))
            }
            Ipv6cpOption::Ipv6CompressionProtocol { protocol, .. } => write!(f, "compression {protocol}"),
            Ipv6cpOption::Unknown(raw) => write!(f, "option {} ({} bytes)", raw.kind, raw.data.len()),
            Ipv6cpOption::Malformed(raw) => {
                write!(
                    f,
                    "malformed {} ({} bytes)",
                    named_type(Self::type_name_of(raw.kind), raw.kind),
                    raw.data.len()
                )
            }
        }
    }
}

/// The Supported Bits of the Microsoft PPC/MPPE CCP option (RFC 3078 §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MppeBits(pub u32);

impl MppeBits {
    /// H: stateless mode, the key changes on every packet.
    pub const STATELESS: u32 = 0x0100_0000;
    /// M: 56-bit keys.
    pub const BITS_56: u32 = 0x0000_0080;
    /// S: 128-bit keys.
    pub const BITS_128: u32 = 0x0000_0040;
    /// L: 40-bit keys.
    pub const BITS_40: u32 = 0x0000_0020;
    /// D: obsolete; RFC 3078 says it should not be accepted.
    pub const OBSOLETE_D: u32 = 0x0000_0010;
    /// C: MPPC compression (RFC 2118), not part of MPPE.
    pub const MPPC: u32 = 0x0000_0001;
    const KNOWN: u32 =
        Self::STATELESS | Self::BITS_56 | Self::BITS_128 | Self::BITS_40 | Self::OBSOLETE_D | Self::MPPC;
    const LETTERS: [(u32, char); 6] = [
        (Self::STATELESS, 'H'),
        (Self::BITS_56, 'M'),
        (Self::BITS_128, 'S'),
        (Self::BITS_40, 'L'),
        (Self::OBSOLETE_D, 'D'),
        (Self::MPPC, 'C'),
    ];

    pub fn stateless(self) -> bool {
        self.0 & Self::STATELESS != 0
    }

    pub fn mppc(self) -> bool {
        self.0 & Self::MPPC != 0
    }

    pub fn obsolete_d(self) -> bool {
        self.0 & Self::OBSOLETE_D != 0
    }

    /// Key lengths offered, strongest first (S > M > L, RFC 3078 §2.1).
    pub fn key_lengths(self) -> Vec<u16> {
        [(Self::BITS_128, 128), (Self::BITS_56, 56), (Self::BITS_40, 40)]
            .into_iter()
            .filter(|(bit, _)| self.0 & bit != 0)
            .map(|(_, len)| len)
            .collect()
    }

    /// The strength bits only (S, M, L).
    pub fn strengths(self) -> u32 {
        self.0 & (Self::BITS_128 | Self::BITS_56 | Self::BITS_40)
    }

    /// Bits RFC 3078 does not define.
    pub fn unknown_bits(self) -> u32 {
        self.0 & !Self::KNOWN
    }

    /// The letters of the set bits, in RFC 3078 order ("H S").
    pub fn letters(self) -> String {
        Self::LETTERS
            .iter()
            .filter(|(bit, _)| self.0 & bit != 0)
            .map(|(_, c)| c.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Plain words: "stateless, 128-bit".
    pub fn describe(self) -> String {
        let mut parts = Vec::new();
        parts.push(if self.stateless() {
            "stateless".to_string()
        } else {
            "stateful".to_string()
        });
        let lengths = self.key_lengths();
        if lengths.is_empty() {
            parts.push("no key length".to_string());
        } else {
            parts.push(
                lengths
                    .iter()
                    .map(|l| format!("{l}-bit"))
                    .collect::<Vec<_>>()
                    .join("/"),
            );
        }
        if self.mppc() {
            parts.push("MPPC".to_string());
        }
        if self.obsolete_d() {
            parts.push("obsolete D".to_string());
        }
        parts.join(", ")
    }
}

impl fmt::Display for MppeBits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:08x}", self.0)
    }
}

/// CCP option types (RFC 1962 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CcpOptionType(pub u8);

impl CcpOptionType {
    pub const OUI: Self = Self(0);
    pub const PREDICTOR_1: Self = Self(1);
    pub const PREDICTOR_2: Self = Self(2);
    pub const PUDDLE_JUMPER: Self = Self(3);
    pub const HP_PPC: Self = Self(16);
    pub const STAC_LZS: Self = Self(17);
    pub const MPPE: Self = Self(18);
    pub const GANDALF_FZA: Self = Self(19);
    pub const V42BIS: Self = Self(20);
    pub const BSD_LZW: Self = Self(21);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "OUI",
            1 => "Predictor type 1",
            2 => "Predictor type 2",
            3 => "Puddle Jumper",
            16 => "Hewlett-Packard PPC",
            17 => "Stac LZS",
            18 => "Microsoft PPC/MPPE",
            19 => "Gandalf FZA",
            20 => "V.42bis",
            21 => "BSD LZW",
            _ => return None,
        })
    }
}

/// A CCP configuration option (RFC 1962 §4). Only MPPE (type 18, RFC 3078
/// §2.1) is decoded; other algorithms are kept raw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CcpOption {
    Mppe(MppeBits),
    Unknown(RawOption),
    Malformed(RawOption),
}

impl CcpOption {
    pub const MPPE: u8 = 18;

    pub fn mppe(&self) -> Option<MppeBits> {
        match self {
            CcpOption::Mppe(bits) => Some(*bits),
            _ => None,
        }
    }
}

impl ConfigOption for CcpOption {
    fn from_tlv(kind: u8, data: &[u8]) -> Self {
        let raw = || RawOption {
            kind,
            data: data.to_vec(),
        };
        match kind {
            Self::MPPE => u32_of(data)
                .map(|v| CcpOption::Mppe(MppeBits(v)))
                .unwrap_or_else(|| CcpOption::Malformed(raw())),
            _ => CcpOption::Unknown(raw()),
        }
    }

    fn kind(&self) -> u8 {
        match self {
            CcpOption::Mppe(_) => Self::MPPE,
            CcpOption::Unknown(raw) | CcpOption::Malformed(raw) => raw.kind,
        }
    }

    fn type_name(&self) -> String {
        match self {
            CcpOption::Mppe(_) => "MPPE".to_string(),
            other => named_type(CcpOptionType(other.kind()).name(), other.kind()),
        }
    }
}

impl fmt::Display for CcpOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CcpOption::Mppe(bits) => write!(f, "MPPE {bits} ({})", bits.describe()),
            CcpOption::Unknown(raw) => match CcpOptionType(raw.kind).name() {
                Some(name) => write!(f, "{name} ({} bytes)", raw.data.len()),
                None => write!(f, "option {} ({} bytes)", raw.kind, raw.data.len()),
            },
            CcpOption::Malformed(raw) => {
                write!(f, "malformed option {} ({} bytes)", raw.kind, raw.data.len())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts<O: ConfigOption>(bytes: &[u8]) -> Vec<O> {
        let (options, dropped) = parse_options::<O>(bytes, 4).unwrap();
        assert_eq!(dropped, 0);
        options
    }

    #[test]
    fn every_lcp_option_type() {
        let bytes = [
            0x01, 0x04, 0x05, 0x78, // MRU 1400
            0x02, 0x06, 0x00, 0x0a, 0x00, 0x00, // ACCM
            0x03, 0x05, 0xC2, 0x23, 0x81, // CHAP MS-CHAPv2
            0x04, 0x08, 0xC0, 0x25, 0x00, 0x00, 0x0b, 0xb8, // LQR, period 3000
            0x05, 0x06, 0x0c, 0x6f, 0x35, 0x48, // magic
            0x07, 0x02, // PFC
            0x08, 0x02, // ACFC
            0x09, 0x03, 0x02, // FCS alternatives
            0x0a, 0x03, 0x08, // SDP
            0x0d, 0x03, 0x06, // callback CBCP
            0x0f, 0x02, // compound frames
            0x11, 0x04, 0x06, 0x4e, // MRRU 1614
            0x12, 0x02, // SSN
            0x13, 0x07, 0x02, 10, 0, 0, 1, // endpoint IPv4
            0x17, 0x04, 0x00, 0x05, // link discriminator
            0x63, 0x03, 0xaa, // unknown 99
            0x01, 0x03, 0x05, // malformed MRU
        ];
        let o: Vec<LcpOption> = opts(&bytes);
        assert_eq!(
            o,
            vec![
                LcpOption::MaximumReceiveUnit(1400),
                LcpOption::AsyncControlCharacterMap(0x000a_0000),
                LcpOption::AuthenticationProtocol {
                    protocol: Protocol::CHAP,
                    data: vec![0x81]
                },
                LcpOption::QualityProtocol {
                    protocol: Protocol::LQR,
                    data: vec![0, 0, 0x0b, 0xb8]
                },
                LcpOption::MagicNumber(0x0c6f_3548),
                LcpOption::ProtocolFieldCompression,
                LcpOption::AddressAndControlFieldCompression,
                LcpOption::FcsAlternatives(2),
                LcpOption::SelfDescribingPadding(8),
                LcpOption::Callback {
                    operation: CallbackOperation::CBCP,
                    message: vec![]
                },
                LcpOption::CompoundFrames,
                LcpOption::MultilinkMrru(1614),
                LcpOption::MultilinkShortSequenceNumber,
                LcpOption::EndpointDiscriminator {
                    class: EndpointClass::IPV4,
                    address: vec![10, 0, 0, 1]
                },
                LcpOption::LinkDiscriminator(5),
                LcpOption::Unknown(RawOption {
                    kind: 99,
                    data: vec![0xaa]
                }),
                LcpOption::Malformed(RawOption {
                    kind: 1,
                    data: vec![0x05]
                }),
            ]
        );
        let shown: Vec<String> = o.iter().map(|x| x.to_string()).collect();
        assert_eq!(
            shown,
            [
                "MRU 1400",
                "ACCM 0x000a0000",
                "auth MS-CHAPv2",
                "quality LQR (0xc025)",
                "magic 0x0c6f3548",
                "PFC",
                "ACFC",
                "FCS alternatives 0x02",
                "self-describing padding 8",
                "callback (determined during CBCP)",
                "compound frames",
                "MRRU 1614",
                "short sequence numbers",
                "endpoint discriminator (IPv4 address 10.0.0.1)",
                "link discriminator 5",
                "option 99 (1 bytes)",
                "malformed MRU (1 bytes)",
            ]
        );
        let kinds: Vec<u8> = o.iter().map(ConfigOption::kind).collect();
        assert_eq!(kinds, [1, 2, 3, 4, 5, 7, 8, 9, 10, 13, 15, 17, 18, 19, 23, 99, 1]);
        assert_eq!(o[2].type_name(), "Authentication-Protocol");
        assert_eq!(o[15].type_name(), "option 99");
    }

    #[test]
    fn authentication_methods() {
        let m = |p: u16, d: &[u8]| AuthMethod::from_option(Protocol(p), d);
        assert_eq!(m(0xC023, &[]), AuthMethod::Pap);
        assert_eq!(m(0xC223, &[5]), AuthMethod::ChapMd5);
        assert_eq!(m(0xC223, &[0x80]), AuthMethod::MsChap);
        assert_eq!(m(0xC223, &[0x81]), AuthMethod::MsChapV2);
        assert_eq!(m(0xC223, &[6]), AuthMethod::Chap(Some(6)));
        assert_eq!(m(0xC223, &[]), AuthMethod::Chap(None));
        assert_eq!(m(0xC227, &[]), AuthMethod::Eap);
        assert_eq!(m(0xC027, &[]), AuthMethod::Other(Protocol(0xC027)));
        assert_eq!(AuthMethod::MsChapV2.contract_name(), Some("MS-CHAPv2"));
        assert_eq!(AuthMethod::Chap(Some(6)).contract_name(), None);
        assert_eq!(AuthMethod::Chap(Some(6)).to_string(), "CHAP algorithm 0x06");
        assert_eq!(AuthMethod::Other(Protocol(0xC027)).to_string(), "protocol 0xc027");
        assert_eq!(
            serde_json::to_string(&AuthMethod::ChapMd5).unwrap(),
            "\"CHAP-MD5\""
        );
    }

    #[test]
    fn endpoint_addresses_by_class() {
        assert_eq!(
            EndpointClass::IEEE_802_MAC.format_address(&[0, 0x11, 0x22, 0x33, 0x44, 0x55]),
            "00:11:22:33:44:55"
        );
        assert_eq!(
            EndpointClass::LOCALLY_ASSIGNED.format_address(&[0xde, 0xad]),
            "dead"
        );
        assert_eq!(
            EndpointClass::DIRECTORY_NUMBER.format_address(b"5551234"),
            "5551234"
        );
        assert_eq!(EndpointClass(9).name(), None);
    }

    #[test]
    fn every_ipcp_option_type() {
        let bytes = [
            0x01, 0x0a, 10, 0, 0, 1, 10, 0, 0, 2, // IP-Addresses
            0x02, 0x06, 0x00, 0x2d, 0x0f, 0x01, // VJ
            0x03, 0x06, 172, 27, 200, 10, // IP
            0x81, 0x06, 172, 27, 0, 1, // DNS
            0x82, 0x06, 172, 27, 0, 2, // NBNS
            0x83, 0x06, 172, 27, 0, 3, // DNS2
            0x84, 0x06, 172, 27, 0, 4, // NBNS2
            0x02, 0x04, 0x00, 0x61, // other compression
            0x90, 0x02, // unknown
            0x03, 0x04, 1, 2, // malformed address
        ];
        let o: Vec<IpcpOption> = opts(&bytes);
        assert_eq!(
            o,
            vec![
                IpcpOption::IpAddresses {
                    source: Ipv4Addr::new(10, 0, 0, 1),
                    destination: Ipv4Addr::new(10, 0, 0, 2)
                },
                IpcpOption::IpCompressionProtocol {
                    protocol: Protocol::VJ_COMPRESSED_TCP,
                    max_slot_id: Some(15),
                    comp_slot_id: Some(1),
                    data: vec![15, 1],
                },
                IpcpOption::IpAddress(Ipv4Addr::new(172, 27, 200, 10)),
                IpcpOption::PrimaryDns(Ipv4Addr::new(172, 27, 0, 1)),
                IpcpOption::PrimaryNbns(Ipv4Addr::new(172, 27, 0, 2)),
                IpcpOption::SecondaryDns(Ipv4Addr::new(172, 27, 0, 3)),
                IpcpOption::SecondaryNbns(Ipv4Addr::new(172, 27, 0, 4)),
                IpcpOption::IpCompressionProtocol {
                    protocol: Protocol(0x0061),
                    max_slot_id: None,
                    comp_slot_id: None,
                    data: vec![],
                },
                IpcpOption::Unknown(RawOption {
                    kind: 0x90,
                    data: vec![]
                }),
                IpcpOption::Malformed(RawOption {
                    kind: 3,
                    data: vec![1, 2]
                }),
            ]
        );
        let shown: Vec<String> = o.iter().map(|x| x.to_string()).collect();
        assert_eq!(
            shown,
            [
                "IP-Addresses 10.0.0.1 10.0.0.2",
                "compression VJ (max slot 15, compress slot id 1) VJ-C (0x002d)",
                "IP 172.27.200.10",
                "DNS 172.27.0.1",
                "NBNS 172.27.0.2",
                "DNS2 172.27.0.3",
                "NBNS2 172.27.0.4",
                "compression 0x0061",
                "option 144 (0 bytes)",
                "malformed IP-Address (2 bytes)",
            ]
        );
        assert_eq!(o[3].type_name(), "Primary-DNS");
    }

    #[test]
    fn ipv6cp_options() {
        let bytes = [
            0x01, 0x0a, 0xdc, 0x15, 0x15, 0x9b, 0x59, 0x57, 0xc9, 0x6d, 0x02, 0x04, 0x00, 0x4f, 0x01, 0x03,
            0x00,
        ];
        let o: Vec<Ipv6cpOption> = opts(&bytes);
        assert_eq!(
            o,
            vec![
                Ipv6cpOption::InterfaceIdentifier([0xdc, 0x15, 0x15, 0x9b, 0x59, 0x57, 0xc9, 0x6d]),
                Ipv6cpOption::Ipv6CompressionProtocol {
                    protocol: Protocol(0x004f),
                    data: vec![]
                },
                Ipv6cpOption::Malformed(RawOption {
                    kind: 1,
                    data: vec![0]
                }),
            ]
        );
        assert_eq!(o[0].to_string(), "interface identifier dc15:159b:5957:c96d");
    }

    #[test]
    fn ccp_mppe_bits() {
        let bytes = [
            0x12, 0x06, 0x01, 0x00, 0x00, 0x60, 0x11, 0x05, 0x00, 0x01, 0x03, 0x12, 0x05, 0, 0, 0,
        ];
        let o: Vec<CcpOption> = opts(&bytes);
        assert_eq!(
            o,
            vec![
                CcpOption::Mppe(MppeBits(0x0100_0060)),
                CcpOption::Unknown(RawOption {
                    kind: 17,
                    data: vec![0, 1, 3]
                }),
                CcpOption::Malformed(RawOption {
                    kind: 18,
                    data: vec![0, 0, 0]
                }),
            ]
        );
        assert_eq!(o[0].to_string(), "MPPE 0x01000060 (stateless, 128-bit/40-bit)");
        assert_eq!(o[1].to_string(), "Stac LZS (3 bytes)");
        assert_eq!(o[1].type_name(), "Stac LZS");
        let b = MppeBits(0x0100_0040);
        assert!(b.stateless());
        assert!(!b.mppc());
        assert!(!b.obsolete_d());
        assert_eq!(b.key_lengths(), vec![128]);
        assert_eq!(b.letters(), "H S");
        assert_eq!(b.strengths(), 0x40);
        assert_eq!(b.unknown_bits(), 0);
        let all = MppeBits(0x0100_00F1 | 0x0200_0000);
        assert_eq!(all.letters(), "H M S L D C");
        assert_eq!(all.key_lengths(), vec![128, 56, 40]);
        assert_eq!(all.unknown_bits(), 0x0200_0000);
        assert_eq!(
            all.describe(),
            "stateless, 128-bit/56-bit/40-bit, MPPC, obsolete D"
        );
        assert_eq!(MppeBits(0x01).describe(), "stateful, no key length, MPPC");
    }

    #[test]
    fn bad_option_lengths_are_errors() {
        assert_eq!(
            parse_options::<LcpOption>(&[0x01, 0x01, 0x00], 4),
            Err(WireError::BadLength {
                layer: Layer::ConfigurationOption,
                offset: 5,
                declared: 1,
                minimum: 2,
                available: 3
            })
        );
        assert_eq!(
            parse_options::<LcpOption>(&[0x05, 0x06, 0x00], 4),
            Err(WireError::BadLength {
                layer: Layer::ConfigurationOption,
                offset: 5,
                declared: 6,
                minimum: 2,
                available: 3
            })
        );
        assert_eq!(
            parse_options::<LcpOption>(&[0x07, 0x02, 0x08], 4),
            Err(WireError::Truncated {
                layer: Layer::ConfigurationOption,
                offset: 6,
                needed: 2,
                available: 1
            })
        );
        assert_eq!(parse_options::<LcpOption>(&[], 4), Ok((vec![], 0)));
    }

    #[test]
    fn option_count_is_bounded() {
        let bytes: Vec<u8> = core::iter::repeat_n([0x07u8, 0x02], MAX_OPTIONS_PER_PACKET + 3)
            .flatten()
            .collect();
        let (options, dropped) = parse_options::<LcpOption>(&bytes, 0).unwrap();
        assert_eq!(options.len(), MAX_OPTIONS_PER_PACKET);
        assert_eq!(dropped, 3);
    }
}
