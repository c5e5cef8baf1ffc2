//! Streaming reader for pcap and pcapng captures, plain or gzip-compressed.
//!
//! The bytes flow through three layers, each with one job:
//! the caller's `Read` (a file, standard input, a test buffer) → an optional
//! gzip decoder, chosen by the magic bytes `1f 8b` (RFC 1952 §2.3.1), never
//! by the file name → pcap-parser's streaming readers (`LegacyPcapReader`,
//! `PcapNGReader`), which keep a fixed buffer that only grows for a record
//! larger than itself, and only up to [`MAX_RECORD_BYTES`]. Memory therefore
//! stays flat however long the capture is, and frames are handed to the
//! caller borrowed from that buffer, with no copy and no allocation per frame.
//!
//! One variant is read by hand: big-endian "modified" pcap (Alexey
//! Kuznetsov's patched libpcap, magic `a1 b2 cd 34` in file order).
//! pcap-parser recognises the modified magic only in little-endian order, so
//! that case goes through [`read_modified_big_endian`].
//!
//! Damage is reported the way Wireshark reports it: a file that stops inside
//! a record, a garbage tail or an untrustworthy record length ends the read
//! with a warning and a normal summary of everything before it.

use std::fs::File;
use std::io::{self, Chain, Cursor, Read};

use flate2::read::MultiGzDecoder;
use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{LegacyPcapReader, PcapBlockOwned, PcapError, PcapNGReader};

use super::pcapng::PcapngFormat;
use super::{
    CaptureFormat, CaptureSummary, DecryptionSecrets, Frame, FrameComment, InterfaceInfo, LinkType, Timestamp,
};
use crate::error::Error;

/// Initial size of the reading buffer; it grows only for a record that
/// does not fit. A refill is one `read` call per about 1500 ordinary
/// frames, and it stays small next to the second-level cache: the kernel's
/// copy passes the buffer and as many page-cache bytes through that cache,
/// and a buffer of a megabyte or more pushed out the per-call state the
/// analysis keeps there (measured: a few percent slower per frame).
const BUFFER_BYTES: usize = 1 << 18;
/// Extra room added when the buffer grows, so that the record after a
/// large one does not force another reallocation.
const BUFFER_SLACK: usize = 64 << 10;
/// No record (pcap record or pcapng block) larger than this is trusted:
/// a longer length field means corrupt data, and believing it would make
/// the reader buffer gigabytes.
pub(super) const MAX_RECORD_BYTES: usize = 256 << 20;
/// Wireshark's largest captured length for ordinary link types
/// (`WTAP_MAX_PACKET_SIZE_STANDARD`). A record longer than both this and the
/// file's snapshot length is taken as corrupt data.
pub(super) const STANDARD_MAX_CAPLEN: u32 = 262_144;
/// Frame comments kept in the summary; further ones are only counted.
pub(super) const MAX_COMMENTS: usize = 10_000;
/// Bytes kept of one comment or interface name (cut at a character boundary).
pub(super) const MAX_TEXT_BYTES: usize = 4096;
/// pcapng interfaces accepted in one file (all sections together).
pub(super) const MAX_INTERFACES: usize = 16_384;

/// Opens a capture path for [`read_capture`]: `-` is standard input,
/// anything else a file. The stream is returned as it is stored: gzip
/// compression is recognised and undone by [`read_capture`] from the magic
/// bytes, so a compressed capture needs no particular file name, and
/// `zcat`-style pipes work as well as `.gz` files.
pub fn open_input(path: &str) -> Result<Box<dyn Read + Send>, Error> {
    if path == "-" {
        return Ok(Box::new(io::stdin()));
    }
    match File::open(path) {
        Ok(file) => Ok(Box::new(file)),
        Err(source) => Err(Error::Io {
            path: path.to_string(),
            source,
        }),
    }
}

/// Reads every frame of a capture, calling `on_frame` for each in file order.
/// `on_frame` is any `FnMut(&Frame)` (a closure needs its argument's type
/// written out, `|f: &Frame<'_>|`) or a [`FrameSink`] of its own, such as
/// the analyzer, whose per-frame call is then inlined into the reading
/// loop.
///
/// `input` holds a pcap file (microsecond or nanosecond, either byte order,
/// or the "modified" variant) or a pcapng file (draft-ietf-opsawg-pcapng),
/// optionally gzip-compressed (detected from the first two bytes; the
/// summary then says `gzip: true`). `name` labels the summary and errors.
///
/// Frames are numbered from 1 in file order exactly as Wireshark numbers
/// them: pcapng records that Wireshark lists as frames without being packets
/// (systemd journal entries, custom blocks) take a number and count in
/// `frames` but are not passed to `on_frame`.
///
/// Errors: [`Error::NotACapture`] when the bytes are neither format (an
/// empty input included); [`Error::Corrupt`] when the format is recognised
/// but the file breaks before its first frame; [`Error::Io`] when reading
/// fails. Damage after the first frame ends the read with a warning in
/// `summary.warnings` instead.
pub fn read_capture<F: FrameSink + ?Sized>(
    input: &mut dyn Read,
    name: &str,
    on_frame: &mut F,
) -> Result<CaptureSummary, Error> {
    read_capture_with_secrets(input, name, on_frame, &mut |_| {})
}

/// [`read_capture`], also handing every pcapng Decryption Secrets Block
/// (pcapng draft §4.7) to `on_secrets` when it is read, before the frames
/// that follow it.
pub fn read_capture_with_secrets<F: FrameSink + ?Sized>(
    input: &mut dyn Read,
    name: &str,
    on_frame: &mut F,
    on_secrets: &mut dyn FnMut(&DecryptionSecrets<'_>),
) -> Result<CaptureSummary, Error> {
    let mut source = MarkedSource { inner: input };
    let mut gzip_magic = Vec::with_capacity(2);
    fill_to(&mut source, &mut gzip_magic, 2).map_err(|e| io_error(name, e))?;
    let gzip = gzip_magic == [0x1f, 0x8b];
    let head = Cursor::new(gzip_magic).chain(source);
    let stream = if gzip {
        Stream::Gzip(Box::new(MultiGzDecoder::new(head)))
    } else {
        Stream::Plain(head)
    };
    let mut tap = Tap { stream, error: None };

    let mut probe = Vec::with_capacity(64);
    probe_fill(&mut tap, &mut probe, 4, name)?;
    let kind = identify(&probe).ok_or_else(|| not_a_capture(name, &probe, gzip))?;
    let header_len = match kind {
        Magic::Pcap => PCAP_FILE_HEADER_LEN,
        Magic::Pcapng => {
            probe_fill(&mut tap, &mut probe, 12, name)?;
            match super::pcapng::section_header_len(&probe) {
                Some(len) if len <= MAX_RECORD_BYTES => len,
                Some(len) => return Err(corrupt(name, format!("section header block claims {len} bytes"))),
                None => return Err(not_a_capture(name, &probe, gzip)),
            }
        }
    };
    probe_fill(&mut tap, &mut probe, header_len, name)?;
    if probe.len() < header_len {
        let what = match kind {
            Magic::Pcap => "pcap file header",
            Magic::Pcapng => "section header block",
        };
        return Err(corrupt(
            name,
            format!(
                "the file ends inside its {what} ({} of {header_len} bytes)",
                probe.len()
            ),
        ));
    }

    let mut collector = Collector::new(on_frame);
    collector.on_secrets = Some(on_secrets);
    let (format, big_endian, stop) = match kind {
        Magic::Pcap => {
            let header = PcapFileHeader::parse(&probe).ok_or_else(|| not_a_capture(name, &probe, gzip))?;
            collector.interfaces.push(header.interface());
            let stop = if header.modified && header.big_endian {
                let mut body = Cursor::new(probe).chain(&mut tap);
                read_modified_big_endian(&mut body, &header, &mut collector)
            } else {
                let body = Cursor::new(probe).chain(&mut tap);
                match LegacyPcapReader::new(BUFFER_BYTES, body) {
                    Ok(mut reader) => {
                        let mut format = PcapFormat::new(header);
                        drive(&mut reader, BUFFER_BYTES, &mut format, &mut collector)
                    }
                    Err(e) => Stop::Damaged(format!("pcap file header rejected: {e}")),
                }
            };
            (CaptureFormat::Pcap, header.big_endian, stop)
        }
        Magic::Pcapng => {
            let capacity = BUFFER_BYTES.max(header_len.saturating_add(BUFFER_SLACK));
            let body = Cursor::new(probe).chain(&mut tap);
            let stop = match PcapNGReader::new(capacity, body) {
                Ok(mut reader) => {
                    let mut format = PcapngFormat::default();
                    let stop = drive(&mut reader, capacity, &mut format, &mut collector);
                    format.finish(&mut collector);
                    stop
                }
                Err(e) => Stop::Damaged(format!("section header block rejected: {e}")),
            };
            (CaptureFormat::Pcapng, false, stop)
        }
    };

    let damage = match stop {
        Stop::End => None,
        Stop::Damaged(detail) => Some(detail),
        Stop::ReadFailed => match tap.error.take().map(classify) {
            Some(ReadFailure::Source(source)) => {
                return Err(Error::Io {
                    path: name.to_string(),
                    source,
                })
            }
            Some(ReadFailure::Decompression(e)) => Some(format!("the gzip stream breaks off ({e})")),
            None => Some("the input could not be read further".to_string()),
        },
    };
    if let Some(detail) = damage {
        if collector.frames == 0 {
            return Err(corrupt(name, detail));
        }
        collector.warnings.push(detail);
    }
    Ok(collector.finish(name, format, gzip, big_endian))
}

// ---------------------------------------------------------------------------
// Input plumbing

/// Wraps the caller's reader so that its errors can be told apart from the
/// gzip decoder's own: every error coming from the source is wrapped in
/// [`SourceError`], and flate2 passes inner errors through untouched.
struct MarkedSource<'a> {
    inner: &'a mut dyn Read,
}

