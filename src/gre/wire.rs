//! The GRE header as IP protocol 47 carries it: enhanced GRE for PPTP data
//! (RFC 2637 §4.1) and the generic versions it extends (RFC 1701, RFC 2784,
//! RFC 2890).
//!
//! Two faces, as in smoltcp's `wire` module:
//! * [`GrePacket`], a zero-copy view over the header bytes with accessors
//!   for every field, valid for any version;
//! * [`classify`], the hot-path entry point: one pass over the header that
//!   tells PPTP data ([`PptpGre`]) from every other use of GRE
//!   ([`OtherGreKind`]) and from headers that cannot be read ([`GreError`]).
//!
//! Nothing here allocates or keeps state.

use core::fmt;

use serde::{Serialize, Serializer};

/// Field offsets and sizes (RFC 1701 §2, RFC 2637 §4.1).
mod field {
    pub type Field = core::ops::Range<usize>;
    /// Flag bits, recursion control, flags and version: bytes 0–1.
    pub const FLAGS_VERSION: Field = 0..2;
    pub const PROTOCOL_TYPE: Field = 2..4;
    /// The four bytes every GRE header has.
    pub const FIXED_LEN: usize = 4;
    /// Checksum and Offset, present together when C or R is set (RFC 1701 §2.1).
    pub const CHECKSUM_OFFSET_LEN: usize = 4;
    pub const KEY_LEN: usize = 4;
    pub const SEQUENCE_LEN: usize = 4;
    pub const ACK_LEN: usize = 4;
    /// Address Family (2), SRE Offset (1), SRE Length (1) (RFC 1701 §2.1).
    pub const SRE_HEADER_LEN: usize = 4;
}

/// Checksum Present (bit 0).
const FLAG_C: u16 = 0x8000;
/// Routing Present (bit 1).
const FLAG_R: u16 = 0x4000;
/// Key Present (bit 2).
const FLAG_K: u16 = 0x2000;
/// Sequence Number Present (bit 3).
const FLAG_S: u16 = 0x1000;
/// Strict Source Route (bit 4).
const FLAG_STRICT: u16 = 0x0800;
/// Recursion Control (bits 5–7).
const RECUR_MASK: u16 = 0x0700;
/// Acknowledgment Sequence Number Present (bit 8), version 1 only.
const FLAG_A: u16 = 0x0080;
/// Flags (bits 9–12); RFC 2637 §4.1 says they must be 0.
const FLAGS_MASK: u16 = 0x0078;
const VERSION_MASK: u16 = 0x0007;

/// GRE version 1: enhanced GRE (RFC 2637 §4.1).
pub const VERSION_ENHANCED: u8 = 1;
/// Protocol Type PPP (0x880B), the only payload PPTP carries (RFC 2637 §4.1).
pub const PROTOCOL_PPP: u16 = 0x880B;

/// Protocol Type values named by the census of non-PPTP GRE.
pub mod protocol {
    /// IPv4 (plain GRE, RFC 2784).
    pub const IPV4: u16 = 0x0800;
    /// IPv6 (plain GRE, RFC 7676).
    pub const IPV6: u16 = 0x86DD;
    /// Transparent Ethernet Bridging (also NVGRE, RFC 7637).
    pub const TRANSPARENT_ETHERNET_BRIDGING: u16 = 0x6558;
    /// ERSPAN type I and II (Cisco).
    pub const ERSPAN_I_II: u16 = 0x88BE;
    /// ERSPAN type III (Cisco).
    pub const ERSPAN_III: u16 = 0x22EB;
    /// GRE tunnel bonding control (RFC 8157 §5).
    pub const TUNNEL_BONDING: u16 = 0x0101;
    /// MPLS unicast (RFC 4023).
    pub const MPLS_UNICAST: u16 = 0x8847;
    /// MPLS multicast (RFC 4023).
    pub const MPLS_MULTICAST: u16 = 0x8848;
    /// Web Cache Communication Protocol redirection.
    pub const WCCP: u16 = 0x883E;
    /// PPP (what PPTP uses, with version 1).
    pub const PPP: u16 = super::PROTOCOL_PPP;
}

/// Which part of the GRE header a length check concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GreField {
    /// Flags, version and Protocol Type (the first 4 bytes).
    FixedHeader,
    /// Checksum and Offset (RFC 1701 §2.1, present when C or R is set).
    ChecksumOffset,
    /// Key; for PPTP the Payload Length and Call ID halves (RFC 2637 §4.1).
    Key,
    /// Sequence Number (S bit).
    SequenceNumber,
    /// Acknowledgment Number (A bit, version 1).
    AcknowledgmentNumber,
    /// Routing: the list of Source Route Entries (RFC 1701 §2.1).
    Routing,
}

impl GreField {
    /// The field's name as RFC 1701 / RFC 2637 write it.
    pub fn name(self) -> &'static str {
        match self {
            GreField::FixedHeader => "flags, version and protocol type",
            GreField::ChecksumOffset => "checksum and offset",
            GreField::Key => "key",
            GreField::SequenceNumber => "sequence number",
            GreField::AcknowledgmentNumber => "acknowledgment number",
            GreField::Routing => "routing",
        }
    }
}

impl fmt::Display for GreField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a GRE header could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GreError {
    /// The bytes end inside the header: `field` needs the header to be at
    /// least `needed` bytes long, only `available` were captured.
    #[error("GRE header truncated: the {field} needs {needed} bytes, {available} captured")]
    Truncated {
        field: GreField,
        needed: usize,
        available: usize,
    },
    /// Enhanced GRE (version 1, Protocol Type PPP) without the Key field.
    /// RFC 2637 §4.1 requires K = 1: without the Key there is no Call ID, so
    /// the packet cannot belong to any call. It is reported here, as a
    /// malformed PPTP packet, rather than as "other GRE": the header is
    /// PPTP's own. `anomalies` holds [`GreAnomalies::KEY_MISSING`] plus
    /// whatever else was wrong with the flags.
    #[error("enhanced GRE (PPTP) without the Key field: no Call ID ({anomalies})")]
    PptpKeyMissing { anomalies: GreAnomalies },
}

/// Departures from RFC 2637 §4.1 found in a PPTP GRE header. Each is counted
/// rather than rejected, so a bit set here never hides the packet.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GreAnomalies(pub u8);

