/* base64.c - standard base64 encoding, three bytes to four digits (see base64.h). */
#include "core/base64.h"

size_t
base64_encode(uint8_t *out, const uint8_t *p, size_t len)
{
	static const char	 b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t			*o = out;
	size_t			 i;
	uint32_t		 v;

	for (i = 0; len - i >= 3; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*o++ = (uint8_t)b64[v >> 18];
		*o++ = (uint8_t)b64[(v >> 12) & 63];
		*o++ = (uint8_t)b64[(v >> 6) & 63];
		*o++ = (uint8_t)b64[v & 63];
	}
	if (i < len) {
		v = (uint32_t)p[i] << 16 | (len - i > 1 ? (uint32_t)p[i + 1] << 8 : 0);
		*o++ = (uint8_t)b64[v >> 18];
		*o++ = (uint8_t)b64[(v >> 12) & 63];
		*o++ = len - i > 1 ? (uint8_t)b64[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	return (size_t)(o - out);
}
