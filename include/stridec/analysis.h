/*
 * The STRIDE engine's public API: analyse a model with a rule library and
 * the type catalogue. The analysis is plain read-only data that renderers
 * and the CLI walk (struct bodies below); only src/engine/ fills it.
 */
#ifndef STRIDEC_ANALYSIS_H
#define STRIDEC_ANALYSIS_H

#include <stdbool.h>

#include "base.h"
#include "model.h"

typedef struct tm_ruleset tm_ruleset;
typedef struct tm_analysis tm_analysis;


/* A rule set: starts empty; add the built-in rules and/or rule files.
 * Every condition is parsed and type-checked when added; an error names
 * file:line:col in the rule file and the call returns -1. */
tm_ruleset *tm_ruleset_new(void); /* caller frees with tm_ruleset_free */
void tm_ruleset_free(tm_ruleset *rs);
int tm_ruleset_add_builtin(tm_ruleset *rs, tm_diags *d);
int tm_ruleset_add_file(tm_ruleset *rs, const char *path, tm_diags *d);
/* Add every rule file (*.yaml, *.yml, *.json, *.xml) of a folder, in name order. */
int tm_ruleset_add_dir(tm_ruleset *rs, const char *dir, tm_diags *d);
size_t tm_ruleset_count(const tm_ruleset *rs);

typedef struct {
    /* Folders of OSV advisory JSON files (--advisories); may be empty. */
    const char *const *advisory_dirs;
    size_t n_advisory_dirs;
} tm_analyze_opts;

/* Run the engine. The analysis keeps pointers into m, cat and rs: they must
 * outlive it. Returns NULL only on internal failure (diagnostics in d);
 * warnings such as unmatched review decisions are added to d. Caller frees. */
tm_analysis *tm_analyze(const tm_model *m, const tm_catalog *cat, const tm_ruleset *rs,
                        const tm_analyze_opts *opts, tm_diags *d);
void tm_analysis_free(tm_analysis *a);

size_t tm_analysis_threat_count(const tm_analysis *a);

/* ================================================ analysis struct bodies */
/* ------------------------------------------------------------ scoring */

typedef enum {
    TM_SEV_NONE = 0,
    TM_SEV_LOW,
    TM_SEV_MEDIUM,
    TM_SEV_HIGH,
    TM_SEV_CRITICAL
} tm_severity;
#define TM_SEV_COUNT 5

typedef enum {
    TM_LIK_UNLIKELY = 1,
    TM_LIK_LIKELY,
    TM_LIK_VERY_LIKELY,
    TM_LIK_FREQUENT
} tm_likelihood;

typedef enum { TM_IMP_LOW = 1, TM_IMP_MEDIUM, TM_IMP_HIGH, TM_IMP_VERY_HIGH } tm_impact;

/* STRIDE letters as a bit set, in S T R I D E order. */
enum {
    TM_STRIDE_S = 1u << 0,
    TM_STRIDE_T = 1u << 1,
    TM_STRIDE_R = 1u << 2,
    TM_STRIDE_I = 1u << 3,
    TM_STRIDE_D = 1u << 4,
    TM_STRIDE_E = 1u << 5
};
#define TM_STRIDE_LETTERS "STRIDE"

const char *tm_severity_name(tm_severity s);
const char *tm_likelihood_name(tm_likelihood l);
const char *tm_impact_name(tm_impact i);
int tm_severity_parse(const char *s, tm_severity *out);
int tm_likelihood_parse(const char *s, tm_likelihood *out);
int tm_impact_parse(const char *s, tm_impact *out);
/* The documented matrix (README "Scoring"), then raised by data classification:
 * confidential data raises by one level, restricted by two (capped at critical);
 * a threat on something that carries no data is not raised. */
tm_severity tm_score(tm_likelihood l, tm_impact i, tm_class data_class);

/* -------------------------------------------------------------- rules */

typedef enum {
    TM_APPLIES_ELEMENT,
    TM_APPLIES_FLOW,
    TM_APPLIES_BOUNDARY,
    TM_APPLIES_IDENTITY,
    TM_APPLIES_ARTIFACT,
    TM_APPLIES_MODEL
} tm_applies;

