//! PPTP control message decoder (RFC 2637 §2).
//!
//! Pure: one whole message (as framed by its Length field, see
//! [`super::stream`]) in, a typed [`Message`] out. Every field of all fifteen
//! control messages is decoded. Oddities that do not stop decoding (a wrong
//! magic cookie, a non-zero Reserved field, a Length longer than the layout)
//! are kept as [`Anomaly`] values beside the message; only a message too
//! short for its layout is an error.
//!
//! Text fields are NUL-trimmed but not escaped: escaping happens where they
//! are shown (`crate::text::escape_terminal`).

use nom::bytes::complete::take;
use nom::combinator::{all_consuming, map_parser};
use nom::number::complete::{be_u16, be_u32, be_u8};
use nom::{IResult, Parser};
use serde::ser::{SerializeMap, Serializer};

use super::codes::{
    BearerCapabilities, BearerType, CdnResult, ControlMessageType, EchoResult, FramingCapabilities,
    FramingType, GeneralError, IcrpResult, OcrpResult, ProtocolVersion, SccrpResult, StopCcrpResult,
    StopReason,
};
use crate::text::nul_padded;

/// The Magic Cookie every PPTP control message carries at offset 4
/// (RFC 2637 §2). A receiver uses it to check that it is still in step with
/// the TCP stream.
pub const MAGIC_COOKIE: u32 = 0x1A2B3C4D;

/// Size of the header common to all control messages (RFC 2637 §2).
pub const HEADER_LEN: usize = 12;

/// PPTP Message Type of a control message (RFC 2637 §2).
pub const CONTROL_MESSAGE: u16 = 1;

/// PPTP Message Type reserved for management messages, which RFC 2637 §2
/// names but never defines.
pub const MANAGEMENT_MESSAGE: u16 = 2;

/// Size of the phone number, subaddress, dialed and dialing number fields
/// (RFC 2637 §2.7, §2.9).
const NUMBER_FIELD_LEN: u16 = 64;

/// The header common to every control message (RFC 2637 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Total message length in octets, header included.
    pub length: u16,
    /// 1 for control messages; 2 (management) is named but undefined.
    pub pptp_message_type: u16,
    /// Must be [`MAGIC_COOKIE`].
    pub magic_cookie: u32,
    pub control_message_type: ControlMessageType,
    /// Must be 0.
    pub reserved0: u16,
}

/// Start-Control-Connection-Request (RFC 2637 §2.1): opens the control
/// connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartControlConnectionRequest {
    pub protocol_version: ProtocolVersion,
    pub reserved1: u16,
    pub framing_capabilities: FramingCapabilities,
    pub bearer_capabilities: BearerCapabilities,
    /// Number of sessions the PAC can offer; a PNS sends 0.
    pub maximum_channels: u16,
    pub firmware_revision: u16,
    pub host_name: String,
    pub vendor_string: String,
}

/// Start-Control-Connection-Reply (RFC 2637 §2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartControlConnectionReply {
    pub protocol_version: ProtocolVersion,
    pub result_code: SccrpResult,
    pub error_code: GeneralError,
    pub framing_capabilities: FramingCapabilities,
    pub bearer_capabilities: BearerCapabilities,
    pub maximum_channels: u16,
    pub firmware_revision: u16,
    pub host_name: String,
    pub vendor_string: String,
}

/// Stop-Control-Connection-Request (RFC 2637 §2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopControlConnectionRequest {
    pub reason: StopReason,
    pub reserved1: u8,
    pub reserved2: u16,
}

/// Stop-Control-Connection-Reply (RFC 2637 §2.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopControlConnectionReply {
    pub result_code: StopCcrpResult,
    pub error_code: GeneralError,
    pub reserved1: u16,
}

/// Echo-Request (RFC 2637 §2.5): keep-alive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EchoRequest {
    /// Chosen by the sender; the reply copies it.
    pub identifier: u32,
}

/// Echo-Reply (RFC 2637 §2.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EchoReply {
    pub identifier: u32,
    pub result_code: EchoResult,
    pub error_code: GeneralError,
    pub reserved1: u16,
}

/// Outgoing-Call-Request (RFC 2637 §2.7): the PNS asks the PAC to set up a
/// call. In a VPN the client is the PNS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingCallRequest {
    /// The PNS's own Call ID.
    pub call_id: u16,
    /// Logging identifier both ends keep.
    pub call_serial_number: u16,
    pub minimum_bps: u32,
    pub maximum_bps: u32,
    pub bearer_type: BearerType,
    pub framing_type: FramingType,
    /// Packets the PNS can buffer for this call.
    pub packet_recv_window_size: u16,
    /// Tenths of a second.
    pub packet_processing_delay: u16,
    /// Valid digits in `phone_number`, as sent.
    pub phone_number_length: u16,
    pub reserved1: u16,
    pub phone_number: String,
    pub subaddress: String,
}

/// Outgoing-Call-Reply (RFC 2637 §2.8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingCallReply {
    /// The PAC's own Call ID.
    pub call_id: u16,
    /// The Call ID of the Outgoing-Call-Request (the PNS's).
    pub peer_call_id: u16,
    pub result_code: OcrpResult,
    pub error_code: GeneralError,
    /// Q.931 cause for ISDN calls.
    pub cause_code: u16,
    /// Bits per second.
    pub connect_speed: u32,
    /// Packets the PAC can buffer for this call.
    pub packet_recv_window_size: u16,
    /// Tenths of a second.
    pub packet_processing_delay: u16,
    /// Vendor-specific; for logging only.
    pub physical_channel_id: u32,
}

/// Incoming-Call-Request (RFC 2637 §2.9): the PAC announces a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingCallRequest {
    /// The PAC's own Call ID.
    pub call_id: u16,
    pub call_serial_number: u16,
    pub call_bearer_type: BearerType,
    pub physical_channel_id: u32,
    /// Valid digits in `dialed_number`, as sent.
    pub dialed_number_length: u16,
    /// Valid digits in `dialing_number`, as sent.
    pub dialing_number_length: u16,
    /// The number that was called (DNIS).
    pub dialed_number: String,
    /// The number that placed the call (ANI / CLID).
    pub dialing_number: String,
    pub subaddress: String,
}

/// Incoming-Call-Reply (RFC 2637 §2.10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingCallReply {
    /// The PNS's own Call ID.
    pub call_id: u16,
    /// The Call ID of the Incoming-Call-Request (the PAC's).
    pub peer_call_id: u16,
    pub result_code: IcrpResult,
    pub error_code: GeneralError,
    pub packet_recv_window_size: u16,
    /// Tenths of a second.
    pub packet_transmit_delay: u16,
    pub reserved1: u16,
}

/// Incoming-Call-Connected (RFC 2637 §2.11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingCallConnected {
    /// The Call ID of the Incoming-Call-Reply (the PNS's).
    pub peer_call_id: u16,
    pub reserved1: u16,
    pub connect_speed: u32,
    pub packet_recv_window_size: u16,
    /// Tenths of a second.
    pub packet_transmit_delay: u16,
    pub framing_type: FramingType,
}

/// Call-Clear-Request (RFC 2637 §2.12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallClearRequest {
    /// The PNS's own Call ID: the PNS may not know the PAC's yet.
    pub call_id: u16,
    pub reserved1: u16,
}

/// Call-Disconnect-Notify (RFC 2637 §2.13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallDisconnectNotify {
    /// The PAC's own Call ID.
    pub call_id: u16,
    pub result_code: CdnResult,
    pub error_code: GeneralError,
    pub cause_code: u16,
    pub reserved1: u16,
    /// Vendor text, 128 bytes on the wire.
    pub call_statistics: String,
}

/// WAN-Error-Notify (RFC 2637 §2.14): cumulative error counters since the
/// call came up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WanErrorNotify {
    /// The PNS's Call ID.
    pub peer_call_id: u16,
    pub reserved1: u16,
    pub crc_errors: u32,
    pub framing_errors: u32,
    pub hardware_overruns: u32,
    pub buffer_overruns: u32,
    pub timeout_errors: u32,
    pub alignment_errors: u32,
}

/// Set-Link-Info (RFC 2637 §2.15): the PPP-negotiated ACCMs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetLinkInfo {
    /// The PAC's Call ID.
    pub peer_call_id: u16,
    pub reserved1: u16,
    pub send_accm: u32,
    pub receive_accm: u32,
}

