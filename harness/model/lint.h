/* Warnings about a scenario that is valid but does not do what it says:
 * an expectation that can never pass, a key that changes nothing. They
 * are reported by `unplug validate` (an error with --strict), never by
 * run: a run decides by what the kernel did. Pure logic on the model. */
#ifndef HARNESS_MODEL_LINT_H
#define HARNESS_MODEL_LINT_H

#include "common/diag.h"
#include "harness/model/scenario.h"

/* Add a "warning: ..." at its position to @w for each thing of @sc that
 * can never pass or has no effect. Returns how many were added. */
size_t scenario_lint(const struct scenario *sc, struct diag *w);

#endif
