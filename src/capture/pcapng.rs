//! pcapng blocks (draft-ietf-opsawg-pcapng) as they come out of
//! pcap-parser's `PcapNGReader`: sections, interfaces with their own link
//! type and time stamp resolution, and the three packet blocks.
//!
//! The obsolete Packet Block (type 2, §A of the draft) is not parsed by
//! pcap-parser (it comes out as an unknown block) and is read here by hand.

use nom::bytes::complete::take;
use nom::number::complete::{u16 as nom_u16, u32 as nom_u32};
use nom::number::Endianness;
use nom::{IResult, Parser};
use pcap_parser::pcapng::{Block, InterfaceDescriptionBlock, OptionCode};
use pcap_parser::traits::PcapNGPacketBlock;
use pcap_parser::PcapBlockOwned;

use super::reader::{
    bounded_text, caplen_limit, read_u32, Collector, FrameSink, RecordFormat, MAX_INTERFACES,
    MAX_RECORD_BYTES,
};
use super::{InterfaceInfo, LinkType, Timestamp};

const SHB_TYPE: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];
const IDB: u32 = 1;
const OBSOLETE_PACKET_BLOCK: u32 = 2;
const SPB: u32 = 3;
const EPB: u32 = 6;
/// Bytes of an interface name kept (`if_name`, cut at a character boundary).
const MAX_NAME_BYTES: usize = 256;

/// Option codes (§4.2 and §4.6 of the draft).
const OPT_COMMENT: u16 = 1;
const IF_NAME: u16 = 2;
const IF_TSRESOL: u16 = 9;
const IF_TSOFFSET: u16 = 14;

/// Total length of the Section Header Block at the start of a pcapng file,
/// read in the byte order its Byte-Order Magic gives (§4.1); `None` when
/// fewer than 12 bytes are there or the Byte-Order Magic is wrong.
pub(super) fn section_header_len(first: &[u8]) -> Option<usize> {
    let big_endian = match first.get(8..12)? {
        [0x4d, 0x3c, 0x2b, 0x1a] => false,
        [0x1a, 0x2b, 0x3c, 0x4d] => true,
        _ => return None,
    };
    usize::try_from(read_u32(first, 4, big_endian)?).ok()
}

/// `if_tsresol` (§4.2): the unit of an interface's time stamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TsResolution {
    /// 10^-n seconds (most significant bit clear); n ≤ 19 fits in 64 bits.
    Decimal(u8),
    /// 2^-n seconds (most significant bit set); n ≤ 63.
    Binary(u8),
}

impl TsResolution {
    /// The default when an interface has no `if_tsresol`: microseconds.
    pub(super) const MICROSECONDS: TsResolution = TsResolution::Decimal(6);

    /// Reads the option's byte; `None` for a unit too fine for 64 bits.
    pub(super) fn from_option(value: u8) -> Option<Self> {
        let n = value & 0x7f;
        if value & 0x80 == 0 {
            (n <= 19).then_some(TsResolution::Decimal(n))
        } else {
            (n <= 63).then_some(TsResolution::Binary(n))
        }
    }

    /// The resolution as a power of ten (a binary one rounded to the
    /// power of ten it reaches: 2^-20 s → 6).
    pub(super) fn digits(self) -> u8 {
        match self {
            TsResolution::Decimal(n) => n,
            // floor(n · log10 2)
            TsResolution::Binary(n) => u8::try_from(u32::from(n) * 30_103 / 100_000).unwrap_or(0),
        }
    }

    /// Splits a count of units into whole seconds and nanoseconds (cut, not
    /// rounded, as Wireshark does). A unit that `from_option` would refuse
    /// gives (0, 0).
    pub(super) fn split(self, units: u64) -> (u64, u32) {
        let (secs, nanos) = match self {
            TsResolution::Decimal(n) => {
                let Some(per_second) = 10u64.checked_pow(u32::from(n)) else {
                    return (0, 0);
                };
                let fraction = units % per_second;
                let nanos = if n <= 9 {
                    fraction * 10u64.pow(9 - u32::from(n))
                } else {
                    fraction / 10u64.pow(u32::from(n) - 9)
                };
                (units / per_second, nanos)
            }
            TsResolution::Binary(n) => {
                let Some(per_second) = 1u64.checked_shl(u32::from(n)).filter(|&p| p != 0) else {
                    return (0, 0);
                };
                let fraction = units & (per_second - 1);
                let nanos = (u128::from(fraction) * 1_000_000_000) >> n;
                (units >> n, u64::try_from(nanos).unwrap_or(0))
            }
        };
        (secs, u32::try_from(nanos).unwrap_or(0))
    }
}

