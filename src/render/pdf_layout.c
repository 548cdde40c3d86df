/*
 * The layout layer of report.pdf (see pdf_impl.h): fonts and their
 * coverage, text cleaning and wrapping, pages, headings, tables, the
 * contents pages and the running header and footer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/pdf_impl.h"
#include "stridec/doc.h"

/* Severity colours with the text colour that reads on them. */
void tm_pdf_severity_colours(const char *sev, tm_pdf_rgb *fill, tm_pdf_rgb *ink)
{
    *ink = TM_PDF_WHITE;
    if (sev && strcmp(sev, "critical") == 0)
        *fill = (tm_pdf_rgb){0.55f, 0.0f, 0.12f};
    else if (sev && strcmp(sev, "high") == 0)
        *fill = (tm_pdf_rgb){0.86f, 0.3f, 0.1f};
    else if (sev && strcmp(sev, "medium") == 0) {
        *fill = (tm_pdf_rgb){0.98f, 0.78f, 0.25f};
        *ink = TM_PDF_BLACK;
    } else {
        *fill = (tm_pdf_rgb){0.68f, 0.82f, 0.68f};
        *ink = TM_PDF_BLACK;
    }
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
    if (cp < TM_PDF_N_CODEPOINTS)
        bits[cp >> 3] |= (unsigned char)(1u << (cp & 7));
}

static int S_bit_get(const unsigned char *bits, uint32_t cp)
{
    return cp < TM_PDF_N_CODEPOINTS && (bits[cp >> 3] >> (cp & 7)) & 1;
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
            for (uint32_t cp = lo; cp <= hi && cp < TM_PDF_N_CODEPOINTS; cp++)
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
const char *tm_pdf_clean(tm_pdf *p, const char *s, int keep_nl)
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

const char *tm_pdf_clip(tm_pdf *p, const char *clean, size_t max)
{
    size_t n = strlen(clean);
    if (n <= max)
        return clean;
    while (max > 0 && ((unsigned char)clean[max] & 0xC0) == 0x80)
        max--;
    return tm_arena_printf(p->ar, "%.*s…", (int)max, clean);
}

float tm_pdf_width(HPDF_Font font, float size, const char *s, size_t n)
{
    /* libharu measures at most HPDF_LIMIT_MAX_STRING_LEN bytes at a time:
     * longer text is measured in pieces cut at character boundaries. */
    float w = 0;
    while (n > 0) {
        size_t k = n;
        if (k > 60000) {
            k = 60000;
            while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
                k--;
        }
        HPDF_TextWidth tw = HPDF_Font_TextWidth(font, (const HPDF_BYTE *)s, (HPDF_UINT)k);
        w += (float)tw.width * size / 1000.0f;
        s += k;
        n -= k;
    }
    return w;
}

void tm_pdf_draw_text(tm_pdf *p, HPDF_Font font, float size, tm_pdf_rgb ink, float x, float y,
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

static void S_lines_push(tm_pdf *p, tm_pdf_lines *l, const char *text, HPDF_Font font, float size,
                         tm_pdf_rgb ink)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        tm_pdf_line *items = tm_arena_array(p->ar, cap, sizeof *items);
        if (l->n)
            memcpy(items, l->items, l->n * sizeof *items);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = (tm_pdf_line){text, font, size, size * 1.28f, ink};
}

/* Break a word wider than the line into pieces by code point. */
static void S_break_word(tm_pdf *p, tm_pdf_lines *out, const char *w, size_t n, HPDF_Font font,
                         float size, tm_pdf_rgb ink, float width, tm_buf *line)
{
    /* Glyph widths add up (libharu applies no kerning), so each code point
     * is measured once: linear in the word's length. */
    size_t start = 0, j = 0;
    float used = 0;
    while (j < n) {
        uint32_t cp;
        int k = tm_utf8_decode(w + j, n - j, &cp);
        if (k <= 0)
            k = 1;
        float cw = tm_pdf_width(font, size, w + j, (size_t)k);
        if (used + cw > width && j > start) {
            tm_buf_reset(line);
            tm_buf_put(line, w + start, j - start);
            S_lines_push(p, out, tm_arena_strdup(p->ar, line->data), font, size, ink);
            start = j;
            used = 0;
        }
        used += cw;
        j += (size_t)k;
    }
    /* the tail stays in `line`, to be continued with the next words */
    tm_buf_reset(line);
    tm_buf_put(line, w + start, n - start);
}

/* Wrap cleaned text (paragraphs split on '\n') into lines of at most width. */
void tm_pdf_wrap(tm_pdf *p, tm_pdf_lines *out, const char *clean, HPDF_Font font, float size,
                 tm_pdf_rgb ink, float width)
{
    float space = tm_pdf_width(font, size, " ", 1);
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
            float ww = tm_pdf_width(font, size, s + i, j - i);
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
                    lw = tm_pdf_width(font, size, line.data ? line.data : "", line.len);
                }
            }
            i = j;
        }
        if (line.len || plen == 0)
            S_lines_push(p, out, tm_arena_strdup(p->ar, line.data ? line.data : ""), font, size,
                         ink);
        tm_buf_free(&line);
        if (!nl)
            break;
        s = nl + 1;
    }
}

