/*
 * The development corpus (tests/samples/README.md): 35 real public templates,
 * each with what a reviewer draws and finds in it (NAME.expect.yaml). Every
 * template is imported as `stridec import` imports it (tm_read_import, then
 * tm_import_tree and tm_model_build); the imported elements and flows are
 * matched with the reviewer's and a table of recall and precision is printed
 * (tests/tools/samples.sh prints it alone).
 *
 * What is asserted:
 *   - every expectation is well formed (known keys, the vocabularies of the
 *     README, catalogue types, refs that exist, one entry per ordered pair);
 *   - every template imports (or fails with the error its expectation names),
 *     with the importer the expectation names;
 *   - a sample marked `exact: true` matches exactly: every required element
 *     and flow found, no unexpected flow;
 *   - the overall flow recall is at least S_MIN_RECALL_PERMILLE.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/import.h"
#include "stridec/model.h"
#include "testutil.h"

#define S_DIR "tests/samples"

/*
 * The ratchet: the overall flow recall (required flows found / required
 * flows, in thousandths) must not fall below this. It is the figure measured
 * when the corpus was written (before the importer rework of issue 12); raise
 * it to the new figure whenever the importers improve, so that what has been
 * gained stays gained. Issue 12's target is 900.
 */
#define S_MIN_RECALL_PERMILLE 757

#define S_MAX_SAMPLES 64
#define S_MAX_ITEMS 64

/* ------------------------------------------------------------- helpers */

/* `s` folded to lower-case ASCII letters and digits (ids and names compare so). */
static const char *S_fold(tm_arena *a, const char *s)
{
    size_t n = strlen(s);
    char *o = tm_arena_alloc(a, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            o[k++] = c;
    }
    o[k] = 0;
    return o;
}

/* Problems found in one expectation file, or in the import of its sample. */
typedef struct {
    tm_buf msgs;
    size_t n;
} S_problems;

static void S_problem(S_problems *p, const char *file, const tm_node *at, const char *fmt, ...)
    TM_PRINTF(4, 5);
static void S_problem(S_problems *p, const char *file, const tm_node *at, const char *fmt, ...)
{
    if (at)
        tm_buf_printf(&p->msgs, "%s:%u:%u: ", file, (unsigned)at->line, (unsigned)at->col);
    else
        tm_buf_printf(&p->msgs, "%s: ", file);
    va_list ap;
    va_start(ap, fmt);
    tm_buf_vprintf(&p->msgs, fmt, ap);
    va_end(ap);
    tm_buf_putc(&p->msgs, '\n');
    p->n++;
}

/* The backquoted first cells of the README table whose header row is
 * `header` (one vocabulary: a list of names exists once, there). */
static size_t S_vocabulary(const char *readme, const char *header, const char **out, size_t max,
                           tm_arena *a)
{
    const char *p = strstr(readme, header);
    ck_assert_msg(p != NULL, "README.md has no table '%s'", header);
    size_t n = 0;
    p = strchr(p, '\n');
    while (p && p[1] == '|') {
        p++;
        const char *tick = p[2] == '`' ? p + 3 : NULL;
        const char *end = tick ? strchr(tick, '`') : NULL;
        if (tick && end && n < max)
            out[n++] = tm_arena_strndup(a, tick, (size_t)(end - tick));
        p = strchr(p, '\n');
    }
    return n;
}

static int S_in(const char *s, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, set[i]) == 0)
            return 1;
    return 0;
}

/* ---------------------------------------------------------- expectations */

typedef struct {
    const char *ref, *type, *note;
    const char *folded[S_MAX_ITEMS]; /* ref and also */
    size_t n_folded;
    int optional, by_type;
    tm_kind kind;
    const tm_element *match;
} S_elem;

typedef struct {
    size_t from, to; /* indexes into the elements */
    int optional, either, trigger, trigger_given;
    int found;
    const tm_flow *direct; /* the imported flow that matched it directly */
} S_flow;

typedef struct {
    const char *name; /* NAME.expect.yaml */
    const char *sample, *importer, *error, *known_issue;
    int import_ok, exact;
    S_elem elems[S_MAX_ITEMS];
    size_t n_elems;
    S_flow flows[S_MAX_ITEMS];
    size_t n_flows;
    const char *idents[S_MAX_ITEMS][S_MAX_ITEMS / 8]; /* folded ref and also */
    size_t n_ident_names[S_MAX_ITEMS];
    size_t n_idents;
    size_t n_weaknesses, n_not_findings;
} S_expect;

typedef struct {
    const char **why, **kinds;
    size_t n_why, n_kinds;
    const tm_catalog *cat;
} S_vocab;

static const char *const S_top_keys[] = {
    "sample",   "importer",   "import",     "error",      "exact",       "known_issue",
    "summary",  "elements",   "identities", "flows",      "weaknesses",  "not_findings"};
