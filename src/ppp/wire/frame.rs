//! PPP framing as PPTP and SSTP carry it: no flags, no byte stuffing, no
//! FCS (RFC 2637 §4), only the optional Address/Control bytes and the 1- or
//! 2-byte Protocol field (RFC 1661 §2, §6.5, §6.6; RFC 1662 §3).

use core::fmt;

use serde::{Serialize, Serializer};

use super::{Layer, Result, WireError};

/// The All-Stations address (RFC 1662 §3.1).
pub const ALL_STATIONS: u8 = 0xFF;
/// Unnumbered Information with the P/F bit clear (RFC 1662 §3.1).
pub const UI_CONTROL: u8 = 0x03;

/// A PPP Protocol field value (RFC 1661 §2). Open: an unassigned value is
/// kept as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Protocol(pub u16);

/// The four ranges of the protocol number space (RFC 1661 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProtocolClass {
    /// 0x0***–0x3***: network-layer datagrams.
    NetworkLayer,
    /// 0x4***–0x7***: low-volume traffic without a control protocol.
    LowVolume,
    /// 0x8***–0xB***: the network control protocol of a network layer.
    NetworkControl,
    /// 0xC***–0xF***: link-layer control protocols (LCP, authentication).
    LinkControl,
}

impl Protocol {
    /// Internet Protocol version 4 (RFC 1332).
    pub const IPV4: Protocol = Protocol(0x0021);
    /// Van Jacobson compressed TCP/IP (RFC 1332).
    pub const VJ_COMPRESSED_TCP: Protocol = Protocol(0x002D);
    /// Van Jacobson uncompressed TCP/IP (RFC 1332).
    pub const VJ_UNCOMPRESSED_TCP: Protocol = Protocol(0x002F);
    /// Multilink fragment (RFC 1990).
    pub const MULTILINK: Protocol = Protocol(0x003D);
    /// NetBIOS Framing.
    pub const NETBIOS_FRAMING: Protocol = Protocol(0x003F);
    /// Internet Protocol version 6 (RFC 5072).
    pub const IPV6: Protocol = Protocol(0x0057);
    /// Individual-link compressed datagram (RFC 1962).
    pub const INDIVIDUAL_LINK_COMPRESSED: Protocol = Protocol(0x00FB);
    /// Compressed datagram; with MPPE, an encrypted one (RFC 1962, RFC 3078).
    pub const COMPRESSED: Protocol = Protocol(0x00FD);
    /// IP Control Protocol (RFC 1332).
    pub const IPCP: Protocol = Protocol(0x8021);
    /// AppleTalk Control Protocol.
    pub const APPLETALK_CP: Protocol = Protocol(0x8029);
    /// Novell IPX Control Protocol.
    pub const IPXCP: Protocol = Protocol(0x802B);
    /// NetBIOS Frames Control Protocol.
    pub const NBFCP: Protocol = Protocol(0x803F);
    /// IPv6 Control Protocol (RFC 5072).
    pub const IPV6CP: Protocol = Protocol(0x8057);
    /// Individual-link Compression Control Protocol (RFC 1962).
    pub const INDIVIDUAL_LINK_CCP: Protocol = Protocol(0x80FB);
    /// Compression Control Protocol (RFC 1962).
    pub const CCP: Protocol = Protocol(0x80FD);
    /// Link Control Protocol (RFC 1661).
    pub const LCP: Protocol = Protocol(0xC021);
    /// Password Authentication Protocol (RFC 1334).
    pub const PAP: Protocol = Protocol(0xC023);
    /// Link Quality Report (RFC 1661, RFC 1989).
    pub const LQR: Protocol = Protocol(0xC025);
    /// Microsoft Callback Control Protocol.
    pub const CBCP: Protocol = Protocol(0xC029);
    /// Bandwidth Allocation Control Protocol (RFC 2125).
    pub const BACP: Protocol = Protocol(0xC02B);
    /// Bandwidth Allocation Protocol (RFC 2125).
    pub const BAP: Protocol = Protocol(0xC02D);
    /// Challenge-Handshake Authentication Protocol (RFC 1994).
    pub const CHAP: Protocol = Protocol(0xC223);
    /// Extensible Authentication Protocol (RFC 2284).
    pub const EAP: Protocol = Protocol(0xC227);

