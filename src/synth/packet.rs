//! Packet builders, byte by byte from the specifications: Ethernet II with
//! 802.1Q / QinQ tags (IEEE 802.1Q), Linux cooked headers SLL and SLL2,
//! IPv4 (RFC 791) with fragments, IPv6 (RFC 8200) with extension headers,
//! TCP (RFC 9293), UDP (RFC 768) and enhanced GRE (RFC 2637 §4.1).
//!
//! Builders return owned byte vectors. A builder fails only when a length
//! does not fit its field or the two addresses are of different IP
//! versions; it never checks whether the values make protocol sense, so
//! malformed packets can be built on purpose.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{Result, SynthError};
use crate::capture::LinkType;

/// A 48-bit IEEE MAC address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    /// `00:00:5E:00:53:xx`, the block RFC 7042 §2.1.2 reserves for
    /// documentation.
    pub const fn documentation(last: u8) -> Self {
        MacAddr([0x00, 0x00, 0x5E, 0x00, 0x53, last])
    }
}

/// EtherType values used by the builders.
pub mod ethertype {
    /// Internet Protocol version 4.
    pub const IPV4: u16 = 0x0800;
    /// Address Resolution Protocol.
    pub const ARP: u16 = 0x0806;
    /// Customer VLAN tag (IEEE 802.1Q C-tag).
    pub const VLAN: u16 = 0x8100;
    /// Internet Protocol version 6.
    pub const IPV6: u16 = 0x86DD;
    /// Service VLAN tag (IEEE 802.1ad S-tag, the outer tag of QinQ).
    pub const QINQ: u16 = 0x88A8;
}

/// IP protocol numbers used by the builders.
pub mod ip_proto {
    /// IPv6 Hop-by-Hop Options header.
    pub const HOP_BY_HOP: u8 = 0;
    /// Transmission Control Protocol.
    pub const TCP: u8 = 6;
    /// User Datagram Protocol.
    pub const UDP: u8 = 17;
    /// IPv6 Routing header.
    pub const IPV6_ROUTING: u8 = 43;
    /// IPv6 Fragment header.
    pub const IPV6_FRAGMENT: u8 = 44;
    /// Generic Routing Encapsulation.
    pub const GRE: u8 = 47;
    /// IPv6 No Next Header.
    pub const IPV6_NO_NEXT: u8 = 59;
    /// IPv6 Destination Options header.
    pub const IPV6_DEST_OPTS: u8 = 60;
}

/// An end host as the link and IP layers see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Host {
    /// Link-layer address of its interface.
    pub mac: MacAddr,
    /// IP address.
    pub ip: IpAddr,
    /// IPv4 TTL / IPv6 Hop Limit of packets this host sends, as seen at the
    /// capture point.
    pub ttl: u8,
}

/// One 802.1Q tag: TPID, then priority (PCP), drop eligible (DEI) and
/// VLAN ID in the 16-bit TCI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VlanTag {
    /// [`ethertype::VLAN`] for a C-tag, [`ethertype::QINQ`] for an S-tag.
    pub tpid: u16,
    /// Priority Code Point (3 bits).
    pub pcp: u8,
    /// Drop Eligible Indicator.
    pub dei: bool,
    /// 12-bit VLAN identifier.
    pub vid: u16,
}

impl VlanTag {
    /// A customer tag (TPID 0x8100) with priority 0.
    pub const fn c_tag(vid: u16) -> Self {
        VlanTag {
            tpid: ethertype::VLAN,
            pcp: 0,
            dei: false,
            vid,
        }
    }

    /// A service tag (TPID 0x88A8) with priority 0.
    pub const fn s_tag(vid: u16) -> Self {
        VlanTag {
            tpid: ethertype::QINQ,
            pcp: 0,
            dei: false,
            vid,
        }
    }
}

/// Shortest Ethernet frame without its FCS (64 bytes on the wire). A NIC
/// pads shorter frames with zeros, so a receiver sees trailing bytes after
/// the IP datagram.
pub const ETHERNET_MIN_FRAME: usize = 60;

/// An Ethernet II frame, tags outermost first, padded with zeros to
/// [`ETHERNET_MIN_FRAME`] bytes.
pub fn ethernet(dst: MacAddr, src: MacAddr, tags: &[VlanTag], ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = ethernet_unpadded(dst, src, tags, ethertype, payload);
    if f.len() < ETHERNET_MIN_FRAME {
        f.resize(ETHERNET_MIN_FRAME, 0);
    }
    f
}

