//! SSTP in clear over TCP port 80 or 8080: the SSL-offload case of
//! [MS-SSTP] §4.1, where a load balancer terminates TLS and speaks plain
//! HTTP to the SSTP server. The capture sits on the server's LAN, so the
//! TCP client is the load balancer (the usual client address) and answers
//! come within [`LAN_RTT`].
//!
//! A session: TCP handshake, `SSTP_DUPLEX_POST` and `HTTP/1.1 200 OK`, Call
//! Connect Request and Ack (with the Crypto Binding Request), LCP both
//! ways, MS-CHAPv2 or PAP, Call Connected (with the Crypto Binding), IPCP
//! with address and name servers, DNS queries inside, an Echo exchange,
//! LCP Terminate, Call Disconnect and its Ack, FIN both ways. The variants
//! change the hash, the authentication, one value of the binding, or how
//! the server answers.

use std::net::Ipv4Addr;

use super::sstp_support::*;
use super::*;
use crate::crypto::sstp::{hlak_without_keys, HashProtocol};
use crate::synth::ppp::{self, code, ipcp_option, lcp_option, pap_code, MsChapV2};
use crate::synth::sstp::{self as wire, attribute_id, hash_protocol, message_type, status, ControlMessage};
use crate::synth::tls::Noise;
use crate::synth::truth::CredentialsTruth;

/// Round-trip time between the load balancer and the SSTP server.
pub(super) const LAN_RTT: Duration = Duration::from_millis(2);

/// The PPP user of every scenario.
pub(super) const USER: &str = "alice";
/// Her password: `--credentials alice:Tunnel-Pass-2026`.
pub(super) const PASSWORD: &str = "Tunnel-Pass-2026";

/// The date the server puts in its HTTP answers.
const HTTP_DATE: &str = "Thu, 15 Jan 2026 09:00:00 GMT";

/// Maximum-Receive-Unit both ends ask for: an SSTP packet holds at most
/// 4095 bytes, 4 of them header.
const MRU: u16 = 4091;
/// The client's LCP Magic-Number.
const CLIENT_MAGIC: u32 = 0x6B1E_45C3;
/// The server's LCP Magic-Number.
const SERVER_MAGIC: u32 = 0x21D0_9A7E;

/// Inner addresses: the server's end of the link, the address it assigns
/// the client, and its name servers.
const SERVER_INNER: Ipv4Addr = Ipv4Addr::new(10, 8, 0, 1);
const CLIENT_INNER: Ipv4Addr = Ipv4Addr::new(10, 8, 0, 23);
const DNS1: Ipv4Addr = Ipv4Addr::new(10, 8, 0, 53);
const DNS2: Ipv4Addr = Ipv4Addr::new(10, 8, 0, 54);

/// How the client authenticates in PPP.
#[derive(Debug, Clone)]
enum Auth {
    MsChapV2(MsChapV2),
    Pap,
}

fn mschapv2(noise: &mut Noise) -> MsChapV2 {
    let mut challenge = [0u8; 16];
    let mut peer = [0u8; 16];
    challenge.copy_from_slice(&noise.bytes(16));
    peer.copy_from_slice(&noise.bytes(16));
    MsChapV2 {
        server_name: "SSTP-GW".into(),
        user_name: USER.into(),
        password: PASSWORD.into(),
        authenticator_challenge: challenge,
        peer_challenge: peer,
    }
}

/// What one session looks like.
#[derive(Debug, Clone)]
struct Session {
    port: u16,
    correlation_id: &'static str,
    auth: Auth,
    plan: BindingPlan,
}

/// A session authenticating with MS-CHAPv2 and binding honestly with
/// `protocol`, the server offering `offered`; values drawn from `seed`.
fn session(seed: u64, offered: u8, protocol: HashProtocol, correlation_id: &'static str) -> Session {
    let mut noise = Noise::new(seed);
    let nonce = noise.array32();
    let chap = mschapv2(&mut noise);
    let hlak = chap.client_hlak();
    Session {
        port: 80,
        correlation_id,
        auth: Auth::MsChapV2(chap),
        plan: BindingPlan {
            offered,
            protocol,
            request_nonce: nonce,
            sent_nonce: nonce,
            hashed_cert: TestCert::First,
            server_cert: TestCert::First,
            hlak,
            hlak_source: "MS-CHAPv2: the client's MasterSendKey ‖ MasterReceiveKey (RFC 3079 §3.4) \
                          from the password and the NT-Response"
                .to_string(),
            flip_mac_byte: None,
        },
    }
}

fn ethernet_sstp(title: &str, description: &str) -> Result<PcapScript> {
    let mut s = ethernet_pcap(description)?;
    s.truth.title = title.to_string();
    s.truth.sstp = Some(Default::default());
    Ok(s)
}

fn credentials(s: &mut PcapScript) {
    sstp_truth(s).credentials = Some(CredentialsTruth {
        user: USER.to_string(),
        password: PASSWORD.to_string(),
    });
}

fn plain_connection(s: &mut PcapScript, port: u16) -> Conn {
    connection(
        s,
        tcp_between(client_v4(), server_v4(), port),
        "plain HTTP (TLS terminated by a load balancer in front of the server)",
    )
}

/// SYN, SYN-ACK one LAN round trip later, ACK.
fn lan_handshake(s: &mut PcapScript, c: &mut Conn) -> Result<()> {
    c.tcp.syn(&mut s.trace)?;
    s.wait(LAN_RTT);
    c.tcp.syn_ack(&mut s.trace)?;
    c.tcp.ack(&mut s.trace, Side::Client)?;
    Ok(())
}

/// LCP Configure-Request options of the client: MRU and Magic-Number.
fn client_lcp_options() -> Result<Vec<u8>> {
    Ok([lcp_option::mru(MRU)?, lcp_option::magic_number(CLIENT_MAGIC)?].concat())
}

/// The server's options: MRU, the authentication protocol, Magic-Number.
fn server_lcp_options(auth: &Auth) -> Result<Vec<u8>> {
    let protocol = match auth {
        Auth::MsChapV2(_) => lcp_option::auth_mschapv2()?,
        Auth::Pap => lcp_option::auth_pap()?,
    };
    Ok([
        lcp_option::mru(MRU)?,
        protocol,
        lcp_option::magic_number(SERVER_MAGIC)?,
    ]
    .concat())
}

