/* unplug check: what this machine can do — each feature tried for real in
 * a throwaway namespace. */
#include <stdio.h>
#include <string.h>

#include "harness/cli/cli.h"
#include "netns/probe.h"

int cmd_check(int argc, char **argv)
{
	bool color = cli_color(stdout), missing = false;

	if (argc > 1) {
		if (strcmp(argv[1], "--help") && strcmp(argv[1], "-h")) {
			cli_usage(stderr, "check");
			return EXIT_USAGE;
		}
		cli_usage(stdout, "check");
		return EXIT_PASS;
	}
	for (int f = 0; f < PROBE_NFEATURES; f++) {
		struct probe_result r;

		probe_feature(f, &r);
		printf("  %s%-3s%s %s%s%s\n", color ? (r.ok ? "\033[32m" : "\033[31m") : "",
		       r.ok ? "yes" : "no", color ? "\033[0m" : "", r.name,
		       r.ok ? "" : ": ", r.why);
		missing |= !r.ok && r.required;
		/* without namespaces nothing else can be tried */
		if (f == PROBE_NETNS && !r.ok) {
			missing = true;
			break;
		}
	}
	if (missing)
		printf("unplug run cannot work here: see the missing features above\n");
	return missing ? EXIT_CANNOT : EXIT_PASS;
}
