/*
 * The report data tree (see render_impl.h and share/stridec/doc/report-data.md):
 * one derivation of everything HTML, Markdown and PDF show, organised by the
 * LOSS checklist. Every count and list here comes from the analysis; the only
 * fixed text is the checklist and the worksheet questions, which are the
 * method (the seed article's questions), not findings.
 */
#include <stdio.h>
#include <string.h>

#include "render/render_impl.h"
#include "stridec/doc.h"

typedef struct {
    tm_arena *ar;
    const tm_analysis *a;
} rd;

/* ------------------------------------------------------------ building */

static tm_node *S_map(rd *r)
{
    return tm_node_new(r->ar, TM_NODE_MAP, NULL, 0, 0);
}

static tm_node *S_list(rd *r)
{
    return tm_node_new(r->ar, TM_NODE_LIST, NULL, 0, 0);
}

static void S_put(rd *r, tm_node *m, const char *k, tm_node *v)
{
    tm_node_map_put(r->ar, m, k, 0, 0, v);
}

/* Absent strings are left out, so that {{#key}} sections test presence. */
static void S_str(rd *r, tm_node *m, const char *k, const char *v)
{
    if (v && *v)
        S_put(r, m, k, tm_node_string(r->ar, v));
}

static void S_int(rd *r, tm_node *m, const char *k, long long v)
{
    S_put(r, m, k, tm_node_int(r->ar, v));
}

static void S_bool(rd *r, tm_node *m, const char *k, int v)
{
    S_put(r, m, k, tm_node_bool(r->ar, v));
}

static void S_push(rd *r, tm_node *l, tm_node *v)
{
    tm_node_list_push(r->ar, l, v);
}

/* A list of {text} maps (templates iterate {{#list}}{{text}}{{/list}}) and
 * a joined string of the same items, under key and key_text. */
static void S_texts(rd *r, tm_node *m, const char *key, const char *const *items, size_t n)
{
    tm_node *l = S_list(r);
    tm_buf b;
    tm_buf_init(&b, 0);
    for (size_t i = 0; i < n; i++) {
        tm_node *it = S_map(r);
        S_put(r, it, "text", tm_node_string(r->ar, items[i]));
        S_push(r, l, it);
        if (i)
            tm_buf_puts(&b, ", ");
        tm_buf_puts(&b, items[i]);
    }
    S_put(r, m, key, l);
    char *k2 = tm_arena_printf(r->ar, "%s_text", key);
    S_str(r, m, k2, b.data);
    tm_buf_free(&b);
}

static const char *S_name(const tm_element *e)
{
    return e->name && *e->name ? e->name : e->id; /* an empty name falls back too */
}

const char *tm_stride_name(int k)
{
    static const char *const names[6] = {"Spoofing",
                                         "Tampering",
                                         "Repudiation",
                                         "Information disclosure",
                                         "Denial of service",
                                         "Elevation of privilege"};
    return k >= 0 && k < 6 ? names[k] : "";
}

static const char *S_stride_text(tm_arena *ar, unsigned bits)
{
    char buf[16];
    size_t n = 0;
    for (int k = 0; k < 6; k++)
        if (bits & (1u << k))
            buf[n++] = TM_STRIDE_LETTERS[k];
    buf[n] = '\0';
    return tm_arena_strdup(ar, buf);
}

static const char *S_label(const tm_analysis *a, const tm_element *e)
{
    const tm_type_info *t = a->elements[e->index].type;
    return t && t->label ? t->label : e->type;
}

static const char *S_tri(tm_tri t)
{
    return t == TM_TRI_TRUE ? "yes" : t == TM_TRI_FALSE ? "no" : "not stated";
}

/* --------------------------------------------------------------- parts */

static tm_node *S_system(rd *r)
{
    const tm_model *m = r->a->model;
    tm_node *s = S_map(r);
    S_str(r, s, "name", m->system.name);
    S_str(r, s, "description", m->system.description);
    S_str(r, s, "owner", m->system.owner);
    S_str(r, s, "version", m->system.version);
    S_str(r, s, "date", m->system.date);
    S_texts(r, s, "reviewers", m->system.reviewers, m->system.n_reviewers);
    return s;
}

static tm_node *S_threat(rd *r, const tm_threat *t)
{
    tm_node *n = S_map(r);
    S_str(r, n, "id", t->id);
    S_str(r, n, "rule", t->rule->id);
    S_str(r, n, "title", t->title);
    S_str(r, n, "stride", S_stride_text(r->ar, t->stride));
    tm_node *letters = S_list(r);
    for (int k = 0; k < 6; k++)
        if (t->stride & (1u << k)) {
            tm_node *l = S_map(r);
            char s[2] = {TM_STRIDE_LETTERS[k], 0};
            S_str(r, l, "letter", s);
            S_str(r, l, "name", tm_stride_name(k));
            S_push(r, letters, l);
        }
    S_put(r, n, "stride_letters", letters);
    S_str(r, n, "severity", tm_severity_name(t->severity));
    S_str(r, n, "likelihood", tm_likelihood_name(t->likelihood));
    S_str(r, n, "impact", tm_impact_name(t->impact));
    S_str(r, n, "status", tm_status_name(t->status));
    S_bool(r, n, "open", tm_status_is_open(t->status));
    S_str(r, n, "target_type", tm_target_type_name(t->target_type));
    S_str(r, n, "target_id", t->target_id);
    S_str(r, n, "description", t->description);
    S_str(r, n, "mitigation", t->mitigation);
    S_texts(r, n, "references", t->references, t->n_references);
    S_texts(r, n, "evidence", t->evidence, t->n_evidence);
    if (t->loc.line)
        S_str(r, n, "location",
              tm_arena_printf(r->ar, "%s:%u:%u", t->loc.file ? t->loc.file : r->a->model->source,
                              (unsigned)t->loc.line, (unsigned)t->loc.col));
    if (t->decision) {
        tm_node *d = S_map(r);
        S_str(r, d, "pattern", t->decision->pattern);
        S_str(r, d, "status", tm_status_name(t->decision->status));
        S_str(r, d, "justification", t->decision->justification);
        S_str(r, d, "owner", t->decision->owner);
        S_str(r, d, "ticket", t->decision->ticket);
        S_str(r, d, "date", t->decision->date);
        S_put(r, n, "decision", d);
    }
    return n;
}

/* Who owns an element: its `owner` prop, else the owner of the artifact
 * (deployment script) that defines it. */
