//! A TCP conversation between two endpoints, written frame by frame into a
//! [`Trace`]: handshake, data segments (whole, split, several messages in
//! one), retransmissions, out-of-order delivery, FIN close and RST.
//!
//! Sequence numbers follow RFC 9293 §3.4: SYN and FIN each take one number,
//! data takes one per byte. A segment is first *prepared* (it takes its
//! sequence numbers) and then *emitted* (written as a frame); emitting the
//! same segment again is a retransmission, emitting prepared segments in
//! another order is reordering, never emitting one is loss before the
//! capture point. The acknowledgement number of every emitted segment is
//! what its sender has received contiguously, counting only emitted
//! segments.

use std::time::Duration;

use super::packet::{ip_datagram, ip_proto, tcp_flags, tcp_segment, Host, Link, TcpHeader};
use super::trace::Trace;
use super::writer::FrameWriter;
use super::Result;

/// Which end of a conversation: the client opened it (sent the SYN), the
/// server accepted it. For PPTP the client is the PNS and the server the
/// PAC (RFC 2637 §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The connection originator (PNS).
    Client,
    /// The connection receiver (PAC).
    Server,
}

impl Side {
    /// The other end.
    pub fn peer(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }

    fn index(self) -> usize {
        match self {
            Side::Client => 0,
            Side::Server => 1,
        }
    }
}

/// One end of a TCP conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpEndpoint {
    /// The host and its addresses.
    pub host: Host,
    /// TCP port.
    pub port: u16,
    /// Initial sequence number; the SYN carries it, data starts at ISN+1.
    pub isn: u32,
    /// Receive window advertised in every segment.
    pub window: u16,
}

/// A segment that has taken its sequence numbers and can be emitted (more
/// than once, or late).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Who sends it.
    pub side: Side,
    /// Sequence number of its first byte (of the SYN for a SYN).
    pub seq: u32,
    /// OR of [`tcp_flags`] bits; ACK is added when emitted once the
    /// sender has seen the peer's SYN.
    pub flags: u8,
    /// Data carried.
    pub payload: Vec<u8>,
}

impl Segment {
    /// Sequence space the segment occupies (payload plus SYN and FIN).
    fn span(&self) -> u32 {
        let mut n = self.payload.len() as u32;
        if self.flags & tcp_flags::SYN != 0 {
            n = n.wrapping_add(1);
        }
        if self.flags & tcp_flags::FIN != 0 {
            n = n.wrapping_add(1);
        }
        n
    }
}

/// Receiver-side view of one direction: what arrived in order, and what
/// arrived beyond a hole.
#[derive(Debug, Clone, Default)]
struct Received {
    /// Next sequence number expected; `None` until the SYN (or, for a
    /// conversation picked up mid-stream, the first segment) is seen.
    next: Option<u32>,
    /// Ranges received beyond `next`, at most [`MAX_PENDING`].
    pending: Vec<(u32, u32)>,
}

const MAX_PENDING: usize = 64;

/// True when `a` is before `b` in 32-bit sequence space (RFC 1982).
fn seq_lt(a: u32, b: u32) -> bool {
    a != b && b.wrapping_sub(a) < 1 << 31
}

impl Received {
    fn on_segment(&mut self, seq: u32, end: u32) {
        let next = match self.next {
            None => {
                self.next = Some(end);
                return;
            }
            Some(n) => n,
        };
        if seq_lt(next, seq) {
            if self.pending.len() < MAX_PENDING {
                self.pending.push((seq, end));
            }
            return;
        }
        let mut next = if seq_lt(next, end) { end } else { next };
        // Absorb ranges the new data made contiguous.
        loop {
            let before = self.pending.len();
            self.pending.retain(|&(s, e)| {
                if seq_lt(next, s) {
                    true
                } else {
                    if seq_lt(next, e) {
                        next = e;
                    }
                    false
                }
            });
            if self.pending.len() == before {
                break;
            }
        }
        self.next = Some(next);
    }
}

/// A TCP conversation written into a trace.
#[derive(Debug, Clone)]
pub struct TcpConversation {
    /// Framing of every frame; may be changed between segments (e.g. to
    /// tag a few frames differently).
    pub link: Link,
    /// Capture interface the frames are written on.
    pub interface: u32,
    /// The host the capture runs on, for the cooked headers' packet type
    /// (its frames are "outgoing").
    pub capture_host: Side,
    endpoints: [TcpEndpoint; 2],
    /// Next sequence number each side will use.
    snd_next: [u32; 2],
    /// What each side has received from its peer.
    received: [Received; 2],
}

