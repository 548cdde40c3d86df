/*
 * stridec diff output (include/stridec/render.h): text for people and CI logs, JSON
 * for tools. Both walk the diff in its order (engine/diff.h); nothing is
 * re-derived here.
 */
#include <string.h>

#include "stridec/render.h"

#ifndef TM_DIFF_VALUE_SHOWN
#define TM_DIFF_VALUE_SHOWN 160 /* bytes of a value shown on a text line */
#endif

static const char *const S_threat_ops[3] = {"new", "gone", "changed"};

static const char *S_file(const tm_loc *l, const tm_analysis *a)
{
    return l->file ? l->file : a->model->source;
}

/* A short description of an item: its type, classification, ends or status. */
static void S_item_brief(tm_buf *b, const tm_diff_item *it)
{
    const tm_node *t = it->new_item ? it->new_item : it->old_item;
    if (!t || t->kind != TM_NODE_MAP)
        return;
    const char *what = NULL, *what2 = NULL;
    switch (it->kind) {
    case TM_DIFF_FLOW:
        what = tm_node_get(t, "from") ? tm_node_get(t, "from")->text : NULL;
        what2 = tm_node_get(t, "to") ? tm_node_get(t, "to")->text : NULL;
        break;
    case TM_DIFF_DATA:
        what = tm_node_get(t, "classification") ? tm_node_get(t, "classification")->text : NULL;
        break;
    case TM_DIFF_DECISION:
        what = tm_node_get(t, "status") ? tm_node_get(t, "status")->text : NULL;
        break;
    case TM_DIFF_SYSTEM:
    case TM_DIFF_ASSUMPTION:
        break;
    default:
        what = tm_node_get(t, "type") ? tm_node_get(t, "type")->text : NULL;
        break;
    }
    if (!what)
        return;
    tm_buf_puts(b, " (");
    tm_buf_put_printable(b, what, strlen(what), 0);
    if (what2) {
        tm_buf_puts(b, " -> ");
        tm_buf_put_printable(b, what2, strlen(what2), 0);
    }
    tm_buf_putc(b, ')');
}

/* A value as compact JSON, cut at TM_DIFF_VALUE_SHOWN bytes (on a
 * character boundary), or "(absent)". */
static void S_value(tm_buf *b, const tm_node *v)
{
    if (!v) {
        tm_buf_puts(b, "(absent)");
        return;
    }
    tm_buf j;
    tm_buf_init(&j, 0);
    tm_write_json(v, &j, 0);
    size_t n = j.len;
    int cut = 0;
    if (n > TM_DIFF_VALUE_SHOWN) {
        n = TM_DIFF_VALUE_SHOWN;
        while (n > 0 && ((unsigned char)j.data[n] & 0xC0) == 0x80)
            n--;
        cut = 1;
    }
    tm_buf_put_printable(b, j.data ? j.data : "", n, 0);
    if (cut)
        tm_buf_puts(b, "...");
    tm_buf_free(&j);
}

static void S_where(tm_buf *b, const tm_loc *l, const tm_analysis *a, int color)
{
    const char *f = S_file(l, a);
    tm_buf_style(b, color, TM_STYLE_BOLD);
    tm_buf_put_printable(b, f, strlen(f), 0);
    if (l->line)
        tm_buf_printf(b, ":%u:%u", (unsigned)l->line, (unsigned)l->col);
    tm_buf_putc(b, ':');
    tm_buf_style(b, color, TM_STYLE_RESET);
    tm_buf_putc(b, ' ');
}

static const tm_style S_op_style[3] = {TM_STYLE_ADDED, TM_STYLE_REMOVED, TM_STYLE_CHANGED};

/* "added", "new threat", ...: in the operation's colour. */
static void S_op(tm_buf *b, tm_diff_op op, const char *word, int color)
{
    tm_buf_style(b, color, S_op_style[op]);
    tm_buf_puts(b, word);
    tm_buf_style(b, color, TM_STYLE_RESET);
}

/* " ID" after the kind (nothing for the system, which has one). */
static void S_id(tm_buf *b, const tm_diff_item *it)
{
    const tm_node *t = it->new_item ? it->new_item : it->old_item;
    if (it->kind == TM_DIFF_SYSTEM)
        return;
    tm_buf_putc(b, ' ');
    if (it->kind == TM_DIFF_ASSUMPTION && t && t->kind == TM_NODE_SCALAR) {
        S_value(b, t); /* an id-less assumption: its text, quoted */
        return;
    }
    tm_buf_put_printable(b, it->id, strlen(it->id), 0);
}

