//! SSTP over TLS on port 443, seen from outside: the handshake in clear
//! (TLS 1.2: ClientHello with SNI, ServerHello, the server certificate,
//! ECDHE key exchange; TLS 1.3: the two hellos only), then protected
//! records whose bytes are pseudo-random. No key log exists for these
//! captures: what a correct analysis can say comes from the handshake and
//! from the shape of the encrypted traffic.
//!
//! The capture sits at the client, [`RTT`] from the server.

use super::sstp_support::*;
use super::*;
use crate::synth::sstp as wire;
use crate::synth::tls::{
    self, alert, cipher_suite, content_type, extension_type, handshake_type, named_group, signature_scheme,
    version, ClientHello, Extension, Noise, ServerHello, TLS12_GCM_OVERHEAD, TLS13_OVERHEAD,
};

/// The second server of a load-balanced pool.
fn server_b_v4() -> Host {
    Host {
        mac: MacAddr::documentation(0x06),
        ip: IpAddr::from([203, 0, 113, 6]),
        ttl: 52,
    }
}

const TLS_PORT: u16 = 443;

/// Cipher suites a Windows client offers for TLS 1.2, in its order.
const TLS12_SUITES: [u16; 6] = [
    cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    cipher_suite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    cipher_suite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    cipher_suite::TLS_RSA_WITH_AES_256_GCM_SHA384,
    cipher_suite::TLS_RSA_WITH_AES_128_GCM_SHA256,
];

const SIGNATURE_SCHEMES: [u16; 5] = [
    signature_scheme::RSA_PSS_RSAE_SHA256,
    signature_scheme::RSA_PSS_RSAE_SHA384,
    signature_scheme::RSA_PKCS1_SHA256,
    signature_scheme::RSA_PKCS1_SHA384,
    signature_scheme::ECDSA_SECP256R1_SHA256,
];

const GROUPS: [u16; 3] = [
    named_group::X25519,
    named_group::SECP256R1,
    named_group::SECP384R1,
];

/// The suite every TLS 1.2 server here picks.
const TLS12_SUITE: u16 = cipher_suite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384;

/// A ClientHello for TLS 1.2 only (no supported_versions).
fn client_hello_12(noise: &mut Noise) -> Result<ClientHello> {
    Ok(ClientHello {
        legacy_version: version::TLS1_2,
        random: noise.array32(),
        session_id: Vec::new(),
        cipher_suites: TLS12_SUITES.to_vec(),
        extensions: vec![
            Extension::server_name(SERVER_NAME)?,
            Extension::supported_groups(&GROUPS)?,
            Extension::ec_point_formats(),
            Extension::signature_algorithms(&SIGNATURE_SCHEMES)?,
            Extension::empty(extension_type::EXTENDED_MASTER_SECRET),
            Extension::renegotiation_info(),
        ],
    })
}

/// A ClientHello offering TLS 1.3 and 1.2 (supported_versions, key_share
/// x25519, a 32-byte legacy session ID for middlebox compatibility).
fn client_hello_13(noise: &mut Noise) -> Result<ClientHello> {
    let mut suites = vec![
        cipher_suite::TLS_AES_256_GCM_SHA384,
        cipher_suite::TLS_AES_128_GCM_SHA256,
    ];
    suites.extend_from_slice(&TLS12_SUITES);
    Ok(ClientHello {
        legacy_version: version::TLS1_2,
        random: noise.array32(),
        session_id: noise.bytes(32),
        cipher_suites: suites,
        extensions: vec![
            Extension::server_name(SERVER_NAME)?,
            Extension::supported_groups(&GROUPS)?,
            Extension::ec_point_formats(),
            Extension::signature_algorithms(&SIGNATURE_SCHEMES)?,
            Extension::empty(extension_type::EXTENDED_MASTER_SECRET),
            Extension::renegotiation_info(),
            Extension::supported_versions_offer(&[version::TLS1_3, version::TLS1_2])?,
            Extension::psk_dhe_ke(),
            Extension::key_share_offer(named_group::X25519, &noise.bytes(32))?,
        ],
    })
}

/// The four messages of a TLS 1.2 ECDHE_RSA server flight.
struct Tls12Flight {
    server_hello: Vec<u8>,
    certificate: Vec<u8>,
    server_key_exchange: Vec<u8>,
    server_hello_done: Vec<u8>,
}

