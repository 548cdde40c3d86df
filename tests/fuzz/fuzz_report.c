/*
 * libFuzzer target: report.md and threats.csv on arbitrary models. The bytes
 * are read as a model (syntax guessed as in fuzz_build), analysed with the
 * built-in catalogue and rules, and rendered. Checked:
 *   - no crash, no sanitizer report, no leak;
 *   - report.md: no '<' at all (the template has none and model text
 *     escapes it, so no raw HTML can reach a page), and every table row has
 *     as many cells as its header (model text cannot break a table);
 *   - threats.csv: reads back as RFC 4180 (CRLF records, quotes doubled),
 *     one row per threat plus the header, ten fields each, and no field
 *     starts with = + - @ TAB or CR (spreadsheet formulas are neutralised).
 * report.html shares the template engine and escaping; it is left out here
 * because it lays out the diagram with Graphviz, whose context leaks by
 * design (tests/valgrind.supp). Seeds: tests/fuzz/corpus/report/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/analysis.h"
#include "stridec/model.h"
#include "stridec/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void S_fail(const char *why)
{
    fprintf(stderr, "fuzz_report: %s\n", why);
    abort();
}

static void S_check_md(const char *md, size_t len)
{
    if (memchr(md, '<', len))
        S_fail("report.md holds a raw '<'");
    size_t header = 0;
    int in_table = 0;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && md[e] != '\n')
            e++;
        if (e > i && md[i] == '|') {
            size_t pipes = 0;
            for (size_t k = i; k < e; k++) {
                if (md[k] == '\\') {
                    k++;
                    continue;
                }
                pipes += md[k] == '|';
            }
            if (md[e - 1] != '|')
                S_fail("report.md: a table row does not end with '|'");
            if (!in_table) {
                header = pipes;
                in_table = 1;
            } else if (pipes != header) {
                S_fail("report.md: a table row has the wrong number of cells");
            }
        } else {
            in_table = 0;
        }
        i = e + 1;
    }
}

static void S_check_csv(const char *s, size_t len, size_t threats)
{
    size_t rows = 0, i = 0;
    while (i < len) {
        size_t fields = 0;
        for (;;) {
            char first = 0;
            int have_first = 0;
            if (i < len && s[i] == '"') {
                i++;
                for (;;) {
                    if (i >= len)
                        S_fail("threats.csv: unterminated quoted field");
                    if (s[i] == '"') {
                        if (i + 1 < len && s[i + 1] == '"') {
                            if (!have_first)
                                first = '"', have_first = 1;
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (!have_first)
                        first = s[i], have_first = 1;
                    i++;
                }
            } else {
                while (i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n') {
                    if (s[i] == '"')
                        S_fail("threats.csv: a quote inside an unquoted field");
                    if (!have_first)
                        first = s[i], have_first = 1;
                    i++;
                }
            }
            if (have_first && strchr("=+-@\t\r", first))
                S_fail("threats.csv: a field starts like a formula");
            fields++;
            if (i < len && s[i] == ',') {
                i++;
                continue;
            }
            if (i + 1 < len && s[i] == '\r' && s[i + 1] == '\n') {
                i += 2;
                break;
            }
            S_fail("threats.csv: a record does not end with CRLF");
        }
        if (fields != 10)
            S_fail("threats.csv: a record without ten fields");
        rows++;
    }
    if (rows != threats + 1)
        S_fail("threats.csv: not one row per threat plus the header");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Loaded once: the built-in catalogue and rules do not change. */
    static tm_catalog *cat;
    static tm_ruleset *rules;
    if (!cat) {
        tm_diags *d = tm_diags_new();
        cat = tm_catalog_builtin(d);
        rules = tm_ruleset_new();
        if (!cat || tm_ruleset_add_builtin(rules, d) != 0)
            S_fail("built-in catalogue or rules do not load");
        tm_diags_free(d);
    }
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    text[size] = 0;
    tm_syntax syn = size && (data[0] == '{' || data[0] == '[') ? TM_SYNTAX_JSON
                    : size && data[0] == '<'                   ? TM_SYNTAX_XML
                                                               : TM_SYNTAX_YAML;
    tm_arena *a = tm_arena_new();
    tm_diags *d = tm_diags_new();
    tm_node *root = tm_read_text_tree(a, "fuzz.yaml", syn, text, size, NULL, d);
    tm_model *m = root ? tm_model_build(root, "fuzz.yaml", NULL, d) : NULL;
    tm_analysis *an = m ? tm_analyze(m, cat, rules, NULL, d) : NULL;
    if (an) {
        tm_render_opts o;
        memset(&o, 0, sizeof o);
        o.date = "2026-01-01";
        tm_buf md, csv;
        tm_buf_init(&md, 0);
        tm_buf_init(&csv, 0);
        if (tm_render_md(an, &o, &md, d) != 0 || tm_render_csv(an, &o, &csv, d) != 0)
            S_fail("a renderer failed on a valid model");
        S_check_md(md.data ? md.data : "", md.len);
        S_check_csv(csv.data ? csv.data : "", csv.len, tm_analysis_threat_count(an));
        tm_buf_free(&md);
        tm_buf_free(&csv);
        tm_render_cache_free(&o);
        tm_analysis_free(an);
    }
    tm_model_free(m);
    tm_diags_free(d);
    tm_arena_free(a);
    free(text);
    return 0;
}
