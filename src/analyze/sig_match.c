/*
 * sig_match.c - classifies an event against the signature database. Cheap by construction: a
 * signature is first filtered by proto and kind (string compares), then its conditions run in file
 * order and stop at the first that fails, so a literal written before a regex keeps PCRE2 (JIT,
 * work-limited) off most events. Event values are extracted once per event, on first use.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "analyze/sig_impl.h"
#include "core/buf.h"
#include "core/evt.h"
#include "core/jsonw.h"
#include "core/limits.h"
#include "core/xmalloc.h"

void	sig_rec_free(struct sig_rec *r);

/* A value extracted from the event: bytes at off in the view's scratch buffer, or at p. */
struct sig_val {
	int		 state;		/* 0 not looked at yet, 1 present, -1 absent */
	const uint8_t	*p;		/* direct pointer (payload-derived), or NULL: use off */
	size_t		 off, len;
};

struct sig_view {
	const struct evt	*ev;
	struct sigdb		*db;
	struct sig_val		 fixed[SF_NFIXED];
	struct sig_val		 keys[SIG_MAX_JSON_KEYS];
	int			 keys_done;
	const struct sig_group	*group;		/* which fields to read */
	struct buf		 scratch;	/* decoded strings */
	char			 num[2][24];
	int			 head_done;
};

static int
sm_cmp_id(const void *a, const void *b)
{
	return strcmp((*(const struct sig *const *)a)->id, (*(const struct sig *const *)b)->id);
}

