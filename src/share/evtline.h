/* evtline.h - one event as one terminal-safe text line or one JSON line (events, tail). */
#ifndef HNP_EVTLINE_H
#define HNP_EVTLINE_H

#include <stdio.h>

#include "core/buf.h"
#include "core/evt.h"

/* Bytes an event line can take (attacker strings are cut to fixed widths well below this). */
#define EVTLINE_MAX	4096

/*
 * Appends the text line for ev to b, without a newline:
 *   TIME PROTO KIND SRC_IP:PORT SUMMARY
 * TIME is ISO 8601 UTC with microseconds, an IPv6 source is shown as [addr]:port, and SUMMARY
 * depends on the kind: request "METHOD URI STATUS [rule=N] [(flags)]", download_url "URL [tool]",
 * login "user=U pass=P", command "$ CMD", close "REASON Nms in=N out=N", payload
 * "DETECTED N bytes", connect "-> DST:PORT", anything else the fields as compact JSON. Every
 * string that came from the store is escaped (esc_cell) and cut to a column budget. Returns 0,
 * or -1 when b is full.
 */
int	evtline_text(struct buf *b, const struct evt *ev);
/* Writes the text line and a newline to fp. Returns 0, or -1 on a write error. */
int	evtline_print(FILE *fp, const struct evt *ev);
/*
 * Writes evt_to_json(ev, 1) (payload in base64) as one line of ASCII-only JSON to fp.
 * Returns 0, or -1 on a write error.
 */
int	evtline_print_json(FILE *fp, const struct evt *ev);

#endif
