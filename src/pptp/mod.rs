//! PPTP control connections (RFC 2637): the wire decoder and the session
//! model rebuilt from decoded messages.
//!
//! Owns the TCP byte stream of a control connection once it is recognised;
//! GRE data belongs to [`crate::gre`].

pub mod codes;
pub mod session;
pub mod stream;
pub mod wire;
