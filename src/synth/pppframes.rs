//! PPP frames as a PPTP call carries them in enhanced GRE, encoded by hand
//! from the specifications for the generated captures: framing with and
//! without Address-and-Control-Field and Protocol-Field compression
//! (RFC 1661 §6.5–6.6), the Code/Identifier/Length packets of LCP and the
//! NCPs (RFC 1661 §5), LCP, IPCP (RFC 1332, RFC 1877), IPV6CP (RFC 5072)
//! and CCP/MPPE (RFC 1962, RFC 3078) options, PAP (RFC 1334), CHAP with
//! MD5, MS-CHAP v1 and v2 (RFC 1994, RFC 2433, RFC 2759) including the
//! MS-CHAPv2 Change-Password packet, EAP (RFC 2284) with EAP-MSCHAPv2, and
//! stateless MPPE data frames (RFC 3078 §3, §7.3).
//!
//! Shares no code with the PPP decoder (`crate::ppp`): the captures built
//! from these frames are the ground truth it is tested against. The key
//! math (NT-Response, RC4, DES, MPPE keys) comes from `crate::crypto`,
//! which is checked against the RFC test vectors.
//!
//! Builders return [`SynthError::TooLong`] when a length does not fit its
//! field; everything else is infallible.

use std::net::Ipv4Addr;

use super::{Result, SynthError};
use crate::crypto::mppe::{change_key, initial_session_key, KeyStrength, Rc4, SessionKey};
use crate::crypto::mschapv2::{des_encrypt, nt_password_hash};

/// PPP Protocol field values (RFC 1661 §2 and the RFCs of each protocol).
pub mod protocol {
    /// IPv4 datagram (RFC 1332).
    pub const IPV4: u16 = 0x0021;
    /// IPv6 datagram (RFC 5072).
    pub const IPV6: u16 = 0x0057;
    /// Compressed, or MPPE-encrypted, datagram (RFC 1962, RFC 3078 §3).
    pub const COMPRESSED_DATAGRAM: u16 = 0x00FD;
    /// IP Control Protocol (RFC 1332).
    pub const IPCP: u16 = 0x8021;
    /// IPv6 Control Protocol (RFC 5072).
    pub const IPV6CP: u16 = 0x8057;
    /// Compression Control Protocol (RFC 1962).
    pub const CCP: u16 = 0x80FD;
    /// Link Control Protocol (RFC 1661).
    pub const LCP: u16 = 0xC021;
    /// Password Authentication Protocol (RFC 1334).
    pub const PAP: u16 = 0xC023;
    /// Challenge-Handshake Authentication Protocol (RFC 1994).
    pub const CHAP: u16 = 0xC223;
    /// Extensible Authentication Protocol (RFC 2284).
    pub const EAP: u16 = 0xC227;
}

/// Codes of LCP (RFC 1661 §5, RFC 1570) and, for 1–7, of the NCPs and
/// CCP; 14 and 15 are CCP's (RFC 1962 §3.1).
pub mod code {
    /// Configure-Request.
    pub const CONFIGURE_REQUEST: u8 = 1;
    /// Configure-Ack.
    pub const CONFIGURE_ACK: u8 = 2;
    /// Configure-Nak.
    pub const CONFIGURE_NAK: u8 = 3;
    /// Configure-Reject.
    pub const CONFIGURE_REJECT: u8 = 4;
    /// Terminate-Request.
    pub const TERMINATE_REQUEST: u8 = 5;
    /// Terminate-Ack.
    pub const TERMINATE_ACK: u8 = 6;
    /// Code-Reject.
    pub const CODE_REJECT: u8 = 7;
    /// Protocol-Reject (LCP only).
    pub const PROTOCOL_REJECT: u8 = 8;
    /// Echo-Request (LCP only).
    pub const ECHO_REQUEST: u8 = 9;
    /// Echo-Reply (LCP only).
    pub const ECHO_REPLY: u8 = 10;
    /// Discard-Request (LCP only).
    pub const DISCARD_REQUEST: u8 = 11;
    /// Identification (LCP, RFC 1570 §2.1).
    pub const IDENTIFICATION: u8 = 12;
    /// Reset-Request (CCP).
    pub const RESET_REQUEST: u8 = 14;
    /// Reset-Ack (CCP).
    pub const RESET_ACK: u8 = 15;
}

