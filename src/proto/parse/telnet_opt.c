/* telnet_opt.c - Telnet command and option parsing for a server, answering nothing (see telnet_opt.h). */
#include <stdio.h>
#include <string.h>

#include "proto/parse/telnet_opt.h"

enum { S_DATA, S_IAC, S_OPT, S_SB_OPT, S_SB, S_SB_IAC };

const uint8_t tn_opening[12] = {
	TN_IAC, TN_DO, TN_OPT_ECHO, TN_IAC, TN_DO, TN_OPT_NAWS,
	TN_IAC, TN_WILL, TN_OPT_ECHO, TN_IAC, TN_WILL, TN_OPT_SGA,
};

void
tn_init(struct tn_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->him[TN_OPT_ECHO] = TN_WANTYES;
	p->him[TN_OPT_NAWS] = TN_WANTYES;
	p->us[TN_OPT_ECHO] = TN_WANTYES;
	p->us[TN_OPT_SGA] = TN_WANTYES;
}

static void
tn_note(struct tn_parser *p, uint8_t verb, uint8_t opt)
{
	static const char hex[] = "0123456789abcdef";

	if (p->seen_len + 5 >= sizeof(p->seen))
		return;
	if (p->seen_len > 0)
		p->seen[p->seen_len++] = ' ';
	p->seen[p->seen_len++] = hex[verb >> 4];
	p->seen[p->seen_len++] = hex[verb & 15];
	p->seen[p->seen_len++] = hex[opt >> 4];
	p->seen[p->seen_len++] = hex[opt & 15];
	p->seen[p->seen_len] = '\0';
}

/* A verb the client sent: its side's option (WILL/WONT) or its answer about ours (DO/DONT). */
static void
tn_option(struct tn_parser *p, uint8_t verb, uint8_t opt)
{
	tn_note(p, verb, opt);
	switch (verb) {
	case TN_WILL:
		p->him[opt] = TN_YES;
		break;
	case TN_WONT:
		p->him[opt] = TN_NO;
		break;
	case TN_DO:
		p->us[opt] = TN_YES;
		break;
	default:
		p->us[opt] = TN_NO;
		break;
	}
}

static void
tn_subneg(struct tn_parser *p)
{
	size_t	 i, n;

	if (p->sb_cut)
		return;
	if (p->sb_opt == TN_OPT_NAWS && p->sb_len == 4) {
		p->naws_w = (uint16_t)(p->sb[0] << 8 | p->sb[1]);
		p->naws_h = (uint16_t)(p->sb[2] << 8 | p->sb[3]);
		p->have_naws = 1;
	} else if (p->sb_opt == TN_OPT_TTYPE && p->sb_len >= 1 && p->sb[0] == 0) {	/* IS */
		for (i = 1, n = 0; i < p->sb_len && n + 1 < sizeof(p->ttype); i++)
			if (p->sb[i] >= 0x20 && p->sb[i] < 0x7f)
				p->ttype[n++] = (char)p->sb[i];
		p->ttype[n] = '\0';
	}
}

static void
tn_sb_byte(struct tn_parser *p, uint8_t c)
{
	if (p->sb_len < sizeof(p->sb))
		p->sb[p->sb_len++] = c;
	else
		p->sb_cut = 1;
}

int
tn_idle(const struct tn_parser *p)
{
	return p->state == S_DATA;
}

void
tn_feed(struct tn_parser *p, const uint8_t *in, size_t len, struct tn_out *out)
{
	size_t	 i;
	uint8_t	 c;

	out->data_len = 0;
	for (i = 0; i < len; i++) {
		c = in[i];
		switch (p->state) {
		case S_DATA:
			if (c == TN_IAC)
				p->state = S_IAC;
			else
				out->data[out->data_len++] = c;
			break;
		case S_IAC:
			p->commands++;
			if (c == TN_IAC) {
				out->data[out->data_len++] = c;
				p->state = S_DATA;
			} else if (c >= TN_WILL && c <= TN_DONT) {
				p->verb = c;
				p->state = S_OPT;
			} else if (c == TN_SB) {
				p->state = S_SB_OPT;
			} else
				p->state = S_DATA;	/* NOP, AYT, IP, BRK, GA, ...: ignored */
			break;
		case S_OPT:
			tn_option(p, p->verb, c);
			p->state = S_DATA;
			break;
		case S_SB_OPT:
			p->sb_opt = c;
			p->sb_len = 0;
			p->sb_cut = 0;
			p->state = S_SB;
			break;
		case S_SB:
			if (c == TN_IAC)
				p->state = S_SB_IAC;
			else
				tn_sb_byte(p, c);
			break;
		case S_SB_IAC:
			if (c == TN_SE) {
				tn_subneg(p);
				p->state = S_DATA;
			} else if (c == TN_IAC) {
				tn_sb_byte(p, c);
				p->state = S_SB;
			} else {
				/* IAC x inside SB: a broken client; end the SB as telnetd does */
				tn_subneg(p);
				p->state = S_DATA;
			}
			break;
		}
	}
}