fn tls12_flight(noise: &mut Noise, cert: TestCert) -> Result<Tls12Flight> {
    Ok(Tls12Flight {
        server_hello: ServerHello {
            legacy_version: version::TLS1_2,
            random: noise.array32(),
            session_id: noise.bytes(32),
            cipher_suite: TLS12_SUITE,
            extensions: vec![
                Extension::renegotiation_info(),
                Extension::ec_point_formats(),
                Extension::empty(extension_type::EXTENDED_MASTER_SECRET),
            ],
        }
        .encode()?,
        certificate: tls::certificate(&[cert.der()])?,
        server_key_exchange: tls::server_key_exchange_ecdhe(
            named_group::X25519,
            &noise.bytes(32),
            signature_scheme::RSA_PSS_RSAE_SHA256,
            &noise.bytes(256),
        )?,
        server_hello_done: tls::server_hello_done(),
    })
}

/// The server flight as four records in one segment.
fn flight_records(f: &Tls12Flight) -> Result<Vec<Rec>> {
    let v = version::TLS1_2;
    Ok(vec![
        Rec::handshake(v, &[(handshake_type::SERVER_HELLO, f.server_hello.clone())])?,
        Rec::handshake(v, &[(handshake_type::CERTIFICATE, f.certificate.clone())])?,
        Rec::handshake(
            v,
            &[(handshake_type::SERVER_KEY_EXCHANGE, f.server_key_exchange.clone())],
        )?,
        Rec::handshake(
            v,
            &[(handshake_type::SERVER_HELLO_DONE, f.server_hello_done.clone())],
        )?,
    ])
}

/// A TLS 1.2 AES-GCM Finished: 16 bytes of plaintext (header and 12-byte
/// verify_data) become a 40-byte record body.
fn encrypted_finished(noise: &mut Noise) -> Result<Rec> {
    Rec::opaque(
        content_type::HANDSHAKE,
        version::TLS1_2,
        16 + TLS12_GCM_OVERHEAD,
        "Finished",
        noise,
    )
}

/// TCP handshake and ClientHello; returns the TLS truth index.
fn hello(s: &mut PcapScript, c: &mut Conn, ch: &ClientHello) -> Result<usize> {
    handshake(&mut s.trace, &mut c.tcp)?;
    let t = tls_truth(s, c, ch, Some(SERVER_NAME));
    send_records(
        s,
        c,
        t,
        Side::Client,
        &[Rec::handshake(
            version::TLS1_0,
            &[(handshake_type::CLIENT_HELLO, ch.encode()?)],
        )?],
        &[],
    )?;
    Ok(t)
}

/// ClientKeyExchange, ChangeCipherSpec and Finished from the client in one
/// segment; the server's ChangeCipherSpec and Finished one round trip
/// later.
fn tls12_finish(s: &mut PcapScript, c: &mut Conn, t: usize, noise: &mut Noise) -> Result<()> {
    let v = version::TLS1_2;
    let cke = tls::client_key_exchange_ecdhe(&noise.bytes(32))?;
    let finished = encrypted_finished(noise)?;
    send_records(
        s,
        c,
        t,
        Side::Client,
        &[
            Rec::handshake(v, &[(handshake_type::CLIENT_KEY_EXCHANGE, cke)])?,
            Rec::change_cipher_spec(v),
            finished,
        ],
        &[],
    )?;
    s.wait(RTT);
    let finished = encrypted_finished(noise)?;
    send_records(
        s,
        c,
        t,
        Side::Server,
        &[Rec::change_cipher_spec(v), finished],
        &[],
    )?;
    Ok(())
}

/// A complete TLS 1.2 handshake with a 1.2-only client; the server's
/// flight is four records in one segment.
fn tls12_handshake(s: &mut PcapScript, c: &mut Conn, noise: &mut Noise, cert: TestCert) -> Result<usize> {
    let ch = client_hello_12(noise)?;
    let t = hello(s, c, &ch)?;
    s.wait(RTT);
    let flight = tls12_flight(noise, cert)?;
    send_records(s, c, t, Side::Server, &flight_records(&flight)?, &[])?;
    tls_negotiated(s, t, version::TLS1_2, TLS12_SUITE, cert);
    s.wait(ms(4));
    tls12_finish(s, c, t, noise)?;
    Ok(t)
}

