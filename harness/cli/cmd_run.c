/* unplug run [FILE|DIR]...: run scenarios for real, judge each from its run
 * directory, report. Every scenario is loaded and checked, and every
 * output path tried, before anything runs: bad input changes nothing on
 * the machine. */
#include <errno.h>
#include <sched.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/escape.h"
#include "common/rt.h"
#include "common/vec.h"
#include "harness/cli/catalogue.h"
#include "harness/cli/cli.h"
#include "harness/cli/run_jobs.h"
#include "harness/cli/run_kernels.h"
#include "harness/cli/select.h"
#include "harness/model/program.h"
#include "harness/model/scenario.h"
#include "harness/run/exec.h"
#include "harness/run/rundir.h"
#include "harness/run/runner.h"
#include "harness/run/sysctl.h"
#include "harness/run/watch.h"
#include "netns/userns.h"
#include "reports/report.h"
#include "reports/sweep.h"

struct run_opts {
	const char *out;
	const char *junit;
	const char *json;
	const char *patterns[16];	/* -k: any of them */
	size_t npatterns;
	bool no_exec;		/* refuse scenarios that run programs */
	bool allow_long;	/* --long: timelines up to a day */
	struct run_kernels kernels;	/* --kernel DIR: in machines booting these */
	bool fail_on_skip;
	int jobs;		/* scenarios at a time */
	bool jobs_given;	/* -j was given (else a machine runs as many
				 * as it has CPUs) */
	int repeat;		/* runs of each scenario */
	int retries;		/* runs again of an unsure one */
	bool realtime;		/* --realtime: timelines at SCHED_FIFO */
	bool repeat_given;	/* --repeat: even of those with a repeat: */
	int shard, shards;	/* --shard K/N; 0: all */
	struct term_style style;
};

/* Scenarios mostly sleep while the kernel's timers run: several at a
 * time per CPU cost little (-j's default: JOBS_PER_CPU per CPU the
 * process may use, at least 2). */
#define JOBS_PER_CPU 4
#define JOBS_MAX 64
#define REPEAT_MAX 1000
#define RETRIES_DEFAULT 2
#define RETRIES_MAX 10

static volatile sig_atomic_t stop_signal;

/* Programs run as the user who typed sudo; with no sudo to say who, as
 * root — never silently. */
static void warn_root(const struct catalogue *cat, struct scenario *const *scs, bool rootless)
{
	const char *uid = getenv("SUDO_UID");

	/* rootless, "root" is the user who ran it, mapped: not worth a word */
	if (rootless || geteuid() || (uid && strtol(uid, NULL, 10)))
		return;
	for (size_t i = 0; i < cat->n; i++)
		if (scenario_runs_programs(scs[i])) {
			char path[512];

			fprintf(stderr, "%s: note: programs run as root (no SUDO_UID to run them as): %s\n",
				program_name, escape_buf(cat->v[i].path, path, sizeof(path)));
			return;
		}
}

static void on_signal(int sig)
{
	stop_signal = sig;
	runner_stop = 1;
}

/* SIGINT and SIGTERM stop the run. Without SA_RESTART (which signal()
 * sets): a blocking call returns EINTR and the loop around it looks at
 * runner_stop, instead of the call quietly starting again. */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static int number(const char *opt, const char *arg, long min, long max, int *v)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (*end || end == arg || n < min || n > max) {
		fprintf(stderr, "%s run: bad %s: \"%s\" (a whole number from %ld to %ld)\n",
			program_name, opt, arg, min, max);
		return EXIT_USAGE;
	}
	*v = (int)n;
	return -1;
}

/* The CPUs this process may run on. */
static int cpus_available(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	n = CPU_COUNT(&set);
	return n > 0 ? n : 1;
}

/* -j's default: what fits the machine. */
static int jobs_default(void)
{
	int n = cpus_available() * JOBS_PER_CPU;

	return n < 2 ? 2 : n > JOBS_MAX ? JOBS_MAX : n;
}

