/*
 * test_syn.c - unit tests for the SYN decoder: kernels' and tools' SYNs, IPv6, malformed input;
 * the connect event's fields, and the same text through the cache.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "fp/fpdb.h"
#include "fp/syn.h"
#include "fp/synevt.h"

/* An IPv4 SYN to 192.0.2.10:dport; opts[0..olen) padded by the caller to a multiple of 4. */
static size_t
mk4(uint8_t *p, int ttl, int df, uint16_t ipid, uint32_t seq, uint16_t dport, uint16_t win,
    const uint8_t *opts, size_t olen)
{
	size_t	 n = 20 + 20 + olen;

	memset(p, 0, n);
	p[0] = 0x45;
	p[2] = (uint8_t)(n >> 8);
	p[3] = (uint8_t)n;
	p[4] = (uint8_t)(ipid >> 8);
	p[5] = (uint8_t)ipid;
	p[6] = df ? 0x40 : 0;
	p[8] = (uint8_t)ttl;
	p[9] = 6;
	p[12] = 198; p[13] = 51; p[14] = 100; p[15] = 7;
	p[16] = 192; p[17] = 0; p[18] = 2; p[19] = 10;
	p[20] = 0xc3; p[21] = 0x50;
	p[22] = (uint8_t)(dport >> 8);
	p[23] = (uint8_t)dport;
	p[24] = (uint8_t)(seq >> 24); p[25] = (uint8_t)(seq >> 16);
	p[26] = (uint8_t)(seq >> 8); p[27] = (uint8_t)seq;
	p[32] = (uint8_t)((20 + olen) / 4) << 4;
	p[33] = 0x02;
	p[34] = (uint8_t)(win >> 8);
	p[35] = (uint8_t)win;
	if (olen > 0)
		memcpy(p + 40, opts, olen);
	return n;
}

static const uint8_t linux_opts[] = {
	2, 4, 0xff, 0xd7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
};

static void
sig_of(const uint8_t *p, size_t n, struct syn_fp *fp, char *sig, size_t siglen)
{
	assert_int_equal(syn_decode(p, n, fp), 0);
	syn_sig(fp, sig, siglen);
}

static void
test_linux(void **state)
{
	uint8_t		 p[128];
	struct syn_fp	 fp;
	char		 sig[SYN_SIG_MAX], lay[SYN_LAYOUT_MAX];
	size_t		 n = mk4(p, 64, 1, 7071, 0x12345678, 8080, 65495, linux_opts,
			    sizeof(linux_opts));

	sig_of(p, n, &fp, sig, sizeof(sig));
	assert_int_equal(fp.ver, 4);
	assert_int_equal(fp.ttl, 64);
	assert_int_equal(fp.ipid, 7071);
	assert_int_equal(fp.mss, 65495);
	assert_int_equal(fp.wscale, 7);
	assert_int_equal(fp.win, 65495);
	assert_int_equal(fp.dport, 8080);
	assert_int_equal(fp.tools, 0);
	syn_layout(&fp, lay, sizeof(lay));
	assert_string_equal(lay, "mss,sok,ts,nop,ws");
	assert_string_equal(sig, "4:64:0:65495:65495,7:mss,sok,ts,nop,ws:df,id+");
}

static void
test_mirai(void **state)
{
	uint8_t		 p[128];
	struct syn_fp	 fp;
	char		 sig[SYN_SIG_MAX];
	/* seq = 192.0.2.10, the destination */
	size_t		 n = mk4(p, 64, 0, 4242, 0xc000020a, 23, 31337, NULL, 0);

	sig_of(p, n, &fp, sig, sizeof(sig));
	assert_int_equal(fp.tools, SYN_TOOL_MIRAI);
	assert_string_equal(sig, "4:64:0:-:31337,-::");
	assert_string_equal(syn_tool_name(0), "mirai");
	/* One bit off: no mark. */
	n = mk4(p, 64, 0, 4242, 0xc000020b, 23, 31337, NULL, 0);
	sig_of(p, n, &fp, sig, sizeof(sig));
	assert_int_equal(fp.tools, 0);
}

