/*
 * XML reader: libxml2 DOM -> document tree, following
 * share/stridec/doc/xml-mapping.md.
 *
 * Safety: parsed with XML_PARSE_NONET and never with NOENT, DTDLOAD,
 * DTDVALID, XINCLUDE or HUGE. A DOCTYPE stops the parser the moment libxml2
 * reports it (before any of its internal subset is read), and the document
 * is rejected: models and rule files have no use for DTDs, and refusing them
 * outright closes external entities, entity expansion bombs and parameter
 * entities in one place. libxml2's errors are taken from this parser
 * context's own structured-error hook, never from the process-wide handlers.
 *
 * Positions: libxml2 keeps element line numbers only, so the reader scans
 * the source text itself. A DOM walk in document order meets elements in the
 * order of their start tags, so the k-th element visited is the k-th start
 * tag in the text (comments, CDATA sections and processing instructions are
 * skipped); attribute positions are found inside that start tag. Every
 * scalar is TM_SCALAR_TEXT: the model builder converts it by its key's type.
 * Element text is trimmed of leading and trailing whitespace (the layout of
 * the XML file is not part of the value); attribute values are kept as is.
 */
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "doc/reader.h"

#define S_XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

typedef struct {
    tm_reader r;
    size_t scan; /* offset where the search for the next start tag begins */
    int saw_doctype;
    int have_error; /* first libxml2 error, from the context's hook */
    int err_line, err_col, err_code;
    char err_msg[512];
} S_xml;

/* A start tag in the source text. */
typedef struct {
    size_t lt;      /* offset of '<' */
    size_t attrs;   /* offset just after the name */
    size_t end;     /* offset just after '>' */
} S_tag;

/* ------------------------------------------------------ source scanning */

static size_t S_skip_past(const char *t, size_t len, size_t i, const char *end)
{
    size_t n = strlen(end);
    while (i + n <= len) {
        if (memcmp(t + i, end, n) == 0)
            return i + n;
        i++;
    }
    return len;
}

static int S_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* End of a start tag whose attributes begin at i (quotes may hide '>'). */
static size_t S_tag_end(const char *t, size_t len, size_t i)
{
    while (i < len && t[i] != '>') {
        if (t[i] == '"' || t[i] == '\'') {
            char q = t[i++];
            while (i < len && t[i] != q)
                i++;
        }
        if (i < len)
            i++;
    }
    return i < len ? i + 1 : len;
}

/* Find the next start tag at or after *from; 0 on success. With
 * `doctype` set, stop instead at a "<!DOCTYPE" and return its offset in
 * tag->lt. */
static int S_next_tag(const char *t, size_t len, size_t *from, S_tag *tag, int doctype)
{
    size_t i = *from;
    while (i < len) {
        if (t[i] != '<') {
            i++;
            continue;
        }
        if (len - i >= 4 && memcmp(t + i, "<!--", 4) == 0) {
            i = S_skip_past(t, len, i + 4, "-->");
        } else if (len - i >= 9 && memcmp(t + i, "<![CDATA[", 9) == 0) {
            i = S_skip_past(t, len, i + 9, "]]>");
        } else if (i + 1 < len && t[i + 1] == '?') {
            i = S_skip_past(t, len, i + 2, "?>");
        } else if (i + 1 < len && (t[i + 1] == '!' || t[i + 1] == '/')) {
            if (doctype && len - i >= 9 && memcmp(t + i, "<!DOCTYPE", 9) == 0) {
                tag->lt = i;
                return 0;
            }
            i = S_tag_end(t, len, i + 2);
        } else {
            size_t k = i + 1;
            while (k < len && !S_ws(t[k]) && t[k] != '/' && t[k] != '>')
                k++;
            tag->lt = i;
            tag->attrs = k;
            tag->end = S_tag_end(t, len, k);
            *from = tag->end;
            if (doctype) {
                i = tag->end;
                continue;
            }
            return 0;
        }
    }
    *from = len;
    return -1;
}

