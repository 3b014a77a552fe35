/* `unplug run --kernel DIR...`: the same run inside virtual machines that
 * boot other kernels, one after the other, each verdict labelled with the
 * kernel it came from, and a table where they differ. */
#ifndef HARNESS_CLI_RUN_KERNELS_H
#define HARNESS_CLI_RUN_KERNELS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/diag.h"
#include "reports/result.h"

#define RUN_KERNELS_MAX 8

/* --kernel host: this machine's own kernel, run here, as one column of
 * the matrix. */
#define RUN_KERNELS_HOST "host"

bool run_kernels_is_host(const char *kdir);

struct run_kernels {
	const char *dirs[RUN_KERNELS_MAX];	/* --kernel DIR, as given */
	size_t n;
	const char *const *args;	/* the scenario paths given; none: the
					 * installed catalogue */
	size_t nargs;
	char **opts;		/* the inner run's options (--repeat 1, -q...) */
	size_t nopts;
	int jobs;		/* -j given; 0: a machine runs as many scenarios
				 * at a time as it has CPUs, host its default */
};

/* Whether every --kernel is a kernel tools/kernel made (or host), each a
 * different one. Returns 0 or -EINVAL with the reason in @d. */
int run_kernels_check(const struct run_kernels *k, struct diag *d);

/* Run in each kernel's machine, writing its run directories under
 * <root>/<release>/, and append every scenario's result to @rr with its
 * kernel. Returns 0, or -errno with the reason in @d when a machine could
 * not be run (the kernels before it are kept). */
int run_kernels(const struct run_kernels *k, const char *root, struct run_result *rr,
		struct diag *d);

/* With more than one kernel: a table, one row per scenario, one column
 * per kernel, a mark on the rows where the verdicts differ. */
void run_kernels_table(FILE *f, const struct run_kernels *k, const struct run_result *rr);

#endif
