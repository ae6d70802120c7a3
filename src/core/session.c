/*
 * session.c - the life of one connection: a capped input buffer fed to the protocol, idle and total
 * timers the protocol cannot disarm, connect/close events, replies held until their event is
 * durable, per-source accounting, and one close path.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/limits.h"
#include "core/listener.h"
#include "core/log.h"
#include "core/session.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "proto/proto.h"

struct session {
	struct service		*svc;
	const struct proto	*proto;
	void			*ctx;
	size_t			 ctx_size;	/* ctx's allocation */
	int			 fd;
	struct event		*rev;		/* readable, or idle timeout */
	struct event		*wev;		/* writable, armed only while out is not empty */
	struct event		*total_timer;
	char			 id[ULID_LEN + 1];
	char			 src_ip[EVT_IP_LEN], dst_ip[EVT_IP_LEN];
	uint16_t		 src_port, dst_port;
	struct buf		 in;		/* received, not yet consumed by the protocol */
	size_t			 in_counted;	/* in.len as last added to session_env.buffered */
	struct buf		 out;		/* released replies the socket has not taken yet */
	struct buf		 pending;	/* replies waiting for their event to be durable */
	int64_t			 start_us;
	uint64_t		 bytes_in, bytes_out;
	int64_t			 wait_seq;
	int64_t			 last_seq;	/* highest sequence number of its events */
	const struct transport	*tr;		/* NULL: plain bytes */
	void			*t;		/* the transport's state */
	struct {
		const char	*key;
		char		 value[SESSION_FIELD_MAX + 1];
	}			 fields[SESSION_FIELDS];
	size_t			 nfields;
	const char		*close_reason;	/* close once everything is written (in reason_buf) */
	char			 reason_buf[32];
	int			 closing;
	int			 eof;		/* the peer will send no more */
	int			 in_read;	/* inside the read callback */
	int			 peek;		/* peek mode: in is a copy of the socket's queue */
	int64_t			 connect_seq;	/* the connect event's sequence number */
	struct source		*source;
	TAILQ_ENTRY(session)	 all;
	TAILQ_ENTRY(session)	 waiting;
	int			 is_waiting;
};

/* A session's allocation: the struct, then its three events (sizes rounded for alignment). */
#define SESSION_ALIGN(n)	(((n) + 15) & ~(size_t)15)
#define SESSION_SIZE		SESSION_ALIGN(sizeof(struct session))

static size_t
session_event_size(void)
{
	static size_t	 size;

	if (size == 0)
		size = SESSION_ALIGN(event_get_struct_event_size());
	return size;
}

/*
 * secs as a libevent common timeout, made once per service: every session of a service has the
 * same idle and total time, so their timers wait in one queue instead of each in the heap.
 */
static const struct timeval *
session_timeout(unsigned secs, struct session_timeout *t)
{
	if (t->common == NULL) {
		t->tv.tv_sec = (time_t)secs;
		t->tv.tv_usec = 0;
		if ((t->common = event_base_init_common_timeout(session_env.base, &t->tv)) == NULL)
			t->common = &t->tv;
	}
	return t->common;
}

/* Open sessions per source address (for max_connections_per_source). */
struct source {
	char			 ip[EVT_IP_LEN];
	unsigned		 count;
	struct source		*next;
};

#define SOURCE_BUCKETS	4096

struct session_env		 session_env;
static TAILQ_HEAD(, session)	 sessions_all = TAILQ_HEAD_INITIALIZER(sessions_all);
static TAILQ_HEAD(, session)	 sessions_waiting = TAILQ_HEAD_INITIALIZER(sessions_waiting);
/* Closed, freed on the next loop turn (linked by their all entry). */
static TAILQ_HEAD(, session)	 sessions_dead = TAILQ_HEAD_INITIALIZER(sessions_dead);
static struct source		*source_table[SOURCE_BUCKETS];

static unsigned
source_hash(const char *ip)
{
	unsigned	 h = 2166136261u;

	for (; *ip; ip++)
		h = (h ^ (unsigned char)*ip) * 16777619u;
	return h % SOURCE_BUCKETS;
}

static struct source *
source_get(const char *ip, int create)
{
	unsigned	 h = source_hash(ip);
	struct source	*src;

	for (src = source_table[h]; src != NULL; src = src->next)
		if (strcmp(src->ip, ip) == 0)
			return src;
	if (!create)
		return NULL;
	src = xcalloc(1, sizeof(*src));
	snprintf(src->ip, sizeof(src->ip), "%s", ip);
	src->next = source_table[h];
	source_table[h] = src;
	return src;
}

