/* The scenarios of one `unplug run`, run: each as many times as asked,
 * several at a time, judged from its run directory as it ends, folded
 * over its repeats and reported. */
#include "harness/cli/run_jobs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness/cli/cli.h"
#include "harness/cli/progress.h"
#include "harness/judge/judge.h"
#include "harness/model/fault.h"
#include "harness/model/program.h"
#include "harness/run/batch.h"
#include "harness/run/rundir.h"
#include "harness/run/runner.h"
#include "harness/run/watch.h"
#include "netns/probe.h"

_Static_assert(MATRIX_MAX_PARAMS <= RESULT_MAX_PARAMS, "a result holds every parameter of a sweep");

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
	/* in a routed topology, blackhole and drop are inet-family rules in
	 * the router, which the basic topology already needs */
	if (sc->net.kind != NET_SWITCHED)
		needs &= ~FAULT_NEEDS_NFT_BRIDGE;
	return ((needs & FAULT_NEEDS_NETEM) && lacks(f, PROBE_NETEM, "netem", why, len)) ||
	       ((needs & FAULT_NEEDS_NFT_BRIDGE) &&
		lacks(f, PROBE_NFT_BRIDGE, "nftables' bridge family", why, len)) ||
	       ((needs & FAULT_NEEDS_NFT_REJECT) &&
		lacks(f, PROBE_NFT_REJECT, "nftables' netdev-family reject", why, len)) ||
	       (sc->net.family == AF_INET6 && lacks(f, PROBE_IPV6, "IPv6", why, len)) ||
	       (sc->net.nat && lacks(f, PROBE_ROUTED_NAT, "a NAT router", why, len));
}

/* The files a scenario's programs printed to, for the reports. */
static void name_outputs(const struct scenario *sc, struct scenario_result *r)
{
	static const char *const streams[] = { "stdout", "stderr" };

	if (!r->run_dir)
		return;	/* it never ran */
	for (size_t i = 0; i < sc->nhosts; i++)
		for (const struct program *p = sc->hosts[i].program; p; p = p->next)
			for (size_t k = 0; k < 2; k++) {
				char *path;

				if (asprintf(&path, "%s/%s%s%s.%s", r->run_dir, sc->hosts[i].name,
					     p->name ? "." : "", p->name ? p->name : "", streams[k]) < 0)
					return;
				if (!access(path, F_OK))
					result_add_output(r, path);
				free(path);
			}
}

/* Everything one invocation of `unplug run` runs and reports. Scenario i
 * runs nrep[i] times, as runs first[i] .. first[i] + nrep[i] - 1; run j's
 * try t (t > 0: run again, its try before unsure) is job j + t * nruns. */
struct invocation {
	const struct catalogue *cat;
	struct scenario **scs;
	const struct run_plan *o;
	struct run_result *rr;
	size_t nruns, ntries;		/* runs, and tries each may take */
	struct batch_job *jobs;		/* per job */
	struct scenario_result *tried;	/* per job: its result */
	struct scenario_result *runs;	/* per run, when repeated */
	size_t *left;			/* per scenario: runs not yet ended */
	size_t *first, *nrep;		/* per scenario */
	size_t *scenario_of;		/* per run */
	size_t *queue, head, tail;	/* jobs to start: retries go first */
	struct progress progress;
	size_t cannot;		/* scenarios the machine could not run */
	size_t retried;		/* runs run again */
};

/* How many times scenario @sc runs: --repeat, else its own repeat:. */
static size_t runs_of(const struct run_plan *o, const struct scenario *sc)
{
	if (o->repeat_given || !sc->repeat)
		return (size_t)o->repeat;
	return (size_t)sc->repeat;
}

/* What a run that could not run said, as one line: its diagnostics, the
 * continuation lines ("  (it printed nothing)") after the first, joined.
 * @fallback when it said nothing. */
static char *why_line(const char *why, const char *fallback)
{
	char *line = strdup(why && *why ? why : fallback), *end;

	if (!line)
		return NULL;
	while ((end = strrchr(line, '\n')) && !end[1])
		*end = '\0';	/* the last line's newline */
	for (char *p = line; (p = strchr(p, '\n')); ) {
		size_t skip = strspn(p + 1, " \t");

		*p = ' ';
		memmove(p + 1, p + 1 + skip, strlen(p + 1 + skip) + 1);
	}
	return line;
}

