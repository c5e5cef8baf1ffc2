//! Enhanced GRE (RFC 2637 §4) carrying PPTP data: the header decoder and
//! the per-direction sequence tracker.

pub mod seqtrack;
pub mod wire;
