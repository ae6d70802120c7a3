/* timeutil.c - clocks, duration/time parsing, formatting in UTC or a fixed offset. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"

int64_t
time_now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
time_mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
time_mono_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
time_parse_duration(const char *s, int64_t *out_us)
{
	char		*end;
	long long	 v;
	int64_t		 mult = 1000000;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || v < 0)
		return -1;
	if (*end != '\0') {
		if (end[1] != '\0')
			return -1;
		switch (*end) {
		case 's': mult = 1000000LL; break;
		case 'm': mult = 60LL * 1000000; break;
		case 'h': mult = 3600LL * 1000000; break;
		case 'd': mult = 86400LL * 1000000; break;
		case 'w': mult = 7 * 86400LL * 1000000; break;
		default: return -1;
		}
	}
	if (v > INT64_MAX / mult)
		return -1;
	*out_us = (int64_t)v * mult;
	return 0;
}

int
time_parse_offset(const char *s, int *offset_s)
{
	int	 sign, h, m = 0;
	size_t	 len;

	if (s == NULL)
		return -1;
	if (strcmp(s, "UTC") == 0 || strcmp(s, "Z") == 0 || strcmp(s, "utc") == 0) {
		*offset_s = 0;
		return 0;
	}
	if (strcmp(s, "local") == 0) {
		time_t		 now = time(NULL);
		struct tm	 tm;

		localtime_r(&now, &tm);
		*offset_s = (int)tm.tm_gmtoff;
		return 0;
	}
	if (s[0] != '+' && s[0] != '-')
		return -1;
	sign = s[0] == '-' ? -1 : 1;
	len = strlen(s + 1);
	if (len == 2 && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]))
		h = (s[1] - '0') * 10 + (s[2] - '0');
	else if (len == 4 && strspn(s + 1, "0123456789") == 4) {
		h = (s[1] - '0') * 10 + (s[2] - '0');
		m = (s[3] - '0') * 10 + (s[4] - '0');
	} else if (len == 5 && s[3] == ':' && strspn(s + 1, "0123456789") == 2 &&
	    strspn(s + 4, "0123456789") == 2) {
		h = (s[1] - '0') * 10 + (s[2] - '0');
		m = (s[4] - '0') * 10 + (s[5] - '0');
	} else
		return -1;
	if (h > 14 || m > 59)
		return -1;
	*offset_s = sign * (h * 3600 + m * 60);
	return 0;
}

int
time_parse_point(const char *s, int64_t now_us, int64_t *out_us)
{
	int64_t		 d;
	struct tm	 tm;
	int		 n = 0, off = 0;
	long		 frac = 0;
	char		*end;
	time_t		 t;

	if (s == NULL || *s == '\0')
		return -1;
	if (s[0] == '@') {
		long long	 v;

		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (errno || *end != '\0' || end == s + 1)
			return -1;
		*out_us = (int64_t)v * 1000000;
		return 0;
	}
	if (time_parse_duration(s, &d) == 0) {
		*out_us = now_us - d;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3 ||
	    n != 10)
		return -1;
	s += n;
	if (*s == 'T' || *s == ' ') {
		int	 k = 0;

		if (sscanf(s + 1, "%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &k) != 2 || k != 5)
			return -1;
		s += 1 + k;
		if (*s == ':') {
			if (sscanf(s + 1, "%2d%n", &tm.tm_sec, &k) != 1 || k != 2)
				return -1;
			s += 1 + k;
			if (*s == '.') {
				int	 digits = 0;

				s++;
				while (isdigit((unsigned char)*s)) {
					if (digits < 6) {
						frac = frac * 10 + (*s - '0');
						digits++;
					}
					s++;
				}
				while (digits++ < 6)
					frac *= 10;
			}
		}
	}
	if (*s != '\0' && time_parse_offset(s, &off) == -1)
		return -1;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	*out_us = ((int64_t)t - off) * 1000000 + frac;
	return 0;
}

char *
time_format_iso(int64_t ts_us, char *out, size_t len)
{
	time_t		 t = (time_t)(ts_us / 1000000);
	long		 us = (long)(ts_us % 1000000);
	struct tm	 tm;
	char		 base[32];

	if (us < 0) {
		us += 1000000;
		t--;
	}
	gmtime_r(&t, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, len, "%s.%06ldZ", base, us);
	return out;
}

char *
time_format_offset(int64_t ts_us, int offset_s, const char *fmt, char *out, size_t len)
{
	time_t		 t = (time_t)(ts_us / 1000000) + offset_s;
	struct tm	 tm;
	char		 zfmt[256], z[16];
	size_t		 i, o = 0;
	int		 a = offset_s < 0 ? -offset_s : offset_s;

	/* %z must print the chosen offset, not the system's: substitute it first. */
	snprintf(z, sizeof(z), "%c%02d%02d", offset_s < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
	for (i = 0; fmt[i] != '\0' && o + 6 < sizeof(zfmt); i++) {
		if (fmt[i] == '%' && fmt[i + 1] == 'z') {
			memcpy(zfmt + o, z, 5);
			o += 5;
			i++;
		} else if (fmt[i] == '%' && fmt[i + 1] == '%') {
			zfmt[o++] = '%';
			zfmt[o++] = '%';
			i++;
		} else
			zfmt[o++] = fmt[i];
	}
	zfmt[o] = '\0';
	gmtime_r(&t, &tm);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (strftime(out, len, zfmt, &tm) == 0 && len > 0)
		out[0] = '\0';
#pragma GCC diagnostic pop
	return out;
}
