/* service.h - the enabled sensors of a configuration: init, listen, reload, stop. */
#ifndef HNP_SERVICE_H
#define HNP_SERVICE_H

#include <stddef.h>

#include "core/config.h"
#include "core/session.h"

struct services {
	struct service	*list;
	size_t		 n;
};

/*
 * Creates a service for every protocol whose section is in cfg and runs its init (rules load...).
 * Returns 0 (n may be 0), or -1 with err; nothing is left allocated on failure.
 */
int	services_init(struct services *sv, const struct config *cfg, char *err, size_t errlen);
/* Checks every listen address of every service without binding. 0, or -1 with err. */
int	services_check_listen(const struct services *sv, const struct config *cfg, char *err,
	    size_t errlen);
/* Binds every service's listeners. 0, or -1 with err (everything unbound again). */
int	services_listen(struct services *sv, const struct config *cfg, char *err, size_t errlen);
/* SIGHUP: reloads every service; a failing one keeps its old state. Returns failures. */
int	services_reload(struct services *sv, const struct config *cfg);
/* The running service of the protocol named name (its section present), or NULL. */
struct service *services_find(const char *name);
/* Stops listening and frees every service. */
void	services_fini(struct services *sv);

#endif
