//! PPTP code tables (RFC 2637 §2): message types, result and error codes,
//! capability bits, bearer and framing types.
//!
//! Every table is an open enum: a newtype over the wire value with named
//! constants. A value the RFC does not define stays data (`name()` returns
//! `None`) so that a capture with an unexpected code is still reported
//! faithfully rather than rejected.

use std::fmt;

/// The Control Message Type field of the common header (RFC 2637 §2, table
/// of control message types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ControlMessageType(pub u16);

impl ControlMessageType {
    /// Opens a control connection (RFC 2637 §2.1).
    pub const START_CONTROL_CONNECTION_REQUEST: Self = Self(1);
    /// Answers a Start-Control-Connection-Request (RFC 2637 §2.2).
    pub const START_CONTROL_CONNECTION_REPLY: Self = Self(2);
    /// Asks to close the control connection (RFC 2637 §2.3).
    pub const STOP_CONTROL_CONNECTION_REQUEST: Self = Self(3);
    /// Answers a Stop-Control-Connection-Request (RFC 2637 §2.4).
    pub const STOP_CONTROL_CONNECTION_REPLY: Self = Self(4);
    /// Keep-alive probe (RFC 2637 §2.5).
    pub const ECHO_REQUEST: Self = Self(5);
    /// Answer to a keep-alive probe (RFC 2637 §2.6).
    pub const ECHO_REPLY: Self = Self(6);
    /// PNS asks the PAC to place a call (RFC 2637 §2.7).
    pub const OUTGOING_CALL_REQUEST: Self = Self(7);
    /// PAC's answer to an Outgoing-Call-Request (RFC 2637 §2.8).
    pub const OUTGOING_CALL_REPLY: Self = Self(8);
    /// PAC announces an inbound call (RFC 2637 §2.9).
    pub const INCOMING_CALL_REQUEST: Self = Self(9);
    /// PNS's answer to an Incoming-Call-Request (RFC 2637 §2.10).
    pub const INCOMING_CALL_REPLY: Self = Self(10);
    /// PAC confirms an inbound call is connected (RFC 2637 §2.11).
    pub const INCOMING_CALL_CONNECTED: Self = Self(11);
    /// PNS asks the PAC to end a call (RFC 2637 §2.12).
    pub const CALL_CLEAR_REQUEST: Self = Self(12);
    /// PAC reports that a call ended (RFC 2637 §2.13).
    pub const CALL_DISCONNECT_NOTIFY: Self = Self(13);
    /// PAC reports WAN link errors of a call (RFC 2637 §2.14).
    pub const WAN_ERROR_NOTIFY: Self = Self(14);
    /// PNS sets the PPP ACCMs of a call (RFC 2637 §2.15).
    pub const SET_LINK_INFO: Self = Self(15);

