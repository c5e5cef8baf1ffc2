//! MPPE keys (RFC 3079, RFC 3078 §7.3): from an MS-CHAP exchange and a known
//! password to the RC4 session key of each direction and each packet.
//!
//! For MS-CHAPv2 (RFC 3079 §3) the chain is: GetMasterKey over the password
//! hash hash and the NT-Response; GetAsymmetricStartKey for each direction;
//! the initial session key; then a key change per packet (stateless mode)
//! or per 256 packets (stateful), each one [`change_key`]. MS-CHAP v1
//! (RFC 3079 §2) has one key for both directions. This module also gives
//! the SSTP HLAK, which is built from the same master keys ([MS-SSTP]
//! §3.2.5.2).
//!
//! Counting packets and deciding when to change keys belongs to the MPPE
//! decoder, not here.

use sha1::{Digest, Sha1};

use super::mschapv1::lm_password_hash;
use super::mschapv2::{hash_nt_password_hash, nt_password_hash};
use super::sstp::Hlak;
use super::Secret;

/// RFC 3079 §3.4 Magic1 of GetMasterKey (27 bytes).
const MASTER_KEY_MAGIC: &[u8; 27] = b"This is the MPPE Master Key";
/// RFC 3079 §3.4 Magic2 (84 bytes): the key the client sends with.
const MAGIC2: &[u8; 84] =
    b"On the client side, this is the send key; on the server side, it is the receive key.";
/// RFC 3079 §3.4 Magic3 (84 bytes): the key the server sends with.
const MAGIC3: &[u8; 84] =
    b"On the client side, this is the receive key; on the server side, it is the send key.";
/// SHApad1 and SHApad2 of RFC 3078 §7.3 / RFC 3079 §3.4, 40 bytes each.
const SHA_PAD1: [u8; 40] = [0x00; 40];
const SHA_PAD2: [u8; 40] = [0xF2; 40];

/// The MPPE key strengths of the CCP MPPE option (RFC 3078 §2.1): the L,
/// M and S bits for 40-, 56- and 128-bit session keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyStrength {
    /// L bit (0x00000020): 40-bit keys, an 8-byte key whose first 3 bytes
    /// are fixed to D1 26 9E.
    Bits40,
    /// M bit (0x00000080): 56-bit keys, an 8-byte key whose first byte is
    /// fixed to D1.
    Bits56,
    /// S bit (0x00000040): 128-bit keys, 16 bytes.
    Bits128,
}

impl KeyStrength {
    /// Supported Bits mask of the L bit (RFC 3078 §2.1).
    pub const L_BIT: u32 = 0x0000_0020;
    /// Supported Bits mask of the M bit.
    pub const M_BIT: u32 = 0x0000_0080;
    /// Supported Bits mask of the S bit.
    pub const S_BIT: u32 = 0x0000_0040;

    /// The SessionKeyLength of RFC 3078 §7.3: 8 bytes for 40 and 56 bits,
    /// 16 for 128.
    pub const fn key_len(self) -> usize {
        match self {
            KeyStrength::Bits40 | KeyStrength::Bits56 => 8,
            KeyStrength::Bits128 => 16,
        }
    }

    /// The strongest strength whose bit is set in a CCP MPPE Supported Bits
    /// value (RFC 3078 §2.1: S over M over L). A final Configure-Ack carries
    /// exactly one; `None` when none of the three is set.
    pub const fn from_supported_bits(bits: u32) -> Option<Self> {
        if bits & Self::S_BIT != 0 {
            Some(KeyStrength::Bits128)
        } else if bits & Self::M_BIT != 0 {
            Some(KeyStrength::Bits56)
        } else if bits & Self::L_BIT != 0 {
            Some(KeyStrength::Bits40)
        } else {
            None
        }
    }
}

/// The end of the PPP link a key belongs to: RFC 3079's IsServer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The peer that authenticated itself (PPTP PNS client, SSTP client).
    Client,
    /// The authenticator.
    Server,
}

/// Which of a side's two keys: RFC 3079's IsSend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyDirection {
    /// The key this side encrypts with.
    Send,
    /// The key this side decrypts with.
    Receive,
}

