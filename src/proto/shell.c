/*
 * shell.c - the fake BusyBox shell: device profile ([device]), the session's in-memory files, the
 * machine's ELF header, running a parsed command line (sequences, && ||, pipes, redirections) and
 * recording it. The applets themselves are in shell_applets.c. Nothing is ever executed or fetched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/limits.h"
#include "core/xmalloc.h"
#include "proto/parse/shell_parse.h"
#include "proto/shell_impl.h"
#include "rules/rules.h"

#define SHELL_DEF_HOSTNAME	"router"
#define SHELL_DEF_UNAME		"3.10.14 #1 SMP PREEMPT Tue Mar 3 11:09:58 CST 2020"
#define SHELL_DEF_CPU		"armv7l"
#define SHELL_DEF_BUSYBOX	"1.31.1"

static int	shell_check_hostname(const char *, char *, size_t);
static int	shell_check_cpu(const char *, char *, size_t);
static int	shell_check_text(const char *, char *, size_t);

const struct config_key shell_config_keys[] = {
	{ "device", "hostname", CFG_STR, 0, 0, SHELL_DEF_HOSTNAME,
	    "host name the Telnet and SSH shells show (prompt, uname -n, login prompt)",
	    shell_check_hostname },
	{ "device", "uname", CFG_STR, 0, 0, SHELL_DEF_UNAME,
	    "kernel release and version, as `uname -rv` prints them", shell_check_text },
	{ "device", "cpu", CFG_STR, 0, 0, SHELL_DEF_CPU,
	    "machine (uname -m): armv7l, armv6l, armv5tejl, mips, mipsel, aarch64, x86_64, i686",
	    shell_check_cpu },
	{ "device", "busybox_version", CFG_STR, 0, 0, SHELL_DEF_BUSYBOX,
	    "BusyBox version in banners and usage texts", shell_check_text },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};

#define CPUINFO_ARM(model, bogo, features, arch, part, rev, hw) \
	"processor\t: 0\nmodel name\t: " model "\nBogoMIPS\t: " bogo "\nFeatures\t: " features \
	"\nCPU implementer\t: 0x41\nCPU architecture: " arch "\nCPU variant\t: 0x0\nCPU part\t: " \
	part "\nCPU revision\t: " rev "\n\nHardware\t: " hw "\nRevision\t: 0000\nSerial\t\t: " \
	"0000000000000000\n"
#define CPUINFO_MIPS(sys, model, bogo) \
	"system type\t\t: " sys "\nmachine\t\t\t: Unknown\nprocessor\t\t: 0\ncpu model\t\t: " \
	model "\nBogoMIPS\t\t: " bogo "\nwait instruction\t: yes\nmicrosecond timers\t: yes\n" \
	"tlb_entries\t\t: 32\nextra interrupt vector\t: yes\nhardware watchpoint\t: yes, count: " \
	"4, address/irw mask: [0x0ffc, 0x0ffc, 0x0ffb, 0x0ffb]\nisa\t\t\t: mips1 mips2 mips32r1 " \
	"mips32r2\nASEs implemented\t: mips16 dsp dsp2\nshadow register sets\t: 1\nkscratch " \
	"registers\t: 0\ncore\t\t\t: 0\nVCED exceptions\t\t: not available\nVCEI exceptions\t\t:" \
	" not available\n\n"
#define CPUINFO_X86(model) \
	"processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 92\nmodel name\t: " \
	model "\nstepping\t: 9\ncpu MHz\t\t: 1094.400\ncache size\t: 1024 KB\nphysical id\t: 0\n" \
	"siblings\t: 4\ncore id\t\t: 0\ncpu cores\t: 4\nfpu\t\t: yes\nflags\t\t: fpu vme de pse " \
	"tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht " \
	"syscall nx lm constant_tsc sse3 ssse3 sse4_1 sse4_2 movbe popcnt aes rdrand\nbogomips\t: " \
	"2188.80\n\n"

const struct shell_arch shell_archs[] = {
	{ "armv7l", 1, 1, 40, 0x05000400, CPUINFO_ARM("ARMv7 Processor rev 5 (v7l)", "48.00",
	    "half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae evtstrm",
	    "7", "0xc07", "5", "Generic DT based system") },
	{ "armv6l", 1, 1, 40, 0x05000002, CPUINFO_ARM("ARMv6-compatible processor rev 7 (v6l)",
	    "697.95", "half thumb fastmult vfp edsp java tls", "7", "0xb76", "7", "BCM2708") },
	{ "armv5tejl", 1, 1, 40, 0x05000002, CPUINFO_ARM("ARM926EJ-S rev 5 (v5l)", "218.72",
	    "swp half thumb fastmult edsp java", "5TEJ", "0x926", "5", "hi3518") },
	{ "mips", 1, 2, 8, 0x00001007, CPUINFO_MIPS("Atheros AR9344 rev 2", "MIPS 74Kc V4.12",
	    "278.93") },
	{ "mipsel", 1, 1, 8, 0x00001007, CPUINFO_MIPS("MediaTek MT7621 ver:1 eco:3",
	    "MIPS 1004Kc V2.15", "586.13") },
	{ "aarch64", 2, 1, 183, 0, "processor\t: 0\nBogoMIPS\t: 48.00\nFeatures\t: fp asimd evtstrm "
	    "aes pmull sha1 sha2 crc32 cpuid\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU "
	    "variant\t: 0x0\nCPU part\t: 0xd03\nCPU revision\t: 4\n\n" },
	{ "x86_64", 2, 1, 62, 0, CPUINFO_X86("Intel(R) Celeron(R) CPU J3455 @ 1.50GHz") },
	{ "i686", 1, 1, 3, 0, CPUINFO_X86("Intel(R) Atom(TM) CPU D525   @ 1.80GHz") },
	{ NULL, 0, 0, 0, 0, NULL },
};

static int
shell_arch_index(const char *machine)
{
	int	 i;

	for (i = 0; shell_archs[i].machine != NULL; i++)
		if (strcmp(shell_archs[i].machine, machine) == 0)
			return i;
	return -1;
}

static int
shell_check_cpu(const char *v, char *why, size_t whylen)
{
	if (shell_arch_index(v) >= 0)
		return 0;
	snprintf(why, whylen, "one of armv7l, armv6l, armv5tejl, mips, mipsel, aarch64, x86_64, "
	    "i686");
	return -1;
}

/* Printable ASCII only: the text goes to attackers' terminals as is. */
static int
shell_check_text(const char *v, char *why, size_t whylen)
{
	size_t	 i, n = strlen(v);

	if (n == 0 || n > 128) {
		snprintf(why, whylen, "1 to 128 characters");
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e) {
			snprintf(why, whylen, "printable ASCII only");
			return -1;
		}
	return 0;
}

