//! Alert records (RFC 5246 §7.2, RFC 8446 §6): two bytes, level and
//! description. Only alerts sent before the sender's ChangeCipherSpec (or,
//! in TLS 1.3, before the ServerHello) are readable; later ones are
//! encrypted and only their presence is known.

use nom::multi::many1;
use nom::number::complete::be_u8;
use nom::{combinator::all_consuming, Parser};

use super::codes::{AlertDescription, AlertLevel};
use super::DecodeError;

/// One alert message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alert {
    pub level: AlertLevel,
    pub description: AlertDescription,
}

/// Reads the alerts of a clear alert record. A record normally holds one;
/// RFC 5246 §6.2.1 lets fragments of any type be coalesced, so several are
/// accepted. An empty fragment or a stray odd byte is an error.
pub fn parse_alerts(fragment: &[u8]) -> Result<Vec<Alert>, DecodeError> {
    let alert = (be_u8, be_u8).map(|(level, description)| Alert {
        level: AlertLevel(level),
        description: AlertDescription(description),
    });
    all_consuming(many1(alert))
        .parse_complete(fragment)
        .map(|(_, alerts)| alerts)
        .map_err(|e| DecodeError::from_nom("alert", fragment, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_alert_several_and_malformed() {
        assert_eq!(
            parse_alerts(&[2, 40]),
            Ok(vec![Alert {
                level: AlertLevel::FATAL,
                description: AlertDescription::HANDSHAKE_FAILURE
            }])
        );
        assert_eq!(
            parse_alerts(&[1, 0, 2, 48]),
            Ok(vec![
                Alert {
                    level: AlertLevel::WARNING,
                    description: AlertDescription::CLOSE_NOTIFY
                },
                Alert {
                    level: AlertLevel(2),
                    description: AlertDescription(48)
                }
            ])
        );
        assert_eq!(
            parse_alerts(&[]),
            Err(DecodeError {
                what: "alert",
                offset: 0,
                len: 0
            })
        );
        assert_eq!(
            parse_alerts(&[1, 0, 2]),
            Err(DecodeError {
                what: "alert",
                offset: 2,
                len: 3
            })
        );
    }
}
