//! PAP (RFC 1334 §2), CHAP (RFC 1994 §4), MS-CHAP v1 (RFC 2433) and
//! MS-CHAP v2 (RFC 2759): packets, the structured values inside MS-CHAP
//! Response, Success and Failure, and the Windows meaning of Failure codes.
//!
//! All of them use the Code/Identifier/Length header of RFC 1661 §5.

use core::fmt;

use nom::bytes::complete::take;
use nom::combinator::rest;
use nom::multi::length_data;
use nom::number::complete::{be_u16, be_u8};
use nom::Parser;

use super::control::{ControlPacket, HEADER_LEN};
use super::{array, Layer, Result, WireError};

/// Reads Length(1) + that many bytes, naming the layer and offset on error.
fn length_prefixed(data: &[u8], offset: usize, layer: Layer) -> Result<(&[u8], &[u8])> {
    length_data(be_u8)
        .parse(data)
        .map_err(|_: nom::Err<nom::error::Error<&[u8]>>| match data.split_first() {
            None => WireError::Truncated {
                layer,
                offset,
                needed: 1,
                available: 0,
            },
            Some((len, rest)) => WireError::BadLength {
                layer,
                offset,
                declared: usize::from(*len),
                minimum: 0,
                available: rest.len(),
            },
        })
}

/// Header of a PAP/CHAP packet, checked: (code, identifier, length, data
/// cut to Length).
fn header(info: &[u8], layer: Layer) -> Result<(u8, u8, u16, &[u8])> {
    let packet = ControlPacket::new_unchecked(info);
    packet.check_len_as(layer)?;
    Ok((
        packet.code().0,
        packet.identifier(),
        packet.length(),
        packet.data_bytes(),
    ))
}

/// PAP Code (RFC 1334 §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PapCode(pub u8);

impl PapCode {
    pub const AUTHENTICATE_REQUEST: Self = Self(1);
    pub const AUTHENTICATE_ACK: Self = Self(2);
    pub const AUTHENTICATE_NAK: Self = Self(3);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "Authenticate-Request",
            2 => "Authenticate-Ack",
            3 => "Authenticate-Nak",
            _ => return None,
        })
    }
}

/// The Data of a PAP packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PapBody {
    /// The peer's name and password, in clear (RFC 1334 §2.2.1).
    AuthenticateRequest {
        peer_id: Vec<u8>,
        password: Vec<u8>,
    },
    /// Accepted, with an optional message (RFC 1334 §2.2.2).
    AuthenticateAck {
        message: Vec<u8>,
    },
    /// Refused, with an optional message (RFC 1334 §2.2.2).
    AuthenticateNak {
        message: Vec<u8>,
    },
    Unknown(Vec<u8>),
}

/// A PAP packet (RFC 1334 §2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PapPacket {
    pub code: PapCode,
    pub identifier: u8,
    pub length: u16,
    pub body: PapBody,
}

/// Decodes a PAP packet. Ack/Nak without a Msg-Length byte are accepted
/// with an empty message: some stacks send a bare header.
pub fn parse_pap(info: &[u8]) -> Result<PapPacket> {
    let (code, identifier, length, data) = header(info, Layer::Pap)?;
    let code = PapCode(code);
    let body = match code {
        PapCode::AUTHENTICATE_REQUEST => {
            let (after_id, peer_id) = length_prefixed(data, HEADER_LEN, Layer::Pap)?;
            let offset = HEADER_LEN + 1 + peer_id.len();
            let (_, password) = length_prefixed(after_id, offset, Layer::Pap)?;
            PapBody::AuthenticateRequest {
                peer_id: peer_id.to_vec(),
                password: password.to_vec(),
            }
        }
        PapCode::AUTHENTICATE_ACK | PapCode::AUTHENTICATE_NAK => {
            let message = if data.is_empty() {
                &[][..]
            } else {
                length_prefixed(data, HEADER_LEN, Layer::Pap)?.1
            };
            if code == PapCode::AUTHENTICATE_ACK {
                PapBody::AuthenticateAck {
                    message: message.to_vec(),
                }
            } else {
                PapBody::AuthenticateNak {
                    message: message.to_vec(),
                }
            }
        }
        _ => PapBody::Unknown(data.to_vec()),
    };
    Ok(PapPacket {
        code,
        identifier,
        length,
        body,
    })
}

