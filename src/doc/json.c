/*
 * JSON reader: RFC 8259 text -> document tree.
 *
 * A small recursive-descent parser of its own rather than cJSON: cJSON keeps
 * no positions, accepts duplicate keys and reports errors through a
 * process-wide pointer, while every node and key here needs its exact line and
 * column. The grammar is strict RFC 8259: no comments, no trailing commas, no
 * NaN, no leading zeros, exactly one value (trailing characters are an error).
 * Integers that fit a long long are TM_SCALAR_INT; other numbers (fractions,
 * exponents, integers out of range) are TM_SCALAR_FLOAT with the text kept.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "doc/reader.h"

typedef struct {
    tm_reader r;
    size_t i; /* current byte offset in r.text */
} S_json;

static void S_where(S_json *j, size_t off, uint32_t *line, uint32_t *col)
{
    tm_textpos_at(&j->r.pos, off, line, col);
}

/* What the parser found at `off`, for "expected X, found Y" messages. */
static const char *S_found(S_json *j, size_t off)
{
    if (off >= j->r.len)
        return "end of input";
    unsigned char c = (unsigned char)j->r.text[off];
    if (c < 0x20 || c == 0x7F)
        return tm_arena_printf(j->r.arena, "U+%04X", c);
    if (c < 0x80)
        return tm_arena_printf(j->r.arena, "'%c'", c);
    uint32_t cp;
    int k = tm_utf8_decode(j->r.text + off, j->r.len - off, &cp);
    return tm_arena_printf(j->r.arena, "'%.*s'", k, j->r.text + off);
}

static void S_error_at(S_json *j, size_t off, const char *code, const char *msg, const char *arg)
{
    uint32_t line, col;
    S_where(j, off, &line, &col);
    if (arg)
        tm_reader_error(&j->r, code, line, col, "%s%s", msg, arg);
    else
        tm_reader_error(&j->r, code, line, col, "%s", msg);
}

static void S_skip_ws(S_json *j)
{
    const char *t = j->r.text;
    while (j->i < j->r.len &&
           (t[j->i] == ' ' || t[j->i] == '\t' || t[j->i] == '\n' || t[j->i] == '\r'))
        j->i++;
}

