/* jsonw.c - compact JSON text writer and a reader of one member of a flat object's text. */
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/utf8.h"

/*
 * Room for need more bytes at the end of the text, or NULL (and the text marked cut) past the
 * buffer's maximum. Each writer reserves its worst case and then stores bytes directly.
 */
static uint8_t *
jw_room(struct jsonw *w, size_t need)
{
	struct buf	*b = w->b;

	if (w->err)
		return NULL;
	if (need > b->cap - b->len &&
	    (need > b->max - b->len || buf_tail(b, need) == NULL)) {
		w->err = 1;
		return NULL;
	}
	return b->data + b->len;
}

static void
jw_done(struct jsonw *w, const uint8_t *end)
{
	w->b->len = (size_t)(end - w->b->data);
}

/* Writes c, after a ',' when a value came before. */
static void
jw_punct(struct jsonw *w, char c, int comma_after)
{
	uint8_t	*o;

	if ((o = jw_room(w, 2)) == NULL)
		return;
	if (w->comma && c != '}' && c != ']')
		*o++ = ',';
	*o++ = (uint8_t)c;
	jw_done(w, o);
	w->comma = comma_after;
}

void
jsonw_init(struct jsonw *w, struct buf *b)
{
	w->b = b;
	w->comma = 0;
	w->err = 0;
}

void
jsonw_object_begin(struct jsonw *w)
{
	jw_punct(w, '{', 0);
}

void
jsonw_object_end(struct jsonw *w)
{
	jw_punct(w, '}', 1);
}

void
jsonw_array_begin(struct jsonw *w)
{
	jw_punct(w, '[', 0);
}

void
jsonw_array_end(struct jsonw *w)
{
	jw_punct(w, ']', 1);
}

size_t
jsonw_utf8_len(const uint8_t *p, size_t len)
{
	return utf8_decode(p, len, NULL);
}

/* Bytes that stand for themselves in a JSON string: printable ASCII but '"' and '\\'. */
static const uint8_t	 jw_plain[256] = {
	[0x20] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x20..0x2f, '"' */
	[0x30] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x40] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x50] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,	/* '\\' */
	[0x60] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x70] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* Worst case of a string of len bytes: quotes and \u00XX for every byte; SIZE_MAX if absurd. */
static size_t
jw_string_max(size_t len)
{
	return len > (SIZE_MAX - 16) / 6 ? SIZE_MAX : 6 * len + 2;
}

/* The string s[0..len) quoted at o, which has jw_string_max(len) bytes; returns its end. */
static uint8_t *
jw_string(uint8_t *o, const uint8_t *s, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i = 0, n;

	*o++ = '"';
	while (i < len) {
		uint8_t	 c = s[i];

		if (jw_plain[c]) {
			*o++ = c;
			i++;
			continue;
		}
		if (c >= 0x80) {
			if ((n = jsonw_utf8_len(s + i, len - i)) > 0) {
				memcpy(o, s + i, n);
				o += n;
				i += n;
				continue;
			}
			*o++ = 0xef;		/* U+FFFD for this byte */
			*o++ = 0xbf;
			*o++ = 0xbd;
			i++;
			continue;
		}
		*o++ = '\\';
		if (c == '"' || c == '\\')
			*o++ = c;
		else if (c == '\n')
			*o++ = 'n';
		else if (c == '\r')
			*o++ = 'r';
		else if (c == '\t')
			*o++ = 't';
		else {
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = (uint8_t)hex[c >> 4];
			*o++ = (uint8_t)hex[c & 15];
		}
		i++;
	}
	*o++ = '"';
	return o;
}

void
jsonw_key_n(struct jsonw *w, const char *key, size_t n)
{
	uint8_t	*o;
	size_t	 i;

	for (i = 0; i < n && jw_plain[(uint8_t)key[i]]; i++)
		;
	if (i < n) {
		jsonw_key_any(w, key);
		return;
	}
	if ((o = jw_room(w, n + 4)) == NULL) {
		w->err = 1;
		return;
	}
	if (w->comma)
		*o++ = ',';
	*o++ = '"';
	memcpy(o, key, n);
	o += n;
	*o++ = '"';
	*o++ = ':';
	jw_done(w, o);
	w->comma = 0;
}