static void
source_release(struct source *src)
{
	struct source	**pp;

	if (--src->count > 0)
		return;
	for (pp = &source_table[source_hash(src->ip)]; *pp != NULL; pp = &(*pp)->next)
		if (*pp == src) {
			*pp = src->next;
			free(src);
			return;
		}
}

/* Dotted quad of an IPv4 address (inet_ntop goes through sprintf: 1.7k instructions). */
static void
session_ipv4(const uint8_t *a, char *ip, size_t iplen)
{
	char	 tmp[16];
	size_t	 o = 0;
	int	 i;

	for (i = 0; i < 4; i++) {
		unsigned	 v = a[i];

		if (i > 0)
			tmp[o++] = '.';
		if (v >= 100)
			tmp[o++] = (char)('0' + v / 100);
		if (v >= 10)
			tmp[o++] = (char)('0' + v / 10 % 10);
		tmp[o++] = (char)('0' + v % 10);
	}
	tmp[o] = '\0';
	if (o < iplen)
		memcpy(ip, tmp, o + 1);		/* snprintf cost ~600 instructions per address */
	else if (iplen > 0)
		ip[0] = '\0';
}

/* Numeric address and port of a socket address. */
static void
session_addr(const struct sockaddr *sa, char *ip, size_t iplen, uint16_t *port)
{
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6	*s6 = (const struct sockaddr_in6 *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			session_ipv4(&s6->sin6_addr.s6_addr[12], ip, iplen);
		else
			inet_ntop(AF_INET6, &s6->sin6_addr, ip, (socklen_t)iplen);
		*port = ntohs(s6->sin6_port);
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in	*s4 = (const struct sockaddr_in *)sa;

		session_ipv4((const uint8_t *)&s4->sin_addr, ip, iplen);
		*port = ntohs(s4->sin_port);
	} else {
		snprintf(ip, iplen, "?");
		*port = 0;
	}
}

/* Fills in the session's half of a new event. */
static struct evt *
session_fill(struct session *s, struct evt *ev)
{
	memcpy(ev->session, s->id, sizeof(ev->session));
	memcpy(ev->src_ip, s->src_ip, sizeof(ev->src_ip));
	memcpy(ev->dst_ip, s->dst_ip, sizeof(ev->dst_ip));
	ev->src_port = s->src_port;
	ev->dst_port = s->dst_port;
	return ev;
}

struct evt *
session_evt(struct session *s, const char *kind, json_t *fields)
{
	return session_fill(s, evt_new(session_env.sensor, s->proto->name, kind, fields));
}

struct evt *
session_evt_text(struct session *s, const char *kind, const struct jsonw *w)
{
	const struct buf	*b = w->b;
	int			 ok = jsonw_done(w) == 0 && b->len > 0;

	return session_fill(s, evt_new_text(session_env.sensor, s->proto->name, kind,
	    ok ? (const char *)b->data : NULL, ok ? b->len : 0));
}

struct evt *
session_evt_payload(struct session *s, const char *kind, const struct jsonw *w, const void *p,
    size_t len, uint64_t total)
{
	const struct buf	*b = w->b;
	int			 ok = jsonw_done(w) == 0 && b->len > 0;

	return session_fill(s, evt_new_text_payload(session_env.sensor, s->proto->name, kind,
	    ok ? (const char *)b->data : NULL, ok ? b->len : 0, p, len, total));
}

int64_t
session_emit(struct session *s, struct evt *ev)
{
	int64_t	 seq = session_env.emit(session_env.emit_arg, ev);

	if (seq > s->last_seq)
		s->last_seq = seq;
	return seq;
}

int64_t
session_last_seq(const struct session *s)
{
	return s->last_seq;
}

void
session_set_transport(struct session *s, const struct transport *tr, void *t)
{
	if (s->tr != NULL && s->tr->free != NULL)
		s->tr->free(s->t);
	s->tr = tr;
	s->t = t;
}

void
session_set_field(struct session *s, const char *key, const char *value)
{
	size_t	 i;

	for (i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i].key, key) == 0)
			break;
	if (i == SESSION_FIELDS)
		return;
	if (i == s->nfields)
		s->nfields++;
	s->fields[i].key = key;
	snprintf(s->fields[i].value, sizeof(s->fields[i].value), "%s", value);
}

void
session_put_fields(const struct session *s, struct jsonw *w)
{
	size_t	 i;

	for (i = 0; i < s->nfields; i++) {
		jsonw_key(w, s->fields[i].key);
		jsonw_str(w, s->fields[i].value);
	}
}