/// CHAP Code (RFC 1994 §4; 5–6 from RFC 2433, 7 from RFC 2759 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChapCode(pub u8);

impl ChapCode {
    pub const CHALLENGE: Self = Self(1);
    pub const RESPONSE: Self = Self(2);
    pub const SUCCESS: Self = Self(3);
    pub const FAILURE: Self = Self(4);
    /// MS-CHAP v1 Change-Password, version 1 (RFC 2433).
    pub const CHANGE_PASSWORD_V1: Self = Self(5);
    /// MS-CHAP v1 Change-Password, version 2 (RFC 2433).
    pub const CHANGE_PASSWORD_V2: Self = Self(6);
    /// MS-CHAPv2 Change-Password (RFC 2759 §7).
    pub const CHANGE_PASSWORD: Self = Self(7);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "Challenge",
            2 => "Response",
            3 => "Success",
            4 => "Failure",
            5 => "Change-Password (MS-CHAP v1, version 1)",
            6 => "Change-Password (MS-CHAP v1, version 2)",
            7 => "Change-Password",
            _ => return None,
        })
    }
}

/// The Data of a CHAP packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChapBody {
    /// The authenticator's challenge and name (RFC 1994 §4.1).
    Challenge {
        value: Vec<u8>,
        name: Vec<u8>,
    },
    /// The peer's answer and name; the value's layout depends on the
    /// algorithm (RFC 1994 §4.1, RFC 2433, RFC 2759 §4).
    Response {
        value: Vec<u8>,
        name: Vec<u8>,
    },
    /// Authentication passed; MS-CHAPv2 puts "S=… M=…" here (RFC 2759 §5).
    Success {
        message: Vec<u8>,
    },
    /// Authentication failed; MS-CHAP puts "E=… R=…" here (RFC 2759 §6).
    Failure {
        message: Vec<u8>,
    },
    /// MS-CHAPv2 new password after E=648 (RFC 2759 §7).
    ChangePassword(Box<MsChapV2ChangePassword>),
    Unknown(Vec<u8>),
}

/// A CHAP packet (RFC 1994 §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapPacket {
    pub code: ChapCode,
    pub identifier: u8,
    pub length: u16,
    pub body: ChapBody,
}

/// Decodes a CHAP packet (also the body of EAP-MSCHAPv2, whose OpCode,
/// MS-CHAPv2-ID and MS-Length have the same layout).
pub fn parse_chap(info: &[u8]) -> Result<ChapPacket> {
    let (code, identifier, length, data) = header(info, Layer::Chap)?;
    let code = ChapCode(code);
    let body = match code {
        ChapCode::CHALLENGE | ChapCode::RESPONSE => {
            let (name, value) = length_prefixed(data, HEADER_LEN, Layer::Chap)?;
            let (value, name) = (value.to_vec(), name.to_vec());
            if code == ChapCode::CHALLENGE {
                ChapBody::Challenge { value, name }
            } else {
                ChapBody::Response { value, name }
            }
        }
        ChapCode::SUCCESS => ChapBody::Success {
            message: data.to_vec(),
        },
        ChapCode::FAILURE => ChapBody::Failure {
            message: data.to_vec(),
        },
        ChapCode::CHANGE_PASSWORD => ChapBody::ChangePassword(Box::new(MsChapV2ChangePassword::parse(data)?)),
        _ => ChapBody::Unknown(data.to_vec()),
    };
    Ok(ChapPacket {
        code,
        identifier,
        length,
        body,
    })
}

