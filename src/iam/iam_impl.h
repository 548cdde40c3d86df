/* The IAM module's private parts: the catalogue's body and helpers shared
 * by its files (catalog.c, match.c, grammar.c, policies.c, eval.c). */
#ifndef STRIDEC_IAM_IMPL_H
#define STRIDEC_IAM_IMPL_H

#include "stridec/iam.h"

/* One ARN resource-part format of a service ("table/{name}"). */
typedef struct {
    const char *type;    /* "table" */
    const char *format;  /* "table/{name}" */
    const char *element; /* catalogue type, NULL when the service has none */
} S_iam_resource;

typedef struct {
    const char *prefix; /* "dynamodb" */
    const char **elements;
    size_t n_elements;
    S_iam_resource *resources;
    size_t n_resources;
    /* data[0] read, data[1] write, data[2] delete: action names or globs */
    const char **data[3];
    size_t n_data[3];
    /* exceptions to the verb rules, per tm_iam_access */
    const char **access[TM_IAM_ACCESS_COUNT];
    size_t n_access[TM_IAM_ACCESS_COUNT];
    /* every literal action the entry names, "prefix:Action", sorted, unique */
    const char **actions;
    size_t n_actions;
} S_iam_service;

/* A table of JSON Lines (managed policies, SAM templates): lines sorted by name. */
typedef struct {
    const char *text; /* the embedded file */
    size_t len;
    const char **names; /* sorted; owned by the catalogue's arena */
    size_t *offsets;    /* start of each name's line */
    size_t *lengths;
    size_t n;
} S_iam_lines;

struct tm_iam_catalog {
    tm_arena *arena;
    const char **verbs[TM_IAM_ACCESS_COUNT];
    size_t n_verbs[TM_IAM_ACCESS_COUNT];
    S_iam_service *services;
    size_t n_services;
    tm_map *by_prefix; /* lower-case prefix -> S_iam_service* */
    tm_iam_escalation *escalation;
    size_t n_escalation;
    const char **narrowing;
    size_t n_narrowing;
    S_iam_lines managed, sam;
    /* SAM parameter names per template line (index like sam.names) */
    const char ***sam_params;
    size_t *n_sam_params;
};

/* The service entry of a prefix (case-insensitive), or NULL. */
const S_iam_service *tm_iam_service(const tm_iam_catalog *c, const char *prefix, size_t len);

/* The index of `name` in a lines table, or -1. */
long tm_iam_lines_find(const S_iam_lines *t, const char *name);

/* Case-insensitive ASCII compare of n bytes. */
int tm_iam_nieq(const char *a, const char *b, size_t n);

/* Tri-state glob matching (match.c): patterns with * and ?, ${...} parts
 * unknown. nocase compares ASCII letters without case. */
tm_iam_match tm_iam_glob(const char *pattern, const char *subject, int nocase);

/* Split an ARN into its six fields at ':' outside ${...} (resource keeps
 * its own ':'). 1 when s starts with "arn:" and has six fields. Fields are
 * copies in `arena`. */
int tm_iam_arn_split(const char *s, tm_arena *arena, const char *f[6]);

#endif
