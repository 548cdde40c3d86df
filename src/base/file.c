/* Files: bounded reads and atomic writes. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stridec/base.h"

/* ---------------------------------------------------------------- files */

char *tm_read_file(const char *path, size_t *len, tm_diags *d)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        tm_diag_add(d, TM_DIAG_ERROR, "io", path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        tm_diag_add(d, TM_DIAG_ERROR, "io", path, 0, 0, "not a regular file");
        close(fd);
        return NULL;
    }
    if ((unsigned long long)st.st_size > TM_MAX_FILE_BYTES) {
        tm_diag_add(d, TM_DIAG_ERROR, "too-large", path, 1, 1,
                    "file is %llu bytes, larger than the limit of %u bytes",
                    (unsigned long long)st.st_size, (unsigned)TM_MAX_FILE_BYTES);
        close(fd);
        return NULL;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = tm_xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > TM_MAX_FILE_BYTES + 1) {
                tm_diag_add(d, TM_DIAG_ERROR, "too-large", path, 1, 1,
                            "file is larger than the limit of %u bytes",
                            (unsigned)TM_MAX_FILE_BYTES);
                free(buf);
                close(fd);
                return NULL;
            }
            cap *= 2;
            buf = tm_xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            tm_diag_add(d, TM_DIAG_ERROR, "io", path, 0, 0, "cannot read: %s", strerror(errno));
            free(buf);
            close(fd);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (n > TM_MAX_FILE_BYTES) {
        tm_diag_add(d, TM_DIAG_ERROR, "too-large", path, 1, 1,
                    "file is larger than the limit of %u bytes", (unsigned)TM_MAX_FILE_BYTES);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

struct tm_atomic_file {
    char *path, *tmp;
    int fd;
    int err; /* errno of the first failed write, 0 when none */
};

tm_atomic_file *tm_atomic_open(const char *path, tm_diags *d)
{
    size_t pl = strlen(path);
    char *tmp = tm_xmalloc(pl + 32);
    snprintf(tmp, pl + 32, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        tm_diag_add(d, TM_DIAG_ERROR, "io", path, 0, 0, "cannot write: %s", strerror(errno));
        free(tmp);
        return NULL;
    }
    tm_atomic_file *f = tm_xmalloc(sizeof *f);
    f->path = tm_xstrdup(path);
    f->tmp = tmp;
    f->fd = fd;
    f->err = 0;
    return f;
}

int tm_atomic_write(tm_atomic_file *f, const char *data, size_t len)
{
    size_t off = 0;
    while (off < len && !f->err) {
        ssize_t w = write(f->fd, data + off, len - off);
        if (w < 0) {
            if (errno != EINTR)
                f->err = errno;
            continue;
        }
        off += (size_t)w;
    }
    return f->err ? -1 : 0;
}

int tm_atomic_sink(void *f, const char *data, size_t len)
{
    return tm_atomic_write(f, data, len);
}

static void S_atomic_free(tm_atomic_file *f)
{
    free(f->path);
    free(f->tmp);
    free(f);
}

int tm_atomic_error(const tm_atomic_file *f)
{
    return f->err;
}

void tm_atomic_abort(tm_atomic_file *f)
{
    if (!f)
        return;
    close(f->fd);
    unlink(f->tmp);
    S_atomic_free(f);
}

int tm_atomic_commit(tm_atomic_file *f, tm_diags *d)
{
    int err = f->err;
    if (!err && close(f->fd) != 0)
        err = errno;
    else if (err)
        close(f->fd);
    if (!err && rename(f->tmp, f->path) != 0)
        err = errno;
    if (err) {
        tm_diag_add(d, TM_DIAG_ERROR, "io", f->path, 0, 0, "cannot write: %s", strerror(err));
        unlink(f->tmp);
    }
    S_atomic_free(f);
    return err ? -1 : 0;
}

int tm_write_file_atomic(const char *path, const char *data, size_t len, tm_diags *d)
{
    tm_atomic_file *f = tm_atomic_open(path, d);
    if (!f)
        return -1;
    tm_atomic_write(f, data, len);
    return tm_atomic_commit(f, d);
}
