/* tls.h - TLS termination as a session transport: OpenSSL over memory BIOs, ClientHello fingerprints. */
#ifndef HNP_TLS_H
#define HNP_TLS_H

#include <stddef.h>

struct config;
struct tls_server;

/*
 * The server context from [section] cert, key (made on first run in the state directory when
 * not given), subject and protocols. 0, or -1 with err ("file:line: ..." for a bad key).
 */
int	tls_server_new(struct tls_server **out, const struct config *cfg, const char *section,
	    char *err, size_t errlen);
void	tls_server_free(struct tls_server *ts);

/* The transport: its open() takes a struct tls_server *. */
extern const struct transport tls_transport;

#endif
