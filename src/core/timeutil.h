/* timeutil.h - clock reading, duration/time parsing and time-zone aware formatting. */
#ifndef HNP_TIMEUTIL_H
#define HNP_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Microseconds since the epoch, UTC. */
int64_t	time_now_us(void);
/* Monotonic milliseconds, microseconds. */
int64_t	time_mono_ms(void);
int64_t	time_mono_us(void);

/*
 * Parses a duration ("90s", "15m", "24h", "7d", "1w"; bare digits are seconds) into microseconds.
 * Returns 0, or -1 on a malformed value.
 */
int	time_parse_duration(const char *s, int64_t *out_us);
/*
 * Parses a point in time: a duration meaning "that long ago", an ISO 8601 date or date-time
 * ("2026-11-27", "2026-11-27T06:00", "...:00Z", "...+09:00"; no offset means UTC), or "@" followed
 * by epoch seconds. Returns 0, or -1.
 */
int	time_parse_point(const char *s, int64_t now_us, int64_t *out_us);
/* ISO 8601 UTC with microseconds: "2026-11-27T06:37:58.123456Z". Returns out. */
char	*time_format_iso(int64_t ts_us, char *out, size_t len);
/*
 * strftime-style formatting of ts_us in a fixed offset (seconds east of UTC), e.g. WOWHoneypot's
 * "%Y-%m-%d %H:%M:%S%z". Returns out.
 */
char	*time_format_offset(int64_t ts_us, int offset_s, const char *fmt, char *out, size_t len);
/*
 * Parses a time-zone setting: "+0900", "+09:00", "-05", "UTC"/"Z", or "local" (the system's offset
 * now). Returns 0, or -1.
 */
int	time_parse_offset(const char *s, int *offset_s);

#endif
