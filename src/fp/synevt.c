/*
 * synevt.c - turns the SYN a listener saved into the connect event's fields (syn_ttl, syn_ipid,
 * syn_win, syn_mss, syn_wscale, syn_options, syn_sig, names from the fingerprint database) and
 * tool tags, through a cache of the text for SYNs of a shape seen before (a client's stack sends
 * the same options every time: the layout, signature and name lookup were ~3,000 instructions
 * of the ~4,500 a connection spent here); loads the databases the configuration names.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/xmalloc.h"
#include "fp/fpdb.h"
#include "fp/syn.h"
#include "fp/synevt.h"

#define FP_DEFAULT_DB	"data/fingerprints.txt"

const struct config_key fp_config_keys[] = {
	{ "fingerprints", "syn", CFG_BOOL, 0, 0, "true",
	    "record the TCP SYN fingerprint of every accepted connection (TCP_SAVE_SYN)" },
	{ "fingerprints", "database", CFG_STR, 0, 0, FP_DEFAULT_DB,
	    "fingerprint database shipped with hanipo (JA3/JA4/SYN -> client names)" },
	{ "fingerprints", "local", CFG_STR, 0, 0, "",
	    "your own fingerprint file, same format; its entries win over the database's" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};

/* Client and family for names the database lacks: the tool whose mark the SYN carries. */
static const char *const fp_tool_client[SYN_NTOOLS] = { "Mirai", "masscan", "ZMap", "Nmap" };
static const char *const fp_tool_family[SYN_NTOOLS] = { "bot", "scanner", "scanner", "scanner" };

/*
 * The cache (fp_syn_fields_cached): FP_CACHE_SLOTS slots, direct-mapped by a hash of the
 * shape. A slot keeps up to FP_CACHE_TEXT bytes of member text; a shape whose text is longer
 * is written afresh every time.
 */
#define FP_CACHE_BITS	7
#define FP_CACHE_SLOTS	(1u << FP_CACHE_BITS)
#define FP_CACHE_TEXT	480

/*
 * What the members but syn_ipid, syn_tool and a tool's names are a function of: syn_ttl, the
 * layout and signature, and with them the database's name. All 32-bit fields and a byte array
 * of a multiple of 4: no padding, so memcmp compares it.
 */
struct fp_syn_shape {
	uint32_t	 ver, ttl, olen, win, mss, wscale, eol_pad, quirks, nopts;
	uint8_t		 opts[SYN_MAX_OPTS];	/* zero past nopts (syn_decode clears) */
};
_Static_assert(sizeof(struct fp_syn_shape) == 9 * 4 + SYN_MAX_OPTS, "padding in the shape");

/*
 * One shape's text as fp_syn_fields wrote it, without leading ',': syn_ttl in text[0..ttl),
 * syn_win to syn_sig next (mid bytes), then the database's names (names bytes; -1 until a SYN
 * of this shape without a tool's mark was written, or when they did not fit).
 */
struct fp_syn_slot {
	struct fp_syn_shape	 shape;
	uint16_t		 ttl, mid;	/* mid 0: the slot is empty */
	int16_t			 names;
	char			 text[FP_CACHE_TEXT];
};

struct fp_syn_cache {
	const struct fpdb	*db;
	struct fp_syn_slot	 slot[FP_CACHE_SLOTS];
};

/* The layout and the signature text of fp. */
static void
fp_syn_sig(const struct syn_fp *fp, char lay[SYN_LAYOUT_MAX], char sig[SYN_SIG_MAX])
{
	syn_layout(fp, lay, SYN_LAYOUT_MAX);
	syn_sig_layout(fp, lay, sig, SYN_SIG_MAX);
}

/* syn_decode, and the syn_error member when it fails. */
static int
fp_syn_decode(const uint8_t *syn, size_t len, struct syn_fp *fp, struct jsonw *w)
{
	if (syn_decode(syn, len, fp) == 0)
		return 0;
	jsonw_key(w, "syn_error");
	jsonw_str(w, "undecodable");
	return -1;
}

static void
fp_syn_ttl(struct jsonw *w, const struct syn_fp *fp)
{
	jsonw_key(w, "syn_ttl");
	jsonw_int(w, fp->ttl);
}

/* Per packet: never cached. */
static void
fp_syn_ipid(struct jsonw *w, const struct syn_fp *fp)
{
	if (fp->ipid >= 0) {
		jsonw_key(w, "syn_ipid");
		jsonw_int(w, fp->ipid);
	}
}

