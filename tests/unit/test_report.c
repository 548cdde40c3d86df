/* report.html, report.md and threats.csv: every threat id of the example
 * models in all three, the LOSS headings, checklist and worksheet; the
 * hostile model produces no live markup (HTML parsed with libxml2), no broken
 * Markdown table and no spreadsheet formula; deterministic bytes; --template
 * folders (custom, missing file, syntax error with file:line:col); and the
 * threat filter exercised in headless Chromium (tests/browser/run.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "stridec/doc.h"
#include "testutil.h"

#define DATE "2026-01-15"

/* ---------------------------------------------------------------- helpers */

typedef struct {
    char *html, *md, *csv;
    size_t html_len, md_len, csv_len;
    tm_arena *ar;
    tm_node *json; /* threats.json */
} S_outputs;

static char *S_file(const char *dir, const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *s = tu_slurp(path, len);
    ck_assert_msg(s != NULL, "%s was not written", path);
    return s;
}

/* `stridec report MODEL -f html,md,csv,json` into a fresh folder, plus
 * extra arguments (NULL-terminated, may be NULL). */
static S_outputs S_report(const char *model, const char *const *extra)
{
    char *dir = tu_tmpdir();
    const char *args[32] = {"report", model, "-o", dir, "-f", "html,md,csv,json", "--date", DATE};
    size_t n = 8;
    for (size_t i = 0; extra && extra[i] && n < 31; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 0, "report %s failed (%d): %s", model, r.status, r.err);
    tu_result_free(&r);
    S_outputs o;
    memset(&o, 0, sizeof o);
    o.html = S_file(dir, "report.html", &o.html_len);
    o.md = S_file(dir, "report.md", &o.md_len);
    o.csv = S_file(dir, "threats.csv", &o.csv_len);
    size_t jlen;
    char *json = S_file(dir, "threats.json", &jlen);
    o.ar = tm_arena_new();
    tm_diags *d = tm_diags_new();
    o.json = tm_read_json(o.ar, "threats.json", json, jlen, NULL, d);
    ck_assert_msg(o.json != NULL, "threats.json does not parse");
    tm_diags_free(d);
    free(json);
    tu_rmtree(dir);
    free(dir);
    return o;
}

static void S_outputs_free(S_outputs *o)
{
    free(o->html);
    free(o->md);
    free(o->csv);
    tm_arena_free(o->ar);
}

static const tm_node *S_threats(const S_outputs *o)
{
    const tm_node *t = tm_node_get(o->json, "threats");
    ck_assert(t && t->kind == TM_NODE_LIST);
    return t;
}

static const char *S_str(const tm_node *map, const char *key)
{
    const tm_node *v = tm_node_get(map, key);
    return v && v->kind == TM_NODE_SCALAR ? v->text : "";
}

static size_t S_count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* ------------------------------------------------- a tiny RFC 4180 reader */

typedef struct {
    char **cells; /* malloc'd */
    size_t n;
} S_row;

typedef struct {
    S_row *rows;
    size_t n;
    int ok; /* parsed to the end; every record ended with CRLF */
} S_csv;

static void S_cell_push(S_row *r, const char *s, size_t len)
{
    r->cells = realloc(r->cells, (r->n + 1) * sizeof *r->cells);
    ck_assert(r->cells != NULL);
    char *c = malloc(len + 1);
    ck_assert(c != NULL);
    memcpy(c, s, len);
    c[len] = '\0';
    r->cells[r->n++] = c;
}