impl TcpConversation {
    /// A conversation between `client` and `server`, framed by `link` on
    /// interface 0, captured on the client. No frame is written yet; data
    /// sent without a handshake starts at ISN+1 (a capture that begins
    /// mid-stream).
    pub fn new(client: TcpEndpoint, server: TcpEndpoint, link: Link) -> Self {
        TcpConversation {
            link,
            interface: 0,
            capture_host: Side::Client,
            snd_next: [client.isn.wrapping_add(1), server.isn.wrapping_add(1)],
            endpoints: [client, server],
            received: [Received::default(), Received::default()],
        }
    }

    /// A conversation already established before the capture began: both
    /// sides have seen each other's SYN, so every segment carries an ACK.
    /// Data starts at ISN+1 on each side.
    pub fn mid_stream(client: TcpEndpoint, server: TcpEndpoint, link: Link) -> Self {
        let mut conv = TcpConversation::new(client, server, link);
        conv.received = [
            Received {
                next: Some(server.isn.wrapping_add(1)),
                pending: Vec::new(),
            },
            Received {
                next: Some(client.isn.wrapping_add(1)),
                pending: Vec::new(),
            },
        ];
        conv
    }

    /// The endpoint on `side`.
    pub fn endpoint(&self, side: Side) -> &TcpEndpoint {
        &self.endpoints[side.index()]
    }

    /// The next sequence number `side` will send.
    pub fn next_seq(&self, side: Side) -> u32 {
        self.snd_next[side.index()]
    }

    /// Takes sequence numbers for a segment from `side` without writing it.
    /// SYN segments start at the ISN.
    pub fn prepare(&mut self, side: Side, flags: u8, payload: &[u8]) -> Segment {
        let i = side.index();
        let seq = if flags & tcp_flags::SYN != 0 {
            self.endpoints[i].isn
        } else {
            self.snd_next[i]
        };
        let seg = Segment {
            side,
            seq,
            flags,
            payload: payload.to_vec(),
        };
        self.snd_next[i] = seq.wrapping_add(seg.span());
        seg
    }

    /// Writes a prepared segment (again, for a retransmission) and returns
    /// its frame number.
    pub fn emit<W: FrameWriter>(&mut self, trace: &mut Trace<W>, seg: &Segment) -> Result<u64> {
        self.emit_commented(trace, seg, None)
    }

    /// Writes a prepared segment with a pcapng frame comment.
    pub fn emit_commented<W: FrameWriter>(
        &mut self,
        trace: &mut Trace<W>,
        seg: &Segment,
        comment: Option<&str>,
    ) -> Result<u64> {
        let i = seg.side.index();
        let peer = seg.side.peer().index();
        let src = self.endpoints[i];
        let dst = self.endpoints[peer];
        let mut flags = seg.flags;
        let ack = match self.received[i].next {
            Some(n) => {
                flags |= tcp_flags::ACK;
                n
            }
            None => 0,
        };
        let header = TcpHeader {
            src_port: src.port,
            dst_port: dst.port,
            seq: seg.seq,
            ack,
            flags,
            window: src.window,
            urgent: 0,
            options: Vec::new(),
        };
        let tcp = tcp_segment(src.host.ip, dst.host.ip, &header, &seg.payload)?;
        let id = trace.next_ip_id(src.host.ip);
        let ip = ip_datagram(&src.host, &dst.host, ip_proto::TCP, id, &tcp)?;
        let frame = self
            .link
            .frame(&src.host, &dst.host, &ip, seg.side == self.capture_host);
        let number = trace.emit_record(self.interface, &frame, None, comment)?;
        self.received[peer].on_segment(seg.seq, seg.seq.wrapping_add(seg.span()));
        Ok(number)
    }

    /// Prepares and writes one segment.
    pub fn send_flags<W: FrameWriter>(
        &mut self,
        trace: &mut Trace<W>,
        side: Side,
        flags: u8,
        payload: &[u8],
    ) -> Result<u64> {
        let seg = self.prepare(side, flags, payload);
        self.emit(trace, &seg)
    }

    /// The client's SYN.
    pub fn syn<W: FrameWriter>(&mut self, trace: &mut Trace<W>) -> Result<u64> {
        self.send_flags(trace, Side::Client, tcp_flags::SYN, &[])
    }

    /// The server's SYN-ACK.
    pub fn syn_ack<W: FrameWriter>(&mut self, trace: &mut Trace<W>) -> Result<u64> {
        self.send_flags(trace, Side::Server, tcp_flags::SYN, &[])
    }

    /// The three-way handshake: SYN, SYN-ACK, ACK; frame numbers in order.
    pub fn handshake<W: FrameWriter>(&mut self, trace: &mut Trace<W>) -> Result<[u64; 3]> {
        Ok([
            self.syn(trace)?,
            self.syn_ack(trace)?,
            self.ack(trace, Side::Client)?,
        ])
    }

    /// One data segment (PSH, ACK) carrying `payload`.
    pub fn send<W: FrameWriter>(&mut self, trace: &mut Trace<W>, side: Side, payload: &[u8]) -> Result<u64> {
        self.send_flags(trace, side, tcp_flags::PSH, payload)
    }

