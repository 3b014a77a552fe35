/* unplug run [FILE|DIR]...: run scenarios for real, judge each from its run
 * directory, report. Every scenario is loaded and checked, and every
 * output path tried, before anything runs: bad input changes nothing on
 * the machine. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/duration.h"
#include "harness/cli/catalogue.h"
#include "harness/cli/cli.h"
#include "harness/cli/progress.h"
#include "harness/cli/select.h"
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
	const char *json;
	const char *patterns[16];	/* -k: any of them */
	size_t npatterns;
	bool no_exec;		/* refuse scenarios that run programs */
	bool fail_on_skip;
	int jobs;		/* scenarios at a time */
	int repeat;		/* runs of each scenario */
	int shard, shards;	/* --shard K/N; 0: all */
	struct term_style style;
};

/* Scenarios mostly sleep while the kernel's timers run: several at a time
 * cost little. */
#define JOBS_DEFAULT 8
#define JOBS_MAX 64
#define REPEAT_MAX 1000

static volatile sig_atomic_t stop_signal;

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
	stop_signal = sig;
	runner_stop = 1;
}

static int number(const char *opt, const char *arg, long max, int *v)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (*end || end == arg || n < 1 || n > max) {
		fprintf(stderr, "%s run: bad %s: \"%s\" (a whole number from 1 to %ld)\n",
			program_name, opt, arg, max);
		return EXIT_USAGE;
	}
	*v = (int)n;
	return -1;
}

static void help(void)
{
	cli_usage(stdout, "run");
	printf("\n  -o, --out DIR     write run directories under DIR (default %s/<time>)\n"
	       "      --junit FILE  also write a JUnit XML report\n"
	       "      --json FILE   also write the results as JSON (docs/results-json.md)\n"
	       "  -j, --jobs N      run N scenarios at a time, each in namespaces of its own\n"
	       "                    (default %d; longest first)\n"
	       "      --repeat N    run every scenario N times: an expectation passes only if\n"
	       "                    it passed every time; min/median/p99/max of each value\n"
	       "  -k PATTERN        only scenarios whose id contains PATTERN, or matches it\n"
	       "                    as a shell glob when it has * ? or [ (repeatable: any)\n"
	       "      --shard K/N   run only the K-th of N deterministic slices (CI matrices;\n"
	       "                    combine their --json with `unplug merge`)\n"
	       "      --fail-on-skip  exit 1 when a scenario was skipped\n"
	       "      --no-exec     refuse scenarios that run programs (exec:): running a\n"
	       "                    scenario runs the programs it names\n"
	       "  -q, --quiet       only what did not pass, and the summary\n"
	       "  -v, --verbose     every expectation, and each repeat's run\n"
	       "\n  With no FILE or DIR, runs the installed catalogue (%s).\n"
	       "  Exit status: 0 all passed, 1 a failure, 2 bad input or an unwritable output,\n"
	       "  3 the machine cannot run it, 130/143 interrupted by SIGINT/SIGTERM.\n",
	       RUNDIR_DEFAULT_BASE, JOBS_DEFAULT, catalogue_default_dir());
}

static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	enum { OPT_JUNIT = 256, OPT_JSON, OPT_NO_EXEC, OPT_REPEAT, OPT_SHARD, OPT_FAIL_ON_SKIP };
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "junit", required_argument, NULL, OPT_JUNIT },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "no-exec", no_argument, NULL, OPT_NO_EXEC },
		{ "jobs", required_argument, NULL, 'j' },
		{ "repeat", required_argument, NULL, OPT_REPEAT },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "fail-on-skip", no_argument, NULL, OPT_FAIL_ON_SKIP },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = -1;

	o->jobs = JOBS_DEFAULT;
	o->repeat = 1;
	while (ret < 0 && (c = getopt_long(argc, argv, "o:hj:k:qv", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case OPT_JUNIT:
			o->junit = optarg;
			break;
		case OPT_JSON:
			o->json = optarg;
			break;
		case OPT_NO_EXEC:
			o->no_exec = true;
			break;
		case OPT_FAIL_ON_SKIP:
			o->fail_on_skip = true;
			break;
		case 'j':
			ret = number("-j", optarg, JOBS_MAX, &o->jobs);
			break;
		case OPT_REPEAT:
			ret = number("--repeat", optarg, REPEAT_MAX, &o->repeat);
			break;
		case 'k':
			if (o->npatterns == sizeof(o->patterns) / sizeof(o->patterns[0])) {
				fprintf(stderr, "%s run: at most 16 -k patterns\n", program_name);
				return EXIT_USAGE;
			}
			o->patterns[o->npatterns++] = optarg;
			break;
		case OPT_SHARD:
			if (select_parse_shard(optarg, &o->shard, &o->shards)) {
				fprintf(stderr, "%s run: bad --shard: \"%s\" (K/N: the K-th of N slices, 1 <= K <= N <= 1000)\n",
					program_name, optarg);
				return EXIT_USAGE;
			}
			break;
		case 'q':
			o->style.quiet = true;
			break;
		case 'v':
			o->style.verbose = true;
			break;
		case 'h':
			help();
			return EXIT_PASS;
		default:
			cli_usage(stderr, "run");
			return EXIT_USAGE;
		}
	}
	return ret;
}

