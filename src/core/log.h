/* log.h - the diagnostic log (stderr or a file): every line is escaped by the logger itself. */
#ifndef HNP_LOG_H
#define HNP_LOG_H

#include <stddef.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Sends lines to path (append), or to stderr when path is NULL. Returns 0 or -1. */
int	log_open(const char *path, enum log_level level);
/* Reopens the file after rotation (SIGHUP). */
int	log_reopen(void);
void	log_close(void);
void	log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_error(...)	log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

/*
 * Writes at most dstlen-1 bytes of src into dst with control bytes, backslash and non-ASCII shown as
 * \xHH (so attacker bytes can't drive a terminal); always NUL-terminates. Returns dst.
 */
char	*log_escape(char *dst, size_t dstlen, const void *src, size_t srclen);

#endif
