/*
 * ssh_hostkey.h - the SSH sensor's host keys: made on the first run of an install (ed25519,
 * ECDSA P-256, RSA 3072, as a stock OpenSSH has), kept in its host_key_dir, loaded at start.
 */
#ifndef HNP_SSH_HOSTKEY_H
#define HNP_SSH_HOSTKEY_H

#include <stddef.h>

#include <libssh/server.h>

/*
 * Loads every host key from dir into bind, generating (and writing, mode 0600) the missing ones;
 * creates dir (0700) when missing. 0, or -1 with err naming the file.
 */
int	ssh_hostkeys_load(ssh_bind bind, const char *dir, char *err, size_t errlen);

#endif
