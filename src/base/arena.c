/* Arena allocator, pointer vectors and the out-of-memory policy. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MADV_HUGEPAGE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "stridec/base.h"

/* Chunks come from calloc and are never reused, so their memory is already
 * zero: allocations need no memset. The first chunk is small (scratch arenas
 * are cheap) and each new one doubles up to ARENA_CHUNK, where calloc maps
 * fresh pages that the kernel zeroes once. */
#define ARENA_FIRST (4u * 1024u)
#define ARENA_CHUNK (4u * 1024u * 1024u)
#define ARENA_ALIGN 16u
/* Chunks of this size and more are mapped 2 MB-aligned and marked for
 * transparent huge pages: a 10,000-element model fills ~130 MB of arenas,
 * and one fault per 2 MB instead of per 4 KB saves a third of the run. */
#define ARENA_HUGE (2u * 1024u * 1024u)

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    unsigned char *mem; /* follows the header, aligned */
    void *map;          /* mmap base when mapped (freed with munmap), else NULL */
    size_t map_len;
} chunk;

struct tm_arena {
    chunk *head;
    size_t handed_out;
    size_t next_size; /* size of the next chunk */
};

static void S_oom(void)
{
    /* The only place stridec gives up: without memory nothing can be reported. */
    fputs("stridec: out of memory\n", stderr);
    abort();
}

void *tm_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        S_oom();
    return p;
}

void *tm_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        S_oom();
    return q;
}

char *tm_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = tm_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

/* A zeroed, 2 MB-aligned mapping of len bytes (a multiple of ARENA_HUGE)
 * marked for huge pages, or NULL. */
static void *S_map_huge(size_t len, void **base, size_t *base_len)
{
    size_t over = len + ARENA_HUGE;
    unsigned char *p = mmap(NULL, over, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    uintptr_t addr = (uintptr_t)p;
    uintptr_t aligned = (addr + ARENA_HUGE - 1) & ~(uintptr_t)(ARENA_HUGE - 1);
    size_t lead = (size_t)(aligned - addr), tail = over - lead - len;
    if (lead)
        munmap(p, lead);
    if (tail)
        munmap((unsigned char *)aligned + len, tail);
#ifdef MADV_HUGEPAGE
    madvise((void *)aligned, len, MADV_HUGEPAGE);
#endif
    *base = (void *)aligned;
    *base_len = len;
    return (void *)aligned;
}

static chunk *S_chunk_new(size_t min, size_t want)
{
    size_t size = min > want ? min : want;
    size_t head = (sizeof(chunk) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (size > SIZE_MAX - head - ARENA_HUGE)
        S_oom();
    chunk *c = NULL;
    void *map = NULL;
    size_t map_len = 0;
    if (head + size >= ARENA_HUGE) {
        size_t len = (head + size + ARENA_HUGE - 1) & ~(size_t)(ARENA_HUGE - 1);
        c = S_map_huge(len, &map, &map_len);
        if (c)
            size = len - head; /* the whole mapping is usable */
    }
    if (!c) {
        map = NULL;
        c = calloc(1, head + size);
        if (!c)
            S_oom();
    }
    c->next = NULL;
    c->used = 0;
    c->size = size;
    c->mem = (unsigned char *)c + head;
    c->map = map;
    c->map_len = map_len;
    return c;
}

static void S_chunk_free(chunk *c)
{
    if (c->map)
        munmap(c->map, c->map_len);
    else
        free(c);
}

tm_arena *tm_arena_new(void)
{
    tm_arena *a = tm_xmalloc(sizeof *a);
    a->head = S_chunk_new(ARENA_FIRST, ARENA_FIRST);
    a->handed_out = 0;
    a->next_size = ARENA_FIRST * 2;
    return a;
}

void tm_arena_free(tm_arena *a)
{
    if (!a)
        return;
    chunk *c = a->head;
    while (c) {
        chunk *next = c->next;
        S_chunk_free(c);
        c = next;
    }
    free(a);
}

void *tm_arena_alloc(tm_arena *a, size_t size)
{
    if (size > SIZE_MAX - ARENA_ALIGN)
        S_oom();
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (size == 0)
        size = ARENA_ALIGN;
    chunk *c = a->head;
    if (c->size - c->used < size) {
        if (size > a->next_size / 4) {
            /* Big block: its own chunk behind the head, so the head keeps its free space. */
            chunk *big = S_chunk_new(size, size);
            big->used = size;
            big->next = c->next;
            c->next = big;
            a->handed_out += size;
            return big->mem;
        }
        c = S_chunk_new(size, a->next_size);
        if (a->next_size < ARENA_CHUNK)
            a->next_size *= 2;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->mem + c->used;
    c->used += size;
    a->handed_out += size;
    return p;
}

void *tm_arena_array(tm_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        S_oom();
    return tm_arena_alloc(a, n * size);
}

char *tm_arena_strndup(tm_arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = tm_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *tm_arena_strdup(tm_arena *a, const char *s)
{
    return s ? tm_arena_strndup(a, s, strlen(s)) : NULL;
}

char *tm_arena_printf(tm_arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return tm_arena_strdup(a, "");
    }
    char *p = tm_arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void tm_arena_reset(tm_arena *a)
{
    chunk *keep = a->head;
    chunk *c = keep->next;
    while (c) {
        chunk *next = c->next;
        S_chunk_free(c);
        c = next;
    }
    keep->next = NULL;
    /* Allocations assume zeroed memory: clear what was used. */
    memset(keep->mem, 0, keep->used);
    keep->used = 0;
    a->handed_out = 0;
}

size_t tm_arena_bytes(const tm_arena *a)
{
    return a->handed_out;
}

/* ------------------------------------------------------------------ vec */

void tm_vec_push(tm_vec *v, void *item)
{
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        v->items = tm_xrealloc(v->items, v->cap * sizeof *v->items);
    }
    v->items[v->len++] = item;
}

void **tm_vec_finish(tm_vec *v, tm_arena *a, size_t *n_out)
{
    void **out = NULL;
    if (v->len) {
        out = tm_arena_array(a, v->len, sizeof *out);
        memcpy(out, v->items, v->len * sizeof *out);
    }
    *n_out = v->len;
    tm_vec_free(v);
    return out;
}

void tm_vec_free(tm_vec *v)
{
    free(v->items);
    v->items = NULL;
    v->len = v->cap = 0;
}