/// Application data of an SSTP session: the HTTP request and answer, then
/// SSTP packets of the sizes a session start and idle traffic give, each
/// in its own record, alternating between the sides and spread over
/// `span`. `pairs` client/server record pairs in all.
fn sstp_shaped_traffic(
    s: &mut PcapScript,
    c: &mut Conn,
    t: usize,
    noise: &mut Noise,
    overhead: usize,
    pairs: usize,
    span: Duration,
) -> Result<()> {
    let request = wire::http_request(
        wire::SSTP_URI,
        SERVER_NAME,
        Some("{0C6B4E21-5A7D-4F3C-8E19-2B4D6F8A0C11}"),
    );
    let response = wire::http_response_ok("Thu, 15 Jan 2026 09:00:00 GMT");
    // SSTP packet sizes of a set-up: Connect Request/Ack, LCP, MS-CHAPv2,
    // Call Connected, IPCP; then data and Echo packets.
    const SETUP: [(usize, usize); 6] = [(14, 48), (22, 54), (27, 41), (79, 68), (112, 30), (30, 30)];
    // The paced part starts after the set-up records and spreads over `span`.
    let paced = pairs.saturating_sub(SETUP.len() + 1).max(1);
    let step = Duration::from_millis(u64::try_from(span.as_millis()).unwrap_or(0) / paced as u64);
    for i in 0..pairs {
        let (client_len, client_inner, server_len, server_inner) = match i {
            0 => (
                request.len(),
                "HTTP request (SSTP_DUPLEX_POST)",
                response.len(),
                "HTTP/1.1 200 response",
            ),
            n if n <= SETUP.len() => {
                let (a, b) = SETUP.get(n - 1).copied().unwrap_or((30, 30));
                (a, "SSTP", b, "SSTP")
            }
            _ => (noise.range(40, 420), "SSTP", noise.range(40, 1200), "SSTP"),
        };
        let r = Rec::opaque(
            content_type::APPLICATION_DATA,
            version::TLS1_2,
            client_len + overhead,
            client_inner,
            noise,
        )?;
        send_records(s, c, t, Side::Client, &[r], &[])?;
        s.wait(RTT);
        let r = Rec::opaque(
            content_type::APPLICATION_DATA,
            version::TLS1_2,
            server_len + overhead,
            server_inner,
            noise,
        )?;
        send_records(s, c, t, Side::Server, &[r], &[])?;
        if i > SETUP.len() {
            s.wait(step);
        } else {
            s.wait(ms(2));
        }
    }
    Ok(())
}

/// Encrypted close_notify from `first`, the peer's close_notify, then FIN
/// both ways started by `first`.
fn tls12_close(s: &mut PcapScript, c: &mut Conn, t: usize, noise: &mut Noise, first: Side) -> Result<()> {
    let close = |noise: &mut Noise| {
        Rec::opaque(
            content_type::ALERT,
            version::TLS1_2,
            2 + TLS12_GCM_OVERHEAD,
            "close_notify",
            noise,
        )
    };
    send_records(s, c, t, first, &[close(noise)?], &[])?;
    c.tcp.fin(&mut s.trace, first)?;
    s.wait(RTT);
    send_records(s, c, t, first.peer(), &[close(noise)?], &[])?;
    c.tcp.fin(&mut s.trace, first.peer())?;
    c.tcp.ack(&mut s.trace, first)?;
    Ok(())
}

fn tls_script(title: &str, description: &str) -> Result<PcapScript> {
    let mut s = ethernet_pcap(description)?;
    s.truth.title = title.to_string();
    s.truth.sstp = Some(Default::default());
    Ok(s)
}

fn tls_connection(s: &mut PcapScript, client: Host, server: Host) -> Conn {
    connection(s, tcp_between(client, server, TLS_PORT), "TLS")
}

