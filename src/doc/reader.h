/*
 * Private helpers shared by the three syntax readers (yaml.c, json.c, xml.c):
 * UTF-8 and BOM handling, limits, positions, error reporting and duplicate
 * key detection, so that all three report the same problems the same way.
 */
#ifndef STRIDEC_LOAD_READER_H
#define STRIDEC_LOAD_READER_H

#include "stridec/doc.h"

/* Byte offset -> 1-based line and column (in code points), computed
 * incrementally: readers ask for positions in (mostly) increasing order, so
 * the total cost stays linear even for a 16 MB file on one line. */
typedef struct {
    const char *text;
    size_t len;
    size_t off;
    uint32_t line, col;
} tm_textpos;

void tm_textpos_init(tm_textpos *p, const char *text, size_t len);
void tm_textpos_at(tm_textpos *p, size_t off, uint32_t *line, uint32_t *col);

/* State every reader carries. */
typedef struct {
    tm_arena *arena;
    tm_diags *d;
    const char *file; /* arena copy, shared by every node of the tree */
    const char *text; /* after the BOM */
    size_t len;
    size_t bom;       /* bytes skipped at the start (0 or 3) */
    size_t max_depth, max_alias_visits, max_nodes;
    tm_dup_keys dup_keys; /* tm_read_limits.dup_keys */
    bool merge_keys;      /* tm_read_limits.yaml_merge_keys */
    size_t nodes;     /* nodes created so far */
    int failed;       /* an error has been reported */
    tm_textpos pos;
} tm_reader;

/* Set up the reader: copy the file name, take the limits (zero fields get
 * the TM_MAX_* defaults), check that the whole text is valid UTF-8 (an error
 * "invalid UTF-8 at byte offset N" at the bad byte otherwise) and skip a
 * UTF-8 BOM. Returns 0, or -1 after reporting an error. */
int tm_reader_begin(tm_reader *r, tm_arena *arena, const char *file, const char *text,
                    size_t len, const tm_read_limits *lim, tm_diags *d);

/* Report an error at line:col (once: later errors are dropped, the first one
 * is the one a person can act on). */
void tm_reader_error(tm_reader *r, const char *code, uint32_t line, uint32_t col,
                     const char *fmt, ...) TM_PRINTF(5, 6);

/* A new node at line:col, counted against max_nodes; NULL after reporting
 * "document has too many nodes" when the limit is reached. */
tm_node *tm_reader_node(tm_reader *r, tm_node_kind kind, uint32_t line, uint32_t col);

/* Depth check: 0 when depth <= max_depth, else reports "document nested too
 * deep" at line:col and returns -1. */
int tm_reader_depth(tm_reader *r, size_t depth, uint32_t line, uint32_t col);

/* Add key -> value to map unless the key is already there. Then, with
 * TM_DUP_KEYS_ERROR, report "duplicate key 'k' (first at line N)" at the new
 * key and return -1; with TM_DUP_KEYS_LAST_WINS, warn "duplicate key 'k'
 * (earlier at line N); the later value is used", put the new value and
 * position in the earlier pair's place (the order stays that of the first
 * occurrence) and return 0. *index is a hash index built once the
 * map grows large (free it with tm_map_free once the map is complete; NULL
 * is fine). */
int tm_reader_put(tm_reader *r, tm_node *map, tm_map **index, const char *key, uint32_t line,
                  uint32_t col, tm_node *value);

/* The pair of `key` in map, or NULL (same index as tm_reader_put). */
const tm_pair *tm_reader_find(tm_node *map, tm_map **index, const char *key);

/* `s` (n bytes) shortened for a message: at most 60 code points, then "...". */
const char *tm_reader_short(tm_reader *r, const char *s, size_t n);

#endif