static int S_hex4(const char *s, size_t avail, uint32_t *out)
{
    if (avail < 4)
        return -1;
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static void S_put_utf8(tm_buf *b, uint32_t cp)
{
    char u[4];
    if (cp < 0x80) {
        u[0] = (char)cp;
        tm_buf_put(b, u, 1);
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        tm_buf_put(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        tm_buf_put(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        tm_buf_put(b, u, 4);
    }
}

/* A string starting at the '"' at j->i; on success *out and *out_len hold the
 * decoded text (arena) and j->i is past the closing quote. */
static int S_string(S_json *j, const char **out, size_t *out_len)
{
    const char *t = j->r.text;
    size_t start = j->i;
    size_t i = j->i + 1;
    /* Fast path: no escapes, copy the run as is. */
    size_t k = i;
    while (k < j->r.len && t[k] != '"' && t[k] != '\\' && (unsigned char)t[k] >= 0x20)
        k++;
    if (k < j->r.len && t[k] == '"') {
        *out = tm_arena_strndup(j->r.arena, t + i, k - i);
        *out_len = k - i;
        j->i = k + 1;
        return 0;
    }
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_put(&b, "", 0);
    for (;;) {
        if (i >= j->r.len) {
            S_error_at(j, start, "syntax", "unterminated string", NULL);
            goto fail;
        }
        unsigned char c = (unsigned char)t[i];
        if (c == '"')
            break;
        if (c < 0x20) {
            S_error_at(j, i, "syntax",
                       tm_arena_printf(j->r.arena,
                                       "control character U+%04X in string (write it as an escape)",
                                       c),
                       NULL);
            goto fail;
        }
        if (c != '\\') {
            size_t run = i;
            while (run < j->r.len && t[run] != '"' && t[run] != '\\' &&
                   (unsigned char)t[run] >= 0x20)
                run++;
            tm_buf_put(&b, t + i, run - i);
            i = run;
            continue;
        }
        size_t esc = i;
        if (i + 1 >= j->r.len) {
            S_error_at(j, start, "syntax", "unterminated string", NULL);
            goto fail;
        }
        char e = t[i + 1];
        i += 2;
        switch (e) {
        case '"': tm_buf_putc(&b, '"'); break;
        case '\\': tm_buf_putc(&b, '\\'); break;
        case '/': tm_buf_putc(&b, '/'); break;
        case 'b': tm_buf_putc(&b, '\b'); break;
        case 'f': tm_buf_putc(&b, '\f'); break;
        case 'n': tm_buf_putc(&b, '\n'); break;
        case 'r': tm_buf_putc(&b, '\r'); break;
        case 't': tm_buf_putc(&b, '\t'); break;
        case 'u': {
            uint32_t cp;
            if (S_hex4(t + i, j->r.len - i, &cp) < 0) {
                S_error_at(j, esc, "syntax", "invalid \\u escape (expected 4 hex digits)", NULL);
                goto fail;
            }
            i += 4;
            if (cp == 0) {
                S_error_at(j, esc, "syntax", "\\u0000 is not allowed in strings", NULL);
                goto fail;
            }
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                S_error_at(j, esc, "syntax",
                           tm_arena_printf(j->r.arena,
                                           "invalid surrogate escape \\u%04X (a low surrogate "
                                           "without a high one before it)",
                                           cp),
                           NULL);
                goto fail;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t lo;
                if (i + 1 < j->r.len && t[i] == '\\' && t[i + 1] == 'u' &&
                    S_hex4(t + i + 2, j->r.len - i - 2, &lo) == 0 && lo >= 0xDC00 &&
                    lo <= 0xDFFF) {
                    i += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else {
                    S_error_at(j, esc, "syntax",
                               tm_arena_printf(j->r.arena,
                                               "invalid surrogate escape \\u%04X (a high "
                                               "surrogate must be followed by a low one)",
                                               cp),
                               NULL);
                    goto fail;
                }
            }
            S_put_utf8(&b, cp);
            break;
        }
        default:
            S_error_at(j, esc, "syntax", "invalid escape in string: \\", S_found(j, esc + 1));
            goto fail;
        }
    }
    *out = tm_arena_strndup(j->r.arena, b.data, b.len);
    *out_len = b.len;
    tm_buf_free(&b);
    j->i = i + 1;
    return 0;
fail:
    tm_buf_free(&b);
    return -1;
}

static int S_digit(char c)
{
    return c >= '0' && c <= '9';
}

static tm_node *S_number(S_json *j, uint32_t line, uint32_t col)
{
    const char *t = j->r.text;
    size_t start = j->i, i = j->i;
    int is_int = 1;
    if (i < j->r.len && t[i] == '-')
        i++;
    if (i >= j->r.len || !S_digit(t[i])) {
        S_error_at(j, i, "syntax", "invalid number: expected a digit, found ", S_found(j, i));
        return NULL;
    }
    if (t[i] == '0') {
        i++;
        if (i < j->r.len && S_digit(t[i])) {
            S_error_at(j, start, "syntax", "invalid number: leading zeros are not allowed", NULL);
            return NULL;
        }
    } else {
        while (i < j->r.len && S_digit(t[i]))
            i++;
    }
    if (i < j->r.len && t[i] == '.') {
        is_int = 0;
        i++;
        if (i >= j->r.len || !S_digit(t[i])) {
            S_error_at(j, i, "syntax",
                       "invalid number: expected a digit after '.', found ", S_found(j, i));
            return NULL;
        }
        while (i < j->r.len && S_digit(t[i]))
            i++;
    }
    if (i < j->r.len && (t[i] == 'e' || t[i] == 'E')) {
        is_int = 0;
        i++;
        if (i < j->r.len && (t[i] == '+' || t[i] == '-'))
            i++;
        if (i >= j->r.len || !S_digit(t[i])) {
            S_error_at(j, i, "syntax",
                       "invalid number: expected a digit in the exponent, found ", S_found(j, i));
            return NULL;
        }
        while (i < j->r.len && S_digit(t[i]))
            i++;
    }
    tm_node *n = tm_reader_node(&j->r, TM_NODE_SCALAR, line, col);
    if (!n)
        return NULL;
    n->text = tm_arena_strndup(j->r.arena, t + start, i - start);
    n->len = i - start;
    j->i = i;
    if (is_int) {
        errno = 0;
        long long v = strtoll(n->text, NULL, 10);
        if (errno != ERANGE) {
            n->stype = TM_SCALAR_INT;
            n->ival = v;
            return n;
        }
    }
    n->stype = TM_SCALAR_FLOAT;
    n->fval = strtod(n->text, NULL);
    return n;
}

static int S_literal(S_json *j, const char *word)
{
    size_t n = strlen(word);
    if (j->r.len - j->i < n || memcmp(j->r.text + j->i, word, n) != 0)
        return 0;
    /* "truex" is not "true" followed by garbage but one bad word. */
    if (j->i + n < j->r.len) {
        char c = j->r.text[j->i + n];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || S_digit(c) || c == '_')
            return 0;
    }
    return 1;
}

static tm_node *S_value(S_json *j, size_t depth);

static tm_node *S_object(S_json *j, size_t depth, uint32_t line, uint32_t col)
{
    tm_node *map = tm_reader_node(&j->r, TM_NODE_MAP, line, col);
    if (!map)
        return NULL;
    tm_map *index = NULL;
    j->i++; /* '{' */
    S_skip_ws(j);
    if (j->i < j->r.len && j->r.text[j->i] == '}') {
        j->i++;
        return map;
    }
    for (;;) {
        S_skip_ws(j);
        if (j->i >= j->r.len || j->r.text[j->i] != '"') {
            S_error_at(j, j->i, "syntax", "expected a string key, found ", S_found(j, j->i));
            goto fail;
        }
        uint32_t kl, kc;
        S_where(j, j->i, &kl, &kc);
        const char *key;
        size_t klen;
        if (S_string(j, &key, &klen) < 0)
            goto fail;
        if (memchr(key, 0, klen)) { /* unreachable: \u0000 is rejected */
            S_error_at(j, j->i, "syntax", "NUL character in key", NULL);
            goto fail;
        }
        S_skip_ws(j);
        if (j->i >= j->r.len || j->r.text[j->i] != ':') {
            S_error_at(j, j->i, "syntax", "expected ':' after the key, found ", S_found(j, j->i));
            goto fail;
        }
        j->i++;
        tm_node *v = S_value(j, depth);
        if (!v)
            goto fail;
        if (tm_reader_put(&j->r, map, &index, key, kl, kc, v) < 0)
            goto fail;
        S_skip_ws(j);
        if (j->i < j->r.len && j->r.text[j->i] == ',') {
            j->i++;
            continue;
        }
        if (j->i < j->r.len && j->r.text[j->i] == '}') {
            j->i++;
            break;
        }
        S_error_at(j, j->i, "syntax", "expected ',' or '}' after a member, found ",
                   S_found(j, j->i));
        goto fail;
    }
    tm_map_free(index);
    return map;
fail:
    tm_map_free(index);
    return NULL;
}

static tm_node *S_array(S_json *j, size_t depth, uint32_t line, uint32_t col)
{
    tm_node *list = tm_reader_node(&j->r, TM_NODE_LIST, line, col);
    if (!list)
        return NULL;
    j->i++; /* '[' */
    S_skip_ws(j);
    if (j->i < j->r.len && j->r.text[j->i] == ']') {
        j->i++;
        return list;
    }
    for (;;) {
        tm_node *v = S_value(j, depth);
        if (!v)
            return NULL;
        tm_node_list_push(j->r.arena, list, v);
        S_skip_ws(j);
        if (j->i < j->r.len && j->r.text[j->i] == ',') {
            j->i++;
            continue;
        }
        if (j->i < j->r.len && j->r.text[j->i] == ']') {
            j->i++;
            return list;
        }
        S_error_at(j, j->i, "syntax", "expected ',' or ']' after an item, found ",
                   S_found(j, j->i));
        return NULL;
    }
}

/* One value after optional whitespace; `depth` counts the enclosing
 * containers. */
static tm_node *S_value(S_json *j, size_t depth)
{
    S_skip_ws(j);
    uint32_t line, col;
    S_where(j, j->i, &line, &col);
    if (j->i >= j->r.len) {
        S_error_at(j, j->i, "syntax", "expected a value, found end of input", NULL);
        return NULL;
    }
    char c = j->r.text[j->i];
    if (c == '{' || c == '[') {
        if (tm_reader_depth(&j->r, depth + 1, line, col) < 0)
            return NULL;
        return c == '{' ? S_object(j, depth + 1, line, col) : S_array(j, depth + 1, line, col);
    }
    if (c == '"') {
        const char *s;
        size_t n;
        if (S_string(j, &s, &n) < 0)
            return NULL;
        tm_node *node = tm_reader_node(&j->r, TM_NODE_SCALAR, line, col);
        if (!node)
            return NULL;
        node->stype = TM_SCALAR_STRING;
        node->text = s;
        node->len = n;
        return node;
    }
    if (c == '-' || S_digit(c))
        return S_number(j, line, col);
    static const struct {
        const char *word;
        tm_scalar_type type;
        int bval;
    } lits[] = {{"true", TM_SCALAR_BOOL, 1}, {"false", TM_SCALAR_BOOL, 0},
                {"null", TM_SCALAR_NULL, 0}};
    for (size_t k = 0; k < sizeof lits / sizeof lits[0]; k++) {
        if (S_literal(j, lits[k].word)) {
            tm_node *node = tm_reader_node(&j->r, TM_NODE_SCALAR, line, col);
            if (!node)
                return NULL;
            node->stype = lits[k].type;
            node->bval = lits[k].bval;
            node->text = lits[k].word;
            node->len = strlen(lits[k].word);
            j->i += node->len;
            return node;
        }
    }
    S_error_at(j, j->i, "syntax", "expected a value, found ", S_found(j, j->i));
    return NULL;
}

tm_node *tm_read_json(tm_arena *arena, const char *file, const char *text, size_t len,
                      const tm_read_limits *lim, tm_diags *d)
{
    S_json j;
    if (tm_reader_begin(&j.r, arena, file, text, len, lim, d) < 0)
        return NULL;
    j.i = 0;
    tm_node *root = S_value(&j, 0);
    if (!root)
        return NULL;
    S_skip_ws(&j);
    if (j.i < j.r.len) {
        S_error_at(&j, j.i, "syntax", "trailing characters after the JSON value, found ",
                   S_found(&j, j.i));
        return NULL;
    }
    return root;
}
