/*
 * The layers of the code (README "How the code is laid out"), checked on the
 * #include lines of every source file:
 *
 *   base <- doc <- model <- iam <- {engine, import} <- render <- cli
 *
 * A file may include its own layer and the layers below it; import never
 * includes engine (nor engine import); render does not include import. A
 * public header belongs to the layer that implements it. src/tools/ (build
 * helpers) includes nothing of ours.
 */
#define _DEFAULT_SOURCE /* d_type */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

typedef enum { L_BASE, L_DOC, L_MODEL, L_IAM, L_ENGINE, L_IMPORT, L_RENDER, L_CLI, L_UNKNOWN } layer;

static const char *const S_layer_names[] = {"base",   "doc",    "model",  "iam",
                                            "engine", "import", "render", "cli"};

/* What each layer may include (bit set over layer). */
static unsigned S_allowed(layer l)
{
    unsigned b = 1u << L_BASE, d = b | 1u << L_DOC, m = d | 1u << L_MODEL, i = m | 1u << L_IAM;
    switch (l) {
    case L_BASE:
        return b;
    case L_DOC:
        return d;
    case L_MODEL:
        return m;
    case L_IAM:
        return i;
    case L_ENGINE:
        return i | 1u << L_ENGINE;
    case L_IMPORT:
        return i | 1u << L_IMPORT;
    case L_RENDER:
        return i | 1u << L_ENGINE | 1u << L_RENDER;
    case L_CLI:
        return 0xFFu;
    default:
        return 0;
    }
}

/* The public headers, by the layer that implements them. */
static const struct {
    const char *name;
    layer l;
} S_public[] = {
    {"base.h", L_BASE},         {"embedded.h", L_BASE},     {"doc.h", L_DOC},
    {"model.h", L_MODEL},       {"iam.h", L_IAM},           {"analysis.h", L_ENGINE},
    {"diff.h", L_ENGINE},       {"import.h", L_IMPORT},     {"render.h", L_RENDER},
    {"template.h", L_RENDER},   {"threatdragon.h", L_RENDER},
};

static layer S_named(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof S_layer_names / sizeof *S_layer_names; i++)
        if (strlen(S_layer_names[i]) == n && strncmp(S_layer_names[i], name, n) == 0)
            return (layer)i;
    return L_UNKNOWN;
}

static layer S_public_layer(const char *header)
{
    for (size_t i = 0; i < sizeof S_public / sizeof *S_public; i++)
        if (strcmp(S_public[i].name, header) == 0)
            return S_public[i].l;
    return L_UNKNOWN;
}

/* The layer of an included path ("stridec/model.h", "doc/reader.h"). */
static layer S_include_layer(const char *inc, layer self)
{
    if (strncmp(inc, "stridec/", 8) == 0)
        return S_public_layer(inc + 8);
    const char *slash = strchr(inc, '/');
    if (slash)
        return S_named(inc, (size_t)(slash - inc));
    return self; /* a header next to the file */
}

/* Check one file's includes; appends violations to `bad`. Returns how many. */
static int S_check_file(const char *rel, layer self, tm_buf *bad)
{
    size_t len;
    char *text = tu_slurp(tu_path(rel), &len);
    ck_assert_msg(text != NULL, "cannot read %s", rel);
    int n = 0;
    for (char *p = text; (p = strstr(p, "#include \"")) != NULL;) {
        p += 10;
        char *end = strchr(p, '"');
        if (!end)
            break;
        char inc[256];
        size_t k = (size_t)(end - p) < sizeof inc - 1 ? (size_t)(end - p) : sizeof inc - 1;
        memcpy(inc, p, k);
        inc[k] = '\0';
        layer to = S_include_layer(inc, self);
        if (to == L_UNKNOWN || !(S_allowed(self) & (1u << to))) {
            tm_buf_printf(bad, "%s (%s) includes \"%s\" (%s)\n", rel, S_layer_names[self], inc,
                          to == L_UNKNOWN ? "no layer" : S_layer_names[to]);
            n++;
        }
        p = end;
    }
    free(text);
    return n;
}

static int S_check_dir(const char *rel_dir, layer self, tm_buf *bad, size_t *files)
{
    DIR *d = opendir(tu_path(rel_dir));
    if (!d)
        return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        char rel[512];
        snprintf(rel, sizeof rel, "%s/%s", rel_dir, de->d_name);
        /* A folder inside a layer (src/render/dfd/) belongs to that layer. */
        if (self != L_UNKNOWN && de->d_name[0] != '.' && de->d_type == DT_DIR) {
            n += S_check_dir(rel, self, bad, files);
            continue;
        }
        if (l < 3 || de->d_name[l - 2] != '.' || (de->d_name[l - 1] != 'c' && de->d_name[l - 1] != 'h'))
            continue;
        layer l2 = self;
        if (self == L_UNKNOWN) { /* include/stridec: by header */
            l2 = S_public_layer(de->d_name);
            if (l2 == L_UNKNOWN) {
                tm_buf_printf(bad, "%s: a public header with no layer (add it to test_layers.c)\n",
                              rel);
                n++;
                continue;
            }
        }
        n += S_check_file(rel, l2, bad);
        (*files)++;
    }
    closedir(d);
    return n;
}

START_TEST(includes_follow_the_layers)
{
    tm_buf bad;
    tm_buf_init(&bad, 0);
    size_t files = 0;
    int n = 0;
    for (size_t i = 0; i < sizeof S_layer_names / sizeof *S_layer_names; i++) {
        char dir[64];
        snprintf(dir, sizeof dir, "src/%s", S_layer_names[i]);
        n += S_check_dir(dir, (layer)i, &bad, &files);
    }
    n += S_check_dir("include/stridec", L_UNKNOWN, &bad, &files);
    ck_assert_msg(files > 60, "only %zu source files found", files);
    ck_assert_msg(n == 0, "%d includes cross the layers:\n%s", n, bad.data ? bad.data : "");
    tm_buf_free(&bad);
}
END_TEST

/* Every folder under src/ is a layer (or the build tools). */
START_TEST(every_source_folder_is_a_layer)
{
    DIR *d = opendir(tu_path("src"));
    ck_assert_ptr_nonnull(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || strcmp(de->d_name, "tools") == 0)
            continue;
        ck_assert_msg(S_named(de->d_name, strlen(de->d_name)) != L_UNKNOWN,
                      "src/%s is not one of the layers", de->d_name);
    }
    closedir(d);
}
END_TEST

Suite *suite_layers(void)
{
    Suite *s = suite_create("layers");
    TCase *tc = tcase_create("includes");
    tcase_add_test(tc, includes_follow_the_layers);
    tcase_add_test(tc, every_source_folder_is_a_layer);
    suite_add_tcase(s, tc);
    return s;
}
