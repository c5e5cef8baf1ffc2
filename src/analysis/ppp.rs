//! Findings about the PPP link inside a tunnel: authentication, LCP, MPPE,
//! IPCP, keepalives and termination, with the Windows error each one
//! produces (RFC 1661, RFC 2759, RFC 3078; protocols.md §3 and §7).

use std::fmt::Write as _;

use super::{Finding, Severity, WindowsError};
use crate::ppp::negotiation::{EncryptionFailureKind, LinkPhase, NcpFailureKind, PppReport};
use crate::pptp::session::Direction;

pub const ERROR_AUTHENTICATION_FAILURE: WindowsError = WindowsError {
    code: 691,
    name: "ERROR_AUTHENTICATION_FAILURE",
};
pub const ERROR_PPP_NO_RESPONSE: WindowsError = WindowsError {
    code: 721,
    name: "ERROR_PPP_NO_RESPONSE",
};
pub const ERROR_PPP_NO_PROTOCOLS_CONFIGURED: WindowsError = WindowsError {
    code: 733,
    name: "ERROR_PPP_NO_PROTOCOLS_CONFIGURED",
};
pub const ERROR_PPP_LCP_TERMINATED: WindowsError = WindowsError {
    code: 734,
    name: "ERROR_PPP_LCP_TERMINATED",
};
pub const ERROR_NO_LOCAL_ENCRYPTION: WindowsError = WindowsError {
    code: 741,
    name: "ERROR_NO_LOCAL_ENCRYPTION",
};
pub const ERROR_NO_REMOTE_ENCRYPTION: WindowsError = WindowsError {
    code: 742,
    name: "ERROR_NO_REMOTE_ENCRYPTION",
};

/// Where a PPP link runs, for the findings' context.
pub struct LinkContext<'a> {
    pub session: Option<&'a str>,
    pub call_index: Option<usize>,
    /// A short name: "call 12345/257" or "SSTP sstp-1".
    pub label: String,
    /// SSTP does not use MPPE: a rejected CCP is normal there.
    pub sstp: bool,
    /// A display filter selecting the link's packets.
    pub filter: Option<String>,
    /// The transport never brought one side's packets (GRE one way or
    /// missing): that side's silent LCP is its consequence, reported there.
    pub server_unheard: bool,
    pub client_unheard: bool,
    /// The tunnel was torn down under the link (an SSTP Call Abort): NCPs
    /// left unfinished are its consequence, reported there.
    pub cut_by_tunnel: bool,
}

fn side(d: Direction) -> &'static str {
    match d {
        Direction::ClientToServer => "client",
        Direction::ServerToClient => "server",
    }
}

/// The Windows error of an MS-CHAP `E=` code, when it is one Windows names.
fn windows_error_of(code: u32, name: Option<&'static str>) -> WindowsError {
    match (code, name) {
        (646..=649 | 691 | 709, Some(name)) => WindowsError { code, name },
        _ => ERROR_AUTHENTICATION_FAILURE,
    }
}

