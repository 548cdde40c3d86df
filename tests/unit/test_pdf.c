/* report.pdf (src/render/pdf.c), read back with poppler-utils: every threat
 * id and LOSS heading in the text, "page X of Y" against pdfinfo's page
 * count, bookmarks with destinations (checked in the PDF bytes), the diagram
 * drawn as vectors with its text and links (one per boundary for split
 * models, no image anywhere), the threat rows linking back to it, Unicode
 * text that can be copied out, missing glyphs replaced with one warning,
 * byte-identical reruns, paper sizes, rows taller than a page split without
 * losing a line, and failures that leave no file. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stridec/model.h"
#include "stridec/render.h"
#include "testutil.h"

/* ------------------------------------------------------------ helpers */

/* memmem is a GNU extension; the build asks for plain POSIX. */
static const char *S_memmem(const char *hay, size_t n, const char *needle, size_t k)
{
    for (size_t i = 0; k <= n && i <= n - k; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, k) == 0)
            return hay + i;
    return NULL;
}

/* stdout of a shell command (malloc'd; stderr dropped). */
static char *S_sh(const char *fmt, const char *arg)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, fmt, arg);
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, cmd);
    tm_buf_puts(&b, " 2>/dev/null");
    FILE *f = popen(b.data, "r");
    ck_assert_msg(f != NULL, "cannot run %s", cmd);
    tm_buf out;
    tm_buf_init(&out, 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        tm_buf_put(&out, chunk, n);
    pclose(f);
    tm_buf_free(&b);
    return out.data ? tm_buf_detach(&out) : tm_xstrdup("");
}

