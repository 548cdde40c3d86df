/*
 * Secret scan of artifacts (the seed's "Reason 1. CI/CD": developer access
 * tokens leak in deployment scripts, Jenkins configurations and other
 * technical material pushed to GitHub).
 *
 * For every artifact of type deployment-script, ci-config, config or
 * credential whose path resolved at load time, read the file (or, for a
 * folder, its regular files in name order) and look for credentials:
 *
 *   - AWS access key ids      AKIA/ASIA + 16 upper-case letters or digits
 *   - AWS secret access keys  40 characters of the base64 alphabet on a line
 *                             that names aws_secret / secret_access_key
 *   - private keys            -----BEGIN ... PRIVATE KEY-----
 *   - GitHub tokens           ghp_, gho_, ghu_, ghs_, ghr_, github_pat_
 *   - Slack tokens            xoxb- xoxa- xoxp- xoxr- xoxs-
 *   - Stripe live keys        sk_live_, rk_live_
 *   - Google API keys         AIza + 35 characters
 *   - passwords in URLs        scheme://user:password@host
 *   - password/secret/token assignments with a literal value (references
 *     such as ${{ secrets.X }}, ${env:X}, ${ssm:...}, !Ref, $VAR are skipped)
 *   - high-entropy literals   Shannon entropy > 4.0 bits per character on a
 *                             value of >= 32 characters of the base64 or hex
 *                             alphabet, assigned to any key
 *
 * The raw value is never stored: a finding keeps its kind, the file as
 * written in the model, line, column and a masked copy (first 4 characters,
 * the rest as '*'). Also computes, for library/sdk/plugin artifacts, whether
 * their version is pinned.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/engine.h"

#ifndef TM_MAX_SCAN_FILES
#define TM_MAX_SCAN_FILES 1000 /* files scanned under one artifact folder */
#endif
#ifndef TM_MAX_SCAN_DEPTH
#define TM_MAX_SCAN_DEPTH 8 /* folder nesting followed under an artifact folder */
#endif
#ifndef TM_MAX_SECRETS
#define TM_MAX_SECRETS 1000 /* findings kept per artifact */
#endif
#define MASK_KEEP 4  /* characters of a secret shown */
#define MASK_MAX 40 /* stars shown at most (a long key does not need a long mask) */

/* ------------------------------------------------------------ helpers */

static int S_is_b64(int c)
{
    return isalnum(c) || c == '+' || c == '/' || c == '=';
}

/* Characters a token (key, id) is made of, for boundary checks. */
static int S_is_word(int c)
{
    return isalnum(c) || c == '_' || c == '-';
}

static int S_is_upper_alnum(int c)
{
    return isupper(c) || isdigit(c);
}

static int S_ci_find(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++) {
        size_t j = 0;
        while (j < k && tolower((unsigned char)s[i + j]) == needle[j])
            j++;
        if (j == k)
            return (int)i;
    }
    return -1;
}

/* Shannon entropy in bits per character. */
static double S_entropy(const char *s, size_t n)
{
    if (!n)
        return 0.0;
    size_t freq[256] = {0};
    for (size_t i = 0; i < n; i++)
        freq[(unsigned char)s[i]]++;
    double h = 0.0;
    for (int c = 0; c < 256; c++) {
        if (!freq[c])
            continue;
        double p = (double)freq[c] / (double)n;
        h -= p * log2(p);
    }
    return h;
}


/* ------------------------------------------------------------ findings */

typedef struct {
    tm_arena *ar;
    const char *file;
    tm_vec found;
    size_t spans[64][2]; /* [start, end) of findings on the current line */
    size_t n_spans;
    const char *line;
    uint32_t lineno;
    /* Column cursor: each pass reports findings left to right, so columns
     * are counted incrementally (a huge one-line file stays linear). */
    size_t col_off;
    uint32_t col;
} scan;

/* Column (1-based, in characters: UTF-8 continuation bytes do not count). */
static uint32_t S_col(scan *s, size_t off)
{
    if (off < s->col_off) {
        s->col_off = 0;
        s->col = 1;
    }
    for (; s->col_off < off; s->col_off++)
        if (((unsigned char)s->line[s->col_off] & 0xC0) != 0x80)
            s->col++;
    return s->col;
}