static int
shell_check_hostname(const char *v, char *why, size_t whylen)
{
	size_t	 i, n = strlen(v);

	if (n == 0 || n > 64) {
		snprintf(why, whylen, "1 to 64 characters");
		return -1;
	}
	for (i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._",
		    v[i]) == NULL) {
			snprintf(why, whylen, "letters, digits, '-', '.' and '_' only");
			return -1;
		}
	return 0;
}

int
shell_profile_load(struct shell_profile *p, const struct config *cfg, char *err, size_t errlen)
{
	const char	*host, *uname, *cpu, *bb, *sp;
	char		 why[128];

	memset(p, 0, sizeof(*p));
	host = config_get(cfg, "device", "hostname");
	uname = config_get(cfg, "device", "uname");
	cpu = config_get(cfg, "device", "cpu");
	bb = config_get(cfg, "device", "busybox_version");
	if (host == NULL || shell_check_hostname(host, why, sizeof(why)) == -1 ||
	    uname == NULL || shell_check_text(uname, why, sizeof(why)) == -1 ||
	    cpu == NULL || shell_check_cpu(cpu, why, sizeof(why)) == -1 ||
	    bb == NULL || shell_check_text(bb, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "[device]: a value is missing or invalid");
		return -1;
	}
	snprintf(p->hostname, sizeof(p->hostname), "%s", host);
	sp = strchr(uname, ' ');
	if (sp == NULL) {
		snprintf(p->release, sizeof(p->release), "%s", uname);
		snprintf(p->version, sizeof(p->version), "#1 SMP");
	} else {
		snprintf(p->release, sizeof(p->release), "%.*s", (int)(sp - uname), uname);
		snprintf(p->version, sizeof(p->version), "%s", sp + 1);
	}
	snprintf(p->machine, sizeof(p->machine), "%s", cpu);
	snprintf(p->busybox_version, sizeof(p->busybox_version), "%s", bb);
	p->arch = shell_arch_index(cpu);
	return 0;
}

void
shell_puts(struct buf *b, const char *s)
{
	buf_append_some(b, s, strlen(s));
}

/* ELF: little- or big-endian fields as the machine writes them. */
static void
elf_put(struct buf *b, const struct shell_arch *a, uint64_t v, int n)
{
	uint8_t	 x[8];
	int	 i;

	for (i = 0; i < n; i++)
		x[a->elf_data == 1 ? i : n - 1 - i] = (uint8_t)(v >> (8 * i));
	buf_append_some(b, x, (size_t)n);
}

void
shell_elf(const struct shell *sh, struct buf *out)
{
	const struct shell_arch	*a = &shell_archs[sh->p->arch];
	static const uint8_t	 magic[4] = { 0x7f, 'E', 'L', 'F' };
	uint8_t			 ident[12] = { 0 };
	int			 w = a->elf_class == 2 ? 8 : 4, i;
	uint64_t		 base = a->elf_class == 2 ? 0x400000 : 0x10000;
	uint64_t		 ehsize = a->elf_class == 2 ? 64 : 52;
	uint64_t		 phsize = a->elf_class == 2 ? 56 : 32;

	buf_append_some(out, magic, 4);
	ident[0] = a->elf_class;
	ident[1] = a->elf_data;
	ident[2] = 1;				/* EV_CURRENT */
	buf_append_some(out, ident, sizeof(ident));
	elf_put(out, a, 2, 2);			/* ET_EXEC */
	elf_put(out, a, a->elf_machine, 2);
	elf_put(out, a, 1, 4);
	elf_put(out, a, base + 0x1c0, w);	/* e_entry */
	elf_put(out, a, ehsize, w);		/* e_phoff */
	elf_put(out, a, 0x7a3c4, w);		/* e_shoff */
	elf_put(out, a, a->elf_flags, 4);
	elf_put(out, a, ehsize, 2);
	elf_put(out, a, phsize, 2);
	elf_put(out, a, 2, 2);			/* e_phnum */
	elf_put(out, a, a->elf_class == 2 ? 64 : 40, 2);
	elf_put(out, a, 17, 2);			/* e_shnum */
	elf_put(out, a, 16, 2);			/* e_shstrndx */
	for (i = 0; i < 2; i++) {		/* PT_LOAD text (r-x), PT_LOAD data (rw-) */
		uint64_t off = i == 0 ? 0 : 0x79f70, va = base + off + (i == 0 ? 0 : 0x10000);
		uint64_t sz = i == 0 ? 0x79f6c : 0x4d8, mem = i == 0 ? sz : 0x7a90;
		uint64_t flg = i == 0 ? 5 : 6;

		elf_put(out, a, 1, 4);
		if (w == 8) {
			elf_put(out, a, flg, 4);
			elf_put(out, a, off, 8);
			elf_put(out, a, va, 8);
			elf_put(out, a, va, 8);
			elf_put(out, a, sz, 8);
			elf_put(out, a, mem, 8);
			elf_put(out, a, 0x10000, 8);
		} else {
			elf_put(out, a, off, 4);
			elf_put(out, a, va, 4);
			elf_put(out, a, va, 4);
			elf_put(out, a, sz, 4);
			elf_put(out, a, mem, 4);
			elf_put(out, a, flg, 4);
			elf_put(out, a, 0x10000, 4);
		}
	}
}