    /// (short name, long name) of the registered values tunnelscope knows.
    fn names(self) -> Option<(&'static str, &'static str)> {
        Some(match self.0 {
            0x0021 => ("IPv4", "Internet Protocol version 4"),
            0x002D => ("VJ-C", "Van Jacobson compressed TCP/IP"),
            0x002F => ("VJ-UC", "Van Jacobson uncompressed TCP/IP"),
            0x003D => ("MP", "Multilink fragment"),
            0x003F => ("NBF", "NetBIOS Framing"),
            0x0057 => ("IPv6", "Internet Protocol version 6"),
            0x00FB => ("IL-COMP", "individual-link compressed datagram"),
            0x00FD => ("COMP", "compressed or MPPE-encrypted datagram"),
            0x8021 => ("IPCP", "IP Control Protocol"),
            0x8029 => ("ATCP", "AppleTalk Control Protocol"),
            0x802B => ("IPXCP", "IPX Control Protocol"),
            0x803F => ("NBFCP", "NetBIOS Frames Control Protocol"),
            0x8057 => ("IPV6CP", "IPv6 Control Protocol"),
            0x80FB => ("IL-CCP", "individual-link Compression Control Protocol"),
            0x80FD => ("CCP", "Compression Control Protocol"),
            0xC021 => ("LCP", "Link Control Protocol"),
            0xC023 => ("PAP", "Password Authentication Protocol"),
            0xC025 => ("LQR", "Link Quality Report"),
            0xC029 => ("CBCP", "Callback Control Protocol"),
            0xC02B => ("BACP", "Bandwidth Allocation Control Protocol"),
            0xC02D => ("BAP", "Bandwidth Allocation Protocol"),
            0xC223 => ("CHAP", "Challenge-Handshake Authentication Protocol"),
            0xC227 => ("EAP", "Extensible Authentication Protocol"),
            _ => return None,
        })
    }

    /// Short name ("LCP", "IPv4", …) of a known protocol.
    pub fn name(self) -> Option<&'static str> {
        self.names().map(|(short, _)| short)
    }

    /// Long name of a known protocol.
    pub fn long_name(self) -> Option<&'static str> {
        self.names().map(|(_, long)| long)
    }

    /// RFC 1661 §2: every assigned value has an odd low octet and an even
    /// high octet. A value breaking that rule cannot be a real protocol.
    pub fn is_well_formed(self) -> bool {
        self.0 & 0x0001 == 0x0001 && self.0 & 0x0100 == 0
    }

    /// The range the value falls in (RFC 1661 §2).
    pub fn class(self) -> ProtocolClass {
        match self.0 >> 12 {
            0x0..=0x3 => ProtocolClass::NetworkLayer,
            0x4..=0x7 => ProtocolClass::LowVolume,
            0x8..=0xB => ProtocolClass::NetworkControl,
            _ => ProtocolClass::LinkControl,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} (0x{:04x})", self.0),
            None => write!(f, "0x{:04x}", self.0),
        }
    }
}

impl Serialize for Protocol {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One PPP frame with its header decoded: the Information field borrows the
/// input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PppFrame<'a> {
    /// True when the frame starts with `FF 03` (All-Stations, UI). False
    /// means Address-and-Control-Field-Compression (RFC 1661 §6.6).
    pub address_control: bool,
    /// True when the Protocol field is one byte (Protocol-Field-Compression,
    /// RFC 1661 §6.5).
    pub protocol_compressed: bool,
    pub protocol: Protocol,
    /// The Information field (and any padding): everything after Protocol.
    pub information: &'a [u8],
}

impl PppFrame<'_> {
    /// Bytes taken by Address, Control and Protocol.
    pub fn header_len(&self) -> usize {
        let address = if self.address_control { 2 } else { 0 };
        let protocol = if self.protocol_compressed { 1 } else { 2 };
        address + protocol
    }

    /// RFC 1661 §6.5, §6.6: LCP packets always go with the Address/Control
    /// bytes and a two-byte Protocol, whatever was negotiated. Real stacks
    /// break this (pptpd sends LCP Echo with ACFC), so it is a counted
    /// departure, not an error.
    pub fn lcp_framing_violation(&self) -> bool {
        self.protocol == Protocol::LCP && (!self.address_control || self.protocol_compressed)
    }
}

