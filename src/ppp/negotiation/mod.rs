//! The PPP negotiation of one link (one PPTP call or SSTP connection),
//! rebuilt from its frames in capture order.
//!
//! [`PppLink`] is fed `(direction, frame number, timestamp, PPP frame)` and
//! keeps, within fixed bounds: each side's LCP/CCP/IPCP/IPV6CP requests
//! paired with their Ack/Nak/Reject by Identifier (RFC 1661 §5); what each
//! side finally had acknowledged; authentication with the values a verifier
//! needs; MPPE agreement; data counts with coherency-count gaps; a bounded
//! ladder of [`PppEvent`]s; and the [`Outcome`] facts the analysis maps to
//! Windows errors. It writes no findings and knows nothing of GRE or SSTP.
//!
//! "Client" and "server" name the VPN roles (PPTP PNS/PAC, SSTP client and
//! server); a negotiation side is named by the sender of its
//! Configure-Requests.

mod configure;
mod explain;
mod outcome;
mod report;

#[cfg(test)]
mod captures;

use std::collections::VecDeque;
use std::net::Ipv4Addr;

pub use configure::{NegotiationStats, Reply};
pub use outcome::{
    AuthFailure, EchoFailure, EncryptionFailureKind, EncryptionNotAgreed, LcpNotConverged, LoopedBack,
    NcpFailure, NcpFailureKind, Outcome, MAX_FAILURE,
};
pub use report::{
    AuthReport, AuthResult, CbcpReport, CcpReport, CcpSide, ChapExchange, CodeRejectInfo, DataDirection,
    DataReport, EapReport, EchoReport, EchoSide, FrameError, FrameStats, Identification, InnerProtocols,
    IpcpReport, IpcpSide, Ipv6cpReport, Ipv6cpSide, LcpAccepted, LcpReport, LcpSide, LinkPhase,
    MppeAgreement, MppeSummary, MsChapV2Exchange, PerDirection, Phase, PppEvent, PppReport, ProtocolCount,
    ProtocolCounts, ProtocolRejectInfo, Termination, TimeRemaining,
};

pub use crate::pptp::session::Direction;

use self::configure::Side;
use self::explain::{control_explanation, control_summary, quoted};
use self::report::hex32;
use crate::capture::Timestamp;
use crate::ppp::wire::{
    self, lossy, parse_cbcp, parse_ccp, parse_chap, parse_eap, parse_frame, parse_inner_ip, parse_ipcp,
    parse_ipv6cp, parse_lcp, parse_pap, AuthMethod, CbcpCode, CcpOption, ChapBody, ChapPacket, ConfigOption,
    ControlBody, ControlFamily, ControlRepr, EapBody, EapData, EapPacket, EapType, IpProtocol, IpcpOption,
    Ipv6cpOption, LcpOption, MppeBits, MppePacket, MsChapFailure, MsChapV2Response, MsChapV2Success, PapBody,
    PapPacket, Protocol, WireError,
};

/// Bounds on what one link keeps. Counts stay exact when a bound is hit.
#[derive(Debug, Clone)]
pub struct PppLimits {
    /// Events in the ladder.
    pub events: usize,
    /// Outstanding Configure-Requests remembered per side and protocol.
    pub pending_requests: usize,
    /// Outstanding Echo-Requests remembered per side.
    pub pending_echoes: usize,
    /// Entries of each list (Protocol-Rejects, Code-Rejects,
    /// Identifications, frame errors, unknown protocols).
    pub listed: usize,
    /// MS-CHAPv2 attempts kept for verification.
    pub auth_attempts: usize,
    /// Echo exchanges and CCP resets listed per side as events; the rest
    /// are only counted.
    pub keepalive_events: u32,
}

impl Default for PppLimits {
    fn default() -> Self {
        PppLimits {
            events: 500,
            pending_requests: 16,
            pending_echoes: 64,
            listed: 32,
            auth_attempts: 8,
            keepalive_events: 3,
        }
    }
}

/// Where a frame sits in the capture.
#[derive(Debug, Clone, Copy)]
struct At {
    frame: u64,
    ts: Timestamp,
    dir: Direction,
}

impl At {
    fn time(&self) -> f64 {
        self.ts.as_secs_f64()
    }
}

fn ix(d: Direction) -> usize {
    match d {
        Direction::ClientToServer => 0,
        Direction::ServerToClient => 1,
    }
}

fn other(d: Direction) -> Direction {
    match d {
        Direction::ClientToServer => Direction::ServerToClient,
        Direction::ServerToClient => Direction::ClientToServer,
    }
}

fn sides<O: ConfigOption>(max_pending: usize) -> [Side<O>; 2] {
    [Side::new(max_pending), Side::new(max_pending)]
}

#[derive(Debug, Clone)]
struct PendingEcho {
    identifier: u8,
    frame: u64,
    ts: Timestamp,
}

#[derive(Debug, Clone)]
struct PendingChallenge {
    value: Vec<u8>,
    frame: u64,
}

fn magic_of(options: &[LcpOption]) -> Option<u32> {
    options.iter().find_map(|o| match o {
        LcpOption::MagicNumber(m) => Some(*m),
        _ => None,
    })
}

fn mppe_of(options: &[CcpOption]) -> Option<MppeBits> {
    options.iter().find_map(CcpOption::mppe)
}

fn reply_kind(code: wire::Code) -> Option<Reply> {
    match code {
        wire::Code::CONFIGURE_ACK => Some(Reply::Ack),
        wire::Code::CONFIGURE_NAK => Some(Reply::Nak),
        wire::Code::CONFIGURE_REJECT => Some(Reply::Reject),
        _ => None,
    }
}

fn push_bounded<T>(list: &mut Vec<T>, item: T, limit: usize, not_listed: &mut u64) {
    if list.len() < limit {
        list.push(item);
    } else {
        *not_listed = not_listed.saturating_add(1);
    }
}

fn push_unique(list: &mut Vec<String>, item: String, limit: usize) {
    if !list.contains(&item) && list.len() < limit {
        list.push(item);
    }
}

fn nonzero(a: Ipv4Addr) -> Option<String> {
    (!a.is_unspecified()).then(|| a.to_string())
}

fn lcp_accepted(options: &[LcpOption]) -> LcpAccepted {
    let mut a = LcpAccepted::default();
    for o in options {
        match o {
            LcpOption::MaximumReceiveUnit(v) => a.mru = Some(*v),
            LcpOption::AsyncControlCharacterMap(v) => a.accm = Some(hex32(*v)),
            LcpOption::AuthenticationProtocol { .. } => a.auth_protocol = o.auth_method(),
            LcpOption::QualityProtocol { protocol, .. } => a.quality_protocol = Some(protocol.to_string()),
            LcpOption::MagicNumber(v) => a.magic_number = Some(hex32(*v)),
            LcpOption::ProtocolFieldCompression => a.pfc = true,
            LcpOption::AddressAndControlFieldCompression => a.acfc = true,
            LcpOption::MultilinkMrru(v) => a.mrru = Some(*v),
            LcpOption::MultilinkShortSequenceNumber => a.short_sequence_numbers = true,
            LcpOption::EndpointDiscriminator { class, address } => {
                a.endpoint_discriminator = Some(format!(
                    "{} {}",
                    class.name().unwrap_or("unknown class"),
                    class.format_address(address)
                ));
            }
            LcpOption::Callback { operation, .. } => {
                a.callback = Some(
                    operation
                        .name()
                        .map_or_else(|| format!("operation {}", operation.0), str::to_string),
                );
            }
            LcpOption::LinkDiscriminator(v) => a.link_discriminator = Some(*v),
            _ => a.other.push(o.to_string()),
        }
    }
    a
}

fn ipcp_side(side: &Side<IpcpOption>) -> IpcpSide {
    let mut s = IpcpSide {
        negotiation: side.stats(),
        ..IpcpSide::default()
    };
    let acked = side.acked().unwrap_or(&[]);
    let (mut dns1, mut dns2, mut nbns1, mut nbns2) = (None, None, None, None);
    for o in acked {
        match o {
            IpcpOption::IpAddress(a) => s.address = nonzero(*a),
            IpcpOption::PrimaryDns(a) => dns1 = nonzero(*a),
            IpcpOption::SecondaryDns(a) => dns2 = nonzero(*a),
            IpcpOption::PrimaryNbns(a) => nbns1 = nonzero(*a),
            IpcpOption::SecondaryNbns(a) => nbns2 = nonzero(*a),
            IpcpOption::IpCompressionProtocol { .. } => s.compression = Some(o.to_string()),
            _ => {}
        }
    }
    s.dns = dns1.into_iter().chain(dns2).collect();
    s.nbns = nbns1.into_iter().chain(nbns2).collect();
    s
}

fn ipv6cp_side(side: &Side<Ipv6cpOption>) -> Ipv6cpSide {
    let interface_id = side.acked().unwrap_or(&[]).iter().find_map(|o| match o {
        Ipv6cpOption::InterfaceIdentifier(id) => Some(Ipv6cpOption::format_interface_id(id)),
        _ => None,
    });
    Ipv6cpSide {
        negotiation: side.stats(),
        interface_id,
    }
}

