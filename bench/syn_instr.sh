#!/bin/bash
# syn_instr.sh - user-space instructions per connection of hanipo with SYN fingerprints off and on,
# counted by valgrind (callgrind, all threads): each side runs once with no connection and once
# with N sequential connections (one request each, Connection: close); the difference over N is
# what one connection costs. Unlike conn/s it does not move with other load on the machine (the
# kernel's share, one getsockopt and the saved SYN, is not counted). Usage: bench/syn_instr.sh [N]
set -eu
cd "$(dirname "$0")/.."
N=${1:-2000}
BUILD=${BUILD:-build}
HANIPO=$BUILD/hanipo
ART=${ART:-data/art}
command -v valgrind >/dev/null || { echo "syn_instr.sh: valgrind missing" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
free_port() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# instructions SYN CONNECTIONS: total Ir of one hanipo run
instructions() {
	local port pid
	port=$(free_port)
	rm -f "$TMP"/cg.out* "$TMP"/db*
	valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.out" "$HANIPO" run \
	    -c data/hanipo.conf -o http.listen=127.0.0.1:$port -o http.rules=$ART \
	    -o store.path=$TMP/db -o log.access_log=$TMP/access_log -o log.hunting_log= \
	    -o log.level=warn -o fingerprints.syn=$1 2>"$TMP/err" &
	pid=$!
	/usr/bin/python3 - "$port" "$2" <<'PY'
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
deadline = time.monotonic() + 120
while True:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("hanipo did not start")
        time.sleep(0.2)
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    while s.recv(65536):
        pass
    s.close()
PY
	kill "$pid"; wait "$pid" || true
	cat "$TMP"/cg.out* | awk '/^summary:/ {s += $2} END {print s}'
}
for syn in false true; do
	a=$(instructions $syn 0)
	b=$(instructions $syn "$N")
	per=$(( (b - a) / N ))
	echo "syn=$syn: $per instructions per connection (user space, all threads; $N connections)"
	eval "per_$syn=$per"
done
awk -v a="$per_true" -v b="$per_false" 'BEGIN{printf "ratio on/off: %.3f (+%d instructions)\n", a/b, a-b}'
