//! Frame → packet decoding: link layer, IPv4 (RFC 791) and IPv6 (RFC 8200)
//! with extension headers, IP-in-IP tunnels (RFC 2003, RFC 4213, RFC 2473),
//! fragment reassembly, and the TCP (RFC 9293) and UDP (RFC 768) headers.
//!
//! The hot path borrows everything from the frame: a packet that is not a
//! fragment costs no allocation. Reading is lax: whatever can be read is
//! delivered, and every shortfall is counted in [`NetStats`].
//!
//! Headers are read through fixed-size array views (`first_chunk`), so
//! every constant index is checked by the compiler, never at run time.
//!
//! "Truncated" in the counts means the capture ended inside a header (the
//! snapshot length cut it); "malformed" means the header's own fields are
//! impossible or contradict the lengths around them.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Serialize;
use thiserror::Error;

use super::defrag::{
    Defragmenter, Fragment, FragmentKey, FragmentStats, Outcome, IPV6_FRAGMENT_KEY_PROTOCOL,
};
use super::link::{self, IpVersionHint, LinkError};
use super::{proto, IpInfo, Packet, TcpFlags, TcpSegment, Transport};
use crate::capture::{Frame, LinkType, Timestamp, UnsupportedLink};
use crate::config::Limits;

/// How many IP headers may enclose the innermost one. IP-in-IP beyond this
/// is delivered as [`Transport::Other`] and counted.
pub const MAX_TUNNEL_DEPTH: u8 = 8;

/// How many IPv6 extension headers one chain may hold before it is called
/// malformed (RFC 8200 §4.1 expects at most one of each, about eight kinds).
pub const MAX_IPV6_EXTENSION_HEADERS: usize = 16;

/// How many distinct unsupported link types are listed one by one; frames
/// of further types are counted together.
pub const MAX_UNSUPPORTED_LINK_TYPES: usize = 64;

/// IPv6 extension header numbers (RFC 8200 §4, RFC 7045 §2).
pub mod ipv6_ext {
    /// Hop-by-Hop Options (RFC 8200 §4.3).
    pub const HOP_BY_HOP: u8 = 0;
    /// Routing (RFC 8200 §4.4).
    pub const ROUTING: u8 = 43;
    /// Fragment (RFC 8200 §4.5).
    pub const FRAGMENT: u8 = 44;
    /// Authentication Header (RFC 4302 §2).
    pub const AUTHENTICATION: u8 = 51;
    /// No Next Header (RFC 8200 §4.7).
    pub const NO_NEXT_HEADER: u8 = 59;
    /// Destination Options (RFC 8200 §4.6).
    pub const DESTINATION_OPTIONS: u8 = 60;
    /// Mobility (RFC 6275 §6.1).
    pub const MOBILITY: u8 = 135;
    /// Host Identity Protocol (RFC 7401 §5.1).
    pub const HIP: u8 = 139;
    /// Shim6 (RFC 5533 §5).
    pub const SHIM6: u8 = 140;
}

/// The protocol layer a header problem was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Link,
    Ipv4,
    Ipv6,
    Ipv6Extension,
    Tcp,
    Udp,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Layer::Link => "link-layer",
            Layer::Ipv4 => "IPv4",
            Layer::Ipv6 => "IPv6",
            Layer::Ipv6Extension => "IPv6 extension",
            Layer::Tcp => "TCP",
            Layer::Udp => "UDP",
        })
    }
}

/// A header that could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum HeaderError {
    /// The bytes end inside the header.
    #[error("{layer} header truncated: {needed} bytes needed, {available} present")]
    Truncated {
        layer: Layer,
        needed: usize,
        available: usize,
    },
    /// A header field holds an impossible value.
    #[error("{layer} header malformed: {field} = {value}")]
    Malformed {
        layer: Layer,
        field: &'static str,
        value: u32,
    },
}

/// A count per [`Layer`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LayerCounts {
    pub link: u64,
    pub ipv4: u64,
    pub ipv6: u64,
    pub ipv6_extension: u64,
    pub tcp: u64,
    pub udp: u64,
}

impl LayerCounts {
    fn bump(&mut self, layer: Layer) {
        let slot = match layer {
            Layer::Link => &mut self.link,
            Layer::Ipv4 => &mut self.ipv4,
            Layer::Ipv6 => &mut self.ipv6,
            Layer::Ipv6Extension => &mut self.ipv6_extension,
            Layer::Tcp => &mut self.tcp,
            Layer::Udp => &mut self.udp,
        };
        *slot += 1;
    }
}

/// Counts of what the network layer saw and skipped.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NetStats {
    /// Frames offered to the decoder.
    pub frames: u64,
    /// Packets delivered (one per transport payload, reassembled ones
    /// included).
    pub packets: u64,
    /// Well-formed frames carrying something other than IP (ARP, 802.3/LLC,
    /// PPP control protocols, …).
    pub non_ip_frames: u64,
    /// Frames of link types that are not decoded, per type.
    pub unsupported_links: Vec<UnsupportedLink>,
    /// Unsupported frames whose type did not fit in `unsupported_links`
    /// (more than [`MAX_UNSUPPORTED_LINK_TYPES`] types).
    pub unsupported_links_unlisted: u64,
    /// Headers the capture cut short (dropped).
    pub truncated_headers: LayerCounts,
    /// Headers with impossible fields or lengths (dropped).
    pub malformed_headers: LayerCounts,
    /// Raw-IP frames whose version nibble is neither 4 nor 6.
    pub unknown_ip_version: u64,
    /// IP headers declaring more payload than was captured; what was there
    /// was used.
    pub ip_payload_truncated: u64,
    /// IP datagrams shorter than the bytes that carried them; the trailer
    /// (Ethernet padding, FCS) was cut off.
    pub ip_trailer_trimmed: u64,
    /// IPv4 headers with Total Length 0, as captured on hosts that offload
    /// segmentation; the captured bytes were used.
    pub ipv4_total_length_zero: u64,
    /// UDP headers declaring more payload than the IP payload holds; what was
    /// there was used.
    pub udp_payload_truncated: u64,
    /// Fragment reassembly counts.
    pub fragments: FragmentStats,
    /// Fragments not reassembled because the capture cut their payload.
    pub fragments_truncated: u64,
    /// IP-in-IP headers followed.
    pub tunnels_followed: u64,
    /// IP-in-IP payloads not followed because [`MAX_TUNNEL_DEPTH`] was
    /// reached.
    pub tunnel_depth_exceeded: u64,
}

/// An IPv4 header (RFC 791 §3.1), options skipped, payload borrowed and cut
/// to the Total Length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Header<'a> {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub protocol: u8,
    pub ttl: u8,
    pub ident: u16,
    /// The More Fragments flag.
    pub more_fragments: bool,
    /// Fragment Offset in bytes.
    pub fragment_offset: u32,
    /// Internet Header Length in bytes.
    pub header_len: usize,
    /// Total Length as declared (0 is taken to mean "what was captured").
    pub total_len: u16,
    /// The payload: up to Total Length, or to the end of the captured bytes
    /// when those end first.
    pub payload: &'a [u8],
    /// True when Total Length reaches past the captured bytes.
    pub captured_short: bool,
    /// Bytes after Total Length (link padding), not part of the datagram.
    pub trailer_len: usize,
}

impl Ipv4Header<'_> {
    /// True for a fragment of a larger datagram (RFC 791 §3.2).
    pub fn is_fragment(&self) -> bool {
        self.more_fragments || self.fragment_offset != 0
    }

    /// Payload length the header declares.
    pub fn declared_payload_len(&self) -> usize {
        if self.total_len == 0 {
            self.payload.len()
        } else {
            usize::from(self.total_len).saturating_sub(self.header_len)
        }
    }
}

/// Reads an IPv4 header and borrows its payload.
#[inline]
pub fn parse_ipv4(bytes: &[u8]) -> Result<Ipv4Header<'_>, HeaderError> {
    const MIN_HEADER: usize = 20;
    let fixed: &[u8; MIN_HEADER] = bytes.first_chunk().ok_or(HeaderError::Truncated {
        layer: Layer::Ipv4,
        needed: MIN_HEADER,
        available: bytes.len(),
    })?;
    let version = fixed[0] >> 4;
    if version != 4 {
        return Err(HeaderError::Malformed {
            layer: Layer::Ipv4,
            field: "version",
            value: u32::from(version),
        });
    }
    let ihl = fixed[0] & 0x0F;
    let header_len = usize::from(ihl) * 4;
    if header_len < MIN_HEADER {
        return Err(HeaderError::Malformed {
            layer: Layer::Ipv4,
            field: "ihl",
            value: u32::from(ihl),
        });
    }
    if bytes.len() < header_len {
        return Err(HeaderError::Truncated {
            layer: Layer::Ipv4,
            needed: header_len,
            available: bytes.len(),
        });
    }
    let total_len = u16::from_be_bytes([fixed[2], fixed[3]]);
    let total = match usize::from(total_len) {
        0 => bytes.len(),
        t if t < header_len => {
            return Err(HeaderError::Malformed {
                layer: Layer::Ipv4,
                field: "total_length",
                value: u32::from(total_len),
            })
        }
        t => t,
    };
    let captured_short = total > bytes.len();
    let end = total.min(bytes.len());
    let flags_offset = u16::from_be_bytes([fixed[6], fixed[7]]);
    Ok(Ipv4Header {
        src: Ipv4Addr::new(fixed[12], fixed[13], fixed[14], fixed[15]),
        dst: Ipv4Addr::new(fixed[16], fixed[17], fixed[18], fixed[19]),
        protocol: fixed[9],
        ttl: fixed[8],
        ident: u16::from_be_bytes([fixed[4], fixed[5]]),
        more_fragments: flags_offset & 0x2000 != 0,
        fragment_offset: u32::from(flags_offset & 0x1FFF) * 8,
        header_len,
        total_len,
        payload: bytes.get(header_len..end).unwrap_or_default(),
        captured_short,
        trailer_len: bytes.len().saturating_sub(total),
    })
}

/// The fixed IPv6 header (RFC 8200 §3), payload borrowed and cut to the
/// Payload Length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv6Header<'a> {
    pub src: Ipv6Addr,
    pub dst: Ipv6Addr,
    pub next_header: u8,
    pub hop_limit: u8,
    /// Payload Length as declared; 0 with a Hop-by-Hop header is a
    /// Jumbogram (RFC 2675 §2), whose payload is taken as captured.
    pub payload_len: u16,
    /// Extension headers and upper-layer data, up to Payload Length or the
    /// end of the captured bytes.
    pub payload: &'a [u8],
    /// True when Payload Length reaches past the captured bytes.
    pub captured_short: bool,
    /// Bytes after Payload Length (link padding), not part of the packet.
    pub trailer_len: usize,
}

impl Ipv6Header<'_> {
    /// Payload length the header declares (extension headers included).
    pub fn declared_payload_len(&self) -> usize {
        if self.is_jumbogram() {
            self.payload.len()
        } else {
            usize::from(self.payload_len)
        }
    }

    fn is_jumbogram(&self) -> bool {
        self.payload_len == 0 && self.next_header == ipv6_ext::HOP_BY_HOP
    }
}

/// Reads the fixed IPv6 header and borrows its payload.
pub fn parse_ipv6(bytes: &[u8]) -> Result<Ipv6Header<'_>, HeaderError> {
    const HEADER_LEN: usize = 40;
    let (fixed, rest) = bytes
        .split_first_chunk::<HEADER_LEN>()
        .ok_or(HeaderError::Truncated {
            layer: Layer::Ipv6,
            needed: HEADER_LEN,
            available: bytes.len(),
        })?;
    let version = fixed[0] >> 4;
    if version != 6 {
        return Err(HeaderError::Malformed {
            layer: Layer::Ipv6,
            field: "version",
            value: u32::from(version),
        });
    }
    let payload_len = u16::from_be_bytes([fixed[4], fixed[5]]);
    let next_header = fixed[6];
    let (src, dst) = fixed
        .split_at(8)
        .1
        .split_first_chunk::<16>()
        .and_then(|(src, tail)| Some((*src, *tail.first_chunk::<16>()?)))
        .ok_or(HeaderError::Truncated {
            layer: Layer::Ipv6,
            needed: HEADER_LEN,
            available: bytes.len(),
        })?;
    let declared = if payload_len == 0 && next_header == ipv6_ext::HOP_BY_HOP {
        rest.len()
    } else {
        usize::from(payload_len)
    };
    Ok(Ipv6Header {
        src: Ipv6Addr::from(src),
        dst: Ipv6Addr::from(dst),
        next_header,
        hop_limit: fixed[7],
        payload_len,
        payload: rest.get(..declared).unwrap_or(rest),
        captured_short: declared > rest.len(),
        trailer_len: rest.len().saturating_sub(declared),
    })
}

