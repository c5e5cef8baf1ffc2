#!/usr/bin/env bash
# Whole-binary benchmark: tunnelscope against tshark, side by side in one run.
#
#   scripts/bench.sh             # generated captures in benches/data/ (made when absent)
#   scripts/bench.sh CAPTURE     # your capture; its prefixes are cut with editcap
#
# Builds the release binary and the capture generator, then measures
#   tunnelscope --format json CAPTURE > /dev/null
#   tshark -n -r PREFIX -T fields -e gre.key.call_id -e gre.sequence_number -e gre.ack_number > /dev/null
# with /usr/bin/time -v (user and system time, peak RSS) and the wall clock.
# tshark names the GRE Call ID field gre.key.call_id (there is no
# gre.call_id); -n turns off name resolution, which tunnelscope never does.
# tshark is slow, so it reads a smaller capture (TSHARK_PACKETS GRE packets,
# default 1 000 000) and per-packet rates are compared; tunnelscope reads
# that same capture too, for a same-file ratio. Both run pinned to CPU 0
# with taskset, tunnelscope also unpinned once. Peak RSS is measured on the
# full capture and on one of a quarter its size, to show memory stays flat.
#
# Generated captures (examples/gen_bench_capture.rs) are named after their
# packet and call counts, so changing PACKETS or CALLS makes new ones. The
# file is read once before timing so that every run reads from the page
# cache: CPU is measured, not the disk.
#
# Times on a shared machine move with its load, so when valgrind is
# installed the script also counts the instructions tunnelscope executes on
# the smaller capture (callgrind; the whole run, start-up and report
# included), a figure the load does not change.
#
# Environment: PACKETS (10000000), CALLS (100), TSHARK_PACKETS (1000000),
# RUNS (3; tunnelscope runs per capture, the fastest kept), SKIP_TSHARK=1,
# SKIP_CALLGRIND=1.
# Needs /usr/bin/time, tshark, editcap and capinfos; run as root it installs
# the Debian packages time and tshark when they are missing.
#
# Output: a markdown report on standard output, also kept in
# benches/data/last-run.md. Its table keeps each row's fastest run; the
# median and slowest of the runs follow it, since a shared machine's
# times move from run to run.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKETS=${PACKETS:-10000000}
CALLS=${CALLS:-100}
TSHARK_PACKETS=${TSHARK_PACKETS:-1000000}
RUNS=${RUNS:-3}
SKIP_TSHARK=${SKIP_TSHARK:-0}
SKIP_CALLGRIND=${SKIP_CALLGRIND:-0}
data=benches/data
mkdir -p "$data"
say() { echo "bench.sh: $*" >&2; }

