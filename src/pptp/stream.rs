//! Framing PPTP control messages out of a reassembled TCP byte stream
//! (RFC 2637 §1.3: messages travel as a byte stream and are delimited by
//! their Length field).
//!
//! One [`PptpStream`] per direction of a control connection. It cuts whole
//! messages out of the bytes TCP delivers, however they were segmented, and
//! hands each to [`parse_message`]. When the bytes at a message boundary are
//! not a plausible header (wrong magic cookie, impossible length) or bytes
//! were lost, it hunts for the next position where a header with the magic
//! cookie starts, reports how much it skipped and carries on. The RFC would
//! close the connection on such a desync; an analyzer wants to keep reading.
//!
//! Memory stays bounded: at most one partial message (never longer than
//! [`MAX_MESSAGE_LEN`]) plus one input chunk is held.

use std::collections::VecDeque;

use super::wire::{
    parse_message, Message, WireError, CONTROL_MESSAGE, HEADER_LEN, MAGIC_COOKIE, MANAGEMENT_MESSAGE,
};
use crate::capture::Timestamp;

/// Largest Length accepted as a message boundary. The longest RFC 2637
/// message (Incoming-Call-Request) is 220 bytes; the margin admits padded or
/// extended messages, which the decoder flags, while a larger value is taken
/// as a sign of desync.
pub const MAX_MESSAGE_LEN: u16 = 1024;

/// Verdict on the bytes at a supposed message boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeaderCheck {
    /// A plausible header of a message of this Length.
    Valid(u16),
    /// Some byte already rules out a header here.
    Invalid,
    /// Everything present fits, but a full header is not there yet.
    NeedMore,
}

fn be16(buf: &[u8], at: usize) -> Option<u16> {
    let bytes: [u8; 2] = buf.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(u16::from_be_bytes(bytes))
}

/// Checks the fields of the common header that are present in `buf`:
/// Length within `HEADER_LEN..=MAX_MESSAGE_LEN`, PPTP Message Type 1 or 2,
/// and the magic cookie (compared byte by byte, so a partial cookie at the
/// end of `buf` can already be ruled out).
fn check_header(buf: &[u8]) -> HeaderCheck {
    let length = be16(buf, 0);
    if let Some(len) = length {
        if usize::from(len) < HEADER_LEN || len > MAX_MESSAGE_LEN {
            return HeaderCheck::Invalid;
        }
    }
    if let Some(t) = be16(buf, 2) {
        if t != CONTROL_MESSAGE && t != MANAGEMENT_MESSAGE {
            return HeaderCheck::Invalid;
        }
    }
    let cookie = MAGIC_COOKIE.to_be_bytes();
    let cookie_ok = buf
        .iter()
        .skip(4)
        .zip(cookie.iter())
        .all(|(got, want)| got == want);
    if !cookie_ok {
        return HeaderCheck::Invalid;
    }
    match length {
        Some(len) if buf.len() >= HEADER_LEN => HeaderCheck::Valid(len),
        _ => HeaderCheck::NeedMore,
    }
}

/// True when `buf` starts with a plausible PPTP control message header
/// (RFC 2637 §2): at least 12 bytes, Length from 12 to [`MAX_MESSAGE_LEN`],
/// PPTP Message Type 1 (or the undefined 2) and Magic Cookie 0x1A2B3C4D.
///
/// Used to recognise PPTP on any TCP port by its structure. The magic cookie
/// is decisive: text that happens to sit on port 1723 (for example HTTP,
/// whose "/ HT" reads as cookie 0x2f204854) is never PPTP.
pub fn looks_like_pptp(buf: &[u8]) -> bool {
    matches!(check_header(buf), HeaderCheck::Valid(_))
}

