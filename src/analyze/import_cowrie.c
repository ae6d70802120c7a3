/*
 * import_cowrie.c - one Cowrie JSON line (cowrie.json) becomes an event of hanipo's kinds:
 *   cowrie.session.connect -> connect, cowrie.login.* -> login {user, password, success},
 *   cowrie.command.* -> command {command}, cowrie.session.file_download -> download_url {url,
 *   sha256}, cowrie.client.version -> client {version}, cowrie.client.kex -> client {hassh},
 *   cowrie.session.closed -> close {duration_ms}; any other eventid -> log {eventid, message}.
 * Events of one Cowrie session share a session id.
 */
#include <arpa/inet.h>
#include <string.h>

#include <jansson.h>

#include "analyze/import.h"
#include "core/jsonw.h"
#include "core/timeutil.h"

static const char *
cw_str(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void
cw_copy_str(struct jsonw *w, json_t *o, const char *from, const char *to)
{
	json_t	*v = json_object_get(o, from);

	if (!json_is_string(v))
		return;
	jsonw_key(w, to);
	jsonw_bytes(w, json_string_value(v), json_string_length(v));
}

static int
cw_ip(const char *s, char *out)
{
	struct in6_addr	 a;

	if (s == NULL || strlen(s) >= EVT_IP_LEN ||
	    (inet_pton(AF_INET, s, &a) != 1 && inet_pton(AF_INET6, s, &a) != 1))
		return -1;
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static void
cw_kind(struct imp_rec *r, json_t *o, const char *eid, struct jsonw *w)
{
	json_t	*v;

	if (strcmp(eid, "cowrie.session.connect") == 0)
		r->kind = "connect";
	else if (strncmp(eid, "cowrie.login.", 13) == 0) {
		r->kind = "login";
		cw_copy_str(w, o, "username", "user");
		cw_copy_str(w, o, "password", "password");
		jsonw_key(w, "success");
		jsonw_bool(w, strcmp(eid, "cowrie.login.success") == 0);
	} else if (strncmp(eid, "cowrie.command.", 15) == 0) {
		r->kind = "command";
		cw_copy_str(w, o, "input", "command");
		if (strcmp(eid, "cowrie.command.failed") == 0) {
			jsonw_key(w, "failed");
			jsonw_bool(w, 1);
		}
	} else if (strcmp(eid, "cowrie.session.file_download") == 0) {
		r->kind = "download_url";
		cw_copy_str(w, o, "url", "url");
		cw_copy_str(w, o, "shasum", "sha256");
	} else if (strcmp(eid, "cowrie.client.version") == 0) {
		r->kind = "client";
		cw_copy_str(w, o, "version", "version");
	} else if (strcmp(eid, "cowrie.client.kex") == 0) {
		r->kind = "client";
		cw_copy_str(w, o, "hassh", "hassh");
		cw_copy_str(w, o, "hasshAlgorithms", "hassh_algorithms");
	} else if (strcmp(eid, "cowrie.session.closed") == 0) {
		r->kind = "close";
		v = json_object_get(o, "duration");
		if (json_is_number(v)) {
			jsonw_key(w, "duration_ms");
			jsonw_int(w, (int64_t)(json_number_value(v) * 1000));
		}
	} else {
		r->kind = "log";
		jsonw_key(w, "eventid");
		jsonw_str(w, eid);
		cw_copy_str(w, o, "message", "message");
	}
}

int
imp_parse_cowrie(const char *line, size_t len, struct imp_rec *r, const char **why)
{
	json_t		*o, *v;
	json_error_t	 jerr;
	const char	*eid, *s;
	struct jsonw	 w;
	int		 rc = -1;

	if ((o = json_loadb(line, len, 0, &jerr)) == NULL || !json_is_object(o)) {
		*why = "not a JSON object";
		goto out;
	}
	if ((eid = cw_str(o, "eventid")) == NULL || strncmp(eid, "cowrie.", 7) != 0) {
		*why = "no cowrie eventid";
		goto out;
	}
	if ((s = cw_str(o, "timestamp")) == NULL || time_parse_point(s, 0, &r->ts) == -1 ||
	    strlen(s) < 19) {
		*why = "bad or missing timestamp";
		goto out;
	}
	if (cw_ip(cw_str(o, "src_ip"), r->src_ip) == -1) {
		*why = "bad or missing src_ip";
		goto out;
	}
	if (cw_ip(cw_str(o, "dst_ip"), r->dst_ip) == -1)
		r->dst_ip[0] = '\0';
	if (json_is_integer(v = json_object_get(o, "src_port")) &&
	    json_integer_value(v) >= 0 && json_integer_value(v) < 65536)
		r->src_port = (int)json_integer_value(v);
	if (json_is_integer(v = json_object_get(o, "dst_port")) &&
	    json_integer_value(v) >= 0 && json_integer_value(v) < 65536)
		r->dst_port = (int)json_integer_value(v);
	s = cw_str(o, "protocol");
	r->proto = s != NULL && strcmp(s, "telnet") == 0 ? "telnet" : "ssh";
	if ((s = cw_str(o, "sensor")) != NULL && *s != '\0' && strlen(s) < sizeof(r->sensor) &&
	    strcspn(s, "\r\n\t") == strlen(s))
		snprintf(r->sensor, sizeof(r->sensor), "%s", s);
	if ((s = cw_str(o, "session")) != NULL && strlen(s) < sizeof(r->session_key) - 8)
		snprintf(r->session_key, sizeof(r->session_key), "cowrie:%s", s);
	jsonw_init(&w, &r->fields);
	jsonw_object_begin(&w);
	cw_kind(r, o, eid, &w);
	jsonw_key(&w, "imported");
	jsonw_str(&w, "cowrie");
	jsonw_object_end(&w);
	rc = 0;
out:
	json_decref(o);
	return rc;
}
