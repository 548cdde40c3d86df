/*
 * The IAM catalogue (iam.h): share/stridec/iam/services.yaml read through
 * the document readers (a broken table reports file:line:col like a broken
 * model), the indices of the managed-policy and SAM-template tables
 * (share/stridec/iam/, JSON Lines: one object a line, sorted by name), and
 * the action classifier over them.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "doc/check.h"
#include "iam/iam_impl.h"
#include "stridec/embedded.h"

#define S_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define S_VERSION 1

static const char S_services_name[] = "share/stridec/iam/services.yaml";
static const char S_managed_name[] = "share/stridec/iam/managed-policies.jsonl";
static const char S_sam_name[] = "share/stridec/iam/sam-policy-templates.jsonl";

/* Same order as tm_iam_access. */
static const char *const S_access_names[] = {"read", "write", "list", "tagging",
                                             "permissions-management"};
static const char *const S_data_names[] = {"read", "write", "delete"};

const char *tm_iam_access_name(tm_iam_access a)
{
    return (unsigned)a < TM_IAM_ACCESS_COUNT ? S_access_names[a] : "?";
}

/* ------------------------------------------------------- services.yaml */

static const char *const S_top_keys[] = {"version", "escalation", "narrowing_conditions", "verbs",
                                         "services"};
static const char *const S_service_keys[] = {"prefix", "elements", "resources", "data", "access"};
static const char *const S_resource_keys[] = {"type", "arn", "element"};

static void S_strings(tm_check *v, const tm_node *map, const char *key, const char ***out,
                      size_t *n)
{
    int ok = 1;
    const tm_node *val = tm_node_get(map, key);
    *out = NULL;
    *n = 0;
    if (val)
        *out = tm_check_strings(v, val, key, 0, n, NULL, &ok);
}

/* A map of class name -> list of strings, classes from names[0..n_names). */
static void S_class_lists(tm_check *v, const tm_node *map, const char *what,
                          const char *const *names, size_t n_names, const char ***lists,
                          size_t *counts)
{
    if (map->kind != TM_NODE_MAP) {
        tm_check_error(v, "iam-catalog", map, "%s must be a map of class -> list of actions, not %s", what,
                    tm_check_what(map));
        return;
    }
    tm_check_keys(v, map, what, names, n_names);
    for (size_t i = 0; i < n_names; i++)
        S_strings(v, map, names[i], &lists[i], &counts[i]);
}

static int S_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every literal action an entry names, "prefix:Action", sorted, unique. */
static void S_collect_actions(tm_arena *a, S_iam_service *s)
{
    tm_vec v = {0};
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < s->n_data[k]; i++)
            if (!strpbrk(s->data[k][i], "*?"))
                tm_vec_push(&v, tm_arena_printf(a, "%s:%s", s->prefix, s->data[k][i]));
    for (int k = 0; k < TM_IAM_ACCESS_COUNT; k++)
        for (size_t i = 0; i < s->n_access[k]; i++)
            if (!strpbrk(s->access[k][i], "*?"))
                tm_vec_push(&v, tm_arena_printf(a, "%s:%s", s->prefix, s->access[k][i]));
    if (v.len)
        qsort(v.items, v.len, sizeof *v.items, S_cmp_str);
    size_t w = 0;
    for (size_t i = 0; i < v.len; i++)
        if (!w || strcmp(v.items[w - 1], v.items[i]) != 0)
            v.items[w++] = v.items[i];
    v.len = w;
    s->actions = (const char **)tm_vec_finish(&v, a, &s->n_actions);
}

