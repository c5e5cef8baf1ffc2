//! Every enhanced-GRE flow of a capture, tied to the PPTP call it belongs
//! to (RFC 2637 §4; protocols.md §1.6).
//!
//! A flow is one direction of one call: the packets from one host to
//! another carrying one Key Call ID, which is always the *receiver's* Call
//! ID. The control sessions tell this table which keys belong to which call
//! as calls come up ([`GreTable::register_call`]) and go down
//! ([`GreTable::end_call`]), in capture order, so a packet is given to the
//! call live at its time even when Call IDs are reused. A flow with no call
//! is an *orphan*: analysed all the same and paired with its reverse flow by
//! address pair.
//!
//! Per packet this is one hash lookup (often skipped by a one-entry cache)
//! and one tracker update; nothing is allocated after a flow is created.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::net::{IpAddr, Ipv4Addr};

use serde::Serialize;

use crate::capture::Timestamp;
use crate::gre::seqtrack::SeqEvent;
use crate::gre::seqtrack::{DirectionTracker, PacketOrigin, SeqStats};
use crate::gre::wire::{classify, Gre, GreAnomalies, OtherGreKind};
use crate::ppp::negotiation::{DataTally, PppLink, PppReport};
use crate::pptp::session::Direction;

/// The PPP side a GRE flow carries.
fn ppp_side(d: FlowDirection) -> Direction {
    match d {
        FlowDirection::ClientToServer => Direction::ClientToServer,
        FlowDirection::ServerToClient => Direction::ServerToClient,
    }
}

/// Frames remembered per flow as evidence (first packets, packets outside
/// their call's lifetime).
const EVIDENCE_FRAMES: usize = 16;

/// An empty slot of the per-Call-ID cache; no reverse flow or PPP link in
/// a [`FlowHead`].
const NO_FLOW: u32 = u32::MAX;

/// An index as a [`FlowHead`] or the per-Call-ID cache holds it.
fn slot_of(index: Option<usize>) -> u32 {
    index.and_then(|i| u32::try_from(i).ok()).unwrap_or(NO_FLOW)
}

/// What every packet of a flow reads before and after its tracker: one
/// cache line, the first of the flow, right before its PPP tally and the
/// tracker's own lines (a capture interleaves many calls, so a flow's
/// state has usually left the first-level cache when its next packet
/// comes, and each line apart costs a miss). Indexes are [`NO_FLOW`] when
/// absent.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct FlowHead {
    /// [`GreFlow::src`] and [`GreFlow::dst`] as one word when both are
    /// IPv4 (`v4`), which the Call ID slot is checked against.
    v4_pair: u64,
    v4: bool,
    /// Packets taken, capture duplicates included.
    seen: u64,
    /// [`GreFlow::reverse`].
    reverse: u32,
    /// The PPP link this flow's payloads belong to.
    link: u32,
    /// [`GreFlow::call`] is set.
    has_call: bool,
    call_up: bool,
    call_ended: bool,
    /// The flow has a call that is not up, or is over: its packets are
    /// counted before or after the call (see [`FlowHead::settle`]).
    outside_call: bool,
    /// Which side of the PPP link this flow carries.
    ppp_direction: Direction,
    /// [`GreFlow::ppp_tally`] is the live tally of that side of the link
    /// (see [`LinkSlot::holder`]).
    holds_tally: bool,
}

const _: () = assert!(core::mem::size_of::<FlowHead>() == 64);
// The head, the PPP tally, then the tracker's hot lines.
const _: () = assert!(core::mem::offset_of!(GreFlow, ppp_tally) == 64);
const _: () = assert!(core::mem::offset_of!(GreFlow, tracker) == 128);

/// Source and destination IPv4 addresses as one word.
fn v4_pair(src: Ipv4Addr, dst: Ipv4Addr) -> u64 {
    (u64::from(src.to_bits()) << 32) | u64::from(dst.to_bits())
}

/// A packet's addresses, as the flow table compares them with a flow's.
trait PacketAddrs: Copy {
    /// The flow runs between these addresses.
    fn match_flow(self, flow: &GreFlow) -> bool;
    fn pair(self) -> (IpAddr, IpAddr);
}

/// IPv4 addresses: one comparison with the flow's head.
#[derive(Clone, Copy)]
struct V4Addrs(Ipv4Addr, Ipv4Addr);

impl PacketAddrs for V4Addrs {
    #[inline(always)]
    fn match_flow(self, flow: &GreFlow) -> bool {
        flow.head.v4 && flow.head.v4_pair == v4_pair(self.0, self.1)
    }
    fn pair(self) -> (IpAddr, IpAddr) {
        (IpAddr::V4(self.0), IpAddr::V4(self.1))
    }
}

/// Any other addresses: compared with the flow's own.
#[derive(Clone, Copy)]
struct AnyAddrs(IpAddr, IpAddr);

impl PacketAddrs for AnyAddrs {
    #[inline(always)]
    fn match_flow(self, flow: &GreFlow) -> bool {
        flow.src == self.0 && flow.dst == self.1
    }
    fn pair(self) -> (IpAddr, IpAddr) {
        (self.0, self.1)
    }
}

impl FlowHead {
    /// Sets `outside_call` from the call's state.
    fn settle(&mut self) {
        self.outside_call = self.has_call && (self.call_ended || !self.call_up);
    }

