/* service.c - turns a configuration into running sensors: one service per protocol section. */
#include <stdio.h>
#include <stdlib.h>

#include "core/listener.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "proto/proto.h"
#include "proto/service.h"

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
		svc->proto = p;
		svc->state = NULL;
		svc->listeners = NULL;
		svc->transport = NULL;
		svc->transport_state = NULL;
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
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	char			 why[256], **specs;
	size_t			 i, k;

	for (i = 0; i < sv->n; i++) {
		const char	*name = sv->list[i].proto->name;

		specs = config_list(cfg, name, "listen");
		if (specs[0] == NULL) {
			snprintf(err, errlen, "%s: [%s] listen: no address",
			    config_origin(cfg, name, "listen"), name);
			return -1;
		}
		for (k = 0; specs[k] != NULL; k++)
			if (listener_parse(specs[k], &ss, &len, why, sizeof(why)) == -1) {
				snprintf(err, errlen, "%s: [%s] listen: %s",
				    config_origin(cfg, name, "listen"), name, why);
				return -1;
			}
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

	for (i = 0; i < sv->n; i++) {
		listener_stop_all(&sv->list[i]);
		if (sv->list[i].proto->fini != NULL)
			sv->list[i].proto->fini(&sv->list[i]);
	}
	free(sv->list);
	sv->list = NULL;
	sv->n = 0;
}
