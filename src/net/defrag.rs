//! IP fragment reassembly for IPv4 (RFC 791 §3.2, RFC 815) and IPv6
//! (RFC 8200 §4.5), bounded in datagrams, bytes and capture time.
//!
//! Only this module owns packet bytes: a datagram under reassembly is copied
//! into its own buffer, which is handed to the caller once complete.
//! Overlapping bytes keep their first copy (the policy RFC 5722 asks of
//! IPv6, applied to IPv4 too so both versions read the same), and every
//! overlap is counted.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use serde::Serialize;

use crate::capture::Timestamp;
use crate::config::Limits;

/// Protocol slot used in IPv6 keys: RFC 8200 §4.5 identifies a datagram by
/// source, destination and Fragment Identification only, and lets the Next
/// Header of non-first fragments differ, so the key holds the Fragment
/// header's own number instead of a transport protocol.
pub const IPV6_FRAGMENT_KEY_PROTOCOL: u8 = 44;

/// What identifies the fragments of one datagram: (source, destination,
/// protocol, identification), RFC 791 §3.2 for IPv4; for IPv6 the protocol
/// is [`IPV6_FRAGMENT_KEY_PROTOCOL`]. Never the identification alone: IDs
/// repeat across hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FragmentKey {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub protocol: u8,
    pub ident: u32,
}

/// One fragment, its payload borrowed from the frame.
#[derive(Debug, Clone, Copy)]
pub struct Fragment<'a> {
    /// Fragment Offset in bytes (the header's 8-octet units times 8).
    pub offset: u32,
    /// The More Fragments flag: false on the last fragment.
    pub more: bool,
    /// The fragment's data (after the IPv4 header or the IPv6 Fragment
    /// header).
    pub payload: &'a [u8],
    /// IPv4 TTL or IPv6 Hop Limit of this fragment.
    pub ttl: u8,
    /// IPv4 Protocol, or the Next Header of the IPv6 Fragment header.
    pub protocol: u8,
}

/// A datagram rebuilt from its fragments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reassembled {
    /// The whole datagram payload (IPv4) or fragmentable part (IPv6).
    pub payload: Vec<u8>,
    /// TTL / Hop Limit of the fragment at offset zero.
    pub ttl: u8,
    /// Protocol / Next Header of the fragment at offset zero: the one that
    /// describes the payload (RFC 8200 §4.5).
    pub protocol: u8,
}

/// Counts of the reassembly work and of every bound that was hit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FragmentStats {
    /// Fragments offered for reassembly.
    pub fragments: u64,
    /// Datagrams completed.
    pub reassembled: u64,
    /// Incomplete datagrams dropped to make room (`ip_fragments_pending`).
    pub evicted: u64,
    /// Incomplete datagrams dropped after `ip_fragment_timeout_secs`.
    pub timed_out: u64,
    /// Fragments that repeated bytes already held (the first copy was kept).
    pub overlaps: u64,
    /// Datagrams dropped for growing past `ip_fragment_bytes`.
    pub oversize: u64,
    /// Fragments ignored because they contradict the datagram's known end
    /// (data past the last fragment, or two different last fragments).
    pub inconsistent: u64,
    /// Incomplete datagrams still held when the capture ended.
    pub unfinished: u64,
}

/// What happened to a fragment offered to [`Defragmenter::push`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Held; the datagram is still incomplete.
    Pending,
    /// This fragment completed the datagram.
    Complete(Reassembled),
    /// Not held (a bound was hit or the fragment was inconsistent; counted).
    Dropped,
}

struct Pending {
    /// Order of creation; tells a live queue entry from a stale one.
    serial: u64,
    first_seen: Timestamp,
    buffer: Vec<u8>,
    /// Byte ranges held, sorted, disjoint and non-adjacent.
    held: Vec<(u32, u32)>,
    /// Set by the fragment with More Fragments clear.
    end: Option<u32>,
    /// TTL and protocol of the fragment at offset zero.
    first: Option<(u8, u8)>,
}

/// Reassembles fragmented datagrams, holding at most `ip_fragments_pending`
/// of them, each at most `ip_fragment_bytes` long and for at most
/// `ip_fragment_timeout_secs` of capture time after its first fragment.
pub struct Defragmenter {
    max_pending: usize,
    max_bytes: usize,
    timeout_secs: f64,
    pending: HashMap<FragmentKey, Pending>,
    /// Creation order, oldest first, for eviction and timeouts. Entries of
    /// datagrams that completed stay until they reach the front or the
    /// queue is compacted.
    order: VecDeque<(FragmentKey, u64)>,
    next_serial: u64,
}