static int S_overlaps(const scan *s, size_t b, size_t e)
{
    for (size_t i = 0; i < s->n_spans; i++)
        if (b < s->spans[i][1] && s->spans[i][0] < e)
            return 1;
    return 0;
}

static void S_found(scan *s, const char *kind, size_t b, size_t e)
{
    /* At most 64 findings a line (a line of keys is one problem, not
     * thousands) and TM_MAX_SECRETS a file. */
    if (S_overlaps(s, b, e) || s->found.len >= TM_MAX_SECRETS || s->n_spans >= 64)
        return;
    s->spans[s->n_spans][0] = b;
    s->spans[s->n_spans][1] = e;
    s->n_spans++;
    tm_secret *sec = tm_arena_alloc(s->ar, sizeof *sec);
    sec->kind = kind;
    sec->file = s->file;
    sec->line = s->lineno;
    sec->col = S_col(s, b);
    /* Build the mask from the first MASK_KEEP bytes only: the rest of the
     * value is never copied anywhere. A multi-byte character cut in the
     * middle would be invalid UTF-8, so only ASCII is kept. */
    size_t n = e - b, keep = n < MASK_KEEP ? n : MASK_KEEP;
    size_t stars = n - keep > MASK_MAX ? MASK_MAX : n - keep;
    char *m = tm_arena_alloc(s->ar, keep + stars + 1);
    for (size_t i = 0; i < keep; i++) {
        unsigned char c = (unsigned char)s->line[b + i];
        m[i] = c < 0x80 && isprint(c) ? (char)c : '*';
    }
    memset(m + keep, '*', stars);
    m[keep + stars] = '\0';
    sec->masked = m;
    tm_vec_push(&s->found, sec);
}

/* --------------------------------------------------------- the patterns */

/* A token of `n` characters of class `ok` at p[i], not preceded or followed
 * by another word character. Returns its length (>= min, up to max) or 0. */
static size_t S_token(const char *p, size_t len, size_t i, int (*ok)(int), size_t min, size_t max)
{
    size_t k = 0;
    while (i + k < len && k <= max && ok((unsigned char)p[i + k]))
        k++;
    if (k < min || k > max)
        return 0;
    return k;
}

static int S_boundary_before(const char *p, size_t i)
{
    return i == 0 || !S_is_word((unsigned char)p[i - 1]);
}

static int S_tok_github(int c)
{
    return isalnum(c) || c == '_';
}

static int S_tok_slack(int c)
{
    return isalnum(c) || c == '-';
}

static int S_tok_google(int c)
{
    return isalnum(c) || c == '_' || c == '-';
}

static int S_tok_alnum(int c)
{
    return isalnum(c);
}

typedef struct {
    const char *prefix;
    const char *kind;
    int (*body)(int);
    size_t min, max; /* body length */
} prefixed;

static const prefixed S_prefixed[] = {
    {"AKIA", "AWS access key id", S_is_upper_alnum, 16, 16},
    {"ASIA", "AWS temporary access key id", S_is_upper_alnum, 16, 16},
    {"github_pat_", "GitHub fine-grained token", S_tok_github, 22, 255},
    {"ghp_", "GitHub personal access token", S_tok_github, 36, 255},
    {"gho_", "GitHub OAuth token", S_tok_github, 36, 255},
    {"ghu_", "GitHub user-to-server token", S_tok_github, 36, 255},
    {"ghs_", "GitHub server-to-server token", S_tok_github, 36, 255},
    {"ghr_", "GitHub refresh token", S_tok_github, 36, 255},
    {"xoxb-", "Slack bot token", S_tok_slack, 10, 255},
    {"xoxa-", "Slack app token", S_tok_slack, 10, 255},
    {"xoxp-", "Slack user token", S_tok_slack, 10, 255},
    {"xoxr-", "Slack refresh token", S_tok_slack, 10, 255},
    {"xoxs-", "Slack session token", S_tok_slack, 10, 255},
    {"sk_live_", "Stripe live secret key", S_tok_alnum, 16, 255},
    {"rk_live_", "Stripe live restricted key", S_tok_alnum, 16, 255},
    {"AIza", "Google API key", S_tok_google, 35, 35},
};