/// Frames of the set-up that later steps refer to.
struct Established {
    ack: u64,
    connected: u64,
}

/// TCP and HTTP set-up, Call Connect Request/Ack, LCP both ways, the
/// authentication, then Call Connected (recorded with its binding).
fn establish(s: &mut PcapScript, c: &mut Conn, session: &Session) -> Result<Established> {
    lan_handshake(s, c)?;
    send_http(
        s,
        c,
        Side::Client,
        &wire::http_request(wire::SSTP_URI, SERVER_NAME, Some(session.correlation_id)),
        true,
    )?;
    s.wait(LAN_RTT);
    send_http(s, c, Side::Server, &wire::http_response_ok(HTTP_DATE), true)?;
    send_one(
        s,
        c,
        Side::Client,
        Out::control(ControlMessage::call_connect_request(
            wire::ENCAPSULATED_PROTOCOL_PPP,
        )),
    )?;
    s.wait(LAN_RTT);
    let ack = send_one(s, c, Side::Server, Out::control(call_connect_ack(&session.plan)))?;
    let client_opts = client_lcp_options()?;
    let server_opts = server_lcp_options(&session.auth)?;
    send_one(
        s,
        c,
        Side::Client,
        Out::ppp(ppp::lcp(code::CONFIGURE_REQUEST, 1, &client_opts)?),
    )?;
    s.wait(LAN_RTT);
    send(
        s,
        c,
        Side::Server,
        &[
            Out::ppp(ppp::lcp(code::CONFIGURE_REQUEST, 1, &server_opts)?),
            Out::ppp(ppp::lcp(code::CONFIGURE_ACK, 1, &client_opts)?),
        ],
    )?;
    send_one(
        s,
        c,
        Side::Client,
        Out::ppp(ppp::lcp(code::CONFIGURE_ACK, 1, &server_opts)?),
    )?;
    match &session.auth {
        Auth::MsChapV2(chap) => {
            s.wait(LAN_RTT);
            send_one(
                s,
                c,
                Side::Server,
                Out::ppp_noted(chap.challenge(1)?, "MS-CHAPv2 Challenge, name SSTP-GW"),
            )?;
            send_one(
                s,
                c,
                Side::Client,
                Out::ppp_noted(chap.response(1)?, format!("MS-CHAPv2 Response, user {USER}")),
            )?;
            s.wait(LAN_RTT);
            send_one(
                s,
                c,
                Side::Server,
                Out::ppp_noted(
                    chap.success(1, "Access granted")?,
                    "MS-CHAPv2 Success, authenticator response correct",
                ),
            )?;
        }
        Auth::Pap => {
            send_one(
                s,
                c,
                Side::Client,
                Out::ppp_noted(
                    ppp::pap_request(1, USER, PASSWORD)?,
                    format!("user {USER}, password in clear"),
                ),
            )?;
            s.wait(LAN_RTT);
            send_one(
                s,
                c,
                Side::Server,
                Out::ppp(ppp::pap_reply(pap_code::AUTHENTICATE_ACK, 1, "")?),
            )?;
        }
    }
    let sent = call_connected(&session.plan)?;
    let connected = send_one(s, c, Side::Client, Out::control(sent.clone()))?;
    record_binding(s, c, &session.plan, ack, connected, &sent)?;
    s.note(format!(
        "The capture is on the server's LAN behind a TLS-offloading load balancer: the TCP client \
         198.51.100.23 is the load balancer. The certificate the SSTP client hashed is the one the \
         load balancer presents, the server certificate `{}`: check the binding with `--cert \
         captures/{}`.",
        session.plan.server_cert.file(),
        session.plan.server_cert.file()
    ));
    Ok(Established { ack, connected })
}

/// IPCP: the client asks for everything with zeros, the server offers its
/// own address and naks with the values, the client acks the server's
/// request and asks again, the server acks.
fn ipcp(s: &mut PcapScript, c: &mut Conn) -> Result<()> {
    let zero = Ipv4Addr::UNSPECIFIED;
    let ask = |addr: Ipv4Addr, dns1: Ipv4Addr, dns2: Ipv4Addr| -> Result<Vec<Vec<u8>>> {
        Ok(vec![
            ipcp_option::ip_address(addr)?,
            ipcp_option::primary_dns(dns1)?,
            ipcp_option::secondary_dns(dns2)?,
        ])
    };
    let server_req = vec![ipcp_option::ip_address(SERVER_INNER)?];
    send_one(
        s,
        c,
        Side::Client,
        Out::ppp_noted(
            ppp::ipcp(code::CONFIGURE_REQUEST, 1, &ask(zero, zero, zero)?)?,
            "address 0.0.0.0, DNS 0.0.0.0 and 0.0.0.0: please assign",
        ),
    )?;
    s.wait(LAN_RTT);
    send(
        s,
        c,
        Side::Server,
        &[
            Out::ppp_noted(
                ppp::ipcp(code::CONFIGURE_REQUEST, 1, &server_req)?,
                format!("server address {SERVER_INNER}"),
            ),
            Out::ppp_noted(
                ppp::ipcp(code::CONFIGURE_NAK, 1, &ask(CLIENT_INNER, DNS1, DNS2)?)?,
                format!("assigns {CLIENT_INNER}, DNS {DNS1} and {DNS2}"),
            ),
        ],
    )?;
    send_one(
        s,
        c,
        Side::Client,
        Out::ppp(ppp::ipcp(code::CONFIGURE_ACK, 1, &server_req)?),
    )?;
    send_one(
        s,
        c,
        Side::Client,
        Out::ppp_noted(
            ppp::ipcp(code::CONFIGURE_REQUEST, 2, &ask(CLIENT_INNER, DNS1, DNS2)?)?,
            format!("address {CLIENT_INNER}, DNS {DNS1} and {DNS2}"),
        ),
    )?;
    s.wait(LAN_RTT);
    send_one(
        s,
        c,
        Side::Server,
        Out::ppp(ppp::ipcp(
            code::CONFIGURE_ACK,
            2,
            &ask(CLIENT_INNER, DNS1, DNS2)?,
        )?),
    )?;
    Ok(())
}

