#include "common/duration.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *suffix;
	int64_t ns;
} units[] = {
	{ "ns", 1 },
	{ "us", NS_PER_US },
	{ "ms", NS_PER_MS },
	{ "s", NS_PER_S },
	{ "m", 60 * NS_PER_S },
	{ "h", 3600 * NS_PER_S },
};

int duration_parse(const char *text, int64_t *ns)
{
	const char *p = text;
	char *end;
	double value;

	/* strtod would accept "inf", "0x1p3" and leading blanks: insist on
	 * digits and at most one dot before the unit. */
	if (!(*p >= '0' && *p <= '9'))
		return -EINVAL;
	while ((*p >= '0' && *p <= '9') || *p == '.')
		p++;
	errno = 0;
	value = strtod(text, &end);
	if (end != p || errno)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].suffix))
			continue;
		if (value * (double)units[i].ns > (double)DURATION_MAX_NS)
			return -ERANGE;
		*ns = (int64_t)llround(value * (double)units[i].ns);
		return 0;
	}
	return -EINVAL;
}

int duration_range_parse(const char *text, int64_t *lo, int64_t *hi)
{
	const char *dots = strstr(text, "..");
	char first[64];
	int ret;

	if (!dots) {
		*lo = 0;
		return duration_parse(text, hi);
	}
	if ((size_t)(dots - text) >= sizeof(first))
		return -EINVAL;
	memcpy(first, text, dots - text);
	first[dots - text] = '\0';
	ret = duration_parse(first, lo);
	if (ret)
		return ret;
	return duration_parse(dots + 2, hi);
}

const char *duration_str(int64_t ns, char *buf, size_t len)
{
	int64_t a = ns < 0 ? -ns : ns;

	if (a >= NS_PER_S)
		snprintf(buf, len, "%.3f s", (double)ns / NS_PER_S);
	else if (a >= 10 * NS_PER_MS)
		snprintf(buf, len, "%.0f ms", (double)ns / NS_PER_MS);
	else if (a >= 100 * NS_PER_US)
		snprintf(buf, len, "%.1f ms", (double)ns / NS_PER_MS);
	else
		snprintf(buf, len, "%.0f us", (double)ns / NS_PER_US);
	return buf;
}

const char *duration_secs(int64_t ns, char *buf, size_t len)
{
	char *p;

	snprintf(buf, len, "%.3f", (double)ns / NS_PER_S);
	p = buf + strlen(buf) - 1;
	while (*p == '0')
		*p-- = '\0';
	if (*p == '.')
		*p = '\0';
	return buf;
}