/// GetMasterKey (RFC 3079 §3.4): the first 16 bytes of
/// SHA1(PasswordHashHash ‖ NT-Response ‖ "This is the MPPE Master Key").
pub fn get_master_key(password_hash_hash: &[u8; 16], nt_response: &[u8; 24]) -> [u8; 16] {
    let digest = Sha1::new()
        .chain_update(password_hash_hash)
        .chain_update(nt_response)
        .chain_update(MASTER_KEY_MAGIC)
        .finalize();
    first_16(&digest)
}

/// GetAsymmetricStartKey (RFC 3079 §3.4) at its full 16 bytes: the first 16
/// bytes of SHA1(MasterKey ‖ SHApad1 ‖ Magic ‖ SHApad2), with Magic2 for the
/// client's send key (the server's receive key) and Magic3 for the other
/// direction.
///
/// 40- and 56-bit keys use the first 8 bytes of the same value, so the
/// length is applied later, by [`initial_session_key`].
pub fn get_asymmetric_start_key(master_key: &[u8; 16], direction: KeyDirection, side: Side) -> [u8; 16] {
    let is_send = direction == KeyDirection::Send;
    let is_server = side == Side::Server;
    let magic = if is_send == is_server { MAGIC3 } else { MAGIC2 };
    let digest = Sha1::new()
        .chain_update(master_key)
        .chain_update(SHA_PAD1)
        .chain_update(magic)
        .chain_update(SHA_PAD2)
        .finalize();
    first_16(&digest)
}

/// The two MS-CHAPv2 master keys of one side of the link (RFC 3079 §3.4:
/// MasterSendKey and MasterReceiveKey), 16 bytes each.
///
/// The client's send key is the server's receive key, so the keys of either
/// side decrypt both directions: from the client's, `master_send_key` starts
/// the client-to-server chain.
#[derive(Debug, Clone)]
pub struct MasterKeys {
    side: Side,
    master_send_key: Secret<[u8; 16]>,
    master_receive_key: Secret<[u8; 16]>,
}

impl MasterKeys {
    /// Both master keys of `side` from the MS-CHAPv2 master key
    /// ([`get_master_key`]).
    pub fn from_master_key(master_key: &[u8; 16], side: Side) -> Self {
        MasterKeys {
            side,
            master_send_key: Secret::new(get_asymmetric_start_key(master_key, KeyDirection::Send, side)),
            master_receive_key: Secret::new(get_asymmetric_start_key(
                master_key,
                KeyDirection::Receive,
                side,
            )),
        }
    }

    /// Both master keys of `side` from the password and the NT-Response the
    /// peer sent (RFC 3079 §3: NtPasswordHash, HashNtPasswordHash,
    /// GetMasterKey, GetAsymmetricStartKey).
    pub fn from_mschapv2(password: &Secret<String>, nt_response: &[u8; 24], side: Side) -> Self {
        let password_hash_hash = hash_nt_password_hash(&nt_password_hash(password.expose()));
        let master_key = get_master_key(&password_hash_hash, nt_response);
        Self::from_master_key(&master_key, side)
    }

    /// The side these keys were derived for.
    pub fn side(&self) -> Side {
        self.side
    }

    /// MasterSendKey: the start key of the direction this side sends.
    pub fn master_send_key(&self) -> &Secret<[u8; 16]> {
        &self.master_send_key
    }

    /// MasterReceiveKey: the start key of the direction this side receives.
    pub fn master_receive_key(&self) -> &Secret<[u8; 16]> {
        &self.master_receive_key
    }

    /// The start key of client-to-server traffic (Magic2), whichever side
    /// these keys are for.
    pub fn client_to_server_key(&self) -> &Secret<[u8; 16]> {
        match self.side {
            Side::Client => &self.master_send_key,
            Side::Server => &self.master_receive_key,
        }
    }

    /// The start key of server-to-client traffic (Magic3).
    pub fn server_to_client_key(&self) -> &Secret<[u8; 16]> {
        match self.side {
            Side::Client => &self.master_receive_key,
            Side::Server => &self.master_send_key,
        }
    }

    /// The SSTP Higher-Layer Authentication Key for MS-CHAPv2 ([MS-SSTP]
    /// §3.2.5.2): the client's is MasterSendKey ‖ MasterReceiveKey, the
    /// server's MasterReceiveKey ‖ MasterSendKey. Both sides thus hold the
    /// same 32 bytes: the Magic2 key followed by the Magic3 key. These are
    /// the 16-byte master keys, before any session-key step.
    pub fn sstp_hlak(&self) -> Hlak {
        let mut hlak = [0u8; 32];
        let (first, second) = hlak.split_at_mut(16);
        first.copy_from_slice(self.client_to_server_key().expose());
        second.copy_from_slice(self.server_to_client_key().expose());
        Secret::new(hlak)
    }
}