/// The body of a control message, one variant per RFC 2637 §2 message.
///
/// Serialises (serde) as a flat map, every field in snake_case. A code
/// field is its number plus a name (`null` when the RFC defines no name):
///
/// * Start-Control-Connection-Request: `protocol_version` ("1.0"),
///   `reserved1`, `framing_capabilities`, `framing_capabilities_names`,
///   `bearer_capabilities`, `bearer_capabilities_names`, `maximum_channels`,
///   `firmware_revision`, `host_name`, `vendor_string`.
/// * Start-Control-Connection-Reply: `protocol_version`, `result_code`,
///   `result`, `error_code`, `error`, `framing_capabilities`,
///   `framing_capabilities_names`, `bearer_capabilities`,
///   `bearer_capabilities_names`, `maximum_channels`, `firmware_revision`,
///   `host_name`, `vendor_string`.
/// * Stop-Control-Connection-Request: `reason_code`, `reason`, `reserved1`,
///   `reserved2`.
/// * Stop-Control-Connection-Reply: `result_code`, `result`, `error_code`,
///   `error`, `reserved1`.
/// * Echo-Request: `identifier`.
/// * Echo-Reply: `identifier`, `result_code`, `result`, `error_code`,
///   `error`, `reserved1`.
/// * Outgoing-Call-Request: `call_id`, `call_serial_number`, `minimum_bps`,
///   `maximum_bps`, `bearer_type`, `bearer_type_name`, `framing_type`,
///   `framing_type_name`, `packet_recv_window_size`,
///   `packet_processing_delay`, `phone_number_length`, `reserved1`,
///   `phone_number`, `subaddress`.
/// * Outgoing-Call-Reply: `call_id`, `peer_call_id`, `result_code`,
///   `result`, `error_code`, `error`, `cause_code`, `connect_speed`,
///   `packet_recv_window_size`, `packet_processing_delay`,
///   `physical_channel_id`.
/// * Incoming-Call-Request: `call_id`, `call_serial_number`,
///   `call_bearer_type`, `call_bearer_type_name`, `physical_channel_id`,
///   `dialed_number_length`, `dialing_number_length`, `dialed_number`,
///   `dialing_number`, `subaddress`.
/// * Incoming-Call-Reply: `call_id`, `peer_call_id`, `result_code`,
///   `result`, `error_code`, `error`, `packet_recv_window_size`,
///   `packet_transmit_delay`, `reserved1`.
/// * Incoming-Call-Connected: `peer_call_id`, `reserved1`, `connect_speed`,
///   `packet_recv_window_size`, `packet_transmit_delay`, `framing_type`,
///   `framing_type_name`.
/// * Call-Clear-Request: `call_id`, `reserved1`.
/// * Call-Disconnect-Notify: `call_id`, `result_code`, `result`,
///   `error_code`, `error`, `cause_code`, `reserved1`, `call_statistics`.
/// * WAN-Error-Notify: `peer_call_id`, `reserved1`, `crc_errors`,
///   `framing_errors`, `hardware_overruns`, `buffer_overruns`,
///   `timeout_errors`, `alignment_errors`.
/// * Set-Link-Info: `peer_call_id`, `reserved1`, `send_accm`,
///   `receive_accm`.
/// * Unknown: `bytes_hex` (the body after the header, lower-case hex).
///
/// Text values are not escaped here; renderers escape them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    StartControlConnectionRequest(StartControlConnectionRequest),
    StartControlConnectionReply(StartControlConnectionReply),
    StopControlConnectionRequest(StopControlConnectionRequest),
    StopControlConnectionReply(StopControlConnectionReply),
    EchoRequest(EchoRequest),
    EchoReply(EchoReply),
    OutgoingCallRequest(OutgoingCallRequest),
    OutgoingCallReply(OutgoingCallReply),
    IncomingCallRequest(IncomingCallRequest),
    IncomingCallReply(IncomingCallReply),
    IncomingCallConnected(IncomingCallConnected),
    CallClearRequest(CallClearRequest),
    CallDisconnectNotify(CallDisconnectNotify),
    WanErrorNotify(WanErrorNotify),
    SetLinkInfo(SetLinkInfo),
    /// A type RFC 2637 does not define, or a message whose PPTP Message Type
    /// is not "control": the body bytes after the header, up to Length.
    Unknown {
        control_message_type: u16,
        bytes: Vec<u8>,
    },
}

/// One decoded control message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub header: Header,
    pub body: Body,
    /// Protocol violations that did not stop decoding, in field order.
    pub anomalies: Vec<Anomaly>,
}

/// Something wrong in a message that still decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anomaly {
    /// The Magic Cookie is not 0x1A2B3C4D (RFC 2637 §2).
    BadMagicCookie(u32),
    /// The PPTP Message Type is not 1 (control); 2 means management, which
    /// RFC 2637 never defines.
    NotControlMessage(u16),
    /// A Control Message Type outside 1..=15.
    UnknownControlType(u16),
    /// The Length field is larger than the layout RFC 2637 §2 gives this
    /// message type; the trailing bytes were ignored.
    LengthMismatch { expected: u16, actual: u16 },
    /// A Reserved field is not 0, which RFC 2637 §2 requires.
    ReservedNonZero { field: &'static str, value: u32 },
    /// Outgoing-Call-Request Phone Number Length exceeds its 64-byte field.
    PhoneNumberLengthTooLong(u16),
    /// Incoming-Call-Request Dialed Number Length exceeds its 64-byte field.
    DialedNumberLengthTooLong(u16),
    /// Incoming-Call-Request Dialing Number Length exceeds its 64-byte field.
    DialingNumberLengthTooLong(u16),
}

impl Anomaly {
    /// Stable snake_case identifier for reports.
    pub fn code(&self) -> &'static str {
        match self {
            Anomaly::BadMagicCookie(_) => "bad_magic_cookie",
            Anomaly::NotControlMessage(_) => "not_control_message",
            Anomaly::UnknownControlType(_) => "unknown_control_type",
            Anomaly::LengthMismatch { .. } => "length_mismatch",
            Anomaly::ReservedNonZero { .. } => "reserved_non_zero",
            Anomaly::PhoneNumberLengthTooLong(_) => "phone_number_length_too_long",
            Anomaly::DialedNumberLengthTooLong(_) => "dialed_number_length_too_long",
            Anomaly::DialingNumberLengthTooLong(_) => "dialing_number_length_too_long",
        }
    }

    /// One sentence saying what is wrong, for a finding's explanation.
    pub fn describe(&self) -> String {
        match self {
            Anomaly::BadMagicCookie(v) => format!(
                "Magic Cookie is 0x{v:08x}, not 0x{MAGIC_COOKIE:08x}: the sender is out of step \
                 with the TCP stream or is not speaking PPTP (RFC 2637 §2)"
            ),
            Anomaly::NotControlMessage(t) => {
                let what = if *t == MANAGEMENT_MESSAGE {
                    " (management, never defined)"
                } else {
                    ""
                };
                format!(
                    "PPTP Message Type is {t}{what}, not 1 (control); the body was not decoded \
                     (RFC 2637 §2)"
                )
            }
            Anomaly::UnknownControlType(t) => format!(
                "Control Message Type {t} is not one of the 15 that RFC 2637 §2 defines; the body \
                 was not decoded"
            ),
            Anomaly::LengthMismatch { expected, actual } => format!(
                "Length is {actual} bytes but this message type is {expected} bytes \
                 (RFC 2637 §2); the {} trailing bytes were ignored",
                actual.saturating_sub(*expected)
            ),
            Anomaly::ReservedNonZero { field, value } => format!(
                "{field} is 0x{value:x}; RFC 2637 §2 requires reserved fields to be sent as 0 \
                 (a receiver may answer Bad-Value)"
            ),
            Anomaly::PhoneNumberLengthTooLong(n) => format!(
                "Phone Number Length is {n} but the Phone Number field holds only \
                 {NUMBER_FIELD_LEN} bytes (RFC 2637 §2.7)"
            ),
            Anomaly::DialedNumberLengthTooLong(n) => format!(
                "Dialed Number Length is {n} but the Dialed Number field holds only \
                 {NUMBER_FIELD_LEN} bytes (RFC 2637 §2.9)"
            ),
            Anomaly::DialingNumberLengthTooLong(n) => format!(
                "Dialing Number Length is {n} but the Dialing Number field holds only \
                 {NUMBER_FIELD_LEN} bytes (RFC 2637 §2.9)"
            ),
        }
    }
}

/// Why a buffer could not be decoded as a control message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// Fewer bytes than the header (`what` = "header") or than the Length
    /// field (`what` = "message") declares, counted from offset 0.
    #[error("PPTP {what} truncated: needs {needed} bytes from offset 0, {got} available")]
    Truncated {
        what: &'static str,
        needed: usize,
        got: usize,
    },
    /// The Length field (offset 0) is smaller than the header itself.
    #[error("PPTP Length field (offset 0) is {length}, less than the {HEADER_LEN}-byte header")]
    LengthBelowHeader { length: u16 },
    /// The Length field is smaller than the layout of the message type.
    #[error(
        "PPTP {} needs {needed} bytes but its Length field (offset 0) says {got}",
        .control_message_type.name().unwrap_or("message")
    )]
    TooShort {
        control_message_type: ControlMessageType,
        needed: u16,
        got: u16,
    },
    /// The body layout could not be read (not expected once the lengths
    /// check out; kept so that no path panics).
    #[error("PPTP control message type {} unreadable at offset {offset}", .control_message_type.0)]
    Malformed {
        control_message_type: ControlMessageType,
        offset: usize,
    },
}

impl WireError {
    /// Stable snake_case identifier for reports.
    pub fn code(&self) -> &'static str {
        match self {
            WireError::Truncated { .. } => "truncated",
            WireError::LengthBelowHeader { .. } => "length_below_header",
            WireError::TooShort { .. } => "too_short",
            WireError::Malformed { .. } => "malformed",
        }
    }
}

type PResult<'a, T> = IResult<&'a [u8], T>;

/// A NUL-padded text field of `n` bytes.
fn text<'a>(n: usize) -> impl Parser<&'a [u8], Output = String, Error = nom::error::Error<&'a [u8]>> {
    take(n).map(nul_padded)
}

fn parse_header(i: &[u8]) -> PResult<'_, Header> {
    let (i, (length, pptp_message_type, magic_cookie, control_message_type, reserved0)) =
        (be_u16, be_u16, be_u32, be_u16, be_u16).parse(i)?;
    Ok((
        i,
        Header {
            length,
            pptp_message_type,
            magic_cookie,
            control_message_type: ControlMessageType(control_message_type),
            reserved0,
        },
    ))
}

fn parse_sccrq(i: &[u8]) -> PResult<'_, Body> {
    let (i, (version, reserved1, framing, bearer, channels, firmware, host, vendor)) =
        (be_u16, be_u16, be_u32, be_u32, be_u16, be_u16, text(64), text(64)).parse(i)?;
    Ok((
        i,
        Body::StartControlConnectionRequest(StartControlConnectionRequest {
            protocol_version: ProtocolVersion(version),
            reserved1,
            framing_capabilities: FramingCapabilities(framing),
            bearer_capabilities: BearerCapabilities(bearer),
            maximum_channels: channels,
            firmware_revision: firmware,
            host_name: host,
            vendor_string: vendor,
        }),
    ))
}

