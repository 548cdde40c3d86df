/*
 * The attack-path knowledge (paths.h): share/stridec/paths/search.yaml and
 * share/stridec/paths/techniques.yaml, read through the document readers
 * and checked with doc/check's one wording; conditions and texts are parsed
 * and type-checked by the rule language (expr.c), so an error in either
 * file names its file:line:col. A file with any error gives no knowledge.
 */
#include <stddef.h>
#include <string.h>

#include "doc/check.h"
#include "engine/paths.h"
#include "stridec/doc.h"
#include "stridec/embedded.h"

#define S_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char S_search_file[] = "share/stridec/paths/search.yaml";
static const char S_tech_file[] = "share/stridec/paths/techniques.yaml";

static const char *const S_search_keys[] = {"version",       "relays",   "entries",
                                            "open",          "validates", "validates_any",
                                            "key_read",      "finding"};
static const char *const S_finding_keys[] = {"id",     "title",       "stride",     "likelihood",
                                             "impact", "description", "mitigation", "references"};
static const char *const S_key_read_keys[] = {"when", "action"};
static const char *const S_entry_keys[] = {"id", "applies_to", "when", "gives", "says", "cut"};
static const char *const S_cond_keys[] = {"when", "says", "cut"};
static const char *const S_gives_names[] = {"read", "write", "send", "assume"};
static const char *const S_entry_applies[] = {"element", "identity"};

static const char *const S_tech_top_keys[] = {"version", "source", "generated", "techniques"};
static const char *const S_tech_keys[] = {"id",        "name",     "category", "yields",
                                          "service",   "types",    "principal", "actions",
                                          "requires",  "unsupported", "break", "reference"};
static const char *const S_yields_names[] = {"passed-role", "resource-role", "target", "admin-self",
                                             "admin-target"};
static const char *const S_on_names[] = {"target", "self", "self-policy", "target-policy",
                                         "resource", "new"};
static const char *const S_principal_names[] = {"any", "user", "role"};
static const char *const S_requires_names[] = {"trust", "triggered"};
static const char *const S_action_keys[] = {"action", "on"};

typedef struct {
    tm_check c;
    tm_paths_knowledge *k;
} S_ld;

static void S_version(S_ld *l, const tm_node *root, const char *what)
{
    const tm_node *v = tm_check_require(&l->c, root, "version", what);
    long long n = 0;
    if (v && tm_check_int(&l->c, v, "version", &n) == 0 && n != 1)
        tm_check_error(&l->c, "bad-value", v, "'version' must be 1, not '%s'", v->text);
}

/* A condition for `kind`, parsed and type-checked; NULL after the error. */
static tm_expr *S_when(S_ld *l, const tm_node *n, tm_applies kind)
{
    const char *text = tm_check_string(&l->c, n, "when", TM_CHECK_NONEMPTY);
    if (!text)
        return NULL;
    tm_expr_origin o = {n->file, n->line, n->col, 0};
    tm_expr *e = tm_expr_parse(l->k->arena, text, kind, &o, l->c.d);
    if (!e)
        l->c.errors++;
    return e;
}

static const tm_expr_template *S_text(S_ld *l, const tm_node *map, const char *key,
                                      tm_applies kind, const char *what)
{
    const tm_node *n = tm_check_require(&l->c, map, key, what);
    const char *text = n ? tm_check_string(&l->c, n, key, TM_CHECK_NONEMPTY) : NULL;
    if (!text)
        return NULL;
    tm_expr_origin o = {n->file, n->line, n->col, 0};
    if (tm_expr_check_template(l->k->arena, text, kind, &o, l->c.d) != 0) {
        l->c.errors++;
        return NULL;
    }
    return tm_expr_template_compile(l->k->arena, text, kind);
}

static void S_cond(S_ld *l, const tm_node *n, tm_applies kind, const char *what,
                   tm_paths_cond *out)
{
    out->applies = kind;
    if (!tm_check_map(&l->c, n, what))
        return;
    tm_check_keys(&l->c, n, what, S_cond_keys, S_COUNT(S_cond_keys));
    const tm_node *w = tm_check_require(&l->c, n, "when", what);
    if (w)
        out->when = S_when(l, w, kind);
    out->says = S_text(l, n, "says", kind, what);
    out->cut = S_text(l, n, "cut", kind, what);
}

