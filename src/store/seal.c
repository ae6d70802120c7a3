/*
 * seal.c - `hanipo seal`: an Ed25519 signature (OpenSSL EVP) over a day's chain digest, so a
 * report can quote a digest that the sensor's owner can later prove unchanged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/hex.h"
#include "store/chain.h"
#include "store/seal.h"

#define DAY_US	(INT64_C(86400) * 1000000)

const struct config_key seal_config_keys[] = {
	{ "seal", "key", CFG_STR, 0, 0, "var/seal.key",
	    "Ed25519 private key (PEM) that signs day digests; made on first use with KEY.pub" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};

int
seal_parse_day(const char *day, int64_t *start_us)
{
	struct tm	 tm;
	char		*end;
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	if (strlen(day) != 10 || (end = strptime(day, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
		return -1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	*start_us = (int64_t)t * 1000000;
	return 0;
}

static void
seal_text(char *out, size_t len, const char *day, const char *digest, int64_t sensors,
    int64_t until)
{
	snprintf(out, len, "hanipo-seal v1\nday %s\nuntil %lld\ndigest %s\nsensors %lld\n", day,
	    (long long)until, digest, (long long)sensors);
}

static EVP_PKEY *
key_create(const char *path, char *err, size_t errlen)
{
	EVP_PKEY	*k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	char		 pub[1100];
	FILE		*fp;
	int		 fd, wrote;

	if (k == NULL) {
		snprintf(err, errlen, "cannot make an Ed25519 key");
		return NULL;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1 ||
	    (fp = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		EVP_PKEY_free(k);
		return NULL;
	}
	wrote = PEM_write_PrivateKey(fp, k, NULL, NULL, 0, NULL, NULL);
	if (fclose(fp) != 0 || !wrote) {
		snprintf(err, errlen, "%s: cannot write the key", path);
		EVP_PKEY_free(k);
		return NULL;
	}
	snprintf(pub, sizeof(pub), "%s.pub", path);
	if ((fp = fopen(pub, "w")) != NULL) {
		PEM_write_PUBKEY(fp, k);
		fclose(fp);
	}
	return k;
}

static EVP_PKEY *
key_load(const char *path, int create, char *err, size_t errlen)
{
	FILE		*fp = fopen(path, "r");
	EVP_PKEY	*k;

	if (fp == NULL) {
		if (errno == ENOENT && create)
			return key_create(path, err, errlen);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	if (k == NULL || EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
		snprintf(err, errlen, "%s: not an Ed25519 private key", path);
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

/* The public key: key_path.pub when present (a verifier may hold only that), else the private. */
static EVP_PKEY *
pub_load(const char *key_path, char *err, size_t errlen)
{
	char		 pub[1100];
	FILE		*fp;
	EVP_PKEY	*k;

	snprintf(pub, sizeof(pub), "%s.pub", key_path);
	if ((fp = fopen(pub, "r")) == NULL)
		return key_load(key_path, 0, err, errlen);
	k = PEM_read_PUBKEY(fp, NULL, NULL, NULL);
	fclose(fp);
	if (k == NULL || EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
		snprintf(err, errlen, "%s: not an Ed25519 public key", pub);
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

static int
pub_hex(EVP_PKEY *k, char *out)
{
	uint8_t	 raw[32];
	size_t	 n = sizeof(raw);

	if (EVP_PKEY_get_raw_public_key(k, raw, &n) != 1 || n != 32)
		return -1;
	hex_encode(raw, 32, out);
	return 0;
}

int
seal_get(sqlite3 *db, const char *day, char digest_out[65])
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT digest FROM seals WHERE day = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(digest_out, 65, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
seal_day(sqlite3 *db, const char *key_path, const char *day, int64_t now_us,
    char digest_out[65], char *err, size_t errlen)
{
	EVP_PKEY	*k;
	EVP_MD_CTX	*md;
	sqlite3_stmt	*st;
	int64_t		 start, until, sensors;
	uint8_t		 sig[64];
	size_t		 siglen = sizeof(sig);
	char		 text[512], old[65], pub[65], sigb64[128];
	int		 rc;

	if (seal_parse_day(day, &start) == -1) {
		snprintf(err, errlen, "bad day \"%s\" (YYYY-MM-DD)", day);
		return -1;
	}
	if (start > now_us) {
		snprintf(err, errlen, "%s has not begun yet", day);
		return -1;
	}
	until = start + DAY_US < now_us ? start + DAY_US : now_us;
	if (chain_digest(db, until, digest_out, &sensors, err, errlen) == -1)
		return -1;
	rc = seal_get(db, day, old);
	if (rc == 1 && strcmp(old, digest_out) != 0 && start + DAY_US <= now_us) {
		/* A finished day keeps its seal unless it was sealed before it ended. */
		if (sqlite3_prepare_v2(db, "SELECT ts FROM seals WHERE day = ?", -1, &st, NULL) ==
		    SQLITE_OK) {
			sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW &&
			    sqlite3_column_int64(st, 0) >= start + DAY_US) {
				sqlite3_finalize(st);
				snprintf(err, errlen, "%s is sealed already with digest %s, and the "
				    "chain now gives %s: run hanipo verify", day, old, digest_out);
				return -1;
			}
			sqlite3_finalize(st);
		}
	}
	if ((k = key_load(key_path, 1, err, errlen)) == NULL)
		return -1;
	seal_text(text, sizeof(text), day, digest_out, sensors, until);
	md = EVP_MD_CTX_new();
	rc = EVP_DigestSignInit(md, NULL, NULL, NULL, k) == 1 &&
	    EVP_DigestSign(md, sig, &siglen, (const uint8_t *)text, strlen(text)) == 1 &&
	    pub_hex(k, pub) == 0;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
	if (!rc) {
		snprintf(err, errlen, "signing failed");
		return -1;
	}
	EVP_EncodeBlock((unsigned char *)sigb64, sig, (int)siglen);
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO seals (day, ts, digest, sensors, "
	    "signature, public_key) VALUES (?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "seal: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, until);
	sqlite3_bind_text(st, 3, digest_out, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, sensors);
	sqlite3_bind_text(st, 5, sigb64, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, pub, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "seal: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int
seal_verify(sqlite3 *db, const char *key_path, const char *day, char *err, size_t errlen)
{
	EVP_PKEY	*k;
	EVP_MD_CTX	*md;
	sqlite3_stmt	*st;
	uint8_t		 sig[80];
	char		 text[512], digest[65];
	const char	*d, *stored, *b64;
	int64_t		 until, sensors;
	int		 bad = 0, n = 0, siglen, ok;

	if ((k = pub_load(key_path, err, errlen)) == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, day != NULL ? "SELECT day, ts, digest, signature FROM seals "
	    "WHERE day = ?" : "SELECT day, ts, digest, signature FROM seals ORDER BY day", -1, &st,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "seals: %s", sqlite3_errmsg(db));
		EVP_PKEY_free(k);
		return -1;
	}
	if (day != NULL)
		sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		n++;
		d = (const char *)sqlite3_column_text(st, 0);
		until = sqlite3_column_int64(st, 1);
		stored = (const char *)sqlite3_column_text(st, 2);
		b64 = (const char *)sqlite3_column_text(st, 3);
		if (chain_digest(db, until, digest, &sensors, err, errlen) == -1) {
			bad = -1;
			break;
		}
		seal_text(text, sizeof(text), d, digest, sensors, until);
		siglen = strlen(b64) == 88 ? EVP_DecodeBlock(sig, (const unsigned char *)b64, 88) :
		    -1;
		md = EVP_MD_CTX_new();
		ok = siglen >= 64 && EVP_DigestVerifyInit(md, NULL, NULL, NULL, k) == 1 &&
		    EVP_DigestVerify(md, sig, 64, (const uint8_t *)text, strlen(text)) == 1;
		EVP_MD_CTX_free(md);
		if (strcmp(digest, stored) != 0) {
			printf("seal %s: BROKEN: the chain gives digest %s, the seal says %s\n", d,
			    digest, stored);
			bad++;
		} else if (!ok) {
			printf("seal %s: BROKEN: the signature does not verify with %s\n", d,
			    key_path);
			bad++;
		} else
			printf("seal %s: ok, digest %s (%lld sensors)\n", d, digest,
			    (long long)sensors);
	}
	sqlite3_finalize(st);
	EVP_PKEY_free(k);
	if (bad >= 0 && n == 0) {
		snprintf(err, errlen, "no seal%s%s in the store", day != NULL ? " for " : "",
		    day != NULL ? day : "");
		return -1;
	}
	return bad;
}
