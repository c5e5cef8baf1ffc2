//! PPP frames as SSTP data packets (and GRE) carry them: HDLC-like framing
//! without flags or FCS (RFC 1662 §3, as [MS-SSTP] §2.2.3 and RFC 2637 §4
//! use it), LCP (RFC 1661), PAP (RFC 1334 §2.2), MS-CHAPv2 (RFC 2759) with
//! values computed from a user name and password, IPCP with addresses and
//! name servers (RFC 1332, RFC 1877) and IPv4/UDP datagrams inside.
//!
//! Every frame starts `FF 03` (All-Stations address, UI control) and a
//! two-byte protocol field: no ACFC or PFC is ever negotiated here, and LCP
//! must be sent that way anyway (RFC 1661 §6.5, §6.6).
//!
//! The MS-CHAPv2 Response, Success string and the SSTP HLAK come from
//! [`crate::crypto::mschapv2`] and [`crate::crypto::mppe`], which are checked
//! against the RFC 2759 §9.2 and RFC 3079 §3.5 vectors; everything else is
//! encoded here by hand.

use std::net::Ipv4Addr;

use super::packet::{ip_proto, ipv4, udp_datagram, Ipv4Header};
use super::{Result, SynthError};
use crate::crypto::mppe::{MasterKeys, Side as KeySide};
use crate::crypto::mschapv2::{
    authenticator_response_string, generate_authenticator_response, generate_nt_response,
};
use crate::crypto::sstp::Hlak;
use crate::crypto::Secret;

/// PPP protocol numbers (RFC 1661 §2, RFC 1332, RFC 1334, RFC 1994).
pub mod protocol {
    /// Internet Protocol version 4 (RFC 1332 §1).
    pub const IPV4: u16 = 0x0021;
    /// IP Control Protocol (RFC 1332 §2).
    pub const IPCP: u16 = 0x8021;
    /// Compression Control Protocol (RFC 1962).
    pub const CCP: u16 = 0x80FD;
    /// Link Control Protocol (RFC 1661 §5).
    pub const LCP: u16 = 0xC021;
    /// Password Authentication Protocol (RFC 1334 §2).
    pub const PAP: u16 = 0xC023;
    /// Challenge-Handshake Authentication Protocol (RFC 1994), which
    /// MS-CHAPv2 uses (RFC 2759 §2).
    pub const CHAP: u16 = 0xC223;
}

/// LCP and IPCP packet codes (RFC 1661 §5; IPCP uses 1–7, RFC 1332 §2).
pub mod code {
    /// Configure-Request.
    pub const CONFIGURE_REQUEST: u8 = 1;
    /// Configure-Ack.
    pub const CONFIGURE_ACK: u8 = 2;
    /// Configure-Nak.
    pub const CONFIGURE_NAK: u8 = 3;
    /// Configure-Reject.
    pub const CONFIGURE_REJECT: u8 = 4;
    /// Terminate-Request.
    pub const TERMINATE_REQUEST: u8 = 5;
    /// Terminate-Ack.
    pub const TERMINATE_ACK: u8 = 6;
    /// Code-Reject.
    pub const CODE_REJECT: u8 = 7;
    /// Protocol-Reject (LCP only).
    pub const PROTOCOL_REJECT: u8 = 8;
    /// Echo-Request (LCP only).
    pub const ECHO_REQUEST: u8 = 9;
    /// Echo-Reply (LCP only).
    pub const ECHO_REPLY: u8 = 10;
}

/// CHAP codes (RFC 1994 §4).
pub mod chap_code {
    /// Challenge.
    pub const CHALLENGE: u8 = 1;
    /// Response.
    pub const RESPONSE: u8 = 2;
    /// Success.
    pub const SUCCESS: u8 = 3;
    /// Failure.
    pub const FAILURE: u8 = 4;
}

/// PAP codes (RFC 1334 §2.2).
pub mod pap_code {
    /// Authenticate-Request.
    pub const AUTHENTICATE_REQUEST: u8 = 1;
    /// Authenticate-Ack.
    pub const AUTHENTICATE_ACK: u8 = 2;
    /// Authenticate-Nak.
    pub const AUTHENTICATE_NAK: u8 = 3;
}

