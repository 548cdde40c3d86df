/*
 * Writers: a document tree back to JSON or YAML text, deterministically
 * (keys in tree order, fixed layout), such that reading the output back with
 * the matching reader gives a tree tm_node_equal() to the input.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/doc.h"

/* ----------------------------------------------------------------- numbers */

/* The shortest "%.Ng" (N <= 17) that reads back as the same double, with
 * ".0" added when it would otherwise look like an integer, so that a float
 * stays a float through a write and a read. Finite values only. */
static void S_put_double(tm_buf *out, double v)
{
    char s[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(s, sizeof s, "%.*g", prec, v);
        if (strtod(s, NULL) == v)
            break;
    }
    tm_buf_puts(out, s);
    if (!strpbrk(s, ".eEn")) /* "n": inf/nan never get here, but be safe */
        tm_buf_puts(out, ".0");
}

/* ------------------------------------------------------------------ JSON */

/* Bytes that need an escape in a JSON string: controls, '"' and '\\'. */
static const unsigned char S_json_special[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x00 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x10 */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20: '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x50: '\\' */
};

static void S_json_escape_n(tm_buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    tm_buf_putc(out, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!S_json_special[c])
            continue; /* the common case: part of the current run */
        const char *esc = NULL;
        char u[7];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (c < 0x20) {
                memcpy(u, "\\u00", 4);
                u[4] = hex[c >> 4];
                u[5] = hex[c & 15];
                u[6] = 0;
                esc = u;
            }
        }
        if (esc) {
            tm_buf_put(out, s + run, i - run);
            tm_buf_puts(out, esc);
            run = i + 1;
        }
    }
    tm_buf_put(out, s + run, n - run);
    tm_buf_putc(out, '"');
}

void tm_json_escape(tm_buf *out, const char *s)
{
    if (!s)
        s = "";
    S_json_escape_n(out, s, strlen(s));
}

static void S_json_scalar(tm_buf *out, const tm_node *n)
{
    switch (n->stype) {
    case TM_SCALAR_NULL:
        tm_buf_puts(out, "null");
        break;
    case TM_SCALAR_BOOL:
        tm_buf_puts(out, n->bval ? "true" : "false");
        break;
    case TM_SCALAR_INT:
        tm_buf_printf(out, "%lld", n->ival);
        break;
    case TM_SCALAR_FLOAT:
        if (isfinite(n->fval))
            S_put_double(out, n->fval);
        else
            tm_buf_puts(out, "null"); /* JSON has no infinities or NaN */
        break;
    default:
        if (n->text)
            S_json_escape_n(out, n->text, n->len);
        else
            tm_buf_puts(out, "\"\"");
        break;
    }
}

static void S_json(tm_buf *out, const tm_node *n, size_t indent, int pretty)
{
    if (!n) {
        tm_buf_puts(out, "null");
        return;
    }
    if (n->kind == TM_NODE_SCALAR) {
        S_json_scalar(out, n);
        return;
    }
    int map = n->kind == TM_NODE_MAP;
    if (n->n == 0) {
        tm_buf_puts(out, map ? "{}" : "[]");
        return;
    }
    tm_buf_putc(out, map ? '{' : '[');
    for (size_t i = 0; i < n->n && !out->failed; i++) {
        if (i)
            tm_buf_putc(out, ',');
        if (pretty) {
            tm_buf_putc(out, '\n');
            tm_buf_spaces(out, indent + 2);
        }
        if (map) {
            tm_json_escape(out, n->pairs[i].key);
            tm_buf_puts(out, pretty ? ": " : ":");
        }
        S_json(out, map ? n->pairs[i].value : n->items[i], indent + 2, pretty);
    }
    if (pretty) {
        tm_buf_putc(out, '\n');
        tm_buf_spaces(out, indent);
    }
    tm_buf_putc(out, map ? '}' : ']');
}

int tm_write_json_at(const tm_node *n, tm_buf *out, size_t indent)
{
    S_json(out, n, indent, 1);
    return out->failed ? -1 : 0;
}

int tm_write_json(const tm_node *n, tm_buf *out, int pretty)
{
    S_json(out, n, 0, pretty);
    if (pretty)
        tm_buf_putc(out, '\n');
    return out->failed ? -1 : 0;
}

/* ------------------------------------------------------------------ YAML */

/* Plain (unquoted) only when the text cannot be read back as anything else:
 * it starts with a letter, '_' or '/' (so no number, no indicator such as
 * '-', '?', '&', '*', '!', '|', '>', '%', '@', no .inf/.nan), is none of the
 * words a YAML 1.2 or 1.1 reader takes for null or a boolean, and holds only
 * printable characters with no ": ", " #", trailing ':', flow indicators,
 * quotes or backslashes. Everything else is double-quoted with escapes.
 * Over-quoting is harmless; under-quoting would change the value. */
static int S_yaml_plain_ok(const char *s, size_t n)
{
    static const char *const words[] = {
        "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
        "y",    "Y",    "yes",  "Yes",  "YES",  "n",    "N",    "no",    "No",
        "NO",   "on",   "On",   "ON",   "off",  "Off",  "OFF",
    };
    if (n == 0 || n > 512)
        return 0;
    unsigned char c0 = (unsigned char)s[0];
    if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || c0 == '_' || c0 == '/'))
        return 0;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
            return 0;
    if (s[n - 1] == ' ' || s[n - 1] == ':')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80)
            return 0; /* keep it simple: non-ASCII text is quoted (still UTF-8) */
        if (c < 0x20 || c == 0x7F)
            return 0;
        if (strchr("\"'\\`[]{},", c))
            return 0;
        if (c == ':' && i + 1 < n && s[i + 1] == ' ')
            return 0;
        if (c == '#' && s[i - 1] == ' ')
            return 0;
    }
    return 1;
}

