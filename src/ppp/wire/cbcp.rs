//! Microsoft's Callback Control Protocol (PPP protocol 0xC029), run after
//! authentication when LCP's Callback option chose operation 6. Layout as
//! the pppd and Wireshark implementations read it (no RFC): the RFC 1661 §5
//! header, then options Type(1) Length(1) [Delay(1)] [Address-Type(1)
//! Address(NUL-terminated)]….

use core::fmt;

use super::control::{ControlPacket, HEADER_LEN};
use super::options::{parse_options, ConfigOption};
use super::{Layer, Result};

/// Addresses kept per option.
const MAX_ADDRESSES: usize = 8;

/// CBCP Code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CbcpCode(pub u8);

impl CbcpCode {
    /// The server offers the callback choices.
    pub const CALLBACK_REQUEST: Self = Self(1);
    /// The client picks one.
    pub const CALLBACK_RESPONSE: Self = Self(2);
    /// The server confirms.
    pub const CALLBACK_ACK: Self = Self(3);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "Callback-Request",
            2 => "Callback-Response",
            3 => "Callback-Ack",
            _ => return None,
        })
    }
}

/// CBCP option Type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CbcpOptionType(pub u8);

impl CbcpOptionType {
    pub const NO_CALLBACK: Self = Self(1);
    /// Callback to a number the user gives.
    pub const USER_SPECIFIED: Self = Self(2);
    /// Callback to a number the administrator set.
    pub const ADMIN_SPECIFIED: Self = Self(3);
    /// Callback to any of a list of numbers.
    pub const LIST: Self = Self(4);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "no callback",
            2 => "callback to a user-specified number",
            3 => "callback to an administrator-specified number",
            4 => "callback to any of a list of numbers",
            _ => return None,
        })
    }
}

/// One callback address: Address-Type (1 = PSTN/ISDN) and the number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CbcpAddress {
    pub address_type: u8,
    pub address: String,
}

/// A CBCP option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CbcpOption {
    pub kind: CbcpOptionType,
    /// Seconds to wait before calling back, when present.
    pub delay: Option<u8>,
    pub addresses: Vec<CbcpAddress>,
}

impl ConfigOption for CbcpOption {
    fn from_tlv(kind: u8, data: &[u8]) -> Self {
        let (delay, mut rest) = match data.split_first() {
            Some((d, rest)) => (Some(*d), rest),
            None => (None, data),
        };
        let mut addresses = Vec::new();
        while let Some((&address_type, after)) = rest.split_first() {
            let end = after.iter().position(|&b| b == 0).unwrap_or(after.len());
            let address = after.get(..end).unwrap_or(after);
            if addresses.len() < MAX_ADDRESSES {
                addresses.push(CbcpAddress {
                    address_type,
                    address: String::from_utf8_lossy(address).into_owned(),
                });
            }
            rest = after.get(end + 1..).unwrap_or(&[]);
        }
        CbcpOption {
            kind: CbcpOptionType(kind),
            delay,
            addresses,
        }
    }

    fn kind(&self) -> u8 {
        self.kind.0
    }

    fn type_name(&self) -> String {
        match self.kind.name() {
            Some(n) => n.to_string(),
            None => format!("option {}", self.kind.0),
        }
    }
}

impl fmt::Display for CbcpOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.type_name())?;
        if let Some(delay) = self.delay {
            write!(f, ", delay {delay} s")?;
        }
        for a in &self.addresses {
            write!(f, ", number {}", a.address)?;
        }
        Ok(())
    }
}

/// A decoded CBCP packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CbcpPacket {
    pub code: CbcpCode,
    pub identifier: u8,
    pub length: u16,
    pub options: Vec<CbcpOption>,
}

/// Decodes a CBCP packet; the option list must fill Length exactly.
pub fn parse_cbcp(info: &[u8]) -> Result<CbcpPacket> {
    let packet = ControlPacket::new_unchecked(info);
    packet.check_len_as(Layer::Cbcp)?;
    let (options, _) = parse_options::<CbcpOption>(packet.data(), HEADER_LEN)?;
    Ok(CbcpPacket {
        code: CbcpCode(packet.code().0),
        identifier: packet.identifier(),
        length: packet.length(),
        options,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ppp::build;
    use crate::ppp::wire::WireError;

    #[test]
    fn no_callback_request_as_windows_sends_it() {
        // The SSTP sample's CBCP Callback-Request: 01 01 00 06 01 02.
        let p = parse_cbcp(&[0x01, 0x01, 0x00, 0x06, 0x01, 0x02]).unwrap();
        assert_eq!(p.code, CbcpCode::CALLBACK_REQUEST);
        assert_eq!(p.identifier, 1);
        assert_eq!(p.length, 6);
        assert_eq!(
            p.options,
            vec![CbcpOption {
                kind: CbcpOptionType::NO_CALLBACK,
                delay: None,
                addresses: vec![]
            }]
        );
        assert_eq!(p.options[0].to_string(), "no callback");
    }

    #[test]
    fn user_specified_number_with_delay() {
        let bytes = build::control(2, 4, &[build::opt(2, b"\x0c\x01555-1234\0")]);
        let p = parse_cbcp(&bytes).unwrap();
        assert_eq!(p.code, CbcpCode::CALLBACK_RESPONSE);
        assert_eq!(
            p.options,
            vec![CbcpOption {
                kind: CbcpOptionType::USER_SPECIFIED,
                delay: Some(12),
                addresses: vec![CbcpAddress {
                    address_type: 1,
                    address: "555-1234".to_string()
                }],
            }]
        );
        assert_eq!(
            p.options[0].to_string(),
            "callback to a user-specified number, delay 12 s, number 555-1234"
        );
        assert_eq!(CbcpCode(3).name(), Some("Callback-Ack"));
    }

    #[test]
    fn bad_lengths() {
        assert_eq!(
            parse_cbcp(&[0x01, 0x01, 0x00, 0x06, 0x01, 0x03]),
            Err(WireError::BadLength {
                layer: Layer::ConfigurationOption,
                offset: 5,
                declared: 3,
                minimum: 2,
                available: 2
            })
        );
        assert_eq!(
            parse_cbcp(&[0x01, 0x01, 0x00, 0x07, 0x01, 0x02]),
            Err(WireError::BadLength {
                layer: Layer::Cbcp,
                offset: 2,
                declared: 7,
                minimum: 4,
                available: 6
            })
        );
    }
}
