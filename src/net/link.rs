//! Link layers: from a captured frame to the first byte of its IP header.
//!
//! Every link type tunnelscope reads is peeled here, without copying: the
//! result borrows the frame. Frames that carry something other than IP (ARP,
//! 802.3/LLC, LCP on a PPP link, …) are reported as [`LinkError::NotIp`], a
//! normal outcome rather than a fault.

use thiserror::Error;

use super::decode::{HeaderError, Layer};
use crate::capture::LinkType;

/// How many stacked 802.1Q / 802.1ad tags are peeled before the frame is
/// called malformed. Real networks use one or two; the bound keeps a crafted
/// frame of nothing but tags from being walked to its end.
pub const MAX_VLAN_TAGS: usize = 8;

/// EtherType values (IEEE Registration Authority) that this module acts on.
pub mod ethertype {
    /// Internet Protocol version 4 (RFC 894).
    pub const IPV4: u16 = 0x0800;
    /// Internet Protocol version 6 (RFC 2464).
    pub const IPV6: u16 = 0x86DD;
    /// IEEE 802.1Q customer VLAN tag.
    pub const VLAN: u16 = 0x8100;
    /// IEEE 802.1ad service VLAN tag (QinQ).
    pub const QINQ: u16 = 0x88A8;
    /// Pre-standard QinQ tag used by some vendors.
    pub const QINQ_LEGACY: u16 = 0x9100;
    /// PPPoE discovery stage (RFC 2516 §4).
    pub const PPPOE_DISCOVERY: u16 = 0x8863;
    /// PPPoE session stage (RFC 2516 §4).
    pub const PPPOE_SESSION: u16 = 0x8864;
    /// Values below this are IEEE 802.3 length fields, not EtherTypes
    /// (IEEE 802.3 §3.2.6).
    pub const MIN_ETHERTYPE: u16 = 0x0600;
}

/// PPP protocol numbers (RFC 1661 §2, IANA "PPP DLL Protocol Numbers").
pub mod ppp_protocol {
    /// Internet Protocol version 4 (RFC 1332).
    pub const IPV4: u16 = 0x0021;
    /// Internet Protocol version 6 (RFC 5072).
    pub const IPV6: u16 = 0x0057;
}

/// Which IP version the link layer announced for the bytes it hands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpVersionHint {
    /// The link said IPv4 (EtherType 0x0800, AF_INET, PPP 0x0021, DLT 228).
    V4,
    /// The link said IPv6 (EtherType 0x86DD, AF_INET6, PPP 0x0057, DLT 229).
    V6,
    /// Raw IP links (DLT 12, 14, 101): the header's version nibble decides.
    ByVersionNibble,
}

/// The network-layer bytes of a frame, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkLayer<'a> {
    pub hint: IpVersionHint,
    /// From the first byte of the IP header to the end of the captured frame
    /// (or of the PPPoE payload); link trailers such as Ethernet padding are
    /// still included and are trimmed by the IP total length.
    pub bytes: &'a [u8],
}

/// Why a frame yielded no IP header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum LinkError {
    /// The link type is not one [`is_supported`] accepts.
    #[error("link type {} is not decoded", .0.0)]
    Unsupported(LinkType),
    /// A well-formed frame carrying something other than IPv4 or IPv6.
    #[error("frame does not carry IP")]
    NotIp,
    /// The link header is cut short or impossible.
    #[error(transparent)]
    Header(#[from] HeaderError),
}

/// True for the link types [`network_layer`] decodes; frames of any other
/// type are counted and skipped.
#[inline]
pub fn is_supported(link: LinkType) -> bool {
    matches!(
        link,
        LinkType::NULL
            | LinkType::ETHERNET
            | LinkType::PPP
            | LinkType::RAW_12
            | LinkType::RAW_14
            | LinkType::PPP_HDLC
            | LinkType::PPP_ETHER
            | LinkType::RAW
            | LinkType::LOOP
            | LinkType::LINUX_SLL
            | LinkType::IPV4
            | LinkType::IPV6
            | LinkType::LINUX_SLL2
    )
}

