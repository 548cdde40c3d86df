/*
 * stridec core: arena allocator, bounded string buffer, diagnostics list,
 * UTF-8 validation and a string-keyed hash map.
 *
 * Library code never prints and never exits: it returns a status and appends
 * to a tm_diags list. Only src/cli/ prints.
 */
#ifndef STRIDEC_CORE_H
#define STRIDEC_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __GNUC__
#define TM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TM_PRINTF(f, a)
#endif

/* Named limits; override with -D at build time. */
#ifndef TM_MAX_FILE_BYTES
#define TM_MAX_FILE_BYTES (16u * 1024u * 1024u) /* largest input file read */
#endif
#ifndef TM_MAX_DEPTH
#define TM_MAX_DEPTH 64 /* deepest nesting of maps/lists in a document */
#endif
#ifndef TM_MAX_ALIAS_VISITS
#define TM_MAX_ALIAS_VISITS 10000 /* YAML alias expansion budget (nodes) */
#endif
#ifndef TM_MAX_NODES
#define TM_MAX_NODES 4000000 /* nodes in one document tree */
#endif
#ifndef TM_MAX_OUTPUT_BYTES
#define TM_MAX_OUTPUT_BYTES (512u * 1024u * 1024u) /* one rendered output */
#endif
#ifndef TM_MAX_INCLUDE_DEPTH
#define TM_MAX_INCLUDE_DEPTH 16
#endif

/* ---------------------------------------------------------------- arena */

/* A bump allocator. Everything allocated from an arena is freed with it.
 * Allocation failure aborts the process (out of memory is not recoverable
 * in a batch compiler, and checking every allocation would hide the logic). */
typedef struct tm_arena tm_arena;

tm_arena *tm_arena_new(void);                 /* caller frees with tm_arena_free */
void tm_arena_free(tm_arena *a);
void *tm_arena_alloc(tm_arena *a, size_t size); /* zeroed, 16-byte aligned; owned by the arena */
void *tm_arena_array(tm_arena *a, size_t n, size_t size); /* overflow-checked */
char *tm_arena_strdup(tm_arena *a, const char *s);          /* NULL stays NULL */
char *tm_arena_strndup(tm_arena *a, const char *s, size_t n);
char *tm_arena_printf(tm_arena *a, const char *fmt, ...) TM_PRINTF(2, 3);
size_t tm_arena_bytes(const tm_arena *a); /* bytes handed out (for benchmarks) */
/* Forget everything allocated so far, keeping the newest chunk for reuse
 * (its memory is zeroed again): a scratch arena for a loop. */
void tm_arena_reset(tm_arena *a);

/* Growable array of pointers backed by malloc, for building lists whose
 * final size is unknown; tm_vec_finish copies it into an arena. */
typedef struct {
    void **items;
    size_t len, cap;
} tm_vec;
void tm_vec_push(tm_vec *v, void *item);
void **tm_vec_finish(tm_vec *v, tm_arena *a, size_t *n_out); /* frees the vec */
void tm_vec_free(tm_vec *v);

/* Out-of-memory handler for the few malloc calls outside arenas. */
void *tm_xmalloc(size_t n);
void *tm_xrealloc(void *p, size_t n);
char *tm_xstrdup(const char *s);

/* ----------------------------------------------------------- string buf */

/* A growable byte buffer with a hard size limit. Appends past the limit
 * fail (return -1) and set `failed`; the buffer stays NUL-terminated. */
typedef struct {
    char *data;
    size_t len, cap, limit;
    int failed;
    /* Spilling (tm_buf_spill): instead of growing past TM_BUF_SPILL_BYTES
     * the buffer hands its bytes to `sink` and starts again; `spilled`
     * counts what it handed over (the limit covers those bytes too). */
    int (*sink)(void *ud, const char *data, size_t len);
    void *sink_ud;
    size_t spilled;
} tm_buf;

