/*
 * fuzz_elm327.c - libFuzzer target: the ELM327 interpreter fed the input as CR-separated lines
 * (the first byte picks the profile's quirks) always ends its output with the prompt, keeps the
 * reply span inside it, echoes exactly when echo was on, and never answers with an empty reply.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "proto/parse/elm327.h"

#include "fuzz_check.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elm_profile	 prof = { "ELM327 v1.5", "1FMCU9GD0KUA39712", "13.9" };
	struct elm_state	 st;
	struct buf		 out;
	const uint8_t		*p = data, *cr;
	size_t			 left = size, n, reply, reply_len;
	int			 kind, echo;

	elm_init(&st, &prof, 1);
	buf_init(&out, 1 << 20);
	while (left > 0) {
		cr = memchr(p, '\r', left);
		n = cr != NULL ? (size_t)(cr - p) : left;
		out.len = 0;
		echo = st.echo;
		st.uptime_s = (uint32_t)n * 7;
		kind = elm_exec(&st, p, n, &out, &reply, &reply_len);
		CHECK(kind >= ELM_EMPTY && kind <= ELM_UNKNOWN);
		CHECK(out.len >= 1 && out.data[out.len - 1] == '>');
		CHECK(reply + reply_len < out.len);
		if (echo)
			CHECK(out.len >= n && memcmp(out.data, p, n) == 0);
		else
			CHECK(reply == 0);
		CHECK(kind == ELM_EMPTY || reply_len > 0);
		if (kind == ELM_UNKNOWN)
			CHECK(reply_len >= 1 && out.data[reply] == '?');
		CHECK(st.proto >= 0 && st.proto <= 12);
		if (cr == NULL)
			break;
		left -= n + 1;
		p = cr + 1;
	}
	buf_free(&out);
	return 0;
}