/* ============================================================= pages */

void tm_pdf_set_stroke(tm_pdf *p, tm_pdf_rgb c, float w)
{
    HPDF_Page_SetRGBStroke(p->page, c.r, c.g, c.b);
    HPDF_Page_SetLineWidth(p->page, w);
}

void tm_pdf_fill_rect(tm_pdf *p, float x, float y, float w, float h, tm_pdf_rgb c)
{
    HPDF_Page_SetRGBFill(p->page, c.r, c.g, c.b);
    HPDF_Page_Rectangle(p->page, x, y, w, h);
    HPDF_Page_Fill(p->page);
}

void tm_pdf_line_at(tm_pdf *p, float x1, float y1, float x2, float y2, tm_pdf_rgb c, float w)
{
    tm_pdf_set_stroke(p, c, w);
    HPDF_Page_MoveTo(p->page, x1, y1);
    HPDF_Page_LineTo(p->page, x2, y2);
    HPDF_Page_Stroke(p->page);
}

void tm_pdf_new_page(tm_pdf *p, int landscape)
{
    p->page = HPDF_AddPage(p->doc);
    HPDF_Page_SetWidth(p->page, landscape ? p->ph : p->pw);
    HPDF_Page_SetHeight(p->page, landscape ? p->pw : p->ph);
    p->width = HPDF_Page_GetWidth(p->page);
    p->height = HPDF_Page_GetHeight(p->page);
    p->y = p->height - TM_PDF_MARGIN_TOP;
    tm_vec_push(&p->pages, p->page);
    tm_vec_push(&p->page_section, (void *)p->section);
}

float tm_pdf_content_width(const tm_pdf *p)
{
    return p->width - 2 * TM_PDF_MARGIN_X;
}

/* Room for h points below the cursor, else a fresh portrait page. */
void tm_pdf_need(tm_pdf *p, float h)
{
    if (p->y - h < TM_PDF_MARGIN_BOTTOM)
        tm_pdf_new_page(p, 0);
}

/* Paragraph text at the cursor, wrapping and breaking pages as needed. */
void tm_pdf_para_ex(tm_pdf *p, const char *text, HPDF_Font font, float size, tm_pdf_rgb ink,
                    float indent)
{
    tm_pdf_lines l = {0};
    tm_pdf_wrap(p, &l, tm_pdf_clean(p, text, 1), font, size, ink, tm_pdf_content_width(p) - indent);
    for (size_t i = 0; i < l.n; i++) {
        tm_pdf_need(p, l.items[i].lh);
        p->y -= l.items[i].lh;
        tm_pdf_draw_text(p, font, size, ink, TM_PDF_MARGIN_X + indent, p->y + 0.25f * size,
                         l.items[i].text);
    }
}

void tm_pdf_para(tm_pdf *p, const char *text)
{
    tm_pdf_para_ex(p, text, p->reg, 9.5f, TM_PDF_BLACK, 0);
    p->y -= 4;
}

