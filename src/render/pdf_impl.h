/*
 * The PDF report's layout layer (pdf_layout.c), private to pdf.c: a page
 * cursor over libharu with UTF-8 text cleaned for the embedded font,
 * wrapping, headings with contents entries and bookmarks, and tables that
 * repeat their header row and never cut a row except one taller than a page.
 * Everything allocated lives in the context's arena; libharu errors longjmp
 * to the jmp_buf in the context (see tm_render_pdf).
 */
#ifndef STRIDEC_RENDER_PDF_IMPL_H
#define STRIDEC_RENDER_PDF_IMPL_H

#include <hpdf.h>
#include <setjmp.h>

#include "render/render_impl.h"

#define TM_PDF_FONT_REGULAR "DejaVuSans.ttf"
#define TM_PDF_FONT_BOLD "DejaVuSans-Bold.ttf"
#define TM_PDF_FONT_DIR "/usr/share/fonts/truetype/dejavu"
#define TM_PDF_MAX_COLS 10
#define TM_PDF_MAX_RUNS 12
#define TM_PDF_N_CODEPOINTS 0x110000u

/* Page geometry in points. */
#define TM_PDF_MARGIN_X 50.0f
#define TM_PDF_MARGIN_TOP 62.0f
#define TM_PDF_MARGIN_BOTTOM 56.0f
#define TM_PDF_PAD 3.0f /* inside table cells */

typedef struct {
    float r, g, b;
} tm_pdf_rgb;

typedef struct {
    int level;         /* 1 section, 2 subsection */
    const char *title; /* cleaned text */
    size_t page;       /* index into pages */
    float y;           /* top of the heading on that page */
} tm_pdf_toc_entry;

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
    tm_pdf_toc_entry *toc;
    size_t n_toc, cap_toc;
    size_t toc_first_page, toc_pages;
    HPDF_Outline outline1; /* the current section's bookmark */
    struct tm_pdf_links *links; /* pdf.c: where sections are, and links waiting for them */
} tm_pdf;

/* Colours. */
#define TM_PDF_BLACK ((tm_pdf_rgb){0, 0, 0})
#define TM_PDF_WHITE ((tm_pdf_rgb){1, 1, 1})
#define TM_PDF_GREY ((tm_pdf_rgb){0.45f, 0.45f, 0.45f})
#define TM_PDF_RULE ((tm_pdf_rgb){0.7f, 0.7f, 0.7f})
#define TM_PDF_HEAD_FILL ((tm_pdf_rgb){0.86f, 0.89f, 0.94f})
#define TM_PDF_ACCENT ((tm_pdf_rgb){0.12f, 0.25f, 0.45f})
#define TM_PDF_WARN ((tm_pdf_rgb){0.7f, 0.1f, 0.05f})
#define TM_PDF_BAR ((tm_pdf_rgb){0.3f, 0.45f, 0.7f})

/* One laid-out line of a paragraph. */
typedef struct {
    const char *text;
    HPDF_Font font;
    float size;
    float lh; /* line height */
    tm_pdf_rgb ink;
} tm_pdf_line;

typedef struct {
    tm_pdf_line *items;
    size_t n, cap;
} tm_pdf_lines;

typedef struct {
    const char *text; /* raw model text (cleaned when laid out) */
    int bold;
    float size; /* 0: the table's size */
    int shrink; /* shrink the font to keep the text on one line (ids) */
    int grey;
} tm_pdf_run;

typedef struct {
    tm_pdf_run runs[TM_PDF_MAX_RUNS];
    int n;
    int filled;
    tm_pdf_rgb fill, ink;
} tm_pdf_cell;

typedef struct {
    tm_pdf *p;
    int n;
    const char *titles[TM_PDF_MAX_COLS];
    float frac[TM_PDF_MAX_COLS];
    float x[TM_PDF_MAX_COLS + 1];
    float size;
    int started;  /* header drawn (lazily, with the first row under it) */
    int headless; /* no header row (set after tm_pdf_table_begin) */
} tm_pdf_table;

/* ---- colours, fonts, text (pdf_layout.c) */