/// An Ethernet II frame without padding (what a capture on the sending
/// host shows before the NIC pads it).
pub fn ethernet_unpadded(
    dst: MacAddr,
    src: MacAddr,
    tags: &[VlanTag],
    ethertype: u16,
    payload: &[u8],
) -> Vec<u8> {
    let mut f = Vec::with_capacity(14 + 4 * tags.len() + payload.len());
    f.extend_from_slice(&dst.0);
    f.extend_from_slice(&src.0);
    for tag in tags {
        let tci = u16::from(tag.pcp & 0x07) << 13 | u16::from(tag.dei) << 12 | (tag.vid & 0x0FFF);
        f.extend_from_slice(&tag.tpid.to_be_bytes());
        f.extend_from_slice(&tci.to_be_bytes());
    }
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// Linux `sll_pkttype` values (`PACKET_*` in `<linux/if_packet.h>`).
pub mod sll_packet_type {
    /// Sent to this host.
    pub const HOST: u8 = 0;
    /// Link-layer broadcast.
    pub const BROADCAST: u8 = 1;
    /// Link-layer multicast.
    pub const MULTICAST: u8 = 2;
    /// Sent to another host, seen in promiscuous mode.
    pub const OTHERHOST: u8 = 3;
    /// Sent by this host.
    pub const OUTGOING: u8 = 4;
}

/// `ARPHRD_ETHER`, the hardware type of an Ethernet interface.
pub const ARPHRD_ETHER: u16 = 1;

/// A LINKTYPE_LINUX_SLL (113) frame: packet type, ARPHRD type, address
/// length, address (8 bytes, zero-padded), protocol, then the payload.
pub fn linux_sll(packet_type: u8, arphrd: u16, addr: &[u8], protocol: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(16 + payload.len());
    f.extend_from_slice(&u16::from(packet_type).to_be_bytes());
    f.extend_from_slice(&arphrd.to_be_bytes());
    let shown = addr.get(..8).unwrap_or(addr);
    f.extend_from_slice(&(shown.len() as u16).to_be_bytes());
    f.extend_from_slice(&padded_addr(shown));
    f.extend_from_slice(&protocol.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// A LINKTYPE_LINUX_SLL2 (276) frame: protocol, reserved, interface index,
/// ARPHRD type, packet type, address length, address (8 bytes), payload.
pub fn linux_sll2(
    protocol: u16,
    ifindex: u32,
    arphrd: u16,
    packet_type: u8,
    addr: &[u8],
    payload: &[u8],
) -> Vec<u8> {
    let mut f = Vec::with_capacity(20 + payload.len());
    f.extend_from_slice(&protocol.to_be_bytes());
    f.extend_from_slice(&[0, 0]);
    f.extend_from_slice(&ifindex.to_be_bytes());
    f.extend_from_slice(&arphrd.to_be_bytes());
    f.push(packet_type);
    let shown = addr.get(..8).unwrap_or(addr);
    f.push(shown.len() as u8);
    f.extend_from_slice(&padded_addr(shown));
    f.extend_from_slice(payload);
    f
}

fn padded_addr(addr: &[u8]) -> [u8; 8] {
    let mut out = [0u8; 8];
    for (o, a) in out.iter_mut().zip(addr) {
        *o = *a;
    }
    out
}

/// How IP datagrams are framed at the capture point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// Ethernet II with these tags (outermost first); `pad` pads short
    /// frames to 60 bytes as a receiving NIC delivers them.
    Ethernet {
        /// 802.1Q tags, outermost first.
        vlan: Vec<VlanTag>,
        /// Pad frames shorter than 60 bytes with zeros.
        pad: bool,
    },
    /// Linux cooked capture v1.
    LinuxSll,
    /// Linux cooked capture v2, on interface `ifindex`.
    LinuxSll2 {
        /// Interface index written in every header.
        ifindex: u32,
    },
    /// No link header: the frame is the IP datagram (LINKTYPE_RAW).
    Raw,
}

impl Link {
    /// Untagged Ethernet with padding.
    pub fn ethernet() -> Self {
        Link::Ethernet {
            vlan: Vec::new(),
            pad: true,
        }
    }

    /// The LINKTYPE_ value of a capture interface carrying these frames.
    pub fn link_type(&self) -> LinkType {
        match self {
            Link::Ethernet { .. } => LinkType::ETHERNET,
            Link::LinuxSll => LinkType::LINUX_SLL,
            Link::LinuxSll2 { .. } => LinkType::LINUX_SLL2,
            Link::Raw => LinkType::RAW,
        }
    }

    /// Frames an IP datagram sent by `src` to `dst`. `outgoing` tells the
    /// cooked headers whether the capturing host sent it.
    pub fn frame(&self, src: &Host, dst: &Host, ip_datagram: &[u8], outgoing: bool) -> Vec<u8> {
        let proto = match src.ip {
            IpAddr::V4(_) => ethertype::IPV4,
            IpAddr::V6(_) => ethertype::IPV6,
        };
        let packet_type = if outgoing {
            sll_packet_type::OUTGOING
        } else {
            sll_packet_type::HOST
        };
        match self {
            Link::Ethernet { vlan, pad: true } => ethernet(dst.mac, src.mac, vlan, proto, ip_datagram),
            Link::Ethernet { vlan, pad: false } => {
                ethernet_unpadded(dst.mac, src.mac, vlan, proto, ip_datagram)
            }
            Link::LinuxSll => linux_sll(packet_type, ARPHRD_ETHER, &src.mac.0, proto, ip_datagram),
            Link::LinuxSll2 { ifindex } => linux_sll2(
                proto,
                *ifindex,
                ARPHRD_ETHER,
                packet_type,
                &src.mac.0,
                ip_datagram,
            ),
            Link::Raw => ip_datagram.to_vec(),
        }
    }
}

/// The Internet checksum (RFC 1071): one's complement of the one's
/// complement sum of 16-bit words, an odd last byte padded with zero.
pub fn internet_checksum(parts: &[&[u8]]) -> u16 {
    let mut sum: u64 = 0;
    // Parts are summed as one stream: an odd-length part shifts the word
    // boundary of the next.
    let mut odd: Option<u8> = None;
    for part in parts {
        for &b in part.iter() {
            match odd.take() {
                Some(hi) => sum += u64::from(u16::from_be_bytes([hi, b])),
                None => odd = Some(b),
            }
        }
    }
    if let Some(hi) = odd {
        sum += u64::from(u16::from_be_bytes([hi, 0]));
    }
    while sum > 0xFFFF {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    !(sum as u16)
}

/// Writes a big-endian u16 at `at` when the buffer is long enough.
fn put_u16(buf: &mut [u8], at: usize, v: u16) {
    if let Some(dst) = buf.get_mut(at..at + 2) {
        dst.copy_from_slice(&v.to_be_bytes());
    }
}

fn too_long(what: &'static str, len: usize, max: usize) -> SynthError {
    SynthError::TooLong { what, len, max }
}

/// An IPv4 header (RFC 791 §3.1). The checksum is always computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv4Header {
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// Protocol of the payload.
    pub protocol: u8,
    /// DSCP and ECN, the former Type of Service byte.
    pub tos: u8,
    /// Identification, shared by the fragments of one datagram.
    pub identification: u16,
    /// DF: do not fragment.
    pub dont_fragment: bool,
    /// MF: more fragments follow.
    pub more_fragments: bool,
    /// Fragment offset in units of 8 bytes.
    pub fragment_offset: u16,
    /// Time to Live.
    pub ttl: u8,
    /// Options, zero-padded to a multiple of 4 bytes (at most 40).
    pub options: Vec<u8>,
}

impl Ipv4Header {
    /// TTL 64, identification 0, DF set, no options.
    pub fn new(src: Ipv4Addr, dst: Ipv4Addr, protocol: u8) -> Self {
        Ipv4Header {
            src,
            dst,
            protocol,
            tos: 0,
            identification: 0,
            dont_fragment: true,
            more_fragments: false,
            fragment_offset: 0,
            ttl: 64,
            options: Vec::new(),
        }
    }
}

/// An IPv4 datagram: header (with correct checksum) and payload.
pub fn ipv4(header: &Ipv4Header, payload: &[u8]) -> Result<Vec<u8>> {
    let mut options = header.options.clone();
    while options.len() % 4 != 0 {
        options.push(0);
    }
    if options.len() > 40 {
        return Err(too_long("IPv4 options", options.len(), 40));
    }
    let header_len = 20 + options.len();
    let total = header_len + payload.len();
    let total16 = u16::try_from(total).map_err(|_| too_long("IPv4 datagram", total, 65_535))?;
    let flags_frag = u16::from(header.dont_fragment) << 14
        | u16::from(header.more_fragments) << 13
        | (header.fragment_offset & 0x1FFF);
    let mut p = Vec::with_capacity(total);
    p.push(0x40 | (header_len / 4) as u8);
    p.push(header.tos);
    p.extend_from_slice(&total16.to_be_bytes());
    p.extend_from_slice(&header.identification.to_be_bytes());
    p.extend_from_slice(&flags_frag.to_be_bytes());
    p.push(header.ttl);
    p.push(header.protocol);
    p.extend_from_slice(&[0, 0]);
    p.extend_from_slice(&header.src.octets());
    p.extend_from_slice(&header.dst.octets());
    p.extend_from_slice(&options);
    let sum = internet_checksum(&[p.get(..header_len).unwrap_or(&[])]);
    put_u16(&mut p, 10, sum);
    p.extend_from_slice(payload);
    Ok(p)
}

/// Splits `payload` (the whole transport packet) into IPv4 fragments of at
/// most `max_fragment_payload` bytes each (rounded down to a multiple of 8,
/// at least 8). DF is cleared; MF is set on all but the last. Offsets start
/// at `header.fragment_offset`. An empty payload gives no fragments.
pub fn ipv4_fragments(
    header: &Ipv4Header,
    payload: &[u8],
    max_fragment_payload: usize,
) -> Result<Vec<Vec<u8>>> {
    let chunk = (max_fragment_payload / 8).max(1) * 8;
    let mut out = Vec::new();
    let mut h = header.clone();
    h.dont_fragment = false;
    let pieces: Vec<&[u8]> = payload.chunks(chunk).collect();
    let count = pieces.len();
    for (i, piece) in pieces.into_iter().enumerate() {
        let offset_units = (i * chunk) / 8 + usize::from(header.fragment_offset);
        h.fragment_offset = u16::try_from(offset_units)
            .ok()
            .filter(|o| *o <= 0x1FFF)
            .ok_or_else(|| too_long("IPv4 fragmented payload", payload.len(), 0x1FFF * 8))?;
        h.more_fragments = i + 1 < count || header.more_fragments;
        out.push(ipv4(&h, piece)?);
    }
    Ok(out)
}

/// An IPv6 extension header (RFC 8200 §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ipv6Extension {
    /// Hop-by-Hop Options (next header 0): TLV options, padded with
    /// Pad1/PadN to a multiple of 8 bytes.
    HopByHop {
        /// Options as TLVs, before padding.
        options: Vec<u8>,
    },
    /// Destination Options (60), padded like Hop-by-Hop.
    DestinationOptions {
        /// Options as TLVs, before padding.
        options: Vec<u8>,
    },
    /// Routing (43): type, segments left, then type-specific data
    /// (zero-padded to a multiple of 8 bytes with the first 4).
    Routing {
        /// Routing Type.
        routing_type: u8,
        /// Segments Left.
        segments_left: u8,
        /// Type-specific data.
        data: Vec<u8>,
    },
    /// Fragment (44): offset in 8-byte units, M flag, identification.
    Fragment {
        /// Fragment Offset in 8-byte units.
        offset: u16,
        /// M flag: more fragments follow.
        more: bool,
        /// Identification.
        identification: u32,
    },
}

impl Ipv6Extension {
    /// The Next Header value that announces this extension.
    pub fn header_type(&self) -> u8 {
        match self {
            Ipv6Extension::HopByHop { .. } => ip_proto::HOP_BY_HOP,
            Ipv6Extension::DestinationOptions { .. } => ip_proto::IPV6_DEST_OPTS,
            Ipv6Extension::Routing { .. } => ip_proto::IPV6_ROUTING,
            Ipv6Extension::Fragment { .. } => ip_proto::IPV6_FRAGMENT,
        }
    }

    fn encode(&self, next_header: u8, out: &mut Vec<u8>) -> Result<()> {
        let start = out.len();
        match self {
            Ipv6Extension::HopByHop { options } | Ipv6Extension::DestinationOptions { options } => {
                out.push(next_header);
                out.push(0);
                out.extend_from_slice(options);
                let pad = (8 - (2 + options.len()) % 8) % 8;
                match pad {
                    0 => {}
                    1 => out.push(0), // Pad1
                    n => {
                        out.push(1); // PadN
                        out.push((n - 2) as u8);
                        out.resize(out.len() + n - 2, 0);
                    }
                }
            }
            Ipv6Extension::Routing {
                routing_type,
                segments_left,
                data,
            } => {
                out.extend_from_slice(&[next_header, 0, *routing_type, *segments_left]);
                out.extend_from_slice(data);
                while (out.len() - start) % 8 != 0 {
                    out.push(0);
                }
            }
            Ipv6Extension::Fragment {
                offset,
                more,
                identification,
            } => {
                out.extend_from_slice(&[next_header, 0]);
                let word = (offset & 0x1FFF) << 3 | u16::from(*more);
                out.extend_from_slice(&word.to_be_bytes());
                out.extend_from_slice(&identification.to_be_bytes());
                return Ok(());
            }
        }
        let len = out.len() - start;
        let units = len / 8 - 1;
        let units = u8::try_from(units).map_err(|_| too_long("IPv6 extension header", len, 2048))?;
        if let Some(b) = out.get_mut(start + 1) {
            *b = units;
        }
        Ok(())
    }
}

/// An IPv6 header with its extension headers (RFC 8200 §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv6Header {
    /// Source address.
    pub src: Ipv6Addr,
    /// Destination address.
    pub dst: Ipv6Addr,
    /// The upper-layer protocol after all extension headers.
    pub next_header: u8,
    /// Hop Limit.
    pub hop_limit: u8,
    /// Traffic Class (DSCP and ECN).
    pub traffic_class: u8,
    /// 20-bit flow label.
    pub flow_label: u32,
    /// Extension headers in the order they appear.
    pub extensions: Vec<Ipv6Extension>,
}

