/*
 * Mustache templates (include/stridec/template.h).
 *
 * Two stages. S_parse turns a template into a flat token list once: literal
 * text, tags, and for each section the index where its body ends; comments
 * and delimiter changes leave no token, and standalone lines are cut out
 * here, so the renderer never looks at whitespace rules. S_run then walks the
 * tokens with an explicit stack of frames (a section body, a list iteration,
 * a partial) and a context stack for name lookup.
 *
 * Partial indentation. The specification defines it textually: a standalone
 * {{>p}} indented by W renders p as if W were inserted at the start of every
 * line of p's source. Rather than rewrite and re-parse p for every W, the
 * parser marks where p's source lines start: a text token that starts a line
 * (bol), a newline inside a text token followed by more text, and a TOK_LINE
 * marker before a tag that starts a line. The renderer emits the frame's
 * indentation at exactly those places, which gives the same bytes as the
 * textual definition (standalone lines disappear with their indentation,
 * interpolated values are not indented) without copying the partial.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/template.h"

#define S_NOT_FOUND ((size_t)-1)

/* ================================================================ tokens */

typedef enum {
    TOK_TEXT,     /* literal text */
    TOK_VAR,      /* {{name}}: escaped */
    TOK_RAW,      /* {{{name}}} or {{&name}}: not escaped */
    TOK_SECTION,  /* {{#name}} body {{/name}} */
    TOK_INVERTED, /* {{^name}} body {{/name}} */
    TOK_PARTIAL,  /* {{>name}} */
    TOK_LINE      /* a source line starts at a tag here: emit the indentation */
} tok_kind;

typedef struct {
    tok_kind kind;
    int bol;        /* TOK_TEXT: the text starts a source line */
    int standalone; /* TOK_PARTIAL: alone on its line (so it is indented) */
    size_t off;     /* byte offset of the text or the tag in the source */
    /* TOK_TEXT: the text (points into the source); otherwise the name as
     * written, trimmed, NUL-terminated (arena) */
    const char *text;
    size_t len;
    const char **parts; /* dotted name split at '.'; nparts 0 means "." */
    size_t nparts;
    size_t end; /* sections: index of the first token after the body */
    const char *indent; /* TOK_PARTIAL standalone: its indentation (source) */
    size_t indent_len;
} tok;

typedef struct {
    const char *name; /* for diagnostics */
    const char *src;
    size_t len;
    tok *toks; /* malloc'd; freed by S_state_free */
    size_t n, cap;
} tmpl;

/* One level of the render stack. */
typedef struct {
    const tmpl *t;
    size_t pc;             /* next token */
    size_t begin, end;     /* the tokens this frame runs */
    const tm_node *list;   /* a section iterating over this list */
    size_t next;           /* the list's next item */
    int pushed;            /* this frame pushed one context */
    int partial;           /* this frame renders a partial */
    const char *indent;    /* emitted at every source line start */
    size_t indent_len;
    const tok *at;         /* the tag that opened the frame (diagnostics) */
} frame;

typedef struct {
    tm_arena *arena;
    tm_diags *d;
    const tm_partials *partials;
    tm_map *cache; /* partial name -> tmpl* (an empty tmpl when not found) */
    tmpl **all;    /* every template parsed, to free */
    size_t nall, capall;
    const tm_node **ctx; /* the context stack; lookups go top down */
    size_t nctx, capctx;
    frame *frames;
    size_t nframes, capframes;
    size_t partial_depth;
    unsigned long long steps; /* tokens executed and list items entered */
    tm_buf *out;
    size_t out_start; /* out->len on entry: output so far earns steps */
    tm_escape_mode esc;
} rstate;

/* ========================================================== diagnostics */

/* Line and column (1-based; column in code points) of byte `off`. Unlike
 * tm_text_position this does not stop at a NUL byte, which a template given
 * with a length may contain. */
