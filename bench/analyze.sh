#!/bin/bash
# analyze.sh - generates a WOWHoneypot access_log (default 1,000,000 lines over one day) and, in
# one run, times hanipo import over it, hanipo report daily for that day (HTML, Asia/Tokyo), and
# Debian's GoAccess producing its HTML report from the same file; prints the import rate, the
# report time, and GoAccess's time over hanipo's (import + report) as a ratio.
# Usage: bench/analyze.sh [LINES]. Needs goaccess (make deps-test) and a build (make).
set -eu
cd "$(dirname "$0")/.."
LINES=${1:-1000000}
BUILD=${BUILD:-build}
HANIPO=$BUILD/hanipo
DATE=2026-11-20
command -v goaccess >/dev/null || { echo "analyze.sh: goaccess missing (make deps-test)" >&2; exit 2; }
[ -x "$HANIPO" ] || { echo "analyze.sh: build first (make)" >&2; exit 2; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
printf '[sensor]\nname = bench\n[store]\npath = %s/hanipo.db\n[signatures]\npath = %s/data/signatures\n' "$TMP" "$PWD" >"$TMP/hanipo.conf"

secs() { /usr/bin/python3 -c 'import sys; print("%.2f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$@"; }
now() { date +%s.%N; }

echo "generating $LINES lines ..."
/usr/bin/python3 bench/gen_access_log.py "$LINES" "$DATE" "$TMP/access_log"
echo "access_log: $(du -m "$TMP/access_log" | cut -f1) MB; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$TMP/access_log" >/dev/null	# same page-cache state for both tools

t0=$(now)
"$HANIPO" import -c "$TMP/hanipo.conf" --format wowhoneypot "$TMP/access_log" 2>"$TMP/import.err"
t1=$(now)
"$HANIPO" report daily -c "$TMP/hanipo.conf" --date "$DATE" --tz Asia/Tokyo --format html \
    -o "$TMP/report.html"
t2=$(now)
goaccess "$TMP/access_log" --no-global-config --log-format='[%d %t+%^] %h %v "%r" %s %^ %^' \
    --date-format=%Y-%m-%d --time-format=%H:%M:%S -o "$TMP/goaccess.html" >/dev/null 2>&1
t3=$(now)
tail -1 "$TMP/import.err"
imp=$(secs "$t0" "$t1"); rep=$(secs "$t1" "$t2"); ga=$(secs "$t2" "$t3")
/usr/bin/python3 - "$LINES" "$imp" "$rep" "$ga" <<'PY'
import sys
n, imp, rep, ga = int(sys.argv[1]), *map(float, sys.argv[2:])
print(f"hanipo import:        {imp:8.2f} s  ({n / imp:,.0f} lines/s)")
print(f"hanipo report daily:  {rep:8.2f} s  (target <= 2 s)")
print(f"goaccess:             {ga:8.2f} s  ({n / ga:,.0f} lines/s)")
print(f"ratio goaccess / (hanipo import + report): {ga / (imp + rep):.2f}x  (target >= 3x)")
PY
