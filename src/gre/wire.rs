//! Enhanced GRE header (to be written).