static const char *S_owner(const tm_model *m, const tm_element *e)
{
    const tm_node *own = tm_prop(e->props, "owner");
    if (own && own->kind == TM_NODE_SCALAR)
        return own->text;
    for (size_t i = 0; i < m->n_artifacts; i++)
        for (size_t k = 0; k < m->artifacts[i]->n_defines; k++)
            if (strcmp(m->artifacts[i]->defines[k], e->id) == 0 && m->artifacts[i]->owner)
                return m->artifacts[i]->owner;
    return NULL;
}

/* L: elements grouped by type, in order of first appearance. */
static tm_node *S_elements_by_type(rd *r)
{
    const tm_model *m = r->a->model;
    tm_node *groups = S_list(r);
    for (size_t i = 0; i < m->n_elements; i++) {
        const tm_element *e = m->elements[i];
        int first = 1;
        for (size_t k = 0; k < i && first; k++)
            first = strcmp(m->elements[k]->type, e->type) != 0;
        if (!first)
            continue;
        tm_node *g = S_map(r);
        S_str(r, g, "type", e->type);
        S_str(r, g, "label", S_label(r->a, e));
        tm_node *els = S_list(r);
        size_t count = 0;
        for (size_t k = i; k < m->n_elements; k++) {
            const tm_element *x = m->elements[k];
            if (strcmp(x->type, e->type) != 0)
                continue;
            count++;
            tm_node *n = S_map(r);
            S_str(r, n, "id", x->id);
            S_str(r, n, "name", S_name(x));
            S_str(r, n, "kind", tm_kind_name(x->kind));
            S_str(r, n, "origin", tm_origin_name(x->origin));
            S_str(r, n, "boundary", x->boundary ? x->boundary->name : "outside all boundaries");
            S_str(r, n, "owner", S_owner(m, x));
            S_str(r, n, "description", x->description);
            S_bool(r, n, "out_of_scope", x->out_of_scope);
            S_str(r, n, "reason", x->reason);
            S_bool(r, n, "third_party",
                   x->origin == TM_ORIGIN_THIRD_PARTY || x->origin == TM_ORIGIN_OPEN_SOURCE);
            S_texts(r, n, "libraries", x->libraries, x->n_libraries);
            const char **data = tm_arena_array(r->ar, x->n_data + 1, sizeof *data);
            for (size_t d = 0; d < x->n_data; d++)
                data[d] = x->data[d]->name ? x->data[d]->name : x->data[d]->id;
            S_texts(r, n, "data", data, x->n_data);
            S_push(r, els, n);
        }
        S_int(r, g, "count", (long long)count);
        S_put(r, g, "elements", els);
        S_push(r, groups, g);
    }
    return groups;
}

static tm_node *S_data_assets(rd *r)
{
    const tm_model *m = r->a->model;
    tm_node *l = S_list(r);
    for (size_t i = 0; i < m->n_data; i++) {
        const tm_data *d = m->data[i];
        tm_node *n = S_map(r);
        S_str(r, n, "id", d->id);
        S_str(r, n, "name", d->name ? d->name : d->id);
        S_str(r, n, "classification",
              d->classification ? tm_class_name(d->classification) : "not classified");
        S_str(r, n, "description", d->description);
        tm_vec holders = {0}, flows = {0};
        for (size_t e = 0; e < m->n_elements; e++)
            for (size_t k = 0; k < m->elements[e]->n_data; k++)
                if (m->elements[e]->data[k] == d)
                    tm_vec_push(&holders, (void *)S_name(m->elements[e]));
        for (size_t f = 0; f < m->n_flows; f++)
            for (size_t k = 0; k < m->flows[f]->n_data; k++)
                if (m->flows[f]->data[k] == d)
                    tm_vec_push(&flows, tm_arena_printf(r->ar, "#%u", r->a->flows[f].number));
        size_t nh, nf;
        const char **h = (const char **)tm_vec_finish(&holders, r->ar, &nh);
        const char **fl = (const char **)tm_vec_finish(&flows, r->ar, &nf);
        S_texts(r, n, "held_by", h, nh);
        S_texts(r, n, "flows", fl, nf);
        S_push(r, l, n);
    }
    return l;
}

static tm_node *S_identities(rd *r)
{
    const tm_model *m = r->a->model;
    tm_node *l = S_list(r);
    for (size_t i = 0; i < m->n_identities; i++) {
        const tm_identity *id = m->identities[i];
        const tm_identity_info *ii = &r->a->identities[i];
        tm_node *n = S_map(r);
        S_str(r, n, "id", id->id);
        S_str(r, n, "name", id->name ? id->name : id->id);
        S_str(r, n, "type", id->type);
        S_str(r, n, "description", id->description);
        const char **users = tm_arena_array(r->ar, ii->n_users + 1, sizeof *users);
        for (size_t u = 0; u < ii->n_users; u++)
            users[u] = S_name(ii->users[u]);
        S_texts(r, n, "users", users, ii->n_users);
        S_int(r, n, "statements", (long long)id->n_statements);
        tm_vec facts = {0};
        if (ii->admin)
            tm_vec_push(&facts, (void *)"allows every action on every resource");
        if (ii->n_wildcard_actions)
            tm_vec_push(&facts, tm_arena_printf(r->ar, "wildcard actions: %s",
                                                ii->wildcard_actions[0]));
        if (ii->wildcard_resource)
            tm_vec_push(&facts, (void *)"resource \"*\"");
        for (size_t p = 0; p < ii->n_privesc_actions; p++)
            tm_vec_push(&facts, tm_arena_printf(r->ar, "privilege escalation: %s on \"*\"",
                                                ii->privesc_actions[p]));
        if (ii->public_principal)
            tm_vec_push(&facts, (void *)"principal \"*\" without narrowing condition");
        if (ii->cross_account)
            tm_vec_push(&facts, (void *)"cross-account principal");
        if (ii->n_users > 1)
            tm_vec_push(&facts, tm_arena_printf(r->ar, "shared by %zu elements", ii->n_users));
        if (ii->n_users == 0)
            tm_vec_push(&facts, (void *)"used by no element in the model");
        size_t nf;
        const char **f = (const char **)tm_vec_finish(&facts, r->ar, &nf);
        S_texts(r, n, "facts", f, nf);
        S_push(r, l, n);
    }
    return l;
}