static const char *const S_elem_keys[] = {"ref", "type", "also", "optional", "by_type", "note"};
static const char *const S_ident_keys[] = {"ref", "also", "note"};
static const char *const S_flow_keys[] = {"from", "to",       "why",  "trigger",
                                          "dir",  "optional", "name", "note"};
static const char *const S_weak_keys[] = {"target", "also_targets", "kind", "also_kinds",
                                          "severity", "why",        "since", "class"};
static const char *const S_not_keys[] = {"target", "also_targets", "kind", "why",
                                         "allowed_up_to"};
static const char *const S_severities[] = {"low", "medium", "high", "critical"};
static const char *const S_importers[] = {"cloudformation", "sam", "serverless", "terraform"};

#define S_N(a) (sizeof(a) / sizeof((a)[0]))

static void S_known_keys(S_problems *p, const char *f, const tm_node *map,
                         const char *const *keys, size_t n, const char *what)
{
    for (size_t i = 0; i < map->n; i++)
        if (!S_in(map->pairs[i].key, keys, n))
            S_problem(p, f, map->pairs[i].value, "unknown key '%s' in %s", map->pairs[i].key,
                      what);
}

/* A string value (NULL when absent; a problem when it is not a scalar). */
static const char *S_text(S_problems *p, const char *f, const tm_node *map, const char *key,
                          int required)
{
    const tm_node *v = tm_node_get(map, key);
    if (!v) {
        if (required)
            S_problem(p, f, map, "missing '%s'", key);
        return NULL;
    }
    if (v->kind != TM_NODE_SCALAR || v->stype == TM_SCALAR_NULL) {
        S_problem(p, f, v, "'%s' must be text", key);
        return NULL;
    }
    return v->text;
}

static int S_flag(S_problems *p, const char *f, const tm_node *map, const char *key, int *given)
{
    const tm_node *v = tm_node_get(map, key);
    if (given)
        *given = v != NULL;
    if (!v)
        return 0;
    if (v->kind != TM_NODE_SCALAR || v->stype != TM_SCALAR_BOOL) {
        S_problem(p, f, v, "'%s' must be true or false", key);
        return 0;
    }
    return v->bval;
}

static const tm_node *S_list(S_problems *p, const char *f, const tm_node *map, const char *key)
{
    const tm_node *v = tm_node_get(map, key);
    if (v && v->kind != TM_NODE_LIST) {
        S_problem(p, f, v, "'%s' must be a list", key);
        return NULL;
    }
    return v;
}

static long S_elem_index(const S_expect *e, const char *ref)
{
    for (size_t i = 0; i < e->n_elems; i++)
        if (strcmp(e->elems[i].ref, ref) == 0)
            return (long)i;
    return -1;
}

static int S_target_known(const S_expect *e, const char *ref, tm_arena *a)
{
    if (strcmp(ref, "model") == 0 || strcmp(ref, "artifact") == 0 || S_elem_index(e, ref) >= 0)
        return 1;
    const char *f = S_fold(a, ref);
    for (size_t i = 0; i < e->n_idents; i++)
        for (size_t k = 0; k < e->n_ident_names[i]; k++)
            if (strcmp(e->idents[i][k], f) == 0)
                return 1;
    return 0;
}

static void S_check_targets(S_problems *p, const char *f, const S_expect *e, const tm_node *w,
                            tm_arena *a)
{
    const char *t = S_text(p, f, w, "target", 1);
    if (t && !S_target_known(e, t, a))
        S_problem(p, f, w, "target '%s' is no element or identity of this file", t);
    const tm_node *also = S_list(p, f, w, "also_targets");
    for (size_t k = 0; also && k < also->n; k++)
        if (also->items[k]->kind != TM_NODE_SCALAR || !S_target_known(e, also->items[k]->text, a))
            S_problem(p, f, also->items[k], "also_targets names no element or identity");
}

static void S_check_kind(S_problems *p, const char *f, const tm_node *v, const S_vocab *voc)
{
    if (v && !S_in(v->text, voc->kinds, voc->n_kinds))
        S_problem(p, f, v, "kind '%s' is not in the README's vocabulary", v->text);
}

