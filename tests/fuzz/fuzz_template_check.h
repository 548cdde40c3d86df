/*
 * The checks of the template fuzz target, shared by tests/fuzz/fuzz_template.c
 * (libFuzzer) and tests/unit/test_template.c (which replays the saved corpus
 * and mutations of it in every `make check`).
 *
 * Input: a template, then a separator, then a JSON data document. The
 * separator is the first NUL byte when there is one (so templates can hold
 * newlines), else the first newline; with neither, the whole input is the
 * template and the data is absent. Data that does not parse as JSON renders
 * with no data. The escape mode is picked by the input's length (size % 3:
 * HTML, none, Markdown), so the worst input costs one render's step budget,
 * not three; partials come from a fixed table that includes recursive,
 * self-including and broken partials.
 *
 * Checked beyond "does not crash": the return code agrees with the
 * diagnostics, a failed render leaves the output as it was, every error
 * names a file, line and column, and a successful render's output is valid
 * UTF-8.
 */
#ifndef STRIDEC_FUZZ_TEMPLATE_CHECK_H
#define STRIDEC_FUZZ_TEMPLATE_CHECK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/doc.h"
#include "stridec/template.h"

static const struct {
    const char *name, *text;
} fuzz_template_partials[] = {
    {"row", "| {{name}} | {{value}} |\n"},
    {"list", "{{#items}}\n  {{>row}}\n{{/items}}\n"},
    {"tree", "{{name}}({{#kids}}{{>tree}}{{/kids}})"},
    {"self", "x{{>self}}"},
    {"broken", "{{#open}}never closed"},
    {"delims", "{{=<% %>=}}<%name%> <%>row%>"},
    {"indented", "  {{>list}}\n  {{>row}}\n"},
};

static const char *fuzz_template_load(void *ctx, const char *name, size_t *len)
{
    (void)ctx;
    for (size_t i = 0; i < sizeof fuzz_template_partials / sizeof fuzz_template_partials[0]; i++) {
        if (strcmp(fuzz_template_partials[i].name, name) == 0) {
            *len = strlen(fuzz_template_partials[i].text);
            return fuzz_template_partials[i].text;
        }
    }
    return NULL;
}

/* NULL when every check holds, else what failed. */
static const char *fuzz_template_one(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    const char *cut = size ? memchr(in, '\0', size) : NULL;
    if (!cut && size)
        cut = memchr(in, '\n', size);
    size_t tlen = cut ? (size_t)(cut - in) : size;

    tm_arena *arena = tm_arena_new();
    tm_diags *jd = tm_diags_new();
    tm_node *root = NULL;
    if (cut) {
        size_t jlen = size - tlen - 1;
        char *json = tm_xmalloc(jlen + 1); /* the readers want NUL-terminated text */
        memcpy(json, cut + 1, jlen);
        json[jlen] = '\0';
        root = tm_read_json(arena, "data.json", json, jlen, NULL, jd);
        free(json);
    }

    static const tm_escape_mode modes[] = {TM_ESCAPE_HTML, TM_ESCAPE_NONE, TM_ESCAPE_MARKDOWN};
    tm_partials parts = {fuzz_template_load, NULL};
    tm_diags *d = tm_diags_new();
    tm_buf out;
    tm_buf_init(&out, 1u << 20); /* large outputs become an error, quickly */
    tm_buf_puts(&out, "prefix");
    const char *why = NULL;
    int rc = tm_template_render(in ? in : "", tlen, "fuzz", root, modes[size % 3], &parts, &out, d);
    if ((rc == 0) != (tm_diags_errors(d) == 0))
        why = "the return code disagrees with the diagnostics";
    else if (rc != 0 && (out.len != 6 || strcmp(out.data, "prefix") != 0 || out.failed))
        why = "a failed render changed the output";
    else if (rc == 0 && !tm_utf8_valid(out.data, out.len, NULL))
        why = "the output is not valid UTF-8";
    for (size_t i = 0; !why && i < tm_diags_count(d); i++) {
        const tm_diag *g = tm_diags_get(d, i);
        if (!g->file || g->line == 0 || g->col == 0)
            why = "an error without file, line and column";
    }
    if (!why && rc != 0) {
        tm_buf msg;
        tm_buf_init(&msg, 0);
        tm_diags_format(d, &msg);
        if (msg.len == 0)
            why = "an error formats as nothing";
        tm_buf_free(&msg);
    }
    tm_buf_free(&out);
    tm_diags_free(d);
    tm_diags_free(jd);
    tm_arena_free(arena);
    return why;
}

#endif
