/*
 * jsonw.h - compact JSON text without jansson: a writer (events build their fields with it, no
 * allocation per value) and a reader for one top-level member of a flat object text.
 */
#ifndef HNP_JSONW_H
#define HNP_JSONW_H

#include <stddef.h>
#include <stdint.h>

struct buf;

struct jsonw {
	struct buf	*b;
	int		 comma;		/* the next value or key needs a ',' before it */
	int		 err;		/* b's maximum was reached: the text is cut */
};

/* Starts writing into b (appending to what it holds). */
void	jsonw_init(struct jsonw *w, struct buf *b);
void	jsonw_object_begin(struct jsonw *w);
void	jsonw_object_end(struct jsonw *w);
void	jsonw_array_begin(struct jsonw *w);
void	jsonw_array_end(struct jsonw *w);
/* An object member's name (a C string, escaped like any string); the value must follow. */
void	jsonw_key_any(struct jsonw *w, const char *key);
/* The same for a name of n bytes: copied as is when every byte is plain, else escaped. */
void	jsonw_key_n(struct jsonw *w, const char *key, size_t n);
/*
 * jsonw_key: a name whose length the compiler knows (a string literal: most names) skips the
 * strlen and the escaping loop (~40 instructions instead of ~170, a dozen names per event).
 */
#define jsonw_key(w, key) (__builtin_constant_p(__builtin_strlen(key)) ?			\
	jsonw_key_n((w), (key), __builtin_strlen(key)) : jsonw_key_any((w), (key)))
/*
 * A string from bytes: valid UTF-8 kept (NUL included, as \u0000), every byte of an invalid
 * sequence written as U+FFFD, exactly as evt_json_bytes; '"', '\\' and control bytes escaped.
 */
void	jsonw_bytes(struct jsonw *w, const void *p, size_t len);
/* jsonw_bytes of a C string. */
void	jsonw_str(struct jsonw *w, const char *s);
void	jsonw_int(struct jsonw *w, int64_t v);
/*
 * Appends text[0..n) as it is, after a ',' when a value came before: one or more values or
 * members a jsonw wrote before (its bytes, without the ',' that led them).
 */
void	jsonw_raw(struct jsonw *w, const char *text, size_t n);
void	jsonw_bool(struct jsonw *w, int v);
/* 0 when the whole text fit, -1 when b's maximum cut it (the text is then not valid JSON). */
int	jsonw_done(const struct jsonw *w);

/* Length of the valid UTF-8 sequence at p[0..len) (1..4), or 0 when it is not one. len > 0. */
size_t	jsonw_utf8_len(const uint8_t *p, size_t len);

/*
 * Finds the member key (compared after decoding escapes) of the JSON object text[0..len) and
 * points *val, *vlen at its value's text. The last of duplicate members wins, as in jansson.
 * Returns 1 when found, 0 when not (or the text is not an object); never reads outside text,
 * whatever it holds.
 */
int	jsonw_find(const char *text, size_t len, const char *key, const char **val, size_t *vlen);
#define JSONW_FIND_MAX	16
/*
 * jsonw_find for up to JSONW_FIND_MAX keys in one pass over text: vals[k], vlens[k] for keys[k],
 * vals[k] NULL when absent. Returns how many were found (0, all NULL, when text is malformed).
 */
size_t	jsonw_find_many(const char *text, size_t len, const char *const *keys, size_t n,
	    const char **vals, size_t *vlens);
/*
 * The same for text whose members are unique (as jsonw writes them): the first occurrence wins
 * and the walk stops once every key is found, so keys near the front cost little.
 */
size_t	jsonw_find_first(const char *text, size_t len, const char *const *keys, size_t n,
	    const char **vals, size_t *vlens);
/*
 * Appends the bytes of the JSON string value val[0..vlen) (quotes included, as jsonw_find gives
 * it) to out, escapes decoded. Returns 1, 0 when val is not a well-formed string (out may then
 * hold part of it), -1 when out's maximum was reached.
 */
int	jsonw_string_value(const char *val, size_t vlen, struct buf *out);
/* The JSON integer val[0..vlen) (no fraction or exponent, within int64): 1 and *v, or 0. */
int	jsonw_int_value(const char *val, size_t vlen, int64_t *v);

#endif
