/* The run directory: everything a run produced, and everything the judge
 * reads. Judging is a pure function of it.
 *
 *   <root>/<id>/scenario.yaml     a copy of the scenario as run
 *   <root>/<id>/events.jsonl      every timestamped event (events.h)
 *   <root>/<id>/captures/H.pcap   what host H's interface saw
 *   <root>/<id>/matrix            a sweep's combination: "loss=20,every=1s"
 */
#ifndef HARNESS_RUNDIR_H
#define HARNESS_RUNDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/diag.h"

#define RUNDIR_SCENARIO "scenario.yaml"
#define RUNDIR_EVENTS "events.jsonl"
#define RUNDIR_CAPTURES "captures"
#define RUNDIR_MATRIX "matrix"
#define RUNDIR_DEFAULT_BASE "unplug-out"

/* The root for this invocation: @out if given (made with its parents if
 * missing; it may hold earlier runs), else unplug-out/<local time,
 * 2026-11-22T10-41-07>, made exclusively (a "-2" suffix and so on when
 * another invocation took that second). *root is the caller's to free.
 * Returns 0 or -errno. */
int rundir_make_root(const char *out, char **root, struct diag *d);

/* The id of a scenario in reports: its path relative to @base (the
 * directory it was found under, or NULL) without ".yaml":
 * "keepalive/pulled-cable". It names a folder under the run root, so it
 * never leaves it: a leading "/" and "." or empty components are dropped,
 * ".." is written "__", control characters "_", and each component is
 * cut at RUNDIR_NAME_MAX bytes. Caller frees. */
char *rundir_id(const char *path, const char *base);

/* Open @rel, a file of run directory @dir, to read: a regular file
 * inside it — no symbolic link on the way, nothing outside it, no FIFO or
 * device that would be read forever — of at most @max bytes. Returns 0,
 * -ENOENT (with nothing said: the caller decides), or -errno with why in
 * @d. */
int rundir_fopen(const char *dir, const char *rel, int64_t max, FILE **f, struct diag *d);

/* The most bytes a run directory's matrix file, program log and
 * events.jsonl may have. */
#define RUNDIR_MATRIX_MAX (64 * 1024)
#define RUNDIR_LOG_MAX (256LL * 1024 * 1024)
#define RUNDIR_EVENTS_MAX (1024LL * 1024 * 1024)

/* The most bytes of one component of a run directory's id. */
#define RUNDIR_NAME_MAX 200

/* Whether @id names a folder under the run root: relative, no "", "."
 * or ".." component, no control character, each component at most
 * RUNDIR_NAME_MAX bytes. */
bool rundir_id_safe(const char *id);

/* Make <root>/<id>/ — exclusively: -EEXIST, and a message saying so, when
 * it exists, so that no run's evidence is ever overwritten — with its
 * captures/ folder, and write @source (@len bytes: the scenario exactly
 * as loaded) to scenario.yaml there, and @matrix (a sweep's combination
 * as matrix_pick_label() writes it, or NULL) to matrix. *dir is the
 * caller's to free. Returns 0 or -errno. */
int rundir_make(const char *root, const char *id, const char *source, size_t len,
		const char *matrix, char **dir, struct diag *d);

/* The combination the run in @dir was of (caller frees), or NULL in
 * *@label when it was no sweep's. Returns 0 or -errno. */
int rundir_read_matrix(const char *dir, char **label);

/* Whether <root>/<id> exists (checked before anything runs). */
bool rundir_exists(const char *root, const char *id);

/* mkdir -p. Returns 0 or -errno. */
int rundir_mkdirs(const char *path);

#endif