static S_csv S_csv_parse(const char *s, size_t len)
{
    S_csv c = {NULL, 0, 1};
    size_t i = 0;
    tm_buf cell;
    tm_buf_init(&cell, 0);
    while (i < len) {
        c.rows = realloc(c.rows, (c.n + 1) * sizeof *c.rows);
        ck_assert(c.rows != NULL);
        S_row *row = &c.rows[c.n++];
        memset(row, 0, sizeof *row);
        for (;;) {
            tm_buf_reset(&cell);
            if (i < len && s[i] == '"') {
                i++;
                for (;;) {
                    if (i >= len) {
                        c.ok = 0; /* unterminated quoted field */
                        goto out;
                    }
                    if (s[i] == '"') {
                        if (i + 1 < len && s[i + 1] == '"') {
                            tm_buf_putc(&cell, '"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    tm_buf_putc(&cell, s[i++]);
                }
            } else {
                while (i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n') {
                    if (s[i] == '"')
                        c.ok = 0; /* a quote inside an unquoted field */
                    tm_buf_putc(&cell, s[i++]);
                }
            }
            S_cell_push(row, cell.data ? cell.data : "", cell.len);
            if (i < len && s[i] == ',') {
                i++;
                continue;
            }
            if (i + 1 < len && s[i] == '\r' && s[i + 1] == '\n') {
                i += 2;
                break;
            }
            c.ok = 0; /* a record must end with CRLF */
            goto out;
        }
    }
out:
    tm_buf_free(&cell);
    return c;
}

static void S_csv_free(S_csv *c)
{
    for (size_t i = 0; i < c->n; i++) {
        for (size_t k = 0; k < c->rows[i].n; k++)
            free(c->rows[i].cells[k]);
        free(c->rows[i].cells);
    }
    free(c->rows);
}

/* ------------------------------------------------ Markdown table checking */

/* Cells of a GFM table row: pipes that are not backslash-escaped. */
static size_t S_md_cells(const char *line, size_t len)
{
    size_t pipes = 0;
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '\\') {
            i++;
            continue;
        }
        if (line[i] == '|')
            pipes++;
    }
    return pipes ? pipes - 1 : 0; /* rows start and end with a pipe */
}

/* Every table: each row has as many cells as its header. Returns tables seen. */
static size_t S_md_check_tables(const char *md)
{
    size_t tables = 0, header = 0;
    int in_table = 0;
    const char *p = md;
    size_t lineno = 0;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        if (len && p[0] == '|') {
            ck_assert_msg(p[len - 1] == '|', "report.md:%zu: table row does not end with '|': %.*s",
                          lineno, (int)len, p);
            size_t cells = S_md_cells(p, len);
            if (!in_table) {
                in_table = 1;
                header = cells;
                tables++;
            } else {
                ck_assert_msg(cells == header, "report.md:%zu: %zu cells, header has %zu: %.*s",
                              lineno, cells, header, (int)len, p);
            }
        } else {
            in_table = 0;
        }
        p += len + (nl ? 1 : 0);
    }
    return tables;
}

/* strcasestr is a GNU extension. */
static const char *S_strcasestr(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return hay;
    return NULL;
}

/* ---------------------------------------------------------- id coverage */

static void S_check_ids(const char *model)
{
    S_outputs o = S_report(tu_path(model), NULL);
    const tm_node *threats = S_threats(&o);
    ck_assert_msg(threats->n > 0, "%s: no threats", model);
    S_csv csv = S_csv_parse(o.csv, o.csv_len);
    ck_assert_msg(csv.ok, "%s: threats.csv is not RFC 4180", model);
    ck_assert_uint_eq(csv.n, threats->n + 1);
    for (size_t i = 0; i < threats->n; i++) {
        const char *id = S_str(threats->items[i], "id");
        char want[512];
        snprintf(want, sizeof want, "data-id=\"%s\"", id);
        ck_assert_msg(strstr(o.html, want), "%s: %s not in report.html", model, id);
        snprintf(want, sizeof want, "<code class=\"tid\">%s</code>", id);
        ck_assert_msg(strstr(o.html, want), "%s: %s not shown in report.html", model, id);
        snprintf(want, sizeof want, "#### `%s`", id);
        ck_assert_msg(strstr(o.md, want), "%s: %s not in report.md", model, id);
        /* analysis order, verbatim */
        ck_assert_str_eq(csv.rows[i + 1].cells[0], id);
    }
    S_csv_free(&csv);
    S_outputs_free(&o);
}

START_TEST(ids_in_every_report)
{
    static const char *const models[] = {"models/serverless-webapp.yaml",
                                         "models/serverless-webapp.json",
                                         "models/serverless-webapp.xml", "models/minimal.yaml"};
    S_check_ids(models[_i]);
}
END_TEST

/* ---------------------------------------------------- structure, LOSS */

/* The CSP's script hash is the SHA-256 of the page's one script body,
 * checked against openssl (the browser test checks it too, under the real
 * policy, when Chromium is there). */
static void S_check_csp_hash(const char *html)
{
    if (access("/usr/bin/openssl", X_OK) != 0) {
        printf("SKIP: openssl not installed: CSP hash not recomputed\n");
        return;
    }
    const char *b = strstr(html, "<script>"), *e = b ? strstr(b, "</script>") : NULL;
    ck_assert(b && e);
    b += strlen("<script>");
    const char *h = strstr(html, "&#39;sha256-");
    ck_assert(h != NULL);
    h += strlen("&#39;sha256-");
    const char *he = strstr(h, "&#39;");
    ck_assert(he && he - h == 44);
    char *dir = tu_tmpdir();
    char path[1024], cmd[3000];
    snprintf(path, sizeof path, "%s/script.js", dir);
    FILE *f = fopen(path, "wb");
    ck_assert(f != NULL);
    ck_assert_uint_eq(fwrite(b, 1, (size_t)(e - b), f), (size_t)(e - b));
    fclose(f);
    snprintf(cmd, sizeof cmd, "openssl dgst -sha256 -binary < '%s' | base64 > '%s.b64'", path, path);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s.b64", path);
    size_t len;
    char *want = tu_slurp(cmd, &len);
    ck_assert(want && len >= 44);
    ck_assert_msg(strncmp(want, h, 44) == 0, "CSP has sha256-%.44s, the script hashes to %.44s", h, want);
    free(want);
    tu_rmtree(dir);
    free(dir);
}

