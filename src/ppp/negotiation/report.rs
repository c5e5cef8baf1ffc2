//! The serialisable state of one PPP link. The JSON names `lcp`, `auth`
//! (`protocol`, `user`, `result`, `error_code`, `password_verified`), `ccp`
//! (`mppe`), `ipcp` (`client_ip`, `server_ip`, `dns`) and `data`
//! (`encrypted_frames`, `ipv4_packets`, `ipv6_packets`) are a contract:
//! never renamed; fields may be added.

use serde::Serialize;

use super::configure::NegotiationStats;
use super::outcome::Outcome;
use crate::ppp::wire::{AuthMethod, MppeBits, Protocol};
use crate::pptp::session::Direction;

/// A value per direction of the link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PerDirection {
    pub client_to_server: u64,
    pub server_to_client: u64,
}

impl PerDirection {
    pub fn add(&mut self, direction: Direction, n: u64) {
        let slot = match direction {
            Direction::ClientToServer => &mut self.client_to_server,
            Direction::ServerToClient => &mut self.server_to_client,
        };
        *slot = slot.saturating_add(n);
    }

    pub fn get(&self, direction: Direction) -> u64 {
        match direction {
            Direction::ClientToServer => self.client_to_server,
            Direction::ServerToClient => self.server_to_client,
        }
    }
}

/// The RFC 1661 §3.2 link phases, as far as a capture shows them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkPhase {
    /// No PPP seen.
    #[default]
    Dead,
    /// LCP is configuring the link.
    Establish,
    /// PAP, CHAP or EAP ran.
    Authenticate,
    /// NCPs (CCP, IPCP, IPV6CP) or data ran.
    Network,
}

/// The step a [`PppEvent`] belongs to, for the teaching ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Lcp,
    Auth,
    Ccp,
    Ipcp,
    Ipv6cp,
    Cbcp,
    Data,
    Terminate,
}

/// One step of the negotiation, for the flow ladder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PppEvent {
    pub frame: u64,
    pub time: f64,
    pub direction: Direction,
    pub phase: Phase,
    /// One line, e.g. "Configure-Request MRU 1400, auth MS-CHAPv2, magic
    /// 0x1234abcd (id 1)". Text from the capture is escaped.
    pub summary: String,
    /// One short sentence on what the step does.
    pub explanation: String,
}

/// Frames seen, by protocol.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProtocolCounts {
    pub lcp: u64,
    pub pap: u64,
    pub chap: u64,
    pub eap: u64,
    pub cbcp: u64,
    pub ccp: u64,
    pub ipcp: u64,
    pub ipv6cp: u64,
    /// 0x00FD: MPPE/MPPC datagrams.
    pub compressed: u64,
    pub ipv4: u64,
    pub ipv6: u64,
    pub other: u64,
}

/// Frames of a protocol tunnelscope does not decode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProtocolCount {
    pub protocol: Protocol,
    pub frames: u64,
}

/// A frame that could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameError {
    pub frame: u64,
    pub direction: Direction,
    /// The PPP protocol, when the frame header could be read.
    pub protocol: Option<Protocol>,
    pub error: String,
}

/// Framing statistics (RFC 1661 §2, §6.5, §6.6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FrameStats {
    pub total: u64,
    pub per_direction: PerDirection,
    /// Frames (or the packet inside) that could not be decoded.
    pub malformed: u64,
    /// Frames starting with `FF 03`.
    pub with_address_control: u64,
    /// Frames without `FF 03` (ACFC).
    pub address_control_compressed: u64,
    /// Frames with a one-byte Protocol field (PFC).
    pub protocol_compressed: u64,
    /// LCP sent without `FF 03` or with a one-byte protocol (RFC 1661 §6.5,
    /// §6.6 forbid both).
    pub lcp_framing_violations: u64,
    /// Protocol numbers with an even low or odd high octet (RFC 1661 §2).
    pub invalid_protocol_numbers: u64,
    pub by_protocol: ProtocolCounts,
    pub other_protocols: Vec<ProtocolCount>,
    /// Frames of protocols beyond the `other_protocols` list.
    pub other_protocols_not_listed: u64,
    pub errors: Vec<FrameError>,
    /// Errors counted in `malformed` but not listed.
    pub errors_not_listed: u64,
}