const char *tm_applies_name(tm_applies a);

typedef struct tm_expr tm_expr; /* a parsed, type-checked condition (expr.c) */

typedef struct {
    const char *id;
    const char *title; /* template with {element.name}, {source.name}, ... */
    tm_applies applies_to;
    unsigned stride;
    const char *when_text;
    tm_expr *when;
    tm_likelihood likelihood;
    tm_impact impact;
    const char *description; /* may hold placeholders too */
    const char *mitigation;
    const char **references;
    size_t n_references;
    const char **monitor;
    size_t n_monitor;
    tm_loc loc; /* where the rule starts in its file */
    bool builtin;
    /* Element/flow rules skip out-of-scope elements (and flows touching only
     * out-of-scope elements) unless the rule says `include_out_of_scope: true`
     * (scope warnings do). */
    bool include_out_of_scope;
} tm_rule;

struct tm_ruleset {
    tm_arena *arena;
    tm_rule **rules; /* in load order; ids unique */
    size_t n_rules, cap_rules;
    tm_map *by_id;
};

const tm_rule *tm_ruleset_find(const tm_ruleset *rs, const char *id);
/* Native rules: rules without a condition, decided in C because the rule
 * language cannot see what they test (advisories). Static storage. */
const tm_rule *tm_native_rules(size_t *n);

/* ----------------------------------------------------------- analysis */

typedef enum {
    TM_TARGET_MODEL,
    TM_TARGET_BOUNDARY,
    TM_TARGET_ELEMENT,
    TM_TARGET_FLOW,
    TM_TARGET_IDENTITY,
    TM_TARGET_ARTIFACT
} tm_target_type;

const char *tm_target_type_name(tm_target_type t);

typedef struct tm_threat tm_threat;

/* A secret found in an artifact's file. The value itself is never kept. */
typedef struct {
    const char *kind;   /* "AWS access key id", "private key", ... */
    const char *file;   /* path as shown to users (relative to the model) */
    uint32_t line, col;
    const char *masked; /* e.g. "AKIA****************" */
} tm_secret;

typedef struct {
    const tm_element *el;
    const tm_type_info *type; /* NULL when the type is not in the catalogue */
    const tm_flow **in, **out; /* flows into / out of the element, in model order */
    size_t n_in, n_out;
    /* Implicit entry points not ruled out (management plane, public access
     * paths); each with why it is open. */
    const char **entry_points;
    size_t n_entry_points;
    const tm_element **shares_identity_with; /* other elements running as the same identity */
    size_t n_shares_identity_with;
    tm_class max_class; /* highest classification it stores/processes or receives */
    tm_severity max_open; /* highest severity among its open threats */
    const tm_threat **threats; /* threats targeting it, in threat order */
    size_t n_threats;
} tm_element_info;

typedef struct {
    const tm_flow *flow;
    unsigned number; /* 1-based, model order; the same in every report */
    const tm_boundary **crosses; /* boundaries containing exactly one end, outermost first */
    size_t n_crosses;
    tm_class max_class;
    tm_severity max_open;
    const tm_threat **threats;
    size_t n_threats;
} tm_flow_info;

typedef struct {
    const tm_boundary *b;
    const tm_flow **inbound, **outbound; /* flows crossing into / out of it */
    size_t n_inbound, n_outbound;
    const tm_element **members; /* elements inside (nested included), model order */
    size_t n_members;
    const tm_element **entry_points; /* members that receive inbound flows */
    size_t n_entry_points;
    const tm_boundary **children;
    size_t n_children;
    tm_severity max_open;
    const tm_threat **threats;
    size_t n_threats;
} tm_boundary_info;

/* Why an identity fact holds: a deciding statement, as evidence. */
typedef struct {
    const char *fact; /* the fact's name in the condition language ("admin", "privesc", ...) */
    const char *text; /* "file:line:col: Allow * on * (policy AdministratorAccess)" */
} tm_identity_evidence;

/* IAM facts derived by iam.c (with the IAM module's effective permissions:
 * an explicit Deny wins, conditions that may apply count) for one identity. */
