/*
 * elm327.c - what an ELM327 v1.5 adapter (the WiFi clones on TCP 35000) answers, written from the
 * protocol facts in ../shared/docs/fingerprints.md §6.2: AT commands (reset, identity, echo,
 * linefeeds, spaces, headers, protocol selection and description, voltage), OBD-II mode 01 PIDs of
 * an idling engine with their supported-PID bitmaps, mode 09 VIN as ISO 15765 multi-frame, mode
 * 03/04/07/0A, "NO DATA" for what the car lacks and "?" for what the adapter does not understand.
 * Pure: the caller feeds lines and sends what comes out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/parse/elm327.h"

static const char *const elm_proto_names[] = {
	"AUTO", "SAE J1850 PWM", "SAE J1850 VPW", "ISO 9141-2", "ISO 14230-4 (KWP 5BAUD)",
	"ISO 14230-4 (KWP FAST)", "ISO 15765-4 (CAN 11/500)", "ISO 15765-4 (CAN 29/500)",
	"ISO 15765-4 (CAN 11/250)", "ISO 15765-4 (CAN 29/250)", "SAE J1939 (CAN 29/250)",
	"USER1 (CAN 11/125)", "USER2 (CAN 11/50)",
};

#define ELM_CAR_PROTO	6	/* the car answers on CAN 11-bit 500 kbaud */

/* Mode 01 PIDs the car supports and their data length. */
static const struct {
	uint8_t	 pid, n;
} elm_pids[] = {
	{ 0x00, 4 }, { 0x01, 4 }, { 0x03, 2 }, { 0x04, 1 }, { 0x05, 1 }, { 0x06, 1 }, { 0x07, 1 },
	{ 0x0b, 1 }, { 0x0c, 2 }, { 0x0d, 1 }, { 0x0e, 1 }, { 0x0f, 1 }, { 0x10, 2 }, { 0x11, 1 },
	{ 0x13, 1 }, { 0x15, 2 }, { 0x1c, 1 }, { 0x1f, 2 }, { 0x20, 4 }, { 0x21, 2 }, { 0x2f, 1 },
	{ 0x31, 2 }, { 0x33, 1 }, { 0x40, 4 }, { 0x42, 2 }, { 0x46, 1 },
};

static void
elm_defaults(struct elm_state *st)
{
	st->echo = 1;
	st->lf = 0;
	st->spaces = 1;
	st->headers = 0;
	st->proto = 0;
	st->automatic = 1;
	st->found = 0;
}

void
elm_init(struct elm_state *st, const struct elm_profile *prof, uint32_t seed)
{
	memset(st, 0, sizeof(*st));
	st->prof = prof;
	st->rnd = seed ? seed : 0x2545f491;
	elm_defaults(st);
}

static uint32_t
elm_random(struct elm_state *st, uint32_t n)
{
	st->rnd ^= st->rnd << 13;
	st->rnd ^= st->rnd >> 17;
	st->rnd ^= st->rnd << 5;
	return n ? st->rnd % n : 0;
}

static void
elm_put(struct buf *out, const char *s)
{
	buf_append(out, s, strlen(s));
}

static void
elm_nl(struct elm_state *st, struct buf *out)
{
	elm_put(out, st->lf ? "\r\n" : "\r");
}

static void
elm_line(struct elm_state *st, struct buf *out, const char *s)
{
	elm_put(out, s);
	elm_nl(st, out);
}

static void
elm_hex(struct elm_state *st, struct buf *out, const uint8_t *b, size_t n)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 t[3];
	size_t			 i;

	for (i = 0; i < n; i++) {
		t[0] = hex[b[i] >> 4];
		t[1] = hex[b[i] & 15];
		t[2] = ' ';
		buf_append(out, t, st->spaces ? 3 : 2);
	}
}

static int
elm_is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

static int
elm_hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'A' + 10;
}

static int
elm_all_hex(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!elm_is_hex(s[i]))
			return 0;
	return 1;
}

