/* Core: arena, buffer, diagnostics, UTF-8, map, strings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "stridec/base.h"
#include "testutil.h"

START_TEST(arena_allocates_zeroed_and_big_blocks)
{
    tm_arena *a = tm_arena_new();
    char *p = tm_arena_alloc(a, 10);
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(p[i], 0);
    char *big = tm_arena_alloc(a, 1 << 20);
    big[(1 << 20) - 1] = 'x';
    char *s = tm_arena_printf(a, "%s-%d", "ab", 42);
    ck_assert_str_eq(s, "ab-42");
    ck_assert_ptr_null(tm_arena_strdup(a, NULL));
    ck_assert_uint_ge(tm_arena_bytes(a), (1u << 20) + 10);
    tm_arena_free(a);
}
END_TEST

START_TEST(arena_reset_reuses_zeroed_memory)
{
    tm_arena *a = tm_arena_new();
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 100; i++) {
            unsigned char *p = tm_arena_alloc(a, 100);
            for (int k = 0; k < 100; k++)
                ck_assert_int_eq(p[k], 0); /* zeroed even after a reset */
            memset(p, 0xAB, 100);
        }
        ck_assert_uint_ge(tm_arena_bytes(a), 100u * 100u);
        tm_arena_reset(a);
        ck_assert_uint_eq(tm_arena_bytes(a), 0);
    }
    tm_arena_free(a);
}
END_TEST

START_TEST(arena_huge_chunks_are_zeroed_and_freed)
{
    /* past a few MB the arena maps 2 MB-aligned chunks: zeroed, usable to
     * the end, released by reset and free */
    tm_arena *a = tm_arena_new();
    for (int round = 0; round < 2; round++) {
        unsigned char *big = tm_arena_alloc(a, 3u << 20);
        ck_assert_int_eq(big[0], 0);
        ck_assert_int_eq(big[(3u << 20) - 1], 0);
        memset(big, 0x5A, 3u << 20);
        for (int i = 0; i < 20000; i++) {
            unsigned char *p = tm_arena_alloc(a, 1000);
            ck_assert(p[0] == 0 && p[999] == 0);
            memset(p, 0xC3, 1000);
        }
        ck_assert_uint_ge(tm_arena_bytes(a), 20000u * 1000u + (3u << 20));
        tm_arena_reset(a);
    }
    tm_arena_free(a);
}
END_TEST

START_TEST(buf_respects_limit)
{
    tm_buf b;
    tm_buf_init(&b, 8);
    ck_assert_int_eq(tm_buf_puts(&b, "1234"), 0);
    ck_assert_int_eq(tm_buf_printf(&b, "%d", 5678), 0);
    ck_assert_str_eq(b.data, "12345678");
    ck_assert_int_eq(tm_buf_putc(&b, '9'), -1);
    ck_assert_int_eq(b.failed, 1);
    ck_assert_str_eq(b.data, "12345678");
    tm_buf_free(&b);
}
END_TEST

START_TEST(diag_formats_with_caret)
{
    tm_diags *d = tm_diags_new();
    const char *src = "a: 1\nflows:\n  - {from: b, to: ghost}\n";
    tm_diags_add_source(d, "m.yaml", src, strlen(src));
    tm_diag_add(d, TM_DIAG_ERROR, "x", "m.yaml", 3, 22, "flow goes to '%s'", "ghost");
    tm_diag_add(d, TM_DIAG_WARNING, NULL, "m.yaml", 0, 0, "no place");
    ck_assert_uint_eq(tm_diags_count(d), 2);
    ck_assert_uint_eq(tm_diags_errors(d), 1);
    tm_buf b;
    tm_buf_init(&b, 0);
    tm_diags_format(d, &b);
    ck_assert_str_eq(b.data, "m.yaml:3:22: error: flow goes to 'ghost'\n"
                             "    - {from: b, to: ghost}\n"
                             "                       ^\n"
                             "m.yaml: warning: no place\n");
    tm_buf_free(&b);
    tm_diags_free(d);
}
END_TEST