static void S_entry(S_ld *l, const tm_node *n, tm_entry_rule *e)
{
    const char *what = "an entry";
    if (!tm_check_map(&l->c, n, what))
        return;
    tm_check_keys(&l->c, n, what, S_entry_keys, S_COUNT(S_entry_keys));
    const tm_node *id = tm_check_require(&l->c, n, "id", what);
    if (id)
        e->id = tm_check_string(&l->c, id, "id", TM_CHECK_NONEMPTY);
    e->loc.file = n->file;
    e->loc.line = n->line;
    e->loc.col = n->col;
    const tm_node *ap = tm_check_require(&l->c, n, "applies_to", what);
    int applies = ap ? tm_check_enum(&l->c, ap, "applies_to", S_entry_applies,
                                     S_COUNT(S_entry_applies))
                     : -1;
    tm_applies kind = applies == 1 ? TM_APPLIES_IDENTITY : TM_APPLIES_ELEMENT;
    const tm_node *g = tm_check_require(&l->c, n, "gives", what);
    int gives = g ? tm_check_enum(&l->c, g, "gives", S_gives_names, S_COUNT(S_gives_names)) : -1;
    if (gives >= 0) {
        e->gives = (tm_entry_gives)gives;
        if (applies >= 0 && (gives == TM_GIVES_ASSUME) != (kind == TM_APPLIES_IDENTITY))
            tm_check_error(&l->c, "bad-value", g,
                           "'gives' must be %s for an entry that applies to %s",
                           kind == TM_APPLIES_IDENTITY ? "assume" : "read, write or send",
                           S_entry_applies[applies]);
    }
    if (applies < 0)
        return;
    e->cond.applies = kind;
    const tm_node *w = tm_check_require(&l->c, n, "when", what);
    if (w)
        e->cond.when = S_when(l, w, kind);
    e->cond.says = S_text(l, n, "says", kind, what);
    e->cond.cut = S_text(l, n, "cut", kind, what);
}

static int S_action_ok(const char *a)
{
    const char *colon = strchr(a, ':');
    return colon && colon > a && colon[1] && !strchr(colon + 1, ':');
}

static void S_finding(S_ld *l, const tm_node *n)
{
    const char *what = "'finding'";
    tm_rule *r = &l->k->finding;
    if (!tm_check_map(&l->c, n, what))
        return;
    tm_check_keys(&l->c, n, what, S_finding_keys, sizeof S_finding_keys / sizeof *S_finding_keys);
    r->loc.file = n->file;
    r->loc.line = n->line;
    r->loc.col = n->col;
    const tm_node *id = tm_check_require(&l->c, n, "id", what);
    if (id) {
        r->id = tm_check_string(&l->c, id, "id", TM_CHECK_NONEMPTY);
        r->loc.line = id->line; /* the rule's `id:` line (SARIF helpUri) */
    }
    static const char *const texts[] = {"title", "description", "mitigation"};
    const char **dst[] = {&r->title, &r->description, &r->mitigation};
    for (size_t i = 0; i < 3; i++) {
        const tm_node *v = tm_check_require(&l->c, n, texts[i], what);
        if (v)
            *dst[i] = tm_check_string(&l->c, v, texts[i], TM_CHECK_NONEMPTY);
    }
    const tm_node *st = tm_check_require(&l->c, n, "stride", what);
    int ok = 1;
    size_t nl = 0;
    const char **letters = st ? tm_check_strings(&l->c, st, "stride", TM_CHECK_NONEMPTY, &nl, NULL,
                                                 &ok)
                              : NULL;
    for (size_t i = 0; i < nl; i++) {
        const char *p = strchr(TM_STRIDE_LETTERS, letters[i][0]);
        if (!p || letters[i][1])
            tm_check_error(&l->c, "bad-value", st, "'stride' holds S, T, R, I, D or E, not '%s'",
                           letters[i]);
        else
            r->stride |= 1u << (p - TM_STRIDE_LETTERS);
    }
    const tm_node *lk = tm_check_require(&l->c, n, "likelihood", what);
    const char *ls = lk ? tm_check_string(&l->c, lk, "likelihood", TM_CHECK_NONEMPTY) : NULL;
    if (ls && tm_likelihood_parse(ls, &r->likelihood) != 0)
        tm_check_error(&l->c, "bad-value", lk, "'likelihood' must be one of unlikely, likely, "
                                              "very-likely or frequent, not '%s'", ls);
    const tm_node *im = tm_check_require(&l->c, n, "impact", what);
    const char *is = im ? tm_check_string(&l->c, im, "impact", TM_CHECK_NONEMPTY) : NULL;
    if (is && tm_impact_parse(is, &r->impact) != 0)
        tm_check_error(&l->c, "bad-value", im, "'impact' must be one of low, medium, high or "
                                              "very-high, not '%s'", is);
    const tm_node *refs = tm_node_get(n, "references");
    if (refs)
        r->references = tm_check_strings(&l->c, refs, "references", TM_CHECK_NONEMPTY,
                                         &r->n_references, NULL, &ok);
    r->applies_to = TM_APPLIES_MODEL;
    r->when_text = "the attack-path search finds a path (share/stridec/doc/attack-paths.md)";
    r->builtin = true;
}

