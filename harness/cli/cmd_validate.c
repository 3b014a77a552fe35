/* unplug validate FILE|DIR...: load and check scenarios, no root needed. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/escape.h"
#include "harness/cli/catalogue.h"
#include "harness/cli/cli.h"
#include "harness/model/scenario.h"
#include "harness/run/exec.h"
#include "harness/run/sysctl.h"

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "long", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct catalogue cat = { 0 };
	bool allow_long = false;
	struct diag d;
	int c, bad = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'L') {
			allow_long = true;
			continue;
		}
		if (c == 'h') {
			cli_usage(stdout, "validate");
			printf("\n      --long   allow timelines up to 24 h (default: at most 1 h), as run --long\n"
			       "  Checks everything `run` checks before it builds anything; exit 0 when every\n"
			       "  file is a valid scenario, 2 otherwise (every problem printed as\n"
			       "  file:line:col).\n");
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
		struct scenario **scs;
		struct diag sd;
		size_t n = 0;
		int err;

		diag_init(&sd, cat.v[i].path);
		err = scenario_load_sweep(cat.v[i].path, &scs, &n, &sd);
		for (size_t k = 0; k < n; k++)
			err = err_merge(err, scenario_check_length(scs[k], allow_long, &sd) ||
					     sysctl_check(scs[k], &sd) ||
					     (k == 0 && exec_check_programs(scs[k], &sd)) ? -EINVAL : 0);
		if (err) {
			diag_print(&sd, stderr);
			bad = 1;
		} else {
			char path[512], name[512];

			/* both from input: escaped */
			escape_buf(cat.v[i].path, path, sizeof(path));
			escape_buf(scs[0]->name, name, sizeof(name));
			if (scs[0]->pick.n)
				printf("%s: ok (%s; a sweep of %zu combinations)\n", path, name, n);
			else
				printf("%s: ok (%s)\n", path, name);
		}
		scenario_free_all(scs, n);
		diag_clear(&sd);
	}
	diag_print(&d, stderr);
	diag_clear(&d);
	catalogue_free(&cat);
	return bad ? EXIT_USAGE : EXIT_PASS;
}
