//! The packet layout LCP, IPCP, IPV6CP and CCP share (RFC 1661 §5):
//! Code(1) Identifier(1) Length(2) Data, where Length counts from Code to
//! the end of Data and anything after it is padding (RFC 1661 §5).
//!
//! Two faces: [`ControlPacket`], a zero-copy view over the header checked
//! once; and [`ControlRepr`], the decoded packet with typed options, made by
//! [`parse_lcp`], [`parse_ipcp`], [`parse_ipv6cp`] and [`parse_ccp`].

use core::fmt;

use nom::bytes::complete::take;
use nom::combinator::{all_consuming, map_parser, rest};
use nom::number::complete::{be_u16, be_u32};
use nom::Parser;
use serde::Serialize;

use super::frame::Protocol;
use super::options::{parse_options, CcpOption, ConfigOption, IpcpOption, Ipv6cpOption, LcpOption};
use super::{Layer, PResult, Result, WireError};

mod field {
    pub type Field = core::ops::Range<usize>;
    pub const CODE: usize = 0;
    pub const IDENTIFIER: usize = 1;
    pub const LENGTH: Field = 2..4;
    pub const HEADER_LEN: usize = 4;
}

/// Size of Code, Identifier and Length.
pub const HEADER_LEN: usize = field::HEADER_LEN;

/// A zero-copy view of a control packet. After [`ControlPacket::new_checked`]
/// the accessors cannot fail.
#[derive(Debug, Clone, Copy)]
pub struct ControlPacket<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> ControlPacket<T> {
    /// Wraps bytes without checking them; accessors return defaults on a
    /// short buffer.
    pub fn new_unchecked(buffer: T) -> Self {
        ControlPacket { buffer }
    }

    /// Wraps bytes after [`ControlPacket::check_len`].
    pub fn new_checked(buffer: T) -> Result<Self> {
        let packet = Self::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    /// The header must be there and Length must cover the header without
    /// reaching past the buffer (RFC 1661 §5: a packet whose Length exceeds
    /// what was received is discarded).
    pub fn check_len(&self) -> Result<()> {
        self.check_len_as(Layer::ControlPacket)
    }

    /// [`ControlPacket::check_len`] for the protocols that borrow this
    /// header (PAP, CHAP, EAP, CBCP), naming them in the error.
    pub fn check_len_as(&self, layer: Layer) -> Result<()> {
        let data = self.buffer.as_ref();
        if data.len() < field::HEADER_LEN {
            return Err(WireError::Truncated {
                layer,
                offset: 0,
                needed: field::HEADER_LEN,
                available: data.len(),
            });
        }
        let length = usize::from(self.length());
        if length < field::HEADER_LEN || length > data.len() {
            return Err(WireError::BadLength {
                layer,
                offset: field::LENGTH.start,
                declared: length,
                minimum: field::HEADER_LEN,
                available: data.len(),
            });
        }
        Ok(())
    }

    pub fn code(&self) -> Code {
        Code(self.buffer.as_ref().get(field::CODE).copied().unwrap_or(0))
    }

    /// Pairs replies with requests (RFC 1661 §5).
    pub fn identifier(&self) -> u8 {
        self.buffer.as_ref().get(field::IDENTIFIER).copied().unwrap_or(0)
    }

    pub fn length(&self) -> u16 {
        self.buffer
            .as_ref()
            .get(field::LENGTH)
            .and_then(|b| b.try_into().ok())
            .map(u16::from_be_bytes)
            .unwrap_or(0)
    }

    /// The Data field, cut to Length.
    pub fn data(&self) -> &[u8] {
        let end = usize::from(self.length());
        self.buffer.as_ref().get(field::HEADER_LEN..end).unwrap_or(&[])
    }

    /// Bytes after Length (padding, RFC 1661 §5).
    pub fn padding(&self) -> &[u8] {
        let end = usize::from(self.length());
        self.buffer.as_ref().get(end..).unwrap_or(&[])
    }
}

impl<'a> ControlPacket<&'a [u8]> {
    /// [`ControlPacket::data`] borrowing the underlying bytes rather than the
    /// view.
    pub fn data_bytes(&self) -> &'a [u8] {
        let end = usize::from(self.length());
        self.buffer.get(field::HEADER_LEN..end).unwrap_or(&[])
    }
}

/// The Code field (RFC 1661 §5; 12–13 from RFC 1570; 14–15 from RFC 1962
/// §3.1). Open: an unknown code is data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(pub u8);