START_TEST(utf8_validation)
{
    size_t bad = 99;
    const char *ok = "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80";
    ck_assert(tm_utf8_valid(ok, strlen(ok), NULL));
    ck_assert(!tm_utf8_valid(ok, strlen(ok) - 1, &bad)); /* emoji cut short */
    ck_assert_uint_eq(bad, strlen(ok) - 4);
    ck_assert(!tm_utf8_valid("ab\xc3", 3, &bad));
    ck_assert_uint_eq(bad, 2);
    ck_assert(!tm_utf8_valid("\xc0\xaf", 2, &bad));         /* overlong */
    ck_assert(!tm_utf8_valid("\xed\xa0\x80", 3, &bad));     /* surrogate */
    ck_assert(!tm_utf8_valid("\xf4\x90\x80\x80", 4, &bad)); /* > U+10FFFF */
    ck_assert(!tm_utf8_valid("x\xff", 2, &bad));
    ck_assert_uint_eq(bad, 1);
    uint32_t line, col;
    tm_text_position("ab\n\xc3\xa9x", 5, &line, &col);
    ck_assert_uint_eq(line, 2);
    ck_assert_uint_eq(col, 2);
}
END_TEST

START_TEST(map_grows_and_finds)
{
    tm_map *m = tm_map_new(0);
    char keys[1000][16];
    for (int i = 0; i < 1000; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        ck_assert_ptr_null(tm_map_put(m, keys[i], keys[i]));
    }
    ck_assert_uint_eq(tm_map_count(m), 1000);
    for (int i = 0; i < 1000; i++)
        ck_assert_ptr_eq(tm_map_get(m, keys[i]), keys[i]);
    ck_assert_ptr_null(tm_map_get(m, "nope"));
    tm_map_free(m);
}
END_TEST

START_TEST(strings_helpers)
{
    const char *c[] = {"elements", "flows", "boundaries", "identities"};
    ck_assert_str_eq(tm_did_you_mean("element", c, 4), "elements");
    ck_assert_str_eq(tm_did_you_mean("Flows", c, 4), "flows");
    ck_assert_ptr_null(tm_did_you_mean("zzz", c, 4));
    ck_assert(tm_glob_match("AWS-S3-*@*", "AWS-S3-PUBLIC@bucket"));
    ck_assert(!tm_glob_match("AWS-S3-*@x", "AWS-S3-PUBLIC@bucket"));
    ck_assert(!tm_glob_match("s3:get*", "S3:GetObject"));
    ck_assert(tm_glob_match_nocase("s3:get*", "S3:GetObject"));
    ck_assert(tm_glob_match_nocase("IAM:PassRole", "iam:passrole"));
    ck_assert(!tm_glob_match_nocase("iam:Pass?", "iam:PassRole"));
    ck_assert_uint_eq(tm_edit_distance("kitten", "sitting", 5), 3);
}
END_TEST


typedef struct {
    tm_buf all;
    size_t calls;
    int fail_after; /* fail on this call (1-based); 0 never */
} S_sink_state;

static int S_sink(void *ud, const char *data, size_t len)
{
    S_sink_state *st = ud;
    st->calls++;
    if (st->fail_after && st->calls >= (size_t)st->fail_after)
        return -1;
    return tm_buf_put(&st->all, data, len);
}

START_TEST(buf_spills_to_sink_in_order)
{
    S_sink_state st = {.calls = 0, .fail_after = 0};
    tm_buf_init(&st.all, 0);
    tm_buf b, ref;
    tm_buf_init(&b, 0);
    tm_buf_init(&ref, 0);
    tm_buf_spill(&b, S_sink, &st);
    for (int i = 0; i < 200000; i++) {
        tm_buf_printf(&b, "line %d\n", i);
        tm_buf_printf(&ref, "line %d\n", i);
        tm_buf_putc(&b, 'x');
        tm_buf_putc(&ref, 'x');
    }
    ck_assert_uint_le(b.cap, 2u * TM_BUF_SPILL_BYTES); /* never held the whole */
    ck_assert_int_eq(tm_buf_flush(&b), 0);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_eq(b.spilled, ref.len);
    ck_assert_uint_gt(st.calls, 1);
    ck_assert_uint_eq(st.all.len, ref.len);
    ck_assert(memcmp(st.all.data, ref.data, ref.len) == 0);
    tm_buf_free(&b);
    tm_buf_free(&ref);
    tm_buf_free(&st.all);
}
END_TEST