static void
test_masscan_nmap(void **state)
{
	static const uint8_t	 mss[] = { 2, 4, 5, 0xb4 };
	uint8_t			 p[128];
	struct syn_fp		 fp;
	char			 sig[SYN_SIG_MAX];
	uint32_t		 seq = 0x9abcdef0, dst = 0xc000020a;
	uint16_t		 id = (uint16_t)((dst ^ 80 ^ seq) & 0xffff);
	size_t			 n;

	n = mk4(p, 250, 0, id, seq, 80, 1024, mss, sizeof(mss));
	sig_of(p, n, &fp, sig, sizeof(sig));
	assert_int_equal(fp.tools, SYN_TOOL_MASSCAN);
	assert_string_equal(sig, "4:255:0:1460:1024,-:mss:");
	/* Nmap: same shape, IP ID unrelated, TTL 37..59. */
	n = mk4(p, 50, 0, (uint16_t)(id + 1), seq, 80, 1024, mss, sizeof(mss));
	sig_of(p, n, &fp, sig, sizeof(sig));
	assert_int_equal(fp.tools, SYN_TOOL_NMAP);
	assert_string_equal(sig, "4:64:0:1460:1024,-:mss:");
	/* Window 4096 (an lwIP device may send it): no mark. */
	n = mk4(p, 50, 0, (uint16_t)(id + 1), seq, 80, 4096, mss, sizeof(mss));
	sig_of(p, n, &fp, sig, sizeof(sig));
	assert_int_equal(fp.tools, 0);
	/* The same with DF, as a kernel would send it: no mark. */
	n = mk4(p, 50, 1, (uint16_t)(id + 1), seq, 80, 1024, mss, sizeof(mss));
	sig_of(p, n, &fp, sig, sizeof(sig));
	assert_int_equal(fp.tools, 0);
}

static void
test_zmap(void **state)
{
	static const uint8_t	 win[] = { 2, 4, 5, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2 };
	uint8_t			 p[128];
	struct syn_fp		 fp;
	char			 sig[SYN_SIG_MAX];
	size_t			 n;

	n = mk4(p, 255, 0, 54321, 77, 80, 65535, NULL, 0);
	sig_of(p, n, &fp, sig, sizeof(sig));
	assert_int_equal(fp.tools, SYN_TOOL_ZMAP);
	/* IP ID 54321 by chance on a SYN with a kernel's options: no mark. */
	n = mk4(p, 64, 0, 54321, 77, 80, 65535, linux_opts, sizeof(linux_opts));
	sig_of(p, n, &fp, sig, sizeof(sig));
	assert_int_equal(fp.tools, 0);
	n = mk4(p, 64, 0, 999, 77, 80, 65535, win, sizeof(win));
	sig_of(p, n, &fp, sig, sizeof(sig));
	assert_int_equal(fp.tools, SYN_TOOL_ZMAP);
	assert_string_equal(sig, "4:64:0:1460:65535,8:mss,nop,ws,nop,nop,sok:");
	/* Windows 11: the same options, TTL 128, DF, window 64240: a kernel. */
	n = mk4(p, 128, 1, 999, 77, 80, 64240, win, sizeof(win));
	sig_of(p, n, &fp, sig, sizeof(sig));
	assert_int_equal(fp.tools, 0);
	assert_string_equal(sig, "4:128:0:1460:64240,8:mss,nop,ws,nop,nop,sok:df,id+");
}

static void
test_ipv6(void **state)
{
	uint8_t		 p[40 + 8 + 20 + 4];
	struct syn_fp	 fp;
	char		 sig[SYN_SIG_MAX];

	memset(p, 0, sizeof(p));
	p[0] = 0x60;
	p[1] = 0x01;		/* flow label 0x1abcd */
	p[2] = 0xab;
	p[3] = 0xcd;
	p[6] = 0;		/* hop-by-hop options follow */
	p[7] = 77;
	p[23] = 1;
	p[39] = 1;
	p[40] = 6;		/* then TCP */
	p[41] = 0;		/* 8 bytes */
	p[48 + 12] = 6 << 4;
	p[48 + 13] = 0x02;
	p[48 + 14] = 0x10;
	p[48 + 20] = 2;
	p[48 + 21] = 4;
	p[48 + 22] = 0x04;
	p[48 + 23] = 0xb0;
	sig_of(p, sizeof(p), &fp, sig, sizeof(sig));
	assert_int_equal(fp.ver, 6);
	assert_int_equal(fp.ttl, 77);
	assert_int_equal(fp.ipid, -1);
	assert_int_equal(fp.flow, 0x1abcd);
	assert_int_equal(fp.olen, 8);
	assert_int_equal(fp.mss, 1200);
	assert_string_equal(sig, "6:128:8:1200:4096,-:mss:flow,seq-");
	/* Not TCP after the extension header. */
	p[40] = 17;
	assert_int_equal(syn_decode(p, sizeof(p), &fp), -1);
}

