//! Facts about how a PPP link ended, with frame numbers, for the analysis
//! module to turn into findings and Windows error numbers. Nothing here is
//! a verdict: a fact says what the wire showed.

use serde::Serialize;

use super::report::{LinkPhase, MppeSummary, ProtocolRejectInfo, Termination};
use crate::ppp::wire::AuthMethod;
use crate::pptp::session::Direction;

/// RFC 1661 §4.6 Max-Failure default: Configure-Naks sent before a peer
/// should start rejecting instead. More rounds than this without an Ack
/// count as a loop.
pub const MAX_FAILURE: u32 = 5;

/// Authentication ended in failure (Windows 691 and the other E= codes,
/// or 812 by policy).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthFailure {
    /// The Failure / Authenticate-Nak / EAP-Failure frame.
    pub frame: u64,
    pub protocol: Option<AuthMethod>,
    /// MS-CHAP E= (itself a Windows error number).
    pub error_code: Option<u32>,
    pub error_name: Option<&'static str>,
    pub error_meaning: Option<&'static str>,
    pub retry_allowed: Option<bool>,
    /// The server's text (M= for MS-CHAP).
    pub message: Option<String>,
    pub user: Option<String>,
    pub attempts: u32,
    pub failures: u32,
}

/// LCP never reached Opened (Windows 734, or 721 when the server never
/// answered).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LcpNotConverged {
    pub client_converged: bool,
    pub server_converged: bool,
    pub client_requests: u32,
    pub server_requests: u32,
    /// LCP frames seen from each side; zero from the server means no
    /// answer at all.
    pub client_lcp_frames: u64,
    pub server_lcp_frames: u64,
    /// The longest Nak/Reject run of either side.
    pub nak_reject_rounds: u32,
    /// More than [`MAX_FAILURE`] rounds without an Ack.
    pub looping: bool,
    /// The options the peers kept Nak'ing or rejecting.
    pub sticking_options: Vec<String>,
    pub terminated_by: Option<Direction>,
    pub first_frame: Option<u64>,
    pub last_frame: Option<u64>,
}

/// Why encryption was not agreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EncryptionFailureKind {
    /// The peer Nak'ed MPPE to a key length the requester never offered
    /// (Windows 741: the local side cannot meet the required encryption).
    StrengthNotOffered,
    /// The peer Configure-Rejected the MPPE option (Windows 742).
    OptionRejected,
    /// The peer answered CCP with an LCP Protocol-Reject (Windows 742). For
    /// SSTP, where MPPE is not used, this is normal.
    ProtocolRejected,
    /// MPPE was requested and never acknowledged.
    NotAcked,
}

/// MPPE was requested but not agreed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EncryptionNotAgreed {
    pub kind: EncryptionFailureKind,
    /// The frame that shows it (Nak, Reject, Protocol-Reject or the last
    /// request).
    pub frame: u64,
    /// The side that refused.
    pub refused_by: Option<Direction>,
    pub offered: Option<MppeSummary>,
    pub naked_to: Option<MppeSummary>,
    /// An LCP Terminate-Request after it.
    pub terminated_frame: Option<u64>,
}

/// Why an NCP did not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NcpFailureKind {
    /// The peer Protocol-Rejected the NCP.
    ProtocolRejected,
    /// The peer Configure-Rejected an option the requester needed (the
    /// IP-Address).
    Rejected,
    /// The NCP or LCP was terminated before it opened.
    Terminated,
    /// Requests went unanswered or kept being Nak'ed.
    NotConverged,
}

/// IPCP did not open (Windows 733).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NcpFailure {
    pub kind: NcpFailureKind,
    pub frame: Option<u64>,
    pub by: Option<Direction>,
    pub client_converged: bool,
    pub server_converged: bool,
    pub rejected_options: Vec<String>,
    pub nak_reject_rounds: u32,
}

/// Keep-alives went unanswered (Windows 807 when the tunnel was up). One
/// request just before the end of a capture may simply have been cut off:
/// `unanswered_at_end` tells those apart from requests a later reply
/// overtook.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EchoFailure {
    /// The side whose Echo-Requests went unanswered.
    pub requester: Direction,
    pub requests: u32,
    pub replies: u32,
    pub unanswered: u32,
    pub unanswered_at_end: u32,
    pub first_unanswered_frame: Option<u64>,
    pub last_request_frame: Option<u64>,
}

/// Both sides used the same Magic-Number (RFC 1661 §6.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoopedBack {
    pub frame: u64,
    pub magic_number: String,
}

/// The facts the analysis maps to findings.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Outcome {
    pub auth_failure: Option<AuthFailure>,
    pub lcp_not_converged: Option<LcpNotConverged>,
    pub encryption_not_agreed: Option<EncryptionNotAgreed>,
    pub ipcp_failed: Option<NcpFailure>,
    /// Every LCP Protocol-Reject (CCP and IPV6CP ones are informational).
    pub protocol_rejects: Vec<ProtocolRejectInfo>,
    pub echo_failures: Vec<EchoFailure>,
    /// The latest LCP termination: who, when, why, how far the link got.
    pub terminated: Option<Termination>,
    pub looped_back: Option<LoopedBack>,
    /// The furthest phase reached, repeated here for convenience.
    pub phase_reached: LinkPhase,
}
