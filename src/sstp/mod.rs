//! SSTP ([MS-SSTP]): the HTTP exchange that opens a connection, the framing
//! of SSTP packets in each direction's byte stream, and the decoding of
//! packets, control messages and attributes.
//!
//! Owns the bytes of a connection once they are known to be SSTP (in the
//! clear, or TLS application data already decrypted by the caller): first
//! [`http`] reads the request and the response, then [`stream`] frames the
//! rest of each direction and [`wire`] decodes every packet. Data packets
//! hand their PPP frame to the caller; PPP itself belongs to the PPP
//! decoder. Nothing here keeps session state or checks the crypto binding:
//! the session model does, with [`crate::crypto::sstp`].

pub mod binding;
pub mod http;
pub mod session;
pub mod stream;
pub mod wire;
