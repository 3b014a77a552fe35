/* unplug list [FILE|DIR]... [-k PATTERN]: the scenarios, one per line: id,
 * the claims they measure, and the first sentence of what they do. No
 * root needed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"
#include "harness/cli/catalogue.h"
#include "harness/cli/cli.h"
#include "harness/cli/select.h"
#include "harness/model/scenario.h"

/* The first sentence of @about, on one line, into @buf. */
static const char *first_sentence(const char *about, char *buf, size_t len)
{
	size_t n = 0;

	for (const char *s = about ? about : ""; *s && n + 1 < len; s++) {
		if (*s == '\n' || *s == '\t')
			buf[n++] = ' ';
		else
			buf[n++] = *s;
		if (*s == '.' && (s[1] == ' ' || s[1] == '\n' || !s[1]))
			break;
	}
	buf[n] = '\0';
	return buf;
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *patterns[16];
	struct catalogue cat = { 0 };
	size_t npatterns = 0, shown = 0;
	struct diag d;
	int c, bad = 0;

	while ((c = getopt_long(argc, argv, "hk:", opts, NULL)) != -1) {
		if (c == 'k' && npatterns < sizeof(patterns) / sizeof(patterns[0])) {
			patterns[npatterns++] = optarg;
			continue;
		}
		if (c == 'h') {
			cli_usage(stdout, "list");
			printf("\n  -k PATTERN  only ids containing PATTERN, or matching it as a shell\n"
			       "              glob when it has * ? or [ (repeatable: any);\n"
			       "              -k '!PATTERN' leaves out those that match\n"
			       "\n  With no FILE or DIR, lists the installed catalogue (%s).\n",
			       catalogue_default_dir());
			return EXIT_PASS;
		}
		cli_usage(stderr, "list");
		return EXIT_USAGE;
	}
	diag_init(&d, NULL);
	if (optind == argc)
		bad |= catalogue_add(&cat, catalogue_default_dir(), &d) != 0;
	for (int i = optind; i < argc; i++)
		bad |= catalogue_add(&cat, argv[i], &d) != 0;
	for (size_t i = 0; i < cat.n; i++) {
		struct scenario **scs = NULL, *sc;
		struct diag sd;
		char claims[256] = "", about[200], safe[800], id[800];
		size_t n = 0;

		if (!select_any(cat.v[i].id, patterns, npatterns))
			continue;
		diag_init(&sd, cat.v[i].path);
		if (scenario_load_sweep(cat.v[i].path, &scs, &n, &sd)) {
			diag_print(&sd, stderr);
			diag_clear(&sd);
			bad = 1;
			continue;
		}
		sc = scs[0];
		for (size_t k = 0, used = 0; k < sc->nclaims && used < sizeof(claims); k++)
			used += (size_t)snprintf(claims + used, sizeof(claims) - used, "%s%s%s%s",
						 k ? "," : "", sc->claims[k],
						 sc->findings[k] == CLAIM_CONFIRMED ? "" : ":",
						 sc->findings[k] == CLAIM_CONFIRMED ? "" :
						 claim_finding_name(sc->findings[k]));
		/* all of it from the files: escaped */
		printf("%-40s %-16s %s", escape_buf(cat.v[i].id, id, sizeof(id)), claims[0] ? claims : "-",
		       escape_buf(first_sentence(sc->about ? sc->about : sc->name, about, sizeof(about)),
				  safe, sizeof(safe)));
		if (sc->pick.n)
			printf(" (a sweep: %zu combinations)", n);
		printf("\n");
		shown++;
		scenario_free_all(scs, n);
		diag_clear(&sd);
	}
	if (!bad && !shown)
		diag_add(&d, npatterns ? "no scenario matches -k" : "no scenario files found");
	diag_print(&d, stderr);
	bad |= d.count > 0;
	diag_clear(&d);
	catalogue_free(&cat);
	return bad ? EXIT_USAGE : EXIT_PASS;
}