/// The 49-byte Response value of MS-CHAPv2 (RFC 2759 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MsChapV2Response {
    /// Random 16 bytes from the peer, mixed into the challenge hash.
    pub peer_challenge: [u8; 16],
    /// Must be zero.
    pub reserved: [u8; 8],
    /// The answer computed from the password hash.
    pub nt_response: [u8; 24],
    /// Must be zero.
    pub flags: u8,
}

impl MsChapV2Response {
    /// Value-Size of an MS-CHAPv2 Response.
    pub const LEN: usize = 49;

    pub fn parse(value: &[u8]) -> Result<Self> {
        let bad = || WireError::BadLength {
            layer: Layer::MsChapV2Response,
            offset: 0,
            declared: value.len(),
            minimum: Self::LEN,
            available: Self::LEN,
        };
        let (peer_challenge, rest) = value.split_first_chunk::<16>().ok_or_else(bad)?;
        let (reserved, rest) = rest.split_first_chunk::<8>().ok_or_else(bad)?;
        let (nt_response, rest) = rest.split_first_chunk::<24>().ok_or_else(bad)?;
        let [flags] = array::<1>(rest).ok_or_else(bad)?;
        Ok(MsChapV2Response {
            peer_challenge: *peer_challenge,
            reserved: *reserved,
            nt_response: *nt_response,
            flags,
        })
    }
}

/// The 49-byte Response value of MS-CHAP v1 (RFC 2433 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MsChapV1Response {
    /// LAN Manager compatible response (zero when not used).
    pub lm_response: [u8; 24],
    /// Windows NT compatible response.
    pub nt_response: [u8; 24],
    /// 1: use the NT response.
    pub flags: u8,
}

impl MsChapV1Response {
    pub const LEN: usize = 49;

    pub fn parse(value: &[u8]) -> Result<Self> {
        let bad = || WireError::BadLength {
            layer: Layer::MsChapV1Response,
            offset: 0,
            declared: value.len(),
            minimum: Self::LEN,
            available: Self::LEN,
        };
        let (lm_response, rest) = value.split_first_chunk::<24>().ok_or_else(bad)?;
        let (nt_response, rest) = rest.split_first_chunk::<24>().ok_or_else(bad)?;
        let [flags] = array::<1>(rest).ok_or_else(bad)?;
        Ok(MsChapV1Response {
            lm_response: *lm_response,
            nt_response: *nt_response,
            flags,
        })
    }

    /// RFC 2433 §3: flag 1 means the NT response is to be used.
    pub fn use_nt_response(&self) -> bool {
        self.flags & 0x01 != 0
    }
}

fn hex_value(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| text.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// The MS-CHAPv2 Success message `S=<40 hex> M=<text>` (RFC 2759 §5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MsChapV2Success {
    /// The 20-byte AuthenticatorResponse that proves the server knew the
    /// password too.
    pub authenticator_response: [u8; 20],
    /// The M= text, when present.
    pub message: Option<String>,
}

impl MsChapV2Success {
    /// Reads "S=…" and the optional "M=…", tolerating extra spaces.
    pub fn parse(message: &[u8]) -> Result<Self> {
        let text = String::from_utf8_lossy(message);
        let trimmed = text.trim_start();
        let lead = text.len() - trimmed.len();
        let Some(after) = trimmed.strip_prefix("S=").or_else(|| trimmed.strip_prefix("s=")) else {
            return Err(WireError::Invalid {
                layer: Layer::MsChapSuccess,
                offset: lead,
                detail: "no S= authenticator response",
            });
        };
        let value = after.get(..40).and_then(hex_value).and_then(|v| array::<20>(&v));
        let Some(authenticator_response) = value else {
            return Err(WireError::Invalid {
                layer: Layer::MsChapSuccess,
                offset: lead + 2,
                detail: "S= is not 40 hex digits",
            });
        };
        let tail = after.get(40..).unwrap_or("");
        if tail.starts_with(|c: char| c.is_ascii_hexdigit()) {
            return Err(WireError::Invalid {
                layer: Layer::MsChapSuccess,
                offset: lead + 42,
                detail: "S= is longer than 40 hex digits",
            });
        }
        let tail = tail.trim_start();
        let message = tail
            .strip_prefix("M=")
            .or_else(|| tail.strip_prefix("m="))
            .map(str::to_string);
        Ok(MsChapV2Success {
            authenticator_response,
            message,
        })
    }

