/*
 * sig_meta.c - what the mapping codes of a signature mean (OWASP IoT Top 10 2018, AbuseIPDB
 * categories), and where the configuration says the signatures are.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "analyze/sig.h"
#include "core/config.h"
#include "store/store.h"

const struct config_key sig_config_keys[] = {
	{ "signatures", "path", CFG_STR, 0, 0, "data/signatures",
	    "signature directory (every *.sig file) or one file; empty: no classification" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};

/* https://owasp.org/www-project-internet-of-things/ (2018 list). */
static const char *const owasp_titles[] = {
	"Weak, Guessable, or Hardcoded Passwords",
	"Insecure Network Services",
	"Insecure Ecosystem Interfaces",
	"Lack of Secure Update Mechanism",
	"Use of Insecure or Outdated Components",
	"Insufficient Privacy Protection",
	"Insecure Data Transfer and Storage",
	"Lack of Device Management",
	"Insecure Default Settings",
	"Lack of Physical Hardening",
};

const char *
sig_owasp_title(const char *code)
{
	int	 n;

	if (code == NULL || code[0] != 'I')
		return NULL;
	if (code[1] >= '1' && code[1] <= '9' && code[2] == '\0')
		n = code[1] - '0';
	else if (strcmp(code + 1, "10") == 0)
		n = 10;
	else
		return NULL;
	return owasp_titles[n - 1];
}

/* https://www.abuseipdb.com/categories */
static const char *const abuseipdb_names[] = {
	"DNS Compromise", "DNS Poisoning", "Fraud Orders", "DDoS Attack", "FTP Brute-Force",
	"Ping of Death", "Phishing", "Fraud VoIP", "Open Proxy", "Web Spam", "Email Spam",
	"Blog Spam", "VPN IP", "Port Scan", "Hacking", "SQL Injection", "Spoofing", "Brute-Force",
	"Bad Web Bot", "Exploited Host", "Web App Attack", "SSH", "IoT Targeted",
};

const char *
sig_abuseipdb_name(int category)
{
	if (category < 1 || category > 23)
		return NULL;
	return abuseipdb_names[category - 1];
}

struct sigdb *
sigdb_load_config(const struct config *cfg, char *err, size_t errlen)
{
	const char	*path = config_get(cfg, "signatures", "path");
	struct sigdb	*db;
	char		 why[1024];

	/* Empty, or the default (relative) path absent when started elsewhere: no signatures. */
	if (path == NULL || *path == '\0' || (strcmp(config_origin(cfg, "signatures", "path"),
	    "default") == 0 && access(path, F_OK) == -1)) {
		err[0] = '\0';
		return NULL;
	}
	if ((db = sigdb_load(path, why, sizeof(why))) == NULL)
		snprintf(err, errlen, "%s (from %s: [signatures] path)", why,
		    config_origin(cfg, "signatures", "path"));
	return db;
}

static void
sig_store_cb(struct evt *ev, void *arg)
{
	sigdb_classify(arg, ev);
}

static void
sig_store_free(void *arg)
{
	sigdb_free(arg);
}

void
sigdb_attach(struct store *s, struct sigdb *db)
{
	store_set_classifier(s, db != NULL ? sig_store_cb : NULL, db,
	    db != NULL ? sig_store_free : NULL);
}
