/*
 * sig_prefilter.c - the literal prefilter: one Aho-Corasick automaton (case-folded) over the words
 * of every signature's first condition, so one pass over each event value finds the few
 * signatures that can match; only those run their conditions. A signature whose first condition
 * has no literal (a regex, a negation, a port) is always a candidate. Also the per (proto, kind)
 * candidate lists, so a connect or close event never looks at the HTTP request signatures, and
 * the quick test of anchored first conditions (is, starts, istarts: first byte and length) that
 * the matcher runs before a candidate's conditions.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/sig_impl.h"
#include "core/evt.h"
#include "core/xmalloc.h"

#define AC_ROOT		0
#define AC_MAX_STATES	60000	/* uint16 states; more literal bytes: no prefilter */

const uint8_t sig_lower[256] = {
#define L1(i) ((uint8_t)((i) >= 'A' && (i) <= 'Z' ? (i) + 32 : (i)))
#define L4(i) L1(i), L1(i + 1), L1(i + 2), L1(i + 3)
#define L16(i) L4(i), L4(i + 4), L4(i + 8), L4(i + 12)
#define L64(i) L16(i), L16(i + 16), L16(i + 32), L16(i + 48)
	L64(0), L64(64), L64(128), L64(192)
#undef L64
#undef L16
#undef L4
#undef L1
};

/* Whether a condition can serve as a prefilter: positive, literal words, event-value fields. */
static int
pf_literal_cond(const struct sig_cond *c)
{
	size_t	 i;

	int	 anchored;

	/* is, starts and ends imply contains. */
	if (c->neg || c->op == SO_REGEX || c->nwords == 0)
		return 0;
	anchored = c->op != SO_CONTAINS && c->op != SO_ICONTAINS;
	for (i = 0; i < c->nwords; i++)
		if (c->wlen[i] == 0)
			return 0;
	for (i = 0; i < c->nfields; i++) {
		/* An anchored test of the payload or body is cheaper than scanning it whole. */
		if (anchored && (c->fields[i].f == SF_PAYLOAD || c->fields[i].f == SF_BODY))
			return 0;
		if (c->fields[i].f != SF_PAYLOAD && c->fields[i].f != SF_REQUEST_LINE &&
		    c->fields[i].f != SF_HEADERS && c->fields[i].f != SF_BODY &&
		    c->fields[i].f != SF_DECODED_URI && c->fields[i].f != SF_JSON)
			return 0;
	}
	return 1;
}

/* The quick test of an anchored condition: which first bytes and lengths its words allow. */
static int
pf_quick_cond(struct sig_cond *c)
{
	size_t	 i, n;
	int	 b;

	c->quick = 0;
	if (c->neg || (c->op != SO_IS && c->op != SO_STARTS && c->op != SO_ISTARTS))
		return 0;
	memset(c->lead, 0, sizeof(c->lead));
	c->lens = 0;
	for (i = 0; i < c->nwords; i++) {
		if (c->wlen[i] == 0)
			return 0;
		n = c->wlen[i] < 63 ? c->wlen[i] : 63;
		c->lens |= c->op == SO_IS ? (uint64_t)1 << n : ~(uint64_t)0 << n;
		/* As sm_op compares: istarts folds the value's byte, not the word's. */
		for (b = 0; b < 256; b++)
			if (c->op == SO_ISTARTS ? sig_lower[b] == (uint8_t)c->words[i][0] :
			    b == (uint8_t)c->words[i][0])
				c->lead[b >> 3] |= (uint8_t)(1 << (b & 7));
	}
	c->quick = c->nwords > 0;
	return c->quick;
}

static void
pf_mark_recs(struct sigdb *db)
{
	struct sig_rec	*r;
	size_t		 i, k;

	for (i = 0; i < db->n; i++) {
		r = &db->recs[i];
		r->prefilter = r->quick = r->nclauses > 0;
		for (k = 0; k < r->nclauses; k++) {
			if (r->clauses[k].nconds == 0) {
				r->prefilter = r->quick = 0;
				continue;
			}
			if (!pf_literal_cond(&r->clauses[k].conds[0]))
				r->prefilter = 0;
			if (!pf_quick_cond(&r->clauses[k].conds[0]))
				r->quick = 0;
		}
	}
}