void tm_buf_init(tm_buf *b, size_t limit); /* limit 0 = TM_MAX_OUTPUT_BYTES */
void tm_buf_free(tm_buf *b);
void tm_buf_reset(tm_buf *b);
int tm_buf_put(tm_buf *b, const char *s, size_t n);
int tm_buf_puts(tm_buf *b, const char *s);
int tm_buf_putc(tm_buf *b, char c);
int tm_buf_spaces(tm_buf *b, size_t n); /* n spaces (indentation) */
int tm_buf_printf(tm_buf *b, const char *fmt, ...) TM_PRINTF(2, 3);
int tm_buf_vprintf(tm_buf *b, const char *fmt, va_list ap);
char *tm_buf_detach(tm_buf *b); /* caller frees; buffer is reset */
/* Stream the buffer to `sink` (0 on success, -1 on error). Only for writers
 * that never look back at what they wrote (data/len then cover the unspilled
 * tail only). A sink error makes the buffer failed. tm_buf_flush hands over
 * what is left. */
#ifndef TM_BUF_SPILL_BYTES
#define TM_BUF_SPILL_BYTES (1024u * 1024u)
#endif
void tm_buf_spill(tm_buf *b, int (*sink)(void *ud, const char *data, size_t len), void *ud);
int tm_buf_flush(tm_buf *b);
/* Append text for a terminal: control characters (C0, DEL, C1) and Unicode
 * bidirectional overrides are written as \xNN or \u{NNNN}, so untrusted
 * model text cannot move the cursor, recolour or reorder the line. Tabs are
 * kept when keep_tabs. Invalid UTF-8 bytes are written as \xNN. */
int tm_buf_put_printable(tm_buf *b, const char *s, size_t n, int keep_tabs);

/* Styles of terminal text, written as ANSI SGR sequences. Whether colour is
 * wanted (a terminal, --color, NO_COLOR) is the CLI's decision; text
 * producers pass it on, so one palette serves diagnostics, check, diff and
 * watch. TM_STYLE_RESET ends a styled run. */
typedef enum {
    TM_STYLE_RESET,
    TM_STYLE_BOLD,     /* file:line:col */
    TM_STYLE_ERROR,    /* "error:" */
    TM_STYLE_WARNING,  /* "warning:" */
    TM_STYLE_NOTE,     /* "note:" */
    TM_STYLE_CARET,    /* the caret under a source line */
    TM_STYLE_ADDED,    /* diff: added, new */
    TM_STYLE_REMOVED,  /* diff: removed, gone */
    TM_STYLE_CHANGED,  /* diff: changed */
    TM_STYLE_LOW,      /* severities, low to critical */
    TM_STYLE_MEDIUM,
    TM_STYLE_HIGH,
    TM_STYLE_CRITICAL
} tm_style;
/* Append the style's sequence when `color`; nothing otherwise. */
int tm_buf_style(tm_buf *b, int color, tm_style s);

/* ---------------------------------------------------------- diagnostics */

typedef enum { TM_DIAG_ERROR, TM_DIAG_WARNING, TM_DIAG_NOTE } tm_diag_severity;

typedef struct {
    tm_diag_severity severity;
    const char *code;    /* short machine code, e.g. "dangling-ref"; may be NULL */
    const char *file;    /* may be NULL for diagnostics without a place */
    uint32_t line, col;  /* 1-based; 0 when unknown */
    const char *message; /* without "file:line:col: error: " */
} tm_diag;

typedef struct tm_diags tm_diags;

tm_diags *tm_diags_new(void); /* caller frees with tm_diags_free */
void tm_diags_free(tm_diags *d);
void tm_diag_add(tm_diags *d, tm_diag_severity sev, const char *code, const char *file,
                 uint32_t line, uint32_t col, const char *fmt, ...) TM_PRINTF(7, 8);
void tm_diag_vadd(tm_diags *d, tm_diag_severity sev, const char *code, const char *file,
                  uint32_t line, uint32_t col, const char *fmt, va_list ap);
