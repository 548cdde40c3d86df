/*
 * report.pdf: the LOSS report laid out for print with libharu.
 *
 * The PDF lays out the report data tree (reportdata.c, the same tree the
 * HTML and Markdown templates render); it derives nothing from the analysis
 * itself. The only other input is the data-flow diagram as PNG from the
 * run's shared Graphviz layout (image.c).
 *
 * How the document is built:
 *   - libharu reports errors through the handler given to HPDF_New; ours
 *     longjmps back to tm_render_pdf, which frees the document and returns
 *     -1. Everything the layout allocates lives in the S_pdf context (heap)
 *     or in an arena, so nothing local has to survive the jump.
 *   - The document is rendered into libharu's memory stream and copied to
 *     `out`; the CLI writes it atomically, so a failure leaves no file.
 *   - One pass: the contents pages are reserved right after the cover (their
 *     number follows from the number of entries, which the data tree gives
 *     before layout), and filled at the end when every section's page is
 *     known. Running headers and "page X of Y" footers are drawn at the end
 *     too: libharu lets us draw on any page we kept a handle to.
 *   - Text is UTF-8 through libharu's UTF-8 encoder and DejaVu Sans embedded
 *     (libharu writes only the glyphs used). Characters the font lacks are
 *     found from the font's own cmap table and shown as a replacement, with
 *     one warning per run.
 *   - Output is reproducible: libharu writes no /ID unless encrypting and no
 *     dates unless told; the info dates are set only from --date or the
 *     model's system.date.
 */
#include <hpdf.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/dfd.h"
#include "stridec/doc.h"

#define S_FONT_REGULAR "DejaVuSans.ttf"
#define S_FONT_BOLD "DejaVuSans-Bold.ttf"
#define S_FONT_DIR "/usr/share/fonts/truetype/dejavu"
#define S_MAX_COLS 10
#define S_MAX_RUNS 12
#define S_N_CODEPOINTS 0x110000u

/* ============================================================ context */

typedef struct {
    float r, g, b;
} S_rgb;

typedef struct {
    int level;         /* 1 section, 2 subsection */
    const char *title; /* cleaned text */
    size_t page;       /* index into pages */
    float y;           /* top of the heading on that page */
} S_toc_entry;

typedef struct {
    jmp_buf jb;
    unsigned long err, detail;
    HPDF_Doc doc;
    HPDF_Font reg, bold;
    HPDF_Encoder enc;
    tm_arena *ar;
    tm_diags *d;
    /* characters both fonts have (bitmap over all code points) */
    unsigned char *covered;
    /* characters replaced at least once (bitmap), and how many distinct */
    unsigned char *missing;
    size_t n_missing;
    uint32_t first_missing;
    const char *replacement; /* "□" when the font has it, else "?" */
    /* paper (portrait) and the current page */
    float pw, ph;
    HPDF_Page page;
    float width, height; /* of the current page */
    float y;             /* cursor: top of the free space */
    tm_vec pages;        /* HPDF_Page */
    tm_vec page_section; /* const char *: the section shown in the running header */
    const char *section;
    const char *system_name;
    S_toc_entry *toc;
    size_t n_toc, cap_toc;
    size_t toc_first_page, toc_pages;
    HPDF_Outline outline1; /* the current section's bookmark */
} S_pdf;

static const float S_MARGIN_X = 50, S_MARGIN_TOP = 62, S_MARGIN_BOTTOM = 56;
static const float S_PAD = 3;

static const S_rgb S_BLACK = {0, 0, 0}, S_WHITE = {1, 1, 1}, S_GREY = {0.45f, 0.45f, 0.45f},
                   S_RULE = {0.7f, 0.7f, 0.7f}, S_HEAD_FILL = {0.86f, 0.89f, 0.94f},
                   S_ACCENT = {0.12f, 0.25f, 0.45f}, S_WARN = {0.7f, 0.1f, 0.05f},
                   S_BAR = {0.3f, 0.45f, 0.7f};

/* Severity colours with the text colour that reads on them. */
static void S_severity_colours(const char *sev, S_rgb *fill, S_rgb *ink)
{
    *ink = S_WHITE;
    if (sev && strcmp(sev, "critical") == 0)
        *fill = (S_rgb){0.55f, 0.0f, 0.12f};
    else if (sev && strcmp(sev, "high") == 0)
        *fill = (S_rgb){0.86f, 0.3f, 0.1f};
    else if (sev && strcmp(sev, "medium") == 0) {
        *fill = (S_rgb){0.98f, 0.78f, 0.25f};
        *ink = S_BLACK;
    } else {
        *fill = (S_rgb){0.68f, 0.82f, 0.68f};
        *ink = S_BLACK;
    }
}

/* libharu's error handler: remember the codes and leave the library. */
static void S_on_error(HPDF_STATUS err, HPDF_STATUS detail, void *user)
{
    S_pdf *p = user;
    p->err = (unsigned long)err;
    p->detail = (unsigned long)detail;
    longjmp(p->jb, 1);
}

/* ========================================================= data tree */

static const char *S_s(const tm_node *m, const char *key)
{
    const tm_node *v = m ? tm_node_get(m, key) : NULL;
    return v && v->kind == TM_NODE_SCALAR ? v->text : NULL;
}

static const char *S_sd(const tm_node *m, const char *key, const char *dflt)
{
    const char *s = S_s(m, key);
    return s ? s : dflt;
}

static long long S_i(const tm_node *m, const char *key)
{
    const tm_node *v = m ? tm_node_get(m, key) : NULL;
    return v && v->kind == TM_NODE_SCALAR ? v->ival : 0;
}

static int S_b(const tm_node *m, const char *key)
{
    const tm_node *v = m ? tm_node_get(m, key) : NULL;
    return v && v->kind == TM_NODE_SCALAR && v->stype == TM_SCALAR_BOOL && v->bval;
}

static size_t S_n(const tm_node *l)
{
    return l && l->kind == TM_NODE_LIST ? l->n : 0;
}

static const tm_node *S_l(const tm_node *m, const char *key)
{
    const tm_node *v = m ? tm_node_get(m, key) : NULL;
    return v && v->kind == TM_NODE_LIST ? v : NULL;
}

/* ===================================================== font coverage */

static uint32_t S_u16(const unsigned char *b, size_t off)
{
    return (uint32_t)b[off] << 8 | b[off + 1];
}

static uint32_t S_u32(const unsigned char *b, size_t off)
{
    return (uint32_t)b[off] << 24 | (uint32_t)b[off + 1] << 16 | (uint32_t)b[off + 2] << 8 |
           b[off + 3];
}

static void S_bit_set(unsigned char *bits, uint32_t cp)
{
    if (cp < S_N_CODEPOINTS)
        bits[cp >> 3] |= (unsigned char)(1u << (cp & 7));
}

static int S_bit_get(const unsigned char *bits, uint32_t cp)
{
    return cp < S_N_CODEPOINTS && (bits[cp >> 3] >> (cp & 7)) & 1;
}

/* Mark the code points a TrueType font maps to a glyph, from its cmap
 * (format 12 for the full range, else format 4 for the BMP). 0 when a cmap
 * was read; -1 when the file has none we understand. Every offset is checked
 * against the file size: the font is an input like any other. */
static int S_cmap_coverage(const unsigned char *f, size_t n, unsigned char *bits)
{
    if (n < 12)
        return -1;
    size_t ntab = S_u16(f, 4), cmap = 0, cmap_len = 0;
    for (size_t i = 0; i < ntab && 12 + 16 * i + 16 <= n; i++) {
        size_t r = 12 + 16 * i;
        if (memcmp(f + r, "cmap", 4) == 0) {
            cmap = S_u32(f, r + 8);
            cmap_len = S_u32(f, r + 12);
        }
    }
    if (!cmap || cmap > n || cmap_len > n - cmap || cmap_len < 4)
        return -1;
    const unsigned char *c = f + cmap;
    size_t nsub = S_u16(c, 2), fmt4 = 0, fmt12 = 0;
    for (size_t i = 0; i < nsub && 4 + 8 * i + 8 <= cmap_len; i++) {
        uint32_t plat = S_u16(c, 4 + 8 * i), encid = S_u16(c, 4 + 8 * i + 2);
        size_t off = S_u32(c, 4 + 8 * i + 4);
        if (off + 4 > cmap_len)
            continue;
        uint32_t fmt = S_u16(c, off);
        int unicode = plat == 0 || (plat == 3 && (encid == 1 || encid == 10));
        if (unicode && fmt == 12 && !fmt12)
            fmt12 = off;
        if (unicode && fmt == 4 && !fmt4)
            fmt4 = off;
    }
    if (fmt12 && fmt12 + 16 <= cmap_len) {
        size_t ng = S_u32(c, fmt12 + 12);
        for (size_t g = 0; g < ng && fmt12 + 16 + 12 * g + 12 <= cmap_len; g++) {
            size_t r = fmt12 + 16 + 12 * g;
            uint32_t lo = S_u32(c, r), hi = S_u32(c, r + 4), gid = S_u32(c, r + 8);
            for (uint32_t cp = lo; cp <= hi && cp < S_N_CODEPOINTS; cp++)
                if (gid + (cp - lo) != 0)
                    S_bit_set(bits, cp);
        }
        return 0;
    }
    if (!fmt4 || fmt4 + 14 > cmap_len)
        return -1;
    size_t seg2 = S_u16(c, fmt4 + 6);
    size_t ends = fmt4 + 14, starts = ends + seg2 + 2, deltas = starts + seg2,
           ranges = deltas + seg2;
    if (ranges + seg2 > cmap_len)
        return -1;
    for (size_t s = 0; s < seg2; s += 2) {
        uint32_t end = S_u16(c, ends + s), start = S_u16(c, starts + s);
        uint32_t delta = S_u16(c, deltas + s), ro = S_u16(c, ranges + s);
        for (uint32_t cp = start; cp <= end && cp != 0xFFFF; cp++) {
            uint32_t gid;
            if (ro == 0) {
                gid = (cp + delta) & 0xFFFF;
            } else {
                size_t at = ranges + s + ro + 2 * (cp - start);
                if (at + 2 > cmap_len)
                    break;
                gid = S_u16(c, at);
                if (gid)
                    gid = (gid + delta) & 0xFFFF;
            }
            if (gid)
                S_bit_set(bits, cp);
        }
    }
    return 0;
}