    fn link(&self) -> Option<usize> {
        (self.link != NO_FLOW).then_some(self.link as usize)
    }
}

/// Acks kept per flow while its reverse flow is unknown.
const UNPAIRED_ACKS: usize = 64;

/// A flow's key: source, destination, Key Call ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FlowKey {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub call_id: u16,
}

/// Which call of which control session a flow belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct CallRef {
    /// Index in the report's `pptp_sessions`.
    pub session: usize,
    /// Index in that session's `calls`.
    pub call: usize,
}

/// Whether a flow runs client → server or server → client of its call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowDirection {
    ClientToServer,
    ServerToClient,
}

/// One GRE flow as the report lists it.
///
/// Laid out in declaration order (`repr(C)`) so that what every packet
/// touches, the [`FlowHead`], the PPP data tally the flow holds and the
/// tracker's hot state (which comes first in the tracker), are the first
/// five cache lines, one after the other; the serialised fields keep
/// their order.
#[derive(Debug, Clone, Serialize)]
#[repr(C)]
pub struct GreFlow {
    #[serde(skip)]
    head: FlowHead,
    /// The data tally of the PPP side this flow carries, while
    /// `head.holds_tally`: a data frame then updates the line after the
    /// head, not one of the link's.
    #[serde(skip)]
    ppp_tally: DataTally,
    #[serde(skip)]
    tracker: DirectionTracker,
    pub src: IpAddr,
    pub dst: IpAddr,
    #[serde(skip)]
    pub(crate) call: Option<CallRef>,
    /// Index in `gre_flows` of the opposite direction, when known.
    pub reverse: Option<usize>,
    pub call_id: u16,
    /// The session id (`pptp-N`) once the report is built.
    pub session: Option<String>,
    pub call_index: Option<usize>,
    /// True when no call of any control session in the capture claims it.
    pub orphan: bool,
    pub direction: Option<FlowDirection>,
    /// The session whose two hosts this flow runs between, when it is an
    /// orphan there: its Call ID is one no call on that connection has.
    pub unknown_to_session: Option<String>,
    pub stats: SeqStats,
    /// Packets before the call was set up (reply or connect), with frames.
    pub before_call: u64,
    pub before_call_frames: Vec<u64>,
    /// Packets after the call was cleared, with frames.
    pub after_call: u64,
    pub after_call_frames: Vec<u64>,
    /// Header problems, counted.
    pub anomalies: AnomalyCounts,
    /// Frames of the first packets.
    pub first_frames: Vec<u64>,
    /// True when the call was known from the other direction only and this
    /// flow was tied to it by address pair (its Call ID then completes the
    /// call's pair).
    pub adopted: bool,
    #[serde(skip)]
    session_hosts: Option<usize>,
    /// Acks this flow carried before its reverse flow existed, given to the
    /// reverse flow when the two are paired.
    #[serde(skip)]
    unpaired_acks: Vec<(u32, Timestamp)>,
}

/// One PPP link (a call's, or an orphan pair's) and whom it belongs to.
struct LinkSlot {
    link: PppLink,
    call: Option<CallRef>,
    /// Per side (client → server, server → client), the flow that holds
    /// the side's data tally ([`NO_FLOW`]: the link's own copy is the live
    /// one). A flow takes it with its first data frame and gives it back
    /// when it is tied to another link or side, and at the end.
    holder: [u32; 2],
}

/// The index of a PPP side in [`LinkSlot::holder`].
fn side_ix(d: Direction) -> usize {
    match d {
        Direction::ClientToServer => 0,
        Direction::ServerToClient => 1,
    }
}

/// A PPP link as the report gets it.
pub struct FinishedLink {
    /// The call it belongs to; `None` for GRE with no call.
    pub call: Option<CallRef>,
    pub report: PppReport,
    /// Indexes in `gre_flows` of the flows that carried it.
    pub flows: Vec<usize>,
}

/// GRE header anomalies of a flow, each counted (RFC 2637 §4.1).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct AnomalyCounts {
    pub checksum_present: u64,
    pub routing_present: u64,
    pub strict_source_route: u64,
    pub recursion_nonzero: u64,
    pub unknown_flags: u64,
    pub trailing_bytes: u64,
    pub payload_truncated: u64,
}

impl AnomalyCounts {
    fn add(&mut self, a: GreAnomalies) {
        let bump = |set: bool, n: &mut u64| *n += u64::from(set);
        bump(
            a.contains(GreAnomalies::CHECKSUM_PRESENT),
            &mut self.checksum_present,
        );
        bump(
            a.contains(GreAnomalies::ROUTING_PRESENT),
            &mut self.routing_present,
        );
        bump(
            a.contains(GreAnomalies::STRICT_SOURCE_ROUTE),
            &mut self.strict_source_route,
        );
        bump(
            a.contains(GreAnomalies::RECURSION_NONZERO),
            &mut self.recursion_nonzero,
        );
        bump(a.contains(GreAnomalies::UNKNOWN_FLAGS), &mut self.unknown_flags);
        bump(a.contains(GreAnomalies::TRAILING_BYTES), &mut self.trailing_bytes);
        bump(
            a.contains(GreAnomalies::PAYLOAD_TRUNCATED),
            &mut self.payload_truncated,
        );
    }

