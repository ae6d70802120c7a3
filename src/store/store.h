/* store.h - the event store: group commit of events to SQLite (loop or writer thread), then the other sinks. */
#ifndef HNP_STORE_H
#define HNP_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/evt.h"

struct store;
struct event_base;

/*
 * The loop's base must have STORE_PRIORITIES priorities (sockets and timers use the middle one).
 * Events are committed when the loop has nothing else to do (STORE_HANDOFF_PRIORITY, the lowest:
 * libevent runs it only when no other event is active), so a burst is one transaction; a busy
 * loop that never idles commits HNP_COMMIT_WAIT_US after a reply starts waiting
 * (STORE_WAIT_PRIORITY, the highest: it runs right after the callback that is running).
 */
#define STORE_PRIORITIES	3
#define STORE_HANDOFF_PRIORITY	2
#define STORE_WAIT_PRIORITY	0
/* The loop looks at its timers again after this many µs of callbacks (run.c). */
#define STORE_DISPATCH_US	200

/* Called on the event loop's thread after a commit: every event with seq <= committed is durable. */
typedef void (*store_notify_cb)(int64_t committed, void *arg);

/*
 * Opens (creating and migrating) the SQLite store at [store] path and the sinks enabled in config,
 * and starts the writer thread. base may be NULL (no notifications: offline writers such as tests).
 * Returns NULL with err set on failure.
 */
struct store *store_open(const struct config *cfg, struct event_base *base, store_notify_cb cb,
	    void *arg, char *err, size_t errlen);
/*
 * Queues ev for the next commit and takes ownership of it (loop thread only). Returns its sequence
 * number (> 0), or -1 when the queue is full (the event is freed; the caller must not answer for it).
 */
int64_t	store_append(struct store *s, struct evt *ev);
/*
 * A reply waits for event seq (loop thread): it is committed at the end of this loop turn. Events
 * nobody waits for are committed a few ms later, with whatever comes next.
 */
void	store_wait(struct store *s, int64_t seq);
/* The highest sequence number committed so far. */
int64_t	store_committed(struct store *s);
/* Blocks until every queued event is committed (or failed). */
void	store_flush(struct store *s);
/* Asks the sinks to reopen their files (SIGHUP, log rotation). */
void	store_reopen(struct store *s);
/* Flushes, stops the writer and closes everything. */
void	store_close(struct store *s);

/*
 * Runs fn(ev, arg) on the writer thread for every event before it is stored (classification: it
 * may set ev->tags). Replaces the previous classifier; the writer frees the previous arg with
 * free_fn once it no longer uses it (at its next batch, or at store_close). fn NULL: none.
 */
typedef void (*store_classify_cb)(struct evt *ev, void *arg);
void	store_set_classifier(struct store *s, store_classify_cb fn, void *arg,
	    void (*free_fn)(void *));

/* Store configuration keys ([store], [log]). */
extern const struct config_key store_config_keys[];

#endif
