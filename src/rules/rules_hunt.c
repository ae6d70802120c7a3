/* rules_hunt.c - hunting: finds the URLs of download commands in a request; never fetches. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "rules/rules_impl.h"

#define HUNT_MAX_URLS		64	/* reported per call */
#define HUNT_MAX_URL		2048	/* bytes of one reported URL */
#define HUNT_MAX_TOKENS		24	/* arguments parsed after tftp / ftpget */
#define HUNT_MAX_ARGS		4096	/* bytes those arguments are looked for in */
#define HUNT_MAX_FINDALL	256	/* matches of one huntrules.txt pattern */
#define HUNT_MAX_SCHEME		10	/* letters of a URL scheme */

enum kwkind { K_URL, K_BARE, K_TFTP, K_FTPGET };

/*
 * A command keyword (matched case-insensitively as a whole word) and the tool it stands for.
 * Each starts with two letters: kw_next looks for those pairs.
 */
struct kw {
	const char	*word;
	const char	*tool;
	enum kwkind	 kind;	/* K_BARE: "host/path" arguments count as http URLs */
};

static const struct kw keywords[] = {
	{ "wget", "wget", K_BARE },
	{ "curl", "curl", K_BARE },
	{ "fetch", "fetch", K_URL },
	{ "tftp", "tftp", K_TFTP },
	{ "ftpget", "ftpget", K_FTPGET },
	{ "aria2c", "aria2c", K_URL },
	{ "powershell", "powershell", K_URL },
	{ "pwsh", "powershell", K_URL },
	{ "Invoke-WebRequest", "powershell", K_URL },
	{ "Invoke-RestMethod", "powershell", K_URL },
	{ "iwr", "powershell", K_URL },
	{ "irm", "powershell", K_URL },
	{ "DownloadString", "powershell", K_URL },
	{ "DownloadFile", "powershell", K_URL },
	{ "DownloadData", "powershell", K_URL },
	{ "Net.WebClient", "powershell", K_URL },
	{ "Start-BitsTransfer", "powershell", K_URL },
	{ "certutil", "certutil", K_URL },
	{ "bitsadmin", "bitsadmin", K_URL },
	{ "mshta", "mshta", K_URL },
	{ "msiexec", "msiexec", K_URL },
	{ "regsvr32", "regsvr32", K_URL },
	{ "explorer", "explorer", K_URL },
	{ "lwp-download", "lwp-download", K_URL },
	{ "getstore", "getstore", K_URL },
	{ "java.net.URL", "java", K_URL },
	{ "urlopen", "urlopen", K_URL },
	{ "urlretrieve", "urlretrieve", K_URL },
	{ "XMLHTTP", "xmlhttp", K_URL },
	{ "objXMLHTTP", "xmlhttp", K_URL },
	{ "ServerXMLHTTP", "xmlhttp", K_URL },
	{ "jndi", "jndi", K_URL },
};

/* Words that, after a '+', show the '+' was an encoded space ending the URL. */
static const char *const shell_words[] = {
	"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox", "chmod", "chown", "chattr", "rm",
	"cd", "mv", "cp", "cat", "echo", "printf", "wget", "curl", "tftp", "ftpget", "nohup",
	"exec", "eval", "sleep", "kill", "killall", "pkill", "perl", "python", "python3", "php",
	"nc", "ncat", "tar", "sudo", "su", "crontab", "history", "uname", "id", "whoami", "ls",
	"mkdir", "touch", "dd", "head", "tail", "grep", "sed", "awk", "base64", "setsid",
	"source", "then", "do", "done", "fi", "else", "true", "false", "exit", "export",
};

struct hunt {
	const uint8_t	*s;
	size_t		 n;
	rules_hunt_cb	 cb;
	void		*arg;
	char		*arena;			/* HUNT_MAX_URLS slots of HUNT_MAX_URL + 1 */
	int		 has_sep;		/* s holds "://": else no scheme_len() > 0 */
	size_t		 len[HUNT_MAX_URLS];
	size_t		 count;
};

struct tok {
	const uint8_t	*p;
	size_t		 len;
};

/* A URL being assembled from parts (tftp, ftpget, bare hosts), cut at HUNT_MAX_URL. */
struct ubuf {
	char	 b[HUNT_MAX_URL];
	size_t	 len;
};

