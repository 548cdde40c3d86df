/* threats.sarif: SARIF 2.1.0 for code-scanning dashboards (GitHub code
 * scanning reads what is listed here). One run per model, named by
 * automationDetails.id ("stridec/MODEL/"), so several models of one
 * repository upload side by side; one result per threat.
 *
 * Each rule is a reporting descriptor with its help (helpUri to the rule
 * in the rule library, help.markdown with description, mitigation and
 * references). Dashboards rank a result by its rule's security-severity,
 * and a threat's severity is the rule's rating raised by the data at stake,
 * so a rule whose threats differ in severity is split: one descriptor per
 * severity, "RULE-ID/critical", "RULE-ID/high", each with the
 * security-severity of its threats. A rule whose threats share one severity
 * keeps its plain id. Every result also carries properties.severity and
 * properties.security-severity. Reviewed threats (accepted, mitigated,
 * transferred, false positive) carry a suppression with the decision's
 * justification, so that dashboards show them as decided, not open. */
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

/* GitHub code scanning reads properties.security-severity (0.0-10.0) and
 * calls 9.0 and above critical, 7.0 high, 4.0 medium, below that low. */
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

/* ------------------------------------------------------ rule descriptors */

/* A rule that produced threats, and the descriptor of each severity they
 * have (-1: none at that severity). */
typedef struct {
    const tm_rule *rule;
    int at[TM_SEV_COUNT];
    int n_sev;
} S_use;

typedef struct {
    S_use **uses; /* by rule id */
    size_t n_uses;
    tm_map *by_id; /* rule id -> S_use */
} S_rules;

static int S_use_cmp(const void *a, const void *b)
{
    const S_use *ua = *(const S_use *const *)a, *ub = *(const S_use *const *)b;
    return strcmp(ua->rule->id, ub->rule->id);
}

/* The descriptors of every analysis' threats: one per rule and severity,
 * rules in id order, severities from critical down. */
static void S_collect(tm_arena *ar, const tm_analysis *a, S_rules *rs)
{
    rs->by_id = tm_map_new(256);
    tm_vec v = {0};
    for (size_t i = 0; i < a->n_threats; i++) {
        const tm_threat *t = a->threats[i];
        S_use *u = tm_map_get(rs->by_id, t->rule->id);
        if (!u) {
            u = tm_arena_alloc(ar, sizeof *u);
            memset(u, 0, sizeof *u);
            u->rule = t->rule;
            for (int k = 0; k < TM_SEV_COUNT; k++)
                u->at[k] = -1;
            tm_map_put(rs->by_id, t->rule->id, u);
            tm_vec_push(&v, u);
        }
        if (u->at[t->severity] < 0) {
            u->at[t->severity] = 0;
            u->n_sev++;
        }
    }
    rs->uses = (S_use **)tm_vec_finish(&v, ar, &rs->n_uses);
    if (rs->n_uses > 1)
        qsort(rs->uses, rs->n_uses, sizeof *rs->uses, S_use_cmp);
    int next = 0;
    for (size_t i = 0; i < rs->n_uses; i++)
        for (int s = TM_SEV_CRITICAL; s >= TM_SEV_NONE; s--)
            if (rs->uses[i]->at[s] >= 0)
                rs->uses[i]->at[s] = next++;
}

/* "RULE-ID", or "RULE-ID/high" for a split rule. */
static const char *S_desc_id(tm_arena *ar, const S_use *u, tm_severity s)
{
    return u->n_sev > 1 ? tm_arena_printf(ar, "%s/%s", u->rule->id, tm_severity_name(s)) : u->rule->id;
}

/* Text for Markdown: what could start markup (emphasis, code, links, HTML)
 * is escaped, so a rule's words stay words; '_' inside words, the only way
 * rule texts use it, is no markup in CommonMark. */
static void S_md(tm_buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (strchr("\\`*<>[]", *s))
            tm_buf_putc(b, '\\');
        tm_buf_putc(b, *s);
    }
}

