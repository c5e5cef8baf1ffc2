//! EAP in PPP (RFC 2284 §2): Request, Response, Success and Failure, with
//! the Type-Data of the types a VPN capture shows decoded.

use core::fmt;

use nom::multi::length_data;
use nom::number::complete::be_u8;
use nom::Parser;

use super::auth::{parse_chap, ChapPacket};
use super::control::{ControlPacket, HEADER_LEN};
use super::{Layer, Result, WireError};

/// EAP Code (RFC 2284 §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EapCode(pub u8);

impl EapCode {
    pub const REQUEST: Self = Self(1);
    pub const RESPONSE: Self = Self(2);
    pub const SUCCESS: Self = Self(3);
    pub const FAILURE: Self = Self(4);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "Request",
            2 => "Response",
            3 => "Success",
            4 => "Failure",
            _ => return None,
        })
    }
}

/// EAP Type (RFC 2284 §3; 13 and up from the IANA registry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EapType(pub u8);

impl EapType {
    pub const IDENTITY: Self = Self(1);
    pub const NOTIFICATION: Self = Self(2);
    /// Response only: the requested type is not acceptable (RFC 2284 §3.3).
    pub const NAK: Self = Self(3);
    pub const MD5_CHALLENGE: Self = Self(4);
    pub const OTP: Self = Self(5);
    pub const GTC: Self = Self(6);
    pub const TLS: Self = Self(13);
    pub const TTLS: Self = Self(21);
    pub const PEAP: Self = Self(25);
    pub const MS_CHAP_V2: Self = Self(26);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "Identity",
            2 => "Notification",
            3 => "Nak",
            4 => "MD5-Challenge",
            5 => "One-Time Password",
            6 => "Generic Token Card",
            13 => "EAP-TLS",
            17 => "LEAP",
            18 => "EAP-SIM",
            21 => "EAP-TTLS",
            23 => "EAP-AKA",
            25 => "PEAP",
            26 => "EAP-MSCHAPv2",
            43 => "EAP-FAST",
            254 => "Expanded",
            _ => return None,
        })
    }
}

impl fmt::Display for EapType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "type {}", self.0),
        }
    }
}

/// The Type-Data of a Request or Response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EapData {
    /// Request: an optional prompt; Response: the peer's identity
    /// (RFC 2284 §3.1).
    Identity(Vec<u8>),
    /// Text to show the user (RFC 2284 §3.2).
    Notification(Vec<u8>),
    /// The types the peer would accept instead (RFC 2284 §3.3).
    Nak(Vec<EapType>),
    /// Value-Size, Value, Name as in CHAP (RFC 2284 §3.4).
    Md5Challenge { value: Vec<u8>, name: Vec<u8> },
    /// EAP-TLS, TTLS and PEAP: Flags (L 0x80, M 0x40, S 0x20, version in
    /// the low bits) and, with L, the total TLS message length.
    Tls {
        flags: u8,
        tls_message_length: Option<u32>,
        fragment: Vec<u8>,
    },
    /// EAP-MSCHAPv2: OpCode, MS-CHAPv2-ID, MS-Length and the CHAP-shaped
    /// rest.
    MsChapV2(ChapPacket),
    /// Any other type, or an MS-CHAPv2 body too short to be a CHAP packet
    /// (the peer's one-byte Success acknowledgement).
    Other(Vec<u8>),
}

/// The Data of an EAP packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EapBody {
    Request { eap_type: EapType, data: EapData },
    Response { eap_type: EapType, data: EapData },
    Success,
    Failure,
    Unknown(Vec<u8>),
}

/// An EAP packet (RFC 2284 §2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EapPacket {
    pub code: EapCode,
    pub identifier: u8,
    pub length: u16,
    pub body: EapBody,
}