/*
 * Byte classes as one table lookup (the scan tests every byte of the request several times):
 * letters, digits, word bytes (alnum or '_'), seg_stop and url_stop bytes.
 */
#define CL_ALPHA	0x01
#define CL_DIGIT	0x02
#define CL_WORD		0x04
#define CL_SEG		0x08	/* ends a shell command: ; | & ` and controls but tab */
#define CL_URLSTOP	0x10	/* never in a URL: white space, controls, non-ASCII, quotes... */
#define CL1(c)	((uint8_t)(						\
	(((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') ? CL_ALPHA | CL_WORD : 0) | \
	((c) >= '0' && (c) <= '9' ? CL_DIGIT | CL_WORD : 0) |			\
	((c) == '_' ? CL_WORD : 0) |						\
	((c) == ';' || (c) == '|' || (c) == '&' || (c) == '`' || ((c) < 0x20 && (c) != '\t') ? \
	    CL_SEG : 0) |							\
	((c) <= 0x20 || (c) >= 0x7f || (c) == '"' || (c) == '\'' || (c) == '`' || (c) == ';' || \
	    (c) == '|' || (c) == '<' || (c) == '>' || (c) == '(' || (c) == ')' || (c) == '{' || \
	    (c) == '}' || (c) == '$' || (c) == '\\' ? CL_URLSTOP : 0)))
#define CL4(i)	CL1(i), CL1((i) + 1), CL1((i) + 2), CL1((i) + 3)
#define CL16(i)	CL4(i), CL4((i) + 4), CL4((i) + 8), CL4((i) + 12)
#define CL64(i)	CL16(i), CL16((i) + 16), CL16((i) + 32), CL16((i) + 48)
static const uint8_t	 hunt_class[256] = { CL64(0), CL64(64), CL64(128), CL64(192) };
#undef CL64
#undef CL16
#undef CL4
#undef CL1

static int
is_alpha(uint8_t c)
{
	return (hunt_class[c] & CL_ALPHA) != 0;
}

static int
is_digit(uint8_t c)
{
	return (hunt_class[c] & CL_DIGIT) != 0;
}

static int
is_alnum(uint8_t c)
{
	return (hunt_class[c] & (CL_ALPHA | CL_DIGIT)) != 0;
}

static int
is_word(uint8_t c)
{
	return (hunt_class[c] & CL_WORD) != 0;
}

static uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

/* A word may start at i: the byte before it is not part of a word or a dashed name. */
static int
left_ok(const uint8_t *s, size_t i)
{
	return i == 0 || !(is_word(s[i - 1]) || s[i - 1] == '-');
}

/* Bytes a URL never contains: white space, controls, non-ASCII, quotes, shell syntax. */
static int
url_stop(uint8_t c)
{
	return (hunt_class[c] & CL_URLSTOP) != 0;
}

/* Bytes that end a shell command, and with it the tool a URL is credited to. */
static int
seg_stop(uint8_t c)
{
	return (hunt_class[c] & CL_SEG) != 0;
}

/* Reports one URL unless it was already reported in this call or the cap is reached. */
static void
report(struct hunt *h, const char *tool, const void *url, size_t len)
{
	char	*slot;
	size_t	 i;

	if (h->count >= HUNT_MAX_URLS || len == 0)
		return;
	if (len > HUNT_MAX_URL)
		len = HUNT_MAX_URL;
	if (h->arena == NULL &&
	    (h->arena = malloc((size_t)HUNT_MAX_URLS * (HUNT_MAX_URL + 1))) == NULL)
		return;
	for (i = 0; i < h->count; i++)
		if (h->len[i] == len &&
		    memcmp(h->arena + i * (HUNT_MAX_URL + 1), url, len) == 0)
			return;
	slot = h->arena + h->count * (HUNT_MAX_URL + 1);
	memcpy(slot, url, len);
	slot[len] = '\0';
	h->len[h->count++] = len;
	h->cb(h->arg, tool, slot, len);
}

static void
ub_add(struct ubuf *u, const void *p, size_t n)
{
	if (n > sizeof(u->b) - u->len)
		n = sizeof(u->b) - u->len;
	memcpy(u->b + u->len, p, n);
	u->len += n;
}

static void
ub_str(struct ubuf *u, const char *s)
{
	ub_add(u, s, strlen(s));
}

/* Is w (n bytes) in the shell word list? */
static int
is_shell_word(const uint8_t *w, size_t n)
{
	size_t	 i;

	for (i = 0; i < sizeof(shell_words) / sizeof(shell_words[0]); i++)
		if (strlen(shell_words[i]) == n && memcmp(shell_words[i], w, n) == 0)
			return 1;
	return 0;
}

/* At s[j] == '+': does the '+' stand for a space before a shell word rather than a URL byte? */
static int
plus_ends(const uint8_t *s, size_t n, size_t j)
{
	size_t	 k = j + 1, wl, d;

	while (k < n && s[k] != '+' && s[k] != '&' && !url_stop(s[k]))
		k++;
	wl = k - (j + 1);
	s += j + 1;
	if (wl == 0 || s[0] == '-' || s[0] == '/')
		return 1;
	if ((wl >= 2 && (memcmp(s, "./", 2) == 0 || memcmp(s, "~/", 2) == 0)) ||
	    (wl >= 3 && memcmp(s, "../", 3) == 0))
		return 1;
	for (d = 0; d < wl && is_digit(s[d]); d++)
		;
	if (d == wl && k < n && (s[wl] == '>' || s[wl] == '<'))	/* "+2>/dev/null" */
		return 1;
	return is_shell_word(s, wl);
}

/* End of the URL whose body starts at i (see rules.h for the stop rules). */
static size_t
url_end(const uint8_t *s, size_t n, size_t i)
{
	while (i < n) {
		if (url_stop(s[i]))
			break;
		if (s[i] == '&' && (i + 1 >= n || s[i + 1] == '&' || url_stop(s[i + 1])))
			break;
		if (s[i] == '+' && plus_ends(s, n, i))
			break;
		i++;
	}
	return i;
}

/* Length of "scheme://" at i when a host follows, else 0. */
static size_t
scheme_len(const uint8_t *s, size_t n, size_t i)
{
	size_t	 j = i;
	uint8_t	 c;

	while (j < n && j - i <= HUNT_MAX_SCHEME && is_alnum(s[j]))
		j++;
	if (j - i < 2 || j - i > HUNT_MAX_SCHEME || n - j < 4 ||
	    s[j] != ':' || s[j + 1] != '/' || s[j + 2] != '/')
		return 0;
	c = s[j + 3];
	if (url_stop(c) || c == '/' || c == '+' || c == '&' || c == '?' || c == '#')
		return 0;
	return j + 3 - i;
}

#define KW_COUNT	(sizeof(keywords) / sizeof(keywords[0]))

/*
 * keywords by lower-cased first byte, each list ending in -1, and their lengths. kw_follow: by
 * first byte (either case), the letters any keyword has second, as kw_letter bits (either case;
 * every keyword's second byte is a letter). Built once.
 */
static signed char	 kw_by_first[256][KW_COUNT + 1];
static size_t		 kw_len[KW_COUNT];
static uint32_t		 kw_follow[256];
static uint32_t		 kw_letter[256];
static pthread_once_t	 kw_once = PTHREAD_ONCE_INIT;

static void
kw_index(void)
{
	size_t	 k, c, n[256] = { 0 };

	memset(kw_by_first, -1, sizeof(kw_by_first));
	for (c = 0; c < 256; c++)
		if (is_alpha((uint8_t)c))
			kw_letter[c] = 1u << (lower((uint8_t)c) - 'a');
	for (k = 0; k < KW_COUNT; k++) {
		/* kw_follow's pairs need two letters: a keyword without them would never be found. */
		if (!is_alpha((uint8_t)keywords[k].word[0]) || !is_alpha((uint8_t)keywords[k].word[1]))
			abort();
		c = lower((uint8_t)keywords[k].word[0]);
		kw_by_first[c][n[c]++] = (signed char)k;
		kw_len[k] = strlen(keywords[k].word);
		kw_follow[c] |= kw_letter[(uint8_t)keywords[k].word[1]];
		kw_follow[c - 'a' + 'A'] = kw_follow[c];
	}
}

/* Whether s[i], s[i + 1] (i + 1 < n) are the first two letters of a keyword, in any case. */
static int
kw_pair(const uint8_t *s, size_t i)
{
	return (kw_follow[s[i]] & kw_letter[s[i + 1]]) != 0;
}

/*
 * The first place at or after i where a keyword may start as a word, or n. Most words of a
 * request ("GET", "Host", "Connection") share no first two letters with any keyword, and
 * between commands nothing else counts: this skips them at a few instructions a byte.
 */
static size_t
kw_next(const uint8_t *s, size_t n, size_t i)
{
	uint32_t	 follow;

	if (i + 1 >= n)
		return n;
	for (follow = kw_follow[s[i]]; i + 1 < n; i++) {
		if ((follow & kw_letter[s[i + 1]]) != 0 && left_ok(s, i))
			return i;
		follow = kw_follow[s[i + 1]];
	}
	return n;
}

/* The keyword that starts at s[i] as a whole word, or NULL (runs at each word of a command). */
static const struct kw *
keyword_at(const uint8_t *s, size_t n, size_t i)
{
	const struct kw		*k;
	const signed char	*cand;
	size_t			 j, len;

	/* kw_index ran: rules_hunt calls pthread_once before any scan. */
	if (n - i < 2 || !kw_pair(s, i))
		return NULL;
	for (cand = kw_by_first[lower(s[i])]; *cand >= 0; cand++) {
		k = &keywords[*cand];
		len = kw_len[*cand];
		if (n - i < len)
			continue;
		for (j = 1; j < len; j++)
			if (lower(s[i + j]) != lower((uint8_t)k->word[j]))
				break;
		if (j == len && (i + len == n || !is_word(s[i + len])))
			return k;
	}
	return NULL;
}

static int
is_ipv4(const uint8_t *p, size_t n)
{
	size_t	 i = 0, parts = 0, d;
	unsigned v;

	while (parts < 4) {
		for (d = 0, v = 0; i < n && is_digit(p[i]) && d < 4; i++, d++)
			v = v * 10 + (unsigned)(p[i] - '0');
		if (d == 0 || d > 3 || v > 255)
			return 0;
		parts++;
		if (parts < 4) {
			if (i >= n || p[i] != '.')
				return 0;
			i++;
		}
	}
	return i == n;
}

static int
is_domain(const uint8_t *p, size_t n)
{
	size_t	 i, label = 0, dots = 0, last = 0;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] == '.') {
			if (label == 0)
				return 0;
			dots++;
			label = 0;
			last = i + 1;
		} else if (is_alnum(p[i]) || p[i] == '-')
			label++;
		else
			return 0;
	}
	if (dots == 0 || label < 2)
		return 0;
	for (i = last; i < n; i++)
		if (!is_alpha(p[i]))
			return 0;
	return 1;
}