/* Builds the automaton over the first conditions' words; 0, or -1 when too big (no prefilter). */
static int
pf_build(struct sigdb *db)
{
	struct sig_ac	*ac = &db->ac;
	struct sig_rec	*r;
	struct sig_cond	*c;
	uint32_t	*fail, *queue, **own, *nown, *perm, s, t, u;
	uint16_t	*delta;
	size_t		 i, k, w, j, total = 1, nstates = 1, npat = 0, qh = 0, qt = 0, cls;
	size_t		 n, nout;
	int		 pass;
	int		 rc = -1;

	memset(ac->cls, 0, sizeof(ac->cls));
	ac->ncls = 1;		/* class 0: bytes in no word (back to the root) */
	for (i = 0; i < db->n; i++) {
		r = &db->recs[i];
		if (!r->prefilter)
			continue;
		for (k = 0; k < r->nclauses; k++) {
			c = &r->clauses[k].conds[0];
			for (w = 0; w < c->nwords; w++) {
				total += c->wlen[w];
				for (j = 0; j < c->wlen[w]; j++) {
					uint8_t	 b = sig_lower[(uint8_t)c->words[w][j]];

					if (ac->cls[b] == 0)
						ac->cls[b] = (uint8_t)ac->ncls++;
				}
			}
		}
	}
	if (total > AC_MAX_STATES || ac->ncls > 255)
		return -1;
	/* Upper-case bytes map to their lower-case class: the automaton folds case. */
	for (i = 'A'; i <= 'Z'; i++)
		ac->cls[i] = ac->cls[i + 32];
	ac->delta = xcalloc(total * ac->ncls, sizeof(*ac->delta));
	own = xcalloc(total, sizeof(*own));
	nown = xcalloc(total, sizeof(*nown));
	ac->pats = NULL;
	for (i = 0; i < db->n; i++) {
		r = &db->recs[i];
		if (!r->prefilter)
			continue;
		for (k = 0; k < r->nclauses; k++) {
			c = &r->clauses[k].conds[0];
			for (w = 0; w < c->nwords; w++) {
				for (s = AC_ROOT, j = 0; j < c->wlen[w]; j++) {
					cls = ac->cls[sig_lower[(uint8_t)c->words[w][j]]];
					if ((t = ac->delta[s * ac->ncls + cls]) == 0) {
						t = (uint32_t)nstates++;
						ac->delta[s * ac->ncls + cls] = (uint16_t)t;
					}
					s = t;
				}
				ac->pats = xreallocarray(ac->pats, npat + 1, sizeof(*ac->pats));
				ac->pats[npat].rec = (uint32_t)i;
				ac->pats[npat].cond = c;
				own[s] = xreallocarray(own[s], nown[s] + 1, sizeof(**own));
				own[s][nown[s]++] = (uint32_t)npat++;
			}
		}
	}
	ac->nstates = nstates;
	/* Breadth-first: fail links, full transitions, outputs merged along the fail chain. */
	fail = xcalloc(nstates, sizeof(*fail));
	queue = xcalloc(nstates, sizeof(*queue));
	for (cls = 1; cls < ac->ncls; cls++)
		if ((t = ac->delta[cls]) != 0)
			queue[qt++] = t;
	while (qh < qt) {
		s = queue[qh++];
		if (nown[fail[s]] > 0) {
			own[s] = xreallocarray(own[s], nown[s] + nown[fail[s]], sizeof(**own));
			memcpy(own[s] + nown[s], own[fail[s]], nown[fail[s]] * sizeof(**own));
			nown[s] += nown[fail[s]];
		}
		for (cls = 1; cls < ac->ncls; cls++) {
			t = ac->delta[s * ac->ncls + cls];
			u = ac->delta[fail[s] * ac->ncls + cls];
			if (t != 0) {
				fail[t] = u;
				queue[qt++] = t;
			} else
				ac->delta[s * ac->ncls + cls] = (uint16_t)u;
		}
	}
	/* Renumbered so that the states with patterns come last, from outfirst: the scan tells them
	 * by number, without loading anything per byte but the transition. The root has none (no
	 * word is empty) and stays 0. */
	perm = xcalloc(nstates, sizeof(*perm));
	for (n = 0, pass = 0; pass < 2; pass++) {
		if (pass == 1)
			ac->outfirst = (uint32_t)n;
		for (s = 0; s < nstates; s++)
			if ((nown[s] > 0) == pass)
				perm[s] = (uint32_t)n++;
	}
	delta = xcalloc(nstates * ac->ncls, sizeof(*delta));
	for (s = 0; s < nstates; s++)
		for (cls = 0; cls < ac->ncls; cls++)
			delta[perm[s] * ac->ncls + cls] =
			    (uint16_t)perm[ac->delta[s * ac->ncls + cls]];
	free(ac->delta);
	ac->delta = delta;
	/* Outputs as one array: state outfirst + k's are out[outoff[k] .. outoff[k + 1]). */
	nout = nstates - ac->outfirst;
	ac->outoff = xcalloc(nout + 1, sizeof(*ac->outoff));
	for (s = 0; s < nstates; s++)
		if (nown[s] > 0)
			ac->outoff[perm[s] - ac->outfirst + 1] = nown[s];
	for (k = 0; k < nout; k++)
		ac->outoff[k + 1] += ac->outoff[k];
	ac->out = xcalloc(ac->outoff[nout] ? ac->outoff[nout] : 1, sizeof(*ac->out));
	for (s = 0; s < nstates; s++)
		if (nown[s] > 0)
			memcpy(ac->out + ac->outoff[perm[s] - ac->outfirst], own[s],
			    nown[s] * sizeof(*ac->out));
	free(perm);
	rc = 0;
	for (s = 0; s < total; s++)
		free(own[s]);
	free(own);
	free(nown);
	free(fail);
	free(queue);
	return rc;
}

