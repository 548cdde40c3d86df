/*
 * The stridec model: a validated, read-only description of one system
 * (shared/MODEL.md), and the type catalogue the builder, the importers, the
 * engine and the renderers all read.
 *
 * The struct bodies are public and read-only: a model is plain data owned by
 * its arena, and every later stage (engine, renderers, the CLI) walks its
 * arrays. Only src/model/ creates or changes one.
 */
#ifndef STRIDEC_MODEL_H
#define STRIDEC_MODEL_H

#include <stdbool.h>

#include "base.h"
#include "doc.h"

#define TM_MODEL_VERSION 1

typedef struct tm_model tm_model;

typedef struct tm_catalog tm_catalog;

typedef struct {
    tm_read_limits limits;
    /* The type catalogue that says each element type's DFD kind; NULL: the
     * built-in one. */
    const tm_catalog *catalog;
    /* Folders (besides the model's own) from which artifact paths may be read. */
    const char *const *allow_paths;
    size_t n_allow_paths;
} tm_load_opts;

/*
 * Load one model file (YAML, JSON or XML, with its includes) and validate it.
 * Returns NULL when the model is invalid; every problem found is in `d`
 * (errors name file:line:col). Warnings (e.g. unknown element types) may be
 * added even on success. Caller frees with tm_model_free.
 */
tm_model *tm_model_load(const char *path, const tm_load_opts *opts, tm_diags *d);
/* Build a model from an already-parsed tree (importers, tests). `file` names
 * the source for diagnostics and include resolution. */
tm_model *tm_model_build(const tm_node *root, const char *file, const tm_load_opts *opts,
                         tm_diags *d);
void tm_model_free(tm_model *m);

const char *tm_model_name(const tm_model *m);
const char *tm_model_source(const tm_model *m);

/* The model as a canonical document tree (every key in MODEL.md order,
 * defaults made explicit only where the source said them, generated flow ids
 * kept out). Owned by `arena`. */
tm_node *tm_model_to_tree(const tm_model *m, tm_arena *arena);

/* Export the model in another syntax: "yaml", "json" or "xml". 0 on success. */
int tm_model_export(const tm_model *m, const char *syntax, tm_buf *out, tm_diags *d);

/* ================================================== model struct bodies */
typedef struct {
    const char *file; /* NULL when the item has no source position */
    uint32_t line, col;
} tm_loc;

/* Data classification, ordered by rank. TM_CLASS_NONE: no data. */
typedef enum {
    TM_CLASS_NONE = 0,
    TM_CLASS_PUBLIC,
    TM_CLASS_INTERNAL,
    TM_CLASS_CONFIDENTIAL,
    TM_CLASS_RESTRICTED
} tm_class;

typedef enum { TM_KIND_EXTERNAL, TM_KIND_PROCESS, TM_KIND_STORE } tm_kind;

/* A security fact that may be unstated. Unknown counts as not proven. */
typedef enum { TM_TRI_UNKNOWN = 0, TM_TRI_FALSE, TM_TRI_TRUE } tm_tri;

typedef enum {
    TM_ORIGIN_UNKNOWN = 0,
    TM_ORIGIN_IN_HOUSE,
    TM_ORIGIN_THIRD_PARTY,
    TM_ORIGIN_OPEN_SOURCE
} tm_origin;

typedef enum {
    TM_AUTHZ_UNKNOWN = 0,
    TM_AUTHZ_NONE,
    TM_AUTHZ_TECHNICAL,
    TM_AUTHZ_END_USER
} tm_authz;

typedef enum {
    TM_STATUS_OPEN = 0,
    TM_STATUS_IN_PROGRESS,
    TM_STATUS_MITIGATED,
    TM_STATUS_ACCEPTED,
    TM_STATUS_TRANSFERRED,
    TM_STATUS_FALSE_POSITIVE,
    TM_STATUS_COUNT
} tm_status;

typedef struct tm_boundary tm_boundary;
typedef struct tm_element tm_element;
typedef struct tm_identity tm_identity;

typedef struct {
    const char *id, *name, *description;
    tm_class classification; /* TM_CLASS_NONE when not given */
    tm_loc loc;
    size_t index;
    bool name_given; /* `name` was written (name defaults to id otherwise) */
} tm_data;

struct tm_boundary {
    const char *id, *name, *type, *description;
    const char *parent_id;
    tm_boundary *parent; /* NULL: top level */
    unsigned depth;      /* 0 for top level */
    tm_loc loc;
    size_t index;
    bool name_given; /* `name` was written (name defaults to id otherwise) */
};

typedef struct {
    const char *test;     /* e.g. StringEquals */
    const char *variable; /* e.g. aws:SourceAccount */
    const char **values;
    size_t n_values;
    tm_loc loc;
} tm_condition;

