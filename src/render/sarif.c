/* threats.sarif: SARIF 2.1.0 for code-scanning dashboards. One result per
 * threat; reviewed threats (accepted, mitigated, ...) carry a suppression so
 * that dashboards show them as decided, not open. */
#include <stdlib.h>
#include <string.h>

#include "render/render_impl.h"
#include "stridec/doc.h"

static tm_node *S_map(tm_arena *ar)
{
    return tm_node_new(ar, TM_NODE_MAP, NULL, 0, 0);
}

static tm_node *S_list(tm_arena *ar)
{
    return tm_node_new(ar, TM_NODE_LIST, NULL, 0, 0);
}

static void S_str(tm_arena *ar, tm_node *m, const char *k, const char *v)
{
    tm_node_map_put(ar, m, k, 0, 0, tm_node_string(ar, v ? v : ""));
}

static tm_node *S_text(tm_arena *ar, const char *v)
{
    tm_node *m = S_map(ar);
    S_str(ar, m, "text", v);
    return m;
}

static const char *S_level(tm_severity s)
{
    switch (s) {
    case TM_SEV_CRITICAL:
    case TM_SEV_HIGH:
        return "error";
    case TM_SEV_MEDIUM:
        return "warning";
    default:
        return "note";
    }
}

/* GitHub code scanning reads properties.security-severity (0.0-10.0). */
static const char *S_security_severity(tm_severity s)
{
    switch (s) {
    case TM_SEV_CRITICAL:
        return "9.5";
    case TM_SEV_HIGH:
        return "8.0";
    case TM_SEV_MEDIUM:
        return "5.5";
    default:
        return "3.0";
    }
}

/* A rule's own text for the rule list, where no element is at hand: its
 * placeholders read as words ("{element.name}" -> "the element",
 * "{identity.users}" -> "the identity's users"), not as template syntax. */
static const char *S_generic(tm_arena *ar, const char *text)
{
    if (!text || !strchr(text, '{'))
        return text;
    tm_buf b;
    tm_buf_init(&b, 0);
    for (const char *p = text; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        const char *dot = close ? memchr(p, '.', (size_t)(close - p)) : NULL;
        if (!close || !dot || dot == p + 1) {
            tm_buf_putc(&b, *p++);
            continue;
        }
        tm_buf_puts(&b, p == text ? "The " : "the ");
        tm_buf_put(&b, p + 1, (size_t)(dot - p - 1));
        if ((size_t)(close - dot - 1) != 4 || strncmp(dot + 1, "name", 4) != 0) {
            tm_buf_puts(&b, "'s ");
            for (const char *q = dot + 1; q < close; q++)
                tm_buf_putc(&b, *q == '.' || *q == '_' ? ' ' : *q);
        }
        p = close + 1;
    }
    const char *r = tm_arena_strdup(ar, b.data ? b.data : "");
    tm_buf_free(&b);
    return r;
}

static int S_rule_cmp(const void *a, const void *b)
{
    const tm_rule *ra = *(const tm_rule *const *)a, *rb = *(const tm_rule *const *)b;
    return strcmp(ra->id, rb->id);
}

/* One result: the threat, where it is, its rule (by index into the rule
 * list) and, once reviewed, its suppression. */
static tm_node *S_result(tm_arena *ar, const tm_model *m, const tm_threat *t, size_t rule_index)
{
    tm_node *res = S_map(ar);
    S_str(ar, res, "ruleId", t->rule->id);
    tm_node_map_put(ar, res, "ruleIndex", 0, 0, tm_node_int(ar, (long long)rule_index));
    S_str(ar, res, "level", S_level(t->severity));
    tm_node_map_put(ar, res, "message", 0, 0,
                    S_text(ar, tm_arena_printf(ar, "%s: %s", t->id, t->title)));
    tm_node *locs = S_list(ar), *loc = S_map(ar), *phys = S_map(ar), *art = S_map(ar);
    S_str(ar, art, "uri", t->loc.file ? t->loc.file : m->source);
    tm_node_map_put(ar, phys, "artifactLocation", 0, 0, art);
    if (t->loc.line) {
        tm_node *region = S_map(ar);
        tm_node_map_put(ar, region, "startLine", 0, 0, tm_node_int(ar, t->loc.line));
        if (t->loc.col)
            tm_node_map_put(ar, region, "startColumn", 0, 0, tm_node_int(ar, t->loc.col));
        tm_node_map_put(ar, phys, "region", 0, 0, region);
    }
    tm_node_map_put(ar, loc, "physicalLocation", 0, 0, phys);
    tm_node *logical = S_list(ar), *lg = S_map(ar);
    S_str(ar, lg, "name", t->target_id);
    S_str(ar, lg, "kind", tm_target_type_name(t->target_type));
    tm_node_list_push(ar, logical, lg);
    tm_node_map_put(ar, loc, "logicalLocations", 0, 0, logical);
    tm_node_list_push(ar, locs, loc);
    tm_node_map_put(ar, res, "locations", 0, 0, locs);
    tm_node *fp = S_map(ar);
    S_str(ar, fp, "stridecThreatId/v1", t->id);
    tm_node_map_put(ar, res, "partialFingerprints", 0, 0, fp);
    if (!tm_status_is_open(t->status)) {
        tm_node *sups = S_list(ar), *sup = S_map(ar);
        S_str(ar, sup, "kind", "external");
        S_str(ar, sup, "status", "accepted");
        S_str(ar, sup, "justification",
              tm_arena_printf(ar, "%s%s%s", tm_status_name(t->status),
                              t->decision && t->decision->justification ? ": " : "",
                              t->decision && t->decision->justification ? t->decision->justification
                                                                        : ""));
        tm_node_list_push(ar, sups, sup);
        tm_node_map_put(ar, res, "suppressions", 0, 0, sups);
    }
    tm_node *props = S_map(ar);
    S_str(ar, props, "severity", tm_severity_name(t->severity));
    S_str(ar, props, "status", tm_status_name(t->status));
    S_str(ar, props, "mitigation", t->mitigation);
    tm_node_map_put(ar, res, "properties", 0, 0, props);
    return res;
}

