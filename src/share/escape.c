/* escape.c - terminal-safe rendering of attacker bytes, display widths and column truncation. */
#include <stdint.h>
#include <string.h>

#include "core/utf8.h"
#include "share/escape.h"

struct esc_range {
	uint32_t	 lo, hi;
};

/* Printable in Unicode's eyes but invisible or able to reorder text (Trojan Source): escaped. */
static const struct esc_range esc_format[] = {
	{ 0x061c, 0x061c }, { 0x180e, 0x180e }, { 0x200b, 0x200f }, { 0x2028, 0x202e },
	{ 0x2060, 0x206f }, { 0xfeff, 0xfeff }, { 0xfff9, 0xfffb }, { 0xe0000, 0xe007f },
};

/* Two columns: East Asian wide and full-width forms, common emoji blocks. */
static const struct esc_range esc_wide[] = {
	{ 0x1100, 0x115f }, { 0x2329, 0x232a }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff },
	{ 0x3400, 0x4dbf }, { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf }, { 0xa960, 0xa97f },
	{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f },
	{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f }, { 0x1f900, 0x1f9ff },
	{ 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
};

/* Zero columns: combining marks and variation selectors. */
static const struct esc_range esc_zero[] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd }, { 0x064b, 0x065f },
	{ 0x1ab0, 0x1aff }, { 0x1dc0, 0x1dff }, { 0x20d0, 0x20ff }, { 0x3099, 0x309a },
	{ 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f }, { 0xe0100, 0xe01ef },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static int
esc_in(const struct esc_range *r, size_t n, uint32_t cp)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (cp >= r[i].lo && cp <= r[i].hi)
			return 1;
	return 0;
}

static int
esc_safe_cp(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return 0;
	return !esc_in(esc_format, NELEM(esc_format), cp);
}

static size_t
esc_cp_width(uint32_t cp)
{
	if (cp < 0x300)
		return 1;
	if (esc_in(esc_zero, NELEM(esc_zero), cp))
		return 0;
	if (esc_in(esc_wide, NELEM(esc_wide), cp))
		return 2;
	return 1;
}

/*
 * One output unit: the bytes to write for the next piece of input and its columns. Returns how
 * many input bytes it stands for (>= 1). When raw, the input is taken as safe text and an unsafe
 * piece becomes '?' instead of an escape.
 */
struct esc_unit {
	char	 b[4];
	size_t	 n;
	size_t	 cols;
};

static size_t
esc_next(const uint8_t *p, size_t len, int raw, struct esc_unit *u)
{
	static const char	 hex[] = "0123456789abcdef";
	uint32_t		 cp;
	size_t			 n;

	n = utf8_decode(p, len, &cp);
	if (n > 0 && esc_safe_cp(cp)) {
		if (cp == '\\' && !raw) {
			memcpy(u->b, "\\\\", 2);
			u->n = u->cols = 2;
			return 1;
		}
		memcpy(u->b, p, n);
		u->n = n;
		u->cols = esc_cp_width(cp);
		return n;
	}
	/*
	 * Unsafe or invalid: escape one byte. The rest of an unsafe sequence is continuation
	 * bytes, invalid alone, so they follow one by one and a cut may fall between them.
	 */
	if (raw) {
		u->b[0] = '?';
		u->n = u->cols = 1;
		return n > 0 ? n : 1;
	}
	u->b[0] = '\\';
	u->b[1] = 'x';
	u->b[2] = hex[p[0] >> 4];
	u->b[3] = hex[p[0] & 15];
	u->n = u->cols = 4;
	return 1;
}

/*
 * The common loop: escapes (or, when raw, sanitises) src into dst within dstlen - 1 bytes and
 * maxcols columns (0: unlimited); with ellipsis, a cut ends in "…" within both limits.
 */
static size_t
esc_fit(char *dst, size_t dstlen, const uint8_t *src, size_t srclen, size_t maxcols,
    int ellipsis, int raw, size_t *colsp)
{
	static const char	 ell[] = "\xe2\x80\xa6";	/* U+2026, one column */
	struct esc_unit		 u;
	size_t			 i = 0, o = 0, cols = 0, cut_o = 0, cut_cols = 0, k;
	int			 can_cut;

	if (dstlen == 0) {
		*colsp = 0;
		return 0;
	}
	can_cut = ellipsis && dstlen >= sizeof(ell);	/* "…" alone fits at the start */
	while (i < srclen) {
		k = esc_next(src + i, srclen - i, raw, &u);
		if ((maxcols != 0 && cols + u.cols > maxcols) || u.n > dstlen - 1 - o) {
			if (can_cut) {
				memcpy(dst + cut_o, ell, sizeof(ell) - 1);
				o = cut_o + sizeof(ell) - 1;
				cols = cut_cols + 1;
			}
			break;
		}
		memcpy(dst + o, u.b, u.n);
		o += u.n;
		cols += u.cols;
		i += k;
		if ((maxcols == 0 || cols + 1 <= maxcols) && o + sizeof(ell) <= dstlen) {
			cut_o = o;
			cut_cols = cols;
		}
	}
	dst[o] = '\0';
	*colsp = cols;
	return o;
}

size_t
esc_term(char *dst, size_t dstlen, const void *src, size_t srclen)
{
	size_t	 cols;

	return esc_fit(dst, dstlen, src, srclen, 0, 0, 0, &cols);
}

int
esc_term_buf(struct buf *b, const void *src, size_t srclen)
{
	const uint8_t	*p = src;
	struct esc_unit	 u;
	size_t		 i = 0;

	while (i < srclen) {
		i += esc_next(p + i, srclen - i, 0, &u);
		if (buf_append(b, u.b, u.n) == -1)
			return -1;
	}
	return 0;
}

size_t
esc_cell(char *dst, size_t dstlen, const void *src, size_t srclen, size_t cols)
{
	size_t	 used;

	esc_fit(dst, dstlen, src, srclen, cols, 1, 0, &used);
	return used;
}

size_t
esc_trunc(char *dst, size_t dstlen, const char *s, size_t cols)
{
	size_t	 used;

	esc_fit(dst, dstlen, (const uint8_t *)s, strlen(s), cols, 1, 1, &used);
	return used;
}

size_t
esc_width(const char *s)
{
	const uint8_t	*p = (const uint8_t *)s;
	size_t		 len = strlen(s), i = 0, w = 0, n;
	uint32_t	 cp;

	while (i < len) {
		if ((n = utf8_decode(p + i, len - i, &cp)) == 0) {
			w++;
			i++;
			continue;
		}
		w += esc_cp_width(cp);
		i += n;
	}
	return w;
}

int
esc_fput_pad(FILE *fp, const char *s, size_t cols, int right_align)
{
	size_t	 w = esc_width(s), pad = w < cols ? cols - w : 0, i;

	if (!right_align && fputs(s, fp) == EOF)
		return -1;
	for (i = 0; i < pad; i++)
		if (putc(' ', fp) == EOF)
			return -1;
	if (right_align && fputs(s, fp) == EOF)
		return -1;
	return 0;
}
