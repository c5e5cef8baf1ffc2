//! Capture input: pcap (all variants), pcapng, gzip, standard input.
//!
//! Owns file formats and link types; knows nothing of the protocols inside.
//! Frames are numbered from 1 in file order, as Wireshark numbers them.

use serde::Serialize;

#[cfg(test)]
mod fixtures;
mod pcapng;
mod reader;
pub use reader::{open_input, read_capture, read_capture_with_secrets, FrameSink};

/// A capture timestamp: seconds and nanoseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub secs: i64,
    pub nanos: u32,
}

impl Timestamp {
    pub const fn new(secs: i64, nanos: u32) -> Self {
        Timestamp { secs, nanos }
    }

    /// Seconds since the epoch as a float, the form the JSON report uses.
    pub fn as_secs_f64(self) -> f64 {
        self.secs as f64 + f64::from(self.nanos) / 1e9
    }

    /// `self - earlier` in seconds (negative when `earlier` is later).
    pub fn secs_since(self, earlier: Timestamp) -> f64 {
        (self.secs - earlier.secs) as f64 + (f64::from(self.nanos) - f64::from(earlier.nanos)) / 1e9
    }
}

/// A link-layer header type (the LINKTYPE_/DLT_ registry value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LinkType(pub u32);

impl LinkType {
    pub const NULL: LinkType = LinkType(0);
    pub const ETHERNET: LinkType = LinkType(1);
    pub const PPP: LinkType = LinkType(9);
    /// DLT_RAW as most systems define it.
    pub const RAW_12: LinkType = LinkType(12);
    /// DLT_RAW on OpenBSD.
    pub const RAW_14: LinkType = LinkType(14);
    pub const PPP_HDLC: LinkType = LinkType(50);
    pub const PPP_ETHER: LinkType = LinkType(51);
    /// LINKTYPE_RAW.
    pub const RAW: LinkType = LinkType(101);
    pub const LOOP: LinkType = LinkType(108);
    pub const LINUX_SLL: LinkType = LinkType(113);
    pub const IPV4: LinkType = LinkType(228);
    pub const IPV6: LinkType = LinkType(229);
    pub const LINUX_SLL2: LinkType = LinkType(276);

    /// The registry name (`ETHERNET`, `LINUX_SLL2`, …) or `LINKTYPE_<n>`.
    pub fn name(self) -> String {
        let known = match self.0 {
            0 => "NULL",
            1 => "ETHERNET",
            9 => "PPP",
            12 | 14 | 101 => "RAW",
            50 => "PPP_HDLC",
            51 => "PPP_ETHER",
            105 => "IEEE802_11",
            108 => "LOOP",
            113 => "LINUX_SLL",
            127 => "IEEE802_11_RADIOTAP",
            228 => "IPV4",
            229 => "IPV6",
            276 => "LINUX_SLL2",
            _ => return format!("LINKTYPE_{}", self.0),
        };
        known.to_string()
    }
}

/// One captured frame, borrowed from the reader's buffer for the duration of
/// the callback.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// 1-based number in file order (Wireshark's frame number).
    pub number: u64,
    pub ts: Timestamp,
    pub link: LinkType,
    /// Index of the frame's interface in `CaptureSummary::interfaces`
    /// (0 for pcap). pcapng numbers interfaces afresh in every section; this
    /// index runs over all sections, like Wireshark's `frame.interface_id`.
    pub iface: u32,
    /// The captured bytes (possibly fewer than `orig_len`).
    pub data: &'a [u8],
    /// The frame's length on the wire.
    pub orig_len: u32,
}

/// The secrets of a pcapng Decryption Secrets Block (pcapng draft §4.7):
/// key material for the traffic that follows. Borrowed for the callback.
#[derive(Clone, Copy)]
pub struct DecryptionSecrets<'a> {
    /// Secrets type: 0x544c534b "TLSK" is a TLS key log (NSS format),
    /// 0x57474b4c "WGKL" a WireGuard key log, …
    pub secrets_type: u32,
    pub data: &'a [u8],
    /// The number the next frame will have.
    pub before_frame: u64,
}

impl std::fmt::Debug for DecryptionSecrets<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The data is key material: only its size is shown.
        f.debug_struct("DecryptionSecrets")
            .field("secrets_type", &format_args!("{:#010x}", self.secrets_type))
            .field("len", &self.data.len())
            .field("before_frame", &self.before_frame)
            .finish()
    }
}

/// The container format of a capture file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CaptureFormat {
    Pcap,
    Pcapng,
}

/// One pcapng interface (or the single pcap "interface").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterfaceInfo {
    pub index: u32,
    pub link_type: u32,
    pub link_type_name: String,
    pub name: Option<String>,
    /// Timestamp resolution as a power of ten of seconds (6 = microseconds).
    pub ts_resolution_digits: u8,
    pub snaplen: u32,
}

/// A comment attached to a frame (pcapng `opt_comment`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameComment {
    pub frame: u64,
    pub comment: String,
}

/// What was read from one capture file.
#[derive(Debug, Clone, Serialize)]
pub struct CaptureSummary {
    pub file: String,
    pub format: CaptureFormat,
    /// True when the file was gzip-compressed.
    pub gzip: bool,
    /// pcap only: true for big-endian files.
    pub big_endian: bool,
    /// Frames as Wireshark counts them (the last frame number).
    pub frames: u64,
    /// Captured bytes of all packets.
    pub bytes: u64,
    /// Time of the first and last time-stamped packet in file order.
    pub first_time: Option<f64>,
    pub last_time: Option<f64>,
    pub interfaces: Vec<InterfaceInfo>,
    /// Frames skipped because their link type is not decoded, by type.
    pub unsupported_link_types: Vec<UnsupportedLink>,
    pub comments: Vec<FrameComment>,
    /// Problems with the file itself (truncated last record, …).
    pub warnings: Vec<String>,
}

/// Frames of one link type that tunnelscope does not decode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnsupportedLink {
    pub link_type: u32,
    pub name: String,
    pub frames: u64,
}