/* A scheme-less "host[:port]/path" argument of wget or curl; returns its end, or i if none. */
static size_t
bare_url(const uint8_t *s, size_t n, size_t i)
{
	size_t	 h = i, q;

	while (h < n && h - i <= 253 && (is_alnum(s[h]) || s[h] == '.' || s[h] == '-'))
		h++;
	q = h;
	if (q < n && s[q] == ':') {
		for (q++; q < n && q - h <= 5 && is_digit(s[q]); q++)
			;
		if (q == h + 1)
			return i;
	}
	if (q < n && s[q] == '/')
		return is_ipv4(s + i, h - i) || is_domain(s + i, h - i) ? url_end(s, n, q) : i;
	if (q == n || url_stop(s[q]) || seg_stop(s[q]) || s[q] == '+')
		return is_ipv4(s + i, h - i) ? q : i;
	return i;
}

/* Splits the arguments after a command into tokens (white space, '+' and $IFS separate). */
static size_t
tokens(const uint8_t *s, size_t n, size_t i, struct tok *t, size_t max)
{
	const struct kw	*k;
	size_t		 nt = 0, start, d;

	while (nt < max) {
		for (;;) {
			if (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '+' || s[i] == '"' ||
			    s[i] == '\'')) {
				i++;
			} else if (n - i >= 6 && memcmp(s + i, "${IFS}", 6) == 0) {
				i += 6;
			} else if (n - i >= 4 && memcmp(s + i, "$IFS", 4) == 0) {
				i += 4;
			} else
				break;
		}
		if (i >= n || seg_stop(s[i]) || url_stop(s[i]))
			break;
		start = i;
		while (i < n && !url_stop(s[i]) && !seg_stop(s[i]) && s[i] != '+')
			i++;
		for (d = start; d < i && is_digit(s[d]); d++)
			;
		if (d == i && i < n && (s[i] == '>' || s[i] == '<'))	/* "2>/dev/null" */
			break;
		if ((k = keyword_at(s, n, start)) != NULL && strlen(k->word) == i - start)
			break;					/* the next command */
		t[nt].p = s + start;
		t[nt].len = i - start;
		nt++;
	}
	return nt;
}