fn parse_sccrp(i: &[u8]) -> PResult<'_, Body> {
    let (i, (version, result, error, framing, bearer, channels, firmware, host, vendor)) = (
        be_u16,
        be_u8,
        be_u8,
        be_u32,
        be_u32,
        be_u16,
        be_u16,
        text(64),
        text(64),
    )
        .parse(i)?;
    Ok((
        i,
        Body::StartControlConnectionReply(StartControlConnectionReply {
            protocol_version: ProtocolVersion(version),
            result_code: SccrpResult(result),
            error_code: GeneralError(error),
            framing_capabilities: FramingCapabilities(framing),
            bearer_capabilities: BearerCapabilities(bearer),
            maximum_channels: channels,
            firmware_revision: firmware,
            host_name: host,
            vendor_string: vendor,
        }),
    ))
}

fn parse_stop_ccrq(i: &[u8]) -> PResult<'_, Body> {
    let (i, (reason, reserved1, reserved2)) = (be_u8, be_u8, be_u16).parse(i)?;
    Ok((
        i,
        Body::StopControlConnectionRequest(StopControlConnectionRequest {
            reason: StopReason(reason),
            reserved1,
            reserved2,
        }),
    ))
}

fn parse_stop_ccrp(i: &[u8]) -> PResult<'_, Body> {
    let (i, (result, error, reserved1)) = (be_u8, be_u8, be_u16).parse(i)?;
    Ok((
        i,
        Body::StopControlConnectionReply(StopControlConnectionReply {
            result_code: StopCcrpResult(result),
            error_code: GeneralError(error),
            reserved1,
        }),
    ))
}

fn parse_echo_request(i: &[u8]) -> PResult<'_, Body> {
    let (i, identifier) = be_u32(i)?;
    Ok((i, Body::EchoRequest(EchoRequest { identifier })))
}

fn parse_echo_reply(i: &[u8]) -> PResult<'_, Body> {
    let (i, (identifier, result, error, reserved1)) = (be_u32, be_u8, be_u8, be_u16).parse(i)?;
    Ok((
        i,
        Body::EchoReply(EchoReply {
            identifier,
            result_code: EchoResult(result),
            error_code: GeneralError(error),
            reserved1,
        }),
    ))
}

fn parse_ocrq(i: &[u8]) -> PResult<'_, Body> {
    let (
        i,
        (
            call_id,
            call_serial_number,
            minimum_bps,
            maximum_bps,
            bearer,
            framing,
            window,
            delay,
            phone_number_length,
            reserved1,
            phone_number,
            subaddress,
        ),
    ) = (
        be_u16,
        be_u16,
        be_u32,
        be_u32,
        be_u32,
        be_u32,
        be_u16,
        be_u16,
        be_u16,
        be_u16,
        text(64),
        text(64),
    )
        .parse(i)?;
    Ok((
        i,
        Body::OutgoingCallRequest(OutgoingCallRequest {
            call_id,
            call_serial_number,
            minimum_bps,
            maximum_bps,
            bearer_type: BearerType(bearer),
            framing_type: FramingType(framing),
            packet_recv_window_size: window,
            packet_processing_delay: delay,
            phone_number_length,
            reserved1,
            phone_number,
            subaddress,
        }),
    ))
}

fn parse_ocrp(i: &[u8]) -> PResult<'_, Body> {
    let (i, (call_id, peer_call_id, result, error, cause_code, speed, window, delay, channel)) = (
        be_u16, be_u16, be_u8, be_u8, be_u16, be_u32, be_u16, be_u16, be_u32,
    )
        .parse(i)?;
    Ok((
        i,
        Body::OutgoingCallReply(OutgoingCallReply {
            call_id,
            peer_call_id,
            result_code: OcrpResult(result),
            error_code: GeneralError(error),
            cause_code,
            connect_speed: speed,
            packet_recv_window_size: window,
            packet_processing_delay: delay,
            physical_channel_id: channel,
        }),
    ))
}

fn parse_icrq(i: &[u8]) -> PResult<'_, Body> {
    let (
        i,
        (
            call_id,
            call_serial_number,
            bearer,
            physical_channel_id,
            dialed_number_length,
            dialing_number_length,
            dialed_number,
            dialing_number,
            subaddress,
        ),
    ) = (
        be_u16,
        be_u16,
        be_u32,
        be_u32,
        be_u16,
        be_u16,
        text(64),
        text(64),
        text(64),
    )
        .parse(i)?;
    Ok((
        i,
        Body::IncomingCallRequest(IncomingCallRequest {
            call_id,
            call_serial_number,
            call_bearer_type: BearerType(bearer),
            physical_channel_id,
            dialed_number_length,
            dialing_number_length,
            dialed_number,
            dialing_number,
            subaddress,
        }),
    ))
}

fn parse_icrp(i: &[u8]) -> PResult<'_, Body> {
    let (i, (call_id, peer_call_id, result, error, window, delay, reserved1)) =
        (be_u16, be_u16, be_u8, be_u8, be_u16, be_u16, be_u16).parse(i)?;
    Ok((
        i,
        Body::IncomingCallReply(IncomingCallReply {
            call_id,
            peer_call_id,
            result_code: IcrpResult(result),
            error_code: GeneralError(error),
            packet_recv_window_size: window,
            packet_transmit_delay: delay,
            reserved1,
        }),
    ))
}

fn parse_iccn(i: &[u8]) -> PResult<'_, Body> {
    let (i, (peer_call_id, reserved1, connect_speed, window, delay, framing)) =
        (be_u16, be_u16, be_u32, be_u16, be_u16, be_u32).parse(i)?;
    Ok((
        i,
        Body::IncomingCallConnected(IncomingCallConnected {
            peer_call_id,
            reserved1,
            connect_speed,
            packet_recv_window_size: window,
            packet_transmit_delay: delay,
            framing_type: FramingType(framing),
        }),
    ))
}

fn parse_ccrq(i: &[u8]) -> PResult<'_, Body> {
    let (i, (call_id, reserved1)) = (be_u16, be_u16).parse(i)?;
    Ok((i, Body::CallClearRequest(CallClearRequest { call_id, reserved1 })))
}

fn parse_cdn(i: &[u8]) -> PResult<'_, Body> {
    // Call Statistics is 128 bytes (RFC 2637 §2.13); some dissectors read 64.
    let (i, (call_id, result, error, cause_code, reserved1, call_statistics)) =
        (be_u16, be_u8, be_u8, be_u16, be_u16, text(128)).parse(i)?;
    Ok((
        i,
        Body::CallDisconnectNotify(CallDisconnectNotify {
            call_id,
            result_code: CdnResult(result),
            error_code: GeneralError(error),
            cause_code,
            reserved1,
            call_statistics,
        }),
    ))
}

fn parse_wen(i: &[u8]) -> PResult<'_, Body> {
    let (i, (peer_call_id, reserved1, crc, framing, hardware, buffer, timeout, alignment)) =
        (be_u16, be_u16, be_u32, be_u32, be_u32, be_u32, be_u32, be_u32).parse(i)?;
    Ok((
        i,
        Body::WanErrorNotify(WanErrorNotify {
            peer_call_id,
            reserved1,
            crc_errors: crc,
            framing_errors: framing,
            hardware_overruns: hardware,
            buffer_overruns: buffer,
            timeout_errors: timeout,
            alignment_errors: alignment,
        }),
    ))
}

fn parse_sli(i: &[u8]) -> PResult<'_, Body> {
    let (i, (peer_call_id, reserved1, send_accm, receive_accm)) =
        (be_u16, be_u16, be_u32, be_u32).parse(i)?;
    Ok((
        i,
        Body::SetLinkInfo(SetLinkInfo {
            peer_call_id,
            reserved1,
            send_accm,
            receive_accm,
        }),
    ))
}

type BodyParser = for<'a> fn(&'a [u8]) -> PResult<'a, Body>;

/// The body parser of a defined control message type.
fn body_parser(t: ControlMessageType) -> Option<BodyParser> {
    Some(match t.0 {
        1 => parse_sccrq,
        2 => parse_sccrp,
        3 => parse_stop_ccrq,
        4 => parse_stop_ccrp,
        5 => parse_echo_request,
        6 => parse_echo_reply,
        7 => parse_ocrq,
        8 => parse_ocrp,
        9 => parse_icrq,
        10 => parse_icrp,
        11 => parse_iccn,
        12 => parse_ccrq,
        13 => parse_cdn,
        14 => parse_wen,
        15 => parse_sli,
        _ => return None,
    })
}

/// Decodes one control message (RFC 2637 §2). `buf` holds the message as
/// framed by its Length field; bytes past Length are not looked at.
///
/// A Length below the header size, or below the layout of the message type,
/// is an error. A Length above the layout decodes the layout and records
/// [`Anomaly::LengthMismatch`].
pub fn parse_message(buf: &[u8]) -> Result<Message, WireError> {
    let (rest, header) = parse_header(buf).map_err(|_| WireError::Truncated {
        what: "header",
        needed: HEADER_LEN,
        got: buf.len(),
    })?;
    let length = usize::from(header.length);
    if length < HEADER_LEN {
        return Err(WireError::LengthBelowHeader {
            length: header.length,
        });
    }
    if buf.len() < length {
        return Err(WireError::Truncated {
            what: "message",
            needed: length,
            got: buf.len(),
        });
    }
    let t = header.control_message_type;
    let mut anomalies = Vec::new();
    if header.magic_cookie != MAGIC_COOKIE {
        anomalies.push(Anomaly::BadMagicCookie(header.magic_cookie));
    }
    if header.reserved0 != 0 {
        anomalies.push(Anomaly::ReservedNonZero {
            field: "Reserved0",
            value: u32::from(header.reserved0),
        });
    }
    let body_len = length - HEADER_LEN;
    let layout = if header.pptp_message_type != CONTROL_MESSAGE {
        anomalies.push(Anomaly::NotControlMessage(header.pptp_message_type));
        None
    } else {
        match (t.expected_len(), body_parser(t)) {
            (Some(expected), Some(parser)) => Some((expected, parser)),
            _ => {
                anomalies.push(Anomaly::UnknownControlType(t.0));
                None
            }
        }
    };
    let body = match layout {
        None => {
            let raw: PResult<'_, &[u8]> = take(body_len).parse(rest);
            let (_, bytes) = raw.map_err(|_| WireError::Malformed {
                control_message_type: t,
                offset: HEADER_LEN,
            })?;
            Body::Unknown {
                control_message_type: t.0,
                bytes: bytes.to_vec(),
            }
        }
        Some((expected, parser)) => {
            if header.length < expected {
                return Err(WireError::TooShort {
                    control_message_type: t,
                    needed: expected,
                    got: header.length,
                });
            }
            if header.length > expected {
                anomalies.push(Anomaly::LengthMismatch {
                    expected,
                    actual: header.length,
                });
            }
            // all_consuming proves the field layout adds up to the catalogue
            // length; the bytes past it (already flagged) stay unread.
            let layout_len = usize::from(expected) - HEADER_LEN;
            let (_, body) = map_parser(take(layout_len), all_consuming(parser))
                .parse(rest)
                .map_err(|e| WireError::Malformed {
                    control_message_type: t,
                    offset: match e {
                        nom::Err::Error(e) | nom::Err::Failure(e) => {
                            HEADER_LEN + layout_len.saturating_sub(e.input.len())
                        }
                        nom::Err::Incomplete(_) => HEADER_LEN,
                    },
                })?;
            body
        }
    };
    body.push_anomalies(&mut anomalies);
    Ok(Message {
        header,
        body,
        anomalies,
    })
}