/* --- In-memory files. */

static const char *const shell_dirs[] = {
	"/", "/bin", "/dev", "/etc", "/home", "/lib", "/mnt", "/proc", "/proc/self", "/root",
	"/sbin", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/sbin", "/var", "/var/run", "/var/tmp",
	"/dev/shm", NULL,
};

int
shell_path(const struct shell *sh, const char *path, char out[HNP_SHELL_MAX_PATH + 1])
{
	char		 tmp[2 * HNP_SHELL_MAX_PATH + 4];
	size_t		 n = 0, i, seg;
	const char	*s;
	int		 len;

	if (path[0] == '~' && (path[1] == '\0' || path[1] == '/'))
		len = snprintf(tmp, sizeof(tmp), "/root/%s", path + 1);
	else if (path[0] == '/')
		len = snprintf(tmp, sizeof(tmp), "%s", path);
	else
		len = snprintf(tmp, sizeof(tmp), "%s/%s", sh->cwd, path);
	if (len < 0 || (size_t)len >= sizeof(tmp))
		return -1;
	out[0] = '\0';
	for (s = tmp; *s != '\0'; s += seg) {
		while (*s == '/')
			s++;
		seg = strcspn(s, "/");
		if (seg == 0 || (seg == 1 && s[0] == '.'))
			continue;
		if (seg == 2 && s[0] == '.' && s[1] == '.') {
			while (n > 0 && out[n] != '/')
				n--;
			out[n] = '\0';
			continue;
		}
		if (n + 1 + seg > HNP_SHELL_MAX_PATH)
			return -1;
		out[n++] = '/';
		for (i = 0; i < seg; i++)
			out[n++] = s[i];
		out[n] = '\0';
	}
	if (n == 0) {
		out[0] = '/';
		out[1] = '\0';
	}
	return 0;
}

static struct shell_file *
shell_file_find(const struct shell *sh, const char *abs)
{
	size_t	 i;

	for (i = 0; i < sh->nfiles; i++)
		if (strcmp(sh->files[i].path, abs) == 0)
			return (struct shell_file *)&sh->files[i];
	return NULL;
}

int
shell_is_dir(const struct shell *sh, const char *abs)
{
	const struct shell_file	*f;
	size_t			 i;

	for (i = 0; shell_dirs[i] != NULL; i++)
		if (strcmp(shell_dirs[i], abs) == 0)
			return 1;
	f = shell_file_find(sh, abs);
	return f != NULL && f->dir;
}

/* Whether abs is on one of the tmpfs mounts of /proc/mounts (the root is a read-only squashfs). */
static int
shell_writable(const char *abs)
{
	static const char *const rw[] = { "/tmp/", "/var/", "/dev/" };
	size_t			 i;

	for (i = 0; i < sizeof(rw) / sizeof(rw[0]); i++)
		if (strncmp(abs, rw[i], strlen(rw[i])) == 0)
			return 1;
	return 0;
}

/* The directory part of abs exists. */
static int
shell_parent_ok(const struct shell *sh, const char *abs)
{
	char		 dir[HNP_SHELL_MAX_PATH + 1];
	const char	*slash = strrchr(abs, '/');

	if (slash == NULL || slash == abs)
		return 1;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - abs), abs);
	return shell_is_dir(sh, dir);
}