static const char *const S_headings[] = {"L — List all artifacts", "O — Overall picture",
                                         "S — Security weak points", "S — Show"};

START_TEST(loss_sections_checklist_worksheet)
{
    S_outputs o = S_report(tu_path("models/serverless-webapp.yaml"), NULL);
    const char *prev_h = o.html, *prev_m = o.md;
    for (size_t i = 0; i < 4; i++) {
        char h[128], m[128];
        snprintf(h, sizeof h, "<h2>%s</h2>", S_headings[i]);
        snprintf(m, sizeof m, "\n## %s\n", S_headings[i]);
        const char *ph = strstr(o.html, h), *pm = strstr(o.md, m);
        ck_assert_msg(ph && ph > prev_h, "report.html: heading '%s' missing or out of order", h);
        ck_assert_msg(pm && pm > prev_m, "report.md: heading '%s' missing or out of order", m);
        ck_assert_uint_eq(S_count(o.html, h), 1);
        prev_h = ph;
        prev_m = pm;
    }
    /* the sections in order, then the checklist and the worksheet */
    const char *ck = strstr(o.html, "<h2>LOSS checklist</h2>");
    const char *ws = strstr(o.html, "<h2>Workshop worksheet</h2>");
    ck_assert(ck && ck > prev_h && ws && ws > ck);
    ck_assert(strstr(o.md, "\n## LOSS checklist\n") > prev_m);
    ck_assert(strstr(o.md, "\n## Workshop worksheet\n") > strstr(o.md, "\n## LOSS checklist\n"));
    /* 17 checklist items, as tick boxes in both */
    ck_assert_uint_eq(S_count(ck, "<input type=\"checkbox\">"), 17);
    ck_assert_uint_eq(S_count(o.md, "\n- [ ] "), 17);
    /* the worksheet: the seed's questions for an element of each kind */
    ck_assert(strstr(ws, "Which third-party libraries, SDKs, plugins or components does it include?"));
    ck_assert(strstr(ws, "How is the request body or event received"));
    ck_assert(strstr(ws, "bypassing the app?"));
    ck_assert(strstr(ws, "<code>orders-fn</code>"));
    ck_assert(strstr(o.md, "### Orders function (AWS Lambda, `orders-fn`)"));
    ck_assert(S_count(o.md, "   > Answer:") > 100);
    /* table of contents, header, summary, dashboard, DFD */
    ck_assert(strstr(o.html, "<a href=\"#loss-l\">L — List all artifacts</a>"));
    ck_assert(strstr(o.html, "<a href=\"#loss-s2\">S — Show</a>"));
    ck_assert(strstr(o.html, "id=\"loss-o\""));
    ck_assert(strstr(o.html, "<dt>Date</dt><dd>" DATE "</dd>"));
    ck_assert(strstr(o.html, "Open threats by severity"));
    ck_assert(strstr(o.html, "<figcaption>Threats by STRIDE category</figcaption>"));
    ck_assert(strstr(o.html, "<figure class=\"dfd\" id=\"dfd\">\n<div class=\"scroll\">\n<svg "));
    ck_assert(!strstr(o.html, "<?xml"));
    ck_assert(!strstr(o.html, "<!DOCTYPE svg"));
    ck_assert(strstr(o.md, "![Data-flow diagram"));
    ck_assert(strstr(o.md, "](dfd.svg)"));
    ck_assert(strstr(o.md, "- **Date:** " DATE "\n"));
    /* self-contained: nothing to fetch */
    ck_assert(!strstr(o.html, "<link"));
    ck_assert(!strstr(o.html, " src="));
    ck_assert(!strstr(o.html, "@import"));
    ck_assert(!strstr(o.html, "url("));
    /* a CSP that forbids external loads and names the script by hash */
    ck_assert(strstr(o.html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                             "&#39;none&#39;; img-src data:; style-src &#39;unsafe-inline&#39;; "
                             "base-uri &#39;none&#39;; form-action &#39;none&#39;; script-src "
                             "&#39;sha256-"));
    ck_assert_uint_eq(S_count(o.html, "&#39;sha256-"), 1);
    S_check_csp_hash(o.html);
    /* CSV header, exactly */
    ck_assert(strncmp(o.csv,
                      "id,title,stride,severity,status,target_type,target,description,mitigation,"
                      "references\r\n",
                      86) == 0);
    /* every Markdown table well formed */
    ck_assert(S_md_check_tables(o.md) > 20);
    S_outputs_free(&o);
}
END_TEST

