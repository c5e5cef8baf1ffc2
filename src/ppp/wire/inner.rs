//! Who talks to whom inside the tunnel: version, transport protocol and
//! addresses of an IPv4 (RFC 791 §3.1) or IPv6 (RFC 8200 §3) packet carried
//! in PPP. Nothing beyond the headers is read.

use core::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{array, Layer, Result, WireError};

/// Extension headers walked before giving up on finding the transport.
const MAX_EXTENSION_HEADERS: usize = 8;

/// IP protocol / IPv6 Next Header number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpProtocol(pub u8);

impl IpProtocol {
    pub const ICMP: Self = Self(1);
    pub const IGMP: Self = Self(2);
    pub const TCP: Self = Self(6);
    pub const UDP: Self = Self(17);
    pub const GRE: Self = Self(47);
    pub const ESP: Self = Self(50);
    pub const ICMPV6: Self = Self(58);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "ICMP",
            2 => "IGMP",
            6 => "TCP",
            17 => "UDP",
            47 => "GRE",
            50 => "ESP",
            58 => "ICMPv6",
            _ => return None,
        })
    }
}

impl fmt::Display for IpProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "protocol {}", self.0),
        }
    }
}

/// The summary of one inner packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InnerIp {
    /// 4 or 6.
    pub version: u8,
    /// The transport protocol (after IPv6 extension headers, when they
    /// could be walked).
    pub protocol: IpProtocol,
    pub source: IpAddr,
    pub destination: IpAddr,
}

fn truncated(layer: Layer, needed: usize, available: usize) -> WireError {
    WireError::Truncated {
        layer,
        offset: 0,
        needed,
        available,
    }
}

fn parse_ipv4(bytes: &[u8]) -> Result<InnerIp> {
    let header: &[u8; 20] = bytes
        .first_chunk()
        .ok_or_else(|| truncated(Layer::Ipv4, 20, bytes.len()))?;
    let ihl = usize::from(header[0] & 0x0F) * 4;
    if ihl < 20 || ihl > bytes.len() {
        return Err(WireError::BadLength {
            layer: Layer::Ipv4,
            offset: 0,
            declared: ihl,
            minimum: 20,
            available: bytes.len(),
        });
    }
    let [s0, s1, s2, s3, d0, d1, d2, d3] = header.get(12..20).and_then(array::<8>).unwrap_or_default();
    Ok(InnerIp {
        version: 4,
        protocol: IpProtocol(header[9]),
        source: IpAddr::V4(Ipv4Addr::new(s0, s1, s2, s3)),
        destination: IpAddr::V4(Ipv4Addr::new(d0, d1, d2, d3)),
    })
}

fn parse_ipv6(bytes: &[u8]) -> Result<InnerIp> {
    let header: &[u8; 40] = bytes
        .first_chunk()
        .ok_or_else(|| truncated(Layer::Ipv6, 40, bytes.len()))?;
    let source = header
        .get(8..24)
        .and_then(array::<16>)
        .map(Ipv6Addr::from)
        .unwrap_or(Ipv6Addr::UNSPECIFIED);
    let destination = header
        .get(24..40)
        .and_then(array::<16>)
        .map(Ipv6Addr::from)
        .unwrap_or(Ipv6Addr::UNSPECIFIED);
    let mut next = header[6];
    let mut offset = 40usize;
    for _ in 0..MAX_EXTENSION_HEADERS {
        let len = match next {
            // Hop-by-Hop, Routing, Destination Options: (Hdr Ext Len + 1) × 8.
            0 | 43 | 60 => bytes.get(offset + 1).map(|l| (usize::from(*l) + 1) * 8),
            // Fragment: always 8.
            44 => Some(8),
            // Authentication Header: (Payload Len + 2) × 4.
            51 => bytes.get(offset + 1).map(|l| (usize::from(*l) + 2) * 4),
            _ => break,
        };
        let (Some(len), Some(&following)) = (len, bytes.get(offset)) else {
            break;
        };
        next = following;
        offset += len;
    }
    Ok(InnerIp {
        version: 6,
        protocol: IpProtocol(next),
        source: IpAddr::V6(source),
        destination: IpAddr::V6(destination),
    })
}

