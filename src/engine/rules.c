/*
 * The rule library: rule files (YAML, JSON or XML, read through the same
 * document readers as models, so that errors carry file:line:col), the
 * built-in rules compiled into the binary, and the scoring helpers.
 *
 * A rule file is a list of rules or a map {rules: [...]} (XML:
 * <rules><rule .../></rules>). Every rule is checked completely when it is
 * added: keys, id syntax, enums, STRIDE letters, and its condition and
 * templates are parsed and type-checked by expr.c. A file with any error
 * adds no rule at all, so a ruleset never holds half a file.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/analysis.h"
#include "doc/check.h"
#include "engine/expr.h"
#include "engine/rules.h"
#include "stridec/doc.h"
#include "stridec/embedded.h"

#define S_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------- scoring */

static const char *const S_severity_names[] = {"none", "low", "medium", "high", "critical"};
/* Index 0 unused: the enums start at 1. */
static const char *const S_likelihood_names[] = {"unlikely", "likely", "very-likely", "frequent"};
static const char *const S_impact_names[] = {"low", "medium", "high", "very-high"};

const char *tm_severity_name(tm_severity s)
{
    return (unsigned)s < S_COUNT(S_severity_names) ? S_severity_names[s] : "?";
}

const char *tm_likelihood_name(tm_likelihood l)
{
    return l >= TM_LIK_UNLIKELY && l <= TM_LIK_FREQUENT ? S_likelihood_names[l - 1] : "?";
}

const char *tm_impact_name(tm_impact i)
{
    return i >= TM_IMP_LOW && i <= TM_IMP_VERY_HIGH ? S_impact_names[i - 1] : "?";
}

/* The parsers return 0 on success and -1 for an unknown name. Severity
 * accepts only the four levels a threat can have ("none" is not a level
 * --fail-on or a review could name). */
int tm_severity_parse(const char *s, tm_severity *out)
{
    for (size_t i = TM_SEV_LOW; s && i < S_COUNT(S_severity_names); i++)
        if (strcmp(s, S_severity_names[i]) == 0) {
            *out = (tm_severity)i;
            return 0;
        }
    return -1;
}

int tm_likelihood_parse(const char *s, tm_likelihood *out)
{
    for (size_t i = 0; s && i < S_COUNT(S_likelihood_names); i++)
        if (strcmp(s, S_likelihood_names[i]) == 0) {
            *out = (tm_likelihood)(i + 1);
            return 0;
        }
    return -1;
}

int tm_impact_parse(const char *s, tm_impact *out)
{
    for (size_t i = 0; s && i < S_COUNT(S_impact_names); i++)
        if (strcmp(s, S_impact_names[i]) == 0) {
            *out = (tm_impact)(i + 1);
            return 0;
        }
    return -1;
}

/*
 * Severity = likelihood x impact, then raised by the data at stake
 * (share/stridec/doc/scoring.md says the same for users):
 *
 *                    impact:  low      medium    high      very-high
 *   likelihood unlikely       low      low       medium    high
 *              likely         low      medium    high      high
 *              very-likely    medium   high      high      critical
 *              frequent       medium   high      critical  critical
 *
 * The matrix is deliberately asymmetric towards impact: a very-high impact
 * is at least high even when unlikely (a breach of everything is never a
 * "medium"), while a frequent low-impact nuisance stays medium.
 *
 * Then: confidential data raises the result one level, restricted data two,
 * capped at critical. Public or internal data, or no data, leave it as is:
 * the matrix already assumes some value is at stake.
 */
static const unsigned char S_matrix[4][4] = {
    {TM_SEV_LOW, TM_SEV_LOW, TM_SEV_MEDIUM, TM_SEV_HIGH},
    {TM_SEV_LOW, TM_SEV_MEDIUM, TM_SEV_HIGH, TM_SEV_HIGH},
    {TM_SEV_MEDIUM, TM_SEV_HIGH, TM_SEV_HIGH, TM_SEV_CRITICAL},
    {TM_SEV_MEDIUM, TM_SEV_HIGH, TM_SEV_CRITICAL, TM_SEV_CRITICAL},
};