/* ---------------------------------------------------------- hostile model */

typedef struct {
    size_t scripts, imgs, iframes, objects, handlers, js_urls, metas_csp;
    const char *script_text; /* of the one script */
} S_scan;

static void S_scan_html(xmlNode *n, S_scan *s)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)n->name;
        if (strcasecmp(name, "script") == 0) {
            s->scripts++;
            xmlChar *t = xmlNodeGetContent(n);
            ck_assert(t != NULL);
            /* no model text inside the script */
            ck_assert_msg(!strstr((const char *)t, "alert"), "model text inside <script>");
            ck_assert(strstr((const char *)t, "getElementById(\"filters\")"));
            xmlFree(t);
        }
        if (strcasecmp(name, "img") == 0)
            s->imgs++;
        if (strcasecmp(name, "iframe") == 0)
            s->iframes++;
        if (strcasecmp(name, "object") == 0 || strcasecmp(name, "embed") == 0)
            s->objects++;
        for (xmlAttr *a = n->properties; a; a = a->next) {
            const char *an = (const char *)a->name;
            if (strncasecmp(an, "on", 2) == 0)
                s->handlers++;
            xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
            if (v) {
                const char *p = (const char *)v;
                while (*p == ' ' || *p == '\t' || *p == '\n')
                    p++;
                if (strncasecmp(p, "javascript:", 11) == 0 || strncasecmp(p, "data:text/html", 14) == 0)
                    s->js_urls++;
                if (strcasecmp(name, "meta") == 0 && strcasecmp(an, "http-equiv") == 0 &&
                    strcasecmp(p, "Content-Security-Policy") == 0)
                    s->metas_csp++;
                xmlFree(v);
            }
        }
        S_scan_html(n->children, s);
    }
}

START_TEST(hostile_html_has_no_live_markup)
{
    S_outputs o = S_report(tu_path("tests/models/hostile.yaml"), NULL);
    htmlDocPtr doc = htmlReadMemory(o.html, (int)o.html_len, "report.html", "UTF-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    ck_assert(doc != NULL);
    S_scan s;
    memset(&s, 0, sizeof s);
    S_scan_html(xmlDocGetRootElement(doc), &s);
    ck_assert_uint_eq(s.scripts, 1);
    ck_assert_uint_eq(s.imgs, 0);
    ck_assert_uint_eq(s.iframes, 0);
    ck_assert_uint_eq(s.objects, 0);
    ck_assert_uint_eq(s.handlers, 0);
    ck_assert_uint_eq(s.js_urls, 0);
    ck_assert_uint_eq(s.metas_csp, 1);
    /* the hostile strings are there, as text */
    xmlChar *text = xmlNodeGetContent(xmlDocGetRootElement(doc));
    static const char *const hostile[] = {
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1)) <a href=\"javascript:alert(2)\">x</a>",
        "<script>alert('system')</script> & \"Hostile\" 'strings' model",
        "Attribute breakout: \" onmouseover=\"alert(1)\" ' onfocus='alert(2)' >",
        "{{x}} {{{x}}} {{#x}}y{{/x}} {{> partial}}",
        "=HYPERLINK(\"http://x\")",
        "日本語のデータ 🔥",
    };
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++)
        ck_assert_msg(strstr((const char *)text, hostile[i]), "hostile text missing: %s", hostile[i]);
    xmlFree(text);
    xmlFreeDoc(doc);
    S_outputs_free(&o);
}
END_TEST

START_TEST(hostile_markdown_stays_text)
{
    S_outputs o = S_report(tu_path("tests/models/hostile.yaml"), NULL);
    ck_assert(!S_strcasestr(o.md, "<script"));
    ck_assert(!S_strcasestr(o.md, "<img"));
    ck_assert(!S_strcasestr(o.md, "<a href"));
    ck_assert(!strstr(o.md, "](javascript:"));
    ck_assert(S_md_check_tables(o.md) > 10);
    /* no model text starts a heading, list or code fence of its own */
    ck_assert(!strstr(o.md, "\n# Not a heading"));
    ck_assert(!strstr(o.md, "\n```"));
    ck_assert(!strstr(o.md, "\n- not a list"));
    /* the text is there, escaped */
    ck_assert(strstr(o.md, "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"));
    ck_assert(strstr(o.md, "Public \\| pipe \\| table"));
    S_outputs_free(&o);
}
END_TEST

