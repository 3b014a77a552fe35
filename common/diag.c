#include "common/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"
#include "common/vec.h"

void diag_init(struct diag *d, const char *file)
{
	memset(d, 0, sizeof(*d));
	d->file = file;
}

static void diag_push(struct diag *d, char *msg)
{
	if (msg && vec_push(&d->msgs, &d->count, &d->cap, sizeof(msg), &msg))
		free(msg);
}

static char *vformat(const char *prefix, const char *fmt, va_list ap)
{
	char *body = NULL, *line = NULL;

	if (vasprintf(&body, fmt, ap) < 0)
		return NULL;
	if (asprintf(&line, "%s%s", prefix, body) < 0)
		line = NULL;
	free(body);
	return line;
}

void diag_at(struct diag *d, struct pos at, const char *fmt, ...)
{
	char prefix[512];
	va_list ap;

	if (at.line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%d:%d: ",
			 d->file ? d->file : "<input>", at.line, at.col);
	else
		snprintf(prefix, sizeof(prefix), "%s: ",
			 d->file ? d->file : "<input>");
	va_start(ap, fmt);
	diag_push(d, vformat(prefix, fmt, ap));
	va_end(ap);
}

void diag_add(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_push(d, vformat("", fmt, ap));
	va_end(ap);
}

void diag_print(const struct diag *d, FILE *f)
{
	/* a message quotes what it refuses: never a control character */
	for (size_t i = 0; i < d->count; i++) {
		escape_fputs(d->msgs[i], true, f);
		fputc('\n', f);
	}
}

const char *diag_last(const struct diag *d)
{
	return d->count ? d->msgs[d->count - 1] : "";
}

void diag_clear(struct diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		free(d->msgs[i]);
	free(d->msgs);
	d->msgs = NULL;
	d->count = 0;
	d->cap = 0;
}
