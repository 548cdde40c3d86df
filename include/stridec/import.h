/*
 * Importers: a stridec model derived from the deployment files a team
 * already has (DESIGN.md "The pipeline": importers produce the same document
 * tree the syntax readers do, and the one model builder validates it).
 *
 * Each importer reads an already-parsed source tree (tm_read_file_tree: YAML,
 * JSON or XML with positions) and returns a model tree in MODEL.md's shape,
 * owned by `arena`, or NULL after error diagnostics naming file:line:col in the
 * source. The CLI builds the tree with tm_model_build (so an importer bug
 * cannot produce an invalid model silently) and writes it with
 * tm_model_export.
 */
#ifndef STRIDEC_IMPORT_H
#define STRIDEC_IMPORT_H

#include "base.h"
#include "doc.h"

typedef enum {
    TM_IMPORT_AUTO,
    TM_IMPORT_CLOUDFORMATION,
    TM_IMPORT_SAM,
    TM_IMPORT_SERVERLESS,
    TM_IMPORT_TERRAFORM,
    TM_IMPORT_THREATDRAGON
} tm_import_from;

/* "cloudformation", "sam", ...; NULL for TM_IMPORT_AUTO. */
const char *tm_import_from_name(tm_import_from f);
/* The value of --from, or -1 when unknown. */
int tm_import_from_parse(const char *name);
/* Guess the source kind from the parsed tree (and file name); TM_IMPORT_AUTO
 * when it cannot tell. */
tm_import_from tm_import_detect(const tm_node *root, const char *file);

/* Import an already-parsed source tree read from `file`. *from
 * TM_IMPORT_AUTO detects, and *from is set to the kind imported. */
tm_node *tm_import_tree(tm_arena *arena, const tm_node *root, const char *file,
                        tm_import_from *from, tm_diags *d);

/* Read `file` and import it. `from` TM_IMPORT_AUTO detects. */
tm_node *tm_import_file(tm_arena *arena, const char *file, tm_import_from from,
                        const tm_read_limits *lim, tm_diags *d);

/* One importer per source family (src/import/NAME.c). `sam` is 1 for a SAM
 * template (Transform: AWS::Serverless-2016-10-31). */
tm_node *tm_import_cloudformation(tm_arena *arena, const tm_node *root, const char *file, int sam,
                                  tm_diags *d);
tm_node *tm_import_serverless(tm_arena *arena, const tm_node *root, const char *file,
                              tm_diags *d);
tm_node *tm_import_terraform(tm_arena *arena, const tm_node *root, const char *file,
                             tm_diags *d);
tm_node *tm_import_threatdragon(tm_arena *arena, const tm_node *root, const char *file,
                                tm_diags *d);

#endif
