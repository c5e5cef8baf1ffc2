//! Ground truth of a generated capture: what it contains, frame by frame,
//! and what a correct analysis of it must conclude. Rendered into
//! `captures/README.md` and available to tests as data.

use std::fmt::Write as _;
use std::net::SocketAddr;

use serde::Serialize;

use super::gre::GreRecord;
use super::pptp::control_type_name;
use super::tcp::Side;

/// One PPTP control connection (a TCP connection carrying control
/// messages). The client is the PNS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectionTruth {
    /// Short label used in message lists ("A", "B", …).
    pub label: String,
    /// Client address and port.
    pub client: SocketAddr,
    /// Server address and port.
    pub server: SocketAddr,
}

/// One PPTP control message as it must be found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageTruth {
    /// The frame in which the message's last byte becomes available in
    /// stream order (for a message split across segments, the last piece;
    /// for segments delivered out of order, the segment that fills the
    /// hole).
    pub frame: u64,
    /// Index into [`Truth::connections`].
    pub connection: usize,
    /// Who sent it.
    pub from: Side,
    /// The Control Message Type in its header.
    pub control_type: u16,
    /// Abbreviation (SCCRQ, …) or `type <n>` for an undefined code.
    pub name: String,
    /// What is special about it, if anything.
    pub note: Option<String>,
}

/// The GRE packets of one call in one direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GreFlowTruth {
    /// Index into [`Truth::connections`] of the control connection that
    /// set the call up, if one is in the capture.
    pub connection: Option<usize>,
    /// Who sends this flow.
    pub from: Side,
    /// Source address.
    pub src: std::net::IpAddr,
    /// Destination address.
    pub dst: std::net::IpAddr,
    /// Key Call ID (the receiver's).
    pub call_id: u16,
    /// Every packet, in frame order.
    pub packets: Vec<GreRecord>,
}

/// Everything a correct analysis of one capture must find.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Truth {
    /// The scenario in a few words.
    pub title: String,
    /// What the scenario shows, in a sentence or two.
    pub description: String,
    /// Container and link layer, e.g. "pcap, little-endian, µs, Ethernet".
    pub format: String,
    /// Number of frames in the file.
    pub frames: u64,
    /// Control connections in order of appearance.
    pub connections: Vec<ConnectionTruth>,
    /// Every PPTP control message, in the order a stream reader finds them.
    pub messages: Vec<MessageTruth>,
    /// GRE flows, one per call and direction.
    pub gre: Vec<GreFlowTruth>,
    /// What a correct analysis must conclude.
    pub conclusions: Vec<String>,
    /// Facts about the capture worth knowing when reading it.
    pub notes: Vec<String>,
}

/// The name used for a control type in the truth tables.
pub fn message_name(control_type: u16) -> String {
    match control_type_name(control_type) {
        Some((_, abbrev)) => abbrev.to_string(),
        None => format!("type {control_type}"),
    }
}

fn direction(from: Side) -> &'static str {
    match from {
        Side::Client => "client → server",
        Side::Server => "server → client",
    }
}

fn opt_u32(v: Option<u32>) -> String {
    v.map_or_else(|| "–".to_string(), |n| n.to_string())
}

