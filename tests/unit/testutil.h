/* Helpers shared by the unit tests. */
#ifndef STRIDEC_TESTUTIL_H
#define STRIDEC_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "stridec/base.h"

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
/* tu_run with standard input `input` (NULL: /dev/null), the environment
 * changed by `env` (NULL-terminated, or NULL: "NAME=value" sets, "NAME"
 * unsets) and run in folder `cwd` (NULL: the source tree). */
tu_result tu_run_with(const char *input, const char *const *env, const char *cwd,
                      const char *const *args);

/* Whole file into malloc'd buffer (NULL when missing). */
char *tu_slurp(const char *path, size_t *len);

/* A fresh temporary directory (malloc'd path). */
char *tu_tmpdir(void);
/* rm -rf */
void tu_rmtree(const char *dir);

/* 1 when the slow/valgrind-unfriendly tests should be skipped. */
int tu_skip_slow(void);

/* A fuzz corpus replayed in the suite: every file of `rel_dir` (name
 * order) through `one` (NULL when the input was handled as it should be,
 * else why not), then `rounds` mutations of each: 1 to `max_edits` edits,
 * each replacing a byte by one of `flips` (NULL: any byte value), inserting
 * one of `inserts`, or
 * cutting the text short. The mutations are seeded from the file's name, so
 * every machine runs the same inputs. Fails the test at the first input
 * `one` rejects; returns the number of files. */
typedef const char *(*tu_fuzz_one)(void *ud, const uint8_t *data, size_t len);
size_t tu_fuzz_replay(const char *rel_dir, tu_fuzz_one one, void *ud, int rounds, int max_edits,
                      const char *flips, const char *inserts);

#endif
