//! Capture file writers: classic pcap (microsecond or nanosecond, either
//! byte order, any link type) and pcapng (several interfaces, each with its
//! own link type and `if_tsresol`; Enhanced Packet Blocks with an optional
//! `opt_comment`; Decryption Secrets Blocks), plus deterministic gzip
//! wrapping.
//!
//! Every writer streams to an [`io::Write`]: a record is encoded and written
//! as it arrives, so a capture of any size never sits in memory.
//!
//! Formats: the classic libpcap file format (draft-ietf-opsawg-pcap) and
//! pcapng (draft-ietf-opsawg-pcapng §4.1 SHB, §4.2 IDB, §4.3 EPB, §4.7
//! DSB, §3.5 options).

use std::io::{self, Write};

use flate2::write::GzEncoder;
use flate2::{Compression, GzBuilder};

use super::{Result, SynthError};
use crate::capture::{LinkType, Timestamp};

/// Byte order of the integers in a capture file's own headers (never of the
/// packet bytes, which are always network order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    /// Least significant byte first.
    Little,
    /// Most significant byte first.
    Big,
}

impl ByteOrder {
    fn u16(self, v: u16) -> [u8; 2] {
        match self {
            ByteOrder::Little => v.to_le_bytes(),
            ByteOrder::Big => v.to_be_bytes(),
        }
    }

    fn u32(self, v: u32) -> [u8; 4] {
        match self {
            ByteOrder::Little => v.to_le_bytes(),
            ByteOrder::Big => v.to_be_bytes(),
        }
    }
}

/// Sub-second resolution of a classic pcap file, chosen by its magic number:
/// `0xA1B2C3D4` for microseconds, `0xA1B23C4D` for nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampPrecision {
    /// Fraction in microseconds.
    Microsecond,
    /// Fraction in nanoseconds.
    Nanosecond,
}

/// One frame to be written.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// Capture time. Digits finer than the file's resolution are dropped
    /// (truncated, as a capturing clock of that resolution would).
    pub ts: Timestamp,
    /// pcapng interface ID; must be 0 for classic pcap.
    pub interface: u32,
    /// The captured bytes, starting with the link-layer header.
    pub data: &'a [u8],
    /// Length on the wire; `None` means `data.len()` (nothing cut off).
    pub orig_len: Option<u32>,
    /// pcapng `opt_comment`; classic pcap cannot carry one.
    pub comment: Option<&'a str>,
}

impl<'a> Record<'a> {
    /// A complete frame on interface 0 with no comment.
    pub fn new(ts: Timestamp, data: &'a [u8]) -> Self {
        Record {
            ts,
            interface: 0,
            data,
            orig_len: None,
            comment: None,
        }
    }
}

/// Anything frames can be written to: the pcap and pcapng writers, or a
/// test double.
pub trait FrameWriter {
    /// Writes one frame record.
    fn write_frame(&mut self, record: &Record<'_>) -> Result<()>;
}

/// Parameters of a classic pcap file header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PcapHeader {
    /// The LINKTYPE_ value stored in the header's network field.
    pub link_type: LinkType,
    /// Timestamp resolution.
    pub precision: TimestampPrecision,
    /// Byte order of the headers.
    pub byte_order: ByteOrder,
    /// Largest frame the capture keeps.
    pub snaplen: u32,
}

impl Default for PcapHeader {
    /// Ethernet, microseconds, little-endian, snaplen 262144 (what tcpdump
    /// writes on x86).
    fn default() -> Self {
        PcapHeader {
            link_type: LinkType::ETHERNET,
            precision: TimestampPrecision::Microsecond,
            byte_order: ByteOrder::Little,
            snaplen: 262_144,
        }
    }
}

const PCAP_MAGIC_MICROS: u32 = 0xA1B2_C3D4;
const PCAP_MAGIC_NANOS: u32 = 0xA1B2_3C4D;