/* ============================================================== text */

/* Characters that have no visible form and that the PDF must not try to
 * draw: bidirectional controls, zero-width characters, variation selectors
 * and the byte-order mark. (PDF text has no bidi algorithm to steer.) */
static int S_invisible(uint32_t cp)
{
    return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           (cp >= 0xE0000 && cp <= 0xE007F);
}

/* Text as libharu may draw it: valid UTF-8 (bad bytes become the
 * replacement), controls dropped (tabs become spaces), characters the font
 * lacks replaced and remembered for the run's one warning. Newlines are
 * kept when keep_nl (the wrapper splits paragraphs on them). */
static const char *S_clean(S_pdf *p, const char *s, int keep_nl)
{
    if (!s)
        return "";
    size_t n = strlen(s);
    tm_buf b;
    tm_buf_init(&b, 0);
    size_t i = 0;
    while (i < n) {
        size_t bad = 0;
        uint32_t cp;
        int k;
        if (!tm_utf8_valid(s + i, n - i < 4 ? n - i : 4, &bad) && bad == 0) {
            /* the sequence at i itself is invalid (validation of 4 bytes may
             * fail only because a later sequence is cut: then bad > 0) */
            tm_buf_puts(&b, "?");
            i++;
            continue;
        }
        k = tm_utf8_decode(s + i, n - i, &cp);
        if (k <= 0) {
            tm_buf_puts(&b, "?");
            i++;
            continue;
        }
        i += (size_t)k;
        if (cp == '\n' && keep_nl) {
            tm_buf_putc(&b, '\n');
        } else if (cp == '\t' || cp == '\n' || cp == 0xA0 || cp == 0x3000) {
            tm_buf_putc(&b, ' ');
        } else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || S_invisible(cp)) {
            continue;
        } else if (cp > 0xFFFF || !S_bit_get(p->covered, cp)) {
            /* libharu's UTF-8 encoder handles the BMP only; beyond it, and
             * wherever the font has no glyph, show the replacement. */
            if (!S_bit_get(p->missing, cp)) {
                S_bit_set(p->missing, cp);
                if (p->n_missing++ == 0)
                    p->first_missing = cp;
            }
            tm_buf_puts(&b, p->replacement);
        } else {
            tm_buf_put(&b, s + i - (size_t)k, (size_t)k);
        }
    }
    const char *r = tm_arena_strdup(p->ar, b.data ? b.data : "");
    tm_buf_free(&b);
    return r;
}

static float S_width(HPDF_Font font, float size, const char *s, size_t n)
{
    if (n == 0)
        return 0;
    HPDF_TextWidth tw = HPDF_Font_TextWidth(font, (const HPDF_BYTE *)s, (HPDF_UINT)n);
    return (float)tw.width * size / 1000.0f;
}

static void S_draw_text(S_pdf *p, HPDF_Font font, float size, S_rgb ink, float x, float y,
                        const char *clean)
{
    if (!*clean)
        return;
    HPDF_Page_SetRGBFill(p->page, ink.r, ink.g, ink.b);
    HPDF_Page_BeginText(p->page);
    HPDF_Page_SetFontAndSize(p->page, font, size);
    HPDF_Page_TextOut(p->page, x, y, clean);
    HPDF_Page_EndText(p->page);
}

/* One laid-out line of a paragraph. */
typedef struct {
    const char *text;
    HPDF_Font font;
    float size;
    float lh; /* line height */
    S_rgb ink;
} S_line;

typedef struct {
    S_line *items;
    size_t n, cap;
} S_lines;

static void S_lines_push(S_pdf *p, S_lines *l, const char *text, HPDF_Font font, float size,
                         S_rgb ink)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        S_line *items = tm_arena_array(p->ar, cap, sizeof *items);
        if (l->n)
            memcpy(items, l->items, l->n * sizeof *items);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = (S_line){text, font, size, size * 1.28f, ink};
}

/* Break a word wider than the line into pieces by code point. */
static void S_break_word(S_pdf *p, S_lines *out, const char *w, size_t n, HPDF_Font font,
                         float size, S_rgb ink, float width, tm_buf *line)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i, last = i;
        while (j < n) {
            uint32_t cp;
            int k = tm_utf8_decode(w + j, n - j, &cp);
            if (k <= 0)
                k = 1;
            if (S_width(font, size, w + i, j + (size_t)k - i) > width && j > i)
                break;
            j += (size_t)k;
            last = j;
        }
        if (last == i)
            last = n; /* cannot happen with width > one glyph; guard anyway */
        if (last < n || i == 0) {
            /* a full piece: its own line */
        }
        tm_buf_reset(line);
        tm_buf_put(line, w + i, last - i);
        if (last < n)
            S_lines_push(p, out, tm_arena_strdup(p->ar, line->data), font, size, ink);
        i = last;
    }
    /* the tail stays in `line` to be continued with the next words */
}

/* Wrap cleaned text (paragraphs split on '\n') into lines of at most width. */
static void S_wrap(S_pdf *p, S_lines *out, const char *clean, HPDF_Font font, float size,
                   S_rgb ink, float width)
{
    float space = S_width(font, size, " ", 1);
    const char *s = clean;
    for (;;) {
        const char *nl = strchr(s, '\n');
        size_t plen = nl ? (size_t)(nl - s) : strlen(s);
        tm_buf line;
        tm_buf_init(&line, 0);
        float lw = 0;
        size_t i = 0;
        while (i < plen) {
            while (i < plen && s[i] == ' ')
                i++;
            if (i >= plen)
                break;
            size_t j = i;
            while (j < plen && s[j] != ' ')
                j++;
            float ww = S_width(font, size, s + i, j - i);
            if (line.len && lw + space + ww <= width) {
                tm_buf_putc(&line, ' ');
                tm_buf_put(&line, s + i, j - i);
                lw += space + ww;
            } else {
                if (line.len)
                    S_lines_push(p, out, tm_arena_strdup(p->ar, line.data), font, size, ink);
                tm_buf_reset(&line);
                if (ww <= width) {
                    tm_buf_put(&line, s + i, j - i);
                    lw = ww;
                } else {
                    S_break_word(p, out, s + i, j - i, font, size, ink, width, &line);
                    lw = S_width(font, size, line.data ? line.data : "", line.len);
                }
            }
            i = j;
        }
        if (line.len || plen == 0)
            S_lines_push(p, out, tm_arena_strdup(p->ar, line.data ? line.data : ""), font,
                         size, ink);
        tm_buf_free(&line);
        if (!nl)
            break;
        s = nl + 1;
    }
}

/* ============================================================= pages */

static void S_set_stroke(S_pdf *p, S_rgb c, float w)
{
    HPDF_Page_SetRGBStroke(p->page, c.r, c.g, c.b);
    HPDF_Page_SetLineWidth(p->page, w);
}

static void S_fill_rect(S_pdf *p, float x, float y, float w, float h, S_rgb c)
{
    HPDF_Page_SetRGBFill(p->page, c.r, c.g, c.b);
    HPDF_Page_Rectangle(p->page, x, y, w, h);
    HPDF_Page_Fill(p->page);
}

static void S_line_at(S_pdf *p, float x1, float y1, float x2, float y2, S_rgb c, float w)
{
    S_set_stroke(p, c, w);
    HPDF_Page_MoveTo(p->page, x1, y1);
    HPDF_Page_LineTo(p->page, x2, y2);
    HPDF_Page_Stroke(p->page);
}

static void S_new_page(S_pdf *p, int landscape)
{
    p->page = HPDF_AddPage(p->doc);
    HPDF_Page_SetWidth(p->page, landscape ? p->ph : p->pw);
    HPDF_Page_SetHeight(p->page, landscape ? p->pw : p->ph);
    p->width = HPDF_Page_GetWidth(p->page);
    p->height = HPDF_Page_GetHeight(p->page);
    p->y = p->height - S_MARGIN_TOP;
    tm_vec_push(&p->pages, p->page);
    tm_vec_push(&p->page_section, (void *)p->section);
}

static float S_content_width(const S_pdf *p)
{
    return p->width - 2 * S_MARGIN_X;
}

/* Room for h points below the cursor, else a fresh portrait page. */
static void S_need(S_pdf *p, float h)
{
    if (p->y - h < S_MARGIN_BOTTOM)
        S_new_page(p, 0);
}

/* Paragraph text at the cursor, wrapping and breaking pages as needed. */
static void S_para_ex(S_pdf *p, const char *text, HPDF_Font font, float size, S_rgb ink,
                      float indent)
{
    S_lines l = {0};
    S_wrap(p, &l, S_clean(p, text, 1), font, size, ink, S_content_width(p) - indent);
    for (size_t i = 0; i < l.n; i++) {
        S_need(p, l.items[i].lh);
        p->y -= l.items[i].lh;
        S_draw_text(p, font, size, ink, S_MARGIN_X + indent, p->y + 0.25f * size, l.items[i].text);
    }
}

static void S_para(S_pdf *p, const char *text)
{
    S_para_ex(p, text, p->reg, 9.5f, S_BLACK, 0);
    p->y -= 4;
}

static void S_toc_add(S_pdf *p, int level, const char *title, float y)
{
    if (p->n_toc == p->cap_toc) {
        size_t cap = p->cap_toc ? p->cap_toc * 2 : 32;
        S_toc_entry *t = tm_arena_array(p->ar, cap, sizeof *t);
        if (p->n_toc)
            memcpy(t, p->toc, p->n_toc * sizeof *t);
        p->toc = t;
        p->cap_toc = cap;
    }
    p->toc[p->n_toc++] = (S_toc_entry){level, title, p->pages.len - 1, y};
}