static tm_node *S_artifacts(rd *r)
{
    const tm_model *m = r->a->model;
    tm_node *l = S_list(r);
    for (size_t i = 0; i < m->n_artifacts; i++) {
        const tm_artifact *art = m->artifacts[i];
        const tm_artifact_info *ai = &r->a->artifacts[i];
        tm_node *n = S_map(r);
        S_str(r, n, "id", art->id);
        S_str(r, n, "name", art->name ? art->name : art->id);
        S_str(r, n, "type", art->type_name);
        S_str(r, n, "path", art->path);
        S_str(r, n, "version", art->version);
        S_str(r, n, "origin", tm_origin_name(art->origin));
        S_str(r, n, "owner", art->owner);
        S_str(r, n, "description", art->description);
        S_bool(r, n, "third_party",
               art->origin == TM_ORIGIN_THIRD_PARTY || art->origin == TM_ORIGIN_OPEN_SOURCE);
        S_texts(r, n, "defines", art->defines, art->n_defines);
        S_bool(r, n, "scanned", ai->scanned);
        S_int(r, n, "secrets", (long long)ai->n_secrets);
        S_push(r, l, n);
    }
    return l;
}

/* Third-party code called out: elements and artifacts not written in house,
 * and every library an element ships. */
static tm_node *S_third_party(rd *r)
{
    const tm_model *m = r->a->model;
    tm_node *l = S_list(r);
    for (size_t i = 0; i < m->n_elements; i++) {
        const tm_element *e = m->elements[i];
        if (e->origin == TM_ORIGIN_THIRD_PARTY || e->origin == TM_ORIGIN_OPEN_SOURCE) {
            tm_node *n = S_map(r);
            S_str(r, n, "what", S_name(e));
            S_str(r, n, "kind", S_label(r->a, e));
            S_str(r, n, "origin", tm_origin_name(e->origin));
            S_str(r, n, "where", e->id);
            S_push(r, l, n);
        }
        for (size_t k = 0; k < e->n_libraries; k++) {
            tm_node *n = S_map(r);
            S_str(r, n, "what", e->libraries[k]);
            S_str(r, n, "kind", "library");
            S_str(r, n, "origin", "third-party");
            S_str(r, n, "where", e->id);
            S_push(r, l, n);
        }
    }
    for (size_t i = 0; i < m->n_artifacts; i++) {
        const tm_artifact *art = m->artifacts[i];
        if (art->origin == TM_ORIGIN_THIRD_PARTY || art->origin == TM_ORIGIN_OPEN_SOURCE) {
            tm_node *n = S_map(r);
            S_str(r, n, "what",
                  art->version ? tm_arena_printf(r->ar, "%s %s", art->name ? art->name : art->id,
                                                 art->version)
                               : (art->name ? art->name : art->id));
            S_str(r, n, "kind", art->type_name);
            S_str(r, n, "origin", tm_origin_name(art->origin));
            S_str(r, n, "where", art->id);
            S_push(r, l, n);
        }
    }
    return l;
}

static tm_node *S_flow_row(rd *r, const tm_flow *f)
{
    const tm_flow_info *fi = &r->a->flows[f->index];
    tm_node *n = S_map(r);
    S_int(r, n, "number", fi->number);
    S_str(r, n, "id", f->id);
    S_str(r, n, "name", f->name ? f->name : f->id);
    S_str(r, n, "from", S_name(f->from));
    S_str(r, n, "to", S_name(f->to));
    S_str(r, n, "protocol", f->protocol ? f->protocol : "not stated");
    if (f->port)
        S_int(r, n, "port", f->port);
    const char **data = tm_arena_array(r->ar, f->n_data + 1, sizeof *data);
    for (size_t d = 0; d < f->n_data; d++)
        data[d] = f->data[d]->name ? f->data[d]->name : f->data[d]->id;
    S_texts(r, n, "data", data, f->n_data);
    S_str(r, n, "classification", fi->max_class ? tm_class_name(fi->max_class) : "");
    S_str(r, n, "authenticated", S_tri(f->authenticated));
    S_str(r, n, "encrypted", S_tri(f->encrypted));
    S_bool(r, n, "trigger", f->trigger);
    const char **cr = tm_arena_array(r->ar, fi->n_crosses + 1, sizeof *cr);
    for (size_t k = 0; k < fi->n_crosses; k++)
        cr[k] = fi->crosses[k]->name ? fi->crosses[k]->name : fi->crosses[k]->id;
    S_texts(r, n, "crosses", cr, fi->n_crosses);
    S_str(r, n, "max_open", fi->max_open ? tm_severity_name(fi->max_open) : "none");
    return n;
}

static tm_node *S_flows(rd *r)
{
    tm_node *l = S_list(r);
    for (size_t i = 0; i < r->a->model->n_flows; i++)
        S_push(r, l, S_flow_row(r, r->a->model->flows[i]));
    return l;
}

static tm_node *S_boundaries(rd *r)
{
    const tm_model *m = r->a->model;
    tm_node *l = S_list(r);
    for (size_t i = 0; i < m->n_boundaries; i++) {
        const tm_boundary *b = m->boundaries[i];
        const tm_boundary_info *bi = &r->a->boundaries[i];
        tm_node *n = S_map(r);
        S_str(r, n, "id", b->id);
        S_str(r, n, "name", b->name ? b->name : b->id);
        S_str(r, n, "type", b->type);
        S_str(r, n, "description", b->description);
        S_str(r, n, "parent", b->parent ? (b->parent->name ? b->parent->name : b->parent->id) : NULL);
        S_int(r, n, "depth", b->depth);
        const char **mem = tm_arena_array(r->ar, bi->n_members + 1, sizeof *mem);
        for (size_t k = 0; k < bi->n_members; k++)
            mem[k] = S_name(bi->members[k]);
        S_texts(r, n, "members", mem, bi->n_members);
        const char **ep = tm_arena_array(r->ar, bi->n_entry_points + 1, sizeof *ep);
        for (size_t k = 0; k < bi->n_entry_points; k++)
            ep[k] = S_name(bi->entry_points[k]);
        S_texts(r, n, "entry_points", ep, bi->n_entry_points);
        tm_node *in = S_list(r), *out = S_list(r);
        size_t unauth = 0, unenc = 0;
        for (size_t k = 0; k < bi->n_inbound; k++) {
            S_push(r, in, S_flow_row(r, bi->inbound[k]));
            unauth += bi->inbound[k]->authenticated != TM_TRI_TRUE;
            unenc += bi->inbound[k]->encrypted != TM_TRI_TRUE;
        }
        for (size_t k = 0; k < bi->n_outbound; k++)
            S_push(r, out, S_flow_row(r, bi->outbound[k]));
        S_put(r, n, "inbound", in);
        S_put(r, n, "outbound", out);
        S_int(r, n, "n_inbound", (long long)bi->n_inbound);
        S_int(r, n, "n_outbound", (long long)bi->n_outbound);
        S_int(r, n, "unauthenticated_inbound", (long long)unauth);
        S_int(r, n, "unencrypted_inbound", (long long)unenc);
        S_push(r, l, n);
    }
    return l;
}