/* Read and check NAME.expect.yaml. */
static void S_load(S_expect *e, const char *name, const S_vocab *voc, tm_arena *a,
                   S_problems *p)
{
    memset(e, 0, sizeof *e);
    e->name = tm_arena_strdup(a, name);
    char rel[600];
    snprintf(rel, sizeof rel, "%s/%s", S_DIR, name);
    tm_diags *d = tm_diags_new();
    const tm_node *root = tm_read_file_tree(a, tu_path(rel), NULL, d);
    if (!root || root->kind != TM_NODE_MAP) {
        tm_buf b;
        tm_buf_init(&b, 0);
        tm_diags_format(d, &b);
        S_problem(p, name, NULL, "not a YAML map: %s", b.data ? b.data : "");
        tm_buf_free(&b);
        tm_diags_free(d);
        return;
    }
    tm_diags_free(d);
    const char *f = name;
    S_known_keys(p, f, root, S_top_keys, S_N(S_top_keys), "the expectation");
    e->sample = S_text(p, f, root, "sample", 1);
    e->importer = S_text(p, f, root, "importer", 1);
    if (e->importer && !S_in(e->importer, S_importers, S_N(S_importers)))
        S_problem(p, f, tm_node_get(root, "importer"), "unknown importer '%s'", e->importer);
    const char *imp = S_text(p, f, root, "import", 1);
    e->import_ok = imp && strcmp(imp, "ok") == 0;
    if (imp && !e->import_ok && strcmp(imp, "error") != 0)
        S_problem(p, f, tm_node_get(root, "import"), "import must be ok or error");
    e->error = S_text(p, f, root, "error", 0);
    if (imp && !e->import_ok && !e->error)
        S_problem(p, f, root, "import: error needs the 'error' the message must contain");
    e->exact = S_flag(p, f, root, "exact", NULL);
    e->known_issue = S_text(p, f, root, "known_issue", 0);
    if (e->known_issue && (!e->import_ok || e->exact))
        S_problem(p, f, tm_node_get(root, "known_issue"),
                  "known_issue is for a sample that should import and does not yet");
    S_text(p, f, root, "summary", 1);

    const tm_node *els = S_list(p, f, root, "elements");
    if (!els)
        S_problem(p, f, root, "missing 'elements'");
    for (size_t i = 0; els && i < els->n && e->n_elems < S_MAX_ITEMS; i++) {
        const tm_node *n = els->items[i];
        if (n->kind != TM_NODE_MAP) {
            S_problem(p, f, n, "an element must be a map");
            continue;
        }
        S_known_keys(p, f, n, S_elem_keys, S_N(S_elem_keys), "an element");
        S_elem *el = &e->elems[e->n_elems];
        el->ref = S_text(p, f, n, "ref", 1);
        el->type = S_text(p, f, n, "type", 1);
        el->note = S_text(p, f, n, "note", 0);
        el->optional = S_flag(p, f, n, "optional", NULL);
        el->by_type = S_flag(p, f, n, "by_type", NULL);
        if (!el->ref || !el->type)
            continue;
        if (S_elem_index(e, el->ref) >= 0)
            S_problem(p, f, n, "element '%s' twice", el->ref);
        const tm_type_info *ti = tm_catalog_find(voc->cat, el->type);
        if (!ti)
            S_problem(p, f, tm_node_get(n, "type"), "type '%s' is not in the catalogue",
                      el->type);
        el->kind = ti ? ti->kind : TM_KIND_PROCESS;
        el->folded[el->n_folded++] = S_fold(a, el->ref);
        const tm_node *also = S_list(p, f, n, "also");
        for (size_t k = 0; also && k < also->n && el->n_folded < S_MAX_ITEMS; k++)
            if (also->items[k]->kind == TM_NODE_SCALAR)
                el->folded[el->n_folded++] = S_fold(a, also->items[k]->text);
        e->n_elems++;
    }

    const tm_node *ids = S_list(p, f, root, "identities");
    for (size_t i = 0; ids && i < ids->n && e->n_idents < S_MAX_ITEMS; i++) {
        const tm_node *n = ids->items[i];
        if (n->kind != TM_NODE_MAP) {
            S_problem(p, f, n, "an identity must be a map");
            continue;
        }
        S_known_keys(p, f, n, S_ident_keys, S_N(S_ident_keys), "an identity");
        const char *ref = S_text(p, f, n, "ref", 1);
        if (!ref)
            continue;
        size_t k = 0;
        e->idents[e->n_idents][k++] = S_fold(a, ref);
        const tm_node *also = S_list(p, f, n, "also");
        for (size_t j = 0; also && j < also->n && k < S_MAX_ITEMS / 8; j++)
            if (also->items[j]->kind == TM_NODE_SCALAR)
                e->idents[e->n_idents][k++] = S_fold(a, also->items[j]->text);
        e->n_ident_names[e->n_idents++] = k;
    }

    const tm_node *fls = tm_node_get(root, "flows");
    if (!fls || fls->kind != TM_NODE_LIST)
        S_problem(p, f, fls ? fls : root, "'flows' must be a list (may be empty)");
    for (size_t i = 0; fls && fls->kind == TM_NODE_LIST && i < fls->n; i++) {
        const tm_node *n = fls->items[i];
        if (n->kind != TM_NODE_MAP || e->n_flows == S_MAX_ITEMS) {
            S_problem(p, f, n, "a flow must be a map (at most %d)", S_MAX_ITEMS);
            continue;
        }
        S_known_keys(p, f, n, S_flow_keys, S_N(S_flow_keys), "a flow");
        const char *from = S_text(p, f, n, "from", 1), *to = S_text(p, f, n, "to", 1);
        const char *why = S_text(p, f, n, "why", 1);
        const char *dir = S_text(p, f, n, "dir", 0);
        if (why && !S_in(why, voc->why, voc->n_why))
            S_problem(p, f, tm_node_get(n, "why"), "why '%s' is not in the README's vocabulary",
                      why);
        if (dir && strcmp(dir, "either") != 0)
            S_problem(p, f, tm_node_get(n, "dir"), "dir must be 'either'");
        long fi = from ? S_elem_index(e, from) : -1, ti = to ? S_elem_index(e, to) : -1;
        if (from && fi < 0)
            S_problem(p, f, n, "flow from '%s', which is not an element of this file", from);
        if (to && ti < 0)
            S_problem(p, f, n, "flow to '%s', which is not an element of this file", to);
        if (fi < 0 || ti < 0)
            continue;
        S_flow *fl = &e->flows[e->n_flows];
        fl->from = (size_t)fi;
        fl->to = (size_t)ti;
        fl->optional = S_flag(p, f, n, "optional", NULL);
        fl->either = dir != NULL;
        fl->trigger = S_flag(p, f, n, "trigger", &fl->trigger_given);
        for (size_t k = 0; k < e->n_flows; k++) {
            const S_flow *o = &e->flows[k];
            if ((o->from == fl->from && o->to == fl->to) ||
                ((o->either || fl->either) && o->from == fl->to && o->to == fl->from))
                S_problem(p, f, n, "a second flow %s -> %s: one entry per ordered pair", from, to);
        }
        e->n_flows++;
    }

    const tm_node *ws = S_list(p, f, root, "weaknesses");
    for (size_t i = 0; ws && i < ws->n; i++) {
        const tm_node *n = ws->items[i];
        if (n->kind != TM_NODE_MAP) {
            S_problem(p, f, n, "a weakness must be a map");
            continue;
        }
        S_known_keys(p, f, n, S_weak_keys, S_N(S_weak_keys), "a weakness");
        S_check_targets(p, f, e, n, a);
        S_text(p, f, n, "kind", 1);
        S_check_kind(p, f, tm_node_get(n, "kind"), voc);
        const tm_node *ak = S_list(p, f, n, "also_kinds");
        for (size_t k = 0; ak && k < ak->n; k++)
            S_check_kind(p, f, ak->items[k], voc);
        const char *sev = S_text(p, f, n, "severity", 1);
        if (sev && !S_in(sev, S_severities, S_N(S_severities)))
            S_problem(p, f, tm_node_get(n, "severity"), "unknown severity '%s'", sev);
        S_text(p, f, n, "why", 1);
        const char *cls = S_text(p, f, n, "class", 0);
        if (cls && strcmp(cls, "real") != 0 && strcmp(cls, "hygiene") != 0)
            S_problem(p, f, tm_node_get(n, "class"), "class must be real or hygiene");
        const char *since = S_text(p, f, n, "since", 0);
        if (since && (strlen(since) != 10 || since[4] != '-' || since[7] != '-'))
            S_problem(p, f, tm_node_get(n, "since"), "since must be a date YYYY-MM-DD");
        e->n_weaknesses++;
    }
    const tm_node *nf = S_list(p, f, root, "not_findings");
    for (size_t i = 0; nf && i < nf->n; i++) {
        const tm_node *n = nf->items[i];
        if (n->kind != TM_NODE_MAP) {
            S_problem(p, f, n, "a non-finding must be a map");
            continue;
        }
        S_known_keys(p, f, n, S_not_keys, S_N(S_not_keys), "a non-finding");
        S_check_targets(p, f, e, n, a);
        S_text(p, f, n, "kind", 1);
        S_check_kind(p, f, tm_node_get(n, "kind"), voc);
        S_text(p, f, n, "why", 1);
        const char *up = S_text(p, f, n, "allowed_up_to", 0);
        if (up && !S_in(up, S_severities, S_N(S_severities)))
            S_problem(p, f, tm_node_get(n, "allowed_up_to"), "unknown severity '%s'", up);
        e->n_not_findings++;
    }
}