static void S_position(const char *s, size_t off, uint32_t *line, uint32_t *col)
{
    uint32_t l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static void S_error(rstate *rs, const tmpl *t, size_t off, const char *fmt, ...) TM_PRINTF(4, 5);

static void S_error(rstate *rs, const tmpl *t, size_t off, const char *fmt, ...)
{
    uint32_t line, col;
    S_position(t->src, off, &line, &col);
    /* Registered only on error: copying every template up front would cost
     * a copy of each report template per render. */
    tm_diags_add_source(rs->d, t->name, t->src, t->len);
    va_list ap;
    va_start(ap, fmt);
    tm_diag_vadd(rs->d, TM_DIAG_ERROR, "template", t->name, line, col, fmt, ap);
    va_end(ap);
}

/* User text quoted in a message: at most 60 bytes (cut at a character
 * boundary, "..." added), control characters shown as '?', so that a huge or
 * multi-line name cannot swamp the diagnostic. Owned by the arena. */
static const char *S_q(rstate *rs, const char *s, size_t n)
{
    size_t keep = n;
    int cut = 0;
    if (keep > 60) {
        keep = 60;
        while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
            keep--;
        cut = 1;
    }
    char *q = tm_arena_alloc(rs->arena, keep + 4); /* zeroed: NUL-terminated */
    for (size_t i = 0; i < keep; i++)
        q[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    if (cut)
        memcpy(q + keep, "...", 3);
    return q;
}

/* ================================================================ parser */

static tmpl *S_new_tmpl(rstate *rs, const char *name, const char *src, size_t len)
{
    tmpl *t = tm_arena_alloc(rs->arena, sizeof *t);
    t->name = name;
    t->src = src;
    t->len = len;
    if (rs->nall == rs->capall) {
        rs->capall = rs->capall ? rs->capall * 2 : 8;
        rs->all = tm_xrealloc(rs->all, rs->capall * sizeof *rs->all);
    }
    rs->all[rs->nall++] = t;
    return t;
}

static tok *S_push_tok(tmpl *t, tok_kind kind, size_t off)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->toks = tm_xrealloc(t->toks, t->cap * sizeof *t->toks);
    }
    tok *k = &t->toks[t->n++];
    memset(k, 0, sizeof *k);
    k->kind = kind;
    k->off = off;
    return k;
}

/* First occurrence of pat[0..plen) in s[from..n), or S_NOT_FOUND. Delimiters
 * are at most TM_MAX_DELIMITER_BYTES long, so this is linear in n. */
static size_t S_find(const char *s, size_t n, size_t from, const char *pat, size_t plen)
{
    if (plen == 0 || n < plen)
        return S_NOT_FOUND;
    size_t last = n - plen; /* last possible start */
    for (size_t i = from; i <= last; i++) {
        const char *p = memchr(s + i, pat[0], last - i + 1);
        if (!p)
            return S_NOT_FOUND;
        i = (size_t)(p - s);
        if (memcmp(s + i, pat, plen) == 0)
            return i;
    }
    return S_NOT_FOUND;
}

static int S_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Literal text s[from..to) becomes a token. `bol` says whether nothing has
 * been rendered yet on the current source line; it is updated. */
static void S_add_text(tmpl *t, size_t from, size_t to, int *bol)
{
    if (to <= from)
        return;
    tok *k = S_push_tok(t, TOK_TEXT, from);
    k->text = t->src + from;
    k->len = to - from;
    k->bol = *bol;
    *bol = t->src[to - 1] == '\n';
}

/* A tag at a line start that renders something: the indentation goes here. */
static void S_mark_line(tmpl *t, size_t off, int *bol)
{
    if (*bol)
        S_push_tok(t, TOK_LINE, off);
    *bol = 0;
}

/* Check the trimmed name s[a..b) of the tag at `off` and fill k's name (and
 * its dotted parts when `split`). Returns 0 or -1 after an error. */
static int S_set_name(rstate *rs, tmpl *t, tok *k, size_t off, size_t a, size_t b, int split)
{
    const char *s = t->src;
    if (a == b) {
        S_error(rs, t, off, "tag without a name");
        return -1;
    }
    for (size_t i = a; i < b; i++) {
        if (S_is_blank(s[i])) {
            S_error(rs, t, off, "name '%s' contains whitespace", S_q(rs, s + a, b - a));
            return -1;
        }
    }
    k->text = tm_arena_strndup(rs->arena, s + a, b - a);
    k->len = b - a;
    if (!split || (b - a == 1 && s[a] == '.'))
        return 0; /* "." is the implicit iterator: no parts */
    size_t nparts = 1;
    for (size_t i = a; i < b; i++)
        nparts += s[i] == '.';
    k->parts = tm_arena_array(rs->arena, nparts, sizeof *k->parts);
    size_t start = a;
    for (size_t i = a; i <= b; i++) {
        if (i < b && s[i] != '.')
            continue;
        if (i == start) {
            S_error(rs, t, off, "bad name '%s': empty part between dots", S_q(rs, s + a, b - a));
            return -1;
        }
        k->parts[k->nparts++] = tm_arena_strndup(rs->arena, s + start, i - start);
        start = i + 1;
    }
    return 0;
}

