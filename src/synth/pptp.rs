//! Encoders for the 15 PPTP control messages (RFC 2637 §2.1–§2.15), every
//! field settable, with defaults resembling a Windows client and a Linux
//! server. [`RawMessage`] is the escape hatch for malformed messages: turn
//! any message into one with `to_raw()`, change the header (length, magic
//! cookie, message type, Reserved0) or the body bytes, then encode.
//!
//! Every message starts with the 12-byte common header (RFC 2637 §2):
//! Length, PPTP Message Type (1 = control), Magic Cookie 0x1A2B3C4D,
//! Control Message Type, Reserved0. All integers are big-endian. Text
//! fields are NUL-padded to their fixed size and cut to it when longer.

/// The Magic Cookie of every control message (RFC 2637 §2).
pub const MAGIC_COOKIE: u32 = 0x1A2B_3C4D;

/// PPTP Message Type of a control message (RFC 2637 §2).
pub const PPTP_CONTROL_MESSAGE: u16 = 1;

/// Protocol Version 1, revision 0 (RFC 2637 §2.1).
pub const PROTOCOL_VERSION: u16 = 0x0100;

/// Control Message Type codes (RFC 2637 §2, table before §2.1).
pub mod control_type {
    /// SCCRQ (§2.1).
    pub const START_CONTROL_CONNECTION_REQUEST: u16 = 1;
    /// SCCRP (§2.2).
    pub const START_CONTROL_CONNECTION_REPLY: u16 = 2;
    /// StopCCRQ (§2.3).
    pub const STOP_CONTROL_CONNECTION_REQUEST: u16 = 3;
    /// StopCCRP (§2.4).
    pub const STOP_CONTROL_CONNECTION_REPLY: u16 = 4;
    /// ECHORQ (§2.5).
    pub const ECHO_REQUEST: u16 = 5;
    /// ECHORP (§2.6).
    pub const ECHO_REPLY: u16 = 6;
    /// OCRQ (§2.7).
    pub const OUTGOING_CALL_REQUEST: u16 = 7;
    /// OCRP (§2.8).
    pub const OUTGOING_CALL_REPLY: u16 = 8;
    /// ICRQ (§2.9).
    pub const INCOMING_CALL_REQUEST: u16 = 9;
    /// ICRP (§2.10).
    pub const INCOMING_CALL_REPLY: u16 = 10;
    /// ICCN (§2.11).
    pub const INCOMING_CALL_CONNECTED: u16 = 11;
    /// CCRQ (§2.12).
    pub const CALL_CLEAR_REQUEST: u16 = 12;
    /// CDN (§2.13).
    pub const CALL_DISCONNECT_NOTIFY: u16 = 13;
    /// WEN (§2.14).
    pub const WAN_ERROR_NOTIFY: u16 = 14;
    /// SLI (§2.15).
    pub const SET_LINK_INFO: u16 = 15;
}

/// The RFC name and usual abbreviation of a control message type, or
/// `None` for a code RFC 2637 does not define.
pub fn control_type_name(code: u16) -> Option<(&'static str, &'static str)> {
    Some(match code {
        1 => ("Start-Control-Connection-Request", "SCCRQ"),
        2 => ("Start-Control-Connection-Reply", "SCCRP"),
        3 => ("Stop-Control-Connection-Request", "StopCCRQ"),
        4 => ("Stop-Control-Connection-Reply", "StopCCRP"),
        5 => ("Echo-Request", "ECHORQ"),
        6 => ("Echo-Reply", "ECHORP"),
        7 => ("Outgoing-Call-Request", "OCRQ"),
        8 => ("Outgoing-Call-Reply", "OCRP"),
        9 => ("Incoming-Call-Request", "ICRQ"),
        10 => ("Incoming-Call-Reply", "ICRP"),
        11 => ("Incoming-Call-Connected", "ICCN"),
        12 => ("Call-Clear-Request", "CCRQ"),
        13 => ("Call-Disconnect-Notify", "CDN"),
        14 => ("WAN-Error-Notify", "WEN"),
        15 => ("Set-Link-Info", "SLI"),
        _ => return None,
    })
}

/// A control message as header fields plus body bytes, for building
/// malformed messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMessage {
    /// The Length field; `None` writes the real length (12 + body).
    pub length: Option<u16>,
    /// PPTP Message Type (1 = control).
    pub pptp_message_type: u16,
    /// Magic Cookie (0x1A2B3C4D when valid).
    pub magic_cookie: u32,
    /// Control Message Type.
    pub control_message_type: u16,
    /// Reserved0 (0 when valid).
    pub reserved0: u16,
    /// Everything after the 12-byte header.
    pub body: Vec<u8>,
}

impl RawMessage {
    /// A well-formed header of `control_message_type` in front of `body`.
    pub fn new(control_message_type: u16, body: Vec<u8>) -> Self {
        RawMessage {
            length: None,
            pptp_message_type: PPTP_CONTROL_MESSAGE,
            magic_cookie: MAGIC_COOKIE,
            control_message_type,
            reserved0: 0,
            body,
        }
    }