/* -------------------------------------------------------------- matching */

typedef struct {
    size_t elems_req, elems_found;       /* required elements */
    size_t flows_req, flows_found;       /* required flows */
    size_t imported_pairs, tp, fp;       /* distinct imported (from, to) pairs */
    size_t trigger_checked, trigger_off; /* matched flows whose trigger was stated */
    size_t idents, idents_found;
    const char *missing; /* the first required flow not found, "from -> to" */
} S_score;

static int S_names_match(const S_elem *el, const tm_element *m, tm_arena *a)
{
    const char *id = S_fold(a, m->id), *name = S_fold(a, m->name ? m->name : m->id);
    for (size_t k = 0; k < el->n_folded; k++)
        if (strcmp(el->folded[k], id) == 0 || strcmp(el->folded[k], name) == 0)
            return 1;
    return 0;
}

/* Expected element index of imported element m, or -1. */
static long S_mapped(const S_expect *e, const tm_element *m)
{
    for (size_t i = 0; i < e->n_elems; i++)
        if (e->elems[i].match == m)
            return (long)i;
    return -1;
}

static void S_match_elements(S_expect *e, const tm_model *m, tm_arena *a)
{
    /* by name */
    for (size_t i = 0; i < e->n_elems; i++)
        for (size_t k = 0; k < m->n_elements && !e->elems[i].match; k++)
            if (S_mapped(e, m->elements[k]) < 0 && S_names_match(&e->elems[i], m->elements[k], a))
                e->elems[i].match = m->elements[k];
    /* outside parties by DFD kind, unnamed parts (by_type) by type: when
     * exactly one imported element is left that fits */
    for (size_t i = 0; i < e->n_elems; i++) {
        S_elem *el = &e->elems[i];
        if (el->match || !(el->kind == TM_KIND_EXTERNAL || el->by_type))
            continue;
        const tm_element *only = NULL;
        size_t fits = 0;
        for (size_t k = 0; k < m->n_elements; k++) {
            const tm_element *x = m->elements[k];
            if (S_mapped(e, x) >= 0)
                continue;
            int fit = el->by_type ? strcmp(x->type ? x->type : "", el->type) == 0
                                  : x->kind == TM_KIND_EXTERNAL;
            if (fit) {
                only = x;
                fits++;
            }
        }
        if (fits == 1)
            el->match = only;
    }
}

