/*
 * chain.c - the event hash chain: per sensor, link_i = SHA-256(link_{i-1} || h(e_1) || ... ||
 * h(e_n)) over the events a batch committed for that sensor, stored in table chain with the
 * event hashes; the writer adds one row per sensor per batch (a few µs), verify recomputes all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "core/buf.h"
#include "core/digest.h"
#include "core/hex.h"
#include "core/limits.h"
#include "core/xmalloc.h"
#include "store/chain.h"

struct chain_link {
	char		*sensor;
	uint8_t		 last[CHAIN_HASH_LEN];	/* committed */
	/* the batch in progress */
	int64_t		 first_seq, last_seq, n;
	struct buf	 leaves;
	uint8_t		 next[CHAIN_HASH_LEN];
};

struct chain {
	struct chain_link *l;
	size_t		 n;
	sqlite3_stmt	*ins;
	struct buf	 enc;		/* a row's encoding, reused */
};

#define CHAIN_MAX_LEAVES	(4096 * CHAIN_HASH_LEN)	/* HNP_MAX_BATCH_EVENTS hashes */
#define CHAIN_MAX_ENC		CHAIN_ENC_MAX	/* a row's encoding */

/*
 * One piece of a row's encoding: v as 8 bytes little-endian, then, when p is set, the v bytes
 * at p (a length-prefixed column). A NULL column is v = UINT64_MAX alone (it differs from empty).
 */
struct piece {
	const void	*p;
	uint64_t	 v;
};

static void
put_u64(struct buf *b, uint64_t v)
{
	uint8_t	 x[8];
	int	 i;

	for (i = 0; i < 8; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	buf_append(b, x, 8);
}

static struct piece
col_bytes(const void *p, size_t n)
{
	return p != NULL ? (struct piece){ p, n } : (struct piece){ NULL, UINT64_MAX };
}

static struct piece
col_str(const char *s)
{
	return col_bytes(s, s != NULL ? strlen(s) : 0);
}

static struct piece
col_u64(uint64_t v)
{
	return (struct piece){ NULL, v };
}

/*
 * The row's encoding (every column length-prefixed, integers as 8 bytes little-endian) into enc,
 * then one SHA-256 over it: cheaper on the writer than a dozen digest updates. The pieces are
 * written straight into room reserved once (~30 buf_append calls cost ~2,500 instructions); a
 * row too large for enc falls back to appending piece by piece, each dropped when it does not
 * fit, as the encoding always did.
 */
static void
chain_leaf_buf(struct buf *enc, const struct chain_row *r, uint8_t out[CHAIN_HASH_LEN])
{
	const struct piece	 pc[] = {
		col_u64((uint64_t)r->seq),
		col_str(r->id),
		col_u64((uint64_t)r->ts),
		col_str(r->sensor),
		col_str(r->session),
		col_str(r->proto),
		col_str(r->kind),
		col_str(r->src_ip),
		col_u64((uint64_t)r->src_port),
		col_str(r->dst_ip),
		col_u64((uint64_t)r->dst_port),
		col_bytes(r->fields, r->fields_len),
		/* The payload is covered through its SHA-256 (already computed by the writer). */
		col_u64(r->payload != NULL),
		col_u64((uint64_t)r->payload_total),
		col_str(r->payload_sha256),
		/* Not the tags: they are analysis, rewritten by `hanipo classify`, not evidence. */
	};
	const size_t		 npc = sizeof(pc) / sizeof(pc[0]);
	uint8_t			*d;
	size_t			 i, total = 0;
	int			 k;

	enc->len = 0;
	for (i = 0; i < npc && (pc[i].p == NULL || pc[i].v <= enc->max); i++)
		total += 8 + (pc[i].p != NULL ? (size_t)pc[i].v : 0);
	if (i == npc && total <= enc->max && (d = buf_tail(enc, total)) != NULL) {
		for (i = 0; i < npc; i++) {
			for (k = 0; k < 8; k++)
				*d++ = (uint8_t)(pc[i].v >> (8 * k));
			if (pc[i].p != NULL && pc[i].v > 0) {
				memcpy(d, pc[i].p, (size_t)pc[i].v);
				d += pc[i].v;
			}
		}
		enc->len = total;
	} else
		for (i = 0; i < npc; i++) {
			put_u64(enc, pc[i].v);
			if (pc[i].p != NULL)
				buf_append(enc, pc[i].p, (size_t)pc[i].v);
		}
	digest_sha256(enc->data, enc->len, out);
}

void
chain_leaf_enc(struct buf *enc, const struct chain_row *r, uint8_t out[CHAIN_HASH_LEN])
{
	chain_leaf_buf(enc, r, out);
}

void
chain_leaf(const struct chain_row *r, uint8_t out[CHAIN_HASH_LEN])
{
	struct buf	 enc;

	buf_init(&enc, CHAIN_MAX_ENC);
	chain_leaf_buf(&enc, r, out);
	buf_free(&enc);
}

static void
chain_link_hash(const uint8_t prev[CHAIN_HASH_LEN], const uint8_t *leaves, size_t len,
    uint8_t out[CHAIN_HASH_LEN])
{
	digest_sha256_pair(prev, CHAIN_HASH_LEN, leaves, len, out);
}

static struct chain_link *
chain_find(struct chain *c, const char *sensor)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->l[i].sensor, sensor) == 0)
			return &c->l[i];
	c->l = xreallocarray(c->l, c->n + 1, sizeof(c->l[0]));
	memset(&c->l[c->n], 0, sizeof(c->l[0]));
	c->l[c->n].sensor = xstrdup(sensor);
	buf_init(&c->l[c->n].leaves, CHAIN_MAX_LEAVES);
	return &c->l[c->n++];
}