    /// The message bytes. A real length above 65535 is written modulo
    /// 2^16, which is itself a malformed message.
    pub fn encode(&self) -> Vec<u8> {
        let length = self.length.unwrap_or((self.body.len().wrapping_add(12)) as u16);
        let mut m = Vec::with_capacity(12 + self.body.len());
        m.extend_from_slice(&length.to_be_bytes());
        m.extend_from_slice(&self.pptp_message_type.to_be_bytes());
        m.extend_from_slice(&self.magic_cookie.to_be_bytes());
        m.extend_from_slice(&self.control_message_type.to_be_bytes());
        m.extend_from_slice(&self.reserved0.to_be_bytes());
        m.extend_from_slice(&self.body);
        m
    }
}

/// Appends `text` NUL-padded (or cut) to exactly `size` bytes.
fn put_text(m: &mut Vec<u8>, text: &[u8], size: usize) {
    let shown = text.get(..size).unwrap_or(text);
    m.extend_from_slice(shown);
    m.resize(m.len() + (size - shown.len()), 0);
}

/// The length a number field announces: the given override, or the text's
/// length up to its first NUL, capped at the field size.
fn number_length(explicit: Option<u16>, text: &[u8], size: usize) -> u16 {
    explicit.unwrap_or_else(|| {
        let used = text.iter().position(|&b| b == 0).unwrap_or(text.len());
        used.min(size) as u16
    })
}

/// A PPTP control message body with its type code.
pub trait ControlBody {
    /// The Control Message Type.
    const CONTROL_TYPE: u16;

    /// The bytes after the common header.
    fn body(&self) -> Vec<u8>;

    /// The message with a well-formed header, ready to be altered.
    fn to_raw(&self) -> RawMessage {
        RawMessage::new(Self::CONTROL_TYPE, self.body())
    }

    /// The encoded message.
    fn encode(&self) -> Vec<u8> {
        self.to_raw().encode()
    }
}

/// Start-Control-Connection-Request, 156 bytes (RFC 2637 §2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartControlConnectionRequest {
    /// Protocol Version (0x0100).
    pub protocol_version: u16,
    /// Reserved1.
    pub reserved1: u16,
    /// Bit 0x1 asynchronous, 0x2 synchronous framing.
    pub framing_capabilities: u32,
    /// Bit 0x1 analog, 0x2 digital access.
    pub bearer_capabilities: u32,
    /// Maximum Channels (a PNS sends 0).
    pub maximum_channels: u16,
    /// Firmware Revision.
    pub firmware_revision: u16,
    /// Host Name, 64 bytes.
    pub host_name: Vec<u8>,
    /// Vendor String, 64 bytes.
    pub vendor_string: Vec<u8>,
}

impl Default for StartControlConnectionRequest {
    /// As a Windows client sends it: version 1.0, asynchronous framing,
    /// analog bearer, 0 channels, firmware 0, vendor "Microsoft"; host
    /// "tunnelscope-client".
    fn default() -> Self {
        StartControlConnectionRequest {
            protocol_version: PROTOCOL_VERSION,
            reserved1: 0,
            framing_capabilities: 1,
            bearer_capabilities: 1,
            maximum_channels: 0,
            firmware_revision: 0,
            host_name: b"tunnelscope-client".to_vec(),
            vendor_string: b"Microsoft".to_vec(),
        }
    }
}

impl ControlBody for StartControlConnectionRequest {
    const CONTROL_TYPE: u16 = control_type::START_CONTROL_CONNECTION_REQUEST;

    fn body(&self) -> Vec<u8> {
        let mut m = Vec::with_capacity(144);
        m.extend_from_slice(&self.protocol_version.to_be_bytes());
        m.extend_from_slice(&self.reserved1.to_be_bytes());
        m.extend_from_slice(&self.framing_capabilities.to_be_bytes());
        m.extend_from_slice(&self.bearer_capabilities.to_be_bytes());
        m.extend_from_slice(&self.maximum_channels.to_be_bytes());
        m.extend_from_slice(&self.firmware_revision.to_be_bytes());
        put_text(&mut m, &self.host_name, 64);
        put_text(&mut m, &self.vendor_string, 64);
        m
    }
}

/// Start-Control-Connection-Reply, 156 bytes (RFC 2637 §2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartControlConnectionReply {
    /// Protocol Version (0x0100).
    pub protocol_version: u16,
    /// 1 = channel established, 2 = general error, 3 = channel exists,
    /// 4 = not authorised, 5 = version not supported.
    pub result_code: u8,
    /// General Error Code (RFC 2637 §2.16).
    pub error_code: u8,
    /// Framing Capabilities.
    pub framing_capabilities: u32,
    /// Bearer Capabilities.
    pub bearer_capabilities: u32,
    /// Maximum Channels.
    pub maximum_channels: u16,
    /// Firmware Revision.
    pub firmware_revision: u16,
    /// Host Name, 64 bytes.
    pub host_name: Vec<u8>,
    /// Vendor String, 64 bytes.
    pub vendor_string: Vec<u8>,
}

impl Default for StartControlConnectionReply {
    /// Channel established; asynchronous framing, analog bearer, 1
    /// channel, firmware 1, host "tunnelscope-server", vendor "linux".
    fn default() -> Self {
        StartControlConnectionReply {
            protocol_version: PROTOCOL_VERSION,
            result_code: 1,
            error_code: 0,
            framing_capabilities: 1,
            bearer_capabilities: 1,
            maximum_channels: 1,
            firmware_revision: 1,
            host_name: b"tunnelscope-server".to_vec(),
            vendor_string: b"linux".to_vec(),
        }
    }
}

