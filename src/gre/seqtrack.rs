//! Per-direction sequence analysis of enhanced GRE (RFC 2637 §4.2–4.4):
//! loss, duplicates, reordering, sequence restarts, capture artefacts, and
//! what the reverse direction's acknowledgments say about this direction.
//!
//! One [`DirectionTracker`] follows one direction of one call, keyed by
//! (source, destination, Key Call ID). Sequence numbers count packets, not
//! bytes, modulo 2^32 (RFC 2637 §4.3); they are widened to `i64` with
//! RFC 1982 serial arithmetic ([`unwrap`]) so every comparison is linear.
//!
//! # Acknowledgments
//! The Ack field of direction D acknowledges the sequence numbers of the
//! reverse direction R (RFC 2637 §4.2). Everything learnt from an ack is a
//! fact about R's packets, so the ack is applied to R's tracker:
//!
//! ```text
//! let seen = d.on_packet(&pkt, ts, frame, origin);
//! if let Some(ack) = seen.ack {           // None for a capture duplicate
//!     r.on_peer_ack(ack, ts);
//! }
//! ```
//!
//! Only one tracker is borrowed mutably at a time, which suits a flow
//! table that learns the pairing of the two directions late (the Call IDs
//! of the two directions differ; the control session links them).
//!
//! # Bounds
//! Per packet the work is constant and nothing is allocated:
//! * which numbers were seen is a bitmap over the last [`WINDOW_BITS`]
//!   numbers below the highest one; a number that slides out of it unseen
//!   is finally lost, one that arrives older than it is `late_unknown`;
//! * send times for ack latency are kept for the last [`SEND_TIME_SLOTS`]
//!   numbers;
//! * capture duplicates are looked for among the last [`RECENT_PACKETS`]
//!   packets of the direction;
//! * the ack latency median comes from a fixed log-linear histogram
//!   ([`AckLatency`]);
//! * the [`Timeline`] has at most [`TIMELINE_BUCKETS`] buckets.
//!
//! A tracker holds about 7.7 KiB (4 KiB of fixed buffers, a 3 KiB
//! timeline), allocated once in [`DirectionTracker::new`].
//!
//! # Speed
//! A capture interleaves the packets of many calls, so the state of one
//! direction has usually left the first-level cache by the time its next
//! packet comes. What an ordinary packet reads and writes is therefore kept
//! together (`Hot`, where the window word of the highest number is kept
//! too), and the next-in-order number takes a short path that stores one
//! send-time slot (8 bytes: slots roll through the cache, so they are kept
//! small) and one slot of the ring of recent packets outside it;
//! the timeline collects a second's packets before it adds them to its
//! buckets.

use serde::{Serialize, Serializer};

use super::wire::PptpGre;
use crate::capture::Timestamp;

/// A jump of more than this many sequence numbers, either way, is taken as
/// the sender restarting its numbering (a new call reusing the Call ID, a
/// reboot) rather than as loss or reordering (protocols.md §2.3).
pub const SEQ_RESET_LIMIT: i64 = 1 << 20;

/// Sequence numbers tracked below the highest one seen. A packet up to this
/// far behind is still recognised as reordered or duplicate.
pub const WINDOW_BITS: usize = 4096;
const WINDOW_SPAN: i64 = WINDOW_BITS as i64;
const WINDOW_WORDS: usize = WINDOW_BITS / 64;

/// Data packets whose capture time is kept for ack latency. Acks normally
/// trail by at most the receive window (RFC 2637 §4.4), far fewer than this.
pub const SEND_TIME_SLOTS: usize = 128;

/// Packets of the same direction searched for the original of a capture
/// duplicate.
pub const RECENT_PACKETS: usize = 16;

/// Largest time between a packet and its capture duplicate when the IP
/// Identification is known (non-zero) or the copies come from different
/// interfaces: the two copies of a forwarded packet can be held apart by
/// the outgoing queue.
pub const CAPTURE_DUPLICATE_WINDOW_NS: i64 = 1_000_000_000;

/// Largest time between a packet and its capture duplicate on the same
/// interface when there is no IP Identification to compare (IPv6, or an
/// IPv4 stack that sends ID 0 with DF set).
pub const CAPTURE_DUPLICATE_WINDOW_NO_IDENT_NS: i64 = 10_000_000;

/// Most buckets in a [`Timeline`].
pub const TIMELINE_BUCKETS: usize = 256;

/// Ack latency samples kept exactly; up to this many the median is exact.
pub const EXACT_LATENCY_SAMPLES: usize = 32;

/// Sub-buckets per power of two in the latency histogram: 2^4 = 16, so a
/// bucket spans 1/16 of its lower bound and its midpoint is within 3.2 %
/// of any sample in it.
const LATENCY_SUB_BITS: u32 = 4;
/// Latencies are histogrammed in microseconds below 2^32 µs (71 minutes);
/// longer ones land in the last bucket.
const LATENCY_RANGE_BITS: u32 = 32;
const LATENCY_BUCKETS: usize = ((LATENCY_RANGE_BITS - LATENCY_SUB_BITS + 1) as usize) << LATENCY_SUB_BITS;

/// Signed distance from serial `from` to serial `to` (RFC 1982, SERIAL_BITS
/// = 32): positive when `to` comes after `from`. At exactly 2^31, where
/// RFC 1982 leaves the order undefined, the result is `i32::MIN`.
#[inline]
pub fn seq_dist(from: u32, to: u32) -> i32 {
    to.wrapping_sub(from) as i32
}

/// `a` comes before `b` in RFC 1982 serial order. False both ways at the
/// undefined distance 2^31, and false when `a == b`.
#[inline]
pub fn seq_lt(a: u32, b: u32) -> bool {
    seq_dist(a, b) > 0
}

/// Widens serial `s` to the `i64` nearest to `reference` (an already
/// widened number) whose low 32 bits are `s`.
#[inline]
pub fn unwrap(reference: i64, s: u32) -> i64 {
    reference.saturating_add(i64::from(seq_dist(reference as u32, s)))
}

/// [`unwrap`] around a tracker's highest number, which starts below 2^32
/// and grows by at most [`SEQ_RESET_LIMIT`] per packet: far from the ends
/// of `i64`, so the sum needs no saturation.
#[inline]
fn near(max: i64, s: u32) -> i64 {
    max.wrapping_add(i64::from(seq_dist(max as u32, s)))
}

/// Where a packet was captured, for telling a capture duplicate from a
/// protocol duplicate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PacketOrigin {
    /// IPv4 Identification, or the IPv6 fragment identification; 0 when
    /// there is none (then only the GRE bytes and timing are compared).
    pub ip_ident: u32,
    /// The interface the frame was captured on: the pcapng interface index,
    /// or the interface index of a Linux cooked (SLL2) header when present.
    pub iface: u32,
}

/// What one packet did to its direction's sequence state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum SeqEvent {
    /// The first sequence number of the direction.
    First,
    /// The number after the highest seen.
    InOrder,
    /// Higher than the next expected: `skipped` numbers are missing so far.
    Gap { skipped: u32 },
    /// A number already seen (RFC 2637 §4.3: never retransmitted, so this
    /// is an anomaly).
    Duplicate,
    /// A missing number arrived after `distance` higher ones: it fills its
    /// gap, so it is not lost.
    Reordered { distance: u32 },
    /// Older than the window, or before the first number seen: whether it
    /// fills a gap is unknown.
    LateUnknown,
    /// A jump beyond [`SEQ_RESET_LIMIT`]: the numbering restarts here.
    Reset,
    /// No sequence number, an acknowledgment and no payload.
    AckOnly,
    /// Neither a sequence number nor an ack-only packet (S = 0 carrying
    /// payload, or S = 0 and A = 0).
    Unsequenced,
    /// The same packet captured a second time; ignored everywhere else.
    CaptureDuplicate,
}

/// The result of [`DirectionTracker::on_packet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observation {
    pub event: SeqEvent,
    /// The packet's Acknowledgment Number, to be given to the reverse
    /// direction's [`DirectionTracker::on_peer_ack`]; `None` when the
    /// packet has none or is a capture duplicate.
    pub ack: Option<u32>,
}

/// Ack latency: time from the capture of a data packet to the capture of
/// the first reverse ack that names it (RFC 2637 §4.4's SAMPLE: the packet
/// with the highest acknowledged number). Cumulative acks name one packet
/// each, so an ack that jumps from 3 to 7 gives one sample, for packet 7.
///
/// What it measures depends on the capture point (protocols.md §2.4): at
/// the sender, a round trip plus the peer's ack delay; at the receiver,
/// only its ack delay.
///
/// Precision: `min` and `max` are exact. `median` is the lower median
/// (the sample of rank ⌈n/2⌉); it is exact up to
/// [`EXACT_LATENCY_SAMPLES`] samples, beyond that it is the midpoint of a
/// log-linear histogram bucket (16 per power of two, microsecond base),
/// within 3.2 % of the true value and clamped to [min, max].
#[derive(Serialize, Clone, Debug, Default, PartialEq)]
pub struct AckLatency {
    pub samples: u64,
    /// Seconds.
    pub min: Option<f64>,
    /// Seconds.
    pub median: Option<f64>,
    /// Seconds.
    pub max: Option<f64>,
    /// True when `median` is computed from every sample exactly.
    pub median_exact: bool,
    /// Ack advances to a number seen in the capture whose send time is no
    /// longer kept (more than [`SEND_TIME_SLOTS`] behind) or lies after the
    /// ack's own time.
    pub unmatched: u64,
}

/// Packets and payload bytes over time, for plots.
///
/// Bucket `i` covers `[start_secs + i·bucket_secs, start_secs +
/// (i+1)·bucket_secs)` in capture time, `start_secs` being the whole second
/// of the first packet. Buckets start at one second; when a packet falls
/// beyond [`TIMELINE_BUCKETS`] buckets, neighbouring pairs are merged and
/// `bucket_secs` doubles, as often as needed. Packets timestamped before
/// the first one go into bucket 0 and are counted in `before_start`.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Timeline {
    pub start_secs: Option<i64>,
    pub bucket_secs: u64,
    pub packets: Vec<u32>,
    /// Sum of Payload Length (RFC 2637 §4.1) per bucket.
    pub bytes: Vec<u64>,
    pub before_start: u64,
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline {
            start_secs: None,
            bucket_secs: 1,
            packets: Vec::new(),
            bytes: Vec::new(),
            before_start: 0,
        }
    }
}

impl Timeline {
    fn with_capacity() -> Self {
        Timeline {
            packets: Vec::with_capacity(TIMELINE_BUCKETS),
            bytes: Vec::with_capacity(TIMELINE_BUCKETS),
            ..Timeline::default()
        }
    }

    /// Adds `packets` packets of second `secs` carrying `bytes` payload
    /// bytes; nothing when `packets` is 0. Never grows the vectors past the
    /// capacity [`Timeline::with_capacity`] gives them, so a tracker's
    /// timeline never allocates.
    fn record(&mut self, secs: i64, packets: u32, bytes: u64) {
        if packets == 0 {
            return;
        }
        let start = *self.start_secs.get_or_insert(secs);
        let offset = match secs.checked_sub(start) {
            Some(o) if o >= 0 => o.unsigned_abs(),
            _ => {
                self.before_start += u64::from(packets);
                0
            }
        };
        // bucket_secs is a power of two: shift instead of dividing.
        let mut index = offset >> self.bucket_secs.trailing_zeros();
        while index >= TIMELINE_BUCKETS as u64 {
            if !self.coarsen() {
                index = TIMELINE_BUCKETS as u64 - 1;
                break;
            }
            index = offset >> self.bucket_secs.trailing_zeros();
        }
        // index < TIMELINE_BUCKETS, so this fits in usize and in capacity.
        let index = index as usize;
        while self.packets.len() <= index {
            self.packets.push(0);
            self.bytes.push(0);
        }
        if let (Some(p), Some(b)) = (self.packets.get_mut(index), self.bytes.get_mut(index)) {
            *p = p.saturating_add(packets);
            *b = b.saturating_add(bytes);
        }
    }

