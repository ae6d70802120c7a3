/*
 * render.c - the report texts. Every attacker string goes through esc_cell (controls and invalid
 * UTF-8 as \xHH, cut to a column budget), so no line exceeds what e-mail allows and nothing the
 * attacker sent can pass for a header or our own words; every time carries its numeric offset.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "abuse/render.h"
#include "analyze/sig.h"
#include "core/evt.h"
#include "core/timeutil.h"
#include "share/escape.h"
#include "config.h"

#define TEXT_COLS	150	/* attacker text per line, in columns */

int
render_parse_format(const char *s, enum render_format *f)
{
	if (strcmp(s, "text") == 0)
		*f = RENDER_TEXT;
	else if (strcmp(s, "xarf") == 0)
		*f = RENDER_XARF;
	else if (strcmp(s, "jpcert") == 0)
		*f = RENDER_JPCERT;
	else if (strcmp(s, "abuseipdb") == 0)
		*f = RENDER_ABUSEIPDB;
	else
		return -1;
	return 0;
}

/* The offset of zone tz at ts (seconds east of UTC): fixed offsets, "local", or an IANA name. */
static int
tz_offset(const char *tz, int64_t ts_us, int *off)
{
	struct tm	 tm;
	time_t		 t = (time_t)(ts_us / 1000000);
	char		*old, path[128];

	if (time_parse_offset(tz, off) == 0)
		return 0;
	if (strchr(tz, '/') == NULL || strstr(tz, "..") != NULL || tz[0] == '/' ||
	    strlen(tz) > 64)
		return -1;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
	if (access(path, R_OK) == -1)
		return -1;	/* glibc would silently take an unknown name as UTC */
	old = getenv("TZ") != NULL ? strdup(getenv("TZ")) : NULL;
	setenv("TZ", tz, 1);
	tzset();
	localtime_r(&t, &tm);
	*off = (int)tm.tm_gmtoff;
	if (old != NULL) {
		setenv("TZ", old, 1);
		free(old);
	} else
		unsetenv("TZ");
	tzset();
	return 0;
}

int
render_check_tz(const char *tz)
{
	int	 off;

	return tz_offset(tz, time_now_us(), &off);
}

/* "2026-11-27T06:17:20+09:00" in zone tz (UTC when tz is NULL). */
static void
iso(int64_t ts, const char *tz, char *out, size_t len)
{
	char	 tmp[40];
	int	 off = 0;

	if (tz != NULL && tz_offset(tz, ts, &off) == -1)
		off = 0;
	time_format_offset(ts, off, "%Y-%m-%dT%H:%M:%S", tmp, sizeof(tmp));
	abuse_fmt(out, len, "%s%c%02d:%02d", tmp, off < 0 ? '-' : '+', abs(off) / 3600,
	    abs(off) % 3600 / 60);
}

/* UTC and the chosen zone, both with offsets. */
static void
when(const struct render_ctx *rc, int64_t ts, char *out, size_t len)
{
	char	 u[40], z[40];

	iso(ts, NULL, u, sizeof(u));
	iso(ts, rc->tz, z, sizeof(z));
	if (strcmp(u, z) == 0)
		snprintf(out, len, "%s", u);
	else
		snprintf(out, len, "%s (%s)", u, z);
}

