/* ipnet.c - address and prefix parsing for registry answers (not inet_pton: it rejects "074.125.0.0"). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abuse/ipnet.h"

static int
ipnet_parse4(const char *s, size_t n, uint8_t out[4], int allow_short)
{
	size_t	 i = 0;
	int	 octets = 0, digits;
	unsigned v;

	memset(out, 0, 4);
	while (i < n) {
		if (octets == 4)
			return -1;
		v = 0;
		digits = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			v = v * 10 + (unsigned)(s[i] - '0');
			if (++digits > 3 || v > 255)
				return -1;
			i++;
		}
		if (digits == 0)
			return -1;
		out[octets++] = (uint8_t)v;
		if (i < n) {
			if (s[i] != '.' || i + 1 == n)
				return -1;
			i++;
		}
	}
	if (octets == 4 || (allow_short && octets >= 1))
		return 0;
	return -1;
}

int
ipnet_parse(const char *s, struct ipaddr *a, int *len)
{
	const char	*slash = strchr(s, '/');
	size_t		 n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	char		 tmp[64], *end;
	long		 l = -1;

	memset(a, 0, sizeof(*a));
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	if (slash != NULL) {
		if (slash[1] < '0' || slash[1] > '9')
			return -1;
		l = strtol(slash + 1, &end, 10);
		if (*end != '\0' || end - slash > 4)
			return -1;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (memchr(tmp, ':', n) != NULL) {
		if (inet_pton(AF_INET6, tmp, a->b) != 1 || l > 128)
			return -1;
		a->family = 6;
	} else {
		if (ipnet_parse4(tmp, n, a->b, slash != NULL) == -1 || l > 32)
			return -1;
		a->family = 4;
	}
	if (len != NULL)
		*len = (int)l;
	return 0;
}

static int
ipnet_bits(const struct ipaddr *a)
{
	return a->family == 4 ? 32 : 128;
}

int
ipnet_contains(const struct ipaddr *p, int len, const struct ipaddr *a)
{
	int	 full, rest;

	if (p->family != a->family)
		return 0;
	if (len < 0)
		len = ipnet_bits(p);
	full = len / 8;
	rest = len % 8;
	if (memcmp(p->b, a->b, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((p->b[full] ^ a->b[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

int
ipnet_cmp(const struct ipaddr *a, const struct ipaddr *b)
{
	int	 c = memcmp(a->b, b->b, a->family == 4 ? 4 : 16);

	return c < 0 ? -1 : c > 0;
}

void
ipnet_ntop(const struct ipaddr *a, char *out, size_t outlen)
{
	if (inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->b, out, (socklen_t)outlen) == NULL)
		snprintf(out, outlen, "?");
}

int
ipnet_range_len(const struct ipaddr *start, const struct ipaddr *end)
{
	int	 bits, len, i, bit;
	uint8_t	 x;

	if (start->family != end->family)
		return -1;
	bits = ipnet_bits(start);
	/* The prefix length is where start and end first differ; below it start is all 0, end all 1. */
	for (len = 0; len < bits; len++) {
		i = len / 8;
		bit = 7 - len % 8;
		if (((start->b[i] >> bit) & 1) != ((end->b[i] >> bit) & 1))
			break;
	}
	for (i = len; i < bits; i++) {
		bit = 7 - i % 8;
		x = (uint8_t)(1u << bit);
		if ((start->b[i / 8] & x) != 0 || (end->b[i / 8] & x) == 0)
			return -1;
	}
	return len;
}

int
ipnet_range_text(const struct ipaddr *start, const struct ipaddr *end, char *out, size_t outlen)
{
	char	 a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int	 len = ipnet_range_len(start, end);

	ipnet_ntop(start, a, sizeof(a));
	if (len >= 0) {
		snprintf(out, outlen, "%s/%d", a, len);
		return len;
	}
	ipnet_ntop(end, b, sizeof(b));
	snprintf(out, outlen, "%s - %s", a, b);
	return -1;
}