static tm_node *S_responsibility(rd *r)
{
    const tm_model *m = r->a->model;
    tm_node *l = S_list(r);
    for (size_t i = 0; i < m->n_elements; i++) {
        const tm_element *e = m->elements[i];
        const tm_type_info *t = r->a->elements[i].type;
        tm_node *n = S_map(r);
        S_str(r, n, "id", e->id);
        S_str(r, n, "name", S_name(e));
        S_str(r, n, "label", S_label(r->a, e));
        if (t && (t->n_provider_secures || t->n_customer_secures)) {
            S_texts(r, n, "provider", t->provider_secures, t->n_provider_secures);
            S_texts(r, n, "customer", t->customer_secures, t->n_customer_secures);
        } else {
            const char *all = "everything (no provider: the team runs it)";
            if (e->origin == TM_ORIGIN_THIRD_PARTY)
                all = "the third party; the team owns what it sends there";
            S_texts(r, n, "provider", NULL, 0);
            S_texts(r, n, "customer", &all, 1);
        }
        S_push(r, l, n);
    }
    return l;
}

static tm_node *S_assumptions(rd *r)
{
    const tm_model *m = r->a->model;
    tm_node *l = S_list(r);
    for (size_t i = 0; i < m->n_assumptions; i++) {
        tm_node *n = S_map(r);
        S_str(r, n, "id", m->assumptions[i]->id);
        S_str(r, n, "text", m->assumptions[i]->text);
        S_push(r, l, n);
    }
    return l;
}

/* Out of scope, with the risk that hides: sensitive data reaching it. */
static tm_node *S_out_of_scope(rd *r)
{
    const tm_model *m = r->a->model;
    tm_node *l = S_list(r);
    for (size_t i = 0; i < m->n_elements; i++) {
        const tm_element *e = m->elements[i];
        if (!e->out_of_scope)
            continue;
        const tm_element_info *ei = &r->a->elements[i];
        tm_node *n = S_map(r);
        S_str(r, n, "id", e->id);
        S_str(r, n, "name", S_name(e));
        S_str(r, n, "label", S_label(r->a, e));
        S_str(r, n, "reason", e->reason ? e->reason : "no reason given");
        int sensitive = ei->max_class >= TM_CLASS_CONFIDENTIAL;
        S_bool(r, n, "sensitive", sensitive);
        if (sensitive)
            S_str(r, n, "warning",
                  tm_arena_printf(r->ar,
                                  "receives %s data: leaving it out of scope stops the "
                                  "investigation where the data goes",
                                  tm_class_name(ei->max_class)));
        S_push(r, l, n);
    }
    return l;
}

static tm_node *S_implicit(rd *r)
{
    const tm_model *m = r->a->model;
    tm_node *l = S_list(r);
    for (size_t i = 0; i < m->n_elements; i++) {
        const tm_element_info *ei = &r->a->elements[i];
        if (!ei->n_entry_points)
            continue;
        tm_node *n = S_map(r);
        S_str(r, n, "id", ei->el->id);
        S_str(r, n, "name", S_name(ei->el));
        S_str(r, n, "label", S_label(r->a, ei->el));
        S_texts(r, n, "entry_points", ei->entry_points, ei->n_entry_points);
        S_push(r, l, n);
    }
    return l;
}

/* S: threats grouped by what they target. */
static tm_node *S_group(rd *r, const char *kind, const char *id, const char *name,
                        const char *detail, const tm_threat *const *threats, size_t n)
{
    tm_node *g = S_map(r);
    S_str(r, g, "kind", kind);
    S_str(r, g, "id", id);
    S_str(r, g, "name", name);
    S_str(r, g, "detail", detail);
    S_str(r, g, "anchor", tm_report_anchor(r->ar, kind, id, true));
    tm_node *l = S_list(r);
    size_t open = 0;
    for (size_t i = 0; i < n; i++) {
        S_push(r, l, S_threat(r, threats[i]));
        open += tm_status_is_open(threats[i]->status) != 0;
    }
    S_put(r, g, "threats", l);
    S_int(r, g, "count", (long long)n);
    S_int(r, g, "open", (long long)open);
    return g;
}

static tm_node *S_weak_points(rd *r)
{
    const tm_analysis *a = r->a;
    const tm_model *m = a->model;
    tm_node *groups = S_list(r);
    /* Model-wide threats first, as the engine orders them. */
    tm_vec model_threats = {0};
    for (size_t i = 0; i < a->n_threats; i++)
        if (a->threats[i]->target_type == TM_TARGET_MODEL)
            tm_vec_push(&model_threats, a->threats[i]);
    if (model_threats.len)
        S_push(r, groups, S_group(r, "model", "model", "The system as a whole", NULL,
                                  (const tm_threat *const *)model_threats.items, model_threats.len));
    tm_vec_free(&model_threats);
    for (size_t i = 0; i < m->n_boundaries; i++)
        if (a->boundaries[i].n_threats)
            S_push(r, groups,
                   S_group(r, "boundary", m->boundaries[i]->id,
                           m->boundaries[i]->name ? m->boundaries[i]->name : m->boundaries[i]->id,
                           m->boundaries[i]->type, a->boundaries[i].threats,
                           a->boundaries[i].n_threats));
    for (size_t i = 0; i < m->n_elements; i++)
        if (a->elements[i].n_threats)
            S_push(r, groups,
                   S_group(r, "element", m->elements[i]->id, S_name(m->elements[i]),
                           S_label(a, m->elements[i]), a->elements[i].threats,
                           a->elements[i].n_threats));
    for (size_t i = 0; i < m->n_flows; i++)
        if (a->flows[i].n_threats) {
            const tm_flow *f = m->flows[i];
            S_push(r, groups,
                   S_group(r, "flow", f->id,
                           tm_arena_printf(r->ar, "#%u %s", a->flows[i].number, f->name ? f->name : f->id),
                           tm_arena_printf(r->ar, "%s -> %s", S_name(f->from), S_name(f->to)),
                           a->flows[i].threats, a->flows[i].n_threats));
        }
    for (size_t i = 0; i < m->n_identities; i++)
        if (a->identities[i].n_threats)
            S_push(r, groups,
                   S_group(r, "identity", m->identities[i]->id,
                           m->identities[i]->name ? m->identities[i]->name : m->identities[i]->id,
                           m->identities[i]->type, a->identities[i].threats,
                           a->identities[i].n_threats));
    for (size_t i = 0; i < m->n_artifacts; i++)
        if (a->artifacts[i].n_threats)
            S_push(r, groups,
                   S_group(r, "artifact", m->artifacts[i]->id,
                           m->artifacts[i]->name ? m->artifacts[i]->name : m->artifacts[i]->id,
                           m->artifacts[i]->type_name, a->artifacts[i].threats,
                           a->artifacts[i].n_threats));
    return groups;
}