void tm_pdf_toc_add(tm_pdf *p, int level, const char *title, float y)
{
    if (p->n_toc == p->cap_toc) {
        size_t cap = p->cap_toc ? p->cap_toc * 2 : 32;
        tm_pdf_toc_entry *t = tm_arena_array(p->ar, cap, sizeof *t);
        if (p->n_toc)
            memcpy(t, p->toc, p->n_toc * sizeof *t);
        p->toc = t;
        p->cap_toc = cap;
    }
    p->toc[p->n_toc++] = (tm_pdf_toc_entry){level, title, p->pages.len - 1, y};
}

/* A bookmark to the cursor position on the current page. */
HPDF_Outline tm_pdf_bookmark(tm_pdf *p, HPDF_Outline parent, const char *clean, float y)
{
    /* libharu strings hold at most 64 KB; a bookmark needs far less */
    HPDF_Outline o = HPDF_CreateOutline(p->doc, parent, tm_pdf_clip(p, clean, 500), p->enc);
    HPDF_Destination dst = HPDF_Page_CreateDestination(p->page);
    HPDF_Destination_SetFitH(dst, y);
    HPDF_Outline_SetDestination(o, dst);
    return o;
}

/* Level 1: a section on a new page (its name goes in the running header).
 * Level 2: a subsection. Both get a contents line and a bookmark. */
void tm_pdf_section(tm_pdf *p, const char *text, int landscape)
{
    const char *clean = tm_pdf_clean(p, text, 0);
    p->section = clean;
    tm_pdf_new_page(p, landscape);
    float top = p->y;
    p->y -= 22;
    tm_pdf_draw_text(p, p->bold, 18, TM_PDF_ACCENT, TM_PDF_MARGIN_X, p->y, clean);
    p->y -= 8;
    tm_pdf_line_at(p, TM_PDF_MARGIN_X, p->y, p->width - TM_PDF_MARGIN_X, p->y, TM_PDF_ACCENT, 1.2f);
    p->y -= 10;
    tm_pdf_toc_add(p, 1, clean, top);
    p->outline1 = tm_pdf_bookmark(p, NULL, clean, top);
    HPDF_Outline_SetOpened(p->outline1, HPDF_TRUE);
}

void tm_pdf_heading(tm_pdf *p, int level, const char *text)
{
    if (level == 1) {
        tm_pdf_section(p, text, 0);
        return;
    }
    const char *clean = tm_pdf_clean(p, text, 0);
    tm_pdf_need(p, 60); /* keep a heading with the first lines under it */
    p->y -= 8;
    float top = p->y;
    tm_pdf_lines l = {0};
    tm_pdf_wrap(p, &l, clean, p->bold, 12.5f, TM_PDF_ACCENT, tm_pdf_content_width(p));
    for (size_t i = 0; i < l.n; i++) {
        p->y -= l.items[i].lh;
        tm_pdf_draw_text(p, p->bold, 12.5f, TM_PDF_ACCENT, TM_PDF_MARGIN_X, p->y + 3,
                         l.items[i].text);
    }
    p->y -= 5;
    tm_pdf_toc_add(p, 2, clean, top);
    tm_pdf_bookmark(p, p->outline1, clean, top);
}

/* A small bold caption inside a subsection (no contents entry). */
void tm_pdf_caption(tm_pdf *p, const char *text)
{
    tm_pdf_need(p, 40);
    p->y -= 4;
    tm_pdf_para_ex(p, text, p->bold, 10, TM_PDF_BLACK, 0);
    p->y -= 5;
}

/* ============================================================ tables */

void tm_pdf_cell_add(tm_pdf_cell *c, const char *text, int bold)
{
    if (!text || !*text || c->n >= TM_PDF_MAX_RUNS)
        return;
    c->runs[c->n++] = (tm_pdf_run){text, bold, 0, 0, 0};
}

void tm_pdf_cell_run(tm_pdf_cell *c, tm_pdf_run r)
{
    if (!r.text || !*r.text || c->n >= TM_PDF_MAX_RUNS)
        return;
    c->runs[c->n++] = r;
}

tm_pdf_cell tm_pdf_cell1(const char *text)
{
    tm_pdf_cell c;
    memset(&c, 0, sizeof c);
    c.ink = TM_PDF_BLACK;
    tm_pdf_cell_add(&c, text, 0);
    return c;
}