impl GreAnomalies {
    /// K = 0: no Payload Length and Call ID (only inside
    /// [`GreError::PptpKeyMissing`]).
    pub const KEY_MISSING: GreAnomalies = GreAnomalies(0x01);
    /// C = 1; RFC 2637 requires 0. Checksum and Offset were skipped.
    pub const CHECKSUM_PRESENT: GreAnomalies = GreAnomalies(0x02);
    /// R = 1; RFC 2637 requires 0. Checksum, Offset and the routing
    /// entries were skipped.
    pub const ROUTING_PRESENT: GreAnomalies = GreAnomalies(0x04);
    /// s = 1 (strict source route); RFC 2637 requires 0.
    pub const STRICT_SOURCE_ROUTE: GreAnomalies = GreAnomalies(0x08);
    /// Recursion Control ≠ 0; RFC 2637 requires 0.
    pub const RECURSION_NONZERO: GreAnomalies = GreAnomalies(0x10);
    /// One of the Flags bits 9–12 is set; RFC 2637 requires 0.
    pub const UNKNOWN_FLAGS: GreAnomalies = GreAnomalies(0x20);
    /// More bytes follow the header than Payload Length says (padding or
    /// trailing junk; the payload is cut to Payload Length).
    pub const TRAILING_BYTES: GreAnomalies = GreAnomalies(0x40);
    /// Fewer bytes follow the header than Payload Length says (short
    /// snaplen or a cut packet; the payload is what is there).
    pub const PAYLOAD_TRUNCATED: GreAnomalies = GreAnomalies(0x80);

    const NAMED: [(GreAnomalies, &'static str); 8] = [
        (Self::KEY_MISSING, "key_missing"),
        (Self::CHECKSUM_PRESENT, "checksum_present"),
        (Self::ROUTING_PRESENT, "routing_present"),
        (Self::STRICT_SOURCE_ROUTE, "strict_source_route"),
        (Self::RECURSION_NONZERO, "recursion_nonzero"),
        (Self::UNKNOWN_FLAGS, "unknown_flags"),
        (Self::TRAILING_BYTES, "trailing_bytes"),
        (Self::PAYLOAD_TRUNCATED, "payload_truncated"),
    ];

    /// No anomaly.
    pub const fn empty() -> Self {
        GreAnomalies(0)
    }

    /// The raw bits.
    pub const fn bits(self) -> u8 {
        self.0
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// True when every bit of `other` is set in `self`.
    pub const fn contains(self, other: GreAnomalies) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn insert(&mut self, other: GreAnomalies) {
        self.0 |= other.0;
    }

    /// The names of the bits that are set, lowest bit first.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMED
            .into_iter()
            .filter(move |(bit, _)| self.contains(*bit))
            .map(|(_, name)| name)
    }
}

impl core::ops::BitOr for GreAnomalies {
    type Output = GreAnomalies;
    fn bitor(self, rhs: GreAnomalies) -> GreAnomalies {
        GreAnomalies(self.0 | rhs.0)
    }
}

impl fmt::Debug for GreAnomalies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl fmt::Display for GreAnomalies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        for (i, name) in self.names().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

/// Serialised as the list of names, e.g. `["checksum_present"]`.
impl Serialize for GreAnomalies {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.names())
    }
}

/// Where each optional field sits, worked out once from the flag bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    checksum: Option<usize>,
    key: Option<usize>,
    seq: Option<usize>,
    ack: Option<usize>,
    routing: Option<usize>,
    header_len: usize,
}

/// Walks the flag bits in RFC 1701 order: Checksum+Offset (C or R), Key
/// (K), Sequence Number (S), then, for version 1, Acknowledgment Number (A)
/// and last the Routing entries (R). RFC 2637 §4.1 puts Ack right after
/// Sequence and has no routing at all; RFC 1701 puts Routing after
/// Sequence, so a version-1 header with R set (never legal for PPTP) is
/// read with Ack first and Routing last.
fn layout(bytes: &[u8]) -> Result<Layout, GreError> {
    let available = bytes.len();
    let truncated = |field, needed| GreError::Truncated {
        field,
        needed,
        available,
    };
    if available < field::FIXED_LEN {
        return Err(truncated(GreField::FixedHeader, field::FIXED_LEN));
    }
    let word = read_u16(bytes, field::FLAGS_VERSION.start).unwrap_or(0);
    let with_ack = word & VERSION_MASK == u16::from(VERSION_ENHANCED) && word & FLAG_A != 0;
    let mut at = field::FIXED_LEN;
    let mut take = |present: bool, len: usize, what: GreField| -> Result<Option<usize>, GreError> {
        if !present {
            return Ok(None);
        }
        let start = at;
        let end = start + len;
        if end > available {
            return Err(truncated(what, end));
        }
        at = end;
        Ok(Some(start))
    };
    let checksum = take(
        word & (FLAG_C | FLAG_R) != 0,
        field::CHECKSUM_OFFSET_LEN,
        GreField::ChecksumOffset,
    )?;
    let key = take(word & FLAG_K != 0, field::KEY_LEN, GreField::Key)?;
    let seq = take(word & FLAG_S != 0, field::SEQUENCE_LEN, GreField::SequenceNumber)?;
    let ack = take(with_ack, field::ACK_LEN, GreField::AcknowledgmentNumber)?;
    let mut header_len = at;
    let routing = if word & FLAG_R != 0 {
        let start = header_len;
        header_len = routing_end(bytes, start)?;
        Some(start)
    } else {
        None
    };
    Ok(Layout {
        checksum,
        key,
        seq,
        ack,
        routing,
        header_len,
    })
}

/// Finds the end of an RFC 1701 §2.1 Source Route Entry list starting at
/// `start`: each entry is Address Family (2), SRE Offset (1), SRE Length (1)
/// and SRE Length bytes of routing information; the list ends with an
/// entry whose Address Family is 0 and SRE Length is 0.
fn routing_end(bytes: &[u8], start: usize) -> Result<usize, GreError> {
    let available = bytes.len();
    let mut at = start;
    // Each pass consumes at least 4 bytes, so the loop ends with the buffer.
    loop {
        let header_end = at + field::SRE_HEADER_LEN;
        let (Some(family), Some(&sre_len)) = (read_u16(bytes, at), bytes.get(at + 3)) else {
            return Err(GreError::Truncated {
                field: GreField::Routing,
                needed: header_end,
                available,
            });
        };
        if family == 0 && sre_len == 0 {
            return Ok(header_end);
        }
        let next = header_end + usize::from(sre_len);
        if next > available {
            return Err(GreError::Truncated {
                field: GreField::Routing,
                needed: next,
                available,
            });
        }
        at = next;
    }
}

fn read_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let end = at.checked_add(2)?;
    let raw: [u8; 2] = bytes.get(at..end)?.try_into().ok()?;
    Some(u16::from_be_bytes(raw))
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let end = at.checked_add(4)?;
    let raw: [u8; 4] = bytes.get(at..end)?.try_into().ok()?;
    Some(u32::from_be_bytes(raw))
}

