#!/usr/bin/env bash
# Stores tshark's decode of every capture as golden files, the independent
# reference the tests compare tunnelscope's decode with.
#
#   scripts/golden.sh            # captures/ and, when present, ../shared/captures
#
# Output: tests/golden/<capture file name>.pptp.tsv and .gre.tsv, one line
# per frame that tshark decodes as PPTP / enhanced GRE. Columns are listed in
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
