/*
 * shell_applets.c - what the fake BusyBox answers for each applet and shell builtin: enough for a
 * Mirai-family bot or loader to go on to its download step (fingerprints.md section 4.4). Downloads
 * are only pretended: nothing is fetched (shell.c has already recorded the URL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/hex.h"
#include "core/buf.h"
#include "proto/shell_impl.h"

#define ARGS	struct shell *sh, struct shell_ctx *ctx, size_t argc, const char *const *argv

static void
put3(struct buf *b, const char *a, const char *c, const char *d)
{
	shell_puts(b, a);
	shell_puts(b, c);
	shell_puts(b, d);
}

/* "BusyBox v1.31.1 (...) multi-call binary." and a usage text. */
static void
usage(struct shell *sh, struct buf *b, const char *text)
{
	put3(b, "BusyBox v", sh->p->busybox_version, " (2020-03-03 11:14:22 CST) multi-call binary.\n\n");
	shell_puts(b, text);
}

static int
ap_true(ARGS)
{
	(void)sh; (void)ctx; (void)argc; (void)argv;
	return 0;
}

static int
ap_false(ARGS)
{
	(void)sh; (void)ctx; (void)argc; (void)argv;
	return 1;
}

/* Appends s with echo -e escapes decoded; returns 1 when \c stopped the output. */
static int
echo_escapes(struct buf *b, const char *s)
{
	uint8_t	 ch;
	int	 v, k, d;

	for (; *s != '\0'; s++) {
		if (*s != '\\' || s[1] == '\0') {
			buf_append_some(b, s, 1);
			continue;
		}
		s++;
		switch (*s) {
		case 'n': ch = '\n'; break;
		case 't': ch = '\t'; break;
		case 'r': ch = '\r'; break;
		case 'a': ch = '\a'; break;
		case 'b': ch = '\b'; break;
		case 'f': ch = '\f'; break;
		case 'v': ch = '\v'; break;
		case 'e': ch = 0x1b; break;
		case '\\': ch = '\\'; break;
		case 'c': return 1;
		case 'x':
			for (v = 0, k = 0; k < 2 && (d = hex_value((unsigned char)s[1])) >= 0; k++, s++)
				v = v * 16 + d;
			if (k == 0) {
				buf_append_some(b, "\\x", 2);
				continue;
			}
			ch = (uint8_t)v;
			break;
		case '0':
			for (v = 0, k = 0; k < 3 && s[1] >= '0' && s[1] <= '7'; k++, s++)
				v = v * 8 + s[1] - '0';
			ch = (uint8_t)v;
			break;
		default:
			buf_append_some(b, s - 1, 2);
			continue;
		}
		buf_append_some(b, &ch, 1);
	}
	return 0;
}

static int
ap_echo(ARGS)
{
	size_t	 i = 1, k;
	int	 nl = 1, esc = 0, stop = 0;

	(void)sh;
	for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strspn(argv[i] + 1, "neE") != strlen(argv[i] + 1))
			break;
		for (k = 1; argv[i][k] != '\0'; k++) {
			if (argv[i][k] == 'n')
				nl = 0;
			else if (argv[i][k] == 'e')
				esc = 1;
			else
				esc = 0;
		}
	}
	for (; i < argc && !stop; i++) {
		if (esc)
			stop = echo_escapes(ctx->out, argv[i]);
		else
			shell_puts(ctx->out, argv[i]);
		if (i + 1 < argc && !stop)
			shell_puts(ctx->out, " ");
	}
	if (nl && !stop)
		shell_puts(ctx->out, "\n");
	return 0;
}

static int
ap_cat(ARGS)
{
	char	 abs[HNP_SHELL_MAX_PATH + 1];
	size_t	 i;
	int	 st = 0, r;

	if (argc < 2) {
		buf_append_some(ctx->out, ctx->in, ctx->inlen);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			buf_append_some(ctx->out, ctx->in, ctx->inlen);
			continue;
		}
		if (argv[i][0] == '-')
			continue;
		r = shell_path(sh, argv[i], abs) == -1 ? 0 : shell_file_read(sh, abs, ctx->out);
		if (r == 1)
			continue;
		put3(ctx->err, "cat: ", r == -1 ? "read error: " : "can't open '", argv[i]);
		shell_puts(ctx->err, r == -1 ? ": Is a directory\n" : "': No such file or directory\n");
		st = 1;
	}
	return st;
}

