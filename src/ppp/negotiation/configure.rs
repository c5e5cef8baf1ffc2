//! One side of a Configure-Request exchange (RFC 1661 §4, §5.1–5.4), the
//! part every control protocol shares: requests kept until answered, replies
//! paired with them by Identifier, Nak/Reject rounds counted, the options
//! the peer finally acknowledged kept.
//!
//! A "side" is named by the sender of the Configure-Request: the client side
//! holds what the client asked for and how the server answered.

use std::collections::VecDeque;

use serde::Serialize;

use crate::ppp::wire::ConfigOption;

/// Items kept in the name lists of [`NegotiationStats`].
const MAX_LISTED_OPTIONS: usize = 16;

/// How one side's Configure-Requests fared (RFC 1661 §5.1–5.4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NegotiationStats {
    /// Configure-Requests sent by this side.
    pub configure_requests: u32,
    /// Requests repeating the previous unanswered one (restart timer
    /// expiry, RFC 1661 §4.6).
    pub retransmissions: u32,
    /// Configure-Ack / -Nak / -Reject received for this side's requests.
    pub acks: u32,
    pub naks: u32,
    pub rejects: u32,
    /// Replies whose Identifier matched no outstanding request (a capture
    /// that starts late, or a peer that answers stale requests).
    pub unmatched_replies: u32,
    /// Acks whose options differ from the request (RFC 1661 §5.2 requires
    /// an exact copy).
    pub ack_mismatches: u32,
    /// The longest run of Nak/Reject answers without an Ack. RFC 1661 §4.6
    /// Max-Failure (default 5) bounds how long a peer keeps Nak'ing.
    pub nak_reject_rounds: u32,
    /// Requests still unanswered when the report was made.
    pub unanswered_requests: u32,
    /// True once the last request was acknowledged.
    pub converged: bool,
    /// Requests sent after this side had converged (renegotiation, RFC 1661
    /// §4.3 "Opened" state receiving or sending a Configure-Request).
    pub renegotiations: u32,
    pub first_request_frame: Option<u64>,
    pub acked_frame: Option<u64>,
    /// The options of the most recent request.
    pub last_requested: Vec<String>,
    /// Values the peer suggested in Configure-Naks (latest first kept).
    pub naked: Vec<String>,
    /// Option types the peer Configure-Rejected.
    pub rejected: Vec<String>,
}

/// What answered a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    Ack,
    Nak,
    Reject,
}

#[derive(Debug, Clone)]
struct Pending<O> {
    identifier: u8,
    options: Vec<O>,
}

/// One side of the exchange.
#[derive(Debug, Clone)]
pub struct Side<O> {
    stats: NegotiationStats,
    pending: VecDeque<Pending<O>>,
    max_pending: usize,
    current_rounds: u32,
    last_request: Option<Vec<O>>,
    acked: Option<Vec<O>>,
    last_frame: Option<u64>,
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        if list.len() >= MAX_LISTED_OPTIONS {
            list.remove(0);
        }
        list.push(item);
    }
}

impl<O: ConfigOption> Side<O> {
    pub fn new(max_pending: usize) -> Self {
        Side {
            stats: NegotiationStats::default(),
            pending: VecDeque::new(),
            max_pending: max_pending.max(1),
            current_rounds: 0,
            last_request: None,
            acked: None,
            last_frame: None,
        }
    }

    /// A Configure-Request from this side. Returns true when it repeats the
    /// previous, still unanswered request.
    pub fn request(&mut self, identifier: u8, frame: u64, options: &[O]) -> bool {
        let s = &mut self.stats;
        s.configure_requests = s.configure_requests.saturating_add(1);
        s.first_request_frame.get_or_insert(frame);
        self.last_frame = Some(frame);
        let retransmission = !self.pending.is_empty() && self.last_request.as_deref() == Some(options);
        if retransmission {
            s.retransmissions = s.retransmissions.saturating_add(1);
        }
        if s.converged {
            s.converged = false;
            s.renegotiations = s.renegotiations.saturating_add(1);
        }
        s.last_requested = options.iter().map(ToString::to_string).collect();
        if self.pending.len() >= self.max_pending {
            self.pending.pop_front();
        }
        self.pending.push_back(Pending {
            identifier,
            options: options.to_vec(),
        });
        self.last_request = Some(options.to_vec());
        retransmission
    }