static int
tok_is(const struct tok *t, const char *w)
{
	return t->len == strlen(w) && memcmp(t->p, w, t->len) == 0;
}

static int
host_ok(const struct tok *t)
{
	size_t	 i;
	int	 alnum = 0;

	if (t->len == 0 || t->len > 253)
		return 0;
	for (i = 0; i < t->len; i++) {
		if (is_alnum(t->p[i]))
			alnum = 1;
		else if (strchr(".:-_[]", t->p[i]) == NULL)
			return 0;
	}
	return alnum;
}

static int
digits_ok(const struct tok *t)
{
	size_t	 i;

	if (t->len == 0 || t->len > 5)
		return 0;
	for (i = 0; i < t->len; i++)
		if (!is_digit(t->p[i]))
			return 0;
	return 1;
}

/* Reports scheme://host[:port]/file. */
static void
report_parts(struct hunt *h, const char *tool, const char *scheme, const struct tok *host,
    const struct tok *port, const struct tok *file)
{
	struct ubuf	 u;
	const uint8_t	*f = file->p;
	size_t		 fl = file->len;

	while (fl > 0 && f[0] == '/') {
		f++;
		fl--;
	}
	if (fl == 0 || !host_ok(host) || (port != NULL && !digits_ok(port)))
		return;
	u.len = 0;
	ub_str(&u, scheme);
	ub_add(&u, host->p, host->len);
	if (port != NULL) {
		ub_str(&u, ":");
		ub_add(&u, port->p, port->len);
	}
	ub_str(&u, "/");
	ub_add(&u, f, fl);
	report(h, tool, u.b, u.len);
}