static void	session_free(struct session *);
static void	session_reap_cb(evutil_socket_t, short, void *);
static void	session_eof(struct session *);
static void	session_end(struct session *, const char *);
static void	session_feed(struct session *);
static void	session_release(struct session *);
static void	session_read_cb(evutil_socket_t, short, void *);
static void	session_write_cb(evutil_socket_t, short, void *);
static int	session_peek_take(struct session *);
static int	session_peek_drop(struct session *, size_t);
static void	session_peek_read(struct session *);

/* Keeps session_env.buffered equal to the input all sessions hold. */
static void
session_count_input(struct session *s)
{
	session_env.buffered += s->in.len;
	session_env.buffered -= s->in_counted;
	s->in_counted = s->in.len;
}

static void
session_unwait(struct session *s)
{
	if (s->is_waiting) {
		TAILQ_REMOVE(&sessions_waiting, s, waiting);
		s->is_waiting = 0;
	}
}

void
session_close(struct session *s, const char *reason)
{
	static struct buf	 fields;	/* loop thread only */
	struct jsonw		 w;

	if (s->closing)
		return;
	s->closing = 1;
	session_unwait(s);
	buf_consume(&s->in, s->in.len);
	session_count_input(s);
	if (fields.max == 0)
		buf_init(&fields, HNP_MAX_FIELDS_JSON);
	fields.len = 0;
	jsonw_init(&w, &fields);
	jsonw_object_begin(&w);
	jsonw_key(&w, "reason");
	jsonw_str(&w, reason);
	jsonw_key(&w, "duration_ms");
	jsonw_int(&w, (time_now_us() - s->start_us) / 1000);
	jsonw_key(&w, "bytes_in");
	jsonw_int(&w, (int64_t)s->bytes_in);
	jsonw_key(&w, "bytes_out");
	jsonw_int(&w, (int64_t)s->bytes_out);
	jsonw_object_end(&w);
	session_emit(s, session_evt_text(s, "close", &w));
	if (s->proto->on_close != NULL)
		s->proto->on_close(s, s->ctx);
	TAILQ_REMOVE(&sessions_all, s, all);
	session_env.open--;
	listener_pause_all(0);
	source_release(s->source);
	s->source = NULL;
	event_del(s->rev);
	event_del(s->wev);
	event_del(s->total_timer);
	if (s->peek)
		session_peek_drop(s, s->in.max);	/* unread bytes would turn the FIN into a reset */
	close(s->fd);
	s->fd = -1;
	/*
	 * Free on the next loop turn: callers up the stack may still hold s. The sessions closed
	 * in one turn share one deferred call (an event_base_once each cost an allocation).
	 */
	if (TAILQ_EMPTY(&sessions_dead))
		event_base_once(session_env.base, -1, EV_TIMEOUT, session_reap_cb, NULL, NULL);
	TAILQ_INSERT_TAIL(&sessions_dead, s, all);
}

static void
session_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session	*s;

	while ((s = TAILQ_FIRST(&sessions_dead)) != NULL) {
		TAILQ_REMOVE(&sessions_dead, s, all);
		session_free(s);
	}
}

/* Keeps a copy of the close reason in the session (reasons are short words). */
static void
session_set_reason(struct session *s, const char *reason)
{
	size_t	 n = strnlen(reason, sizeof(s->reason_buf) - 1);

	memcpy(s->reason_buf, reason, n);
	s->reason_buf[n] = '\0';
	s->close_reason = s->reason_buf;
}

/*
 * Freed sessions kept for the next ones, with their context and small buffers: a connection then
 * costs no allocation of its own in the steady state. Bounded in count and in what each keeps.
 */
#define SESSION_POOL_MAX	64
#define SESSION_POOL_BUF	4096	/* larger buffers are freed */

static struct session	*session_pool[SESSION_POOL_MAX];
static size_t		 session_npool;

static void
session_buf_drop_large(struct buf *b)
{
	if (b->cap > SESSION_POOL_BUF)
		buf_free(b);
}

/* Frees a session whose events are not pending (closed, or never armed), or pools it. */
static void
session_free(struct session *s)
{
	if (s->tr != NULL && s->tr->free != NULL)
		s->tr->free(s->t);
	s->tr = NULL;
	if (session_npool < SESSION_POOL_MAX) {
		session_buf_drop_large(&s->in);
		session_buf_drop_large(&s->out);
		session_buf_drop_large(&s->pending);
		session_pool[session_npool++] = s;
		return;
	}
	buf_free(&s->in);
	buf_free(&s->out);
	buf_free(&s->pending);
	free(s->ctx);
	free(s);
}

