/* Diagnostics: the human detail of what went wrong, collected by the core
 * and printed only by the CLI. Every message is a complete line; messages
 * about a scenario start with "file:line:col: ". */
#ifndef COMMON_DIAG_H
#define COMMON_DIAG_H

#include <errno.h>
#include <stddef.h>
#include <stdio.h>

/* A position in a scenario file, 1-based; line 0 means "no position". */
struct pos {
	int line;
	int col;
};

struct diag {
	const char *file;	/* borrowed: the file positions refer to, or NULL */
	char **msgs;		/* owned */
	size_t count;
	size_t cap;
};

/* Start an empty diagnostic whose positions refer to @file (may be NULL). */
void diag_init(struct diag *d, const char *file);

/* Add "file:line:col: <message>"; without a position (line 0), "file: ". */
void diag_at(struct diag *d, struct pos at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Add a message with no file prefix. */
void diag_add(struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print every message, one per line, to @f. */
void diag_print(const struct diag *d, FILE *f);

/* The last message, or "" when there is none. Borrowed. */
const char *diag_last(const struct diag *d);

/* Free the messages; @d may be reused after diag_init(). */
void diag_clear(struct diag *d);

/* Fold the result of one more step into @ret, for code that goes on
 * checking after a failure to report every problem: the first error is
 * kept, except that running out of memory wins (it is never the input's
 * fault). Error codes are never or-ed together. */
static inline int err_merge(int ret, int err)
{
	if (err == -ENOMEM || !ret)
		return err ? err : ret;
	return ret;
}

#endif