/*
 * Parses getopt-style flags of one token. takes: option letters taking a value. Sets *opt to
 * the option whose value is pending in the next token (0 if none), or stores an attached value.
 */
static void
flags(const struct tok *t, const char *takes, const char *sets, int *set, int *opt,
    char *attopt, struct tok *attval)
{
	size_t	 j;
	char	*p;

	*opt = 0;
	*attopt = 0;
	for (j = 1; j < t->len; j++) {
		if (t->p[j] != '\0' && (p = strchr(sets, t->p[j])) != NULL) {
			set[p - sets] = 1;
			continue;
		}
		if (t->p[j] != '\0' && strchr(takes, t->p[j]) != NULL) {
			if (j + 1 < t->len) {
				*attopt = (char)t->p[j];
				attval->p = t->p + j + 1;
				attval->len = t->len - j - 1;
			} else
				*opt = t->p[j];
			return;
		}
	}
}

/*
 * tftp: BusyBox "tftp -g -r FILE HOST [PORT]" (any order, "-gr FILE", "-l LOCAL"), and
 * tftp-hpa "tftp HOST [PORT] -c get FILE"; reported as tftp://HOST[:PORT]/FILE.
 */
static void
hunt_tftp(struct hunt *h, size_t i)
{
	struct tok	 t[HUNT_MAX_TOKENS], val, *host = NULL, *port = NULL;
	struct tok	 remote = { NULL, 0 }, local = { NULL, 0 };
	size_t		 nt, k;
	int		 opt = 0, set[2] = { 0, 0 }, cmdget = 0;	/* set: -g, -p */
	char		 attopt;

	nt = tokens(h->s, h->n - i > HUNT_MAX_ARGS ? i + HUNT_MAX_ARGS : h->n, i, t,
	    HUNT_MAX_TOKENS);
	for (k = 0; k < nt; k++) {
		if (opt != 0) {
			if (opt == 'r')
				remote = t[k];
			else if (opt == 'l')
				local = t[k];
			else if (opt == 'c' && tok_is(&t[k], "get"))
				cmdget = 1;
			opt = 0;
			continue;
		}
		if (t[k].len >= 2 && t[k].p[0] == '-') {
			flags(&t[k], "rlbmBc", "gp", set, &opt, &attopt, &val);
			if (attopt == 'r')
				remote = val;
			else if (attopt == 'l')
				local = val;
			continue;
		}
		if (cmdget == 1) {
			remote = t[k];
			cmdget = 2;
		} else if (host == NULL)
			host = &t[k];
		else if (port == NULL && digits_ok(&t[k]))
			port = &t[k];
	}
	if (host == NULL || (set[1] && !set[0] && !cmdget))
		return;
	if (remote.len == 0)
		remote = local;
	if (remote.len == 0)
		return;
	report_parts(h, "tftp", "tftp://", host, port, &remote);
}

