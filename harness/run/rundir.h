/* The run directory: everything a run produced, and everything the judge
 * reads. Judging is a pure function of it.
 *
 *   <root>/<id>/scenario.yaml     a copy of the scenario as run
 *   <root>/<id>/events.jsonl      every timestamped event (events.h)
 *   <root>/<id>/captures/H.pcap   what host H's interface saw
 */
#ifndef HARNESS_RUNDIR_H
#define HARNESS_RUNDIR_H

#include "common/diag.h"

#define RUNDIR_SCENARIO "scenario.yaml"
#define RUNDIR_EVENTS "events.jsonl"
#define RUNDIR_CAPTURES "captures"
#define RUNDIR_DEFAULT_BASE "unplug-out"

/* The root for this invocation: @out if given, else
 * unplug-out/<local time, 2026-11-22T10-41-07>. Created (with parents).
 * *root is the caller's to free. Returns 0 or -errno. */
int rundir_make_root(const char *out, char **root, struct diag *d);

/* The id of a scenario in reports: its path relative to @base (the
 * directory it was found under, or NULL) without ".yaml":
 * "keepalive/pulled-cable". Caller frees. */
char *rundir_id(const char *path, const char *base);

/* Make <root>/<id>/ and its captures/ folder, and copy @scenario_path to
 * scenario.yaml there. *dir is the caller's to free. Returns 0 or -errno. */
int rundir_make(const char *root, const char *id, const char *scenario_path,
		char **dir, struct diag *d);

/* mkdir -p. Returns 0 or -errno. */
int rundir_mkdirs(const char *path);

#endif
