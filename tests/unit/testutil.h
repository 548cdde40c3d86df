/* Helpers shared by the unit tests. */
#ifndef STRIDEC_TESTUTIL_H
#define STRIDEC_TESTUTIL_H

#include <check.h>
#include <stddef.h>

#include "stridec/core.h"

/* Path of a file under the source tree (STRIDEC_ROOT, default "."); static buffer rotation. */
const char *tu_path(const char *rel);

/* Run the stridec binary (STRIDEC_BIN) with the given argv (NULL-terminated,
 * argv[0] not included), in the source tree. Captures stdout and stderr
 * (malloc'd, caller frees with tu_result_free); returns the exit status. */
typedef struct {
    int status;
    char *out;
    char *err;
} tu_result;
tu_result tu_run(const char *const *args);
void tu_result_free(tu_result *r);

/* Whole file into malloc'd buffer (NULL when missing). */
char *tu_slurp(const char *path, size_t *len);

/* A fresh temporary directory (malloc'd path). */
char *tu_tmpdir(void);
/* rm -rf */
void tu_rmtree(const char *dir);

/* 1 when the slow/valgrind-unfriendly tests should be skipped. */
int tu_skip_slow(void);

#endif