/// Two DNS lookups through the tunnel: four IPv4/UDP packets.
fn dns_traffic(s: &mut PcapScript, c: &mut Conn) -> Result<()> {
    let lookups = [
        (0x3A41u16, "intranet.example.net", Ipv4Addr::new(10, 8, 1, 10)),
        (0x3A42, "mail.example.net", Ipv4Addr::new(10, 8, 1, 25)),
    ];
    s.wait(ms(300));
    for (i, (id, name, addr)) in lookups.into_iter().enumerate() {
        let ip_id = 0x2001 + i as u16;
        send_one(
            s,
            c,
            Side::Client,
            Out::ppp_noted(
                ppp::ipv4_udp(
                    CLIENT_INNER,
                    DNS1,
                    (53_211, 53),
                    ip_id,
                    &ppp::dns_a(id, name, None),
                )?,
                format!("UDP {CLIENT_INNER}:53211 → {DNS1}:53, DNS query A {name}"),
            ),
        )?;
        s.wait(ms(4));
        send_one(
            s,
            c,
            Side::Server,
            Out::ppp_noted(
                ppp::ipv4_udp(
                    DNS1,
                    CLIENT_INNER,
                    (53, 53_211),
                    0x0101 + i as u16,
                    &ppp::dns_a(id, name, Some(addr)),
                )?,
                format!("UDP {DNS1}:53 → {CLIENT_INNER}:53211, DNS answer {name} A {addr}"),
            ),
        )?;
    }
    s.wait(ms(40));
    c.tcp.ack(&mut s.trace, Side::Client)?;
    Ok(())
}

/// LCP Terminate-Request/Ack, Call Disconnect (Status Info "no error") and
/// its Ack, then the client closes TCP.
fn disconnect(s: &mut PcapScript, c: &mut Conn) -> Result<()> {
    send_one(
        s,
        c,
        Side::Client,
        Out::ppp(ppp::lcp(code::TERMINATE_REQUEST, 2, &[])?),
    )?;
    s.wait(LAN_RTT);
    send_one(
        s,
        c,
        Side::Server,
        Out::ppp(ppp::lcp(code::TERMINATE_ACK, 2, &[])?),
    )?;
    send_one(
        s,
        c,
        Side::Client,
        Out::control(ControlMessage::with_status(
            message_type::CALL_DISCONNECT,
            attribute_id::NO_ERROR,
            status::NO_ERROR,
        )),
    )?;
    s.wait(LAN_RTT);
    send_one(
        s,
        c,
        Side::Server,
        Out::control(ControlMessage::bare(message_type::CALL_DISCONNECT_ACK)),
    )?;
    c.tcp.close(&mut s.trace, Side::Client, LAN_RTT)?;
    Ok(())
}

/// The whole clean session after Call Connected: IPCP, DNS, 60 s idle, the
/// server's Echo Request and the client's Response, 5 s later the teardown.
fn clean_rest(s: &mut PcapScript, c: &mut Conn) -> Result<()> {
    ipcp(s, c)?;
    dns_traffic(s, c)?;
    s.wait(secs(60));
    send_one(
        s,
        c,
        Side::Server,
        Out::control(ControlMessage::bare(message_type::ECHO_REQUEST)),
    )?;
    send_one(
        s,
        c,
        Side::Client,
        Out::control(ControlMessage::bare(message_type::ECHO_RESPONSE)),
    )?;
    s.wait(LAN_RTT);
    c.tcp.ack(&mut s.trace, Side::Server)?;
    s.wait(secs(5));
    disconnect(s, c)
}

fn clean(
    file_name: &'static str,
    title: &str,
    description: &str,
    session: &Session,
    hash_words: &str,
) -> Result<Scenario> {
    let mut s = ethernet_sstp(title, description)?;
    credentials(&mut s);
    let mut c = plain_connection(&mut s, session.port);
    let e = establish(&mut s, &mut c, session)?;
    clean_rest(&mut s, &mut c)?;
    s.conclude(format!(
        "One SSTP connection in clear on TCP port {}: SSTP_DUPLEX_POST to the SSTP URI answered \
         HTTP 200; Call Connect Request (Encapsulated Protocol PPP) and Call Connect Ack.",
        session.port
    ));
    s.conclude(format!(
        "PPP: LCP agreed both ways (MRU {MRU}); MS-CHAPv2 succeeded for user {USER} (the Success \
         message's authenticator response verifies with the password); IPCP assigned \
         {CLIENT_INNER} (server {SERVER_INNER}, DNS {DNS1} and {DNS2}); four IPv4/UDP packets \
         (DNS) crossed the tunnel."
    ));
    s.conclude(format!(
        "Crypto binding: {hash_words}. The nonce of Call Connected (frame {}) equals the Call \
         Connect Ack's (frame {}); the cert hash equals the hash of `{CERT_FILE}`; the compound \
         MAC verifies with the HLAK derived from the MS-CHAPv2 keys. The binding is valid.",
        e.connected, e.ack
    ));
    s.conclude(
        "An Echo Request from the server after 60 s idle was answered at once; the client ended \
         the session in order (LCP Terminate-Request/Ack, Call Disconnect with status \
         ATTRIB_STATUS_NO_ERROR, Call Disconnect Ack, FIN both ways). No anomalies.",
    );
    finish_pcap(s, file_name)
}

/// `sstp-clean-sha256.pcap`.
pub fn sstp_clean_sha256() -> Result<Scenario> {
    clean(
        "sstp-clean-sha256.pcap",
        "Clean SSTP session in clear (TLS offloaded), MS-CHAPv2, crypto binding SHA-256",
        "A complete SSTP session as an SSL-offloading load balancer forwards it to the server on \
         TCP port 80: HTTP set-up, Call Connect Request/Ack (SHA256 offered), LCP, MS-CHAPv2, Call \
         Connected with a valid SHA-256 crypto binding, IPCP, DNS in the tunnel, an Echo exchange \
         after 60 s, LCP Terminate, Call Disconnect/Ack and FIN both ways.",
        &session(
            0x5353_5450_0001,
            hash_protocol::SHA256,
            HashProtocol::Sha256,
            "{6E1F3A2B-8C4D-4E5F-9A0B-1C2D3E4F5A01}",
        ),
        "the server offered SHA256 only (bitmask 0x02) and the client used SHA256 (0x02)",
    )
}