static int
elm_supported(uint8_t pid, uint8_t *n)
{
	size_t	 i;

	for (i = 0; i < sizeof(elm_pids) / sizeof(elm_pids[0]); i++)
		if (elm_pids[i].pid == pid) {
			*n = elm_pids[i].n;
			return 1;
		}
	return 0;
}

/* The bitmap of PIDs base+1..base+0x20 (PID base+k is bit 32-k). */
static uint32_t
elm_bitmap(uint8_t base)
{
	uint32_t	 m = 0;
	size_t		 i;

	for (i = 0; i < sizeof(elm_pids) / sizeof(elm_pids[0]); i++) {
		unsigned	 p = elm_pids[i].pid;

		if (p > base && p <= (unsigned)base + 0x20)
			m |= 1u << (32 - (p - base));
	}
	return m;
}

static unsigned
elm_voltage_mv(const struct elm_state *st)
{
	return (unsigned)(strtod(st->prof->voltage, NULL) * 1000.0 + 0.5);
}

/* Mode 01 data bytes of an idling, warm engine into d; returns their count (0: unsupported). */
static size_t
elm_pid(struct elm_state *st, uint8_t pid, uint8_t *d)
{
	uint8_t		 n;
	uint32_t	 v;

	if (!elm_supported(pid, &n))
		return 0;
	memset(d, 0, n);
	switch (pid) {
	case 0x00: case 0x20: case 0x40:
		v = elm_bitmap(pid);
		d[0] = v >> 24; d[1] = v >> 16; d[2] = v >> 8; d[3] = v;
		break;
	case 0x01: d[1] = 0x07; d[2] = 0xe5; break;
	case 0x03: d[0] = 0x02; break;
	case 0x04: d[0] = (uint8_t)(0x31 + elm_random(st, 5)); break;
	case 0x05: d[0] = 0x7b; break;
	case 0x06: d[0] = (uint8_t)(0x7e + elm_random(st, 5)); break;
	case 0x07: d[0] = 0x82; break;
	case 0x0b: d[0] = (uint8_t)(0x20 + elm_random(st, 3)); break;
	case 0x0c:
		v = (780 + elm_random(st, 41)) * 4;
		d[0] = (uint8_t)(v >> 8); d[1] = (uint8_t)v;
		break;
	case 0x0d: break;
	case 0x0e: d[0] = (uint8_t)(0x8a + elm_random(st, 5)); break;
	case 0x0f: d[0] = 0x44; break;
	case 0x10: d[0] = 0x01; d[1] = (uint8_t)(0x80 + elm_random(st, 32)); break;
	case 0x11: d[0] = 0x26; break;
	case 0x13: d[0] = 0x03; break;
	case 0x15: d[0] = (uint8_t)(0x50 + elm_random(st, 20)); d[1] = 0xff; break;
	case 0x1c: d[0] = 0x01; break;
	case 0x1f:
		v = st->uptime_s > 0xffff ? 0xffff : st->uptime_s;
		d[0] = (uint8_t)(v >> 8); d[1] = (uint8_t)v;
		break;
	case 0x21: break;
	case 0x2f: d[0] = 0x9e; break;
	case 0x31: d[0] = 0x0b; d[1] = 0xb8; break;
	case 0x33: d[0] = 0x65; break;
	case 0x42:
		v = elm_voltage_mv(st);
		d[0] = (uint8_t)(v >> 8); d[1] = (uint8_t)v;
		break;
	case 0x46: d[0] = 0x3c; break;
	}
	return n;
}

