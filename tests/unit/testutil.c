#define _DEFAULT_SOURCE
#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *tu_path(const char *rel)
{
    static char bufs[8][4096];
    static int next;
    char *b = bufs[next++ % 8];
    const char *root = getenv("STRIDEC_ROOT");
    snprintf(b, sizeof bufs[0], "%s/%s", root ? root : ".", rel);
    return b;
}

char *tu_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static char *S_read_fd(int fd)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    ssize_t r;
    while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
        n += (size_t)r;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[n] = '\0';
    return buf;
}

tu_result tu_run_with(const char *input, const char *const *env, const char *cwd,
                      const char *const *args)
{
    tu_result res = {-1, NULL, NULL};
    const char *bin = getenv("STRIDEC_BIN");
    if (!bin)
        bin = "./stridec";
    char outname[] = "/tmp/stridec-test-outXXXXXX";
    char errname[] = "/tmp/stridec-test-errXXXXXX";
    char inname[] = "/tmp/stridec-test-inXXXXXX";
    int ofd = mkstemp(outname), efd = mkstemp(errname), ifd = -1;
    if (input) {
        ifd = mkstemp(inname);
        size_t n = strlen(input);
        if (ifd < 0 || write(ifd, input, n) != (ssize_t)n)
            ck_abort_msg("cannot write the standard input of a test run");
        lseek(ifd, 0, SEEK_SET);
        unlink(inname);
    }
    pid_t pid = fork();
    if (pid == 0) {
        const char *root = getenv("STRIDEC_ROOT");
        if (cwd ? chdir(cwd) != 0 : (root && chdir(root) != 0))
            _exit(127);
        for (size_t i = 0; env && env[i]; i++) {
            const char *eq = strchr(env[i], '=');
            if (eq) {
                char name[256];
                snprintf(name, sizeof name, "%.*s", (int)(eq - env[i]), env[i]);
                setenv(name, eq + 1, 1);
            } else {
                unsetenv(env[i]);
            }
        }
        dup2(ofd, 1);
        dup2(efd, 2);
        dup2(ifd >= 0 ? ifd : open("/dev/null", O_RDONLY), 0);
        size_t n = 0;
        while (args[n])
            n++;
        char **argv = calloc(n + 2, sizeof *argv);
        argv[0] = (char *)bin;
        for (size_t i = 0; i < n; i++)
            argv[i + 1] = (char *)args[i];
        execv(bin, argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    lseek(ofd, 0, SEEK_SET);
    lseek(efd, 0, SEEK_SET);
    res.out = S_read_fd(ofd);
    res.err = S_read_fd(efd);
    close(ofd);
    close(efd);
    if (ifd >= 0)
        close(ifd);
    unlink(outname);
    unlink(errname);
    res.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return res;
}

tu_result tu_run(const char *const *args)
{
    return tu_run_with(NULL, NULL, NULL, args);
}

void tu_result_free(tu_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

char *tu_tmpdir(void)
{
    char tmpl[] = "/tmp/stridec-testXXXXXX";
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

void tu_rmtree(const char *dir)
{
    if (!dir || strncmp(dir, "/tmp/stridec-test", 17) != 0)
        return;
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return;
}

int tu_skip_slow(void)
{
    const char *s = getenv("STRIDEC_SKIP_SLOW");
    return s && *s && strcmp(s, "0") != 0;
}

static uint32_t S_xorshift(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static int S_visible(const struct dirent *de)
{
    return de->d_name[0] != '.';
}

size_t tu_fuzz_replay(const char *rel_dir, tu_fuzz_one one, void *ud, int rounds, int max_edits,
                      const char *flips, const char *inserts)
{
    const char *dir = tu_path(rel_dir);
    struct dirent **names = NULL;
    int n_names = scandir(dir, &names, S_visible, alphasort);
    ck_assert_msg(n_names >= 0, "no corpus folder %s", dir);
    size_t files = 0, n_flips = flips ? strlen(flips) : 0, n_inserts = strlen(inserts);
    for (int i = 0; i < n_names; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        size_t len = 0;
        char *data = tu_slurp(path, &len);
        if (data) {
            files++;
            const char *why = one(ud, (const uint8_t *)data, len);
            ck_assert_msg(why == NULL, "%s: %s", path, why);
            uint32_t seed = 2166136261u; /* FNV-1a of the name: never 0 */
            for (const char *c = names[i]->d_name; *c; c++)
                seed = (seed ^ (uint8_t)*c) * 16777619u;
            seed |= 1;
            uint8_t *buf = malloc(len + (size_t)max_edits + 1);
            ck_assert_ptr_nonnull(buf);
            for (int round = 0; round < rounds; round++) {
                memcpy(buf, data, len);
                size_t m = len;
                int edits = 1 + (int)(S_xorshift(&seed) % (uint32_t)max_edits);
                for (int e = 0; e < edits; e++) {
                    uint32_t r = S_xorshift(&seed);
                    if (m && r % 3 == 0) {
                        uint32_t pick = S_xorshift(&seed);
                        buf[r % m] = flips ? (n_flips ? (uint8_t)flips[pick % n_flips] : buf[r % m])
                                           : (uint8_t)(pick & 0xff);
                    } else if (r % 3 == 1 && n_inserts) {
                        size_t at = m ? r % (m + 1) : 0;
                        memmove(buf + at + 1, buf + at, m - at);
                        buf[at] = (uint8_t)inserts[S_xorshift(&seed) % n_inserts];
                        m++;
                    } else if (m) {
                        m = r % m;
                    }
                }
                why = one(ud, buf, m);
                ck_assert_msg(why == NULL, "%s (mutation %d): %s", path, round, why);
            }
            free(buf);
            free(data);
        }
        free(names[i]);
    }
    free(names);
    return files;
}
