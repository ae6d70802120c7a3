/* ipnet.h - IP addresses and prefixes as registries write them (zero-padded IPv4, LACNIC's short prefixes). */
#ifndef HNP_IPNET_H
#define HNP_IPNET_H

#include <stddef.h>
#include <stdint.h>

struct ipaddr {
	int		 family;	/* 4 or 6 */
	uint8_t		 b[16];		/* network order; IPv4 in b[0..4) */
};

#define IPNET_TEXT_LEN	96		/* "start - end" of two IPv6 addresses, NUL */

/*
 * Parses an address, or a prefix "ADDR/LEN" (len -1 without one). IPv4 octets are decimal even with
 * leading zeros ("074.125.000.000"); with a prefix length, missing IPv4 octets are zero
 * ("200.57.128/19"). Returns 0, or -1 for anything else.
 */
int	ipnet_parse(const char *s, struct ipaddr *a, int *len);
/* Whether a lies in the prefix p/len (same family). */
int	ipnet_contains(const struct ipaddr *p, int len, const struct ipaddr *a);
/* -1, 0, 1 like memcmp (families must match). */
int	ipnet_cmp(const struct ipaddr *a, const struct ipaddr *b);
/* Canonical text of a (inet_ntop: IPv6 lower case, compressed). */
void	ipnet_ntop(const struct ipaddr *a, char *out, size_t outlen);
/*
 * The range start-end as one CIDR ("a/len") when it is one, else "start - end". Returns the prefix
 * length, or -1 when the range is not one prefix (or families differ).
 */
int	ipnet_range_text(const struct ipaddr *start, const struct ipaddr *end, char *out,
	    size_t outlen);
/* The prefix length of range start-end if it is exactly one prefix, else -1. */
int	ipnet_range_len(const struct ipaddr *start, const struct ipaddr *end);

#endif
