/* Data files compiled into the binary (share/stridec/, templates/). */
#ifndef STRIDEC_EMBEDDED_H
#define STRIDEC_EMBEDDED_H
#include <stddef.h>

typedef struct {
    const char *name; /* path relative to the source tree, e.g. "share/stridec/types.yaml" */
    const unsigned char *data; /* NUL-terminated */
    size_t len;
} tm_embedded_file;

/* Terminated by an entry whose name is NULL. */
extern const tm_embedded_file tm_embedded_files[];

#endif