/// PAP codes (RFC 1334 §2.2).
pub mod pap_code {
    /// Authenticate-Request.
    pub const AUTHENTICATE_REQUEST: u8 = 1;
    /// Authenticate-Ack.
    pub const AUTHENTICATE_ACK: u8 = 2;
    /// Authenticate-Nak.
    pub const AUTHENTICATE_NAK: u8 = 3;
}

/// CHAP codes (RFC 1994 §4) and MS-CHAPv2's Change-Password (RFC 2759 §7).
pub mod chap_code {
    /// Challenge.
    pub const CHALLENGE: u8 = 1;
    /// Response.
    pub const RESPONSE: u8 = 2;
    /// Success.
    pub const SUCCESS: u8 = 3;
    /// Failure.
    pub const FAILURE: u8 = 4;
    /// MS-CHAPv2 Change-Password (version 3 layout).
    pub const CHANGE_PASSWORD: u8 = 7;
}

/// CHAP Algorithm values of the LCP Authentication-Protocol option
/// (RFC 1994 §3, RFC 2433 §2, RFC 2759 §2).
pub mod chap_algorithm {
    /// MD5.
    pub const MD5: u8 = 0x05;
    /// MS-CHAP (version 1).
    pub const MSCHAP_V1: u8 = 0x80;
    /// MS-CHAP-V2.
    pub const MSCHAP_V2: u8 = 0x81;
}

/// EAP codes (RFC 2284 §2.2).
pub mod eap_code {
    /// Request.
    pub const REQUEST: u8 = 1;
    /// Response.
    pub const RESPONSE: u8 = 2;
    /// Success.
    pub const SUCCESS: u8 = 3;
    /// Failure.
    pub const FAILURE: u8 = 4;
}

/// EAP Types (RFC 2284 §3; 26 from the IANA registry).
pub mod eap_type {
    /// Identity.
    pub const IDENTITY: u8 = 1;
    /// EAP-MSCHAPv2.
    pub const MSCHAP_V2: u8 = 26;
}

/// EAP-MSCHAPv2 OpCodes (the MS-CHAPv2 CHAP codes carried in EAP).
pub mod eap_mschapv2_opcode {
    /// Challenge.
    pub const CHALLENGE: u8 = 1;
    /// Response.
    pub const RESPONSE: u8 = 2;
    /// Success.
    pub const SUCCESS: u8 = 3;
    /// Failure.
    pub const FAILURE: u8 = 4;
}

/// Supported Bits of the CCP MPPE option (RFC 3078 §2.1).
pub mod mppe_bits {
    /// H: stateless mode.
    pub const H: u32 = 0x0100_0000;
    /// M: 56-bit keys.
    pub const M: u32 = 0x0000_0080;
    /// S: 128-bit keys.
    pub const S: u32 = 0x0000_0040;
    /// L: 40-bit keys.
    pub const L: u32 = 0x0000_0020;
}

/// How a sender frames its PPP packets: which of the compressions the
/// peer agreed to receive are in use (RFC 1661 §6.5, §6.6).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Framing {
    /// Address-and-Control-Field-Compression: `FF 03` left out.
    pub acfc: bool,
    /// Protocol-Field-Compression: protocols below 0x0100 in one byte.
    pub pfc: bool,
}

impl Framing {
    /// `FF 03` and a two-byte protocol on every frame.
    pub const FULL: Framing = Framing {
        acfc: false,
        pfc: false,
    };
    /// Both compressions in use.
    pub const COMPRESSED: Framing = Framing {
        acfc: true,
        pfc: true,
    };
}