/* One ISO 15765 response from ECU 7E8 as the adapter prints it (headers on or off). */
static void
elm_frames(struct elm_state *st, struct buf *out, const uint8_t *d, size_t n)
{
	uint8_t	 pci[2];
	char	 t[24];
	size_t	 off, k, idx;

	if (n <= 7) {
		if (st->headers) {
			elm_put(out, st->spaces ? "7E8 " : "7E8");
			pci[0] = (uint8_t)n;
			elm_hex(st, out, pci, 1);
		}
		elm_hex(st, out, d, n);
		elm_nl(st, out);
		return;
	}
	/* Multi-frame: first frame 6 bytes, then 7 per consecutive frame. */
	if (!st->headers) {
		snprintf(t, sizeof(t), "%03zX", n);
		elm_line(st, out, t);
	}
	for (off = 0, idx = 0; off < n; idx++) {
		k = idx == 0 ? 6 : 7;
		if (k > n - off)
			k = n - off;
		if (st->headers) {
			elm_put(out, st->spaces ? "7E8 " : "7E8");
			if (idx == 0) {
				pci[0] = (uint8_t)(0x10 | (n >> 8));
				pci[1] = (uint8_t)n;
				elm_hex(st, out, pci, 2);
			} else {
				pci[0] = (uint8_t)(0x20 | (idx & 15));
				elm_hex(st, out, pci, 1);
			}
		} else {
			snprintf(t, sizeof(t), st->spaces ? "%zX: " : "%zX:", idx & 15);
			elm_put(out, t);
		}
		elm_hex(st, out, d + off, k);
		elm_nl(st, out);
		off += k;
	}
}

/* An OBD request of hex digits s[0..n): what the car answers. */
static void
elm_obd(struct elm_state *st, const char *s, size_t n, struct buf *out)
{
	uint8_t		 req[8], d[32];
	size_t		 nb, i, dn;

	if (n % 2 == 1)
		n--;		/* a last odd digit is the number of responses to wait for */
	nb = n / 2;
	for (i = 0; i < nb; i++)
		req[i] = (uint8_t)(elm_hexval(s[2 * i]) << 4 | elm_hexval(s[2 * i + 1]));
	/* Reach the bus first: search when automatic, or fail on a protocol the car lacks. */
	if (st->proto != 0 && st->proto != ELM_CAR_PROTO && !st->automatic) {
		elm_line(st, out, st->proto <= 2 ? "NO DATA" : st->proto <= 5 ?
		    "BUS INIT: ...ERROR" : "CAN ERROR");
		return;
	}
	if (st->automatic && !st->found) {
		elm_line(st, out, "SEARCHING...");
		st->found = 1;
	}
	d[0] = (uint8_t)(req[0] + 0x40);
	switch (req[0]) {
	case 0x01:
		if (nb < 2 || (dn = elm_pid(st, req[1], d + 2)) == 0)
			break;
		d[1] = req[1];
		elm_frames(st, out, d, dn + 2);
		return;
	case 0x09:
		if (nb < 2)
			break;
		d[1] = req[1];
		if (req[1] == 0x00) {
			memset(d + 2, 0, 4);
			d[2] = 0x40;		/* PID 02 (VIN) */
			elm_frames(st, out, d, 6);
			return;
		}
		if (req[1] == 0x02) {
			d[2] = 0x01;		/* one data item */
			memcpy(d + 3, st->prof->vin, 17);
			elm_frames(st, out, d, 20);
			return;
		}
		break;
	case 0x03: case 0x07: case 0x0a:
		if (nb != 1)
			break;
		d[1] = 0x00;			/* no trouble codes */
		elm_frames(st, out, d, 2);
		return;
	case 0x04:
		if (nb != 1)
			break;
		elm_frames(st, out, d, 1);
		return;
	}
	elm_line(st, out, "NO DATA");
}

/* "SP6", "SPA6", "TP0": a protocol digit 0-C, optionally after A. 0 or -1. */
static int
elm_proto_arg(const char *a, size_t n, int *automatic, int *proto)
{
	*automatic = 0;
	if (n == 2 && a[0] == 'A') {
		*automatic = 1;
		a++;
		n--;
	}
	if (n != 1 || !elm_is_hex(a[0]) || elm_hexval(a[0]) > 12)
		return -1;
	*proto = elm_hexval(a[0]);
	if (*proto == 0)
		*automatic = 1;
	return 0;
}