static int
ap_cd(ARGS)
{
	char		 abs[HNP_SHELL_MAX_PATH + 1];
	const char	*to = argc > 1 ? argv[1] : strcmp(sh->user, "root") == 0 ? "/root" : "/";

	if (shell_path(sh, to, abs) == 0 && shell_is_dir(sh, abs)) {
		memcpy(sh->cwd, abs, sizeof(sh->cwd));
		return 0;
	}
	put3(ctx->err, "-sh: cd: can't cd to ", to, ": No such file or directory\n");
	return 1;
}

static int
ap_pwd(ARGS)
{
	(void)argc; (void)argv;
	put3(ctx->out, sh->cwd, "\n", "");
	return 0;
}

static int
ap_ls(ARGS)
{
	char	 abs[HNP_SHELL_MAX_PATH + 1];
	size_t	 i;
	int	 all = 0, any = 0, st = 0;
	struct buf probe;

	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-' && strchr(argv[i], 'a') != NULL)
			all = 1;
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		any = 1;
		if (shell_path(sh, argv[i], abs) == 0 && shell_is_dir(sh, abs)) {
			shell_list_dir(sh, abs, ctx->out, all);
			continue;
		}
		buf_init(&probe, 1);
		if (shell_path(sh, argv[i], abs) == 0 && shell_file_read(sh, abs, &probe) == 1)
			put3(ctx->out, argv[i], "\n", "");
		else {
			put3(ctx->err, "ls: ", argv[i], ": No such file or directory\n");
			st = 1;
		}
		buf_free(&probe);
	}
	if (!any)
		shell_list_dir(sh, sh->cwd, ctx->out, all);
	return st;
}

static int
ap_uname(ARGS)
{
	const struct shell_profile	*p = sh->p;
	int				 s = 0, n = 0, r = 0, v = 0, m = 0, o = 0, first = 1;
	size_t				 i, k;
	const char			*parts[6];
	size_t				 np = 0;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-')
			continue;
		for (k = 1; argv[i][k] != '\0'; k++)
			switch (argv[i][k]) {
			case 'a': s = n = r = v = m = o = 1; break;
			case 's': s = 1; break;
			case 'n': n = 1; break;
			case 'r': r = 1; break;
			case 'v': v = 1; break;
			case 'm': case 'p': case 'i': m = 1; break;
			case 'o': o = 1; break;
			default:
				put3(ctx->err, "uname: invalid option -- '", "", "");
				buf_append_some(ctx->err, &argv[i][k], 1);
				shell_puts(ctx->err, "'\n");
				return 1;
			}
	}
	if (!(s | n | r | v | m | o))
		s = 1;
	if (s) parts[np++] = "Linux";
	if (n) parts[np++] = p->hostname;
	if (r) parts[np++] = p->release;
	if (v) parts[np++] = p->version;
	if (m) parts[np++] = p->machine;
	if (o) parts[np++] = "GNU/Linux";
	for (i = 0; i < np; i++) {
		if (!first)
			shell_puts(ctx->out, " ");
		shell_puts(ctx->out, parts[i]);
		first = 0;
	}
	shell_puts(ctx->out, "\n");
	return 0;
}

static int
ap_id(ARGS)
{
	(void)argc; (void)argv;
	if (strcmp(sh->user, "root") == 0)
		shell_puts(ctx->out, "uid=0(root) gid=0(root)\n");
	else
		put3(ctx->out, "uid=1000(", sh->user, ") gid=1000(users)\n");
	return 0;
}

static int
ap_whoami(ARGS)
{
	(void)argc; (void)argv;
	put3(ctx->out, sh->user, "\n", "");
	return 0;
}

static int
ap_hostname(ARGS)
{
	(void)argc; (void)argv;
	put3(ctx->out, sh->p->hostname, "\n", "");
	return 0;
}

