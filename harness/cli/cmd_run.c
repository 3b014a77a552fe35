/* unplug run [FILE|DIR]...: run scenarios for real, judge each from its run
 * directory, report. Every scenario is loaded and checked before anything
 * runs: bad input changes nothing on the machine. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/duration.h"
#include "harness/cli/catalogue.h"
#include "harness/cli/cli.h"
#include "harness/judge/judge.h"
#include "harness/model/fault.h"
#include "harness/model/program.h"
#include "harness/model/scenario.h"
#include "harness/run/rundir.h"
#include "harness/run/runner.h"
#include "harness/run/sysctl.h"
#include "netns/probe.h"
#include "reports/report.h"

struct run_opts {
	const char *out;
	const char *junit;
	bool no_exec;		/* refuse scenarios that run programs */
};

/* Kernel features probed at most once per invocation, when a scenario
 * first needs them. */
struct features {
	bool probed[PROBE_NFEATURES];
	struct probe_result result[PROBE_NFEATURES];
};

/* Whether @feature is missing; if so, why, into @why. */
static bool lacks(struct features *f, enum probe_feature feature, const char *what,
		  char *why, size_t len)
{
	if (!f->probed[feature]) {
		probe_feature(feature, &f->result[feature]);
		f->probed[feature] = true;
	}
	if (f->result[feature].ok)
		return false;
	snprintf(why, len, "needs %s: %s", what, f->result[feature].why);
	return true;
}

/* Why @sc cannot run on this kernel (written to @why), or false when it
 * can: a scenario that needs a missing feature is skipped, not failed. */
static bool missing_feature(const struct scenario *sc, struct features *f,
			    char *why, size_t len)
{
	unsigned needs = 0;

	for (size_t i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].fault)
			needs |= sc->steps[i].fault->ops->needs;
	return ((needs & FAULT_NEEDS_NETEM) && lacks(f, PROBE_NETEM, "netem", why, len)) ||
	       (sc->net.family == AF_INET6 && lacks(f, PROBE_IPV6, "IPv6", why, len)) ||
	       (sc->net.nat && lacks(f, PROBE_ROUTED_NAT, "a NAT router", why, len));
}

/* Programs run as the user who typed sudo; with no sudo to say who, as
 * root — never silently. */
static void warn_root(const struct catalogue *cat, struct scenario *const *scs)
{
	const char *uid = getenv("SUDO_UID");

	if (geteuid() || (uid && strtol(uid, NULL, 10)))
		return;
	for (size_t i = 0; i < cat->n; i++)
		if (scenario_runs_programs(scs[i])) {
			fprintf(stderr, "%s: note: programs run as root (no SUDO_UID to run them as): %s\n",
				program_name, cat->v[i].path);
			return;
		}
}

static void on_signal(int sig)
{
	(void)sig;
	runner_stop = 1;
}

static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "junit", required_argument, NULL, 'J' },
		{ "no-exec", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 'J':
			o->junit = optarg;
			break;
		case 'X':
			o->no_exec = true;
			break;
		case 'h':
			cli_usage(stdout, "run");
			printf("\n  --out DIR     write run directories under DIR (default %s/<time>)\n"
			       "  --junit FILE  also write a JUnit XML report\n"
			       "  --no-exec     refuse scenarios that run programs (exec:): running a\n"
			       "                scenario runs the programs it names\n"
			       "\n  With no FILE or DIR, runs the installed catalogue (%s).\n",
			       RUNDIR_DEFAULT_BASE, catalogue_default_dir());
			return EXIT_PASS;
		default:
			cli_usage(stderr, "run");
			return EXIT_USAGE;
		}
	}
	return -1;
}

/* A scenario that would run programs, under --no-exec. */
static int refuse_programs(const struct scenario *sc, struct diag *d)
{
	for (size_t i = 0; i < sc->nhosts; i++)
		if (sc->hosts[i].program) {
			diag_at(d, sc->hosts[i].program->at, "%s would run a program (%s), and --no-exec forbids it",
				sc->hosts[i].name, sc->hosts[i].program->argv[0]);
			return -EPERM;
		}
	return 0;
}

/* Load every scenario up front; print every problem. */
static int load_all(const struct catalogue *cat, const struct run_opts *o,
		    struct scenario **scs)
{
	int bad = 0;

	for (size_t i = 0; i < cat->n; i++) {
		struct diag d;

		diag_init(&d, cat->v[i].path);
		if (scenario_load(cat->v[i].path, &scs[i], &d) ||
		    (o->no_exec && refuse_programs(scs[i], &d)) ||
		    sysctl_check(scs[i], &d)) {
			diag_print(&d, stderr);
			scenario_free(scs[i]);
			scs[i] = NULL;
			bad = 1;
		}
		diag_clear(&d);
	}
	return bad;
}