    /// "S=" and 40 upper-case hex digits: the 42-character
    /// AuthenticatorResponse string of RFC 2759 §8.7.
    pub fn authenticator_response_text(&self) -> String {
        let mut out = String::from("S=");
        for b in self.authenticator_response {
            out.push_str(&format!("{b:02X}"));
        }
        out
    }
}

/// The MS-CHAP Failure message
/// `E=eeeeeeeeee R=r C=cccc… V=vvvvvvvvvv M=<msg>` (RFC 2759 §6; v1 sends
/// only E and R, RFC 2433 §5). Read in any order and spacing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MsChapFailure {
    /// E=: the Windows error code, decimal.
    pub error_code: Option<u32>,
    /// R=: true when the peer may try again.
    pub retry_allowed: Option<bool>,
    /// C=: the challenge to use for the retry (16 bytes for v2, 8 for v1).
    pub challenge: Option<Vec<u8>>,
    /// V=: password-change protocol version (3 for MS-CHAPv2).
    pub version: Option<u32>,
    /// M=: free text, to the end of the packet.
    pub message: Option<String>,
    /// key=value pairs with other keys, and values that did not parse.
    pub other: Vec<(String, String)>,
}

impl MsChapFailure {
    /// Reads the fields; the message must at least carry E=.
    pub fn parse(message: &[u8]) -> Result<Self> {
        let text = String::from_utf8_lossy(message);
        let mut out = MsChapFailure::default();
        let mut rest: &str = &text;
        while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
            rest = rest.get(start..).unwrap_or("");
            let token_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let token = rest.get(..token_end).unwrap_or("");
            let Some((key, value)) = token.split_once('=') else {
                out.other.push((String::new(), token.to_string()));
                rest = rest.get(token_end..).unwrap_or("");
                continue;
            };
            if key.eq_ignore_ascii_case("M") {
                // M= runs to the end of the packet, spaces included.
                out.message = rest
                    .get(2..)
                    .map(|m| m.trim_end_matches(['\0', '\r', '\n']).to_string());
                break;
            }
            let kept = match key.to_ascii_uppercase().as_str() {
                "E" => value.parse().ok().map(|v| out.error_code = Some(v)).is_some(),
                "R" => match value {
                    "0" | "1" => {
                        out.retry_allowed = Some(value == "1");
                        true
                    }
                    _ => false,
                },
                "C" => hex_value(value).map(|v| out.challenge = Some(v)).is_some(),
                "V" => value.parse().ok().map(|v| out.version = Some(v)).is_some(),
                _ => false,
            };
            if !kept {
                out.other.push((key.to_string(), value.to_string()));
            }
            rest = rest.get(token_end..).unwrap_or("");
        }
        if out.error_code.is_none() {
            return Err(WireError::Invalid {
                layer: Layer::MsChapFailure,
                offset: 0,
                detail: "no decimal E= error code",
            });
        }
        Ok(out)
    }

    /// The Windows meaning of E=, when listed.
    pub fn windows_error(&self) -> Option<WindowsError> {
        self.error_code.and_then(windows_error)
    }
}

/// A Windows RAS error number an MS-CHAP Failure can carry (RFC 2759 §6;
/// names from raserror.h / winerror.h).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowsError {
    pub code: u32,
    /// The symbolic name, e.g. `ERROR_AUTHENTICATION_FAILURE`.
    pub symbol: &'static str,
    /// What it means, in plain words.
    pub meaning: &'static str,
}

impl fmt::Display for WindowsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({})", self.code, self.symbol, self.meaning)
    }
}

