#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "yaml_fixture.h"

char yaml_path[64];

int load(const char *yaml, struct scenario **sc, struct diag *d)
{
	FILE *f;
	int fd;

	strcpy(yaml_path, "/tmp/unplug-test-XXXXXX.yaml");
	fd = mkstemps(yaml_path, 5);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(yaml, f);
	fclose(f);
	diag_init(d, yaml_path);
	int ret = scenario_load(yaml_path, sc, d);
	unlink(yaml_path);
	return ret;
}

void expect_message(const struct diag *d, const char *path, int line, int col, const char *text)
{
	char prefix[128];
	bool found = false;

	snprintf(prefix, sizeof(prefix), "%s:%d:%d: ", path, line, col);
	for (size_t i = 0; i < d->count; i++)
		found |= !strncmp(d->msgs[i], prefix, strlen(prefix)) && strstr(d->msgs[i], text);
	if (!found) {
		for (size_t i = 0; i < d->count; i++)
			print_error("got: %s\n", d->msgs[i]);
		fail_msg("no message \"%s...%s\"", prefix, text);
	}
}

/* Loading @yaml fails, and some message is "path:LINE:COL: " + contains @text. */
void expect_error(const char *yaml, int line, int col, const char *text)
{
	struct scenario *sc = (void *)1;
	struct diag d;

	assert_int_not_equal(load(yaml, &sc, &d), 0);
	assert_null(sc);
	expect_message(&d, yaml_path, line, col, text);
	diag_clear(&d);
}

/* Like expect_error(), at the position of the first @needle in @yaml. */
void expect_error_on(const char *yaml, const char *needle, const char *text)
{
	const char *at = strstr(yaml, needle), *line_start = yaml;
	int line = 1;

	assert_non_null(at);
	for (const char *p = yaml; p < at; p++)
		if (*p == '\n') {
			line++;
			line_start = p + 1;
		}
	expect_error(yaml, line, (int)(at - line_start) + 1, text);
}