/// Streaming writer of a classic pcap file (version 2.4).
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    out: W,
    header: PcapHeader,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the 24-byte file header and returns the writer.
    pub fn new(mut out: W, header: PcapHeader) -> Result<Self> {
        let order = header.byte_order;
        let magic = match header.precision {
            TimestampPrecision::Microsecond => PCAP_MAGIC_MICROS,
            TimestampPrecision::Nanosecond => PCAP_MAGIC_NANOS,
        };
        let mut buf = Vec::with_capacity(24);
        buf.extend_from_slice(&order.u32(magic));
        buf.extend_from_slice(&order.u16(2)); // version major
        buf.extend_from_slice(&order.u16(4)); // version minor
        buf.extend_from_slice(&order.u32(0)); // thiszone
        buf.extend_from_slice(&order.u32(0)); // sigfigs
        buf.extend_from_slice(&order.u32(header.snaplen));
        buf.extend_from_slice(&order.u32(header.link_type.0));
        out.write_all(&buf)?;
        Ok(PcapWriter { out, header })
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(mut self) -> Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> FrameWriter for PcapWriter<W> {
    fn write_frame(&mut self, record: &Record<'_>) -> Result<()> {
        if record.interface != 0 {
            return Err(SynthError::Unsupported("classic pcap has a single interface (0)"));
        }
        if record.comment.is_some() {
            return Err(SynthError::Unsupported(
                "classic pcap cannot carry a frame comment",
            ));
        }
        let (secs, frac) = split_timestamp(record.ts, self.header.precision)?;
        let incl_len = record_len(record.data.len())?;
        let orig_len = record.orig_len.unwrap_or(incl_len);
        let order = self.header.byte_order;
        let mut hdr = [0u8; 16];
        hdr[0..4].copy_from_slice(&order.u32(secs));
        hdr[4..8].copy_from_slice(&order.u32(frac));
        hdr[8..12].copy_from_slice(&order.u32(incl_len));
        hdr[12..16].copy_from_slice(&order.u32(orig_len));
        self.out.write_all(&hdr)?;
        self.out.write_all(record.data)?;
        Ok(())
    }
}

/// Seconds and the sub-second count in the file's unit.
fn split_timestamp(ts: Timestamp, precision: TimestampPrecision) -> Result<(u32, u32)> {
    let out_of_range = SynthError::TimestampOutOfRange {
        secs: ts.secs,
        nanos: ts.nanos,
    };
    let secs = u32::try_from(ts.secs).map_err(|_| out_of_range)?;
    if ts.nanos >= 1_000_000_000 {
        return Err(SynthError::TimestampOutOfRange {
            secs: ts.secs,
            nanos: ts.nanos,
        });
    }
    let frac = match precision {
        TimestampPrecision::Microsecond => ts.nanos / 1000,
        TimestampPrecision::Nanosecond => ts.nanos,
    };
    Ok((secs, frac))
}

fn record_len(len: usize) -> Result<u32> {
    u32::try_from(len).map_err(|_| SynthError::TooLong {
        what: "frame",
        len,
        max: u32::MAX as usize,
    })
}

/// One pcapng interface as described by its Interface Description Block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceDescription {
    /// LINKTYPE_ value of its frames.
    pub link_type: LinkType,
    /// Largest frame the interface keeps.
    pub snaplen: u32,
    /// The `if_tsresol` byte: bit 7 clear means 10^-n seconds, set means
    /// 2^-n (n in the low 7 bits). 6 (microseconds) is the pcapng default
    /// and is not written as an option.
    pub tsresol: u8,
    /// `if_name`, when given.
    pub name: Option<String>,
}

impl InterfaceDescription {
    /// An interface of `link_type` with microsecond timestamps, snaplen
    /// 262144 and no name.
    pub fn new(link_type: LinkType) -> Self {
        InterfaceDescription {
            link_type,
            snaplen: 262_144,
            tsresol: 6,
            name: None,
        }
    }
}

const BLOCK_SHB: u32 = 0x0A0D_0D0A;
const BLOCK_IDB: u32 = 0x0000_0001;
const BLOCK_EPB: u32 = 0x0000_0006;
const BLOCK_DSB: u32 = 0x0000_000A;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
const OPT_ENDOFOPT: u16 = 0;
const OPT_COMMENT: u16 = 1;
const SHB_USERAPPL: u16 = 4;
const IF_NAME: u16 = 2;
const IF_TSRESOL: u16 = 9;

