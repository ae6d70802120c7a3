/* shell_parse.c - one shell command line into commands, words and redirections (see shell_parse.h). */
#include <string.h>

#include "proto/parse/shell_parse.h"

enum redir {
	R_NONE,
	R_OUT,		/* > */
	R_APPEND,	/* >> */
	R_IN,		/* < */
	R_ERR,		/* 2> */
	R_BOTH,		/* &> */
};

struct shp_state {
	struct shp_line	*l;
	struct shp_cmd	*c;		/* the command being filled */
	size_t		 wstart;	/* where the current word starts in the arena */
	int		 inword;	/* a word is open (maybe empty: '') */
	int		 quoted;	/* it had quotes or backslashes */
	enum redir	 redir;		/* the word being read is this redirection's target */
};

static void
shp_putc(struct shp_state *st, char ch)
{
	struct shp_line	*l = st->l;

	/* The arena holds every input byte twice plus one NUL per word: it cannot overflow. */
	if (l->used + 1 < sizeof(l->arena))
		l->arena[l->used++] = ch == SHP_VAR || ch == SHP_VAR_END ? '?' : ch;
	else
		l->cut = 1;
	st->inword = 1;
}

/* Appends a marker byte (shp_putc turns marker bytes from the input into '?'). */
static void
shp_mark(struct shp_state *st, char ch)
{
	struct shp_line	*l = st->l;

	if (l->used + 1 < sizeof(l->arena))
		l->arena[l->used++] = ch;
	else
		l->cut = 1;
	st->inword = 1;
}

static int
shp_name_char(uint8_t c, int first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (!first && c >= '0' && c <= '9');
}

/* A '$' at in[i]: marks the parameter it names; returns the index of its last byte. */
static size_t
shp_var(struct shp_state *st, const uint8_t *in, size_t i, size_t len, int quoted)
{
	size_t	 from, to, next;

	if (i + 1 >= len) {
		shp_putc(st, '$');
		return i;
	}
	if (in[i + 1] == '{') {
		for (to = i + 2; to < len && shp_name_char(in[to], to == i + 2); to++)
			;
		if (to == i + 2 || to >= len || in[to] != '}') {
			shp_putc(st, '$');
			return i;
		}
		from = i + 2;
		next = to;
	} else if (strchr("?$#!", in[i + 1]) != NULL || (in[i + 1] >= '0' && in[i + 1] <= '9')) {
		from = i + 1;
		to = next = i + 2;
		next--;
	} else if (shp_name_char(in[i + 1], 1)) {
		for (to = i + 2; to < len && shp_name_char(in[to], 0); to++)
			;
		from = i + 1;
		next = to - 1;
	} else {
		shp_putc(st, '$');
		return i;
	}
	shp_mark(st, SHP_VAR);
	shp_mark(st, quoted ? 'q' : 'u');
	for (; from < to; from++)
		shp_putc(st, (char)in[from]);
	shp_mark(st, SHP_VAR_END);
	return next;
}

static struct shp_cmd *
shp_cur(struct shp_state *st)
{
	struct shp_line	*l = st->l;

	if (st->c == NULL && l->ncmds < HNP_SHELL_MAX_CMDS) {
		st->c = &l->cmds[l->ncmds];
		memset(st->c, 0, sizeof(*st->c));
	}
	return st->c;
}

/* Closes the open word: an argument or a redirection's target. */
static void
shp_end_word(struct shp_state *st)
{
	struct shp_line	*l = st->l;
	struct shp_cmd	*c;
	const char	*w;

	if (!st->inword)
		return;
	if (l->used >= sizeof(l->arena))	/* cannot happen: see shp_putc */
		l->used = sizeof(l->arena) - 1;
	l->arena[l->used++] = '\0';
	w = l->arena + st->wstart;
	st->inword = 0;
	st->quoted = 0;
	if ((c = shp_cur(st)) == NULL) {
		l->cut = 1;
	} else {
		switch (st->redir) {
		case R_NONE:
			if (c->argc < HNP_SHELL_MAX_ARGS)
				c->argv[c->argc++] = w;
			else
				l->cut = 1;
			break;
		case R_OUT:
		case R_APPEND:
			c->out = w;
			c->append = st->redir == R_APPEND;
			break;
		case R_IN:
			c->in = w;
			break;
		case R_ERR:
			c->err_null = strcmp(w, "/dev/null") == 0;
			c->err_out = 0;
			break;
		case R_BOTH:
			c->out = w;
			c->append = 0;
			c->err_null = strcmp(w, "/dev/null") == 0;
			break;
		}
	}
	st->redir = R_NONE;
	st->wstart = l->used;
}

/* Ends the current command, joined to the next by op. */
static void
shp_end_cmd(struct shp_state *st, enum shp_op op)
{
	struct shp_line	*l = st->l;
	struct shp_cmd	*c;

	shp_end_word(st);
	st->redir = R_NONE;
	c = st->c;
	if (c == NULL || (c->argc == 0 && c->out == NULL && c->in == NULL)) {
		/* "(a || b) && c": the operator after ')' joins the command before it. */
		if (op != SHP_SEQ && op != SHP_END && l->ncmds > 0)
			l->cmds[l->ncmds - 1].op = op;
		st->c = NULL;
		return;
	}
	c->argv[c->argc] = NULL;
	c->op = op;
	l->ncmds++;
	st->c = NULL;
}