tm_severity tm_score(tm_likelihood l, tm_impact i, tm_class data_class)
{
    if (l < TM_LIK_UNLIKELY || l > TM_LIK_FREQUENT || i < TM_IMP_LOW || i > TM_IMP_VERY_HIGH)
        return TM_SEV_NONE;
    unsigned s = S_matrix[l - 1][i - 1];
    /* Data at stake raises by one level: restricted data up to critical,
     * confidential data up to high. Only the threat itself (likelihood x
     * impact) makes a critical out of confidential data; otherwise every
     * generic threat on a sensitive system would read critical and the
     * real ones would drown. */
    if (data_class == TM_CLASS_RESTRICTED)
        s += 1;
    else if (data_class == TM_CLASS_CONFIDENTIAL && s < TM_SEV_HIGH)
        s += 1;
    if (s > TM_SEV_CRITICAL)
        s = TM_SEV_CRITICAL;
    return (tm_severity)s;
}

const char *tm_target_type_name(tm_target_type t)
{
    switch (t) {
    case TM_TARGET_MODEL:
        return "model";
    case TM_TARGET_BOUNDARY:
        return "boundary";
    case TM_TARGET_ELEMENT:
        return "element";
    case TM_TARGET_FLOW:
        return "flow";
    case TM_TARGET_IDENTITY:
        return "identity";
    case TM_TARGET_ARTIFACT:
        return "artifact";
    }
    return "?";
}

int tm_status_is_open(tm_status s)
{
    return s == TM_STATUS_OPEN || s == TM_STATUS_IN_PROGRESS;
}

/* Same order as tm_applies. */
static const char *const S_applies_names[] = {"element",  "flow",     "boundary",
                                              "identity", "artifact", "model"};

const char *tm_applies_name(tm_applies a)
{
    return (unsigned)a < S_COUNT(S_applies_names) ? S_applies_names[a] : "?";
}

/* ------------------------------------------------------------- ruleset */

tm_ruleset *tm_ruleset_new(void)
{
    tm_arena *arena = tm_arena_new();
    tm_ruleset *rs = tm_arena_alloc(arena, sizeof *rs);
    rs->arena = arena;
    rs->by_id = tm_map_new(128);
    return rs;
}

void tm_ruleset_free(tm_ruleset *rs)
{
    if (!rs)
        return;
    free(rs->rules);
    tm_map_free(rs->by_id);
    tm_arena_free(rs->arena); /* rs itself lives in the arena */
}

size_t tm_ruleset_count(const tm_ruleset *rs)
{
    return rs ? rs->n_rules : 0;
}

const tm_rule *tm_ruleset_find(const tm_ruleset *rs, const char *id)
{
    return rs && id ? tm_map_get(rs->by_id, id) : NULL;
}

static void S_push(tm_ruleset *rs, tm_rule *r)
{
    if (rs->n_rules == rs->cap_rules) {
        rs->cap_rules = rs->cap_rules ? rs->cap_rules * 2 : 64;
        rs->rules = tm_xrealloc(rs->rules, rs->cap_rules * sizeof *rs->rules);
    }
    rs->rules[rs->n_rules++] = r;
    tm_map_put(rs->by_id, r->id, r);
}

/* ---------------------------------------------------------- rule files */

static const char *const S_rule_keys[] = {
    "id",          "title",      "applies_to", "stride",     "when",
    "likelihood",  "impact",     "mitigation", "description", "references",
    "monitor",     "include_out_of_scope",
};

static const char *const S_file_keys[] = {"rules"};

static const char *const S_letters[] = {"S", "T", "R", "I", "D", "E"};