void
jsonw_key_any(struct jsonw *w, const char *key)
{
	size_t	 len = strlen(key), need = jw_string_max(len);
	uint8_t	*o;

	if (need == SIZE_MAX || (o = jw_room(w, need + 2)) == NULL) {
		w->err = 1;
		return;
	}
	if (w->comma)
		*o++ = ',';
	o = jw_string(o, (const uint8_t *)key, len);
	*o++ = ':';
	jw_done(w, o);
	w->comma = 0;
}

void
jsonw_bytes(struct jsonw *w, const void *p, size_t len)
{
	size_t	 need = jw_string_max(len);
	uint8_t	*o;

	if (need == SIZE_MAX || (o = jw_room(w, need + 1)) == NULL) {
		w->err = 1;
		return;
	}
	if (w->comma)
		*o++ = ',';
	jw_done(w, jw_string(o, p, len));
	w->comma = 1;
}

void
jsonw_str(struct jsonw *w, const char *s)
{
	jsonw_bytes(w, s, strlen(s));
}

void
jsonw_raw(struct jsonw *w, const char *text, size_t n)
{
	uint8_t	*o;

	if (n == SIZE_MAX || (o = jw_room(w, n + 1)) == NULL) {
		w->err = 1;
		return;
	}
	if (w->comma)
		*o++ = ',';
	memcpy(o, text, n);
	jw_done(w, o + n);
	w->comma = 1;
}

void
jsonw_int(struct jsonw *w, int64_t v)
{
	char	 tmp[24];

	jsonw_raw(w, tmp, fmt_int(tmp, v));
}

void
jsonw_bool(struct jsonw *w, int v)
{
	if (v)
		jsonw_raw(w, "true", 4);
	else
		jsonw_raw(w, "false", 5);
}

int
jsonw_done(const struct jsonw *w)
{
	return w->err ? -1 : 0;
}

/* Reading. Positions are indexes into s[0..len); every access is checked against len. */

