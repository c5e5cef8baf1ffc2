//! The data plane of one PPTP call: enhanced GRE packets between the PNS
//! (client) and the PAC (server), written into a [`Trace`].
//!
//! Follows RFC 2637 §4: each direction numbers its payload packets from its
//! own start (0 unless set otherwise) and the Key's Call ID is always the
//! *receiver's* (client → server packets carry the server's Call ID).
//! A packet acknowledges the highest sequence number its sender has
//! received, counting only packets that were emitted; ack-only packets take
//! no sequence number.
//!
//! As with TCP segments, a packet is prepared (taking its number) and then
//! emitted: never emitting it models loss before the capture point,
//! emitting it twice a duplicate, emitting prepared packets in another
//! order reordering.

use super::packet::{gre_enhanced, ip_datagram, ip_proto, GreHeader, Host, Link};
use super::tcp::Side;
use super::trace::Trace;
use super::writer::FrameWriter;
use super::Result;
use crate::capture::Timestamp;

/// One GRE packet, prepared for emission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrePacket {
    /// Who sends it.
    pub sender: Side,
    /// Key Call ID (the receiver's).
    pub call_id: u16,
    /// Sequence Number; `None` for an ack-only packet.
    pub sequence: Option<u32>,
    /// Acknowledgment Number: the highest sequence number the sender has received.
    pub acknowledgment: Option<u32>,
    /// The PPP frame carried (empty for an ack-only packet).
    pub payload: Vec<u8>,
}

/// What was written for one GRE packet, for ground truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct GreRecord {
    /// Frame number in the capture.
    pub frame: u64,
    /// Who sent it.
    pub sender: Side,
    /// Key Call ID (the receiver's).
    pub call_id: u16,
    /// Sequence Number, if present.
    pub sequence: Option<u32>,
    /// Acknowledgment Number, if present.
    pub acknowledgment: Option<u32>,
    /// Bytes of PPP frame carried.
    pub payload_len: usize,
    /// IPv4 Identification of the datagram (for IPv6, the value the
    /// sender's counter would have used; IPv6 carries none).
    pub ip_id: u16,
    /// Capture time.
    #[serde(skip)]
    pub ts: Timestamp,
    /// For the second capture of the same datagram (a capture artefact,
    /// e.g. one frame seen on two interfaces): the frame of the first.
    pub copy_of: Option<u64>,
}

/// A PPTP call's GRE traffic between two hosts.
#[derive(Debug, Clone)]
pub struct GreCall {
    /// Framing of every frame; may be changed between packets.
    pub link: Link,
    /// Capture interface the frames are written on.
    pub interface: u32,
    /// The host the capture runs on (its frames are "outgoing").
    pub capture_host: Side,
    hosts: [Host; 2],
    /// Call ID each side chose: client's (PNS) and server's (PAC).
    call_ids: [u16; 2],
    next_seq: [u32; 2],
    /// Highest sequence number each side has received from its peer.
    received: [Option<u32>; 2],
    log: Option<Vec<GreRecord>>,
}

impl GreCall {
    /// A call between `client` (PNS, Call ID `client_call_id`) and `server`
    /// (PAC, Call ID `server_call_id`), framed by `link` on interface 0,
    /// captured on the client, sequence numbers from 0, not logging.
    pub fn new(client: Host, server: Host, client_call_id: u16, server_call_id: u16, link: Link) -> Self {
        GreCall {
            link,
            interface: 0,
            capture_host: Side::Client,
            hosts: [client, server],
            call_ids: [client_call_id, server_call_id],
            next_seq: [0, 0],
            received: [None, None],
            log: None,
        }
    }

    /// The host on `side`.
    pub fn host(&self, side: Side) -> &Host {
        &self.hosts[idx(side)]
    }

    /// The Call ID `side` chose (what its peer puts in the Key).
    pub fn call_id(&self, side: Side) -> u16 {
        self.call_ids[idx(side)]
    }

    /// Starts `side`'s sequence numbers at `seq` (mid-session captures,
    /// stacks that start at 1, wrap-around tests).
    pub fn set_next_seq(&mut self, side: Side, seq: u32) {
        self.next_seq[idx(side)] = seq;
    }

    /// Makes `side` behave as if it had already received `seq` from its
    /// peer (a capture that starts mid-call).
    pub fn set_received(&mut self, side: Side, seq: u32) {
        self.received[idx(side)] = Some(seq);
    }