/* Rule ids are upper case so that they stand out in threat ids
 * (RULE-ID@target-id) and never contain '@'. */
static int S_valid_rule_id(const char *s)
{
    if (!s || !*s)
        return 0;
    for (size_t i = 0; s[i]; i++) {
        char c = s[i];
        int alnum = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
            return 0;
    }
    return 1;
}

/* Byte offset of 1-based code-point column `col` in line[0..len), or len. */
static size_t S_col_offset(const char *line, size_t len, uint32_t col)
{
    size_t off = 0;
    for (uint32_t c = 1; c < col && off < len; c++) {
        off++;
        while (off < len && ((unsigned char)line[off] & 0xC0) == 0x80)
            off++;
    }
    return off;
}

/*
 * Where the text of scalar n starts in its file, for the condition parser's
 * positions. Readers give the position of the node, which for a quoted
 * scalar is its opening quote (the text starts one column later) and for a
 * YAML block scalar (| or >) is the indicator (the text starts on the next
 * line, at that line's indentation). The source registered with the
 * diagnostics tells which; without it, the node's position is the best
 * there is. Escapes inside quoted scalars shift later columns: conditions
 * are best written plain, single-quoted or as a literal block.
 */
static tm_expr_origin S_origin(const tm_diags *d, const tm_node *n)
{
    tm_expr_origin o = {n->file, n->line, n->col, 0};
    size_t len = 0;
    const char *line = n->file ? tm_diags_source_line(d, n->file, n->line, &len) : NULL;
    if (!line || n->col == 0)
        return o;
    size_t off = S_col_offset(line, len, n->col);
    if (off >= len)
        return o;
    char c = line[off];
    if (c == '"' || c == '\'') {
        o.col = n->col + 1;
    } else if (c == '|' || c == '>') {
        size_t nlen = 0;
        const char *next = tm_diags_source_line(d, n->file, n->line + 1, &nlen);
        if (!next)
            return o;
        uint32_t indent = 0;
        while (indent < nlen && next[indent] == ' ')
            indent++;
        o.line = n->line + 1;
        o.col = indent + 1;
        o.indent = indent;
    }
    return o;
}

typedef struct {
    tm_ruleset *rs;
    tm_diags *d;
    tm_check v;
    bool builtin;
    tm_map *local; /* ids defined earlier in this file */
} S_file_ctx;

/* A string-valued text of a template key, checked for placeholders. */
static const char *S_template(S_file_ctx *c, const tm_node *n, const char *key, int kind_ok,
                              tm_applies kind)
{
    const char *s = tm_check_string(&c->v, n, key, TM_CHECK_NONEMPTY);
    if (!s || !kind_ok)
        return s;
    tm_expr_origin o = S_origin(c->d, n);
    if (tm_expr_check_template(c->rs->arena, s, kind, &o, c->d) != 0) {
        c->v.errors++;
        return NULL;
    }
    return s;
}

static unsigned S_stride(S_file_ctx *c, const tm_node *n)
{
    tm_check *v = &c->v;
    size_t count = 0;
    int ok = 1;
    const char **letters = tm_check_strings(v, n, "stride", TM_CHECK_SPLIT_TEXT, &count, NULL, &ok);
    if (!ok)
        return 0;
    if (!count) {
        tm_check_error(v, "invalid", n, "'stride' needs at least one of the letters S, T, R, I, D, E");
        return 0;
    }
    unsigned set = 0;
    for (size_t i = 0; i < count; i++) {
        /* Point at the item itself when the letters are a list. */
        const tm_node *at = n->kind == TM_NODE_LIST && n->n == count ? n->items[i] : n;
        const char *p = strchr(TM_STRIDE_LETTERS, letters[i][0]);
        if (!p || letters[i][1] || !letters[i][0]) {
            const char *near = tm_did_you_mean(letters[i], S_letters, S_COUNT(S_letters));
            if (near)
                tm_check_error(v, "invalid", at,
                            "'%s' is not a STRIDE letter (expected S, T, R, I, D or E; did you "
                            "mean '%s'?)",
                            letters[i], near);
            else
                tm_check_error(v, "invalid", at, "'%s' is not a STRIDE letter (expected S, T, R, I, D or E)",
                            letters[i]);
            return 0;
        }
        unsigned bit = 1u << (p - TM_STRIDE_LETTERS);
        if (set & bit) {
            tm_check_error(v, "invalid", at, "STRIDE letter '%s' is given twice", letters[i]);
            return 0;
        }
        set |= bit;
    }
    return set;
}