/// One RC4 session key of MPPE: 8 bytes for 40- and 56-bit strength (with
/// the fixed leading bytes already in place), 16 bytes for 128-bit.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionKey {
    strength: KeyStrength,
    /// Bytes past `strength.key_len()` stay zero.
    bytes: [u8; 16],
}

impl SessionKey {
    /// A session key from its bytes, e.g. one read from a RADIUS
    /// MS-MPPE-Send-Key (RFC 2548). `None` when `bytes` is not
    /// `strength.key_len()` long. The 40/56-bit fixed bytes are not imposed:
    /// the key is taken as given.
    pub fn new(strength: KeyStrength, bytes: &[u8]) -> Option<Self> {
        if bytes.len() != strength.key_len() {
            return None;
        }
        let mut key = SessionKey {
            strength,
            bytes: [0; 16],
        };
        key.bytes.iter_mut().zip(bytes).for_each(|(dst, src)| *dst = *src);
        Some(key)
    }

    /// The strength this key was made for.
    pub fn strength(&self) -> KeyStrength {
        self.strength
    }

    /// The key bytes: 8 or 16 of them, as used to key RC4.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.strength.key_len()).unwrap_or(&self.bytes)
    }

    /// The first `key_len` bytes of `material`, then the 40/56-bit
    /// reduction of RFC 3079 §3.5 / RFC 3078 §7.3 (leading D1 26 9E or D1).
    fn reduced(strength: KeyStrength, material: &[u8]) -> Self {
        let mut key = SessionKey {
            strength,
            bytes: [0; 16],
        };
        let len = strength.key_len();
        key.bytes
            .iter_mut()
            .zip(material)
            .take(len)
            .for_each(|(dst, src)| *dst = *src);
        let fixed: &[u8] = match strength {
            KeyStrength::Bits40 => &[0xD1, 0x26, 0x9E],
            KeyStrength::Bits56 => &[0xD1],
            KeyStrength::Bits128 => &[],
        };
        key.bytes.iter_mut().zip(fixed).for_each(|(dst, src)| *dst = *src);
        key
    }
}

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionKey")
            .field("strength", &self.strength)
            .field("bytes", &Secret::new(()))
            .finish()
    }
}

/// GetNewKeyFromSHA (RFC 3078 §7.3, RFC 3079 §3.4 and §2's GetKey): the first
/// `len` bytes of SHA1(StartKey[0:len] ‖ SHApad1 ‖ SessionKey[0:len] ‖ SHApad2),
/// returned in a 16-byte buffer whose tail past `len` is unspecified.
fn get_new_key_from_sha(start_key: &[u8], session_key: &[u8], len: usize) -> [u8; 16] {
    let digest = Sha1::new()
        .chain_update(start_key.get(..len).unwrap_or(start_key))
        .chain_update(SHA_PAD1)
        .chain_update(session_key.get(..len).unwrap_or(session_key))
        .chain_update(SHA_PAD2)
        .finalize();
    first_16(&digest)
}

/// The first session key of a direction (RFC 3079 §3.5, and §2 for
/// MS-CHAP v1): GetNewKeyFromSHA with the start key as both start and
/// current key, then the 40/56-bit reduction. Unlike a key change there is
/// no RC4 step.
pub fn initial_session_key(start_key: &[u8; 16], strength: KeyStrength) -> SessionKey {
    let len = strength.key_len();
    SessionKey::reduced(strength, &get_new_key_from_sha(start_key, start_key, len))
}

/// A key change (RFC 3078 §7.3): the interim key from GetNewKeyFromSHA over
/// the direction's start key and the current session key, RC4-encrypted
/// under itself, then the 40/56-bit reduction.
///
/// In stateless mode this runs before every packet, so the packet with
/// coherency count 0 already uses the once-changed key.
pub fn change_key(start_key: &[u8; 16], current: &SessionKey) -> SessionKey {
    let strength = current.strength;
    let len = strength.key_len();
    let interim = get_new_key_from_sha(start_key, current.as_bytes(), len);
    let mut new_key = interim;
    let interim = interim.get(..len).unwrap_or(&interim);
    if let Some(mut rc4) = Rc4::new(interim) {
        rc4.apply_keystream(new_key.get_mut(..len).unwrap_or_default());
    }
    SessionKey::reduced(strength, &new_key)
}

