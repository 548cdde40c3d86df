/* Bounded, growable string buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/base.h"

void tm_buf_init(tm_buf *b, size_t limit)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->limit = limit ? limit : TM_MAX_OUTPUT_BYTES;
    b->failed = 0;
    b->sink = NULL;
    b->sink_ud = NULL;
    b->spilled = 0;
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

void tm_buf_spill(tm_buf *b, int (*sink)(void *ud, const char *data, size_t len), void *ud)
{
    b->sink = sink;
    b->sink_ud = ud;
}

int tm_buf_flush(tm_buf *b)
{
    if (b->failed)
        return -1;
    if (!b->sink || !b->len)
        return 0;
    if (b->sink(b->sink_ud, b->data, b->len) != 0) {
        b->failed = 1;
        return -1;
    }
    b->spilled += b->len;
    b->len = 0;
    b->data[0] = '\0';
    return 0;
}

static int S_reserve(tm_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    size_t used = b->spilled + b->len;
    if (extra > b->limit || used > b->limit - extra) {
        b->failed = 1;
        return -1;
    }
    if (b->sink && b->len + extra + 1 > b->cap && b->len + extra + 1 > TM_BUF_SPILL_BYTES &&
        tm_buf_flush(b) != 0)
        return -1;
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
    if (b->len + 1 < b->cap && b->spilled + b->len < b->limit && !b->failed) {
        b->data[b->len++] = c; /* fast path: room left */
        b->data[b->len] = '\0';
        return 0;
    }
    return tm_buf_put(b, &c, 1);
}

int tm_buf_spaces(tm_buf *b, size_t n)
{
    static const char spaces[] = "                                                                ";
    while (n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        if (tm_buf_put(b, spaces, k) != 0)
            return -1;
        n -= k;
    }
    return 0;
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

int tm_buf_put_printable(tm_buf *b, const char *s, size_t n, int keep_tabs)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if ((c < 0x20 && !(c == '\t' && keep_tabs)) || c == 0x7F)
                tm_buf_printf(b, "\\x%02X", c);
            else
                tm_buf_putc(b, (char)c);
            i++;
            continue;
        }
        size_t bad = 0;
        size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (k > n - i || !tm_utf8_valid(s + i, k, &bad)) {
            tm_buf_printf(b, "\\x%02X", c);
            i++;
            continue;
        }
        uint32_t cp;
        tm_utf8_decode(s + i, k, &cp);
        if ((cp >= 0x80 && cp < 0xA0) || (cp >= 0x202A && cp <= 0x202E) ||
            (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F || cp == 0x061C)
            tm_buf_printf(b, "\\u{%04X}", (unsigned)cp);
        else
            tm_buf_put(b, s + i, k);
        i += k;
    }
    return b->failed ? -1 : 0;
}