/// One PPP frame as the GRE payload (RFC 2637 §4: no flags, no FCS):
/// address and control `FF 03` unless ACFC, the protocol in two bytes or
/// in one under PFC when its high byte is zero, then the information.
///
/// LCP keeps the full header whatever was agreed (RFC 1661 §6.5, §6.6).
pub fn frame(framing: Framing, protocol: u16, information: &[u8]) -> Vec<u8> {
    let link_control = protocol == protocol::LCP;
    let mut f = Vec::with_capacity(4 + information.len());
    if !framing.acfc || link_control {
        f.extend_from_slice(&[0xFF, 0x03]);
    }
    match u8::try_from(protocol) {
        Ok(short) if framing.pfc && !link_control => f.push(short),
        _ => f.extend_from_slice(&protocol.to_be_bytes()),
    }
    f.extend_from_slice(information);
    f
}

fn too_long(what: &'static str, len: usize, max: usize) -> SynthError {
    SynthError::TooLong { what, len, max }
}

fn len_u8(what: &'static str, len: usize) -> Result<u8> {
    u8::try_from(len).map_err(|_| too_long(what, len, 255))
}

/// A packet of LCP, an NCP, CCP, PAP, CHAP or EAP (RFC 1661 §5, RFC 1334
/// §2.2, RFC 1994 §4, RFC 2284 §2): Code, Identifier, Length (counting
/// from Code to the end) and data.
pub fn packet(code: u8, identifier: u8, data: &[u8]) -> Result<Vec<u8>> {
    let total = data.len() + 4;
    let length = u16::try_from(total).map_err(|_| too_long("PPP packet", total, 65_535))?;
    let mut p = Vec::with_capacity(total);
    p.extend_from_slice(&[code, identifier]);
    p.extend_from_slice(&length.to_be_bytes());
    p.extend_from_slice(data);
    Ok(p)
}

/// A configuration option: Type, Length (the whole option), data
/// (RFC 1661 §6).
pub fn option(kind: u8, data: &[u8]) -> Result<Vec<u8>> {
    let length = len_u8("configuration option", data.len() + 2)?;
    let mut o = vec![kind, length];
    o.extend_from_slice(data);
    Ok(o)
}

/// The LCP configuration options the scenarios use (RFC 1661 §6,
/// RFC 1570 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LcpOption {
    /// Type 1, Maximum-Receive-Unit.
    Mru(u16),
    /// Type 2, Async-Control-Character-Map.
    Accm(u32),
    /// Type 3, Authentication-Protocol PAP (`C0 23`).
    AuthPap,
    /// Type 3, Authentication-Protocol CHAP (`C2 23`) with an Algorithm
    /// (see [`chap_algorithm`]).
    AuthChap(u8),
    /// Type 3, Authentication-Protocol EAP (`C2 27`).
    AuthEap,
    /// Type 5, Magic-Number.
    MagicNumber(u32),
    /// Type 7, Protocol-Field-Compression.
    Pfc,
    /// Type 8, Address-and-Control-Field-Compression.
    Acfc,
    /// Type 13, Callback with an Operation (6: determined during CBCP, as
    /// Windows asks).
    Callback(u8),
}

impl LcpOption {
    /// The option's bytes.
    pub fn encode(&self) -> Vec<u8> {
        match *self {
            LcpOption::Mru(mru) => [&[1, 4][..], &mru.to_be_bytes()].concat(),
            LcpOption::Accm(map) => [&[2, 6][..], &map.to_be_bytes()].concat(),
            LcpOption::AuthPap => vec![3, 4, 0xC0, 0x23],
            LcpOption::AuthChap(algorithm) => vec![3, 5, 0xC2, 0x23, algorithm],
            LcpOption::AuthEap => vec![3, 4, 0xC2, 0x27],
            LcpOption::MagicNumber(magic) => [&[5, 6][..], &magic.to_be_bytes()].concat(),
            LcpOption::Pfc => vec![7, 2],
            LcpOption::Acfc => vec![8, 2],
            LcpOption::Callback(operation) => vec![13, 3, operation],
        }
    }
}

/// Options one after the other, as a Configure packet's data.
pub fn lcp_options(options: &[LcpOption]) -> Vec<u8> {
    options.iter().flat_map(LcpOption::encode).collect()
}