/// GetStartKey of MS-CHAP v1 for 128-bit keys (RFC 3079 §2): the first 16
/// bytes of SHA1(PasswordHashHash ‖ PasswordHashHash ‖ Challenge), with the
/// 8-byte challenge of the CHAP Challenge.
pub fn get_start_key(challenge: &[u8; 8], password_hash_hash: &[u8; 16]) -> [u8; 16] {
    let digest = Sha1::new()
        .chain_update(password_hash_hash)
        .chain_update(password_hash_hash)
        .chain_update(challenge)
        .finalize();
    first_16(&digest)
}

/// The MS-CHAP v1 session key, the same in both directions (RFC 3079 §2).
///
/// 40- and 56-bit keys start from the first 8 bytes of LmPasswordHash and
/// do not depend on the challenge (RFC 3079 §2); `None` when the
/// password has no LAN Manager hash (see [`lm_password_hash`]). 128-bit keys
/// start from [`get_start_key`] (RFC 3079 §2).
pub fn mschapv1_session_key(
    password: &Secret<String>,
    challenge: &[u8; 8],
    strength: KeyStrength,
) -> Option<SessionKey> {
    let start_key = match strength {
        KeyStrength::Bits40 | KeyStrength::Bits56 => lm_password_hash(password.expose())?,
        KeyStrength::Bits128 => {
            let password_hash_hash = hash_nt_password_hash(&nt_password_hash(password.expose()));
            get_start_key(challenge, &password_hash_hash)
        }
    };
    Some(initial_session_key(&start_key, strength))
}

/// The RC4 stream cipher as MPPE uses it (RFC 3078 §3): keyed with a
/// session key, one keystream per packet in stateless mode.
#[derive(Clone)]
pub struct Rc4 {
    state: [u8; 256],
    i: u8,
    j: u8,
}

impl Rc4 {
    /// RC4 keyed with 1 to 256 key bytes; `None` for any other length.
    pub fn new(key: &[u8]) -> Option<Self> {
        if key.is_empty() || key.len() > 256 {
            return None;
        }
        let mut state = [0u8; 256];
        for (value, slot) in (0..=255u8).zip(state.iter_mut()) {
            *slot = value;
        }
        let mut j = 0u8;
        for (i, &key_byte) in (0..=255u8).zip(key.iter().cycle()) {
            j = j.wrapping_add(state[usize::from(i)]).wrapping_add(key_byte);
            state.swap(usize::from(i), usize::from(j));
        }
        Some(Rc4 { state, i: 0, j: 0 })
    }

    /// Encrypts or decrypts `data` in place, continuing the keystream.
    pub fn apply_keystream(&mut self, data: &mut [u8]) {
        for byte in data {
            self.i = self.i.wrapping_add(1);
            self.j = self.j.wrapping_add(self.state[usize::from(self.i)]);
            self.state.swap(usize::from(self.i), usize::from(self.j));
            let index = self.state[usize::from(self.i)].wrapping_add(self.state[usize::from(self.j)]);
            *byte ^= self.state[usize::from(index)];
        }
    }
}

impl std::fmt::Debug for Rc4 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rc4").field("state", &Secret::new(())).finish()
    }
}