/* {{=<% %>=}}: the trimmed content s[a..b) holds the new pair. */
static int S_set_delimiters(rstate *rs, tmpl *t, size_t off, size_t a, size_t b,
                            const char **otag, size_t *olen, const char **ctag, size_t *clen)
{
    const char *s = t->src;
    size_t i = a;
    while (i < b && !S_is_blank(s[i]))
        i++;
    size_t o_end = i;
    while (i < b && S_is_blank(s[i]))
        i++;
    size_t c_start = i;
    int ok = o_end > a && c_start < b;
    for (size_t j = a; ok && j < b; j++)
        if (s[j] == '=' || (j >= c_start && S_is_blank(s[j])))
            ok = 0;
    if (!ok) {
        S_error(rs, t, off,
                "bad delimiter change '%s': expected two delimiters separated by a space, "
                "without spaces or '=' in them",
                S_q(rs, s + a, b - a));
        return -1;
    }
    if (o_end - a > TM_MAX_DELIMITER_BYTES || b - c_start > TM_MAX_DELIMITER_BYTES) {
        S_error(rs, t, off, "bad delimiter change '%s': a delimiter may be at most %d bytes",
                S_q(rs, s + a, b - a), TM_MAX_DELIMITER_BYTES);
        return -1;
    }
    *otag = s + a;
    *olen = o_end - a;
    *ctag = s + c_start;
    *clen = b - c_start;
    return 0;
}

typedef enum { K_VAR, K_RAW, K_SECTION, K_INVERTED, K_CLOSE, K_PARTIAL, K_COMMENT, K_DELIM } tag_kind;