int
sig_finish(struct sigdb *db, char *err, size_t errlen)
{
	const struct sig	*a, *b;
	size_t			 i;

	db->by_id = xcalloc(db->n ? db->n : 1, sizeof(*db->by_id));
	for (i = 0; i < db->n; i++)
		db->by_id[i] = &db->recs[i].pub;
	qsort(db->by_id, db->n, sizeof(*db->by_id), sm_cmp_id);
	for (i = 1; i < db->n; i++) {
		a = db->by_id[i - 1];
		b = db->by_id[i];
		if (strcmp(a->id, b->id) != 0)
			continue;
		if (a > b) {	/* recs are in file order: name the later definition */
			const struct sig *t = a;

			a = b;
			b = t;
		}
		snprintf(err, errlen, "%s:%u: signature %s already defined at %s:%u", b->file,
		    b->line, b->id, a->file, a->line);
		return -1;
	}
	/* decoded_uri reads "uri" with the other fields, in the same pass. */
	for (i = 0; i < db->nkeys && strcmp(db->keys[i], "uri") != 0; i++)
		;
	if (i == db->nkeys) {
		if (db->nkeys == SIG_MAX_JSON_KEYS) {
			snprintf(err, errlen, "more than %d distinct field names", SIG_MAX_JSON_KEYS - 1);
			return -1;
		}
		db->keys[db->nkeys++] = xstrdup("uri");
	}
	db->uri_key = (int)i;
	sig_prefilter_build(db);
	db->view = xcalloc(1, sizeof(struct sig_view));
	buf_init(&db->view->scratch, 2 * (size_t)HNP_MAX_FIELDS_JSON);
	if ((db->md = pcre2_match_data_create(1, NULL)) == NULL ||
	    (db->mctx = pcre2_match_context_create(NULL)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pcre2_set_match_limit(db->mctx, SIG_MATCH_LIMIT);
	pcre2_set_depth_limit(db->mctx, SIG_DEPTH_LIMIT);
	pcre2_set_heap_limit(db->mctx, SIG_HEAP_LIMIT);
	return 0;
}

void
sigdb_free(struct sigdb *db)
{
	size_t	 i;

	if (db == NULL)
		return;
	for (i = 0; i < db->n; i++)
		sig_rec_free(&db->recs[i]);
	free(db->recs);
	free(db->by_id);
	sig_prefilter_free(db);
	if (db->view != NULL)
		buf_free(&db->view->scratch);
	free(db->view);
	for (i = 0; i < db->nkeys; i++)
		free(db->keys[i]);
	for (i = 0; i < db->nfiles; i++)
		free(db->files[i]);
	free(db->files);
	pcre2_match_data_free(db->md);
	pcre2_match_context_free(db->mctx);
	free(db);
}

size_t
sigdb_count(const struct sigdb *db)
{
	return db->n;
}

const struct sig *
sigdb_at(const struct sigdb *db, size_t i)
{
	return i < db->n ? &db->recs[i].pub : NULL;
}

const struct sig *
sigdb_find(const struct sigdb *db, const char *id)
{
	size_t	 lo = 0, hi = db->n, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(id, db->by_id[mid]->id);
		if (c == 0)
			return db->by_id[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static const uint8_t *
sm_ptr(const struct sig_view *v, const struct sig_val *sv)
{
	return sv->p != NULL ? sv->p : v->scratch.data + sv->off;
}

static void
sm_set_str(struct sig_view *v, struct sig_val *sv, const char *s, size_t len)
{
	sv->state = 1;
	sv->p = (const uint8_t *)s;
	sv->len = len;
}

/* Fills every event field the database tests, in one pass per 16 names. */
/* One field's value into sv: a string without escapes is used in place (no copy). */
static void
sm_key_value(struct sig_view *v, const struct evt_value *val, struct sig_val *sv)
{
	int64_t		 iv;
	char		 num[24];
	int		 t;

	sv->state = -1;
	sv->p = NULL;
	sv->off = v->scratch.len;
	sv->len = 0;
	if (val->text != NULL && val->len >= 2 && val->text[0] == '"' &&
	    memchr(val->text + 1, '\\', val->len - 2) == NULL) {
		sm_set_str(v, sv, val->text + 1, val->len - 2);
		return;
	}
	if (evt_value_str(val, &v->scratch) == 1)
		sv->state = 1;
	else if (evt_value_int(val, &iv) == 1) {
		v->scratch.len = sv->off;
		if (buf_append(&v->scratch, num, fmt_int(num, iv)) == 0)
			sv->state = 1;
	} else if ((val->json != NULL && json_is_boolean(val->json)) ||
	    (val->text != NULL && (val->text[0] == 't' || val->text[0] == 'f'))) {
		t = val->json != NULL ? json_is_true(val->json) : val->text[0] == 't';
		v->scratch.len = sv->off;
		if (buf_append(&v->scratch, t ? "true" : "false", t ? 4 : 5) == 0)
			sv->state = 1;
	} else
		v->scratch.len = sv->off;
	if (sv->state == 1)
		sv->len = v->scratch.len - sv->off;
}

/* Fills the event fields the group's signatures test, in one pass per 16 names. */
static void
sm_keys(struct sig_view *v)
{
	struct evt_value	 vals[JSONW_FIND_MAX];
	const char		*names[JSONW_FIND_MAX];
	const struct sig_group	*g = v->group;
	size_t			 i, k, n;

	v->keys_done = 1;
	for (i = 0; i < v->db->nkeys; i++)
		v->keys[i].state = -1;
	for (i = 0; i < g->nkeys; i += n) {
		n = g->nkeys - i < JSONW_FIND_MAX ? g->nkeys - i : JSONW_FIND_MAX;
		for (k = 0; k < n; k++)
			names[k] = v->db->keys[g->keys[i + k]];
		if (v->ev->fields == NULL && v->ev->fields_text != NULL) {
			/* Producers write each member once: stop when all are found. */
			const char	*tv[JSONW_FIND_MAX];
			size_t		 tl[JSONW_FIND_MAX];

			memset(vals, 0, n * sizeof(*vals));
			jsonw_find_first(v->ev->fields_text, v->ev->fields_len, names, n, tv, tl);
			for (k = 0; k < n; k++) {
				vals[k].text = tv[k];
				vals[k].len = tl[k];
			}
		} else
			evt_fields_get(v->ev, names, n, vals);
		for (k = 0; k < n; k++)
			sm_key_value(v, &vals[k], &v->keys[g->keys[i + k]]);
	}
}

/* Splits the payload into request line, header lines and body (HTTP's shape, LF or CRLF). */
static void
sm_head(struct sig_view *v)
{
	const uint8_t	*p = v->ev->payload, *e, *nl, *q;
	size_t		 len = v->ev->payload_len, i, hl;

	v->head_done = 1;
	v->fixed[SF_REQUEST_LINE].state = v->fixed[SF_HEADERS].state =
	    v->fixed[SF_BODY].state = -1;
	if (p == NULL || len == 0)
		return;
	e = p + len;
	nl = memchr(p, '\n', len);
	i = nl != NULL ? (size_t)(nl - p) : len;
	sm_set_str(v, &v->fixed[SF_REQUEST_LINE], (const char *)p,
	    i > 0 && p[i - 1] == '\r' ? i - 1 : i);
	if (nl == NULL)
		return;
	/* The header block ends at the first empty line: a LF followed by LF or CR LF. */
	for (q = nl; q != NULL && q + 1 < e; q = memchr(q + 1, '\n', (size_t)(e - q - 1))) {
		if (q[1] == '\n' || (q[1] == '\r' && q + 2 < e && q[2] == '\n')) {
			hl = q > nl ? (size_t)(q - nl - 1) : 0;
			if (hl > 0 && nl[hl] == '\r')
				hl--;
			sm_set_str(v, &v->fixed[SF_HEADERS], (const char *)nl + 1, hl);
			q += q[1] == '\n' ? 2 : 3;
			sm_set_str(v, &v->fixed[SF_BODY], (const char *)q, (size_t)(e - q));
			return;
		}
	}
	sm_set_str(v, &v->fixed[SF_HEADERS], (const char *)nl + 1, (size_t)(e - nl - 1));
}

static void
sm_decoded_uri(struct sig_view *v, struct sig_val *sv)
{
	const struct sig_val	*u;
	size_t			 start, i, n;
	uint8_t			 c, *dst;
	int			 h, l;

	sv->state = -1;
	if (!v->keys_done)
		sm_keys(v);
	u = &v->keys[v->db->uri_key];
	if (u->state != 1)
		return;
	/* A copy at the end of scratch, decoded in place (never longer than the input). */
	start = v->scratch.len;
	n = u->len;
	if (n > 0) {
		/* The source may be in scratch itself: make room first, then copy. */
		if ((dst = buf_tail(&v->scratch, n)) == NULL || buf_room(&v->scratch) < n)
			return;
		memcpy(dst, sm_ptr(v, u), n);
		v->scratch.len += n;
	}
	for (i = 0, sv->len = 0; i < n; i++) {
		c = v->scratch.data[start + i];
		if (c == '+')
			c = ' ';
		else if (c == '%' && i + 2 < n && (h = hex_value(v->scratch.data[start + i + 1])) >= 0 &&
		    (l = hex_value(v->scratch.data[start + i + 2])) >= 0) {
			c = (uint8_t)(h << 4 | l);
			i += 2;
		}
		v->scratch.data[start + sv->len++] = c;
	}
	v->scratch.len = start + sv->len;
	sv->state = 1;
	sv->p = NULL;
	sv->off = start;
}

/* The value of a fixed field; NULL when the event has none. */
static const struct sig_val *
sm_fixed(struct sig_view *v, enum sig_field f)
{
	const struct evt	*ev = v->ev;
	struct sig_val		*sv = &v->fixed[f];

	if (sv->state != 0)
		return sv->state == 1 ? sv : NULL;
	switch (f) {
	case SF_PROTO:
		sm_set_str(v, sv, ev->proto, strlen(ev->proto));
		break;
	case SF_KIND:
		sm_set_str(v, sv, ev->kind, strlen(ev->kind));
		break;
	case SF_SENSOR:
		sm_set_str(v, sv, ev->sensor, strlen(ev->sensor));
		break;
	case SF_SRC_IP:
		sm_set_str(v, sv, ev->src_ip, strlen(ev->src_ip));
		break;
	case SF_SRC_PORT:
	case SF_DST_PORT:
		sm_set_str(v, sv, v->num[f == SF_DST_PORT], fmt_int(v->num[f == SF_DST_PORT],
		    f == SF_DST_PORT ? ev->dst_port : ev->src_port));
		break;
	case SF_PAYLOAD:
		if (ev->payload != NULL)
			sm_set_str(v, sv, (const char *)ev->payload, ev->payload_len);
		else
			sv->state = -1;
		break;
	case SF_REQUEST_LINE:
	case SF_HEADERS:
	case SF_BODY:
		if (!v->head_done)
			sm_head(v);
		break;
	case SF_DECODED_URI:
		sm_decoded_uri(v, sv);
		break;
	default:
		sv->state = -1;
		break;
	}
	return sv->state == 1 ? sv : NULL;
}

static int
sm_icontains(const uint8_t *h, size_t hl, const char *w, size_t wl)
{
	const uint8_t	*n = (const uint8_t *)w;
	size_t		 i, k;

	if (wl == 0)
		return 1;
	if (wl > hl)
		return 0;
	for (i = 0; i + wl <= hl; i++) {
		if (sig_lower[h[i]] != n[0])
			continue;
		for (k = 1; k < wl && sig_lower[h[i + k]] == n[k]; k++)
			;
		if (k == wl)
			return 1;
	}
	return 0;
}

static int
sm_op(struct sigdb *db, const struct sig_cond *c, const uint8_t *p, size_t len)
{
	static const uint8_t	 empty[1];
	size_t			 i, wl;
	int			 rc;

	if (p == NULL)
		p = empty;
	if (c->op == SO_REGEX) {
		rc = pcre2_match(c->re, p, len, 0, 0, db->md, db->mctx);
		if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
			rc = pcre2_match(c->re, p, len, 0, PCRE2_NO_JIT, db->md, db->mctx);
		return rc >= 0;
	}
	for (i = 0; i < c->nwords; i++) {
		wl = c->wlen[i];
		switch (c->op) {
		case SO_IS:
			if (len == wl && memcmp(p, c->words[i], wl) == 0)
				return 1;
			break;
		case SO_CONTAINS:
			if (wl == 0 || memmem(p, len, c->words[i], wl) != NULL)
				return 1;
			break;
		case SO_ICONTAINS:
			if (sm_icontains(p, len, c->words[i], wl))
				return 1;
			break;
		case SO_STARTS:
			if (len >= wl && memcmp(p, c->words[i], wl) == 0)
				return 1;
			break;
		case SO_ISTARTS:
			if (len >= wl && sm_icontains(p, wl, c->words[i], wl))
				return 1;
			break;
		case SO_ENDS:
			if (len >= wl && memcmp(p + len - wl, c->words[i], wl) == 0)
				return 1;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* The value of a non-tags field, or NULL when the event has none. */
static const struct sig_val *
sm_value(struct sig_view *v, const struct sig_fref *fr)
{
	if (fr->f == SF_JSON) {
		if (!v->keys_done)
			sm_keys(v);
		return v->keys[fr->key].state == 1 ? &v->keys[fr->key] : NULL;
	}
	/* Known already (the usual case): no call. */
	if (v->fixed[fr->f].state != 0)
		return v->fixed[fr->f].state == 1 ? &v->fixed[fr->f] : NULL;
	return sm_fixed(v, fr->f);
}

/* c's quick test (c->quick) of one value: 0 when c's operator cannot hold on it. */
static int
sm_quick(const struct sig_cond *c, const uint8_t *p, size_t len)
{
	/* No word is empty: a length of 0 fails before p[0] is read. */
	return (c->lens >> (len < 63 ? len : 63) & 1) && (c->lead[p[0] >> 3] >> (p[0] & 7) & 1);
}

/* Whether any of c's fields has a value c's operator holds on (quick: passes its quick test). */
static int
sm_any(struct sig_view *v, const struct sig_cond *c, json_t *tags, int quick)
{
	const struct sig_val	*sv;
	const uint8_t		*p;
	const char		*t;
	size_t			 i, k, len;
	int			 hit = 0;

	for (i = 0; i < c->nfields && !hit; i++) {
		const struct sig_fref	*fr = &c->fields[i];

		if (fr->f == SF_TAGS) {
			for (k = 0; k < json_array_size(tags) && !hit; k++)
				if ((t = json_string_value(json_array_get(tags, k))) != NULL) {
					p = (const uint8_t *)t;
					len = strlen(t);
					hit = quick ? sm_quick(c, p, len) : sm_op(v->db, c, p, len);
				}
			continue;
		}
		if ((sv = sm_value(v, fr)) != NULL) {
			p = sm_ptr(v, sv);
			hit = quick ? sm_quick(c, p, sv->len) : sm_op(v->db, c, p, sv->len);
		}
	}
	return hit;
}

static int
sm_cond(struct sig_view *v, const struct sig_cond *c, json_t *tags)
{
	int	 hit = sm_any(v, c, tags, 0);

	return c->neg ? !hit : hit;
}

/* Whether r can match: not when every alternative's first condition fails its quick test.
 * Rejects most of the candidates the literal prefilter cannot (payload starts ..., tags is ...)
 * for the price of a byte compare. */
static int
sm_may(struct sig_view *v, const struct sig_rec *r, json_t *tags)
{
	size_t	 i;

	if (!r->quick)
		return 1;
	for (i = 0; i < r->nclauses; i++)
		if (sm_any(v, &r->clauses[i].conds[0], tags, 1))
			return 1;
	return 0;
}

/* Whether any alternative of r holds (proto and kind are checked by the group). */
static int
sm_rec(struct sig_view *v, const struct sig_rec *r, json_t *tags)
{
	size_t	 i, k;

	for (i = 0; i < r->nclauses; i++) {
		for (k = 0; k < r->clauses[i].nconds; k++)
			if (!sm_cond(v, &r->clauses[i].conds[k], tags))
				break;
		if (k == r->clauses[i].nconds)
			return 1;
	}
	return 0;
}

/* Drops the tags that are ids of this database (they are recomputed). */
static void
sm_drop_own(struct sigdb *db, json_t *tags)
{
	size_t		 i = 0;
	const char	*t;

	while (i < json_array_size(tags)) {
		t = json_string_value(json_array_get(tags, i));
		if (t != NULL && sigdb_find(db, t) != NULL)
			json_array_remove(tags, i);
		else
			i++;
	}
}

static int
sm_cmp_u32(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Tags ev with r when it matches; 1 when it did. */
static int
sm_apply(struct sig_view *v, const struct sig_rec *r, struct evt *ev)
{
	if (!sm_rec(v, r, ev->tags))
		return 0;
	if (ev->tags == NULL)
		ev->tags = json_array();
	json_array_append_new(ev->tags, json_string(r->pub.id));
	return 1;
}

int
sigdb_classify(struct sigdb *db, struct evt *ev)
{
	struct sig_view		*v = db->view;
	const struct sig_group	*g;
	const struct sig_val	*sv;
	const struct sig_rec	*r;
	size_t			 i, k;
	int			 nmatch = 0;

	if (ev->tags != NULL)
		sm_drop_own(db, ev->tags);
	v->scratch.len = 0;
	/* The other members are set with the state; a memset of them all (rep stos) showed in
	 * profiles. */
	for (i = 0; i < SF_NFIXED; i++)
		v->fixed[i].state = 0;
	v->keys_done = 0;
	v->head_done = 0;
	v->ev = ev;
	v->db = db;
	g = v->group = sig_group_evt(db, ev);
	if (++db->gen == 0) {
		memset(db->cand, 0, db->n * sizeof(*db->cand));
		db->gen = 1;
	}
	db->nhits = 0;
	for (i = 0; i < g->nscan && !db->no_prefilter; i++)
		if ((sv = sm_value(v, &g->scan[i])) != NULL)
			sig_prefilter_scan(db, &g->scan[i], sm_ptr(v, sv), sv->len, db->gen);
	if (db->no_prefilter) {
		for (i = 0; i < g->n; i++)
			nmatch += sm_apply(v, &db->recs[g->recs[i]], ev);
	} else {
		/* The admitted ones (a few, unordered) merged with the always-candidates, in file
		 * order: a signature may test the tags of earlier ones. */
		if (db->nhits > 1)
			qsort(db->hits, db->nhits, sizeof(*db->hits), sm_cmp_u32);
		for (i = 0, k = 0; i < g->nalways || k < db->nhits;) {
			if (k == db->nhits || (i < g->nalways && g->always[i] < db->hits[k]))
				r = &db->recs[g->always[i++]];
			else if (g->member[db->hits[k]])
				r = &db->recs[db->hits[k++]];
			else {
				k++;	/* another (proto, kind)'s signature */
				continue;
			}
			if (sm_may(v, r, ev->tags))
				nmatch += sm_apply(v, r, ev);
		}
	}
	if (v->scratch.cap > 64 * 1024)
		buf_free(&v->scratch);
	return nmatch;
}

int
sigdb_reads_client(struct sigdb *db, const char *proto, const char *kind)
{
	const struct sig_group	*g = sig_group(db, proto, kind);
	const struct sig_rec	*rec;
	const struct sig_cond	*c;
	size_t			 i, k, j, f;

	for (i = 0; i < g->n; i++) {
		rec = &db->recs[g->recs[i]];
		for (k = 0; k < rec->nclauses; k++)
			for (j = 0; j < rec->clauses[k].nconds; j++) {
				c = &rec->clauses[k].conds[j];
				for (f = 0; f < c->nfields; f++)
					if (c->fields[f].f == SF_SRC_IP || c->fields[f].f == SF_SRC_PORT)
						return 1;
			}
	}
	return 0;
}
