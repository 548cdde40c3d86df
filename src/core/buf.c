/* Bounded, growable string buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/core.h"

void tm_buf_init(tm_buf *b, size_t limit)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->limit = limit ? limit : TM_MAX_OUTPUT_BYTES;
    b->failed = 0;
}

void tm_buf_free(tm_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void tm_buf_reset(tm_buf *b)
{
    b->len = 0;
    b->failed = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int S_reserve(tm_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (extra > b->limit || b->len > b->limit - extra) {
        b->failed = 1;
        return -1;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    b->data = tm_xrealloc(b->data, cap);
    b->cap = cap;
    return 0;
}

int tm_buf_put(tm_buf *b, const char *s, size_t n)
{
    if (S_reserve(b, n) != 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int tm_buf_puts(tm_buf *b, const char *s)
{
    return tm_buf_put(b, s, strlen(s));
}

int tm_buf_putc(tm_buf *b, char c)
{
    return tm_buf_put(b, &c, 1);
}

int tm_buf_vprintf(tm_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || S_reserve(b, (size_t)n) != 0)
        return -1;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int tm_buf_printf(tm_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = tm_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return r;
}

char *tm_buf_detach(tm_buf *b)
{
    char *p = b->data;
    if (!p) {
        p = tm_xmalloc(1);
        p[0] = '\0';
    }
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
    return p;
}