/* Bytes of the files every device has, generated from the profile. */
static int
shell_sys_file(struct shell *sh, const char *abs, struct buf *out)
{
	const struct shell_profile	*p = sh->p;
	const char			*base;

	if (strcmp(abs, "/proc/mounts") == 0 || strcmp(abs, "/proc/self/mounts") == 0) {
		shell_puts(out, "rootfs / rootfs rw 0 0\n/dev/root / squashfs ro,relatime 0 0\n"
		    "proc /proc proc rw,relatime 0 0\nsysfs /sys sysfs rw,relatime 0 0\n"
		    "tmpfs /dev tmpfs rw,relatime,size=512k 0 0\n"
		    "tmpfs /tmp tmpfs rw,relatime,size=16384k 0 0\n"
		    "tmpfs /var tmpfs rw,relatime,size=8192k 0 0\n"
		    "devpts /dev/pts devpts rw,relatime,mode=600 0 0\n");
		return 1;
	}
	if (strcmp(abs, "/proc/cpuinfo") == 0) {
		shell_puts(out, shell_archs[p->arch].cpuinfo);
		return 1;
	}
	if (strcmp(abs, "/proc/version") == 0) {
		shell_puts(out, "Linux version ");
		shell_puts(out, p->release);
		shell_puts(out, " (root@buildhost) (gcc version 4.9.4 (Buildroot 2016.11)) ");
		shell_puts(out, p->version);
		shell_puts(out, "\n");
		return 1;
	}
	if (strcmp(abs, "/proc/uptime") == 0) {
		shell_puts(out, "1034862.31 982127.52\n");
		return 1;
	}
	if (strcmp(abs, "/proc/meminfo") == 0) {
		shell_puts(out, "MemTotal:         124524 kB\nMemFree:           61436 kB\n"
		    "Buffers:            3416 kB\nCached:             21832 kB\n"
		    "SwapCached:            0 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n");
		return 1;
	}
	if (strcmp(abs, "/etc/passwd") == 0) {
		shell_puts(out, "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
		    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
		return 1;
	}
	if (strcmp(abs, "/etc/hostname") == 0) {
		shell_puts(out, p->hostname);
		shell_puts(out, "\n");
		return 1;
	}
	if (strcmp(abs, "/proc/self/exe") == 0) {
		shell_elf(sh, out);
		return 1;
	}
	base = strrchr(abs, '/') + 1;
	if ((strncmp(abs, "/bin/", 5) == 0 || strncmp(abs, "/sbin/", 6) == 0 ||
	    strncmp(abs, "/usr/bin/", 9) == 0 || strncmp(abs, "/usr/sbin/", 10) == 0) &&
	    strchr(base, '/') == NULL && (strcmp(base, "busybox") == 0 ||
	    (shell_applet_find(base) != NULL && shell_applet_find(base)->busybox))) {
		shell_elf(sh, out);
		return 1;
	}
	return 0;
}

int
shell_file_read(struct shell *sh, const char *abs, struct buf *out)
{
	struct shell_file	*f;

	if ((f = shell_file_find(sh, abs)) != NULL) {
		if (f->dir)
			return -1;
		buf_append_some(out, f->data.data, f->data.len);
		return 1;
	}
	if (shell_is_dir(sh, abs))
		return -1;
	return shell_sys_file(sh, abs, out);
}

int
shell_file_write(struct shell *sh, const char *abs, const void *p, size_t len, int append,
    const char **why)
{
	struct shell_file	*f;
	size_t			 room;
	struct buf		 probe;

	if (shell_is_dir(sh, abs)) {
		*why = "Is a directory";
		return -1;
	}
	if (!shell_writable(abs)) {
		buf_init(&probe, 1);
		*why = shell_sys_file(sh, abs, &probe) || strncmp(abs, "/proc/", 6) == 0 ||
		    strncmp(abs, "/sys/", 5) == 0 ? "Permission denied" : "Read-only file system";
		buf_free(&probe);
		return -1;
	}
	if (!shell_parent_ok(sh, abs)) {
		*why = "No such file or directory";
		return -1;
	}
	if ((f = shell_file_find(sh, abs)) == NULL) {
		if (sh->nfiles >= HNP_SHELL_MAX_FILES) {
			*why = "No space left on device";
			return -1;
		}
		f = &sh->files[sh->nfiles++];
		f->path = xstrdup(abs);
		f->dir = 0;
		buf_init(&f->data, HNP_SHELL_MAX_FS_BYTES);
	}
	if (!append) {
		sh->fs_bytes -= f->data.len;
		f->data.len = 0;
	}
	room = HNP_SHELL_MAX_FS_BYTES - sh->fs_bytes;
	if (len > room)
		len = room;		/* the device is full: the rest is lost, as on a tmpfs */
	sh->fs_bytes += buf_append_some(&f->data, p, len);
	return 0;
}

int
shell_file_remove(struct shell *sh, const char *abs)
{
	struct shell_file	*f;

	if ((f = shell_file_find(sh, abs)) == NULL)
		return -1;
	sh->fs_bytes -= f->data.len;
	free(f->path);
	buf_free(&f->data);
	*f = sh->files[--sh->nfiles];
	return 0;
}

int
shell_mkdir(struct shell *sh, const char *abs, const char **why)
{
	struct shell_file	*f;

	*why = NULL;
	if (shell_is_dir(sh, abs) || shell_file_find(sh, abs) != NULL)
		*why = "File exists";
	else if (!shell_parent_ok(sh, abs))
		*why = "No such file or directory";
	else if (!shell_writable(abs))
		*why = "Read-only file system";
	else if (sh->nfiles >= HNP_SHELL_MAX_FILES)
		*why = "No space left on device";
	if (*why != NULL)
		return -1;
	f = &sh->files[sh->nfiles++];
	f->path = xstrdup(abs);
	f->dir = 1;
	buf_init(&f->data, 0);
	return 0;
}

void
shell_list_dir(const struct shell *sh, const char *abs, struct buf *out, int all)
{
	static const struct { const char *dir, *names; } fixed[] = {
		{ "/", "bin dev etc home lib mnt proc root sbin sys tmp usr var" },
		{ "/bin", "busybox cat chmod cp dd echo grep kill ls mkdir mount mv ping ps rm sh "
		    "sleep tftp touch umount uname wget" },
		{ "/etc", "group hostname hosts init.d inittab passwd profile resolv.conf" },
		{ "/dev", "console mtd0 mtd1 mtdblock0 mtdblock1 null ptmx pts random shm tty ttyS0 "
		    "urandom watchdog zero" },
		{ "/var", "lock log run tmp" },
		{ "/usr", "bin sbin" },
		{ "/proc", "1 cpuinfo meminfo mounts net self stat uptime version" },
	};
	size_t	 i, n = strlen(abs);
	int	 any = 0;

	if (all)
		shell_puts(out, ".\n..\n");
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcmp(fixed[i].dir, abs) == 0) {
			const char	*s = fixed[i].names;

			while (*s != '\0') {
				size_t	 w = strcspn(s, " ");

				buf_append_some(out, s, w);
				shell_puts(out, "\n");
				s += w;
				s += *s == ' ';
			}
			any = 1;
		}
	for (i = 0; i < sh->nfiles; i++) {
		const char	*p = sh->files[i].path;
		const char	*rest = p + (n == 1 ? 1 : n + 1);

		if (strncmp(p, abs, n) != 0 || (n > 1 && p[n] != '/') || strchr(rest, '/') != NULL ||
		    (rest[0] == '.' && !all))
			continue;
		shell_puts(out, rest);
		shell_puts(out, "\n");
	}
	(void)any;
}