/// One direction's data frames (MPPE, RFC 3078 §3; IPv4, RFC 1332; IPv6,
/// RFC 5072): the counts [`PppLink::frame`] keeps for the frames it takes
/// on its fast path, and the per-direction state both of its paths share.
/// [`PppLink::report`] adds the counts to the report's.
///
/// Once a link is established nearly all of its frames are data, and a
/// capture interleaves many links, so a link's state has usually left the
/// first-level cache by the time its next frame comes. What an MPPE frame
/// in order reads and writes is therefore one cache line here, instead of
/// the report's counters spread over several.
///
/// A carrier that keeps state of its own per direction (the GRE flow table)
/// may hold a direction's tally itself, next to that state, and hand it in
/// with each frame ([`PppLink::frame_with`]); [`PppLink::take_tally`] and
/// [`PppLink::put_tally`] move it out and back.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
pub struct DataTally {
    // Counted on the fast path only.
    /// Frames starting with `FF 03`.
    with_address_control: u64,
    /// Frames with a one-byte Protocol field.
    protocol_compressed: u64,
    /// MPPE frames (protocol 0x00FD), and how many of them were encrypted
    /// and flushed.
    compressed: u64,
    encrypted: u64,
    flushed: u64,
    /// Information-field bytes of those MPPE frames.
    bytes: u64,
    // Kept by both paths.
    /// The frame of the direction's latest data frame, once `listed`.
    last_frame: u64,
    /// The coherency count that follows the one of the direction's latest
    /// MPPE frame that moved the count on (RFC 3078 §3.1), [`NO_COUNT`]
    /// before the first: the count a frame needs for the fast path.
    next_count: u16,
    /// The direction's first data frame went through the general path
    /// (which lists it as an event): the direction's first frame and first
    /// coherency count and the link's phase are set, so a later frame only
    /// adds to counts.
    listed: bool,
}

/// [`DataTally::next_count`] before the direction's first MPPE frame; no
/// 12-bit coherency count equals it.
const NO_COUNT: u16 = u16::MAX;

impl Default for DataTally {
    fn default() -> Self {
        DataTally {
            with_address_control: 0,
            protocol_compressed: 0,
            compressed: 0,
            encrypted: 0,
            flushed: 0,
            bytes: 0,
            last_frame: 0,
            next_count: NO_COUNT,
            listed: false,
        }
    }
}

impl DataTally {
    /// The coherency count of the latest MPPE frame that moved it on.
    fn coherency_last(&self) -> Option<u16> {
        use wire::mppe::COHERENCY_MODULUS as M;
        (self.next_count != NO_COUNT).then(|| (self.next_count + M - 1) % M)
    }

    fn set_coherency_last(&mut self, count: Option<u16>) {
        self.next_count = count.map_or(NO_COUNT, |c| (c + 1) % wire::mppe::COHERENCY_MODULUS);
    }
}

// What an MPPE frame touches is one cache line.
const _: () = assert!(core::mem::size_of::<DataTally>() == 64);

/// The PPP state of one link. Feed it every PPP frame with [`PppLink::frame`];
/// read it with [`PppLink::report`].
#[derive(Debug, Clone)]
pub struct PppLink {
    limits: PppLimits,
    /// The parts of the report kept up to date frame by frame.
    r: PppReport,
    lcp: [Side<LcpOption>; 2],
    ipcp: [Side<IpcpOption>; 2],
    ipv6cp: [Side<Ipv6cpOption>; 2],
    ccp: [Side<CcpOption>; 2],
    echo_pending: [VecDeque<PendingEcho>; 2],
    echo_rtt_sum_ms: [f64; 2],
    /// Per direction, the data frames counted on the fast path and the
    /// state both paths share (see [`DataTally`]).
    tally: [DataTally; 2],
    /// Per direction, the IPv4 and IPv6 frames counted on the fast path.
    ip_frames: [[u64; 2]; 2],
    lcp_frames: PerDirection,
    /// A Configure-Request was seen since the latest Terminate-Request.
    configure_since_terminate: bool,
    looped_back: Option<LoopedBack>,
    chap_challenge: Option<PendingChallenge>,
    /// The C= challenge of the latest MS-CHAP Failure, which a retry answers
    /// (RFC 2759 §6).
    retry_challenge: Option<Vec<u8>>,
    inferred_method: Option<AuthMethod>,
    ipcp_opened: bool,
    ipv6cp_opened: bool,
    ccp_opened: bool,
    /// An MPPE option was acknowledged in either direction.
    mppe_acked: bool,
    mppe_strength_frame: Option<(u64, Direction)>,
    mppe_reject_frame: Option<(u64, Direction)>,
    ccp_last_request_frame: Option<u64>,
    ipcp_reject_frame: Option<(u64, Direction)>,
}

impl Default for PppLink {
    fn default() -> Self {
        Self::new()
    }
}

impl PppLink {
    pub fn new() -> Self {
        Self::with_limits(PppLimits::default())
    }

    pub fn with_limits(limits: PppLimits) -> Self {
        let pending = limits.pending_requests;
        PppLink {
            limits,
            r: PppReport::default(),
            lcp: sides(pending),
            ipcp: sides(pending),
            ipv6cp: sides(pending),
            ccp: sides(pending),
            echo_pending: [VecDeque::new(), VecDeque::new()],
            echo_rtt_sum_ms: [0.0; 2],
            tally: [DataTally::default(); 2],
            ip_frames: [[0; 2]; 2],
            lcp_frames: PerDirection::default(),
            configure_since_terminate: false,
            looped_back: None,
            chap_challenge: None,
            retry_challenge: None,
            inferred_method: None,
            ipcp_opened: false,
            ipv6cp_opened: false,
            ccp_opened: false,
            mppe_acked: false,
            mppe_strength_frame: None,
            mppe_reject_frame: None,
            ccp_last_request_frame: None,
            ipcp_reject_frame: None,
        }
    }

    /// One PPP frame (as carried in GRE or an SSTP data packet).
    // Inlined into the GRE data path: a data frame of an established link
    // costs a few comparisons and counter updates on one cache line; every
    // other frame goes out of line to the general decoder.
    #[inline(always)]
    pub fn frame(&mut self, direction: Direction, frame: u64, ts: Timestamp, bytes: &[u8]) {
        if !self.data_frame(direction, frame, ts, bytes) {
            self.any_frame(direction, frame, ts, bytes);
        }
    }

    /// [`PppLink::frame`] with the tally of `direction` held by the caller
    /// (see [`DataTally`]): the common MPPE frame is counted on it
    /// directly; every other frame runs with it put in place for the call.
    #[inline(always)]
    pub fn frame_with(
        &mut self,
        tally: &mut DataTally,
        direction: Direction,
        frame: u64,
        ts: Timestamp,
        bytes: &[u8],
    ) {
        use wire::frame::{ALL_STATIONS as FF, UI_CONTROL as UI};
        if let Some((head, info)) = bytes.split_first_chunk::<4>() {
            if *head == [FF, UI, 0, 0xFD] && Self::mppe_on(tally, frame, true, false, info) {
                return;
            }
        }
        self.frame_in_place(tally, direction, frame, ts, bytes);
    }

    /// [`PppLink::frame_with`] for every frame but the common one.
    #[inline(never)]
    fn frame_in_place(
        &mut self,
        tally: &mut DataTally,
        direction: Direction,
        frame: u64,
        ts: Timestamp,
        bytes: &[u8],
    ) {
        let d = ix(direction);
        if let Some(home) = self.tally.get_mut(d) {
            std::mem::swap(home, tally);
        }
        self.frame(direction, frame, ts, bytes);
        if let Some(home) = self.tally.get_mut(d) {
            std::mem::swap(home, tally);
        }
    }

    /// The tally of `direction`, to be held by the caller (see
    /// [`DataTally`]); the link's own copy is not read again until
    /// [`PppLink::put_tally`] gives it back.
    pub fn take_tally(&self, direction: Direction) -> DataTally {
        self.tally[ix(direction)]
    }

    /// Gives back a tally taken with [`PppLink::take_tally`].
    pub fn put_tally(&mut self, direction: Direction, tally: DataTally) {
        self.tally[ix(direction)] = tally;
    }

    /// The fast path: takes an MPPE frame whose coherency count is the one
    /// after its direction's last, once that direction's first data frame
    /// was listed, or any IPv4 or IPv6 frame, and returns true; returns
    /// false, having changed nothing, for every other frame. Its counts
    /// are the ones [`PppLink::any_frame`] would have made, kept in the
    /// direction's [`DataTally`].
    #[inline(always)]
    fn data_frame(&mut self, direction: Direction, frame: u64, ts: Timestamp, bytes: &[u8]) -> bool {
        // The Address/Control and Protocol forms `parse_frame` reads (RFC
        // 1661 §6.5, §6.6; RFC 1662 §3.1) for a protocol number below 0x100:
        // after `FF 03` or without it, one odd byte or `00` and a byte.
        use wire::frame::{ALL_STATIONS as FF, UI_CONTROL as UI};
        // An MPPE frame with `FF 03 00 FD` in front, the form nearly every
        // data frame of a session has, is told by one comparison.
        if let Some((head, info)) = bytes.split_first_chunk::<4>() {
            if *head == [FF, UI, 0, 0xFD] {
                return self.mppe_frame(direction, frame, true, false, info);
            }
        }
        let (address_control, protocol_compressed, protocol, info) = match bytes {
            [FF, UI, 0, protocol, info @ ..] => (true, false, *protocol, info),
            [FF, UI, protocol, info @ ..] if protocol & 1 == 1 => (true, true, *protocol, info),
            [0, protocol, info @ ..] => (false, false, *protocol, info),
            [protocol, info @ ..] if protocol & 1 == 1 => (false, true, *protocol, info),
            _ => return false,
        };
        let v6 = match protocol {
            0xFD => return self.mppe_frame(direction, frame, address_control, protocol_compressed, info),
            0x21 => false,
            0x57 => true,
            _ => return false,
        };
        let t = &mut self.tally[ix(direction)];
        t.with_address_control += u64::from(address_control);
        t.protocol_compressed += u64::from(protocol_compressed);
        if let Some([ipv4, ipv6]) = self.ip_frames.get_mut(ix(direction)) {
            if v6 {
                *ipv6 += 1;
            } else {
                *ipv4 += 1;
            }
        }
        self.ip_frame(direction, frame, ts, v6, info);
        true
    }