    /// (name, abbreviation, total length, meaning) from RFC 2637 §2.
    fn entry(self) -> Option<(&'static str, &'static str, u16, &'static str)> {
        Some(match self.0 {
            1 => (
                "Start-Control-Connection-Request",
                "SCCRQ",
                156,
                "opens a control connection and announces the sender's protocol version, capabilities, host name and vendor",
            ),
            2 => (
                "Start-Control-Connection-Reply",
                "SCCRP",
                156,
                "answers a Start-Control-Connection-Request with a result and the replier's capabilities",
            ),
            3 => (
                "Stop-Control-Connection-Request",
                "StopCCRQ",
                16,
                "asks to close the control connection, which also clears every call on it",
            ),
            4 => (
                "Stop-Control-Connection-Reply",
                "StopCCRP",
                16,
                "answers a Stop-Control-Connection-Request",
            ),
            5 => ("Echo-Request", "ECHORQ", 16, "keep-alive probe on the control connection"),
            6 => ("Echo-Reply", "ECHORP", 20, "answers an Echo-Request"),
            7 => (
                "Outgoing-Call-Request",
                "OCRQ",
                168,
                "the PNS asks the PAC to set up a call (the request a VPN client makes)",
            ),
            8 => (
                "Outgoing-Call-Reply",
                "OCRP",
                32,
                "the PAC answers an Outgoing-Call-Request and gives its own Call ID",
            ),
            9 => (
                "Incoming-Call-Request",
                "ICRQ",
                220,
                "the PAC announces a call arriving from outside",
            ),
            10 => (
                "Incoming-Call-Reply",
                "ICRP",
                24,
                "the PNS answers an Incoming-Call-Request and gives its own Call ID",
            ),
            11 => (
                "Incoming-Call-Connected",
                "ICCN",
                28,
                "the PAC confirms that an incoming call is connected",
            ),
            12 => ("Call-Clear-Request", "CCRQ", 16, "the PNS asks the PAC to end a call"),
            13 => (
                "Call-Disconnect-Notify",
                "CDN",
                148,
                "the PAC reports that a call ended and why",
            ),
            14 => (
                "WAN-Error-Notify",
                "WEN",
                40,
                "the PAC reports error counters of the WAN link of a call",
            ),
            15 => (
                "Set-Link-Info",
                "SLI",
                24,
                "the PNS tells the PAC the PPP-negotiated async control character maps of a call",
            ),
            _ => return None,
        })
    }

    /// The message name as RFC 2637 writes it, e.g. "Outgoing-Call-Request".
    pub fn name(&self) -> Option<&'static str> {
        self.entry().map(|e| e.0)
    }

    /// The customary abbreviation, e.g. "OCRQ".
    pub fn abbrev(&self) -> Option<&'static str> {
        self.entry().map(|e| e.1)
    }

    /// The total message length (header included) that RFC 2637 §2 lays out
    /// for this type.
    pub fn expected_len(&self) -> Option<u16> {
        self.entry().map(|e| e.2)
    }

    /// What the message is for, in plain words.
    pub fn meaning(&self) -> Option<&'static str> {
        self.entry().map(|e| e.3)
    }
}

/// Result Code of Start-Control-Connection-Reply (RFC 2637 §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SccrpResult(pub u8);

impl SccrpResult {
    /// 1 "Channel Established": the control connection was established.
    pub const CHANNEL_ESTABLISHED: Self = Self(1);
    /// 2 "General Error": the control connection was refused; the Error Code says why.
    pub const GENERAL_ERROR: Self = Self(2);
    /// 3 "Channel Exists": a control connection already exists between this PNS and PAC.
    pub const CHANNEL_EXISTS: Self = Self(3);
    /// 4 "Not Authorized": the requester is not authorised to establish a control connection.
    pub const NOT_AUTHORIZED: Self = Self(4);
    /// 5 "Version Not Supported": the requester's protocol version is not supported.
    pub const VERSION_NOT_SUPPORTED: Self = Self(5);

    fn entry(self) -> Option<(&'static str, &'static str)> {
        Some(match self.0 {
            1 => ("Channel Established", "the control connection was established"),
            2 => (
                "General Error",
                "the control connection was refused; the Error Code says why",
            ),
            3 => (
                "Channel Exists",
                "a control connection already exists between this PNS and PAC",
            ),
            4 => (
                "Not Authorized",
                "the requester is not authorised to establish a control connection",
            ),
            5 => (
                "Version Not Supported",
                "the requester's protocol version is not supported",
            ),
            _ => return None,
        })
    }

    /// Short name of the result.
    pub fn name(&self) -> Option<&'static str> {
        self.entry().map(|e| e.0)
    }

    /// What the result means, in plain words.
    pub fn meaning(&self) -> Option<&'static str> {
        self.entry().map(|e| e.1)
    }
}

/// Reason of Stop-Control-Connection-Request (RFC 2637 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StopReason(pub u8);