static size_t
jr_ws(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* Index just past the string whose opening quote is at s[i], or 0 when it does not end. */
static size_t
jr_skip_string(const char *s, size_t len, size_t i)
{
	const char	*q;
	size_t		 k, bs;

	for (i++; i < len; i = k + 1) {
		if ((q = memchr(s + i, '"', len - i)) == NULL)
			return 0;
		k = (size_t)(q - s);
		for (bs = 0; k - bs > i && s[k - bs - 1] == '\\'; bs++)
			;
		if (bs % 2 == 0)
			return k + 1;
	}
	return 0;
}

/* Index just past the object or array at s[i], or 0 when it does not end. */
static size_t
jr_skip_value(const char *s, size_t len, size_t i)
{
	size_t	 depth = 0;

	while (i < len) {
		char	 c = s[i];

		if (c == '"') {
			if ((i = jr_skip_string(s, len, i)) == 0)
				return 0;
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']') {
			if (--depth == 0)
				return i + 1;
		}
		i++;
	}
	return 0;
}

static int
jr_hex4(const char *p, uint32_t *v)
{
	int	 k;

	*v = 0;
	for (k = 0; k < 4; k++) {
		char	 c = p[k];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/*
 * Decodes the escape at s[*i] (a backslash) into out; returns its byte count (1..4) and moves *i
 * past it, or 0 when it is malformed.
 */
static size_t
jr_escape(const char *s, size_t len, size_t *i, uint8_t out[4])
{
	uint32_t	 cp, lo;
	size_t		 p = *i;

	if (p + 1 >= len)
		return 0;
	switch (s[p + 1]) {
	case '"': case '\\': case '/':
		out[0] = (uint8_t)s[p + 1];
		break;
	case 'b':
		out[0] = '\b';
		break;
	case 'f':
		out[0] = '\f';
		break;
	case 'n':
		out[0] = '\n';
		break;
	case 'r':
		out[0] = '\r';
		break;
	case 't':
		out[0] = '\t';
		break;
	case 'u':
		if (len - p < 6 || jr_hex4(s + p + 2, &cp) == -1)
			return 0;
		p += 6;
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return 0;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (len - p < 6 || s[p] != '\\' || s[p + 1] != 'u' ||
			    jr_hex4(s + p + 2, &lo) == -1 || lo < 0xdc00 || lo > 0xdfff)
				return 0;
			p += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
		*i = p;
		if (cp < 0x80) {
			out[0] = (uint8_t)cp;
			return 1;
		}
		if (cp < 0x800) {
			out[0] = (uint8_t)(0xc0 | cp >> 6);
			out[1] = (uint8_t)(0x80 | (cp & 0x3f));
			return 2;
		}
		if (cp < 0x10000) {
			out[0] = (uint8_t)(0xe0 | cp >> 12);
			out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
			out[2] = (uint8_t)(0x80 | (cp & 0x3f));
			return 3;
		}
		out[0] = (uint8_t)(0xf0 | cp >> 18);
		out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (uint8_t)(0x80 | (cp & 0x3f));
		return 4;
	default:
		return 0;
	}
	*i = p + 2;
	return 1;
}

/*
 * Compares the string whose opening quote is at s[*i] with key, decoding escapes, and moves *i
 * past it. Returns 1 (equal), 0 (not), -1 (malformed).
 */
static int
jr_key_eq(const char *s, size_t len, size_t *i, const char *key)
{
	size_t	 p = *i + 1, k = 0, n, j;
	uint8_t	 d[4];
	int	 eq = 1;

	while (p < len && s[p] != '"') {
		if ((unsigned char)s[p] < 0x20)
			return -1;
		if (s[p] != '\\') {
			if (eq && key[k] == s[p])
				k++;
			else
				eq = 0;
			p++;
			continue;
		}
		if ((n = jr_escape(s, len, &p, d)) == 0)
			return -1;
		for (j = 0; j < n && eq; j++) {
			if (key[k] != '\0' && (uint8_t)key[k] == d[j])
				k++;
			else
				eq = 0;
		}
	}
	if (p >= len)
		return -1;
	*i = p + 1;
	return eq && key[k] == '\0';
}

/* The literal or number at s[i]: index just past it (0 when empty). */
static size_t
jr_skip_scalar(const char *s, size_t len, size_t i)
{
	size_t	 start = i;

	while (i < len && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
	    s[i] == '-' || s[i] == '+' || s[i] == '.' || s[i] == 'E'))
		i++;
	return i > start ? i : 0;
}

/*
 * Index just past the string whose opening quote is at s[i] (0 when it does not end); *esc is set
 * when it holds a backslash. A byte loop: the strings of event fields are short.
 */
static size_t
jr_string_end(const char *s, size_t len, size_t i, int *esc)
{
	for (i++; i < len; i++) {
		if (s[i] == '"')
			return i + 1;
		if (s[i] == '\\') {
			*esc = 1;
			i++;
		}
	}
	return 0;
}

/* jsonw_find_many; first: the first of duplicate members wins and the walk stops once every
 * key is found (the rest of the text is then not checked). */
static size_t
jr_find(const char *s, size_t len, const char *const *keys, size_t n, const char **vals,
    size_t *vlens, int first)
{
	size_t	 klen[JSONW_FIND_MAX], i, v, e, k, kl, found = 0;
	int	 eq, esc;

	if (n > JSONW_FIND_MAX)
		n = JSONW_FIND_MAX;
	for (k = 0; k < n; k++) {
		klen[k] = strlen(keys[k]);
		vals[k] = NULL;
		vlens[k] = 0;
	}
	i = jr_ws(s, len, 0);
	if (i >= len || s[i] != '{')
		return 0;
	i = jr_ws(s, len, i + 1);
	if (i < len && s[i] == '}')
		return 0;
	for (;;) {
		esc = 0;
		if (i >= len || s[i] != '"' || (e = jr_string_end(s, len, i, &esc)) == 0)
			goto bad;
		/* The key s[i + 1, e - 1): bytes compared when it has no escape, else decoded. */
		kl = e - i - 2;
		if (!esc) {
			/* The first byte before memcmp: keys of one length often share none. */
			for (k = 0; k < n; k++)
				if (klen[k] == kl && (kl == 0 || keys[k][0] == s[i + 1]) &&
				    memcmp(s + i + 1, keys[k], kl) == 0)
					break;
		} else {
			for (k = 0; k < n; k++) {
				size_t	 p = i;

				if ((eq = jr_key_eq(s, len, &p, keys[k])) == -1)
					goto bad;
				if (eq)
					break;
			}
		}
		i = jr_ws(s, len, e);
		if (i >= len || s[i] != ':')
			goto bad;
		v = jr_ws(s, len, i + 1);
		if (v >= len)
			goto bad;
		if (s[v] == '"')
			e = jr_string_end(s, len, v, &esc);
		else if (s[v] == '{' || s[v] == '[')
			e = jr_skip_value(s, len, v);
		else
			e = jr_skip_scalar(s, len, v);
		if (e == 0)
			goto bad;
		if (k < n && (!first || vals[k] == NULL)) {
			vals[k] = s + v;
			vlens[k] = e - v;
			if (first && ++found == n)
				return n;
		}
		i = jr_ws(s, len, e);
		if (i < len && s[i] == '}')
			break;
		if (i >= len || s[i] != ',')
			goto bad;
		i = jr_ws(s, len, i + 1);
	}
	for (e = 0, k = 0; k < n; k++)
		e += vals[k] != NULL;
	return e;
bad:
	for (k = 0; k < n; k++)
		vals[k] = NULL;
	return 0;
}

size_t
jsonw_find_many(const char *s, size_t len, const char *const *keys, size_t n,
    const char **vals, size_t *vlens)
{
	return jr_find(s, len, keys, n, vals, vlens, 0);
}

size_t
jsonw_find_first(const char *s, size_t len, const char *const *keys, size_t n,
    const char **vals, size_t *vlens)
{
	return jr_find(s, len, keys, n, vals, vlens, 1);
}

int
jsonw_find(const char *s, size_t len, const char *key, const char **val, size_t *vlen)
{
	return jsonw_find_many(s, len, &key, 1, val, vlen) == 1;
}

int
jsonw_string_value(const char *s, size_t len, struct buf *out)
{
	size_t	 i = 1, run = 1, n;
	uint8_t	 d[4];

	if (len < 2 || s[0] != '"' || s[len - 1] != '"')
		return 0;
	len--;			/* the closing quote */
	while (i < len) {
		unsigned char	 c = (unsigned char)s[i];

		if (c != '\\') {
			if (c < 0x20 || c == '"')
				return 0;
			i++;
			continue;
		}
		if (buf_append(out, s + run, i - run) == -1)
			return -1;
		if ((n = jr_escape(s, len, &i, d)) == 0)
			return 0;
		if (buf_append(out, d, n) == -1)
			return -1;
		run = i;
	}
	if (buf_append(out, s + run, len - run) == -1)
		return -1;
	return 1;
}

int
jsonw_int_value(const char *s, size_t len, int64_t *v)
{
	uint64_t	 u = 0, lim;
	size_t		 i = 0;
	int		 neg = 0;

	if (len > 0 && s[0] == '-')
		neg = 1, i = 1;
	if (i >= len)
		return 0;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		if (u > (lim - (uint64_t)(s[i] - '0')) / 10)
			return 0;
		u = u * 10 + (uint64_t)(s[i] - '0');
	}
	*v = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 1;
}
