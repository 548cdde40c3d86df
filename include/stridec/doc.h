/*
 * The document tree: what every syntax reader (YAML, JSON, XML) produces and
 * what the model builder, the rule loader and the importers consume.
 *
 * A tree is maps (ordered key/value pairs), lists and scalars. Every node and
 * every map key carries the file and the 1-based line and column where it
 * starts in that file. Scalars are typed by the reader:
 *   - YAML: plain scalars resolve by the YAML 1.2 core schema (null, bool,
 *     int, float, else string); quoted and block scalars are strings.
 *   - JSON: by the JSON type.
 *   - XML: attribute values and text content are TM_SCALAR_TEXT: untyped text
 *     that the consumer converts to the type its key has (MODEL.md).
 * All text is valid UTF-8 and NUL-terminated (a scalar with an embedded NUL
 * is rejected by the readers). Files in UTF-16 (what `terraform show -json`
 * writes on Windows) are transcoded on reading (tm_read_file_tree,
 * tm_read_text_tree); lines and columns still count the file's characters.
 */
#ifndef STRIDEC_DOC_H
#define STRIDEC_DOC_H

#include <stdbool.h>

#include "base.h"

typedef enum { TM_NODE_SCALAR, TM_NODE_MAP, TM_NODE_LIST } tm_node_kind;

typedef enum {
    TM_SCALAR_NULL,
    TM_SCALAR_BOOL,
    TM_SCALAR_INT,
    TM_SCALAR_FLOAT,
    TM_SCALAR_STRING,
    TM_SCALAR_TEXT /* untyped (XML): convert by the key's type */
} tm_scalar_type;

typedef enum { TM_SYNTAX_YAML, TM_SYNTAX_JSON, TM_SYNTAX_XML } tm_syntax;

typedef struct tm_node tm_node;

typedef struct {
    const char *key;
    uint32_t line, col; /* where the key starts */
    tm_node *value;
} tm_pair;

struct tm_node {
    tm_node_kind kind;
    tm_scalar_type stype; /* scalars only */
    const char *file;     /* source file (owned by the tree's arena) */
    uint32_t line, col;
    /* scalar */
    const char *text; /* scalar text as written (for NULL: "" or "null"); never NULL for scalars */
    size_t len;
    long long ival; /* TM_SCALAR_INT */
    double fval;    /* TM_SCALAR_FLOAT */
    int bval;       /* TM_SCALAR_BOOL */
    /* map: pairs[0..n); list: items[0..n) */
    size_t n;
    tm_pair *pairs;
    tm_node **items;
};

/* What a reader does with a key that a map already has. */
typedef enum {
    TM_DUP_KEYS_ERROR = 0, /* an error at the second key: models, rules, the catalogue */
    TM_DUP_KEYS_LAST_WINS  /* a warning at the second key, whose value replaces the first
                              one in place: how CloudFormation reads a template */
} tm_dup_keys;

/* Limits a reader enforces (zero fields take the TM_MAX_* defaults) and the
 * dialect it reads. All zero is the strict reading models get. */
typedef struct {
    size_t max_depth;
    size_t max_alias_visits;
    size_t max_nodes;
    /* YAML and JSON (XML keeps its own rule: an element or attribute twice
     * is an error). */
    tm_dup_keys dup_keys;
    /* YAML: a plain `<<` key merges the map, or the list of maps, it names
     * into the map that holds it, as YAML 1.1 defines merge keys: the map's
     * own keys win, then earlier maps of the list over later ones; merged
     * keys take the place of the `<<` key. Aliases there count against
     * max_alias_visits like any other. When false, a `<<` key is an error
     * that says merge keys are read in imported deployment files only. */
    bool yaml_merge_keys;
} tm_read_limits;

/* How the importers read deployment files (CloudFormation and SAM templates,
 * serverless.yml, Terraform plans): default limits, YAML merge keys merged,
 * duplicate keys a warning with the last value kept (TM_DUP_KEYS_LAST_WINS). */
extern const tm_read_limits tm_read_import;

