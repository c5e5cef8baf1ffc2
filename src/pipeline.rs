//! The streaming pass: frames in, one [`Report`] out.
//!
//! [`Analyzer`] owns the per-capture state of every layer and routes each
//! decoded packet to the tracker that wants it. TCP flows are recognised by
//! their content (PPTP by its header structure and magic cookie, on any
//! port); flows that are nothing of ours are ignored early so their bytes
//! are neither buffered nor parsed.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use crate::analysis;
use crate::capture::{self, CaptureSummary, Frame, Timestamp, UnsupportedLink};
use crate::config::Config;
use crate::error::Error;
use crate::gre::flows::{CallKeys, CallRef, FlowDirection, GreTable};
use crate::gre::seqtrack::PacketOrigin;
use crate::net::decode::PacketSink;
use crate::net::tcp::{Dir, FlowId, StreamEvent, TcpTracker};
use crate::net::{link, Decoder, Packet, Transport};
use crate::pptp::session::{At, ControlSession, StreamProblem, StreamProblemKind, TcpFlow};
use crate::pptp::session::{Direction, ShownSecrets};
use crate::pptp::stream::{looks_like_pptp, PptpStream, StreamItem};
use crate::report::model::{LimitHit, OrphanPpp, Report, Stats, TlsCarries, TlsConnectionSummary};
use crate::sstp::binding::BindingContext;
use crate::sstp::session::{
    self as sstp_session, Certainty, SstpSession, SstpTracker, Transport as SstpTransport,
};
use crate::tls::decrypt::SecretStore;
use crate::tls::record::looks_like_tls_midstream;

/// How many data chunks per direction may pass before a flow that does not
/// look like PPTP is given up.
const CLASSIFY_CHUNKS: u8 = 4;
/// Bytes needed to recognise a PPTP control message header.
const PPTP_HEADER: usize = 12;
/// Bytes of a chunk looked at when deciding what a flow carries.
const CLASSIFY_PROBE: usize = 64;

/// The first bytes of a direction, held while they are too few to decide.
#[derive(Default)]
struct Held {
    bytes: Vec<u8>,
    frame: u64,
    ts: Timestamp,
}

/// What a TCP flow has been recognised as.
enum FlowApp {
    /// Not decided yet.
    Undecided {
        a: SocketAddr,
        b: SocketAddr,
        syn_seen: bool,
        chunks: [u8; 2],
        prefix: [Held; 2],
    },
    /// A PPTP control connection.
    Pptp(Box<PptpFlow>),
    /// SSTP, TLS that may carry it, or plain HTTP on the way to it.
    Sstp(Box<SstpFlow>),
    /// Nothing tunnelscope analyses.
    Ignored,
}

struct SstpFlow {
    tracker: SstpTracker,
    /// The TCP direction the client sends in.
    client_dir: Dir,
}

impl SstpFlow {
    fn direction(&self, dir: Dir) -> Direction {
        if dir == self.client_dir {
            Direction::ClientToServer
        } else {
            Direction::ServerToClient
        }
    }
}

struct PptpFlow {
    a: SocketAddr,
    b: SocketAddr,
    syn_seen: bool,
    /// Index into `Analyzer::sessions` once the first message decoded.
    session: Option<usize>,
    streams: [PptpStream; 2],
}

fn dir_index(dir: Dir) -> usize {
    match dir {
        Dir::AtoB => 0,
        Dir::BtoA => 1,
    }
}

/// What a call looked like at the last control message, to tell the GRE
/// table what changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct CallSnap {
    client: Option<u16>,
    server: Option<u16>,
    up: bool,
    over: bool,
}

/// Sessions and the GRE flows tied to their calls.
struct Tracked {
    sessions: Vec<ControlSession>,
    dropped: u64,
    /// SSTP sessions settled so far, SSTP trackers still open, ids given.
    sstp: Vec<SstpSession>,
    /// TLS connections not taken for SSTP (for the certificate-pool check).
    other_tls: Vec<SstpSession>,
    /// TLS connections given a decryptor, settled.
    tls_connections: Vec<TlsConnectionSummary>,
    tls_connections_dropped: u64,
    /// TLS secrets: given, found in the capture, learnt from sessions.
    secrets: SecretStore,
    sstp_open: usize,
    sstp_ids: usize,
    snaps: Vec<Vec<CallSnap>>,
    gre: GreTable,
}

