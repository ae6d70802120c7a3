/*
 * firstseen.c - one pass over the events past the mark: the earliest ts of every source, path,
 * tag and fingerprint in a hash map, then one upsert per distinct value keeping the minimum (an
 * import may bring events older than the ones already folded).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "analyze/firstseen.h"
#include "analyze/strmap.h"
#include "core/buf.h"
#include "core/jsonw.h"

const char *const firstseen_fp_fields[] = {
	"ja3", "ja4", "ja4h", "ja4t", "ja4x", "ja4ssh", "hassh", "syn_fp", NULL,
};

#define FS_NFP	8

static void
fs_note(struct strmap *m, const char *what, const char *v, size_t vlen, int64_t ts)
{
	struct strmap_ent	*e;
	char			 key[1024];
	size_t			 wl = strlen(what);

	if (vlen == 0 || wl + 1 + vlen > sizeof(key))
		return;			/* longer values are not tracked as "new" */
	memcpy(key, what, wl);
	key[wl] = '\0';
	memcpy(key + wl + 1, v, vlen);
	e = strmap_get(m, key, wl + 1 + vlen);
	if (e->count++ == 0 || ts < e->aux)
		e->aux = ts;
}

static void
fs_tags(struct strmap *m, const char *text, size_t len, int64_t ts)
{
	json_t	*a, *v;
	size_t	 i;

	if (len <= 2)
		return;
	if ((a = json_loadb(text, len, 0, NULL)) == NULL)
		return;
	json_array_foreach(a, i, v)
		if (json_is_string(v))
			fs_note(m, "sig", json_string_value(v), json_string_length(v), ts);
	json_decref(a);
}

static void
fs_fields(struct strmap *m, const char *kind, const char *text, size_t len, int64_t ts,
    struct buf *tmp)
{
	const char	*keys[FS_NFP + 1], *vals[FS_NFP + 1];
	size_t		 vlens[FS_NFP + 1], k;

	keys[0] = "path";
	for (k = 0; k < FS_NFP; k++)
		keys[k + 1] = firstseen_fp_fields[k];
	if (jsonw_find_many(text, len, keys, FS_NFP + 1, vals, vlens) == 0)
		return;
	for (k = 0; k <= FS_NFP; k++) {
		if (vals[k] == NULL || (k == 0 && strcmp(kind, "request") != 0))
			continue;
		tmp->len = 0;
		if (jsonw_string_value(vals[k], vlens[k], tmp) != 1)
			continue;
		fs_note(m, k == 0 ? "path" : "fp", (const char *)tmp->data, tmp->len, ts);
	}
}

static int
fs_scan(sqlite3 *db, int64_t mark, struct strmap *m, int64_t *maxseq)
{
	sqlite3_stmt	*st;
	struct buf	 tmp;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT seq, ts, kind, src_ip, fields, tags FROM events "
	    "WHERE seq > ?1 ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, mark);
	buf_init(&tmp, 1 << 20);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t		 ts = sqlite3_column_int64(st, 1);
		const char	*kind = (const char *)sqlite3_column_text(st, 2);
		const char	*ip = (const char *)sqlite3_column_text(st, 3);
		const char	*f = (const char *)sqlite3_column_text(st, 4);
		const char	*t = (const char *)sqlite3_column_text(st, 5);

		*maxseq = sqlite3_column_int64(st, 0);
		if (ip != NULL)
			fs_note(m, "src", ip, (size_t)sqlite3_column_bytes(st, 3), ts);
		if (f != NULL && kind != NULL)
			fs_fields(m, kind, f, (size_t)sqlite3_column_bytes(st, 4), ts, &tmp);
		if (t != NULL)
			fs_tags(m, t, (size_t)sqlite3_column_bytes(st, 5), ts);
	}
	buf_free(&tmp);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
fs_store(sqlite3 *db, const struct strmap *m, int64_t maxseq)
{
	sqlite3_stmt	*st, *mk;
	size_t		 i;
	int		 rc = 0;

	if (sqlite3_prepare_v2(db, "INSERT INTO first_seen (what, value, ts) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT (what, value) DO UPDATE SET ts = MIN(ts, excluded.ts)", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	for (i = 0; i < m->cap && rc == 0; i++) {
		const struct strmap_ent	*e = &m->tab[i];
		size_t			 wl;

		if (e->key == NULL)
			continue;
		wl = strlen(e->key);
		sqlite3_bind_text(st, 1, e->key, (int)wl, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, e->key + wl + 1, (int)(e->len - wl - 1), SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, e->aux);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = -1;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (rc == -1)
		return -1;
	if (sqlite3_prepare_v2(db, "UPDATE first_seen_mark SET seq = ?1 WHERE id = 1", -1, &mk,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(mk, 1, maxseq);
	rc = sqlite3_step(mk) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(mk);
	return rc;
}

int
firstseen_fold(sqlite3 *db, char *err, size_t errlen)
{
	struct strmap	 m = { 0 };
	sqlite3_stmt	*st;
	int64_t		 mark = 0, maxseq;
	int		 rc = -1;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_prepare_v2(db, "SELECT seq FROM first_seen_mark WHERE id = 1", -1, &st,
	    NULL) != SQLITE_OK)
		goto rollback;
	if (sqlite3_step(st) == SQLITE_ROW)
		mark = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	maxseq = mark;
	if (fs_scan(db, mark, &m, &maxseq) == -1)
		goto rollback;
	if (maxseq != mark && fs_store(db, &m, maxseq) == -1)
		goto rollback;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto rollback;
	strmap_free(&m);
	return 0;
rollback:
	snprintf(err, errlen, "first-seen: %s", sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	strmap_free(&m);
	return -1;
fail:
	snprintf(err, errlen, "first-seen: %s", sqlite3_errmsg(db));
	return rc;
}
