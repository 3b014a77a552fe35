/* The judge: verdicts as a pure function of a run directory (its scenario
 * copy, events.jsonl and captures). The live run and `replay` both call it;
 * unit tests call it on fixture directories. */
#ifndef HARNESS_JUDGE_H
#define HARNESS_JUDGE_H

#include "common/diag.h"
#include "reports/result.h"

struct scenario;

/* Judge @dir into @res: one expect_result per expectation, with what was
 * measured, and the folded verdict. Returns 0 when judged (whatever the
 * verdict), or -errno when @dir cannot be read; then @d says why. */
int judge_run_dir(const char *dir, struct scenario_result *res,
		  struct diag *d);

/* The same against the scenario at @scenario_path instead of the run's
 * copy (an edited budget): it must have the run's hosts and steps, or
 * -EINVAL says where they differ. */
int judge_run_dir_as(const char *dir, const char *scenario_path,
		     struct scenario_result *res, struct diag *d);

/* Judge the scenario at @scenario_path against bare captures taken
 * elsewhere: @pcap[h] is host h's capture (NULL: none; several hosts may
 * share one), @addr[h] its address as text. Only what packets alone can
 * show is judged (`packets`, and `sequence` without `since`); every other
 * expectation is skipped with OUTCOME_NEEDS_EVENTS. The timeline runs
 * from the first packet to the last. A sweep's scenario is judged as its
 * combination @matrix ("loss=20,every=1s"; NULL for no sweep). */
int judge_captures(const char *scenario_path, const char *matrix, const char *const *pcap,
		   const char *const *addr, struct scenario_result *res, struct diag *d);

/* The claims @sc cites and what it found of each, into @res. */
void judge_set_claims(const struct scenario *sc, struct scenario_result *res);

#endif
