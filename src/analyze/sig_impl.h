/* sig_impl.h - the signature database's insides, shared by its loader and its matcher. */
#ifndef HNP_SIG_IMPL_H
#define HNP_SIG_IMPL_H

#include <stdint.h>
#include <stdio.h>

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
#define SIG_MAX_GROUPS		64	/* (proto, kind) pairs with a cached candidate list */

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
	/* A positive is, starts or istarts: a necessary test of a value's first byte and length,
	 * cheaper than the words (sig_prefilter_build sets it on first conditions). */
	int		 quick;
	uint8_t		 lead[32];	/* bit b: a value starting with byte b may hold */
	uint64_t	 lens;		/* bit n: a value of n bytes (63: or more) may hold */
};

struct sig_clause {
	struct sig_cond	*conds;
	size_t		 nconds;
};

struct sig_rec {
	struct sig	 pub;
	int		 prefilter;	/* every alternative starts with a literal condition */
	int		 quick;		/* every alternative's first condition is quick */
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

/* Aho-Corasick over the first conditions' words (sig_prefilter.c). */
struct sig_ac {
	uint16_t	*delta;		/* nstates x ncls transitions; NULL: no prefilter */
	uint8_t		 cls[256];	/* byte -> class (case folded; 0: in no word) */
	size_t		 ncls, nstates;
	uint32_t	 outfirst;	/* states from here on have patterns */
	uint32_t	*outoff;	/* state outfirst + k's: out[outoff[k] .. outoff[k + 1]) */
	uint32_t	*out;
	struct {
		uint32_t		 rec;
		const struct sig_cond	*cond;
	}		*pats;
};

/* The signatures events of one (proto, kind) can match, and the values to prefilter. */
struct sig_group {
	char		 proto[16], kind[24];
	uint32_t	*recs;		/* in file order */
	size_t		 n;
	uint32_t	*always;	/* those without a prefilter, in file order */
	size_t		 nalways;
	uint8_t		*member;	/* per signature: in recs */
	struct sig_fref	*scan;
	size_t		 nscan;
	int		*keys;		/* sigdb.keys indexes its conditions read */
	size_t		 nkeys;
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
	int			 uri_key;	/* keys[] index of "uri" (decoded_uri) */
	struct sig_ac		 ac;
	uint32_t		*cand;		/* per signature: gen when the prefilter admits it */
	uint32_t		 gen;
	uint32_t		*hits;		/* this event's admitted signatures */
	size_t			 nhits;
	struct sig_group	 groups[SIG_MAX_GROUPS], spare;
	size_t			 ngroups;
	int			 no_prefilter;	/* tests: evaluate every candidate */
};

extern const uint8_t sig_lower[256];
void	sig_prefilter_build(struct sigdb *db);
void	sig_prefilter_free(struct sigdb *db);
const struct sig_group *sig_group(struct sigdb *db, const char *proto, const char *kind);
struct evt;
const struct sig_group *sig_group_evt(struct sigdb *db, const struct evt *ev);
void	sig_prefilter_scan(struct sigdb *db, const struct sig_fref *field, const uint8_t *p,
	    size_t len, uint32_t gen);

/* Parses one file's text into db; err as sigdb_load. */
int	sig_parse(struct sigdb *db, const char *name, const char *text, size_t len, char *err,
	    size_t errlen);
/* After the last file: builds the id index and the matcher's state; -1 with err. */
int	sig_finish(struct sigdb *db, char *err, size_t errlen);

#endif