static void help(void)
{
	cli_usage(stdout, "run");
	printf("\n  -o, --out DIR     write run directories under DIR (default %s/<time>)\n"
	       "      --junit FILE  also write a JUnit XML report\n"
	       "      --json FILE   also write the results as JSON (docs/results-json.md)\n"
	       "  -j, --jobs N      run N scenarios at a time, each in namespaces of its own\n"
	       "                    (default %d: %d per CPU available; longest first)\n"
	       "      --retries N   run a scenario that ended unsure again, up to N times\n"
	       "                    (default %d; 0: never): unsure is what was measured\n"
	       "                    lying across a bound by unplug's own lateness\n"
	       "      --realtime    run the timelines, built-in peers and capture drains at\n"
	       "                    SCHED_FIFO where permitted (off: on this kind of kernel\n"
	       "                    it starves ksoftirqd, and the kernel's timers run late;\n"
	       "                    docs/performance.md)\n"
	       "      --repeat N    run every scenario N times (even one with a repeat: of\n"
	       "                    its own): an expectation passes only if it passed every\n"
	       "                    time, one with rate: if it passed in that share of the\n"
	       "                    runs; min/median/p99/max of each value\n"
	       "  -k PATTERN        only scenarios whose id contains PATTERN, or matches it\n"
	       "                    as a shell glob when it has * ? or [ (repeatable: any);\n"
	       "                    -k '!PATTERN' leaves out those that match\n"
	       "      --shard K/N   run only the K-th of N deterministic slices (CI matrices;\n"
	       "                    combine their --json with `unplug merge`)\n"
	       "      --fail-on-skip  exit 1 when a scenario was skipped\n"
	       "      --no-exec     refuse scenarios that run programs (exec:, programs:): running a\n"
	       "                    scenario runs the programs it names\n"
	       "      --long        allow timelines up to 24 h (default: at most 1 h)\n"
	       "      --kernel DIR  run inside a virtual machine booting the kernel in DIR\n"
	       "                    (made by tools/kernel), or `host`: this machine's own;\n"
	       "                    repeatable: a column per kernel, values side by side\n"
	       "  -q, --quiet       only what did not pass, and the summary\n"
	       "  -v, --verbose     every expectation, and each repeat's run\n"
	       "\n  With no FILE or DIR, runs the installed catalogue (%s).\n"
	       "  Exit status: 0 all passed, 1 a failure (or flaky), 2 bad input or an\n"
	       "  unwritable output, 3 the machine cannot run it, 4 nothing failed but a\n"
	       "  scenario stayed unsure after its retries, 130/143 interrupted by\n"
	       "  SIGINT/SIGTERM.\n",
	       RUNDIR_DEFAULT_BASE, jobs_default(), JOBS_PER_CPU, RETRIES_DEFAULT,
	       catalogue_default_dir());
}

static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	enum { OPT_JUNIT = 256, OPT_JSON, OPT_NO_EXEC, OPT_REPEAT, OPT_SHARD, OPT_FAIL_ON_SKIP, OPT_LONG, OPT_KERNEL,
	       OPT_RETRIES, OPT_REALTIME };
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "junit", required_argument, NULL, OPT_JUNIT },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "no-exec", no_argument, NULL, OPT_NO_EXEC },
		{ "jobs", required_argument, NULL, 'j' },
		{ "repeat", required_argument, NULL, OPT_REPEAT },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "realtime", no_argument, NULL, OPT_REALTIME },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "fail-on-skip", no_argument, NULL, OPT_FAIL_ON_SKIP },
		{ "long", no_argument, NULL, OPT_LONG },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = -1;

	o->jobs = jobs_default();
	o->repeat = 1;
	o->retries = RETRIES_DEFAULT;
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
		case OPT_LONG:
			o->allow_long = true;
			break;
		case OPT_KERNEL:
			if (o->kernels.n == RUN_KERNELS_MAX) {
				fprintf(stderr, "%s run: at most %d --kernel\n", program_name, RUN_KERNELS_MAX);
				return EXIT_USAGE;
			}
			o->kernels.dirs[o->kernels.n++] = optarg;
			break;
		case 'j':
			ret = number("-j", optarg, 1, JOBS_MAX, &o->jobs);
			o->jobs_given = true;
			break;
		case OPT_REPEAT:
			ret = number("--repeat", optarg, 1, REPEAT_MAX, &o->repeat);
			o->repeat_given = true;
			break;
		case OPT_RETRIES:
			ret = number("--retries", optarg, 0, RETRIES_MAX, &o->retries);
			break;
		case OPT_REALTIME:
			o->realtime = true;
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

