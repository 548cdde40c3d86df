/*
 * threats.csv: one row per threat, in analysis order, for issue trackers and
 * spreadsheets.
 *
 * RFC 4180: CRLF line ends, every field quoted when it holds a comma, a
 * quote, CR or LF, quotes doubled. Spreadsheets execute a cell that starts
 * with = + - @ (and, in some, TAB or CR) as a formula, and model text is
 * untrusted: such a cell gets a leading single quote, as the OWASP "CSV
 * Injection" guidance says, so it is shown as text. Ids never start with
 * those characters (MODEL.md: ids start with a letter or digit), so the
 * neutralising never changes an id a tracker matches on.
 */
#include <string.h>

#include "stridec/analysis.h"
#include "stridec/render.h"

static void S_field(tm_buf *out, const char *s, int first)
{
    if (!first)
        tm_buf_putc(out, ',');
    if (!s)
        s = "";
    int neutralise = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                     s[0] == '\r';
    int quote = neutralise || strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        tm_buf_puts(out, s);
        return;
    }
    tm_buf_putc(out, '"');
    if (neutralise)
        tm_buf_putc(out, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            tm_buf_putc(out, '"');
        tm_buf_putc(out, *p);
    }
    tm_buf_putc(out, '"');
}

int tm_render_csv(const tm_analysis *a, const tm_render_opts *o, tm_buf *out, tm_diags *d)
{
    (void)o;
    size_t start = out->len;
    tm_buf_puts(out, "id,title,stride,severity,status,target_type,target,description,mitigation,"
                     "references\r\n");
    tm_buf tmp;
    tm_buf_init(&tmp, 0);
    for (size_t i = 0; i < a->n_threats && !out->failed; i++) {
        const tm_threat *t = a->threats[i];
        char stride[8];
        size_t n = 0;
        for (int k = 0; k < 6; k++)
            if (t->stride & (1u << k))
                stride[n++] = TM_STRIDE_LETTERS[k];
        stride[n] = '\0';
        tm_buf_reset(&tmp);
        for (size_t r = 0; r < t->n_references; r++) {
            if (r)
                tm_buf_puts(&tmp, "; ");
            tm_buf_puts(&tmp, t->references[r]);
        }
        S_field(out, t->id, 1);
        S_field(out, t->title, 0);
        S_field(out, stride, 0);
        S_field(out, tm_severity_name(t->severity), 0);
        S_field(out, tm_status_name(t->status), 0);
        S_field(out, tm_target_type_name(t->target_type), 0);
        S_field(out, t->target_id, 0);
        S_field(out, t->description, 0);
        S_field(out, t->mitigation, 0);
        S_field(out, tmp.data, 0);
        tm_buf_puts(out, "\r\n");
    }
    tm_buf_free(&tmp);
    if (out->failed) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
        tm_diag_add(d, TM_DIAG_ERROR, "output", NULL, 0, 0,
                    "threats.csv is larger than the output limit");
        return -1;
    }
    return 0;
}
