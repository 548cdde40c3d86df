/*
 * Importer from OWASP Threat Dragon models (JSON), version 2.x (AntV X6 cells
 * in detail.diagrams[].cells) and 1.x (JointJS cells in
 * detail.diagrams[].diagramJson.cells).
 *
 * What becomes what (share/stridec/doc/import-threatdragon.md has the user's
 * view of the same):
 *   - actor -> element of type generic.external, process -> generic.process,
 *     store -> generic.store; name, description, outOfScope and
 *     reasonOutOfScope carried; Threat Dragon's flags become props
 *     (providesAuthentication -> provides_authentication, isWebApplication ->
 *     web_application, privilegeLevel -> privilege_level, isALog -> is_log,
 *     storesCredentials -> stores_credentials, isEncrypted (store) ->
 *     encrypted_at_rest, isSigned -> signed, ...), only when set;
 *   - flow -> flow: isEncrypted -> encrypted, protocol (lower case),
 *     isBidirectional -> bidirectional, isPublicNetwork -> props.public_network,
 *     outOfScope -> props.out_of_scope (+ props.out_of_scope_reason);
 *   - trust-boundary-box -> boundary. An element belongs to the smallest box
 *     that holds its whole rectangle (same diagram); a box's parent is the
 *     smallest box that holds it;
 *   - trust-boundary-curve: a line cannot hold anything, so it makes no
 *     boundary. A flow whose path (source centre, vertices, target centre)
 *     crosses a curve's path (source, vertices, target) lists the curve's name
 *     in props.trust_boundary_curves;
 *   - text blocks are left out.
 * Ids come from names (lower case, [a-z0-9-]); a name shared by several cells
 * gets the first 8 characters of each cell's id appended; an empty name falls
 * back to "element", "boundary" or, for flows, SRC--DST.
 *
 * Threats written in Threat Dragon become review decisions where they name a
 * stridec rule: a threat whose ruleId is a stridec rule id (what `stridec
 * export --to threatdragon` writes), or, for a Mitigated or NA threat without
 * one, the STRIDE baseline rule of its type for the cell's kind
 * (STRIDE-PROC-S for Spoofing on a process, ...) when every threat of that
 * type on the cell is closed. Everything else is kept as text at the end of
 * the cell's description.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "stridec/model.h"
#include "stridec/import.h"

#define S_CODE "threatdragon"
/* Containment and crossing checks compare every pair: past this many pair
 * tests in one diagram the model is refused instead of taking minutes. */
#ifndef TM_TD_MAX_PAIR_TESTS
#define TM_TD_MAX_PAIR_TESTS 50000000.0
#endif
#define S_MAX_SLUG 48

typedef enum { S_UNKNOWN = -1, S_ACTOR, S_PROCESS, S_STORE, S_FLOW, S_BOX, S_CURVE, S_SKIP } S_kind;

typedef struct {
    double x, y;
} S_pt;

typedef struct S_cell S_cell;
struct S_cell {
    S_kind kind;
    const tm_node *node;  /* the cell */
    const tm_node *props; /* v2: cell.data; v1: the cell itself (may be NULL) */
    const char *cell_id;
    const char *name; /* whitespace-normalised; "" when none */
    size_t diagram;
    size_t index; /* in the diagram */
    /* nodes and boxes */
    int has_rect;
    double x, y, w, h;
    S_cell *box; /* innermost box holding it (boxes: parent box) */
    /* flows and curves */
    const tm_node *src, *dst; /* the source/target maps */
    S_cell *from, *to;
    S_pt *path;
    size_t n_path;
    const char **curves; /* flows: names of the curves crossed */
    size_t n_curves;
    int dropped; /* flows left out (warned) */
    int v1;      /* a Threat Dragon 1.x cell: its facts sit on the cell, not in data */
    const char *id;
};

typedef struct {
    tm_arena *a;
    const char *file;
    tm_diags *d;
    int errors;
    S_cell **cells; /* every cell read, all diagrams, file order */
    size_t n_cells, cap_cells;
    tm_map *taken; /* ids given out */
    tm_map *next_suffix;
    tm_node *decisions; /* the threats: list */
    tm_catalog *catalog; /* the built-in one: each type's kind */
} S_ctx;

/* ------------------------------------------------------------ messages */

static void S_error(S_ctx *c, const tm_node *at, const char *fmt, ...) TM_PRINTF(3, 4);
static void S_error(S_ctx *c, const tm_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tm_diag_vadd(c->d, TM_DIAG_ERROR, S_CODE, at && at->file ? at->file : c->file,
                 at ? at->line : 0, at ? at->col : 0, fmt, ap);
    va_end(ap);
    c->errors++;
}

static void S_warn(S_ctx *c, const tm_node *at, const char *fmt, ...) TM_PRINTF(3, 4);
static void S_warn(S_ctx *c, const tm_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tm_diag_vadd(c->d, TM_DIAG_WARNING, S_CODE, at && at->file ? at->file : c->file,
                 at ? at->line : 0, at ? at->col : 0, fmt, ap);
    va_end(ap);
}

/* JSON's names for what a node is. */
static const char *S_json_kind(const tm_node *n)
{
    if (n->kind == TM_NODE_MAP)
        return "an object";
    if (n->kind == TM_NODE_LIST)
        return "an array";
    switch (n->stype) {
    case TM_SCALAR_NULL: return "null";
    case TM_SCALAR_BOOL: return "a boolean";
    case TM_SCALAR_INT:
    case TM_SCALAR_FLOAT: return "a number";
    default: return "a string";
    }
}

/* How a cell is called in messages: its name, else its id. */
static const char *S_cell_label(S_ctx *c, const S_cell *cell)
{
    if (cell->name && cell->name[0])
        return tm_arena_printf(c->a, "'%s'", cell->name);
    return tm_arena_printf(c->a, "'%s'", cell->cell_id);
}

/* Where a cell keeps its facts, for messages. */
static const char *S_where(const S_cell *cell)
{
    return cell->v1 ? "" : "data.";
}

/* ------------------------------------------------------- typed lookups */

static int S_is_null(const tm_node *n)
{
    return n->kind == TM_NODE_SCALAR && n->stype == TM_SCALAR_NULL;
}

static int S_is_string(const tm_node *n)
{
    return n->kind == TM_NODE_SCALAR &&
           (n->stype == TM_SCALAR_STRING || n->stype == TM_SCALAR_TEXT);
}

static int S_is_number(const tm_node *n)
{
    return n->kind == TM_NODE_SCALAR && (n->stype == TM_SCALAR_INT || n->stype == TM_SCALAR_FLOAT);
}

static double S_number(const tm_node *n)
{
    return n->stype == TM_SCALAR_INT ? (double)n->ival : n->fval;
}

/* map[key] when map is an object and the key is there and not null. */
static const tm_node *S_get(const tm_node *map, const char *key)
{
    if (!map || map->kind != TM_NODE_MAP)
        return NULL;
    const tm_node *v = tm_node_get(map, key);
    return v && !S_is_null(v) ? v : NULL;
}

/* A string member: *out set (NULL when absent); 0, or -1 after an error. */
static int S_get_string(S_ctx *c, const tm_node *map, const char *key, const char *where,
                        const char **out)
{
    *out = NULL;
    const tm_node *v = S_get(map, key);
    if (!v)
        return 0;
    if (!S_is_string(v)) {
        S_error(c, v, "%s%s is %s, expected a string", where, key, S_json_kind(v));
        return -1;
    }
    *out = v->text;
    return 0;
}

/* A boolean member: 1 true, 0 false or absent, -1 after an error. */
static int S_get_bool(S_ctx *c, const tm_node *map, const char *key, const char *where)
{
    const tm_node *v = S_get(map, key);
    if (!v)
        return 0;
    if (v->kind != TM_NODE_SCALAR || v->stype != TM_SCALAR_BOOL) {
        S_error(c, v, "%s%s is %s, expected true or false", where, key, S_json_kind(v));
        return -1;
    }
    return v->bval;
}

