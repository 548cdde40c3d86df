/* UTF-8, hash map, files, string helpers. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stridec/core.h"

/* ---------------------------------------------------------------- utf-8 */

int tm_utf8_valid(const char *str, size_t n, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            cp = c & 0x07;
        } else {
            goto fail;
        }
        if (n - i <= k)
            goto fail;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                goto fail;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            goto fail;
        i += k + 1;
    }
    return 1;
fail:
    if (bad)
        *bad = i;
    return 0;
}

int tm_utf8_decode(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (n == 0) {
        *cp = 0;
        return 0;
    }
    unsigned c = s[0];
    int k = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    if ((size_t)k >= n) {
        *cp = 0xFFFD;
        return 1;
    }
    uint32_t v = k == 0 ? c : k == 1 ? (c & 0x1F) : k == 2 ? (c & 0x0F) : (c & 0x07);
    for (int j = 1; j <= k; j++)
        v = (v << 6) | (s[j] & 0x3F);
    *cp = v;
    return k + 1;
}

size_t tm_utf8_len(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    return count;
}

void tm_text_position(const char *text, size_t off, uint32_t *line, uint32_t *col)
{
    uint32_t l = 1, c = 1;
    for (size_t i = 0; i < off && text[i]; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* ------------------------------------------------------------------ map */

typedef struct {
    const char *key;
    void *value;
    uint64_t hash;
} slot;

struct tm_map {
    slot *slots;
    size_t cap, count;
};

static uint64_t S_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h ? h : 1;
}

tm_map *tm_map_new(size_t hint)
{
    tm_map *m = tm_xmalloc(sizeof *m);
    size_t cap = 16;
    while (cap < hint * 2)
        cap *= 2;
    m->slots = tm_xmalloc(cap * sizeof *m->slots);
    memset(m->slots, 0, cap * sizeof *m->slots);
    m->cap = cap;
    m->count = 0;
    return m;
}

void tm_map_free(tm_map *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m);
}

static slot *S_find(const tm_map *m, const char *key, uint64_t h)
{
    size_t i = (size_t)h & (m->cap - 1);
    for (;;) {
        slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
            return s;
        i = (i + 1) & (m->cap - 1);
    }
}

void *tm_map_get(const tm_map *m, const char *key)
{
    if (!m || !key)
        return NULL;
    slot *s = S_find(m, key, S_hash(key));
    return s->key ? s->value : NULL;
}

void *tm_map_put(tm_map *m, const char *key, void *value)
{
    if ((m->count + 1) * 2 > m->cap) {
        slot *old = m->slots;
        size_t oldcap = m->cap;
        m->cap *= 2;
        m->slots = tm_xmalloc(m->cap * sizeof *m->slots);
        memset(m->slots, 0, m->cap * sizeof *m->slots);
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].key)
                *S_find(m, old[i].key, old[i].hash) = old[i];
        free(old);
    }
    uint64_t h = S_hash(key);
    slot *s = S_find(m, key, h);
    if (s->key) {
        void *prev = s->value;
        s->value = value;
        return prev;
    }
    s->key = key;
    s->hash = h;
    s->value = value;
    m->count++;
    return NULL;
}

size_t tm_map_count(const tm_map *m)
{
    return m->count;
}

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

/* -------------------------------------------------------------- strings */

size_t tm_edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return cap + 1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        size_t best = row[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = prev + cost;
            if (row[j] + 1 < v)
                v = row[j] + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            prev = cur;
            if (v < best)
                best = v;
        }
        if (best > cap)
            return cap + 1;
    }
    return row[lb];
}

static int S_casecmp(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int ca = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
        int cb = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;
        if (ca != cb)
            return ca - cb;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

const char *tm_did_you_mean(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < n; i++) {
        if (S_casecmp(word, cands[i]) == 0)
            return cands[i];
        size_t dist = tm_edit_distance(word, cands[i], 2);
        size_t limit = strlen(word) <= 3 ? 1 : 2;
        if (dist <= limit && dist < best_d) {
            best_d = dist;
            best = cands[i];
        }
    }
    return best;
}

static int S_fold(int c, int fold)
{
    return fold && c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int S_glob(const char *p, const char *s, int fold)
{
    const char *star = NULL, *ss = NULL;
    while (*s) {
        /* '*' first: a '*' in the text (an IAM action "s3:*") must not eat the pattern's star */
        if (*p == '*') {
            star = p++;
            ss = s;
        } else if (*p == '?' ||
                   S_fold((unsigned char)*p, fold) == S_fold((unsigned char)*s, fold)) {
            p++;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++ss;
        } else {
            return 0;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

int tm_glob_match(const char *p, const char *s)
{
    return S_glob(p, s, 0);
}

int tm_glob_match_nocase(const char *p, const char *s)
{
    return S_glob(p, s, 1);
}

int tm_strcmp0(const char *a, const char *b)
{
    if (!a || !b)
        return a ? 1 : b ? -1 : 0;
    return strcmp(a, b);
}