START_TEST(hostile_csv_neutralised)
{
    /* A rule whose title, description, mitigation and references start with
     * the element's name, so that formula text reaches the start of cells. */
    char *dir = tu_tmpdir();
    char rules[1024];
    snprintf(rules, sizeof rules, "%s/names.yaml", dir);
    FILE *f = fopen(rules, "w");
    ck_assert(f != NULL);
    fputs("rules:\n"
          "  - id: TEST-CSV-NAME\n"
          "    title: \"{element.name}\"\n"
          "    applies_to: element\n"
          "    stride: [T]\n"
          "    when: \"true\"\n"
          "    likelihood: likely\n"
          "    impact: high\n"
          "    description: \"{element.name}\"\n"
          "    mitigation: \"{element.name}\"\n"
          "    references: [\"=1+1\", \"x\"]\n",
          f);
    fclose(f);
    const char *extra[] = {"--rules", rules, NULL};
    S_outputs o = S_report(tu_path("tests/models/hostile.yaml"), extra);
    const tm_node *threats = S_threats(&o);
    S_csv csv = S_csv_parse(o.csv, o.csv_len);
    ck_assert(csv.ok);
    ck_assert_uint_eq(csv.n, threats->n + 1);
    size_t neutralised = 0;
    for (size_t i = 0; i < csv.n; i++) {
        ck_assert_uint_eq(csv.rows[i].n, 10);
        for (size_t k = 0; k < csv.rows[i].n; k++) {
            char c = csv.rows[i].cells[k][0];
            ck_assert_msg(c != '=' && c != '+' && c != '-' && c != '@' && c != '\t' && c != '\r',
                          "row %zu cell %zu starts with %c: %s", i, k, c, csv.rows[i].cells[k]);
            neutralised += c == '\'';
        }
        if (i) {
            /* the row is its threat, in analysis order */
            const tm_node *t = threats->items[i - 1];
            ck_assert_str_eq(csv.rows[i].cells[0], S_str(t, "id"));
            ck_assert_str_eq(csv.rows[i].cells[3], S_str(t, "severity"));
            ck_assert_str_eq(csv.rows[i].cells[4], S_str(t, "status"));
            const char *title = S_str(t, "title");
            const char *cell = csv.rows[i].cells[1];
            if (title[0] && strchr("=+-@\t\r", title[0])) {
                ck_assert_int_eq(cell[0], '\'');
                ck_assert_str_eq(cell + 1, title);
            } else {
                ck_assert_str_eq(cell, title);
            }
        }
    }
    ck_assert(neutralised >= 20);
    /* the known cells, exactly */
    ck_assert(strstr(o.csv, "\r\nTEST-CSV-NAME@e-csv1,\"'=HYPERLINK(\"\"http://x\"\")\",T,"));
    ck_assert(strstr(o.csv, "\r\nTEST-CSV-NAME@e-csv3,\"'-1+1\",T,"));
    ck_assert(strstr(o.csv, ",\"'=1+1; x\"\r\n"));
    S_csv_free(&csv);
    S_outputs_free(&o);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* ---------------------------------------------------------- determinism */

START_TEST(same_bytes_twice)
{
    static const char *const models[] = {"models/serverless-webapp.yaml", "tests/models/hostile.yaml"};
    for (size_t m = 0; m < 2; m++) {
        S_outputs a = S_report(tu_path(models[m]), NULL);
        S_outputs b = S_report(tu_path(models[m]), NULL);
        ck_assert(a.html_len == b.html_len && memcmp(a.html, b.html, a.html_len) == 0);
        ck_assert(a.md_len == b.md_len && memcmp(a.md, b.md, a.md_len) == 0);
        ck_assert(a.csv_len == b.csv_len && memcmp(a.csv, b.csv, a.csv_len) == 0);
        S_outputs_free(&a);
        S_outputs_free(&b);
    }
}
END_TEST

/* ------------------------------------------------------------ --template */

static void S_write(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert(f != NULL);
    fputs(text, f);
    fclose(f);
}

START_TEST(custom_template_folder)
{
    char *tdir = tu_tmpdir(), *out = tu_tmpdir();
    S_write(tdir, "report.html",
            "<!DOCTYPE html><title>{{system.name}}</title>\n{{#loss}}<h2>{{heading}}</h2>{{/loss}}\n"
            "{{> count}}\n");
    S_write(tdir, "count.mustache", "<p>{{weak.n_threats}} threats for {{system.name}}</p>");
    S_write(tdir, "report.md", "# {{system.name}}\n{{#show.dashboard}}{{open}} open{{/show.dashboard}}\n");
    const char *args[] = {"report", "tests/models/hostile.yaml", "-o", out, "-f", "html,md,json",
                          "--template", tdir, NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    size_t len;
    char *html = S_file(out, "report.html", &len);
    ck_assert(strstr(html, "<title>&lt;script&gt;alert(&#39;system&#39;)&lt;/script&gt; &amp; "
                           "&quot;Hostile&quot;"));
    ck_assert(strstr(html, "<h2>L — List all artifacts</h2><h2>O — Overall picture</h2>"));
    ck_assert(strstr(html, " threats for &lt;script&gt;"));
    free(html);
    char *md = S_file(out, "report.md", &len);
    ck_assert(strncmp(md, "# &lt;script&gt;alert", 21) == 0);
    ck_assert(strstr(md, " open\n"));
    free(md);
    tu_rmtree(tdir);
    tu_rmtree(out);
    free(tdir);
    free(out);
}
END_TEST

START_TEST(template_folder_errors)
{
    char *tdir = tu_tmpdir(), *out = tu_tmpdir();
    char want[1200];
    /* a missing report.md: the error names the file */
    S_write(tdir, "report.html", "<p>fine</p>\n");
    const char *args_md[] = {"report", "models/minimal.yaml", "-o", out, "-f", "md",
                             "--template", tdir, NULL};
    tu_result r = tu_run(args_md);
    ck_assert_int_ne(r.status, 0);
    snprintf(want, sizeof want, "%s/report.md", tdir);
    ck_assert_msg(strstr(r.err, want), "error does not name %s: %s", want, r.err);
    tu_result_free(&r);
    /* a syntax error: template:line:col */
    S_write(tdir, "report.html", "<html>\n<p>{{#system}}\n{{name}}\n");
    const char *args_html[] = {"report", "models/minimal.yaml", "-o", out, "-f", "html",
                               "--template", tdir, NULL};
    r = tu_run(args_html);
    ck_assert_int_ne(r.status, 0);
    snprintf(want, sizeof want, "%s/report.html:2:4: error: unclosed section 'system'", tdir);
    ck_assert_msg(strstr(r.err, want), "expected '%s' in: %s", want, r.err);
    tu_result_free(&r);
    /* a missing partial: named, not silently empty */
    S_write(tdir, "report.html", "<p>{{> nothere}}</p>\n");
    r = tu_run(args_html);
    ck_assert_int_ne(r.status, 0);
    snprintf(want, sizeof want, "%s/nothere.mustache", tdir);
    ck_assert_msg(strstr(r.err, want), "expected '%s' in: %s", want, r.err);
    tu_result_free(&r);
    /* a partial name that is a path */
    S_write(tdir, "report.html", "<p>{{> ../etc/passwd}}</p>\n");
    r = tu_run(args_html);
    ck_assert_int_ne(r.status, 0);
    ck_assert(strstr(r.err, "partial name '../etc/passwd' is not a plain file name"));
    tu_result_free(&r);
    /* nothing was written */
    char path[1200];
    snprintf(path, sizeof path, "%s/report.html", out);
    struct stat st;
    ck_assert(stat(path, &st) != 0);
    tu_rmtree(tdir);
    tu_rmtree(out);
    free(tdir);
    free(out);
}
END_TEST


/* A run that fails after a streamed format (threats.json goes to a
 * temporary file as it is written) leaves nothing: no temporary file, no
 * output, and not even the folders it created. A folder that existed stays. */
START_TEST(failed_run_leaves_nothing)
{
    char *tdir = tu_tmpdir(), *base = tu_tmpdir();
    S_write(tdir, "report.html", "<p>{{#system}}</p>\n");
    char out[1200];
    snprintf(out, sizeof out, "%s/new/deeper", base);
    const char *args[] = {"report", "models/serverless-webapp.yaml", "-o", out, "-f", "json,sarif,html",
                          "--template", tdir, NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "unclosed section 'system'"), "%s", r.err);
    tu_result_free(&r);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", base);
    ck_assert_msg(system(cmd) == 0, "the failed run left files in %s", base);
    /* into an existing folder: it stays, empty */
    const char *args2[] = {"report", "models/serverless-webapp.yaml", "-o", base, "-f", "json,html",
                           "--template", tdir, NULL};
    r = tu_run(args2);
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);
    struct stat st;
    ck_assert(stat(base, &st) == 0);
    ck_assert_msg(system(cmd) == 0, "the failed run left files in %s", base);
    /* the same run with a good template writes both */
    S_write(tdir, "report.html", "<p>{{#system}}{{name}}{{/system}}</p>\n");
    r = tu_run(args2);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    snprintf(cmd, sizeof cmd, "test \"$(ls -A '%s' | tr '\\n' ' ')\" = 'report.html threats.json '", base);
    ck_assert_msg(system(cmd) == 0, "unexpected files in %s", base);
    tu_rmtree(tdir);
    tu_rmtree(base);
    free(tdir);
    free(base);
}
END_TEST