/// What the framer found in the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamItem {
    /// One whole message, decoded (or the reason it could not be).
    Message {
        msg: Result<Message, WireError>,
        /// Frame holding the message's first byte.
        first_frame: u64,
        /// Frame holding its last byte (Wireshark's frame for a reassembled
        /// PDU).
        frame: u64,
        /// Timestamp of `frame`.
        ts: Timestamp,
        /// Stream offset of the first byte (0 = first byte of this
        /// direction; lost bytes count).
        offset: u64,
    },
    /// Bytes at a message boundary were not a valid header; this many were
    /// skipped before a header was found again (or the stream ended).
    Desync {
        /// Frame holding the first skipped byte.
        frame: u64,
        /// Stream offset of the first skipped byte.
        offset: u64,
        skipped_bytes: u64,
    },
    /// A message cut short by lost bytes or by the end of the stream; its
    /// bytes were dropped.
    Partial {
        /// Frame holding the message's first byte.
        first_frame: u64,
        /// Frame where the message was abandoned: the frame of the gap, or at
        /// the end of the stream the frame holding its last byte.
        frame: u64,
        /// Stream offset of the first byte.
        offset: u64,
        /// Bytes of the message that were seen.
        have: u64,
        /// Its Length field, when the whole header was seen.
        length: Option<u16>,
    },
}

/// Where a pushed chunk of bytes starts in the stream, and which frame
/// carried it.
#[derive(Debug, Clone, Copy)]
struct Span {
    offset: u64,
    frame: u64,
    ts: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// `buf` starts at a message boundary.
    InStep,
    /// Dropping the rest of a message that lost bytes to a gap; the next
    /// boundary follows it.
    SkipTail { remaining: u64 },
    /// Looking for the next header; `skipped` bytes discarded so far, the
    /// first of them at `offset` in `frame`.
    Hunting { skipped: u64, frame: u64, offset: u64 },
}

/// The framer for one direction of a PPTP control connection.
#[derive(Debug, Clone)]
pub struct PptpStream {
    /// A partial message (in step) or the tail that might start a header
    /// (hunting).
    buf: Vec<u8>,
    /// Stream offset of `buf[0]`.
    buf_offset: u64,
    /// Origins of the bytes in `buf`, oldest first; the first may start
    /// before `buf_offset`.
    spans: VecDeque<Span>,
    /// Stream offset of the next byte to arrive.
    next_offset: u64,
    state: State,
}

impl Default for PptpStream {
    fn default() -> Self {
        Self::new()
    }
}

impl PptpStream {
    /// A framer that expects a message boundary at the first byte.
    pub fn new() -> Self {
        PptpStream {
            buf: Vec::new(),
            buf_offset: 0,
            spans: VecDeque::new(),
            next_offset: 0,
            state: State::InStep,
        }
    }

    /// Bytes currently held (a partial message or a possible header start).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Feeds in-order stream bytes carried by `frame`. Every message
    /// completed by them, and every desync resolved, is passed to `out` in
    /// stream order.
    pub fn push(&mut self, bytes: &[u8], frame: u64, ts: Timestamp, out: &mut dyn FnMut(StreamItem)) {
        if bytes.is_empty() {
            return;
        }
        self.spans.push_back(Span {
            offset: self.next_offset,
            frame,
            ts,
        });
        // Bounded chunks keep the buffer small whatever TCP hands over.
        for chunk in bytes.chunks(usize::from(MAX_MESSAGE_LEN)) {
            self.buf.extend_from_slice(chunk);
            self.next_offset = self.next_offset.saturating_add(chunk.len() as u64);
            self.drain(out);
        }
    }

    /// `missing` bytes were lost before the next bytes to be pushed
    /// (noticed in `frame`). A message they cut is dropped (reported as
    /// [`StreamItem::Partial`]); when its Length says where the next message
    /// starts framing resumes there, otherwise the framer hunts for the next
    /// header.
    pub fn gap(&mut self, missing: u64, frame: u64, out: &mut dyn FnMut(StreamItem)) {
        self.state = match self.state {
            State::InStep => match (self.buf.is_empty(), check_header(&self.buf)) {
                (true, _) => Self::fresh_hunt(),
                (false, HeaderCheck::Valid(len)) => {
                    let have = self.buf.len() as u64;
                    out(self.partial(frame, Some(len)));
                    let rest = u64::from(len).saturating_sub(have);
                    match rest.checked_sub(missing) {
                        Some(0) => State::InStep,
                        Some(remaining) => State::SkipTail { remaining },
                        None => Self::fresh_hunt(),
                    }
                }
                (false, _) => {
                    out(self.partial(frame, None));
                    Self::fresh_hunt()
                }
            },
            State::SkipTail { remaining } => match remaining.checked_sub(missing) {
                Some(0) => State::InStep,
                Some(remaining) => State::SkipTail { remaining },
                None => Self::fresh_hunt(),
            },
            State::Hunting { .. } => {
                // The held bytes cannot join up with what follows the gap.
                let held = self.buf.len();
                self.skip(held);
                self.report_desync(out);
                Self::fresh_hunt()
            }
        };
        self.buf.clear();
        self.spans.clear();
        self.next_offset = self.next_offset.saturating_add(missing);
        self.buf_offset = self.next_offset;
    }