    /// Keeps a [`GreRecord`] of every packet emitted from now on.
    pub fn enable_log(&mut self) {
        if self.log.is_none() {
            self.log = Some(Vec::new());
        }
    }

    /// The records kept since [`GreCall::enable_log`].
    pub fn log(&self) -> &[GreRecord] {
        self.log.as_deref().unwrap_or(&[])
    }

    /// A data packet from `side` carrying `ppp_frame`: takes the next
    /// sequence number and acknowledges what `side` has received, if
    /// anything.
    pub fn data(&mut self, side: Side, ppp_frame: &[u8]) -> GrePacket {
        let i = idx(side);
        let seq = self.next_seq[i];
        self.next_seq[i] = seq.wrapping_add(1);
        GrePacket {
            sender: side,
            call_id: self.call_ids[idx(side.peer())],
            sequence: Some(seq),
            acknowledgment: self.received[i],
            payload: ppp_frame.to_vec(),
        }
    }

    /// An ack-only packet from `side`, or `None` when it has nothing to
    /// acknowledge.
    pub fn ack_only(&self, side: Side) -> Option<GrePacket> {
        let ack = self.received[idx(side)]?;
        Some(GrePacket {
            sender: side,
            call_id: self.call_ids[idx(side.peer())],
            sequence: None,
            acknowledgment: Some(ack),
            payload: Vec::new(),
        })
    }

    /// Writes a packet as one IP datagram and returns its frame number.
    pub fn emit<W: FrameWriter>(&mut self, trace: &mut Trace<W>, packet: &GrePacket) -> Result<u64> {
        let i = idx(packet.sender);
        let peer = idx(packet.sender.peer());
        let (src, dst) = (self.hosts[i], self.hosts[peer]);
        let gre = gre_enhanced(
            &GreHeader {
                call_id: packet.call_id,
                sequence: packet.sequence,
                acknowledgment: packet.acknowledgment,
                payload_length: None,
            },
            &packet.payload,
        )?;
        let id = trace.next_ip_id(src.ip);
        let ip = ip_datagram(&src, &dst, ip_proto::GRE, id, &gre)?;
        let frame = self
            .link
            .frame(&src, &dst, &ip, packet.sender == self.capture_host);
        let ts = trace.now();
        let number = trace.emit(self.interface, &frame)?;
        if let Some(seq) = packet.sequence {
            let r = &mut self.received[peer];
            // Highest in serial order (RFC 1982), so a late packet does not
            // move the acknowledgement back.
            let newer = match *r {
                None => true,
                Some(h) => h != seq && seq.wrapping_sub(h) < 1 << 31,
            };
            if newer {
                *r = Some(seq);
            }
        }
        if let Some(log) = &mut self.log {
            log.push(GreRecord {
                frame: number,
                sender: packet.sender,
                call_id: packet.call_id,
                sequence: packet.sequence,
                acknowledgment: packet.acknowledgment,
                payload_len: packet.payload.len(),
                ip_id: id,
                ts,
                copy_of: None,
            });
        }
        Ok(number)
    }

    /// Prepares and writes a data packet.
    pub fn send<W: FrameWriter>(
        &mut self,
        trace: &mut Trace<W>,
        side: Side,
        ppp_frame: &[u8],
    ) -> Result<u64> {
        let p = self.data(side, ppp_frame);
        self.emit(trace, &p)
    }

    /// Writes an ack-only packet; `None` when `side` has nothing to
    /// acknowledge (no frame is written).
    pub fn send_ack<W: FrameWriter>(&mut self, trace: &mut Trace<W>, side: Side) -> Result<Option<u64>> {
        match self.ack_only(side) {
            Some(p) => self.emit(trace, &p).map(Some),
            None => Ok(None),
        }
    }
}