/// One interface of the current section.
#[derive(Debug, Clone)]
struct Interface {
    /// Index in the summary's interface list (unique over all sections,
    /// like Wireshark's `frame.interface_id`).
    global: u32,
    link: LinkType,
    resolution: TsResolution,
    /// `if_tsoffset`: seconds added to every time stamp.
    offset: i64,
    snaplen: u32,
    max_caplen: u32,
}

impl Interface {
    fn timestamp(&self, high: u32, low: u32) -> Timestamp {
        let units = (u64::from(high) << 32) | u64::from(low);
        let (secs, nanos) = self.resolution.split(units);
        let secs = i64::try_from(secs).unwrap_or(i64::MAX);
        Timestamp::new(secs.saturating_add(self.offset), nanos)
    }
}

/// pcapng reading state: the current section's byte order and interfaces,
/// and counts of what was passed over.
#[derive(Debug, Default)]
pub(super) struct PcapngFormat {
    big_endian: bool,
    section: Vec<Interface>,
    non_packet_records: u64,
    malformed_skipped: u64,
    bad_tsresol: u64,
    names_cut: u64,
}

impl PcapngFormat {
    fn endianness(&self) -> Endianness {
        if self.big_endian {
            Endianness::Big
        } else {
            Endianness::Little
        }
    }

    /// A block type as written in the current section's byte order.
    fn native(&self, raw_le: u32) -> u32 {
        if self.big_endian {
            raw_le.swap_bytes()
        } else {
            raw_le
        }
    }

    fn interface(&self, id: u32) -> Result<&Interface, String> {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.section.get(i))
            .ok_or_else(|| {
                format!(
                    "a packet names interface {id}, but its section declares only {}",
                    self.section.len()
                )
            })
    }

    fn describe_interface<F: FrameSink + ?Sized>(
        &mut self,
        idb: &InterfaceDescriptionBlock<'_>,
        out: &mut Collector<'_, F>,
    ) -> Result<(), String> {
        if out.interfaces.len() >= MAX_INTERFACES {
            return Err(format!("more than {MAX_INTERFACES} interfaces"));
        }
        let mut tsresol = None;
        let mut offset = 0i64;
        let mut name = None;
        for option in &idb.options {
            let Ok(value) = option.as_bytes() else {
                continue;
            };
            match option.code.0 {
                IF_NAME if name.is_none() => {
                    let (text, cut) = bounded_text(value, MAX_NAME_BYTES);
                    if cut {
                        self.names_cut += 1;
                    }
                    name = Some(text);
                }
                IF_TSRESOL => tsresol = value.first().copied(),
                IF_TSOFFSET => {
                    if let Ok(raw) = <[u8; 8]>::try_from(value) {
                        offset = if self.big_endian {
                            i64::from_be_bytes(raw)
                        } else {
                            i64::from_le_bytes(raw)
                        };
                    }
                }
                _ => {}
            }
        }
        let resolution = match tsresol {
            None => TsResolution::MICROSECONDS,
            Some(value) => TsResolution::from_option(value).unwrap_or_else(|| {
                self.bad_tsresol += 1;
                TsResolution::MICROSECONDS
            }),
        };
        // The 16-bit LinkType field, widened to i32 by pcap-parser.
        let link = LinkType(u32::try_from(idb.linktype.0).unwrap_or(0));
        let global = u32::try_from(out.interfaces.len()).unwrap_or(u32::MAX);
        out.interfaces.push(InterfaceInfo {
            index: global,
            link_type: link.0,
            link_type_name: link.name(),
            name,
            ts_resolution_digits: resolution.digits(),
            snaplen: idb.snaplen,
        });
        self.section.push(Interface {
            global,
            link,
            resolution,
            offset,
            snaplen: idb.snaplen,
            max_caplen: caplen_limit(idb.snaplen),
        });
        Ok(())
    }

    /// Delivers the packet of an Enhanced Packet Block; returns its frame
    /// number.
    #[inline]
    fn enhanced_packet<F: FrameSink + ?Sized>(
        &self,
        if_id: u32,
        ts_high: u32,
        ts_low: u32,
        data: &[u8],
        orig_len: u32,
        out: &mut Collector<'_, F>,
    ) -> Result<u64, String> {
        let iface = self.interface(if_id)?;
        let caplen = u32::try_from(data.len()).unwrap_or(u32::MAX);
        if caplen > iface.max_caplen {
            return Err(untrusted(caplen, iface));
        }
        let ts = iface.timestamp(ts_high, ts_low);
        Ok(out.packet(Some(ts), iface.link, iface.global, data, orig_len))
    }

    /// The obsolete Packet Block: Interface ID u16, Drops Count u16,
    /// Timestamp (high, low) u32 ×2, Captured Len u32, Packet Len u32,
    /// data padded to 32 bits, options.
    fn obsolete_packet<F: FrameSink + ?Sized>(
        &self,
        body: &[u8],
        out: &mut Collector<'_, F>,
    ) -> Result<(), String> {
        let malformed = || "malformed obsolete Packet Block".to_string();
        let (_, block) = parse_obsolete_packet(body, self.endianness()).map_err(|_| malformed())?;
        let iface = self.interface(u32::from(block.interface_id))?;
        if block.caplen > iface.max_caplen {
            return Err(untrusted(block.caplen, iface));
        }
        let ts = iface.timestamp(block.ts_high, block.ts_low);
        let number = out.packet(Some(ts), iface.link, iface.global, block.data, block.orig_len);
        for_each_comment(block.options, self.endianness(), |text| out.comment(number, text));
        Ok(())
    }

    /// Adds the counts of what was passed over to the summary's warnings.
    pub(super) fn finish<F: FrameSink + ?Sized>(&self, out: &mut Collector<'_, F>) {
        if self.non_packet_records > 0 {
            out.warnings.push(format!(
                "{} records hold no packet (systemd journal entries or custom blocks); \
                 they are numbered as Wireshark numbers them but not analysed",
                self.non_packet_records
            ));
        }
        if self.malformed_skipped > 0 {
            out.warnings.push(format!(
                "{} malformed non-packet blocks skipped",
                self.malformed_skipped
            ));
        }
        if self.bad_tsresol > 0 {
            out.warnings.push(format!(
                "{} interfaces give an impossible if_tsresol; microseconds assumed",
                self.bad_tsresol
            ));
        }
        if self.names_cut > 0 {
            out.warnings.push(format!(
                "{} interface names cut to {MAX_NAME_BYTES} bytes",
                self.names_cut
            ));
        }
    }
}