/// Peels the link-layer header(s) of one frame of type `link`.
pub fn network_layer(link: LinkType, frame: &[u8]) -> Result<NetworkLayer<'_>, LinkError> {
    match link {
        LinkType::ETHERNET => ethernet(frame),
        LinkType::LINUX_SLL => linux_sll(frame),
        LinkType::LINUX_SLL2 => linux_sll2(frame),
        LinkType::RAW_12 | LinkType::RAW_14 | LinkType::RAW => Ok(NetworkLayer {
            hint: IpVersionHint::ByVersionNibble,
            bytes: frame,
        }),
        LinkType::IPV4 => Ok(NetworkLayer {
            hint: IpVersionHint::V4,
            bytes: frame,
        }),
        LinkType::IPV6 => Ok(NetworkLayer {
            hint: IpVersionHint::V6,
            bytes: frame,
        }),
        LinkType::NULL => bsd_loopback(frame, false),
        LinkType::LOOP => bsd_loopback(frame, true),
        LinkType::PPP => ppp(frame),
        LinkType::PPP_HDLC => ppp_hdlc(frame),
        LinkType::PPP_ETHER => pppoe_session(frame),
        other => Err(LinkError::Unsupported(other)),
    }
}

/// The IPv4 header of an Ethernet II frame whose EtherType says IPv4
/// (RFC 894), without VLAN tags: what [`network_layer`] returns for such a
/// frame, found with one comparison. Nearly every frame of a PPTP capture
/// has this shape; `None` leaves the frame to [`network_layer`].
#[inline]
pub fn ethernet_ipv4(frame: &[u8]) -> Option<&[u8]> {
    let (header, rest) = frame.split_first_chunk::<14>()?;
    (u16::from_be_bytes([header[12], header[13]]) == ethertype::IPV4).then_some(rest)
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    let end = at.checked_add(2)?;
    let pair: [u8; 2] = bytes.get(at..end)?.try_into().ok()?;
    Some(u16::from_be_bytes(pair))
}

fn truncated(needed: usize, available: usize) -> LinkError {
    LinkError::Header(HeaderError::Truncated {
        layer: Layer::Link,
        needed,
        available,
    })
}

fn malformed(field: &'static str, value: u32) -> LinkError {
    LinkError::Header(HeaderError::Malformed {
        layer: Layer::Link,
        field,
        value,
    })
}

/// Ethernet II (IEEE 802.3 §3.1.1, RFC 894): destination, source, EtherType.
fn ethernet(frame: &[u8]) -> Result<NetworkLayer<'_>, LinkError> {
    const HEADER_LEN: usize = 14;
    let ethertype = be16(frame, 12).ok_or(truncated(HEADER_LEN, frame.len()))?;
    let rest = frame.get(HEADER_LEN..).unwrap_or_default();
    by_ethertype(ethertype, rest)
}

/// Follows an EtherType through VLAN tags (IEEE 802.1Q §9.6) and PPPoE
/// sessions to IP. Shared by Ethernet and the Linux cooked headers, whose
/// protocol field is an EtherType too.
fn by_ethertype(mut ethertype: u16, mut rest: &[u8]) -> Result<NetworkLayer<'_>, LinkError> {
    let mut tags = 0usize;
    loop {
        match ethertype {
            ethertype::IPV4 => {
                return Ok(NetworkLayer {
                    hint: IpVersionHint::V4,
                    bytes: rest,
                })
            }
            ethertype::IPV6 => {
                return Ok(NetworkLayer {
                    hint: IpVersionHint::V6,
                    bytes: rest,
                })
            }
            ethertype::VLAN | ethertype::QINQ | ethertype::QINQ_LEGACY => {
                tags += 1;
                if tags > MAX_VLAN_TAGS {
                    return Err(malformed("vlan_tag_count", tags as u32));
                }
                // Tag Control Information (2 bytes), then the next EtherType.
                ethertype = be16(rest, 2).ok_or(truncated(4, rest.len()))?;
                rest = rest.get(4..).unwrap_or_default();
            }
            ethertype::PPPOE_SESSION => return pppoe_session(rest),
            _ => return Err(LinkError::NotIp),
        }
    }
}