static void S_scan_prefixed(scan *s, const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!S_boundary_before(p, i))
            continue;
        for (size_t k = 0; k < sizeof S_prefixed / sizeof *S_prefixed; k++) {
            const prefixed *pf = &S_prefixed[k];
            size_t pl = strlen(pf->prefix);
            if (i + pl > len || memcmp(p + i, pf->prefix, pl) != 0)
                continue;
            size_t body = S_token(p, len, i + pl, pf->body, pf->min, pf->max);
            if (!body)
                continue;
            size_t end = i + pl + body;
            if (end < len && S_is_word((unsigned char)p[end]))
                continue;
            S_found(s, pf->kind, i, end);
            break;
        }
    }
}

static void S_scan_private_key(scan *s, const char *p, size_t len)
{
    int b = S_ci_find(p, len, "-----begin ");
    if (b < 0)
        return;
    int e = S_ci_find(p + b, len - (size_t)b, "private key-----");
    if (e < 0)
        return;
    S_found(s, "private key", (size_t)b, (size_t)b + (size_t)e + strlen("private key-----"));
}

/* A line naming the AWS secret key: the 40-character value on it. */
static void S_scan_aws_secret(scan *s, const char *p, size_t len)
{
    if (S_ci_find(p, len, "aws_secret") < 0 && S_ci_find(p, len, "secret_access_key") < 0 &&
        S_ci_find(p, len, "secretaccesskey") < 0 && S_ci_find(p, len, "aws-secret") < 0)
        return;
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && S_is_b64((unsigned char)p[i - 1]))
            continue;
        size_t k = 0;
        while (i + k < len && S_is_b64((unsigned char)p[i + k]))
            k++;
        if (k == 40) {
            /* A real key mixes cases and digits; a 40-letter word does not. */
            int up = 0, lo = 0, dig = 0;
            for (size_t j = i; j < i + k; j++) {
                up |= isupper((unsigned char)p[j]) != 0;
                lo |= islower((unsigned char)p[j]) != 0;
                dig |= isdigit((unsigned char)p[j]) != 0 || p[j] == '/' || p[j] == '+';
            }
            if (up + lo + dig >= 2)
                S_found(s, "AWS secret access key", i, i + k);
        }
        i += k;
    }
}

/* Key names are split into words (at '_', '-', '.', spaces and camelCase
 * humps) and compared word by word, so that apiToken, DB_PASSWORD and
 * client-secret count and tokenizer or passwordPolicy do not. */
#define NAME_WORDS 16
#define WORD_MAX 32

typedef struct {
    char w[NAME_WORDS][WORD_MAX];
    size_t n;
} name_words;

static void S_split_name(const char *k, size_t n, name_words *out)
{
    out->n = 0;
    size_t len = 0;
    for (size_t i = 0; i <= n; i++) {
        int c = i < n ? (unsigned char)k[i] : 0;
        int hump = i > 0 && i < n && isupper(c) && islower((unsigned char)k[i - 1]);
        if (!c || c == '_' || c == '-' || c == '.' || c == ' ' || hump) {
            if (len && out->n < NAME_WORDS)
                out->w[out->n++][len] = '\0';
            len = 0;
            if (!hump)
                continue;
        }
        if (out->n < NAME_WORDS && len < WORD_MAX - 1)
            out->w[out->n][len++] = (char)tolower(c);
    }
}

static int S_ends_with(const char *w, const char *suffix)
{
    size_t a = strlen(w), b = strlen(suffix);
    return a >= b && strcmp(w + a - b, suffix) == 0;
}

/* Words that name a credential on their own (also as the end of a word:
 * dbpassword, apitoken). */