fn first_16(bytes: &[u8]) -> [u8; 16] {
    let mut out = [0u8; 16];
    out.iter_mut().zip(bytes).for_each(|(dst, src)| *dst = *src);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::mschapv2::tests::{hex, hex_array};

    // RFC 2759 §9.2 inputs, which RFC 3079 §3.5 reuses.
    const NT_RESPONSE: &str = "82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54 42 33 11 4A 3D 85 D6 DF";
    const MASTER_KEY: &str = "FD EC E3 71 7A 8C 83 8C B3 88 E5 27 AE 3C DD 31";
    /// RFC 3079 §3.5 "SendStartKey128": the server's MasterSendKey.
    const SERVER_SEND_START_KEY: &str = "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB";
    const CLIENT_SEND_START_KEY: &str = "D5 F0 E9 52 1E 3E A9 58 96 45 E8 60 51 C8 22 26";

    fn password() -> Secret<String> {
        Secret::new("clientPass".to_string())
    }

    fn rc4(key: &SessionKey, text: &[u8]) -> Vec<u8> {
        let mut data = text.to_vec();
        Rc4::new(key.as_bytes())
            .expect("8 or 16 key bytes")
            .apply_keystream(&mut data);
        data
    }

    #[test]
    fn rfc3079_3_5_master_key() {
        let password_hash_hash = hex_array("41 C0 0C 58 4B D2 D9 1C 40 17 A2 A1 2F A5 9F 3F");
        assert_eq!(
            get_master_key(&password_hash_hash, &hex_array(NT_RESPONSE)).to_vec(),
            hex(MASTER_KEY)
        );
    }

    #[test]
    fn rfc3079_3_5_start_keys_are_the_servers_send_keys() {
        let master_key = hex_array(MASTER_KEY);
        let server_send = get_asymmetric_start_key(&master_key, KeyDirection::Send, Side::Server);
        assert_eq!(server_send.to_vec(), hex(SERVER_SEND_START_KEY));
        // SendStartKey40/56 is the first 8 bytes of the same value.
        assert_eq!(
            server_send.get(..8).map(Vec::from),
            Some(hex("8B 7C DC 14 9B 99 3A 1B"))
        );
        assert_eq!(
            get_asymmetric_start_key(&master_key, KeyDirection::Receive, Side::Client),
            server_send
        );
        let client_send = get_asymmetric_start_key(&master_key, KeyDirection::Send, Side::Client);
        assert_eq!(client_send.to_vec(), hex(CLIENT_SEND_START_KEY));
        assert_eq!(
            get_asymmetric_start_key(&master_key, KeyDirection::Receive, Side::Server),
            client_send
        );
    }

    #[test]
    fn rfc3079_3_5_session_key_40() {
        let key = initial_session_key(&hex_array(SERVER_SEND_START_KEY), KeyStrength::Bits40);
        assert_eq!(key.strength(), KeyStrength::Bits40);
        assert_eq!(key.as_bytes().to_vec(), hex("D1 26 9E C4 9F A6 2E 3E"));
        assert_eq!(
            rc4(&key, b"test message"),
            hex("92 91 37 91 7E 58 03 D6 68 D7 58 98")
        );
    }

    #[test]
    fn rfc3079_3_5_session_key_56() {
        let key = initial_session_key(&hex_array(SERVER_SEND_START_KEY), KeyStrength::Bits56);
        assert_eq!(key.as_bytes().to_vec(), hex("D1 5C 00 C4 9F A6 2E 3E"));
        // The RFC prints the last byte as 58; two RC4 implementations give B8.
        assert_eq!(
            rc4(&key, b"test message"),
            hex("3F 10 68 33 FA 44 8D A8 42 BC 57 B8")
        );
    }

    #[test]
    fn rfc3079_3_5_session_key_128() {
        let key = initial_session_key(&hex_array(SERVER_SEND_START_KEY), KeyStrength::Bits128);
        assert_eq!(
            key.as_bytes().to_vec(),
            hex("40 5C B2 24 7A 79 56 E6 E2 11 00 7A E2 7B 22 D4")
        );
        assert_eq!(
            rc4(&key, b"test message"),
            hex("81 84 83 17 DF 68 84 62 72 FB 5A BE")
        );
    }

    #[test]
    fn master_keys_of_both_sides_from_the_password() {
        let nt_response = hex_array(NT_RESPONSE);
        let client = MasterKeys::from_mschapv2(&password(), &nt_response, Side::Client);
        let server = MasterKeys::from_mschapv2(&password(), &nt_response, Side::Server);
        assert_eq!(client.side(), Side::Client);
        assert_eq!(server.side(), Side::Server);
        assert_eq!(
            client.master_send_key().expose().to_vec(),
            hex(CLIENT_SEND_START_KEY)
        );
        assert_eq!(
            client.master_receive_key().expose().to_vec(),
            hex(SERVER_SEND_START_KEY)
        );
        assert_eq!(
            server.master_send_key().expose().to_vec(),
            hex(SERVER_SEND_START_KEY)
        );
        assert_eq!(
            server.master_receive_key().expose().to_vec(),
            hex(CLIENT_SEND_START_KEY)
        );
        for keys in [&client, &server] {
            assert_eq!(
                keys.client_to_server_key().expose().to_vec(),
                hex(CLIENT_SEND_START_KEY)
            );
            assert_eq!(
                keys.server_to_client_key().expose().to_vec(),
                hex(SERVER_SEND_START_KEY)
            );
        }
        let from_master = MasterKeys::from_master_key(&hex_array(MASTER_KEY), Side::Client);
        assert_eq!(
            from_master.master_send_key().expose(),
            client.master_send_key().expose()
        );
        assert_eq!(format!("{client:?}").matches("[redacted]").count(), 2);
        assert!(!format!("{client:?}").to_ascii_uppercase().contains("D5"));
    }

    #[test]
    fn wrong_password_gives_other_master_keys() {
        let wrong = Secret::new("clientpass".to_string());
        let keys = MasterKeys::from_mschapv2(&wrong, &hex_array(NT_RESPONSE), Side::Client);
        assert_ne!(
            keys.master_send_key().expose().to_vec(),
            hex(CLIENT_SEND_START_KEY)
        );
        assert_ne!(
            keys.master_receive_key().expose().to_vec(),
            hex(SERVER_SEND_START_KEY)
        );
    }

    #[test]
    fn sstp_hlak_is_the_same_on_both_sides() {
        let expected = hex("D5F0E9521E3EA9589645E86051C82226 8B7CDC149B993A1BA118CB153F56DCCB");
        for side in [Side::Client, Side::Server] {
            let keys = MasterKeys::from_mschapv2(&password(), &hex_array(NT_RESPONSE), side);
            assert_eq!(keys.sstp_hlak().expose().to_vec(), expected);
        }
    }

    #[test]
    fn client_initial_send_session_keys() {
        let start = hex_array(CLIENT_SEND_START_KEY);
        assert_eq!(
            initial_session_key(&start, KeyStrength::Bits128)
                .as_bytes()
                .to_vec(),
            hex("49 D1 1D 0F 0C C6 BE FB A2 A9 B4 B6 88 F9 1E EE")
        );
        assert_eq!(
            initial_session_key(&start, KeyStrength::Bits40)
                .as_bytes()
                .to_vec(),
            hex("D1 26 9E D2 AE 99 90 38")
        );
    }

    #[test]
    fn stateless_key_changes_client_to_server_128() {
        let start = hex_array(CLIENT_SEND_START_KEY);
        let initial = initial_session_key(&start, KeyStrength::Bits128);
        let k1 = change_key(&start, &initial);
        assert_eq!(
            k1.as_bytes().to_vec(),
            hex("0E 09 C1 08 10 1D FD DE F6 C0 E2 F2 D9 5D 0B AD")
        );
        let k2 = change_key(&start, &k1);
        assert_eq!(
            k2.as_bytes().to_vec(),
            hex("03 27 34 39 AC 5F 94 C9 7F 13 D9 13 3D F4 DF C5")
        );
        assert_eq!(k2.strength(), KeyStrength::Bits128);
    }

    #[test]
    fn stateless_key_changes_client_to_server_40() {
        let start = hex_array(CLIENT_SEND_START_KEY);
        let initial = initial_session_key(&start, KeyStrength::Bits40);
        let k1 = change_key(&start, &initial);
        assert_eq!(k1.as_bytes().to_vec(), hex("D1 26 9E 77 2B 55 7E C1"));
        let k2 = change_key(&start, &k1);
        assert_eq!(k2.as_bytes().to_vec(), hex("D1 26 9E D3 6D 62 87 C8"));
    }

    #[test]
    fn rfc3079_2_5_mschapv1_keys() {
        let challenge = hex_array("10 2d b5 df 08 5d 30 41");
        let lm_hash = hex_array::<16>("76 a1 52 93 60 96 d7 83 0e 23 90 22 74 04 af d2");
        // GetKey(8) before the fixed bytes are put in.
        assert_eq!(
            get_new_key_from_sha(&lm_hash, &lm_hash, 8)
                .get(..8)
                .map(Vec::from),
            Some(hex("d8 08 01 53 8c ec 4a 08"))
        );
        let key40 = mschapv1_session_key(&password(), &challenge, KeyStrength::Bits40);
        assert_eq!(
            key40.map(|k| k.as_bytes().to_vec()),
            Some(hex("d1 26 9e 53 8c ec 4a 08"))
        );
        let key56 = mschapv1_session_key(&password(), &challenge, KeyStrength::Bits56);
        assert_eq!(
            key56.map(|k| k.as_bytes().to_vec()),
            Some(hex("d1 08 01 53 8c ec 4a 08"))
        );
        let password_hash_hash = hash_nt_password_hash(&nt_password_hash("clientPass"));
        assert_eq!(
            get_start_key(&challenge, &password_hash_hash).to_vec(),
            hex("a8 94 78 50 cf c0 ac c1 d1 78 9f b6 2d dc dd b0")
        );
        let key128 = mschapv1_session_key(&password(), &challenge, KeyStrength::Bits128);
        assert_eq!(
            key128.map(|k| k.as_bytes().to_vec()),
            Some(hex("59 d1 59 bc 09 f7 6f 1d a2 a8 6a 28 ff ec 0b 1e"))
        );
    }

    #[test]
    fn mschapv1_weak_keys_need_an_lm_hash() {
        let challenge = hex_array("10 2d b5 df 08 5d 30 41");
        let long = Secret::new("a password of 25 letters".to_string());
        assert!(mschapv1_session_key(&long, &challenge, KeyStrength::Bits40).is_none());
        assert!(mschapv1_session_key(&long, &challenge, KeyStrength::Bits128).is_some());
    }

    #[test]
    fn strength_from_ccp_supported_bits() {
        assert_eq!(
            KeyStrength::from_supported_bits(0x0100_0040),
            Some(KeyStrength::Bits128)
        );
        assert_eq!(
            KeyStrength::from_supported_bits(0x0100_00E0),
            Some(KeyStrength::Bits128)
        );
        assert_eq!(
            KeyStrength::from_supported_bits(0x0000_00A0),
            Some(KeyStrength::Bits56)
        );
        assert_eq!(
            KeyStrength::from_supported_bits(0x0000_0020),
            Some(KeyStrength::Bits40)
        );
        assert_eq!(KeyStrength::from_supported_bits(0x0100_0001), None);
        assert_eq!(KeyStrength::Bits40.key_len(), 8);
        assert_eq!(KeyStrength::Bits56.key_len(), 8);
        assert_eq!(KeyStrength::Bits128.key_len(), 16);
    }

    #[test]
    fn session_key_from_bytes_checks_the_length() {
        let bytes = hex("40 5C B2 24 7A 79 56 E6 E2 11 00 7A E2 7B 22 D4");
        let key = SessionKey::new(KeyStrength::Bits128, &bytes);
        assert_eq!(key.as_ref().map(|k| k.as_bytes().to_vec()), Some(bytes.clone()));
        assert_eq!(
            key,
            Some(initial_session_key(
                &hex_array(SERVER_SEND_START_KEY),
                KeyStrength::Bits128
            ))
        );
        assert!(SessionKey::new(KeyStrength::Bits40, &bytes).is_none());
        assert!(SessionKey::new(KeyStrength::Bits128, &[]).is_none());
        assert_eq!(
            format!("{:?}", key),
            "Some(SessionKey { strength: Bits128, bytes: [redacted] })"
        );
    }

    #[test]
    fn rc4_known_answers_and_key_limits() {
        // The classic "Key"/"Plaintext" pair from the original RC4 posting.
        let mut data = *b"Plaintext";
        Rc4::new(b"Key").expect("3-byte key").apply_keystream(&mut data);
        assert_eq!(data.to_vec(), hex("BB F3 16 E8 D9 40 AF 0A D3"));
        // The keystream continues across calls.
        let mut split = *b"Plaintext";
        let mut rc4 = Rc4::new(b"Key").expect("3-byte key");
        let (head, tail) = split.split_at_mut(4);
        rc4.apply_keystream(head);
        rc4.apply_keystream(tail);
        assert_eq!(split, data);
        assert!(Rc4::new(&[]).is_none());
        assert!(Rc4::new(&[0; 257]).is_none());
        assert!(Rc4::new(&[0; 256]).is_some());
        assert_eq!(format!("{rc4:?}"), "Rc4 { state: [redacted] }");
    }
}
