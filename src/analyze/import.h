/*
 * import.h - bringing existing logs into the store: WOWHoneypot access_log and Cowrie JSON lines,
 * plain or gzip, streamed line by line. Each line gets a key (SHA-256 of the format, the line and
 * how many identical lines came before it in the same file): a key already in the store adds
 * nothing, so importing a file twice adds nothing while repeated lines stay distinct events.
 */
#ifndef HNP_IMPORT_H
#define HNP_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "core/buf.h"
#include "core/evt.h"

/* One parsed line, filled by a format's parser. */
struct imp_rec {
	int64_t		 ts;
	const char	*proto;			/* static strings */
	const char	*kind;
	char		 src_ip[EVT_IP_LEN];
	int		 src_port;
	char		 dst_ip[EVT_IP_LEN];
	int		 dst_port;
	char		 sensor[64];		/* "": the import's default sensor */
	char		 session_key[96];	/* events with the same key share a session; "": own */
	struct buf	 fields;		/* JSON object text */
	struct buf	 payload;		/* raw bytes (may stay empty) */
	uint64_t	 payload_total;
	int64_t		 last_ts_cache;		/* parser's cache of the last parsed time text */
	char		 last_ts_text[40];
};

/* Parses line[0..len) (no newline) into r (buffers emptied first). 0, or -1 with *why. */
typedef int (*imp_parse_fn)(const char *line, size_t len, struct imp_rec *r, const char **why);

int	imp_parse_wowhoneypot(const char *line, size_t len, struct imp_rec *r, const char **why);
int	imp_parse_cowrie(const char *line, size_t len, struct imp_rec *r, const char **why);
/*
 * The time and client of a WOWHoneypot line (the checks imp_parse_wowhoneypot starts with); *rest
 * is where the host field starts: what follows decides everything else of the event.
 */
int	imp_parse_wow_head(const char *line, size_t len, struct imp_rec *r, const char **why,
	    size_t *rest);

struct import_stats {
	int64_t		 imported;	/* new events */
	int64_t		 present;	/* lines imported before */
	int64_t		 malformed;	/* lines reported on err */
	int		 file_errors;	/* files that could not be read */
};

/*
 * Imports the files into db (a store opened read-write and migrated): format is "wowhoneypot" or
 * "cowrie"; sensor names events whose line does not. Malformed lines are reported on errfp as
 * "file:line: reason". Returns 0, or -1 with err (an unknown format, a database error).
 */
struct sigdb;

/*
 * ... and classifies every new event with sigs (NULL: none), as the sensors do at ingest.
 */
int	import_files(sqlite3 *db, const char *format, const char *sensor, struct sigdb *sigs,
	    char *const *files, size_t nfiles, FILE *errfp, struct import_stats *st, char *err,
	    size_t errlen);

#endif
