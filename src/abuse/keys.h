/* keys.h - the [abuse] configuration keys (keys.c). */
#ifndef HNP_ABUSE_KEYS_H
#define HNP_ABUSE_KEYS_H

#include "core/config.h"

extern const struct config_key abuse_config_keys[];

#endif
