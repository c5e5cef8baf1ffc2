//! The streaming pass that ties the layers together (to be written).