fn untrusted(caplen: u32, iface: &Interface) -> String {
    format!(
        "a packet claims {caplen} captured bytes, more than the {} believed for \
         snapshot length {}; corrupt data",
        iface.max_caplen, iface.snaplen
    )
}

fn block_name(block_type: u32) -> &'static str {
    match block_type {
        0x0a0d_0d0a => "Section Header Block",
        IDB => "Interface Description Block",
        OBSOLETE_PACKET_BLOCK => "obsolete Packet Block",
        SPB => "Simple Packet Block",
        EPB => "Enhanced Packet Block",
        _ => "block",
    }
}

impl RecordFormat for PcapngFormat {
    /// Enhanced Packet Blocks (§4.3) are read here rather than by
    /// pcap-parser, whose parser collects the options of every block into a
    /// `Vec` (an allocation per packet as soon as a capture tool writes
    /// `epb_flags`). Anything irregular is left to pcap-parser, which then
    /// reports it exactly as for other blocks.
    #[inline]
    fn fast<F: FrameSink + ?Sized>(
        &mut self,
        front: &[u8],
        out: &mut Collector<'_, F>,
    ) -> Option<Result<usize, String>> {
        const HEADER: usize = 28;
        if read_u32(front, 0, self.big_endian)? != EPB {
            return None;
        }
        let len = usize::try_from(read_u32(front, 4, self.big_endian)?).ok()?;
        if len < HEADER + 4 || len % 4 != 0 {
            return None;
        }
        let block = front.get(..len)?;
        if read_u32(block, len - 4, self.big_endian)? != u32::try_from(len).ok()? {
            return None;
        }
        let field = |at| read_u32(block, at, self.big_endian);
        let (if_id, ts_high, ts_low, caplen, orig_len) =
            (field(8)?, field(12)?, field(16)?, field(20)?, field(24)?);
        let data_end = HEADER.checked_add(usize::try_from(caplen).ok()?)?;
        let options_start = data_end.checked_add(usize::try_from(padding(caplen)).ok()?)?;
        let data = block.get(HEADER..data_end)?;
        let options = block.get(options_start..len - 4)?;
        let number = match self.enhanced_packet(if_id, ts_high, ts_low, data, orig_len, out) {
            Ok(number) => number,
            Err(why) => return Some(Err(why)),
        };
        for_each_comment(options, self.endianness(), |text| out.comment(number, text));
        Some(Ok(len))
    }

