/* report.c - choosing the sources to report and reading their evidence from the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "abuse/report.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "store/chain.h"
#include "store/query.h"
#include "store/seal.h"
#include "store/tsrange.h"

/* One line of evidence: what the event shows (request line, command, user name) as raw bytes. */
static void
line_from(const struct evt *ev, struct report_line *l)
{
	static const char *const keys[] = { "command", "input", "username", "url", "detected",
	    "reason", NULL };
	struct buf	 b;
	size_t		 i;

	memset(l, 0, sizeof(*l));
	l->ts = ev->ts;
	l->src_port = ev->src_port;
	l->dst_port = ev->dst_port;
	snprintf(l->proto, sizeof(l->proto), "%s", ev->proto);
	snprintf(l->kind, sizeof(l->kind), "%s", ev->kind);
	buf_init(&b, sizeof(l->text) - 1);
	if (evt_field_str(ev, "method", &b) != 0) {
		buf_append(&b, " ", 1);
		evt_field_str(ev, "uri", &b);
	}
	for (i = 0; keys[i] != NULL && b.len == 0; i++)
		if (evt_field_str(ev, keys[i], &b) != 0 && strcmp(keys[i], "username") == 0) {
			buf_append(&b, " / ", 3);
			evt_field_str(ev, "password", &b);
		}
	if (b.len > 0)
		memcpy(l->text, b.data, b.len);
	l->len = b.len;
	buf_free(&b);
}

static int
sample_known(const struct report_src *s, const struct report_line *l)
{
	size_t	 i;

	for (i = 0; i < s->nsamples; i++)
		if (s->samples[i].len == l->len && memcmp(s->samples[i].text, l->text, l->len) == 0)
			return 1;
	return 0;
}

static void
src_add_event(struct report_src *s, const struct evt *ev)
{
	struct report_line	 l;
	size_t			 i;
	json_t			*t;
	const char		*tag;

	if (s->events == 0) {
		s->first_ts = ev->ts;
		snprintf(s->dst_ip, sizeof(s->dst_ip), "%s", ev->dst_ip);
	}
	s->events++;
	s->last_ts = ev->ts;
	for (i = 0; i < s->nports && s->ports[i] != ev->dst_port; i++)
		;
	if (i == s->nports && s->nports < REPORT_MAX_PORTS)
		s->ports[s->nports++] = ev->dst_port;
	if (strstr(s->protos, ev->proto) == NULL &&
	    strlen(s->protos) + strlen(ev->proto) + 2 < sizeof(s->protos))
		snprintf(s->protos + strlen(s->protos), sizeof(s->protos) - strlen(s->protos),
		    "%s%s", s->protos[0] != '\0' ? " " : "", ev->proto);
	if (strstr(ev->kind, "login") != NULL || strstr(ev->kind, "auth") != NULL)
		s->login = 1;
	json_array_foreach(ev->tags, i, t) {
		size_t	 k;

		if ((tag = json_string_value(t)) == NULL)
			continue;
		for (k = 0; k < s->nsigs && strcmp(s->sigs[k], tag) != 0; k++)
			;
		if (k == s->nsigs && s->nsigs < REPORT_MAX_SIGS)
			s->sigs[s->nsigs++] = xstrdup(tag);
	}
	if (strcmp(ev->kind, "connect") == 0 || strcmp(ev->kind, "close") == 0)
		return;
	line_from(ev, &l);
	if (s->nfirst < REPORT_EDGE)
		s->first[s->nfirst++] = l;
	else {
		if (s->nlast == REPORT_EDGE)
			memmove(&s->last[0], &s->last[1], sizeof(s->last[0]) * (REPORT_EDGE - 1));
		else
			s->nlast++;
		s->last[s->nlast - 1] = l;
	}
	if (l.len > 0 && s->nsamples < REPORT_MAX_SAMPLES && !sample_known(s, &l))
		s->samples[s->nsamples++] = l;
}

static int
src_load(sqlite3 *db, const struct plan_opts *o, const char *ip, struct report_src *s,
    char *err, size_t errlen)
{
	struct query_filter	 f;
	struct query_iter	*it;
	struct evt		*ev;
	int			 r;

	memset(&f, 0, sizeof(f));
	f.ip = ip;
	f.since = o->since;
	f.until = o->until;
	f.order = QUERY_ASC;
	snprintf(s->ip, sizeof(s->ip), "%s", ip);
	if ((it = query_open(db, &f, err, errlen)) == NULL)
		return -1;
	while ((r = query_next(it, &ev)) == 1) {
		src_add_event(s, ev);
		evt_free(ev);
	}
	if (r == -1)
		snprintf(err, errlen, "%s", query_errmsg(it));
	query_close(it);
	return r == -1 ? -1 : 0;
}

/* Whether ip was reported to contact after since_us. */
static int
reported_recently(sqlite3 *db, const char *ip, const char *contact, int64_t since_us)
{
	sqlite3_stmt	*st;
	int		 hit = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM abuse_reports WHERE ip = ? AND contact = ? "
	    "AND ts >= ? LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, ip, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, contact, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, since_us);
	hit = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return hit;
}

