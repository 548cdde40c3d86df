/*
 * What the secret-scan and OSV fuzz targets check for one input, shared with
 * their corpus replay test (tests/unit/test_fuzz_engine.c):
 *   secrets: no crash; every finding has a kind, the given file, a line within
 *            the text and a column >= 1; its masked value shows at most its
 *            first 4 characters, all printable ASCII, then only '*';
 *   osv:     no crash; a malformed record gives -1 and a warning (never an
 *            error), a parsed one a count <= the number of specs; every
 *            diagnostic has a position or none at all; version comparison is
 *            antisymmetric and reflexive on the input's first two lines.
 */
#ifndef STRIDEC_FUZZ_ENGINE_CHECKS_H
#define STRIDEC_FUZZ_ENGINE_CHECKS_H

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

static const char *fuzz_secrets_one(const uint8_t *data, size_t size)
{
    const char *why = NULL;
    tm_arena *ar = tm_arena_new();
    tm_secret *s = NULL;
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    size_t n = tm_secrets_scan(ar, "fuzz.txt", (const char *)data, size, &s);
    if (n && !s)
        why = "findings without an array";
    for (size_t i = 0; i < n && !why; i++) {
        if (!s[i].kind || !s[i].masked || !s[i].file || strcmp(s[i].file, "fuzz.txt") != 0)
            why = "finding without kind, mask or file";
        else if (s[i].line < 1 || s[i].line > lines || s[i].col < 1)
            why = "finding outside the text";
        else {
            /* At most the first 4 characters show (printable ASCII; a
             * value may itself hold '*'), the rest are stars. */
            const char *m = s[i].masked;
            for (size_t k = 0; m[k]; k++) {
                if (k < 4 && (!isprint((unsigned char)m[k]) || (unsigned char)m[k] >= 0x80))
                    why = "mask shows a non-printable character";
                if (k >= 4 && m[k] != '*')
                    why = "mask shows more than 4 characters";
            }
        }
    }
    tm_arena_free(ar);
    return why;
}

static int fuzz_sign(int x)
{
    return x < 0 ? -1 : x > 0 ? 1 : 0;
}

static const char *fuzz_osv_one(const uint8_t *data, size_t size)
{
    const char *why = NULL;
    char *text = malloc(size + 1);
    if (!text)
        return NULL;
    if (size)
        memcpy(text, data, size);
    text[size] = 0;

    /* Version comparison on the first two lines, whatever they hold. */
    char *nl = memchr(text, '\n', size);
    if (nl) {
        *nl = 0;
        char *second = nl + 1;
        char *nl2 = strchr(second, '\n');
        if (nl2)
            *nl2 = 0;
        if (tm_version_compare(text, text) != 0 || tm_version_compare(second, second) != 0)
            why = "a version differs from itself";
        else if (fuzz_sign(tm_version_compare(text, second)) !=
                 -fuzz_sign(tm_version_compare(second, text)))
            why = "version comparison is not antisymmetric";
        (void)tm_version_pinned(text);
        if (nl2)
            *nl2 = '\n';
        *nl = '\n';
    }

    static const char *const libs[] = {"lodash@4.17.15", "pillow@8.2.0", "x@1.0.0",
                                       "@acme/sdk@2.0.0-beta.3", "a@0", "b@1.0.0-rc.1+b"};
    tm_diags *d = tm_diags_new();
    int n = tm_osv_match_text("fuzz.json", text, size, libs, sizeof libs / sizeof *libs, d);
    if (!why && tm_diags_errors(d))
        why = "an advisory produced an error, not a warning";
    if (!why && n < 0 && tm_diags_count(d) == 0)
        why = "a malformed advisory without a warning";
    if (!why && n > (int)(sizeof libs / sizeof *libs))
        why = "more matches than libraries";
    tm_buf out;
    tm_buf_init(&out, 0);
    tm_diags_format(d, &out);
    tm_buf_free(&out);
    tm_diags_free(d);
    free(text);
    return why;
}

#endif