impl Read for MarkedSource<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.inner.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io::Error::new(e.kind(), SourceError(e))),
                Ok(n) => return Ok(n),
            }
        }
    }
}

/// Marker for an I/O error of the underlying input (see [`MarkedSource`]).
#[derive(Debug)]
struct SourceError(io::Error);

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for SourceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

enum ReadFailure {
    /// The input itself failed: a real I/O error.
    Source(io::Error),
    /// The gzip decoder rejected the data (corrupt or cut short).
    Decompression(io::Error),
}

fn classify(e: io::Error) -> ReadFailure {
    if e.get_ref().is_some_and(|inner| inner.is::<SourceError>()) {
        let kind = e.kind();
        return match e.into_inner().map(|inner| inner.downcast::<SourceError>()) {
            Some(Ok(marked)) => ReadFailure::Source(marked.0),
            _ => ReadFailure::Source(io::Error::from(kind)),
        };
    }
    ReadFailure::Decompression(e)
}

type Head<'a> = Chain<Cursor<Vec<u8>>, MarkedSource<'a>>;

/// The capture bytes: as stored, or out of the gzip decoder.
enum Stream<'a> {
    Plain(Head<'a>),
    Gzip(Box<MultiGzDecoder<Head<'a>>>),
}

/// The last stage before pcap-parser. pcap-parser turns every read error
/// into a bare `ReadError`, so the error itself is kept here for the summary.
struct Tap<'a> {
    stream: Stream<'a>,
    error: Option<io::Error>,
}

impl Read for Tap<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let result = match &mut self.stream {
            Stream::Plain(r) => r.read(buf),
            Stream::Gzip(r) => r.read(buf),
        };
        result.map_err(|e| {
            let kind = e.kind();
            self.error = Some(e);
            io::Error::from(kind)
        })
    }
}

