/* Finding scenario files: the paths a user names, directories walked for
 * *.yaml, in a stable (sorted) order. */
#ifndef HARNESS_CATALOGUE_H
#define HARNESS_CATALOGUE_H

#include <stddef.h>
#include <sys/types.h>

#include "common/diag.h"

struct catalogue_entry {
	char *path;		/* the file */
	char *id;		/* its id in reports: relative to the directory named */
	char *sweep;		/* a sweep's combination: the sweep's id; else NULL */
};

/* A file or directory already taken in (device and inode). */
struct catalogue_seen {
	dev_t dev;
	ino_t ino;
};

struct catalogue {
	struct catalogue_entry *v;
	size_t n;
	size_t cap;
	struct catalogue_seen *seen;	/* each file and directory once */
	size_t nseen, capseen;
	size_t found;		/* scenario files found under the directory
				 * being added, taken in before or not */
};

/* Where `unplug run` looks when given no path: the installed catalogue,
 * or ./scenarios when running from a source tree. */
const char *catalogue_default_dir(void);

/* Add @path: a file as it is, a directory by every *.yaml below it (each
 * file and directory once, whatever links lead to it again). Returns 0,
 * or -errno with "path: reason" in @d: -ENOENT too for a directory with
 * no scenario file in it. */
int catalogue_add(struct catalogue *c, const char *path, struct diag *d);

/* Add an entry as it is: @path with the id @id, a combination of sweep
 * @sweep or not (NULL); all copied. Returns 0 or -ENOMEM. */
int catalogue_push(struct catalogue *c, const char *path, const char *id, const char *sweep);

void catalogue_free(struct catalogue *c);

#endif
