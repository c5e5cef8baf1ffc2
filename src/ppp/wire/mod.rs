//! PPP decoders: bytes in, typed values out, no state.
//!
//! One file per wire family:
//! * [`frame`]: address/control and protocol fields (RFC 1661 §2, RFC 1662 §3)
//!   and the protocol number registry;
//! * [`control`]: the Code/Identifier/Length packet shared by LCP, IPCP,
//!   IPV6CP and CCP (RFC 1661 §5), every LCP code;
//! * [`options`]: the configuration options of those four protocols as typed
//!   values (RFC 1661 §6, RFC 1570, RFC 1990, RFC 1332, RFC 1877, RFC 5072,
//!   RFC 1962, RFC 3078);
//! * [`auth`]: PAP (RFC 1334), CHAP (RFC 1994), MS-CHAP v1 (RFC 2433) and v2
//!   (RFC 2759) with the Windows error codes of their Failure packets;
//! * [`eap`]: EAP (RFC 2284);
//! * [`cbcp`]: Microsoft's Callback Control Protocol;
//! * [`mppe`]: the MPPE data header (RFC 3078 §3);
//! * [`inner`]: who talks to whom inside the tunnel (IPv4/IPv6 summary).
//!
//! Fixed headers are zero-copy views checked once ([`control::ControlPacket`],
//! [`mppe::MppePacket`]); variable bodies and option lists are read with nom,
//! each confined to its declared length. Unknown codes, option types and
//! protocols are data, never errors. Only a length field that contradicts
//! the bytes (or a structure too short for its layout) is an error, and it
//! is a [`WireError`] value, never a panic.

pub mod auth;
pub mod cbcp;
pub mod control;
pub mod eap;
pub mod frame;
pub mod inner;
pub mod mppe;
pub mod options;

use core::fmt;

use serde::Serialize;

pub use auth::{
    parse_chap, parse_pap, windows_error, ChapBody, ChapCode, ChapPacket, MsChapFailure, MsChapV1Response,
    MsChapV2ChangePassword, MsChapV2Response, MsChapV2Success, PapBody, PapCode, PapPacket, WindowsError,
};
pub use cbcp::{parse_cbcp, CbcpAddress, CbcpCode, CbcpOption, CbcpOptionType, CbcpPacket};
pub use control::{
    parse_ccp, parse_ipcp, parse_ipv6cp, parse_lcp, CcpPacket, Code, ControlBody, ControlFamily,
    ControlPacket, ControlRepr, IpcpPacket, Ipv6cpPacket, LcpPacket,
};
pub use eap::{parse_eap, EapBody, EapCode, EapData, EapPacket, EapType};
pub use frame::{parse_frame, PppFrame, Protocol, ProtocolClass};
pub use inner::{parse_inner_ip, InnerIp, IpProtocol};
pub use mppe::{MppeHeader, MppePacket};
pub use options::{
    AuthMethod, CallbackOperation, CcpOption, CcpOptionType, ConfigOption, EndpointClass, IpcpOption,
    Ipv6cpOption, LcpOption, MppeBits, RawOption,
};

/// Which PPP structure a decoding error concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Address, Control and Protocol fields (RFC 1661 §2).
    Frame,
    /// Code, Identifier, Length of LCP/IPCP/IPV6CP/CCP (RFC 1661 §5).
    ControlPacket,
    /// One Type/Length/Data configuration option (RFC 1661 §6).
    ConfigurationOption,
    /// The data of an LCP packet with a fixed layout (Protocol-Reject,
    /// Echo, Discard, Identification, Time-Remaining).
    LcpData,
    /// PAP (RFC 1334 §2).
    Pap,
    /// CHAP and MS-CHAP packets (RFC 1994 §4).
    Chap,
    /// The 49-byte MS-CHAPv2 Response value (RFC 2759 §4).
    MsChapV2Response,
    /// The 49-byte MS-CHAP v1 Response value (RFC 2433 §3).
    MsChapV1Response,
    /// The "S=… M=…" message of an MS-CHAPv2 Success (RFC 2759 §5).
    MsChapSuccess,
    /// The "E=… R=… C=… V=… M=…" message of an MS-CHAP Failure (RFC 2759 §6).
    MsChapFailure,
    /// MS-CHAPv2 Change-Password (RFC 2759 §7).
    ChangePassword,
    /// EAP (RFC 2284 §2).
    Eap,
    /// Microsoft Callback Control Protocol.
    Cbcp,
    /// The MPPE header of a compressed/encrypted datagram (RFC 3078 §3).
    Mppe,
    /// An IPv4 header inside the tunnel.
    Ipv4,
    /// An IPv6 header inside the tunnel.
    Ipv6,
}

impl Layer {
    /// The structure's name as its RFC writes it.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Frame => "PPP frame",
            Layer::ControlPacket => "PPP control packet",
            Layer::ConfigurationOption => "configuration option",
            Layer::LcpData => "LCP packet data",
            Layer::Pap => "PAP packet",
            Layer::Chap => "CHAP packet",
            Layer::MsChapV2Response => "MS-CHAPv2 response value",
            Layer::MsChapV1Response => "MS-CHAP response value",
            Layer::MsChapSuccess => "MS-CHAPv2 success message",
            Layer::MsChapFailure => "MS-CHAP failure message",
            Layer::ChangePassword => "MS-CHAPv2 Change-Password",
            Layer::Eap => "EAP packet",
            Layer::Cbcp => "CBCP packet",
            Layer::Mppe => "MPPE header",
            Layer::Ipv4 => "inner IPv4 header",
            Layer::Ipv6 => "inner IPv6 header",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a PPP structure could not be decoded. Small and comparable, in the
/// manner of etherparse: which layer, at which offset, what was needed and
/// what was there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The bytes end inside a fixed part: `needed` bytes from `offset`,
    /// only `available` there.
    #[error("{layer} truncated: {needed} bytes needed at offset {offset}, {available} available")]
    Truncated {
        layer: Layer,
        offset: usize,
        needed: usize,
        available: usize,
    },
    /// A length field at `offset` declares `declared`, which is below the
    /// structure's minimum or beyond the bytes that follow.
    #[error("{layer}: length {declared} at offset {offset} is outside {minimum}..={available}")]
    BadLength {
        layer: Layer,
        offset: usize,
        declared: usize,
        minimum: usize,
        available: usize,
    },
    /// The bytes are there but do not have the required form.
    #[error("{layer} at offset {offset}: {detail}")]
    Invalid {
        layer: Layer,
        offset: usize,
        detail: &'static str,
    },
}

impl WireError {
    /// The layer the error concerns.
    pub fn layer(&self) -> Layer {
        match self {
            WireError::Truncated { layer, .. }
            | WireError::BadLength { layer, .. }
            | WireError::Invalid { layer, .. } => *layer,
        }
    }
}

/// Short form of `Result` for the decoders.
pub type Result<T> = core::result::Result<T, WireError>;

/// The nom parser type used inside the decoders.
pub(crate) type PResult<'a, T> = nom::IResult<&'a [u8], T>;

/// Text from a capture: invalid UTF-8 replaced, never rejected. Escaping for
/// display happens where it is shown (`crate::text::escape_terminal`).
pub fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Fixed-size array from a slice of exactly that size.
pub(crate) fn array<const N: usize>(bytes: &[u8]) -> Option<[u8; N]> {
    bytes.try_into().ok()
}

/// Lower-case hex of bytes, as reports show challenge values.
pub fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}