/// Who closed the link and how (RFC 1661 §5.5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Termination {
    pub by: Direction,
    pub frame: u64,
    pub time: f64,
    /// The Terminate-Request data as text, when any.
    pub reason: Option<String>,
    /// The peer's Terminate-Ack.
    pub acked_frame: Option<u64>,
    /// Terminate-Requests in this attempt (retransmissions included,
    /// RFC 1661 §4.6 Max-Terminate).
    pub requests: u32,
    /// How far the link had come.
    pub phase: LinkPhase,
}

/// Keep-alive statistics for the Echo-Requests one side sent (RFC 1661 §5.8).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EchoSide {
    pub requests: u32,
    pub replies: u32,
    /// Requests never answered: overtaken by a reply to a later request, or
    /// still pending at the end of the capture.
    pub unanswered: u32,
    /// The unanswered requests at the end of the capture.
    pub unanswered_at_end: u32,
    pub first_unanswered_frame: Option<u64>,
    pub last_request_frame: Option<u64>,
    pub rtt_samples: u32,
    pub rtt_min_ms: Option<f64>,
    pub rtt_max_ms: Option<f64>,
    pub rtt_avg_ms: Option<f64>,
    /// Echo-Replies whose Magic-Number is not the one the replier
    /// negotiated (RFC 1661 §5.8).
    pub magic_mismatches: u32,
}

/// Echo statistics, by the side that sent the requests.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EchoReport {
    pub client: EchoSide,
    pub server: EchoSide,
}

/// An LCP Protocol-Reject (RFC 1661 §5.7).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProtocolRejectInfo {
    pub frame: u64,
    pub time: f64,
    /// The side that does not run the protocol.
    pub by: Direction,
    pub protocol: Protocol,
    pub protocol_number: u16,
}

/// A Code-Reject (RFC 1661 §5.6).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeRejectInfo {
    pub frame: u64,
    pub by: Direction,
    /// The protocol whose packet carried the Code-Reject (LCP or an NCP).
    pub protocol: Protocol,
    /// The Code of the rejected packet, when the copy is there.
    pub rejected_code: Option<u8>,
}

/// An LCP Identification message (RFC 1570 §3.1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Identification {
    pub frame: u64,
    pub by: Direction,
    pub message: String,
}

/// An LCP Time-Remaining message (RFC 1570 §3.2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeRemaining {
    pub frame: u64,
    pub by: Direction,
    pub seconds: u32,
    pub message: String,
}

/// The options of one side's acknowledged LCP Configure-Request: how this
/// side receives (MRU, ACCM, PFC, ACFC), how the peer must authenticate to
/// it, its magic number (RFC 1661 §6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LcpAccepted {
    pub mru: Option<u16>,
    pub accm: Option<String>,
    pub auth_protocol: Option<AuthMethod>,
    pub magic_number: Option<String>,
    pub pfc: bool,
    pub acfc: bool,
    pub mrru: Option<u16>,
    pub short_sequence_numbers: bool,
    pub endpoint_discriminator: Option<String>,
    pub callback: Option<String>,
    pub quality_protocol: Option<String>,
    pub link_discriminator: Option<u16>,
    /// Options not listed above, as text.
    pub other: Vec<String>,
}

/// One side's LCP negotiation.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LcpSide {
    #[serde(flatten)]
    pub negotiation: NegotiationStats,
    /// The options the peer acknowledged.
    pub accepted: Option<LcpAccepted>,
}

/// LCP (RFC 1661, RFC 1570).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LcpReport {
    /// Both sides' requests were acknowledged at some point (RFC 1661 §4.2
    /// Opened state).
    pub opened: bool,
    pub opened_frame: Option<u64>,
    pub client: LcpSide,
    pub server: LcpSide,
    /// Both sides sent the same Magic-Number: the link loops back to itself
    /// (RFC 1661 §6.4).
    pub looped_back: bool,
    /// The latest termination.
    pub terminate: Option<Termination>,
    pub terminate_requests: u32,
    pub terminate_acks: u32,
    /// Configure-Requests that restarted LCP after a Terminate.
    pub restarts: u32,
    pub echo: EchoReport,
    pub protocol_rejects: Vec<ProtocolRejectInfo>,
    pub code_rejects: Vec<CodeRejectInfo>,
    pub identification: Vec<Identification>,
    pub time_remaining: Option<TimeRemaining>,
    pub discard_requests: u32,
    /// Packets with a code LCP does not define.
    pub unknown_codes: u32,
    /// Protocol-Rejects, Code-Rejects and Identifications beyond the lists.
    pub not_listed: u64,
}

/// How authentication ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthResult {
    Success,
    Failure,
}

