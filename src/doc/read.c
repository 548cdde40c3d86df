/* Reading a document: the text's encoding (UTF-8, or UTF-16 transcoded to
 * UTF-8), the syntax guessed from the name or content, then the reader for
 * it (doc/yaml.c, json.c, xml.c). */
#include <stdlib.h>
#include <string.h>

#include "stridec/doc.h"

const tm_read_limits tm_read_import = {
    .dup_keys = TM_DUP_KEYS_LAST_WINS,
    .yaml_merge_keys = true,
};

const char *tm_syntax_name(tm_syntax s)
{
    switch (s) {
    case TM_SYNTAX_JSON:
        return "json";
    case TM_SYNTAX_XML:
        return "xml";
    default:
        return "yaml";
    }
}

/* ------------------------------------------------------------ encodings */

typedef enum { S_UTF8, S_UTF16LE, S_UTF16BE, S_UTF32 } S_encoding;

/* The encoding of `text`, by its byte order mark or, without one, by the
 * zero bytes of its first character (YAML 1.2, 5.2; RFC 4627, 3): a YAML,
 * JSON or XML text starts with an ASCII character. *bom: bytes of the
 * UTF-16 byte order mark (a UTF-8 one is left to the readers). */
static S_encoding S_detect(const unsigned char *s, size_t n, size_t *bom)
{
    *bom = 0;
    if (n >= 4 && ((s[0] == 0 && s[1] == 0 && s[2] == 0xFE && s[3] == 0xFF) ||
                   (s[0] == 0xFF && s[1] == 0xFE && s[2] == 0 && s[3] == 0) ||
                   (s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] != 0) ||
                   (s[0] != 0 && s[1] == 0 && s[2] == 0 && s[3] == 0)))
        return S_UTF32;
    if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE) {
        *bom = 2;
        return S_UTF16LE;
    }
    if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
        *bom = 2;
        return S_UTF16BE;
    }
    if (n >= 2 && s[0] != 0 && s[1] == 0)
        return S_UTF16LE;
    if (n >= 2 && s[0] == 0 && s[1] != 0)
        return S_UTF16BE;
    return S_UTF8;
}

static unsigned S_unit(const unsigned char *s, size_t i, S_encoding e)
{
    return e == S_UTF16LE ? (unsigned)s[i] | (unsigned)s[i + 1] << 8
                          : (unsigned)s[i] << 8 | (unsigned)s[i + 1];
}

static size_t S_put_utf8(char *out, unsigned long cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/*
 * The UTF-8 text to parse: `text` itself when it is not UTF-16, else a
 * transcoded copy (malloc'd, in *owned, NUL-terminated; the byte order mark
 * dropped). NULL after an error; the part read before the error is then
 * registered with the diagnostics so that the message can quote its line.
 */
static const char *S_utf8_text(const char *file, const char *text, size_t len, size_t *out_len,
                               char **owned, tm_diags *d)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t bom;
    S_encoding e = S_detect(s, len, &bom);
    *owned = NULL;
    *out_len = len;
    if (e == S_UTF8)
        return text;
    if (e == S_UTF32) {
        tm_diag_add(d, TM_DIAG_ERROR, "encoding", file, 1, 1,
                    "the file is UTF-32, which stridec does not read: save it as UTF-8 (or UTF-16)");
        return NULL;
    }
    /* Each UTF-16 unit becomes at most 3 bytes (a surrogate pair: 4 for 2). */
    char *out = tm_xmalloc((len - bom) / 2 * 3 + 1);
    size_t o = 0, i = bom;
    uint32_t line = 1, col = 1;
    const char *problem = NULL;
    size_t bad = 0;
    while (i < len) {
        if (len - i < 2) {
            problem = "an odd number of bytes, the text ends inside a character";
            bad = i;
            break;
        }
        unsigned long cp = S_unit(s, i, e);
        size_t used = 2;
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
            problem = "a low surrogate without the high surrogate before it";
            bad = i;
            break;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned lo = len - i >= 4 ? S_unit(s, i + 2, e) : 0;
            if (lo < 0xDC00 || lo > 0xDFFF) {
                problem = "a high surrogate without the low surrogate after it";
                bad = i;
                break;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            used = 4;
        }
        o += S_put_utf8(out + o, cp);
        i += used;
        if (cp == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    out[o] = '\0';
    if (problem) {
        tm_diags_add_source(d, file, out, o);
        tm_diag_add(d, TM_DIAG_ERROR, "invalid-utf16", file, line, col,
                    "invalid UTF-16 at byte offset %zu: %s", bad, problem);
        free(out);
        return NULL;
    }
    *owned = out;
    *out_len = o;
    return out;
}

/* -------------------------------------------------------------- syntax */

static int S_ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    if (lx > ls)
        return 0;
    for (size_t i = 0; i < lx; i++) {
        char c = s[ls - lx + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != suffix[i])
            return 0;
    }
    return 1;
}

tm_syntax tm_syntax_guess(const char *file, const char *text, size_t len)
{
    if (file) {
        if (S_ends_with(file, ".json"))
            return TM_SYNTAX_JSON;
        if (S_ends_with(file, ".xml"))
            return TM_SYNTAX_XML;
        if (S_ends_with(file, ".yaml") || S_ends_with(file, ".yml"))
            return TM_SYNTAX_YAML;
    }
    const unsigned char *s = (const unsigned char *)text;
    size_t bom;
    S_encoding e = S_detect(s, len, &bom);
    size_t i = bom, step = 1;
    if (e == S_UTF16LE || e == S_UTF16BE)
        step = 2;
    else if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        i = 3;
    unsigned c = 0;
    for (; i + step <= len; i += step) {
        c = step == 2 ? S_unit(s, i, e) : s[i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            break;
    }
    if (i + step > len)
        return TM_SYNTAX_YAML;
    if (c == '{' || c == '[')
        return TM_SYNTAX_JSON;
    if (c == '<')
        return TM_SYNTAX_XML;
    return TM_SYNTAX_YAML;
}

/* ------------------------------------------------------------- reading */

/* Parse UTF-8 text (registered with the diagnostics first). */
static tm_node *S_parse(tm_arena *arena, const char *file, tm_syntax syn, const char *text,
                        size_t len, const tm_read_limits *lim, tm_diags *d)
{
    tm_diags_add_source(d, file, text, len);
    switch (syn) {
    case TM_SYNTAX_JSON:
        return tm_read_json(arena, file, text, len, lim, d);
    case TM_SYNTAX_XML:
        return tm_read_xml(arena, file, text, len, lim, d);
    default:
        return tm_read_yaml(arena, file, text, len, lim, d);
    }
}

tm_node *tm_read_text_tree(tm_arena *arena, const char *file, tm_syntax syn, const char *text,
                           size_t len, const tm_read_limits *lim, tm_diags *d)
{
    char *owned;
    size_t n;
    const char *utf8 = S_utf8_text(file, text, len, &n, &owned, d);
    if (!utf8)
        return NULL;
    tm_node *root = S_parse(arena, file, syn, utf8, n, lim, d);
    free(owned);
    return root;
}

tm_node *tm_read_file_tree(tm_arena *arena, const char *file, const tm_read_limits *lim,
                           tm_diags *d)
{
    size_t len = 0;
    char *text = tm_read_file(file, &len, d);
    if (!text)
        return NULL;
    char *owned;
    size_t n;
    const char *utf8 = S_utf8_text(file, text, len, &n, &owned, d);
    tm_node *root =
        utf8 ? S_parse(arena, file, tm_syntax_guess(file, utf8, n), utf8, n, lim, d) : NULL;
    free(owned);
    free(text);
    return root;
}
