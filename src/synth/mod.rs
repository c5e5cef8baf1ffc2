//! Building captures from scenario descriptions: a pcap/pcapng writer and
//! packet builders. Used by the capture generator, tests and benchmarks.