    /// The fast path of an MPPE frame (protocol 0x00FD; `info` starts with
    /// the MPPE header): true when its coherency count is the one after the
    /// direction's last.
    #[inline(always)]
    fn mppe_frame(
        &mut self,
        direction: Direction,
        frame: u64,
        address_control: bool,
        protocol_compressed: bool,
        info: &[u8],
    ) -> bool {
        Self::mppe_on(
            &mut self.tally[ix(direction)],
            frame,
            address_control,
            protocol_compressed,
            info,
        )
    }

    /// [`PppLink::mppe_frame`] on the direction's tally `t`.
    #[inline(always)]
    fn mppe_on(
        t: &mut DataTally,
        frame: u64,
        address_control: bool,
        protocol_compressed: bool,
        info: &[u8],
    ) -> bool {
        // RFC 3078 §3.1: the count goes up by one per frame; any other
        // step, and the first frame, are for the general path (which lists
        // that first frame, so `listed` holds once there is a next count).
        let [flags, low, ..] = *info else { return false };
        let count = u16::from_be_bytes([flags & 0x0F, low]);
        if count != t.next_count {
            return false;
        }
        t.next_count = (count + 1) % wire::mppe::COHERENCY_MODULUS;
        t.with_address_control += u64::from(address_control);
        t.protocol_compressed += u64::from(protocol_compressed);
        t.compressed += 1;
        t.encrypted += u64::from(flags & wire::mppe::FLAG_ENCRYPTED != 0);
        t.flushed += u64::from(flags & wire::mppe::FLAG_FLUSHED != 0);
        t.bytes = t.bytes.saturating_add(info.len() as u64);
        t.last_frame = frame;
        true
    }

    /// The IP part of a fast-path IPv4 or IPv6 frame: its inner header is
    /// read, so it goes out of line.
    #[inline(never)]
    fn ip_frame(&mut self, direction: Direction, frame: u64, ts: Timestamp, v6: bool, info: &[u8]) {
        let at = At {
            frame,
            ts,
            dir: direction,
        };
        self.on_ip(at, v6, info);
    }

    /// The general path: any PPP frame, decoded in full.
    #[inline(never)]
    fn any_frame(&mut self, direction: Direction, frame: u64, ts: Timestamp, bytes: &[u8]) {
        let at = At {
            frame,
            ts,
            dir: direction,
        };
        let f = &mut self.r.frames;
        f.total = f.total.saturating_add(1);
        f.per_direction.add(direction, 1);
        let ppp = match parse_frame(bytes) {
            Ok(p) => p,
            Err(e) => return self.malformed(at, None, &e),
        };
        let f = &mut self.r.frames;
        if ppp.address_control {
            f.with_address_control += 1;
        } else {
            f.address_control_compressed += 1;
        }
        if ppp.protocol_compressed {
            f.protocol_compressed += 1;
        }
        if ppp.lcp_framing_violation() {
            f.lcp_framing_violations += 1;
        }
        if !ppp.protocol.is_well_formed() {
            f.invalid_protocol_numbers += 1;
        }
        let info = ppp.information;
        let counts = &mut f.by_protocol;
        let result = match ppp.protocol {
            Protocol::LCP => {
                counts.lcp += 1;
                self.lcp_frames.add(direction, 1);
                parse_lcp(info).map(|p| self.on_lcp(at, &p))
            }
            Protocol::PAP => {
                counts.pap += 1;
                parse_pap(info).map(|p| self.on_pap(at, &p))
            }
            Protocol::CHAP => {
                counts.chap += 1;
                parse_chap(info).map(|p| self.on_chap(at, &p, false))
            }
            Protocol::EAP => {
                counts.eap += 1;
                parse_eap(info).map(|p| self.on_eap(at, &p))
            }
            Protocol::CBCP => {
                counts.cbcp += 1;
                parse_cbcp(info).map(|p| self.on_cbcp(at, &p))
            }
            Protocol::CCP => {
                counts.ccp += 1;
                parse_ccp(info).map(|p| self.on_ccp(at, &p))
            }
            Protocol::IPCP => {
                counts.ipcp += 1;
                parse_ipcp(info).map(|p| self.on_ipcp(at, &p))
            }
            Protocol::IPV6CP => {
                counts.ipv6cp += 1;
                parse_ipv6cp(info).map(|p| self.on_ipv6cp(at, &p))
            }
            Protocol::COMPRESSED => {
                counts.compressed += 1;
                MppePacket::new_checked(info).map(|p| self.on_mppe(at, &p, info.len()))
            }
            Protocol::IPV4 | Protocol::IPV6 => {
                if ppp.protocol == Protocol::IPV4 {
                    counts.ipv4 += 1;
                } else {
                    counts.ipv6 += 1;
                }
                self.on_ip(at, ppp.protocol == Protocol::IPV6, info);
                Ok(())
            }
            other_protocol => {
                counts.other += 1;
                self.on_other(other_protocol);
                Ok(())
            }
        };
        if let Err(e) = result {
            self.malformed(at, Some(ppp.protocol), &e);
        }
    }

    fn malformed(&mut self, at: At, protocol: Option<Protocol>, e: &WireError) {
        let f = &mut self.r.frames;
        f.malformed = f.malformed.saturating_add(1);
        let item = FrameError {
            frame: at.frame,
            direction: at.dir,
            protocol,
            error: e.to_string(),
        };
        push_bounded(&mut f.errors, item, self.limits.listed, &mut f.errors_not_listed);
    }

    fn reach(&mut self, phase: LinkPhase) {
        if phase > self.r.phase_reached {
            self.r.phase_reached = phase;
        }
    }

    fn event(&mut self, at: At, phase: Phase, summary: impl FnOnce() -> String, explanation: &str) {
        if self.r.events.len() >= self.limits.events {
            self.r.events_not_listed = self.r.events_not_listed.saturating_add(1);
            return;
        }
        self.r.events.push(PppEvent {
            frame: at.frame,
            time: at.time(),
            direction: at.dir,
            phase,
            summary: summary(),
            explanation: explanation.to_string(),
        });
    }

    fn control_event<O: ConfigOption>(
        &mut self,
        at: At,
        phase: Phase,
        family: ControlFamily,
        p: &ControlRepr<O>,
    ) {
        self.event(
            at,
            phase,
            || control_summary(p),
            control_explanation(family, p.code),
        );
    }

    // ---- LCP (RFC 1661 §5) -------------------------------------------------

    fn on_lcp(&mut self, at: At, p: &wire::LcpPacket) {
        self.reach(LinkPhase::Establish);
        let (me, peer) = (ix(at.dir), ix(other(at.dir)));
        let mut phase = Phase::Lcp;
        let mut listed = true;
        match &p.body {
            ControlBody::ConfigureRequest(options) => {
                if self.r.lcp.terminate.is_some() && !self.configure_since_terminate {
                    self.r.lcp.restarts = self.r.lcp.restarts.saturating_add(1);
                }
                self.configure_since_terminate = true;
                let mine = magic_of(options);
                let theirs = self.lcp[peer].last_request().and_then(magic_of);
                if let (Some(m), Some(t), None) = (mine, theirs, &self.looped_back) {
                    if m == t && m != 0 {
                        self.looped_back = Some(LoopedBack {
                            frame: at.frame,
                            magic_number: hex32(m),
                        });
                    }
                }
                self.lcp[me].request(p.identifier, at.frame, options);
            }
            ControlBody::ConfigureAck(options)
            | ControlBody::ConfigureNak(options)
            | ControlBody::ConfigureReject(options) => {
                if let Some(kind) = reply_kind(p.code) {
                    self.lcp[peer].reply(kind, p.identifier, at.frame, options);
                }
                if !self.r.lcp.opened && self.lcp.iter().all(Side::converged) {
                    self.r.lcp.opened = true;
                    self.r.lcp.opened_frame = Some(at.frame);
                }
            }
            ControlBody::TerminateRequest(data) => {
                phase = Phase::Terminate;
                self.on_lcp_terminate_request(at, data);
            }
            ControlBody::TerminateAck(_) => {
                phase = Phase::Terminate;
                let l = &mut self.r.lcp;
                l.terminate_acks = l.terminate_acks.saturating_add(1);
                if let Some(t) = l.terminate.as_mut() {
                    if t.by == other(at.dir) && t.acked_frame.is_none() {
                        t.acked_frame = Some(at.frame);
                    }
                }
            }
            ControlBody::CodeReject(rejected) => self.on_code_reject(at, Protocol::LCP, rejected),
            ControlBody::ProtocolReject {
                rejected_protocol, ..
            } => self.on_protocol_reject(at, *rejected_protocol),
            ControlBody::EchoRequest { .. } => listed = self.on_echo_request(at, p.identifier),
            ControlBody::EchoReply { magic_number, .. } => {
                listed = self.on_echo_reply(at, p.identifier, *magic_number)
            }
            ControlBody::DiscardRequest { .. } => {
                self.r.lcp.discard_requests = self.r.lcp.discard_requests.saturating_add(1);
            }
            ControlBody::Identification { message, .. } => {
                let l = &mut self.r.lcp;
                let item = Identification {
                    frame: at.frame,
                    by: at.dir,
                    message: lossy(message),
                };
                push_bounded(&mut l.identification, item, self.limits.listed, &mut l.not_listed);
            }
            ControlBody::TimeRemaining {
                seconds_remaining,
                message,
                ..
            } => {
                self.r.lcp.time_remaining = Some(TimeRemaining {
                    frame: at.frame,
                    by: at.dir,
                    seconds: *seconds_remaining,
                    message: lossy(message),
                });
            }
            ControlBody::ResetRequest(_) | ControlBody::ResetAck(_) | ControlBody::Unknown(_) => {
                self.r.lcp.unknown_codes = self.r.lcp.unknown_codes.saturating_add(1);
            }
        }
        if listed {
            self.control_event(at, phase, ControlFamily::Lcp, p);
        }
    }

