/* The data-flow diagram renderers (dot.c, image.c): golden DOT, determinism,
 * Graphviz accepts what we write, SVG/PNG well-formed, model text cannot
 * inject markup or nodes, Unicode, split mode, implicit entry points, grids
 * for wide ranks, PNG size limits and a quiet stderr.
 *
 * Golden files: tests/golden/NAME.dot. After an intended change, regenerate
 * them with STRIDEC_UPDATE_GOLDEN=1 and review the diff. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cgraph.h>
#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "stridec/analysis.h"
#include "render/dfd.h"
#include "stridec/render.h"
#include "testutil.h"

/* ------------------------------------------------------------ helpers */

typedef struct {
    tm_diags *d;
    tm_catalog *cat;
    tm_ruleset *rules;
    tm_model *model;
    tm_analysis *a;
} S_run;

static void S_analyze(S_run *r, const char *path)
{
    memset(r, 0, sizeof *r);
    r->d = tm_diags_new();
    r->cat = tm_catalog_builtin(r->d);
    ck_assert_ptr_nonnull(r->cat);
    r->rules = tm_ruleset_new();
    ck_assert_int_eq(tm_ruleset_add_builtin(r->rules, r->d), 0);
    tm_load_opts lo;
    memset(&lo, 0, sizeof lo);
    r->model = tm_model_load(path, &lo, r->d);
    if (!r->model) {
        tm_buf b;
        tm_buf_init(&b, 0);
        tm_diags_format(r->d, &b);
        ck_abort_msg("model %s did not load:\n%s", path, b.data ? b.data : "");
    }
    r->a = tm_analyze(r->model, r->cat, r->rules, NULL, r->d);
    ck_assert_ptr_nonnull(r->a);
}

static void S_free(S_run *r)
{
    tm_analysis_free(r->a);
    tm_model_free(r->model);
    tm_ruleset_free(r->rules);
    tm_catalog_free(r->cat);
    tm_diags_free(r->d);
}

static void S_opts(tm_render_opts *o)
{
    memset(o, 0, sizeof *o);
    o->dfd_direction = "TB";
}

/* Render one format; the text is malloc'd (caller frees). */
static char *S_render(const tm_analysis *a, tm_render_opts *o, tm_render_fn fn, size_t *len)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_diags *d = tm_diags_new();
    ck_assert_int_eq(fn(a, o, &b, d), 0);
    ck_assert_uint_eq(tm_diags_errors(d), 0);
    tm_diags_free(d);
    *len = b.len;
    char *s = tm_buf_detach(&b);
    return s ? s : tm_xstrdup("");
}

static char *S_write_model(const char *dir, const char *name, const char *text)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = tm_xmalloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Node count of DOT text, parsed by cgraph (what `dot` itself would see). */
static int S_dot_nodes(const char *dot)
{
    Agraph_t *g = agmemread(dot);
    ck_assert_msg(g != NULL, "cgraph cannot parse the DOT text");
    int n = agnnodes(g);
    agclose(g);
    return n;
}

/* `dot -Tsvg` (the Graphviz command, only as an external validator here)
 * accepts the text without errors. */
static void S_dot_accepts(const char *text)
{
    char *dir = tu_tmpdir();
    char *path = S_write_model(dir, "g.dot", text);
    size_t n = strlen(path) * 2 + 64;
    char *cmd = tm_xmalloc(n);
    snprintf(cmd, n, "dot -Tsvg '%s' -o /dev/null 2>'%s.err'", path, path);
    int rc = system(cmd);
    snprintf(cmd, n, "%s.err", path);
    size_t elen = 0;
    char *err = tu_slurp(cmd, &elen);
    ck_assert_msg(rc == 0 && elen == 0, "dot rejected the DOT text (rc %d): %s", rc,
                  err ? err : "");
    free(err);
    free(cmd);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

typedef struct {
    int scripts, foreign, on_attrs, element_nodes, nodes;
    int linked_nodes, linked_edges; /* <g class=node|edge> holding <title> and <a xlink:href> */
    char first_href[256];           /* of the first linked element node */
} S_svg_facts;

/* The link of a node or edge group: its <a>'s xlink:href, when the group
 * also has a non-empty <title> (the tooltip). */
static xmlChar *S_group_link(xmlNode *g)
{
    int titled = 0;
    for (xmlNode *k = g->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)k->name, "title") == 0) {
            xmlChar *t = xmlNodeGetContent(k);
            titled = t && t[0];
            xmlFree(t);
        }
        if (strcmp((const char *)k->name, "a") == 0 && titled)
            return xmlGetNsProp(k, (const xmlChar *)"href",
                                (const xmlChar *)"http://www.w3.org/1999/xlink");
    }
    return NULL;
}

static void S_walk(xmlNode *n, S_svg_facts *f)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)n->name;
        if (strcmp(name, "script") == 0)
            f->scripts++;
        if (strcmp(name, "foreignObject") == 0)
            f->foreign++;
        for (xmlAttr *at = n->properties; at; at = at->next)
            if ((at->name[0] == 'o' || at->name[0] == 'O') &&
                (at->name[1] == 'n' || at->name[1] == 'N'))
                f->on_attrs++;
        if (strcmp(name, "g") == 0) {
            xmlChar *cls = xmlGetProp(n, (const xmlChar *)"class");
            xmlChar *id = xmlGetProp(n, (const xmlChar *)"id");
            xmlChar *href = S_group_link(n);
            if (cls && strcmp((const char *)cls, "node") == 0) {
                f->nodes++;
                /* the node's id is its generated name: dfd-e<index> for elements */
                const char *s = (const char *)id;
                if (s && strncmp(s, "dfd-e", 5) == 0 && s[5] &&
                    strspn(s + 5, "0123456789") == strlen(s + 5)) {
                    f->element_nodes++;
                    if (href && !f->first_href[0])
                        snprintf(f->first_href, sizeof f->first_href, "%s", (const char *)href);
                }
                f->linked_nodes += href != NULL;
            }
            if (cls && strcmp((const char *)cls, "edge") == 0)
                f->linked_edges += href != NULL;
            xmlFree(href);
            xmlFree(id);
            xmlFree(cls);
        }
        S_walk(n->children, f);
    }
}

/* Parse an SVG with libxml2 (no network, no entities) and gather facts. */
static S_svg_facts S_svg(const char *svg, size_t len)
{
    S_svg_facts f = {0};
    xmlDoc *doc = xmlReadMemory(svg, (int)len, "dfd.svg", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                                XML_PARSE_NOWARNING);
    ck_assert_msg(doc != NULL, "the SVG is not well-formed XML");
    S_walk(xmlDocGetRootElement(doc), &f);
    xmlFreeDoc(doc);
    return f;
}

static void S_check_png(const char *png, size_t len)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    ck_assert_uint_gt(len, 1000);
    ck_assert_int_eq(memcmp(png, sig, 8), 0);
    ck_assert_int_eq(memcmp(png + 12, "IHDR", 4), 0);
    const unsigned char *p = (const unsigned char *)png + 16;
    unsigned long w = (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | p[2] << 8 | p[3];
    unsigned long h = (unsigned long)p[4] << 24 | (unsigned long)p[5] << 16 | p[6] << 8 | p[7];
    ck_assert_uint_gt(w, 100);
    ck_assert_uint_gt(h, 50);
    ck_assert_uint_lt(w, 40000);
    ck_assert_uint_lt(h, 40000);
}

