/* Kernel releases and the conditions a scenario puts on them: an
 * expectation that holds only on some kernels says `kernel: ">= 6.5"`.
 * A release compares by its leading numbers ("6.1.0-57-amd64" is 6.1.0):
 * distributions keep the patch level elsewhere, so a condition usually
 * names major.minor, and only the numbers it names are compared. */
#ifndef COMMON_KVERSION_H
#define COMMON_KVERSION_H

#include <stdbool.h>
#include <stddef.h>

#define KVERSION_PARTS 3

enum kcond_op {
	KCOND_NONE,		/* no condition: every kernel */
	KCOND_EQ,		/* "6.1": the release starts with these numbers */
	KCOND_GE,
	KCOND_GT,
	KCOND_LE,
	KCOND_LT,
};

struct kcond {
	enum kcond_op op;
	int v[KVERSION_PARTS];
	int nv;			/* numbers given: 1 to KVERSION_PARTS */
};

#define KCOND_ACCEPTED "a kernel version, alone (\"6.1\": any 6.1.x) or after >=, >, <= or <, e.g. \">= 6.5\""

/* Parse @text into @c. Returns 0 or -EINVAL. */
int kcond_parse(const char *text, struct kcond *c);

/* The leading numbers of release @release ("6.12.100+deb12-amd64") into
 * @v; how many (0: not a release). */
int kversion_parse(const char *release, int v[KVERSION_PARTS]);

/* This machine's release (uname -r) into @buf; "" when it cannot be read.
 * Returns @buf. */
const char *kversion_running(char *buf, size_t len);

/* Whether @release meets @c (KCOND_NONE: always; a release that is not
 * one: never). */
bool kcond_holds(const struct kcond *c, const char *release);

/* @c as written: ">= 6.5". */
const char *kcond_str(const struct kcond *c, char *buf, size_t len);

#endif