    fn on_lcp_terminate_request(&mut self, at: At, data: &[u8]) {
        let phase_now = self.r.phase_reached;
        let retransmission = !self.configure_since_terminate;
        let l = &mut self.r.lcp;
        l.terminate_requests = l.terminate_requests.saturating_add(1);
        match l.terminate.as_mut() {
            Some(t) if t.by == at.dir && retransmission => t.requests = t.requests.saturating_add(1),
            _ => {
                l.terminate = Some(Termination {
                    by: at.dir,
                    frame: at.frame,
                    time: at.time(),
                    reason: (!data.is_empty()).then(|| lossy(data)),
                    acked_frame: None,
                    requests: 1,
                    phase: phase_now,
                });
            }
        }
        self.configure_since_terminate = false;
    }

    fn on_code_reject(&mut self, at: At, protocol: Protocol, rejected: &[u8]) {
        let l = &mut self.r.lcp;
        let item = CodeRejectInfo {
            frame: at.frame,
            by: at.dir,
            protocol,
            rejected_code: rejected.first().copied(),
        };
        push_bounded(&mut l.code_rejects, item, self.limits.listed, &mut l.not_listed);
    }

    fn on_protocol_reject(&mut self, at: At, protocol: Protocol) {
        match protocol {
            Protocol::CCP => {
                self.r.ccp.protocol_rejected_by.get_or_insert(at.dir);
                self.r.ccp.protocol_reject_frame.get_or_insert(at.frame);
            }
            Protocol::IPV6CP => {
                self.r.ipv6cp.protocol_rejected_by.get_or_insert(at.dir);
                self.r.ipv6cp.protocol_reject_frame.get_or_insert(at.frame);
            }
            Protocol::IPCP => {
                self.r.ipcp.protocol_rejected_by.get_or_insert(at.dir);
                self.r.ipcp.protocol_reject_frame.get_or_insert(at.frame);
            }
            _ => {}
        }
        let l = &mut self.r.lcp;
        let item = ProtocolRejectInfo {
            frame: at.frame,
            time: at.time(),
            by: at.dir,
            protocol,
            protocol_number: protocol.0,
        };
        push_bounded(
            &mut l.protocol_rejects,
            item,
            self.limits.listed,
            &mut l.not_listed,
        );
    }

    fn echo_side(&mut self, requester: Direction) -> &mut EchoSide {
        match requester {
            Direction::ClientToServer => &mut self.r.lcp.echo.client,
            Direction::ServerToClient => &mut self.r.lcp.echo.server,
        }
    }

    /// Returns whether the request is listed as an event.
    fn on_echo_request(&mut self, at: At, identifier: u8) -> bool {
        let limit = self.limits.pending_echoes.max(1);
        let pending = &mut self.echo_pending[ix(at.dir)];
        let overflow = if pending.len() >= limit {
            pending.pop_front()
        } else {
            None
        };
        pending.push_back(PendingEcho {
            identifier,
            frame: at.frame,
            ts: at.ts,
        });
        let keepalive_events = self.limits.keepalive_events;
        let side = self.echo_side(at.dir);
        side.requests = side.requests.saturating_add(1);
        side.last_request_frame = Some(at.frame);
        if let Some(lost) = overflow {
            side.unanswered = side.unanswered.saturating_add(1);
            side.first_unanswered_frame.get_or_insert(lost.frame);
        }
        side.requests <= keepalive_events
    }

    fn on_echo_reply(&mut self, at: At, identifier: u8, magic: u32) -> bool {
        let requester = other(at.dir);
        let replier_magic = self.lcp[ix(at.dir)].acked().and_then(magic_of);
        let pending = &mut self.echo_pending[ix(requester)];
        let matched = pending.iter().position(|p| p.identifier == identifier);
        let mut lost = Vec::new();
        let mut answered = None;
        if let Some(i) = matched {
            lost.extend(pending.drain(..i).map(|p| p.frame));
            answered = pending.pop_front();
        }
        let keepalive_events = self.limits.keepalive_events;
        let rtt_ms = answered.map(|p| at.ts.secs_since(p.ts) * 1000.0);
        if let Some(rtt) = rtt_ms {
            self.echo_rtt_sum_ms[ix(requester)] += rtt;
        }
        let side = self.echo_side(requester);
        side.replies = side.replies.saturating_add(1);
        if replier_magic.is_some_and(|m| m != magic) {
            side.magic_mismatches = side.magic_mismatches.saturating_add(1);
        }
        for frame in lost {
            side.unanswered = side.unanswered.saturating_add(1);
            side.first_unanswered_frame.get_or_insert(frame);
        }
        if let Some(rtt) = rtt_ms {
            side.rtt_samples = side.rtt_samples.saturating_add(1);
            side.rtt_min_ms = Some(side.rtt_min_ms.map_or(rtt, |m| m.min(rtt)));
            side.rtt_max_ms = Some(side.rtt_max_ms.map_or(rtt, |m| m.max(rtt)));
        }
        side.replies <= keepalive_events
    }

    // ---- Authentication (RFC 1334, RFC 1994, RFC 2759, RFC 2284) -----------

    /// The method LCP agreed (the authenticator's acknowledged request
    /// first), else the one inferred from the packets.
    fn lcp_auth(&self) -> Option<(AuthMethod, Direction)> {
        let from = |side: usize| {
            let s = &self.lcp[side];
            s.acked()
                .or(s.last_request())
                .and_then(|o| o.iter().find_map(LcpOption::auth_method))
        };
        from(1)
            .map(|m| (m, Direction::ServerToClient))
            .or_else(|| from(0).map(|m| (m, Direction::ClientToServer)))
    }

    fn effective_method(&self) -> Option<AuthMethod> {
        self.lcp_auth().map(|(m, _)| m).or(self.inferred_method)
    }

    fn on_pap(&mut self, at: At, p: &PapPacket) {
        self.reach(LinkPhase::Authenticate);
        self.inferred_method.get_or_insert(AuthMethod::Pap);
        let a = &mut self.r.auth;
        let (summary, explanation) = match &p.body {
            PapBody::AuthenticateRequest { peer_id, password } => {
                a.authenticator.get_or_insert(other(at.dir));
                a.attempts = a.attempts.saturating_add(1);
                a.user = Some(lossy(peer_id));
                a.response_frame = Some(at.frame);
                a.pap_password = Some(password.clone());
                (
                    format!(
                        "Authenticate-Request peer-id {} (id {})",
                        quoted(peer_id),
                        p.identifier
                    ),
                    "The peer sends its name and password in clear text.",
                )
            }
            PapBody::AuthenticateAck { message } | PapBody::AuthenticateNak { message } => {
                let success = matches!(p.body, PapBody::AuthenticateAck { .. });
                a.authenticator.get_or_insert(at.dir);
                a.result = Some(if success {
                    AuthResult::Success
                } else {
                    AuthResult::Failure
                });
                if !success {
                    a.failures = a.failures.saturating_add(1);
                }
                a.result_frame = Some(at.frame);
                a.message = (!message.is_empty()).then(|| lossy(message));
                let name = if success {
                    "Authenticate-Ack"
                } else {
                    "Authenticate-Nak"
                };
                let summary = if message.is_empty() {
                    format!("{name} (id {})", p.identifier)
                } else {
                    format!("{name} {} (id {})", quoted(message), p.identifier)
                };
                let explanation = if success {
                    "The authenticator accepts the name and password."
                } else {
                    "The authenticator refuses the name or password."
                };
                (summary, explanation)
            }
            PapBody::Unknown(_) => (
                format!("PAP code {} (id {})", p.code.0, p.identifier),
                "A PAP code RFC 1334 does not define.",
            ),
        };
        self.event(at, Phase::Auth, || summary, explanation);
    }