static void
test_quirks_and_bad_options(void **state)
{
	static const uint8_t	 eol[] = { 2, 4, 5, 0xb4, 0, 0, 7, 0 };
	static const uint8_t	 bad[] = { 2, 4, 5, 0xb4, 8, 40, 0, 0 };
	static const uint8_t	 ts[] = { 8, 10, 0, 0, 0, 0, 0, 0, 0, 9, 3, 3, 15, 0, 0, 0 };
	uint8_t			 p[128];
	struct syn_fp		 fp;
	char			 sig[SYN_SIG_MAX];
	size_t			 n;

	n = mk4(p, 64, 1, 0, 0, 80, 512, eol, sizeof(eol));
	sig_of(p, n, &fp, sig, sizeof(sig));
	assert_string_equal(sig, "4:64:0:1460:512,-:mss,eol+3:df,seq-,opt+");
	n = mk4(p, 64, 0, 0, 5, 80, 512, bad, sizeof(bad));
	sig_of(p, n, &fp, sig, sizeof(sig));
	assert_string_equal(sig, "4:64:0:1460:512,-:mss,ts:id-,bad");
	n = mk4(p, 64, 1, 3, 5, 80, 512, ts, sizeof(ts));
	p[33] |= 0x40 | 0x08;	/* ECE, PSH */
	p[39] = 1;		/* urgent pointer without URG */
	sig_of(p, n, &fp, sig, sizeof(sig));
	assert_string_equal(sig, "4:64:0:-:512,15:ts,ws,eol+2:df,id+,ecn,uptr+,pushf+,ts1-,ts2+,exws");
}

static void
test_truncated(void **state)
{
	uint8_t		 p[128], *cut;
	struct syn_fp	 fp;
	size_t		 n = mk4(p, 64, 1, 1, 2, 80, 65495, linux_opts, sizeof(linux_opts)), i;

	/* Every prefix is decoded from a buffer of exactly that size (ASan sees any overread). */
	for (i = 0; i < n; i++) {
		cut = malloc(i ? i : 1);
		memcpy(cut, p, i);
		if (i < 40)
			assert_int_equal(syn_decode(cut, i, &fp), -1);
		else {
			assert_int_equal(syn_decode(cut, i, &fp), 0);
			assert_true(fp.quirks & SYN_Q_BAD);
		}
		free(cut);
	}
	p[0] = 0x44;		/* IHL below 5 */
	assert_int_equal(syn_decode(p, n, &fp), -1);
	p[0] = 0x55;
	assert_int_equal(syn_decode(p, n, &fp), -1);
}

/* The connect event's fields: a tool SYN is named by its mark and tagged; undecodable bytes say so. */
static void
test_event_fields(void **state)
{
	static const char	 db_text[] = "syn 4:64:0:-:*,-::* \"raw SYN\" raw-packet\n";
	uint8_t			 p[128];
	struct fpdb		*db = fpdb_new();
	struct buf		 b;
	struct jsonw		 w;
	json_t			*tags, *got, *want;
	char			 err[128];
	size_t			 n = mk4(p, 64, 0, 4242, 0xc000020a, 23, 31337, NULL, 0);

	assert_int_equal(fpdb_load_text(db, "t", db_text, strlen(db_text), err, sizeof(err)), 0);
	buf_init(&b, 4096);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	tags = fp_syn_fields(db, p, n, &w);
	jsonw_object_end(&w);
	assert_int_equal(jsonw_done(&w), 0);
	got = json_loadb((const char *)b.data, b.len, 0, NULL);
	want = json_pack("{si si si ss ss ss ss ss}", "syn_ttl", 64, "syn_ipid", 4242,
	    "syn_win", 31337, "syn_options", "", "syn_sig", "4:64:0:-:31337,-::",
	    "syn_tool", "mirai", "syn_client", "Mirai", "syn_family", "bot");
	assert_true(json_equal(got, want));
	assert_non_null(tags);
	assert_int_equal(json_array_size(tags), 1);
	assert_string_equal(json_string_value(json_array_get(tags, 0)), "mirai");
	json_decref(got);
	json_decref(want);
	json_decref(tags);
	/* Not a tool: named from the database, no tags. */
	n = mk4(p, 64, 0, 4242, 0xc000020b, 23, 31337, NULL, 0);
	b.len = 0;
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	assert_null(fp_syn_fields(db, p, n, &w));
	jsonw_object_end(&w);
	got = json_loadb((const char *)b.data, b.len, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(got, "syn_client")), "raw SYN");
	assert_null(json_object_get(got, "syn_tool"));
	json_decref(got);
	b.len = 0;
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	assert_null(fp_syn_fields(db, p, 10, &w));
	jsonw_object_end(&w);
	assert_int_equal(b.len, strlen("{\"syn_error\":\"undecodable\"}"));
	assert_memory_equal(b.data, "{\"syn_error\":\"undecodable\"}", b.len);
	buf_free(&b);
	fpdb_free(db);
}

