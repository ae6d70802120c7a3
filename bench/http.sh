#!/bin/bash
# http.sh - connections per second with Connection: close (wrk, 2 threads, 50 connections) against
# hanipo with every request stored and against bench/ref.c (logs nothing) in the same run, printing
# the ratio; then hanipo's RSS idle and with 10,000 idle connections open, and whether a new request
# is still answered meanwhile. Usage: bench/http.sh [SECONDS] (per run, default 10); ROUNDS sets the
# rounds per layout (default 5); HANIPO_OPTS adds options to the measured hanipo (e.g.
# "-o fingerprints.syn=false" for the cost of SYN fingerprints).
set -eu
cd "$(dirname "$0")/.."
DUR=${1:-10}
BUILD=${BUILD:-build}
HANIPO_OPTS=${HANIPO_OPTS:-}
HANIPO=$BUILD/hanipo
REF=$BUILD/bench/ref
ART=${ART:-data/art}
command -v wrk >/dev/null || { echo "http.sh: wrk missing (make deps-test)" >&2; exit 2; }
[ -x "$HANIPO" ] && [ -x "$REF" ] || { echo "http.sh: build first (make)" >&2; exit 2; }
. bench/common.sh
rps() { awk '/Requests\/sec/ {print $2}'; }

# Two layouts, each with both servers started the same way, so each ratio compares like with like:
#   shared: servers and wrk share every core (the total CPU cost of a connection decides);
#   pinned: servers on CPU 1, wrk on CPU 0 (how close each server comes on one core of its own).
# A round measures the two servers back to back, in turns (ref first, then hanipo first), and
# gives a ratio; the layout's ratio is the median of its rounds' (ROUNDS, default 5). On these
# VMs the reference alone moves by 15-20 % from one 10 s run to the next: a ratio of two runs
# taken side by side cancels the machine's drift, and the median drops a round that one noisy
# run spoiled. The best of each server's runs (the ratio this script printed before) follows.
ROUNDS=${ROUNDS:-5}
measure() {
	local layout=$1 spin="" cpin="" HP RP HPID RPID best_ref=0 best_hp=0 r h round ratios=""
	if [ "$layout" = pinned ]; then
		[ "$(nproc)" -ge 2 ] || { echo "pinned: needs 2 CPUs, skipped"; return; }
		spin="taskset -c 1"; cpin="taskset -c 0"
	fi
	HP=$(free_port)
	$spin "$HANIPO" run -c data/hanipo.conf -o http.listen=127.0.0.1:$HP -o http.rules=$ART \
	    -o store.path=$TMP/$layout.db -o log.access_log=$TMP/$layout.access_log \
	    -o log.hunting_log=$TMP/$layout.hunting.log -o log.level=warn $HANIPO_OPTS \
	    2>"$TMP/$layout.err" &
	HPID=$!; PIDS+=($HPID)
	RP=$(free_port)
	$spin "$REF" "$RP" & RPID=$!; PIDS+=($RPID)
	wait_port "$HP" || { cat "$TMP/$layout.err"; exit 1; }
	wait_port "$RP"
	for round in $(seq "$ROUNDS"); do
		if [ $((round % 2)) = 1 ]; then
			r=$($cpin wrk -t2 -c50 -d"${DUR}s" -H 'Connection: close' "http://127.0.0.1:$RP/" | rps)
			h=$($cpin wrk -t2 -c50 -d"${DUR}s" -H 'Connection: close' "http://127.0.0.1:$HP/" | rps)
		else
			h=$($cpin wrk -t2 -c50 -d"${DUR}s" -H 'Connection: close' "http://127.0.0.1:$HP/" | rps)
			r=$($cpin wrk -t2 -c50 -d"${DUR}s" -H 'Connection: close' "http://127.0.0.1:$RP/" | rps)
		fi
		ratios="$ratios $(awk -v a="$h" -v b="$r" 'BEGIN{printf "%.3f", a/b}')"
		echo "$layout round $round: ref $r conn/s, hanipo $h conn/s, ratio ${ratios##* }"
		best_ref=$(awk -v a="$best_ref" -v b="$r" 'BEGIN{print (b>a)?b:a}')
		best_hp=$(awk -v a="$best_hp" -v b="$h" 'BEGIN{print (b>a)?b:a}')
	done
	kill "$HPID" "$RPID"; wait "$HPID" 2>/dev/null || true
	echo "$layout: best ref $best_ref conn/s, best hanipo $best_hp conn/s ($(sqlite3 \
	    "$TMP/$layout.db" "select count(*) from events where kind='request'") requests stored)"
	echo "$ratios" | tr ' ' '\n' | grep . | sort -n | awk -v l="$layout" -v bh="$best_hp" \
	    -v br="$best_ref" '{v[NR] = $1} END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
	    printf "ratio hanipo/ref (%s): %.2f (median of %d rounds, %.2f-%.2f; best of each: %.2f)\n",
	    l, m, NR, v[1], v[NR], bh / br}'
}
measure shared
measure pinned

# Memory: a fresh hanipo, idle, then holding 10,000 idle connections.
HP=$(free_port)
"$HANIPO" run -c data/hanipo.conf -o http.listen=127.0.0.1:$HP -o http.rules=$ART \
    -o store.path=$TMP/mem.db -o log.access_log=$TMP/mem.access_log -o log.hunting_log= \
    -o limits.max_connections=20000 -o limits.max_connections_per_source=20000 \
    -o log.level=warn 2>"$TMP/mem.err" &
HPID=$!; PIDS+=($HPID)
wait_port "$HP" || { cat "$TMP/mem.err"; exit 1; }
sleep 0.5
IDLE_KB=$(rss_kb $HPID)

# 10,000 idle connections, then a new request while they are open.
/usr/bin/python3 - "$HP" "$HPID" <<'PY'
import socket, subprocess, sys, time
port, pid = int(sys.argv[1]), sys.argv[2]
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1])
socks = []
for i in range(10000):
    s = socket.socket()
    s.connect(("127.0.0.1", port))
    socks.append(s)
time.sleep(2)
kb = rss()
t0 = time.monotonic()
out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "10",
                      f"http://127.0.0.1:{port}/bench-probe"], capture_output=True, text=True).stdout
dt = time.monotonic() - t0
print(f"RSS with 10000 idle connections: {kb/1024:.1f} MB; new request answered: {out} in {dt*1000:.0f} ms")
for s in socks:
    s.close()
PY
echo "RSS idle: $(awk -v k="$IDLE_KB" 'BEGIN{printf "%.1f", k/1024}') MB"
