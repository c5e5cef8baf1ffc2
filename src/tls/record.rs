//! Framing TLS records out of one direction of a reassembled TCP byte
//! stream (RFC 5246 §6.2, RFC 8446 §5.1).
//!
//! A record is a 5-byte header (ContentType, ProtocolVersion, length)
//! followed by `length` bytes of fragment. [`RecordStream`] cuts whole
//! records out of whatever segments TCP delivers: a record may span many
//! pushes, one push may hold many records. Each record comes out with the
//! frames that carried its first and last byte (Wireshark shows a record
//! spanning segments in the frame of its last byte).
//!
//! The first bytes of a client direction may instead be an SSL 2.0
//! compatible CLIENT-HELLO (RFC 5246 Appendix E.2, RFC 6101 Appendix E),
//! which old clients sent to reach SSL 3.0 / TLS 1.0 servers; it is
//! recognised and reported as one item.
//!
//! Records carry no magic number, so a stream can only be framed from a
//! known boundary. When bytes are lost ([`RecordStream::gap`]):
//! * inside a record whose header was seen, framing resumes exactly at the
//!   next record (the cut record is reported as [`RecordItem::Partial`]);
//! * otherwise the boundary is unknown and framing stops
//!   ([`RecordItem::FramingLost`]); the bytes that follow are only
//!   counted. It resumes ([`RecordItem::Resync`]) only at the start of a
//!   later push whose first bytes are a header of the same record version
//!   as the records before the loss, with a plausible header following it
//!   when that is within the push too. A mid-record segment of ciphertext
//!   passes that test with a probability near 2^-24.
//!
//! The same happens when the bytes at a boundary are not a record header
//! (the stream was not TLS, or it desynchronised). A consumer must treat
//! the handshake of a direction that lost bytes as unusable: the records
//! after the loss are counted, not understood.
//!
//! Memory stays bounded: at most one partial record (header plus
//! [`MAX_FRAGMENT_LEN`] bytes) is held.

use crate::capture::Timestamp;
use crate::tls::codes::{CipherSuite, ContentType, ProtocolVersion};

/// Length of the record header: type(1) version(2) length(2).
pub const HEADER_LEN: usize = 5;

/// Largest fragment accepted: TLSCiphertext may carry 2^14 + 2048 bytes
/// (RFC 5246 §6.2.3); TLS 1.3 allows less (2^14 + 256, RFC 8446 §5.2).
pub const MAX_FRAGMENT_LEN: usize = (1 << 14) + 2048;

/// Shortest SSL 2.0 CLIENT-HELLO body: type, version and three lengths.
const SSL2_HELLO_FIXED: usize = 9;

/// One TLS record, as it travelled (ciphertext when protected).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    /// ContentType from the header (for TLS 1.3 protected records the
    /// outer type, always application_data).
    pub content_type: ContentType,
    /// The record-layer version from the header (RFC 8446 §5.1: legacy,
    /// 0x0303 for TLS 1.3).
    pub version: ProtocolVersion,
    /// The fragment: `length` bytes after the header.
    pub fragment: &'a [u8],
    /// Frame holding the record's first byte.
    pub first_frame: u64,
    /// Frame holding its last byte.
    pub frame: u64,
    /// Timestamp of `frame`.
    pub ts: Timestamp,
    /// Stream offset of the header's first byte (0 = first byte of the
    /// direction; lost bytes count).
    pub offset: u64,
}

impl Record<'_> {
    /// The 5-byte header as sent: the additional data of AEAD record
    /// protection in TLS 1.3 (RFC 8446 §5.2) and part of it before
    /// (RFC 5246 §6.2.3.3).
    pub fn header(&self) -> [u8; HEADER_LEN] {
        let v = self.version.0.to_be_bytes();
        let len = u16::try_from(self.fragment.len())
            .unwrap_or(u16::MAX)
            .to_be_bytes();
        [self.content_type.0, v[0], v[1], len[0], len[1]]
    }
}

/// An SSL 2.0 compatible CLIENT-HELLO (RFC 5246 Appendix E.2): a 2-byte
/// record header with the high bit set, then msg_type 1, version,
/// cipher_spec_length, session_id_length, challenge_length and the three
/// fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sslv2ClientHello {
    /// The highest version the client supports (0x0300 or later for a
    /// TLS-capable client).
    pub version: ProtocolVersion,
    /// Number of 3-byte cipher specs offered.
    pub cipher_specs: u16,
    /// The specs whose first byte is 0: TLS cipher suites.
    pub cipher_suites: Vec<CipherSuite>,
    /// Length of the session id (0 for a new session).
    pub session_id_len: u16,
    /// The challenge: the client random, right-aligned (see
    /// [`Self::client_random`]).
    pub challenge: Vec<u8>,
    /// Frame holding the first byte.
    pub first_frame: u64,
    /// Frame holding the last byte.
    pub frame: u64,
    pub ts: Timestamp,
    /// Stream offset of the first byte.
    pub offset: u64,
    /// Bytes of the whole message including its 2-byte header (what the
    /// Finished hash covers).
    pub len: usize,
}

impl Sslv2ClientHello {
    /// ClientHello.random as the server uses it: the challenge
    /// right-aligned in 32 bytes, zero-padded on the left (RFC 5246
    /// Appendix E.2).
    pub fn client_random(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        let n = self.challenge.len().min(32);
        let tail = self.challenge.get(self.challenge.len() - n..).unwrap_or(&[]);
        if let Some(dst) = out.get_mut(32 - n..) {
            dst.copy_from_slice(tail);
        }
        out
    }
}

