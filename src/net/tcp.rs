//! TCP flow table and per-direction stream reassembly (RFC 9293).
//!
//! Owns the bookkeeping that turns captured TCP segments into two ordered
//! byte streams per connection. Knows nothing of what the bytes mean.
//!
//! Contract:
//! * A flow is a pair of endpoints; `FlowId`s are assigned in order of first
//!   sight and never reused within one capture. A SYN on a 4-tuple whose flow
//!   is closed (port reuse, RFC 9293 §3.6 TIME-WAIT), or whose sequence
//!   number contradicts the one already known for that side, starts a new
//!   flow with a new id.
//! * `a` is the endpoint that opened the connection when the handshake was
//!   seen (sender of a SYN, or receiver of a SYN+ACK seen first), otherwise
//!   the sender of the first packet seen (`syn_seen` says which). `Opened` is
//!   the first event of every flow.
//! * Each direction's stream starts after the SYN's sequence number (the
//!   SYN occupies one, RFC 9293 §3.4), or at the first segment seen when the
//!   capture starts mid-stream. Sequence numbers compare modulo 2^32 within
//!   a ±2^31 window of the next byte expected (RFC 1982 style), so streams
//!   may wrap and run past 4 GiB.
//! * `Data` events come in stream order per direction; each chunk carries the
//!   frame that carried those bytes. A retransmitted or overlapping byte is
//!   delivered once, from its first copy (delivered or held); a segment that
//!   brings nothing new is a `Retransmission`.
//! * Out-of-order data is held (bounded by `Limits::tcp_buffer_bytes` per
//!   direction, counting payload bytes) until the hole fills; a hole that
//!   never fills becomes a `Gap` event with the number of bytes missing,
//!   after which delivery resumes. A hole is given up when the buffer bound
//!   is hit, when the peer's ACKs show it received the missing bytes, or when
//!   the flow ends (RST, eviction, `finish`).
//! * A FIN is reported once the data before it has been delivered; the flow
//!   is `Closed` when both FINs were reported, on RST, on eviction (table
//!   full; the least recently active flow goes) or at `finish`.
//! * In-order payload is passed straight from the segment; only data that
//!   must wait for a hole to fill is copied.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;

use super::{IpInfo, TcpSegment};
use crate::capture::Timestamp;
use crate::config::Limits;

/// Sequential identifier of a TCP flow within one capture.
pub type FlowId = u64;

/// Direction within a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dir {
    /// From endpoint `a` to endpoint `b`.
    AtoB,
    /// From endpoint `b` to endpoint `a`.
    BtoA,
}

impl Dir {
    /// The other direction of the same connection.
    pub fn reverse(self) -> Dir {
        match self {
            Dir::AtoB => Dir::BtoA,
            Dir::BtoA => Dir::AtoB,
        }
    }
}

/// Why a flow's events ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// Both FINs (with the data before them), or a RST.
    Ended,
    /// The flow table was full and this flow was the least recently active.
    Evicted,
    /// The capture ended with the flow still open.
    CaptureEnd,
}

/// Something that happened on a TCP flow.
///
/// `frame`/`ts` name the captured segment the event is about; see each
/// variant for which one that is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamEvent<'a> {
    /// First event of a flow, at its first packet. `syn_seen` is true when
    /// that packet was a SYN or SYN+ACK, so `a` is known to be the endpoint
    /// that actively opened the connection (RFC 9293 §3.5); otherwise `a` is
    /// just the sender of the first packet.
    Opened {
        a: SocketAddr,
        b: SocketAddr,
        syn_seen: bool,
        frame: u64,
        ts: Timestamp,
    },
    /// In-order stream bytes, from the segment in `frame`.
    Data {
        dir: Dir,
        bytes: &'a [u8],
        frame: u64,
        ts: Timestamp,
    },
    /// `missing` bytes that never arrived; the stream continues after them.
    /// `frame` is the segment that carries what comes right after the hole
    /// (held data or the FIN).
    Gap {
        dir: Dir,
        missing: u64,
        frame: u64,
        ts: Timestamp,
    },
    /// A segment whose data (or SYN/FIN) had all been seen before:
    /// a retransmission, or a second copy of the same packet.
    Retransmission { dir: Dir, frame: u64, ts: Timestamp },
    /// The sender of `dir` closed its side (RFC 9293 §3.6), after all data
    /// before the FIN was delivered; `frame` is the segment that carried the
    /// FIN.
    Fin { dir: Dir, frame: u64, ts: Timestamp },
    /// The sender of `dir` reset the connection (RFC 9293 §3.5.2); reported
    /// after everything held for the flow has been delivered.
    Rst { dir: Dir, frame: u64, ts: Timestamp },
    /// The flow ended (both FINs, RST, eviction, or end of capture); no more
    /// events for it. `frame` is the segment that completed the close (the
    /// second FIN or the RST), or the flow's last segment when it was evicted
    /// or the capture ended.
    Closed {
        frame: u64,
        ts: Timestamp,
        reason: CloseReason,
    },
}

/// Counts kept by the tracker.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TcpStats {
    /// Flows opened (each `Opened` event).
    pub flows: u64,
    /// TCP segments fed to the tracker.
    pub segments: u64,
    /// Stream bytes delivered in `Data` events.
    pub bytes_delivered: u64,
    /// `Retransmission` events: segments that brought nothing new.
    pub retransmissions: u64,
    /// Segments that brought new bytes beyond a hole and had to be held.
    pub out_of_order: u64,
    /// `Gap` events.
    pub gaps: u64,
    /// Bytes skipped by `Gap` events.
    pub missing_bytes: u64,
    /// Open flows closed early because the flow table was full.
    pub evictions: u64,
    /// Times a direction's held bytes exceeded `Limits::tcp_buffer_bytes`,
    /// forcing holes to be skipped.
    pub buffer_overflows: u64,
    /// New connections on a 4-tuple that already had a flow.
    pub port_reuses: u64,
    /// Segments of flows already closed (final ACKs, late retransmissions).
    pub segments_after_close: u64,
}

/// The TCP flow table: assigns segments to flows and reassembles each
/// direction's byte stream.
pub struct TcpTracker {
    max_flows: usize,
    buffer_bytes: usize,
    next_id: FlowId,
    /// Flow storage; a slot is reused once its flow has left the table.
    slots: Vec<Option<Flow>>,
    free: Vec<usize>,
    index: HashMap<FlowKey, usize>,
    by_id: HashMap<FlowId, usize>,
    /// Open flows, least recently active first.
    open: Chain,
    /// Closed flows kept to absorb late segments, oldest close first.
    closed: Chain,
    stats: TcpStats,
}

impl TcpTracker {
    /// An empty table bounded by `limits.tcp_flows` flows (at least one) and
    /// `limits.tcp_buffer_bytes` held bytes per direction.
    pub fn new(limits: &Limits) -> Self {
        TcpTracker {
            max_flows: limits.tcp_flows.max(1),
            buffer_bytes: limits.tcp_buffer_bytes,
            next_id: 1,
            slots: Vec::new(),
            free: Vec::new(),
            index: HashMap::new(),
            by_id: HashMap::new(),
            open: Chain::default(),
            closed: Chain::default(),
            stats: TcpStats::default(),
        }
    }

