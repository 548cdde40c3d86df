/*
 * Replays the saved inputs of the IAM policy grammar fuzz target
 * (tests/fuzz/corpus/iam_policy/) with the target's own checks
 * (tests/fuzz/fuzz_iam_policy_check.h), plus deterministic pseudo-random
 * mutations of them, so the properties hold in every `make check`.
 */
#include "../fuzz/fuzz_iam_policy_check.h"
#include "testutil.h"

static const char *S_call(void *ud, const uint8_t *data, size_t len)
{
    (void)ud;
    return fuzz_iam_policy_one(data, len);
}

START_TEST(iam_policy_corpus)
{
    ck_assert_uint_ge(tu_fuzz_replay("tests/fuzz/corpus/iam_policy", S_call, NULL, 200, 8, NULL,
                                     "\n\"{}[]:*?${-,aZ"),
                      10);
}
END_TEST

Suite *suite_fuzz_iam(void)
{
    Suite *s = suite_create("fuzz_iam");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, iam_policy_corpus);
    suite_add_tcase(s, tc);
    return s;
}