    /// Several messages written back to back in one segment.
    pub fn send_together<W: FrameWriter>(
        &mut self,
        trace: &mut Trace<W>,
        side: Side,
        messages: &[&[u8]],
    ) -> Result<u64> {
        let joined = messages.concat();
        self.send(trace, side, &joined)
    }

    /// `payload` cut into consecutive segments of the given sizes; whatever
    /// the sizes leave over goes into one last segment. Returns the frame
    /// numbers in order.
    pub fn send_split<W: FrameWriter>(
        &mut self,
        trace: &mut Trace<W>,
        side: Side,
        payload: &[u8],
        sizes: &[usize],
    ) -> Result<Vec<u64>> {
        let mut frames = Vec::new();
        let mut rest = payload;
        for &size in sizes {
            if rest.is_empty() {
                break;
            }
            let (now, later) = rest.split_at(size.min(rest.len()));
            frames.push(self.send(trace, side, now)?);
            rest = later;
        }
        if !rest.is_empty() {
            frames.push(self.send(trace, side, rest)?);
        }
        Ok(frames)
    }

    /// A bare acknowledgement.
    pub fn ack<W: FrameWriter>(&mut self, trace: &mut Trace<W>, side: Side) -> Result<u64> {
        self.send_flags(trace, side, 0, &[])
    }

    /// A FIN (with ACK) from `side`.
    pub fn fin<W: FrameWriter>(&mut self, trace: &mut Trace<W>, side: Side) -> Result<u64> {
        self.send_flags(trace, side, tcp_flags::FIN, &[])
    }

    /// An orderly close started by `side`: FIN, the peer's FIN-ACK, the
    /// last ACK; `gap` passes between the frames.
    pub fn close<W: FrameWriter>(
        &mut self,
        trace: &mut Trace<W>,
        side: Side,
        gap: Duration,
    ) -> Result<[u64; 3]> {
        let a = self.fin(trace, side)?;
        trace.advance(gap);
        let b = self.fin(trace, side.peer())?;
        trace.advance(gap);
        let c = self.ack(trace, side)?;
        Ok([a, b, c])
    }

