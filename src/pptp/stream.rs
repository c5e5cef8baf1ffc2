//! Framing PPTP messages out of a reassembled TCP stream (to be written).
