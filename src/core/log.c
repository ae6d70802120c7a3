/* log.c - diagnostic log: timestamped lines, escaped at the sink so no caller can forget. */
#include <pthread.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/xmalloc.h"

static FILE		*log_fp;
static char		*log_path;
static enum log_level	 log_level = LOG_LVL_INFO;
static pthread_mutex_t	 log_mtx = PTHREAD_MUTEX_INITIALIZER;

static const char *const log_names[] = { "error", "warn", "info", "debug" };

int
log_open(const char *path, enum log_level level)
{
	FILE	*fp = NULL;

	if (path != NULL && (fp = fopen(path, "a")) == NULL)
		return -1;
	pthread_mutex_lock(&log_mtx);
	if (log_fp != NULL)
		fclose(log_fp);
	log_fp = fp;
	free(log_path);
	log_path = path ? xstrdup(path) : NULL;
	log_level = level;
	pthread_mutex_unlock(&log_mtx);
	return 0;
}

int
log_reopen(void)
{
	FILE	*fp;
	int	 rc = 0;

	pthread_mutex_lock(&log_mtx);
	if (log_path != NULL) {
		if ((fp = fopen(log_path, "a")) == NULL)
			rc = -1;
		else {
			fclose(log_fp);
			log_fp = fp;
		}
	}
	pthread_mutex_unlock(&log_mtx);
	return rc;
}

void
log_close(void)
{
	pthread_mutex_lock(&log_mtx);
	if (log_fp != NULL)
		fclose(log_fp);
	log_fp = NULL;
	free(log_path);
	log_path = NULL;
	pthread_mutex_unlock(&log_mtx);
}

char *
log_escape(char *dst, size_t dstlen, const void *src, size_t srclen)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*s = src;
	size_t			 i, o = 0;

	if (dstlen == 0)
		return dst;
	for (i = 0; i < srclen; i++) {
		unsigned char	 c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= dstlen)
				break;
			dst[o++] = (char)c;
		} else {
			if (o + 4 >= dstlen)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	dst[o] = '\0';
	return dst;
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	char		 raw[2048], esc[4096], ts[32];
	va_list		 ap;
	int		 n;
	struct timespec	 now;
	struct tm	 tm;
	FILE		*fp;

	if (lvl > log_level)
		return;
	va_start(ap, fmt);
	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	log_escape(esc, sizeof(esc), raw, strnlen(raw, sizeof(raw)));
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	pthread_mutex_lock(&log_mtx);
	fp = log_fp ? log_fp : stderr;
	fprintf(fp, "%s hanipo[%s]: %s\n", ts, log_names[lvl], esc);
	fflush(fp);
	pthread_mutex_unlock(&log_mtx);
}