/* The options the run inside each machine gets: the ones that shape what
 * runs and how it is reported there. */
static size_t inner_options(const struct run_opts *o, char **v, char (*num)[16])
{
	size_t n = 0;

	snprintf(num[0], 16, "%d", o->retries);
	v[n++] = "--retries";
	v[n++] = num[0];
	if (o->repeat_given) {
		snprintf(num[1], 16, "%d", o->repeat);
		v[n++] = "--repeat";
		v[n++] = num[1];
	}
	for (size_t i = 0; i < o->npatterns; i++) {
		v[n++] = "-k";
		v[n++] = (char *)o->patterns[i];
	}
	if (o->shards) {
		snprintf(num[2], 16, "%d/%d", o->shard, o->shards);
		v[n++] = "--shard";
		v[n++] = num[2];
	}
	if (o->no_exec)
		v[n++] = "--no-exec";
	if (o->realtime)
		v[n++] = "--realtime";
	if (o->allow_long)
		v[n++] = "--long";
	if (o->style.quiet)
		v[n++] = "-q";
	if (o->style.verbose)
		v[n++] = "-v";
	return n;
}

/* run --kernel: the run in each kernel's machine, then the reports here. */
static int run_in_kernels(struct run_opts *o, char **args, int nargs, struct run_result *rr,
			  struct diag *d)
{
	char *opts[64], num[3][16];
	int64_t start = clock_mono_ns();
	int ret;

	o->kernels.args = (const char *const *)args;
	o->kernels.nargs = (size_t)nargs;
	o->kernels.opts = opts;
	o->kernels.nopts = inner_options(o, opts, num);
	o->kernels.jobs = o->jobs_given ? o->jobs : 0;
	if (run_kernels(&o->kernels, rr->root, rr, d) && !rr->n)
		return EXIT_CANNOT;
	rr->duration_ns = clock_mono_ns() - start;
	run_kernels_table(stdout, &o->kernels, rr);
	report_term_sweeps(stdout, rr, &o->style);
	report_term_totals(stdout, rr, o->style.color);
	ret = result_exit_status(rr);
	if ((o->junit && report_junit_write(o->junit, rr, d)) ||
	    (o->json && report_json_write(o->json, rr, d)))
		ret = ret ? ret : EXIT_FAIL;
	if (d->count && !ret)
		ret = EXIT_FAIL;
	return ret;
}

/* Whether @path has a matrix: at its top: a sweep, whose combinations'
 * ids -k may select once it is loaded (the loader has the last word). */
static bool looks_like_sweep(const char *path)
{
	FILE *f = fopen(path, "re");
	char line[256];
	bool sweep = false;

	while (f && !sweep && fgets(line, sizeof(line), f))
		sweep = !strncmp(line, "matrix:", 7);
	if (f)
		fclose(f);
	return sweep;
}

/* Whether -k keeps @id, a sweep's combination @id of the sweep @sweep
 * (NULL: no sweep): "!PATTERN" matching either leaves it out; another
 * pattern matching either keeps it (unless @only_not: those are not
 * looked at). */
static bool selected(const char *id, const char *sweep, const struct run_opts *o, bool only_not)
{
	const char *ids[2] = { id, sweep };
	bool positive = false, kept = false;

	for (size_t k = 0; k < o->npatterns; k++) {
		const char *p = o->patterns[k];

		if (p[0] != '!' && only_not)
			continue;
		for (size_t i = 0; i < 2 && ids[i]; i++) {
			if (p[0] == '!' && select_match(ids[i], p + 1))
				return false;
			if (p[0] != '!')
				kept |= select_match(ids[i], p);
		}
		positive |= p[0] != '!';
	}
	return kept || !positive;
}

/* Keep the scenarios -k selects; none given, all. Before the files are
 * loaded (@loaded false) a file that may be a sweep is kept unless -k
 * leaves it out: its combinations are selected once loaded. */
static void filter(struct catalogue *cat, const struct run_opts *o, bool loaded,
		   struct scenario **scs)
{
	size_t kept = 0;