/// PPPoE session stage (RFC 2516 §4): VER/TYPE 0x11, CODE 0x00, SESSION_ID,
/// LENGTH of the PPP payload, then the PPP protocol field (RFC 2516 §7).
fn pppoe_session(bytes: &[u8]) -> Result<NetworkLayer<'_>, LinkError> {
    const HEADER_LEN: usize = 6;
    let header = bytes
        .first_chunk::<HEADER_LEN>()
        .ok_or(truncated(HEADER_LEN, bytes.len()))?;
    if header[0] != 0x11 {
        return Err(malformed("pppoe_ver_type", u32::from(header[0])));
    }
    if header[1] != 0x00 {
        return Err(malformed("pppoe_code", u32::from(header[1])));
    }
    let length = usize::from(u16::from_be_bytes([header[4], header[5]]));
    let payload = bytes.get(HEADER_LEN..).unwrap_or_default();
    // LENGTH bounds the PPP frame, so Ethernet padding after it is dropped
    // here; when the capture is shorter the IP layer counts the truncation.
    let payload = payload.get(..length).unwrap_or(payload);
    ppp_protocol(payload)
}

/// DLT_PPP (RFC 1661 §2, RFC 1662 §3.1): the address/control bytes 0xFF 0x03
/// are present only with HDLC-like framing.
fn ppp(frame: &[u8]) -> Result<NetworkLayer<'_>, LinkError> {
    let rest = match frame {
        [0xFF, 0x03, rest @ ..] => rest,
        _ => frame,
    };
    ppp_protocol(rest)
}

/// DLT_PPP_SERIAL: PPP in HDLC-like framing (RFC 1662 §3.1, first byte
/// 0xFF) or Cisco HDLC (RFC 1547 §4.3.1, first byte 0x0F or 0x8F, control
/// 0x00, then an EtherType).
fn ppp_hdlc(frame: &[u8]) -> Result<NetworkLayer<'_>, LinkError> {
    match frame {
        [0x0F | 0x8F, 0x00, ..] => {
            let ethertype = be16(frame, 2).ok_or(truncated(4, frame.len()))?;
            by_ethertype(ethertype, frame.get(4..).unwrap_or_default())
        }
        _ => ppp(frame),
    }
}

/// The PPP Protocol field (RFC 1661 §2): two bytes, or one when Protocol
/// Field Compression is in use — a compressed field is recognisable because
/// every protocol number has an odd low byte and an even high byte.
fn ppp_protocol(bytes: &[u8]) -> Result<NetworkLayer<'_>, LinkError> {
    let (protocol, rest) = match bytes {
        [low, rest @ ..] if low & 1 == 1 => (u16::from(*low), rest),
        [high, low, rest @ ..] => (u16::from_be_bytes([*high, *low]), rest),
        _ => return Err(truncated(2, bytes.len())),
    };
    match protocol {
        ppp_protocol::IPV4 => Ok(NetworkLayer {
            hint: IpVersionHint::V4,
            bytes: rest,
        }),
        ppp_protocol::IPV6 => Ok(NetworkLayer {
            hint: IpVersionHint::V6,
            bytes: rest,
        }),
        _ => Err(LinkError::NotIp),
    }
}

