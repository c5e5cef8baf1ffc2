//! The application exchange of one whole SSTP session, as the ordered
//! writes of its two ends: what an SSTP client and server hand to TLS.
//!
//! The recorded TLS captures (`examples/record_tls.rs`,
//! `scripts/record-openssl-tls.sh`) push these bytes through real TLS
//! implementations, step by step, so that a decrypted capture shows exactly
//! the session of [`sstp_clean_tls_server`]: the clean SHA-256 session of
//! `sstp-clean-sha256.pcap` ([MS-SSTP] §3.2.1: HTTP `SSTP_DUPLEX_POST` and
//! its 200 answer, Call Connect Request/Ack, LCP, MS-CHAPv2, Call Connected
//! with a crypto binding to `captures/sstp-tls-server.pem`, IPCP, DNS, Echo,
//! LCP Terminate, Call Disconnect/Ack).
//!
//! The steps are taken from that scenario's capture, built in memory: each
//! TCP segment with data is one step. Nothing is re-encoded, so the steps
//! cannot drift from the scenario. Reading the capture back relies only on
//! the layout this generator's own writers give it (classic pcap,
//! little-endian, Ethernet II without tags, IPv4 without options, one TCP
//! conversation opened by a SYN); it shares nothing with tunnelscope's
//! decoders.

use std::time::Duration;

use super::scenarios::sstp_clean_tls_server;
use super::tcp::Side;
use super::{Result, SynthError};
use crate::capture::Timestamp;

/// One write of one end of the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Who writes.
    pub side: Side,
    /// What it writes: one or more whole SSTP packets, or an HTTP head.
    pub bytes: Vec<u8>,
    /// Time since the previous step was sent (the first step: since the
    /// frame before it, the last of the TCP handshake). It includes the
    /// peer's answer time where the step answers the previous one.
    pub wait: Duration,
}

/// The steps of the clean SSTP session bound to the third test certificate
/// (`sstp-tls-server.pem`): 26 writes, starting with the client's HTTP
/// request and ending with the server's Call Disconnect Ack.
pub fn sstp_session_steps() -> Result<Vec<Step>> {
    let scenario = sstp_clean_tls_server()?;
    steps_from_pcap(&scenario.bytes)
}

const PCAP_HEADER_LEN: usize = 24;
const RECORD_HEADER_LEN: usize = 16;
/// `0xA1B2C3D4` stored little-endian: microsecond timestamps.
const PCAP_MAGIC_LE_MICROS: [u8; 4] = [0xD4, 0xC3, 0xB2, 0xA1];
const ETHERNET_HEADER_LEN: usize = 14;
const ETHERTYPE_IPV4: [u8; 2] = [0x08, 0x00];
const IP_PROTOCOL_TCP: u8 = 6;
const TCP_SYN: u8 = 0x02;
const TCP_ACK: u8 = 0x10;

fn malformed(what: &'static str) -> SynthError {
    SynthError::Unsupported(what)
}

fn be16(b: &[u8], at: usize) -> Result<u16> {
    let hi = b.get(at).copied().ok_or_else(|| malformed("frame cut short"))?;
    let lo = b
        .get(at + 1)
        .copied()
        .ok_or_else(|| malformed("frame cut short"))?;
    Ok(u16::from_be_bytes([hi, lo]))
}

fn be32(b: &[u8], at: usize) -> Result<u32> {
    Ok(u32::from(be16(b, at)?) << 16 | u32::from(be16(b, at + 2)?))
}

fn le32(b: &[u8], at: usize) -> Result<u32> {
    let mut v = [0u8; 4];
    v.copy_from_slice(
        b.get(at..at + 4)
            .ok_or_else(|| malformed("pcap record cut short"))?,
    );
    Ok(u32::from_le_bytes(v))
}

fn nanos_since_epoch(ts: Timestamp) -> i128 {
    i128::from(ts.secs) * 1_000_000_000 + i128::from(ts.nanos)
}