/* ftpget: BusyBox "ftpget [-c] [-v] [-u U] [-p P] [-P PORT] HOST [LOCAL] REMOTE". */
static void
hunt_ftpget(struct hunt *h, size_t i)
{
	struct tok	 t[HUNT_MAX_TOKENS], val, pos[3], port = { NULL, 0 };
	size_t		 nt, k, npos = 0;
	int		 opt = 0, set[2];
	char		 attopt;

	nt = tokens(h->s, h->n - i > HUNT_MAX_ARGS ? i + HUNT_MAX_ARGS : h->n, i, t,
	    HUNT_MAX_TOKENS);
	for (k = 0; k < nt; k++) {
		if (opt != 0) {
			if (opt == 'P')
				port = t[k];
			opt = 0;
			continue;
		}
		if (t[k].len >= 2 && t[k].p[0] == '-') {
			flags(&t[k], "upP", "cv", set, &opt, &attopt, &val);
			if (attopt == 'P')
				port = val;
			continue;
		}
		if (npos < 3)
			pos[npos++] = t[k];
	}
	if (npos < 2)
		return;
	report_parts(h, "ftpget", "ftp://", &pos[0], port.len > 0 ? &port : NULL,
	    &pos[npos - 1]);
}

/* The command scan: credits each URL to the last download keyword of its shell command. */
static void
hunt_scan(struct hunt *h)
{
	const uint8_t	*s = h->s;
	const struct kw	*tool = NULL, *k;
	size_t		 n = h->n, i = 0, sl, e;
	struct ubuf	 u;

	while (i < n && h->count < HUNT_MAX_URLS) {
		/*
		 * Outside a command, with no "scheme://" to step over, only a keyword matters (the
		 * loop below would look at every word and find none before it).
		 */
		if (tool == NULL && !h->has_sep && (i = kw_next(s, n, i)) >= n)
			break;
		if (seg_stop(s[i])) {
			tool = NULL;
			i++;
			continue;
		}
		if (is_alpha(s[i]) && left_ok(s, i)) {
			if (h->has_sep && (sl = scheme_len(s, n, i)) > 0) {
				e = url_end(s, n, i + sl);
				if (tool != NULL)
					report(h, tool->tool, s + i, e - i);
				i = e;
				continue;
			}
			if ((k = keyword_at(s, n, i)) != NULL) {
				tool = k;
				i += strlen(k->word);
				if (k->kind == K_TFTP)
					hunt_tftp(h, i);
				else if (k->kind == K_FTPGET)
					hunt_ftpget(h, i);
				continue;
			}
		}
		if (tool != NULL && tool->kind == K_BARE && is_alnum(s[i]) &&
		    (i == 0 || strchr(" \t+}\"'", s[i - 1]) != NULL) &&
		    (e = bare_url(s, n, i)) > i) {
			u.len = 0;
			ub_str(&u, "http://");
			ub_add(&u, s + i, e - i);
			report(h, tool->tool, u.b, u.len);
			i = e;
			continue;
		}
		if (is_word(s[i]))
			while (i < n && is_word(s[i]))
				i++;
		else
			i++;
	}
}

/*
 * Reports, as tool "url", every URL that overlaps the match [ms, me) of a huntrules pattern.
 * *done: where the previous span's URLs ended; nothing before it is looked at again.
 */