/* --- Running a line. */

/* Where stdout of command c goes once it has run. */
static void
shell_route(struct shell *sh, const struct shp_cmd *c, struct buf *cmdout, struct buf *err)
{
	char		 abs[HNP_SHELL_MAX_PATH + 1];
	const char	*why = NULL;

	if (c->out == NULL || strcmp(c->out, "/dev/null") == 0)
		return;
	if (shell_path(sh, c->out, abs) == -1)
		why = "File name too long";
	else
		shell_file_write(sh, abs, cmdout->data, cmdout->len, c->append, &why);
	if (why != NULL) {
		shell_puts(err, "-sh: can't create ");
		shell_puts(err, c->out);
		shell_puts(err, ": ");
		shell_puts(err, why);
		shell_puts(err, "\n");
	}
}

/* --- Parameters. */

static int
shell_var_name_ok(const char *name, size_t n)
{
	size_t	 i;

	if (n == 0 || n >= SHELL_MAX_VAR_NAME)
		return 0;
	for (i = 0; i < n; i++)
		if (!(name[i] == '_' || (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') || (i > 0 && name[i] >= '0' && name[i] <= '9')))
			return 0;
	return 1;
}

int
shell_assign(struct shell *sh, const char *word)
{
	const char	*eq = strchr(word, '=');
	size_t		 n, i;

	if (eq == NULL || !shell_var_name_ok(word, (size_t)(eq - word)))
		return 0;
	n = (size_t)(eq - word);
	if (sh->vars == NULL)
		sh->vars = xcalloc(SHELL_MAX_VARS, sizeof(*sh->vars));
	for (i = 0; i < SHELL_MAX_VARS && sh->vars[i].name[0] != '\0'; i++)
		if (strlen(sh->vars[i].name) == n && memcmp(sh->vars[i].name, word, n) == 0)
			break;
	if (i == SHELL_MAX_VARS)
		return 1;		/* the table is full: forgotten, as if unset later */
	memcpy(sh->vars[i].name, word, n);
	sh->vars[i].name[n] = '\0';
	snprintf(sh->vars[i].value, sizeof(sh->vars[i].value), "%s", eq + 1);
	return 1;
}

/* The value of the parameter name[0..n): $?, $$, the environment, a variable set; else "". */
static const char *
shell_param(struct shell *sh, const char *name, size_t n, char tmp[24])
{
	static const struct { const char *name, *value; } env[] = {
		{ "$", "603" }, { "#", "0" }, { "0", "-sh" }, { "SHELL", "/bin/sh" },
		{ "PATH", "/bin:/sbin:/usr/bin:/usr/sbin" }, { "TERM", "vt102" }, { "IFS", " \t\n" },
	};
	size_t	 i;

	if (n == 1 && name[0] == '?') {
		snprintf(tmp, 24, "%d", sh->status);
		return tmp;
	}
	for (i = 0; sh->vars != NULL && i < SHELL_MAX_VARS && sh->vars[i].name[0] != '\0'; i++)
		if (strlen(sh->vars[i].name) == n && memcmp(sh->vars[i].name, name, n) == 0)
			return sh->vars[i].value;
	for (i = 0; i < sizeof(env) / sizeof(env[0]); i++)
		if (strlen(env[i].name) == n && memcmp(env[i].name, name, n) == 0)
			return env[i].value;
#define IS(s)	(n == sizeof(s) - 1 && memcmp(name, s, n) == 0)
	if (IS("HOME"))
		return strcmp(sh->user, "root") == 0 ? "/root" : "/";
	if (IS("PWD"))
		return sh->cwd;
	if (IS("USER") || IS("LOGNAME"))
		return sh->user;
	if (IS("HOSTNAME"))
		return sh->p->hostname;
#undef IS
	return "";
}

/* Expands the parameters marked in w (shell_parse.h) onto b; NULL when the word vanishes. */
static const char *
shell_expand_word(struct shell *sh, const char *w, struct buf *b)
{
	size_t		 start = b->len, n;
	int		 vanish = 1;
	const char	*p, *end, *val;
	char		 tmp[24];

	for (p = w; *p != '\0'; ) {
		if (*p != SHP_VAR || p[1] == '\0') {
			buf_append_some(b, p++, 1);
			vanish = 0;
			continue;
		}
		if (p[1] == 'q')
			vanish = 0;
		p += 2;
		end = strchr(p, SHP_VAR_END);
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		val = shell_param(sh, p, n, tmp);
		buf_append_some(b, val, strlen(val));
		p += n + (end != NULL);
	}
	if (vanish && b->len == start)
		return NULL;		/* unquoted and empty: no word at all, as sh */
	if (buf_append(b, "", 1) == -1) {
		b->len = start;
		return NULL;
	}
	return (const char *)b->data + start;
}

/*
 * x = c with its parameters expanded (argv, redirection targets) into b, whose whole maximum is
 * allocated first so the pointers stay valid. Leading NAME=value words are assignments: set when
 * they are all the command has, else dropped (no environment to pass).
 */
static void
shell_expand(struct shell *sh, const struct shp_cmd *c, struct shp_cmd *x, struct buf *b)
{
	size_t		 i, k;
	const char	*w;

	*x = *c;
	x->argc = 0;
	buf_tail(b, b->max);
	for (i = 0; i < c->argc; i++) {
		w = strchr(c->argv[i], SHP_VAR) == NULL ? c->argv[i] :
		    shell_expand_word(sh, c->argv[i], b);
		if (w != NULL)
			x->argv[x->argc++] = w;
	}
	x->argv[x->argc] = NULL;
	if (c->out != NULL && strchr(c->out, SHP_VAR) != NULL)
		x->out = (w = shell_expand_word(sh, c->out, b)) != NULL ? w : "";
	if (c->in != NULL && strchr(c->in, SHP_VAR) != NULL)
		x->in = (w = shell_expand_word(sh, c->in, b)) != NULL ? w : "";
	for (k = 0; k < x->argc && strchr(x->argv[k], '=') != NULL &&
	    shell_var_name_ok(x->argv[k], (size_t)(strchr(x->argv[k], '=') - x->argv[k])); k++)
		;
	if (k == 0)
		return;
	if (k == x->argc)
		for (i = 0; i < k; i++)
			shell_assign(sh, x->argv[i]);
	memmove(x->argv, x->argv + k, (x->argc - k + 1) * sizeof(x->argv[0]));
	x->argc -= k;
}

/* Runs one simple command; its status. */
static int
shell_run_cmd(struct shell *sh, const struct shp_cmd *c, struct shell_ctx *ctx)
{
	const struct shell_applet	*a;
	const char			*name, *base;
	char				 abs[HNP_SHELL_MAX_PATH + 1];
	struct buf			 probe;
	int				 found;

	if (c->argc == 0)
		return 0;
	name = c->argv[0];
	base = strrchr(name, '/') != NULL ? strrchr(name, '/') + 1 : name;
	if (strchr(name, '/') == NULL || (strncmp(name, "/bin/", 5) == 0 ||
	    strncmp(name, "/sbin/", 6) == 0 || strncmp(name, "/usr/bin/", 9) == 0 ||
	    strncmp(name, "/usr/sbin/", 10) == 0)) {
		a = shell_applet_find(base);
		if (a != NULL && (strchr(name, '/') == NULL || a->busybox ||
		    strcmp(base, "busybox") == 0))
			return a->fn(sh, ctx, c->argc, c->argv);
	}
	if (strchr(name, '/') != NULL && shell_path(sh, name, abs) == 0) {
		buf_init(&probe, 1);
		found = shell_file_read(sh, abs, &probe);
		buf_free(&probe);
		if (found == 1)
			return 0;	/* "runs", prints nothing (an empty or foreign binary) */
		if (found == -1) {
			shell_puts(ctx->err, "-sh: ");
			shell_puts(ctx->err, name);
			shell_puts(ctx->err, ": Permission denied\n");
			return 126;
		}
	}
	shell_puts(ctx->err, "-sh: ");
	shell_puts(ctx->err, name);
	shell_puts(ctx->err, ": not found\n");
	return 127;
}

static int
shell_run_parsed(struct shell *sh, const struct shp_line *l, struct buf *term)
{
	struct buf	 pipe_in, cmdout, sink, inbuf, xbuf;
	struct shp_cmd	 xc;
	struct shell_ctx ctx;
	size_t		 i;
	int		 status = sh->status, skip = 0, to_term;
	char		 abs[HNP_SHELL_MAX_PATH + 1];

	buf_init(&pipe_in, HNP_SHELL_MAX_OUTPUT);
	buf_init(&sink, 0);
	for (i = 0; i < l->ncmds && !sh->ended; i++) {
		const struct shp_cmd	*c = &l->cmds[i];	/* then its expanded copy */
		int			 piped_in = i > 0 && l->cmds[i - 1].op == SHP_PIPE;

		if (skip) {
			/* a skipped command still passes its && / || on: "false && a || b" runs b */
			if (c->op == SHP_SEQ || c->op == SHP_END)
				skip = 0;
			else if (c->op == SHP_AND)
				skip = status != 0;
			else if (c->op == SHP_OR)
				skip = status == 0;
			continue;
		}
		buf_init(&xbuf, HNP_SHELL_MAX_EXPAND);
		shell_expand(sh, &l->cmds[i], &xc, &xbuf);
		c = &xc;
		buf_init(&cmdout, HNP_SHELL_MAX_OUTPUT);
		buf_init(&inbuf, HNP_SHELL_MAX_OUTPUT);
		memset(&ctx, 0, sizeof(ctx));
		/* straight to the terminal when it goes there, so stdout and stderr keep their order */
		to_term = c->out == NULL && c->op != SHP_PIPE;
		ctx.out = to_term ? term : &cmdout;
		ctx.err = c->err_null ? &sink : c->err_out ? ctx.out : term;
		if (piped_in) {
			ctx.in = pipe_in.data;
			ctx.inlen = pipe_in.len;
		}
		if (c->in != NULL) {
			if (shell_path(sh, c->in, abs) == -1 || shell_file_read(sh, abs, &inbuf) != 1) {
				shell_puts(ctx.err, "-sh: can't open ");
				shell_puts(ctx.err, c->in);
				shell_puts(ctx.err, ": no such file\n");
				status = 1;
				goto next;
			}
			ctx.in = inbuf.data;
			ctx.inlen = inbuf.len;
		}
		status = shell_run_cmd(sh, c, &ctx);
		if (to_term)
			;
		else if (c->op == SHP_PIPE && c->out == NULL) {
			pipe_in.len = 0;
			buf_append_some(&pipe_in, cmdout.data, cmdout.len);
		} else
			shell_route(sh, c, &cmdout, term);
next:
		if (c->op != SHP_PIPE)
			pipe_in.len = 0;
		else if (c->out != NULL)
			pipe_in.len = 0;	/* "a > f | b": b reads nothing */
		buf_free(&cmdout);
		buf_free(&inbuf);
		buf_free(&xbuf);
		sh->status = status;
		if (c->op == SHP_AND)
			skip = status != 0;
		else if (c->op == SHP_OR)
			skip = status == 0;
	}
	buf_free(&pipe_in);
	buf_free(&sink);
	sh->status = status;
	return status;
}

int
shell_run_line(struct shell *sh, struct shell_ctx *ctx, const uint8_t *line, size_t len)
{
	struct shp_line	*l;
	int		 status;

	if (sh->exec_depth >= HNP_SHELL_MAX_DEPTH) {
		shell_puts(ctx->err, "-sh: out of memory\n");
		return 2;
	}
	sh->exec_depth++;
	l = xmalloc(sizeof(*l));
	shp_parse(l, line, len);
	status = shell_run_parsed(sh, l, ctx->out);
	free(l);
	sh->exec_depth--;
	return status;
}

void
shell_enter(struct shell *sh)
{
	if (sh->depth < HNP_SHELL_MAX_DEPTH)
		sh->depth++;
}

void
shell_leave(struct shell *sh, int status)
{
	sh->status = status;
	if (sh->depth > 0 && sh->exec_depth <= 1) {
		sh->depth--;
		return;
	}
	sh->ended = 1;
}

/* --- The session API. */

struct shell *
shell_new(const struct shell_profile *p, const struct shell_io *io, const char *user,
    unsigned flags)
{
	struct shell	*sh;

	sh = xcalloc(1, sizeof(*sh));
	sh->p = p;
	sh->io = *io;
	snprintf(sh->user, sizeof(sh->user), "%s", user != NULL && user[0] != '\0' ? user : "root");
	sh->flags = flags;
	snprintf(sh->cwd, sizeof(sh->cwd), "%s", strcmp(sh->user, "root") == 0 ? "/root" : "/");
	return sh;
}

void
shell_free(struct shell *sh)
{
	size_t	 i;

	if (sh == NULL)
		return;
	for (i = 0; i < sh->nfiles; i++) {
		free(sh->files[i].path);
		buf_free(&sh->files[i].data);
	}
	free(sh->vars);
	free(sh);
}

/* Sends b to the session, "\n" as "\r\n" on a terminal. */
static int
shell_flush(struct shell *sh, const struct buf *b)
{
	struct buf	 t;
	size_t		 i;
	int		 rc;

	if (b->len == 0)
		return 0;
	if (!(sh->flags & SHELL_CRLF))
		return sh->io.out(sh->io.arg, sh->last_seq, b->data, b->len);
	buf_init(&t, 2 * b->len);
	for (i = 0; i < b->len; i++) {
		if (b->data[i] == '\n' && (i == 0 || b->data[i - 1] != '\r'))
			buf_append(&t, "\r", 1);
		buf_append(&t, b->data + i, 1);
	}
	rc = sh->io.out(sh->io.arg, sh->last_seq, t.data, t.len);
	buf_free(&t);
	return rc;
}

static void
shell_put_prompt(struct shell *sh, struct buf *b)
{
	const char	*home = strcmp(sh->user, "root") == 0 ? "/root" : "/home";
	size_t		 hl = strlen(home);

	shell_puts(b, sh->user);
	shell_puts(b, "@");
	shell_puts(b, sh->p->hostname);
	shell_puts(b, ":");
	if (strncmp(sh->cwd, home, hl) == 0 && (sh->cwd[hl] == '\0' || sh->cwd[hl] == '/')) {
		shell_puts(b, "~");
		shell_puts(b, sh->cwd + hl);
	} else
		shell_puts(b, sh->cwd);
	shell_puts(b, strcmp(sh->user, "root") == 0 ? "# " : "$ ");
}

void
shell_prompt(struct shell *sh)
{
	struct buf	 b;

	buf_init(&b, 512);
	shell_put_prompt(sh, &b);
	shell_flush(sh, &b);
	buf_free(&b);
}

void
shell_banner(struct shell *sh)
{
	struct buf	 b;

	buf_init(&b, 512);
	shell_puts(&b, "\n\nBusyBox v");
	shell_puts(&b, sh->p->busybox_version);
	shell_puts(&b, " (2020-03-03 11:14:22 CST) built-in shell (ash)\n"
	    "Enter 'help' for a list of built-in commands.\n\n");
	shell_flush(sh, &b);
	buf_free(&b);
}

struct shell_hunt {
	struct shell	*sh;
	const uint8_t	*line;
	size_t		 len;
};

/* tftp:// and ftp:// URLs (from tftp, ftpget) also as "host" (with any port) and "file". */
static void
shell_hunt_parts(struct jsonw *w, const char *url)
{
	const char	*h, *slash;

	if (strncmp(url, "tftp://", 7) == 0)
		h = url + 7;
	else if (strncmp(url, "ftp://", 6) == 0)
		h = url + 6;
	else
		return;
	if ((slash = strchr(h, '/')) == NULL)
		return;
	jsonw_key(w, "host");
	jsonw_bytes(w, h, (size_t)(slash - h));
	jsonw_key(w, "file");
	jsonw_str(w, slash + 1);
}

static void
shell_hunt_cb(void *arg, const char *tool, const char *url, size_t url_len)
{
	struct shell_hunt	*h = arg;
	struct buf		 b;
	struct jsonw		 w;
	int64_t			 seq;

	buf_init(&b, HNP_SHELL_MAX_LINE * 7 + 4096);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	jsonw_key(&w, "url");
	jsonw_bytes(&w, url, url_len);
	jsonw_key(&w, "tool");
	jsonw_str(&w, tool);
	shell_hunt_parts(&w, url);
	jsonw_key(&w, "command");
	jsonw_bytes(&w, h->line, h->len);
	jsonw_object_end(&w);
	seq = h->sh->io.event(h->sh->io.arg, "download_url", &w, NULL, 0);
	if (seq > h->sh->last_seq)
		h->sh->last_seq = seq;
	buf_free(&b);
}

/* The command event of a line, then one download_url event per URL in it. */
static void
shell_record(struct shell *sh, const uint8_t *line, size_t len, const char *mode)
{
	struct buf		 b;
	struct jsonw		 w;
	struct shell_hunt	 h;
	int64_t			 seq;
	size_t			 shown = len > HNP_SHELL_MAX_LINE ? HNP_SHELL_MAX_LINE : len;

	buf_init(&b, HNP_SHELL_MAX_LINE * 6 + 4096);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	jsonw_key(&w, "command");
	jsonw_bytes(&w, line, shown);
	jsonw_key(&w, "user");
	jsonw_str(&w, sh->user);
	jsonw_key(&w, "cwd");
	jsonw_str(&w, sh->cwd);
	jsonw_key(&w, "mode");
	jsonw_str(&w, mode);
	if (shown < len) {
		jsonw_key(&w, "cut");
		jsonw_bool(&w, 1);
	}
	jsonw_object_end(&w);
	seq = sh->io.event(sh->io.arg, "command", &w, line, len);
	if (seq > sh->last_seq || seq < 0)
		sh->last_seq = seq < 0 ? -1 : seq;
	buf_free(&b);
	if (seq < 0)
		return;
	h.sh = sh;
	h.line = line;
	h.len = shown;
	rules_hunt(NULL, line, shown, shell_hunt_cb, &h);
}

/* Whether the line holds nothing but blanks. */
static int
shell_blank(const uint8_t *line, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\0' && line[i] != '\r')
			return 0;
	return 1;
}

static int
shell_do(struct shell *sh, const uint8_t *line, size_t len, int interactive)
{
	struct buf		 term;
	struct shell_ctx	 ctx;
	struct shp_line		*l;

	buf_init(&term, HNP_SHELL_MAX_OUTPUT);
	if (!shell_blank(line, len)) {
		shell_record(sh, line, len, interactive ? "shell" : "exec");
		if (sh->last_seq < 0) {		/* not stored: say nothing more */
			sh->ended = 1;
			buf_free(&term);
			sh->io.exit(sh->io.arg, 1);
			return 1;
		}
		if (++sh->lines > HNP_SHELL_MAX_LINES) {
			sh->ended = 1;
		} else {
			memset(&ctx, 0, sizeof(ctx));
			ctx.out = &term;
			ctx.err = &term;
			l = xmalloc(sizeof(*l));
			shp_parse(l, line, len);
			sh->exec_depth = 1;
			shell_run_parsed(sh, l, &term);
			sh->exec_depth = 0;
			free(l);
		}
	}
	if (interactive && !sh->ended)
		shell_put_prompt(sh, &term);
	if (shell_flush(sh, &term) == -1)
		sh->ended = 1;
	buf_free(&term);
	if (sh->ended || !interactive)
		sh->io.exit(sh->io.arg, sh->status);
	return sh->ended;
}

int
shell_line(struct shell *sh, const uint8_t *line, size_t len)
{
	if (sh->ended)
		return 1;
	return shell_do(sh, line, len, 1);
}

int
shell_exec(struct shell *sh, const uint8_t *cmd, size_t len)
{
	if (sh->ended)
		return sh->status;
	sh->ended = 0;
	shell_do(sh, cmd, len, 0);
	sh->ended = 1;
	return sh->status;
}