/*
 * Parse `text` (len bytes, NUL-terminated, UTF-8) read from `file` into a
 * tree owned by `arena`. Returns NULL after adding an error diagnostic naming
 * file:line:col. Safe parsing: no external entities or DTDs (XML), an alias
 * budget (YAML), duplicate keys rejected (or a warning, lim->dup_keys), depth
 * and node limits enforced, invalid UTF-8 rejected with its position. `lim`
 * may be NULL (all defaults, strict).
 */
tm_node *tm_read_yaml(tm_arena *arena, const char *file, const char *text, size_t len,
                      const tm_read_limits *lim, tm_diags *d);
tm_node *tm_read_json(tm_arena *arena, const char *file, const char *text, size_t len,
                      const tm_read_limits *lim, tm_diags *d);
tm_node *tm_read_xml(tm_arena *arena, const char *file, const char *text, size_t len,
                     const tm_read_limits *lim, tm_diags *d);

/* Pick the syntax from the file name (.yaml/.yml, .json, .xml), else from
 * the first non-blank character ('{' or '[' JSON, '<' XML, else YAML), in
 * UTF-8 or UTF-16 text. */
tm_syntax tm_syntax_guess(const char *file, const char *text, size_t len);
const char *tm_syntax_name(tm_syntax s);

/* Read a file and parse it with the syntax its name or content says.
 * Registers the text with the diagnostics (for source snippets).
 *
 * Both read UTF-8 (with or without a byte order mark) and UTF-16, LE or BE,
 * told by its byte order mark or, without one, by the zero bytes of its
 * first character, as the YAML (5.2) and JSON (RFC 4627, 3) specifications
 * describe. UTF-16 is transcoded to UTF-8 first, so that every position
 * (line, and column in characters) is the same as in the file, and the
 * UTF-8 text is what diagnostics quote. An unpaired surrogate, or an odd
 * number of bytes, is an error "invalid UTF-16 ..." at its line and column;
 * UTF-32 is refused with an error that says so. */
tm_node *tm_read_file_tree(tm_arena *arena, const char *file, const tm_read_limits *lim,
                           tm_diags *d);
tm_node *tm_read_text_tree(tm_arena *arena, const char *file, tm_syntax syn, const char *text,
                           size_t len, const tm_read_limits *lim, tm_diags *d);

/* ---- tree helpers (doc.c) ---- */
tm_node *tm_node_new(tm_arena *a, tm_node_kind kind, const char *file, uint32_t line, uint32_t col);
tm_node *tm_node_string(tm_arena *a, const char *s); /* a TM_SCALAR_STRING without position */
tm_node *tm_node_int(tm_arena *a, long long v);
tm_node *tm_node_bool(tm_arena *a, int v);
/* Append to a list/map under construction (arena-backed, amortised growth). */
void tm_node_list_push(tm_arena *a, tm_node *list, tm_node *item);
void tm_node_map_put(tm_arena *a, tm_node *map, const char *key, uint32_t line, uint32_t col,
                     tm_node *value);
/* Map lookup (case-sensitive); NULL when absent. */
tm_node *tm_node_get(const tm_node *map, const char *key);
const tm_pair *tm_node_get_pair(const tm_node *map, const char *key);
const char *tm_node_kind_name(const tm_node *n); /* "map", "list", "string", "integer", ... */
/* Deep structural equality (types and values, not positions). */
int tm_node_equal(const tm_node *a, const tm_node *b);

/* ---- writers (doc_write.c): a tree back to text, deterministic ---- */
int tm_write_json(const tm_node *n, tm_buf *out, int pretty);
/* Pretty JSON of n as if it sat `indent` spaces deep in a larger document
 * (no trailing newline): lets a writer stream a big document piece by piece
 * with the same bytes tm_write_json would give for the whole. */
int tm_write_json_at(const tm_node *n, tm_buf *out, size_t indent);
int tm_write_yaml(const tm_node *n, tm_buf *out);
/* JSON string literal with escapes. */
void tm_json_escape(tm_buf *out, const char *s);

#endif