/// The clean SHA-256 session of `sstp-clean-sha256.pcap` with one change:
/// the server certificate is the third test certificate
/// (`sstp-tls-server.pem`), so the client's cert hash in Call Connected is
/// that certificate's SHA-256 and the Compound MAC changes with it. Same
/// seed, nonces, MS-CHAPv2 challenges and Correlation ID as the original.
///
/// Never written to `captures/` and not in [`all`](super::all): its SSTP
/// application bytes are what the recorded TLS captures carry inside real
/// TLS (see [`crate::synth::exchange`]), where the certificate the client
/// hashes is the one the TLS server really presents.
pub fn sstp_clean_tls_server() -> Result<Scenario> {
    let mut sess = session(
        0x5353_5450_0001,
        hash_protocol::SHA256,
        HashProtocol::Sha256,
        "{6E1F3A2B-8C4D-4E5F-9A0B-1C2D3E4F5A01}",
    );
    sess.plan.hashed_cert = TestCert::Third;
    sess.plan.server_cert = TestCert::Third;
    clean(
        "sstp-clean-tls-server.pcap",
        "Clean SSTP session binding to the recorded TLS captures' server certificate",
        "The clean session of `sstp-clean-sha256.pcap` with `sstp-tls-server.pem` as the server \
         certificate the crypto binding hashes; the application exchange of the recorded TLS \
         captures.",
        &sess,
        "the server offered SHA256 only (bitmask 0x02) and the client used SHA256 (0x02)",
    )
}

/// `sstp-clean-sha1.pcap`.
pub fn sstp_clean_sha1() -> Result<Scenario> {
    clean(
        "sstp-clean-sha1.pcap",
        "Clean SSTP session in clear, crypto binding SHA-1",
        "The clean session of `sstp-clean-sha256.pcap` with the server offering only SHA1 in its \
         Crypto Binding Request and the client binding with SHA-1: the cert hash and the compound \
         MAC are 20 bytes each, padded with 12 zero bytes.",
        &session(
            0x5353_5450_0002,
            hash_protocol::SHA1,
            HashProtocol::Sha1,
            "{6E1F3A2B-8C4D-4E5F-9A0B-1C2D3E4F5A02}",
        ),
        "the server offered SHA1 only (bitmask 0x01) and the client used SHA1 (0x01); the cert \
         hash and the compound MAC are 20-byte values followed by 12 zero bytes",
    )
}

/// `sstp-pap-zero-hlak.pcap`.
pub fn sstp_pap_zero_hlak() -> Result<Scenario> {
    let mut sess = session(
        0x5353_5450_0003,
        hash_protocol::SHA1 | hash_protocol::SHA256,
        HashProtocol::Sha256,
        "{6E1F3A2B-8C4D-4E5F-9A0B-1C2D3E4F5A03}",
    );
    sess.auth = Auth::Pap;
    sess.plan.hlak = hlak_without_keys();
    sess.plan.hlak_source = "PAP gives no keys: 32 zero bytes ([MS-SSTP] §3.2.5.2.2)".to_string();
    let mut s = ethernet_sstp(
        "SSTP with PAP: crypto binding under the all-zero HLAK",
        "The clean session with PAP instead of MS-CHAPv2: the server's LCP Configure-Request asks \
         for PAP (03 04 C0 23), the client sends user and password in clear, the server acks. PAP \
         yields no keys, so the client's compound MAC uses the 32-zero-byte HLAK. The server \
         offers SHA1 and SHA256 (bitmask 0x03); the client picks SHA256.",
    )?;
    credentials(&mut s);
    let mut c = plain_connection(&mut s, sess.port);
    let e = establish(&mut s, &mut c, &sess)?;
    clean_rest(&mut s, &mut c)?;
    s.conclude(
        "SSTP set up in clear on port 80 (HTTP 200, Call Connect Request/Ack) and closed in order \
         (Call Disconnect/Ack).",
    );
    s.conclude(format!(
        "PPP authentication was PAP: user {USER}, password {PASSWORD} visible in clear \
         (Authenticate-Request), Authenticate-Ack. A warning that the password crossed the \
         tunnel in clear is welcome."
    ));
    s.conclude(format!(
        "Crypto binding (frame {}): bitmask 0x03 offered (frame {}), SHA256 chosen; nonce and cert \
         hash match; the compound MAC verifies with the all-zero HLAK (no password needed).",
        e.connected, e.ack
    ));
    s.conclude(format!("IPCP assigned {CLIENT_INNER}; DNS traffic flowed."));
    finish_pcap(s, "sstp-pap-zero-hlak.pcap")
}

/// After Call Connected: the client's IPCP request, the server's Call
/// Abort (Status Info about the Crypto Binding) 3 ms later, the client's
/// answering Abort, and one second later (TIMER_VAL_ABORT_STATE_TIMER_2)
/// FIN both ways started by the server. Returns the server Abort's frame.
fn server_aborts(s: &mut PcapScript, c: &mut Conn) -> Result<u64> {
    let zero = Ipv4Addr::UNSPECIFIED;
    send_one(
        s,
        c,
        Side::Client,
        Out::ppp(ppp::ipcp(
            code::CONFIGURE_REQUEST,
            1,
            &[
                ipcp_option::ip_address(zero)?,
                ipcp_option::primary_dns(zero)?,
                ipcp_option::secondary_dns(zero)?,
            ],
        )?),
    )?;
    s.wait(ms(3));
    let abort = send_one(
        s,
        c,
        Side::Server,
        Out::Control(
            ControlMessage::with_status(
                message_type::CALL_ABORT,
                attribute_id::CRYPTO_BINDING,
                status::VALUE_NOT_SUPPORTED,
            ),
            Some("crypto binding rejected".to_string()),
        ),
    )?;
    send_one(
        s,
        c,
        Side::Client,
        Out::Control(
            ControlMessage::bare(message_type::CALL_ABORT),
            Some("answering abort, no attribute".to_string()),
        ),
    )?;
    s.wait(secs(1));
    c.tcp.close(&mut s.trace, Side::Server, LAN_RTT)?;
    Ok(abort)
}

