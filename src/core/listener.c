/*
 * listener.c - binds the configured addresses (IPv4 and IPv6, v6-only so both can coexist) and
 * accepts connections: over the per-source cap a connection is closed at once; at the global cap,
 * or when descriptors run out, accepting pauses instead of spinning.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "core/limits.h"
#include "core/listener.h"
#include "core/log.h"
#include "core/session.h"
#include "core/xmalloc.h"
#include "proto/proto.h"

struct listener {
	struct evconnlistener	*evl;
	struct service		*svc;
	char			*spec;
	struct listener		*next;		/* in the service */
	struct listener		*all_next;	/* in every listener */
};

static struct listener	*listeners_all;
static struct event	*listener_resume_ev;
static int		 listener_paused;
static unsigned long	 listener_refused;

int
listener_parse(const char *spec, struct sockaddr_storage *ss, socklen_t *len, char *err,
    size_t errlen)
{
	char		 host[128];
	const char	*port, *colon;
	char		*end;
	long		 p;

	memset(ss, 0, sizeof(*ss));
	if (spec[0] == '[') {
		const char	*rb = strchr(spec, ']');

		if (rb == NULL || rb[1] != ':' || (size_t)(rb - spec - 1) >= sizeof(host))
			goto bad;
		snprintf(host, sizeof(host), "%.*s", (int)(rb - spec - 1), spec + 1);
		port = rb + 2;
	} else if ((colon = strrchr(spec, ':')) != NULL) {
		if ((size_t)(colon - spec) >= sizeof(host) || strchr(spec, ':') != colon)
			goto bad;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
		port = colon + 1;
	} else {
		host[0] = '\0';
		port = spec;
	}
	errno = 0;
	p = strtol(port, &end, 10);
	if (*port == '\0' || *end != '\0' || errno || p < 0 || p > 65535)
		goto bad;
	if (host[0] == '\0' || strcmp(host, "*") == 0)
		snprintf(host, sizeof(host), "0.0.0.0");
	if (strchr(host, ':') != NULL) {
		struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			goto bad;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;

		if (strcmp(host, "localhost") == 0)
			snprintf(host, sizeof(host), "127.0.0.1");
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			goto bad;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p);
		*len = sizeof(*s4);
	}
	return 0;
bad:
	snprintf(err, errlen, "\"%s\": expected host:port, [ipv6]:port or port (numeric address)",
	    spec);
	return -1;
}

static void
listener_accept_cb(struct evconnlistener *evl, evutil_socket_t fd, struct sockaddr *peer,
    int peerlen, void *arg)
{
	struct listener	*l = arg;

	if (!session_admit(peer)) {
		struct linger	 lg = { 1, 0 };

		/* Over a cap: reset at once; count it, log now and then. */
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd);
		if (listener_refused++ % 1000 == 0)
			log_warn("%s: connection refused by the connection caps (%lu so far)",
			    l->spec, listener_refused);
		if (session_env.open >= session_env.max_conn)
			listener_pause_all(1);
		return;
	}
	session_new(l->svc, fd, peer, (socklen_t)peerlen);
	if (session_env.open >= session_env.max_conn)
		listener_pause_all(1);
}

static void
listener_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	listener_pause_all(0);
}

static void
listener_error_cb(struct evconnlistener *evl, void *arg)
{
	struct listener	*l = arg;
	struct timeval	 tv = { 0, HNP_ACCEPT_PAUSE_MS * 1000 };
	int		 e = EVUTIL_SOCKET_ERROR();

	if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
		log_warn("%s: accept: %s; pausing %d ms", l->spec, strerror(e),
		    HNP_ACCEPT_PAUSE_MS);
		listener_pause_all(1);
		if (listener_resume_ev == NULL)
			listener_resume_ev = evtimer_new(session_env.base, listener_resume_cb,
			    NULL);
		evtimer_add(listener_resume_ev, &tv);
	} else
		log_warn("%s: accept: %s", l->spec, strerror(e));
}

void
listener_pause_all(int pause)
{
	struct listener	*l;

	if (!pause && session_env.open >= session_env.max_conn)
		return;
	if (pause == listener_paused)
		return;
	listener_paused = pause;
	for (l = listeners_all; l != NULL; l = l->all_next) {
		if (pause)
			evconnlistener_disable(l->evl);
		else
			evconnlistener_enable(l->evl);
	}
}

int
listener_start(struct service *svc, char **specs, const char *origin, char *err,
    size_t errlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	struct listener		*l;
	char			 why[256];
	size_t			 i;
	int			 fd, one = 1;

	for (i = 0; specs[i] != NULL; i++) {
		if (i >= HNP_MAX_LISTENERS) {
			snprintf(err, errlen, "%s: more than %d listen addresses", origin,
			    HNP_MAX_LISTENERS);
			goto fail;
		}
		if (listener_parse(specs[i], &ss, &sslen, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "%s: [%s] listen: %s", origin, svc->proto->name, why);
			goto fail;
		}
		fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd == -1) {
			snprintf(err, errlen, "%s: [%s] listen %s: socket: %s", origin,
			    svc->proto->name, specs[i], strerror(errno));
			goto fail;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		/* Accepted sockets inherit it: replies go out whole, no Nagle delay. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (ss.ss_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		/* The kernel keeps each client's SYN for the connect event's fingerprint. */
		if (session_env.syn_fields != NULL)
			setsockopt(fd, IPPROTO_TCP, TCP_SAVE_SYN, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&ss, sslen) == -1 ||
		    listen(fd, HNP_LISTEN_BACKLOG) == -1) {
			snprintf(err, errlen, "%s: [%s] listen %s: %s", origin, svc->proto->name,
			    specs[i], strerror(errno));
			close(fd);
			goto fail;
		}
		l = xcalloc(1, sizeof(*l));
		l->svc = svc;
		l->spec = xstrdup(specs[i]);
		l->evl = evconnlistener_new(session_env.base, listener_accept_cb, l,
		    LEV_OPT_CLOSE_ON_FREE, -1, fd);
		if (l->evl == NULL) {
			snprintf(err, errlen, "%s: [%s] listen %s: cannot watch the socket", origin,
			    svc->proto->name, specs[i]);
			close(fd);
			free(l->spec);
			free(l);
			goto fail;
		}
		evconnlistener_set_error_cb(l->evl, listener_error_cb);
		if (listener_paused)
			evconnlistener_disable(l->evl);
		l->next = svc->listeners;
		svc->listeners = l;
		l->all_next = listeners_all;
		listeners_all = l;
		log_info("%s: listening on %s", svc->proto->name, specs[i]);
	}
	return 0;
fail:
	listener_stop_all(svc);
	return -1;
}

void
listener_stop_all(struct service *svc)
{
	struct listener	*l, *next, **pp;

	for (l = svc->listeners; l != NULL; l = next) {
		next = l->next;
		for (pp = &listeners_all; *pp != NULL; pp = &(*pp)->all_next)
			if (*pp == l) {
				*pp = l->all_next;
				break;
			}
		evconnlistener_free(l->evl);
		free(l->spec);
		free(l);
	}
	svc->listeners = NULL;
}