impl StopReason {
    /// 1 "None": a general request to close the control connection.
    pub const NONE: Self = Self(1);
    /// 2 "Stop-Protocol": the sender cannot support the peer's protocol version.
    pub const STOP_PROTOCOL: Self = Self(2);
    /// 3 "Stop-Local-Shutdown": the sender is shutting down.
    pub const STOP_LOCAL_SHUTDOWN: Self = Self(3);

    fn entry(self) -> Option<(&'static str, &'static str)> {
        Some(match self.0 {
            1 => ("None", "a general request to close the control connection"),
            2 => (
                "Stop-Protocol",
                "the sender cannot support the peer's protocol version",
            ),
            3 => ("Stop-Local-Shutdown", "the sender is shutting down"),
            _ => return None,
        })
    }

    /// Name of the reason as RFC 2637 writes it.
    pub fn name(&self) -> Option<&'static str> {
        self.entry().map(|e| e.0)
    }

    /// What the reason means, in plain words.
    pub fn meaning(&self) -> Option<&'static str> {
        self.entry().map(|e| e.1)
    }
}

/// Result Code of Stop-Control-Connection-Reply (RFC 2637 §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StopCcrpResult(pub u8);

impl StopCcrpResult {
    /// 1 "OK": the control connection was closed.
    pub const OK: Self = Self(1);
    /// 2 "General Error": the control connection was not closed; the Error Code says why.
    pub const GENERAL_ERROR: Self = Self(2);

    fn entry(self) -> Option<(&'static str, &'static str)> {
        Some(match self.0 {
            1 => ("OK", "the control connection was closed"),
            2 => (
                "General Error",
                "the control connection was not closed; the Error Code says why",
            ),
            _ => return None,
        })
    }

    /// Name of the result as RFC 2637 writes it.
    pub fn name(&self) -> Option<&'static str> {
        self.entry().map(|e| e.0)
    }

    /// What the result means, in plain words.
    pub fn meaning(&self) -> Option<&'static str> {
        self.entry().map(|e| e.1)
    }
}

/// Result Code of Echo-Reply (RFC 2637 §2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EchoResult(pub u8);

impl EchoResult {
    /// 1 "OK": the Echo-Reply is valid.
    pub const OK: Self = Self(1);
    /// 2 "General Error": the Echo-Request was not accepted; the Error Code says why.
    pub const GENERAL_ERROR: Self = Self(2);

    fn entry(self) -> Option<(&'static str, &'static str)> {
        Some(match self.0 {
            1 => ("OK", "the Echo-Reply is valid"),
            2 => (
                "General Error",
                "the Echo-Request was not accepted; the Error Code says why",
            ),
            _ => return None,
        })
    }

    /// Name of the result as RFC 2637 writes it.
    pub fn name(&self) -> Option<&'static str> {
        self.entry().map(|e| e.0)
    }

    /// What the result means, in plain words.
    pub fn meaning(&self) -> Option<&'static str> {
        self.entry().map(|e| e.1)
    }
}

/// Result Code of Outgoing-Call-Reply (RFC 2637 §2.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OcrpResult(pub u8);

impl OcrpResult {
    /// 1 "Connected": the call was established with no errors.
    pub const CONNECTED: Self = Self(1);
    /// 2 "General Error": the outgoing call was not set up; the Error Code says why.
    pub const GENERAL_ERROR: Self = Self(2);
    /// 3 "No Carrier": the outgoing call failed because no carrier was detected.
    pub const NO_CARRIER: Self = Self(3);
    /// 4 "Busy": the outgoing call failed because a busy signal was detected.
    pub const BUSY: Self = Self(4);
    /// 5 "No Dial Tone": the outgoing call failed because no dial tone was detected.
    pub const NO_DIAL_TONE: Self = Self(5);
    /// 6 "Time-out": the call was not established within the time the PAC allows.
    pub const TIME_OUT: Self = Self(6);
    /// 7 "Do Not Accept": the outgoing call was administratively prohibited.
    pub const DO_NOT_ACCEPT: Self = Self(7);