/* A bookmark to the cursor position on the current page. */
static HPDF_Outline S_bookmark(S_pdf *p, HPDF_Outline parent, const char *clean, float y)
{
    HPDF_Outline o = HPDF_CreateOutline(p->doc, parent, clean, p->enc);
    HPDF_Destination dst = HPDF_Page_CreateDestination(p->page);
    HPDF_Destination_SetFitH(dst, y);
    HPDF_Outline_SetDestination(o, dst);
    return o;
}

/* Level 1: a section on a new page (its name goes in the running header).
 * Level 2: a subsection. Both get a contents line and a bookmark. */
static void S_heading(S_pdf *p, int level, const char *text)
{
    const char *clean = S_clean(p, text, 0);
    if (level == 1) {
        p->section = clean;
        S_new_page(p, 0);
        float top = p->y;
        p->y -= 22;
        S_draw_text(p, p->bold, 18, S_ACCENT, S_MARGIN_X, p->y, clean);
        p->y -= 8;
        S_line_at(p, S_MARGIN_X, p->y, p->width - S_MARGIN_X, p->y, S_ACCENT, 1.2f);
        p->y -= 10;
        S_toc_add(p, 1, clean, top);
        p->outline1 = S_bookmark(p, NULL, clean, top);
        HPDF_Outline_SetOpened(p->outline1, HPDF_TRUE);
        return;
    }
    S_need(p, 60); /* keep a heading with the first lines under it */
    p->y -= 8;
    float top = p->y;
    S_lines l = {0};
    S_wrap(p, &l, clean, p->bold, 12.5f, S_ACCENT, S_content_width(p));
    for (size_t i = 0; i < l.n; i++) {
        p->y -= l.items[i].lh;
        S_draw_text(p, p->bold, 12.5f, S_ACCENT, S_MARGIN_X, p->y + 3, l.items[i].text);
    }
    p->y -= 5;
    S_toc_add(p, 2, clean, top);
    S_bookmark(p, p->outline1, clean, top);
}

/* A small bold caption inside a subsection (no contents entry). */
static void S_caption(S_pdf *p, const char *text)
{
    S_need(p, 40);
    p->y -= 4;
    S_para_ex(p, text, p->bold, 10, S_BLACK, 0);
    p->y -= 5;
}

/* ============================================================ tables */

typedef struct {
    const char *text; /* raw model text (cleaned when laid out) */
    int bold;
    float size;  /* 0: the table's size */
    int shrink;  /* shrink the font to keep the text on one line (ids) */
    int grey;
} S_run;

typedef struct {
    S_run runs[S_MAX_RUNS];
    int n;
    int filled;
    S_rgb fill, ink;
} S_cell;

typedef struct {
    S_pdf *p;
    int n;
    const char *titles[S_MAX_COLS];
    float frac[S_MAX_COLS];
    float x[S_MAX_COLS + 1];
    float size;
    int started; /* header drawn (lazily, with the first row under it) */
} S_table;

static void S_cell_add(S_cell *c, const char *text, int bold)
{
    if (!text || !*text || c->n >= S_MAX_RUNS)
        return;
    c->runs[c->n++] = (S_run){text, bold, 0, 0, 0};
}

static void S_cell_run(S_cell *c, S_run r)
{
    if (!r.text || !*r.text || c->n >= S_MAX_RUNS)
        return;
    c->runs[c->n++] = r;
}

static S_cell S_cell1(const char *text)
{
    S_cell c;
    memset(&c, 0, sizeof c);
    c.ink = S_BLACK;
    S_cell_add(&c, text, 0);
    return c;
}

static void S_cell_lines(S_table *t, const S_cell *c, float w, S_lines *out)
{
    S_pdf *p = t->p;
    for (int i = 0; i < c->n; i++) {
        const S_run *r = &c->runs[i];
        HPDF_Font font = r->bold ? p->bold : p->reg;
        float size = r->size > 0 ? r->size : t->size;
        const char *clean = S_clean(p, r->text, 1);
        if (r->shrink && !strchr(clean, '\n')) {
            float tw = S_width(font, size, clean, strlen(clean));
            if (tw > w) {
                float s2 = size * w / tw * 0.98f;
                size = s2 < 5.0f ? 5.0f : s2;
            }
        }
        S_wrap(p, out, clean, font, size, r->grey ? S_GREY : c->ink, w);
    }
}

static float S_table_header_lines(S_table *t, S_lines *cols)
{
    S_pdf *p = t->p;
    float h = 0;
    for (int c = 0; c < t->n; c++) {
        memset(&cols[c], 0, sizeof cols[c]);
        S_wrap(p, &cols[c], S_clean(p, t->titles[c], 0), p->bold, t->size, S_BLACK,
               t->x[c + 1] - t->x[c] - 2 * S_PAD);
        float ch = 0;
        for (size_t i = 0; i < cols[c].n; i++)
            ch += cols[c].items[i].lh;
        if (ch > h)
            h = ch;
    }
    return h + 2 * S_PAD;
}

static void S_table_header(S_table *t)
{
    S_pdf *p = t->p;
    S_lines cols[S_MAX_COLS];
    float h = S_table_header_lines(t, cols);
    t->started = 1;
    S_fill_rect(p, t->x[0], p->y - h, t->x[t->n] - t->x[0], h, S_HEAD_FILL);
    for (int c = 0; c < t->n; c++) {
        float y = p->y - S_PAD;
        for (size_t i = 0; i < cols[c].n; i++) {
            y -= cols[c].items[i].lh;
            S_draw_text(p, p->bold, t->size, S_BLACK, t->x[c] + S_PAD, y + 0.25f * t->size,
                        cols[c].items[i].text);
        }
    }
    S_line_at(p, t->x[0], p->y - h, t->x[t->n], p->y - h, S_GREY, 0.6f);
    p->y -= h;
}

static void S_table_begin(S_table *t, S_pdf *p, float size, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    t->p = p;
    t->n = n;
    t->size = size;
    float total = 0;
    for (int i = 0; i < n; i++) {
        t->titles[i] = va_arg(ap, const char *);
        t->frac[i] = (float)va_arg(ap, double);
        total += t->frac[i];
    }
    va_end(ap);
    t->x[0] = S_MARGIN_X;
    for (int i = 0; i < n; i++)
        t->x[i + 1] = t->x[i] + S_content_width(p) * t->frac[i] / total;
    t->started = 0;
}

static float S_lines_height(const S_lines *l, size_t from, size_t to)
{
    float h = 0;
    for (size_t i = from; i < to; i++)
        h += l->items[i].lh;
    return h;
}

/* Draw lines [from, to) of each cell in a band of height h at the cursor. */
static void S_table_band(S_table *t, const S_cell *cells, S_lines *lines, const size_t *from,
                         const size_t *to, float h)
{
    S_pdf *p = t->p;
    for (int c = 0; c < t->n; c++) {
        if (cells[c].filled)
            S_fill_rect(p, t->x[c], p->y - h, t->x[c + 1] - t->x[c], h, cells[c].fill);
        float y = p->y - S_PAD;
        for (size_t i = from[c]; i < to[c]; i++) {
            const S_line *ln = &lines[c].items[i];
            y -= ln->lh;
            S_draw_text(p, ln->font, ln->size, ln->ink, t->x[c] + S_PAD, y + 0.25f * ln->size,
                        ln->text);
        }
    }
    S_line_at(p, t->x[0], p->y - h, t->x[t->n], p->y - h, S_RULE, 0.4f);
    p->y -= h;
}

/* One row: measured first; moved whole to the next page when it does not
 * fit; split at line boundaries, with "(continued)", only when it is taller
 * than a page. The header row is repeated on every new page. */
static float S_table_measure(S_table *t, const S_cell *cells, S_lines *lines)
{
    float h = 0;
    for (int c = 0; c < t->n; c++) {
        memset(&lines[c], 0, sizeof lines[c]);
        S_cell_lines(t, &cells[c], t->x[c + 1] - t->x[c] - 2 * S_PAD, &lines[c]);
        float ch = S_lines_height(&lines[c], 0, lines[c].n);
        if (ch > h)
            h = ch;
    }
    return h + 2 * S_PAD;
}

/* Height of the header plus a row, capped at a page: what must fit below
 * a heading so that it is not left alone at the foot of a page. */
static float S_table_lead(S_table *t, const S_cell *cells)
{
    S_lines lines[S_MAX_COLS];
    float h = S_table_header_lines(t, lines);
    float row = S_table_measure(t, cells, lines);
    float room = t->p->height - S_MARGIN_TOP - S_MARGIN_BOTTOM - 40;
    return h + row < room ? h + row : room;
}

static void S_table_row(S_table *t, S_cell *cells)
{
    S_pdf *p = t->p;
    S_lines lines[S_MAX_COLS];
    size_t from[S_MAX_COLS], to[S_MAX_COLS];
    float h = S_table_measure(t, cells, lines);
    for (int c = 0; c < t->n; c++) {
        from[c] = 0;
        to[c] = lines[c].n;
    }
    S_lines hl[S_MAX_COLS];
    float header = S_table_header_lines(t, hl);
    float page_room = p->height - S_MARGIN_TOP - S_MARGIN_BOTTOM - header;
    if (!t->started) {
        /* the header goes with the first row (or the first lines of a row
         * taller than a page) */
        float first = h <= page_room ? h : 4 * t->size * 1.28f;
        if (p->y - header - first < S_MARGIN_BOTTOM)
            S_new_page(p, 0);
        S_table_header(t);
    }
    if (p->y - h < S_MARGIN_BOTTOM && h <= page_room) {
        S_new_page(p, 0);
        S_table_header(t);
    }
    if (p->y - h >= S_MARGIN_BOTTOM) {
        S_table_band(t, cells, lines, from, to, h);
        return;
    }
    /* Taller than a page: fill pages line by line. */
    int first = 1;
    for (;;) {
        float room = p->y - S_MARGIN_BOTTOM - 2 * S_PAD;
        if (room < 3 * t->size * 1.28f) {
            S_new_page(p, 0);
            S_table_header(t);
            room = p->y - S_MARGIN_BOTTOM - 2 * S_PAD;
        }
        int done = 1;
        float band = 0;
        for (int c = 0; c < t->n; c++) {
            size_t i = from[c];
            float used = 0;
            while (i < lines[c].n && used + lines[c].items[i].lh <= room)
                used += lines[c].items[i++].lh;
            to[c] = i;
            if (used > band)
                band = used;
            if (i < lines[c].n)
                done = 0;
        }
        S_table_band(t, cells, lines, from, to, band + 2 * S_PAD);
        if (done)
            break;
        (void)first;
        first = 0;
        S_new_page(p, 0);
        S_table_header(t);
        /* the continuation starts with a note in the first column */
        S_lines cont = {0};
        S_lines_push(p, &cont, "(continued)", p->reg, t->size, S_GREY);
        for (size_t i = to[0]; i < lines[0].n; i++)
            S_lines_push(p, &cont, lines[0].items[i].text, lines[0].items[i].font,
                         lines[0].items[i].size, lines[0].items[i].ink);
        lines[0] = cont;
        from[0] = 0;
        to[0] = cont.n;
        for (int c = 1; c < t->n; c++)
            from[c] = to[c];
    }
}

