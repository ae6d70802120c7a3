/*
 * keys.c - the [abuse] configuration keys and their checks. Apart from the lookups (lookup.c,
 * libcurl) so that every command, hanipo run included, can accept an [abuse] section without
 * linking the network code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abuse/keys.h"

static int
check_server(const char *v, char *why, size_t whylen)
{
	const char	*c = strrchr(v, ':');

	if (*v == '\0')
		return 0;
	if (strpbrk(v, " \t/") != NULL || (c != NULL && v[0] != '[' && strchr(v, ':') != c) ||
	    (c != NULL && (c[1] == '\0' || strspn(c + 1, "0123456789") != strlen(c + 1) ||
	    strlen(c + 1) > 5 || strtol(c + 1, NULL, 10) < 1 ||
	    strtol(c + 1, NULL, 10) > 65535))) {
		snprintf(why, whylen, "expected host[:port], got \"%s\"", v);
		return -1;
	}
	return 0;
}

static int
check_relay(const char *v, char *why, size_t whylen)
{
	if (*v == '\0' || strncmp(v, "smtp://", 7) == 0 || strncmp(v, "smtps://", 8) == 0)
		return 0;
	snprintf(why, whylen, "expected smtp://host:port or smtps://host:port, got \"%s\"", v);
	return -1;
}

static int
check_email(const char *v, char *why, size_t whylen)
{
	if (*v == '\0' || (strchr(v, '@') != NULL && strpbrk(v, " \t\r\n<>\",;") == NULL))
		return 0;
	snprintf(why, whylen, "expected an e-mail address, got \"%s\"", v);
	return -1;
}

static int
check_line(const char *v, char *why, size_t whylen)
{
	size_t	 i;

	for (i = 0; v[i] != '\0'; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			snprintf(why, whylen, "no control characters");
			return -1;
		}
	return 0;
}

const struct config_key abuse_config_keys[] = {
	{ "abuse", "rdap_bootstrap", CFG_STR, 0, 0, "data/rdap",
	    "IANA RDAP bootstrap: a directory or http(s) URL ending in / holding ipv4.json, "
	    "ipv6.json and asn.json, or one bootstrap file (path or URL)" },
	{ "abuse", "whois_server", CFG_STR, 0, 0, "",
	    "host[:port] answering every whois query (empty: IANA, referrals, whois.nic.ad.jp)",
	    check_server },
	{ "abuse", "cache_ttl", CFG_INT, 60, 31536000, "604800", "seconds a lookup stays cached" },
	{ "abuse", "reporter_name", CFG_STR, 0, 0, "", "your name in reports", check_line },
	{ "abuse", "reporter_org", CFG_STR, 0, 0, "", "your organisation in reports", check_line },
	{ "abuse", "reporter_email", CFG_STR, 0, 0, "", "where recipients reply to",
	    check_email },
	{ "abuse", "from", CFG_STR, 0, 0, "", "From: of report mails (default reporter_email)",
	    check_email },
	{ "abuse", "smtp_relay", CFG_STR, 0, 0, "", "smtp://host:port the reports are sent through",
	    check_relay },
	{ "abuse", "sensor_address", CFG_STR, 0, 0, "",
	    "the honeypot's public address shown in reports (empty: as the events recorded it)",
	    check_line },
	{ "abuse", "mask_sensor_address", CFG_BOOL, 0, 0, "true",
	    "show the honeypot's address with its last part masked (203.0.113.x)" },
	{ "abuse", "report_interval", CFG_INT, 3600, 31536000, "604800",
	    "seconds before the same address is reported to the same contact again" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};