/* ---------------------------------------------------------------- SARIF */

static const char *S_jstr(const tm_node *map, const char *key)
{
    const tm_node *v = map ? tm_node_get(map, key) : NULL;
    return v && v->kind == TM_NODE_SCALAR ? v->text : NULL;
}

/* threats.sarif has one result per threat, in threats.json's order, each
 * pointing at its rule; reviewed threats are suppressed; rule texts read as
 * words, not as template placeholders. */
START_TEST(sarif_results_match_threats)
{
    char *out = tu_tmpdir();
    const char *args[] = {"report", "models/serverless-webapp.yaml", "-o", out, "-f", "json,sarif", NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    char path[1200];
    size_t jl, sl;
    snprintf(path, sizeof path, "%s/threats.json", out);
    char *jt = tu_slurp(path, &jl);
    snprintf(path, sizeof path, "%s/threats.sarif", out);
    char *st = tu_slurp(path, &sl);
    ck_assert_ptr_nonnull(jt);
    ck_assert_ptr_nonnull(st);
    tm_arena *ar = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *j = tm_read_json(ar, "threats.json", jt, jl, NULL, d);
    tm_node *sr = tm_read_json(ar, "threats.sarif", st, sl, NULL, d);
    ck_assert_ptr_nonnull(j);
    ck_assert_ptr_nonnull(sr);
    ck_assert_str_eq(S_jstr(sr, "version"), "2.1.0");
    const tm_node *run = tm_node_get(sr, "runs")->items[0];
    const tm_node *rules = tm_node_get(tm_node_get(tm_node_get(run, "tool"), "driver"), "rules");
    const tm_node *results = tm_node_get(run, "results");
    const tm_node *threats = tm_node_get(j, "threats");
    ck_assert_uint_gt(threats->n, 100);
    ck_assert_uint_eq(results->n, threats->n);
    size_t suppressed = 0, reviewed = 0;
    for (size_t i = 0; i < results->n; i++) {
        const tm_node *res = results->items[i], *th = threats->items[i];
        /* The rule, or "RULE/severity" where the rule's threats differ in severity. */
        const char *rid = S_jstr(res, "ruleId"), *rule = S_jstr(th, "rule");
        size_t rl = strlen(rule);
        ck_assert_msg(strcmp(rid, rule) == 0 || (strncmp(rid, rule, rl) == 0 && rid[rl] == '/' &&
                                                 strcmp(rid + rl + 1, S_jstr(th, "severity")) == 0),
                      "result %zu: ruleId %s for rule %s", i, rid, rule);
        ck_assert_str_eq(S_jstr(tm_node_get(res, "partialFingerprints"), "stridecThreatId/v1"),
                         S_jstr(th, "id"));
        long long idx = tm_node_get(res, "ruleIndex")->ival;
        ck_assert(idx >= 0 && (size_t)idx < rules->n);
        ck_assert_str_eq(S_jstr(rules->items[idx], "id"), S_jstr(res, "ruleId"));
        const char *status = S_jstr(th, "status");
        ck_assert_str_eq(S_jstr(tm_node_get(res, "properties"), "status"), status);
        reviewed += strcmp(status, "open") != 0 && strcmp(status, "in-progress") != 0;
        suppressed += tm_node_get(res, "suppressions") != NULL;
    }
    ck_assert_uint_gt(reviewed, 0);
    ck_assert_uint_eq(suppressed, reviewed);
    for (size_t k = 0; k < rules->n; k++) {
        const char *keys[] = {"shortDescription", "fullDescription", "help"};
        for (size_t q = 0; q < 3; q++) {
            const char *text = S_jstr(tm_node_get(rules->items[k], keys[q]), "text");
            if (text)
                ck_assert_msg(!strchr(text, '{'), "%s of %s: %s", keys[q],
                              S_jstr(rules->items[k], "id"), text);
        }
    }
    tm_diags_free(d);
    tm_arena_free(ar);
    free(jt);
    free(st);
    tu_rmtree(out);
    free(out);
}
END_TEST

/* ------------------------------------------------------------- Chromium */

/* The ids the probe reported for one scenario ("NAME id id ..."). */
static char *S_result_line(const char *res, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = res; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len >= n && strncmp(p, name, n) == 0 && (len == n || p[n] == ' ')) {
            char *s = malloc(len + 2);
            ck_assert(s != NULL);
            memcpy(s, p + n, len - n);
            s[len - n] = ' '; /* every id is followed by a blank */
            s[len - n + 1] = '\0';
            return s;
        }
        p = nl ? nl + 1 : NULL;
    }
    ck_abort_msg("the browser probe reported no '%s'", name);
    return NULL;
}

