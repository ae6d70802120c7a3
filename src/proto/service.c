/* service.c - turns a configuration into running sensors: one service per protocol section. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/listener.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "proto/proto.h"
#include "proto/service.h"

/* The services accepting connections now, for hand-offs between sensors. */
static struct services	*services_live;

struct service *
services_find(const char *name)
{
	size_t	 i;

	if (services_live == NULL)
		return NULL;
	for (i = 0; i < services_live->n; i++)
		if (strcmp(services_live->list[i].proto->name, name) == 0)
			return &services_live->list[i];
	return NULL;
}

int
services_init(struct services *sv, const struct config *cfg, char *err, size_t errlen)
{
	size_t	 i;

	sv->list = NULL;
	sv->n = 0;
	for (i = 0; proto_registry[i] != NULL; i++) {
		const struct proto	*p = proto_registry[i];
		struct service		*svc;

		if (!config_has_section(cfg, p->name))
			continue;
		sv->list = xreallocarray(sv->list, sv->n + 1, sizeof(*sv->list));
		svc = &sv->list[sv->n];
		memset(svc, 0, sizeof(*svc));
		svc->proto = p;
		svc->idle_s = (unsigned)config_int(cfg, "limits", "idle_timeout");
		svc->total_s = (unsigned)config_int(cfg, "limits", "total_timeout");
		if (p->init != NULL && p->init(svc, cfg, err, errlen) == -1) {
			services_fini(sv);
			return -1;
		}
		sv->n++;
	}
	return 0;
}

int
services_check_listen(const struct services *sv, const struct config *cfg, char *err,
    size_t errlen)
{
	char	**specs;
	size_t	 i;

	for (i = 0; i < sv->n; i++) {
		const char	*name = sv->list[i].proto->name;

		specs = config_list(cfg, name, "listen");
		if (specs[0] == NULL) {
			snprintf(err, errlen, "%s: [%s] listen: no address",
			    config_origin(cfg, name, "listen"), name);
			return -1;
		}
		if (listener_check(&sv->list[i], specs, config_origin(cfg, name, "listen"), err,
		    errlen) == -1)
			return -1;
	}
	return 0;
}

int
services_listen(struct services *sv, const struct config *cfg, char *err, size_t errlen)
{
	size_t	 i;

	if (services_check_listen(sv, cfg, err, errlen) == -1)
		return -1;
	for (i = 0; i < sv->n; i++) {
		const char	*name = sv->list[i].proto->name;

		if (listener_start(&sv->list[i], config_list(cfg, name, "listen"),
		    config_origin(cfg, name, "listen"), err, errlen) == -1) {
			while (i-- > 0)
				listener_stop_all(&sv->list[i]);
			return -1;
		}
	}
	services_live = sv;
	return 0;
}

int
services_reload(struct services *sv, const struct config *cfg)
{
	char	 err[1024];
	size_t	 i;
	int	 failed = 0;

	for (i = 0; i < sv->n; i++) {
		struct service	*svc = &sv->list[i];

		if (svc->proto->reload == NULL)
			continue;
		if (svc->proto->reload(svc, cfg, err, sizeof(err)) == -1) {
			log_error("%s: reload failed, keeping the previous rules: %s",
			    svc->proto->name, err);
			failed++;
		}
	}
	return failed;
}

void
services_fini(struct services *sv)
{
	size_t	 i;

	if (services_live == sv)
		services_live = NULL;
	for (i = 0; i < sv->n; i++) {
		listener_stop_all(&sv->list[i]);
		if (sv->list[i].proto->fini != NULL)
			sv->list[i].proto->fini(&sv->list[i]);
	}
	free(sv->list);
	sv->list = NULL;
	sv->n = 0;
}
