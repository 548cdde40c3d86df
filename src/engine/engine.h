/* Engine-internal passes, called by tm_analyze (stride.c) in this order. */
#ifndef STRIDEC_ENGINE_H
#define STRIDEC_ENGINE_H

#include "engine/analysis_impl.h"

/* IAM facts for every identity (iam.c): users, wildcards, privilege escalation. */
void tm_iam_analyze(tm_analysis *a);

/* Does an IAM action pattern (with * and ?) grant `action`? Case-insensitive
 * on the service prefix and action name, as IAM is. */
int tm_iam_action_matches(const char *pattern, const char *action);

#endif
