#!/usr/bin/env bash
# Stores tshark's decode of every capture as golden files, the independent
# reference the tests compare tunnelscope's decode with.
#
#   scripts/golden.sh            # captures/ and, when present, ../shared/captures
#
# Output: tests/golden/<capture file name>.pptp.tsv and .gre.tsv, one line
# per frame that tshark decodes as PPTP / enhanced GRE; .sstp.tsv for the
# captures that decrypt (key logs, server keys), one line per frame with
# HTTP or SSTP inside TLS. Columns are listed in
# the first line (a '#' header). Several messages in one frame are joined
# with ',' as tshark aggregates them. Needs tshark (Debian: apt-get install
# tshark); the tests themselves do not.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tshark >/dev/null || { echo "golden.sh: tshark is not installed" >&2; exit 2; }

out=tests/golden
mkdir -p "$out"

pptp_fields=(frame.number tcp.srcport tcp.dstport tcp.analysis.retransmission pptp.magic_cookie
    pptp.control_message_type pptp.call_id pptp.peer_call_id pptp.control_result pptp.stop_result
    pptp.echo_result pptp.out_result pptp.in_result pptp.disc_result pptp.error pptp.reason
    pptp.identifier pptp.host_name pptp.vendor_name pptp.call_Statistics)
gre_fields=(frame.number frame.protocols gre.flags_and_version gre.proto gre.key.payload_length gre.key.call_id
    gre.sequence_number gre.ack_number)

decode() {
    local file=$1 name filter fields
    name=$(basename "$file")
    for kind in pptp gre; do
        if [ "$kind" = pptp ]; then
            filter=pptp; fields=("${pptp_fields[@]}")
        else
            filter='gre.flags.version == 1 && gre.proto == 0x880b'; fields=("${gre_fields[@]}")
        fi
        args=()
        for f in "${fields[@]}"; do args+=(-e "$f"); done
        {
            printf "#%s\tip.src\tipv6.src\tip.dst\tipv6.dst\n" "$(IFS=$'\t'; echo "${fields[*]}")"
            # Source addresses are printed separately (IPv4 or IPv6, inner-most last).
            tshark -n -r "$file" -Y "$filter" -T fields -E separator=/t -E occurrence=a -E aggregator=, \
                "${args[@]}" -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst 2>/dev/null
        } > "$out/$name.$kind.tsv"
        # A capture without any such frame keeps no file.
        if [ "$(wc -l < "$out/$name.$kind.tsv")" -le 1 ]; then rm -f "$out/$name.$kind.tsv"; fi
    done
}

# Decrypted TLS: tshark's view of SSTP (and of HTTP inside) given the same
# secrets tunnelscope is given. <name>.sstp.tsv lists every frame with HTTP
# or SSTP; several SSTP packets in a frame are joined with ','.
sstp_fields=(frame.number tcp.srcport http.request.method http.request.uri http.response.code
    sstp.iscontrol sstp.messagetype sstp.hash sstp.nonce sstp.cert_hash sstp.status
    ppp.protocol ppp.code chap.code chap.name ipcp.opt.ip_address)
decrypted() {
    local file=$1 name args=()
    shift
    name=$(basename "$file")
    [ -e "$file" ] || return 0
    for f in "${sstp_fields[@]}"; do args+=(-e "$f"); done
    {
        printf "#%s\n" "$(IFS=$'\t'; echo "${sstp_fields[*]}")"
        tshark -n -r "$file" "$@" -Y 'sstp || http' -T fields -E separator=/t -E occurrence=a -E aggregator=, \
            "${args[@]}" 2>/dev/null
    } > "$out/$name.sstp.tsv"
}
rsa_key() { printf 'uat:rsa_keys:"%s",""' "$1"; }
for f in captures/sstp-tls1*.pcap; do
    [ -e "${f%.pcap}.keylog" ] && decrypted "$f" -o "tls.keylog_file:${f%.pcap}.keylog"
done
decrypted captures/sstp-tls13-dsb.pcapng
if [ -d ../shared/captures ]; then
    decrypted ../shared/captures/ajbanjara_Wireshark__sstp2.pcap \
        -o "$(rsa_key ../shared/captures/ajbanjara_Wireshark__vpn-server-legit.key.pem)"
    decrypted ../shared/captures/negatives/ajbanjara_Wireshark__rsasnakeoil2.cap \
        -o "$(rsa_key ../shared/captures/negatives/ajbanjara_Wireshark__rsasnakeoil2.key)"
fi

for f in captures/*.pcap captures/*.pcapng captures/*.gz; do
    [ -e "$f" ] && decode "$f"
done
if [ -d ../shared/captures ]; then
    for f in ../shared/captures/*.pcap ../shared/captures/*.cap ../shared/captures/*.pcapng \
        ../shared/captures/*.dump ../shared/captures/negatives/*; do
        case "$f" in *.key|*.pem|*.pfx|*.md) continue ;; esac
        [ -e "$f" ] && decode "$f"
    done
fi
echo "golden files written to $out"
