//! Framing SSTP packets out of one direction's byte stream, after the HTTP
//! exchange ([MS-SSTP] §3.1.5.1: packets are delimited by the 12-bit Length
//! of their header, and may span TLS records or share one).
//!
//! One [`SstpStream`] per direction. It cuts whole packets out of the bytes
//! it is given, however they were split, and hands each to
//! [`parse_packet`]. A packet that arrives whole inside one push is decoded
//! straight from the pushed bytes; only a packet split across pushes is
//! copied, into a buffer that never holds more than one packet
//! ([`super::wire::MAX_PACKET_LEN`] bytes).
//!
//! When the bytes at a packet boundary are not a header (a version other
//! than 0x10, a Length below the header) or bytes were lost, the framer
//! hunts for the next position where a plausible header starts, reports how
//! much it skipped and carries on. A peer would drop the connection
//! instead; an analyzer wants to keep reading. While hunting, a header must
//! look right in every field that can be checked: Version 0x10, reserved
//! bits 0, Length of at least 4 (8 for control), and for a control packet a
//! Message Type from 1 to 9 and a Num Attributes that fits in the Length.

use super::wire::{
    parse_packet, MessageType, SstpPacket, WireError, CONTROL_HEADER_LEN, HEADER_LEN, VERSION_1_0,
};
use crate::capture::Timestamp;

/// Verdict on the bytes at a supposed packet boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeaderCheck {
    /// A header of a packet of this Length.
    Valid(u16),
    /// Some byte already rules out a header here.
    Invalid,
    /// Everything present fits, but the bytes that decide are not there
    /// yet.
    NeedMore,
}

/// Checks a header at a boundary known from the previous packet: only what
/// framing needs, Version 0x10 and a Length covering the 4-byte header.
/// Other oddities are left to the decoder, which reports them.
fn check_in_step(buf: &[u8]) -> HeaderCheck {
    match buf.first() {
        None => return HeaderCheck::NeedMore,
        Some(&v) if v != VERSION_1_0 => return HeaderCheck::Invalid,
        Some(_) => {}
    }
    match (buf.get(2), buf.get(3)) {
        (Some(&hi), Some(&lo)) => {
            let length = u16::from_be_bytes([hi & 0x0F, lo]);
            if usize::from(length) < HEADER_LEN {
                HeaderCheck::Invalid
            } else {
                HeaderCheck::Valid(length)
            }
        }
        _ => HeaderCheck::NeedMore,
    }
}

/// Checks a candidate header while hunting: every field that can be checked
/// must be right (see the module documentation). A candidate cut short by
/// the end of `buf` is `NeedMore` as long as what is there fits.
fn check_strict(buf: &[u8]) -> HeaderCheck {
    let get = |at: usize| buf.get(at).copied();
    if get(0).is_some_and(|v| v != VERSION_1_0) {
        return HeaderCheck::Invalid;
    }
    let control = match get(1) {
        Some(0x00) => false,
        Some(0x01) => true,
        Some(_) => return HeaderCheck::Invalid,
        None => return HeaderCheck::NeedMore,
    };
    if get(2).is_some_and(|b| b & 0xF0 != 0) {
        return HeaderCheck::Invalid;
    }
    let (Some(hi), Some(lo)) = (get(2), get(3)) else {
        return HeaderCheck::NeedMore;
    };
    let length = u16::from_be_bytes([hi, lo]);
    if !control {
        return if usize::from(length) < HEADER_LEN {
            HeaderCheck::Invalid
        } else {
            HeaderCheck::Valid(length)
        };
    }
    if usize::from(length) < CONTROL_HEADER_LEN {
        return HeaderCheck::Invalid;
    }
    if get(4).is_some_and(|b| b != 0) {
        return HeaderCheck::Invalid;
    }
    let Some(t) = get(5) else {
        return HeaderCheck::NeedMore;
    };
    if MessageType(u16::from(t)).name().is_none() {
        return HeaderCheck::Invalid;
    }
    let (Some(hi), Some(lo)) = (get(6), get(7)) else {
        return HeaderCheck::NeedMore;
    };
    // Every attribute takes at least its 4-byte header.
    let room = (usize::from(length) - CONTROL_HEADER_LEN) / 4;
    if usize::from(u16::from_be_bytes([hi, lo])) > room {
        return HeaderCheck::Invalid;
    }
    HeaderCheck::Valid(length)
}

/// True when `buf` starts with a plausible SSTP packet header by the strict
/// rule the framer hunts with: Version 0x10, reserved bits 0, a Length of at
/// least 4 (8 for control), and for a control packet a Message Type from 1
/// to 9 and a Num Attributes that fits. Needs 4 bytes (8 for control).
pub fn looks_like_sstp_packet(buf: &[u8]) -> bool {
    matches!(check_strict(buf), HeaderCheck::Valid(_))
}

/// What the framer found in the stream. Borrows the pushed bytes or the
/// framer's buffer: handle it inside the callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamItem<'a> {
    /// One whole packet, decoded (or the reason it could not be).
    Packet {
        packet: Result<SstpPacket<'a>, WireError>,
        /// Frame holding the packet's first byte.
        first_frame: u64,
        /// Frame holding its last byte.
        frame: u64,
        /// Timestamp of `frame`.
        ts: Timestamp,
        /// Stream offset of the first byte (0 = the first byte given to
        /// this framer; lost bytes count).
        offset: u64,
    },
    /// Bytes at a packet boundary were not a header; this many were skipped
    /// before a plausible header was found (or the stream ended).
    Desync {
        /// Frame holding the first skipped byte.
        frame: u64,
        /// Stream offset of the first skipped byte.
        offset: u64,
        skipped_bytes: u64,
    },
    /// A packet cut short by lost bytes or by the end of the stream; its
    /// bytes were dropped.
    Partial {
        /// Frame holding the packet's first byte.
        first_frame: u64,
        /// Frame where the packet was abandoned: the frame of the gap, or at
        /// the end of the stream the frame holding its last byte.
        frame: u64,
        /// Stream offset of the first byte.
        offset: u64,
        /// Bytes of the packet that were seen.
        have: u64,
        /// Its Length, when the header was seen.
        length: Option<u16>,
    },
}

