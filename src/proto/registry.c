/* registry.c - the one list of sensor protocols; adding a protocol is one line here and one file. */
#include <stdio.h>
#include <string.h>

#include "analyze/geo.h"
#include "analyze/sig.h"
#include "core/config.h"
#include "core/limits.h"
#include "proto/proto.h"
#include "store/store.h"

extern const struct proto proto_http;

const struct proto *const proto_registry[] = {
	&proto_http,
	NULL,
};

static int
registry_check_name(const char *v, char *why, size_t whylen)
{
	size_t	 i, n = strlen(v);

	if (n > HNP_MAX_SENSOR_NAME) {
		snprintf(why, whylen, "at most %d characters", HNP_MAX_SENSOR_NAME);
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x21 || v[i] == 0x7f) {
			snprintf(why, whylen, "no spaces or control characters");
			return -1;
		}
	return 0;
}

/* Keys that belong to no protocol: the sensor's identity and the global caps. */
static const struct config_key core_config_keys[] = {
	{ "sensor", "name", CFG_STR, 0, 0, "", "sensor name in every event (default: host name)",
	    registry_check_name },
	{ "limits", "max_connections", CFG_INT, 1, HNP_MAX_CONNECTIONS_HARD,
	    HNP_STR(HNP_MAX_CONNECTIONS),
	    "open connections, all sensors together" },
	{ "limits", "max_connections_per_source", CFG_INT, 1, HNP_MAX_CONNECTIONS_HARD,
	    HNP_STR(HNP_MAX_CONN_PER_SOURCE),
	    "open connections from one address" },
	{ "limits", "max_buffered", CFG_SIZE, 1024 * 1024, HNP_MAX_BUFFERED_HARD,
	    HNP_STR(HNP_MAX_BUFFERED),
	    "received bytes all connections may hold together; past it a connection is recorded "
	    "and closed" },
	{ "limits", "idle_timeout", CFG_INT, 1, HNP_MAX_TIMEOUT, HNP_STR(HNP_IDLE_TIMEOUT),
	    "seconds without a byte before a connection is closed" },
	{ "limits", "total_timeout", CFG_INT, 1, HNP_MAX_TIMEOUT, HNP_STR(HNP_TOTAL_TIMEOUT),
	    "seconds a connection may last in all" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};

const struct proto *
proto_find(const char *name)
{
	size_t	 i;

	for (i = 0; proto_registry[i] != NULL; i++)
		if (strcmp(proto_registry[i]->name, name) == 0)
			return proto_registry[i];
	return NULL;
}

void
proto_register_config(void)
{
	size_t	 i;

	config_register(core_config_keys);
	config_register(store_config_keys);
	config_register(sig_config_keys);
	config_register(geo_config_keys);
	for (i = 0; proto_registry[i] != NULL; i++)
		config_register(proto_registry[i]->config_keys);
}
