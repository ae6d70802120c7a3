/* config.h - INI configuration driven by a table of known keys: types, bounds, defaults, file:line errors. */
#ifndef HNP_CONFIG_H
#define HNP_CONFIG_H

#include <stddef.h>

enum config_type {
	CFG_STR,	/* any text */
	CFG_INT,	/* decimal integer within [min, max] */
	CFG_BOOL,	/* true/false, yes/no, on/off, 1/0 */
	CFG_LIST,	/* words separated by spaces or commas; repeated keys add to the list */
	CFG_SIZE,	/* bytes with an optional k/m/g suffix, within [min, max] */
};

struct config_key {
	const char	*section;
	const char	*key;
	enum config_type type;
	long long	 min, max;	/* CFG_INT, CFG_SIZE */
	const char	*def;		/* default as text; NULL when none */
	const char	*help;		/* one line, for `hanipo check --dump` and the docs */
	/* Extra check of a value (CFG_STR): 0, or -1 with the reason in why. May be NULL. */
	int		(*check)(const char *value, char *why, size_t whylen);
};

struct config;

/* Registers a table of keys (terminated by a row with key == NULL). Tables must outlive the process. */
void	config_register(const struct config_key *table);
/* Every registered key, in registration order; NULL past the end. */
const struct config_key *config_key_at(size_t i);

struct config *config_new(void);
void	config_free(struct config *c);

/*
 * Reads an INI file: "[section]" lines, "key = value" lines, full-line comments starting with '#'
 * or ';'. Unknown sections and keys, bad values and syntax errors are errors. Returns 0, or -1 with
 * err = "path:line: message".
 */
int	config_load_file(struct config *c, const char *path, char *err, size_t errlen);
/* Applies "section.key=value" from the command line (origin "-o"); also marks the section present. */
int	config_override(struct config *c, const char *arg, char *err, size_t errlen);

/* Whether "[section]" appeared in the file or in an override. */
int	config_has_section(const struct config *c, const char *section);
/* The value set last (or the table default); NULL when neither. Owned by the config. */
const char *config_get(const struct config *c, const char *section, const char *key);
long long config_int(const struct config *c, const char *section, const char *key);
int	config_bool(const struct config *c, const char *section, const char *key);
/* CFG_LIST: the words of every value given for the key (or of the default); NULL-terminated. */
char	**config_list(const struct config *c, const char *section, const char *key);
/* Where a value came from: "path:line", "-o", or "default". */
const char *config_origin(const struct config *c, const char *section, const char *key);
/* Writes every registered key with its effective value and origin to stdout. */
void	config_dump(const struct config *c);

/* Parses a CFG_SIZE text ("64k", "1m", "512"). Returns 0 or -1. */
int	config_parse_size(const char *s, long long *out);

#endif