/* ------------------------------------------------------------- golden */

static void S_golden_at(const char *model_path, const char *golden)
{
    S_run r;
    S_analyze(&r, model_path);
    tm_render_opts o;
    S_opts(&o);
    size_t len;
    char *dot = S_render(r.a, &o, tm_render_dot, &len);
    tm_render_cache_free(&o);
    const char *gpath = tu_path(golden);
    if (getenv("STRIDEC_UPDATE_GOLDEN")) {
        FILE *f = fopen(gpath, "wb");
        ck_assert_ptr_nonnull(f);
        fwrite(dot, 1, len, f);
        fclose(f);
    }
    size_t glen = 0;
    char *want = tu_slurp(gpath, &glen);
    ck_assert_msg(want != NULL, "missing %s (STRIDEC_UPDATE_GOLDEN=1 writes it)", golden);
    if (glen != len || memcmp(want, dot, len) != 0) {
        size_t i = 0;
        while (i < len && i < glen && want[i] == dot[i])
            i++;
        size_t from = i > 80 ? i - 80 : 0;
        ck_abort_msg("%s differs from the rendered DOT at byte %zu:\nwant: %.160s\ngot:  %.160s",
                     golden, i, want + from, dot + from);
    }
    free(want);
    free(dot);
    S_free(&r);
}

static void S_golden(const char *model, const char *golden)
{
    S_golden_at(tu_path(model), golden);
}

START_TEST(golden_minimal)
{
    S_golden("models/minimal.yaml", "tests/golden/minimal.dot");
}
END_TEST

START_TEST(golden_serverless_webapp)
{
    S_golden("models/serverless-webapp.yaml", "tests/golden/serverless-webapp.dot");
}
END_TEST

/* The same model in the three syntaxes draws the same diagram. */
START_TEST(same_dot_from_yaml_json_xml)
{
    char *dots[3];
    size_t lens[3];
    const char *paths[3] = {"models/minimal.yaml", "models/minimal.json", "models/minimal.xml"};
    for (int i = 0; i < 3; i++) {
        S_run r;
        S_analyze(&r, tu_path(paths[i]));
        tm_render_opts o;
        S_opts(&o);
        dots[i] = S_render(r.a, &o, tm_render_dot, &lens[i]);
        tm_render_cache_free(&o);
        S_free(&r);
    }
    for (int i = 1; i < 3; i++) {
        ck_assert_uint_eq(lens[i], lens[0]);
        ck_assert_int_eq(memcmp(dots[i], dots[0], lens[0]), 0);
    }
    for (int i = 0; i < 3; i++)
        free(dots[i]);
}
END_TEST

/* ---------------------------------------------------------- determinism */

START_TEST(dot_is_deterministic_and_accepted_by_graphviz)
{
    char *first = NULL;
    size_t first_len = 0;
    for (int round = 0; round < 2; round++) {
        S_run r;
        S_analyze(&r, tu_path("models/serverless-webapp.yaml"));
        tm_render_opts o;
        S_opts(&o);
        size_t len;
        char *dot = S_render(r.a, &o, tm_render_dot, &len);
        tm_render_cache_free(&o);
        if (!first) {
            first = dot;
            first_len = len;
            /* every element is a node, plus the legend */
            ck_assert_int_eq(S_dot_nodes(dot), (int)r.model->n_elements + 1);
            S_dot_accepts(dot);
        } else {
            ck_assert_uint_eq(len, first_len);
            ck_assert_int_eq(memcmp(dot, first, len), 0);
            free(dot);
        }
        S_free(&r);
    }
    free(first);
}
END_TEST

START_TEST(svg_and_png_from_one_layout)
{
    S_run r;
    S_analyze(&r, tu_path("models/serverless-webapp.yaml"));
    tm_render_opts o;
    S_opts(&o);
    size_t slen, plen, slen2;
    char *svg = S_render(r.a, &o, tm_render_svg, &slen);
    void *layout = tm_render_cache_get(&o, "dfd.layout");
    ck_assert_ptr_nonnull(layout);
    char *png = S_render(r.a, &o, tm_render_png, &plen);
    char *svg2 = S_render(r.a, &o, tm_render_svg, &slen2);
    /* laid out once: the cached layout is the one used for all three */
    ck_assert_ptr_eq(tm_render_cache_get(&o, "dfd.layout"), layout);
    ck_assert_uint_eq(slen, slen2);
    ck_assert_int_eq(memcmp(svg, svg2, slen), 0);
    S_svg_facts f = S_svg(svg, slen);
    ck_assert_int_eq(f.element_nodes, (int)r.model->n_elements);
    ck_assert_int_eq(f.nodes, (int)r.model->n_elements + 1);
    ck_assert_int_eq(f.scripts + f.foreign + f.on_attrs, 0);
    S_check_png(png, plen);
    /* the flow numbers of every report are on the edges */
    ck_assert_ptr_nonnull(strstr(svg, "font-weight=\"bold\" font-size=\"8.00\" fill=\"#222222\">1</text>"));
    free(svg);
    free(svg2);
    free(png);
    tm_render_cache_free(&o);
    S_free(&r);
}
END_TEST

/* Without a render cache (o == NULL) everything still works and is freed. */
START_TEST(renders_without_options)
{
    S_run r;
    S_analyze(&r, tu_path("models/minimal.yaml"));
    size_t len;
    char *svg = S_render(r.a, NULL, tm_render_svg, &len);
    S_svg(svg, len);
    char *dot = S_render(r.a, NULL, tm_render_dot, &len);
    ck_assert_ptr_nonnull(strstr(dot, "digraph dfd {"));
    free(svg);
    free(dot);
    S_free(&r);
}
END_TEST

/* ----------------------------------------------------- conventions */