/* S: attack paths (share/stridec/doc/attack-paths.md): a table, and each
 * path's steps with links to the parts they name (their threat group when
 * the part has one). */
static const char *S_part_anchor(rd *r, const tm_path_step *s)
{
    const tm_analysis *a = r->a;
    if (s->flow && a->flows[s->flow->index].n_threats)
        return tm_arena_printf(r->ar, "t-flow-%s", s->flow->id);
    if (s->element && a->elements[s->element->index].n_threats)
        return tm_arena_printf(r->ar, "t-element-%s", s->element->id);
    if (s->identity && a->identities[s->identity->index].n_threats)
        return tm_arena_printf(r->ar, "t-identity-%s", s->identity->id);
    return NULL;
}

/* The anchor GitHub gives a Markdown heading (lower case; letters, digits,
 * '-' and '_' kept, spaces to '-', other ASCII dropped): report.md links to
 * the "### KIND: NAME" heading of a part's threat group. */
static const char *S_md_anchor(rd *r, const char *kind, const char *name)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    const char *parts[3] = {kind, ": ", name};
    for (int k = 0; k < 3; k++)
        for (const unsigned char *p = (const unsigned char *)parts[k]; *p; p++) {
            if (*p >= 'A' && *p <= 'Z')
                tm_buf_putc(&b, (char)(*p - 'A' + 'a'));
            else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
                     *p == '_' || *p >= 0x80)
                tm_buf_putc(&b, (char)*p);
            else if (*p == ' ')
                tm_buf_putc(&b, '-');
        }
    const char *res = tm_arena_strdup(r->ar, b.data ? b.data : "");
    tm_buf_free(&b);
    return res;
}

static const char *S_part_md(rd *r, const tm_path_step *s)
{
    const tm_analysis *a = r->a;
    if (s->flow && a->flows[s->flow->index].n_threats)
        return S_md_anchor(r, "flow",
                           tm_arena_printf(r->ar, "#%u %s", a->flows[s->flow->index].number,
                                           s->flow->name ? s->flow->name : s->flow->id));
    if (s->element && a->elements[s->element->index].n_threats)
        return S_md_anchor(r, "element", S_name(s->element));
    if (s->identity && a->identities[s->identity->index].n_threats)
        return S_md_anchor(r, "identity", s->identity->name ? s->identity->name : s->identity->id);
    return NULL;
}

static const char *S_step_part(rd *r, const tm_path_step *s)
{
    if (s->flow)
        return tm_arena_printf(r->ar, "#%u %s", r->a->flows[s->flow->index].number,
                               s->flow->name ? s->flow->name : s->flow->id);
    if (s->kind == TM_STEP_ESCALATION || (s->kind == TM_STEP_DATA_ACCESS && s->from_identity &&
                                          !s->element))
        return s->identity ? (s->identity->name ? s->identity->name : s->identity->id) : NULL;
    if (s->element)
        return S_name(s->element);
    if (s->identity)
        return s->identity->name ? s->identity->name : s->identity->id;
    return NULL;
}