/// Which end of a call sent a message (RFC 2637 §1.2): the PPTP Network
/// Server (in a VPN, the client) or the PPTP Access Concentrator (the
/// server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Pns,
    Pac,
}

/// The Call IDs a call-related message carries (RFC 2637 §2.7–2.15, §3.2.2).
/// Each end picks its own Call ID; `own_call_id` is the sender's,
/// `peer_call_id` the receiver's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallIds {
    /// Who sends this message type according to RFC 2637.
    pub sender: Role,
    pub own_call_id: Option<u16>,
    pub peer_call_id: Option<u16>,
}

impl CallIds {
    /// The Call ID chosen by the PNS, if the message carries it.
    pub fn pns_call_id(&self) -> Option<u16> {
        match self.sender {
            Role::Pns => self.own_call_id,
            Role::Pac => self.peer_call_id,
        }
    }

    /// The Call ID chosen by the PAC, if the message carries it.
    pub fn pac_call_id(&self) -> Option<u16> {
        match self.sender {
            Role::Pac => self.own_call_id,
            Role::Pns => self.peer_call_id,
        }
    }
}

/// "label N Name", or "label N" when the code has no name.
fn coded(label: &str, value: impl std::fmt::Display, name: Option<&str>) -> String {
    match name {
        Some(n) => format!("{label} {value} {n}"),
        None => format!("{label} {value}"),
    }
}