impl Tracked {
    /// Lists a settled TLS connection that had a decryptor.
    fn tls_connection(&mut self, session: &SstpSession, carries: TlsCarries, limit: usize) {
        if session.tls.as_ref().is_none_or(|t| t.decryption.is_none()) {
            return;
        }
        if self.tls_connections.len() < limit {
            self.tls_connections
                .push(TlsConnectionSummary::from_session(session, carries));
        } else {
            self.tls_connections_dropped += 1;
        }
    }

    /// Tells the GRE table about calls of session `index` whose IDs, set-up
    /// or end changed since the last look (control messages are rare, so a
    /// scan of the session's calls is cheap).
    fn sync(&mut self, index: usize) {
        let Some(session) = self.sessions.get(index) else {
            return;
        };
        if self.snaps.len() <= index {
            self.snaps.resize(index + 1, Vec::new());
            self.gre
                .register_session(index, session.client.ip, session.server.ip);
        }
        let Some(snaps) = self.snaps.get_mut(index) else {
            return;
        };
        for call in &session.calls {
            let now = CallSnap {
                client: call.client_call_id,
                server: call.server_call_id,
                up: call.is_up(),
                over: call.is_over(),
            };
            if snaps.len() <= call.index {
                snaps.resize(call.index + 1, CallSnap::default());
            }
            let Some(before) = snaps.get_mut(call.index) else {
                continue;
            };
            if *before == now {
                continue;
            }
            let call_ref = CallRef {
                session: index,
                call: call.index,
            };
            if (before.client, before.server) != (now.client, now.server) && !now.over {
                let keys = CallKeys {
                    client: session.client.ip,
                    server: session.server.ip,
                    client_call_id: call.client_call_id,
                    server_call_id: call.server_call_id,
                    client_window: call.client_window,
                    server_window: call.server_window,
                    up: now.up,
                    setup_seen: call.request.is_some() || call.reply.is_some(),
                };
                self.gre.register_call(call_ref, &keys);
            } else if now.up && !before.up {
                self.gre.call_up(call_ref);
            }
            if now.over && !before.over {
                self.gre.end_call(call_ref);
            }
            *before = now;
        }
    }
}

/// Per-capture analysis state.
pub struct Analyzer {
    config: Config,
    decoder: Decoder,
    tcp: TcpTracker,
    flows: HashMap<FlowId, FlowApp>,
    tracked: Tracked,
    unsupported: HashMap<u32, u64>,
}

impl Analyzer {
    pub fn new(config: &Config) -> Self {
        Analyzer {
            config: config.clone(),
            decoder: Decoder::new(&config.limits),
            tcp: TcpTracker::new(&config.limits),
            flows: HashMap::new(),
            tracked: Tracked {
                sessions: Vec::new(),
                dropped: 0,
                sstp: Vec::new(),
                other_tls: Vec::new(),
                tls_connections: Vec::new(),
                tls_connections_dropped: 0,
                secrets: SecretStore::new(config.tls_secrets.clone()),
                sstp_open: 0,
                sstp_ids: 0,
                snaps: Vec::new(),
                gre: GreTable::new(config.limits.gre_flows),
            },
            unsupported: HashMap::new(),
        }
    }

    /// Feeds one frame.
    // Inlined into the reader's callback, one call fewer per frame.
    #[inline(always)]
    pub fn frame(&mut self, frame: &Frame<'_>) {
        if frame.link != capture::LinkType::ETHERNET && !link::is_supported(frame.link) {
            *self.unsupported.entry(frame.link.0).or_insert(0) += 1;
            return;
        }
        let Analyzer {
            decoder,
            tcp,
            flows,
            tracked,
            config,
            ..
        } = self;
        decoder.decode_into(
            frame,
            Deliver {
                tcp,
                flows,
                tracked,
                config,
            },
        );
    }