/* Whether an output file can be written, tried before anything runs: its
 * directory exists and takes files, and it is not a directory itself.
 * Nothing is created. */
static bool writable(const char *what, const char *path, struct diag *d)
{
	char *copy = strdup(path);
	const char *dir = copy ? dirname(copy) : ".";
	struct stat st;
	bool ok = false;

	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		diag_add(d, "%s %s: is a directory", what, path);
	else if (!stat(path, &st) && access(path, W_OK))
		diag_add(d, "%s %s: cannot write it: %s", what, path, strerror(errno));
	else if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		diag_add(d, "%s %s: no directory %s", what, path, dir);
	else if (access(dir, W_OK | X_OK))
		diag_add(d, "%s %s: cannot write in %s: %s", what, path, dir, strerror(errno));
	else
		ok = true;
	free(copy);
	return ok;
}

/* Keep the scenarios -k selects; none given, all. */
static void filter(struct catalogue *cat, const struct run_opts *o)
{
	size_t kept = 0;

	for (size_t i = 0; i < cat->n; i++) {
		bool keep = !o->npatterns;

		for (size_t k = 0; k < o->npatterns && !keep; k++)
			keep = select_match(cat->v[i].id, o->patterns[k]);
		if (keep) {
			cat->v[kept++] = cat->v[i];
		} else {
			free(cat->v[i].path);
			free(cat->v[i].id);
		}
	}
	cat->n = kept;
}