# --- tools ------------------------------------------------------------------
need=()
[ -x /usr/bin/time ] || need+=(time)
if [ "$SKIP_TSHARK" != 1 ] || [ $# -gt 0 ]; then
    command -v tshark >/dev/null && command -v editcap >/dev/null && command -v capinfos >/dev/null \
        || need+=(tshark)
fi
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing ${need[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y "${need[@]}" >&2 || { apt-get update >&2 && apt-get install -y "${need[@]}" >&2; }
    else
        say "missing: ${need[*]} (Debian: apt-get install ${need[*]})"
        exit 2
    fi
fi
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); else say "taskset missing: nothing is pinned"; fi

# --- build ------------------------------------------------------------------
say "building (release)"
cargo build --release --quiet --bin tunnelscope --example gen_bench_capture
bin=target/release/tunnelscope
gen=target/release/examples/gen_bench_capture

# --- captures ---------------------------------------------------------------
# Each capture gets an .info file: "frames=N pcap_bytes=B ...".
generated() { # name packets
    local pcap=$data/$1.pcap
    if [ ! -s "$pcap" ] || [ ! -s "$data/$1.info" ]; then
        say "generating $pcap ($2 GRE packets, $CALLS calls)"
        "$gen" "$pcap" --packets "$2" --calls "$CALLS" | tee "$data/$1.log" >&2
        tail -n 1 "$data/$1.log" > "$data/$1.info"
    fi
    echo "$pcap"
}
info_of() { # pcap; the .info of a capture not generated here comes from capinfos
    local pcap=$1 info frames
    info=$data/$(basename "${pcap%.*}").info
    if [ ! -s "$info" ]; then
        frames=$(capinfos -c -M "$pcap" | awk -F': *' '/Number of packets/ {print $2}')
        echo "frames=$frames pcap_bytes=$(stat -L -c %s "$pcap")" > "$info"
    fi
    cat "$info"
}
field() { # info-line key
    tr ' ' '\n' <<< "$1" | awk -F= -v k="$2" '$1 == k {print $2}'
}

if [ $# -gt 0 ]; then
    full=$1
    [ -r "$full" ] || { say "cannot read $full"; exit 2; }
    origin="given capture $full"
    full_frames=$(field "$(info_of "$full")" frames)
    stem=$data/$(basename "${full%.*}")
    quarter=$stem-first-$((full_frames / 4)).pcap
    prefix=$stem-first-$TSHARK_PACKETS.pcap
    [ -s "$quarter" ] || editcap -F pcap -r "$full" "$quarter" "1-$((full_frames / 4))"
    [ -s "$prefix" ] || editcap -F pcap -r "$full" "$prefix" "1-$TSHARK_PACKETS"
    small_what="the first $TSHARK_PACKETS frames of the capture (editcap -r)"
else
    full=$(generated "bench-${PACKETS}p-${CALLS}c" "$PACKETS")
    quarter=$(generated "bench-$((PACKETS / 4))p-${CALLS}c" "$((PACKETS / 4))")
    prefix=$(generated "bench-${TSHARK_PACKETS}p-${CALLS}c" "$TSHARK_PACKETS")
    origin="generated by examples/gen_bench_capture.rs: $PACKETS GRE packets over $CALLS PPTP calls"
    small_what="a capture of the same $CALLS calls and traffic mix with $TSHARK_PACKETS GRE packets (gen_bench_capture --packets $TSHARK_PACKETS)"
fi

# --- measuring --------------------------------------------------------------
# One result per line: label|capture|frames|bytes|wall_s|cpu_s|rss_kb
results=()
# One line per measured row: label|capture|frames|median wall_s|slowest wall_s|runs
spreads=()
timed() { # out-file cmd... ; prints wall seconds, output to /dev/null
    local out=$1 t0 t1 status=0
    shift
    t0=$(date +%s%N)
    /usr/bin/time -v -o "$out" "$@" > /dev/null 2>> "$data/stderr.log" || status=$?
    t1=$(date +%s%N)
    # tunnelscope exits 1 when it reports findings; anything above is a failure.
    if [ "$status" -gt 1 ]; then
        say "$* failed with status $status (see $data/stderr.log)"
        exit 1
    fi
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}'
}
measure() { # label runs capture cmd...
    local label=$1 runs=$2 pcap=$3 info frames bytes best="" wall cpu rss tv=$data/time.txt walls=()
    shift 3
    info=$(info_of "$pcap")
    frames=$(field "$info" frames)
    bytes=$(stat -L -c %s "$pcap")
    cat "$pcap" > /dev/null # into the page cache
    for ((r = 0; r < runs; r++)); do
        wall=$(timed "$tv" "$@")
        walls+=("$wall")
        cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.2f", u + s}' "$tv")
        rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
        if [ -z "$best" ] || awk -v a="$wall" -v b="${best%%|*}" 'BEGIN {exit !(a < b)}'; then
            best="$wall|$cpu|$rss"
        fi
    done
    say "$label on $(basename "$pcap"): $best (wall s|cpu s|rss KB)"
    results+=("$label|$(basename "$pcap")|$frames|$bytes|$best")
    local spread
    spread=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{w[NR] = $1} END {
        m = (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2
        printf "%.3f|%.3f|%d", m, w[NR], NR }')
    spreads+=("$label|$(basename "$pcap")|$frames|$spread")
}

: > "$data/stderr.log"
say "measuring tunnelscope (best of $RUNS runs each)"
measure "tunnelscope" "$RUNS" "$full" "$bin" --format json "$full"
measure "tunnelscope, CPU 0" "$RUNS" "$full" "${pin[@]}" "$bin" --format json "$full"
measure "tunnelscope, CPU 0" "$RUNS" "$quarter" "${pin[@]}" "$bin" --format json "$quarter"
measure "tunnelscope, CPU 0" "$RUNS" "$prefix" "${pin[@]}" "$bin" --format json "$prefix"
if [ "$SKIP_TSHARK" != 1 ]; then
    say "measuring tshark on $(basename "$prefix") (one run; takes a while)"
    measure "tshark, CPU 0" 1 "$prefix" "${pin[@]}" tshark -n -r "$prefix" -T fields \
        -e gre.key.call_id -e gre.sequence_number -e gre.ack_number
fi

instructions=""
if [ "$SKIP_CALLGRIND" != 1 ] && command -v valgrind >/dev/null; then
    say "counting instructions on $(basename "$prefix") (callgrind; takes a while)"
    if valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" --format json "$prefix" \
        > /dev/null 2> "$data/callgrind.log" || [ $? -eq 1 ]; then
        instructions=$(awk '/Collected :/ {print $NF}' "$data/callgrind.log")
    fi
fi

# --- report -----------------------------------------------------------------
tshark_version=$(tshark --version 2>/dev/null | head -n 1 || echo "tshark not run")
cpu_model=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
report() {
    echo "## tunnelscope vs tshark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- machine: $(nproc) CPUs ($cpu_model), $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo) RAM, load average at the end $(cut -d' ' -f1-3 /proc/loadavg) (shared, noisy)"
    echo "- tunnelscope $(git describe --always --dirty 2>/dev/null || echo '?'), $(rustc --version); $tshark_version"
    echo "- capture: $origin"
    echo "- tshark reads $small_what"
    echo "- wall: fastest of $RUNS runs for tunnelscope, one run for tshark; CPU = user + system time of that run; files read from the page cache"
    echo
    echo "| program | capture | frames | MB | wall s | CPU s | GB/s (wall) | M frames/s (wall) | M frames/s (CPU) | peak RSS MB |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    local line
    for line in "${results[@]}"; do
        IFS='|' read -r label name frames bytes wall cpu rss <<< "$line"
        awk -v l="$label" -v n="$name" -v f="$frames" -v b="$bytes" -v w="$wall" -v c="$cpu" -v r="$rss" 'BEGIN {
            cr = (c > 0) ? sprintf("%.2f", f / c / 1e6) : "n/a"
            printf "| %s | %s | %d | %.0f | %.2f | %.2f | %.3f | %.2f | %s | %.1f |\n",
                l, n, f, b / 1e6, w, c, b / w / 1e9, f / w / 1e6, cr, r / 1024 }'
    done
    echo
    # The machine's noise: median and slowest of each row's runs.
    echo "Spread of the wall times (the table keeps the fastest run):"
    echo
    local row
    for row in "${spreads[@]}"; do
        IFS='|' read -r label name frames median slowest runs <<< "$row"
        awk -v l="$label" -v n="$name" -v f="$frames" -v m="$median" -v s="$slowest" -v r="$runs" 'BEGIN {
            if (r > 1) printf "- %s, %s: median %.2f s (%.2f M frames/s), slowest %.2f s, of %d runs\n", l, n, m, f / m / 1e6, s, r }'
    done
    echo
    # Ratios and targets from the rows above.
    printf '%s\n' "${results[@]}" | awk -F'|' -v tshark="$SKIP_TSHARK" '
        # Rates per second by wall and by CPU time; CPU times under 10 ms read as 0.
        function per(x, t) { return t > 0 ? x / t : -1 }
        function ratio(a, b) { return (a > 0 && b > 0) ? sprintf("%.0f×", a / b) : "n/a" }
        function show(v, scale, fmt) { return v >= 0 ? sprintf(fmt, v / scale) : "n/a" }
        { L[NR] = $1; F[NR] = $3; B[NR] = $4; W[NR] = $5; C[NR] = $6; R[NR] = $7 }
        END {
            # rows: 1 unpinned full, 2 pinned full, 3 pinned quarter, 4 pinned prefix, 5 tshark prefix
            if (tshark != 1 && NR >= 5) {
                printf "Ratios (frames per second, tunnelscope / tshark):\n\n"
                printf "- full capture (CPU 0) vs tshark on the smaller one: %s by wall time, %s by CPU time\n",
                    ratio(per(F[2], W[2]), per(F[5], W[5])), ratio(per(F[2], C[2]), per(F[5], C[5]))
                printf "- same smaller capture, both on CPU 0: %s by wall time, %s by CPU time\n\n",
                    ratio(per(F[4], W[4]), per(F[5], W[5])), ratio(per(F[4], C[4]), per(F[5], C[5]))
            }
            printf "Targets (full capture, CPU 0):\n\n"
            printf "- ≥ 1 GB/s: %s GB/s by wall time, %s GB/s by CPU time\n",
                show(per(B[2], W[2]), 1e9, "%.2f"), show(per(B[2], C[2]), 1e9, "%.2f")
            printf "- ≥ 10 M packets/s: %s M/s by wall time, %s M/s by CPU time\n",
                show(per(F[2], W[2]), 1e6, "%.2f"), show(per(F[2], C[2]), 1e6, "%.2f")
            if (tshark != 1 && NR >= 5)
                printf "- ≥ 100× tshark: %s (same capture, wall time)\n", ratio(per(F[4], W[4]), per(F[5], W[5]))
            printf "- peak RSS < 64 MB: %.1f MB; flat: %.1f MB at %d frames, %.1f MB at %d frames (%.1f× the frames)\n",
                R[2] / 1024, R[3] / 1024, F[3], R[2] / 1024, F[2], F[2] / F[3]
        }'
    if [ -n "$instructions" ]; then
        local frames
        frames=$(field "$(info_of "$prefix")" frames)
        echo
        awk -v i="$instructions" -v f="$frames" -v n="$(basename "$prefix")" 'BEGIN {
            printf "Instructions (callgrind, whole run of tunnelscope on %s, start-up and report included): %d, %.0f per frame\n", n, i, i / f }'
    fi
}
report | tee "$data/last-run.md"