static int
ap_which(ARGS)
{
	const struct shell_applet	*a;
	size_t				 i;
	int				 st = 0;

	(void)sh;
	for (i = 1; i < argc; i++) {
		if ((a = shell_applet_find(argv[i])) != NULL && a->busybox)
			put3(ctx->out, "/bin/", argv[i], "\n");
		else if (strcmp(argv[i], "busybox") == 0)
			shell_puts(ctx->out, "/bin/busybox\n");
		else
			st = 1;
	}
	return st;
}

static int
ap_busybox(ARGS)
{
	const struct shell_applet	*a;
	size_t				 i, col = 0;

	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		usage(sh, ctx->out, "BusyBox is copyrighted by many authors between 1998-2015.\n"
		    "Licensed under GPLv2. See source distribution for detailed\ncopyright notices.\n\n"
		    "Usage: busybox [function [arguments]...]\n   or: busybox --list[-full]\n"
		    "   or: function [arguments]...\n\n\tBusyBox is a multi-call binary that combines "
		    "many common Unix\n\tutilities into a single executable.  Most people will create a"
		    "\n\tlink to busybox for each function they wish to use and BusyBox\n\twill act like"
		    " whatever it was invoked as.\n\nCurrently defined functions:\n");
		for (i = 0; shell_applets[i].name != NULL; i++) {
			if (!shell_applets[i].busybox)
				continue;
			shell_puts(ctx->out, col == 0 ? "\t" : ", ");
			shell_puts(ctx->out, shell_applets[i].name);
			col += strlen(shell_applets[i].name) + 2;
			if (col > 60) {
				shell_puts(ctx->out, ",\n");
				col = 0;
			}
		}
		shell_puts(ctx->out, "\n");
		return 0;
	}
	if (strcmp(argv[1], "--list") == 0 || strcmp(argv[1], "--list-full") == 0) {
		for (i = 0; shell_applets[i].name != NULL; i++)
			if (shell_applets[i].busybox)
				put3(ctx->out, argv[1][6] == '-' ? "bin/" : "", shell_applets[i].name,
				    "\n");
		return 0;
	}
	a = shell_applet_find(argv[1]);
	if (a == NULL || !a->busybox) {
		put3(ctx->err, argv[1], ": applet not found\n", "");
		return 127;
	}
	return a->fn(sh, ctx, argc - 1, argv + 1);
}

/* host[:port] of a URL, for wget's "Connecting to" line. */
static void
url_host(const char *url, char *host, size_t hostlen, const char **port)
{
	const char	*s = strstr(url, "://");
	size_t		 n;

	s = s != NULL ? s + 3 : url;
	n = strcspn(s, "/?#");
	if (n >= hostlen)
		n = hostlen - 1;
	memcpy(host, s, n);
	host[n] = '\0';
	*port = strncmp(url, "https", 5) == 0 ? "443" : "80";
}

static int
ap_wget(ARGS)
{
	char		 host[128], *colon;
	const char	*port;
	size_t		 i;
	const char	*url = NULL;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-') {
			if ((strcmp(argv[i], "-O") == 0 || strcmp(argv[i], "-P") == 0 ||
			    strcmp(argv[i], "-U") == 0 || strcmp(argv[i], "-T") == 0 ||
			    strcmp(argv[i], "-Y") == 0) && i + 1 < argc)
				i++;
			continue;
		}
		url = argv[i];
		break;
	}
	if (url == NULL) {
		usage(sh, ctx->err, "Usage: wget [-c|--continue] [--spider] [-q|--quiet] "
		    "[-O|--output-document FILE]\n\t[--header 'header: value'] [-Y|--proxy on/off] "
		    "[-P DIR]\n\t[-S|--server-response] [-U|--user-agent AGENT] [-T SEC] URL...\n\n"
		    "Retrieve files via HTTP or FTP\n");
		return 1;
	}
	url_host(url, host, sizeof(host), &port);
	if ((colon = strchr(host, ':')) != NULL) {
		*colon = '\0';
		port = colon + 1;
	}
	put3(ctx->err, "Connecting to ", host, " (");
	put3(ctx->err, host, ":", port);
	shell_puts(ctx->err, ")\n");
	put3(ctx->err, "wget: can't connect to remote host (", host, "): Connection refused\n");
	return 1;
}