static void
hunt_span(struct hunt *h, size_t ms, size_t me, size_t *done)
{
	size_t	 i = ms > HUNT_MAX_SCHEME ? ms - HUNT_MAX_SCHEME : 0, sl, e;

	if (i < *done)
		i = *done;
	while (i < me && h->count < HUNT_MAX_URLS) {
		if (is_alpha(h->s[i]) && left_ok(h->s, i) &&
		    (sl = scheme_len(h->s, h->n, i)) > 0) {
			e = url_end(h->s, h->n, i + sl);
			if (e > ms)
				report(h, "url", h->s + i, e - i);
			i = e;
		} else
			i++;
	}
	if (i > *done)
		*done = i;
}

/* Runs each huntrules.txt pattern like Python's re.findall over the decoded text. */
static void
hunt_rules(struct hunt *h, const struct rules *r)
{
	pcre2_match_data	*md;
	size_t			 k, off, ms, me, nm, done;

	if (r == NULL || r->nhunt == 0 || (md = pcre2_match_data_create(1, NULL)) == NULL)
		return;
	for (k = 0; k < r->nhunt && h->count < HUNT_MAX_URLS; k++) {
		off = done = 0;
		for (nm = 0; nm < HUNT_MAX_FINDALL && off <= h->n; nm++) {
			if (!rules_re_search(&r->hunt[k], r->mctx, md, h->s, h->n, off, &ms, &me))
				break;
			hunt_span(h, ms, me, &done);
			off = me > ms ? me : me + 1;
		}
	}
	pcre2_match_data_free(md);
}

/* Whether "://" occurs in s[0..n): memchr for ':' (glibc's memmem costs ~450 instructions). */
static int
has_scheme_sep(const uint8_t *s, size_t n)
{
	const uint8_t	*p = s, *end = s + n;

	while ((p = memchr(p, ':', (size_t)(end - p))) != NULL) {
		if (end - p >= 3 && p[1] == '/' && p[2] == '/')
			return 1;
		p++;
	}
	return 0;
}

/*
 * The text percent-decoded once ('+' stays '+', as WOWHoneypot does; a '+' is read as a space
 * only where it separates command arguments) into *n bytes: text itself when it holds no '%'
 * (most requests: no copy), else a copy in *copy for the caller to free. NULL when out of memory.
 */
static const uint8_t *
hunt_decode(const uint8_t *text, size_t len, uint8_t **copy, size_t *n)
{
	const uint8_t	*pc;
	uint8_t		*d;
	size_t		 i, j;
	int		 hi, lo;

	*copy = NULL;
	*n = len;
	if (memchr(text, '%', len) == NULL)
		return text;
	if ((d = *copy = malloc(len)) == NULL)
		return NULL;
	/* Runs without '%' are copied whole. */
	for (i = j = 0; i < len; i++) {
		if ((pc = memchr(text + i, '%', len - i)) == NULL) {
			memcpy(d + j, text + i, len - i);
			j += len - i;
			break;
		}
		memcpy(d + j, text + i, (size_t)(pc - (text + i)));
		j += (size_t)(pc - (text + i));
		i = (size_t)(pc - text);
		if (len - i > 2 && (hi = hex_value(text[i + 1])) >= 0 &&
		    (lo = hex_value(text[i + 2])) >= 0) {
			d[j++] = (uint8_t)(hi << 4 | lo);
			i += 2;
		} else
			d[j++] = text[i];
	}
	*n = j;
	return d;
}

/*
 * Hunting; see rules.h. url points to a NUL-terminated copy that is valid during the callback
 * only. At most 64 URLs of at most 2048 bytes are reported per call.
 */
size_t
rules_hunt(const struct rules *r, const uint8_t *text, size_t len, rules_hunt_cb cb, void *arg)
{
	struct hunt	 h;
	uint8_t		*copy;

	if (text == NULL || len == 0 || cb == NULL)
		return 0;
	pthread_once(&kw_once, kw_index);
	memset(&h, 0, sizeof(h));
	if ((h.s = hunt_decode(text, len, &copy, &h.n)) == NULL)
		return 0;
	h.cb = cb;
	h.arg = arg;
	h.has_sep = has_scheme_sep(h.s, h.n);
	hunt_scan(&h);
	/* huntrules.txt can only ever report "scheme://" URLs: no "://", nothing to run. */
	if (h.has_sep)
		hunt_rules(&h, r);
	free(h.arena);
	free(copy);
	return h.count;
}