    /// Ends the capture and builds its report.
    pub fn finish(mut self, mut summary: CaptureSummary) -> Report {
        let Analyzer {
            tcp,
            flows,
            tracked,
            config,
            ..
        } = &mut self;
        let mut ctx = FlowContext {
            flows,
            tracked,
            config,
            ignore: Vec::new(),
        };
        tcp.finish(&mut |flow, event| ctx.event(flow, event));
        let mut unsupported: Vec<UnsupportedLink> = self
            .unsupported
            .iter()
            .map(|(&link_type, &frames)| UnsupportedLink {
                link_type,
                name: capture::LinkType(link_type).name(),
                frames,
            })
            .collect();
        unsupported.sort_by_key(|u| u.link_type);
        summary.unsupported_link_types = unsupported;

        let Tracked {
            mut sessions,
            dropped,
            gre,
            mut sstp,
            other_tls,
            mut tls_connections,
            tls_connections_dropped,
            secrets,
            ..
        } = self.tracked;
        // Sessions settle when their connection closes; list them in the
        // order their connections began.
        sstp.sort_by_key(|s| {
            s.id.trim_start_matches("sstp-")
                .parse::<usize>()
                .unwrap_or(usize::MAX)
        });
        let ids: Vec<String> = sessions.iter().map(|s| s.id.clone()).collect();
        let (gre_flows, gre_census, links) = gre.finish(&ids);
        let mut orphan_ppp = Vec::new();
        for mut link in links {
            if link.report.frames.total == 0 {
                continue;
            }
            let _keys = crate::ppp::verify::verify(&mut link.report.auth, &self.config.credentials);
            let secrets = self.config.show_secrets.then(|| ShownSecrets {
                pap_password: link
                    .report
                    .auth
                    .pap_password()
                    .map(|p| String::from_utf8_lossy(p).into_owned()),
            });
            let call = link
                .call
                .and_then(|c| sessions.get_mut(c.session).and_then(|s| s.calls.get_mut(c.call)));
            match call {
                Some(call) => {
                    call.ppp = Some(Box::new(link.report));
                    call.secrets = secrets.filter(|s| s.pap_password.is_some());
                }
                None => orphan_ppp.push(OrphanPpp {
                    flows: link.flows,
                    ppp: Box::new(link.report),
                }),
            }
        }
        for flow in &gre_flows {
            let Some(call) = flow.call_ref() else { continue };
            let Some(c) = sessions
                .get_mut(call.session)
                .and_then(|s| s.calls.get_mut(call.call))
            else {
                continue;
            };
            match flow.direction {
                Some(FlowDirection::ClientToServer) => {
                    c.gre.client_to_server = Some(flow.stats.clone());
                    c.server_call_id.get_or_insert(flow.call_id);
                }
                Some(FlowDirection::ServerToClient) => {
                    c.gre.server_to_client = Some(flow.stats.clone());
                    c.client_call_id.get_or_insert(flow.call_id);
                }
                None => {}
            }
        }

        let mut limits_hit = Vec::new();
        if dropped > 0 {
            limits_hit.push(LimitHit {
                limit: "sessions".into(),
                value: self.config.limits.sessions as u64,
                dropped,
            });
        }
        let dropped_messages: u64 = sessions.iter().map(|s| s.messages_dropped).sum();
        if dropped_messages > 0 {
            limits_hit.push(LimitHit {
                limit: "messages_per_session".into(),
                value: self.config.limits.messages_per_session as u64,
                dropped: dropped_messages,
            });
        }
        if tls_connections_dropped > 0 {
            limits_hit.push(LimitHit {
                limit: "tls_connections".into(),
                value: self.config.limits.sessions as u64,
                dropped: tls_connections_dropped,
            });
        }
        tls_connections.sort_by_key(|t| t.start.map_or(u64::MAX, |a| a.frame));
        if gre_census.untracked_packets > 0 {
            limits_hit.push(LimitHit {
                limit: "gre_flows".into(),
                value: self.config.limits.gre_flows as u64,
                dropped: gre_census.untracked_packets,
            });
        }
        let stats = Stats {
            net: self.decoder.stats().clone(),
            tcp: self.tcp.stats(),
        };
        let tls_decryption = secrets.usage();
        let mut findings =
            analysis::findings(&sessions, &gre_flows, &orphan_ppp, &sstp, &other_tls, &summary);
        analysis::tls::findings(tls_decryption.as_ref(), &sstp, &tls_connections, &mut findings);
        analysis::sort(&mut findings);
        let mut report = Report::new(
            vec![summary],
            sessions,
            gre_flows,
            gre_census,
            findings,
            stats,
            limits_hit,
        );
        report.ppp_without_call = orphan_ppp;
        report.sstp_sessions = sstp;
        report.tls_connections = tls_connections;
        report.tls_decryption = tls_decryption;
        report
    }