impl ControlBody for StartControlConnectionReply {
    const CONTROL_TYPE: u16 = control_type::START_CONTROL_CONNECTION_REPLY;

    fn body(&self) -> Vec<u8> {
        let mut m = Vec::with_capacity(144);
        m.extend_from_slice(&self.protocol_version.to_be_bytes());
        m.push(self.result_code);
        m.push(self.error_code);
        m.extend_from_slice(&self.framing_capabilities.to_be_bytes());
        m.extend_from_slice(&self.bearer_capabilities.to_be_bytes());
        m.extend_from_slice(&self.maximum_channels.to_be_bytes());
        m.extend_from_slice(&self.firmware_revision.to_be_bytes());
        put_text(&mut m, &self.host_name, 64);
        put_text(&mut m, &self.vendor_string, 64);
        m
    }
}

/// Stop-Control-Connection-Request, 16 bytes (RFC 2637 §2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopControlConnectionRequest {
    /// 1 = none, 2 = stop-protocol, 3 = stop-local-shutdown.
    pub reason: u8,
    /// Reserved1.
    pub reserved1: u8,
    /// Reserved2.
    pub reserved2: u16,
}

impl Default for StopControlConnectionRequest {
    /// Reason 1 (general request to clear the control connection).
    fn default() -> Self {
        StopControlConnectionRequest {
            reason: 1,
            reserved1: 0,
            reserved2: 0,
        }
    }
}

impl ControlBody for StopControlConnectionRequest {
    const CONTROL_TYPE: u16 = control_type::STOP_CONTROL_CONNECTION_REQUEST;

    fn body(&self) -> Vec<u8> {
        let mut m = vec![self.reason, self.reserved1];
        m.extend_from_slice(&self.reserved2.to_be_bytes());
        m
    }
}

/// Stop-Control-Connection-Reply, 16 bytes (RFC 2637 §2.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopControlConnectionReply {
    /// 1 = OK, 2 = general error.
    pub result_code: u8,
    /// Error Code.
    pub error_code: u8,
    /// Reserved1.
    pub reserved1: u16,
}

impl Default for StopControlConnectionReply {
    /// Result 1 (OK).
    fn default() -> Self {
        StopControlConnectionReply {
            result_code: 1,
            error_code: 0,
            reserved1: 0,
        }
    }
}

impl ControlBody for StopControlConnectionReply {
    const CONTROL_TYPE: u16 = control_type::STOP_CONTROL_CONNECTION_REPLY;

    fn body(&self) -> Vec<u8> {
        let mut m = vec![self.result_code, self.error_code];
        m.extend_from_slice(&self.reserved1.to_be_bytes());
        m
    }
}

/// Echo-Request, 16 bytes (RFC 2637 §2.5).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EchoRequest {
    /// Identifier, echoed in the reply.
    pub identifier: u32,
}

impl ControlBody for EchoRequest {
    const CONTROL_TYPE: u16 = control_type::ECHO_REQUEST;

    fn body(&self) -> Vec<u8> {
        self.identifier.to_be_bytes().to_vec()
    }
}

/// Echo-Reply, 20 bytes (RFC 2637 §2.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EchoReply {
    /// Copied from the Echo-Request.
    pub identifier: u32,
    /// 1 = OK, 2 = general error.
    pub result_code: u8,
    /// Error Code.
    pub error_code: u8,
    /// Reserved1.
    pub reserved1: u16,
}

impl Default for EchoReply {
    /// Identifier 0, result 1 (OK).
    fn default() -> Self {
        EchoReply {
            identifier: 0,
            result_code: 1,
            error_code: 0,
            reserved1: 0,
        }
    }
}

impl ControlBody for EchoReply {
    const CONTROL_TYPE: u16 = control_type::ECHO_REPLY;

    fn body(&self) -> Vec<u8> {
        let mut m = self.identifier.to_be_bytes().to_vec();
        m.push(self.result_code);
        m.push(self.error_code);
        m.extend_from_slice(&self.reserved1.to_be_bytes());
        m
    }
}

/// Outgoing-Call-Request, 168 bytes (RFC 2637 §2.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingCallRequest {
    /// Chosen by the PNS.
    pub call_id: u16,
    /// Call Serial Number.
    pub call_serial_number: u16,
    /// Minimum BPS.
    pub minimum_bps: u32,
    /// Maximum BPS.
    pub maximum_bps: u32,
    /// 1 analog, 2 digital, 3 any.
    pub bearer_type: u32,
    /// 1 asynchronous, 2 synchronous, 3 either.
    pub framing_type: u32,
    /// Packets the PNS will buffer.
    pub packet_recv_window_size: u16,
    /// Tenths of a second.
    pub packet_processing_delay: u16,
    /// `None` writes the Phone Number's length.
    pub phone_number_length: Option<u16>,
    /// Reserved1.
    pub reserved1: u16,
    /// Phone Number, 64 bytes.
    pub phone_number: Vec<u8>,
    /// Subaddress, 64 bytes.
    pub subaddress: Vec<u8>,
}

