//! The default output: a table per kind of thing (capture, control
//! sessions, calls, findings). Every string from a capture is escaped.

use std::fmt::Write as _;

use comfy_table::{presets, ContentArrangement, Table};

use super::model::Report;
use crate::pptp::session::{ControlSession, EndReason};
use crate::text::escape_terminal;

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(160)
        .set_header(header.iter().copied());
    t
}

fn esc(s: &str) -> String {
    escape_terminal(s).into_owned()
}

/// Renders the report as text tables.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for c in &report.captures {
        let _ = writeln!(
            out,
            "Capture {} ({}{}): {} frames{}",
            esc(&c.file),
            match c.format {
                crate::capture::CaptureFormat::Pcap => "pcap",
                crate::capture::CaptureFormat::Pcapng => "pcapng",
            },
            if c.gzip { ", gzip" } else { "" },
            c.frames,
            match (c.first_time, c.last_time) {
                (Some(a), Some(b)) => format!(", {:.3} s", b - a),
                _ => String::new(),
            }
        );
    }
    out.push('\n');

    if !report.sstp_sessions.is_empty() {
        let _ = writeln!(out, "{}", super::sstp_render::table(&report.sstp_sessions));
    }
    if report
        .tls_connections
        .iter()
        .any(|t| t.carries != crate::report::model::TlsCarries::Sstp)
    {
        let _ = writeln!(
            out,
            "{}",
            super::sstp_render::tls_connections_table(&report.tls_connections)
        );
    }
    if report.pptp_sessions.is_empty() && report.sstp_sessions.is_empty() {
        out.push_str("No PPTP or SSTP session found.\n\n");
    } else if !report.pptp_sessions.is_empty() {
        let mut t = table(&[
            "Session",
            "Client (PNS)",
            "Server (PAC)",
            "Client says",
            "Server says",
            "Set-up",
            "Calls",
            "Echo",
            "Ended",
        ]);
        for s in &report.pptp_sessions {
            t.add_row(vec![
                format!(
                    "{}{}",
                    s.id,
                    if s.started_mid_session {
                        "\n(mid-session)"
                    } else {
                        ""
                    }
                ),
                format!("{}:{}", s.client.ip, s.client.port),
                format!("{}:{}", s.server.ip, s.server.port),
                peer_words(&s.client_info),
                peer_words(&s.server_info),
                setup_words(s),
                s.calls.len().to_string(),
                echo_words(s),
                end_words(s),
            ]);
        }
        let _ = writeln!(out, "PPTP control connections\n{t}\n");

        let mut t = table(&[
            "Session",
            "Call",
            "IDs c/s",
            "Kind",
            "Request",
            "Reply",
            "Windows c/s",
            "GRE c→s",
            "GRE s→c",
            "Outcome",
        ]);
        let mut any = false;
        for s in &report.pptp_sessions {
            for c in &s.calls {
                any = true;
                t.add_row(vec![
                    s.id.clone(),
                    c.index.to_string(),
                    format!("{}/{}", opt(c.client_call_id), opt(c.server_call_id)),
                    format!("{:?}", c.kind).to_lowercase(),
                    c.request.map_or("-".into(), |a| format!("#{}", a.frame)),
                    c.reply
                        .or(c.connected)
                        .map_or("-".into(), |a| format!("#{}", a.frame)),
                    format!("{}/{}", opt(c.client_window), opt(c.server_window)),
                    gre_words(c.gre.client_to_server.as_ref()),
                    gre_words(c.gre.server_to_client.as_ref()),
                    c.outcome.clone(),
                ]);
            }
        }
        if any {
            let _ = writeln!(out, "Calls\n{t}\n");
        }
        let mut t = table(&[
            "Session",
            "Call",
            "Authentication",
            "Encryption",
            "Addresses",
            "Data",
            "Link",
        ]);
        let mut any = false;
        for s in &report.pptp_sessions {
            for c in &s.calls {
                let Some(p) = &c.ppp else { continue };
                any = true;
                let mut auth = ppp_auth_words(p);
                if let Some(pw) = c.secrets.as_ref().and_then(|x| x.pap_password.as_deref()) {
                    let _ = write!(auth, "\npassword \"{}\"", esc(pw));
                }
                t.add_row(vec![
                    s.id.clone(),
                    c.index.to_string(),
                    auth,
                    ppp_crypto_words(p),
                    ppp_ip_words(p),
                    ppp_data_words(p),
                    format!("{:?}", p.phase_reached).to_lowercase(),
                ]);
            }
        }
        if any {
            let _ = writeln!(out, "PPP inside the calls\n{t}\n");
        }
    }

    if !report.gre_flows.is_empty() {
        let mut t = table(&[
            "Flow",
            "Call ID",
            "Call",
            "Packets",
            "Seq",
            "Lost",
            "Dup",
            "Reord",
            "Cap dup",
            "Ack latency",
        ]);
        for f in &report.gre_flows {
            let st = &f.stats;
            let call = match (&f.session, f.call_index) {
                (Some(s), Some(c)) => format!("{s} #{c}"),
                _ if f.orphan => "orphan".to_string(),
                _ => "-".to_string(),
            };
            t.add_row(vec![
                format!("{} → {}", f.src, f.dst),
                f.call_id.to_string(),
                call,
                format!(
                    "{} ({} data, {} ack-only)",
                    st.packets, st.data_packets, st.ack_only_packets
                ),
                match (st.first_seq, st.last_seq) {
                    (Some(a), Some(b)) => format!("{a}..{b}"),
                    _ => "-".into(),
                },
                st.lost.to_string(),
                st.duplicates.to_string(),
                st.reordered.to_string(),
                st.capture_duplicates.to_string(),
                latency_words(st),
            ]);
        }
        let _ = writeln!(out, "GRE flows\n{t}\n");
    }
    let census = &report.gre_census;
    if !census.other.is_empty() || census.malformed > 0 || census.pptp_key_missing > 0 {
        let mut parts: Vec<String> = census
            .other
            .iter()
            .map(|o| format!("{} ×{}", o.kind, o.packets))
            .collect();
        if census.malformed > 0 {
            parts.push(format!("malformed ×{}", census.malformed));
        }
        if census.pptp_key_missing > 0 {
            parts.push(format!("GREv1 without key ×{}", census.pptp_key_missing));
        }
        let _ = writeln!(out, "Other GRE (not PPTP): {}\n", parts.join(", "));
    }

    if report.findings.is_empty() {
        out.push_str("No findings.\n");
    } else {
        let mut t = table(&["Severity", "Finding", "Frames", "Windows"]);
        for f in &report.findings {
            let frames = if f.frames.is_empty() {
                "-".to_string()
            } else {
                let mut s = f
                    .frames
                    .iter()
                    .take(8)
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                if f.frames_total > 8 {
                    let _ = write!(s, " (+{})", f.frames_total - 8);
                }
                s
            };
            t.add_row(vec![
                f.severity.as_str().to_string(),
                format!("{}\n{}", esc(&f.title), f.code),
                frames,
                f.windows_error.map_or("-".into(), |w| w.code.to_string()),
            ]);
        }
        let _ = writeln!(out, "Findings\n{t}");
    }
    for l in &report.limits_hit {
        let _ = writeln!(
            out,
            "Limit reached: {} = {} ({} dropped)",
            l.limit, l.value, l.dropped
        );
    }
    out
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or("-".into(), |v| v.to_string())
}