    fn block<F: FrameSink + ?Sized>(
        &mut self,
        block: PcapBlockOwned<'_>,
        out: &mut Collector<'_, F>,
    ) -> Result<(), String> {
        let block = match block {
            PcapBlockOwned::NG(block) => block,
            _ => return Err("a pcap record inside a pcapng file".to_string()),
        };
        match block {
            Block::EnhancedPacket(epb) => {
                let number = self.enhanced_packet(
                    epb.if_id,
                    epb.ts_high,
                    epb.ts_low,
                    epb.packet_data(),
                    epb.origlen,
                    out,
                )?;
                for option in &epb.options {
                    if option.code == OptionCode::Comment {
                        if let Ok(text) = option.as_bytes() {
                            out.comment(number, text);
                        }
                    }
                }
            }
            Block::SimplePacket(spb) => {
                // A Simple Packet Block belongs to the section's first
                // interface and carries no time stamp (§4.4).
                let iface = self.interface(0)?;
                let mut data = spb.packet_data();
                if iface.snaplen != 0 {
                    let snaplen = usize::try_from(iface.snaplen).unwrap_or(usize::MAX);
                    data = data.get(..snaplen).unwrap_or(data);
                }
                let caplen = u32::try_from(data.len()).unwrap_or(u32::MAX);
                if caplen > iface.max_caplen {
                    return Err(untrusted(caplen, iface));
                }
                out.packet(None, iface.link, iface.global, data, spb.origlen);
            }
            Block::Unknown(unknown) if self.native(unknown.block_type) == OBSOLETE_PACKET_BLOCK => {
                self.obsolete_packet(unknown.data, out)?;
            }
            Block::SectionHeader(shb) => {
                // Interface numbers start again in every section (§4.1).
                self.big_endian = shb.big_endian();
                self.section.clear();
            }
            Block::InterfaceDescription(idb) => self.describe_interface(&idb, out)?,
            // Wireshark lists these as frames of their own.
            Block::SystemdJournalExport(_) | Block::Custom(_) => {
                out.non_packet_record();
                self.non_packet_records += 1;
            }
            Block::DecryptionSecrets(dsb) => {
                let len = usize::try_from(dsb.secrets_len).unwrap_or(usize::MAX);
                out.secrets(dsb.secrets_type.0, dsb.data.get(..len).unwrap_or(dsb.data));
            }
            Block::NameResolution(_)
            | Block::InterfaceStatistics(_)
            | Block::ProcessInformation(_)
            | Block::Unknown(_) => {}
        }
        Ok(())
    }

    fn record_len(&self, front: &[u8]) -> Result<Option<usize>, String> {
        let big_endian = match front.get(..4) {
            None => return Ok(None),
            // A new section may change the byte order.
            Some(t) if t == SHB_TYPE => match front.get(8..12) {
                None => return Ok(None),
                Some(bom) => bom == [0x1a, 0x2b, 0x3c, 0x4d],
            },
            Some(_) => self.big_endian,
        };
        let Some(len) = read_u32(front, 4, big_endian) else {
            return Ok(None);
        };
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        if len < 12 || len % 4 != 0 || len > MAX_RECORD_BYTES {
            return Err(format!(
                "a block claims a length of {len} bytes; corrupt data or garbage tail"
            ));
        }
        Ok(Some(len))
    }

    fn malformed(&mut self, front: &[u8]) -> Result<usize, String> {
        let len = match self.record_len(front)? {
            Some(len) if len <= front.len() => len,
            _ => return Err("malformed block".to_string()),
        };
        let block_type = read_u32(front, 0, self.big_endian).unwrap_or(0);
        let trailer = read_u32(front, len - 4, self.big_endian);
        let essential = matches!(block_type, 0x0a0d_0d0a | IDB | OBSOLETE_PACKET_BLOCK | SPB | EPB);
        if essential || usize::try_from(trailer.unwrap_or(0)).ok() != Some(len) {
            return Err(format!("malformed {}", block_name(block_type)));
        }
        self.malformed_skipped += 1;
        Ok(len)
    }
}

