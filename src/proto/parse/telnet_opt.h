/*
 * telnet_opt.h - the Telnet protocol layer of a server (RFC 854, 855): splits the client's bytes
 * into data and commands (IAC IAC, option verbs, subnegotiations, across reads), tracks what the
 * client agreed to, and decodes NAWS (RFC 1073) and TTYPE (RFC 1091). It answers nothing, exactly
 * as BusyBox telnetd, which swallows every option command after its opening: a server that refused
 * LINEMODE would be told apart from one, and puts clients such as hydra into character mode. Pure:
 * no I/O, fixed size.
 */
#ifndef HNP_TELNET_OPT_H
#define HNP_TELNET_OPT_H

#include <stddef.h>
#include <stdint.h>

#include "core/limits.h"

#define TN_IAC		255
#define TN_DONT		254
#define TN_DO		253
#define TN_WONT		252
#define TN_WILL		251
#define TN_SB		250
#define TN_SE		240

#define TN_OPT_ECHO	1
#define TN_OPT_SGA	3
#define TN_OPT_TTYPE	24
#define TN_OPT_NAWS	31

/* Per-option state of one side (RFC 1143 names). */
enum tn_q { TN_NO, TN_YES, TN_WANTNO, TN_WANTYES };

struct tn_parser {
	int		 state;		/* where in an IAC sequence we are */
	uint8_t		 verb;		/* WILL/WONT/DO/DONT being read */
	uint8_t		 us[256];	/* our options (we WILL) */
	uint8_t		 him[256];	/* the client's options (we asked DO) */
	uint8_t		 sb_opt;
	uint8_t		 sb[HNP_TELNET_MAX_SB];
	size_t		 sb_len;
	int		 sb_cut;
	/* What the client told us (for the login event). */
	uint16_t	 naws_w, naws_h;
	int		 have_naws;
	char		 ttype[41];
	char		 seen[96];	/* its verbs as "fb1f fd01 ..." (hex), first ones only */
	size_t		 seen_len;
	unsigned	 commands;	/* IAC sequences received */
};

/* Output of tn_feed. */
struct tn_out {
	uint8_t		*data;		/* data bytes, IAC IAC undone; at most the input length */
	size_t		 data_len;
};

/* Starts a parser for the server's opening: DO ECHO, DO NAWS, WILL ECHO, WILL SGA (as BusyBox). */
void	tn_init(struct tn_parser *p);
/* The opening's bytes (12), matching the states tn_init set. */
extern const uint8_t tn_opening[12];
/* Whether the parser is between commands (no IAC sequence half read). */
int	tn_idle(const struct tn_parser *p);
/* Feeds in[0..len): data bytes go to out->data (the caller's buffer of len bytes). */
void	tn_feed(struct tn_parser *p, const uint8_t *in, size_t len, struct tn_out *out);

#endif