static int
ap_tftp(ARGS)
{
	if (argc < 3) {
		usage(sh, ctx->err, "Usage: tftp [OPTIONS] HOST [PORT]\n\nTransfer a file from/to "
		    "tftp server\n\n\t-l FILE\tLocal FILE\n\t-r FILE\tRemote FILE\n\t-g\tGet file\n"
		    "\t-p\tPut file\n\t-b SIZE\tTransfer blocks of SIZE octets\n");
		return 1;
	}
	(void)argv;
	shell_puts(ctx->err, "tftp: timeout\n");
	return 1;
}

static int
ap_ftpget(ARGS)
{
	if (argc < 3) {
		usage(sh, ctx->err, "Usage: ftpget [OPTIONS] HOST [LOCAL_FILE] REMOTE_FILE\n\n"
		    "Download a file via FTP\n\n\t-c\tContinue previous transfer\n\t-v\tVerbose\n"
		    "\t-u USER\tUsername\n\t-p PASS\tPassword\n\t-P NUM\tPort\n");
		return 1;
	}
	(void)argv;
	shell_puts(ctx->err, "ftpget: can't connect to remote host: Connection refused\n");
	return 1;
}

static int
ap_ps(ARGS)
{
	(void)argc; (void)argv; (void)sh;
	shell_puts(ctx->out, "  PID USER       VSZ STAT COMMAND\n"
	    "    1 root      1532 S    init\n"
	    "    2 root         0 SW   [kthreadd]\n"
	    "    3 root         0 SW   [ksoftirqd/0]\n"
	    "    5 root         0 SW<  [kworker/0:0H]\n"
	    "  412 root      1524 S    /sbin/syslogd -n\n"
	    "  415 root      1524 S    /sbin/klogd -n\n"
	    "  503 root      1528 S    /usr/sbin/telnetd -F\n"
	    "  517 root      2264 S    /usr/sbin/httpd -f -p 80 -h /www\n"
	    "  603 root      1532 S    -sh\n"
	    "  644 root      1528 R    ps\n");
	return 0;
}

/* The number after a "name=" option of dd, or def. */
static long
dd_num(const char *v, long def)
{
	char	*end;
	long	 n = strtol(v, &end, 10);

	if (end == v || n < 0)
		return def;
	if (*end == 'k' || *end == 'K')
		n *= 1024;
	return n > HNP_SHELL_MAX_OUTPUT ? HNP_SHELL_MAX_OUTPUT : n;
}

static int
ap_dd(ARGS)
{
	char		 abs[HNP_SHELL_MAX_PATH + 1], rec[64];
	const char	*inf = NULL;
	long		 bs = 512, count = -1, skip = 0, full, part;
	size_t		 i, off, n;
	struct buf	 src;
	const uint8_t	*data = ctx->in;
	size_t		 len = ctx->inlen;

	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "if=", 3) == 0)
			inf = argv[i] + 3;
		else if (strncmp(argv[i], "bs=", 3) == 0)
			bs = dd_num(argv[i] + 3, 512);
		else if (strncmp(argv[i], "count=", 6) == 0)
			count = dd_num(argv[i] + 6, -1);
		else if (strncmp(argv[i], "skip=", 5) == 0)
			skip = dd_num(argv[i] + 5, 0);
	}
	if (bs <= 0)
		bs = 512;
	buf_init(&src, HNP_SHELL_MAX_OUTPUT);
	if (inf != NULL) {
		if (shell_path(sh, inf, abs) == -1 || shell_file_read(sh, abs, &src) != 1) {
			put3(ctx->err, "dd: can't open '", inf, "': No such file or directory\n");
			buf_free(&src);
			return 1;
		}
		data = src.data;
		len = src.len;
	}
	off = (size_t)skip * (size_t)bs;
	if (data == NULL || off > len)
		off = len;
	n = len - off;
	if (count >= 0 && (size_t)count * (size_t)bs < n)
		n = (size_t)count * (size_t)bs;
	if (n > 0)
		buf_append_some(ctx->out, data + off, n);
	full = (long)(n / (size_t)bs);
	part = n % (size_t)bs != 0;
	snprintf(rec, sizeof(rec), "%ld+%ld records in\n%ld+%ld records out\n", full, part, full,
	    part);
	shell_puts(ctx->err, rec);
	buf_free(&src);
	return 0;
}

