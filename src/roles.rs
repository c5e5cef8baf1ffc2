//! Who sent something and where in the capture it is: shared by every
//! session model (PPTP, PPP, TLS, SSTP) so their facts compare directly.

use serde::Serialize;

use crate::capture::Timestamp;

/// Which side of a connection sent something. The client is the PPTP PNS,
/// or the side that sent the TLS ClientHello / the SSTP request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    ClientToServer,
    ServerToClient,
}

impl Direction {
    /// The other way.
    pub fn reverse(self) -> Direction {
        match self {
            Direction::ClientToServer => Direction::ServerToClient,
            Direction::ServerToClient => Direction::ClientToServer,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::ClientToServer => "client_to_server",
            Direction::ServerToClient => "server_to_client",
        }
    }

    /// 0 for client to server, 1 for server to client.
    pub(crate) fn index(self) -> usize {
        match self {
            Direction::ClientToServer => 0,
            Direction::ServerToClient => 1,
        }
    }
}

/// A point in the capture: frame number and time (seconds since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct At {
    pub frame: u64,
    pub time: f64,
}

impl At {
    pub fn new(frame: u64, ts: Timestamp) -> Self {
        At {
            frame,
            time: ts.as_secs_f64(),
        }
    }
}