/* The members from syn_win to syn_sig. */
static void
fp_syn_mid(struct jsonw *w, const struct syn_fp *fp, const char *lay, const char *sig)
{
	jsonw_key(w, "syn_win");
	jsonw_int(w, fp->win);
	if (fp->mss >= 0) {
		jsonw_key(w, "syn_mss");
		jsonw_int(w, fp->mss);
	}
	if (fp->wscale >= 0) {
		jsonw_key(w, "syn_wscale");
		jsonw_int(w, fp->wscale);
	}
	jsonw_key(w, "syn_options");
	jsonw_str(w, lay);
	jsonw_key(w, "syn_sig");
	jsonw_str(w, sig);
}

/* syn_tool for the first tool whose mark fp carries; the array of them all, or NULL (*first). */
static json_t *
fp_syn_tools(struct jsonw *w, const struct syn_fp *fp, unsigned *first)
{
	json_t		*tags = NULL;
	unsigned	 i;

	*first = SYN_NTOOLS;
	for (i = 0; i < SYN_NTOOLS; i++)
		if (fp->tools & (1u << i)) {
			if (tags == NULL) {
				tags = json_array();
				*first = i;
				jsonw_key(w, "syn_tool");
				jsonw_str(w, syn_tool_name(i));
			}
			json_array_append_new(tags, json_string(syn_tool_name(i)));
		}
	return tags;
}

static void
fp_syn_names(struct jsonw *w, const char *client, const char *family)
{
	jsonw_key(w, "syn_client");
	jsonw_str(w, client);
	jsonw_key(w, "syn_family");
	jsonw_str(w, family);
}

/*
 * The names of the first tool whose mark the SYN carries; 0 when none does. A tool's mark is
 * exact; the database's patterns are not: the mark names first.
 */
static int
fp_syn_tool_names(struct jsonw *w, unsigned first)
{
	if (first >= SYN_NTOOLS)
		return 0;
	fp_syn_names(w, fp_tool_client[first], fp_tool_family[first]);
	return 1;
}

/* The database's names for sig, when it has any. */
static void
fp_syn_db_names(struct jsonw *w, const struct fpdb *db, const char *sig)
{
	const struct fpdb_entry	*e;

	if ((e = fpdb_lookup(db, FP_SYN, sig)) != NULL)
		fp_syn_names(w, e->client, e->family);
}

json_t *
fp_syn_fields(void *arg, const uint8_t *syn, size_t len, struct jsonw *w)
{
	const struct fpdb	*db = arg;
	struct syn_fp		 fp;
	char			 sig[SYN_SIG_MAX], lay[SYN_LAYOUT_MAX];
	json_t			*tags;
	unsigned		 first;

	if (fp_syn_decode(syn, len, &fp, w) == -1)
		return NULL;
	fp_syn_sig(&fp, lay, sig);
	fp_syn_ttl(w, &fp);
	fp_syn_ipid(w, &fp);
	fp_syn_mid(w, &fp, lay, sig);
	tags = fp_syn_tools(w, &fp, &first);
	if (!fp_syn_tool_names(w, first))
		fp_syn_db_names(w, db, sig);
	return tags;
}

struct fp_syn_cache *
fp_syn_cache_new(const struct fpdb *db)
{
	struct fp_syn_cache	*c = xcalloc(1, sizeof(*c));

	c->db = db;
	return c;
}

void
fp_syn_cache_free(struct fp_syn_cache *c)
{
	free(c);
}

static void
fp_syn_shape(const struct syn_fp *fp, struct fp_syn_shape *k)
{
	k->ver = (uint32_t)fp->ver;
	k->ttl = (uint32_t)fp->ttl;
	k->olen = fp->olen;
	k->win = fp->win;
	k->mss = (uint32_t)fp->mss;
	k->wscale = (uint32_t)fp->wscale;
	k->eol_pad = (uint32_t)fp->eol_pad;
	k->quirks = fp->quirks;
	k->nopts = fp->nopts;
	memcpy(k->opts, fp->opts, sizeof(k->opts));
}

/* The slot of a shape: a multiplicative hash of the fields that tell stacks apart most. */
static struct fp_syn_slot *
fp_syn_slot(struct fp_syn_cache *c, const struct fp_syn_shape *k)
{
	uint64_t	 h, o;

	memcpy(&o, k->opts, sizeof(o));
	h = ((uint64_t)k->win << 48 | (uint64_t)(k->mss & 0xffff) << 32 | k->ttl << 24 |
	    (k->wscale & 0xff) << 16 | k->nopts << 8 | k->ver) ^ (uint64_t)k->quirks << 40 ^
	    (uint64_t)k->olen << 20 ^ k->eol_pad ^ o * 0xff51afd7ed558ccdULL;
	return &c->slot[(h * 0x9e3779b97f4a7c15ULL) >> (64 - FP_CACHE_BITS)];
}

/*
 * Keeps what w got since at (members, without the ',' that may lead them) at the slot's text
 * + off; its length, or -1 when it does not fit or w's text was cut.
 */
