#!/bin/bash
# ssh.sh - password attempts per second (Debian's hydra, 8 tasks) against the SSH sensor with every
# attempt stored and its answer gated on the store, and against bench/ssh_ref.c (the same libssh
# server on libssh's own loop, recording nothing) in the same run, printing the ratio; then the
# sensor's RSS idle and with 200 SSH connections open past the key exchange.
# Usage: bench/ssh.sh [TRIES] (default 300 passwords per round).
set -eu
cd "$(dirname "$0")/.."
N=${1:-300}
BUILD=${BUILD:-build}
HANIPO=$BUILD/hanipo
REF=$BUILD/bench/ssh_ref
command -v hydra >/dev/null || { echo "ssh.sh: hydra missing (make deps-test)" >&2; exit 2; }
[ -x "$HANIPO" ] && [ -x "$REF" ] || { echo "ssh.sh: build first (make)" >&2; exit 2; }

. bench/common.sh


seq -f "pw%g" 1 "$N" > "$TMP/pw"
echo "nobody:never-tried" > "$TMP/creds"
conf() {	# conf PORT DB
	printf '[store]\npath = %s\n[log]\naccess_log =\nhunting_log =\nlevel = warn\n' "$2"
	printf '[limits]\nmax_connections_per_source = 4096\n'
	printf '[ssh]\nlisten = 127.0.0.1:%s\nhost_key_dir = %s/keys\n' "$1" "$TMP"
	printf 'accept = list\ncredentials = %s/creds\n' "$TMP"
}
conf 1 "$TMP/k.db" > "$TMP/k.conf"
"$HANIPO" check -c "$TMP/k.conf" >/dev/null 2>&1	# makes the host keys both servers use

HP=$(free_port); RP=$(free_port)
conf "$HP" "$TMP/bench.db" > "$TMP/bench.conf"
"$HANIPO" run -c "$TMP/bench.conf" 2>"$TMP/bench.err" & PIDS+=($!)
"$REF" "$RP" "$TMP/keys" & PIDS+=($!)
wait_port "$HP" || { cat "$TMP/bench.err"; exit 1; }
wait_port "$RP"

tries() {	# tries PORT: attempts per second of one hydra run
	local t0 t1
	t0=$(date +%s.%N)
	hydra -l root -P "$TMP/pw" -t 8 -I "ssh://127.0.0.1:$1" >/dev/null 2>&1 || true
	t1=$(date +%s.%N)
	awk -v n="$N" -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f", n/(b-a)}'
}
best_ref=0; best_hp=0
for round in 1 2 3; do
	r=$(tries "$RP"); h=$(tries "$HP")
	echo "round $round: ref $r tries/s, hanipo $h tries/s"
	best_ref=$(awk -v a="$best_ref" -v b="$r" 'BEGIN{print (b>a)?b:a}')
	best_hp=$(awk -v a="$best_hp" -v b="$h" 'BEGIN{print (b>a)?b:a}')
done
echo "best: ref $best_ref tries/s, hanipo $best_hp tries/s ($(sqlite3 "$TMP/bench.db" \
    "select count(*) from events where kind='login'") login events stored)"
awk -v a="$best_hp" -v b="$best_ref" 'BEGIN{printf "ratio hanipo/ref: %.2f\n", a/b}'

# Memory: a fresh sensor, idle, then holding 200 connections past the key exchange.
MP=$(free_port)
conf "$MP" "$TMP/mem.db" > "$TMP/mem.conf"
"$HANIPO" run -c "$TMP/mem.conf" 2>"$TMP/mem.err" & MPID=$!; PIDS+=($MPID)
wait_port "$MP" || { cat "$TMP/mem.err"; exit 1; }
sleep 0.5
echo "RSS idle (ssh sensor): $(awk -v k="$(rss_kb $MPID)" 'BEGIN{printf "%.1f", k/1024}') MB"
/usr/bin/python3 - "$MP" "$MPID" <<'PY'
import sys, time
sys.path.insert(0, "/usr/lib/python3/dist-packages")
import paramiko
port, pid = int(sys.argv[1]), sys.argv[2]
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1])
before = rss()
ts = []
for i in range(200):
    t = paramiko.Transport(("127.0.0.1", port))
    t.start_client(timeout=30)
    try:
        t.auth_password("root", f"x{i}")
    except paramiko.AuthenticationException:
        pass
    ts.append(t)
time.sleep(1)
kb = rss()
print(f"RSS with 200 SSH connections open: {kb/1024:.1f} MB ({(kb-before)/200:.0f} KB each)")
for t in ts:
    t.close()
PY