/// The fields of an obsolete Packet Block after its type and length.
struct ObsoletePacket<'a> {
    interface_id: u16,
    ts_high: u32,
    ts_low: u32,
    caplen: u32,
    orig_len: u32,
    data: &'a [u8],
    options: &'a [u8],
}

fn parse_obsolete_packet(i: &[u8], e: Endianness) -> IResult<&[u8], ObsoletePacket<'_>> {
    let (i, (interface_id, _drops, ts_high, ts_low, caplen, orig_len)) = (
        nom_u16(e),
        nom_u16(e),
        nom_u32(e),
        nom_u32(e),
        nom_u32(e),
        nom_u32(e),
    )
        .parse(i)?;
    let (i, data) = take(caplen)(i)?;
    let (options, _padding) = take(padding(caplen))(i)?;
    Ok((
        &[],
        ObsoletePacket {
            interface_id,
            ts_high,
            ts_low,
            caplen,
            orig_len,
            data,
            options,
        },
    ))
}

/// Bytes of padding after a field of `len` bytes (fields are 32-bit aligned).
fn padding(len: u32) -> u32 {
    (4 - len % 4) % 4
}

/// Calls `f` with every `opt_comment` in an option list (§3.5); a broken
/// option ends the list. Written with plain bounds-checked reads rather than
/// nom: it runs once per packet, and nom's generic parsers cost more here
/// than the rest of the packet path together.
#[inline]
fn for_each_comment(options: &[u8], e: Endianness, mut f: impl FnMut(&[u8])) {
    let big_endian = e == Endianness::Big;
    let mut at = 0usize;
    while let (Some(code), Some(len)) = (
        read_u16(options, at, big_endian),
        read_u16(options, at + 2, big_endian),
    ) {
        let start = at + 4;
        let end = start + usize::from(len);
        let Some(value) = options.get(start..end) else {
            break;
        };
        match code {
            0 => break,
            OPT_COMMENT => f(value),
            _ => {}
        }
        at = end + (4 - usize::from(len) % 4) % 4;
    }
}

fn read_u16(bytes: &[u8], at: usize, big_endian: bool) -> Option<u16> {
    let raw: [u8; 2] = bytes.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(if big_endian {
        u16::from_be_bytes(raw)
    } else {
        u16::from_le_bytes(raw)
    })
}

#[cfg(test)]
mod tests {
    use pcap_parser::pcapng::parse_block_le;

    use super::super::fixtures::Pcapng;
    use super::super::{CaptureFormat, Frame};
    use super::*;

    /// The Enhanced Packet Block arm behind pcap-parser and the fast path
    /// give the same frame and comments.
    #[test]
    fn enhanced_packet_same_through_both_paths() {
        let file = Pcapng::new(false)
            .idb(1, 0, &[(9, &[3])])
            .epb(0, 5_001, &[1, 2, 3], 9, &[(2, &[0, 0, 0, 1]), (1, b"c")])
            .bytes;
        let idb_at = Pcapng::new(false).bytes.len();
        let epb_at = idb_at + 32;
        let mut results = Vec::new();
        for through_parser in [true, false] {
            let mut frames = Vec::new();
            let mut keep = |f: &Frame<'_>| frames.push((f.number, f.ts, f.data.to_vec(), f.orig_len));
            let mut out = Collector::new(&mut keep);
            let mut format = PcapngFormat::default();
            for at in [idb_at, epb_at] {
                let rest = file.get(at..).unwrap_or_default();
                if !through_parser && at == epb_at {
                    assert_eq!(format.fast(rest, &mut out), Some(Ok(56)));
                    continue;
                }
                match parse_block_le(rest) {
                    Ok((_, block)) => {
                        assert_eq!(format.block(PcapBlockOwned::NG(block), &mut out), Ok(()))
                    }
                    Err(e) => panic!("fixture rejected: {e:?}"),
                }
            }
            let comments = out.finish("t", CaptureFormat::Pcapng, false, false).comments;
            results.push((frames, comments));
        }
        let expected = (
            vec![(1, Timestamp::new(5, 1_000_000), vec![1, 2, 3], 9)],
            vec![super::super::FrameComment {
                frame: 1,
                comment: "c".into(),
            }],
        );
        assert_eq!(results, vec![expected.clone(), expected]);
    }

