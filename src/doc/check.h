/*
 * Typed checks of a document tree, with one wording for every reader of
 * trees: the model builder, the type catalogue, rule files and the
 * importers. Each check reports a wrong type, an unknown key (with "did you
 * mean"), a missing key or a bad enum value at the node's file:line:col, and
 * keeps going so that one run shows every problem.
 *
 * The wording, in full:
 *   'KEY' must be a string, not a list
 *   'KEY' must not be empty
 *   'KEY' must be a boolean (true or false), not 'yes'
 *   'KEY' must be an integer, not 'ten'
 *   'KEY' must be a list of strings, not a map
 *   every item of 'KEY' must be a string, not a map
 *   an item of 'KEY' is empty
 *   WHAT must be a map, not a list           (WHAT: "'props'", "an element")
 *   WHAT must be a list, not a map
 *   'KEY' must be one of a, b or c, not 'x' (did you mean 'y'?)
 *   unknown key 'k' in WHAT (did you mean 'x'?)     or  ...; expected one of: a, b, c
 *   unknown top-level key 'k' ...                   (WHAT NULL)
 *   missing required key 'k' in WHAT
 * Diagnostic codes: "wrong-type", "bad-value", "unknown-key", "missing-key".
 */
#ifndef STRIDEC_DOC_CHECK_H
#define STRIDEC_DOC_CHECK_H

#include <stdbool.h>

#include "stridec/doc.h"

typedef struct {
    tm_arena *arena; /* where string lists are allocated */
    tm_diags *d;
    size_t errors; /* errors reported through this checker */
} tm_check;

/* Flags of the string checks. */
enum {
    TM_CHECK_NONEMPTY = 1u << 0,   /* an empty or blank string is an error */
    TM_CHECK_NUMBER_OK = 1u << 1,  /* a number is taken as the text written (`version: 1.2`) */
    TM_CHECK_SPLIT_TEXT = 1u << 2, /* lists: XML text is split on whitespace ("a b" is two items) */
    TM_CHECK_EMPTY_ITEM_OK = 1u << 3 /* lists: empty items are kept, not errors */
};

/* A node's kind as messages say it: "a map", "a list", "an integer", "null". */
const char *tm_check_what(const tm_node *n);

/* The candidate `word` most likely meant: the only one it abbreviates
 * ('prot' -> 'protocol'), else the closest by edit distance, else NULL. */
const char *tm_check_suggest(const char *word, const char *const *cands, size_t n);

/* An error at n's position (file, line, col), or at an explicit one. */
void tm_check_error(tm_check *c, const char *code, const tm_node *n, const char *fmt, ...)
    TM_PRINTF(4, 5);
void tm_check_error_at(tm_check *c, const char *code, const char *file, uint32_t line,
                       uint32_t col, const char *fmt, ...) TM_PRINTF(6, 7);

/* Report every key of `map` not in allowed[0..n), at the key. */
void tm_check_keys(tm_check *c, const tm_node *map, const char *what, const char *const *allowed,
                   size_t n);

/* The value of a required key, or NULL after "missing required key" at the map. */
const tm_node *tm_check_require(tm_check *c, const tm_node *map, const char *key,
                                const char *what);

/* A string scalar (YAML/JSON string, XML text; numbers with TM_CHECK_NUMBER_OK),
 * or NULL after the error. */
const char *tm_check_string(tm_check *c, const tm_node *n, const char *key, unsigned flags);

/* A boolean (YAML/JSON boolean, XML text "true"/"false"). 0, or -1 after the error. */
int tm_check_bool(tm_check *c, const tm_node *n, const char *key, bool *out);

/* An integer (YAML/JSON integer, XML text of digits). 0, or -1 after the error. */
int tm_check_int(tm_check *c, const tm_node *n, const char *key, long long *out);

/* A whole number as YAML's core schema writes one ([-+]?[0-9]+, in range):
 * 1 and *out set, else 0 (XML text converted by the key's type). */
int tm_check_parse_int(const char *s, long long *out);

/* A map: n itself, an empty map for XML's empty element (blank text), or
 * NULL after the error. */
const tm_node *tm_check_map(tm_check *c, const tm_node *n, const char *what);
/* A list: n itself or NULL after the error. */
const tm_node *tm_check_list(tm_check *c, const tm_node *n, const char *what);

/* A list of strings, allocated in c->arena (count in *n_out); with `nodes`
 * also the node each item came from (XML split items share the text's
 * node). NULL for an empty list. *ok set to 0 after an error, untouched
 * otherwise; the good items are still returned. */
const char **tm_check_strings(tm_check *c, const tm_node *n, const char *key, unsigned flags,
                              size_t *n_out, const tm_node ***nodes, int *ok);

/* One of names[0..n). The index, or -1 after the error. */
int tm_check_enum(tm_check *c, const tm_node *n, const char *key, const char *const *names,
                  size_t n_names);

#endif