/// A zero-copy view of a GRE header (RFC 1701 §2, RFC 2637 §4.1).
///
/// After [`GrePacket::new_checked`] every optional field the flags announce
/// is known to be present; the accessors never panic in any case (on a view
/// made with [`GrePacket::new_unchecked`] over too few bytes they return 0,
/// `None` or an empty slice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrePacket<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> GrePacket<T> {
    /// Wraps `buffer` without looking at it.
    pub const fn new_unchecked(buffer: T) -> Self {
        GrePacket { buffer }
    }

    /// Wraps `buffer` after [`GrePacket::check_len`].
    pub fn new_checked(buffer: T) -> Result<Self, GreError> {
        let packet = Self::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    /// Checks that the buffer holds the whole header the flags announce,
    /// routing entries included. The Payload Length field of enhanced GRE
    /// is not checked here: a mismatch is an anomaly ([`classify`]), not a
    /// reason to refuse the header.
    pub fn check_len(&self) -> Result<(), GreError> {
        layout(self.buffer.as_ref()).map(|_| ())
    }

    /// Returns the underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn bytes(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    fn layout(&self) -> Option<Layout> {
        layout(self.bytes()).ok()
    }

    /// The first 16 bits: flag bits, Recursion Control, Flags and Version.
    pub fn flag_word(&self) -> u16 {
        read_u16(self.bytes(), field::FLAGS_VERSION.start).unwrap_or(0)
    }

    /// C: Checksum Present (RFC 1701 §2.1).
    pub fn checksum_present(&self) -> bool {
        self.flag_word() & FLAG_C != 0
    }

    /// R: Routing Present (RFC 1701 §2.1).
    pub fn routing_present(&self) -> bool {
        self.flag_word() & FLAG_R != 0
    }

    /// K: Key Present (RFC 1701 §2.1; always set for PPTP, RFC 2637 §4.1).
    pub fn key_present(&self) -> bool {
        self.flag_word() & FLAG_K != 0
    }

    /// S: Sequence Number Present (RFC 1701 §2.1; set when a PPTP packet
    /// carries payload, RFC 2637 §4.1).
    pub fn seq_present(&self) -> bool {
        self.flag_word() & FLAG_S != 0
    }

    /// s: Strict Source Route (RFC 1701 §2.1).
    pub fn strict_source_route(&self) -> bool {
        self.flag_word() & FLAG_STRICT != 0
    }

    /// Recursion Control, bits 5–7 (RFC 1701 §2.1).
    pub fn recursion_control(&self) -> u8 {
        ((self.flag_word() & RECUR_MASK) >> 8) as u8
    }

    /// A: Acknowledgment Sequence Number Present (bit 8, RFC 2637 §4.1).
    /// Only version 1 defines this bit; for other versions it reads false
    /// and the bit shows in [`GrePacket::flags`] instead.
    pub fn ack_present(&self) -> bool {
        self.version() == VERSION_ENHANCED && self.flag_word() & FLAG_A != 0
    }

    /// The Flags field: bits 9–12 for version 1 (RFC 2637 §4.1), bits 8–12
    /// for other versions (RFC 1701 §2.1), right-aligned.
    pub fn flags(&self) -> u8 {
        let word = self.flag_word();
        if self.version() == VERSION_ENHANCED {
            ((word & FLAGS_MASK) >> 3) as u8
        } else {
            ((word & (FLAGS_MASK | FLAG_A)) >> 3) as u8
        }
    }

    /// Version, bits 13–15: 0 for RFC 1701/2784/2890 GRE, 1 for enhanced
    /// GRE (RFC 2637 §4.1).
    pub fn version(&self) -> u8 {
        (self.flag_word() & VERSION_MASK) as u8
    }

    /// Protocol Type: the EtherType of the payload (0x880B = PPP).
    pub fn protocol_type(&self) -> u16 {
        read_u16(self.bytes(), field::PROTOCOL_TYPE.start).unwrap_or(0)
    }

    /// Checksum (RFC 1701 §2.1), present when C or R is set.
    pub fn checksum(&self) -> Option<u16> {
        read_u16(self.bytes(), self.layout()?.checksum?)
    }

    /// Offset (RFC 1701 §2.1): where the active routing entry starts.
    pub fn routing_offset(&self) -> Option<u16> {
        read_u16(self.bytes(), self.layout()?.checksum?.checked_add(2)?)
    }

    /// The 32-bit Key (RFC 1701 §2.1, RFC 2890 §2.1).
    pub fn key(&self) -> Option<u32> {
        read_u32(self.bytes(), self.layout()?.key?)
    }

    /// Payload Length, the Key's high half in enhanced GRE (RFC 2637 §4.1):
    /// bytes after the GRE header.
    pub fn payload_length(&self) -> Option<u16> {
        read_u16(self.bytes(), self.layout()?.key?)
    }

    /// Call ID, the Key's low half in enhanced GRE (RFC 2637 §4.1): the
    /// call ID the *receiver* of the packet chose.
    pub fn call_id(&self) -> Option<u16> {
        read_u16(self.bytes(), self.layout()?.key?.checked_add(2)?)
    }

    /// Sequence Number (RFC 1701 §2.1, RFC 2637 §4.1), present when S is set.
    pub fn seq(&self) -> Option<u32> {
        read_u32(self.bytes(), self.layout()?.seq?)
    }

    /// Acknowledgment Number (RFC 2637 §4.1): the highest sequence number
    /// the sender has received from its peer. Version 1 only.
    pub fn ack(&self) -> Option<u32> {
        read_u32(self.bytes(), self.layout()?.ack?)
    }

    /// The routing entries (RFC 1701 §2.1), including the terminating entry.
    pub fn routing(&self) -> Option<&[u8]> {
        let layout = self.layout()?;
        self.bytes().get(layout.routing?..layout.header_len)
    }

    /// Header length in bytes: 4 plus each optional field the flags
    /// announce (8 + 4·S + 4·A for well-formed PPTP), or 0 when the header
    /// does not fit in the buffer.
    pub fn header_len(&self) -> usize {
        self.layout().map_or(0, |l| l.header_len)
    }

    /// Every byte after the header (for PPTP this may differ from Payload
    /// Length; [`classify`] reconciles the two).
    pub fn payload(&self) -> &[u8] {
        match self.layout() {
            Some(l) => self.bytes().get(l.header_len..).unwrap_or(&[]),
            None => &[],
        }
    }
}

/// One enhanced GRE packet carrying PPTP data (RFC 2637 §4.1): version 1,
/// Protocol Type 0x880B, Key present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PptpGre<'a> {
    /// The Payload Length field as sent (bytes of PPP after the header).
    pub payload_len: u16,
    /// The receiver's Call ID (RFC 2637 §4.1; see protocols.md §1.6).
    pub call_id: u16,
    /// Sequence Number, present when the packet carries payload.
    pub seq: Option<u32>,
    /// Acknowledgment Number, present when A is set. An ack-only packet
    /// (S = 0, A = 1) carries it where the sequence number would be.
    pub ack: Option<u32>,
    /// The PPP frame: the bytes after the header, cut to Payload Length
    /// when more are present ([`GreAnomalies::TRAILING_BYTES`]), all of them
    /// when fewer are ([`GreAnomalies::PAYLOAD_TRUNCATED`]).
    pub payload: &'a [u8],
    /// What in the header departs from RFC 2637.
    pub anomalies: GreAnomalies,
}