static void S_cell_lines(tm_pdf_table *t, const tm_pdf_cell *c, float w, tm_pdf_lines *out)
{
    tm_pdf *p = t->p;
    for (int i = 0; i < c->n; i++) {
        const tm_pdf_run *r = &c->runs[i];
        HPDF_Font font = r->bold ? p->bold : p->reg;
        float size = r->size > 0 ? r->size : t->size;
        const char *clean = tm_pdf_clean(p, r->text, 1);
        if (r->shrink && !strchr(clean, '\n')) {
            float tw = tm_pdf_width(font, size, clean, strlen(clean));
            if (tw > w) {
                float s2 = size * w / tw * 0.98f;
                size = s2 < 5.0f ? 5.0f : s2;
            }
        }
        tm_pdf_wrap(p, out, clean, font, size, r->grey ? TM_PDF_GREY : c->ink, w);
    }
}

static float S_table_header_lines(tm_pdf_table *t, tm_pdf_lines *cols)
{
    tm_pdf *p = t->p;
    float h = 0;
    if (t->headless) {
        memset(cols, 0, (size_t)t->n * sizeof *cols);
        return 0;
    }
    for (int c = 0; c < t->n; c++) {
        memset(&cols[c], 0, sizeof cols[c]);
        /* a title word wider than its column is set smaller, not broken */
        const char *title = tm_pdf_clean(p, t->titles[c], 0);
        float w = t->x[c + 1] - t->x[c] - 2 * TM_PDF_PAD, size = t->size, widest = 0;
        for (const char *q = title; *q;) {
            size_t k = strcspn(q, " ");
            float ww = tm_pdf_width(p->bold, size, q, k);
            widest = ww > widest ? ww : widest;
            q += k + (q[k] == ' ');
        }
        if (widest > w)
            size = size * w / widest * 0.98f;
        tm_pdf_wrap(p, &cols[c], title, p->bold, size, TM_PDF_BLACK, w);
        float ch = 0;
        for (size_t i = 0; i < cols[c].n; i++)
            ch += cols[c].items[i].lh;
        if (ch > h)
            h = ch;
    }
    return h + 2 * TM_PDF_PAD;
}

static void S_table_header(tm_pdf_table *t)
{
    tm_pdf *p = t->p;
    tm_pdf_lines cols[TM_PDF_MAX_COLS];
    float h = S_table_header_lines(t, cols);
    t->started = 1;
    if (t->headless) {
        tm_pdf_line_at(p, t->x[0], p->y, t->x[t->n], p->y, TM_PDF_GREY, 0.6f);
        return;
    }
    tm_pdf_fill_rect(p, t->x[0], p->y - h, t->x[t->n] - t->x[0], h, TM_PDF_HEAD_FILL);
    for (int c = 0; c < t->n; c++) {
        float y = p->y - TM_PDF_PAD;
        for (size_t i = 0; i < cols[c].n; i++) {
            y -= cols[c].items[i].lh;
            tm_pdf_draw_text(p, p->bold, cols[c].items[i].size, TM_PDF_BLACK, t->x[c] + TM_PDF_PAD,
                             y + 0.25f * t->size, cols[c].items[i].text);
        }
    }
    tm_pdf_line_at(p, t->x[0], p->y - h, t->x[t->n], p->y - h, TM_PDF_GREY, 0.6f);
    p->y -= h;
}

void tm_pdf_table_begin(tm_pdf_table *t, tm_pdf *p, float size, int n, ...)
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
    t->x[0] = TM_PDF_MARGIN_X;
    for (int i = 0; i < n; i++)
        t->x[i + 1] = t->x[i] + tm_pdf_content_width(p) * t->frac[i] / total;
    t->started = 0;
    t->headless = 0;
}

float tm_pdf_lines_height(const tm_pdf_lines *l, size_t from, size_t to)
{
    float h = 0;
    for (size_t i = from; i < to; i++)
        h += l->items[i].lh;
    return h;
}