fn peer_words(p: &crate::pptp::session::PeerInfo) -> String {
    let mut parts = Vec::new();
    if let Some(h) = &p.host_name {
        parts.push(format!("host \"{}\"", esc(h)));
    }
    if let Some(v) = &p.vendor {
        parts.push(format!("vendor \"{}\"", esc(v)));
    }
    if let Some(v) = &p.protocol_version {
        parts.push(format!("ver {v}"));
    }
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join("\n")
    }
}

fn setup_words(s: &ControlSession) -> String {
    match (s.start_request, s.start_reply) {
        (_, Some(r)) => match s.start_result {
            Some(name) => format!("{name} #{}", r.frame),
            None => format!("result {} #{}", s.start_result_code.unwrap_or(0), r.frame),
        },
        (Some(_), None) => "no reply".into(),
        (None, None) => "not seen".into(),
    }
}

fn echo_words(s: &ControlSession) -> String {
    let e = &s.echo;
    if e.requests == 0 && e.unmatched_replies == 0 {
        return "-".into();
    }
    let mut w = format!("{}/{} answered", e.replies, e.requests);
    if let Some(max) = e.rtt_max {
        let _ = write!(w, "\nrtt ≤ {:.1} ms", max * 1000.0);
    }
    w
}

fn end_words(s: &ControlSession) -> String {
    let at = s.end.map(|e| format!(" #{}", e.frame)).unwrap_or_default();
    match s.ended_by {
        EndReason::StopControlConnection => format!("Stop-Control-Connection{at}"),
        EndReason::TcpFin => format!("TCP FIN{at}"),
        EndReason::TcpRst => format!("TCP RST{at}"),
        EndReason::OpenAtCaptureEnd => "open at capture end".into(),
        EndReason::Evicted => "untracked (limit)".into(),
    }
}