static tm_node *S_paths(rd *r)
{
    const tm_analysis *a = r->a;
    const tm_paths_summary *sum = &a->paths_summary;
    tm_node *n = S_map(r);
    tm_node *l = S_list(r);
    size_t by_sev[TM_SEV_COUNT] = {0};
    for (size_t i = 0; i < a->n_paths; i++) {
        const tm_path *p = &a->paths[i];
        by_sev[p->severity]++;
        tm_node *pn = S_map(r);
        S_int(r, pn, "number", (long long)(i + 1));
        S_str(r, pn, "id", p->id);
        S_str(r, pn, "anchor", tm_arena_printf(r->ar, "path-%s", p->id));
        S_str(r, pn, "severity", tm_severity_name(p->severity));
        S_bool(r, pn, "conditional", p->conditional);
        S_str(r, pn, "entry", p->entry_name);
        S_str(r, pn, "entry_id", p->entry_id);
        S_str(r, pn, "entry_rule", strcmp(p->entry_rule, "external") == 0
                                       ? "external entity"
                                       : p->entry_rule);
        S_str(r, pn, "target", p->target_name);
        S_str(r, pn, "target_id", p->target_id);
        S_str(r, pn, "target_kind",
              p->admin ? "administrator"
                       : tm_arena_printf(r->ar, "%s data", tm_class_name(p->target_class)));
        S_int(r, pn, "n_steps", (long long)p->n_steps);
        const char **also = tm_arena_array(r->ar, p->n_also_from + 1, sizeof *also);
        for (size_t k = 0; k < p->n_also_from; k++) {
            const tm_ref *ref = tm_model_find(a->model, p->also_from[k]);
            also[k] = p->also_from[k];
            if (ref && ref->kind == TM_REF_ELEMENT)
                also[k] = S_name(ref->ptr);
            else if (ref && ref->kind == TM_REF_IDENTITY)
                also[k] = ((const tm_identity *)ref->ptr)->name;
        }
        S_texts(r, pn, "also_from", also, p->n_also_from);
        if (p->threat) {
            S_str(r, pn, "threat", p->threat->id);
            S_str(r, pn, "status", tm_status_name(p->threat->status));
            S_str(r, pn, "description", p->threat->description);
        }
        tm_node *steps = S_list(r);
        const char **tech = tm_arena_array(r->ar, p->n_steps + 1, sizeof *tech);
        size_t n_tech = 0;
        for (size_t k = 0; k < p->n_steps; k++) {
            const tm_path_step *s = &p->steps[k];
            tm_node *sn = S_map(r);
            S_int(r, sn, "number", (long long)(k + 1));
            S_str(r, sn, "kind", tm_step_kind_name(s->kind));
            S_str(r, sn, "text", s->text);
            S_str(r, sn, "condition", s->says);
            S_str(r, sn, "cut", s->cut);
            S_bool(r, sn, "conditional", s->conditional);
            S_str(r, sn, "part", S_step_part(r, s));
            S_str(r, sn, "part_anchor", S_part_anchor(r, s));
            S_str(r, sn, "part_md", S_part_md(r, s));
            if (s->technique) {
                S_str(r, sn, "technique", s->technique);
                S_str(r, sn, "technique_name", s->technique_name);
                S_str(r, sn, "technique_url", s->technique_url);
                tech[n_tech++] = s->technique;
            }
            if (s->loc.line)
                S_str(r, sn, "location",
                      tm_arena_printf(r->ar, "%s:%u:%u",
                                      s->loc.file ? s->loc.file : a->model->source,
                                      (unsigned)s->loc.line, (unsigned)s->loc.col));
            S_bool(r, sn, "has_facts", s->n_facts > 0);
            tm_node *facts = S_list(r);
            for (size_t f = 0; f < s->n_facts; f++) {
                const tm_path_fact *fa = &s->facts[f];
                tm_node *fn = S_map(r);
                S_str(r, fn, "path", fa->path);
                S_str(r, fn, "value", fa->value);
                S_bool(r, fn, "stated", fa->stated);
                if (fa->loc.line)
                    S_str(r, fn, "location",
                          tm_arena_printf(r->ar, "%s:%u:%u",
                                          fa->loc.file ? fa->loc.file : a->model->source,
                                          (unsigned)fa->loc.line, (unsigned)fa->loc.col));
                S_push(r, facts, fn);
            }
            S_put(r, sn, "facts", facts);
            S_push(r, steps, sn);
        }
        S_put(r, pn, "steps", steps);
        S_texts(r, pn, "techniques", tech, n_tech);
        S_push(r, l, pn);
    }
    S_put(r, n, "list", l);
    S_bool(r, n, "any", a->n_paths > 0);
    S_int(r, n, "count", (long long)a->n_paths);
    S_int(r, n, "critical", (long long)by_sev[TM_SEV_CRITICAL]);
    S_int(r, n, "high", (long long)by_sev[TM_SEV_HIGH]);
    S_str(r, n, "searched",
          tm_arena_printf(r->ar,
                          "%zu entry point%s searched (%zu in all), routes of at most %zu steps.",
                          sum->entries_searched, sum->entries_searched == 1 ? "" : "s",
                          sum->entries, sum->max_steps));
    tm_buf b;
    tm_buf_init(&b, 0);
    if (sum->cut_paths)
        tm_buf_printf(&b, "%zu paths were found; the %zu shortest are shown. ", sum->found,
                      a->n_paths);
    if (sum->cut_per_entry)
        tm_buf_printf(&b, "Some entry points reach more than %zu targets; their %zu nearest are "
                          "searched. ",
                      sum->max_per_entry, sum->max_per_entry);
    if (sum->cut_steps)
        tm_buf_printf(&b, "Some routes are longer than %zu steps and were not followed. ",
                      sum->max_steps);
    if (sum->cut_work)
        tm_buf_printf(&b, "The search stopped after %zu of %zu entry points (its work bound). ",
                      sum->entries_searched, sum->entries);
    if (b.len)
        S_str(r, n, "cut", tm_arena_strndup(r->ar, b.data, b.len - 1));
    tm_buf_free(&b);
    S_str(r, n, "heading", "Attack paths");
    S_str(r, n, "anchor", "attack-paths");
    return n;
}

/* S: dashboard counts, with bar lengths precomputed for logic-less templates. */
static tm_node *S_bar(rd *r, const char *key, const char *label, size_t count, size_t max)
{
    tm_node *n = S_map(r);
    S_str(r, n, "key", key);
    S_str(r, n, "label", label);
    S_int(r, n, "count", (long long)count);
    long long pct = max ? (long long)((count * 100 + max - 1) / max) : 0;
    S_int(r, n, "pct", pct);
    /* Geometry for the inline SVG bar charts: 0..300 px. */
    S_int(r, n, "width", max ? (long long)(count * 300 / max) : 0);
    return n;
}

static tm_node *S_chart(rd *r, tm_node *bars, const char *title)
{
    tm_node *c = S_map(r);
    S_str(r, c, "title", title);
    /* y positions for the SVG rows, 22 px apart */
    for (size_t i = 0; i < bars->n; i++) {
        S_int(r, bars->items[i], "y", (long long)(i * 22));
        S_int(r, bars->items[i], "ty", (long long)(i * 22 + 14));
    }
    S_put(r, c, "bars", bars);
    S_int(r, c, "height", (long long)(bars->n * 22));
    return c;
}

static tm_node *S_dashboard(rd *r)
{
    const tm_analysis *a = r->a;
    tm_node *d = S_map(r);
    size_t open = 0;
    for (int s = 0; s < TM_STATUS_COUNT; s++)
        if (tm_status_is_open((tm_status)s))
            open += a->by_status[s];
    S_int(r, d, "total", (long long)a->n_threats);
    S_int(r, d, "open", (long long)open);
    S_int(r, d, "decided", (long long)(a->n_threats - open));

    size_t max = 0;
    for (int s = TM_SEV_LOW; s <= TM_SEV_CRITICAL; s++)
        if (a->by_severity[s] > max)
            max = a->by_severity[s];
    tm_node *sev = S_list(r);
    for (int s = TM_SEV_CRITICAL; s >= TM_SEV_LOW; s--) {
        tm_node *b = S_bar(r, tm_severity_name((tm_severity)s), tm_severity_name((tm_severity)s),
                           a->by_severity[s], max);
        S_int(r, b, "open", (long long)a->open_by_severity[s]);
        S_push(r, sev, b);
    }
    S_put(r, d, "by_severity", S_chart(r, sev, "Threats by severity"));

    max = 0;
    for (int k = 0; k < 6; k++)
        if (a->by_stride[k] > max)
            max = a->by_stride[k];
    tm_node *st = S_list(r);
    for (int k = 0; k < 6; k++) {
        char letter[2] = {TM_STRIDE_LETTERS[k], 0};
        S_push(r, st, S_bar(r, tm_arena_strdup(r->ar, letter), tm_stride_name(k), a->by_stride[k], max));
    }
    S_put(r, d, "by_stride", S_chart(r, st, "Threats by STRIDE category"));

    max = 0;
    for (int s = 0; s < TM_STATUS_COUNT; s++)
        if (a->by_status[s] > max)
            max = a->by_status[s];
    tm_node *sts = S_list(r);
    for (int s = 0; s < TM_STATUS_COUNT; s++)
        S_push(r, sts, S_bar(r, tm_status_name((tm_status)s), tm_status_name((tm_status)s),
                             a->by_status[s], max));
    S_put(r, d, "by_status", S_chart(r, sts, "Threats by status"));

    /* Open threats by severity for the cover/summary box. */
    tm_node *box = S_list(r);
    for (int s = TM_SEV_CRITICAL; s >= TM_SEV_LOW; s--) {
        tm_node *n = S_map(r);
        S_str(r, n, "severity", tm_severity_name((tm_severity)s));
        S_int(r, n, "open", (long long)a->open_by_severity[s]);
        S_push(r, box, n);
    }
    S_put(r, d, "open_by_severity", box);
    return d;
}

