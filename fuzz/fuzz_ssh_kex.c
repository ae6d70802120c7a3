/* fuzz_ssh_kex.c - libFuzzer target: SSH client head parser (identification, KEXINIT) and HASSH. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/parse/ssh_kex.h"

#include "fuzz_check.h"

static void
check_span(struct ssh_span s, const uint8_t *base, size_t lim)
{
	if (s.len == 0)
		return;
	CHECK(s.p >= base && s.len <= lim && (size_t)(s.p - base) <= lim - s.len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ssh_client_head	 h, h2;
	char			 algs[512], hash[33];
	size_t			 i;
	int			 r, r2;

	r = ssh_client_head(data, size, &h);
	CHECK(r == SSH_HEAD_MORE || r == SSH_HEAD_OK || r == SSH_HEAD_NOT_SSH);
	if (r != SSH_HEAD_OK)
		return 0;
	CHECK(h.len <= size);
	check_span(h.ident, data, size);
	check_span(h.packet, data, size);
	for (i = 0; i < SSH_KEX_NLISTS; i++)
		check_span(h.lists[i], data, size);
	ssh_hassh(&h, algs, sizeof(algs), hash);
	CHECK(strlen(hash) == 32 && strlen(algs) < sizeof(algs));
	/* The head does not depend on what follows it. */
	r2 = ssh_client_head(data, h.len, &h2);
	CHECK(r2 == SSH_HEAD_OK && h2.len == h.len && h2.kexinit == h.kexinit);
	return 0;
}
