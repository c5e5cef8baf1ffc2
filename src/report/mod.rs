//! Report model and renderers (to be written).