/* A reference as a link where it names a catalogue entry (CWE, CAPEC). */
static void S_md_reference(tm_buf *b, const char *ref)
{
    static const struct {
        const char *prefix, *url;
    } links[] = {{"CWE-", "https://cwe.mitre.org/data/definitions/%s.html"},
                 {"CAPEC-", "https://capec.mitre.org/data/definitions/%s.html"}};
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        size_t n = strlen(links[i].prefix);
        const char *num = ref + n;
        if (strncmp(ref, links[i].prefix, n) != 0 || !*num || strspn(num, "0123456789") != strlen(num))
            continue;
        tm_buf_printf(b, "[%s](", ref);
        tm_buf_printf(b, links[i].url, num);
        tm_buf_putc(b, ')');
        return;
    }
    S_md(b, ref);
}

/* help.markdown: what the rule finds, what to do, where it comes from. */
static const char *S_help_markdown(tm_arena *ar, const tm_rule *r, tm_severity s, int split)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, "**");
    S_md(&b, S_generic(ar, r->title));
    tm_buf_puts(&b, "**\n\n");
    if (r->description) {
        S_md(&b, S_generic(ar, r->description));
        tm_buf_puts(&b, "\n\n");
    }
    if (r->mitigation) {
        tm_buf_puts(&b, "**Mitigation:** ");
        S_md(&b, S_generic(ar, r->mitigation));
        tm_buf_puts(&b, "\n\n");
    }
    tm_buf_puts(&b, "**STRIDE:** ");
    int first = 1;
    for (int k = 0; k < 6; k++)
        if (r->stride & (1u << k)) {
            tm_buf_printf(&b, "%s%s", first ? "" : ", ", tm_stride_name(k));
            first = 0;
        }
    tm_buf_printf(&b, ". **Applies to:** %s. **Rating:** likelihood %s, impact %s",
                  tm_applies_name(r->applies_to), tm_likelihood_name(r->likelihood),
                  tm_impact_name(r->impact));
    if (split)
        tm_buf_printf(&b, "; these results are the rule's %s threats (raised by the data at stake)",
                      tm_severity_name(s));
    tm_buf_puts(&b, ".\n");
    if (r->n_references) {
        tm_buf_puts(&b, "\n**References:** ");
        for (size_t i = 0; i < r->n_references; i++) {
            if (i)
                tm_buf_puts(&b, ", ");
            S_md_reference(&b, r->references[i]);
        }
        tm_buf_puts(&b, "\n");
    }
    if (r->loc.file) {
        tm_buf_puts(&b, "\nRule `");
        tm_buf_puts(&b, r->id);
        tm_buf_puts(&b, "` in ");
        S_md(&b, r->loc.file);
        tm_buf_printf(&b, " line %u; `stridec rules show %s` prints it.\n", (unsigned)r->loc.line, r->id);
    }
    const char *md = tm_arena_strdup(ar, b.data ? b.data : "");
    tm_buf_free(&b);
    return md;
}

/* helpUri: the rule's definition in the rule library of this version, for
 * the rules shipped with stridec (a team's own rule files have no public
 * address). NULL when there is none. */
static const char *S_help_uri(tm_arena *ar, const tm_rule *r)
{
    if (!r->builtin || !r->loc.file)
        return NULL;
    return tm_arena_printf(ar, "%s/blob/v%s/%s#L%u", STRIDEC_URL, STRIDEC_VERSION, r->loc.file,
                           (unsigned)r->loc.line);
}

static tm_node *S_descriptor(tm_arena *ar, const S_use *u, tm_severity s)
{
    const tm_rule *r = u->rule;
    tm_node *rn = S_map(ar);
    S_str(ar, rn, "id", S_desc_id(ar, u, s));
    tm_node_map_put(ar, rn, "shortDescription", 0, 0, S_text(ar, S_generic(ar, r->title)));
    if (r->description)
        tm_node_map_put(ar, rn, "fullDescription", 0, 0, S_text(ar, S_generic(ar, r->description)));
    const char *uri = S_help_uri(ar, r);
    if (uri)
        S_str(ar, rn, "helpUri", uri);
    tm_node *help = S_text(ar, S_generic(ar, r->mitigation));
    S_str(ar, help, "markdown", S_help_markdown(ar, r, s, u->n_sev > 1));
    tm_node_map_put(ar, rn, "help", 0, 0, help);
    tm_node *conf = S_map(ar);
    S_str(ar, conf, "level", S_level(s));
    tm_node_map_put(ar, rn, "defaultConfiguration", 0, 0, conf);
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
    S_str(ar, props, "security-severity", S_security_severity(s));
    tm_node_map_put(ar, rn, "properties", 0, 0, props);
    return rn;
}

