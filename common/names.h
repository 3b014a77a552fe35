/* Name tables: the words a scenario or a file may write for a value, in
 * one table per set, from which parsing, printing and the "accepted" list
 * of an error message are all derived. */
#ifndef COMMON_NAMES_H
#define COMMON_NAMES_H

#include <stddef.h>

struct name_value {
	const char *name;
	int value;
};

#define NAMES_LEN(table) (sizeof(table) / sizeof((table)[0]))

/* The value named @name (exact match) into *value. Returns 0, or -ENOENT. */
int names_parse(const struct name_value *t, size_t n, const char *name,
		int *value);

/* The first name of @value, or NULL. */
const char *names_str(const struct name_value *t, size_t n, int value);

/* Every name, "a, b or c", into @buf (for "(accepted: ...)"). */
const char *names_accepted(const struct name_value *t, size_t n, char *buf,
			   size_t len);

#endif
