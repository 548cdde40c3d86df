/* Rule library internals shared with tests and fuzz targets (rules.c). */
#ifndef STRIDEC_ENGINE_RULES_H
#define STRIDEC_ENGINE_RULES_H

#include "stridec/analysis.h"

/* Add the rules of a rule file held in memory: `text` (len bytes,
 * NUL-terminated) named `name` in diagnostics, syntax guessed from the name
 * and content like a file's. All or nothing: 0, or -1 after errors with
 * nothing added. */
int tm_ruleset_add_text(tm_ruleset *rs, const char *name, const char *text, size_t len,
                        tm_diags *d);

#endif
