/* xmalloc.h - allocation for bounded, program-sized objects: aborts on failure. Never for attacker-sized data. */
#ifndef HNP_XMALLOC_H
#define HNP_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t n);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *p, size_t nmemb, size_t size);
/* Zeroed, every page written (tables probed before they are written: see xmalloc.c). */
void	*xzalloc_written(size_t nmemb, size_t size);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);

#endif