pub(super) fn findings(ctx: &LinkContext<'_>, ppp: &PppReport, out: &mut Vec<Finding>) {
    let o = &ppp.outcome;
    let base = || {
        let mut f = Finding::new("", Severity::Error, "");
        f.session = ctx.session.map(str::to_string);
        f.call_index = ctx.call_index;
        f
    };
    let with_frames = |mut f: Finding, frames: Vec<u64>| {
        let filter = ctx.filter.clone();
        f = f.frames(frames);
        if filter.is_some() {
            f.wireshark_filter = filter;
        }
        f
    };

    if let Some(a) = &o.auth_failure {
        let user = a.user.as_deref().unwrap_or("?");
        let code = a.error_code.map_or(String::new(), |c| format!(" E={c}"));
        let meaning = a.error_meaning.map_or(String::new(), |m| format!(" ({m})"));
        let mut explanation = format!(
            "The server refused the credentials of user \"{user}\"{code}{meaning} after {} attempt(s).",
            a.attempts
        );
        if let Some(m) = &a.message {
            let _ = write!(explanation, " The server said: \"{m}\".");
        }
        if a.retry_allowed == Some(true) {
            explanation.push_str(" It allowed a retry.");
        }
        explanation.push_str(
            " Check the user name, domain and password, and the server's network policy (a policy \
             refusal shows the same way, Windows 812).",
        );
        let mut f = base();
        f.code = "ppp_auth_failed";
        f.title = format!("Authentication failed for \"{user}\" on {}{code}", ctx.label);
        f.explanation = explanation;
        f.windows_error = Some(a.error_code.map_or(ERROR_AUTHENTICATION_FAILURE, |c| {
            windows_error_of(c, a.error_name)
        }));
        out.push(with_frames(f, vec![a.frame]));
    }

    if ppp.auth.password_verified == Some(false) {
        let mut f = base();
        f.code = "ppp_password_mismatch";
        f.severity = Severity::Warning;
        f.title = format!(
            "The password given for \"{}\" does not match {}'s authentication",
            ppp.auth.user.as_deref().unwrap_or("?"),
            ctx.label
        );
        f.explanation = "Recomputed from the captured challenge and response with the password given on the \
             command line, the response differs: the client used another password (or another user)."
            .into();
        out.push(with_frames(f, ppp.auth.response_frame.into_iter().collect()));
    }

    let consequence = |l: &&crate::ppp::negotiation::LcpNotConverged| {
        (ctx.server_unheard && l.server_lcp_frames == 0) || (ctx.client_unheard && l.client_lcp_frames == 0)
    };
    if let Some(l) = o.lcp_not_converged.as_ref().filter(|l| !consequence(l)) {
        let silent = l.server_lcp_frames == 0;
        let mut f = base();
        f.code = "ppp_lcp_not_converged";
        if silent {
            f.title = format!("The server never answered LCP on {}", ctx.label);
            f.explanation = format!(
                "The client sent {} LCP Configure-Request(s) and the server sent no LCP at all: the server's \
                 PPP never started or its packets do not reach the client.",
                l.client_requests
            );
            f.windows_error = Some(ERROR_PPP_NO_RESPONSE);
        } else {
            f.title = format!("LCP never converged on {}", ctx.label);
            let mut e = format!(
                "The two sides exchanged {} and {} Configure-Requests without both reaching Opened ({} Nak/Reject \
                 round(s){}).",
                l.client_requests,
                l.server_requests,
                l.nak_reject_rounds,
                if l.looping { ", a loop" } else { "" }
            );
            if !l.sticking_options.is_empty() {
                let _ = write!(
                    e,
                    " Options refused again and again: {}.",
                    l.sticking_options.join(", ")
                );
            }
            e.push_str(" Typically no common authentication protocol is allowed on both sides.");
            f.explanation = e;
            f.windows_error = Some(ERROR_PPP_LCP_TERMINATED);
        }
        out.push(with_frames(
            f,
            l.first_frame.into_iter().chain(l.last_frame).collect(),
        ));
    }

    if let Some(e) = &o.encryption_not_agreed {
        let normal_for_sstp = ctx.sstp && e.kind == EncryptionFailureKind::ProtocolRejected;
        let mut f = base();
        f.code = "ppp_encryption_not_agreed";
        let by = e.refused_by.map_or("the peer", side);
        let (title, explanation, error) = match e.kind {
            EncryptionFailureKind::StrengthNotOffered => (
                format!("The {by} asked for an MPPE strength the other side did not offer on {}", ctx.label),
                "CCP: the peer Nak'ed MPPE to a key length the requester is not allowed to use, so no encryption \
                 both accept exists; the client then ends the link."
                    .to_string(),
                ERROR_NO_LOCAL_ENCRYPTION,
            ),
            EncryptionFailureKind::OptionRejected => (
                format!("The {by} rejected MPPE on {}", ctx.label),
                "CCP: the MPPE option was Configure-Rejected: the peer does not support (or allow) the \
                 required encryption."
                    .to_string(),
                ERROR_NO_REMOTE_ENCRYPTION,
            ),
            EncryptionFailureKind::ProtocolRejected => (
                format!("The {by} rejected CCP altogether on {}", ctx.label),
                if normal_for_sstp {
                    "CCP was Protocol-Rejected: SSTP encrypts with TLS and never uses MPPE, so this is normal."
                        .to_string()
                } else {
                    "LCP Protocol-Reject of CCP: the peer has no compression/encryption control at all, so MPPE \
                     cannot be negotiated."
                        .to_string()
                },
                ERROR_NO_REMOTE_ENCRYPTION,
            ),
            EncryptionFailureKind::NotAcked => (
                format!("MPPE was requested but never agreed on {}", ctx.label),
                "CCP requests for MPPE were never acknowledged before the link ended.".to_string(),
                ERROR_NO_REMOTE_ENCRYPTION,
            ),
        };
        f.title = title;
        f.explanation = explanation;
        if normal_for_sstp {
            f.severity = Severity::Info;
        } else {
            f.windows_error = Some(error);
        }
        out.push(with_frames(
            f,
            std::iter::once(e.frame).chain(e.terminated_frame).collect(),
        ));
    }

    let cut = |kind: NcpFailureKind| {
        ctx.cut_by_tunnel && matches!(kind, NcpFailureKind::Terminated | NcpFailureKind::NotConverged)
    };
    if let Some(n) = o.ipcp_failed.as_ref().filter(|n| !cut(n.kind)) {
        let mut f = base();
        f.code = "ppp_ipcp_failed";
        f.title = format!("IPCP never opened on {}", ctx.label);
        let why = match n.kind {
            NcpFailureKind::ProtocolRejected => "the peer Protocol-Rejected IPCP".to_string(),
            NcpFailureKind::Rejected => format!("the peer rejected {}", n.rejected_options.join(", ")),
            NcpFailureKind::Terminated => "the link was terminated before IPCP opened".to_string(),
            NcpFailureKind::NotConverged => {
                format!(
                    "requests went unanswered or kept being Nak'ed ({} rounds)",
                    n.nak_reject_rounds
                )
            }
        };
        f.explanation = format!(
            "No IPv4 configuration was agreed: {why}. Usually the server has no address to give (an empty \
             pool or no DHCP server) or refuses the address the client asks for."
        );
        f.windows_error = Some(ERROR_PPP_NO_PROTOCOLS_CONFIGURED);
        out.push(with_frames(f, n.frame.into_iter().collect()));
    }

    for p in &o.protocol_rejects {
        let number = p.protocol_number;
        // CCP is covered above; IPV6CP and others are informational.
        if number == 0x80FD && o.encryption_not_agreed.is_some() {
            continue;
        }
        let mut f = base();
        f.code = "ppp_protocol_rejected";
        f.severity = Severity::Info;
        f.title = format!(
            "The {} Protocol-Rejected {} (0x{number:04X}) on {}",
            side(p.by),
            p.protocol.name().unwrap_or("a protocol"),
            ctx.label
        );
        f.explanation = "An LCP Protocol-Reject says the peer does not run that protocol; for IPV6CP or CCP \
             over SSTP this is normal and the link goes on without it."
            .into();
        out.push(with_frames(f, vec![p.frame]));
    }

    for e in &o.echo_failures {
        // Requests after the last reply may just have been cut off by the
        // end of the capture, unless the link was terminated after them.
        let real = if o.terminated.is_some() {
            e.unanswered
        } else {
            e.unanswered.saturating_sub(e.unanswered_at_end)
        };
        if real == 0 {
            continue;
        }
        let mut f = base();
        f.code = "ppp_echo_unanswered";
        f.severity = Severity::Warning;
        f.title = format!(
            "{real} LCP Echo-Request(s) from the {} got no reply on {}",
            side(e.requester),
            ctx.label
        );
        f.explanation = "PPP keepalives went unanswered while the link was up: the peer or the path stopped \
             passing the tunnel's packets. Windows drops the connection after a few missed echoes."
            .into();
        f.windows_error = Some(super::ERROR_VPN_DISCONNECT);
        out.push(with_frames(
            f,
            e.first_unanswered_frame
                .into_iter()
                .chain(e.last_request_frame)
                .collect(),
        ));
    }

    if let Some(t) = &o.terminated {
        // A terminate before the network phase ends a link that never
        // worked; after it, it is the normal way a session ends.
        let early = t.phase != LinkPhase::Network && t.phase != LinkPhase::Dead;
        let covered =
            o.auth_failure.is_some() || o.lcp_not_converged.is_some() || o.encryption_not_agreed.is_some();
        let mut f = base();
        f.code = "ppp_link_terminated";
        f.severity = if early && !covered {
            Severity::Warning
        } else {
            Severity::Info
        };
        f.title = format!(
            "The {} terminated the PPP link on {}{}",
            side(t.by),
            ctx.label,
            t.reason.as_ref().map_or(String::new(), |r| format!(": \"{r}\""))
        );
        f.explanation = if early {
            format!(
                "LCP Terminate-Request during the {:?} phase: the link ended before it carried data.",
                t.phase
            )
        } else {
            "LCP Terminate-Request after the link was up: the normal end of a session.".into()
        };
        if early && !covered {
            f.windows_error = Some(ERROR_PPP_LCP_TERMINATED);
        }
        out.push(with_frames(
            f,
            std::iter::once(t.frame).chain(t.acked_frame).collect(),
        ));
    }

    if let Some(l) = &o.looped_back {
        let mut f = base();
        f.code = "ppp_looped_back";
        f.severity = Severity::Warning;
        f.title = format!("Both ends of {} use Magic-Number {}", ctx.label, l.magic_number);
        f.explanation = "RFC 1661 §6.4: the same Magic-Number from both sides means the link is looped back \
             (the packets come back to their sender)."
            .into();
        out.push(with_frames(f, vec![l.frame]));
    }
}