/* An AT command without "AT" (a[0..n)): returns 0, or -1 for "?". */
static int
elm_at(struct elm_state *st, const char *a, size_t n, struct buf *out)
{
	static const char *const ok_exact[] = { "D", "M0", "M1", "R0", "R1", "V0", "V1", "D0",
		"D1", "CAF0", "CAF1", "CFC0", "CFC1", "AL", "NL", "JE", "JS", "JHF0", "JHF1", "KW",
		"KW0", "KW1", "PC", "BI", "FE", "SS", "IB10", "IB48", "IB96", "SI", "FI", "AT0",
		"AT1", "AT2", "CSM0", "CSM1", "LP", "FCSM0", "FCSM1", "FCSM2", "PPFFON",
		"PPFFOFF", NULL };
	/* Commands with hex arguments: name, allowed argument lengths (digits). */
	static const struct { const char *name; int len1, len2; } ok_hex[] = {
		{ "ST", 2, 2 }, { "SH", 3, 6 }, { "CRA", 3, 8 }, { "CF", 3, 8 }, { "CM", 3, 8 },
		{ "CP", 2, 2 }, { "SW", 2, 2 }, { "RA", 2, 2 }, { "SR", 2, 2 }, { "TA", 2, 2 },
		{ "IIA", 2, 2 }, { "FCSH", 3, 8 }, { "WM", 6, 12 }, { "CEA", 2, 2 },
	};
	char	 t[64];
	size_t	 i, k;
	int	 a_auto, p;

	for (i = 0; ok_exact[i] != NULL; i++)
		if (strlen(ok_exact[i]) == n && memcmp(ok_exact[i], a, n) == 0) {
			if (strcmp(ok_exact[i], "D") == 0)
				elm_defaults(st);
			elm_line(st, out, "OK");
			return 0;
		}
	if (n == 1 && a[0] == 'Z') {
		elm_defaults(st);
		elm_nl(st, out);
		elm_nl(st, out);
		elm_line(st, out, st->prof->version);
		return 0;
	}
	if (n == 2 && memcmp(a, "WS", 2) == 0) {
		elm_defaults(st);
		elm_nl(st, out);
		elm_nl(st, out);
		elm_line(st, out, st->prof->version);
		return 0;
	}
	if (n == 1 && a[0] == 'I') {
		elm_line(st, out, st->prof->version);
		return 0;
	}
	if (n == 2 && memcmp(a, "@1", 2) == 0) {
		elm_line(st, out, "OBDII to RS232 Interpreter");
		return 0;
	}
	if (n == 2 && memcmp(a, "RV", 2) == 0) {
		snprintf(t, sizeof(t), "%sV", st->prof->voltage);
		elm_line(st, out, t);
		return 0;
	}
	if (n == 2 && memcmp(a, "DP", 2) == 0) {
		if (st->automatic)
			snprintf(t, sizeof(t), st->found ? "AUTO, %s" : "AUTO",
			    elm_proto_names[ELM_CAR_PROTO]);
		else
			snprintf(t, sizeof(t), "%s", elm_proto_names[st->proto]);
		elm_line(st, out, t);
		return 0;
	}
	if (n == 3 && memcmp(a, "DPN", 3) == 0) {
		p = st->automatic ? (st->found ? ELM_CAR_PROTO : st->proto) : st->proto;
		snprintf(t, sizeof(t), "%s%X", st->automatic ? "A" : "", p);
		elm_line(st, out, t);
		return 0;
	}
	if (n == 2 && (a[0] == 'E' || a[0] == 'L' || a[0] == 'S' || a[0] == 'H') &&
	    (a[1] == '0' || a[1] == '1')) {
		int	 on = a[1] == '1';

		if (a[0] == 'E')
			st->echo = on;
		else if (a[0] == 'L')
			st->lf = on;
		else if (a[0] == 'S')
			st->spaces = on;
		else
			st->headers = on;
		elm_line(st, out, "OK");
		return 0;
	}
	if (n >= 3 && (memcmp(a, "SP", 2) == 0 || memcmp(a, "TP", 2) == 0)) {
		if (elm_proto_arg(a + 2, n - 2, &a_auto, &p) == -1)
			return -1;
		st->proto = a_auto && p != 0 ? ELM_CAR_PROTO : p;
		st->automatic = a_auto;
		st->found = 0;
		elm_line(st, out, "OK");
		return 0;
	}
	for (i = 0; i < sizeof(ok_hex) / sizeof(ok_hex[0]); i++) {
		k = strlen(ok_hex[i].name);
		if (n > k && memcmp(a, ok_hex[i].name, k) == 0 && elm_all_hex(a + k, n - k) &&
		    ((int)(n - k) == ok_hex[i].len1 || (int)(n - k) == ok_hex[i].len2 ||
		    (ok_hex[i].len1 < ok_hex[i].len2 && strcmp(ok_hex[i].name, "WM") == 0 &&
		    (int)(n - k) > ok_hex[i].len1 && (int)(n - k) < ok_hex[i].len2 &&
		    (n - k) % 2 == 0))) {
			elm_line(st, out, "OK");
			return 0;
		}
	}
	return -1;
}

