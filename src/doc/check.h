/*
 * Validation helpers for data files read as document trees (the type
 * catalogue, rule files): typed getters that report wrong types, unknown
 * keys with "did you mean", missing keys and bad enum values at the node's
 * file:line:col, and keep going so that one run shows every problem.
 *
 * Private to the engine (catalog.c, rules.c).
 */
#ifndef STRIDEC_ENGINE_DOCVAL_H
#define STRIDEC_ENGINE_DOCVAL_H

#include <stdbool.h>

#include "stridec/doc.h"

typedef struct {
    tm_arena *arena; /* where string lists are allocated */
    tm_diags *d;
    const char *code; /* diagnostic code, e.g. "rule" or "catalog" */
    size_t errors;    /* errors reported through this validator */
} tm_dv;

/* A node's kind as messages say it: "a map", "a list", "an integer", "null". */
const char *tm_dv_what(const tm_node *n);

/* An error at n's position (file, line, col). */
void tm_dv_error(tm_dv *v, const tm_node *n, const char *fmt, ...) TM_PRINTF(3, 4);
/* An error at an explicit position. */
void tm_dv_error_at(tm_dv *v, const char *file, uint32_t line, uint32_t col, const char *fmt, ...)
    TM_PRINTF(5, 6);

/* Report every key of `map` not in allowed[0..n): "unknown key 'k' in WHAT
 * (did you mean 'x'?)", at the key. */
void tm_dv_check_keys(tm_dv *v, const tm_node *map, const char *what,
                      const char *const *allowed, size_t n);

/* The value of a required key, or NULL after "WHAT is missing required key
 * 'k'" at the map's position. */
const tm_node *tm_dv_require(tm_dv *v, const tm_node *map, const char *key, const char *what);

/* A string scalar (YAML/JSON string, XML text). NULL after "'key' must be a
 * string, not a list" (or a boolean, ...). With nonempty, an empty or
 * blank string is an error too ("'key' must not be empty"). */
const char *tm_dv_string(tm_dv *v, const tm_node *n, const char *key, bool nonempty);

/* A boolean scalar (YAML/JSON boolean, XML text "true"/"false"). 0 or -1
 * after "'key' must be a boolean (true or false), not ...". */
int tm_dv_bool(tm_dv *v, const tm_node *n, const char *key, bool *out);

/* A list of non-empty strings, allocated in v->arena (count in *n_out).
 * With split_text, an XML text scalar is split on whitespace ("CWE-20
 * CAPEC-1" is two items), as xml-mapping.md says for lists of scalars.
 * NULL after an error (or for an empty list, with *n_out 0). *ok set to 0
 * after an error, untouched otherwise. */
const char **tm_dv_strings(tm_dv *v, const tm_node *n, const char *key, bool split_text,
                           size_t *n_out, int *ok);

/* One of names[0..n) ("'kind' must be one of external, process, store, not
 * 'proces' (did you mean 'process'?)"). The index, or -1 after the error. */
int tm_dv_enum(tm_dv *v, const tm_node *n, const char *key, const char *const *names,
               size_t n_names);

#endif
