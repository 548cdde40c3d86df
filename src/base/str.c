/* String helpers: edit distance, "did you mean", globs. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "stridec/base.h"

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
