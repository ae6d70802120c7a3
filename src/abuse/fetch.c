/* fetch.c - HTTP GET (libcurl: TLS, redirects, proxies done right) and a whois client (plain TCP). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include "abuse/fetch.h"
#include "core/timeutil.h"
#include "config.h"

struct fetch_sink {
	struct buf	*out;
	int		 over;
};

static size_t
fetch_write(char *p, size_t size, size_t n, void *arg)
{
	struct fetch_sink	*s = arg;

	if (buf_append(s->out, p, size * n) == -1) {
		s->over = 1;
		return 0;	/* aborts the transfer */
	}
	return size * n;
}

int
fetch_http(const char *url, const char *accept, struct buf *out, char *err, size_t errlen)
{
	static int		 inited;
	CURL			*h;
	CURLcode		 rc;
	struct curl_slist	*hdr = NULL;
	struct fetch_sink	 sink = { out, 0 };
	char			 line[128];
	long			 status = 0;

	if (!inited && curl_global_init(CURL_GLOBAL_DEFAULT) == 0)
		inited = 1;
	if ((h = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "libcurl: cannot start");
		return -1;
	}
	if (accept != NULL) {
		snprintf(line, sizeof(line), "Accept: %s", accept);
		hdr = curl_slist_append(hdr, line);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	/* An https start never follows a redirect down to http. */
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, strncasecmp(url, "https:", 6) == 0 ?
	    "https" : "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)FETCH_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "hanipo/" HANIPO_VERSION " (abuse contact lookup)");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fetch_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	if (sink.over) {
		snprintf(err, errlen, "%s: answer larger than %zu bytes", url, out->max);
		return -1;
	}
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", url, curl_easy_strerror(rc));
		return -1;
	}
	return (int)status;
}

/* Splits "host", "host:port", "[v6]:port" into host and port (default 43). */
static int
split_server(const char *server, char *host, size_t hostlen, char *port, size_t portlen)
{
	const char	*c;

	if (server[0] == '[') {
		if ((c = strchr(server, ']')) == NULL || (size_t)(c - server) >= hostlen)
			return -1;
		snprintf(host, hostlen, "%.*s", (int)(c - server - 1), server + 1);
		snprintf(port, portlen, "%s", c[1] == ':' ? c + 2 : "43");
		return 0;
	}
	c = strchr(server, ':');
	if (c != NULL && strchr(c + 1, ':') != NULL)
		c = NULL;	/* a bare IPv6 address */
	if ((c != NULL ? (size_t)(c - server) : strlen(server)) >= hostlen)
		return -1;
	snprintf(host, hostlen, "%.*s", c != NULL ? (int)(c - server) : (int)strlen(server), server);
	snprintf(port, portlen, "%s", c != NULL ? c + 1 : "43");
	return host[0] != '\0' && port[0] != '\0' ? 0 : -1;
}

/* Waits for fd to be ready for ev until deadline (monotonic ms): 0, or -1 on timeout/error. */
static int
wait_fd(int fd, short ev, int64_t deadline)
{
	struct pollfd	 p = { fd, ev, 0 };
	int64_t		 left;
	int		 rc;

	for (;;) {
		left = deadline - time_mono_ms();
		if (left <= 0)
			return -1;
		rc = poll(&p, 1, (int)left);
		if (rc > 0)
			return 0;
		if (rc == -1 && errno != EINTR)
			return -1;
	}
}

static int
whois_connect(const char *host, const char *port, int64_t deadline, char *err, size_t errlen)
{
	struct addrinfo	 hints, *res, *ai;
	int		 fd = -1, rc, soerr;
	socklen_t	 sl;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "whois %s:%s: %s", host, port, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline) == 0 &&
		    (sl = sizeof(soerr), getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0) &&
		    soerr == 0))
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		snprintf(err, errlen, "whois %s:%s: cannot connect", host, port);
	return fd;
}

int
fetch_whois(const char *server, const char *query, struct buf *out, char *err, size_t errlen)
{
	char		 host[256], port[16], line[512];
	int64_t		 deadline = time_mono_ms() + FETCH_TIMEOUT_S * 1000;
	int		 fd, n, len;
	ssize_t		 r;
	uint8_t		*p;

	if (split_server(server, host, sizeof(host), port, sizeof(port)) == -1) {
		snprintf(err, errlen, "whois server \"%s\": expected host[:port]", server);
		return -1;
	}
	if (strpbrk(query, "\r\n") != NULL) {
		snprintf(err, errlen, "whois query holds a line break");
		return -1;
	}
	len = snprintf(line, sizeof(line), "%s\r\n", query);
	if (len < 0 || (size_t)len >= sizeof(line)) {
		snprintf(err, errlen, "whois query too long");
		return -1;
	}
	if ((fd = whois_connect(host, port, deadline, err, errlen)) == -1)
		return -1;
	for (n = 0; n < len; n += (int)r) {
		if (wait_fd(fd, POLLOUT, deadline) == -1 ||
		    (r = write(fd, line + n, (size_t)(len - n))) <= 0) {
			snprintf(err, errlen, "whois %s: cannot send the query", server);
			close(fd);
			return -1;
		}
	}
	for (;;) {
		if (buf_room(out) == 0)
			break;	/* cut: enough to find the contact */
		if (wait_fd(fd, POLLIN, deadline) == -1) {
			snprintf(err, errlen, "whois %s: timed out", server);
			close(fd);
			return -1;
		}
		if ((p = buf_tail(out, 4096)) == NULL)
			break;
		r = read(fd, p, buf_room(out) < 4096 ? buf_room(out) : 4096);
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			break;
		out->len += (size_t)r;
	}
	close(fd);
	return 0;
}