/// Streaming writer of a pcapng file with one section.
#[derive(Debug)]
pub struct PcapngWriter<W: Write> {
    out: W,
    order: ByteOrder,
    /// `if_tsresol` of every interface described so far, by interface ID.
    interfaces: Vec<u8>,
}

impl<W: Write> PcapngWriter<W> {
    /// Writes the Section Header Block (section length unknown, -1), with a
    /// `shb_userappl` option when `user_application` is given.
    pub fn new(mut out: W, order: ByteOrder, user_application: Option<&str>) -> Result<Self> {
        let mut body = Vec::new();
        body.extend_from_slice(&order.u32(BYTE_ORDER_MAGIC));
        body.extend_from_slice(&order.u16(1)); // major
        body.extend_from_slice(&order.u16(0)); // minor
        body.extend_from_slice(&[0xFF; 8]); // section length: not given
        let mut options = Vec::new();
        if let Some(app) = user_application {
            push_option(&mut options, order, SHB_USERAPPL, app.as_bytes())?;
        }
        finish_options(&mut body, options, order);
        write_block(&mut out, order, BLOCK_SHB, &body)?;
        Ok(PcapngWriter {
            out,
            order,
            interfaces: Vec::new(),
        })
    }

    /// Writes an Interface Description Block and returns the new
    /// interface's ID (0, 1, … in the order described).
    pub fn add_interface(&mut self, desc: &InterfaceDescription) -> Result<u32> {
        let order = self.order;
        let link = u16::try_from(desc.link_type.0)
            .map_err(|_| SynthError::Unsupported("pcapng link types are 16-bit"))?;
        tsresol_units_per_sec(desc.tsresol)?;
        let mut body = Vec::new();
        body.extend_from_slice(&order.u16(link));
        body.extend_from_slice(&order.u16(0)); // reserved
        body.extend_from_slice(&order.u32(desc.snaplen));
        let mut options = Vec::new();
        if let Some(name) = &desc.name {
            push_option(&mut options, order, IF_NAME, name.as_bytes())?;
        }
        if desc.tsresol != 6 {
            push_option(&mut options, order, IF_TSRESOL, &[desc.tsresol])?;
        }
        finish_options(&mut body, options, order);
        write_block(&mut self.out, order, BLOCK_IDB, &body)?;
        let id = u32::try_from(self.interfaces.len())
            .map_err(|_| SynthError::Unsupported("too many pcapng interfaces"))?;
        self.interfaces.push(desc.tsresol);
        Ok(id)
    }