impl Code {
    pub const CONFIGURE_REQUEST: Code = Code(1);
    pub const CONFIGURE_ACK: Code = Code(2);
    pub const CONFIGURE_NAK: Code = Code(3);
    pub const CONFIGURE_REJECT: Code = Code(4);
    pub const TERMINATE_REQUEST: Code = Code(5);
    pub const TERMINATE_ACK: Code = Code(6);
    pub const CODE_REJECT: Code = Code(7);
    /// LCP only.
    pub const PROTOCOL_REJECT: Code = Code(8);
    /// LCP only.
    pub const ECHO_REQUEST: Code = Code(9);
    /// LCP only.
    pub const ECHO_REPLY: Code = Code(10);
    /// LCP only.
    pub const DISCARD_REQUEST: Code = Code(11);
    /// LCP only (RFC 1570 §3.1).
    pub const IDENTIFICATION: Code = Code(12);
    /// LCP only (RFC 1570 §3.2).
    pub const TIME_REMAINING: Code = Code(13);
    /// CCP only (RFC 1962 §3.1).
    pub const RESET_REQUEST: Code = Code(14);
    /// CCP only (RFC 1962 §3.1).
    pub const RESET_ACK: Code = Code(15);

    /// The code's name as the RFCs write it.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "Configure-Request",
            2 => "Configure-Ack",
            3 => "Configure-Nak",
            4 => "Configure-Reject",
            5 => "Terminate-Request",
            6 => "Terminate-Ack",
            7 => "Code-Reject",
            8 => "Protocol-Reject",
            9 => "Echo-Request",
            10 => "Echo-Reply",
            11 => "Discard-Request",
            12 => "Identification",
            13 => "Time-Remaining",
            14 => "Reset-Request",
            15 => "Reset-Ack",
            _ => return None,
        })
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "code {}", self.0),
        }
    }
}

/// The four protocols that use this layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ControlFamily {
    Lcp,
    Ipcp,
    Ipv6cp,
    Ccp,
}

impl ControlFamily {
    pub fn protocol(self) -> Protocol {
        match self {
            ControlFamily::Lcp => Protocol::LCP,
            ControlFamily::Ipcp => Protocol::IPCP,
            ControlFamily::Ipv6cp => Protocol::IPV6CP,
            ControlFamily::Ccp => Protocol::CCP,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ControlFamily::Lcp => "LCP",
            ControlFamily::Ipcp => "IPCP",
            ControlFamily::Ipv6cp => "IPV6CP",
            ControlFamily::Ccp => "CCP",
        }
    }

    /// Whether the protocol defines `code` (RFC 1661 §5: NCPs use codes 1–7
    /// only; RFC 1962 adds 14–15 to CCP; RFC 1570 adds 12–13 to LCP).
    pub fn defines(self, code: Code) -> bool {
        match self {
            ControlFamily::Lcp => (1..=13).contains(&code.0),
            ControlFamily::Ipcp | ControlFamily::Ipv6cp => (1..=7).contains(&code.0),
            ControlFamily::Ccp => (1..=7).contains(&code.0) || code.0 == 14 || code.0 == 15,
        }
    }
}

/// The Data of a control packet, by Code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlBody<O> {
    /// The options the sender wants (RFC 1661 §5.1).
    ConfigureRequest(Vec<O>),
    /// Every option of the request, accepted as sent (RFC 1661 §5.2).
    ConfigureAck(Vec<O>),
    /// Options recognised but not acceptable, with values that would be
    /// (RFC 1661 §5.3).
    ConfigureNak(Vec<O>),
    /// Options not recognised or not negotiable (RFC 1661 §5.4).
    ConfigureReject(Vec<O>),
    /// Close the automaton; data is free text, often a reason (RFC 1661 §5.5).
    TerminateRequest(Vec<u8>),
    TerminateAck(Vec<u8>),
    /// The packet whose code was not understood (RFC 1661 §5.6).
    CodeReject(Vec<u8>),
    /// A protocol the sender does not run (RFC 1661 §5.7).
    ProtocolReject {
        rejected_protocol: Protocol,
        rejected_information: Vec<u8>,
    },
    /// Link keep-alive and loop check (RFC 1661 §5.8).
    EchoRequest {
        magic_number: u32,
        data: Vec<u8>,
    },
    EchoReply {
        magic_number: u32,
        data: Vec<u8>,
    },
    /// Silently discarded by the receiver (RFC 1661 §5.9).
    DiscardRequest {
        magic_number: u32,
        data: Vec<u8>,
    },
    /// Free-text identification of the sender (RFC 1570 §3.1).
    Identification {
        magic_number: u32,
        message: Vec<u8>,
    },
    /// Seconds left in this session (RFC 1570 §3.2).
    TimeRemaining {
        magic_number: u32,
        seconds_remaining: u32,
        message: Vec<u8>,
    },
    /// CCP: the decompressor lost sync, reset the history (RFC 1962 §3.1).
    ResetRequest(Vec<u8>),
    ResetAck(Vec<u8>),
    /// A code this protocol does not define.
    Unknown(Vec<u8>),
}