static int S_parse(rstate *rs, tmpl *t)
{
    const char *s = t->src;
    size_t n = t->len;
    const char *otag = "{{", *ctag = "}}";
    size_t olen = 2, clen = 2;
    size_t pos = 0, text_start = 0;
    int bol = 1;                             /* nothing rendered yet on this source line */
    size_t *open = NULL, nopen = 0, capopen = 0; /* open sections (token indices) */
    int rc = 0;

    /* Checked first, so that columns count characters and every name and
     * text token (hence the output, given UTF-8 data) is valid UTF-8. */
    size_t bad = 0;
    if (!tm_utf8_valid(s, n, &bad)) {
        S_error(rs, t, bad, "invalid UTF-8 in the template (byte 0x%02X)", (unsigned char)s[bad]);
        return -1;
    }

    for (;;) {
        size_t at = S_find(s, n, pos, otag, olen);
        if (at == S_NOT_FOUND)
            break;
        size_t p = at + olen;
        char sigil = p < n ? s[p] : '\0';
        tag_kind kind;
        char closer = '\0'; /* a character that must come right before ctag */
        size_t cstart = p + 1;
        switch (sigil) {
        case '{': kind = K_RAW; closer = '}'; break;
        case '&': kind = K_RAW; break;
        case '#': kind = K_SECTION; break;
        case '^': kind = K_INVERTED; break;
        case '/': kind = K_CLOSE; break;
        case '>': kind = K_PARTIAL; break;
        case '!': kind = K_COMMENT; break;
        case '=': kind = K_DELIM; closer = '='; break;
        case '<':
        case '$':
            S_error(rs, t, at, "template inheritance ('%.*s%c') is not supported", (int)olen, otag,
                    sigil);
            rc = -1;
            goto done;
        default: kind = K_VAR; cstart = p; break;
        }

        /* The end of the tag: [closer] ctag. */
        char pat[TM_MAX_DELIMITER_BYTES + 2];
        size_t plen = 0;
        if (closer)
            pat[plen++] = closer;
        memcpy(pat + plen, ctag, clen);
        plen += clen;
        size_t cend = cstart <= n ? S_find(s, n, cstart, pat, plen) : S_NOT_FOUND;
        if (cend == S_NOT_FOUND) {
            if (kind == K_DELIM)
                S_error(rs, t, at, "bad delimiter change: no '=%.*s' closes this '%.*s=' tag",
                        (int)clen, ctag, (int)olen, otag);
            else if (kind == K_COMMENT)
                S_error(rs, t, at, "unclosed comment: no '%.*s' closes this '%.*s!'", (int)clen,
                        ctag, (int)olen, otag);
            else
                S_error(rs, t, at, "unclosed tag: no '%.*s' closes this '%.*s%s'", (int)plen, pat,
                        (int)olen, otag, closer == '}' ? "{" : "");
            rc = -1;
            goto done;
        }
        size_t tag_end = cend + plen;

        /* A section, inverted, close, partial, comment or delimiter tag alone
         * on its line (blanks around it allowed) takes the whole line with it. */
        int standalone = 0;
        size_t ls = at, after = tag_end;
        if (kind != K_VAR && kind != K_RAW) {
            while (ls > text_start && (s[ls - 1] == ' ' || s[ls - 1] == '\t'))
                ls--;
            if (ls == 0 || s[ls - 1] == '\n') {
                size_t te = tag_end;
                while (te < n && (s[te] == ' ' || s[te] == '\t'))
                    te++;
                if (te == n) {
                    standalone = 1;
                    after = n;
                } else if (s[te] == '\n') {
                    standalone = 1;
                    after = te + 1;
                } else if (s[te] == '\r' && te + 1 < n && s[te + 1] == '\n') {
                    standalone = 1;
                    after = te + 2;
                }
            }
        }
        S_add_text(t, text_start, standalone ? ls : at, &bol);

        /* The content, trimmed. */
        size_t a = cstart, b = cend;
        while (a < b && S_is_blank(s[a]))
            a++;
        while (b > a && S_is_blank(s[b - 1]))
            b--;

        switch (kind) {
        case K_VAR:
        case K_RAW: {
            S_mark_line(t, at, &bol);
            tok *k = S_push_tok(t, kind == K_VAR ? TOK_VAR : TOK_RAW, at);
            if (S_set_name(rs, t, k, at, a, b, 1) != 0) {
                rc = -1;
                goto done;
            }
            break;
        }
        case K_SECTION:
        case K_INVERTED: {
            if (!standalone)
                S_mark_line(t, at, &bol);
            tok *k = S_push_tok(t, kind == K_SECTION ? TOK_SECTION : TOK_INVERTED, at);
            if (S_set_name(rs, t, k, at, a, b, 1) != 0) {
                rc = -1;
                goto done;
            }
            if (nopen == capopen) {
                capopen = capopen ? capopen * 2 : 16;
                open = tm_xrealloc(open, capopen * sizeof *open);
            }
            open[nopen++] = t->n - 1;
            break;
        }
        case K_CLOSE: {
            if (a == b) {
                S_error(rs, t, at, "tag without a name");
                rc = -1;
                goto done;
            }
            if (nopen == 0) {
                S_error(rs, t, at, "closing tag '%s' has no open section", S_q(rs, s + a, b - a));
                rc = -1;
                goto done;
            }
            tok *o = &t->toks[open[nopen - 1]];
            if (o->len != b - a || memcmp(o->text, s + a, b - a) != 0) {
                uint32_t line, col;
                S_position(s, o->off, &line, &col);
                S_error(rs, t, at, "section '%s' opened at line %u closed by '%s'",
                        S_q(rs, o->text, o->len), (unsigned)line, S_q(rs, s + a, b - a));
                rc = -1;
                goto done;
            }
            /* A line starting at a non-standalone close tag starts inside
             * the body: its indentation repeats with the body. */
            if (!standalone)
                S_mark_line(t, at, &bol);
            t->toks[open[--nopen]].end = t->n;
            break;
        }
        case K_PARTIAL: {
            if (!standalone)
                S_mark_line(t, at, &bol);
            tok *k = S_push_tok(t, TOK_PARTIAL, at);
            if (S_set_name(rs, t, k, at, a, b, 0) != 0) {
                rc = -1;
                goto done;
            }
            k->standalone = standalone;
            if (standalone) {
                k->indent = s + ls;
                k->indent_len = at - ls;
            }
            break;
        }
        case K_COMMENT:
            break;
        case K_DELIM:
            if (S_set_delimiters(rs, t, at, a, b, &otag, &olen, &ctag, &clen) != 0) {
                rc = -1;
                goto done;
            }
            break;
        }
        if (standalone)
            bol = 1;
        pos = text_start = after;
    }
    S_add_text(t, text_start, n, &bol);
    if (nopen > 0) {
        const tok *o = &t->toks[open[nopen - 1]];
        const char *q = S_q(rs, o->text, o->len);
        S_error(rs, t, o->off, "unclosed section '%s': no '%.*s/%s%.*s' before the end", q,
                (int)olen, otag, q, (int)clen, ctag);
        rc = -1;
    }
done:
    free(open);
    return rc;
}