static int S_service(tm_check *v, const tm_node *n, S_iam_service *s)
{
    size_t before = v->errors;
    if (n->kind != TM_NODE_MAP) {
        tm_check_error(v, "iam-catalog", n, "a service must be a map with keys prefix, elements, ..., not %s",
                    tm_check_what(n));
        return 0;
    }
    const char *what = "a service";
    const tm_node *val = tm_check_require(v, n, "prefix", what);
    if (val && (s->prefix = tm_check_string(v, val, "prefix", TM_CHECK_NONEMPTY)) != NULL)
        what = tm_arena_printf(v->arena, "service '%s'", s->prefix);
    tm_check_keys(v, n, what, S_service_keys, S_COUNT(S_service_keys));
    if (tm_check_require(v, n, "elements", what))
        S_strings(v, n, "elements", &s->elements, &s->n_elements);
    if ((val = tm_node_get(n, "resources")) != NULL) {
        if (val->kind != TM_NODE_LIST) {
            tm_check_error(v, "iam-catalog", val, "'resources' must be a list, not %s", tm_check_what(val));
        } else {
            s->resources = tm_arena_array(v->arena, val->n ? val->n : 1, sizeof *s->resources);
            for (size_t i = 0; i < val->n; i++) {
                const tm_node *r = val->items[i];
                S_iam_resource *x = &s->resources[s->n_resources];
                if (r->kind != TM_NODE_MAP) {
                    tm_check_error(v, "iam-catalog", r, "a resource must be a map with keys type and arn, not %s",
                                tm_check_what(r));
                    continue;
                }
                tm_check_keys(v, r, "a resource", S_resource_keys, S_COUNT(S_resource_keys));
                const tm_node *t = tm_check_require(v, r, "type", "a resource");
                const tm_node *f = tm_check_require(v, r, "arn", "a resource");
                const tm_node *e = tm_node_get(r, "element");
                x->type = t ? tm_check_string(v, t, "type", TM_CHECK_NONEMPTY) : NULL;
                x->format = f ? tm_check_string(v, f, "arn", TM_CHECK_NONEMPTY) : NULL;
                x->element = e ? tm_check_string(v, e, "element", TM_CHECK_NONEMPTY)
                               : (s->n_elements ? s->elements[0] : NULL);
                if (x->type && x->format)
                    s->n_resources++;
            }
        }
    }
    if ((val = tm_node_get(n, "data")) != NULL)
        S_class_lists(v, val, "'data'", S_data_names, 3, s->data, s->n_data);
    if ((val = tm_node_get(n, "access")) != NULL)
        S_class_lists(v, val, "'access'", S_access_names, TM_IAM_ACCESS_COUNT, s->access,
                      s->n_access);
    if (v->errors != before)
        return 0;
    S_collect_actions(v->arena, s);
    return 1;
}