/// `N pkts, L lost, D dup, R reord, med X ms` for one direction of a call.
fn gre_words(st: Option<&crate::gre::seqtrack::SeqStats>) -> String {
    let Some(st) = st else { return "none".into() };
    let mut w = format!("{} pkts", st.packets);
    if st.lost > 0 {
        let _ = write!(w, "\n{} lost", st.lost);
    }
    if st.duplicates > 0 {
        let _ = write!(w, "\n{} dup", st.duplicates);
    }
    if st.reordered > 0 {
        let _ = write!(w, "\n{} reord", st.reordered);
    }
    if let Some(m) = st.ack_latency.median {
        let _ = write!(w, "\nack {:.1} ms", m * 1000.0);
    }
    w
}

fn latency_words(st: &crate::gre::seqtrack::SeqStats) -> String {
    let l = &st.ack_latency;
    match (l.min, l.median, l.max) {
        (Some(a), Some(m), Some(b)) => format!("{:.1}/{:.1}/{:.1} ms", a * 1000.0, m * 1000.0, b * 1000.0),
        _ => "-".into(),
    }
}

fn ppp_auth_words(p: &crate::ppp::negotiation::PppReport) -> String {
    let a = &p.auth;
    let Some(protocol) = a.protocol else {
        return "none seen".into();
    };
    let mut w = protocol.to_string();
    if let Some(u) = &a.user {
        let _ = write!(w, " \"{}\"", esc(u));
    }
    match a.result {
        Some(crate::ppp::negotiation::AuthResult::Success) => w.push_str("\nsuccess"),
        Some(crate::ppp::negotiation::AuthResult::Failure) => {
            w.push_str("\nfailure");
            if let Some(e) = a.error_code {
                let _ = write!(w, " E={e}");
            }
        }
        None => w.push_str("\nno result"),
    }
    match a.password_verified {
        Some(true) => w.push_str("\npassword verified"),
        Some(false) => w.push_str("\npassword MISMATCH"),
        None => {}
    }
    w
}

fn ppp_crypto_words(p: &crate::ppp::negotiation::PppReport) -> String {
    match &p.ccp.mppe {
        Some(m) => format!(
            "MPPE {}{}",
            m.strength,
            if m.stateless { " stateless" } else { "" }
        ),
        None if p.ccp.protocol_rejected_by.is_some() => "CCP rejected".into(),
        None => "none".into(),
    }
}

fn ppp_ip_words(p: &crate::ppp::negotiation::PppReport) -> String {
    let i = &p.ipcp;
    let mut w = format!(
        "client {}\nserver {}",
        i.client_ip.as_deref().unwrap_or("-"),
        i.server_ip.as_deref().unwrap_or("-")
    );
    if !i.dns.is_empty() {
        let _ = write!(w, "\nDNS {}", i.dns.join(", "));
    }
    w
}

fn ppp_data_words(p: &crate::ppp::negotiation::PppReport) -> String {
    let d = &p.data;
    format!(
        "{} encrypted\n{} IPv4, {} IPv6",
        d.encrypted_frames, d.ipv4_packets, d.ipv6_packets
    )
}