/// CHAP algorithm byte of the Authentication-Protocol option for MS-CHAPv2
/// (RFC 2759 §2).
pub const CHAP_ALGORITHM_MSCHAPV2: u8 = 0x81;

/// The name a frame's protocol goes by in the truth tables.
pub fn protocol_name(protocol: u16) -> &'static str {
    match protocol {
        protocol::IPV4 => "IPv4",
        protocol::IPCP => "IPCP",
        protocol::CCP => "CCP",
        protocol::LCP => "LCP",
        protocol::PAP => "PAP",
        protocol::CHAP => "CHAP",
        _ => "unknown",
    }
}

/// The name of a packet code of `protocol` in the truth tables.
pub fn code_name(protocol: u16, code: u8) -> &'static str {
    match protocol {
        protocol::LCP | protocol::IPCP | protocol::CCP => match code {
            code::CONFIGURE_REQUEST => "Configure-Request",
            code::CONFIGURE_ACK => "Configure-Ack",
            code::CONFIGURE_NAK => "Configure-Nak",
            code::CONFIGURE_REJECT => "Configure-Reject",
            code::TERMINATE_REQUEST => "Terminate-Request",
            code::TERMINATE_ACK => "Terminate-Ack",
            code::CODE_REJECT => "Code-Reject",
            code::PROTOCOL_REJECT if protocol == protocol::LCP => "Protocol-Reject",
            code::ECHO_REQUEST if protocol == protocol::LCP => "Echo-Request",
            code::ECHO_REPLY if protocol == protocol::LCP => "Echo-Reply",
            _ => "unknown",
        },
        protocol::CHAP => match code {
            chap_code::CHALLENGE => "Challenge",
            chap_code::RESPONSE => "Response",
            chap_code::SUCCESS => "Success",
            chap_code::FAILURE => "Failure",
            _ => "unknown",
        },
        protocol::PAP => match code {
            pap_code::AUTHENTICATE_REQUEST => "Authenticate-Request",
            pap_code::AUTHENTICATE_ACK => "Authenticate-Ack",
            pap_code::AUTHENTICATE_NAK => "Authenticate-Nak",
            _ => "unknown",
        },
        _ => "unknown",
    }
}

/// A PPP frame: `FF 03`, the two-byte protocol, the information field.
pub fn frame(protocol: u16, information: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(4 + information.len());
    f.extend_from_slice(&[0xFF, 0x03]);
    f.extend_from_slice(&protocol.to_be_bytes());
    f.extend_from_slice(information);
    f
}

/// The packet format shared by LCP, IPCP, CHAP and PAP (RFC 1661 §5,
/// RFC 1994 §4, RFC 1334 §2.2): Code, Identifier, a Length counting the
/// whole packet, then the data.
pub fn packet(code: u8, identifier: u8, data: &[u8]) -> Result<Vec<u8>> {
    let len = 4 + data.len();
    let len16 = u16::try_from(len).map_err(|_| SynthError::TooLong {
        what: "PPP control packet",
        len,
        max: usize::from(u16::MAX),
    })?;
    let mut p = Vec::with_capacity(len);
    p.push(code);
    p.push(identifier);
    p.extend_from_slice(&len16.to_be_bytes());
    p.extend_from_slice(data);
    Ok(p)
}

/// A configuration option (RFC 1661 §6): Type, a Length counting the whole
/// option, Data.
pub fn option(option_type: u8, data: &[u8]) -> Result<Vec<u8>> {
    let len = 2 + data.len();
    let len8 = u8::try_from(len).map_err(|_| SynthError::TooLong {
        what: "PPP configuration option",
        len,
        max: 255,
    })?;
    let mut o = vec![option_type, len8];
    o.extend_from_slice(data);
    Ok(o)
}

/// An LCP packet in a PPP frame.
pub fn lcp(code: u8, identifier: u8, data: &[u8]) -> Result<Vec<u8>> {
    Ok(frame(protocol::LCP, &packet(code, identifier, data)?))
}