    fn entry(self) -> Option<(&'static str, &'static str)> {
        Some(match self.0 {
            1 => ("Connected", "the call was established with no errors"),
            2 => (
                "General Error",
                "the outgoing call was not set up; the Error Code says why",
            ),
            3 => (
                "No Carrier",
                "the outgoing call failed because no carrier was detected",
            ),
            4 => (
                "Busy",
                "the outgoing call failed because a busy signal was detected",
            ),
            5 => (
                "No Dial Tone",
                "the outgoing call failed because no dial tone was detected",
            ),
            6 => (
                "Time-out",
                "the call was not established within the time the PAC allows",
            ),
            7 => (
                "Do Not Accept",
                "the outgoing call was administratively prohibited",
            ),
            _ => return None,
        })
    }

    /// Name of the result as RFC 2637 writes it.
    pub fn name(&self) -> Option<&'static str> {
        self.entry().map(|e| e.0)
    }

    /// What the result means, in plain words.
    pub fn meaning(&self) -> Option<&'static str> {
        self.entry().map(|e| e.1)
    }
}

/// Result Code of Incoming-Call-Reply (RFC 2637 §2.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IcrpResult(pub u8);

impl IcrpResult {
    /// 1 "Connect": the PNS accepts the incoming call.
    pub const CONNECT: Self = Self(1);
    /// 2 "General Error": the incoming call should not be answered; the Error Code says why.
    pub const GENERAL_ERROR: Self = Self(2);
    /// 3 "Do Not Accept": the PNS refuses the incoming call.
    pub const DO_NOT_ACCEPT: Self = Self(3);

    fn entry(self) -> Option<(&'static str, &'static str)> {
        Some(match self.0 {
            1 => ("Connect", "the PNS accepts the incoming call"),
            2 => (
                "General Error",
                "the incoming call should not be answered; the Error Code says why",
            ),
            3 => ("Do Not Accept", "the PNS refuses the incoming call"),
            _ => return None,
        })
    }

    /// Name of the result as RFC 2637 writes it.
    pub fn name(&self) -> Option<&'static str> {
        self.entry().map(|e| e.0)
    }

    /// What the result means, in plain words.
    pub fn meaning(&self) -> Option<&'static str> {
        self.entry().map(|e| e.1)
    }
}

/// Result Code of Call-Disconnect-Notify (RFC 2637 §2.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CdnResult(pub u8);

impl CdnResult {
    /// 1 "Lost Carrier": the call was disconnected because the carrier was lost.
    pub const LOST_CARRIER: Self = Self(1);
    /// 2 "General Error": the call was disconnected for the reason in the Error Code.
    pub const GENERAL_ERROR: Self = Self(2);
    /// 3 "Admin Shutdown": the call was disconnected for administrative reasons.
    pub const ADMIN_SHUTDOWN: Self = Self(3);
    /// 4 "Request": the call was disconnected in answer to a Call-Clear-Request.
    pub const REQUEST: Self = Self(4);

    fn entry(self) -> Option<(&'static str, &'static str)> {
        Some(match self.0 {
            1 => (
                "Lost Carrier",
                "the call was disconnected because the carrier was lost",
            ),
            2 => (
                "General Error",
                "the call was disconnected for the reason in the Error Code",
            ),
            3 => (
                "Admin Shutdown",
                "the call was disconnected for administrative reasons",
            ),
            4 => (
                "Request",
                "the call was disconnected in answer to a Call-Clear-Request",
            ),
            _ => return None,
        })
    }

    /// Name of the result as RFC 2637 writes it.
    pub fn name(&self) -> Option<&'static str> {
        self.entry().map(|e| e.0)
    }

    /// What the result means, in plain words.
    pub fn meaning(&self) -> Option<&'static str> {
        self.entry().map(|e| e.1)
    }
}

/// General Error Code carried beside a Result Code (RFC 2637 §2.16). Only
/// meaningful when the Result Code is "General Error".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GeneralError(pub u8);