/* Fill and text colour for a severity ("critical" ... "low"). */
void tm_pdf_severity_colours(const char *sev, tm_pdf_rgb *fill, tm_pdf_rgb *ink);
/* Embed DejaVu Sans and Bold (STRIDEC_FONT_DIR or the Debian path) and read
 * their coverage. 0, or -1 with a diagnostic. */
int tm_pdf_fonts(tm_pdf *p);
/* Text libharu may draw (valid UTF-8, no controls, characters the fonts lack
 * replaced and counted); newlines kept when keep_nl. Owned by p->ar. */
const char *tm_pdf_clean(tm_pdf *p, const char *s, int keep_nl);
/* Cleaned text cut to at most max bytes (at a character, with "…"): libharu
 * strings (bookmarks, document info) hold at most 64 KB. */
const char *tm_pdf_clip(tm_pdf *p, const char *clean, size_t max);
/* Width in points of n bytes of cleaned text. */
float tm_pdf_width(HPDF_Font font, float size, const char *s, size_t n);
void tm_pdf_draw_text(tm_pdf *p, HPDF_Font font, float size, tm_pdf_rgb ink, float x, float y,
                      const char *clean);
/* Wrap cleaned text (paragraphs on '\n') into lines at most width wide,
 * on spaces, breaking words longer than a line. Lines owned by p->ar. */
void tm_pdf_wrap(tm_pdf *p, tm_pdf_lines *out, const char *clean, HPDF_Font font, float size,
                 tm_pdf_rgb ink, float width);
float tm_pdf_lines_height(const tm_pdf_lines *l, size_t from, size_t to);

/* ---- pages and flowing text */

void tm_pdf_set_stroke(tm_pdf *p, tm_pdf_rgb c, float w);
void tm_pdf_fill_rect(tm_pdf *p, float x, float y, float w, float h, tm_pdf_rgb c);
void tm_pdf_line_at(tm_pdf *p, float x1, float y1, float x2, float y2, tm_pdf_rgb c, float w);
/* A new page (landscape: the paper turned), remembered for the furniture. */
void tm_pdf_new_page(tm_pdf *p, int landscape);
float tm_pdf_content_width(const tm_pdf *p);
/* Room for h points below the cursor, else a new portrait page. */
void tm_pdf_need(tm_pdf *p, float h);
void tm_pdf_para_ex(tm_pdf *p, const char *text, HPDF_Font font, float size, tm_pdf_rgb ink,
                    float indent);
void tm_pdf_para(tm_pdf *p, const char *text);
/* Level 1 opens a section on a new page; level 2 a subsection. Both get a
 * contents entry and a bookmark. */
void tm_pdf_heading(tm_pdf *p, int level, const char *text);
/* A section (level 1 heading) on a new page, landscape when asked. */
void tm_pdf_section(tm_pdf *p, const char *text, int landscape);
void tm_pdf_caption(tm_pdf *p, const char *text);
void tm_pdf_toc_add(tm_pdf *p, int level, const char *title, float y);
HPDF_Outline tm_pdf_bookmark(tm_pdf *p, HPDF_Outline parent, const char *clean, float y);

/* ---- tables */

tm_pdf_cell tm_pdf_cell1(const char *text);
void tm_pdf_cell_add(tm_pdf_cell *c, const char *text, int bold);
void tm_pdf_cell_run(tm_pdf_cell *c, tm_pdf_run r);
/* n columns given as (const char *title, double fraction of the width). */
void tm_pdf_table_begin(tm_pdf_table *t, tm_pdf *p, float size, int n, ...);
/* Header plus this row's height (capped at a page), to keep a heading with it. */
float tm_pdf_table_lead(tm_pdf_table *t, const tm_pdf_cell *cells);
void tm_pdf_table_row(tm_pdf_table *t, tm_pdf_cell *cells);
void tm_pdf_table_end(tm_pdf_table *t);

/* ---- contents pages, running header and footer (drawn at the end) */

size_t tm_pdf_toc_per_page(const tm_pdf *p);
void tm_pdf_toc_fill(tm_pdf *p);
void tm_pdf_furniture(tm_pdf *p);

#endif