/* S: the monitoring plan: for each element, the control-plane operations of
 * its type, plus those named by the rules behind its open threats. */
static tm_node *S_monitoring(rd *r)
{
    const tm_analysis *a = r->a;
    const tm_model *m = a->model;
    tm_node *l = S_list(r);
    for (size_t i = 0; i < m->n_elements; i++) {
        const tm_element_info *ei = &a->elements[i];
        if (ei->el->out_of_scope)
            continue;
        tm_vec ops = {0};
        if (ei->type)
            for (size_t k = 0; k < ei->type->n_monitor; k++)
                tm_vec_push(&ops, (void *)ei->type->monitor[k]);
        for (size_t t = 0; t < ei->n_threats; t++) {
            const tm_rule *rule = ei->threats[t]->rule;
            if (!tm_status_is_open(ei->threats[t]->status))
                continue;
            for (size_t k = 0; k < rule->n_monitor; k++) {
                int seen = 0;
                for (size_t j = 0; j < ops.len && !seen; j++)
                    seen = strcmp(ops.items[j], rule->monitor[k]) == 0;
                if (!seen)
                    tm_vec_push(&ops, (void *)rule->monitor[k]);
            }
        }
        if (!ops.len) {
            tm_vec_free(&ops);
            continue;
        }
        size_t n_ops;
        const char **o = (const char **)tm_vec_finish(&ops, r->ar, &n_ops);
        tm_node *n = S_map(r);
        S_str(r, n, "id", ei->el->id);
        S_str(r, n, "name", S_name(ei->el));
        S_str(r, n, "label", S_label(a, ei->el));
        S_texts(r, n, "operations", o, n_ops);
        S_push(r, l, n);
    }
    return l;
}

/* The LOSS checklist (the method, fixed text) with a count from the model
 * beside each item so a reviewer sees what the model holds. */
static tm_node *S_item(rd *r, const char *text, const char *count)
{
    tm_node *n = S_map(r);
    S_str(r, n, "text", text);
    S_str(r, n, "count", count);
    return n;
}

static tm_node *S_checklist(rd *r)
{
    const tm_analysis *a = r->a;
    const tm_model *m = a->model;
    tm_arena *ar = r->ar;
    tm_node *l = S_list(r);
    struct {
        const char *letter, *title, *anchor;
    } secs[4] = {{"L", "List all artifacts", "loss-l"},
                 {"O", "Overall picture", "loss-o"},
                 {"S", "Security weak points", "loss-s1"},
                 {"S", "Show", "loss-s2"}};
    for (int s = 0; s < 4; s++) {
        tm_node *sec = S_map(r);
        S_str(r, sec, "letter", secs[s].letter);
        S_str(r, sec, "title", secs[s].title);
        S_str(r, sec, "anchor", secs[s].anchor);
        tm_node *items = S_list(r);
        switch (s) {
        case 0:
            S_push(r, items, S_item(r, "Every running part is listed with its type, origin and owner",
                                    tm_arena_printf(ar, "%zu elements", m->n_elements)));
            S_push(r, items, S_item(r, "Every data asset is listed and classified",
                                    tm_arena_printf(ar, "%zu data assets", m->n_data)));
            S_push(r, items, S_item(r, "Every IAM role, user and key is listed with its statements",
                                    tm_arena_printf(ar, "%zu identities", m->n_identities)));
            S_push(r, items, S_item(r, "Deployment scripts, CI configs, libraries, SDKs, plugins and "
                                       "config with site IDs or API keys are listed with their owner",
                                    tm_arena_printf(ar, "%zu artifacts", m->n_artifacts)));
            S_push(r, items, S_item(r, "Third-party and open-source code is called out", NULL));
            break;
        case 1:
            S_push(r, items, S_item(r, "The data-flow diagram shows every element and flow",
                                    tm_arena_printf(ar, "%zu flows", m->n_flows)));
            S_push(r, items, S_item(r, "Trust boundaries and what crosses them are reviewed",
                                    tm_arena_printf(ar, "%zu boundaries", m->n_boundaries)));
            S_push(r, items, S_item(r, "The shared-responsibility split is agreed for every element", NULL));
            S_push(r, items, S_item(r, "Assumptions are written down and checked",
                                    tm_arena_printf(ar, "%zu assumptions", m->n_assumptions)));
            S_push(r, items, S_item(r, "Out-of-scope parts are justified and what they receive is known", NULL));
            S_push(r, items, S_item(r, "Implicit entry points (console, CLI, SDK, other APIs) are ruled out "
                                       "or covered", NULL));
            break;
        case 2:
            S_push(r, items, S_item(r, "Every threat has an owner and a status",
                                    tm_arena_printf(ar, "%zu threats", a->n_threats)));
            S_push(r, items, S_item(r, "Critical and high threats have a remedy planned",
                                    tm_arena_printf(ar, "%zu open critical or high",
                                                    a->open_by_severity[TM_SEV_CRITICAL] +
                                                        a->open_by_severity[TM_SEV_HIGH])));
            S_push(r, items, S_item(r, "Accepted risks carry a justification and a date", NULL));
            break;
        default:
            S_push(r, items, S_item(r, "A dashboard tracks open threats by severity and status", NULL));
            S_push(r, items, S_item(r, "Alerts exist for the key control-plane operations of every element", NULL));
            S_push(r, items, S_item(r, "CloudTrail (or equivalent) records management and data events", NULL));
            break;
        }
        S_put(r, sec, "items", items);
        S_push(r, l, sec);
    }
    return l;
}