    fn on_chap(&mut self, at: At, p: &ChapPacket, via_eap: bool) {
        self.reach(LinkPhase::Authenticate);
        let method = if via_eap {
            Some(AuthMethod::MsChapV2)
        } else {
            self.effective_method()
        };
        let prefix = if via_eap { "EAP-MSCHAPv2 " } else { "" };
        let id = p.identifier;
        let (summary, explanation) = match &p.body {
            ChapBody::Challenge { value, name } => {
                let a = &mut self.r.auth;
                a.authenticator = Some(at.dir);
                a.challenges = a.challenges.saturating_add(1);
                a.challenge_frame = Some(at.frame);
                if !name.is_empty() {
                    a.server_name = Some(lossy(name));
                }
                self.chap_challenge = Some(PendingChallenge {
                    value: value.clone(),
                    frame: at.frame,
                });
                self.retry_challenge = None;
                let named = if name.is_empty() {
                    String::new()
                } else {
                    format!(", name {}", quoted(name))
                };
                (
                    format!("{prefix}Challenge {}-byte value{named} (id {id})", value.len()),
                    "The authenticator sends a random challenge; the peer must prove it knows the password without sending it.",
                )
            }
            ChapBody::Response { value, name } => {
                self.on_chap_response(at, id, value, name, method, via_eap);
                let v2 = method == Some(AuthMethod::MsChapV2) && value.len() == MsChapV2Response::LEN;
                if v2 {
                    (
                        format!("{prefix}Response user {}: peer challenge and NT-Response (id {id})", quoted(name)),
                        "The peer answers with its own challenge and an NT-Response computed from the password hash.",
                    )
                } else {
                    (
                        format!(
                            "{prefix}Response user {}, {}-byte value (id {id})",
                            quoted(name),
                            value.len()
                        ),
                        "The peer answers with a value computed from the challenge and its password.",
                    )
                }
            }
            ChapBody::Success { message } => {
                let text = self.on_chap_success(at, id, message, method);
                let summary = match text {
                    Some(t) => format!("{prefix}Success {} (id {id})", quoted(t.as_bytes())),
                    None => format!("{prefix}Success (id {id})"),
                };
                (
                    summary,
                    "The authenticator accepts the response; with MS-CHAPv2 its S= value also proves the server knows the password.",
                )
            }
            ChapBody::Failure { message } => {
                self.on_chap_failure(at, id, message, method);
                let a = &self.r.auth;
                let mut summary = format!("{prefix}Failure");
                if let Some(code) = a.error_code {
                    summary.push_str(&format!(" E={code}"));
                    if let Some(name) = a.error_name {
                        summary.push_str(&format!(" ({name})"));
                    }
                }
                match a.retry_allowed {
                    Some(true) => summary.push_str(", retry allowed"),
                    Some(false) => summary.push_str(", no retry"),
                    None => {}
                }
                if let Some(m) = &a.message {
                    summary.push_str(&format!(": {}", quoted(m.as_bytes())));
                }
                summary.push_str(&format!(" (id {id})"));
                (
                    summary,
                    "The authenticator rejects the response; for MS-CHAP, E= is the Windows error code.",
                )
            }
            ChapBody::ChangePassword(cp) => {
                let a = &mut self.r.auth;
                a.change_password_attempts = a.change_password_attempts.saturating_add(1);
                let user_name = self
                    .r
                    .auth
                    .ms_chap_v2
                    .last()
                    .map(|e| e.user_name.clone())
                    .unwrap_or_default();
                let exchange = MsChapV2Exchange {
                    identifier: id,
                    authenticator_challenge: self.current_challenge().and_then(|(c, _)| c.try_into().ok()),
                    peer_challenge: cp.peer_challenge,
                    nt_response: cp.nt_response,
                    flags: cp.flags.to_be_bytes()[1],
                    user_name,
                    authenticator_response: None,
                    challenge_frame: self.chap_challenge.as_ref().map(|c| c.frame),
                    response_frame: at.frame,
                    result_frame: None,
                    result: None,
                    change_password: true,
                };
                self.push_exchange(exchange);
                (
                    format!("{prefix}Change-Password (id {id})"),
                    "After an expired-password failure the peer sends a new password, encrypted with the old one.",
                )
            }
            ChapBody::Unknown(_) => (
                format!("{prefix}CHAP code {} (id {id})", p.code.0),
                "A CHAP code this tool does not decode.",
            ),
        };
        self.event(at, Phase::Auth, || summary, explanation);
    }

    /// The challenge a Response answers: the C= of a Failure that allowed a
    /// retry, else the latest Challenge.
    fn current_challenge(&self) -> Option<(Vec<u8>, Option<u64>)> {
        match (&self.retry_challenge, &self.chap_challenge) {
            (Some(c), _) => Some((c.clone(), None)),
            (None, Some(c)) => Some((c.value.clone(), Some(c.frame))),
            (None, None) => None,
        }
    }

    fn push_exchange(&mut self, exchange: MsChapV2Exchange) {
        let list = &mut self.r.auth.ms_chap_v2;
        if list.len() >= self.limits.auth_attempts.max(1) {
            list.remove(0);
        }
        list.push(exchange);
    }

    fn on_chap_response(
        &mut self,
        at: At,
        id: u8,
        value: &[u8],
        name: &[u8],
        method: Option<AuthMethod>,
        via_eap: bool,
    ) {
        let challenge = self.current_challenge();
        if !via_eap && self.inferred_method.is_none() {
            // Without LCP in the capture, the value sizes tell the variant
            // (RFC 1994: 16-byte MD5; RFC 2433/2759: 49 bytes).
            self.inferred_method = match (value.len(), challenge.as_ref().map(|(c, _)| c.len())) {
                (49, Some(8)) => Some(AuthMethod::MsChap),
                (49, _) => Some(AuthMethod::MsChapV2),
                (16, _) => Some(AuthMethod::ChapMd5),
                _ => None,
            };
        }
        let method = method.or(self.inferred_method);
        let a = &mut self.r.auth;
        a.authenticator.get_or_insert(other(at.dir));
        a.attempts = a.attempts.saturating_add(1);
        a.user = Some(lossy(name));
        a.response_frame = Some(at.frame);
        match (method, MsChapV2Response::parse(value)) {
            (Some(AuthMethod::MsChapV2), Ok(v2)) => {
                let exchange = MsChapV2Exchange {
                    identifier: id,
                    authenticator_challenge: challenge
                        .as_ref()
                        .and_then(|(c, _)| c.as_slice().try_into().ok()),
                    peer_challenge: v2.peer_challenge,
                    nt_response: v2.nt_response,
                    flags: v2.flags,
                    user_name: name.to_vec(),
                    authenticator_response: None,
                    challenge_frame: challenge.as_ref().and_then(|(_, f)| *f),
                    response_frame: at.frame,
                    result_frame: None,
                    result: None,
                    change_password: false,
                };
                self.push_exchange(exchange);
            }
            (Some(AuthMethod::MsChapV2), Err(e)) => self.malformed(at, Some(Protocol::CHAP), &e),
            _ => {
                self.r.auth.chap = Some(ChapExchange {
                    method,
                    identifier: id,
                    challenge: challenge.map(|(c, _)| c),
                    response: value.to_vec(),
                    name: name.to_vec(),
                    response_frame: at.frame,
                });
            }
        }
    }

    fn settle_exchange(&mut self, at: At, id: u8, result: AuthResult, response: Option<[u8; 20]>) {
        if let Some(e) = self.r.auth.ms_chap_v2.last_mut() {
            if e.identifier == id && e.result.is_none() {
                e.result = Some(result);
                e.result_frame = Some(at.frame);
                e.authenticator_response = response;
            }
        }
    }

    /// Returns the message text to show.
    fn on_chap_success(
        &mut self,
        at: At,
        id: u8,
        message: &[u8],
        method: Option<AuthMethod>,
    ) -> Option<String> {
        let a = &mut self.r.auth;
        a.authenticator.get_or_insert(at.dir);
        a.result = Some(AuthResult::Success);
        a.result_frame = Some(at.frame);
        a.error_code = None;
        a.error_name = None;
        a.error_meaning = None;
        a.retry_allowed = None;
        let parsed = (method == Some(AuthMethod::MsChapV2)).then(|| MsChapV2Success::parse(message));
        match parsed {
            Some(Ok(s)) => {
                a.message = s.message.clone();
                self.settle_exchange(at, id, AuthResult::Success, Some(s.authenticator_response));
            }
            Some(Err(e)) => {
                a.message = (!message.is_empty()).then(|| lossy(message));
                self.malformed(at, Some(Protocol::CHAP), &e);
                self.settle_exchange(at, id, AuthResult::Success, None);
            }
            None => a.message = (!message.is_empty()).then(|| lossy(message)),
        }
        self.r.auth.message.clone()
    }

    fn on_chap_failure(&mut self, at: At, id: u8, message: &[u8], method: Option<AuthMethod>) {
        let a = &mut self.r.auth;
        a.authenticator.get_or_insert(at.dir);
        a.result = Some(AuthResult::Failure);
        a.failures = a.failures.saturating_add(1);
        a.result_frame = Some(at.frame);
        let ms =
            matches!(method, Some(AuthMethod::MsChap | AuthMethod::MsChapV2)) || message.starts_with(b"E=");
        match ms.then(|| MsChapFailure::parse(message)) {
            Some(Ok(f)) => {
                let known = f.windows_error();
                a.error_code = f.error_code;
                a.error_name = known.map(|w| w.symbol);
                a.error_meaning = known.map(|w| w.meaning);
                a.retry_allowed = f.retry_allowed;
                a.password_change_version = f.version;
                a.message = f.message.clone();
                self.retry_challenge = f.challenge.clone();
            }
            Some(Err(_)) | None => {
                a.message = (!message.is_empty()).then(|| lossy(message));
                a.error_code = None;
                a.error_name = None;
                a.error_meaning = None;
                a.retry_allowed = None;
            }
        }
        self.settle_exchange(at, id, AuthResult::Failure, None);
    }