typedef int (*S_pred)(const tm_node *threat);

static int S_is_critical(const tm_node *t)
{
    return strcmp(S_str(t, "severity"), "critical") == 0;
}

static int S_has_letter(const tm_node *t, const char *letter)
{
    const tm_node *l = tm_node_get(t, "stride");
    for (size_t i = 0; l && i < l->n; i++)
        if (strcmp(l->items[i]->text, letter) == 0)
            return 1;
    return 0;
}

static int S_has_e(const tm_node *t)
{
    return S_has_letter(t, "E");
}

static int S_is_mitigated(const tm_node *t)
{
    return strcmp(S_str(t, "status"), "mitigated") == 0;
}

static int S_is_open(const tm_node *t)
{
    return strcmp(S_str(t, "status"), "open") == 0 || strcmp(S_str(t, "status"), "in-progress") == 0;
}

static int S_high_i(const tm_node *t)
{
    return strcmp(S_str(t, "severity"), "high") == 0 && S_has_letter(t, "I");
}

static int S_all(const tm_node *t)
{
    (void)t;
    return 1;
}

/* Exactly the threats the predicate selects are visible. */
static void S_check_visible(const S_outputs *o, const char *res, const char *name, S_pred pred)
{
    char *line = S_result_line(res, name);
    const tm_node *threats = S_threats(o);
    size_t want = 0, words = 0;
    for (const char *p = line; *p; p++)
        words += *p == ' ' && p > line && p[-1] != ' ';
    for (size_t i = 0; i < threats->n; i++) {
        char needle[512];
        snprintf(needle, sizeof needle, " %s ", S_str(threats->items[i], "id"));
        int shown = strstr(line, needle) != NULL;
        int sel = pred(threats->items[i]);
        want += sel != 0;
        ck_assert_msg(shown == sel, "filter %s: %s is %s", name, needle,
                      shown ? "visible but should be hidden" : "hidden but should be visible");
    }
    ck_assert_uint_eq(words, want);
    ck_assert_msg(want > 0, "filter %s selects nothing: the test would prove little", name);
    free(line);
}