/// What EAP showed (RFC 2284).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EapReport {
    pub identity: Option<String>,
    /// Types the authenticator proposed (Identity and Notification aside).
    pub methods_requested: Vec<String>,
    /// Types the peer asked for in a Nak.
    pub nak_desired: Vec<String>,
    /// The method that carried the credentials (e.g. "EAP-MSCHAPv2").
    pub inner_method: Option<String>,
    pub requests: u32,
    pub responses: u32,
    pub notifications: Vec<String>,
}

/// The values an MS-CHAPv2 verifier needs (RFC 2759 §8), from one Response
/// and the Challenge (or Failure C=) it answered. Never serialised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MsChapV2Exchange {
    /// Identifier of the Response.
    pub identifier: u8,
    /// The 16 bytes the authenticator sent; `None` when the capture missed
    /// the Challenge.
    pub authenticator_challenge: Option<[u8; 16]>,
    pub peer_challenge: [u8; 16],
    pub nt_response: [u8; 24],
    pub flags: u8,
    /// The Name field as sent, possibly "DOMAIN\user".
    pub user_name: Vec<u8>,
    /// The 20-byte S= value of the Success, when one came.
    pub authenticator_response: Option<[u8; 20]>,
    pub challenge_frame: Option<u64>,
    pub response_frame: u64,
    pub result_frame: Option<u64>,
    pub result: Option<AuthResult>,
    /// True when this came from a Change-Password packet (RFC 2759 §7): the
    /// NT-Response is computed with the new password.
    pub change_password: bool,
}

impl MsChapV2Exchange {
    /// The user name that goes into ChallengeHash: the part after the last
    /// backslash (RFC 2759 §8.2).
    pub fn hash_user_name(&self) -> &[u8] {
        match self.user_name.iter().rposition(|&b| b == b'\\') {
            Some(i) => self.user_name.get(i + 1..).unwrap_or(&[]),
            None => &self.user_name,
        }
    }

    /// "S=" and 40 upper-case hex digits (RFC 2759 §8.7), when known.
    pub fn authenticator_response_text(&self) -> Option<String> {
        self.authenticator_response.map(|r| {
            let mut s = String::from("S=");
            for b in r {
                s.push_str(&format!("{b:02X}"));
            }
            s
        })
    }
}

/// A plain CHAP or MS-CHAP v1 exchange, for later verification. Never
/// serialised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapExchange {
    pub method: Option<AuthMethod>,
    pub identifier: u8,
    pub challenge: Option<Vec<u8>>,
    pub response: Vec<u8>,
    pub name: Vec<u8>,
    pub response_frame: u64,
}

/// Authentication (RFC 1334, RFC 1994, RFC 2433, RFC 2759, RFC 2284).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AuthReport {
    /// "PAP", "CHAP-MD5", "MS-CHAP", "MS-CHAPv2", "EAP" or null.
    pub protocol: Option<&'static str>,
    /// The method in full, also when it has no contract name.
    pub method: Option<AuthMethod>,
    /// True when `method` came from LCP; false when inferred from the
    /// authentication packets alone.
    pub method_from_lcp: bool,
    /// The side that authenticates the other (sends the Challenge, answers
    /// the Authenticate-Request).
    pub authenticator: Option<Direction>,
    /// PAP Peer-ID, CHAP/MS-CHAP Response name or EAP identity.
    pub user: Option<String>,
    pub result: Option<AuthResult>,
    /// The Success/Failure/Ack/Nak text (M= for MS-CHAP).
    pub message: Option<String>,
    /// MS-CHAP Failure E=.
    pub error_code: Option<u32>,
    pub error_name: Option<&'static str>,
    pub error_meaning: Option<&'static str>,
    /// MS-CHAP Failure R=.
    pub retry_allowed: Option<bool>,
    /// MS-CHAP Failure V=.
    pub password_change_version: Option<u32>,
    /// Filled by the crypto integration; null here.
    pub password_verified: Option<bool>,
    /// CHAP Challenge name (the authenticator's name).
    pub server_name: Option<String>,
    pub challenges: u32,
    /// Responses / Authenticate-Requests.
    pub attempts: u32,
    pub failures: u32,
    pub change_password_attempts: u32,
    pub challenge_frame: Option<u64>,
    pub response_frame: Option<u64>,
    pub result_frame: Option<u64>,
    pub eap: Option<EapReport>,
    #[serde(skip)]
    pub(crate) pap_password: Option<Vec<u8>>,
    #[serde(skip)]
    pub(crate) ms_chap_v2: Vec<MsChapV2Exchange>,
    #[serde(skip)]
    pub(crate) chap: Option<ChapExchange>,
}

