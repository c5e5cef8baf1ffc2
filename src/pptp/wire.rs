//! PPTP control message decoder (to be written).
