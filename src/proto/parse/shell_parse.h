/*
 * shell_parse.h - splits one shell command line into commands as a POSIX sh would: words with
 * quotes and backslashes, ';' '&&' '||' '|' '&' between commands, '(' ')' as grouping (flattened),
 * redirections (>, >>, <, N>, N>&M, &>), '#' comments. Parameters ($NAME, ${NAME}, $?, $$, $#,
 * $0..$9) are left marked in the words for the shell to expand when the command runs:
 * SHP_VAR, 'u' (unquoted) or 'q' (in double quotes), the name, SHP_VAR_END. Input bytes equal to
 * the two markers become '?'. Pure: no I/O, fixed caps.
 */
#ifndef HNP_SHELL_PARSE_H
#define HNP_SHELL_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "core/limits.h"

#define SHP_VAR		'\001'
#define SHP_VAR_END	'\002'

/* How a command joins the next one. */
enum shp_op {
	SHP_END,	/* the last command */
	SHP_SEQ,	/* ; or newline or & */
	SHP_AND,	/* && */
	SHP_OR,		/* || */
	SHP_PIPE,	/* | */
};

struct shp_cmd {
	size_t		 argc;
	const char	*argv[HNP_SHELL_MAX_ARGS + 1];	/* NULL-terminated, into the arena */
	const char	*out;		/* > or >> target of stdout, or NULL */
	int		 append;	/* out came with >> */
	const char	*in;		/* < source, or NULL */
	int		 err_null;	/* stderr sent to /dev/null (2>/dev/null, &>/dev/null) */
	int		 err_out;	/* stderr sent where stdout goes (2>&1) */
	enum shp_op	 op;
};

struct shp_line {
	size_t		 ncmds;
	struct shp_cmd	 cmds[HNP_SHELL_MAX_CMDS];
	int		 cut;		/* a cap dropped words or commands */
	size_t		 used;
	char		 arena[3 * HNP_SHELL_MAX_LINE + 2];	/* a 2-byte "$a" takes 4 */
};

/*
 * Parses in[0..len) (only its first HNP_SHELL_MAX_LINE bytes; NUL, CR and TAB count as spaces,
 * LF as ';'). Commands with neither words nor redirections ("a ;; b") are dropped; a lone
 * redirection (">file") is kept with argc 0.
 * Never fails: an unterminated quote ends at the end of the line.
 */
void	shp_parse(struct shp_line *l, const uint8_t *in, size_t len);

#endif
