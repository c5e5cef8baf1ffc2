//! Byte builders for tests: PPP frames and the packets inside them, written
//! from the RFC layouts so the decoders can be checked against them.

/// One Type/Length/Data option (RFC 1661 §6).
pub fn opt(kind: u8, data: &[u8]) -> Vec<u8> {
    let mut out = vec![kind, (data.len() + 2) as u8];
    out.extend_from_slice(data);
    out
}

/// Code/Identifier/Length/Data (RFC 1661 §5; also PAP, CHAP, EAP, CBCP).
pub fn packet(code: u8, identifier: u8, data: &[u8]) -> Vec<u8> {
    let mut out = vec![code, identifier];
    out.extend_from_slice(&((data.len() + 4) as u16).to_be_bytes());
    out.extend_from_slice(data);
    out
}

/// A control packet whose data is a list of options.
pub fn control(code: u8, identifier: u8, options: &[Vec<u8>]) -> Vec<u8> {
    packet(code, identifier, &options.concat())
}

pub fn lcp_mru(mru: u16) -> Vec<u8> {
    opt(1, &mru.to_be_bytes())
}

pub fn lcp_accm(map: u32) -> Vec<u8> {
    opt(2, &map.to_be_bytes())
}

pub fn lcp_auth_chap(algorithm: u8) -> Vec<u8> {
    opt(3, &[0xC2, 0x23, algorithm])
}

pub fn lcp_auth_pap() -> Vec<u8> {
    opt(3, &[0xC0, 0x23])
}

pub fn lcp_auth_eap() -> Vec<u8> {
    opt(3, &[0xC2, 0x27])
}

pub fn lcp_magic(magic: u32) -> Vec<u8> {
    opt(5, &magic.to_be_bytes())
}

pub fn lcp_pfc() -> Vec<u8> {
    opt(7, &[])
}

pub fn lcp_acfc() -> Vec<u8> {
    opt(8, &[])
}

pub fn ipcp_addr(kind: u8, address: [u8; 4]) -> Vec<u8> {
    opt(kind, &address)
}

pub fn ccp_mppe(bits: u32) -> Vec<u8> {
    opt(18, &bits.to_be_bytes())
}

/// A full PPP frame: `FF 03` and a two-byte protocol.
pub fn frame(protocol: u16, information: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, 0x03];
    out.extend_from_slice(&protocol.to_be_bytes());
    out.extend_from_slice(information);
    out
}

/// A frame with ACFC and, for protocols below 0x100, PFC.
pub fn frame_compressed(protocol: u16, information: &[u8]) -> Vec<u8> {
    let mut out = if protocol < 0x100 {
        vec![protocol as u8]
    } else {
        protocol.to_be_bytes().to_vec()
    };
    out.extend_from_slice(information);
    out
}

/// A CHAP Challenge or Response: Value-Size, Value, Name (RFC 1994 §4.1).
pub fn chap_value(code: u8, identifier: u8, value: &[u8], name: &[u8]) -> Vec<u8> {
    let mut data = vec![value.len() as u8];
    data.extend_from_slice(value);
    data.extend_from_slice(name);
    packet(code, identifier, &data)
}

/// The 49-byte MS-CHAPv2 Response value (RFC 2759 §4).
pub fn ms_chap_v2_value(peer_challenge: [u8; 16], nt_response: [u8; 24]) -> Vec<u8> {
    let mut v = peer_challenge.to_vec();
    v.extend_from_slice(&[0; 8]);
    v.extend_from_slice(&nt_response);
    v.push(0);
    v
}

/// A PAP Authenticate-Request (RFC 1334 §2.2.1).
pub fn pap_request(identifier: u8, peer_id: &[u8], password: &[u8]) -> Vec<u8> {
    let mut data = vec![peer_id.len() as u8];
    data.extend_from_slice(peer_id);
    data.push(password.len() as u8);
    data.extend_from_slice(password);
    packet(1, identifier, &data)
}

/// A PAP Authenticate-Ack (2) or -Nak (3) (RFC 1334 §2.2.2).
pub fn pap_reply(code: u8, identifier: u8, message: &[u8]) -> Vec<u8> {
    let mut data = vec![message.len() as u8];
    data.extend_from_slice(message);
    packet(code, identifier, &data)
}

/// An EAP Request (1) or Response (2) with a type (RFC 2284 §2).
pub fn eap(code: u8, identifier: u8, eap_type: u8, type_data: &[u8]) -> Vec<u8> {
    let mut data = vec![eap_type];
    data.extend_from_slice(type_data);
    packet(code, identifier, &data)
}

/// The two-byte MPPE header (RFC 3078 §3.1).
pub fn mppe(flags: u8, coherency_count: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![
        flags | ((coherency_count >> 8) as u8 & 0x0F),
        coherency_count as u8,
    ];
    out.extend_from_slice(payload);
    out
}

/// A 20-byte IPv4 header with `protocol`, no payload.
pub fn ipv4(protocol: u8, source: [u8; 4], destination: [u8; 4]) -> Vec<u8> {
    let mut out = vec![0x45, 0, 0, 20, 0, 1, 0, 0, 64, protocol, 0, 0];
    out.extend_from_slice(&source);
    out.extend_from_slice(&destination);
    out
}

/// A 40-byte IPv6 header with `next_header`, no payload.
pub fn ipv6(next_header: u8, source: [u8; 16], destination: [u8; 16]) -> Vec<u8> {
    let mut out = vec![0x60, 0, 0, 0, 0, 0, next_header, 64];
    out.extend_from_slice(&source);
    out.extend_from_slice(&destination);
    out
}
