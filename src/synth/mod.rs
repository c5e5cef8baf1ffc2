//! Building captures from scenario descriptions: pcap/pcapng writers, packet
//! builders, a TCP conversation helper, PPTP control-message encoders, an
//! enhanced-GRE call helper, SSTP, PPP and TLS encoders, three test
//! certificates, the scenarios behind the committed test captures and the
//! SSTP exchange the recorded TLS captures carry. Used
//! by the capture generator (`examples/gen_captures.rs`), tests and
//! benchmarks.
//!
//! Everything here is encoded by hand from the specifications (RFC 2637,
//! [MS-SSTP], RFC 1661/1332/1334/2759, RFC 5246/8446, RFC 791/8200/9293,
//! the pcap and pcapng formats) and shares no code with the decoders: the
//! generated captures are the ground truth the decoders are tested against,
//! so the two must not be able to agree on a mistake. The one thing
//! borrowed is `crate::crypto` (MS-CHAPv2 responses, MPPE master keys, the
//! SSTP certificate hash and Compound MAC), which is checked against the
//! RFC 2759, RFC 3079 and [MS-SSTP] §4.7 vectors on its own. Nothing in
//! this module reads a capture, except [`exchange`], which reads back the
//! generator's own output, built in memory.
//!
//! Output is deterministic: the same scenario gives the same bytes on every
//! run and every platform (fixed clocks, addresses, sequence numbers and
//! compression settings).

#![warn(missing_docs)]

pub mod certs;
pub mod exchange;
pub mod gre;
pub mod packet;
pub mod ppp;
pub mod pppframes;
pub mod pptp;
pub mod recordings;
pub mod scenarios;
pub mod sstp;
pub mod tcp;
pub mod tls;
pub mod trace;
pub mod truth;
pub mod writer;

/// Why a capture or packet could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// Writing the capture failed.
    #[error("writing the capture: {0}")]
    Io(#[from] std::io::Error),
    /// A length does not fit the field that carries it.
    #[error("{what} is {len} bytes, more than the {max} its length field can carry")]
    TooLong {
        /// What was too long.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The most the field can express.
        max: usize,
    },
    /// Source and destination addresses are of different IP versions.
    #[error("source and destination addresses are of different IP versions")]
    AddressFamilyMismatch,
    /// A timestamp cannot be expressed in the file format.
    #[error("timestamp {secs}.{nanos:09} cannot be stored in this capture format")]
    TimestampOutOfRange {
        /// Seconds since the epoch.
        secs: i64,
        /// Nanoseconds within the second.
        nanos: u32,
    },
    /// A frame names a pcapng interface that was never described.
    #[error("frame on interface {0}, which has no Interface Description Block")]
    UnknownInterface(u32),
    /// The capture format cannot carry what the frame asks for.
    #[error("{0}")]
    Unsupported(&'static str),
}

/// Result of building packets or captures.
pub type Result<T> = std::result::Result<T, SynthError>;
