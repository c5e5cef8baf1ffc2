//! TCP flow table and per-direction stream reassembly (to be written).
//!
//! Contract:
//! * A flow is a pair of endpoints; `FlowId`s are assigned in order of first
//!   sight and never reused within one capture.
//! * `a` is the endpoint that sent the SYN when the handshake was seen,
//!   otherwise the sender of the first packet seen (`syn_seen` says which).
//! * `Data` events come in stream order per direction; each chunk carries the
//!   frame that carried those bytes. A retransmitted or overlapping byte is
//!   delivered once, from its first copy.
//! * Out-of-order data is held (bounded by `Limits::tcp_buffer_bytes`) until
//!   the hole fills; a hole that never fills becomes a `Gap` event with the
//!   number of bytes missing, after which delivery resumes.

use std::net::SocketAddr;

use crate::capture::Timestamp;
use crate::config::Limits;
use super::{IpInfo, TcpSegment};

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
    pub fn reverse(self) -> Dir {
        match self {
            Dir::AtoB => Dir::BtoA,
            Dir::BtoA => Dir::AtoB,
        }
    }
}

/// Something that happened on a TCP flow.
#[derive(Debug, Clone, Copy)]
pub enum StreamEvent<'a> {
    /// First packet of a flow.
    Opened { a: SocketAddr, b: SocketAddr, syn_seen: bool, frame: u64, ts: Timestamp },
    /// In-order stream bytes.
    Data { dir: Dir, bytes: &'a [u8], frame: u64, ts: Timestamp },
    /// Bytes that never arrived; the stream continues after them.
    Gap { dir: Dir, missing: u64, frame: u64, ts: Timestamp },
    /// A segment whose data had all been seen before.
    Retransmission { dir: Dir, frame: u64, ts: Timestamp },
    Fin { dir: Dir, frame: u64, ts: Timestamp },
    Rst { dir: Dir, frame: u64, ts: Timestamp },
    /// The flow ended (both FINs, RST, eviction, or end of capture); no more
    /// events for it.
    Closed { frame: u64, ts: Timestamp },
}

/// Counts kept by the tracker.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TcpStats {}

/// The TCP flow table.
pub struct TcpTracker {}

impl TcpTracker {
    pub fn new(_limits: &Limits) -> Self {
        TcpTracker {}
    }

    /// Feeds one segment.
    pub fn segment(
        &mut self,
        _ip: &IpInfo,
        _seg: &TcpSegment<'_>,
        _frame: u64,
        _ts: Timestamp,
        _sink: &mut dyn FnMut(FlowId, &StreamEvent<'_>),
    ) {
    }

    /// Stops buffering and delivering data for a flow nobody wants; later
    /// segments of it only update counters.
    pub fn ignore(&mut self, _flow: FlowId) {}

    /// End of capture: flushes held data (reporting holes as gaps) and closes
    /// every flow.
    pub fn finish(&mut self, _sink: &mut dyn FnMut(FlowId, &StreamEvent<'_>)) {}

    pub fn stats(&self) -> TcpStats {
        TcpStats {}
    }
}
