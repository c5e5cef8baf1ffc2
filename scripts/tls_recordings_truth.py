#!/usr/bin/env python3
"""Writes the ground truth of the recorded TLS captures as tshark shows it
after decryption: captures/tls-recordings.tsv.

    scripts/tls_recordings_truth.py [CAPTURES_DIR]     # default captures/

One row per HTTP head, SSTP packet (control or data, several rows when a
frame carries several), TLS KeyUpdate and TLS alert, in frame order:

    capture  frame  direction  what

`direction` is `client>server` or `server>client` (the server is TCP port
443). `what` is built from tshark's fields:

    HTTP request SSTP_DUPLEX_POST /sra_{...}/     HTTP response 200 OK
    SSTP control SSTP_MSG_CALL_CONNECT_REQUEST
    SSTP control SSTP_MSG_CALL_CONNECTED cert_hash=6294...
    SSTP data PPP LCP Configuration Request id=1
    SSTP data PPP CHAP Response id=1 name=alice
    SSTP data PPP IPCP Configuration Ack id=2 ip=10.8.0.23 dns1=10.8.0.53 dns2=10.8.0.54
    SSTP data IPv4 10.8.0.23>10.8.0.53 UDP 53211>53 DNS query A intranet.example.net
    TLS KeyUpdate                                 TLS alert close_notify

Each capture is decoded with its key log (tls.keylog_file); the pcapng one
also without it (its Decryption Secrets Block alone), the openssl RSA one
also with the server's RSA key alone (uat:rsa_keys). Every way must give the
same rows, or the script stops. Needs tshark (written against 4.0).
"""

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

SERVER_PORT = "443"
KEY = "sstp-tls-server.key.pem"

# (capture, extra decodings that must agree with the key log's)
CAPTURES = [
    ("sstp-tls12-ecdhe-aes128gcm.pcap", []),
    ("sstp-tls12-chacha20.pcap", []),
    ("sstp-tls13-aes256gcm.pcap", []),
    ("sstp-tls13-chacha20.pcap", []),
    ("sstp-tls13-dsb.pcapng", ["secrets-block"]),
    ("sstp-tls12-rsa-aes128cbc.pcap", ["rsa-key"]),
]

FILTER = "sstp || http || tls.handshake.type == 24 || tls.alert_message"


def fields(proto, name):
    return [f for f in proto.iter("field") if f.get("name") == name]


def show(proto, name):
    found = fields(proto, name)
    return found[0].get("show") if found else None


def shown_name(proto, name):
    """The text of a field's showname after the colon, without a trailing
    "(n)": "Code: Configuration Request (1)" -> "Configuration Request"."""
    found = fields(proto, name)
    if not found:
        return None
    text = found[0].get("showname", "").split(": ", 1)[-1]
    if text.endswith(")") and " (" in text:
        text = text.rsplit(" (", 1)[0]
    return text


def rows_of(capture, pdml):
    rows = []
    for packet in ET.fromstring(pdml).iter("packet"):
        protos = packet.findall("proto")
        frame = show(protos[1], "frame.number")
        direction = None
        data = None  # the words of the SSTP data packet being read

        def flush():
            nonlocal data
            if data is not None:
                rows.append((capture, frame, direction, " ".join(data)))
                data = None

        for proto in protos:
            name = proto.get("name")
            if name == "tcp" and direction is None:
                direction = "client>server" if show(proto, "tcp.dstport") == SERVER_PORT else "server>client"
            elif name == "tls":
                for f in proto.iter("field"):
                    if f.get("name") == "tls.handshake.type" and f.get("show") == "24":
                        rows.append((capture, frame, direction, "TLS KeyUpdate"))
                    if f.get("name") == "tls.alert_message.desc":
                        desc = f.get("showname", "").split(": ", 1)[-1].rsplit(" (", 1)[0]
                        rows.append((capture, frame, direction, "TLS alert " + desc.lower().replace(" ", "_")))
            elif name == "http":
                method = show(proto, "http.request.method")
                if method:
                    rows.append((capture, frame, direction,
                                 f"HTTP request {method} {show(proto, 'http.request.uri')}"))
                else:
                    rows.append((capture, frame, direction,
                                 f"HTTP response {show(proto, 'http.response.code')} "
                                 f"{show(proto, 'http.response.phrase')}"))
            elif name == "sstp":
                flush()
                if show(proto, "sstp.iscontrol") == "1":
                    words = ["SSTP control", shown_name(proto, "sstp.messagetype")]
                    cert_hash = show(proto, "sstp.cert_hash")
                    if cert_hash:
                        words.append("cert_hash=" + cert_hash.replace(":", ""))
                    rows.append((capture, frame, direction, " ".join(words)))
                else:
                    data = ["SSTP data"]
            elif data is None:
                continue
            elif name in ("lcp", "ipcp"):
                words = ["PPP", name.upper(), shown_name(proto, "ppp.code"),
                         "id=" + show(proto, "ppp.identifier")]
                for field, key in (("ipcp.opt.ip_address", "ip"), ("ipcp.opt.pri_dns_address", "dns1"),
                                   ("ipcp.opt.sec_dns_address", "dns2")):
                    value = show(proto, field)
                    if value:
                        words.append(f"{key}={value}")
                data.extend(words)
            elif name == "chap":
                data.extend(["PPP CHAP", shown_name(proto, "chap.code"), "id=" + show(proto, "chap.identifier")])
                user = show(proto, "chap.name")
                if user and shown_name(proto, "chap.code") == "Response":
                    data.append("name=" + user)
            elif name == "ip":
                data.append(f"IPv4 {show(proto, 'ip.src')}>{show(proto, 'ip.dst')}")
            elif name == "udp":
                data.append(f"UDP {show(proto, 'udp.srcport')}>{show(proto, 'udp.dstport')}")
            elif name == "dns":
                qname = show(proto, "dns.qry.name")
                if show(proto, "dns.flags.response") == "1":
                    data.append(f"DNS response {qname} A {show(proto, 'dns.a')}")
                else:
                    data.append(f"DNS query A {qname}")
        flush()
    return rows


def decode(directory, capture, how):
    args = ["tshark", "-r", str(directory / capture), "-Y", FILTER, "-T", "pdml"]
    stem = capture.rsplit(".", 1)[0]
    if how == "key-log":
        args += ["-o", f"tls.keylog_file:{directory / (stem + '.keylog')}"]
    elif how == "rsa-key":
        args += ["-o", f'uat:rsa_keys:"{directory / KEY}",""']
    elif how != "secrets-block":
        raise ValueError(how)
    out = subprocess.run(args, check=True, capture_output=True).stdout
    return rows_of(capture, out)


def main():
    directory = Path(sys.argv[1] if len(sys.argv) > 1 else "captures")
    lines = ["capture\tframe\tdirection\twhat"]
    for capture, others in CAPTURES:
        rows = decode(directory, capture, "key-log")
        if not any(r[3].startswith("SSTP control") for r in rows):
            sys.exit(f"{capture}: tshark shows no SSTP: not decrypted")
        for how in others:
            if decode(directory, capture, how) != rows:
                sys.exit(f"{capture}: decoding with the {how} gives other rows than with the key log")
        lines += ["\t".join(r) for r in rows]
        print(f"{capture}: {len(rows)} rows", file=sys.stderr)
    (directory / "tls-recordings.tsv").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