/* A buffer of a pooled session, emptied, with a new maximum (its storage kept). */
static void
session_buf_reuse(struct buf *b, const struct buf *kept, size_t max)
{
	buf_init(b, max);
	if (kept->cap <= max) {
		b->data = kept->data;
		b->cap = kept->cap;
	} else
		free(kept->data);
}

/* A zeroed session with its events' room, its context and buffers (from the pool if it can). */
static struct session *
session_alloc(const struct proto *p, size_t in_max)
{
	struct session	*s, kept;

	if (session_npool == 0) {
		s = xcalloc(1, SESSION_SIZE + 3 * session_event_size());
		buf_init(&s->in, in_max);
		buf_init(&s->out, HNP_MAX_PENDING_OUT);
		buf_init(&s->pending, HNP_MAX_PENDING_OUT);
		s->ctx_size = p->ctx_size;
		s->ctx = p->ctx_size ? xcalloc(1, p->ctx_size) : NULL;
		return s;
	}
	s = session_pool[--session_npool];
	kept = *s;
	memset(s, 0, SESSION_SIZE + 3 * session_event_size());
	session_buf_reuse(&s->in, &kept.in, in_max);
	session_buf_reuse(&s->out, &kept.out, HNP_MAX_PENDING_OUT);
	session_buf_reuse(&s->pending, &kept.pending, HNP_MAX_PENDING_OUT);
	if (kept.ctx_size == p->ctx_size && kept.ctx != NULL) {
		s->ctx = kept.ctx;
		memset(s->ctx, 0, p->ctx_size);
	} else {
		free(kept.ctx);
		s->ctx = p->ctx_size ? xcalloc(1, p->ctx_size) : NULL;
	}
	s->ctx_size = p->ctx_size;
	return s;
}

void
session_pool_free(void)
{
	struct session	*s;

	while (session_npool > 0) {
		s = session_pool[--session_npool];
		buf_free(&s->in);
		buf_free(&s->out);
		buf_free(&s->pending);
		free(s->ctx);
		free(s);
	}
}

int
session_closing(const struct session *s)
{
	return s->closing;
}

/*
 * One write to the client. When the session closes once this is out, MSG_MORE holds the bytes
 * back so close() sends them and the FIN in one segment (Linux tacks a FIN onto unsent data):
 * one packet less for both ends of every closed connection.
 */
static ssize_t
session_write(struct session *s, const uint8_t *p, size_t len, int last)
{
	return send(s->fd, p, len, MSG_NOSIGNAL | (last ? MSG_MORE : 0));
}

/*
 * Writes what the socket takes now; queues the rest (capped) for the write event. last: the
 * session closes once this is out.
 */
static int
session_send(struct session *s, const uint8_t *p, size_t len, int last)
{
	ssize_t	 n = 0;

	if (s->out.len == 0) {
		n = session_write(s, p, len, last);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
				session_close(s, "reset");
				return -1;
			}
			n = 0;
		}
		s->bytes_out += (size_t)n;
		if ((size_t)n == len)
			return 0;
	}
	if (buf_append(&s->out, p + n, len - (size_t)n) == -1) {
		session_close(s, "output_overflow");
		return -1;
	}
	event_add(s->wev, NULL);
	return 0;
}

/* Sends pending replies whose events are durable, then closes if asked to and all is out. */
static void
session_release(struct session *s)
{
	if (s->closing)
		return;
	if (s->pending.len > 0 && s->wait_seq <= session_env.committed) {
		session_unwait(s);
		if (session_send(s, s->pending.data, s->pending.len,
		    s->close_reason != NULL) == -1)
			return;
		buf_consume(&s->pending, s->pending.len);
	}
	if (s->close_reason != NULL && s->pending.len == 0 && s->out.len == 0)
		session_close(s, s->close_reason);
}

int
session_reply(struct session *s, int64_t seq, const void *data, size_t len)
{
	static struct buf	 enc;	/* loop thread only */
	int			 rc;

	if (s->tr == NULL || s->closing || seq < 0)
		return session_reply_raw(s, seq, data, len);
	if (enc.max == 0)
		buf_init(&enc, HNP_MAX_PENDING_OUT + HNP_MAX_PENDING_OUT / 8);
	enc.len = 0;
	if (s->tr->encode(s, s->t, data, len, &enc) == -1) {
		session_close(s, "output_overflow");
		return -1;
	}
	rc = session_reply_raw(s, seq, enc.data, enc.len);
	if (enc.cap > 65536)
		buf_free(&enc);
	return rc;
}

