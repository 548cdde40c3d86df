/* Engine-internal passes, called by tm_analyze (stride.c) in this order. */
#ifndef STRIDEC_ENGINE_H
#define STRIDEC_ENGINE_H

#include "stridec/analysis.h"
#include "engine/expr.h"

/* IAM facts for every identity (iam.c): users, wildcards, privilege escalation. */
void tm_iam_analyze(tm_analysis *a);

/* Evidence for a threat on an identity: the deciding statements of the
 * identity facts its rule's condition reads (iam.c). */
void tm_iam_threat_evidence(tm_analysis *a, tm_threat *t);

/* Does an IAM action pattern (with * and ?) grant `action`? Case-insensitive
 * on the service prefix and action name, as IAM is. */
int tm_iam_action_matches(const char *pattern, const char *action);

/* ---- secrets.c: secret scan of deployment scripts, CI configs, config
 * and credential artifacts (the seed's "Reason 1. CI/CD") ---- */

/* Scan every scannable artifact with a resolved path; fills scanned,
 * scan_error and secrets of a->artifacts. Never fails the run. */
void tm_secrets_analyze(tm_analysis *a);

/* Scan text (len bytes, may hold NULs) shown as `file`; the findings (kind,
 * file, line, col, masked value; never the raw value) go to *out, an array
 * owned by `ar`. Returns their number. */
size_t tm_secrets_scan(tm_arena *ar, const char *file, const char *text, size_t len,
                       tm_secret **out);

/* Evidence for a threat of rule r on artifact art: "file:line:col: kind
 * masked" for each finding that satisfies r's condition on its own, or for
 * every finding when none does alone (owned by a's arena). */
const char **tm_secrets_evidence(tm_analysis *a, const tm_rule *r, const tm_artifact *art,
                                 size_t *n);

/* Threats of rules whose id starts with this prefix, raised on an artifact,
 * carry the artifact's secrets as evidence. */
#define TM_SECRET_RULE_PREFIX "CICD-SECRET"

/* ---- osv.c: third-party libraries: pinning and OSV advisories ---- */

/* Split "name@version" ("@scope/name@1.2.3" keeps its scope): the name's
 * length, and the version or NULL. */
void tm_library_split(const char *spec, size_t *name_len, const char **version);
/* 1 when v is an exact version (1.2.3, v2.0.1-rc.1, 1.43), not a range or tag. */
int tm_version_pinned(const char *v);
/* Semver-style comparison (release numbers, then pre-release precedence; a
 * pre-release sorts before its release; build metadata ignored): <0, 0, >0. */
int tm_version_compare(const char *a, const char *b);

/* Library/sdk/plugin artifacts without a pinned version: fills unpinned. */
void tm_libs_analyze(tm_analysis *a);
/* Read the OSV advisories of opts->advisory_dirs and match every pinned
 * name@version of the model: fills a->advisories. Malformed files are
 * warnings (file:line:col) in d. */
void tm_osv_analyze(tm_analysis *a, const tm_analyze_opts *opts, tm_diags *d);

/* Parse one OSV record from JSON text (tests, fuzzing) and count how many of
 * the name@version specs it affects; -1 when malformed (a warning in d). */
int tm_osv_match_text(const char *file, const char *text, size_t len, const char *const *libs,
                      size_t n_libs, tm_diags *d);

/* Native rules: rules without a condition (when == NULL), decided in C
 * because the rule language cannot see what they test (advisories). Static
 * storage; tm_analyze runs them after the rule library unless the library
 * already has a rule with the same id. */
int tm_native_rule_holds(const tm_rule *r, const tm_eval_ctx *ctx);

/* Attach what an engine pass found to a threat just raised: the secrets of
 * an artifact for CICD-SECRET* rules, the advisory matches (evidence, and
 * their ids in the title) for SUPPLY-ADVISORY*. */
void tm_threat_annotate(tm_analysis *a, tm_threat *t);

#endif
