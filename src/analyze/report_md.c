/*
 * report_md.c - the daily report as Markdown ready to paste into a blog. Every string from the
 * store is made terminal-safe first (control, bidi and invalid bytes as \xHH; esc_term) and then
 * every ASCII punctuation character is backslash-escaped (CommonMark), so `|`, backticks, `<`,
 * `*`, `[` and `&` show as text: no markup, no HTML, no table cell break. URLs are defanged
 * (hxxp://, www[.]) so a blog's autolinker does not turn an attacker's URL into a link.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "analyze/report.h"
#include "core/buf.h"
#include "share/escape.h"

struct md {
	FILE		*fp;
	const char	*lang;
	struct buf	 b;
	int		 err;
};

static void
md_puts(struct md *m, const char *s)
{
	if (fputs(s, m->fp) == EOF)
		m->err = 1;
}

/*
 * Does c at i of s[0..len) need a backslash? Inline markup characters always; at the start of a
 * value (list item, table cell) any punctuation, and '.' or ')' after leading digits (lists).
 */
static int
md_special(const uint8_t *s, size_t len, size_t i, unsigned char c)
{
	size_t	 k;

	if (c >= 0x80 || c <= 0x20)
		return 0;
	if (strchr("\\`*_{}[]<>()|~&!", c) != NULL)
		return 1;
	if (i == 0)
		return strchr("#+-=", c) != NULL;
	if ((c == '.' || c == ')') && (i + 1 == len || s[i + 1] == ' ')) {
		for (k = 0; k < i && s[k] >= '0' && s[k] <= '9'; k++)
			;
		return k == i;
	}
	return 0;
}

/* An untrusted string, escaped. */
static void
md_str(struct md *m, const char *s, size_t len)
{
	size_t	 i;

	m->b.len = 0;
	if (esc_term_buf(&m->b, s, len) == -1)
		m->err = 1;
	for (i = 0; i < m->b.len; i++) {
		unsigned char	 c = m->b.data[i];
		const char	*p = (const char *)m->b.data + i;
		size_t		 left = m->b.len - i;

		if ((c == 'h' || c == 'H') && left >= 7 && strncasecmp(p, "http", 4) == 0 &&
		    (strncmp(p + 4, "://", 3) == 0 || (left >= 8 && (p[4] == 's' || p[4] == 'S') &&
		    strncmp(p + 5, "://", 3) == 0))) {
			md_puts(m, "hxxp");
			i += 3;
			continue;
		}
		if ((c == 'w' || c == 'W') && left >= 4 && strncasecmp(p, "www.", 4) == 0) {
			md_puts(m, "www\\[\\.\\]");
			i += 3;
			continue;
		}
		if (md_special(m->b.data, m->b.len, i, c) && fputc('\\', m->fp) == EOF)
			m->err = 1;
		if (fputc(c, m->fp) == EOF)
			m->err = 1;
	}
}

static void
md_jstr(struct md *m, const json_t *v)
{
	if (json_is_string(v))
		md_str(m, json_string_value(v), json_string_length(v));
	else if (json_is_integer(v))
		fprintf(m->fp, "%lld", (long long)json_integer_value(v));
	else
		md_puts(m, "\\-\\-");
}

static void
md_head(struct md *m, const char *key)
{
	fprintf(m->fp, "\n## %s\n\n", report_text(m->lang, key));
}

static void
md_none(struct md *m)
{
	fprintf(m->fp, "%s\n", report_text(m->lang, "none"));
}

/* A ranking table: columns are members of each row object, then the count. */
static void
md_rank(struct md *m, const char *title, const json_t *rows, const char *const *cols,
    const char *const *labels, size_t ncols)
{
	const json_t	*row;
	size_t		 i, k;

	md_head(m, title);
	if (json_array_size(rows) == 0) {
		md_none(m);
		return;
	}
	md_puts(m, "| # |");
	for (k = 0; k < ncols; k++)
		fprintf(m->fp, " %s |", report_text(m->lang, labels[k]));
	fprintf(m->fp, " %s |\n|--:|", report_text(m->lang, "count"));
	for (k = 0; k < ncols; k++)
		md_puts(m, "---|");
	md_puts(m, "--:|\n");
	json_array_foreach(rows, i, row) {
		fprintf(m->fp, "| %zu |", i + 1);
		for (k = 0; k < ncols; k++) {
			const json_t	*v = json_object_get(row, cols[k]);

			md_puts(m, " ");
			if (json_is_array(v)) {
				size_t		 j;
				const json_t	*e;

				json_array_foreach(v, j, e) {
					if (j > 0)
						md_puts(m, ", ");
					md_jstr(m, e);
				}
				if (j == 0)
					md_puts(m, "\\-\\-");
			} else
				md_jstr(m, v);
			md_puts(m, " |");
		}
		fprintf(m->fp, " %lld |\n", (long long)json_integer_value(json_object_get(row,
		    "count")));
	}
}

static void
md_simple(struct md *m, const char *title, const json_t *rows, const char *label)
{
	static const char *const cols[] = { "value" };
	const char		*labels[] = { label };

	md_rank(m, title, rows, cols, labels, 1);
}