static void S_table_end(S_table *t)
{
    t->p->y -= 8;
}

/* ====================================================== the sections */

static void S_empty_note(S_pdf *p, const char *text)
{
    S_para_ex(p, text, p->reg, 9, S_GREY, 0);
    p->y -= 4;
}

static void S_cover(S_pdf *p, const tm_node *data)
{
    const tm_node *sys = tm_node_get(data, "system");
    S_new_page(p, 0);
    float w = S_content_width(p);
    p->y = p->height - 120;
    S_fill_rect(p, 0, p->height - 70, p->width, 70, S_ACCENT);
    S_draw_text(p, p->bold, 13, S_WHITE, S_MARGIN_X, p->height - 42,
                S_clean(p, "Threat model review", 0));
    S_para_ex(p, S_sd(sys, "name", "Unnamed system"), p->bold, 26, S_ACCENT, 0);
    p->y -= 4;
    S_para_ex(p, "Security review report, organised by the LOSS checklist", p->reg, 12, S_GREY, 0);
    p->y -= 14;
    if (S_s(sys, "description")) {
        S_para_ex(p, S_s(sys, "description"), p->reg, 10, S_BLACK, 0);
        p->y -= 10;
    }
    S_table t;
    S_table_begin(&t, p, 9.5f, 2, "Field", 0.28, "Value", 0.72);
    const char *date = S_s(data, "date");
    const char *rows[][2] = {
        {"System", S_sd(sys, "name", "not stated")},
        {"Version", S_sd(sys, "version", "not stated")},
        {"Owner", S_sd(sys, "owner", "not stated")},
        {"Reviewers", S_sd(sys, "reviewers_text", "not stated")},
        {"Date", date ? date : "not stated"},
        {"Model source", S_sd(data, "source", "not stated")},
        {"Generated by", tm_arena_printf(p->ar, "stridec %s", S_sd(data, "stridec_version", ""))},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        S_cell c[2] = {S_cell1(rows[i][0]), S_cell1(rows[i][1])};
        c[0].runs[0].bold = 1;
        S_table_row(&t, c);
    }
    S_table_end(&t);

    /* The summary box: open threats by severity, in severity colours. */
    const tm_node *dash = tm_node_get(tm_node_get(data, "show"), "dashboard");
    const tm_node *box = S_l(dash, "open_by_severity");
    p->y -= 16;
    float bh = 118;
    S_set_stroke(p, S_ACCENT, 1);
    HPDF_Page_Rectangle(p->page, S_MARGIN_X, p->y - bh, w, bh);
    HPDF_Page_Stroke(p->page);
    S_draw_text(p, p->bold, 12, S_ACCENT, S_MARGIN_X + 12, p->y - 22,
                S_clean(p, "Open threats by severity", 0));
    size_t nb = S_n(box);
    float gap = 10, bw = nb ? (w - 24 - gap * (float)(nb - 1)) / (float)nb : 0;
    for (size_t i = 0; i < nb; i++) {
        const tm_node *b = box->items[i];
        S_rgb fill, ink;
        S_severity_colours(S_s(b, "severity"), &fill, &ink);
        float x = S_MARGIN_X + 12 + (float)i * (bw + gap), y = p->y - 96;
        S_fill_rect(p, x, y, bw, 58, fill);
        const char *num = tm_arena_printf(p->ar, "%lld", S_i(b, "open"));
        float tw = S_width(p->bold, 24, num, strlen(num));
        S_draw_text(p, p->bold, 24, ink, x + (bw - tw) / 2, y + 26, num);
        const char *lab = S_clean(p, S_sd(b, "severity", ""), 0);
        tw = S_width(p->reg, 10, lab, strlen(lab));
        S_draw_text(p, p->reg, 10, ink, x + (bw - tw) / 2, y + 9, lab);
    }
    S_draw_text(p, p->reg, 9, S_GREY, S_MARGIN_X + 12, p->y - bh + 8,
                tm_arena_printf(p->ar, "%lld threats in total: %lld open, %lld decided "
                                       "(mitigated, accepted, transferred or false positive)",
                                S_i(dash, "total"), S_i(dash, "open"), S_i(dash, "decided")));
    p->y -= bh + 10;
}

/* L — List all artifacts */
static void S_section_list(S_pdf *p, const tm_node *data)
{
    const tm_node *l = tm_node_get(data, "list");
    const tm_node *sec = tm_node_get(l, "section");
    S_heading(p, 1, S_s(sec, "heading"));
    S_para(p, S_s(sec, "summary"));

    S_heading(p, 2, "Elements by type");
    const tm_node *groups = S_l(l, "elements_by_type");
    if (!S_n(groups))
        S_empty_note(p, "The model has no elements.");
    else {
        S_table t;
        S_table_begin(&t, p, 8, 5, "Element", 0.34, "Type", 0.17, "Origin", 0.12, "Owner", 0.14,
                      "Boundary", 0.23);
        for (size_t g = 0; g < groups->n; g++) {
            const tm_node *els = S_l(groups->items[g], "elements");
            for (size_t i = 0; i < S_n(els); i++) {
                const tm_node *e = els->items[i];
                S_cell c[5] = {S_cell1(NULL), S_cell1(S_s(groups->items[g], "label")),
                               S_cell1(S_s(e, "origin")), S_cell1(S_sd(e, "owner", "not stated")),
                               S_cell1(S_s(e, "boundary"))};
                S_cell_add(&c[0], S_s(e, "name"), 1);
                S_cell_run(&c[0], (S_run){S_s(e, "id"), 0, 7, 1, 1});
                S_cell_add(&c[0], S_s(e, "description"), 0);
                if (S_s(e, "data_text"))
                    S_cell_run(&c[0], (S_run){tm_arena_printf(p->ar, "Data: %s",
                                                              S_s(e, "data_text")),
                                              0, 7, 0, 1});
                if (S_b(e, "out_of_scope"))
                    S_cell_run(&c[0], (S_run){tm_arena_printf(p->ar, "Out of scope: %s",
                                                              S_sd(e, "reason", "no reason given")),
                                              1, 7, 0, 0});
                S_table_row(&t, c);
            }
        }
        S_table_end(&t);
    }

    S_heading(p, 2, "Data assets");
    const tm_node *da = S_l(l, "data");
    if (!S_n(da))
        S_empty_note(p, "The model lists no data assets.");
    else {
        S_table t;
        S_table_begin(&t, p, 8, 5, "Data", 0.28, "Classification", 0.14, "Held by", 0.22,
                      "Flows", 0.1, "Description", 0.26);
        for (size_t i = 0; i < da->n; i++) {
            const tm_node *x = da->items[i];
            S_cell c[5] = {S_cell1(NULL), S_cell1(S_s(x, "classification")),
                           S_cell1(S_sd(x, "held_by_text", "nobody")),
                           S_cell1(S_sd(x, "flows_text", "none")), S_cell1(S_s(x, "description"))};
            S_cell_add(&c[0], S_s(x, "name"), 1);
            S_cell_run(&c[0], (S_run){S_s(x, "id"), 0, 7, 1, 1});
            S_table_row(&t, c);
        }
        S_table_end(&t);
    }

    S_heading(p, 2, "Identities");
    const tm_node *ids = S_l(l, "identities");
    if (!S_n(ids))
        S_empty_note(p, "The model lists no IAM identities.");
    else {
        S_table t;
        S_table_begin(&t, p, 8, 4, "Identity", 0.3, "Used by", 0.25, "Statements", 0.1,
                      "What the IAM analysis found", 0.35);
        for (size_t i = 0; i < ids->n; i++) {
            const tm_node *x = ids->items[i];
            S_cell c[4] = {S_cell1(NULL), S_cell1(S_sd(x, "users_text", "no element")),
                           S_cell1(tm_arena_printf(p->ar, "%lld", S_i(x, "statements"))),
                           S_cell1(NULL)};
            S_cell_add(&c[0], S_s(x, "name"), 1);
            S_cell_run(&c[0], (S_run){S_s(x, "id"), 0, 7, 1, 1});
            S_cell_run(&c[0], (S_run){S_s(x, "type"), 0, 7, 0, 1});
            const tm_node *facts = S_l(x, "facts");
            for (size_t k = 0; k < S_n(facts); k++)
                S_cell_add(&c[3], tm_arena_printf(p->ar, "• %s", S_s(facts->items[k], "text")), 0);
            if (!S_n(facts))
                S_cell_add(&c[3], "nothing of note", 0);
            S_table_row(&t, c);
        }
        S_table_end(&t);
    }

    S_heading(p, 2, "Artifacts");
    const tm_node *arts = S_l(l, "artifacts");
    if (!S_n(arts))
        S_empty_note(p, "The model lists no deployment scripts, CI configs, libraries or plugins.");
    else {
        S_table t;
        S_table_begin(&t, p, 8, 6, "Artifact", 0.3, "Type", 0.14, "Origin", 0.12, "Owner", 0.13,
                      "Defines", 0.17, "Secret scan", 0.14);
        for (size_t i = 0; i < arts->n; i++) {
            const tm_node *x = arts->items[i];
            long long secrets = S_i(x, "secrets");
            S_cell c[6] = {S_cell1(NULL), S_cell1(S_s(x, "type")), S_cell1(S_s(x, "origin")),
                           S_cell1(S_sd(x, "owner", "not stated")),
                           S_cell1(S_sd(x, "defines_text", "-")),
                           S_cell1(!S_b(x, "scanned") ? "not scanned"
                                   : secrets ? tm_arena_printf(p->ar, "%lld secret%s found",
                                                               secrets, secrets == 1 ? "" : "s")
                                             : "no secrets found")};
            S_cell_add(&c[0], S_s(x, "name"), 1);
            S_cell_run(&c[0], (S_run){S_s(x, "id"), 0, 7, 1, 1});
            if (S_s(x, "path"))
                S_cell_run(&c[0], (S_run){S_s(x, "path"), 0, 7, 0, 1});
            if (S_s(x, "version"))
                S_cell_run(&c[0], (S_run){tm_arena_printf(p->ar, "version %s", S_s(x, "version")),
                                          0, 7, 0, 1});
            S_cell_add(&c[0], S_s(x, "description"), 0);
            if (secrets) {
                c[5].filled = 1;
                S_severity_colours("high", &c[5].fill, &c[5].ink);
            }
            S_table_row(&t, c);
        }
        S_table_end(&t);
    }

    S_heading(p, 2, "Third-party code");
    const tm_node *tp = S_l(l, "third_party");
    if (!S_n(tp))
        S_empty_note(p, "No third-party or open-source code is recorded in the model.");
    else {
        S_table t;
        S_table_begin(&t, p, 8, 4, "What", 0.36, "Kind", 0.22, "Origin", 0.16, "Where", 0.26);
        for (size_t i = 0; i < tp->n; i++) {
            const tm_node *x = tp->items[i];
            S_cell c[4] = {S_cell1(S_s(x, "what")), S_cell1(S_s(x, "kind")),
                           S_cell1(S_s(x, "origin")), S_cell1(S_s(x, "where"))};
            S_table_row(&t, c);
        }
        S_table_end(&t);
    }
}