typedef struct {
    const char *sid; /* statement id; may be NULL */
    bool allow;      /* effect: allow (true) or deny */
    const char **actions;
    size_t n_actions;
    const char **not_actions;
    size_t n_not_actions;
    const char **resources;
    size_t n_resources;
    const char **not_resources; /* NotResource: every resource but these */
    size_t n_not_resources;
    const char **principals;
    size_t n_principals;
    const char **not_principals; /* NotPrincipal: every principal but these */
    size_t n_not_principals;
    /* The policy the statement comes from ("AdministratorAccess", a SAM
     * template, an inline policy's name), for evidence; may be NULL. */
    const char *policy;
    tm_condition *conditions;
    size_t n_conditions;
    tm_loc loc;
} tm_statement;

struct tm_identity {
    const char *id, *name, *type, *description;
    tm_statement *statements;
    size_t n_statements;
    tm_loc loc;
    size_t index;
    bool name_given; /* `name` was written (name defaults to id otherwise) */
};

struct tm_element {
    const char *id, *name, *type, *description;
    tm_kind kind;
    bool kind_given;     /* `kind` was written in the model */
    bool type_known;     /* type is in the catalogue (set by the builder) */
    tm_boundary *boundary; /* innermost boundary; NULL: outside all */
    tm_identity *identity; /* NULL: none stated */
    tm_origin origin;
    const char **libraries; /* "name@version" strings */
    size_t n_libraries;
    tm_data **data;
    size_t n_data;
    bool out_of_scope;
    const char *reason;
    const tm_node *props; /* a map (possibly empty), typed values; never NULL */
    tm_loc loc;
    size_t index;
    bool name_given;         /* `name` was written (name defaults to id otherwise) */
    bool out_of_scope_given; /* `out_of_scope` was written */
};

typedef struct {
    const char *id;
    bool id_generated;
    tm_element *from, *to;
    const char *name, *protocol, *description;
    long long port; /* 0: not stated */
    tm_data **data;
    size_t n_data;
    tm_tri authenticated, encrypted;
    tm_authz authorization;
    bool trigger, bidirectional;
    const tm_node *props; /* never NULL */
    tm_loc loc;
    size_t index;
    bool trigger_given, bidirectional_given; /* the key was written */
} tm_flow;

typedef enum {
    TM_ART_DEPLOYMENT_SCRIPT,
    TM_ART_CI_CONFIG,
    TM_ART_LIBRARY,
    TM_ART_SDK,
    TM_ART_PLUGIN,
    TM_ART_CONFIG,
    TM_ART_CREDENTIAL,
    TM_ART_OTHER
} tm_artifact_type;

typedef struct {
    const char *id, *name, *type_name, *description;
    tm_artifact_type type;
    const char *path;          /* as written, relative to the model file */
    const char *resolved_path; /* path joined with the model file's folder; NULL if no path */
    const char *version;
    tm_origin origin;
    const char *owner;
    const char **defines; /* ids of elements/identities it creates */
    size_t n_defines;
    const tm_node *props; /* never NULL */
    tm_loc loc;
    size_t index;
    bool name_given; /* `name` was written (name defaults to id otherwise) */
    bool path_exists; /* resolved_path named an existing file or folder at load time */
} tm_artifact;

typedef struct {
    const char *id; /* may be NULL */
    const char *text;
    tm_loc loc;
} tm_assumption;

typedef struct {
    const char *pattern; /* threat id, '*' matches any run of non-'@' characters */
    tm_status status;
    const char *justification, *owner, *ticket, *date;
    tm_loc loc;
} tm_decision;

typedef struct {
    const char *name, *description, *owner, *version, *date;
    const char **reviewers;
    size_t n_reviewers;
    tm_loc loc;
} tm_system;

/* What an id in the model names. */
typedef enum {
    TM_REF_DATA,
    TM_REF_BOUNDARY,
    TM_REF_ELEMENT,
    TM_REF_FLOW,
    TM_REF_IDENTITY,
    TM_REF_ARTIFACT,
    TM_REF_ASSUMPTION
} tm_ref_kind;

typedef struct {
    tm_ref_kind kind;
    void *ptr;
    tm_loc loc; /* where the id is written (the flow's position for generated ids) */
} tm_ref;

struct tm_model {
    tm_arena *arena;
    const char *source;     /* path of the main model file, as given */
    const char *source_dir; /* its folder ("." when none) */
    long long format_version;
    tm_system system;
    tm_data **data;
    size_t n_data;
    tm_boundary **boundaries;
    size_t n_boundaries;
    tm_element **elements;
    size_t n_elements;
    tm_flow **flows;
    size_t n_flows;
    tm_identity **identities;
    size_t n_identities;
    tm_artifact **artifacts;
    size_t n_artifacts;
    tm_assumption **assumptions;
    size_t n_assumptions;
    tm_decision **decisions;
    size_t n_decisions;
    const char **includes; /* as written in the main file */
    size_t n_includes;
    /* Every file the model was read from: the main file, then each included
     * file (nested ones too) as it was opened (relative to the current
     * folder, or absolute). What `report --watch` watches. */
    const char **files;
    size_t n_files;
    tm_map *ids; /* id -> tm_ref* for every id in the model */
};

