/* unplug merge [--json FILE] [--junit FILE] [-q] JSON...: the --json
 * results of the shards of one run (`run --shard K/N`) as one: one
 * summary, one JSON, one JUnit, and the exit status the unsharded run
 * would have had. No root needed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli/cli.h"
#include "reports/report.h"
#include "reports/sweep.h"

static int by_id(const void *a, const void *b)
{
	const struct scenario_result *x = a, *y = b;

	return strcmp(x->id ? x->id : "", y->id ? y->id : "");
}

/* Fold shard @part's run-wide values into @all: the shards ran side by
 * side, so the run took as long as the longest. */
static void add_run(struct run_result *all, const struct run_result *part, bool first)
{
	if (first || (part->started_ns && part->started_ns < all->started_ns))
		all->started_ns = part->started_ns;
	if (part->duration_ns > all->duration_ns)
		all->duration_ns = part->duration_ns;
	if (first) {
		all->repeat = part->repeat;
		all->root = part->root ? strdup(part->root) : NULL;
		all->kernel = part->kernel ? strdup(part->kernel) : NULL;
	} else if (all->root && (!part->root || strcmp(all->root, part->root))) {
		/* the shards wrote to several places: name none */
		free(all->root);
		all->root = NULL;
	}
	all->interrupted |= part->interrupted;
	if (!all->signal)
		all->signal = part->signal;
	all->fail_on_skip |= part->fail_on_skip;
}

int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", required_argument, NULL, 'J' },
		{ "junit", required_argument, NULL, 'U' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *json = NULL, *junit = NULL;
	struct term_style style = { .color = cli_color(stdout) };
	struct run_result all = { 0 };
	struct diag d;
	int c, ret = EXIT_USAGE;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (c) {
		case 'J':
			json = optarg;
			break;
		case 'U':
			junit = optarg;
			break;
		case 'q':
			style.quiet = true;
			break;
		case 'h':
			cli_usage(stdout, "merge");
			printf("\n  --json FILE   write the merged results as JSON\n"
			       "  --junit FILE  write them as JUnit XML\n"
			       "  -q, --quiet   only what did not pass, and the summary\n"
			       "\n  Exit status: what the unsharded run would have had (0, 1, 130, 143);\n"
			       "  2 when a file is not `unplug run --json` output.\n");
			return EXIT_PASS;
		default:
			cli_usage(stderr, "merge");
			return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		cli_usage(stderr, "merge");
		return EXIT_USAGE;
	}
	diag_init(&d, NULL);
	for (int i = optind; i < argc; i++) {
		struct run_result part = { 0 };

		if (result_json_read(argv[i], &part, &d)) {
			result_free(&part);
			goto out;
		}
		add_run(&all, &part, i == optind);
		for (size_t k = 0; k < part.n; k++) {
			struct scenario_result *r = result_new_scenario(&all);

			if (!r) {
				result_free(&part);
				goto out;
			}
			*r = part.v[k];		/* moved */
			memset(&part.v[k], 0, sizeof(part.v[k]));
		}
		result_free(&part);
	}
	qsort(all.v, all.n, sizeof(*all.v), by_id);
	for (size_t i = 0; i < all.n; i++)
		report_term_scenario(stdout, &all.v[i], &style);
	report_term_sweeps(stdout, &all, &style);
	report_term_totals(stdout, &all, style.color);
	if ((junit && report_junit_write(junit, &all, &d)) ||
	    (json && report_json_write(json, &all, &d))) {
		ret = EXIT_FAIL;
		goto out;
	}
	ret = result_exit_status(&all);
out:
	diag_print(&d, stderr);
	diag_clear(&d);
	result_free(&all);
	return ret;
}
