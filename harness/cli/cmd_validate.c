/* unplug validate FILE|DIR...: load and check scenarios, no root needed. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/escape.h"
#include "harness/cli/catalogue.h"
#include "harness/cli/cli.h"
#include "harness/model/lint.h"
#include "harness/model/scenario.h"
#include "harness/run/exec.h"
#include "harness/run/sysctl.h"

/* One file, one combination at a time: what was found of it. */
struct checked {
	bool allow_long;
	struct diag *errors, *warnings;
	bool failed;
	char name[512];		/* escaped */
	size_t combinations;
};

static int check_one(struct scenario *sc, size_t k, size_t count, void *ctx)
{
	struct checked *c = ctx;
	struct diag w;

	c->failed |= scenario_check_length(sc, c->allow_long, c->errors) ||
		     sysctl_check(sc, c->errors) ||
		     (k == 0 && exec_check_programs(sc, c->errors));
	/* each warning once over the combinations */
	diag_init(&w, c->warnings->file);
	scenario_lint(sc, &w);
	for (size_t i = 0; i < w.count; i++) {
		bool seen = false;

		for (size_t j = 0; j < c->warnings->count && !seen; j++)
			seen = !strcmp(c->warnings->msgs[j], w.msgs[i]);
		if (!seen)
			diag_add(c->warnings, "%s", w.msgs[i]);
	}
	diag_clear(&w);
	if (k == 0)
		escape_buf(sc->name, c->name, sizeof(c->name));
	c->combinations = sc->pick.n ? count : 0;
	scenario_free(sc);
	return 0;
}

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "long", no_argument, NULL, 'L' },
		{ "strict", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct catalogue cat = { 0 };
	bool allow_long = false, strict = false;
	size_t nwarnings = 0;
	struct diag d;
	int c, bad = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'L') {
			allow_long = true;
			continue;
		}
		if (c == 'S') {
			strict = true;
			continue;
		}
		if (c == 'h') {
			cli_usage(stdout, "validate");
			printf("\n      --long     allow timelines up to 24 h (default: at most 1 h), as run --long\n"
			       "      --strict   a warning is an error (exit 2)\n"
			       "  Checks everything `run` checks before it builds anything, and warns\n"
			       "  (file:line:col: warning: ...) of what can never pass or has no effect.\n"
			       "  Exit 0 when every file is a valid scenario (warnings or not, unless\n"
			       "  --strict), 2 otherwise (every problem printed as file:line:col).\n");
			return EXIT_PASS;
		}
		cli_usage(stderr, "validate");
		return EXIT_USAGE;
	}
	if (optind == argc) {
		cli_usage(stderr, "validate");
		return EXIT_USAGE;
	}
	diag_init(&d, NULL);
	for (int i = optind; i < argc; i++)
		bad |= catalogue_add(&cat, argv[i], &d) != 0;
	for (size_t i = 0; i < cat.n; i++) {
		struct diag sd, wd;
		struct checked ck = { .allow_long = allow_long, .errors = &sd, .warnings = &wd };
		char path[512];
		int err;

		diag_init(&sd, cat.v[i].path);
		diag_init(&wd, cat.v[i].path);
		err = scenario_sweep_each(cat.v[i].path, check_one, &ck, &sd);
		diag_print(&wd, stderr);
		nwarnings += wd.count;
		if (err || ck.failed || (strict && wd.count)) {
			diag_print(&sd, stderr);
			bad = 1;
		} else {
			escape_buf(cat.v[i].path, path, sizeof(path));	/* from input */
			if (ck.combinations)
				printf("%s: ok (%s; a sweep of %zu combinations)%s\n", path, ck.name,
				       ck.combinations, wd.count ? ", with warnings" : "");
			else
				printf("%s: ok (%s)%s\n", path, ck.name, wd.count ? ", with warnings" : "");
		}
		diag_clear(&sd);
		diag_clear(&wd);
	}
	diag_print(&d, stderr);
	diag_clear(&d);
	catalogue_free(&cat);
	if (strict && nwarnings) {
		fprintf(stderr, "unplug: %zu warning%s, and --strict\n", nwarnings, nwarnings == 1 ? "" : "s");
		bad = 1;
	}
	return bad ? EXIT_USAGE : EXIT_PASS;
}