/* A diagram scaled to fit one page: landscape when wider than tall. */
static int S_diagram_page(S_pdf *p, const tm_analysis *a, const tm_render_opts *o, size_t part,
                          const char *title, int bookmark)
{
    tm_buf png;
    tm_buf_init(&png, 0);
    if (tm_dfd_render_image(a, o, "png", part, &png, p->d) != 0) {
        tm_buf_free(&png);
        return -1;
    }
    /* Copy into the arena so the buffer is not lost if libharu longjmps. */
    size_t len = png.len;
    unsigned char *bytes = tm_arena_alloc(p->ar, len ? len : 1);
    memcpy(bytes, png.data ? png.data : "", len);
    tm_buf_free(&png);
    HPDF_Image img = HPDF_LoadPngImageFromMem(p->doc, bytes, (HPDF_UINT)len);
    /* libharu 2.3.0 compresses the colour data of a PNG but writes its alpha
     * channel (the soft mask) raw: 3 MB for a 3000 x 1000 diagram. */
    HPDF_Dict smask = HPDF_Dict_GetItem(img, "SMask", HPDF_OCLASS_DICT);
    if (smask)
        smask->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    float iw = (float)HPDF_Image_GetWidth(img), ih = (float)HPDF_Image_GetHeight(img);
    S_new_page(p, iw > ih);
    if (bookmark) {
        const char *clean = S_clean(p, title, 0);
        float top = p->y;
        p->y -= 14;
        S_draw_text(p, p->bold, 12.5f, S_ACCENT, S_MARGIN_X, p->y, clean);
        p->y -= 10;
        S_toc_add(p, 2, clean, top);
        S_bookmark(p, p->outline1, clean, top);
    }
    float bw = S_content_width(p), bh = p->y - S_MARGIN_BOTTOM - 14;
    float scale = bw / iw < bh / ih ? bw / iw : bh / ih;
    float dw = iw * scale, dh = ih * scale;
    HPDF_Page_DrawImage(p->page, img, S_MARGIN_X + (bw - dw) / 2, p->y - dh, dw, dh);
    p->y -= dh + 4;
    S_draw_text(p, p->reg, 7.5f, S_GREY, S_MARGIN_X, p->y - 8,
                S_clean(p, "Flows are numbered as in the flow table; dfd.svg in the same folder "
                           "zooms without loss.", 0));
    /* later content starts on a new portrait page */
    p->y = S_MARGIN_BOTTOM;
    return 0;
}

static void S_flow_cells(S_pdf *p, const tm_node *f, S_cell *c, const char *dir)
{
    int k = 0;
    if (dir)
        c[k++] = S_cell1(dir);
    c[k++] = S_cell1(tm_arena_printf(p->ar, "#%lld", S_i(f, "number")));
    c[k] = S_cell1(NULL);
    S_cell_add(&c[k], S_s(f, "name"), 1);
    S_cell_add(&c[k], tm_arena_printf(p->ar, "%s → %s", S_sd(f, "from", "?"), S_sd(f, "to", "?")),
               0);
    k++;
    const char *proto = S_sd(f, "protocol", "not stated");
    c[k++] = S_cell1(S_i(f, "port") ? tm_arena_printf(p->ar, "%s:%lld", proto, S_i(f, "port"))
                                    : proto);
    c[k] = S_cell1(S_sd(f, "data_text", "none"));
    if (S_s(f, "classification"))
        S_cell_run(&c[k], (S_run){S_s(f, "classification"), 0, 7, 0, 1});
    k++;
    c[k++] = S_cell1(S_s(f, "authenticated"));
    c[k++] = S_cell1(S_s(f, "encrypted"));
}

/* O — Overall picture */
static int S_section_overall(S_pdf *p, const tm_node *data, const tm_analysis *a,
                             const tm_render_opts *o)
{
    const tm_node *ov = tm_node_get(data, "overall");
    const tm_node *sec = tm_node_get(ov, "section");
    S_heading(p, 1, S_s(sec, "heading"));
    S_para(p, S_s(sec, "summary"));
    S_para(p, tm_arena_printf(p->ar, "%lld flows cross %lld trust boundaries. The data-flow "
                                     "diagram follows on its own page.",
                              S_i(ov, "n_flows"), S_i(ov, "n_boundaries")));

    tm_dfd *owned;
    const tm_dfd *dfd = tm_dfd_get(a, o, &owned);
    size_t parts = tm_dfd_count(dfd);
    int rc = S_diagram_page(p, a, o, 0, parts > 1 ? "Data-flow diagram (overview)"
                                                  : "Data-flow diagram", 1);
    for (size_t i = 1; i < parts && rc == 0; i++) {
        const char *stem = tm_dfd_stem(dfd, i);
        if (strncmp(stem, "dfd-", 4) == 0)
            stem += 4;
        rc = S_diagram_page(p, a, o, i,
                            tm_arena_printf(p->ar, "Data-flow diagram: boundary %s", stem), 1);
    }
    tm_dfd_free(owned);
    if (rc != 0)
        return -1;

    S_heading(p, 2, "Trust boundaries and what crosses them");
    const tm_node *bs = S_l(ov, "boundaries");
    if (!S_n(bs))
        S_empty_note(p, "The model has no trust boundaries.");
    for (size_t i = 0; i < S_n(bs); i++) {
        const tm_node *b = bs->items[i];
        S_caption(p, tm_arena_printf(p->ar, "%s (%s)", S_sd(b, "name", "?"), S_sd(b, "type", "?")));
        if (S_s(b, "description"))
            S_para(p, S_s(b, "description"));
        tm_buf info;
        tm_buf_init(&info, 0);
        const char *parent = S_s(b, "parent");
        if (parent)
            tm_buf_printf(&info, "Inside: %s. ", parent);
        tm_buf_printf(&info, "Members: %s. ", S_sd(b, "members_text", "none"));
        tm_buf_printf(&info, "Entry points: %s. ", S_sd(b, "entry_points_text", "none"));
        tm_buf_printf(&info, "%lld inbound (%lld unauthenticated, %lld unencrypted), %lld outbound.",
                      S_i(b, "n_inbound"), S_i(b, "unauthenticated_inbound"),
                      S_i(b, "unencrypted_inbound"), S_i(b, "n_outbound"));
        S_para_ex(p, info.data, p->reg, 8.5f, S_BLACK, 0);
        tm_buf_free(&info);
        p->y -= 3;
        const tm_node *in = S_l(b, "inbound"), *out = S_l(b, "outbound");
        if (S_n(in) + S_n(out)) {
            S_table t;
            S_table_begin(&t, p, 7.5f, 7, "Crossing", 0.1, "Flow", 0.06, "Name, from → to", 0.34,
                          "Protocol", 0.12, "Data", 0.2, "Authenticated", 0.1, "Encrypted", 0.08);
            for (size_t k = 0; k < S_n(in); k++) {
                S_cell c[7];
                S_flow_cells(p, in->items[k], c, "inbound");
                if (strcmp(S_sd(in->items[k], "authenticated", ""), "yes") != 0) {
                    c[5].filled = 1;
                    c[5].fill = (S_rgb){0.99f, 0.88f, 0.8f};
                }
                if (strcmp(S_sd(in->items[k], "encrypted", ""), "yes") != 0) {
                    c[6].filled = 1;
                    c[6].fill = (S_rgb){0.99f, 0.88f, 0.8f};
                }
                S_table_row(&t, c);
            }
            for (size_t k = 0; k < S_n(out); k++) {
                S_cell c[7];
                S_flow_cells(p, out->items[k], c, "outbound");
                S_table_row(&t, c);
            }
            S_table_end(&t);
        }
    }

    S_heading(p, 2, "Flows");
    const tm_node *fl = S_l(ov, "flows");
    if (!S_n(fl))
        S_empty_note(p, "The model has no flows.");
    else {
        S_table t;
        S_table_begin(&t, p, 7.5f, 8, "Flow", 0.06, "Name, from → to", 0.3, "Protocol", 0.11,
                      "Data", 0.18, "Authenticated", 0.1, "Encrypted", 0.08, "Crosses", 0.1,
                      "Worst open", 0.07);
        for (size_t k = 0; k < fl->n; k++) {
            const tm_node *f = fl->items[k];
            S_cell c[8];
            S_flow_cells(p, f, c, NULL);
            c[6] = S_cell1(S_sd(f, "crosses_text", "none"));
            const char *worst = S_sd(f, "max_open", "none");
            c[7] = S_cell1(worst);
            if (strcmp(worst, "none") != 0) {
                c[7].filled = 1;
                S_severity_colours(worst, &c[7].fill, &c[7].ink);
            }
            S_table_row(&t, c);
        }
        S_table_end(&t);
    }

    S_heading(p, 2, "Shared responsibility");
    const tm_node *rs = S_l(ov, "responsibility");
    if (!S_n(rs))
        S_empty_note(p, "The model has no elements.");
    else {
        S_table t;
        S_table_begin(&t, p, 7.5f, 3, "Element", 0.26, "The provider secures", 0.37,
                      "The team secures", 0.37);
        for (size_t k = 0; k < rs->n; k++) {
            const tm_node *x = rs->items[k];
            S_cell c[3] = {S_cell1(NULL), S_cell1(NULL), S_cell1(NULL)};
            S_cell_add(&c[0], S_s(x, "name"), 1);
            S_cell_run(&c[0], (S_run){S_s(x, "label"), 0, 7, 0, 1});
            const tm_node *pv = S_l(x, "provider"), *cu = S_l(x, "customer");
            for (size_t j = 0; j < S_n(pv); j++)
                S_cell_add(&c[1], tm_arena_printf(p->ar, "• %s", S_s(pv->items[j], "text")), 0);
            if (!S_n(pv))
                S_cell_add(&c[1], "nothing", 0);
            for (size_t j = 0; j < S_n(cu); j++)
                S_cell_add(&c[2], tm_arena_printf(p->ar, "• %s", S_s(cu->items[j], "text")), 0);
            S_table_row(&t, c);
        }
        S_table_end(&t);
    }

    S_heading(p, 2, "Assumptions");
    const tm_node *as = S_l(ov, "assumptions");
    if (!S_n(as))
        S_empty_note(p, "The model states no assumptions.");
    else {
        S_table t;
        S_table_begin(&t, p, 8, 2, "Id", 0.2, "Assumption", 0.8);
        for (size_t k = 0; k < as->n; k++) {
            S_cell c[2] = {S_cell1(S_s(as->items[k], "id")), S_cell1(S_s(as->items[k], "text"))};
            S_table_row(&t, c);
        }
        S_table_end(&t);
    }

    S_heading(p, 2, "Out of scope");
    const tm_node *os = S_l(ov, "out_of_scope");
    if (!S_n(os))
        S_empty_note(p, "Nothing in the model is out of scope.");
    else {
        S_table t;
        S_table_begin(&t, p, 8, 3, "Element", 0.3, "Reason", 0.32, "Warning", 0.38);
        for (size_t k = 0; k < os->n; k++) {
            const tm_node *x = os->items[k];
            S_cell c[3] = {S_cell1(NULL), S_cell1(S_s(x, "reason")), S_cell1(NULL)};
            S_cell_add(&c[0], S_s(x, "name"), 1);
            S_cell_run(&c[0], (S_run){S_s(x, "label"), 0, 7, 0, 1});
            if (S_s(x, "warning")) {
                S_cell_add(&c[2], tm_arena_printf(p->ar, "⚠ Warning: %s", S_s(x, "warning")), 1);
                c[2].ink = S_WARN;
            } else
                S_cell_add(&c[2], "no sensitive data reaches it", 0);
            S_table_row(&t, c);
        }
        S_table_end(&t);
    }

    S_heading(p, 2, "Implicit entry points");
    const tm_node *im = S_l(ov, "implicit");
    if (!S_n(im))
        S_empty_note(p, "No implicit entry points: every management plane is ruled out.");
    else {
        S_para(p, "Every cloud resource is reachable through its management plane (console, "
                  "CLI, SDK) until that is ruled out.");
        S_table t;
        S_table_begin(&t, p, 8, 3, "Element", 0.3, "Type", 0.2, "Entry points", 0.5);
        for (size_t k = 0; k < im->n; k++) {
            const tm_node *x = im->items[k];
            S_cell c[3] = {S_cell1(S_s(x, "name")), S_cell1(S_s(x, "label")),
                           S_cell1(S_sd(x, "entry_points_text", ""))};
            S_table_row(&t, c);
        }
        S_table_end(&t);
    }
    return 0;
}