/// The listed MS-CHAP Failure codes (RFC 2759 §6). Others are possible and
/// must be reported as numbers.
pub fn windows_error(code: u32) -> Option<WindowsError> {
    let (symbol, meaning) = match code {
        646 => (
            "ERROR_RESTRICTED_LOGON_HOURS",
            "the account may not log on at this time of day",
        ),
        647 => ("ERROR_ACCT_DISABLED", "the account is disabled"),
        648 => ("ERROR_PASSWD_EXPIRED", "the password has expired"),
        649 => (
            "ERROR_NO_DIALIN_PERMISSION",
            "the account has no permission to dial in",
        ),
        691 => (
            "ERROR_AUTHENTICATION_FAILURE",
            "the user name or password is not valid",
        ),
        709 => ("ERROR_CHANGING_PASSWORD", "the password change failed"),
        _ => return None,
    };
    Some(WindowsError {
        code,
        symbol,
        meaning,
    })
}

/// MS-CHAPv2 Change-Password (code 7), sent after a Failure with E=648
/// (RFC 2759 §7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MsChapV2ChangePassword {
    /// The new password (PWBLOCK: 256 UTF-16 characters and a 4-byte
    /// length) encrypted with RC4 under the old NT hash.
    pub encrypted_password: Vec<u8>,
    /// The old NT hash encrypted with the new one.
    pub encrypted_hash: [u8; 16],
    pub peer_challenge: [u8; 16],
    pub reserved: [u8; 8],
    pub nt_response: [u8; 24],
    pub flags: u16,
}

impl MsChapV2ChangePassword {
    /// Data bytes after the CHAP header: 516 + 16 + 16 + 8 + 24 + 2.
    pub const DATA_LEN: usize = 582;