/* Judge the finished job @j into @r. */
static void judge_job(struct invocation *in, size_t i, struct batch_job *j,
		      struct scenario_result *r)
{
	struct diag d;

	diag_init(&d, in->cat->v[i].path);
	if (!j->err && judge_run_dir(r->run_dir, r, &d))
		r->verdict = VERDICT_ERROR;
	name_outputs(in->scs[i], r);
	if (j->err == -EINTR || (j->err && runner_stop)) {
		r->verdict = VERDICT_INTERRUPTED;
		r->reason = strdup("interrupted");
	} else if (j->err) {
		r->verdict = VERDICT_ERROR;
		/* said once, on the ERROR line and in the reports */
		r->reason = why_line(j->why, strerror(-j->err));
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

static void finish(void *arg, size_t job);
static int make_dir(struct invocation *in, size_t job, char **dir, struct diag *d);

/* @d's lines, as one string the caller frees (NULL without memory). */
static char *diag_text(const struct diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	diag_print(d, f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The next job to start, its run directory made. One whose directory
 * cannot be made did not run: it ends at once, an ERROR with the reason,
 * and the next is taken. */
static bool take(void *arg, size_t *job)
{
	struct invocation *in = arg;

	while (in->head < in->tail && !runner_stop) {
		size_t k = in->queue[in->head++];
		struct diag d;
		int err;

		diag_init(&d, NULL);
		err = make_dir(in, k, &in->tried[k].run_dir, &d);
		if (!err) {
			in->jobs[k].dir = in->tried[k].run_dir;
			diag_clear(&d);
			*job = k;
			return true;
		}
		in->jobs[k].err = err;
		in->jobs[k].why = diag_text(&d);
		diag_clear(&d);
		finish(in, k);
	}
	return false;
}

static void started(void *arg, size_t job)
{
	struct invocation *in = arg;
	size_t j = job % in->nruns, i = in->scenario_of[j];

	progress_clear(&in->progress);
	progress_started(&in->progress, in->cat->v[i].id, (int)(j - in->first[i]) + 1,
			 (int)in->nrep[i], watch_bound_ns(in->scs[i]));
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
	size_t repeat = in->nrep[i];
	struct scenario_result *r = &in->rr->v[i], *runs = calloc(repeat, sizeof(*runs));

	if (runs) {
		memcpy(runs, &in->runs[in->first[i]], repeat * sizeof(*runs));
		memset(&in->runs[in->first[i]], 0, repeat * sizeof(*runs));
	}
	if (!runs || result_fold_runs(r, runs, repeat)) {
		r->verdict = VERDICT_ERROR;
		free(r->reason);
		r->reason = strdup("out of memory folding the runs");
		if (!r->runs)
			free(runs);
	}
}

/* A result for one try of scenario @i, named as the scenario. */
static int name_result(struct invocation *in, size_t i, struct scenario_result *r)
{
	r->id = strdup(in->cat->v[i].id);
	r->file = strdup(in->cat->v[i].path);
	r->name = strdup(in->scs[i]->name);
	judge_set_claims(in->scs[i], r);
	if (!r->id || !r->file || !r->name)
		return -ENOMEM;
	if (in->cat->v[i].sweep)
		return result_set_sweep(r, in->cat->v[i].sweep, in->scs[i]->pick.names,
					in->scs[i]->pick.values, in->scs[i]->pick.n);
	return 0;
}

/* Make the run directory of job @job: a run's own, or a try's inside it
 * ("try-2"). */
static int make_dir(struct invocation *in, size_t job, char **dir, struct diag *d)
{
	size_t j = job % in->nruns, t = job / in->nruns, i = in->scenario_of[j];
	const struct scenario *sc = in->scs[i];
	char *id = NULL, *matrix = NULL, tried[32] = "";
	int err = -ENOMEM;

	if (sc->pick.n && !(matrix = matrix_pick_label(&sc->pick)))
		return -ENOMEM;
	if (t)
		snprintf(tried, sizeof(tried), "/try-%zu", t + 1);
	if ((in->nrep[i] == 1 ? asprintf(&id, "%s%s", in->cat->v[i].id, tried) :
	     asprintf(&id, "%s/run-%zu%s", in->cat->v[i].id, j - in->first[i] + 1, tried)) >= 0)
		err = rundir_make(in->rr->root, id, sc->source, sc->source_len, matrix, dir, d);
	free(id);
	free(matrix);
	return err;
}

/* Queue job @job with a result and a run directory of its own. */
static int queue_job(struct invocation *in, size_t job, struct diag *d)
{
	size_t j = job % in->nruns, i = in->scenario_of[j];
	struct scenario_result *r = &in->tried[job];
	int err = name_result(in, i, r);

	(void)d;
	if (err)
		return err;
	/* its run directory is made when it starts (take()): a sweep of many
	 * runs costs nothing before, and a signal stops it at once */
	in->jobs[job] = (struct batch_job){ .sc = in->scs[i] };
	in->queue[in->tail++] = job;
	return 0;
}

/* A run that ended unsure, run again (the next try first in the queue),
 * unless its tries are spent or a signal stops everything. */
static bool try_again(struct invocation *in, size_t job)
{
	size_t next = job + in->nruns;
	struct diag d;
	int err;

	if (runner_stop || job / in->nruns + 1 >= in->ntries ||
	    in->tried[job].verdict != VERDICT_UNSURE)
		return false;
	diag_init(&d, NULL);
	err = queue_job(in, next, &d);
	diag_print(&d, stderr);
	diag_clear(&d);
	if (err)
		return false;
	/* first in line: a retry is a run already under way */
	memmove(&in->queue[in->head + 1], &in->queue[in->head],
		(in->tail - 1 - in->head) * sizeof(*in->queue));
	in->queue[in->head] = next;
	in->retried++;
	return true;
}

/* Run @j's tries, 0..@t, into @into (empty), which takes them over. */
static void fold_tries(struct invocation *in, size_t j, size_t t, struct scenario_result *into)
{
	struct scenario_result *tries = calloc(t + 1, sizeof(*tries));

	if (!tries) {
		*into = in->tried[j + t * in->nruns];
		memset(&in->tried[j + t * in->nruns], 0, sizeof(*into));
		return;
	}
	for (size_t k = 0; k <= t; k++) {
		tries[k] = in->tried[j + k * in->nruns];
		memset(&in->tried[j + k * in->nruns], 0, sizeof(*tries));
	}
	result_fold_tries(into, tries, t + 1);
}

/* A job ended: judge it; run it again if it ended unsure and may; else
 * its tries are its run's result, and when that was its scenario's last
 * run, fold the runs and report the scenario. */
static void finish(void *arg, size_t job)
{
	struct invocation *in = arg;
	size_t j = job % in->nruns, t = job / in->nruns, i = in->scenario_of[j];
	size_t repeat = in->nrep[i];
	struct scenario_result *r = &in->rr->v[i];

	judge_job(in, i, &in->jobs[job], &in->tried[job]);
	if (try_again(in, job)) {
		progress_retried(&in->progress, in->cat->v[i].id, (int)(j - in->first[i]) + 1);
		return;
	}
	progress_ended(&in->progress, in->cat->v[i].id, (int)(j - in->first[i]) + 1);
	in->left[i]--;
	if (repeat == 1) {
		result_scenario_free(r);
		fold_tries(in, j, t, r);
		report(in, r);
		return;
	}
	fold_tries(in, j, t, &in->runs[j]);
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
	int64_t wx = watch_bound_ns(in->scs[in->scenario_of[x]]),
		wy = watch_bound_ns(in->scs[in->scenario_of[y]]);

	return wx < wy ? 1 : wx > wy ? -1 : (x > y) - (x < y);
}

/* What a signal kept from running: each scenario not wholly run. */
static void not_run(struct invocation *in)
{
	for (size_t i = 0; i < in->cat->n; i++) {
		struct scenario_result *r = &in->rr->v[i];
		size_t repeat = in->nrep[i];

		if (!in->left[i] || r->verdict == VERDICT_SKIP)
			continue;
		if (repeat > 1 && in->left[i] < repeat) {
			for (size_t k = 0; k < repeat; k++) {
				struct scenario_result *run = &in->runs[in->first[i] + k];

				if (!run->id && !run->reason) {
					result_scenario_free(run);
					name_result(in, i, run);
					run->verdict = VERDICT_INTERRUPTED;
					run->reason = strdup("not started");
				}
			}
			fold(in, i);
		} else {
			/* never started: said so, never counted as passed */
			if (!r->id)
				name_result(in, i, r);
			r->verdict = VERDICT_INTERRUPTED;
			free(r->reason);
			r->reason = strdup("not started");
		}
		in->left[i] = 0;
	}
}

/* Run every scenario that can run, each o->repeat times (a run that
 * ended unsure up to o->retries times more), o->jobs at a time; report
 * each as it ends. Returns 0, or -errno when they could not be started. */
static int run_all(struct invocation *in, struct features *f, struct diag *d)
{
	const struct run_plan *o = in->o;
	size_t n = in->cat->n, njobs;
	struct batch_hooks hooks = { .take = take, .started = started, .done = finish,
				     .tick = tick, .tick_ms = 250, .arg = in };
	int err = 0;

	in->first = calloc(n + 1, sizeof(*in->first));
	in->nrep = calloc(n + 1, sizeof(*in->nrep));
	in->left = calloc(n + 1, sizeof(*in->left));
	if (!in->first || !in->nrep || !in->left)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		in->first[i] = in->nruns;
		in->nrep[i] = runs_of(o, in->scs[i]);
		in->nruns += in->nrep[i];
		in->left[i] = in->nrep[i];	/* until it is skipped or ends */
	}
	in->ntries = (size_t)o->retries + 1;
	njobs = in->nruns * in->ntries;
	in->queue = calloc(njobs + 1, sizeof(*in->queue));
	in->jobs = calloc(njobs + 1, sizeof(*in->jobs));
	in->tried = calloc(njobs + 1, sizeof(*in->tried));
	in->runs = calloc(in->nruns + 1, sizeof(*in->runs));
	in->scenario_of = calloc(in->nruns + 1, sizeof(*in->scenario_of));
	if (!in->queue || !in->jobs || !in->tried || !in->runs || !in->scenario_of)
		return -ENOMEM;
	for (size_t i = 0; i < n && !err; i++) {
		struct scenario_result *r = &in->rr->v[i];
		size_t repeat = in->nrep[i];
		char why[320];

		err = name_result(in, i, r);
		if (!err && missing_feature(in->scs[i], f, why, sizeof(why))) {
			r->verdict = VERDICT_SKIP;
			r->reason = strdup(why);
			in->cannot++;
			in->left[i] = 0;
			report(in, r);
			continue;
		}
		if (repeat > 1 && asprintf(&r->run_dir, "%s/%s", in->rr->root, in->cat->v[i].id) < 0)
			r->run_dir = NULL;
		for (size_t k = 0; k < repeat && !err; k++) {
			in->scenario_of[in->first[i] + k] = i;
			err = queue_job(in, in->first[i] + k, d);
		}
	}
	progress_init(&in->progress, stdout, in->tail, cli_color(stdout) && !o->style.quiet,
		      o->style.quiet);
	if (!err && o->jobs > 1)
		qsort_r(in->queue, in->tail, sizeof(*in->queue), longest_first, in);
	if (!err)
		err = batch_run(in->jobs, o->jobs, &hooks);
	progress_clear(&in->progress);
	not_run(in);
	for (size_t k = 0; k < njobs; k++) {
		batch_job_clear(&in->jobs[k]);
		result_scenario_free(&in->tried[k]);
	}
	for (size_t j = 0; j < in->nruns; j++)
		result_scenario_free(&in->runs[j]);
	free(in->jobs);
	free(in->tried);
	free(in->runs);
	free(in->queue);
	free(in->left);
	free(in->first);
	free(in->nrep);
	free(in->scenario_of);
	return err;
}

int run_jobs(const struct catalogue *cat, struct scenario **scs, const struct run_plan *plan,
	     struct run_result *rr, size_t *cannot, struct diag *d)
{
	struct invocation in = { .cat = cat, .scs = scs, .o = plan, .rr = rr };
	struct features features = { 0 };
	int err;

	for (size_t i = 0; i < cat->n; i++)
		if (!result_new_scenario(rr))
			return -ENOMEM;
	err = run_all(&in, &features, d);
	*cannot = in.cannot;
	rr->retried = in.retried;
	return err;
}