/// `sstp-tls12.pcap`.
pub fn sstp_tls12() -> Result<Scenario> {
    let mut s = tls_script(
        "SSTP over TLS 1.2: handshake split across records and segments, 30 s of encrypted traffic",
        "A TLS 1.2 connection to port 443 carrying (encrypted) SSTP: the client offers TLS 1.3 \
         and 1.2, the server chooses TLS 1.2 with TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 and \
         presents `sstp-test-cert.pem`. The server's first record (ServerHello and the first 500 \
         bytes of the Certificate message) is cut into three TCP segments of 100, 400 and 96 \
         bytes; the Certificate message ends in a second record, with ServerKeyExchange and \
         ServerHelloDone, in a fourth segment. Then 30 application_data records each way over \
         about 30 s, small and paced like an SSTP session, then close_notify both ways and FIN.",
    )?;
    let mut noise = Noise::new(0x544C_5331_3201);
    let mut c = tls_connection(&mut s, client_v4(), server_v4());
    let ch = client_hello_13(&mut noise)?;
    let t = hello(&mut s, &mut c, &ch)?;
    s.wait(RTT);
    let f = tls12_flight(&mut noise, TestCert::First)?;
    let split = 500;
    let (cert_head, cert_tail) = f.certificate.split_at(split.min(f.certificate.len()));
    let first_body = [f.server_hello.clone(), cert_head.to_vec()].concat();
    let second_body = [
        cert_tail.to_vec(),
        f.server_key_exchange.clone(),
        f.server_hello_done.clone(),
    ]
    .concat();
    let first = Rec::handshake_bytes(
        version::TLS1_2,
        &first_body,
        &[handshake_type::SERVER_HELLO],
        &[handshake_type::CERTIFICATE],
    )?;
    let second = Rec::handshake_bytes(
        version::TLS1_2,
        &second_body,
        &[
            handshake_type::CERTIFICATE,
            handshake_type::SERVER_KEY_EXCHANGE,
            handshake_type::SERVER_HELLO_DONE,
        ],
        &[],
    )?;
    let first_len = first.bytes.len();
    let segments = send_records(
        &mut s,
        &mut c,
        t,
        Side::Server,
        &[first, second],
        &[100, 400, first_len - 500],
    )?;
    tls_negotiated(&mut s, t, version::TLS1_2, TLS12_SUITE, TestCert::First);
    s.wait(ms(4));
    tls12_finish(&mut s, &mut c, t, &mut noise)?;
    s.wait(ms(2));
    sstp_shaped_traffic(&mut s, &mut c, t, &mut noise, TLS12_GCM_OVERHEAD, 30, secs(30))?;
    tls12_close(&mut s, &mut c, t, &mut noise, Side::Client)?;
    let seg = |i: usize| segments.get(i).copied().unwrap_or(0);
    s.conclude(
        "One TLS connection to 203.0.113.5:443 with SNI vpn.example.net. The client offered TLS \
         1.3 and 1.2 (supported_versions); the ServerHello has no supported_versions, so TLS 1.2 \
         was negotiated, with TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0xC030).",
    );
    s.conclude(format!(
        "The server's first record spans frames {}, {} and {}: ServerHello is complete in frame \
         {}; the Certificate message continues in the second record and is complete in frame {}, \
         together with ServerKeyExchange and ServerHelloDone. The certificate is \
         `sstp-test-cert.pem` (CN vpn.example.net), SHA-256 \
         d86f9341d56f7e54584e0bc95b11c08e6fd1705620d2fb27b6423630df09e614.",
        seg(0),
        seg(1),
        seg(2),
        seg(2),
        seg(3)
    ));
    s.conclude(
        "The handshake completed (ChangeCipherSpec and encrypted Finished both ways). 30 \
         application_data records each way followed over about 30 s, small and paced: consistent \
         with SSTP (likely SSTP), but the contents cannot be read without keys.",
    );
    s.conclude(
        "The client closed with close_notify (encrypted alert), the server answered likewise, FIN both ways.",
    );
    finish_pcap(s, "sstp-tls12.pcap")
}

