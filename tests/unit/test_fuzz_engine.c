/*
 * Replays the saved inputs of the secret-scan and OSV fuzz targets
 * (tests/fuzz/corpus/secrets/, tests/fuzz/corpus/osv/) with the targets' own
 * checks (tests/fuzz/fuzz_engine_checks.h), plus a few thousand
 * deterministic pseudo-random mutations of them, so the properties hold in
 * every `make check`, not only under libFuzzer.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fuzz_engine_checks.h"
#include "testutil.h"

typedef const char *(*S_check)(const uint8_t *, size_t);

/* xorshift32: deterministic, no global state. */
static uint32_t S_rand(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static size_t S_replay(const char *dir, S_check check, const char *name)
{
    DIR *dp = opendir(dir);
    ck_assert_msg(dp != NULL, "no corpus folder %s", dir);
    struct dirent *de;
    size_t files = 0;
    uint32_t seed = 2463534242u;
    while ((de = readdir(dp)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t len = 0;
        char *data = tu_slurp(path, &len);
        if (!data)
            continue;
        files++;
        const char *why = check((const uint8_t *)data, len);
        ck_assert_msg(why == NULL, "%s %s: %s", name, de->d_name, why);
        /* Mutations: flip, insert and truncate bytes. */
        uint8_t *buf = malloc(len + 64);
        for (int round = 0; round < 300; round++) {
            memcpy(buf, data, len);
            size_t n = len;
            int edits = 1 + (int)(S_rand(&seed) % 8);
            for (int e = 0; e < edits; e++) {
                uint32_t r = S_rand(&seed);
                if (n && r % 3 == 0)
                    buf[r % n] = (uint8_t)(S_rand(&seed) & 0xff);
                else if (r % 3 == 1 && n < len + 63) {
                    size_t at = n ? r % (n + 1) : 0;
                    memmove(buf + at + 1, buf + at, n - at);
                    buf[at] = (uint8_t)"\n\"{}[]:=@*.-0aZ\\\xc3"[S_rand(&seed) % 17];
                    n++;
                } else if (n) {
                    n = r % n;
                }
            }
            why = check(buf, n);
            ck_assert_msg(why == NULL, "%s %s (mutation %d): %s", name, de->d_name, round, why);
        }
        free(buf);
        free(data);
    }
    closedir(dp);
    return files;
}

START_TEST(secrets_corpus)
{
    ck_assert_uint_ge(S_replay(tu_path("tests/fuzz/corpus/secrets"), fuzz_secrets_one, "secrets"),
                      5);
}
END_TEST

START_TEST(osv_corpus)
{
    ck_assert_uint_ge(S_replay(tu_path("tests/fuzz/corpus/osv"), fuzz_osv_one, "osv"), 5);
}
END_TEST

Suite *suite_fuzz_engine(void)
{
    Suite *s = suite_create("fuzz_engine");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, secrets_corpus);
    tcase_add_test(tc, osv_corpus);
    suite_add_tcase(s, tc);
    return s;
}
