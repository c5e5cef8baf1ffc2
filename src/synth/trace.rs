//! The scenario's wire: a clock, frame numbering and per-host IPv4
//! Identification counters in front of a [`FrameWriter`].
//!
//! Frames are numbered from 1 in the order written, as Wireshark numbers
//! them, so a scenario can record which frame carried what. Every frame is
//! stamped with the current clock, after which the clock moves on by a fixed
//! step; longer gaps are made with [`Trace::advance`]. Nothing depends on
//! the wall clock.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use super::writer::{FrameWriter, Record};
use super::Result;
use crate::capture::Timestamp;

/// 2026-01-15T09:00:00Z, where every scenario clock starts.
pub const SCENARIO_START: Timestamp = Timestamp::new(1_768_467_600, 0);

/// `ts + d`, carrying nanoseconds into seconds.
pub fn add_duration(ts: Timestamp, d: Duration) -> Timestamp {
    let nanos = u64::from(ts.nanos) + u64::from(d.subsec_nanos());
    let carry = nanos / 1_000_000_000;
    let secs = i64::try_from(d.as_secs())
        .unwrap_or(i64::MAX)
        .saturating_add(ts.secs)
        .saturating_add(carry as i64);
    Timestamp::new(secs, (nanos % 1_000_000_000) as u32)
}

/// A capture being written, with the clock and counters of the scenario.
#[derive(Debug)]
pub struct Trace<W: FrameWriter> {
    writer: W,
    now: Timestamp,
    step: Duration,
    frames: u64,
    ip_ids: BTreeMap<IpAddr, u16>,
}

impl<W: FrameWriter> Trace<W> {
    /// A trace whose first frame is stamped `start`; each frame then moves
    /// the clock on by `step`.
    pub fn new(writer: W, start: Timestamp, step: Duration) -> Self {
        Trace {
            writer,
            now: start,
            step,
            frames: 0,
            ip_ids: BTreeMap::new(),
        }
    }

    /// The timestamp the next frame will get.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Moves the clock forward by `d` (on top of the per-frame step).
    pub fn advance(&mut self, d: Duration) {
        self.now = add_duration(self.now, d);
    }

    /// Changes how far the clock moves after each frame.
    pub fn set_step(&mut self, step: Duration) {
        self.step = step;
    }

    /// Frames written so far; also the number of the last one.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Writes a complete frame on `interface` and returns its frame number.
    pub fn emit(&mut self, interface: u32, data: &[u8]) -> Result<u64> {
        self.emit_record(interface, data, None, None)
    }

    /// Writes a frame carrying a pcapng `opt_comment`.
    pub fn emit_with_comment(&mut self, interface: u32, data: &[u8], comment: &str) -> Result<u64> {
        self.emit_record(interface, data, None, Some(comment))
    }

    /// Writes a frame whose wire length (`orig_len`) may exceed what was
    /// captured, with an optional comment.
    pub fn emit_record(
        &mut self,
        interface: u32,
        data: &[u8],
        orig_len: Option<u32>,
        comment: Option<&str>,
    ) -> Result<u64> {
        self.writer.write_frame(&Record {
            ts: self.now,
            interface,
            data,
            orig_len,
            comment,
        })?;
        self.frames += 1;
        self.now = add_duration(self.now, self.step);
        Ok(self.frames)
    }

    /// The next IPv4 Identification value `src` puts in a datagram. Each
    /// host counts up from its own start (last address byte × 256 + 1) like
    /// a stack with one global counter, so the values are plausible and
    /// tell hosts apart.
    pub fn next_ip_id(&mut self, src: IpAddr) -> u16 {
        let last = match src {
            IpAddr::V4(a) => a.octets()[3],
            IpAddr::V6(a) => a.octets()[15],
        };
        let id = self.ip_ids.entry(src).or_insert_with(|| u16::from(last) << 8 | 1);
        let current = *id;
        *id = id.wrapping_add(1);
        current
    }

    /// The writer, e.g. to add a pcapng interface mid-capture.
    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.writer
    }

    /// Ends the trace and returns the writer.
    pub fn into_writer(self) -> W {
        self.writer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect(Vec<(Timestamp, u32, Vec<u8>, Option<String>)>);

    impl FrameWriter for Collect {
        fn write_frame(&mut self, r: &Record<'_>) -> Result<()> {
            self.0
                .push((r.ts, r.interface, r.data.to_vec(), r.comment.map(String::from)));
            Ok(())
        }
    }

    #[test]
    fn frames_are_numbered_and_stamped() {
        let mut t = Trace::new(Collect::default(), SCENARIO_START, Duration::from_micros(250));
        assert_eq!(t.emit(0, &[1]).unwrap(), 1);
        t.advance(Duration::from_millis(1_999));
        assert_eq!(t.emit_with_comment(1, &[2], "note").unwrap(), 2);
        t.set_step(Duration::from_nanos(1));
        assert_eq!(t.emit(0, &[3]).unwrap(), 3);
        assert_eq!(t.emit(0, &[4]).unwrap(), 4);
        assert_eq!(t.frames(), 4);
        let got = t.into_writer().0;
        let times: Vec<Timestamp> = got.iter().map(|f| f.0).collect();
        assert_eq!(
            times,
            [
                Timestamp::new(1_768_467_600, 0),
                Timestamp::new(1_768_467_601, 999_250_000),
                Timestamp::new(1_768_467_601, 999_500_000),
                Timestamp::new(1_768_467_601, 999_500_001),
            ]
        );
        assert_eq!(got[1].1, 1);
        assert_eq!(got[1].3.as_deref(), Some("note"));
    }

    #[test]
    fn ip_ids_count_per_host() {
        let mut t = Trace::new(Collect::default(), SCENARIO_START, Duration::ZERO);
        let a: IpAddr = "198.51.100.23".parse().unwrap();
        let b: IpAddr = "203.0.113.5".parse().unwrap();
        assert_eq!(t.next_ip_id(a), 0x1701);
        assert_eq!(t.next_ip_id(a), 0x1702);
        assert_eq!(t.next_ip_id(b), 0x0501);
        assert_eq!(t.next_ip_id(a), 0x1703);
    }

    #[test]
    fn duration_carries_into_seconds() {
        let ts = add_duration(Timestamp::new(10, 999_999_999), Duration::new(1, 2));
        assert_eq!(ts, Timestamp::new(12, 1));
    }
}