/* A number member: 1 and *out set, 0 absent, -1 after an error. */
static int S_get_number(S_ctx *c, const tm_node *map, const char *key, const char *where,
                        double *out)
{
    const tm_node *v = S_get(map, key);
    if (!v)
        return 0;
    if (!S_is_number(v) || !isfinite(S_number(v))) {
        S_error(c, v, "%s%s is %s, expected a number", where, key, S_json_kind(v));
        return -1;
    }
    *out = S_number(v);
    return 1;
}

/* A string at a path of object keys, for presentation attributes: NULL when
 * any step is missing or of another type (labels are optional). */
static const char *S_path_string(const tm_node *n, const char *const *keys, size_t n_keys)
{
    for (size_t i = 0; i < n_keys && n; i++)
        n = S_get(n, keys[i]);
    return n && S_is_string(n) ? n->text : NULL;
}

/* ------------------------------------------------------------- text */

/* Runs of white space (new lines in diagram labels) become one space;
 * leading and trailing space go. Owned by the arena. */
static const char *S_squeeze(tm_arena *a, const char *s)
{
    if (!s)
        return "";
    size_t n = strlen(s);
    char *out = tm_arena_alloc(a, n + 1);
    size_t j = 0;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
            space = j > 0;
            continue;
        }
        if (space)
            out[j++] = ' ';
        space = 0;
        out[j++] = (char)ch;
    }
    out[j] = '\0';
    return out;
}

/* Lower-case ASCII letters and digits, other runs as one '-', at most
 * S_MAX_SLUG characters, no '-' at either end. "" when nothing is left. */
static char *S_slug(tm_arena *a, const char *s, size_t max)
{
    size_t n = strlen(s);
    char *out = tm_arena_alloc(a, (n < max ? n : max) + 2);
    size_t j = 0;
    int dash = 0;
    for (size_t i = 0; i < n && j < max; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (unsigned char)(ch - 'A' + 'a');
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
            if (dash && j > 0 && j + 1 < max)
                out[j++] = '-';
            dash = 0;
            out[j++] = (char)ch;
        } else {
            dash = 1;
        }
    }
    while (j > 0 && out[j - 1] == '-')
        j--;
    out[j] = '\0';
    return out;
}

/* ------------------------------------------------------- output tree */

static tm_node *S_at(tm_node *n, const tm_node *at)
{
    if (at) {
        n->file = at->file;
        n->line = at->line;
        n->col = at->col;
    }
    return n;
}

static tm_node *S_str(S_ctx *c, const char *s, const tm_node *at)
{
    return S_at(tm_node_string(c->a, s), at);
}

static tm_node *S_map(S_ctx *c, const tm_node *at)
{
    return tm_node_new(c->a, TM_NODE_MAP, at ? at->file : NULL, at ? at->line : 0,
                       at ? at->col : 0);
}

static tm_node *S_list(S_ctx *c, const tm_node *at)
{
    return tm_node_new(c->a, TM_NODE_LIST, at ? at->file : NULL, at ? at->line : 0,
                       at ? at->col : 0);
}

static void S_put(S_ctx *c, tm_node *map, const char *key, tm_node *value)
{
    tm_node_map_put(c->a, map, key, value->line, value->col, value);
}

static void S_put_str(S_ctx *c, tm_node *map, const char *key, const char *s, const tm_node *at)
{
    if (s && s[0])
        S_put(c, map, key, S_str(c, s, at));
}

static void S_put_true(S_ctx *c, tm_node *map, const char *key, const tm_node *at)
{
    S_put(c, map, key, S_at(tm_node_bool(c->a, 1), at));
}

/* ------------------------------------------------------------ reading */

static void S_add_cell(S_ctx *c, S_cell *cell)
{
    if (c->n_cells == c->cap_cells) {
        c->cap_cells = c->cap_cells ? c->cap_cells * 2 : 64;
        S_cell **bigger = tm_arena_array(c->a, c->cap_cells, sizeof *bigger);
        if (c->n_cells)
            memcpy(bigger, c->cells, c->n_cells * sizeof *bigger);
        c->cells = bigger;
    }
    c->cells[c->n_cells++] = cell;
}

