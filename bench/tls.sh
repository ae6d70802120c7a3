#!/bin/bash
# tls.sh - full TLS handshakes per second (bench/tlsload.c: a new connection each time, one request
# each, never resumed, 32 concurrent clients) against hanipo's HTTPS sensor (fingerprinting and
# every event stored) and against Debian's nginx (one worker, the same certificate, ssl_protocols
# TLSv1.2 TLSv1.3, a fixed page, its access log on) in the same run, printing the ratio.
# Two layouts as bench/http.sh: shared (servers and client on every core) and pinned (servers on
# CPU 1, client on CPU 0); rounds alternate the servers, each keeps its best.
# Usage: bench/tls.sh [SECONDS] (default 10); TLS12=1 caps the client at TLS 1.2.
set -eu
cd "$(dirname "$0")/.."
DUR=${1:-10}
BUILD=${BUILD:-build}
HANIPO=$BUILD/hanipo
LOAD=$BUILD/bench/tlsload
ART=${ART:-data/art}
VER=${TLS12:+tls1.2}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "tls.sh: nginx missing (make deps-test)" >&2; exit 2; }
[ -x "$HANIPO" ] && [ -x "$LOAD" ] || { echo "tls.sh: build first (make)" >&2; exit 2; }
. bench/common.sh
rate() { awk '{sub("/s","",$6); print $6}'; }
count() { awk '{print $1}'; }
# CPU time (clock ticks, every thread) of a process and its children: a noisy, shared machine
# changes how many handshakes a server gets to do, much less what each one costs it.
ticks() { local t=0 p; for p in "$@" $(pgrep -P "$1" || true); do
	t=$((t + $(awk '{print $14 + $15}' /proc/"$p"/stat))); done; echo $t; }
HZ=$(getconf CLK_TCK)

nginx_conf() {	# port, dir: one worker, the certificate hanipo made
	cat <<EOC
user root;
worker_processes 1;
pid $2/nginx.pid;
error_log $2/nginx.err warn;
events { worker_connections 1024; }
http {
	access_log $2/nginx.access;
	client_body_temp_path $2; proxy_temp_path $2; fastcgi_temp_path $2;
	uwsgi_temp_path $2; scgi_temp_path $2;
	server {
		listen 127.0.0.1:$1 ssl;
		ssl_certificate $TMP/https.crt;
		ssl_certificate_key $TMP/https.key;
		ssl_protocols TLSv1.2 TLSv1.3;
		location / { default_type text/html; return 200 "<html><body>It works!</body></html>\n"; }
	}
}
EOC
}

measure() {
	local layout=$1 spin="" cpin="" HP NP HPID NPID best_ng=0 best_hp=0 n h round d out t0
	local ng_ticks=0 ng_count=0 hp_ticks=0 hp_count=0
	if [ "$layout" = pinned ]; then
		[ "$(nproc)" -ge 2 ] || { echo "pinned: needs 2 CPUs, skipped"; return; }
		spin="taskset -c 1"; cpin="taskset -c 0"
	fi
	HP=$(free_port)
	# [https] only; its certificate is made in $TMP (the state directory) on the first start.
	$spin "$HANIPO" run -c /dev/null -o https.listen=127.0.0.1:$HP -o https.rules=$ART \
	    -o store.path=$TMP/hanipo-$layout.db -o log.access_log=$TMP/$layout.access_log \
	    -o log.hunting_log=$TMP/$layout.hunting.log -o log.level=warn 2>"$TMP/$layout.err" &
	HPID=$!; PIDS+=($HPID)
	wait_port "$HP" || { cat "$TMP/$layout.err"; exit 1; }
	NP=$(free_port)
	d=$TMP/nginx-$layout; mkdir -p "$d"
	nginx_conf "$NP" "$d" >"$d/nginx.conf"
	$spin "$NGINX" -c "$d/nginx.conf" -g 'daemon off;' 2>"$d/stderr" &
	NPID=$!; PIDS+=($NPID)
	wait_port "$NP" || { cat "$d/stderr" "$d/nginx.err"; exit 1; }
	for round in 1 2 3; do
		t0=$(ticks "$NPID")
		out=$($cpin "$LOAD" 127.0.0.1 "$NP" "$DUR" 32 $VER)
		ng_ticks=$((ng_ticks + $(ticks "$NPID") - t0)); ng_count=$((ng_count + $(echo "$out" | count)))
		n=$(echo "$out" | rate)
		t0=$(ticks "$HPID")
		out=$($cpin "$LOAD" 127.0.0.1 "$HP" "$DUR" 32 $VER)
		hp_ticks=$((hp_ticks + $(ticks "$HPID") - t0)); hp_count=$((hp_count + $(echo "$out" | count)))
		h=$(echo "$out" | rate)
		echo "$layout round $round: nginx $n handshakes/s, hanipo $h handshakes/s"
		best_ng=$(awk -v a="$best_ng" -v b="$n" 'BEGIN{print (b>a)?b:a}')
		best_hp=$(awk -v a="$best_hp" -v b="$h" 'BEGIN{print (b>a)?b:a}')
	done
	kill "$HPID" "$NPID"; wait "$HPID" 2>/dev/null || true
	echo "$layout: nginx $best_ng/s, hanipo $best_hp/s ($(sqlite3 "$TMP/hanipo-$layout.db" \
	    "select count(*) from events where kind='tls_hello' and json_extract(fields, '\$.ja4') is not null") tls_hello events with JA4 stored)"
	awk -v a="$best_hp" -v b="$best_ng" -v l="$layout" 'BEGIN{printf "ratio hanipo/nginx (%s): %.2f\n", l, a/b}'
	awk -v nt="$ng_ticks" -v nc="$ng_count" -v ht="$hp_ticks" -v hc="$hp_count" -v hz="$HZ" \
	    -v l="$layout" 'BEGIN{n = nt * 1000 / hz / nc; h = ht * 1000 / hz / hc;
	    printf "CPU per handshake (%s): nginx %.2f ms, hanipo %.2f ms; ratio nginx/hanipo %.2f\n", l, n, h, n / h}'
}
measure shared
echo "certificate: $(openssl x509 -noout -subject -in "$TMP/https.crt"), $(openssl x509 -noout -text -in "$TMP/https.crt" | awk '/Public-Key/ {print $1, $2, $3}')"
measure pinned