/* --------------------------------------------------------------- results */

/* A reviewed threat's suppression: decided in the model itself (its
 * `threats:` section), with the decision's status and justification, and
 * where the decision is written. */
static tm_node *S_suppressions(tm_arena *ar, const tm_model *m, const tm_threat *t)
{
    const tm_decision *dec = t->decision;
    tm_node *sups = S_list(ar), *sup = S_map(ar);
    S_str(ar, sup, "kind", "inSource");
    S_str(ar, sup, "status", "accepted");
    S_str(ar, sup, "justification",
          tm_arena_printf(ar, "%s%s%s", tm_status_name(t->status), dec && dec->justification ? ": " : "",
                          dec && dec->justification ? dec->justification : ""));
    if (dec && dec->loc.line) {
        tm_node *loc = S_map(ar), *phys = S_map(ar), *art = S_map(ar), *region = S_map(ar);
        S_str(ar, art, "uri", dec->loc.file ? dec->loc.file : m->source);
        tm_node_map_put(ar, phys, "artifactLocation", 0, 0, art);
        tm_node_map_put(ar, region, "startLine", 0, 0, tm_node_int(ar, dec->loc.line));
        if (dec->loc.col)
            tm_node_map_put(ar, region, "startColumn", 0, 0, tm_node_int(ar, dec->loc.col));
        tm_node_map_put(ar, phys, "region", 0, 0, region);
        tm_node_map_put(ar, loc, "physicalLocation", 0, 0, phys);
        tm_node_map_put(ar, sup, "location", 0, 0, loc);
    }
    tm_node_list_push(ar, sups, sup);
    return sups;
}


/* One result: the threat, where it is, its descriptor and, once reviewed,
 * its suppression. */
/* An attack path's steps as a code flow: one thread-flow location per step,
 * where the model states it, with what happens there (code scanning shows
 * them as the path's steps). */
static void S_code_flow(tm_arena *ar, const tm_model *m, const tm_path *p, tm_node *res)
{
    tm_node *tf = S_map(ar), *locs = S_list(ar);
    for (size_t k = 0; k < p->n_steps; k++) {
        const tm_path_step *st = &p->steps[k];
        tm_node *tl = S_map(ar), *loc = S_map(ar), *phys = S_map(ar), *art = S_map(ar);
        S_str(ar, art, "uri", st->loc.file ? st->loc.file : m->source);
        tm_node_map_put(ar, phys, "artifactLocation", 0, 0, art);
        if (st->loc.line) {
            tm_node *region = S_map(ar);
            tm_node_map_put(ar, region, "startLine", 0, 0, tm_node_int(ar, st->loc.line));
            if (st->loc.col)
                tm_node_map_put(ar, region, "startColumn", 0, 0, tm_node_int(ar, st->loc.col));
            tm_node_map_put(ar, phys, "region", 0, 0, region);
        }
        tm_node_map_put(ar, loc, "physicalLocation", 0, 0, phys);
        tm_node_map_put(ar, loc, "message", 0, 0,
                        S_text(ar, tm_arena_printf(ar, "%zu. %s: %s", k + 1,
                                                   tm_step_kind_name(st->kind), st->text)));
        tm_node_map_put(ar, tl, "location", 0, 0, loc);
        tm_node_list_push(ar, locs, tl);
    }
    tm_node_map_put(ar, tf, "locations", 0, 0, locs);
    tm_node *tfs = S_list(ar), *cf = S_map(ar), *cfs = S_list(ar);
    tm_node_list_push(ar, tfs, tf);
    tm_node_map_put(ar, cf, "threadFlows", 0, 0, tfs);
    tm_node_list_push(ar, cfs, cf);
    tm_node_map_put(ar, res, "codeFlows", 0, 0, cfs);
}

static tm_node *S_result(tm_arena *ar, const tm_model *m, const tm_threat *t, const S_use *u)
{
    tm_node *res = S_map(ar);
    S_str(ar, res, "ruleId", S_desc_id(ar, u, t->severity));
    tm_node_map_put(ar, res, "ruleIndex", 0, 0, tm_node_int(ar, (long long)u->at[t->severity]));
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
    if (!tm_status_is_open(t->status))
        tm_node_map_put(ar, res, "suppressions", 0, 0, S_suppressions(ar, m, t));
    tm_node *props = S_map(ar);
    S_str(ar, props, "severity", tm_severity_name(t->severity));
    S_str(ar, props, "security-severity", S_security_severity(t->severity));
    S_str(ar, props, "status", tm_status_name(t->status));
    S_str(ar, props, "mitigation", t->mitigation);
    tm_node_map_put(ar, res, "properties", 0, 0, props);
    return res;
}