/// Reads until `buf` holds `want` bytes or the input ends.
fn fill_to(r: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> io::Result<()> {
    while buf.len() < want {
        let missing = want - buf.len();
        let n = Read::take(&mut *r, missing as u64).read_to_end(buf)?;
        if n == 0 {
            break;
        }
    }
    Ok(())
}

fn io_error(name: &str, e: io::Error) -> Error {
    let source = match classify(e) {
        ReadFailure::Source(e) | ReadFailure::Decompression(e) => e,
    };
    Error::Io {
        path: name.to_string(),
        source,
    }
}

/// Reads the first bytes of the capture into `probe`. An I/O error stays
/// one; a gzip stream that cannot be decoded from its start is not a capture.
fn probe_fill(tap: &mut Tap<'_>, probe: &mut Vec<u8>, want: usize, name: &str) -> Result<(), Error> {
    let Err(e) = fill_to(tap, probe, want) else {
        return Ok(());
    };
    Err(match classify(tap.error.take().unwrap_or(e)) {
        ReadFailure::Source(source) => Error::Io {
            path: name.to_string(),
            source,
        },
        ReadFailure::Decompression(e) => Error::NotACapture {
            path: name.to_string(),
            detail: format!("gzip data that cannot be decompressed ({e})"),
        },
    })
}

fn corrupt(name: &str, detail: String) -> Error {
    Error::Corrupt {
        path: name.to_string(),
        detail,
    }
}

fn not_a_capture(name: &str, first: &[u8], gzip: bool) -> Error {
    let detail = match (first.is_empty(), gzip) {
        (true, false) => "empty input".to_string(),
        (true, true) => "gzip data that decompresses to nothing".to_string(),
        (false, _) => {
            let shown: Vec<String> = first.iter().take(4).map(|b| format!("{b:02x}")).collect();
            format!(
                "{}starts with {}",
                if gzip { "decompressed data " } else { "" },
                shown.join(" ")
            )
        }
    };
    Error::NotACapture {
        path: name.to_string(),
        detail,
    }
}

enum Magic {
    Pcap,
    Pcapng,
}

/// Recognises the file format from its first four bytes.
fn identify(first: &[u8]) -> Option<Magic> {
    match first.get(..4)? {
        [0x0a, 0x0d, 0x0d, 0x0a] => Some(Magic::Pcapng),
        m if PcapFileHeader::magic_kind(m).is_some() => Some(Magic::Pcap),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// What is collected while reading

/// Counts frames, hands them to the caller and gathers the summary.
pub(super) struct Collector<'f, F: FrameSink + ?Sized> {
    on_frame: &'f mut F,
    pub(super) on_secrets: Option<&'f mut dyn FnMut(&DecryptionSecrets<'_>)>,
    pub(super) frames: u64,
    bytes: u64,
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    pub(super) interfaces: Vec<InterfaceInfo>,
    comments: Vec<FrameComment>,
    comments_not_kept: u64,
    comments_cut: u64,
    pub(super) warnings: Vec<String>,
}

/// What takes the frames of a capture as they are read: any
/// `FnMut(&Frame)`, or a type of its own (the analyzer), whose per-frame
/// call the reader's loop can then inline.
pub trait FrameSink {
    fn frame(&mut self, frame: &Frame<'_>);
}

impl<T: FnMut(&Frame<'_>) + ?Sized> FrameSink for T {
    #[inline(always)]
    fn frame(&mut self, frame: &Frame<'_>) {
        self(frame);
    }
}

impl<'f, F: FrameSink + ?Sized> Collector<'f, F> {
    pub(super) fn new(on_frame: &'f mut F) -> Self {
        Collector {
            on_frame,
            on_secrets: None,
            frames: 0,
            bytes: 0,
            first: None,
            last: None,
            interfaces: Vec::new(),
            comments: Vec::new(),
            comments_not_kept: 0,
            comments_cut: 0,
            warnings: Vec::new(),
        }
    }

    /// Numbers a packet record and hands it to the caller. `ts` is `None`
    /// for records without a time stamp (pcapng Simple Packet Blocks): they
    /// carry the previous frame's time and leave first/last time alone.
    /// Returns the frame number.
    #[inline(always)]
    pub(super) fn packet(
        &mut self,
        ts: Option<Timestamp>,
        link: LinkType,
        iface: u32,
        data: &[u8],
        orig_len: u32,
    ) -> u64 {
        self.frames += 1;
        self.bytes += data.len() as u64;
        let ts = match ts {
            Some(ts) => {
                if self.first.is_none() {
                    self.first = Some(ts);
                }
                self.last = Some(ts);
                ts
            }
            None => self.last.unwrap_or_default(),
        };
        self.on_frame.frame(&Frame {
            number: self.frames,
            ts,
            link,
            iface,
            data,
            orig_len,
        });
        self.frames
    }

    /// A Decryption Secrets Block: handed on as it is read.
    pub(super) fn secrets(&mut self, secrets_type: u32, data: &[u8]) {
        let before_frame = self.frames + 1;
        if let Some(f) = self.on_secrets.as_mut() {
            f(&DecryptionSecrets {
                secrets_type,
                data,
                before_frame,
            });
        }
    }

    /// A record that Wireshark lists as a frame but that holds no packet:
    /// it takes a frame number so that later numbers stay Wireshark's.
    pub(super) fn non_packet_record(&mut self) {
        self.frames += 1;
    }

    /// Keeps a pcapng `opt_comment` for `frame`, within [`MAX_COMMENTS`].
    pub(super) fn comment(&mut self, frame: u64, text: &[u8]) {
        if self.comments.len() >= MAX_COMMENTS {
            self.comments_not_kept += 1;
            return;
        }
        let (comment, cut) = bounded_text(text, MAX_TEXT_BYTES);
        if cut {
            self.comments_cut += 1;
        }
        self.comments.push(FrameComment { frame, comment });
    }

    pub(super) fn finish(
        mut self,
        name: &str,
        format: CaptureFormat,
        gzip: bool,
        big_endian: bool,
    ) -> CaptureSummary {
        if self.comments_not_kept > 0 {
            self.warnings.push(format!(
                "{} more frame comments not kept (limit {MAX_COMMENTS})",
                self.comments_not_kept
            ));
        }
        if self.comments_cut > 0 {
            self.warnings.push(format!(
                "{} frame comments cut to {MAX_TEXT_BYTES} bytes",
                self.comments_cut
            ));
        }
        CaptureSummary {
            file: name.to_string(),
            format,
            gzip,
            big_endian,
            frames: self.frames,
            bytes: self.bytes,
            first_time: self.first.map(Timestamp::as_secs_f64),
            last_time: self.last.map(Timestamp::as_secs_f64),
            interfaces: self.interfaces,
            unsupported_link_types: Vec::new(),
            comments: self.comments,
            warnings: self.warnings,
        }
    }
}

/// Text from the file as a `String` (invalid UTF-8 replaced), cut to
/// `max` bytes at a character boundary; the flag says it was cut.
pub(super) fn bounded_text(bytes: &[u8], max: usize) -> (String, bool) {
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    if text.len() <= max {
        return (text, false);
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    (text, true)
}

// ---------------------------------------------------------------------------
// The reading loop shared by pcap and pcapng

/// How a read ended.
enum Stop {
    /// The input ended cleanly between records.
    End,
    /// The file is damaged from here on; the text says where and how.
    Damaged(String),
    /// The input failed; the error is in [`Tap::error`].
    ReadFailed,
}

/// A file format as seen by [`drive`]: what a parsed block means, and how
/// long the record at the front of the buffer claims to be.
pub(super) trait RecordFormat {
    /// A zero-copy, allocation-free path for the common record at the start
    /// of `front`, tried before pcap-parser: `Some(Ok(n))` when it handled
    /// complete records (one or more, one after the other) of `n > 0` bytes
    /// in all, `Some(Err)` to stop the read, `None` to leave the record to
    /// pcap-parser (incomplete, irregular or rare). [`drive`] calls it again
    /// on the bytes after them, so a buffer full of common records never
    /// reaches pcap-parser.
    fn fast<F: FrameSink + ?Sized>(
        &mut self,
        _front: &[u8],
        _out: &mut Collector<'_, F>,
    ) -> Option<Result<usize, String>> {
        None
    }

    /// Handles one block parsed by pcap-parser. `Err` stops the read; its
    /// text says why.
    fn block<F: FrameSink + ?Sized>(
        &mut self,
        block: PcapBlockOwned<'_>,
        out: &mut Collector<'_, F>,
    ) -> Result<(), String>;

    /// The total length claimed by the record at the start of `front`:
    /// `Ok(None)` when its header is not complete yet, `Err` when the
    /// length cannot be trusted.
    fn record_len(&self, front: &[u8]) -> Result<Option<usize>, String>;

    /// pcap-parser rejected the complete record at the start of `front`:
    /// `Ok(n)` skips its `n` bytes and goes on, `Err` stops the read.
    fn malformed(&mut self, front: &[u8]) -> Result<usize, String>;
}

/// Outcome of one `next()` call, owned so that the reader can be used again.
enum Step {
    Consume(usize),
    NeedMore,
    EndsInside,
    Malformed,
    Stop(String),
    End,
    ReadFailed,
}

/// Runs a pcap-parser streaming reader to the end of the input.
fn drive<P: PcapReaderIterator + ?Sized, F: FrameSink + ?Sized>(
    reader: &mut P,
    mut capacity: usize,
    format: &mut impl RecordFormat,
    out: &mut Collector<'_, F>,
) -> Stop {
    loop {
        // Every complete common record in the buffer, one after the other,
        // before the buffer is touched again. Consuming without shifting
        // leaves the bytes where they are: `refill` moves only the partial
        // record at the end, where `consume` would move half the buffer
        // each time the read position passes its middle.
        let front = reader.data();
        let mut used = 0;
        let mut failure = None;
        while let Some(rest) = front.get(used..) {
            match format.fast(rest, out) {
                Some(Ok(len)) if len > 0 => used += len,
                Some(Err(why)) => {
                    failure = Some(why);
                    break;
                }
                Some(Ok(_)) | None => break,
            }
        }
        reader.consume_noshift(used);
        if let Some(why) = failure {
            return Stop::Damaged(format!("at byte {}: {why}", reader.consumed()));
        }
        let step = match reader.next() {
            Ok((len, block)) => match format.block(block, out) {
                Ok(()) => Step::Consume(len),
                Err(why) => Step::Stop(why),
            },
            Err(PcapError::Eof) => Step::End,
            Err(PcapError::Incomplete(_)) | Err(PcapError::BufferTooSmall) => Step::NeedMore,
            Err(PcapError::UnexpectedEof) => Step::EndsInside,
            Err(PcapError::ReadError) => Step::ReadFailed,
            Err(PcapError::HeaderNotRecognized)
            | Err(PcapError::NomError(..))
            | Err(PcapError::OwnedNomError(..)) => Step::Malformed,
        };
        let offset = reader.consumed();
        match step {
            Step::Consume(len) => reader.consume_noshift(len),
            Step::End => return Stop::End,
            Step::ReadFailed => return Stop::ReadFailed,
            Step::Stop(why) => return Stop::Damaged(format!("at byte {offset}: {why}")),
            Step::EndsInside => {
                let front = reader.data();
                let claimed = match format.record_len(front) {
                    Ok(Some(len)) => format!(" of the {len} it claims"),
                    _ => String::new(),
                };
                return Stop::Damaged(format!(
                    "at byte {offset}: the file ends inside a record \
                     ({} bytes{claimed}); truncated file or garbage tail",
                    front.len()
                ));
            }
            Step::Malformed => match skip_malformed(reader, format, offset) {
                Ok(()) => {}
                Err(stop) => return stop,
            },
            Step::NeedMore => {
                let front = reader.data();
                let have = front.len();
                let need = match format.record_len(front) {
                    Err(why) => return Stop::Damaged(format!("at byte {offset}: {why}")),
                    // The whole record is there and still does not parse:
                    // its inner lengths contradict its outer one.
                    Ok(Some(need)) if need <= have => match skip_malformed(reader, format, offset) {
                        Ok(()) => continue,
                        Err(stop) => return stop,
                    },
                    Ok(need) => need.unwrap_or(0),
                };
                // pcap-parser asks for a larger buffer only once a record
                // fills it completely; the limit was checked by record_len.
                if need >= capacity {
                    let grown = need.saturating_add(BUFFER_SLACK);
                    reader.grow(grown);
                    capacity = grown;
                }
                if reader.refill().is_err() {
                    return Stop::ReadFailed;
                }
                if reader.data().len() == have && !reader.reader_exhausted() {
                    // Cannot happen with a buffer larger than the record, but
                    // a stuck loop must not be possible either.
                    return Stop::Damaged(format!("at byte {offset}: the reader made no progress"));
                }
            }
        }
    }
}

fn skip_malformed<P: PcapReaderIterator + ?Sized>(
    reader: &mut P,
    format: &mut impl RecordFormat,
    offset: usize,
) -> Result<(), Stop> {
    match format.malformed(reader.data()) {
        Ok(len) if len > 0 => {
            reader.consume_noshift(len);
            Ok(())
        }
        Ok(_) => Err(Stop::Damaged(format!("at byte {offset}: malformed record"))),
        Err(why) => Err(Stop::Damaged(format!("at byte {offset}: {why}"))),
    }
}

// ---------------------------------------------------------------------------
// pcap (libpcap file format, draft-ietf-opsawg-pcap)

const PCAP_FILE_HEADER_LEN: usize = 24;

/// The pcap file header, with the variant its magic number names.
#[derive(Debug, Clone, Copy)]
struct PcapFileHeader {
    big_endian: bool,
    /// Magic `a1b23c4d`: the fraction field counts nanoseconds.
    nanosecond: bool,
    /// Magic `a1b2cd34`: each record header has 8 more bytes (ifindex u32,
    /// protocol u16, pkt_type u8, pad u8).
    modified: bool,
    snaplen: u32,
    link: LinkType,
}

impl PcapFileHeader {
    /// `(big_endian, nanosecond, modified)` for the four magic bytes in file
    /// order, or `None` when they are not a pcap magic number.
    fn magic_kind(magic: &[u8]) -> Option<(bool, bool, bool)> {
        match magic {
            [0xd4, 0xc3, 0xb2, 0xa1] => Some((false, false, false)),
            [0xa1, 0xb2, 0xc3, 0xd4] => Some((true, false, false)),
            [0x4d, 0x3c, 0xb2, 0xa1] => Some((false, true, false)),
            [0xa1, 0xb2, 0x3c, 0x4d] => Some((true, true, false)),
            [0x34, 0xcd, 0xb2, 0xa1] => Some((false, false, true)),
            [0xa1, 0xb2, 0xcd, 0x34] => Some((true, false, true)),
            _ => None,
        }
    }

    fn parse(bytes: &[u8]) -> Option<Self> {
        let (big_endian, nanosecond, modified) = Self::magic_kind(bytes.get(..4)?)?;
        let snaplen = read_u32(bytes, 16, big_endian)?;
        // The upper bits of LinkType carry FCS information, not the type.
        let link = LinkType(read_u32(bytes, 20, big_endian)? & 0x03ff_ffff);
        Some(PcapFileHeader {
            big_endian,
            nanosecond,
            modified,
            snaplen,
            link,
        })
    }

    fn record_header_len(&self) -> usize {
        if self.modified {
            24
        } else {
            16
        }
    }

    /// The largest captured length believed: a longer record is corrupt data.
    fn max_caplen(&self) -> u32 {
        caplen_limit(self.snaplen)
    }

    #[inline]
    fn timestamp(&self, secs: u32, fraction: u32) -> Timestamp {
        let per_second = if self.nanosecond { 1_000_000_000 } else { 1_000_000 };
        // The usual record: no carry, and no division by a run-time divisor.
        if fraction < per_second {
            let nanos = if self.nanosecond {
                fraction
            } else {
                fraction * 1000
            };
            return Timestamp::new(i64::from(secs), nanos);
        }
        // A fraction of a second or more is carried into the seconds so the
        // timestamp stays well-formed.
        let secs = i64::from(secs) + i64::from(fraction / per_second);
        let fraction = fraction % per_second;
        let nanos = if self.nanosecond {
            fraction
        } else {
            fraction * 1000
        };
        Timestamp::new(secs, nanos)
    }

    fn interface(&self) -> InterfaceInfo {
        InterfaceInfo {
            index: 0,
            link_type: self.link.0,
            link_type_name: self.link.name(),
            name: None,
            ts_resolution_digits: if self.nanosecond { 9 } else { 6 },
            snaplen: self.snaplen,
        }
    }
}

/// The captured-length limit for a snapshot length (0 = none given).
pub(super) fn caplen_limit(snaplen: u32) -> u32 {
    let limit = u32::try_from(MAX_RECORD_BYTES).unwrap_or(u32::MAX);
    snaplen.max(STANDARD_MAX_CAPLEN).min(limit)
}

#[inline]
pub(super) fn read_u32(bytes: &[u8], at: usize, big_endian: bool) -> Option<u32> {
    let raw: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(if big_endian {
        u32::from_be_bytes(raw)
    } else {
        u32::from_le_bytes(raw)
    })
}

/// pcap records: read directly from the reader's buffer
/// ([`RecordFormat::fast`]) once pcap-parser has handed over the file
/// header; pcap-parser's `LegacyPcapReader` keeps the buffer and deals with
/// the rest (a record cut by the buffer's end, the end of the file, damage).
struct PcapFormat {
    header: PcapFileHeader,
    max_caplen: u32,
    /// `header.record_header_len()`, kept at hand for the fast path.
    record_header: usize,
    /// pcap-parser returned the file header: the buffer now starts at a
    /// record.
    past_file_header: bool,
}

impl PcapFormat {
    fn new(header: PcapFileHeader) -> Self {
        PcapFormat {
            header,
            max_caplen: header.max_caplen(),
            record_header: header.record_header_len(),
            past_file_header: false,
        }
    }

    fn untrusted(&self, caplen: u32) -> String {
        format!(
            "a record claims {caplen} captured bytes, more than the {} \
             believed for snapshot length {}; corrupt data",
            self.max_caplen, self.header.snaplen
        )
    }
}

impl PcapFormat {
    /// The complete records with a believable captured length at the front
    /// of `front`, handed to `out`; returns the bytes they take.
    #[inline(always)]
    fn records<const BIG_ENDIAN: bool, F: FrameSink + ?Sized>(
        &self,
        front: &[u8],
        out: &mut Collector<'_, F>,
    ) -> usize {
        let word = |raw: [u8; 4]| {
            if BIG_ENDIAN {
                u32::from_be_bytes(raw)
            } else {
                u32::from_le_bytes(raw)
            }
        };
        let mut used = 0;
        while let Some(rest) = front.get(used..) {
            let Some(&[s0, s1, s2, s3, f0, f1, f2, f3, c0, c1, c2, c3, o0, o1, o2, o3]) =
                rest.first_chunk::<16>()
            else {
                break;
            };
            let (secs, fraction) = (word([s0, s1, s2, s3]), word([f0, f1, f2, f3]));
            let (caplen, orig_len) = (word([c0, c1, c2, c3]), word([o0, o1, o2, o3]));
            if caplen > self.max_caplen {
                break;
            }
            let Some(len) = self.record_header.checked_add(caplen as usize) else {
                break;
            };
            let Some(data) = rest.get(self.record_header..len) else {
                break;
            };
            let ts = self.header.timestamp(secs, fraction);
            out.packet(Some(ts), self.header.link, 0, data, orig_len);
            used += len;
        }
        used
    }
}

impl RecordFormat for PcapFormat {
    /// A complete record with a believable captured length. The record
    /// header is read as pcap-parser reads it (timestamp, captured and
    /// original length in the file's byte order; the 8 extra bytes of the
    /// modified format skipped). Anything else is left to pcap-parser, so
    /// incomplete records, the end of the file and damage are reported by
    /// the one general path.
    /// Takes every such record at the front of the buffer, one after the
    /// other, in a loop specialised for the file's byte order.
    #[inline]
    fn fast<F: FrameSink + ?Sized>(
        &mut self,
        front: &[u8],
        out: &mut Collector<'_, F>,
    ) -> Option<Result<usize, String>> {
        if !self.past_file_header {
            return None;
        }
        let used = if self.header.big_endian {
            self.records::<true, F>(front, out)
        } else {
            self.records::<false, F>(front, out)
        };
        (used > 0).then_some(Ok(used))
    }

    #[inline]
    fn block<F: FrameSink + ?Sized>(
        &mut self,
        block: PcapBlockOwned<'_>,
        out: &mut Collector<'_, F>,
    ) -> Result<(), String> {
        match block {
            PcapBlockOwned::Legacy(record) => {
                if record.caplen > self.max_caplen {
                    return Err(self.untrusted(record.caplen));
                }
                let ts = self.header.timestamp(record.ts_sec, record.ts_usec);
                out.packet(Some(ts), self.header.link, 0, record.data, record.origlen);
                Ok(())
            }
            PcapBlockOwned::LegacyHeader(_) => {
                self.past_file_header = true;
                Ok(())
            }
            PcapBlockOwned::NG(_) => Err("a pcapng block inside a pcap file".to_string()),
        }
    }

    fn record_len(&self, front: &[u8]) -> Result<Option<usize>, String> {
        let Some(caplen) = read_u32(front, 8, self.header.big_endian) else {
            return Ok(None);
        };
        if caplen > self.max_caplen {
            return Err(self.untrusted(caplen));
        }
        Ok(Some(self.header.record_header_len() + caplen as usize))
    }

    fn malformed(&mut self, _front: &[u8]) -> Result<usize, String> {
        Err("malformed pcap record".to_string())
    }
}

/// Reads big-endian "modified" pcap records by hand (pcap-parser knows the
/// modified magic only in little-endian order). `input` starts with the
/// 24-byte file header.
fn read_modified_big_endian<F: FrameSink + ?Sized>(
    input: &mut dyn Read,
    header: &PcapFileHeader,
    out: &mut Collector<'_, F>,
) -> Stop {
    let record_header = header.record_header_len();
    let max_caplen = header.max_caplen();
    let mut window = Window::new(BUFFER_BYTES);
    let mut offset = PCAP_FILE_HEADER_LEN;
    match window.fill(input, PCAP_FILE_HEADER_LEN) {
        Ok(_) => window.advance(PCAP_FILE_HEADER_LEN),
        Err(_) => return Stop::ReadFailed,
    }
    loop {
        let have = match window.fill(input, record_header) {
            Ok(have) => have,
            Err(_) => return Stop::ReadFailed,
        };
        if have == 0 {
            return Stop::End;
        }
        let front = window.data();
        let (Some(secs), Some(fraction), Some(caplen), Some(orig_len)) = (
            read_u32(front, 0, true),
            read_u32(front, 4, true),
            read_u32(front, 8, true),
            read_u32(front, 12, true),
        ) else {
            return Stop::Damaged(format!(
                "at byte {offset}: the file ends inside a record \
                 ({have} bytes); truncated file or garbage tail"
            ));
        };
        if caplen > max_caplen {
            return Stop::Damaged(format!(
                "at byte {offset}: a record claims {caplen} captured bytes, more than \
                 the {max_caplen} believed for snapshot length {}; corrupt data",
                header.snaplen
            ));
        }
        let len = record_header + caplen as usize;
        let have = match window.fill(input, len) {
            Ok(have) => have,
            Err(_) => return Stop::ReadFailed,
        };
        let Some(data) = window.data().get(record_header..len) else {
            return Stop::Damaged(format!(
                "at byte {offset}: the file ends inside a record ({have} bytes of \
                 the {len} it claims); truncated file or garbage tail"
            ));
        };
        let ts = header.timestamp(secs, fraction);
        out.packet(Some(ts), header.link, 0, data, orig_len);
        window.advance(len);
        offset += len;
    }
}

/// A plain reading window for the hand-written path: `buf[start..end]`
/// holds bytes read but not yet used.
struct Window {
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl Window {
    fn new(capacity: usize) -> Self {
        Window {
            buf: vec![0; capacity],
            start: 0,
            end: 0,
        }
    }

    fn data(&self) -> &[u8] {
        self.buf.get(self.start..self.end).unwrap_or(&[])
    }

    fn advance(&mut self, n: usize) {
        self.start = self.start.saturating_add(n).min(self.end);
    }

    /// Reads until `want` bytes are available or the input ends; returns
    /// how many are available.
    fn fill(&mut self, input: &mut dyn Read, want: usize) -> io::Result<usize> {
        if self.end - self.start >= want {
            return Ok(self.end - self.start);
        }
        if self.buf.len() - self.start < want {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
            if self.buf.len() < want {
                self.buf.resize(want.saturating_add(BUFFER_SLACK), 0);
            }
        }
        while self.end - self.start < want {
            let space = self.buf.get_mut(self.end..).unwrap_or(&mut []);
            let n = input.read(space)?;
            if n == 0 {
                break;
            }
            self.end += n;
        }
        Ok(self.end - self.start)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::Path;

    use flate2::write::GzEncoder;
    use flate2::Compression;
    use serde_json::json;

    use super::super::fixtures::{Pcap, PcapKind, Pcapng};
    use super::*;

    /// A frame as the callback saw it, owned.
    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Seen {
        number: u64,
        ts: Timestamp,
        link: LinkType,
        iface: u32,
        data: Vec<u8>,
        orig_len: u32,
    }

    fn seen(number: u64, ts: Timestamp, link: LinkType, iface: u32, data: &[u8], orig_len: u32) -> Seen {
        Seen {
            number,
            ts,
            link,
            iface,
            data: data.to_vec(),
            orig_len,
        }
    }

    fn read_from(input: &mut dyn Read) -> Result<(CaptureSummary, Vec<Seen>), Error> {
        let mut frames = Vec::new();
        let summary = read_capture(input, "test", &mut |f: &Frame<'_>| {
            frames.push(Seen {
                number: f.number,
                ts: f.ts,
                link: f.link,
                iface: f.iface,
                data: f.data.to_vec(),
                orig_len: f.orig_len,
            })
        })?;
        Ok((summary, frames))
    }

    fn read(bytes: &[u8]) -> Result<(CaptureSummary, Vec<Seen>), Error> {
        read_from(&mut &bytes[..])
    }

    fn read_ok(bytes: &[u8]) -> (CaptureSummary, Vec<Seen>) {
        match read(bytes) {
            Ok(result) => result,
            Err(e) => panic!("read failed: {e}"),
        }
    }

    fn as_json(summary: &CaptureSummary) -> serde_json::Value {
        serde_json::to_value(summary).unwrap_or_default()
    }

    fn secs(ts: Timestamp) -> f64 {
        ts.as_secs_f64()
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(bytes).unwrap_or_default();
        encoder.finish().unwrap_or_default()
    }

    /// Hands out 1 to 7 bytes per call and an `Interrupted` error every
    /// fifth call, to exercise every refill path.
    struct Trickle<'a> {
        data: &'a [u8],
        calls: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls % 5 == 0 {
                return Err(io::Error::from(io::ErrorKind::Interrupted));
            }
            let n = (1 + self.calls % 7).min(buf.len()).min(self.data.len());
            let (now, rest) = self.data.split_at(n);
            buf[..n].copy_from_slice(now);
            self.data = rest;
            Ok(n)
        }
    }

    /// Gives `data`, then fails.
    struct Failing<'a> {
        data: &'a [u8],
    }

    impl Read for Failing<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.data.is_empty() {
                return Err(io::Error::other("disk on fire"));
            }
            let n = buf.len().min(self.data.len());
            let (now, rest) = self.data.split_at(n);
            buf[..n].copy_from_slice(now);
            self.data = rest;
            Ok(n)
        }
    }

    fn two_record_pcap(kind: PcapKind) -> (Vec<u8>, Vec<Seen>) {
        let nano = matches!(kind, PcapKind::NanoLe | PcapKind::NanoBe);
        let (f1, f2) = if nano {
            (123_456_789, 999_999_999)
        } else {
            (123_456, 999_999)
        };
        let bytes = Pcap::new(kind, 65535, 1)
            .record(1_000_000_000, f1, &[1, 2, 3], 60)
            .record(1_000_000_001, f2, &[4; 5], 5)
            .bytes;
        let (n1, n2) = if nano {
            (123_456_789, 999_999_999)
        } else {
            (123_456_000, 999_999_000)
        };
        let frames = vec![
            seen(
                1,
                Timestamp::new(1_000_000_000, n1),
                LinkType::ETHERNET,
                0,
                &[1, 2, 3],
                60,
            ),
            seen(
                2,
                Timestamp::new(1_000_000_001, n2),
                LinkType::ETHERNET,
                0,
                &[4; 5],
                5,
            ),
        ];
        (bytes, frames)
    }

    #[test]
    fn pcap_every_magic_variant() {
        for kind in PcapKind::ALL {
            let (bytes, expected) = two_record_pcap(kind);
            let (summary, frames) = read_ok(&bytes);
            assert_eq!(frames, expected, "{kind:?}");
            let digits = if matches!(kind, PcapKind::NanoLe | PcapKind::NanoBe) {
                9
            } else {
                6
            };
            assert_eq!(
                as_json(&summary),
                json!({
                    "file": "test",
                    "format": "pcap",
                    "gzip": false,
                    "big_endian": kind.big_endian(),
                    "frames": 2,
                    "bytes": 8,
                    "first_time": secs(expected[0].ts),
                    "last_time": secs(expected[1].ts),
                    "interfaces": [{
                        "index": 0,
                        "link_type": 1,
                        "link_type_name": "ETHERNET",
                        "name": null,
                        "ts_resolution_digits": digits,
                        "snaplen": 65535,
                    }],
                    "unsupported_link_types": [],
                    "comments": [],
                    "warnings": [],
                }),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn pcap_fraction_of_a_second_or_more_carries() {
        let bytes = Pcap::new(PcapKind::MicroLe, 0, 101)
            .record(10, 2_500_000, &[0x45], 1)
            .bytes;
        let (summary, frames) = read_ok(&bytes);
        assert_eq!(
            frames,
            vec![seen(
                1,
                Timestamp::new(12, 500_000_000),
                LinkType::RAW,
                0,
                &[0x45],
                1
            )]
        );
        assert_eq!(summary.first_time, Some(12.5));
    }

    #[test]
    fn pcap_link_type_fcs_bits_are_masked() {
        // Bits 28..31 say "FCS of 4 bytes present" (0x1 << 28 | F bit).
        let bytes = Pcap::new(PcapKind::MicroLe, 0, 0x1400_0001)
            .record(1, 0, &[0], 1)
            .bytes;
        let (summary, frames) = read_ok(&bytes);
        assert_eq!(frames[0].link, LinkType::ETHERNET);
        assert_eq!(summary.interfaces[0].link_type, 1);
    }

    #[test]
    fn pcap_header_only_is_an_empty_capture() {
        let bytes = Pcap::new(PcapKind::MicroBe, 96, 9).bytes;
        let (summary, frames) = read_ok(&bytes);
        assert!(frames.is_empty());
        assert_eq!(summary.frames, 0);
        assert_eq!(summary.bytes, 0);
        assert_eq!(summary.first_time, None);
        assert_eq!(summary.last_time, None);
        assert!(summary.big_endian);
        assert_eq!(summary.interfaces[0].link_type_name, "PPP");
        assert!(summary.warnings.is_empty());
    }

    /// The pcapng fixture: two sections, four interfaces, every packet block.
    fn pcapng_fixture() -> (Vec<u8>, Vec<Seen>) {
        let offset = 1000i64.to_le_bytes();
        let bytes = Pcapng::new(false)
            .idb(1, 0, &[(2, b"eth0")])
            .idb(101, 65535, &[(9, &[9]), (14, &offset), (2, b"tun0")])
            .idb(276, 262_144, &[(9, &[0x80 | 20])])
            .block(0x0000_0fff, b"not a block anyone knows")
            .epb(0, 1_600_000_000_123_456, &[0xaa; 14], 14, &[])
            .epb(
                1,
                1_600_000_000_000_000_007,
                &[0x45, 0, 0, 20],
                1500,
                &[(1, b"hello")],
            )
            .epb(
                2,
                (1_600_000_002 << 20) | 0x4_0000,
                &[1, 2, 3, 4, 5],
                5,
                &[(2, &[0, 0, 0, 1]), (1, b"a"), (1, b"b")],
            )
            .spb(3, &[9, 9, 9])
            .packet_block(1, 1_600_000_003_000_000_000, &[7; 6], 6, &[(1, b"old")])
            .section(true)
            .idb(9, 1500, &[(9, &[3])])
            .epb(0, 1_700_000_000_500, &[0xff, 0x03, 0xc0, 0x21], 4, &[])
            .bytes;
        let t3 = Timestamp::new(1_600_000_002, 250_000_000);
        let frames = vec![
            seen(
                1,
                Timestamp::new(1_600_000_000, 123_456_000),
                LinkType::ETHERNET,
                0,
                &[0xaa; 14],
                14,
            ),
            seen(
                2,
                Timestamp::new(1_600_001_000, 7),
                LinkType::RAW,
                1,
                &[0x45, 0, 0, 20],
                1500,
            ),
            seen(3, t3, LinkType::LINUX_SLL2, 2, &[1, 2, 3, 4, 5], 5),
            // A Simple Packet Block has no time stamp: the previous one holds.
            seen(4, t3, LinkType::ETHERNET, 0, &[9, 9, 9], 3),
            seen(5, Timestamp::new(1_600_001_003, 0), LinkType::RAW, 1, &[7; 6], 6),
            seen(
                6,
                Timestamp::new(1_700_000_000, 500_000_000),
                LinkType::PPP,
                3,
                &[0xff, 0x03, 0xc0, 0x21],
                4,
            ),
        ];
        (bytes, frames)
    }

    fn pcapng_fixture_summary(gzip: bool, frames: &[Seen]) -> serde_json::Value {
        json!({
            "file": "test",
            "format": "pcapng",
            "gzip": gzip,
            "big_endian": false,
            "frames": 6,
            "bytes": 36,
            "first_time": secs(frames[0].ts),
            "last_time": secs(frames[5].ts),
            "interfaces": [
                {"index": 0, "link_type": 1, "link_type_name": "ETHERNET", "name": "eth0",
                 "ts_resolution_digits": 6, "snaplen": 0},
                {"index": 1, "link_type": 101, "link_type_name": "RAW", "name": "tun0",
                 "ts_resolution_digits": 9, "snaplen": 65535},
                {"index": 2, "link_type": 276, "link_type_name": "LINUX_SLL2", "name": null,
                 "ts_resolution_digits": 6, "snaplen": 262144},
                {"index": 3, "link_type": 9, "link_type_name": "PPP", "name": null,
                 "ts_resolution_digits": 3, "snaplen": 1500},
            ],
            "unsupported_link_types": [],
            "comments": [
                {"frame": 2, "comment": "hello"},
                {"frame": 3, "comment": "a"},
                {"frame": 3, "comment": "b"},
                {"frame": 5, "comment": "old"},
            ],
            "warnings": [],
        })
    }

    #[test]
    fn pcapng_interfaces_sections_resolutions_and_comments() {
        let (bytes, expected) = pcapng_fixture();
        let (summary, frames) = read_ok(&bytes);
        assert_eq!(frames, expected);
        assert_eq!(as_json(&summary), pcapng_fixture_summary(false, &expected));
    }

    #[test]
    fn gzip_round_trip() {
        let (bytes, expected) = pcapng_fixture();
        let (summary, frames) = read_ok(&gzip(&bytes));
        assert_eq!(frames, expected);
        assert_eq!(as_json(&summary), pcapng_fixture_summary(true, &expected));

        // Concatenated gzip members read as one stream, as zcat reads them.
        let (first, second) = bytes.split_at(100);
        let mut members = gzip(first);
        members.extend(gzip(second));
        let (summary, frames) = read_ok(&members);
        assert_eq!(frames, expected);
        assert!(summary.gzip);

        let (bytes, expected) = two_record_pcap(PcapKind::NanoBe);
        let (summary, frames) = read_ok(&gzip(&bytes));
        assert_eq!(frames, expected);
        assert!(summary.gzip);
        assert!(summary.big_endian);
    }

    #[test]
    fn reads_in_tiny_pieces_give_the_same_result() {
        let (bytes, expected) = pcapng_fixture();
        let (summary, frames) = read_from(&mut Trickle {
            data: &bytes,
            calls: 0,
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(frames, expected);
        assert_eq!(as_json(&summary), pcapng_fixture_summary(false, &expected));

        let zipped = gzip(&bytes);
        let (_, frames) = read_from(&mut Trickle {
            data: &zipped,
            calls: 0,
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(frames, expected);

        for kind in PcapKind::ALL {
            let (bytes, expected) = two_record_pcap(kind);
            let (summary, frames) = read_from(&mut Trickle {
                data: &bytes,
                calls: 0,
            })
            .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(frames, expected, "{kind:?}");
            assert!(summary.warnings.is_empty(), "{kind:?}");
        }
    }

    /// The fast path takes records straight from the buffer; records cut
    /// by the buffer's end wait for a refill. Over several buffers' worth
    /// of records of every size, every frame arrives whole and in order.
    #[test]
    fn records_across_many_refills_arrive_whole_and_in_order() {
        for kind in PcapKind::ALL {
            let nano = matches!(kind, PcapKind::NanoLe | PcapKind::NanoBe);
            let mut pcap = Pcap::new(kind, 65535, 1);
            let mut expected = Vec::new();
            let mut total = 0usize;
            let mut number = 0u64;
            while total < 3 * BUFFER_BYTES {
                number += 1;
                let len = (number as usize * 37) % 1500 + 1;
                let data: Vec<u8> = (0..len).map(|i| (i as u64 + number) as u8).collect();
                let fraction = (number as u32 * 7919) % 1_000_000;
                let secs = 1_600_000_000 + number as u32;
                pcap = pcap.record(secs, fraction, &data, len as u32 + 4);
                let nanos = if nano { fraction } else { fraction * 1000 };
                expected.push(seen(
                    number,
                    Timestamp::new(i64::from(secs), nanos),
                    LinkType::ETHERNET,
                    0,
                    &data,
                    len as u32 + 4,
                ));
                total += len + 24;
            }
            let (summary, frames) = read_ok(&pcap.bytes);
            assert_eq!(frames.len(), expected.len(), "{kind:?}");
            assert!(frames == expected, "{kind:?}");
            assert_eq!(summary.frames, number, "{kind:?}");
            let bytes: usize = expected.iter().map(|f| f.data.len()).sum();
            assert_eq!(summary.bytes, bytes as u64, "{kind:?}");
            assert!(summary.warnings.is_empty(), "{kind:?}");
        }
    }

    #[test]
    fn records_larger_than_the_buffer_grow_it() {
        let big: Vec<u8> = (0..3 * BUFFER_BYTES).map(|i| i as u8).collect();
        for kind in [PcapKind::MicroLe, PcapKind::ModifiedBe] {
            let bytes = Pcap::new(kind, 4 << 20, 1)
                .record(1, 0, &[1; 100], 100)
                .record(2, 0, &big, 70_000)
                .record(3, 0, &[3; 10], 10)
                .bytes;
            let (summary, frames) = read_ok(&bytes);
            assert_eq!(frames.len(), 3, "{kind:?}");
            assert_eq!(frames[1].data, big, "{kind:?}");
            assert_eq!(frames[2].data, vec![3; 10], "{kind:?}");
            assert_eq!(summary.bytes, 110 + big.len() as u64, "{kind:?}");
            assert!(summary.warnings.is_empty(), "{kind:?}");
        }
        let bytes = Pcapng::new(true)
            .idb(1, 0x0100_0000, &[])
            .epb(0, 1, &big, 70_000, &[(1, b"big")])
            .epb(0, 2, &[2; 3], 3, &[])
            .bytes;
        let (summary, frames) = read_ok(&bytes);
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0].data, big);
        assert_eq!(frames[1].data, vec![2; 3]);
        assert_eq!(
            summary.comments,
            vec![FrameComment {
                frame: 1,
                comment: "big".into()
            }]
        );
    }

    #[test]
    fn truncated_last_record_keeps_earlier_frames() {
        for kind in PcapKind::ALL {
            let (mut bytes, expected) = two_record_pcap(kind);
            let whole = bytes.len();
            bytes.extend(
                Pcap::new(kind, 65535, 1)
                    .record(5, 0, &[8; 10], 10)
                    .bytes
                    .split_off(24),
            );
            let header = if matches!(kind, PcapKind::ModifiedLe | PcapKind::ModifiedBe) {
                24
            } else {
                16
            };
            // Cut inside the third record's data.
            bytes.truncate(bytes.len() - 5);
            let (summary, frames) = read_ok(&bytes);
            assert_eq!(frames, expected, "{kind:?}");
            assert_eq!(summary.frames, 2);
            assert_eq!(
                summary.warnings,
                vec![format!(
                    "at byte {whole}: the file ends inside a record ({} bytes of the {} it \
                     claims); truncated file or garbage tail",
                    header + 5,
                    header + 10
                )],
                "{kind:?}"
            );
            // Cut inside the third record's header.
            bytes.truncate(whole + 7);
            let (summary, frames) = read_ok(&bytes);
            assert_eq!(frames, expected, "{kind:?}");
            assert_eq!(
                summary.warnings,
                vec![format!(
                    "at byte {whole}: the file ends inside a record (7 bytes); \
                     truncated file or garbage tail"
                )],
                "{kind:?}"
            );
        }
    }

    #[test]
    fn pcapng_truncated_block_and_garbage_tail() {
        let (bytes, expected) = pcapng_fixture();
        let mut cut = bytes.clone();
        cut.truncate(bytes.len() - 10);
        let (summary, frames) = read_ok(&cut);
        assert_eq!(frames, expected[..5].to_vec());
        let last_epb = bytes.len() - 36;
        assert_eq!(
            summary.warnings,
            vec![format!(
                "at byte {last_epb}: the file ends inside a record (26 bytes of the 36 it \
                 claims); truncated file or garbage tail"
            )]
        );

        let mut tail = bytes.clone();
        tail.extend_from_slice(&[0; 64]);
        let (summary, frames) = read_ok(&tail);
        assert_eq!(frames, expected);
        assert_eq!(
            summary.warnings,
            vec![format!(
                "at byte {}: a block claims a length of 0 bytes; corrupt data or garbage tail",
                bytes.len()
            )]
        );
    }

    #[test]
    fn untrusted_captured_length_stops_the_read() {
        let good = Pcap::new(PcapKind::MicroLe, 65535, 1).record(1, 0, &[1; 4], 4);
        // A whole 300000-byte record: parsed, then refused.
        let bytes = good.record(2, 0, &vec![2; 300_000], 300_000).bytes;
        let (summary, frames) = read_ok(&bytes);
        assert_eq!(frames.len(), 1);
        assert_eq!(
            summary.warnings,
            vec![
                "at byte 44: a record claims 300000 captured bytes, more than the 262144 \
                  believed for snapshot length 65535; corrupt data"
                    .to_string()
            ]
        );
        // A garbage header claiming 4 GB: refused before any buffering.
        let mut bytes = Pcap::new(PcapKind::MicroBe, 65535, 1)
            .record(1, 0, &[1; 4], 4)
            .bytes;
        bytes.extend_from_slice(&[0, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 4, 1, 2]);
        let (summary, frames) = read_ok(&bytes);
        assert_eq!(frames.len(), 1);
        assert_eq!(
            summary.warnings,
            vec![
                "at byte 44: a record claims 4294967280 captured bytes, more than the 262144 \
                  believed for snapshot length 65535; corrupt data"
                    .to_string()
            ]
        );
        // The same as the very first record: nothing was read at all.
        let mut bytes = Pcap::new(PcapKind::MicroLe, 65535, 1).bytes;
        bytes.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0xff, 0xff, 0xff, 4, 0, 0, 0]);
        match read(&bytes) {
            Err(Error::Corrupt { path, detail }) => {
                assert_eq!(path, "test");
                assert_eq!(
                    detail,
                    "at byte 24: a record claims 4294967280 captured bytes, more than the \
                     262144 believed for snapshot length 65535; corrupt data"
                );
            }
            other => panic!("expected Corrupt, got {other:?}"),
        }
        // pcapng: an Enhanced Packet Block longer than its interface allows.
        let bytes = Pcapng::new(false)
            .idb(1, 0, &[])
            .epb(0, 1, &[1], 1, &[])
            .epb(0, 2, &vec![0; 300_000], 300_000, &[])
            .bytes;
        let (summary, frames) = read_ok(&bytes);
        assert_eq!(frames.len(), 1);
        assert_eq!(
            summary.warnings,
            vec![
                "at byte 100: a packet claims 300000 captured bytes, more than the 262144 \
                  believed for snapshot length 0; corrupt data"
                    .to_string()
            ]
        );
    }

    #[test]
    fn pcapng_packet_on_an_undeclared_interface_stops() {
        let bytes = Pcapng::new(false)
            .idb(1, 0, &[])
            .epb(0, 1, &[1], 1, &[])
            .section(false)
            .epb(0, 2, &[2], 1, &[])
            .bytes;
        let (summary, frames) = read_ok(&bytes);
        assert_eq!(frames.len(), 1);
        assert_eq!(
            summary.warnings,
            vec!["at byte 144: a packet names interface 0, but its section declares only 0".to_string()]
        );
    }

    #[test]
    fn pcapng_non_packet_records_take_frame_numbers() {
        let bytes = Pcapng::new(false)
            .idb(1, 0, &[])
            .epb(0, 1, &[1], 1, &[])
            .block(0x0000_0bad, b"\x00\x00\x7e\xd9custom data")
            .block(9, b"MESSAGE=hello\n")
            .epb(0, 2, &[2], 1, &[(1, b"after")])
            .bytes;
        let (summary, frames) = read_ok(&bytes);
        assert_eq!(
            frames,
            vec![
                seen(1, Timestamp::new(0, 1000), LinkType::ETHERNET, 0, &[1], 1),
                seen(4, Timestamp::new(0, 2000), LinkType::ETHERNET, 0, &[2], 1),
            ]
        );
        assert_eq!(summary.frames, 4);
        assert_eq!(summary.bytes, 2);
        assert_eq!(
            summary.comments,
            vec![FrameComment {
                frame: 4,
                comment: "after".into()
            }]
        );
        assert_eq!(
            summary.warnings,
            vec![
                "2 records hold no packet (systemd journal entries or custom blocks); they \
                  are numbered as Wireshark numbers them but not analysed"
                    .to_string()
            ]
        );
    }

    /// Decryption Secrets Blocks reach the caller when read, in file
    /// order between frames, and take no frame number.
    #[test]
    fn pcapng_decryption_secrets_blocks_are_handed_on() {
        let dsb = |kind: u32, data: &[u8]| {
            let mut body = kind.to_le_bytes().to_vec();
            body.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
            body.extend_from_slice(data);
            body.resize(body.len().div_ceil(4) * 4, 0);
            body
        };
        let bytes = Pcapng::new(false)
            .block(10, &dsb(0x544c_534b, b"CLIENT_RANDOM aa bb\n"))
            .idb(1, 0, &[])
            .epb(0, 1, &[1], 1, &[])
            .block(10, &dsb(0x5747_4b4c, b"wg"))
            .epb(0, 2, &[2], 1, &[])
            .bytes;
        let mut seen = Vec::new();
        let mut frames = 0;
        let summary = read_capture_with_secrets(
            &mut bytes.as_slice(),
            "dsb",
            &mut |_: &Frame<'_>| frames += 1,
            &mut |d| seen.push((d.secrets_type, d.data.to_vec(), d.before_frame)),
        )
        .unwrap();
        assert_eq!(
            seen,
            [
                (0x544c_534b, b"CLIENT_RANDOM aa bb\n".to_vec(), 1),
                (0x5747_4b4c, b"wg".to_vec(), 2)
            ]
        );
        assert_eq!((frames, summary.frames), (2, 2));
        assert_eq!(summary.warnings, Vec::<String>::new());
    }

    #[test]
    fn pcapng_malformed_side_block_is_skipped() {
        // A Decryption Secrets Block whose secrets length overruns the block.
        let mut dsb = Vec::new();
        dsb.extend_from_slice(&0x544c_534bu32.to_le_bytes());
        dsb.extend_from_slice(&1000u32.to_le_bytes());
        dsb.extend_from_slice(b"CLIENT_RANDOM");
        let bytes = Pcapng::new(false)
            .idb(1, 0, &[])
            .block(0x0000_000a, &dsb)
            .epb(0, 1, &[1], 1, &[])
            .bytes;
        let (summary, frames) = read_ok(&bytes);
        assert_eq!(
            frames,
            vec![seen(1, Timestamp::new(0, 1000), LinkType::ETHERNET, 0, &[1], 1)]
        );
        assert_eq!(
            summary.warnings,
            vec!["1 malformed non-packet blocks skipped".to_string()]
        );
        // A malformed Enhanced Packet Block (captured length beyond the block) stops.
        let mut bytes = Pcapng::new(false).idb(1, 0, &[]).epb(0, 1, &[1], 1, &[]).bytes;
        let at = bytes.len();
        let shb_len = Pcapng::new(false).bytes.len();
        bytes.extend(
            Pcapng::new(false)
                .epb(0, 2, &[2; 8], 8, &[])
                .bytes
                .split_off(shb_len),
        );
        let caplen_at = at + 20;
        bytes[caplen_at] = 200;
        let (summary, frames) = read_ok(&bytes);
        assert_eq!(frames.len(), 1);
        assert_eq!(
            summary.warnings,
            vec![format!("at byte {at}: malformed Enhanced Packet Block")]
        );
    }

    #[test]
    fn comments_are_bounded() {
        let mut file = Pcapng::new(false).idb(1, 0, &[]);
        for i in 0..MAX_COMMENTS as u64 + 3 {
            file = file.epb(0, i, &[0], 1, &[(1, b"note")]);
        }
        let long = "é".repeat(3000);
        let bytes = file.epb(0, 0, &[0], 1, &[]).bytes;
        let (summary, _) = read_ok(&bytes);
        assert_eq!(summary.comments.len(), MAX_COMMENTS);
        assert_eq!(
            summary.comments[MAX_COMMENTS - 1],
            FrameComment {
                frame: MAX_COMMENTS as u64,
                comment: "note".into()
            }
        );
        assert_eq!(
            summary.warnings,
            vec!["3 more frame comments not kept (limit 10000)".to_string()]
        );

        let bytes = Pcapng::new(false)
            .idb(1, 0, &[(2, "x".repeat(300).as_bytes())])
            .epb(0, 0, &[0], 1, &[(1, long.as_bytes()), (1, b"\xffok")])
            .bytes;
        let (summary, _) = read_ok(&bytes);
        assert_eq!(
            summary.comments,
            vec![
                FrameComment {
                    frame: 1,
                    comment: "é".repeat(2048)
                },
                FrameComment {
                    frame: 1,
                    comment: "\u{fffd}ok".into()
                },
            ]
        );
        assert_eq!(summary.interfaces[0].name, Some("x".repeat(256)));
        assert_eq!(
            summary.warnings,
            vec![
                "1 interface names cut to 256 bytes".to_string(),
                "1 frame comments cut to 4096 bytes".to_string(),
            ]
        );
    }

    #[test]
    fn not_a_capture() {
        for (bytes, detail) in [
            (&b""[..], "empty input"),
            (&b"GET / HTTP/1.1\r\n"[..], "starts with 47 45 54 20"),
            (&b"\x0a\x0d"[..], "starts with 0a 0d"),
            // The pcapng magic with a wrong Byte-Order Magic.
            (
                &b"\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x01\x02\x03\x04"[..],
                "starts with 0a 0d 0d 0a",
            ),
        ] {
            match read(bytes) {
                Err(Error::NotACapture { path, detail: d }) => {
                    assert_eq!(path, "test");
                    assert_eq!(d, detail);
                }
                other => panic!("expected NotACapture, got {other:?}"),
            }
        }
        match read(&gzip(b"just some text")) {
            Err(Error::NotACapture { detail, .. }) => {
                assert_eq!(detail, "decompressed data starts with 6a 75 73 74")
            }
            other => panic!("expected NotACapture, got {other:?}"),
        }
        match read(&gzip(b"")) {
            Err(Error::NotACapture { detail, .. }) => {
                assert_eq!(detail, "gzip data that decompresses to nothing")
            }
            other => panic!("expected NotACapture, got {other:?}"),
        }
        match read(b"\x1f\x8b\x08\x00garbage garbage garbage") {
            Err(Error::NotACapture { detail, .. }) => {
                assert!(
                    detail.starts_with("gzip data that cannot be decompressed ("),
                    "{detail}"
                )
            }
            other => panic!("expected NotACapture, got {other:?}"),
        }
    }

    #[test]
    fn truncated_file_header_is_corrupt() {
        let pcap = Pcap::new(PcapKind::MicroLe, 65535, 1).bytes;
        let pcapng = Pcapng::new(false).bytes;
        for (bytes, detail) in [
            (
                &pcap[..10],
                "the file ends inside its pcap file header (10 of 24 bytes)",
            ),
            (
                &pcapng[..20],
                "the file ends inside its section header block (20 of 44 bytes)",
            ),
        ] {
            match read(bytes) {
                Err(Error::Corrupt { path, detail: d }) => {
                    assert_eq!(path, "test");
                    assert_eq!(d, detail);
                }
                other => panic!("expected Corrupt, got {other:?}"),
            }
        }
    }

    #[test]
    fn io_errors_are_reported_as_io() {
        let (bytes, _) = pcapng_fixture();
        let zipped = gzip(&bytes);
        for (input, after) in [(&bytes[..0], 0), (&bytes[..100], 100), (&zipped[..50], 50)] {
            match read_from(&mut Failing { data: input }) {
                Err(Error::Io { path, source }) => {
                    assert_eq!(path, "test");
                    assert_eq!(source.kind(), io::ErrorKind::Other, "after {after}");
                    assert_eq!(source.to_string(), "disk on fire");
                }
                other => panic!("expected Io after {after} bytes, got {other:?}"),
            }
        }
    }

    #[test]
    fn cut_gzip_stream_keeps_what_was_decompressed() {
        let mut file = Pcap::new(PcapKind::MicroLe, 65535, 1);
        for i in 0..2000u32 {
            file = file.record(i, 0, &i.to_be_bytes().repeat(20), 80);
        }
        let zipped = gzip(&file.bytes);
        let cut = &zipped[..zipped.len() / 2];
        // What a plain decoder yields before it fails.
        let mut partial = Vec::new();
        let failure = MultiGzDecoder::new(cut).read_to_end(&mut partial);
        let Err(e) = failure else {
            panic!("the cut stream decoded")
        };
        let complete = ((partial.len() - 24) / 96) as u64;
        let (summary, frames) = read_ok(cut);
        assert_eq!(summary.frames, complete);
        assert_eq!(frames.len() as u64, complete);
        assert!(summary.gzip);
        assert_eq!(
            summary.warnings,
            vec![format!("the gzip stream breaks off ({e})")]
        );
    }

    #[test]
    fn open_input_reports_missing_files() {
        match open_input("no/such/capture.pcap") {
            Err(Error::Io { path, source }) => {
                assert_eq!(path, "no/such/capture.pcap");
                assert_eq!(source.kind(), io::ErrorKind::NotFound);
            }
            Ok(_) => panic!("opened a missing file"),
            Err(e) => panic!("unexpected {e}"),
        }
    }

    /// One real capture and what tshark says about it.
    struct Reference {
        file: &'static str,
        format: CaptureFormat,
        big_endian: bool,
        frames: u64,
        bytes: u64,
        first: Timestamp,
        last: Timestamp,
    }

    /// Reference values printed by
    /// `tshark -r FILE -T fields -e frame.number -e frame.time_epoch -e frame.cap_len`
    /// (tshark 4.0): frames, captured bytes, first and last time stamps.
    const REAL_CAPTURES: &[Reference] = &[
        Reference {
            file: "ajbanjara_Wireshark__sstp2.pcap",
            format: CaptureFormat::Pcap,
            big_endian: false,
            frames: 911,
            bytes: 123_667,
            first: Timestamp::new(0, 12_000),
            last: Timestamp::new(185, 236_093_000),
        },
        Reference {
            file: "hugsy_sstoper__SSTP_Session_example.pcap",
            format: CaptureFormat::Pcap,
            big_endian: false,
            frames: 324,
            bytes: 47_955,
            first: Timestamp::new(1_277_921_466, 483_381_000),
            last: Timestamp::new(1_277_921_520, 952_697_000),
        },
        Reference {
            file: "ntop_nDPI__pptp.pcap",
            format: CaptureFormat::Pcap,
            big_endian: false,
            frames: 24,
            bytes: 2328,
            first: Timestamp::new(1_451_895_531, 141_577_000),
            last: Timestamp::new(1_451_895_536, 574_011_000),
        },
        Reference {
            file: "openwall_john-samples__lulu-password-pptp.pcap",
            format: CaptureFormat::Pcap,
            big_endian: false,
            frames: 119,
            bytes: 11_605,
            first: Timestamp::new(1_351_009_339, 343_689_000),
            last: Timestamp::new(1_351_009_352, 206_731_000),
        },
        Reference {
            file: "seladb_PcapPlusPlus__GrePackets.pcap",
            format: CaptureFormat::Pcapng,
            big_endian: false,
            frames: 7,
            bytes: 725,
            first: Timestamp::new(1_150_344_981, 941_650_000),
            last: Timestamp::new(1_605_124_619, 87_414_000),
        },
        Reference {
            file: "the-tcpdump-group_tcpdump__pptp.pcap",
            format: CaptureFormat::Pcap,
            big_endian: true,
            frames: 23,
            bytes: 2072,
            first: Timestamp::new(954_147_395, 148_077_000),
            last: Timestamp::new(954_147_396, 347_775_000),
        },
        Reference {
            file: "zeek_zeek__gre-pptp.pcap",
            format: CaptureFormat::Pcap,
            big_endian: false,
            frames: 2,
            bytes: 465,
            first: Timestamp::new(1_417_577_703, 821_897_000),
            last: Timestamp::new(1_417_577_704, 35_791_000),
        },
        Reference {
            file: "epiecs_packetlife-backup__PPTP_negotiation.cap",
            format: CaptureFormat::Pcap,
            big_endian: false,
            frames: 28,
            bytes: 2318,
            first: Timestamp::new(1_405_518_649, 812_800_000),
            last: Timestamp::new(1_405_518_720, 697_808_000),
        },
        Reference {
            file: "moxie0_chapcrack__pptp.cap",
            format: CaptureFormat::Pcap,
            big_endian: false,
            frames: 3,
            bytes: 300,
            first: Timestamp::new(1_338_928_984, 387_487_000),
            last: Timestamp::new(1_338_928_984, 474_098_000),
        },
        Reference {
            file: "moxie0_chapcrack__sample.dump",
            format: CaptureFormat::Pcap,
            big_endian: false,
            frames: 247,
            bytes: 33_051,
            first: Timestamp::new(1_339_294_494, 492_280_000),
            last: Timestamp::new(1_339_294_520, 681_900_000),
        },
        Reference {
            file: "ntop_nDPI__gre.pcapng",
            format: CaptureFormat::Pcapng,
            big_endian: false,
            frames: 1,
            bytes: 384,
            first: Timestamp::new(1_483_501_349, 95_788_000),
            last: Timestamp::new(1_483_501_349, 95_788_000),
        },
        Reference {
            file: "negatives/ajbanjara_Wireshark__c05-http-reply-r1.pcap.gz",
            format: CaptureFormat::Pcap,
            big_endian: false,
            frames: 68_294,
            bytes: 35_913_870,
            first: Timestamp::new(1_014_864_897, 180_427_000),
            last: Timestamp::new(1_014_866_883, 734_711_000),
        },
        Reference {
            file: "negatives/ajbanjara_Wireshark__greb_DSLkeepalive_m.cap",
            format: CaptureFormat::Pcap,
            big_endian: false,
            frames: 6,
            bytes: 654,
            first: Timestamp::new(1_466_939_050, 294_174_000),
            last: Timestamp::new(1_466_939_090, 362_936_000),
        },
        Reference {
            file: "negatives/ajbanjara_Wireshark__rsasnakeoil2.cap",
            format: CaptureFormat::Pcap,
            big_endian: false,
            frames: 58,
            bytes: 24_105,
            first: Timestamp::new(1_145_869_455, 842_911_000),
            last: Timestamp::new(1_145_869_468, 211_338_000),
        },
        Reference {
            file: "negatives/epiecs_packetlife-backup__GRE.cap",
            format: CaptureFormat::Pcap,
            big_endian: false,
            frames: 10,
            bytes: 1380,
            first: Timestamp::new(1_214_049_966, 434_897_000),
            last: Timestamp::new(1_214_049_966, 586_923_000),
        },
        Reference {
            file: "negatives/networklessons_labs__gre-tunnel-with-key.pcapng",
            format: CaptureFormat::Pcapng,
            big_endian: false,
            frames: 2,
            bytes: 284,
            first: Timestamp::new(1_586_505_749, 823_095_000),
            last: Timestamp::new(1_586_505_749, 825_515_000),
        },
        Reference {
            file: "negatives/zeek_zeek__gre-erspan3-dot1q.pcap",
            format: CaptureFormat::Pcap,
            big_endian: false,
            frames: 2,
            bytes: 320,
            first: Timestamp::new(1_582_807_360, 142_640_000),
            last: Timestamp::new(1_582_807_360, 143_012_000),
        },
    ];

    const CAPTURES: &str = "../shared/captures";

    #[test]
    fn real_captures_match_tshark() {
        if !Path::new(CAPTURES).is_dir() {
            eprintln!("{CAPTURES} not found; skipped");
            return;
        }
        for reference in REAL_CAPTURES {
            let file = reference.file;
            let path = format!("{CAPTURES}/{file}");
            let mut input = open_input(&path).unwrap_or_else(|e| panic!("{e}"));
            let mut numbers = Vec::new();
            let mut times = Vec::new();
            let summary = read_capture(&mut input, &path, &mut |f: &Frame<'_>| {
                numbers.push(f.number);
                times.push(f.ts);
            })
            .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(summary.file, path);
            assert_eq!(summary.format, reference.format, "{file}");
            assert_eq!(summary.gzip, file.ends_with(".gz"), "{file}");
            assert_eq!(summary.big_endian, reference.big_endian, "{file}");
            assert_eq!(summary.frames, reference.frames, "{file}");
            assert_eq!(summary.bytes, reference.bytes, "{file}");
            assert_eq!(numbers, (1..=reference.frames).collect::<Vec<_>>(), "{file}");
            assert_eq!(times.first(), Some(&reference.first), "{file}");
            assert_eq!(times.last(), Some(&reference.last), "{file}");
            assert_eq!(summary.first_time, Some(reference.first.as_secs_f64()));
            assert_eq!(summary.last_time, Some(reference.last.as_secs_f64()));
            assert!(summary.warnings.is_empty(), "{file}: {:?}", summary.warnings);
            assert!(summary.comments.is_empty(), "{file}");
        }
    }

    #[test]
    fn real_pcapng_interfaces() {
        let path = format!("{CAPTURES}/seladb_PcapPlusPlus__GrePackets.pcap");
        let Ok(mut input) = open_input(&path) else {
            eprintln!("{path} not found; skipped");
            return;
        };
        let mut ifaces = Vec::new();
        let summary = read_capture(&mut input, &path, &mut |f: &Frame<'_>| ifaces.push(f.iface))
            .unwrap_or_else(|e| panic!("{e}"));
        // tshark -e frame.interface_id
        assert_eq!(ifaces, vec![0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(
            summary.interfaces,
            vec![
                InterfaceInfo {
                    index: 0,
                    link_type: 1,
                    link_type_name: "ETHERNET".into(),
                    name: Some("Unknown/not available in original file format(libpcap)".into()),
                    ts_resolution_digits: 6,
                    snaplen: 262_144,
                },
                InterfaceInfo {
                    index: 1,
                    link_type: 1,
                    link_type_name: "ETHERNET".into(),
                    name: None,
                    ts_resolution_digits: 6,
                    snaplen: 65535,
                },
            ]
        );
    }

    /// A pcap of `records` small packets, produced on the fly so that
    /// nothing large is held in memory.
    struct Generated {
        chunk: Vec<u8>,
        header: Vec<u8>,
        left: usize,
        at: usize,
    }

    impl Read for Generated {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if !self.header.is_empty() {
                let n = buf.len().min(self.header.len());
                buf[..n].copy_from_slice(&self.header[..n]);
                self.header.drain(..n);
                return Ok(n);
            }
            if self.left == 0 {
                return Ok(0);
            }
            let n = buf.len().min(self.chunk.len() - self.at);
            buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
            self.at += n;
            if self.at == self.chunk.len() {
                self.at = 0;
                self.left -= 1;
            }
            Ok(n)
        }
    }

    /// Throughput self-check: `cargo test --release --lib capture::reader::tests::throughput -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn throughput() {
        let packet = [0x5au8; 64];
        let mut pcap = Pcap::new(PcapKind::MicroLe, 65535, 1);
        let mut ng = Pcapng::new(false);
        let mut flagged = Pcapng::new(false);
        for i in 0..10_000u32 {
            pcap = pcap.record(i, 0, &packet, 64);
            ng = ng.epb(0, u64::from(i), &packet, 64, &[]);
            flagged = flagged.epb(0, u64::from(i), &packet, 64, &[(2, &[1, 0, 0, 0])]);
        }
        let ng_header = Pcapng::new(false).idb(1, 0, &[]).bytes;
        let shb_len = Pcapng::new(false).bytes.len();
        for (what, header, chunk) in [
            ("pcap", pcap.bytes[..24].to_vec(), pcap.bytes[24..].to_vec()),
            ("pcapng", ng_header.clone(), ng.bytes.split_off(shb_len)),
            (
                "pcapng with epb_flags",
                ng_header,
                flagged.bytes.split_off(shb_len),
            ),
        ] {
            let repeats = (2usize << 30) / chunk.len();
            let total = (header.len() + chunk.len() * repeats) as f64;
            let mut input = Generated {
                chunk,
                header,
                left: repeats,
                at: 0,
            };
            let mut sum = 0u64;
            let start = std::time::Instant::now();
            let summary = read_capture(&mut input, what, &mut |f: &Frame<'_>| {
                sum = sum.wrapping_add(u64::from(f.data[0]));
            })
            .unwrap_or_else(|e| panic!("{e}"));
            let elapsed = start.elapsed().as_secs_f64();
            eprintln!(
                "{what}: {} frames, {:.0} MB in {elapsed:.2} s: {:.0} MB/s, {:.1} Mframes/s ({sum})",
                summary.frames,
                total / 1e6,
                total / 1e6 / elapsed,
                summary.frames as f64 / 1e6 / elapsed
            );
        }
    }
}
