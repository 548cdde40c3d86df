/* Importer dispatch: which family a source file belongs to, and the call. */
#include <string.h>

#include "stridec/import.h"

static const char *const S_names[] = {NULL, "cloudformation", "sam", "serverless", "terraform",
                                      "threatdragon"};

const char *tm_import_from_name(tm_import_from f)
{
    return (unsigned)f < sizeof S_names / sizeof S_names[0] ? S_names[f] : NULL;
}

int tm_import_from_parse(const char *name)
{
    for (size_t i = 1; i < sizeof S_names / sizeof S_names[0]; i++)
        if (strcmp(S_names[i], name) == 0)
            return (int)i;
    return -1;
}

/* A Transform value (string or list of strings) naming SAM. */
static int S_names_sam(const tm_node *t)
{
    if (!t)
        return 0;
    if (t->kind == TM_NODE_LIST) {
        for (size_t i = 0; i < t->n; i++)
            if (S_names_sam(t->items[i]))
                return 1;
        return 0;
    }
    return t->kind == TM_NODE_SCALAR && t->text &&
           strncmp(t->text, "AWS::Serverless", strlen("AWS::Serverless")) == 0;
}

tm_import_from tm_import_detect(const tm_node *root, const char *file)
{
    if (!root || root->kind != TM_NODE_MAP)
        return TM_IMPORT_AUTO;
    if (S_names_sam(tm_node_get(root, "Transform")))
        return TM_IMPORT_SAM;
    if (tm_node_get(root, "AWSTemplateFormatVersion") || tm_node_get(root, "Resources"))
        return TM_IMPORT_CLOUDFORMATION;
    if (tm_node_get(root, "service") && (tm_node_get(root, "provider") || tm_node_get(root, "functions")))
        return TM_IMPORT_SERVERLESS;
    if (tm_node_get(root, "format_version") &&
        (tm_node_get(root, "planned_values") || tm_node_get(root, "values") ||
         tm_node_get(root, "resource_changes") || tm_node_get(root, "configuration")))
        return TM_IMPORT_TERRAFORM;
    const tm_node *detail = tm_node_get(root, "detail");
    if (detail && tm_node_get(root, "summary") && detail->kind == TM_NODE_MAP &&
        tm_node_get(detail, "diagrams"))
        return TM_IMPORT_THREATDRAGON;
    (void)file;
    return TM_IMPORT_AUTO;
}

tm_node *tm_import_tree(tm_arena *arena, const tm_node *root, const char *file,
                        tm_import_from *from, tm_diags *d)
{
    if (*from == TM_IMPORT_AUTO) {
        *from = tm_import_detect(root, file);
        if (*from == TM_IMPORT_AUTO) {
            tm_diag_add(d, TM_DIAG_ERROR, "import", file, root ? root->line : 1, root ? root->col : 1,
                        "cannot tell what this file is (not a CloudFormation or SAM template, "
                        "serverless.yml, Terraform plan JSON or Threat Dragon model); "
                        "name it with --from");
            return NULL;
        }
    }
    switch (*from) {
    case TM_IMPORT_CLOUDFORMATION: return tm_import_cloudformation(arena, root, file, 0, d);
    case TM_IMPORT_SAM: return tm_import_cloudformation(arena, root, file, 1, d);
    case TM_IMPORT_SERVERLESS: return tm_import_serverless(arena, root, file, d);
    case TM_IMPORT_TERRAFORM: return tm_import_terraform(arena, root, file, d);
    case TM_IMPORT_THREATDRAGON: return tm_import_threatdragon(arena, root, file, d);
    case TM_IMPORT_AUTO: break;
    }
    return NULL;
}

tm_node *tm_import_file(tm_arena *arena, const char *file, tm_import_from from,
                        const tm_read_limits *lim, tm_diags *d)
{
    tm_node *root = tm_read_file_tree(arena, file, lim, d);
    if (!root)
        return NULL;
    return tm_import_tree(arena, root, file, &from, d);
}
