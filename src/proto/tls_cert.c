/*
 * tls_cert.c - a self-signed certificate that looks like a device's or a site's own: RSA 2048,
 * SHA-256, random serial, issued some months ago for ten years, the configured subject, the
 * extensions `openssl req -x509` writes. Nothing in it names hanipo.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/limits.h"
#include "proto/tls_cert.h"

/* Calls fn for every "key=value" of "/k=v/k=v"; stops at the first -1. */
static int
tls_subject_walk(const char *subject, int (*fn)(void *, const char *, const char *), void *arg,
    char *why, size_t whylen)
{
	char	 copy[HNP_MAX_TLS_SUBJECT + 1], *p, *next, *eq;

	if (strlen(subject) > HNP_MAX_TLS_SUBJECT) {
		snprintf(why, whylen, "longer than %d characters", HNP_MAX_TLS_SUBJECT);
		return -1;
	}
	if (subject[0] != '/') {
		snprintf(why, whylen, "expected /KEY=VALUE/..., e.g. /C=US/O=Example/CN=host");
		return -1;
	}
	snprintf(copy, sizeof(copy), "%s", subject + 1);
	for (p = copy; p != NULL && *p != '\0'; p = next) {
		if ((next = strchr(p, '/')) != NULL)
			*next++ = '\0';
		if ((eq = strchr(p, '=')) == NULL || eq == p || eq[1] == '\0') {
			snprintf(why, whylen, "\"%s\" is not KEY=VALUE", p);
			return -1;
		}
		*eq = '\0';
		if (OBJ_txt2nid(p) == NID_undef) {
			snprintf(why, whylen, "unknown attribute \"%s\"", p);
			return -1;
		}
		if (fn != NULL && fn(arg, p, eq + 1) == -1) {
			snprintf(why, whylen, "bad value for %s", p);
			return -1;
		}
	}
	return 0;
}

int
tls_cert_check_subject(const char *subject, char *why, size_t whylen)
{
	if (strcasestr(subject, "hanipo") != NULL || strcasestr(subject, "honeypot") != NULL) {
		snprintf(why, whylen, "must not say hanipo or honeypot (attackers read it)");
		return -1;
	}
	return tls_subject_walk(subject, NULL, NULL, why, whylen);
}

static int
tls_name_add(void *arg, const char *key, const char *value)
{
	return X509_NAME_add_entry_by_txt(arg, key, MBSTRING_UTF8, (const unsigned char *)value,
	    -1, -1, 0) == 1 ? 0 : -1;
}

static int
tls_add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;
	int		 ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -1;
}

/* Builds and signs the certificate. */
static X509 *
tls_make_cert(EVP_PKEY *pk, const char *subject, char *err, size_t errlen)
{
	X509		*x = X509_new();
	X509_NAME	*name = X509_NAME_new();
	BIGNUM		*bn = BN_new();
	uint32_t	 r = 0;
	long		 age;
	char		 why[256];

	if (x == NULL || name == NULL || bn == NULL)
		goto fail;
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint32_t)getpid();
	age = (long)(30 + r % 600) * 86400 + (long)(r >> 16) % 86400;	/* 30 to 630 days ago */
	if (tls_subject_walk(subject, tls_name_add, name, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "subject: %s", why);
		goto out;
	}
	if (X509_set_version(x, 2) != 1 || BN_rand(bn, 63, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -age) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), 3650L * 86400 - age) == NULL ||
	    X509_set_subject_name(x, name) != 1 || X509_set_issuer_name(x, name) != 1 ||
	    X509_set_pubkey(x, pk) != 1 ||
	    tls_add_ext(x, NID_subject_key_identifier, "hash") == -1 ||
	    tls_add_ext(x, NID_authority_key_identifier, "keyid:always") == -1 ||
	    tls_add_ext(x, NID_basic_constraints, "critical,CA:TRUE") == -1 ||
	    X509_sign(x, pk, EVP_sha256()) == 0)
		goto fail;
	X509_NAME_free(name);
	BN_free(bn);
	return x;
fail:
	snprintf(err, errlen, "cannot make a certificate");
out:
	X509_free(x);
	X509_NAME_free(name);
	BN_free(bn);
	return NULL;
}

/* Writes a new file (never overwriting) with mode, through PEM writer fn. */
static int
tls_write_new(const char *path, mode_t mode, int (*fn)(FILE *, void *), void *obj, char *err,
    size_t errlen)
{
	FILE	*f;
	int	 fd, ok;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) == -1) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(path);
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	ok = fn(f, obj);
	if (fclose(f) != 0 || !ok) {
		unlink(path);
		snprintf(err, errlen, "cannot write %s", path);
		return -1;
	}
	return 0;
}

static int
tls_pem_key(FILE *f, void *pk)
{
	return PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL);
}

static int
tls_pem_cert(FILE *f, void *x)
{
	return PEM_write_X509(f, x);
}

int
tls_cert_generate(const char *cert_path, const char *key_path, const char *subject,
    char *err, size_t errlen)
{
	EVP_PKEY	*pk;
	X509		*x;
	int		 rc = -1;

	if ((pk = EVP_RSA_gen(2048)) == NULL) {
		snprintf(err, errlen, "cannot make an RSA key");
		return -1;
	}
	if ((x = tls_make_cert(pk, subject, err, errlen)) != NULL &&
	    tls_write_new(key_path, 0600, tls_pem_key, pk, err, errlen) == 0) {
		if (tls_write_new(cert_path, 0644, tls_pem_cert, x, err, errlen) == 0)
			rc = 0;
		else
			unlink(key_path);
	}
	X509_free(x);
	EVP_PKEY_free(pk);
	return rc;
}
