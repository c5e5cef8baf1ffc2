//! tunnelscope: explains PPTP and SSTP VPN sessions found in packet captures.
//!
//! The pipeline is one streaming pass (see `docs/architecture.md`):
//! [`capture`] reads frames, [`net`] decodes link and IP layers and reassembles
//! TCP, [`pptp`] and [`gre`] rebuild the VPN sessions, [`analysis`] turns
//! what was tracked into findings and [`report`] renders the result.
#![forbid(unsafe_code)]

pub mod analysis;
pub mod capture;
pub mod certfile;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod error;
pub mod gre;
pub mod net;
pub mod pipeline;
pub mod ppp;
pub mod pptp;
pub mod report;
pub mod roles;
pub mod sstp;
pub mod synth;
pub mod text;
pub mod tls;

pub use config::{Config, Limits};
pub use error::Error;
pub use report::Report;