/* The input of a filter: its file argument, or stdin. */
static int
filter_input(struct shell *sh, struct shell_ctx *ctx, const char *file, struct buf *b,
    const uint8_t **data, size_t *len, const char *who)
{
	char	 abs[HNP_SHELL_MAX_PATH + 1];

	*data = ctx->in;
	*len = ctx->inlen;
	if (file == NULL)
		return 0;
	if (shell_path(sh, file, abs) == -1 || shell_file_read(sh, abs, b) != 1) {
		put3(ctx->err, who, ": can't open '", file);
		shell_puts(ctx->err, "': No such file or directory\n");
		return -1;
	}
	*data = b->data;
	*len = b->len;
	return 0;
}

static int
ap_wc(ARGS)
{
	const char	*file = NULL;
	int		 l = 0, c = 0, w = 0;
	size_t		 i, lines = 0, words = 0, inw = 0, len;
	const uint8_t	*data;
	char		 num[24];
	struct buf	 b;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-') {
			l |= strchr(argv[i], 'l') != NULL;
			c |= strchr(argv[i], 'c') != NULL;
			w |= strchr(argv[i], 'w') != NULL;
		} else
			file = argv[i];
	}
	buf_init(&b, HNP_SHELL_MAX_OUTPUT);
	if (filter_input(sh, ctx, file, &b, &data, &len, "wc") == -1) {
		buf_free(&b);
		return 1;
	}
	for (i = 0; i < len; i++) {
		if (data[i] == '\n')
			lines++;
		if (data[i] == ' ' || data[i] == '\n' || data[i] == '\t')
			inw = 0;
		else if (!inw) {
			inw = 1;
			words++;
		}
	}
	if (!(l | c | w))
		l = w = c = 1;
	if (l) {
		snprintf(num, sizeof(num), l + w + c > 1 ? "%7zu " : "%zu", lines);
		shell_puts(ctx->out, num);
	}
	if (w) {
		snprintf(num, sizeof(num), l + w + c > 1 ? "%7zu " : "%zu", words);
		shell_puts(ctx->out, num);
	}
	if (c) {
		snprintf(num, sizeof(num), l + w + c > 1 ? "%7zu" : "%zu", len);
		shell_puts(ctx->out, num);
	}
	if (file != NULL)
		put3(ctx->out, " ", file, "");
	shell_puts(ctx->out, "\n");
	buf_free(&b);
	return 0;
}

static int
ap_head(ARGS)
{
	const char	*file = NULL;
	long		 n = 10, bytes = -1;
	size_t		 i, len, seen = 0;
	const uint8_t	*data;
	struct buf	 b;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			n = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			bytes = strtol(argv[++i], NULL, 10);
		else if (argv[i][0] == '-' && argv[i][1] >= '0' && argv[i][1] <= '9')
			n = strtol(argv[i] + 1, NULL, 10);
		else
			file = argv[i];
	}
	buf_init(&b, HNP_SHELL_MAX_OUTPUT);
	if (filter_input(sh, ctx, file, &b, &data, &len, "head") == -1) {
		buf_free(&b);
		return 1;
	}
	if (bytes >= 0) {
		buf_append_some(ctx->out, data, (size_t)bytes < len ? (size_t)bytes : len);
	} else {
		for (i = 0; i < len && (long)seen < n; i++)
			if (data[i] == '\n')
				seen++;
		buf_append_some(ctx->out, data, i);
	}
	buf_free(&b);
	return 0;
}