/// A decoded control packet (RFC 1661 §5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlRepr<O> {
    pub code: Code,
    pub identifier: u8,
    /// The Length field.
    pub length: u16,
    /// Bytes after Length.
    pub padding: usize,
    /// Options beyond `MAX_OPTIONS_PER_PACKET` that were not kept.
    pub options_dropped: usize,
    pub body: ControlBody<O>,
}

impl<O> ControlRepr<O> {
    /// The options of a Configure-* packet.
    pub fn options(&self) -> Option<&[O]> {
        match &self.body {
            ControlBody::ConfigureRequest(o)
            | ControlBody::ConfigureAck(o)
            | ControlBody::ConfigureNak(o)
            | ControlBody::ConfigureReject(o) => Some(o),
            _ => None,
        }
    }
}

pub type LcpPacket = ControlRepr<LcpOption>;
pub type IpcpPacket = ControlRepr<IpcpOption>;
pub type Ipv6cpPacket = ControlRepr<Ipv6cpOption>;
pub type CcpPacket = ControlRepr<CcpOption>;

/// Magic-Number(4) followed by the rest.
fn magic_and_rest(input: &[u8]) -> PResult<'_, (u32, &[u8])> {
    (be_u32, rest).parse(input)
}

fn time_remaining(input: &[u8]) -> PResult<'_, (u32, u32, &[u8])> {
    (be_u32, be_u32, rest).parse(input)
}

fn protocol_reject(input: &[u8]) -> PResult<'_, (u16, &[u8])> {
    (be_u16, rest).parse(input)
}

fn lcp_data_error(needed: usize, data: &[u8]) -> WireError {
    WireError::Truncated {
        layer: Layer::LcpData,
        offset: HEADER_LEN,
        needed,
        available: data.len(),
    }
}

/// Decodes one control packet of `family` from the Information field of a
/// PPP frame.
pub fn parse_control<O: ConfigOption>(family: ControlFamily, info: &[u8]) -> Result<ControlRepr<O>> {
    let packet = ControlPacket::new_checked(info)?;
    let code = packet.code();
    // Confine everything below to Length (RFC 1661 §5); padding is only counted.
    let length = usize::from(packet.length());
    let (_, (_, data)) = map_parser(take(length), (take(HEADER_LEN), rest))
        .parse(info)
        .map_err(|_: nom::Err<nom::error::Error<&[u8]>>| lcp_data_error(length, info))?;
    let mut options_dropped = 0;
    let mut options = || -> Result<Vec<O>> {
        let (list, dropped) = parse_options::<O>(data, HEADER_LEN)?;
        options_dropped = dropped;
        Ok(list)
    };
    let body = if !family.defines(code) {
        ControlBody::Unknown(data.to_vec())
    } else {
        match code {
            Code::CONFIGURE_REQUEST => ControlBody::ConfigureRequest(options()?),
            Code::CONFIGURE_ACK => ControlBody::ConfigureAck(options()?),
            Code::CONFIGURE_NAK => ControlBody::ConfigureNak(options()?),
            Code::CONFIGURE_REJECT => ControlBody::ConfigureReject(options()?),
            Code::TERMINATE_REQUEST => ControlBody::TerminateRequest(data.to_vec()),
            Code::TERMINATE_ACK => ControlBody::TerminateAck(data.to_vec()),
            Code::CODE_REJECT => ControlBody::CodeReject(data.to_vec()),
            Code::PROTOCOL_REJECT => {
                let (_, (protocol, information)) = all_consuming(protocol_reject)
                    .parse(data)
                    .map_err(|_| lcp_data_error(2, data))?;
                ControlBody::ProtocolReject {
                    rejected_protocol: Protocol(protocol),
                    rejected_information: information.to_vec(),
                }
            }
            Code::ECHO_REQUEST | Code::ECHO_REPLY | Code::DISCARD_REQUEST | Code::IDENTIFICATION => {
                let (_, (magic_number, rest)) = all_consuming(magic_and_rest)
                    .parse(data)
                    .map_err(|_| lcp_data_error(4, data))?;
                let rest = rest.to_vec();
                match code {
                    Code::ECHO_REQUEST => ControlBody::EchoRequest {
                        magic_number,
                        data: rest,
                    },
                    Code::ECHO_REPLY => ControlBody::EchoReply {
                        magic_number,
                        data: rest,
                    },
                    Code::DISCARD_REQUEST => ControlBody::DiscardRequest {
                        magic_number,
                        data: rest,
                    },
                    _ => ControlBody::Identification {
                        magic_number,
                        message: rest,
                    },
                }
            }
            Code::TIME_REMAINING => {
                let (_, (magic_number, seconds_remaining, message)) = all_consuming(time_remaining)
                    .parse(data)
                    .map_err(|_| lcp_data_error(8, data))?;
                ControlBody::TimeRemaining {
                    magic_number,
                    seconds_remaining,
                    message: message.to_vec(),
                }
            }
            Code::RESET_REQUEST => ControlBody::ResetRequest(data.to_vec()),
            Code::RESET_ACK => ControlBody::ResetAck(data.to_vec()),
            _ => ControlBody::Unknown(data.to_vec()),
        }
    };
    Ok(ControlRepr {
        code,
        identifier: packet.identifier(),
        length: packet.length(),
        padding: packet.padding().len(),
        options_dropped,
        body,
    })
}