/// The CCP MPPE option `12 06 <Supported Bits>` (RFC 3078 §2.1).
pub fn mppe_option(supported_bits: u32) -> Vec<u8> {
    [&[18, 6][..], &supported_bits.to_be_bytes()].concat()
}

/// The IPCP options the scenarios use (RFC 1332 §3.3, RFC 1877 §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpcpOption {
    /// Type 3, IP-Address (0.0.0.0 asks the peer to assign one).
    IpAddress(Ipv4Addr),
    /// Type 129, Primary DNS Server Address.
    PrimaryDns(Ipv4Addr),
    /// Type 131, Secondary DNS Server Address.
    SecondaryDns(Ipv4Addr),
}

impl IpcpOption {
    /// The option's bytes (6 each).
    pub fn encode(&self) -> Vec<u8> {
        let (kind, address) = match *self {
            IpcpOption::IpAddress(a) => (3, a),
            IpcpOption::PrimaryDns(a) => (129, a),
            IpcpOption::SecondaryDns(a) => (131, a),
        };
        [&[kind, 6][..], &address.octets()].concat()
    }
}

/// Options one after the other, as a Configure packet's data.
pub fn ipcp_options(options: &[IpcpOption]) -> Vec<u8> {
    options.iter().flat_map(IpcpOption::encode).collect()
}

/// The IPV6CP Interface-Identifier option `01 0A <8 bytes>` (RFC 5072 §4.1).
pub fn ipv6cp_interface_identifier(identifier: [u8; 8]) -> Vec<u8> {
    [&[1, 10][..], &identifier].concat()
}

/// LCP Echo-Request, Echo-Reply or Discard-Request data: the sender's
/// Magic-Number, then anything (RFC 1661 §5.8).
pub fn magic_data(magic: u32, data: &[u8]) -> Vec<u8> {
    [&magic.to_be_bytes()[..], data].concat()
}

/// LCP Protocol-Reject data: the Rejected-Protocol and the rejected
/// packet's information, from its Code on (RFC 1661 §5.7).
pub fn protocol_reject_data(rejected_protocol: u16, rejected_information: &[u8]) -> Vec<u8> {
    [&rejected_protocol.to_be_bytes()[..], rejected_information].concat()
}

/// PAP Authenticate-Request data: Peer-ID-Length, Peer-ID,
/// Passwd-Length, Password (RFC 1334 §2.2.1).
pub fn pap_request_data(peer_id: &str, password: &str) -> Result<Vec<u8>> {
    let mut d = vec![len_u8("PAP Peer-ID", peer_id.len())?];
    d.extend_from_slice(peer_id.as_bytes());
    d.push(len_u8("PAP Password", password.len())?);
    d.extend_from_slice(password.as_bytes());
    Ok(d)
}

/// PAP Authenticate-Ack or -Nak data: Msg-Length, Message (RFC 1334
/// §2.2.2).
pub fn pap_reply_data(message: &str) -> Result<Vec<u8>> {
    let mut d = vec![len_u8("PAP Message", message.len())?];
    d.extend_from_slice(message.as_bytes());
    Ok(d)
}

/// CHAP Challenge or Response data: Value-Size, Value, Name (RFC 1994
/// §4.1).
pub fn chap_value_data(value: &[u8], name: &str) -> Result<Vec<u8>> {
    let mut d = vec![len_u8("CHAP Value", value.len())?];
    d.extend_from_slice(value);
    d.extend_from_slice(name.as_bytes());
    Ok(d)
}

/// The 49-byte MS-CHAPv2 Response Value: Peer-Challenge (16), 8 reserved
/// zero bytes, NT-Response (24), Flags 0 (RFC 2759 §4).
pub fn mschapv2_response_value(peer_challenge: &[u8; 16], nt_response: &[u8; 24]) -> Vec<u8> {
    let mut v = Vec::with_capacity(49);
    v.extend_from_slice(peer_challenge);
    v.extend_from_slice(&[0; 8]);
    v.extend_from_slice(nt_response);
    v.push(0);
    v
}