static int
ap_grep(ARGS)
{
	const char	*pat = NULL, *file = NULL;
	int		 inv = 0, cnt = 0, quiet = 0;
	size_t		 i, len, start, plen, k, count = 0;
	const uint8_t	*data;
	struct buf	 b;
	char		 num[24];

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			inv |= strchr(argv[i], 'v') != NULL;
			cnt |= strchr(argv[i], 'c') != NULL;
			quiet |= strchr(argv[i], 'q') != NULL;
		} else if (pat == NULL)
			pat = argv[i];
		else
			file = argv[i];
	}
	if (pat == NULL) {
		usage(sh, ctx->err, "Usage: grep [-HhnlLoqvsriwFE] [-m N] [-A/B/C N] PATTERN/-e "
		    "PATTERN.../-f FILE [FILE]...\n");
		return 2;
	}
	buf_init(&b, HNP_SHELL_MAX_OUTPUT);
	if (filter_input(sh, ctx, file, &b, &data, &len, "grep") == -1) {
		buf_free(&b);
		return 2;
	}
	plen = strlen(pat);
	for (start = 0; start < len; start = i + 1) {
		int	 hit = 0;

		for (i = start; i < len && data[i] != '\n'; i++)
			;
		for (k = start; k + plen <= i && !hit; k++)
			hit = memcmp(data + k, pat, plen) == 0;
		if (hit == inv)
			continue;
		count++;
		if (!cnt && !quiet) {
			buf_append_some(ctx->out, data + start, i - start);
			shell_puts(ctx->out, "\n");
		}
	}
	if (cnt) {
		snprintf(num, sizeof(num), "%zu\n", count);
		shell_puts(ctx->out, num);
	}
	buf_free(&b);
	return count > 0 ? 0 : 1;
}

static int
ap_rm(ARGS)
{
	char	 abs[HNP_SHELL_MAX_PATH + 1];
	size_t	 i;
	int	 force = 0, st = 0;

	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			force |= strchr(argv[i], 'f') != NULL;
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		if (shell_path(sh, argv[i], abs) == 0 && shell_file_remove(sh, abs) == 0)
			continue;
		if (!force) {
			put3(ctx->err, "rm: can't remove '", argv[i], "': No such file or directory\n");
			st = 1;
		}
	}
	return st;
}

/* The non-option arguments of argv (at most two are used). */
static size_t
operands(size_t argc, const char *const *argv, const char **ops, size_t max)
{
	size_t	 i, n = 0;

	for (i = 1; i < argc; i++)
		if (argv[i][0] != '-' && n < max)
			ops[n++] = argv[i];
	return n;
}

static int
ap_cp(ARGS)
{
	char		 src[HNP_SHELL_MAX_PATH + 1], dst[HNP_SHELL_MAX_PATH + 1];
	const char	*ops[2], *why = NULL, *base;
	struct buf	 b;
	size_t		 len;
	int		 st = 0;
	int		 mv = strcmp(argv[0], "mv") == 0 || strstr(argv[0], "/mv") != NULL;

	if (operands(argc, argv, ops, 2) < 2) {
		put3(ctx->err, mv ? "mv" : "cp", ": missing file operand\n", "");
		return 1;
	}
	buf_init(&b, HNP_SHELL_MAX_FS_BYTES);
	if (shell_path(sh, ops[0], src) == -1 || shell_file_read(sh, src, &b) != 1) {
		put3(ctx->err, mv ? "mv: can't rename '" : "cp: can't stat '", ops[0],
		    "': No such file or directory\n");
		buf_free(&b);
		return 1;
	}
	if (shell_path(sh, ops[1], dst) == 0 && shell_is_dir(sh, dst)) {
		base = strrchr(src, '/') + 1;
		len = strlen(dst);
		if (len + 1 + strlen(base) <= HNP_SHELL_MAX_PATH)
			snprintf(dst + len, HNP_SHELL_MAX_PATH + 1 - len, "%s%s",
			    strcmp(dst, "/") != 0 ? "/" : "", base);
	}
	if (shell_path(sh, ops[1], dst) == -1 ||
	    shell_file_write(sh, dst, b.data, b.len, 0, &why) == -1) {
		put3(ctx->err, mv ? "mv: can't create '" : "cp: can't create '", ops[1], "': ");
		put3(ctx->err, why != NULL ? why : "File name too long", "\n", "");
		st = 1;
	} else if (mv)
		shell_file_remove(sh, src);
	buf_free(&b);
	return st;
}

