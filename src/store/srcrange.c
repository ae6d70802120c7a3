/*
 * srcrange.c - one batch's seq and time range per source address, written as src_ranges rows in
 * the batch's transaction (see srcrange.h). A batch holds at most a few thousand events, so an
 * open-addressing table over its distinct addresses is all the state there is.
 */
#include <stdlib.h>
#include <string.h>

#include "core/evt.h"
#include "core/xmalloc.h"
#include "store/srcrange.h"

/*
 * An address's next event more than this many seqs after its last one starts a new range: a
 * query then reads at most about this many other rows per event of the address, whatever the
 * batch (an imported block holds 4,096 lines of many addresses).
 */
#define SRCRANGE_GAP	32

struct srange {
	int		 used;		/* 0: a free slot */
	char		 ip[EVT_IP_LEN];
	int64_t		 lo, hi, min_ts, max_ts;
};

struct srcranges {
	struct srange	*slot;
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 n;
	struct srange	*closed;	/* ranges a gap ended, to write with the open ones */
	size_t		 nclosed, capclosed;
	sqlite3		*db;		/* ins belongs to it */
	sqlite3_stmt	*ins;
};

/* FNV-1a: addresses are short and not chosen to collide (at worst a batch runs slower). */
static size_t
sr_hash(const char *s)
{
	uint64_t	 h = 1469598103934665603ULL;

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 1099511628211ULL;
	return (size_t)h;
}

static struct srange *
sr_find(struct srange *slot, size_t cap, const char *ip)
{
	size_t	 i = sr_hash(ip) & (cap - 1);

	while (slot[i].used && strcmp(slot[i].ip, ip) != 0)
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

static void
sr_grow(struct srcranges *r)
{
	struct srange	*old = r->slot, *e;
	size_t		 oldcap = r->cap, i;

	r->cap = oldcap == 0 ? 64 : oldcap * 2;
	r->slot = xcalloc(r->cap, sizeof(*r->slot));
	for (i = 0; i < oldcap; i++)
		if (old[i].used) {
			e = sr_find(r->slot, r->cap, old[i].ip);
			*e = old[i];
		}
	free(old);
}

struct srcranges *
srcranges_new(void)
{
	return xcalloc(1, sizeof(struct srcranges));
}

void
srcranges_begin(struct srcranges *r)
{
	r->nclosed = 0;
	if (r->n > 0)
		memset(r->slot, 0, r->cap * sizeof(*r->slot));
	r->n = 0;
}

void
srcranges_free(struct srcranges *r)
{
	if (r == NULL)
		return;
	sqlite3_finalize(r->ins);
	free(r->slot);
	free(r->closed);
	free(r);
}

void
srcranges_add(struct srcranges *r, const char *ip, int64_t seq, int64_t ts)
{
	struct srange	*e;

	if (2 * (r->n + 1) > r->cap)
		sr_grow(r);
	e = sr_find(r->slot, r->cap, ip);
	if (!e->used) {
		e->used = 1;
		memcpy(e->ip, ip, strnlen(ip, sizeof(e->ip) - 1));
		e->lo = e->hi = seq;
		e->min_ts = e->max_ts = ts;
		r->n++;
		return;
	}
	if (seq > e->hi + SRCRANGE_GAP) {
		/* Far from the address's last event: close that range, start another. */
		if (r->nclosed == r->capclosed) {
			r->capclosed = r->capclosed == 0 ? 16 : 2 * r->capclosed;
			r->closed = xreallocarray(r->closed, r->capclosed, sizeof(*r->closed));
		}
		r->closed[r->nclosed++] = *e;
		e->lo = e->hi = seq;
		e->min_ts = e->max_ts = ts;
		return;
	}
	if (seq < e->lo)
		e->lo = seq;
	if (seq > e->hi)
		e->hi = seq;
	if (ts < e->min_ts)
		e->min_ts = ts;
	if (ts > e->max_ts)
		e->max_ts = ts;
}

static int
sr_insert(sqlite3_stmt *ins, const struct srange *e)
{
	int	 rc;

	sqlite3_bind_text(ins, 1, e->ip, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 2, e->lo);
	sqlite3_bind_int64(ins, 3, e->hi);
	sqlite3_bind_int64(ins, 4, e->min_ts);
	sqlite3_bind_int64(ins, 5, e->max_ts);
	rc = sqlite3_step(ins);
	sqlite3_reset(ins);
	return rc;
}

int
srcranges_write(struct srcranges *r, sqlite3 *db)
{
	size_t	 i;
	int	 rc = SQLITE_DONE;

	if (r->n == 0 && r->nclosed == 0)
		return 0;
	if (r->ins == NULL || r->db != db) {
		sqlite3_finalize(r->ins);
		r->ins = NULL;
		r->db = db;
		if (sqlite3_prepare_v2(db, "INSERT INTO src_ranges (ip, lo, hi, min_ts, max_ts) "
		    "VALUES (?, ?, ?, ?, ?)", -1, &r->ins, NULL) != SQLITE_OK)
			return -1;
	}
	for (i = 0; i < r->nclosed && rc == SQLITE_DONE; i++)
		rc = sr_insert(r->ins, &r->closed[i]);
	for (i = 0; i < r->cap && rc == SQLITE_DONE; i++)
		if (r->slot[i].used)
			rc = sr_insert(r->ins, &r->slot[i]);
	sqlite3_clear_bindings(r->ins);
	return rc == SQLITE_DONE ? 0 : -1;
}