    #[test]
    fn tsresol_decimal_and_binary() {
        assert_eq!(TsResolution::from_option(6), Some(TsResolution::Decimal(6)));
        assert_eq!(TsResolution::from_option(9), Some(TsResolution::Decimal(9)));
        assert_eq!(TsResolution::from_option(19), Some(TsResolution::Decimal(19)));
        assert_eq!(TsResolution::from_option(20), None);
        assert_eq!(
            TsResolution::from_option(0x80 | 20),
            Some(TsResolution::Binary(20))
        );
        assert_eq!(
            TsResolution::from_option(0x80 | 63),
            Some(TsResolution::Binary(63))
        );
        assert_eq!(TsResolution::from_option(0x80 | 64), None);
        assert_eq!(TsResolution::Decimal(9).digits(), 9);
        assert_eq!(TsResolution::Binary(20).digits(), 6);
        assert_eq!(TsResolution::Binary(30).digits(), 9);
        assert_eq!(TsResolution::Binary(0).digits(), 0);
    }

    #[test]
    fn tsresol_split_exact() {
        assert_eq!(
            TsResolution::Decimal(6).split(1_500_000_123_456),
            (1_500_000, 123_456_000)
        );
        assert_eq!(TsResolution::Decimal(9).split(1_000_000_007), (1, 7));
        assert_eq!(TsResolution::Decimal(0).split(42), (42, 0));
        // 10^-12: picoseconds are cut to nanoseconds.
        assert_eq!(TsResolution::Decimal(12).split(3_000_000_001_999), (3, 1));
        assert_eq!(TsResolution::Decimal(19).split(u64::MAX), (1, 844_674_407));
        // 2^-20: 0x80000 is half a second.
        assert_eq!(
            TsResolution::Binary(20).split((7 << 20) | 0x8_0000),
            (7, 500_000_000)
        );
        // 2^-10: one unit is 976562.5 ns, cut to 976562.
        assert_eq!(TsResolution::Binary(10).split(1), (0, 976_562));
        assert_eq!(TsResolution::Binary(63).split(u64::MAX), (1, 999_999_999));
        assert_eq!(TsResolution::Binary(0).split(5), (5, 0));
        assert_eq!(TsResolution::Decimal(20).split(5), (0, 0));
        assert_eq!(TsResolution::Binary(64).split(5), (0, 0));
    }

    #[test]
    fn interface_offset_applies() {
        let iface = Interface {
            global: 0,
            link: LinkType::ETHERNET,
            resolution: TsResolution::Decimal(3),
            offset: -100,
            snaplen: 0,
            max_caplen: caplen_limit(0),
        };
        assert_eq!(iface.timestamp(0, 1_234_567), Timestamp::new(1134, 567_000_000));
    }

    #[test]
    fn section_header_len_reads_bom_order() {
        let le = [0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a];
        let be = [0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 32, 0x1a, 0x2b, 0x3c, 0x4d];
        let bad = [0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 1, 2, 3, 4];
        assert_eq!(section_header_len(&le), Some(28));
        assert_eq!(section_header_len(&be), Some(32));
        assert_eq!(section_header_len(&bad), None);
        assert_eq!(section_header_len(&le[..11]), None);
    }

    #[test]
    fn comments_found_in_option_list() {
        let mut options = Vec::new();
        options.extend_from_slice(&[2, 0, 4, 0, 0, 0, 0, 1]); // epb_flags
        options.extend_from_slice(&[1, 0, 3, 0, b'a', b'b', b'c', 0]);
        options.extend_from_slice(&[1, 0, 1, 0, b'z', 0, 0, 0]);
        options.extend_from_slice(&[0, 0, 0, 0]);
        options.extend_from_slice(&[1, 0, 1, 0, b'x', 0, 0, 0]); // after opt_endofopt
        let mut seen = Vec::new();
        for_each_comment(&options, Endianness::Little, |t| seen.push(t.to_vec()));
        assert_eq!(seen, vec![b"abc".to_vec(), b"z".to_vec()]);
        // An option longer than the list ends it.
        let mut seen = 0;
        for_each_comment(&[0, 1, 0, 9, b'a'], Endianness::Big, |_| seen += 1);
        assert_eq!(seen, 0);
    }
}
