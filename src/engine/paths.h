/*
 * Attack paths (share/stridec/doc/attack-paths.md): from every entry point
 * of a model, over data flows and IAM escalation, to the data that matters.
 *
 *   paths_data.c  the knowledge: share/stridec/paths/search.yaml (entry
 *                 points, relays, when a flow is open and a process
 *                 validates, as conditions of the rule language) and
 *                 share/stridec/paths/techniques.yaml (pathfinding.cloud's
 *                 escalation techniques, generated)
 *   paths_iam.c   the IAM edges of the graph: identity -> identity by a
 *                 technique, identity -> administrator, identity -> the
 *                 elements whose data its effective permissions reach
 *   paths.c       the search, the paths and their findings
 *
 * Engine-internal (layer engine).
 */
#ifndef STRIDEC_ENGINE_PATHS_H
#define STRIDEC_ENGINE_PATHS_H

#include "engine/engine.h"
#include "stridec/iam.h"

/* ------------------------------------------------------------ knowledge */

typedef enum {
    TM_TECH_PASSED_ROLE = 0, /* act as a role passed to a new resource of `service` */
    TM_TECH_RESOURCE_ROLE,   /* act as the identity of an existing element of `types` */
    TM_TECH_TARGET,          /* act as another identity */
    TM_TECH_ADMIN_SELF,      /* become administrator */
    TM_TECH_ADMIN_TARGET     /* make another identity administrator, and act as it */
} tm_tech_yields;

/* The resource an action must be allowed on. */
typedef enum {
    TM_ON_TARGET = 0,
    TM_ON_SELF,
    TM_ON_SELF_POLICY,
    TM_ON_TARGET_POLICY,
    TM_ON_RESOURCE,
    TM_ON_NEW
} tm_tech_on;

typedef enum { TM_TECH_ANY = 0, TM_TECH_USER, TM_TECH_ROLE } tm_tech_principal;

typedef struct {
    const char *action;
    tm_tech_on on;
} tm_tech_action;

typedef struct {
    const char *id, *name, *category;
    tm_tech_yields yields;
    const char *service; /* passed-role: the principal the passed role trusts */
    const char **types;  /* resource-role: element types */
    size_t n_types;
    tm_tech_principal principal;
    tm_tech_action *actions;
    size_t n_actions;
    bool requires_trust, requires_triggered;
    const char *unsupported; /* NULL, or why no model can show it */
    const char *cut;         /* `break:` */
    const char *reference;
    tm_loc loc;
} tm_technique;

typedef enum { TM_GIVES_READ = 0, TM_GIVES_WRITE, TM_GIVES_SEND, TM_GIVES_ASSUME } tm_entry_gives;

/* A condition with the texts of its step: `says` when it lets the attacker
 * through, `cut` what breaks it. */
typedef struct {
    tm_expr *when;
    tm_applies applies;
    const tm_expr_template *says, *cut;
} tm_paths_cond;

typedef struct {
    const char *id;
    tm_paths_cond cond; /* applies: element or identity */
    tm_entry_gives gives;
    tm_loc loc;
} tm_entry_rule;

typedef struct {
    tm_arena *arena;
    tm_technique *techniques; /* file order (by id) */
    size_t n_techniques;
    const char *techniques_source; /* where they come from, and when */
    const char **relays;
    size_t n_relays;
    tm_entry_rule *entries;
    size_t n_entries;
    tm_paths_cond open, validates, validates_any;
    tm_expr *key_read;           /* element condition */
    const char *key_read_action; /* "kms:Decrypt" */
    tm_rule finding;             /* `finding:` (loc: where it is written) */
} tm_paths_knowledge;

/* The built-in knowledge (embedded share/stridec/paths/). NULL only when it
 * is broken (diagnostics in d; a test keeps that from happening). */
tm_paths_knowledge *tm_paths_knowledge_builtin(tm_diags *d);
/* Knowledge from two texts (tests, fuzzing): `search` as search.yaml and
 * `techniques` as techniques.yaml, named in diagnostics by the two names.
 * NULL after errors, each at file:line:col. */
tm_paths_knowledge *tm_paths_knowledge_from_text(const char *search_name, const char *search,
                                                 size_t search_len, const char *tech_name,
                                                 const char *techniques, size_t tech_len,
                                                 tm_diags *d);
void tm_paths_knowledge_free(tm_paths_knowledge *k);

/* ------------------------------------------------------------ IAM edges */

typedef enum {
    TM_IAM_EDGE_ACT_AS = 0, /* act as `to` (escalation) */
    TM_IAM_EDGE_ADMIN,      /* become administrator through `to` (itself for admin-self) */
    TM_IAM_EDGE_DATA        /* reach `elements` with `data` (TM_PATH_*) */
} tm_iam_edge_kind;

typedef struct {
    tm_iam_edge_kind kind;
    const tm_technique *technique; /* escalation edges */
    const tm_identity *to;
    const tm_element *via;     /* resource-role: the element taken over */
    const tm_element **elements; /* data edges: every element reached alike, model order */
    size_t n_elements;
    unsigned data;             /* TM_PATH_* */
    bool conditional;
    const char *detail; /* "iam:PassRole on payroll-role (to lambda.amazonaws.com), ..." */
    tm_path_fact *facts; /* the statements that grant it */
    size_t n_facts;
    tm_loc loc; /* the first granting statement */
} tm_iam_edge;

typedef struct tm_paths_iam tm_paths_iam;

tm_paths_iam *tm_paths_iam_new(const tm_analysis *a, const tm_paths_knowledge *k,
                               const tm_iam_catalog *c, tm_arena *arena);
void tm_paths_iam_free(tm_paths_iam *pi);
/* The IAM edges out of an identity (computed once, then kept): escalation
 * edges in technique order, then data edges in model order. */
size_t tm_paths_iam_edges(tm_paths_iam *pi, const tm_identity *id, const tm_iam_edge **out);
/* 1 when `action` is allowed to the identity on some resource (a key it
 * may use), 2 when only under a condition, 0 when not. One action per
 * search (the key's): the answer is kept per identity. */
int tm_paths_iam_may(tm_paths_iam *pi, const tm_identity *id, const char *action);
/* The evaluations done so far (the search's work bound counts them). */
size_t tm_paths_iam_work(const tm_paths_iam *pi);

/* ------------------------------------------------------------ the pass */

/* Search every path (bounds in paths.c) and add one finding per path to
 * `threats` (tm_threat*); fills a->paths and a->paths_summary. */
void tm_paths_analyze(tm_analysis *a, tm_vec *threats);


#endif