static const tm_flow *S_imported(const tm_model *m, const tm_element *from, const tm_element *to)
{
    for (size_t k = 0; k < m->n_flows; k++)
        if (m->flows[k]->from == from && m->flows[k]->to == to)
            return m->flows[k];
    return NULL;
}

static void S_match_flows(S_expect *e, const tm_model *m, S_score *sc, tm_arena *a)
{
    for (size_t i = 0; i < e->n_flows; i++) {
        S_flow *fl = &e->flows[i];
        const tm_element *f = e->elems[fl->from].match, *t = e->elems[fl->to].match;
        if (f && t) {
            fl->direct = S_imported(m, f, t);
            if (!fl->direct && fl->either)
                fl->direct = S_imported(m, t, f);
        }
        fl->found = fl->direct != NULL;
        /* or through an optional element: from -> x -> to */
        for (size_t x = 0; !fl->found && f && t && x < e->n_elems; x++)
            if (e->elems[x].optional && e->elems[x].match &&
                S_imported(m, f, e->elems[x].match) && S_imported(m, e->elems[x].match, t))
                fl->found = 1;
        if (fl->optional)
            continue;
        sc->flows_req++;
        if (fl->found)
            sc->flows_found++;
        else if (!sc->missing)
            sc->missing = tm_arena_printf(a, "%s -> %s", e->elems[fl->from].ref,
                                          e->elems[fl->to].ref);
        if (fl->direct && fl->trigger_given) {
            sc->trigger_checked++;
            if ((fl->direct->trigger != 0) != (fl->trigger != 0))
                sc->trigger_off++;
        }
    }
    /* the imported side: distinct ordered pairs */
    for (size_t k = 0; k < m->n_flows; k++) {
        const tm_flow *x = m->flows[k];
        int seen = 0;
        for (size_t j = 0; j < k && !seen; j++)
            seen = m->flows[j]->from == x->from && m->flows[j]->to == x->to;
        if (seen)
            continue;
        sc->imported_pairs++;
        long fi = S_mapped(e, x->from), ti = S_mapped(e, x->to);
        if ((fi >= 0 && e->elems[fi].optional) || (ti >= 0 && e->elems[ti].optional))
            continue; /* touches an optional part: neutral */
        int hit = -1;
        for (size_t i = 0; fi >= 0 && ti >= 0 && i < e->n_flows && hit < 0; i++) {
            const S_flow *fl = &e->flows[i];
            if ((fl->from == (size_t)fi && fl->to == (size_t)ti) ||
                (fl->either && fl->from == (size_t)ti && fl->to == (size_t)fi))
                hit = (int)i;
        }
        if (hit < 0)
            sc->fp++;
        else if (!e->flows[hit].optional)
            sc->tp++;
    }
}