    fn parse(data: &[u8]) -> Result<Self> {
        let mut fields = (
            take(516usize),
            take(16usize),
            take(16usize),
            take(8usize),
            take(24usize),
            be_u16,
            rest,
        );
        let parsed: nom::IResult<&[u8], _> = fields.parse(data);
        let Ok((_, (password, hash, peer, reserved, nt, flags, _))) = parsed else {
            return Err(WireError::Truncated {
                layer: Layer::ChangePassword,
                offset: HEADER_LEN,
                needed: Self::DATA_LEN,
                available: data.len(),
            });
        };
        let fixed = (
            array::<16>(hash),
            array::<16>(peer),
            array::<8>(reserved),
            array::<24>(nt),
        );
        let (Some(encrypted_hash), Some(peer_challenge), Some(reserved), Some(nt_response)) = fixed else {
            return Err(WireError::Invalid {
                layer: Layer::ChangePassword,
                offset: HEADER_LEN,
                detail: "field sizes",
            });
        };
        Ok(MsChapV2ChangePassword {
            encrypted_password: password.to_vec(),
            encrypted_hash,
            peer_challenge,
            reserved,
            nt_response,
            flags,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ppp::build;

    #[test]
    fn pap_request_every_field() {
        let p = parse_pap(&build::pap_request(0, b"ixia", b"ixia")).unwrap();
        assert_eq!(p.code, PapCode::AUTHENTICATE_REQUEST);
        assert_eq!(p.identifier, 0);
        assert_eq!(p.length, 14);
        assert_eq!(
            p.body,
            PapBody::AuthenticateRequest {
                peer_id: b"ixia".to_vec(),
                password: b"ixia".to_vec()
            }
        );
    }

    #[test]
    fn pap_ack_nak_and_bare_ack() {
        let ack = parse_pap(&build::pap_reply(2, 0, b"")).unwrap();
        assert_eq!((ack.code, ack.length), (PapCode::AUTHENTICATE_ACK, 5));
        assert_eq!(ack.body, PapBody::AuthenticateAck { message: vec![] });
        let nak = parse_pap(&build::pap_reply(3, 1, b"bad password")).unwrap();
        assert_eq!(
            nak.body,
            PapBody::AuthenticateNak {
                message: b"bad password".to_vec()
            }
        );
        let bare = parse_pap(&build::packet(2, 4, &[])).unwrap();
        assert_eq!(bare.body, PapBody::AuthenticateAck { message: vec![] });
        assert_eq!(
            parse_pap(&build::packet(9, 4, &[7])).unwrap().body,
            PapBody::Unknown(vec![7])
        );
        assert_eq!(PapCode(3).name(), Some("Authenticate-Nak"));
    }

    #[test]
    fn pap_bad_lengths() {
        assert_eq!(
            parse_pap(&build::packet(1, 0, &[5, b'a', b'b'])),
            Err(WireError::BadLength {
                layer: Layer::Pap,
                offset: 4,
                declared: 5,
                minimum: 0,
                available: 2
            })
        );
        assert_eq!(
            parse_pap(&build::packet(1, 0, &[1, b'a'])),
            Err(WireError::Truncated {
                layer: Layer::Pap,
                offset: 6,
                needed: 1,
                available: 0
            })
        );
        assert_eq!(
            parse_pap(&build::packet(1, 0, &[1, b'a', 3, b'x'])),
            Err(WireError::BadLength {
                layer: Layer::Pap,
                offset: 6,
                declared: 3,
                minimum: 0,
                available: 1
            })
        );
        assert_eq!(
            parse_pap(&[1, 0, 0, 9, 0]),
            Err(WireError::BadLength {
                layer: Layer::Pap,
                offset: 2,
                declared: 9,
                minimum: 4,
                available: 5
            })
        );
    }

    #[test]
    fn chap_challenge_response_success_failure() {
        let challenge: Vec<u8> = (0..16).collect();
        let c = parse_chap(&build::chap_value(1, 136, &challenge, b"pptpd")).unwrap();
        assert_eq!((c.code, c.identifier, c.length), (ChapCode::CHALLENGE, 136, 26));
        assert_eq!(
            c.body,
            ChapBody::Challenge {
                value: challenge.clone(),
                name: b"pptpd".to_vec()
            }
        );

        let value = build::ms_chap_v2_value([0xaa; 16], [0xbb; 24]);
        let r = parse_chap(&build::chap_value(2, 136, &value, b"lulu")).unwrap();
        assert_eq!((r.code, r.length), (ChapCode::RESPONSE, 58));
        assert_eq!(
            r.body,
            ChapBody::Response {
                value: value.clone(),
                name: b"lulu".to_vec()
            }
        );

        let s = parse_chap(&build::packet(
            3,
            136,
            b"S=460874E1CADF35FBD9F6E80C01A1ADC5746F0B6A M=Access granted",
        ))
        .unwrap();
        assert_eq!(s.length, 63);
        assert_eq!(
            s.body,
            ChapBody::Success {
                message: b"S=460874E1CADF35FBD9F6E80C01A1ADC5746F0B6A M=Access granted".to_vec()
            }
        );
        let f = parse_chap(&build::packet(4, 136, b"E=691 R=0")).unwrap();
        assert_eq!(
            f.body,
            ChapBody::Failure {
                message: b"E=691 R=0".to_vec()
            }
        );
        assert_eq!(
            parse_chap(&build::packet(5, 1, &[1, 2])).unwrap().body,
            ChapBody::Unknown(vec![1, 2])
        );
        assert_eq!(ChapCode(7).name(), Some("Change-Password"));
    }

    #[test]
    fn chap_bad_lengths() {
        assert_eq!(
            parse_chap(&build::packet(1, 1, &[17, 0, 0])),
            Err(WireError::BadLength {
                layer: Layer::Chap,
                offset: 4,
                declared: 17,
                minimum: 0,
                available: 2
            })
        );
        assert_eq!(
            parse_chap(&build::packet(2, 1, &[])),
            Err(WireError::Truncated {
                layer: Layer::Chap,
                offset: 4,
                needed: 1,
                available: 0
            })
        );
        assert_eq!(
            parse_chap(&[1, 1, 0]),
            Err(WireError::Truncated {
                layer: Layer::Chap,
                offset: 0,
                needed: 4,
                available: 3
            })
        );
    }

    #[test]
    fn ms_chap_v2_response_fields() {
        let mut value = build::ms_chap_v2_value([0x11; 16], [0x22; 24]);
        let r = MsChapV2Response::parse(&value).unwrap();
        assert_eq!(r.peer_challenge, [0x11; 16]);
        assert_eq!(r.reserved, [0; 8]);
        assert_eq!(r.nt_response, [0x22; 24]);
        assert_eq!(r.flags, 0);
        value.push(0);
        assert_eq!(
            MsChapV2Response::parse(&value),
            Err(WireError::BadLength {
                layer: Layer::MsChapV2Response,
                offset: 0,
                declared: 50,
                minimum: 49,
                available: 49
            })
        );
        assert!(MsChapV2Response::parse(&value[..16]).is_err());
    }

    #[test]
    fn ms_chap_v1_response_fields() {
        let mut value = vec![0x33; 24];
        value.extend_from_slice(&[0x44; 24]);
        value.push(1);
        let r = MsChapV1Response::parse(&value).unwrap();
        assert_eq!(r.lm_response, [0x33; 24]);
        assert_eq!(r.nt_response, [0x44; 24]);
        assert_eq!(r.flags, 1);
        assert!(r.use_nt_response());
        value[48] = 0;
        assert!(!MsChapV1Response::parse(&value).unwrap().use_nt_response());
        assert!(MsChapV1Response::parse(&value[..48]).is_err());
    }

    #[test]
    fn ms_chap_v2_success_message() {
        let s =
            MsChapV2Success::parse(b"S=460874E1CADF35FBD9F6E80C01A1ADC5746F0B6A M=Access granted").unwrap();
        assert_eq!(
            s.authenticator_response,
            [
                0x46, 0x08, 0x74, 0xE1, 0xCA, 0xDF, 0x35, 0xFB, 0xD9, 0xF6, 0xE8, 0x0C, 0x01, 0xA1, 0xAD,
                0xC5, 0x74, 0x6F, 0x0B, 0x6A
            ]
        );
        assert_eq!(s.message.as_deref(), Some("Access granted"));
        assert_eq!(
            s.authenticator_response_text(),
            "S=460874E1CADF35FBD9F6E80C01A1ADC5746F0B6A"
        );
        let lower = MsChapV2Success::parse(b"  S=460874e1cadf35fbd9f6e80c01a1adc5746f0b6a").unwrap();
        assert_eq!(lower.authenticator_response, s.authenticator_response);
        assert_eq!(lower.message, None);
        assert_eq!(
            MsChapV2Success::parse(b"M=hello"),
            Err(WireError::Invalid {
                layer: Layer::MsChapSuccess,
                offset: 0,
                detail: "no S= authenticator response"
            })
        );
        assert_eq!(
            MsChapV2Success::parse(b"S=1234"),
            Err(WireError::Invalid {
                layer: Layer::MsChapSuccess,
                offset: 2,
                detail: "S= is not 40 hex digits"
            })
        );
        assert!(MsChapV2Success::parse(b"S=460874E1CADF35FBD9F6E80C01A1ADC5746F0B6A00").is_err());
    }

    #[test]
    fn ms_chap_failure_message_all_fields() {
        let f = MsChapFailure::parse(
            b"E=691 R=1 C=0123456789ABCDEF0123456789ABCDEF V=3 M=Authentication failure",
        )
        .unwrap();
        assert_eq!(f.error_code, Some(691));
        assert_eq!(f.retry_allowed, Some(true));
        assert_eq!(
            f.challenge,
            Some(vec![
                0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD,
                0xEF
            ])
        );
        assert_eq!(f.version, Some(3));
        assert_eq!(f.message.as_deref(), Some("Authentication failure"));
        assert!(f.other.is_empty());
        assert_eq!(
            f.windows_error(),
            Some(WindowsError {
                code: 691,
                symbol: "ERROR_AUTHENTICATION_FAILURE",
                meaning: "the user name or password is not valid"
            })
        );
    }

    #[test]
    fn ms_chap_failure_any_order_and_spacing() {
        let f = MsChapFailure::parse(
            b"  V=3   R=0 E=0000000648 C=00112233445566778899aabbccddeeff X=9 junk M=  spaced  text \0",
        )
        .unwrap();
        assert_eq!(f.error_code, Some(648));
        assert_eq!(f.retry_allowed, Some(false));
        assert_eq!(f.version, Some(3));
        assert_eq!(f.challenge.as_ref().map(Vec::len), Some(16));
        assert_eq!(f.message.as_deref(), Some("  spaced  text "));
        assert_eq!(
            f.other,
            vec![
                ("X".to_string(), "9".to_string()),
                (String::new(), "junk".to_string())
            ]
        );
        assert_eq!(f.windows_error().map(|e| e.symbol), Some("ERROR_PASSWD_EXPIRED"));
        // MS-CHAP v1 sends only E and R.
        let v1 = MsChapFailure::parse(b"E=649 R=0").unwrap();
        assert_eq!(
            (
                v1.error_code,
                v1.retry_allowed,
                v1.challenge,
                v1.version,
                v1.message
            ),
            (Some(649), Some(false), None, None, None)
        );
        // Unlisted codes are kept as numbers.
        let odd = MsChapFailure::parse(b"E=812 R=0 C=zz").unwrap();
        assert_eq!(odd.error_code, Some(812));
        assert_eq!(odd.windows_error(), None);
        assert_eq!(odd.other, vec![("C".to_string(), "zz".to_string())]);
        assert_eq!(
            MsChapFailure::parse(b"R=1 M=no code"),
            Err(WireError::Invalid {
                layer: Layer::MsChapFailure,
                offset: 0,
                detail: "no decimal E= error code"
            })
        );
    }

    #[test]
    fn windows_error_table() {
        let codes: Vec<&str> = [646, 647, 648, 649, 691, 709]
            .iter()
            .filter_map(|c| windows_error(*c))
            .map(|e| e.symbol)
            .collect();
        assert_eq!(
            codes,
            [
                "ERROR_RESTRICTED_LOGON_HOURS",
                "ERROR_ACCT_DISABLED",
                "ERROR_PASSWD_EXPIRED",
                "ERROR_NO_DIALIN_PERMISSION",
                "ERROR_AUTHENTICATION_FAILURE",
                "ERROR_CHANGING_PASSWORD"
            ]
        );
        assert_eq!(windows_error(700), None);
        assert_eq!(
            windows_error(647).unwrap().to_string(),
            "647 ERROR_ACCT_DISABLED (the account is disabled)"
        );
    }

    #[test]
    fn ms_chap_v2_change_password_fields() {
        let mut data = vec![0x5a; 516];
        data.extend_from_slice(&[0x01; 16]);
        data.extend_from_slice(&[0x02; 16]);
        data.extend_from_slice(&[0x00; 8]);
        data.extend_from_slice(&[0x03; 24]);
        data.extend_from_slice(&[0x00, 0x00]);
        let bytes = build::packet(7, 9, &data);
        assert_eq!(bytes.len(), 586);
        let p = parse_chap(&bytes).unwrap();
        assert_eq!(
            (p.code, p.identifier, p.length),
            (ChapCode::CHANGE_PASSWORD, 9, 586)
        );
        let ChapBody::ChangePassword(cp) = p.body else {
            panic!("not a change-password")
        };
        assert_eq!(cp.encrypted_password, vec![0x5a; 516]);
        assert_eq!(cp.encrypted_hash, [0x01; 16]);
        assert_eq!(cp.peer_challenge, [0x02; 16]);
        assert_eq!(cp.reserved, [0; 8]);
        assert_eq!(cp.nt_response, [0x03; 24]);
        assert_eq!(cp.flags, 0);
        assert_eq!(
            parse_chap(&build::packet(7, 9, &data[..100])),
            Err(WireError::Truncated {
                layer: Layer::ChangePassword,
                offset: 4,
                needed: 582,
                available: 100
            })
        );
    }
}
