/* mail.h - report e-mails: MIME (text + XARF as RFC 5965 feedback report) and SMTP via libcurl. */
#ifndef HNP_MAIL_H
#define HNP_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* A plain address we are willing to put in a header or an SMTP command. */
int	mail_addr_ok(const char *s);

/*
 * Builds the message (CRLF lines, none longer than 78 bytes: every part base64, the subject as
 * RFC 2047 encoded words): From, To, Subject, Date (numeric offset), Message-ID, then the text
 * body and, when nx > 0, a message/feedback-report part (Feedback-Type: xarf) and one
 * application/json attachment per XARF report. Returns 0, or -1 (bad address, too large).
 */
int	mail_build(const char *from, const char *to, const char *subject, const char *body,
	    size_t bodylen, char *const *xarfs, size_t nx, const char *message_id, int64_t now_us,
	    struct buf *out);
/*
 * Sends msg through relay (smtp:// or smtps://; STARTTLS when the server offers it). 0, or -1
 * with err.
 */
int	mail_send(const char *relay, const char *from, const char *to, const struct buf *msg,
	    char *err, size_t errlen);

#endif