static void S_match_identities(const S_expect *e, const tm_model *m, S_score *sc, tm_arena *a)
{
    for (size_t i = 0; i < e->n_idents; i++) {
        sc->idents++;
        int found = 0;
        for (size_t k = 0; k < m->n_identities && !found; k++) {
            const char *id = S_fold(a, m->identities[k]->id);
            const char *name = S_fold(a, m->identities[k]->name ? m->identities[k]->name : "");
            for (size_t j = 0; j < e->n_ident_names[i] && !found; j++)
                found = strcmp(e->idents[i][j], id) == 0 || strcmp(e->idents[i][j], name) == 0;
        }
        sc->idents_found += (size_t)found;
    }
}

/* Import the sample as `stridec import` does. NULL when it does not import
 * (the diagnostics, formatted, in *diags). */
static tm_model *S_import(const S_expect *e, tm_import_from *from, char **diags)
{
    char rel[700];
    snprintf(rel, sizeof rel, "%s/%s", S_DIR, e->sample);
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    const char *path = tm_arena_strdup(a, tu_path(rel));
    tm_node *src = tm_read_file_tree(a, path, &tm_read_import, d);
    *from = TM_IMPORT_AUTO;
    tm_node *tree = src ? tm_import_tree(a, src, path, from, d) : NULL;
    tm_model *m = tree && !tm_diags_errors(d) ? tm_model_build(tree, "sample.model.yaml", NULL, d)
                                              : NULL;
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_diags_format(d, &b);
    *diags = tm_buf_detach(&b);
    tm_diags_free(d);
    tm_arena_free(a);
    return m;
}

static size_t S_required_flows(const S_expect *e)
{
    size_t n = 0;
    for (size_t i = 0; i < e->n_flows; i++)
        n += !e->flows[i].optional;
    return n;
}

/* What did not match, for whoever works on the importers
 * (STRIDEC_SAMPLES_DETAIL=1, as tests/tools/samples.sh sets it). */
static void S_detail(const S_expect *e, const tm_model *m)
{
    for (size_t i = 0; i < e->n_elems; i++) {
        const S_elem *el = &e->elems[i];
        if (!el->match && !el->optional)
            printf("    no element for %s (%s)\n", el->ref, el->type);
        else if (el->match && strcmp(el->match->type ? el->match->type : "", el->type) != 0)
            printf("    %s is %s, the reviewer says %s\n", el->match->id,
                   el->match->type ? el->match->type : "untyped", el->type);
    }
    for (size_t i = 0; i < e->n_flows; i++) {
        const S_flow *fl = &e->flows[i];
        const char *from = e->elems[fl->from].ref, *to = e->elems[fl->to].ref;
        if (!fl->found && !fl->optional)
            printf("    no flow %s -> %s\n", from, to);
        else if (fl->direct && fl->trigger_given && (fl->direct->trigger != 0) != (fl->trigger != 0))
            printf("    flow %s -> %s: trigger %s, the reviewer says %s\n", from, to,
                   fl->direct->trigger ? "true" : "false", fl->trigger ? "true" : "false");
    }
    for (size_t k = 0; k < m->n_flows; k++) {
        const tm_flow *x = m->flows[k];
        long fi = S_mapped(e, x->from), ti = S_mapped(e, x->to);
        int known = 0;
        for (size_t i = 0; i < e->n_flows && !known; i++)
            known = ((long)e->flows[i].from == fi && (long)e->flows[i].to == ti) ||
                    (e->flows[i].either && (long)e->flows[i].from == ti &&
                     (long)e->flows[i].to == fi);
        int neutral = (fi >= 0 && e->elems[fi].optional) || (ti >= 0 && e->elems[ti].optional);
        if (!known && !neutral)
            printf("    unexpected flow %s -> %s (%s)\n", x->from->id, x->to->id,
                   x->name ? x->name : "");
    }
}

static size_t S_permille(size_t part, size_t whole)
{
    return whole ? (part * 1000 + whole / 2) / whole : 1000;
}

/* ------------------------------------------------------------------ test */

static int S_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