/// LCP configuration options (RFC 1661 §6).
pub mod lcp_option {
    use super::{option, Result};

    /// Maximum-Receive-Unit (type 1, RFC 1661 §6.1).
    pub fn mru(mru: u16) -> Result<Vec<u8>> {
        option(1, &mru.to_be_bytes())
    }

    /// Authentication-Protocol (type 3, RFC 1661 §6.2) asking for PAP:
    /// `03 04 C0 23`.
    pub fn auth_pap() -> Result<Vec<u8>> {
        option(3, &super::protocol::PAP.to_be_bytes())
    }

    /// Authentication-Protocol asking for MS-CHAPv2: `03 05 C2 23 81`
    /// (RFC 2759 §2).
    pub fn auth_mschapv2() -> Result<Vec<u8>> {
        let [hi, lo] = super::protocol::CHAP.to_be_bytes();
        option(3, &[hi, lo, super::CHAP_ALGORITHM_MSCHAPV2])
    }

    /// Magic-Number (type 5, RFC 1661 §6.4).
    pub fn magic_number(magic: u32) -> Result<Vec<u8>> {
        option(5, &magic.to_be_bytes())
    }
}

/// IPCP configuration options (RFC 1332 §3, RFC 1877 §1).
pub mod ipcp_option {
    use std::net::Ipv4Addr;

    use super::{option, Result};

    /// IP-Address (type 3, RFC 1332 §3.3); 0.0.0.0 asks the peer to assign
    /// one.
    pub fn ip_address(addr: Ipv4Addr) -> Result<Vec<u8>> {
        option(3, &addr.octets())
    }

    /// Primary-DNS-Server-Address (type 129, RFC 1877 §1.1).
    pub fn primary_dns(addr: Ipv4Addr) -> Result<Vec<u8>> {
        option(129, &addr.octets())
    }

    /// Secondary-DNS-Server-Address (type 131, RFC 1877 §1.3).
    pub fn secondary_dns(addr: Ipv4Addr) -> Result<Vec<u8>> {
        option(131, &addr.octets())
    }
}

/// An IPCP packet in a PPP frame; `options` are concatenated in order.
pub fn ipcp(code: u8, identifier: u8, options: &[Vec<u8>]) -> Result<Vec<u8>> {
    Ok(frame(
        protocol::IPCP,
        &packet(code, identifier, &options.concat())?,
    ))
}

/// LCP Echo-Request or Echo-Reply (RFC 1661 §5.8): Magic-Number and data.
pub fn lcp_echo(code: u8, identifier: u8, magic: u32, data: &[u8]) -> Result<Vec<u8>> {
    let mut d = magic.to_be_bytes().to_vec();
    d.extend_from_slice(data);
    lcp(code, identifier, &d)
}

/// PAP Authenticate-Request (RFC 1334 §2.2.1): Peer-ID-Length, Peer-ID,
/// Passwd-Length, Password, all in clear.
pub fn pap_request(identifier: u8, peer_id: &str, password: &str) -> Result<Vec<u8>> {
    let short = |what: &'static str, s: &str| {
        u8::try_from(s.len()).map_err(|_| SynthError::TooLong {
            what,
            len: s.len(),
            max: 255,
        })
    };
    let mut d = vec![short("PAP Peer-ID", peer_id)?];
    d.extend_from_slice(peer_id.as_bytes());
    d.push(short("PAP Password", password)?);
    d.extend_from_slice(password.as_bytes());
    Ok(frame(
        protocol::PAP,
        &packet(pap_code::AUTHENTICATE_REQUEST, identifier, &d)?,
    ))
}

/// PAP Authenticate-Ack or Authenticate-Nak (RFC 1334 §2.2.2): Msg-Length
/// and Message.
pub fn pap_reply(code: u8, identifier: u8, message: &str) -> Result<Vec<u8>> {
    let len = u8::try_from(message.len()).map_err(|_| SynthError::TooLong {
        what: "PAP Message",
        len: message.len(),
        max: 255,
    })?;
    let mut d = vec![len];
    d.extend_from_slice(message.as_bytes());
    Ok(frame(protocol::PAP, &packet(code, identifier, &d)?))
}