fn binding_failure(
    file_name: &'static str,
    title: &str,
    description: &str,
    sess: &Session,
    what: &str,
) -> Result<Scenario> {
    let mut s = ethernet_sstp(title, description)?;
    credentials(&mut s);
    let mut c = plain_connection(&mut s, sess.port);
    let e = establish(&mut s, &mut c, sess)?;
    let abort = server_aborts(&mut s, &mut c)?;
    s.conclude(
        "SSTP set up in clear on port 80 (HTTP 200, Call Connect Request/Ack); LCP and MS-CHAPv2 \
         succeeded for user alice.",
    );
    s.conclude(format!(
        "Crypto binding (Call Connected, frame {}): {what}",
        e.connected
    ));
    s.conclude(format!(
        "The server rejected the binding: Call Abort (frame {abort}, 3 ms after Call Connected) \
         with Status Info about SSTP_ATTRIB_CRYPTO_BINDING (3), ATTRIB_STATUS_VALUE_NOT_SUPPORTED \
         (4). The client answered with its own Call Abort; the server closed TCP one second later. \
         IPCP never completed; the tunnel never carried data."
    ));
    s.note(
        "[MS-SSTP] does not say which Status a server puts in the Call Abort for a failed \
         binding; this one says \"value not supported\" about the Crypto Binding attribute. Tests \
         should rely on the Abort and its timing, and on the binding checks themselves.",
    );
    finish_pcap(s, file_name)
}

/// `sstp-cert-mismatch.pcap`.
pub fn sstp_cert_mismatch() -> Result<Scenario> {
    let mut sess = session(
        0x5353_5450_0004,
        hash_protocol::SHA256,
        HashProtocol::Sha256,
        "{6E1F3A2B-8C4D-4E5F-9A0B-1C2D3E4F5A04}",
    );
    sess.plan.hashed_cert = TestCert::Second;
    binding_failure(
        "sstp-cert-mismatch.pcap",
        "Crypto binding with the wrong certificate hash; the server aborts",
        "A session whose client hashed a different certificate (`sstp-test-cert-2.pem`) from the \
         one the server's side presents (`sstp-test-cert.pem`), as behind a TLS-intercepting \
         middlebox. Everything else in the binding is correct. The server answers Call Connected \
         with Call Abort.",
        &sess,
        "the nonce matches and the compound MAC verifies (the client computed it honestly over \
         what it sent), but the cert hash is the SHA-256 of `sstp-test-cert-2.pem`, not of the \
         server certificate `sstp-test-cert.pem`: certificate hash mismatch (a man-in-the-middle \
         or TLS-intercepting device between client and server).",
    )
}

/// `sstp-nonce-mismatch.pcap`.
pub fn sstp_nonce_mismatch() -> Result<Scenario> {
    let mut sess = session(
        0x5353_5450_0005,
        hash_protocol::SHA256,
        HashProtocol::Sha256,
        "{6E1F3A2B-8C4D-4E5F-9A0B-1C2D3E4F5A05}",
    );
    sess.plan.sent_nonce = Noise::new(0x4E4F_4E43_4521).array32();
    binding_failure(
        "sstp-nonce-mismatch.pcap",
        "Crypto binding with a nonce different from the Call Connect Ack's; the server aborts",
        "A session whose Call Connected carries a nonce other than the one of the server's \
         Crypto Binding Request (a replayed or spliced binding). The cert hash and the compound \
         MAC over the message as sent are correct. The server aborts.",
        &sess,
        "the nonce differs from the Call Connect Ack's; the cert hash matches the server \
         certificate and the compound MAC over the message as sent verifies: nonce mismatch.",
    )
}

/// `sstp-bad-mac.pcap`.
pub fn sstp_bad_mac() -> Result<Scenario> {
    let mut sess = session(
        0x5353_5450_0006,
        hash_protocol::SHA256,
        HashProtocol::Sha256,
        "{6E1F3A2B-8C4D-4E5F-9A0B-1C2D3E4F5A06}",
    );
    sess.plan.flip_mac_byte = Some(7);
    binding_failure(
        "sstp-bad-mac.pcap",
        "Crypto binding with a wrong compound MAC (one byte flipped); the server aborts",
        "A session whose Call Connected carries a compound MAC with one byte (the eighth) \
         inverted. Nonce and cert hash are correct. The server aborts.",
        &sess,
        "the nonce matches and the cert hash matches the server certificate, but the compound \
         MAC does not verify with the HLAK from the MS-CHAPv2 keys (it differs from the expected \
         MAC in its eighth byte, inverted): compound MAC invalid. Without the password, only \
         \"cannot verify\" can be said about the MAC.",
    )
}

/// `sstp-404.pcap`.
pub fn sstp_404() -> Result<Scenario> {
    let mut s = ethernet_sstp(
        "SSTP request to a wrong URI answered 404; the server closes",
        "An SSTP_DUPLEX_POST whose URI has the last digit of the GUID wrong (…ADCD76}). The \
         server answers HTTP/1.1 404 Not Found with Connection: close and closes the connection. \
         No SSTP packet follows.",
    )?;
    let mut c = plain_connection(&mut s, 80);
    lan_handshake(&mut s, &mut c)?;
    let request = send_http(
        &mut s,
        &mut c,
        Side::Client,
        &wire::http_request(
            "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD76}/",
            SERVER_NAME,
            Some("{6E1F3A2B-8C4D-4E5F-9A0B-1C2D3E4F5A07}"),
        ),
        false,
    )?;
    s.wait(LAN_RTT);
    let response = send_http(
        &mut s,
        &mut c,
        Side::Server,
        &wire::http_response_error(404, "Not Found", HTTP_DATE),
        false,
    )?;
    c.tcp.close(&mut s.trace, Side::Server, LAN_RTT)?;
    s.conclude(format!(
        "An SSTP set-up attempt (method SSTP_DUPLEX_POST, frame {request}) to the URI \
         /sra_{{BA195980-CD49-458b-9E23-C84EE0ADCD76}}/, which is not the SSTP URI (the GUID ends \
         …75): the server answered HTTP/1.1 404 Not Found (frame {response}) and closed the \
         connection."
    ));
    s.conclude("No SSTP packets: the SSTP connection was never established.");
    finish_pcap(s, "sstp-404.pcap")
}

