/* rules_util.c - small helpers of the rules engine: error text, paths, whole-file reads, strip. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules/rules_impl.h"

/* Formats an error message into err; returns -1 so callers can "return rules_err(...)". */
int
rules_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL || errlen == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Joins dir and name with exactly one slash; malloc'd, NULL on ENOMEM. */
char *
rules_path(const char *dir, const char *name)
{
	size_t	 dl = strlen(dir), nl = strlen(name);
	char	*p;

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if ((p = malloc(dl + 1 + nl + 1)) == NULL)
		return NULL;
	memcpy(p, dir, dl);
	p[dl] = '/';
	memcpy(p + dl + 1, name, nl);
	p[dl + 1 + nl] = '\0';
	return p;
}

/* Reads a regular file of at most RULES_MAX_FILE bytes; see rules_impl.h. */
int
rules_read_file(const char *path, uint8_t **data, size_t *len)
{
	struct stat	 st;
	uint8_t		*p;
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd, saved;

	*data = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > RULES_MAX_FILE) {
		errno = EFBIG;
		goto fail;
	}
	if ((p = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	while (got < (size_t)st.st_size) {
		n = read(fd, p + got, (size_t)st.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			saved = n == 0 ? EIO : errno;
			free(p);
			close(fd);
			errno = saved;
			return -1;
		}
		got += (size_t)n;
	}
	p[got] = '\0';
	close(fd);
	*data = p;
	*len = got;
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* Length of the white-space character starting at p (0 if none), as str.isspace() sees it. */
static size_t
rules_space_at(const uint8_t *p, size_t n)
{
	if (n >= 1 && ((p[0] >= 0x09 && p[0] <= 0x0d) || (p[0] >= 0x1c && p[0] <= 0x20)))
		return 1;
	if (n >= 2 && p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
		return 2;
	if (n < 3)
		return 0;
	if (p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80)		/* U+1680 */
		return 3;
	if (p[0] == 0xe2 && p[1] == 0x80 &&
	    (p[2] <= 0x8a || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf))
		return p[2] >= 0x80 ? 3 : 0;				/* U+2000.. */
	if (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)		/* U+205F */
		return 3;
	if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)		/* U+3000 */
		return 3;
	return 0;
}

/* Strips leading and trailing white space like Python's str.strip(). */
void
rules_strip(const uint8_t **pp, size_t *lenp)
{
	const uint8_t	*p = *pp;
	size_t		 len = *lenp, k, w;

	while (len > 0 && (w = rules_space_at(p, len)) > 0) {
		p += w;
		len -= w;
	}
	while (len > 0) {
		w = 0;
		for (k = 1; k <= 3 && k <= len; k++)
			if (rules_space_at(p + len - k, k) == k) {
				w = k;
				break;
			}
		if (w == 0)
			break;
		len -= w;
	}
	*pp = p;
	*lenp = len;
}

/* Copies n bytes into a new NUL-terminated string. */
char *
rules_strndup(const void *p, size_t n)
{
	char	*s;

	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}
