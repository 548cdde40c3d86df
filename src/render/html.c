/*
 * report.html: the LOSS report as one self-contained page.
 *
 * The page is templates/report.html (or --template DIR) rendered over the
 * report data tree with HTML escaping, plus two things only this renderer
 * adds to the tree:
 *   - dfd_svg: the data-flow diagram as inline SVG, drawn from the run's
 *     shared layout (src/render/dfd/svg.c, without an XML declaration), each
 *     node and edge a link to its section of the page with its threats as a
 *     tooltip. The SVG writer escapes every model string; the renderer still
 *     refuses an SVG holding a script, style, foreignObject or javascript:
 *     link, since it goes in unescaped.
 *   - csp: a Content-Security-Policy for a <meta http-equiv> that allows no
 *     external load at all and runs only the template's own inline scripts,
 *     each named by its SHA-256. The hashes are of the rendered page's
 *     <script> bodies, so a team's template with its own script keeps
 *     working. The page is rendered twice: once to find the scripts, once
 *     with the policy (a script's body never depends on the policy).
 * Model text never reaches a <script>: the template puts it only in element
 * text and escaped attributes (data-*), which the filter script reads.
 *
 * With live_reload (report --watch) the renderer adds, whatever the
 * template, one script before </body> that loads report-reload.js every
 * second and reloads the page when that file names another report than the
 * page's own (a digest of the page). A page opened from disk cannot fetch
 * or XHR a file, so the script inserts a <script src> element; the policy
 * lets it with 'strict-dynamic' (a script the page's hashed scripts insert
 * may run; markup still cannot load one), only in watch mode.
 */
#include <stdint.h>
#include <string.h>

#include "render/dfd/scene.h"
#include "render/report_template.h"
#include "stridec/doc.h"

/* =============================================================== SHA-256 */

/* FIPS 180-4. Small and only used for CSP hashes of a few KB of script. */
typedef struct {
    uint32_t h[8];
    uint64_t len;
    unsigned char blk[64];
    size_t n;
} S_sha256;

static const uint32_t S_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

static uint32_t S_ror(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

static void S_sha_block(S_sha256 *s, const unsigned char *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = S_ror(w[i - 15], 7) ^ S_ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = S_ror(w[i - 2], 17) ^ S_ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4], f = s->h[5],
             g = s->h[6], h = s->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (S_ror(e, 6) ^ S_ror(e, 11) ^ S_ror(e, 25)) + ((e & f) ^ (~e & g)) +
                      S_K[i] + w[i];
        uint32_t t2 = (S_ror(a, 2) ^ S_ror(a, 13) ^ S_ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    s->h[0] += a;
    s->h[1] += b;
    s->h[2] += c;
    s->h[3] += d;
    s->h[4] += e;
    s->h[5] += f;
    s->h[6] += g;
    s->h[7] += h;
}

static void S_sha256_digest(const char *data, size_t len, unsigned char out[32])
{
    static const uint32_t init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    S_sha256 s;
    memcpy(s.h, init, sizeof init);
    s.len = len;
    s.n = 0;
    const unsigned char *p = (const unsigned char *)data;
    while (len >= 64) {
        S_sha_block(&s, p);
        p += 64;
        len -= 64;
    }
    memcpy(s.blk, p, len);
    s.n = len;
    s.blk[s.n++] = 0x80;
    if (s.n > 56) {
        memset(s.blk + s.n, 0, 64 - s.n);
        S_sha_block(&s, s.blk);
        s.n = 0;
    }
    memset(s.blk + s.n, 0, 56 - s.n);
    uint64_t bits = s.len * 8;
    for (int i = 0; i < 8; i++)
        s.blk[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
    S_sha_block(&s, s.blk);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(s.h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(s.h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(s.h[i] >> 8);
        out[4 * i + 3] = (unsigned char)s.h[i];
    }
}

static void S_base64(tm_buf *out, const unsigned char *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        tm_buf_putc(out, tab[(v >> 18) & 63]);
        tm_buf_putc(out, tab[(v >> 12) & 63]);
        tm_buf_putc(out, i + 1 < n ? tab[(v >> 6) & 63] : '=');
        tm_buf_putc(out, i + 2 < n ? tab[v & 63] : '=');
    }
}

/* =========================================================== the page */

/* Case-insensitive search for an ASCII needle. */
static const char *S_find_ci(const char *s, size_t n, size_t from, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = from; i + k <= n; i++) {
        size_t j = 0;
        while (j < k) {
            char c = s[i + j];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != needle[j])
                break;
            j++;
        }
        if (j == k)
            return s + i;
    }
    return NULL;
}