START_TEST(browser_filters)
{
    if (access("/usr/bin/chromium", X_OK) != 0) {
        printf("SKIP: chromium not installed\n");
        return;
    }
    S_outputs o = S_report(tu_path("models/serverless-webapp.yaml"), NULL);
    char *dir = tu_tmpdir();
    char html[1024], res[1024], cmd[4096];
    snprintf(html, sizeof html, "%s/report.html", dir);
    snprintf(res, sizeof res, "%s/result.txt", dir);
    FILE *f = fopen(html, "wb");
    ck_assert(f != NULL);
    ck_assert_uint_eq(fwrite(o.html, 1, o.html_len, f), o.html_len);
    fclose(f);
    snprintf(cmd, sizeof cmd, "sh '%s' '%s' '%s'", tu_path("tests/browser/run.sh"), html, res);
    int st = system(cmd);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "tests/browser/run.sh failed (%d)", st);
    size_t len;
    char *out = tu_slurp(res, &len);
    ck_assert(out != NULL);
    /* the script ran under the page's CSP and showed the filter bar */
    char *vis = S_result_line(out, "filters-visible");
    ck_assert_str_eq(vis, " 1 ");
    free(vis);
    S_check_visible(&o, out, "all", S_all);
    S_check_visible(&o, out, "severity=critical", S_is_critical);
    S_check_visible(&o, out, "stride=E", S_has_e);
    S_check_visible(&o, out, "status=mitigated", S_is_mitigated);
    S_check_visible(&o, out, "open-only", S_is_open);
    S_check_visible(&o, out, "severity=high+stride=I", S_high_i);
    char *groups = S_result_line(out, "groups-shown-accepted");
    ck_assert_str_eq(groups, " 1 "); /* the example has one accepted threat: one group left */
    free(groups);
    char *zoom = S_result_line(out, "dfd-zoom"); /* a click zooms the diagram */
    ck_assert_str_eq(zoom, " 01 ");
    free(zoom);
    char *count = S_result_line(out, "count");
    char want[64];
    snprintf(want, sizeof want, " %zu_of_%zu_threats_shown ", S_threats(&o)->n, S_threats(&o)->n);
    ck_assert_str_eq(count, want);
    free(count);
    free(out);
    tu_rmtree(dir);
    free(dir);
    S_outputs_free(&o);
}
END_TEST

Suite *suite_report(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("report");
    tcase_set_timeout(tc, 240);
    tcase_add_loop_test(tc, ids_in_every_report, 0, 4);
    tcase_add_test(tc, loss_sections_checklist_worksheet);
    tcase_add_test(tc, hostile_html_has_no_live_markup);
    tcase_add_test(tc, hostile_markdown_stays_text);
    tcase_add_test(tc, hostile_csv_neutralised);
    tcase_add_test(tc, same_bytes_twice);
    tcase_add_test(tc, custom_template_folder);
    tcase_add_test(tc, template_folder_errors);
    tcase_add_test(tc, failed_run_leaves_nothing);
    tcase_add_test(tc, sarif_results_match_threats);
    tcase_add_test(tc, browser_filters);
    suite_add_tcase(s, tc);
    return s;
}