    /// The TLS secrets store, to hand it the capture's Decryption Secrets
    /// Blocks while frames are read.
    pub fn secret_store(&self) -> SecretStore {
        self.tracked.secrets.clone()
    }
}

/// Where the decoder hands each packet: GRE, the bulk of a capture, goes
/// straight to its table; the TCP context is set up only for TCP.
struct Deliver<'a> {
    tcp: &'a mut TcpTracker,
    flows: &'a mut HashMap<FlowId, FlowApp>,
    tracked: &'a mut Tracked,
    config: &'a Config,
}

impl Deliver<'_> {
    #[inline(always)]
    fn gre_packet(&mut self, packet: &Packet<'_>, bytes: &[u8]) {
        let origin = PacketOrigin {
            ip_ident: packet.ip.ident,
            iface: packet.iface,
        };
        let gre = &mut self.tracked.gre;
        match (packet.ip.src, packet.ip.dst) {
            (IpAddr::V4(src), IpAddr::V4(dst)) => {
                gre.packet_v4(src, dst, bytes, packet.ts, packet.frame, origin)
            }
            (src, dst) => gre.packet(src, dst, bytes, packet.ts, packet.frame, origin),
        }
    }
}

impl PacketSink for Deliver<'_> {
    // Inlined, with the GRE table, into the decoder's common path.
    #[inline(always)]
    fn gre(&mut self, packet: &Packet<'_>) {
        if let Transport::Gre(bytes) = packet.transport {
            self.gre_packet(packet, bytes);
        }
    }

    #[inline(never)]
    fn packet(&mut self, packet: &Packet<'_>) {
        match &packet.transport {
            Transport::Gre(bytes) => self.gre_packet(packet, bytes),
            Transport::Tcp(seg) => {
                let mut ctx = FlowContext {
                    flows: self.flows,
                    tracked: self.tracked,
                    config: self.config,
                    ignore: Vec::new(),
                };
                self.tcp
                    .segment(&packet.ip, seg, packet.frame, packet.ts, &mut |flow, event| {
                        ctx.event(flow, event)
                    });
                for flow in ctx.ignore.drain(..) {
                    self.tcp.ignore(flow);
                }
            }
            _ => {}
        }
    }
}

/// The parts of the analyzer that TCP events update.
struct FlowContext<'a> {
    flows: &'a mut HashMap<FlowId, FlowApp>,
    tracked: &'a mut Tracked,
    config: &'a Config,
    /// Flows to stop delivering (applied after the current segment).
    ignore: Vec<FlowId>,
}

