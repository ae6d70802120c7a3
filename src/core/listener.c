/*
 * listener.c - binds the configured addresses (IPv4 and IPv6, v6-only so both can coexist) and
 * accepts connections: over the per-source cap a connection is closed at once; at the global cap,
 * or when descriptors run out, accepting pauses instead of spinning. A protocol that allows it
 * (the catch-all) may listen on port ranges, "host:lo-hi", capped in all at HNP_MAX_RANGE_PORTS;
 * a port of a range that another sensor already listens on is left to that sensor.
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
	struct sockaddr_storage	 addr;
	struct sockaddr_storage	 local;		/* the bound address, when it is not a wildcard */
	int			 local_fixed;	/* then accepted sockets need no getsockname */
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

int
listener_parse_range(const char *spec, struct sockaddr_storage *ss, socklen_t *len,
    unsigned *first, unsigned *last, char *err, size_t errlen)
{
	const char	*dash = strrchr(spec, '-'), *sep;
	char		 base[160], *end;
	long		 hi;

	sep = strrchr(spec, ']') != NULL ? strrchr(spec, ']') : strrchr(spec, ':');
	if (dash == NULL || (sep != NULL && dash < sep)) {
		if (listener_parse(spec, ss, len, err, errlen) == -1)
			return -1;
		*first = *last = ntohs(((struct sockaddr_in *)ss)->sin_port);
		return 0;
	}
	if ((size_t)(dash - spec) >= sizeof(base))
		goto bad;
	snprintf(base, sizeof(base), "%.*s", (int)(dash - spec), spec);
	if (listener_parse(base, ss, len, err, errlen) == -1)
		goto bad;
	errno = 0;
	hi = strtol(dash + 1, &end, 10);
	if (dash[1] < '0' || dash[1] > '9' || *end != '\0' || errno || hi > 65535)
		goto bad;
	/* sin_port and sin6_port sit at the same offset. */
	*first = ntohs(((struct sockaddr_in *)ss)->sin_port);
	*last = (unsigned)hi;
	if (*first == 0 || *first > *last)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "\"%s\": expected host:port or host:first-last with "
	    "1 <= first <= last <= 65535", spec);
	return -1;
}

int
listener_check(struct service *svc, char **specs, const char *origin, char *err,
    size_t errlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	unsigned		 first, last, ports = 0;
	char			 why[256];
	size_t			 i;
	int			 rc;

	for (i = 0; specs[i] != NULL; i++) {
		if (i >= HNP_MAX_LISTENERS) {
			snprintf(err, errlen, "%s: [%s] listen: more than %d addresses", origin,
			    svc->proto->name, HNP_MAX_LISTENERS);
			return -1;
		}
		if (svc->proto->listen_ranges)
			rc = listener_parse_range(specs[i], &ss, &sslen, &first, &last, why,
			    sizeof(why));
		else {
			rc = listener_parse(specs[i], &ss, &sslen, why, sizeof(why));
			first = last = 0;
		}
		if (rc == -1) {
			snprintf(err, errlen, "%s: [%s] listen: %s", origin, svc->proto->name, why);
			return -1;
		}
		if (first != last && (ports += last - first + 1) > HNP_MAX_RANGE_PORTS) {
			snprintf(err, errlen, "%s: [%s] listen: port ranges open more than %d ports",
			    origin, svc->proto->name, HNP_MAX_RANGE_PORTS);
			return -1;
		}
	}
	return 0;
}