impl Ipv6Header {
    /// Hop limit 64, no flow label, no extension headers.
    pub fn new(src: Ipv6Addr, dst: Ipv6Addr, next_header: u8) -> Self {
        Ipv6Header {
            src,
            dst,
            next_header,
            hop_limit: 64,
            traffic_class: 0,
            flow_label: 0,
            extensions: Vec::new(),
        }
    }
}

/// An IPv6 packet: fixed header, extension headers chained in order, then
/// the payload.
pub fn ipv6(header: &Ipv6Header, payload: &[u8]) -> Result<Vec<u8>> {
    let mut ext = Vec::new();
    let types: Vec<u8> = header
        .extensions
        .iter()
        .map(Ipv6Extension::header_type)
        .chain(std::iter::once(header.next_header))
        .collect();
    for (e, next) in header.extensions.iter().zip(types.iter().skip(1)) {
        e.encode(*next, &mut ext)?;
    }
    let payload_len = ext.len() + payload.len();
    let len16 = u16::try_from(payload_len).map_err(|_| too_long("IPv6 payload", payload_len, 65_535))?;
    let first = types.first().copied().unwrap_or(header.next_header);
    let word = 6u32 << 28 | u32::from(header.traffic_class) << 20 | (header.flow_label & 0xF_FFFF);
    let mut p = Vec::with_capacity(40 + payload_len);
    p.extend_from_slice(&word.to_be_bytes());
    p.extend_from_slice(&len16.to_be_bytes());
    p.push(first);
    p.push(header.hop_limit);
    p.extend_from_slice(&header.src.octets());
    p.extend_from_slice(&header.dst.octets());
    p.extend_from_slice(&ext);
    p.extend_from_slice(payload);
    Ok(p)
}

