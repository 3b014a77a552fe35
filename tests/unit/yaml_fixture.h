/* Loading scenarios written inline in a test: the YAML goes to a
 * temporary file, is loaded, and the file is removed; and the assertion
 * that loading fails with a message at a given file:line:col. */
#ifndef TESTS_UNIT_YAML_FIXTURE_H
#define TESTS_UNIT_YAML_FIXTURE_H

#include "harness/model/scenario.h"

/* The path the last load() used (gone by now), for messages. */
extern char yaml_path[64];

/* Load @yaml as a scenario file; what scenario_load() returns. @d is
 * initialised here; the caller clears it. */
int load(const char *yaml, struct scenario **sc, struct diag *d);

/* Some message of @d is "@path:LINE:COL: " and contains @text; else the
 * test fails, printing every message. */
void expect_message(const struct diag *d, const char *path, int line, int col, const char *text);

/* Loading @yaml fails, and some message is "path:LINE:COL: " + contains @text. */
void expect_error(const char *yaml, int line, int col, const char *text);

/* Like expect_error(), at the position of the first @needle in @yaml. */
void expect_error_on(const char *yaml, const char *needle, const char *text);

#endif
