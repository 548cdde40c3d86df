/*
 * Third-party code (the seed: "What third party libraries, SDKs, plugins or
 * components are part of the app?"):
 *
 *   - pinning: a library written without an exact version ("lodash",
 *     "lodash@^4.17", "x@latest") may change under the team's feet;
 *   - advisories: OSV records (https://ossf.github.io/osv-schema/) read from
 *     the folders given with --advisories are matched against every
 *     name@version the model lists (element libraries and library, sdk and
 *     plugin artifacts).
 *
 * The rule language cannot see advisories, so their threats come from two
 * native rules (SUPPLY-ADVISORY on elements, SUPPLY-ADVISORY-ARTIFACT on
 * artifacts): tm_rule structs without a condition, decided here by
 * tm_native_rule_holds and run by tm_analyze after the rule library.
 * Malformed advisory files are warnings naming file:line:col; they never
 * stop a run.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "stridec/doc.h"

/* ----------------------------------------------------------- versions */

/* Split "name@version" (a leading '@' belongs to a scoped npm name).
 * *name_len is the length of the name; *version is NULL when none. */
void tm_library_split(const char *spec, size_t *name_len, const char **version)
{
    const char *at = strrchr(spec, '@');
    if (!at || at == spec) {
        *name_len = strlen(spec);
        *version = NULL;
        return;
    }
    *name_len = (size_t)(at - spec);
    *version = at + 1;
}

/* Exact versions only: digits and dots with an optional leading 'v', then an
 * optional pre-release/build suffix. Ranges (^1.2, ~1, >=2, 1.x, 1.*, *),
 * tags (latest, next) and a bare major ("4") are not pinned. */
int tm_version_pinned(const char *v)
{
    if (!v || !*v)
        return 0;
    const char *p = v;
    if (*p == 'v' || *p == 'V' || *p == '=')
        p++;
    if (!isdigit((unsigned char)*p))
        return 0;
    int dots = 0;
    while (isdigit((unsigned char)*p) || *p == '.') {
        if (*p == '.') {
            if (!p[1] || strchr("xX*", p[1]))
                return 0; /* "1." or "1.x" or "1.*" */
            if (!isdigit((unsigned char)p[1]))
                break; /* a suffix: "1.0.post1" */
            dots++;
        }
        p++;
    }
    if (dots == 0)
        return 0;
    /* A suffix (-rc.1, +build, .post1, a1) must not hide a range. */
    for (; *p; p++)
        if (strchr("^~<>*| ,", *p))
            return 0;
    return 1;
}

/* Release numbers, then a pre-release tail. */
typedef struct {
    unsigned long long num[8];
    size_t n_num;
    const char *pre; /* points into the string; NULL when none */
    size_t pre_len;
} parsed_version;

static void S_parse_version(const char *s, parsed_version *v)
{
    memset(v, 0, sizeof *v);
    const char *p = s;
    if (*p == 'v' || *p == 'V')
        p++;
    while (isdigit((unsigned char)*p)) {
        unsigned long long x = 0;
        while (isdigit((unsigned char)*p)) {
            if (x < 1000000000000ULL)
                x = x * 10 + (unsigned)(*p - '0');
            p++;
        }
        if (v->n_num < 8)
            v->num[v->n_num++] = x;
        if (*p == '.' && isdigit((unsigned char)p[1]))
            p++;
        else
            break;
    }
    if (*p == '-' || *p == '.' || *p == '_')
        p++;
    if (*p && *p != '+') {
        v->pre = p;
        const char *plus = strchr(p, '+'); /* build metadata does not order */
        v->pre_len = plus ? (size_t)(plus - p) : strlen(p);
    }
}