/* One rule; NULL after its errors were reported. */
static tm_rule *S_rule(S_file_ctx *c, const tm_node *n)
{
    tm_check *v = &c->v;
    if (n->kind != TM_NODE_MAP) {
        tm_check_error(v, "invalid", n, "a rule must be a map with keys id, title, applies_to, ..., not %s",
                    tm_check_what(n));
        return NULL;
    }
    size_t before = v->errors;
    tm_arena *ar = c->rs->arena;
    tm_rule *r = tm_arena_alloc(ar, sizeof *r);
    r->loc.file = n->file;
    r->loc.line = n->line;
    r->loc.col = n->col;
    r->builtin = c->builtin;

    const char *what = "rule";
    const tm_node *val = tm_node_get(n, "id");
    if (!val) {
        tm_check_error(v, "missing-key", n, "missing required key 'id' in a rule");
    } else if ((r->id = tm_check_string(v, val, "id", TM_CHECK_NONEMPTY)) != NULL) {
        if (!S_valid_rule_id(r->id)) {
            tm_check_error(v, "invalid", val, "rule id '%s' must match [A-Z0-9][A-Z0-9_.-]* (upper case)", r->id);
            r->id = NULL;
        } else {
            what = tm_arena_printf(ar, "rule '%s'", r->id);
        }
    }
    tm_check_keys(v, n, what, S_rule_keys, S_COUNT(S_rule_keys));

    /* applies_to first: the condition and the templates are checked
     * against the subjects this kind of rule sees. */
    int kind_ok = 0;
    if ((val = tm_check_require(v, n, "applies_to", what)) != NULL) {
        int k = tm_check_enum(v, val, "applies_to", S_applies_names, S_COUNT(S_applies_names));
        if (k >= 0) {
            r->applies_to = (tm_applies)k;
            kind_ok = 1;
        }
    }
    if ((val = tm_check_require(v, n, "title", what)) != NULL)
        r->title = S_template(c, val, "title", kind_ok, r->applies_to);
    if ((val = tm_check_require(v, n, "stride", what)) != NULL)
        r->stride = S_stride(c, val);
    if ((val = tm_check_require(v, n, "when", what)) != NULL) {
        /* `when: true` is a YAML boolean; its text is the condition. */
        if (val->kind == TM_NODE_SCALAR && val->stype == TM_SCALAR_BOOL)
            r->when_text = val->text;
        else
            r->when_text = tm_check_string(v, val, "when", TM_CHECK_NONEMPTY);
        if (r->when_text && kind_ok) {
            tm_expr_origin o = S_origin(c->d, val);
            r->when = tm_expr_parse(ar, r->when_text, r->applies_to, &o, c->d);
            if (!r->when)
                v->errors++;
        }
    }
    if ((val = tm_check_require(v, n, "likelihood", what)) != NULL) {
        int k = tm_check_enum(v, val, "likelihood", S_likelihood_names, S_COUNT(S_likelihood_names));
        if (k >= 0)
            r->likelihood = (tm_likelihood)(k + 1);
    }
    if ((val = tm_check_require(v, n, "impact", what)) != NULL) {
        int k = tm_check_enum(v, val, "impact", S_impact_names, S_COUNT(S_impact_names));
        if (k >= 0)
            r->impact = (tm_impact)(k + 1);
    }
    if ((val = tm_check_require(v, n, "mitigation", what)) != NULL)
        r->mitigation = S_template(c, val, "mitigation", kind_ok, r->applies_to);
    if ((val = tm_node_get(n, "description")) != NULL)
        r->description = S_template(c, val, "description", kind_ok, r->applies_to);
    int ok = 1;
    if ((val = tm_node_get(n, "references")) != NULL)
        r->references = tm_check_strings(v, val, "references", TM_CHECK_SPLIT_TEXT, &r->n_references, NULL, &ok);
    /* Monitoring entries are phrases: an XML attribute is one entry. */
    if ((val = tm_node_get(n, "monitor")) != NULL) {
        if (val->kind == TM_NODE_SCALAR && val->stype == TM_SCALAR_TEXT) {
            if (tm_check_string(v, val, "monitor", TM_CHECK_NONEMPTY)) {
                r->monitor = tm_arena_alloc(ar, sizeof *r->monitor);
                r->monitor[0] = val->text;
                r->n_monitor = 1;
            }
        } else {
            r->monitor = tm_check_strings(v, val, "monitor", 0, &r->n_monitor, NULL, &ok);
        }
    }
    if ((val = tm_node_get(n, "include_out_of_scope")) != NULL)
        tm_check_bool(v, val, "include_out_of_scope", &r->include_out_of_scope);

    if (v->errors != before || !r->id)
        return NULL;
    return r;
}