struct chain *
chain_open(sqlite3 *db, char *err, size_t errlen)
{
	struct chain	*c = xcalloc(1, sizeof(*c));
	sqlite3_stmt	*st;
	struct chain_link *l;

	buf_init(&c->enc, CHAIN_MAX_ENC);
	if (sqlite3_prepare_v2(db, "SELECT sensor, hash FROM chain WHERE seq IN "
	    "(SELECT max(seq) FROM chain GROUP BY sensor)", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		l = chain_find(c, (const char *)sqlite3_column_text(st, 0));
		hex_decode((const char *)sqlite3_column_text(st, 1), l->last, CHAIN_HASH_LEN);
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "INSERT INTO chain (sensor, first_seq, last_seq, events, ts, "
	    "prev, hash, leaves) VALUES (?,?,?,?,?,?,?,?)", -1, &c->ins, NULL) != SQLITE_OK)
		goto fail;
	return c;
fail:
	snprintf(err, errlen, "chain: %s", sqlite3_errmsg(db));
	chain_free(c);
	return NULL;
}

void
chain_free(struct chain *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->l[i].sensor);
		buf_free(&c->l[i].leaves);
	}
	free(c->l);
	sqlite3_finalize(c->ins);
	buf_free(&c->enc);
	free(c);
}

void
chain_begin(struct chain *c)
{
	size_t	 i;

	for (i = 0; i < c->n; i++) {
		c->l[i].n = 0;
		c->l[i].leaves.len = 0;
	}
}

void
chain_add_leaf(struct chain *c, const char *sensor, int64_t seq, const uint8_t h[CHAIN_HASH_LEN])
{
	struct chain_link	*l = chain_find(c, sensor);

	if (l->n == 0)
		l->first_seq = seq;
	l->last_seq = seq;
	l->n++;
	buf_append(&l->leaves, h, CHAIN_HASH_LEN);	/* sized for a whole batch */
}

void
chain_add(struct chain *c, const struct chain_row *r)
{
	uint8_t	 h[CHAIN_HASH_LEN];

	chain_leaf_buf(&c->enc, r, h);
	chain_add_leaf(c, r->sensor, r->seq, h);
}