    /// All anomalies together.
    pub fn total(&self) -> u64 {
        self.checksum_present
            + self.routing_present
            + self.strict_source_route
            + self.recursion_nonzero
            + self.unknown_flags
            + self.trailing_bytes
            + self.payload_truncated
    }
}

/// GRE that is not PPTP's, counted by kind.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GreCensus {
    /// Enhanced GRE (version 1, PPP) packets.
    pub pptp_packets: u64,
    /// Version-1 PPP GRE without the K bit (no Call ID: cannot belong to a
    /// call).
    pub pptp_key_missing: u64,
    /// GRE headers too short to read.
    pub malformed: u64,
    /// Other GRE by kind: plain, ERSPAN, NVGRE, keepalives, bonding, …
    pub other: Vec<OtherGre>,
    /// Packets not tracked because the flow limit was reached.
    pub untracked_packets: u64,
}

/// One kind of non-PPTP GRE.
#[derive(Debug, Clone, Serialize)]
pub struct OtherGre {
    pub kind: String,
    pub version: u8,
    pub protocol: u16,
    pub packets: u64,
}

/// What the control connection says about a call's GRE.
#[derive(Debug, Clone, Copy)]
pub struct CallKeys {
    pub client: IpAddr,
    pub server: IpAddr,
    pub client_call_id: Option<u16>,
    pub server_call_id: Option<u16>,
    pub client_window: Option<u16>,
    pub server_window: Option<u16>,
    /// The call is set up (GRE may flow).
    pub up: bool,
    /// The call's request or reply is in the capture (so GRE before it is
    /// early, not just older than the capture).
    pub setup_seen: bool,
}

