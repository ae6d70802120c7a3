/* elm327.h - the command interpreter of an ELM327 v1.5 OBD-II adapter attached to a running car. */
#ifndef HNP_ELM327_H
#define HNP_ELM327_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/limits.h"

/* The vehicle and adapter: what ATI, 0902 and ATRV say. */
struct elm_profile {
	char	 version[48];	/* "ELM327 v1.5" */
	char	 vin[18];	/* 17 characters */
	char	 voltage[8];	/* "13.9" */
};

struct elm_state {
	const struct elm_profile *prof;
	int		 echo, lf, spaces, headers;
	int		 proto;		/* ATSP: 0 auto, 1..12; */
	int		 automatic;	/* searching allowed (ATSP0, ATSPAn) */
	int		 found;		/* the bus was found by a search */
	char		 last[HNP_MAX_ELM_LINE + 1];	/* the last command, for an empty line */
	uint32_t	 rnd;
	uint32_t	 uptime_s;	/* seconds since the engine started (set by the caller) */
};

/* What a line was: for events. */
#define ELM_EMPTY	0	/* nothing but spaces, and no last command */
#define ELM_AT		1
#define ELM_OBD		2
#define ELM_UNKNOWN	3	/* answered "?" */

void	elm_init(struct elm_state *st, const struct elm_profile *prof, uint32_t seed);
/*
 * Runs one command line: the bytes received before its CR (any bytes). Appends what the adapter
 * sends back to out: the echo when echo is on, the reply lines, the empty line and the prompt.
 * *reply / *reply_len: the reply lines alone, inside out. Returns ELM_*.
 */
int	elm_exec(struct elm_state *st, const uint8_t *line, size_t len, struct buf *out,
	    size_t *reply, size_t *reply_len);
/* Checks a profile value; 0, or -1 with why. */
int	elm_check_vin(const char *v, char *why, size_t whylen);
int	elm_check_voltage(const char *v, char *why, size_t whylen);
int	elm_check_version(const char *v, char *why, size_t whylen);

#endif