/* Offsets of attribute `qname` (its name and its opening quote) inside tag,
 * searching from *from (libxml2 lists attributes in source order, so each
 * search starts where the previous one ended: linear in the tag's length)
 * and, failing that, from the start of the tag. */
static int S_find_attr_from(const char *t, const S_tag *tag, size_t start, const char *qname,
                            size_t *name_at, size_t *value_at, size_t *next)
{
    size_t i = start, end = tag->end, qlen = strlen(qname);
    while (i < end) {
        while (i < end && S_ws(t[i]))
            i++;
        if (i >= end || t[i] == '/' || t[i] == '>')
            return -1;
        size_t n0 = i;
        while (i < end && !S_ws(t[i]) && t[i] != '=' && t[i] != '>' && t[i] != '/')
            i++;
        size_t n1 = i;
        while (i < end && S_ws(t[i]))
            i++;
        if (i >= end || t[i] != '=')
            return -1;
        i++;
        while (i < end && S_ws(t[i]))
            i++;
        if (i >= end || (t[i] != '"' && t[i] != '\''))
            return -1;
        size_t v = i;
        char q = t[i++];
        while (i < end && t[i] != q)
            i++;
        i++;
        if (n1 - n0 == qlen && memcmp(t + n0, qname, qlen) == 0) {
            *name_at = n0;
            *value_at = v;
            *next = i;
            return 0;
        }
    }
    return -1;
}

static void S_find_attr(const char *t, const S_tag *tag, const char *qname, size_t *from,
                        size_t *name_at, size_t *value_at)
{
    if (S_find_attr_from(t, tag, *from, qname, name_at, value_at, from) < 0)
        S_find_attr_from(t, tag, tag->attrs, qname, name_at, value_at, from);
}

/* ----------------------------------------------------------- the mapping */