static void S_text_item(tm_buf *b, const tm_diff *df, const tm_diff_item *it, int color)
{
    const tm_analysis *a = it->op == TM_DIFF_REMOVED ? df->old_a : df->new_a;
    if (it->op != TM_DIFF_CHANGED) {
        S_where(b, &it->loc, a, color);
        S_op(b, it->op, tm_diff_op_name(it->op), color);
        tm_buf_printf(b, ": %s", tm_diff_kind_name(it->kind));
        S_id(b, it);
        S_item_brief(b, it);
        tm_buf_putc(b, '\n');
        return;
    }
    for (size_t i = 0; i < it->n_fields; i++) {
        const tm_diff_field *f = &it->fields[i];
        S_where(b, &it->loc, a, color);
        S_op(b, TM_DIFF_CHANGED, "changed", color);
        tm_buf_printf(b, ": %s", tm_diff_kind_name(it->kind));
        S_id(b, it);
        tm_buf_puts(b, ": ");
        tm_buf_put_printable(b, f->path, strlen(f->path), 0);
        tm_buf_puts(b, ": ");
        S_value(b, f->old_value);
        tm_buf_puts(b, " -> ");
        S_value(b, f->new_value);
        tm_buf_putc(b, '\n');
    }
}

static void S_text_threat(tm_buf *b, const tm_diff *df, const tm_diff_threat *t, int color)
{
    const tm_threat *th = t->new_threat ? t->new_threat : t->old_threat;
    const tm_analysis *a = t->new_threat ? df->new_a : df->old_a;
    if (t->op != TM_DIFF_CHANGED) {
        S_where(b, &th->loc, a, color);
        S_op(b, t->op, S_threat_ops[t->op], color);
        tm_buf_puts(b, " threat: ");
        tm_buf_style(b, color, tm_severity_style(th->severity));
        tm_buf_puts(b, tm_severity_name(th->severity));
        tm_buf_style(b, color, TM_STYLE_RESET);
        tm_buf_puts(b, ": ");
        tm_buf_put_printable(b, th->id, strlen(th->id), 0);
        tm_buf_puts(b, ": ");
        tm_buf_put_printable(b, th->title, strlen(th->title), 0);
        tm_buf_putc(b, '\n');
        return;
    }
    for (size_t i = 0; i < t->n_fields; i++) {
        const tm_diff_field *f = &t->fields[i];
        S_where(b, &th->loc, a, color);
        S_op(b, TM_DIFF_CHANGED, "changed", color);
        tm_buf_puts(b, " threat: ");
        tm_buf_put_printable(b, th->id, strlen(th->id), 0);
        tm_buf_printf(b, ": %s: ", f->path);
        S_value(b, f->old_value);
        tm_buf_puts(b, " -> ");
        S_value(b, f->new_value);
        tm_buf_putc(b, '\n');
    }
}

/* " (1 critical, 2 high)" from counts by severity; nothing when all zero. */
static void S_by_severity(tm_buf *b, const size_t *by)
{
    int first = 1;
    for (int s = TM_SEV_CRITICAL; s >= TM_SEV_NONE; s--) {
        if (!by[s])
            continue;
        tm_buf_printf(b, "%s%zu %s", first ? " (" : ", ", by[s],
                      s == TM_SEV_NONE ? "unrated" : tm_severity_name((tm_severity)s));
        first = 0;
    }
    if (!first)
        tm_buf_putc(b, ')');
}

static const char *S_plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

