/*
 * export.h - events out of the store for other tools: JSON lines, CSV, a STIX 2.1 bundle
 * (observed-data and indicators for sources and download URLs, deterministic ids) and a plain
 * blocklist (one address a line).
 */
#ifndef HNP_EXPORT_H
#define HNP_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/query.h"

enum export_format { EXPORT_JSONL, EXPORT_CSV, EXPORT_STIX, EXPORT_BLOCKLIST };

struct export_opts {
	enum export_format	 fmt;
	const char *const	*tags;		/* only events with any of these tags; ntags 0: all */
	size_t			 ntags;
	const char		*identity;	/* STIX identity name (the sensor or operator) */
	int			 valid_days;	/* STIX indicator validity after the last sighting */
};

/* Parses a format name. 0, or -1. */
int	export_format_parse(const char *s, enum export_format *out);
/*
 * Writes the events of it in format o->fmt to fp. Returns the events exported (>= 0), or -1
 * with err (a query error; a write error is left to the caller's flush).
 */
int64_t	export_run(FILE *fp, struct query_iter *it, const struct export_opts *o, char *err,
	    size_t errlen);

#endif