    fn on_eap(&mut self, at: At, p: &EapPacket) {
        self.reach(LinkPhase::Authenticate);
        self.inferred_method.get_or_insert(AuthMethod::Eap);
        let limit = self.limits.listed;
        let id = p.identifier;
        let (summary, explanation): (String, &str) = match &p.body {
            EapBody::Request { eap_type, data } => {
                self.r.auth.authenticator = Some(at.dir);
                let eap = self.r.auth.eap.get_or_insert_with(EapReport::default);
                eap.requests = eap.requests.saturating_add(1);
                match data {
                    EapData::Identity(_) => (
                        format!("EAP Request Identity (id {id})"),
                        "The authenticator asks the peer who it is.",
                    ),
                    EapData::Notification(text) => {
                        push_unique(&mut eap.notifications, lossy(text), limit);
                        (
                            format!("EAP Request Notification {} (id {id})", quoted(text)),
                            "Text for the user from the authenticator.",
                        )
                    }
                    EapData::MsChapV2(inner) => {
                        push_unique(&mut eap.methods_requested, eap_type.to_string(), limit);
                        eap.inner_method = Some(eap_type.to_string());
                        return self.on_chap(at, inner, true);
                    }
                    _ => {
                        push_unique(&mut eap.methods_requested, eap_type.to_string(), limit);
                        eap.inner_method = Some(eap_type.to_string());
                        (
                            format!("EAP Request {eap_type} (id {id})"),
                            "The authenticator proposes an EAP method, or continues it.",
                        )
                    }
                }
            }
            EapBody::Response { eap_type, data } => {
                let eap = self.r.auth.eap.get_or_insert_with(EapReport::default);
                eap.responses = eap.responses.saturating_add(1);
                match data {
                    EapData::Identity(identity) => {
                        eap.identity = Some(lossy(identity));
                        self.r.auth.user.get_or_insert_with(|| lossy(identity));
                        (
                            format!("EAP Response Identity {} (id {id})", quoted(identity)),
                            "The peer gives its identity.",
                        )
                    }
                    EapData::Nak(types) => {
                        for t in types {
                            push_unique(&mut eap.nak_desired, t.to_string(), limit);
                        }
                        let wanted = types
                            .iter()
                            .map(EapType::to_string)
                            .collect::<Vec<_>>()
                            .join(", ");
                        (
                            format!("EAP Response Nak, wants {wanted} (id {id})"),
                            "The peer refuses the proposed method and names the ones it accepts.",
                        )
                    }
                    EapData::MsChapV2(inner) => return self.on_chap(at, inner, true),
                    _ => (
                        format!("EAP Response {eap_type} (id {id})"),
                        "The peer answers within the EAP method.",
                    ),
                }
            }
            EapBody::Success | EapBody::Failure => {
                let success = p.body == EapBody::Success;
                let a = &mut self.r.auth;
                a.authenticator.get_or_insert(at.dir);
                a.result = Some(if success {
                    AuthResult::Success
                } else {
                    AuthResult::Failure
                });
                a.result_frame = Some(at.frame);
                if success {
                    (
                        format!("EAP Success (id {id})"),
                        "The authenticator accepts the peer.",
                    )
                } else {
                    a.failures = a.failures.saturating_add(1);
                    (
                        format!("EAP Failure (id {id})"),
                        "The authenticator rejects the peer.",
                    )
                }
            }
            EapBody::Unknown(_) => (
                format!("EAP code {} (id {id})", p.code.0),
                "An EAP code RFC 2284 does not define.",
            ),
        };
        self.event(at, Phase::Auth, || summary, explanation);
    }

    fn on_cbcp(&mut self, at: At, p: &wire::CbcpPacket) {
        let c = &mut self.r.cbcp;
        c.last_frame = Some(at.frame);
        let options = p.options.iter().map(ToString::to_string).collect::<Vec<_>>();
        let explanation = match p.code {
            CbcpCode::CALLBACK_REQUEST => {
                c.requests = c.requests.saturating_add(1);
                c.offered = options.clone();
                "The server offers callback choices after authentication."
            }
            CbcpCode::CALLBACK_RESPONSE => {
                c.responses = c.responses.saturating_add(1);
                c.chosen = options.first().cloned();
                "The client picks one of them (usually no callback)."
            }
            CbcpCode::CALLBACK_ACK => {
                c.acks = c.acks.saturating_add(1);
                "The server confirms the callback choice."
            }
            _ => "A CBCP code this tool does not know.",
        };
        let name = p
            .code
            .name()
            .map_or_else(|| format!("CBCP code {}", p.code.0), str::to_string);
        let summary = if options.is_empty() {
            format!("{name} (id {})", p.identifier)
        } else {
            format!("{name} {} (id {})", options.join(", "), p.identifier)
        };
        self.event(at, Phase::Cbcp, || summary, explanation);
    }

    // ---- NCPs (RFC 1962, RFC 3078, RFC 1332, RFC 5072) --------------------

    fn ccp_side(&mut self, d: Direction) -> &mut CcpSide {
        match d {
            Direction::ClientToServer => &mut self.r.ccp.client,
            Direction::ServerToClient => &mut self.r.ccp.server,
        }
    }

    fn on_ccp(&mut self, at: At, p: &wire::CcpPacket) {
        self.reach(LinkPhase::Network);
        let (me, peer_dir) = (ix(at.dir), other(at.dir));
        let peer = ix(peer_dir);
        let mut listed = true;
        match &p.body {
            ControlBody::ConfigureRequest(options) => {
                self.ccp[me].request(p.identifier, at.frame, options);
                self.ccp_last_request_frame = Some(at.frame);
                let limit = self.limits.listed;
                let side = self.ccp_side(at.dir);
                if let Some(b) = mppe_of(options) {
                    side.mppe_offered.get_or_insert_with(|| b.into());
                    side.mppe_last_requested = Some(b.into());
                }
                for o in options.iter().filter(|o| o.mppe().is_none()) {
                    push_unique(&mut side.other_algorithms, o.type_name(), limit);
                }
            }
            ControlBody::ConfigureAck(options) => {
                self.ccp[peer].reply(Reply::Ack, p.identifier, at.frame, options);
                if let Some(b) = mppe_of(options) {
                    self.ccp_side(peer_dir).mppe_acked = Some(b.into());
                    self.mppe_acked = true;
                }
                if self.ccp.iter().all(Side::converged) {
                    self.ccp_opened = true;
                }
            }
            ControlBody::ConfigureNak(options) => {
                let request = self.ccp[peer].reply(Reply::Nak, p.identifier, at.frame, options);
                if let Some(naked) = mppe_of(options) {
                    let offered = request
                        .as_deref()
                        .and_then(mppe_of)
                        .or_else(|| self.ccp[peer].last_request().and_then(mppe_of));
                    let side = self.ccp_side(peer_dir);
                    side.mppe_naked_to = Some(naked.into());
                    // RFC 3078 §2.1: the responder must pick from what was offered.
                    let wanted = naked.strengths();
                    if offered.is_some_and(|o| wanted != 0 && o.strengths() & wanted != wanted) {
                        side.mppe_strength_not_offered = true;
                        self.mppe_strength_frame.get_or_insert((at.frame, at.dir));
                    }
                }
            }
            ControlBody::ConfigureReject(options) => {
                self.ccp[peer].reply(Reply::Reject, p.identifier, at.frame, options);
                if mppe_of(options).is_some() {
                    self.ccp_side(peer_dir).mppe_rejected = true;
                    self.mppe_reject_frame.get_or_insert((at.frame, at.dir));
                }
            }
            ControlBody::TerminateRequest(_) => {
                self.r.ccp.terminate_requests = self.r.ccp.terminate_requests.saturating_add(1);
            }
            ControlBody::TerminateAck(_) => {
                self.r.ccp.terminate_acks = self.r.ccp.terminate_acks.saturating_add(1)
            }
            ControlBody::CodeReject(rejected) => self.on_code_reject(at, Protocol::CCP, rejected),
            ControlBody::ResetRequest(_) => {
                self.r.ccp.reset_requests.add(at.dir, 1);
                listed = self.r.ccp.reset_requests.get(at.dir) <= u64::from(self.limits.keepalive_events);
            }
            ControlBody::ResetAck(_) => {
                self.r.ccp.reset_acks.add(at.dir, 1);
                listed = self.r.ccp.reset_acks.get(at.dir) <= u64::from(self.limits.keepalive_events);
            }
            _ => {}
        }
        if listed {
            self.control_event(at, Phase::Ccp, ControlFamily::Ccp, p);
        }
    }