    /// Feeds one segment. Events for it (and for a flow evicted to make room
    /// for it) go to `sink` before this returns.
    pub fn segment(
        &mut self,
        ip: &IpInfo,
        seg: &TcpSegment<'_>,
        frame: u64,
        ts: Timestamp,
        sink: &mut dyn FnMut(FlowId, &StreamEvent<'_>),
    ) {
        self.stats.segments += 1;
        let src = SocketAddr::new(ip.src, seg.src_port);
        let dst = SocketAddr::new(ip.dst, seg.dst_port);
        let key = FlowKey::new(src, dst);

        let slot = match self.index.get(&key).copied() {
            Some(i) if !self.starts_new_connection(i, src, seg) => i,
            existing => {
                if let Some(i) = existing {
                    self.stats.port_reuses += 1;
                    self.remove(i, sink);
                }
                self.make_room(sink);
                self.insert(key, src, dst, seg, frame, ts, sink)
            }
        };

        let is_closed = match self.slots.get(slot).and_then(Option::as_ref) {
            Some(flow) => flow.closed,
            None => return,
        };
        if is_closed {
            self.stats.segments_after_close += 1;
        } else {
            self.open.unlink(&mut self.slots, slot);
            self.open.push_back(&mut self.slots, slot);
        }
        let Some(flow) = self.slots.get_mut(slot).and_then(Option::as_mut) else {
            return;
        };
        flow.last_frame = frame;
        flow.last_ts = ts;
        if flow.closed {
            return;
        }

        let dir = flow.dir_of(src);
        let keep = !flow.ignored;
        let mut out = Emit {
            flow: flow.id,
            stats: &mut self.stats,
            sink,
        };
        flow.half_mut(dir)
            .receive(dir, seg, frame, ts, keep, self.buffer_bytes, &mut out);
        if keep {
            if seg.flags.ack {
                let rev = flow.half_mut(dir.reverse());
                rev.peer_ack(seg.ack);
                rev.advance(dir.reverse(), &mut out);
            }
        } else {
            flow.ab.report_fin_now(Dir::AtoB, &mut out);
            flow.ba.report_fin_now(Dir::BtoA, &mut out);
        }

        let closing = if seg.flags.rst {
            flow.wind_up(dir, &mut out);
            out.send(StreamEvent::Rst { dir, frame, ts });
            true
        } else {
            flow.ab.fin_reported && flow.ba.fin_reported
        };
        if closing {
            flow.finish_closed(&mut out, frame, ts, CloseReason::Ended);
            self.open.unlink(&mut self.slots, slot);
            self.closed.push_back(&mut self.slots, slot);
        }
    }

    /// Stops buffering and delivering data for a flow nobody wants: held
    /// data is dropped, later segments only move its counters, and `Fin`,
    /// `Rst` and `Closed` still come (a FIN as soon as it is seen).
    /// Unknown or closed flows are left alone.
    pub fn ignore(&mut self, flow: FlowId) {
        let Some(&slot) = self.by_id.get(&flow) else {
            return;
        };
        if let Some(flow) = self.slots.get_mut(slot).and_then(Option::as_mut) {
            if !flow.closed {
                flow.ignored = true;
                flow.ab.drop_held();
                flow.ba.drop_held();
            }
        }
    }

    /// End of capture: flushes held data (reporting holes as gaps), reports
    /// pending FINs and closes every open flow, in `FlowId` order. The table
    /// is empty afterwards; ids keep counting up.
    pub fn finish(&mut self, sink: &mut dyn FnMut(FlowId, &StreamEvent<'_>)) {
        let mut open: Vec<(FlowId, usize)> = Vec::new();
        let mut cursor = self.open.head;
        while let Some(i) = cursor {
            let Some(flow) = self.slots.get(i).and_then(Option::as_ref) else {
                break;
            };
            open.push((flow.id, i));
            cursor = flow.next;
        }
        open.sort_unstable();
        for (_, i) in open {
            if let Some(flow) = self.slots.get_mut(i).and_then(Option::as_mut) {
                let mut out = Emit {
                    flow: flow.id,
                    stats: &mut self.stats,
                    sink: &mut *sink,
                };
                flow.wind_up(Dir::AtoB, &mut out);
                let (frame, ts) = (flow.last_frame, flow.last_ts);
                flow.finish_closed(&mut out, frame, ts, CloseReason::CaptureEnd);
            }
        }
        self.slots.clear();
        self.free.clear();
        self.index.clear();
        self.by_id.clear();
        self.open = Chain::default();
        self.closed = Chain::default();
    }

    /// A copy of the counters so far.
    pub fn stats(&self) -> TcpStats {
        self.stats.clone()
    }

    /// Open and closed flows currently in the table.
    pub fn flows_in_table(&self) -> usize {
        self.index.len()
    }

    /// Whether a SYN on an existing flow begins a different connection:
    /// always on a closed flow unless it repeats the old SYN, and on an open
    /// flow when that side's stream is already anchored elsewhere.
    fn starts_new_connection(&self, slot: usize, src: SocketAddr, seg: &TcpSegment<'_>) -> bool {
        if !seg.flags.syn {
            return false;
        }
        let Some(flow) = self.slots.get(slot).and_then(Option::as_ref) else {
            return true;
        };
        let half = flow.half(flow.dir_of(src));
        if half.isn == Some(seg.seq) {
            return false;
        }
        flow.closed || half.base.is_some()
    }

    /// Makes room for one more flow: a closed flow goes first (nothing is
    /// lost), otherwise the least recently active open flow is closed and
    /// counted as an eviction.
    fn make_room(&mut self, sink: &mut dyn FnMut(FlowId, &StreamEvent<'_>)) {
        while self.index.len() >= self.max_flows {
            let victim = match (self.closed.head, self.open.head) {
                (Some(i), _) => i,
                (None, Some(i)) => {
                    self.stats.evictions += 1;
                    i
                }
                (None, None) => break,
            };
            self.remove(victim, sink);
        }
    }

    /// Takes a flow out of the table, closing it first if it was open.
    fn remove(&mut self, slot: usize, sink: &mut dyn FnMut(FlowId, &StreamEvent<'_>)) {
        let Some(was_closed) = self.slots.get(slot).and_then(Option::as_ref).map(|f| f.closed) else {
            return;
        };
        if was_closed {
            self.closed.unlink(&mut self.slots, slot);
        } else {
            self.open.unlink(&mut self.slots, slot);
        }
        let Some(mut flow) = self.slots.get_mut(slot).and_then(Option::take) else {
            return;
        };
        if !was_closed {
            let mut out = Emit {
                flow: flow.id,
                stats: &mut self.stats,
                sink,
            };
            flow.wind_up(Dir::AtoB, &mut out);
            let (frame, ts) = (flow.last_frame, flow.last_ts);
            flow.finish_closed(&mut out, frame, ts, CloseReason::Evicted);
        }
        self.index.remove(&flow.key);
        self.by_id.remove(&flow.id);
        self.free.push(slot);
    }

    /// Adds a new open flow for the segment that starts it and reports it.
    #[allow(clippy::too_many_arguments)]
    fn insert(
        &mut self,
        key: FlowKey,
        src: SocketAddr,
        dst: SocketAddr,
        seg: &TcpSegment<'_>,
        frame: u64,
        ts: Timestamp,
        sink: &mut dyn FnMut(FlowId, &StreamEvent<'_>),
    ) -> usize {
        // The active opener is `a`: the SYN's sender, or the receiver of a
        // SYN+ACK when that is the first thing seen.
        let (a, b) = if seg.flags.syn && seg.flags.ack {
            (dst, src)
        } else {
            (src, dst)
        };
        let id = self.next_id;
        self.next_id += 1;
        let flow = Flow {
            id,
            key,
            a,
            ab: Half::default(),
            ba: Half::default(),
            ignored: false,
            closed: false,
            last_frame: frame,
            last_ts: ts,
            prev: None,
            next: None,
        };
        let slot = match self.free.pop() {
            Some(i) => {
                if let Some(s) = self.slots.get_mut(i) {
                    *s = Some(flow);
                }
                i
            }
            None => {
                self.slots.push(Some(flow));
                self.slots.len() - 1
            }
        };
        self.index.insert(key, slot);
        self.by_id.insert(id, slot);
        self.open.push_back(&mut self.slots, slot);
        let mut out = Emit {
            flow: id,
            stats: &mut self.stats,
            sink,
        };
        out.send(StreamEvent::Opened {
            a,
            b,
            syn_seen: seg.flags.syn,
            frame,
            ts,
        });
        slot
    }
}

/// The two endpoints of a flow, in a fixed order so both directions find it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct FlowKey {
    lo: SocketAddr,
    hi: SocketAddr,
}

impl FlowKey {
    fn new(x: SocketAddr, y: SocketAddr) -> Self {
        if x <= y {
            FlowKey { lo: x, hi: y }
        } else {
            FlowKey { lo: y, hi: x }
        }
    }
}

/// A doubly linked list threaded through the flows' `prev`/`next` slots, so
/// marking a flow as active costs no allocation.
#[derive(Debug, Default, Clone, Copy)]
struct Chain {
    head: Option<usize>,
    tail: Option<usize>,
}

impl Chain {
    fn push_back(&mut self, slots: &mut [Option<Flow>], i: usize) {
        let old_tail = self.tail;
        if let Some(flow) = slots.get_mut(i).and_then(Option::as_mut) {
            flow.prev = old_tail;
            flow.next = None;
        } else {
            return;
        }
        match old_tail.and_then(|t| slots.get_mut(t)).and_then(Option::as_mut) {
            Some(tail) => tail.next = Some(i),
            None => self.head = Some(i),
        }
        self.tail = Some(i);
    }

    fn unlink(&mut self, slots: &mut [Option<Flow>], i: usize) {
        let Some(flow) = slots.get_mut(i).and_then(Option::as_mut) else {
            return;
        };
        let (prev, next) = (flow.prev.take(), flow.next.take());
        match prev.and_then(|p| slots.get_mut(p)).and_then(Option::as_mut) {
            Some(p) => p.next = next,
            None => {
                if self.head == Some(i) {
                    self.head = next;
                }
            }
        }
        match next.and_then(|n| slots.get_mut(n)).and_then(Option::as_mut) {
            Some(n) => n.prev = prev,
            None => {
                if self.tail == Some(i) {
                    self.tail = prev;
                }
            }
        }
    }
}

/// One connection (or one still remembered after it closed).
#[derive(Debug)]
struct Flow {
    id: FlowId,
    key: FlowKey,
    a: SocketAddr,
    ab: Half,
    ba: Half,
    ignored: bool,
    closed: bool,
    last_frame: u64,
    last_ts: Timestamp,
    prev: Option<usize>,
    next: Option<usize>,
}

impl Flow {
    fn dir_of(&self, src: SocketAddr) -> Dir {
        if src == self.a {
            Dir::AtoB
        } else {
            Dir::BtoA
        }
    }

    fn half(&self, dir: Dir) -> &Half {
        match dir {
            Dir::AtoB => &self.ab,
            Dir::BtoA => &self.ba,
        }
    }

    fn half_mut(&mut self, dir: Dir) -> &mut Half {
        match dir {
            Dir::AtoB => &mut self.ab,
            Dir::BtoA => &mut self.ba,
        }
    }

    /// Gives up on every hole: delivers what is held and reports pending
    /// FINs, direction `first` first.
    fn wind_up(&mut self, first: Dir, out: &mut Emit<'_>) {
        for dir in [first, first.reverse()] {
            let ignored = self.ignored;
            let half = self.half_mut(dir);
            if ignored {
                half.report_fin_now(dir, out);
            } else {
                half.flush(dir, out);
            }
        }
    }

    fn finish_closed(&mut self, out: &mut Emit<'_>, frame: u64, ts: Timestamp, reason: CloseReason) {
        out.send(StreamEvent::Closed { frame, ts, reason });
        self.closed = true;
        self.ab.drop_held();
        self.ba.drop_held();
    }
}

/// Where a segment put something: a stream position with its frame.
#[derive(Debug, Clone, Copy)]
struct Mark {
    pos: u64,
    frame: u64,
    ts: Timestamp,
}

/// Out-of-order bytes waiting for a hole before them to fill.
#[derive(Debug)]
struct Held {
    data: Vec<u8>,
    frame: u64,
    ts: Timestamp,
}

/// One direction of a connection. Positions are stream offsets: 0 is the
/// first data byte (the sequence number after the SYN's, or the first one
/// seen mid-stream), counted in 64 bits so they never wrap.
#[derive(Debug, Default)]
struct Half {
    /// Sequence number of stream offset 0, once anything was seen.
    base: Option<u32>,
    /// The SYN's sequence number, when the SYN was seen.
    isn: Option<u32>,
    /// Offset of the next byte to deliver; everything before is done.
    delivered: u64,
    /// One past the highest offset seen (a FIN counts as one), to tell a
    /// plausible ACK from a bogus one.
    high: u64,
    /// Highest offset the peer acknowledged, within what was seen.
    peer_acked: u64,
    /// Held pieces by offset; they never overlap and all lie at or after
    /// `delivered`.
    held: BTreeMap<u64, Held>,
    held_bytes: usize,
    /// Where the FIN sits (first FIN wins).
    fin: Option<Mark>,
    fin_reported: bool,
}

impl Half {
    /// Stream offset of a sequence number: the signed 32-bit distance from
    /// the next byte expected, so it is right across a wrap.
    fn offset(&self, seq: u32) -> Option<i64> {
        let base = self.base?;
        // Truncating `delivered` is the modulo-2^32 step.
        let expected = base.wrapping_add(self.delivered as u32);
        let distance = i64::from(seq.wrapping_sub(expected) as i32);
        Some(
            i64::try_from(self.delivered)
                .unwrap_or(i64::MAX)
                .saturating_add(distance),
        )
    }

    fn delivered_i64(&self) -> i64 {
        i64::try_from(self.delivered).unwrap_or(i64::MAX)
    }

    /// Takes one segment sent in this direction: anchors the stream on the
    /// first one, delivers or holds its new bytes, records its FIN, and
    /// reports it as a retransmission when it brought nothing new. With
    /// `keep_data` false only positions and the FIN are kept.
    #[allow(clippy::too_many_arguments)]
    fn receive(
        &mut self,
        dir: Dir,
        seg: &TcpSegment<'_>,
        frame: u64,
        ts: Timestamp,
        keep_data: bool,
        limit: usize,
        out: &mut Emit<'_>,
    ) {
        let syn = seg.flags.syn;
        let first_syn = syn && self.isn.is_none() && self.base.is_none();
        if self.base.is_none() {
            if syn {
                self.isn = Some(seg.seq);
                self.base = Some(seg.seq.wrapping_add(1));
            } else {
                self.base = Some(seg.seq);
            }
        }
        // Data in a SYN starts after the SYN's own sequence number.
        let data_seq = if syn { seg.seq.wrapping_add(1) } else { seg.seq };
        let Some(start) = self.offset(data_seq) else {
            return;
        };
        // Data in a RST explains the reset; it is not stream bytes (RFC 9293
        // §3.5.3).
        let payload: &[u8] = if seg.flags.rst { &[] } else { seg.payload };
        let len = i64::try_from(payload.len()).unwrap_or(i64::MAX);
        let end = start.saturating_add(len);
        let top = end.saturating_add(i64::from(seg.flags.fin));
        if let Ok(top) = u64::try_from(top) {
            self.high = self.high.max(top);
        }

        let mut brought_new = first_syn;
        if keep_data && len > 0 {
            // Bytes past a known FIN are not part of the stream.
            let stop = match self.fin {
                Some(f) => end.min(i64::try_from(f.pos).unwrap_or(i64::MAX)),
                None => end,
            };
            let lo = start.max(self.delivered_i64());
            if lo < stop {
                if lo == self.delivered_i64() {
                    self.deliver_in_order(dir, payload, start, lo, stop, frame, ts, out);
                    brought_new = true;
                } else if self.hold(payload, start, lo, stop, frame, ts) {
                    brought_new = true;
                    out.stats.out_of_order += 1;
                }
            }
        } else if !keep_data {
            if let Ok(end) = u64::try_from(end) {
                self.delivered = self.delivered.max(end);
            }
        }
        if seg.flags.fin && self.fin.is_none() {
            if let Ok(pos) = u64::try_from(end) {
                if pos >= self.delivered {
                    self.fin = Some(Mark { pos, frame, ts });
                    self.drop_held_from(pos);
                    brought_new = true;
                }
            }
        }

        if keep_data {
            let had_content = len > 0 || syn || seg.flags.fin;
            if had_content && !brought_new {
                out.send(StreamEvent::Retransmission { dir, frame, ts });
            }
            self.advance(dir, out);
            if self.held_bytes > limit {
                out.stats.buffer_overflows += 1;
                while self.held_bytes > limit && self.skip_hole(dir, out) {
                    self.advance(dir, out);
                }
            }
        } else {
            self.report_fin_now(dir, out);
        }
    }

    /// Delivers `[lo, stop)` of a segment starting at `start`, where `lo` is
    /// the next byte due; held pieces inside that range were seen first and
    /// are delivered instead of the segment's copy.
    #[allow(clippy::too_many_arguments)]
    fn deliver_in_order(
        &mut self,
        dir: Dir,
        payload: &[u8],
        start: i64,
        lo: i64,
        stop: i64,
        frame: u64,
        ts: Timestamp,
        out: &mut Emit<'_>,
    ) {
        let (Ok(mut cursor), Ok(stop)) = (u64::try_from(lo), u64::try_from(stop)) else {
            return;
        };
        while cursor < stop {
            let next_held = self.held.first_key_value().map(|(k, _)| *k);
            match next_held {
                Some(k) if k <= cursor => self.pop_first_held(dir, out),
                _ => {
                    let until = next_held.map_or(stop, |k| k.min(stop));
                    let from = slice_index(cursor, start);
                    let to = slice_index(until, start);
                    if let Some(bytes) = from.zip(to).and_then(|(f, t)| payload.get(f..t)) {
                        out.send(StreamEvent::Data {
                            dir,
                            bytes,
                            frame,
                            ts,
                        });
                    }
                    self.delivered = until;
                }
            }
            cursor = self.delivered;
        }
    }

    /// Copies the parts of `[lo, stop)` not already held. Returns whether
    /// anything new was kept.
    #[allow(clippy::too_many_arguments)]
    fn hold(&mut self, payload: &[u8], start: i64, lo: i64, stop: i64, frame: u64, ts: Timestamp) -> bool {
        let (Ok(lo), Ok(stop)) = (u64::try_from(lo), u64::try_from(stop)) else {
            return false;
        };
        let mut fresh: Vec<(u64, u64)> = Vec::new();
        let mut cursor = lo;
        if let Some((k, piece)) = self.held.range(..lo).next_back() {
            cursor = cursor.max(k.saturating_add(piece.data.len() as u64));
        }
        for (k, piece) in self.held.range(lo..stop) {
            if *k > cursor {
                fresh.push((cursor, *k));
            }
            cursor = cursor.max(k.saturating_add(piece.data.len() as u64));
        }
        if cursor < stop {
            fresh.push((cursor, stop));
        }
        let mut kept = false;
        for (from, to) in fresh {
            let range = slice_index(from, start).zip(slice_index(to, start));
            if let Some(bytes) = range.and_then(|(f, t)| payload.get(f..t)) {
                self.held_bytes = self.held_bytes.saturating_add(bytes.len());
                self.held.insert(
                    from,
                    Held {
                        data: bytes.to_vec(),
                        frame,
                        ts,
                    },
                );
                kept = true;
            }
        }
        kept
    }

    /// Delivers the first held piece (the part of it not yet delivered).
    fn pop_first_held(&mut self, dir: Dir, out: &mut Emit<'_>) {
        let Some((k, piece)) = self.held.pop_first() else {
            return;
        };
        self.held_bytes = self.held_bytes.saturating_sub(piece.data.len());
        let end = k.saturating_add(piece.data.len() as u64);
        let skip = usize::try_from(self.delivered.saturating_sub(k)).unwrap_or(usize::MAX);
        if let Some(bytes) = piece.data.get(skip..) {
            if !bytes.is_empty() {
                out.send(StreamEvent::Data {
                    dir,
                    bytes,
                    frame: piece.frame,
                    ts: piece.ts,
                });
            }
        }
        self.delivered = self.delivered.max(end);
    }

    /// The first thing known after `delivered`: a held piece or the FIN.
    fn next_known(&self) -> Option<Mark> {
        match self.held.first_key_value() {
            Some((k, piece)) => Some(Mark {
                pos: *k,
                frame: piece.frame,
                ts: piece.ts,
            }),
            None => self.fin.filter(|_| !self.fin_reported),
        }
    }

    /// Delivers whatever has become contiguous, skips holes the peer's ACKs
    /// show it received, and reports the FIN once its turn comes.
    fn advance(&mut self, dir: Dir, out: &mut Emit<'_>) {
        loop {
            if self
                .held
                .first_key_value()
                .is_some_and(|(k, _)| *k <= self.delivered)
            {
                self.pop_first_held(dir, out);
                continue;
            }
            // The peer acknowledged bytes the capture never showed: the
            // sender will not send them again, so stop waiting for them.
            match self.next_known() {
                Some(next) if next.pos > self.delivered && next.pos <= self.peer_acked => {
                    self.skip_hole(dir, out);
                }
                _ => break,
            }
        }
        if let Some(fin) = self.fin {
            if !self.fin_reported && self.delivered >= fin.pos {
                self.fin_reported = true;
                out.send(StreamEvent::Fin {
                    dir,
                    frame: fin.frame,
                    ts: fin.ts,
                });
            }
        }
    }

    /// Reports the hole before the next known thing as a gap and moves past
    /// it. Returns false when there is no such hole.
    fn skip_hole(&mut self, dir: Dir, out: &mut Emit<'_>) -> bool {
        match self.next_known() {
            Some(next) if next.pos > self.delivered => {
                out.send(StreamEvent::Gap {
                    dir,
                    missing: next.pos - self.delivered,
                    frame: next.frame,
                    ts: next.ts,
                });
                self.delivered = next.pos;
                true
            }
            _ => false,
        }
    }

    /// Delivers everything held and reports a pending FIN, gaps and all.
    fn flush(&mut self, dir: Dir, out: &mut Emit<'_>) {
        self.advance(dir, out);
        while self.skip_hole(dir, out) {
            self.advance(dir, out);
        }
    }

    /// Records an acknowledgment from the other side. Only ACKs within what
    /// was seen of this direction count, so a bogus ACK cannot invent a gap.
    fn peer_ack(&mut self, ack: u32) {
        if let Some(pos) = self.offset(ack).and_then(|p| u64::try_from(p).ok()) {
            if pos <= self.high {
                self.peer_acked = self.peer_acked.max(pos);
            }
        }
    }

    /// For a flow whose data is ignored: report the FIN without waiting.
    fn report_fin_now(&mut self, dir: Dir, out: &mut Emit<'_>) {
        if let Some(fin) = self.fin {
            if !self.fin_reported {
                self.fin_reported = true;
                out.send(StreamEvent::Fin {
                    dir,
                    frame: fin.frame,
                    ts: fin.ts,
                });
            }
        }
    }

    fn drop_held(&mut self) {
        self.held = BTreeMap::new();
        self.held_bytes = 0;
    }

    /// Forgets held bytes at or after `pos` (past the FIN).
    fn drop_held_from(&mut self, pos: u64) {
        let beyond = self.held.split_off(&pos);
        for piece in beyond.values() {
            self.held_bytes = self.held_bytes.saturating_sub(piece.data.len());
        }
        if let Some((k, piece)) = self.held.iter_mut().next_back() {
            let keep = usize::try_from(pos.saturating_sub(*k)).unwrap_or(usize::MAX);
            if piece.data.len() > keep {
                self.held_bytes = self
                    .held_bytes
                    .saturating_sub(piece.data.len().saturating_sub(keep));
                piece.data.truncate(keep);
            }
        }
    }
}

/// Index into a payload starting at stream offset `start` of offset `pos`.
fn slice_index(pos: u64, start: i64) -> Option<usize> {
    let pos = i64::try_from(pos).ok()?;
    usize::try_from(pos.checked_sub(start)?).ok()
}

/// Sends events for one flow and keeps the counters that follow from them.
struct Emit<'s> {
    flow: FlowId,
    stats: &'s mut TcpStats,
    sink: &'s mut dyn FnMut(FlowId, &StreamEvent<'_>),
}

impl Emit<'_> {
    fn send(&mut self, event: StreamEvent<'_>) {
        match event {
            StreamEvent::Opened { .. } => self.stats.flows += 1,
            StreamEvent::Data { bytes, .. } => {
                self.stats.bytes_delivered += bytes.len() as u64;
            }
            StreamEvent::Gap { missing, .. } => {
                self.stats.gaps += 1;
                self.stats.missing_bytes += missing;
            }
            StreamEvent::Retransmission { .. } => self.stats.retransmissions += 1,
            _ => {}
        }
        (self.sink)(self.flow, &event);
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use super::*;
    use crate::net::{proto, TcpFlags};

    /// An owned copy of a `StreamEvent`, so a test can keep what it saw.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Ev {
        Opened(SocketAddr, SocketAddr, bool, u64, Timestamp),
        Data(Dir, Vec<u8>, u64, Timestamp),
        Gap(Dir, u64, u64, Timestamp),
        Retransmission(Dir, u64, Timestamp),
        Fin(Dir, u64, Timestamp),
        Rst(Dir, u64, Timestamp),
        Closed(u64, Timestamp),
    }

    fn own(event: &StreamEvent<'_>) -> Ev {
        match *event {
            StreamEvent::Opened {
                a,
                b,
                syn_seen,
                frame,
                ts,
            } => Ev::Opened(a, b, syn_seen, frame, ts),
            StreamEvent::Data {
                dir,
                bytes,
                frame,
                ts,
            } => Ev::Data(dir, bytes.to_vec(), frame, ts),
            StreamEvent::Gap {
                dir,
                missing,
                frame,
                ts,
            } => Ev::Gap(dir, missing, frame, ts),
            StreamEvent::Retransmission { dir, frame, ts } => Ev::Retransmission(dir, frame, ts),
            StreamEvent::Fin { dir, frame, ts } => Ev::Fin(dir, frame, ts),
            StreamEvent::Rst { dir, frame, ts } => Ev::Rst(dir, frame, ts),
            StreamEvent::Closed { frame, ts, .. } => Ev::Closed(frame, ts),
        }
    }

    /// Each frame's timestamp is derived from its number, so checking the
    /// frame checks the timestamp too.
    fn ts(frame: u64) -> Timestamp {
        Timestamp::new(1_700_000_000 + frame as i64, frame as u32 * 1000)
    }

    fn opened(a: SocketAddr, b: SocketAddr, syn_seen: bool, frame: u64) -> Ev {
        Ev::Opened(a, b, syn_seen, frame, ts(frame))
    }
    fn data(dir: Dir, bytes: &[u8], frame: u64) -> Ev {
        Ev::Data(dir, bytes.to_vec(), frame, ts(frame))
    }
    fn gap(dir: Dir, missing: u64, frame: u64) -> Ev {
        Ev::Gap(dir, missing, frame, ts(frame))
    }
    fn retx(dir: Dir, frame: u64) -> Ev {
        Ev::Retransmission(dir, frame, ts(frame))
    }
    fn fin(dir: Dir, frame: u64) -> Ev {
        Ev::Fin(dir, frame, ts(frame))
    }
    fn rst(dir: Dir, frame: u64) -> Ev {
        Ev::Rst(dir, frame, ts(frame))
    }
    fn closed(frame: u64) -> Ev {
        Ev::Closed(frame, ts(frame))
    }

    fn ep(last: u8, port: u16) -> SocketAddr {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, last)), port)
    }
    fn client() -> SocketAddr {
        ep(1, 49152)
    }
    fn server() -> SocketAddr {
        ep(2, 1723)
    }

    use Dir::{AtoB, BtoA};

    struct Harness {
        tracker: TcpTracker,
        events: Vec<(FlowId, Ev)>,
    }

    impl Harness {
        fn new() -> Self {
            Self::with(&Limits::default())
        }

        fn with(limits: &Limits) -> Self {
            Harness {
                tracker: TcpTracker::new(limits),
                events: Vec::new(),
            }
        }

        /// Feeds one segment; `flags` spells TCP flags as letters (S, A, F,
        /// R, P).
        #[allow(clippy::too_many_arguments)]
        fn send(
            &mut self,
            from: SocketAddr,
            to: SocketAddr,
            frame: u64,
            flags: &str,
            seq: u32,
            ack: u32,
            payload: &[u8],
        ) {
            let ip = IpInfo {
                src: from.ip(),
                dst: to.ip(),
                protocol: proto::TCP,
                ident: frame as u32,
                ttl: 64,
                tunnel_depth: 0,
                reassembled: false,
                declared_payload_len: 20 + payload.len() as u32,
            };
            let seg = TcpSegment {
                src_port: from.port(),
                dst_port: to.port(),
                seq,
                ack,
                flags: TcpFlags {
                    syn: flags.contains('S'),
                    ack: flags.contains('A'),
                    fin: flags.contains('F'),
                    rst: flags.contains('R'),
                    psh: flags.contains('P'),
                },
                window: 65535,
                payload,
            };
            let events = &mut self.events;
            self.tracker.segment(&ip, &seg, frame, ts(frame), &mut |id, e| {
                events.push((id, own(e)))
            });
        }

        fn c2s(&mut self, frame: u64, flags: &str, seq: u32, ack: u32, payload: &[u8]) {
            self.send(client(), server(), frame, flags, seq, ack, payload);
        }

        fn s2c(&mut self, frame: u64, flags: &str, seq: u32, ack: u32, payload: &[u8]) {
            self.send(server(), client(), frame, flags, seq, ack, payload);
        }

        /// Client ISN 1000 (data from 1001), server ISN 5000 (data from
        /// 5001), frames 1 to 3.
        fn handshake(&mut self) {
            self.c2s(1, "S", 1000, 0, b"");
            self.s2c(2, "SA", 5000, 1001, b"");
            self.c2s(3, "A", 1001, 5001, b"");
        }

        fn finish(&mut self) {
            let events = &mut self.events;
            self.tracker.finish(&mut |id, e| events.push((id, own(e))));
        }

        fn take(&mut self) -> Vec<(FlowId, Ev)> {
            std::mem::take(&mut self.events)
        }

        /// Events so far, all of flow 1.
        fn take1(&mut self) -> Vec<Ev> {
            self.take()
                .into_iter()
                .map(|(id, e)| {
                    assert_eq!(id, 1, "event of another flow: {e:?}");
                    e
                })
                .collect()
        }

        /// The counters as JSON, to compare every field at once.
        fn stats(&self) -> serde_json::Value {
            serde_json::to_value(self.tracker.stats()).unwrap()
        }
    }

    /// All counters zero except the ones named.
    fn stats(set: &[(&str, u64)]) -> serde_json::Value {
        let mut value = serde_json::to_value(TcpStats::default()).unwrap();
        let object = value.as_object_mut().unwrap();
        for (name, n) in set {
            assert!(object.contains_key(*name), "no counter {name}");
            object.insert((*name).to_string(), (*n).into());
        }
        value
    }

    #[test]
    fn handshake_and_data_both_ways() {
        let mut h = Harness::new();
        h.handshake();
        h.c2s(4, "PA", 1001, 5001, b"hello");
        h.s2c(5, "PA", 5001, 1006, b"world!");
        h.c2s(6, "FA", 1006, 5007, b"");
        h.s2c(7, "FA", 5007, 1007, b"");
        h.c2s(8, "A", 1007, 5008, b"");
        assert_eq!(
            h.take1(),
            vec![
                opened(client(), server(), true, 1),
                data(AtoB, b"hello", 4),
                data(BtoA, b"world!", 5),
                fin(AtoB, 6),
                fin(BtoA, 7),
                closed(7),
            ]
        );
        assert_eq!(
            h.stats(),
            stats(&[
                ("flows", 1),
                ("segments", 8),
                ("bytes_delivered", 11),
                ("segments_after_close", 1),
            ])
        );
        h.finish();
        assert_eq!(h.take(), vec![]);
    }

    #[test]
    fn message_split_over_three_segments() {
        let mut h = Harness::new();
        h.handshake();
        h.c2s(4, "A", 1001, 5001, b"abc");
        h.c2s(5, "A", 1004, 5001, b"def");
        h.c2s(6, "PA", 1007, 5001, b"ghi");
        let events = h.take1();
        assert_eq!(
            events,
            vec![
                opened(client(), server(), true, 1),
                data(AtoB, b"abc", 4),
                data(AtoB, b"def", 5),
                data(AtoB, b"ghi", 6),
            ]
        );
        let stream: Vec<u8> = events
            .iter()
            .filter_map(|e| match e {
                Ev::Data(_, bytes, _, _) => Some(bytes.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(stream, b"abcdefghi");
        assert_eq!(
            h.stats(),
            stats(&[("flows", 1), ("segments", 6), ("bytes_delivered", 9)])
        );
    }

    #[test]
    fn exact_duplicate_is_a_retransmission() {
        let mut h = Harness::new();
        h.handshake();
        h.c2s(4, "PA", 1001, 5001, b"hello");
        h.c2s(5, "PA", 1001, 5001, b"hello");
        assert_eq!(
            h.take1(),
            vec![
                opened(client(), server(), true, 1),
                data(AtoB, b"hello", 4),
                retx(AtoB, 5),
            ]
        );
        assert_eq!(
            h.stats(),
            stats(&[
                ("flows", 1),
                ("segments", 5),
                ("bytes_delivered", 5),
                ("retransmissions", 1),
            ])
        );
    }

    #[test]
    fn partial_overlap_delivers_only_new_bytes_from_first_copy() {
        let mut h = Harness::new();
        h.handshake();
        h.c2s(4, "PA", 1001, 5001, b"hello");
        h.c2s(5, "PA", 1004, 5001, b"loworld");
        // 1006..1011 were delivered as "world"; the differing copy loses.
        h.c2s(6, "PA", 1006, 5001, b"ABCDEFGHI");
        assert_eq!(
            h.take1(),
            vec![
                opened(client(), server(), true, 1),
                data(AtoB, b"hello", 4),
                data(AtoB, b"world", 5),
                data(AtoB, b"FGHI", 6),
            ]
        );
        assert_eq!(
            h.stats(),
            stats(&[("flows", 1), ("segments", 6), ("bytes_delivered", 14)])
        );
    }

    #[test]
    fn out_of_order_3_2_1_is_delivered_1_2_3_with_own_frames() {
        let mut h = Harness::new();
        h.handshake();
        h.c2s(4, "PA", 1011, 5001, b"ccccc");
        h.c2s(5, "PA", 1006, 5001, b"bbbbb");
        assert_eq!(h.take1(), vec![opened(client(), server(), true, 1)]);
        h.c2s(6, "PA", 1001, 5001, b"aaaaa");
        assert_eq!(
            h.take1(),
            vec![
                data(AtoB, b"aaaaa", 6),
                data(AtoB, b"bbbbb", 5),
                data(AtoB, b"ccccc", 4),
            ]
        );
        assert_eq!(
            h.stats(),
            stats(&[
                ("flows", 1),
                ("segments", 6),
                ("bytes_delivered", 15),
                ("out_of_order", 2),
            ])
        );
    }

    #[test]
    fn held_bytes_are_never_delivered_twice() {
        let mut h = Harness::new();
        h.handshake();
        h.c2s(4, "A", 1006, 5001, b"BBBBB");
        h.c2s(5, "A", 1006, 5001, b"BBBBB");
        // Overlaps the held piece on both sides; only its ends are new.
        h.c2s(6, "A", 1004, 5001, b"22yyyyy33");
        h.c2s(7, "A", 1001, 5001, b"111");
        assert_eq!(
            h.take1(),
            vec![
                opened(client(), server(), true, 1),
                retx(AtoB, 5),
                data(AtoB, b"111", 7),
                data(AtoB, b"22", 6),
                data(AtoB, b"BBBBB", 4),
                data(AtoB, b"33", 6),
            ]
        );
        assert_eq!(
            h.stats(),
            stats(&[
                ("flows", 1),
                ("segments", 7),
                ("bytes_delivered", 12),
                ("retransmissions", 1),
                ("out_of_order", 2),
            ])
        );
    }

    #[test]
    fn in_order_segment_yields_to_held_copy_inside_it() {
        let mut h = Harness::new();
        h.handshake();
        h.c2s(4, "A", 1006, 5001, b"XYZ");
        h.c2s(5, "A", 1001, 5001, b"hello123");
        assert_eq!(
            h.take1(),
            vec![
                opened(client(), server(), true, 1),
                data(AtoB, b"hello", 5),
                data(AtoB, b"XYZ", 4),
            ]
        );
    }

    #[test]
    fn permanent_hole_becomes_gap_at_finish() {
        let mut h = Harness::new();
        h.handshake();
        h.c2s(4, "PA", 1001, 5001, b"aaaaa");
        h.c2s(5, "PA", 1011, 5001, b"ccccc");
        assert_eq!(
            h.take1(),
            vec![opened(client(), server(), true, 1), data(AtoB, b"aaaaa", 4)]
        );
        h.finish();
        assert_eq!(
            h.take1(),
            vec![gap(AtoB, 5, 5), data(AtoB, b"ccccc", 5), closed(5)]
        );
        assert_eq!(
            h.stats(),
            stats(&[
                ("flows", 1),
                ("segments", 5),
                ("bytes_delivered", 10),
                ("out_of_order", 1),
                ("gaps", 1),
                ("missing_bytes", 5),
            ])
        );
        assert_eq!(h.tracker.flows_in_table(), 0);
    }

    #[test]
    fn buffer_bound_forces_gap() {
        let mut h = Harness::with(&Limits {
            tcp_buffer_bytes: 8,
            ..Limits::default()
        });
        h.handshake();
        h.c2s(4, "A", 1004, 5001, b"xxxxx");
        assert_eq!(h.take1(), vec![opened(client(), server(), true, 1)]);
        // 10 bytes held > 8: the first hole (1001..1004) is given up.
        h.c2s(5, "A", 1020, 5001, b"yyyyy");
        assert_eq!(h.take1(), vec![gap(AtoB, 3, 4), data(AtoB, b"xxxxx", 4)]);
        // The late copy of the skipped bytes is not delivered after all.
        h.c2s(6, "A", 1001, 5001, b"abc");
        assert_eq!(h.take1(), vec![retx(AtoB, 6)]);
        h.finish();
        assert_eq!(
            h.take1(),
            vec![gap(AtoB, 11, 5), data(AtoB, b"yyyyy", 5), closed(6)]
        );
        assert_eq!(
            h.stats(),
            stats(&[
                ("flows", 1),
                ("segments", 6),
                ("bytes_delivered", 10),
                ("retransmissions", 1),
                ("out_of_order", 2),
                ("gaps", 2),
                ("missing_bytes", 14),
                ("buffer_overflows", 1),
            ])
        );
    }

    #[test]
    fn sequence_numbers_wrap_across_2_pow_32() {
        let mut h = Harness::new();
        h.c2s(1, "S", 0xFFFF_FFF0, 0, b"");
        h.s2c(2, "SA", 5000, 0xFFFF_FFF1, b"");
        h.c2s(3, "A", 0xFFFF_FFF1, 5001, b"");
        h.c2s(4, "A", 0xFFFF_FFF1, 5001, b"0123456789");
        // After the wrap, ahead of the segment that crosses it.
        h.c2s(5, "A", 0x0000_0005, 5001, b"XYZ");
        h.c2s(6, "A", 0xFFFF_FFFB, 5001, b"abcdefghij");
        h.c2s(7, "A", 0xFFFF_FFF1, 5001, b"0123456789");
        h.c2s(8, "FA", 0x0000_0008, 5001, b"");
        h.s2c(9, "A", 5001, 0x0000_0009, b"");
        assert_eq!(
            h.take1(),
            vec![
                opened(client(), server(), true, 1),
                data(AtoB, b"0123456789", 4),
                data(AtoB, b"abcdefghij", 6),
                data(AtoB, b"XYZ", 5),
                retx(AtoB, 7),
                fin(AtoB, 8),
            ]
        );
        assert_eq!(
            h.stats(),
            stats(&[
                ("flows", 1),
                ("segments", 9),
                ("bytes_delivered", 23),
                ("retransmissions", 1),
                ("out_of_order", 1),
            ])
        );
    }

    #[test]
    fn mid_stream_start_makes_first_sender_a() {
        let mut h = Harness::new();
        h.s2c(1, "PA", 7000, 300, b"srv");
        h.c2s(2, "PA", 300, 7003, b"cli");
        h.s2c(3, "PA", 7003, 303, b"more");
        assert_eq!(
            h.take1(),
            vec![
                opened(server(), client(), false, 1),
                data(AtoB, b"srv", 1),
                data(BtoA, b"cli", 2),
                data(AtoB, b"more", 3),
            ]
        );
    }

    #[test]
    fn syn_ack_seen_first_makes_its_receiver_a() {
        let mut h = Harness::new();
        h.s2c(1, "SA", 5000, 1001, b"");
        h.c2s(2, "A", 1001, 5001, b"");
        h.c2s(3, "PA", 1001, 5001, b"hi");
        h.s2c(4, "PA", 5001, 1003, b"yo");
        assert_eq!(
            h.take1(),
            vec![
                opened(client(), server(), true, 1),
                data(AtoB, b"hi", 3),
                data(BtoA, b"yo", 4),
            ]
        );
    }

    #[test]
    fn retransmitted_syn_is_a_retransmission() {
        let mut h = Harness::new();
        h.c2s(1, "S", 1000, 0, b"");
        h.c2s(2, "S", 1000, 0, b"");
        h.s2c(3, "SA", 5000, 1001, b"");
        h.s2c(4, "SA", 5000, 1001, b"");
        assert_eq!(
            h.take1(),
            vec![opened(client(), server(), true, 1), retx(AtoB, 2), retx(BtoA, 4),]
        );
        assert_eq!(
            h.stats(),
            stats(&[("flows", 1), ("segments", 4), ("retransmissions", 2)])
        );
    }

    #[test]
    fn rst_flushes_held_data_and_closes() {
        let mut h = Harness::new();
        h.handshake();
        h.c2s(4, "PA", 1001, 5001, b"aaaaa");
        h.c2s(5, "PA", 1011, 5001, b"ccccc");
        h.s2c(6, "RA", 5001, 1006, b"");
        h.c2s(7, "PA", 1016, 5001, b"zzz");
        assert_eq!(
            h.take1(),
            vec![
                opened(client(), server(), true, 1),
                data(AtoB, b"aaaaa", 4),
                gap(AtoB, 5, 5),
                data(AtoB, b"ccccc", 5),
                rst(BtoA, 6),
                closed(6),
            ]
        );
        h.finish();
        assert_eq!(h.take(), vec![]);
        assert_eq!(
            h.stats(),
            stats(&[
                ("flows", 1),
                ("segments", 7),
                ("bytes_delivered", 10),
                ("out_of_order", 1),
                ("gaps", 1),
                ("missing_bytes", 5),
                ("segments_after_close", 1),
            ])
        );
    }

    #[test]
    fn fin_waits_for_retransmitted_earlier_data() {
        let mut h = Harness::new();
        h.handshake();
        h.c2s(4, "FPA", 1006, 5001, b"bbbbb");
        assert_eq!(h.take1(), vec![opened(client(), server(), true, 1)]);
        h.c2s(5, "PA", 1001, 5001, b"aaaaa");
        h.s2c(6, "FA", 5001, 1012, b"");
        h.c2s(7, "A", 1012, 5002, b"");
        assert_eq!(
            h.take1(),
            vec![
                data(AtoB, b"aaaaa", 5),
                data(AtoB, b"bbbbb", 4),
                fin(AtoB, 4),
                fin(BtoA, 6),
                closed(6),
            ]
        );
    }

    #[test]
    fn bare_fin_before_data_waits_and_repeated_fin_is_retransmission() {
        let mut h = Harness::new();
        h.handshake();
        h.c2s(4, "FA", 1006, 5001, b"");
        h.c2s(5, "PA", 1001, 5001, b"aaaaa");
        h.c2s(6, "FA", 1006, 5001, b"");
        // Bytes past the FIN are no part of the stream.
        h.c2s(7, "PA", 1007, 5001, b"late");
        assert_eq!(
            h.take1(),
            vec![
                opened(client(), server(), true, 1),
                data(AtoB, b"aaaaa", 5),
                fin(AtoB, 4),
                retx(AtoB, 6),
                retx(AtoB, 7),
            ]
        );
    }

    #[test]
    fn hole_acked_by_peer_is_a_gap() {
        let mut h = Harness::new();
        h.handshake();
        h.c2s(4, "PA", 1006, 5001, b"bbbbb");
        // An ACK beyond anything seen is not believed.
        h.s2c(5, "A", 5001, 9999, b"");
        assert_eq!(h.take1(), vec![opened(client(), server(), true, 1)]);
        // The server has 1001..1011: the first five bytes will not come.
        h.s2c(6, "A", 5001, 1011, b"");
        assert_eq!(h.take1(), vec![gap(AtoB, 5, 4), data(AtoB, b"bbbbb", 4)]);
        // Same for a FIN whose data was never seen.
        h.c2s(7, "FA", 1021, 5001, b"");
        h.s2c(8, "A", 5001, 1022, b"");
        assert_eq!(h.take1(), vec![gap(AtoB, 10, 7), fin(AtoB, 7)]);
        assert_eq!(
            h.stats(),
            stats(&[
                ("flows", 1),
                ("segments", 8),
                ("bytes_delivered", 5),
                ("out_of_order", 1),
                ("gaps", 2),
                ("missing_bytes", 15),
            ])
        );
    }

    #[test]
    fn port_reuse_after_close_makes_new_flow() {
        let mut h = Harness::new();
        h.handshake();
        h.c2s(4, "FA", 1001, 5001, b"");
        h.s2c(5, "FA", 5001, 1002, b"");
        h.c2s(6, "A", 1002, 5002, b"");
        // A late copy of the old SYN is not a new connection.
        h.c2s(7, "S", 1000, 0, b"");
        h.c2s(8, "S", 90_000, 0, b"");
        h.s2c(9, "SA", 70_000, 90_001, b"");
        h.c2s(10, "PA", 90_001, 70_001, b"new");
        assert_eq!(
            h.take(),
            vec![
                (1, opened(client(), server(), true, 1)),
                (1, fin(AtoB, 4)),
                (1, fin(BtoA, 5)),
                (1, closed(5)),
                (2, opened(client(), server(), true, 8)),
                (2, data(AtoB, b"new", 10)),
            ]
        );
        assert_eq!(
            h.stats(),
            stats(&[
                ("flows", 2),
                ("segments", 10),
                ("bytes_delivered", 3),
                ("port_reuses", 1),
                ("segments_after_close", 2),
            ])
        );
        assert_eq!(h.tracker.flows_in_table(), 1);
    }

    #[test]
    fn syn_with_new_isn_on_open_flow_starts_new_flow() {
        let mut h = Harness::new();
        h.handshake();
        h.c2s(4, "PA", 1001, 5001, b"old");
        h.c2s(5, "S", 123_456, 0, b"");
        assert_eq!(
            h.take(),
            vec![
                (1, opened(client(), server(), true, 1)),
                (1, data(AtoB, b"old", 4)),
                (1, closed(4)),
                (2, opened(client(), server(), true, 5)),
            ]
        );
        assert_eq!(
            h.stats(),
            stats(&[
                ("flows", 2),
                ("segments", 5),
                ("bytes_delivered", 3),
                ("port_reuses", 1),
            ])
        );
    }

    #[test]
    fn full_table_evicts_least_recently_active_and_counts_it() {
        let mut h = Harness::with(&Limits {
            tcp_flows: 2,
            ..Limits::default()
        });
        let (c1, c2, c3, c4) = (ep(1, 40001), ep(1, 40002), ep(1, 40003), ep(1, 40004));
        h.send(c1, server(), 1, "S", 100, 0, b"");
        h.send(c2, server(), 2, "S", 200, 0, b"");
        h.send(server(), c1, 3, "SA", 900, 101, b"");
        // Flow 2 is now the least recently active.
        h.send(c3, server(), 4, "S", 300, 0, b"");
        h.send(server(), c1, 5, "RA", 901, 101, b"");
        // A closed flow makes room without an eviction.
        h.send(c4, server(), 6, "S", 400, 0, b"");
        // Flow 1 has left the table: c1 now looks like a mid-stream start,
        // and flow 3 (older than 4) goes.
        h.send(c1, server(), 7, "PA", 101, 901, b"x");
        assert_eq!(
            h.take(),
            vec![
                (1, opened(c1, server(), true, 1)),
                (2, opened(c2, server(), true, 2)),
                (2, closed(2)),
                (3, opened(c3, server(), true, 4)),
                (1, rst(BtoA, 5)),
                (1, closed(5)),
                (4, opened(c4, server(), true, 6)),
                (3, closed(4)),
                (5, opened(c1, server(), false, 7)),
                (5, data(AtoB, b"x", 7)),
            ]
        );
        assert_eq!(
            h.stats(),
            stats(&[
                ("flows", 5),
                ("segments", 7),
                ("bytes_delivered", 1),
                ("evictions", 2),
            ])
        );
        assert_eq!(h.tracker.flows_in_table(), 2);
        h.finish();
        assert_eq!(h.take(), vec![(4, closed(6)), (5, closed(7))]);
    }

    #[test]
    fn ignore_stops_data_events() {
        let mut h = Harness::new();
        h.handshake();
        h.c2s(4, "PA", 1001, 5001, b"hello");
        h.tracker.ignore(1);
        h.c2s(5, "PA", 1006, 5001, b"world");
        h.c2s(6, "PA", 1006, 5001, b"world");
        h.s2c(7, "PA", 5001, 1011, b"abc");
        h.c2s(8, "PA", 1020, 5004, b"zz");
        h.c2s(9, "FA", 1022, 5004, b"");
        h.s2c(10, "FA", 5004, 1023, b"");
        assert_eq!(
            h.take1(),
            vec![
                opened(client(), server(), true, 1),
                data(AtoB, b"hello", 4),
                fin(AtoB, 9),
                fin(BtoA, 10),
                closed(10),
            ]
        );
        assert_eq!(
            h.stats(),
            stats(&[("flows", 1), ("segments", 10), ("bytes_delivered", 5)])
        );
    }

    #[test]
    fn ignore_drops_held_data_and_reports_pending_fin() {
        let mut h = Harness::new();
        h.handshake();
        h.c2s(4, "FPA", 1006, 5001, b"bbbbb");
        h.tracker.ignore(1);
        h.tracker.ignore(99);
        h.s2c(5, "A", 5001, 1001, b"");
        h.s2c(6, "RA", 5001, 1001, b"");
        assert_eq!(
            h.take1(),
            vec![
                opened(client(), server(), true, 1),
                fin(AtoB, 4),
                rst(BtoA, 6),
                closed(6),
            ]
        );
        assert_eq!(
            h.stats(),
            stats(&[("flows", 1), ("segments", 6), ("out_of_order", 1)])
        );
    }

    /// A TCP segment read from a capture file by `read_tcp_pcap`.
    struct Captured {
        frame: u64,
        ts: Timestamp,
        ip: IpInfo,
        src_port: u16,
        dst_port: u16,
        seq: u32,
        ack: u32,
        flags: TcpFlags,
        payload: Vec<u8>,
    }

    fn be16(b: &[u8], at: usize) -> Option<u16> {
        Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
    }

    fn be32(b: &[u8], at: usize) -> Option<u32> {
        Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
    }

    /// Just enough of classic pcap, Ethernet, IPv4 and TCP to feed the
    /// tracker from a real capture while the crate's own decoder is built
    /// elsewhere. Returns `None` when the file is absent; frames that are
    /// not unfragmented IPv4/TCP are skipped (but keep their numbers).
    fn read_tcp_pcap(name: &str) -> Option<Vec<Captured>> {
        let file = std::fs::read(format!("../shared/captures/{name}")).ok()?;
        let magic = file.get(0..4)?;
        let little = match magic {
            [0xd4, 0xc3, 0xb2, 0xa1] | [0x4d, 0x3c, 0xb2, 0xa1] => true,
            [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d] => false,
            _ => return None,
        };
        let nanos = matches!(magic, [0x4d, 0x3c, ..] | [.., 0x3c, 0x4d]);
        let word = |at: usize| -> Option<u32> {
            let b: [u8; 4] = file.get(at..at + 4)?.try_into().ok()?;
            Some(if little {
                u32::from_le_bytes(b)
            } else {
                u32::from_be_bytes(b)
            })
        };
        let mut out = Vec::new();
        let (mut at, mut frame) = (24usize, 0u64);
        while let (Some(secs), Some(frac), Some(caplen)) = (word(at), word(at + 4), word(at + 8)) {
            frame += 1;
            let start = at + 16;
            at = start + caplen as usize;
            let Some(eth) = file.get(start..at) else {
                break;
            };
            let ts = Timestamp::new(i64::from(secs), if nanos { frac } else { frac * 1000 });
            if let Some(c) = parse_eth_ipv4_tcp(eth, frame, ts) {
                out.push(c);
            }
        }
        Some(out)
    }

    fn parse_eth_ipv4_tcp(eth: &[u8], frame: u64, ts: Timestamp) -> Option<Captured> {
        if be16(eth, 12)? != 0x0800 {
            return None;
        }
        let ip = eth.get(14..)?;
        let ihl = usize::from(ip.first()? & 0x0f) * 4;
        let total = usize::from(be16(ip, 2)?);
        // Fragments and non-TCP are not this test's business.
        if ip.get(9)? != &proto::TCP || be16(ip, 6)? & 0x3fff != 0 {
            return None;
        }
        // Ethernet padding lies past the IP total length.
        let tcp = ip.get(ihl..total)?;
        let data_offset = usize::from(tcp.get(12)? >> 4) * 4;
        let flag_bits = *tcp.get(13)?;
        let addr = |at: usize| -> Option<IpAddr> {
            let b: [u8; 4] = ip.get(at..at + 4)?.try_into().ok()?;
            Some(IpAddr::V4(Ipv4Addr::from(b)))
        };
        Some(Captured {
            frame,
            ts,
            ip: IpInfo {
                src: addr(12)?,
                dst: addr(16)?,
                protocol: proto::TCP,
                ident: u32::from(be16(ip, 4)?),
                ttl: *ip.get(8)?,
                tunnel_depth: 0,
                reassembled: false,
                declared_payload_len: u32::try_from(total - ihl).ok()?,
            },
            src_port: be16(tcp, 0)?,
            dst_port: be16(tcp, 2)?,
            seq: be32(tcp, 4)?,
            ack: be32(tcp, 8)?,
            flags: TcpFlags {
                fin: flag_bits & 0x01 != 0,
                syn: flag_bits & 0x02 != 0,
                rst: flag_bits & 0x04 != 0,
                psh: flag_bits & 0x08 != 0,
                ack: flag_bits & 0x10 != 0,
            },
            payload: tcp.get(data_offset..)?.to_vec(),
        })
    }

    /// What `replay` saw.
    struct Replay {
        lines: Vec<String>,
        ab: Vec<u8>,
        ba: Vec<u8>,
        counters: TcpStats,
    }

    /// Runs a capture through a tracker; events rendered compactly (data as
    /// its length) with the AtoB and BtoA streams collected.
    fn replay(name: &str) -> Option<Replay> {
        let segments = read_tcp_pcap(name)?;
        let mut tracker = TcpTracker::new(&Limits::default());
        let mut lines = Vec::new();
        let (mut ab, mut ba) = (Vec::new(), Vec::new());
        let mut sink = |id: FlowId, e: &StreamEvent<'_>| {
            let line = match *e {
                StreamEvent::Opened {
                    a,
                    b,
                    syn_seen,
                    frame,
                    ..
                } => format!("{id} opened {a} {b} syn={syn_seen} f{frame}"),
                StreamEvent::Data {
                    dir, bytes, frame, ..
                } => {
                    match dir {
                        Dir::AtoB => ab.extend_from_slice(bytes),
                        Dir::BtoA => ba.extend_from_slice(bytes),
                    }
                    format!("{id} data {dir:?} {} f{frame}", bytes.len())
                }
                StreamEvent::Gap {
                    dir, missing, frame, ..
                } => format!("{id} gap {dir:?} {missing} f{frame}"),
                StreamEvent::Retransmission { dir, frame, .. } => {
                    format!("{id} retransmission {dir:?} f{frame}")
                }
                StreamEvent::Fin { dir, frame, .. } => format!("{id} fin {dir:?} f{frame}"),
                StreamEvent::Rst { dir, frame, .. } => format!("{id} rst {dir:?} f{frame}"),
                StreamEvent::Closed { frame, .. } => format!("{id} closed f{frame}"),
            };
            lines.push(line);
        };
        for c in &segments {
            let seg = TcpSegment {
                src_port: c.src_port,
                dst_port: c.dst_port,
                seq: c.seq,
                ack: c.ack,
                flags: c.flags,
                window: 0,
                payload: &c.payload,
            };
            tracker.segment(&c.ip, &seg, c.frame, c.ts, &mut sink);
        }
        tracker.finish(&mut sink);
        Some(Replay {
            lines,
            ab,
            ba,
            counters: tracker.stats(),
        })
    }

    /// The PPTP magic cookie (RFC 2637 §1.4) at offset 4 of every message,
    /// walked by the Length field: the stream was rebuilt without a seam.
    fn pptp_message_lengths(stream: &[u8]) -> Vec<u16> {
        let mut lengths = Vec::new();
        let mut at = 0;
        while let (Some(len), Some(cookie)) = (be16(stream, at), be32(stream, at + 4)) {
            assert_eq!(cookie, 0x1a2b_3c4d, "cookie at offset {at}");
            lengths.push(len);
            at += usize::from(len);
        }
        assert_eq!(at, stream.len());
        lengths
    }

    #[test]
    fn ndpi_pptp_capture_fin_retransmissions_and_rst() {
        let Some(Replay {
            lines,
            ab,
            ba,
            counters,
        }) = replay("ntop_nDPI__pptp.pcap")
        else {
            eprintln!("skipped: ../shared/captures not present");
            return;
        };
        assert_eq!(
            lines,
            [
                "1 opened 192.168.43.22:41366 191.101.61.1:1723 syn=true f1",
                "1 data AtoB 156 f4",
                "1 data BtoA 156 f6",
                "1 data AtoB 168 f8",
                "1 data BtoA 32 f10",
                "1 data BtoA 24 f12",
                "1 data BtoA 24 f14",
                "1 data AtoB 16 f16",
                "1 fin AtoB f17",
                "1 retransmission AtoB f18",
                "1 retransmission AtoB f19",
                // The server's Call-Disconnect-Notify after the client's FIN.
                "1 data BtoA 148 f23",
                "1 rst AtoB f24",
                "1 closed f24",
            ]
        );
        // SCCRQ, OCRQ, CCRQ / SCCRP, OCRP, SLI, SLI, CDN.
        assert_eq!(pptp_message_lengths(&ab), [156, 168, 16]);
        assert_eq!(pptp_message_lengths(&ba), [156, 32, 24, 24, 148]);
        assert_eq!(
            serde_json::to_value(counters).unwrap(),
            stats(&[
                ("flows", 1),
                ("segments", 24),
                ("bytes_delivered", 724),
                ("retransmissions", 2),
            ])
        );
    }

    #[test]
    fn tcpdump_pptp_capture_duplicated_server_frames() {
        let Some(Replay {
            lines,
            ab,
            ba,
            counters,
        }) = replay("the-tcpdump-group_tcpdump__pptp.pcap")
        else {
            eprintln!("skipped: ../shared/captures not present");
            return;
        };
        assert_eq!(
            lines,
            [
                "1 opened 10.1.1.11:3025 10.1.1.10:1723 syn=true f1",
                "1 retransmission BtoA f3",
                "1 data AtoB 156 f5",
                "1 data BtoA 156 f8",
                "1 retransmission BtoA f9",
                "1 data AtoB 168 f10",
                "1 data BtoA 32 f13",
                "1 retransmission BtoA f14",
                "1 data AtoB 24 f15",
                "1 fin BtoA f19",
                "1 retransmission BtoA f20",
                "1 fin AtoB f21",
                "1 closed f21",
            ]
        );
        // SCCRQ, OCRQ, SLI / SCCRP, OCRP.
        assert_eq!(pptp_message_lengths(&ab), [156, 168, 24]);
        assert_eq!(pptp_message_lengths(&ba), [156, 32]);
        assert_eq!(
            serde_json::to_value(counters).unwrap(),
            stats(&[
                ("flows", 1),
                ("segments", 22),
                ("bytes_delivered", 536),
                ("retransmissions", 4),
                ("segments_after_close", 2),
            ])
        );
    }

    /// xorshift64: a fixed, dependency-free source of test cases.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    #[test]
    fn damaged_streams_deliver_every_byte_at_its_offset() {
        const LEN: u64 = 3000;
        let mut seen = TcpStats::default();
        let mut wrapped = 0;
        for seed in 1..=300u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let original: Vec<u8> = (0..LEN).map(|_| rng.next() as u8).collect();
            // Near the top of the sequence space, so most runs wrap.
            let isn = 0xFFFF_F000u32.wrapping_add(rng.below(8192) as u32);
            if isn.checked_add(1 + LEN as u32).is_none() {
                wrapped += 1;
            }
            let limit = if seed % 2 == 0 { 64 } else { 1 << 20 };
            let mut h = Harness::with(&Limits {
                tcp_buffer_bytes: limit,
                ..Limits::default()
            });

            // Cut the stream, then damage the sequence of segments.
            let mut cuts = Vec::new();
            let mut at = 0;
            while at < LEN {
                let len = (1 + rng.below(200)).min(LEN - at);
                cuts.push((at, len));
                at += len;
            }
            let mut wire = Vec::new();
            for &(at, len) in &cuts {
                match rng.below(10) {
                    0 => {}
                    1 => wire.extend([(at, len), (at, len)]),
                    2 => {
                        // A retransmission cut differently from the original.
                        let from = at.saturating_sub(rng.below(100));
                        let to = (at + len + rng.below(100)).min(LEN);
                        wire.extend([(at, len), (from, to - from)]);
                    }
                    _ => wire.push((at, len)),
                }
            }
            for i in 0..wire.len() {
                let j = (i + rng.below(5) as usize).min(wire.len() - 1);
                wire.swap(i, j);
            }

            h.c2s(1, "S", isn, 0, b"");
            let mut frame = 1;
            for (at, len) in wire {
                frame += 1;
                let seq = isn.wrapping_add(1).wrapping_add(at as u32);
                let payload = &original[at as usize..(at + len) as usize];
                h.c2s(frame, "A", seq, 0, payload);
            }
            frame += 1;
            let fin_seq = isn.wrapping_add(1).wrapping_add(LEN as u32);
            h.c2s(frame, "FA", fin_seq, 0, b"");
            h.finish();

            let mut offset = 0u64;
            let (mut fins, mut closes) = (0, 0);
            for (id, event) in h.take() {
                assert_eq!(id, 1, "seed {seed}");
                if matches!(event, Ev::Data(..) | Ev::Gap(..)) {
                    assert_eq!(fins, 0, "seed {seed}: {event:?} after the FIN");
                }
                match event {
                    Ev::Data(AtoB, bytes, _, _) => {
                        let end = offset + bytes.len() as u64;
                        assert_eq!(
                            bytes,
                            &original[offset as usize..end as usize],
                            "seed {seed} offset {offset}"
                        );
                        offset = end;
                    }
                    Ev::Gap(AtoB, missing, _, _) => offset += missing,
                    Ev::Fin(AtoB, f, _) => {
                        assert_eq!(f, frame, "seed {seed}");
                        fins += 1;
                    }
                    Ev::Closed(..) => closes += 1,
                    Ev::Opened(..) | Ev::Retransmission(AtoB, _, _) => {}
                    other => panic!("seed {seed}: unexpected {other:?}"),
                }
            }
            assert_eq!(offset, LEN, "seed {seed}");
            assert_eq!((fins, closes), (1, 1), "seed {seed}");
            let counters = h.tracker.stats();
            assert_eq!(
                counters.bytes_delivered + counters.missing_bytes,
                LEN,
                "seed {seed}"
            );
            seen.gaps += counters.gaps;
            seen.buffer_overflows += counters.buffer_overflows;
            seen.retransmissions += counters.retransmissions;
            seen.out_of_order += counters.out_of_order;
        }
        // The damage really happened, in every form.
        assert!(seen.gaps > 0 && seen.buffer_overflows > 0, "{seen:?}");
        assert!(seen.retransmissions > 0 && seen.out_of_order > 0, "{seen:?}");
        assert!(wrapped > 0);
    }
}