	for (size_t i = 0; i < cat->n; i++) {
		const struct catalogue_entry *e = &cat->v[i];
		bool keep = selected(e->id, e->sweep, o, false) ||
			    (!loaded && looks_like_sweep(e->path) && selected(e->id, NULL, o, true));

		if (keep) {
			if (scs)
				scs[kept] = scs[i];
			cat->v[kept++] = cat->v[i];
		} else {
			free(cat->v[i].path);
			free(cat->v[i].id);
			free(cat->v[i].sweep);
			if (scs)
				scenario_free(scs[i]);
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
	/* a scenario with a repeat: of its own weighs as many runs */
	for (size_t i = 0; i < cat->n; i++)
		w[i] = watch_bound_ns(scs[i]) *
		       (o->repeat_given || !scs[i]->repeat ? 1 : scs[i]->repeat);
	select_shard(w, cat->n, o->shards, of);
	for (size_t i = 0; i < cat->n; i++) {
		if (of[i] == o->shard) {
			cat->v[kept] = cat->v[i];
			scs[kept++] = scs[i];
		} else {
			free(cat->v[i].path);
			free(cat->v[i].id);
			free(cat->v[i].sweep);
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

/* Check one loaded scenario against the options; print what is wrong. */
static int check_one(const struct scenario *sc, const struct run_opts *o, struct diag *d)
{
	return scenario_check_length(sc, o->allow_long, d) ||
	       (o->no_exec ? refuse_programs(sc, d) : exec_check_programs(sc, d)) ||
	       sysctl_check(sc, d);
}

/* What load_all() gathers, one combination at a time. */
struct loading {
	const struct run_opts *o;
	const struct catalogue_entry *file;
	struct diag *d;
	struct catalogue all;
	struct scenario **scs;
	size_t n, cap;
	int bad;		/* 1: a problem printed; -ENOMEM */
};

/* Check each combination; keep the ones -k selects (the others are
 * checked, and let go at once: a big sweep is never all in memory for
 * a part of it). */
static int load_one(struct scenario *sc, size_t k, size_t count, void *ctx)
{
	struct loading *l = ctx;
	const char *file_id = l->file->id;
	char *label = matrix_pick_label(&sc->pick), *id = NULL;
	int ret = 0;

	(void)count;
	if (check_one(sc, l->o, l->d))
		l->bad = 1;
	/* a combination too long to name a folder goes by its number (its
	 * run directory's matrix file has it all) */
	if (!label || (!sc->pick.n ? asprintf(&id, "%s", file_id) :
		       strlen(label) + strlen(file_id) + 2 > RUNDIR_NAME_MAX ?
		       asprintf(&id, "%s[#%zu]", file_id, k + 1) :
		       asprintf(&id, "%s[%s]", file_id, label)) < 0)
		id = NULL;
	if (!id) {
		ret = -ENOMEM;
	} else if (!l->bad && selected(id, sc->pick.n ? file_id : NULL, l->o, false)) {
		if (catalogue_push(&l->all, l->file->path, id, sc->pick.n ? file_id : NULL) ||
		    vec_push(&l->scs, &l->n, &l->cap, sizeof(*l->scs), &sc))
			ret = -ENOMEM;
		else
			sc = NULL;
	}
	scenario_free(sc);
	free(label);
	free(id);
	return ret;
}

/* Load every scenario up front, a sweep as one scenario per combination
 * (its id "id[loss=20,every=1s]"), into a new catalogue @cat and *@out
 * (one scenario per entry) of those -k selects; print every problem. */
static int load_all(struct catalogue *cat, const struct run_opts *o, struct scenario ***out)
{
	struct loading l = { .o = o };

	for (size_t i = 0; i < cat->n && l.bad >= 0; i++) {
		struct diag d;
		int err;

		diag_init(&d, cat->v[i].path);
		l.file = &cat->v[i];
		l.d = &d;
		err = scenario_sweep_each(cat->v[i].path, load_one, &l, &d);
		if (err == -ENOMEM)
			l.bad = -ENOMEM;
		else if (err && l.bad >= 0)
			l.bad = 1;
		diag_print(&d, stderr);
		diag_clear(&d);
	}
	if (l.bad) {
		for (size_t i = 0; i < l.n; i++)
			scenario_free(l.scs[i]);
		free(l.scs);
		catalogue_free(&l.all);
		if (l.bad < 0)
			fprintf(stderr, "%s: out of memory loading the scenarios\n", program_name);
		return 1;
	}
	catalogue_free(cat);
	*cat = l.all;
	*out = l.scs;
	return 0;
}

/* How many runs one invocation may make (sweeps' combinations times
 * their repeats) unless --long: each is a run directory and seconds of
 * the machine's time. */
#define RUN_MAX_RUNS 10000

static int check_total_runs(const struct catalogue *cat, struct scenario **scs,
			    const struct run_opts *o, struct diag *d)
{
	size_t total = 0;

	for (size_t i = 0; i < cat->n; i++)
		total += o->repeat_given || !scs[i]->repeat ? (size_t)o->repeat : (size_t)scs[i]->repeat;
	if (total <= RUN_MAX_RUNS || o->allow_long)
		return 0;
	diag_add(d, "%zu runs (the scenarios, their combinations and repeats): at most %d in one invocation (--long lifts it; -k or --shard K/N run a part)",
		 total, RUN_MAX_RUNS);
	return 1;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct catalogue cat = { 0 };
	struct run_result rr = { 0 };
	struct scenario **scs = NULL;
	struct run_plan plan;
	struct diag d;
	size_t cannot = 0;
	int64_t start = clock_mono_ns();
	bool rootless = false;
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
	filter(&cat, &o, false, NULL);
	if (!bad && !cat.n) {
		diag_add(&d, o.npatterns ? "no scenario matches -k" : "no scenario files found");
		bad = 1;
	}
	if (o.junit)
		bad |= !cli_writable("--junit", o.junit, &d);
	if (o.json)
		bad |= !cli_writable("--json", o.json, &d);
	if (bad || load_all(&cat, &o, &scs))
		goto out;
	filter(&cat, &o, true, scs);
	if (!cat.n) {
		diag_add(&d, "no scenario matches -k");
		goto out;
	}
	if (o.shards)
		keep_shard(&cat, scs, &o);
	for (size_t i = 0; o.out && i < cat.n; i++)
		if (rundir_exists(o.out, cat.v[i].id)) {
			diag_add(&d, "--out %s already holds %s/%s: unplug never overwrites a run's evidence (another --out, or remove it)",
				 o.out, o.out, cat.v[i].id);
			bad = 1;
		}
	if (o.kernels.n && run_kernels_check(&o.kernels, &d))
		bad = 1;
	bad |= check_total_runs(&cat, scs, &o, &d);
	if (bad)
		goto out;
	/* without the capabilities, rootless: before any thread exists */
	ret = EXIT_CANNOT;
	if (!o.kernels.n && !userns_privileged()) {	/* a machine needs no privilege */
		if (userns_enter_rootless(&d))
			goto out;
		rootless = true;
	}
	ret = EXIT_USAGE;
	if (rundir_make_root(o.out, &rr.root, &d))
		goto out;
	if (rootless && !o.style.quiet)
		fprintf(stderr, "%s: rootless: running in a user namespace of its own (no CAP_NET_ADMIN over this network namespace)\n",
			program_name);
	rr.started_ns = clock_wall_ns();
	if (o.kernels.n) {
		ret = run_in_kernels(&o, argv + optind, argc - optind, &rr, &d);
		goto out;
	}
	rr.shard = o.shard;
	rr.shards = o.shards;
	rr.repeat = o.repeat;
	rr.retries = o.retries;
	rr.jobs = o.jobs;
	rr.cpus = cpus_available();
	getloadavg(&rr.load[0], 1);
	rr.fail_on_skip = o.fail_on_skip;
	ret = EXIT_CANNOT;
	warn_root(&cat, scs, rootless);
	catch_signals();
	rt_allow(o.realtime);
	plan = (struct run_plan){ .jobs = o.jobs, .repeat = o.repeat, .retries = o.retries,
				  .repeat_given = o.repeat_given, .style = o.style };
	if (run_jobs(&cat, scs, &plan, &rr, &cannot, &d))
		bad = 1;
	rr.duration_ns = clock_mono_ns() - start;
	rr.interrupted = runner_stop;
	rr.signal = stop_signal;
	getloadavg(&rr.load[1], 1);
	report_term_sweeps(stdout, &rr, &o.style);
	report_term_load(stdout, &rr);
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