static const char *const S_secret_words[] = {
    "password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "credential",
    "credentials", "privatekey", "accesskey", "secretkey",
};
/* ... and pairs of words: api key, private key. */
static const char *const S_secret_pairs[][2] = {
    {"api", "key"}, {"access", "key"}, {"private", "key"}, {"secret", "key"}, {"auth", "key"},
    {"signing", "key"}, {"encryption", "key"}, {"master", "key"},
};
/* A last word that makes the name point at a secret instead of holding it:
 * PAYMENT_SECRET_ID, token_url, passwordPolicy, secret_arn. */
static const char *const S_not_secret_last[] = {
    "id", "ids", "arn", "name", "url", "uri", "path", "file", "ref", "type", "length", "policy",
    "region", "endpoint", "prefix", "version", "count", "ttl", "expiry", "scanning", "manager",
    "rotation", "header", "field", "param", "env", "hash", "store",
};

static int S_secret_name(const char *k, size_t n)
{
    name_words nw;
    S_split_name(k, n, &nw);
    if (!nw.n)
        return 0;
    const char *last = nw.w[nw.n - 1];
    for (size_t i = 0; i < sizeof S_not_secret_last / sizeof *S_not_secret_last; i++)
        if (strcmp(last, S_not_secret_last[i]) == 0)
            return 0;
    for (size_t i = 0; i < nw.n; i++) {
        for (size_t k2 = 0; k2 < sizeof S_secret_words / sizeof *S_secret_words; k2++)
            if (S_ends_with(nw.w[i], S_secret_words[k2]))
                return 1;
        if (i + 1 < nw.n)
            for (size_t k2 = 0; k2 < sizeof S_secret_pairs / sizeof *S_secret_pairs; k2++)
                if (strcmp(nw.w[i], S_secret_pairs[k2][0]) == 0 &&
                    strcmp(nw.w[i + 1], S_secret_pairs[k2][1]) == 0)
                    return 1;
    }
    return 0;
}

/* Names whose values are digests, not secrets, however random they look. */
static int S_digest_name(const char *k, size_t n)
{
    static const char *const words[] = {"integrity", "checksum", "hash", "digest", "sha",
                                        "sha256", "sha512", "etag", "commit", "revision", "rev"};
    name_words nw;
    S_split_name(k, n, &nw);
    for (size_t i = 0; i < nw.n; i++)
        for (size_t w = 0; w < sizeof words / sizeof *words; w++)
            if (strcmp(nw.w[i], words[w]) == 0)
                return 1;
    return 0;
}

/* A value that names where the secret comes from instead of holding it. */
static int S_is_reference(const char *v, size_t n)
{
    static const char *const refs[] = {
        "${", "$(", "{{", "!Ref", "!Sub", "!GetAtt", "!ImportValue", "!FindInMap", "Fn::", "Ref:",
        "%(", "<", "((", "#{", "env.", "secrets.", "vars.", "process.env", "os.environ",
        "credentials(", "arn:aws:secretsmanager", "arn:aws:ssm", "resolve:",
    };
    for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
        size_t k = strlen(refs[i]);
        if (n >= k && memcmp(v, refs[i], k) == 0)
            return 1;
    }
    if (n && v[0] == '$' && n > 1 && (isalpha((unsigned char)v[1]) || v[1] == '_'))
        return 1; /* $VAR */
    for (size_t i = 0; i + 1 < n; i++)
        if (v[i] == '$' && (v[i + 1] == '{' || v[i + 1] == '('))
            return 1; /* an interpolated reference anywhere in the value */
    return 0;
}

/* Values that are not secrets even under a secret's name. */
static int S_is_placeholder(const char *v, size_t n)
{
    static const char *const words[] = {"true",     "false",    "null",     "none",
                                        "required", "optional", "string",   "redacted",
                                        "changeme", "password", "secret",   "read",
                                        "write",    "read-all", "write-all", "disabled",
                                        "enabled",  "example",  "placeholder", "replaced",
                                        "replace-me", "replace_me", "replaceme", "dummy",
                                        "generated", "todo-change", "your-password"};
    /* Shorter values are flags and words ("yes", "write"), not credentials. */
    if (n < 6)
        return 1;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strlen(words[i]) == n && S_ci_find(v, n, words[i]) == 0)
            return 1;
    int all_same = 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[0])
            all_same = 0;
    return all_same;
}