int
session_reply_raw(struct session *s, int64_t seq, const void *data, size_t len)
{
	if (s->closing)
		return -1;
	if (seq < 0) {
		session_close(s, "store_full");
		return -1;
	}
	if (seq > s->wait_seq)
		s->wait_seq = seq;
	if (s->pending.len == 0 && s->wait_seq <= session_env.committed)
		return session_send(s, data, len, 0);
	if (s->pending.len + s->out.len + len > s->pending.max ||
	    buf_append(&s->pending, data, len) == -1) {
		session_close(s, "output_overflow");
		return -1;
	}
	if (!s->is_waiting) {
		TAILQ_INSERT_TAIL(&sessions_waiting, s, waiting);
		s->is_waiting = 1;
	}
	if (session_env.wait != NULL)
		session_env.wait(session_env.emit_arg, s->wait_seq);
	return 0;
}

void
session_close_after_reply(struct session *s, const char *reason)
{
	static struct buf	 fin;	/* loop thread only */

	if (s->closing || s->close_reason != NULL)
		return;
	if (s->tr != NULL && s->tr->shutdown != NULL) {
		if (fin.max == 0)
			buf_init(&fin, 1024);
		fin.len = 0;
		s->tr->shutdown(s, s->t, &fin);
		if (fin.len > 0 && session_reply_raw(s, s->wait_seq, fin.data, fin.len) == -1)
			return;
	}
	session_set_reason(s, reason);
	/* Nothing more will be read: stop listening for input. */
	event_del(s->rev);
	if (!s->in_read)
		session_release(s);
}

void
session_committed(int64_t committed)
{
	struct session	*s, *next;

	session_env.committed = committed;
	for (s = TAILQ_FIRST(&sessions_waiting); s != NULL; s = next) {
		next = TAILQ_NEXT(s, waiting);
		if (s->wait_seq <= committed)
			session_release(s);
	}
}

/* Feeds buffered input to the protocol until it stops consuming. */
static void
session_feed(struct session *s)
{
	const struct proto	*p;
	ssize_t			 n;

	while (s->in.len > 0 && !s->closing && s->close_reason == NULL) {
		p = s->proto;
		n = p->on_read(s, s->ctx, s->in.data, s->in.len);
		if (s->closing)
			return;
		if (n < 0) {
			session_close_after_reply(s, "protocol_error");
			return;
		}
		if (n == 0) {
			if (s->proto != p)
				continue;	/* handed off: the new protocol reads what is left */
			break;
		}
		if (s->peek && session_peek_take(s) == -1)
			return;
		buf_consume(&s->in, (size_t)n);
	}
	/* Bytes that came in after the protocol decided to close are recorded, not dropped. */
	if (!s->closing && s->close_reason != NULL && s->in.len > 0) {
		if (s->proto->on_incomplete != NULL)
			s->proto->on_incomplete(s, s->ctx, s->in.data, s->in.len, "unanswered");
		buf_consume(&s->in, s->in.len);
		return;
	}
	/* Full and still wanting more: the core records it, the handler never stalls (H4). */
	if (!s->closing && s->close_reason == NULL && s->in.len > 0 && buf_room(&s->in) == 0) {
		if (s->proto->on_incomplete != NULL)
			s->proto->on_incomplete(s, s->ctx, s->in.data, s->in.len, "oversize");
		buf_consume(&s->in, s->in.len);
		session_close_after_reply(s, "oversize");
	}
}

/* The peer went away or a timeout fired: record any partial input, then close. */
static void
session_end(struct session *s, const char *why)
{
	if (s->closing)
		return;
	if (s->tr != NULL && s->tr->end != NULL && s->close_reason == NULL)
		s->tr->end(s, s->t, why);
	if (s->closing)
		return;
	if (s->in.len > 0 && s->close_reason == NULL && s->proto->on_incomplete != NULL)
		s->proto->on_incomplete(s, s->ctx, s->in.data, s->in.len, why);
	buf_consume(&s->in, s->in.len);
	session_close(s, why);
}

/* End of input: record a partial message; replies already gated still go out (half-close). */
static void
session_eof(struct session *s)
{
	s->eof = 1;
	event_del(s->rev);
	if (s->tr != NULL && s->tr->end != NULL && s->close_reason == NULL && !s->closing)
		s->tr->end(s, s->t, "eof");
	if (s->close_reason == NULL && s->in.len > 0 && s->proto->on_incomplete != NULL)
		s->proto->on_incomplete(s, s->ctx, s->in.data, s->in.len, "eof");
	buf_consume(&s->in, s->in.len);
	if (s->closing)
		return;
	if (s->pending.len > 0 || s->out.len > 0) {
		if (s->close_reason == NULL)
			session_set_reason(s, "eof");
	} else
		session_close(s, s->close_reason ? s->close_reason : "eof");
}

