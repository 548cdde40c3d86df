/* A string-keyed hash map (open addressing). */
#include <stdlib.h>
#include <string.h>

#include "stridec/base.h"

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
