//! The report: a serde model with a documented JSON form
//! (`docs/report-schema.md`), and its renderers: tables, the teaching flow
//! ladder and JSON. Renderers only read the model.

pub mod flow;
pub mod json;
pub mod model;
pub mod sstp_render;
pub mod table;

pub use model::Report;