/* Spaces and control characters dropped, upper case; -1 when longer than the input buffer. */
static long
elm_normalize(const uint8_t *line, size_t len, char *s)
{
	size_t	 i, n = 0;
	uint8_t	 c;

	for (i = 0; i < len; i++) {
		c = line[i];
		if (c <= ' ' || c == 0x7f)
			continue;
		if (n >= HNP_MAX_ELM_LINE)
			return -1;
		s[n++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
	}
	s[n] = '\0';
	return (long)n;
}

int
elm_exec(struct elm_state *st, const uint8_t *line, size_t len, struct buf *out,
    size_t *reply, size_t *reply_len)
{
	char	 s[HNP_MAX_ELM_LINE + 1];
	long	 n;
	int	 kind;

	if (st->echo) {
		/* The adapter echoes every character it receives, then its CR. */
		buf_append(out, line, len);
		elm_nl(st, out);
	}
	*reply = out->len;
	n = elm_normalize(line, len, s);
	if (n == 0 && st->last[0] != '\0') {
		memcpy(s, st->last, sizeof(s));
		n = (long)strlen(s);
	}
	if (n == 0) {
		kind = ELM_EMPTY;
	} else if (n > 0 && n >= 2 && s[0] == 'A' && s[1] == 'T') {
		kind = elm_at(st, s + 2, (size_t)n - 2, out) == 0 ? ELM_AT : ELM_UNKNOWN;
	} else if (n >= 2 && elm_all_hex(s, (size_t)n) && n <= 16) {
		elm_obd(st, s, (size_t)n, out);
		kind = ELM_OBD;
	} else
		kind = ELM_UNKNOWN;
	if (kind == ELM_UNKNOWN)
		elm_line(st, out, "?");
	if (n > 0 && kind != ELM_UNKNOWN)
		memcpy(st->last, s, (size_t)n + 1);
	*reply_len = out->len - *reply;
	elm_nl(st, out);
	buf_append(out, ">", 1);
	return kind;
}

int
elm_check_vin(const char *v, char *why, size_t whylen)
{
	size_t	 i;

	for (i = 0; v[i] != '\0'; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'A' && v[i] <= 'Z')) ||
		    v[i] == 'I' || v[i] == 'O' || v[i] == 'Q')
			break;
	if (i != 17 || v[i] != '\0') {
		snprintf(why, whylen, "a VIN is 17 characters of 0-9 and A-Z except I, O, Q");
		return -1;
	}
	return 0;
}

int
elm_check_voltage(const char *v, char *why, size_t whylen)
{
	char	*end;
	double	 d = strtod(v, &end);

	if (end == v || *end != '\0' || d < 0.0 || d > 30.0 || strlen(v) > 5) {
		snprintf(why, whylen, "volts between 0 and 30, such as 13.9");
		return -1;
	}
	return 0;
}

int
elm_check_version(const char *v, char *why, size_t whylen)
{
	size_t	 i;

	for (i = 0; v[i] != '\0'; i++)
		if (v[i] < 0x20 || v[i] > 0x7e)
			break;
	if (v[i] != '\0' || i == 0 || i >= sizeof(((struct elm_profile *)0)->version)) {
		snprintf(why, whylen, "1 to %zu printable ASCII characters",
		    sizeof(((struct elm_profile *)0)->version) - 1);
		return -1;
	}
	return 0;
}