static int S_all_digits(const char *s, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Semver 2.0 pre-release precedence: dot-separated identifiers, numeric ones
 * numerically and below alphanumeric ones, a shorter list first when equal. */
static int S_cmp_pre(const char *a, size_t na, const char *b, size_t nb)
{
    size_t i = 0, j = 0;
    while (i < na && j < nb) {
        size_t ie = i, je = j;
        while (ie < na && a[ie] != '.')
            ie++;
        while (je < nb && b[je] != '.')
            je++;
        int da = S_all_digits(a + i, ie - i), db = S_all_digits(b + j, je - j);
        int c = 0;
        if (da && db) {
            /* Compare by length without leading zeros, then digit by digit. */
            while (i < ie - 1 && a[i] == '0')
                i++;
            while (j < je - 1 && b[j] == '0')
                j++;
            if (ie - i != je - j)
                c = ie - i < je - j ? -1 : 1;
            else
                c = memcmp(a + i, b + j, ie - i);
        } else if (da != db) {
            c = da ? -1 : 1;
        } else {
            size_t la = ie - i, lb = je - j;
            c = memcmp(a + i, b + j, la < lb ? la : lb);
            if (!c && la != lb)
                c = la < lb ? -1 : 1;
        }
        if (c)
            return c < 0 ? -1 : 1;
        i = ie < na ? ie + 1 : ie;
        j = je < nb ? je + 1 : je;
        if (ie == na || je == nb) {
            if (ie == na && je == nb)
                return 0;
            return ie == na ? -1 : 1;
        }
    }
    if (i >= na && j >= nb)
        return 0;
    return i >= na ? -1 : 1;
}

int tm_version_compare(const char *a, const char *b)
{
    parsed_version va, vb;
    S_parse_version(a, &va);
    S_parse_version(b, &vb);
    size_t n = va.n_num > vb.n_num ? va.n_num : vb.n_num;
    for (size_t i = 0; i < n; i++) {
        unsigned long long x = i < va.n_num ? va.num[i] : 0;
        unsigned long long y = i < vb.n_num ? vb.num[i] : 0;
        if (x != y)
            return x < y ? -1 : 1;
    }
    /* A pre-release comes before its release. */
    if (!va.pre && !vb.pre)
        return 0;
    if (!va.pre || !vb.pre)
        return va.pre ? -1 : 1;
    return S_cmp_pre(va.pre, va.pre_len, vb.pre, vb.pre_len);
}

/* ---------------------------------------------------------- advisories */

typedef struct {
    const char *kind; /* "introduced", "fixed", "last_affected", "limit" */
    const char *version;
} osv_event;

typedef struct {
    const char *name, *ecosystem;
    const char **versions;
    size_t n_versions;
    osv_event **ranges; /* per range, its events */
    size_t *n_events;
    size_t n_ranges;
} osv_affected;

typedef struct {
    const char *id, *summary, *file;
    osv_affected *affected;
    size_t n_affected;
} osv_record;

static int S_event_cmp(const void *pa, const void *pb)
{
    const osv_event *a = pa, *b = pb;
    int a0 = strcmp(a->version, "0") == 0, b0 = strcmp(b->version, "0") == 0;
    if (a0 != b0)
        return a0 ? -1 : 1;
    int c = tm_version_compare(a->version, b->version);
    if (c)
        return c;
    /* At one version, a fix closes the range before a new one opens. */
    return strcmp(a->kind, b->kind);
}

/* The OSV evaluation of one range: walk the events in version order. */
static int S_in_range(const osv_event *ev, size_t n, const char *v)
{
    int affected = 0;
    for (size_t i = 0; i < n; i++) {
        const osv_event *e = &ev[i];
        if (strcmp(e->kind, "introduced") == 0) {
            if (strcmp(e->version, "0") == 0 || tm_version_compare(v, e->version) >= 0)
                affected = 1;
        } else if (strcmp(e->kind, "fixed") == 0 || strcmp(e->kind, "limit") == 0) {
            if (tm_version_compare(v, e->version) >= 0)
                affected = 0;
        } else if (strcmp(e->kind, "last_affected") == 0) {
            if (tm_version_compare(v, e->version) > 0)
                affected = 0;
        }
    }
    return affected;
}

/* PyPI names compare case-insensitively with '-', '_' and '.' alike (PEP 503). */
static int S_name_eq(const char *eco, const char *adv, const char *lib, size_t lib_len)
{
    if (eco && strcmp(eco, "PyPI") == 0) {
        size_t i = 0;
        for (; adv[i] && i < lib_len; i++) {
            int a = tolower((unsigned char)adv[i]), b = tolower((unsigned char)lib[i]);
            if (a == '_' || a == '.')
                a = '-';
            if (b == '_' || b == '.')
                b = '-';
            if (a != b)
                return 0;
        }
        return adv[i] == '\0' && i == lib_len;
    }
    return strlen(adv) == lib_len && strncmp(adv, lib, lib_len) == 0;
}

static int S_affects(const osv_record *r, const char *name, size_t name_len, const char *version)
{
    for (size_t i = 0; i < r->n_affected; i++) {
        const osv_affected *af = &r->affected[i];
        if (!af->name || !S_name_eq(af->ecosystem, af->name, name, name_len))
            continue;
        for (size_t k = 0; k < af->n_versions; k++)
            if (strcmp(af->versions[k], version) == 0)
                return 1;
        for (size_t k = 0; k < af->n_ranges; k++)
            if (S_in_range(af->ranges[k], af->n_events[k], version))
                return 1;
    }
    return 0;
}

/* ------------------------------------------------------------- loading */

typedef struct {
    tm_arena *ar;
    tm_diags *d;
    const char *file;
    int bad;
} loader;

static void S_warn(loader *l, const tm_node *n, const char *fmt, const char *what)
{
    tm_diag_add(l->d, TM_DIAG_WARNING, "advisory", l->file, n ? n->line : 0, n ? n->col : 0,
                fmt, what);
    l->bad = 1;
}

static const char *S_str(loader *l, const tm_node *map, const char *key, int required)
{
    const tm_node *n = map ? tm_node_get(map, key) : NULL;
    if (!n) {
        if (required)
            S_warn(l, map, "advisory ignored: missing '%s'", key);
        return NULL;
    }
    if (n->kind != TM_NODE_SCALAR || n->stype != TM_SCALAR_STRING) {
        S_warn(l, n, "advisory ignored: '%s' must be a string", key);
        return NULL;
    }
    return n->text;
}

static void S_load_range(loader *l, const tm_node *rn, tm_vec *ranges, size_t *counts,
                         size_t idx)
{
    const char *type = S_str(l, rn, "type", 1);
    const tm_node *events = tm_node_get(rn, "events");
    if (!type)
        return;
    /* GIT ranges name commits, which a name@version cannot be compared to. */
    if (strcmp(type, "SEMVER") != 0 && strcmp(type, "ECOSYSTEM") != 0)
        return;
    if (!events || events->kind != TM_NODE_LIST) {
        S_warn(l, events ? events : rn, "advisory ignored: '%s' must be a list of events",
               "events");
        return;
    }
    osv_event *ev = tm_arena_array(l->ar, events->n + 1, sizeof *ev);
    size_t n = 0;
    for (size_t i = 0; i < events->n; i++) {
        const tm_node *e = events->items[i];
        if (e->kind != TM_NODE_MAP || e->n != 1 || e->pairs[0].value->kind != TM_NODE_SCALAR) {
            S_warn(l, e, "advisory ignored: %s", "an event must be a map with one version");
            return;
        }
        const char *k = e->pairs[0].key;
        if (strcmp(k, "introduced") && strcmp(k, "fixed") && strcmp(k, "last_affected") &&
            strcmp(k, "limit")) {
            S_warn(l, e, "advisory ignored: unknown event '%s'", k);
            return;
        }
        ev[n].kind = k;
        ev[n].version = e->pairs[0].value->text;
        n++;
    }
    qsort(ev, n, sizeof *ev, S_event_cmp);
    tm_vec_push(ranges, ev);
    counts[idx] = n;
}

static int S_load_record(loader *l, const tm_node *root, osv_record *rec)
{
    if (root->kind != TM_NODE_MAP) {
        S_warn(l, root, "advisory ignored: %s", "an OSV record must be a JSON object");
        return -1;
    }
    rec->file = l->file;
    rec->id = S_str(l, root, "id", 1);
    rec->summary = S_str(l, root, "summary", 0);
    if (!rec->summary)
        rec->summary = S_str(l, root, "details", 0);
    const tm_node *aff = tm_node_get(root, "affected");
    if (aff && aff->kind != TM_NODE_LIST)
        S_warn(l, aff, "advisory ignored: '%s' must be a list", "affected");
    if (l->bad || !aff)
        return l->bad ? -1 : 0;
    rec->affected = tm_arena_array(l->ar, aff->n + 1, sizeof *rec->affected);
    for (size_t i = 0; i < aff->n; i++) {
        const tm_node *an = aff->items[i];
        osv_affected *af = &rec->affected[rec->n_affected];
        if (an->kind != TM_NODE_MAP) {
            S_warn(l, an, "advisory ignored: %s", "an 'affected' entry must be an object");
            return -1;
        }
        const tm_node *pkg = tm_node_get(an, "package");
        if (!pkg || pkg->kind != TM_NODE_MAP) {
            S_warn(l, pkg ? pkg : an, "advisory ignored: '%s' must be an object", "package");
            return -1;
        }
        af->name = S_str(l, pkg, "name", 1);
        af->ecosystem = S_str(l, pkg, "ecosystem", 0);
        const tm_node *vers = tm_node_get(an, "versions");
        if (vers) {
            if (vers->kind != TM_NODE_LIST) {
                S_warn(l, vers, "advisory ignored: '%s' must be a list", "versions");
                return -1;
            }
            af->versions = tm_arena_array(l->ar, vers->n + 1, sizeof *af->versions);
            for (size_t k = 0; k < vers->n; k++)
                if (vers->items[k]->kind == TM_NODE_SCALAR)
                    af->versions[af->n_versions++] = vers->items[k]->text;
        }
        const tm_node *ranges = tm_node_get(an, "ranges");
        if (ranges) {
            if (ranges->kind != TM_NODE_LIST) {
                S_warn(l, ranges, "advisory ignored: '%s' must be a list", "ranges");
                return -1;
            }
            tm_vec rv = {0};
            size_t *counts = tm_arena_array(l->ar, ranges->n + 1, sizeof *counts);
            for (size_t k = 0; k < ranges->n; k++) {
                if (ranges->items[k]->kind != TM_NODE_MAP) {
                    S_warn(l, ranges->items[k], "advisory ignored: %s",
                           "a range must be an object");
                    break;
                }
                S_load_range(l, ranges->items[k], &rv, counts, rv.len);
                if (l->bad)
                    break;
            }
            af->ranges = (osv_event **)tm_vec_finish(&rv, l->ar, &af->n_ranges);
            af->n_events = counts;
        }
        if (l->bad)
            return -1;
        rec->n_affected++;
    }
    return 0;
}

/* The readers report errors; for an advisory they are warnings: one bad
 * record must not stop a threat model from being built. */
static void S_demote(tm_diags *tmp, tm_diags *d)
{
    for (size_t i = 0; i < tm_diags_count(tmp); i++) {
        const tm_diag *g = tm_diags_get(tmp, i);
        tm_diag_add(d, TM_DIAG_WARNING, "advisory", g->file, g->line, g->col,
                    "advisory ignored: %s", g->message);
    }
}

/* Parse one OSV record from JSON text; NULL after a warning. */
static osv_record *S_load_text(tm_arena *ar, const char *file, const char *text, size_t len,
                               tm_diags *d)
{
    tm_diags *tmp = tm_diags_new();
    const char *name = tm_arena_strdup(ar, file);
    const tm_node *root = tm_read_json(ar, name, text, len, NULL, tmp);
    S_demote(tmp, d);
    tm_diags_free(tmp);
    if (!root)
        return NULL;
    loader l = {ar, d, name, 0};
    osv_record *rec = tm_arena_alloc(ar, sizeof *rec);
    if (S_load_record(&l, root, rec) != 0 || !rec->id)
        return NULL;
    return rec;
}

/* Parse one OSV file; NULL after a warning. */
static osv_record *S_load_file(tm_arena *ar, const char *path, tm_diags *d)
{
    tm_diags *tmp = tm_diags_new();
    size_t len = 0;
    char *text = tm_read_file(path, &len, tmp);
    S_demote(tmp, d);
    tm_diags_free(tmp);
    if (!text)
        return NULL;
    tm_diags_add_source(d, path, text, len);
    osv_record *rec = S_load_text(ar, path, text, len, d);
    free(text);
    return rec;
}

int tm_osv_match_text(const char *file, const char *text, size_t len, const char *const *libs,
                      size_t n_libs, tm_diags *d)
{
    tm_arena *ar = tm_arena_new();
    osv_record *rec = S_load_text(ar, file, text, len, d);
    int n = -1;
    if (rec) {
        n = 0;
        for (size_t i = 0; i < n_libs; i++) {
            size_t nl;
            const char *ver;
            tm_library_split(libs[i], &nl, &ver);
            if (ver && tm_version_pinned(ver) && S_affects(rec, libs[i], nl, ver))
                n++;
        }
    }
    tm_arena_free(ar);
    return n;
}

static int S_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int S_json_name(const char *n)
{
    size_t k = strlen(n);
    return n[0] != '.' && k > 5 && strcmp(n + k - 5, ".json") == 0;
}

/* Every *.json of the folders, in folder order then name order. */
static osv_record **S_load_dirs(tm_arena *ar, const char *const *dirs, size_t n_dirs,
                                size_t *n_out, tm_diags *d)
{
    tm_vec recs = {0};
    for (size_t i = 0; i < n_dirs; i++) {
        DIR *dp = opendir(dirs[i]);
        if (!dp) {
            tm_diag_add(d, TM_DIAG_WARNING, "advisory", dirs[i], 0, 0,
                        "cannot open the advisory folder");
            continue;
        }
        tm_vec names = {0};
        struct dirent *de;
        while ((de = readdir(dp)) != NULL)
            if (S_json_name(de->d_name))
                tm_vec_push(&names, tm_xstrdup(de->d_name));
        closedir(dp);
        if (names.len > 1)
            qsort(names.items, names.len, sizeof *names.items, S_cmp_str);
        for (size_t k = 0; k < names.len; k++) {
            size_t dl = strlen(dirs[i]);
            const char *path =
                tm_arena_printf(ar, "%s%s%s", dirs[i], dl && dirs[i][dl - 1] == '/' ? "" : "/",
                                (char *)names.items[k]);
            osv_record *r = S_load_file(ar, path, d);
            if (r)
                tm_vec_push(&recs, r);
            free(names.items[k]);
        }
        tm_vec_free(&names);
    }
    return (osv_record **)tm_vec_finish(&recs, ar, n_out);
}

/* --------------------------------------------------------------- passes */

static int S_is_library(tm_artifact_type t)
{
    return t == TM_ART_LIBRARY || t == TM_ART_SDK || t == TM_ART_PLUGIN;
}

void tm_libs_analyze(tm_analysis *a)
{
    const tm_model *m = a->model;
    for (size_t i = 0; i < m->n_artifacts; i++) {
        const tm_artifact *art = m->artifacts[i];
        tm_artifact_info *info = &a->artifacts[i];
        if (!S_is_library(art->type) || tm_version_pinned(art->version))
            continue;
        info->unpinned = tm_arena_array(a->arena, 2, sizeof *info->unpinned);
        info->unpinned[0] = art->version
                                ? tm_arena_printf(a->arena, "%s@%s", art->name, art->version)
                                : art->name;
        info->n_unpinned = 1;
    }
}

static void S_match(tm_analysis *a, tm_vec *out, osv_record *const *recs, size_t n_recs,
                    const char *spec, const char *name, size_t name_len, const char *version,
                    const tm_element *el, const tm_artifact *art)
{
    if (!version || !tm_version_pinned(version))
        return; /* a range cannot be matched to one advisory version */
    const char *v = version[0] == '=' ? version + 1 : version;
    for (size_t r = 0; r < n_recs; r++) {
        if (!S_affects(recs[r], name, name_len, v))
            continue;
        tm_advisory_match *mt = tm_arena_alloc(a->arena, sizeof *mt);
        mt->library = spec;
        mt->advisory_id = recs[r]->id;
        mt->summary = recs[r]->summary ? recs[r]->summary : "";
        mt->element = el;
        mt->artifact = art;
        tm_vec_push(out, mt);
    }
}

void tm_osv_analyze(tm_analysis *a, const tm_analyze_opts *opts, tm_diags *d)
{
    if (!opts || !opts->n_advisory_dirs)
        return;
    const tm_model *m = a->model;
    size_t n_recs = 0;
    osv_record **recs = S_load_dirs(a->arena, opts->advisory_dirs, opts->n_advisory_dirs,
                                    &n_recs, d);
    if (!n_recs)
        return;
    tm_vec out = {0};
    for (size_t e = 0; e < m->n_elements; e++) {
        const tm_element *el = m->elements[e];
        for (size_t k = 0; k < el->n_libraries; k++) {
            size_t nl;
            const char *ver;
            tm_library_split(el->libraries[k], &nl, &ver);
            S_match(a, &out, recs, n_recs, el->libraries[k], el->libraries[k], nl, ver, el, NULL);
        }
    }
    for (size_t i = 0; i < m->n_artifacts; i++) {
        const tm_artifact *art = m->artifacts[i];
        if (!S_is_library(art->type) || !art->version)
            continue;
        const char *spec = tm_arena_printf(a->arena, "%s@%s", art->name, art->version);
        S_match(a, &out, recs, n_recs, spec, art->name, strlen(art->name), art->version, NULL,
                art);
    }
    size_t n = 0;
    tm_advisory_match **ptrs = (tm_advisory_match **)tm_vec_finish(&out, a->arena, &n);
    a->advisories = tm_arena_array(a->arena, n + 1, sizeof *a->advisories);
    for (size_t i = 0; i < n; i++)
        a->advisories[i] = *ptrs[i];
    a->n_advisories = n;
}

/* ------------------------------------------------------- native rules */

static const char *const S_adv_refs[] = {"CWE-1395", "CWE-1104", "SAS-6", "OWASP S9"};
static const char *const S_adv_monitor[] = {
    "UpdateFunctionCode* (redeploys that pick up a fixed version)",
    "PublishLayerVersion (layers that bundle the library)",
};

static const char S_adv_desc[] =
    "A library or SDK shipped by this part matches a published OSV advisory for its exact "
    "version (see the evidence: library, advisory id, summary). Code the team did not write "
    "runs with this part's identity and data: a known vulnerability in it is exploitable "
    "through every input the part receives (SAS-6).";
static const char S_adv_mitigation[] =
    "Upgrade each listed library to a version the advisory marks as fixed, rebuild and "
    "redeploy; pin exact versions with a lock file (package-lock.json, poetry.lock) and run "
    "an SCA scanner (osv-scanner, npm audit, Dependabot) in CI so new advisories fail the "
    "build.";

static const tm_rule S_native[] = {
    {
        .id = "SUPPLY-ADVISORY",
        .title = "{element.name} ships a library with a known vulnerability",
        .applies_to = TM_APPLIES_ELEMENT,
        .stride = TM_STRIDE_T | TM_STRIDE_I | TM_STRIDE_E,
        .when_text = "a library of the element matches an OSV advisory (--advisories)",
        .likelihood = TM_LIK_LIKELY,
        .impact = TM_IMP_HIGH,
        .description = S_adv_desc,
        .mitigation = S_adv_mitigation,
        .references = (const char **)S_adv_refs,
        .n_references = sizeof S_adv_refs / sizeof *S_adv_refs,
        .monitor = (const char **)S_adv_monitor,
        .n_monitor = sizeof S_adv_monitor / sizeof *S_adv_monitor,
        .builtin = true,
    },
    {
        .id = "SUPPLY-ADVISORY-ARTIFACT",
        .title = "{artifact.name} has a known vulnerability",
        .applies_to = TM_APPLIES_ARTIFACT,
        .stride = TM_STRIDE_T | TM_STRIDE_I | TM_STRIDE_E,
        .when_text = "the artifact's name@version matches an OSV advisory (--advisories)",
        .likelihood = TM_LIK_LIKELY,
        .impact = TM_IMP_HIGH,
        .description = S_adv_desc,
        .mitigation = S_adv_mitigation,
        .references = (const char **)S_adv_refs,
        .n_references = sizeof S_adv_refs / sizeof *S_adv_refs,
        .monitor = (const char **)S_adv_monitor,
        .n_monitor = sizeof S_adv_monitor / sizeof *S_adv_monitor,
        .builtin = true,
    },
};

const tm_rule *tm_native_rules(size_t *n)
{
    *n = sizeof S_native / sizeof *S_native;
    return S_native;
}

static int S_is(const tm_rule *r, const char *id)
{
    return strcmp(r->id, id) == 0;
}

int tm_native_rule_holds(const tm_rule *r, const tm_eval_ctx *ctx)
{
    const tm_analysis *a = ctx->a;
    for (size_t i = 0; i < a->n_advisories; i++) {
        const tm_advisory_match *mt = &a->advisories[i];
        if (S_is(r, "SUPPLY-ADVISORY") && ctx->element && mt->element == ctx->element)
            return 1;
        if (S_is(r, "SUPPLY-ADVISORY-ARTIFACT") && ctx->artifact && mt->artifact == ctx->artifact)
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------- evidence */

void tm_threat_annotate(tm_analysis *a, tm_threat *t)
{
    const tm_rule *r = t->rule;
    if (t->target_type == TM_TARGET_IDENTITY) {
        tm_iam_threat_evidence(a, t);
        return;
    }
    if (t->target_type == TM_TARGET_ARTIFACT && t->target &&
        strncmp(r->id, TM_SECRET_RULE_PREFIX, sizeof TM_SECRET_RULE_PREFIX - 1) == 0) {
        t->evidence = tm_secrets_evidence(a, r, t->target, &t->n_evidence);
        return;
    }
    if (!S_is(r, "SUPPLY-ADVISORY") && !S_is(r, "SUPPLY-ADVISORY-ARTIFACT"))
        return;
    tm_vec ev = {0};
    tm_buf ids;
    tm_buf_init(&ids, 4096);
    for (size_t i = 0; i < a->n_advisories; i++) {
        const tm_advisory_match *mt = &a->advisories[i];
        if (t->target != (const void *)mt->element && t->target != (const void *)mt->artifact)
            continue;
        tm_vec_push(&ev, tm_arena_printf(a->arena, "%s: %s: %s", mt->library, mt->advisory_id,
                                         mt->summary));
        tm_buf_printf(&ids, "%s%s", ids.len ? ", " : "", mt->advisory_id);
    }
    t->evidence = (const char **)tm_vec_finish(&ev, a->arena, &t->n_evidence);
    /* The title names the advisories: that is what a reviewer searches for. */
    if (ids.len && !ids.failed)
        t->title = tm_arena_printf(a->arena, "%s (%s)", t->title, ids.data);
    tm_buf_free(&ids);
}