impl PptpGre<'_> {
    /// True for an ack-only packet: no sequence number, an
    /// acknowledgment, Payload Length 0 (RFC 2637 §4.2).
    pub fn is_ack_only(&self) -> bool {
        self.seq.is_none() && self.ack.is_some() && self.payload_len == 0
    }

    /// Writes a well-formed enhanced GRE header (K always, S when `seq`,
    /// A when `ack`; C, R, s, Recur and Flags 0) followed by `payload`
    /// into `out`, returning the length written. The Payload Length field
    /// is `self.payload_len` as given, so a test can state a mismatch;
    /// `anomalies` is ignored. Fails with [`GreError::Truncated`] when
    /// `out` is too small.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize, GreError> {
        let header_len = 8 + 4 * usize::from(self.seq.is_some()) + 4 * usize::from(self.ack.is_some());
        let total = header_len + self.payload.len();
        let available = out.len();
        let too_small = GreError::Truncated {
            field: GreField::FixedHeader,
            needed: total,
            available,
        };
        let out = out.get_mut(..total).ok_or(too_small)?;
        let mut word = FLAG_K | u16::from(VERSION_ENHANCED);
        if self.seq.is_some() {
            word |= FLAG_S;
        }
        if self.ack.is_some() {
            word |= FLAG_A;
        }
        let mut header = [0u8; 16];
        let mut put = |at: usize, value: &[u8]| {
            if let Some(dst) = header.get_mut(at..at + value.len()) {
                dst.copy_from_slice(value);
            }
        };
        put(0, &word.to_be_bytes());
        put(2, &PROTOCOL_PPP.to_be_bytes());
        put(4, &self.payload_len.to_be_bytes());
        put(6, &self.call_id.to_be_bytes());
        let mut at = 8;
        if let Some(seq) = self.seq {
            put(at, &seq.to_be_bytes());
            at += 4;
        }
        if let Some(ack) = self.ack {
            put(at, &ack.to_be_bytes());
        }
        let (head, body) = out.split_at_mut(header_len);
        head.copy_from_slice(header.get(..header_len).ok_or(too_small)?);
        body.copy_from_slice(self.payload);
        Ok(total)
    }
}

/// What a GRE packet that is not PPTP data carries, named for a census of
/// the GRE in a capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OtherGreKind {
    /// IPv4 inside GRE (0x0800; RFC 2784). A GRE keepalive that carries an
    /// IPv4 packet addressed back to the sender lands here too.
    PlainIpv4,
    /// IPv6 inside GRE (0x86DD; RFC 7676).
    PlainIpv6,
    /// Transparent Ethernet Bridging (0x6558) without a key.
    TransparentEthernetBridging,
    /// NVGRE: Transparent Ethernet Bridging with K set, the key holding the
    /// virtual subnet ID (RFC 7637 §3.2). A keyed Linux `gretap` tunnel has
    /// the same shape and is counted here too.
    Nvgre,
    /// ERSPAN type I (0x88BE without a sequence number).
    ErspanTypeI,
    /// ERSPAN type II (0x88BE with a sequence number).
    ErspanTypeII,
    /// ERSPAN type III (0x22EB).
    ErspanTypeIII,
    /// A version-0 GRE header with nothing after it: the reflected inner
    /// packet of a GRE keepalive.
    Keepalive,
    /// GRE tunnel bonding control (0x0101; RFC 8157 §5).
    TunnelBonding,
    /// MPLS in GRE (0x8847 unicast, 0x8848 multicast; RFC 4023).
    Mpls,
    /// WCCP redirection (0x883E).
    Wccp,
    /// PPP (0x880B) in a version other than 1: not PPTP's enhanced GRE.
    Ppp,
    /// A version other than 0 or 1 (RFC 2784 §2.3.1: must be discarded).
    UnknownVersion,
    /// Any other Protocol Type, by number.
    Unknown(u16),
}

impl OtherGreKind {
    /// A short label for tables and JSON keys.
    pub fn name(self) -> &'static str {
        match self {
            OtherGreKind::PlainIpv4 => "plain GRE (IPv4)",
            OtherGreKind::PlainIpv6 => "plain GRE (IPv6)",
            OtherGreKind::TransparentEthernetBridging => "transparent Ethernet bridging",
            OtherGreKind::Nvgre => "NVGRE",
            OtherGreKind::ErspanTypeI => "ERSPAN type I",
            OtherGreKind::ErspanTypeII => "ERSPAN type II",
            OtherGreKind::ErspanTypeIII => "ERSPAN type III",
            OtherGreKind::Keepalive => "GRE keepalive",
            OtherGreKind::TunnelBonding => "GRE tunnel bonding",
            OtherGreKind::Mpls => "MPLS in GRE",
            OtherGreKind::Wccp => "WCCP redirection",
            OtherGreKind::Ppp => "PPP in non-enhanced GRE",
            OtherGreKind::UnknownVersion => "unknown GRE version",
            OtherGreKind::Unknown(_) => "unknown protocol type",
        }
    }
}

/// The result of [`classify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gre<'a> {
    /// PPTP data: version 1, Protocol Type 0x880B, Key present.
    Pptp(PptpGre<'a>),
    /// GRE used for something else.
    Other {
        version: u8,
        protocol: u16,
        kind: OtherGreKind,
    },
    /// A header that cannot be read, or enhanced GRE without a Key
    /// ([`GreError::PptpKeyMissing`]).
    Malformed(GreError),
}

/// Decodes the GRE header at the start of `bytes` (the IP payload, cut to
/// the IP total length) and says what it is.
///
/// The header RFC 2637 §4.1 prescribes is read straight away
/// ([`prescribed`]); every other header goes through the general walk
/// ([`classify_general`]), which gives the same answer for the prescribed
/// one.
///
/// Only version 1 with Protocol Type 0x880B is PPTP (RFC 2637 §4.1).
/// Version 0, other Protocol Types and versions 2–7 are [`Gre::Other`]; a
/// version-1/0x880B header without K is [`Gre::Malformed`] with
/// [`GreError::PptpKeyMissing`]. Headers that end early are
/// [`Gre::Malformed`] with [`GreError::Truncated`]. Optional fields PPTP
/// never uses (Checksum/Offset, Routing) are skipped per RFC 1701 and
/// flagged in [`PptpGre::anomalies`].
#[inline]
pub fn classify(bytes: &[u8]) -> Gre<'_> {
    match prescribed(bytes) {
        Some(pkt) => Gre::Pptp(pkt),
        None => classify_general(bytes),
    }
}