/* Keeps the bound address when it names one interface (every accepted socket then has it). */
static void
listener_note_local(struct listener *l, int fd)
{
	socklen_t	 len = sizeof(l->local);

	if (getsockname(fd, (struct sockaddr *)&l->local, &len) == -1)
		return;
	if (l->local.ss_family == AF_INET)
		l->local_fixed = ((struct sockaddr_in *)&l->local)->sin_addr.s_addr != INADDR_ANY;
	else if (l->local.ss_family == AF_INET6)
		l->local_fixed = !IN6_IS_ADDR_UNSPECIFIED(
		    &((struct sockaddr_in6 *)&l->local)->sin6_addr);
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
	session_new(l->svc, fd, peer, (socklen_t)peerlen,
	    l->local_fixed ? (struct sockaddr *)&l->local : NULL);
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

/* Whether another service already listens on ss's port at the same or a wildcard address. */
static int
listener_taken(const struct service *svc, const struct sockaddr_storage *ss)
{
	const struct listener	*l;

	for (l = listeners_all; l != NULL; l = l->all_next) {
		const struct sockaddr_in	*a = (const struct sockaddr_in *)&l->addr;
		const struct sockaddr_in	*b = (const struct sockaddr_in *)ss;

		if (l->svc == svc || l->addr.ss_family != ss->ss_family ||
		    a->sin_port != b->sin_port)
			continue;
		if (ss->ss_family == AF_INET && a->sin_addr.s_addr != b->sin_addr.s_addr &&
		    a->sin_addr.s_addr != INADDR_ANY && b->sin_addr.s_addr != INADDR_ANY)
			continue;
		if (ss->ss_family == AF_INET6) {
			const struct sockaddr_in6	*a6 = (const struct sockaddr_in6 *)&l->addr;
			const struct sockaddr_in6	*b6 = (const struct sockaddr_in6 *)ss;

			if (memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) != 0 &&
			    !IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr) &&
			    !IN6_IS_ADDR_UNSPECIFIED(&b6->sin6_addr))
				continue;
		}
		return 1;
	}
	return 0;
}

/* Binds one address for svc and starts accepting on it. 0, or -1 with err. */
static int
listener_bind(struct service *svc, const struct sockaddr_storage *ss, socklen_t sslen,
    const char *spec, const char *origin, char *err, size_t errlen)
{
	struct listener	*l;
	int		 fd, one = 1;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(err, errlen, "%s: [%s] listen %s: socket: %s", origin, svc->proto->name,
		    spec, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Accepted sockets inherit it: replies go out whole, no Nagle delay. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	/* The kernel keeps each client's SYN for the connect event's fingerprint. */
	if (session_env.syn_fields != NULL)
		setsockopt(fd, IPPROTO_TCP, TCP_SAVE_SYN, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, sslen) == -1 ||
	    listen(fd, HNP_LISTEN_BACKLOG) == -1) {
		snprintf(err, errlen, "%s: [%s] listen %s: %s", origin, svc->proto->name, spec,
		    strerror(errno));
		close(fd);
		return -1;
	}
	l = xcalloc(1, sizeof(*l));
	l->svc = svc;
	l->spec = xstrdup(spec);
	memcpy(&l->addr, ss, sizeof(*ss));
	listener_note_local(l, fd);
	l->evl = evconnlistener_new(session_env.base, listener_accept_cb, l,
	    LEV_OPT_CLOSE_ON_FREE, -1, fd);
	if (l->evl == NULL) {
		snprintf(err, errlen, "%s: [%s] listen %s: cannot watch the socket", origin,
		    svc->proto->name, spec);
		close(fd);
		free(l->spec);
		free(l);
		return -1;
	}
	evconnlistener_set_error_cb(l->evl, listener_error_cb);
	if (listener_paused)
		evconnlistener_disable(l->evl);
	l->next = svc->listeners;
	svc->listeners = l;
	l->all_next = listeners_all;
	listeners_all = l;
	return 0;
}

int
listener_start(struct service *svc, char **specs, const char *origin, char *err,
    size_t errlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	unsigned		 first, last, port, skipped;
	char			 why[256];
	size_t			 i;

	if (listener_check(svc, specs, origin, err, errlen) == -1)
		return -1;
	for (i = 0; specs[i] != NULL; i++) {
		if (!svc->proto->listen_ranges) {
			if (listener_parse(specs[i], &ss, &sslen, why, sizeof(why)) == -1 ||
			    listener_bind(svc, &ss, sslen, specs[i], origin, err, errlen) == -1)
				goto fail;
			log_info("%s: listening on %s", svc->proto->name, specs[i]);
			continue;
		}
		if (listener_parse_range(specs[i], &ss, &sslen, &first, &last, why,
		    sizeof(why)) == -1)
			goto fail;
		skipped = 0;
		for (port = first; port <= last; port++) {
			/* sin_port and sin6_port sit at the same offset. */
			((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
			if (first != last && listener_taken(svc, &ss)) {
				skipped++;
				continue;
			}
			if (listener_bind(svc, &ss, sslen, specs[i], origin, err, errlen) == -1)
				goto fail;
		}
		log_info("%s: listening on %s (%u ports, %u left to other sensors)",
		    svc->proto->name, specs[i], last - first + 1 - skipped, skipped);
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