impl Default for OutgoingCallRequest {
    /// As Windows sends it: Call ID 0 (set it), serial 0, 300 to 100000000
    /// bit/s, any bearer, either framing, window 64, delay 0, no number.
    fn default() -> Self {
        OutgoingCallRequest {
            call_id: 0,
            call_serial_number: 0,
            minimum_bps: 300,
            maximum_bps: 100_000_000,
            bearer_type: 3,
            framing_type: 3,
            packet_recv_window_size: 64,
            packet_processing_delay: 0,
            phone_number_length: None,
            reserved1: 0,
            phone_number: Vec::new(),
            subaddress: Vec::new(),
        }
    }
}

impl ControlBody for OutgoingCallRequest {
    const CONTROL_TYPE: u16 = control_type::OUTGOING_CALL_REQUEST;

    fn body(&self) -> Vec<u8> {
        let mut m = Vec::with_capacity(156);
        m.extend_from_slice(&self.call_id.to_be_bytes());
        m.extend_from_slice(&self.call_serial_number.to_be_bytes());
        m.extend_from_slice(&self.minimum_bps.to_be_bytes());
        m.extend_from_slice(&self.maximum_bps.to_be_bytes());
        m.extend_from_slice(&self.bearer_type.to_be_bytes());
        m.extend_from_slice(&self.framing_type.to_be_bytes());
        m.extend_from_slice(&self.packet_recv_window_size.to_be_bytes());
        m.extend_from_slice(&self.packet_processing_delay.to_be_bytes());
        let len = number_length(self.phone_number_length, &self.phone_number, 64);
        m.extend_from_slice(&len.to_be_bytes());
        m.extend_from_slice(&self.reserved1.to_be_bytes());
        put_text(&mut m, &self.phone_number, 64);
        put_text(&mut m, &self.subaddress, 64);
        m
    }
}

/// Outgoing-Call-Reply, 32 bytes (RFC 2637 §2.8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingCallReply {
    /// Chosen by the PAC.
    pub call_id: u16,
    /// The OCRQ's Call ID.
    pub peer_call_id: u16,
    /// 1 connected, 2 general error, 3 no carrier, 4 busy, 5 no dial tone,
    /// 6 time-out, 7 do not accept.
    pub result_code: u8,
    /// Error Code.
    pub error_code: u8,
    /// Cause Code (Q.931).
    pub cause_code: u16,
    /// Connect Speed in bit/s.
    pub connect_speed: u32,
    /// Packets the PAC will buffer.
    pub packet_recv_window_size: u16,
    /// Packet Processing Delay in tenths of a second.
    pub packet_processing_delay: u16,
    /// Physical Channel ID.
    pub physical_channel_id: u32,
}

impl Default for OutgoingCallReply {
    /// Connected at 100000000 bit/s, window 64, delay 0.
    fn default() -> Self {
        OutgoingCallReply {
            call_id: 0,
            peer_call_id: 0,
            result_code: 1,
            error_code: 0,
            cause_code: 0,
            connect_speed: 100_000_000,
            packet_recv_window_size: 64,
            packet_processing_delay: 0,
            physical_channel_id: 0,
        }
    }
}

impl ControlBody for OutgoingCallReply {
    const CONTROL_TYPE: u16 = control_type::OUTGOING_CALL_REPLY;

    fn body(&self) -> Vec<u8> {
        let mut m = Vec::with_capacity(20);
        m.extend_from_slice(&self.call_id.to_be_bytes());
        m.extend_from_slice(&self.peer_call_id.to_be_bytes());
        m.push(self.result_code);
        m.push(self.error_code);
        m.extend_from_slice(&self.cause_code.to_be_bytes());
        m.extend_from_slice(&self.connect_speed.to_be_bytes());
        m.extend_from_slice(&self.packet_recv_window_size.to_be_bytes());
        m.extend_from_slice(&self.packet_processing_delay.to_be_bytes());
        m.extend_from_slice(&self.physical_channel_id.to_be_bytes());
        m
    }
}

/// Incoming-Call-Request, 220 bytes (RFC 2637 §2.9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingCallRequest {
    /// Chosen by the PAC.
    pub call_id: u16,
    /// Call Serial Number.
    pub call_serial_number: u16,
    /// 1 analog, 2 digital.
    pub call_bearer_type: u32,
    /// Physical Channel ID.
    pub physical_channel_id: u32,
    /// `None` writes the Dialed Number's length.
    pub dialed_number_length: Option<u16>,
    /// `None` writes the Dialing Number's length.
    pub dialing_number_length: Option<u16>,
    /// Dialed Number (DNIS), 64 bytes.
    pub dialed_number: Vec<u8>,
    /// Dialing Number (CLID), 64 bytes.
    pub dialing_number: Vec<u8>,
    /// Subaddress, 64 bytes.
    pub subaddress: Vec<u8>,
}

impl Default for IncomingCallRequest {
    /// Call ID 0 (set it), analog bearer, no numbers.
    fn default() -> Self {
        IncomingCallRequest {
            call_id: 0,
            call_serial_number: 0,
            call_bearer_type: 1,
            physical_channel_id: 0,
            dialed_number_length: None,
            dialing_number_length: None,
            dialed_number: Vec::new(),
            dialing_number: Vec::new(),
            subaddress: Vec::new(),
        }
    }
}

impl ControlBody for IncomingCallRequest {
    const CONTROL_TYPE: u16 = control_type::INCOMING_CALL_REQUEST;

