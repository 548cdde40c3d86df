/*
 * What changed between two analysed models (stridec diff): the model's
 * items (system, data, boundaries, elements, flows, identities, artifacts,
 * assumptions, review decisions) added, removed or changed, with the facts
 * that changed, and the threats that are new, gone or changed.
 *
 * Items are compared on the canonical tree (tm_model_to_tree), so the same
 * model written in YAML, JSON or XML gives no differences, and key order in
 * props does not matter. Items are matched by id (flows by their effective
 * id, generated ones included; assumptions without an id by their text;
 * review decisions by their id pattern); threats by their stable id
 * RULE@TARGET.
 *
 * Order (deterministic): items by kind in the order above; within a kind,
 * the added ones in NEW's order, then the removed ones in OLD's order, then
 * the changed ones in NEW's order. Threats likewise: new (NEW's analysis
 * order), gone (OLD's), changed (NEW's).
 */
#ifndef STRIDEC_ENGINE_DIFF_H
#define STRIDEC_ENGINE_DIFF_H

#include "stridec/analysis.h"

typedef enum { TM_DIFF_ADDED, TM_DIFF_REMOVED, TM_DIFF_CHANGED } tm_diff_op;

typedef enum {
    TM_DIFF_SYSTEM,
    TM_DIFF_DATA,
    TM_DIFF_BOUNDARY,
    TM_DIFF_ELEMENT,
    TM_DIFF_FLOW,
    TM_DIFF_IDENTITY,
    TM_DIFF_ARTIFACT,
    TM_DIFF_ASSUMPTION,
    TM_DIFF_DECISION,
    TM_DIFF_KIND_COUNT
} tm_diff_kind;

/* One changed fact. `path` is the key path inside the item
 * ("type", "props.public_read", "statements[1].actions"); a value is NULL
 * when the key is absent on that side. Threat facts use the paths
 * "title", "severity", "likelihood", "impact", "stride" and "status",
 * with string values. */
typedef struct {
    const char *path;
    const tm_node *old_value, *new_value;
} tm_diff_field;

typedef struct {
    tm_diff_op op;
    tm_diff_kind kind;
    const char *id; /* the item's id (an id-less assumption: its text; system: "system") */
    const tm_node *old_item, *new_item; /* canonical trees; NULL on the side it is absent */
    tm_loc loc; /* in NEW (added, changed) or OLD (removed); file NULL: the model's source */
    tm_diff_field *fields; /* changed only */
    size_t n_fields;
} tm_diff_item;

typedef struct {
    tm_diff_op op; /* ADDED: a new threat; REMOVED: a gone one; CHANGED */
    const tm_threat *old_threat, *new_threat; /* NULL on the side it is absent */
    tm_diff_field *fields; /* changed only */
    size_t n_fields;
} tm_diff_threat;

typedef struct {
    const tm_analysis *old_a, *new_a;
    tm_arena *arena;
    tm_diff_item *items;
    size_t n_items;
    tm_diff_threat *threats;
    size_t n_threats;
    /* summary */
    size_t items_by_op[3];
    size_t items_by_kind_op[TM_DIFF_KIND_COUNT][3];
    size_t threats_by_op[3];
    size_t new_by_severity[TM_SEV_COUNT];  /* new threats */
    size_t gone_by_severity[TM_SEV_COUNT]; /* gone threats, by their OLD severity */
    size_t severity_raised, severity_lowered, status_changed, title_changed, other_changed;
} tm_diff;

/* Compare two analyses. Both (and their models) must outlive the diff.
 * Never fails. Caller frees with tm_diff_free. */
tm_diff *tm_diff_new(const tm_analysis *old_a, const tm_analysis *new_a);
void tm_diff_free(tm_diff *df);

/* 1 when nothing differs. */
int tm_diff_is_empty(const tm_diff *df);

/* Open threats (open or in-progress) at or above `min` in NEW that were not
 * open at or above `min` in OLD: new ones, reopened ones and ones raised
 * into the range. What a change introduces (the --fail-on gate). */
size_t tm_diff_introduced(const tm_diff *df, tm_severity min);

/* 1 when threat t (of NEW) is introduced at `min` in the sense above. */
int tm_diff_threat_introduced(const tm_diff *df, const tm_diff_threat *t, tm_severity min);

const char *tm_diff_op_name(tm_diff_op op);     /* "added", "removed", "changed" */
const char *tm_diff_kind_name(tm_diff_kind k);  /* "element", "data", ... */
const char *tm_diff_kind_plural(tm_diff_kind k); /* "elements", "data", ... */

#endif