typedef struct {
    const tm_identity *identity;
    const tm_element **users; /* elements running as it, model order */
    size_t n_users;
    bool wildcard_action;   /* an effective allow of "*" or "svc:*" */
    bool admin;             /* every action on every resource is allowed */
    bool wildcard_resource; /* data access or permissions management on every resource of a kind */
    bool public_principal;  /* principal "*" in an allow */
    bool cross_account;     /* principal from another account */
    bool uses_not;          /* allow with not_actions */
    const char **privesc_actions; /* privilege-escalation actions allowed on every resource */
    size_t n_privesc_actions;
    const char **wildcard_actions; /* the wildcard actions found */
    size_t n_wildcard_actions;
    /* "ACTION on RESOURCE" for each effective data-access or permissions-
     * management grant on every resource of a kind (wildcard_resource) */
    const char **wildcard_resource_actions;
    size_t n_wildcard_resource_actions;
    const char **policies; /* names of the policies its statements come from, sorted */
    size_t n_policies;
    tm_identity_evidence *evidence; /* statements behind the facts, statement order */
    size_t n_evidence;
    bool ses_send_any; /* ses:Send* on "*" */
    const tm_threat **threats;
    size_t n_threats;
} tm_identity_info;

typedef struct {
    const tm_artifact *artifact;
    bool scanned; /* the file was read */
    const char *scan_error; /* why it could not be read, or NULL */
    tm_secret *secrets;
    size_t n_secrets;
    const char **unpinned; /* libraries without a pinned version */
    size_t n_unpinned;
    const tm_threat **threats;
    size_t n_threats;
} tm_artifact_info;

/* An advisory match for a library (OSV). */
typedef struct {
    const char *library; /* "name@version" as written */
    const char *advisory_id;
    const char *summary;
    const tm_element *element; /* NULL when it came from an artifact */
    const tm_artifact *artifact;
} tm_advisory_match;

struct tm_threat {
    const char *id; /* RULE-ID@TARGET-ID */
    const tm_rule *rule;
    const char *title;
    const char *description;
    const char *mitigation;
    unsigned stride;
    tm_likelihood likelihood;
    tm_impact impact;
    tm_severity severity;
    tm_target_type target_type;
    const char *target_id; /* "model" for model-wide threats */
    const void *target;    /* tm_element*, tm_flow*, ... or NULL for the model */
    tm_status status;
    const tm_decision *decision; /* the review decision that set status, or NULL */
    const char **references;
    size_t n_references;
    const char **evidence; /* concrete findings: "serverless.yml:12: AKIA****" */
    size_t n_evidence;
    tm_loc loc; /* where the target is written in the model */
};


/* ------------------------------------------------------- attack paths */

/* How one step of an attack path gets the attacker further
 * (share/stridec/doc/attack-paths.md). */
typedef enum {
    TM_STEP_ENTRY = 0,   /* the attacker reaches a public part of the system */
    TM_STEP_FLOW,        /* attacker data crosses a data flow */
    TM_STEP_COMPROMISE,  /* a process takes attacker data without validating it */
    TM_STEP_ESCALATION,  /* an identity acts as another one, or as administrator */
    TM_STEP_DATA_ACCESS  /* an identity (or the attacker) reads, writes or deletes data */
} tm_step_kind;

/* "entry", "flow", "compromise", "escalation", "data-access". */
const char *tm_step_kind_name(tm_step_kind k);

/* One fact a step rests on: what was read, its value (JSON text), whether
 * the model states it and where. */
typedef struct {
    const char *path;  /* "flow.authenticated", "identity[render-role].statements[1]" */
    const char *value; /* JSON text */
    bool stated;
    const char *note;  /* NULL, or why the value ("AWS default ...") */
    tm_loc loc;        /* line 0 when nowhere */
} tm_path_fact;

/* Data access bits of a step (the same bits as the IAM module's TM_IAM_DATA_*). */
enum { TM_PATH_READ = 1u << 0, TM_PATH_WRITE = 1u << 1, TM_PATH_DELETE = 1u << 2 };

