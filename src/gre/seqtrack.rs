//! GRE sequence tracking (to be written).