/* ------------------------------------------------------------------ runs */

/* automationDetails.id: "stridec/MODEL/", MODEL the model's path as given
 * (without a leading "./"); code scanning takes what comes before the last
 * '/' as the category that keeps each model's results apart. */
static const char *S_automation_id(tm_arena *ar, const tm_model *m)
{
    const char *src = m->source ? m->source : "model";
    while (src[0] == '.' && src[1] == '/')
        src += 2;
    return tm_arena_printf(ar, "stridec/%s/", src);
}

/* One run, from "{" to "}", at indentation 4. */
static void S_run(const tm_analysis *a, tm_buf *out)
{
    tm_arena *ar = tm_arena_new();
    const tm_model *m = a->model;
    S_rules rs;
    S_collect(ar, a, &rs);

    tm_node *tool = S_map(ar), *driver = S_map(ar);
    S_str(ar, driver, "name", "stridec");
    S_str(ar, driver, "version", STRIDEC_VERSION);
    S_str(ar, driver, "semanticVersion", STRIDEC_VERSION);
    S_str(ar, driver, "informationUri", STRIDEC_URL);
    tm_node *rules = S_list(ar);
    for (size_t i = 0; i < rs.n_uses; i++)
        for (int s = TM_SEV_CRITICAL; s >= TM_SEV_NONE; s--)
            if (rs.uses[i]->at[s] >= 0)
                tm_node_list_push(ar, rules, S_descriptor(ar, rs.uses[i], (tm_severity)s));
    tm_node_map_put(ar, driver, "rules", 0, 0, rules);
    tm_node_map_put(ar, tool, "driver", 0, 0, driver);
    tm_node *auto_ = S_map(ar);
    S_str(ar, auto_, "id", S_automation_id(ar, m));

    tm_buf_puts(out, "{\n      \"tool\": ");
    tm_write_json_at(tool, out, 6);
    tm_buf_puts(out, ",\n      \"automationDetails\": ");
    tm_write_json_at(auto_, out, 6);
    /* The results are most of the file (one per threat): each is built in a
     * scratch arena and written at once, in exactly the bytes tm_write_json
     * gives for the whole document. */
    tm_buf_puts(out, ",\n      \"results\": ");
    tm_buf_puts(out, a->n_threats ? "[\n" : "[]");
    tm_arena *scratch = tm_arena_new();
    for (size_t i = 0; i < a->n_threats; i++) {
        const tm_threat *t = a->threats[i];
        tm_node *res = S_result(scratch, m, t, tm_map_get(rs.by_id, t->rule->id));
        for (size_t k = 0; k < a->n_paths; k++)
            if (a->paths[k].threat == t)
                S_code_flow(scratch, m, &a->paths[k], res);
        tm_buf_puts(out, "        ");
        tm_write_json_at(res, out, 8);
        tm_buf_puts(out, i + 1 < a->n_threats ? ",\n" : "\n      ]");
        tm_arena_reset(scratch);
    }
    tm_arena_free(scratch);
    tm_buf_puts(out, "\n    }");
    tm_map_free(rs.by_id);
    tm_arena_free(ar);
}

int tm_render_sarif_runs(const tm_analysis *const *runs, size_t n, const tm_render_opts *o, tm_buf *out,
                         tm_diags *d)
{
    (void)o;
    tm_buf_puts(out, "{\n"
                     "  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
                     "  \"version\": \"2.1.0\",\n"
                     "  \"runs\": [");
    for (size_t i = 0; i < n; i++) {
        tm_buf_puts(out, i ? ",\n    " : "\n    ");
        S_run(runs[i], out);
    }
    tm_buf_puts(out, n ? "\n  ]\n}\n" : "]\n}\n");
    if (out->failed) {
        tm_diag_add(d, TM_DIAG_ERROR, "output", NULL, 0, 0, "threats.sarif is larger than the output limit");
        return -1;
    }
    return 0;
}

int tm_render_sarif(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d)
{
    return tm_render_sarif_runs(&a, 1, o, out, d);
}
