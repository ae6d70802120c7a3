/*
 * export.c - the export formats over a query iterator. CSV follows RFC 4180 (every cell quoted,
 * quotes doubled) and defuses spreadsheet formulas: a cell from the store that starts with = + -
 * @ TAB or CR gets a leading apostrophe; control bytes are written as \xHH. The blocklist is the
 * sorted distinct source addresses. STIX is in export_stix.c.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/export.h"
#include "analyze/export_stix.h"
#include "analyze/strmap.h"
#include "core/buf.h"
#include "core/timeutil.h"
#include "share/escape.h"
#include "share/evtline.h"

int
export_format_parse(const char *s, enum export_format *out)
{
	if (strcmp(s, "jsonl") == 0)
		*out = EXPORT_JSONL;
	else if (strcmp(s, "csv") == 0)
		*out = EXPORT_CSV;
	else if (strcmp(s, "stix") == 0)
		*out = EXPORT_STIX;
	else if (strcmp(s, "blocklist") == 0)
		*out = EXPORT_BLOCKLIST;
	else
		return -1;
	return 0;
}

static int
export_tagged(const struct evt *ev, const struct export_opts *o)
{
	size_t	 i, k;
	json_t	*v;

	if (o->ntags == 0)
		return 1;
	json_array_foreach(ev->tags, i, v)
		for (k = 0; k < o->ntags; k++)
			if (json_is_string(v) && strcmp(json_string_value(v), o->tags[k]) == 0)
				return 1;
	return 0;
}

static void
csv_cell(FILE *fp, struct buf *b, const char *s, size_t len, int first)
{
	size_t	 i;

	b->len = 0;
	esc_term_buf(b, s, len);
	if (!first)
		fputc(',', fp);
	fputc('"', fp);
	if (b->len > 0 && strchr("=+-@\t\r", b->data[0]) != NULL)
		fputc('\'', fp);
	for (i = 0; i < b->len; i++) {
		if (b->data[i] == '"')
			fputc('"', fp);
		fputc(b->data[i], fp);
	}
	fputc('"', fp);
}

static void
csv_str(FILE *fp, struct buf *b, const char *s)
{
	csv_cell(fp, b, s, strlen(s), 0);
}

static void
csv_field(FILE *fp, struct buf *b, struct buf *tmp, const struct evt *ev, const char *key)
{
	tmp->len = 0;
	if (evt_field_str(ev, key, tmp) == 0)
		tmp->len = 0;
	csv_cell(fp, b, (const char *)tmp->data ? (const char *)tmp->data : "", tmp->len, 0);
}

static const char csv_header[] = "id,time,sensor,session,proto,kind,src_ip,src_port,dst_ip,"
    "dst_port,tags,method,uri,user_agent,user,password,command,url,fields\r\n";

static void
csv_row(FILE *fp, struct buf *b, struct buf *tmp, const struct evt *ev)
{
	static const char *const keys[] = {
		"method", "uri", "user_agent", "user", "password", "command", "url",
	};
	char	 t[40], num[24];
	char	*js;
	json_t	*f;
	size_t	 k;

	csv_cell(fp, b, ev->id, strlen(ev->id), 1);
	csv_str(fp, b, time_format_iso(ev->ts, t, sizeof(t)));
	csv_str(fp, b, ev->sensor);
	csv_str(fp, b, ev->session);
	csv_str(fp, b, ev->proto);
	csv_str(fp, b, ev->kind);
	csv_str(fp, b, ev->src_ip);
	num[fmt_int(num, ev->src_port)] = '\0';
	csv_str(fp, b, num);
	csv_str(fp, b, ev->dst_ip);
	num[fmt_int(num, ev->dst_port)] = '\0';
	csv_str(fp, b, num);
	js = ev->tags ? json_dumps(ev->tags, JSON_COMPACT) : NULL;
	csv_str(fp, b, js ? js : "[]");
	free(js);
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		csv_field(fp, b, tmp, ev, keys[k]);
	f = evt_fields_json(ev);
	js = json_dumps(f, JSON_COMPACT | JSON_ENSURE_ASCII);
	csv_str(fp, b, js ? js : "{}");
	free(js);
	json_decref(f);
	fputs("\r\n", fp);
}

static void
blocklist_write(FILE *fp, const struct strmap *m)
{
	struct strmap_ent	**v;
	size_t			  n, i;

	v = strmap_sorted_keys(m, &n);
	for (i = 0; i < n; i++)
		fprintf(fp, "%s\n", v[i]->key);
	free(v);
}

int64_t
export_run(FILE *fp, struct query_iter *it, const struct export_opts *o, char *err,
    size_t errlen)
{
	struct stix_acc	*sx = NULL;
	struct strmap	 ips = { 0 };
	struct buf	 b, tmp;
	struct evt	*ev;
	int64_t		 n = 0;
	int		 r;

	buf_init(&b, 1 << 24);
	buf_init(&tmp, 1 << 22);
	if (o->fmt == EXPORT_CSV)
		fputs(csv_header, fp);
	if (o->fmt == EXPORT_STIX)
		sx = stix_acc_new();
	while ((r = query_next(it, &ev)) == 1) {
		if (export_tagged(ev, o)) {
			n++;
			switch (o->fmt) {
			case EXPORT_JSONL:
				evtline_print_json(fp, ev);
				break;
			case EXPORT_CSV:
				csv_row(fp, &b, &tmp, ev);
				break;
			case EXPORT_STIX:
				stix_acc_add(sx, ev);
				break;
			case EXPORT_BLOCKLIST:
				strmap_get(&ips, ev->src_ip, strlen(ev->src_ip))->count++;
				break;
			}
		}
		evt_free(ev);
	}
	if (r == -1) {
		snprintf(err, errlen, "%s", query_errmsg(it));
		n = -1;
	} else if (o->fmt == EXPORT_STIX)
		stix_write(fp, sx, o->identity, o->valid_days);
	else if (o->fmt == EXPORT_BLOCKLIST)
		blocklist_write(fp, &ips);
	stix_acc_free(sx);
	strmap_free(&ips);
	buf_free(&b);
	buf_free(&tmp);
	return n;
}
