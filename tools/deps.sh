#!/bin/sh
# deps.sh - installs the Debian 12 packages hanipo needs (run: build + run; test: also the test tools),
# only those missing, with apt-get (through sudo when not root).
set -eu

BUILD_PKGS="meson ninja-build pkg-config gcc libc6-dev libevent-dev libssl-dev libsqlite3-dev
libpcre2-dev libexpat1-dev libjansson-dev"
TEST_PKGS="clang libclang-rt-14-dev libcmocka-dev python3 python3-pytest curl wrk sqlite3
iproute2 procps python3-scapy nmap tshark"

case "${1:-run}" in
run) want="$BUILD_PKGS" ;;
test) want="$BUILD_PKGS $TEST_PKGS" ;;
*) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps.sh: need root or sudo to install:$missing" >&2
	exit 1
fi
echo "deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