/// Splits `payload` into IPv6 fragments of at most `max_fragment_payload`
/// bytes (rounded down to a multiple of 8, at least 8). The header's own
/// extensions stay in every fragment, before the Fragment header. An empty
/// payload gives no fragments.
pub fn ipv6_fragments(
    header: &Ipv6Header,
    payload: &[u8],
    max_fragment_payload: usize,
    identification: u32,
) -> Result<Vec<Vec<u8>>> {
    let chunk = (max_fragment_payload / 8).max(1) * 8;
    let pieces: Vec<&[u8]> = payload.chunks(chunk).collect();
    let count = pieces.len();
    let mut out = Vec::with_capacity(count);
    for (i, piece) in pieces.into_iter().enumerate() {
        let offset = u16::try_from(i * chunk / 8)
            .ok()
            .filter(|o| *o <= 0x1FFF)
            .ok_or_else(|| too_long("IPv6 fragmented payload", payload.len(), 0x1FFF * 8))?;
        let mut h = header.clone();
        h.extensions.push(Ipv6Extension::Fragment {
            offset,
            more: i + 1 < count,
            identification,
        });
        out.push(ipv6(&h, piece)?);
    }
    Ok(out)
}

/// An IP datagram from `src` to `dst` with the sender's TTL: IPv4 (DF set,
/// the given identification) or IPv6 (no extension headers), following the
/// address family.
pub fn ip_datagram(
    src: &Host,
    dst: &Host,
    protocol: u8,
    identification: u16,
    payload: &[u8],
) -> Result<Vec<u8>> {
    match (src.ip, dst.ip) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let mut h = Ipv4Header::new(s, d, protocol);
            h.ttl = src.ttl;
            h.identification = identification;
            ipv4(&h, payload)
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            let mut h = Ipv6Header::new(s, d, protocol);
            h.hop_limit = src.ttl;
            ipv6(&h, payload)
        }
        _ => Err(SynthError::AddressFamilyMismatch),
    }
}

