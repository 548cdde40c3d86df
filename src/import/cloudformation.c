/* Importer from cloudformation: TEMPORARY placeholder while it is being written
 * (replaced by the real importer before this change lands). */
#include "stridec/import.h"

tm_node *tm_import_cloudformation(tm_arena *arena, const tm_node *root, const char *file, int sam, tm_diags *d)
{
    (void)arena;
    (void)root;
    (void)sam;
    tm_diag_add(d, TM_DIAG_ERROR, "import", file, 0, 0, "importing from cloudformation is not written yet");
    return NULL;
}