/// Enhanced GRE exactly as RFC 2637 §4.1 prescribes it: version 1,
/// Protocol Type PPP, K set, C, R, s, Recursion Control and Flags clear;
/// S and A either way. The header is then 8 bytes plus 4 for each of S and
/// A, with no walk over optional fields. `None` for anything else,
/// including a header cut short, which [`classify_general`] then names.
#[inline]
fn prescribed(bytes: &[u8]) -> Option<PptpGre<'_>> {
    const SHAPE: u16 = FLAG_K | VERSION_ENHANCED as u16;
    let (fixed, rest) = bytes.split_first_chunk::<{ field::FIXED_LEN + field::KEY_LEN }>()?;
    let word = u16::from_be_bytes([fixed[0], fixed[1]]);
    if word & !(FLAG_S | FLAG_A) != SHAPE || u16::from_be_bytes([fixed[2], fixed[3]]) != PROTOCOL_PPP {
        return None;
    }
    let (seq, rest) = if word & FLAG_S != 0 {
        let (seq, rest) = rest.split_first_chunk::<{ field::SEQUENCE_LEN }>()?;
        (Some(u32::from_be_bytes(*seq)), rest)
    } else {
        (None, rest)
    };
    let (ack, after_header) = if word & FLAG_A != 0 {
        let (ack, rest) = rest.split_first_chunk::<{ field::ACK_LEN }>()?;
        (Some(u32::from_be_bytes(*ack)), rest)
    } else {
        (None, rest)
    };
    let payload_len = u16::from_be_bytes([fixed[4], fixed[5]]);
    let (payload, anomalies) = cut_payload(after_header, payload_len, GreAnomalies::empty());
    Some(PptpGre {
        payload_len,
        call_id: u16::from_be_bytes([fixed[6], fixed[7]]),
        seq,
        ack,
        payload,
        anomalies,
    })
}

/// The PPP frame of a PPTP packet: the bytes after the header cut to
/// Payload Length, with the mismatch, if any, added to `anomalies`.
#[inline]
fn cut_payload(after_header: &[u8], payload_len: u16, mut anomalies: GreAnomalies) -> (&[u8], GreAnomalies) {
    let stated = usize::from(payload_len);
    let payload = match stated.cmp(&after_header.len()) {
        core::cmp::Ordering::Equal => after_header,
        core::cmp::Ordering::Less => {
            anomalies.insert(GreAnomalies::TRAILING_BYTES);
            after_header.get(..stated).unwrap_or(after_header)
        }
        core::cmp::Ordering::Greater => {
            anomalies.insert(GreAnomalies::PAYLOAD_TRUNCATED);
            after_header
        }
    };
    (payload, anomalies)
}

/// [`classify`] for any header: the flag bits walked in RFC 1701 order.
#[inline(never)]
fn classify_general(bytes: &[u8]) -> Gre<'_> {
    let (Some(word), Some(protocol)) = (
        read_u16(bytes, field::FLAGS_VERSION.start),
        read_u16(bytes, field::PROTOCOL_TYPE.start),
    ) else {
        return Gre::Malformed(GreError::Truncated {
            field: GreField::FixedHeader,
            needed: field::FIXED_LEN,
            available: bytes.len(),
        });
    };
    let version = (word & VERSION_MASK) as u8;
    if version > VERSION_ENHANCED {
        // The layout of other versions is undefined; do not guess at it.
        return Gre::Other {
            version,
            protocol,
            kind: OtherGreKind::UnknownVersion,
        };
    }
    let layout = match layout(bytes) {
        Ok(layout) => layout,
        Err(e) => return Gre::Malformed(e),
    };
    let after_header = bytes.get(layout.header_len..).unwrap_or(&[]);

    if version != VERSION_ENHANCED || protocol != PROTOCOL_PPP {
        let kind = other_kind(version, protocol, word, after_header.is_empty());
        return Gre::Other {
            version,
            protocol,
            kind,
        };
    }

    let mut anomalies = GreAnomalies::empty();
    if word & FLAG_C != 0 {
        anomalies.insert(GreAnomalies::CHECKSUM_PRESENT);
    }
    if word & FLAG_R != 0 {
        anomalies.insert(GreAnomalies::ROUTING_PRESENT);
    }
    if word & FLAG_STRICT != 0 {
        anomalies.insert(GreAnomalies::STRICT_SOURCE_ROUTE);
    }
    if word & RECUR_MASK != 0 {
        anomalies.insert(GreAnomalies::RECURSION_NONZERO);
    }
    if word & FLAGS_MASK != 0 {
        anomalies.insert(GreAnomalies::UNKNOWN_FLAGS);
    }
    let key_at = match layout.key {
        Some(at) => at,
        None => {
            anomalies.insert(GreAnomalies::KEY_MISSING);
            return Gre::Malformed(GreError::PptpKeyMissing { anomalies });
        }
    };
    let payload_len = read_u16(bytes, key_at).unwrap_or(0);
    let call_id = read_u16(bytes, key_at + 2).unwrap_or(0);
    let seq = layout.seq.and_then(|at| read_u32(bytes, at));
    let ack = layout.ack.and_then(|at| read_u32(bytes, at));

    let (payload, anomalies) = cut_payload(after_header, payload_len, anomalies);
    Gre::Pptp(PptpGre {
        payload_len,
        call_id,
        seq,
        ack,
        payload,
        anomalies,
    })
}