static char *S_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = tm_xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static char *S_write(const char *dir, const char *name, const char *text, size_t len)
{
    char *path = S_join(dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fwrite(text, 1, len, f);
    fclose(f);
    return path;
}

/* stridec report MODEL -o DIR -f FORMATS [extra...]; asserts exit 0. */
static void S_report(const char *model, const char *dir, const char *formats, const char *x1,
                     const char *x2)
{
    const char *args[] = {"report", model, "-o", dir, "-f", formats, x1, x2, NULL};
    tu_result r = tu_run(args);
    ck_assert_msg(r.status == 0, "stridec report %s failed (%d): %s", model, r.status, r.err);
    tu_result_free(&r);
}

static long S_pdfinfo_pages(const char *pdf)
{
    char *info = S_sh("pdfinfo '%s'", pdf);
    const char *p = strstr(info, "\nPages:");
    ck_assert_msg(p != NULL, "pdfinfo gave no page count:\n%s", info);
    long n = strtol(p + 7, NULL, 10);
    free(info);
    return n;
}

/* Threat ids ("RULE@target") of a threats.json, as a list of malloc'd strings. */
static char **S_threat_ids(const char *json, size_t *n)
{
    size_t cap = 64;
    char **ids = tm_xmalloc(cap * sizeof *ids);
    *n = 0;
    for (const char *p = json; (p = strstr(p, "\"id\": \"")) != NULL;) {
        p += 7;
        const char *q = strchr(p, '"');
        ck_assert_ptr_nonnull(q);
        if (memchr(p, '@', (size_t)(q - p))) {
            if (*n == cap)
                ids = tm_xrealloc(ids, (cap *= 2) * sizeof *ids);
            char *id = tm_xmalloc((size_t)(q - p) + 1);
            memcpy(id, p, (size_t)(q - p));
            id[q - p] = '\0';
            ids[(*n)++] = id;
        }
        p = q;
    }
    return ids;
}

/* The UTF-16BE hex form libharu writes for a text string: <FEFF...>. */
static void S_utf16_hex(const char *s, tm_buf *out)
{
    tm_buf_puts(out, "<FEFF");
    size_t n = strlen(s), i = 0;
    while (i < n) {
        uint32_t cp;
        int k = tm_utf8_decode(s + i, n - i, &cp);
        i += (size_t)k;
        tm_buf_printf(out, "%04X", (unsigned)cp);
    }
    tm_buf_putc(out, '>');
}

/* Outline entries: objects with a /Title and a /Dest (libharu marks its
 * outline items /Type /Outlines too). Counts them; *hits counts those whose
 * title is `want` (UTF-16 hex form). */
static size_t S_outline_items(const char *pdf, size_t len, const char *want, size_t *hits)
{
    size_t n = 0;
    *hits = 0;
    const char *end = pdf + len;
    for (const char *p = pdf; p < end;) {
        const char *t = S_memmem(p, (size_t)(end - p), "/Title <FEFF", 12);
        if (!t)
            break;
        const char *e = S_memmem(t, (size_t)(end - t), "endobj", 6);
        if (!e)
            e = end;
        if (S_memmem(t, (size_t)(e - t), "/Dest ", 6) &&
            S_memmem(t, (size_t)(e - t), "/Parent ", 8)) {
            n++;
            if (want && strncmp(t + 7, want, strlen(want)) == 0)
                (*hits)++;
        }
        p = e;
    }
    return n;
}

/* Distinct images (not soft masks) in `pdfimages -list`: an image shown on
 * several pages (a diagram's detail pages) is listed once per page with the
 * same object number. */
static size_t S_images_ex(const char *list, size_t *rows)
{
    int seen[256];
    size_t n = 0;
    *rows = 0;
    for (const char *line = list; line && *line;) {
        int page, num, w, h, comp, bpc, obj;
        char type[16], color[16], enc[16], interp[16];
        if (sscanf(line, "%d %d %15s %d %d %15s %d %d %15s %15s %d", &page, &num, type, &w, &h,
                   color, &comp, &bpc, enc, interp, &obj) == 11 &&
            strcmp(type, "image") == 0) {
            (*rows)++;
            int dup = 0;
            for (size_t i = 0; i < n && !dup; i++)
                dup = seen[i] == obj;
            if (!dup && n < sizeof seen / sizeof *seen)
                seen[n++] = obj;
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return n;
}

static size_t S_images(const char *list)
{
    size_t rows;
    return S_images_ex(list, &rows);
}


/* ---- link annotations, read from the PDF's objects ----
 * libharu writes every object uncompressed except streams, an xref table of
 * 20-byte entries, one /Pages node whose /Kids are the pages in order, and
 * links as  << /Rect [...] /Type /Annot /Subtype /Link /Dest D 0 R /P P 0 R >>
 * with D an array [ PAGE 0 R /FitH y ]. */
typedef struct {
    const char *pdf;
    size_t len;
    size_t *offset; /* per object number: where "N 0 obj" starts, 0 if none */
    size_t n_objs;
    int *page_of;   /* per object number: its page index, or -1 */
    size_t n_pages;
} S_pdfdoc;

typedef struct {
    int from, to; /* page indexes (0-based) */
} S_link;

static void S_pdf_open(S_pdfdoc *doc, const char *pdf, size_t len)
{
    memset(doc, 0, sizeof *doc);
    doc->pdf = pdf;
    doc->len = len;
    const char *sx = NULL;
    for (const char *p = pdf; (p = S_memmem(p, len - (size_t)(p - pdf), "startxref", 9)) != NULL; p++)
        sx = p;
    ck_assert_ptr_nonnull(sx);
    size_t at = (size_t)strtoul(sx + 9, NULL, 10);
    ck_assert(at < len && strncmp(pdf + at, "xref", 4) == 0);
    const char *q = pdf + at + 4;
    unsigned long first = strtoul(q, (char **)&q, 10), count = strtoul(q, (char **)&q, 10);
    while (*q == '\r' || *q == '\n' || *q == ' ')
        q++;
    doc->n_objs = first + count;
    doc->offset = tm_xmalloc(doc->n_objs * sizeof *doc->offset);
    doc->page_of = tm_xmalloc(doc->n_objs * sizeof *doc->page_of);
    for (size_t i = 0; i < doc->n_objs; i++) {
        doc->offset[i] = 0;
        doc->page_of[i] = -1;
    }
    for (unsigned long i = 0; i < count; i++, q += 20)
        if (q[17] == 'n')
            doc->offset[first + i] = (size_t)strtoul(q, NULL, 10);
    const char *pages = S_memmem(pdf, len, "/Type /Pages", 12);
    ck_assert_ptr_nonnull(pages);
    const char *kids = S_memmem(pages, len - (size_t)(pages - pdf), "/Kids [", 7);
    ck_assert_ptr_nonnull(kids);
    for (q = kids + 7; *q != ']';) {
        unsigned long obj = strtoul(q, (char **)&q, 10);
        ck_assert(obj < doc->n_objs);
        doc->page_of[obj] = (int)doc->n_pages++;
        while (*q == ' ' || *q == '0' || *q == 'R')
            q++;
    }
}

static void S_pdf_close(S_pdfdoc *doc)
{
    free(doc->offset);
    free(doc->page_of);
}

/* The body of object `obj`, up to its "endobj" (*n set). */
static const char *S_pdf_obj(const S_pdfdoc *doc, unsigned long obj, size_t *n)
{
    ck_assert(obj < doc->n_objs && doc->offset[obj]);
    const char *o = doc->pdf + doc->offset[obj];
    const char *e = S_memmem(o, doc->len - doc->offset[obj], "endobj", 6);
    ck_assert_ptr_nonnull(e);
    *n = (size_t)(e - o);
    return o;
}

static unsigned long S_ref_after(const char *o, size_t n, const char *key)
{
    const char *k = S_memmem(o, n, key, strlen(key));
    return k ? strtoul(k + strlen(key), NULL, 10) : 0;
}

/* Every link annotation: the page it is on and the page it goes to. */
static S_link *S_pdf_links(const S_pdfdoc *doc, size_t *n)
{
    size_t cap = 64;
    S_link *l = tm_xmalloc(cap * sizeof *l);
    *n = 0;
    for (unsigned long obj = 1; obj < doc->n_objs; obj++) {
        if (!doc->offset[obj])
            continue;
        size_t on;
        const char *o = S_pdf_obj(doc, obj, &on);
        const char *sub = S_memmem(o, on, "/Subtype /Link", 14);
        if (!sub || S_memmem(o, on, "stream", 6))
            continue;
        unsigned long page = S_ref_after(o, on, "/P "), dest = S_ref_after(o, on, "/Dest ");
        ck_assert(page < doc->n_objs && dest > 0);
        size_t dn;
        const char *d = S_pdf_obj(doc, dest, &dn);
        const char *br = memchr(d, '[', dn);
        ck_assert_ptr_nonnull(br);
        unsigned long target = strtoul(br + 1, NULL, 10);
        ck_assert(target < doc->n_objs && doc->page_of[target] >= 0 && doc->page_of[page] >= 0);
        if (*n == cap)
            l = tm_xrealloc(l, (cap *= 2) * sizeof *l);
        l[(*n)++] = (S_link){doc->page_of[page], doc->page_of[target]};
    }
    return l;
}

/* pdftotext's pages (split at form feeds): page i is texts[i]. */
static char **S_page_texts(char *text, size_t *n)
{
    size_t cap = 16;
    char **t = tm_xmalloc(cap * sizeof *t);
    *n = 0;
    for (char *p = text; p;) {
        char *ff = strchr(p, '\f');
        if (ff)
            *ff = '\0';
        if (*n == cap)
            t = tm_xrealloc(t, (cap *= 2) * sizeof *t);
        t[(*n)++] = p;
        p = ff ? ff + 1 : NULL;
    }
    return t;
}

static const char *const S_headings[] = {"L — List all artifacts", "O — Overall picture",
                                         "S — Security weak points", "S — Show"};

/* ----------------------------------------------------------------- tests */

START_TEST(example_holds_every_threat_and_section)
{
    char *dir = tu_tmpdir();
    S_report("models/serverless-webapp.yaml", dir, "pdf,json", "--date", "2026-01-15");
    char *pdf = S_join(dir, "report.pdf"), *json = S_join(dir, "threats.json");
    size_t plen;
    char *bytes = tu_slurp(pdf, &plen);
    ck_assert_ptr_nonnull(bytes);
    ck_assert(plen > 1000 && memcmp(bytes, "%PDF-", 5) == 0);
    /* compact: well under 1.5 MB with the diagram and two embedded fonts */
    ck_assert_msg(plen < 1500u * 1024u, "report.pdf is %zu bytes", plen);
    char *text = S_sh("pdftotext '%s' -", pdf);
    char *tj = tu_slurp(json, NULL);
    size_t n_ids;
    char **ids = S_threat_ids(tj, &n_ids);
    ck_assert_uint_gt(n_ids, 100);
    for (size_t i = 0; i < n_ids; i++) {
        ck_assert_msg(strstr(text, ids[i]) != NULL, "threat %s is not in report.pdf", ids[i]);
        free(ids[i]);
    }
    free(ids);
    for (size_t i = 0; i < 4; i++)
        ck_assert_msg(strstr(text, S_headings[i]), "heading %s missing", S_headings[i]);
    static const char *const parts[] = {"Contents",
                                        "Elements by type",
                                        "Data assets",
                                        "Identities",
                                        "Third-party code",
                                        "Data-flow diagram",
                                        "Trust boundaries and what crosses them",
                                        "Shared responsibility",
                                        "Assumptions",
                                        "Out of scope",
                                        "Implicit entry points",
                                        "Dashboard",
                                        "Monitoring plan",
                                        "LOSS checklist",
                                        "Workshop worksheet",
                                        "Open threats by severity",
                                        "Example Shop serverless web app",
                                        "2026-01-15",
                                        "stridec 0.",
                                        "models/serverless-webapp.yaml"};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        ck_assert_msg(strstr(text, parts[i]), "'%s' missing from report.pdf", parts[i]);
    /* no row of the example is taller than a page, so none is split */
    ck_assert_ptr_null(strstr(text, "\n(continued)\n"));
    free(tj);
    free(text);
    free(bytes);
    free(pdf);
    free(json);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(page_numbers_match_pdfinfo)
{
    char *dir = tu_tmpdir();
    S_report("models/serverless-webapp.yaml", dir, "pdf", "--date", "2026-01-15");
    char *pdf = S_join(dir, "report.pdf");
    long pages = S_pdfinfo_pages(pdf);
    ck_assert_int_gt(pages, 20);
    ck_assert_int_lt(pages, 400);
    char *text = S_sh("pdftotext '%s' -", pdf);
    /* pages are separated by form feeds; page i says "page i of N" */
    const char *pg = text;
    for (long i = 1; i <= pages; i++) {
        const char *ff = strchr(pg, '\f');
        ck_assert_msg(ff != NULL, "page %ld missing in the text", i);
        char want[64];
        snprintf(want, sizeof want, "page %ld of %ld", i, pages);
        size_t n = (size_t)(ff - pg);
        char *one = tm_xmalloc(n + 1);
        memcpy(one, pg, n);
        one[n] = '\0';
        ck_assert_msg(strstr(one, want) != NULL, "page %ld lacks '%s'", i, want);
        /* every page of the threat tables shows the header row, also after breaks */
        static const char running[] =
            "Example Shop serverless web app\n\nS — Security weak points\n";
        if (strncmp(one, running, sizeof running - 1) == 0) {
            /* ... and the attack paths' step tables theirs */
            int paths = strstr(one, "Step, and what lets it happen") &&
                        strstr(one, "What cuts the path here");
            ck_assert_msg(paths ||
                              (strstr(one, "Severity") && strstr(one, "Remedy") &&
                               strstr(one, "STRIDE")),
                          "threat page %ld has no header row", i);
        }
        free(one);
        pg = ff + 1;
    }
    free(text);
    /* the page size: A4 by default, Letter on request */
    char *info = S_sh("pdfinfo '%s'", pdf);
    ck_assert_msg(strstr(info, "595.276 x 841.89 pts (A4)") != NULL, "not A4:\n%s", info);
    ck_assert_msg(strstr(info, "CreationDate:    Thu Jan 15 00:00:00 2026") != NULL,
                  "the creation date is not --date:\n%s", info);
    free(info);
    S_report("models/serverless-webapp.yaml", dir, "pdf", "--paper", "letter");
    info = S_sh("pdfinfo '%s'", pdf);
    ck_assert_msg(strstr(info, "612 x 792 pts (letter)") != NULL, "not Letter:\n%s", info);
    free(info);
    free(pdf);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* Text of page `page` (1-based) out of pdftotext's form-feed separated pages (malloc'd). */
static char *S_page_text(const char *text, long page)
{
    const char *pg = text;
    for (long i = 1; i < page && pg; i++) {
        pg = strchr(pg, '\f');
        if (pg)
            pg++;
    }
    ck_assert_msg(pg != NULL, "no page %ld", page);
    const char *ff = strchr(pg, '\f');
    size_t n = ff ? (size_t)(ff - pg) : strlen(pg);
    char *one = tm_xmalloc(n + 1);
    memcpy(one, pg, n);
    one[n] = '\0';
    return one;
}

/* The contents give each LOSS section's page (read with pdftotext -layout):
 * the section starts there, as its running header shows. */
START_TEST(contents_page_numbers_are_right)
{
    char *dir = tu_tmpdir();
    S_report("models/serverless-webapp.yaml", dir, "pdf", NULL, NULL);
    char *pdf = S_join(dir, "report.pdf");
    char *layout = S_sh("pdftotext -layout '%s' -", pdf);
    char *text = S_sh("pdftotext '%s' -", pdf);
    for (size_t i = 0; i < 4; i++) {
        long page = 0;
        size_t k = strlen(S_headings[i]);
        for (const char *l = layout; l && *l && !page;) {
            if (strncmp(l, S_headings[i], k) == 0 && l[k] == ' ') {
                const char *e = strchr(l, '\n');
                const char *num = e ? e : l + strlen(l);
                while (num > l && num[-1] >= '0' && num[-1] <= '9')
                    num--;
                page = strtol(num, NULL, 10);
            }
            l = strchr(l, '\n');
            if (l)
                l++;
        }
        ck_assert_msg(page > 2, "no contents line for %s", S_headings[i]);
        tm_buf want;
        tm_buf_init(&want, 0);
        tm_buf_printf(&want, "Example Shop serverless web app\n\n%s\n", S_headings[i]);
        char *at = S_page_text(text, page), *before = S_page_text(text, page - 1);
        ck_assert_msg(strncmp(at, want.data, want.len) == 0, "%s is not on page %ld", S_headings[i],
                      page);
        ck_assert_msg(strncmp(before, want.data, want.len) != 0, "%s starts before page %ld",
                      S_headings[i], page);
        free(at);
        free(before);
        tm_buf_free(&want);
    }
    free(layout);
    free(text);
    free(pdf);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(bookmarks_for_every_section)
{
    char *dir = tu_tmpdir();
    S_report("models/serverless-webapp.yaml", dir, "pdf", NULL, NULL);
    char *pdf = S_join(dir, "report.pdf");
    size_t len;
    char *bytes = tu_slurp(pdf, &len);
    ck_assert_ptr_nonnull(S_memmem(bytes, len, "/Outlines ", 10));
    ck_assert_ptr_nonnull(S_memmem(bytes, len, "/PageMode /UseOutlines", 22));
    size_t total = 0, hits;
    for (size_t i = 0; i < 4; i++) {
        tm_buf h;
        tm_buf_init(&h, 0);
        S_utf16_hex(S_headings[i], &h);
        total = S_outline_items(bytes, len, h.data, &hits);
        /* the section, and the checklist's part for it */
        ck_assert_msg(hits == 2, "bookmark '%s' found %zu times", S_headings[i], hits);
        tm_buf_free(&h);
    }
    static const char *const subs[] = {"Elements by type", "Data-flow diagram",
                                       "Dashboard",        "Monitoring plan",
                                       "LOSS checklist",   "Workshop worksheet"};
    for (size_t i = 0; i < sizeof subs / sizeof *subs; i++) {
        tm_buf h;
        tm_buf_init(&h, 0);
        S_utf16_hex(subs[i], &h);
        S_outline_items(bytes, len, h.data, &hits);
        ck_assert_msg(hits == 1, "bookmark '%s' found %zu times", subs[i], hits);
        tm_buf_free(&h);
    }
    /* sections, subsections and one per threat group of the weak points */
    ck_assert_uint_gt(total, 40);
    /* the contents page links to the sections */
    size_t links = 0;
    for (const char *p = bytes; (p = S_memmem(p, len - (size_t)(p - bytes), "/Subtype /Link", 14));
         p++)
        links++;
    ck_assert_uint_ge(links, total);
    free(bytes);
    free(pdf);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* The diagram is drawn as vectors: no image at all, its text is text (every
 * element's name on its page), every element and flow on it links to its
 * section, and every threat row of a part the diagram draws links back. */
START_TEST(diagram_is_vector_text_and_links)
{
    tm_diags *d = tm_diags_new();
    tm_catalog *cat = tm_catalog_builtin(d);
    tm_ruleset *rules = tm_ruleset_new();
    ck_assert_int_eq(tm_ruleset_add_builtin(rules, d), 0);
    tm_load_opts lo;
    memset(&lo, 0, sizeof lo);
    tm_model *m = tm_model_load(tu_path("models/serverless-webapp.yaml"), &lo, d);
    ck_assert_ptr_nonnull(m);
    tm_analysis *a = tm_analyze(m, cat, rules, NULL, d);
    ck_assert_ptr_nonnull(a);
    size_t drawn_threats = 0; /* threats on what the diagram draws */
    for (size_t i = 0; i < a->n_threats; i++)
        drawn_threats += a->threats[i]->target_type == TM_TARGET_MODEL ||
                         a->threats[i]->target_type == TM_TARGET_BOUNDARY ||
                         a->threats[i]->target_type == TM_TARGET_ELEMENT ||
                         a->threats[i]->target_type == TM_TARGET_FLOW;
    ck_assert_uint_gt(drawn_threats, 100);

    char *dir = tu_tmpdir();
    S_report("models/serverless-webapp.yaml", dir, "pdf", NULL, NULL);
    char *pdf = S_join(dir, "report.pdf");
    char *list = S_sh("pdfimages -list '%s'", pdf);
    size_t rows;
    ck_assert_msg(S_images_ex(list, &rows) == 0 && rows == 0, "an image in report.pdf:\n%s", list);
    free(list);
    char *text = S_sh("pdftotext '%s' -", pdf);
    ck_assert_ptr_nonnull(strstr(text, "Data-flow diagram, detail: row 1 of "));
    ck_assert_ptr_nonnull(strstr(text, "On the diagram, page "));
    size_t n_pages;
    char **pages = S_page_texts(text, &n_pages);
    /* the diagram's page: the first with its legend */
    int main_page = -1;
    for (size_t i = 0; i < n_pages && main_page < 0; i++)
        if (strstr(pages[i], "\nData-flow diagram\n") && strstr(pages[i], "Legend"))
            main_page = (int)i;
    ck_assert_int_ge(main_page, 0);
    for (size_t i = 0; i < m->n_elements; i++) {
        /* names are wrapped at spaces on the diagram: each word is there */
        char word[256];
        for (const char *w = m->elements[i]->name; *w;) {
            size_t k = strcspn(w, " ");
            snprintf(word, sizeof word, "%.*s", (int)k, w);
            ck_assert_msg(k == 0 || strstr(pages[main_page], word),
                          "'%s' (of %s) is not on the diagram's page", word, m->elements[i]->name);
            w += k;
            while (*w == ' ')
                w++;
        }
    }
    size_t plen;
    char *bytes = tu_slurp(pdf, &plen);
    S_pdfdoc doc;
    S_pdf_open(&doc, bytes, plen);
    ck_assert_uint_eq(doc.n_pages, n_pages - (pages[n_pages - 1][0] == '\0'));
    size_t n_links;
    S_link *links = S_pdf_links(&doc, &n_links);
    size_t from_diagram = 0, back = 0;
    bool diagram_page[4096] = {false};
    for (size_t i = 0; i < n_pages && i < 4096; i++)
        diagram_page[i] = strstr(pages[i], "Data-flow diagram") && strstr(pages[i], "Legend");
    for (size_t i = 0; i < n_links; i++) {
        if (links[i].from == main_page) {
            from_diagram++;
            /* into the report, after the contents, never back to a diagram */
            ck_assert_int_gt(links[i].to, 2);
            ck_assert(!diagram_page[links[i].to]);
        }
        /* threat rows come after the diagram (the contents link to it too) */
        if (links[i].to == main_page && links[i].from > main_page && !diagram_page[links[i].from])
            back++;
    }
    /* elements, flows and boundaries, each once on the page */
    ck_assert_uint_eq(from_diagram, m->n_elements + m->n_flows + m->n_boundaries);
    ck_assert_uint_eq(back, drawn_threats);
    free(links);
    S_pdf_close(&doc);
    free(bytes);
    free(pages);
    free(text);
    /* the diagram is wider than tall, so its page is landscape */
    char *info = S_sh("pdfinfo -f 1 -l 400 '%s'", pdf);
    ck_assert_msg(strstr(info, "size:  841.89 x 595.276 pts") != NULL,
                  "no landscape page:\n%.2000s", info);
    free(info);
    free(pdf);
    tu_rmtree(dir);
    free(dir);
    tm_analysis_free(a);
    tm_model_free(m);
    tm_ruleset_free(rules);
    tm_catalog_free(cat);
    tm_diags_free(d);
}
END_TEST

START_TEST(reruns_give_identical_bytes)
{
    char *d1 = tu_tmpdir(), *d2 = tu_tmpdir();
    S_report("models/serverless-webapp.yaml", d1, "pdf", NULL, NULL);
    S_report("models/serverless-webapp.yaml", d2, "pdf", NULL, NULL);
    char *p1 = S_join(d1, "report.pdf"), *p2 = S_join(d2, "report.pdf");
    size_t n1, n2;
    char *b1 = tu_slurp(p1, &n1), *b2 = tu_slurp(p2, &n2);
    ck_assert_uint_eq(n1, n2);
    ck_assert_msg(memcmp(b1, b2, n1) == 0, "two runs differ");
    /* no wall clock: without --date or system.date there is no date at all */
    ck_assert_ptr_null(S_memmem(b1, n1, "/ID", 3));
    free(b1);
    free(b2);
    S_report("models/minimal.yaml", d1, "pdf", NULL, NULL);
    char *info = S_sh("pdfinfo '%s'", p1);
    ck_assert_msg(strstr(info, "CreationDate") == NULL && strstr(info, "ModDate") == NULL,
                  "a date without --date:\n%s", info);
    free(info);
    free(p1);
    free(p2);
    tu_rmtree(d1);
    tu_rmtree(d2);
    free(d1);
    free(d2);
}
END_TEST

/* Render through the library (to see warnings, which the CLI prints only on failure). */
static char *S_render_lib(const char *model, const tm_render_opts *base, size_t *len,
                          tm_diags **diags_out)
{
    tm_diags *d = tm_diags_new();
    tm_catalog *cat = tm_catalog_builtin(d);
    tm_ruleset *rules = tm_ruleset_new();
    ck_assert_int_eq(tm_ruleset_add_builtin(rules, d), 0);
    tm_load_opts lo;
    memset(&lo, 0, sizeof lo);
    tm_model *m = tm_model_load(model, &lo, d);
    ck_assert_msg(m != NULL, "%s did not load", model);
    tm_analysis *a = tm_analyze(m, cat, rules, NULL, d);
    ck_assert_ptr_nonnull(a);
    tm_render_opts o = *base;
    tm_buf out;
    tm_buf_init(&out, 0);
    size_t before = tm_diags_count(d);
    int rc = tm_render_pdf(a, &o, &out, d);
    if (rc != 0) {
        tm_buf msg;
        tm_buf_init(&msg, 0);
        tm_diags_format(d, &msg);
        ck_abort_msg("tm_render_pdf failed:\n%s", msg.data ? msg.data : "");
    }
    tm_render_cache_free(&o);
    /* keep only the renderer's own diagnostics */
    tm_diags *mine = tm_diags_new();
    for (size_t i = before; i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        tm_diag_add(mine, g->severity, g->code, g->file, g->line, g->col, "%s", g->message);
    }
    *diags_out = mine;
    tm_analysis_free(a);
    tm_model_free(m);
    tm_ruleset_free(rules);
    tm_catalog_free(cat);
    tm_diags_free(d);
    *len = out.len;
    return tm_buf_detach(&out);
}

START_TEST(unicode_copies_out_and_missing_glyphs_warn_once)
{
    if (access(tu_path("tests/models/hostile.yaml"), R_OK) != 0)
        return; /* the shared hostile model is another engineer's file */
    tm_render_opts o;
    memset(&o, 0, sizeof o);
    o.dfd_direction = "LR";
    size_t len;
    tm_diags *d;
    char *pdf = S_render_lib(tu_path("tests/models/hostile.yaml"), &o, &len, &d);
    size_t warnings = 0;
    for (size_t i = 0; i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        ck_assert_msg(g->severity != TM_DIAG_ERROR, "error: %s", g->message);
        if (strstr(g->message, "the font lacks")) {
            warnings++;
            ck_assert_int_eq(g->severity, TM_DIAG_WARNING);
            ck_assert_msg(strncmp(g->message, "pdf: ", 5) == 0, "%s", g->message);
        }
    }
    ck_assert_uint_eq(warnings, 1);
    tm_diags_free(d);
    char *dir = tu_tmpdir();
    char *path = S_write(dir, "report.pdf", pdf, len);
    char *text = S_sh("pdftotext '%s' -", path);
    /* Greek, Cyrillic and symbols come out as text */
    ck_assert_ptr_nonnull(strstr(text, "Ζωή Παπαδοπούλου"));
    ck_assert_ptr_nonnull(strstr(text, "Граница доверия (Кириллица)"));
    ck_assert_ptr_nonnull(strstr(text, "<script>alert(1)</script>"));
    ck_assert_ptr_nonnull(strstr(text, "→"));
    /* CJK and emoji are not in DejaVu Sans: replaced, visibly */
    ck_assert_ptr_null(strstr(text, "日本語"));
    ck_assert_ptr_null(strstr(text, "🔥"));
    ck_assert_ptr_nonnull(strstr(text, "□□□"));
    /* bidi overrides are not drawn */
    ck_assert_ptr_null(strstr(text, "\u202E"));
    free(text);
    free(path);
    free(pdf);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* A model whose review decision is far longer than a page: the row is split
 * at line boundaries with "(continued)" and no word is lost. */
START_TEST(row_taller_than_a_page_is_split_without_loss)
{
    char *dir = tu_tmpdir();
    tm_buf m;
    tm_buf_init(&m, 0);
    tm_buf_puts(&m, "stridec: 1\nsystem: {name: Tall rows}\n"
                    "boundaries:\n  - {id: internet, type: internet}\n"
                    "  - {id: aws, type: cloud-account}\n"
                    "elements:\n  - {id: user, type: user, boundary: internet}\n"
                    "  - {id: photos, type: aws.s3, boundary: aws, props: {public_read: true}}\n"
                    "flows:\n  - {from: user, to: photos, protocol: https}\n"
                    "threats:\n  - id: \"*@photos\"\n    status: accepted\n    owner: ops\n"
                    "    justification: \"");
    for (int i = 0; i < 1500; i++)
        tm_buf_printf(&m, "w%04d ", i);
    tm_buf_puts(&m, "\"\n");
    char *model = S_write(dir, "tall.yaml", m.data, m.len);
    tm_buf_free(&m);
    S_report(model, dir, "pdf", NULL, NULL);
    char *pdf = S_join(dir, "report.pdf");
    char *text = S_sh("pdftotext '%s' -", pdf);
    ck_assert_ptr_nonnull(strstr(text, "\n(continued)\n"));
    for (int i = 0; i < 1500; i++) {
        char w[16];
        snprintf(w, sizeof w, "w%04d", i);
        ck_assert_msg(strstr(text, w) != NULL, "word %s lost in a split row", w);
    }
    free(text);
    free(pdf);
    free(model);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* A 200 KB word (longer than libharu measures at once) is broken across
 * lines in linear time, nothing lost at either end. */
START_TEST(overlong_words_are_broken)
{
    char *dir = tu_tmpdir();
    tm_buf m;
    tm_buf_init(&m, 0);
    tm_buf_puts(&m, "stridec: 1\nsystem: {name: Long, description: \"HEAD");
    for (int i = 0; i < 200000; i++)
        tm_buf_putc(&m, (char)('a' + i % 26));
    /* an owner longer than a libharu string (document info) */
    tm_buf_puts(&m, "TAIL\", owner: \"");
    for (int i = 0; i < 20000; i++)
        tm_buf_puts(&m, "Owner ");
    tm_buf_puts(&m, "\"}\nelements:\n  - {id: u, type: user}\n");
    char *model = S_write(dir, "long.yaml", m.data, m.len);
    tm_buf_free(&m);
    S_report(model, dir, "pdf", NULL, NULL);
    char *pdf = S_join(dir, "report.pdf");
    char *text = S_sh("pdftotext '%s' -", pdf);
    ck_assert_ptr_nonnull(strstr(text, "HEADabcdefghijklmnopqrstuvwxyz"));
    ck_assert_ptr_nonnull(strstr(text, "TAIL"));
    free(text);
    char *info = S_sh("pdfinfo '%s'", pdf);
    ck_assert_ptr_nonnull(strstr(info, "Author:          Owner Owner"));
    free(info);
    free(pdf);
    free(model);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(split_models_get_a_diagram_per_boundary)
{
    char *dir = tu_tmpdir();
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_puts(&b, "stridec: 1\nsystem: {name: Large}\nboundaries:\n");
    for (int i = 0; i < 3; i++)
        tm_buf_printf(&b, "  - {id: zone-%d, name: Zone %s, type: cloud-account}\n", i,
                      i == 0   ? "zero"
                      : i == 1 ? "one"
                               : "two");
    tm_buf_puts(&b, "elements:\n  - {id: client, type: user}\n");
    for (int i = 1; i < 31; i++)
        tm_buf_printf(&b, "  - {id: x%d, type: %s, boundary: zone-%d}\n", i,
                      i % 2 ? "aws.lambda" : "aws.s3", i % 3);
    tm_buf_puts(&b, "flows:\n");
    for (int i = 1; i + 3 < 31; i++)
        tm_buf_printf(&b, "  - {from: x%d, to: x%d, protocol: aws-api}\n", i, i + 3);
    tm_buf_puts(&b, "  - {from: client, to: x1, protocol: https}\n");
    char *model = S_write(dir, "large.yaml", b.data, b.len);
    tm_buf_free(&b);
    tm_render_opts o;
    memset(&o, 0, sizeof o);
    o.dfd_direction = "LR";
    o.dfd_split_threshold = 10;
    size_t len;
    tm_diags *d;
    char *pdf = S_render_lib(model, &o, &len, &d);
    tm_diags_free(d);
    char *path = S_write(dir, "report.pdf", pdf, len);
    char *list = S_sh("pdfimages -list '%s'", path);
    ck_assert_msg(S_images(list) == 0, "an image in report.pdf:\n%s", list);
    free(list);
    /* the overview and one diagram per top-level boundary, as text */
    char *text = S_sh("pdftotext '%s' -", path);
    ck_assert_ptr_nonnull(strstr(text, "Data-flow diagram (overview)"));
    for (int i = 0; i < 3; i++) {
        const char *zone[] = {"Zone zero", "Zone one", "Zone two"};
        char want[64];
        snprintf(want, sizeof want, "Data-flow diagram: %s", zone[i]);
        ck_assert_msg(strstr(text, want) != NULL, "no '%s'", want);
    }
    ck_assert_ptr_nonnull(strstr(text, "x30"));
    free(text);
    free(path);
    free(pdf);
    free(model);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* A missing font or a libharu error: exit 3 and no report.pdf (nor any other file of the run). */
START_TEST(failures_leave_no_file)
{
    char *dir = tu_tmpdir();
    char *fonts = S_join(dir, "fonts");
    char *out = S_join(dir, "out");
    tm_buf cmd;
    tm_buf_init(&cmd, 0);
    tm_buf_printf(&cmd, "mkdir -p '%s'", fonts);
    ck_assert_int_eq(system(cmd.data), 0);
    tm_buf_free(&cmd);
    setenv("STRIDEC_FONT_DIR", fonts, 1);
    const char *args[] = {"report", "models/minimal.yaml", "-o", out, "-f", "json,pdf", NULL};
    tu_result r = tu_run(args);
    ck_assert_int_eq(r.status, 3);
    ck_assert_msg(strstr(r.err, "pdf: font DejaVuSans.ttf not found (install fonts-dejavu-core)"),
                  "%s", r.err);
    ck_assert_int_ne(access(out, F_OK), 0);
    tu_result_free(&r);
    /* a font file libharu cannot read: its error comes back as a diagnostic */
    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 7 + 3);
    free(S_write(fonts, "DejaVuSans.ttf", junk, sizeof junk));
    free(S_write(fonts, "DejaVuSans-Bold.ttf", junk, sizeof junk));
    r = tu_run(args);
    ck_assert_int_eq(r.status, 3);
    ck_assert_msg(strstr(r.err, "pdf: libharu error 0x") != NULL, "%s", r.err);
    ck_assert_int_ne(access(out, F_OK), 0);
    tu_result_free(&r);
    unsetenv("STRIDEC_FONT_DIR");
    free(fonts);
    free(out);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

Suite *suite_pdf(void)
{
    Suite *s = suite_create("pdf");
    TCase *tc = tcase_create("pdf");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, example_holds_every_threat_and_section);
    tcase_add_test(tc, page_numbers_match_pdfinfo);
    tcase_add_test(tc, contents_page_numbers_are_right);
    tcase_add_test(tc, bookmarks_for_every_section);
    tcase_add_test(tc, diagram_is_vector_text_and_links);
    tcase_add_test(tc, reruns_give_identical_bytes);
    tcase_add_test(tc, unicode_copies_out_and_missing_glyphs_warn_once);
    tcase_add_test(tc, row_taller_than_a_page_is_split_without_loss);
    tcase_add_test(tc, overlong_words_are_broken);
    tcase_add_test(tc, split_models_get_a_diagram_per_boundary);
    tcase_add_test(tc, failures_leave_no_file);
    suite_add_tcase(s, tc);
    return s;
}
