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
#include "harness/run/batch.h"
#include "harness/run/rundir.h"
#include "harness/run/runner.h"
#include "harness/run/sysctl.h"
#include "harness/run/watch.h"
#include "netns/probe.h"
#include "reports/report.h"

struct run_opts {
	const char *out;
	const char *junit;
	bool no_exec;		/* refuse scenarios that run programs */
	int jobs;		/* scenarios at a time */
};

/* Scenarios mostly sleep while the kernel's timers run: several at a time
 * cost little. */
#define JOBS_DEFAULT 8
#define JOBS_MAX 64

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
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->jobs = JOBS_DEFAULT;
	while ((c = getopt_long(argc, argv, "o:hj:", opts, NULL)) != -1) {
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
		case 'j': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || v < 1 || v > JOBS_MAX) {
				fprintf(stderr, "%s run: bad -j: \"%s\" (1 to %d scenarios at a time)\n",
					program_name, optarg, JOBS_MAX);
				return EXIT_USAGE;
			}
			o->jobs = (int)v;
			break;
		}
		case 'h':
			cli_usage(stdout, "run");
			printf("\n  --out DIR     write run directories under DIR (default %s/<time>)\n"
			       "  --junit FILE  also write a JUnit XML report\n"
			       "  -j, --jobs N  run N scenarios at a time, each in namespaces of its own\n"
			       "                (default %d; longest first)\n"
			       "  --no-exec     refuse scenarios that run programs (exec:): running a\n"
			       "                scenario runs the programs it names\n"
			       "\n  With no FILE or DIR, runs the installed catalogue (%s).\n",
			       RUNDIR_DEFAULT_BASE, JOBS_DEFAULT, catalogue_default_dir());
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

/* Everything one invocation of `unplug run` runs and reports. */
struct invocation {
	const struct catalogue *cat;
	struct scenario **scs;
	struct run_result *rr;
	struct batch_job *jobs;
	size_t cannot;		/* scenarios the machine could not run */
};

/* Judge a finished scenario @i into its result and report it. */
static void finish(void *arg, size_t i)
{
	struct invocation *in = arg;
	struct scenario_result *r = &in->rr->v[i];
	struct batch_job *j = &in->jobs[i];
	struct diag d;
	const char *last = NULL;

	diag_init(&d, in->cat->v[i].path);
	if (!j->err && judge_run_dir(r->run_dir, r, &d))
		r->verdict = VERDICT_ERROR;
	name_outputs(in->scs[i], r);
	for (char *line = j->why, *end; line && *line; line = end + 1) {
		end = strchr(line, '\n');
		if (!end)
			break;
		*end = '\0';
		if (j->err != -EINTR)
			fprintf(stderr, "%s\n", line);
		last = line;
	}
	if (j->err) {
		r->verdict = j->err == -EINTR ? VERDICT_SKIP : VERDICT_ERROR;
		r->reason = strdup(j->err == -EINTR ? "interrupted" : last ? last : strerror(-j->err));
	} else if (r->verdict == VERDICT_ERROR && !r->reason && d.count) {
		r->reason = strdup(diag_last(&d));
	}
	diag_print(&d, stderr);
	diag_clear(&d);
	in->cannot += j->err == -EPERM;
	r->duration_ns = j->duration_ns;
	report_term_scenario(stdout, r, cli_color(stdout));
	fflush(stdout);
}

/* Longest first: with several at a time, the run ends soonest. */
static int longest_first(const void *a, const void *b, void *scs)
{
	struct scenario *const *v = scs;
	int64_t x = watch_bound_ns(v[*(const size_t *)a]), y = watch_bound_ns(v[*(const size_t *)b]);

	return x < y ? 1 : x > y ? -1 : (*(const size_t *)a > *(const size_t *)b) -
					  (*(const size_t *)a < *(const size_t *)b);
}

/* Run every scenario that can run, @jobs at a time; report each as it
 * ends. Returns 0, or -errno when they could not be started. */
static int run_all(struct invocation *in, const struct run_opts *o, struct features *f,
		   struct diag *d)
{
	size_t n = in->cat->n, nrun = 0, *order = calloc(n + 1, sizeof(*order));
	int err = 0;

	in->jobs = calloc(n + 1, sizeof(*in->jobs));
	if (!order || !in->jobs) {
		free(order);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && !err; i++) {
		struct scenario_result *r = &in->rr->v[i];
		char why[320];

		r->id = strdup(in->cat->v[i].id);
		r->file = strdup(in->cat->v[i].path);
		r->name = strdup(in->scs[i]->name);
		if (missing_feature(in->scs[i], f, why, sizeof(why))) {
			r->verdict = VERDICT_SKIP;
			r->reason = strdup(why);
			in->cannot++;
			report_term_scenario(stdout, r, cli_color(stdout));
			continue;
		}
		err = rundir_make(in->rr->root, in->cat->v[i].id, in->cat->v[i].path, &r->run_dir, d);
		in->jobs[i] = (struct batch_job){ .sc = in->scs[i], .dir = r->run_dir };
		order[nrun++] = i;
	}
	if (!err && o->jobs > 1)
		qsort_r(order, nrun, sizeof(*order), longest_first, in->scs);
	if (!err)
		err = batch_run(in->jobs, order, nrun, o->jobs, finish, in);
	for (size_t i = 0; i < n; i++)
		batch_job_clear(&in->jobs[i]);
	free(in->jobs);
	free(order);
	return err;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct catalogue cat = { 0 };
	struct run_result rr = { 0 };
	struct features features = { 0 };
	struct scenario **scs = NULL;
	struct invocation in;
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
	for (size_t i = 0; i < cat.n; i++)
		if (!result_new_scenario(&rr))
			goto out;
	in = (struct invocation){ .cat = &cat, .scs = scs, .rr = &rr };
	if (run_all(&in, &o, &features, &d))
		bad = 1;
	cannot = in.cannot;
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