    /// End of the stream: reports a message left incomplete and bytes still
    /// being skipped, then resets.
    pub fn finish(&mut self, out: &mut dyn FnMut(StreamItem)) {
        match self.state {
            State::InStep if !self.buf.is_empty() => {
                let length = match check_header(&self.buf) {
                    HeaderCheck::Valid(len) => Some(len),
                    _ => None,
                };
                let last = self.span_at(self.next_offset.saturating_sub(1));
                out(self.partial(last.frame, length));
            }
            State::Hunting { .. } => {
                let held = self.buf.len();
                self.skip(held);
                self.report_desync(out);
            }
            _ => {}
        }
        self.buf.clear();
        self.spans.clear();
        self.buf_offset = self.next_offset;
        self.state = State::InStep;
    }

    fn fresh_hunt() -> State {
        State::Hunting {
            skipped: 0,
            frame: 0,
            offset: 0,
        }
    }

    /// The span holding stream offset `offset` (the newest one starting at
    /// or before it). Only asked for offsets of held bytes, so a span
    /// exists; the fallback keeps the function total.
    fn span_at(&self, offset: u64) -> Span {
        self.spans
            .iter()
            .rev()
            .find(|s| s.offset <= offset)
            .or(self.spans.front())
            .copied()
            .unwrap_or(Span {
                offset,
                frame: 0,
                ts: Timestamp::default(),
            })
    }

    fn partial(&self, frame: u64, length: Option<u16>) -> StreamItem {
        StreamItem::Partial {
            first_frame: self.span_at(self.buf_offset).frame,
            frame,
            offset: self.buf_offset,
            have: self.buf.len() as u64,
            length,
        }
    }

    /// Drops `n` bytes from the front of `buf`.
    fn consume(&mut self, n: usize) {
        let n = n.min(self.buf.len());
        self.buf.drain(..n);
        self.buf_offset = self.buf_offset.saturating_add(n as u64);
        // The newest span stays even when `buf` empties: the rest of the
        // current push still comes from it.
        while self
            .spans
            .get(1)
            .is_some_and(|next| next.offset <= self.buf_offset)
        {
            self.spans.pop_front();
        }
    }

    /// Discards `n` bytes while hunting, remembering where skipping began.
    fn skip(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        if let State::Hunting {
            skipped,
            frame,
            offset,
        } = self.state
        {
            let (frame, offset) = if skipped == 0 {
                (self.span_at(self.buf_offset).frame, self.buf_offset)
            } else {
                (frame, offset)
            };
            self.state = State::Hunting {
                skipped: skipped.saturating_add(n as u64),
                frame,
                offset,
            };
        }
        self.consume(n);
    }