/*
 * Raw bytes through the transport: everything it decodes now goes to the protocol, a buffer at a
 * time (rbuf is reused: the transport has taken the raw bytes).
 */
static void
session_decode(struct session *s, uint8_t *rbuf, size_t rsize, size_t n)
{
	size_t	 room;
	ssize_t	 m;

	if (s->tr->push(s, s->t, rbuf, n) == -1)
		return;
	while (!s->closing && s->close_reason == NULL) {
		if ((room = buf_room(&s->in)) == 0) {
			session_feed(s);	/* full and wanting more: recorded and closed */
			return;
		}
		if (room > rsize)
			room = rsize;
		if ((m = s->tr->pull(s, s->t, rbuf, room)) <= 0)
			return;
		if (buf_append(&s->in, rbuf, (size_t)m) == -1) {
			session_close(s, "out_of_memory");
			return;
		}
		session_feed(s);
	}
}

static void
session_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session	*s = arg;
	static uint8_t	 rbuf[HNP_READ_CHUNK];	/* loop thread only */
	size_t		 room;
	ssize_t		 n;

	if (what & EV_TIMEOUT) {
		session_end(s, "idle_timeout");
		return;
	}
	if (s->peek) {
		session_peek_read(s);
		return;
	}
	if ((room = buf_room(&s->in)) == 0) {
		session_feed(s);	/* full: records it and closes */
		return;
	}
	if (room > sizeof(rbuf))
		room = sizeof(rbuf);
	/* Read into shared space, keep only what came: an idle session holds no read buffer. */
	/* Past the budget for all sessions together: record what this one has and close it. */
	if (session_env.buffered + room > session_env.max_buffered && s->in.len > 0) {
		session_end(s, "memory_budget");
		return;
	}
	n = read(fd, rbuf, room);
	if (n == 0) {
		session_eof(s);
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			session_end(s, "reset");
		return;
	}
	s->bytes_in += (size_t)n;
	s->in_read = 1;
	if (s->tr != NULL)
		session_decode(s, rbuf, sizeof(rbuf), (size_t)n);
	else if (buf_append(&s->in, rbuf, (size_t)n) == -1) {
		s->in_read = 0;
		session_close(s, "out_of_memory");
		return;
	} else
		session_feed(s);
	s->in_read = 0;
	if (!s->closing) {
		session_count_input(s);
		session_release(s);
	}
}

static void
session_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session	*s = arg;
	ssize_t		 n;

	if (s->out.len > 0) {
		n = session_write(s, s->out.data, s->out.len,
		    s->close_reason != NULL && s->pending.len == 0);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				session_close(s, "reset");
			return;
		}
		s->bytes_out += (size_t)n;
		buf_consume(&s->out, (size_t)n);
	}
	if (s->out.len == 0) {
		event_del(s->wev);
		if (s->close_reason != NULL && s->pending.len == 0)
			session_close(s, s->close_reason);
	}
}

static void
session_total_cb(evutil_socket_t fd, short what, void *arg)
{
	session_end(arg, "total_timeout");
}

/* The connect event, with the fingerprint of the client's SYN when the listener saved it. */
static struct evt *
session_connect_evt(struct session *s)
{
	static struct buf	 fields;	/* loop thread only */
	uint8_t			 syn[HNP_MAX_SAVED_SYN];
	socklen_t		 len = sizeof(syn);
	struct jsonw		 w;
	struct evt		*ev;
	json_t			*tags = NULL;

	if (fields.max == 0)
		buf_init(&fields, HNP_MAX_FIELDS_JSON);
	fields.len = 0;
	jsonw_init(&w, &fields);
	jsonw_object_begin(&w);
	/* One getsockopt; the kernel frees its copy as it hands it over. */
	if (session_env.syn_fields != NULL &&
	    getsockopt(s->fd, IPPROTO_TCP, TCP_SAVED_SYN, syn, &len) == 0 && len > 0)
		tags = session_env.syn_fields(session_env.syn_arg, syn, len, &w);
	jsonw_object_end(&w);
	ev = session_evt_text(s, "connect", &w);
	ev->tags = tags;
	return ev;
}

