/*
 * mail.c - the report as an e-mail. Attacker bytes only ever appear inside base64 parts, so none
 * of them can start a header, a MIME boundary or the end of the SMTP data; every line ends in CRLF
 * and stays under 998 bytes.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "abuse/mail.h"
#include "core/evt.h"
#include "config.h"

int
mail_addr_ok(const char *s)
{
	const char	*at = strchr(s, '@'), *p;

	if (at == NULL || at == s || at[1] == '\0' || strlen(s) > 254 || strchr(at + 1, '@'))
		return 0;
	for (p = s; p < at; p++)
		if (!isalnum((unsigned char)*p) && strchr(".!#$%&'*+/=?^_`{|}~-", *p) == NULL)
			return 0;
	for (p = at + 1; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			return 0;
	return at[1] != '.' && at[1] != '-' && strstr(at, "..") == NULL;
}

/* Appends base64 of p in lines of 76 characters, CRLF after each. */
static void
put_b64(struct buf *b, const void *p, size_t n)
{
	char	*e = evt_base64(p, n);
	size_t	 len = strlen(e), i;

	for (i = 0; i < len; i += 76) {
		buf_append(b, e + i, len - i < 76 ? len - i : 76);
		buf_append(b, "\r\n", 2);
	}
	free(e);
}

/* Text in canonical form (CRLF line ends) as base64. */
static void
put_text_b64(struct buf *b, const char *p, size_t n)
{
	struct buf	 crlf;
	size_t		 i;

	buf_init(&crlf, 2 * n + 2);
	for (i = 0; i < n; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			buf_append(&crlf, "\r", 1);
		buf_append(&crlf, p + i, 1);
	}
	put_b64(b, crlf.data != NULL ? crlf.data : (const uint8_t *)"", crlf.len);
	buf_free(&crlf);
}

static void
put_s(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

/* Subject as encoded words of at most 45 raw bytes each, cut on UTF-8 boundaries, folded. */
static void
put_subject(struct buf *b, const char *s)
{
	size_t	 n = strlen(s), k;
	char	*e;
	int	 first = 1;

	put_s(b, "Subject:");
	while (n > 0) {
		k = n < 45 ? n : 45;
		while (k < n && k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
		e = evt_base64((const uint8_t *)s, k);
		put_s(b, first ? " =?UTF-8?B?" : "\r\n =?UTF-8?B?");
		put_s(b, e);
		put_s(b, "?=");
		free(e);
		s += k;
		n -= k;
		first = 0;
	}
	put_s(b, "\r\n");
}

int
mail_build(const char *from, const char *to, const char *subject, const char *body,
    size_t bodylen, char *const *xarfs, size_t nx, const char *message_id, int64_t now_us,
    struct buf *b)
{
	char		 line[512], date[64], boundary[64];
	time_t		 t = (time_t)(now_us / 1000000);
	struct tm	 tm;
	size_t		 i;

	if (!mail_addr_ok(from) || !mail_addr_ok(to) || strpbrk(message_id, "\r\n<> ") != NULL)
		return -1;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	snprintf(boundary, sizeof(boundary), "=_report_%s", message_id);
	boundary[strcspn(boundary, "@")] = '\0';
	snprintf(line, sizeof(line), "From: %s\r\nTo: %s\r\n", from, to);
	put_s(b, line);
	put_subject(b, subject);
	snprintf(line, sizeof(line), "Date: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n",
	    date, message_id);
	put_s(b, line);
	if (nx > 0)
		snprintf(line, sizeof(line), "Content-Type: multipart/report; "
		    "report-type=feedback-report;\r\n boundary=\"%s\"\r\n\r\n", boundary);
	else
		snprintf(line, sizeof(line), "Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n"
		    "\r\n", boundary);
	put_s(b, line);
	put_s(b, "This is a MIME message.\r\n");
	snprintf(line, sizeof(line), "\r\n--%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", boundary);
	put_s(b, line);
	put_text_b64(b, body, bodylen);
	if (nx > 0) {
		snprintf(line, sizeof(line), "\r\n--%s\r\nContent-Type: message/feedback-report\r\n"
		    "\r\nFeedback-Type: xarf\r\nUser-Agent: hanipo/%s\r\nVersion: 1\r\n", boundary,
		    HANIPO_VERSION);
		put_s(b, line);
	}
	for (i = 0; i < nx; i++) {
		snprintf(line, sizeof(line), "\r\n--%s\r\nContent-Type: application/json; "
		    "name=\"xarf-%zu.json\"\r\nContent-Transfer-Encoding: base64\r\n"
		    "Content-Disposition: attachment; filename=\"xarf-%zu.json\"\r\n\r\n", boundary,
		    i + 1, i + 1);
		put_s(b, line);
		put_b64(b, xarfs[i], strlen(xarfs[i]));
	}
	snprintf(line, sizeof(line), "\r\n--%s--\r\n", boundary);
	put_s(b, line);
	return buf_room(b) == 0 ? -1 : 0;
}

struct mail_reader {
	const struct buf	*msg;
	size_t			 off;
};

static size_t
mail_read(char *p, size_t size, size_t n, void *arg)
{
	struct mail_reader	*r = arg;
	size_t			 k = size * n;

	if (k > r->msg->len - r->off)
		k = r->msg->len - r->off;
	memcpy(p, r->msg->data + r->off, k);
	r->off += k;
	return k;
}

int
mail_send(const char *relay, const char *from, const char *to, const struct buf *msg,
    char *err, size_t errlen)
{
	CURL			*h;
	CURLcode		 rc;
	struct curl_slist	*rcpt = NULL;
	struct mail_reader	 r = { msg, 0 };
	char			 f[300], t[300];

	if (!mail_addr_ok(from) || !mail_addr_ok(to)) {
		snprintf(err, errlen, "bad address");
		return -1;
	}
	if ((h = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "libcurl: cannot start");
		return -1;
	}
	snprintf(f, sizeof(f), "<%s>", from);
	snprintf(t, sizeof(t), "<%s>", to);
	rcpt = curl_slist_append(rcpt, t);
	curl_easy_setopt(h, CURLOPT_URL, relay);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);	/* STARTTLS when offered */
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, f);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, mail_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &r);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(h);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", relay, curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}
