/*
 * report_html.c - the daily report as one self-contained HTML page: inline CSS, inline SVG charts
 * drawn here (events per hour, by country, by signature, by protocol), no script and no external
 * resource; a Content-Security-Policy forbids both anyway. Strings from the store are made
 * terminal-safe (esc_term: control, bidi and invalid bytes as \xHH) and then HTML-escaped
 * (& < > " '), in text and in attributes alike.
 */
#include <stdio.h>
#include <string.h>

#include "analyze/report.h"
#include "core/buf.h"
#include "share/escape.h"

#define SVG_W		640
#define SVG_LABEL_W	200
#define SVG_BAR_W	360
#define SVG_ROW_H	22

struct html {
	FILE		*fp;
	const char	*lang;
	struct buf	 b;
	int		 err;
};

static void
h_puts(struct html *h, const char *s)
{
	if (fputs(s, h->fp) == EOF)
		h->err = 1;
}

/* Escaped text; max_cols > 0 cuts it with "…" (chart labels). */
static void
h_str(struct html *h, const char *s, size_t len, size_t max_cols)
{
	char	 cell[REPORT_STR_MAX * 4 + 8];
	size_t	 i, n;

	h->b.len = 0;
	if (max_cols > 0) {
		esc_cell(cell, sizeof(cell), s, len, max_cols);
		buf_append(&h->b, cell, strlen(cell));
	} else if (esc_term_buf(&h->b, s, len) == -1)
		h->err = 1;
	for (i = 0, n = h->b.len; i < n; i++) {
		const char	*rep = NULL;

		switch (h->b.data[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		}
		if (rep != NULL)
			h_puts(h, rep);
		else if (fputc(h->b.data[i], h->fp) == EOF)
			h->err = 1;
	}
}

static void
h_jstr(struct html *h, const json_t *v, size_t max_cols)
{
	if (json_is_string(v))
		h_str(h, json_string_value(v), json_string_length(v), max_cols);
	else if (json_is_integer(v))
		fprintf(h->fp, "%lld", (long long)json_integer_value(v));
	else
		h_puts(h, "--");
}

static const char *
h_t(struct html *h, const char *key)
{
	return report_text(h->lang, key);
}

/* Horizontal bars: one row per {value, count} (at most REPORT_TOP). */
static void
svg_bars(struct html *h, const char *title, const json_t *rows, const char *labelkey)
{
	const json_t	*row;
	long long	 max = 1;
	size_t		 i, n = json_array_size(rows);
	int		 height;

	if (n > REPORT_TOP)
		n = REPORT_TOP;
	for (i = 0; i < n; i++) {
		long long c = json_integer_value(json_object_get(json_array_get(rows, i), "count"));

		if (c > max)
			max = c;
	}
	height = (int)(n > 0 ? n : 1) * SVG_ROW_H + 8;
	fprintf(h->fp, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>", SVG_W, height, SVG_W, height);
	h_puts(h, h_t(h, title));
	h_puts(h, "</title>\n");
	if (n == 0)
		fprintf(h->fp, "<text x=\"4\" y=\"18\">%s</text>\n", h_t(h, "none"));
	for (i = 0; i < n; i++) {
		long long	 c;
		int		 y = 4 + (int)i * SVG_ROW_H, w;

		row = json_array_get(rows, i);
		c = json_integer_value(json_object_get(row, "count"));
		w = (int)(c * SVG_BAR_W / max);
		if (w < 1)
			w = 1;
		fprintf(h->fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", SVG_LABEL_W - 6,
		    y + 15);
		h_jstr(h, json_object_get(row, labelkey), 24);
		fprintf(h->fp, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		    "fill=\"#3b7dd8\"/><text x=\"%d\" y=\"%d\">%lld</text>\n", SVG_LABEL_W, y + 2, w,
		    SVG_ROW_H - 6, SVG_LABEL_W + w + 4, y + 15, c);
	}
	h_puts(h, "</svg>\n");
}

static void
svg_hours(struct html *h, const json_t *hours)
{
	const json_t	*v;
	long long	 max = 1;
	size_t		 i, n = json_array_size(hours);
	const int	 bw = 24, top = 20, ch = 140;

	json_array_foreach(hours, i, v)
		if (json_integer_value(v) > max)
			max = json_integer_value(v);
	fprintf(h->fp, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>%s</title>\n",
	    (int)n * bw + 20, top + ch + 24, (int)n * bw + 20, top + ch + 24, h_t(h, "hours"));
	fprintf(h->fp, "<line x1=\"10\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n",
	    top + ch, (int)n * bw + 10, top + ch);
	json_array_foreach(hours, i, v) {
		long long	 c = json_integer_value(v);
		int		 bh = (int)(c * ch / max), x = 10 + (int)i * bw;

		if (c > 0 && bh < 1)
			bh = 1;
		fprintf(h->fp, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		    "fill=\"#d8603b\"/>", x + 3, top + ch - bh, bw - 6, bh);
		if (c > 0)
			fprintf(h->fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
			    "font-size=\"10\">%lld</text>", x + bw / 2, top + ch - bh - 3, c);
		fprintf(h->fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">"
		    "%02zu</text>\n", x + bw / 2, top + ch + 14, i);
	}
	h_puts(h, "</svg>\n");
}

static void
h_head(struct html *h, const char *key)
{
	fprintf(h->fp, "<h2>%s</h2>\n", h_t(h, key));
}

static void
h_cell(struct html *h, const json_t *v)
{
	h_puts(h, "<td>");
	if (json_is_array(v)) {
		const json_t	*e;
		size_t		 j;

		json_array_foreach(v, j, e) {
			if (j > 0)
				h_puts(h, ", ");
			h_jstr(h, e, 0);
		}
		if (j == 0)
			h_puts(h, "--");
	} else
		h_jstr(h, v, 0);
	h_puts(h, "</td>");
}

static void
h_rank(struct html *h, const char *title, const json_t *rows, const char *const *cols,
    const char *const *labels, size_t ncols, const char *countkey)
{
	const json_t	*row;
	size_t		 i, k;

	h_head(h, title);
	if (json_array_size(rows) == 0) {
		fprintf(h->fp, "<p>%s</p>\n", h_t(h, "none"));
		return;
	}
	h_puts(h, "<table>\n<tr><th>#</th>");
	for (k = 0; k < ncols; k++)
		fprintf(h->fp, "<th>%s</th>", h_t(h, labels[k]));
	fprintf(h->fp, "<th>%s</th></tr>\n", h_t(h, "count"));
	json_array_foreach(rows, i, row) {
		fprintf(h->fp, "<tr><td class=\"n\">%zu</td>", i + 1);
		for (k = 0; k < ncols; k++)
			h_cell(h, json_object_get(row, cols[k]));
		fprintf(h->fp, "<td class=\"n\">%lld</td></tr>\n",
		    (long long)json_integer_value(json_object_get(row, countkey)));
	}
	h_puts(h, "</table>\n");
}

static void
h_simple(struct html *h, const char *title, const json_t *rows, const char *label)
{
	static const char *const cols[] = { "value" };
	const char		*labels[] = { label };

	h_rank(h, title, rows, cols, labels, 1, "count");
}

static void
h_totals(struct html *h, const json_t *t)
{
	static const char *const rows[][2] = {
		{ "events", "events" }, { "sources", "sources_n" }, { "requests", "requests" },
		{ "logins", "logins" }, { "commands", "commands_n" }, { "downloads", "downloads" },
	};
	size_t	 i;

	h_head(h, "totals");
	fprintf(h->fp, "<table>\n<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n",
	    h_t(h, "item"), h_t(h, "day"), h_t(h, "prev"), h_t(h, "change"));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const json_t	*o = json_object_get(t, rows[i][0]);
		long long	 d = json_integer_value(json_object_get(o, "day"));
		long long	 p = json_integer_value(json_object_get(o, "prev"));

		fprintf(h->fp, "<tr><td>%s</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
		    "<td class=\"n\">%s%lld</td></tr>\n", h_t(h, rows[i][1]), d, p,
		    d > p ? "+" : d == p ? "±" : "", d - p);
	}
	h_puts(h, "</table>\n");
}

static void
h_new(struct html *h, const json_t *nw)
{
	static const char *const cats[][2] = {
		{ "paths", "new_paths" }, { "signatures", "new_signatures" },
		{ "fingerprints", "new_fingerprints" }, { "sources", "new_sources" },
	};
	size_t	 i, j;

	h_head(h, "new");
	for (i = 0; i < sizeof(cats) / sizeof(cats[0]); i++) {
		const json_t	*c = json_object_get(nw, cats[i][0]);
		const json_t	*vals = json_object_get(c, "values"), *v;
		long long	 total = json_integer_value(json_object_get(c, "count"));

		fprintf(h->fp, "<h3>%s (%lld)</h3>\n", h_t(h, cats[i][1]), total);
		if (json_array_size(vals) == 0) {
			fprintf(h->fp, "<p>%s</p>\n", h_t(h, "none"));
			continue;
		}
		h_puts(h, "<ul>\n");
		json_array_foreach(vals, j, v) {
			h_puts(h, "<li><code>");
			h_jstr(h, v, 0);
			h_puts(h, "</code></li>\n");
		}
		if (total > (long long)json_array_size(vals))
			fprintf(h->fp, "<li>… +%lld %s</li>\n",
			    total - (long long)json_array_size(vals), h_t(h, "more"));
		h_puts(h, "</ul>\n");
	}
}

static const char html_style[] =
    "body{font-family:sans-serif;max-width:960px;margin:1em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;"
    "text-align:left;vertical-align:top;word-break:break-all}td.n{text-align:right}"
    "svg.chart{display:block;margin:.5em 0;font-size:12px}svg.chart text{fill:#222}"
    "code{white-space:pre-wrap;word-break:break-all}";

int
report_render_html(FILE *fp, const json_t *r, const char *lang)
{
	static const char *const src_cols[] = { "value", "country", "asn" };
	static const char *const src_labels[] = { "address", "country", "asn" };
	static const char *const cred_cols[] = { "user", "password" };
	static const char *const sig_cols[] = { "id", "name", "cves", "owasp" };
	static const char *const sen_cols[] = { "sensor", "sources" };
	static const char *const sen_labels[] = { "sensor", "sources_n" };
	struct html		 h = { fp, lang, { 0 }, 0 };
	const json_t		*sensor = json_object_get(r, "sensor");
	const char		*date = json_string_value(json_object_get(r, "date"));

	buf_init(&h.b, ESC_TERM_MAX(REPORT_STR_MAX * 4) + 16);
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'\">\n<title>%s %s</title>\n<style>%s</style>\n</head>\n"
	    "<body>\n<h1>%s %s</h1>\n<ul>\n<li>%s: %s 00:00 – 24:00 (",
	    strcmp(lang, "ja") == 0 ? "ja" : "en", h_t(&h, "title"), date, html_style,
	    h_t(&h, "title"), date, h_t(&h, "period"), date);
	h_jstr(&h, json_object_get(r, "tz"), 0);
	fprintf(fp, "; UTC %s – %s)</li>\n<li>%s: ",
	    json_string_value(json_object_get(r, "start")),
	    json_string_value(json_object_get(r, "end")), h_t(&h, "sensor"));
	if (json_is_string(sensor))
		h_jstr(&h, sensor, 0);
	else
		h_puts(&h, h_t(&h, "all_sensors"));
	h_puts(&h, "</li>\n</ul>\n");
	h_totals(&h, json_object_get(r, "totals"));
	h_head(&h, "hours");
	svg_hours(&h, json_object_get(r, "hours"));
	h_head(&h, "protocols");
	svg_bars(&h, "protocols", json_object_get(r, "protocols"), "value");
	h_head(&h, "countries");
	svg_bars(&h, "countries", json_object_get(r, "countries"), "value");
	h_head(&h, "signatures");
	svg_bars(&h, "signatures", json_object_get(r, "signatures"), "id");
	h_simple(&h, "request_lines", json_object_get(r, "request_lines"), "value");
	h_simple(&h, "paths", json_object_get(r, "paths"), "value");
	h_simple(&h, "user_agents", json_object_get(r, "user_agents"), "value");
	h_rank(&h, "sources", json_object_get(r, "sources"), src_cols, src_labels, 3, "count");
	h_simple(&h, "ports", json_object_get(r, "ports"), "port");
	h_rank(&h, "credentials", json_object_get(r, "credentials"), cred_cols, cred_cols, 2,
	    "count");
	h_simple(&h, "commands", json_object_get(r, "commands"), "value");
	h_simple(&h, "download_urls", json_object_get(r, "download_urls"), "value");
	h_rank(&h, "signatures", json_object_get(r, "signatures"), sig_cols, sig_cols, 4, "count");
	h_new(&h, json_object_get(r, "new"));
	if (json_array_size(json_object_get(r, "sensors")) > 1)
		h_rank(&h, "sensors", json_object_get(r, "sensors"), sen_cols, sen_labels, 2,
		    "events");
	fprintf(fp, "<p>%s</p>\n</body>\n</html>\n", h_t(&h, "generated_by"));
	buf_free(&h.b);
	return h.err || ferror(fp) ? -1 : 0;
}