/// Why framing stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LostCause {
    /// Bytes were lost where the next record boundary was not known.
    Gap { missing: u64 },
    /// The bytes at a record boundary are not a record header: these are
    /// the first of them (up to 5).
    BadHeader { bytes: Vec<u8> },
}

/// What the framer found in the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordItem<'a> {
    /// One whole record.
    Record(Record<'a>),
    /// An SSL 2.0 compatible CLIENT-HELLO at the start of the stream.
    Sslv2ClientHello(Sslv2ClientHello),
    /// A record cut by lost bytes or by the end of the stream; its bytes
    /// were dropped.
    Partial {
        /// Frame holding its first byte.
        first_frame: u64,
        /// Frame where it was abandoned: the frame of the gap, or at the
        /// end of the stream the frame holding its last byte.
        frame: u64,
        /// Stream offset of its first byte.
        offset: u64,
        /// Bytes of it that were seen (header included).
        have: u64,
        /// Its fragment length, when the whole header was seen.
        length: Option<usize>,
    },
    /// Framing stopped at `offset` (noticed in `frame`): the bytes that
    /// follow are counted, not framed.
    FramingLost {
        frame: u64,
        offset: u64,
        cause: LostCause,
    },
    /// Framing resumed at a header found at the start of the push in
    /// `frame`, after `skipped_bytes` unframed bytes.
    Resync {
        frame: u64,
        offset: u64,
        skipped_bytes: u64,
    },
}

/// Counters of one direction's framer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordStats {
    /// Whole records framed.
    pub records: u64,
    /// SSL 2.0 compatible CLIENT-HELLOs.
    pub sslv2_client_hellos: u64,
    /// Records cut by lost bytes or by the end of the stream.
    pub partial_records: u64,
    /// Bytes seen while framing was lost (not framed).
    pub unframed_bytes: u64,
    /// Times framing stopped.
    pub framing_lost: u64,
    /// Times framing resumed.
    pub resyncs: u64,
}

/// What the bytes at a supposed record boundary are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Boundary {
    /// Too few bytes to tell.
    NeedMore,
    /// A TLS record header; the whole record is this many bytes.
    Record(usize),
    /// An SSL 2.0 CLIENT-HELLO of this many bytes (header included).
    Sslv2(usize),
    /// Not a record header.
    Invalid,
}

fn be16(buf: &[u8], at: usize) -> Option<u16> {
    let b: [u8; 2] = buf.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(u16::from_be_bytes(b))
}

/// Classifies the bytes at a record boundary. `sslv2` allows an SSL 2.0
/// CLIENT-HELLO (only at the very start of a direction).
fn classify(buf: &[u8], sslv2: bool) -> Boundary {
    let Some(&first) = buf.first() else {
        return Boundary::NeedMore;
    };
    if sslv2 && first & 0x80 != 0 {
        return classify_sslv2(buf);
    }
    if !(20..=24).contains(&first) {
        return Boundary::Invalid;
    }
    if let Some(&major) = buf.get(1) {
        if major != 3 {
            return Boundary::Invalid;
        }
    }
    if let Some(&minor) = buf.get(2) {
        if minor > 4 {
            return Boundary::Invalid;
        }
    }
    match be16(buf, 3) {
        None => Boundary::NeedMore,
        Some(len) if usize::from(len) > MAX_FRAGMENT_LEN => Boundary::Invalid,
        Some(len) => Boundary::Record(HEADER_LEN + usize::from(len)),
    }
}

/// An SSL 2.0 CLIENT-HELLO with a 2-byte header (RFC 6101 Appendix E.1):
/// msg_type 1, a version SSL 2.0 or SSL 3.0 to TLS 1.3, and the three
/// lengths adding up to the record length with whole 3-byte cipher specs.
fn classify_sslv2(buf: &[u8]) -> Boundary {
    if buf.len() < 2 + SSL2_HELLO_FIXED {
        // Rule out what can already be ruled out.
        if buf.get(2).is_some_and(|&t| t != 1) {
            return Boundary::Invalid;
        }
        return Boundary::NeedMore;
    }
    let (Some(len), Some(&msg_type), Some(version), Some(specs), Some(sid), Some(challenge)) = (
        be16(buf, 0),
        buf.get(2),
        be16(buf, 3),
        be16(buf, 5),
        be16(buf, 7),
        be16(buf, 9),
    ) else {
        return Boundary::NeedMore;
    };
    let len = usize::from(len & 0x7fff);
    let version_ok = version == 0x0002 || ProtocolVersion(version).is_record_version();
    let body = SSL2_HELLO_FIXED + usize::from(specs) + usize::from(sid) + usize::from(challenge);
    if msg_type != 1
        || !version_ok
        || specs == 0
        || specs % 3 != 0
        || body != len
        || len > MAX_FRAGMENT_LEN
        || !(16..=32).contains(&challenge)
    {
        return Boundary::Invalid;
    }
    Boundary::Sslv2(2 + len)
}

/// Decodes an SSL 2.0 CLIENT-HELLO already validated by [`classify_sslv2`].
fn parse_sslv2(msg: &[u8], first_frame: u64, frame: u64, ts: Timestamp, offset: u64) -> Sslv2ClientHello {
    let specs_len = usize::from(be16(msg, 5).unwrap_or(0));
    let sid_len = be16(msg, 7).unwrap_or(0);
    let challenge_len = usize::from(be16(msg, 9).unwrap_or(0));
    let specs_start = 2 + SSL2_HELLO_FIXED;
    let specs = msg.get(specs_start..specs_start + specs_len).unwrap_or(&[]);
    let cipher_suites = specs
        .chunks_exact(3)
        .filter(|c| c.first() == Some(&0))
        .filter_map(|c| be16(c, 1).map(CipherSuite))
        .collect();
    let challenge_start = specs_start + specs_len + usize::from(sid_len);
    let challenge = msg
        .get(challenge_start..challenge_start + challenge_len)
        .unwrap_or(&[])
        .to_vec();
    Sslv2ClientHello {
        version: ProtocolVersion(be16(msg, 3).unwrap_or(0)),
        cipher_specs: u16::try_from(specs_len / 3).unwrap_or(u16::MAX),
        cipher_suites,
        session_id_len: sid_len,
        challenge,
        first_frame,
        frame,
        ts,
        offset,
        len: msg.len(),
    }
}