impl AuthReport {
    /// The PAP password in clear. Kept out of every serialisation; show it
    /// only when the user asked for secrets.
    pub fn pap_password(&self) -> Option<&[u8]> {
        self.pap_password.as_deref()
    }

    /// The latest MS-CHAPv2 exchange (the one the result applies to).
    pub fn ms_chap_v2(&self) -> Option<&MsChapV2Exchange> {
        self.ms_chap_v2.last()
    }

    /// Every MS-CHAPv2 attempt kept (retries after R=1 included).
    pub fn ms_chap_v2_attempts(&self) -> &[MsChapV2Exchange] {
        &self.ms_chap_v2
    }

    /// The latest CHAP-MD5 or MS-CHAP v1 exchange.
    pub fn chap_exchange(&self) -> Option<&ChapExchange> {
        self.chap.as_ref()
    }

    /// Records the crypto module's verdict on the password.
    pub fn set_password_verified(&mut self, verified: bool) {
        self.password_verified = Some(verified);
    }
}

/// MPPE Supported Bits in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MppeSummary {
    /// "0x01000040".
    pub bits: String,
    /// "H S".
    pub flags: String,
    pub stateless: bool,
    pub key_lengths: Vec<u16>,
    pub mppc: bool,
}

impl From<MppeBits> for MppeSummary {
    fn from(b: MppeBits) -> Self {
        MppeSummary {
            bits: b.to_string(),
            flags: b.letters(),
            stateless: b.stateless(),
            key_lengths: b.key_lengths(),
            mppc: b.mppc(),
        }
    }
}

/// The MPPE settings both sides ended with (RFC 3078 §2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MppeAgreement {
    pub bits: String,
    pub flags: String,
    pub stateless: bool,
    /// 128, 56 or 40 (the strongest acknowledged).
    pub key_length: Option<u16>,
    /// "128-bit", or "none" when no strength bit was acknowledged.
    pub strength: String,
    pub mppc: bool,
    /// Which sides' MPPE requests were acknowledged.
    pub client_acked: bool,
    pub server_acked: bool,
    /// The two acknowledged values differ.
    pub sides_differ: bool,
    /// The Ack that completed the agreement.
    pub frame: u64,
}

/// One side's CCP negotiation.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CcpSide {
    #[serde(flatten)]
    pub negotiation: NegotiationStats,
    /// MPPE bits of this side's first request.
    pub mppe_offered: Option<MppeSummary>,
    pub mppe_last_requested: Option<MppeSummary>,
    /// MPPE bits the peer proposed in a Configure-Nak.
    pub mppe_naked_to: Option<MppeSummary>,
    pub mppe_acked: Option<MppeSummary>,
    /// The peer Configure-Rejected the MPPE option.
    pub mppe_rejected: bool,
    /// The peer Nak'ed to a key length this side never offered (RFC 3078
    /// §2.1; Windows then reports 741).
    pub mppe_strength_not_offered: bool,
    /// Compression algorithms other than MPPE this side offered.
    pub other_algorithms: Vec<String>,
}

/// CCP and MPPE (RFC 1962, RFC 3078).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CcpReport {
    pub mppe: Option<MppeAgreement>,
    pub opened: bool,
    pub client: CcpSide,
    pub server: CcpSide,
    /// Reset-Request/Ack by sender (RFC 1962 §3.1; stateful MPPE resync,
    /// RFC 3078 §8).
    pub reset_requests: PerDirection,
    pub reset_acks: PerDirection,
    pub protocol_rejected_by: Option<Direction>,
    pub protocol_reject_frame: Option<u64>,
    pub terminate_requests: u32,
    pub terminate_acks: u32,
}

/// One side's IPCP negotiation: the values in its acknowledged request.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IpcpSide {
    #[serde(flatten)]
    pub negotiation: NegotiationStats,
    pub address: Option<String>,
    pub dns: Vec<String>,
    pub nbns: Vec<String>,
    pub compression: Option<String>,
}

