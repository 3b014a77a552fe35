/* Reading a `sequence` expectation (see sequence.h for its meaning). */
#ifndef HARNESS_SEQUENCE_LOAD_H
#define HARNESS_SEQUENCE_LOAD_H

#include "harness/scenario.h"
#include "harness/yaml_node.h"

/* Parse the mapping at @n into @e (kind, at and since are set by the
 * caller). Returns 0 or -EINVAL with every problem in @d. */
int sequence_load(struct ynode n, const struct scenario *sc, struct expect *e,
		  struct diag *d);

#endif