impl GeneralError {
    /// 0 "None": no general error.
    pub const NONE: Self = Self(0);
    /// 1 "Not-Connected": no control connection exists yet for this PAC-PNS pair.
    pub const NOT_CONNECTED: Self = Self(1);
    /// 2 "Bad-Format": the length was wrong or the magic cookie did not match.
    pub const BAD_FORMAT: Self = Self(2);
    /// 3 "Bad-Value": a field was out of range or a reserved field was not zero.
    pub const BAD_VALUE: Self = Self(3);
    /// 4 "No-Resource": the sender lacks the resources to handle the command.
    pub const NO_RESOURCE: Self = Self(4);
    /// 5 "Bad-Call ID": the Call ID is invalid in this context.
    pub const BAD_CALL_ID: Self = Self(5);
    /// 6 "PAC-Error": a vendor-specific error occurred in the PAC.
    pub const PAC_ERROR: Self = Self(6);

    fn entry(self) -> Option<(&'static str, &'static str)> {
        Some(match self.0 {
            0 => ("None", "no general error"),
            1 => (
                "Not-Connected",
                "no control connection exists yet for this PAC-PNS pair",
            ),
            2 => (
                "Bad-Format",
                "the length was wrong or the magic cookie did not match",
            ),
            3 => (
                "Bad-Value",
                "a field was out of range or a reserved field was not zero",
            ),
            4 => (
                "No-Resource",
                "the sender lacks the resources to handle the command",
            ),
            5 => ("Bad-Call ID", "the Call ID is invalid in this context"),
            6 => ("PAC-Error", "a vendor-specific error occurred in the PAC"),
            _ => return None,
        })
    }

    /// Name of the error as RFC 2637 writes it.
    pub fn name(&self) -> Option<&'static str> {
        self.entry().map(|e| e.0)
    }

    /// What the error means, in plain words.
    pub fn meaning(&self) -> Option<&'static str> {
        self.entry().map(|e| e.1)
    }
}

/// Hex spelling of each single bit, so unknown capability bits can be named
/// without allocating.
const BIT_HEX: [&str; 32] = [
    "0x1",
    "0x2",
    "0x4",
    "0x8",
    "0x10",
    "0x20",
    "0x40",
    "0x80",
    "0x100",
    "0x200",
    "0x400",
    "0x800",
    "0x1000",
    "0x2000",
    "0x4000",
    "0x8000",
    "0x10000",
    "0x20000",
    "0x40000",
    "0x80000",
    "0x100000",
    "0x200000",
    "0x400000",
    "0x800000",
    "0x1000000",
    "0x2000000",
    "0x4000000",
    "0x8000000",
    "0x10000000",
    "0x20000000",
    "0x40000000",
    "0x80000000",
];