/* Look up any id; NULL when absent. */
const tm_ref *tm_model_find(const tm_model *m, const char *id);
tm_element *tm_model_element(const tm_model *m, const char *id);
tm_boundary *tm_model_boundary(const tm_model *m, const char *id);
tm_identity *tm_model_identity(const tm_model *m, const char *id);

/* One IAM statement as a model tree (`sid`, `effect`, `actions`, ... in
 * MODEL.md order, keys absent when empty). With `positions`, every node sits
 * at the statement's location (conditions at their own), so that an importer
 * emitting it keeps diagnostics and evidence pointing into its file. Owned by
 * `arena`. */
tm_node *tm_statement_tree(tm_arena *arena, const tm_statement *st, bool positions);

/* 1 when boundary b is e's boundary or one of its ancestors. */
int tm_boundary_contains(const tm_boundary *b, const tm_element *e);

/* Names of the enum values as written in models. */
const char *tm_class_name(tm_class c);
const char *tm_kind_name(tm_kind k);
const char *tm_origin_name(tm_origin o);
const char *tm_authz_name(tm_authz a);
const char *tm_status_name(tm_status s);
const char *tm_artifact_type_name(tm_artifact_type t);
int tm_class_parse(const char *s, tm_class *out);
int tm_status_parse(const char *s, tm_status *out);

/* Highest classification among data[0..n). */
tm_class tm_data_max_class(tm_data *const *data, size_t n);

/* Prop lookup on an element/flow props map: NULL when absent. */
const tm_node *tm_prop(const tm_node *props, const char *key);

/* ---- added by the model builder (model.c) ---- */
int tm_kind_parse(const char *s, tm_kind *out);
int tm_origin_parse(const char *s, tm_origin *out);
int tm_authz_parse(const char *s, tm_authz *out);
int tm_artifact_type_parse(const char *s, tm_artifact_type *out);
/* "data asset", "boundary", "element", "flow", "identity", "artifact", "assumption". */
const char *tm_ref_kind_name(tm_ref_kind k);


/* 1 when a review decision's id pattern matches a threat id: '*' matches
 * any run (possibly empty) of characters other than '@'; the rest literally. */
int tm_threat_pattern_match(const char *pattern, const char *threat_id);

/* ============================================================ catalogue */

/* The type catalogue: the built-in one (share/stridec/types.yaml compiled in),
 * or one read from a file. NULL on error (diagnostics in d). Caller frees. */
tm_catalog *tm_catalog_builtin(tm_diags *d);
tm_catalog *tm_catalog_load(const char *path, tm_diags *d);
void tm_catalog_free(tm_catalog *c);

typedef struct {
    const char *name;     /* "aws.lambda" */
    const char *label;    /* "AWS Lambda" */
    const char *provider; /* "aws", "" for generic types */
    tm_kind kind;
    bool managed;         /* a managed cloud service: has a management plane */
    bool event_source;    /* can trigger functions (S3, SQS, SNS, SES, EventBridge, ...) */
    const char *event_fields; /* for event sources: fields to validate ("event name, object key") */
    const char **provider_secures; /* shared responsibility: what the provider secures */
    size_t n_provider_secures;
    const char **customer_secures; /* ... and what the customer must */
    size_t n_customer_secures;
    const char **entry_points; /* implicit entry points, e.g. "AWS console", "AWS CLI", "AWS SDK" */
    size_t n_entry_points;
    const char **monitor; /* control-plane operations to alert on */
    size_t n_monitor;
    tm_loc loc;
} tm_type_info;

/* A family of types by name prefix ("ci." jobs run: a process): a type
 * that is not in the catalogue but starts with the prefix has that kind. */
typedef struct {
    const char *prefix;
    tm_kind kind;
    tm_loc loc;
} tm_type_family;

struct tm_catalog {
    tm_arena *arena;
    tm_type_info **types; /* in file order */
    size_t n_types;
    const char **names; /* the types' names, file order (for "did you mean") */
    tm_type_family *families;
    size_t n_families;
    tm_map *by_name;
};

const tm_type_info *tm_catalog_find(const tm_catalog *c, const char *type);
/* The DFD kind of a type: from its entry, else from a family it belongs to.
 * 1 and *out set when the catalogue knows the type, else 0. */
int tm_catalog_kind(const tm_catalog *c, const char *type, tm_kind *out);

#endif
