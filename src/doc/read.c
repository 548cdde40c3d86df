/* Reading a document: the syntax guessed from the name or content, then the
 * reader for it (doc/yaml.c, json.c, xml.c). */
#include <stdlib.h>
#include <string.h>

#include "stridec/doc.h"

const char *tm_syntax_name(tm_syntax s)
{
    switch (s) {
    case TM_SYNTAX_JSON:
        return "json";
    case TM_SYNTAX_XML:
        return "xml";
    default:
        return "yaml";
    }
}

static int S_ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    if (lx > ls)
        return 0;
    for (size_t i = 0; i < lx; i++) {
        char c = s[ls - lx + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != suffix[i])
            return 0;
    }
    return 1;
}

tm_syntax tm_syntax_guess(const char *file, const char *text, size_t len)
{
    if (file) {
        if (S_ends_with(file, ".json"))
            return TM_SYNTAX_JSON;
        if (S_ends_with(file, ".xml"))
            return TM_SYNTAX_XML;
        if (S_ends_with(file, ".yaml") || S_ends_with(file, ".yml"))
            return TM_SYNTAX_YAML;
    }
    size_t i = 0;
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF)
        i = 3;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    if (i < len && (text[i] == '{' || text[i] == '['))
        return TM_SYNTAX_JSON;
    if (i < len && text[i] == '<')
        return TM_SYNTAX_XML;
    return TM_SYNTAX_YAML;
}

tm_node *tm_read_text_tree(tm_arena *arena, const char *file, tm_syntax syn, const char *text,
                           size_t len, const tm_read_limits *lim, tm_diags *d)
{
    tm_diags_add_source(d, file, text, len);
    switch (syn) {
    case TM_SYNTAX_JSON:
        return tm_read_json(arena, file, text, len, lim, d);
    case TM_SYNTAX_XML:
        return tm_read_xml(arena, file, text, len, lim, d);
    default:
        return tm_read_yaml(arena, file, text, len, lim, d);
    }
}

tm_node *tm_read_file_tree(tm_arena *arena, const char *file, const tm_read_limits *lim,
                           tm_diags *d)
{
    size_t len = 0;
    char *text = tm_read_file(file, &len, d);
    if (!text)
        return NULL;
    tm_node *root =
        tm_read_text_tree(arena, file, tm_syntax_guess(file, text, len), text, len, lim, d);
    free(text);
    return root;
}
