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

static const char *S_call(void *ud, const uint8_t *data, size_t len)
{
    return (*(S_check *)ud)(data, len);
}

/* Each corpus file, then 300 mutations of it (any byte flipped, characters
 * that matter to the readers inserted, the text cut short). */
static size_t S_replay(const char *dir, S_check check)
{
    return tu_fuzz_replay(dir, S_call, &check, 300, 8, NULL, "\n\"{}[]:=@*.-0aZ\\\xc3");
}

START_TEST(secrets_corpus)
{
    ck_assert_uint_ge(S_replay("tests/fuzz/corpus/secrets", fuzz_secrets_one), 5);
}
END_TEST

START_TEST(osv_corpus)
{
    ck_assert_uint_ge(S_replay("tests/fuzz/corpus/osv", fuzz_osv_one), 5);
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