/* A double-quoted YAML scalar. Non-ASCII text stays UTF-8 except for the
 * code points libyaml treats as line breaks or refuses as input. */
static void S_yaml_quoted(tm_buf *out, const char *s, size_t n)
{
    tm_buf_putc(out, '"');
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': tm_buf_puts(out, "\\\""); i++; continue;
        case '\\': tm_buf_puts(out, "\\\\"); i++; continue;
        case '\n': tm_buf_puts(out, "\\n"); i++; continue;
        case '\t': tm_buf_puts(out, "\\t"); i++; continue;
        case '\r': tm_buf_puts(out, "\\r"); i++; continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7F) {
            tm_buf_printf(out, "\\x%02X", c);
            i++;
            continue;
        }
        if (c < 0x80) {
            tm_buf_putc(out, (char)c);
            i++;
            continue;
        }
        uint32_t cp;
        int k = tm_utf8_decode(s + i, n - i, &cp);
        if (cp >= 0x80 && cp <= 0x9F)
            tm_buf_printf(out, "\\x%02X", (unsigned)cp); /* C1 controls incl. NEL */
        else if (cp == 0x2028)
            tm_buf_puts(out, "\\L");
        else if (cp == 0x2029)
            tm_buf_puts(out, "\\P");
        else if (cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF)
            tm_buf_printf(out, "\\u%04X", (unsigned)cp);
        else
            tm_buf_put(out, s + i, (size_t)k);
        i += (size_t)k;
    }
    tm_buf_putc(out, '"');
}

static void S_yaml_string(tm_buf *out, const char *s, size_t n)
{
    if (S_yaml_plain_ok(s, n))
        tm_buf_put(out, s, n);
    else
        S_yaml_quoted(out, s, n);
}

static void S_yaml_scalar(tm_buf *out, const tm_node *n)
{
    switch (n->stype) {
    case TM_SCALAR_NULL:
        tm_buf_puts(out, "null");
        break;
    case TM_SCALAR_BOOL:
        tm_buf_puts(out, n->bval ? "true" : "false");
        break;
    case TM_SCALAR_INT:
        tm_buf_printf(out, "%lld", n->ival);
        break;
    case TM_SCALAR_FLOAT:
        if (isnan(n->fval))
            tm_buf_puts(out, ".nan");
        else if (isinf(n->fval))
            tm_buf_puts(out, n->fval < 0 ? "-.inf" : ".inf");
        else
            S_put_double(out, n->fval);
        break;
    default:
        S_yaml_string(out, n->text ? n->text : "", n->text ? n->len : 0);
        break;
    }
}

static int S_yaml_inline(const tm_node *n)
{
    return !n || n->kind == TM_NODE_SCALAR || n->n == 0;
}

/* Scalars and empty collections on the current line. */
static void S_yaml_inline_value(tm_buf *out, const tm_node *n)
{
    if (!n)
        tm_buf_puts(out, "null");
    else if (n->kind == TM_NODE_SCALAR)
        S_yaml_scalar(out, n);
    else
        tm_buf_puts(out, n->kind == TM_NODE_MAP ? "{}" : "[]");
}

/* A non-empty collection whose first line continues the current line when
 * `inline_first` (after "- "), every other line indented by `indent`. */
static void S_yaml_block(tm_buf *out, const tm_node *n, size_t indent, int inline_first)
{
    for (size_t i = 0; i < n->n && !out->failed; i++) {
        if (i > 0 || !inline_first)
            tm_buf_spaces(out, indent);
        if (n->kind == TM_NODE_LIST) {
            const tm_node *item = n->items[i];
            tm_buf_puts(out, "- ");
            if (S_yaml_inline(item)) {
                S_yaml_inline_value(out, item);
                tm_buf_putc(out, '\n');
            } else {
                S_yaml_block(out, item, indent + 2, 1);
            }
            continue;
        }
        const tm_pair *p = &n->pairs[i];
        size_t klen = strlen(p->key);
        /* libyaml refuses implicit keys longer than 1024 characters: use
         * the explicit "? key" form for long ones. */
        int explicit_key = klen > 200; /* escapes grow it at most 4x */
        if (explicit_key) {
            tm_buf_puts(out, "? ");
            S_yaml_quoted(out, p->key, klen);
            tm_buf_putc(out, '\n');
            tm_buf_spaces(out, indent);
        } else {
            S_yaml_string(out, p->key, klen);
        }
        tm_buf_putc(out, ':');
        if (S_yaml_inline(p->value)) {
            tm_buf_putc(out, ' ');
            S_yaml_inline_value(out, p->value);
            tm_buf_putc(out, '\n');
        } else if (explicit_key) {
            tm_buf_putc(out, ' ');
            S_yaml_block(out, p->value, indent + 2, 1);
        } else {
            tm_buf_putc(out, '\n');
            S_yaml_block(out, p->value, indent + 2, 0);
        }
    }
}

int tm_write_yaml(const tm_node *n, tm_buf *out)
{
    if (S_yaml_inline(n)) {
        S_yaml_inline_value(out, n);
        tm_buf_putc(out, '\n');
    } else {
        S_yaml_block(out, n, 0, 0);
    }
    return out->failed ? -1 : 0;
}