/// " error N Name" when a General Error Code is set, else "".
fn error_suffix(e: GeneralError) -> String {
    if e == GeneralError::NONE {
        String::new()
    } else {
        format!(" {}", coded("error", e.0, e.name()))
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

impl Body {
    /// The Control Message Type this body belongs to.
    pub fn control_message_type(&self) -> ControlMessageType {
        ControlMessageType(match self {
            Body::StartControlConnectionRequest(_) => 1,
            Body::StartControlConnectionReply(_) => 2,
            Body::StopControlConnectionRequest(_) => 3,
            Body::StopControlConnectionReply(_) => 4,
            Body::EchoRequest(_) => 5,
            Body::EchoReply(_) => 6,
            Body::OutgoingCallRequest(_) => 7,
            Body::OutgoingCallReply(_) => 8,
            Body::IncomingCallRequest(_) => 9,
            Body::IncomingCallReply(_) => 10,
            Body::IncomingCallConnected(_) => 11,
            Body::CallClearRequest(_) => 12,
            Body::CallDisconnectNotify(_) => 13,
            Body::WanErrorNotify(_) => 14,
            Body::SetLinkInfo(_) => 15,
            Body::Unknown {
                control_message_type, ..
            } => *control_message_type,
        })
    }

    /// The Reserved fields of the body (not the header) with their values.
    fn reserved_fields(&self) -> Vec<(&'static str, u32)> {
        match self {
            Body::StartControlConnectionRequest(m) => vec![("Reserved1", u32::from(m.reserved1))],
            Body::StopControlConnectionRequest(m) => vec![
                ("Reserved1", u32::from(m.reserved1)),
                ("Reserved2", u32::from(m.reserved2)),
            ],
            Body::StopControlConnectionReply(m) => vec![("Reserved1", u32::from(m.reserved1))],
            Body::EchoReply(m) => vec![("Reserved1", u32::from(m.reserved1))],
            Body::OutgoingCallRequest(m) => vec![("Reserved1", u32::from(m.reserved1))],
            Body::IncomingCallReply(m) => vec![("Reserved1", u32::from(m.reserved1))],
            Body::IncomingCallConnected(m) => vec![("Reserved1", u32::from(m.reserved1))],
            Body::CallClearRequest(m) => vec![("Reserved1", u32::from(m.reserved1))],
            Body::CallDisconnectNotify(m) => vec![("Reserved1", u32::from(m.reserved1))],
            Body::WanErrorNotify(m) => vec![("Reserved1", u32::from(m.reserved1))],
            Body::SetLinkInfo(m) => vec![("Reserved1", u32::from(m.reserved1))],
            Body::StartControlConnectionReply(_)
            | Body::EchoRequest(_)
            | Body::OutgoingCallReply(_)
            | Body::IncomingCallRequest(_)
            | Body::Unknown { .. } => Vec::new(),
        }
    }

    fn push_anomalies(&self, out: &mut Vec<Anomaly>) {
        for (field, value) in self.reserved_fields() {
            if value != 0 {
                out.push(Anomaly::ReservedNonZero { field, value });
            }
        }
        match self {
            Body::OutgoingCallRequest(m) if m.phone_number_length > NUMBER_FIELD_LEN => {
                out.push(Anomaly::PhoneNumberLengthTooLong(m.phone_number_length));
            }
            Body::IncomingCallRequest(m) => {
                if m.dialed_number_length > NUMBER_FIELD_LEN {
                    out.push(Anomaly::DialedNumberLengthTooLong(m.dialed_number_length));
                }
                if m.dialing_number_length > NUMBER_FIELD_LEN {
                    out.push(Anomaly::DialingNumberLengthTooLong(m.dialing_number_length));
                }
            }
            _ => {}
        }
    }

    /// The Call IDs this message carries and whose they are (RFC 2637 §2.7–
    /// 2.15). `None` for messages about the control connection itself.
    ///
    /// Outgoing-Call-Request, Incoming-Call-Reply and Call-Clear-Request
    /// carry the PNS's own ID; Outgoing-Call-Reply, Incoming-Call-Request and
    /// Call-Disconnect-Notify the PAC's own; Set-Link-Info carries the PAC's
    /// ID as peer, WAN-Error-Notify and Incoming-Call-Connected the PNS's.
    pub fn call_ids(&self) -> Option<CallIds> {
        let (sender, own, peer) = match self {
            Body::OutgoingCallRequest(m) => (Role::Pns, Some(m.call_id), None),
            Body::OutgoingCallReply(m) => (Role::Pac, Some(m.call_id), Some(m.peer_call_id)),
            Body::IncomingCallRequest(m) => (Role::Pac, Some(m.call_id), None),
            Body::IncomingCallReply(m) => (Role::Pns, Some(m.call_id), Some(m.peer_call_id)),
            Body::IncomingCallConnected(m) => (Role::Pac, None, Some(m.peer_call_id)),
            Body::CallClearRequest(m) => (Role::Pns, Some(m.call_id), None),
            Body::CallDisconnectNotify(m) => (Role::Pac, Some(m.call_id), None),
            Body::WanErrorNotify(m) => (Role::Pac, None, Some(m.peer_call_id)),
            Body::SetLinkInfo(m) => (Role::Pns, None, Some(m.peer_call_id)),
            _ => return None,
        };
        Some(CallIds {
            sender,
            own_call_id: own,
            peer_call_id: peer,
        })
    }

    /// The key fields on one line, for a flow ladder. Text fields are quoted
    /// but not escaped (the renderer escapes).
    pub fn summary(&self) -> String {
        match self {
            Body::StartControlConnectionRequest(m) => format!(
                "host \"{}\" vendor \"{}\" ver {}",
                m.host_name, m.vendor_string, m.protocol_version
            ),
            Body::StartControlConnectionReply(m) => format!(
                "{}{} host \"{}\" vendor \"{}\" ver {}",
                coded("result", m.result_code.0, m.result_code.name()),
                error_suffix(m.error_code),
                m.host_name,
                m.vendor_string,
                m.protocol_version
            ),
            Body::StopControlConnectionRequest(m) => coded("reason", m.reason.0, m.reason.name()),
            Body::StopControlConnectionReply(m) => format!(
                "{}{}",
                coded("result", m.result_code.0, m.result_code.name()),
                error_suffix(m.error_code)
            ),
            Body::EchoRequest(m) => format!("id 0x{:x}", m.identifier),
            Body::EchoReply(m) => format!(
                "id 0x{:x} {}{}",
                m.identifier,
                coded("result", m.result_code.0, m.result_code.name()),
                error_suffix(m.error_code)
            ),
            Body::OutgoingCallRequest(m) => format!(
                "call {} serial {} window {}",
                m.call_id, m.call_serial_number, m.packet_recv_window_size
            ),
            Body::OutgoingCallReply(m) => format!(
                "call {} peer {} {}{}",
                m.call_id,
                m.peer_call_id,
                coded("result", m.result_code.0, m.result_code.name()),
                error_suffix(m.error_code)
            ),
            Body::IncomingCallRequest(m) => {
                let mut s = format!("call {} serial {}", m.call_id, m.call_serial_number);
                if !m.dialed_number.is_empty() {
                    s.push_str(&format!(" dialed \"{}\"", m.dialed_number));
                }
                if !m.dialing_number.is_empty() {
                    s.push_str(&format!(" dialing \"{}\"", m.dialing_number));
                }
                s
            }
            Body::IncomingCallReply(m) => format!(
                "call {} peer {} {}{}",
                m.call_id,
                m.peer_call_id,
                coded("result", m.result_code.0, m.result_code.name()),
                error_suffix(m.error_code)
            ),
            Body::IncomingCallConnected(m) => format!(
                "peer {} speed {} window {}",
                m.peer_call_id, m.connect_speed, m.packet_recv_window_size
            ),
            Body::CallClearRequest(m) => format!("call {}", m.call_id),
            Body::CallDisconnectNotify(m) => {
                let mut s = format!(
                    "call {} {}{}",
                    m.call_id,
                    coded("result", m.result_code.0, m.result_code.name()),
                    error_suffix(m.error_code)
                );
                if m.cause_code != 0 {
                    s.push_str(&format!(" cause {}", m.cause_code));
                }
                s
            }
            Body::WanErrorNotify(m) => format!(
                "peer {} crc {} framing {} hw-overrun {} buf-overrun {} timeout {} alignment {}",
                m.peer_call_id,
                m.crc_errors,
                m.framing_errors,
                m.hardware_overruns,
                m.buffer_overruns,
                m.timeout_errors,
                m.alignment_errors
            ),
            Body::SetLinkInfo(m) => format!(
                "peer {} send-accm 0x{:08x} recv-accm 0x{:08x}",
                m.peer_call_id, m.send_accm, m.receive_accm
            ),
            Body::Unknown {
                control_message_type,
                bytes,
            } => format!("type {control_message_type}, {} body bytes", bytes.len()),
        }
    }
}

impl Message {
    /// The Control Message Type from the header.
    pub fn control_message_type(&self) -> ControlMessageType {
        self.header.control_message_type
    }
}

/// Writes `key` = number and `name_key` = name or null.
fn entry_coded<M: SerializeMap>(
    map: &mut M,
    key: &'static str,
    value: impl serde::Serialize,
    name_key: &'static str,
    name: Option<&'static str>,
) -> Result<(), M::Error> {
    map.serialize_entry(key, &value)?;
    map.serialize_entry(name_key, &name)
}

impl serde::Serialize for Body {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let m = &mut map;
        match self {
            Body::StartControlConnectionRequest(x) => {
                m.serialize_entry("protocol_version", &x.protocol_version.to_string())?;
                m.serialize_entry("reserved1", &x.reserved1)?;
                capabilities(m, x.framing_capabilities, x.bearer_capabilities)?;
                m.serialize_entry("maximum_channels", &x.maximum_channels)?;
                m.serialize_entry("firmware_revision", &x.firmware_revision)?;
                m.serialize_entry("host_name", &x.host_name)?;
                m.serialize_entry("vendor_string", &x.vendor_string)?;
            }
            Body::StartControlConnectionReply(x) => {
                m.serialize_entry("protocol_version", &x.protocol_version.to_string())?;
                entry_coded(m, "result_code", x.result_code.0, "result", x.result_code.name())?;
                entry_coded(m, "error_code", x.error_code.0, "error", x.error_code.name())?;
                capabilities(m, x.framing_capabilities, x.bearer_capabilities)?;
                m.serialize_entry("maximum_channels", &x.maximum_channels)?;
                m.serialize_entry("firmware_revision", &x.firmware_revision)?;
                m.serialize_entry("host_name", &x.host_name)?;
                m.serialize_entry("vendor_string", &x.vendor_string)?;
            }
            Body::StopControlConnectionRequest(x) => {
                entry_coded(m, "reason_code", x.reason.0, "reason", x.reason.name())?;
                m.serialize_entry("reserved1", &x.reserved1)?;
                m.serialize_entry("reserved2", &x.reserved2)?;
            }
            Body::StopControlConnectionReply(x) => {
                entry_coded(m, "result_code", x.result_code.0, "result", x.result_code.name())?;
                entry_coded(m, "error_code", x.error_code.0, "error", x.error_code.name())?;
                m.serialize_entry("reserved1", &x.reserved1)?;
            }
            Body::EchoRequest(x) => {
                m.serialize_entry("identifier", &x.identifier)?;
            }
            Body::EchoReply(x) => {
                m.serialize_entry("identifier", &x.identifier)?;
                entry_coded(m, "result_code", x.result_code.0, "result", x.result_code.name())?;
                entry_coded(m, "error_code", x.error_code.0, "error", x.error_code.name())?;
                m.serialize_entry("reserved1", &x.reserved1)?;
            }
            Body::OutgoingCallRequest(x) => {
                m.serialize_entry("call_id", &x.call_id)?;
                m.serialize_entry("call_serial_number", &x.call_serial_number)?;
                m.serialize_entry("minimum_bps", &x.minimum_bps)?;
                m.serialize_entry("maximum_bps", &x.maximum_bps)?;
                entry_coded(
                    m,
                    "bearer_type",
                    x.bearer_type.0,
                    "bearer_type_name",
                    x.bearer_type.name(),
                )?;
                entry_coded(
                    m,
                    "framing_type",
                    x.framing_type.0,
                    "framing_type_name",
                    x.framing_type.name(),
                )?;
                m.serialize_entry("packet_recv_window_size", &x.packet_recv_window_size)?;
                m.serialize_entry("packet_processing_delay", &x.packet_processing_delay)?;
                m.serialize_entry("phone_number_length", &x.phone_number_length)?;
                m.serialize_entry("reserved1", &x.reserved1)?;
                m.serialize_entry("phone_number", &x.phone_number)?;
                m.serialize_entry("subaddress", &x.subaddress)?;
            }
            Body::OutgoingCallReply(x) => {
                m.serialize_entry("call_id", &x.call_id)?;
                m.serialize_entry("peer_call_id", &x.peer_call_id)?;
                entry_coded(m, "result_code", x.result_code.0, "result", x.result_code.name())?;
                entry_coded(m, "error_code", x.error_code.0, "error", x.error_code.name())?;
                m.serialize_entry("cause_code", &x.cause_code)?;
                m.serialize_entry("connect_speed", &x.connect_speed)?;
                m.serialize_entry("packet_recv_window_size", &x.packet_recv_window_size)?;
                m.serialize_entry("packet_processing_delay", &x.packet_processing_delay)?;
                m.serialize_entry("physical_channel_id", &x.physical_channel_id)?;
            }
            Body::IncomingCallRequest(x) => {
                m.serialize_entry("call_id", &x.call_id)?;
                m.serialize_entry("call_serial_number", &x.call_serial_number)?;
                entry_coded(
                    m,
                    "call_bearer_type",
                    x.call_bearer_type.0,
                    "call_bearer_type_name",
                    x.call_bearer_type.name(),
                )?;
                m.serialize_entry("physical_channel_id", &x.physical_channel_id)?;
                m.serialize_entry("dialed_number_length", &x.dialed_number_length)?;
                m.serialize_entry("dialing_number_length", &x.dialing_number_length)?;
                m.serialize_entry("dialed_number", &x.dialed_number)?;
                m.serialize_entry("dialing_number", &x.dialing_number)?;
                m.serialize_entry("subaddress", &x.subaddress)?;
            }
            Body::IncomingCallReply(x) => {
                m.serialize_entry("call_id", &x.call_id)?;
                m.serialize_entry("peer_call_id", &x.peer_call_id)?;
                entry_coded(m, "result_code", x.result_code.0, "result", x.result_code.name())?;
                entry_coded(m, "error_code", x.error_code.0, "error", x.error_code.name())?;
                m.serialize_entry("packet_recv_window_size", &x.packet_recv_window_size)?;
                m.serialize_entry("packet_transmit_delay", &x.packet_transmit_delay)?;
                m.serialize_entry("reserved1", &x.reserved1)?;
            }
            Body::IncomingCallConnected(x) => {
                m.serialize_entry("peer_call_id", &x.peer_call_id)?;
                m.serialize_entry("reserved1", &x.reserved1)?;
                m.serialize_entry("connect_speed", &x.connect_speed)?;
                m.serialize_entry("packet_recv_window_size", &x.packet_recv_window_size)?;
                m.serialize_entry("packet_transmit_delay", &x.packet_transmit_delay)?;
                entry_coded(
                    m,
                    "framing_type",
                    x.framing_type.0,
                    "framing_type_name",
                    x.framing_type.name(),
                )?;
            }
            Body::CallClearRequest(x) => {
                m.serialize_entry("call_id", &x.call_id)?;
                m.serialize_entry("reserved1", &x.reserved1)?;
            }
            Body::CallDisconnectNotify(x) => {
                m.serialize_entry("call_id", &x.call_id)?;
                entry_coded(m, "result_code", x.result_code.0, "result", x.result_code.name())?;
                entry_coded(m, "error_code", x.error_code.0, "error", x.error_code.name())?;
                m.serialize_entry("cause_code", &x.cause_code)?;
                m.serialize_entry("reserved1", &x.reserved1)?;
                m.serialize_entry("call_statistics", &x.call_statistics)?;
            }
            Body::WanErrorNotify(x) => {
                m.serialize_entry("peer_call_id", &x.peer_call_id)?;
                m.serialize_entry("reserved1", &x.reserved1)?;
                m.serialize_entry("crc_errors", &x.crc_errors)?;
                m.serialize_entry("framing_errors", &x.framing_errors)?;
                m.serialize_entry("hardware_overruns", &x.hardware_overruns)?;
                m.serialize_entry("buffer_overruns", &x.buffer_overruns)?;
                m.serialize_entry("timeout_errors", &x.timeout_errors)?;
                m.serialize_entry("alignment_errors", &x.alignment_errors)?;
            }
            Body::SetLinkInfo(x) => {
                m.serialize_entry("peer_call_id", &x.peer_call_id)?;
                m.serialize_entry("reserved1", &x.reserved1)?;
                m.serialize_entry("send_accm", &x.send_accm)?;
                m.serialize_entry("receive_accm", &x.receive_accm)?;
            }
            Body::Unknown { bytes, .. } => {
                m.serialize_entry("bytes_hex", &hex(bytes))?;
            }
        }
        map.end()
    }
}

/// The capability masks of Start-Control-Connection-Request/Reply, each
/// with the names of its bits.
fn capabilities<M: SerializeMap>(
    m: &mut M,
    framing: FramingCapabilities,
    bearer: BearerCapabilities,
) -> Result<(), M::Error> {
    m.serialize_entry("framing_capabilities", &framing.0)?;
    m.serialize_entry("framing_capabilities_names", &framing.names())?;
    m.serialize_entry("bearer_capabilities", &bearer.0)?;
    m.serialize_entry("bearer_capabilities_names", &bearer.names())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds message bytes field by field, as the RFC draws them.
    #[derive(Default)]
    struct B(Vec<u8>);

    impl B {
        fn u8(mut self, v: u8) -> Self {
            self.0.push(v);
            self
        }
        fn u16(mut self, v: u16) -> Self {
            self.0.extend_from_slice(&v.to_be_bytes());
            self
        }
        fn u32(mut self, v: u32) -> Self {
            self.0.extend_from_slice(&v.to_be_bytes());
            self
        }
        /// `s` NUL-padded to `n` bytes.
        fn text(mut self, s: &str, n: usize) -> Self {
            let mut field = s.as_bytes().to_vec();
            field.resize(n, 0);
            self.0.extend_from_slice(&field);
            self
        }
    }

    /// A control message of type `t` with a correct header around `body`.
    fn message(t: u16, body: B) -> Vec<u8> {
        let len = u16::try_from(HEADER_LEN + body.0.len()).unwrap();
        let mut out = B::default().u16(len).u16(1).u32(MAGIC_COOKIE).u16(t).u16(0).0;
        out.extend_from_slice(&body.0);
        out
    }

    fn decode_clean(bytes: &[u8]) -> Body {
        let msg = parse_message(bytes).unwrap();
        assert_eq!(msg.anomalies, []);
        assert_eq!(usize::from(msg.header.length), bytes.len());
        assert_eq!(msg.header.pptp_message_type, CONTROL_MESSAGE);
        assert_eq!(msg.header.magic_cookie, MAGIC_COOKIE);
        assert_eq!(msg.header.reserved0, 0);
        assert_eq!(msg.header.control_message_type, msg.body.control_message_type());
        msg.body
    }

    fn sccrq_bytes() -> Vec<u8> {
        message(
            1,
            B::default()
                .u16(0x0100)
                .u16(0)
                .u32(1)
                .u32(1)
                .u16(0xffff)
                .u16(0x0100)
                .text("local", 64)
                .text("ixia", 64),
        )
    }

    fn ocrp_bytes() -> Vec<u8> {
        message(
            8,
            B::default()
                .u16(24)
                .u16(1)
                .u8(1)
                .u8(0)
                .u16(0)
                .u32(64000)
                .u16(4096)
                .u16(0)
                .u32(0),
        )
    }

    #[test]
    fn start_control_connection_request() {
        let bytes = sccrq_bytes();
        assert_eq!(bytes.len(), 156);
        let Body::StartControlConnectionRequest(m) = decode_clean(&bytes) else {
            panic!("wrong variant");
        };
        assert_eq!(
            m,
            StartControlConnectionRequest {
                protocol_version: ProtocolVersion(0x0100),
                reserved1: 0,
                framing_capabilities: FramingCapabilities(1),
                bearer_capabilities: BearerCapabilities(1),
                maximum_channels: 0xffff,
                firmware_revision: 0x0100,
                host_name: "local".into(),
                vendor_string: "ixia".into(),
            }
        );
        assert_eq!(m.protocol_version.to_string(), "1.0");
        assert_eq!(m.framing_capabilities.names(), ["async"]);
        assert_eq!(m.bearer_capabilities.names(), ["analog"]);
    }

    #[test]
    fn start_control_connection_reply() {
        let bytes = message(
            2,
            B::default()
                .u16(0x0100)
                .u8(2)
                .u8(3)
                .u32(3)
                .u32(2)
                .u16(18)
                .u16(0x1120)
                .text("ixro-smdev-r1", 64)
                .text("Cisco Systems, Inc.", 64),
        );
        assert_eq!(bytes.len(), 156);
        let Body::StartControlConnectionReply(m) = decode_clean(&bytes) else {
            panic!("wrong variant");
        };
        assert_eq!(
            m,
            StartControlConnectionReply {
                protocol_version: ProtocolVersion::V1_0,
                result_code: SccrpResult::GENERAL_ERROR,
                error_code: GeneralError::BAD_VALUE,
                framing_capabilities: FramingCapabilities(3),
                bearer_capabilities: BearerCapabilities(2),
                maximum_channels: 18,
                firmware_revision: 0x1120,
                host_name: "ixro-smdev-r1".into(),
                vendor_string: "Cisco Systems, Inc.".into(),
            }
        );
        assert_eq!(m.result_code.name(), Some("General Error"));
        assert_eq!(m.error_code.name(), Some("Bad-Value"));
    }

    #[test]
    fn stop_control_connection_request_and_reply() {
        let rq = message(3, B::default().u8(3).u8(0).u16(0));
        assert_eq!(rq.len(), 16);
        let Body::StopControlConnectionRequest(m) = decode_clean(&rq) else {
            panic!("wrong variant");
        };
        assert_eq!(
            m,
            StopControlConnectionRequest {
                reason: StopReason::STOP_LOCAL_SHUTDOWN,
                reserved1: 0,
                reserved2: 0,
            }
        );
        assert_eq!(m.reason.name(), Some("Stop-Local-Shutdown"));

        let rp = message(4, B::default().u8(1).u8(0).u16(0));
        assert_eq!(rp.len(), 16);
        let Body::StopControlConnectionReply(m) = decode_clean(&rp) else {
            panic!("wrong variant");
        };
        assert_eq!(
            m,
            StopControlConnectionReply {
                result_code: StopCcrpResult::OK,
                error_code: GeneralError::NONE,
                reserved1: 0,
            }
        );
        assert_eq!(m.result_code.name(), Some("OK"));
        assert_eq!(m.error_code.name(), Some("None"));
    }

    #[test]
    fn echo_request_and_reply() {
        let rq = message(5, B::default().u32(0xdead_beef));
        assert_eq!(rq.len(), 16);
        assert_eq!(
            decode_clean(&rq),
            Body::EchoRequest(EchoRequest {
                identifier: 0xdead_beef
            })
        );
        let rp = message(6, B::default().u32(0xdead_beef).u8(2).u8(1).u16(0));
        assert_eq!(rp.len(), 20);
        let Body::EchoReply(m) = decode_clean(&rp) else {
            panic!("wrong variant");
        };
        assert_eq!(
            m,
            EchoReply {
                identifier: 0xdead_beef,
                result_code: EchoResult::GENERAL_ERROR,
                error_code: GeneralError::NOT_CONNECTED,
                reserved1: 0,
            }
        );
        assert_eq!(m.result_code.name(), Some("General Error"));
        assert_eq!(m.error_code.name(), Some("Not-Connected"));
    }

    #[test]
    fn outgoing_call_request() {
        let bytes = message(
            7,
            B::default()
                .u16(1)
                .u16(7)
                .u32(300)
                .u32(100_000_000)
                .u32(3)
                .u32(3)
                .u16(64)
                .u16(0)
                .u16(7)
                .u16(0)
                .text("5551234", 64)
                .text("sub", 64),
        );
        assert_eq!(bytes.len(), 168);
        let Body::OutgoingCallRequest(m) = decode_clean(&bytes) else {
            panic!("wrong variant");
        };
        assert_eq!(
            m,
            OutgoingCallRequest {
                call_id: 1,
                call_serial_number: 7,
                minimum_bps: 300,
                maximum_bps: 100_000_000,
                bearer_type: BearerType::ANY,
                framing_type: FramingType::EITHER,
                packet_recv_window_size: 64,
                packet_processing_delay: 0,
                phone_number_length: 7,
                reserved1: 0,
                phone_number: "5551234".into(),
                subaddress: "sub".into(),
            }
        );
        assert_eq!(m.bearer_type.name(), Some("any"));
        assert_eq!(m.framing_type.name(), Some("either"));
    }

    #[test]
    fn outgoing_call_reply() {
        let bytes = message(
            8,
            B::default()
                .u16(11755)
                .u16(0)
                .u8(7)
                .u8(0)
                .u16(0x10)
                .u32(3_826_000_000)
                .u16(16)
                .u16(5)
                .u32(0x0102_0304),
        );
        assert_eq!(bytes.len(), 32);
        let Body::OutgoingCallReply(m) = decode_clean(&bytes) else {
            panic!("wrong variant");
        };
        assert_eq!(
            m,
            OutgoingCallReply {
                call_id: 11755,
                peer_call_id: 0,
                result_code: OcrpResult::DO_NOT_ACCEPT,
                error_code: GeneralError::NONE,
                cause_code: 0x10,
                connect_speed: 3_826_000_000,
                packet_recv_window_size: 16,
                packet_processing_delay: 5,
                physical_channel_id: 0x0102_0304,
            }
        );
        assert_eq!(m.result_code.name(), Some("Do Not Accept"));
    }

    #[test]
    fn incoming_call_request() {
        let bytes = message(
            9,
            B::default()
                .u16(5)
                .u16(9)
                .u32(2)
                .u32(77)
                .u16(4)
                .u16(10)
                .text("1723", 64)
                .text("0123456789", 64)
                .text("", 64),
        );
        assert_eq!(bytes.len(), 220);
        let Body::IncomingCallRequest(m) = decode_clean(&bytes) else {
            panic!("wrong variant");
        };
        assert_eq!(
            m,
            IncomingCallRequest {
                call_id: 5,
                call_serial_number: 9,
                call_bearer_type: BearerType::DIGITAL,
                physical_channel_id: 77,
                dialed_number_length: 4,
                dialing_number_length: 10,
                dialed_number: "1723".into(),
                dialing_number: "0123456789".into(),
                subaddress: String::new(),
            }
        );
        assert_eq!(m.call_bearer_type.name(), Some("digital"));
    }

    #[test]
    fn incoming_call_reply() {
        let bytes = message(10, B::default().u16(1).u16(5).u8(3).u8(0).u16(32).u16(2).u16(0));
        assert_eq!(bytes.len(), 24);
        let Body::IncomingCallReply(m) = decode_clean(&bytes) else {
            panic!("wrong variant");
        };
        assert_eq!(
            m,
            IncomingCallReply {
                call_id: 1,
                peer_call_id: 5,
                result_code: IcrpResult::DO_NOT_ACCEPT,
                error_code: GeneralError::NONE,
                packet_recv_window_size: 32,
                packet_transmit_delay: 2,
                reserved1: 0,
            }
        );
        assert_eq!(m.result_code.name(), Some("Do Not Accept"));
    }

    #[test]
    fn incoming_call_connected() {
        let bytes = message(11, B::default().u16(1).u16(0).u32(33_600).u16(8).u16(3).u32(1));
        assert_eq!(bytes.len(), 28);
        let Body::IncomingCallConnected(m) = decode_clean(&bytes) else {
            panic!("wrong variant");
        };
        assert_eq!(
            m,
            IncomingCallConnected {
                peer_call_id: 1,
                reserved1: 0,
                connect_speed: 33_600,
                packet_recv_window_size: 8,
                packet_transmit_delay: 3,
                framing_type: FramingType::ASYNC,
            }
        );
        assert_eq!(m.framing_type.name(), Some("async"));
    }

    #[test]
    fn call_clear_request() {
        let bytes = message(12, B::default().u16(2932).u16(0));
        assert_eq!(bytes.len(), 16);
        assert_eq!(
            decode_clean(&bytes),
            Body::CallClearRequest(CallClearRequest {
                call_id: 2932,
                reserved1: 0
            })
        );
    }

    #[test]
    fn call_disconnect_notify_reads_128_byte_statistics() {
        // Text running past byte 64 of the field proves the 128-byte layout.
        let stats = format!("{}END", "x".repeat(100));
        let bytes = message(
            13,
            B::default()
                .u16(30720)
                .u8(4)
                .u8(0)
                .u16(0x11)
                .u16(0)
                .text(&stats, 128),
        );
        assert_eq!(bytes.len(), 148);
        let Body::CallDisconnectNotify(m) = decode_clean(&bytes) else {
            panic!("wrong variant");
        };
        assert_eq!(
            m,
            CallDisconnectNotify {
                call_id: 30720,
                result_code: CdnResult::REQUEST,
                error_code: GeneralError::NONE,
                cause_code: 0x11,
                reserved1: 0,
                call_statistics: stats.clone(),
            }
        );
        assert_eq!(m.result_code.name(), Some("Request"));
    }

    #[test]
    fn wan_error_notify() {
        let bytes = message(
            14,
            B::default()
                .u16(2932)
                .u16(0)
                .u32(1)
                .u32(2)
                .u32(3)
                .u32(4)
                .u32(5)
                .u32(6),
        );
        assert_eq!(bytes.len(), 40);
        assert_eq!(
            decode_clean(&bytes),
            Body::WanErrorNotify(WanErrorNotify {
                peer_call_id: 2932,
                reserved1: 0,
                crc_errors: 1,
                framing_errors: 2,
                hardware_overruns: 3,
                buffer_overruns: 4,
                timeout_errors: 5,
                alignment_errors: 6,
            })
        );
    }

    #[test]
    fn set_link_info() {
        let bytes = message(15, B::default().u16(256).u16(0).u32(0xffff_ffff).u32(0));
        assert_eq!(bytes.len(), 24);
        assert_eq!(
            decode_clean(&bytes),
            Body::SetLinkInfo(SetLinkInfo {
                peer_call_id: 256,
                reserved1: 0,
                send_accm: 0xffff_ffff,
                receive_accm: 0,
            })
        );
    }

    #[test]
    fn header_fields_are_kept() {
        let msg = parse_message(&ocrp_bytes()).unwrap();
        assert_eq!(
            msg.header,
            Header {
                length: 32,
                pptp_message_type: 1,
                magic_cookie: 0x1A2B3C4D,
                control_message_type: ControlMessageType::OUTGOING_CALL_REPLY,
                reserved0: 0,
            }
        );
        assert_eq!(
            msg.control_message_type(),
            ControlMessageType::OUTGOING_CALL_REPLY
        );
    }

    #[test]
    fn impossible_lengths_are_errors() {
        // Fewer bytes than a header.
        assert_eq!(
            parse_message(&[0, 12, 0, 1]),
            Err(WireError::Truncated {
                what: "header",
                needed: 12,
                got: 4
            })
        );
        assert_eq!(
            parse_message(&[]),
            Err(WireError::Truncated {
                what: "header",
                needed: 12,
                got: 0
            })
        );
        // Length 11: below the header itself.
        let mut bytes = message(5, B::default().u32(1));
        bytes[1] = 11;
        let err = parse_message(&bytes).unwrap_err();
        assert_eq!(err, WireError::LengthBelowHeader { length: 11 });
        assert_eq!(err.code(), "length_below_header");
        // Length 0.
        bytes[1] = 0;
        assert_eq!(
            parse_message(&bytes),
            Err(WireError::LengthBelowHeader { length: 0 })
        );
        // Length shorter than the SCCRQ layout.
        let mut short = sccrq_bytes();
        short[0] = 0;
        short[1] = 100;
        let err = parse_message(&short).unwrap_err();
        assert_eq!(
            err,
            WireError::TooShort {
                control_message_type: ControlMessageType(1),
                needed: 156,
                got: 100
            }
        );
        assert_eq!(
            err.to_string(),
            "PPTP Start-Control-Connection-Request needs 156 bytes but its Length field (offset 0) says 100"
        );
        // Length field larger than the buffer.
        let ocrp = ocrp_bytes();
        assert_eq!(
            parse_message(&ocrp[..31]),
            Err(WireError::Truncated {
                what: "message",
                needed: 32,
                got: 31
            })
        );
        // Every prefix of every message errors or decodes; none panics.
        for t in 1..=16u16 {
            let full = message(t, B::default().text("", 300));
            for n in 0..full.len() {
                let _ = parse_message(&full[..n]);
            }
        }
    }

    #[test]
    fn longer_than_layout_decodes_and_records_mismatch() {
        let mut bytes = message(12, B::default().u16(9).u16(0).u32(0xaaaa_aaaa));
        assert_eq!(bytes.len(), 20);
        // Bytes past Length are outside the message and not looked at.
        bytes.extend_from_slice(&[0xff; 4]);
        let msg = parse_message(&bytes).unwrap();
        assert_eq!(
            msg.body,
            Body::CallClearRequest(CallClearRequest {
                call_id: 9,
                reserved1: 0
            })
        );
        assert_eq!(
            msg.anomalies,
            [Anomaly::LengthMismatch {
                expected: 16,
                actual: 20
            }]
        );
        assert_eq!(msg.anomalies[0].code(), "length_mismatch");
        assert_eq!(
            msg.anomalies[0].describe(),
            "Length is 20 bytes but this message type is 16 bytes (RFC 2637 §2); the 4 trailing bytes were ignored"
        );
    }

    #[test]
    fn every_non_zero_reserved_field_is_named() {
        let mut bytes = message(3, B::default().u8(1).u8(0x7f).u16(0x0102));
        bytes[10] = 0x00;
        bytes[11] = 0x05;
        let msg = parse_message(&bytes).unwrap();
        assert_eq!(
            msg.anomalies,
            [
                Anomaly::ReservedNonZero {
                    field: "Reserved0",
                    value: 5
                },
                Anomaly::ReservedNonZero {
                    field: "Reserved1",
                    value: 0x7f
                },
                Anomaly::ReservedNonZero {
                    field: "Reserved2",
                    value: 0x0102
                },
            ]
        );
        assert_eq!(msg.anomalies[2].code(), "reserved_non_zero");
        assert_eq!(
            msg.anomalies[2].describe(),
            "Reserved2 is 0x102; RFC 2637 §2 requires reserved fields to be sent as 0 (a receiver may answer Bad-Value)"
        );
        // Reserved1 of each message that has one.
        let cases: [(u16, B); 10] = [
            (
                1,
                B::default()
                    .u16(0x0100)
                    .u16(1)
                    .u32(0)
                    .u32(0)
                    .u16(0)
                    .u16(0)
                    .text("", 128),
            ),
            (4, B::default().u8(1).u8(0).u16(1)),
            (6, B::default().u32(0).u8(1).u8(0).u16(1)),
            (
                7,
                B::default()
                    .u16(0)
                    .u16(0)
                    .u32(0)
                    .u32(0)
                    .u32(0)
                    .u32(0)
                    .u16(0)
                    .u16(0)
                    .u16(0)
                    .u16(1)
                    .text("", 128),
            ),
            (10, B::default().u16(0).u16(0).u8(1).u8(0).u16(0).u16(0).u16(1)),
            (11, B::default().u16(0).u16(1).u32(0).u16(0).u16(0).u32(1)),
            (12, B::default().u16(0).u16(1)),
            (13, B::default().u16(0).u8(1).u8(0).u16(0).u16(1).text("", 128)),
            (14, B::default().u16(0).u16(1).text("", 24)),
            (15, B::default().u16(0).u16(1).u32(0).u32(0)),
        ];
        for (t, body) in cases {
            let msg = parse_message(&message(t, body)).unwrap();
            assert_eq!(
                msg.anomalies,
                [Anomaly::ReservedNonZero {
                    field: "Reserved1",
                    value: 1
                }],
                "type {t}"
            );
        }
    }

    #[test]
    fn bad_magic_cookie_is_an_anomaly() {
        let mut bytes = ocrp_bytes();
        bytes[4..8].copy_from_slice(&0x2f20_4854u32.to_be_bytes());
        let msg = parse_message(&bytes).unwrap();
        assert_eq!(msg.anomalies, [Anomaly::BadMagicCookie(0x2f20_4854)]);
        assert_eq!(msg.anomalies[0].code(), "bad_magic_cookie");
        assert_eq!(
            msg.anomalies[0].describe(),
            "Magic Cookie is 0x2f204854, not 0x1a2b3c4d: the sender is out of step with the TCP stream or is not speaking PPTP (RFC 2637 §2)"
        );
        assert!(matches!(msg.body, Body::OutgoingCallReply(_)));
    }

    #[test]
    fn unknown_type_is_kept_as_bytes() {
        let bytes = message(16, B::default().u32(0x0102_0304));
        let msg = parse_message(&bytes).unwrap();
        assert_eq!(
            msg.body,
            Body::Unknown {
                control_message_type: 16,
                bytes: vec![1, 2, 3, 4]
            }
        );
        assert_eq!(msg.anomalies, [Anomaly::UnknownControlType(16)]);
        assert_eq!(msg.anomalies[0].code(), "unknown_control_type");
        assert_eq!(msg.body.control_message_type(), ControlMessageType(16));
        assert_eq!(msg.body.summary(), "type 16, 4 body bytes");
        assert_eq!(
            serde_json::to_string(&msg.body).unwrap(),
            r#"{"bytes_hex":"01020304"}"#
        );
        // A header-only message of unknown type.
        let msg = parse_message(&message(0, B::default())).unwrap();
        assert_eq!(
            msg.body,
            Body::Unknown {
                control_message_type: 0,
                bytes: vec![]
            }
        );
    }

    #[test]
    fn management_message_type_is_not_decoded_as_control() {
        let mut bytes = ocrp_bytes();
        bytes[3] = 2;
        let msg = parse_message(&bytes).unwrap();
        assert_eq!(msg.anomalies, [Anomaly::NotControlMessage(2)]);
        assert_eq!(msg.anomalies[0].code(), "not_control_message");
        assert_eq!(
            msg.anomalies[0].describe(),
            "PPTP Message Type is 2 (management, never defined), not 1 (control); the body was not decoded (RFC 2637 §2)"
        );
        assert_eq!(
            msg.body,
            Body::Unknown {
                control_message_type: 8,
                bytes: bytes[12..].to_vec()
            }
        );
    }

    #[test]
    fn number_lengths_beyond_their_fields() {
        let ocrq = message(
            7,
            B::default()
                .u16(1)
                .u16(1)
                .u32(0)
                .u32(0)
                .u32(1)
                .u32(1)
                .u16(0)
                .u16(0)
                .u16(65)
                .u16(0)
                .text("", 128),
        );
        let msg = parse_message(&ocrq).unwrap();
        assert_eq!(msg.anomalies, [Anomaly::PhoneNumberLengthTooLong(65)]);
        assert_eq!(msg.anomalies[0].code(), "phone_number_length_too_long");
        let Body::OutgoingCallRequest(m) = msg.body else {
            panic!("wrong variant");
        };
        assert_eq!(m.phone_number_length, 65);

        let icrq = message(
            9,
            B::default()
                .u16(1)
                .u16(1)
                .u32(1)
                .u32(0)
                .u16(64)
                .u16(300)
                .text("", 192),
        );
        let msg = parse_message(&icrq).unwrap();
        assert_eq!(msg.anomalies, [Anomaly::DialingNumberLengthTooLong(300)]);
        assert_eq!(msg.anomalies[0].code(), "dialing_number_length_too_long");
        let icrq = message(
            9,
            B::default()
                .u16(1)
                .u16(1)
                .u32(1)
                .u32(0)
                .u16(65)
                .u16(0)
                .text("", 192),
        );
        let msg = parse_message(&icrq).unwrap();
        assert_eq!(msg.anomalies, [Anomaly::DialedNumberLengthTooLong(65)]);
        assert_eq!(msg.anomalies[0].code(), "dialed_number_length_too_long");
    }

    #[test]
    fn text_fields_are_trimmed_not_escaped() {
        let bytes = message(
            1,
            B::default()
                .u16(0x0100)
                .u16(0)
                .u32(1)
                .u32(1)
                .u16(0)
                .u16(0)
                .text("a\x1b[31m\0junk", 64)
                .text(&"v".repeat(64), 64),
        );
        let Body::StartControlConnectionRequest(m) = parse_message(&bytes).unwrap().body else {
            panic!("wrong variant");
        };
        assert_eq!(m.host_name, "a\x1b[31m");
        assert_eq!(m.vendor_string, "v".repeat(64));
    }

    #[test]
    fn serde_is_a_flat_map_with_code_names() {
        let body = parse_message(&sccrq_bytes()).unwrap().body;
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            concat!(
                r#"{"protocol_version":"1.0","reserved1":0,"framing_capabilities":1,"#,
                r#""framing_capabilities_names":["async"],"bearer_capabilities":1,"#,
                r#""bearer_capabilities_names":["analog"],"maximum_channels":65535,"#,
                r#""firmware_revision":256,"host_name":"local","vendor_string":"ixia"}"#
            )
        );
        let body = parse_message(&ocrp_bytes()).unwrap().body;
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            concat!(
                r#"{"call_id":24,"peer_call_id":1,"result_code":1,"result":"Connected","#,
                r#""error_code":0,"error":"None","cause_code":0,"connect_speed":64000,"#,
                r#""packet_recv_window_size":4096,"packet_processing_delay":0,"#,
                r#""physical_channel_id":0}"#
            )
        );
        // Unknown codes: the number stays, the name is null.
        let cdn = message(13, B::default().u16(3).u8(9).u8(8).u16(0).u16(0).text("", 128));
        let body = parse_message(&cdn).unwrap().body;
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            concat!(
                r#"{"call_id":3,"result_code":9,"result":null,"error_code":8,"error":null,"#,
                r#""cause_code":0,"reserved1":0,"call_statistics":""}"#
            )
        );
    }

    #[test]
    fn summaries() {
        let ocrq = message(
            7,
            B::default()
                .u16(1)
                .u16(7)
                .u32(0)
                .u32(0)
                .u32(1)
                .u32(1)
                .u16(64)
                .u16(0)
                .u16(0)
                .u16(0)
                .text("", 128),
        );
        let cases = [
            (sccrq_bytes(), r#"host "local" vendor "ixia" ver 1.0"#),
            (ocrq, "call 1 serial 7 window 64"),
            (ocrp_bytes(), "call 24 peer 1 result 1 Connected"),
            (
                message(6, B::default().u32(0x12).u8(1).u8(0).u16(0)),
                "id 0x12 result 1 OK",
            ),
            (message(5, B::default().u32(0x12)), "id 0x12"),
            (
                message(4, B::default().u8(2).u8(4).u16(0)),
                "result 2 General Error error 4 No-Resource",
            ),
            (message(3, B::default().u8(9).u8(0).u16(0)), "reason 9"),
            (message(12, B::default().u16(5).u16(0)), "call 5"),
            (
                message(13, B::default().u16(24).u8(3).u8(0).u16(0).u16(0).text("", 128)),
                "call 24 result 3 Admin Shutdown",
            ),
            (
                message(15, B::default().u16(24).u16(0).u32(0xffff_ffff).u32(0)),
                "peer 24 send-accm 0xffffffff recv-accm 0x00000000",
            ),
        ];
        for (bytes, want) in cases {
            assert_eq!(parse_message(&bytes).unwrap().body.summary(), want);
        }
        let sccrp = message(
            2,
            B::default()
                .u16(0x0100)
                .u8(1)
                .u8(0)
                .u32(3)
                .u32(3)
                .u16(0)
                .u16(0)
                .text("srv\"x", 64)
                .text("", 64),
        );
        assert_eq!(
            parse_message(&sccrp).unwrap().body.summary(),
            r#"result 1 Channel Established host "srv"x" vendor "" ver 1.0"#
        );
    }

    #[test]
    fn call_ids_say_whose_they_are() {
        let ids = |bytes: Vec<u8>| parse_message(&bytes).unwrap().body.call_ids();
        // Outgoing-Call-Reply: PAC 24 answers PNS 1.
        let ocrp = ids(ocrp_bytes()).unwrap();
        assert_eq!(
            ocrp,
            CallIds {
                sender: Role::Pac,
                own_call_id: Some(24),
                peer_call_id: Some(1)
            }
        );
        assert_eq!((ocrp.pac_call_id(), ocrp.pns_call_id()), (Some(24), Some(1)));
        let sli = ids(message(15, B::default().u16(24).u16(0).u32(0).u32(0))).unwrap();
        assert_eq!(
            (sli.sender, sli.pac_call_id(), sli.pns_call_id()),
            (Role::Pns, Some(24), None)
        );
        let ccrq = ids(message(12, B::default().u16(1).u16(0))).unwrap();
        assert_eq!(
            (ccrq.sender, ccrq.pns_call_id(), ccrq.pac_call_id()),
            (Role::Pns, Some(1), None)
        );
        let cdn = ids(message(
            13,
            B::default().u16(24).u8(4).u8(0).u16(0).u16(0).text("", 128),
        ))
        .unwrap();
        assert_eq!(
            (cdn.sender, cdn.pac_call_id(), cdn.pns_call_id()),
            (Role::Pac, Some(24), None)
        );
        let wen = ids(message(14, B::default().u16(1).u16(0).text("", 24))).unwrap();
        assert_eq!(
            (wen.sender, wen.pns_call_id(), wen.pac_call_id()),
            (Role::Pac, Some(1), None)
        );
        let iccn = ids(message(
            11,
            B::default().u16(1).u16(0).u32(0).u16(0).u16(0).u32(1),
        ))
        .unwrap();
        assert_eq!(
            (iccn.sender, iccn.pns_call_id(), iccn.pac_call_id()),
            (Role::Pac, Some(1), None)
        );
        let icrp = ids(message(
            10,
            B::default().u16(1).u16(5).u8(1).u8(0).u16(0).u16(0).u16(0),
        ))
        .unwrap();
        assert_eq!(
            (icrp.sender, icrp.pns_call_id(), icrp.pac_call_id()),
            (Role::Pns, Some(1), Some(5))
        );
        assert_eq!(ids(sccrq_bytes()), None);
        assert_eq!(ids(message(5, B::default().u32(0))), None);
    }
}
