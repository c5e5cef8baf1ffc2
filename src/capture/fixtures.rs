//! Byte builders for capture files in tests: pcap in all its variants and
//! pcapng blocks, written field by field from the format descriptions.

/// The pcap magic-number variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PcapKind {
    MicroLe,
    MicroBe,
    NanoLe,
    NanoBe,
    ModifiedLe,
    ModifiedBe,
}

impl PcapKind {
    pub(super) const ALL: [PcapKind; 6] = [
        PcapKind::MicroLe,
        PcapKind::MicroBe,
        PcapKind::NanoLe,
        PcapKind::NanoBe,
        PcapKind::ModifiedLe,
        PcapKind::ModifiedBe,
    ];

    pub(super) fn big_endian(self) -> bool {
        matches!(self, PcapKind::MicroBe | PcapKind::NanoBe | PcapKind::ModifiedBe)
    }

    fn magic(self) -> u32 {
        match self {
            PcapKind::MicroLe | PcapKind::MicroBe => 0xa1b2_c3d4,
            PcapKind::NanoLe | PcapKind::NanoBe => 0xa1b2_3c4d,
            PcapKind::ModifiedLe | PcapKind::ModifiedBe => 0xa1b2_cd34,
        }
    }

    fn modified(self) -> bool {
        matches!(self, PcapKind::ModifiedLe | PcapKind::ModifiedBe)
    }
}

fn u16_bytes(v: u16, be: bool) -> [u8; 2] {
    if be {
        v.to_be_bytes()
    } else {
        v.to_le_bytes()
    }
}

fn u32_bytes(v: u32, be: bool) -> [u8; 4] {
    if be {
        v.to_be_bytes()
    } else {
        v.to_le_bytes()
    }
}

/// A pcap file under construction.
pub(super) struct Pcap {
    pub(super) bytes: Vec<u8>,
    kind: PcapKind,
}

impl Pcap {
    pub(super) fn new(kind: PcapKind, snaplen: u32, link: u32) -> Self {
        let be = kind.big_endian();
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&u32_bytes(kind.magic(), be));
        bytes.extend_from_slice(&u16_bytes(2, be));
        bytes.extend_from_slice(&u16_bytes(4, be));
        bytes.extend_from_slice(&u32_bytes(0, be)); // thiszone
        bytes.extend_from_slice(&u32_bytes(0, be)); // sigfigs
        bytes.extend_from_slice(&u32_bytes(snaplen, be));
        bytes.extend_from_slice(&u32_bytes(link, be));
        Pcap { bytes, kind }
    }

    /// Appends a record; `fraction` is in the file's unit (µs or ns).
    pub(super) fn record(mut self, secs: u32, fraction: u32, data: &[u8], orig_len: u32) -> Self {
        let be = self.kind.big_endian();
        self.bytes.extend_from_slice(&u32_bytes(secs, be));
        self.bytes.extend_from_slice(&u32_bytes(fraction, be));
        self.bytes
            .extend_from_slice(&u32_bytes(u32::try_from(data.len()).unwrap_or(0), be));
        self.bytes.extend_from_slice(&u32_bytes(orig_len, be));
        if self.kind.modified() {
            self.bytes.extend_from_slice(&u32_bytes(7, be)); // ifindex
            self.bytes.extend_from_slice(&u16_bytes(0x0800, be)); // protocol
            self.bytes.extend_from_slice(&[4, 0]); // pkt_type, pad
        }
        self.bytes.extend_from_slice(data);
        self
    }
}