/// Linux "cooked" capture v1 (LINKTYPE_LINUX_SLL): packet type, ARPHRD type,
/// address length, 8 address bytes, then the protocol (an EtherType for
/// every hardware type that carries IP).
fn linux_sll(frame: &[u8]) -> Result<NetworkLayer<'_>, LinkError> {
    const HEADER_LEN: usize = 16;
    let header = frame
        .first_chunk::<HEADER_LEN>()
        .ok_or(truncated(HEADER_LEN, frame.len()))?;
    let arphrd = u16::from_be_bytes([header[2], header[3]]);
    let protocol = u16::from_be_bytes([header[14], header[15]]);
    cooked(arphrd, protocol, frame.get(HEADER_LEN..).unwrap_or_default())
}

/// Linux "cooked" capture v2 (LINKTYPE_LINUX_SLL2): protocol, reserved,
/// interface index, ARPHRD type, packet type, address length, 8 address
/// bytes.
fn linux_sll2(frame: &[u8]) -> Result<NetworkLayer<'_>, LinkError> {
    const HEADER_LEN: usize = 20;
    let header = frame
        .first_chunk::<HEADER_LEN>()
        .ok_or(truncated(HEADER_LEN, frame.len()))?;
    let protocol = u16::from_be_bytes([header[0], header[1]]);
    let arphrd = u16::from_be_bytes([header[8], header[9]]);
    cooked(arphrd, protocol, frame.get(HEADER_LEN..).unwrap_or_default())
}

/// For ARPHRD_NETLINK the protocol field is a netlink family, not an
/// EtherType; everything else that carries IP uses EtherTypes.
fn cooked(arphrd: u16, protocol: u16, rest: &[u8]) -> Result<NetworkLayer<'_>, LinkError> {
    const ARPHRD_NETLINK: u16 = 824;
    if arphrd == ARPHRD_NETLINK || protocol < ethertype::MIN_ETHERTYPE {
        return Err(LinkError::NotIp);
    }
    by_ethertype(protocol, rest)
}

