/*
 * srcrange.h - the store's index of events by source address, kept per committed batch rather
 * than per event (a block-range index, as PostgreSQL's BRIN): for each source address in a batch,
 * one src_ranges row with the lowest and highest seq and ts of its events there (a new row where
 * more than 32 seqs separate two of them). A query for one source reads its rows, then each seq
 * range of the events table (see query.c).
 */
#ifndef HNP_SRCRANGE_H
#define HNP_SRCRANGE_H

#include <stdint.h>

#include <sqlite3.h>

struct srcranges;	/* one batch's ranges, by address */

struct srcranges *srcranges_new(void);
void	srcranges_free(struct srcranges *r);
/* Starts a batch (forgets the ranges of one that was not written). */
void	srcranges_begin(struct srcranges *r);
/*
 * Adds one event of the batch: ip is an event's src_ip (at most EVT_IP_LEN - 1 bytes, as struct
 * evt holds it). Aborts when out of memory, as xmalloc.
 */
void	srcranges_add(struct srcranges *r, const char *ip, int64_t seq, int64_t ts);
/* Inserts the batch's rows into db (inside the batch's transaction). 0, or -1. */
int	srcranges_write(struct srcranges *r, sqlite3 *db);

#endif
