//! SSTP ([MS-SSTP]): the HTTP exchange that opens a connection, the framing
//! of SSTP packets in each direction's byte stream, the decoding of packets,
//! control messages and attributes, the session model and the crypto
//! binding checks.
//!
//! Owns the bytes of a connection once they are known to be SSTP or TLS
//! that may carry it: [`session`] runs TLS through [`crate::tls`] (whose
//! application data, when secrets decrypt it, takes the same path as
//! plaintext), then [`http`] reads the request and the response, [`stream`]
//! frames the rest of each direction and [`wire`] decodes every packet;
//! data packets feed the PPP decoder ([`crate::ppp`]); [`binding`] checks
//! the crypto binding with [`crate::crypto::sstp`].

pub mod binding;
pub mod http;
pub mod session;
pub mod stream;
pub mod wire;