    /// Merges neighbouring buckets; false when buckets cannot get wider.
    fn coarsen(&mut self) -> bool {
        if self.bucket_secs >= 1 << 62 {
            return false;
        }
        let half = self.packets.len().div_ceil(2);
        for i in 0..half {
            let p = self.packets.get(2 * i).copied().unwrap_or(0);
            let p2 = self.packets.get(2 * i + 1).copied().unwrap_or(0);
            let b = self.bytes.get(2 * i).copied().unwrap_or(0);
            let b2 = self.bytes.get(2 * i + 1).copied().unwrap_or(0);
            if let (Some(dp), Some(db)) = (self.packets.get_mut(i), self.bytes.get_mut(i)) {
                *dp = p.saturating_add(p2);
                *db = b.saturating_add(b2);
            }
        }
        self.packets.truncate(half);
        self.bytes.truncate(half);
        self.bucket_secs *= 2;
        true
    }
}

/// What one direction of a PPTP call showed, as [`DirectionTracker::stats`]
/// reports it. Capture duplicates are counted in `capture_duplicates` only.
#[derive(serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct SeqStats {
    /// Packets (data, ack-only and unsequenced).
    pub packets: u64,
    /// Packets with a Sequence Number (S = 1), duplicates included.
    pub data_packets: u64,
    /// Packets with S = 0, A = 1 and Payload Length 0 (RFC 2637 §4.2).
    pub ack_only_packets: u64,
    /// Packets with S = 0 that are not ack-only.
    pub unsequenced_packets: u64,
    /// Sum of Payload Length over data packets.
    pub payload_bytes: u64,
    /// The first Sequence Number seen (arrival order).
    pub first_seq: Option<u32>,
    /// The highest Sequence Number of the current numbering.
    pub last_seq: Option<u32>,
    /// Sequence numbers spanned, from the first to the highest of each
    /// numbering (summed over restarts): the packets the sender numbered.
    pub expected: u64,
    /// Numbers between the first and the highest never seen. Loss after the
    /// highest number seen cannot be known and is not counted.
    pub lost: u64,
    /// The longest run of consecutive lost numbers.
    pub largest_gap: u64,
    /// Numbers seen again (protocol duplicates: other IP Identification or
    /// other bytes, or too far apart to be a capture artefact).
    pub duplicates: u64,
    /// Late arrivals that filled a gap.
    pub reordered: u64,
    /// The most higher numbers a reordered packet arrived after.
    pub max_reorder_distance: u64,
    /// Late arrivals older than the window or before the first number.
    pub late_unknown: u64,
    /// Jumps beyond [`SEQ_RESET_LIMIT`], taken as restarts.
    pub sequence_resets: u64,
    /// Second captures of a packet already seen (same IP Identification,
    /// same GRE bytes, close in time).
    pub capture_duplicates: u64,
    /// The highest Acknowledgment Number this direction sent.
    pub max_ack: Option<u32>,
    /// Acks of this direction's numbers received from the reverse direction
    /// (one per reverse packet with A = 1).
    pub acks_received: u64,
    /// Of those, acks that arrived before this direction's first data
    /// packet (nothing to compare them with).
    pub acks_before_data: u64,
    /// This direction's sequence numbers the reverse direction acknowledged
    /// cumulatively (RFC 2637 §4.2), counted from the first number seen.
    pub acked_packets: u64,
    /// Ack advances to a number never seen in the capture: above the
    /// highest seen, or a gap inside the window. The peer received what the
    /// capture missed, so the loss (if any) is at the capture point, not on
    /// the path.
    pub acks_beyond_seen: u64,
    /// Acks lower than an earlier ack (reordering on the reverse path).
    pub ack_regressions: u64,
    /// Acks more than [`SEQ_RESET_LIMIT`] away from the highest number
    /// seen: they belong to another numbering and are ignored.
    pub acks_out_of_range: u64,
    pub ack_latency: AckLatency,
    /// The receive window the peer announced at call set-up (RFC 2637
    /// §2.7/§2.8 Packet Recv. Window Size).
    pub peer_window: Option<u16>,
    /// The most packets sent and not yet acknowledged, measured at each new
    /// data packet once the reverse direction has acknowledged anything.
    pub max_in_flight: Option<u64>,
    /// Data packets sent with more packets unacknowledged than the peer's
    /// window (RFC 2637 §4.4: the sender must stop at the window).
    pub window_exceeded: u64,
    /// Capture time of the first packet; JSON: seconds since the epoch.
    #[serde(serialize_with = "serialize_time")]
    pub first_time: Option<Timestamp>,
    /// Capture time of the last packet (file order).
    #[serde(serialize_with = "serialize_time")]
    pub last_time: Option<Timestamp>,
    pub first_frame: Option<u64>,
    pub last_frame: Option<u64>,
    pub timeline: Timeline,
}

impl SeqStats {
    /// `lost / expected`, or 0 when nothing was expected.
    pub fn loss_ratio(&self) -> f64 {
        if self.expected == 0 {
            0.0
        } else {
            self.lost as f64 / self.expected as f64
        }
    }
}

fn serialize_time<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_some(&t.as_secs_f64()),
        None => s.serialize_none(),
    }
}

#[inline]
fn nanos(ts: Timestamp) -> i64 {
    ts.secs
        .saturating_mul(1_000_000_000)
        .saturating_add(i64::from(ts.nanos))
}

#[inline]
fn low_mask(n: u32) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
}

/// Numbers finally lost so far, and the run of consecutive lost numbers
/// that ends at the last number retired.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct LossRun {
    lost: u64,
    run: u64,
    longest: u64,
}

impl LossRun {
    /// Takes `n` consecutive numbers (1 ≤ n ≤ 64) in increasing order; bit
    /// k of `seen` tells whether the k-th was seen.
    fn absorb(&mut self, seen: u64, n: u32) {
        let mask = low_mask(n);
        let seen = seen & mask;
        let unseen = !seen & mask;
        let count = unseen.count_ones();
        if count == 0 {
            self.run = 0;
            return;
        }
        self.lost += u64::from(count);
        if count == n {
            self.run += u64::from(n);
            self.longest = self.longest.max(self.run);
            return;
        }
        // Mixed chunk: close the run coming in, look inside, and leave the
        // run that reaches the chunk's top open.
        self.run += u64::from(seen.trailing_zeros());
        self.longest = self.longest.max(self.run);
        self.longest = self.longest.max(u64::from(longest_ones(unseen)));
        self.run = u64::from((seen << (64 - n)).leading_zeros());
    }

    /// [`LossRun::absorb`] for one number.
    #[inline]
    fn absorb_one(&mut self, seen: bool) {
        if seen {
            self.run = 0;
        } else {
            self.lost += 1;
            self.run += 1;
            self.longest = self.longest.max(self.run);
        }
    }

    fn absorb_unseen(&mut self, count: u64) {
        if count == 0 {
            return;
        }
        self.lost += count;
        self.run += count;
        self.longest = self.longest.max(self.run);
    }
}

/// Length of the longest run of 1 bits (at most 64 passes).
fn longest_ones(mut x: u64) -> u32 {
    let mut n = 0;
    while x != 0 {
        x &= x << 1;
        n += 1;
    }
    n
}

/// Which of the last [`WINDOW_BITS`] numbers were seen; number `e` lives at
/// bit `e mod WINDOW_BITS`.
#[derive(Clone)]
struct SeenWindow {
    words: [u64; WINDOW_WORDS],
}

/// Word and bit of number `e`. `WINDOW_BITS` is a power of two, so the
/// low bits of the two's complement are `e mod WINDOW_BITS` for negative
/// numbers too.
#[inline]
fn position(e: i64) -> (usize, u32) {
    let i = (e as u64 % WINDOW_BITS as u64) as usize;
    (i / 64, (i % 64) as u32)
}

impl SeenWindow {
    #[inline]
    fn is_set(&self, e: i64) -> bool {
        let (w, b) = position(e);
        self.words.get(w).is_some_and(|x| (x >> b) & 1 == 1)
    }

    #[inline]
    fn set(&mut self, e: i64) {
        let (w, b) = position(e);
        if let Some(x) = self.words.get_mut(w) {
            *x |= 1 << b;
        }
    }

    fn clear_all(&mut self) {
        self.words = [0; WINDOW_WORDS];
    }

    /// Calls `f(bits, n)` over `[from, to)` in increasing order, `n ≤ 64`
    /// numbers at a time, bit k of `bits` standing for the k-th number. At
    /// most the last [`WINDOW_BITS`] numbers of the range are visited.
    fn for_each_chunk(&self, from: i64, to: i64, mut f: impl FnMut(u64, u32)) {
        let mut at = from.max(to.saturating_sub(WINDOW_SPAN));
        while at < to {
            let (w, b) = position(at);
            let n = (64 - b).min(u32::try_from(to - at).unwrap_or(64));
            let word = self.words.get(w).copied().unwrap_or(0);
            f((word >> b) & low_mask(n), n);
            at += i64::from(n);
        }
    }

    fn clear_range(&mut self, from: i64, to: i64) {
        let mut at = from.max(to.saturating_sub(WINDOW_SPAN));
        while at < to {
            let (w, b) = position(at);
            let n = (64 - b).min(u32::try_from(to - at).unwrap_or(64));
            if let Some(x) = self.words.get_mut(w) {
                *x &= !(low_mask(n) << b);
            }
            at += i64::from(n);
        }
    }
}

/// A widened number that is not there (no data packet yet, no ack yet).
/// Widened numbers start in `0..2^32` and move by at most
/// [`SEQ_RESET_LIMIT`] per packet, so no real one comes near it.
const NO_NUMBER: i64 = i64::MIN;

/// Capture times of data packets, number `e` at `e mod SEND_TIME_SLOTS`.
///
/// A slot holds no number: every path that sets the window bit of a
/// number within [`SEND_TIME_SLOTS`] of the highest (at or after `first`)
/// also writes its slot, and only a number above it can take the slot
/// over, so for such a number the window bit says whether the slot is its
/// own ([`DirectionTracker::sent_time`]). Eight bytes a number keep the
/// slots that packets in order write one after the other small: 1 KiB a
/// direction, which matters when thousands of directions interleave.
#[derive(Clone)]
struct SendTimes {
    at: [i64; SEND_TIME_SLOTS],
}

impl SendTimes {
    /// `e mod SEND_TIME_SLOTS`, a power of two (see [`position`]).
    #[inline]
    fn slot(e: i64) -> usize {
        (e as u64 % SEND_TIME_SLOTS as u64) as usize
    }

    #[inline]
    fn record(&mut self, e: i64, at: i64) {
        if let Some(slot) = self.at.get_mut(Self::slot(e)) {
            *slot = at;
        }
    }

    /// The time in `e`'s slot, whoever wrote it.
    #[inline]
    fn slot_time(&self, e: i64) -> Option<i64> {
        self.at.get(Self::slot(e)).copied()
    }
}

#[derive(Clone, Copy, Default)]
struct RecentPacket {
    fingerprint: u64,
    at_ns: i64,
    iface: u32,
}