static void S_search(S_ld *l, const tm_node *root)
{
    tm_paths_knowledge *k = l->k;
    if (!tm_check_map(&l->c, root, "the attack-path search file"))
        return;
    tm_check_keys(&l->c, root, NULL, S_search_keys, S_COUNT(S_search_keys));
    S_version(l, root, "the attack-path search file");
    const tm_node *rel = tm_check_require(&l->c, root, "relays", "the attack-path search file");
    int ok = 1;
    if (rel)
        k->relays = tm_check_strings(&l->c, rel, "relays", TM_CHECK_NONEMPTY, &k->n_relays, NULL,
                                     &ok);
    const tm_node *en = tm_check_require(&l->c, root, "entries", "the attack-path search file");
    if (en && tm_check_list(&l->c, en, "'entries'")) {
        k->entries = tm_arena_array(k->arena, en->n + 1, sizeof *k->entries);
        k->n_entries = en->n;
        for (size_t i = 0; i < en->n; i++) {
            S_entry(l, en->items[i], &k->entries[i]);
            for (size_t j = 0; j < i; j++)
                if (k->entries[i].id && k->entries[j].id &&
                    strcmp(k->entries[i].id, k->entries[j].id) == 0)
                    tm_check_error(&l->c, "bad-value", en->items[i],
                                   "entry '%s' is defined twice", k->entries[i].id);
        }
    }
    static const struct {
        const char *key;
        tm_applies kind;
        size_t off;
    } conds[] = {
        {"open", TM_APPLIES_FLOW, offsetof(tm_paths_knowledge, open)},
        {"validates", TM_APPLIES_FLOW, offsetof(tm_paths_knowledge, validates)},
        {"validates_any", TM_APPLIES_ELEMENT, offsetof(tm_paths_knowledge, validates_any)},
    };
    for (size_t i = 0; i < S_COUNT(conds); i++) {
        const tm_node *n =
            tm_check_require(&l->c, root, conds[i].key, "the attack-path search file");
        if (n)
            S_cond(l, n, conds[i].kind, tm_arena_printf(k->arena, "'%s'", conds[i].key),
                   (tm_paths_cond *)((char *)k + conds[i].off));
    }
    const tm_node *fd = tm_check_require(&l->c, root, "finding", "the attack-path search file");
    if (fd)
        S_finding(l, fd);
    const tm_node *kr = tm_check_require(&l->c, root, "key_read", "the attack-path search file");
    if (kr && tm_check_map(&l->c, kr, "'key_read'")) {
        tm_check_keys(&l->c, kr, "'key_read'", S_key_read_keys, S_COUNT(S_key_read_keys));
        const tm_node *w = tm_check_require(&l->c, kr, "when", "'key_read'");
        if (w)
            k->key_read = S_when(l, w, TM_APPLIES_ELEMENT);
        const tm_node *a = tm_check_require(&l->c, kr, "action", "'key_read'");
        if (a && (k->key_read_action = tm_check_string(&l->c, a, "action", TM_CHECK_NONEMPTY)) &&
            !S_action_ok(k->key_read_action))
            tm_check_error(&l->c, "bad-value", a, "'action' must be SERVICE:Action, not '%s'",
                           k->key_read_action);
    }
}

