/*
 * import_wow.c - one WOWHoneypot access_log line (docs/../shared/docs/wowhoneypot.md 4.1):
 *   [YYYY-MM-DD HH:MM:SS+0900] ip host:port "request line" status mrrid|False base64(request)
 * becomes an http request event: method, uri, path, version, host, user_agent, status, rule, and
 * the decoded request as payload. The request line may hold spaces (%20 in WOWHoneypot, but
 * not in every fork), so the fields after it are taken from the end of the line.
 */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "analyze/import.h"
#include "core/jsonw.h"
#include "core/limits.h"
#include "core/timeutil.h"

/* The last space-separated token of s[0..*len): returns it and shortens *len to before it. */
static const char *
wow_last_token(const char *s, size_t *len, size_t *tlen)
{
	const char	*sp = NULL;
	size_t		 i;

	for (i = *len; i > 0; i--)
		if (s[i - 1] == ' ') {
			sp = s + i - 1;
			break;
		}
	if (sp == NULL)
		return NULL;
	*tlen = (size_t)(s + *len - (sp + 1));
	*len = (size_t)(sp - s);
	return sp + 1;
}

static int
wow_b64(struct imp_rec *r, const char *p, size_t n)
{
	size_t		 keep, pad = 0, total;
	uint8_t		*dst;
	int		 got;

	if (n == 0)
		return 0;
	if (n % 4 != 0)
		return -1;
	if (p[n - 1] == '=')
		pad = p[n - 2] == '=' ? 2 : 1;
	total = n / 4 * 3 - pad;
	keep = n;
	if (total > HNP_MAX_PAYLOAD_BYTES) {
		keep = HNP_MAX_PAYLOAD_BYTES / 3 * 4;
		pad = 0;
	}
	if ((dst = buf_tail(&r->payload, keep / 4 * 3)) == NULL)
		return -1;
	if ((got = EVP_DecodeBlock(dst, (const unsigned char *)p, (int)keep)) < 0)
		return -1;
	r->payload.len += (size_t)got - pad;
	r->payload_total = total;
	return 0;
}

/* The value of header name (case-insensitive) in the decoded request, or NULL. */
static const char *
wow_header(const struct imp_rec *r, const char *name, size_t *vlen)
{
	const char	*p = (const char *)r->payload.data, *end, *nl;
	size_t		 nlen = strlen(name);

	if (p == NULL)
		return NULL;
	end = p + r->payload.len;
	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
		return NULL;
	for (p = nl + 1; p < end; p = nl + 1) {
		const char	*le;

		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		le = nl;
		if (le > p && le[-1] == '\r')
			le--;
		if (le == p)
			return NULL;		/* end of headers */
		if ((size_t)(le - p) > nlen && p[nlen] == ':' && strncasecmp(p, name, nlen) == 0) {
			p += nlen + 1;
			while (p < le && (*p == ' ' || *p == '\t'))
				p++;
			*vlen = (size_t)(le - p);
			return p;
		}
	}
	return NULL;
}

static int
wow_sec(const char *p)
{
	return p[0] >= '0' && p[0] <= '5' && p[1] >= '0' && p[1] <= '9';
}

/*
 * Whether t[0..n) is "YYYY-MM-DD HH:MM:SS..." differing from the cached text (parsed before) in
 * the seconds only, both below 60: then it is the cached time plus the difference (a log has
 * ~10 lines a second, so most lines skip the full parse).
 */
static int
wow_same_minute(const char *t, size_t n, const char *last)
{
	return n >= 19 && strlen(last) == n && t[4] == '-' && t[7] == '-' &&
	    (t[10] == ' ' || t[10] == 'T') && t[13] == ':' && t[16] == ':' &&
	    (n == 19 || t[19] < '0' || t[19] > '9') && wow_sec(t + 17) && wow_sec(last + 17) &&
	    memcmp(t, last, 17) == 0 && memcmp(t + 19, last + 19, n - 19) == 0;
}

static int
wow_ts(struct imp_rec *r, const char *s, size_t n)
{
	char	 t[40];

	if (n >= sizeof(t))
		return -1;
	memcpy(t, s, n);
	t[n] = '\0';
	if (strcmp(t, r->last_ts_text) == 0) {
		r->ts = r->last_ts_cache;
		return 0;
	}
	if (wow_same_minute(t, n, r->last_ts_text)) {
		r->ts = r->last_ts_cache + ((t[17] - '0') * 10 + (t[18] - '0') -
		    (r->last_ts_text[17] - '0') * 10 - (r->last_ts_text[18] - '0')) * 1000000LL;
		memcpy(r->last_ts_text, t, n + 1);
		r->last_ts_cache = r->ts;
		return 0;
	}
	if (time_parse_point(t, 0, &r->ts) == -1 || n < 19)
		return -1;
	memcpy(r->last_ts_text, t, n + 1);
	r->last_ts_cache = r->ts;
	return 0;
}