fn other_kind(version: u8, protocol: u16, word: u16, empty: bool) -> OtherGreKind {
    if version == 0 && empty {
        return OtherGreKind::Keepalive;
    }
    match protocol {
        protocol::IPV4 => OtherGreKind::PlainIpv4,
        protocol::IPV6 => OtherGreKind::PlainIpv6,
        protocol::TRANSPARENT_ETHERNET_BRIDGING if word & FLAG_K != 0 => OtherGreKind::Nvgre,
        protocol::TRANSPARENT_ETHERNET_BRIDGING => OtherGreKind::TransparentEthernetBridging,
        protocol::ERSPAN_I_II if word & FLAG_S != 0 => OtherGreKind::ErspanTypeII,
        protocol::ERSPAN_I_II => OtherGreKind::ErspanTypeI,
        protocol::ERSPAN_III => OtherGreKind::ErspanTypeIII,
        protocol::TUNNEL_BONDING => OtherGreKind::TunnelBonding,
        protocol::MPLS_UNICAST | protocol::MPLS_MULTICAST => OtherGreKind::Mpls,
        protocol::WCCP => OtherGreKind::Wccp,
        protocol::PPP => OtherGreKind::Ppp,
        n => OtherGreKind::Unknown(n),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::capture::Timestamp;
    use std::net::IpAddr;

    /// One GRE packet from a real capture: the IP facts and the IP payload
    /// (cut to the IP length).
    pub(crate) struct CapturedGre {
        pub frame: u64,
        pub ts: Timestamp,
        pub iface: u32,
        pub src: IpAddr,
        pub dst: IpAddr,
        pub ident: u32,
        pub gre: Vec<u8>,
    }

    /// The outermost GRE of every Ethernet frame in one of the shared
    /// captures, or `None` when the captures folder is not there.
    pub(crate) fn captured_gre(name: &str) -> Option<Vec<CapturedGre>> {
        let path = format!("../shared/captures/{name}");
        let Ok(file) = std::fs::read(&path) else {
            eprintln!("skipped: {path} not found");
            return None;
        };
        let mut frames: Vec<(Timestamp, u32, Vec<u8>)> = Vec::new();
        if let Ok(pcap) = pcap_parser::PcapCapture::from_file(&file) {
            for b in &pcap.blocks {
                let ts = Timestamp::new(i64::from(b.ts_sec), b.ts_usec * 1000);
                frames.push((ts, 0, b.data.to_vec()));
            }
        } else {
            let ng = pcap_parser::PcapNGCapture::from_file(&file).expect("pcap or pcapng");
            for section in &ng.sections {
                for block in &section.blocks {
                    if let pcap_parser::pcapng::Block::EnhancedPacket(epb) = block {
                        let us = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                        let ts = Timestamp::new((us / 1_000_000) as i64, (us % 1_000_000) as u32 * 1000);
                        let data = &epb.data[..epb.caplen as usize];
                        frames.push((ts, epb.if_id, data.to_vec()));
                    }
                }
            }
        }
        let mut out = Vec::new();
        for (i, (ts, iface, data)) in frames.into_iter().enumerate() {
            let mut at = 12;
            let mut ethertype = u16::from_be_bytes([data[at], data[at + 1]]);
            while ethertype == 0x8100 {
                at += 4;
                ethertype = u16::from_be_bytes([data[at], data[at + 1]]);
            }
            if let Some((src, dst, ident, gre)) = ip_to_gre(&data[at + 2..], ethertype) {
                out.push(CapturedGre {
                    frame: i as u64 + 1,
                    ts,
                    iface,
                    src,
                    dst,
                    ident,
                    gre: gre.to_vec(),
                });
            }
        }
        Some(out)
    }

    fn ip_to_gre(ip: &[u8], ethertype: u16) -> Option<(IpAddr, IpAddr, u32, &[u8])> {
        let (src, dst, ident, proto, payload): (IpAddr, IpAddr, u32, u8, &[u8]) = match ethertype {
            0x0800 => {
                let ihl = usize::from(ip[0] & 0x0f) * 4;
                let total = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
                let src: [u8; 4] = ip[12..16].try_into().unwrap();
                let dst: [u8; 4] = ip[16..20].try_into().unwrap();
                let ident = u32::from(u16::from_be_bytes([ip[4], ip[5]]));
                (src.into(), dst.into(), ident, ip[9], &ip[ihl..total])
            }
            0x86DD => {
                let len = usize::from(u16::from_be_bytes([ip[4], ip[5]]));
                let src: [u8; 16] = ip[8..24].try_into().unwrap();
                let dst: [u8; 16] = ip[24..40].try_into().unwrap();
                (src.into(), dst.into(), 0, ip[6], &ip[40..40 + len])
            }
            _ => return None,
        };
        match proto {
            47 => Some((src, dst, ident, payload)),
            4 => ip_to_gre(payload, 0x0800),
            41 => ip_to_gre(payload, 0x86DD),
            _ => None,
        }
    }

    // P13: a hand-picked mix of PPTP and other GRE (see captures/MANIFEST.md).
    #[test]
    fn pcapplusplus_mix_is_sorted_correctly() {
        let Some(packets) = captured_gre("seladb_PcapPlusPlus__GrePackets.pcap") else {
            return;
        };
        let got: Vec<String> = packets
            .iter()
            .map(|p| match classify(&p.gre) {
                Gre::Pptp(g) => format!(
                    "{} pptp call {} seq {:?} ack {:?} len {} {}",
                    p.frame, g.call_id, g.seq, g.ack, g.payload_len, g.anomalies
                ),
                Gre::Other {
                    version,
                    protocol,
                    kind,
                } => {
                    format!("{} v{version} {protocol:#06x} {kind:?}", p.frame)
                }
                Gre::Malformed(e) => format!("{} malformed {e}", p.frame),
            })
            .collect();
        assert_eq!(
            got,
            [
                "1 pptp call 6 seq Some(34) ack Some(17) len 8 none",
                "2 pptp call 6 seq None ack Some(26) len 0 none",
                "3 v0 0x0800 PlainIpv4",
                "4 v0 0x0800 PlainIpv4",
                "5 v0 0x0800 PlainIpv4",
                "6 pptp call 17 seq Some(539320) ack None len 178 none",
                "7 v0 0x6558 Nvgre",
            ]
        );
    }

    fn hex(s: &str) -> Vec<u8> {
        let digits: Vec<u8> = s
            .bytes()
            .filter(u8::is_ascii_hexdigit)
            .map(|c| match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                _ => c - b'A' + 10,
            })
            .collect();
        digits.chunks(2).map(|p| (p[0] << 4) | p[1]).collect()
    }

    fn pptp(bytes: &[u8]) -> PptpGre<'_> {
        match classify(bytes) {
            Gre::Pptp(p) => p,
            other => panic!("expected PPTP, got {other:?}"),
        }
    }

    fn other(bytes: &[u8]) -> (u8, u16, OtherGreKind) {
        match classify(bytes) {
            Gre::Other {
                version,
                protocol,
                kind,
            } => (version, protocol, kind),
            got => panic!("expected other GRE, got {got:?}"),
        }
    }

    // protocols.md §2.1, first worked example, with its 42-byte payload.
    #[test]
    fn worked_example_data_with_ack() {
        let mut bytes = hex("30 81 88 0B  00 2A 12 34  00 00 00 05  00 00 00 03");
        bytes.extend((0..42u8).map(|i| i ^ 0x5a));
        let view = GrePacket::new_checked(&bytes[..]).unwrap();
        assert_eq!(view.flag_word(), 0x3081);
        assert!(!view.checksum_present());
        assert!(!view.routing_present());
        assert!(view.key_present());
        assert!(view.seq_present());
        assert!(!view.strict_source_route());
        assert_eq!(view.recursion_control(), 0);
        assert!(view.ack_present());
        assert_eq!(view.flags(), 0);
        assert_eq!(view.version(), 1);
        assert_eq!(view.protocol_type(), 0x880B);
        assert_eq!(view.checksum(), None);
        assert_eq!(view.routing_offset(), None);
        assert_eq!(view.routing(), None);
        assert_eq!(view.key(), Some(0x002A_1234));
        assert_eq!(view.payload_length(), Some(42));
        assert_eq!(view.call_id(), Some(0x1234));
        assert_eq!(view.seq(), Some(5));
        assert_eq!(view.ack(), Some(3));
        assert_eq!(view.header_len(), 16);
        assert_eq!(view.payload(), &bytes[16..]);

        let p = pptp(&bytes);
        assert_eq!(
            p,
            PptpGre {
                payload_len: 42,
                call_id: 0x1234,
                seq: Some(5),
                ack: Some(3),
                payload: &bytes[16..],
                anomalies: GreAnomalies::empty(),
            }
        );
        assert!(!p.is_ack_only());
        let mut out = [0u8; 64];
        assert_eq!(p.emit(&mut out), Ok(58));
        assert_eq!(&out[..58], &bytes[..]);
    }

    #[test]
    fn worked_example_data_without_ack() {
        let mut bytes = hex("30 01 88 0B  00 2A 12 34  00 00 00 06");
        bytes.extend([0xFFu8, 0x03, 0xC0, 0x21].iter().cycle().take(42));
        let view = GrePacket::new_checked(&bytes[..]).unwrap();
        assert!(!view.ack_present());
        assert_eq!(view.ack(), None);
        assert_eq!(view.seq(), Some(6));
        assert_eq!(view.header_len(), 12);
        let p = pptp(&bytes);
        assert_eq!(
            p,
            PptpGre {
                payload_len: 42,
                call_id: 0x1234,
                seq: Some(6),
                ack: None,
                payload: &bytes[12..],
                anomalies: GreAnomalies::empty(),
            }
        );
        let mut out = [0u8; 54];
        assert_eq!(p.emit(&mut out), Ok(54));
        assert_eq!(&out[..], &bytes[..]);
    }

    #[test]
    fn worked_example_ack_only() {
        let bytes = hex("20 81 88 0B  00 00 12 34  00 00 00 03");
        let view = GrePacket::new_checked(&bytes[..]).unwrap();
        assert!(!view.seq_present());
        assert!(view.ack_present());
        assert_eq!(view.seq(), None);
        assert_eq!(view.ack(), Some(3));
        assert_eq!(view.header_len(), 12);
        assert!(view.payload().is_empty());
        let p = pptp(&bytes);
        assert_eq!(
            p,
            PptpGre {
                payload_len: 0,
                call_id: 0x1234,
                seq: None,
                ack: Some(3),
                payload: &[],
                anomalies: GreAnomalies::empty(),
            }
        );
        assert!(p.is_ack_only());
        let mut out = [0u8; 12];
        assert_eq!(p.emit(&mut out), Ok(12));
        assert_eq!(&out[..], &bytes[..]);
        let mut small = [0u8; 11];
        assert_eq!(
            p.emit(&mut small),
            Err(GreError::Truncated {
                field: GreField::FixedHeader,
                needed: 12,
                available: 11
            })
        );
    }

    #[test]
    fn checksum_present_is_skipped_and_flagged() {
        // C set: Checksum 0xBEEF and Offset 0 sit before the Key.
        let bytes = hex("B0 01 88 0B  BE EF 00 00  00 02 00 07  00 00 00 09  AA BB");
        let view = GrePacket::new_checked(&bytes[..]).unwrap();
        assert_eq!(view.checksum(), Some(0xBEEF));
        assert_eq!(view.routing_offset(), Some(0));
        assert_eq!(view.header_len(), 16);
        let p = pptp(&bytes);
        assert_eq!(p.call_id, 7);
        assert_eq!(p.seq, Some(9));
        assert_eq!(p.ack, None);
        assert_eq!(p.payload, &[0xAA, 0xBB]);
        assert_eq!(p.anomalies, GreAnomalies::CHECKSUM_PRESENT);
    }

    #[test]
    fn routing_present_is_skipped_and_flagged() {
        // R set: Checksum/Offset, Key, Seq, Ack, then one SRE with 4 bytes
        // of routing information and the terminating SRE.
        let bytes = hex("70 81 88 0B  00 00 00 00  00 01 00 07  00 00 00 09  00 00 00 04 \
             08 00 00 04  0A 00 00 01  00 00 00 00  CC");
        let view = GrePacket::new_checked(&bytes[..]).unwrap();
        assert_eq!(view.header_len(), 32);
        assert_eq!(view.routing(), Some(&bytes[20..32]));
        assert_eq!(view.payload(), &[0xCC]);
        let p = pptp(&bytes);
        assert_eq!(p.seq, Some(9));
        assert_eq!(p.ack, Some(4));
        assert_eq!(p.payload, &[0xCC]);
        assert_eq!(p.anomalies, GreAnomalies::ROUTING_PRESENT);
    }

    #[test]
    fn routing_running_past_the_end_is_malformed() {
        let bytes = hex("70 01 88 0B  00 00 00 00  00 00 00 07  00 00 00 09  08 00 00 10  0A");
        assert_eq!(
            classify(&bytes),
            Gre::Malformed(GreError::Truncated {
                field: GreField::Routing,
                needed: 36,
                available: 21
            })
        );
        let unterminated = hex("40 00 08 00  00 00 00 00  08 00 00 00");
        assert_eq!(
            classify(&unterminated),
            Gre::Malformed(GreError::Truncated {
                field: GreField::Routing,
                needed: 16,
                available: 12
            })
        );
    }

    #[test]
    fn each_flag_anomaly() {
        let cases: [(u16, GreAnomalies); 4] = [
            (0x3801, GreAnomalies::STRICT_SOURCE_ROUTE),
            (0x3101, GreAnomalies::RECURSION_NONZERO),
            (0x3701, GreAnomalies::RECURSION_NONZERO),
            (0x3009, GreAnomalies::UNKNOWN_FLAGS),
        ];
        for (word, expected) in cases {
            let mut bytes = word.to_be_bytes().to_vec();
            bytes.extend(hex("88 0B 00 00 00 05 00 00 00 01"));
            let p = pptp(&bytes);
            assert_eq!(p.anomalies, expected, "flags {word:#06x}");
            assert_eq!(p.seq, Some(1));
            assert_eq!(p.call_id, 5);
        }
        let mut all = 0x3F79u16.to_be_bytes().to_vec();
        all.extend(hex("88 0B 00 00 00 05 00 00 00 01"));
        let p = pptp(&all);
        assert_eq!(
            p.anomalies,
            GreAnomalies::STRICT_SOURCE_ROUTE | GreAnomalies::RECURSION_NONZERO | GreAnomalies::UNKNOWN_FLAGS
        );
        assert_eq!(
            p.anomalies.to_string(),
            "strict_source_route, recursion_nonzero, unknown_flags"
        );
        assert_eq!(
            serde_json::to_string(&p.anomalies).unwrap(),
            r#"["strict_source_route","recursion_nonzero","unknown_flags"]"#
        );
    }

    #[test]
    fn payload_length_mismatch_both_ways() {
        // Says 2 bytes, 4 are there: cut to 2.
        let long = hex("30 01 88 0B  00 02 00 01  00 00 00 00  01 02 03 04");
        let p = pptp(&long);
        assert_eq!(p.payload, &[1, 2]);
        assert_eq!(p.payload_len, 2);
        assert_eq!(p.anomalies, GreAnomalies::TRAILING_BYTES);
        // Says 10 bytes, 4 are there: keep the 4.
        let short = hex("30 01 88 0B  00 0A 00 01  00 00 00 00  01 02 03 04");
        let p = pptp(&short);
        assert_eq!(p.payload, &[1, 2, 3, 4]);
        assert_eq!(p.payload_len, 10);
        assert_eq!(p.anomalies, GreAnomalies::PAYLOAD_TRUNCATED);
    }

    #[test]
    fn key_missing_is_malformed_pptp() {
        let bytes = hex("10 01 88 0B  00 00 00 05  01 02");
        assert_eq!(
            classify(&bytes),
            Gre::Malformed(GreError::PptpKeyMissing {
                anomalies: GreAnomalies::KEY_MISSING
            })
        );
        let with_c = hex("80 81 88 0B  00 00 00 00  00 00 00 05");
        assert_eq!(
            classify(&with_c),
            Gre::Malformed(GreError::PptpKeyMissing {
                anomalies: GreAnomalies::KEY_MISSING | GreAnomalies::CHECKSUM_PRESENT
            })
        );
    }

    #[test]
    fn truncated_headers_are_malformed_at_every_length() {
        let full = hex("B0 81 88 0B  00 00 00 00  00 2A 12 34  00 00 00 05  00 00 00 03");
        let expected_field = |len: usize| match len {
            0..=3 => (GreField::FixedHeader, 4),
            4..=7 => (GreField::ChecksumOffset, 8),
            8..=11 => (GreField::Key, 12),
            12..=15 => (GreField::SequenceNumber, 16),
            _ => (GreField::AcknowledgmentNumber, 20),
        };
        for len in 0..full.len() {
            let (field, needed) = expected_field(len);
            assert_eq!(
                classify(&full[..len]),
                Gre::Malformed(GreError::Truncated {
                    field,
                    needed,
                    available: len
                }),
                "length {len}"
            );
            let view = GrePacket::new_unchecked(&full[..len]);
            assert!(view.check_len().is_err());
            assert_eq!(view.header_len(), 0);
            assert_eq!(view.seq(), None);
            assert!(view.payload().is_empty());
        }
        assert!(matches!(classify(&full), Gre::Pptp(_)));
    }

    #[test]
    fn other_gre_kinds() {
        let cases: [(&str, (u8, u16, OtherGreKind)); 16] = [
            ("00 00 08 00 45", (0, 0x0800, OtherGreKind::PlainIpv4)),
            ("00 00 86 DD 60", (0, 0x86DD, OtherGreKind::PlainIpv6)),
            (
                "00 00 65 58 01",
                (0, 0x6558, OtherGreKind::TransparentEthernetBridging),
            ),
            ("20 00 65 58 00 00 01 00 01", (0, 0x6558, OtherGreKind::Nvgre)),
            ("00 00 88 BE 01", (0, 0x88BE, OtherGreKind::ErspanTypeI)),
            (
                "10 00 88 BE 00 00 00 01 10",
                (0, 0x88BE, OtherGreKind::ErspanTypeII),
            ),
            (
                "10 00 22 EB 00 00 00 01 20",
                (0, 0x22EB, OtherGreKind::ErspanTypeIII),
            ),
            ("00 00 00 00", (0, 0x0000, OtherGreKind::Keepalive)),
            ("00 00 08 00", (0, 0x0800, OtherGreKind::Keepalive)),
            (
                "20 00 01 01 00 00 00 01 01",
                (0, 0x0101, OtherGreKind::TunnelBonding),
            ),
            ("00 00 88 47 00", (0, 0x8847, OtherGreKind::Mpls)),
            ("00 00 88 48 00", (0, 0x8848, OtherGreKind::Mpls)),
            ("00 00 88 3E 00", (0, 0x883E, OtherGreKind::Wccp)),
            ("20 00 88 0B 00 00 00 01 FF", (0, 0x880B, OtherGreKind::Ppp)),
            ("00 00 12 34 00", (0, 0x1234, OtherGreKind::Unknown(0x1234))),
            ("30 02 88 0B", (2, 0x880B, OtherGreKind::UnknownVersion)),
        ];
        for (bytes, expected) in cases {
            assert_eq!(other(&hex(bytes)), expected, "{bytes}");
        }
        // Enhanced GRE with another protocol is not PPTP either.
        assert_eq!(
            other(&hex("30 81 08 00 00 00 00 01 00 00 00 01 00 00 00 01 45")),
            (1, 0x0800, OtherGreKind::PlainIpv4)
        );
        // Version 0 with K set (a keyed plain tunnel) is not PPTP.
        assert_eq!(
            other(&hex("20 00 08 00 00 00 00 01 45")),
            (0, 0x0800, OtherGreKind::PlainIpv4)
        );
    }

    #[test]
    fn version_zero_has_no_ack_field() {
        // Bit 8 in version 0 is a reserved flag, not A: no ack is read.
        let bytes = hex("30 80 08 00  00 00 00 01  00 00 00 02  45");
        let view = GrePacket::new_checked(&bytes[..]).unwrap();
        assert!(!view.ack_present());
        assert_eq!(view.ack(), None);
        assert_eq!(view.flags(), 0x10);
        assert_eq!(view.header_len(), 12);
        assert_eq!(view.payload(), &[0x45]);
    }

    /// The prescribed-header path takes exactly the headers it should and
    /// gives for them what the general walk gives: every combination of C,
    /// R, K, S, s and Recursion Control with A, Flags and Version values
    /// around version 1, PPP or not, the Payload Length matching, short or
    /// long, the header cut at several lengths.
    #[test]
    fn prescribed_path_agrees_with_the_general_walk() {
        let mut taken = 0;
        let payload: Vec<u8> = (0..40).collect();
        let low = [
            0x00, 0x01, 0x02, 0x07, 0x08, 0x09, 0x80, 0x81, 0x82, 0x87, 0x89, 0xF9,
        ];
        let words = (0..=0xFFu16).flat_map(|high| low.map(|l| high << 8 | l));
        for word in words {
            for (protocol, stated) in [
                (PROTOCOL_PPP, 24u16),
                (PROTOCOL_PPP, 30),
                (PROTOCOL_PPP, 20),
                (0x0800, 24),
            ] {
                let mut bytes = Vec::with_capacity(56);
                bytes.extend(word.to_be_bytes());
                bytes.extend(protocol.to_be_bytes());
                bytes.extend(stated.to_be_bytes());
                bytes.extend([0x12, 0x34]);
                bytes.extend([0, 0, 0, 9, 0, 0, 0, 8, 0, 0, 0, 0]);
                let header = 8 + 4 * usize::from(word & FLAG_S != 0) + 4 * usize::from(word & FLAG_A != 0);
                bytes.truncate(header);
                bytes.extend(&payload[..24]);
                for len in [bytes.len(), header, header.saturating_sub(1), 7, 4, 0] {
                    let cut = &bytes[..len.min(bytes.len())];
                    let general = classify_general(cut);
                    match prescribed(cut) {
                        Some(fast) => {
                            taken += 1;
                            assert_eq!(Gre::Pptp(fast), general, "{word:04x} {protocol:04x} {len}");
                        }
                        None => {
                            let eligible = word & !(FLAG_S | FLAG_A) == FLAG_K | 1
                                && protocol == PROTOCOL_PPP
                                && len >= header;
                            assert!(!eligible, "{word:04x} {protocol:04x} {len}");
                        }
                    }
                    assert_eq!(classify(cut), general);
                }
            }
        }
        // 4 flag words × 3 Payload Lengths × 2 uncut lengths (whole, header).
        assert_eq!(taken, 4 * 3 * 2);
    }

    #[test]
    fn error_messages_name_the_field() {
        let e = GreError::Truncated {
            field: GreField::SequenceNumber,
            needed: 12,
            available: 10,
        };
        assert_eq!(
            e.to_string(),
            "GRE header truncated: the sequence number needs 12 bytes, 10 captured"
        );
    }
}