fn type_data(eap_type: EapType, data: &[u8]) -> Result<EapData> {
    // Type-Data starts after the 4-byte header and the Type byte.
    const OFFSET: usize = HEADER_LEN + 1;
    Ok(match eap_type {
        EapType::IDENTITY => EapData::Identity(data.to_vec()),
        EapType::NOTIFICATION => EapData::Notification(data.to_vec()),
        EapType::NAK => EapData::Nak(data.iter().map(|t| EapType(*t)).collect()),
        EapType::MD5_CHALLENGE => {
            let (name, value) =
                length_data(be_u8)
                    .parse(data)
                    .map_err(|_: nom::Err<nom::error::Error<&[u8]>>| match data.split_first() {
                        None => WireError::Truncated {
                            layer: Layer::Eap,
                            offset: OFFSET,
                            needed: 1,
                            available: 0,
                        },
                        Some((len, rest)) => WireError::BadLength {
                            layer: Layer::Eap,
                            offset: OFFSET,
                            declared: usize::from(*len),
                            minimum: 0,
                            available: rest.len(),
                        },
                    })?;
            EapData::Md5Challenge {
                value: value.to_vec(),
                name: name.to_vec(),
            }
        }
        EapType::TLS | EapType::TTLS | EapType::PEAP => {
            let Some((&flags, rest)) = data.split_first() else {
                return Err(WireError::Truncated {
                    layer: Layer::Eap,
                    offset: OFFSET,
                    needed: 1,
                    available: 0,
                });
            };
            if flags & 0x80 != 0 {
                let Some((len, fragment)) = rest.split_first_chunk::<4>() else {
                    return Err(WireError::Truncated {
                        layer: Layer::Eap,
                        offset: OFFSET + 1,
                        needed: 4,
                        available: rest.len(),
                    });
                };
                EapData::Tls {
                    flags,
                    tls_message_length: Some(u32::from_be_bytes(*len)),
                    fragment: fragment.to_vec(),
                }
            } else {
                EapData::Tls {
                    flags,
                    tls_message_length: None,
                    fragment: rest.to_vec(),
                }
            }
        }
        EapType::MS_CHAP_V2 => match parse_chap(data) {
            Ok(packet) => EapData::MsChapV2(packet),
            Err(_) => EapData::Other(data.to_vec()),
        },
        _ => EapData::Other(data.to_vec()),
    })
}

