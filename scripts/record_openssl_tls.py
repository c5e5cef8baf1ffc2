#!/usr/bin/env python3
"""Plays an SSTP exchange through `openssl s_client` and `openssl s_server`
on loopback while tcpdump records it. Called by record-openssl-tls.sh, which
says what the arguments are; run that script, not this one.

Each step file (NN-client.bin / NN-server.bin, from
`cargo run --example sstp_exchange`) is written to that side's standard
input in order, with a pause after each so that every write becomes its own
TLS record before the next one starts. What each side prints is what it
received; both must equal the concatenated steps of the other side, or the
recording is refused.
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path


def drain(stream, sink):
    """Collects everything a process writes to a pipe."""
    while True:
        chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
        if not chunk:
            return
        sink.extend(chunk)


def wait_for(predicate, what, timeout):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            sys.exit(f"record_openssl_tls: timed out waiting for {what}")
        time.sleep(0.02)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", required=True, type=Path)
    p.add_argument("--pcap", required=True, type=Path)
    p.add_argument("--keylog", required=True, type=Path)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--cipher", default="AES128-SHA256")
    p.add_argument("--port", default="443")
    p.add_argument("--pause", type=float, default=0.1)
    a = p.parse_args()

    steps = sorted(a.steps.glob("[0-9][0-9]-*.bin"))
    if not steps:
        sys.exit(f"record_openssl_tls: no steps in {a.steps}")
    sent = {"client": bytearray(), "server": bytearray()}
    plan = []
    for f in steps:
        side = f.stem.split("-", 1)[1]
        data = f.read_bytes()
        plan.append((side, data))
        sent[side].extend(data)

    for f in (a.pcap, a.keylog):
        if f.exists():
            f.unlink()

    tcpdump_err = bytearray()
    tcpdump = subprocess.Popen(
        ["tcpdump", "-i", "lo", "--immediate-mode", "-U", "-s", "0", "-w", str(a.pcap), f"tcp port {a.port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    threading.Thread(target=drain, args=(tcpdump.stderr, tcpdump_err), daemon=True).start()
    wait_for(lambda: b"listening on" in tcpdump_err, "tcpdump to start", 10)

    received = {"client": bytearray(), "server": bytearray()}
    server_err = bytearray()
    server = subprocess.Popen(
        ["openssl", "s_server", "-accept", a.port, "-naccept", "1", "-quiet",
         "-cert", a.cert, "-key", a.key, "-tls1_2", "-cipher", a.cipher],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    threading.Thread(target=drain, args=(server.stdout, received["server"]), daemon=True).start()
    threading.Thread(target=drain, args=(server.stderr, server_err), daemon=True).start()
    time.sleep(0.5)

    # -quiet turns -ign_eof on; -no_ign_eof turns it back off so that the
    # end of standard input makes s_client send close_notify and close.
    # Command letters (Q, R, k…) are off: SSTP bytes must not be read as
    # commands.
    client_err = bytearray()
    client = subprocess.Popen(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{a.port}", "-tls1_2", "-quiet",
         "-no_ign_eof", "-nocommands", "-keylogfile", str(a.keylog),
         "-servername", "vpn.example.net", "-verify_hostname", "vpn.example.net",
         "-CAfile", a.cert, "-verify_return_error"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    threading.Thread(target=drain, args=(client.stdout, received["client"]), daemon=True).start()
    threading.Thread(target=drain, args=(client.stderr, client_err), daemon=True).start()
    wait_for(lambda: a.keylog.exists() and a.keylog.stat().st_size > 0, "the TLS handshake", 10)
    time.sleep(a.pause)

    procs = {"client": client, "server": server}
    for side, data in plan:
        pipe = procs[side].stdin
        pipe.write(data)
        pipe.flush()
        time.sleep(a.pause)

    client.stdin.close()
    try:
        client.wait(timeout=10)
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        for proc in (client, server):
            if proc.poll() is None:
                proc.kill()
        sys.exit("record_openssl_tls: openssl did not finish; stderr:\n"
                 + client_err.decode(errors="replace") + server_err.decode(errors="replace"))
    # Without immediate mode libpcap hands packets over in blocks and
    # drops the last one on SIGINT; give it time anyway.
    time.sleep(1.5)
    tcpdump.send_signal(signal.SIGINT)
    tcpdump.wait(timeout=10)
    time.sleep(0.1)
    print(tcpdump_err.decode(errors="replace").strip(), file=sys.stderr)

    ok = True
    for side, peer in (("client", "server"), ("server", "client")):
        if bytes(received[peer]) != bytes(sent[side]):
            ok = False
            print(f"record_openssl_tls: the {peer} received {len(received[peer])} bytes, "
                  f"the {side} sent {len(sent[side])}", file=sys.stderr)
    if not ok:
        print(client_err.decode(errors="replace"), server_err.decode(errors="replace"), file=sys.stderr)
        sys.exit(1)
    print(f"recorded {len(plan)} steps in {a.pcap}; key log {a.keylog}")


if __name__ == "__main__":
    main()
