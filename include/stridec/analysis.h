/*
 * The STRIDE engine's public API: analyse a model with a rule library and
 * the type catalogue. Opaque here; struct bodies in src/engine/analysis_impl.h.
 */
#ifndef STRIDEC_ANALYSIS_H
#define STRIDEC_ANALYSIS_H

#include "core.h"
#include "model.h"

typedef struct tm_catalog tm_catalog;
typedef struct tm_ruleset tm_ruleset;
typedef struct tm_analysis tm_analysis;

/* The type catalogue: the built-in one (share/stridec/types.yaml compiled in),
 * or one read from a file. NULL on error (diagnostics in d). Caller frees. */
tm_catalog *tm_catalog_builtin(tm_diags *d);
tm_catalog *tm_catalog_load(const char *path, tm_diags *d);
void tm_catalog_free(tm_catalog *c);

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

#endif
