//! PPP as PPTP (inside enhanced GRE) and SSTP (inside data packets) carry it:
//! the frame decoders and the per-link negotiation tracker.
//!
//! * [`wire`]: pure decoders for PPP framing (RFC 1661 §2, RFC 1662 §3), the
//!   control protocols that share the RFC 1661 §5 packet layout (LCP, IPCP,
//!   IPV6CP, CCP), authentication (PAP, CHAP, MS-CHAP v1/v2, EAP), Microsoft
//!   callback control (CBCP), the MPPE data header (RFC 3078 §3) and a short
//!   summary of the IPv4/IPv6 packets inside.
//! * [`negotiation`]: [`negotiation::PppLink`], one per call, fed every PPP
//!   frame of the call with its direction. It pairs requests with answers,
//!   tells what each side finally accepted, counts data, keeps a bounded
//!   event list for the teaching ladder and states the facts the analysis
//!   turns into findings ([`negotiation::Outcome`]).
//!
//! This module owns no crypto: the MS-CHAPv2 and MPPE key math lives in
//! `crate::crypto`, which reads the values exposed by
//! [`negotiation::AuthReport::ms_chap_v2`] and fills
//! [`negotiation::AuthReport::password_verified`]. It knows nothing of GRE,
//! SSTP or TCP: callers hand it the PPP frame bytes.

pub mod negotiation;
pub mod verify;
pub mod wire;

#[cfg(test)]
pub(crate) mod build;