/* ----------------------------------------------------------- techniques */

static const char *S_req_str(S_ld *l, const tm_node *map, const char *key, const char *what)
{
    const tm_node *n = tm_check_require(&l->c, map, key, what);
    return n ? tm_check_string(&l->c, n, key, TM_CHECK_NONEMPTY) : NULL;
}

static void S_technique(S_ld *l, const tm_node *n, tm_technique *t)
{
    const char *what = "a technique";
    if (!tm_check_map(&l->c, n, what))
        return;
    tm_check_keys(&l->c, n, what, S_tech_keys, S_COUNT(S_tech_keys));
    t->loc.file = n->file;
    t->loc.line = n->line;
    t->loc.col = n->col;
    t->id = S_req_str(l, n, "id", what);
    t->name = S_req_str(l, n, "name", what);
    t->category = S_req_str(l, n, "category", what);
    t->cut = S_req_str(l, n, "break", what);
    t->reference = S_req_str(l, n, "reference", what);
    const tm_node *y = tm_check_require(&l->c, n, "yields", what);
    int yields =
        y ? tm_check_enum(&l->c, y, "yields", S_yields_names, S_COUNT(S_yields_names)) : -1;
    if (yields >= 0)
        t->yields = (tm_tech_yields)yields;
    const tm_node *v;
    if ((v = tm_node_get(n, "service")))
        t->service = tm_check_string(&l->c, v, "service", TM_CHECK_NONEMPTY);
    if ((v = tm_node_get(n, "unsupported")))
        t->unsupported = tm_check_string(&l->c, v, "unsupported", TM_CHECK_NONEMPTY);
    int ok = 1;
    if ((v = tm_node_get(n, "types")))
        t->types = tm_check_strings(&l->c, v, "types", TM_CHECK_NONEMPTY, &t->n_types, NULL, &ok);
    if ((v = tm_node_get(n, "principal"))) {
        int p = tm_check_enum(&l->c, v, "principal", S_principal_names, S_COUNT(S_principal_names));
        if (p >= 0)
            t->principal = (tm_tech_principal)p;
    }
    if ((v = tm_node_get(n, "requires")) && tm_check_list(&l->c, v, "'requires'")) {
        for (size_t i = 0; i < v->n; i++) {
            int r = tm_check_enum(&l->c, v->items[i], "requires", S_requires_names,
                                  S_COUNT(S_requires_names));
            if (r == 0)
                t->requires_trust = true;
            else if (r == 1)
                t->requires_triggered = true;
        }
    }
    if (yields == TM_TECH_PASSED_ROLE && !t->service)
        tm_check_error(&l->c, "missing-key", n, "missing required key 'service' in %s", what);
    if (yields == TM_TECH_RESOURCE_ROLE && !t->n_types)
        tm_check_error(&l->c, "missing-key", n, "missing required key 'types' in %s", what);
    const tm_node *acts = tm_check_require(&l->c, n, "actions", what);
    if (!acts || !tm_check_list(&l->c, acts, "'actions'"))
        return;
    if (!acts->n)
        tm_check_error(&l->c, "bad-value", acts, "'actions' must not be empty");
    t->actions = tm_arena_array(l->k->arena, acts->n + 1, sizeof *t->actions);
    for (size_t i = 0; i < acts->n; i++) {
        const tm_node *a = acts->items[i];
        if (!tm_check_map(&l->c, a, "an action"))
            continue;
        tm_check_keys(&l->c, a, "an action", S_action_keys, S_COUNT(S_action_keys));
        const char *name = S_req_str(l, a, "action", "an action");
        const tm_node *on = tm_check_require(&l->c, a, "on", "an action");
        int o = on ? tm_check_enum(&l->c, on, "on", S_on_names, S_COUNT(S_on_names)) : -1;
        if (!name || o < 0)
            continue;
        if (!S_action_ok(name)) {
            tm_check_error(&l->c, "bad-value", tm_node_get(a, "action"),
                           "'action' must be SERVICE:Action, not '%s'", name);
            continue;
        }
        t->actions[t->n_actions].action = name;
        t->actions[t->n_actions].on = (tm_tech_on)o;
        t->n_actions++;
    }
}

