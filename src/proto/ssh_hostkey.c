/*
 * ssh_hostkey.c - host keys of the SSH sensor, generated per install with libssh on the first run
 * (never shipped, never shared), written atomically with mode 0600, and handed to the ssh_bind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "core/log.h"
#include "proto/ssh_hostkey.h"

static const struct {
	const char		*file;
	enum ssh_keytypes_e	 type;
	int			 bits;
} hostkeys[] = {
	/* The order OpenSSH loads them in (HostKey defaults): the KEXINIT lists follow it. */
	{ "ssh_host_rsa_key", SSH_KEYTYPE_RSA, 3072 },
	{ "ssh_host_ecdsa_key", SSH_KEYTYPE_ECDSA_P256, 256 },
	{ "ssh_host_ed25519_key", SSH_KEYTYPE_ED25519, 0 },
};

/* mkdir -p with mode 0700 for what it creates. */
static int
hostkey_mkdirs(const char *dir, char *err, size_t errlen)
{
	char	 path[4096];
	size_t	 i, n = strlen(dir);

	if (n == 0 || n >= sizeof(path)) {
		snprintf(err, errlen, "host_key_dir: bad path");
		return -1;
	}
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		path[i] = i < n ? '/' : '\0';
	}
	return 0;
}

/* Writes text to path through a temporary file and a rename, mode 0600. */
static int
hostkey_write(const char *path, const char *text, char *err, size_t errlen)
{
	char	 tmp[4200];
	size_t	 len = strlen(text), off = 0;
	ssize_t	 n;
	int	 fd;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	while (off < len) {
		if ((n = write(fd, text + off, len - off)) <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: %s", tmp, n < 0 ? strerror(errno) : "short write");
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
fail:
	close(fd);
	unlink(tmp);
	return -1;
}

/* Loads path, or makes a new key there when it does not exist. */
static int
hostkey_get(const char *path, enum ssh_keytypes_e type, int bits, ssh_key *key, char *err,
    size_t errlen)
{
	struct stat	 st;
	char		*b64 = NULL;
	int		 rc;

	*key = NULL;
	if (lstat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			snprintf(err, errlen, "%s: not a regular file", path);
			return -1;
		}
		if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, key) != SSH_OK) {
			snprintf(err, errlen, "%s: not a private key libssh can read", path);
			return -1;
		}
		if (ssh_key_type(*key) != type) {
			snprintf(err, errlen, "%s: a %s key, expected %s", path,
			    ssh_key_type_to_char(ssh_key_type(*key)), ssh_key_type_to_char(type));
			ssh_key_free(*key);
			*key = NULL;
			return -1;
		}
		return 0;
	}
	if (errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (ssh_pki_generate(type, bits, key) != SSH_OK) {
		snprintf(err, errlen, "%s: cannot generate a %s key", path,
		    ssh_key_type_to_char(type));
		return -1;
	}
	if (ssh_pki_export_privkey_base64(*key, NULL, NULL, NULL, &b64) != SSH_OK) {
		snprintf(err, errlen, "%s: cannot encode the new key", path);
		ssh_key_free(*key);
		*key = NULL;
		return -1;
	}
	rc = hostkey_write(path, b64, err, errlen);
	ssh_string_free_char(b64);
	if (rc == -1) {
		ssh_key_free(*key);
		*key = NULL;
		return -1;
	}
	log_info("ssh: made a new host key %s", path);
	return 0;
}

int
ssh_hostkeys_load(ssh_bind bind, const char *dir, char *err, size_t errlen)
{
	char	 path[4096];
	size_t	 i;
	ssh_key	 key;

	if (hostkey_mkdirs(dir, err, errlen) == -1)
		return -1;
	for (i = 0; i < sizeof(hostkeys) / sizeof(hostkeys[0]); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, hostkeys[i].file) >=
		    sizeof(path)) {
			snprintf(err, errlen, "host_key_dir: path too long");
			return -1;
		}
		if (hostkey_get(path, hostkeys[i].type, hostkeys[i].bits, &key, err, errlen) == -1)
			return -1;
		/* The bind owns the key from here. */
		if (ssh_bind_options_set(bind, SSH_BIND_OPTIONS_IMPORT_KEY, key) != SSH_OK) {
			snprintf(err, errlen, "%s: libssh refused the key: %s", path,
			    ssh_get_error(bind));
			ssh_key_free(key);
			return -1;
		}
	}
	return 0;
}