/* ------------------------------------------------------------ live reload */

static const char S_reload_js[] =
    "(function () {\n"
    "  \"use strict\";\n"
    "  /* stridec report --watch rewrites " TM_RELOAD_FILE " with each report: reload when it\n"
    "     names another report than this page. */\n"
    "  var page = \"%s\", n = 0;\n"
    "  window.stridecReport = function (current) {\n"
    "    if (current !== page) { window.location.reload(); }\n"
    "  };\n"
    "  function poll() {\n"
    "    var s = document.createElement(\"script\");\n"
    "    s.src = \"" TM_RELOAD_FILE "?\" + (n++);\n"
    "    s.onload = s.onerror = function () { s.remove(); window.setTimeout(poll, 1000); };\n"
    "    document.head.appendChild(s);\n"
    "  }\n"
    "  window.setTimeout(poll, 1000);\n"
    "})();\n";

/* The page's name for live reload: the first 16 characters of the base64
 * SHA-256 of the page as the template rendered it (same model, same name). */
static void S_page_stamp(const tm_buf *page, char stamp[17])
{
    unsigned char dg[32];
    S_sha256_digest(page->data ? page->data : "", page->len, dg);
    tm_buf b;
    tm_buf_init(&b, 0);
    S_base64(&b, dg, sizeof dg);
    for (size_t i = 0; i < 16; i++) /* URL- and JS-string-safe */
        stamp[i] = b.data[i] == '+' ? '-' : b.data[i] == '/' ? '_' : b.data[i];
    stamp[16] = '\0';
    tm_buf_free(&b);
}

/* The page with the reload script before its last </body> (or at its end). */
static void S_add_reload(const tm_buf *page, const char *stamp, tm_buf *out)
{
    const char *p = page->data ? page->data : "";
    size_t at = page->len;
    for (size_t from = 0;;) {
        const char *b = S_find_ci(p, page->len, from, "</body");
        if (!b)
            break;
        at = (size_t)(b - p);
        from = at + 1;
    }
    tm_buf_put(out, p, at);
    tm_buf_puts(out, "<script>");
    tm_buf_printf(out, S_reload_js, stamp);
    tm_buf_puts(out, "</script>\n");
    tm_buf_put(out, p + at, page->len - at);
}