/// An LCP packet (RFC 1661 §5, RFC 1570 §3).
pub fn parse_lcp(info: &[u8]) -> Result<LcpPacket> {
    parse_control(ControlFamily::Lcp, info)
}

/// An IPCP packet (RFC 1332 §2).
pub fn parse_ipcp(info: &[u8]) -> Result<IpcpPacket> {
    parse_control(ControlFamily::Ipcp, info)
}

/// An IPV6CP packet (RFC 5072 §3).
pub fn parse_ipv6cp(info: &[u8]) -> Result<Ipv6cpPacket> {
    parse_control(ControlFamily::Ipv6cp, info)
}

/// A CCP packet (RFC 1962 §3).
pub fn parse_ccp(info: &[u8]) -> Result<CcpPacket> {
    parse_control(ControlFamily::Ccp, info)
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::ppp::build;
    use crate::ppp::wire::options::MppeBits;

    #[test]
    fn view_deconstructs_header_data_and_padding() {
        let bytes = [0x09, 0x07, 0x00, 0x08, 0xaa, 0x47, 0x11, 0x06, 0x00, 0x00];
        let p = ControlPacket::new_checked(&bytes[..]).unwrap();
        assert_eq!(p.code(), Code::ECHO_REQUEST);
        assert_eq!(p.identifier(), 7);
        assert_eq!(p.length(), 8);
        assert_eq!(p.data(), &[0xaa, 0x47, 0x11, 0x06]);
        assert_eq!(p.padding(), &[0, 0]);
    }

    #[test]
    fn lcp_configure_request_from_builder() {
        let bytes = build::control(
            1,
            1,
            &[
                build::lcp_mru(1400),
                build::lcp_auth_chap(0x81),
                build::lcp_magic(0x1234_abcd),
                build::opt(7, &[]),
            ],
        );
        let p = parse_lcp(&bytes).unwrap();
        assert_eq!(p.code, Code::CONFIGURE_REQUEST);
        assert_eq!(p.identifier, 1);
        assert_eq!(p.length, 4 + 4 + 5 + 6 + 2);
        assert_eq!(p.padding, 0);
        assert_eq!(p.options_dropped, 0);
        assert_eq!(
            p.body,
            ControlBody::ConfigureRequest(vec![
                LcpOption::MaximumReceiveUnit(1400),
                LcpOption::AuthenticationProtocol {
                    protocol: Protocol::CHAP,
                    data: vec![0x81]
                },
                LcpOption::MagicNumber(0x1234_abcd),
                LcpOption::ProtocolFieldCompression,
            ])
        );
        assert_eq!(p.options().map(<[_]>::len), Some(4));
    }

    #[test]
    fn lcp_configure_request_pap_eap_accm_pfc_acfc() {
        let bytes = build::control(
            1,
            2,
            &[
                build::lcp_accm(0),
                build::lcp_auth_pap(),
                build::lcp_auth_eap(),
                build::lcp_pfc(),
                build::lcp_acfc(),
            ],
        );
        let p = parse_lcp(&bytes).unwrap();
        assert_eq!(
            p.body,
            ControlBody::ConfigureRequest(vec![
                LcpOption::AsyncControlCharacterMap(0),
                LcpOption::AuthenticationProtocol {
                    protocol: Protocol::PAP,
                    data: vec![]
                },
                LcpOption::AuthenticationProtocol {
                    protocol: Protocol::EAP,
                    data: vec![]
                },
                LcpOption::ProtocolFieldCompression,
                LcpOption::AddressAndControlFieldCompression,
            ])
        );
    }

    #[test]
    fn every_lcp_code() {
        let cases: Vec<(Vec<u8>, ControlBody<LcpOption>)> = vec![
            (
                build::control(2, 3, &[build::lcp_mru(1500)]),
                ControlBody::ConfigureAck(vec![LcpOption::MaximumReceiveUnit(1500)]),
            ),
            (
                build::control(3, 3, &[build::opt(3, &[0xC0, 0x23])]),
                ControlBody::ConfigureNak(vec![LcpOption::AuthenticationProtocol {
                    protocol: Protocol::PAP,
                    data: vec![],
                }]),
            ),
            (
                build::control(4, 3, &[build::opt(13, &[6])]),
                ControlBody::ConfigureReject(vec![LcpOption::Callback {
                    operation: crate::ppp::wire::CallbackOperation::CBCP,
                    message: vec![],
                }]),
            ),
            (
                build::packet(5, 2, b"MPPE disabled"),
                ControlBody::TerminateRequest(b"MPPE disabled".to_vec()),
            ),
            (build::packet(6, 2, b""), ControlBody::TerminateAck(vec![])),
            (
                build::packet(7, 9, &[0x20, 0x01, 0x00, 0x04]),
                ControlBody::CodeReject(vec![0x20, 0x01, 0x00, 0x04]),
            ),
            (
                build::packet(8, 2, &[0x80, 0x57, 0x01, 0x05, 0x00, 0x04]),
                ControlBody::ProtocolReject {
                    rejected_protocol: Protocol::IPV6CP,
                    rejected_information: vec![0x01, 0x05, 0x00, 0x04],
                },
            ),
            (
                build::packet(9, 0, &[0xaa, 0x47, 0x11, 0x06, 0x01]),
                ControlBody::EchoRequest {
                    magic_number: 0xaa47_1106,
                    data: vec![1],
                },
            ),
            (
                build::packet(10, 0, &[0x0c, 0x6f, 0x35, 0x48]),
                ControlBody::EchoReply {
                    magic_number: 0x0c6f_3548,
                    data: vec![],
                },
            ),
            (
                build::packet(11, 1, &[0, 0, 0, 1, 0xff]),
                ControlBody::DiscardRequest {
                    magic_number: 1,
                    data: vec![0xff],
                },
            ),
            (
                build::packet(12, 2, b"\x0c\x6f\x35\x48MSRASV5.20"),
                ControlBody::Identification {
                    magic_number: 0x0c6f_3548,
                    message: b"MSRASV5.20".to_vec(),
                },
            ),
            (
                build::packet(13, 4, &[0, 0, 0, 1, 0, 0, 0x0e, 0x10, b'h']),
                ControlBody::TimeRemaining {
                    magic_number: 1,
                    seconds_remaining: 3600,
                    message: b"h".to_vec(),
                },
            ),
            (build::packet(14, 1, &[]), ControlBody::Unknown(vec![])),
            (build::packet(99, 1, &[1]), ControlBody::Unknown(vec![1])),
        ];
        for (bytes, body) in cases {
            let p = parse_lcp(&bytes).unwrap();
            assert_eq!(p.code.0, bytes[0]);
            assert_eq!(p.identifier, bytes[1]);
            assert_eq!(p.body, body, "code {}", bytes[0]);
        }
    }

    #[test]
    fn ncp_codes_beyond_seven_are_unknown_and_ccp_has_resets() {
        let echo = build::packet(9, 1, &[0, 0, 0, 0]);
        assert_eq!(
            parse_ipcp(&echo).unwrap().body,
            ControlBody::Unknown(vec![0, 0, 0, 0])
        );
        assert_eq!(
            parse_ccp(&build::packet(14, 5, &[])).unwrap().body,
            ControlBody::ResetRequest(vec![])
        );
        assert_eq!(
            parse_ccp(&build::packet(15, 5, &[])).unwrap().body,
            ControlBody::ResetAck(vec![])
        );
        assert_eq!(
            parse_ipv6cp(&build::packet(14, 5, &[])).unwrap().body,
            ControlBody::Unknown(vec![])
        );
    }

    #[test]
    fn ipcp_and_ccp_typed_options() {
        let ipcp = parse_ipcp(&build::control(3, 9, &[build::ipcp_addr(3, [192, 168, 2, 234])])).unwrap();
        assert_eq!(
            ipcp.body,
            ControlBody::ConfigureNak(vec![IpcpOption::IpAddress(Ipv4Addr::new(192, 168, 2, 234))])
        );
        let ccp = parse_ccp(&build::control(1, 6, &[build::ccp_mppe(0x0100_0040)])).unwrap();
        assert_eq!(
            ccp.body,
            ControlBody::ConfigureRequest(vec![CcpOption::Mppe(MppeBits(0x0100_0040))])
        );
        let v6 = parse_ipv6cp(&build::control(1, 5, &[build::opt(1, &[1, 2, 3, 4, 5, 6, 7, 8])])).unwrap();
        assert_eq!(
            v6.body,
            ControlBody::ConfigureRequest(vec![Ipv6cpOption::InterfaceIdentifier([1, 2, 3, 4, 5, 6, 7, 8])])
        );
    }

    #[test]
    fn padding_beyond_length_is_ignored() {
        let mut bytes = build::packet(6, 7, &[]);
        bytes.extend_from_slice(&[0; 6]);
        let p = parse_ipcp(&bytes).unwrap();
        assert_eq!(p.length, 4);
        assert_eq!(p.padding, 6);
        assert_eq!(p.body, ControlBody::TerminateAck(vec![]));
    }

    #[test]
    fn bad_lengths_are_errors() {
        assert_eq!(
            parse_lcp(&[0x01, 0x01, 0x00]),
            Err(WireError::Truncated {
                layer: Layer::ControlPacket,
                offset: 0,
                needed: 4,
                available: 3
            })
        );
        assert_eq!(
            parse_lcp(&[0x01, 0x01, 0x00, 0x03]),
            Err(WireError::BadLength {
                layer: Layer::ControlPacket,
                offset: 2,
                declared: 3,
                minimum: 4,
                available: 4
            })
        );
        assert_eq!(
            parse_lcp(&[0x01, 0x01, 0x00, 0x09, 0x01, 0x04, 0x05]),
            Err(WireError::BadLength {
                layer: Layer::ControlPacket,
                offset: 2,
                declared: 9,
                minimum: 4,
                available: 7
            })
        );
        // An option running past Length, even with bytes in the padding.
        assert_eq!(
            parse_lcp(&[0x01, 0x01, 0x00, 0x06, 0x01, 0x04, 0x05, 0x78]),
            Err(WireError::BadLength {
                layer: Layer::ConfigurationOption,
                offset: 5,
                declared: 4,
                minimum: 2,
                available: 2
            })
        );
        // Echo without its magic number.
        assert_eq!(
            parse_lcp(&build::packet(9, 1, &[0, 0])),
            Err(WireError::Truncated {
                layer: Layer::LcpData,
                offset: 4,
                needed: 4,
                available: 2
            })
        );
        assert_eq!(
            parse_lcp(&build::packet(8, 1, &[0x80])),
            Err(WireError::Truncated {
                layer: Layer::LcpData,
                offset: 4,
                needed: 2,
                available: 1
            })
        );
        assert_eq!(
            parse_lcp(&build::packet(13, 1, &[0, 0, 0, 0, 0])),
            Err(WireError::Truncated {
                layer: Layer::LcpData,
                offset: 4,
                needed: 8,
                available: 5
            })
        );
    }

    #[test]
    fn code_names() {
        assert_eq!(Code::CONFIGURE_NAK.to_string(), "Configure-Nak");
        assert_eq!(Code::RESET_ACK.to_string(), "Reset-Ack");
        assert_eq!(Code(42).to_string(), "code 42");
        assert!(ControlFamily::Lcp.defines(Code::TIME_REMAINING));
        assert!(!ControlFamily::Lcp.defines(Code::RESET_REQUEST));
        assert!(!ControlFamily::Ipcp.defines(Code::PROTOCOL_REJECT));
        assert_eq!(ControlFamily::Ccp.protocol(), Protocol::CCP);
    }
}