/// BSD loopback: a 4-byte address family, in the capturing host's byte
/// order for DLT_NULL and in network order for DLT_LOOP. AF_INET is 2
/// everywhere; AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD) or 30
/// (Darwin).
fn bsd_loopback(frame: &[u8], network_order: bool) -> Result<NetworkLayer<'_>, LinkError> {
    const AF_INET: u32 = 2;
    const AF_INET6: [u32; 3] = [24, 28, 30];
    let family: [u8; 4] = *frame.first_chunk::<4>().ok_or(truncated(4, frame.len()))?;
    let known = |af: u32| af == AF_INET || AF_INET6.contains(&af);
    let af = if network_order {
        u32::from_be_bytes(family)
    } else {
        // The writer's byte order is not recorded; the two readings of a
        // small value cannot both be small, so whichever is known wins.
        let little = u32::from_le_bytes(family);
        if known(little) {
            little
        } else {
            u32::from_be_bytes(family)
        }
    };
    let rest = frame.get(4..).unwrap_or_default();
    let hint = match af {
        AF_INET => IpVersionHint::V4,
        af if AF_INET6.contains(&af) => IpVersionHint::V6,
        _ => return Err(LinkError::NotIp),
    };
    Ok(NetworkLayer { hint, bytes: rest })
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: &[u8] = &[0x45, 0, 0, 20];

    fn v4(bytes: &[u8]) -> Result<NetworkLayer<'_>, LinkError> {
        Ok(NetworkLayer {
            hint: IpVersionHint::V4,
            bytes,
        })
    }

    fn v6(bytes: &[u8]) -> Result<NetworkLayer<'_>, LinkError> {
        Ok(NetworkLayer {
            hint: IpVersionHint::V6,
            bytes,
        })
    }

    fn eth(ethertype: u16, rest: &[u8]) -> Vec<u8> {
        let mut f = vec![0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2];
        f.extend_from_slice(&ethertype.to_be_bytes());
        f.extend_from_slice(rest);
        f
    }

    #[test]
    fn supported_link_types() {
        for n in [0, 1, 9, 12, 14, 50, 51, 101, 108, 113, 228, 229, 276] {
            assert!(is_supported(LinkType(n)), "{n}");
        }
        for n in [2, 105, 127, 147, 65535] {
            assert!(!is_supported(LinkType(n)), "{n}");
            assert_eq!(
                network_layer(LinkType(n), IP),
                Err(LinkError::Unsupported(LinkType(n)))
            );
        }
    }

    #[test]
    fn ethernet_ipv4_ipv6_and_not_ip() {
        let f = eth(0x0800, IP);
        assert_eq!(network_layer(LinkType::ETHERNET, &f), v4(IP));
        let f = eth(0x86DD, IP);
        assert_eq!(network_layer(LinkType::ETHERNET, &f), v6(IP));
        // ARP.
        let f = eth(0x0806, IP);
        assert_eq!(network_layer(LinkType::ETHERNET, &f), Err(LinkError::NotIp));
        // 802.3 length field followed by LLC.
        let f = eth(46, &[0x42, 0x42, 0x03]);
        assert_eq!(network_layer(LinkType::ETHERNET, &f), Err(LinkError::NotIp));
        // PPPoE discovery.
        let f = eth(0x8863, &[0x11, 0x09, 0, 0, 0, 0]);
        assert_eq!(network_layer(LinkType::ETHERNET, &f), Err(LinkError::NotIp));
        assert_eq!(
            network_layer(LinkType::ETHERNET, &f[..13]),
            Err(truncated(14, 13))
        );
    }

    /// The short path for Ethernet II + IPv4 finds what `network_layer`
    /// finds, and nothing for every other frame.
    #[test]
    fn ethernet_ipv4_short_path_agrees_with_network_layer() {
        let f = eth(0x0800, IP);
        assert_eq!(ethernet_ipv4(&f), Some(IP));
        assert_eq!(network_layer(LinkType::ETHERNET, &f), v4(IP));
        let bare = eth(0x0800, &[]);
        assert_eq!(ethernet_ipv4(&bare), Some(&[][..]));
        assert_eq!(network_layer(LinkType::ETHERNET, &bare), v4(&[]));
        for other in [
            eth(0x86DD, IP),
            eth(0x8100, &[0, 5, 0x08, 0x00, 0x45]),
            eth(0x0806, IP),
            eth(0x8864, &[0x11, 0, 0, 1, 0, 2, 0x00, 0x21]),
        ] {
            assert_eq!(ethernet_ipv4(&other), None);
        }
        assert_eq!(ethernet_ipv4(&f[..13]), None);
    }

    #[test]
    fn vlan_and_qinq_tags() {
        let mut inner = vec![0x00, 0x64, 0x08, 0x00];
        inner.extend_from_slice(IP);
        let f = eth(0x8100, &inner);
        assert_eq!(network_layer(LinkType::ETHERNET, &f), v4(IP));

        // 802.1ad outer, legacy 0x9100, then 802.1Q, then IPv6.
        let mut stacked = vec![
            0x00, 0x0A, 0x91, 0x00, 0x00, 0x0B, 0x81, 0x00, 0x00, 0x0C, 0x86, 0xDD,
        ];
        stacked.extend_from_slice(IP);
        let f = eth(0x88A8, &stacked);
        assert_eq!(network_layer(LinkType::ETHERNET, &f), v6(IP));

        // A tag cut short.
        let f = eth(0x8100, &[0x00, 0x64, 0x08]);
        assert_eq!(network_layer(LinkType::ETHERNET, &f), Err(truncated(4, 3)));

        // Exactly the bound is accepted, one more is malformed.
        let mut tags = Vec::new();
        for _ in 0..MAX_VLAN_TAGS - 1 {
            tags.extend_from_slice(&[0x00, 0x01, 0x81, 0x00]);
        }
        let mut ok = tags.clone();
        ok.extend_from_slice(&[0x00, 0x01, 0x08, 0x00]);
        ok.extend_from_slice(IP);
        assert_eq!(network_layer(LinkType::ETHERNET, &eth(0x8100, &ok)), v4(IP));
        let mut too_many = tags;
        too_many.extend_from_slice(&[0x00, 0x01, 0x81, 0x00, 0x00, 0x01, 0x08, 0x00]);
        too_many.extend_from_slice(IP);
        assert_eq!(
            network_layer(LinkType::ETHERNET, &eth(0x8100, &too_many)),
            Err(malformed("vlan_tag_count", 9))
        );
    }

    #[test]
    fn pppoe_session_trims_to_its_length() {
        // PPPoE LENGTH 6 = PPP protocol (2) + 4 IP bytes; 3 pad bytes follow.
        let mut body = vec![0x11, 0x00, 0x12, 0x34, 0x00, 0x06, 0x00, 0x21];
        body.extend_from_slice(IP);
        body.extend_from_slice(&[0, 0, 0]);
        let f = eth(0x8864, &body);
        assert_eq!(network_layer(LinkType::ETHERNET, &f), v4(IP));
        // The same without Ethernet (LINKTYPE_PPP_ETHER).
        assert_eq!(network_layer(LinkType::PPP_ETHER, &body), v4(IP));
        // LCP in a session is not IP.
        let lcp = [0x11, 0x00, 0x12, 0x34, 0x00, 0x04, 0xC0, 0x21, 0x01, 0x01];
        assert_eq!(network_layer(LinkType::PPP_ETHER, &lcp), Err(LinkError::NotIp));
        let bad = [0x12, 0x00, 0x12, 0x34, 0x00, 0x04, 0x00, 0x21];
        assert_eq!(
            network_layer(LinkType::PPP_ETHER, &bad),
            Err(malformed("pppoe_ver_type", 0x12))
        );
        let bad = [0x11, 0x07, 0x12, 0x34, 0x00, 0x04, 0x00, 0x21];
        assert_eq!(
            network_layer(LinkType::PPP_ETHER, &bad),
            Err(malformed("pppoe_code", 7))
        );
        assert_eq!(
            network_layer(LinkType::PPP_ETHER, &bad[..5]),
            Err(truncated(6, 5))
        );
    }

    #[test]
    fn linux_cooked_v1_and_v2() {
        let mut sll = vec![0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00];
        sll.extend_from_slice(IP);
        assert_eq!(network_layer(LinkType::LINUX_SLL, &sll), v4(IP));
        sll[14..16].copy_from_slice(&[0x86, 0xDD]);
        assert_eq!(network_layer(LinkType::LINUX_SLL, &sll), v6(IP));
        // Protocol 0x0004: 802.2 LLC.
        sll[14..16].copy_from_slice(&[0x00, 0x04]);
        assert_eq!(network_layer(LinkType::LINUX_SLL, &sll), Err(LinkError::NotIp));
        // Netlink: the protocol field is a netlink family.
        sll[2..4].copy_from_slice(&824u16.to_be_bytes());
        sll[14..16].copy_from_slice(&[0x08, 0x00]);
        assert_eq!(network_layer(LinkType::LINUX_SLL, &sll), Err(LinkError::NotIp));
        assert_eq!(
            network_layer(LinkType::LINUX_SLL, &sll[..15]),
            Err(truncated(16, 15))
        );

        let mut sll2 = vec![0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0];
        sll2.extend_from_slice(IP);
        assert_eq!(network_layer(LinkType::LINUX_SLL2, &sll2), v4(IP));
        // A VLAN tag left in place by the kernel.
        let mut tagged = vec![0x81, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0];
        tagged.extend_from_slice(&[0x00, 0x05, 0x86, 0xDD]);
        tagged.extend_from_slice(IP);
        assert_eq!(network_layer(LinkType::LINUX_SLL2, &tagged), v6(IP));
        assert_eq!(
            network_layer(LinkType::LINUX_SLL2, &sll2[..19]),
            Err(truncated(20, 19))
        );
    }

    #[test]
    fn raw_ip_link_types() {
        for link in [LinkType::RAW_12, LinkType::RAW_14, LinkType::RAW] {
            assert_eq!(
                network_layer(link, IP),
                Ok(NetworkLayer {
                    hint: IpVersionHint::ByVersionNibble,
                    bytes: IP
                })
            );
        }
        assert_eq!(network_layer(LinkType::IPV4, IP), v4(IP));
        assert_eq!(network_layer(LinkType::IPV6, IP), v6(IP));
    }

    #[test]
    fn bsd_null_either_byte_order_and_loop() {
        let with_af = |af: [u8; 4]| {
            let mut f = af.to_vec();
            f.extend_from_slice(IP);
            f
        };
        assert_eq!(network_layer(LinkType::NULL, &with_af([2, 0, 0, 0])), v4(IP));
        assert_eq!(network_layer(LinkType::NULL, &with_af([0, 0, 0, 2])), v4(IP));
        for af in [24u32, 28, 30] {
            let le = with_af(af.to_le_bytes());
            let be = with_af(af.to_be_bytes());
            assert_eq!(network_layer(LinkType::NULL, &le), v6(IP));
            assert_eq!(network_layer(LinkType::NULL, &be), v6(IP));
            assert_eq!(network_layer(LinkType::LOOP, &be), v6(IP));
            // DLT_LOOP is always network order.
            assert_eq!(network_layer(LinkType::LOOP, &le), Err(LinkError::NotIp));
        }
        assert_eq!(network_layer(LinkType::LOOP, &with_af([0, 0, 0, 2])), v4(IP));
        // AF_APPLETALK-like values are not IP.
        assert_eq!(
            network_layer(LinkType::NULL, &with_af([16, 0, 0, 0])),
            Err(LinkError::NotIp)
        );
        assert_eq!(network_layer(LinkType::NULL, &[2, 0, 0]), Err(truncated(4, 3)));
    }

    #[test]
    fn ppp_framings() {
        let with = |prefix: &[u8]| {
            let mut f = prefix.to_vec();
            f.extend_from_slice(IP);
            f
        };
        assert_eq!(
            network_layer(LinkType::PPP, &with(&[0xFF, 0x03, 0x00, 0x21])),
            v4(IP)
        );
        assert_eq!(network_layer(LinkType::PPP, &with(&[0x00, 0x21])), v4(IP));
        assert_eq!(network_layer(LinkType::PPP, &with(&[0x57])), v6(IP));
        assert_eq!(
            network_layer(LinkType::PPP, &with(&[0xFF, 0x03, 0x00, 0x57])),
            v6(IP)
        );
        assert_eq!(
            network_layer(LinkType::PPP, &with(&[0xFF, 0x03, 0xC0, 0x21])),
            Err(LinkError::NotIp)
        );
        assert_eq!(
            network_layer(LinkType::PPP, &[0xFF, 0x03, 0x00]),
            Err(truncated(2, 1))
        );
        assert_eq!(network_layer(LinkType::PPP, &[]), Err(truncated(2, 0)));

        assert_eq!(
            network_layer(LinkType::PPP_HDLC, &with(&[0xFF, 0x03, 0x00, 0x21])),
            v4(IP)
        );
        // Cisco HDLC: address 0x0F (unicast) or 0x8F (broadcast), then an EtherType.
        assert_eq!(
            network_layer(LinkType::PPP_HDLC, &with(&[0x0F, 0x00, 0x08, 0x00])),
            v4(IP)
        );
        assert_eq!(
            network_layer(LinkType::PPP_HDLC, &with(&[0x8F, 0x00, 0x86, 0xDD])),
            v6(IP)
        );
        assert_eq!(
            network_layer(LinkType::PPP_HDLC, &with(&[0x8F, 0x00, 0x80, 0x35])),
            Err(LinkError::NotIp)
        );
        assert_eq!(
            network_layer(LinkType::PPP_HDLC, &[0x0F, 0x00, 0x08]),
            Err(truncated(4, 3))
        );
    }
}