    fn on_ipcp(&mut self, at: At, p: &wire::IpcpPacket) {
        self.reach(LinkPhase::Network);
        let (me, peer) = (ix(at.dir), ix(other(at.dir)));
        match &p.body {
            ControlBody::ConfigureRequest(options) => {
                self.ipcp[me].request(p.identifier, at.frame, options);
            }
            ControlBody::ConfigureAck(options)
            | ControlBody::ConfigureNak(options)
            | ControlBody::ConfigureReject(options) => {
                if let Some(kind) = reply_kind(p.code) {
                    self.ipcp[peer].reply(kind, p.identifier, at.frame, options);
                    if kind == Reply::Nak && at.dir == Direction::ServerToClient {
                        if let Some(IpcpOption::IpAddress(a)) =
                            options.iter().find(|o| matches!(o, IpcpOption::IpAddress(_)))
                        {
                            self.r.ipcp.client_ip_offered = nonzero(*a);
                        }
                    }
                    if kind == Reply::Reject && options.iter().any(|o| matches!(o, IpcpOption::IpAddress(_)))
                    {
                        self.ipcp_reject_frame.get_or_insert((at.frame, at.dir));
                    }
                }
                if self.ipcp.iter().all(Side::converged) {
                    self.ipcp_opened = true;
                }
            }
            ControlBody::TerminateRequest(_) => {
                self.r.ipcp.terminate_requests = self.r.ipcp.terminate_requests.saturating_add(1);
            }
            ControlBody::TerminateAck(_) => {
                self.r.ipcp.terminate_acks = self.r.ipcp.terminate_acks.saturating_add(1)
            }
            ControlBody::CodeReject(rejected) => self.on_code_reject(at, Protocol::IPCP, rejected),
            _ => {}
        }
        self.control_event(at, Phase::Ipcp, ControlFamily::Ipcp, p);
    }

    fn on_ipv6cp(&mut self, at: At, p: &wire::Ipv6cpPacket) {
        self.reach(LinkPhase::Network);
        let (me, peer) = (ix(at.dir), ix(other(at.dir)));
        match &p.body {
            ControlBody::ConfigureRequest(options) => {
                self.ipv6cp[me].request(p.identifier, at.frame, options);
            }
            ControlBody::ConfigureAck(options)
            | ControlBody::ConfigureNak(options)
            | ControlBody::ConfigureReject(options) => {
                if let Some(kind) = reply_kind(p.code) {
                    self.ipv6cp[peer].reply(kind, p.identifier, at.frame, options);
                }
                if self.ipv6cp.iter().all(Side::converged) {
                    self.ipv6cp_opened = true;
                }
            }
            ControlBody::TerminateRequest(_) => {
                self.r.ipv6cp.terminate_requests = self.r.ipv6cp.terminate_requests.saturating_add(1);
            }
            ControlBody::TerminateAck(_) => {
                self.r.ipv6cp.terminate_acks = self.r.ipv6cp.terminate_acks.saturating_add(1);
            }
            ControlBody::CodeReject(rejected) => self.on_code_reject(at, Protocol::IPV6CP, rejected),
            _ => {}
        }
        self.control_event(at, Phase::Ipv6cp, ControlFamily::Ipv6cp, p);
    }

    // ---- Data (RFC 3078 §3, RFC 1332, RFC 5072) ---------------------------

    /// Lists the first data frame of each direction; the summary is only
    /// built for that one.
    fn first_data_event(&mut self, at: At, summary: impl FnOnce() -> String, explanation: &str) {
        let slot = &mut self.tally[ix(at.dir)].listed;
        if !*slot {
            *slot = true;
            self.event(at, Phase::Data, summary, explanation);
        }
    }

    fn on_mppe(&mut self, at: At, p: &MppePacket<&[u8]>, len: usize) {
        self.reach(LinkPhase::Network);
        let count = p.coherency_count();
        let t = &mut self.tally[ix(at.dir)];
        t.last_frame = at.frame;
        let previous = t.coherency_last();
        let mut last = previous;
        let d = self.r.data.direction_mut(at.dir);
        d.bytes = d.bytes.saturating_add(len as u64);
        d.first_frame.get_or_insert(at.frame);
        if p.encrypted() {
            d.encrypted_frames += 1;
        } else {
            d.compressed_only_frames += 1;
        }
        if p.flushed() {
            d.flushed_frames += 1;
        }
        d.first_coherency_count.get_or_insert(count);
        match previous {
            None => last = Some(count),
            Some(prev) => {
                let delta = count.wrapping_sub(prev) % wire::mppe::COHERENCY_MODULUS;
                match delta {
                    0 => d.coherency_repeats += 1,
                    1 => last = Some(count),
                    2..=2047 => {
                        d.coherency_gaps += 1;
                        d.coherency_missing += u64::from(delta - 1);
                        last = Some(count);
                    }
                    _ => d.coherency_backwards += 1,
                }
            }
        }
        t.set_coherency_last(last);
        if p.encrypted() {
            self.r.data.encrypted_frames += 1;
        }
        let (encrypted, flushed) = (p.encrypted(), p.flushed());
        let summary = || {
            format!(
                "First {} frame{}, coherency count {count}",
                if encrypted {
                    "MPPE-encrypted"
                } else {
                    "MPPC-compressed"
                },
                if flushed { " (flushed)" } else { "" }
            )
        };
        self.first_data_event(
            at,
            summary,
            "Encrypted data starts in this direction; from here on data frames are counted, not listed.",
        );
    }

    fn on_ip(&mut self, at: At, v6: bool, info: &[u8]) {
        self.reach(LinkPhase::Network);
        let mppe_agreed = self.mppe_acked;
        self.tally[ix(at.dir)].last_frame = at.frame;
        let data = &mut self.r.data;
        let d = data.direction_mut(at.dir);
        d.bytes = d.bytes.saturating_add(info.len() as u64);
        d.first_frame.get_or_insert(at.frame);
        if v6 {
            d.ipv6_packets += 1;
            data.ipv6_packets += 1;
        } else {
            d.ipv4_packets += 1;
            data.ipv4_packets += 1;
        }
        if mppe_agreed {
            data.cleartext_after_mppe += 1;
        }
        let inner = parse_inner_ip(info).ok();
        match inner {
            Some(ip) => {
                let p = &mut data.inner_protocols;
                match ip.protocol {
                    IpProtocol::TCP => p.tcp += 1,
                    IpProtocol::UDP => p.udp += 1,
                    IpProtocol::ICMP => p.icmp += 1,
                    IpProtocol::ICMPV6 => p.icmpv6 += 1,
                    _ => p.other += 1,
                }
            }
            None => data.inner_malformed += 1,
        }
        let summary = || match inner {
            Some(ip) => format!(
                "First IPv{} packet: {} {} → {}",
                ip.version, ip.protocol, ip.source, ip.destination
            ),
            None => format!("First IPv{} packet (header unreadable)", if v6 { 6 } else { 4 }),
        };
        self.first_data_event(
            at,
            summary,
            "Cleartext IP data flows in this direction; data frames are counted, not listed.",
        );
    }

    fn on_other(&mut self, protocol: Protocol) {
        if protocol.class() == wire::ProtocolClass::NetworkLayer {
            self.r.data.other_frames += 1;
        }
        let f = &mut self.r.frames;
        match f.other_protocols.iter_mut().find(|c| c.protocol == protocol) {
            Some(c) => c.frames = c.frames.saturating_add(1),
            None => {
                let item = ProtocolCount { protocol, frames: 1 };
                push_bounded(
                    &mut f.other_protocols,
                    item,
                    self.limits.listed,
                    &mut f.other_protocols_not_listed,
                );
            }
        }
    }

    // ---- Reading the state -------------------------------------------------

    /// The latest MS-CHAPv2 exchange, for verification.
    pub fn ms_chap_v2(&self) -> Option<&MsChapV2Exchange> {
        self.r.auth.ms_chap_v2()
    }

    /// The PAP password (never serialised).
    pub fn pap_password(&self) -> Option<&[u8]> {
        self.r.auth.pap_password()
    }

    /// The facts for findings.
    pub fn outcome(&self) -> Outcome {
        self.report().outcome
    }

    /// The whole state as a serialisable report.
    pub fn report(&self) -> PppReport {
        let mut r = self.r.clone();
        self.add_tallies(&mut r);
        r.lcp.client = LcpSide {
            negotiation: self.lcp[0].stats(),
            accepted: self.lcp[0].acked().map(lcp_accepted),
        };
        r.lcp.server = LcpSide {
            negotiation: self.lcp[1].stats(),
            accepted: self.lcp[1].acked().map(lcp_accepted),
        };
        r.lcp.looped_back = self.looped_back.is_some();
        for (d, side) in [(0, &mut r.lcp.echo.client), (1, &mut r.lcp.echo.server)] {
            let pending = self.echo_pending.get(d).map(VecDeque::len).unwrap_or(0);
            let pending = u32::try_from(pending).unwrap_or(u32::MAX);
            side.unanswered_at_end = pending;
            side.unanswered = side.unanswered.saturating_add(pending);
            if let Some(first) = self.echo_pending.get(d).and_then(VecDeque::front) {
                side.first_unanswered_frame.get_or_insert(first.frame);
            }
            if side.rtt_samples > 0 {
                side.rtt_avg_ms = self
                    .echo_rtt_sum_ms
                    .get(d)
                    .map(|s| s / f64::from(side.rtt_samples));
            }
        }

        let lcp_auth = self.lcp_auth();
        let method = self.effective_method();
        r.auth.method = method;
        r.auth.protocol = method.and_then(AuthMethod::contract_name);
        r.auth.method_from_lcp = lcp_auth.is_some();
        if r.auth.authenticator.is_none() {
            r.auth.authenticator = lcp_auth.map(|(_, d)| d);
        }

        r.ccp.client.negotiation = self.ccp[0].stats();
        r.ccp.server.negotiation = self.ccp[1].stats();
        r.ccp.opened = self.ccp_opened;
        r.ccp.mppe = self.mppe_agreement();

        let (client, server) = (ipcp_side(&self.ipcp[0]), ipcp_side(&self.ipcp[1]));
        r.ipcp.client_ip = client.address.clone();
        r.ipcp.server_ip = server.address.clone();
        r.ipcp.dns = client.dns.clone();
        r.ipcp.nbns = client.nbns.clone();
        r.ipcp.client = client;
        r.ipcp.server = server;
        r.ipcp.opened = self.ipcp_opened;

        let (client, server) = (ipv6cp_side(&self.ipv6cp[0]), ipv6cp_side(&self.ipv6cp[1]));
        r.ipv6cp.client_interface_id = client.interface_id.clone();
        r.ipv6cp.server_interface_id = server.interface_id.clone();
        r.ipv6cp.client = client;
        r.ipv6cp.server = server;
        r.ipv6cp.opened = self.ipv6cp_opened;

        r.outcome = self.derive_outcome(&r);
        r
    }