impl FlowContext<'_> {
    fn event(&mut self, flow: FlowId, event: &StreamEvent<'_>) {
        match *event {
            StreamEvent::Opened { a, b, syn_seen, .. } => {
                self.flows.insert(
                    flow,
                    FlowApp::Undecided {
                        a,
                        b,
                        syn_seen,
                        chunks: [0; 2],
                        prefix: Default::default(),
                    },
                );
            }
            StreamEvent::Data {
                dir,
                bytes,
                frame,
                ts,
            } => self.data(flow, dir, bytes, frame, ts),
            StreamEvent::Gap {
                dir, missing, frame, ..
            } => {
                if let Some(session) = self.session_of(flow) {
                    let direction = session.direction(dir);
                    session.stream_problem(StreamProblem {
                        kind: StreamProblemKind::Gap,
                        direction,
                        frame,
                        bytes: missing,
                        detail: None,
                    });
                }
                self.with_stream(flow, dir, |stream, out| stream.gap(missing, frame, out));
                if let Some(FlowApp::Sstp(s)) = self.flows.get_mut(&flow) {
                    let direction = s.direction(dir);
                    s.tracker.gap(direction, missing, frame);
                }
            }
            StreamEvent::Retransmission { .. } => {
                if let Some(session) = self.session_of(flow) {
                    session.retransmission();
                }
            }
            StreamEvent::Fin { dir, frame, ts } => {
                if let Some(session) = self.session_of(flow) {
                    session.fin(dir, frame, ts);
                }
                if let Some(FlowApp::Sstp(s)) = self.flows.get_mut(&flow) {
                    let direction = s.direction(dir);
                    s.tracker.fin(direction, frame, ts);
                }
            }
            StreamEvent::Rst { dir, frame, ts } => {
                if let Some(session) = self.session_of(flow) {
                    session.rst(dir, frame, ts);
                }
                if let Some(FlowApp::Sstp(s)) = self.flows.get_mut(&flow) {
                    let direction = s.direction(dir);
                    s.tracker.rst(direction, frame, ts);
                }
            }
            StreamEvent::Closed { frame, ts, reason } => {
                if let Some(FlowApp::Sstp(_)) = self.flows.get(&flow) {
                    self.close_sstp(flow);
                    return;
                }
                self.flush(flow);
                if let Some(session) = self.session_of(flow) {
                    session.close(frame, ts, reason);
                }
                if let Some(FlowApp::Pptp(p)) = self.flows.get(&flow) {
                    if let Some(index) = p.session {
                        self.tracked.sync(index);
                    }
                }
                self.flows.remove(&flow);
            }
        }
    }

    fn session_of(&mut self, flow: FlowId) -> Option<&mut ControlSession> {
        match self.flows.get(&flow) {
            Some(FlowApp::Pptp(p)) => p.session.and_then(|i| self.tracked.sessions.get_mut(i)),
            _ => None,
        }
    }

    fn data(&mut self, flow: FlowId, dir: Dir, bytes: &[u8], frame: u64, ts: Timestamp) {
        let Some(app) = self.flows.get_mut(&flow) else {
            return;
        };
        let FlowApp::Undecided {
            a,
            b,
            syn_seen,
            chunks,
            prefix,
        } = app
        else {
            match app {
                FlowApp::Pptp(_) => self.feed_pptp(flow, dir, bytes, frame, ts),
                FlowApp::Sstp(_) => self.feed_sstp(flow, dir, bytes, frame, ts),
                _ => {}
            }
            return;
        };
        let i = dir_index(dir);
        let other = chunks.get(1 - i).copied().unwrap_or(0);
        let (Some(count), Some(held)) = (chunks.get_mut(i), prefix.get_mut(i)) else {
            return;
        };
        // A header split over tiny segments is gathered before deciding.
        if held.bytes.len() + bytes.len() < PPTP_HEADER {
            if held.bytes.is_empty() {
                held.frame = frame;
                held.ts = ts;
            }
            held.bytes.extend_from_slice(bytes);
            return;
        }
        *count = count.saturating_add(1);
        let probe: std::borrow::Cow<'_, [u8]> = if held.bytes.is_empty() {
            std::borrow::Cow::Borrowed(bytes)
        } else {
            let mut probe = held.bytes.clone();
            probe.extend_from_slice(bytes.get(..CLASSIFY_PROBE).unwrap_or(bytes));
            std::borrow::Cow::Owned(probe)
        };
        let is_pptp = looks_like_pptp(&probe);
        // SSTP starts with the client's TLS ClientHello or HTTP request.
        let sstp = if is_pptp {
            None
        } else {
            sstp_session::classify(&probe)
        };
        // A capture that began after the TLS handshake (no SYN either):
        // TLS all the same, its server told by its port.
        let midstream = sstp.is_none() && !is_pptp && !*syn_seen && looks_like_tls_midstream(&probe);
        let sstp = if midstream { Some(SstpTransport::Tls) } else { sstp };
        if let Some(transport) = sstp {
            if self.tracked.sstp.len() + self.tracked.sstp_open >= self.config.limits.sessions {
                self.tracked.dropped += 1;
                *app = FlowApp::Ignored;
                self.ignore.push(flow);
                return;
            }
            let sender_is_server = midstream && {
                let (from, to) = if dir == Dir::AtoB { (*a, *b) } else { (*b, *a) };
                from.port() == 443 || (to.port() != 443 && from.port() < to.port())
            };
            let client_dir = match (dir, sender_is_server) {
                (d, false) => d,
                (Dir::AtoB, true) => Dir::BtoA,
                (Dir::BtoA, true) => Dir::AtoB,
            };
            let (client, server) = if client_dir == Dir::AtoB {
                (*a, *b)
            } else {
                (*b, *a)
            };
            self.tracked.sstp_open += 1;
            self.tracked.sstp_ids += 1;
            let id = format!("sstp-{}", self.tracked.sstp_ids);
            let earlier = std::mem::take(held);
            let mut tracker = SstpTracker::new(id, client, server, transport);
            if transport == SstpTransport::Tls && self.tracked.secrets.has_secrets() {
                tracker.set_decryptor(Box::new(self.tracked.secrets.decryptor()));
            }
            *app = FlowApp::Sstp(Box::new(SstpFlow { tracker, client_dir }));
            if !earlier.bytes.is_empty() {
                self.feed_sstp(flow, dir, &earlier.bytes, earlier.frame, earlier.ts);
            }
            self.feed_sstp(flow, dir, bytes, frame, ts);
            return;
        }
        if is_pptp {
            let earlier = std::mem::take(held);
            *app = FlowApp::Pptp(Box::new(PptpFlow {
                a: *a,
                b: *b,
                syn_seen: *syn_seen,
                session: None,
                streams: [PptpStream::new(), PptpStream::new()],
            }));
            if !earlier.bytes.is_empty() {
                self.feed_pptp(flow, dir, &earlier.bytes, earlier.frame, earlier.ts);
            }
            self.feed_pptp(flow, dir, bytes, frame, ts);
            return;
        }
        held.bytes.clear();
        // Both directions have spoken and neither looks like PPTP, or one
        // direction keeps sending something else: not ours.
        if *count >= CLASSIFY_CHUNKS || other >= 1 {
            *app = FlowApp::Ignored;
            self.ignore.push(flow);
        }
    }

    /// Gives stream bytes to an SSTP tracker; a connection that turns out
    /// not to be SSTP is dropped and its bytes no longer delivered.
    fn feed_sstp(&mut self, flow: FlowId, dir: Dir, bytes: &[u8], frame: u64, ts: Timestamp) {
        let Some(FlowApp::Sstp(s)) = self.flows.get_mut(&flow) else {
            return;
        };
        let direction = s.direction(dir);
        s.tracker.data(direction, bytes, frame, ts);
        // Decrypted TLS that is not SSTP is still read to its end: a later
        // renegotiation may reveal a session another connection resumes.
        if s.tracker.known_not_sstp() && s.tracker.transport() != SstpTransport::Tls {
            self.tracked.sstp_open = self.tracked.sstp_open.saturating_sub(1);
            self.flows.insert(flow, FlowApp::Ignored);
            self.ignore.push(flow);
        }
    }

    /// The SSTP connection ended: its session is settled and kept if it is
    /// SSTP (or likely SSTP).
    fn close_sstp(&mut self, flow: FlowId) {
        let Some(FlowApp::Sstp(s)) = self.flows.remove(&flow) else {
            return;
        };
        self.tracked.sstp_open = self.tracked.sstp_open.saturating_sub(1);
        let context = BindingContext {
            credentials: &self.config.credentials,
            certificates: &self.config.certificates,
            cert_hashes: &self.config.cert_hashes,
        };
        let known_not_sstp = s.tracker.known_not_sstp();
        let session = s.tracker.finish(&context);
        let carries = match session.certainty {
            _ if known_not_sstp => TlsCarries::NotSstp,
            Certainty::Confirmed => TlsCarries::Sstp,
            Certainty::Likely => TlsCarries::LikelySstp,
            Certainty::Unlikely => TlsCarries::Unknown,
        };
        self.tracked
            .tls_connection(&session, carries, self.config.limits.sessions);
        if session.is_sstp() {
            self.tracked.sstp.push(session);
        } else if session.tls.as_ref().is_some_and(|t| !t.certificates.is_empty())
            && self.tracked.other_tls.len() < self.config.limits.sessions
        {
            // Kept for the certificate-pool check only.
            self.tracked.other_tls.push(session);
        }
    }

    fn feed_pptp(&mut self, flow: FlowId, dir: Dir, bytes: &[u8], frame: u64, ts: Timestamp) {
        self.with_stream(flow, dir, |stream, out| stream.push(bytes, frame, ts, out));
    }

    /// Runs `f` on the PPTP framer of one direction, applying what it
    /// produces to the flow's session.
    fn with_stream(
        &mut self,
        flow: FlowId,
        dir: Dir,
        f: impl FnOnce(&mut PptpStream, &mut dyn FnMut(StreamItem)),
    ) {
        let Some(FlowApp::Pptp(p)) = self.flows.get_mut(&flow) else {
            return;
        };
        let PptpFlow {
            a,
            b,
            syn_seen,
            session,
            streams,
        } = &mut **p;
        let Some(stream) = streams.get_mut(dir_index(dir)) else {
            return;
        };
        let mut sink = SessionSink {
            tracked: &mut *self.tracked,
            config: self.config,
            a: *a,
            b: *b,
            syn_seen: *syn_seen,
            session,
            dir,
        };
        f(stream, &mut |item| sink.item(item));
    }

    /// The flow ended: flush both framers so a message cut short is reported.
    fn flush(&mut self, flow: FlowId) {
        for dir in [Dir::AtoB, Dir::BtoA] {
            self.with_stream(flow, dir, |stream, out| stream.finish(out));
        }
    }
}