/// One byte of a fingerprint, never 0: [`Hot::recent_tags`] holds it for
/// each packet of the recent ring (0 for a slot not used yet), so that a
/// search reads the ring itself only where the tag matches.
#[inline]
fn recent_tag(fingerprint: u64) -> u8 {
    (fingerprint >> 56) as u8 | 1
}

/// Whether a recent packet is the original of a packet with `fingerprint`
/// captured at `at_ns`. The fingerprint already covers the IP
/// Identification; without one, only a very close copy on the same
/// interface counts.
fn holds_original(
    tags: &[u8; RECENT_PACKETS],
    recent: &[RecentPacket; RECENT_PACKETS],
    fingerprint: u64,
    at_ns: i64,
    origin: PacketOrigin,
) -> bool {
    let tag = recent_tag(fingerprint);
    tags.iter().zip(recent).any(|(&t, r)| {
        let limit = if origin.ip_ident != 0 || origin.iface != r.iface {
            CAPTURE_DUPLICATE_WINDOW_NS
        } else {
            CAPTURE_DUPLICATE_WINDOW_NO_IDENT_NS
        };
        t == tag && r.fingerprint == fingerprint && at_ns.abs_diff(r.at_ns) <= limit.unsigned_abs()
    })
}

/// Multiplies to 128 bits and folds the halves (the "mum" step of wyhash).
#[inline(always)]
fn mum(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    (product as u64) ^ ((product >> 64) as u64)
}

/// Up to 8 bytes from `at`, zero-filled.
#[inline(always)]
fn load(bytes: &[u8], at: usize) -> u64 {
    if let Some(word) = bytes.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
        return u64::from_le_bytes(word);
    }
    let mut word = [0u8; 8];
    if let Some(src) = bytes.get(at..) {
        for (d, s) in word.iter_mut().zip(src) {
            *d = *s;
        }
    }
    u64::from_le_bytes(word)
}

/// A cheap digest of what identifies one transmission: the GRE fields, the
/// IP Identification and the first 16 payload bytes (PPP header, MPPE
/// coherency count and the start of the ciphertext, which differ from
/// packet to packet; they share a cache line with the header). Ethernet
/// padding does not enter: the payload is already cut to Payload Length.
#[inline(always)]
fn fingerprint(pkt: &PptpGre<'_>, ip_ident: u32) -> u64 {
    let numbers = (u64::from(pkt.seq.unwrap_or(0)) << 32) | u64::from(pkt.ack.unwrap_or(0));
    let fields = (u64::from(pkt.payload_len) << 48) | (u64::from(pkt.call_id) << 32) | u64::from(ip_ident);
    let presence = u64::from(pkt.seq.is_some()) | (u64::from(pkt.ack.is_some()) << 1);
    let p = pkt.payload;
    let head = mum(numbers ^ 0xA076_1D64_78BD_642F, fields ^ 0xE703_7ED1_A0B4_28DB);
    mum(
        head ^ load(p, 0) ^ 0x8EBC_6AF0_9C88_C6E3,
        load(p, 8) ^ 0x5899_65CC_7537_4CC3 ^ presence ^ ((p.len() as u64) << 2),
    )
}

/// The histogram bucket of a latency: microseconds below 16 have a bucket
/// each; above, a power of two `2^k` (k ≥ 4) starts 16 buckets of width
/// `2^(k-4)`. With `shift = k - 4` (0 below 16) the bucket is
/// `16·shift + (us >> shift)`, one formula for both ranges.
#[inline]
fn latency_bucket(ns: i64) -> usize {
    let us = (ns.max(0).unsigned_abs() / 1000).min((1 << LATENCY_RANGE_BITS) - 1);
    let msb = 63 - (us | 1).leading_zeros();
    let shift = msb.max(LATENCY_SUB_BITS) - LATENCY_SUB_BITS;
    ((shift << LATENCY_SUB_BITS) as usize) + (us >> shift) as usize
}

/// Lower bound and width of bucket `i`, in microseconds.
fn latency_bucket_bounds(i: usize) -> (u64, u64) {
    let sub = 1usize << LATENCY_SUB_BITS;
    if i < sub {
        return (i as u64, 1);
    }
    let octave = (i / sub) as u32;
    let mantissa = (i % sub + sub) as u64;
    (mantissa << (octave - 1), 1 << (octave - 1))
}

/// Ack latency samples: the count (in [`Hot`]), the first samples
/// verbatim, the samples of the batch not yet added and the log-linear
/// histogram with the exact extremes of the rest (in [`Buffers`]).
fn latency_summary(hot: &Hot, unmatched: u64) -> AckLatency {
    let buffers = &hot.buffers;
    let secs = |ns: i64| ns as f64 / 1e9;
    let count = hot.latency_count;
    if count == 0 {
        return AckLatency {
            unmatched,
            ..AckLatency::default()
        };
    }
    let mut histogram = buffers.latency.clone();
    let pending = (count % LATENCY_BATCH as u64) as usize;
    histogram.add(hot.latency_pending.get(..pending).unwrap_or(&[]));
    let (min_ns, max_ns) = (histogram.min_ns, histogram.max_ns);
    let rank = count.div_ceil(2);
    let exact = count <= EXACT_LATENCY_SAMPLES as u64;
    let median = if exact {
        let mut sorted = buffers.latency_exact;
        let n = usize::try_from(count).unwrap_or(EXACT_LATENCY_SAMPLES);
        let sorted = sorted.get_mut(..n).unwrap_or(&mut []);
        sorted.sort_unstable();
        let pick = usize::try_from(rank - 1).unwrap_or(0);
        sorted.get(pick).map_or(0.0, |&ns| secs(ns))
    } else {
        let mut seen = 0u64;
        let mut mid_us = 0.0;
        for (i, &c) in histogram.buckets.iter().enumerate() {
            seen += u64::from(c);
            if seen >= rank {
                let (lower, width) = latency_bucket_bounds(i);
                mid_us = lower as f64 + width as f64 / 2.0;
                break;
            }
        }
        (mid_us / 1e6).clamp(secs(min_ns), secs(max_ns))
    };
    AckLatency {
        samples: count,
        min: Some(secs(min_ns)),
        median: Some(median),
        max: Some(secs(max_ns)),
        median_exact: exact,
        unmatched,
    }
}

/// Latency samples added to the histogram together, [`LATENCY_BATCH`] at
/// a time: a sample is first only stored (a store does not wait for its
/// cache line), and the bucket updates of a batch overlap instead of each
/// waiting in turn for a line of the histogram.
const LATENCY_BATCH: usize = 8;

/// The log-linear histogram of ack latencies and the exact extremes of the
/// samples in it.
#[derive(Clone)]
struct LatencyHistogram {
    min_ns: i64,
    max_ns: i64,
    buckets: [u32; LATENCY_BUCKETS],
}

impl LatencyHistogram {
    fn add(&mut self, samples: &[i64]) {
        // The extremes in registers: a bucket's count could otherwise be
        // the same memory as far as the compiler knows.
        let (mut min, mut max) = (self.min_ns, self.max_ns);
        for &ns in samples {
            min = min.min(ns);
            max = max.max(ns);
            if let Some(c) = self.buckets.get_mut(latency_bucket(ns)) {
                *c = c.saturating_add(1);
            }
        }
        (self.min_ns, self.max_ns) = (min, max);
    }
}

/// The fixed-size state, boxed so a tracker moves cheaply in a flow table.
#[derive(Clone)]
struct Buffers {
    window: SeenWindow,
    send_times: SendTimes,
    /// The last [`RECENT_PACKETS`] packets of the direction, oldest
    /// overwritten ([`Hot::recent_next`] is the next to go; the slots in
    /// use are those with a tag in [`Hot::recent_tags`]).
    recent: [RecentPacket; RECENT_PACKETS],
    /// The first [`EXACT_LATENCY_SAMPLES`] ack latencies, in ns.
    latency_exact: [i64; EXACT_LATENCY_SAMPLES],
    latency: LatencyHistogram,
}

/// What an ordinary packet reads and writes, together: a capture
/// interleaves many calls, so a direction's state is rarely still in the
/// first-level cache when its next packet comes, and every separate cache
/// line touched costs a miss. Four lines: the first holds all that an ack
/// from the reverse direction needs ([`DirectionTracker::on_peer_ack`]),
/// the send time of the highest number included, which is the one an ack
/// usually names, and the second the ack latencies of the batch, which
/// the ack adds to (an aligned pair of lines, which the processor tends
/// to fetch together); a packet of this direction reads the first and the
/// last two, where the window word of the highest number is kept too, so
/// that a packet in order leaves the window array alone. The counters here are
/// reported through [`DirectionTracker::stats`]; the rarely moved ones
/// stay in `counts`.
#[derive(Clone)]
#[repr(C, align(64))]
struct Hot {
    /// Widened numbers of the current numbering: the highest
    /// ([`NO_NUMBER`] before the first data packet) and the first.
    max: i64,
    first: i64,
    /// The highest number the reverse direction acknowledged, widened in
    /// this direction's numbering ([`NO_NUMBER`]: none yet).
    acked: i64,
    /// The fixed-size state, boxed so a tracker moves cheaply in a flow
    /// table.
    buffers: Box<Buffers>,
    /// The capture time of the packet numbered `max` (ns), which
    /// [`SendTimes`] holds too.
    max_sent_ns: i64,
    acks_received: u64,
    acked_packets: u64,
    latency_count: u64,
    /// The latest batch of ack latencies; the first `latency_count mod
    /// LATENCY_BATCH` are not in the histogram yet. On the line after the
    /// one above, so that an ack's two lines are one aligned pair.
    latency_pending: [i64; LATENCY_BATCH],

    /// Packets, capture duplicates excluded; the data packets among them
    /// are those neither ack-only nor unsequenced.
    packets: u64,
    payload_bytes: u64,
    /// Capture time and frame of the last packet.
    last_secs: i64,
    last_nanos: u32,
    /// Packets of the second `last_secs` not yet added to the timeline,
    /// and their bytes: they are added when a packet of another second
    /// arrives (and by `stats`), one comparison per packet instead of two
    /// vector updates.
    pending_packets: u32,
    last_frame: u64,
    pending_bytes: u64,
    /// The most packets in flight plus one; 0 while nothing was measured.
    max_in_flight_plus_one: u64,
    /// The highest Ack this direction sent, in serial order; its low 32
    /// bits are the number ([`NO_NUMBER`]: none).
    max_ack_sent: i64,

    /// The window word that holds `max`, when `top_valid`: the next number
    /// in order mostly falls in it. It stands for that word of the window
    /// array, which is written back only when the highest number moves to
    /// the next word or another path needs the array
    /// ([`DirectionTracker::write_back_top`]).
    top_word: u64,
    /// [`recent_tag`] of each packet in [`Buffers::recent`], 0 for a slot
    /// not used yet.
    recent_tags: [u8; RECENT_PACKETS],
    loss: LossRun,
    /// The peer's receive window when one is checked, else 0.
    window: u16,
    /// The slot of [`Buffers::recent`] the next packet takes.
    recent_next: u8,
    /// `top_word` is the word of `max`.
    top_valid: bool,
}

// Three cache lines, as the layout above intends, first in a tracker.
const _: () = assert!(core::mem::size_of::<Hot>() == 4 * 64);
const _: () = assert!(core::mem::offset_of!(Hot, latency_pending) == 64);
const _: () = assert!(core::mem::offset_of!(DirectionTracker, hot) == 0);
// One cache line of pending latency samples.
const _: () = assert!(LATENCY_BATCH * 8 == 64);