/// True when `buf` starts like a TLS connection's first client flight: a
/// handshake record (type 22, version 3.0–3.4, length at most
/// [`MAX_FRAGMENT_LEN`]) whose first handshake message is a ClientHello
/// (type 1) of a plausible length and version, or an SSL 2.0 compatible
/// CLIENT-HELLO. Needs at least the record header and the handshake type
/// (6 bytes); the fields after those are checked when present.
///
/// Used to recognise TLS on any TCP port.
pub fn looks_like_tls(buf: &[u8]) -> bool {
    match classify(buf, true) {
        Boundary::Sslv2(_) => true,
        Boundary::Record(total) => {
            let record_len = total - HEADER_LEN;
            if buf.first() != Some(&22) || buf.get(5) != Some(&1) || record_len < 4 {
                return false;
            }
            // Handshake length: ClientHello needs version, random, session
            // id, one suite and one compression method (41 bytes).
            if let Some(b) = buf.get(6..9) {
                let len = b.iter().fold(0usize, |acc, &x| acc << 8 | usize::from(x));
                if !(41..=0xffff).contains(&len) {
                    return false;
                }
            }
            match buf.get(9) {
                Some(&major) => major == 3,
                None => true,
            }
        }
        _ => false,
    }
}

/// True when `buf` starts with a TLS application_data record header
/// (type 23, version TLS 1.0–1.2 on the record layer, a length no record
/// exceeds): how a TLS connection looks when the capture began after its
/// handshake. Only for connections whose TCP handshake was not captured
/// either; with a SYN seen, TLS must start with a ClientHello.
pub fn looks_like_tls_midstream(buf: &[u8]) -> bool {
    match (buf.first(), buf.get(1), buf.get(2), be16(buf, 3)) {
        (Some(&23), Some(&3), Some(&minor), Some(len)) => {
            (1..=3).contains(&minor) && len > 0 && usize::from(len) <= MAX_FRAGMENT_LEN
        }
        _ => false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// `buf` starts at a record boundary.
    InStep,
    /// Dropping the rest of a record that lost bytes; the next boundary
    /// follows it.
    SkipTail { remaining: u64 },
    /// No boundary known; `skipped` bytes counted since.
    Lost { skipped: u64 },
}

/// The framer for one direction of a TLS connection.
#[derive(Debug, Clone)]
pub struct RecordStream {
    /// A partial record (header included), never longer than
    /// `HEADER_LEN + MAX_FRAGMENT_LEN`.
    buf: Vec<u8>,
    /// Frame holding `buf[0]`.
    buf_first_frame: u64,
    /// Stream offset of `buf[0]`.
    buf_offset: u64,
    /// Stream offset of the next byte to arrive.
    next_offset: u64,
    /// Frame and time of the last push.
    last: (u64, Timestamp),
    state: State,
    /// Record version of the last record framed (for resynchronisation).
    last_version: Option<ProtocolVersion>,
    stats: RecordStats,
}

impl Default for RecordStream {
    fn default() -> Self {
        Self::new()
    }
}

impl RecordStream {
    /// A framer that expects a record boundary at the first byte.
    pub fn new() -> Self {
        RecordStream {
            buf: Vec::new(),
            buf_first_frame: 0,
            buf_offset: 0,
            next_offset: 0,
            last: (0, Timestamp::default()),
            state: State::InStep,
            last_version: None,
            stats: RecordStats::default(),
        }
    }

    /// Bytes currently held (a partial record).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The counters so far.
    pub fn stats(&self) -> RecordStats {
        self.stats
    }

    /// True while framing is lost (after a gap at an unknown boundary or a
    /// bad header, until a resync).
    pub fn is_lost(&self) -> bool {
        matches!(self.state, State::Lost { .. })
    }

    /// Feeds in-order stream bytes carried by `frame`. Every record
    /// completed by them is passed to `out` in stream order.
    pub fn push(&mut self, bytes: &[u8], frame: u64, ts: Timestamp, out: &mut dyn FnMut(RecordItem<'_>)) {
        if bytes.is_empty() {
            return;
        }
        self.last = (frame, ts);
        let mut rest = bytes;
        let mut at_push_start = true;
        while !rest.is_empty() {
            match self.state {
                State::Lost { skipped } => {
                    if at_push_start && self.resync_possible(rest) {
                        self.stats.resyncs += 1;
                        out(RecordItem::Resync {
                            frame,
                            offset: self.next_offset,
                            skipped_bytes: skipped,
                        });
                        self.state = State::InStep;
                        continue;
                    }
                    let n = rest.len() as u64;
                    self.stats.unframed_bytes = self.stats.unframed_bytes.saturating_add(n);
                    self.state = State::Lost {
                        skipped: skipped.saturating_add(n),
                    };
                    self.next_offset = self.next_offset.saturating_add(n);
                    rest = &[];
                }
                State::SkipTail { remaining } => {
                    let n = usize::try_from(remaining).unwrap_or(usize::MAX).min(rest.len());
                    rest = rest.get(n..).unwrap_or(&[]);
                    self.next_offset = self.next_offset.saturating_add(n as u64);
                    let remaining = remaining - n as u64;
                    self.state = if remaining == 0 {
                        State::InStep
                    } else {
                        State::SkipTail { remaining }
                    };
                }
                State::InStep if self.buf.is_empty() => {
                    rest = self.frame_direct(rest, frame, ts, out);
                }
                State::InStep => {
                    rest = self.fill_buffer(rest, frame, ts, out);
                }
            }
            at_push_start = false;
        }
    }

    /// Frames records straight out of `rest` (nothing buffered); returns
    /// what is left after the last whole record, which is then buffered or
    /// counted.
    fn frame_direct<'a>(
        &mut self,
        rest: &'a [u8],
        frame: u64,
        ts: Timestamp,
        out: &mut dyn FnMut(RecordItem<'_>),
    ) -> &'a [u8] {
        let offset = self.next_offset;
        match classify(rest, offset == 0) {
            Boundary::Record(total) if total <= rest.len() => {
                let (record, after) = rest.split_at(total);
                self.next_offset = offset.saturating_add(total as u64);
                self.emit_record(record, frame, frame, ts, offset, out);
                after
            }
            Boundary::Sslv2(total) if total <= rest.len() => {
                let (msg, after) = rest.split_at(total);
                self.next_offset = offset.saturating_add(total as u64);
                self.stats.sslv2_client_hellos += 1;
                out(RecordItem::Sslv2ClientHello(parse_sslv2(
                    msg, frame, frame, ts, offset,
                )));
                after
            }
            Boundary::Invalid => {
                self.lose_on_bad_header(rest, frame, offset, out);
                rest
            }
            _ => {
                // A record starts here but does not end in this push.
                self.buf.extend_from_slice(rest);
                self.buf_first_frame = frame;
                self.buf_offset = offset;
                self.next_offset = offset.saturating_add(rest.len() as u64);
                &[]
            }
        }
    }

    /// Adds bytes of `rest` to the partial record in `buf`, emitting it when
    /// complete; returns the unused part of `rest`.
    fn fill_buffer<'a>(
        &mut self,
        rest: &'a [u8],
        frame: u64,
        ts: Timestamp,
        out: &mut dyn FnMut(RecordItem<'_>),
    ) -> &'a [u8] {
        let sslv2 = self.buf_offset == 0;
        let need = match classify(&self.buf, sslv2) {
            // The header bytes present were valid, so the check completes
            // once all of them are here; SSL 2.0 needs its fixed fields.
            Boundary::NeedMore if self.buf.first().is_some_and(|b| b & 0x80 != 0) && sslv2 => {
                (2 + SSL2_HELLO_FIXED).saturating_sub(self.buf.len())
            }
            Boundary::NeedMore => HEADER_LEN.saturating_sub(self.buf.len()),
            Boundary::Record(total) | Boundary::Sslv2(total) => total.saturating_sub(self.buf.len()),
            Boundary::Invalid => 0,
        };
        let n = need.min(rest.len());
        let (taken, after) = rest.split_at(n);
        self.buf.extend_from_slice(taken);
        self.next_offset = self.next_offset.saturating_add(n as u64);
        match classify(&self.buf, sslv2) {
            Boundary::Record(total) if total == self.buf.len() => {
                let buf = std::mem::take(&mut self.buf);
                self.emit_record(&buf, self.buf_first_frame, frame, ts, self.buf_offset, out);
                self.buf = buf;
                self.buf.clear();
            }
            Boundary::Sslv2(total) if total == self.buf.len() => {
                self.stats.sslv2_client_hellos += 1;
                out(RecordItem::Sslv2ClientHello(parse_sslv2(
                    &self.buf,
                    self.buf_first_frame,
                    frame,
                    ts,
                    self.buf_offset,
                )));
                self.buf.clear();
            }
            Boundary::Invalid => {
                // The held bytes were not a header after all: count them as
                // unframed together with the rest of this push.
                let held = std::mem::take(&mut self.buf);
                let (first_frame, offset) = (self.buf_first_frame, self.buf_offset);
                self.lose_on_bad_header(&held, first_frame, offset, out);
                if let State::Lost { skipped } = self.state {
                    let n = held.len() as u64;
                    self.stats.unframed_bytes = self.stats.unframed_bytes.saturating_add(n);
                    self.state = State::Lost {
                        skipped: skipped.saturating_add(n),
                    };
                }
            }
            _ => {}
        }
        after
    }

    fn emit_record(
        &mut self,
        record: &[u8],
        first_frame: u64,
        frame: u64,
        ts: Timestamp,
        offset: u64,
        out: &mut dyn FnMut(RecordItem<'_>),
    ) {
        let (Some(&content_type), Some(version), Some(fragment)) =
            (record.first(), be16(record, 1), record.get(HEADER_LEN..))
        else {
            return;
        };
        let version = ProtocolVersion(version);
        self.stats.records += 1;
        self.last_version = Some(version);
        out(RecordItem::Record(Record {
            content_type: ContentType(content_type),
            version,
            fragment,
            first_frame,
            frame,
            ts,
            offset,
        }));
    }

    fn lose_on_bad_header(
        &mut self,
        bytes: &[u8],
        frame: u64,
        offset: u64,
        out: &mut dyn FnMut(RecordItem<'_>),
    ) {
        self.stats.framing_lost += 1;
        self.state = State::Lost { skipped: 0 };
        out(RecordItem::FramingLost {
            frame,
            offset,
            cause: LostCause::BadHeader {
                bytes: bytes.get(..HEADER_LEN).unwrap_or(bytes).to_vec(),
            },
        });
    }

    /// Whether `rest` (the start of a push while framing is lost) begins
    /// with a record header of the version seen before, followed by
    /// another plausible header where the push holds one.
    fn resync_possible(&self, rest: &[u8]) -> bool {
        let Some(version) = self.last_version else {
            return false;
        };
        let header_ok = |b: &[u8]| -> Option<usize> {
            let t = *b.first()?;
            if !(20..=23).contains(&t) || be16(b, 1)? != version.0 {
                return None;
            }
            let len = usize::from(be16(b, 3)?);
            (len <= MAX_FRAGMENT_LEN).then_some(HEADER_LEN + len)
        };
        let Some(total) = header_ok(rest) else {
            return false;
        };
        match rest.get(total..) {
            Some(next) if next.len() >= HEADER_LEN => header_ok(next).is_some(),
            Some(next) => matches!(classify(next, false), Boundary::NeedMore),
            None => true,
        }
    }

    /// `missing` bytes were lost before the next bytes to be pushed
    /// (noticed in `frame`). A record they cut is dropped
    /// ([`RecordItem::Partial`]); when its header says where the next
    /// record starts framing resumes there, otherwise framing stops
    /// ([`RecordItem::FramingLost`]).
    pub fn gap(&mut self, missing: u64, frame: u64, out: &mut dyn FnMut(RecordItem<'_>)) {
        if missing == 0 {
            return;
        }
        let gap_offset = self.next_offset;
        let state = self.state;
        let lost = |s: &mut Self, out: &mut dyn FnMut(RecordItem<'_>)| {
            s.stats.framing_lost += 1;
            out(RecordItem::FramingLost {
                frame,
                offset: gap_offset,
                cause: LostCause::Gap { missing },
            });
            State::Lost { skipped: 0 }
        };
        self.state = match state {
            State::InStep if self.buf.is_empty() => lost(self, out),
            State::InStep => {
                let have = self.buf.len() as u64;
                let total = match classify(&self.buf, self.buf_offset == 0) {
                    Boundary::Record(total) | Boundary::Sslv2(total) => Some(total as u64),
                    _ => None,
                };
                let header = if self.buf.first().is_some_and(|b| b & 0x80 != 0) {
                    2
                } else {
                    HEADER_LEN as u64
                };
                self.stats.partial_records += 1;
                out(RecordItem::Partial {
                    first_frame: self.buf_first_frame,
                    frame,
                    offset: self.buf_offset,
                    have,
                    length: total.map(|t| (t - header) as usize),
                });
                match total.map(|t| t.saturating_sub(have).checked_sub(missing)) {
                    Some(Some(0)) => State::InStep,
                    Some(Some(remaining)) => State::SkipTail { remaining },
                    _ => lost(self, out),
                }
            }
            State::SkipTail { remaining } => match remaining.checked_sub(missing) {
                Some(0) => State::InStep,
                Some(remaining) => State::SkipTail { remaining },
                None => lost(self, out),
            },
            State::Lost { skipped } => State::Lost { skipped },
        };
        self.buf.clear();
        self.next_offset = self.next_offset.saturating_add(missing);
    }

    /// End of the stream: reports a record left incomplete, then resets
    /// the buffer (counters stay).
    pub fn finish(&mut self, out: &mut dyn FnMut(RecordItem<'_>)) {
        if self.state == State::InStep && !self.buf.is_empty() {
            let total = match classify(&self.buf, self.buf_offset == 0) {
                Boundary::Record(total) => Some(total - HEADER_LEN),
                Boundary::Sslv2(total) => Some(total - 2),
                _ => None,
            };
            self.stats.partial_records += 1;
            out(RecordItem::Partial {
                first_frame: self.buf_first_frame,
                frame: self.last.0,
                offset: self.buf_offset,
                have: self.buf.len() as u64,
                length: total,
            });
        }
        self.buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record of type `t`, version 0x0303, with `body`.
    fn record(t: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![t, 3, 3];
        out.extend_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
        out.extend_from_slice(body);
        out
    }

    fn ts(frame: u64) -> Timestamp {
        Timestamp::new(1_000 + frame as i64, 0)
    }

    /// What came out, in an owned form: (type, fragment, first_frame,
    /// frame, offset) for records, the item otherwise.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Seen {
        Rec(u8, Vec<u8>, u64, u64, u64),
        Other(String),
    }

    fn run(stream: &mut RecordStream, pushes: &[(u64, &[u8])]) -> Vec<Seen> {
        let mut seen = Vec::new();
        for (frame, bytes) in pushes {
            stream.push(bytes, *frame, ts(*frame), &mut |i| seen.push(owned(i)));
        }
        seen
    }

    fn owned(item: RecordItem<'_>) -> Seen {
        match item {
            RecordItem::Record(r) => {
                assert_eq!(r.ts, ts(r.frame));
                assert_eq!(r.version, ProtocolVersion::TLS_1_2);
                Seen::Rec(
                    r.content_type.0,
                    r.fragment.to_vec(),
                    r.first_frame,
                    r.frame,
                    r.offset,
                )
            }
            other => Seen::Other(format!("{other:?}")),
        }
    }

    #[test]
    fn several_records_in_one_push_and_one_record_over_three() {
        let a = record(22, b"hello");
        let b = record(23, &[7u8; 40]);
        let mut bytes = a.clone();
        bytes.extend_from_slice(&b);
        let mut s = RecordStream::new();
        let seen = run(&mut s, &[(1, &bytes)]);
        assert_eq!(
            seen,
            [
                Seen::Rec(22, b"hello".to_vec(), 1, 1, 0),
                Seen::Rec(23, vec![7u8; 40], 1, 1, 10),
            ]
        );
        // Split inside the header, then inside the body.
        let seen = run(&mut s, &[(2, &b[..3]), (3, &b[3..20]), (4, &b[20..])]);
        assert_eq!(seen, [Seen::Rec(23, vec![7u8; 40], 2, 4, 55)]);
        assert_eq!(s.buffered(), 0);
        assert_eq!(
            s.stats(),
            RecordStats {
                records: 3,
                ..RecordStats::default()
            }
        );
    }

    #[test]
    fn every_split_of_a_stream_gives_the_same_records() {
        let mut bytes = record(22, &[1u8; 30]);
        bytes.extend(record(20, &[1]));
        bytes.extend(record(23, &[]));
        bytes.extend(record(21, &[2, 40]));
        let whole = run(&mut RecordStream::new(), &[(1, &bytes)]);
        assert_eq!(whole.len(), 4);
        for cut in 1..bytes.len() {
            let seen = run(
                &mut RecordStream::new(),
                &[(1, &bytes[..cut]), (1, &bytes[cut..])],
            );
            assert_eq!(seen, whole, "cut at {cut}");
        }
        // Byte by byte.
        let mut s = RecordStream::new();
        let pushes: Vec<(u64, &[u8])> = bytes.chunks(1).map(|c| (1, c)).collect();
        assert_eq!(run(&mut s, &pushes), whole);
    }

    #[test]
    fn frames_of_first_and_last_byte() {
        let a = record(23, &[5u8; 100]);
        let mut p1 = record(23, &[1]);
        p1.extend_from_slice(&a[..50]);
        let mut s = RecordStream::new();
        let seen = run(&mut s, &[(7, &p1), (8, &a[50..90]), (9, &a[90..])]);
        assert_eq!(
            seen,
            [
                Seen::Rec(23, vec![1], 7, 7, 0),
                Seen::Rec(23, vec![5u8; 100], 7, 9, 6)
            ]
        );
    }

    #[test]
    fn maximum_length_and_one_more() {
        let max = record(23, &vec![0u8; MAX_FRAGMENT_LEN]);
        let mut s = RecordStream::new();
        let seen = run(&mut s, &[(1, &max)]);
        assert_eq!(seen.len(), 1);
        // 18433 bytes is not a record length: framing stops.
        let mut over = vec![23u8, 3, 3];
        over.extend_from_slice(&u16::try_from(MAX_FRAGMENT_LEN + 1).unwrap().to_be_bytes());
        over.extend_from_slice(&[0u8; 10]);
        let mut s = RecordStream::new();
        let mut items = Vec::new();
        s.push(&over, 1, ts(1), &mut |i| items.push(format!("{i:?}")));
        assert_eq!(
            items,
            [format!(
                "{:?}",
                RecordItem::FramingLost {
                    frame: 1,
                    offset: 0,
                    cause: LostCause::BadHeader {
                        bytes: over[..5].to_vec()
                    }
                }
            )]
        );
        assert!(s.is_lost());
        assert_eq!(s.stats().unframed_bytes, 15);
        assert_eq!(s.stats().framing_lost, 1);
    }

    #[test]
    fn bad_headers_stop_framing_and_bytes_are_counted() {
        for bad in [
            &[19u8, 3, 3, 0, 1, 0][..],
            &[25, 3, 3, 0, 1, 0],
            &[22, 2, 3, 0, 1, 0],
            &[22, 3, 5, 0, 1, 0],
            b"GET / HTTP/1.1\r\n",
        ] {
            let mut s = RecordStream::new();
            let mut ok = record(23, &[1, 2]);
            ok.extend_from_slice(bad);
            let seen = run(&mut s, &[(1, &ok), (2, &record(23, &[3]))]);
            assert_eq!(seen.len(), 4, "{bad:?}");
            assert_eq!(seen[0], Seen::Rec(23, vec![1, 2], 1, 1, 0));
            assert_eq!(
                seen[1],
                Seen::Other(format!(
                    "{:?}",
                    RecordItem::FramingLost {
                        frame: 1,
                        offset: 7,
                        cause: LostCause::BadHeader {
                            bytes: bad[..5].to_vec()
                        }
                    }
                ))
            );
            // The next push starts with a good header of the same version
            // and nothing after it: framing resumes there.
            let n = bad.len() as u64;
            assert_eq!(
                seen[2],
                Seen::Other(format!(
                    "{:?}",
                    RecordItem::Resync {
                        frame: 2,
                        offset: 7 + n,
                        skipped_bytes: n
                    }
                ))
            );
            assert_eq!(seen[3], Seen::Rec(23, vec![3], 2, 2, 7 + n));
            assert_eq!(s.stats().resyncs, 1);
            assert!(!s.is_lost());
            assert_eq!(s.stats().unframed_bytes, n);
        }
    }

    #[test]
    fn bad_header_split_across_pushes_is_noticed_when_complete() {
        let mut s = RecordStream::new();
        // Type and major version fine, minor 9 arrives in the next push.
        let seen = run(&mut s, &[(1, &[23, 3]), (2, &[9, 0, 1, 0xaa])]);
        assert_eq!(
            seen,
            [Seen::Other(format!(
                "{:?}",
                RecordItem::FramingLost {
                    frame: 1,
                    offset: 0,
                    cause: LostCause::BadHeader {
                        bytes: vec![23, 3, 9, 0, 1]
                    }
                }
            ))]
        );
        assert_eq!(s.stats().unframed_bytes, 6);
    }

    #[test]
    fn gap_inside_a_record_resumes_at_the_next() {
        let a = record(23, &[1u8; 100]);
        let b = record(23, &[2u8; 10]);
        let mut s = RecordStream::new();
        let mut seen = run(&mut s, &[(1, &a[..30])]);
        s.gap(50, 2, &mut |i| seen.push(owned(i)));
        let mut rest = a[80..].to_vec();
        rest.extend_from_slice(&b);
        seen.extend(run(&mut s, &[(3, &rest[..10]), (4, &rest[10..])]));
        assert_eq!(
            seen,
            [
                Seen::Other(format!(
                    "{:?}",
                    RecordItem::Partial {
                        first_frame: 1,
                        frame: 2,
                        offset: 0,
                        have: 30,
                        length: Some(100)
                    }
                )),
                Seen::Rec(23, vec![2u8; 10], 4, 4, 105),
            ]
        );
        assert_eq!(s.stats().partial_records, 1);
        assert_eq!(s.stats().framing_lost, 0);
    }

    #[test]
    fn gap_ending_exactly_at_the_record_end() {
        let a = record(23, &[1u8; 20]);
        let mut s = RecordStream::new();
        let mut seen = run(&mut s, &[(1, &a[..10])]);
        s.gap(15, 2, &mut |i| seen.push(owned(i)));
        seen.extend(run(&mut s, &[(3, &record(21, &[1, 0]))]));
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[1], Seen::Rec(21, vec![1, 0], 3, 3, 25));
        // A gap while skipping a tail that still ends inside it.
        let mut s = RecordStream::new();
        let mut seen = run(&mut s, &[(1, &a[..10])]);
        s.gap(5, 2, &mut |i| seen.push(owned(i)));
        s.gap(5, 3, &mut |i| seen.push(owned(i)));
        seen.extend(run(&mut s, &[(4, &a[20..]), (5, &record(23, &[9]))]));
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[1], Seen::Rec(23, vec![9], 5, 5, 25));
    }

    #[test]
    fn gap_at_a_boundary_stops_framing_until_a_header_of_the_same_version() {
        let mut s = RecordStream::new();
        let mut seen = run(&mut s, &[(1, &record(23, &[1u8; 8]))]);
        s.gap(1000, 2, &mut |i| seen.push(owned(i)));
        // Mid-record ciphertext: counted.
        seen.extend(run(&mut s, &[(3, &[0x55u8; 40])]));
        // A later push starting with a header of version 0x0303 followed
        // by another plausible header.
        let mut good = record(23, &[4u8; 3]);
        good.extend(record(23, &[5u8; 2]));
        seen.extend(run(&mut s, &[(4, &good)]));
        assert_eq!(
            seen,
            [
                Seen::Rec(23, vec![1u8; 8], 1, 1, 0),
                Seen::Other(format!(
                    "{:?}",
                    RecordItem::FramingLost {
                        frame: 2,
                        offset: 13,
                        cause: LostCause::Gap { missing: 1000 }
                    }
                )),
                Seen::Other(format!(
                    "{:?}",
                    RecordItem::Resync {
                        frame: 4,
                        offset: 1053,
                        skipped_bytes: 40
                    }
                )),
                Seen::Rec(23, vec![4u8; 3], 4, 4, 1053),
                Seen::Rec(23, vec![5u8; 2], 4, 4, 1061),
            ]
        );
        assert_eq!(
            s.stats(),
            RecordStats {
                records: 3,
                sslv2_client_hellos: 0,
                partial_records: 0,
                unframed_bytes: 40,
                framing_lost: 1,
                resyncs: 1
            }
        );
    }

    #[test]
    fn no_resync_on_another_version_or_an_implausible_follower() {
        let mut s = RecordStream::new();
        run(&mut s, &[(1, &record(23, &[1u8; 8]))]);
        s.gap(10, 2, &mut |_| {});
        let mut tls10 = vec![23u8, 3, 1, 0, 1, 0];
        tls10.extend_from_slice(&[0u8; 4]);
        let mut bad_next = record(23, &[1]);
        bad_next.extend_from_slice(&[0x99, 3, 3, 0, 1]);
        let seen = run(&mut s, &[(3, &tls10), (4, &bad_next)]);
        assert_eq!(seen, []);
        assert!(s.is_lost());
        assert_eq!(s.stats().unframed_bytes, 10 + 11);
        // Mid-push headers are never considered.
        let mut late = vec![0u8; 3];
        late.extend(record(23, &[1]));
        assert_eq!(run(&mut s, &[(5, &late)]), []);
    }

    #[test]
    fn gap_inside_a_header_stops_framing() {
        let mut s = RecordStream::new();
        let mut seen = run(&mut s, &[(1, &[23, 3, 3])]);
        s.gap(4, 2, &mut |i| seen.push(owned(i)));
        assert_eq!(
            seen,
            [
                Seen::Other(format!(
                    "{:?}",
                    RecordItem::Partial {
                        first_frame: 1,
                        frame: 2,
                        offset: 0,
                        have: 3,
                        length: None
                    }
                )),
                Seen::Other(format!(
                    "{:?}",
                    RecordItem::FramingLost {
                        frame: 2,
                        offset: 3,
                        cause: LostCause::Gap { missing: 4 }
                    }
                )),
            ]
        );
    }

    #[test]
    fn finish_reports_an_incomplete_record() {
        let a = record(22, &[1u8; 300]);
        let mut s = RecordStream::new();
        let mut seen = run(&mut s, &[(1, &a[..100]), (2, &a[100..200])]);
        s.finish(&mut |i| seen.push(owned(i)));
        assert_eq!(
            seen,
            [Seen::Other(format!(
                "{:?}",
                RecordItem::Partial {
                    first_frame: 1,
                    frame: 2,
                    offset: 0,
                    have: 200,
                    length: Some(300)
                }
            ))]
        );
        assert_eq!(s.buffered(), 0);
        assert_eq!(s.stats().partial_records, 1);
    }

    /// The SSL 2.0 compatible CLIENT-HELLO of RFC 5246 Appendix E.2 with
    /// three cipher specs (one SSL 2.0 kind, two TLS suites) and a 16-byte
    /// challenge.
    fn sslv2_hello() -> Vec<u8> {
        let mut body = vec![1u8, 0x03, 0x01, 0, 9, 0, 0, 0, 16];
        body.extend_from_slice(&[0x01, 0x00, 0x80, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x35]);
        body.extend(1u8..=16);
        let mut out = vec![0x80 | (body.len() >> 8) as u8, body.len() as u8];
        out.extend(body);
        out
    }

    #[test]
    fn sslv2_client_hello_at_the_start_then_records() {
        let hello = sslv2_hello();
        assert!(looks_like_tls(&hello));
        let mut bytes = hello.clone();
        bytes.extend(record(22, &[1u8; 4]));
        for cut in 1..bytes.len() {
            let mut s = RecordStream::new();
            let mut items = Vec::new();
            for (frame, part) in [(1u64, &bytes[..cut]), (2, &bytes[cut..])] {
                s.push(part, frame, ts(frame), &mut |i| {
                    items.push(match i {
                        RecordItem::Sslv2ClientHello(h) => format!("{h:?}"),
                        RecordItem::Record(r) => format!("{} {}", r.content_type, r.offset),
                        other => panic!("{other:?}"),
                    })
                });
            }
            let last = if cut < hello.len() { 2 } else { 1 };
            let expected = Sslv2ClientHello {
                version: ProtocolVersion::TLS_1_0,
                cipher_specs: 3,
                cipher_suites: vec![CipherSuite(0x002f), CipherSuite(0x0035)],
                session_id_len: 0,
                challenge: (1u8..=16).collect(),
                first_frame: 1,
                frame: last,
                ts: ts(last),
                offset: 0,
                len: 36,
            };
            assert_eq!(
                items,
                [format!("{expected:?}"), "handshake 36".to_string()],
                "cut {cut}"
            );
            let mut random = [0u8; 32];
            random[16..].copy_from_slice(&expected.challenge);
            assert_eq!(expected.client_random(), random);
            assert_eq!(s.stats().sslv2_client_hellos, 1);
        }
    }

    #[test]
    fn sslv2_header_is_only_accepted_at_the_start() {
        let mut bytes = record(22, &[1]);
        bytes.extend(sslv2_hello());
        let mut s = RecordStream::new();
        let seen = run(&mut s, &[(1, &bytes)]);
        assert_eq!(seen.len(), 2);
        assert!(matches!(&seen[1], Seen::Other(t) if t.starts_with("FramingLost")));
        // Inconsistent inner lengths are not an SSL 2.0 hello.
        let mut bad = sslv2_hello();
        bad[6] = 10;
        assert!(!looks_like_tls(&bad));
        let mut s = RecordStream::new();
        let seen = run(&mut s, &[(1, &bad)]);
        assert!(matches!(&seen[..], [Seen::Other(t)] if t.starts_with("FramingLost")));
    }

    #[test]
    fn recognising_a_client_hello() {
        // Record header, handshake type 1, length 0x000200, version 3.3.
        let hello = [22u8, 3, 1, 2, 0, 1, 0, 2, 0, 3, 3];
        assert!(looks_like_tls(&hello));
        assert!(looks_like_tls(&hello[..6]));
        assert!(!looks_like_tls(&hello[..5]));
        assert!(!looks_like_tls(&[]));
        let mut server_hello = hello;
        server_hello[5] = 2;
        assert!(!looks_like_tls(&server_hello));
        let mut app = hello;
        app[0] = 23;
        assert!(!looks_like_tls(&app));
        let mut tiny = hello;
        tiny[8] = 40;
        tiny[7] = 0;
        assert!(!looks_like_tls(&tiny));
        let mut bad_version = hello;
        bad_version[9] = 2;
        assert!(!looks_like_tls(&bad_version));
        let mut huge = hello;
        huge[3] = 0xff;
        assert!(!looks_like_tls(&huge));
        assert!(!looks_like_tls(
            b"SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\n"
        ));
        assert!(!looks_like_tls(&[0x00, 0x9c, 0x00, 0x01, 0x1a, 0x2b, 0x3c, 0x4d]));
    }

    #[test]
    fn record_header_round_trip() {
        let bytes = record(23, &[1, 2, 3]);
        let mut s = RecordStream::new();
        let mut header = None;
        s.push(&bytes, 1, ts(1), &mut |i| {
            if let RecordItem::Record(r) = i {
                header = Some(r.header());
            }
        });
        assert_eq!(header, Some([23, 3, 3, 0, 3]));
    }

    #[test]
    fn bounded_however_large_the_input() {
        let mut s = RecordStream::new();
        let big = record(23, &vec![0u8; MAX_FRAGMENT_LEN]);
        let mut n = 0;
        for _ in 0..3 {
            for chunk in big.chunks(1000) {
                s.push(chunk, 1, ts(1), &mut |_| n += 1);
                assert!(s.buffered() <= HEADER_LEN + MAX_FRAGMENT_LEN);
            }
        }
        assert_eq!(n, 3);
    }
}