static const char *S_kind_title(const char *kind)
{
    static const char *const k[][2] = {{"model", "System"},     {"boundary", "Boundary"},
                                       {"element", "Element"},  {"flow", "Flow"},
                                       {"identity", "Identity"}, {"artifact", "Artifact"}};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (kind && strcmp(kind, k[i][0]) == 0)
            return k[i][1];
    return kind ? kind : "";
}

static void S_threat_cells(S_pdf *p, const tm_node *th, S_cell *c)
{
    c[0] = S_cell1(NULL);
    S_cell_run(&c[0], (S_run){S_s(th, "id"), 1, 0, 1, 0});
    S_cell_add(&c[0], S_s(th, "title"), 0);
    S_cell_run(&c[0], (S_run){S_s(th, "description"), 0, 7, 0, 1});
    if (S_s(th, "location"))
        S_cell_run(&c[0], (S_run){tm_arena_printf(p->ar, "at %s", S_s(th, "location")), 0, 6.5f,
                                  0, 1});
    c[1] = S_cell1(NULL);
    const tm_node *letters = S_l(th, "stride_letters");
    for (size_t k = 0; k < S_n(letters); k++)
        S_cell_add(&c[1], tm_arena_printf(p->ar, "%s %s", S_s(letters->items[k], "letter"),
                                          S_s(letters->items[k], "name")),
                   0);
    const char *sev = S_sd(th, "severity", "");
    c[2] = S_cell1(NULL);
    S_cell_add(&c[2], sev, 1);
    S_cell_run(&c[2], (S_run){tm_arena_printf(p->ar, "likelihood %s, impact %s",
                                              S_sd(th, "likelihood", "?"), S_sd(th, "impact", "?")),
                              0, 6.5f, 0, 0});
    c[2].filled = 1;
    S_severity_colours(sev, &c[2].fill, &c[2].ink);
    c[3] = S_cell1(NULL);
    S_cell_run(&c[3], (S_run){S_s(th, "status"), S_b(th, "open"), 0, 1, 0});
    c[4] = S_cell1(S_sd(th, "mitigation", "no remedy given"));
    const tm_node *dec = tm_node_get(th, "decision");
    if (dec) {
        /* the review decision that set the status, with who and when */
        tm_buf who;
        tm_buf_init(&who, 0);
        const char *v;
        tm_buf_printf(&who, "Decision (%s)", S_sd(dec, "status", "?"));
        if ((v = S_s(dec, "owner")) != NULL)
            tm_buf_printf(&who, ", owner %s", v);
        if ((v = S_s(dec, "ticket")) != NULL)
            tm_buf_printf(&who, ", ticket %s", v);
        if ((v = S_s(dec, "date")) != NULL)
            tm_buf_printf(&who, ", %s", v);
        if ((v = S_s(dec, "justification")) != NULL)
            tm_buf_printf(&who, ": %s", v);
        S_cell_run(&c[4], (S_run){tm_arena_strdup(p->ar, who.data), 1, 6.5f, 0, 0});
        tm_buf_free(&who);
    }
    if (S_s(th, "references_text"))
        S_cell_run(&c[4], (S_run){S_s(th, "references_text"), 0, 6.5f, 0, 1});
    const tm_node *ev = S_l(th, "evidence");
    for (size_t k = 0; k < S_n(ev) && k < 4; k++)
        S_cell_run(&c[4], (S_run){tm_arena_printf(p->ar, "Evidence: %s", S_s(ev->items[k], "text")),
                                  0, 6.5f, 0, 1});
}

/* S — Security weak points */
static void S_section_weak(S_pdf *p, const tm_node *data)
{
    const tm_node *wp = tm_node_get(data, "weak");
    const tm_node *sec = tm_node_get(wp, "section");
    S_heading(p, 1, S_s(sec, "heading"));
    S_para(p, S_s(sec, "summary"));
    S_para(p, tm_arena_printf(p->ar, "%lld threats. Each row names the threat id (rule@target) "
                                     "to search for in threats.json, threats.sarif and the model's "
                                     "threats: decisions.",
                              S_i(wp, "n_threats")));
    const tm_node *groups = S_l(wp, "groups");
    if (!S_n(groups))
        S_empty_note(p, "No threats were found.");
    for (size_t g = 0; g < S_n(groups); g++) {
        const tm_node *gr = groups->items[g];
        const tm_node *ths = S_l(gr, "threats");
        S_table t;
        S_table_begin(&t, p, 7.5f, 5, "Threat", 0.38, "STRIDE", 0.12, "Severity", 0.11,
                      "Status", 0.1, "Remedy", 0.29);
        S_cell c[5];
        if (S_n(ths)) {
            /* keep the heading with the table's first row */
            S_threat_cells(p, ths->items[0], c);
            S_need(p, 60 + S_table_lead(&t, c));
        }
        S_heading(p, 2, tm_arena_printf(p->ar, "%s: %s", S_kind_title(S_s(gr, "kind")),
                                        S_sd(gr, "name", "?")));
        tm_buf info;
        tm_buf_init(&info, 0);
        const char *detail = S_s(gr, "detail");
        if (detail)
            tm_buf_printf(&info, "%s. ", detail);
        tm_buf_printf(&info, "%lld threat%s, %lld open.", S_i(gr, "count"),
                      S_i(gr, "count") == 1 ? "" : "s", S_i(gr, "open"));
        S_para_ex(p, info.data, p->reg, 8.5f, S_GREY, 0);
        tm_buf_free(&info);
        p->y -= 3;
        for (size_t k = 0; k < S_n(ths); k++) {
            S_threat_cells(p, ths->items[k], c);
            S_table_row(&t, c);
        }
        S_table_end(&t);
    }
}

