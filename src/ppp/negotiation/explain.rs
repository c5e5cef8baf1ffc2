//! One-line summaries and one-sentence explanations of PPP packets for the
//! teaching ladder. Text taken from the capture is escaped and shortened so
//! that a summary stays one line.

use core::fmt::Display;

use crate::ppp::wire::{Code, ControlBody, ControlFamily, ControlRepr};
use crate::text::escape_terminal;

/// Characters of captured text kept in a summary.
const MAX_TEXT: usize = 80;

/// Captured bytes as a short, escaped, quoted string.
pub(crate) fn quoted(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let escaped = escape_terminal(&text);
    let mut short: String = escaped.chars().take(MAX_TEXT).collect();
    if escaped.chars().count() > MAX_TEXT {
        short.push('…');
    }
    format!("\"{short}\"")
}

/// "MRU 1400, auth MS-CHAPv2, magic 0x1234abcd".
pub(crate) fn options_summary<O: Display>(options: &[O]) -> String {
    options
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One line for a control packet.
pub(crate) fn control_summary<O: Display>(packet: &ControlRepr<O>) -> String {
    let code = packet.code;
    let id = packet.identifier;
    match &packet.body {
        ControlBody::ConfigureRequest(o)
        | ControlBody::ConfigureAck(o)
        | ControlBody::ConfigureNak(o)
        | ControlBody::ConfigureReject(o) => {
            if o.is_empty() {
                format!("{code} with no options (id {id})")
            } else {
                format!("{code} {} (id {id})", options_summary(o))
            }
        }
        ControlBody::TerminateRequest(data) | ControlBody::TerminateAck(data) => {
            if data.is_empty() {
                format!("{code} (id {id})")
            } else {
                format!("{code} {} (id {id})", quoted(data))
            }
        }
        ControlBody::CodeReject(rejected) => match rejected.first() {
            Some(c) => format!("Code-Reject of code {c} (id {id})"),
            None => format!("Code-Reject (id {id})"),
        },
        ControlBody::ProtocolReject {
            rejected_protocol, ..
        } => {
            format!("Protocol-Reject of {rejected_protocol} (id {id})")
        }
        ControlBody::EchoRequest { magic_number, .. }
        | ControlBody::EchoReply { magic_number, .. }
        | ControlBody::DiscardRequest { magic_number, .. } => {
            format!("{code} magic 0x{magic_number:08x} (id {id})")
        }
        ControlBody::Identification { message, .. } => format!("Identification {}", quoted(message)),
        ControlBody::TimeRemaining {
            seconds_remaining,
            message,
            ..
        } => {
            if message.is_empty() {
                format!("Time-Remaining {seconds_remaining} s")
            } else {
                format!("Time-Remaining {seconds_remaining} s {}", quoted(message))
            }
        }
        ControlBody::ResetRequest(_) | ControlBody::ResetAck(_) => format!("{code} (id {id})"),
        ControlBody::Unknown(data) => format!("{code} with {} bytes of data (id {id})", data.len()),
    }
}

/// One sentence on what a control packet does.
pub(crate) fn control_explanation(family: ControlFamily, code: Code) -> &'static str {
    match (family, code) {
        (ControlFamily::Lcp, Code::CONFIGURE_REQUEST) => {
            "The sender proposes how the link should work towards it; the peer must Ack, Nak or Reject the options."
        }
        (ControlFamily::Ipcp, Code::CONFIGURE_REQUEST) => {
            "The sender proposes its IP settings; 0.0.0.0 asks the peer to assign a value."
        }
        (ControlFamily::Ipv6cp, Code::CONFIGURE_REQUEST) => {
            "The sender proposes the interface identifier for its IPv6 link-local address."
        }
        (ControlFamily::Ccp, Code::CONFIGURE_REQUEST) => {
            "The sender proposes compression and encryption; the MPPE option lists the key lengths it supports."
        }
        (_, Code::CONFIGURE_ACK) => "The peer accepts every option of the request as sent; this side is configured.",
        (ControlFamily::Ipcp, Code::CONFIGURE_NAK) => {
            "The peer supplies the values to use instead, such as the assigned address and DNS servers."
        }
        (ControlFamily::Ccp, Code::CONFIGURE_NAK) => {
            "The peer picks the encryption it wants: one key length and, usually, stateless mode."
        }
        (_, Code::CONFIGURE_NAK) => {
            "The peer understands these options but wants other values; the sender should ask again with them."
        }
        (_, Code::CONFIGURE_REJECT) => "The peer refuses these options outright; the sender must ask again without them.",
        (ControlFamily::Lcp, Code::TERMINATE_REQUEST) => "The sender closes the PPP link; the peer confirms with Terminate-Ack.",
        (_, Code::TERMINATE_REQUEST) => "The sender closes this protocol; the peer confirms with Terminate-Ack.",
        (_, Code::TERMINATE_ACK) => "Confirms a Terminate-Request, or tells a peer that this protocol is not open.",
        (_, Code::CODE_REJECT) => "The sender did not understand a packet code its peer used.",
        (ControlFamily::Lcp, Code::PROTOCOL_REJECT) => {
            "The sender does not run this protocol; the peer must stop sending it."
        }
        (ControlFamily::Lcp, Code::ECHO_REQUEST) => "Keep-alive: the peer must answer with an Echo-Reply.",
        (ControlFamily::Lcp, Code::ECHO_REPLY) => "Answers a keep-alive: the link works in both directions.",
        (ControlFamily::Lcp, Code::DISCARD_REQUEST) => "A test packet the peer silently drops.",
        (ControlFamily::Lcp, Code::IDENTIFICATION) => "Free text naming the sender's software or host.",
        (ControlFamily::Lcp, Code::TIME_REMAINING) => "Tells the peer how long the session may still last.",
        (ControlFamily::Ccp, Code::RESET_REQUEST) => {
            "The receiver lost sync with the MPPE/MPPC stream and asks the sender to reset its state."
        }
        (ControlFamily::Ccp, Code::RESET_ACK) => "The sender confirms it reset its compression/encryption state.",
        _ => "A packet code this protocol does not define.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ppp::build;
    use crate::ppp::wire::{parse_ccp, parse_lcp};

    #[test]
    fn summaries_of_lcp_packets() {
        let s = |b: Vec<u8>| control_summary(&parse_lcp(&b).unwrap());
        assert_eq!(
            s(build::control(
                1,
                1,
                &[
                    build::lcp_mru(1400),
                    build::lcp_auth_chap(0x81),
                    build::lcp_magic(0x1234_abcd)
                ]
            )),
            "Configure-Request MRU 1400, auth MS-CHAPv2, magic 0x1234abcd (id 1)"
        );
        assert_eq!(
            s(build::control(2, 4, &[])),
            "Configure-Ack with no options (id 4)"
        );
        assert_eq!(
            s(build::packet(5, 2, b"MPPE disabled")),
            "Terminate-Request \"MPPE disabled\" (id 2)"
        );
        assert_eq!(s(build::packet(6, 2, b"")), "Terminate-Ack (id 2)");
        assert_eq!(s(build::packet(7, 2, &[0x20])), "Code-Reject of code 32 (id 2)");
        assert_eq!(
            s(build::packet(8, 2, &[0x80, 0x57])),
            "Protocol-Reject of IPV6CP (0x8057) (id 2)"
        );
        assert_eq!(
            s(build::packet(9, 0, &[0xaa, 0x47, 0x11, 0x06])),
            "Echo-Request magic 0xaa471106 (id 0)"
        );
        assert_eq!(
            s(build::packet(12, 3, b"\0\0\0\x01bad\x1b[2J")),
            "Identification \"bad\\x1b[2J\""
        );
        assert_eq!(
            s(build::packet(13, 3, &[0, 0, 0, 1, 0, 0, 0, 60])),
            "Time-Remaining 60 s"
        );
        assert_eq!(
            s(build::packet(42, 3, &[1, 2])),
            "code 42 with 2 bytes of data (id 3)"
        );
        let long = vec![b'x'; 100];
        assert_eq!(quoted(&long).chars().count(), 83);
    }

    #[test]
    fn summaries_of_ccp_packets() {
        let p = parse_ccp(&build::control(3, 1, &[build::ccp_mppe(0x0100_0040)])).unwrap();
        assert_eq!(
            control_summary(&p),
            "Configure-Nak MPPE 0x01000040 (stateless, 128-bit) (id 1)"
        );
        let r = parse_ccp(&build::packet(14, 9, &[])).unwrap();
        assert_eq!(control_summary(&r), "Reset-Request (id 9)");
        assert_eq!(
            control_explanation(ControlFamily::Ccp, Code::RESET_REQUEST),
            "The receiver lost sync with the MPPE/MPPC stream and asks the sender to reset its state."
        );
        assert_eq!(
            control_explanation(ControlFamily::Ipcp, Code::ECHO_REQUEST),
            "A packet code this protocol does not define."
        );
    }
}