/// `sstp-tls13.pcap`.
pub fn sstp_tls13() -> Result<Scenario> {
    let mut s = tls_script(
        "SSTP over TLS 1.3: only the hellos in clear",
        "A TLS 1.3 connection to port 443: ClientHello with SNI vpn.example.net, supported_versions \
         (0x0304, 0x0303) and an x25519 key_share; ServerHello with supported_versions 0x0304, \
         TLS_AES_256_GCM_SHA384 and its key_share; a middlebox-compatibility ChangeCipherSpec \
         from each side; everything after travels in protected records (EncryptedExtensions, \
         Certificate, CertificateVerify, Finished, then about 10 application records each way and \
         close_notify).",
    )?;
    let mut noise = Noise::new(0x544C_5331_3301);
    let mut c = tls_connection(&mut s, client_v4(), server_v4());
    let ch = client_hello_13(&mut noise)?;
    let t = hello(&mut s, &mut c, &ch)?;
    s.wait(RTT);
    let suite = cipher_suite::TLS_AES_256_GCM_SHA384;
    let sh = ServerHello {
        legacy_version: version::TLS1_2,
        random: noise.array32(),
        session_id: ch.session_id.clone(),
        cipher_suite: suite,
        extensions: vec![
            Extension::supported_version_selected(version::TLS1_3),
            Extension::key_share_selected(named_group::X25519, &noise.bytes(32))?,
        ],
    }
    .encode()?;
    let v = version::TLS1_2;
    let app = content_type::APPLICATION_DATA;
    // Inner plaintext lengths: EncryptedExtensions with an empty list (6),
    // Certificate with one entry (4 + 1 + 3 + 3 + DER + 2), CertificateVerify
    // with a 256-byte RSA-PSS signature (4 + 4 + 256), Finished with a
    // SHA-384 verify_data (4 + 48).
    let cert_len = 4 + 1 + 3 + 3 + TestCert::First.der().len() + 2;
    let server_flight = [
        Rec::handshake(v, &[(handshake_type::SERVER_HELLO, sh)])?,
        Rec::change_cipher_spec(v),
        Rec::opaque(app, v, 6 + TLS13_OVERHEAD, "EncryptedExtensions", &mut noise)?,
        Rec::opaque(
            app,
            v,
            cert_len + TLS13_OVERHEAD,
            "Certificate (sstp-test-cert.pem)",
            &mut noise,
        )?,
        Rec::opaque(app, v, 264 + TLS13_OVERHEAD, "CertificateVerify", &mut noise)?,
        Rec::opaque(app, v, 52 + TLS13_OVERHEAD, "Finished", &mut noise)?,
    ];
    let first_segment: usize = server_flight.iter().take(3).map(|r| r.bytes.len()).sum();
    send_records(&mut s, &mut c, t, Side::Server, &server_flight, &[first_segment])?;
    tls_negotiated(&mut s, t, version::TLS1_3, suite, TestCert::First);
    s.wait(ms(4));
    let client_finish = [
        Rec::change_cipher_spec(v),
        Rec::opaque(app, v, 52 + TLS13_OVERHEAD, "Finished", &mut noise)?,
    ];
    send_records(&mut s, &mut c, t, Side::Client, &client_finish, &[])?;
    sstp_shaped_traffic(&mut s, &mut c, t, &mut noise, TLS13_OVERHEAD, 10, secs(10))?;
    let close = |noise: &mut Noise| Rec::opaque(app, v, 2 + TLS13_OVERHEAD, "close_notify alert", noise);
    send_records(&mut s, &mut c, t, Side::Client, &[close(&mut noise)?], &[])?;
    c.tcp.fin(&mut s.trace, Side::Client)?;
    s.wait(RTT);
    send_records(&mut s, &mut c, t, Side::Server, &[close(&mut noise)?], &[])?;
    c.tcp.fin(&mut s.trace, Side::Server)?;
    c.tcp.ack(&mut s.trace, Side::Client)?;
    s.conclude(
        "One TLS connection to 203.0.113.5:443, SNI vpn.example.net. The ServerHello's \
         supported_versions selects 0x0304: TLS 1.3, with TLS_AES_256_GCM_SHA384 (0x1302).",
    );
    s.conclude(
        "Only ClientHello and ServerHello are readable. The server certificate travels encrypted: \
         it cannot be identified or hashed without the SERVER_HANDSHAKE_TRAFFIC_SECRET, so the SSTP \
         crypto binding cannot be checked against it from this capture.",
    );
    s.conclude(
        "Each side sent one ChangeCipherSpec (middlebox compatibility, no protocol meaning); all \
         other records are application_data (type 23), about 10 each way after the handshake, \
         consistent with SSTP.",
    );
    finish_pcap(s, "sstp-tls13.pcap")
}