    /// A Configure-Ack/Nak/Reject from the peer answering this side.
    /// Returns the options of the matching request, if one was outstanding.
    pub fn reply(&mut self, kind: Reply, identifier: u8, frame: u64, options: &[O]) -> Option<Vec<O>> {
        self.last_frame = Some(frame);
        let matched = self.pending.iter().rposition(|p| p.identifier == identifier);
        let request = match matched {
            Some(i) => {
                // The answered request and everything older are settled.
                let request = self.pending.get(i).map(|p| p.options.clone());
                self.pending.drain(..=i);
                request
            }
            None => {
                self.stats.unmatched_replies = self.stats.unmatched_replies.saturating_add(1);
                None
            }
        };
        let s = &mut self.stats;
        match kind {
            Reply::Ack => {
                s.acks = s.acks.saturating_add(1);
                if request.as_deref().is_some_and(|r| r != options) {
                    s.ack_mismatches = s.ack_mismatches.saturating_add(1);
                }
                s.converged = true;
                s.acked_frame = Some(frame);
                self.current_rounds = 0;
                // The Ack is a copy of the request; use it even without one
                // (a capture that starts after the request).
                self.acked = Some(options.to_vec());
            }
            Reply::Nak | Reply::Reject => {
                if kind == Reply::Nak {
                    s.naks = s.naks.saturating_add(1);
                    for o in options {
                        push_unique(&mut s.naked, o.to_string());
                    }
                } else {
                    s.rejects = s.rejects.saturating_add(1);
                    for o in options {
                        push_unique(&mut s.rejected, o.type_name());
                    }
                }
                self.current_rounds = self.current_rounds.saturating_add(1);
                s.nak_reject_rounds = s.nak_reject_rounds.max(self.current_rounds);
            }
        }
        request
    }

    /// Counters and lists, with the outstanding requests counted.
    pub fn stats(&self) -> NegotiationStats {
        let mut s = self.stats.clone();
        s.unanswered_requests = u32::try_from(self.pending.len()).unwrap_or(u32::MAX);
        s
    }

    pub fn converged(&self) -> bool {
        self.stats.converged
    }

    pub fn requests(&self) -> u32 {
        self.stats.configure_requests
    }

    /// The options of the acknowledged request.
    pub fn acked(&self) -> Option<&[O]> {
        self.acked.as_deref()
    }

    /// The frame of the latest Configure-Ack for this side.
    pub fn acked_frame(&self) -> Option<u64> {
        self.stats.acked_frame
    }

    pub fn last_request(&self) -> Option<&[O]> {
        self.last_request.as_deref()
    }

    /// The frame of the latest request or reply of this side's exchange.
    pub fn last_frame(&self) -> Option<u64> {
        self.last_frame
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ppp::wire::{IpcpOption, LcpOption};
    use std::net::Ipv4Addr;

    #[test]
    fn request_nak_request_ack() {
        let mut side = Side::<IpcpOption>::new(4);
        let zero = [IpcpOption::IpAddress(Ipv4Addr::UNSPECIFIED)];
        let given = [IpcpOption::IpAddress(Ipv4Addr::new(10, 0, 0, 5))];
        assert!(!side.request(1, 10, &zero));
        assert_eq!(side.reply(Reply::Nak, 1, 11, &given), Some(zero.to_vec()));
        assert!(!side.request(2, 12, &given));
        assert_eq!(side.reply(Reply::Ack, 2, 13, &given), Some(given.to_vec()));
        let s = side.stats();
        assert_eq!(
            s,
            NegotiationStats {
                configure_requests: 2,
                retransmissions: 0,
                acks: 1,
                naks: 1,
                rejects: 0,
                unmatched_replies: 0,
                ack_mismatches: 0,
                nak_reject_rounds: 1,
                unanswered_requests: 0,
                converged: true,
                renegotiations: 0,
                first_request_frame: Some(10),
                acked_frame: Some(13),
                last_requested: vec!["IP 10.0.0.5".to_string()],
                naked: vec!["IP 10.0.0.5".to_string()],
                rejected: vec![],
            }
        );
        assert_eq!(side.acked(), Some(&given[..]));
    }

    #[test]
    fn retransmission_unmatched_mismatch_renegotiation() {
        let mut side = Side::<LcpOption>::new(2);
        let a = [LcpOption::MaximumReceiveUnit(1400)];
        let b = [LcpOption::MaximumReceiveUnit(1500)];
        assert!(!side.request(1, 1, &a));
        assert!(side.request(2, 2, &a));
        assert!(!side.request(3, 3, &b));
        // Pending is bounded to 2: id 1 was dropped, so its reply is unmatched.
        assert_eq!(side.reply(Reply::Reject, 1, 4, &a), None);
        assert_eq!(side.reply(Reply::Ack, 3, 5, &a), Some(b.to_vec()));
        assert!(side.converged());
        side.request(4, 6, &b);
        let s = side.stats();
        assert_eq!(
            (
                s.retransmissions,
                s.unmatched_replies,
                s.ack_mismatches,
                s.renegotiations,
                s.converged
            ),
            (1, 1, 1, 1, false)
        );
        assert_eq!(s.unanswered_requests, 1);
        assert_eq!(s.rejected, vec!["MRU".to_string()]);
    }

    #[test]
    fn rounds_count_the_longest_run() {
        let mut side = Side::<LcpOption>::new(4);
        let a = [LcpOption::MagicNumber(1)];
        for id in 0..7u8 {
            side.request(id, u64::from(id) * 2, &a);
            side.reply(Reply::Nak, id, u64::from(id) * 2 + 1, &a);
        }
        assert_eq!(side.stats().nak_reject_rounds, 7);
        assert_eq!(side.stats().naked, vec!["magic 0x00000001".to_string()]);
        assert!(!side.converged());
    }
}
