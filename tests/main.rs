//! Integration tests: one binary, one module per area.

mod cli;
mod common;
mod golden;
mod real_captures;
