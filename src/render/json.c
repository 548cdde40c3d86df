/* threats.json: the machine-readable result (DESIGN.md contract,
 * share/stridec/schema/threats.schema.json). */
#include <string.h>

#include "stridec/analysis.h"
#include "stridec/doc.h"
#include "stridec/render.h"

typedef struct {
    tm_arena *ar;
} ctx;

static tm_node *S_map(ctx *c)
{
    return tm_node_new(c->ar, TM_NODE_MAP, NULL, 0, 0);
}

static tm_node *S_list(ctx *c)
{
    return tm_node_new(c->ar, TM_NODE_LIST, NULL, 0, 0);
}

static tm_node *S_null(ctx *c)
{
    tm_node *n = tm_node_new(c->ar, TM_NODE_SCALAR, NULL, 0, 0);
    n->stype = TM_SCALAR_NULL;
    n->text = "null";
    return n;
}

static void S_put(ctx *c, tm_node *map, const char *key, tm_node *v)
{
    tm_node_map_put(c->ar, map, key, 0, 0, v);
}

static void S_str(ctx *c, tm_node *map, const char *key, const char *s)
{
    S_put(c, map, key, s ? tm_node_string(c->ar, s) : S_null(c));
}

static tm_node *S_strings(ctx *c, const char *const *s, size_t n)
{
    tm_node *l = S_list(c);
    for (size_t i = 0; i < n; i++)
        tm_node_list_push(c->ar, l, tm_node_string(c->ar, s[i]));
    return l;
}

static tm_node *S_flow_ids(ctx *c, const tm_flow *const *f, size_t n)
{
    tm_node *l = S_list(c);
    for (size_t i = 0; i < n; i++)
        tm_node_list_push(c->ar, l, tm_node_string(c->ar, f[i]->id));
    return l;
}

/* One threat written straight into the output, in exactly the layout
 * tm_write_json_at(tree, out, 4) gives (tests compare the bytes): threats
 * are the bulk of a large file, and building a tree for each costs more
 * than writing it. */
/* Keys are this file's own literals: plain ASCII, nothing to escape. */
static void S_key(tm_buf *out, const char *key, int *first, size_t indent)
{
    if (*first)
        tm_buf_putc(out, '\n');
    else
        tm_buf_put(out, ",\n", 2);
    *first = 0;
    tm_buf_spaces(out, indent);
    tm_buf_putc(out, '"');
    tm_buf_puts(out, key);
    tm_buf_put(out, "\": ", 3);
}

static void S_kstr(tm_buf *out, const char *key, const char *v, int *first, size_t indent)
{
    S_key(out, key, first, indent);
    if (v)
        tm_json_escape(out, v);
    else
        tm_buf_puts(out, "null");
}

static void S_kint(tm_buf *out, const char *key, long long v, int *first, size_t indent)
{
    S_key(out, key, first, indent);
    tm_buf_printf(out, "%lld", v);
}

static void S_kstrings(tm_buf *out, const char *key, const char *const *v, size_t n, int *first,
                       size_t indent)
{
    S_key(out, key, first, indent);
    if (n == 0) {
        tm_buf_puts(out, "[]");
        return;
    }
    tm_buf_putc(out, '[');
    int f = 1;
    for (size_t i = 0; i < n; i++) {
        tm_buf_puts(out, f ? "\n" : ",\n");
        f = 0;
        tm_buf_spaces(out, indent + 2);
        tm_json_escape(out, v[i]);
    }
    tm_buf_putc(out, '\n');
    tm_buf_spaces(out, indent);
    tm_buf_putc(out, ']');
}

static void S_close(tm_buf *out, size_t indent)
{
    tm_buf_putc(out, '\n');
    tm_buf_spaces(out, indent);
    tm_buf_putc(out, '}');
}