impl Defragmenter {
    /// An empty reassembly table bounded by the `ip_fragment*` limits.
    pub fn new(limits: &Limits) -> Self {
        Defragmenter {
            max_pending: limits.ip_fragments_pending,
            max_bytes: limits.ip_fragment_bytes,
            timeout_secs: f64::from(limits.ip_fragment_timeout_secs),
            pending: HashMap::new(),
            order: VecDeque::new(),
            next_serial: 0,
        }
    }

    /// Datagrams currently under reassembly.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Drops the datagrams whose first fragment is older than the timeout
    /// at capture time `now`.
    pub fn expire(&mut self, now: Timestamp, stats: &mut FragmentStats) {
        while let Some(&(key, serial)) = self.order.front() {
            match self.pending.get(&key) {
                Some(p) if p.serial == serial => {
                    if now.secs_since(p.first_seen) <= self.timeout_secs {
                        break;
                    }
                    self.pending.remove(&key);
                    stats.timed_out += 1;
                }
                _ => {}
            }
            self.order.pop_front();
        }
    }

    /// Drops every incomplete datagram (end of capture), counting them.
    pub fn finish(&mut self, stats: &mut FragmentStats) {
        stats.unfinished += self.pending.len() as u64;
        self.pending.clear();
        self.order.clear();
    }

    /// Offers one fragment seen at capture time `now`.
    pub fn push(
        &mut self,
        key: FragmentKey,
        fragment: Fragment<'_>,
        now: Timestamp,
        stats: &mut FragmentStats,
    ) -> Outcome {
        stats.fragments += 1;
        let Some(end) = u32::try_from(fragment.payload.len())
            .ok()
            .and_then(|len| fragment.offset.checked_add(len))
        else {
            stats.oversize += 1;
            self.pending.remove(&key);
            return Outcome::Dropped;
        };
        if usize::try_from(end).map_or(true, |end| end > self.max_bytes) {
            stats.oversize += 1;
            self.pending.remove(&key);
            return Outcome::Dropped;
        }
        if !self.pending.contains_key(&key) && !self.make_room(stats) {
            return Outcome::Dropped;
        }
        let serial = self.next_serial;
        let entry = match self.pending.entry(key) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => {
                self.next_serial += 1;
                self.order.push_back((key, serial));
                v.insert(Pending {
                    serial,
                    first_seen: now,
                    buffer: Vec::new(),
                    held: Vec::new(),
                    end: None,
                    first: None,
                })
            }
        };

        let start = fragment.offset;
        let consistent = match entry.end {
            Some(known) => end <= known && (fragment.more || end == known),
            None => fragment.more || entry.held.last().is_none_or(|&(_, e)| e <= end),
        };
        if !consistent {
            stats.inconsistent += 1;
            return Outcome::Pending;
        }
        if !fragment.more {
            entry.end = Some(end);
        }
        if start == 0 && entry.first.is_none() {
            entry.first = Some((fragment.ttl, fragment.protocol));
        }
        if entry.store(start, end, fragment.payload) {
            stats.overlaps += 1;
        }

        let complete = match (entry.end, entry.held.as_slice()) {
            (Some(0), []) => true,
            (Some(total), [(0, held_end)]) => *held_end == total,
            _ => false,
        };
        if !complete {
            return Outcome::Pending;
        }
        let Some(done) = self.pending.remove(&key) else {
            return Outcome::Pending;
        };
        self.compact();
        stats.reassembled += 1;
        let (ttl, protocol) = done.first.unwrap_or((fragment.ttl, fragment.protocol));
        let mut payload = done.buffer;
        payload.truncate(usize::try_from(done.end.unwrap_or(0)).unwrap_or(usize::MAX));
        Outcome::Complete(Reassembled {
            payload,
            ttl,
            protocol,
        })
    }

    /// Evicts the oldest datagram when the table is full. False when no
    /// datagram may be held at all.
    fn make_room(&mut self, stats: &mut FragmentStats) -> bool {
        if self.max_pending == 0 {
            stats.evicted += 1;
            return false;
        }
        while self.pending.len() >= self.max_pending {
            let Some((key, serial)) = self.order.pop_front() else {
                // The queue always lists every live datagram; unreachable in
                // practice, but dropping everything keeps the bound.
                stats.evicted += self.pending.len() as u64;
                self.pending.clear();
                break;
            };
            if self.pending.get(&key).is_some_and(|p| p.serial == serial) {
                self.pending.remove(&key);
                stats.evicted += 1;
            }
        }
        true
    }

    /// Keeps the order queue proportional to the live datagrams, so completed
    /// datagrams do not pile up behind a long-lived one.
    fn compact(&mut self) {
        if self.order.len() > 2 * self.pending.len() + 64 {
            let pending = &self.pending;
            self.order
                .retain(|(key, serial)| pending.get(key).is_some_and(|p| p.serial == *serial));
        }
    }
}