/* Draw lines [from, to) of each cell in a band of height h at the cursor. */
static void S_table_band(tm_pdf_table *t, const tm_pdf_cell *cells, tm_pdf_lines *lines,
                         const size_t *from, const size_t *to, float h)
{
    tm_pdf *p = t->p;
    for (int c = 0; c < t->n; c++) {
        if (cells[c].filled)
            tm_pdf_fill_rect(p, t->x[c], p->y - h, t->x[c + 1] - t->x[c], h, cells[c].fill);
        float y = p->y - TM_PDF_PAD;
        for (size_t i = from[c]; i < to[c]; i++) {
            const tm_pdf_line *ln = &lines[c].items[i];
            y -= ln->lh;
            tm_pdf_draw_text(p, ln->font, ln->size, ln->ink, t->x[c] + TM_PDF_PAD,
                             y + 0.25f * ln->size, ln->text);
        }
    }
    tm_pdf_line_at(p, t->x[0], p->y - h, t->x[t->n], p->y - h, TM_PDF_RULE, 0.4f);
    p->y -= h;
}

/* One row: measured first; moved whole to the next page when it does not
 * fit; split at line boundaries, with "(continued)", only when it is taller
 * than a page. The header row is repeated on every new page. */
static float S_table_measure(tm_pdf_table *t, const tm_pdf_cell *cells, tm_pdf_lines *lines)
{
    float h = 0;
    for (int c = 0; c < t->n; c++) {
        memset(&lines[c], 0, sizeof lines[c]);
        S_cell_lines(t, &cells[c], t->x[c + 1] - t->x[c] - 2 * TM_PDF_PAD, &lines[c]);
        float ch = tm_pdf_lines_height(&lines[c], 0, lines[c].n);
        if (ch > h)
            h = ch;
    }
    return h + 2 * TM_PDF_PAD;
}

/* Height of the header plus a row, capped at a page: what must fit below
 * a heading so that it is not left alone at the foot of a page. */
float tm_pdf_table_lead(tm_pdf_table *t, const tm_pdf_cell *cells)
{
    tm_pdf_lines lines[TM_PDF_MAX_COLS];
    float h = S_table_header_lines(t, lines);
    float row = S_table_measure(t, cells, lines);
    float room = t->p->height - TM_PDF_MARGIN_TOP - TM_PDF_MARGIN_BOTTOM - 40;
    return h + row < room ? h + row : room;
}