/// The 49-byte MS-CHAP v1 Response Value: LAN Manager response (24), NT
/// response (24), Flags (1 = use the NT response) (RFC 2433 §5).
pub fn mschapv1_response_value(lm_response: &[u8; 24], nt_response: &[u8; 24], use_nt: bool) -> Vec<u8> {
    let mut v = Vec::with_capacity(49);
    v.extend_from_slice(lm_response);
    v.extend_from_slice(nt_response);
    v.push(u8::from(use_nt));
    v
}

/// Uppercase hexadecimal, as RFC 2759 writes S= and C=.
pub fn upper_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// The MS-CHAPv2 Success message: `S=<40 hex digits> M=<text>` (RFC 2759
/// §5).
pub fn mschapv2_success_message(authenticator_response: &[u8; 20], text: &str) -> String {
    format!("S={} M={text}", upper_hex(authenticator_response))
}

/// The MS-CHAPv2 Failure message:
/// `E=<error> R=<retry> C=<32 hex digits> V=<version> M=<text>` (RFC 2759
/// §6).
pub fn mschapv2_failure_message(
    error: u32,
    retry: bool,
    challenge: &[u8; 16],
    version: u32,
    text: &str,
) -> String {
    format!(
        "E={error} R={} C={} V={version} M={text}",
        u8::from(retry),
        upper_hex(challenge)
    )
}

/// EncryptPwBlockWithPasswordHash via NewPasswordEncryptedWithOldNtPasswordHash
/// (RFC 2759 §8.9–8.11): a 516-byte block holding the new password in
/// UTF-16LE at the end of 512 bytes (the rest `fill`), then its length in
/// bytes as a little-endian 32-bit value (a Windows DWORD), all
/// RC4-encrypted under the NT hash of the old password.
pub fn new_password_encrypted_with_old_nt_password_hash(
    new_password: &str,
    old_password: &str,
    fill: &[u8; 512],
) -> Result<[u8; 516]> {
    let unicode: Vec<u8> = new_password.encode_utf16().flat_map(u16::to_le_bytes).collect();
    if unicode.len() > 512 {
        return Err(too_long("new password (UTF-16)", unicode.len(), 512));
    }
    let mut block = [0u8; 516];
    let start = 512 - unicode.len();
    for (i, byte) in block.iter_mut().enumerate().take(512) {
        *byte = match i.checked_sub(start) {
            Some(at) => unicode.get(at).copied().unwrap_or(0),
            None => fill.get(i).copied().unwrap_or(0),
        };
    }
    let length = (unicode.len() as u32).to_le_bytes();
    for (dst, src) in block.iter_mut().skip(512).zip(length) {
        *dst = src;
    }
    let old_hash = nt_password_hash(old_password);
    if let Some(mut rc4) = Rc4::new(&old_hash) {
        rc4.apply_keystream(&mut block);
    }
    Ok(block)
}

/// OldNtPasswordHashEncryptedWithNewNtPasswordHash (RFC 2759 §8.12–8.13):
/// the old NT hash in two 8-byte halves, each DES-encrypted under 7 bytes
/// of the new NT hash.
pub fn old_nt_password_hash_encrypted_with_new_nt_password_hash(
    new_password: &str,
    old_password: &str,
) -> [u8; 16] {
    let old_hash = nt_password_hash(old_password);
    let new_hash = nt_password_hash(new_password);
    let mut out = [0u8; 16];
    for half in 0..2 {
        let mut clear = [0u8; 8];
        let mut key = [0u8; 7];
        for (dst, src) in clear.iter_mut().zip(old_hash.iter().skip(8 * half)) {
            *dst = *src;
        }
        for (dst, src) in key.iter_mut().zip(new_hash.iter().skip(7 * half)) {
            *dst = *src;
        }
        for (dst, src) in out.iter_mut().skip(8 * half).zip(des_encrypt(&clear, &key)) {
            *dst = src;
        }
    }
    out
}

