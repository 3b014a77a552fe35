/* `unplug explain --scenario`: from a captured connection's story, a
 * scenario that would reproduce it — which side went silent or reset
 * when, what keepalive or retransmission settings the timing implies —
 * as YAML for the user to edit. */
#ifndef HARNESS_CLI_PROPOSE_H
#define HARNESS_CLI_PROPOSE_H

#include <stdint.h>
#include <stdio.h>

#include "captures/ending.h"
#include "common/diag.h"

struct propose;

/* Propose from connection @id, or with 0 from the first that did not end
 * with a FIN each way (else the first). NULL when memory runs out. */
struct propose *propose_new(long id);

/* Offer a finished story (t0: the capture's first packet). */
void propose_consider(struct propose *p, const struct conn_story *s, int64_t t0);

/* Print the scenario for @capture (its path, for the comments). Returns 0,
 * or -ENOENT with the reason in @d when no connection fits. */
int propose_print(const struct propose *p, FILE *f, const char *capture, struct diag *d);

void propose_free(struct propose *p);

#endif