static int S_is_hex(int c)
{
    return isxdigit(c);
}

static int S_b64url(int c)
{
    return S_is_b64(c) || c == '-' || c == '_';
}

/* Every `key = value`, `key: value`, `key => value` and `"key": "value"` on a
 * line: the generic-name and the high-entropy checks. */
static void S_scan_assignments(scan *s, const char *p, size_t len)
{
    size_t i = 0;
    while (i < len) {
        /* The key: a run of word characters and dots. */
        while (i < len && !(isalnum((unsigned char)p[i]) || p[i] == '_'))
            i++;
        size_t kb = i;
        while (i < len && (S_is_word((unsigned char)p[i]) || p[i] == '.'))
            i++;
        size_t ke = i;
        if (kb == ke)
            break;
        size_t j = i;
        if (j < len && (p[j] == '"' || p[j] == '\''))
            j++;
        while (j < len && (p[j] == ' ' || p[j] == '\t'))
            j++;
        int is_assign = 0;
        if (j < len && (p[j] == '=' || p[j] == ':')) {
            /* "::" (Fn::, scopes) and "==" (comparisons) are not assignments. */
            if (!(j + 1 < len && p[j + 1] == p[j])) {
                is_assign = 1;
                j++;
                if (j < len && p[j] == '>')
                    j++; /* => */
            }
        }
        if (!is_assign)
            continue;
        while (j < len && (p[j] == ' ' || p[j] == '\t'))
            j++;
        /* The value: quoted, or up to whitespace, a comma or a semicolon. */
        size_t vb = j, ve;
        if (j < len && (p[j] == '"' || p[j] == '\'')) {
            char q = p[j];
            vb = ++j;
            while (j < len && p[j] != q)
                j++;
            ve = j;
            if (j < len)
                j++;
        } else {
            while (j < len && p[j] != ' ' && p[j] != '\t' && p[j] != ',' && p[j] != ';' &&
                   p[j] != '#' && p[j] != '\r')
                j++;
            ve = j;
            /* A trailing closing bracket of `f(x=...)` is not in the value. */
            while (ve > vb && (p[ve - 1] == ')' || p[ve - 1] == '}' || p[ve - 1] == ']'))
                ve--;
        }
        i = j > ke ? j : ke;
        size_t vn = ve - vb;
        if (!vn || S_is_reference(p + vb, vn))
            continue;
        if (S_overlaps(s, vb, ve))
            continue;
        if (S_secret_name(p + kb, ke - kb) && !S_is_placeholder(p + vb, vn)) {
            S_found(s, "hard-coded secret assignment", vb, ve);
            continue;
        }
        /* Subresource-integrity values (sha512-...) are digests. */
        if (vn >= 32 && !S_digest_name(p + kb, ke - kb) &&
            !(vn > 4 && memcmp(p + vb, "sha", 3) == 0 && memchr(p + vb, '-', 8))) {
            int b64 = 1, hex = 1;
            for (size_t k = vb; k < ve; k++) {
                b64 &= S_b64url((unsigned char)p[k]);
                hex &= S_is_hex((unsigned char)p[k]);
            }
            if ((b64 || hex) && S_entropy(p + vb, vn) > 4.0)
                S_found(s, "high-entropy string", vb, ve);
        }
    }
}

/* Credentials in a URL: scheme://user:password@host. */
static void S_scan_url_credentials(scan *s, const char *p, size_t len)
{
    for (size_t i = 0; i + 3 < len; i++) {
        if (memcmp(p + i, "://", 3) != 0)
            continue;
        size_t b = i + 3, colon = 0, j = b;
        while (j < len && p[j] != '@' && p[j] != '/' && p[j] != ' ' && p[j] != '\t' &&
               p[j] != '"' && p[j] != '\'' && p[j] != '\r') {
            if (p[j] == ':' && !colon)
                colon = j;
            j++;
        }
        if (j >= len || p[j] != '@' || !colon || colon + 1 == j)
            continue;
        const char *pw = p + colon + 1;
        size_t pn = j - colon - 1;
        if (pn < 3 || S_is_reference(pw, pn) || (pn >= 6 && S_is_placeholder(pw, pn)) ||
            (pn == 4 && S_ci_find(pw, pn, "pass") == 0))
            continue;
        S_found(s, "password in URL", colon + 1, j);
        i = j;
    }
}

