/* Kernel releases and conditions on them (kversion.h). */
#include "common/kversion.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

static const struct {
	const char *text;
	enum kcond_op op;
} ops[] = {
	{ ">=", KCOND_GE }, { "<=", KCOND_LE }, { ">", KCOND_GT }, { "<", KCOND_LT },
};

/* Up to KVERSION_PARTS numbers joined by dots at @s; where they end in
 * *end. Returns how many. */
static int numbers(const char *s, int v[KVERSION_PARTS], const char **end)
{
	int n = 0;

	while (n < KVERSION_PARTS && isdigit((unsigned char)*s)) {
		long x = 0;

		for (; isdigit((unsigned char)*s) && x < 100000; s++)
			x = x * 10 + (*s - '0');
		if (isdigit((unsigned char)*s))
			break;
		v[n++] = (int)x;
		if (*s != '.' || !isdigit((unsigned char)s[1]))
			break;
		s++;
	}
	*end = s;
	return n;
}

int kversion_parse(const char *release, int v[KVERSION_PARTS])
{
	const char *end;

	return release ? numbers(release, v, &end) : 0;
}

int kcond_parse(const char *text, struct kcond *c)
{
	const char *s = text, *end;

	memset(c, 0, sizeof(*c));
	c->op = KCOND_EQ;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strncmp(s, ops[i].text, strlen(ops[i].text))) {
			c->op = ops[i].op;
			s += strlen(ops[i].text);
			break;
		}
	while (*s == ' ')
		s++;
	c->nv = numbers(s, c->v, &end);
	if (!c->nv || *end) {
		memset(c, 0, sizeof(*c));
		return -EINVAL;
	}
	return 0;
}

const char *kversion_running(char *buf, size_t len)
{
	struct utsname u;

	snprintf(buf, len, "%s", uname(&u) ? "" : u.release);
	return buf;
}

bool kcond_holds(const struct kcond *c, const char *release)
{
	int v[KVERSION_PARTS] = { 0 }, cmp = 0;
	int n = kversion_parse(release, v);

	if (c->op == KCOND_NONE)
		return true;
	if (!n)
		return false;
	/* the numbers the condition names; a release's missing ones are 0 */
	for (int i = 0; i < c->nv && !cmp; i++)
		cmp = v[i] < c->v[i] ? -1 : v[i] > c->v[i];
	switch (c->op) {
	case KCOND_EQ:
		return cmp == 0;
	case KCOND_GE:
		return cmp >= 0;
	case KCOND_GT:
		return cmp > 0;
	case KCOND_LE:
		return cmp <= 0;
	case KCOND_LT:
		return cmp < 0;
	default:
		return true;
	}
}

const char *kcond_str(const struct kcond *c, char *buf, size_t len)
{
	static const char *const op_text[] = {
		[KCOND_NONE] = "", [KCOND_EQ] = "", [KCOND_GE] = ">= ", [KCOND_GT] = "> ",
		[KCOND_LE] = "<= ", [KCOND_LT] = "< ",
	};
	size_t used = (size_t)snprintf(buf, len, "%s", op_text[c->op]);

	for (int i = 0; i < c->nv && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%d", i ? "." : "", c->v[i]);
	return buf;
}