/* Keep this shard's scenarios (loaded: a slice is dealt by length). */
static void keep_shard(struct catalogue *cat, struct scenario **scs, const struct run_opts *o)
{
	int64_t *w = calloc(cat->n + 1, sizeof(*w));
	int *of = calloc(cat->n + 1, sizeof(*of));
	size_t kept = 0;

	if (!w || !of) {
		free(w);
		free(of);
		return;
	}
	for (size_t i = 0; i < cat->n; i++)
		w[i] = watch_bound_ns(scs[i]);
	select_shard(w, cat->n, o->shards, of);
	for (size_t i = 0; i < cat->n; i++) {
		if (of[i] == o->shard) {
			cat->v[kept] = cat->v[i];
			scs[kept++] = scs[i];
		} else {
			free(cat->v[i].path);
			free(cat->v[i].id);
			scenario_free(scs[i]);
		}
	}
	cat->n = kept;
	free(w);
	free(of);
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

/* Everything one invocation of `unplug run` runs and reports. Job j is
 * run j % repeat of scenario j / repeat. */
struct invocation {
	const struct catalogue *cat;
	struct scenario **scs;
	const struct run_opts *o;
	struct run_result *rr;
	struct batch_job *jobs;
	struct scenario_result *runs;	/* per job, with --repeat */
	size_t *left;			/* per scenario: runs not yet ended */
	struct progress progress;
	size_t cannot;		/* scenarios the machine could not run */
};

/* Judge the finished job @j into @r. */
static void judge_job(struct invocation *in, size_t i, struct batch_job *j,
		      struct scenario_result *r)
{
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
	if (j->err == -EINTR || (j->err && runner_stop)) {
		r->verdict = VERDICT_INTERRUPTED;
		r->reason = strdup("interrupted");
	} else if (j->err) {
		r->verdict = VERDICT_ERROR;
		r->reason = strdup(last ? last : strerror(-j->err));
	} else if (r->verdict == VERDICT_ERROR && !r->reason && d.count) {
		r->reason = strdup(diag_last(&d));
	}
	diag_print(&d, stderr);
	diag_clear(&d);
	in->cannot += j->err == -EPERM;
	r->duration_ns = j->duration_ns;
}

static void report(struct invocation *in, const struct scenario_result *r)
{
	progress_clear(&in->progress);
	report_term_scenario(stdout, r, &in->o->style);
	fflush(stdout);
	progress_draw(&in->progress);
}

static void started(void *arg, size_t j)
{
	struct invocation *in = arg;
	size_t i = j / (size_t)in->o->repeat;

	progress_clear(&in->progress);
	progress_started(&in->progress, in->cat->v[i].id, (int)(j % (size_t)in->o->repeat) + 1,
			 in->o->repeat, watch_bound_ns(in->scs[i]));
	progress_draw(&in->progress);
}

static void tick(void *arg)
{
	struct invocation *in = arg;

	progress_draw(&in->progress);
}

/* Scenario @i's runs, done, into its result, which takes them over. */
static void fold(struct invocation *in, size_t i)
{
	size_t repeat = (size_t)in->o->repeat;
	struct scenario_result *r = &in->rr->v[i], *runs = calloc(repeat, sizeof(*runs));

	if (runs) {
		memcpy(runs, &in->runs[i * repeat], repeat * sizeof(*runs));
		memset(&in->runs[i * repeat], 0, repeat * sizeof(*runs));
	}
	if (!runs || result_fold_runs(r, runs, repeat)) {
		r->verdict = VERDICT_ERROR;
		free(r->reason);
		r->reason = strdup("out of memory folding the runs");
		if (!r->runs)
			free(runs);
	}
}

/* A job ended: judge it; when it was its scenario's last run, fold the
 * runs and report the scenario. */
static void finish(void *arg, size_t j)
{
	struct invocation *in = arg;
	size_t repeat = (size_t)in->o->repeat, i = j / repeat;
	struct scenario_result *r = &in->rr->v[i];

	progress_ended(&in->progress, in->cat->v[i].id, (int)(j % repeat) + 1);
	in->left[i]--;
	if (repeat == 1) {
		judge_job(in, i, &in->jobs[j], r);
		report(in, r);
		return;
	}
	judge_job(in, i, &in->jobs[j], &in->runs[j]);
	if (in->left[i])
		return;
	fold(in, i);
	report(in, r);
}

/* Longest first: with several at a time, the run ends soonest. */
static int longest_first(const void *a, const void *b, void *arg)
{
	const struct invocation *in = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int64_t wx = watch_bound_ns(in->scs[x / (size_t)in->o->repeat]),
		wy = watch_bound_ns(in->scs[y / (size_t)in->o->repeat]);

	return wx < wy ? 1 : wx > wy ? -1 : (x > y) - (x < y);
}

/* Make the run directory of job @j. */
static int make_dir(struct invocation *in, size_t j, char **dir, struct diag *d)
{
	size_t i = j / (size_t)in->o->repeat;
	char *id = NULL;
	int err;

	if (in->o->repeat == 1)
		return rundir_make(in->rr->root, in->cat->v[i].id, in->cat->v[i].path, dir, d);
	if (asprintf(&id, "%s/run-%zu", in->cat->v[i].id, j % (size_t)in->o->repeat + 1) < 0)
		return -ENOMEM;
	err = rundir_make(in->rr->root, id, in->cat->v[i].path, dir, d);
	free(id);
	return err;
}

/* Run every scenario that can run, each o->repeat times, o->jobs at a
 * time; report each as it ends. Returns 0, or -errno when they could not
 * be started. */
static int run_all(struct invocation *in, struct features *f, struct diag *d)
{
	const struct run_opts *o = in->o;
	size_t n = in->cat->n, repeat = (size_t)o->repeat, njobs = n * repeat, nrun = 0;
	size_t *order = calloc(njobs + 1, sizeof(*order));
	struct batch_hooks hooks = { .started = started, .done = finish, .tick = tick,
				     .tick_ms = 250, .arg = in };
	int err = 0;

	in->jobs = calloc(njobs + 1, sizeof(*in->jobs));
	in->runs = calloc(njobs + 1, sizeof(*in->runs));
	in->left = calloc(n + 1, sizeof(*in->left));
	if (!order || !in->jobs || !in->runs || !in->left) {
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
			report(in, r);
			continue;
		}
		if (repeat > 1 && asprintf(&r->run_dir, "%s/%s", in->rr->root, in->cat->v[i].id) < 0)
			r->run_dir = NULL;
		for (size_t k = 0; k < repeat && !err; k++) {
			size_t j = i * repeat + k;
			struct scenario_result *into = repeat == 1 ? r : &in->runs[j];

			if (repeat > 1) {
				into->id = strdup(in->cat->v[i].id);
				into->file = strdup(in->cat->v[i].path);
				into->name = strdup(in->scs[i]->name);
			}
			err = make_dir(in, j, &into->run_dir, d);
			in->jobs[j] = (struct batch_job){ .sc = in->scs[i], .dir = into->run_dir };
			order[nrun++] = j;
		}
		in->left[i] = repeat;
	}
	progress_init(&in->progress, stdout, nrun, cli_color(stdout) && !o->style.quiet,
		      o->style.quiet);
	if (!err && o->jobs > 1)
		qsort_r(order, nrun, sizeof(*order), longest_first, in);
	if (!err)
		err = batch_run(in->jobs, order, nrun, o->jobs, &hooks);
	progress_clear(&in->progress);
	/* what a signal kept from running */
	for (size_t i = 0; i < n; i++) {
		struct scenario_result *r = &in->rr->v[i];

		if (!in->left[i] || r->verdict == VERDICT_SKIP)
			continue;
		if (repeat > 1 && in->left[i] < repeat) {
			for (size_t k = 0; k < repeat; k++) {
				struct scenario_result *run = &in->runs[i * repeat + k];

				if (!in->jobs[i * repeat + k].duration_ns && !run->reason) {
					run->verdict = VERDICT_INTERRUPTED;
					run->reason = strdup("not run: interrupted");
				}
			}
			fold(in, i);
		} else {
			r->verdict = VERDICT_INTERRUPTED;
			free(r->reason);
			r->reason = strdup("not run: interrupted");
		}
		in->left[i] = 0;
	}
	for (size_t j = 0; j < njobs; j++) {
		batch_job_clear(&in->jobs[j]);
		result_scenario_free(&in->runs[j]);
	}
	free(in->jobs);
	free(in->runs);
	free(in->left);
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
	size_t cannot = 0;
	int64_t start = clock_mono_ns();
	int ret, bad = 0;

	ret = parse_opts(argc, argv, &o);
	if (ret >= 0)
		return ret;
	o.style.color = cli_color(stdout);
	ret = EXIT_USAGE;
	diag_init(&d, NULL);
	if (optind == argc)
		bad |= catalogue_add(&cat, catalogue_default_dir(), &d) != 0;
	for (int i = optind; i < argc; i++)
		bad |= catalogue_add(&cat, argv[i], &d) != 0;
	filter(&cat, &o);
	if (!bad && !cat.n) {
		diag_add(&d, o.npatterns ? "no scenario matches -k" : "no scenario files found");
		bad = 1;
	}
	if (o.junit)
		bad |= !writable("--junit", o.junit, &d);
	if (o.json)
		bad |= !writable("--json", o.json, &d);
	scs = calloc(cat.n + 1, sizeof(*scs));
	if (bad || !scs || load_all(&cat, &o, scs))
		goto out;
	if (o.shards)
		keep_shard(&cat, scs, &o);
	if (rundir_make_root(o.out, &rr.root, &d))
		goto out;
	rr.started_ns = clock_wall_ns();
	rr.shard = o.shard;
	rr.shards = o.shards;
	rr.repeat = o.repeat;
	rr.fail_on_skip = o.fail_on_skip;
	ret = EXIT_CANNOT;
	warn_root(&cat, scs);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < cat.n; i++)
		if (!result_new_scenario(&rr))
			goto out;
	in = (struct invocation){ .cat = &cat, .scs = scs, .o = &o, .rr = &rr };
	if (run_all(&in, &features, &d))
		bad = 1;
	cannot = in.cannot;
	rr.duration_ns = clock_mono_ns() - start;
	rr.interrupted = runner_stop;
	rr.signal = stop_signal;
	report_term_totals(stdout, &rr, o.style.color);
	if (o.junit && report_junit_write(o.junit, &rr, &d))
		bad = 1;
	if (o.json && report_json_write(o.json, &rr, &d))
		bad = 1;
	ret = result_exit_status(&rr);
	if (!rr.interrupted && rr.n && cannot == rr.n)
		ret = EXIT_CANNOT;
	else if (!ret && bad)
		ret = EXIT_FAIL;
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