/* =============================================================== output */

/* Shortest %g form that reads back as the same double (1.21 -> "1.21"). */
static size_t S_format_double(double v, char *buf, size_t cap)
{
    int k = 0;
    for (int prec = 1; prec <= 17; prec++) {
        k = snprintf(buf, cap, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return k < 0 ? 0 : (size_t)k < cap ? (size_t)k : cap - 1;
}

static void S_put_html(tm_buf *out, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        tm_buf_put(out, s + run, i - run);
        tm_buf_puts(out, rep);
        run = i + 1;
    }
    tm_buf_put(out, s + run, n - run);
}

/* ASCII only, whatever the locale: output must not depend on it. */
static int S_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void S_put_markdown(tm_buf *out, const char *s, size_t n)
{
    /* A leading run of digits: "1." or "1)" then a blank starts a list. */
    size_t digits = 0;
    while (digits < n && s[digits] >= '0' && s[digits] <= '9')
        digits++;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        const char *rep = NULL;
        int backslash = 0;
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '\n': rep = " "; break;
        case '\r': rep = i + 1 < n && s[i + 1] == '\n' ? "" : " "; break;
        case '\\': case '`': case '*': case '{': case '}': case '[': case ']':
        case '(': case ')': case '|': case '~':
            backslash = 1;
            break;
        case '_':
            backslash = !(i > 0 && i + 1 < n && S_alnum(s[i - 1]) && S_alnum(s[i + 1]));
            break;
        case '#': case '+': case '-': case '=':
            backslash = i == 0;
            break;
        case '.':
            backslash = digits > 0 && i == digits &&
                        (i + 1 == n || s[i + 1] == ' ' || s[i + 1] == '\t');
            break;
        case '!':
            backslash = i + 1 == n;
            break;
        default:
            break;
        }
        if (!rep && !backslash)
            continue;
        tm_buf_put(out, s + run, i - run);
        if (rep) {
            tm_buf_puts(out, rep);
        } else {
            tm_buf_putc(out, '\\');
            tm_buf_putc(out, c);
        }
        run = i + 1;
    }
    tm_buf_put(out, s + run, n - run);
}

static void S_put_value(rstate *rs, const tm_node *v, int escape)
{
    if (!v || v->kind != TM_NODE_SCALAR)
        return; /* missing, or a map or list: nothing to print */
    char num[48];
    const char *s;
    size_t n;
    switch (v->stype) {
    case TM_SCALAR_NULL:
        return;
    case TM_SCALAR_BOOL:
        s = v->bval ? "true" : "false";
        n = strlen(s);
        break;
    case TM_SCALAR_INT: {
        int k = snprintf(num, sizeof num, "%lld", v->ival);
        s = num;
        n = k > 0 ? (size_t)k : 0;
        break;
    }
    case TM_SCALAR_FLOAT:
        n = S_format_double(v->fval, num, sizeof num);
        s = num;
        break;
    default:
        s = v->text ? v->text : "";
        n = v->text ? v->len : 0;
        break;
    }
    if (!escape || rs->esc == TM_ESCAPE_NONE)
        tm_buf_put(rs->out, s, n);
    else if (rs->esc == TM_ESCAPE_HTML)
        S_put_html(rs->out, s, n);
    else
        S_put_markdown(rs->out, s, n);
}

/* Literal text, with the frame's indentation at every source line start. */
static void S_put_text(tm_buf *out, const tok *k, const char *indent, size_t indent_len)
{
    if (indent_len == 0) {
        tm_buf_put(out, k->text, k->len);
        return;
    }
    if (k->bol)
        tm_buf_put(out, indent, indent_len);
    size_t from = 0;
    for (;;) {
        const char *nl = memchr(k->text + from, '\n', k->len - from);
        /* a newline that ends the token: whatever comes next marks itself */
        if (!nl || (size_t)(nl - k->text) + 1 == k->len)
            break;
        size_t upto = (size_t)(nl - k->text) + 1;
        tm_buf_put(out, k->text + from, upto - from);
        tm_buf_put(out, indent, indent_len);
        from = upto;
    }
    tm_buf_put(out, k->text + from, k->len - from);
}