static void S_write_threat(tm_buf *out, const tm_model *m, const tm_threat *t)
{
    const size_t in = 6; /* keys of a threat sit 6 deep: root > threats > threat */
    int first = 1;
    tm_buf_putc(out, '{');
    S_kstr(out, "id", t->id, &first, in);
    S_kstr(out, "rule", t->rule->id, &first, in);
    S_kstr(out, "title", t->title, &first, in);
    const char *letters[6];
    char one[6][2];
    size_t n = 0;
    for (int k = 0; k < 6; k++)
        if (t->stride & (1u << k)) {
            one[n][0] = TM_STRIDE_LETTERS[k];
            one[n][1] = '\0';
            letters[n] = one[n];
            n++;
        }
    S_kstrings(out, "stride", letters, n, &first, in);
    S_kstr(out, "severity", tm_severity_name(t->severity), &first, in);
    S_kstr(out, "likelihood", tm_likelihood_name(t->likelihood), &first, in);
    S_kstr(out, "impact", tm_impact_name(t->impact), &first, in);
    S_key(out, "target", &first, in);
    tm_buf_putc(out, '{');
    int f2 = 1;
    S_kstr(out, "type", tm_target_type_name(t->target_type), &f2, in + 2);
    S_kstr(out, "id", t->target_id, &f2, in + 2);
    S_close(out, in);
    S_kstr(out, "status", tm_status_name(t->status), &first, in);
    if (t->decision) {
        const tm_decision *d = t->decision;
        S_key(out, "decision", &first, in);
        tm_buf_putc(out, '{');
        int f3 = 1;
        S_kstr(out, "pattern", d->pattern, &f3, in + 2);
        if (d->justification)
            S_kstr(out, "justification", d->justification, &f3, in + 2);
        if (d->owner)
            S_kstr(out, "owner", d->owner, &f3, in + 2);
        if (d->ticket)
            S_kstr(out, "ticket", d->ticket, &f3, in + 2);
        if (d->date)
            S_kstr(out, "date", d->date, &f3, in + 2);
        S_close(out, in);
    }
    S_kstr(out, "description", t->description, &first, in);
    S_kstr(out, "mitigation", t->mitigation, &first, in);
    S_kstrings(out, "references", t->references, t->n_references, &first, in);
    if (t->n_evidence)
        S_kstrings(out, "evidence", t->evidence, t->n_evidence, &first, in);
    S_key(out, "location", &first, in);
    tm_buf_putc(out, '{');
    int f4 = 1;
    S_kstr(out, "file", t->loc.file ? t->loc.file : m->source, &f4, in + 2);
    S_kint(out, "line", t->loc.line, &f4, in + 2);
    S_kint(out, "column", t->loc.col, &f4, in + 2);
    S_close(out, in);
    S_close(out, 4);
}


/* ------------------------------------------------------------ paths */

static tm_node *S_loc_node(ctx *c, const tm_model *m, tm_loc loc)
{
    tm_node *n = S_map(c);
    S_str(c, n, "file", loc.file ? loc.file : m->source);
    S_put(c, n, "line", tm_node_int(c->ar, loc.line));
    S_put(c, n, "column", tm_node_int(c->ar, loc.col));
    return n;
}

/* A fact's value is JSON text: written as the value it is. */
static tm_node *S_json_value(ctx *c, const char *text)
{
    tm_diags *d = tm_diags_new();
    tm_node *v = text ? tm_read_json(c->ar, "fact", text, strlen(text), NULL, d) : NULL;
    tm_diags_free(d);
    return v ? v : (text ? tm_node_string(c->ar, text) : S_null(c));
}

static tm_node *S_access(ctx *c, unsigned access)
{
    static const char *const names[] = {"read", "write", "delete"};
    tm_node *l = S_list(c);
    for (int i = 0; i < 3; i++)
        if (access & (1u << i))
            tm_node_list_push(c->ar, l, tm_node_string(c->ar, names[i]));
    return l;
}

static tm_node *S_step(ctx *c, const tm_model *m, const tm_path_step *s)
{
    tm_node *n = S_map(c);
    S_str(c, n, "kind", tm_step_kind_name(s->kind));
    S_str(c, n, "text", s->text);
    S_str(c, n, "condition", s->says);
    S_str(c, n, "cut", s->cut);
    if (s->entry)
        S_str(c, n, "entry", s->entry);
    if (s->element)
        S_str(c, n, "element", s->element->id);
    if (s->flow)
        S_str(c, n, "flow", s->flow->id);
    if (s->from_identity)
        S_str(c, n, "from_identity", s->from_identity->id);
    if (s->identity)
        S_str(c, n, "identity", s->identity->id);
    if (s->technique) {
        tm_node *t = S_map(c);
        S_str(c, t, "id", s->technique);
        S_str(c, t, "name", s->technique_name);
        S_str(c, t, "url", s->technique_url);
        S_put(c, n, "technique", t);
    }
    if (s->via)
        S_str(c, n, "via", s->via->id);
    if (s->access)
        S_put(c, n, "access", S_access(c, s->access));
    if (s->to_admin)
        S_put(c, n, "administrator", tm_node_bool(c->ar, 1));
    S_put(c, n, "conditional", tm_node_bool(c->ar, s->conditional));
    tm_node *facts = S_list(c);
    for (size_t i = 0; i < s->n_facts; i++) {
        const tm_path_fact *f = &s->facts[i];
        tm_node *fn = S_map(c);
        S_str(c, fn, "path", f->path);
        S_put(c, fn, "value", S_json_value(c, f->value));
        S_put(c, fn, "stated", tm_node_bool(c->ar, f->stated));
        if (f->note)
            S_str(c, fn, "note", f->note);
        S_put(c, fn, "location", S_loc_node(c, m, f->loc));
        tm_node_list_push(c->ar, facts, fn);
    }
    S_put(c, n, "facts", facts);
    S_put(c, n, "location", S_loc_node(c, m, s->loc));
    return n;
}