/// `tls-alert-untrusted.pcap`.
pub fn tls_alert_untrusted() -> Result<Scenario> {
    let mut s = tls_script(
        "TLS refused by the client: fatal alert unknown_ca after the server's certificate",
        "The client opens TLS 1.2 to port 443 (SNI vpn.example.net); the server sends ServerHello, \
         its self-signed certificate `sstp-test-cert.pem`, ServerKeyExchange and ServerHelloDone. \
         5 ms later the client sends a fatal alert unknown_ca (48) in clear and closes the \
         connection: it does not trust the certificate's root.",
    )?;
    let mut noise = Noise::new(0x544C_5341_4C01);
    let mut c = tls_connection(&mut s, client_v4(), server_v4());
    let ch = client_hello_12(&mut noise)?;
    let t = hello(&mut s, &mut c, &ch)?;
    s.wait(RTT);
    let flight = tls12_flight(&mut noise, TestCert::First)?;
    let server = send_records(&mut s, &mut c, t, Side::Server, &flight_records(&flight)?, &[])?;
    tls_negotiated(&mut s, t, version::TLS1_2, TLS12_SUITE, TestCert::First);
    s.wait(ms(5));
    let alert_frames = send_records(
        &mut s,
        &mut c,
        t,
        Side::Client,
        &[Rec::alert(version::TLS1_2, alert::FATAL, alert::UNKNOWN_CA)],
        &[],
    )?;
    c.tcp.close(&mut s.trace, Side::Client, RTT)?;
    s.conclude(format!(
        "TLS 1.2 handshake to 203.0.113.5:443 (SNI vpn.example.net): the server presented \
         `sstp-test-cert.pem` (frame {}), a self-signed certificate for CN vpn.example.net.",
        server.first().copied().unwrap_or(0)
    ));
    s.conclude(format!(
        "The client answered with a fatal alert unknown_ca (48) in clear (frame {}) and closed the \
         connection: it does not trust the certificate's issuer. On Windows this is error \
         0x800B0109 (CERT_E_UNTRUSTEDROOT): the server certificate's root is not in the client's \
         trusted root store.",
        alert_frames.first().copied().unwrap_or(0)
    ));
    s.conclude("No ChangeCipherSpec, no application data, no SSTP.");
    finish_pcap(s, "tls-alert-untrusted.pcap")
}

/// `tls-closed-no-sstp.pcap`.
pub fn tls_closed_no_sstp() -> Result<Scenario> {
    let mut s = tls_script(
        "TLS completes, then the client closes without sending anything (revocation check failed)",
        "A complete TLS 1.2 handshake to port 443 (SNI vpn.example.net, certificate \
         `sstp-test-cert.pem`, ChangeCipherSpec and Finished both ways). The client then sends \
         nothing for 15 s, sends close_notify and FIN; the server answers with its own \
         close_notify and FIN. Not one application_data record.",
    )?;
    let mut noise = Noise::new(0x544C_5343_4C01);
    let mut c = tls_connection(&mut s, client_v4(), server_v4());
    let t = tls12_handshake(&mut s, &mut c, &mut noise, TestCert::First)?;
    s.wait(ms(40));
    c.tcp.ack(&mut s.trace, Side::Client)?;
    s.wait(secs(15));
    tls12_close(&mut s, &mut c, t, &mut noise, Side::Client)?;
    s.conclude(
        "The TLS 1.2 handshake to 203.0.113.5:443 completed (ChangeCipherSpec and encrypted \
         Finished from both sides; certificate `sstp-test-cert.pem`).",
    );
    s.conclude(
        "No application_data followed: the client never sent the SSTP HTTP request. 15 s after \
         the handshake it closed the connection (close_notify, FIN). This is the pattern of a \
         client rejecting the certificate after the handshake, typically because it cannot check \
         revocation (CRL/OCSP unreachable): Windows error 0x80092013 (CRYPT_E_REVOCATION_OFFLINE).",
    );
    s.conclude("No SSTP.");
    finish_pcap(s, "tls-closed-no-sstp.pcap")
}

