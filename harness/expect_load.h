/* The `expect:` section of a scenario: detect, no-detect, packets. */
#ifndef HARNESS_EXPECT_LOAD_H
#define HARNESS_EXPECT_LOAD_H

#include "harness/scenario.h"
#include "harness/yaml_node.h"

/* Parse the list at @n into sc->expects (hosts must already be known).
 * Returns 0 or -EINVAL with every problem in @d. */
int expect_load_all(struct ynode n, struct scenario *sc, struct diag *d);

/* Shared by the expectation readers: a packet kind or list of kinds
 * (PKIND_* bits, or-ed into *kinds), a count or range. */
int expect_load_kinds(struct ynode n, unsigned *kinds, struct diag *d);
int expect_load_count(struct ynode n, long *lo, long *hi, struct diag *d);

/* "detect", "no-detect", "packets". */
const char *expect_kind_name(enum expect_kind kind);

#endif