/* threats.json `paths` (share/stridec/doc/attack-paths.md). */
static tm_node *S_paths(ctx *c, const tm_analysis *a)
{
    const tm_model *m = a->model;
    tm_node *l = S_list(c);
    for (size_t i = 0; i < a->n_paths; i++) {
        const tm_path *p = &a->paths[i];
        tm_node *n = S_map(c);
        S_str(c, n, "id", p->id);
        S_str(c, n, "severity", tm_severity_name(p->severity));
        S_put(c, n, "conditional", tm_node_bool(c->ar, p->conditional));
        tm_node *en = S_map(c);
        S_str(c, en, "type", p->entry_element ? "element" : "identity");
        S_str(c, en, "id", p->entry_id);
        S_str(c, en, "name", p->entry_name);
        S_str(c, en, "rule", p->entry_rule);
        S_put(c, n, "entry", en);
        S_put(c, n, "also_from", S_strings(c, p->also_from, p->n_also_from));
        tm_node *tg = S_map(c);
        S_str(c, tg, "type", p->admin ? "identity" : "element");
        S_str(c, tg, "id", p->target_id);
        S_str(c, tg, "name", p->target_name);
        S_str(c, tg, "kind", p->admin ? "administrator" : "data");
        if (!p->admin)
            S_str(c, tg, "classification", tm_class_name(p->target_class));
        S_put(c, n, "target", tg);
        if (p->threat)
            S_str(c, n, "threat", p->threat->id);
        tm_node *steps = S_list(c);
        for (size_t k = 0; k < p->n_steps; k++)
            tm_node_list_push(c->ar, steps, S_step(c, m, &p->steps[k]));
        S_put(c, n, "steps", steps);
        tm_node_list_push(c->ar, l, n);
    }
    return l;
}

static tm_node *S_paths_search(ctx *c, const tm_analysis *a)
{
    const tm_paths_summary *s = &a->paths_summary;
    tm_node *n = S_map(c);
    S_put(c, n, "entries", tm_node_int(c->ar, (long long)s->entries));
    S_put(c, n, "entries_searched", tm_node_int(c->ar, (long long)s->entries_searched));
    S_put(c, n, "paths_found", tm_node_int(c->ar, (long long)s->found));
    S_put(c, n, "paths_reported", tm_node_int(c->ar, (long long)a->n_paths));
    S_put(c, n, "max_steps", tm_node_int(c->ar, (long long)s->max_steps));
    S_put(c, n, "max_paths", tm_node_int(c->ar, (long long)s->max_paths));
    S_put(c, n, "max_per_entry", tm_node_int(c->ar, (long long)s->max_per_entry));
    tm_node *cut = S_list(c);
    if (s->cut_steps)
        tm_node_list_push(c->ar, cut, tm_node_string(c->ar, "max_steps"));
    if (s->cut_paths)
        tm_node_list_push(c->ar, cut, tm_node_string(c->ar, "max_paths"));
    if (s->cut_per_entry)
        tm_node_list_push(c->ar, cut, tm_node_string(c->ar, "max_per_entry"));
    if (s->cut_work)
        tm_node_list_push(c->ar, cut, tm_node_string(c->ar, "work"));
    S_put(c, n, "cut_by", cut);
    return n;
}

static tm_node *S_summary(ctx *cc, const tm_analysis *a)
{
    ctx c = *cc;
    tm_node *sum = S_map(&c);
    tm_node *bysev = S_map(&c);
    for (int s = TM_SEV_LOW; s <= TM_SEV_CRITICAL; s++)
        S_put(&c, bysev, tm_severity_name((tm_severity)s), tm_node_int(c.ar, (long long)a->by_severity[s]));
    S_put(&c, sum, "by_severity", bysev);
    tm_node *bystride = S_map(&c);
    static const char *const letters[6] = {"S", "T", "R", "I", "D", "E"};
    for (int k = 0; k < 6; k++)
        S_put(&c, bystride, letters[k], tm_node_int(c.ar, (long long)a->by_stride[k]));
    S_put(&c, sum, "by_stride", bystride);
    tm_node *bystatus = S_map(&c);
    for (int s = 0; s < TM_STATUS_COUNT; s++)
        S_put(&c, bystatus, tm_status_name((tm_status)s), tm_node_int(c.ar, (long long)a->by_status[s]));
    S_put(&c, sum, "by_status", bystatus);
    return sum;
}

