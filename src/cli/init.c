/* stridec init: a first model to start from, the commented starter or one of
 * the shipped examples (both compiled into the binary). A YAML model starts
 * with the modeline that points YAML language servers at the installed
 * JSON Schema. */
#define _DEFAULT_SOURCE /* realpath(), readlink() */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "stridec/embedded.h"

static const char S_help[] =
    "usage: stridec init [--example NAME] [-o MODEL] [--force]\n"
    "       stridec init --list\n"
    "\n"
    "Writes a model to start from: without --example, a small commented starter\n"
    "(API Gateway -> Lambda -> DynamoDB) that explains each section; with --example\n"
    "NAME, one of the shipped example models. A YAML model starts with a\n"
    "yaml-language-server line that points editors at the installed JSON Schema. An\n"
    "example's artifact files are written next to MODEL (in the folder its paths\n"
    "name), so the written model checks as the shipped one does.\n"
    "\n"
    "options:\n"
    "  -e, --example NAME  one of the shipped examples instead of the starter\n"
    "  -l, --list          list the examples (so does --example without a name)\n"
    "  -o, --output MODEL  write to MODEL: YAML, or JSON or XML when it ends in .json\n"
    "                      or .xml (default: YAML to standard output)\n"
    "  -f, --force         replace files that exist (never without it)\n"
    CLI_HELP_END
    "\n"
    "Exit status: 0 written; 2 usage error, unknown example or a file exists;\n"
    "3 a file could not be written.\n";

#define S_STARTER "share/stridec/starter.yaml"
#define S_MODELS "models/"
#define S_SCHEMA "share/stridec/schema/stridec-model.schema.json"

/* ------------------------------------------------------------- schema */

static const tm_embedded_file *S_embedded(const char *name);

/* The schema's $id, read from the copy compiled into the binary. Caller frees. */
static char *S_schema_id(void)
{
    const tm_embedded_file *f = S_embedded(S_SCHEMA);
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    const tm_node *root = f ? tm_read_json(a, S_SCHEMA, (const char *)f->data, f->len, NULL, d) : NULL;
    const tm_node *id = root ? tm_node_get(root, "$id") : NULL;
    char *out = tm_xstrdup(id && id->kind == TM_NODE_SCALAR ? id->text : S_SCHEMA);
    tm_diags_free(d);
    tm_arena_free(a);
    return out;
}

/* Where the model's JSON Schema is for this binary: PREFIX/share/... next
 * to PREFIX/bin/stridec once installed, the source tree's for a binary run
 * where it was built (the tree's top or a build folder in it), else the
 * schema's $id. Caller frees. */
static char *S_schema_ref(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return S_schema_id();
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return S_schema_id();
    *slash = '\0';
    static const char *const where[] = {"/../" S_SCHEMA, "/" S_SCHEMA};
    for (size_t i = 0; i < sizeof where / sizeof *where; i++) {
        tm_buf p;
        tm_buf_init(&p, 0);
        tm_buf_printf(&p, "%s%s", exe, where[i]);
        char *real = realpath(p.data, NULL);
        tm_buf_free(&p);
        if (real)
            return real;
    }
    return S_schema_id();
}

/* The first line of a YAML model: the yaml-language-server modeline. */
static void S_modeline(tm_buf *out)
{
    char *ref = S_schema_ref();
    tm_buf_printf(out, "# yaml-language-server: $schema=%s\n", ref);
    free(ref);
}

/* ------------------------------------------------------------ examples */

