/*
 * firstseen.h - the first time anything was ever seen (sources, request paths, signatures,
 * fingerprints), kept in the first_seen table so "what is new" stays one indexed range query on a
 * big store. Events are folded in incrementally: every event with seq above first_seen_mark.
 */
#ifndef HNP_FIRSTSEEN_H
#define HNP_FIRSTSEEN_H

#include <stddef.h>

#include <sqlite3.h>

/* Field names holding client fingerprints (the "fp" values), NULL-terminated; at most 8. */
extern const char *const firstseen_fp_fields[];

/* Folds the events not folded yet into first_seen (one transaction). 0, or -1 with err. */
int	firstseen_fold(sqlite3 *db, char *err, size_t errlen);

#endif