static void S_techniques(S_ld *l, const tm_node *root)
{
    tm_paths_knowledge *k = l->k;
    const char *what = "the techniques file";
    if (!tm_check_map(&l->c, root, what))
        return;
    tm_check_keys(&l->c, root, NULL, S_tech_top_keys, S_COUNT(S_tech_top_keys));
    S_version(l, root, what);
    const char *src = S_req_str(l, root, "source", what);
    const char *gen = S_req_str(l, root, "generated", what);
    if (src && gen)
        k->techniques_source = tm_arena_printf(k->arena, "%s, generated %s", src, gen);
    const tm_node *ts = tm_check_require(&l->c, root, "techniques", what);
    if (!ts || !tm_check_list(&l->c, ts, "'techniques'"))
        return;
    k->techniques = tm_arena_array(k->arena, ts->n + 1, sizeof *k->techniques);
    k->n_techniques = ts->n;
    for (size_t i = 0; i < ts->n; i++) {
        S_technique(l, ts->items[i], &k->techniques[i]);
        for (size_t j = 0; j < i; j++)
            if (k->techniques[i].id && k->techniques[j].id &&
                strcmp(k->techniques[i].id, k->techniques[j].id) == 0)
                tm_check_error(&l->c, "bad-value", ts->items[i], "technique '%s' is defined twice",
                               k->techniques[i].id);
    }
}

/* ---------------------------------------------------------------- api */

tm_paths_knowledge *tm_paths_knowledge_from_text(const char *search_name, const char *search,
                                                 size_t search_len, const char *tech_name,
                                                 const char *techniques, size_t tech_len,
                                                 tm_diags *d)
{
    tm_arena *ar = tm_arena_new();
    tm_paths_knowledge *k = tm_arena_alloc(ar, sizeof *k);
    k->arena = ar;
    S_ld l = {{ar, d, 0}, k};
    tm_diags_add_source(d, search_name, search, search_len);
    tm_diags_add_source(d, tech_name, techniques, tech_len);
    tm_node *sr = tm_read_yaml(ar, search_name, search, search_len, NULL, d);
    tm_node *tr = tm_read_yaml(ar, tech_name, techniques, tech_len, NULL, d);
    if (!sr || !tr) {
        tm_arena_free(ar);
        return NULL;
    }
    S_search(&l, sr);
    S_techniques(&l, tr);
    if (l.c.errors) {
        tm_arena_free(ar);
        return NULL;
    }
    return k;
}

static const tm_embedded_file *S_embedded(const char *name)
{
    for (const tm_embedded_file *f = tm_embedded_files; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

tm_paths_knowledge *tm_paths_knowledge_builtin(tm_diags *d)
{
    const tm_embedded_file *s = S_embedded(S_search_file), *t = S_embedded(S_tech_file);
    if (!s || !t) {
        tm_diag_add(d, TM_DIAG_ERROR, "paths", NULL, 0, 0,
                    "the built-in attack-path knowledge (%s, %s) is missing from this build",
                    S_search_file, S_tech_file);
        return NULL;
    }
    return tm_paths_knowledge_from_text(S_search_file, (const char *)s->data, s->len, S_tech_file,
                                        (const char *)t->data, t->len, d);
}

void tm_paths_knowledge_free(tm_paths_knowledge *k)
{
    if (k)
        tm_arena_free(k->arena);
}
