/* The judge: verdicts as a pure function of a run directory (its scenario
 * copy, events.jsonl and captures). The live run and `replay` both call it;
 * unit tests call it on fixture directories. */
#ifndef HARNESS_JUDGE_H
#define HARNESS_JUDGE_H

#include "common/diag.h"
#include "reports/result.h"

/* Judge @dir into @res: one expect_result per expectation, with what was
 * measured, and the folded verdict. Returns 0 when judged (whatever the
 * verdict), or -errno when @dir cannot be read; then @d says why. */
int judge_run_dir(const char *dir, struct scenario_result *res,
		  struct diag *d);

#endif