/// One MS-CHAPv2 authentication (RFC 2759): the challenges both ends pick
/// and the user's credentials, from which the Response, the Success message
/// and the keys follow.
#[derive(Debug, Clone)]
pub struct MsChapV2 {
    /// The Name field of the Challenge (the authenticator's name).
    pub server_name: String,
    /// The user name the peer sends, without a domain.
    pub user_name: String,
    /// The user's password.
    pub password: String,
    /// The 16-byte Authenticator Challenge (RFC 2759 §3).
    pub authenticator_challenge: [u8; 16],
    /// The 16-byte Peer-Challenge (RFC 2759 §4).
    pub peer_challenge: [u8; 16],
}

impl MsChapV2 {
    /// The Challenge packet (RFC 2759 §3): Value-Size 16, the
    /// Authenticator Challenge, the server's name.
    pub fn challenge(&self, identifier: u8) -> Result<Vec<u8>> {
        let mut d = vec![16];
        d.extend_from_slice(&self.authenticator_challenge);
        d.extend_from_slice(self.server_name.as_bytes());
        Ok(frame(
            protocol::CHAP,
            &packet(chap_code::CHALLENGE, identifier, &d)?,
        ))
    }

    /// GenerateNTResponse (RFC 2759 §8.1) for these values.
    pub fn nt_response(&self) -> [u8; 24] {
        generate_nt_response(
            &self.authenticator_challenge,
            &self.peer_challenge,
            self.user_name.as_bytes(),
            &self.password,
        )
    }

    /// The Response packet (RFC 2759 §4): Value-Size 49, Peer-Challenge,
    /// 8 reserved zero bytes, NT-Response, Flags 0, then the user name.
    pub fn response(&self, identifier: u8) -> Result<Vec<u8>> {
        let mut d = vec![49];
        d.extend_from_slice(&self.peer_challenge);
        d.extend_from_slice(&[0; 8]);
        d.extend_from_slice(&self.nt_response());
        d.push(0);
        d.extend_from_slice(self.user_name.as_bytes());
        Ok(frame(
            protocol::CHAP,
            &packet(chap_code::RESPONSE, identifier, &d)?,
        ))
    }

    /// The "S=<40 hex digits>" authenticator response (RFC 2759 §5, §8.7).
    pub fn authenticator_response(&self) -> String {
        authenticator_response_string(&generate_authenticator_response(
            &self.password,
            &self.nt_response(),
            &self.peer_challenge,
            &self.authenticator_challenge,
            self.user_name.as_bytes(),
        ))
    }

    /// The Success packet (RFC 2759 §5): "S=… M=<message>".
    pub fn success(&self, identifier: u8, message: &str) -> Result<Vec<u8>> {
        let text = format!("{} M={message}", self.authenticator_response());
        Ok(frame(
            protocol::CHAP,
            &packet(chap_code::SUCCESS, identifier, text.as_bytes())?,
        ))
    }

    /// A Failure packet (RFC 2759 §6): "E=<error> R=<0|1> C=<32 hex> V=3
    /// M=<message>", the new challenge being `next_challenge`.
    pub fn failure(
        identifier: u8,
        error: u32,
        retry: bool,
        next_challenge: &[u8; 16],
        message: &str,
    ) -> Result<Vec<u8>> {
        let challenge: String = next_challenge.iter().map(|b| format!("{b:02X}")).collect();
        let text = format!("E={error} R={} C={challenge} V=3 M={message}", u8::from(retry));
        Ok(frame(
            protocol::CHAP,
            &packet(chap_code::FAILURE, identifier, text.as_bytes())?,
        ))
    }

    /// The client's SSTP Higher-Layer Authentication Key ([MS-SSTP]
    /// §3.2.5.2.2): its MasterSendKey ‖ MasterReceiveKey (RFC 3079 §3.4).
    pub fn client_hlak(&self) -> Hlak {
        MasterKeys::from_mschapv2(
            &Secret::new(self.password.clone()),
            &self.nt_response(),
            KeySide::Client,
        )
        .sstp_hlak()
    }
}