/// Sequence analysis of one direction of one PPTP call (RFC 2637 §4):
/// the packets from one host to the other carrying one Key Call ID.
///
/// Laid out in declaration order (`repr(C)`): the hot state first, so that
/// a table holding the tracker can put what it reads per packet on the
/// line just before.
#[derive(Clone)]
#[repr(C)]
pub struct DirectionTracker {
    hot: Hot,
    /// Counters kept as they will be reported, apart from those in `hot`;
    /// [`DirectionTracker::stats`] adds those and what is derived.
    counts: SeqStats,
    /// `expected` of the numberings closed by a restart.
    expected_closed: u64,
    /// Ack advances whose send time was not kept ([`AckLatency::unmatched`]).
    latency_unmatched: u64,
}

impl Default for DirectionTracker {
    fn default() -> Self {
        Self::new()
    }
}

impl DirectionTracker {
    /// An empty tracker. The only allocation a tracker ever makes.
    pub fn new() -> Self {
        DirectionTracker {
            hot: Hot {
                max: NO_NUMBER,
                first: 0,
                acked: NO_NUMBER,
                buffers: Box::new(Buffers {
                    window: SeenWindow {
                        words: [0; WINDOW_WORDS],
                    },
                    send_times: SendTimes {
                        at: [0; SEND_TIME_SLOTS],
                    },
                    recent: [RecentPacket::default(); RECENT_PACKETS],
                    latency_exact: [0; EXACT_LATENCY_SAMPLES],
                    latency: LatencyHistogram {
                        min_ns: i64::MAX,
                        max_ns: i64::MIN,
                        buckets: [0; LATENCY_BUCKETS],
                    },
                }),
                max_sent_ns: 0,
                acks_received: 0,
                acked_packets: 0,
                latency_count: 0,
                latency_pending: [0; LATENCY_BATCH],
                packets: 0,
                payload_bytes: 0,
                last_secs: 0,
                last_nanos: 0,
                pending_packets: 0,
                last_frame: 0,
                pending_bytes: 0,
                max_in_flight_plus_one: 0,
                max_ack_sent: NO_NUMBER,
                top_word: 0,
                recent_tags: [0; RECENT_PACKETS],
                loss: LossRun::default(),
                window: 0,
                recent_next: 0,
                top_valid: false,
            },
            counts: SeqStats {
                timeline: Timeline::with_capacity(),
                ..SeqStats::default()
            },
            expected_closed: 0,
            latency_unmatched: 0,
        }
    }

    /// The receive window the receiver of this direction announced at call
    /// set-up: for client→server data the PAC's (Outgoing-Call-Reply or
    /// Incoming-Call-Connected), for server→client data the PNS's
    /// (Outgoing-Call-Request or Incoming-Call-Reply), RFC 2637 §2.7–2.11.
    /// 0 means no window is checked.
    pub fn set_peer_window(&mut self, window: u16) {
        self.counts.peer_window = Some(window);
        self.hot.window = window;
    }

    /// Takes one packet of this direction, in capture order.
    ///
    /// A packet whose fingerprint (GRE fields, payload samples, IP
    /// Identification) matches one of the last [`RECENT_PACKETS`] packets
    /// within [`CAPTURE_DUPLICATE_WINDOW_NS`] (or, with no IP
    /// Identification on the same interface,
    /// [`CAPTURE_DUPLICATE_WINDOW_NO_IDENT_NS`]) is a capture duplicate:
    /// counted in `capture_duplicates` and nowhere else. For a data packet
    /// that match is only looked for when its number was already seen.
    // Inlined into the flow table's per-packet function, with the rest
    // of the packet's work.
    #[inline(always)]
    pub fn on_packet(
        &mut self,
        pkt: &PptpGre<'_>,
        ts: Timestamp,
        frame: u64,
        origin: PacketOrigin,
    ) -> Observation {
        let now = nanos(ts);
        let print = fingerprint(pkt, origin.ip_ident);
        // The number after the highest was not seen: no copy to look for.
        let max = self.hot.max;
        let in_order = max != NO_NUMBER && pkt.seq == Some((max as u32).wrapping_add(1));
        let may_be_copy = !in_order
            && match pkt.seq {
                Some(s) => self.already_seen(s),
                None => true,
            };
        let h = &mut self.hot;
        if may_be_copy && holds_original(&h.recent_tags, &h.buffers.recent, print, now, origin) {
            self.counts.capture_duplicates += 1;
            return Observation {
                event: SeqEvent::CaptureDuplicate,
                ack: None,
            };
        }
        let next = usize::from(h.recent_next) % RECENT_PACKETS;
        if let (Some(tag), Some(slot)) = (h.recent_tags.get_mut(next), h.buffers.recent.get_mut(next)) {
            *tag = recent_tag(print);
            *slot = RecentPacket {
                fingerprint: print,
                at_ns: now,
                iface: origin.iface,
            };
        }
        h.recent_next = ((next + 1) % RECENT_PACKETS) as u8;

        h.packets += 1;
        if h.packets == 1 {
            self.counts.first_time = Some(ts);
            self.counts.first_frame = Some(frame);
        }
        // The pending packets are of the second of the last packet.
        if ts.secs == h.last_secs && h.pending_packets < u32::MAX {
            h.pending_packets += 1;
            h.pending_bytes = h.pending_bytes.saturating_add(u64::from(pkt.payload_len));
        } else {
            self.counts
                .timeline
                .record(h.last_secs, h.pending_packets, h.pending_bytes);
            h.pending_packets = 1;
            h.pending_bytes = u64::from(pkt.payload_len);
        }
        h.last_secs = ts.secs;
        h.last_nanos = ts.nanos;
        h.last_frame = frame;
        // Only the low 32 bits of the highest Ack are reported: an Ack
        // after it in serial order (RFC 1982) takes its place.
        // Whether it does changes from one Ack to the next: a select,
        // not a branch.
        if let Some(a) = pkt.ack {
            let m = h.max_ack_sent;
            let later = m == NO_NUMBER || seq_dist(m as u32, a) > 0;
            h.max_ack_sent = if later { i64::from(a) } else { m };
        }
        let event = match pkt.seq {
            Some(_) if in_order => {
                h.payload_bytes += u64::from(pkt.payload_len);
                self.in_order(now)
            }
            Some(s) => {
                h.payload_bytes += u64::from(pkt.payload_len);
                self.on_seq_out_of_order(s, now)
            }
            None if pkt.is_ack_only() => {
                self.counts.ack_only_packets += 1;
                SeqEvent::AckOnly
            }
            None => {
                self.counts.unsequenced_packets += 1;
                SeqEvent::Unsequenced
            }
        };
        Observation { event, ack: pkt.ack }
    }

    /// Takes an Acknowledgment Number the reverse direction sent (RFC 2637
    /// §4.2: the highest of *this* direction's numbers the peer received),
    /// captured at `ts`. Call it for every non-duplicate reverse packet
    /// with A = 1 ([`Observation::ack`]).
    // Inlined into the flow table's per-packet function, with the rest
    // of the packet's work.
    #[inline(always)]
    pub fn on_peer_ack(&mut self, ack: u32, ts: Timestamp) {
        let h = &mut self.hot;
        h.acks_received += 1;
        let max = h.max;
        if max == NO_NUMBER {
            self.counts.acks_before_data += 1;
            return;
        }
        let e = near(max, ack);
        if (e - max).abs() > SEQ_RESET_LIMIT {
            self.counts.acks_out_of_range += 1;
            return;
        }
        let prev = h.acked;
        if prev != NO_NUMBER && e < prev {
            self.counts.ack_regressions += 1;
            return;
        }
        // Piggy-backed repeats of the last ack are normal, and whether an
        // ack repeats or advances changes from one to the next: that is
        // not branched on where it can be helped. A repeat acknowledges
        // nothing (`from` is past `to`) and its latency sample is not
        // counted.
        let advances = e != prev;
        let from = if prev == NO_NUMBER { h.first } else { prev + 1 }.max(h.first);
        let to = e.min(max);
        h.acked_packets += (to - from + 1).max(0).unsigned_abs();
        h.acked = e;
        if e < h.first {
            return;
        }
        // A number with a send time was seen and is inside the window (the
        // send times cover the last SEND_TIME_SLOTS numbers, and each
        // number gets one only when its window bit is set), so the usual
        // ack needs the send time and not the window; the send time of
        // `max`, which an ack most often names, is at hand.
        let sent = if e == max {
            Some(h.max_sent_ns)
        } else {
            self.sent_time(e)
        };
        if let Some(sent) = sent {
            let now = nanos(ts);
            if now >= sent {
                self.record_latency_if(advances, now - sent);
            } else if advances {
                self.latency_unmatched += 1;
            }
            return;
        }
        if !advances {
            return;
        }
        let in_window = max - e < WINDOW_SPAN;
        if e > max || (in_window && !self.window_has(e)) {
            self.counts.acks_beyond_seen += 1;
            return;
        }
        self.latency_unmatched += 1;
    }

    /// The statistics so far, with the numbers still inside the window
    /// settled: those never seen count as lost. Does not change the
    /// tracker, so it can be called at any time.
    pub fn stats(&self) -> SeqStats {
        let h = &self.hot;
        let mut s = self.counts.clone();
        s.packets = h.packets;
        s.data_packets = h.packets - s.ack_only_packets - s.unsequenced_packets;
        s.payload_bytes = h.payload_bytes;
        if h.packets > 0 {
            s.last_time = Some(Timestamp::new(h.last_secs, h.last_nanos));
            s.last_frame = Some(h.last_frame);
        }
        s.timeline.record(h.last_secs, h.pending_packets, h.pending_bytes);
        s.max_in_flight = h.max_in_flight_plus_one.checked_sub(1);
        s.acks_received = h.acks_received;
        s.acked_packets = h.acked_packets;
        let mut loss = h.loss;
        let mut expected = self.expected_closed;
        if h.max != NO_NUMBER {
            let from = h.first.max(h.max - WINDOW_SPAN + 1);
            // The window as the array and the top word hold it together.
            let mut window = h.buffers.window.clone();
            if h.top_valid {
                if let Some(word) = window.words.get_mut(position(h.max).0) {
                    *word = h.top_word;
                }
            }
            window.for_each_chunk(from, h.max + 1, |bits, n| loss.absorb(bits, n));
            expected += (h.max - h.first + 1).unsigned_abs();
            s.last_seq = Some(h.max as u32);
        }
        s.expected = expected;
        s.lost = loss.lost;
        s.largest_gap = loss.longest;
        s.max_ack = (h.max_ack_sent != NO_NUMBER).then_some(h.max_ack_sent as u32);
        s.ack_latency = latency_summary(h, self.latency_unmatched);
        s
    }

    /// Takes the latency sample `ns` when `counted`. Either way the sample
    /// is written to the slots the next counted one takes (which nothing
    /// reads before it is counted), so that whether it counts is one
    /// addition, not a branch.
    #[inline(always)]
    fn record_latency_if(&mut self, counted: bool, ns: i64) {
        let h = &mut self.hot;
        let n = h.latency_count;
        let b = &mut *h.buffers;
        if n < EXACT_LATENCY_SAMPLES as u64 {
            if let Some(slot) = b.latency_exact.get_mut(n as usize) {
                *slot = ns;
            }
        }
        let at = (n % LATENCY_BATCH as u64) as usize;
        if let Some(slot) = h.latency_pending.get_mut(at) {
            *slot = ns;
        }
        h.latency_count = n + u64::from(counted);
        if counted && at + 1 == LATENCY_BATCH {
            self.latency_batch();
        }
    }