fn idx(side: Side) -> usize {
    match side {
        Side::Client => 0,
        Side::Server => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Timestamp;
    use crate::synth::packet::MacAddr;
    use crate::synth::writer::Record;
    use std::time::Duration;

    #[derive(Default)]
    struct Frames(Vec<Vec<u8>>);

    impl FrameWriter for Frames {
        fn write_frame(&mut self, r: &Record<'_>) -> Result<()> {
            self.0.push(r.data.to_vec());
            Ok(())
        }
    }

    /// frame, sender, call ID, sequence, acknowledgment, payload length
    type Row = (u64, Side, u16, Option<u32>, Option<u32>, usize);

    fn call() -> GreCall {
        let client = Host {
            mac: MacAddr::documentation(1),
            ip: "192.0.2.1".parse().unwrap(),
            ttl: 128,
        };
        let server = Host {
            mac: MacAddr::documentation(2),
            ip: "192.0.2.2".parse().unwrap(),
            ttl: 64,
        };
        GreCall::new(client, server, 0x3039, 0x0101, Link::Raw)
    }

    #[test]
    fn sequence_ack_and_call_ids() {
        let mut t = Trace::new(Frames::default(), Timestamp::new(0, 0), Duration::ZERO);
        let mut g = call();
        g.enable_log();
        let lcp = [0xFF, 0x03, 0xC0, 0x21, 0x01, 0x01, 0x00, 0x04];
        assert_eq!(g.send_ack(&mut t, Side::Client).unwrap(), None);
        g.send(&mut t, Side::Client, &lcp).unwrap();
        g.send(&mut t, Side::Server, &lcp).unwrap();
        g.send_ack(&mut t, Side::Client).unwrap();
        let lost = g.data(Side::Server, &lcp);
        let late = g.data(Side::Server, &lcp);
        let after = g.data(Side::Server, &lcp);
        g.emit(&mut t, &after).unwrap();
        g.emit(&mut t, &after).unwrap(); // duplicate
        g.emit(&mut t, &late).unwrap(); // reordered; ack must not go back
        g.send(&mut t, Side::Client, &[0xFF, 0x03]).unwrap();
        drop(lost);
        let frames = t.into_writer().0;
        let gre: Vec<&[u8]> = frames.iter().map(|f| &f[20..]).collect();
        assert_eq!(
            gre[0],
            [&[0x30, 0x01, 0x88, 0x0B, 0, 8, 0x01, 0x01, 0, 0, 0, 0][..], &lcp].concat()
        );
        assert_eq!(
            gre[1],
            [
                &[0x30, 0x81, 0x88, 0x0B, 0, 8, 0x30, 0x39, 0, 0, 0, 0, 0, 0, 0, 0][..],
                &lcp
            ]
            .concat()
        );
        assert_eq!(gre[2], [0x20, 0x81, 0x88, 0x0B, 0, 0, 0x01, 0x01, 0, 0, 0, 0]);
        let log: Vec<Row> = g
            .log()
            .iter()
            .map(|r| {
                (
                    r.frame,
                    r.sender,
                    r.call_id,
                    r.sequence,
                    r.acknowledgment,
                    r.payload_len,
                )
            })
            .collect();
        assert_eq!(
            log,
            [
                (1, Side::Client, 0x0101, Some(0), None, 8),
                (2, Side::Server, 0x3039, Some(0), Some(0), 8),
                (3, Side::Client, 0x0101, None, Some(0), 0),
                (4, Side::Server, 0x3039, Some(3), Some(0), 8),
                (5, Side::Server, 0x3039, Some(3), Some(0), 8),
                (6, Side::Server, 0x3039, Some(2), Some(0), 8),
                (7, Side::Client, 0x0101, Some(1), Some(3), 2),
            ]
        );
        // IP protocol 47 and the sender's TTL.
        assert_eq!(frames[1][9], 47);
        assert_eq!(frames[1][8], 64);
    }

    #[test]
    fn mid_call_start_and_wrap() {
        let mut t = Trace::new(Frames::default(), Timestamp::new(0, 0), Duration::ZERO);
        let mut g = call();
        g.enable_log();
        g.set_next_seq(Side::Client, u32::MAX);
        g.set_received(Side::Client, 41);
        g.send(&mut t, Side::Client, &[1]).unwrap();
        g.send(&mut t, Side::Client, &[2]).unwrap();
        g.send(&mut t, Side::Server, &[3]).unwrap();
        let seqs: Vec<(Option<u32>, Option<u32>)> =
            g.log().iter().map(|r| (r.sequence, r.acknowledgment)).collect();
        assert_eq!(
            seqs,
            [
                (Some(u32::MAX), Some(41)),
                (Some(0), Some(41)),
                (Some(0), Some(0))
            ]
        );
    }
}
