/*
 * report.h - what an abuse report says: the sources that deserve one (a plan, grouped by the
 * contact responsible), and for each source the evidence read from the store.
 */
#ifndef HNP_REPORT_H
#define HNP_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "abuse/contact.h"
#include "abuse/lookup.h"
#include "core/config.h"

#define REPORT_MAX_SOURCES	512	/* per plan */
#define REPORT_MAX_PORTS	8
#define REPORT_MAX_SIGS		16
#define REPORT_MAX_SAMPLES	5	/* representative requests or commands */
#define REPORT_EDGE		3	/* first and last events quoted */
#define REPORT_LINE_MAX		512	/* bytes of attacker text kept per line */

struct report_line {
	int64_t		 ts;
	int		 src_port, dst_port;
	char		 proto[16], kind[24];
	char		 text[REPORT_LINE_MAX];	/* raw attacker bytes (escaped when rendered) */
	size_t		 len;
};

struct report_src {
	char		 ip[64];
	int64_t		 events, first_ts, last_ts;
	char		 dst_ip[64];		/* the sensor's address as recorded */
	int		 ports[REPORT_MAX_PORTS];	/* destination ports */
	size_t		 nports;
	char		 protos[64];		/* "http ssh" */
	char		*sigs[REPORT_MAX_SIGS];	/* signature ids (event tags) */
	size_t		 nsigs;
	struct report_line samples[REPORT_MAX_SAMPLES];
	size_t		 nsamples;
	struct report_line first[REPORT_EDGE], last[REPORT_EDGE];
	size_t		 nfirst, nlast;
	int		 login;			/* login/auth attempts among the events */
	struct contact	 contact;
	int		 have_contact;
};

struct plan_group {
	char		 contact[CONTACT_EMAIL_LEN];	/* "" for sources nobody can be told */
	size_t		 src[REPORT_MAX_SOURCES];	/* indexes into plan.src */
	size_t		 nsrc;
};

struct plan {
	struct report_src *src;
	size_t		 nsrc;
	struct plan_group *grp;
	size_t		 ngrp;
	size_t		 skipped_recent;	/* reported to the same contact recently */
	int64_t		 since, until;
};

struct plan_opts {
	int64_t		 since, until;		/* µs window */
	int64_t		 min_events;
	char *const	*tags;			/* only events with one of these tags; NULL: all */
	const char	*ip;			/* only this source; NULL: all */
	const char	*contact;		/* only this contact; NULL: all */
	enum lookup_mode mode;
	int		 include_reported;	/* keep sources reported recently (render) */
};

/*
 * Builds the plan: sources with at least min_events events in the window (matching tags), their
 * evidence, their contact (abuse_lookup; a failed lookup leaves the source without contact and
 * is reported on stderr), grouped by contact, without sources reported to the same contact within
 * [abuse] report_interval. 0, or -1 with err.
 */
int	plan_build(sqlite3 *db, const struct config *cfg, const struct plan_opts *o,
	    struct plan *p, char *err, size_t errlen);
void	plan_free(struct plan *p);

/* The chain digest quoted by reports, and the day seal it falls under if any (text). */
void	report_digest(sqlite3 *db, int64_t until_us, char *out, size_t outlen);

/* Recording what was sent: one row per address. 0, or -1. */
int	report_record(sqlite3 *db, const char *report_id, int64_t ts, const char *contact,
	    const struct report_src *s, const char *message_id, const char *format,
	    const char *digest);

#endif