static int
ap_touch(ARGS)
{
	char		 abs[HNP_SHELL_MAX_PATH + 1];
	const char	*why;
	size_t		 i;
	struct buf	 b;
	int		 st = 0;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		buf_init(&b, 1);
		if (shell_path(sh, argv[i], abs) == -1 || (shell_file_read(sh, abs, &b) == 0 &&
		    shell_file_write(sh, abs, "", 0, 1, &why) == -1)) {
			put3(ctx->err, "touch: ", argv[i], ": Permission denied\n");
			st = 1;
		}
		buf_free(&b);
	}
	return st;
}

static int
ap_mkdir(ARGS)
{
	char		 abs[HNP_SHELL_MAX_PATH + 1];
	const char	*why;
	size_t		 i;
	int		 st = 0, p = 0;

	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			p |= strchr(argv[i], 'p') != NULL;
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		why = "File name too long";
		if (shell_path(sh, argv[i], abs) == 0 && (shell_mkdir(sh, abs, &why) == 0 ||
		    (p && shell_is_dir(sh, abs))))
			continue;
		put3(ctx->err, "mkdir: can't create directory '", argv[i], "': ");
		put3(ctx->err, why, "\n", "");
		st = 1;
	}
	return st;
}

static int
ap_sh(ARGS)
{
	size_t	 i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-c") == 0) {
			if (i + 1 >= argc) {
				shell_puts(ctx->err, "sh: -c requires an argument\n");
				return 2;
			}
			return shell_run_line(sh, ctx, (const uint8_t *)argv[i + 1],
			    strlen(argv[i + 1]));
		}
	for (i = 1; i < argc; i++)
		if (argv[i][0] != '-')
			return 0;	/* "sh script": runs, prints nothing */
	shell_enter(sh);
	return 0;
}

static int
ap_exit(ARGS)
{
	(void)ctx;
	shell_leave(sh, argc > 1 ? (int)(strtol(argv[1], NULL, 10) & 0xff) : sh->status);
	return sh->status;
}

static int
ap_free(ARGS)
{
	(void)sh; (void)argc; (void)argv;
	shell_puts(ctx->out, "             total       used       free     shared    buffers\n"
	    "Mem:        124524      63088      61436          0       3416\n"
	    "-/+ buffers:            59672      64852\nSwap:            0          0          0\n");
	return 0;
}

static int
ap_df(ARGS)
{
	(void)sh; (void)argc; (void)argv;
	shell_puts(ctx->out, "Filesystem           1K-blocks      Used Available Use% Mounted on\n"
	    "/dev/root                 6528      6528         0 100% /\n"
	    "tmpfs                      512         0       512   0% /dev\n"
	    "tmpfs                    16384        84     16300   1% /tmp\n"
	    "tmpfs                     8192        32      8160   0% /var\n");
	return 0;
}

static int
ap_uptime(ARGS)
{
	(void)sh; (void)argc; (void)argv;
	shell_puts(ctx->out, " 03:27:42 up 11 days, 23:27,  load average: 0.08, 0.03, 0.01\n");
	return 0;
}

static int
ap_date(ARGS)
{
	char		 t[64];
	time_t		 now = time(NULL);
	struct tm	 tm;

	(void)sh; (void)argc; (void)argv;
	gmtime_r(&now, &tm);
	strftime(t, sizeof(t), "%a %b %e %H:%M:%S UTC %Y\n", &tm);
	shell_puts(ctx->out, t);
	return 0;
}

static int
ap_nproc(ARGS)
{
	(void)sh; (void)argc; (void)argv;
	shell_puts(ctx->out, "1\n");
	return 0;
}

static int
ap_kill(ARGS)
{
	(void)sh; (void)ctx;
	return argc > 1 ? 0 : 1;
}

