#!/usr/bin/env bash
# Records the SSTP session of the recorded TLS captures inside TLS 1.2 made
# by the openssl command line: RSA key exchange, AES-128-CBC with
# HMAC-SHA256 (TLS_RSA_WITH_AES_128_CBC_SHA256, "AES128-SHA256").
#
#   scripts/record-openssl-tls.sh [OUT_DIR]     # default captures/
#
# Writes OUT_DIR/sstp-tls12-rsa-aes128cbc.pcap and its client key log
# OUT_DIR/sstp-tls12-rsa-aes128cbc.keylog (NSS format, CLIENT_RANDOM).
#
# How: `cargo run --example sstp_exchange` writes the session's writes as
# numbered files; `openssl s_server -accept 443` (the throw-away key
# captures/sstp-tls-server.key.pem, -tls1_2 -cipher AES128-SHA256) and
# `openssl s_client -connect 127.0.0.1:443 -tls1_2 -keylogfile …` run on
# loopback while `tcpdump -i lo` records TCP port 443; the helper
# scripts/record_openssl_tls.py feeds each side's standard input the steps in
# order, 100 ms apart, checks that each side received exactly what the
# other sent, and closes the client's input at the end (close_notify, FIN).
# OpenSSL's own defaults stay on: encrypt_then_mac and
# extended_master_secret are offered and accepted, and the server issues a
# session ticket.
#
# Not deterministic: new randoms, a new premaster secret, real timestamps,
# new ephemeral ports on every run. Needs root (port 443, capturing on lo),
# openssl, tcpdump (Debian: apt-get install tcpdump) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-captures}
for tool in openssl tcpdump python3 cargo; do
    command -v "$tool" >/dev/null || { echo "record-openssl-tls.sh: $tool is not installed" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo run -q --example sstp_exchange -- "$work/steps"
mkdir -p "$out"
python3 scripts/record_openssl_tls.py \
    --steps "$work/steps" \
    --pcap "$work/capture.pcap" \
    --keylog "$work/capture.keylog" \
    --cert captures/sstp-tls-server.pem \
    --key captures/sstp-tls-server.key.pem \
    --cipher AES128-SHA256 \
    --port 443
# tcpdump writes the file as root with its own umask; copy it out plainly.
cp "$work/capture.pcap" "$out/sstp-tls12-rsa-aes128cbc.pcap"
cp "$work/capture.keylog" "$out/sstp-tls12-rsa-aes128cbc.keylog"
echo "wrote $out/sstp-tls12-rsa-aes128cbc.pcap and $out/sstp-tls12-rsa-aes128cbc.keylog"
