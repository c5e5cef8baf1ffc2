//! The two-byte header of an MPPE/MPPC datagram, PPP protocol 0x00FD
//! (RFC 3078 §3.1, RFC 2118 §3):
//!
//! ```text
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
//! |A|B|C|D|   Coherency Count     |  encrypted (and/or compressed) data…
//! ```

use super::{Layer, Result, WireError};

mod field {
    pub type Field = core::ops::Range<usize>;
    pub const HEADER: Field = 0..2;
    pub const HEADER_LEN: usize = 2;
}

/// A: FLUSHED, the RC4 (and history) state was reset before this packet.
pub const FLAG_FLUSHED: u8 = 0x80;
/// B: MPPC "packet at front of history" (RFC 2118).
pub const FLAG_B: u8 = 0x40;
/// C: MPPC compressed.
pub const FLAG_COMPRESSED: u8 = 0x20;
/// D: encrypted.
pub const FLAG_ENCRYPTED: u8 = 0x10;
/// The coherency count wraps at this value (12 bits).
pub const COHERENCY_MODULUS: u16 = 4096;

/// A zero-copy view of an MPPE datagram.
#[derive(Debug, Clone, Copy)]
pub struct MppePacket<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> MppePacket<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        MppePacket { buffer }
    }

    pub fn new_checked(buffer: T) -> Result<Self> {
        let p = Self::new_unchecked(buffer);
        p.check_len()?;
        Ok(p)
    }

    /// The two header bytes must be there.
    pub fn check_len(&self) -> Result<()> {
        let len = self.buffer.as_ref().len();
        if len < field::HEADER_LEN {
            return Err(WireError::Truncated {
                layer: Layer::Mppe,
                offset: 0,
                needed: field::HEADER_LEN,
                available: len,
            });
        }
        Ok(())
    }

    fn header(&self) -> [u8; 2] {
        self.buffer
            .as_ref()
            .get(field::HEADER)
            .and_then(|b| b.try_into().ok())
            .unwrap_or([0, 0])
    }

    pub fn flushed(&self) -> bool {
        self.header()[0] & FLAG_FLUSHED != 0
    }

    pub fn flag_b(&self) -> bool {
        self.header()[0] & FLAG_B != 0
    }

    pub fn compressed(&self) -> bool {
        self.header()[0] & FLAG_COMPRESSED != 0
    }

    pub fn encrypted(&self) -> bool {
        self.header()[0] & FLAG_ENCRYPTED != 0
    }

    /// Coherency Count: +1 per packet, modulo 4096 (RFC 3078 §3.1).
    pub fn coherency_count(&self) -> u16 {
        let [high, low] = self.header();
        u16::from_be_bytes([high & 0x0F, low])
    }

    /// The ciphertext (RFC 3078 §3.1).
    pub fn payload(&self) -> &[u8] {
        self.buffer.as_ref().get(field::HEADER_LEN..).unwrap_or(&[])
    }
}

/// The decoded header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MppeHeader {
    pub flushed: bool,
    pub flag_b: bool,
    pub compressed: bool,
    pub encrypted: bool,
    pub coherency_count: u16,
}

impl MppeHeader {
    pub fn parse<T: AsRef<[u8]>>(packet: &MppePacket<T>) -> Result<Self> {
        packet.check_len()?;
        Ok(MppeHeader {
            flushed: packet.flushed(),
            flag_b: packet.flag_b(),
            compressed: packet.compressed(),
            encrypted: packet.encrypted(),
            coherency_count: packet.coherency_count(),
        })
    }

    /// The header bytes.
    pub fn emit(&self) -> [u8; 2] {
        let mut high = (self.coherency_count >> 8) as u8 & 0x0F;
        for (set, flag) in [
            (self.flushed, FLAG_FLUSHED),
            (self.flag_b, FLAG_B),
            (self.compressed, FLAG_COMPRESSED),
            (self.encrypted, FLAG_ENCRYPTED),
        ] {
            if set {
                high |= flag;
            }
        }
        [high, self.coherency_count as u8]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deconstruct_stateless_header() {
        // First encrypted frame of the lulu capture: 90 00.
        let bytes = [0x90, 0x00, 0xde, 0xad];
        let p = MppePacket::new_checked(&bytes[..]).unwrap();
        assert!(p.flushed());
        assert!(!p.flag_b());
        assert!(!p.compressed());
        assert!(p.encrypted());
        assert_eq!(p.coherency_count(), 0);
        assert_eq!(p.payload(), &[0xde, 0xad]);
    }

    #[test]
    fn deconstruct_every_flag_and_high_count() {
        let p = MppePacket::new_checked([0x7F, 0xFF]).unwrap();
        assert!(!p.flushed());
        assert!(p.flag_b());
        assert!(p.compressed());
        assert!(p.encrypted());
        assert_eq!(p.coherency_count(), 4095);
        assert!(p.payload().is_empty());
        let h = MppeHeader::parse(&p).unwrap();
        assert_eq!(
            h,
            MppeHeader {
                flushed: false,
                flag_b: true,
                compressed: true,
                encrypted: true,
                coherency_count: 4095
            }
        );
    }

    #[test]
    fn construct_round_trips() {
        let h = MppeHeader {
            flushed: true,
            flag_b: false,
            compressed: false,
            encrypted: true,
            coherency_count: 0x0A5C,
        };
        assert_eq!(h.emit(), [0x9A, 0x5C]);
        assert_eq!(
            MppeHeader::parse(&MppePacket::new_unchecked(h.emit())).unwrap(),
            h
        );
    }

    #[test]
    fn builder_header_decodes_back() {
        let bytes = crate::ppp::build::mppe(FLAG_FLUSHED | FLAG_ENCRYPTED, 0x123, &[7]);
        let p = MppePacket::new_checked(&bytes[..]).unwrap();
        assert_eq!(
            (p.flushed(), p.encrypted(), p.coherency_count(), p.payload()),
            (true, true, 0x123, &[7][..])
        );
    }

    #[test]
    fn short_header_is_an_error() {
        assert_eq!(
            MppePacket::new_checked(&[0x90][..]).err(),
            Some(WireError::Truncated {
                layer: Layer::Mppe,
                offset: 0,
                needed: 2,
                available: 1
            })
        );
        assert!(MppeHeader::parse(&MppePacket::new_unchecked(&[][..])).is_err());
    }
}