/* The files a scenario's programs printed to, for the reports. */
static void name_outputs(const struct scenario *sc, struct scenario_result *r)
{
	static const char *const streams[] = { "stdout", "stderr" };

	for (size_t i = 0; i < sc->nhosts; i++)
		for (size_t k = 0; sc->hosts[i].program && k < 2; k++) {
			char *path;

			if (asprintf(&path, "%s/%s.%s", r->run_dir, sc->hosts[i].name, streams[k]) < 0)
				return;
			if (!access(path, F_OK))
				result_add_output(r, path);
			free(path);
		}
}

/* Run and judge one scenario into @r. Returns the runner's error. */
static int run_one(const struct catalogue_entry *ce, const struct scenario *sc,
		   const char *root, struct scenario_result *r)
{
	int64_t start = clock_mono_ns();
	struct diag d;
	int err;

	diag_init(&d, ce->path);
	r->id = strdup(ce->id);
	r->file = strdup(ce->path);
	r->name = strdup(sc->name);
	err = rundir_make(root, ce->id, ce->path, &r->run_dir, &d);
	if (!err)
		err = runner_run(sc, r->run_dir, &d);
	if (!err && judge_run_dir(r->run_dir, r, &d))
		r->verdict = VERDICT_ERROR;
	if (r->run_dir)
		name_outputs(sc, r);
	if (err)
		r->verdict = err == -EINTR ? VERDICT_SKIP : VERDICT_ERROR;
	if (r->verdict == VERDICT_ERROR || r->verdict == VERDICT_SKIP) {
		r->reason = strdup(err == -EINTR ? "interrupted" :
				   d.count ? diag_last(&d) : strerror(-err));
		if (err != -EINTR)
			diag_print(&d, stderr);
	}
	diag_clear(&d);
	r->duration_ns = clock_mono_ns() - start;
	return err;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct catalogue cat = { 0 };
	struct run_result rr = { 0 };
	struct features features = { 0 };
	struct scenario **scs = NULL;
	struct diag d;
	size_t counts[4], cannot = 0;
	int64_t start = clock_mono_ns();
	int ret, bad = 0;

	ret = parse_opts(argc, argv, &o);
	if (ret >= 0)
		return ret;
	ret = EXIT_USAGE;
	diag_init(&d, NULL);
	if (optind == argc)
		bad |= catalogue_add(&cat, catalogue_default_dir(), &d) != 0;
	for (int i = optind; i < argc; i++)
		bad |= catalogue_add(&cat, argv[i], &d) != 0;
	if (!bad && !cat.n) {
		diag_add(&d, "no scenario files found");
		bad = 1;
	}
	scs = calloc(cat.n + 1, sizeof(*scs));
	if (bad || !scs || load_all(&cat, &o, scs))
		goto out;
	ret = EXIT_CANNOT;
	if (rundir_make_root(o.out, &rr.root, &d))
		goto out;
	warn_root(&cat, scs);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < cat.n; i++) {
		struct scenario_result *r = result_new_scenario(&rr);
		char why[320];

		if (!r)
			goto out;
		if (missing_feature(scs[i], &features, why, sizeof(why))) {
			r->id = strdup(cat.v[i].id);
			r->file = strdup(cat.v[i].path);
			r->name = strdup(scs[i]->name);
			r->verdict = VERDICT_SKIP;
			r->reason = strdup(why);
			cannot++;
		} else {
			cannot += run_one(&cat.v[i], scs[i], rr.root, r) == -EPERM;
		}
		report_term_scenario(stdout, r, cli_color(stdout));
		fflush(stdout);
	}
	rr.duration_ns = clock_mono_ns() - start;
	report_term_totals(stdout, &rr, cli_color(stdout));
	if (o.junit && report_junit_write(o.junit, &rr, &d))
		bad = 1;
	result_count(&rr, counts);
	if (cannot == rr.n)
		ret = EXIT_CANNOT;
	else if (bad || counts[VERDICT_FAIL] || counts[VERDICT_ERROR] || runner_stop)
		ret = EXIT_FAIL;
	else
		ret = EXIT_PASS;
out:
	diag_print(&d, stderr);
	diag_clear(&d);
	for (size_t i = 0; scs && i < cat.n; i++)
		scenario_free(scs[i]);
	free(scs);
	catalogue_free(&cat);
	result_free(&rr);
	return ret;
}
