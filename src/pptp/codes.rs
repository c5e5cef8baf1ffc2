//! PPTP code tables (to be written).