/// `sstp-nak.pcap`.
pub fn sstp_nak() -> Result<Scenario> {
    let mut s = ethernet_sstp(
        "Call Connect Nak: encapsulated protocol not supported",
        "The HTTP set-up succeeds, but the client's Call Connect Request names Encapsulated \
         Protocol 2, which is not PPP. The server answers Call Connect Nak with a Status Info \
         (SSTP_ATTRIB_ENCAPSULATED_PROTOCOL_ID, ATTRIB_STATUS_VALUE_NOT_SUPPORTED, AttribValue \
         00 02). The client retries once, gets the same Nak, and closes the connection.",
    )?;
    let mut c = plain_connection(&mut s, 80);
    lan_handshake(&mut s, &mut c)?;
    send_http(
        &mut s,
        &mut c,
        Side::Client,
        &wire::http_request(
            wire::SSTP_URI,
            SERVER_NAME,
            Some("{6E1F3A2B-8C4D-4E5F-9A0B-1C2D3E4F5A08}"),
        ),
        true,
    )?;
    s.wait(LAN_RTT);
    send_http(
        &mut s,
        &mut c,
        Side::Server,
        &wire::http_response_ok(HTTP_DATE),
        true,
    )?;
    let nak = || {
        ControlMessage::call_connect_nak(vec![wire::Attribute::StatusInfo {
            attrib_id: attribute_id::ENCAPSULATED_PROTOCOL_ID,
            status: status::VALUE_NOT_SUPPORTED,
            value: 2u16.to_be_bytes().to_vec(),
        }])
    };
    let mut naks = Vec::new();
    for attempt in 0..2 {
        if attempt > 0 {
            s.wait(secs(1));
        }
        send_one(
            &mut s,
            &mut c,
            Side::Client,
            Out::Control(
                ControlMessage::call_connect_request(2),
                Some("protocol 2 is not PPP".to_string()),
            ),
        )?;
        s.wait(LAN_RTT);
        naks.push(send_one(&mut s, &mut c, Side::Server, Out::control(nak()))?);
    }
    s.wait(ms(50));
    c.tcp.close(&mut s.trace, Side::Client, LAN_RTT)?;
    s.conclude("HTTP set-up succeeded (SSTP_DUPLEX_POST answered 200).");
    s.conclude(format!(
        "Both Call Connect Requests asked for Encapsulated Protocol 2 and were refused with Call \
         Connect Nak (frames {} and {}): Status Info about SSTP_ATTRIB_ENCAPSULATED_PROTOCOL_ID \
         (1), status ATTRIB_STATUS_VALUE_NOT_SUPPORTED (4), AttribValue 00 02.",
        naks.first().copied().unwrap_or(0),
        naks.get(1).copied().unwrap_or(0)
    ));
    s.conclude("The call never connected: no PPP, no crypto binding. The client closed TCP.");
    finish_pcap(s, "sstp-nak.pcap")
}

/// `sstp-echo.pcap`.
pub fn sstp_echo() -> Result<Scenario> {
    let mut s = ethernet_sstp(
        "Long-lived SSTP session on port 8080: Echo exchanges, then an unanswered Echo and a Call Abort",
        "A clean set-up on TCP port 8080 (MS-CHAPv2, SHA-256 binding, IPCP, DNS), then an idle \
         link: the client's Hello timer sends an Echo Request every 60 s; the server answers the \
         first three. The fourth is acknowledged by TCP but never answered; 60 s later the client \
         sends Call Abort (no attribute), waits 3 s and closes TCP.",
    )?;
    credentials(&mut s);
    let mut sess = session(
        0x5353_5450_0009,
        hash_protocol::SHA256,
        HashProtocol::Sha256,
        "{6E1F3A2B-8C4D-4E5F-9A0B-1C2D3E4F5A09}",
    );
    sess.port = 8080;
    let mut c = plain_connection(&mut s, 8080);
    establish(&mut s, &mut c, &sess)?;
    ipcp(&mut s, &mut c)?;
    dns_traffic(&mut s, &mut c)?;
    let mut answered = Vec::new();
    for _ in 0..3 {
        s.wait(secs(60));
        let req = send_one(
            &mut s,
            &mut c,
            Side::Client,
            Out::control(ControlMessage::bare(message_type::ECHO_REQUEST)),
        )?;
        s.wait(LAN_RTT);
        let resp = send_one(
            &mut s,
            &mut c,
            Side::Server,
            Out::control(ControlMessage::bare(message_type::ECHO_RESPONSE)),
        )?;
        answered.push((req, resp));
        s.wait(ms(40));
        c.tcp.ack(&mut s.trace, Side::Client)?;
    }
    s.wait(secs(60));
    let lost = send_one(
        &mut s,
        &mut c,
        Side::Client,
        Out::Control(
            ControlMessage::bare(message_type::ECHO_REQUEST),
            Some("never answered".to_string()),
        ),
    )?;
    s.wait(LAN_RTT);
    c.tcp.ack(&mut s.trace, Side::Server)?;
    s.wait(secs(60));
    let abort = send_one(
        &mut s,
        &mut c,
        Side::Client,
        Out::Control(
            ControlMessage::bare(message_type::CALL_ABORT),
            Some("60 s after the unanswered Echo Request".to_string()),
        ),
    )?;
    s.wait(LAN_RTT);
    c.tcp.ack(&mut s.trace, Side::Server)?;
    s.wait(secs(3));
    c.tcp.close(&mut s.trace, Side::Client, LAN_RTT)?;
    let pairs: Vec<String> = answered.iter().map(|(q, r)| format!("{q}→{r}")).collect();
    s.conclude(
        "SSTP in clear on TCP port 8080, set up completely: HTTP 200, Call Connect Request/Ack, \
         MS-CHAPv2 success for alice, a valid SHA-256 crypto binding, IPCP.",
    );
    s.conclude(format!(
        "Three Echo Requests from the client, 60 s apart, each answered by an Echo Response 2 ms \
         later (frames {}).",
        pairs.join(", ")
    ));
    s.conclude(format!(
        "The fourth Echo Request (frame {lost}) was delivered (TCP acknowledged it) but never \
         answered: the server stopped responding."
    ));
    s.conclude(format!(
        "The client aborted the call 60 s later: Call Abort without Status Info (frame {abort}); \
         no answering Abort came, and the client closed TCP 3 s later (TIMER_VAL_ABORT_STATE_TIMER_1). \
         Windows reports such a keepalive failure as error 807 (ERROR_VPN_DISCONNECT)."
    ));
    s.note(
        "[MS-SSTP] §3.1.2.3 lets a Hello-timer expiry end the connection without a Call Abort; \
         this client sends one anyway, as several implementations do.",
    );
    finish_pcap(s, "sstp-echo.pcap")
}

