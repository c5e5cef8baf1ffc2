//! Enhanced GRE (RFC 2637 §4) carrying PPTP data: the header decoder and
//! the per-direction sequence tracker.
//!
//! [`wire`] decodes one GRE header and sorts PPTP data from every other
//! use of IP protocol 47; [`seqtrack`] follows one direction of one call.
//! This module owns nothing above GRE: the PPP frame inside is handed on
//! as a byte slice, and pairing directions with calls is the caller's.

pub mod flows;
pub mod seqtrack;
pub mod wire;

pub use seqtrack::{AckLatency, DirectionTracker, Observation, PacketOrigin, SeqEvent, SeqStats, Timeline};
pub use wire::{classify, Gre, GreAnomalies, GreError, GreField, GrePacket, OtherGreKind, PptpGre};