/// The IPv6 Fragment header (RFC 8200 §4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv6FragmentHeader {
    /// Fragment Offset in bytes.
    pub offset: u32,
    /// The M flag: more fragments follow.
    pub more: bool,
    pub ident: u32,
}

impl Ipv6FragmentHeader {
    /// An atomic fragment (offset 0, M clear; RFC 6946) is a whole packet.
    pub fn is_atomic(&self) -> bool {
        self.offset == 0 && !self.more
    }
}

/// Where an IPv6 extension-header chain ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv6Upper<'a> {
    /// The upper-layer protocol; for a non-atomic fragment, the Next Header
    /// of its Fragment header.
    pub next_header: u8,
    /// Upper-layer data; for a non-atomic fragment, its fragmentable part.
    pub data: &'a [u8],
    /// The Fragment header, when the chain held one.
    pub fragment: Option<Ipv6FragmentHeader>,
    /// Bytes of extension headers walked.
    pub extension_len: usize,
}

/// Walks the extension headers (RFC 8200 §4) starting with `next_header`
/// over `bytes`, stopping at an upper-layer protocol, No Next Header, or a
/// Fragment header of a non-atomic fragment. `allow_fragment` is false for
/// the fragmentable part of a reassembled packet, where another Fragment
/// header is malformed.
pub fn parse_ipv6_extensions(
    next_header: u8,
    bytes: &[u8],
    allow_fragment: bool,
) -> Result<Ipv6Upper<'_>, HeaderError> {
    use ipv6_ext::*;
    let truncated = |needed: usize, available: usize| HeaderError::Truncated {
        layer: Layer::Ipv6Extension,
        needed,
        available,
    };
    let malformed = |field: &'static str, value: u32| HeaderError::Malformed {
        layer: Layer::Ipv6Extension,
        field,
        value,
    };
    let mut next = next_header;
    let mut offset = 0usize;
    let mut fragment = None;
    let mut walked = 0usize;
    loop {
        let rest = bytes.get(offset..).unwrap_or_default();
        let header_len = match next {
            HOP_BY_HOP | ROUTING | DESTINATION_OPTIONS | MOBILITY | HIP | SHIM6 => {
                let [_, ext_len] = *rest.first_chunk::<2>().ok_or(truncated(2, rest.len()))?;
                (usize::from(ext_len) + 1) * 8
            }
            AUTHENTICATION => {
                let [_, payload_len] = *rest.first_chunk::<2>().ok_or(truncated(2, rest.len()))?;
                (usize::from(payload_len) + 2) * 4
            }
            FRAGMENT => {
                let f = rest.first_chunk::<8>().ok_or(truncated(8, rest.len()))?;
                if !allow_fragment || fragment.is_some() {
                    return Err(malformed("fragment_header_repeated", u32::from(FRAGMENT)));
                }
                let offset_flags = u16::from_be_bytes([f[2], f[3]]);
                let header = Ipv6FragmentHeader {
                    offset: u32::from(offset_flags >> 3) * 8,
                    more: offset_flags & 1 != 0,
                    ident: u32::from_be_bytes([f[4], f[5], f[6], f[7]]),
                };
                fragment = Some(header);
                if !header.is_atomic() {
                    return Ok(Ipv6Upper {
                        next_header: f[0],
                        data: rest.get(8..).unwrap_or_default(),
                        fragment,
                        extension_len: offset + 8,
                    });
                }
                8
            }
            // Whatever follows No Next Header is ignored (RFC 8200 §4.7).
            NO_NEXT_HEADER => {
                return Ok(Ipv6Upper {
                    next_header: NO_NEXT_HEADER,
                    data: &[],
                    fragment,
                    extension_len: offset,
                })
            }
            _ => {
                return Ok(Ipv6Upper {
                    next_header: next,
                    data: rest,
                    fragment,
                    extension_len: offset,
                })
            }
        };
        walked += 1;
        if walked > MAX_IPV6_EXTENSION_HEADERS {
            return Err(malformed("extension_header_count", walked as u32));
        }
        let header = rest.get(..header_len).ok_or(truncated(header_len, rest.len()))?;
        next = header.first().copied().unwrap_or(NO_NEXT_HEADER);
        offset += header_len;
    }
}

/// Reads a TCP header (RFC 9293 §3.1), options skipped; the payload is the
/// rest of `bytes`, which the IP layer has already cut to its length.
pub fn parse_tcp(bytes: &[u8]) -> Result<TcpSegment<'_>, HeaderError> {
    const MIN_HEADER: usize = 20;
    let fixed: &[u8; MIN_HEADER] = bytes.first_chunk().ok_or(HeaderError::Truncated {
        layer: Layer::Tcp,
        needed: MIN_HEADER,
        available: bytes.len(),
    })?;
    let data_offset = fixed[12] >> 4;
    let header_len = usize::from(data_offset) * 4;
    if header_len < MIN_HEADER {
        return Err(HeaderError::Malformed {
            layer: Layer::Tcp,
            field: "data_offset",
            value: u32::from(data_offset),
        });
    }
    let payload = bytes.get(header_len..).ok_or(HeaderError::Truncated {
        layer: Layer::Tcp,
        needed: header_len,
        available: bytes.len(),
    })?;
    let flags = fixed[13];
    Ok(TcpSegment {
        src_port: u16::from_be_bytes([fixed[0], fixed[1]]),
        dst_port: u16::from_be_bytes([fixed[2], fixed[3]]),
        seq: u32::from_be_bytes([fixed[4], fixed[5], fixed[6], fixed[7]]),
        ack: u32::from_be_bytes([fixed[8], fixed[9], fixed[10], fixed[11]]),
        flags: TcpFlags {
            fin: flags & 0x01 != 0,
            syn: flags & 0x02 != 0,
            rst: flags & 0x04 != 0,
            psh: flags & 0x08 != 0,
            ack: flags & 0x10 != 0,
        },
        window: u16::from_be_bytes([fixed[14], fixed[15]]),
        payload,
    })
}

/// A UDP header (RFC 768) with its payload cut to the UDP Length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdpDatagram<'a> {
    pub src_port: u16,
    pub dst_port: u16,
    /// Length as declared: header plus data.
    pub length: u16,
    pub payload: &'a [u8],
    /// True when Length reaches past the bytes present.
    pub captured_short: bool,
}

/// Reads a UDP header and borrows its payload.
pub fn parse_udp(bytes: &[u8]) -> Result<UdpDatagram<'_>, HeaderError> {
    const HEADER_LEN: usize = 8;
    let (fixed, rest) = bytes
        .split_first_chunk::<HEADER_LEN>()
        .ok_or(HeaderError::Truncated {
            layer: Layer::Udp,
            needed: HEADER_LEN,
            available: bytes.len(),
        })?;
    let length = u16::from_be_bytes([fixed[4], fixed[5]]);
    let data_len = usize::from(length)
        .checked_sub(HEADER_LEN)
        .ok_or(HeaderError::Malformed {
            layer: Layer::Udp,
            field: "length",
            value: u32::from(length),
        })?;
    Ok(UdpDatagram {
        src_port: u16::from_be_bytes([fixed[0], fixed[1]]),
        dst_port: u16::from_be_bytes([fixed[2], fixed[3]]),
        length,
        payload: rest.get(..data_len).unwrap_or(rest),
        captured_short: data_len > rest.len(),
    })
}

/// Where the current frame came from; copied into every packet it yields.
#[derive(Clone, Copy)]
struct FrameContext {
    number: u64,
    ts: Timestamp,
    iface: u32,
}

/// What the enclosing layers say about the bytes handed to an IP header.
#[derive(Clone, Copy)]
struct Enclosing {
    /// IP headers outside this one.
    depth: u8,
    /// Some enclosing datagram was rebuilt from fragments.
    reassembled: bool,
    /// The enclosing layer ran out of captured bytes.
    captured_short: bool,
}

/// The fixed IPv4 header and the Total Length of a datagram that is GRE
/// (RFC 2784) in an IPv4 header of 20 bytes (RFC 791 §3.1: version 4, IHL
/// 5), not a fragment, with a Total Length that covers the header and
/// lies within the captured bytes; `None` for any other.
#[inline(always)]
fn plain_gre(ip: &[u8]) -> Option<(&[u8; 20], usize)> {
    let fixed: &[u8; 20] = ip.first_chunk()?;
    let total = usize::from(u16::from_be_bytes([fixed[2], fixed[3]]));
    // No More Fragments, no offset; Don't Fragment may be set.
    let fragment = u16::from_be_bytes([fixed[6], fixed[7]]) & 0x3FFF;
    (fixed[0] == 0x45 && fixed[9] == proto::GRE && fragment == 0 && (20..=ip.len()).contains(&total))
        .then_some((fixed, total))
}