/* A horizontal bar chart in vector graphics. */
static void S_chart(S_pdf *p, const tm_node *chart, int severity_colours)
{
    const tm_node *bars = S_l(chart, "bars");
    float row = 16, label_w = 130, chart_w = S_content_width(p) - label_w - 50;
    S_need(p, 30 + row * (float)S_n(bars));
    S_caption(p, S_sd(chart, "title", ""));
    for (size_t i = 0; i < S_n(bars); i++) {
        const tm_node *b = bars->items[i];
        float y = p->y - row;
        S_draw_text(p, p->reg, 8.5f, S_BLACK, S_MARGIN_X, y + 4, S_clean(p, S_sd(b, "label", ""), 0));
        S_rgb fill = S_BAR, ink;
        if (severity_colours)
            S_severity_colours(S_s(b, "key"), &fill, &ink);
        float w = chart_w * (float)S_i(b, "width") / 300.0f;
        S_fill_rect(p, S_MARGIN_X + label_w, y + 1, chart_w, row - 4, (S_rgb){0.94f, 0.94f, 0.94f});
        if (w > 0)
            S_fill_rect(p, S_MARGIN_X + label_w, y + 1, w, row - 4, fill);
        S_draw_text(p, p->bold, 8.5f, S_BLACK, S_MARGIN_X + label_w + chart_w + 6, y + 4,
                    tm_arena_printf(p->ar, "%lld", S_i(b, "count")));
        p->y -= row;
    }
    p->y -= 10;
}

/* S — Show */
static void S_section_show(S_pdf *p, const tm_node *data)
{
    const tm_node *sh = tm_node_get(data, "show");
    const tm_node *sec = tm_node_get(sh, "section");
    S_heading(p, 1, S_s(sec, "heading"));
    S_para(p, S_s(sec, "summary"));
    const tm_node *dash = tm_node_get(sh, "dashboard");
    S_heading(p, 2, "Dashboard");
    S_para(p, tm_arena_printf(p->ar, "%lld threats: %lld open, %lld decided.", S_i(dash, "total"),
                              S_i(dash, "open"), S_i(dash, "decided")));
    S_chart(p, tm_node_get(dash, "by_severity"), 1);
    S_chart(p, tm_node_get(dash, "by_stride"), 0);
    S_chart(p, tm_node_get(dash, "by_status"), 0);

    S_heading(p, 2, "Monitoring plan");
    const tm_node *mon = S_l(sh, "monitoring");
    if (!S_n(mon))
        S_empty_note(p, "No operations to monitor were found.");
    else {
        S_para(p, "Alert on these control-plane operations for each element.");
        S_table t;
        S_table_begin(&t, p, 8, 3, "Element", 0.3, "Type", 0.2, "Operations to alert on", 0.5);
        for (size_t k = 0; k < mon->n; k++) {
            const tm_node *x = mon->items[k];
            S_cell c[3] = {S_cell1(NULL), S_cell1(S_s(x, "label")),
                           S_cell1(S_sd(x, "operations_text", ""))};
            S_cell_add(&c[0], S_s(x, "name"), 1);
            S_cell_run(&c[0], (S_run){S_s(x, "id"), 0, 7, 1, 1});
            S_table_row(&t, c);
        }
        S_table_end(&t);
    }
}

/* An empty tick box with its text; returns the height used. */
static void S_tick_item(S_pdf *p, const char *text, const char *note, float indent)
{
    S_lines l = {0};
    float tx = S_MARGIN_X + indent + 18, w = S_content_width(p) - indent - 18;
    S_wrap(p, &l, S_clean(p, text, 0), p->reg, 9.5f, S_BLACK, w);
    if (note)
        S_wrap(p, &l, S_clean(p, note, 0), p->reg, 7.5f, S_GREY, w);
    float h = S_lines_height(&l, 0, l.n) + 4;
    S_need(p, h);
    S_set_stroke(p, S_BLACK, 0.8f);
    HPDF_Page_Rectangle(p->page, S_MARGIN_X + indent + 1, p->y - 12, 10, 10);
    HPDF_Page_Stroke(p->page);
    float y = p->y;
    for (size_t i = 0; i < l.n; i++) {
        y -= l.items[i].lh;
        S_draw_text(p, l.items[i].font, l.items[i].size, l.items[i].ink, tx,
                    y + 0.25f * l.items[i].size, l.items[i].text);
    }
    p->y -= h;
}

static void S_ruled(S_pdf *p, int n, float indent)
{
    for (int i = 0; i < n; i++) {
        S_need(p, 18);
        p->y -= 18;
        S_line_at(p, S_MARGIN_X + indent, p->y, p->width - S_MARGIN_X, p->y, S_RULE, 0.5f);
    }
    p->y -= 6;
}

static void S_section_checklist(S_pdf *p, const tm_node *data)
{
    S_heading(p, 1, "LOSS checklist");
    S_para(p, "Tick each item when the review has checked it. The figures beside the items are "
              "what the model holds.");
    const tm_node *cl = S_l(data, "checklist");
    for (size_t s = 0; s < S_n(cl); s++) {
        const tm_node *sec = cl->items[s];
        S_heading(p, 2, tm_arena_printf(p->ar, "%s — %s", S_sd(sec, "letter", ""),
                                        S_sd(sec, "title", "")));
        const tm_node *items = S_l(sec, "items");
        for (size_t i = 0; i < S_n(items); i++)
            S_tick_item(p, S_sd(items->items[i], "text", ""), S_s(items->items[i], "count"), 0);
        S_need(p, 40);
        S_para_ex(p, "Notes", p->bold, 8.5f, S_GREY, 0);
        S_ruled(p, 3, 0);
    }
    S_need(p, 80);
    p->y -= 10;
    S_para_ex(p, "Reviewed by", p->bold, 9, S_BLACK, 0);
    S_ruled(p, 1, 0);
    S_para_ex(p, "Date and signature", p->bold, 9, S_BLACK, 0);
    S_ruled(p, 1, 0);
}

static void S_section_worksheet(S_pdf *p, const tm_node *data)
{
    S_heading(p, 1, "Workshop worksheet");
    S_para(p, "For each element, tick a question once the team has answered it and write the "
              "answer on the lines below it.");
    const tm_node *ws = S_l(data, "worksheet");
    for (size_t e = 0; e < S_n(ws); e++) {
        const tm_node *el = ws->items[e];
        S_need(p, 120); /* an element's heading with its first question */
        S_caption(p, tm_arena_printf(p->ar, "%s (%s, %s)", S_sd(el, "name", "?"),
                                     S_sd(el, "label", "?"), S_sd(el, "kind", "?")));
        const tm_node *qs = S_l(el, "questions");
        for (size_t q = 0; q < S_n(qs); q++) {
            S_need(p, 60);
            S_tick_item(p, S_sd(qs->items[q], "text", ""), NULL, 6);
            S_ruled(p, 2, 24);
        }
    }
}

/* ============================================== contents and furniture */

/* Contents lines per page (the pages are reserved before layout). */
static size_t S_toc_per_page(const S_pdf *p)
{
    return (size_t)((p->ph - S_MARGIN_TOP - S_MARGIN_BOTTOM - 40) / 15.0f);
}

static void S_toc_fill(S_pdf *p)
{
    size_t per = S_toc_per_page(p);
    for (size_t i = 0; i < p->n_toc; i++) {
        size_t pg = p->toc_first_page + i / per;
        p->page = p->pages.items[pg];
        p->width = HPDF_Page_GetWidth(p->page);
        float y = p->ph - S_MARGIN_TOP - 40 - 15.0f * (float)(i % per);
        if (i % per == 0)
            S_draw_text(p, p->bold, 18, S_ACCENT, S_MARGIN_X, p->ph - S_MARGIN_TOP - 22,
                        S_clean(p, i ? "Contents (continued)" : "Contents", 0));
        const S_toc_entry *e = &p->toc[i];
        HPDF_Font font = e->level == 1 ? p->bold : p->reg;
        float size = e->level == 1 ? 10.5f : 9.5f, indent = e->level == 1 ? 0 : 16;
        const char *num = tm_arena_printf(p->ar, "%zu", e->page + 1);
        float nw = S_width(font, size, num, strlen(num));
        float right = p->width - S_MARGIN_X;
        /* the title, cut to leave room for the leader and the number */
        float avail = right - nw - 20 - S_MARGIN_X - indent;
        const char *title = e->title;
        if (S_width(font, size, title, strlen(title)) > avail) {
            S_lines l = {0};
            S_wrap(p, &l, title, font, size, S_BLACK, avail - 10);
            title = tm_arena_printf(p->ar, "%s…", l.n ? l.items[0].text : "");
        }
        float tw = S_width(font, size, title, strlen(title));
        S_draw_text(p, font, size, S_BLACK, S_MARGIN_X + indent, y, title);
        S_draw_text(p, font, size, S_BLACK, right - nw, y, num);
        /* dotted leader */
        HPDF_Page_SetRGBStroke(p->page, 0.6f, 0.6f, 0.6f);
        HPDF_Page_SetLineWidth(p->page, 0.6f);
        HPDF_Page_SetDash(p->page, (const HPDF_UINT16[]){1, 3}, 2, 0);
        HPDF_Page_MoveTo(p->page, S_MARGIN_X + indent + tw + 6, y + 1);
        HPDF_Page_LineTo(p->page, right - nw - 6, y + 1);
        HPDF_Page_Stroke(p->page);
        HPDF_Page_SetDash(p->page, NULL, 0, 0);
        /* the line links to the section */
        HPDF_Page target = p->pages.items[e->page];
        HPDF_Destination dst = HPDF_Page_CreateDestination(target);
        HPDF_Destination_SetFitH(dst, e->y);
        HPDF_Rect r = {S_MARGIN_X, y - 3, right, y + size};
        HPDF_Annotation an = HPDF_Page_CreateLinkAnnot(p->page, r, dst);
        HPDF_LinkAnnot_SetBorderStyle(an, 0, 0, 0);
    }
}

