/* The command line: one cmd_<name>.c per subcommand, listed in main.c. */
#ifndef HARNESS_CLI_H
#define HARNESS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "common/diag.h"

/* Exit codes (README, DESIGN §1). */
#define EXIT_PASS 0		/* everything passed */
#define EXIT_FAIL 1		/* an expectation failed */
#define EXIT_USAGE 2		/* bad usage or a bad scenario */
#define EXIT_CANNOT 3		/* the machine cannot run what was asked */

extern const char *program_name;

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_predict(int argc, char **argv);

/* Print "usage: unplug NAME ARGS" and the command's help to @f. */
void cli_usage(FILE *f, const char *name);

/* Whether output file @path (named @what in messages: "--junit") can be
 * written, tried before anything runs: its directory exists and takes
 * files, and it is not a directory itself. Nothing is created; why not
 * goes to @d. */
bool cli_writable(const char *what, const char *path, struct diag *d);

/* Colour on a terminal, unless NO_COLOR is set (no-color.org). */
bool cli_color(FILE *f);

#endif