    /// Writes a Decryption Secrets Block (draft-ietf-opsawg-pcapng §4.7):
    /// Secrets Type, Secrets Length, the secrets padded to 32 bits, no
    /// options. Readers apply secrets to the packets that follow the block,
    /// so it belongs before the first packet that needs it.
    pub fn add_decryption_secrets(&mut self, secrets_type: u32, secrets: &[u8]) -> Result<()> {
        let order = self.order;
        let len = u32::try_from(secrets.len()).map_err(|_| SynthError::TooLong {
            what: "decryption secrets",
            len: secrets.len(),
            max: u32::MAX as usize,
        })?;
        let mut body = Vec::with_capacity(8 + secrets.len() + 3);
        body.extend_from_slice(&order.u32(secrets_type));
        body.extend_from_slice(&order.u32(len));
        body.extend_from_slice(secrets);
        pad_to_4(&mut body);
        write_block(&mut self.out, order, BLOCK_DSB, &body)
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(mut self) -> Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Secrets Type of a Decryption Secrets Block holding a TLS key log in the
/// NSS key log format ("TLSK", draft-ietf-opsawg-pcapng §4.7).
pub const SECRETS_TYPE_TLS_KEY_LOG: u32 = 0x544C_534B;

impl<W: Write> FrameWriter for PcapngWriter<W> {
    /// Writes an Enhanced Packet Block.
    fn write_frame(&mut self, record: &Record<'_>) -> Result<()> {
        let order = self.order;
        let tsresol = usize::try_from(record.interface)
            .ok()
            .and_then(|i| self.interfaces.get(i).copied())
            .ok_or(SynthError::UnknownInterface(record.interface))?;
        let units = timestamp_units(record.ts, tsresol)?;
        let cap_len = record_len(record.data.len())?;
        let orig_len = record.orig_len.unwrap_or(cap_len);
        let mut body = Vec::with_capacity(20 + record.data.len() + 8);
        body.extend_from_slice(&order.u32(record.interface));
        body.extend_from_slice(&order.u32((units >> 32) as u32));
        body.extend_from_slice(&order.u32(units as u32));
        body.extend_from_slice(&order.u32(cap_len));
        body.extend_from_slice(&order.u32(orig_len));
        body.extend_from_slice(record.data);
        pad_to_4(&mut body);
        let mut options = Vec::new();
        if let Some(comment) = record.comment {
            push_option(&mut options, order, OPT_COMMENT, comment.as_bytes())?;
        }
        finish_options(&mut body, options, order);
        write_block(&mut self.out, order, BLOCK_EPB, &body)
    }
}

/// Units per second for an `if_tsresol` byte.
fn tsresol_units_per_sec(tsresol: u8) -> Result<u64> {
    let exponent = u32::from(tsresol & 0x7F);
    let units = if tsresol & 0x80 == 0 {
        10u64.checked_pow(exponent)
    } else {
        2u64.checked_pow(exponent)
    };
    units.ok_or(SynthError::Unsupported(
        "if_tsresol finer than a 64-bit timestamp can count",
    ))
}

/// A timestamp as a count of the interface's units since the epoch.
fn timestamp_units(ts: Timestamp, tsresol: u8) -> Result<u64> {
    let out_of_range = || SynthError::TimestampOutOfRange {
        secs: ts.secs,
        nanos: ts.nanos,
    };
    let secs = u128::try_from(ts.secs).map_err(|_| out_of_range())?;
    if ts.nanos >= 1_000_000_000 {
        return Err(out_of_range());
    }
    let per_sec = u128::from(tsresol_units_per_sec(tsresol)?);
    let units = secs * per_sec + u128::from(ts.nanos) * per_sec / 1_000_000_000;
    u64::try_from(units).map_err(|_| out_of_range())
}

fn pad_to_4(buf: &mut Vec<u8>) {
    while buf.len() % 4 != 0 {
        buf.push(0);
    }
}

/// Appends one option (code, length, value padded to 32 bits).
fn push_option(options: &mut Vec<u8>, order: ByteOrder, code: u16, value: &[u8]) -> Result<()> {
    let len = u16::try_from(value.len()).map_err(|_| SynthError::TooLong {
        what: "pcapng option value",
        len: value.len(),
        max: usize::from(u16::MAX),
    })?;
    options.extend_from_slice(&order.u16(code));
    options.extend_from_slice(&order.u16(len));
    options.extend_from_slice(value);
    pad_to_4(options);
    Ok(())
}

/// Appends the options and their `opt_endofopt`, if there are any.
fn finish_options(body: &mut Vec<u8>, options: Vec<u8>, order: ByteOrder) {
    if !options.is_empty() {
        body.extend_from_slice(&options);
        body.extend_from_slice(&order.u16(OPT_ENDOFOPT));
        body.extend_from_slice(&order.u16(0));
    }
}

/// Writes a block: type, total length, body, total length again.
fn write_block<W: Write>(out: &mut W, order: ByteOrder, block_type: u32, body: &[u8]) -> Result<()> {
    let total = body.len().checked_add(12).and_then(|n| u32::try_from(n).ok());
    let total = total.ok_or(SynthError::TooLong {
        what: "pcapng block",
        len: body.len(),
        max: u32::MAX as usize - 12,
    })?;
    out.write_all(&order.u32(block_type))?;
    out.write_all(&order.u32(total))?;
    out.write_all(body)?;
    out.write_all(&order.u32(total))?;
    Ok(())
}

/// The gzip compression level used for every generated `.gz` capture.
/// Fixed so that output is byte-for-byte reproducible.
pub const GZIP_LEVEL: u32 = 6;

/// Wraps `out` in a gzip stream with a reproducible header: no file name,
/// no modification time (0), operating system "unknown" (255), level
/// [`GZIP_LEVEL`]. Call `finish()` on the result to write the trailer.
pub fn gzip<W: Write>(out: W) -> GzEncoder<W> {
    GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(out, Compression::new(GZIP_LEVEL))
}

/// Compresses a whole buffer with [`gzip`].
pub fn gzip_bytes(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut enc = gzip(Vec::new());
    enc.write_all(data)?;
    enc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    const TS: Timestamp = Timestamp::new(1_768_467_600, 123_456_789);

    #[test]
    fn pcap_little_endian_microseconds() {
        let mut w = PcapWriter::new(Vec::new(), PcapHeader::default()).unwrap();
        w.write_frame(&Record::new(TS, &[0xAA, 0xBB, 0xCC])).unwrap();
        let bytes = w.into_inner().unwrap();
        let expected: Vec<u8> = [
            // global header
            &[0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0][..],
            &[0, 0, 0, 0, 0, 0, 0, 0],
            &[0x00, 0x00, 0x04, 0x00, 1, 0, 0, 0],
            // record: 0x6968AC90 s, 123456 us (0x0001E240), 3, 3
            &[0x90, 0xAC, 0x68, 0x69, 0x40, 0xE2, 0x01, 0x00],
            &[3, 0, 0, 0, 3, 0, 0, 0],
            &[0xAA, 0xBB, 0xCC],
        ]
        .concat();
        assert_eq!(bytes, expected);
    }

    #[test]
    fn pcap_big_endian_nanoseconds_with_orig_len() {
        let header = PcapHeader {
            link_type: LinkType::RAW,
            precision: TimestampPrecision::Nanosecond,
            byte_order: ByteOrder::Big,
            snaplen: 65_535,
        };
        let mut w = PcapWriter::new(Vec::new(), header).unwrap();
        let mut rec = Record::new(TS, &[0x45]);
        rec.orig_len = Some(1500);
        w.write_frame(&rec).unwrap();
        let bytes = w.into_inner().unwrap();
        let expected: Vec<u8> = [
            &[0xA1, 0xB2, 0x3C, 0x4D, 0, 2, 0, 4][..],
            &[0, 0, 0, 0, 0, 0, 0, 0],
            &[0, 0, 0xFF, 0xFF, 0, 0, 0, 101],
            &[0x69, 0x68, 0xAC, 0x90, 0x07, 0x5B, 0xCD, 0x15],
            &[0, 0, 0, 1, 0, 0, 0x05, 0xDC],
            &[0x45],
        ]
        .concat();
        assert_eq!(bytes, expected);
    }

    #[test]
    fn pcap_rejects_what_it_cannot_store() {
        let mut w = PcapWriter::new(Vec::new(), PcapHeader::default()).unwrap();
        let mut rec = Record::new(TS, &[1]);
        rec.comment = Some("x");
        assert!(matches!(w.write_frame(&rec), Err(SynthError::Unsupported(_))));
        let mut rec = Record::new(TS, &[1]);
        rec.interface = 1;
        assert!(matches!(w.write_frame(&rec), Err(SynthError::Unsupported(_))));
        let rec = Record::new(Timestamp::new(-1, 0), &[1]);
        assert!(matches!(
            w.write_frame(&rec),
            Err(SynthError::TimestampOutOfRange { secs: -1, nanos: 0 })
        ));
        let rec = Record::new(Timestamp::new(1 << 32, 0), &[1]);
        assert!(matches!(
            w.write_frame(&rec),
            Err(SynthError::TimestampOutOfRange { .. })
        ));
        // Nothing but the header was written.
        assert_eq!(w.into_inner().unwrap().len(), 24);
    }

    #[test]
    fn pcapng_blocks_byte_for_byte() {
        let mut w = PcapngWriter::new(Vec::new(), ByteOrder::Little, Some("ts")).unwrap();
        let eth = w
            .add_interface(&InterfaceDescription::new(LinkType::ETHERNET))
            .unwrap();
        let raw = w
            .add_interface(&InterfaceDescription {
                link_type: LinkType::RAW,
                snaplen: 65_535,
                tsresol: 9,
                name: Some("tun0".into()),
            })
            .unwrap();
        assert_eq!((eth, raw), (0, 1));
        let mut rec = Record::new(TS, &[0x45, 0x00, 0x00, 0x14, 0xEE]);
        rec.interface = 1;
        rec.comment = Some("hello");
        w.write_frame(&rec).unwrap();
        w.write_frame(&Record::new(TS, &[1, 2, 3, 4])).unwrap();
        let bytes = w.into_inner().unwrap();

        let shb: Vec<u8> = [
            &[0x0A, 0x0D, 0x0D, 0x0A, 40, 0, 0, 0][..],
            &[0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0],
            &[0xFF; 8],
            &[4, 0, 2, 0, b't', b's', 0, 0],
            &[0, 0, 0, 0],
            &[40, 0, 0, 0],
        ]
        .concat();
        let idb0: Vec<u8> = [
            &[1, 0, 0, 0, 20, 0, 0, 0][..],
            &[1, 0, 0, 0, 0x00, 0x00, 0x04, 0x00],
            &[20, 0, 0, 0],
        ]
        .concat();
        let idb1: Vec<u8> = [
            &[1, 0, 0, 0, 40, 0, 0, 0][..],
            &[101, 0, 0, 0, 0xFF, 0xFF, 0, 0],
            &[2, 0, 4, 0, b't', b'u', b'n', b'0'],
            &[9, 0, 1, 0, 9, 0, 0, 0],
            &[0, 0, 0, 0],
            &[40, 0, 0, 0],
        ]
        .concat();
        // 1768467600.123456789 s in ns = 0x188ADBE9_9E256D15
        let epb0: Vec<u8> = [
            &[6, 0, 0, 0, 56, 0, 0, 0][..],
            &[1, 0, 0, 0],
            &[0xE9, 0xDB, 0x8A, 0x18, 0x15, 0x6D, 0x25, 0x9E],
            &[5, 0, 0, 0, 5, 0, 0, 0],
            &[0x45, 0x00, 0x00, 0x14, 0xEE, 0, 0, 0],
            &[1, 0, 5, 0, b'h', b'e', b'l', b'l', b'o', 0, 0, 0],
            &[0, 0, 0, 0],
            &[56, 0, 0, 0],
        ]
        .concat();
        // In microseconds: 1768467600123456 = 0x00064869_731A2640
        let epb1: Vec<u8> = [
            &[6, 0, 0, 0, 36, 0, 0, 0][..],
            &[0, 0, 0, 0],
            &[0x69, 0x48, 0x06, 0x00, 0x40, 0x26, 0x1A, 0x73],
            &[4, 0, 0, 0, 4, 0, 0, 0],
            &[1, 2, 3, 4],
            &[36, 0, 0, 0],
        ]
        .concat();
        assert_eq!(bytes, [shb, idb0, idb1, epb0, epb1].concat());
    }

    #[test]
    fn pcapng_decryption_secrets_block() {
        let mut w = PcapngWriter::new(Vec::new(), ByteOrder::Little, None).unwrap();
        w.add_decryption_secrets(SECRETS_TYPE_TLS_KEY_LOG, b"CLIENT_RANDOM a b\n")
            .unwrap();
        let bytes = w.into_inner().unwrap();
        // After the 28-byte SHB: type 0x0A, total length 12 + 8 + 20, the
        // type "TLSK" (0x544C534B), 18 bytes of secrets, 2 bytes padding.
        let dsb: Vec<u8> = [
            &[0x0A, 0, 0, 0, 40, 0, 0, 0][..],
            &[0x4B, 0x53, 0x4C, 0x54, 18, 0, 0, 0],
            b"CLIENT_RANDOM a b\n",
            &[0, 0],
            &[40, 0, 0, 0],
        ]
        .concat();
        assert_eq!(bytes.get(28..), Some(&dsb[..]));
        let mut w = PcapngWriter::new(Vec::new(), ByteOrder::Big, None).unwrap();
        w.add_decryption_secrets(SECRETS_TYPE_TLS_KEY_LOG, b"abcd")
            .unwrap();
        let bytes = w.into_inner().unwrap();
        assert_eq!(
            bytes.get(28..),
            Some(
                &[
                    0, 0, 0, 0x0A, 0, 0, 0, 24, b'T', b'L', b'S', b'K', 0, 0, 0, 4, b'a', b'b', b'c', b'd',
                    0, 0, 0, 24
                ][..]
            )
        );
    }

    #[test]
    fn pcapng_rejects_unknown_interface() {
        let mut w = PcapngWriter::new(Vec::new(), ByteOrder::Big, None).unwrap();
        let rec = Record::new(TS, &[1]);
        assert!(matches!(
            w.write_frame(&rec),
            Err(SynthError::UnknownInterface(0))
        ));
    }

    #[test]
    fn pcapng_binary_resolution() {
        // 2^-10 s units: 0.5 s is 512 units.
        assert_eq!(
            timestamp_units(Timestamp::new(1, 500_000_000), 0x80 | 10).unwrap(),
            1024 + 512
        );
        assert!(tsresol_units_per_sec(20).is_err());
        assert_eq!(tsresol_units_per_sec(19).unwrap(), 10u64.pow(19));
    }

    #[test]
    fn pcapng_big_endian_reads_back_with_pcap_parser() {
        use pcap_parser::traits::PcapReaderIterator;
        use pcap_parser::{PcapBlockOwned, PcapError, PcapNGReader};
        let mut w = PcapngWriter::new(Vec::new(), ByteOrder::Big, None).unwrap();
        w.add_interface(&InterfaceDescription {
            tsresol: 9,
            ..InterfaceDescription::new(LinkType::RAW)
        })
        .unwrap();
        let mut rec = Record::new(TS, &[9, 8, 7]);
        rec.comment = Some("c");
        w.write_frame(&rec).unwrap();
        let bytes = w.into_inner().unwrap();
        let mut reader = PcapNGReader::new(65536, &bytes[..]).unwrap();
        let mut kinds = Vec::new();
        loop {
            match reader.next() {
                Ok((offset, block)) => {
                    if let PcapBlockOwned::NG(b) = block {
                        kinds.push(match b {
                            pcap_parser::Block::SectionHeader(s) => {
                                assert!(s.big_endian());
                                "shb"
                            }
                            pcap_parser::Block::InterfaceDescription(i) => {
                                assert_eq!(i.linktype, pcap_parser::Linktype(101));
                                "idb"
                            }
                            pcap_parser::Block::EnhancedPacket(e) => {
                                assert_eq!(e.caplen, 3);
                                assert_eq!(e.data.get(..3), Some(&[9u8, 8, 7][..]));
                                assert_eq!(e.ts_high, 0x188A_DBE9);
                                assert_eq!(e.ts_low, 0x9E25_6D15);
                                "epb"
                            }
                            _ => "other",
                        });
                    }
                    reader.consume(offset);
                }
                Err(PcapError::Eof) => break,
                Err(PcapError::Incomplete(_)) => reader.refill().unwrap(),
                Err(e) => panic!("{e:?}"),
            }
        }
        assert_eq!(kinds, ["shb", "idb", "epb"]);
    }

    #[test]
    fn gzip_is_reproducible_and_round_trips() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        let a = gzip_bytes(&data).unwrap();
        let b = gzip_bytes(&data).unwrap();
        assert_eq!(a, b);
        // Header: magic, deflate, no flags, mtime 0, XFL 0, OS 255.
        assert_eq!(a.get(..10).unwrap(), &[0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255]);
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&a[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, data);
    }
}