typedef struct {
    tm_step_kind kind;
    /* What the step reaches: an element (flow, compromise, entry, data access)
     * or an identity (escalation; compromise: the identity it runs as). */
    const tm_element *element;
    const tm_identity *identity;
    const tm_identity *from_identity; /* escalation and data access through IAM */
    const tm_flow *flow;              /* flow steps, and data access over a flow */
    const char *entry;                /* entry steps: the entry rule's id ("public-read") */
    /* Escalation: the technique (pathfinding.cloud id and name), and the
     * element whose identity it takes over (resource-role techniques). */
    const char *technique, *technique_name, *technique_url;
    const tm_element *via;
    unsigned access;  /* TM_PATH_* (data access, and the flow's write/read) */
    bool to_admin;    /* the step ends at an administrator-equivalent identity */
    const char *text; /* what happens, in words */
    const char *says; /* the condition that lets it happen, in words */
    const char *cut;  /* what breaks the path here */
    bool conditional; /* it holds only if an IAM condition the model does not decide holds */
    tm_path_fact *facts;
    size_t n_facts;
    tm_loc loc; /* where the step is stated (the flow, the granting statement, the element) */
} tm_path_step;

typedef struct {
    const char *id; /* "ENTRY--TARGET": stable for a model */
    /* The entry: an external entity or a public element, or an identity anyone
     * may assume; entry_rule is "external" or an entry rule's id. */
    const tm_element *entry_element;
    const tm_identity *entry_identity;
    const char *entry_id, *entry_name, *entry_rule;
    /* Other entries whose path is this one after its first step. */
    const char **also_from;
    size_t n_also_from;
    /* The target: a store at confidential or restricted, or an
     * administrator-equivalent identity. */
    const tm_element *target_element;
    const tm_identity *target_identity;
    const char *target_id, *target_name;
    bool admin;
    tm_class target_class; /* the store's classification (NONE for admin) */
    tm_path_step *steps;
    size_t n_steps;
    bool conditional;      /* some step holds only under a condition */
    tm_severity severity;  /* critical: restricted data or admin; high: confidential */
    const tm_threat *threat; /* its finding (ATTACK-PATH@ID) */
} tm_path;

/* What the search did, and whether a bound cut it. */
typedef struct {
    size_t entries;          /* entry points found */
    size_t entries_searched; /* ... searched before a bound stopped the search */
    size_t found;            /* distinct paths found (before max_paths) */
    size_t max_steps, max_paths, max_per_entry; /* the bounds */
    bool cut_steps;  /* a route was longer than max_steps */
    bool cut_per_entry; /* an entry reached more than max_per_entry targets: its nearest are kept */
    bool cut_paths;  /* more than max_paths paths: the shortest are kept */
    bool cut_work;   /* the work bound stopped the search before every entry was searched */
} tm_paths_summary;

struct tm_analysis {
    tm_arena *arena;
    const tm_model *model;
    const tm_catalog *catalog;
    const tm_ruleset *rules;
    tm_element_info *elements; /* indexed like model->elements */
    tm_flow_info *flows;
    tm_boundary_info *boundaries;
    tm_identity_info *identities;
    tm_artifact_info *artifacts;
    tm_threat **threats; /* deterministic order: by target (model, boundaries, elements,
                            flows, identities, artifacts, each in model order), then rule id */
    size_t n_threats;
    tm_advisory_match *advisories;
    size_t n_advisories;
    tm_path *paths; /* attack paths, shortest first (paths.c) */
    size_t n_paths;
    tm_paths_summary paths_summary;
    const tm_boundary **top_boundaries; /* boundaries without parent, model order */
    size_t n_top_boundaries;
    /* summary: every threat whatever its status; a threat with two letters counts under both */
    size_t by_severity[TM_SEV_COUNT];
    size_t by_stride[6];
    size_t by_status[TM_STATUS_COUNT];
    size_t open_by_severity[TM_SEV_COUNT];
    size_t decisions_used; /* review decisions that matched at least one threat */
};

/* The rule of the findings attack paths raise (ATTACK-PATH, written in
 * share/stridec/paths/search.yaml), copied into `arena` (for `stridec rules`);
 * NULL when the built-in attack-path knowledge does not load (diagnostics in
 * d). */
const tm_rule *tm_attack_path_rule(tm_arena *arena, tm_diags *d);

/* Status counts as open for gating and colouring: open and in-progress. */
int tm_status_is_open(tm_status s);

#endif
