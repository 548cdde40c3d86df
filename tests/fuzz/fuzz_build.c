/*
 * libFuzzer target: the model builder on arbitrary bytes. The syntax is
 * guessed from the first byte ('{' or '[' JSON, '<' XML, else YAML), the
 * tree read with tm_read_text_tree and built with tm_model_build. Checked:
 *   - no crash, no sanitizer report, no leak;
 *   - a NULL model comes with an error, a model with none; every error of
 *     the builder names a file and a line;
 *   - a model exports to YAML and JSON and reloads to the same canonical
 *     tree; its XML export (when XML can carry it) reloads as a model.
 * Seeds: tests/fuzz/corpus/build/. Run: make fuzz.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void S_fail(const char *why)
{
    fprintf(stderr, "fuzz_build: %s\n", why);
    abort();
}

static tm_syntax S_guess(const uint8_t *data, size_t size)
{
    if (size && (data[0] == '{' || data[0] == '['))
        return TM_SYNTAX_JSON;
    if (size && data[0] == '<')
        return TM_SYNTAX_XML;
    return TM_SYNTAX_YAML;
}

/* Export m as `syntax`, rebuild it and compare (or only rebuild). */
static void S_round_trip(const tm_model *m, const tm_node *want, const char *syntax,
                         tm_syntax syn, int compare)
{
    tm_diags *d = tm_diags_new();
    tm_buf b;
    tm_buf_init(&b, 0);
    if (tm_model_export(m, syntax, &b, d) != 0) {
        if (compare)
            S_fail("YAML/JSON export failed");
        tm_buf_free(&b);
        tm_diags_free(d);
        return;
    }
    tm_arena *a = tm_arena_new();
    const char *text = b.data ? b.data : "";
    tm_node *root = tm_read_text_tree(a, "fuzz.yaml", syn, text, b.len, NULL, d);
    tm_model *back = root ? tm_model_build(root, "fuzz.yaml", NULL, d) : NULL;
    if (!back)
        S_fail(syn == TM_SYNTAX_XML ? "exported XML does not rebuild"
                                    : "exported YAML/JSON does not rebuild");
    if (compare && !tm_node_equal(want, tm_model_to_tree(back, a)))
        S_fail("export round trip changed the model");
    tm_model_free(back);
    tm_arena_free(a);
    tm_buf_free(&b);
    tm_diags_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    text[size] = 0;
    tm_syntax syn = S_guess(data, size);
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *root = tm_read_text_tree(a, "fuzz.yaml", syn, text, size, NULL, d);
    tm_model *m = root ? tm_model_build(root, "fuzz.yaml", NULL, d) : NULL;
    if (!m && tm_diags_errors(d) == 0)
        S_fail("no model and no error");
    if (m && tm_diags_errors(d) != 0)
        S_fail("a model and an error");
    for (size_t i = 0; i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        /* I/O errors of included files have no line; everything else does. */
        if (g->severity == TM_DIAG_ERROR &&
            (!g->file || (g->line == 0 && (!g->code || strcmp(g->code, "io") != 0))))
            S_fail("an error without a place");
    }
    if (m) {
        tm_node *want = tm_model_to_tree(m, a);
        S_round_trip(m, want, "yaml", TM_SYNTAX_YAML, 1);
        S_round_trip(m, want, "json", TM_SYNTAX_JSON, 1);
        S_round_trip(m, want, "xml", TM_SYNTAX_XML, 0);
    }
    tm_buf out;
    tm_buf_init(&out, 0);
    tm_diags_format(d, &out);
    tm_buf_free(&out);
    tm_model_free(m);
    tm_diags_free(d);
    tm_arena_free(a);
    free(text);
    return 0;
}
