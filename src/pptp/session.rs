//! Control connection and call state (to be written).