/// The TCP/UDP pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1).
fn pseudo_header(src: IpAddr, dst: IpAddr, protocol: u8, len: usize) -> Result<Vec<u8>> {
    let mut p = Vec::with_capacity(40);
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let len16 = u16::try_from(len).map_err(|_| too_long("transport segment", len, 65_535))?;
            p.extend_from_slice(&s.octets());
            p.extend_from_slice(&d.octets());
            p.extend_from_slice(&[0, protocol]);
            p.extend_from_slice(&len16.to_be_bytes());
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            let len32 =
                u32::try_from(len).map_err(|_| too_long("transport segment", len, u32::MAX as usize))?;
            p.extend_from_slice(&s.octets());
            p.extend_from_slice(&d.octets());
            p.extend_from_slice(&len32.to_be_bytes());
            p.extend_from_slice(&[0, 0, 0, protocol]);
        }
        _ => return Err(SynthError::AddressFamilyMismatch),
    }
    Ok(p)
}

/// TCP header flag bits (RFC 9293 §3.1).
pub mod tcp_flags {
    /// No more data from the sender.
    pub const FIN: u8 = 0x01;
    /// Synchronise sequence numbers.
    pub const SYN: u8 = 0x02;
    /// Reset the connection.
    pub const RST: u8 = 0x04;
    /// Push.
    pub const PSH: u8 = 0x08;
    /// Acknowledgment field is significant.
    pub const ACK: u8 = 0x10;
    /// Urgent pointer is significant.
    pub const URG: u8 = 0x20;
    /// ECN echo.
    pub const ECE: u8 = 0x40;
    /// Congestion window reduced.
    pub const CWR: u8 = 0x80;
}

/// A TCP header (RFC 9293 §3.1). The checksum is always computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpHeader {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Sequence Number.
    pub seq: u32,
    /// Acknowledgment Number.
    pub ack: u32,
    /// OR of [`tcp_flags`] bits.
    pub flags: u8,
    /// Receive window.
    pub window: u16,
    /// Urgent Pointer.
    pub urgent: u16,
    /// Raw options, zero-padded to a multiple of 4 bytes (at most 40).
    pub options: Vec<u8>,
}

impl TcpHeader {
    /// A header with these ports, everything else zero.
    pub fn new(src_port: u16, dst_port: u16) -> Self {
        TcpHeader {
            src_port,
            dst_port,
            seq: 0,
            ack: 0,
            flags: 0,
            window: 0,
            urgent: 0,
            options: Vec::new(),
        }
    }
}

/// A TCP segment (header and payload) with its checksum over the
/// pseudo-header of `src` and `dst`.
pub fn tcp_segment(src: IpAddr, dst: IpAddr, header: &TcpHeader, payload: &[u8]) -> Result<Vec<u8>> {
    let mut options = header.options.clone();
    while options.len() % 4 != 0 {
        options.push(0);
    }
    if options.len() > 40 {
        return Err(too_long("TCP options", options.len(), 40));
    }
    let header_len = 20 + options.len();
    let mut s = Vec::with_capacity(header_len + payload.len());
    s.extend_from_slice(&header.src_port.to_be_bytes());
    s.extend_from_slice(&header.dst_port.to_be_bytes());
    s.extend_from_slice(&header.seq.to_be_bytes());
    s.extend_from_slice(&header.ack.to_be_bytes());
    s.push(((header_len / 4) as u8) << 4);
    s.push(header.flags);
    s.extend_from_slice(&header.window.to_be_bytes());
    s.extend_from_slice(&[0, 0]);
    s.extend_from_slice(&header.urgent.to_be_bytes());
    s.extend_from_slice(&options);
    s.extend_from_slice(payload);
    let pseudo = pseudo_header(src, dst, ip_proto::TCP, s.len())?;
    let sum = internet_checksum(&[&pseudo, &s]);
    put_u16(&mut s, 16, sum);
    Ok(s)
}

/// A UDP datagram with its checksum (RFC 768; a computed 0 is sent as
/// 0xFFFF).
pub fn udp_datagram(
    src: IpAddr,
    dst: IpAddr,
    src_port: u16,
    dst_port: u16,
    payload: &[u8],
) -> Result<Vec<u8>> {
    let len = 8 + payload.len();
    let len16 = u16::try_from(len).map_err(|_| too_long("UDP datagram", len, 65_535))?;
    let mut d = Vec::with_capacity(len);
    d.extend_from_slice(&src_port.to_be_bytes());
    d.extend_from_slice(&dst_port.to_be_bytes());
    d.extend_from_slice(&len16.to_be_bytes());
    d.extend_from_slice(&[0, 0]);
    d.extend_from_slice(payload);
    let pseudo = pseudo_header(src, dst, ip_proto::UDP, len)?;
    let sum = match internet_checksum(&[&pseudo, &d]) {
        0 => 0xFFFF,
        s => s,
    };
    put_u16(&mut d, 6, sum);
    Ok(d)
}