void tm_pdf_table_row(tm_pdf_table *t, tm_pdf_cell *cells)
{
    tm_pdf *p = t->p;
    tm_pdf_lines lines[TM_PDF_MAX_COLS];
    size_t from[TM_PDF_MAX_COLS], to[TM_PDF_MAX_COLS];
    float h = S_table_measure(t, cells, lines);
    for (int c = 0; c < t->n; c++) {
        from[c] = 0;
        to[c] = lines[c].n;
    }
    tm_pdf_lines hl[TM_PDF_MAX_COLS];
    float header = S_table_header_lines(t, hl);
    float page_room = p->height - TM_PDF_MARGIN_TOP - TM_PDF_MARGIN_BOTTOM - header;
    if (!t->started) {
        /* the header goes with the first row (or the first lines of a row
         * taller than a page) */
        float first = h <= page_room ? h : 4 * t->size * 1.28f;
        if (p->y - header - first < TM_PDF_MARGIN_BOTTOM)
            tm_pdf_new_page(p, 0);
        S_table_header(t);
    }
    if (p->y - h < TM_PDF_MARGIN_BOTTOM && h <= page_room) {
        tm_pdf_new_page(p, 0);
        S_table_header(t);
    }
    if (p->y - h >= TM_PDF_MARGIN_BOTTOM) {
        S_table_band(t, cells, lines, from, to, h);
        return;
    }
    /* Taller than a page: fill pages line by line. */
    int first = 1;
    for (;;) {
        float room = p->y - TM_PDF_MARGIN_BOTTOM - 2 * TM_PDF_PAD;
        if (room < 3 * t->size * 1.28f) {
            tm_pdf_new_page(p, 0);
            S_table_header(t);
            room = p->y - TM_PDF_MARGIN_BOTTOM - 2 * TM_PDF_PAD;
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
        S_table_band(t, cells, lines, from, to, band + 2 * TM_PDF_PAD);
        if (done)
            break;
        (void)first;
        first = 0;
        tm_pdf_new_page(p, 0);
        S_table_header(t);
        /* the continuation starts with a note in the first column */
        tm_pdf_lines cont = {0};
        S_lines_push(p, &cont, "(continued)", p->reg, t->size, TM_PDF_GREY);
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

void tm_pdf_table_end(tm_pdf_table *t)
{
    t->p->y -= 8;
}

/* ============================================== contents and furniture */

/* Contents lines per page (the pages are reserved before layout). */
size_t tm_pdf_toc_per_page(const tm_pdf *p)
{
    return (size_t)((p->ph - TM_PDF_MARGIN_TOP - TM_PDF_MARGIN_BOTTOM - 40) / 15.0f);
}

void tm_pdf_toc_fill(tm_pdf *p)
{
    size_t per = tm_pdf_toc_per_page(p);
    for (size_t i = 0; i < p->n_toc; i++) {
        size_t pg = p->toc_first_page + i / per;
        p->page = p->pages.items[pg];
        p->width = HPDF_Page_GetWidth(p->page);
        float y = p->ph - TM_PDF_MARGIN_TOP - 40 - 15.0f * (float)(i % per);
        if (i % per == 0)
            tm_pdf_draw_text(p, p->bold, 18, TM_PDF_ACCENT, TM_PDF_MARGIN_X,
                             p->ph - TM_PDF_MARGIN_TOP - 22,
                             tm_pdf_clean(p, i ? "Contents (continued)" : "Contents", 0));
        const tm_pdf_toc_entry *e = &p->toc[i];
        HPDF_Font font = e->level == 1 ? p->bold : p->reg;
        float size = e->level == 1 ? 10.5f : 9.5f, indent = e->level == 1 ? 0 : 16;
        const char *num = tm_arena_printf(p->ar, "%zu", e->page + 1);
        float nw = tm_pdf_width(font, size, num, strlen(num));
        float right = p->width - TM_PDF_MARGIN_X;
        /* the title, cut to leave room for the leader and the number */
        float avail = right - nw - 20 - TM_PDF_MARGIN_X - indent;
        const char *title = e->title;
        if (tm_pdf_width(font, size, title, strlen(title)) > avail) {
            tm_pdf_lines l = {0};
            tm_pdf_wrap(p, &l, title, font, size, TM_PDF_BLACK, avail - 10);
            title = tm_arena_printf(p->ar, "%s…", l.n ? l.items[0].text : "");
        }
        float tw = tm_pdf_width(font, size, title, strlen(title));
        tm_pdf_draw_text(p, font, size, TM_PDF_BLACK, TM_PDF_MARGIN_X + indent, y, title);
        tm_pdf_draw_text(p, font, size, TM_PDF_BLACK, right - nw, y, num);
        /* dotted leader */
        HPDF_Page_SetRGBStroke(p->page, 0.6f, 0.6f, 0.6f);
        HPDF_Page_SetLineWidth(p->page, 0.6f);
        HPDF_Page_SetDash(p->page, (const HPDF_UINT16[]){1, 3}, 2, 0);
        HPDF_Page_MoveTo(p->page, TM_PDF_MARGIN_X + indent + tw + 6, y + 1);
        HPDF_Page_LineTo(p->page, right - nw - 6, y + 1);
        HPDF_Page_Stroke(p->page);
        HPDF_Page_SetDash(p->page, NULL, 0, 0);
        /* the line links to the section */
        HPDF_Page target = p->pages.items[e->page];
        HPDF_Destination dst = HPDF_Page_CreateDestination(target);
        HPDF_Destination_SetFitH(dst, e->y);
        HPDF_Rect r = {TM_PDF_MARGIN_X, y - 3, right, y + size};
        HPDF_Annotation an = HPDF_Page_CreateLinkAnnot(p->page, r, dst);
        HPDF_LinkAnnot_SetBorderStyle(an, 0, 0, 0);
    }
}

/* Running header (system name, section) and "page X of Y" on every page. */
void tm_pdf_furniture(tm_pdf *p)
{
    size_t n = p->pages.len;
    for (size_t i = 0; i < n; i++) {
        p->page = p->pages.items[i];
        p->width = HPDF_Page_GetWidth(p->page);
        p->height = HPDF_Page_GetHeight(p->page);
        if (i > 0) {
            float y = p->height - 36;
            const char *sec = p->page_section.items[i];
            float sw = sec ? tm_pdf_width(p->reg, 8, sec, strlen(sec)) : 0;
            float avail = p->width - 2 * TM_PDF_MARGIN_X - sw - 20;
            const char *name = p->system_name;
            if (tm_pdf_width(p->bold, 8, name, strlen(name)) > avail) {
                tm_pdf_lines l = {0};
                tm_pdf_wrap(p, &l, name, p->bold, 8, TM_PDF_GREY, avail - 10);
                name = tm_arena_printf(p->ar, "%s…", l.n ? l.items[0].text : "");
            }
            tm_pdf_draw_text(p, p->bold, 8, TM_PDF_GREY, TM_PDF_MARGIN_X, y, name);
            if (sec)
                tm_pdf_draw_text(p, p->reg, 8, TM_PDF_GREY, p->width - TM_PDF_MARGIN_X - sw, y,
                                 sec);
            tm_pdf_line_at(p, TM_PDF_MARGIN_X, y - 5, p->width - TM_PDF_MARGIN_X, y - 5,
                           TM_PDF_RULE, 0.5f);
        }
        const char *foot = tm_arena_printf(p->ar, "page %zu of %zu", i + 1, n);
        float fw = tm_pdf_width(p->reg, 8, foot, strlen(foot));
        tm_pdf_draw_text(p, p->reg, 8, TM_PDF_GREY, (p->width - fw) / 2, 30, foot);
    }
}

/* ================================================================ setup */

/* A font file from STRIDEC_FONT_DIR, else the Debian path; NULL after a
 * diagnostic when it is not there. */
static const char *S_font_path(tm_pdf *p, const char *file)
{
    const char *dir = getenv("STRIDEC_FONT_DIR");
    if (!dir || !*dir)
        dir = TM_PDF_FONT_DIR;
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
static int S_font_coverage(tm_pdf *p, const char *path, unsigned char *bits)
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

/* Embed DejaVu Sans and Bold for UTF-8 text and learn which characters
 * they cover. 0, or -1 with a diagnostic (missing or unreadable font). */
int tm_pdf_fonts(tm_pdf *p)
{
    const char *reg = S_font_path(p, TM_PDF_FONT_REGULAR);
    const char *bold = reg ? S_font_path(p, TM_PDF_FONT_BOLD) : NULL;
    if (!reg || !bold)
        return -1;
    HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(p->doc);
    HPDF_SetCurrentEncoder(p->doc, "UTF-8");
    p->enc = HPDF_GetEncoder(p->doc, "UTF-8");
    p->reg = HPDF_GetFont(p->doc, HPDF_LoadTTFontFromFile(p->doc, reg, HPDF_TRUE), "UTF-8");
    p->bold = HPDF_GetFont(p->doc, HPDF_LoadTTFontFromFile(p->doc, bold, HPDF_TRUE), "UTF-8");
    p->covered = calloc(TM_PDF_N_CODEPOINTS / 8, 1);
    p->missing = calloc(TM_PDF_N_CODEPOINTS / 8, 1);
    unsigned char *bold_cov = calloc(TM_PDF_N_CODEPOINTS / 8, 1);
    if (!p->covered || !p->missing || !bold_cov) {
        free(bold_cov);
        tm_diag_add(p->d, TM_DIAG_ERROR, "pdf", NULL, 0, 0, "pdf: out of memory");
        return -1;
    }
    int rc = S_font_coverage(p, reg, p->covered);
    if (rc == 0)
        rc = S_font_coverage(p, bold, bold_cov);
    /* a character counts as covered only when both weights have it */
    for (size_t i = 0; i < TM_PDF_N_CODEPOINTS / 8; i++)
        p->covered[i] &= bold_cov[i];
    free(bold_cov);
    if (rc != 0)
        return -1;
    p->replacement = S_bit_get(p->covered, 0x25A1) ? "□" : "?";
    return 0;
}