static int
fp_syn_keep(struct fp_syn_slot *sl, size_t off, const struct jsonw *w, size_t at)
{
	const uint8_t	*p = w->b->data + at;
	size_t		 n = w->b->len - at;

	if (n > 0 && p[0] == ',') {
		p++;
		n--;
	}
	if (jsonw_done(w) == -1 || n > sizeof(sl->text) - off)
		return -1;
	memcpy(sl->text + off, p, n);
	return (int)n;
}

/* The database's names for sig, kept after the slot's members when it has them and they fit. */
static void
fp_syn_fill_names(struct fp_syn_cache *c, struct fp_syn_slot *sl, const char *sig,
    struct jsonw *w)
{
	size_t	 at = w->b->len;

	fp_syn_db_names(w, c->db, sig);
	if (sl->mid > 0)
		sl->names = (int16_t)fp_syn_keep(sl, (size_t)sl->ttl + sl->mid, w, at);
}

/*
 * The first SYN of shape k (or one whose slot another shape held): written as fp_syn_fields
 * does, and kept in the slot as it goes. Returns the tool tags.
 */
static json_t *
fp_syn_fill(struct fp_syn_cache *c, struct fp_syn_slot *sl, const struct fp_syn_shape *k,
    const struct syn_fp *fp, struct jsonw *w)
{
	char		 sig[SYN_SIG_MAX], lay[SYN_LAYOUT_MAX];
	json_t		*tags;
	unsigned	 first;
	size_t		 at;
	int		 ttl, mid;

	fp_syn_sig(fp, lay, sig);
	sl->mid = 0;
	sl->names = -1;
	at = w->b->len;
	fp_syn_ttl(w, fp);
	ttl = fp_syn_keep(sl, 0, w, at);
	fp_syn_ipid(w, fp);
	at = w->b->len;
	fp_syn_mid(w, fp, lay, sig);
	if (ttl > 0 && (mid = fp_syn_keep(sl, (size_t)ttl, w, at)) > 0) {
		sl->shape = *k;
		sl->ttl = (uint16_t)ttl;
		sl->mid = (uint16_t)mid;
	}
	tags = fp_syn_tools(w, fp, &first);
	if (!fp_syn_tool_names(w, first))
		fp_syn_fill_names(c, sl, sig, w);
	return tags;
}

json_t *
fp_syn_fields_cached(void *arg, const uint8_t *syn, size_t len, struct jsonw *w)
{
	struct fp_syn_cache	*c = arg;
	struct fp_syn_slot	*sl;
	struct fp_syn_shape	 k;
	struct syn_fp		 fp;
	char			 sig[SYN_SIG_MAX], lay[SYN_LAYOUT_MAX];
	json_t			*tags;
	unsigned		 first;

	if (fp_syn_decode(syn, len, &fp, w) == -1)
		return NULL;
	fp_syn_shape(&fp, &k);
	sl = fp_syn_slot(c, &k);
	if (sl->mid == 0 || memcmp(&sl->shape, &k, sizeof(k)) != 0)
		return fp_syn_fill(c, sl, &k, &fp, w);
	jsonw_raw(w, sl->text, sl->ttl);
	fp_syn_ipid(w, &fp);
	jsonw_raw(w, sl->text + sl->ttl, sl->mid);
	tags = fp_syn_tools(w, &fp, &first);
	if (!fp_syn_tool_names(w, first) && sl->names != 0) {
		if (sl->names > 0)
			jsonw_raw(w, sl->text + sl->ttl + sl->mid, (size_t)sl->names);
		else {
			/* Not kept: only SYNs with a tool's mark had this shape, or too long. */
			fp_syn_sig(&fp, lay, sig);
			fp_syn_fill_names(c, sl, sig, w);
		}
	}
	return tags;
}

struct fpdb *
fp_load_config(const struct config *cfg, char *warn, size_t warnlen, char *err, size_t errlen)
{
	struct fpdb	*db = fpdb_new();
	const char	*local = config_get(cfg, "fingerprints", "local");
	const char	*path = config_get(cfg, "fingerprints", "database");
	char		 why[1024];

	if (warnlen > 0)
		warn[0] = '\0';
	if (local != NULL && *local != '\0' && fpdb_load(db, local, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: [fingerprints] local: %s",
		    config_origin(cfg, "fingerprints", "local"), why);
		goto fail;
	}
	if (path != NULL && *path != '\0') {
		if (strcmp(config_origin(cfg, "fingerprints", "database"), "default") == 0 &&
		    access(path, F_OK) == -1 && errno == ENOENT)
			snprintf(warn, warnlen, "%s: no fingerprint database here: fingerprints "
			    "stay unnamed", path);
		else if (fpdb_load(db, path, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "%s: [fingerprints] database: %s",
			    config_origin(cfg, "fingerprints", "database"), why);
			goto fail;
		}
	}
	return db;
fail:
	fpdb_free(db);
	return NULL;
}