    fn report_desync(&mut self, out: &mut dyn FnMut(StreamItem)) {
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

    /// Emits everything the held bytes allow.
    fn drain(&mut self, out: &mut dyn FnMut(StreamItem)) {
        loop {
            match self.state {
                State::SkipTail { remaining } => {
                    let n = usize::try_from(remaining)
                        .unwrap_or(usize::MAX)
                        .min(self.buf.len());
                    self.consume(n);
                    let remaining = remaining.saturating_sub(n as u64);
                    if remaining > 0 {
                        self.state = State::SkipTail { remaining };
                        return;
                    }
                    self.state = State::InStep;
                }
                State::InStep => match check_header(&self.buf) {
                    HeaderCheck::NeedMore => return,
                    HeaderCheck::Invalid => {
                        self.state = Self::fresh_hunt();
                        self.skip(1);
                    }
                    HeaderCheck::Valid(len) => {
                        let len = usize::from(len);
                        let Some(bytes) = self.buf.get(..len) else {
                            return;
                        };
                        let msg = parse_message(bytes);
                        let first = self.span_at(self.buf_offset);
                        let last = self.span_at(self.buf_offset.saturating_add(len as u64 - 1));
                        out(StreamItem::Message {
                            msg,
                            first_frame: first.frame,
                            frame: last.frame,
                            ts: last.ts,
                            offset: self.buf_offset,
                        });
                        self.consume(len);
                    }
                },
                State::Hunting { .. } => {
                    let found = (0..self.buf.len()).find_map(|p| {
                        let check = check_header(self.buf.get(p..).unwrap_or_default());
                        (check != HeaderCheck::Invalid).then_some((p, check))
                    });
                    match found {
                        None => {
                            let all = self.buf.len();
                            self.skip(all);
                            return;
                        }
                        Some((p, check)) => {
                            self.skip(p);
                            if check == HeaderCheck::NeedMore {
                                return;
                            }
                            self.report_desync(out);
                            self.state = State::InStep;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pptp::codes::ControlMessageType;
    use crate::pptp::wire::Body;

    /// A well-formed message of type `t` with `body_len` zero bytes of body.
    fn message(t: u16, body_len: usize) -> Vec<u8> {
        let len = u16::try_from(HEADER_LEN + body_len).unwrap();
        let mut out = Vec::new();
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&1u16.to_be_bytes());
        out.extend_from_slice(&MAGIC_COOKIE.to_be_bytes());
        out.extend_from_slice(&t.to_be_bytes());
        out.extend_from_slice(&[0, 0]);
        out.resize(usize::from(len), 0);
        out
    }

    fn sccrq() -> Vec<u8> {
        let mut m = message(1, 144);
        m[12] = 1; // Protocol Version 1.0
        m
    }

    /// Echo-Request with an identifier, so messages can be told apart.
    fn echo(id: u32) -> Vec<u8> {
        let mut m = message(5, 4);
        m[12..16].copy_from_slice(&id.to_be_bytes());
        m
    }

    fn ts(frame: u64) -> Timestamp {
        Timestamp::new(1_000 + frame as i64, 0)
    }

    /// Pushes each (frame, bytes) and collects what comes out.
    fn run(stream: &mut PptpStream, pushes: &[(u64, &[u8])]) -> Vec<StreamItem> {
        let mut items = Vec::new();
        for (frame, bytes) in pushes {
            stream.push(bytes, *frame, ts(*frame), &mut |i| items.push(i));
        }
        items
    }

    /// (type, first_frame, frame, offset) of a decoded message item.
    fn framed(item: &StreamItem) -> (u16, u64, u64, u64) {
        match item {
            StreamItem::Message {
                msg: Ok(m),
                first_frame,
                frame,
                ts: t,
                offset,
            } => {
                assert_eq!(*t, ts(*frame));
                (m.header.control_message_type.0, *first_frame, *frame, *offset)
            }
            other => panic!("not a decoded message: {other:?}"),
        }
    }

    fn echo_id(item: &StreamItem) -> u32 {
        match item {
            StreamItem::Message {
                msg:
                    Ok(Message {
                        body: Body::EchoRequest(e),
                        ..
                    }),
                ..
            } => e.identifier,
            other => panic!("not an Echo-Request: {other:?}"),
        }
    }

    #[test]
    fn header_recognition() {
        let m = sccrq();
        assert!(looks_like_pptp(&m));
        assert!(looks_like_pptp(&m[..12]));
        assert!(!looks_like_pptp(&m[..11]));
        assert!(!looks_like_pptp(&[]));
        // Management type is accepted, anything else is not.
        let mut t = m.clone();
        t[3] = 2;
        assert!(looks_like_pptp(&t));
        t[3] = 3;
        assert!(!looks_like_pptp(&t));
        t[3] = 0;
        assert!(!looks_like_pptp(&t));
        // Length bounds.
        let mut l = m.clone();
        l[0..2].copy_from_slice(&11u16.to_be_bytes());
        assert!(!looks_like_pptp(&l));
        l[0..2].copy_from_slice(&12u16.to_be_bytes());
        assert!(looks_like_pptp(&l));
        l[0..2].copy_from_slice(&MAX_MESSAGE_LEN.to_be_bytes());
        assert!(looks_like_pptp(&l));
        l[0..2].copy_from_slice(&(MAX_MESSAGE_LEN + 1).to_be_bytes());
        assert!(!looks_like_pptp(&l));
        // A cookie off by one bit.
        let mut c = m.clone();
        c[7] ^= 1;
        assert!(!looks_like_pptp(&c));
    }

    #[test]
    fn http_on_port_1723_is_not_pptp() {
        // The two data segments of the PROTOS HTTP connection that used
        // source port 1723.
        assert!(!looks_like_pptp(b"GET / HTTP/1.0\r\nUser-Agent: Wget/1.5.3\r\n"));
        assert!(!looks_like_pptp(b"HTTP/1.1 200 OK\r\nServer: Bugbear/020\r\n"));
        // Even with a plausible Length and type, cookie "/ HT" rules it out.
        let mut fake = b"\x00\x10\x00\x01/ HT\x00\x05\x00\x00".to_vec();
        assert!(!looks_like_pptp(&fake));
        fake[4..8].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
        assert!(looks_like_pptp(&fake));
    }

    #[test]
    fn three_messages_in_one_push() {
        let mut bytes = sccrq();
        bytes.extend(echo(7));
        bytes.extend(message(12, 4));
        let mut s = PptpStream::new();
        let items = run(&mut s, &[(4, &bytes)]);
        assert_eq!(items.len(), 3);
        assert_eq!(framed(&items[0]), (1, 4, 4, 0));
        assert_eq!(framed(&items[1]), (5, 4, 4, 156));
        assert_eq!(echo_id(&items[1]), 7);
        assert_eq!(framed(&items[2]), (12, 4, 4, 172));
        assert_eq!(s.buffered(), 0);
    }

    #[test]
    fn one_message_in_three_pushes() {
        let m = sccrq();
        let mut s = PptpStream::new();
        // The first push splits the header itself.
        let items = run(&mut s, &[(10, &m[..5]), (11, &m[5..100])]);
        assert_eq!(items, []);
        assert_eq!(s.buffered(), 100);
        let items = run(&mut s, &[(12, &m[100..])]);
        assert_eq!(items.len(), 1);
        assert_eq!(framed(&items[0]), (1, 10, 12, 0));
        let StreamItem::Message { msg: Ok(msg), .. } = &items[0] else {
            panic!("not decoded");
        };
        assert_eq!(msg.header.control_message_type, ControlMessageType(1));
        assert_eq!(msg.anomalies, []);
        assert_eq!(s.buffered(), 0);
    }

    #[test]
    fn message_ending_exactly_at_a_push_boundary_and_next_one_split() {
        let a = echo(1);
        let b = echo(2);
        let mut first = a.clone();
        first.extend_from_slice(&b[..3]);
        let mut s = PptpStream::new();
        let items = run(&mut s, &[(1, &first), (2, &b[3..])]);
        assert_eq!(items.len(), 2);
        assert_eq!(framed(&items[0]), (5, 1, 1, 0));
        assert_eq!(framed(&items[1]), (5, 1, 2, 16));
        assert_eq!(echo_id(&items[1]), 2);
    }

    #[test]
    fn garbage_between_messages_is_skipped_and_counted() {
        let mut bytes = echo(1);
        bytes.extend_from_slice(b"garbage");
        bytes.extend(echo(2));
        let mut s = PptpStream::new();
        let items = run(&mut s, &[(3, &bytes)]);
        assert_eq!(items.len(), 3);
        assert_eq!(echo_id(&items[0]), 1);
        assert_eq!(
            items[1],
            StreamItem::Desync {
                frame: 3,
                offset: 16,
                skipped_bytes: 7
            }
        );
        assert_eq!(framed(&items[2]), (5, 3, 3, 23));
        assert_eq!(echo_id(&items[2]), 2);
    }

    #[test]
    fn resync_across_pushes_with_a_cookie_fragment_in_the_garbage() {
        // Garbage ends with the start of a cookie, then the real header is
        // itself split over two pushes.
        let mut garbage = vec![0xee; 20];
        garbage.extend_from_slice(&[0x00, 0x10, 0x00, 0x01, 0x1a, 0x2b, 0x3c]);
        let b = echo(9);
        let mut p1 = echo(1);
        p1.extend_from_slice(&garbage);
        let mut p2 = vec![0x55; 5];
        p2.extend_from_slice(&b[..6]);
        let mut s = PptpStream::new();
        let items = run(&mut s, &[(1, &p1), (2, &p2), (3, &b[6..])]);
        assert_eq!(items.len(), 3);
        assert_eq!(echo_id(&items[0]), 1);
        assert_eq!(
            items[1],
            StreamItem::Desync {
                frame: 1,
                offset: 16,
                skipped_bytes: 27 + 5
            }
        );
        assert_eq!(framed(&items[2]), (5, 2, 3, 16 + 32));
        assert_eq!(echo_id(&items[2]), 9);
    }

    #[test]
    fn garbage_at_the_start_and_impossible_lengths() {
        // Length 11 and Length 2000 with a good cookie are not boundaries.
        let mut bad = echo(0);
        bad[0..2].copy_from_slice(&11u16.to_be_bytes());
        let mut huge = echo(0);
        huge[0..2].copy_from_slice(&2000u16.to_be_bytes());
        let mut bytes = bad;
        bytes.extend(huge);
        bytes.extend(echo(5));
        let mut s = PptpStream::new();
        let items = run(&mut s, &[(1, &bytes)]);
        assert_eq!(
            items[0],
            StreamItem::Desync {
                frame: 1,
                offset: 0,
                skipped_bytes: 32
            }
        );
        assert_eq!(framed(&items[1]), (5, 1, 1, 32));
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn gap_inside_a_message_drops_it_and_frames_the_next() {
        let a = sccrq();
        let b = echo(3);
        let mut s = PptpStream::new();
        let mut items = run(&mut s, &[(1, &a[..50])]);
        s.gap(20, 2, &mut |i| items.push(i));
        assert_eq!(
            items,
            [StreamItem::Partial {
                first_frame: 1,
                frame: 2,
                offset: 0,
                have: 50,
                length: Some(156)
            }]
        );
        // The rest of the cut message is skipped silently by its Length.
        let mut rest = a[70..].to_vec();
        rest.extend_from_slice(&b);
        items.extend(run(&mut s, &[(3, &rest)]));
        assert_eq!(items.len(), 2);
        assert_eq!(framed(&items[1]), (5, 3, 3, 156));
        assert_eq!(echo_id(&items[1]), 3);
    }

    #[test]
    fn gap_running_past_the_message_end_hunts_for_the_next_header() {
        let a = sccrq();
        let b = echo(4);
        let c = echo(5);
        let mut s = PptpStream::new();
        let mut items = run(&mut s, &[(1, &a[..100])]);
        // The gap swallows the end of `a` and the first 10 bytes of `b`.
        s.gap(56 + 10, 2, &mut |i| items.push(i));
        let mut after = b[10..].to_vec();
        after.extend_from_slice(&c);
        items.extend(run(&mut s, &[(3, &after)]));
        assert_eq!(items.len(), 3);
        assert_eq!(
            items[0],
            StreamItem::Partial {
                first_frame: 1,
                frame: 2,
                offset: 0,
                have: 100,
                length: Some(156)
            }
        );
        assert_eq!(
            items[1],
            StreamItem::Desync {
                frame: 3,
                offset: 166,
                skipped_bytes: 6
            }
        );
        assert_eq!(framed(&items[2]), (5, 3, 3, 172));
        assert_eq!(echo_id(&items[2]), 5);
    }

    #[test]
    fn gap_at_a_boundary_and_inside_a_header() {
        // At a boundary: whatever follows may be a header at once.
        let mut s = PptpStream::new();
        let mut items = run(&mut s, &[(1, &echo(1))]);
        s.gap(100, 2, &mut |i| items.push(i));
        items.extend(run(&mut s, &[(3, &echo(2))]));
        assert_eq!(items.len(), 2);
        assert_eq!(framed(&items[1]), (5, 3, 3, 116));

        // Inside a header: the Length is unknown, so hunt.
        let mut s = PptpStream::new();
        let mut items = run(&mut s, &[(1, &echo(1)[..5])]);
        s.gap(3, 2, &mut |i| items.push(i));
        let mut after = echo(1)[8..].to_vec();
        after.extend(echo(6));
        items.extend(run(&mut s, &[(3, &after)]));
        assert_eq!(
            items,
            [
                StreamItem::Partial {
                    first_frame: 1,
                    frame: 2,
                    offset: 0,
                    have: 5,
                    length: None
                },
                StreamItem::Desync {
                    frame: 3,
                    offset: 8,
                    skipped_bytes: 8
                },
                items[2].clone(),
            ]
        );
        assert_eq!(framed(&items[2]), (5, 3, 3, 16));
        assert_eq!(echo_id(&items[2]), 6);
    }

    #[test]
    fn gap_while_hunting_reports_what_was_skipped_before_it() {
        let mut s = PptpStream::new();
        let mut items = run(&mut s, &[(1, b"xxxxxxxxxx\x00\x10")]);
        assert_eq!(items, []);
        s.gap(4, 2, &mut |i| items.push(i));
        items.extend(run(&mut s, &[(3, &echo(8))]));
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0],
            StreamItem::Desync {
                frame: 1,
                offset: 0,
                skipped_bytes: 12
            }
        );
        assert_eq!(framed(&items[1]), (5, 3, 3, 16));
    }

    #[test]
    fn hunting_holds_little_however_much_garbage_arrives() {
        let mut s = PptpStream::new();
        let garbage = vec![0x41; 100_000];
        let mut items = run(&mut s, &[(1, &garbage)]);
        assert!(s.buffered() < HEADER_LEN);
        items.extend(run(&mut s, &[(2, &garbage)]));
        assert!(s.buffered() < HEADER_LEN);
        assert_eq!(items, []);
        s.finish(&mut |i| items.push(i));
        assert_eq!(
            items,
            [StreamItem::Desync {
                frame: 1,
                offset: 0,
                skipped_bytes: 200_000
            }]
        );
        assert_eq!(s.buffered(), 0);
    }

    #[test]
    fn a_large_push_of_messages_is_framed_in_bounded_chunks() {
        let mut bytes = Vec::new();
        for id in 0..1000u32 {
            bytes.extend(echo(id));
        }
        let mut s = PptpStream::new();
        let items = run(&mut s, &[(1, &bytes)]);
        assert_eq!(items.len(), 1000);
        for (id, item) in (0u32..).zip(&items) {
            assert_eq!(echo_id(item), id);
            assert_eq!(framed(item), (5, 1, 1, u64::from(id) * 16));
        }
    }

    #[test]
    fn finish_reports_an_incomplete_message() {
        let mut s = PptpStream::new();
        let m = sccrq();
        let mut items = run(&mut s, &[(1, &m[..20]), (2, &m[20..40])]);
        s.finish(&mut |i| items.push(i));
        assert_eq!(
            items,
            [StreamItem::Partial {
                first_frame: 1,
                frame: 2,
                offset: 0,
                have: 40,
                length: Some(156)
            }]
        );
        assert_eq!(s.buffered(), 0);
    }

    #[test]
    fn a_length_below_the_layout_is_framed_and_reported_as_error() {
        // An SCCRQ whose Length says 16: framed by Length, decode fails,
        // the next message is still found.
        let mut short = message(1, 4);
        short[12] = 1;
        let mut bytes = short;
        bytes.extend(echo(2));
        let mut s = PptpStream::new();
        let items = run(&mut s, &[(1, &bytes)]);
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0],
            StreamItem::Message {
                msg: Err(WireError::TooShort {
                    control_message_type: ControlMessageType(1),
                    needed: 156,
                    got: 16
                }),
                first_frame: 1,
                frame: 1,
                ts: ts(1),
                offset: 0
            }
        );
        assert_eq!(echo_id(&items[1]), 2);
    }

    #[test]
    fn every_split_of_a_stream_gives_the_same_messages() {
        let mut bytes = sccrq();
        bytes.extend(echo(1));
        bytes.extend_from_slice(b"junk!");
        bytes.extend(echo(2));
        let whole = run(&mut PptpStream::new(), &[(1, &bytes)]);
        assert_eq!(whole.len(), 4);
        for cut in 1..bytes.len() {
            let items = run(&mut PptpStream::new(), &[(1, &bytes[..cut]), (1, &bytes[cut..])]);
            assert_eq!(items, whole, "cut at {cut}");
        }
    }

    /// TCP payloads of one capture on port 1723, per direction in order,
    /// with retransmitted bytes removed by sequence number.
    fn tcp_payloads(path: &str) -> Option<Vec<(bool, u64, Vec<u8>)>> {
        use etherparse::{SlicedPacket, TransportSlice};
        use pcap_parser::traits::PcapReaderIterator;
        use pcap_parser::{LegacyPcapReader, PcapBlockOwned, PcapError};

        let file = std::fs::File::open(path).ok()?;
        let mut reader = LegacyPcapReader::new(65536, file).ok()?;
        let mut frame = 0u64;
        let mut next_seq: [Option<u32>; 2] = [None, None];
        let mut out = Vec::new();
        loop {
            match reader.next() {
                Ok((consumed, block)) => {
                    if let PcapBlockOwned::Legacy(b) = block {
                        frame += 1;
                        let transport = SlicedPacket::from_ethernet(b.data).ok().and_then(|p| p.transport);
                        if let Some(TransportSlice::Tcp(tcp)) = transport {
                            let to_server = tcp.destination_port() == 1723;
                            let dir = usize::from(!to_server);
                            let payload = tcp.payload();
                            let seq = tcp.sequence_number();
                            let expected = next_seq[dir].unwrap_or(seq);
                            let skip = expected.wrapping_sub(seq) as usize;
                            if !payload.is_empty() && skip < payload.len() {
                                out.push((to_server, frame, payload[skip..].to_vec()));
                                next_seq[dir] = Some(seq.wrapping_add(payload.len() as u32));
                            }
                        }
                    }
                    reader.consume(consumed);
                }
                Err(PcapError::Eof) => break,
                Err(PcapError::Incomplete(_)) => reader.refill().unwrap(),
                Err(e) => panic!("{e:?}"),
            }
        }
        Some(out)
    }

    #[test]
    fn real_control_connection_decodes_cleanly() {
        // pptp-linux client to a Microsoft server (MANIFEST P3).
        let Some(payloads) = tcp_payloads("../shared/captures/ntop_nDPI__pptp.pcap") else {
            return;
        };
        let mut streams = [PptpStream::new(), PptpStream::new()];
        let mut seen = Vec::new();
        for (to_server, frame, bytes) in &payloads {
            assert!(looks_like_pptp(bytes), "frame {frame}");
            let s = &mut streams[usize::from(!to_server)];
            s.push(bytes, *frame, Timestamp::default(), &mut |item| {
                let StreamItem::Message {
                    msg: Ok(m), frame, ..
                } = item
                else {
                    panic!("{item:?}");
                };
                let codes: Vec<_> = m.anomalies.iter().map(|a| a.code()).collect();
                seen.push((frame, *to_server, m.body.summary(), codes));
            });
        }
        for s in &mut streams {
            s.finish(&mut |item| panic!("{item:?}"));
        }
        let reserved: &[&str] = &["reserved_non_zero"];
        assert_eq!(
            seen,
            [
                (
                    4,
                    true,
                    r#"host "local" vendor "cananian" ver 1.0"#.into(),
                    vec![]
                ),
                (
                    6,
                    false,
                    r#"result 1 Channel Established host "" vendor "Microsoft" ver 1.0"#.into(),
                    vec![]
                ),
                (8, true, "call 0 serial 0 window 3".into(), vec![]),
                (10, false, "call 11755 peer 0 result 1 Connected".into(), vec![]),
                // The Microsoft server fills Set-Link-Info Reserved1.
                (
                    12,
                    false,
                    "peer 0 send-accm 0x00000000 recv-accm 0xffffffff".into(),
                    reserved.to_vec()
                ),
                (
                    14,
                    false,
                    "peer 0 send-accm 0xffffffff recv-accm 0xffffffff".into(),
                    reserved.to_vec()
                ),
                (16, true, "call 0".into(), vec![]),
                (23, false, "call 0 result 0".into(), vec![]),
            ]
        );
    }
}
