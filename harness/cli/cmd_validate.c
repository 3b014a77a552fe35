/* unplug validate FILE|DIR...: load and check scenarios, no root needed. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"
#include "harness/cli/catalogue.h"
#include "harness/cli/cli.h"
#include "harness/model/lint.h"
#include "harness/model/program.h"
#include "harness/model/scenario.h"
#include "harness/run/exec.h"
#include "harness/run/sysctl.h"
#include "netns/topo.h"

/* One file, one combination at a time: what was found of it. */
struct checked {
	bool allow_long;
	struct diag *errors, *warnings;
	bool failed;
	char name[512];		/* escaped */
	size_t combinations;
	bool verbose;
	char *hosts;		/* -v: its hosts, one per line */
};

/* "  db       198.18.0.3  listens on 5432": each host in index order, the
 * order their addresses are given in. */
static char *hosts_text(const struct scenario *sc)
{
	char *buf = NULL, addr[64];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; i < sc->nhosts; i++) {
		const struct host *h = &sc->hosts[i];

		topo_host_addr_of(sc->net.kind == NET_ROUTED, sc->net.family, (int)i, addr, sizeof(addr));
		fprintf(f, "  %-16s %-16s ", h->name, addr);
		if (h->program)
			fprintf(f, "runs %s", h->program->argv[0]);
		if (h->program && h->peer.role == PEER_LISTEN)
			fprintf(f, ", ");
		if (h->peer.role == PEER_LISTEN)
			fprintf(f, "listens on %u", h->peer.port);
		else if (!h->program)
			fprintf(f, "connects to %s:%u", sc->hosts[h->peer.target].name, h->peer.port);
		fputc('\n', f);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

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
	if (k == 0 && c->verbose)
		c->hosts = hosts_text(sc);
	c->combinations = sc->pick.n ? count : 0;
	scenario_free(sc);
	return 0;
}

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "long", no_argument, NULL, 'L' },
		{ "strict", no_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct catalogue cat = { 0 };
	bool allow_long = false, strict = false, verbose = false;
	size_t nwarnings = 0;
	struct diag d;
	int c, bad = 0;

	while ((c = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		if (c == 'v') {
			verbose = true;
			continue;
		}
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
			       "  -v, --verbose  list each scenario's hosts: name, address, what it runs\n"
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
		struct checked ck = { .allow_long = allow_long, .errors = &sd, .warnings = &wd,
				      .verbose = verbose };
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
			if (ck.hosts)
				fputs(ck.hosts, stdout);
		}
		free(ck.hosts);
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