/// Where held bytes came from.
#[derive(Debug, Clone, Copy)]
struct Span {
    offset: u64,
    frame: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// The next byte is a packet boundary (`held` is a packet begun).
    InStep,
    /// Dropping the rest of a packet that lost bytes to a gap; the next
    /// boundary follows it.
    SkipTail { remaining: u64 },
    /// Looking for a header; `skipped` bytes discarded so far, the first
    /// of them at `offset` in `frame`. `held` may be the start of one.
    Hunting { skipped: u64, frame: u64, offset: u64 },
}

/// The framer for one direction of an SSTP connection.
#[derive(Debug, Clone)]
pub struct SstpStream {
    /// A packet begun but not complete (in step) or the tail that might
    /// start a header (hunting). Never more than one packet.
    held: Vec<u8>,
    /// Stream offset of `held[0]`.
    held_offset: u64,
    /// Origins of the bytes in `held`, oldest first.
    spans: Vec<Span>,
    /// Stream offset of the next byte to arrive.
    next_offset: u64,
    state: State,
}

impl Default for SstpStream {
    fn default() -> Self {
        Self::new()
    }
}

const FRESH_HUNT: State = State::Hunting {
    skipped: 0,
    frame: 0,
    offset: 0,
};

impl SstpStream {
    /// A framer that expects a packet boundary at the first byte (the byte
    /// after the HTTP head).
    pub fn new() -> Self {
        SstpStream {
            held: Vec::new(),
            held_offset: 0,
            spans: Vec::new(),
            next_offset: 0,
            state: State::InStep,
        }
    }

    /// A framer whose first byte is at stream offset `offset`, so that the
    /// offsets it reports count from the start of the connection (pass the
    /// HTTP head length).
    pub fn starting_at(offset: u64) -> Self {
        SstpStream {
            held_offset: offset,
            next_offset: offset,
            ..Self::new()
        }
    }

    /// Bytes currently held (a packet begun, or a possible header start).
    pub fn buffered(&self) -> usize {
        self.held.len()
    }