int tm_render_json(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d)
{
    const tm_model *m = a->model;
    ctx c = {tm_arena_new()};
    tm_node *root = S_map(&c);
    S_str(&c, root, "stridec", STRIDEC_VERSION);

    tm_node *model = S_map(&c);
    S_str(&c, model, "name", m->system.name);
    if (m->system.version)
        S_str(&c, model, "version", m->system.version);
    S_str(&c, model, "source", m->source);
    S_put(&c, root, "model", model);

    tm_node *els = S_list(&c);
    for (size_t i = 0; i < m->n_elements; i++) {
        const tm_element *e = m->elements[i];
        tm_node *n = S_map(&c);
        S_str(&c, n, "id", e->id);
        S_str(&c, n, "name", e->name);
        S_str(&c, n, "type", e->type);
        S_str(&c, n, "kind", tm_kind_name(e->kind));
        S_str(&c, n, "boundary", e->boundary ? e->boundary->id : NULL);
        if (e->out_of_scope)
            S_put(&c, n, "out_of_scope", tm_node_bool(c.ar, 1));
        const tm_element_info *ei = &a->elements[i];
        S_put(&c, n, "entry_points", S_strings(&c, ei->entry_points, ei->n_entry_points));
        tm_node_list_push(c.ar, els, n);
    }
    S_put(&c, root, "elements", els);

    tm_node *flows = S_list(&c);
    for (size_t i = 0; i < m->n_flows; i++) {
        const tm_flow *f = m->flows[i];
        const tm_flow_info *fi = &a->flows[i];
        tm_node *n = S_map(&c);
        S_str(&c, n, "id", f->id);
        S_put(&c, n, "number", tm_node_int(c.ar, fi->number));
        S_str(&c, n, "from", f->from->id);
        S_str(&c, n, "to", f->to->id);
        if (f->name)
            S_str(&c, n, "name", f->name);
        tm_node *cr = S_list(&c);
        for (size_t k = 0; k < fi->n_crosses; k++)
            tm_node_list_push(c.ar, cr, tm_node_string(c.ar, fi->crosses[k]->id));
        S_put(&c, n, "crosses", cr);
        tm_node_list_push(c.ar, flows, n);
    }
    S_put(&c, root, "flows", flows);

    tm_node *bds = S_list(&c);
    for (size_t i = 0; i < m->n_boundaries; i++) {
        const tm_boundary *b = m->boundaries[i];
        const tm_boundary_info *bi = &a->boundaries[i];
        tm_node *n = S_map(&c);
        S_str(&c, n, "id", b->id);
        S_str(&c, n, "name", b->name);
        S_str(&c, n, "type", b->type ? b->type : "");
        S_str(&c, n, "parent", b->parent ? b->parent->id : NULL);
        S_put(&c, n, "inbound", S_flow_ids(&c, bi->inbound, bi->n_inbound));
        S_put(&c, n, "outbound", S_flow_ids(&c, bi->outbound, bi->n_outbound));
        tm_node *eps = S_list(&c);
        for (size_t k = 0; k < bi->n_entry_points; k++)
            tm_node_list_push(c.ar, eps, tm_node_string(c.ar, bi->entry_points[k]->id));
        S_put(&c, n, "entry_points", eps);
        tm_node_list_push(c.ar, bds, n);
    }
    S_put(&c, root, "boundaries", bds);

    /* Threats are the bulk of the file (tens of thousands on a large model):
     * each is written straight out, so memory stays flat. The bytes are
     * those of one tree written whole. */
    tm_node *summary = S_summary(&c, a);
    int rc = 0;
    tm_buf_puts(out, "{");
    for (size_t k = 0; k < root->n; k++) {
        tm_buf_puts(out, k ? ",\n  " : "\n  ");
        tm_json_escape(out, root->pairs[k].key);
        tm_buf_puts(out, ": ");
        tm_write_json_at(root->pairs[k].value, out, 2);
    }
    tm_buf_puts(out, ",\n  \"threats\": ");
    if (a->n_threats == 0)
        tm_buf_puts(out, "[]");
    else
        tm_buf_putc(out, '[');
    for (size_t i = 0; i < a->n_threats && !out->failed; i++) {
        tm_buf_puts(out, i ? ",\n    " : "\n    ");
        S_write_threat(out, m, a->threats[i]);
    }
    if (a->n_threats)
        tm_buf_puts(out, "\n  ]");
    tm_buf_puts(out, ",\n  \"paths\": ");
    tm_write_json_at(S_paths(&c, a), out, 2);
    tm_buf_puts(out, ",\n  \"paths_search\": ");
    tm_write_json_at(S_paths_search(&c, a), out, 2);
    tm_buf_puts(out, ",\n  \"summary\": ");
    tm_write_json_at(summary, out, 2);
    tm_buf_puts(out, "\n}\n");


    if (out->failed) {
        tm_diag_add(d, TM_DIAG_ERROR, "output", NULL, 0, 0, "threats.json is larger than the output limit");
        rc = -1;
    }
    tm_arena_free(c.ar);
    (void)o;
    return rc;
}