static int S_cmp_position(const void *pa, const void *pb)
{
    const tm_secret *a = pa, *b = pb;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return a->col < b->col ? -1 : a->col > b->col;
}

size_t tm_secrets_scan(tm_arena *ar, const char *file, const char *text, size_t len,
                       tm_secret **out)
{
    scan s;
    memset(&s, 0, sizeof s);
    s.ar = ar;
    s.file = file;
    size_t pos = 0;
    uint32_t lineno = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        lineno++;
        s.line = text + pos;
        s.lineno = lineno;
        s.n_spans = 0;
        s.col_off = 0;
        s.col = 1;
        size_t n = end - pos;
        /* Specific patterns first: a generic finding never repeats them. */
        S_scan_private_key(&s, s.line, n);
        S_scan_prefixed(&s, s.line, n);
        S_scan_aws_secret(&s, s.line, n);
        S_scan_url_credentials(&s, s.line, n);
        S_scan_assignments(&s, s.line, n);
        pos = end + 1;
    }
    size_t count = 0;
    tm_secret **ptrs = (tm_secret **)tm_vec_finish(&s.found, ar, &count);
    tm_secret *arr = tm_arena_array(ar, count + 1, sizeof *arr);
    for (size_t i = 0; i < count; i++)
        arr[i] = *ptrs[i];
    /* The passes run one after the other on a line: report in reading order
     * (findings never overlap, so line and column are unique). */
    if (count > 1)
        qsort(arr, count, sizeof *arr, S_cmp_position);
    *out = arr;
    return count;
}

/* ------------------------------------------------------------ artifacts */

static int S_scannable(tm_artifact_type t)
{
    return t == TM_ART_DEPLOYMENT_SCRIPT || t == TM_ART_CI_CONFIG || t == TM_ART_CONFIG ||
           t == TM_ART_CREDENTIAL;
}

/* Read at most TM_MAX_FILE_BYTES; NULL and *err set on failure. Caller frees. */
static char *S_read(const char *path, size_t *len, const char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = strerror(errno);
        return NULL;
    }
    tm_buf b;
    tm_buf_init(&b, TM_MAX_FILE_BYTES + 1);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (tm_buf_put(&b, chunk, n) != 0)
            break;
    int rerr = ferror(f);
    fclose(f);
    if (rerr) {
        tm_buf_free(&b);
        *err = "read error";
        return NULL;
    }
    if (b.failed) {
        tm_buf_free(&b);
        *err = "larger than the file size limit";
        return NULL;
    }
    *len = b.len;
    return tm_buf_detach(&b);
}

static int S_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct {
    tm_arena *ar;
    tm_vec secrets; /* tm_secret* */
    size_t files;
    const char *error;
} art_scan;

static void S_scan_file(art_scan *as, const char *path, const char *shown)
{
    size_t len = 0;
    const char *err = NULL;
    char *text = S_read(path, &len, &err);
    if (!text) {
        if (!as->error)
            as->error = tm_arena_printf(as->ar, "%s: %s", shown, err);
        return;
    }
    as->files++;
    tm_secret *found = NULL;
    size_t n = tm_secrets_scan(as->ar, tm_arena_strdup(as->ar, shown), text, len, &found);
    for (size_t i = 0; i < n && as->secrets.len < TM_MAX_SECRETS; i++)
        tm_vec_push(&as->secrets, &found[i]);
    free(text);
}

