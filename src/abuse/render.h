/*
 * render.h - an abuse report in the forms recipients take: a plain-text e-mail (Japanese or
 * English), XARF v4 JSON, a JPCERT/CC incident report, AbuseIPDB bulk CSV.
 */
#ifndef HNP_RENDER_H
#define HNP_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "abuse/report.h"
#include "core/buf.h"
#include "core/config.h"

struct sigdb;

enum render_format { RENDER_TEXT, RENDER_XARF, RENDER_JPCERT, RENDER_ABUSEIPDB };

struct render_ctx {
	const struct config	*cfg;
	struct sigdb		*sigs;		/* NULL: signature ids shown as they are */
	int			 ja;		/* Japanese, else English */
	const char		*tz;		/* "+09:00", "UTC", "local", "Asia/Tokyo" */
	int64_t			 now;		/* µs */
	char			 digest[256];	/* chain digest line (report_digest) */
};

/* Parses a --format / --lang / --tz value. 0, or -1. */
int	render_parse_format(const char *s, enum render_format *f);
int	render_check_tz(const char *tz);

/*
 * Renders the report for one contact (to; "" when none) about the sources srcs[0..n) into out.
 * Text and JPCERT begin with "To:" and "Subject:" lines; XARF is one JSON object per source and
 * line; AbuseIPDB is the CSV with its header. 0, or -1 with err (missing reporter identity for
 * XARF, output too large).
 */
int	render_report(const struct render_ctx *rc, enum render_format f, const char *to,
	    struct report_src *const *srcs, size_t n, struct buf *out, char *err, size_t errlen);
/* The Subject of the text report (UTF-8, no line break). */
void	render_subject(const struct render_ctx *rc, struct report_src *const *srcs, size_t n,
	    char *out, size_t outlen);
/* One XARF object for a source (report_id given); NULL with err. */
char	*render_xarf(const struct render_ctx *rc, const struct report_src *s,
	    const char *report_id, char *err, size_t errlen);
/* A random UUID v4. */
void	render_uuid(char out[37]);

#endif