    fn body(&self) -> Vec<u8> {
        let mut m = Vec::with_capacity(208);
        m.extend_from_slice(&self.call_id.to_be_bytes());
        m.extend_from_slice(&self.call_serial_number.to_be_bytes());
        m.extend_from_slice(&self.call_bearer_type.to_be_bytes());
        m.extend_from_slice(&self.physical_channel_id.to_be_bytes());
        let dialed = number_length(self.dialed_number_length, &self.dialed_number, 64);
        let dialing = number_length(self.dialing_number_length, &self.dialing_number, 64);
        m.extend_from_slice(&dialed.to_be_bytes());
        m.extend_from_slice(&dialing.to_be_bytes());
        put_text(&mut m, &self.dialed_number, 64);
        put_text(&mut m, &self.dialing_number, 64);
        put_text(&mut m, &self.subaddress, 64);
        m
    }
}

/// Incoming-Call-Reply, 24 bytes (RFC 2637 §2.10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingCallReply {
    /// Chosen by the PNS.
    pub call_id: u16,
    /// The ICRQ's Call ID.
    pub peer_call_id: u16,
    /// 1 connect, 2 general error, 3 do not accept.
    pub result_code: u8,
    /// Error Code.
    pub error_code: u8,
    /// Packet Recv. Window Size (packets the PNS will buffer).
    pub packet_recv_window_size: u16,
    /// Tenths of a second.
    pub packet_transmit_delay: u16,
    /// Reserved1.
    pub reserved1: u16,
}

impl Default for IncomingCallReply {
    /// Connect, window 64, delay 0.
    fn default() -> Self {
        IncomingCallReply {
            call_id: 0,
            peer_call_id: 0,
            result_code: 1,
            error_code: 0,
            packet_recv_window_size: 64,
            packet_transmit_delay: 0,
            reserved1: 0,
        }
    }
}

impl ControlBody for IncomingCallReply {
    const CONTROL_TYPE: u16 = control_type::INCOMING_CALL_REPLY;

    fn body(&self) -> Vec<u8> {
        let mut m = Vec::with_capacity(12);
        m.extend_from_slice(&self.call_id.to_be_bytes());
        m.extend_from_slice(&self.peer_call_id.to_be_bytes());
        m.push(self.result_code);
        m.push(self.error_code);
        m.extend_from_slice(&self.packet_recv_window_size.to_be_bytes());
        m.extend_from_slice(&self.packet_transmit_delay.to_be_bytes());
        m.extend_from_slice(&self.reserved1.to_be_bytes());
        m
    }
}

/// Incoming-Call-Connected, 28 bytes (RFC 2637 §2.11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingCallConnected {
    /// The ICRP's Call ID (the PNS's).
    pub peer_call_id: u16,
    /// Reserved1.
    pub reserved1: u16,
    /// Connect Speed in bit/s.
    pub connect_speed: u32,
    /// Packet Recv. Window Size (packets the PAC will buffer).
    pub packet_recv_window_size: u16,
    /// Packet Transmit Delay in tenths of a second.
    pub packet_transmit_delay: u16,
    /// 1 asynchronous, 2 synchronous.
    pub framing_type: u32,
}

impl Default for IncomingCallConnected {
    /// 100000000 bit/s, window 64, delay 0, asynchronous framing.
    fn default() -> Self {
        IncomingCallConnected {
            peer_call_id: 0,
            reserved1: 0,
            connect_speed: 100_000_000,
            packet_recv_window_size: 64,
            packet_transmit_delay: 0,
            framing_type: 1,
        }
    }
}

impl ControlBody for IncomingCallConnected {
    const CONTROL_TYPE: u16 = control_type::INCOMING_CALL_CONNECTED;

    fn body(&self) -> Vec<u8> {
        let mut m = Vec::with_capacity(16);
        m.extend_from_slice(&self.peer_call_id.to_be_bytes());
        m.extend_from_slice(&self.reserved1.to_be_bytes());
        m.extend_from_slice(&self.connect_speed.to_be_bytes());
        m.extend_from_slice(&self.packet_recv_window_size.to_be_bytes());
        m.extend_from_slice(&self.packet_transmit_delay.to_be_bytes());
        m.extend_from_slice(&self.framing_type.to_be_bytes());
        m
    }
}

/// Call-Clear-Request, 16 bytes (RFC 2637 §2.12). Carries the PNS's own
/// Call ID.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallClearRequest {
    /// The PNS's own Call ID.
    pub call_id: u16,
    /// Reserved1.
    pub reserved1: u16,
}

impl ControlBody for CallClearRequest {
    const CONTROL_TYPE: u16 = control_type::CALL_CLEAR_REQUEST;

    fn body(&self) -> Vec<u8> {
        let mut m = self.call_id.to_be_bytes().to_vec();
        m.extend_from_slice(&self.reserved1.to_be_bytes());
        m
    }
}

/// Call-Disconnect-Notify, 148 bytes (RFC 2637 §2.13). Carries the PAC's
/// own Call ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallDisconnectNotify {
    /// The PAC's own Call ID.
    pub call_id: u16,
    /// 1 lost carrier, 2 general error, 3 admin shutdown, 4 request.
    pub result_code: u8,
    /// Error Code.
    pub error_code: u8,
    /// Cause Code (Q.931).
    pub cause_code: u16,
    /// Reserved1.
    pub reserved1: u16,
    /// Call Statistics, 128 bytes of vendor text.
    pub call_statistics: Vec<u8>,
}

