//! The library's error type. Problems inside a capture are findings, not
//! errors: an `Error` means an input could not be read at all or a
//! command-line value is unusable.

use std::io;

/// Everything that stops tunnelscope from producing a report for an input.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    /// The bytes are not a pcap or pcapng capture.
    #[error("{path}: not a pcap or pcapng capture ({detail})")]
    NotACapture { path: String, detail: String },
    /// The capture starts correctly but its structure breaks before any frame.
    #[error("{path}: unreadable capture: {detail}")]
    Corrupt { path: String, detail: String },
    /// A value given on the command line cannot be used.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// True when the error is a closed output pipe (`tunnelscope … | head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }
}