/// Names of the set bits, low bit first; `known` names the defined ones.
fn bit_names(value: u32, known: &[(u32, &'static str)]) -> Vec<&'static str> {
    BIT_HEX
        .iter()
        .enumerate()
        .filter_map(|(i, hex)| {
            let bit = 1u32 << i;
            (value & bit != 0).then(|| {
                known
                    .iter()
                    .find(|(b, _)| *b == bit)
                    .map_or(*hex, |(_, name)| *name)
            })
        })
        .collect()
}

/// Framing Capabilities bit mask of Start-Control-Connection-Request/Reply
/// (RFC 2637 §2.1): which PPP framings the sender can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FramingCapabilities(pub u32);

impl FramingCapabilities {
    /// Asynchronous framing supported.
    pub const ASYNC: u32 = 0x1;
    /// Synchronous framing supported.
    pub const SYNC: u32 = 0x2;

    /// Names of the set bits ("async", "sync"); bits the RFC does not define
    /// are listed in hex, e.g. "0x4".
    pub fn names(&self) -> Vec<&'static str> {
        bit_names(self.0, &[(Self::ASYNC, "async"), (Self::SYNC, "sync")])
    }
}

/// Bearer Capabilities bit mask of Start-Control-Connection-Request/Reply
/// (RFC 2637 §2.1): which access types the sender supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct BearerCapabilities(pub u32);

impl BearerCapabilities {
    /// Analog access supported.
    pub const ANALOG: u32 = 0x1;
    /// Digital access supported.
    pub const DIGITAL: u32 = 0x2;

    /// Names of the set bits ("analog", "digital"); bits the RFC does not
    /// define are listed in hex, e.g. "0x4".
    pub fn names(&self) -> Vec<&'static str> {
        bit_names(self.0, &[(Self::ANALOG, "analog"), (Self::DIGITAL, "digital")])
    }
}

/// Bearer Type of Outgoing-Call-Request (RFC 2637 §2.7) and Call Bearer Type
/// of Incoming-Call-Request (RFC 2637 §2.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BearerType(pub u32);

impl BearerType {
    /// Analog channel.
    pub const ANALOG: Self = Self(1);
    /// Digital channel.
    pub const DIGITAL: Self = Self(2);
    /// Either kind; only defined for Outgoing-Call-Request.
    pub const ANY: Self = Self(3);

    /// "analog", "digital" or "any".
    pub fn name(&self) -> Option<&'static str> {
        match self.0 {
            1 => Some("analog"),
            2 => Some("digital"),
            3 => Some("any"),
            _ => None,
        }
    }
}

/// Framing Type of Outgoing-Call-Request (RFC 2637 §2.7) and
/// Incoming-Call-Connected (RFC 2637 §2.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FramingType(pub u32);

impl FramingType {
    /// Asynchronous PPP framing.
    pub const ASYNC: Self = Self(1);
    /// Synchronous PPP framing.
    pub const SYNC: Self = Self(2);
    /// Either framing; only defined for Outgoing-Call-Request.
    pub const EITHER: Self = Self(3);

    /// "async", "sync" or "either".
    pub fn name(&self) -> Option<&'static str> {
        match self.0 {
            1 => Some("async"),
            2 => Some("sync"),
            3 => Some("either"),
            _ => None,
        }
    }
}

/// Protocol Version of Start-Control-Connection-Request/Reply (RFC 2637
/// §2.1): high octet version, low octet revision. PPTP is 0x0100, shown
/// "1.0".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProtocolVersion(pub u16);

impl ProtocolVersion {
    /// Version 1, revision 0: the only version RFC 2637 defines.
    pub const V1_0: Self = Self(0x0100);

    /// The version number (high octet).
    pub fn version(&self) -> u8 {
        self.0.to_be_bytes()[0]
    }

    /// The revision number (low octet).
    pub fn revision(&self) -> u8 {
        self.0.to_be_bytes()[1]
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.version(), self.revision())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_types_have_names_abbreviations_and_catalogue_lengths() {
        let expected: [(u16, &str, &str, u16); 15] = [
            (1, "Start-Control-Connection-Request", "SCCRQ", 156),
            (2, "Start-Control-Connection-Reply", "SCCRP", 156),
            (3, "Stop-Control-Connection-Request", "StopCCRQ", 16),
            (4, "Stop-Control-Connection-Reply", "StopCCRP", 16),
            (5, "Echo-Request", "ECHORQ", 16),
            (6, "Echo-Reply", "ECHORP", 20),
            (7, "Outgoing-Call-Request", "OCRQ", 168),
            (8, "Outgoing-Call-Reply", "OCRP", 32),
            (9, "Incoming-Call-Request", "ICRQ", 220),
            (10, "Incoming-Call-Reply", "ICRP", 24),
            (11, "Incoming-Call-Connected", "ICCN", 28),
            (12, "Call-Clear-Request", "CCRQ", 16),
            (13, "Call-Disconnect-Notify", "CDN", 148),
            (14, "WAN-Error-Notify", "WEN", 40),
            (15, "Set-Link-Info", "SLI", 24),
        ];
        for (code, name, abbrev, len) in expected {
            let t = ControlMessageType(code);
            assert_eq!(t.name(), Some(name));
            assert_eq!(t.abbrev(), Some(abbrev));
            assert_eq!(t.expected_len(), Some(len));
            assert!(t.meaning().is_some());
        }
        for unknown in [0, 16, 0xffff] {
            let t = ControlMessageType(unknown);
            assert_eq!(
                (t.name(), t.abbrev(), t.expected_len(), t.meaning()),
                (None, None, None, None)
            );
        }
        assert_eq!(ControlMessageType::SET_LINK_INFO, ControlMessageType(15));
    }