/// Decodes the Address, Control and Protocol fields (RFC 1661 §2, RFC 1662
/// §3.1). `FF 03` is skipped when present; an odd first protocol byte is a
/// compressed one-byte field. Frames of one call may mix both forms.
pub fn parse_frame(bytes: &[u8]) -> Result<PppFrame<'_>> {
    let (address_control, rest, offset) = match bytes {
        [ALL_STATIONS, UI_CONTROL, rest @ ..] => (true, rest, 2),
        _ => (false, bytes, 0),
    };
    match rest {
        [first, information @ ..] if first & 1 == 1 => Ok(PppFrame {
            address_control,
            protocol_compressed: true,
            protocol: Protocol(u16::from(*first)),
            information,
        }),
        [high, low, information @ ..] => Ok(PppFrame {
            address_control,
            protocol_compressed: false,
            protocol: Protocol(u16::from_be_bytes([*high, *low])),
            information,
        }),
        _ => Err(WireError::Truncated {
            layer: Layer::Frame,
            offset,
            needed: 2,
            available: rest.len(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_header_two_byte_protocol() {
        let f = parse_frame(&[0xFF, 0x03, 0xC0, 0x21, 0x01, 0x02]).unwrap();
        assert!(f.address_control);
        assert!(!f.protocol_compressed);
        assert_eq!(f.protocol, Protocol::LCP);
        assert_eq!(f.information, &[0x01, 0x02]);
        assert_eq!(f.header_len(), 4);
        assert!(!f.lcp_framing_violation());
    }

    #[test]
    fn acfc_and_pfc_one_byte_protocol() {
        let f = parse_frame(&[0xFD, 0x90, 0x00, 0xAA]).unwrap();
        assert!(!f.address_control);
        assert!(f.protocol_compressed);
        assert_eq!(f.protocol, Protocol::COMPRESSED);
        assert_eq!(f.information, &[0x90, 0x00, 0xAA]);
        assert_eq!(f.header_len(), 1);
    }

    #[test]
    fn acfc_with_two_byte_protocol() {
        let f = parse_frame(&[0xC2, 0x23, 0x01]).unwrap();
        assert!(!f.address_control);
        assert!(!f.protocol_compressed);
        assert_eq!(f.protocol, Protocol::CHAP);
        assert_eq!(f.information, &[0x01]);
    }

    #[test]
    fn address_control_with_one_byte_protocol() {
        let f = parse_frame(&[0xFF, 0x03, 0x21, 0x45]).unwrap();
        assert!(f.address_control);
        assert!(f.protocol_compressed);
        assert_eq!(f.protocol, Protocol::IPV4);
        assert_eq!(f.information, &[0x45]);
        assert_eq!(f.header_len(), 3);
    }

    #[test]
    fn lcp_without_address_control_is_a_violation() {
        let f = parse_frame(&[0xC0, 0x21, 0x09, 0x00, 0x00, 0x08]).unwrap();
        assert!(f.lcp_framing_violation());
    }

    #[test]
    fn empty_information_is_allowed() {
        let f = parse_frame(&[0xFF, 0x03, 0x80, 0x21]).unwrap();
        assert_eq!(f.protocol, Protocol::IPCP);
        assert!(f.information.is_empty());
    }

    #[test]
    fn truncated_frames_are_errors() {
        assert_eq!(
            parse_frame(&[]),
            Err(WireError::Truncated {
                layer: Layer::Frame,
                offset: 0,
                needed: 2,
                available: 0
            })
        );
        assert_eq!(
            parse_frame(&[0xFF, 0x03]),
            Err(WireError::Truncated {
                layer: Layer::Frame,
                offset: 2,
                needed: 2,
                available: 0
            })
        );
        assert_eq!(
            parse_frame(&[0xFF, 0x03, 0xC0]),
            Err(WireError::Truncated {
                layer: Layer::Frame,
                offset: 2,
                needed: 2,
                available: 1
            })
        );
        // A lone even byte cannot be a protocol field.
        assert!(parse_frame(&[0x80]).is_err());
    }

    #[test]
    fn builder_frames_decode_back() {
        use crate::ppp::build;
        let full = build::frame(0x8021, &[1, 2]);
        let f = parse_frame(&full).unwrap();
        assert_eq!(
            (f.address_control, f.protocol_compressed, f.protocol),
            (true, false, Protocol::IPCP)
        );
        assert_eq!(f.information, &[1, 2]);
        let short = build::frame_compressed(0x0057, &[0x60]);
        let f = parse_frame(&short).unwrap();
        assert_eq!(
            (f.address_control, f.protocol_compressed, f.protocol),
            (false, true, Protocol::IPV6)
        );
        let two = build::frame_compressed(0x80FD, &[]);
        let f = parse_frame(&two).unwrap();
        assert_eq!(
            (f.address_control, f.protocol_compressed, f.protocol),
            (false, false, Protocol::CCP)
        );
    }

    #[test]
    fn protocol_names_and_classes() {
        assert_eq!(Protocol::LCP.name(), Some("LCP"));
        assert_eq!(Protocol::COMPRESSED.name(), Some("COMP"));
        assert_eq!(Protocol(0x803F).name(), Some("NBFCP"));
        assert_eq!(Protocol::CBCP.long_name(), Some("Callback Control Protocol"));
        assert_eq!(Protocol(0x1235).name(), None);
        assert_eq!(Protocol::IPV6CP.to_string(), "IPV6CP (0x8057)");
        assert_eq!(Protocol(0x1235).to_string(), "0x1235");
        assert_eq!(Protocol::IPV4.class(), ProtocolClass::NetworkLayer);
        assert_eq!(Protocol(0x4021).class(), ProtocolClass::LowVolume);
        assert_eq!(Protocol::CCP.class(), ProtocolClass::NetworkControl);
        assert_eq!(Protocol::EAP.class(), ProtocolClass::LinkControl);
        assert!(Protocol::LCP.is_well_formed());
        assert!(!Protocol(0xC020).is_well_formed());
        assert!(!Protocol(0x0121).is_well_formed());
        assert_eq!(
            serde_json::to_string(&Protocol::CHAP).unwrap(),
            "\"CHAP (0xc223)\""
        );
    }
}