/// Decodes an EAP packet (RFC 2284 §2.1).
pub fn parse_eap(info: &[u8]) -> Result<EapPacket> {
    let packet = ControlPacket::new_unchecked(info);
    packet.check_len_as(Layer::Eap)?;
    let code = EapCode(packet.code().0);
    let data = packet.data();
    let body = match code {
        EapCode::REQUEST | EapCode::RESPONSE => {
            let Some((&t, rest)) = data.split_first() else {
                return Err(WireError::Truncated {
                    layer: Layer::Eap,
                    offset: HEADER_LEN,
                    needed: 1,
                    available: 0,
                });
            };
            let eap_type = EapType(t);
            let data = type_data(eap_type, rest)?;
            if code == EapCode::REQUEST {
                EapBody::Request { eap_type, data }
            } else {
                EapBody::Response { eap_type, data }
            }
        }
        EapCode::SUCCESS => EapBody::Success,
        EapCode::FAILURE => EapBody::Failure,
        _ => EapBody::Unknown(data.to_vec()),
    };
    Ok(EapPacket {
        code,
        identifier: packet.identifier(),
        length: packet.length(),
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ppp::build;
    use crate::ppp::wire::auth::{ChapBody, ChapCode};

    #[test]
    fn identity_request_and_response() {
        let req = parse_eap(&build::eap(1, 1, 1, b"")).unwrap();
        assert_eq!((req.code, req.identifier, req.length), (EapCode::REQUEST, 1, 5));
        assert_eq!(
            req.body,
            EapBody::Request {
                eap_type: EapType::IDENTITY,
                data: EapData::Identity(vec![])
            }
        );
        let resp = parse_eap(&build::eap(2, 1, 1, b"PRO3\\administrator")).unwrap();
        assert_eq!(
            resp.body,
            EapBody::Response {
                eap_type: EapType::IDENTITY,
                data: EapData::Identity(b"PRO3\\administrator".to_vec())
            }
        );
    }

    #[test]
    fn notification_nak_md5() {
        let n = parse_eap(&build::eap(1, 2, 2, b"hello")).unwrap();
        assert_eq!(
            n.body,
            EapBody::Request {
                eap_type: EapType::NOTIFICATION,
                data: EapData::Notification(b"hello".to_vec())
            }
        );
        let nak = parse_eap(&build::eap(2, 3, 3, &[26, 25])).unwrap();
        assert_eq!(
            nak.body,
            EapBody::Response {
                eap_type: EapType::NAK,
                data: EapData::Nak(vec![EapType::MS_CHAP_V2, EapType::PEAP])
            }
        );
        let md5 = parse_eap(&build::eap(1, 4, 4, &[2, 0xab, 0xcd, b's', b'r', b'v'])).unwrap();
        assert_eq!(
            md5.body,
            EapBody::Request {
                eap_type: EapType::MD5_CHALLENGE,
                data: EapData::Md5Challenge {
                    value: vec![0xab, 0xcd],
                    name: b"srv".to_vec()
                }
            }
        );
    }

    #[test]
    fn tls_peap_flags_and_length() {
        let start = parse_eap(&build::eap(1, 5, 25, &[0x21])).unwrap();
        assert_eq!(
            start.body,
            EapBody::Request {
                eap_type: EapType::PEAP,
                data: EapData::Tls {
                    flags: 0x21,
                    tls_message_length: None,
                    fragment: vec![]
                }
            }
        );
        let first = parse_eap(&build::eap(2, 6, 13, &[0xC0, 0, 0, 0x10, 0, 0x16, 0x03])).unwrap();
        assert_eq!(
            first.body,
            EapBody::Response {
                eap_type: EapType::TLS,
                data: EapData::Tls {
                    flags: 0xC0,
                    tls_message_length: Some(0x1000),
                    fragment: vec![0x16, 0x03]
                }
            }
        );
    }

    #[test]
    fn ms_chap_v2_inside_eap() {
        let inner = build::chap_value(1, 7, &[0x42; 16], b"VPN-SERVER");
        let p = parse_eap(&build::eap(1, 7, 26, &inner)).unwrap();
        let EapBody::Request {
            eap_type,
            data: EapData::MsChapV2(chap),
        } = p.body
        else {
            panic!("not EAP-MSCHAPv2")
        };
        assert_eq!(eap_type, EapType::MS_CHAP_V2);
        assert_eq!(chap.code, ChapCode::CHALLENGE);
        assert_eq!(
            chap.body,
            ChapBody::Challenge {
                value: vec![0x42; 16],
                name: b"VPN-SERVER".to_vec()
            }
        );
        // The peer's acknowledgement of Success is the bare OpCode.
        let ack = parse_eap(&build::eap(2, 8, 26, &[3])).unwrap();
        assert_eq!(
            ack.body,
            EapBody::Response {
                eap_type: EapType::MS_CHAP_V2,
                data: EapData::Other(vec![3])
            }
        );
    }

    #[test]
    fn success_failure_unknown() {
        assert_eq!(
            parse_eap(&build::packet(3, 9, &[])).unwrap().body,
            EapBody::Success
        );
        assert_eq!(
            parse_eap(&build::packet(4, 9, &[])).unwrap().body,
            EapBody::Failure
        );
        assert_eq!(
            parse_eap(&build::packet(7, 9, &[1])).unwrap().body,
            EapBody::Unknown(vec![1])
        );
        assert_eq!(EapType(26).to_string(), "EAP-MSCHAPv2");
        assert_eq!(EapType(99).to_string(), "type 99");
    }

    #[test]
    fn bad_lengths() {
        assert_eq!(
            parse_eap(&build::packet(1, 1, &[])),
            Err(WireError::Truncated {
                layer: Layer::Eap,
                offset: 4,
                needed: 1,
                available: 0
            })
        );
        assert_eq!(
            parse_eap(&build::eap(1, 1, 4, &[5, 1])),
            Err(WireError::BadLength {
                layer: Layer::Eap,
                offset: 5,
                declared: 5,
                minimum: 0,
                available: 1
            })
        );
        assert_eq!(
            parse_eap(&build::eap(1, 1, 13, &[0x80, 0])),
            Err(WireError::Truncated {
                layer: Layer::Eap,
                offset: 6,
                needed: 4,
                available: 1
            })
        );
        assert_eq!(
            parse_eap(&[1, 1, 0, 2]),
            Err(WireError::BadLength {
                layer: Layer::Eap,
                offset: 2,
                declared: 2,
                minimum: 4,
                available: 4
            })
        );
    }
}