static char *S_lower(tm_arena *a, const char *s)
{
    char *r = tm_arena_strdup(a, s);
    for (char *p = r; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return r;
}

static int S_build(tm_iam_catalog *c, const tm_node *root, tm_diags *d)
{
    tm_check v = {c->arena, d, 0};
    if (root->kind != TM_NODE_MAP) {
        tm_check_error(&v, "iam-catalog", root, "the IAM service table must be a map with keys 'version', 'verbs' "
                              "and 'services', not %s",
                    tm_check_what(root));
        return 0;
    }
    const char *what = "the IAM service table";
    tm_check_keys(&v, root, what, S_top_keys, S_COUNT(S_top_keys));
    const tm_node *ver = tm_check_require(&v, root, "version", what);
    if (ver && !(ver->kind == TM_NODE_SCALAR &&
                 ((ver->stype == TM_SCALAR_INT && ver->ival == S_VERSION) ||
                  (ver->stype == TM_SCALAR_TEXT && strcmp(ver->text, "1") == 0))))
        tm_check_error(&v, "iam-catalog", ver, "unsupported IAM service table version '%s' (this stridec reads "
                             "version %d)",
                    ver->kind == TM_NODE_SCALAR ? ver->text : tm_check_what(ver), S_VERSION);
    const tm_node *esc = tm_node_get(root, "escalation");
    if (esc && esc->kind != TM_NODE_LIST) {
        tm_check_error(&v, "iam-catalog", esc, "'escalation' must be a list, not %s",
                       tm_check_what(esc));
    } else if (esc) {
        c->escalation = tm_arena_array(c->arena, esc->n ? esc->n : 1, sizeof *c->escalation);
        for (size_t i = 0; i < esc->n; i++) {
            const tm_node *e = tm_check_map(&v, esc->items[i], "an escalation action");
            if (!e)
                continue;
            static const char *const keys[] = {"action", "resource"};
            tm_check_keys(&v, e, "an escalation action", keys, 2);
            const tm_node *an = tm_check_require(&v, e, "action", "an escalation action");
            const tm_node *rn = tm_check_require(&v, e, "resource", "an escalation action");
            const char *act = an ? tm_check_string(&v, an, "action", TM_CHECK_NONEMPTY) : NULL;
            const char *res = rn ? tm_check_string(&v, rn, "resource", TM_CHECK_NONEMPTY) : NULL;
            if (act && res) {
                c->escalation[c->n_escalation].action = act;
                c->escalation[c->n_escalation].resource = res;
                c->n_escalation++;
            }
        }
    }
    S_strings(&v, root, "narrowing_conditions", &c->narrowing, &c->n_narrowing);
    const tm_node *verbs = tm_check_require(&v, root, "verbs", what);
    if (verbs)
        S_class_lists(&v, verbs, "'verbs'", S_access_names, TM_IAM_ACCESS_COUNT, c->verbs,
                      c->n_verbs);
    const tm_node *svcs = tm_check_require(&v, root, "services", what);
    if (svcs && svcs->kind != TM_NODE_LIST) {
        tm_check_error(&v, "iam-catalog", svcs, "'services' must be a list of services, not %s", tm_check_what(svcs));
        svcs = NULL;
    }
    c->by_prefix = tm_map_new(svcs ? svcs->n : 0);
    if (svcs) {
        c->services = tm_arena_array(c->arena, svcs->n ? svcs->n : 1, sizeof *c->services);
        for (size_t i = 0; i < svcs->n; i++) {
            S_iam_service *s = &c->services[c->n_services];
            if (!S_service(&v, svcs->items[i], s))
                continue;
            char *key = S_lower(c->arena, s->prefix);
            if (tm_map_get(c->by_prefix, key)) {
                tm_check_error(&v, "iam-catalog", svcs->items[i], "duplicate service '%s'", s->prefix);
                continue;
            }
            tm_map_put(c->by_prefix, key, s);
            c->n_services++;
        }
    }
    return v.errors == 0;
}

/* ------------------------------------------------------- JSON Lines */

typedef struct {
    const char *name;
    size_t off, len;
} S_line;

static int S_cmp_line(const void *a, const void *b)
{
    return strcmp(((const S_line *)a)->name, ((const S_line *)b)->name);
}

/* Index a table: every line after the header starts with {"name":"NAME". */
static int S_index(tm_iam_catalog *c, S_iam_lines *t, const char *file, tm_diags *d)
{
    const tm_embedded_file *f = tm_embedded_files;
    while (f->name && strcmp(f->name, file) != 0)
        f++;
    if (!f->name) {
        tm_diag_add(d, TM_DIAG_ERROR, "iam-catalog", NULL, 0, 0,
                    "the built-in IAM table %s is missing from this build", file);
        return 0;
    }
    t->text = (const char *)f->data;
    t->len = f->len;
    tm_vec v = {0};
    static const char lead[] = "{\"name\":\"";
    const char *p = t->text, *end = t->text + t->len;
    uint32_t line = 1;
    p = memchr(p, '\n', (size_t)(end - p)); /* the header line */
    while (p && ++p < end) {
        line++;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *q = len > sizeof lead ? memchr(p + sizeof lead - 1, '"', len - (sizeof lead - 1))
                                          : NULL;
        if (strncmp(p, lead, sizeof lead - 1) != 0 || !q) {
            tm_diag_add(d, TM_DIAG_ERROR, "iam-catalog", file, line, 1,
                        "a line of the IAM table must start with {\"name\":\"NAME\"");
            tm_vec_free(&v);
            return 0;
        }
        S_line *l = tm_arena_alloc(c->arena, sizeof *l);
        l->name = tm_arena_strndup(c->arena, p + sizeof lead - 1, (size_t)(q - p) - (sizeof lead - 1));
        l->off = (size_t)(p - t->text);
        l->len = len;
        tm_vec_push(&v, l);
        p = nl;
    }
    t->n = v.len;
    S_line *lines = tm_xmalloc((v.len ? v.len : 1) * sizeof *lines);
    for (size_t i = 0; i < v.len; i++)
        lines[i] = *(S_line *)v.items[i];
    tm_vec_free(&v);
    qsort(lines, t->n, sizeof *lines, S_cmp_line);
    t->names = tm_arena_array(c->arena, t->n ? t->n : 1, sizeof *t->names);
    t->offsets = tm_arena_array(c->arena, t->n ? t->n : 1, sizeof *t->offsets);
    t->lengths = tm_arena_array(c->arena, t->n ? t->n : 1, sizeof *t->lengths);
    for (size_t i = 0; i < t->n; i++) {
        t->names[i] = lines[i].name;
        t->offsets[i] = lines[i].off;
        t->lengths[i] = lines[i].len;
    }
    free(lines);
    return 1;
}

long tm_iam_lines_find(const S_iam_lines *t, const char *name)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(t->names[mid], name);
        if (r == 0)
            return (long)mid;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* The parameter names of every SAM template: read from each line's
 * "parameters":[...] (plain names, no escapes). */
static void S_sam_params(tm_iam_catalog *c)
{
    size_t n = c->sam.n;
    c->sam_params = tm_arena_array(c->arena, n ? n : 1, sizeof *c->sam_params);
    c->n_sam_params = tm_arena_array(c->arena, n ? n : 1, sizeof *c->n_sam_params);
    static const char key[] = "\"parameters\":[";
    for (size_t i = 0; i < n; i++) {
        const char *line = c->sam.text + c->sam.offsets[i];
        const char *end = line + c->sam.lengths[i];
        const char *p = NULL;
        for (const char *q = line; q + sizeof key - 1 <= end; q++)
            if (memcmp(q, key, sizeof key - 1) == 0) {
                p = q + sizeof key - 1;
                break;
            }
        tm_vec v = {0};
        while (p && p < end && *p == '"') {
            const char *close = memchr(p + 1, '"', (size_t)(end - p - 1));
            if (!close)
                break;
            tm_vec_push(&v, tm_arena_strndup(c->arena, p + 1, (size_t)(close - p - 1)));
            p = close + 1;
            if (p < end && *p == ',')
                p++;
        }
        c->sam_params[i] = (const char **)tm_vec_finish(&v, c->arena, &c->n_sam_params[i]);
    }
}

/* ---------------------------------------------------------- creation */

static tm_iam_catalog *S_new(const char *file, const char *text, size_t len, int from_file,
                             tm_diags *d)
{
    tm_iam_catalog *c = tm_xmalloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->arena = tm_arena_new();
    const tm_node *root = from_file ? tm_read_file_tree(c->arena, file, NULL, d)
                                    : tm_read_text_tree(c->arena, file, TM_SYNTAX_YAML, text,
                                                        len, NULL, d);
    if (!root || !S_build(c, root, d) || !S_index(c, &c->managed, S_managed_name, d) ||
        !S_index(c, &c->sam, S_sam_name, d)) {
        tm_iam_catalog_free(c);
        return NULL;
    }
    S_sam_params(c);
    return c;
}

tm_iam_catalog *tm_iam_catalog_builtin(tm_diags *d)
{
    for (const tm_embedded_file *f = tm_embedded_files; f->name; f++)
        if (strcmp(f->name, S_services_name) == 0)
            return S_new(S_services_name, (const char *)f->data, f->len, 0, d);
    tm_diag_add(d, TM_DIAG_ERROR, "iam-catalog", NULL, 0, 0,
                "the built-in IAM service table (%s) is missing from this build", S_services_name);
    return NULL;
}

tm_iam_catalog *tm_iam_catalog_load(const char *services_path, tm_diags *d)
{
    return S_new(services_path, NULL, 0, 1, d);
}

void tm_iam_catalog_free(tm_iam_catalog *c)
{
    if (!c)
        return;
    tm_map_free(c->by_prefix);
    tm_arena_free(c->arena);
    free(c);
}

/* -------------------------------------------------------- classifier */

const S_iam_service *tm_iam_service(const tm_iam_catalog *c, const char *prefix, size_t len)
{
    if (!c || !c->by_prefix || len == 0 || len > 64)
        return NULL;
    char key[65];
    for (size_t i = 0; i < len; i++)
        key[i] = (char)tolower((unsigned char)prefix[i]);
    key[len] = '\0';
    return tm_map_get(c->by_prefix, key);
}

static int S_in(const char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (tm_glob_match_nocase(list[i], name))
            return 1;
    return 0;
}

/* The class by the verb rules: the longest verb the name starts with. */
static tm_iam_access S_by_verb(const tm_iam_catalog *c, const char *name)
{
    tm_iam_access best = TM_IAM_WRITE;
    size_t best_len = 0;
    for (int k = 0; k < TM_IAM_ACCESS_COUNT; k++)
        for (size_t i = 0; i < c->n_verbs[k]; i++) {
            size_t l = strlen(c->verbs[k][i]);
            if (l > best_len && strlen(name) >= l && tm_iam_nieq(name, c->verbs[k][i], l)) {
                best = (tm_iam_access)k;
                best_len = l;
            }
        }
    return best;
}

int tm_iam_classify(const tm_iam_catalog *c, const char *action, tm_iam_action_info *out)
{
    const char *colon = action ? strchr(action, ':') : NULL;
    if (!colon || colon == action)
        return 0;
    memset(out, 0, sizeof *out);
    const char *name = colon + 1;
    const S_iam_service *s = tm_iam_service(c, action, (size_t)(colon - action));
    out->access = S_by_verb(c, name);
    if (!s) {
        out->service = NULL;
        return 1;
    }
    out->service = s->prefix;
    out->known_service = true;
    out->element_types = s->elements;
    out->n_element_types = s->n_elements;
    for (int k = 0; k < TM_IAM_ACCESS_COUNT; k++)
        if (S_in(s->access[k], s->n_access[k], name)) {
            out->access = (tm_iam_access)k;
            break;
        }
    for (int k = 0; k < 3; k++)
        if (S_in(s->data[k], s->n_data[k], name))
            out->data |= 1u << k;
    return 1;
}

unsigned tm_iam_pattern_access(const tm_iam_catalog *c, const char *pattern, unsigned *data)
{
    unsigned all = (1u << TM_IAM_ACCESS_COUNT) - 1, all_data = 7u;
    unsigned acc = 0, dat = 0;
    const char *colon = pattern ? strchr(pattern, ':') : NULL;
    const char *first_wild = pattern ? strpbrk(pattern, "*?") : NULL;
    if (!colon || (first_wild && first_wild <= colon + 1)) {
        /* "*", "s*:Get", "s3:*", "s3:*Object": any class of the service(s) */
        if (data)
            *data = all_data;
        return all;
    }
    const char *name = colon + 1;
    const char *wild = strpbrk(name, "*?");
    if (!wild) {
        tm_iam_action_info info;
        if (!tm_iam_classify(c, pattern, &info)) {
            /* ":x", no service: not an action IAM knows; a write by the verb rules' default */
            if (data)
                *data = 0;
            return 1u << TM_IAM_WRITE;
        }
        if (data)
            *data = info.data;
        return 1u << info.access;
    }
    const S_iam_service *s = tm_iam_service(c, pattern, (size_t)(colon - pattern));
    /* The table's entries (names or globs) the pattern may match. */
    if (s) {
        for (int k = 0; k < TM_IAM_ACCESS_COUNT; k++)
            for (size_t i = 0; i < s->n_access[k]; i++) {
                tm_iam_match m = tm_iam_glob(s->access[k][i], name, 1);
                if (m == TM_IAM_YES) {
                    /* an exception covers the whole pattern: its class alone */
                    for (int j = 0; j < 3; j++)
                        for (size_t x = 0; x < s->n_data[j]; x++)
                            if (tm_iam_glob(s->data[j][x], name, 1) != TM_IAM_NO)
                                dat |= 1u << j;
                    if (data)
                        *data = dat;
                    return 1u << k;
                }
                if (m != TM_IAM_NO)
                    acc |= 1u << k;
            }
        for (int k = 0; k < 3; k++)
            for (size_t i = 0; i < s->n_data[k]; i++)
                if (tm_iam_glob(s->data[k][i], name, 1) != TM_IAM_NO)
                    dat |= 1u << k;
    }
    /* The verb rules for the literal start L of the name: a verb L starts
     * with decides; else every verb that starts with L, and write for the
     * names no verb covers. */
    size_t l = (size_t)(wild - name);
    tm_iam_access by = S_by_verb(c, name);
    int covered = 0;
    for (int k = 0; k < TM_IAM_ACCESS_COUNT && !covered; k++)
        for (size_t i = 0; i < c->n_verbs[k]; i++) {
            size_t vl = strlen(c->verbs[k][i]);
            if (vl <= l && tm_iam_nieq(name, c->verbs[k][i], vl) && by == (tm_iam_access)k) {
                covered = 1;
                break;
            }
        }
    if (covered) {
        acc |= 1u << by;
    } else {
        acc |= 1u << TM_IAM_WRITE;
        for (int k = 0; k < TM_IAM_ACCESS_COUNT; k++)
            for (size_t i = 0; i < c->n_verbs[k]; i++)
                if (strlen(c->verbs[k][i]) >= l && tm_iam_nieq(name, c->verbs[k][i], l))
                    acc |= 1u << k;
    }
    if (data)
        *data = dat;
    return acc;
}

const char *const *tm_iam_service_actions(const tm_iam_catalog *c, const char *service, size_t *n)
{
    const S_iam_service *s = service ? tm_iam_service(c, service, strlen(service)) : NULL;
    *n = s ? s->n_actions : 0;
    return s ? s->actions : NULL;
}

const tm_iam_escalation *tm_iam_escalations(const tm_iam_catalog *c, size_t *n)
{
    *n = c ? c->n_escalation : 0;
    return c ? c->escalation : NULL;
}

int tm_iam_condition_narrows(const tm_iam_catalog *c, const char *key)
{
    if (!c || !key)
        return 0;
    size_t len = strlen(key);
    for (size_t i = 0; i < c->n_narrowing; i++)
        if (strlen(c->narrowing[i]) == len && tm_iam_nieq(c->narrowing[i], key, len))
            return 1;
    return 0;
}
