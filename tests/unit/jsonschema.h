/*
 * A small JSON Schema (2020-12) validator for the tests: it checks models,
 * threats.json and other outputs against the schemas in share/stridec/schema/.
 * Test-only: the product never validates against JSON Schema.
 *
 * It works on document trees (include/stridec/doc.h), so the same schema
 * checks a JSON file (tm_read_json) and a YAML file (tm_read_yaml).
 *
 * Supported keywords, the subset stridec's schemas use:
 *   type (a name or a list of names), enum, const, required, properties,
 *   additionalProperties (bool or schema), items (one schema), minItems,
 *   maxItems, uniqueItems, pattern (POSIX extended regular expression: write
 *   patterns that mean the same in ERE and ECMA-262), minLength, maxLength
 *   (in code points), minimum, maximum, exclusiveMinimum, exclusiveMaximum,
 *   $ref ("#" or "#/json/pointer" inside the same schema), allOf, anyOf,
 *   oneOf, not, and boolean schemas.
 * Annotations ($schema, $id, $comment, $defs, title, description, default,
 * examples, format, deprecated, readOnly, writeOnly, and draft-04's id, for
 * the SARIF 2.1.0 schema) are ignored, as the
 * specification allows for `format`. Any other keyword is reported as a
 * violation ("unsupported schema keyword"), so a schema that needs more than
 * this validator knows fails loudly instead of passing silently.
 *
 * XML text scalars (TM_SCALAR_TEXT) count as strings.
 */
#ifndef STRIDEC_TEST_JSONSCHEMA_H
#define STRIDEC_TEST_JSONSCHEMA_H

#include "stridec/base.h"
#include "stridec/doc.h"

/*
 * Validate `doc` against `schema` (the schema's own root, which $ref
 * pointers are resolved against). Returns the number of violations, 0 when
 * the document is valid. When `errors` is not NULL, each violation is
 * appended to it as one line "POINTER: message\n", where POINTER is the JSON
 * pointer of the offending value ("/elements/3/props", "(root)" for the
 * document itself).
 */
int tu_schema_validate(const tm_node *schema, const tm_node *doc, tm_buf *errors);

#endif
