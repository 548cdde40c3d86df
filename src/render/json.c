/* threats.json: the machine-readable result (DESIGN.md contract,
 * share/stridec/schema/threats.schema.json). */
#include <string.h>

#include "engine/analysis_impl.h"
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

static tm_node *S_stride(ctx *c, unsigned bits)
{
    tm_node *l = S_list(c);
    for (int k = 0; k < 6; k++)
        if (bits & (1u << k)) {
            char letter[2] = {TM_STRIDE_LETTERS[k], 0};
            tm_node_list_push(c->ar, l, tm_node_string(c->ar, letter));
        }
    return l;
}

static tm_node *S_threat(ctx *cc, const tm_model *m, const tm_threat *t)
{
    ctx c = *cc;
    tm_node *n = S_map(&c);
    S_str(&c, n, "id", t->id);
    S_str(&c, n, "rule", t->rule->id);
    S_str(&c, n, "title", t->title);
    S_put(&c, n, "stride", S_stride(&c, t->stride));
    S_str(&c, n, "severity", tm_severity_name(t->severity));
    S_str(&c, n, "likelihood", tm_likelihood_name(t->likelihood));
    S_str(&c, n, "impact", tm_impact_name(t->impact));
    tm_node *tg = S_map(&c);
    S_str(&c, tg, "type", tm_target_type_name(t->target_type));
    S_str(&c, tg, "id", t->target_id);
    S_put(&c, n, "target", tg);
    S_str(&c, n, "status", tm_status_name(t->status));
    if (t->decision) {
        tm_node *dec = S_map(&c);
        S_str(&c, dec, "pattern", t->decision->pattern);
        if (t->decision->justification)
            S_str(&c, dec, "justification", t->decision->justification);
        if (t->decision->owner)
            S_str(&c, dec, "owner", t->decision->owner);
        if (t->decision->ticket)
            S_str(&c, dec, "ticket", t->decision->ticket);
        if (t->decision->date)
            S_str(&c, dec, "date", t->decision->date);
        S_put(&c, n, "decision", dec);
    }
    S_str(&c, n, "description", t->description);
    S_str(&c, n, "mitigation", t->mitigation);
    S_put(&c, n, "references", S_strings(&c, t->references, t->n_references));
    if (t->n_evidence)
        S_put(&c, n, "evidence", S_strings(&c, t->evidence, t->n_evidence));
    tm_node *loc = S_map(&c);
    S_str(&c, loc, "file", t->loc.file ? t->loc.file : m->source);
    S_put(&c, loc, "line", tm_node_int(c.ar, t->loc.line));
    S_put(&c, loc, "column", tm_node_int(c.ar, t->loc.col));
    S_put(&c, n, "location", loc);
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
     * each is built in a scratch arena and written at once, so memory stays
     * flat. The bytes are those of one tree written whole. */
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
    ctx tc = {tm_arena_new()};
    for (size_t i = 0; i < a->n_threats && !out->failed; i++) {
        tm_buf_puts(out, i ? ",\n    " : "\n    ");
        tm_write_json_at(S_threat(&tc, m, a->threats[i]), out, 4);
        tm_arena_reset(tc.ar);
    }
    tm_arena_free(tc.ar);
    if (a->n_threats)
        tm_buf_puts(out, "\n  ]");
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