impl Default for CallDisconnectNotify {
    /// Result 4 (the answer to a Call-Clear-Request), no statistics.
    fn default() -> Self {
        CallDisconnectNotify {
            call_id: 0,
            result_code: 4,
            error_code: 0,
            cause_code: 0,
            reserved1: 0,
            call_statistics: Vec::new(),
        }
    }
}

impl ControlBody for CallDisconnectNotify {
    const CONTROL_TYPE: u16 = control_type::CALL_DISCONNECT_NOTIFY;

    fn body(&self) -> Vec<u8> {
        let mut m = Vec::with_capacity(136);
        m.extend_from_slice(&self.call_id.to_be_bytes());
        m.push(self.result_code);
        m.push(self.error_code);
        m.extend_from_slice(&self.cause_code.to_be_bytes());
        m.extend_from_slice(&self.reserved1.to_be_bytes());
        put_text(&mut m, &self.call_statistics, 128);
        m
    }
}

/// WAN-Error-Notify, 40 bytes (RFC 2637 §2.14). Counters are cumulative
/// since the call came up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WanErrorNotify {
    /// The PNS's Call ID.
    pub peer_call_id: u16,
    /// Reserved1.
    pub reserved1: u16,
    /// CRC Errors.
    pub crc_errors: u32,
    /// Framing Errors.
    pub framing_errors: u32,
    /// Hardware Overruns.
    pub hardware_overruns: u32,
    /// Buffer Overruns.
    pub buffer_overruns: u32,
    /// Time-out Errors.
    pub timeout_errors: u32,
    /// Alignment Errors.
    pub alignment_errors: u32,
}

impl ControlBody for WanErrorNotify {
    const CONTROL_TYPE: u16 = control_type::WAN_ERROR_NOTIFY;

    fn body(&self) -> Vec<u8> {
        let mut m = Vec::with_capacity(28);
        m.extend_from_slice(&self.peer_call_id.to_be_bytes());
        m.extend_from_slice(&self.reserved1.to_be_bytes());
        for v in [
            self.crc_errors,
            self.framing_errors,
            self.hardware_overruns,
            self.buffer_overruns,
            self.timeout_errors,
            self.alignment_errors,
        ] {
            m.extend_from_slice(&v.to_be_bytes());
        }
        m
    }
}

/// Set-Link-Info, 24 bytes (RFC 2637 §2.15).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetLinkInfo {
    /// The PAC's Call ID.
    pub peer_call_id: u16,
    /// Reserved1.
    pub reserved1: u16,
    /// Send ACCM.
    pub send_accm: u32,
    /// Receive ACCM.
    pub receive_accm: u32,
}

impl Default for SetLinkInfo {
    /// Both ACCMs 0xFFFFFFFF (the value before any SLI).
    fn default() -> Self {
        SetLinkInfo {
            peer_call_id: 0,
            reserved1: 0,
            send_accm: 0xFFFF_FFFF,
            receive_accm: 0xFFFF_FFFF,
        }
    }
}

impl ControlBody for SetLinkInfo {
    const CONTROL_TYPE: u16 = control_type::SET_LINK_INFO;

    fn body(&self) -> Vec<u8> {
        let mut m = self.peer_call_id.to_be_bytes().to_vec();
        m.extend_from_slice(&self.reserved1.to_be_bytes());
        m.extend_from_slice(&self.send_accm.to_be_bytes());
        m.extend_from_slice(&self.receive_accm.to_be_bytes());
        m
    }
}

/// Any control message, typed or raw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlMessage {
    /// Type 1.
    StartControlConnectionRequest(StartControlConnectionRequest),
    /// Type 2.
    StartControlConnectionReply(StartControlConnectionReply),
    /// Type 3.
    StopControlConnectionRequest(StopControlConnectionRequest),
    /// Type 4.
    StopControlConnectionReply(StopControlConnectionReply),
    /// Type 5.
    EchoRequest(EchoRequest),
    /// Type 6.
    EchoReply(EchoReply),
    /// Type 7.
    OutgoingCallRequest(OutgoingCallRequest),
    /// Type 8.
    OutgoingCallReply(OutgoingCallReply),
    /// Type 9.
    IncomingCallRequest(IncomingCallRequest),
    /// Type 10.
    IncomingCallReply(IncomingCallReply),
    /// Type 11.
    IncomingCallConnected(IncomingCallConnected),
    /// Type 12.
    CallClearRequest(CallClearRequest),
    /// Type 13.
    CallDisconnectNotify(CallDisconnectNotify),
    /// Type 14.
    WanErrorNotify(WanErrorNotify),
    /// Type 15.
    SetLinkInfo(SetLinkInfo),
    /// Header and body as given, possibly malformed.
    Raw(RawMessage),
}

macro_rules! each_message {
    ($self:expr, $m:ident => $e:expr, raw $r:ident => $re:expr) => {
        match $self {
            ControlMessage::StartControlConnectionRequest($m) => $e,
            ControlMessage::StartControlConnectionReply($m) => $e,
            ControlMessage::StopControlConnectionRequest($m) => $e,
            ControlMessage::StopControlConnectionReply($m) => $e,
            ControlMessage::EchoRequest($m) => $e,
            ControlMessage::EchoReply($m) => $e,
            ControlMessage::OutgoingCallRequest($m) => $e,
            ControlMessage::OutgoingCallReply($m) => $e,
            ControlMessage::IncomingCallRequest($m) => $e,
            ControlMessage::IncomingCallReply($m) => $e,
            ControlMessage::IncomingCallConnected($m) => $e,
            ControlMessage::CallClearRequest($m) => $e,
            ControlMessage::CallDisconnectNotify($m) => $e,
            ControlMessage::WanErrorNotify($m) => $e,
            ControlMessage::SetLinkInfo($m) => $e,
            ControlMessage::Raw($r) => $re,
        }
    };
}

