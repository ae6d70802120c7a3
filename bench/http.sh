#!/bin/bash
# http.sh - connections per second with Connection: close (wrk, 2 threads, 50 connections) against
# hanipo with every request stored and against bench/ref.c (logs nothing) in the same run, printing
# the ratio; then hanipo's RSS idle and with 10,000 idle connections open, and whether a new request
# is still answered meanwhile. Usage: bench/http.sh [SECONDS] (default 10).
set -eu
cd "$(dirname "$0")/.."
DUR=${1:-10}
BUILD=${BUILD:-build}
HANIPO=$BUILD/hanipo
REF=$BUILD/bench/ref
ART=${ART:-data/art}
command -v wrk >/dev/null || { echo "http.sh: wrk missing (make deps-test)" >&2; exit 2; }
[ -x "$HANIPO" ] && [ -x "$REF" ] || { echo "http.sh: build first (make)" >&2; exit 2; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

TMP=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
rps() { awk '/Requests\/sec/ {print $2}'; }
rss_kb() { awk '/VmRSS/ {print $2}' /proc/"$1"/status; }

# hanipo: full logging (SQLite store, access_log, hunting log).
HP=$(free_port)
"$HANIPO" run -c data/hanipo.conf -o http.listen=127.0.0.1:$HP -o http.rules=$ART \
    -o store.path=$TMP/hanipo.db -o log.access_log=$TMP/access_log -o log.hunting_log=$TMP/hunting.log \
    -o limits.max_connections=20000 -o limits.max_connections_per_source=20000 \
    -o log.level=warn 2>"$TMP/hanipo.err" &
HPID=$!; PIDS+=($HPID)
wait_port "$HP" || { cat "$TMP/hanipo.err"; exit 1; }
sleep 0.5
IDLE_KB=$(rss_kb $HPID)

RP=$(free_port)
"$REF" "$RP" & RPID=$!; PIDS+=($RPID)
wait_port "$RP"

# Alternate the two so drift in machine load hits both alike; keep each side's best run.
best_ref=0; best_hp=0
for round in 1 2; do
	r=$(wrk -t2 -c50 -d"${DUR}s" -H 'Connection: close' "http://127.0.0.1:$RP/" | rps)
	h=$(wrk -t2 -c50 -d"${DUR}s" -H 'Connection: close' "http://127.0.0.1:$HP/" | rps)
	echo "round $round: ref $r conn/s, hanipo $h conn/s"
	best_ref=$(awk -v a="$best_ref" -v b="$r" 'BEGIN{print (b>a)?b:a}')
	best_hp=$(awk -v a="$best_hp" -v b="$h" 'BEGIN{print (b>a)?b:a}')
done
STORED=$(sqlite3 "$TMP/hanipo.db" "select count(*) from events where kind='request'")
echo "ref:    $best_ref connections/s (logs nothing)"
echo "hanipo: $best_hp connections/s ($STORED requests stored)"
awk -v a="$best_hp" -v b="$best_ref" 'BEGIN{printf "ratio hanipo/ref: %.2f\n", a/b}'

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