START_TEST(buf_spill_limit_and_sink_errors)
{
    /* The limit covers what was spilled. */
    S_sink_state st = {.calls = 0, .fail_after = 0};
    tm_buf_init(&st.all, 0);
    tm_buf b;
    tm_buf_init(&b, 3u * TM_BUF_SPILL_BYTES);
    tm_buf_spill(&b, S_sink, &st);
    char chunk[4096];
    memset(chunk, 'a', sizeof chunk);
    int rc = 0;
    size_t n = 0;
    while (rc == 0 && n < 10u * TM_BUF_SPILL_BYTES) {
        rc = tm_buf_put(&b, chunk, sizeof chunk);
        n += sizeof chunk;
    }
    ck_assert_int_eq(rc, -1);
    ck_assert(b.failed);
    ck_assert_uint_le(b.spilled + b.len, 3u * TM_BUF_SPILL_BYTES);
    ck_assert_int_eq(tm_buf_flush(&b), -1);
    tm_buf_free(&b);
    tm_buf_free(&st.all);
    /* A failing sink fails the buffer. */
    S_sink_state bad = {.calls = 0, .fail_after = 1};
    tm_buf_init(&bad.all, 0);
    tm_buf_init(&b, 0);
    tm_buf_spill(&b, S_sink, &bad);
    tm_buf_puts(&b, "short");
    ck_assert_int_eq(tm_buf_flush(&b), -1);
    ck_assert(b.failed);
    ck_assert_int_eq(tm_buf_puts(&b, "more"), -1);
    tm_buf_free(&b);
    tm_buf_free(&bad.all);
}
END_TEST

START_TEST(atomic_file_commit_and_abort)
{
    char *dir = tu_tmpdir();
    char path[1024], other[1024];
    snprintf(path, sizeof path, "%s/out.json", dir);
    snprintf(other, sizeof other, "%s/gone.json", dir);
    tm_diags *d = tm_diags_new();
    tm_atomic_file *f = tm_atomic_open(path, d);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(tm_atomic_write(f, "{\"a\": ", 6), 0);
    ck_assert_int_eq(tm_atomic_sink(f, "1}", 2), 0);
    ck_assert_int_eq(tm_atomic_error(f), 0);
    struct stat st;
    ck_assert(stat(path, &st) != 0); /* not in place before commit */
    ck_assert_int_eq(tm_atomic_commit(f, d), 0);
    size_t len;
    char *text = tu_slurp(path, &len);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, "{\"a\": 1}");
    free(text);
    f = tm_atomic_open(other, d);
    ck_assert_ptr_nonnull(f);
    tm_atomic_write(f, "x", 1);
    tm_atomic_abort(f);
    ck_assert(stat(other, &st) != 0);
    /* only out.json is left in the folder: no temporary file */
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "test \"$(ls -A '%s')\" = out.json", dir);
    ck_assert_int_eq(system(cmd), 0);
    /* a folder that does not exist: an error naming the path */
    snprintf(other, sizeof other, "%s/no/such/file", dir);
    ck_assert_ptr_null(tm_atomic_open(other, d));
    ck_assert_uint_eq(tm_diags_errors(d), 1);
    ck_assert(strstr(tm_diags_get(d, 0)->file, "no/such/file"));
    tm_diags_free(d);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

Suite *suite_core(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, arena_allocates_zeroed_and_big_blocks);
    tcase_add_test(tc, arena_reset_reuses_zeroed_memory);
    tcase_add_test(tc, arena_huge_chunks_are_zeroed_and_freed);
    tcase_add_test(tc, buf_respects_limit);
    tcase_add_test(tc, buf_spills_to_sink_in_order);
    tcase_add_test(tc, buf_spill_limit_and_sink_errors);
    tcase_add_test(tc, atomic_file_commit_and_abort);
    tcase_add_test(tc, diag_formats_with_caret);
    tcase_add_test(tc, utf8_validation);
    tcase_add_test(tc, map_grows_and_finds);
    tcase_add_test(tc, strings_helpers);
    suite_add_tcase(s, tc);
    return s;
}

START_TEST(printable_escapes_terminal_controls)
{
    tm_buf b;
    tm_buf_init(&b, 0);
    const char *s = "a\tb\rc\x1b[31m\xe2\x80\xae" "d\xc3\xa9\xff";
    tm_buf_put_printable(&b, s, strlen(s), 0);
    ck_assert_str_eq(b.data, "a\\x09b\\x0Dc\\x1B[31m\\u{202E}d\xc3\xa9\\xFF");
    tm_buf_reset(&b);
    tm_buf_put_printable(&b, "x\ty", 3, 1);
    ck_assert_str_eq(b.data, "x\ty");
    tm_buf_free(&b);
}
END_TEST

Suite *suite_core_printable(void)
{
    Suite *s = suite_create("core-printable");
    TCase *tc = tcase_create("printable");
    tcase_add_test(tc, printable_escapes_terminal_controls);
    suite_add_tcase(s, tc);
    return s;
}