START_TEST(shapes_annotations_and_legend)
{
    S_run r;
    S_analyze(&r, tu_path("models/minimal.yaml"));
    tm_render_opts o;
    S_opts(&o);
    size_t len;
    char *dot = S_render(r.a, &o, tm_render_dot, &len);
    /* user: external rectangle; api/upload: rounded processes; photos: open store */
    ck_assert_ptr_nonnull(strstr(dot, "e0 [shape=\"box\", style=\"filled\""));
    ck_assert_ptr_nonnull(strstr(dot, "e1 [shape=\"box\", style=\"rounded,filled\""));
    ck_assert_ptr_nonnull(strstr(dot, "e3 [shape=\"plain\", label=<<TABLE"));
    ck_assert_ptr_nonnull(strstr(dot, "SIDES=\"TB\""));
    /* catalogue label as the type caption */
    ck_assert_ptr_nonnull(strstr(dot, "AWS Lambda"));
    /* boundaries: dashed clusters, nested by parent */
    ck_assert_ptr_nonnull(strstr(dot, "subgraph cluster_b0 {"));
    ck_assert_ptr_nonnull(strstr(dot, "style=\"dashed,rounded\""));
    /* flow 1 crosses internet -> aws: thick with the crossing ring */
    const char *f1 = strstr(dot, "e0 -> e1 [");
    ck_assert_ptr_nonnull(f1);
    ck_assert_ptr_nonnull(strstr(f1, "penwidth=\"2.6\""));
    ck_assert_ptr_nonnull(strstr(f1, "arrowtail=\"odot\""));
    /* flow 2 is a trigger, nothing proven: dashed, hollow head, marked */
    const char *f2 = strstr(dot, "e1 -> e2 [");
    ck_assert_ptr_nonnull(f2);
    ck_assert_ptr_nonnull(strstr(f2, "trigger"));
    ck_assert_ptr_nonnull(strstr(f2, "style=\"dashed\""));
    ck_assert_ptr_nonnull(strstr(f2, "arrowhead=\"empty\""));
    /* severity as text and colour: whatever the engine found, the open
     * maximum of each element shows as its tag */
    for (size_t i = 0; i < r.model->n_elements; i++) {
        static const char *const tags[] = {"", "[L]", "[M]", "[H]", "[C]"};
        tm_severity s = r.a->elements[i].max_open;
        if (s == TM_SEV_NONE)
            continue;
        char want[64];
        snprintf(want, sizeof want, "e%zu [", i);
        const char *node = strstr(dot, want);
        ck_assert_ptr_nonnull(node);
        const char *eol = strchr(node, '\n');
        const char *tag = strstr(node, tags[s]);
        ck_assert_msg(tag && tag < eol, "element %zu lacks its severity tag %s", i, tags[s]);
    }
    /* the legend lists only what is drawn: no out-of-scope element here */
    ck_assert_ptr_nonnull(strstr(dot, "legend ["));
    ck_assert_ptr_null(strstr(dot, "out of scope"));
    ck_assert_ptr_nonnull(strstr(dot, "data store"));
    free(dot);

    o.dfd_direction = "LR";
    tm_render_cache_free(&o);
    dot = S_render(r.a, &o, tm_render_dot, &len);
    ck_assert_ptr_nonnull(strstr(dot, "rankdir=\"LR\""));
    free(dot);
    o.dfd_direction = NULL; /* no direction given: top to bottom */
    tm_render_cache_free(&o);
    dot = S_render(r.a, &o, tm_render_dot, &len);
    ck_assert_ptr_nonnull(strstr(dot, "rankdir=\"TB\""));
    free(dot);
    tm_render_cache_free(&o);
    S_free(&r);
}
END_TEST



/* A part whose ranking flows would make dot route more virtual nodes than
 * S_MAX_SPAN (tests/bench/gen-estate.sh: cross-links inside 50-element
 * accounts; minutes of layout per account at 1,000 elements): none of its
 * flows ranks and its nodes form a grid. The chain-only parts of the same
 * model and the example keep ranking (golden files). */
START_TEST(deep_parts_stop_ranking)
{
    char *dir = tu_tmpdir();
    size_t n = strlen(dir) + 64;
    char *model = tm_xmalloc(n);
    snprintf(model, n, "%s/estate.yaml", dir);
    size_t cn = strlen(model) + strlen(tu_path("tests/bench/gen-estate.sh")) + 32;
    char *cmd = tm_xmalloc(cn);
    snprintf(cmd, cn, "sh '%s' 200 > '%s'", tu_path("tests/bench/gen-estate.sh"), model);
    ck_assert_int_eq(system(cmd), 0);
    S_run r;
    S_analyze(&r, model);
    tm_render_opts o;
    S_opts(&o);
    o.extra = tm_outputs_new();
    size_t len;
    char *dot = S_render(r.a, &o, tm_render_dot, &len);
    int deep = 0;
    for (size_t i = 0; i < tm_outputs_count(o.extra); i++) {
        size_t plen;
        const char *part = tm_outputs_data(o.extra, i, &plen);
        if (strcmp(tm_outputs_name(o.extra, i), "dfd-acct2.dot") != 0)
            continue;
        deep = 1;
        /* every flow (an edge with a label) stops ranking but the ties of
         * hubs to a row; the grid ties rows with invisible edges */
        size_t flows = 0, ranking = 0;
        for (const char *q = strstr(part, " -> "); q; q = strstr(q + 1, " -> ")) {
            const char *eol = strchr(q, '\n');
            const char *lab = strstr(q, "label=<"), *cf = strstr(q, "constraint=\"false\"");
            if (!lab || lab > eol)
                continue;
            flows++;
            /* a hub's tie to a grid row ranks on purpose, with minlen 0 */
            const char *tie = strstr(q, "minlen=\"0\"");
            ranking += (!cf || cf > eol) && (!tie || tie > eol);
        }
        ck_assert_uint_gt(flows, 50);
        ck_assert_uint_eq(ranking, 0);
        ck_assert_ptr_nonnull(strstr(part, "style=\"invis\""));
        S_dot_accepts(part);
    }
    ck_assert(deep);
    char *svg = S_render(r.a, &o, tm_render_svg, &len);
    S_svg(svg, len);
    free(svg);
    free(dot);
    tm_render_cache_free(&o);
    tm_outputs_free(o.extra);
    S_free(&r);
    free(cmd);
    free(model);
    tu_rmtree(dir);
    free(dir);
}
END_TEST


static char *S_large_model(const char *dir, size_t n, size_t nb);