static void
md_totals(struct md *m, const json_t *t)
{
	static const char *const rows[][2] = {
		{ "events", "events" }, { "sources", "sources_n" }, { "requests", "requests" },
		{ "logins", "logins" }, { "commands", "commands_n" }, { "downloads", "downloads" },
	};
	size_t	 i;

	md_head(m, "totals");
	fprintf(m->fp, "| %s | %s | %s | %s |\n|---|--:|--:|--:|\n", report_text(m->lang, "item"),
	    report_text(m->lang, "day"), report_text(m->lang, "prev"),
	    report_text(m->lang, "change"));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const json_t	*o = json_object_get(t, rows[i][0]);
		long long	 d = json_integer_value(json_object_get(o, "day"));
		long long	 p = json_integer_value(json_object_get(o, "prev"));

		fprintf(m->fp, "| %s | %lld | %lld | %s%lld |\n", report_text(m->lang, rows[i][1]),
		    d, p, d > p ? "+" : d == p ? "±" : "", d - p);
	}
}

static void
md_hours(struct md *m, const json_t *hours)
{
	const json_t	*v;
	size_t		 i;

	md_head(m, "hours");
	md_puts(m, "|");
	json_array_foreach(hours, i, v)
		fprintf(m->fp, " %02zu |", i);
	md_puts(m, "\n|");
	json_array_foreach(hours, i, v)
		md_puts(m, "--:|");
	md_puts(m, "\n|");
	json_array_foreach(hours, i, v)
		fprintf(m->fp, " %lld |", (long long)json_integer_value(v));
	md_puts(m, "\n");
}

static void
md_new(struct md *m, const json_t *nw)
{
	static const char *const cats[][2] = {
		{ "paths", "new_paths" }, { "signatures", "new_signatures" },
		{ "fingerprints", "new_fingerprints" }, { "sources", "new_sources" },
	};
	size_t	 i, j;

	md_head(m, "new");
	for (i = 0; i < sizeof(cats) / sizeof(cats[0]); i++) {
		const json_t	*c = json_object_get(nw, cats[i][0]);
		const json_t	*vals = json_object_get(c, "values"), *v;
		long long	 total = json_integer_value(json_object_get(c, "count"));

		fprintf(m->fp, "### %s (%lld)\n\n", report_text(m->lang, cats[i][1]), total);
		if (json_array_size(vals) == 0) {
			md_none(m);
			md_puts(m, "\n");
			continue;
		}
		json_array_foreach(vals, j, v) {
			md_puts(m, "- ");
			md_jstr(m, v);
			md_puts(m, "\n");
		}
		if (total > (long long)json_array_size(vals))
			fprintf(m->fp, "- … +%lld %s\n", total - (long long)json_array_size(vals),
			    report_text(m->lang, "more"));
		md_puts(m, "\n");
	}
}

int
report_render_md(FILE *fp, const json_t *r, const char *lang)
{
	static const char *const src_cols[] = { "value", "country", "asn" };
	static const char *const src_labels[] = { "address", "country", "asn" };
	static const char *const cred_cols[] = { "user", "password" };
	static const char *const sig_cols[] = { "id", "name", "cves", "owasp" };
	static const char *const sen_cols[] = { "sensor", "sources" };
	static const char *const sen_labels[] = { "sensor", "sources_n" };
	struct md		 m = { fp, lang, { 0 }, 0 };
	const json_t		*sensor = json_object_get(r, "sensor");

	buf_init(&m.b, ESC_TERM_MAX(REPORT_STR_MAX * 4) + 16);
	fprintf(fp, "# %s %s\n\n", report_text(lang, "title"),
	    json_string_value(json_object_get(r, "date")));
	fprintf(fp, "- %s: %s 00:00 – 24:00 (", report_text(lang, "period"),
	    json_string_value(json_object_get(r, "date")));
	md_jstr(&m, json_object_get(r, "tz"));
	fprintf(fp, "; UTC %s – %s)\n- %s: ", json_string_value(json_object_get(r, "start")),
	    json_string_value(json_object_get(r, "end")), report_text(lang, "sensor"));
	if (json_is_string(sensor))
		md_jstr(&m, sensor);
	else
		md_puts(&m, report_text(lang, "all_sensors"));
	md_puts(&m, "\n");
	md_totals(&m, json_object_get(r, "totals"));
	md_hours(&m, json_object_get(r, "hours"));
	md_simple(&m, "protocols", json_object_get(r, "protocols"), "protocol");
	md_simple(&m, "countries", json_object_get(r, "countries"), "country");
	md_simple(&m, "request_lines", json_object_get(r, "request_lines"), "value");
	md_simple(&m, "paths", json_object_get(r, "paths"), "value");
	md_simple(&m, "user_agents", json_object_get(r, "user_agents"), "value");
	md_rank(&m, "sources", json_object_get(r, "sources"), src_cols, src_labels, 3);
	md_simple(&m, "ports", json_object_get(r, "ports"), "port");
	md_rank(&m, "credentials", json_object_get(r, "credentials"), cred_cols, cred_cols, 2);
	md_simple(&m, "commands", json_object_get(r, "commands"), "value");
	md_simple(&m, "download_urls", json_object_get(r, "download_urls"), "value");
	md_rank(&m, "signatures", json_object_get(r, "signatures"), sig_cols, sig_cols, 4);
	md_new(&m, json_object_get(r, "new"));
	if (json_array_size(json_object_get(r, "sensors")) > 1) {
		json_t	*rows = json_array(), *row;
		size_t	 i;

		/* The per-sensor table counts events. */
		json_array_foreach(json_object_get(r, "sensors"), i, row)
			json_array_append_new(rows, json_pack("{s:O, s:O, s:O}", "sensor",
			    json_object_get(row, "sensor"), "sources", json_object_get(row,
			    "sources"), "count", json_object_get(row, "events")));
		md_rank(&m, "sensors", rows, sen_cols, sen_labels, 2);
		json_decref(rows);
	}
	fprintf(fp, "\n%s\n", report_text(lang, "generated_by"));
	buf_free(&m.b);
	return m.err || ferror(fp) ? -1 : 0;
}
