/*
 * tlsload.c - full TLS handshakes per second: CONCURRENCY connections in flight (one thread,
 * epoll), each a new TCP connection with a fresh handshake (no session cache, no tickets: never
 * resumed), one "GET / HTTP/1.1" with Connection: close, read to the end, closed. wrk resumes
 * sessions, so it cannot measure this. Usage: tlsload HOST PORT SECONDS [CONCURRENCY] [tls1.2]
 * Prints "N handshakes in S s: R/s (E errors)".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define MAXC	1024

enum { C_CONNECT, C_HANDSHAKE, C_WRITE, C_READ };

struct conn {
	int	 fd;
	SSL	*ssl;
	int	 state;
};

static SSL_CTX			*ctx;
static struct sockaddr_in	 addr;
static int			 ep;
static long			 done, errors;
static const char		 req[] = "GET / HTTP/1.1\r\nHost: bench.example\r\n"
				    "User-Agent: tlsload\r\nConnection: close\r\n\r\n";

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
want(struct conn *c, unsigned ev)
{
	struct epoll_event	 e = { .events = ev, .data.ptr = c };

	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
}

static void
conn_start(struct conn *c)
{
	struct epoll_event	 e = { .events = EPOLLOUT, .data.ptr = c };

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd == -1) {
		perror("socket");
		exit(1);
	}
	c->state = C_CONNECT;
	if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) == -1 && errno != EINPROGRESS) {
		perror("connect");
		exit(1);
	}
	c->ssl = SSL_new(ctx);
	SSL_set_fd(c->ssl, c->fd);
	SSL_set_tlsext_host_name(c->ssl, "bench.example");
	epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &e);
}

static void
conn_end(struct conn *c, int ok)
{
	if (ok)
		done++;
	else
		errors++;
	SSL_free(c->ssl);
	close(c->fd);
	ERR_clear_error();
	conn_start(c);
}

/* Advances a connection as far as it goes; waits for what the TLS layer needs. */
static void
conn_step(struct conn *c)
{
	char	 buf[16384];
	int	 r, e, err;
	socklen_t len = sizeof(err);

	for (;;) {
		switch (c->state) {
		case C_CONNECT:
			if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 || err != 0) {
				conn_end(c, 0);
				return;
			}
			c->state = C_HANDSHAKE;
			continue;
		case C_HANDSHAKE:
			r = SSL_connect(c->ssl);
			break;
		case C_WRITE:
			r = SSL_write(c->ssl, req, sizeof(req) - 1);
			break;
		default:
			r = SSL_read(c->ssl, buf, sizeof(buf));
			if (r > 0)
				continue;
			break;
		}
		if (r > 0) {
			c->state++;
			continue;
		}
		e = SSL_get_error(c->ssl, r);
		if (e == SSL_ERROR_WANT_READ) {
			want(c, EPOLLIN);
			return;
		}
		if (e == SSL_ERROR_WANT_WRITE) {
			want(c, EPOLLOUT);
			return;
		}
		/* The end of the reply (close_notify or EOF) ends a good exchange. */
		conn_end(c, c->state == C_READ);
		return;
	}
}

int
main(int argc, char **argv)
{
	static struct conn	 conns[MAXC];
	struct epoll_event	 evs[64];
	double			 t0, secs;
	int			 n, i, nc;

	if (argc < 4) {
		fprintf(stderr, "usage: tlsload HOST PORT SECONDS [CONCURRENCY] [tls1.2]\n");
		return 2;
	}
	nc = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 32;
	if (nc < 1 || nc > MAXC)
		nc = 32;
	secs = strtod(argv[3], NULL);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)strtol(argv[2], NULL, 10));
	if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1)
		return 2;
	ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	if (argc > 5 && strcmp(argv[5], "tls1.2") == 0)
		SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	ep = epoll_create1(0);
	for (i = 0; i < nc; i++)
		conn_start(&conns[i]);
	t0 = now();
	while (now() - t0 < secs) {
		n = epoll_wait(ep, evs, 64, 100);
		for (i = 0; i < n; i++)
			conn_step(evs[i].data.ptr);
	}
	secs = now() - t0;
	printf("%ld handshakes in %.1f s: %.0f/s (%ld errors)\n", done, secs, done / secs, errors);
	return 0;
}