/* The list key an element name is an item of (xml-mapping.md), or NULL. */
static const char *S_plural(const char *name)
{
    static const char *const table[][2] = {
        {"boundary", "boundaries"}, {"element", "elements"},     {"flow", "flows"},
        {"identity", "identities"}, {"artifact", "artifacts"},   {"assumption", "assumptions"},
        {"threat", "threats"},      {"statement", "statements"}, {"condition", "conditions"},
        {"include", "include"},     {"reviewer", "reviewers"},   {"library", "libraries"},
        {"reference", "references"}, {"rule", "rules"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(name, table[i][0]) == 0)
            return table[i][1];
    return NULL;
}

static int S_is_element(const xmlNode *n)
{
    return n->type == XML_ELEMENT_NODE;
}

static int S_counts_attr(const xmlAttr *a)
{
    /* xsi:noNamespaceSchemaLocation and friends point an editor at the XSD;
     * they are not part of the model. */
    return !(a->ns && a->ns->href && strcmp((const char *)a->ns->href, S_XSI_NS) == 0);
}

static int S_has_attrs(const xmlNode *e)
{
    for (const xmlAttr *a = e->properties; a; a = a->next)
        if (S_counts_attr(a))
            return 1;
    return 0;
}

static int S_has_child_elements(const xmlNode *e)
{
    for (const xmlNode *c = e->children; c; c = c->next)
        if (S_is_element(c))
            return 1;
    return 0;
}

/* The element's own text (text and CDATA children), trimmed; arena copy. */
static const char *S_text(S_xml *x, const xmlNode *e, size_t *len)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_buf_put(&b, "", 0);
    for (const xmlNode *c = e->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            tm_buf_puts(&b, (const char *)c->content);
    size_t s = 0, n = b.len;
    while (s < n && S_ws(b.data[s]))
        s++;
    while (n > s && S_ws(b.data[n - 1]))
        n--;
    const char *out = tm_arena_strndup(x->r.arena, b.data + s, n - s);
    *len = n - s;
    tm_buf_free(&b);
    return out;
}

/* Position of an element's text: the first non-blank byte after its start
 * tag (or the end of the start tag). */
static void S_text_pos(S_xml *x, const S_tag *tag, uint32_t *line, uint32_t *col)
{
    size_t i = tag->end;
    while (i < x->r.len && S_ws(x->r.text[i]))
        i++;
    if (i < x->r.len && x->r.text[i] == '<')
        i = tag->end;
    tm_textpos_at(&x->r.pos, i, line, col);
}

static tm_node *S_text_node(S_xml *x, const char *s, size_t len, uint32_t line, uint32_t col)
{
    tm_node *n = tm_reader_node(&x->r, TM_NODE_SCALAR, line, col);
    if (!n)
        return NULL;
    n->stype = TM_SCALAR_TEXT;
    n->text = s;
    n->len = len;
    return n;
}

static tm_node *S_value(S_xml *x, const xmlNode *e, const S_tag *tag, size_t depth);

/* Match the next start tag to element e (they come in the same order). */
static int S_locate(S_xml *x, const xmlNode *e, S_tag *tag)
{
    if (S_next_tag(x->r.text, x->r.len, &x->scan, tag, 0) < 0) {
        /* Unreachable for a document libxml2 accepted. */
        tm_reader_error(&x->r, "syntax", 0, 0, "XML reader lost track of <%s>",
                        (const char *)e->name);
        return -1;
    }
    return 0;
}

/* Build the map of element e (attributes, then children, then its text). */
static tm_node *S_map(S_xml *x, const xmlNode *e, const S_tag *tag, size_t depth, int is_root)
{
    uint32_t line, col;
    tm_textpos_at(&x->r.pos, tag->lt, &line, &col);
    if (tm_reader_depth(&x->r, depth, line, col) < 0)
        return NULL;
    tm_node *map = tm_reader_node(&x->r, TM_NODE_MAP, line, col);
    if (!map)
        return NULL;
    tm_map *index = NULL;
    /* Lists made from repeated singular children, by key. */
    struct {
        const char *key;
        tm_node *list;
    } lists[16];
    size_t n_lists = 0;

    size_t attr_from = tag->attrs;
    for (const xmlAttr *a = e->properties; a; a = a->next) {
        if (!S_counts_attr(a))
            continue;
        const char *name = (const char *)a->name;
        const char *qname = name;
        if (a->ns && a->ns->prefix)
            qname = tm_arena_printf(x->r.arena, "%s:%s", (const char *)a->ns->prefix, name);
        size_t name_at = tag->lt, value_at = tag->lt;
        S_find_attr(x->r.text, tag, qname, &attr_from, &name_at, &value_at);
        uint32_t kl, kc, vl, vc;
        tm_textpos_at(&x->r.pos, name_at, &kl, &kc);
        tm_textpos_at(&x->r.pos, value_at, &vl, &vc);
        xmlChar *v = xmlNodeListGetString(e->doc, a->children, 1);
        const char *val = tm_arena_strdup(x->r.arena, v ? (const char *)v : "");
        xmlFree(v);
        tm_node *vn = S_text_node(x, val, strlen(val), vl, vc);
        if (!vn)
            goto fail;
        const char *key = is_root && strcmp(qname, "version") == 0 &&
                                  strcmp((const char *)e->name, "stridec") == 0
                              ? "stridec"
                              : tm_arena_strdup(x->r.arena, qname);
        if (tm_reader_put(&x->r, map, &index, key, kl, kc, vn) < 0)
            goto fail;
    }

    /* The element's own text becomes the key "text", after the children;
     * its position is taken now, while the scan is still before them. */
    tm_node *tn = NULL;
    size_t tlen;
    const char *text = S_text(x, e, &tlen);
    if (tlen) {
        uint32_t tl, tc;
        S_text_pos(x, tag, &tl, &tc);
        if (!(tn = S_text_node(x, text, tlen, tl, tc)))
            goto fail;
    }

    for (const xmlNode *c = e->children; c; c = c->next) {
        if (!S_is_element(c))
            continue;
        const char *name = (const char *)c->name;
        const char *plural = S_plural(name);
        if (!plural && strcmp(name, "data") == 0 && (S_has_attrs(c) || S_has_child_elements(c)))
            plural = "data";
        S_tag ctag;
        if (S_locate(x, c, &ctag) < 0)
            goto fail;
        uint32_t kl, kc;
        tm_textpos_at(&x->r.pos, ctag.lt, &kl, &kc);
        if (!plural) {
            /* Check the key before converting the value, so that the error
             * is reported at this key rather than somewhere inside it. */
            const tm_pair *first = tm_reader_find(map, &index, name);
            if (first) {
                tm_reader_error(&x->r, "duplicate-key", kl, kc,
                                "duplicate key '%s' (first at line %u)", name,
                                (unsigned)first->line);
                goto fail;
            }
            tm_node *cv = S_value(x, c, &ctag, depth + 1);
            if (!cv || tm_reader_put(&x->r, map, &index, tm_arena_strdup(x->r.arena, name), kl,
                                     kc, cv) < 0)
                goto fail;
            continue;
        }
        tm_node *list = NULL;
        for (size_t i = 0; i < n_lists; i++)
            if (strcmp(lists[i].key, plural) == 0)
                list = lists[i].list;
        if (!list) {
            if (tm_reader_depth(&x->r, depth + 1, kl, kc) < 0)
                goto fail;
            list = tm_reader_node(&x->r, TM_NODE_LIST, kl, kc);
            if (!list || tm_reader_put(&x->r, map, &index, plural, kl, kc, list) < 0)
                goto fail;
            lists[n_lists].key = plural; /* at most one per plural: 15 */
            lists[n_lists].list = list;
            n_lists++;
        }
        tm_node *item = S_value(x, c, &ctag, depth + 2);
        if (!item)
            goto fail;
        tm_node_list_push(x->r.arena, list, item);
    }

    if (tn && tm_reader_put(&x->r, map, &index, "text", tn->line, tn->col, tn) < 0)
        goto fail;
    tm_map_free(index);
    return map;
fail:
    tm_map_free(index);
    return NULL;
}

static int S_only_items(const xmlNode *e)
{
    int any = 0;
    for (const xmlNode *c = e->children; c; c = c->next) {
        if (!S_is_element(c))
            continue;
        if (strcmp((const char *)c->name, "item") != 0)
            return 0;
        any = 1;
    }
    return any;
}

/* The value of element e, whose start tag is `tag`, landing at `depth`. */
static tm_node *S_value(S_xml *x, const xmlNode *e, const S_tag *tag, size_t depth)
{
    int attrs = S_has_attrs(e), kids = S_has_child_elements(e);
    size_t tlen;
    const char *text = S_text(x, e, &tlen);
    if (!attrs && !kids) {
        uint32_t line, col;
        S_text_pos(x, tag, &line, &col);
        return S_text_node(x, text, tlen, line, col);
    }
    if (attrs || tlen || !S_only_items(e))
        return S_map(x, e, tag, depth, 0);
    uint32_t line, col;
    tm_textpos_at(&x->r.pos, tag->lt, &line, &col);
    if (tm_reader_depth(&x->r, depth, line, col) < 0)
        return NULL;
    tm_node *list = tm_reader_node(&x->r, TM_NODE_LIST, line, col);
    if (!list)
        return NULL;
    for (const xmlNode *c = e->children; c; c = c->next) {
        if (!S_is_element(c))
            continue;
        S_tag ctag;
        if (S_locate(x, c, &ctag) < 0)
            return NULL;
        tm_node *item = S_value(x, c, &ctag, depth + 1);
        if (!item)
            return NULL;
        tm_node_list_push(x->r.arena, list, item);
    }
    return list;
}

/* ------------------------------------------------------- libxml2 hooks */

static void S_on_error(void *ctx, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = ctx;
    S_xml *x = ctxt ? ctxt->_private : NULL;
    if (!x || !err || err->level < XML_ERR_ERROR || x->have_error)
        return;
    x->have_error = 1;
    x->err_line = err->line;
    x->err_col = err->int2;
    x->err_code = err->code;
    const char *m = err->message ? err->message : "malformed XML";
    size_t n = strlen(m);
    while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
        n--;
    if (n >= sizeof x->err_msg)
        n = sizeof x->err_msg - 1;
    memcpy(x->err_msg, m, n);
    x->err_msg[n] = 0;
}

/* Called when libxml2 has read "<!DOCTYPE name ...": stop right there. */
static void S_on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                         const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = ctx;
    S_xml *x = ctxt->_private;
    x->saw_doctype = 1;
    xmlStopParser(ctxt);
}