impl ControlMessage {
    /// The message with a header that may be altered.
    pub fn to_raw(&self) -> RawMessage {
        each_message!(self, m => m.to_raw(), raw r => r.clone())
    }

    /// The encoded message.
    pub fn encode(&self) -> Vec<u8> {
        each_message!(self, m => m.encode(), raw r => r.encode())
    }

    /// The Control Message Type written in the header.
    pub fn control_type(&self) -> u16 {
        each_message!(self, m => body_type(m), raw r => r.control_message_type)
    }
}

fn body_type<B: ControlBody>(_: &B) -> u16 {
    B::CONTROL_TYPE
}

macro_rules! from_body {
    ($($t:ident),*) => {
        $(impl From<$t> for ControlMessage {
            fn from(m: $t) -> Self {
                ControlMessage::$t(m)
            }
        })*
    };
}

from_body!(
    StartControlConnectionRequest,
    StartControlConnectionReply,
    StopControlConnectionRequest,
    StopControlConnectionReply,
    EchoRequest,
    EchoReply,
    OutgoingCallRequest,
    OutgoingCallReply,
    IncomingCallRequest,
    IncomingCallReply,
    IncomingCallConnected,
    CallClearRequest,
    CallDisconnectNotify,
    WanErrorNotify,
    SetLinkInfo
);