    /// A batch of [`LATENCY_BATCH`] samples is complete: into the
    /// histogram with it.
    #[inline(never)]
    fn latency_batch(&mut self) {
        let h = &mut self.hot;
        h.buffers.latency.add(&h.latency_pending);
    }

    /// Whether `s` may be a second capture of a packet: its number was seen
    /// already, or is too old to tell.
    #[inline]
    fn already_seen(&self, s: u32) -> bool {
        let max = self.hot.max;
        if max == NO_NUMBER {
            return false;
        }
        let d = near(max, s) - max;
        if !(-SEQ_RESET_LIMIT..=0).contains(&d) {
            return false;
        }
        -d >= WINDOW_SPAN || self.window_has(max + d)
    }

    /// The capture time of the packet numbered `e` (at or after `first`,
    /// at most `max`), while its send-time slot holds it: `e` was seen and
    /// is within [`SEND_TIME_SLOTS`] of `max` (see [`SendTimes`]).
    #[inline]
    fn sent_time(&self, e: i64) -> Option<i64> {
        let max = self.hot.max;
        if e > max || max - e >= SEND_TIME_SLOTS as i64 || e < self.hot.first || !self.window_has(e) {
            return None;
        }
        self.hot.buffers.send_times.slot_time(e)
    }

    /// Whether number `e`, inside the window, was seen: its bit in
    /// [`Hot::top_word`] when that word is `e`'s, else in the window array.
    #[inline]
    fn window_has(&self, e: i64) -> bool {
        let h = &self.hot;
        let (w, b) = position(e);
        if h.top_valid && w == position(h.max).0 {
            (h.top_word >> b) & 1 == 1
        } else {
            h.buffers.window.is_set(e)
        }
    }

    /// Writes [`Hot::top_word`] back to the window array, which is then
    /// whole, and lets it go.
    fn write_back_top(&mut self) {
        let h = &mut self.hot;
        if h.top_valid {
            if let Some(word) = h.buffers.window.words.get_mut(position(h.max).0) {
                *word = h.top_word;
            }
            h.top_valid = false;
        }
    }

    /// The number after the highest, the common case: `e` takes the
    /// window slot of `e - WINDOW_BITS`, which leaves the window (the same
    /// bit).
    #[inline]
    fn in_order(&mut self, now: i64) -> SeqEvent {
        let e = self.hot.max + 1;
        self.note_in_flight(e);
        let (w, b) = position(e);
        let h = &mut self.hot;
        let before = if b != 0 && h.top_valid {
            h.top_word
        } else {
            // Bit 0 starts the next word: the one of `max` is written back
            // and the next read, once per WINDOW_BITS / 64 numbers.
            let words = &mut h.buffers.window.words;
            if h.top_valid {
                if let Some(word) = words.get_mut(position(h.max).0) {
                    *word = h.top_word;
                }
            }
            words.get(w).copied().unwrap_or(0)
        };
        if e - WINDOW_SPAN >= h.first {
            h.loss.absorb_one((before >> b) & 1 == 1);
        }
        h.top_word = before | 1 << b;
        h.top_valid = true;
        h.max = e;
        h.max_sent_ns = now;
        h.buffers.send_times.record(e, now);
        SeqEvent::InOrder
    }

    /// A sequence number other than the next in order: the first number,
    /// gaps, duplicates, late packets, restarts.
    #[inline(never)]
    fn on_seq_out_of_order(&mut self, s: u32, now: i64) -> SeqEvent {
        // What happens here reads and changes the window array.
        self.write_back_top();
        let max = self.hot.max;
        if max == NO_NUMBER {
            self.counts.first_seq = Some(s);
            self.start_numbering(s, now);
            return SeqEvent::First;
        }
        let e = unwrap(max, s);
        let d = e - max;
        if d.abs() > SEQ_RESET_LIMIT {
            self.close_numbering(max);
            self.counts.sequence_resets += 1;
            self.start_numbering(s, now);
            return SeqEvent::Reset;
        }
        if d > 0 {
            self.note_in_flight(e);
            self.advance(max, e);
            self.hot.max_sent_ns = now;
            self.hot.buffers.send_times.record(e, now);
            return match u32::try_from(d - 1) {
                Ok(0) => SeqEvent::InOrder,
                Ok(skipped) => SeqEvent::Gap { skipped },
                Err(_) => SeqEvent::Gap { skipped: u32::MAX },
            };
        }
        let behind = -d;
        if d == 0 || (behind < WINDOW_SPAN && self.hot.buffers.window.is_set(e)) {
            self.counts.duplicates += 1;
            return SeqEvent::Duplicate;
        }
        if behind >= WINDOW_SPAN {
            self.counts.late_unknown += 1;
            return SeqEvent::LateUnknown;
        }
        self.hot.buffers.window.set(e);
        if e < self.hot.first {
            self.counts.late_unknown += 1;
            return SeqEvent::LateUnknown;
        }
        self.counts.reordered += 1;
        self.counts.max_reorder_distance = self.counts.max_reorder_distance.max(behind.unsigned_abs());
        if behind < SEND_TIME_SLOTS as i64 {
            self.hot.buffers.send_times.record(e, now);
        }
        SeqEvent::Reordered {
            distance: u32::try_from(behind).unwrap_or(u32::MAX),
        }
    }

    fn start_numbering(&mut self, s: u32, now: i64) {
        let e = i64::from(s);
        self.hot.first = e;
        self.hot.max = e;
        self.hot.acked = NO_NUMBER;
        self.hot.loss.run = 0;
        self.hot.buffers.window.clear_all();
        self.hot.buffers.window.set(e);
        self.hot.max_sent_ns = now;
        self.hot.buffers.send_times.record(e, now);
    }

    /// Settles the window of a numbering that a restart ends.
    fn close_numbering(&mut self, max: i64) {
        self.retire(max - WINDOW_SPAN + 1, max + 1);
        self.hot.loss.run = 0;
        self.expected_closed += (max - self.hot.first + 1).unsigned_abs();
    }

    /// Numbers `[from, to)` leave the window: the unseen ones at or after
    /// `first` are finally lost.
    fn retire(&mut self, from: i64, to: i64) {
        let from = from.max(self.hot.first);
        if from < to {
            let loss = &mut self.hot.loss;
            self.hot
                .buffers
                .window
                .for_each_chunk(from, to, |bits, n| loss.absorb(bits, n));
        }
    }

    /// Moves the top of the window from `old_max` to `e` (`e > old_max`).
    /// At most [`WINDOW_BITS`] bits are visited, 64 at a time.
    fn advance(&mut self, old_max: i64, e: i64) {
        if e - old_max >= WINDOW_SPAN {
            self.retire(old_max - WINDOW_SPAN + 1, old_max + 1);
            // Skipped numbers that never even entered the window.
            self.hot
                .loss
                .absorb_unseen((e - WINDOW_SPAN - old_max).unsigned_abs());
            self.hot.buffers.window.clear_all();
        } else {
            self.retire(old_max - WINDOW_SPAN + 1, e - WINDOW_SPAN + 1);
            self.hot.buffers.window.clear_range(old_max + 1, e + 1);
        }
        self.hot.buffers.window.set(e);
        self.hot.max = e;
    }

    /// Packets outstanding once `e` is sent: RFC 2637 §4.4's sender stops
    /// when this reaches the peer's window. Measured only after an ack came
    /// back, since before that the acknowledged point is unknown.
    #[inline]
    fn note_in_flight(&mut self, e: i64) {
        let h = &mut self.hot;
        if h.acked == NO_NUMBER {
            return;
        }
        let in_flight = (e - h.acked).max(0).unsigned_abs();
        h.max_in_flight_plus_one = h.max_in_flight_plus_one.max(in_flight + 1);
        if h.window > 0 && in_flight > u64::from(h.window) {
            self.counts.window_exceeded += 1;
        }
    }
}

impl core::fmt::Debug for DirectionTracker {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let number = |e: i64| (e != NO_NUMBER).then_some(e);
        f.debug_struct("DirectionTracker")
            .field("first", &self.hot.first)
            .field("max", &number(self.hot.max))
            .field("acked", &number(self.hot.acked))
            .field("counts", &self.stats())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gre::wire::{classify, Gre, GreAnomalies};

    const BODY: [u8; 100] = {
        let mut b = [0u8; 100];
        let mut i = 0;
        while i < 100 {
            b[i] = (i as u8).wrapping_mul(37);
            i += 1;
        }
        b
    };