/// GRE protocol type of PPP (RFC 2637 §4.1).
pub const GRE_PROTOCOL_PPP: u16 = 0x880B;

/// An enhanced GRE header (RFC 2637 §4.1): version 1, protocol 0x880B,
/// K always set; S when a sequence number is given, A when an
/// acknowledgement is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GreHeader {
    /// Key low half: the receiver's Call ID.
    pub call_id: u16,
    /// Sequence Number; sets S when present.
    pub sequence: Option<u32>,
    /// Acknowledgment Number; sets A when present.
    pub acknowledgment: Option<u32>,
    /// Key high half; `None` means the real payload length.
    pub payload_length: Option<u16>,
}

/// An enhanced GRE packet: the header of [`GreHeader`], then `payload`.
pub fn gre_enhanced(header: &GreHeader, payload: &[u8]) -> Result<Vec<u8>> {
    let payload_length = match header.payload_length {
        Some(l) => l,
        None => u16::try_from(payload.len()).map_err(|_| too_long("GRE payload", payload.len(), 65_535))?,
    };
    // K = bit 2 (0x20 in the first byte), S = bit 3 (0x10), A = bit 8
    // (0x80 in the second byte), version 1 in the low bits.
    let mut first = 0x20u8;
    if header.sequence.is_some() {
        first |= 0x10;
    }
    let mut second = 0x01u8;
    if header.acknowledgment.is_some() {
        second |= 0x80;
    }
    let mut g = Vec::with_capacity(16 + payload.len());
    g.extend_from_slice(&[first, second]);
    g.extend_from_slice(&GRE_PROTOCOL_PPP.to_be_bytes());
    g.extend_from_slice(&payload_length.to_be_bytes());
    g.extend_from_slice(&header.call_id.to_be_bytes());
    if let Some(seq) = header.sequence {
        g.extend_from_slice(&seq.to_be_bytes());
    }
    if let Some(ack) = header.acknowledgment {
        g.extend_from_slice(&ack.to_be_bytes());
    }
    g.extend_from_slice(payload);
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn checksum_rfc1071_example() {
        // RFC 1071 §3: words 0001 f203 f4f5 f6f7 sum to ddf2 (one's
        // complement), so the checksum is 220d.
        assert_eq!(
            internet_checksum(&[&[0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7]]),
            0x220D
        );
        // Split across an odd boundary, same result.
        assert_eq!(
            internet_checksum(&[&[0x00, 0x01, 0xF2], &[0x03, 0xF4, 0xF5, 0xF6, 0xF7]]),
            0x220D
        );
        assert_eq!(internet_checksum(&[&[0xAB]]), !0xAB00);
    }

    #[test]
    fn ethernet_tags_and_padding() {
        let f = ethernet(
            MacAddr::documentation(2),
            MacAddr::documentation(1),
            &[
                VlanTag::s_tag(100),
                VlanTag {
                    pcp: 5,
                    dei: true,
                    ..VlanTag::c_tag(42)
                },
            ],
            ethertype::IPV4,
            &[0xEE; 4],
        );
        let expected: Vec<u8> = [
            &[0x00, 0x00, 0x5E, 0x00, 0x53, 0x02][..],
            &[0x00, 0x00, 0x5E, 0x00, 0x53, 0x01],
            &[0x88, 0xA8, 0x00, 0x64],
            &[0x81, 0x00, 0xB0, 0x2A],
            &[0x08, 0x00],
            &[0xEE; 4],
            &[0; 60 - 26],
        ]
        .concat();
        assert_eq!(f, expected);
        let long = ethernet(MacAddr([1; 6]), MacAddr([2; 6]), &[], ethertype::IPV6, &[7; 100]);
        assert_eq!(long.len(), 114);
        let short = ethernet_unpadded(MacAddr([1; 6]), MacAddr([2; 6]), &[], ethertype::IPV6, &[7; 2]);
        assert_eq!(short.len(), 16);
    }

    #[test]
    fn cooked_headers() {
        let mac = [0x00, 0x00, 0x5E, 0x00, 0x53, 0x01];
        assert_eq!(
            linux_sll(
                sll_packet_type::OUTGOING,
                ARPHRD_ETHER,
                &mac,
                ethertype::IPV4,
                &[0x45]
            ),
            [0, 4, 0, 1, 0, 6, 0x00, 0x00, 0x5E, 0x00, 0x53, 0x01, 0, 0, 0x08, 0x00, 0x45]
        );
        assert_eq!(
            linux_sll2(
                ethertype::IPV6,
                3,
                ARPHRD_ETHER,
                sll_packet_type::HOST,
                &mac,
                &[0x60]
            ),
            [0x86, 0xDD, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 0x00, 0x00, 0x5E, 0x00, 0x53, 0x01, 0, 0, 0x60]
        );
    }

    #[test]
    fn link_framing_follows_family_and_direction() {
        let a = Host {
            mac: MacAddr::documentation(1),
            ip: "2001:db8::1".parse().unwrap(),
            ttl: 64,
        };
        let b = Host {
            mac: MacAddr::documentation(2),
            ip: "2001:db8::2".parse().unwrap(),
            ttl: 64,
        };
        let f = Link::LinuxSll.frame(&a, &b, &[0x60], true);
        assert_eq!(f.get(..2), Some(&[0, 4][..]));
        assert_eq!(f.get(14..16), Some(&[0x86, 0xDD][..]));
        let f = Link::LinuxSll2 { ifindex: 7 }.frame(&a, &b, &[0x60], false);
        assert_eq!(f.get(10), Some(&0));
        assert_eq!(Link::Raw.frame(&a, &b, &[0x60, 1], true), [0x60, 1]);
        assert_eq!(Link::ethernet().frame(&a, &b, &[0x60], true).len(), 60);
        assert_eq!(Link::LinuxSll2 { ifindex: 7 }.link_type(), LinkType::LINUX_SLL2);
    }

    #[test]
    fn ipv4_header_known_checksum() {
        // The widely used example header 4500 0073 0000 4000 4011 b861
        // c0a8 0001 c0a8 00c7 (checksum b861).
        let mut h = Ipv4Header::new(v4("192.168.0.1"), v4("192.168.0.199"), ip_proto::UDP);
        h.ttl = 64;
        let p = ipv4(&h, &[0; 0x73 - 20]).unwrap();
        assert_eq!(
            p.get(..20).unwrap(),
            &[
                0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xB8, 0x61, 0xC0, 0xA8, 0x00,
                0x01, 0xC0, 0xA8, 0x00, 0xC7
            ]
        );
    }

    #[test]
    fn ipv4_options_and_limits() {
        let mut h = Ipv4Header::new(v4("192.0.2.1"), v4("192.0.2.2"), 253);
        h.options = vec![0x01]; // NOP, padded to 4
        let p = ipv4(&h, &[]).unwrap();
        assert_eq!(p.first(), Some(&0x46));
        assert_eq!(p.len(), 24);
        assert_eq!(internet_checksum(&[&p]), 0);
        h.options = vec![1; 41];
        assert!(matches!(ipv4(&h, &[]), Err(SynthError::TooLong { .. })));
        h.options.clear();
        assert!(matches!(
            ipv4(&h, &vec![0; 65_516]),
            Err(SynthError::TooLong {
                what: "IPv4 datagram",
                ..
            })
        ));
    }

    #[test]
    fn ipv4_fragments_offsets_and_flags() {
        let mut h = Ipv4Header::new(v4("192.0.2.1"), v4("192.0.2.2"), ip_proto::GRE);
        h.identification = 0x1234;
        let payload: Vec<u8> = (0..50).collect();
        let frags = ipv4_fragments(&h, &payload, 20).unwrap();
        // 20 rounds down to 16: 16 + 16 + 16 + 2.
        assert_eq!(frags.len(), 4);
        let fields: Vec<(u16, u16, usize)> = frags
            .iter()
            .map(|f| {
                let ff = u16::from_be_bytes([f[6], f[7]]);
                (ff >> 13, ff & 0x1FFF, f.len() - 20)
            })
            .collect();
        assert_eq!(fields, [(1, 0, 16), (1, 2, 16), (1, 4, 16), (0, 6, 2)]);
        for f in &frags {
            assert_eq!(u16::from_be_bytes([f[4], f[5]]), 0x1234);
            assert_eq!(internet_checksum(&[f.get(..20).unwrap()]), 0);
        }
        let rebuilt: Vec<u8> = frags.iter().flat_map(|f| f[20..].to_vec()).collect();
        assert_eq!(rebuilt, payload);
    }

    #[test]
    fn ipv6_with_extension_chain() {
        let mut h = Ipv6Header::new(
            "2001:db8::1".parse().unwrap(),
            "2001:db8::2".parse().unwrap(),
            ip_proto::GRE,
        );
        h.flow_label = 0xABCDE;
        h.traffic_class = 0x12;
        h.extensions = vec![
            Ipv6Extension::HopByHop { options: vec![] },
            Ipv6Extension::Routing {
                routing_type: 0,
                segments_left: 0,
                data: vec![0, 0, 0, 0],
            },
            Ipv6Extension::DestinationOptions {
                options: vec![0x1E, 0x01, 0xAA], // unknown option, skip type
            },
        ];
        let p = ipv6(&h, &[0xCC; 3]).unwrap();
        let expected: Vec<u8> = [
            &[0x61, 0x2A, 0xBC, 0xDE, 0x00, 27, 0, 64][..],
            &[0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            &[0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
            // Hop-by-Hop: next Routing, len 0, PadN of 4
            &[43, 0, 1, 4, 0, 0, 0, 0],
            // Routing: next Dest Opts, len 0, type 0, segleft 0, 4 data bytes
            &[60, 0, 0, 0, 0, 0, 0, 0],
            // Destination Options: next GRE, len 0, option, Pad1
            &[47, 0, 0x1E, 0x01, 0xAA, 1, 1, 0],
            &[0xCC; 3],
        ]
        .concat();
        assert_eq!(p, expected);
    }

    #[test]
    fn ipv6_fragments_carry_fragment_header() {
        let h = Ipv6Header::new(
            "2001:db8::1".parse().unwrap(),
            "2001:db8::2".parse().unwrap(),
            ip_proto::UDP,
        );
        let frags = ipv6_fragments(&h, &[9; 20], 8, 0xDEADBEEF).unwrap();
        assert_eq!(frags.len(), 3);
        assert_eq!(frags[1].get(6..7).unwrap(), &[ip_proto::IPV6_FRAGMENT]);
        assert_eq!(
            frags[1].get(40..48).unwrap(),
            &[17, 0, 0x00, 0x09, 0xDE, 0xAD, 0xBE, 0xEF]
        );
        assert_eq!(
            frags[2].get(40..48).unwrap(),
            &[17, 0, 0x00, 0x10, 0xDE, 0xAD, 0xBE, 0xEF]
        );
        assert_eq!(frags[2].len(), 48 + 4);
    }

    #[test]
    fn tcp_checksum_matches_etherparse() {
        let src = v4("198.51.100.23");
        let dst = v4("203.0.113.5");
        let mut h = TcpHeader::new(49712, 1723);
        h.seq = 0x0100_0001;
        h.ack = 0x2000_0001;
        h.flags = tcp_flags::PSH | tcp_flags::ACK;
        h.window = 64_240;
        let payload = b"odd-length payload!";
        let seg = tcp_segment(src.into(), dst.into(), &h, payload).unwrap();
        let (parsed, rest) = etherparse::TcpHeader::from_slice(&seg).unwrap();
        assert_eq!(rest, payload);
        assert_eq!(parsed.source_port, 49712);
        assert_eq!(parsed.destination_port, 1723);
        assert_eq!(parsed.sequence_number, 0x0100_0001);
        assert_eq!(parsed.acknowledgment_number, 0x2000_0001);
        assert!(parsed.psh && parsed.ack && !parsed.syn && !parsed.fin && !parsed.rst);
        assert_eq!(parsed.window_size, 64_240);
        assert_eq!(
            parsed.checksum,
            parsed
                .calc_checksum_ipv4_raw(src.octets(), dst.octets(), payload)
                .unwrap()
        );
        let s6: Ipv6Addr = "2001:db8:1::23".parse().unwrap();
        let d6: Ipv6Addr = "2001:db8:2::5".parse().unwrap();
        let seg6 = tcp_segment(s6.into(), d6.into(), &h, payload).unwrap();
        let (parsed6, _) = etherparse::TcpHeader::from_slice(&seg6).unwrap();
        assert_eq!(
            parsed6.checksum,
            parsed6
                .calc_checksum_ipv6_raw(s6.octets(), d6.octets(), payload)
                .unwrap()
        );
        assert!(matches!(
            tcp_segment(src.into(), d6.into(), &h, payload),
            Err(SynthError::AddressFamilyMismatch)
        ));
    }

    #[test]
    fn udp_checksum_verifies() {
        let src: IpAddr = "192.0.2.1".parse().unwrap();
        let dst: IpAddr = "192.0.2.2".parse().unwrap();
        let d = udp_datagram(src, dst, 53, 5353, b"abc").unwrap();
        assert_eq!(d.get(..6).unwrap(), &[0, 53, 0x14, 0xE9, 0, 11]);
        let pseudo = pseudo_header(src, dst, ip_proto::UDP, d.len()).unwrap();
        assert_eq!(internet_checksum(&[&pseudo, &d]), 0);
    }

    #[test]
    fn gre_worked_examples_from_protocols_md() {
        // protocols.md §2.1 worked examples.
        let data_ack = gre_enhanced(
            &GreHeader {
                call_id: 0x1234,
                sequence: Some(5),
                acknowledgment: Some(3),
                payload_length: None,
            },
            &[0; 42],
        )
        .unwrap();
        assert_eq!(
            data_ack.get(..16).unwrap(),
            &[0x30, 0x81, 0x88, 0x0B, 0x00, 0x2A, 0x12, 0x34, 0, 0, 0, 5, 0, 0, 0, 3]
        );
        assert_eq!(data_ack.len(), 16 + 42);
        let data = gre_enhanced(
            &GreHeader {
                call_id: 0x1234,
                sequence: Some(6),
                acknowledgment: None,
                payload_length: Some(0x2A),
            },
            &[],
        )
        .unwrap();
        assert_eq!(data, [0x30, 0x01, 0x88, 0x0B, 0x00, 0x2A, 0x12, 0x34, 0, 0, 0, 6]);
        let ack_only = gre_enhanced(
            &GreHeader {
                call_id: 0x1234,
                sequence: None,
                acknowledgment: Some(3),
                payload_length: None,
            },
            &[],
        )
        .unwrap();
        assert_eq!(
            ack_only,
            [0x20, 0x81, 0x88, 0x0B, 0x00, 0x00, 0x12, 0x34, 0, 0, 0, 3]
        );
    }

    #[test]
    fn ip_datagram_picks_family() {
        let a = Host {
            mac: MacAddr::documentation(1),
            ip: "192.0.2.1".parse().unwrap(),
            ttl: 128,
        };
        let b = Host {
            mac: MacAddr::documentation(2),
            ip: "192.0.2.2".parse().unwrap(),
            ttl: 64,
        };
        let p = ip_datagram(&a, &b, ip_proto::GRE, 0x0102, &[1, 2]).unwrap();
        assert_eq!(p.get(4..10).unwrap(), &[0x01, 0x02, 0x40, 0x00, 128, 47]);
        let c = Host {
            ip: "2001:db8::2".parse().unwrap(),
            ..b
        };
        assert!(matches!(
            ip_datagram(&a, &c, ip_proto::GRE, 0, &[]),
            Err(SynthError::AddressFamilyMismatch)
        ));
    }
}
