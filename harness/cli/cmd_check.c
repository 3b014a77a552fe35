/* unplug check: what this machine can do — each feature tried for real in
 * a throwaway namespace. */
#include <stdio.h>
#include <string.h>

#include "harness/cli/cli.h"
#include "netns/probe.h"
#include "netns/userns.h"

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
	if (userns_privileged()) {
		printf("  mode: root (CAP_NET_ADMIN and CAP_SYS_ADMIN)\n");
	} else {
		struct diag d;

		diag_init(&d, NULL);
		if (userns_enter_rootless(&d)) {
			printf("  %sno%s  rootless mode: %s\n", color ? "\033[31m" : "", color ? "\033[0m" : "",
			       diag_last(&d));
			printf("unplug run cannot work here: run it as root, or allow user namespaces\n");
			diag_clear(&d);
			return EXIT_CANNOT;
		}
		diag_clear(&d);
		printf("  mode: rootless (no CAP_NET_ADMIN over this network namespace: unplug runs in a user namespace of its own)\n");
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