/// The data of an MS-CHAPv2 Change-Password packet (RFC 2759 §7), 582
/// bytes after the 4-byte header: Encrypted-Password (516),
/// Encrypted-Hash (16), Peer-Challenge (16), Reserved (8 zero bytes),
/// NT-Response (24), Flags (2, zero).
pub fn mschapv2_change_password_data(
    encrypted_password: &[u8; 516],
    encrypted_hash: &[u8; 16],
    peer_challenge: &[u8; 16],
    nt_response: &[u8; 24],
) -> Vec<u8> {
    let mut d = Vec::with_capacity(582);
    d.extend_from_slice(encrypted_password);
    d.extend_from_slice(encrypted_hash);
    d.extend_from_slice(peer_challenge);
    d.extend_from_slice(&[0; 8]);
    d.extend_from_slice(nt_response);
    d.extend_from_slice(&[0, 0]);
    d
}

/// EAP Request or Response data: Type, Type-Data (RFC 2284 §3).
pub fn eap_type_data(kind: u8, type_data: &[u8]) -> Vec<u8> {
    [&[kind][..], type_data].concat()
}

/// The Type-Data of an EAP-MSCHAPv2 packet (type 26, draft-kamath-pppext-
/// eap-mschapv2 §2): OpCode, MS-CHAPv2-ID, MS-Length (the EAP Length minus
/// the 5 bytes of EAP header and Type) and the MS-CHAPv2 data (Value-Size,
/// Value, Name for a Challenge or Response; the message for a Success).
pub fn eap_mschapv2_data(opcode: u8, mschapv2_id: u8, data: &[u8]) -> Result<Vec<u8>> {
    let total = data.len() + 4;
    let ms_length = u16::try_from(total).map_err(|_| too_long("EAP-MSCHAPv2 packet", total, 65_535))?;
    let mut d = vec![opcode, mschapv2_id];
    d.extend_from_slice(&ms_length.to_be_bytes());
    d.extend_from_slice(data);
    Ok(d)
}

/// The two-byte MPPE header (RFC 3078 §3.1): A (FLUSHED, 0x80), D
/// (encrypted, 0x10) and the 12-bit coherency count.
pub fn mppe_header(coherency_count: u16, flushed: bool, encrypted: bool) -> [u8; 2] {
    let count = coherency_count & 0x0FFF;
    let flags = (u16::from(flushed) << 15) | (u16::from(encrypted) << 12);
    (flags | count).to_be_bytes()
}

/// One direction's MPPE encryption in stateless mode (RFC 3078 §3, §7.3;
/// RFC 3079 §3): the key changes before every packet, starting from the
/// initial session key of the direction's start key, so the packet with
/// coherency count 0 already uses the once-changed key; each packet is
/// encrypted with a fresh RC4 state and sent with FLUSHED and ENCRYPTED
/// set.
#[derive(Debug, Clone)]
pub struct StatelessMppe {
    start_key: [u8; 16],
    key: SessionKey,
    next_count: u16,
}

impl StatelessMppe {
    /// The sender of one direction whose start key (GetAsymmetricStartKey
    /// for MS-CHAPv2, GetStartKey for MS-CHAP v1 at 128 bits) is
    /// `start_key`.
    pub fn new(start_key: [u8; 16], strength: KeyStrength) -> Self {
        StatelessMppe {
            key: initial_session_key(&start_key, strength),
            start_key,
            next_count: 0,
        }
    }

    /// The coherency count the next packet gets.
    pub fn next_count(&self) -> u16 {
        self.next_count
    }

    /// The information of the next 0x00FD frame (header and ciphertext)
    /// for `plaintext`, which starts with the inner PPP protocol field.
    pub fn seal(&mut self, plaintext: &[u8]) -> Vec<u8> {
        self.key = change_key(&self.start_key, &self.key);
        let count = self.next_count;
        self.next_count = (count + 1) & 0x0FFF;
        let mut body = plaintext.to_vec();
        if let Some(mut rc4) = Rc4::new(self.key.as_bytes()) {
            rc4.apply_keystream(&mut body);
        }
        [&mppe_header(count, true, true)[..], &body].concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::mppe::get_asymmetric_start_key;
    use crate::crypto::mppe::{KeyDirection, Side};

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect()
    }

