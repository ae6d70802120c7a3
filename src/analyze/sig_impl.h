/* sig_impl.h - the signature database's insides, shared by its loader and its matcher. */
#ifndef HNP_SIG_IMPL_H
#define HNP_SIG_IMPL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "analyze/sig.h"

/* Caps of the text format (a bigger file is an error, not a slow start). */
#define SIG_MAX_FILE_BYTES	(4 * 1024 * 1024)
#define SIG_MAX_LINE		8192
#define SIG_MAX_SIGS		10000
#define SIG_MAX_WORDS		64	/* values of one list or condition */
#define SIG_MAX_ALT_FIELDS	8	/* FIELD|FIELD|... of one condition */
#define SIG_MAX_CONDS		32	/* conditions of one alternative */
#define SIG_MAX_CLAUSES		16	/* alternatives ("or") of one signature */
#define SIG_MAX_JSON_KEYS	64	/* distinct event field names the database tests */
#define SIG_MAX_FILES		256

/* PCRE2 work limits per search (a pathological pattern or input costs at most this). */
#define SIG_MATCH_LIMIT		100000
#define SIG_DEPTH_LIMIT		1000
#define SIG_HEAP_LIMIT		1024	/* KiB */

/* What a condition looks at. Everything not named here is a top-level event field (F_JSON). */
enum sig_field {
	SF_PROTO, SF_KIND, SF_SENSOR, SF_SRC_IP, SF_SRC_PORT, SF_DST_PORT, SF_TAGS,
	SF_PAYLOAD,		/* the raw bytes, any protocol */
	SF_REQUEST_LINE,	/* HTTP: the payload's first line */
	SF_HEADERS,		/* HTTP: the header lines (LF or CRLF as sent) */
	SF_BODY,		/* HTTP: what follows the empty line */
	SF_DECODED_URI,		/* HTTP: uri with %XX and '+' decoded */
	SF_JSON,
	SF_NFIXED = SF_JSON,
};

enum sig_op { SO_IS, SO_CONTAINS, SO_ICONTAINS, SO_STARTS, SO_ISTARTS, SO_ENDS, SO_REGEX };

struct sig_fref {
	enum sig_field	 f;
	int		 key;		/* SF_JSON: index into sigdb.keys */
};

struct sig_cond {
	struct sig_fref	 fields[SIG_MAX_ALT_FIELDS];
	size_t		 nfields;
	enum sig_op	 op;
	int		 neg;		/* "!op": holds when no field satisfies op (or none exists) */
	char		**words;	/* decoded values (may hold NUL bytes: wlen) */
	size_t		*wlen;
	size_t		 nwords;
	pcre2_code	*re;
};

struct sig_clause {
	struct sig_cond	*conds;
	size_t		 nconds;
};

struct sig_rec {
	struct sig	 pub;
	char		**protos;	/* empty: any */
	size_t		 nprotos;
	char		**kinds;	/* empty: any */
	size_t		 nkinds;
	struct sig_clause clauses[SIG_MAX_CLAUSES];
	size_t		 nclauses;
	/* storage behind pub */
	char		**cves, **owasp;
	int		*abuse;
};

struct sigdb {
	struct sig_rec		*recs;
	size_t			 n, cap;
	const struct sig	**by_id;	/* sorted by id */
	char			*keys[SIG_MAX_JSON_KEYS];	/* event field names tested */
	size_t			 nkeys;
	char			**files;	/* names for sig.file */
	size_t			 nfiles;
	pcre2_match_data	*md;
	pcre2_match_context	*mctx;
	struct sig_view		*view;		/* the matcher's per-event scratch */
};

/* Parses one file's text into db; err as sigdb_load. */
int	sig_parse(struct sigdb *db, const char *name, const char *text, size_t len, char *err,
	    size_t errlen);
/* After the last file: builds the id index and the matcher's state; -1 with err. */
int	sig_finish(struct sigdb *db, char *err, size_t errlen);

#endif
