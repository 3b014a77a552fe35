/* Sampling every host's TCP socket table through the run (inet_diag):
 * each sample is compared with the one before, and only what changed —
 * a socket appearing, changing state, becoming an orphan, retransmitting
 * or probing, or leaving the table — is handed on, to be recorded in
 * events.jsonl. The runner also asks it what a host has right now: a
 * listener on a port, an established connection. */
#ifndef HARNESS_RUN_SAMPLER_H
#define HARNESS_RUN_SAMPLER_H

#include <stdbool.h>
#include <stdint.h>

#include "common/diag.h"
#include "harness/model/scenario.h"
#include "netns/sockdiag.h"

struct netlink;

struct sampler {
	struct netlink *nl[SCENARIO_MAX_HOSTS];	/* NULL: not sampled (off) */
	struct sock_table now[SCENARIO_MAX_HOSTS];
	struct sock_table before[SCENARIO_MAX_HOSTS];
};

/* What to do with one change: @gone when the socket left the table. */
typedef int (*sampler_emit)(void *arg, int host, const struct sock_sample *s, bool gone);

/* Start sampling @host in namespace @ns (again, after a power-on: its
 * table starts empty). Returns 0 or -errno. */
int sampler_open(struct sampler *s, int host, int ns, const char *name, struct diag *d);

/* Stop sampling @host (it was powered off: its namespace must be free to
 * die). Every socket it had is handed to @emit as gone. */
int sampler_close(struct sampler *s, int host, sampler_emit emit, void *arg);

/* Sample every open host; hand each change to @emit. Returns 0, what @emit
 * returned, or -errno with the reason in @d. */
int sampler_sample(struct sampler *s, sampler_emit emit, void *arg, struct diag *d);

/* Whether @host had, at the last sample, a socket in @state with local
 * port @lport (0: any port). */
bool sampler_has(const struct sampler *s, int host, int state, int lport);

void sampler_free(struct sampler *s);

#endif