static const tm_embedded_file *S_embedded(const char *name)
{
    for (const tm_embedded_file *f = tm_embedded_files; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

/* The example's name when f is an example model (models/NAME.yaml), else NULL
 * (copied into buf of size n). */
static const char *S_example_name(const tm_embedded_file *f, char *buf, size_t n)
{
    const char *rest = f->name + sizeof S_MODELS - 1;
    if (strncmp(f->name, S_MODELS, sizeof S_MODELS - 1) != 0 || strchr(rest, '/'))
        return NULL;
    size_t len = strlen(rest);
    if (len <= 5 || strcmp(rest + len - 5, ".yaml") != 0 || len - 5 >= n)
        return NULL;
    memcpy(buf, rest, len - 5);
    buf[len - 5] = '\0';
    return buf;
}

static int S_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names of the examples, sorted; caller frees the array and the names. */
static char **S_examples(size_t *n)
{
    tm_vec v = {0};
    char buf[256];
    for (const tm_embedded_file *f = tm_embedded_files; f->name; f++)
        if (S_example_name(f, buf, sizeof buf))
            tm_vec_push(&v, tm_xstrdup(buf));
    if (v.len > 1)
        qsort(v.items, v.len, sizeof *v.items, S_cmp_str);
    *n = v.len;
    return (char **)v.items;
}

static void S_examples_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Companion files of example `name`: models/NAME/... Counted, or listed
 * into out (when non-NULL, room for the count). */
static size_t S_companions(const char *name, const tm_embedded_file **out)
{
    size_t n = 0, nl = strlen(name);
    for (const tm_embedded_file *f = tm_embedded_files; f->name; f++) {
        const char *rest = f->name + sizeof S_MODELS - 1;
        if (strncmp(f->name, S_MODELS, sizeof S_MODELS - 1) == 0 && strncmp(rest, name, nl) == 0 &&
            rest[nl] == '/' && rest[nl + 1]) {
            if (out)
                out[n] = f;
            n++;
        }
    }
    return n;
}

/* The first line of the example's leading comment, without "# " and
 * "stridec example: ", capitalised. */
static void S_description(const tm_embedded_file *f, tm_buf *out)
{
    const char *s = (const char *)f->data;
    if (s[0] != '#')
        return;
    s++;
    while (*s == ' ')
        s++;
    static const char prefix[] = "stridec example: ";
    if (strncmp(s, prefix, sizeof prefix - 1) == 0)
        s += sizeof prefix - 1;
    size_t n = strcspn(s, "\r\n");
    if (!n)
        return;
    char first = s[0] >= 'a' && s[0] <= 'z' ? (char)(s[0] - 'a' + 'A') : s[0];
    tm_buf_putc(out, first);
    tm_buf_put_printable(out, s + 1, n - 1, 0);
}

static int S_list(void)
{
    size_t n;
    char **names = S_examples(&n);
    tm_buf b;
    tm_buf_init(&b, 0);
    for (size_t i = 0; i < n; i++) {
        tm_buf path;
        tm_buf_init(&path, 0);
        tm_buf_printf(&path, S_MODELS "%s.yaml", names[i]);
        tm_buf_printf(&b, "%-20s ", names[i]);
        S_description(S_embedded(path.data), &b);
        size_t files = S_companions(names[i], NULL);
        if (files)
            tm_buf_printf(&b, " (with %zu artifact file%s under %s/)", files, files == 1 ? "" : "s",
                          names[i]);
        tm_buf_putc(&b, '\n');
        tm_buf_free(&path);
    }
    int status = cli_write_output(NULL, &b, NULL);
    tm_buf_free(&b);
    S_examples_free(names, n);
    return status;
}

/* ------------------------------------------------------------- writing */

static int S_ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* The folder part of path ("." when none); caller frees. */
static char *S_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return tm_xstrdup(".");
    if (slash == path)
        return tm_xstrdup("/");
    size_t n = (size_t)(slash - path);
    char *d = tm_xmalloc(n + 1);
    memcpy(d, path, n);
    d[n] = '\0';
    return d;
}

/* Create the folders of `path` (everything before its last '/'). */
static int S_mkdirs_for(const char *path)
{
    char *dir = S_dirname(path);
    int status = cli_mkdirs(dir, NULL);
    if (status != 0)
        cli_error("init: cannot create folder '%s': %s", dir, strerror(errno));
    free(dir);
    return status;
}

typedef struct {
    char *path;
    const char *data;
    size_t len;
    int existed;
} S_out;

/* Write every file (companions first, the model last), atomically each.
 * A file that exists stops everything before anything is written unless
 * force. On a write failure the files this run created are removed. */
static int S_write_all(S_out *files, size_t n, int force)
{
    for (size_t k = n; k-- > 0;) { /* the model (last) first: the likeliest clash */
        size_t i = k;
        struct stat st;
        if (stat(files[i].path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            cli_error("init: '%s' is a folder; give a file name with -o", files[i].path);
            return CLI_INVALID;
        }
        if (!force) {
            cli_error("init: '%s' already exists; not overwritten (use --force to replace it)",
                      files[i].path);
            return CLI_INVALID;
        }
        files[i].existed = 1;
    }
    tm_diags *d = tm_diags_new();
    int status = CLI_OK;
    size_t done = 0;
    for (; done < n; done++) {
        if (S_mkdirs_for(files[done].path) != 0 ||
            tm_write_file_atomic(files[done].path, files[done].data, files[done].len, d) != 0) {
            status = CLI_OUTPUT;
            break;
        }
    }
    if (status != CLI_OK) {
        cli_print_diags(d);
        for (size_t i = 0; i < done; i++)
            if (!files[i].existed)
                unlink(files[i].path);
    }
    tm_diags_free(d);
    return status;
}

/* The starter in JSON or XML: read, built and exported (its comments are lost). */
static int S_starter_as(const tm_embedded_file *f, const char *syntax, tm_buf *out)
{
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *root = tm_read_text_tree(a, S_STARTER, TM_SYNTAX_YAML, (const char *)f->data, f->len,
                                      NULL, d);
    tm_model *m = root ? tm_model_build(root, S_STARTER, NULL, d) : NULL;
    int r = m ? tm_model_export(m, syntax, out, d) : -1;
    if (r != 0)
        cli_print_diags(d); /* the built-in starter is checked by the tests: not expected */
    tm_model_free(m);
    tm_diags_free(d);
    tm_arena_free(a);
    return r;
}

static int S_init(const char *example, const char *output, int force)
{
    const char *syntax = "yaml";
    int to_file = output && strcmp(output, "-") != 0;
    if (to_file && S_ends_with(output, ".json"))
        syntax = "json";
    else if (to_file && S_ends_with(output, ".xml"))
        syntax = "xml";

    const tm_embedded_file *model = NULL;
    tm_buf converted;
    tm_buf_init(&converted, 0);
    if (example) {
        tm_buf path;
        tm_buf_init(&path, 0);
        tm_buf_printf(&path, S_MODELS "%s.%s", example, syntax);
        char name[256];
        const tm_embedded_file *yaml = NULL;
        for (const tm_embedded_file *f = tm_embedded_files; f->name && !yaml; f++)
            if (S_example_name(f, name, sizeof name) && strcmp(name, example) == 0)
                yaml = f;
        model = yaml ? S_embedded(path.data) : NULL;
        tm_buf_free(&path);
        if (!yaml) {
            size_t n;
            char **names = S_examples(&n);
            const char *near = tm_did_you_mean(example, (const char *const *)names, n);
            tm_buf msg;
            tm_buf_init(&msg, 0);
            tm_buf_put_printable(&msg, example, strlen(example), 0);
            int r = near ? cli_usage("init", "unknown example '%s' (did you mean '%s'?)", msg.data, near)
                         : cli_usage("init", "unknown example '%s'; 'stridec init --list' lists them",
                                     msg.data);
            tm_buf_free(&msg);
            S_examples_free(names, n);
            return r;
        }
        if (!model)
            return cli_usage("init", "example '%s' is not shipped in %s", example, syntax);
    } else {
        model = S_embedded(S_STARTER);
        if (!model) {
            cli_error("init: the starter model is missing from this build");
            return CLI_OUTPUT;
        }
        if (strcmp(syntax, "yaml") != 0 && S_starter_as(model, syntax, &converted) != 0) {
            tm_buf_free(&converted);
            return CLI_OUTPUT;
        }
    }
    if (strcmp(syntax, "yaml") == 0) {
        S_modeline(&converted);
        tm_buf_put(&converted, (const char *)model->data, model->len);
    }
    const char *data = converted.len ? converted.data : (const char *)model->data;
    size_t len = converted.len ? converted.len : model->len;

    size_t n_comp = example ? S_companions(example, NULL) : 0;
    if (!to_file) {
        int status = (len && fwrite(data, 1, len, stdout) != len) || fflush(stdout) != 0
                         ? CLI_OUTPUT
                         : CLI_OK;
        if (status != CLI_OK)
            cli_error("init: could not write to standard output");
        else if (n_comp)
            cli_error("init: note: the example's %zu artifact file%s (%s/...) %s not written to "
                      "standard output; its artifacts are reported missing until they exist. "
                      "Use -o MODEL to write %s too.",
                      n_comp, n_comp == 1 ? "" : "s", example, n_comp == 1 ? "is" : "are",
                      n_comp == 1 ? "it" : "them");
        tm_buf_free(&converted);
        return status;
    }

    /* To files: the companions land where the model's relative paths point. */
    const tm_embedded_file **comp = tm_xmalloc((n_comp + 1) * sizeof *comp);
    S_companions(example ? example : "", n_comp ? comp : NULL);
    S_out *files = tm_xmalloc((n_comp + 1) * sizeof *files);
    char *dir = S_dirname(output);
    for (size_t i = 0; i < n_comp; i++) {
        const char *rel = comp[i]->name + sizeof S_MODELS - 1; /* NAME/file */
        tm_buf p;
        tm_buf_init(&p, 0);
        if (strcmp(dir, ".") != 0)
            tm_buf_printf(&p, "%s/", dir);
        tm_buf_puts(&p, rel);
        files[i].path = tm_buf_detach(&p);
        files[i].data = (const char *)comp[i]->data;
        files[i].len = comp[i]->len;
        files[i].existed = 0;
    }
    files[n_comp].path = tm_xstrdup(output);
    files[n_comp].data = data;
    files[n_comp].len = len;
    files[n_comp].existed = 0;

    int status = S_write_all(files, n_comp + 1, force);
    if (status == CLI_OK) {
        for (size_t i = 0; i <= n_comp; i++)
            printf("wrote %s\n", files[i].path);
        printf("next: stridec check %s\n", output);
        if (fflush(stdout) != 0)
            status = CLI_OUTPUT;
    }
    for (size_t i = 0; i <= n_comp; i++)
        free(files[i].path);
    free(files);
    free(comp);
    free(dir);
    tm_buf_free(&converted);
    return status;
}

int cli_init(int argc, char **argv)
{
    const char *example = NULL, *output = NULL;
    int force = 0, list = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(S_help, stdout);
            return CLI_OK;
        }
        if (strcmp(argv[i], "--list") == 0 || strcmp(argv[i], "-l") == 0) {
            list = 1;
            continue;
        }
        if (strcmp(argv[i], "--force") == 0 || strcmp(argv[i], "-f") == 0) {
            force = 1;
            continue;
        }
        /* `--example` without a name (last, or before another option) lists. */
        if (strcmp(argv[i], "--example") == 0 &&
            (i + 1 >= argc || (argv[i + 1][0] == '-' && argv[i + 1][1] != '\0'))) {
            list = 1;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--example", "-e", &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            if (!*v)
                list = 1;
            else
                example = v;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--output", "-o", &v)) != 0) {
            if (r < 0)
                return CLI_INVALID;
            if (!*v)
                return cli_usage("init", "-o takes a file name");
            output = v;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage("init", "unknown option '%s'", argv[i]);
        return cli_usage("init", "unexpected argument '%s' (the output file goes after -o)", argv[i]);
    }
    if (list)
        return S_list();
    return S_init(example, output, force);
}
