//! Findings derived from tracked sessions (to be written).