/* Two runs, two layouts: the same SVG and PNG bytes (split parts included). */
START_TEST(svg_and_png_are_deterministic)
{
    char *dir = tu_tmpdir();
    char *path = S_large_model(dir, 61, 3);
    char *first[2] = {NULL, NULL};
    size_t first_len[2] = {0, 0};
    for (int round = 0; round < 2; round++) {
        S_run r;
        S_analyze(&r, path);
        tm_render_opts o;
        S_opts(&o);
        o.dfd_split_threshold = 20;
        o.extra = tm_outputs_new();
        tm_render_fn fns[2] = {tm_render_svg, tm_render_png};
        for (int k = 0; k < 2; k++) {
            size_t len;
            char *out = S_render(r.a, &o, fns[k], &len);
            if (round == 0) {
                first[k] = out;
                first_len[k] = len;
            } else {
                ck_assert_uint_eq(len, first_len[k]);
                ck_assert_msg(memcmp(out, first[k], len) == 0, "%s differs between runs",
                              k ? "dfd.png" : "dfd.svg");
                free(out);
            }
        }
        ck_assert_uint_eq(tm_outputs_count(o.extra), 6);
        tm_render_cache_free(&o);
        tm_outputs_free(o.extra);
        S_free(&r);
    }
    free(first[0]);
    free(first[1]);
    free(path);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* ------------------------------------------------------ links and tooltips */

/* The anchor of element/flow i's section in report.html: its threats when it
 * has any, else its row. */
static void S_anchor(char *buf, size_t n, const char *kind, const char *id, size_t threats)
{
    snprintf(buf, n, threats ? "t-%s-%s" : "%s-%s", kind, id);
}

/* dfd.svg: every element node and every flow edge is a link into
 * report.html, with a tooltip (<title>) naming it and its open threats. */
START_TEST(svg_nodes_and_edges_link_to_the_report)
{
    S_run r;
    S_analyze(&r, tu_path("models/serverless-webapp.yaml"));
    tm_render_opts o;
    S_opts(&o);
    size_t len;
    char *svg = S_render(r.a, &o, tm_render_svg, &len);
    S_svg_facts f = S_svg(svg, len);
    ck_assert_int_eq(f.linked_nodes, (int)r.model->n_elements); /* the legend is not a link */
    ck_assert_int_eq(f.linked_edges, (int)r.model->n_flows);
    char want[512], anchor[400];
    const tm_element *e0 = r.model->elements[0];
    S_anchor(anchor, sizeof anchor, "element", e0->id, r.a->elements[0].n_threats);
    snprintf(want, sizeof want, "report.html#%s", anchor);
    ck_assert_str_eq(f.first_href, want);
    for (size_t i = 0; i < r.model->n_flows; i++) {
        S_anchor(anchor, sizeof anchor, "flow", r.model->flows[i]->id, r.a->flows[i].n_threats);
        snprintf(want, sizeof want, "<a xlink:href=\"report.html#%s\">", anchor);
        ck_assert_msg(strstr(svg, want) != NULL, "flow %zu does not link to %s", i, anchor);
    }
    /* the tooltip: name, type label, the open threats with their severity */
    for (size_t i = 0; i < r.model->n_elements; i++) {
        const tm_element_info *ei = &r.a->elements[i];
        size_t open = 0;
        for (size_t k = 0; k < ei->n_threats; k++)
            open += tm_status_is_open(ei->threats[k]->status) != 0;
        snprintf(want, sizeof want, "<title>%s", ei->el->name);
        const char *t = strstr(svg, want);
        ck_assert_msg(t != NULL, "no tooltip for %s", ei->el->name);
        if (open) {
            snprintf(want, sizeof want, "\n%zu open threat%s (highest: ", open, open == 1 ? "" : "s");
            const char *end = strstr(t, "</title>");
            const char *hit = strstr(t, want);
            ck_assert_msg(hit && hit < end, "tooltip of %s lacks '%s'", ei->el->name, want + 1);
        }
    }
    free(svg);
    tm_render_cache_free(&o);
    S_free(&r);
}
END_TEST

/* report.html: the inline diagram's links stay on the page, and every one
 * of them has its target (a row, a boundary's block or a threat group). */
START_TEST(html_diagram_links_resolve_on_the_page)
{
    S_run r;
    S_analyze(&r, tu_path("models/serverless-webapp.yaml"));
    tm_render_opts o;
    S_opts(&o);
    size_t len;
    char *html = S_render(r.a, &o, tm_render_html, &len);
    size_t links = 0;
    for (const char *p = strstr(html, "xlink:href=\""); p; p = strstr(p + 1, "xlink:href=\"")) {
        const char *v = p + 12, *q = strchr(v, '"');
        ck_assert_ptr_nonnull(q);
        ck_assert_msg(*v == '#', "a link leaves the page: %.60s", v);
        char want[512];
        snprintf(want, sizeof want, "id=\"%.*s\"", (int)(q - v - 1), v + 1);
        ck_assert_msg(strstr(html, want) != NULL, "no %s on the page", want);
        links++;
    }
    ck_assert_uint_eq(links, r.model->n_elements + r.model->n_flows + r.model->n_boundaries);
    ck_assert_ptr_null(strstr(html, "<?xml"));
    free(html);
    tm_render_cache_free(&o);
    S_free(&r);
}
END_TEST

/* A name of 10,000 characters: the diagram shows its first TM_DFD_MAX_LABEL
 * code points and an ellipsis (nodes, flows, boundaries, the title), the
 * report keeps it whole, and nothing reaches stderr. */
START_TEST(long_labels_are_cut_with_an_ellipsis)
{
    char *dir = tu_tmpdir();
    tm_buf b, name;
    tm_buf_init(&b, 0);
    tm_buf_init(&name, 0);
    for (int i = 0; i < 10000; i++)
        tm_buf_putc(&name, "Namex"[i % 5]);
    tm_buf_printf(&b, "stridec: 1\nsystem: {name: %s}\nboundaries:\n  - {id: z, name: %s, type: vpc}\n"
                      "elements:\n  - {id: a, name: %s, type: user}\n"
                      "  - {id: b, type: aws.lambda, boundary: z}\n"
                      "flows:\n  - {from: a, to: b, name: %s, protocol: https}\n",
                  name.data, name.data, name.data, name.data);
    char *path = S_write_model(dir, "long.yaml", b.data);
    S_run r;
    S_analyze(&r, path);
    tm_render_opts o;
    S_opts(&o);
    size_t len;
    char *dot = S_render(r.a, &o, tm_render_dot, &len);
    ck_assert_uint_lt(len, 20000);
    ck_assert_ptr_nonnull(strstr(dot, "Namex\xE2\x80\xA6"));
    ck_assert_ptr_null(strstr(dot, "NamexNamexNamexNamexNamexNamexNamexNamexNamexNamexNamexNamexNamexNamexNamexNamexNamex"));
    S_dot_accepts(dot);
    char *svg = S_render(r.a, &o, tm_render_svg, &len);
    S_svg(svg, len);
    ck_assert_uint_lt(len, 60000);
    char *md = S_render(r.a, &o, tm_render_md, &len);
    ck_assert_ptr_nonnull(strstr(md, name.data)); /* the report keeps the whole name */
    free(md);
    free(svg);
    free(dot);
    tm_render_cache_free(&o);
    S_free(&r);
    /* the whole report through the CLI: exit 0, nothing on stderr */
    char out[4096];
    snprintf(out, sizeof out, "%s/out", dir);
    const char *args[] = {"report", path, "-f", "dot,svg,png,html", "-o", out, NULL};
    tu_result res = tu_run(args);
    ck_assert_msg(res.status == 0, "stridec report failed: %s", res.err);
    ck_assert_msg(res.err == NULL || res.err[0] == '\0', "stderr is not empty: %.400s", res.err);
    tu_result_free(&res);
    tm_buf_free(&b);
    tm_buf_free(&name);
    free(path);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* What Graphviz reports (agerr) and what GLib logs (Pango's assertions)
 * while a run draws its diagrams becomes one warning of that run, and
 * nothing is printed. */
START_TEST(library_messages_become_one_warning)
{
    S_run r;
    S_analyze(&r, tu_path("models/minimal.yaml"));
    tm_render_opts o;
    S_opts(&o);
    char *dir = tu_tmpdir();
    size_t n = strlen(dir) + 16;
    char *errpath = tm_xmalloc(n);
    snprintf(errpath, n, "%s/stderr", dir);
    fflush(stderr);
    int saved = dup(2);
    int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(saved, 0);
    ck_assert_int_ge(fd, 0);
    dup2(fd, 2);
    close(fd);
    tm_diags *d = tm_diags_new();
    tm_buf svg;
    tm_buf_init(&svg, 0);
    ck_assert_int_eq(tm_render_svg(r.a, &o, &svg, d), 0); /* the run's layout exists */
    ck_assert_uint_eq(tm_diags_count(d), 0);
    agerr(AGWARN, "a warning from Graphviz\n");
    g_log("Pango", G_LOG_LEVEL_CRITICAL, "pango_layout_get_size: assertion failed");
    tm_buf png;
    tm_buf_init(&png, 0);
    ck_assert_int_eq(tm_render_png(r.a, &o, &png, d), 0);
    tm_buf html;
    tm_buf_init(&html, 0);
    g_log("GLib", G_LOG_LEVEL_WARNING, "one more");
    ck_assert_int_eq(tm_render_html(r.a, &o, &html, d), 0);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    size_t elen = 0;
    char *err = tu_slurp(errpath, &elen);
    ck_assert_msg(elen == 0, "stderr: %s", err ? err : "");
    free(err);
    ck_assert_uint_eq(tm_diags_count(d), 1);
    const tm_diag *g = tm_diags_get(d, 0);
    ck_assert_int_eq(g->severity, TM_DIAG_WARNING);
    ck_assert_msg(strstr(g->message, "reported 2 messages while drawing the data-flow diagram") &&
                      strstr(g->message, "(the first: Graphviz: Warning: a warning from Graphviz)"),
                  "%s", g->message);
    tm_buf_free(&html);
    tm_buf_free(&png);
    tm_buf_free(&svg);
    tm_diags_free(d);
    tm_render_cache_free(&o);
    S_free(&r);
    free(errpath);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* ------------------------------------------------------ hostile text */

static const char S_hostile[] =
    "stridec: 1\n"
    "system: {name: \"</text><script>alert(1)</script><!-- -->\"}\n"
    "boundaries:\n"
    "  - {id: b1, name: \"]]><foreignObject><body onload=\\\"x()\\\"/></foreignObject>\", type: "
    "\"\\\"];evil[\"}\n"
    "elements:\n"
    "  - {id: a, name: \"\\\"]; x [label=\\\"y\\\"\", type: user}\n"
    "  - {id: b, name: \"<svg onload=alert(1)>\", type: \"<script>\", boundary: b1}\n"
    "  - {id: c, name: \"a & b --> c\\\\\\\" } digraph { z\", type: aws.s3, boundary: b1}\n"
    "  - {id: d, name: \"tab\\there\\nnew line\\u0085next\", type: generic.process, "
    "out_of_scope: true, reason: \"<b>why</b>\"}\n"
    "flows:\n"
    "  - {from: a, to: b, name: \"\\\"] ; b -> a [color=red\", protocol: \"<img src=x "
    "onerror=alert(1)>\"}\n"
    "  - {from: b, to: c, name: \"</title><script>1</script>\", protocol: \"&amp;\"}\n"
    "  - {from: c, to: d, name: \"-->\\u2028<!--\"}\n";

START_TEST(hostile_names_cannot_inject)
{
    char *dir = tu_tmpdir();
    char *path = S_write_model(dir, "hostile.yaml", S_hostile);
    S_run r;
    S_analyze(&r, path);
    ck_assert_uint_eq(r.model->n_elements, 4);
    tm_render_opts o;
    S_opts(&o);
    size_t len;
    char *dot = S_render(r.a, &o, tm_render_dot, &len);
    ck_assert_int_eq(S_dot_nodes(dot), 4 + 1); /* elements + legend: no `x`, no `z` */
    ck_assert_ptr_null(strstr(dot, "<script"));
    S_dot_accepts(dot);
    char *svg = S_render(r.a, &o, tm_render_svg, &len);
    S_svg_facts f = S_svg(svg, len);
    ck_assert_int_eq(f.scripts, 0);
    ck_assert_int_eq(f.foreign, 0);
    ck_assert_int_eq(f.on_attrs, 0);
    ck_assert_int_eq(f.element_nodes, 4);
    ck_assert_int_eq(f.nodes, 4 + 1);
    /* the text is there, escaped (in <text>, <title> and comments alike) */
    ck_assert_ptr_nonnull(strstr(svg, "&lt;script&gt;"));
    ck_assert_ptr_null(strstr(svg, "<script"));
    ck_assert_ptr_null(strstr(svg, "<svg onload"));
    free(svg);
    free(dot);
    tm_render_cache_free(&o);
    S_free(&r);
    /* the colleague's shared hostile model, when present */
    if (access(tu_path("tests/models/hostile.yaml"), R_OK) == 0) {
        tm_diags *d = tm_diags_new();
        tm_load_opts lo;
        memset(&lo, 0, sizeof lo);
        tm_model *m = tm_model_load(tu_path("tests/models/hostile.yaml"), &lo, d);
        tm_diags_free(d);
        if (m) {
            tm_model_free(m);
            S_analyze(&r, tu_path("tests/models/hostile.yaml"));
            S_opts(&o);
            svg = S_render(r.a, &o, tm_render_svg, &len);
            f = S_svg(svg, len);
            ck_assert_int_eq(f.scripts + f.foreign + f.on_attrs, 0);
            ck_assert_int_eq(f.element_nodes, (int)r.model->n_elements);
            free(svg);
            tm_render_cache_free(&o);
            S_free(&r);
        }
    }
    free(path);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(unicode_names_reach_the_svg)
{
    char *dir = tu_tmpdir();
    char *path = S_write_model(dir, "uni.yaml",
                               "stridec: 1\n"
                               "system: {name: Σύστημα}\n"
                               "boundaries: [{id: cloud, name: Облако, type: cloud-account}]\n"
                               "elements:\n"
                               "  - {id: u, name: Χρήστης, type: user}\n"
                               "  - {id: f, name: Функция, type: aws.lambda, boundary: cloud}\n"
                               "  - {id: s, name: 数据存储, type: aws.dynamodb, boundary: cloud}\n"
                               "flows:\n"
                               "  - {from: u, to: f, name: 注文, protocol: https}\n"
                               "  - {from: f, to: s, name: Запись, protocol: aws-api}\n");
    S_run r;
    S_analyze(&r, path);
    tm_render_opts o;
    S_opts(&o);
    size_t len;
    char *svg = S_render(r.a, &o, tm_render_svg, &len);
    S_svg(svg, len);
    const char *words[] = {"Σύστημα", "Облако", "Χρήστης", "Функция", "数据存储", "注文", "Запись"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        ck_assert_msg(strstr(svg, words[i]) != NULL, "%s missing from the SVG", words[i]);
    ck_assert_ptr_nonnull(strstr(svg, "DejaVu Sans"));
    char *png = S_render(r.a, &o, tm_render_png, &len);
    S_check_png(png, len);
    free(png);
    free(svg);
    tm_render_cache_free(&o);
    S_free(&r);
    free(path);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* --------------------------------------------------------- split mode */

/* nb top-level boundaries (each with a nested one), n elements, chains. */
static char *S_large_model(const char *dir, size_t n, size_t nb)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, "stridec: 1\nsystem: {name: Large}\nboundaries:\n");
    for (size_t i = 0; i < nb; i++)
        tm_buf_printf(&b, "  - {id: zone-%zu, type: cloud-account}\n"
                          "  - {id: zone-%zu.inner, type: vpc, parent: zone-%zu}\n", i, i, i);
    tm_buf_puts(&b, "elements:\n  - {id: client, type: user}\n");
    for (size_t i = 1; i < n; i++)
        tm_buf_printf(&b, "  - {id: x%zu, type: %s, boundary: zone-%zu%s}\n", i,
                      i % 2 ? "aws.lambda" : "aws.s3", i % nb, (i / nb) % 2 ? ".inner" : "");
    tm_buf_puts(&b, "flows:\n");
    for (size_t i = 1; i < nb && i < n; i++)
        tm_buf_printf(&b, "  - {from: client, to: x%zu, protocol: https}\n", i);
    for (size_t i = 1; i + nb < n; i++)
        tm_buf_printf(&b, "  - {from: x%zu, to: x%zu, protocol: aws-api}\n", i, i + nb);
    for (size_t i = 1; i + 1 < n; i += 7) /* across boundaries */
        tm_buf_printf(&b, "  - {from: x%zu, to: x%zu, protocol: aws-api}\n", i, i + 1);
    char *path = S_write_model(dir, "large.yaml", b.data);
    tm_buf_free(&b);
    return path;
}

START_TEST(split_large_model_per_boundary)
{
    char *dir = tu_tmpdir();
    char *path = S_large_model(dir, 61, 3);
    S_run r;
    S_analyze(&r, path);
    tm_render_opts o;
    S_opts(&o);
    o.dfd_split_threshold = 20;
    o.extra = tm_outputs_new();
    size_t len;
    char *dot = S_render(r.a, &o, tm_render_dot, &len);
    /* overview: 3 collapsed boundaries + the client + legend */
    ck_assert_int_eq(S_dot_nodes(dot), 3 + 1 + 1);
    ck_assert_ptr_nonnull(strstr(dot, "flows"));
    S_dot_accepts(dot);
    ck_assert_uint_eq(tm_outputs_count(o.extra), 3);
    for (size_t i = 0; i < 3; i++) {
        char want[32];
        snprintf(want, sizeof want, "dfd-zone-%zu.dot", i);
        ck_assert_str_eq(tm_outputs_name(o.extra, i), want);
        size_t dlen;
        const char *part = tm_outputs_data(o.extra, i, &dlen);
        /* 20 members + the client + the cross-boundary neighbours + legend */
        int nodes = S_dot_nodes(part);
        ck_assert_int_gt(nodes, 20 + 1);
        ck_assert_ptr_nonnull(strstr(part, "cluster_b"));
    }
    char *svg = S_render(r.a, &o, tm_render_svg, &len);
    S_svg(svg, len);
    /* a collapsed boundary links to the diagram of its inside */
    ck_assert_ptr_nonnull(strstr(svg, "<a xlink:href=\"dfd-zone-0.svg\">"));
    ck_assert_uint_eq(tm_outputs_count(o.extra), 6);
    ck_assert_str_eq(tm_outputs_name(o.extra, 3), "dfd-zone-0.svg");
    size_t plen;
    const char *psvg = tm_outputs_data(o.extra, 5, &plen);
    S_svg_facts f = S_svg(psvg, plen);
    ck_assert_int_gt(f.element_nodes, 20);
    char *png = S_render(r.a, &o, tm_render_png, &len);
    S_check_png(png, len);
    ck_assert_uint_eq(tm_outputs_count(o.extra), 9);
    ck_assert_str_eq(tm_outputs_name(o.extra, 8), "dfd-zone-2.png");
    size_t pplen;
    const char *ppng = tm_outputs_data(o.extra, 8, &pplen);
    S_check_png(ppng, pplen);
    free(png);
    free(svg);
    free(dot);
    tm_render_cache_free(&o);
    tm_outputs_free(o.extra);

    /* a boundary still above the threshold is split again along its
     * children: its own overview, then one diagram per child */
    S_opts(&o);
    o.dfd_split_threshold = 8;
    tm_dfd *dfd = tm_dfd_build(r.a, &o);
    const char *stems[] = {"dfd", "dfd-zone-0", "dfd-zone-0.inner", "dfd-zone-1",
                           "dfd-zone-1.inner", "dfd-zone-2", "dfd-zone-2.inner"};
    ck_assert_uint_eq(tm_dfd_count(dfd), 7);
    for (size_t i = 0; i < 7; i++)
        ck_assert_str_eq(tm_dfd_stem(dfd, i), stems[i]);
    /* zone-0: its direct members (10), zone-0.inner collapsed */
    ck_assert_uint_eq(tm_dfd_element_nodes(dfd, 1), 10);
    ck_assert_uint_gt(tm_dfd_element_nodes(dfd, 2), 8);
    tm_buf zb;
    tm_buf_init(&zb, 0);
    ck_assert_int_eq(tm_dfd_write_dot(dfd, 1, &zb), 0);
    ck_assert_ptr_nonnull(strstr(zb.data, "outside: "));
    S_dot_accepts(zb.data);
    tm_buf_free(&zb);
    tm_dfd_free(dfd);

    /* under the threshold: one diagram, no extras */
    S_opts(&o);
    o.extra = tm_outputs_new();
    dot = S_render(r.a, &o, tm_render_dot, &len);
    ck_assert_uint_eq(tm_outputs_count(o.extra), 0);
    ck_assert_int_eq(S_dot_nodes(dot), 61 + 1);
    free(dot);
    tm_render_cache_free(&o);
    tm_outputs_free(o.extra);
    S_free(&r);
    free(path);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* ---------------------------------------------------------------- grids */

/* n users in the Internet boundary, each sending to one API in another
 * boundary: dot would put the users side by side on one rank. */
static char *S_fan_model(const char *dir, size_t n)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, "stridec: 1\nsystem: {name: Fan}\nboundaries:\n"
                    "  - {id: net, name: Internet, type: internet}\n"
                    "  - {id: app, name: App, type: application}\nelements:\n");
    for (size_t i = 0; i < n; i++)
        tm_buf_printf(&b, "  - {id: u%zu, name: user %zu, type: user, boundary: net}\n", i, i);
    tm_buf_puts(&b, "  - {id: api, name: API, type: aws.apigateway, boundary: app}\nflows:\n");
    for (size_t i = 0; i < n; i++)
        tm_buf_printf(&b, "  - {from: u%zu, to: api, name: call %zu, protocol: https}\n", i, i);
    char *path = S_write_model(dir, "fan.yaml", b.data);
    tm_buf_free(&b);
    return path;
}

static char *S_fan_dot(size_t n)
{
    char *dir = tu_tmpdir();
    char *path = S_fan_model(dir, n);
    S_run r;
    S_analyze(&r, path);
    tm_render_opts o;
    S_opts(&o);
    size_t len;
    char *dot = S_render(r.a, &o, tm_render_dot, &len);
    tm_render_cache_free(&o);
    S_free(&r);
    free(path);
    tu_rmtree(dir);
    free(dir);
    return dot;
}

/* 14 users (above S_GRID_MIN): 5 columns (the least c with c * c >= 1.5 * 14),
 * rows 5 + 5 + 4 in model order; the API is a hub: its flows stop ranking,
 * their labels move to the users' ends, and it is tied (minlen=0) to the
 * last node of the middle row (e9) by that node's own flow. The whole DOT
 * is golden too. */
START_TEST(grid_for_a_wide_rank)
{
    char *dot = S_fan_dot(14);
    const char *grid = "  e0 -> e1 [style=\"invis\", minlen=\"0\"];\n"
                       "  e0 -> e5 [style=\"invis\"];\n"
                       "  e1 -> e2 [style=\"invis\", minlen=\"0\"];\n"
                       "  e1 -> e6 [style=\"invis\"];\n"
                       "  e2 -> e3 [style=\"invis\", minlen=\"0\"];\n"
                       "  e2 -> e7 [style=\"invis\"];\n"
                       "  e3 -> e4 [style=\"invis\", minlen=\"0\"];\n"
                       "  e3 -> e8 [style=\"invis\"];\n"
                       "  e4 -> e9 [style=\"invis\"];\n"
                       "  e5 -> e6 [style=\"invis\", minlen=\"0\"];\n"
                       "  e5 -> e10 [style=\"invis\"];\n"
                       "  e6 -> e7 [style=\"invis\", minlen=\"0\"];\n"
                       "  e6 -> e11 [style=\"invis\"];\n"
                       "  e7 -> e8 [style=\"invis\", minlen=\"0\"];\n"
                       "  e7 -> e12 [style=\"invis\"];\n"
                       "  e8 -> e9 [style=\"invis\", minlen=\"0\"];\n"
                       "  e8 -> e13 [style=\"invis\"];\n"
                       "  e10 -> e11 [style=\"invis\", minlen=\"0\"];\n"
                       "  e11 -> e12 [style=\"invis\", minlen=\"0\"];\n"
                       "  e12 -> e13 [style=\"invis\", minlen=\"0\"];\n"
                       "}\n";
    const char *at = strstr(dot, "  e0 -> e1 [style");
    ck_assert_msg(at != NULL, "no grid edges in:\n%s", dot);
    ck_assert_str_eq(at, grid);
    /* every flow to the hub has its label at the user's end and does not
     * rank, but the one from e9, which ties the hub to that row */
    size_t flows = 0, ranking = 0;
    const char *to_hub = " -> e14 [taillabel=<";
    for (const char *p = strstr(dot, to_hub); p; p = strstr(p + 1, to_hub)) {
        const char *eol = strchr(p, '\n'), *cf = strstr(p, "constraint=\"false\"");
        if (!cf || cf > eol) {
            ck_assert_int_eq(strncmp(p - 2, "e9 -> e14", 9), 0);
            ck_assert_int_eq(strncmp(eol - 14, ", minlen=\"0\"];", 14), 0);
            ranking++;
        }
        flows++;
    }
    ck_assert_uint_eq(flows, 14);
    ck_assert_uint_eq(ranking, 1);
    ck_assert_ptr_null(strstr(dot, " [label=<<B>1</B>"));
    ck_assert_ptr_nonnull(strstr(dot, "nodesep=\"0.5\", ranksep=\"1.0\""));
    ck_assert_ptr_nonnull(strstr(dot, "newrank=\"true\", concentrate=\"true\"]"));
    S_dot_accepts(dot);
    /* the same bytes every time, and as the golden file says */
    char *again = S_fan_dot(14);
    ck_assert_str_eq(dot, again);
    free(again);
    char *dir = tu_tmpdir();
    char *path = S_fan_model(dir, 14);
    S_golden_at(path, "tests/golden/grid.dot");
    free(path);
    tu_rmtree(dir);
    free(dir);
    free(dot);

    /* two flows from each user: only the first of a pair moves its label
     * (Graphviz 2.42 aborts on two label-less non-ranking edges between the
     * same nodes), and dot accepts the text */
    dir = tu_tmpdir();
    path = S_fan_model(dir, 14);
    FILE *f = fopen(path, "ab");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 14; i++)
        fprintf(f, "  - {from: u%d, to: api, name: again %d, protocol: https}\n", i, i);
    fclose(f);
    S_run r;
    S_analyze(&r, path);
    tm_render_opts o;
    S_opts(&o);
    size_t len;
    dot = S_render(r.a, &o, tm_render_dot, &len);
    ck_assert_ptr_nonnull(strstr(dot, "  e3 -> e14 [taillabel=<<B>4</B> call 3"));
    ck_assert_ptr_nonnull(strstr(dot, "  e3 -> e14 [label=<<B>18</B> again 3"));
    S_dot_accepts(dot);
    char *png = S_render(r.a, &o, tm_render_png, &len);
    S_check_png(png, len);
    free(png);
    free(dot);
    tm_render_cache_free(&o);
    S_free(&r);
    free(path);
    tu_rmtree(dir);
    free(dir);

    /* at the threshold: no grid, the plain diagram */
    dot = S_fan_dot(12);
    ck_assert_ptr_null(strstr(dot, "invis"));
    ck_assert_ptr_null(strstr(dot, "constraint"));
    ck_assert_ptr_null(strstr(dot, "concentrate"));
    ck_assert_ptr_nonnull(strstr(dot, "nodesep=\"0.35\", ranksep=\"0.6\""));
    free(dot);
}
END_TEST

static void S_png_size(const char *png, size_t len, unsigned long *w, unsigned long *h)
{
    ck_assert_uint_gt(len, 24);
    ck_assert_int_eq(memcmp(png + 12, "IHDR", 4), 0);
    const unsigned char *p = (const unsigned char *)png + 16;
    *w = (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | p[2] << 8 | p[3];
    *h = (unsigned long)p[4] << 24 | (unsigned long)p[5] << 16 | p[6] << 8 | p[7];
}

/* A generated model of 600 elements (tests/bench/gen-model.sh): 60 users,
 * 60 partners and 12 applications, each in one boundary's diagram. Before
 * grids, dfd-internet.png was one row 9,288 pixels wide; now every PNG
 * stays within 5,000 pixels a side, and the run prints nothing on stderr
 * (Graphviz included). */
START_TEST(generated_model_pngs_stay_small_and_quiet)
{
    char *dir = tu_tmpdir();
    size_t n = strlen(dir) + 64;
    char *model = tm_xmalloc(n), *out = tm_xmalloc(n);
    snprintf(model, n, "%s/gen.yaml", dir);
    snprintf(out, n, "%s/out", dir);
    size_t cn = strlen(model) + strlen(tu_path("tests/bench/gen-model.sh")) + 32;
    char *cmd = tm_xmalloc(cn);
    snprintf(cmd, cn, "sh '%s' 600 > '%s'", tu_path("tests/bench/gen-model.sh"), model);
    ck_assert_int_eq(system(cmd), 0);
    const char *args[] = {"report", model, "-f", "png", "-o", out, NULL};
    /* under `make asan`, LeakSanitizer's list of used suppressions would be
     * the only text on stderr: not ours to check */
    const char *lsan = getenv("LSAN_OPTIONS");
    char *saved_lsan = lsan ? tm_xstrdup(lsan) : NULL;
    tm_buf opts;
    tm_buf_init(&opts, 0);
    tm_buf_printf(&opts, "%s%sprint_suppressions=0", lsan ? lsan : "", lsan && *lsan ? ":" : "");
    setenv("LSAN_OPTIONS", opts.data, 1);
    tu_result res = tu_run(args);
    if (saved_lsan)
        setenv("LSAN_OPTIONS", saved_lsan, 1);
    else
        unsetenv("LSAN_OPTIONS");
    free(saved_lsan);
    tm_buf_free(&opts);
    ck_assert_msg(res.status == 0, "stridec report failed: %s", res.err);
    ck_assert_msg(res.err == NULL || res.err[0] == '\0', "stderr is not empty: %s", res.err);
    DIR *d = opendir(out);
    ck_assert_ptr_nonnull(d);
    size_t pngs = 0;
    int internet = 0;
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        size_t l = strlen(de->d_name);
        if (l < 4 || strcmp(de->d_name + l - 4, ".png") != 0)
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", out, de->d_name);
        size_t len = 0;
        char *png = tu_slurp(p, &len);
        ck_assert_ptr_nonnull(png);
        unsigned long w, h;
        S_png_size(png, len, &w, &h);
        ck_assert_msg(w <= 5000 && h <= 5000, "%s is %lu x %lu pixels", de->d_name, w, h);
        internet |= strcmp(de->d_name, "dfd-internet.png") == 0;
        pngs++;
        free(png);
    }
    closedir(d);
    ck_assert_uint_eq(pngs, 1 + 3 + 12); /* overview, 3 boundaries (one an overview), 12 apps */
    ck_assert(internet);
    tu_result_free(&res);
    free(cmd);
    free(model);
    free(out);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* A diagram too wide for a PNG at full size (a chain of 400 functions
 * drawn left to right: about 70,000 pixels): we choose the resolution, say
 * so in a warning, and Graphviz writes nothing to stderr (its cairo plugin
 * would print "graph is too large for cairo-renderer bitmaps"). Labels are
 * cut at TM_DFD_MAX_LABEL code points, so a long name no longer does it. */
START_TEST(oversized_png_is_scaled_with_a_warning)
{
    char *dir = tu_tmpdir();
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, "stridec: 1\nsystem: {name: Wide}\nelements:\n");
    for (int i = 0; i < 400; i++)
        tm_buf_printf(&b, "  - {id: f%d, name: function %d, type: aws.lambda}\n", i, i);
    tm_buf_puts(&b, "flows:\n");
    for (int i = 0; i + 1 < 400; i++)
        tm_buf_printf(&b, "  - {from: f%d, to: f%d, protocol: aws-invoke}\n", i, i + 1);
    char *path = S_write_model(dir, "wide.yaml", b.data);
    tm_buf_free(&b);
    S_run r;
    S_analyze(&r, path);
    tm_render_opts o;
    S_opts(&o);
    o.dfd_direction = "LR";
    /* stderr into a file while rendering */
    size_t n = strlen(dir) + 16;
    char *errpath = tm_xmalloc(n);
    snprintf(errpath, n, "%s/stderr", dir);
    fflush(stderr);
    int saved = dup(2);
    int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(saved, 0);
    ck_assert_int_ge(fd, 0);
    dup2(fd, 2);
    close(fd);
    tm_buf png;
    tm_buf_init(&png, 0);
    tm_diags *d = tm_diags_new();
    int rc = tm_render_png(r.a, &o, &png, d);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    ck_assert_int_eq(rc, 0);
    size_t elen = 0;
    char *err = tu_slurp(errpath, &elen);
    ck_assert_msg(elen == 0, "stderr: %s", err ? err : "");
    free(err);
    ck_assert_uint_eq(tm_diags_errors(d), 0);
    ck_assert_uint_eq(tm_diags_count(d), 1);
    const tm_diag *g = tm_diags_get(d, 0);
    ck_assert_int_eq(g->severity, TM_DIAG_WARNING);
    ck_assert_ptr_nonnull(strstr(g->message, "dfd is too large for a PNG at full size"));
    unsigned long w, h;
    S_png_size(png.data, png.len, &w, &h);
    ck_assert_uint_le(w, 16000);
    ck_assert_uint_gt(w, 8000);
    ck_assert_uint_lt(h, w);
    /* the SVG keeps full size */
    size_t len;
    char *svg = S_render(r.a, &o, tm_render_svg, &len);
    ck_assert_ptr_nonnull(strstr(svg, "<svg width=\""));
    ck_assert_int_gt(atoi(strstr(svg, "<svg width=\"") + 12), 30000);
    free(svg);
    tm_diags_free(d);
    tm_buf_free(&png);
    tm_render_cache_free(&o);
    S_free(&r);
    free(errpath);
    free(path);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* Split diagrams with implicit entry points rendered as SVG, then PNG:
 * every part is laid out before the next format renders it, and Graphviz
 * then read attributes through another graph's symbols (a crash). */
START_TEST(implicit_split_svg_then_png)
{
    char *dir = tu_tmpdir();
    char *path = S_large_model(dir, 61, 3);
    S_run r;
    S_analyze(&r, path);
    tm_render_opts o;
    S_opts(&o);
    o.dfd_split_threshold = 20;
    o.dfd_implicit = 1;
    o.extra = tm_outputs_new();
    size_t len;
    char *svg = S_render(r.a, &o, tm_render_svg, &len);
    S_svg(svg, len);
    char *png = S_render(r.a, &o, tm_render_png, &len);
    S_check_png(png, len);
    ck_assert_uint_eq(tm_outputs_count(o.extra), 6);
    free(png);
    free(svg);
    tm_render_cache_free(&o);
    tm_outputs_free(o.extra);
    S_free(&r);
    free(path);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(implicit_entry_points_add_nodes)
{
    S_run r;
    S_analyze(&r, tu_path("models/minimal.yaml"));
    size_t expected = 0;
    for (size_t i = 0; i < r.model->n_elements; i++)
        expected += r.a->elements[i].n_entry_points;
    ck_assert_uint_gt(expected, 0); /* managed AWS services have a management plane */
    tm_render_opts o;
    S_opts(&o);
    size_t len;
    char *plain = S_render(r.a, &o, tm_render_dot, &len);
    tm_render_cache_free(&o);
    o.dfd_implicit = 1;
    char *implicit = S_render(r.a, &o, tm_render_dot, &len);
    ck_assert_int_eq(S_dot_nodes(implicit), S_dot_nodes(plain) + (int)expected);
    ck_assert_ptr_nonnull(strstr(implicit, "implicit entry point"));
    ck_assert_ptr_null(strstr(plain, "implicit entry point"));
    S_dot_accepts(implicit);
    char *svg = S_render(r.a, &o, tm_render_svg, &len);
    S_svg_facts f = S_svg(svg, len);
    ck_assert_int_eq(f.nodes, (int)(r.model->n_elements + 1 + expected));
    free(svg);
    free(plain);
    free(implicit);
    tm_render_cache_free(&o);
    S_free(&r);
}
END_TEST

/* The CLI writes dfd.dot, dfd.svg and dfd.png, and --dfd-implicit reaches us. */
START_TEST(cli_report_writes_the_diagrams)
{
    char *dir = tu_tmpdir();
    const char *args[] = {"report", "models/minimal.yaml", "-f", "dot,svg,png", "--dfd-implicit",
                          "-o", dir, NULL};
    tu_result res = tu_run(args);
    ck_assert_msg(res.status == 0, "stridec report failed: %s", res.err);
    const char *names[] = {"dfd.dot", "dfd.svg", "dfd.png"};
    for (int i = 0; i < 3; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        size_t len = 0;
        char *data = tu_slurp(p, &len);
        ck_assert_msg(data != NULL, "%s not written", names[i]);
        if (i == 0)
            ck_assert_ptr_nonnull(strstr(data, "_ep0 ["));
        if (i == 1)
            S_svg(data, len);
        if (i == 2)
            S_check_png(data, len);
        free(data);
    }
    tu_result_free(&res);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

Suite *suite_dfd(void)
{
    Suite *s = suite_create("dfd");
    TCase *tc = tcase_create("dfd");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, golden_minimal);
    tcase_add_test(tc, golden_serverless_webapp);
    tcase_add_test(tc, same_dot_from_yaml_json_xml);
    tcase_add_test(tc, dot_is_deterministic_and_accepted_by_graphviz);
    tcase_add_test(tc, svg_and_png_from_one_layout);
    tcase_add_test(tc, renders_without_options);
    tcase_add_test(tc, shapes_annotations_and_legend);
    tcase_add_test(tc, hostile_names_cannot_inject);
    tcase_add_test(tc, unicode_names_reach_the_svg);
    tcase_add_test(tc, split_large_model_per_boundary);
    tcase_add_test(tc, implicit_entry_points_add_nodes);
    tcase_add_test(tc, cli_report_writes_the_diagrams);
    tcase_add_test(tc, grid_for_a_wide_rank);
    tcase_add_test(tc, generated_model_pngs_stay_small_and_quiet);
    tcase_add_test(tc, oversized_png_is_scaled_with_a_warning);
    tcase_add_test(tc, implicit_split_svg_then_png);
    tcase_add_test(tc, deep_parts_stop_ranking);
    tcase_add_test(tc, svg_and_png_are_deterministic);
    tcase_add_test(tc, svg_nodes_and_edges_link_to_the_report);
    tcase_add_test(tc, html_diagram_links_resolve_on_the_page);
    tcase_add_test(tc, long_labels_are_cut_with_an_ellipsis);
    tcase_add_test(tc, library_messages_become_one_warning);
    suite_add_tcase(s, tc);
    return s;
}