/* The workshop worksheet: the seed article's questions, per element. */
static tm_node *S_worksheet(rd *r)
{
    static const char *const all_q[] = {
        "Special configuration at this entry point: site IDs, API keys, plugins, recent changes?",
        "How does it talk to its neighbours, over which protocols, and which ports are open?",
        "Which third-party libraries, SDKs, plugins or components does it include?",
        "Is its code in-house, third-party or open source, and who owns it?",
    };
    static const char *const proc_q[] = {
        "How are routes or handlers registered, and can a caller reach one that was not meant to be public?",
        "How is the request body or event received, and what limits its size and shape?",
        "Which required headers are checked, and what happens when they are missing or forged?",
        "Which sanity checks run on incoming data (event name, object key, message body) before it is used?",
        "Where does the data go next, and which external calls (APIs, libraries, SDKs) happen on the way?",
    };
    static const char *const store_q[] = {
        "Who can read and write it directly through the cloud API, console or CLI, bypassing the app?",
        "Is its data encrypted, versioned and backed up, and who holds the keys?",
    };
    const tm_model *m = r->a->model;
    tm_node *l = S_list(r);
    for (size_t i = 0; i < m->n_elements; i++) {
        const tm_element *e = m->elements[i];
        tm_node *n = S_map(r);
        S_str(r, n, "id", e->id);
        S_str(r, n, "name", S_name(e));
        S_str(r, n, "label", S_label(r->a, e));
        S_str(r, n, "kind", tm_kind_name(e->kind));
        tm_node *qs = S_list(r);
        for (size_t k = 0; k < sizeof all_q / sizeof *all_q; k++)
            S_push(r, qs, S_item(r, all_q[k], NULL));
        if (e->kind == TM_KIND_PROCESS)
            for (size_t k = 0; k < sizeof proc_q / sizeof *proc_q; k++)
                S_push(r, qs, S_item(r, proc_q[k], NULL));
        if (e->kind == TM_KIND_STORE)
            for (size_t k = 0; k < sizeof store_q / sizeof *store_q; k++)
                S_push(r, qs, S_item(r, store_q[k], NULL));
        S_put(r, n, "questions", qs);
        S_push(r, l, n);
    }
    return l;
}

static tm_node *S_loss_sections(rd *r)
{
    static const struct {
        const char *letter, *title, *anchor, *summary;
    } secs[4] = {
        {"L", "List all artifacts", "loss-l", "The bill of materials: what the system is made of."},
        {"O", "Overall picture", "loss-o",
         "How the parts connect, where trust changes, and who is responsible for what."},
        {"S", "Security weak points", "loss-s1", "Every threat found, by element, flow and boundary, with its remedy."},
        {"S", "Show", "loss-s2", "A dashboard and the operations to monitor."},
    };
    tm_node *l = S_list(r);
    for (int i = 0; i < 4; i++) {
        tm_node *n = S_map(r);
        S_str(r, n, "letter", secs[i].letter);
        S_str(r, n, "title", secs[i].title);
        S_str(r, n, "heading", tm_arena_printf(r->ar, "%s — %s", secs[i].letter, secs[i].title));
        S_str(r, n, "anchor", secs[i].anchor);
        S_str(r, n, "summary", secs[i].summary);
        S_push(r, l, n);
    }
    return l;
}

tm_node *tm_report_data(const tm_analysis *a, const tm_render_opts *o, tm_arena *arena)
{
    rd r = {arena, a};
    const tm_model *m = a->model;
    tm_node *root = S_map(&r);
    S_str(&r, root, "stridec_version", STRIDEC_VERSION);
    S_str(&r, root, "source", m->source);
    const char *date = o && o->date ? o->date : m->system.date;
    S_str(&r, root, "date", date);
    S_put(&r, root, "system", S_system(&r));
    tm_node *loss = S_loss_sections(&r);
    S_put(&r, root, "loss", loss);

    tm_node *l = S_map(&r);
    S_put(&r, l, "elements_by_type", S_elements_by_type(&r));
    S_put(&r, l, "data", S_data_assets(&r));
    S_put(&r, l, "identities", S_identities(&r));
    S_put(&r, l, "artifacts", S_artifacts(&r));
    S_put(&r, l, "third_party", S_third_party(&r));
    S_int(&r, l, "n_elements", (long long)m->n_elements);
    S_int(&r, l, "n_data", (long long)m->n_data);
    S_int(&r, l, "n_identities", (long long)m->n_identities);
    S_int(&r, l, "n_artifacts", (long long)m->n_artifacts);
    S_put(&r, l, "section", loss->items[0]); /* its LOSS heading and anchor */
    S_put(&r, root, "list", l);

    tm_node *ov = S_map(&r);
    S_put(&r, ov, "boundaries", S_boundaries(&r));
    S_put(&r, ov, "flows", S_flows(&r));
    S_put(&r, ov, "responsibility", S_responsibility(&r));
    S_put(&r, ov, "assumptions", S_assumptions(&r));
    S_put(&r, ov, "out_of_scope", S_out_of_scope(&r));
    S_put(&r, ov, "implicit", S_implicit(&r));
    S_int(&r, ov, "n_flows", (long long)m->n_flows);
    S_int(&r, ov, "n_boundaries", (long long)m->n_boundaries);
    S_put(&r, ov, "section", loss->items[1]); /* its LOSS heading and anchor */
    S_put(&r, root, "overall", ov);

    tm_node *wp = S_map(&r);
    S_put(&r, wp, "groups", S_weak_points(&r));
    S_put(&r, wp, "paths", S_paths(&r));
    S_int(&r, wp, "n_threats", (long long)a->n_threats);
    S_put(&r, wp, "section", loss->items[2]); /* its LOSS heading and anchor */
    S_put(&r, root, "weak", wp);

    tm_node *show = S_map(&r);
    S_put(&r, show, "dashboard", S_dashboard(&r));
    S_put(&r, show, "monitoring", S_monitoring(&r));
    S_put(&r, show, "section", loss->items[3]); /* its LOSS heading and anchor */
    S_put(&r, root, "show", show);

    S_put(&r, root, "checklist", S_checklist(&r));
    S_put(&r, root, "worksheet", S_worksheet(&r));
    return root;
}