/// `sstp-pool-two-certs.pcap`.
pub fn sstp_pool_two_certs() -> Result<Scenario> {
    let mut s = tls_script(
        "Load-balanced pool with inconsistent certificates: same SNI, two certificates",
        "Two clients connect to two servers of one pool (203.0.113.5 and 203.0.113.6, port 443), \
         both asking for vpn.example.net. The first server presents `sstp-test-cert.pem`, the \
         second `sstp-test-cert-2.pem` (same name, another key). Both handshakes complete and \
         carry a little application data, then close.",
    )?;
    let mut noise = Noise::new(0x504F_4F4C_0001);
    let mut a = tls_connection(&mut s, client_v4(), server_v4());
    let b_tcp = TcpConversation::new(
        TcpEndpoint {
            host: client_b_v4(),
            port: SSTP_CLIENT_PORT,
            isn: CLIENT_B_ISN,
            window: CLIENT_WINDOW,
        },
        TcpEndpoint {
            host: server_b_v4(),
            port: TLS_PORT,
            isn: SERVER_B_ISN,
            window: SERVER_WINDOW,
        },
        Link::ethernet(),
    );
    let mut b = connection(&mut s, b_tcp, "TLS");
    let ta = tls12_handshake(&mut s, &mut a, &mut noise, TestCert::First)?;
    s.wait(ms(300));
    let tb = tls12_handshake(&mut s, &mut b, &mut noise, TestCert::Second)?;
    s.wait(ms(5));
    sstp_shaped_traffic(&mut s, &mut a, ta, &mut noise, TLS12_GCM_OVERHEAD, 3, secs(1))?;
    sstp_shaped_traffic(&mut s, &mut b, tb, &mut noise, TLS12_GCM_OVERHEAD, 3, secs(1))?;
    tls12_close(&mut s, &mut a, ta, &mut noise, Side::Client)?;
    tls12_close(&mut s, &mut b, tb, &mut noise, Side::Client)?;
    s.conclude(
        "Two TLS 1.2 connections with the same SNI vpn.example.net: A 198.51.100.23 → \
         203.0.113.5:443, B 192.0.2.77 → 203.0.113.6:443. Both handshakes completed and carried \
         application data.",
    );
    s.conclude(
        "The servers presented different certificates for the same name: A `sstp-test-cert.pem` \
         (SHA-256 d86f9341…09e614), B `sstp-test-cert-2.pem` (SHA-256 65443e4b…a0402f). A pool \
         behind one name with inconsistent certificates: clients that pin or bind one certificate \
         (an SSTP crypto binding checked against a fixed hash) fail on the other server.",
    );
    finish_pcap(s, "sstp-pool-two-certs.pcap")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::truth::{TlsRecordTruth, TlsTruth};

    const C: Side = Side::Client;
    const S: Side = Side::Server;

    fn tls_of(sc: &Scenario) -> &[TlsTruth] {
        &sc.truth.sstp.as_ref().unwrap().tls
    }

    /// (frame, sender, content type, handshake types) of the records that
    /// are not application_data.
    fn control_records(t: &TlsTruth) -> Vec<(u64, Side, u8, Vec<u8>)> {
        t.records
            .iter()
            .filter(|r| r.content_type != content_type::APPLICATION_DATA)
            .map(|r| (r.frame, r.from, r.content_type, r.handshake.clone()))
            .collect()
    }

    fn app_count(t: &TlsTruth, from: Side) -> usize {
        t.records
            .iter()
            .filter(|r| r.content_type == content_type::APPLICATION_DATA && r.from == from)
            .count()
    }

    #[test]
    fn tls12_split_flight_and_sstp_shaped_traffic() {
        let sc = sstp_tls12().unwrap();
        assert_eq!(sc.truth.frames, 75);
        let t = &tls_of(&sc)[0];
        assert_eq!(t.sni.as_deref(), Some("vpn.example.net"));
        assert_eq!(t.offered_versions, [0x0304, 0x0303]);
        assert_eq!((t.version, t.cipher_suite), (Some(0x0303), Some(0xC030)));
        assert_eq!(
            t.certificate_sha256.as_deref(),
            Some("d86f9341d56f7e54584e0bc95b11c08e6fd1705620d2fb27b6423630df09e614")
        );
        assert_eq!(
            control_records(t),
            [
                (4, C, 22, vec![1]),
                (7, S, 22, vec![2]),
                (8, S, 22, vec![11, 12, 14]),
                (9, C, 22, vec![16]),
                (9, C, 20, vec![]),
                (9, C, 22, vec![]),
                (10, S, 20, vec![]),
                (10, S, 22, vec![]),
                (71, C, 21, vec![]),
                (73, S, 21, vec![]),
            ]
        );
        assert_eq!(t.records[1].handshake_started, [11]);
        assert_eq!((app_count(t, C), app_count(t, S)), (30, 30));
        let finished: Vec<&TlsRecordTruth> = t
            .records
            .iter()
            .filter(|r| r.inner.as_deref() == Some("Finished"))
            .collect();
        assert_eq!(
            finished.iter().map(|r| (r.frame, r.length)).collect::<Vec<_>>(),
            [(9, 40), (10, 40)]
        );
    }

    #[test]
    fn tls13_only_hellos_in_clear() {
        let sc = sstp_tls13().unwrap();
        assert_eq!(sc.truth.frames, 32);
        let t = &tls_of(&sc)[0];
        assert_eq!((t.version, t.cipher_suite), (Some(0x0304), Some(0x1302)));
        assert!(!t.certificate_visible);
        assert_eq!(
            control_records(t),
            [
                (4, C, 22, vec![1]),
                (5, S, 22, vec![2]),
                (5, S, 20, vec![]),
                (7, C, 20, vec![])
            ]
        );
        // Server: EncryptedExtensions, Certificate, CertificateVerify,
        // Finished, 10 application records, close_notify; client: Finished,
        // 10 records, close_notify.
        assert_eq!((app_count(t, C), app_count(t, S)), (12, 15));
        assert!(t.records.iter().all(|r| r.encrypted == (r.content_type == 23)));
    }

    #[test]
    fn unknown_ca_alert_after_the_certificate() {
        let sc = tls_alert_untrusted().unwrap();
        assert_eq!(sc.truth.frames, 9);
        let t = &tls_of(&sc)[0];
        assert!(t.offered_versions.is_empty());
        assert_eq!(
            control_records(t),
            [
                (4, C, 22, vec![1]),
                (5, S, 22, vec![2]),
                (5, S, 22, vec![11]),
                (5, S, 22, vec![12]),
                (5, S, 22, vec![14]),
                (6, C, 21, vec![]),
            ]
        );
        assert_eq!(t.records[5].alert, Some((2, 48)));
        assert!(!t.records[5].encrypted);
        assert_eq!((app_count(t, C), app_count(t, S)), (0, 0));
    }

    #[test]
    fn handshake_then_close_without_data() {
        let sc = tls_closed_no_sstp().unwrap();
        assert_eq!(sc.truth.frames, 13);
        let t = &tls_of(&sc)[0];
        assert_eq!((app_count(t, C), app_count(t, S)), (0, 0));
        let closes: Vec<(u64, Side, bool)> = t
            .records
            .iter()
            .filter(|r| r.content_type == 21)
            .map(|r| (r.frame, r.from, r.encrypted))
            .collect();
        assert_eq!(closes, [(9, C, true), (11, S, true)]);
    }

    #[test]
    fn pool_presents_two_certificates_for_one_name() {
        let sc = sstp_pool_two_certs().unwrap();
        assert_eq!(sc.truth.frames, 36);
        let truth = sc.truth.sstp.as_ref().unwrap();
        let servers: Vec<String> = truth.connections.iter().map(|c| c.server.to_string()).collect();
        assert_eq!(servers, ["203.0.113.5:443", "203.0.113.6:443"]);
        let t = tls_of(&sc);
        assert!(t.iter().all(|t| t.sni.as_deref() == Some("vpn.example.net")));
        assert_eq!(
            t.iter()
                .map(|t| t.certificate_file.as_deref())
                .collect::<Vec<_>>(),
            [Some("sstp-test-cert.pem"), Some("sstp-test-cert-2.pem")]
        );
        assert_ne!(t[0].certificate_sha256, t[1].certificate_sha256);
        assert!(t.iter().all(|t| app_count(t, C) == 3 && app_count(t, S) == 3));
    }
}