/// `http-not-sstp.pcap`.
pub fn http_not_sstp() -> Result<Scenario> {
    let mut s = ethernet_sstp(
        "Negative: ordinary HTTP on port 8080, not SSTP",
        "A negative: an ordinary `GET / HTTP/1.1` on TCP port 8080 answered 200 with a small HTML \
         page. Nothing here is SSTP.",
    )?;
    let mut c = plain_connection(&mut s, 8080);
    sstp_truth(&mut s)
        .connections
        .iter_mut()
        .for_each(|c| c.transport = "plain HTTP".to_string());
    lan_handshake(&mut s, &mut c)?;
    send_http(
        &mut s,
        &mut c,
        Side::Client,
        b"GET / HTTP/1.1\r\nHost: vpn.example.net:8080\r\nUser-Agent: Mozilla/5.0\r\nAccept: text/html\r\n\r\n",
        false,
    )?;
    s.wait(ms(3));
    let body = "<html><body>It works</body></html>\n";
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    send_http(&mut s, &mut c, Side::Server, response.as_bytes(), false)?;
    s.wait(ms(40));
    c.tcp.ack(&mut s.trace, Side::Client)?;
    s.wait(ms(500));
    c.tcp.close(&mut s.trace, Side::Client, LAN_RTT)?;
    s.conclude(
        "HTTP, not SSTP: the request's method is GET (not SSTP_DUPLEX_POST) and its URI is / (not \
         the SSTP URI), so no SSTP connection may be reported. A note that port 8080 carried \
         plain HTTP is welcome.",
    );
    finish_pcap(s, "http-not-sstp.pcap")
}

#[cfg(test)]
mod tests {
    use super::super::sstp_support::wire_check::check;
    use super::*;
    use crate::synth::truth::SstpTruth;

    #[test]
    fn every_sstp_and_tls_scenario_matches_its_bytes() {
        let all: Vec<Scenario> = all()
            .unwrap()
            .into_iter()
            .filter(|s| s.truth.sstp.is_some())
            .collect();
        assert_eq!(all.len(), 15);
        for sc in &all {
            check(sc);
        }
    }