impl Pending {
    /// Copies the bytes of `[start, end)` not held yet and records the range.
    /// Returns true when some of them were already held.
    fn store(&mut self, start: u32, end: u32, payload: &[u8]) -> bool {
        if start >= end {
            return false;
        }
        let Ok(end_index) = usize::try_from(end) else {
            return false;
        };
        if self.buffer.len() < end_index {
            self.buffer.resize(end_index, 0);
        }
        // Held ranges from `first` to `last` (exclusive) overlap or touch the
        // new one and merge with it; earlier ranges end before it starts.
        let first = self.held.partition_point(|&(_, e)| e < start);
        let mut last = first;
        let mut cursor = start;
        let mut overlap = false;
        for &(held_start, held_end) in self.held.get(first..).unwrap_or_default() {
            if held_start > end {
                break;
            }
            last += 1;
            if held_start < end && held_end > start {
                overlap = true;
            }
            if held_start > cursor {
                copy_range(&mut self.buffer, payload, start, cursor, held_start);
            }
            cursor = cursor.max(held_end);
        }
        if cursor < end {
            copy_range(&mut self.buffer, payload, start, cursor, end);
        }
        let (merged_start, merged_end) = if last > first {
            let lowest = self.held.get(first).map_or(start, |&(s, _)| s.min(start));
            let highest = self.held.get(last - 1).map_or(end, |&(_, e)| e.max(end));
            (lowest, highest)
        } else {
            (start, end)
        };
        self.held
            .splice(first..last, std::iter::once((merged_start, merged_end)));
        overlap
    }
}

