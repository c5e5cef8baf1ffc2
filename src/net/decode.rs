//! Frame → packet decoding (to be written).
use crate::capture::Frame;
use crate::config::Limits;
use super::Packet;

/// Counts of what the network layer saw and skipped.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct NetStats {}

/// Decodes frames into packets, reassembling IP fragments.
pub struct Decoder {}

impl Decoder {
    pub fn new(_limits: &Limits) -> Self {
        Decoder {}
    }

    /// Decodes one frame; calls `sink` once per transport payload found
    /// (zero times for non-IP frames or fragments still incomplete).
    pub fn decode(&mut self, _frame: &Frame<'_>, _sink: &mut dyn FnMut(&Packet<'_>)) {}

    pub fn stats(&self) -> &NetStats {
        &NetStats {}
    }
}