/// One TCP segment of a frame: (source port, flags, sequence number,
/// payload).
fn tcp_of_frame(frame: &[u8]) -> Result<(u16, u8, u32, &[u8])> {
    if frame.get(12..14) != Some(&ETHERTYPE_IPV4[..]) {
        return Err(malformed("frame is not Ethernet II carrying IPv4"));
    }
    let ip = frame
        .get(ETHERNET_HEADER_LEN..)
        .ok_or_else(|| malformed("frame cut short"))?;
    let version_ihl = ip.first().copied().ok_or_else(|| malformed("frame cut short"))?;
    let ihl = usize::from(version_ihl & 0x0F) * 4;
    if version_ihl >> 4 != 4 || ihl < 20 || ip.get(9) != Some(&IP_PROTOCOL_TCP) {
        return Err(malformed("datagram is not IPv4 carrying TCP"));
    }
    // The total length, not the frame, bounds the datagram: Ethernet pads
    // short frames to 60 bytes (RFC 894).
    let total = usize::from(be16(ip, 2)?);
    let tcp = ip
        .get(ihl..total)
        .ok_or_else(|| malformed("IPv4 total length beyond the frame"))?;
    let offset = usize::from(
        tcp.get(12)
            .copied()
            .ok_or_else(|| malformed("TCP header cut short"))?
            >> 4,
    ) * 4;
    let flags = tcp
        .get(13)
        .copied()
        .ok_or_else(|| malformed("TCP header cut short"))?;
    let payload = tcp
        .get(offset..)
        .ok_or_else(|| malformed("TCP data offset beyond the segment"))?;
    Ok((be16(tcp, 0)?, flags, be32(tcp, 4)?, payload))
}