/* The candidate addresses: enough events in the window (with one of the tags). */
static int
plan_candidates(sqlite3 *db, const struct plan_opts *o, char ***ips, size_t *n, char *err,
    size_t errlen)
{
	sqlite3_stmt	*st;
	char		 sql[1024];
	size_t		 k;
	int		 rc, b = 1;

	snprintf(sql, sizeof(sql), "SELECT src_ip FROM " TSRANGE_WINDOW("?1", "?2") "%s%s "
	    "GROUP BY src_ip HAVING count(*) >= ?3 ORDER BY count(*) DESC, src_ip LIMIT %d",
	    o->ip != NULL ? " AND src_ip = ?4" : "",
	    o->tags != NULL ? " AND EXISTS (SELECT 1 FROM json_each(events.tags) t, "
	    "json_each(?5) w WHERE t.value = w.value)" : "", REPORT_MAX_SOURCES);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "plan: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, b++, o->since);
	sqlite3_bind_int64(st, b++, o->until);
	sqlite3_bind_int64(st, b++, o->min_events);
	if (o->ip != NULL)
		sqlite3_bind_text(st, 4, o->ip, -1, SQLITE_STATIC);
	if (o->tags != NULL) {
		json_t	*a = json_array();
		char	*s;

		for (k = 0; o->tags[k] != NULL; k++)
			json_array_append_new(a, json_string(o->tags[k]));
		s = json_dumps(a, JSON_COMPACT);
		sqlite3_bind_text(st, 5, s, -1, SQLITE_TRANSIENT);
		free(s);
		json_decref(a);
	}
	*ips = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ips = xreallocarray(*ips, *n + 1, sizeof(**ips));
		(*ips)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "plan: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static struct plan_group *
plan_group(struct plan *p, const char *contact)
{
	size_t	 i;

	for (i = 0; i < p->ngrp; i++)
		if (strcasecmp(p->grp[i].contact, contact) == 0)
			return &p->grp[i];
	p->grp = xreallocarray(p->grp, p->ngrp + 1, sizeof(p->grp[0]));
	memset(&p->grp[p->ngrp], 0, sizeof(p->grp[0]));
	snprintf(p->grp[p->ngrp].contact, sizeof(p->grp[0].contact), "%s", contact);
	return &p->grp[p->ngrp++];
}

int
plan_build(sqlite3 *db, const struct config *cfg, const struct plan_opts *o, struct plan *p,
    char *err, size_t errlen)
{
	char		**ips = NULL, lerr[1024];
	const char	*best;
	size_t		 n = 0, i;
	int64_t		 recent = time_now_us() - config_int(cfg, "abuse", "report_interval") *
			    INT64_C(1000000);
	struct report_src *s;
	struct plan_group *g;
	int		 rc = -1;

	memset(p, 0, sizeof(*p));
	p->since = o->since;
	p->until = o->until;
	if (plan_candidates(db, o, &ips, &n, err, errlen) == -1)
		goto out;
	p->src = xcalloc(n > 0 ? n : 1, sizeof(p->src[0]));
	for (i = 0; i < n; i++) {
		s = &p->src[p->nsrc];
		memset(s, 0, sizeof(*s));
		if (abuse_lookup(db, cfg, ips[i], o->mode, &s->contact, NULL, lerr,
		    sizeof(lerr)) == 0)
			s->have_contact = 1;
		else
			fprintf(stderr, "hanipo abuse: %s\n", lerr);
		best = s->have_contact ? contact_best(&s->contact) : NULL;
		if (o->contact != NULL && (best == NULL || strcasecmp(best, o->contact) != 0))
			continue;
		if (best != NULL && !o->include_reported &&
		    reported_recently(db, ips[i], best, recent)) {
			p->skipped_recent++;
			continue;
		}
		if (src_load(db, o, ips[i], s, err, errlen) == -1)
			goto out;
		g = plan_group(p, best != NULL ? best : "");
		if (g->nsrc < REPORT_MAX_SOURCES)
			g->src[g->nsrc++] = p->nsrc;
		p->nsrc++;
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(ips[i]);
	free(ips);
	return rc;
}

void
plan_free(struct plan *p)
{
	size_t	 i, k;

	for (i = 0; i < p->nsrc; i++)
		for (k = 0; k < p->src[i].nsigs; k++)
			free(p->src[i].sigs[k]);
	free(p->src);
	free(p->grp);
	memset(p, 0, sizeof(*p));
}

void
report_digest(sqlite3 *db, int64_t until_us, char *out, size_t outlen)
{
	char	 digest[CHAIN_HEX_LEN], day[16], sealed[65];
	int64_t	 sensors;
	char	 err[256];

	if (chain_digest(db, until_us, digest, &sensors, err, sizeof(err)) == -1 || sensors == 0) {
		snprintf(out, outlen, "(no event chain in this store)");
		return;
	}
	time_format_offset(until_us, 0, "%Y-%m-%d", day, sizeof(day));
	if (seal_get(db, day, sealed) == 1)
		snprintf(out, outlen, "sha256:%s (seal %s: sha256:%s)", digest, day, sealed);
	else
		snprintf(out, outlen, "sha256:%s", digest);
}

int
report_record(sqlite3 *db, const char *report_id, int64_t ts, const char *contact,
    const struct report_src *s, const char *message_id, const char *format, const char *digest)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO abuse_reports (report_id, ts, contact, ip, "
	    "first_ts, last_ts, events, message_id, format, digest) VALUES (?,?,?,?,?,?,?,?,?,?)",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, report_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ts);
	sqlite3_bind_text(st, 3, contact, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, s->ip, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, s->first_ts);
	sqlite3_bind_int64(st, 6, s->last_ts);
	sqlite3_bind_int64(st, 7, s->events);
	sqlite3_bind_text(st, 8, message_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, format, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, digest, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