    /// A reset (RST with ACK) from `side`.
    pub fn rst<W: FrameWriter>(&mut self, trace: &mut Trace<W>, side: Side) -> Result<u64> {
        self.send_flags(trace, side, tcp_flags::RST, &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Timestamp;
    use crate::synth::packet::MacAddr;
    use crate::synth::writer::Record;

    #[derive(Default)]
    struct Frames(Vec<Vec<u8>>);

    impl FrameWriter for Frames {
        fn write_frame(&mut self, r: &Record<'_>) -> Result<()> {
            self.0.push(r.data.to_vec());
            Ok(())
        }
    }

    /// (seq, ack, flags, payload) of a raw IPv4 frame.
    fn tcp_of(frame: &[u8]) -> (u32, u32, u8, Vec<u8>) {
        let t = &frame[20..];
        (
            u32::from_be_bytes([t[4], t[5], t[6], t[7]]),
            u32::from_be_bytes([t[8], t[9], t[10], t[11]]),
            t[13],
            t[20..].to_vec(),
        )
    }

    fn conv() -> TcpConversation {
        let client = TcpEndpoint {
            host: Host {
                mac: MacAddr::documentation(1),
                ip: "192.0.2.1".parse().unwrap(),
                ttl: 128,
            },
            port: 50_000,
            isn: 1000,
            window: 8192,
        };
        let server = TcpEndpoint {
            host: Host {
                mac: MacAddr::documentation(2),
                ip: "192.0.2.2".parse().unwrap(),
                ttl: 64,
            },
            port: 1723,
            isn: u32::MAX - 1, // wraps during the test
            window: 16_384,
        };
        TcpConversation::new(client, server, Link::Raw)
    }

    fn trace() -> Trace<Frames> {
        Trace::new(Frames::default(), Timestamp::new(0, 0), Duration::from_millis(1))
    }

    const SYN: u8 = tcp_flags::SYN;
    const ACK: u8 = tcp_flags::ACK;
    const PA: u8 = tcp_flags::PSH | tcp_flags::ACK;
    const FA: u8 = tcp_flags::FIN | tcp_flags::ACK;

    #[test]
    fn handshake_data_and_close() {
        let mut t = trace();
        let mut c = conv();
        assert_eq!(c.handshake(&mut t).unwrap(), [1, 2, 3]);
        assert_eq!(c.send(&mut t, Side::Client, b"hello").unwrap(), 4);
        assert_eq!(c.send(&mut t, Side::Server, b"hi").unwrap(), 5);
        assert_eq!(c.close(&mut t, Side::Client, Duration::ZERO).unwrap(), [6, 7, 8]);
        let got: Vec<_> = t.into_writer().0.iter().map(|f| tcp_of(f)).collect();
        let s0 = u32::MAX - 1;
        assert_eq!(
            got,
            [
                (1000, 0, SYN, vec![]),
                (s0, 1001, SYN | ACK, vec![]),
                (1001, u32::MAX, ACK, vec![]),
                (1001, u32::MAX, PA, b"hello".to_vec()),
                (u32::MAX, 1006, PA, b"hi".to_vec()),
                (1006, 1, FA, vec![]),
                (1, 1007, FA, vec![]),
                (1007, 2, ACK, vec![]),
            ]
        );
    }

    #[test]
    fn split_together_retransmit_and_reorder() {
        let mut t = trace();
        let mut c = conv();
        c.handshake(&mut t).unwrap();
        assert_eq!(
            c.send_split(&mut t, Side::Client, &[7; 10], &[3, 4]).unwrap(),
            [4, 5, 6]
        );
        assert_eq!(c.send_together(&mut t, Side::Client, &[b"ab", b"cd"]).unwrap(), 7);
        let first = c.prepare(Side::Client, tcp_flags::PSH, b"AAAA");
        let second = c.prepare(Side::Client, tcp_flags::PSH, b"BB");
        assert_eq!(c.emit(&mut t, &second).unwrap(), 8);
        // The server has a hole, so it acknowledges only up to it.
        c.ack(&mut t, Side::Server).unwrap();
        assert_eq!(c.emit(&mut t, &first).unwrap(), 10);
        c.ack(&mut t, Side::Server).unwrap();
        // Retransmission: same bytes, same sequence number.
        assert_eq!(c.emit(&mut t, &first).unwrap(), 12);
        let frames = t.into_writer().0;
        let got: Vec<_> = frames.iter().skip(3).map(|f| tcp_of(f)).collect();
        assert_eq!(
            got,
            [
                (1001, u32::MAX, PA, vec![7; 3]),
                (1004, u32::MAX, PA, vec![7; 4]),
                (1008, u32::MAX, PA, vec![7; 3]),
                (1011, u32::MAX, PA, b"abcd".to_vec()),
                (1019, u32::MAX, PA, b"BB".to_vec()),
                (u32::MAX, 1015, ACK, vec![]),
                (1015, u32::MAX, PA, b"AAAA".to_vec()),
                (u32::MAX, 1021, ACK, vec![]),
                (1015, u32::MAX, PA, b"AAAA".to_vec()),
            ]
        );
    }

    #[test]
    fn rst_and_mid_stream_start() {
        let mut t = trace();
        let c = conv();
        let mut c =
            TcpConversation::mid_stream(*c.endpoint(Side::Client), *c.endpoint(Side::Server), Link::Raw);
        c.send(&mut t, Side::Client, b"xyz").unwrap();
        c.send(&mut t, Side::Server, b"q").unwrap();
        c.rst(&mut t, Side::Server).unwrap();
        let got: Vec<_> = t.into_writer().0.iter().map(|f| tcp_of(f)).collect();
        assert_eq!(
            got,
            [
                (1001, u32::MAX, PA, b"xyz".to_vec()),
                (u32::MAX, 1004, PA, b"q".to_vec()),
                (0, 1004, tcp_flags::RST | ACK, vec![]),
            ]
        );
    }

    #[test]
    fn data_without_handshake_has_no_ack_until_peer_seen() {
        let mut t = trace();
        let mut c = conv();
        c.send(&mut t, Side::Client, b"xyz").unwrap();
        c.send(&mut t, Side::Server, b"q").unwrap();
        let got: Vec<_> = t.into_writer().0.iter().map(|f| tcp_of(f)).collect();
        assert_eq!(
            got,
            [
                (1001, 0, tcp_flags::PSH, b"xyz".to_vec()),
                (u32::MAX, 1004, PA, b"q".to_vec()),
            ]
        );
    }

    #[test]
    fn frames_follow_the_link_and_capture_host() {
        let mut t = trace();
        let mut c = conv();
        c.link = Link::LinuxSll;
        c.interface = 0;
        c.syn(&mut t).unwrap();
        c.syn_ack(&mut t).unwrap();
        let frames = t.into_writer().0;
        // Packet type: outgoing (4) from the capture host, host (0) to it.
        assert_eq!(frames[0][..2], [0, 4]);
        assert_eq!(frames[1][..2], [0, 0]);
        // IPv4 TTL of each sender and per-host IP IDs.
        assert_eq!(frames[0][16 + 8], 128);
        assert_eq!(frames[1][16 + 8], 64);
        assert_eq!(frames[0][16 + 4..16 + 6], [0x01, 0x01]);
        assert_eq!(frames[1][16 + 4..16 + 6], [0x02, 0x01]);
    }
}