/// The data segments of a capture this generator wrote (see the module
/// documentation for the layout it expects) as steps, in frame order. The
/// client is the end that sent the SYN. A segment that does not continue
/// its direction's byte stream (a retransmission, a reordering) is refused:
/// a step list has no place for it.
pub fn steps_from_pcap(pcap: &[u8]) -> Result<Vec<Step>> {
    if pcap.get(..4) != Some(&PCAP_MAGIC_LE_MICROS[..]) {
        return Err(malformed("not a little-endian microsecond pcap"));
    }
    let mut at = PCAP_HEADER_LEN;
    let mut client_port = None;
    // Next sequence number expected from the client and from the server.
    let mut next_seq: [Option<u32>; 2] = [None, None];
    let mut previous: Option<Timestamp> = None;
    let mut last_step: Option<Timestamp> = None;
    let mut steps = Vec::new();
    while at < pcap.len() {
        let secs = le32(pcap, at)?;
        let micros = le32(pcap, at + 4)?;
        let incl_len = usize::try_from(le32(pcap, at + 8)?).map_err(|_| malformed("record too long"))?;
        let data_start = at + RECORD_HEADER_LEN;
        let frame = pcap
            .get(data_start..data_start + incl_len)
            .ok_or_else(|| malformed("pcap record cut short"))?;
        at = data_start + incl_len;
        let ts = Timestamp::new(i64::from(secs), micros.saturating_mul(1000));
        let (src_port, flags, seq, payload) = tcp_of_frame(frame)?;
        if flags & TCP_SYN != 0 && flags & TCP_ACK == 0 {
            client_port = Some(src_port);
        }
        let side = match client_port {
            Some(p) if p == src_port => Side::Client,
            Some(_) => Side::Server,
            None => return Err(malformed("data before the client's SYN")),
        };
        let index = usize::from(side == Side::Server);
        let span = u32::try_from(payload.len()).map_err(|_| malformed("segment too long"))?
            + u32::from(flags & TCP_SYN != 0)
            + u32::from(flags & 0x01 != 0);
        if !payload.is_empty() {
            if next_seq.get(index).copied().flatten() != Some(seq) {
                return Err(malformed("segment out of stream order"));
            }
            let since = last_step.or(previous).unwrap_or(ts);
            let gap = u64::try_from(nanos_since_epoch(ts) - nanos_since_epoch(since)).unwrap_or(0);
            steps.push(Step {
                side,
                bytes: payload.to_vec(),
                wait: Duration::from_nanos(gap),
            });
            last_step = Some(ts);
        }
        if let Some(n) = next_seq.get_mut(index) {
            *n = Some(seq.wrapping_add(span));
        }
        previous = Some(ts);
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::scenarios::sstp_clean_sha256;

    const C: Side = Side::Client;
    const S: Side = Side::Server;

    /// The session's writes: who, how long, and the first bytes (the HTTP
    /// method, the status line, or the SSTP header: version 0x10, C bit,
    /// length; then a control Message Type or the PPP protocol).
    #[test]
    fn the_session_as_steps() {
        let steps = sstp_session_steps().unwrap();
        // Frames 4-23, 25-26 and 28-31 of the scenario's 34 (the others
        // are the TCP handshake, two bare ACKs and the FIN exchange).
        assert_eq!(steps.len(), 26);
        let sides: Vec<Side> = steps.iter().map(|s| s.side).collect();
        assert_eq!(
            sides,
            [C, S, C, S, C, S, C, S, C, S, C, C, S, C, C, S, C, S, C, S, S, C, C, S, C, S]
        );
        assert!(steps[0]
            .bytes
            .starts_with(b"SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\n"));
        assert!(steps[1].bytes.starts_with(b"HTTP/1.1 200 OK\r\n"));
        // Control packets: C bit set, then the Message Type (MS-SSTP §2.2.3).
        let control = |i: usize| -> Option<u16> {
            let b = &steps[i].bytes;
            (b[0] == 0x10 && b[1] == 0x01).then(|| u16::from_be_bytes([b[4], b[5]]))
        };
        let types: Vec<(usize, u16)> = (0..steps.len())
            .filter_map(|i| control(i).map(|t| (i, t)))
            .collect();
        assert_eq!(
            types,
            [(2, 1), (3, 2), (10, 4), (20, 8), (21, 9), (24, 6), (25, 7)]
        );
        // The Call Connected is 112 bytes and hashes the third certificate.
        assert_eq!(steps[10].bytes.len(), 112);
        assert_eq!(
            steps[10].bytes[48..80],
            [
                0x62, 0x94, 0x66, 0x11, 0xfc, 0xef, 0x55, 0x3a, 0xaf, 0x34, 0x82, 0x3f, 0xaa, 0x9a, 0xc6,
                0x9b, 0xd8, 0x5b, 0xc6, 0x38, 0xec, 0x38, 0x61, 0x93, 0x1e, 0x82, 0x10, 0xc8, 0xba, 0x71,
                0xa8, 0x2e
            ]
        );
        // The server's LCP request and ack travel in one write: two SSTP
        // data packets back to back.
        let first_len = usize::from(u16::from_be_bytes([steps[5].bytes[2], steps[5].bytes[3]]) & 0x0FFF);
        assert!(first_len < steps[5].bytes.len());
        assert_eq!(steps[5].bytes[first_len], 0x10);
        // Waits: answers come one LAN round trip (2 ms, plus the 150 µs
        // frame step) after the request. Before the Echo Request: 40 ms to
        // the client's bare ACK and 60 s of idle; before the LCP
        // Terminate-Request: 2 ms to the server's bare ACK and 5 s.
        assert_eq!(steps[0].wait, Duration::from_micros(150));
        assert_eq!(steps[1].wait, Duration::from_micros(2_150));
        let long: Vec<(usize, Duration)> = steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.wait >= Duration::from_secs(1))
            .map(|(i, s)| (i, s.wait))
            .collect();
        assert_eq!(
            long,
            [
                (20, Duration::from_micros(60_040_300)),
                (22, Duration::from_micros(5_002_300))
            ]
        );
    }

    /// Only the Call Connected differs from the SHA-256 scenario's writes.
    #[test]
    fn steps_differ_from_the_sha256_session_only_in_the_binding() {
        let ours = sstp_session_steps().unwrap();
        let original = steps_from_pcap(&sstp_clean_sha256().unwrap().bytes).unwrap();
        assert_eq!(ours.len(), original.len());
        let differing: Vec<usize> = (0..ours.len()).filter(|&i| ours[i] != original[i]).collect();
        assert_eq!(differing, [10]);
        assert_eq!(ours[10].bytes[..48], original[10].bytes[..48]);
    }

    #[test]
    fn foreign_or_broken_captures_are_refused() {
        let bytes = sstp_clean_sha256().unwrap().bytes;
        assert!(steps_from_pcap(&bytes[4..]).is_err());
        assert!(steps_from_pcap(&bytes[..bytes.len() - 1]).is_err());
        assert!(steps_from_pcap(&[]).is_err());
    }
}
