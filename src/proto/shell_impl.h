/* shell_impl.h - what shell.c (session, files, dispatch) and shell_applets.c share; private. */
#ifndef HNP_SHELL_IMPL_H
#define HNP_SHELL_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/limits.h"
#include "proto/shell.h"

/* A machine the profile may name: how uname -m, /proc/cpuinfo and ELF headers show it. */
struct shell_arch {
	const char	*machine;	/* uname -m */
	uint8_t		 elf_class;	/* 1: 32-bit, 2: 64-bit */
	uint8_t		 elf_data;	/* 1: little-endian, 2: big-endian */
	uint16_t	 elf_machine;
	uint32_t	 elf_flags;
	const char	*cpuinfo;
};
extern const struct shell_arch shell_archs[];

/* A file a session created (in memory, capped). */
struct shell_file {
	char		*path;		/* absolute, normalised */
	struct buf	 data;
	int		 dir;
};

/* A variable set by NAME=value or export (a small table, allocated at the first). */
#define SHELL_MAX_VARS		16
#define SHELL_MAX_VAR_NAME	32
#define SHELL_MAX_VAR_VALUE	256
struct shell_var {
	char	name[SHELL_MAX_VAR_NAME];
	char	value[SHELL_MAX_VAR_VALUE];
};

struct shell {
	const struct shell_profile	*p;
	struct shell_io			 io;
	char				 user[33];
	unsigned			 flags;
	char				 cwd[HNP_SHELL_MAX_PATH + 1];
	struct shell_file		 files[HNP_SHELL_MAX_FILES];
	size_t				 nfiles, fs_bytes;
	unsigned			 depth;		/* nested interactive sh */
	unsigned			 lines;		/* command lines so far */
	int64_t				 last_seq;
	int				 status;	/* $? */
	int				 ended;
	int				 exec_depth;	/* sh -c recursion */
	struct shell_var		*vars;		/* SHELL_MAX_VARS, or NULL */
};

/* One running command's streams. */
struct shell_ctx {
	const uint8_t	*in;		/* stdin (a pipe's or a file's bytes), or NULL */
	size_t		 inlen;
	struct buf	*out;		/* stdout */
	struct buf	*err;		/* stderr (the terminal, or out, or a sink) */
};

typedef int	(*shell_applet_fn)(struct shell *, struct shell_ctx *, size_t, const char *const *);

struct shell_applet {
	const char	*name;
	shell_applet_fn	 fn;
	int		 busybox;	/* listed by busybox --list, found by which */
};

/* The applet named name (basename), or NULL. */
const struct shell_applet *shell_applet_find(const char *name);
/* The names busybox --list prints, NULL-terminated. */
extern const struct shell_applet shell_applets[];

/* Files. */
/* Writes the absolute normalised form of path (relative to cwd) to out; -1 when too long. */
int	shell_path(const struct shell *sh, const char *path, char out[HNP_SHELL_MAX_PATH + 1]);
/* Appends the bytes of the file at abs to out: 1, 0 when absent, -1 for a directory. */
int	shell_file_read(struct shell *sh, const char *abs, struct buf *out);
/* Replaces (or appends to) the file at abs; 0, or -1 with errno-like text in why. */
int	shell_file_write(struct shell *sh, const char *abs, const void *p, size_t len, int append,
	    const char **why);
int	shell_file_remove(struct shell *sh, const char *abs);
int	shell_is_dir(const struct shell *sh, const char *abs);
/* 0, or -1 with the reason in why. */
int	shell_mkdir(struct shell *sh, const char *abs, const char **why);
/* Lists the entries of the directory abs into out, one per line (ls). */
void	shell_list_dir(const struct shell *sh, const char *abs, struct buf *out, int all);
/* The ELF header and program headers of the profile's machine (cat /bin/echo). */
void	shell_elf(const struct shell *sh, struct buf *out);

/* Runs one more command line inside this one (sh -c): 0..255 status. */
int	shell_run_line(struct shell *sh, struct shell_ctx *ctx, const uint8_t *line, size_t len);
/* Interactive sh: enters a nested shell. */
void	shell_enter(struct shell *sh);
/* exit N: leaves the nested shell or ends the session. */
void	shell_leave(struct shell *sh, int status);

/* Sets a variable from "NAME=value" (1), or returns 0 when word is no assignment. */
int	shell_assign(struct shell *sh, const char *word);

/* buf_append of a C string. */
void	shell_puts(struct buf *b, const char *s);

#endif