/// Reads the summary from an IPv4 or IPv6 packet, by its version nibble.
pub fn parse_inner_ip(bytes: &[u8]) -> Result<InnerIp> {
    match bytes.first().map(|b| b >> 4) {
        Some(4) => parse_ipv4(bytes),
        Some(6) => parse_ipv6(bytes),
        Some(_) => Err(WireError::Invalid {
            layer: Layer::Ipv4,
            offset: 0,
            detail: "version is neither 4 nor 6",
        }),
        None => Err(truncated(Layer::Ipv4, 1, 0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ppp::build;

    #[test]
    fn ipv4_summary() {
        let p = parse_inner_ip(&build::ipv4(1, [17, 1, 1, 122], [40, 0, 0, 2])).unwrap();
        assert_eq!(
            p,
            InnerIp {
                version: 4,
                protocol: IpProtocol::ICMP,
                source: IpAddr::V4(Ipv4Addr::new(17, 1, 1, 122)),
                destination: IpAddr::V4(Ipv4Addr::new(40, 0, 0, 2)),
            }
        );
        assert_eq!(p.protocol.to_string(), "ICMP");
    }

    #[test]
    fn ipv6_summary_walks_extension_headers() {
        let src = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        let dst = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
        let mut bytes = build::ipv6(0, src, dst);
        // Hop-by-Hop (8 bytes) then Fragment (8 bytes) then UDP.
        bytes.extend_from_slice(&[44, 0, 0, 0, 0, 0, 0, 0]);
        bytes.extend_from_slice(&[17, 0, 0, 0, 0, 0, 0, 0]);
        let p = parse_inner_ip(&bytes).unwrap();
        assert_eq!(p.version, 6);
        assert_eq!(p.protocol, IpProtocol::UDP);
        assert_eq!(p.source, IpAddr::V6(Ipv6Addr::from(src)));
        assert_eq!(p.destination, IpAddr::V6(Ipv6Addr::from(dst)));
        // Cut inside an extension header: the last known Next Header stays.
        let cut = parse_inner_ip(&build::ipv6(60, src, dst)).unwrap();
        assert_eq!(cut.protocol, IpProtocol(60));
    }

    #[test]
    fn bad_headers_are_errors() {
        assert_eq!(
            parse_inner_ip(&[]),
            Err(WireError::Truncated {
                layer: Layer::Ipv4,
                offset: 0,
                needed: 1,
                available: 0
            })
        );
        assert_eq!(
            parse_inner_ip(&[0x45, 0, 0]),
            Err(WireError::Truncated {
                layer: Layer::Ipv4,
                offset: 0,
                needed: 20,
                available: 3
            })
        );
        let mut short_ihl = build::ipv4(6, [1, 1, 1, 1], [2, 2, 2, 2]);
        short_ihl[0] = 0x44;
        assert_eq!(
            parse_inner_ip(&short_ihl),
            Err(WireError::BadLength {
                layer: Layer::Ipv4,
                offset: 0,
                declared: 16,
                minimum: 20,
                available: 20
            })
        );
        let mut long_ihl = build::ipv4(6, [1, 1, 1, 1], [2, 2, 2, 2]);
        long_ihl[0] = 0x46;
        assert!(parse_inner_ip(&long_ihl).is_err());
        assert_eq!(
            parse_inner_ip(&[0x60; 39]),
            Err(WireError::Truncated {
                layer: Layer::Ipv6,
                offset: 0,
                needed: 40,
                available: 39
            })
        );
        assert!(parse_inner_ip(&[0x50; 40]).is_err());
    }
}
