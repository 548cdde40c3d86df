/*
 * The model's small helpers: enum names and parsers, id lookups, the
 * built-in element type table and review-decision pattern matching.
 * The builder that fills the model is build.c; export is export.c.
 */
#include <string.h>

#include "stridec/model.h"

/* ------------------------------------------------------------- enums */

static const char *const S_class_names[] = {"none", "public", "internal", "confidential",
                                            "restricted"};
static const char *const S_kind_names[] = {"external", "process", "store"};
static const char *const S_origin_names[] = {"unknown", "in-house", "third-party",
                                             "open-source"};
static const char *const S_authz_names[] = {"unknown", "none", "technical", "end-user"};
static const char *const S_status_names[] = {"open",        "in-progress", "mitigated",
                                             "accepted",    "transferred", "false-positive"};
static const char *const S_art_names[] = {"deployment-script", "ci-config", "library", "sdk",
                                          "plugin",            "config",    "credential",
                                          "other"};

#define S_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *S_name(const char *const *names, size_t n, int v)
{
    return v >= 0 && (size_t)v < n ? names[v] : "?";
}

/* Index of s in names[first..n), or -1. */
static int S_parse(const char *s, const char *const *names, size_t first, size_t n)
{
    if (!s)
        return -1;
    for (size_t i = first; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return (int)i;
    return -1;
}

const char *tm_class_name(tm_class c)
{
    return S_name(S_class_names, S_COUNT(S_class_names), (int)c);
}

const char *tm_kind_name(tm_kind k)
{
    return S_name(S_kind_names, S_COUNT(S_kind_names), (int)k);
}

const char *tm_origin_name(tm_origin o)
{
    return S_name(S_origin_names, S_COUNT(S_origin_names), (int)o);
}

const char *tm_authz_name(tm_authz a)
{
    return S_name(S_authz_names, S_COUNT(S_authz_names), (int)a);
}

const char *tm_status_name(tm_status s)
{
    return S_name(S_status_names, S_COUNT(S_status_names), (int)s);
}

const char *tm_artifact_type_name(tm_artifact_type t)
{
    return S_name(S_art_names, S_COUNT(S_art_names), (int)t);
}

/* The parsers accept only the values a model may write ("none" is not a
 * classification a model can state; "unknown" is not an origin). */
int tm_class_parse(const char *s, tm_class *out)
{
    int i = S_parse(s, S_class_names, 1, S_COUNT(S_class_names));
    if (i < 0)
        return 0;
    *out = (tm_class)i;
    return 1;
}

int tm_kind_parse(const char *s, tm_kind *out)
{
    int i = S_parse(s, S_kind_names, 0, S_COUNT(S_kind_names));
    if (i < 0)
        return 0;
    *out = (tm_kind)i;
    return 1;
}

int tm_origin_parse(const char *s, tm_origin *out)
{
    int i = S_parse(s, S_origin_names, 1, S_COUNT(S_origin_names));
    if (i < 0)
        return 0;
    *out = (tm_origin)i;
    return 1;
}

int tm_authz_parse(const char *s, tm_authz *out)
{
    int i = S_parse(s, S_authz_names, 1, S_COUNT(S_authz_names));
    if (i < 0)
        return 0;
    *out = (tm_authz)i;
    return 1;
}

int tm_status_parse(const char *s, tm_status *out)
{
    int i = S_parse(s, S_status_names, 0, S_COUNT(S_status_names));
    if (i < 0)
        return 0;
    *out = (tm_status)i;
    return 1;
}

/* "other" is what an unknown type becomes, not a name a model writes. */
int tm_artifact_type_parse(const char *s, tm_artifact_type *out)
{
    int i = S_parse(s, S_art_names, 0, S_COUNT(S_art_names) - 1);
    if (i < 0)
        return 0;
    *out = (tm_artifact_type)i;
    return 1;
}

const char *tm_ref_kind_name(tm_ref_kind k)
{
    switch (k) {
    case TM_REF_DATA:
        return "data asset";
    case TM_REF_BOUNDARY:
        return "boundary";
    case TM_REF_ELEMENT:
        return "element";
    case TM_REF_FLOW:
        return "flow";
    case TM_REF_IDENTITY:
        return "identity";
    case TM_REF_ARTIFACT:
        return "artifact";
    case TM_REF_ASSUMPTION:
        return "assumption";
    }
    return "?";
}

/* ------------------------------------------------------------- lookups */

const tm_ref *tm_model_find(const tm_model *m, const char *id)
{
    return m && id ? tm_map_get(m->ids, id) : NULL;
}

static void *S_find_kind(const tm_model *m, const char *id, tm_ref_kind k)
{
    const tm_ref *r = tm_model_find(m, id);
    return r && r->kind == k ? r->ptr : NULL;
}

tm_element *tm_model_element(const tm_model *m, const char *id)
{
    return S_find_kind(m, id, TM_REF_ELEMENT);
}

tm_boundary *tm_model_boundary(const tm_model *m, const char *id)
{
    return S_find_kind(m, id, TM_REF_BOUNDARY);
}

tm_identity *tm_model_identity(const tm_model *m, const char *id)
{
    return S_find_kind(m, id, TM_REF_IDENTITY);
}

int tm_boundary_contains(const tm_boundary *b, const tm_element *e)
{
    if (!b || !e)
        return 0;
    /* The builder rejects parent cycles, so the walk ends; the depth bound
     * keeps it finite even on a hand-made model. */
    unsigned steps = 0;
    for (const tm_boundary *p = e->boundary; p && steps <= e->boundary->depth; p = p->parent) {
        if (p == b)
            return 1;
        steps++;
    }
    return 0;
}

tm_class tm_data_max_class(tm_data *const *data, size_t n)
{
    tm_class c = TM_CLASS_NONE;
    for (size_t i = 0; i < n; i++)
        if (data[i] && data[i]->classification > c)
            c = data[i]->classification;
    return c;
}

const tm_node *tm_prop(const tm_node *props, const char *key)
{
    return tm_node_get(props, key);
}

const char *tm_model_name(const tm_model *m)
{
    return m ? m->system.name : NULL;
}

const char *tm_model_source(const tm_model *m)
{
    return m ? m->source : NULL;
}

void tm_model_free(tm_model *m)
{
    if (!m)
        return;
    tm_map_free(m->ids);
    tm_arena_free(m->arena); /* the model itself lives in its arena */
}

/* ------------------------------------------------------ review patterns */

/* Backtracking glob where '*' never crosses '@': the rule part and the
 * target part of a threat id are matched independently. */
int tm_threat_pattern_match(const char *p, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*p == '*') {
            star = p++;
            resume = s;
        } else if (*p == *s) {
            p++;
            s++;
        } else if (star && *resume != '@') {
            p = star + 1;
            s = ++resume;
        } else {
            return 0;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}
