/* The `steps:` section of a scenario: faults and endpoint actions on a
 * timeline, each optionally repeated. */
#ifndef HARNESS_STEP_LOAD_H
#define HARNESS_STEP_LOAD_H

#include "harness/model/scenario.h"
#include "harness/model/yaml_node.h"

/* Parse the list at @n into sc->steps, sorted by time (hosts must already
 * be loaded). Returns 0 or -EINVAL with every problem in @d. */
int step_load_all(struct ynode n, struct scenario *sc, struct diag *d);

#endif
