#!/bin/sh
# lint-banned.sh - fails when C sources call functions the house style bans (see docs/style notes).
cd "$(dirname "$0")/.." || exit 2
pat='\b(sprintf|vsprintf|strcpy|strcat|gets|atoi|atol|strtok|system|popen|alloca)[[:space:]]*\('
if grep -rnE "$pat" src tests/unit fuzz bench --include='*.c' --include='*.h'; then
	echo "lint: banned function(s) above" >&2
	exit 1
fi
echo "lint: OK"