/// A fast hasher for flow keys (addresses and a call id; not attacker-chosen
/// in a way that matters for one offline pass).
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            for (d, s) in word.iter_mut().zip(chunk) {
                *d = *s;
            }
            self.0 =
                (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u16(&mut self, v: u16) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(v)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, v: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(v)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u8(&mut self, v: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(v)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, v: usize) {
        self.0 = (self.0.rotate_left(5) ^ v as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The call a key is expected on, and the host pair of its session.
#[derive(Debug, Clone, Copy)]
struct Expected {
    call: CallRef,
    direction: FlowDirection,
    /// The receive window the receiver announced (0 = none).
    window: u16,
    /// The call is set up.
    up: bool,
}

/// All GRE flows of a capture.
pub struct GreTable {
    flows: Vec<GreFlow>,
    /// The current flow of each key (a key gets a new flow when a new call
    /// takes it over).
    current: FastMap<FlowKey, usize>,
    /// Keys the control sessions announced, with their call.
    expected: FastMap<FlowKey, Expected>,
    /// Host pairs (client, server) of control sessions, by session index.
    session_hosts: FastMap<(IpAddr, IpAddr), usize>,
    census: GreCensus,
    other: FastMap<(u8, u16, OtherGreKind), u64>,
    max_flows: usize,
    /// PPP links, one per call (or per orphan pair), bounded like flows.
    links: Vec<LinkSlot>,
    call_links: FastMap<CallRef, usize>,
    /// The current flow of the last key seen with each Call ID
    /// ([`NO_FLOW`] when none).
    by_call_id: Vec<u32>,
}

impl GreTable {
    pub fn new(max_flows: usize) -> Self {
        GreTable {
            flows: Vec::new(),
            current: FastMap::default(),
            expected: FastMap::default(),
            session_hosts: FastMap::default(),
            census: GreCensus::default(),
            other: FastMap::default(),
            max_flows,
            by_call_id: vec![NO_FLOW; 1 << 16],
            links: Vec::new(),
            call_links: FastMap::default(),
        }
    }

    /// A control session between `client` and `server` exists (GRE between
    /// the two with an unknown Call ID is then worth a finding).
    pub fn register_session(&mut self, session: usize, client: IpAddr, server: IpAddr) {
        self.session_hosts.entry((client, server)).or_insert(session);
    }

    /// A call's Call IDs are known: client → server GRE will carry
    /// `server_call_id`, server → client GRE `client_call_id`.
    pub fn register_call(&mut self, call: CallRef, keys: &CallKeys) {
        let up = keys.up;
        let announced = [
            keys.server_call_id.map(|id| {
                let key = FlowKey {
                    src: keys.client,
                    dst: keys.server,
                    call_id: id,
                };
                (
                    key,
                    FlowDirection::ClientToServer,
                    keys.server_window.unwrap_or(0),
                )
            }),
            keys.client_call_id.map(|id| {
                let key = FlowKey {
                    src: keys.server,
                    dst: keys.client,
                    call_id: id,
                };
                (
                    key,
                    FlowDirection::ServerToClient,
                    keys.client_window.unwrap_or(0),
                )
            }),
        ];
        for (key, direction, window) in announced.into_iter().flatten() {
            self.expected.insert(
                key,
                Expected {
                    call,
                    direction,
                    window,
                    up,
                },
            );
            if let Some(&index) = self.current.get(&key) {
                // A flow with no call may now be tied to the call's link
                // and side.
                if self.flows.get(index).is_some_and(|f| f.call.is_none()) {
                    self.give_back_tally(index);
                }
                let Some(flow) = self.flows.get_mut(index) else {
                    continue;
                };
                match flow.call {
                    Some(existing) if existing == call => {
                        flow.head.call_up |= up;
                        flow.head.settle();
                        if window != 0 {
                            flow.tracker.set_peer_window(window);
                        }
                    }
                    Some(_) => {
                        // The key now belongs to a new call: the next
                        // packet starts a new flow.
                        self.current.remove(&key);
                        if let Some(entry) = self.by_call_id.get_mut(usize::from(key.call_id)) {
                            *entry = NO_FLOW;
                        }
                    }
                    None => {
                        // GRE seen before the call was known belongs to it.
                        // It came early only if the set-up is in the capture
                        // (a call first seen mid-session was already up).
                        flow.call = Some(call);
                        flow.head.has_call = true;
                        flow.direction = Some(direction);
                        flow.head.ppp_direction = ppp_side(direction);
                        flow.head.call_up = up;
                        flow.head.settle();
                        // Its PPP link becomes the call's, unless the call
                        // already has one.
                        match (self.call_links.get(&call).copied(), flow.head.link()) {
                            (Some(existing), _) => flow.head.link = slot_of(Some(existing)),
                            (None, Some(l)) => {
                                self.call_links.insert(call, l);
                                if let Some(slot) = self.links.get_mut(l) {
                                    slot.call = Some(call);
                                }
                            }
                            (None, None) => {}
                        }
                        if keys.setup_seen {
                            flow.before_call = flow.head.seen;
                            flow.before_call_frames = flow.first_frames.clone();
                        }
                        if window != 0 {
                            flow.tracker.set_peer_window(window);
                        }
                    }
                }
            }
        }
        self.pair_call_flows(call);
    }

    /// The call's set-up completed (reply with result 1, or connected).
    pub fn call_up(&mut self, call: CallRef) {
        for flow in self.flows.iter_mut().filter(|f| f.call == Some(call)) {
            flow.head.call_up = true;
            flow.head.settle();
        }
        for e in self.expected.values_mut().filter(|e| e.call == call) {
            e.up = true;
        }
    }

    /// The call was cleared: later GRE on its keys is "after the call".
    pub fn end_call(&mut self, call: CallRef) {
        for flow in self.flows.iter_mut().filter(|f| f.call == Some(call)) {
            flow.head.call_ended = true;
            flow.head.settle();
        }
        self.expected.retain(|_, e| e.call != call);
    }

    /// Takes one GRE packet (the bytes from the GRE header on, trimmed to
    /// the IP payload).
    // One function per GRE packet, called from the decoder's GRE delivery:
    // the header decoder, the flow table, both trackers and the PPP link's
    // fast path are inlined into it.
    #[inline]
    pub fn packet(
        &mut self,
        src: IpAddr,
        dst: IpAddr,
        gre: &[u8],
        ts: Timestamp,
        frame: u64,
        origin: PacketOrigin,
    ) {
        match (src, dst) {
            (IpAddr::V4(s), IpAddr::V4(d)) => self.packet_v4(s, d, gre, ts, frame, origin),
            _ => self.packet_any(AnyAddrs(src, dst), gre, ts, frame, origin),
        }
    }

    /// [`GreTable::packet`] between IPv4 addresses: the addresses travel in
    /// registers, not as `IpAddr` in memory.
    #[inline(always)]
    pub fn packet_v4(
        &mut self,
        src: Ipv4Addr,
        dst: Ipv4Addr,
        gre: &[u8],
        ts: Timestamp,
        frame: u64,
        origin: PacketOrigin,
    ) {
        self.packet_from(V4Addrs(src, dst), gre, ts, frame, origin);
    }

    /// [`GreTable::packet`] between other addresses.
    #[inline(never)]
    fn packet_any(&mut self, addrs: AnyAddrs, gre: &[u8], ts: Timestamp, frame: u64, origin: PacketOrigin) {
        self.packet_from(addrs, gre, ts, frame, origin);
    }

    /// [`GreTable::packet`] for addresses of one kind.
    #[inline(always)]
    fn packet_from<A: PacketAddrs>(
        &mut self,
        addrs: A,
        gre: &[u8],
        ts: Timestamp,
        frame: u64,
        origin: PacketOrigin,
    ) {
        let pkt = match classify(gre) {
            Gre::Pptp(p) => p,
            Gre::Other {
                version,
                protocol,
                kind,
            } => {
                *self.other.entry((version, protocol, kind)).or_insert(0) += 1;
                return;
            }
            Gre::Malformed(crate::gre::wire::GreError::PptpKeyMissing { .. }) => {
                self.census.pptp_key_missing += 1;
                return;
            }
            Gre::Malformed(_) => {
                self.census.malformed += 1;
                return;
            }
        };
        self.census.pptp_packets += 1;
        // Most captures have one flow per Call ID at a time: a slot per
        // Call ID answers without hashing; the map settles the rest (and
        // only then is the key built and the slot written).
        let slot = usize::from(pkt.call_id);
        let cached = self.by_call_id.get(slot).and_then(|&i| {
            self.flows
                .get(i as usize)
                .filter(|f| addrs.match_flow(f))
                .map(|_| i as usize)
        });
        let index = match cached {
            Some(i) => i,
            None => {
                let (src, dst) = addrs.pair();
                let key = FlowKey {
                    src,
                    dst,
                    call_id: pkt.call_id,
                };
                match self.flow_of(key) {
                    Some(i) => i,
                    None => return,
                }
            }
        };
        let Some(flow) = self.flows.get_mut(index) else {
            return;
        };
        if !flow.head.holds_tally && flow.head.link != NO_FLOW {
            self.take_tally(index);
        }
        let Some(flow) = self.flows.get_mut(index) else {
            return;
        };
        let head = &mut flow.head;
        head.seen += 1;
        let seen_before = head.seen - 1;
        let (outside_call, call_ended) = (head.outside_call, head.call_ended);
        let (link, reverse, ppp_direction) = (head.link(), head.reverse, head.ppp_direction);
        // The first packets' frames: `seen` counts every packet this flow
        // took, so it says when there were fewer than EVIDENCE_FRAMES
        // without a look at the vector, which lies on another cache line.
        if seen_before < EVIDENCE_FRAMES as u64 {
            flow.first_frames.push(frame);
        }
        if outside_call {
            if call_ended {
                flow.after_call += 1;
                if flow.after_call_frames.len() < EVIDENCE_FRAMES {
                    flow.after_call_frames.push(frame);
                }
            } else {
                flow.before_call += 1;
                if flow.before_call_frames.len() < EVIDENCE_FRAMES {
                    flow.before_call_frames.push(frame);
                }
            }
        }
        if !pkt.anomalies.is_empty() {
            flow.anomalies.add(pkt.anomalies);
        }
        let seen = flow.tracker.on_packet(&pkt, ts, frame, origin);
        // The PPP frame goes to the call's link once: not the capture's
        // second copy, not an ack-only packet.
        if let (Some(l), Some(_)) = (link, pkt.seq) {
            if seen.event != SeqEvent::CaptureDuplicate && !pkt.payload.is_empty() {
                if let Some(slot) = self.links.get_mut(l) {
                    slot.link
                        .frame_with(&mut flow.ppp_tally, ppp_direction, frame, ts, pkt.payload);
                }
            }
        }
        match (seen.ack, reverse) {
            (Some(ack), r) if r != NO_FLOW => {
                if let Some(rev) = self.flows.get_mut(r as usize) {
                    rev.tracker.on_peer_ack(ack, ts);
                }
            }
            (Some(ack), _) if flow.unpaired_acks.len() < UNPAIRED_ACKS => flow.unpaired_acks.push((ack, ts)),
            _ => {}
        }
    }

    /// Flow `index` takes the data tally of its PPP side from the link,
    /// or from the flow that held it before.
    #[cold]
    #[inline(never)]
    fn take_tally(&mut self, index: usize) {
        let Some(head) = self.flows.get(index).map(|f| f.head) else {
            return;
        };
        let Some(slot) = head.link().and_then(|l| self.links.get_mut(l)) else {
            return;
        };
        let Some(holder) = slot.holder.get_mut(side_ix(head.ppp_direction)) else {
            return;
        };
        let previous = std::mem::replace(holder, slot_of(Some(index)));
        let tally = match self.flows.get_mut(previous as usize) {
            Some(p) if previous != NO_FLOW => {
                p.head.holds_tally = false;
                p.ppp_tally
            }
            _ => slot.link.take_tally(head.ppp_direction),
        };
        if let Some(f) = self.flows.get_mut(index) {
            f.ppp_tally = tally;
            f.head.holds_tally = true;
        }
    }

    /// Flow `index` gives the data tally it holds back to its link, before
    /// it is tied to another link or side.
    fn give_back_tally(&mut self, index: usize) {
        let Some(flow) = self.flows.get_mut(index) else {
            return;
        };
        if !flow.head.holds_tally {
            return;
        }
        flow.head.holds_tally = false;
        let (tally, direction) = (flow.ppp_tally, flow.head.ppp_direction);
        if let Some(slot) = flow.head.link().and_then(|l| self.links.get_mut(l)) {
            slot.link.put_tally(direction, tally);
            if let Some(holder) = slot.holder.get_mut(side_ix(direction)) {
                *holder = NO_FLOW;
            }
        }
    }

    /// The current flow of `key` when its Call ID slot did not name it,
    /// created when there is none (`None`, counted, past the flow limit);
    /// the slot then names it. Out of line, so that the common packet does
    /// not copy its addresses for a key it does not need.
    #[cold]
    #[inline(never)]
    fn flow_of(&mut self, key: FlowKey) -> Option<usize> {
        let index = match self.current.get(&key) {
            Some(&i) => i,
            None => match self.new_flow(key) {
                Some(i) => i,
                None => {
                    self.census.untracked_packets += 1;
                    return None;
                }
            },
        };
        if let Some(entry) = self.by_call_id.get_mut(usize::from(key.call_id)) {
            *entry = index as u32;
        }
        Some(index)
    }

    fn new_flow(&mut self, key: FlowKey) -> Option<usize> {
        if self.flows.len() >= self.max_flows {
            return None;
        }
        let expected = self.expected.get(&key).copied();
        let mut tracker = DirectionTracker::new();
        if let Some(e) = expected {
            if e.window != 0 {
                tracker.set_peer_window(e.window);
            }
        }
        let session_hosts = self
            .session_hosts
            .get(&(key.src, key.dst))
            .or_else(|| self.session_hosts.get(&(key.dst, key.src)))
            .copied();
        let index = self.flows.len();
        self.flows.push(GreFlow {
            head: FlowHead {
                v4_pair: match (key.src, key.dst) {
                    (IpAddr::V4(s), IpAddr::V4(d)) => v4_pair(s, d),
                    _ => 0,
                },
                v4: key.src.is_ipv4() && key.dst.is_ipv4(),
                seen: 0,
                reverse: NO_FLOW,
                link: NO_FLOW,
                has_call: expected.is_some(),
                call_up: expected.is_some_and(|e| e.up),
                call_ended: false,
                outside_call: expected.is_some_and(|e| !e.up),
                ppp_direction: Direction::ClientToServer,
                holds_tally: false,
            },
            ppp_tally: DataTally::default(),
            src: key.src,
            dst: key.dst,
            call_id: key.call_id,
            session: None,
            call_index: None,
            orphan: expected.is_none(),
            direction: expected.map(|e| e.direction),
            reverse: None,
            unknown_to_session: None,
            stats: SeqStats::default(),
            before_call: 0,
            before_call_frames: Vec::new(),
            after_call: 0,
            after_call_frames: Vec::new(),
            anomalies: AnomalyCounts::default(),
            first_frames: Vec::with_capacity(EVIDENCE_FRAMES),
            adopted: false,
            call: expected.map(|e| e.call),
            session_hosts: if expected.is_none() { session_hosts } else { None },
            tracker,
            unpaired_acks: Vec::new(),
        });
        self.current.insert(key, index);
        match expected {
            Some(e) => {
                self.pair_call_flows(e.call);
                let link = self.link_of_call(e.call);
                if let Some(f) = self.flows.get_mut(index) {
                    f.head.link = slot_of(link);
                    f.head.ppp_direction = ppp_side(e.direction);
                }
            }
            None => {
                self.pair_orphan(index);
                // An orphan shares its reverse flow's link, as the other
                // side; a lone orphan starts one, its roles a guess.
                let reverse = self.flows.get(index).and_then(|f| f.reverse);
                let shared = reverse
                    .and_then(|r| self.flows.get(r))
                    .map(|r| (r.head.link(), r.head.ppp_direction));
                let (link, direction) = match shared {
                    Some((Some(l), d)) => (Some(l), d.reverse()),
                    _ => (self.new_link(None), Direction::ClientToServer),
                };
                if let Some(f) = self.flows.get_mut(index) {
                    f.head.link = slot_of(link);
                    f.head.ppp_direction = direction;
                }
            }
        }
        Some(index)
    }

    /// Makes `a` and `b` each other's reverse; acks either carried before
    /// are given to the other now (pairing happens when the second flow's
    /// first packet arrives, so they are still in order).
    fn link(&mut self, a: usize, b: usize) {
        let mut acks = [Vec::new(), Vec::new()];
        for (slot, (me, other)) in [(a, b), (b, a)].into_iter().enumerate() {
            if let Some(f) = self.flows.get_mut(me) {
                if f.reverse != Some(other) {
                    f.reverse = Some(other);
                    f.head.reverse = slot_of(Some(other));
                    if let Some(list) = acks.get_mut(slot) {
                        *list = std::mem::take(&mut f.unpaired_acks);
                    }
                }
            }
        }
        let [from_a, from_b] = acks;
        for (target, list) in [(b, from_a), (a, from_b)] {
            if let Some(f) = self.flows.get_mut(target) {
                for (ack, ts) in list {
                    f.tracker.on_peer_ack(ack, ts);
                }
            }
        }
    }

    /// The PPP link of a call, made on first use.
    fn link_of_call(&mut self, call: CallRef) -> Option<usize> {
        if let Some(&l) = self.call_links.get(&call) {
            return Some(l);
        }
        let l = self.new_link(Some(call))?;
        self.call_links.insert(call, l);
        Some(l)
    }

    fn new_link(&mut self, call: Option<CallRef>) -> Option<usize> {
        if self.links.len() >= self.max_flows {
            return None;
        }
        self.links.push(LinkSlot {
            link: PppLink::new(),
            call,
            holder: [NO_FLOW; 2],
        });
        Some(self.links.len() - 1)
    }

    /// Links the two directions of a call.
    fn pair_call_flows(&mut self, call: CallRef) {
        let mut c2s = None;
        let mut s2c = None;
        for (i, f) in self.flows.iter().enumerate().rev() {
            if f.call == Some(call) {
                match f.direction {
                    Some(FlowDirection::ClientToServer) if c2s.is_none() => c2s = Some(i),
                    Some(FlowDirection::ServerToClient) if s2c.is_none() => s2c = Some(i),
                    _ => {}
                }
            }
        }
        if let (Some(a), Some(b)) = (c2s, s2c) {
            self.link(a, b);
        }
    }

    /// Pairs an orphan with the one unpaired orphan going the other way
    /// between the same hosts, if there is exactly one.
    fn pair_orphan(&mut self, index: usize) {
        let Some(flow) = self.flows.get(index) else { return };
        let (src, dst) = (flow.src, flow.dst);
        let mut candidates = self.flows.iter().enumerate().filter(|(i, f)| {
            *i != index && f.call.is_none() && f.reverse.is_none() && f.src == dst && f.dst == src
        });
        let (Some((other, _)), None) = (candidates.next(), candidates.next()) else {
            return;
        };
        self.link(other, index);
    }

    /// Ends the capture: statistics settled, session ids filled in by the
    /// caller from `session_ids`.
    pub fn finish(mut self, session_ids: &[String]) -> (Vec<GreFlow>, GreCensus, Vec<FinishedLink>) {
        for index in 0..self.flows.len() {
            self.give_back_tally(index);
        }
        self.adopt_reverse_orphans();
        let mut links: Vec<FinishedLink> = self
            .links
            .iter()
            .map(|slot| FinishedLink {
                call: slot.call,
                report: slot.link.report(),
                flows: Vec::new(),
            })
            .collect();
        for (i, flow) in self.flows.iter().enumerate() {
            if let Some(l) = flow.head.link().and_then(|l| links.get_mut(l)) {
                l.flows.push(i);
                if l.call.is_none() {
                    l.call = flow.call;
                }
            }
        }
        for flow in &mut self.flows {
            flow.stats = flow.tracker.stats();
            if let Some(call) = flow.call {
                flow.session = session_ids.get(call.session).cloned();
                flow.call_index = Some(call.call);
                flow.orphan = false;
            } else {
                flow.orphan = true;
                flow.unknown_to_session = flow.session_hosts.and_then(|s| session_ids.get(s).cloned());
            }
        }
        let mut other: Vec<OtherGre> = self
            .other
            .iter()
            .map(|(&(version, protocol, kind), &packets)| OtherGre {
                kind: kind.name().to_string(),
                version,
                protocol,
                packets,
            })
            .collect();
        other.sort_by(|a, b| b.packets.cmp(&a.packets).then(a.kind.cmp(&b.kind)));
        self.census.other = other;
        (self.flows, self.census, links)
    }

    /// A call known from one direction only (typically picked up
    /// mid-session: a Set-Link-Info names the server's Call ID, never the
    /// client's) takes the one orphan flow going the other way between the
    /// same hosts, which tells its missing Call ID.
    fn adopt_reverse_orphans(&mut self) {
        let mut adoptions = Vec::new();
        for (i, f) in self.flows.iter().enumerate() {
            let (Some(call), Some(direction)) = (f.call, f.direction) else {
                continue;
            };
            // Already paired (as orphans, before the call was known) or the
            // one candidate going the other way.
            let paired = f
                .reverse
                .filter(|&j| self.flows.get(j).is_some_and(|o| o.call.is_none()));
            let candidate = match (f.reverse, paired) {
                (_, Some(j)) => Some(j),
                (Some(_), None) => None,
                (None, None) => {
                    let mut orphans = self
                        .flows
                        .iter()
                        .enumerate()
                        .filter(|(_, o)| o.call.is_none() && o.src == f.dst && o.dst == f.src);
                    match (orphans.next(), orphans.next()) {
                        (Some((j, _)), None) => Some(j),
                        _ => None,
                    }
                }
            };
            if let Some(j) = candidate {
                let reverse = match direction {
                    FlowDirection::ClientToServer => FlowDirection::ServerToClient,
                    FlowDirection::ServerToClient => FlowDirection::ClientToServer,
                };
                adoptions.push((i, j, call, reverse));
            }
        }
        for (i, j, call, direction) in adoptions {
            if let Some(o) = self.flows.get_mut(j) {
                if o.call.is_some() {
                    continue;
                }
                o.call = Some(call);
                o.head.has_call = true;
                o.head.settle();
                o.direction = Some(direction);
                o.adopted = true;
                o.reverse = Some(i);
                o.head.reverse = slot_of(Some(i));
            }
            if let Some(f) = self.flows.get_mut(i) {
                f.reverse = Some(j);
                f.head.reverse = slot_of(Some(j));
            }
        }
    }
}

impl GreFlow {
    /// The call this flow belongs to.
    pub fn call_ref(&self) -> Option<CallRef> {
        self.call
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An enhanced GRE packet (RFC 2637 §4.1) with a sequence number and a
    /// 4-byte payload.
    fn gre(call_id: u16, seq: u32) -> Vec<u8> {
        let mut g = vec![0x30, 0x01, 0x88, 0x0B, 0, 4];
        g.extend(call_id.to_be_bytes());
        g.extend(seq.to_be_bytes());
        g.extend([0xFD, 0x90, 0x00, 0x01]);
        g
    }

    /// An enhanced GRE packet carrying `FF 03 00 FD` and an encrypted MPPE
    /// frame with coherency count `count` (RFC 3078 §3).
    fn mppe_gre(call_id: u16, seq: u32, count: u16) -> Vec<u8> {
        let mut g = vec![0x30, 0x01, 0x88, 0x0B, 0, 10];
        g.extend(call_id.to_be_bytes());
        g.extend(seq.to_be_bytes());
        g.extend([
            0xFF,
            0x03,
            0x00,
            0xFD,
            0x10 | (count >> 8) as u8,
            count as u8,
            1,
            2,
            3,
            4,
        ]);
        g
    }

    fn mppe_frames(report: &PppReport, d: Direction) -> (u64, u64, Option<u16>) {
        let data = match d {
            Direction::ClientToServer => &report.data.client_to_server,
            Direction::ServerToClient => &report.data.server_to_client,
        };
        (
            report.frames.by_protocol.compressed,
            data.encrypted_frames,
            data.last_coherency_count,
        )
    }

    const ORIGIN: PacketOrigin = PacketOrigin {
        ip_ident: 0,
        iface: 0,
    };

    /// A flow counts its PPP data frames on the tally it holds; when a
    /// call claims the flow, the tally goes back to the link and is taken
    /// again, and the link's report counts every frame, in order.
    #[test]
    fn ppp_tally_follows_its_flow_onto_the_call() {
        let (client, server) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        let mut table = GreTable::new(16);
        table.register_session(0, client, server);
        let mut frame = 0;
        let mut send = |table: &mut GreTable, counts: std::ops::Range<u16>| {
            for count in counts {
                frame += 1;
                let ts = Timestamp::new(1_000, frame as u32 * 1_000);
                table.packet(
                    client,
                    server,
                    &mppe_gre(9, u32::from(count), count),
                    ts,
                    frame,
                    ORIGIN,
                );
            }
        };
        // GRE before the call is known: an orphan with a link of its own.
        send(&mut table, 0..5);
        let call = CallRef { session: 0, call: 0 };
        table.register_call(
            call,
            &CallKeys {
                client,
                server,
                client_call_id: Some(7),
                server_call_id: Some(9),
                client_window: None,
                server_window: None,
                up: true,
                setup_seen: false,
            },
        );
        send(&mut table, 5..12);
        let (flows, _, links) = table.finish(&[]);
        assert_eq!(flows.len(), 1);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].call, Some(call));
        assert_eq!(
            mppe_frames(&links[0].report, Direction::ClientToServer),
            (12, 12, Some(11))
        );
    }

    /// Two flows carrying the same side of one link, their packets
    /// interleaved: the side's tally moves to whichever flow has the
    /// packet, and no frame is counted twice or lost.
    #[test]
    fn ppp_tally_moves_between_flows_of_one_side() {
        let (a, b, server) = (
            IpAddr::from([10, 0, 0, 1]),
            IpAddr::from([10, 0, 0, 3]),
            IpAddr::from([10, 0, 0, 2]),
        );
        let mut table = GreTable::new(16);
        let ts = |frame: u64| Timestamp::new(1_000, frame as u32 * 1_000);
        table.packet(a, server, &mppe_gre(9, 0, 0), ts(1), 1, ORIGIN);
        table.packet(b, server, &mppe_gre(9, 0, 100), ts(2), 2, ORIGIN);
        // Tie the second flow to the first one's link and side.
        let (link, side) = (table.flows[0].head.link, table.flows[0].head.ppp_direction);
        table.give_back_tally(1);
        table.flows[1].head.link = link;
        table.flows[1].head.ppp_direction = side;
        for (i, count) in (1..9u16).enumerate() {
            let frame = 3 + i as u64;
            let src = if i % 2 == 0 { b } else { a };
            table.packet(
                src,
                server,
                &mppe_gre(9, u32::from(count), count),
                ts(frame),
                frame,
                ORIGIN,
            );
        }
        let (_, _, links) = table.finish(&[]);
        assert_eq!(links.len(), 2);
        assert_eq!(mppe_frames(&links[0].report, side), (9, 9, Some(8)));
        // The second flow's own link kept its first frame only.
        assert_eq!(mppe_frames(&links[1].report, side), (1, 1, Some(100)));
    }

    /// IPv4 and IPv6 flows with one Call ID, their packets interleaved:
    /// the Call ID slot names one flow at a time, and each packet still
    /// goes to the flow of its own addresses, found by the kind of
    /// comparison its addresses need.
    #[test]
    fn call_id_slot_tells_ipv4_from_ipv6_flows() {
        let v4 = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        let v6 = (
            IpAddr::from([0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
            IpAddr::from([0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]),
        );
        let v4_other_dst = (v4.0, IpAddr::from([10, 0, 0, 3]));
        let mut table = GreTable::new(16);
        let origin = PacketOrigin {
            ip_ident: 0,
            iface: 0,
        };
        let order = [v4, v6, v4, v6, v4_other_dst, v4, v6, v4];
        let mut seqs = HashMap::new();
        for (i, (src, dst)) in order.into_iter().enumerate() {
            let seq = seqs.entry((src, dst)).or_insert(0u32);
            *seq += 1;
            let frame = i as u64 + 1;
            let ts = Timestamp::new(1_000, frame as u32 * 1_000);
            table.packet(src, dst, &gre(7, *seq), ts, frame, origin);
        }
        let (flows, census, _) = table.finish(&[]);
        assert_eq!(census.pptp_packets, 8);
        let seen: Vec<_> = flows
            .iter()
            .map(|f| {
                (
                    f.src,
                    f.dst,
                    f.call_id,
                    f.stats.packets,
                    f.stats.lost,
                    f.first_frames.clone(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (v4.0, v4.1, 7, 4, 0, vec![1, 3, 6, 8]),
                (v6.0, v6.1, 7, 3, 0, vec![2, 4, 7]),
                (v4_other_dst.0, v4_other_dst.1, 7, 1, 0, vec![5]),
            ]
        );
    }
}
