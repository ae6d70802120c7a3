#!/bin/bash
# rss.sh - hanipo's resident memory with EVERY registered sensor listening (each section that has
# a `listen` key in `hanipo check --dump`, the catch-all on a 100-port range), idle at start and
# idle again after one connection to each sensor, against an HTTP-only hanipo started the same
# way in the same run (the ratio). Target: idle RSS <= 16 MB. Usage: bench/rss.sh
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
HANIPO=$BUILD/hanipo
ART=${ART:-data/art}
LIMIT_KB=$((16 * 1024))
[ -x "$HANIPO" ] || { echo "rss.sh: build first (make)" >&2; exit 2; }

. bench/common.sh

# A first port whose next $1 ports are all free.
free_range() {
	/usr/bin/python3 - "$1" <<'PY'
import random, socket, sys
n = int(sys.argv[1])
for _ in range(500):
    first = random.randint(20000, 60000 - n)
    socks = []
    try:
        for p in range(first, first + n):
            s = socket.socket(); socks.append(s); s.bind(("127.0.0.1", p))
        print(first); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
PY
}
poke() { /usr/bin/python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
try:
    s.recv(4096)
except OSError:
    pass
s.close()' "$1" 2>/dev/null || true; }

# run NAME PORTS ARGS...: starts hanipo with ARGS, sets RES to "idle-kB after-kB" (idle, then
# again after one connection to each port) and PID to its process.
run() {
	local name=$1; shift
	local ports=$1; shift
	"$HANIPO" run -c data/hanipo.conf -o http.rules=$ART -o store.path=$TMP/$name.db \
	    -o log.access_log=$TMP/$name.access_log -o log.hunting_log=$TMP/$name.hunting.log \
	    -o log.level=warn "$@" >"$TMP/$name.err" 2>&1 &
	PID=$!
	PIDS+=($PID)
	local p
	for p in $ports; do wait_port "$p" || { cat "$TMP/$name.err"; exit 1; }; done
	sleep 1
	local idle; idle=$(rss_kb $PID)
	for p in $ports; do poke "$p"; done
	sleep 1
	RES="$idle $(rss_kb $PID)"
}

HP=$(free_port)
run http-only "$HP" -o http.listen=127.0.0.1:$HP
ref=$RES

# Every section with a listen key, each on its own port (the catch-all on 100 ports).
ARGS=(-o http.listen=127.0.0.1:$HP)
PORTS=""
SENSORS=""
for sec in $("$HANIPO" check --dump -c data/hanipo.conf 2>/dev/null | sed -n 's/^\([a-z0-9_]*\)\.listen = .*/\1/p'); do
	SENSORS="$SENSORS $sec"
	if [ "$sec" = http ]; then PORTS="$PORTS $HP"; continue; fi
	if [ "$sec" = catchall ]; then
		F=$(free_range 100)
		ARGS+=(-o "catchall.listen=127.0.0.1:$F-$((F + 99))")
		PORTS="$PORTS $F $((F + 99))"
		continue
	fi
	P=$(free_port)
	ARGS+=(-o "$sec.listen=127.0.0.1:$P")
	PORTS="$PORTS $P"
done
# The reference must be gone so the all-sensors run can take its http port.
kill "$PID"; wait "$PID" 2>/dev/null || true
run all-sensors "$PORTS" "${ARGS[@]}"
all=$RES

set -- $ref; ref_idle=$1; ref_after=$2
set -- $all; all_idle=$1; all_after=$2
echo "sensors:$SENSORS"
echo "http only:   idle ${ref_idle} kB, after one connection per port ${ref_after} kB"
echo "all sensors: idle ${all_idle} kB, after one connection per port ${all_after} kB"
awk -v a="$all_idle" -v r="$ref_idle" 'BEGIN{printf "ratio all/http-only idle: %.2f\n", a/r}'
if [ "$all_idle" -le "$LIMIT_KB" ] && [ "$all_after" -le "$LIMIT_KB" ]; then
	echo "idle RSS with all sensors: OK (<= $LIMIT_KB kB)"
else
	echo "idle RSS with all sensors: OVER $LIMIT_KB kB"
	exit 1
fi