    #[test]
    fn result_and_error_codes_are_named() {
        assert_eq!(SccrpResult(1).name(), Some("Channel Established"));
        assert_eq!(SccrpResult(5).name(), Some("Version Not Supported"));
        assert_eq!(SccrpResult(6).name(), None);
        assert_eq!(SccrpResult(0).meaning(), None);
        assert_eq!(StopReason(2).name(), Some("Stop-Protocol"));
        assert_eq!(StopReason(3).name(), Some("Stop-Local-Shutdown"));
        assert_eq!(StopReason(4).name(), None);
        assert_eq!(StopCcrpResult(1).name(), Some("OK"));
        assert_eq!(StopCcrpResult(3).name(), None);
        assert_eq!(EchoResult(2).name(), Some("General Error"));
        assert_eq!(EchoResult(0).name(), None);
        assert_eq!(OcrpResult(1).name(), Some("Connected"));
        assert_eq!(OcrpResult(6).name(), Some("Time-out"));
        assert_eq!(OcrpResult(7).name(), Some("Do Not Accept"));
        assert_eq!(OcrpResult(8).name(), None);
        assert_eq!(IcrpResult(1).name(), Some("Connect"));
        assert_eq!(IcrpResult(4).name(), None);
        assert_eq!(CdnResult(4).name(), Some("Request"));
        assert_eq!(
            CdnResult(4).meaning(),
            Some("the call was disconnected in answer to a Call-Clear-Request")
        );
        assert_eq!(CdnResult(5).name(), None);
        let errors = [
            "None",
            "Not-Connected",
            "Bad-Format",
            "Bad-Value",
            "No-Resource",
            "Bad-Call ID",
            "PAC-Error",
        ];
        for (code, name) in (0u8..).zip(errors) {
            assert_eq!(GeneralError(code).name(), Some(name));
        }
        assert_eq!(GeneralError(7).name(), None);
    }

    #[test]
    fn capability_bits_are_named_and_unknown_bits_listed_in_hex() {
        assert_eq!(FramingCapabilities(0).names(), Vec::<&str>::new());
        assert_eq!(FramingCapabilities(1).names(), ["async"]);
        assert_eq!(FramingCapabilities(3).names(), ["async", "sync"]);
        assert_eq!(
            FramingCapabilities(0x8000_0005).names(),
            ["async", "0x4", "0x80000000"]
        );
        assert_eq!(BearerCapabilities(3).names(), ["analog", "digital"]);
        assert_eq!(BearerCapabilities(0x12).names(), ["digital", "0x10"]);
    }

    #[test]
    fn bearer_and_framing_types_and_version() {
        assert_eq!(BearerType(3).name(), Some("any"));
        assert_eq!(BearerType(4).name(), None);
        assert_eq!(FramingType(2).name(), Some("sync"));
        assert_eq!(FramingType(0).name(), None);
        assert_eq!(ProtocolVersion(0x0100).to_string(), "1.0");
        assert_eq!(ProtocolVersion(0x0203).to_string(), "2.3");
        assert_eq!(ProtocolVersion::V1_0.version(), 1);
        assert_eq!(ProtocolVersion::V1_0.revision(), 0);
    }
}