static S_kind S_kind_of_type(const char *t)
{
    static const struct {
        const char *name;
        S_kind kind;
    } types[] = {{"tm.Actor", S_ACTOR},       {"tm.Process", S_PROCESS},
                 {"tm.Store", S_STORE},       {"tm.Flow", S_FLOW},
                 {"tm.BoundaryBox", S_BOX},   {"tm.Boundary", S_CURVE},
                 {"tm.Text", S_SKIP}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (t && strcmp(t, types[i].name) == 0)
            return types[i].kind;
    return S_UNKNOWN;
}

static S_kind S_kind_of_shape(const char *s)
{
    static const struct {
        const char *name;
        S_kind kind;
    } shapes[] = {{"actor", S_ACTOR},
                  {"process", S_PROCESS},
                  {"store", S_STORE},
                  {"flow", S_FLOW},
                  {"trust-boundary-box", S_BOX},
                  {"trust-boundary-curve", S_CURVE},
                  {"trust-boundary", S_CURVE},
                  {"td-text-block", S_SKIP},
                  {"text", S_SKIP}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        if (s && strcmp(s, shapes[i].name) == 0)
            return shapes[i].kind;
    return S_UNKNOWN;
}

/* The label a diagram shows for a cell, when its data has no name. */
static const char *S_label(const tm_node *cell, S_kind kind)
{
    static const char *const text[] = {"attrs", "text", "text"};
    static const char *const header[] = {"attrs", "headerText", "text"};
    static const char *const label[] = {"attrs", "label", "text"};
    static const char *const lab2[] = {"attrs", "labelText", "text"};
    const char *s = NULL;
    if (kind == S_FLOW || kind == S_CURVE) {
        const tm_node *labels = S_get(cell, "labels");
        if (labels && labels->kind == TM_NODE_LIST && labels->n) {
            const tm_node *l0 = labels->items[0];
            if (S_is_string(l0))
                return l0->text;
            if (!(s = S_path_string(l0, lab2, 3)) && !(s = S_path_string(l0, text, 3)))
                s = S_path_string(l0, label, 3);
        }
        return s;
    }
    if (!(s = S_path_string(cell, text, 3)) && !(s = S_path_string(cell, header, 3)))
        s = S_path_string(cell, label, 3);
    return s;
}

/* position + size of a node or box; 0, or -1 after an error. */
static int S_read_rect(S_ctx *c, S_cell *cell)
{
    const tm_node *pos = S_get(cell->node, "position"), *size = S_get(cell->node, "size");
    if (!pos)
        return 0;
    if (pos->kind != TM_NODE_MAP) {
        S_error(c, pos, "position is %s, expected an object with x and y", S_json_kind(pos));
        return -1;
    }
    if (size && size->kind != TM_NODE_MAP) {
        S_error(c, size, "size is %s, expected an object with width and height",
                S_json_kind(size));
        return -1;
    }
    double x = 0, y = 0, w = 0, h = 0;
    int rx = S_get_number(c, pos, "x", "position.", &x);
    int ry = S_get_number(c, pos, "y", "position.", &y);
    int rw = size ? S_get_number(c, size, "width", "size.", &w) : 0;
    int rh = size ? S_get_number(c, size, "height", "size.", &h) : 0;
    if (rx < 0 || ry < 0 || rw < 0 || rh < 0)
        return -1;
    if (rx == 0 || ry == 0) {
        S_error(c, pos, "position needs x and y (numbers)");
        return -1;
    }
    if (w < 0 || h < 0) {
        S_error(c, size, "size has a negative width or height");
        return -1;
    }
    cell->has_rect = 1;
    cell->x = x;
    cell->y = y;
    cell->w = w;
    cell->h = h;
    return 0;
}

/* A point {x, y} (flow or curve end, vertex): 1 read, 0 none, -1 error. */
static int S_read_point(S_ctx *c, const tm_node *n, const char *what, S_pt *out)
{
    double x = 0, y = 0;
    int rx = S_get_number(c, n, "x", what, &x), ry = S_get_number(c, n, "y", what, &y);
    if (rx < 0 || ry < 0)
        return -1;
    if (rx == 0 || ry == 0)
        return 0;
    out->x = x;
    out->y = y;
    return 1;
}

/* The vertices of a flow or curve; -1 after an error. */
static int S_read_vertices(S_ctx *c, S_cell *cell, tm_vec *pts)
{
    const tm_node *v = S_get(cell->node, "vertices");
    if (!v)
        return 0;
    if (v->kind != TM_NODE_LIST) {
        S_error(c, v, "vertices is %s, expected an array of points", S_json_kind(v));
        return -1;
    }
    for (size_t i = 0; i < v->n; i++) {
        S_pt p;
        int r = v->items[i]->kind == TM_NODE_MAP ? S_read_point(c, v->items[i], "vertex ", &p) : 0;
        if (r < 0)
            return -1;
        if (r == 0) {
            S_error(c, v->items[i], "a vertex needs x and y (numbers)");
            return -1;
        }
        S_pt *keep = tm_arena_alloc(c->a, sizeof *keep);
        *keep = p;
        tm_vec_push(pts, keep);
    }
    return 0;
}

/* One end of a flow or curve: the source/target object. */
static int S_read_end(S_ctx *c, S_cell *cell, const char *key, const tm_node **out)
{
    const tm_node *e = S_get(cell->node, key);
    *out = e;
    if (e && e->kind != TM_NODE_MAP) {
        S_error(c, e, "%s is %s, expected an object with a cell id or x and y", key,
                S_json_kind(e));
        return -1;
    }
    return 0;
}

/* The cell an end is attached to: v2 writes {cell}, v1 {id}. */
static const tm_node *S_end_cell(const tm_node *end)
{
    const tm_node *v = S_get(end, "cell");
    if (!v)
        v = S_get(end, "id");
    return v;
}

static void S_read_cell(S_ctx *c, const tm_node *n, size_t diagram, size_t index, int v1)
{
    if (n->kind != TM_NODE_MAP) {
        S_error(c, n, "a cell is %s, expected an object", S_json_kind(n));
        return;
    }
    S_cell *cell = tm_arena_alloc(c->a, sizeof *cell);
    cell->node = n;
    cell->diagram = diagram;
    cell->index = index;
    cell->v1 = v1;
    const char *cid;
    if (S_get_string(c, n, "id", "cell ", &cid) != 0)
        return;
    if (!cid || !cid[0]) {
        S_error(c, n, "a cell needs an id (a string)");
        return;
    }
    cell->cell_id = cid;

    const char *shape = NULL, *type = NULL;
    if (v1) {
        cell->props = n;
        if (S_get_string(c, n, "type", "cell ", &type) != 0)
            return;
        cell->kind = S_kind_of_type(type);
    } else {
        const tm_node *data = S_get(n, "data");
        if (data && data->kind != TM_NODE_MAP) {
            S_error(c, data, "data is %s, expected an object", S_json_kind(data));
            return;
        }
        cell->props = data;
        if (S_get_string(c, n, "shape", "cell ", &shape) != 0 ||
            S_get_string(c, data, "type", "data.", &type) != 0)
            return;
        cell->kind = S_kind_of_shape(shape);
        if (cell->kind == S_UNKNOWN)
            cell->kind = S_kind_of_type(type);
    }
    if (cell->kind == S_UNKNOWN) {
        S_warn(c, n, "cell '%s' is a %s, which stridec does not read; left out", cid,
               shape ? shape : type ? type : "cell without shape or type");
        cell->kind = S_SKIP;
    }
    const char *name;
    if (S_get_string(c, cell->props, "name", v1 ? "" : "data.", &name) != 0)
        return;
    if (!name || !name[0])
        name = S_label(n, cell->kind);
    cell->name = S_squeeze(c->a, name);

    if (cell->kind == S_SKIP) {
        S_add_cell(c, cell);
        return;
    }
    if (cell->kind == S_FLOW || cell->kind == S_CURVE) {
        if (S_read_end(c, cell, "source", &cell->src) != 0 ||
            S_read_end(c, cell, "target", &cell->dst) != 0)
            return;
        if (cell->kind == S_FLOW && !cell->src) {
            S_error(c, n, "flow %s has no source", S_cell_label(c, cell));
            return;
        }
        if (cell->kind == S_FLOW && !cell->dst) {
            S_error(c, n, "flow %s has no target", S_cell_label(c, cell));
            return;
        }
        const tm_node *ends[2] = {cell->src, cell->dst};
        for (int i = 0; i < 2; i++) {
            const tm_node *id = S_end_cell(ends[i]);
            if (id && !S_is_string(id)) {
                S_error(c, id, "the cell id of a %s is %s, expected a string",
                        i ? "target" : "source", S_json_kind(id));
                return;
            }
        }
        tm_vec pts = {NULL, 0, 0};
        S_pt p;
        int r = cell->src ? S_read_point(c, cell->src, "source.", &p) : 0;
        if (r < 0 || S_read_vertices(c, cell, &pts) != 0) {
            tm_vec_free(&pts);
            return;
        }
        /* A curve's path is its ends and vertices; a flow's ends are the
         * centres of its cells, added once they are known. */
        if (cell->kind == S_CURVE) {
            S_pt q;
            int rq = cell->dst ? S_read_point(c, cell->dst, "target.", &q) : 0;
            if (rq < 0) {
                tm_vec_free(&pts);
                return;
            }
            if (r == 1 && rq == 1) {
                cell->n_path = pts.len + 2;
                cell->path = tm_arena_array(c->a, cell->n_path, sizeof *cell->path);
                cell->path[0] = p;
                for (size_t i = 0; i < pts.len; i++)
                    cell->path[i + 1] = *(S_pt *)pts.items[i];
                cell->path[cell->n_path - 1] = q;
            }
        } else if (cell->dst && S_read_point(c, cell->dst, "target.", &p) < 0) {
            tm_vec_free(&pts);
            return;
        } else {
            cell->n_path = pts.len + 2;
            cell->path = tm_arena_array(c->a, cell->n_path, sizeof *cell->path);
            for (size_t i = 0; i < pts.len; i++)
                cell->path[i + 1] = *(S_pt *)pts.items[i];
        }
        tm_vec_free(&pts);
    } else if (S_read_rect(c, cell) != 0) {
        return;
    }
    S_add_cell(c, cell);
}

static void S_read_diagram(S_ctx *c, const tm_node *dg, size_t index)
{
    if (dg->kind != TM_NODE_MAP) {
        S_error(c, dg, "a diagram is %s, expected an object", S_json_kind(dg));
        return;
    }
    const tm_node *cells = S_get(dg, "cells");
    int v1 = 0;
    if (!cells) {
        const tm_node *json = S_get(dg, "diagramJson");
        if (json && json->kind != TM_NODE_MAP) {
            S_error(c, json, "diagramJson is %s, expected an object", S_json_kind(json));
            return;
        }
        cells = S_get(json, "cells");
        v1 = 1;
        if (!cells) {
            /* A 1.x diagram nobody drew in has no diagramJson at all. */
            if (!json && tm_node_get(dg, "cells") == NULL && tm_node_get(dg, "diagramJson") == NULL)
                return;
            S_error(c, json ? json : dg,
                    "a diagram needs cells (Threat Dragon 2.x) or diagramJson.cells (1.x)");
            return;
        }
    }
    if (cells->kind != TM_NODE_LIST) {
        S_error(c, cells, "cells is %s, expected an array of cells", S_json_kind(cells));
        return;
    }
    for (size_t i = 0; i < cells->n; i++)
        S_read_cell(c, cells->items[i], index, i, v1);
}

/* ------------------------------------------------------------ geometry */

static int S_rect_holds(const S_cell *box, const S_cell *n)
{
    return n->x >= box->x && n->y >= box->y && n->x + n->w <= box->x + box->w &&
           n->y + n->h <= box->y + box->h;
}

/* Boxes ordered outermost first: larger area, then earlier in the file. A
 * box's parent and an element's box come before it in this order, so
 * nesting can never loop, even for identical boxes. */
static int S_box_before(const S_cell *a, const S_cell *b)
{
    double aa = a->w * a->h, ab = b->w * b->h;
    if (aa != ab)
        return aa > ab;
    return a->index < b->index;
}

static void S_place(S_ctx *c, S_cell **cells, size_t n)
{
    size_t n_boxes = 0, n_nodes = 0;
    for (size_t i = 0; i < n; i++) {
        if (cells[i]->kind == S_BOX && cells[i]->has_rect)
            n_boxes++;
        else if (cells[i]->kind <= S_STORE && cells[i]->has_rect)
            n_nodes++;
    }
    if (n_boxes == 0)
        return;
    if ((double)n_boxes * (double)(n_boxes + n_nodes) > TM_TD_MAX_PAIR_TESTS) {
        S_error(c, cells[0]->node,
                "this diagram has too many trust boundary boxes (%zu) and elements (%zu) for "
                "stridec to place",
                n_boxes, n_nodes);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        S_cell *x = cells[i];
        if (!x->has_rect || !(x->kind <= S_STORE || x->kind == S_BOX))
            continue;
        S_cell *best = NULL;
        for (size_t j = 0; j < n; j++) {
            S_cell *b = cells[j];
            if (b == x || b->kind != S_BOX || !b->has_rect || !S_rect_holds(b, x))
                continue;
            if (x->kind == S_BOX && !S_box_before(b, x))
                continue;
            if (!best || S_box_before(best, b))
                best = b;
        }
        x->box = best;
    }
}

/* Sign of the turn a -> b -> p. */
static int S_orient(S_pt a, S_pt b, S_pt p)
{
    double v = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
    return (v > 0) - (v < 0);
}

static int S_on_segment(S_pt a, S_pt b, S_pt p)
{
    return fmin(a.x, b.x) <= p.x && p.x <= fmax(a.x, b.x) && fmin(a.y, b.y) <= p.y &&
           p.y <= fmax(a.y, b.y);
}

static int S_segments_meet(S_pt a, S_pt b, S_pt p, S_pt q)
{
    int o1 = S_orient(a, b, p), o2 = S_orient(a, b, q), o3 = S_orient(p, q, a),
        o4 = S_orient(p, q, b);
    if (o1 != o2 && o3 != o4)
        return 1;
    return (o1 == 0 && S_on_segment(a, b, p)) || (o2 == 0 && S_on_segment(a, b, q)) ||
           (o3 == 0 && S_on_segment(p, q, a)) || (o4 == 0 && S_on_segment(p, q, b));
}

static int S_paths_meet(const S_cell *f, const S_cell *k)
{
    for (size_t i = 0; i + 1 < f->n_path; i++)
        for (size_t j = 0; j + 1 < k->n_path; j++)
            if (S_segments_meet(f->path[i], f->path[i + 1], k->path[j], k->path[j + 1]))
                return 1;
    return 0;
}

static void S_cross(S_ctx *c, S_cell **cells, size_t n)
{
    double fseg = 0, kseg = 0;
    for (size_t i = 0; i < n; i++) {
        if (cells[i]->kind == S_FLOW && !cells[i]->dropped && cells[i]->path)
            fseg += (double)cells[i]->n_path;
        if (cells[i]->kind == S_CURVE && cells[i]->path)
            kseg += (double)cells[i]->n_path;
    }
    if (fseg == 0 || kseg == 0)
        return;
    if (fseg * kseg > TM_TD_MAX_PAIR_TESTS) {
        S_error(c, cells[0]->node,
                "this diagram has too many flows and trust boundary curves for stridec to "
                "check which flows cross which curves");
        return;
    }
    for (size_t j = 0; j < n; j++) {
        S_cell *k = cells[j];
        if (k->kind != S_CURVE)
            continue;
        if (!k->path)
            continue;
        const char *kname = k->name[0] ? k->name : k->cell_id;
        for (size_t i = 0; i < n; i++) {
            S_cell *f = cells[i];
            if (f->kind != S_FLOW || f->dropped || !f->path || !S_paths_meet(f, k))
                continue;
            const char **bigger = tm_arena_array(c->a, f->n_curves + 1, sizeof *bigger);
            if (f->n_curves)
                memcpy(bigger, f->curves, f->n_curves * sizeof *bigger);
            bigger[f->n_curves++] = kname;
            f->curves = bigger;
        }
    }
}

/* ---------------------------------------------------------------- ids */

static const char *S_take(S_ctx *c, const char *base)
{
    const char *id = base;
    if (tm_map_get(c->taken, id)) {
        size_t *next = tm_map_get(c->next_suffix, base);
        if (!next) {
            next = tm_arena_alloc(c->a, sizeof *next);
            *next = 2;
            tm_map_put(c->next_suffix, base, next);
        }
        do
            id = tm_arena_printf(c->a, "%s-%zu", base, (*next)++);
        while (tm_map_get(c->taken, id));
    }
    tm_map_put(c->taken, id, (void *)id);
    return id;
}

/* Ids for the cells of the given kinds: the name's slug when no other cell
 * of these kinds has the same one, else the slug and the start of the cell
 * id; `fallback` for cells without a usable name. */
static void S_assign_ids(S_ctx *c, int flows)
{
    tm_map *count = tm_map_new(c->n_cells + 1);
    static int one = 1, many = 2;
    const char **base = tm_arena_array(c->a, c->n_cells + 1, sizeof *base);
    for (size_t i = 0; i < c->n_cells; i++) {
        S_cell *x = c->cells[i];
        int mine = flows ? (x->kind == S_FLOW && !x->dropped)
                         : (x->kind <= S_STORE || x->kind == S_BOX);
        if (!mine)
            continue;
        const char *b = S_slug(c->a, x->name, S_MAX_SLUG);
        if (!b[0])
            b = flows ? tm_arena_printf(c->a, "%s--%s", x->from->id, x->to->id)
                      : x->kind == S_BOX ? "boundary" : "element";
        else if (strcmp(b, "model") == 0)
            b = "model-element"; /* RULE@model names model-wide threats */
        base[i] = b;
        tm_map_put(count, b, tm_map_get(count, b) ? (void *)&many : (void *)&one);
    }
    for (size_t i = 0; i < c->n_cells; i++) {
        if (!base[i])
            continue;
        S_cell *x = c->cells[i];
        const char *b = base[i];
        if (tm_map_get(count, b) == &many || tm_map_get(c->taken, b)) {
            const char *tail = S_slug(c->a, x->cell_id, 8);
            b = tail[0] ? tm_arena_printf(c->a, "%s-%s", b, tail) : b;
        }
        x->id = S_take(c, b);
    }
    tm_map_free(count);
}

/* ------------------------------------------------------------- threats */

typedef enum { S_OPEN, S_MITIGATED, S_NA } S_tdstatus;

static S_tdstatus S_parse_status(const char *s)
{
    if (!s)
        return S_OPEN;
    if (strcmp(s, "Mitigated") == 0 || strcmp(s, "mitigated") == 0)
        return S_MITIGATED;
    if (strcmp(s, "NA") == 0 || strcmp(s, "N/A") == 0 || strcmp(s, "na") == 0 ||
        strcmp(s, "Not applicable") == 0)
        return S_NA;
    return S_OPEN;
}

static const char *const S_stride_types[6] = {"spoofing",    "tampering",
                                              "repudiation", "information disclosure",
                                              "denial of service", "elevation of privilege"};

/* 0..5 for a STRIDE type name (any case), else -1. */
static int S_stride_letter(const char *type)
{
    if (!type)
        return -1;
    for (int k = 0; k < 6; k++) {
        const char *want = S_stride_types[k];
        size_t i = 0;
        for (; want[i] && type[i]; i++) {
            char ch = type[i];
            if (ch >= 'A' && ch <= 'Z')
                ch = (char)(ch - 'A' + 'a');
            if (ch != want[i])
                break;
        }
        if (!want[i] && !type[i])
            return k;
    }
    return -1;
}

/* The STRIDE baseline rule for a letter on a cell kind, or NULL when the
 * baseline has none (stride-baseline.yaml: external S R; process S T R I D E;
 * store T R I D; flow T I D). */
static const char *S_baseline_rule(S_kind kind, int letter)
{
    static const char *const ext[6] = {"STRIDE-EXT-S", NULL, "STRIDE-EXT-R", NULL, NULL, NULL};
    static const char *const proc[6] = {"STRIDE-PROC-S", "STRIDE-PROC-T", "STRIDE-PROC-R",
                                        "STRIDE-PROC-I", "STRIDE-PROC-D", "STRIDE-PROC-E"};
    static const char *const store[6] = {NULL,            "STRIDE-STORE-T", "STRIDE-STORE-R",
                                         "STRIDE-STORE-I", "STRIDE-STORE-D", NULL};
    static const char *const flow[6] = {NULL, "STRIDE-FLOW-T", NULL, "STRIDE-FLOW-I",
                                        "STRIDE-FLOW-D", NULL};
    if (letter < 0)
        return NULL;
    switch (kind) {
    case S_ACTOR: return ext[letter];
    case S_PROCESS: return proc[letter];
    case S_STORE: return store[letter];
    case S_FLOW: return flow[letter];
    default: return NULL;
    }
}

/* A stridec rule id: [A-Z0-9][A-Z0-9_.-]* with at least one letter, and not
 * shaped like a UUID (Threat Dragon's own rules have UUIDs). */
static int S_stridec_rule_id(const char *s)
{
    if (!s || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= '0' && s[0] <= '9')))
        return 0;
    int letters = 0, hex_only = 1;
    size_t n = 0;
    for (const char *p = s; *p; p++, n++) {
        char ch = *p;
        if (ch >= 'A' && ch <= 'Z') {
            letters++;
            if (ch > 'F')
                hex_only = 0;
        } else if (!((ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-')) {
            return 0;
        } else if (ch == '_' || ch == '.') {
            hex_only = 0;
        }
    }
    return letters > 0 && !(hex_only && n == 36);
}

typedef struct {
    const tm_node *node;
    const char *title, *type, *description, *mitigation, *severity, *rule, *stridec_status;
    S_tdstatus status;
    const char *key; /* decision id it maps to, or NULL */
    int exact;       /* key from ruleId */
} S_threat;

static const char *S_status_word(S_tdstatus s)
{
    return s == S_MITIGATED ? "Mitigated" : s == S_NA ? "NA" : "Open";
}

/* The stridec status a closed threat maps to: the one stridec wrote
 * (stridecStatus) while it still agrees with the Threat Dragon status,
 * else Mitigated -> mitigated and NA -> false-positive. */
static const char *S_decision_status(const S_threat *t)
{
    const char *s = t->stridec_status;
    if (s && t->status == S_MITIGATED &&
        (strcmp(s, "mitigated") == 0 || strcmp(s, "transferred") == 0))
        return s;
    if (s && t->status == S_NA && (strcmp(s, "accepted") == 0 || strcmp(s, "false-positive") == 0))
        return s;
    return t->status == S_MITIGATED ? "mitigated" : "false-positive";
}

static void S_add_decision(S_ctx *c, const char *id, const char *status, const char *why,
                           const tm_node *at)
{
    tm_node *m = S_map(c, at);
    S_put(c, m, "id", S_str(c, id, at));
    S_put(c, m, "status", S_str(c, status, at));
    S_put_str(c, m, "justification", why, at);
    tm_node_list_push(c->a, c->decisions, m);
}

/* Read a cell's threats, add the decisions they map to, and return the text
 * to append to its description for the rest ("" when none); NULL after an
 * error. */
static const char *S_threats(S_ctx *c, const S_cell *cell)
{
    const tm_node *list = S_get(cell->props, "threats");
    if (!list)
        return "";
    if (list->kind != TM_NODE_LIST) {
        S_error(c, list, "%sthreats is %s, expected an array of threats", S_where(cell),
                S_json_kind(list));
        return NULL;
    }
    S_threat *t = tm_arena_array(c->a, list->n + 1, sizeof *t);
    for (size_t i = 0; i < list->n; i++) {
        const tm_node *n = list->items[i];
        if (n->kind != TM_NODE_MAP) {
            S_error(c, n, "a threat is %s, expected an object", S_json_kind(n));
            return NULL;
        }
        const char *status;
        if (S_get_string(c, n, "title", "threat ", &t[i].title) ||
            S_get_string(c, n, "type", "threat ", &t[i].type) ||
            S_get_string(c, n, "status", "threat ", &status) ||
            S_get_string(c, n, "severity", "threat ", &t[i].severity) ||
            S_get_string(c, n, "description", "threat ", &t[i].description) ||
            S_get_string(c, n, "mitigation", "threat ", &t[i].mitigation) ||
            S_get_string(c, n, "ruleId", "threat ", &t[i].rule) ||
            S_get_string(c, n, "stridecStatus", "threat ", &t[i].stridec_status))
            return NULL;
        t[i].node = n;
        t[i].status = S_parse_status(status);
        if (S_stridec_rule_id(t[i].rule)) {
            t[i].key = tm_arena_printf(c->a, "%s@%s", t[i].rule, cell->id);
            t[i].exact = 1;
        } else {
            const char *rule = S_baseline_rule(cell->kind, S_stride_letter(t[i].type));
            if (rule)
                t[i].key = tm_arena_printf(c->a, "%s@%s", rule, cell->id);
        }
    }
    /* Group by decision id, in order of first appearance. A group makes a
     * decision when it has a closed threat; a group of baseline (type)
     * matches only when all of them are closed. Open threats that came from
     * stridec (ruleId) are dropped: the engine finds them again. Whatever
     * makes no decision is kept as text. */
    tm_buf text;
    tm_buf_init(&text, 0);
    int *done = tm_arena_array(c->a, list->n + 1, sizeof *done);
    for (size_t i = 0; i < list->n; i++) {
        if (done[i] || !t[i].key)
            continue;
        const char *key = t[i].key;
        int open_guess = 0, any_mitigated = 0, any_closed = 0;
        for (size_t j = i; j < list->n; j++) {
            if (!t[j].key || strcmp(t[j].key, key) != 0)
                continue;
            open_guess |= !t[j].exact && t[j].status == S_OPEN;
            any_mitigated |= t[j].status == S_MITIGATED;
            any_closed |= t[j].status != S_OPEN;
        }
        tm_buf why;
        tm_buf_init(&why, 0);
        const char *status = NULL;
        for (size_t j = i; j < list->n; j++) {
            if (!t[j].key || strcmp(t[j].key, key) != 0)
                continue;
            if (t[j].status == S_OPEN && t[j].exact && t[j].stridec_status &&
                strcmp(t[j].stridec_status, "in-progress") == 0) {
                /* Threat Dragon has no word for it: stridec wrote Open. */
                done[j] = 1;
                if (!status)
                    status = "in-progress";
                tm_buf_puts(&why, why.len ? "; " : "Threat Dragon: ");
                tm_buf_printf(&why, "%s (Open, in progress)",
                              t[j].title && t[j].title[0] ? t[j].title : "untitled");
                continue;
            }
            if (t[j].status == S_OPEN) {
                done[j] = t[j].exact;
                continue;
            }
            if (open_guess && !t[j].exact)
                continue; /* kept as text with its open siblings */
            done[j] = 1;
            if (!status)
                status = t[j].exact ? S_decision_status(&t[j])
                                    : any_mitigated ? "mitigated" : "false-positive";
            tm_buf_puts(&why, why.len ? "; " : "Threat Dragon: ");
            tm_buf_printf(&why, "%s (%s)", t[j].title && t[j].title[0] ? t[j].title : "untitled",
                          S_status_word(t[j].status));
            if (!t[j].exact && t[j].mitigation && t[j].mitigation[0])
                tm_buf_printf(&why, ": %s", t[j].mitigation);
        }
        (void)any_closed;
        if (status)
            S_add_decision(c, key, status, S_squeeze(c->a, why.data), t[i].node);
        tm_buf_free(&why);
        for (size_t j = i; j < list->n; j++)
            if (t[j].key && strcmp(t[j].key, key) == 0 && j != i)
                t[j].key = done[j] ? t[j].key : NULL;
        if (!done[i])
            t[i].key = NULL;
    }
    for (size_t i = 0; i < list->n; i++) {
        if (done[i])
            continue;
        if (!text.len)
            tm_buf_puts(&text, "Threats recorded in Threat Dragon:");
        tm_buf_printf(&text, "\n- %s (", t[i].title && t[i].title[0] ? t[i].title : "untitled");
        if (t[i].type && t[i].type[0])
            tm_buf_printf(&text, "%s, ", t[i].type);
        if (t[i].severity && t[i].severity[0])
            tm_buf_printf(&text, "%s, ", t[i].severity);
        tm_buf_printf(&text, "%s)", S_status_word(t[i].status));
        if (t[i].description && t[i].description[0])
            tm_buf_printf(&text, ": %s", S_squeeze(c->a, t[i].description));
        if (t[i].mitigation && t[i].mitigation[0])
            tm_buf_printf(&text, "%s Mitigation: %s",
                          t[i].description && t[i].description[0] ? "" : ".",
                          S_squeeze(c->a, t[i].mitigation));
    }
    const char *out = tm_arena_strdup(c->a, text.data ? text.data : "");
    tm_buf_free(&text);
    return out;
}

/* description + "\n\n" + threat text. */
static const char *S_describe(S_ctx *c, const char *description, const char *extra)
{
    if (!extra || !extra[0])
        return description;
    if (!description || !description[0])
        return extra;
    return tm_arena_printf(c->a, "%s\n\n%s", description, extra);
}

/* ------------------------------------------------------------- building */

/* Remove props[key] when there. */
static void S_prop_remove(tm_node *props, const char *key)
{
    for (size_t i = 0; i < props->n; i++)
        if (strcmp(props->pairs[i].key, key) == 0) {
            memmove(props->pairs + i, props->pairs + i + 1, (props->n - i - 1) * sizeof *props->pairs);
            props->n--;
            return;
        }
}

/* Set props[key] (replacing an earlier value). */
static void S_prop_set(S_ctx *c, tm_node *props, const char *key, tm_node *value)
{
    for (size_t i = 0; i < props->n; i++)
        if (strcmp(props->pairs[i].key, key) == 0) {
            props->pairs[i].value = value;
            return;
        }
    S_put(c, props, key, value);
}

/* The props a stridec export kept in data.stridecProps, without the keys
 * that Threat Dragon's own fields decide (`own`, NULL-terminated): what the
 * diagram says now wins over what stridec wrote. A new map in the arena. */
static tm_node *S_kept_props(S_ctx *c, const S_cell *cell, const char *const *own)
{
    tm_node *props = S_map(c, cell->node);
    const tm_node *kept = S_get(cell->props, "stridecProps");
    if (!kept)
        return props;
    if (kept->kind != TM_NODE_MAP) {
        S_warn(c, kept, "%sstridecProps is %s, expected an object; left out", S_where(cell),
               S_json_kind(kept));
        return props;
    }
    for (size_t i = 0; i < kept->n; i++) {
        int theirs = 0;
        for (const char *const *o = own; *o; o++)
            theirs |= strcmp(*o, kept->pairs[i].key) == 0;
        if (!theirs)
            tm_node_map_put(c->a, props, kept->pairs[i].key, kept->pairs[i].line,
                            kept->pairs[i].col, kept->pairs[i].value);
    }
    return props;
}

/* An element or boundary type a stridec export kept in data.stridecType:
 * NULL when absent or not a type name (warned). */
static const char *S_kept_type(S_ctx *c, const S_cell *cell)
{
    const tm_node *t = S_get(cell->props, "stridecType");
    if (!t)
        return NULL;
    int ok = S_is_string(t) && t->len > 0 && t->len <= 64;
    for (size_t i = 0; ok && i < t->len; i++) {
        char ch = t->text[i];
        ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
             ch == '.' || ch == '-' || ch == '_';
    }
    if (!ok) {
        S_warn(c, t, "%sstridecType is not a type name; left out", S_where(cell));
        return NULL;
    }
    return t->text;
}

/* Threat Dragon flags that become props when set. */
typedef struct {
    const char *td, *prop;
} S_flag;

static const S_flag S_actor_flags[] = {{"providesAuthentication", "provides_authentication"}};
static const S_flag S_process_flags[] = {{"isWebApplication", "web_application"},
                                         {"handlesCardPayment", "handles_card_payment"},
                                         {"handlesGoodsOrServices", "handles_goods_or_services"}};
static const S_flag S_store_flags[] = {{"isALog", "is_log"},
                                       {"storesCredentials", "stores_credentials"},
                                       {"isEncrypted", "encrypted_at_rest"},
                                       {"isSigned", "signed"},
                                       {"storesInventory", "stores_inventory"}};

static int S_flags(S_ctx *c, const S_cell *cell, tm_node *props, const S_flag *flags, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int v = S_get_bool(c, cell->props, flags[i].td, S_where(cell));
        if (v < 0)
            return -1;
        /* a store's encryption stated by stridec says more than "encrypted" */
        const tm_node *enc = strcmp(flags[i].prop, "encrypted_at_rest") == 0
                                 ? tm_node_get(props, "encryption")
                                 : NULL;
        if (enc && S_is_string(enc) && strcmp(enc->text, "none") != 0)
            continue;
        /* The diagram decides: set, or unset where stridec had said true. */
        const tm_node *had = tm_node_get(props, flags[i].prop);
        if (v)
            S_prop_set(c, props, flags[i].prop,
                       S_at(tm_node_bool(c->a, 1), S_get(cell->props, flags[i].td)));
        else if (had && had->kind == TM_NODE_SCALAR && had->stype == TM_SCALAR_BOOL && had->bval)
            S_prop_remove(props, flags[i].prop);
    }
    return 0;
}

static tm_node *S_element(S_ctx *c, const S_cell *cell)
{
    static const char *const types[] = {"generic.external", "generic.process", "generic.store"};
    tm_node *m = S_map(c, cell->node);
    const char *description, *reason, *level;
    int oos = S_get_bool(c, cell->props, "outOfScope", S_where(cell));
    if (S_get_string(c, cell->props, "description", S_where(cell), &description) ||
        S_get_string(c, cell->props, "reasonOutOfScope", S_where(cell), &reason) ||
        S_get_string(c, cell->props, "privilegeLevel", S_where(cell), &level) || oos < 0)
        return NULL;
    const char *threats = S_threats(c, cell);
    if (!threats)
        return NULL;
    S_put(c, m, "id", S_str(c, cell->id, cell->node));
    S_put_str(c, m, "name", cell->name, cell->node);
    S_put_str(c, m, "description", S_describe(c, description, threats), cell->node);
    /* The type stridec exported, else the generic one of the shape; `kind`
     * only where the type would say another. */
    static const char *const kinds[] = {"external", "process", "store"};
    const char *type = S_kept_type(c, cell);
    tm_kind k;
    S_put(c, m, "type", S_str(c, type ? type : types[cell->kind], cell->node));
    if (type && !(tm_catalog_kind(c->catalog, type, &k) && (int)k == (int)cell->kind))
        S_put(c, m, "kind", S_str(c, kinds[cell->kind], cell->node));
    if (cell->box)
        S_put(c, m, "boundary", S_str(c, cell->box->id, cell->node));
    if (oos) {
        S_put_true(c, m, "out_of_scope", S_get(cell->props, "outOfScope"));
        S_put_str(c, m, "reason", reason, cell->node);
    }
    static const char *const own[] = {NULL};
    tm_node *props = S_kept_props(c, cell, own);
    int r = cell->kind == S_ACTOR
                ? S_flags(c, cell, props, S_actor_flags, sizeof S_actor_flags / sizeof(S_flag))
            : cell->kind == S_PROCESS
                ? S_flags(c, cell, props, S_process_flags, sizeof S_process_flags / sizeof(S_flag))
                : S_flags(c, cell, props, S_store_flags, sizeof S_store_flags / sizeof(S_flag));
    if (r != 0)
        return NULL;
    if (cell->kind == S_PROCESS && level && level[0])
        S_prop_set(c, props, "privilege_level",
                   S_str(c, level, S_get(cell->props, "privilegeLevel")));
    else if (cell->kind == S_PROCESS)
        S_prop_remove(props, "privilege_level");
    if (props->n)
        S_put(c, m, "props", props);
    return m;
}

/* What a stridec export kept of a flow in data.stridecFlow (the keys
 * Threat Dragon has no field for): authenticated, authorization, trigger,
 * port. Values of the wrong type or out of range are warned about and left
 * out. -1 after an error. */
static int S_kept_flow(S_ctx *c, const S_cell *cell, tm_node *m)
{
    const tm_node *kept = S_get(cell->props, "stridecFlow");
    if (!kept)
        return 0;
    if (kept->kind != TM_NODE_MAP) {
        S_warn(c, kept, "%sstridecFlow is %s, expected an object; left out", S_where(cell),
               S_json_kind(kept));
        return 0;
    }
    static const char *const bools[] = {"authenticated", "trigger"};
    for (size_t i = 0; i < 2; i++) {
        const tm_node *v = S_get(kept, bools[i]);
        if (v && v->kind == TM_NODE_SCALAR && v->stype == TM_SCALAR_BOOL)
            S_put(c, m, bools[i], S_at(tm_node_bool(c->a, v->bval), v));
        else if (v)
            S_warn(c, v, "stridecFlow.%s is %s, expected true or false; left out", bools[i],
                   S_json_kind(v));
    }
    const tm_node *v = S_get(kept, "authorization");
    if (v && S_is_string(v) &&
        (strcmp(v->text, "none") == 0 || strcmp(v->text, "technical") == 0 ||
         strcmp(v->text, "end-user") == 0))
        S_put(c, m, "authorization", S_str(c, v->text, v));
    else if (v)
        S_warn(c, v, "stridecFlow.authorization is not none, technical or end-user; left out");
    v = S_get(kept, "port");
    if (v && v->kind == TM_NODE_SCALAR && v->stype == TM_SCALAR_INT && v->ival >= 1 &&
        v->ival <= 65535)
        S_put(c, m, "port", S_at(tm_node_int(c->a, v->ival), v));
    else if (v)
        S_warn(c, v, "stridecFlow.port is not a port number (1..65535); left out");
    return 0;
}

static tm_node *S_flow(S_ctx *c, const S_cell *cell)
{
    tm_node *m = S_map(c, cell->node);
    const char *description, *reason, *protocol;
    int oos = S_get_bool(c, cell->props, "outOfScope", S_where(cell));
    int enc = S_get_bool(c, cell->props, "isEncrypted", S_where(cell));
    int pub = S_get_bool(c, cell->props, "isPublicNetwork", S_where(cell));
    int bidi = S_get_bool(c, cell->props, "isBidirectional", S_where(cell));
    if (S_get_string(c, cell->props, "description", S_where(cell), &description) ||
        S_get_string(c, cell->props, "reasonOutOfScope", S_where(cell), &reason) ||
        S_get_string(c, cell->props, "protocol", S_where(cell), &protocol) || oos < 0 || enc < 0 ||
        pub < 0 || bidi < 0)
        return NULL;
    const char *threats = S_threats(c, cell);
    if (!threats)
        return NULL;
    S_put(c, m, "id", S_str(c, cell->id, cell->node));
    S_put(c, m, "from", S_str(c, cell->from->id, cell->src));
    S_put(c, m, "to", S_str(c, cell->to->id, cell->dst));
    S_put_str(c, m, "name", cell->name, cell->node);
    S_put_str(c, m, "description", S_describe(c, description, threats), cell->node);
    const char *proto = S_slug(c->a, protocol ? protocol : "", S_MAX_SLUG);
    if (protocol && strcmp(S_squeeze(c->a, protocol), "HTTP/S") == 0)
        proto = "https";
    S_put_str(c, m, "protocol", proto, S_get(cell->props, "protocol"));
    const tm_node *encn = S_get(cell->props, "isEncrypted");
    if (encn)
        S_put(c, m, "encrypted", S_at(tm_node_bool(c->a, enc), encn));
    if (bidi)
        S_put_true(c, m, "bidirectional", S_get(cell->props, "isBidirectional"));
    if (S_kept_flow(c, cell, m) != 0)
        return NULL;
    static const char *const own[] = {"public_network", "out_of_scope", "out_of_scope_reason",
                                      "trust_boundary_curves", NULL};
    tm_node *props = S_kept_props(c, cell, own);
    if (pub)
        S_put_true(c, props, "public_network", S_get(cell->props, "isPublicNetwork"));
    if (oos) {
        S_put_true(c, props, "out_of_scope", S_get(cell->props, "outOfScope"));
        S_put_str(c, props, "out_of_scope_reason", reason, cell->node);
    }
    if (cell->n_curves) {
        tm_node *l = S_list(c, cell->node);
        for (size_t i = 0; i < cell->n_curves; i++)
            tm_node_list_push(c->a, l, S_str(c, cell->curves[i], cell->node));
        S_put(c, props, "trust_boundary_curves", l);
    }
    if (props->n)
        S_put(c, m, "props", props);
    return m;
}

static tm_node *S_boundary(S_ctx *c, const S_cell *cell)
{
    tm_node *m = S_map(c, cell->node);
    const char *description;
    if (S_get_string(c, cell->props, "description", S_where(cell), &description))
        return NULL;
    const char *threats = S_threats(c, cell);
    if (!threats)
        return NULL;
    S_put(c, m, "id", S_str(c, cell->id, cell->node));
    S_put_str(c, m, "name", cell->name, cell->node);
    S_put_str(c, m, "type", S_kept_type(c, cell), cell->node);
    if (cell->box)
        S_put(c, m, "parent", S_str(c, cell->box->id, cell->node));
    S_put_str(c, m, "description", S_describe(c, description, threats), cell->node);
    return m;
}

/* Find the cells each flow joins (same diagram) and the ends of its path. */
static void S_link_flows(S_ctx *c, S_cell **cells, size_t n, tm_map *by_id)
{
    for (size_t i = 0; i < n; i++) {
        S_cell *f = cells[i];
        if (f->kind != S_FLOW)
            continue;
        const tm_node *ends[2] = {f->src, f->dst};
        S_cell *joined[2] = {NULL, NULL};
        for (int e = 0; e < 2 && !f->dropped; e++) {
            const char *which = e ? "target" : "source";
            const tm_node *idn = S_end_cell(ends[e]);
            if (!idn) {
                S_warn(c, ends[e],
                       "flow %s is not attached to anything at its %s; a stridec flow joins two "
                       "elements, so it is left out",
                       S_cell_label(c, f), which);
                f->dropped = 1;
                break;
            }
            S_cell *to = tm_map_get(by_id, idn->text);
            if (!to) {
                S_error(c, idn, "flow %s: its %s cell '%s' does not exist in this diagram",
                        S_cell_label(c, f), which, idn->text);
                f->dropped = 1;
                break;
            }
            if (to->kind > S_STORE) {
                S_warn(c, idn,
                       "flow %s: its %s is not an actor, process or store; the flow is left out",
                       S_cell_label(c, f), which);
                f->dropped = 1;
                break;
            }
            joined[e] = to;
        }
        if (f->dropped)
            continue;
        if (joined[0] == joined[1]) {
            S_warn(c, f->node,
                   "flow %s goes from %s to itself; stridec flows join two elements, so it is "
                   "left out",
                   S_cell_label(c, f), S_cell_label(c, joined[0]));
            f->dropped = 1;
            continue;
        }
        f->from = joined[0];
        f->to = joined[1];
        if (f->from->has_rect && f->to->has_rect) {
            f->path[0].x = f->from->x + f->from->w / 2;
            f->path[0].y = f->from->y + f->from->h / 2;
            f->path[f->n_path - 1].x = f->to->x + f->to->w / 2;
            f->path[f->n_path - 1].y = f->to->y + f->to->h / 2;
        } else {
            f->path = NULL;
            f->n_path = 0;
        }
    }
}

static void S_diagram_links(S_ctx *c, S_cell **cells, size_t n)
{
    tm_map *by_id = tm_map_new(n + 1);
    for (size_t i = 0; i < n; i++) {
        S_cell *prev = tm_map_put(by_id, cells[i]->cell_id, cells[i]);
        if (prev) {
            S_error(c, tm_node_get(cells[i]->node, "id"),
                    "duplicate cell id '%s' (first at line %u, column %u)", cells[i]->cell_id,
                    prev->node->line, prev->node->col);
            tm_map_put(by_id, cells[i]->cell_id, prev);
        }
    }
    if (!c->errors) {
        S_place(c, cells, n);
        S_link_flows(c, cells, n, by_id);
    }
    if (!c->errors)
        S_cross(c, cells, n);
    tm_map_free(by_id);
}

static tm_node *S_system(S_ctx *c, const tm_node *root, const tm_node *summary,
                         const tm_node *detail)
{
    const char *title, *owner, *description, *reviewer;
    if (S_get_string(c, summary, "title", "summary.", &title) ||
        S_get_string(c, summary, "owner", "summary.", &owner) ||
        S_get_string(c, summary, "description", "summary.", &description) ||
        S_get_string(c, detail, "reviewer", "detail.", &reviewer))
        return NULL;
    title = S_squeeze(c->a, title);
    if (!title[0]) {
        S_error(c, summary, "summary.title is missing: a Threat Dragon model has a title");
        return NULL;
    }
    tm_node *sys = S_map(c, summary);
    S_put(c, sys, "name", S_str(c, title, S_get(summary, "title")));
    /* Contributors have no key of their own in a stridec model: they are named
     * in the description. */
    tm_buf text;
    tm_buf_init(&text, 0);
    if (description && description[0])
        tm_buf_puts(&text, description);
    const tm_node *contrib = S_get(detail, "contributors");
    if (contrib && contrib->kind != TM_NODE_LIST) {
        S_error(c, contrib, "detail.contributors is %s, expected an array", S_json_kind(contrib));
        tm_buf_free(&text);
        return NULL;
    }
    size_t named = 0;
    for (size_t i = 0; contrib && i < contrib->n; i++) {
        const tm_node *p = contrib->items[i];
        const char *who = S_is_string(p) ? p->text : S_path_string(p, (const char *const[]){"name"}, 1);
        who = S_squeeze(c->a, who);
        if (!who[0])
            continue;
        tm_buf_puts(&text, named ? ", " : text.len ? "\n\nContributors: " : "Contributors: ");
        tm_buf_puts(&text, who);
        named++;
    }
    if (named)
        tm_buf_putc(&text, '.');
    S_put_str(c, sys, "description", text.data, summary);
    tm_buf_free(&text);
    S_put_str(c, sys, "owner", S_squeeze(c->a, owner), S_get(summary, "owner"));
    if (reviewer && reviewer[0]) {
        /* One string in Threat Dragon; `stridec export` joins reviewers with ", ". */
        tm_node *l = S_list(c, S_get(detail, "reviewer"));
        const char *p = reviewer;
        while (*p) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            const char *one = S_squeeze(c->a, tm_arena_strndup(c->a, p, len));
            if (one[0])
                tm_node_list_push(c->a, l, S_str(c, one, S_get(detail, "reviewer")));
            p += len + (comma != NULL);
        }
        if (l->n)
            S_put(c, sys, "reviewers", l);
    }
    (void)root;
    return sys;
}

