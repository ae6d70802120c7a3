#!/bin/bash
# http.sh - connections per second with Connection: close (wrk, 2 threads, 50 connections) against
# hanipo with every request stored and against bench/ref.c (logs nothing) in the same run, printing
# the ratio; then hanipo's RSS idle and with 10,000 idle connections open, and whether a new request
# is still answered meanwhile. Usage: bench/http.sh [SECONDS] (default 10); HANIPO_OPTS adds
# options to the measured hanipo (e.g. "-o fingerprints.syn=false" for the cost of SYN fingerprints).
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
# Rounds alternate the two servers so drift in machine load hits both alike; each keeps its best.
measure() {
	local layout=$1 spin="" cpin="" HP RP HPID RPID best_ref=0 best_hp=0 r h round
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
	for round in 1 2 3; do
		r=$($cpin wrk -t2 -c50 -d"${DUR}s" -H 'Connection: close' "http://127.0.0.1:$RP/" | rps)
		h=$($cpin wrk -t2 -c50 -d"${DUR}s" -H 'Connection: close' "http://127.0.0.1:$HP/" | rps)
		echo "$layout round $round: ref $r conn/s, hanipo $h conn/s"
		best_ref=$(awk -v a="$best_ref" -v b="$r" 'BEGIN{print (b>a)?b:a}')
		best_hp=$(awk -v a="$best_hp" -v b="$h" 'BEGIN{print (b>a)?b:a}')
	done
	kill "$HPID" "$RPID"; wait "$HPID" 2>/dev/null || true
	echo "$layout: ref $best_ref conn/s, hanipo $best_hp conn/s ($(sqlite3 "$TMP/$layout.db" \
	    "select count(*) from events where kind='request'") requests stored)"
	awk -v a="$best_hp" -v b="$best_ref" -v l="$layout" 'BEGIN{printf "ratio hanipo/ref (%s): %.2f\n", l, a/b}'
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