/* ============================================================== renderer */

/* The first part of a name is looked up in the context stack, top down:
 * the first map that has the key wins, even when its value is null. The
 * other parts only descend from there (spec: "Dotted Names - Context
 * Precedence"). */
static const tm_node *S_lookup(const rstate *rs, const tok *k)
{
    if (k->nparts == 0)
        return rs->nctx ? rs->ctx[rs->nctx - 1] : NULL;
    const tm_node *v = NULL;
    size_t i = rs->nctx;
    for (;;) {
        if (i == 0)
            return NULL;
        const tm_node *c = rs->ctx[--i];
        const tm_pair *p = c && c->kind == TM_NODE_MAP ? tm_node_get_pair(c, k->parts[0]) : NULL;
        if (p) {
            v = p->value;
            break;
        }
    }
    for (size_t j = 1; j < k->nparts && v; j++)
        v = v->kind == TM_NODE_MAP ? tm_node_get(v, k->parts[j]) : NULL;
    return v;
}

static int S_truthy(const tm_node *v)
{
    if (!v)
        return 0;
    if (v->kind == TM_NODE_LIST)
        return v->n > 0;
    if (v->kind == TM_NODE_SCALAR)
        return !(v->stype == TM_SCALAR_NULL || (v->stype == TM_SCALAR_BOOL && !v->bval));
    return 1;
}

static void S_push_ctx(rstate *rs, const tm_node *v)
{
    if (rs->nctx == rs->capctx) {
        rs->capctx = rs->capctx ? rs->capctx * 2 : 32;
        rs->ctx = tm_xrealloc(rs->ctx, rs->capctx * sizeof *rs->ctx);
    }
    rs->ctx[rs->nctx++] = v;
}

static void S_push_frame(rstate *rs, const frame *f)
{
    if (rs->nframes == rs->capframes) {
        rs->capframes = rs->capframes ? rs->capframes * 2 : 32;
        rs->frames = tm_xrealloc(rs->frames, rs->capframes * sizeof *rs->frames);
    }
    rs->frames[rs->nframes++] = *f;
}

/* The parsed partial `name` (parsed once per render). An unknown partial is
 * an empty template, as the specification says. */
static const tmpl *S_partial(rstate *rs, const char *name)
{
    tmpl *p = tm_map_get(rs->cache, name);
    if (p)
        return p;
    const char *src = NULL;
    size_t len = 0;
    if (rs->partials && rs->partials->load)
        src = rs->partials->load(rs->partials->ctx, name, &len);
    if (!src) {
        src = "";
        len = 0;
    }
    p = S_new_tmpl(rs, name, src, len);
    tm_map_put(rs->cache, p->name, p);
    return S_parse(rs, p) == 0 ? p : NULL;
}

/* One more step; 0 while within budget: TM_MAX_TEMPLATE_STEPS plus one step
 * per byte written, so only work that prints nothing is capped. */
static int S_step(rstate *rs, const tmpl *t, size_t off)
{
    if (++rs->steps <= TM_MAX_TEMPLATE_STEPS + (rs->out->len - rs->out_start))
        return 0;
    S_error(rs, t, off,
            "rendering takes more than %llu steps beyond its output (nested sections over "
            "long lists, or a recursive partial?)",
            (unsigned long long)TM_MAX_TEMPLATE_STEPS);
    return -1;
}