/* nohup CMD ...: runs CMD. */
static int
ap_nohup(ARGS)
{
	const struct shell_applet	*a;
	const char			*base;

	if (argc < 2)
		return 1;
	base = strrchr(argv[1], '/') != NULL ? strrchr(argv[1], '/') + 1 : argv[1];
	if ((a = shell_applet_find(base)) != NULL && a->fn != ap_nohup)
		return a->fn(sh, ctx, argc - 1, argv + 1);
	return 0;
}

static int
ap_export(ARGS)
{
	size_t	 i;

	(void)ctx;
	for (i = 1; i < argc; i++)
		shell_assign(sh, argv[i]);
	return 0;
}

static int
ap_help(ARGS)
{
	(void)sh; (void)argc; (void)argv;
	shell_puts(ctx->out, "Built-in commands:\n------------------\n"
	    "\t. : [ [[ alias bg break cd chdir command continue echo eval exec\n"
	    "\texit export false fg getopts hash help history jobs kill let\n"
	    "\tlocal printf pwd read readonly return set shift source test times\n"
	    "\ttrap true type ulimit umask unalias unset wait\n");
	return 0;
}

/* Sorted by name for bsearch; busybox = 0 marks ash builtins that are no applet. */
const struct shell_applet shell_applets[] = {
	{ "[", ap_true, 1 },
	{ "[[", ap_true, 1 },
	{ "ash", ap_sh, 1 },
	{ "busybox", ap_busybox, 0 },
	{ "cat", ap_cat, 1 },
	{ "cd", ap_cd, 0 },
	{ "chmod", ap_true, 1 },
	{ "chown", ap_true, 1 },
	{ "cp", ap_cp, 1 },
	{ "date", ap_date, 1 },
	{ "dd", ap_dd, 1 },
	{ "df", ap_df, 1 },
	{ "dmesg", ap_true, 1 },
	{ "echo", ap_echo, 1 },
	{ "exit", ap_exit, 0 },
	{ "export", ap_export, 0 },
	{ "false", ap_false, 1 },
	{ "free", ap_free, 1 },
	{ "ftpget", ap_ftpget, 1 },
	{ "grep", ap_grep, 1 },
	{ "head", ap_head, 1 },
	{ "help", ap_help, 0 },
	{ "hostname", ap_hostname, 1 },
	{ "id", ap_id, 1 },
	{ "ifconfig", ap_true, 1 },
	{ "kill", ap_kill, 1 },
	{ "killall", ap_kill, 1 },
	{ "ln", ap_true, 1 },
	{ "logout", ap_exit, 0 },
	{ "ls", ap_ls, 1 },
	{ "mkdir", ap_mkdir, 1 },
	{ "mount", ap_true, 1 },
	{ "mv", ap_cp, 1 },
	{ "nohup", ap_nohup, 1 },
	{ "nproc", ap_nproc, 1 },
	{ "ping", ap_true, 1 },
	{ "ps", ap_ps, 1 },
	{ "pwd", ap_pwd, 1 },
	{ "reboot", ap_true, 1 },
	{ "rm", ap_rm, 1 },
	{ "sh", ap_sh, 1 },
	{ "sleep", ap_true, 1 },
	{ "sync", ap_true, 1 },
	{ "test", ap_true, 1 },
	{ "tftp", ap_tftp, 1 },
	{ "top", ap_ps, 1 },
	{ "touch", ap_touch, 1 },
	{ "true", ap_true, 1 },
	{ "ulimit", ap_true, 0 },
	{ "umount", ap_true, 1 },
	{ "uname", ap_uname, 1 },
	{ "uptime", ap_uptime, 1 },
	{ "wc", ap_wc, 1 },
	{ "wget", ap_wget, 1 },
	{ "which", ap_which, 1 },
	{ "whoami", ap_whoami, 1 },
	{ NULL, NULL, 0 },
};

static int
applet_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct shell_applet *)elem)->name);
}

const struct shell_applet *
shell_applet_find(const char *name)
{
	return bsearch(name, shell_applets, sizeof(shell_applets) / sizeof(shell_applets[0]) - 1,
	    sizeof(shell_applets[0]), applet_cmp);
}