impl Truth {
    /// The Markdown section of `captures/README.md` for the capture
    /// `file_name`.
    pub fn to_markdown(&self, file_name: &str) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "## `{file_name}`\n");
        if !self.title.is_empty() {
            let _ = writeln!(s, "**{}**\n", self.title);
        }
        let _ = writeln!(s, "{}\n", self.description);
        let _ = writeln!(s, "- Format: {}", self.format);
        let _ = writeln!(s, "- Frames: {}", self.frames);
        for c in &self.connections {
            let _ = writeln!(
                s,
                "- Control connection {}: client (PNS) {} → server (PAC) {}",
                c.label, c.client, c.server
            );
        }
        s.push('\n');
        if self.messages.is_empty() {
            s.push_str("PPTP control messages: none.\n\n");
        } else {
            s.push_str("PPTP control messages:\n\n");
            let multi = self.connections.len() > 1;
            if multi {
                s.push_str("| Frame | Conn. | Direction | Type | Code | Note |\n|---|---|---|---|---|---|\n");
            } else {
                s.push_str("| Frame | Direction | Type | Code | Note |\n|---|---|---|---|---|\n");
            }
            for m in &self.messages {
                let label = self
                    .connections
                    .get(m.connection)
                    .map_or("?", |c| c.label.as_str());
                let note = m.note.as_deref().unwrap_or("");
                if multi {
                    let _ = writeln!(
                        s,
                        "| {} | {} | {} | {} | {} | {} |",
                        m.frame,
                        label,
                        direction(m.from),
                        m.name,
                        m.control_type,
                        note
                    );
                } else {
                    let _ = writeln!(
                        s,
                        "| {} | {} | {} | {} | {} |",
                        m.frame,
                        direction(m.from),
                        m.name,
                        m.control_type,
                        note
                    );
                }
            }
            s.push('\n');
        }
        if self.gre.is_empty() {
            s.push_str("GRE: none.\n\n");
        } else {
            s.push_str("GRE (enhanced, version 1), per direction:\n\n");
            for g in &self.gre {
                let data = g.packets.iter().filter(|p| p.sequence.is_some()).count();
                let ack_only = g.packets.len() - data;
                let _ = writeln!(
                    s,
                    "- {} ({} → {}), Key Call ID {}: {} packets ({} data, {} ack-only)",
                    direction(g.from),
                    g.src,
                    g.dst,
                    g.call_id,
                    g.packets.len(),
                    data,
                    ack_only
                );
                let rows: Vec<String> = g
                    .packets
                    .iter()
                    .map(|p| {
                        format!(
                            "{}: seq {} ack {}",
                            p.frame,
                            opt_u32(p.sequence),
                            opt_u32(p.acknowledgment)
                        )
                    })
                    .collect();
                let _ = writeln!(s, "  - frame: seq/ack — {}", rows.join("; "));
            }
            s.push('\n');
        }
        if !self.conclusions.is_empty() {
            s.push_str("A correct analysis concludes:\n\n");
            for c in &self.conclusions {
                let _ = writeln!(s, "- {c}");
            }
            s.push('\n');
        }
        if !self.notes.is_empty() {
            s.push_str("Notes:\n\n");
            for n in &self.notes {
                let _ = writeln!(s, "- {n}");
            }
            s.push('\n');
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_lists_messages_gre_and_conclusions() {
        let truth = Truth {
            title: "Short".into(),
            description: "A short session.".into(),
            format: "pcap".into(),
            frames: 3,
            connections: vec![ConnectionTruth {
                label: "A".into(),
                client: "192.0.2.1:50000".parse().unwrap(),
                server: "192.0.2.2:1723".parse().unwrap(),
            }],
            messages: vec![MessageTruth {
                frame: 1,
                connection: 0,
                from: Side::Client,
                control_type: 1,
                name: message_name(1),
                note: None,
            }],
            gre: vec![GreFlowTruth {
                connection: Some(0),
                from: Side::Server,
                src: "192.0.2.2".parse().unwrap(),
                dst: "192.0.2.1".parse().unwrap(),
                call_id: 7,
                packets: vec![
                    GreRecord {
                        frame: 2,
                        sender: Side::Server,
                        call_id: 7,
                        sequence: Some(0),
                        acknowledgment: None,
                        payload_len: 8,
                    },
                    GreRecord {
                        frame: 3,
                        sender: Side::Server,
                        call_id: 7,
                        sequence: None,
                        acknowledgment: Some(4),
                        payload_len: 0,
                    },
                ],
            }],
            conclusions: vec!["Nothing is wrong.".into()],
            notes: vec![],
        };
        let md = truth.to_markdown("x.pcap");
        assert_eq!(
            md,
            "## `x.pcap`\n\n**Short**\n\nA short session.\n\n- Format: pcap\n- Frames: 3\n\
             - Control connection A: client (PNS) 192.0.2.1:50000 → server (PAC) 192.0.2.2:1723\n\n\
             PPTP control messages:\n\n| Frame | Direction | Type | Code | Note |\n|---|---|---|---|---|\n\
             | 1 | client → server | SCCRQ | 1 |  |\n\n\
             GRE (enhanced, version 1), per direction:\n\n\
             - server → client (192.0.2.2 → 192.0.2.1), Key Call ID 7: 2 packets (1 data, 1 ack-only)\n\
             \x20 - frame: seq/ack — 2: seq 0 ack –; 3: seq – ack 4\n\n\
             A correct analysis concludes:\n\n- Nothing is wrong.\n\n"
        );
        assert_eq!(message_name(16), "type 16");
    }
}