static int S_run(rstate *rs)
{
    while (rs->nframes > 0) {
        frame *f = &rs->frames[rs->nframes - 1];
        if (f->pc >= f->end) {
            if (f->list && f->next < f->list->n) {
                /* next item: it replaces the previous one as the top context */
                rs->ctx[rs->nctx - 1] = f->list->items[f->next++];
                f->pc = f->begin;
                if (S_step(rs, f->t, f->at->off) != 0)
                    return -1;
            } else {
                if (f->pushed)
                    rs->nctx--;
                if (f->partial)
                    rs->partial_depth--;
                rs->nframes--;
            }
            continue;
        }
        const tmpl *t = f->t;
        const tok *k = &t->toks[f->pc++];
        if (S_step(rs, t, k->off) != 0)
            return -1;
        switch (k->kind) {
        case TOK_TEXT:
            S_put_text(rs->out, k, f->indent, f->indent_len);
            break;
        case TOK_LINE:
            tm_buf_put(rs->out, f->indent, f->indent_len);
            break;
        case TOK_VAR:
        case TOK_RAW:
            S_put_value(rs, S_lookup(rs, k), k->kind == TOK_VAR);
            break;
        case TOK_SECTION: {
            const tm_node *v = S_lookup(rs, k);
            frame body = {t, f->pc, f->pc, k->end, NULL, 0, 1, 0, f->indent, f->indent_len, k};
            f->pc = k->end;
            if (!S_truthy(v))
                break;
            if (v->kind == TM_NODE_LIST) {
                body.list = v;
                body.next = 1;
                v = v->items[0];
            }
            S_push_ctx(rs, v);
            S_push_frame(rs, &body); /* f is stale from here */
            break;
        }
        case TOK_INVERTED:
            /* The body follows inline in the token list: to render it, just
             * carry on; otherwise skip it. */
            if (S_truthy(S_lookup(rs, k)))
                f->pc = k->end;
            break;
        case TOK_PARTIAL: {
            const char *indent = f->indent;
            size_t indent_len = f->indent_len;
            const tmpl *p = S_partial(rs, k->text);
            if (!p)
                return -1;
            if (p->n == 0)
                break;
            if (rs->partial_depth >= TM_MAX_PARTIAL_DEPTH) {
                S_error(rs, t, k->off,
                        "partial '%s' nested more than %d partials deep (does it include itself?)",
                        S_q(rs, k->text, k->len), TM_MAX_PARTIAL_DEPTH);
                return -1;
            }
            /* Only a standalone partial is indented: by its own indentation
             * on top of the indentation of the template it sits in. */
            if (!k->standalone) {
                indent = "";
                indent_len = 0;
            } else if (indent_len == 0) {
                indent = k->indent;
                indent_len = k->indent_len;
            } else if (k->indent_len > 0) {
                char *both = tm_arena_alloc(rs->arena, indent_len + k->indent_len);
                memcpy(both, indent, indent_len);
                memcpy(both + indent_len, k->indent, k->indent_len);
                indent = both;
                indent_len += k->indent_len;
            }
            frame sub = {p, 0, 0, p->n, NULL, 0, 0, 1, indent, indent_len, k};
            rs->partial_depth++;
            S_push_frame(rs, &sub);
            break;
        }
        }
        if (rs->out->failed) {
            S_error(rs, t, k->off, "rendered output is larger than the limit of %zu bytes",
                    rs->out->limit);
            return -1;
        }
    }
    return 0;
}

int tm_template_render(const char *tmpl_text, size_t len, const char *tmpl_name,
                       const tm_node *data, tm_escape_mode esc, const tm_partials *partials,
                       tm_buf *out, tm_diags *d)
{
    size_t start_len = out->len;
    int start_failed = out->failed;
    rstate rs;
    memset(&rs, 0, sizeof rs);
    rs.arena = tm_arena_new();
    rs.d = d;
    rs.partials = partials;
    rs.cache = tm_map_new(8);
    rs.out = out;
    rs.out_start = start_len;
    rs.esc = esc;

    const char *name = tm_arena_strdup(rs.arena, tmpl_name ? tmpl_name : "<template>");
    tmpl *root = S_new_tmpl(&rs, name, tmpl_text ? tmpl_text : "", tmpl_text ? len : 0);
    int rc = S_parse(&rs, root);
    if (rc == 0) {
        frame top = {root, 0, 0, root->n, NULL, 0, 0, 0, "", 0, NULL};
        S_push_ctx(&rs, data);
        S_push_frame(&rs, &top);
        rc = S_run(&rs);
    }
    if (rc != 0) {
        out->len = start_len;
        if (out->data)
            out->data[start_len] = '\0';
        out->failed = start_failed;
    }
    for (size_t i = 0; i < rs.nall; i++)
        free(rs.all[i]->toks);
    free(rs.all);
    free(rs.ctx);
    free(rs.frames);
    tm_map_free(rs.cache);
    tm_arena_free(rs.arena);
    return rc;
}