/* The policy for a rendered page: a hash source for every <script> body. */
static void S_csp(const char *page, size_t n, int live_reload, tm_buf *csp)
{
    tm_buf_puts(csp, "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                     "base-uri 'none'; form-action 'none'; script-src");
    int any = 0;
    size_t at = 0;
    const char *p;
    while ((p = S_find_ci(page, n, at, "<script")) != NULL) {
        const char *gt = memchr(p, '>', (size_t)(page + n - p));
        if (!gt)
            break;
        size_t body = (size_t)(gt + 1 - page);
        const char *end = S_find_ci(page, n, body, "</script");
        if (!end)
            break;
        unsigned char dg[32];
        S_sha256_digest(page + body, (size_t)(end - page) - body, dg);
        tm_buf_puts(csp, " 'sha256-");
        S_base64(csp, dg, sizeof dg);
        tm_buf_putc(csp, '\'');
        any = 1;
        at = (size_t)(end - page) + 1;
    }
    if (!any)
        tm_buf_puts(csp, " 'none'");
    else if (live_reload)
        tm_buf_puts(csp, " 'strict-dynamic'");
}

/* The diagram for inline use, from the run's scene: nodes and edges link to
 * their sections on this page. It goes in unescaped, so the writer's
 * escaping is checked once more: nothing in it may be live markup. 0, or
 * -1 with a diagnostic. */
static int S_inline_svg(const tm_analysis *a, const tm_render_opts *o, tm_arena *ar,
                        const char **svg, tm_diags *d)
{
    const tm_dfd_scene *scene = tm_dfd_scene_get(a, o, 0, d);
    if (!scene)
        return -1;
    tm_buf b;
    tm_buf_init(&b, 0);
    int bad = tm_scene_svg(scene, TM_SVG_INLINE, &b) != 0 || !b.data;
    static const char *const banned[] = {"<script", "<foreignobject", "<iframe", "href=\"javascript:",
                                         "href=\"data:", "<style"};
    for (size_t i = 0; !bad && i < sizeof banned / sizeof *banned; i++)
        bad = S_find_ci(b.data, b.len, 0, banned[i]) != NULL;
    if (bad) {
        tm_diag_add(d, TM_DIAG_ERROR, "render", NULL, 0, 0,
                    "the data-flow diagram's SVG is not safe to inline in report.html");
        tm_buf_free(&b);
        return -1;
    }
    *svg = tm_arena_strdup(ar, b.data);
    tm_buf_free(&b);
    return 0;
}

int tm_render_html(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d)
{
    tm_render_opts local; /* a cache of this call's own when there are no options */
    if (!o) {
        memset(&local, 0, sizeof local);
        o = &local;
    }
    tm_arena *ar = tm_arena_new();
    tm_node *data = tm_report_data(a, o, ar);
    const char *svg = NULL;
    int rc = -1;
    if (S_inline_svg(a, o, ar, &svg, d) != 0)
        goto done;
    tm_node_map_put(ar, data, "dfd_svg", 0, 0, tm_node_string(ar, svg));

    /* Pass 1: find the scripts. */
    tm_buf first;
    tm_buf_init(&first, out->limit);
    tm_node_map_put(ar, data, "csp", 0, 0, tm_node_string(ar, "default-src 'none'"));
    if (tm_report_template_render(o, "report.html", data, TM_ESCAPE_HTML, &first, d) != 0) {
        tm_buf_free(&first);
        goto done;
    }
    char stamp[17] = "";
    if (o->live_reload) {
        S_page_stamp(&first, stamp);
        tm_buf with;
        tm_buf_init(&with, out->limit);
        S_add_reload(&first, stamp, &with);
        tm_buf_free(&first);
        first = with;
    }
    tm_buf csp;
    tm_buf_init(&csp, 0);
    S_csp(first.data ? first.data : "", first.len, o->live_reload, &csp);
    tm_buf_free(&first);

    /* Pass 2: the page with its policy (replacing the pass-1 value). */
    tm_node *pol = tm_node_get(data, "csp");
    pol->text = tm_arena_strdup(ar, csp.data);
    pol->len = csp.len;
    tm_buf_free(&csp);
    if (!o->live_reload) {
        rc = tm_report_template_render(o, "report.html", data, TM_ESCAPE_HTML, out, d);
        goto done;
    }
    tm_buf page;
    tm_buf_init(&page, out->limit);
    rc = tm_report_template_render(o, "report.html", data, TM_ESCAPE_HTML, &page, d);
    if (rc == 0) {
        S_add_reload(&page, stamp, out);
        if (o->extra) {
            tm_buf js;
            tm_buf_init(&js, 0);
            tm_buf_printf(&js, "stridecReport(\"%s\");\n", stamp);
            tm_outputs_add(o->extra, TM_RELOAD_FILE, js.data, js.len);
            tm_buf_free(&js);
        }
        if (out->failed)
            rc = -1;
    }
    tm_buf_free(&page);
done:
    tm_arena_free(ar);
    if (o == &local)
        tm_render_cache_free(&local);
    return rc;
}