/// A pcapng option list ending with opt_endofopt (empty when no options).
pub(super) fn options(be: bool, list: &[(u16, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    if list.is_empty() {
        return out;
    }
    for (code, value) in list {
        out.extend_from_slice(&u16_bytes(*code, be));
        out.extend_from_slice(&u16_bytes(u16::try_from(value.len()).unwrap_or(0), be));
        out.extend_from_slice(value);
        pad(&mut out);
    }
    out.extend_from_slice(&[0, 0, 0, 0]);
    out
}

fn pad(out: &mut Vec<u8>) {
    while out.len() % 4 != 0 {
        out.push(0);
    }
}

/// A pcapng file under construction; blocks use the current section's
/// byte order.
pub(super) struct Pcapng {
    pub(super) bytes: Vec<u8>,
    be: bool,
}

impl Pcapng {
    /// A file starting with a Section Header Block in the given byte order.
    pub(super) fn new(be: bool) -> Self {
        Pcapng {
            bytes: Vec::new(),
            be,
        }
        .section(be)
    }

    /// Starts a new section.
    pub(super) fn section(mut self, be: bool) -> Self {
        self.be = be;
        let mut body = Vec::new();
        body.extend_from_slice(&u32_bytes(0x1a2b_3c4d, be));
        body.extend_from_slice(&u16_bytes(1, be));
        body.extend_from_slice(&u16_bytes(0, be));
        body.extend_from_slice(&[0xff; 8]); // section length unknown
        body.extend(options(be, &[(4, b"fixture")])); // shb_userappl
        self.block(0x0a0d_0d0a, &body)
    }

    /// Appends a block of any type with its length fields.
    pub(super) fn block(mut self, block_type: u32, body: &[u8]) -> Self {
        let mut body = body.to_vec();
        pad(&mut body);
        let len = u32::try_from(body.len() + 12).unwrap_or(0);
        self.bytes.extend_from_slice(&u32_bytes(block_type, self.be));
        self.bytes.extend_from_slice(&u32_bytes(len, self.be));
        self.bytes.extend_from_slice(&body);
        self.bytes.extend_from_slice(&u32_bytes(len, self.be));
        self
    }

    pub(super) fn idb(self, link: u16, snaplen: u32, opts: &[(u16, &[u8])]) -> Self {
        let be = self.be;
        let mut body = Vec::new();
        body.extend_from_slice(&u16_bytes(link, be));
        body.extend_from_slice(&u16_bytes(0, be));
        body.extend_from_slice(&u32_bytes(snaplen, be));
        body.extend(options(be, opts));
        self.block(1, &body)
    }

    pub(super) fn epb(self, iface: u32, ts: u64, data: &[u8], orig_len: u32, opts: &[(u16, &[u8])]) -> Self {
        let be = self.be;
        let mut body = Vec::new();
        body.extend_from_slice(&u32_bytes(iface, be));
        body.extend_from_slice(&u32_bytes((ts >> 32) as u32, be));
        body.extend_from_slice(&u32_bytes(ts as u32, be));
        body.extend_from_slice(&u32_bytes(u32::try_from(data.len()).unwrap_or(0), be));
        body.extend_from_slice(&u32_bytes(orig_len, be));
        body.extend_from_slice(data);
        pad(&mut body);
        body.extend(options(be, opts));
        self.block(6, &body)
    }

    pub(super) fn spb(self, orig_len: u32, data: &[u8]) -> Self {
        let mut body = u32_bytes(orig_len, self.be).to_vec();
        body.extend_from_slice(data);
        self.block(3, &body)
    }

    /// The obsolete Packet Block (type 2).
    pub(super) fn packet_block(
        self,
        iface: u16,
        ts: u64,
        data: &[u8],
        orig_len: u32,
        opts: &[(u16, &[u8])],
    ) -> Self {
        let be = self.be;
        let mut body = Vec::new();
        body.extend_from_slice(&u16_bytes(iface, be));
        body.extend_from_slice(&u16_bytes(0, be)); // drops
        body.extend_from_slice(&u32_bytes((ts >> 32) as u32, be));
        body.extend_from_slice(&u32_bytes(ts as u32, be));
        body.extend_from_slice(&u32_bytes(u32::try_from(data.len()).unwrap_or(0), be));
        body.extend_from_slice(&u32_bytes(orig_len, be));
        body.extend_from_slice(data);
        pad(&mut body);
        body.extend(options(be, opts));
        self.block(2, &body)
    }
}