/* Validate a whole file's tree, then add its rules (all or none). */
static int S_add_tree(tm_ruleset *rs, const tm_node *root, bool builtin, tm_diags *d)
{
    S_file_ctx c;
    memset(&c, 0, sizeof c);
    c.rs = rs;
    c.d = d;
    c.builtin = builtin;
    c.v.arena = rs->arena;
    c.v.d = d;

    const tm_node *list = root;
    if (root->kind == TM_NODE_MAP) {
        tm_check_keys(&c.v, root, "a rule file", S_file_keys, S_COUNT(S_file_keys));
        list = tm_check_require(&c.v, root, "rules", "a rule file");
        if (list && list->kind != TM_NODE_LIST) {
            tm_check_error(&c.v, "invalid", list, "'rules' must be a list of rules, not %s", tm_check_what(list));
            list = NULL;
        }
    } else if (root->kind != TM_NODE_LIST) {
        tm_check_error(&c.v, "invalid", root, "a rule file must be a list of rules or a map with key 'rules', "
                                "not %s",
                    tm_check_what(root));
        list = NULL;
    }
    if (!list)
        return -1;

    c.local = tm_map_new(list->n);
    tm_vec added = {0};
    for (size_t i = 0; i < list->n; i++) {
        tm_rule *r = S_rule(&c, list->items[i]);
        if (!r)
            continue;
        const tm_rule *first = tm_map_get(c.local, r->id);
        if (!first)
            first = tm_ruleset_find(rs, r->id);
        if (first) {
            const tm_node *idn = tm_node_get(list->items[i], "id");
            if (first->loc.file && r->loc.file && strcmp(first->loc.file, r->loc.file) == 0)
                tm_check_error(&c.v, "invalid", idn, "duplicate rule id '%s' (first defined at line %u)", r->id,
                            (unsigned)first->loc.line);
            else
                tm_check_error(&c.v, "invalid", idn, "duplicate rule id '%s' (first defined at %s:%u:%u)", r->id,
                            first->loc.file ? first->loc.file : "?", (unsigned)first->loc.line,
                            (unsigned)first->loc.col);
            continue;
        }
        tm_map_put(c.local, r->id, r);
        tm_vec_push(&added, r);
    }
    tm_map_free(c.local);
    if (c.v.errors) {
        tm_vec_free(&added);
        return -1;
    }
    for (size_t i = 0; i < added.len; i++)
        S_push(rs, added.items[i]);
    tm_vec_free(&added);
    return 0;
}

