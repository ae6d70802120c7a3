/*
 * synevt.c - turns the SYN a listener saved into the connect event's fields (syn_ttl, syn_ipid,
 * syn_win, syn_mss, syn_wscale, syn_options, syn_sig, names from the fingerprint database) and
 * tool tags; loads the databases the configuration names.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/jsonw.h"
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

json_t *
fp_syn_fields(void *arg, const uint8_t *syn, size_t len, struct jsonw *w)
{
	const struct fpdb	*db = arg;
	const struct fpdb_entry	*e;
	struct syn_fp		 fp;
	char			 sig[SYN_SIG_MAX], lay[SYN_LAYOUT_MAX];
	json_t			*tags = NULL;
	unsigned		 i, first = SYN_NTOOLS;

	if (syn_decode(syn, len, &fp) == -1) {
		jsonw_key(w, "syn_error");
		jsonw_str(w, "undecodable");
		return NULL;
	}
	syn_layout(&fp, lay, sizeof(lay));
	syn_sig_layout(&fp, lay, sig, sizeof(sig));
	jsonw_key(w, "syn_ttl");
	jsonw_int(w, fp.ttl);
	if (fp.ipid >= 0) {
		jsonw_key(w, "syn_ipid");
		jsonw_int(w, fp.ipid);
	}
	jsonw_key(w, "syn_win");
	jsonw_int(w, fp.win);
	if (fp.mss >= 0) {
		jsonw_key(w, "syn_mss");
		jsonw_int(w, fp.mss);
	}
	if (fp.wscale >= 0) {
		jsonw_key(w, "syn_wscale");
		jsonw_int(w, fp.wscale);
	}
	jsonw_key(w, "syn_options");
	jsonw_str(w, lay);
	jsonw_key(w, "syn_sig");
	jsonw_str(w, sig);
	for (i = 0; i < SYN_NTOOLS; i++)
		if (fp.tools & (1u << i)) {
			if (tags == NULL) {
				tags = json_array();
				first = i;
				jsonw_key(w, "syn_tool");
				jsonw_str(w, syn_tool_name(i));
			}
			json_array_append_new(tags, json_string(syn_tool_name(i)));
		}
	/* A tool's mark is exact; the database's patterns are not: the mark names first. */
	if (first < SYN_NTOOLS) {
		jsonw_key(w, "syn_client");
		jsonw_str(w, fp_tool_client[first]);
		jsonw_key(w, "syn_family");
		jsonw_str(w, fp_tool_family[first]);
	} else if ((e = fpdb_lookup(db, FP_SYN, sig)) != NULL) {
		jsonw_key(w, "syn_client");
		jsonw_str(w, e->client);
		jsonw_key(w, "syn_family");
		jsonw_str(w, e->family);
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
