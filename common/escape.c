#include "common/escape.h"

#include <stdlib.h>
#include <string.h>

bool escape_needed(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

void escape_fputs(const char *s, bool newline_too, FILE *f)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (escape_needed(*p) && (*p != '\n' || newline_too))
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
}

const char *escape_buf(const char *s, char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return buf;
	for (const unsigned char *p = (const unsigned char *)s; *p && used + 1 < len; p++) {
		if (!escape_needed(*p)) {
			buf[used++] = (char)*p;
			continue;
		}
		if (used + 5 >= len)
			break;
		snprintf(buf + used, len - used, "\\x%02x", *p);
		used += 4;
	}
	buf[used] = '\0';
	return buf;
}

char *escape_dup(const char *s)
{
	size_t len = 4 * strlen(s) + 1;
	char *buf = malloc(len);

	return buf ? (char *)escape_buf(s, buf, len) : NULL;
}
