/* utf8.c - strict UTF-8 decoding shared by the event JSON writer and the terminal escaper. */
#include "core/utf8.h"

size_t
utf8_decode(const uint8_t *p, size_t len, uint32_t *cpp)
{
	uint32_t	 cp;
	size_t		 n, i;
	uint8_t		 c;

	if (len == 0)
		return 0;
	c = p[0];
	if (c < 0x80) {
		cp = c;
		n = 1;
		goto done;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
done:
	if (cpp != NULL)
		*cpp = cp;
	return n;
}