/// Copies the bytes for datagram offsets `[from, to)` out of a fragment that
/// starts at `fragment_start`.
fn copy_range(buffer: &mut [u8], payload: &[u8], fragment_start: u32, from: u32, to: u32) {
    let (Some(src_from), Some(src_to)) = (from.checked_sub(fragment_start), to.checked_sub(fragment_start))
    else {
        return;
    };
    let (Ok(src_from), Ok(src_to), Ok(dst_from), Ok(dst_to)) = (
        usize::try_from(src_from),
        usize::try_from(src_to),
        usize::try_from(from),
        usize::try_from(to),
    ) else {
        return;
    };
    if let (Some(dst), Some(src)) = (buffer.get_mut(dst_from..dst_to), payload.get(src_from..src_to)) {
        dst.copy_from_slice(src);
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    fn key(ident: u32) -> FragmentKey {
        FragmentKey {
            src: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
            dst: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
            protocol: 47,
            ident,
        }
    }

    fn piece(offset: u32, more: bool, payload: &[u8]) -> Fragment<'_> {
        Fragment {
            offset,
            more,
            payload,
            ttl: if offset == 0 { 64 } else { 1 },
            protocol: if offset == 0 { 47 } else { 6 },
        }
    }

    fn at(secs: i64) -> Timestamp {
        Timestamp::new(secs, 0)
    }

    fn limits(pending: usize, bytes: usize, timeout: u32) -> Limits {
        Limits {
            ip_fragments_pending: pending,
            ip_fragment_bytes: bytes,
            ip_fragment_timeout_secs: timeout,
            ..Limits::default()
        }
    }

    fn complete(payload: Vec<u8>) -> Outcome {
        Outcome::Complete(Reassembled {
            payload,
            ttl: 64,
            protocol: 47,
        })
    }

    #[test]
    fn in_order() {
        let mut d = Defragmenter::new(&Limits::default());
        let mut s = FragmentStats::default();
        assert_eq!(
            d.push(key(1), piece(0, true, &[1; 8]), at(0), &mut s),
            Outcome::Pending
        );
        assert_eq!(
            d.push(key(1), piece(8, true, &[2; 8]), at(0), &mut s),
            Outcome::Pending
        );
        assert_eq!(d.pending(), 1);
        let mut whole = vec![1; 8];
        whole.extend([2; 8]);
        whole.extend([3; 3]);
        assert_eq!(
            d.push(key(1), piece(16, false, &[3; 3]), at(1), &mut s),
            complete(whole)
        );
        assert_eq!(d.pending(), 0);
        assert_eq!(
            s,
            FragmentStats {
                fragments: 3,
                reassembled: 1,
                ..FragmentStats::default()
            }
        );
    }

    #[test]
    fn out_of_order_takes_ttl_and_protocol_from_offset_zero() {
        let mut d = Defragmenter::new(&Limits::default());
        let mut s = FragmentStats::default();
        assert_eq!(
            d.push(key(1), piece(16, false, &[3; 2]), at(0), &mut s),
            Outcome::Pending
        );
        assert_eq!(
            d.push(key(1), piece(0, true, &[1; 8]), at(0), &mut s),
            Outcome::Pending
        );
        let whole = [vec![1; 8], vec![2; 8], vec![3; 2]].concat();
        assert_eq!(
            d.push(key(1), piece(8, true, &[2; 8]), at(0), &mut s),
            complete(whole)
        );
        assert_eq!(s.reassembled, 1);
        assert_eq!(s.overlaps, 0);
    }

    #[test]
    fn overlaps_keep_the_first_copy() {
        let mut d = Defragmenter::new(&Limits::default());
        let mut s = FragmentStats::default();
        assert_eq!(
            d.push(key(1), piece(8, true, &[2; 8]), at(0), &mut s),
            Outcome::Pending
        );
        // Covers 0..24: its bytes 8..16 overlap the held range and are ignored.
        assert_eq!(
            d.push(key(1), piece(0, true, &[9; 24]), at(0), &mut s),
            Outcome::Pending
        );
        // An exact duplicate is an overlap too.
        assert_eq!(
            d.push(key(1), piece(8, true, &[7; 8]), at(0), &mut s),
            Outcome::Pending
        );
        let whole = [vec![9; 8], vec![2; 8], vec![9; 8], vec![4; 4]].concat();
        // The last fragment starts inside the held bytes.
        let mut last = vec![5; 4];
        last.extend([4; 4]);
        assert_eq!(
            d.push(key(1), piece(20, false, &last), at(0), &mut s),
            complete(whole)
        );
        assert_eq!(
            s,
            FragmentStats {
                fragments: 4,
                reassembled: 1,
                overlaps: 3,
                ..FragmentStats::default()
            }
        );
    }

    #[test]
    fn held_ranges_merge() {
        let mut d = Defragmenter::new(&Limits::default());
        let mut s = FragmentStats::default();
        for (offset, len) in [(40u32, 8usize), (8, 8), (24, 8), (16, 8), (64, 8)] {
            d.push(key(1), piece(offset, true, &vec![0; len]), at(0), &mut s);
        }
        let held = &d.pending.get(&key(1)).map(|p| p.held.clone());
        assert_eq!(held.as_deref(), Some(&[(8, 32), (40, 48), (64, 72)][..]));
        d.push(key(1), piece(30, true, &[0; 12]), at(0), &mut s);
        let held = &d.pending.get(&key(1)).map(|p| p.held.clone());
        assert_eq!(held.as_deref(), Some(&[(8, 48), (64, 72)][..]));
        assert_eq!(s.overlaps, 1);
    }

    #[test]
    fn inconsistent_ends_are_ignored() {
        let mut d = Defragmenter::new(&Limits::default());
        let mut s = FragmentStats::default();
        assert_eq!(
            d.push(key(1), piece(8, false, &[2; 8]), at(0), &mut s),
            Outcome::Pending
        );
        // Data past the known end.
        assert_eq!(
            d.push(key(1), piece(16, true, &[3; 8]), at(0), &mut s),
            Outcome::Pending
        );
        // A second, different last fragment.
        assert_eq!(
            d.push(key(1), piece(0, false, &[3; 8]), at(0), &mut s),
            Outcome::Pending
        );
        assert_eq!(s.inconsistent, 2);
        // A last fragment ending before bytes already held.
        assert_eq!(
            d.push(key(2), piece(8, true, &[2; 8]), at(0), &mut s),
            Outcome::Pending
        );
        assert_eq!(
            d.push(key(2), piece(0, false, &[2; 8]), at(0), &mut s),
            Outcome::Pending
        );
        assert_eq!(s.inconsistent, 3);
        let whole = [vec![1; 8], vec![2; 8]].concat();
        assert_eq!(
            d.push(key(1), piece(0, true, &[1; 8]), at(0), &mut s),
            complete(whole)
        );
        assert_eq!(s.fragments, 6);
        assert_eq!(s.reassembled, 1);
    }

    #[test]
    fn oversize_datagram_is_dropped() {
        let mut d = Defragmenter::new(&limits(8, 24, 30));
        let mut s = FragmentStats::default();
        assert_eq!(
            d.push(key(1), piece(0, true, &[1; 16]), at(0), &mut s),
            Outcome::Pending
        );
        assert_eq!(
            d.push(key(1), piece(16, false, &[1; 9]), at(0), &mut s),
            Outcome::Dropped
        );
        assert_eq!(d.pending(), 0);
        // Exactly at the bound is fine.
        assert_eq!(
            d.push(key(2), piece(16, false, &[1; 8]), at(0), &mut s),
            Outcome::Pending
        );
        assert_eq!(s.oversize, 1);
        // An offset whose end does not fit in 32 bits.
        assert_eq!(
            d.push(key(3), piece(u32::MAX - 2, true, &[1; 8]), at(0), &mut s),
            Outcome::Dropped
        );
        assert_eq!(s.oversize, 2);
    }

    #[test]
    fn oldest_is_evicted_when_full() {
        let mut d = Defragmenter::new(&limits(2, 65_543, 30));
        let mut s = FragmentStats::default();
        d.push(key(1), piece(0, true, &[1; 8]), at(0), &mut s);
        d.push(key(2), piece(0, true, &[2; 8]), at(1), &mut s);
        d.push(key(3), piece(0, true, &[3; 8]), at(2), &mut s);
        assert_eq!(s.evicted, 1);
        assert_eq!(d.pending(), 2);
        // Key 1 is gone: its last fragment starts a new datagram.
        assert_eq!(
            d.push(key(1), piece(8, false, &[1; 8]), at(3), &mut s),
            Outcome::Pending
        );
        assert_eq!(s.evicted, 2);
        // Key 3 survived both evictions (key 2 went second).
        let whole = [vec![3; 8], vec![3; 8]].concat();
        assert_eq!(
            d.push(key(3), piece(8, false, &[3; 8]), at(3), &mut s),
            Outcome::Complete(Reassembled {
                payload: whole,
                ttl: 64,
                protocol: 47
            })
        );
        assert_eq!(s.reassembled, 1);

        let mut none = Defragmenter::new(&limits(0, 65_543, 30));
        let mut s = FragmentStats::default();
        assert_eq!(
            none.push(key(1), piece(0, true, &[1; 8]), at(0), &mut s),
            Outcome::Dropped
        );
        assert_eq!(s.evicted, 1);
        assert_eq!(none.pending(), 0);
    }

    #[test]
    fn timeout_in_capture_time_and_finish() {
        let mut d = Defragmenter::new(&limits(8, 65_543, 30));
        let mut s = FragmentStats::default();
        d.push(key(1), piece(0, true, &[1; 8]), at(100), &mut s);
        d.push(key(2), piece(0, true, &[1; 8]), at(110), &mut s);
        d.expire(at(130), &mut s);
        assert_eq!((d.pending(), s.timed_out), (2, 0));
        d.expire(Timestamp::new(130, 1), &mut s);
        assert_eq!((d.pending(), s.timed_out), (1, 1));
        // Time going backwards expires nothing.
        d.expire(at(0), &mut s);
        assert_eq!((d.pending(), s.timed_out), (1, 1));
        d.finish(&mut s);
        assert_eq!((d.pending(), s.unfinished), (0, 1));
    }

    #[test]
    fn order_queue_stays_bounded() {
        let mut d = Defragmenter::new(&Limits::default());
        let mut s = FragmentStats::default();
        d.push(key(0), piece(0, true, &[0; 8]), at(0), &mut s);
        for ident in 1..10_000 {
            d.push(key(ident), piece(0, true, &[1; 8]), at(0), &mut s);
            d.push(key(ident), piece(8, false, &[1; 8]), at(0), &mut s);
        }
        assert_eq!(s.reassembled, 9_999);
        assert_eq!(d.pending(), 1);
        assert!(d.order.len() <= 2 + 64, "{}", d.order.len());
    }
}