START_TEST(samples_import_as_a_reviewer_draws_them)
{
    tm_arena *a = tm_arena_new();
    tm_diags *cd = tm_diags_new();
    S_vocab voc;
    memset(&voc, 0, sizeof voc);
    tm_catalog *cat = tm_catalog_builtin(cd);
    ck_assert_ptr_nonnull(cat);
    voc.cat = cat;
    char *readme = tu_slurp(tu_path(S_DIR "/README.md"), NULL);
    ck_assert_ptr_nonnull(readme);
    static const char *why[S_MAX_ITEMS], *kinds[S_MAX_ITEMS];
    voc.why = why;
    voc.kinds = kinds;
    voc.n_why = S_vocabulary(readme, "| why | the template states |", why, S_MAX_ITEMS, a);
    voc.n_kinds = S_vocabulary(readme, "| kind | meaning |", kinds, S_MAX_ITEMS, a);
    ck_assert_uint_ge(voc.n_why, 10);
    ck_assert_uint_ge(voc.n_kinds, 20);

    const char *names[S_MAX_SAMPLES];
    size_t n = 0;
    DIR *dir = opendir(tu_path(S_DIR));
    ck_assert_ptr_nonnull(dir);
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        size_t k = strlen(de->d_name);
        if (k > 12 && strcmp(de->d_name + k - 12, ".expect.yaml") == 0 && n < S_MAX_SAMPLES)
            names[n++] = tm_arena_strdup(a, de->d_name);
    }
    closedir(dir);
    qsort(names, n, sizeof names[0], S_cmp);
    ck_assert_uint_eq(n, 35); /* the corpus of issue 12: one expectation per template */

    S_problems p;
    memset(&p, 0, sizeof p);
    tm_buf_init(&p.msgs, 0);
    S_score all;
    memset(&all, 0, sizeof all);
    int detail = getenv("STRIDEC_SAMPLES_DETAIL") != NULL;
    printf("\n%-56s %9s %13s %9s %6s %7s\n", "sample (tests/samples)", "elements", "flows",
           "recall", "unexp.", "precis.");
    for (size_t i = 0; i < n; i++) {
        static S_expect e;
        size_t before = p.n;
        S_load(&e, names[i], &voc, a, &p);
        if (p.n != before || !e.sample)
            continue;
        tm_import_from from;
        char *diags = NULL;
        tm_model *m = S_import(&e, &from, &diags);
        const char *base = strrchr(e.sample, '/') ? strrchr(e.sample, '/') + 1 : e.sample;
        if (!e.import_ok) {
            if (m)
                S_problem(&p, e.name, NULL, "imports, but the expectation says it must fail");
            else if (!strstr(diags, e.error))
                S_problem(&p, e.name, NULL, "fails without '%s':\n%s", e.error, diags);
            printf("%-56.56s %22s\n", base, "(invalid: not imported)");
        } else if (!m && e.known_issue) {
            printf("%-56.56s %22s\n", base, "(known issue: no import)");
            if (detail)
                printf("    known issue: %s\n%s", e.known_issue, diags);
            all.flows_req += S_required_flows(&e);
        } else if (!m) {
            S_problem(&p, e.name, NULL, "does not import:\n%s", diags);
            printf("%-56.56s %22s\n", base, "(DOES NOT IMPORT)");
            all.flows_req += S_required_flows(&e);
        } else if (e.known_issue) {
            S_problem(&p, e.name, NULL, "imports now: remove its known_issue (%s)", e.known_issue);
        }
        free(diags);
        if (!m)
            continue;
        if (strcmp(tm_import_from_name(from), e.importer) != 0)
            S_problem(&p, e.name, NULL, "imported as %s, expected %s", tm_import_from_name(from),
                      e.importer);
        S_score sc;
        memset(&sc, 0, sizeof sc);
        S_match_elements(&e, m, a);
        for (size_t k = 0; k < e.n_elems; k++)
            if (!e.elems[k].optional) {
                sc.elems_req++;
                sc.elems_found += e.elems[k].match != NULL;
            }
        S_match_flows(&e, m, &sc, a);
        S_match_identities(&e, m, &sc, a);
        char el[32], fl[32];
        snprintf(el, sizeof el, "%zu/%zu", sc.elems_found, sc.elems_req);
        snprintf(fl, sizeof fl, "%zu/%zu", sc.flows_found, sc.flows_req);
        printf("%-56.56s %9s %13s %8.1f%% %6zu %6.1f%%\n", base, el, fl,
               S_permille(sc.flows_found, sc.flows_req) / 10.0, sc.fp,
               S_permille(sc.tp, sc.tp + sc.fp) / 10.0);
        if (detail)
            S_detail(&e, m);
        if (e.exact && (sc.elems_found != sc.elems_req || sc.flows_found != sc.flows_req ||
                        sc.fp != 0))
            S_problem(&p, e.name, NULL,
                      "marked exact, but %zu/%zu elements, %zu/%zu flows (first missing: %s), "
                      "%zu unexpected",
                      sc.elems_found, sc.elems_req, sc.flows_found, sc.flows_req,
                      sc.missing ? sc.missing : "none", sc.fp);
        all.elems_req += sc.elems_req;
        all.elems_found += sc.elems_found;
        all.flows_req += sc.flows_req;
        all.flows_found += sc.flows_found;
        all.tp += sc.tp;
        all.fp += sc.fp;
        all.trigger_checked += sc.trigger_checked;
        all.trigger_off += sc.trigger_off;
        all.idents += sc.idents;
        all.idents_found += sc.idents_found;
        tm_model_free(m);
    }
    size_t recall = S_permille(all.flows_found, all.flows_req);
    printf("%-56s %9s %13s %8.1f%% %6zu %6.1f%%\n", "overall",
           tm_arena_printf(a, "%zu/%zu", all.elems_found, all.elems_req),
           tm_arena_printf(a, "%zu/%zu", all.flows_found, all.flows_req), recall / 10.0, all.fp,
           S_permille(all.tp, all.tp + all.fp) / 10.0);
    printf("identities found %zu/%zu; trigger flag as the reviewer has it on %zu/%zu matched "
           "flows; ratchet: recall >= %.1f%%\n",
           all.idents_found, all.idents, all.trigger_checked - all.trigger_off,
           all.trigger_checked, S_MIN_RECALL_PERMILLE / 10.0);
    fflush(stdout);
    if (recall < S_MIN_RECALL_PERMILLE)
        S_problem(&p, "overall", NULL, "flow recall %.1f%% is below the ratchet %.1f%%",
                  recall / 10.0, S_MIN_RECALL_PERMILLE / 10.0);
    ck_assert_msg(p.n == 0, "%zu problem(s):\n%s", p.n, p.msgs.data);
    tm_buf_free(&p.msgs);
    free(readme);
    tm_catalog_free(cat);
    tm_diags_free(cd);
    tm_arena_free(a);
}
END_TEST