    fn data(seq: u32, ack: Option<u32>) -> PptpGre<'static> {
        PptpGre {
            payload_len: 100,
            call_id: 7,
            seq: Some(seq),
            ack,
            payload: &BODY,
            anomalies: GreAnomalies::empty(),
        }
    }

    fn ack_only(ack: u32) -> PptpGre<'static> {
        PptpGre {
            payload_len: 0,
            call_id: 9,
            seq: None,
            ack: Some(ack),
            payload: &[],
            anomalies: GreAnomalies::empty(),
        }
    }

    /// Capture time `us` microseconds after second 1000.
    fn at(us: i64) -> Timestamp {
        Timestamp::new(
            1000 + us.div_euclid(1_000_000),
            (us.rem_euclid(1_000_000) * 1000) as u32,
        )
    }

    fn origin(ident: u32) -> PacketOrigin {
        PacketOrigin {
            ip_ident: ident,
            iface: 0,
        }
    }

    /// Feeds data packets one millisecond apart, each with its own IP
    /// Identification, frames numbered from 1.
    fn feed(t: &mut DirectionTracker, seqs: &[u32]) -> Vec<SeqEvent> {
        seqs.iter()
            .enumerate()
            .map(|(i, &s)| {
                let i = i as u64;
                t.on_packet(&data(s, None), at(i as i64 * 1000), i + 1, origin(i as u32 + 1))
                    .event
            })
            .collect()
    }

    fn timeline(packets: Vec<u32>, bytes: Vec<u64>) -> Timeline {
        Timeline {
            start_secs: Some(1000),
            bucket_secs: 1,
            packets,
            bytes,
            before_start: 0,
        }
    }

    #[test]
    fn serial_arithmetic_wraps() {
        assert_eq!(seq_dist(0xFFFF_FFF0, 0x10), 0x20);
        assert_eq!(seq_dist(0x10, 0xFFFF_FFF0), -0x20);
        assert_eq!(seq_dist(0, 0x8000_0000), i32::MIN);
        assert!(seq_lt(0xFFFF_FFFF, 0));
        assert!(!seq_lt(0, 0xFFFF_FFFF));
        assert!(seq_lt(5, 6));
        assert!(!seq_lt(6, 6));
        // Undefined distance: neither is before the other.
        assert!(!seq_lt(0, 0x8000_0000));
        assert!(!seq_lt(0x8000_0000, 0));
        assert_eq!(unwrap(0xFFFF_FFFF, 0), 0x1_0000_0000);
        assert_eq!(unwrap(0x1_0000_0005, 0xFFFF_FFFE), 0xFFFF_FFFE);
        assert_eq!(unwrap(0x2_0000_0001, 1), 0x2_0000_0001);
        assert_eq!(unwrap(5, 0xFFFF_FFFF), -1);
        assert_eq!(unwrap(0x1_7FFF_FFFF, 0), 0x1_0000_0000);
    }

    #[test]
    fn in_order_stream() {
        let mut t = DirectionTracker::new();
        let seqs: Vec<u32> = (0..100).collect();
        let events = feed(&mut t, &seqs);
        assert_eq!(events[0], SeqEvent::First);
        assert!(events[1..].iter().all(|e| *e == SeqEvent::InOrder));
        assert_eq!(
            t.stats(),
            SeqStats {
                packets: 100,
                data_packets: 100,
                payload_bytes: 10_000,
                first_seq: Some(0),
                last_seq: Some(99),
                expected: 100,
                first_time: Some(at(0)),
                last_time: Some(at(99_000)),
                first_frame: Some(1),
                last_frame: Some(100),
                timeline: timeline(vec![100], vec![10_000]),
                ..SeqStats::default()
            }
        );
    }

    #[test]
    fn drops_are_lost_exactly() {
        let mut t = DirectionTracker::new();
        let seqs: Vec<u32> = (0..20).filter(|s| ![3, 7, 8, 15].contains(s)).collect();
        let events = feed(&mut t, &seqs);
        assert_eq!(events[3], SeqEvent::Gap { skipped: 1 });
        assert_eq!(events[6], SeqEvent::Gap { skipped: 2 });
        assert_eq!(events[12], SeqEvent::Gap { skipped: 1 });
        let s = t.stats();
        assert_eq!(s.data_packets, 16);
        assert_eq!(s.expected, 20);
        assert_eq!(s.lost, 4);
        assert_eq!(s.largest_gap, 2);
        assert_eq!((s.duplicates, s.reordered, s.late_unknown), (0, 0, 0));
        assert_eq!(s.loss_ratio(), 0.2);
        // Settling the open window does not change the tracker.
        assert_eq!(t.stats(), s);
    }

    #[test]
    fn loss_at_the_end_is_not_invented() {
        let mut t = DirectionTracker::new();
        feed(&mut t, &[0, 1, 2]);
        let s = t.stats();
        assert_eq!((s.lost, s.expected, s.last_seq), (0, 3, Some(2)));
    }

    #[test]
    fn duplicate_is_counted_not_lost() {
        let mut t = DirectionTracker::new();
        let events = feed(&mut t, &[0, 1, 2, 2, 3, 1]);
        assert_eq!(events[3], SeqEvent::Duplicate);
        assert_eq!(events[5], SeqEvent::Duplicate);
        let s = t.stats();
        assert_eq!(
            (
                s.packets,
                s.data_packets,
                s.payload_bytes,
                s.duplicates,
                s.capture_duplicates
            ),
            (6, 6, 600, 2, 0)
        );
        assert_eq!((s.lost, s.reordered, s.expected), (0, 0, 4));
    }

    #[test]
    fn reorder_filling_a_gap_is_not_loss() {
        let mut t = DirectionTracker::new();
        let events = feed(&mut t, &[0, 1, 3, 2, 4]);
        assert_eq!(
            events,
            [
                SeqEvent::First,
                SeqEvent::InOrder,
                SeqEvent::Gap { skipped: 1 },
                SeqEvent::Reordered { distance: 1 },
                SeqEvent::InOrder
            ]
        );
        let s = t.stats();
        assert_eq!(
            (s.lost, s.reordered, s.max_reorder_distance, s.largest_gap),
            (0, 1, 1, 0)
        );

        // Far across bitmap words: 5 arrives after 150.
        let mut t = DirectionTracker::new();
        let mut seqs: Vec<u32> = (0..200).filter(|&s| s != 5).collect();
        seqs.insert(150, 5);
        let events = feed(&mut t, &seqs);
        assert_eq!(events[150], SeqEvent::Reordered { distance: 145 });
        let s = t.stats();
        assert_eq!((s.lost, s.reordered, s.max_reorder_distance), (0, 1, 145));
    }

    /// Loss, duplicates, reordering and late arrivals as a plain set of
    /// seen numbers says they are, for streams that run in order for long
    /// stretches (the window word of the highest number is then kept
    /// aside) and jump about in between: across word boundaries, past the
    /// window, back before the first number, over the sequence wrap.
    #[test]
    fn window_agrees_with_a_set_of_seen_numbers() {
        use std::collections::HashSet;
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        for round in 0..12u64 {
            let start: i64 = if round % 4 == 0 { 0xFFFF_F000 } else { 1_000 };
            let mut numbers = Vec::new();
            let mut top = start;
            while numbers.len() < 20_000 {
                match next(1000) {
                    0..=899 => top += 1,
                    900..=939 => top += 2 + next(70) as i64,
                    940..=941 => top += 4_000 + next(200) as i64,
                    942..=969 => {
                        numbers.push(top - 1 - next(300) as i64);
                        continue;
                    }
                    970..=979 => {
                        numbers.push(top - 4_000 - next(200) as i64);
                        continue;
                    }
                    _ => {
                        numbers.push(top);
                        continue;
                    }
                }
                numbers.push(top);
            }
            let mut t = DirectionTracker::new();
            let (mut seen, mut first, mut max) = (HashSet::new(), 0i64, i64::MIN);
            let (mut dups, mut reordered, mut late, mut farthest) = (0u64, 0u64, 0u64, 0u64);
            for (i, &e) in numbers.iter().enumerate() {
                let i = i as u64;
                t.on_packet(
                    &data(e as u32, None),
                    at(i as i64 * 1000),
                    i + 1,
                    origin(i as u32 + 1),
                );
                if max == i64::MIN {
                    (first, max) = (e, e);
                    seen.insert(e);
                } else if e > max {
                    max = e;
                    seen.insert(e);
                } else if e == max || (max - e < WINDOW_SPAN && seen.contains(&e)) {
                    dups += 1;
                } else if max - e >= WINDOW_SPAN {
                    late += 1;
                } else if e < first {
                    late += 1;
                    seen.insert(e);
                } else {
                    reordered += 1;
                    farthest = farthest.max((max - e) as u64);
                    seen.insert(e);
                }
            }
            let (mut lost, mut run, mut longest) = (0u64, 0u64, 0u64);
            for e in first..=max {
                if seen.contains(&e) {
                    run = 0;
                } else {
                    lost += 1;
                    run += 1;
                    longest = longest.max(run);
                }
            }
            let s = t.stats();
            assert_eq!(
                (s.lost, s.largest_gap, s.duplicates, s.reordered, s.late_unknown),
                (lost, longest, dups, reordered, late),
                "round {round}"
            );
            assert_eq!(
                (s.max_reorder_distance, s.expected, s.last_seq),
                (farthest, (max - first + 1) as u64, Some(max as u32)),
                "round {round}"
            );
            assert_eq!((s.data_packets, s.packets), (20_000, 20_000));
        }
    }

    #[test]
    fn wrap_around_with_a_drop_on_each_side() {
        let mut t = DirectionTracker::new();
        let mut seqs: Vec<u32> = (0xFFFF_FFF0..=0xFFFF_FFFF)
            .filter(|&s| s != 0xFFFF_FFF5)
            .collect();
        seqs.extend((0..=0x0F).filter(|&s| s != 3));
        // And a reorder straddling the wrap: 0xFFFFFFFF after 0.
        let last_before = seqs.iter().position(|&s| s == 0xFFFF_FFFF).unwrap();
        let v = seqs.remove(last_before);
        seqs.insert(last_before + 1, v);
        let events = feed(&mut t, &seqs);
        assert_eq!(events[last_before], SeqEvent::Gap { skipped: 1 });
        assert_eq!(events[last_before + 1], SeqEvent::Reordered { distance: 1 });
        let s = t.stats();
        assert_eq!(s.first_seq, Some(0xFFFF_FFF0));
        assert_eq!(s.last_seq, Some(0x0F));
        assert_eq!(s.data_packets, 30);
        assert_eq!(s.expected, 32);
        assert_eq!(s.lost, 2);
        assert_eq!(s.largest_gap, 1);
        assert_eq!(s.reordered, 1);
        assert_eq!(s.sequence_resets, 0);
    }

    #[test]
    fn ack_only_stream_acknowledges_the_reverse() {
        let mut a = DirectionTracker::new();
        let mut b = DirectionTracker::new();
        // A sends 0..10 one millisecond apart; after each odd number B
        // sends an ack-only packet 500 µs later.
        for s in 0..10u32 {
            let t = i64::from(s) * 1000;
            let seen = a.on_packet(&data(s, None), at(t), u64::from(s) * 2 + 1, origin(s + 1));
            assert_eq!(seen.ack, None);
            if s % 2 == 1 {
                let seen = b.on_packet(&ack_only(s), at(t + 500), u64::from(s) * 2 + 2, origin(900 + s));
                assert_eq!(
                    seen,
                    Observation {
                        event: SeqEvent::AckOnly,
                        ack: Some(s)
                    }
                );
                a.on_peer_ack(s, at(t + 500));
            }
        }
        assert_eq!(
            b.stats(),
            SeqStats {
                packets: 5,
                ack_only_packets: 5,
                max_ack: Some(9),
                first_time: Some(at(1500)),
                last_time: Some(at(9500)),
                first_frame: Some(4),
                last_frame: Some(20),
                timeline: timeline(vec![5], vec![0]),
                ..SeqStats::default()
            }
        );
        let s = a.stats();
        assert_eq!(s.acks_received, 5);
        assert_eq!(s.acked_packets, 10);
        assert_eq!(s.acks_beyond_seen, 0);
        assert_eq!(
            s.ack_latency,
            AckLatency {
                samples: 5,
                min: Some(0.0005),
                median: Some(0.0005),
                max: Some(0.0005),
                median_exact: true,
                unmatched: 0,
            }
        );
        // In flight at 2, 4, 6, 8: two packets since the last ack (1, 3, …).
        assert_eq!(s.max_in_flight, Some(2));
        assert_eq!(s.window_exceeded, 0);
    }

    #[test]
    fn acks_beyond_what_the_capture_saw() {
        let mut a = DirectionTracker::new();
        a.on_peer_ack(77, at(0)); // before any data
        let seqs: Vec<u32> = (0..10).filter(|&s| s != 5).collect();
        feed(&mut a, &seqs);
        for (i, ack) in [4u32, 5, 9, 9, 3, 12, 0x8000_0000].into_iter().enumerate() {
            a.on_peer_ack(ack, at(20_000 + i as i64 * 1000));
        }
        let s = a.stats();
        assert_eq!(s.acks_received, 8);
        assert_eq!(s.acks_before_data, 1);
        assert_eq!(s.acks_out_of_range, 1);
        // 5 (a gap the peer received) and 12 (above the highest seen).
        assert_eq!(s.acks_beyond_seen, 2);
        assert_eq!(s.ack_regressions, 1);
        // [0,4], [5], [6,9]; nothing above 9 was seen.
        assert_eq!(s.acked_packets, 10);
        assert_eq!(s.lost, 1);
        // Samples for 4 (sent at 4 ms, acked at 20 ms) and 9 (sent at
        // 8 ms, the ninth packet; acked at 22 ms).
        assert_eq!(s.ack_latency.samples, 2);
        assert_eq!(s.ack_latency.min, Some(0.014));
        assert_eq!(s.ack_latency.max, Some(0.016));
    }

    /// An ack names a number seen but no longer among the send times, or
    /// one whose send time lies after the ack: unmatched, not a sample.
    #[test]
    fn acks_without_a_usable_send_time_are_unmatched() {
        let mut a = DirectionTracker::new();
        let seqs: Vec<u32> = (0..300).collect();
        feed(&mut a, &seqs);
        a.on_peer_ack(100, at(400_000)); // sent at 100 ms, slot reused since
        a.on_peer_ack(250, at(100_000)); // "acked" before it was sent
        a.on_peer_ack(299, at(500_000)); // sent at 299 ms
        let s = a.stats();
        assert_eq!(
            (s.acks_received, s.acked_packets, s.acks_beyond_seen),
            (3, 300, 0)
        );
        assert_eq!(
            s.ack_latency,
            AckLatency {
                samples: 1,
                min: Some(0.201),
                median: Some(0.201),
                max: Some(0.201),
                median_exact: true,
                unmatched: 2,
            }
        );
    }

    /// A send-time slot holds no number: an ack naming a lost number whose
    /// slot an older number wrote must not take that older send time.
    #[test]
    fn ack_of_a_lost_number_takes_no_send_time_from_its_slot() {
        let mut a = DirectionTracker::new();
        let seqs: Vec<u32> = (0..300).filter(|&n| n != 250).collect();
        feed(&mut a, &seqs);
        // Slot 250 mod 128 = 122 was last written by number 122.
        a.on_peer_ack(250, at(400_000));
        a.on_peer_ack(251, at(400_000)); // sent at 250 ms (the 250th packet)
        let s = a.stats();
        assert_eq!((s.acks_received, s.acks_beyond_seen, s.lost), (2, 1, 1));
        assert_eq!(s.ack_latency.samples, 1);
        assert_eq!(s.ack_latency.min, Some(0.15));
        assert_eq!(s.ack_latency.unmatched, 0);
    }

    #[test]
    fn ack_latency_min_median_max_exact() {
        let mut a = DirectionTracker::new();
        let ms = |m: i64| at(m * 1000);
        let send = |a: &mut DirectionTracker, s: u32, t: i64| {
            a.on_packet(&data(s, None), ms(t), u64::from(s) + 1, origin(s + 1));
        };
        send(&mut a, 0, 0);
        a.on_peer_ack(0, ms(5)); // 5 ms
        send(&mut a, 1, 10);
        send(&mut a, 2, 20);
        a.on_peer_ack(1, ms(22)); // 12 ms
        send(&mut a, 3, 30);
        a.on_peer_ack(2, ms(50)); // 30 ms
        send(&mut a, 4, 60);
        a.on_peer_ack(4, ms(67)); // 7 ms (3 is covered, not sampled)
        let s = a.stats();
        assert_eq!(
            s.ack_latency,
            AckLatency {
                samples: 4,
                min: Some(0.005),
                median: Some(0.007),
                max: Some(0.030),
                median_exact: true,
                unmatched: 0,
            }
        );
        assert_eq!(s.acked_packets, 5);
    }

    #[test]
    fn ack_latency_median_from_the_histogram() {
        let mut a = DirectionTracker::new();
        // Packet i at i seconds, acked (i + 1) ms later: samples 1..=101 ms.
        for i in 0..101u32 {
            let t = i64::from(i) * 1_000_000;
            a.on_packet(&data(i, None), at(t), u64::from(i) + 1, origin(i + 1));
            a.on_peer_ack(i, at(t + (i64::from(i) + 1) * 1000));
        }
        let l = a.stats().ack_latency;
        // The true median, 51 ms, lies in the bucket [49152, 51200) µs,
        // reported as its midpoint.
        assert_eq!(
            l,
            AckLatency {
                samples: 101,
                min: Some(0.001),
                median: Some(0.050176),
                max: Some(0.101),
                median_exact: false,
                unmatched: 0,
            }
        );
    }

    /// Samples reach the histogram in batches; every sample counts in the
    /// summary whatever the batch boundary, the last ones included.
    #[test]
    fn latency_batches_are_all_counted() {
        for n in [1u32, 7, 8, 9, 31, 32, 33, 39, 40, 41, 64, 100] {
            let mut a = DirectionTracker::new();
            // Packet i at i seconds, acked (n - i) ms later: samples n..1 ms.
            for i in 0..n {
                let t = i64::from(i) * 1_000_000;
                a.on_packet(&data(i, None), at(t), u64::from(i) + 1, origin(i + 1));
                a.on_peer_ack(i, at(t + i64::from(n - i) * 1000));
            }
            let l = a.stats().ack_latency;
            let rank_ms = u64::from(n.div_ceil(2));
            let median = if n <= EXACT_LATENCY_SAMPLES as u32 {
                rank_ms as f64 / 1e3
            } else {
                let (lower, width) = latency_bucket_bounds(latency_bucket(rank_ms as i64 * 1_000_000));
                ((lower as f64 + width as f64 / 2.0) / 1e6).clamp(0.001, f64::from(n) / 1e3)
            };
            assert_eq!(
                l,
                AckLatency {
                    samples: u64::from(n),
                    min: Some(0.001),
                    median: Some(median),
                    max: Some(f64::from(n) / 1e3),
                    median_exact: n <= EXACT_LATENCY_SAMPLES as u32,
                    unmatched: 0,
                },
                "{n} samples"
            );
        }
    }

    /// `max_ack` is the highest Ack sent in serial order (RFC 1982): it
    /// follows the numbers across 2^32, and an older Ack arriving late
    /// leaves it alone.
    #[test]
    fn highest_ack_in_serial_order_across_the_wrap() {
        let cases: [(&[u32], u32); 5] = [
            (&[5], 5),
            (&[5, 3], 5),
            (&[0xFFFF_FFF0, 0xFFFF_FFFF, 2, 0xFFFF_FFFE], 2),
            (&[0xFFFF_FFFF, 0], 0),
            (&[7, 7, 0x8000_0006], 0x8000_0006),
        ];
        for (acks, want) in cases {
            let mut t = DirectionTracker::new();
            for (i, &a) in acks.iter().enumerate() {
                t.on_packet(&ack_only(a), at(i as i64), i as u64 + 1, origin(i as u32 + 1));
            }
            assert_eq!(t.stats().max_ack, Some(want), "{acks:x?}");
        }
        assert_eq!(DirectionTracker::new().stats().max_ack, None);
    }

    /// A repeated ack takes no latency sample, though it writes its value
    /// where the next sample goes: every summary is that of the run
    /// without the repeats, on both sides of the exact-sample limit and
    /// of every batch boundary.
    #[test]
    fn repeated_acks_leave_the_latency_samples_alone() {
        for n in [3u32, 8, 9, 33, 40, 100] {
            let run = |repeats: bool| {
                let mut a = DirectionTracker::new();
                for i in 0..n {
                    let t = i64::from(i) * 1_000_000;
                    a.on_packet(&data(i, None), at(t), u64::from(i) + 1, origin(i + 1));
                    a.on_peer_ack(i, at(t + i64::from(n - i) * 1000));
                    if repeats {
                        // Half a second later: a sample of ~500 ms if taken.
                        a.on_peer_ack(i, at(t + 500_000));
                        a.on_peer_ack(i, at(t + 900_000));
                    }
                }
                a.stats()
            };
            let (plain, repeated) = (run(false), run(true));
            assert_eq!(repeated.ack_latency, plain.ack_latency, "{n} samples");
            assert_eq!(repeated.ack_latency.samples, u64::from(n));
            assert_eq!(repeated.acked_packets, plain.acked_packets);
            assert_eq!(repeated.acks_received, 3 * plain.acks_received);
        }
    }

    #[test]
    fn latency_buckets_hold_their_values_within_a_sixteenth() {
        let mut last = 0;
        for us in (0..200_000u64).chain([(1 << 32) - 1, 1 << 40]) {
            let i = latency_bucket(us as i64 * 1000);
            assert!(i >= last && i < LATENCY_BUCKETS, "{us}");
            last = i;
            let (lower, width) = latency_bucket_bounds(i);
            let v = us.min((1 << 32) - 1);
            assert!(lower <= v && v < lower + width, "{us}: {lower}+{width}");
            assert!(us < 16 || width * 16 <= lower, "{us}");
        }
    }

    #[test]
    fn window_exceeded_against_the_announced_window() {
        let mut a = DirectionTracker::new();
        a.set_peer_window(4);
        feed(&mut a, &[0]);
        a.on_peer_ack(0, at(500));
        for s in 1..=8u32 {
            a.on_packet(
                &data(s, None),
                at(i64::from(s) * 1000),
                u64::from(s) + 1,
                origin(s + 1),
            );
        }
        a.on_peer_ack(8, at(9000));
        a.on_packet(&data(9, None), at(9500), 10, origin(10));
        let s = a.stats();
        assert_eq!(s.peer_window, Some(4));
        assert_eq!(s.max_in_flight, Some(8));
        // 5, 6, 7 and 8 were sent with more than 4 outstanding.
        assert_eq!(s.window_exceeded, 4);
    }

    #[test]
    fn sequence_reset_is_not_reordering() {
        let mut t = DirectionTracker::new();
        let mut seqs: Vec<u32> = (0..10).filter(|&s| s != 4).collect();
        seqs.extend((5_000_000..5_000_006).filter(|&s| s != 5_000_002));
        seqs.extend([3, 4, 5]);
        let events = feed(&mut t, &seqs);
        assert_eq!(events[9], SeqEvent::Reset);
        assert_eq!(events[14], SeqEvent::Reset);
        assert_eq!(events[15], SeqEvent::InOrder);
        let s = t.stats();
        assert_eq!(s.sequence_resets, 2);
        assert_eq!(s.first_seq, Some(0));
        assert_eq!(s.last_seq, Some(5));
        // 10 + 6 + 3 numbered; 4 and 5_000_002 never seen.
        assert_eq!(s.expected, 19);
        assert_eq!(s.lost, 2);
        assert_eq!((s.reordered, s.duplicates, s.late_unknown), (0, 0, 0));
    }

    #[test]
    fn late_beyond_the_window_is_unknown() {
        let mut t = DirectionTracker::new();
        let mut seqs: Vec<u32> = (0..5000).filter(|&s| s != 20).collect();
        seqs.extend([20, 10]);
        let events = feed(&mut t, &seqs);
        assert_eq!(events[events.len() - 2], SeqEvent::LateUnknown);
        assert_eq!(events[events.len() - 1], SeqEvent::LateUnknown);
        let s = t.stats();
        assert_eq!((s.lost, s.late_unknown, s.reordered, s.duplicates), (1, 2, 0, 0));

        // Before the first number seen: unknown once, then a duplicate.
        let mut t = DirectionTracker::new();
        let events = feed(&mut t, &[100, 101, 99, 99]);
        assert_eq!(events[2..], [SeqEvent::LateUnknown, SeqEvent::Duplicate]);
        let s = t.stats();
        assert_eq!((s.lost, s.late_unknown, s.duplicates, s.expected), (0, 1, 1, 2));
    }

    #[test]
    fn big_gap_beyond_the_window_is_lost_exactly() {
        let mut t = DirectionTracker::new();
        let events = feed(&mut t, &[0, 1, 10_001, 10_002]);
        assert_eq!(events[2], SeqEvent::Gap { skipped: 9999 });
        let s = t.stats();
        assert_eq!((s.lost, s.largest_gap, s.expected), (9999, 9999, 10_003));
    }

    /// A stream with drops, a protocol duplicate, a reorder and acks, fed
    /// to `data_dir` (and its acks to `ack_dir`); with `twice`, every
    /// packet is captured again 50 µs later on another interface.
    fn scripted(twice: bool) -> (SeqStats, SeqStats) {
        let mut a = DirectionTracker::new();
        let mut b = DirectionTracker::new();
        a.set_peer_window(3);
        let script: [(bool, u32, u32); 12] = [
            // (from A?, seq or ack, IP ident)
            (true, 0, 10),
            (true, 1, 11),
            (false, 1, 50),
            (true, 3, 12),
            (true, 2, 13),
            (true, 4, 14),
            (true, 4, 15), // protocol duplicate: new IP ident
            (false, 4, 51),
            (true, 6, 16),
            (true, 7, 17),
            (true, 8, 18),
            (true, 9, 19),
        ];
        let mut frame = 0;
        for (i, &(from_a, n, ident)) in script.iter().enumerate() {
            let t = i as i64 * 1000;
            let copies = if twice { 2 } else { 1 };
            for copy in 0..copies {
                frame += 1;
                let o = PacketOrigin {
                    ip_ident: ident,
                    iface: copy,
                };
                let ts = at(t + i64::from(copy) * 50);
                if from_a {
                    let seen = a.on_packet(&data(n, None), ts, frame, o);
                    assert_eq!(seen.event == SeqEvent::CaptureDuplicate, copy == 1);
                } else {
                    let seen = b.on_packet(&ack_only(n), ts, frame, o);
                    assert_eq!(seen.event == SeqEvent::CaptureDuplicate, copy == 1);
                    if let Some(ack) = seen.ack {
                        a.on_peer_ack(ack, ts);
                    }
                }
            }
        }
        (a.stats(), b.stats())
    }

    #[test]
    fn every_packet_seen_twice_counts_once() {
        let (a1, b1) = scripted(false);
        let (a2, b2) = scripted(true);
        assert_eq!(a1.data_packets, 10);
        assert_eq!(a1.duplicates, 1);
        assert_eq!(a1.reordered, 1);
        assert_eq!(a1.lost, 1);
        assert_eq!(a1.acked_packets, 5);
        assert_eq!(a1.max_in_flight, Some(5));
        assert_eq!(a1.window_exceeded, 2);
        assert_eq!(a2.capture_duplicates, 10);
        assert_eq!(b2.capture_duplicates, 2);
        // Apart from the duplicates count and the frame numbers (every
        // original is an odd frame of the doubled capture), the same.
        let renumber = |s: &SeqStats, dups| SeqStats {
            capture_duplicates: dups,
            first_frame: None,
            last_frame: None,
            ..s.clone()
        };
        assert_eq!(renumber(&a2, 0), renumber(&a1, 0));
        assert_eq!(renumber(&b2, 0), renumber(&b1, 0));
        assert_eq!(a2.last_frame, Some(23));
        assert_eq!(a1.last_frame, Some(12));
    }

    #[test]
    fn without_ip_ident_only_close_copies_are_capture_duplicates() {
        let mut t = DirectionTracker::new();
        let same = PacketOrigin {
            ip_ident: 0,
            iface: 0,
        };
        let other = PacketOrigin {
            ip_ident: 0,
            iface: 1,
        };
        t.on_packet(&data(0, None), at(0), 1, same);
        let copy = t.on_packet(&data(0, None), at(5_000), 2, same);
        assert_eq!(copy.event, SeqEvent::CaptureDuplicate);
        let late = t.on_packet(&data(0, None), at(20_000), 3, same);
        assert_eq!(late.event, SeqEvent::Duplicate);
        t.on_packet(&data(1, None), at(30_000), 4, same);
        let via_other = t.on_packet(&data(1, None), at(50_000), 5, other);
        assert_eq!(via_other.event, SeqEvent::CaptureDuplicate);
        // Same IP ident but other bytes: a protocol duplicate.
        let mut changed = data(1, None);
        changed.payload = &BODY[..99];
        changed.payload_len = 99;
        assert_eq!(
            t.on_packet(&changed, at(50_100), 6, same).event,
            SeqEvent::Duplicate
        );
        let s = t.stats();
        assert_eq!((s.capture_duplicates, s.duplicates, s.packets), (2, 2, 4));
    }

    #[test]
    fn million_packets_with_drops_and_reorders() {
        let n = 1_000_000u32;
        let mut order: Vec<u32> = (0..n).filter(|s| s % 1000 != 999).collect();
        // 200 adjacent swaps.
        let mut swaps = 0;
        let mut i = 0;
        while i + 1 < order.len() {
            if order[i] % 5000 == 100 {
                order.swap(i, i + 1);
                swaps += 1;
                i += 1;
            }
            i += 1;
        }
        // 10 packets delayed until after the 200 numbers that follow them.
        let mut delays = 0;
        for target in (50_000..n).step_by(100_000) {
            let from = order.iter().position(|&s| s == target).unwrap();
            let v = order.remove(from);
            let after = order.iter().position(|&s| s == target + 200).unwrap();
            order.insert(after + 1, v);
            delays += 1;
        }
        assert_eq!((swaps, delays), (200, 10));
        let mut t = DirectionTracker::new();
        for (i, &s) in order.iter().enumerate() {
            t.on_packet(&data(s, None), at(i as i64), i as u64 + 1, origin(i as u32));
        }
        let s = t.stats();
        assert_eq!(s.data_packets, 999_000);
        // 999_999 was dropped too, but loss after the last seen is unknowable.
        assert_eq!(s.last_seq, Some(999_998));
        assert_eq!(s.expected, 999_999);
        assert_eq!(s.lost, 999);
        assert_eq!(s.largest_gap, 1);
        assert_eq!(s.reordered, 210);
        assert_eq!(s.max_reorder_distance, 200);
        assert_eq!((s.duplicates, s.late_unknown, s.capture_duplicates), (0, 0, 0));
        assert_eq!(s.timeline.packets, vec![999_000]);
    }

    #[test]
    fn timeline_coarsens_when_full() {
        let mut t = DirectionTracker::new();
        for sec in 0..=600u32 {
            t.on_packet(
                &data(sec, None),
                at(i64::from(sec) * 1_000_000),
                1,
                origin(sec + 1),
            );
        }
        t.on_packet(&data(601, None), at(-5_000_000), 2, origin(9999));
        let tl = t.stats().timeline;
        assert_eq!(tl.start_secs, Some(1000));
        assert_eq!(tl.bucket_secs, 4);
        assert_eq!(tl.before_start, 1);
        let mut packets = vec![4u32; 151];
        packets[0] = 5;
        packets[150] = 1;
        assert_eq!(tl.packets, packets);
        assert_eq!(
            tl.bytes,
            packets.iter().map(|&p| u64::from(p) * 100).collect::<Vec<_>>()
        );
    }

    /// The timeline gathers a second's packets before adding them; packets
    /// of an earlier second, or from before the first, still land where
    /// they belong, and `stats` in between changes nothing.
    #[test]
    fn timeline_gathers_seconds_in_any_order() {
        let mut t = DirectionTracker::new();
        let secs = [0i64, 0, 1, 0, -1, 3, 3];
        for (i, &sec) in secs.iter().enumerate() {
            let i = i as u32;
            t.on_packet(
                &data(i, None),
                at(sec * 1_000_000 + i64::from(i)),
                1,
                origin(i + 1),
            );
            if i == 2 {
                assert_eq!(t.stats().timeline, timeline(vec![2, 1], vec![200, 100]));
            }
        }
        let tl = t.stats().timeline;
        assert_eq!(
            tl,
            Timeline {
                before_start: 1,
                ..timeline(vec![4, 1, 0, 2], vec![400, 100, 0, 200])
            }
        );
        assert_eq!(t.stats().timeline, tl);
    }

    #[test]
    fn stats_serialise_with_exact_field_names() {
        let mut t = DirectionTracker::new();
        feed(&mut t, &[0, 2]);
        let json = serde_json::to_value(t.stats()).unwrap();
        let names: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        for name in [
            "packets",
            "data_packets",
            "ack_only_packets",
            "payload_bytes",
            "first_seq",
            "last_seq",
            "lost",
            "duplicates",
            "reordered",
            "capture_duplicates",
            "max_ack",
            "largest_gap",
            "sequence_resets",
            "late_unknown",
            "max_reorder_distance",
            "acks_received",
            "acked_packets",
            "acks_beyond_seen",
            "ack_latency",
            "max_in_flight",
            "window_exceeded",
            "first_time",
            "last_time",
            "first_frame",
            "last_frame",
            "timeline",
        ] {
            assert!(names.contains(&name), "{name}");
        }
        assert_eq!(json["lost"], 1);
        assert_eq!(json["first_time"], 1000.0);
        assert_eq!(json["timeline"]["packets"], serde_json::json!([2]));
        assert_eq!(
            serde_json::to_value(SeqEvent::Gap { skipped: 3 }).unwrap(),
            serde_json::json!({"event": "gap", "skipped": 3})
        );
    }

    // P1: a clean PAP session, 17 GRE packets (captures/MANIFEST.md).
    #[test]
    fn packetlife_session_both_directions() {
        use crate::gre::wire::tests::captured_gre;
        let Some(packets) = captured_gre("epiecs_packetlife-backup__PPTP_negotiation.cap") else {
            return;
        };
        // Direction A: 20.0.0.2 → 20.0.0.1, Call ID 24; B the reverse, 1.
        let mut a = DirectionTracker::new();
        let mut b = DirectionTracker::new();
        for p in &packets {
            let Gre::Pptp(g) = classify(&p.gre) else {
                panic!("frame {} is not PPTP", p.frame);
            };
            let from_a = p.src == std::net::IpAddr::from([20, 0, 0, 2]);
            assert_eq!(
                p.dst,
                std::net::IpAddr::from(if from_a { [20, 0, 0, 1] } else { [20, 0, 0, 2] })
            );
            assert_eq!(g.call_id, if from_a { 24 } else { 1 });
            let o = PacketOrigin {
                ip_ident: p.ident,
                iface: p.iface,
            };
            let (tx, rx) = if from_a {
                (&mut a, &mut b)
            } else {
                (&mut b, &mut a)
            };
            if let Some(ack) = tx.on_packet(&g, p.ts, p.frame, o).ack {
                rx.on_peer_ack(ack, p.ts);
            }
        }
        let mut tl = vec![0u32; 72];
        let mut tb = vec![0u64; 72];
        for (i, n, bytes) in [(0, 1, 14), (2, 1, 18), (11, 6, 74), (71, 2, 88)] {
            tl[i] = n;
            tb[i] = bytes;
        }
        assert_eq!(
            a.stats(),
            SeqStats {
                packets: 10,
                data_packets: 8,
                ack_only_packets: 2,
                payload_bytes: 194,
                first_seq: Some(0),
                last_seq: Some(7),
                expected: 8,
                max_ack: Some(7),
                acks_received: 7,
                acked_packets: 8,
                ack_latency: AckLatency {
                    samples: 5,
                    min: Some(0.000519),
                    median: Some(0.001037),
                    max: Some(0.025858),
                    median_exact: true,
                    unmatched: 0,
                },
                max_in_flight: Some(3),
                first_time: Some(Timestamp::new(1_405_518_649, 834_143_000)),
                last_time: Some(Timestamp::new(1_405_518_720, 697_808_000)),
                first_frame: Some(11),
                last_frame: Some(28),
                timeline: Timeline {
                    start_secs: Some(1_405_518_649),
                    bucket_secs: 1,
                    packets: tl,
                    bytes: tb,
                    before_start: 0,
                },
                ..SeqStats::default()
            }
        );
        let s = b.stats();
        assert_eq!(
            (s.packets, s.data_packets, s.ack_only_packets, s.payload_bytes),
            (7, 7, 0, 171)
        );
        assert_eq!(
            (s.first_seq, s.last_seq, s.expected, s.lost),
            (Some(1), Some(7), 7, 0)
        );
        // Its first ack, 0xFFFFFFFF, is RFC 2890's "nothing received yet".
        assert_eq!(s.max_ack, Some(7));
        assert_eq!((s.acks_received, s.acked_packets, s.acks_beyond_seen), (7, 7, 0));
        assert_eq!(
            s.ack_latency,
            AckLatency {
                samples: 7,
                min: Some(0.000059),
                median: Some(0.000084),
                max: Some(0.499078),
                median_exact: true,
                unmatched: 0,
            }
        );
        assert_eq!(s.max_in_flight, Some(1));
    }
}
