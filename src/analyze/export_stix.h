/*
 * export_stix.h - a STIX 2.1 bundle from events: per source address and per download URL an
 * observable (id per the spec: UUIDv5 of its canonical JSON in the STIX namespace), an
 * observed-data, an indicator and a sighting; the identity, SDO/SRO and bundle ids are UUIDv5
 * of their content in hanipo's namespace, and every time comes from the events: the same events
 * give the same bundle, byte for byte.
 */
#ifndef HNP_EXPORT_STIX_H
#define HNP_EXPORT_STIX_H

#include <stdio.h>

#include "core/evt.h"

struct stix_acc;

struct stix_acc *stix_acc_new(void);
void	stix_acc_add(struct stix_acc *a, const struct evt *ev);
/* Writes the bundle; identity names the sensor or operator; indicators stay valid valid_days. */
void	stix_write(FILE *fp, const struct stix_acc *a, const char *identity, int valid_days);
void	stix_acc_free(struct stix_acc *a);

#endif
