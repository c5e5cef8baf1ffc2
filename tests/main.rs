//! Integration tests: one binary, one module per area.

mod cli;
mod common;
mod generated;
mod golden;
mod gre_golden;
mod output;
mod ppp_scenarios;
mod real_captures;
mod scenarios;
mod sstp_scenarios;
mod tls_decrypt;
