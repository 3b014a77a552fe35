/* A program's stdout or stderr, kept in the run directory line by line,
 * each line stamped with the time it was read (wall clock ns, the clock of
 * events.jsonl), and, after a "+", how much earlier it may have come when
 * unplug waited to run before reading it (ns; left out when nothing):
 *
 *   1795347282271830624 listening on 7000
 *   1795347282271830624+3200000 client gone
 *
 * The last lines are kept in memory too, for error messages. */
#ifndef HARNESS_RUN_OUTPUT_H
#define HARNESS_RUN_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/diag.h"

#define OUTPUT_LINE_MAX 4096
#define OUTPUT_TAIL 5
#define OUTPUT_READS_PER_TURN 16	/* of 4 KiB, each time output_read() is called */

struct output {
	int fd;			/* borrowed: the read end of the pipe */
	bool eof;		/* the writers are all gone */
	bool follow;		/* a file that grows: its end is not EOF */
	FILE *file;		/* owned: HOST.stdout or HOST.stderr */
	char partial[OUTPUT_LINE_MAX];	/* a line not ended yet */
	size_t len;
	char tail[OUTPUT_TAIL][200];	/* the last lines, oldest first */
	size_t ntail;
};

/* Open (append to) @path for the output read from @fd. Returns 0 or -errno. */
int output_open(struct output *o, int fd, const char *path, struct diag *d);

/* Read what is waiting; for each complete line call @line(@arg, text)
 * after writing it. At EOF (@fd closed by the program) a last unended line
 * is written too, and o->eof set. Returns 0, or -EIO when the file cannot
 * be written. */
int output_read(struct output *o, int64_t t_ns, int64_t lag_ns,
		void (*line)(void *arg, const char *text), void *arg, struct diag *d);

/* The last lines, "a | b | c", into @buf ("" when it said nothing). */
const char *output_tail(const struct output *o, char *buf, size_t len);

/* Flush and close the file. Idempotent. */
void output_close(struct output *o);

#endif
