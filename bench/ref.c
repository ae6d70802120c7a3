/*
 * ref.c - the reference responder for bench/http.sh: one thread, epoll, reads a request head and
 * answers a fixed 200 with Connection: close. It logs and stores nothing, so it bounds what a
 * single-loop HTTP honeypot could reach on this machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define REF_MAX_EVENTS	256
#define REF_BUF		8192

static const char reply[] =
    "HTTP/1.1 200 OK\r\nServer: Apache\r\nContent-Type: text/html\r\n"
    "Content-Length: 84\r\nConnection: close\r\n\r\n"
    "<html><head><title>Hello</title></head><body><h1>Hello, world!</h1></body></html>\n\n\n";

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	struct epoll_event	 ev, evs[REF_MAX_EVENTS];
	int			 lfd, ep, one = 1, n, i, fd;
	char			 buf[REF_BUF];

	if (argc != 2) {
		fprintf(stderr, "usage: ref PORT\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)strtol(argv[1], NULL, 10));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 || listen(lfd, 1024) == -1) {
		perror("bind");
		return 1;
	}
	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		n = epoll_wait(ep, evs, REF_MAX_EVENTS, -1);
		for (i = 0; i < n; i++) {
			if (evs[i].data.fd == lfd) {
				while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) != -1) {
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					ev.events = EPOLLIN;
					ev.data.fd = fd;
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				}
				continue;
			}
			fd = evs[i].data.fd;
			ssize_t r = read(fd, buf, sizeof(buf) - 1);
			if (r <= 0) {
				close(fd);
				continue;
			}
			buf[r] = '\0';
			if (strstr(buf, "\r\n\r\n") != NULL || strstr(buf, "\n\n") != NULL) {
				ssize_t w = write(fd, reply, sizeof(reply) - 1);

				(void)w;
				close(fd);
			}
		}
	}
}