static void __attribute__((format(printf, 2, 3)))
put(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	 line[2048];
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		buf_append(b, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* Attacker bytes made safe for a line of text. */
static void
safe(const void *p, size_t n, char *out, size_t outlen)
{
	esc_cell(out, outlen, p, n, TEXT_COLS);
}

/* The honeypot's address as reports show it: configured or recorded, masked when asked. */
static void
sensor_addr(const struct render_ctx *rc, const struct report_src *s, char *out, size_t len)
{
	const char	*cfgd = config_get(rc->cfg, "abuse", "sensor_address");
	char		*dot;

	snprintf(out, len, "%s", *cfgd != '\0' ? cfgd : s->dst_ip);
	if (!config_bool(rc->cfg, "abuse", "mask_sensor_address"))
		return;
	if (strchr(out, ':') != NULL) {
		/* IPv6: keep the first four groups. */
		char	*p = out;
		int	 g = 0;

		while (*p != '\0' && g < 4)
			if (*p++ == ':')
				g++;
		if (g == 4)
			snprintf(p - 1, len - (size_t)(p - 1 - out), ":x:x:x:x");
	} else if ((dot = strrchr(out, '.')) != NULL)
		snprintf(dot, len - (size_t)(dot - out), ".x");
}

static int
clock_synced(void)
{
	struct timex	 tx;

	memset(&tx, 0, sizeof(tx));
	return adjtimex(&tx) != TIME_ERROR;
}

/* What kind of attack: the XARF type and the words for it. */
enum attack { ATK_VULN, ATK_LOGIN, ATK_RECON, ATK_SCAN };

static int
src_cves(const struct render_ctx *rc, const struct report_src *s, const char **cves, size_t max)
{
	const struct sig *g;
	size_t		 i, k, j, n = 0;

	for (i = 0; rc->sigs != NULL && i < s->nsigs; i++) {
		if ((g = sigdb_find(rc->sigs, s->sigs[i])) == NULL)
			continue;
		for (k = 0; k < g->ncves; k++) {
			for (j = 0; j < n && strcmp(cves[j], g->cves[k]) != 0; j++)
				;
			if (j == n && n < max)
				cves[n++] = g->cves[k];
		}
	}
	return (int)n;
}

static enum attack
attack_of(const struct render_ctx *rc, const struct report_src *s)
{
	const char	*cves[8];

	if (s->login)
		return ATK_LOGIN;
	if (src_cves(rc, s, cves, 8) > 0)
		return ATK_VULN;
	if (strstr(s->protos, "http") != NULL && s->nsamples > 0)
		return ATK_RECON;
	return ATK_SCAN;
}

static const char *
attack_words(enum attack a, int ja)
{
	static const char *const en[] = { "exploit attempts (vulnerability scan)",
	    "login attempts (brute force)", "probing for files and admin pages",
	    "port scan" };
	static const char *const jp[] = { "脆弱性を狙った攻撃 (脆弱性スキャン)",
	    "不正ログインの試行 (ブルートフォース)", "ファイルや管理画面の探索", "ポートスキャン" };

	return ja ? jp[a] : en[a];
}

void
render_subject(const struct render_ctx *rc, struct report_src *const *srcs, size_t n,
    char *out, size_t outlen)
{
	char	 day[40];

	iso(srcs[0]->first_ts, rc->tz, day, sizeof(day));
	day[10] = '\0';
	if (rc->ja)
		snprintf(out, outlen, "[不正アクセス報告] %s%s からの%s (%s)", srcs[0]->ip,
		    n > 1 ? " ほか" : "", attack_words(attack_of(rc, srcs[0]), 1), day);
	else
		snprintf(out, outlen, "[abuse report] %s%s: %s (%s)", srcs[0]->ip,
		    n > 1 ? " and others" : "", attack_words(attack_of(rc, srcs[0]), 0), day);
}

static void
put_line(struct buf *b, const struct render_ctx *rc, const struct report_src *s,
    const struct report_line *l)
{
	char	 t[48], txt[ESC_TERM_MAX(REPORT_LINE_MAX) + 8], dst[64];

	iso(l->ts, NULL, t, sizeof(t));
	safe(l->text, l->len, txt, sizeof(txt));
	sensor_addr(rc, s, dst, sizeof(dst));
	put(b, "    %s %s:%d -> %s:%d %s %s%s%s%s\n", t, s->ip, l->src_port, dst, l->dst_port,
	    l->proto, l->kind, l->len > 0 ? " \"" : "", txt, l->len > 0 ? "\"" : "");
}

static void
put_sigs(struct buf *b, const struct render_ctx *rc, const struct report_src *s)
{
	const struct sig *g;
	char		 name[512], id[256];
	size_t		 i, k;

	for (i = 0; i < s->nsigs; i++) {
		safe(s->sigs[i], strlen(s->sigs[i]), id, sizeof(id));
		if (rc->sigs == NULL || (g = sigdb_find(rc->sigs, s->sigs[i])) == NULL) {
			put(b, "    %s\n", id);
			continue;
		}
		safe(g->name, strlen(g->name), name, sizeof(name));
		put(b, "    %s: %s", id, name);
		for (k = 0; k < g->ncves; k++)
			put(b, "%s%s", k == 0 ? " (" : ", ", g->cves[k]);
		put(b, "%s\n", g->ncves > 0 ? ")" : "");
	}
}

static void
put_source(struct buf *b, const struct render_ctx *rc, const struct report_src *s)
{
	char	 w1[96], w2[96], dst[64];
	size_t	 i;
	int	 ja = rc->ja;

	when(rc, s->first_ts, w1, sizeof(w1));
	when(rc, s->last_ts, w2, sizeof(w2));
	sensor_addr(rc, s, dst, sizeof(dst));
	put(b, "%s %s\n", ja ? "■ 攻撃元 IP アドレス:" : "* Source address:", s->ip);
	put(b, "  %s %s\n", ja ? "攻撃の種類:" : "Activity:  ", attack_words(attack_of(rc, s), ja));
	put(b, "  %s %lld\n", ja ? "記録件数:  " : "Events:    ", (long long)s->events);
	put(b, "  %s %s\n", ja ? "最初の記録:" : "First seen:", w1);
	put(b, "  %s %s\n", ja ? "最後の記録:" : "Last seen: ", w2);
	put(b, "  %s %s %s", ja ? "攻撃先:    " : "Target:    ", dst, ja ? "ポート" : "port");
	for (i = 0; i < s->nports; i++)
		put(b, "%s%d", i == 0 ? " " : ", ", s->ports[i]);
	put(b, "/tcp (%s)\n", s->protos);
	if (s->nsigs > 0) {
		put(b, "  %s\n", ja ? "検知したシグネチャ (CVE):" : "Signatures (CVE):");
		put_sigs(b, rc, s);
	}
	if (s->nsamples > 0) {
		put(b, "  %s\n", ja ? "代表的なリクエスト/コマンド (制御文字は \\xHH で表記):" :
		    "Representative requests/commands (control bytes shown as \\xHH):");
		for (i = 0; i < s->nsamples; i++) {
			char	 txt[ESC_TERM_MAX(REPORT_LINE_MAX) + 8];

			safe(s->samples[i].text, s->samples[i].len, txt, sizeof(txt));
			put(b, "    %s\n", txt);
		}
	}
	if (s->nfirst > 0) {
		put(b, "  %s\n", ja ? "ログ抜粋 (UTC, 最初):" : "Log excerpt (UTC), first events:");
		for (i = 0; i < s->nfirst; i++)
			put_line(b, rc, s, &s->first[i]);
	}
	if (s->nlast > 0) {
		put(b, "  %s\n", ja ? "ログ抜粋 (UTC, 最後):" : "Last events:");
		for (i = 0; i < s->nlast; i++)
			put_line(b, rc, s, &s->last[i]);
	}
	put(b, "\n");
}

static void
put_reporter(struct buf *b, const struct render_ctx *rc)
{
	const char	*name = config_get(rc->cfg, "abuse", "reporter_name");
	const char	*org = config_get(rc->cfg, "abuse", "reporter_org");
	const char	*mail = config_get(rc->cfg, "abuse", "reporter_email");

	put(b, "%s %s%s%s <%s>\n", rc->ja ? "報告者:" : "Reporter:", name, *org != '\0' ? ", " : "",
	    org, mail);
}

static void
put_footer(struct buf *b, const struct render_ctx *rc)
{
	int	 off = 0;
	char	 z[16];

	tz_offset(rc->tz, rc->now, &off);
	snprintf(z, sizeof(z), "%c%02d:%02d", off < 0 ? '-' : '+', abs(off) / 3600,
	    abs(off) % 3600 / 60);
	if (rc->tz[0] == '+' || rc->tz[0] == '-')
		z[0] = '\0';	/* the zone is its offset already */
	if (rc->ja) {
		put(b, "時刻は UTC (+00:00) と %s%s%s%s で表記しています。観測システムの時計の NTP 同期: "
		    "%s。\n", rc->tz, *z != '\0' ? " (" : "", z, *z != '\0' ? ")" : "",
		    clock_synced() ? "有" : "無");
		put(b, "証拠の完全性: 記録全体のハッシュチェーンのダイジェスト %s\n"
		    "(ログの検証をご希望の場合はご連絡ください)\n\n", rc->digest);
	} else {
		put(b, "Times are UTC (+00:00) and %s%s%s%s. The sensor's clock is NTP-synchronised: "
		    "%s.\n", rc->tz, *z != '\0' ? " (" : "", z, *z != '\0' ? ")" : "",
		    clock_synced() ? "yes" : "no");
		put(b, "Evidence integrity: digest of the sensor's event hash chain %s\n"
		    "(ask us and we will verify the logs for you)\n\n", rc->digest);
	}
	put_reporter(b, rc);
}

static void
render_text(const struct render_ctx *rc, const char *to, struct report_src *const *srcs,
    size_t n, struct buf *b)
{
	char	 subj[512], net[300];
	size_t	 i;

	render_subject(rc, srcs, n, subj, sizeof(subj));
	put(b, "To: %s\nSubject: %s\n\n", *to != '\0' ? to : "(no abuse contact)", subj);
	safe(srcs[0]->contact.name, strlen(srcs[0]->contact.name), net, sizeof(net));
	if (rc->ja) {
		put(b, "%s (%s) ご担当者様\n\n", net, srcs[0]->contact.network);
		put(b, "当方のハニーポット (実サービスを持たないおとりのサーバ) が、貴組織の管理する\n"
		    "以下のアドレスからの攻撃を記録しました。マルウェアに感染した機器や侵害された\n"
		    "サーバである可能性が高いと考えます。ご確認と対処をお願いいたします。\n"
		    "当方に被害はありません。\n\n");
	} else {
		put(b, "Dear abuse team of %s (%s),\n\n", net, srcs[0]->contact.network);
		put(b, "Our honeypot (a decoy server that offers no real service) recorded the attacks\n"
		    "below from addresses in your network. Such traffic usually comes from infected\n"
		    "devices or compromised servers: please investigate and have them cleaned up.\n"
		    "We suffered no damage.\n\n");
	}
	for (i = 0; i < n; i++)
		put_source(b, rc, srcs[i]);
	put_footer(b, rc);
}

static void
render_jpcert(const struct render_ctx *rc, const char *to, struct report_src *const *srcs,
    size_t n, struct buf *b)
{
	const char	*name = config_get(rc->cfg, "abuse", "reporter_name");
	const char	*org = config_get(rc->cfg, "abuse", "reporter_org");
	const char	*mail = config_get(rc->cfg, "abuse", "reporter_email");
	char		 subj[512], w1[96], w2[96], dst[64], net[300];
	size_t		 i;
	int		 ja = rc->ja;

	render_subject(rc, srcs, n, subj, sizeof(subj));
	put(b, "To: %s\nSubject: %s\n\n", *to != '\0' ? to : "info@jpcert.or.jp", subj);
	put(b, "%s\n", ja ? "1. 報告者 (連絡先)" : "1. Reporter (contact)");
	put(b, "   %s %s\n   %s %s\n   %s %s\n", ja ? "氏名:" : "Name:", name,
	    ja ? "組織名:" : "Organisation:", org, ja ? "電子メール:" : "E-mail:", mail);
	put(b, "%s\n   %s\n", ja ? "2. 報告の目的" : "2. Purpose of this report",
	    ja ? "3: 関係サイトへの連絡を希望 (攻撃元への対処依頼)" :
	    "3: please contact the sites involved (the attack sources)");
	put(b, "%s\n   %s\n", ja ? "3. インシデントの種別" : "3. Incident type",
	    ja ? "1: プローブ、スキャン、その他不審なアクセス (ハニーポットで観測、被害なし)" :
	    "1: probe, scan or other suspicious access (seen by a honeypot, no damage)");
	for (i = 0; i < n; i++) {
		const struct report_src *s = srcs[i];

		when(rc, s->first_ts, w1, sizeof(w1));
		when(rc, s->last_ts, w2, sizeof(w2));
		sensor_addr(rc, s, dst, sizeof(dst));
		safe(s->contact.name, strlen(s->contact.name), net, sizeof(net));
		put(b, "%s %zu\n", ja ? "4. 攻撃元" : "4. Attack source", i + 1);
		put(b, "   %s %s\n", ja ? "IP アドレス:" : "IP address:", s->ip);
		put(b, "   %s %s %s (%s)\n", ja ? "ネットワーク:" : "Network:", s->contact.network,
		    net, s->contact.registry);
		put(b, "   %s %s\n", ja ? "abuse 連絡先:" : "Abuse contact:",
		    contact_best(&s->contact) != NULL ? contact_best(&s->contact) : "-");
		put(b, "   %s %s\n", ja ? "種類:" : "Activity:", attack_words(attack_of(rc, s), ja));
		put(b, "   %s %s\n", ja ? "観測システム (宛先):" : "Observed on (target):", dst);
		put(b, "   %s %s\n   %s %s\n", ja ? "開始日時:" : "Start:", w1,
		    ja ? "終了日時:" : "End:", w2);
		put(b, "   %s %lld\n", ja ? "件数:" : "Events:", (long long)s->events);
		put_source(b, rc, s);
	}
	put(b, "%s\n   %s: %s / %s: %s\n", ja ? "5. 時刻" : "5. Time",
	    ja ? "タイムゾーン" : "time zone", rc->tz, ja ? "NTP による同期" : "NTP synchronised",
	    clock_synced() ? (ja ? "有" : "yes") : (ja ? "無" : "no"));
	put(b, "%s\n   %s\n", ja ? "6. 証拠の完全性" : "6. Evidence integrity", rc->digest);
}

/* CSV field: quoted, quotes doubled, no line breaks, and no formula start (=, +, -, @). */
static void
csv_field(struct buf *b, const char *s)
{
	buf_append(b, "\"", 1);
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		buf_append(b, "'", 1);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_append(b, "\"\"", 2);
		else if (*s == '\r' || *s == '\n')
			buf_append(b, " ", 1);
		else
			buf_append(b, s, 1);
	}
	buf_append(b, "\"", 1);
}

static void
render_abuseipdb(const struct render_ctx *rc, struct report_src *const *srcs, size_t n,
    struct buf *b)
{
	const struct sig *g;
	char		 cats[128], t[48], comment[1200], txt[ESC_TERM_MAX(REPORT_LINE_MAX) + 8];
	int		 seen[24];
	size_t		 i, k, j, len;

	put(b, "IP,Categories,ReportDate,Comment\n");
	/* AbuseIPDB takes at most 10,000 lines (header included) and 2 MB a file. */
	for (i = 0; i < n && i < 9999 && b->len < 2 * 1024 * 1024 - 2048; i++) {
		const struct report_src *s = srcs[i];

		memset(seen, 0, sizeof(seen));
		for (k = 0; rc->sigs != NULL && k < s->nsigs; k++)
			if ((g = sigdb_find(rc->sigs, s->sigs[k])) != NULL)
				for (j = 0; j < g->nabuseipdb; j++)
					if (g->abuseipdb[j] >= 1 && g->abuseipdb[j] <= 23)
						seen[g->abuseipdb[j]] = 1;
		if (s->login)
			seen[18] = 1;
		if (strstr(s->protos, "http") != NULL)
			seen[21] = 1;
		else if (!s->login)
			seen[14] = 1;
		cats[0] = '\0';
		for (k = 1; k < 24; k++)
			if (seen[k])
				snprintf(cats + strlen(cats), sizeof(cats) - strlen(cats), "%s%zu",
				    cats[0] != '\0' ? "," : "", k);
		iso(s->last_ts, rc->tz, t, sizeof(t));
		snprintf(comment, sizeof(comment), "Honeypot: %lld events, %s, ports", (long long)
		    s->events, attack_words(attack_of(rc, s), 0));
		for (k = 0; k < s->nports; k++)
			snprintf(comment + strlen(comment), sizeof(comment) - strlen(comment),
			    "%s%d", k == 0 ? " " : ",", s->ports[k]);
		for (k = 0; k < s->nsamples && strlen(comment) < 900; k++) {
			esc_cell(txt, sizeof(txt), s->samples[k].text, s->samples[k].len, 80);
			abuse_fmt(comment + strlen(comment), sizeof(comment) - strlen(comment),
			    "; %s", txt);
		}
		/* AbuseIPDB cuts comments at 1,024 bytes: cut on a character boundary before. */
		len = strlen(comment);
		if (len > 1000) {
			len = 1000;
			while (len > 0 && ((unsigned char)comment[len] & 0xc0) == 0x80)
				len--;
			comment[len] = '\0';
		}
		put(b, "%s,", s->ip);
		csv_field(b, cats);
		put(b, ",%s,", t);
		csv_field(b, comment);
		put(b, "\n");
	}
}

void
render_uuid(char out[37])
{
	uint8_t	 r[16];
	int	 i, o = 0;

	if (RAND_bytes(r, sizeof(r)) != 1)
		abort();
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	for (i = 0; i < 16; i++) {
		o += snprintf(out + o, 37 - (size_t)o, "%02x", r[i]);
		if (i == 3 || i == 5 || i == 7 || i == 9)
			out[o++] = '-';
	}
	out[36] = '\0';
}

/* A valid JSON string for attacker bytes (escaped text, so always valid UTF-8). */
static json_t *
jsafe(const void *p, size_t n)
{
	char	 txt[ESC_TERM_MAX(REPORT_LINE_MAX) + 8];

	esc_cell(txt, sizeof(txt), p, n, 0);
	return json_string(txt);
}

static json_t *
xarf_party(const struct render_ctx *rc)
{
	const char	*mail = config_get(rc->cfg, "abuse", "reporter_email");
	const char	*org = config_get(rc->cfg, "abuse", "reporter_org");
	const char	*name = config_get(rc->cfg, "abuse", "reporter_name");

	return json_pack("{s:s%, s:s, s:s}", "org", *org != '\0' ? org : name,
	    strlen(*org != '\0' ? org : name) > 200 ? (size_t)200 :
	    strlen(*org != '\0' ? org : name), "contact", mail, "domain", strchr(mail, '@') + 1);
}

/* Evidence: the log excerpt as text, base64, with the SHA-256 of the raw excerpt. */
static json_t *
xarf_evidence(const struct render_ctx *rc, const struct report_src *s)
{
	struct buf	 b;
	uint8_t		 h[SHA256_DIGEST_LENGTH];
	char		 hex[2 * SHA256_DIGEST_LENGTH + 8], *b64;
	size_t		 i;
	json_t		*e;

	buf_init(&b, 64 * 1024);
	for (i = 0; i < s->nfirst; i++)
		put_line(&b, rc, s, &s->first[i]);
	for (i = 0; i < s->nlast; i++)
		put_line(&b, rc, s, &s->last[i]);
	if (b.len == 0)
		put(&b, "%lld connections\n", (long long)s->events);
	SHA256(b.data, b.len, h);
	memcpy(hex, "sha256:", 7);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(hex + 7 + 2 * i, 3, "%02x", h[i]);
	b64 = evt_base64(b.data, b.len);
	e = json_pack("[{s:s, s:s, s:s, s:s, s:I}]", "content_type", "text/plain",
	    "description", "Honeypot log excerpt (UTC, first and last events)", "payload", b64,
	    "hash", hex, "size", (json_int_t)b.len);
	free(b64);
	buf_free(&b);
	return e;
}

char *
render_xarf(const struct render_ctx *rc, const struct report_src *s, const char *report_id,
    char *err, size_t errlen)
{
	const char	*mail = config_get(rc->cfg, "abuse", "reporter_email");
	const char	*cves[8];
	char		 first[48], last[48], dst[64];
	json_t		*j, *a;
	enum attack	 atk = attack_of(rc, s);
	size_t		 i;
	int		 ncve;
	char		*out;

	if (strchr(mail, '@') == NULL || (*config_get(rc->cfg, "abuse", "reporter_org") == '\0' &&
	    *config_get(rc->cfg, "abuse", "reporter_name") == '\0')) {
		snprintf(err, errlen, "XARF needs [abuse] reporter_email and reporter_org (or "
		    "reporter_name)");
		return NULL;
	}
	iso(s->first_ts, NULL, first, sizeof(first));
	iso(s->last_ts, NULL, last, sizeof(last));
	j = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:f}",
	    "xarf_version", "4.2.0", "report_id", report_id, "timestamp", first,
	    "reporter", xarf_party(rc), "sender", xarf_party(rc), "source_identifier", s->ip,
	    "category", "connection", "evidence_source", "honeypot", "protocol", "tcp",
	    "first_seen", first, "last_seen", last, "confidence", 0.9);
	if (s->nfirst > 0 && s->first[0].src_port > 0)
		json_object_set_new(j, "source_port", json_integer(s->first[0].src_port));
	if (s->nports > 0 && s->ports[0] > 0)
		json_object_set_new(j, "destination_port", json_integer(s->ports[0]));
	sensor_addr(rc, s, dst, sizeof(dst));
	if (strchr(dst, 'x') == NULL)
		json_object_set_new(j, "destination_ip", json_string(dst));
	json_object_set_new(j, "evidence", xarf_evidence(rc, s));
	json_object_set_new(j, "tags", json_pack("[s]", "honeypot:hanipo"));
	switch (atk) {
	case ATK_VULN:
		json_object_set_new(j, "type", json_string("vulnerability_scan"));
		json_object_set_new(j, "scan_type", json_string("web_vuln_scan"));
		ncve = src_cves(rc, s, cves, 8);
		a = json_array();
		for (i = 0; i < (size_t)ncve; i++)
			json_array_append_new(a, json_string(cves[i]));
		json_object_set_new(j, "vulnerabilities_probed", a);
		a = json_array();
		for (i = 0; i < s->nports; i++)
			if (s->ports[i] > 0)
				json_array_append_new(a, json_integer(s->ports[i]));
		json_object_set_new(j, "targeted_ports", a);
		json_object_set_new(j, "total_requests", json_integer(s->events));
		break;
	case ATK_LOGIN:
		json_object_set_new(j, "type", json_string("login_attack"));
		break;
	case ATK_RECON:
		json_object_set_new(j, "type", json_string("reconnaissance"));
		a = json_array();
		for (i = 0; i < s->nsamples; i++) {
			const char	*t = s->samples[i].text, *sp;
			size_t		 len = s->samples[i].len;

			/* "GET /.env" -> "/.env": the resource, not the request line. */
			if ((sp = memchr(t, ' ', len)) != NULL && strcmp(s->samples[i].kind,
			    "request") == 0) {
				len -= (size_t)(sp + 1 - t);
				t = sp + 1;
			}
			json_array_append_new(a, jsafe(t, len));
		}
		json_object_set_new(j, "probed_resources", a);
		json_object_set_new(j, "total_probes", json_integer(s->events));
		break;
	case ATK_SCAN:
		json_object_set_new(j, "type", json_string("port_scan"));
		break;
	}
	if ((atk == ATK_LOGIN || atk == ATK_SCAN) && json_object_get(j, "source_port") == NULL)
		json_object_set_new(j, "source_port", json_integer(1));	/* unknown */
	out = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(3));
	json_decref(j);
	return out;
}

int
render_report(const struct render_ctx *rc, enum render_format f, const char *to,
    struct report_src *const *srcs, size_t n, struct buf *out, char *err, size_t errlen)
{
	char	 id[37], *x;
	size_t	 i;

	if (n == 0) {
		snprintf(err, errlen, "nothing to report");
		return -1;
	}
	switch (f) {
	case RENDER_TEXT:
		render_text(rc, to, srcs, n, out);
		break;
	case RENDER_JPCERT:
		render_jpcert(rc, to, srcs, n, out);
		break;
	case RENDER_ABUSEIPDB:
		render_abuseipdb(rc, srcs, n, out);
		break;
	case RENDER_XARF:
		for (i = 0; i < n; i++) {
			render_uuid(id);
			if ((x = render_xarf(rc, srcs[i], id, err, errlen)) == NULL)
				return -1;
			buf_append(out, x, strlen(x));
			buf_append(out, "\n", 1);
			free(x);
		}
		break;
	}
	if (buf_room(out) == 0) {
		snprintf(err, errlen, "report larger than %zu bytes", out->max);
		return -1;
	}
	return 0;
}