    /// The check is not a rubber stamp: one wrong fact in the truth makes
    /// it fail.
    #[test]
    fn a_wrong_truth_is_caught() {
        let sc = sstp_clean_sha256().unwrap();
        type Mutation = Box<dyn Fn(&mut SstpTruth)>;
        let mutations: Vec<Mutation> = vec![
            Box::new(|t| t.messages[2].frame += 1),
            Box::new(|t| t.ppp[4].code = Some(2)),
            Box::new(|t| t.http[0].sstp = false),
            Box::new(|t| t.bindings[0].compound_mac_valid = false),
            Box::new(|t| t.bindings[0].hlak.replace_range(0..2, "00")),
        ];
        for (i, m) in mutations.iter().enumerate() {
            let mut bad = sc.clone();
            m(bad.truth.sstp.as_mut().unwrap());
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&bad)));
            assert!(caught.is_err(), "mutation {i} went unnoticed");
        }
        let tls = sstp_tls12().unwrap();
        let mut bad = tls.clone();
        bad.truth.sstp.as_mut().unwrap().tls[0].records[1]
            .handshake_started
            .clear();
        assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&bad))).is_err());
    }

    fn t(sc: &Scenario) -> &SstpTruth {
        sc.truth.sstp.as_ref().unwrap()
    }

    /// (frame, sender, Message Type) of every control message.
    fn types(sc: &Scenario) -> Vec<(u64, Side, u16)> {
        t(sc)
            .messages
            .iter()
            .map(|m| (m.frame, m.from, m.message_type))
            .collect()
    }

    /// (nonce matches, cert hash matches, compound MAC valid).
    fn checks(sc: &Scenario) -> (bool, bool, bool) {
        let b = &t(sc).bindings[0];
        (b.nonce_matches, b.cert_hash_matches, b.compound_mac_valid)
    }

    const C: Side = Side::Client;
    const S: Side = Side::Server;

    #[test]
    fn clean_sha256_session() {
        let sc = sstp_clean_sha256().unwrap();
        assert_eq!(sc.truth.frames, 34);
        assert_eq!(
            types(&sc),
            [
                (6, C, 1),
                (7, S, 2),
                (14, C, 4),
                (25, S, 8),
                (26, C, 9),
                (30, C, 6),
                (31, S, 7)
            ]
        );
        let tr = t(&sc);
        assert_eq!(tr.ppp.len(), 19);
        assert_eq!(tr.ppp.iter().filter(|p| p.protocol == 0x0021).count(), 4);
        assert_eq!(
            tr.ppp
                .iter()
                .filter(|p| p.protocol == 0xC223)
                .map(|p| (p.frame, p.code))
                .collect::<Vec<_>>(),
            [(11, Some(1)), (12, Some(2)), (13, Some(3))]
        );
        let b = &tr.bindings[0];
        assert_eq!(
            (
                b.request_frame,
                b.binding_frame,
                b.offered_bitmask,
                b.hash_protocol
            ),
            (7, 14, 2, 2)
        );
        assert_eq!(
            b.cert_hash,
            "d86f9341d56f7e54584e0bc95b11c08e6fd1705620d2fb27b6423630df09e614"
        );
        assert_eq!(checks(&sc), (true, true, true));
        assert_eq!(
            tr.credentials
                .as_ref()
                .map(|c| (c.user.as_str(), c.password.as_str())),
            Some(("alice", "Tunnel-Pass-2026"))
        );
        assert_eq!(
            tr.http
                .iter()
                .map(|h| (h.frame, h.from, h.sstp))
                .collect::<Vec<_>>(),
            [(4, C, true), (5, S, true)]
        );
        assert_eq!(tr.connections[0].server.port(), 80);
    }

    /// The recordings' session differs from the SHA-256 one only in the
    /// certificate it binds to: same frames and messages, the third
    /// certificate's hash, a valid binding.
    #[test]
    fn clean_session_for_the_tls_recordings_binds_to_the_third_certificate() {
        let sc = sstp_clean_tls_server().unwrap();
        check(&sc);
        let original = sstp_clean_sha256().unwrap();
        assert_eq!(sc.truth.frames, 34);
        assert_eq!(types(&sc), types(&original));
        assert_eq!(t(&sc).ppp, t(&original).ppp);
        let b = &t(&sc).bindings[0];
        assert_eq!(
            b.cert_hash,
            "62946611fcef553aaf34823faa9ac69bd85bc638ec3861931e8210c8ba71a82e"
        );
        assert_eq!(b.server_certificate, "sstp-tls-server.pem");
        assert_eq!(b.nonce, t(&original).bindings[0].nonce);
        assert_ne!(b.compound_mac, t(&original).bindings[0].compound_mac);
        assert_eq!(checks(&sc), (true, true, true));
        assert!(all().unwrap().iter().all(|a| a.file_name != sc.file_name));
    }

    #[test]
    fn clean_sha1_session_pads_to_32_bytes() {
        let sc = sstp_clean_sha1().unwrap();
        assert_eq!(types(&sc), types(&sstp_clean_sha256().unwrap()));
        let b = &t(&sc).bindings[0];
        assert_eq!((b.offered_bitmask, b.hash_protocol), (1, 1));
        assert_eq!(
            b.cert_hash,
            format!("6938802fd2e88468808f1d33d460a2084b20e230{}", "0".repeat(24))
        );
        assert!(b.compound_mac.ends_with(&"0".repeat(24)));
        assert_eq!(b.cmk.len(), 40);
        assert_eq!(checks(&sc), (true, true, true));
    }

    #[test]
    fn pap_binds_with_the_zero_hlak() {
        let sc = sstp_pap_zero_hlak().unwrap();
        assert_eq!(sc.truth.frames, 33);
        assert_eq!(
            types(&sc),
            [
                (6, C, 1),
                (7, S, 2),
                (13, C, 4),
                (24, S, 8),
                (25, C, 9),
                (29, C, 6),
                (30, S, 7)
            ]
        );
        let tr = t(&sc);
        assert_eq!(
            tr.ppp
                .iter()
                .filter(|p| p.protocol == 0xC023)
                .map(|p| (p.frame, p.from, p.code))
                .collect::<Vec<_>>(),
            [(11, C, Some(1)), (12, S, Some(2))]
        );
        assert!(tr.ppp.iter().all(|p| p.protocol != 0xC223));
        let b = &tr.bindings[0];
        assert_eq!(b.hlak, "0".repeat(64));
        assert_eq!((b.offered_bitmask, b.hash_protocol), (3, 2));
        assert_eq!(checks(&sc), (true, true, true));
    }

    #[test]
    fn binding_failures_and_the_servers_abort() {
        let abort = [(6, C, 1), (7, S, 2), (14, C, 4), (16, S, 5), (17, C, 5)];
        let cert = sstp_cert_mismatch().unwrap();
        let nonce = sstp_nonce_mismatch().unwrap();
        let mac = sstp_bad_mac().unwrap();
        for sc in [&cert, &nonce, &mac] {
            assert_eq!(sc.truth.frames, 20, "{}", sc.file_name);
            assert_eq!(types(sc), abort, "{}", sc.file_name);
            let m = &t(sc).messages;
            assert_eq!(
                m[3].attributes,
                ["Status Info: ATTRIB_STATUS_VALUE_NOT_SUPPORTED about SSTP_ATTRIB_CRYPTO_BINDING (3), 0 value bytes"]
            );
            assert_eq!((m[3].length, m[4].length), (20, 8));
        }
        assert_eq!(checks(&cert), (true, false, true));
        assert_eq!(
            t(&cert).bindings[0].cert_hash,
            "65443e4b7c432e9d56a39b464c4677a101b4d0f0c58536feb46d296f06a0402f"
        );
        assert_eq!(checks(&nonce), (false, true, true));
        assert_eq!(checks(&mac), (true, true, false));
        let b = &t(&mac).bindings[0];
        let differing: Vec<usize> = (0..32)
            .filter(|i| b.compound_mac[2 * i..2 * i + 2] != b.expected_compound_mac[2 * i..2 * i + 2])
            .collect();
        assert_eq!(differing, [7]);
    }

    #[test]
    fn wrong_uri_answered_404() {
        let sc = sstp_404().unwrap();
        assert_eq!(sc.truth.frames, 8);
        let tr = t(&sc);
        assert!(tr.messages.is_empty() && tr.ppp.is_empty() && tr.bindings.is_empty());
        assert_eq!(
            tr.http
                .iter()
                .map(|h| (h.frame, h.start_line.as_str(), h.sstp))
                .collect::<Vec<_>>(),
            [
                (
                    4,
                    "SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD76}/ HTTP/1.1",
                    false
                ),
                (5, "HTTP/1.1 404 Not Found", false)
            ]
        );
    }

    #[test]
    fn nak_twice_then_close() {
        let sc = sstp_nak().unwrap();
        assert_eq!(sc.truth.frames, 12);
        assert_eq!(types(&sc), [(6, C, 1), (7, S, 3), (8, C, 1), (9, S, 3)]);
        let m = &t(&sc).messages;
        assert_eq!(m[0].attributes, ["Encapsulated Protocol ID 2 (not PPP)"]);
        assert_eq!(
            m[1].attributes,
            ["Status Info: ATTRIB_STATUS_VALUE_NOT_SUPPORTED about SSTP_ATTRIB_ENCAPSULATED_PROTOCOL_ID (1), 2 value bytes"]
        );
        assert_eq!(m[1].length, 22);
        assert!(t(&sc).bindings.is_empty());
    }

    #[test]
    fn echoes_then_one_unanswered_then_abort() {
        let sc = sstp_echo().unwrap();
        assert_eq!(sc.truth.frames, 40);
        assert_eq!(
            types(&sc),
            [
                (6, C, 1),
                (7, S, 2),
                (14, C, 4),
                (25, C, 8),
                (26, S, 9),
                (28, C, 8),
                (29, S, 9),
                (31, C, 8),
                (32, S, 9),
                (34, C, 8),
                (36, C, 5)
            ]
        );
        let m = &t(&sc).messages;
        assert_eq!(m[9].note.as_deref(), Some("never answered"));
        assert!(m[10].attributes.is_empty());
        assert_eq!(t(&sc).connections[0].server.port(), 8080);
        assert_eq!(checks(&sc), (true, true, true));
    }

    #[test]
    fn plain_http_is_not_sstp() {
        let sc = http_not_sstp().unwrap();
        assert_eq!(sc.truth.frames, 9);
        let tr = t(&sc);
        assert!(tr.messages.is_empty() && tr.ppp.is_empty());
        assert_eq!(
            tr.http
                .iter()
                .map(|h| (h.frame, h.start_line.as_str(), h.sstp))
                .collect::<Vec<_>>(),
            [(4, "GET / HTTP/1.1", false), (5, "HTTP/1.1 200 OK", false)]
        );
        assert_eq!(tr.connections[0].server.port(), 8080);
    }
}