/* Running header (system name, section) and "page X of Y" on every page. */
static void S_furniture(S_pdf *p)
{
    size_t n = p->pages.len;
    for (size_t i = 0; i < n; i++) {
        p->page = p->pages.items[i];
        p->width = HPDF_Page_GetWidth(p->page);
        p->height = HPDF_Page_GetHeight(p->page);
        if (i > 0) {
            float y = p->height - 36;
            const char *sec = p->page_section.items[i];
            float sw = sec ? S_width(p->reg, 8, sec, strlen(sec)) : 0;
            float avail = p->width - 2 * S_MARGIN_X - sw - 20;
            const char *name = p->system_name;
            if (S_width(p->bold, 8, name, strlen(name)) > avail) {
                S_lines l = {0};
                S_wrap(p, &l, name, p->bold, 8, S_GREY, avail - 10);
                name = tm_arena_printf(p->ar, "%s…", l.n ? l.items[0].text : "");
            }
            S_draw_text(p, p->bold, 8, S_GREY, S_MARGIN_X, y, name);
            if (sec)
                S_draw_text(p, p->reg, 8, S_GREY, p->width - S_MARGIN_X - sw, y, sec);
            S_line_at(p, S_MARGIN_X, y - 5, p->width - S_MARGIN_X, y - 5, S_RULE, 0.5f);
        }
        const char *foot = tm_arena_printf(p->ar, "page %zu of %zu", i + 1, n);
        float fw = S_width(p->reg, 8, foot, strlen(foot));
        S_draw_text(p, p->reg, 8, S_GREY, (p->width - fw) / 2, 30, foot);
    }
}

/* ================================================================ setup */

/* A font file from STRIDEC_FONT_DIR, else the Debian path; NULL after a
 * diagnostic when it is not there. */
static const char *S_font_path(S_pdf *p, const char *file)
{
    const char *dir = getenv("STRIDEC_FONT_DIR");
    if (!dir || !*dir)
        dir = S_FONT_DIR;
    const char *path = tm_arena_printf(p->ar, "%s/%s", dir, file);
    FILE *f = fopen(path, "rb");
    if (!f) {
        tm_diag_add(p->d, TM_DIAG_ERROR, "pdf-font", NULL, 0, 0,
                    "pdf: font %s not found (install fonts-dejavu-core)", file);
        return NULL;
    }
    fclose(f);
    return path;
}

/* Coverage of one font into bits; -1 with a diagnostic when unreadable. */
static int S_font_coverage(S_pdf *p, const char *path, unsigned char *bits)
{
    tm_diags *tmp = tm_diags_new();
    size_t len = 0;
    char *font = tm_read_file(path, &len, tmp);
    tm_diags_free(tmp);
    int rc = font ? S_cmap_coverage((const unsigned char *)font, len, bits) : -1;
    free(font);
    if (rc != 0)
        tm_diag_add(p->d, TM_DIAG_ERROR, "pdf-font", NULL, 0, 0,
                    "pdf: font %s has no Unicode character map", path);
    return rc;
}

/* "YYYY-MM-DD..." into a PDF date; 0 when it parses. */
static int S_parse_date(const char *s, HPDF_Date *dt)
{
    if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    memset(dt, 0, sizeof *dt);
    dt->year = atoi(s);
    dt->month = atoi(s + 5);
    dt->day = atoi(s + 8);
    dt->ind = 'Z';
    return dt->month >= 1 && dt->month <= 12 && dt->day >= 1 && dt->day <= 31 ? 0 : -1;
}

static size_t S_count_toc(const tm_node *data, size_t dfd_parts)
{
    /* L: 5 subsections; O: diagrams + 7; S: one per group; Show: 2;
     * checklist: its sections; worksheet: none; plus the 6 sections. */
    return 6 + 5 + dfd_parts + 7 + S_n(S_l(tm_node_get(data, "weak"), "groups")) + 2 +
           S_n(S_l(data, "checklist"));
}

static int S_build(S_pdf *p, const tm_analysis *a, const tm_render_opts *o, const tm_node *data)
{
    const char *reg = S_font_path(p, S_FONT_REGULAR);
    const char *bold = reg ? S_font_path(p, S_FONT_BOLD) : NULL;
    if (!reg || !bold)
        return -1;
    HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(p->doc);
    HPDF_SetCurrentEncoder(p->doc, "UTF-8");
    p->enc = HPDF_GetEncoder(p->doc, "UTF-8");
    p->reg = HPDF_GetFont(p->doc, HPDF_LoadTTFontFromFile(p->doc, reg, HPDF_TRUE), "UTF-8");
    p->bold = HPDF_GetFont(p->doc, HPDF_LoadTTFontFromFile(p->doc, bold, HPDF_TRUE), "UTF-8");
    p->covered = calloc(S_N_CODEPOINTS / 8, 1);
    p->missing = calloc(S_N_CODEPOINTS / 8, 1);
    unsigned char *bold_cov = calloc(S_N_CODEPOINTS / 8, 1);
    if (!p->covered || !p->missing || !bold_cov) {
        free(bold_cov);
        tm_diag_add(p->d, TM_DIAG_ERROR, "pdf", NULL, 0, 0, "pdf: out of memory");
        return -1;
    }
    int rc = S_font_coverage(p, reg, p->covered);
    if (rc == 0)
        rc = S_font_coverage(p, bold, bold_cov);
    /* a character counts as covered only when both weights have it */
    for (size_t i = 0; i < S_N_CODEPOINTS / 8; i++)
        p->covered[i] &= bold_cov[i];
    free(bold_cov);
    if (rc != 0)
        return -1;
    p->replacement = S_bit_get(p->covered, 0x25A1) ? "□" : "?";
    HPDF_SetPageMode(p->doc, HPDF_PAGE_MODE_USE_OUTLINE);

    const tm_node *sys = tm_node_get(data, "system");
    p->system_name = S_clean(p, S_sd(sys, "name", "Unnamed system"), 0);
    HPDF_SetInfoAttr(p->doc, HPDF_INFO_TITLE,
                     S_clean(p, tm_arena_printf(p->ar, "Threat model: %s",
                                                S_sd(sys, "name", "Unnamed system")), 0));
    HPDF_SetInfoAttr(p->doc, HPDF_INFO_SUBJECT, "Threat model review (LOSS)");
    HPDF_SetInfoAttr(p->doc, HPDF_INFO_CREATOR,
                     tm_arena_printf(p->ar, "stridec %s", S_sd(data, "stridec_version", "")));
    if (S_s(sys, "owner"))
        HPDF_SetInfoAttr(p->doc, HPDF_INFO_AUTHOR, S_clean(p, S_s(sys, "owner"), 0));
    HPDF_Date dt;
    if (S_parse_date(S_s(data, "date"), &dt) == 0) {
        HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_CREATION_DATE, dt);
        HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_MOD_DATE, dt);
    }

    S_cover(p, data);
    tm_dfd *owned;
    size_t parts = tm_dfd_count(tm_dfd_get(a, o, &owned));
    tm_dfd_free(owned);
    size_t per = S_toc_per_page(p), need = S_count_toc(data, parts);
    p->toc_first_page = p->pages.len;
    p->section = S_clean(p, "Contents", 0);
    for (size_t i = 0; i < (need + per - 1) / per; i++)
        S_new_page(p, 0);
    p->toc_pages = p->pages.len - p->toc_first_page;

    S_section_list(p, data);
    if (S_section_overall(p, data, a, o) != 0)
        return -1;
    S_section_weak(p, data);
    S_section_show(p, data);
    S_section_checklist(p, data);
    S_section_worksheet(p, data);

    if (p->n_toc > per * p->toc_pages) {
        tm_diag_add(p->d, TM_DIAG_ERROR, "pdf", NULL, 0, 0,
                    "pdf: internal error: %zu contents entries for %zu reserved", p->n_toc,
                    per * p->toc_pages);
        return -1;
    }
    S_toc_fill(p);
    S_furniture(p);
    return 0;
}

int tm_render_pdf(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d)
{
    S_pdf *p = tm_xmalloc(sizeof *p);
    memset(p, 0, sizeof *p);
    p->ar = tm_arena_new();
    p->d = d;
    int paper_letter = o && o->paper == TM_PAPER_LETTER;
    p->pw = paper_letter ? 612 : 595.276f;
    p->ph = paper_letter ? 792 : 841.89f;
    tm_node *data = tm_report_data(a, o, p->ar);
    volatile int rc = -1;
    p->doc = HPDF_New(S_on_error, p);
    if (!p->doc) {
        tm_diag_add(d, TM_DIAG_ERROR, "pdf", NULL, 0, 0, "pdf: libharu could not start");
        goto done;
    }
    if (setjmp(p->jb) != 0) {
        tm_diag_add(d, TM_DIAG_ERROR, "pdf", NULL, 0, 0, "pdf: libharu error 0x%04lX (detail %lu)",
                    p->err, p->detail);
        goto done;
    }
    if (S_build(p, a, o, data) != 0)
        goto done;
    HPDF_SaveToStream(p->doc);
    HPDF_UINT32 size = HPDF_GetStreamSize(p->doc);
    unsigned char *bytes = tm_arena_alloc(p->ar, size ? size : 1);
    HPDF_UINT32 got = size;
    HPDF_ReadFromStream(p->doc, bytes, &got);
    if (got != size || tm_buf_put(out, (const char *)bytes, got) != 0) {
        tm_diag_add(d, TM_DIAG_ERROR, "output", NULL, 0, 0,
                    "pdf: the report (%lu bytes) could not be copied out", (unsigned long)size);
        goto done;
    }
    if (p->n_missing)
        tm_diag_add(d, TM_DIAG_WARNING, "pdf-glyphs", NULL, 0, 0,
                    "pdf: %zu distinct character%s the font lacks (first U+%04X) shown as %s",
                    p->n_missing, p->n_missing == 1 ? "" : "s", (unsigned)p->first_missing,
                    p->replacement);
    rc = 0;
done:
    if (p->doc)
        HPDF_Free(p->doc);
    tm_vec_free(&p->pages);
    tm_vec_free(&p->page_section);
    free(p->covered);
    free(p->missing);
    tm_arena_free(p->ar);
    free(p);
    return rc;
}