/// An IPv4/UDP datagram inside a PPP frame (protocol 0x0021): DF set,
/// TTL 128 (a Windows sender), the given Identification.
pub fn ipv4_udp(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    ports: (u16, u16),
    identification: u16,
    payload: &[u8],
) -> Result<Vec<u8>> {
    let udp = udp_datagram(src.into(), dst.into(), ports.0, ports.1, payload)?;
    let mut h = Ipv4Header::new(src, dst, ip_proto::UDP);
    h.ttl = 128;
    h.identification = identification;
    Ok(frame(protocol::IPV4, &ipv4(&h, &udp)?))
}

/// A DNS message with one question for `name` (type A, class IN) and, for a
/// response, one answer pointing back at the question's name (RFC 1035
/// §4.1, §4.1.4): what a tunnel's first data packets usually are.
pub fn dns_a(id: u16, name: &str, answer: Option<Ipv4Addr>) -> Vec<u8> {
    let flags: u16 = if answer.is_some() { 0x8180 } else { 0x0100 };
    let mut m = Vec::new();
    m.extend_from_slice(&id.to_be_bytes());
    m.extend_from_slice(&flags.to_be_bytes());
    m.extend_from_slice(&1u16.to_be_bytes());
    m.extend_from_slice(&u16::from(answer.is_some()).to_be_bytes());
    m.extend_from_slice(&[0, 0, 0, 0]);
    for label in name.split('.') {
        m.push(label.len().min(63) as u8);
        m.extend_from_slice(label.as_bytes().get(..label.len().min(63)).unwrap_or_default());
    }
    m.push(0);
    m.extend_from_slice(&[0, 1, 0, 1]);
    if let Some(addr) = answer {
        // Name: a pointer to the question at offset 12; TTL 300; RDLENGTH 4.
        m.extend_from_slice(&[0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0x01, 0x2C, 0, 4]);
        m.extend_from_slice(&addr.octets());
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The RFC 2759 §9.2 inputs reproduce the RFC's NT-Response and
    /// authenticator response through the Response and Success packets.
    #[test]
    fn mschapv2_packets_carry_the_rfc_2759_values() {
        let auth = MsChapV2 {
            server_name: String::new(),
            user_name: "User".into(),
            password: "clientPass".into(),
            authenticator_challenge: [
                0x5B, 0x5D, 0x7C, 0x7D, 0x7B, 0x3F, 0x2F, 0x3E, 0x3C, 0x2C, 0x60, 0x21, 0x32, 0x26, 0x26,
                0x28,
            ],
            peer_challenge: [
                0x21, 0x40, 0x23, 0x24, 0x25, 0x5E, 0x26, 0x2A, 0x28, 0x29, 0x5F, 0x2B, 0x3A, 0x33, 0x7C,
                0x7E,
            ],
        };
        let r = auth.response(7).unwrap();
        // FF 03 C2 23, code 2, id 7, length 4 + 1 + 49 + 4 = 58.
        assert_eq!(&r[..10], &[0xFF, 0x03, 0xC2, 0x23, 2, 7, 0, 58, 49, 0x21]);
        assert_eq!(
            &r[33..57],
            &[
                0x82, 0x30, 0x9E, 0xCD, 0x8D, 0x70, 0x8B, 0x5E, 0xA0, 0x8F, 0xAA, 0x39, 0x81, 0xCD, 0x83,
                0x54, 0x42, 0x33, 0x11, 0x4A, 0x3D, 0x85, 0xD6, 0xDF
            ]
        );
        assert_eq!(r[57], 0);
        assert_eq!(&r[58..], b"User");
        let s = auth.success(7, "OK").unwrap();
        assert_eq!(&s[8..], b"S=407A5589115FD0D6209F510FE9C04566932CDA56 M=OK");
        assert_eq!(u16::from_be_bytes([s[6], s[7]]) as usize, s.len() - 4);
        let c = auth.challenge(6).unwrap();
        assert_eq!(&c[..9], &[0xFF, 0x03, 0xC2, 0x23, 1, 6, 0, 21, 16]);
        // RFC 3079 §3.5 inputs give the HLAK of protocols.md §5.3.
        let hlak = auth.client_hlak();
        assert_eq!(
            hlak.expose()[..4],
            [0xD5, 0xF0, 0xE9, 0x52],
            "client MasterSendKey first"
        );
        assert_eq!(hlak.expose()[16..20], [0x8B, 0x7C, 0xDC, 0x14]);
    }

    #[test]
    fn lcp_ipcp_pap_and_udp_frames() {
        let opts = [
            lcp_option::mru(4091).unwrap(),
            lcp_option::magic_number(0x0102_0304).unwrap(),
        ]
        .concat();
        assert_eq!(
            lcp(code::CONFIGURE_REQUEST, 1, &opts).unwrap(),
            [0xFF, 0x03, 0xC0, 0x21, 1, 1, 0, 14, 1, 4, 0x0F, 0xFB, 5, 6, 1, 2, 3, 4]
        );
        assert_eq!(lcp_option::auth_mschapv2().unwrap(), [3, 5, 0xC2, 0x23, 0x81]);
        assert_eq!(lcp_option::auth_pap().unwrap(), [3, 4, 0xC0, 0x23]);
        assert_eq!(
            ipcp(
                code::CONFIGURE_NAK,
                2,
                &[
                    ipcp_option::ip_address(Ipv4Addr::new(10, 8, 0, 23)).unwrap(),
                    ipcp_option::primary_dns(Ipv4Addr::new(10, 8, 0, 53)).unwrap()
                ]
            )
            .unwrap(),
            [0xFF, 0x03, 0x80, 0x21, 3, 2, 0, 16, 3, 6, 10, 8, 0, 23, 129, 6, 10, 8, 0, 53]
        );
        assert_eq!(
            pap_request(1, "alice", "pw").unwrap(),
            [0xFF, 0x03, 0xC0, 0x23, 1, 1, 0, 13, 5, b'a', b'l', b'i', b'c', b'e', 2, b'p', b'w']
        );
        assert_eq!(
            pap_reply(pap_code::AUTHENTICATE_ACK, 1, "").unwrap(),
            [0xFF, 0x03, 0xC0, 0x23, 2, 1, 0, 5, 0]
        );
        assert_eq!(
            lcp_echo(code::ECHO_REPLY, 3, 0xAABB_CCDD, &[]).unwrap(),
            [0xFF, 0x03, 0xC0, 0x21, 10, 3, 0, 8, 0xAA, 0xBB, 0xCC, 0xDD]
        );
        let q = dns_a(0x1234, "a.example", None);
        assert_eq!(q.len(), 12 + 11 + 4);
        let f = ipv4_udp(
            Ipv4Addr::new(10, 8, 0, 23),
            Ipv4Addr::new(10, 8, 0, 53),
            (53_000, 53),
            9,
            &q,
        )
        .unwrap();
        assert_eq!(&f[..4], &[0xFF, 0x03, 0x00, 0x21]);
        let ip = &f[4..];
        assert_eq!((ip[0], ip[8], ip[9]), (0x45, 128, 17));
        assert_eq!(u16::from_be_bytes([ip[2], ip[3]]) as usize, ip.len());
        let a = dns_a(0x1234, "a.example", Some(Ipv4Addr::new(10, 8, 1, 10)));
        assert_eq!(&a[a.len() - 4..], &[10, 8, 1, 10]);
        assert_eq!(&a[2..8], &[0x81, 0x80, 0, 1, 0, 1]);
        assert_eq!(code_name(protocol::LCP, code::ECHO_REQUEST), "Echo-Request");
        assert_eq!(code_name(protocol::IPCP, code::ECHO_REQUEST), "unknown");
        assert_eq!(
            MsChapV2::failure(2, 691, false, &[0xAB; 16], "denied").unwrap()[8..],
            *b"E=691 R=0 C=ABABABABABABABABABABABABABABABAB V=3 M=denied"
        );
    }
}