    #[test]
    fn framing_with_and_without_compression() {
        let info = [1, 2, 3];
        assert_eq!(
            frame(Framing::FULL, protocol::IPV4, &info),
            [0xFF, 0x03, 0x00, 0x21, 1, 2, 3]
        );
        assert_eq!(frame(Framing::COMPRESSED, protocol::IPV4, &info), [0x21, 1, 2, 3]);
        assert_eq!(
            frame(Framing::COMPRESSED, protocol::COMPRESSED_DATAGRAM, &[]),
            [0xFD]
        );
        // Two-byte protocols keep both bytes under PFC; ACFC still applies.
        assert_eq!(
            frame(Framing::COMPRESSED, protocol::CHAP, &info),
            [0xC2, 0x23, 1, 2, 3]
        );
        assert_eq!(
            frame(
                Framing {
                    acfc: false,
                    pfc: true
                },
                protocol::IPV4,
                &[]
            ),
            [0xFF, 0x03, 0x21]
        );
        // LCP is always sent in full.
        assert_eq!(
            frame(Framing::COMPRESSED, protocol::LCP, &info),
            [0xFF, 0x03, 0xC0, 0x21, 1, 2, 3]
        );
    }

    #[test]
    fn packets_and_options() {
        assert_eq!(packet(5, 7, &[]).unwrap(), [5, 7, 0, 4]);
        assert_eq!(packet(1, 1, &[9; 3]).unwrap(), [1, 1, 0, 7, 9, 9, 9]);
        assert!(matches!(
            packet(1, 1, &vec![0; 65_532]),
            Err(SynthError::TooLong { len: 65_536, .. })
        ));
        assert_eq!(
            lcp_options(&[
                LcpOption::Mru(1400),
                LcpOption::Accm(0),
                LcpOption::AuthPap,
                LcpOption::AuthChap(chap_algorithm::MSCHAP_V2),
                LcpOption::AuthEap,
                LcpOption::MagicNumber(0x0102_0304),
                LcpOption::Pfc,
                LcpOption::Acfc,
                LcpOption::Callback(6),
            ]),
            hex(
                "01 04 05 78 02 06 00 00 00 00 03 04 C0 23 03 05 C2 23 81 03 04 C2 27 \
                 05 06 01 02 03 04 07 02 08 02 0D 03 06"
            )
        );
        assert_eq!(mppe_option(0x0100_00E0), hex("12 06 01 00 00 E0"));
        assert_eq!(
            ipcp_options(&[
                IpcpOption::IpAddress(Ipv4Addr::new(10, 0, 0, 2)),
                IpcpOption::PrimaryDns(Ipv4Addr::new(10, 0, 0, 53)),
                IpcpOption::SecondaryDns(Ipv4Addr::UNSPECIFIED),
            ]),
            hex("03 06 0A 00 00 02 81 06 0A 00 00 35 83 06 00 00 00 00")
        );
        assert_eq!(
            ipv6cp_interface_identifier([1, 2, 3, 4, 5, 6, 7, 8]),
            hex("01 0A 01 02 03 04 05 06 07 08")
        );
        assert_eq!(option(0, &[]).unwrap(), [0, 2]);
        assert!(option(0, &[0; 254]).is_err());
        assert_eq!(magic_data(0xAABB_CCDD, b"x"), [0xAA, 0xBB, 0xCC, 0xDD, b'x']);
        assert_eq!(protocol_reject_data(0x80FD, &[1, 1]), [0x80, 0xFD, 1, 1]);
    }