static tm_node *S_import(S_ctx *cp, const tm_node *root);

tm_node *tm_import_threatdragon(tm_arena *arena, const tm_node *root, const char *file, tm_diags *d)
{
    S_ctx c;
    memset(&c, 0, sizeof c);
    c.a = arena;
    c.file = file;
    c.d = d;
    c.catalog = tm_catalog_builtin(d);
    if (!c.catalog)
        return NULL;
    tm_node *out = S_import(&c, root);
    tm_catalog_free(c.catalog);
    return out;
}

static tm_node *S_import(S_ctx *cp, const tm_node *root)
{
    S_ctx c = *cp;
    tm_arena *arena = c.a;

    if (!root || root->kind != TM_NODE_MAP) {
        S_error(&c, root,
                "not a Threat Dragon model: the file holds %s, expected an object with summary "
                "and detail",
                root ? S_json_kind(root) : "nothing");
        return NULL;
    }
    const tm_node *version = S_get(root, "version");
    if (version && !S_is_string(version)) {
        S_error(&c, version, "version is %s, expected a string such as \"2.3.0\"",
                S_json_kind(version));
        return NULL;
    }
    if (version && strncmp(version->text, "1.", 2) != 0 && strncmp(version->text, "2.", 2) != 0) {
        S_error(&c, version, "unsupported Threat Dragon version '%s' (stridec reads 1.x and 2.x)",
                version->text);
        return NULL;
    }
    const tm_node *summary = S_get(root, "summary"), *detail = S_get(root, "detail");
    if (!summary || !detail) {
        S_error(&c, root, "not a Threat Dragon model: no %s", !summary ? "summary" : "detail");
        return NULL;
    }
    if (summary->kind != TM_NODE_MAP) {
        S_error(&c, summary, "summary is %s, expected an object with the title",
                S_json_kind(summary));
        return NULL;
    }
    if (detail->kind != TM_NODE_MAP) {
        S_error(&c, detail, "detail is %s, expected an object with the diagrams",
                S_json_kind(detail));
        return NULL;
    }
    const tm_node *diagrams = S_get(detail, "diagrams");
    if (!diagrams) {
        S_error(&c, detail, "detail.diagrams is missing");
        return NULL;
    }
    if (diagrams->kind != TM_NODE_LIST) {
        S_error(&c, diagrams, "detail.diagrams is %s, expected an array of diagrams",
                S_json_kind(diagrams));
        return NULL;
    }
    tm_node *system = S_system(&c, root, summary, detail);
    if (!system)
        return NULL;

    c.taken = tm_map_new(64);
    c.next_suffix = tm_map_new(16);
    tm_node *out = NULL;

    for (size_t i = 0; i < diagrams->n; i++)
        S_read_diagram(&c, diagrams->items[i], i);
    /* Per diagram: duplicate ids, boxes, flow ends, curve crossings. */
    for (size_t lo = 0; lo < c.n_cells && !c.errors;) {
        size_t hi = lo;
        while (hi < c.n_cells && c.cells[hi]->diagram == c.cells[lo]->diagram)
            hi++;
        S_diagram_links(&c, c.cells + lo, hi - lo);
        lo = hi;
    }
    if (c.errors)
        goto done;
    S_assign_ids(&c, 0);
    S_assign_ids(&c, 1);

    out = S_map(&c, root);
    c.decisions = S_list(&c, root);
    S_put(&c, out, "stridec", S_at(tm_node_int(arena, 1), root));
    S_put(&c, out, "system", system);
    tm_node *boundaries = S_list(&c, root), *elements = S_list(&c, root),
            *flows = S_list(&c, root);
    for (size_t i = 0; i < c.n_cells && !c.errors; i++) {
        S_cell *x = c.cells[i];
        tm_node *n = NULL;
        if (x->kind == S_BOX && (n = S_boundary(&c, x)) != NULL)
            tm_node_list_push(arena, boundaries, n);
        else if (x->kind <= S_STORE && (n = S_element(&c, x)) != NULL)
            tm_node_list_push(arena, elements, n);
        else if (x->kind == S_FLOW && !x->dropped && (n = S_flow(&c, x)) != NULL)
            tm_node_list_push(arena, flows, n);
    }
    if (c.errors) {
        out = NULL;
        goto done;
    }
    if (boundaries->n)
        S_put(&c, out, "boundaries", boundaries);
    if (elements->n)
        S_put(&c, out, "elements", elements);
    if (flows->n)
        S_put(&c, out, "flows", flows);
    if (c.decisions->n)
        S_put(&c, out, "threats", c.decisions);
done:
    tm_map_free(c.taken);
    tm_map_free(c.next_suffix);
    return c.errors ? NULL : out;
}
