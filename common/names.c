#include "common/names.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int names_parse(const struct name_value *t, size_t n, const char *name,
		int *value)
{
	for (size_t i = 0; name && i < n; i++)
		if (!strcmp(t[i].name, name)) {
			*value = t[i].value;
			return 0;
		}
	return -ENOENT;
}

const char *names_str(const struct name_value *t, size_t n, int value)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	return NULL;
}

const char *names_accepted(const struct name_value *t, size_t n, char *buf,
			   size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 !i ? "" : i + 1 == n ? " or " : ", ", t[i].name);
	return buf;
}