/* The matcher itself: a name folds to letters and digits, an outside party
 * without a common name is matched by kind only when it is the only one. */
START_TEST(matching_rules)
{
    tm_arena *a = tm_arena_new();
    ck_assert_str_eq(S_fold(a, "SqsHandlerFunction"), S_fold(a, "sqs-handler-function"));
    ck_assert_str_eq(S_fold(a, "module.s3-bucket.aws_s3_bucket.this[0]"),
                     S_fold(a, "module.s3-bucket.aws_s3_bucket.this.0"));
    ck_assert_str_ne(S_fold(a, "Queue"), S_fold(a, "Queue1"));
    tm_diags *d = tm_diags_new();
    static const char model[] =
        "stridec: 1\nsystem: {name: t}\nelements:\n"
        "  - {id: somebody, type: user}\n  - {id: my-api, type: aws.apigateway}\n"
        "  - {id: fn, type: aws.lambda}\n  - {id: extra, type: aws.sqs}\n"
        "flows:\n  - {from: somebody, to: my-api}\n  - {from: my-api, to: fn, trigger: true}\n"
        "  - {from: fn, to: extra}\n  - {from: fn, to: extra, name: again}\n";
    tm_node *tree = tm_read_yaml(a, "m.yaml", model, sizeof model - 1, NULL, d);
    ck_assert_ptr_nonnull(tree);
    tm_model *m = tm_model_build(tree, "m.yaml", NULL, d);
    ck_assert_ptr_nonnull(m);
    static S_expect e;
    memset(&e, 0, sizeof e);
    const char *refs[] = {"internet-users", "MyApi", "Fn"};
    tm_kind kinds[] = {TM_KIND_EXTERNAL, TM_KIND_PROCESS, TM_KIND_PROCESS};
    for (size_t i = 0; i < 3; i++) {
        e.elems[i].ref = refs[i];
        e.elems[i].kind = kinds[i];
        e.elems[i].folded[e.elems[i].n_folded++] = S_fold(a, refs[i]);
    }
    e.n_elems = 3;
    e.flows[0] = (S_flow){.from = 0, .to = 1};
    e.flows[1] = (S_flow){.from = 1, .to = 2, .trigger = 1, .trigger_given = 1};
    e.flows[2] = (S_flow){.from = 2, .to = 0};
    e.n_flows = 3;
    S_match_elements(&e, m, a);
    ck_assert_str_eq(e.elems[0].match->id, "somebody"); /* the only outside party */
    ck_assert_str_eq(e.elems[1].match->id, "my-api");
    ck_assert_str_eq(e.elems[2].match->id, "fn");
    S_score sc;
    memset(&sc, 0, sizeof sc);
    S_match_flows(&e, m, &sc, a);
    ck_assert_uint_eq(sc.flows_req, 3);
    ck_assert_uint_eq(sc.flows_found, 2);
    ck_assert_str_eq(sc.missing, "Fn -> internet-users");
    ck_assert_uint_eq(sc.imported_pairs, 3); /* fn -> extra twice is one pair */
    ck_assert_uint_eq(sc.tp, 2);
    ck_assert_uint_eq(sc.fp, 1); /* fn -> extra: the reviewer has no such part */
    ck_assert_uint_eq(sc.trigger_checked, 1);
    ck_assert_uint_eq(sc.trigger_off, 0);
    tm_model_free(m);
    tm_diags_free(d);
    tm_arena_free(a);
}
END_TEST

Suite *suite_samples(void)
{
    Suite *s = suite_create("samples");
    TCase *tc = tcase_create("samples");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, samples_import_as_a_reviewer_draws_them);
    tcase_add_test(tc, matching_rules);
    suite_add_tcase(s, tc);
    return s;
}