int tm_render_sarif(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d)
{
    (void)o;
    tm_arena *ar = tm_arena_new();
    const tm_model *m = a->model;

    /* The rules that produced threats, by id; their index for results. */
    const tm_rule **used = tm_arena_array(ar, a->n_threats + 1, sizeof *used);
    size_t n_used = 0;
    for (size_t i = 0; i < a->n_threats; i++) {
        const tm_rule *r = a->threats[i]->rule;
        int seen = 0;
        for (size_t k = 0; k < n_used && !seen; k++)
            seen = used[k] == r;
        if (!seen)
            used[n_used++] = r;
    }
    qsort(used, n_used, sizeof *used, S_rule_cmp);

    tm_node *tool = S_map(ar), *driver = S_map(ar);
    S_str(ar, driver, "name", "stridec");
    S_str(ar, driver, "version", STRIDEC_VERSION);
    S_str(ar, driver, "semanticVersion", STRIDEC_VERSION);
    tm_node *rules = S_list(ar);
    for (size_t k = 0; k < n_used; k++) {
        const tm_rule *r = used[k];
        tm_node *rn = S_map(ar);
        S_str(ar, rn, "id", r->id);
        tm_node_map_put(ar, rn, "shortDescription", 0, 0, S_text(ar, S_generic(ar, r->title)));
        if (r->description)
            tm_node_map_put(ar, rn, "fullDescription", 0, 0,
                            S_text(ar, S_generic(ar, r->description)));
        tm_node_map_put(ar, rn, "help", 0, 0, S_text(ar, S_generic(ar, r->mitigation)));
        tm_node *props = S_map(ar), *tags = S_list(ar);
        tm_node_list_push(ar, tags, tm_node_string(ar, "security"));
        tm_node_list_push(ar, tags, tm_node_string(ar, "threat-model"));
        for (int b = 0; b < 6; b++)
            if (r->stride & (1u << b)) {
                char t[16] = "STRIDE-";
                t[7] = TM_STRIDE_LETTERS[b];
                t[8] = '\0';
                tm_node_list_push(ar, tags, tm_node_string(ar, t));
            }
        for (size_t i = 0; i < r->n_references; i++)
            tm_node_list_push(ar, tags, tm_node_string(ar, r->references[i]));
        tm_node_map_put(ar, props, "tags", 0, 0, tags);
        S_str(ar, props, "security-severity",
              S_security_severity(tm_score(r->likelihood, r->impact, TM_CLASS_NONE)));
        tm_node_map_put(ar, rn, "properties", 0, 0, props);
        tm_node_list_push(ar, rules, rn);
    }
    tm_node_map_put(ar, driver, "rules", 0, 0, rules);
    tm_node_map_put(ar, tool, "driver", 0, 0, driver);

    /* The results are most of the file (one per threat): each is built in a
     * scratch arena and written at once, in exactly the bytes tm_write_json
     * gives for the whole document. */
    tm_buf_puts(out, "{\n"
                     "  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
                     "  \"version\": \"2.1.0\",\n"
                     "  \"runs\": [\n    {\n      \"tool\": ");
    tm_write_json_at(tool, out, 6);
    tm_buf_puts(out, ",\n      \"results\": ");
    if (a->n_threats == 0)
        tm_buf_puts(out, "[]");
    else
        tm_buf_puts(out, "[\n");
    tm_arena *scratch = tm_arena_new();
    for (size_t i = 0; i < a->n_threats; i++) {
        const tm_threat *t = a->threats[i];
        size_t idx = 0;
        while (idx < n_used && used[idx] != t->rule)
            idx++;
        tm_node *res = S_result(scratch, m, t, idx);
        tm_buf_puts(out, "        ");
        tm_write_json_at(res, out, 8);
        tm_buf_puts(out, i + 1 < a->n_threats ? ",\n" : "\n      ]");
        tm_arena_reset(scratch);
    }
    tm_arena_free(scratch);
    tm_buf_puts(out, "\n    }\n  ]\n}\n");
    int rc = 0;
    if (out->failed) {
        tm_diag_add(d, TM_DIAG_ERROR, "output", NULL, 0, 0, "threats.sarif is larger than the output limit");
        rc = -1;
    }
    tm_arena_free(ar);
    return rc;
}