int tm_render_diff_text(const tm_diff *df, const tm_diff_render_opts *o, tm_buf *out)
{
    tm_diff_text_lines lines = o ? o->lines : TM_DIFF_TEXT_ALL;
    int color = o && o->color;
    for (size_t i = 0; lines == TM_DIFF_TEXT_ALL && i < df->n_items; i++)
        S_text_item(out, df, &df->items[i], color);
    for (size_t i = 0; lines != TM_DIFF_TEXT_SUMMARY && i < df->n_threats; i++)
        S_text_threat(out, df, &df->threats[i], color);
    if (lines == TM_DIFF_TEXT_THREATS)
        return out->failed ? -1 : 0;

    const char *of = df->old_a->model->source, *nf = df->new_a->model->source;
    tm_buf_put_printable(out, of, strlen(of), 0);
    tm_buf_puts(out, " -> ");
    tm_buf_put_printable(out, nf, strlen(nf), 0);
    if (tm_diff_is_empty(df)) {
        tm_buf_puts(out, ": no differences");
    } else {
        size_t nn = df->threats_by_op[TM_DIFF_ADDED], ng = df->threats_by_op[TM_DIFF_REMOVED];
        size_t nc = df->threats_by_op[TM_DIFF_CHANGED];
        tm_buf_printf(out, ": +%zu %s", nn, S_plural(nn, "threat", "threats"));
        S_by_severity(out, df->new_by_severity);
        tm_buf_printf(out, ", -%zu %s", ng, S_plural(ng, "threat", "threats"));
        S_by_severity(out, df->gone_by_severity);
        tm_buf_printf(out, ", %zu changed", nc);
        struct {
            size_t n;
            const char *what;
        } why[] = {{df->severity_raised, "severity raised"},
                   {df->severity_lowered, "severity lowered"},
                   {df->status_changed, "status changed"},
                   {df->title_changed, "title changed"},
                   {df->other_changed, "rating changed"}};
        int first = 1;
        for (size_t k = 0; k < sizeof why / sizeof why[0]; k++) {
            if (!why[k].n)
                continue;
            tm_buf_printf(out, "%s%zu %s", first ? " (" : ", ", why[k].n, why[k].what);
            first = 0;
        }
        if (!first)
            tm_buf_putc(out, ')');
        tm_buf_printf(out, "; model: %zu added, %zu removed, %zu changed",
                      df->items_by_op[TM_DIFF_ADDED], df->items_by_op[TM_DIFF_REMOVED],
                      df->items_by_op[TM_DIFF_CHANGED]);
    }
    if (o && o->fail_on != TM_SEV_NONE)
        tm_buf_printf(out, "; %zu introduced at or above %s", tm_diff_introduced(df, o->fail_on),
                      tm_severity_name(o->fail_on));
    tm_buf_putc(out, '\n');
    return out->failed ? -1 : 0;
}

/* --------------------------------------------------------------- JSON */

static tm_node *S_map(tm_arena *a)
{
    return tm_node_new(a, TM_NODE_MAP, NULL, 0, 0);
}

static tm_node *S_list(tm_arena *a)
{
    return tm_node_new(a, TM_NODE_LIST, NULL, 0, 0);
}

static void S_put(tm_arena *a, tm_node *map, const char *key, tm_node *v)
{
    tm_node_map_put(a, map, key, 0, 0, v);
}

static void S_put_str(tm_arena *a, tm_node *map, const char *key, const char *s)
{
    tm_node *v;
    if (s) {
        v = tm_node_string(a, s);
    } else {
        v = tm_node_new(a, TM_NODE_SCALAR, NULL, 0, 0);
        v->stype = TM_SCALAR_NULL;
        v->text = "null";
        v->len = 4;
    }
    S_put(a, map, key, v);
}

static void S_put_int(tm_arena *a, tm_node *map, const char *key, size_t n)
{
    S_put(a, map, key, tm_node_int(a, (long long)n));
}

static tm_node *S_location(tm_arena *a, const tm_loc *l, const tm_analysis *an)
{
    tm_node *m = S_map(a);
    S_put_str(a, m, "file", S_file(l, an));
    S_put_int(a, m, "line", l->line);
    S_put_int(a, m, "column", l->col);
    return m;
}

static tm_node *S_fields(tm_arena *a, const tm_diff_field *f, size_t n)
{
    tm_node *l = S_list(a);
    for (size_t i = 0; i < n; i++) {
        tm_node *m = S_map(a);
        S_put_str(a, m, "path", f[i].path);
        if (f[i].old_value)
            S_put(a, m, "old", (tm_node *)f[i].old_value);
        if (f[i].new_value)
            S_put(a, m, "new", (tm_node *)f[i].new_value);
        tm_node_list_push(a, l, m);
    }
    return l;
}

static tm_node *S_side(tm_arena *a, const tm_analysis *an)
{
    tm_node *m = S_map(a);
    S_put_str(a, m, "source", an->model->source);
    S_put_str(a, m, "name", tm_model_name(an->model));
    S_put_int(a, m, "threats", an->n_threats);
    return m;
}

static tm_node *S_severities(tm_arena *a, const size_t *by)
{
    tm_node *m = S_map(a);
    for (int s = TM_SEV_CRITICAL; s >= TM_SEV_LOW; s--)
        S_put_int(a, m, tm_severity_name((tm_severity)s), by[s]);
    return m;
}