tm_node *tm_read_xml(tm_arena *arena, const char *file, const char *text, size_t len,
                     const tm_read_limits *lim, tm_diags *d)
{
    S_xml x;
    memset(&x, 0, sizeof x);
    if (tm_reader_begin(&x.r, arena, file, text, len, lim, d) < 0)
        return NULL;
    if (x.r.len > (size_t)0x7fffffff) {
        tm_reader_error(&x.r, "syntax", 1, 1, "XML document too large");
        return NULL;
    }
    xmlInitParser();
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        tm_reader_error(&x.r, "syntax", 0, 0, "XML reader ran out of memory");
        return NULL;
    }
    ctxt->_private = &x;
    ctxt->sax->internalSubset = S_on_doctype;
    ctxt->sax->serror = S_on_error;
    /* Never add NOENT, DTDLOAD, DTDVALID, XINCLUDE or HUGE here (see the top
     * of this file). The text was checked to be UTF-8, so an encoding
     * declaration cannot make libxml2 read it as something else. */
    int opts = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
               XML_PARSE_IGNORE_ENC;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, x.r.text, (int)x.r.len, NULL, "UTF-8", opts);
    tm_node *root = NULL;
    if (x.saw_doctype) {
        S_tag dt = {0, 0, 0};
        size_t from = 0;
        uint32_t line = 1, col = 1;
        if (S_next_tag(x.r.text, x.r.len, &from, &dt, 1) == 0)
            tm_textpos_at(&x.r.pos, dt.lt, &line, &col);
        tm_reader_error(&x.r, "dtd", line, col,
                        "DTDs are not allowed: remove the <!DOCTYPE> declaration "
                        "(entities are never expanded or fetched)");
    } else if (x.have_error || !doc) {
        if (!x.have_error) {
            tm_reader_error(&x.r, "syntax", 1, 1, "XML syntax error: malformed document");
        } else if (strncmp(x.err_msg, "Excessive depth", 15) == 0) {
            tm_reader_error(&x.r, "too-deep", (uint32_t)x.err_line, (uint32_t)x.err_col,
                            "document nested too deep (more than %zu levels)", x.r.max_depth);
        } else {
            tm_reader_error(&x.r, "syntax", (uint32_t)(x.err_line > 0 ? x.err_line : 0),
                            (uint32_t)(x.err_col > 0 ? x.err_col : 0), "XML syntax error: %s",
                            x.err_msg);
        }
    } else {
        xmlNodePtr el = xmlDocGetRootElement(doc);
        S_tag tag;
        if (!el) {
            tm_reader_error(&x.r, "syntax", 1, 1, "XML syntax error: no root element");
        } else if (S_locate(&x, el, &tag) == 0) {
            root = S_map(&x, el, &tag, 1, 1);
        }
    }
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return x.r.failed ? NULL : root;
}