/// IPCP (RFC 1332, RFC 1877).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IpcpReport {
    /// The client's address inside the tunnel (its acknowledged IP-Address).
    pub client_ip: Option<String>,
    /// The server's address inside the tunnel.
    pub server_ip: Option<String>,
    /// DNS servers the client ended with (primary first).
    pub dns: Vec<String>,
    /// NBNS (WINS) servers the client ended with.
    pub nbns: Vec<String>,
    /// The address the server last offered the client in a Configure-Nak.
    pub client_ip_offered: Option<String>,
    pub opened: bool,
    pub client: IpcpSide,
    pub server: IpcpSide,
    pub protocol_rejected_by: Option<Direction>,
    pub protocol_reject_frame: Option<u64>,
    pub terminate_requests: u32,
    pub terminate_acks: u32,
}

/// One side's IPV6CP negotiation.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Ipv6cpSide {
    #[serde(flatten)]
    pub negotiation: NegotiationStats,
    pub interface_id: Option<String>,
}

/// IPV6CP (RFC 5072).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Ipv6cpReport {
    pub opened: bool,
    pub client_interface_id: Option<String>,
    pub server_interface_id: Option<String>,
    pub client: Ipv6cpSide,
    pub server: Ipv6cpSide,
    pub protocol_rejected_by: Option<Direction>,
    pub protocol_reject_frame: Option<u64>,
    pub terminate_requests: u32,
    pub terminate_acks: u32,
}

/// Microsoft callback control.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CbcpReport {
    pub requests: u32,
    pub responses: u32,
    pub acks: u32,
    /// The choices offered in the latest Callback-Request.
    pub offered: Vec<String>,
    /// The choice in the latest Callback-Response.
    pub chosen: Option<String>,
    pub last_frame: Option<u64>,
}

/// Data frames seen in one direction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DataDirection {
    /// 0x00FD frames with the D (encrypted) bit.
    pub encrypted_frames: u64,
    /// 0x00FD frames without D (MPPC only).
    pub compressed_only_frames: u64,
    /// 0x00FD frames with A (FLUSHED).
    pub flushed_frames: u64,
    /// Coherency counts never seen, summed over the gaps (a loss signal
    /// independent of GRE sequence numbers; 12-bit, wraps).
    pub coherency_missing: u64,
    /// Jumps forward by more than one.
    pub coherency_gaps: u64,
    /// The same count twice in a row.
    pub coherency_repeats: u64,
    /// Counts that went backwards (late or reordered frames).
    pub coherency_backwards: u64,
    pub first_coherency_count: Option<u16>,
    pub last_coherency_count: Option<u16>,
    pub ipv4_packets: u64,
    pub ipv6_packets: u64,
    /// Bytes of PPP Information in data frames.
    pub bytes: u64,
    pub first_frame: Option<u64>,
    pub last_frame: Option<u64>,
}

/// Cleartext inner packets by transport protocol.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InnerProtocols {
    pub tcp: u64,
    pub udp: u64,
    pub icmp: u64,
    pub icmpv6: u64,
    pub other: u64,
}

/// Data (RFC 3078 §3 for MPPE, RFC 1332 / RFC 5072 for IP).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DataReport {
    pub encrypted_frames: u64,
    pub ipv4_packets: u64,
    pub ipv6_packets: u64,
    pub client_to_server: DataDirection,
    pub server_to_client: DataDirection,
    pub inner_protocols: InnerProtocols,
    /// Cleartext IPv4/IPv6 frames sent after MPPE was agreed.
    pub cleartext_after_mppe: u64,
    /// Inner IP headers that could not be read.
    pub inner_malformed: u64,
    /// VJ-compressed TCP and other network-layer frames.
    pub other_frames: u64,
}

impl DataReport {
    pub fn direction_mut(&mut self, d: Direction) -> &mut DataDirection {
        match d {
            Direction::ClientToServer => &mut self.client_to_server,
            Direction::ServerToClient => &mut self.server_to_client,
        }
    }
}

/// Everything tracked on one PPP link.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PppReport {
    /// The furthest RFC 1661 phase the link reached.
    pub phase_reached: LinkPhase,
    pub frames: FrameStats,
    pub lcp: LcpReport,
    pub auth: AuthReport,
    pub ccp: CcpReport,
    pub ipcp: IpcpReport,
    pub ipv6cp: Ipv6cpReport,
    pub cbcp: CbcpReport,
    pub data: DataReport,
    pub events: Vec<PppEvent>,
    /// Events not listed because the list was full.
    pub events_not_listed: u64,
    pub outcome: Outcome,
}

/// A `u32` as "0x%08x" (magic numbers, ACCM).
pub(crate) fn hex32(v: u32) -> String {
    format!("0x{v:08x}")
}
