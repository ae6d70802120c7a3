#!/bin/bash
# syn.sh - the accept-path cost of SYN fingerprints: two hanipo processes, one with
# [fingerprints] syn = false, one with it on (every connection's SYN saved, decoded, named, stored),
# loaded alike (wrk, 2 threads, 50 connections, Connection: close) in alternating rounds. Prints,
# per side, the best connections/s and the least CPU time (user+system, all threads) per
# connection, then the ratios on/off. CPU per connection is what the feature costs; it moves far
# less with other load on the machine than connections/s do. Usage: bench/syn.sh [SECONDS] (5).
set -eu
cd "$(dirname "$0")/.."
DUR=${1:-5}
BUILD=${BUILD:-build}
HANIPO=$BUILD/hanipo
ART=${ART:-data/art}
command -v wrk >/dev/null || { echo "syn.sh: wrk missing (make deps-test)" >&2; exit 2; }
[ -x "$HANIPO" ] || { echo "syn.sh: build first (make)" >&2; exit 2; }
. bench/common.sh


ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }
HZ=$(getconf CLK_TCK)

declare -A PORT PID BEST_RPS BEST_US
for side in off on; do
	PORT[$side]=$(free_port)
	syn=false; [ "$side" = on ] && syn=true
	"$HANIPO" run -c data/hanipo.conf -o http.listen=127.0.0.1:${PORT[$side]} \
	    -o http.rules=$ART -o store.path=$TMP/$side.db -o log.access_log=$TMP/$side.log \
	    -o log.hunting_log= -o log.level=warn -o fingerprints.syn=$syn 2>"$TMP/$side.err" &
	PID[$side]=$!; PIDS+=(${PID[$side]})
	BEST_RPS[$side]=0; BEST_US[$side]=999999
done
for side in off on; do wait_port "${PORT[$side]}" || { cat "$TMP/$side.err"; exit 1; }; done
for round in 1 2 3 4; do
	for side in off on; do
		t0=$(ticks ${PID[$side]})
		out=$(wrk -t2 -c50 -d"${DUR}s" -H 'Connection: close' "http://127.0.0.1:${PORT[$side]}/")
		t1=$(ticks ${PID[$side]})
		n=$(echo "$out" | awk '/requests in/ {print $1}')
		rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
		us=$(awk -v t=$((t1 - t0)) -v n="$n" -v hz="$HZ" 'BEGIN{printf "%.1f", t * 1e6 / hz / n}')
		echo "round $round syn=$side: $rps conn/s, $us us CPU per connection"
		BEST_RPS[$side]=$(awk -v a="${BEST_RPS[$side]}" -v b="$rps" 'BEGIN{print (b>a)?b:a}')
		BEST_US[$side]=$(awk -v a="${BEST_US[$side]}" -v b="$us" 'BEGIN{print (b<a)?b:a}')
	done
done
echo "syn=off: ${BEST_RPS[off]} conn/s, ${BEST_US[off]} us CPU per connection"
echo "syn=on:  ${BEST_RPS[on]} conn/s, ${BEST_US[on]} us CPU per connection ($(sqlite3 "$TMP/on.db" \
    "select count(*) from events where kind='connect' and fields like '%syn_sig%'") connect events with syn_sig)"
awk -v a="${BEST_RPS[on]}" -v b="${BEST_RPS[off]}" -v c="${BEST_US[on]}" -v d="${BEST_US[off]}" \
    'BEGIN{printf "ratio on/off: %.2f conn/s, %.2f CPU per connection\n", a/b, c/d}'
