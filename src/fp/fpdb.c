/*
 * fpdb.c - the fingerprint database: reads "kind value client family" lines (docs/fingerprints.md)
 * and answers lookups: exact for JA3 and JA4, field-wise patterns for SYN signatures. First match
 * wins. The file format errors name file:line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "fp/fpdb.h"

#define FPDB_MAX_TOKEN		256
#define FPDB_MAX_FILE		(4 * 1024 * 1024)
#define FPDB_MAX_ENTRIES	100000
#define SIG_FIELDS		8	/* ver ittl olen mss win scale layout quirks */

/* A SYN pattern split once at load: its fields point into its own copy. */
struct fpdb_pat {
	char			*f[SIG_FIELDS];
};

struct fpdb {
	struct fpdb_entry	*e;
	struct fpdb_pat		*pat;		/* parallel to e; f[0] NULL unless FP_SYN */
	size_t			 n, cap;
};

static const char *const fpdb_kinds[FP_NKINDS] = { "ja3", "ja4", "syn" };

struct fpdb *
fpdb_new(void)
{
	return xcalloc(1, sizeof(struct fpdb));
}

static void
fpdb_truncate(struct fpdb *db, size_t n)
{
	while (db->n > n) {
		db->n--;
		free((char *)db->e[db->n].value);	/* one block holds all strings */
		free(db->pat[db->n].f[0]);
	}
}

void
fpdb_free(struct fpdb *db)
{
	if (db == NULL)
		return;
	fpdb_truncate(db, 0);
	free(db->e);
	free(db->pat);
	free(db);
}

size_t
fpdb_count(const struct fpdb *db)
{
	return db ? db->n : 0;
}

int
fpdb_kind(const char *name)
{
	int	 i;

	for (i = 0; i < FP_NKINDS; i++)
		if (strcmp(name, fpdb_kinds[i]) == 0)
			return i;
	return -1;
}

/* Splits a signature into its SIG_FIELDS fields (pointers into buf, which it edits). */
static int
sig_split(char *buf, char **f)
{
	char	*p = buf, *c;
	int	 i;

	for (i = 0; i < 7; i++) {
		f[i < 5 ? i : i + 1] = p;
		if (i == 6)
			break;
		if ((c = strchr(p, ':')) == NULL)
			return -1;
		*c = '\0';
		p = c + 1;
	}
	if (strchr(f[7], ':') != NULL || (c = strchr(f[4], ',')) == NULL)
		return -1;
	*c = '\0';
	f[5] = c + 1;
	return 0;
}

static int
sig_num(const char *s, long *v)
{
	char	*end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtol(s, &end, 10);
	return errno == 0 && *end == '\0' ? 0 : -1;
}

/* Whether the split pattern pf matches the split signature sf. */
static int
sig_match(char *const *pf, char *const *sf)
{
	long	 n, mss, win;
	int	 i;

	for (i = 0; i < SIG_FIELDS; i++) {
		if (strcmp(pf[i], "*") == 0)
			continue;
		if (i == 4 && strncmp(pf[i], "mss*", 4) == 0) {
			if (sig_num(pf[i] + 4, &n) == -1 || sig_num(sf[3], &mss) == -1 ||
			    sig_num(sf[4], &win) == -1)
				return 0;
			/* win == mss * n, without the product (n is the pattern's, any size). */
			if (mss == 0 ? win != 0 : win % mss != 0 || win / mss != n)
				return 0;
			continue;
		}
		if (strcmp(pf[i], sf[i]) != 0)
			return 0;
	}
	return 1;
}

int
fpdb_syn_match(const char *pattern, const char *sig)
{
	char	 pb[FPDB_MAX_TOKEN + 1], sb[1024], *pf[SIG_FIELDS], *sf[SIG_FIELDS];

	if (strlen(pattern) >= sizeof(pb) || strlen(sig) >= sizeof(sb))
		return 0;
	memcpy(pb, pattern, strlen(pattern) + 1);
	memcpy(sb, sig, strlen(sig) + 1);
	if (sig_split(pb, pf) == -1 || sig_split(sb, sf) == -1)
		return 0;
	return sig_match(pf, sf);
}

/* Checks (and normalises) a value of kind k. NULL, or why it is bad. */
static const char *
fpdb_check_value(int k, char *v)
{
	char	 tmp[FPDB_MAX_TOKEN + 1], *f[SIG_FIELDS];
	size_t	 i, n = strlen(v);

	switch (k) {
	case FP_JA3:
		if (n != 32)
			return "a JA3 hash is 32 hex digits";
		for (i = 0; i < n; i++) {
			if (v[i] >= 'A' && v[i] <= 'F')
				v[i] = (char)(v[i] - 'A' + 'a');
			if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
				return "a JA3 hash is 32 hex digits";
		}
		return NULL;
	case FP_JA4:
		for (i = 0; i < n; i++)
			if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'z') ||
			    v[i] == '_'))
				return "a JA4 is lowercase letters, digits and '_'";
		return NULL;
	default:
		memcpy(tmp, v, n + 1);
		if (sig_split(tmp, f) == -1)
			return "a SYN signature is ver:ittl:olen:mss:win,scale:layout:quirks";
		return NULL;
	}
}