struct session *
session_new(struct service *svc, int fd, const struct sockaddr *peer, socklen_t peerlen,
    const struct sockaddr *local_addr)
{
	struct session		*s;
	struct sockaddr_storage	 local;
	socklen_t		 llen = sizeof(local);

	/* The three events live in the session's own allocation (event_assign). */
	s = session_alloc(svc->proto, svc->proto->max_input ? svc->proto->max_input(svc) : 65536);
	s->rev = (struct event *)((char *)s + SESSION_SIZE);
	s->wev = (struct event *)((char *)s->rev + session_event_size());
	s->total_timer = (struct event *)((char *)s->wev + session_event_size());
	s->svc = svc;
	s->proto = svc->proto;
	s->fd = fd;
	s->last_seq = -1;
	s->start_us = time_now_us();
	ulid_make(s->id, s->start_us);
	session_addr(peer, s->src_ip, sizeof(s->src_ip), &s->src_port);
	if (local_addr != NULL)
		session_addr(local_addr, s->dst_ip, sizeof(s->dst_ip), &s->dst_port);
	else if (getsockname(fd, (struct sockaddr *)&local, &llen) == 0)
		session_addr((struct sockaddr *)&local, s->dst_ip, sizeof(s->dst_ip), &s->dst_port);
	if (event_assign(s->rev, session_env.base, fd, EV_READ | EV_PERSIST, session_read_cb,
	    s) == -1 ||
	    event_assign(s->wev, session_env.base, fd, EV_WRITE | EV_PERSIST, session_write_cb,
	    s) == -1 ||
	    evtimer_assign(s->total_timer, session_env.base, session_total_cb, s) == -1) {
		close(fd);
		session_free(s);
		return NULL;
	}
	s->source = source_get(s->src_ip, 1);
	s->source->count++;
	session_env.open++;
	TAILQ_INSERT_TAIL(&sessions_all, s, all);
	evtimer_add(s->total_timer, session_timeout(svc->total_s, &svc->total_tv));

	s->connect_seq = session_emit(s, session_connect_evt(s));
	if (svc->transport != NULL) {
		s->tr = svc->transport;
		if ((s->t = s->tr->open(s, svc->transport_state)) == NULL) {
			s->tr = NULL;
			session_close(s, "refused");
			return s;
		}
	}
	if (s->proto->on_accept != NULL) {
		if (s->proto->on_accept(s, s->ctx) == -1) {
			session_close(s, "refused");
			return s;
		}
	} else {
		/*
		 * The client speaks first, and its bytes are often here already: read them now,
		 * and register for more only if the protocol still wants input (saves two
		 * epoll_ctl calls for a connection that sends one request and is closed).
		 */
		session_read_cb(fd, EV_READ, s);
		if (s->closing || s->close_reason != NULL || s->eof)
			return s;
	}
	event_add(s->rev, session_timeout(svc->idle_s, &svc->idle_tv));
	return s;
}

/* Whether a new connection from peer may be admitted under the global and per-source caps. */
int
session_admit(const struct sockaddr *peer)
{
	char		 ip[EVT_IP_LEN];
	uint16_t	 port;
	struct source	*src;

	if (session_env.open >= session_env.max_conn)
		return 0;
	session_addr(peer, ip, sizeof(ip), &port);
	src = source_get(ip, 0);
	return src == NULL || src->count < session_env.max_per_source;
}

void
session_close_all(const char *reason)
{
	struct session	*s;

	while ((s = TAILQ_FIRST(&sessions_all)) != NULL)
		session_close(s, reason);
}

int64_t
session_connect_seq(const struct session *s)
{
	return s->connect_seq;
}

const char *
session_id(const struct session *s)
{
	return s->id;
}

const char *
session_src_ip(const struct session *s)
{
	return s->src_ip;
}

uint16_t
session_src_port(const struct session *s)
{
	return s->src_port;
}

uint16_t
session_dst_port(const struct session *s)
{
	return s->dst_port;
}

struct service *
session_service(const struct session *s)
{
	return s->svc;
}

/*
 * Peek mode and hand-off (the catch-all): while peeking, input is read with MSG_PEEK under an
 * edge-triggered read event (a wake-up per arrival, no spinning on bytes left in the socket), so
 * the socket keeps every byte until the protocol consumes some (session_peek_take) or hands the
 * session to another service, which then finds the socket as a fresh accept would.
 */

/* (Re)arms the read and write events, edge-triggered or not. */
static void
session_arm(struct session *s, short et)
{
	event_del(s->rev);
	event_del(s->wev);
	event_assign(s->rev, session_env.base, s->fd, EV_READ | EV_PERSIST | et, session_read_cb,
	    s);
	event_assign(s->wev, session_env.base, s->fd, EV_WRITE | EV_PERSIST | et,
	    session_write_cb, s);
	if (s->close_reason == NULL && !s->eof)
		event_add(s->rev, session_timeout(s->svc->idle_s, &s->svc->idle_tv));
	if (s->out.len > 0)
		event_add(s->wev, NULL);
}