static void S_scan_path(art_scan *as, const char *path, const char *shown, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (!as->error)
            as->error = tm_arena_printf(as->ar, "%s: %s", shown, strerror(errno));
        return;
    }
    if (S_ISREG(st.st_mode)) {
        if (as->files < TM_MAX_SCAN_FILES)
            S_scan_file(as, path, shown);
        return;
    }
    if (!S_ISDIR(st.st_mode) || depth >= TM_MAX_SCAN_DEPTH)
        return;
    DIR *dp = opendir(path);
    if (!dp) {
        if (!as->error)
            as->error = tm_arena_printf(as->ar, "%s: %s", shown, strerror(errno));
        return;
    }
    tm_vec names = {0};
    struct dirent *de;
    while ((de = readdir(dp)) != NULL)
        if (de->d_name[0] != '.') /* ., .. and hidden folders such as .git */
            tm_vec_push(&names, tm_xstrdup(de->d_name));
    closedir(dp);
    if (names.len > 1)
        qsort(names.items, names.len, sizeof *names.items, S_cmp_str);
    for (size_t i = 0; i < names.len; i++) {
        if (as->files < TM_MAX_SCAN_FILES) {
            char *sub = tm_arena_printf(as->ar, "%s/%s", path, (char *)names.items[i]);
            char *sub_shown = tm_arena_printf(as->ar, "%s/%s", shown, (char *)names.items[i]);
            S_scan_path(as, sub, sub_shown, depth + 1);
        }
        free(names.items[i]);
    }
    tm_vec_free(&names);
}

void tm_secrets_analyze(tm_analysis *a)
{
    const tm_model *m = a->model;
    for (size_t i = 0; i < m->n_artifacts; i++) {
        tm_artifact_info *info = &a->artifacts[i];
        const tm_artifact *art = m->artifacts[i];
        info->artifact = art;
        if (!S_scannable(art->type) || !art->path)
            continue;
        if (!art->resolved_path) {
            info->scan_error = "the path could not be resolved";
            continue;
        }
        art_scan as;
        memset(&as, 0, sizeof as);
        as.ar = a->arena;
        /* Shown as written: a path relative to the model file. */
        S_scan_path(&as, art->resolved_path, art->path, 0);
        info->scanned = as.files > 0;
        info->scan_error = as.error;
        size_t n = 0;
        tm_secret **ptrs = (tm_secret **)tm_vec_finish(&as.secrets, a->arena, &n);
        info->secrets = tm_arena_array(a->arena, n + 1, sizeof *info->secrets);
        for (size_t k = 0; k < n; k++)
            info->secrets[k] = *ptrs[k];
        info->n_secrets = n;
    }
}

/* ------------------------------------------------------------- evidence */

static const char *S_evidence_line(tm_arena *ar, const tm_secret *s)
{
    return tm_arena_printf(ar, "%s:%u:%u: %s %s", s->file, (unsigned)s->line, (unsigned)s->col,
                           s->kind, s->masked);
}

/* The findings that, on their own, satisfy the rule's condition (so an
 * "AWS credentials" threat lists the AWS keys and a "secrets" threat the
 * others); all of them when none does alone (a condition on their number). */
const char **tm_secrets_evidence(tm_analysis *a, const tm_rule *r, const tm_artifact *art,
                                 size_t *n)
{
    tm_artifact_info *info = &a->artifacts[art->index];
    tm_secret *all = info->secrets;
    size_t n_all = info->n_secrets;
    tm_vec ev = {0};
    if (r->when) {
        tm_eval_ctx ctx;
        memset(&ctx, 0, sizeof ctx);
        ctx.a = a;
        ctx.artifact = art;
        /* Evaluate with one finding at a time; restored right after. */
        for (size_t i = 0; i < n_all; i++) {
            info->secrets = &all[i];
            info->n_secrets = 1;
            if (tm_expr_eval(r->when, &ctx))
                tm_vec_push(&ev, (void *)S_evidence_line(a->arena, &all[i]));
        }
        info->secrets = all;
        info->n_secrets = n_all;
    }
    if (!ev.len)
        for (size_t i = 0; i < n_all; i++)
            tm_vec_push(&ev, (void *)S_evidence_line(a->arena, &all[i]));
    return (const char **)tm_vec_finish(&ev, a->arena, n);
}