/* The next token of a line: a run of non-blanks or a "quoted string". NULL at the end. */
static const char *
fpdb_token(const char **pp, const char *end, char *out, size_t outlen, const char **why)
{
	const char	*p = *pp, *s;
	size_t		 n, i;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	if (p >= end)
		return NULL;
	if (*p == '"') {
		s = ++p;
		while (p < end && *p != '"')
			p++;
		if (p >= end) {
			*why = "unterminated quoted string";
			return NULL;
		}
		n = (size_t)(p - s);
		p++;
	} else {
		s = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		n = (size_t)(p - s);
	}
	if (n == 0 || n >= outlen) {
		*why = n == 0 ? "empty quoted string" : "token too long";
		return NULL;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			*why = "control character";
			return NULL;
		}
	memcpy(out, s, n);
	out[n] = '\0';
	*pp = p;
	return out;
}

static void
fpdb_add(struct fpdb *db, int k, const char *tok[4], const char *origin, size_t line)
{
	char		 org[64];
	size_t		 l[4], lo, i, off = 0;
	char		*blk;
	struct fpdb_entry *e;

	if (db->n == db->cap) {
		db->cap = db->cap ? db->cap * 2 : 64;
		db->e = xreallocarray(db->e, db->cap, sizeof(*db->e));
		db->pat = xreallocarray(db->pat, db->cap, sizeof(*db->pat));
	}
	memset(&db->pat[db->n], 0, sizeof(db->pat[db->n]));
	if (k == FP_SYN)
		sig_split(xstrdup(tok[1]), db->pat[db->n].f);	/* checked by fpdb_check_value */
	snprintf(org, sizeof(org), ":%zu", line);
	for (i = 1; i < 4; i++)
		l[i] = strlen(tok[i]) + 1;
	lo = strlen(origin) + strlen(org) + 1;
	blk = xmalloc(l[1] + l[2] + l[3] + lo);
	e = &db->e[db->n++];
	e->kind = (enum fp_kind)k;
	for (i = 1; i < 4; i++) {
		memcpy(blk + off, tok[i], l[i]);
		if (i == 1)
			e->value = blk + off;
		else if (i == 2)
			e->client = blk + off;
		else
			e->family = blk + off;
		off += l[i];
	}
	snprintf(blk + off, lo, "%s%s", origin, org);
	e->origin = blk + off;
}

int
fpdb_load_text(struct fpdb *db, const char *origin, const char *text, size_t len, char *err,
    size_t errlen)
{
	char		 buf[4][FPDB_MAX_TOKEN + 1];
	const char	*tok[4], *p = text, *end = text + len, *eol, *q, *why;
	size_t		 line = 0, start = db->n;
	int		 k, i;

	while (p < end) {
		line++;
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if (memchr(p, '\0', (size_t)(eol - p)) != NULL) {
			why = "NUL byte";
			goto bad;
		}
		q = p;
		while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q == eol || *q == '#') {
			p = eol + (eol < end);
			continue;
		}
		why = NULL;
		for (i = 0; i < 4; i++)
			if ((tok[i] = fpdb_token(&q, eol, buf[i], sizeof(buf[i]), &why)) == NULL)
				break;
		if (i < 4 || fpdb_token(&q, eol, buf[0], sizeof(buf[0]), &why) != NULL) {
			if (why == NULL)
				why = "expected four fields: kind value client family";
			goto bad;
		}
		if ((k = fpdb_kind(tok[0])) < 0) {
			why = "kind must be ja3, ja4 or syn";
			goto bad;
		}
		if ((why = fpdb_check_value(k, buf[1])) != NULL)
			goto bad;
		if (db->n >= FPDB_MAX_ENTRIES) {
			why = "too many entries";
			goto bad;
		}
		fpdb_add(db, k, tok, origin, line);
		p = eol + (eol < end);
	}
	return 0;
bad:
	snprintf(err, errlen, "%s:%zu: %s", origin, line, why);
	fpdb_truncate(db, start);
	return -1;
}

int
fpdb_load(struct fpdb *db, const char *path, char *err, size_t errlen)
{
	FILE	*fp;
	char	*text;
	size_t	 n;
	int	 rc;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	text = xmalloc(FPDB_MAX_FILE + 1);
	n = fread(text, 1, FPDB_MAX_FILE + 1, fp);
	if (ferror(fp) || n > FPDB_MAX_FILE) {
		snprintf(err, errlen, "%s: %s", path, ferror(fp) ? "read error" :
		    "larger than 4 MB");
		rc = -1;
	} else
		rc = fpdb_load_text(db, path, text, n, err, errlen);
	free(text);
	fclose(fp);
	return rc;
}

const struct fpdb_entry *
fpdb_lookup(const struct fpdb *db, enum fp_kind kind, const char *value)
{
	char	 sb[1024], *sf[SIG_FIELDS];
	size_t	 i;

	if (db == NULL || value == NULL)
		return NULL;
	if (kind == FP_SYN) {
		if (strlen(value) >= sizeof(sb))
			return NULL;
		memcpy(sb, value, strlen(value) + 1);
		if (sig_split(sb, sf) == -1)
			return NULL;
	}
	for (i = 0; i < db->n; i++) {
		if (db->e[i].kind != kind)
			continue;
		if (kind == FP_SYN ? sig_match(db->pat[i].f, sf) :
		    strcmp(db->e[i].value, value) == 0)
			return &db->e[i];
	}
	return NULL;
}
