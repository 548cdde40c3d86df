/*
 * The stridec model: a validated, read-only description of one system
 * (shared/MODEL.md). Opaque here; the struct bodies live in
 * src/load/model_impl.h for the engine and the renderers.
 */
#ifndef STRIDEC_MODEL_H
#define STRIDEC_MODEL_H

#include "core.h"
#include "doc.h"

#define TM_MODEL_VERSION 1

typedef struct tm_model tm_model;

typedef struct {
    tm_read_limits limits;
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

#endif