int tm_ruleset_add_file(tm_ruleset *rs, const char *path, tm_diags *d)
{
    const tm_node *root = tm_read_file_tree(rs->arena, path, NULL, d);
    if (!root)
        return -1;
    return S_add_tree(rs, root, false, d);
}

int tm_ruleset_add_text(tm_ruleset *rs, const char *name, const char *text, size_t len,
                        tm_diags *d)
{
    tm_syntax syn = tm_syntax_guess(name, text, len);
    const tm_node *root = tm_read_text_tree(rs->arena, name, syn, text, len, NULL, d);
    if (!root)
        return -1;
    return S_add_tree(rs, root, false, d);
}

static int S_rule_file_name(const char *name)
{
    size_t n = strlen(name);
    if (!n || name[0] == '.')
        return 0;
    static const char *const ext[] = {".yaml", ".yml", ".json", ".xml"};
    for (size_t i = 0; i < S_COUNT(ext); i++) {
        size_t e = strlen(ext[i]);
        if (n > e && strcmp(name + n - e, ext[i]) == 0)
            return 1;
    }
    return 0;
}

static int S_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int S_cmp_embedded(const void *a, const void *b)
{
    const tm_embedded_file *fa = *(const tm_embedded_file *const *)a;
    const tm_embedded_file *fb = *(const tm_embedded_file *const *)b;
    return strcmp(fa->name, fb->name);
}

int tm_ruleset_add_builtin(tm_ruleset *rs, tm_diags *d)
{
    static const char prefix[] = "share/stridec/rules/";
    tm_vec files = {0};
    for (const tm_embedded_file *f = tm_embedded_files; f->name; f++)
        if (strncmp(f->name, prefix, sizeof prefix - 1) == 0 &&
            !strchr(f->name + sizeof prefix - 1, '/') &&
            S_rule_file_name(f->name + sizeof prefix - 1))
            tm_vec_push(&files, (void *)f);
    /* Name order, whatever order the build listed them in. */
    if (files.len > 1)
        qsort(files.items, files.len, sizeof *files.items, S_cmp_embedded);
    int status = 0;
    for (size_t i = 0; i < files.len; i++) {
        const tm_embedded_file *f = files.items[i];
        tm_syntax syn = tm_syntax_guess(f->name, (const char *)f->data, f->len);
        const tm_node *root =
            tm_read_text_tree(rs->arena, f->name, syn, (const char *)f->data, f->len, NULL, d);
        if (!root || S_add_tree(rs, root, true, d) != 0)
            status = -1;
    }
    tm_vec_free(&files);
    return status;
}

int tm_ruleset_add_dir(tm_ruleset *rs, const char *dir, tm_diags *d)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        tm_diag_add(d, TM_DIAG_ERROR, "rule", dir, 0, 0, "cannot open the rule folder");
        return -1;
    }
    tm_vec names = {0};
    struct dirent *de;
    while ((de = readdir(dp)) != NULL)
        if (S_rule_file_name(de->d_name))
            tm_vec_push(&names, tm_xstrdup(de->d_name));
    closedir(dp);
    if (names.len > 1)
        qsort(names.items, names.len, sizeof *names.items, S_cmp_str);
    int status = 0;
    tm_buf path;
    tm_buf_init(&path, 0);
    for (size_t i = 0; i < names.len; i++) {
        tm_buf_reset(&path);
        size_t dl = strlen(dir);
        tm_buf_puts(&path, dir);
        if (dl && dir[dl - 1] != '/')
            tm_buf_putc(&path, '/');
        tm_buf_puts(&path, names.items[i]);
        /* Keep going after a bad file: one run shows every broken file. */
        if (tm_ruleset_add_file(rs, path.data, d) != 0)
            status = -1;
        free(names.items[i]);
    }
    tm_buf_free(&path);
    tm_vec_free(&names);
    return status;
}