    #[test]
    fn authentication_bodies() {
        assert_eq!(
            pap_request_data("carol", "pw").unwrap(),
            [&[5][..], b"carol", &[2], b"pw"].concat()
        );
        assert_eq!(pap_reply_data("").unwrap(), [0]);
        assert_eq!(
            chap_value_data(&[0xAB; 2], "srv").unwrap(),
            [2, 0xAB, 0xAB, b's', b'r', b'v']
        );
        let v2 = mschapv2_response_value(&[1; 16], &[2; 24]);
        assert_eq!(v2.len(), 49);
        assert_eq!(&v2[16..24], &[0; 8]);
        assert_eq!(&v2[24..48], &[2; 24]);
        assert_eq!(v2[48], 0);
        let v1 = mschapv1_response_value(&[0; 24], &[3; 24], true);
        assert_eq!((v1.len(), v1[48]), (49, 1));
        assert_eq!(
            mschapv2_failure_message(691, true, &[0xAB; 16], 3, "Access denied"),
            "E=691 R=1 C=ABABABABABABABABABABABABABABABAB V=3 M=Access denied"
        );
        assert_eq!(
            mschapv2_success_message(&[0x0F; 20], "ok"),
            "S=0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F M=ok"
        );
        assert_eq!(eap_type_data(1, b"id"), [1, b'i', b'd']);
        // MS-Length counts from the OpCode: EAP Length minus 5.
        assert_eq!(eap_mschapv2_data(3, 9, b"S").unwrap(), [3, 9, 0, 5, b'S']);
    }

    #[test]
    fn change_password_blocks_decrypt_with_the_old_and_new_hashes() {
        let fill = [0x5A; 512];
        let block = new_password_encrypted_with_old_nt_password_hash("New1", "Old", &fill).unwrap();
        let mut clear = block;
        Rc4::new(&nt_password_hash("Old"))
            .unwrap()
            .apply_keystream(&mut clear);
        assert_eq!(&clear[504..512], &[b'N', 0, b'e', 0, b'w', 0, b'1', 0]);
        assert_eq!(&clear[512..], &[8, 0, 0, 0]);
        assert!(clear[..504].iter().all(|&b| b == 0x5A));
        let hash = old_nt_password_hash_encrypted_with_new_nt_password_hash("New1", "Old");
        let old = nt_password_hash("Old");
        let new = nt_password_hash("New1");
        let k1: [u8; 7] = new[..7].try_into().unwrap();
        let k2: [u8; 7] = new[7..14].try_into().unwrap();
        assert_eq!(&hash[..8], &des_encrypt(&old[..8].try_into().unwrap(), &k1));
        assert_eq!(&hash[8..], &des_encrypt(&old[8..].try_into().unwrap(), &k2));
        let data = mschapv2_change_password_data(&block, &hash, &[7; 16], &[9; 24]);
        assert_eq!(data.len() + 4, 586);
    }

    #[test]
    fn mppe_header_bits() {
        assert_eq!(mppe_header(0, true, true), [0x90, 0x00]);
        assert_eq!(mppe_header(0x0ABC, false, true), [0x1A, 0xBC]);
        assert_eq!(mppe_header(0x1001, true, false), [0x80, 0x01]);
    }

    /// RFC 3079 §3.5's inputs: the client → server chain at 128 bits,
    /// whose first two keys docs/protocols.md §5.3 lists (K1 for count 0,
    /// K2 for count 1).
    #[test]
    fn stateless_mppe_follows_the_documented_key_chain() {
        let master_key: [u8; 16] = hex("FD EC E3 71 7A 8C 83 8C B3 88 E5 27 AE 3C DD 31")
            .try_into()
            .unwrap();
        let start = get_asymmetric_start_key(&master_key, KeyDirection::Send, Side::Client);
        let mut m = StatelessMppe::new(start, KeyStrength::Bits128);
        for (count, key) in [
            "0E 09 C1 08 10 1D FD DE F6 C0 E2 F2 D9 5D 0B AD",
            "03 27 34 39 AC 5F 94 C9 7F 13 D9 13 3D F4 DF C5",
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(m.next_count(), count as u16);
            let sealed = m.seal(b"\x21hello");
            assert_eq!(sealed[..2], mppe_header(count as u16, true, true));
            let mut clear = sealed[2..].to_vec();
            Rc4::new(&hex(key)).unwrap().apply_keystream(&mut clear);
            assert_eq!(clear, b"\x21hello");
        }
    }
}