    /// Adds what the fast path counted, and the state both paths share,
    /// to the report's frame and data counts.
    fn add_tallies(&self, r: &mut PppReport) {
        for (direction, t, [ipv4, ipv6]) in [
            (Direction::ClientToServer, &self.tally[0], self.ip_frames[0]),
            (Direction::ServerToClient, &self.tally[1], self.ip_frames[1]),
        ] {
            let frames = t.compressed + ipv4 + ipv6;
            let f = &mut r.frames;
            f.total = f.total.saturating_add(frames);
            f.per_direction.add(direction, frames);
            f.with_address_control += t.with_address_control;
            f.address_control_compressed += frames - t.with_address_control;
            f.protocol_compressed += t.protocol_compressed;
            f.by_protocol.compressed += t.compressed;
            f.by_protocol.ipv4 += ipv4;
            f.by_protocol.ipv6 += ipv6;
            r.data.encrypted_frames += t.encrypted;
            let d = r.data.direction_mut(direction);
            d.bytes = d.bytes.saturating_add(t.bytes);
            d.encrypted_frames += t.encrypted;
            d.compressed_only_frames += t.compressed - t.encrypted;
            d.flushed_frames += t.flushed;
            d.last_frame = t.listed.then_some(t.last_frame);
            d.last_coherency_count = t.coherency_last();
        }
    }

    fn mppe_agreement(&self) -> Option<MppeAgreement> {
        let acked = |s: &Side<CcpOption>| s.acked().and_then(mppe_of).map(|b| (b, s.acked_frame()));
        let client = acked(&self.ccp[0]);
        let server = acked(&self.ccp[1]);
        let (bits, _) = client.or(server)?;
        let frame = [client, server]
            .iter()
            .flatten()
            .filter_map(|(_, f)| *f)
            .max()
            .unwrap_or(0);
        let key_length = bits.key_lengths().first().copied();
        Some(MppeAgreement {
            bits: bits.to_string(),
            flags: bits.letters(),
            stateless: bits.stateless(),
            key_length,
            strength: key_length.map_or_else(|| "none".to_string(), |k| format!("{k}-bit")),
            mppc: bits.mppc(),
            client_acked: client.is_some(),
            server_acked: server.is_some(),
            sides_differ: matches!((client, server), (Some((a, _)), Some((b, _))) if a != b),
            frame,
        })
    }

    fn derive_outcome(&self, r: &PppReport) -> Outcome {
        let auth_failure = (r.auth.result == Some(AuthResult::Failure)).then(|| AuthFailure {
            frame: r.auth.result_frame.unwrap_or(0),
            protocol: r.auth.method,
            error_code: r.auth.error_code,
            error_name: r.auth.error_name,
            error_meaning: r.auth.error_meaning,
            retry_allowed: r.auth.retry_allowed,
            message: r.auth.message.clone(),
            user: r.auth.user.clone(),
            attempts: r.auth.attempts,
            failures: r.auth.failures,
        });

        let lcp_requests = self.lcp.iter().map(Side::requests).sum::<u32>();
        let lcp_not_converged = (lcp_requests > 0 && !r.lcp.opened).then(|| {
            let rounds = self
                .lcp
                .iter()
                .map(|s| s.stats().nak_reject_rounds)
                .max()
                .unwrap_or(0);
            let mut sticking = Vec::new();
            for s in self.lcp.iter().filter(|s| !s.converged()) {
                let stats = s.stats();
                for o in stats.naked.into_iter().chain(stats.rejected) {
                    push_unique(&mut sticking, o, self.limits.listed);
                }
            }
            LcpNotConverged {
                client_converged: self.lcp[0].converged(),
                server_converged: self.lcp[1].converged(),
                client_requests: self.lcp[0].requests(),
                server_requests: self.lcp[1].requests(),
                client_lcp_frames: self.lcp_frames.client_to_server,
                server_lcp_frames: self.lcp_frames.server_to_client,
                nak_reject_rounds: rounds,
                looping: rounds > MAX_FAILURE,
                sticking_options: sticking,
                terminated_by: r.lcp.terminate.as_ref().map(|t| t.by),
                first_frame: self
                    .lcp
                    .iter()
                    .filter_map(|s| s.stats().first_request_frame)
                    .min(),
                last_frame: self.lcp.iter().filter_map(Side::last_frame).max(),
            }
        });

        let offered = r.ccp.client.mppe_offered.is_some() || r.ccp.server.mppe_offered.is_some();
        let encryption_not_agreed = (offered && r.ccp.mppe.is_none()).then(|| {
            let offered_side = if r.ccp.client.mppe_offered.is_some() {
                &r.ccp.client
            } else {
                &r.ccp.server
            };
            let (kind, frame, refused_by) =
                if let (Some(by), Some(f)) = (r.ccp.protocol_rejected_by, r.ccp.protocol_reject_frame) {
                    (EncryptionFailureKind::ProtocolRejected, f, Some(by))
                } else if let Some((f, by)) = self.mppe_reject_frame {
                    (EncryptionFailureKind::OptionRejected, f, Some(by))
                } else if let Some((f, by)) = self.mppe_strength_frame {
                    (EncryptionFailureKind::StrengthNotOffered, f, Some(by))
                } else {
                    (
                        EncryptionFailureKind::NotAcked,
                        self.ccp_last_request_frame.unwrap_or(0),
                        None,
                    )
                };
            EncryptionNotAgreed {
                kind,
                frame,
                refused_by,
                offered: offered_side.mppe_offered.clone(),
                naked_to: offered_side.mppe_naked_to.clone(),
                terminated_frame: r.lcp.terminate.as_ref().map(|t| t.frame).filter(|t| *t > frame),
            }
        });

        let ipcp_requests = self.ipcp.iter().map(Side::requests).sum::<u32>();
        let ipcp_failed = (ipcp_requests > 0 && !r.ipcp.opened).then(|| {
            let lcp_terminated = r.lcp.terminate.is_some();
            let (kind, frame, by) = if let Some(by) = r.ipcp.protocol_rejected_by {
                (
                    NcpFailureKind::ProtocolRejected,
                    r.ipcp.protocol_reject_frame,
                    Some(by),
                )
            } else if let Some((f, by)) = self.ipcp_reject_frame {
                (NcpFailureKind::Rejected, Some(f), Some(by))
            } else if r.ipcp.terminate_requests > 0 || lcp_terminated {
                (
                    NcpFailureKind::Terminated,
                    r.lcp.terminate.as_ref().map(|t| t.frame),
                    r.lcp.terminate.as_ref().map(|t| t.by),
                )
            } else {
                (
                    NcpFailureKind::NotConverged,
                    self.ipcp.iter().filter_map(Side::last_frame).max(),
                    None,
                )
            };
            let mut rejected = Vec::new();
            for s in &self.ipcp {
                for o in s.stats().rejected {
                    push_unique(&mut rejected, o, self.limits.listed);
                }
            }
            NcpFailure {
                kind,
                frame,
                by,
                client_converged: self.ipcp[0].converged(),
                server_converged: self.ipcp[1].converged(),
                rejected_options: rejected,
                nak_reject_rounds: self
                    .ipcp
                    .iter()
                    .map(|s| s.stats().nak_reject_rounds)
                    .max()
                    .unwrap_or(0),
            }
        });

        let echo_failures = [
            (Direction::ClientToServer, &r.lcp.echo.client),
            (Direction::ServerToClient, &r.lcp.echo.server),
        ]
        .into_iter()
        .filter(|(_, s)| s.unanswered > 0)
        .map(|(requester, s)| EchoFailure {
            requester,
            requests: s.requests,
            replies: s.replies,
            unanswered: s.unanswered,
            unanswered_at_end: s.unanswered_at_end,
            first_unanswered_frame: s.first_unanswered_frame,
            last_request_frame: s.last_request_frame,
        })
        .collect();

        Outcome {
            auth_failure,
            lcp_not_converged,
            encryption_not_agreed,
            ipcp_failed,
            protocol_rejects: r.lcp.protocol_rejects.clone(),
            echo_failures,
            terminated: r.lcp.terminate.clone(),
            looped_back: self.looped_back.clone(),
            phase_reached: r.phase_reached,
        }
    }
}

#[cfg(test)]
mod tests;