    /// Feeds in-order stream bytes carried by `frame`. Every packet they
    /// complete, and every desync resolved, is passed to `out` in stream
    /// order.
    pub fn push(&mut self, bytes: &[u8], frame: u64, ts: Timestamp, out: &mut dyn FnMut(StreamItem<'_>)) {
        let mut input = bytes;
        let mut input_offset = self.next_offset;
        self.next_offset = self.next_offset.saturating_add(bytes.len() as u64);
        loop {
            match self.state {
                State::SkipTail { remaining } => {
                    let n = usize::try_from(remaining).unwrap_or(usize::MAX).min(input.len());
                    input = input.get(n..).unwrap_or(&[]);
                    input_offset = input_offset.saturating_add(n as u64);
                    let remaining = remaining.saturating_sub(n as u64);
                    if remaining > 0 {
                        self.state = State::SkipTail { remaining };
                        return;
                    }
                    self.state = State::InStep;
                }
                State::InStep if !self.held.is_empty() => {
                    if !self.complete_held(&mut input, &mut input_offset, frame, ts, out) {
                        return;
                    }
                }
                State::InStep => match check_in_step(input) {
                    HeaderCheck::Valid(len) if input.len() >= usize::from(len) => {
                        let (packet, rest) = input.split_at(usize::from(len));
                        out(StreamItem::Packet {
                            packet: parse_packet(packet),
                            first_frame: frame,
                            frame,
                            ts,
                            offset: input_offset,
                        });
                        input = rest;
                        input_offset = input_offset.saturating_add(u64::from(len));
                    }
                    HeaderCheck::Valid(_) | HeaderCheck::NeedMore => {
                        // Shorter than one packet, so the copy is bounded.
                        self.hold(input, input_offset, frame);
                        return;
                    }
                    HeaderCheck::Invalid => {
                        self.state = FRESH_HUNT;
                        self.skip_input(&mut input, &mut input_offset, 1, frame);
                    }
                },
                State::Hunting { .. } if !self.held.is_empty() => {
                    if !self.hunt_in_held(&mut input, &mut input_offset, frame, out) {
                        return;
                    }
                }
                State::Hunting { .. } => {
                    if input.is_empty() {
                        return;
                    }
                    let mut found = None;
                    for (at, _) in input.iter().enumerate() {
                        match check_strict(input.get(at..).unwrap_or(&[])) {
                            HeaderCheck::Invalid => continue,
                            verdict => {
                                found = Some((at, verdict));
                                break;
                            }
                        }
                    }
                    let Some((at, verdict)) = found else {
                        let n = input.len();
                        self.skip_input(&mut input, &mut input_offset, n, frame);
                        return;
                    };
                    self.skip_input(&mut input, &mut input_offset, at, frame);
                    if verdict == HeaderCheck::NeedMore {
                        // A possible header cut by the end of the push: at
                        // most 7 bytes.
                        self.hold(input, input_offset, frame);
                        return;
                    }
                    self.report_desync(out);
                    self.state = State::InStep;
                }
            }
            if input.is_empty() && self.held.is_empty() && self.state == State::InStep {
                return;
            }
        }
    }

    /// `missing` bytes were lost before the next bytes to be pushed
    /// (noticed in `frame`). A packet they cut is dropped (reported as
    /// [`StreamItem::Partial`]); when its Length says where the next packet
    /// starts framing resumes there, otherwise the framer hunts for the next
    /// header.
    pub fn gap(&mut self, missing: u64, frame: u64, out: &mut dyn FnMut(StreamItem<'_>)) {
        self.state = match self.state {
            State::InStep if self.held.is_empty() => FRESH_HUNT,
            State::InStep => match check_in_step(&self.held) {
                HeaderCheck::Valid(len) => {
                    let have = self.held.len() as u64;
                    out(self.partial(frame, Some(len)));
                    let rest = u64::from(len).saturating_sub(have);
                    match rest.checked_sub(missing) {
                        Some(0) => State::InStep,
                        Some(remaining) => State::SkipTail { remaining },
                        None => FRESH_HUNT,
                    }
                }
                _ => {
                    out(self.partial(frame, None));
                    FRESH_HUNT
                }
            },
            State::SkipTail { remaining } => match remaining.checked_sub(missing) {
                Some(0) => State::InStep,
                Some(remaining) => State::SkipTail { remaining },
                None => FRESH_HUNT,
            },
            State::Hunting { .. } => {
                // The held bytes cannot join up with what follows the gap.
                let held = self.held.len();
                self.skip_held(held);
                self.report_desync(out);
                FRESH_HUNT
            }
        };
        self.clear_held();
        self.next_offset = self.next_offset.saturating_add(missing);
        self.held_offset = self.next_offset;
    }

    /// End of the stream: reports a packet left incomplete and bytes still
    /// being skipped, then resets to expect a boundary.
    pub fn finish(&mut self, out: &mut dyn FnMut(StreamItem<'_>)) {
        match self.state {
            State::InStep if !self.held.is_empty() => {
                let length = match check_in_step(&self.held) {
                    HeaderCheck::Valid(len) => Some(len),
                    _ => None,
                };
                let last = self.spans.last().map_or(0, |s| s.frame);
                out(self.partial(last, length));
            }
            State::Hunting { .. } => {
                let held = self.held.len();
                self.skip_held(held);
                self.report_desync(out);
            }
            _ => {}
        }
        self.clear_held();
        self.held_offset = self.next_offset;
        self.state = State::InStep;
    }

    fn clear_held(&mut self) {
        self.held.clear();
        self.spans.clear();
    }

    /// Keeps `bytes` (the rest of a push) as the start of `held`, or adds
    /// them to it.
    fn hold(&mut self, bytes: &[u8], offset: u64, frame: u64) {
        if bytes.is_empty() {
            return;
        }
        if self.held.is_empty() {
            self.held_offset = offset;
            self.spans.clear();
        }
        self.spans.push(Span { offset, frame });
        self.held.extend_from_slice(bytes);
    }

    /// The frame of the held byte at stream offset `offset`.
    fn frame_at(&self, offset: u64) -> u64 {
        self.spans
            .iter()
            .rev()
            .find(|s| s.offset <= offset)
            .or(self.spans.first())
            .map_or(0, |s| s.frame)
    }

    fn partial(&self, frame: u64, length: Option<u16>) -> StreamItem<'static> {
        StreamItem::Partial {
            first_frame: self.frame_at(self.held_offset),
            frame,
            offset: self.held_offset,
            have: self.held.len() as u64,
            length,
        }
    }

    /// Counts `n` skipped bytes starting at stream offset `offset` in
    /// `frame`, remembering where skipping began.
    fn count_skipped(&mut self, n: usize, offset: u64, frame: u64) {
        if n == 0 {
            return;
        }
        if let State::Hunting {
            skipped,
            frame: first_frame,
            offset: first_offset,
        } = self.state
        {
            let (first_frame, first_offset) = if skipped == 0 {
                (frame, offset)
            } else {
                (first_frame, first_offset)
            };
            self.state = State::Hunting {
                skipped: skipped.saturating_add(n as u64),
                frame: first_frame,
                offset: first_offset,
            };
        }
    }

    /// Skips `n` bytes of the current push while hunting.
    fn skip_input(&mut self, input: &mut &[u8], input_offset: &mut u64, n: usize, frame: u64) {
        let n = n.min(input.len());
        self.count_skipped(n, *input_offset, frame);
        *input = input.get(n..).unwrap_or(&[]);
        *input_offset = input_offset.saturating_add(n as u64);
    }

    /// Skips the first `n` held bytes while hunting.
    fn skip_held(&mut self, n: usize) {
        let n = n.min(self.held.len());
        if n == 0 {
            return;
        }
        let frame = self.frame_at(self.held_offset);
        self.count_skipped(n, self.held_offset, frame);
        self.held.drain(..n);
        self.held_offset = self.held_offset.saturating_add(n as u64);
        while self
            .spans
            .get(1)
            .is_some_and(|next| next.offset <= self.held_offset)
        {
            self.spans.remove(0);
        }
        if self.held.is_empty() {
            self.spans.clear();
        }
    }

    fn report_desync(&mut self, out: &mut dyn FnMut(StreamItem<'_>)) {
        if let State::Hunting {
            skipped,
            frame,
            offset,
        } = self.state
        {
            if skipped > 0 {
                out(StreamItem::Desync {
                    frame,
                    offset,
                    skipped_bytes: skipped,
                });
            }
        }
    }

    /// Moves up to `want` bytes from the front of the push into `held`.
    fn take_into_held(&mut self, input: &mut &[u8], input_offset: &mut u64, want: usize, frame: u64) {
        let n = want.min(input.len());
        if n == 0 {
            return;
        }
        let (taken, rest) = input.split_at(n);
        self.spans.push(Span {
            offset: *input_offset,
            frame,
        });
        self.held.extend_from_slice(taken);
        *input = rest;
        *input_offset = input_offset.saturating_add(n as u64);
    }

    /// In step with a packet begun in `held`: completes it from the push.
    /// Returns false when the push ran out first.
    fn complete_held(
        &mut self,
        input: &mut &[u8],
        input_offset: &mut u64,
        frame: u64,
        ts: Timestamp,
        out: &mut dyn FnMut(StreamItem<'_>),
    ) -> bool {
        let want = HEADER_LEN.saturating_sub(self.held.len());
        self.take_into_held(input, input_offset, want, frame);
        match check_in_step(&self.held) {
            HeaderCheck::NeedMore => false,
            HeaderCheck::Invalid => {
                self.state = FRESH_HUNT;
                self.skip_held(1);
                true
            }
            HeaderCheck::Valid(len) => {
                let want = usize::from(len).saturating_sub(self.held.len());
                self.take_into_held(input, input_offset, want, frame);
                if self.held.len() < usize::from(len) {
                    return false;
                }
                out(StreamItem::Packet {
                    packet: parse_packet(&self.held),
                    first_frame: self.frame_at(self.held_offset),
                    frame,
                    ts,
                    offset: self.held_offset,
                });
                self.held_offset = self.held_offset.saturating_add(u64::from(len));
                self.clear_held();
                true
            }
        }
    }

    /// Hunting with a possible header start in `held` (fewer than 8
    /// bytes): tries each held position with enough of the push appended to
    /// decide. Returns false when the push ran out before a decision.
    fn hunt_in_held(
        &mut self,
        input: &mut &[u8],
        input_offset: &mut u64,
        frame: u64,
        out: &mut dyn FnMut(StreamItem<'_>),
    ) -> bool {
        // A strict check decides within 8 bytes, so 8 bytes of the push
        // after the held ones decide every held position.
        let peek_len = CONTROL_HEADER_LEN.min(input.len());
        let mut window = self.held.clone();
        window.extend_from_slice(input.get(..peek_len).unwrap_or(&[]));
        for at in 0..self.held.len() {
            match check_strict(window.get(at..).unwrap_or(&[])) {
                HeaderCheck::Invalid => continue,
                HeaderCheck::NeedMore => {
                    // Undecided even with the whole push: keep it all.
                    self.skip_held(at);
                    let rest = std::mem::take(input);
                    let offset = *input_offset;
                    *input_offset = input_offset.saturating_add(rest.len() as u64);
                    self.hold(rest, offset, frame);
                    return false;
                }
                HeaderCheck::Valid(_) => {
                    self.skip_held(at);
                    self.report_desync(out);
                    self.state = State::InStep;
                    return true;
                }
            }
        }
        let held = self.held.len();
        self.skip_held(held);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::mschapv2::tests::hex;
    use crate::sstp::http::{HeadProgress, RequestParser, ResponseParser};
    use crate::sstp::wire::{ControlMessage, Header, PacketBody};

    /// A packet decoded, owned so tests can keep it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Decoded {
        Data(Vec<u8>),
        Control(ControlMessage),
    }

    /// A [`StreamItem`] made owned.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Got {
        Packet {
            packet: Result<(Header, Decoded), WireError>,
            first_frame: u64,
            frame: u64,
            offset: u64,
        },
        Desync {
            frame: u64,
            offset: u64,
            skipped_bytes: u64,
        },
        Partial {
            first_frame: u64,
            frame: u64,
            offset: u64,
            have: u64,
            length: Option<u16>,
        },
    }

    fn ts(frame: u64) -> Timestamp {
        Timestamp::new(1_000 + frame as i64, 0)
    }

    fn own(item: StreamItem<'_>) -> Got {
        match item {
            StreamItem::Packet {
                packet,
                first_frame,
                frame,
                ts: t,
                offset,
            } => {
                assert_eq!(t, ts(frame));
                Got::Packet {
                    packet: packet.map(|p| {
                        let decoded = match p.body {
                            PacketBody::Data { ppp_frame } => Decoded::Data(ppp_frame.to_vec()),
                            PacketBody::Control(c) => Decoded::Control(c),
                        };
                        (p.header, decoded)
                    }),
                    first_frame,
                    frame,
                    offset,
                }
            }
            StreamItem::Desync {
                frame,
                offset,
                skipped_bytes,
            } => Got::Desync {
                frame,
                offset,
                skipped_bytes,
            },
            StreamItem::Partial {
                first_frame,
                frame,
                offset,
                have,
                length,
            } => Got::Partial {
                first_frame,
                frame,
                offset,
                have,
                length,
            },
        }
    }

    /// A data packet carrying `ppp` as its PPP frame.
    fn data(ppp: &[u8]) -> Vec<u8> {
        let len = u16::try_from(HEADER_LEN + ppp.len()).unwrap();
        let mut out = vec![0x10, 0x00];
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(ppp);
        out
    }

    /// A data packet whose PPP frame is `n` bytes of `fill`.
    fn data_n(fill: u8, n: usize) -> Vec<u8> {
        data(&vec![fill; n])
    }

    /// An attribute-free control packet (Echo Request is type 8).
    fn control(t: u8) -> Vec<u8> {
        vec![0x10, 0x01, 0x00, 0x08, 0x00, t, 0x00, 0x00]
    }

    fn run(stream: &mut SstpStream, pushes: &[(u64, &[u8])]) -> Vec<Got> {
        let mut items = Vec::new();
        for (frame, bytes) in pushes {
            stream.push(bytes, *frame, ts(*frame), &mut |i| items.push(own(i)));
        }
        items
    }

    fn gap(stream: &mut SstpStream, missing: u64, frame: u64) -> Vec<Got> {
        let mut items = Vec::new();
        stream.gap(missing, frame, &mut |i| items.push(own(i)));
        items
    }

    fn finish(stream: &mut SstpStream) -> Vec<Got> {
        let mut items = Vec::new();
        stream.finish(&mut |i| items.push(own(i)));
        items
    }

    /// (first_frame, frame, offset, PPP frame) of a decoded data packet.
    fn framed_data(item: &Got) -> (u64, u64, u64, Vec<u8>) {
        match item {
            Got::Packet {
                packet: Ok((_, Decoded::Data(ppp))),
                first_frame,
                frame,
                offset,
            } => (*first_frame, *frame, *offset, ppp.clone()),
            other => panic!("not a data packet: {other:?}"),
        }
    }

    /// (message type, first_frame, frame, offset) of a decoded control
    /// packet.
    fn framed_control(item: &Got) -> (u16, u64, u64, u64) {
        match item {
            Got::Packet {
                packet: Ok((_, Decoded::Control(c))),
                first_frame,
                frame,
                offset,
            } => (c.message_type.0, *first_frame, *frame, *offset),
            other => panic!("not a control packet: {other:?}"),
        }
    }

    #[test]
    fn header_recognition() {
        assert!(looks_like_sstp_packet(&data(&[0xff, 0x03])));
        assert!(looks_like_sstp_packet(&[0x10, 0x00, 0x00, 0x04]));
        assert!(!looks_like_sstp_packet(&[0x10, 0x00, 0x00, 0x03]));
        assert!(!looks_like_sstp_packet(&[0x10, 0x00, 0x00]));
        assert!(!looks_like_sstp_packet(&[]));
        assert!(!looks_like_sstp_packet(&[0x11, 0x00, 0x00, 0x04]));
        // Reserved bits rule a header out while hunting.
        assert!(!looks_like_sstp_packet(&[0x10, 0x02, 0x00, 0x04]));
        assert!(!looks_like_sstp_packet(&[0x10, 0x00, 0x10, 0x04]));
        // Control: type 1..=9, Num Attributes that fits.
        for t in 1..=9 {
            assert!(looks_like_sstp_packet(&control(t)), "type {t}");
        }
        assert!(!looks_like_sstp_packet(&control(0)));
        assert!(!looks_like_sstp_packet(&control(10)));
        assert!(!looks_like_sstp_packet(&[
            0x10, 0x01, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00
        ]));
        assert!(!looks_like_sstp_packet(&[
            0x10, 0x01, 0x00, 0x07, 0x00, 0x08, 0x00, 0x00
        ]));
        assert!(!looks_like_sstp_packet(&control(8)[..7]));
        let request = hex("10 01 00 0e 00 01 00 01 00 01 00 06 00 01");
        assert!(looks_like_sstp_packet(&request));
        let mut two = request.clone();
        two[7] = 2; // 2 attributes need 8 bytes, 6 are there
        assert!(!looks_like_sstp_packet(&two));
    }

    #[test]
    fn packets_whole_in_one_push_are_framed_without_buffering() {
        let mut bytes = hex("10 01 00 0e 00 01 00 01 00 01 00 06 00 01");
        bytes.extend(data(&[0xff, 0x03, 0xc0, 0x21]));
        bytes.extend(control(8));
        let mut s = SstpStream::new();
        let items = run(&mut s, &[(4, &bytes)]);
        assert_eq!(items.len(), 3);
        assert_eq!(framed_control(&items[0]), (1, 4, 4, 0));
        assert_eq!(framed_data(&items[1]), (4, 4, 14, vec![0xff, 0x03, 0xc0, 0x21]));
        assert_eq!(framed_control(&items[2]), (8, 4, 4, 22));
        assert_eq!(s.buffered(), 0);
        let Got::Packet {
            packet: Ok((header, _)),
            ..
        } = &items[1]
        else {
            panic!()
        };
        assert_eq!(
            *header,
            Header {
                version: 0x10,
                reserved: 0,
                control: false,
                length_reserved: 0,
                length: 8
            }
        );
    }

    #[test]
    fn one_packet_in_three_pushes() {
        let m = data_n(0xAA, 100);
        let mut s = SstpStream::new();
        // The first push splits the header itself.
        let items = run(&mut s, &[(10, &m[..3]), (11, &m[3..60])]);
        assert_eq!(items, []);
        assert_eq!(s.buffered(), 60);
        let items = run(&mut s, &[(12, &m[60..])]);
        assert_eq!(items.len(), 1);
        assert_eq!(framed_data(&items[0]), (10, 12, 0, vec![0xAA; 100]));
        assert_eq!(s.buffered(), 0);
    }

    #[test]
    fn packet_ending_at_a_push_boundary_and_next_one_split() {
        let a = data_n(1, 10);
        let b = data_n(2, 10);
        let mut first = a.clone();
        first.extend_from_slice(&b[..3]);
        let mut s = SstpStream::new();
        let items = run(&mut s, &[(1, &first), (2, &b[3..])]);
        assert_eq!(items.len(), 2);
        assert_eq!(framed_data(&items[0]), (1, 1, 0, vec![1; 10]));
        assert_eq!(framed_data(&items[1]), (1, 2, 14, vec![2; 10]));
    }

    #[test]
    fn garbage_between_packets_is_skipped_and_counted() {
        let mut bytes = data_n(1, 4);
        bytes.extend_from_slice(b"garbage");
        bytes.extend(data_n(2, 4));
        let mut s = SstpStream::new();
        let items = run(&mut s, &[(3, &bytes)]);
        assert_eq!(
            items[1..2],
            [Got::Desync {
                frame: 3,
                offset: 8,
                skipped_bytes: 7
            }]
        );
        assert_eq!(items.len(), 3);
        assert_eq!(framed_data(&items[0]), (3, 3, 0, vec![1; 4]));
        assert_eq!(framed_data(&items[2]), (3, 3, 15, vec![2; 4]));
    }

    #[test]
    fn resync_across_pushes_with_a_header_fragment_in_the_garbage() {
        // Garbage ends with what could start a control header (10 01 00 08
        // 00), which type 0x42 then rules out; the real header is split
        // over two pushes.
        let mut p1 = data_n(1, 4);
        p1.extend_from_slice(&[0xee; 20]);
        p1.extend_from_slice(&[0x10, 0x01, 0x00, 0x08, 0x00]);
        let b = control(9);
        let mut p2 = vec![0x42, 0x00, 0x00];
        p2.extend_from_slice(&b[..2]);
        let mut s = SstpStream::new();
        let items = run(&mut s, &[(1, &p1), (2, &p2), (3, &b[2..])]);
        assert_eq!(items.len(), 3);
        assert_eq!(framed_data(&items[0]), (1, 1, 0, vec![1; 4]));
        assert_eq!(
            items[1],
            Got::Desync {
                frame: 1,
                offset: 8,
                skipped_bytes: 25 + 3
            }
        );
        assert_eq!(framed_control(&items[2]), (9, 2, 3, 8 + 28));
    }

    #[test]
    fn in_step_is_lenient_hunting_is_strict() {
        // At a boundary, reserved bits and an unknown type still frame (the
        // decoder reports them); a wrong version does not.
        let mut odd = control(0x42);
        odd[1] = 0x81;
        let mut bytes = odd.clone();
        bytes.extend([0x20, 0x00, 0x00, 0x08, 0, 0, 0, 0]);
        bytes.extend(odd.clone());
        bytes.extend(control(8));
        let mut s = SstpStream::new();
        let items = run(&mut s, &[(1, &bytes)]);
        assert_eq!(items.len(), 3);
        assert_eq!(framed_control(&items[0]), (0x42, 1, 1, 0));
        // While hunting the odd header is skipped along with the garbage.
        assert_eq!(
            items[1],
            Got::Desync {
                frame: 1,
                offset: 8,
                skipped_bytes: 16
            }
        );
        assert_eq!(framed_control(&items[2]), (8, 1, 1, 24));
    }

    #[test]
    fn garbage_at_the_start_and_impossible_lengths() {
        // Length 3 and a control Length of 7 are not boundaries.
        let mut bytes = vec![0x10, 0x00, 0x00, 0x03];
        bytes.extend([0x10, 0x01, 0x00, 0x07, 0x00, 0x08, 0x00]);
        bytes.extend(data_n(5, 2));
        let mut s = SstpStream::new();
        let items = run(&mut s, &[(1, &bytes)]);
        assert_eq!(
            items,
            [
                Got::Desync {
                    frame: 1,
                    offset: 0,
                    skipped_bytes: 11
                },
                items[1].clone()
            ]
        );
        assert_eq!(framed_data(&items[1]), (1, 1, 11, vec![5; 2]));
    }

    #[test]
    fn a_control_length_below_its_header_is_framed_and_reported() {
        // In step, Length 6 with the C bit frames 6 bytes; decoding says
        // why it is not a control message; the next packet is still found.
        let mut bytes = vec![0x10, 0x01, 0x00, 0x06, 0x00, 0x08];
        bytes.extend(control(9));
        let mut s = SstpStream::new();
        let items = run(&mut s, &[(1, &bytes)]);
        assert_eq!(
            items[0],
            Got::Packet {
                packet: Err(WireError::LengthBelowHeader {
                    length: 6,
                    header_len: 8
                }),
                first_frame: 1,
                frame: 1,
                offset: 0
            }
        );
        assert_eq!(framed_control(&items[1]), (9, 1, 1, 6));
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn gap_inside_a_packet_drops_it_and_frames_the_next() {
        let a = data_n(1, 96);
        let b = control(8);
        let mut s = SstpStream::new();
        let mut items = run(&mut s, &[(1, &a[..50])]);
        items.extend(gap(&mut s, 20, 2));
        assert_eq!(
            items,
            [Got::Partial {
                first_frame: 1,
                frame: 2,
                offset: 0,
                have: 50,
                length: Some(100)
            }]
        );
        // The rest of the cut packet is skipped silently by its Length.
        let mut rest = a[70..].to_vec();
        rest.extend_from_slice(&b);
        items.extend(run(&mut s, &[(3, &rest)]));
        assert_eq!(items.len(), 2);
        assert_eq!(framed_control(&items[1]), (8, 3, 3, 100));
    }

    #[test]
    fn gap_running_past_the_packet_end_hunts_for_the_next_header() {
        let a = data_n(1, 96);
        let b = data_n(2, 16);
        let c = control(9);
        let mut s = SstpStream::new();
        let mut items = run(&mut s, &[(1, &a[..60])]);
        // The gap swallows the end of `a` and the first 6 bytes of `b`.
        items.extend(gap(&mut s, 40 + 6, 2));
        let mut after = b[6..].to_vec();
        after.extend_from_slice(&c);
        items.extend(run(&mut s, &[(3, &after)]));
        assert_eq!(
            items[..2],
            [
                Got::Partial {
                    first_frame: 1,
                    frame: 2,
                    offset: 0,
                    have: 60,
                    length: Some(100)
                },
                Got::Desync {
                    frame: 3,
                    offset: 106,
                    skipped_bytes: 14
                },
            ]
        );
        assert_eq!(items.len(), 3);
        assert_eq!(framed_control(&items[2]), (9, 3, 3, 120));
    }

    #[test]
    fn gap_at_a_boundary_and_inside_a_header() {
        // At a boundary: whatever follows may be a header at once.
        let mut s = SstpStream::new();
        let mut items = run(&mut s, &[(1, &control(8))]);
        items.extend(gap(&mut s, 100, 2));
        items.extend(run(&mut s, &[(3, &control(9))]));
        assert_eq!(items.len(), 2);
        assert_eq!(framed_control(&items[1]), (9, 3, 3, 108));

        // Inside a header: the Length is unknown, so hunt.
        let mut s = SstpStream::new();
        let mut items = run(&mut s, &[(1, &data_n(1, 8)[..2])]);
        items.extend(gap(&mut s, 3, 2));
        let mut after = data_n(1, 8)[5..].to_vec();
        after.extend(control(9));
        items.extend(run(&mut s, &[(3, &after)]));
        assert_eq!(
            items[..2],
            [
                Got::Partial {
                    first_frame: 1,
                    frame: 2,
                    offset: 0,
                    have: 2,
                    length: None
                },
                Got::Desync {
                    frame: 3,
                    offset: 5,
                    skipped_bytes: 7
                },
            ]
        );
        assert_eq!(items.len(), 3);
        assert_eq!(framed_control(&items[2]), (9, 3, 3, 12));
    }

    #[test]
    fn gap_while_hunting_reports_what_was_skipped_before_it() {
        let mut s = SstpStream::new();
        let mut items = run(&mut s, &[(1, b"xxxxxxxxxx\x10\x01")]);
        assert_eq!(items, []);
        assert_eq!(s.buffered(), 2);
        items.extend(gap(&mut s, 4, 2));
        items.extend(run(&mut s, &[(3, &control(8))]));
        assert_eq!(
            items[..1],
            [Got::Desync {
                frame: 1,
                offset: 0,
                skipped_bytes: 12
            }]
        );
        assert_eq!(items.len(), 2);
        assert_eq!(framed_control(&items[1]), (8, 3, 3, 16));
    }

    #[test]
    fn gap_in_skip_tail_and_exactly_at_the_packet_end() {
        let a = data_n(1, 96);
        // Gap ending exactly where the packet ends: in step again.
        let mut s = SstpStream::new();
        let mut items = run(&mut s, &[(1, &a[..30])]);
        items.extend(gap(&mut s, 70, 2));
        items.extend(run(&mut s, &[(3, &control(8))]));
        assert_eq!(items.len(), 2);
        assert_eq!(framed_control(&items[1]), (8, 3, 3, 100));
        // Two gaps inside one packet's tail.
        let mut s = SstpStream::new();
        let mut items = run(&mut s, &[(1, &a[..30])]);
        items.extend(gap(&mut s, 10, 2));
        items.extend(run(&mut s, &[(3, &a[40..60])]));
        items.extend(gap(&mut s, 40, 4));
        items.extend(run(&mut s, &[(5, &control(9))]));
        assert_eq!(items.len(), 2);
        assert_eq!(framed_control(&items[1]), (9, 5, 5, 100));
    }

    #[test]
    fn hunting_holds_little_however_much_garbage_arrives() {
        let mut s = SstpStream::new();
        let garbage = vec![0x41; 100_000];
        let mut items = run(&mut s, &[(1, &garbage)]);
        assert_eq!(s.buffered(), 0);
        items.extend(run(&mut s, &[(2, &garbage)]));
        assert_eq!(items, []);
        items.extend(finish(&mut s));
        assert_eq!(
            items,
            [Got::Desync {
                frame: 1,
                offset: 0,
                skipped_bytes: 200_000
            }]
        );
        // Garbage made of almost-headers keeps at most 7 bytes. (The first
        // byte puts the framer out of step; in step the lenient check would
        // frame the first almost-header.)
        let mut s = SstpStream::new();
        let mut sticky = vec![0xEE];
        for _ in 0..1000 {
            sticky.extend_from_slice(&[0x10, 0x01, 0x00, 0x08, 0x00, 0x0A]);
        }
        sticky.extend_from_slice(&[0x10, 0x01, 0x00, 0x08, 0x00]);
        assert_eq!(run(&mut s, &[(1, &sticky)]), []);
        assert_eq!(s.buffered(), 5);
    }

    #[test]
    fn a_large_push_of_packets_is_framed() {
        let mut bytes = Vec::new();
        for id in 0..1000u16 {
            bytes.extend(data(&id.to_be_bytes()));
        }
        let mut s = SstpStream::new();
        let items = run(&mut s, &[(1, &bytes)]);
        assert_eq!(items.len(), 1000);
        for (id, item) in (0u16..).zip(&items) {
            assert_eq!(
                framed_data(item),
                (1, 1, u64::from(id) * 6, id.to_be_bytes().to_vec())
            );
        }
        // The largest packet the Length can describe.
        let big = data_n(7, usize::from(crate::sstp::wire::MAX_PACKET_LEN) - HEADER_LEN);
        let mut s = SstpStream::new();
        let items = run(&mut s, &[(1, &big[..4000]), (2, &big[4000..])]);
        assert_eq!(items.len(), 1);
        assert_eq!(framed_data(&items[0]).3.len(), 4091);
        assert_eq!(s.buffered(), 0);
    }

    #[test]
    fn finish_reports_an_incomplete_packet() {
        let mut s = SstpStream::new();
        let m = data_n(3, 60);
        let mut items = run(&mut s, &[(1, &m[..20]), (2, &m[20..40])]);
        items.extend(finish(&mut s));
        assert_eq!(
            items,
            [Got::Partial {
                first_frame: 1,
                frame: 2,
                offset: 0,
                have: 40,
                length: Some(64)
            }]
        );
        assert_eq!(s.buffered(), 0);
        // The framer expects a boundary again afterwards.
        let items = run(&mut s, &[(3, &control(8))]);
        assert_eq!(framed_control(&items[0]), (8, 3, 3, 40));
    }

    #[test]
    fn offsets_can_count_from_the_start_of_the_connection() {
        let mut s = SstpStream::starting_at(200);
        let items = run(&mut s, &[(1, &control(8)), (2, &control(9))]);
        assert_eq!(framed_control(&items[0]), (8, 1, 1, 200));
        assert_eq!(framed_control(&items[1]), (9, 2, 2, 208));
    }

    #[test]
    fn every_split_of_a_stream_gives_the_same_items() {
        let mut bytes = hex("10 01 00 0e 00 01 00 01 00 01 00 06 00 01");
        bytes.extend(data_n(1, 30));
        bytes.extend_from_slice(b"junk!\x10\x01");
        bytes.extend(control(8));
        bytes.extend(data_n(2, 3));
        bytes.extend_from_slice(&[0x10, 0x00, 0x00]);
        let whole = {
            let mut s = SstpStream::new();
            let mut items = run(&mut s, &[(1, &bytes)]);
            items.extend(finish(&mut s));
            items
        };
        assert_eq!(whole.len(), 6);
        assert!(matches!(whole[2], Got::Desync { skipped_bytes: 7, .. }));
        assert!(matches!(
            whole[5],
            Got::Partial {
                have: 3,
                length: None,
                ..
            }
        ));
        for cut in 1..bytes.len() {
            for cut2 in cut..bytes.len() {
                let mut s = SstpStream::new();
                let mut items = run(
                    &mut s,
                    &[(1, &bytes[..cut]), (1, &bytes[cut..cut2]), (1, &bytes[cut2..])],
                );
                items.extend(finish(&mut s));
                assert_eq!(items, whole, "cuts at {cut}, {cut2}");
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_stay_bounded() {
        // A small deterministic generator: no dependency needed.
        let mut state = 0x1234_5678u32;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        for round in 0..200 {
            let mut s = SstpStream::new();
            for frame in 0..50u64 {
                let len = (next() % 300) as usize;
                let bytes: Vec<u8> = (0..len)
                    .map(|_| match next() % 4 {
                        0 => 0x10,
                        1 => 0x00,
                        2 => 0x01,
                        _ => next() as u8,
                    })
                    .collect();
                if next() % 17 == 0 {
                    s.gap(u64::from(next() % 5000), frame, &mut |_| {});
                }
                s.push(&bytes, frame, ts(frame), &mut |_| {});
                assert!(
                    s.buffered() <= usize::from(crate::sstp::wire::MAX_PACKET_LEN),
                    "round {round}"
                );
            }
            s.finish(&mut |_| {});
            assert_eq!(s.buffered(), 0);
        }
    }

    // Decrypted TLS records of ajbanjara_Wireshark__sstp2.pcap (MANIFEST
    // S1), read with tshark and the server's RSA key, in the order and
    // record boundaries the peers sent them: a Windows client splits each
    // record 1/n-1 (CBC), so every packet starts in a 1-byte record.
    /// Frame 125: the request (two records).
    const REAL_REQUEST: &str = "
        5354505f4455504c45585f504f5354202f7372615f7b42413139353938302d434434392d343538622d394532
        332d4338344545304144434437357d2f20485454502f312e310d0a53535450434f5252454c4154494f4e4944
        3a207b31393733304436302d393041302d343632332d384334342d3638384437363241414131367d0d0a436f
        6e74656e742d4c656e6774683a2031383434363734343037333730393535313631350d0a486f73743a207670
        6e2d7365727665722e70726f332e6c6f63616c0d0a0d0a";
    /// Frame 126: the response (one record).
    const REAL_RESPONSE: &str = "
        485454502f312e3120323030200d0a436f6e74656e742d4c656e6774683a2031383434363734343037333730
        393535313631350d0a5365727665723a204d6963726f736f66742d485454504150492f322e300d0a44617465
        3a205765642c203233204a616e20323031332030393a31303a343320474d540d0a0d0a";
    /// Frame 127: Call Connect Request after its 1-byte record.
    const REAL_CONNECT_REQUEST_TAIL: &str = "01000e00010001000100060001";
    /// Frame 128: Call Connect Ack (one record).
    const REAL_CONNECT_ACK: &str = "
        10010030000200010004002800000002443613bf516d761ea81079263b58c4bd5fe90c80577b99bf2afb30
        42153f0f3c";
    /// The next server record: two data packets (LCP Configure-Request and
    /// Configure-Ack) in one record.
    const REAL_SERVER_LCP: &str = "
        1000003cff03c0210100003401040ffb0304c22705063fc5781c070208020d03061104064e131701584a18
        2ffeb34ac0934bb876deab0f11000000001000001dff03c0210200001501040ffb05067b0c3ae707020802
        0d0306";
    /// Frame 148: Call Connected after its 1-byte record.
    const REAL_CALL_CONNECTED_TAIL: &str = "
        010070000400010003006800000002443613bf516d761ea81079263b58c4bd5fe90c80577b99bf2afb3042
        153f0f3c1ce419162d5bbae82487aabf8945dc8a05d582492c2f334c193436932e637c13febfa48947d0d3
        2d920243433a5ec61c36a7b25e7e0b4163485934cf982a6149";

    #[test]
    fn real_connection_head_then_packets() {
        // Client side: HTTP head in two records, then packets in 1 + n.
        let request = hex(REAL_REQUEST);
        let mut parser = RequestParser::new();
        let mut client = None;
        for part in [&b"S"[..], &request] {
            if let Ok(HeadProgress::Complete { head, rest_start }) = parser.push(part) {
                assert_eq!((head.head_len, rest_start), (200, part.len()));
                assert!(head.uri_ok && head.method_ok && head.content_length_ok);
                client = Some(SstpStream::starting_at(head.head_len as u64));
            }
        }
        let mut client = client.expect("request complete");
        let items = run(
            &mut client,
            &[
                (127, &[0x10]),
                (127, &hex(REAL_CONNECT_REQUEST_TAIL)),
                (148, &[0x10]),
                (148, &hex(REAL_CALL_CONNECTED_TAIL)),
            ],
        );
        assert_eq!(items.len(), 2);
        assert_eq!(framed_control(&items[0]), (1, 127, 127, 200));
        assert_eq!(framed_control(&items[1]), (4, 148, 148, 214));
        let Got::Packet {
            packet: Ok((_, Decoded::Control(connected))),
            ..
        } = &items[1]
        else {
            panic!()
        };

        // Server side: the response record, the Ack, two data packets in
        // one record.
        let response = hex(REAL_RESPONSE);
        let Ok(HeadProgress::Complete { head, rest_start }) = ResponseParser::new().push(&response) else {
            panic!("response incomplete");
        };
        assert_eq!((head.status_code, head.head_len, rest_start), (200, 123, 123));
        let mut server = SstpStream::starting_at(head.head_len as u64);
        let items = run(
            &mut server,
            &[(128, &hex(REAL_CONNECT_ACK)), (131, &hex(REAL_SERVER_LCP))],
        );
        assert_eq!(items.len(), 3);
        assert_eq!(framed_control(&items[0]), (2, 128, 128, 123));
        let (first, last, offset, lcp) = framed_data(&items[1]);
        assert_eq!((first, last, offset, lcp.len()), (131, 131, 171, 56));
        assert_eq!(lcp[..6], [0xff, 0x03, 0xc0, 0x21, 0x01, 0x00]);
        let (_, _, offset, ack) = framed_data(&items[2]);
        assert_eq!((offset, ack.len()), (231, 25));
        assert_eq!(ack[..6], [0xff, 0x03, 0xc0, 0x21, 0x02, 0x00]);
        let Got::Packet {
            packet: Ok((_, Decoded::Control(ack))),
            ..
        } = &items[0]
        else {
            panic!()
        };
        // The nonce the server sent is the one the client echoed.
        assert_eq!(
            ack.crypto_binding_request().map(|r| r.nonce),
            connected.crypto_binding().map(|b| b.nonce)
        );
        assert!(finish(&mut server).is_empty());
        assert!(finish(&mut client).is_empty());
    }
}
