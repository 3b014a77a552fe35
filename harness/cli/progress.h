/* What `unplug run` shows while scenarios run. On a terminal, one status
 * line kept at the bottom: how many are done, and each running one's
 * elapsed time against how long it should take. Off a terminal, a line
 * when a scenario starts (the result line says when it ends), like
 * `go test -v`. */
#ifndef HARNESS_CLI_PROGRESS_H
#define HARNESS_CLI_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PROGRESS_MAX 64

struct progress {
	FILE *f;
	bool live;		/* the status line: a terminal */
	bool quiet;		/* no start lines */
	size_t total, done;
	struct {
		const char *id;	/* borrowed */
		int run, runs;
		int64_t start, bound_ns;
	} running[PROGRESS_MAX];
	size_t n;
	bool shown;		/* a status line is on screen */
};

/* @total runs to go, written to @f. */
void progress_init(struct progress *p, FILE *f, size_t total, bool live, bool quiet);

/* Run @run of @runs of scenario @id began; it should take @bound_ns. */
void progress_started(struct progress *p, const char *id, int run, int runs, int64_t bound_ns);

/* Run @run of @id ended. */
void progress_ended(struct progress *p, const char *id, int run);
/* It ended unsure and runs again: no longer running, not done either. */
void progress_retried(struct progress *p, const char *id, int run);

/* Take the status line off the screen, before anything else is printed. */
void progress_clear(struct progress *p);

/* Put the status line (back) on the screen, up to date. */
void progress_draw(struct progress *p);

#endif