/* Whether the open word is an unquoted file descriptor number ("2" in "2>"); returns it or -1. */
static int
shp_fd_word(struct shp_state *st)
{
	struct shp_line	*l = st->l;
	size_t		 i, n = l->used - st->wstart;

	if (!st->inword || st->quoted || n == 0 || n > 2)
		return -1;
	for (i = 0; i < n; i++)
		if (l->arena[st->wstart + i] < '0' || l->arena[st->wstart + i] > '9')
			return -1;
	if (n == 1)
		return l->arena[st->wstart] - '0';
	return (l->arena[st->wstart] - '0') * 10 + l->arena[st->wstart + 1] - '0';
}

/* A redirection operator at in[i] ('>' or '<'); returns the index of its last byte. */
static size_t
shp_redirect(struct shp_state *st, const uint8_t *in, size_t i, size_t len)
{
	int	 fd = shp_fd_word(st);

	if (fd >= 0) {			/* drop the "2" of "2>" */
		st->l->used = st->wstart;
		st->inword = 0;
	} else
		shp_end_word(st);
	if (shp_cur(st) == NULL) {
		st->l->cut = 1;
		return i;
	}
	if (in[i] == '<') {
		st->redir = fd > 0 ? R_NONE : R_IN;
		if (i + 1 < len && (in[i + 1] == '<' || in[i + 1] == '>'))
			i++;
		if (st->redir == R_NONE)	/* "3<x": read and forget the target */
			st->redir = R_ERR;
		return i;
	}
	if (fd < 0)
		fd = 1;
	if (i + 1 < len && in[i + 1] == '&') {	/* N>&M, N>&- */
		i++;
		if (i + 1 < len && ((in[i + 1] >= '0' && in[i + 1] <= '9') || in[i + 1] == '-')) {
			i++;
			if (fd == 2 && in[i] == '1')
				st->c->err_out = 1;
			return i;
		}
		st->redir = R_BOTH;	/* ">&file", as bash */
		return i;
	}
	if (i + 1 < len && in[i + 1] == '>') {
		i++;
		st->redir = fd == 1 ? R_APPEND : R_ERR;
	} else {
		if (i + 1 < len && in[i + 1] == '|')
			i++;
		st->redir = fd == 1 ? R_OUT : R_ERR;
	}
	if (fd > 2)
		st->redir = R_ERR;	/* any other descriptor: target read, effect ignored */
	return i;
}

/* Reads a quoted string starting after its opening quote q; returns the index of the closing one. */
static size_t
shp_quoted(struct shp_state *st, const uint8_t *in, size_t i, size_t len, uint8_t q)
{
	st->inword = 1;
	st->quoted = 1;
	for (; i < len && in[i] != q; i++) {
		if (q == '"' && in[i] == '$') {
			i = shp_var(st, in, i, len, 1);
			continue;
		}
		if (q == '"' && in[i] == '\\' && i + 1 < len &&
		    strchr("\"\\$`\n", in[i + 1]) != NULL && in[i + 1] != '\0') {
			i++;
			if (in[i] == '\n')
				continue;
		}
		shp_putc(st, in[i] == '\0' ? ' ' : (char)in[i]);
	}
	return i;
}

void
shp_parse(struct shp_line *l, const uint8_t *in, size_t len)
{
	struct shp_state	 st;
	size_t			 i;
	uint8_t			 ch;

	l->ncmds = 0;
	l->cut = len > HNP_SHELL_MAX_LINE;
	l->used = 0;
	if (len > HNP_SHELL_MAX_LINE)
		len = HNP_SHELL_MAX_LINE;
	memset(&st, 0, sizeof(st));
	st.l = l;
	for (i = 0; i < len; i++) {
		ch = in[i];
		switch (ch) {
		case ' ': case '\t': case '\r': case '\0':
			shp_end_word(&st);
			break;
		case '\n': case ';':
			shp_end_cmd(&st, SHP_SEQ);
			break;
		case '(': case ')':
			shp_end_cmd(&st, SHP_SEQ);
			break;
		case '&':
			if (i + 1 < len && in[i + 1] == '&') {
				i++;
				shp_end_cmd(&st, SHP_AND);
			} else if (i + 1 < len && in[i + 1] == '>') {
				shp_end_word(&st);
				i++;
				if (i + 1 < len && in[i + 1] == '>')
					i++;
				if (shp_cur(&st) != NULL)
					st.redir = R_BOTH;
			} else
				shp_end_cmd(&st, SHP_SEQ);
			break;
		case '|':
			if (i + 1 < len && in[i + 1] == '|') {
				i++;
				shp_end_cmd(&st, SHP_OR);
			} else
				shp_end_cmd(&st, SHP_PIPE);
			break;
		case '>': case '<':
			i = shp_redirect(&st, in, i, len);
			break;
		case '\'': case '"':
			i = shp_quoted(&st, in, i + 1, len, ch);
			break;
		case '\\':
			st.quoted = 1;
			if (i + 1 < len) {
				i++;
				if (in[i] != '\n')
					shp_putc(&st, in[i] == '\0' ? ' ' : (char)in[i]);
			} else
				shp_putc(&st, '\\');
			break;
		case '$':
			i = shp_var(&st, in, i, len, 0);
			break;
		case '#':
			if (!st.inword) {
				i = len;
				break;
			}
			/* FALLTHROUGH */
		default:
			shp_putc(&st, (char)ch);
			break;
		}
	}
	shp_end_cmd(&st, SHP_END);
	if (l->ncmds > 0)
		l->cmds[l->ncmds - 1].op = SHP_END;
}
