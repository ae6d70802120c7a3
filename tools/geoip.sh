#!/bin/sh
# geoip.sh - `make geoip`: fetches the CC0/PDDL geo databases of ip-location-db with `npm pack`
# (no npm install, no scripts run): the country database (MaxMind format) and the ASN ranges (CSV),
# into DIR (default var/geo). Load the ASN ranges into the store afterwards with
# `hanipo geo import`. Usage: tools/geoip.sh [DIR]
set -eu
DIR=${1:-var/geo}
COUNTRY_PKG=@ip-location-db/geo-whois-asn-country-mmdb
ASN_PKG=@ip-location-db/asn

command -v npm >/dev/null || { echo "geoip.sh: npm missing (apt-get install npm)" >&2; exit 2; }
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
npm pack --silent "$COUNTRY_PKG" "$ASN_PKG" >packed.txt
for t in $(cat packed.txt); do
	mkdir -p x && tar -xzf "$t" -C x --no-same-owner --no-same-permissions
	# Only regular files we expect are taken; nothing in a package is run.
	for f in geo-whois-asn-country.mmdb asn-ipv4.csv asn-ipv6.csv; do
		[ -f "x/package/$f" ] && [ ! -L "x/package/$f" ] && cp "x/package/$f" "$DIR/$f.new"
	done
	for f in x/package/*LICENSE* x/package/README.md; do
		[ -f "$f" ] && [ ! -L "$f" ] && cp "$f" "$DIR/$(basename "$t" .tgz)-$(basename "$f")"
	done
	rm -rf x
done
for f in geo-whois-asn-country.mmdb asn-ipv4.csv asn-ipv6.csv; do
	[ -s "$DIR/$f.new" ] || { echo "geoip.sh: $f missing from the packages" >&2; exit 1; }
done
mv "$DIR/geo-whois-asn-country.mmdb.new" "$DIR/country.mmdb"
mv "$DIR/asn-ipv4.csv.new" "$DIR/asn-ipv4.csv"
mv "$DIR/asn-ipv6.csv.new" "$DIR/asn-ipv6.csv"
echo "geoip.sh: $DIR/country.mmdb ([geo] country_db), $DIR/asn-ipv4.csv and asn-ipv6.csv"
echo "geoip.sh: now load the ASN ranges into the store: ./build/hanipo geo import"