size_t tm_diags_count(const tm_diags *d);
size_t tm_diags_errors(const tm_diags *d);
const tm_diag *tm_diags_get(const tm_diags *d, size_t i);
/* Register a file's text so that diagnostics can show the source line.
 * The text is copied. */
void tm_diags_add_source(tm_diags *d, const char *file, const char *text, size_t len);
/* The source line `line` of `file` (without newline) or NULL; *len set. */
const char *tm_diags_source_line(const tm_diags *d, const char *file, uint32_t line, size_t *len);
/* Format all diagnostics compiler-style, with source line and caret. */
void tm_diags_format(const tm_diags *d, tm_buf *out);
/* Format one diagnostic as "file:line:col: severity: message" + snippet. */
void tm_diag_format(const tm_diags *d, const tm_diag *g, tm_buf *out);
/* The same, styled for a terminal when `color` (tm_buf_style). */
void tm_diag_format_styled(const tm_diags *d, const tm_diag *g, int color, tm_buf *out);

/* --------------------------------------------------------------- utf-8 */

/* 1 when s[0..n) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF);
 * otherwise 0 and *bad (if non-NULL) is the offset of the first bad byte. */
int tm_utf8_valid(const char *s, size_t n, size_t *bad);
/* Decode one code point at s (valid UTF-8 assumed); returns bytes used. */
int tm_utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Number of code points in s[0..n) (valid UTF-8 assumed). */
size_t tm_utf8_len(const char *s, size_t n);
/* Line and column (1-based, column in code points) of byte offset off. */
void tm_text_position(const char *text, size_t off, uint32_t *line, uint32_t *col);

/* ------------------------------------------------------------- hashmap */

/* String-keyed map to pointers. Keys are not copied: they must outlive the map. */
typedef struct tm_map tm_map;
tm_map *tm_map_new(size_t hint); /* caller frees with tm_map_free */
void tm_map_free(tm_map *m);
void *tm_map_get(const tm_map *m, const char *key);
/* Returns the previous value (NULL when the key was new). */
void *tm_map_put(tm_map *m, const char *key, void *value);
size_t tm_map_count(const tm_map *m);

/* ---------------------------------------------------------------- files */

/* Read a whole file (at most TM_MAX_FILE_BYTES) into a malloc'd NUL-terminated
 * buffer. On failure adds a diagnostic and returns NULL. Caller frees. */
char *tm_read_file(const char *path, size_t *len, tm_diags *d);
/* Write data atomically: temp file in the same folder, then rename. 0 on success;
 * on failure adds a diagnostic and removes the temp file. */
int tm_write_file_atomic(const char *path, const char *data, size_t len, tm_diags *d);
/* The same, in steps, for output too large to hold in memory: bytes go to a
 * temporary file next to `path`; commit renames it into place, abort removes
 * it. Both free the handle. tm_atomic_sink suits tm_buf_spill. */
typedef struct tm_atomic_file tm_atomic_file;
tm_atomic_file *tm_atomic_open(const char *path, tm_diags *d);
int tm_atomic_write(tm_atomic_file *f, const char *data, size_t len);
int tm_atomic_sink(void *f, const char *data, size_t len);
int tm_atomic_commit(tm_atomic_file *f, tm_diags *d);
int tm_atomic_error(const tm_atomic_file *f); /* errno of the first failed write, or 0 */
void tm_atomic_abort(tm_atomic_file *f);

/* ------------------------------------------------------------ strings */

/* Edit distance (Levenshtein) between a and b, capped at cap+1. */
size_t tm_edit_distance(const char *a, const char *b, size_t cap);
/* The candidate closest to `word` (distance <= 2, or a case-insensitive match), or NULL. */
const char *tm_did_you_mean(const char *word, const char *const *candidates, size_t n);
/* Glob match: '*' any run, '?' one char. */
int tm_glob_match(const char *pattern, const char *s);
/* The same, ASCII letters compared without case (IAM actions). */
int tm_glob_match_nocase(const char *pattern, const char *s);
/* strcmp that sorts NULL first. */
int tm_strcmp0(const char *a, const char *b);

#endif