impl From<RawMessage> for ControlMessage {
    fn from(m: RawMessage) -> Self {
        ControlMessage::Raw(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(len: u16, ty: u16) -> Vec<u8> {
        let mut h = len.to_be_bytes().to_vec();
        h.extend_from_slice(&[0, 1, 0x1A, 0x2B, 0x3C, 0x4D]);
        h.extend_from_slice(&ty.to_be_bytes());
        h.extend_from_slice(&[0, 0]);
        h
    }

    fn text(s: &[u8], size: usize) -> Vec<u8> {
        let mut v = s.to_vec();
        v.resize(size, 0);
        v
    }

    #[test]
    fn every_message_has_its_rfc_length() {
        let all: Vec<(ControlMessage, usize)> = vec![
            (StartControlConnectionRequest::default().into(), 156),
            (StartControlConnectionReply::default().into(), 156),
            (StopControlConnectionRequest::default().into(), 16),
            (StopControlConnectionReply::default().into(), 16),
            (EchoRequest::default().into(), 16),
            (EchoReply::default().into(), 20),
            (OutgoingCallRequest::default().into(), 168),
            (OutgoingCallReply::default().into(), 32),
            (IncomingCallRequest::default().into(), 220),
            (IncomingCallReply::default().into(), 24),
            (IncomingCallConnected::default().into(), 28),
            (CallClearRequest::default().into(), 16),
            (CallDisconnectNotify::default().into(), 148),
            (WanErrorNotify::default().into(), 40),
            (SetLinkInfo::default().into(), 24),
        ];
        for (i, (m, len)) in all.iter().enumerate() {
            let bytes = m.encode();
            let code = (i + 1) as u16;
            assert_eq!(bytes.len(), *len, "type {code}");
            assert_eq!(bytes[..12], header(*len as u16, code)[..], "type {code}");
            assert_eq!(m.control_type(), code);
            assert!(control_type_name(code).is_some());
        }
        assert_eq!(control_type_name(16), None);
        assert_eq!(control_type_name(0), None);
    }

    #[test]
    fn sccrq_default_is_windows_like() {
        let b = StartControlConnectionRequest::default().encode();
        let expected: Vec<u8> = [
            header(156, 1),
            vec![0x01, 0x00, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0],
            text(b"tunnelscope-client", 64),
            text(b"Microsoft", 64),
        ]
        .concat();
        assert_eq!(b, expected);
    }

    #[test]
    fn sccrp_fields_in_place() {
        let b = StartControlConnectionReply {
            result_code: 2,
            error_code: 4,
            framing_capabilities: 3,
            bearer_capabilities: 2,
            maximum_channels: 0x1234,
            firmware_revision: 0xABCD,
            ..Default::default()
        }
        .encode();
        assert_eq!(
            b[12..28],
            [0x01, 0x00, 2, 4, 0, 0, 0, 3, 0, 0, 0, 2, 0x12, 0x34, 0xAB, 0xCD]
        );
        assert_eq!(b[28..92], text(b"tunnelscope-server", 64)[..]);
        assert_eq!(b[92..156], text(b"linux", 64)[..]);
    }

    #[test]
    fn small_messages_byte_for_byte() {
        let stop = StopControlConnectionRequest {
            reason: 3,
            reserved1: 0xAA,
            reserved2: 0xBBCC,
        }
        .encode();
        assert_eq!(stop[12..], [3, 0xAA, 0xBB, 0xCC]);
        let stop_rp = StopControlConnectionReply {
            result_code: 2,
            error_code: 6,
            reserved1: 0,
        }
        .encode();
        assert_eq!(stop_rp[12..], [2, 6, 0, 0]);
        assert_eq!(
            EchoRequest {
                identifier: 0x01020304
            }
            .encode()[12..],
            [1, 2, 3, 4]
        );
        let rp = EchoReply {
            identifier: 0x01020304,
            ..Default::default()
        }
        .encode();
        assert_eq!(rp[12..], [1, 2, 3, 4, 1, 0, 0, 0]);
        let ccrq = CallClearRequest {
            call_id: 0x3039,
            reserved1: 0,
        }
        .encode();
        assert_eq!(ccrq, [header(16, 12), vec![0x30, 0x39, 0, 0]].concat());
        let sli = SetLinkInfo {
            peer_call_id: 0x0101,
            send_accm: 0,
            ..Default::default()
        }
        .encode();
        assert_eq!(sli[12..], [1, 1, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]);
    }

    #[test]
    fn call_messages_byte_for_byte() {
        let ocrq = OutgoingCallRequest {
            call_id: 0x3039,
            call_serial_number: 3,
            phone_number: b"5550100".to_vec(),
            ..Default::default()
        }
        .encode();
        assert_eq!(
            ocrq[12..40],
            [
                0x30, 0x39, 0, 3, 0, 0, 0x01, 0x2C, 0x05, 0xF5, 0xE1, 0x00, 0, 0, 0, 3, 0, 0, 0, 3, 0, 64, 0,
                0, 0, 7, 0, 0
            ]
        );
        assert_eq!(ocrq[40..104], text(b"5550100", 64)[..]);
        assert_eq!(ocrq[104..168], [0; 64]);
        let ocrp = OutgoingCallReply {
            call_id: 0x0101,
            peer_call_id: 0x3039,
            result_code: 2,
            error_code: 4,
            cause_code: 0x1122,
            packet_processing_delay: 5,
            physical_channel_id: 0xDEADBEEF,
            ..Default::default()
        }
        .encode();
        assert_eq!(
            ocrp[12..],
            [
                1, 1, 0x30, 0x39, 2, 4, 0x11, 0x22, 0x05, 0xF5, 0xE1, 0x00, 0, 64, 0, 5, 0xDE, 0xAD, 0xBE,
                0xEF
            ]
        );
        let icrq = IncomingCallRequest {
            call_id: 0x0101,
            call_serial_number: 9,
            physical_channel_id: 7,
            dialed_number: b"5550100".to_vec(),
            dialing_number: b"5550199".to_vec(),
            dialing_number_length: Some(99),
            ..Default::default()
        }
        .encode();
        assert_eq!(icrq[12..28], [1, 1, 0, 9, 0, 0, 0, 1, 0, 0, 0, 7, 0, 7, 0, 99]);
        assert_eq!(icrq[28..92], text(b"5550100", 64)[..]);
        assert_eq!(icrq[92..156], text(b"5550199", 64)[..]);
        let icrp = IncomingCallReply {
            call_id: 0x3039,
            peer_call_id: 0x0101,
            packet_transmit_delay: 2,
            ..Default::default()
        }
        .encode();
        assert_eq!(icrp[12..], [0x30, 0x39, 1, 1, 1, 0, 0, 64, 0, 2, 0, 0]);
        let iccn = IncomingCallConnected {
            peer_call_id: 0x3039,
            connect_speed: 64_000,
            ..Default::default()
        }
        .encode();
        assert_eq!(
            iccn[12..],
            [0x30, 0x39, 0, 0, 0, 0, 0xFA, 0x00, 0, 64, 0, 0, 0, 0, 0, 1]
        );
        let wen = WanErrorNotify {
            peer_call_id: 0x3039,
            crc_errors: 1,
            framing_errors: 2,
            hardware_overruns: 3,
            buffer_overruns: 4,
            timeout_errors: 5,
            alignment_errors: 6,
            ..Default::default()
        }
        .encode();
        assert_eq!(
            wen[12..],
            [0x30, 0x39, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6]
        );
    }

    #[test]
    fn cdn_statistics_fill_all_128_bytes() {
        let stats: Vec<u8> = (0..200u8).map(|i| b'A' + i % 26).collect();
        let cdn = CallDisconnectNotify {
            call_id: 0x0101,
            result_code: 3,
            call_statistics: stats.clone(),
            ..Default::default()
        }
        .encode();
        assert_eq!(cdn.len(), 148);
        assert_eq!(cdn[12..20], [1, 1, 3, 0, 0, 0, 0, 0]);
        assert_eq!(cdn[20..], stats[..128]);
    }

    #[test]
    fn raw_escape_hatch() {
        let mut raw = EchoRequest { identifier: 9 }.to_raw();
        raw.magic_cookie = 0xDEAD_BEEF;
        raw.reserved0 = 0x0102;
        raw.length = Some(8);
        raw.pptp_message_type = 2;
        assert_eq!(
            raw.encode(),
            [0, 8, 0, 2, 0xDE, 0xAD, 0xBE, 0xEF, 0, 5, 1, 2, 0, 0, 0, 9]
        );
        let unknown = ControlMessage::Raw(RawMessage::new(16, vec![0; 4]));
        assert_eq!(unknown.control_type(), 16);
        assert_eq!(unknown.encode(), [header(16, 16), vec![0; 4]].concat());
    }
}
