/* test_ssh_kex.c - unit tests for the SSH client head parser (identification, KEXINIT) and HASSH. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "proto/parse/ssh_kex.h"

/*
 * The opening of a real OpenSSH 9.2p1 client (Debian 12) captured on a socket; its HASSH was
 * computed apart, in Python (hashlib.md5 of the four lists joined by ';').
 */
#define OPENSSH92_FILE	"tests/unit/data/ssh_head_openssh92.bin"
#define OPENSSH92_HASSH	"472b5de333ad665af5cbf10ff892c4df"

static uint8_t	 head[4096];
static size_t	 head_len;

static int
load(void **state)
{
	FILE	*f = fopen(OPENSSH92_FILE, "rb");

	if (f == NULL)
		return -1;
	head_len = fread(head, 1, sizeof(head), f);
	fclose(f);
	return head_len > 0 ? 0 : -1;
}

static void
test_openssh_head(void **state)
{
	struct ssh_client_head	 h;
	char			 algs[4096], hash[33];
	size_t			 n;

	assert_int_equal(ssh_client_head(head, head_len, &h), SSH_HEAD_OK);
	assert_int_equal(h.len, head_len);
	assert_int_equal(h.ident.len, strlen("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u6"));
	assert_memory_equal(h.ident.p, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u6", h.ident.len);
	assert_true(h.kexinit);
	assert_int_equal(h.lists[SSH_KEX_CMP_CS].len, strlen("none,zlib@openssh.com,zlib"));
	n = ssh_hassh(&h, algs, sizeof(algs), hash);
	assert_string_equal(hash, OPENSSH92_HASSH);
	assert_int_equal(n, strlen(algs));
	assert_non_null(strstr(algs, ";chacha20-poly1305@openssh.com,"));
}

/* Fed one byte more at a time, the parser wants more until the whole head is there. */
static void
test_incremental(void **state)
{
	struct ssh_client_head	 h;
	size_t			 i;

	for (i = 0; i < head_len; i++)
		assert_int_equal(ssh_client_head(head, i, &h), SSH_HEAD_MORE);
	assert_int_equal(ssh_client_head(head, head_len, &h), SSH_HEAD_OK);
}

static void
test_hassh_cut(void **state)
{
	struct ssh_client_head	 h;
	char			 small[10], hash[33], full[4096], hash2[33];
	size_t			 n;

	assert_int_equal(ssh_client_head(head, head_len, &h), SSH_HEAD_OK);
	n = ssh_hassh(&h, small, sizeof(small), hash);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(ssh_hassh(&h, full, sizeof(full), hash2), n);
	assert_string_equal(hash, hash2);
}

static void
test_not_ssh(void **state)
{
	struct ssh_client_head	 h;
	uint8_t			 longline[300];

	assert_int_equal(ssh_client_head((const uint8_t *)"GET / HTTP/1.1\r\n", 16, &h),
	    SSH_HEAD_NOT_SSH);
	assert_int_equal(ssh_client_head((const uint8_t *)"SS", 2, &h), SSH_HEAD_MORE);
	assert_int_equal(ssh_client_head((const uint8_t *)"SX", 2, &h), SSH_HEAD_NOT_SSH);
	memset(longline, 'a', sizeof(longline));
	memcpy(longline, "SSH-2.0-", 8);
	assert_int_equal(ssh_client_head(longline, sizeof(longline), &h), SSH_HEAD_NOT_SSH);
}

/* An identification line with a bare LF, then a packet whose length is out of bounds. */
static void
test_bad_packet(void **state)
{
	static const uint8_t	 in[] = "SSH-2.0-x\n\xff\xff\xff\xff";
	static const uint8_t	 notkex[] = "SSH-2.0-x\r\n\x00\x00\x00\x0c\x0a\x15" "abcdefghij";
	struct ssh_client_head	 h;

	assert_int_equal(ssh_client_head(in, sizeof(in) - 1, &h), SSH_HEAD_OK);
	assert_int_equal(h.ident.len, 9);
	assert_false(h.kexinit);
	assert_int_equal(h.packet.len, 0);
	assert_int_equal(ssh_client_head(notkex, sizeof(notkex) - 1, &h), SSH_HEAD_OK);
	assert_int_equal(h.ident.len, 9);
	assert_false(h.kexinit);
	assert_int_equal(h.packet.len, 16);
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_openssh_head),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_hassh_cut),
		cmocka_unit_test(test_not_ssh),
		cmocka_unit_test(test_bad_packet),
	};

	return cmocka_run_group_tests(tests, load, NULL);
}
