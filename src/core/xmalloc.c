/* xmalloc.c - allocation wrappers that abort on failure (for structs and config, not network data). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

static void
xmalloc_fail(size_t n)
{
	fprintf(stderr, "hanipo: out of memory (%zu bytes)\n", n);
	abort();
}

void *
xmalloc(size_t n)
{
	void	*p = malloc(n ? n : 1);

	if (p == NULL)
		xmalloc_fail(n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		xmalloc_fail(nmemb * size);
	return p;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	void	*np;

	if (size && nmemb > SIZE_MAX / size)
		xmalloc_fail(SIZE_MAX);
	if ((np = realloc(p, nmemb && size ? nmemb * size : 1)) == NULL)
		xmalloc_fail(nmemb * size);
	return np;
}

/*
 * Zeroed and written: for hash tables that probe (read) slots before writing them. calloc may
 * hand out untouched pages (all mapped to the zero page), and then each first write is a
 * copy-on-write fault with a TLB shootdown across the process's threads. GCC may turn an
 * allocation plus memset(0) into calloc (with LTO it sees through xreallocarray), so the pages
 * are cleared with explicit_bzero, which it keeps.
 */
void *
xzalloc_written(size_t nmemb, size_t size)
{
	void	*p = xreallocarray(NULL, nmemb, size);

	explicit_bzero(p, nmemb * size);
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;
	size_t	 len = strnlen(s, n);

	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}