/*
 * A SYN from a few kernels' and tools' shapes (TTL, DF, window, options), with IP ID, sequence
 * (Mirai's mark or not) and timestamps that differ between SYNs of one shape; one in five over
 * IPv6, one in seven with a byte changed anywhere (undecodable ones too).
 */
static size_t
mk_varied(uint8_t *p, uint64_t *x)
{
	static const struct {
		uint8_t	 b[40];
		size_t	 len;
		size_t	 ts;	/* offset of the timestamp option's value, or 0 */
		size_t	 ws;	/* offset of the window scale, or 0 */
	} opts[] = {
		{ { 0 }, 0, 0, 0 },
		{ { 2, 4, 0xff, 0xd7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7 }, 20, 8,
		    19 },
		{ { 2, 4, 5, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2 }, 12, 0, 7 },
		{ { 2, 4, 5, 0xb4 }, 4, 0, 0 },
		{ { 2, 4, 5, 0xb4, 1, 3, 3, 6, 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 0, 4, 2, 0, 0 },
		    24, 12, 7 },
		{ { 2, 4, 5, 0xb4, 0, 0, 7, 0 }, 8, 0, 0 },	/* opt+ */
		{ { 2, 4, 5, 0xb4, 0, 0, 0, 0 }, 8, 0, 0 },	/* eol+3 */
		{ { 2, 4, 5, 0xb4, 0, 0, 0, 0, 0, 0, 0, 0 }, 12, 0, 0 },	/* eol+7 */
		{ { 2, 3, 5, 0xb4 }, 4, 0, 0 },			/* bad length */
		{ { 99, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, 40, 0, 0 },
	};
	static const uint16_t	 wins[] = { 65495, 64240, 1024, 65535, 29200, 8192, 512 };
	static const int	 ttls[] = { 64, 128, 255, 32, 1 };
	uint8_t			 tcp[60];
	uint64_t		 r;
	size_t			 n, o, h6;
	int			 ttl;

	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	r = *x;
	o = (r >> 8) % (sizeof(opts) / sizeof(opts[0]));
	ttl = ttls[(r >> 16) % 5];
	n = mk4(p, ttl, (r >> 20) & 1, (r >> 21) & 1 ? (uint16_t)(r >> 24) : 0,
	    (r >> 22) & 3 ? (uint32_t)(r >> 32) : 0xc000020a, 23, wins[(r >> 40) % 7],
	    opts[o].b, opts[o].len);
	if (opts[o].ts != 0)
		p[40 + opts[o].ts + 3] = (uint8_t)(r >> 50);
	if (opts[o].ws != 0)
		p[40 + opts[o].ws] = (uint8_t)(6 + (r >> 58) % 4 * 3);	/* 15: exws */
	if ((r >> 44) % 5 == 0) {
		/* The same TCP header behind IPv6, and 8 bytes of hop-by-hop options or not. */
		h6 = (r >> 46) & 1 ? 48 : 40;
		memcpy(tcp, p + 20, n - 20);
		memset(p, 0, h6);
		p[0] = 0x60;
		p[3] = (uint8_t)(r >> 45) & 1;	/* a flow label or not */
		p[6] = h6 == 48 ? 0 : 6;
		p[7] = (uint8_t)ttl;
		p[40] = 6;
		memcpy(p + h6, tcp, n - 20);
		n += h6 - 20;
	}
	if ((r >> 47) % 7 == 0)
		p[(r >> 53) % n] ^= (uint8_t)(r >> 56 | 1);
	return n;
}

/* The fields text of one SYN (after a member of the caller's when pre) and its tags as text. */
static size_t
fields_of(json_t *(*fn)(void *, const uint8_t *, size_t, struct jsonw *), void *arg,
    const uint8_t *p, size_t n, int pre, struct buf *b, char *tags, size_t tagslen, int *done)
{
	struct jsonw	 w;
	json_t		*t;
	char		*d;

	b->len = 0;
	jsonw_init(&w, b);
	jsonw_object_begin(&w);
	if (pre) {
		jsonw_key(&w, "pre");
		jsonw_int(&w, 1);
	}
	t = fn(arg, p, n, &w);
	jsonw_object_end(&w);
	*done = jsonw_done(&w);
	d = t != NULL ? json_dumps(t, JSON_COMPACT) : NULL;
	snprintf(tags, tagslen, "%s", d != NULL ? d : "-");
	free(d);
	json_decref(t);
	return b->len;
}

/*
 * The cache writes what fp_syn_fields writes, byte for byte: the first SYN of a shape (a miss),
 * the ones after it (hits: IP ID, sequence, timestamps differ), shapes that evict each other
 * (more shapes than slots), a tool's mark on a shape seen without one and the other way round,
 * names too long to keep, undecodable bytes, and text cut by a small buffer (never kept).
 */
static void
test_cache_same_text(void **state)
{
	/* Names of shapes with TTL 32 are longer than a slot keeps. */
	static const char	 local[] = "syn *:32:0:*:*,*:*:* \"a long name "
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "\xc3\xa9t\xc3\xa9\" "
	    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
	    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n";
	struct fpdb		*db = fpdb_new();
	struct fp_syn_cache	*c;
	struct buf		 a, b, small;
	uint8_t			 p[128];
	char			 ta[64], tb[64], err[256];
	uint64_t		 x = 0x2545f4914f6cdd1dULL;
	size_t			 n, la, lb, k, rounds;
	int			 da, db_, pass;

	(void)state;
	if (fpdb_load_text(db, "local", local, strlen(local), err, sizeof(err)) == -1 ||
	    fpdb_load(db, "data/fingerprints.txt", err, sizeof(err)) == -1)
		fail_msg("%s", err);
	buf_init(&a, 65536);
	buf_init(&b, 65536);
	for (pass = 0; pass < 2; pass++) {
		/* pass 1: no database at all */
		c = fp_syn_cache_new(pass == 0 ? db : NULL);
		for (rounds = 0; rounds < 40000; rounds++) {
			n = mk_varied(p, &x);
			if (rounds % 97 == 0) {
				/* Cut text: the same outcome when it fits; never kept for later. */
				for (k = 8; k < 400; k += 37) {
					buf_init(&small, k);
					fields_of(fp_syn_fields_cached, c, p, n, 0, &small, tb,
					    sizeof(tb), &db_);
					buf_free(&small);
				}
			}
			la = fields_of(fp_syn_fields, pass == 0 ? db : NULL, p, n, rounds & 1, &a,
			    ta, sizeof(ta), &da);
			for (k = 0; k < 2; k++) {
				lb = fields_of(fp_syn_fields_cached, c, p, n, rounds & 1, &b, tb,
				    sizeof(tb), &db_);
				assert_int_equal(da, 0);
				assert_int_equal(db_, 0);
				if (la != lb || memcmp(a.data, b.data, la) != 0)
					fail_msg("cached %.*s\nwanted %.*s", (int)lb, b.data,
					    (int)la, a.data);
				assert_string_equal(ta, tb);
			}
		}
		fp_syn_cache_free(c);
	}
	buf_free(&a);
	buf_free(&b);
	fpdb_free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux),
		cmocka_unit_test(test_mirai),
		cmocka_unit_test(test_masscan_nmap),
		cmocka_unit_test(test_zmap),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_quirks_and_bad_options),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_event_fields),
		cmocka_unit_test(test_cache_same_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