int tm_render_diff_json(const tm_diff *df, const tm_diff_render_opts *o, tm_buf *out)
{
    tm_arena *a = tm_arena_new();
    tm_node *root = S_map(a);
    S_put_str(a, root, "stridec", STRIDEC_VERSION);
    S_put(a, root, "old", S_side(a, df->old_a));
    S_put(a, root, "new", S_side(a, df->new_a));
    S_put(a, root, "different", tm_node_bool(a, !tm_diff_is_empty(df)));

    tm_node *items = S_list(a);
    for (size_t i = 0; i < df->n_items; i++) {
        const tm_diff_item *it = &df->items[i];
        tm_node *m = S_map(a);
        S_put_str(a, m, "change", tm_diff_op_name(it->op));
        S_put_str(a, m, "kind", tm_diff_kind_name(it->kind));
        S_put_str(a, m, "id", it->id);
        S_put(a, m, "location",
              S_location(a, &it->loc, it->op == TM_DIFF_REMOVED ? df->old_a : df->new_a));
        if (it->op == TM_DIFF_CHANGED)
            S_put(a, m, "fields", S_fields(a, it->fields, it->n_fields));
        else
            S_put(a, m, "value", (tm_node *)(it->new_item ? it->new_item : it->old_item));
        tm_node_list_push(a, items, m);
    }
    S_put(a, root, "model", items);

    tm_node *threats = S_list(a);
    for (size_t i = 0; i < df->n_threats; i++) {
        const tm_diff_threat *t = &df->threats[i];
        const tm_threat *th = t->new_threat ? t->new_threat : t->old_threat;
        tm_node *m = S_map(a);
        S_put_str(a, m, "change", S_threat_ops[t->op]);
        S_put_str(a, m, "id", th->id);
        S_put_str(a, m, "rule", th->rule ? th->rule->id : NULL);
        S_put_str(a, m, "title", th->title);
        S_put_str(a, m, "severity", tm_severity_name(th->severity));
        S_put_str(a, m, "status", tm_status_name(th->status));
        tm_node *target = S_map(a);
        S_put_str(a, target, "type", tm_target_type_name(th->target_type));
        S_put_str(a, target, "id", th->target_id);
        S_put(a, m, "target", target);
        S_put(a, m, "location",
              S_location(a, &th->loc, t->new_threat ? df->new_a : df->old_a));
        if (t->op == TM_DIFF_CHANGED)
            S_put(a, m, "fields", S_fields(a, t->fields, t->n_fields));
        if (o && o->fail_on != TM_SEV_NONE)
            S_put(a, m, "introduced", tm_node_bool(a, tm_diff_threat_introduced(df, t, o->fail_on)));
        tm_node_list_push(a, threats, m);
    }
    S_put(a, root, "threats", threats);

    tm_node *sum = S_map(a);
    tm_node *sm = S_map(a);
    S_put_int(a, sm, "added", df->items_by_op[TM_DIFF_ADDED]);
    S_put_int(a, sm, "removed", df->items_by_op[TM_DIFF_REMOVED]);
    S_put_int(a, sm, "changed", df->items_by_op[TM_DIFF_CHANGED]);
    S_put(a, sum, "model", sm);
    tm_node *st = S_map(a);
    S_put_int(a, st, "new", df->threats_by_op[TM_DIFF_ADDED]);
    S_put_int(a, st, "gone", df->threats_by_op[TM_DIFF_REMOVED]);
    S_put_int(a, st, "changed", df->threats_by_op[TM_DIFF_CHANGED]);
    S_put(a, st, "new_by_severity", S_severities(a, df->new_by_severity));
    S_put(a, st, "gone_by_severity", S_severities(a, df->gone_by_severity));
    S_put_int(a, st, "severity_raised", df->severity_raised);
    S_put_int(a, st, "severity_lowered", df->severity_lowered);
    S_put_int(a, st, "status_changed", df->status_changed);
    S_put_int(a, st, "title_changed", df->title_changed);
    S_put(a, sum, "threats", st);
    if (o && o->fail_on != TM_SEV_NONE) {
        tm_node *g = S_map(a);
        S_put_str(a, g, "fail_on", tm_severity_name(o->fail_on));
        S_put_int(a, g, "introduced", tm_diff_introduced(df, o->fail_on));
        S_put(a, sum, "gate", g);
    }
    S_put(a, root, "summary", sum);

    int r = tm_write_json(root, out, 1);
    tm_arena_free(a);
    return r;
}
