/*
 * import_cache.c - recent WOWHoneypot line tails and their events (import_cache.h): 16,384 slots
 * in sets of four chosen by the tail's hash (the least recently used of a set goes first), each
 * holding the tail itself (compared in full on a hit) and the event's bytes; a tail or event too
 * large is not kept. Direct-mapped 4,096 slots lost ~40 % of the hits of a log with 3,780
 * distinct requests to collisions.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/import_cache.h"
#include "analyze/strmap.h"
#include "core/buf.h"
#include "core/xmalloc.h"

#define IC_WAYS		4
#define IC_SETS		4096		/* a power of two */
#define IC_SLOTS	(IC_WAYS * IC_SETS)
#define IC_TAIL_MAX	1024		/* bytes of a tail kept */
#define IC_DATA_MAX	4096		/* bytes of an event's fields, payload and tags kept */

struct ic_slot {
	uint64_t		 hash;
	uint64_t		 used;		/* when last looked up or filled */
	size_t			 tlen;		/* 0: empty */
	struct buf		 bytes;		/* tail, then fields, payload, tags */
	struct imp_cached	 ev;		/* pointers into bytes */
};

struct imp_cache {
	struct ic_slot	*slot;
	uint64_t	 clock;
};

struct imp_cache *
imp_cache_new(void)
{
	struct imp_cache	*c = xcalloc(1, sizeof(*c));
	size_t			 i;

	c->slot = xzalloc_written(IC_SLOTS, sizeof(*c->slot));
	for (i = 0; i < IC_SLOTS; i++)
		buf_init(&c->slot[i].bytes, IC_TAIL_MAX + IC_DATA_MAX);
	return c;
}

void
imp_cache_free(struct imp_cache *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < IC_SLOTS; i++)
		buf_free(&c->slot[i].bytes);
	free(c->slot);
	free(c);
}

const struct imp_cached *
imp_cache_get(struct imp_cache *c, const char *tail, size_t len)
{
	uint64_t	 h = strmap_hash(tail, len);
	struct ic_slot	*s = &c->slot[(h & (IC_SETS - 1)) * IC_WAYS];
	size_t		 w;

	for (w = 0; w < IC_WAYS; w++, s++)
		if (s->tlen == len && s->hash == h && len != 0 &&
		    memcmp(s->bytes.data, tail, len) == 0) {
			s->used = ++c->clock;
			return &s->ev;
		}
	return NULL;
}

uint64_t
imp_cache_put(struct imp_cache *c, const char *tail, size_t len, const struct imp_rec *r,
    const char *sha, const uint8_t *tags, size_t tlen)
{
	uint64_t	 h = strmap_hash(tail, len);
	struct ic_slot	*set = &c->slot[(h & (IC_SETS - 1)) * IC_WAYS], *s = set;
	struct imp_cached *e;
	size_t		 f, p, t, w;

	for (w = 1; w < IC_WAYS; w++)		/* an empty slot, else the least recently used */
		if (s->tlen != 0 && (set[w].tlen == 0 || set[w].used < s->used))
			s = &set[w];
	e = &s->ev;
	s->tlen = 0;
	s->used = ++c->clock;
	if (len == 0 || len > IC_TAIL_MAX || r->fields.len + r->payload.len + tlen > IC_DATA_MAX)
		return 0;
	s->bytes.len = 0;
	if (buf_append(&s->bytes, tail, len) == -1)
		return 0;		/* ENOMEM: nothing kept */
	f = s->bytes.len;
	if (buf_append(&s->bytes, r->fields.data, r->fields.len) == -1)
		return 0;
	p = s->bytes.len;
	if (buf_append(&s->bytes, r->payload.data, r->payload.len) == -1)
		return 0;
	t = s->bytes.len;
	if (buf_append(&s->bytes, tags, tlen) == -1)
		return 0;
	e->proto = r->proto;
	e->kind = r->kind;
	memcpy(e->dst_ip, r->dst_ip, sizeof(e->dst_ip));
	e->dst_port = r->dst_port;
	e->payload_total = r->payload_total;
	memcpy(e->sha, sha, sizeof(e->sha));
	e->fields = s->bytes.data + f;
	e->flen = r->fields.len;
	e->payload = s->bytes.data + p;
	e->plen = r->payload.len;
	e->tags = s->bytes.data + t;
	e->tlen = tlen;
	e->serial = s->used;
	s->hash = h;
	s->tlen = len;
	return e->serial;
}