int
session_peek(struct session *s)
{
	if (s->closing || s->peek || s->in.len > 0 || s->bytes_in > 0)
		return -1;
	if (!(event_base_get_features(session_env.base) & EV_FEATURE_ET))
		return -1;
	s->peek = 1;
	session_arm(s, EV_ET);
	return 0;
}

int
session_peeking(const struct session *s)
{
	return s->peek;
}

/* Reads up to left bytes off the socket and drops them; 0 when all came, else -1. */
static int
session_peek_drop(struct session *s, size_t left)
{
	static uint8_t	 sink[HNP_READ_CHUNK];	/* loop thread only */
	ssize_t		 n;

	s->peek = 0;
	while (left > 0) {
		n = read(s->fd, sink, left < sizeof(sink) ? left : sizeof(sink));
		if (n <= 0)
			return -1;
		left -= (size_t)n;
	}
	return 0;
}

/* The protocol consumed: take the peeked bytes off the socket and read normally from now on. */
static int
session_peek_take(struct session *s)
{
	/* The peeked bytes are always there. */
	if (session_peek_drop(s, s->in.len) == -1) {
		session_end(s, "reset");
		return -1;
	}
	session_arm(s, 0);
	return 0;
}

/* Whether the peer's FIN is queued behind the bytes held (an edge that will not come again). */
static int
session_peek_hup(struct session *s)
{
	struct pollfd	 pfd;

	pfd.fd = s->fd;
	pfd.events = POLLRDHUP;
	pfd.revents = 0;
	return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

static void
session_peek_read(struct session *s)
{
	static uint8_t	 pbuf[HNP_READ_CHUNK];	/* loop thread only */
	size_t		 room = s->in.max < sizeof(pbuf) ? s->in.max : sizeof(pbuf);
	ssize_t		 n;

	if (session_env.buffered + room > session_env.max_buffered + s->in.len &&
	    s->in.len > 0) {
		session_end(s, "memory_budget");
		return;
	}
	n = recv(s->fd, pbuf, room, MSG_PEEK);
	if (n == 0) {
		session_eof(s);
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			session_end(s, "reset");
		return;
	}
	if ((size_t)n == s->in.len) {
		/* Nothing new: a spurious wake-up, or the peer's FIN behind the bytes held. */
		if (session_peek_hup(s))
			session_eof(s);
		return;
	}
	if ((size_t)n > s->in.len)
		s->bytes_in += (size_t)n - s->in.len;	/* counted once, when first seen */
	s->in.len = 0;
	if (buf_append(&s->in, pbuf, (size_t)n) == -1) {
		session_close(s, "out_of_memory");
		return;
	}
	s->in_read = 1;
	session_feed(s);
	s->in_read = 0;
	if (!s->closing) {
		session_count_input(s);
		session_release(s);
	}
	/* Still peeking and the FIN came with the bytes: no further edge will say so. */
	if (!s->closing && s->peek && session_peek_hup(s))
		session_eof(s);
}

int
session_handoff(struct session *s, struct service *to)
{
	size_t	 max;

	if (s->closing || s->close_reason != NULL || to == NULL)
		return -1;
	/* A transport (TLS) must see the stream from its first byte: only from peek mode. */
	if (to->transport != NULL && (!s->peek || s->tr != NULL))
		return -1;
	if (s->proto->on_close != NULL)
		s->proto->on_close(s, s->ctx);
	free(s->ctx);
	s->svc = to;
	s->proto = to->proto;
	s->ctx_size = s->proto->ctx_size;
	s->ctx = s->proto->ctx_size ? xcalloc(1, s->proto->ctx_size) : NULL;
	max = s->proto->max_input ? s->proto->max_input(to) : 65536;
	if (s->peek) {
		/* The bytes are still in the socket: the new protocol reads them afresh. */
		s->bytes_in -= s->in.len;
		buf_free(&s->in);
		buf_init(&s->in, max);
		s->peek = 0;
		session_arm(s, 0);
	} else
		s->in.max = max > s->in.len ? max : s->in.len;
	if (to->transport != NULL) {
		void	*t = to->transport->open(s, to->transport_state);

		if (t == NULL) {
			session_close(s, "refused");
			return -1;
		}
		session_set_transport(s, to->transport, t);
	}
	if (s->proto->on_accept != NULL && s->proto->on_accept(s, s->ctx) == -1) {
		session_close(s, "refused");
		return -1;
	}
	return 0;
}
