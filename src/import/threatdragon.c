/* Importer from threatdragon: TEMPORARY placeholder while it is being written
 * (replaced by the real importer before this change lands). */
#include "stridec/import.h"

tm_node *tm_import_threatdragon(tm_arena *arena, const tm_node *root, const char *file, tm_diags *d)
{
    (void)arena;
    (void)root;
    tm_diag_add(d, TM_DIAG_ERROR, "import", file, 0, 0, "importing from threatdragon is not written yet");
    return NULL;
}