int
chain_write(struct chain *c, sqlite3 *db, int64_t now_us)
{
	struct chain_link	*l;
	char			 prev[CHAIN_HEX_LEN], hash[CHAIN_HEX_LEN];
	size_t			 i;
	int			 rc;

	for (i = 0; i < c->n; i++) {
		l = &c->l[i];
		if (l->n == 0)
			continue;
		/* More events than a link holds: fail the batch rather than store a broken link. */
		if (l->leaves.len != (size_t)l->n * CHAIN_HASH_LEN)
			return -1;
		chain_link_hash(l->last, l->leaves.data, l->leaves.len, l->next);
		hex_encode(l->last, CHAIN_HASH_LEN, prev);
		hex_encode(l->next, CHAIN_HASH_LEN, hash);
		sqlite3_bind_text(c->ins, 1, l->sensor, -1, SQLITE_STATIC);
		sqlite3_bind_int64(c->ins, 2, l->first_seq);
		sqlite3_bind_int64(c->ins, 3, l->last_seq);
		sqlite3_bind_int64(c->ins, 4, l->n);
		sqlite3_bind_int64(c->ins, 5, now_us);
		sqlite3_bind_text(c->ins, 6, prev, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(c->ins, 7, hash, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(c->ins, 8, l->leaves.data, (int)l->leaves.len, SQLITE_STATIC);
		rc = sqlite3_step(c->ins);
		sqlite3_reset(c->ins);
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

void
chain_committed(struct chain *c)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		if (c->l[i].n > 0) {
			memcpy(c->l[i].last, c->l[i].next, CHAIN_HASH_LEN);
			c->l[i].n = 0;
			c->l[i].leaves.len = 0;
		}
}

/* ---- verification ---- */

/*
 * One row read back. payload_sha256 is stored NULL since schema 7 (it is the payload's hash):
 * it is then computed into sha, as the writer computed it for the leaf.
 */
static void
row_from(sqlite3_stmt *st, struct chain_row *r, char sha[CHAIN_HEX_LEN])
{
	uint8_t	 h[CHAIN_HASH_LEN];

	r->seq = sqlite3_column_int64(st, 0);
	r->id = (const char *)sqlite3_column_text(st, 1);
	r->ts = sqlite3_column_int64(st, 2);
	r->sensor = (const char *)sqlite3_column_text(st, 3);
	r->session = (const char *)sqlite3_column_text(st, 4);
	r->proto = (const char *)sqlite3_column_text(st, 5);
	r->kind = (const char *)sqlite3_column_text(st, 6);
	r->src_ip = (const char *)sqlite3_column_text(st, 7);
	r->src_port = sqlite3_column_int64(st, 8);
	r->dst_ip = (const char *)sqlite3_column_text(st, 9);
	r->dst_port = sqlite3_column_int64(st, 10);
	r->fields = sqlite3_column_text(st, 11);
	r->fields_len = (size_t)sqlite3_column_bytes(st, 11);
	if (sqlite3_column_type(st, 12) == SQLITE_NULL) {
		r->payload = NULL;
		r->payload_len = 0;
	} else {
		r->payload = sqlite3_column_blob(st, 12);
		r->payload_len = (size_t)sqlite3_column_bytes(st, 12);
		if (r->payload == NULL)
			r->payload = "";
	}
	r->payload_total = sqlite3_column_int64(st, 13);
	r->payload_sha256 = (const char *)sqlite3_column_text(st, 14);
	if (r->payload_sha256 == NULL && r->payload != NULL) {
		digest_sha256(r->payload, r->payload_len, h);
		hex_encode(h, CHAIN_HASH_LEN, sha);
		r->payload_sha256 = sha;
	}
}

static void
broken(struct chain_report *rep, int64_t seq, const char *id, const char *why, const char *sensor)
{
	if (rep->broken && rep->broken_seq <= seq)
		return;
	rep->broken = 1;
	rep->broken_seq = seq;
	snprintf(rep->broken_id, sizeof(rep->broken_id), "%s", id != NULL ? id : "?");
	snprintf(rep->why, sizeof(rep->why), "%s (sensor %s)", why, sensor);
}

/* The payload's bytes still hash to payload_sha256 (stored by schemas before 7). */
static int
payload_ok(const struct chain_row *r)
{
	uint8_t	 h[CHAIN_HASH_LEN];
	char	 hex[CHAIN_HEX_LEN];

	if (r->payload == NULL)
		return r->payload_sha256 == NULL || *r->payload_sha256 == '\0';
	digest_sha256(r->payload, r->payload_len, h);
	hex_encode(h, CHAIN_HASH_LEN, hex);
	return r->payload_sha256 != NULL && strcmp(hex, r->payload_sha256) == 0;
}

/* One sensor's chain against its events. */
static int
verify_sensor(sqlite3 *db, struct buf *enc, const char *sensor,
    struct chain_report *rep)
{
	sqlite3_stmt	*links = NULL, *evs = NULL;
	uint8_t		 prev[CHAIN_HASH_LEN], h[CHAIN_HASH_LEN], stored[CHAIN_HASH_LEN];
	struct chain_row r;
	const uint8_t	*leaves;
	int64_t		 k, n, first = -1, last_seq;
	int		 rc = -1, erc = SQLITE_ROW, bad = 0;
	char		 lastid[32] = "?", sha[CHAIN_HEX_LEN];

	memset(prev, 0, sizeof(prev));
	if (sqlite3_prepare_v2(db, "SELECT first_seq, last_seq, events, prev, hash, leaves "
	    "FROM chain WHERE sensor = ? ORDER BY seq", -1, &links, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT seq, id, ts, sensor, session, proto, kind, src_ip, "
	    "src_port, dst_ip, dst_port, fields, payload, payload_len, payload_sha256 "
	    "FROM events WHERE sensor = ? AND seq >= ? ORDER BY seq", -1, &evs, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(links, 1, sensor, -1, SQLITE_STATIC);
	sqlite3_bind_text(evs, 1, sensor, -1, SQLITE_STATIC);
	while (!bad && sqlite3_step(links) == SQLITE_ROW) {
		rep->links++;
		last_seq = sqlite3_column_int64(links, 1);
		n = sqlite3_column_int64(links, 2);
		leaves = sqlite3_column_blob(links, 5);
		if (first == -1) {
			first = sqlite3_column_int64(links, 0);
			sqlite3_bind_int64(evs, 2, first);
		}
		if (hex_decode((const char *)sqlite3_column_text(links, 3), stored, CHAIN_HASH_LEN) ==
		    -1 || memcmp(stored, prev, CHAIN_HASH_LEN) != 0 || n <= 0 ||
		    sqlite3_column_bytes(links, 5) != n * CHAIN_HASH_LEN) {
			erc = sqlite3_step(evs);
			broken(rep, erc == SQLITE_ROW ? sqlite3_column_int64(evs, 0) : INT64_MAX,
			    erc == SQLITE_ROW ? (const char *)sqlite3_column_text(evs, 1) : lastid,
			    "a chain link was removed or altered", sensor);
			bad = 1;
			break;
		}
		for (k = 0; k < n; k++) {
			if ((erc = sqlite3_step(evs)) != SQLITE_ROW) {
				broken(rep, INT64_MAX, lastid,
				    "events of the chain are missing after this one", sensor);
				bad = 1;
				break;
			}
			row_from(evs, &r, sha);
			rep->events++;
			chain_leaf_buf(enc, &r, h);
			if (r.seq > last_seq || memcmp(h, leaves + k * CHAIN_HASH_LEN,
			    CHAIN_HASH_LEN) != 0) {
				broken(rep, r.seq, r.id, "the event differs from its hash in the chain"
				    " (edited, or an event before it was removed)", sensor);
				bad = 1;
				break;
			}
			if (!payload_ok(&r)) {
				broken(rep, r.seq, r.id, "the payload differs from its SHA-256",
				    sensor);
				bad = 1;
				break;
			}
			snprintf(lastid, sizeof(lastid), "%s", r.id);
		}
		if (bad)
			break;
		chain_link_hash(prev, leaves, (size_t)n * CHAIN_HASH_LEN, h);
		if (hex_decode((const char *)sqlite3_column_text(links, 4), stored, CHAIN_HASH_LEN) ==
		    -1 || memcmp(h, stored, CHAIN_HASH_LEN) != 0) {
			broken(rep, r.seq, r.id, "a chain link's hash was altered", sensor);
			bad = 1;
			break;
		}
		memcpy(prev, h, CHAIN_HASH_LEN);
	}
	if (!bad && first != -1 && (erc = sqlite3_step(evs)) == SQLITE_ROW)
		broken(rep, sqlite3_column_int64(evs, 0), (const char *)sqlite3_column_text(evs, 1),
		    "the event is not in the chain (inserted behind the writer's back)", sensor);
	rc = 0;
out:
	sqlite3_finalize(links);
	sqlite3_finalize(evs);
	return rc;
}

int
chain_verify(sqlite3 *db, struct chain_report *rep, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	struct buf	 enc;
	char		*sensor;
	int		 rc = 0;

	memset(rep, 0, sizeof(*rep));
	buf_init(&enc, CHAIN_MAX_ENC);
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT DISTINCT sensor FROM events UNION "
	    "SELECT DISTINCT sensor FROM chain ORDER BY 1", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "verify: %s", sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		buf_free(&enc);
		return -1;
	}
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		sensor = xstrdup((const char *)sqlite3_column_text(st, 0));
		rep->sensors++;
		rc = verify_sensor(db, &enc, sensor, rep);
		free(sensor);
	}
	sqlite3_finalize(st);
	buf_free(&enc);
	if (rc == -1)
		snprintf(err, errlen, "verify: %s", sqlite3_errmsg(db));
	/*
	 * Each sensor's first chained seq once, not per event: a correlated subquery read every
	 * chain row per event (78,000 events and 12,000 links: over 5 minutes).
	 */
	else if (sqlite3_prepare_v2(db, "SELECT count(*) FROM events e LEFT JOIN (SELECT sensor, "
	    "min(first_seq) AS f FROM chain GROUP BY sensor) c ON c.sensor = e.sensor "
	    "WHERE e.seq < coalesce(c.f, 1 << 62)", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			rep->unchained = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

int
chain_digest(sqlite3 *db, int64_t until_us, char out[CHAIN_HEX_LEN], int64_t *nsensors,
    char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	EVP_MD_CTX	*md = EVP_MD_CTX_new();
	uint8_t		 h[CHAIN_HASH_LEN];
	const char	*s;
	int		 rc;

	*nsensors = 0;
	if (sqlite3_prepare_v2(db, "SELECT sensor, hash FROM chain WHERE seq IN (SELECT max(seq) "
	    "FROM chain WHERE ts < ? GROUP BY sensor) ORDER BY sensor", -1, &st, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "digest: %s", sqlite3_errmsg(db));
		EVP_MD_CTX_free(md);
		return -1;
	}
	sqlite3_bind_int64(st, 1, until_us);
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s = (const char *)sqlite3_column_text(st, 0);
		EVP_DigestUpdate(md, s, strlen(s) + 1);
		s = (const char *)sqlite3_column_text(st, 1);
		EVP_DigestUpdate(md, s, strlen(s));
		EVP_DigestUpdate(md, "\n", 1);
		(*nsensors)++;
	}
	sqlite3_finalize(st);
	EVP_DigestFinal_ex(md, h, NULL);
	EVP_MD_CTX_free(md);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "digest: %s", sqlite3_errmsg(db));
		return -1;
	}
	hex_encode(h, CHAIN_HASH_LEN, out);
	return 0;
}