static void
wow_fields(struct imp_rec *r, const char *rl, size_t rlen, const char *host, size_t hlen,
    long status, const char *rule, size_t rulelen)
{
	struct jsonw	 w;
	const char	*sp1, *sp2, *q, *v;
	size_t		 vlen;
	long		 id = 0;

	jsonw_init(&w, &r->fields);
	jsonw_object_begin(&w);
	sp1 = memchr(rl, ' ', rlen);
	sp2 = NULL;
	if (sp1 != NULL)
		for (q = rl + rlen; q > sp1; q--)
			if (q[-1] == ' ') {
				sp2 = q - 1;
				break;
			}
	if (sp1 != NULL && sp2 != NULL && sp2 > sp1) {
		const char	*uri = sp1 + 1;
		size_t		 ulen = (size_t)(sp2 - uri);

		jsonw_key(&w, "method");
		jsonw_bytes(&w, rl, (size_t)(sp1 - rl));
		jsonw_key(&w, "uri");
		jsonw_bytes(&w, uri, ulen);
		jsonw_key(&w, "path");
		q = memchr(uri, '?', ulen);
		jsonw_bytes(&w, uri, q ? (size_t)(q - uri) : ulen);
		jsonw_key(&w, "version");
		jsonw_bytes(&w, sp2 + 1, (size_t)(rl + rlen - sp2 - 1));
	} else {
		jsonw_key(&w, "request_line");
		jsonw_bytes(&w, rl, rlen);
	}
	jsonw_key(&w, "host");
	if ((v = wow_header(r, "Host", &vlen)) != NULL)
		jsonw_bytes(&w, v, vlen);
	else
		jsonw_bytes(&w, host, hlen);
	if ((v = wow_header(r, "User-Agent", &vlen)) != NULL) {
		jsonw_key(&w, "user_agent");
		jsonw_bytes(&w, v, vlen);
	}
	jsonw_key(&w, "status");
	jsonw_int(&w, status);
	if (rulelen > 0 && rulelen < 10 && strspn(rule, "0123456789") >= rulelen) {
		size_t	 i;

		for (i = 0; i < rulelen; i++)
			id = id * 10 + (rule[i] - '0');
		jsonw_key(&w, "rule");
		jsonw_int(&w, id);
	}
	jsonw_key(&w, "imported");
	jsonw_str(&w, "wowhoneypot");
	jsonw_object_end(&w);
}

int
imp_parse_wow_head(const char *line, size_t len, struct imp_rec *r, const char **why,
    size_t *rest)
{
	const char	*p, *end = line + len, *ip;
	size_t		 iplen;
	struct in6_addr	 a6;
	char		 tmp[EVT_IP_LEN + 8];

	*why = "not an access_log line (expected \"[time] ip host \\\"request\\\" status rule base64\")";
	if (len < 30 || line[0] != '[' || (p = memchr(line, ']', len)) == NULL)
		return -1;
	if (wow_ts(r, line + 1, (size_t)(p - line - 1)) == -1) {
		*why = "bad time stamp";
		return -1;
	}
	if (++p >= end || *p != ' ')
		return -1;
	ip = ++p;
	while (p < end && *p != ' ')
		p++;
	iplen = (size_t)(p - ip);
	if (iplen == 0 || iplen >= EVT_IP_LEN || p >= end) {
		*why = "bad client address";
		return -1;
	}
	memcpy(tmp, ip, iplen);
	tmp[iplen] = '\0';
	if (inet_pton(AF_INET, tmp, &a6) != 1 && inet_pton(AF_INET6, tmp, &a6) != 1) {
		*why = "bad client address";
		return -1;
	}
	memcpy(r->src_ip, tmp, iplen + 1);
	*rest = (size_t)(p + 1 - line);
	return 0;
}

int
imp_parse_wowhoneypot(const char *line, size_t len, struct imp_rec *r, const char **why)
{
	const char	*p, *end = line + len, *host, *b64, *rule, *status, *colon;
	size_t		 rest, blen, rulelen, slen, hlen, off;
	long		 st = 0;
	size_t		 i;
	struct in6_addr	 a6;
	char		 tmp[EVT_IP_LEN + 8];

	if (imp_parse_wow_head(line, len, r, why, &off) == -1)
		return -1;
	p = line + off - 1;
	host = ++p;
	while (p < end && *p != ' ')
		p++;
	hlen = (size_t)(p - host);
	if (p + 1 >= end || p[1] != '"')
		return -1;
	p += 2;				/* the request line starts */
	rest = (size_t)(end - p);
	if ((b64 = wow_last_token(p, &rest, &blen)) == NULL ||
	    (rule = wow_last_token(p, &rest, &rulelen)) == NULL ||
	    (status = wow_last_token(p, &rest, &slen)) == NULL || rest == 0 || p[rest - 1] != '"')
		return -1;
	if (slen == 0 || slen > 3) {
		*why = "bad status";
		return -1;
	}
	for (i = 0; i < slen; i++) {
		if (status[i] < '0' || status[i] > '9') {
			*why = "bad status";
			return -1;
		}
		st = st * 10 + (status[i] - '0');
	}
	if (wow_b64(r, b64, blen) == -1) {
		*why = "bad base64 request";
		return -1;
	}
	r->proto = "http";
	r->kind = "request";
	/* host:port: the port is the sensor's (":80" when WOWHoneypot did not know). */
	colon = NULL;
	for (i = hlen; i > 0; i--)
		if (host[i - 1] == ':') {
			colon = host + i - 1;
			break;
		}
	if (colon != NULL && (size_t)(host + hlen - colon - 1) <= 5 && colon[1] != '\0') {
		const char	*q;
		int		 port = 0;

		for (q = colon + 1; q < host + hlen && *q >= '0' && *q <= '9'; q++)
			port = port * 10 + (*q - '0');
		if (q == host + hlen && port < 65536)
			r->dst_port = port;
		if ((size_t)(colon - host) < EVT_IP_LEN) {
			memcpy(tmp, host, (size_t)(colon - host));
			tmp[colon - host] = '\0';
			if (inet_pton(AF_INET, tmp, &a6) == 1)
				memcpy(r->dst_ip, tmp, (size_t)(colon - host) + 1);
		}
	}
	wow_fields(r, p, rest - 1, host, hlen, st, rule, rulelen);
	return 0;
}
