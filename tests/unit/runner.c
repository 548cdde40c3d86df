/* The Check test runner: every suite_NAME found in the tests/unit/ files. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#define X(name) Suite *name(void);
#include "suites.inc"
#undef X

int main(int argc, char **argv)
{
    SRunner *sr = NULL;
    const char *only = argc > 1 ? argv[1] : NULL; /* run one suite: stridec-tests suite_yaml */
#define X(name)                                                                                    \
    if (!only || strcmp(only, #name) == 0) {                                                       \
        if (!sr)                                                                                   \
            sr = srunner_create(name());                                                           \
        else                                                                                       \
            srunner_add_suite(sr, name());                                                         \
    }
#include "suites.inc"
#undef X
    if (!sr)
        return 2;
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