/// Applies framer output to the session of one flow, creating the session
/// at its first message.
struct SessionSink<'a> {
    tracked: &'a mut Tracked,
    config: &'a Config,
    a: SocketAddr,
    b: SocketAddr,
    syn_seen: bool,
    session: &'a mut Option<usize>,
    dir: Dir,
}

impl SessionSink<'_> {
    fn item(&mut self, item: StreamItem) {
        let dir = self.dir;
        match item {
            StreamItem::Message {
                msg: Ok(msg),
                first_frame,
                frame,
                ts,
                ..
            } => {
                if self.session.is_none() {
                    if self.tracked.sessions.len() >= self.config.limits.sessions {
                        self.tracked.dropped += 1;
                        return;
                    }
                    let id = format!("pptp-{}", self.tracked.sessions.len() + 1);
                    let flow = TcpFlow {
                        a: self.a,
                        b: self.b,
                        syn_seen: self.syn_seen,
                    };
                    self.tracked.sessions.push(ControlSession::new(
                        id,
                        &flow,
                        &msg,
                        dir,
                        At::new(first_frame, ts),
                        self.config.limits.messages_per_session,
                    ));
                    *self.session = Some(self.tracked.sessions.len() - 1);
                }
                if let Some(s) = self.current() {
                    s.message(&msg, dir, frame, first_frame, ts);
                }
                if let Some(index) = *self.session {
                    self.tracked.sync(index);
                }
            }
            StreamItem::Message {
                msg: Err(error),
                frame,
                ..
            } => {
                self.problem(StreamProblemKind::Undecodable, frame, 0, Some(error.to_string()));
            }
            StreamItem::Desync {
                frame, skipped_bytes, ..
            } => {
                self.problem(StreamProblemKind::Desync, frame, skipped_bytes, None);
            }
            StreamItem::Partial {
                frame, have, length, ..
            } => {
                let detail = match length {
                    Some(len) => format!("{have} of {len} bytes seen"),
                    None => format!("{have} header bytes seen"),
                };
                self.problem(StreamProblemKind::Partial, frame, have, Some(detail));
            }
        }
    }

    fn current(&mut self) -> Option<&mut ControlSession> {
        self.session.and_then(|i| self.tracked.sessions.get_mut(i))
    }

    fn problem(&mut self, kind: StreamProblemKind, frame: u64, bytes: u64, detail: Option<String>) {
        let dir = self.dir;
        if let Some(s) = self.current() {
            let direction = s.direction(dir);
            s.stream_problem(StreamProblem {
                kind,
                direction,
                frame,
                bytes,
                detail,
            });
        }
    }
}

/// Reads one capture (a path, or `-` for standard input) and analyses it.
pub fn analyze_path(path: &str, config: &Config) -> Result<Report, Error> {
    let input = capture::open_input(path)?;
    let mut reader = input;
    let mut analyzer = Analyzer::new(config);
    let store = analyzer.secret_store();
    let summary = capture::read_capture_with_secrets(&mut reader, path, &mut analyzer, &mut |secrets| {
        store.add_capture_secrets(secrets.secrets_type, secrets.data)
    })?;
    Ok(analyzer.finish(summary))
}

impl capture::FrameSink for Analyzer {
    #[inline(always)]
    fn frame(&mut self, frame: &Frame<'_>) {
        Analyzer::frame(self, frame);
    }
}