void
sig_prefilter_build(struct sigdb *db)
{
	size_t	 i;

	pf_mark_recs(db);
	if (pf_build(db) == -1) {
		/* Too many literal bytes for 16-bit states: every signature is a candidate. */
		for (i = 0; i < db->n; i++)
			db->recs[i].prefilter = 0;
		free(db->ac.delta);
		db->ac.delta = NULL;
	}
	db->cand = xcalloc(db->n ? db->n : 1, sizeof(*db->cand));
	db->hits = xcalloc(db->n ? db->n : 1, sizeof(*db->hits));
}

void
sig_prefilter_free(struct sigdb *db)
{
	size_t	 i;

	free(db->ac.delta);
	free(db->ac.pats);
	free(db->ac.out);
	free(db->ac.outoff);
	free(db->cand);
	free(db->hits);
	for (i = 0; i < db->ngroups; i++) {
		free(db->groups[i].always);
		free(db->groups[i].member);
		free(db->groups[i].recs);
		free(db->groups[i].scan);
		free(db->groups[i].keys);
	}
	free(db->spare.always);
	free(db->spare.member);
	free(db->spare.recs);
	free(db->spare.scan);
	free(db->spare.keys);
}

static int
pf_in(char *const *list, size_t n, const char *s)
{
	size_t	 i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

static int
pf_same_ref(const struct sig_fref *a, const struct sig_fref *b)
{
	return a->f == b->f && (a->f != SF_JSON || a->key == b->key);
}

static void
pf_add_key(struct sig_group *g, int key)
{
	size_t	 i;

	for (i = 0; i < g->nkeys; i++)
		if (g->keys[i] == key)
			return;
	g->keys = xreallocarray(g->keys, g->nkeys + 1, sizeof(*g->keys));
	g->keys[g->nkeys++] = key;
}

/* The event fields r's conditions read (decoded_uri reads uri). */
static void
pf_group_keys(struct sigdb *db, struct sig_group *g, const struct sig_rec *r)
{
	const struct sig_cond	*c;
	size_t			 k, j, f;

	for (k = 0; k < r->nclauses; k++)
		for (j = 0; j < r->clauses[k].nconds; j++) {
			c = &r->clauses[k].conds[j];
			for (f = 0; f < c->nfields; f++) {
				if (c->fields[f].f == SF_JSON)
					pf_add_key(g, c->fields[f].key);
				else if (c->fields[f].f == SF_DECODED_URI)
					pf_add_key(g, db->uri_key);
			}
		}
}

/* The signatures an event of (proto, kind) can match, and the values their prefilter scans. */
const struct sig_group *
sig_group(struct sigdb *db, const char *proto, const char *kind)
{
	struct sig_group	*g;
	struct sig_rec		*r;
	struct sig_cond		*c;
	size_t			 i, k, f, j;

	for (i = 0; i < db->ngroups; i++)
		if (strcmp(db->groups[i].proto, proto) == 0 && strcmp(db->groups[i].kind, kind) == 0)
			return &db->groups[i];
	/* A name too long for the group's copy would be found by sig_group_evt under its prefix:
	 * such a group is built each time, never kept. */
	if (db->ngroups < SIG_MAX_GROUPS && strlen(proto) < sizeof(g->proto) &&
	    strlen(kind) < sizeof(g->kind))
		g = &db->groups[db->ngroups++];
	else
		g = &db->spare;
	if (g == &db->spare) {
		free(g->always);
		free(g->member);
		free(g->recs);
		free(g->scan);
		free(g->keys);
	}
	memset(g, 0, sizeof(*g));
	snprintf(g->proto, sizeof(g->proto), "%s", proto);
	snprintf(g->kind, sizeof(g->kind), "%s", kind);
	g->recs = xcalloc(db->n ? db->n : 1, sizeof(*g->recs));
	g->always = xcalloc(db->n ? db->n : 1, sizeof(*g->always));
	g->member = xcalloc(db->n ? db->n : 1, sizeof(*g->member));
	for (i = 0; i < db->n; i++) {
		r = &db->recs[i];
		if (!pf_in(r->protos, r->nprotos, proto) || !pf_in(r->kinds, r->nkinds, kind))
			continue;
		g->recs[g->n++] = (uint32_t)i;
		g->member[i] = 1;
		pf_group_keys(db, g, r);
		if (!r->prefilter) {
			g->always[g->nalways++] = (uint32_t)i;
			continue;
		}
		for (k = 0; k < r->nclauses; k++) {
			c = &r->clauses[k].conds[0];
			for (f = 0; f < c->nfields; f++) {
				for (j = 0; j < g->nscan; j++)
					if (pf_same_ref(&g->scan[j], &c->fields[f]))
						break;
				if (j == g->nscan) {
					g->scan = xreallocarray(g->scan, g->nscan + 1, sizeof(*g->scan));
					g->scan[g->nscan++] = c->fields[f];
				}
			}
		}
	}
	return g;
}

_Static_assert(sizeof(((struct sig_group *)0)->proto) == sizeof(((struct evt *)0)->proto) &&
    sizeof(((struct sig_group *)0)->kind) == sizeof(((struct evt *)0)->kind),
    "sig_group_evt compares the names whole");

/* sig_group of an event, without strcmp: a group's names and an event's (evt_make) are padded
 * with NULs to the same sizes, so equal arrays are equal names. An unpadded name is not found
 * here but by sig_group. */
const struct sig_group *
sig_group_evt(struct sigdb *db, const struct evt *ev)
{
	size_t	 i;

	for (i = 0; i < db->ngroups; i++)
		if (memcmp(db->groups[i].proto, ev->proto, sizeof(ev->proto)) == 0 &&
		    memcmp(db->groups[i].kind, ev->kind, sizeof(ev->kind)) == 0)
			return &db->groups[i];
	return sig_group(db, ev->proto, ev->kind);
}

/* Runs the automaton over one value: marks (gen) the signatures whose first condition's word
 * occurs in it and whose condition names this field. */
void
sig_prefilter_scan(struct sigdb *db, const struct sig_fref *field, const uint8_t *p,
    size_t len, uint32_t gen)
{
	const struct sig_ac	*ac = &db->ac;
	const struct sig_cond	*c;
	uint32_t		 s = AC_ROOT, o, pi;
	size_t			 i, f;

	if (ac->delta == NULL)
		return;
	for (i = 0; i < len; i++) {
		s = ac->delta[s * ac->ncls + ac->cls[p[i]]];
		if (s < ac->outfirst)
			continue;
		for (o = ac->outoff[s - ac->outfirst]; o < ac->outoff[s - ac->outfirst + 1]; o++) {
			pi = ac->out[o];
			if (db->cand[ac->pats[pi].rec] == gen)
				continue;
			c = ac->pats[pi].cond;
			for (f = 0; f < c->nfields; f++)
				if (pf_same_ref(&c->fields[f], field)) {
					db->cand[ac->pats[pi].rec] = gen;
					db->hits[db->nhits++] = ac->pats[pi].rec;
					break;
				}
		}
	}
}