/// Where [`Decoder::decode_into`] delivers packets.
pub trait PacketSink {
    /// A GRE packet straight in an Ethernet II frame's IPv4 datagram, not
    /// a fragment: nearly every packet of a PPTP capture. A separate
    /// method so that an implementation can have it inlined into the
    /// decoder, the packet then never built in memory.
    fn gre(&mut self, packet: &Packet<'_>);
    /// Every other packet, GRE inside tunnels or fragments included.
    fn packet(&mut self, packet: &Packet<'_>);
}

impl<T: PacketSink + ?Sized> PacketSink for &mut T {
    #[inline(always)]
    fn gre(&mut self, packet: &Packet<'_>) {
        (**self).gre(packet)
    }
    #[inline(always)]
    fn packet(&mut self, packet: &Packet<'_>) {
        (**self).packet(packet)
    }
}

/// A closure as a [`PacketSink`] that takes every packet alike.
struct EveryPacket<'s>(&'s mut dyn FnMut(&Packet<'_>));

impl PacketSink for EveryPacket<'_> {
    fn gre(&mut self, packet: &Packet<'_>) {
        (self.0)(packet)
    }
    fn packet(&mut self, packet: &Packet<'_>) {
        (self.0)(packet)
    }
}

/// Decodes frames into packets, reassembling IP fragments.
pub struct Decoder {
    stats: NetStats,
    defrag: Defragmenter,
}

impl Decoder {
    /// A decoder whose fragment reassembly obeys the `ip_fragment*` bounds
    /// of `limits`.
    pub fn new(limits: &Limits) -> Self {
        Decoder {
            stats: NetStats::default(),
            defrag: Defragmenter::new(limits),
        }
    }

    /// Decodes one frame; calls `sink` once per transport payload found
    /// (zero times for non-IP frames or fragments still incomplete). A
    /// datagram completed by this frame's fragment is delivered with this
    /// frame's number and time.
    pub fn decode(&mut self, frame: &Frame<'_>, sink: &mut dyn FnMut(&Packet<'_>)) {
        self.decode_into(frame, EveryPacket(sink));
    }

    /// [`Decoder::decode`] into a [`PacketSink`]: the GRE packet of the
    /// common frame (Ethernet II, IPv4, no fragment) goes to
    /// [`PacketSink::gre`], every other packet to [`PacketSink::packet`].
    // Inlined into the caller, with `PacketSink::gre` when the sink asks
    // for it: the common GRE packet is then decoded and handled in one
    // piece of code, its `Packet` never written out.
    #[inline(always)]
    pub fn decode_into<S: PacketSink>(&mut self, frame: &Frame<'_>, mut sink: S) {
        self.stats.frames += 1;
        if self.defrag.pending() > 0 {
            self.defrag.expire(frame.ts, &mut self.stats.fragments);
        }
        // The frame nearly every packet of a PPTP capture comes in: Ethernet
        // II, an IPv4 header without options, not a fragment, GRE, all of
        // the datagram captured. Read in place; everything else, and what
        // these frames count otherwise, takes the general path below.
        if frame.link == LinkType::ETHERNET {
            if let Some(ip) = link::ethernet_ipv4(frame.data) {
                if let Some((fixed, total)) = plain_gre(ip) {
                    if let Some(payload) = ip.get(20..total) {
                        if total < ip.len() {
                            self.stats.ip_trailer_trimmed += 1;
                        }
                        self.stats.packets += 1;
                        return sink.gre(&Packet {
                            frame: frame.number,
                            ts: frame.ts,
                            iface: frame.iface,
                            ip: IpInfo {
                                src: IpAddr::V4(Ipv4Addr::new(fixed[12], fixed[13], fixed[14], fixed[15])),
                                dst: IpAddr::V4(Ipv4Addr::new(fixed[16], fixed[17], fixed[18], fixed[19])),
                                protocol: proto::GRE,
                                ident: u32::from(u16::from_be_bytes([fixed[4], fixed[5]])),
                                ttl: fixed[8],
                                tunnel_depth: 0,
                                reassembled: false,
                                declared_payload_len: len_u32(total - 20),
                            },
                            transport: Transport::Gre(payload),
                        });
                    }
                }
            }
        }
        // The general path gets a copy of the frame and the sink by value,
        // so the caller's frame and sink need not be written to memory
        // for the common frame, which reads them from registers.
        self.decode_general(&{ *frame }, sink);
    }

    /// [`Decoder::decode_into`] for every frame but the plainest GRE one.
    // Out of line: the common frame's code then needs few registers saved.
    #[inline(never)]
    fn decode_general<S: PacketSink>(&mut self, frame: &Frame<'_>, mut sink: S) {
        let captured_short = u32::try_from(frame.data.len()).is_ok_and(|n| n < frame.orig_len);
        let ctx = FrameContext {
            number: frame.number,
            ts: frame.ts,
            iface: frame.iface,
        };
        let outer = Enclosing {
            depth: 0,
            reassembled: false,
            captured_short,
        };
        // Ethernet II straight to IPv4, the frame PPTP captures are made of,
        // skips the dispatch over every link type and VLAN tag.
        if frame.link == LinkType::ETHERNET {
            if let Some(ipv4) = link::ethernet_ipv4(frame.data) {
                let header = match parse_ipv4(ipv4) {
                    Ok(header) => header,
                    Err(error) => return self.count_error(error, outer.captured_short),
                };
                // GRE, the packet PPTP data is made of, gets its own
                // delivery; what `ipv4_header` counts for it is counted here.
                if header.protocol == proto::GRE && !header.is_fragment() {
                    self.note_lengths(header.captured_short, header.trailer_len);
                    if header.total_len == 0 {
                        self.stats.ipv4_total_length_zero += 1;
                    }
                    self.stats.packets += 1;
                    return sink.gre(&Packet {
                        frame: ctx.number,
                        ts: ctx.ts,
                        iface: ctx.iface,
                        ip: IpInfo {
                            src: IpAddr::V4(header.src),
                            dst: IpAddr::V4(header.dst),
                            protocol: header.protocol,
                            ident: u32::from(header.ident),
                            ttl: header.ttl,
                            tunnel_depth: 0,
                            reassembled: false,
                            declared_payload_len: len_u32(header.declared_payload_len()),
                        },
                        transport: Transport::Gre(header.payload),
                    });
                }
                return self.ipv4_header(&ctx, header, outer, &mut |p| sink.packet(p));
            }
        }
        let sink = &mut |p: &Packet<'_>| sink.packet(p);
        match link::network_layer(frame.link, frame.data) {
            Ok(network) => self.ip(&ctx, network.hint, network.bytes, outer, sink),
            Err(LinkError::Unsupported(link)) => self.count_unsupported(link),
            Err(LinkError::NotIp) => self.stats.non_ip_frames += 1,
            Err(LinkError::Header(error)) => self.count_error(error, captured_short),
        }
    }

    /// Ends the capture: datagrams still incomplete are dropped and counted
    /// as `fragments.unfinished`.
    pub fn finish(&mut self) {
        self.defrag.finish(&mut self.stats.fragments);
    }

    /// What has been decoded, skipped and counted so far.
    pub fn stats(&self) -> &NetStats {
        &self.stats
    }

    fn count_unsupported(&mut self, link: LinkType) {
        let listed = &mut self.stats.unsupported_links;
        if let Some(entry) = listed.iter_mut().find(|e| e.link_type == link.0) {
            entry.frames += 1;
        } else if listed.len() < MAX_UNSUPPORTED_LINK_TYPES {
            listed.push(UnsupportedLink {
                link_type: link.0,
                name: link.name(),
                frames: 1,
            });
        } else {
            self.stats.unsupported_links_unlisted += 1;
        }
    }

    /// A header that ran out of bytes is "truncated" only when the capture
    /// cut the bytes; when the enclosing lengths were whole, the header
    /// contradicts them and is "malformed".
    fn count_error(&mut self, error: HeaderError, captured_short: bool) {
        match error {
            HeaderError::Truncated { layer, .. } if captured_short => {
                self.stats.truncated_headers.bump(layer)
            }
            HeaderError::Truncated { layer, .. } | HeaderError::Malformed { layer, .. } => {
                self.stats.malformed_headers.bump(layer)
            }
        }
    }

    fn ip(
        &mut self,
        ctx: &FrameContext,
        hint: IpVersionHint,
        bytes: &[u8],
        outer: Enclosing,
        sink: &mut dyn FnMut(&Packet<'_>),
    ) {
        match hint {
            IpVersionHint::V4 => self.ipv4(ctx, bytes, outer, sink),
            IpVersionHint::V6 => self.ipv6(ctx, bytes, outer, sink),
            IpVersionHint::ByVersionNibble => match bytes.first().map(|b| b >> 4) {
                Some(4) => self.ipv4(ctx, bytes, outer, sink),
                Some(6) => self.ipv6(ctx, bytes, outer, sink),
                Some(_) => self.stats.unknown_ip_version += 1,
                None => self.count_error(
                    HeaderError::Truncated {
                        layer: Layer::Link,
                        needed: 1,
                        available: 0,
                    },
                    outer.captured_short,
                ),
            },
        }
    }

    fn ipv4(
        &mut self,
        ctx: &FrameContext,
        bytes: &[u8],
        outer: Enclosing,
        sink: &mut dyn FnMut(&Packet<'_>),
    ) {
        let header = match parse_ipv4(bytes) {
            Ok(header) => header,
            Err(error) => return self.count_error(error, outer.captured_short),
        };
        self.ipv4_header(ctx, header, outer, sink);
    }

    // Part of `decode` for the common frame (Ethernet II + IPv4).
    #[inline(always)]
    fn ipv4_header(
        &mut self,
        ctx: &FrameContext,
        header: Ipv4Header<'_>,
        outer: Enclosing,
        sink: &mut dyn FnMut(&Packet<'_>),
    ) {
        self.note_lengths(header.captured_short, header.trailer_len);
        if header.total_len == 0 {
            self.stats.ipv4_total_length_zero += 1;
        }
        let src = IpAddr::V4(header.src);
        let dst = IpAddr::V4(header.dst);
        if header.is_fragment() {
            if header.captured_short {
                self.stats.fragments_truncated += 1;
                return;
            }
            let key = FragmentKey {
                src,
                dst,
                protocol: header.protocol,
                ident: u32::from(header.ident),
            };
            let fragment = Fragment {
                offset: header.fragment_offset,
                more: header.more_fragments,
                payload: header.payload,
                ttl: header.ttl,
                protocol: header.protocol,
            };
            if let Outcome::Complete(whole) =
                self.defrag.push(key, fragment, ctx.ts, &mut self.stats.fragments)
            {
                let info = IpInfo {
                    src,
                    dst,
                    protocol: whole.protocol,
                    ident: u32::from(header.ident),
                    ttl: whole.ttl,
                    tunnel_depth: outer.depth,
                    reassembled: true,
                    declared_payload_len: len_u32(whole.payload.len()),
                };
                self.transport(ctx, info, &whole.payload, false, sink);
            }
            return;
        }
        // The header is described where the packet is built, after the
        // transport is known, so that it is written where the sink reads it
        // instead of being assembled aside and copied.
        let info = || IpInfo {
            src,
            dst,
            protocol: header.protocol,
            ident: u32::from(header.ident),
            ttl: header.ttl,
            tunnel_depth: outer.depth,
            reassembled: outer.reassembled,
            declared_payload_len: len_u32(header.declared_payload_len()),
        };
        // GRE, the packet PPTP data is made of, gets its own delivery: a
        // transport chosen among all kinds would be copied whole.
        if header.protocol == proto::GRE {
            return self.deliver(ctx, info(), Transport::Gre(header.payload), sink);
        }
        let enclosing = Enclosing {
            depth: outer.depth,
            reassembled: outer.reassembled,
            captured_short: header.captured_short,
        };
        if let Some(transport) = self.upper(ctx, header.protocol, enclosing, header.payload, sink) {
            self.deliver(ctx, info(), transport, sink);
        }
    }

    fn ipv6(
        &mut self,
        ctx: &FrameContext,
        bytes: &[u8],
        outer: Enclosing,
        sink: &mut dyn FnMut(&Packet<'_>),
    ) {
        let header = match parse_ipv6(bytes) {
            Ok(header) => header,
            Err(error) => return self.count_error(error, outer.captured_short),
        };
        self.note_lengths(header.captured_short, header.trailer_len);
        let upper = match parse_ipv6_extensions(header.next_header, header.payload, true) {
            Ok(upper) => upper,
            Err(error) => return self.count_error(error, header.captured_short),
        };
        let src = IpAddr::V6(header.src);
        let dst = IpAddr::V6(header.dst);
        match upper.fragment {
            Some(fragment) if !fragment.is_atomic() => {
                if header.captured_short {
                    self.stats.fragments_truncated += 1;
                    return;
                }
                let key = FragmentKey {
                    src,
                    dst,
                    protocol: IPV6_FRAGMENT_KEY_PROTOCOL,
                    ident: fragment.ident,
                };
                let piece = Fragment {
                    offset: fragment.offset,
                    more: fragment.more,
                    payload: upper.data,
                    ttl: header.hop_limit,
                    protocol: upper.next_header,
                };
                let Outcome::Complete(whole) =
                    self.defrag.push(key, piece, ctx.ts, &mut self.stats.fragments)
                else {
                    return;
                };
                // The fragmentable part may open with more extension headers
                // (RFC 8200 §4.5: Destination Options, Routing, …).
                let inner = match parse_ipv6_extensions(whole.protocol, &whole.payload, false) {
                    Ok(inner) => inner,
                    Err(error) => return self.count_error(error, false),
                };
                let info = IpInfo {
                    src,
                    dst,
                    protocol: inner.next_header,
                    ident: fragment.ident,
                    ttl: whole.ttl,
                    tunnel_depth: outer.depth,
                    reassembled: true,
                    declared_payload_len: len_u32(whole.payload.len().saturating_sub(inner.extension_len)),
                };
                self.transport(ctx, info, inner.data, false, sink);
            }
            fragment => {
                let info = IpInfo {
                    src,
                    dst,
                    protocol: upper.next_header,
                    ident: fragment.map_or(0, |f| f.ident),
                    ttl: header.hop_limit,
                    tunnel_depth: outer.depth,
                    reassembled: outer.reassembled,
                    declared_payload_len: len_u32(
                        header.declared_payload_len().saturating_sub(upper.extension_len),
                    ),
                };
                self.transport(ctx, info, upper.data, header.captured_short, sink);
            }
        }
    }

    fn note_lengths(&mut self, captured_short: bool, trailer_len: usize) {
        if captured_short {
            self.stats.ip_payload_truncated += 1;
        }
        if trailer_len > 0 {
            self.stats.ip_trailer_trimmed += 1;
        }
    }

    /// Delivers the payload of the IP header described by `info`, or follows
    /// it into an inner IP header.
    #[inline(always)]
    fn transport(
        &mut self,
        ctx: &FrameContext,
        info: IpInfo,
        payload: &[u8],
        captured_short: bool,
        sink: &mut dyn FnMut(&Packet<'_>),
    ) {
        let enclosing = Enclosing {
            depth: info.tunnel_depth,
            reassembled: info.reassembled,
            captured_short,
        };
        if let Some(transport) = self.upper(ctx, info.protocol, enclosing, payload, sink) {
            self.deliver(ctx, info, transport, sink);
        }
    }

    /// Hands one packet to the sink.
    #[inline(always)]
    fn deliver(
        &mut self,
        ctx: &FrameContext,
        ip: IpInfo,
        transport: Transport<'_>,
        sink: &mut dyn FnMut(&Packet<'_>),
    ) {
        self.stats.packets += 1;
        sink(&Packet {
            frame: ctx.number,
            ts: ctx.ts,
            iface: ctx.iface,
            ip,
            transport,
        });
    }

    /// The transport layer of an IP payload carrying `protocol`; `enclosing`
    /// describes the IP header (its depth, its reassembly, whether the
    /// capture cut its payload). `None` when there is nothing to deliver:
    /// the payload was an inner IP header, followed here, or a transport
    /// header that could not be read, counted.
    #[inline(always)]
    fn upper<'a>(
        &mut self,
        ctx: &FrameContext,
        protocol: u8,
        enclosing: Enclosing,
        payload: &'a [u8],
        sink: &mut dyn FnMut(&Packet<'_>),
    ) -> Option<Transport<'a>> {
        let captured_short = enclosing.captured_short;
        Some(match protocol {
            proto::GRE => Transport::Gre(payload),
            proto::IPV4_IN_IP | proto::IPV6_IN_IP if enclosing.depth < MAX_TUNNEL_DEPTH => {
                self.tunnel(ctx, protocol, enclosing, payload, sink);
                return None;
            }
            proto::IPV4_IN_IP | proto::IPV6_IN_IP => {
                self.stats.tunnel_depth_exceeded += 1;
                Transport::Other(payload)
            }
            proto::TCP => match parse_tcp(payload) {
                Ok(segment) => Transport::Tcp(segment),
                Err(error) => {
                    self.count_error(error, captured_short);
                    return None;
                }
            },
            proto::UDP => match parse_udp(payload) {
                Ok(udp) => {
                    if udp.captured_short {
                        self.stats.udp_payload_truncated += 1;
                    }
                    Transport::Udp {
                        src_port: udp.src_port,
                        dst_port: udp.dst_port,
                        payload: udp.payload,
                    }
                }
                Err(error) => {
                    self.count_error(error, captured_short);
                    return None;
                }
            },
            _ => Transport::Other(payload),
        })
    }

    /// Follows an IP-in-IP payload into its inner header. Kept out of line:
    /// it closes the cycle ip → upper → ip, and a cycle of inlined
    /// functions is not inlined at all, while `ipv4` and `upper` should be
    /// one piece of code for the common packet.
    #[inline(never)]
    fn tunnel(
        &mut self,
        ctx: &FrameContext,
        protocol: u8,
        enclosing: Enclosing,
        payload: &[u8],
        sink: &mut dyn FnMut(&Packet<'_>),
    ) {
        self.stats.tunnels_followed += 1;
        let hint = if protocol == proto::IPV4_IN_IP {
            IpVersionHint::V4
        } else {
            IpVersionHint::V6
        };
        let inner = Enclosing {
            depth: enclosing.depth + 1,
            ..enclosing
        };
        self.ip(ctx, hint, payload, inner, sink);
    }
}

fn len_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::defrag::FragmentStats;

    const A4: [u8; 4] = [10, 0, 0, 1];
    const B4: [u8; 4] = [10, 0, 0, 2];
    const C4: [u8; 4] = [10, 0, 0, 3];
    const A6: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const B6: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
    const MF: u16 = 0x2000;
    const DF: u16 = 0x4000;

    fn ipv4_with_options(
        src: [u8; 4],
        dst: [u8; 4],
        protocol: u8,
        ident: u16,
        flags_offset: u16,
        options: &[u8],
        payload: &[u8],
    ) -> Vec<u8> {
        let header_len = 20 + options.len();
        let total = (header_len + payload.len()) as u16;
        let mut p = vec![0x40 | (header_len / 4) as u8, 0];
        p.extend(total.to_be_bytes());
        p.extend(ident.to_be_bytes());
        p.extend(flags_offset.to_be_bytes());
        p.extend([64, protocol, 0, 0]);
        p.extend(src);
        p.extend(dst);
        p.extend(options);
        p.extend(payload);
        p
    }

    fn ipv4(
        src: [u8; 4],
        dst: [u8; 4],
        protocol: u8,
        ident: u16,
        flags_offset: u16,
        payload: &[u8],
    ) -> Vec<u8> {
        ipv4_with_options(src, dst, protocol, ident, flags_offset, &[], payload)
    }

    fn ipv6(src: [u8; 16], dst: [u8; 16], next_header: u8, payload: &[u8]) -> Vec<u8> {
        let mut p = vec![0x60, 0, 0, 0];
        p.extend((payload.len() as u16).to_be_bytes());
        p.extend([next_header, 64]);
        p.extend(src);
        p.extend(dst);
        p.extend(payload);
        p
    }

    /// Hop-by-Hop, Destination Options or Routing header of `len` bytes
    /// (a multiple of 8).
    fn ext(next_header: u8, len: usize) -> Vec<u8> {
        let mut h = vec![next_header, (len / 8 - 1) as u8];
        h.resize(len, 0);
        h
    }

    fn frag6(next_header: u8, offset: u16, more: bool, ident: u32) -> Vec<u8> {
        let mut h = vec![next_header, 0];
        h.extend((offset << 3 | u16::from(more)).to_be_bytes());
        h.extend(ident.to_be_bytes());
        h
    }

    #[allow(clippy::too_many_arguments)]
    fn tcp(
        sp: u16,
        dp: u16,
        seq: u32,
        ack: u32,
        flags: u8,
        window: u16,
        options: &[u8],
        payload: &[u8],
    ) -> Vec<u8> {
        let mut t = Vec::new();
        t.extend(sp.to_be_bytes());
        t.extend(dp.to_be_bytes());
        t.extend(seq.to_be_bytes());
        t.extend(ack.to_be_bytes());
        t.push((((20 + options.len()) / 4) << 4) as u8);
        t.push(flags);
        t.extend(window.to_be_bytes());
        t.extend([0, 0, 0, 0]);
        t.extend(options);
        t.extend(payload);
        t
    }

    fn udp(sp: u16, dp: u16, payload: &[u8]) -> Vec<u8> {
        let mut u = Vec::new();
        u.extend(sp.to_be_bytes());
        u.extend(dp.to_be_bytes());
        u.extend((8 + payload.len() as u16).to_be_bytes());
        u.extend([0, 0]);
        u.extend(payload);
        u
    }

    fn eth(ethertype: u16, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2];
        f.extend(ethertype.to_be_bytes());
        f.extend(payload);
        f
    }

    fn frame(number: u64, link: LinkType, data: &[u8]) -> Frame<'_> {
        Frame {
            number,
            ts: Timestamp::new(1_000 + number as i64, 500),
            link,
            iface: 0,
            data,
            orig_len: data.len() as u32,
        }
    }

    /// A frame the capture cut: the wire held `wire_len` bytes.
    fn cut(number: u64, link: LinkType, data: &[u8], wire_len: u32) -> Frame<'_> {
        Frame {
            orig_len: wire_len,
            ..frame(number, link, data)
        }
    }

    #[derive(Debug, Clone, PartialEq)]
    enum Body {
        Tcp {
            src_port: u16,
            dst_port: u16,
            seq: u32,
            ack: u32,
            flags: TcpFlags,
            window: u16,
            payload: Vec<u8>,
        },
        Gre(Vec<u8>),
        Udp {
            src_port: u16,
            dst_port: u16,
            payload: Vec<u8>,
        },
        Other(Vec<u8>),
    }

    #[derive(Debug, Clone, PartialEq)]
    struct Seen {
        frame: u64,
        ts: Timestamp,
        iface: u32,
        ip: IpInfo,
        body: Body,
    }

    fn seen_of(p: &Packet<'_>) -> Seen {
        let body = match p.transport {
            Transport::Tcp(t) => Body::Tcp {
                src_port: t.src_port,
                dst_port: t.dst_port,
                seq: t.seq,
                ack: t.ack,
                flags: t.flags,
                window: t.window,
                payload: t.payload.to_vec(),
            },
            Transport::Gre(g) => Body::Gre(g.to_vec()),
            Transport::Udp {
                src_port,
                dst_port,
                payload,
            } => Body::Udp {
                src_port,
                dst_port,
                payload: payload.to_vec(),
            },
            Transport::Other(o) => Body::Other(o.to_vec()),
        };
        Seen {
            frame: p.frame,
            ts: p.ts,
            iface: p.iface,
            ip: p.ip,
            body,
        }
    }

    fn run(decoder: &mut Decoder, frames: &[Frame<'_>]) -> Vec<Seen> {
        let mut seen = Vec::new();
        for f in frames {
            decoder.decode(f, &mut |p: &Packet<'_>| seen.push(seen_of(p)));
        }
        seen
    }

    fn decode_fresh(frames: &[Frame<'_>]) -> (Vec<Seen>, NetStats) {
        let mut d = Decoder::new(&Limits::default());
        let seen = run(&mut d, frames);
        (seen, d.stats().clone())
    }

    fn ts(number: u64) -> Timestamp {
        Timestamp::new(1_000 + number as i64, 500)
    }

    fn v4(a: [u8; 4]) -> IpAddr {
        IpAddr::from(a)
    }

    fn v6(a: [u8; 16]) -> IpAddr {
        IpAddr::from(a)
    }

    fn info(src: IpAddr, dst: IpAddr, protocol: u8, ident: u32, declared: u32) -> IpInfo {
        IpInfo {
            src,
            dst,
            protocol,
            ident,
            ttl: 64,
            tunnel_depth: 0,
            reassembled: false,
            declared_payload_len: declared,
        }
    }

    const PSH_ACK: TcpFlags = TcpFlags {
        syn: false,
        ack: true,
        fin: false,
        rst: false,
        psh: true,
    };

    /// The segment most tests carry: 10.0.0.1:1723 → 10.0.0.2:40000.
    fn hello_tcp() -> Vec<u8> {
        tcp(1723, 40000, 1000, 2000, 0x18, 512, &[], b"hello")
    }

    fn hello_body() -> Body {
        Body::Tcp {
            src_port: 1723,
            dst_port: 40000,
            seq: 1000,
            ack: 2000,
            flags: PSH_ACK,
            window: 512,
            payload: b"hello".to_vec(),
        }
    }

    fn hello_v4(number: u64) -> Seen {
        Seen {
            frame: number,
            ts: ts(number),
            iface: 0,
            ip: info(v4(A4), v4(B4), proto::TCP, 0x1234, 25),
            body: hello_body(),
        }
    }

    fn hello_v6(number: u64) -> Seen {
        Seen {
            frame: number,
            ts: ts(number),
            iface: 0,
            ip: info(v6(A6), v6(B6), proto::TCP, 0, 25),
            body: hello_body(),
        }
    }

    fn with(prefix: &[u8], rest: &[u8]) -> Vec<u8> {
        [prefix, rest].concat()
    }

    #[test]
    fn every_link_type_yields_the_packet() {
        let ip4 = ipv4(A4, B4, proto::TCP, 0x1234, DF, &hello_tcp());
        let ip6 = ipv6(A6, B6, proto::TCP, &hello_tcp());
        let sll = |et: &[u8]| with(&[0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, et[0], et[1]], &[]);
        let sll2 = |et: &[u8]| {
            with(
                &[et[0], et[1], 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0],
                &[],
            )
        };
        let pppoe = |proto: &[u8], ip: &[u8]| {
            let len = (ip.len() + 2) as u16;
            let mut p = vec![0x11, 0x00, 0x00, 0x07];
            p.extend(len.to_be_bytes());
            p.extend(proto);
            p.extend(ip);
            p
        };
        let cases: Vec<(LinkType, Vec<u8>, bool)> = vec![
            (LinkType::ETHERNET, eth(0x0800, &ip4), false),
            (LinkType::ETHERNET, eth(0x86DD, &ip6), true),
            (
                LinkType::ETHERNET,
                eth(0x8864, &pppoe(&[0x00, 0x21], &ip4)),
                false,
            ),
            (LinkType::ETHERNET, eth(0x8864, &pppoe(&[0x00, 0x57], &ip6)), true),
            (LinkType::PPP_ETHER, pppoe(&[0x00, 0x21], &ip4), false),
            (LinkType::LINUX_SLL, with(&sll(&[0x08, 0x00]), &ip4), false),
            (LinkType::LINUX_SLL, with(&sll(&[0x86, 0xDD]), &ip6), true),
            (LinkType::LINUX_SLL2, with(&sll2(&[0x08, 0x00]), &ip4), false),
            (LinkType::LINUX_SLL2, with(&sll2(&[0x86, 0xDD]), &ip6), true),
            (LinkType::RAW_12, ip4.clone(), false),
            (LinkType::RAW_14, ip6.clone(), true),
            (LinkType::RAW, ip4.clone(), false),
            (LinkType::RAW, ip6.clone(), true),
            (LinkType::IPV4, ip4.clone(), false),
            (LinkType::IPV6, ip6.clone(), true),
            (LinkType::NULL, with(&[2, 0, 0, 0], &ip4), false),
            (LinkType::NULL, with(&[0, 0, 0, 2], &ip4), false),
            (LinkType::NULL, with(&[30, 0, 0, 0], &ip6), true),
            (LinkType::NULL, with(&[0, 0, 0, 28], &ip6), true),
            (LinkType::NULL, with(&[24, 0, 0, 0], &ip6), true),
            (LinkType::LOOP, with(&[0, 0, 0, 2], &ip4), false),
            (LinkType::LOOP, with(&[0, 0, 0, 24], &ip6), true),
            (LinkType::PPP, with(&[0xFF, 0x03, 0x00, 0x21], &ip4), false),
            (LinkType::PPP, with(&[0x00, 0x57], &ip6), true),
            (LinkType::PPP, with(&[0x21], &ip4), false),
            (LinkType::PPP_HDLC, with(&[0xFF, 0x03, 0x00, 0x21], &ip4), false),
            (LinkType::PPP_HDLC, with(&[0x0F, 0x00, 0x86, 0xDD], &ip6), true),
        ];
        let mut d = Decoder::new(&Limits::default());
        for (i, (link, bytes, is_v6)) in cases.iter().enumerate() {
            let number = i as u64 + 1;
            let seen = run(&mut d, &[frame(number, *link, bytes)]);
            let expected = if *is_v6 {
                hello_v6(number)
            } else {
                hello_v4(number)
            };
            assert_eq!(seen, vec![expected], "case {i}: {link:?}");
        }
        let n = cases.len() as u64;
        assert_eq!(
            d.stats(),
            &NetStats {
                frames: n,
                packets: n,
                ..NetStats::default()
            }
        );
    }

    #[test]
    fn unsupported_and_non_ip_frames_are_counted() {
        let ip4 = ipv4(A4, B4, proto::TCP, 0x1234, DF, &hello_tcp());
        let arp = eth(0x0806, &[0; 28]);
        let llc = eth(38, &[0x42, 0x42, 0x03, 0, 0]);
        let lcp = [0xFF, 0x03, 0xC0, 0x21, 1, 1, 0, 4];
        let frames = [
            frame(1, LinkType(147), &ip4),
            frame(2, LinkType(105), &ip4),
            frame(3, LinkType(147), &ip4),
            frame(4, LinkType::ETHERNET, &arp),
            frame(5, LinkType::ETHERNET, &llc),
            frame(6, LinkType::PPP, &lcp),
            frame(7, LinkType::NULL, &[7, 0, 0, 0, 0x45]),
        ];
        let (seen, stats) = decode_fresh(&frames);
        assert_eq!(seen, vec![]);
        assert_eq!(
            stats,
            NetStats {
                frames: 7,
                non_ip_frames: 4,
                unsupported_links: vec![
                    UnsupportedLink {
                        link_type: 147,
                        name: "LINKTYPE_147".to_string(),
                        frames: 2
                    },
                    UnsupportedLink {
                        link_type: 105,
                        name: "IEEE802_11".to_string(),
                        frames: 1
                    },
                ],
                ..NetStats::default()
            }
        );
        assert!(!link::is_supported(LinkType(147)));

        // The per-type list is bounded.
        let mut d = Decoder::new(&Limits::default());
        for n in 0..70u32 {
            d.decode(&frame(1, LinkType(1000 + n), &ip4), &mut |_| {});
        }
        d.decode(&frame(1, LinkType(1000), &ip4), &mut |_| {});
        assert_eq!(d.stats().unsupported_links.len(), MAX_UNSUPPORTED_LINK_TYPES);
        assert_eq!(d.stats().unsupported_links[0].frames, 2);
        assert_eq!(d.stats().unsupported_links_unlisted, 6);
    }

    #[test]
    fn vlan_and_qinq_tagged_frames() {
        let ip4 = ipv4(A4, B4, proto::TCP, 0x1234, DF, &hello_tcp());
        let ip6 = ipv6(A6, B6, proto::TCP, &hello_tcp());
        let single = eth(0x8100, &with(&[0x00, 0x64, 0x08, 0x00], &ip4));
        let qinq = eth(
            0x88A8,
            &with(&[0x00, 0x0A, 0x81, 0x00, 0x00, 0x14, 0x86, 0xDD], &ip6),
        );
        let legacy = eth(
            0x9100,
            &with(&[0x00, 0x0A, 0x81, 0x00, 0x00, 0x14, 0x08, 0x00], &ip4),
        );
        let mut too_deep = Vec::new();
        for _ in 0..link::MAX_VLAN_TAGS {
            too_deep.extend([0x00, 0x01, 0x81, 0x00]);
        }
        too_deep.extend([0x00, 0x01, 0x08, 0x00]);
        let too_deep = eth(0x8100, &with(&too_deep, &ip4));
        let (seen, stats) = decode_fresh(&[
            frame(1, LinkType::ETHERNET, &single),
            frame(2, LinkType::ETHERNET, &qinq),
            frame(3, LinkType::ETHERNET, &legacy),
            frame(4, LinkType::ETHERNET, &too_deep),
        ]);
        assert_eq!(seen, vec![hello_v4(1), hello_v6(2), hello_v4(3)]);
        assert_eq!(
            stats,
            NetStats {
                frames: 4,
                packets: 3,
                malformed_headers: LayerCounts {
                    link: 1,
                    ..LayerCounts::default()
                },
                ..NetStats::default()
            }
        );
    }

    #[test]
    fn ipv4_options_are_skipped() {
        let ip4 = ipv4_with_options(
            A4,
            B4,
            proto::TCP,
            0x1234,
            0,
            &[0x94, 0x04, 0, 0, 1, 0, 0, 0],
            &hello_tcp(),
        );
        let tcp_with_options = tcp(
            1723,
            40000,
            1000,
            2000,
            0x18,
            512,
            &[2, 4, 5, 0xb4, 1, 1, 1, 0],
            b"hello",
        );
        let ip4b = ipv4(A4, B4, proto::TCP, 0x1234, 0, &tcp_with_options);
        let (seen, _) = decode_fresh(&[frame(1, LinkType::RAW, &ip4), frame(2, LinkType::RAW, &ip4b)]);
        let mut second = hello_v4(2);
        second.ip.declared_payload_len = 33;
        assert_eq!(seen, vec![hello_v4(1), second]);
    }

    #[test]
    fn ipv6_extension_header_chain() {
        use ipv6_ext::*;
        let datagram = udp(5000, 53, b"query");
        let mut chain = ext(DESTINATION_OPTIONS, 8); // Hop-by-Hop
        chain.extend(ext(ROUTING, 16)); // Destination Options
        chain.extend(ext(FRAGMENT, 24)); // Routing
        chain.extend(frag6(AUTHENTICATION, 0, false, 0xDEAD_BEEF)); // atomic
        chain.extend([
            MOBILITY, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ]); // AH, 24 bytes
        chain.extend(ext(proto::UDP, 8)); // Mobility
        let chain_len = chain.len();
        chain.extend(&datagram);
        let packet = ipv6(A6, B6, HOP_BY_HOP, &chain);

        let no_next = ipv6(
            A6,
            B6,
            DESTINATION_OPTIONS,
            &with(&ext(NO_NEXT_HEADER, 8), b"ignored!"),
        );
        let mut long_chain = Vec::new();
        for _ in 0..=MAX_IPV6_EXTENSION_HEADERS {
            long_chain.extend(ext(DESTINATION_OPTIONS, 8));
        }
        let too_long = ipv6(A6, B6, DESTINATION_OPTIONS, &long_chain);
        // A Routing header longer than the declared payload (not cut by the
        // capture) and one cut by the capture.
        let overlong = ipv6(A6, B6, ROUTING, &ext(proto::UDP, 8)[..6]);
        let full = eth(
            0x86DD,
            &ipv6(A6, B6, ROUTING, &with(&ext(proto::UDP, 16), &datagram)),
        );
        let snapped = &full[..14 + 40 + 10];

        let (seen, stats) = decode_fresh(&[
            frame(1, LinkType::IPV6, &packet),
            frame(2, LinkType::IPV6, &no_next),
            frame(3, LinkType::IPV6, &too_long),
            frame(4, LinkType::IPV6, &overlong),
            cut(5, LinkType::ETHERNET, snapped, full.len() as u32),
        ]);
        assert_eq!(chain_len, 8 + 16 + 24 + 8 + 24 + 8);
        assert_eq!(
            seen,
            vec![
                Seen {
                    frame: 1,
                    ts: ts(1),
                    iface: 0,
                    ip: info(v6(A6), v6(B6), proto::UDP, 0xDEAD_BEEF, 13),
                    body: Body::Udp {
                        src_port: 5000,
                        dst_port: 53,
                        payload: b"query".to_vec()
                    },
                },
                Seen {
                    frame: 2,
                    ts: ts(2),
                    iface: 0,
                    ip: info(v6(A6), v6(B6), NO_NEXT_HEADER, 0, 8),
                    body: Body::Other(vec![]),
                },
            ]
        );
        assert_eq!(
            stats,
            NetStats {
                frames: 5,
                packets: 2,
                truncated_headers: LayerCounts {
                    ipv6_extension: 1,
                    ..LayerCounts::default()
                },
                malformed_headers: LayerCounts {
                    ipv6_extension: 2,
                    ..LayerCounts::default()
                },
                ip_payload_truncated: 1,
                ..NetStats::default()
            }
        );
    }

    #[test]
    fn four_in_six_and_six_in_four() {
        let gre = [0x30, 0x01, 0x88, 0x0B, 0x00, 0x00, 0x00, 0x11, 0, 0, 0, 1];
        let inner4 = ipv4(A4, B4, proto::GRE, 7, 0, &gre);
        let four_in_six = eth(0x86DD, &ipv6(A6, B6, proto::IPV4_IN_IP, &inner4));
        let inner6 = ipv6(A6, B6, proto::TCP, &hello_tcp());
        let six_in_four = eth(0x0800, &ipv4(C4, A4, proto::IPV6_IN_IP, 9, 0, &inner6));
        // 4in4 inside 6in4: IPv4 → IPv6 → IPv4.
        let deep = ipv4(
            C4,
            B4,
            proto::IPV6_IN_IP,
            1,
            0,
            &ipv6(B6, A6, proto::IPV4_IN_IP, &inner4),
        );
        let (seen, stats) = decode_fresh(&[
            frame(1, LinkType::ETHERNET, &four_in_six),
            frame(2, LinkType::ETHERNET, &six_in_four),
            frame(3, LinkType::RAW, &deep),
        ]);
        let gre_seen = |number: u64, depth: u8| Seen {
            frame: number,
            ts: ts(number),
            iface: 0,
            ip: IpInfo {
                tunnel_depth: depth,
                ..info(v4(A4), v4(B4), proto::GRE, 7, 12)
            },
            body: Body::Gre(gre.to_vec()),
        };
        let mut tcp6 = hello_v6(2);
        tcp6.ip.tunnel_depth = 1;
        assert_eq!(seen, vec![gre_seen(1, 1), tcp6, gre_seen(3, 2)]);
        assert_eq!(stats.tunnels_followed, 4);
        assert_eq!(stats.packets, 3);
        assert_eq!(stats.tunnel_depth_exceeded, 0);
    }

    #[test]
    fn tunnel_depth_is_bounded() {
        let mut packet = ipv4(A4, B4, proto::UDP, 1, 0, &udp(1, 2, b"x"));
        for _ in 0..=MAX_TUNNEL_DEPTH {
            packet = ipv4(A4, B4, proto::IPV4_IN_IP, 1, 0, &packet);
        }
        // 10 headers: the 9th (depth 8) still says IP-in-IP.
        let (seen, stats) = decode_fresh(&[frame(1, LinkType::RAW, &packet)]);
        let innermost_two = ipv4(
            A4,
            B4,
            proto::IPV4_IN_IP,
            1,
            0,
            &ipv4(A4, B4, proto::UDP, 1, 0, &udp(1, 2, b"x")),
        );
        let expected_payload = innermost_two[20..].to_vec();
        assert_eq!(
            seen,
            vec![Seen {
                frame: 1,
                ts: ts(1),
                iface: 0,
                ip: IpInfo {
                    tunnel_depth: MAX_TUNNEL_DEPTH,
                    ..info(
                        v4(A4),
                        v4(B4),
                        proto::IPV4_IN_IP,
                        1,
                        expected_payload.len() as u32
                    )
                },
                body: Body::Other(expected_payload),
            }]
        );
        assert_eq!(stats.tunnels_followed, u64::from(MAX_TUNNEL_DEPTH));
        assert_eq!(stats.tunnel_depth_exceeded, 1);
    }

    #[test]
    fn ethernet_padding_is_trimmed() {
        // A bare SYN: 14 + 20 + 20 = 54 bytes, padded to 60 on the wire.
        let syn = tcp(40000, 1723, 77, 0, 0x02, 8192, &[], &[]);
        let mut padded = eth(0x0800, &ipv4(B4, A4, proto::TCP, 1, DF, &syn));
        padded.extend([0xAA; 6]);
        assert_eq!(padded.len(), 60);
        // IPv6 with a 4-byte FCS left on.
        let mut fcs = eth(0x86DD, &ipv6(A6, B6, proto::UDP, &udp(1, 2, b"ab")));
        fcs.extend([0xDE, 0xAD, 0xBE, 0xEF]);
        // Padding after a VLAN-tagged PPPoE session.
        let ip4 = ipv4(A4, B4, proto::UDP, 2, 0, &udp(3, 4, b"c"));
        let mut pppoe = vec![0x00, 0x05, 0x88, 0x64, 0x11, 0x00, 0x00, 0x01];
        pppoe.extend(((ip4.len() + 2) as u16).to_be_bytes());
        pppoe.extend([0x00, 0x21]);
        pppoe.extend(&ip4);
        let mut pppoe = eth(0x8100, &pppoe);
        pppoe.resize(64, 0x55);
        let (seen, stats) = decode_fresh(&[
            frame(1, LinkType::ETHERNET, &padded),
            frame(2, LinkType::ETHERNET, &fcs),
            frame(3, LinkType::ETHERNET, &pppoe),
        ]);
        assert_eq!(
            seen,
            vec![
                Seen {
                    frame: 1,
                    ts: ts(1),
                    iface: 0,
                    ip: info(v4(B4), v4(A4), proto::TCP, 1, 20),
                    body: Body::Tcp {
                        src_port: 40000,
                        dst_port: 1723,
                        seq: 77,
                        ack: 0,
                        flags: TcpFlags {
                            syn: true,
                            ..TcpFlags::default()
                        },
                        window: 8192,
                        payload: vec![],
                    },
                },
                Seen {
                    frame: 2,
                    ts: ts(2),
                    iface: 0,
                    ip: info(v6(A6), v6(B6), proto::UDP, 0, 10),
                    body: Body::Udp {
                        src_port: 1,
                        dst_port: 2,
                        payload: b"ab".to_vec()
                    },
                },
                Seen {
                    frame: 3,
                    ts: ts(3),
                    iface: 0,
                    ip: info(v4(A4), v4(B4), proto::UDP, 2, 9),
                    body: Body::Udp {
                        src_port: 3,
                        dst_port: 4,
                        payload: b"c".to_vec()
                    },
                },
            ]
        );
        // PPPoE's own length removed the third frame's padding first.
        assert_eq!(stats.ip_trailer_trimmed, 2);
        assert_eq!(stats.packets, 3);
    }

    /// Ethernet II + IPv4 takes the short path through the decoder; GRE
    /// on it its own delivery. Padded, cut, zero-length and optioned
    /// datagrams come out exactly as the general path gives them.
    #[test]
    fn ethernet_ipv4_gre_frames_are_delivered_exactly() {
        let gre: Vec<u8> = vec![
            0x30, 0x81, 0x88, 0x0B, 0, 4, 0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4,
        ];
        let plain = eth(0x0800, &ipv4(A4, B4, proto::GRE, 0x0101, DF, &gre));
        let mut padded = eth(0x0800, &ipv4(B4, A4, proto::GRE, 0x0202, 0, &gre[..16]));
        padded.resize(60, 0xEE);
        let whole = eth(0x0800, &ipv4(A4, B4, proto::GRE, 0x0303, DF, &gre));
        let short = &whole[..whole.len() - 3];
        let mut zero_length = eth(0x0800, &ipv4(A4, B4, proto::GRE, 0x0404, DF, &gre));
        zero_length[16] = 0;
        zero_length[17] = 0;
        let optioned = eth(
            0x0800,
            &ipv4_with_options(A4, C4, proto::GRE, 0x0505, DF, &[1, 1, 1, 0], &gre),
        );
        let (seen, stats) = decode_fresh(&[
            frame(1, LinkType::ETHERNET, &plain),
            frame(2, LinkType::ETHERNET, &padded),
            cut(3, LinkType::ETHERNET, short, whole.len() as u32),
            frame(4, LinkType::ETHERNET, &zero_length),
            frame(5, LinkType::ETHERNET, &optioned),
        ]);
        let gre_seen = |frame: u64, ip: IpInfo, body: &[u8]| Seen {
            frame,
            ts: ts(frame),
            iface: 0,
            ip,
            body: Body::Gre(body.to_vec()),
        };
        assert_eq!(
            seen,
            vec![
                gre_seen(1, info(v4(A4), v4(B4), proto::GRE, 0x0101, 20), &gre),
                gre_seen(2, info(v4(B4), v4(A4), proto::GRE, 0x0202, 16), &gre[..16]),
                gre_seen(3, info(v4(A4), v4(B4), proto::GRE, 0x0303, 20), &gre[..17]),
                gre_seen(4, info(v4(A4), v4(B4), proto::GRE, 0x0404, 20), &gre),
                gre_seen(5, info(v4(A4), v4(C4), proto::GRE, 0x0505, 20), &gre),
            ]
        );
        assert_eq!(
            stats,
            NetStats {
                frames: 5,
                packets: 5,
                ip_payload_truncated: 1,
                ip_trailer_trimmed: 1,
                ipv4_total_length_zero: 1,
                ..NetStats::default()
            }
        );
    }

    /// Which method of a [`PacketSink`] got each packet, and the packet.
    #[derive(Default)]
    struct Split(Vec<(bool, Seen)>);

    impl PacketSink for Split {
        fn gre(&mut self, p: &Packet<'_>) {
            self.0.push((true, seen_of(p)));
        }
        fn packet(&mut self, p: &Packet<'_>) {
            self.0.push((false, seen_of(p)));
        }
    }

    #[test]
    fn common_gre_has_its_own_delivery_with_the_same_packets() {
        let gre: Vec<u8> = vec![
            0x30, 0x81, 0x88, 0x0B, 0, 24, 0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
            12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
        ];
        let plain = eth(0x0800, &ipv4(A4, B4, proto::GRE, 0x0101, DF, &gre));
        let mut zero_length = eth(0x0800, &ipv4(B4, A4, proto::GRE, 0x0202, DF, &gre));
        zero_length[16] = 0;
        zero_length[17] = 0;
        let pieces = fragments4(A4, proto::GRE, 0x0303, &gre, &[16]);
        let first = eth(0x0800, &pieces[0]);
        let last = eth(0x0800, &pieces[1]);
        let tunnelled = eth(
            0x0800,
            &ipv4(
                C4,
                B4,
                proto::IPV4_IN_IP,
                0x0404,
                DF,
                &ipv4(A4, B4, proto::GRE, 0x0505, DF, &gre),
            ),
        );
        let tagged = eth(
            0x8100,
            &with(
                &[0x00, 0x64, 0x08, 0x00],
                &ipv4(A4, B4, proto::GRE, 0x0606, DF, &gre),
            ),
        );
        let tcp = eth(0x0800, &ipv4(A4, B4, proto::TCP, 0x0707, DF, &hello_tcp()));
        let raw = ipv4(A4, B4, proto::GRE, 0x0808, DF, &gre);
        let frames = [
            frame(1, LinkType::ETHERNET, &plain),
            frame(2, LinkType::ETHERNET, &zero_length),
            frame(3, LinkType::ETHERNET, &first),
            frame(4, LinkType::ETHERNET, &last),
            frame(5, LinkType::ETHERNET, &tunnelled),
            frame(6, LinkType::ETHERNET, &tagged),
            frame(7, LinkType::ETHERNET, &tcp),
            frame(8, LinkType::RAW, &raw),
        ];
        let mut decoder = Decoder::new(&Limits::default());
        let mut split = Split::default();
        for f in &frames {
            decoder.decode_into(f, &mut split);
        }
        let (seen, stats) = decode_fresh(&frames);
        let (to_gre, packets): (Vec<bool>, Vec<Seen>) = split.0.into_iter().unzip();
        assert_eq!(to_gre, [true, true, false, false, false, false, false]);
        assert_eq!(
            packets.iter().map(|p| p.frame).collect::<Vec<_>>(),
            [1, 2, 4, 5, 6, 7, 8]
        );
        assert_eq!(packets, seen);
        assert_eq!(decoder.stats(), &stats);
        assert_eq!(
            (stats.frames, stats.packets, stats.ipv4_total_length_zero),
            (8, 7, 1)
        );
    }

    #[test]
    fn captured_short_payload_is_used_and_counted() {
        let body: Vec<u8> = (0..100).collect();
        let full = eth(
            0x0800,
            &ipv4(A4, B4, proto::TCP, 5, DF, &tcp(1, 2, 3, 4, 0x10, 5, &[], &body)),
        );
        let snapped = &full[..14 + 20 + 20 + 10];
        // Total Length 0 (segmentation offload): the captured bytes count.
        let mut tso = ipv4(A4, B4, proto::UDP, 6, DF, &udp(7, 8, b"tso"));
        tso[2..4].copy_from_slice(&[0, 0]);
        // UDP Length larger than the IP payload.
        let mut long_udp = udp(7, 8, b"abc");
        long_udp[4..6].copy_from_slice(&40u16.to_be_bytes());
        let long_udp = ipv4(A4, B4, proto::UDP, 9, 0, &long_udp);
        // UDP Length shorter than the IP payload trims it.
        let mut short_udp = udp(7, 8, b"abcdef");
        short_udp[4..6].copy_from_slice(&10u16.to_be_bytes());
        let short_udp = ipv4(A4, B4, proto::UDP, 10, 0, &short_udp);
        let (seen, stats) = decode_fresh(&[
            cut(1, LinkType::ETHERNET, snapped, full.len() as u32),
            frame(2, LinkType::RAW, &tso),
            frame(3, LinkType::RAW, &long_udp),
            frame(4, LinkType::RAW, &short_udp),
        ]);
        let udp_seen = |number: u64, ident: u32, declared: u32, payload: &[u8]| Seen {
            frame: number,
            ts: ts(number),
            iface: 0,
            ip: info(v4(A4), v4(B4), proto::UDP, ident, declared),
            body: Body::Udp {
                src_port: 7,
                dst_port: 8,
                payload: payload.to_vec(),
            },
        };
        assert_eq!(
            seen,
            vec![
                Seen {
                    frame: 1,
                    ts: ts(1),
                    iface: 0,
                    ip: info(v4(A4), v4(B4), proto::TCP, 5, 120),
                    body: Body::Tcp {
                        src_port: 1,
                        dst_port: 2,
                        seq: 3,
                        ack: 4,
                        flags: TcpFlags {
                            ack: true,
                            ..TcpFlags::default()
                        },
                        window: 5,
                        payload: (0..10).collect(),
                    },
                },
                udp_seen(2, 6, 11, b"tso"),
                udp_seen(3, 9, 11, b"abc"),
                udp_seen(4, 10, 14, b"ab"),
            ]
        );
        assert_eq!(
            stats,
            NetStats {
                frames: 4,
                packets: 4,
                ip_payload_truncated: 1,
                ipv4_total_length_zero: 1,
                udp_payload_truncated: 1,
                ..NetStats::default()
            }
        );
    }

    #[test]
    fn truncated_headers_are_counted_without_panic() {
        let ip4 = eth(0x0800, &ipv4(A4, B4, proto::TCP, 1, 0, &hello_tcp()));
        let udp4 = eth(0x0800, &ipv4(A4, B4, proto::UDP, 1, 0, &udp(1, 2, b"0123456789")));
        let ip6 = eth(0x86DD, &ipv6(A6, B6, proto::TCP, &hello_tcp()));
        let wire = |f: &Vec<u8>| f.len() as u32;
        let (seen, stats) = decode_fresh(&[
            cut(1, LinkType::ETHERNET, &ip4[..10], wire(&ip4)),
            cut(2, LinkType::ETHERNET, &ip4[..14 + 12], wire(&ip4)),
            cut(3, LinkType::ETHERNET, &ip6[..14 + 30], wire(&ip6)),
            cut(4, LinkType::ETHERNET, &ip4[..14 + 20 + 12], wire(&ip4)),
            cut(5, LinkType::ETHERNET, &ip6[..14 + 40 + 19], wire(&ip6)),
            cut(6, LinkType::ETHERNET, &udp4[..14 + 20 + 4], wire(&udp4)),
            cut(7, LinkType::ETHERNET, &ip4[..14], wire(&ip4)),
            cut(8, LinkType::RAW, &[], 40),
        ]);
        assert_eq!(seen, vec![]);
        assert_eq!(
            stats,
            NetStats {
                frames: 8,
                truncated_headers: LayerCounts {
                    link: 2,
                    ipv4: 2,
                    ipv6: 1,
                    tcp: 2,
                    udp: 1,
                    ipv6_extension: 0,
                },
                ip_payload_truncated: 3,
                ..NetStats::default()
            }
        );

        // The same shortfalls where the capture kept the whole frame: the
        // headers contradict their own lengths.
        let mut short_ip = ipv4(A4, B4, proto::TCP, 1, 0, &hello_tcp());
        short_ip[2..4].copy_from_slice(&32u16.to_be_bytes());
        let (seen, stats) = decode_fresh(&[
            frame(1, LinkType::ETHERNET, &ip4[..10]),
            frame(2, LinkType::ETHERNET, &ip4[..14 + 12]),
            frame(3, LinkType::RAW, &short_ip),
        ]);
        assert_eq!(seen, vec![]);
        assert_eq!(
            stats,
            NetStats {
                frames: 3,
                malformed_headers: LayerCounts {
                    link: 1,
                    ipv4: 1,
                    tcp: 1,
                    ..LayerCounts::default()
                },
                ip_trailer_trimmed: 1,
                ..NetStats::default()
            }
        );
    }

    #[test]
    fn malformed_headers_are_counted() {
        let good = ipv4(A4, B4, proto::TCP, 1, 0, &hello_tcp());
        let mut version5 = good.clone();
        version5[0] = 0x55;
        let mut ihl4 = good.clone();
        ihl4[0] = 0x44;
        let mut total_short = good.clone();
        total_short[2..4].copy_from_slice(&12u16.to_be_bytes());
        let mut offset4 = good.clone();
        offset4[20 + 12] = 0x40;
        let mut udp_len = udp(1, 2, b"abc");
        udp_len[4..6].copy_from_slice(&4u16.to_be_bytes());
        let udp_len = ipv4(A4, B4, proto::UDP, 1, 0, &udp_len);
        let mut v6_bad = ipv6(A6, B6, proto::TCP, &hello_tcp());
        v6_bad[0] = 0x40;
        let (seen, stats) = decode_fresh(&[
            frame(1, LinkType::RAW, &[0x75, 0, 0, 0]),
            frame(2, LinkType::IPV4, &version5),
            frame(3, LinkType::IPV4, &ihl4),
            frame(4, LinkType::IPV4, &total_short),
            frame(5, LinkType::IPV4, &offset4),
            frame(6, LinkType::IPV4, &udp_len),
            frame(7, LinkType::IPV6, &v6_bad),
            frame(8, LinkType::IPV6, &good),
        ]);
        assert_eq!(seen, vec![]);
        assert_eq!(
            stats,
            NetStats {
                frames: 8,
                unknown_ip_version: 1,
                malformed_headers: LayerCounts {
                    ipv4: 3,
                    ipv6: 2,
                    tcp: 1,
                    udp: 1,
                    ..LayerCounts::default()
                },
                ..NetStats::default()
            }
        );
        assert_eq!(
            parse_ipv4(&ihl4),
            Err(HeaderError::Malformed {
                layer: Layer::Ipv4,
                field: "ihl",
                value: 4
            })
        );
        assert_eq!(
            parse_tcp(&offset4[20..]).err().map(|e| e.to_string()),
            Some("TCP header malformed: data_offset = 4".to_string())
        );
        assert_eq!(
            parse_ipv6(&v6_bad[..39]).map_err(|e| e.to_string()),
            Err("IPv6 header truncated: 40 bytes needed, 39 present".to_string())
        );
    }

    /// Splits an IP payload into IPv4 fragments at the given byte offsets.
    fn fragments4(src: [u8; 4], protocol: u8, ident: u16, payload: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
        let mut bounds = vec![0];
        bounds.extend(cuts);
        bounds.push(payload.len());
        bounds
            .windows(2)
            .map(|w| {
                let more = if w[1] < payload.len() { MF } else { 0 };
                ipv4(
                    src,
                    B4,
                    protocol,
                    ident,
                    more | (w[0] / 8) as u16,
                    &payload[w[0]..w[1]],
                )
            })
            .collect()
    }

    fn big_tcp(payload_len: usize) -> (Vec<u8>, Vec<u8>) {
        let data: Vec<u8> = (0..payload_len).map(|i| (i % 251) as u8).collect();
        (tcp(1723, 40000, 1000, 2000, 0x18, 512, &[], &data), data)
    }

    fn reassembled_tcp(number: u64, src: [u8; 4], ident: u32, data: &[u8]) -> Seen {
        Seen {
            frame: number,
            ts: ts(number),
            iface: 0,
            ip: IpInfo {
                reassembled: true,
                ..info(v4(src), v4(B4), proto::TCP, ident, 20 + data.len() as u32)
            },
            body: Body::Tcp {
                src_port: 1723,
                dst_port: 40000,
                seq: 1000,
                ack: 2000,
                flags: PSH_ACK,
                window: 512,
                payload: data.to_vec(),
            },
        }
    }

    #[test]
    fn ipv4_fragments_in_order_and_out_of_order() {
        let (segment, data) = big_tcp(300);
        let parts = fragments4(A4, proto::TCP, 0x4242, &segment, &[104, 208]);
        let frames: Vec<_> = parts.iter().map(|p| eth(0x0800, p)).collect();
        let (seen, stats) = decode_fresh(&[
            frame(1, LinkType::ETHERNET, &frames[0]),
            frame(2, LinkType::ETHERNET, &frames[1]),
            frame(3, LinkType::ETHERNET, &frames[2]),
            frame(4, LinkType::ETHERNET, &frames[2]),
            frame(5, LinkType::ETHERNET, &frames[0]),
            frame(6, LinkType::ETHERNET, &frames[1]),
        ]);
        assert_eq!(
            seen,
            vec![
                reassembled_tcp(3, A4, 0x4242, &data),
                reassembled_tcp(6, A4, 0x4242, &data)
            ]
        );
        assert_eq!(
            stats,
            NetStats {
                frames: 6,
                packets: 2,
                fragments: FragmentStats {
                    fragments: 6,
                    reassembled: 2,
                    ..FragmentStats::default()
                },
                ..NetStats::default()
            }
        );
    }

    #[test]
    fn ipv4_fragments_are_keyed_by_addresses_not_id_alone() {
        let (seg_a, data_a) = big_tcp(100);
        let (seg_c, data_c) = big_tcp(60);
        let a = fragments4(A4, proto::TCP, 7, &seg_a, &[64]);
        let c = fragments4(C4, proto::TCP, 7, &seg_c, &[40]);
        let (seen, stats) = decode_fresh(&[
            frame(1, LinkType::RAW, &a[0]),
            frame(2, LinkType::RAW, &c[1]),
            frame(3, LinkType::RAW, &c[0]),
            frame(4, LinkType::RAW, &a[1]),
        ]);
        assert_eq!(
            seen,
            vec![
                reassembled_tcp(3, C4, 7, &data_c),
                reassembled_tcp(4, A4, 7, &data_a)
            ]
        );
        assert_eq!(stats.fragments.overlaps, 0);
        assert_eq!(stats.fragments.reassembled, 2);
    }

    #[test]
    fn ipv4_overlapping_fragments_keep_the_first_copy() {
        let (segment, data) = big_tcp(100);
        let parts = fragments4(A4, proto::TCP, 9, &segment, &[64]);
        // A rogue copy of bytes 64.. with different content.
        let rogue_payload = vec![0xEE; segment.len() - 64];
        let rogue = ipv4(A4, B4, proto::TCP, 9, MF | 8, &rogue_payload);
        let (seen, stats) = decode_fresh(&[
            frame(1, LinkType::RAW, &parts[1]),
            frame(2, LinkType::RAW, &rogue),
            frame(3, LinkType::RAW, &parts[0]),
        ]);
        assert_eq!(seen, vec![reassembled_tcp(3, A4, 9, &data)]);
        assert_eq!(
            stats.fragments,
            FragmentStats {
                fragments: 3,
                reassembled: 1,
                overlaps: 1,
                ..FragmentStats::default()
            }
        );
    }

    #[test]
    fn incomplete_fragments_time_out_or_are_evicted() {
        let (segment, _) = big_tcp(100);
        let parts = fragments4(A4, proto::TCP, 11, &segment, &[64]);
        let other = ipv4(A4, B4, proto::UDP, 12, 0, &udp(1, 2, b"x"));
        let mut late = frame(2, LinkType::RAW, &other);
        late.ts = Timestamp::new(1_001 + 30, 501);
        let mut d = Decoder::new(&Limits::default());
        let seen = run(&mut d, &[frame(1, LinkType::RAW, &parts[0]), late]);
        assert_eq!(seen.len(), 1);
        // The second fragment now starts a datagram of its own.
        let mut after = frame(3, LinkType::RAW, &parts[1]);
        after.ts = late.ts;
        assert_eq!(run(&mut d, &[after]), vec![]);
        d.finish();
        assert_eq!(
            d.stats().fragments,
            FragmentStats {
                fragments: 2,
                timed_out: 1,
                unfinished: 1,
                ..FragmentStats::default()
            }
        );

        let limits = Limits {
            ip_fragments_pending: 1,
            ..Limits::default()
        };
        let mut d = Decoder::new(&limits);
        let b = fragments4(C4, proto::TCP, 11, &segment, &[64]);
        let seen = run(
            &mut d,
            &[
                frame(1, LinkType::RAW, &parts[0]),
                frame(2, LinkType::RAW, &b[0]),
                frame(3, LinkType::RAW, &parts[1]),
            ],
        );
        assert_eq!(seen, vec![]);
        assert_eq!(
            d.stats().fragments,
            FragmentStats {
                fragments: 3,
                evicted: 2,
                ..FragmentStats::default()
            }
        );

        // A fragment the capture cut cannot be reassembled.
        let framed = eth(0x0800, &parts[0]);
        let (seen, stats) = decode_fresh(&[cut(1, LinkType::ETHERNET, &framed[..50], framed.len() as u32)]);
        assert_eq!(seen, vec![]);
        assert_eq!(stats.fragments_truncated, 1);
        assert_eq!(stats.ip_payload_truncated, 1);
        assert_eq!(stats.fragments.fragments, 0);
    }

    #[test]
    fn ipv6_fragments_with_headers_in_the_fragmentable_part() {
        use ipv6_ext::*;
        let data: Vec<u8> = (0..200u16).map(|i| i as u8).collect();
        // Fragmentable part: Destination Options, then UDP.
        let fragmentable = with(&ext(proto::UDP, 8), &udp(4500, 4500, &data));
        let (first, second) = fragmentable.split_at(112);
        let p1 = ipv6(
            A6,
            B6,
            HOP_BY_HOP,
            &[
                ext(FRAGMENT, 8),
                frag6(DESTINATION_OPTIONS, 0, true, 0x0102_0304),
                first.to_vec(),
            ]
            .concat(),
        );
        // Non-first fragments may name another Next Header; only offset 0 counts.
        let p2 = ipv6(
            A6,
            B6,
            FRAGMENT,
            &[frag6(proto::TCP, 112 / 8, false, 0x0102_0304), second.to_vec()].concat(),
        );
        // Same identification between other hosts: a separate datagram.
        let p_other = ipv6(
            B6,
            A6,
            FRAGMENT,
            &[frag6(proto::UDP, 112 / 8, false, 0x0102_0304), second.to_vec()].concat(),
        );
        let (seen, stats) = decode_fresh(&[
            frame(1, LinkType::IPV6, &p2),
            frame(2, LinkType::IPV6, &p_other),
            frame(3, LinkType::IPV6, &p1),
        ]);
        assert_eq!(
            seen,
            vec![Seen {
                frame: 3,
                ts: ts(3),
                iface: 0,
                ip: IpInfo {
                    reassembled: true,
                    ..info(v6(A6), v6(B6), proto::UDP, 0x0102_0304, 208)
                },
                body: Body::Udp {
                    src_port: 4500,
                    dst_port: 4500,
                    payload: data
                },
            }]
        );
        assert_eq!(
            stats.fragments,
            FragmentStats {
                fragments: 3,
                reassembled: 1,
                ..FragmentStats::default()
            }
        );
    }

    #[test]
    fn fragmented_gre_is_delivered_at_the_completing_frame() {
        let gre: Vec<u8> = [
            0x30, 0x81, 0x88, 0x0B, 0x05, 0x94, 0x00, 0x06, 0, 0, 0, 34, 0, 0, 0, 17,
        ]
        .into_iter()
        .chain((0..1484u32).map(|i| (i * 7) as u8))
        .collect();
        let parts = fragments4(A4, proto::GRE, 0x7777, &gre, &[1480]);
        let f1 = eth(0x0800, &parts[0]);
        let f2 = eth(0x0800, &parts[1]);
        assert_eq!(f2.len(), 14 + 20 + 1500 - 1480);
        let mut f2 = f2;
        f2.resize(60, 0); // Ethernet padding on the short last fragment
        let (seen, stats) = decode_fresh(&[
            frame(41, LinkType::ETHERNET, &f1),
            frame(42, LinkType::ETHERNET, &f2),
        ]);
        assert_eq!(
            seen,
            vec![Seen {
                frame: 42,
                ts: ts(42),
                iface: 0,
                ip: IpInfo {
                    reassembled: true,
                    ..info(v4(A4), v4(B4), proto::GRE, 0x7777, 1500)
                },
                body: Body::Gre(gre),
            }]
        );
        assert_eq!(stats.ip_trailer_trimmed, 1);
        assert_eq!(stats.fragments.reassembled, 1);
    }

    #[test]
    fn fragments_inside_tunnels() {
        let gre = vec![
            0x30, 0x01, 0x88, 0x0B, 0x00, 0x08, 0x00, 0x06, 0, 0, 0, 1, 0xFF, 0x03, 0x00, 0x21,
        ];
        let inner = ipv4(A4, B4, proto::GRE, 0x0A0A, 0, &gre);

        // (a) Outer IPv6 fragmented, the reassembled payload an IPv4 packet.
        let (head, tail) = inner.split_at(24);
        let o1 = ipv6(
            A6,
            B6,
            ipv6_ext::FRAGMENT,
            &[frag6(proto::IPV4_IN_IP, 0, true, 5), head.to_vec()].concat(),
        );
        let o2 = ipv6(
            A6,
            B6,
            ipv6_ext::FRAGMENT,
            &[frag6(proto::IPV4_IN_IP, 3, false, 5), tail.to_vec()].concat(),
        );

        // (b) Inner IPv4 fragments, each in a whole outer IPv4 packet.
        let inner_parts = fragments4(A4, proto::GRE, 0x0B0B, &gre, &[8]);
        let t1 = ipv4(C4, B4, proto::IPV4_IN_IP, 1, 0, &inner_parts[0]);
        let t2 = ipv4(C4, B4, proto::IPV4_IN_IP, 2, 0, &inner_parts[1]);

        // (c) An inner fragment inside a fragmented outer datagram.
        let inner_c = fragments4(A4, proto::GRE, 0x0C0C, &gre, &[8]);
        let outer_c = fragments4(C4, proto::IPV4_IN_IP, 3, &inner_c[0], &[16]);
        let tail_c = ipv4(C4, B4, proto::IPV4_IN_IP, 4, 0, &inner_c[1]);

        let (seen, stats) = decode_fresh(&[
            frame(1, LinkType::IPV6, &o2),
            frame(2, LinkType::IPV6, &o1),
            frame(3, LinkType::RAW, &t1),
            frame(4, LinkType::RAW, &t2),
            frame(5, LinkType::RAW, &tail_c),
            frame(6, LinkType::RAW, &outer_c[0]),
            frame(7, LinkType::RAW, &outer_c[1]),
        ]);
        let gre_seen = |number: u64, ident: u32, reassembled: bool| Seen {
            frame: number,
            ts: ts(number),
            iface: 0,
            ip: IpInfo {
                tunnel_depth: 1,
                reassembled,
                ..info(v4(A4), v4(B4), proto::GRE, ident, 16)
            },
            body: Body::Gre(gre.clone()),
        };
        assert_eq!(
            seen,
            vec![
                gre_seen(2, 0x0A0A, true),
                gre_seen(4, 0x0B0B, true),
                gre_seen(7, 0x0C0C, true)
            ]
        );
        assert_eq!(
            stats.fragments,
            FragmentStats {
                fragments: 8,
                reassembled: 4,
                ..FragmentStats::default()
            }
        );
        assert_eq!(stats.tunnels_followed, 5);
    }

    #[test]
    fn no_input_panics() {
        let (segment, _) = big_tcp(40);
        let mut samples = vec![
            eth(
                0x8100,
                &with(
                    &[0, 1, 0x86, 0xDD],
                    &ipv6(
                        A6,
                        B6,
                        proto::IPV4_IN_IP,
                        &ipv4(A4, B4, proto::GRE, 1, 0, &[0x30, 0x01, 0x88, 0x0B]),
                    ),
                ),
            ),
            eth(0x0800, &fragments4(A4, proto::TCP, 3, &segment, &[16])[0]),
            eth(
                0x86DD,
                &ipv6(
                    A6,
                    B6,
                    0,
                    &[
                        ext(60, 8),
                        ext(44, 16),
                        frag6(17, 0, true, 1),
                        udp(1, 2, b"abcdefgh"),
                    ]
                    .concat(),
                ),
            ),
            with(
                &[0x11, 0, 0, 1, 0, 40, 0, 0x21],
                &ipv4(A4, B4, proto::UDP, 1, 0, &udp(1, 2, b"abc")),
            ),
        ];
        // Pseudo-random frames from a fixed-seed generator.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for len in 0..200usize {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state as u8
                })
                .collect();
            samples.push(bytes);
        }
        let links = [0, 1, 9, 12, 14, 50, 51, 101, 108, 113, 228, 229, 276, 147];
        let mut d = Decoder::new(&Limits {
            ip_fragments_pending: 4,
            ..Limits::default()
        });
        let mut frames = 0u64;
        for sample in &samples {
            for end in 0..=sample.len() {
                for link in links {
                    frames += 1;
                    d.decode(
                        &cut(frames, LinkType(link), &sample[..end], sample.len() as u32),
                        &mut |_| {},
                    );
                    // Also with bytes flipped to odd values.
                    let mut flipped = sample[..end].to_vec();
                    if let Some(b) = flipped.get_mut(end / 2) {
                        *b ^= 0xFF;
                    }
                    frames += 1;
                    d.decode(&frame(frames, LinkType(link), &flipped), &mut |_| {});
                }
            }
        }
        assert_eq!(d.stats().frames, frames);
    }

    type Records<'a> = Vec<(Timestamp, u32, &'a [u8])>;

    /// Reads the records of a classic pcap file (not pcapng): just enough for
    /// tests, since the real reader lives in `capture`.
    fn read_pcap(bytes: &[u8]) -> Option<(LinkType, Records<'_>)> {
        let magic: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
        let (big_endian, nanos) = match magic {
            [0xD4, 0xC3, 0xB2, 0xA1] => (false, false),
            [0xA1, 0xB2, 0xC3, 0xD4] => (true, false),
            [0x4D, 0x3C, 0xB2, 0xA1] => (false, true),
            [0xA1, 0xB2, 0x3C, 0x4D] => (true, true),
            _ => return None,
        };
        let u32_at = |at: usize| -> Option<u32> {
            let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
            Some(if big_endian {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            })
        };
        let link = LinkType(u32_at(20)? & 0x0FFF_FFFF);
        let mut records = Vec::new();
        let mut at = 24;
        while at + 16 <= bytes.len() {
            let secs = u32_at(at)?;
            let frac = u32_at(at + 4)?;
            let incl = u32_at(at + 8)? as usize;
            let orig = u32_at(at + 12)?;
            let data = bytes.get(at + 16..at + 16 + incl)?;
            let nanos = if nanos { frac } else { frac * 1000 };
            records.push((Timestamp::new(i64::from(secs), nanos), orig, data));
            at += 16 + incl;
        }
        Some((link, records))
    }

    fn decode_capture(name: &str) -> Option<(Vec<Seen>, NetStats)> {
        let path = std::path::Path::new("../shared/captures").join(name);
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!("skipping: {} not available", path.display());
            return None;
        };
        let (link, records) = read_pcap(&bytes)?;
        let frames: Vec<Frame<'_>> = records
            .iter()
            .enumerate()
            .map(|(i, &(ts, orig_len, data))| Frame {
                number: i as u64 + 1,
                ts,
                link,
                iface: 0,
                data,
                orig_len,
            })
            .collect();
        let mut d = Decoder::new(&Limits::default());
        let seen = run(&mut d, &frames);
        Some((seen, d.stats().clone()))
    }

    #[test]
    fn real_capture_gre_in_ipv4_in_ipv6_over_vlan() {
        let Some((seen, stats)) = decode_capture("zeek_zeek__gre-pptp.pcap") else {
            return;
        };
        let outer = v4([16, 0, 0, 200]);
        let inner = v4([192, 52, 166, 154]);
        let summary: Vec<_> = seen
            .iter()
            .map(|s| {
                let Body::Gre(g) = &s.body else {
                    return (s.frame, s.ip, vec![]);
                };
                (s.frame, s.ip, g[..12].to_vec())
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    1,
                    IpInfo {
                        src: outer,
                        dst: inner,
                        protocol: proto::GRE,
                        ident: 0x8CAF,
                        ttl: 64,
                        tunnel_depth: 1,
                        reassembled: false,
                        declared_payload_len: 119,
                    },
                    vec![0x30, 0x81, 0x88, 0x0B, 0x00, 0x67, 0x17, 0x80, 0x00, 0x06, 0x8F, 0xB1],
                ),
                (
                    2,
                    IpInfo {
                        src: inner,
                        dst: outer,
                        protocol: proto::GRE,
                        ident: 0x86D7,
                        ttl: 64,
                        tunnel_depth: 1,
                        reassembled: false,
                        declared_payload_len: 190,
                    },
                    vec![0x30, 0x01, 0x88, 0x0B, 0x00, 0xB2, 0x00, 0x11, 0x00, 0x08, 0x3A, 0xB8],
                ),
            ]
        );
        let gre_lengths: Vec<usize> = seen
            .iter()
            .map(|s| match &s.body {
                Body::Gre(g) => g.len(),
                _ => 0,
            })
            .collect();
        assert_eq!(gre_lengths, vec![119, 190]);
        let json = serde_json::to_value(&stats).unwrap_or_default();
        assert_eq!(json["tunnels_followed"], 2);
        assert_eq!(json["fragments"]["reassembled"], 0);
        assert_eq!(json["truncated_headers"]["ipv6_extension"], 0);
        assert_eq!(
            stats,
            NetStats {
                frames: 2,
                packets: 2,
                tunnels_followed: 2,
                ..NetStats::default()
            }
        );
    }

    #[test]
    fn real_captures_gre_packet_counts() {
        // GRE packet counts from the captures' manifest (tshark).
        for (name, gre) in [
            ("epiecs_packetlife-backup__PPTP_negotiation.cap", 17),
            ("the-tcpdump-group_tcpdump__pptp.pcap", 1),
            ("moxie0_chapcrack__pptp.cap", 3),
            ("moxie0_chapcrack__sample.dump", 117),
            ("openwall_john-samples__lulu-password-pptp.pcap", 69),
        ] {
            let Some((seen, stats)) = decode_capture(name) else {
                return;
            };
            let count = seen.iter().filter(|s| matches!(s.body, Body::Gre(_))).count();
            assert_eq!(count, gre, "{name}");
            assert_eq!(stats.truncated_headers, LayerCounts::default(), "{name}");
            assert_eq!(stats.malformed_headers, LayerCounts::default(), "{name}");
        }
    }
}
