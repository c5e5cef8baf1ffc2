//! Network layers: link headers, IPv4/IPv6 (extension headers, tunnels,
//! fragment reassembly) and TCP (flows and stream reassembly).
//!
//! Owns everything between a raw frame and a transport payload. Knows
//! nothing of PPTP, GRE contents or SSTP.

use std::net::IpAddr;

use crate::capture::Timestamp;

pub mod decode;
pub mod defrag;
pub mod link;
pub mod tcp;

pub use decode::{Decoder, NetStats};

/// IP protocol numbers this crate cares about.
pub mod proto {
    pub const IPV4_IN_IP: u8 = 4;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const IPV6_IN_IP: u8 = 41;
    pub const GRE: u8 = 47;
}

/// Facts about the innermost IP header that carried a transport payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpInfo {
    pub src: IpAddr,
    pub dst: IpAddr,
    /// Transport protocol (after IPv6 extension headers).
    pub protocol: u8,
    /// IPv4 Identification, or the IPv6 fragment header's identification
    /// (0 when the IPv6 packet was not fragmented).
    pub ident: u32,
    pub ttl: u8,
    /// How many IP headers enclose this one (0 = outermost).
    pub tunnel_depth: u8,
    /// True when this datagram was rebuilt from fragments.
    pub reassembled: bool,
    /// IP payload length the header declares (after reassembly: the whole
    /// datagram's payload).
    pub declared_payload_len: u32,
}

/// TCP header flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TcpFlags {
    pub syn: bool,
    pub ack: bool,
    pub fin: bool,
    pub rst: bool,
    pub psh: bool,
}

/// A TCP segment, header decoded, payload borrowed.
#[derive(Debug, Clone, Copy)]
pub struct TcpSegment<'a> {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: TcpFlags,
    pub window: u16,
    pub payload: &'a [u8],
}

/// The transport layer of a decoded packet.
#[derive(Debug, Clone, Copy)]
pub enum Transport<'a> {
    Tcp(TcpSegment<'a>),
    /// The GRE header and everything after it.
    Gre(&'a [u8]),
    Udp {
        src_port: u16,
        dst_port: u16,
        payload: &'a [u8],
    },
    /// Any other IP protocol, payload as carried.
    Other(&'a [u8]),
}

/// A decoded packet: the frame it completed in, its innermost IP header and
/// its transport layer. For a reassembled datagram `frame` is the frame of
/// the fragment that completed it, as Wireshark shows it.
#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    pub frame: u64,
    pub ts: Timestamp,
    pub iface: u32,
    pub ip: IpInfo,
    pub transport: Transport<'a>,
}
