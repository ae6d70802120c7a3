/*
 * shell.h - a fake BusyBox (ash) shell on an embedded Linux device, shared by the Telnet and SSH
 * sensors. It never runs or fetches anything: it answers what bots send after login from a device
 * profile and a small in-memory file system, and reports every command line as a `command` event
 * and every download it sees (wget, curl, tftp, ftpget, ...) as a `download_url` event.
 *
 * The device profile lives in the config section [device], shared by every sensor that uses the
 * shell (telnet, ssh), so that both show the same device:
 *	[device]
 *	hostname = router			host name (prompt, uname -n, telnet login prompt)
 *	uname = 3.10.14 #1 SMP PREEMPT ...	kernel release and version as `uname -rv` prints them
 *	cpu = armv7l				machine as `uname -m` prints it: armv7l, armv6l, armv5tejl,
 *						mips, mipsel, aarch64, x86_64, i686 (sets /proc/cpuinfo and
 *						the ELF header `cat /bin/echo` shows)
 *	busybox_version = 1.31.1		the version BusyBox banners and usage texts show
 * registry.c registers shell_config_keys; a sensor's init calls shell_profile_load.
 *
 * Use: shell_new with callbacks into the caller's session; shell_banner + shell_prompt once after a
 * login (interactive), then shell_line per input line; or shell_exec once for a command given
 * without a terminal (SSH exec: no prompts). Output always follows the events that caused it: out()
 * is given the highest sequence number the shell's events got, to pass to session_reply.
 */
#ifndef HNP_SHELL_H
#define HNP_SHELL_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

struct jsonw;

/* The [device] section's keys (registered by registry.c). */
extern const struct config_key shell_config_keys[];

/* A device as the shell shows it; filled by shell_profile_load, read-only afterwards. */
struct shell_profile {
	char	hostname[65];
	char	release[65];		/* uname -r */
	char	version[129];		/* uname -v */
	char	machine[16];		/* uname -m */
	char	busybox_version[33];
	int	arch;			/* index into the shell's table of machines */
};

/* Reads [device] from cfg. 0, or -1 with err naming the key. */
int	shell_profile_load(struct shell_profile *p, const struct config *cfg, char *err,
	    size_t errlen);

/* What the shell calls back into its session. */
struct shell_io {
	void	*arg;
	/*
	 * Records an event: kind is "command" or "download_url", fields the JSON object text w
	 * wrote, raw[0..rawlen) the bytes it came from (the payload; may be NULL). Returns the
	 * event's sequence number, or -1 when it was dropped.
	 */
	int64_t	(*event)(void *arg, const char *kind, const struct jsonw *fields,
		    const void *raw, size_t rawlen);
	/*
	 * Writes output (already with "\r\n" line ends when SHELL_CRLF); seq is the highest
	 * sequence number returned by event() so far (0 before any): send it gated on that, e.g.
	 * session_reply(s, seq, data, len). Returns 0, or -1 to stop (the shell then ends).
	 */
	int	(*out)(void *arg, int64_t seq, const void *data, size_t len);
	/* The shell ended (`exit`, `logout`, a cap passed): status as `echo $?` would show. */
	void	(*exit)(void *arg, int status);
};

/* shell_new flags */
#define SHELL_CRLF	0x1	/* a terminal: every "\n" written as "\r\n" (Telnet, SSH with a pty) */

struct shell;

/*
 * A new shell for user (shown by id, whoami, the prompt: '#' for root, '$' otherwise). p and io
 * must outlive the shell; io is copied.
 */
struct shell *shell_new(const struct shell_profile *p, const struct shell_io *io,
	    const char *user, unsigned flags);
/* Writes the BusyBox login banner ("BusyBox v1.x (...) built-in shell (ash)" and a blank line). */
void	shell_banner(struct shell *sh);
/* Writes the prompt ("root@host:~# "). */
void	shell_prompt(struct shell *sh);
/*
 * One interactive input line (without its line end; NUL bytes count as spaces, as Mirai sends
 * them): records it, writes its output and the next prompt. Returns 0, or 1 when the shell has
 * ended (exit() was called; write nothing more).
 */
int	shell_line(struct shell *sh, const uint8_t *line, size_t len);
/*
 * One command without a terminal (SSH exec): records it and writes its output, no prompt, then
 * calls exit() with the status. Returns the status.
 */
int	shell_exec(struct shell *sh, const uint8_t *cmd, size_t len);
void	shell_free(struct shell *sh);

#endif
