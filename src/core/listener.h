/* listener.h - listening sockets: "host:port" parsing, bind, accept under the connection caps. */
#ifndef HNP_LISTENER_H
#define HNP_LISTENER_H

#include <stddef.h>
#include <sys/socket.h>

struct service;

/*
 * Parses "host:port", "[v6addr]:port", ":port" or "port" (all IPv4 addresses) into ss.
 * Returns 0, or -1 with err.
 */
int	listener_parse(const char *spec, struct sockaddr_storage *ss, socklen_t *len, char *err,
	    size_t errlen);
/*
 * The same, also taking a port range "host:first-last"; *first..*last are the ports (equal for a
 * single port). Returns 0, or -1 with err.
 */
int	listener_parse_range(const char *spec, struct sockaddr_storage *ss, socklen_t *len,
	    unsigned *first, unsigned *last, char *err, size_t errlen);
/*
 * Checks svc's specs without binding: their syntax (ranges only when svc's protocol allows
 * them), at most HNP_MAX_LISTENERS of them, at most HNP_MAX_RANGE_PORTS ports in ranges.
 * origin names the config line. Returns 0, or -1 with err "origin: [section] listen: ...".
 */
int	listener_check(struct service *svc, char **specs, const char *origin, char *err,
	    size_t errlen);
/*
 * Binds every spec for svc and starts accepting into new sessions (under session_admit).
 * origin names the config line for messages. Returns 0, or -1 with err (nothing left bound).
 */
int	listener_start(struct service *svc, char **specs, const char *origin, char *err,
	    size_t errlen);
/* Stops and frees svc's listeners. */
void	listener_stop_all(struct service *svc);
/* Pauses or resumes accepting on every listener (global cap reached / freed). */
void	listener_pause_all(int pause);

#endif
