/* The judge: a pure function of a run directory. Reads the scenario copy,
 * events.jsonl and the captures into the evidence, finds the reference
 * points, and hands each expectation to its kind's judge. */
#include "harness/judge/judge.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "captures/pcap_read.h"
#include "common/errname.h"
#include "common/kversion.h"
#include "common/vec.h"
#include "harness/judge/evidence.h"
#include "harness/model/fault.h"
#include "harness/model/program.h"
#include "harness/run/rundir.h"
#include "reports/result.h"

bool evidence_reference(const struct evidence *ev, const struct expect *x,
			struct expect_result *r)
{
	const struct scenario *sc = ev->sc;

	r->ref_t_ns = ev->t_ref;
	r->ref_step = ev->ref_step;
	r->ref_late_ns = ev->ref_late_ns;
	r->ref_took_ns = ev->ref_took_ns;
	if (x->since < 0) {
		snprintf(r->ref, sizeof(r->ref), "%s",
			 ev->ref_step >= 0 ? step_what(&sc->steps[ev->ref_step]) :
			 ev->t_start ? "the start" : "establishment");
		return true;
	}
	r->ref_step = x->since;
	snprintf(r->ref, sizeof(r->ref), "%s", sc->steps[x->since].name);
	for (size_t i = ev->ev.n; i-- > 0;)
		if (ev->ev.v[i].type == EV_STEP && ev->ev.v[i].step == x->since) {
			r->ref_t_ns = ev->ev.v[i].t_ns;
			r->ref_late_ns = ev->ev.v[i].late_ns;
			r->ref_took_ns = ev->ev.v[i].requested_ns ?
					 ev->ev.v[i].t_ns - ev->ev.v[i].requested_ns : 0;
			return true;
		}
	return false;
}

struct span evidence_ref_span(const struct expect_result *r)
{
	return span_upto(r->ref_t_ns, (r->ref_late_ns > 0 ? r->ref_late_ns : 0) +
				      (r->ref_took_ns > 0 ? r->ref_took_ns : 0));
}

void evidence_judge_latency(struct expect_result *r, int64_t t_ns, int64_t lag_ns)
{
	/* noticed up to its lag after the kernel knew, and the kernel up
	 * to a late delivery after it would have */
	int64_t early = (lag_ns > 0 ? lag_ns : 0) +
			(r->doubts & DOUBT_DELIVERY ? r->delivery_ns : 0);
	struct span ref = evidence_ref_span(r),
		    m = span_since(span_upto(t_ns, early), ref);

	/* noticed once the reference was set about (its call had begun, a
	 * killed process had its signal): whatever the two doubts, not before
	 * it took effect — the lag says how long the host waited to run, not
	 * that what it saw came before what caused it, and a crash's effect
	 * (the process dying) is seen by the other host before by the runner */
	if (t_ns >= r->ref_t_ns - (r->ref_took_ns > 0 ? r->ref_took_ns : 0) && m.lo < 0) {
		m.lo = 0;
		if (r->measured < 0)
			r->measured = 0;
	}
	r->measured = t_ns - r->ref_t_ns;
	if (span_wide(ref))
		r->doubts |= DOUBT_REFERENCE;
	if (lag_ns > 0 && !(r->doubts & DOUBT_SAMPLE)) {
		r->doubts |= DOUBT_LAG;
		r->lag_ns = lag_ns;
	}
	result_judge_span(r, m.lo, m.hi);
}

const struct event *evidence_first_detection(const struct evidence *ev, int host,
					     bool calls_only)
{
	const struct event *first = NULL;

	/* the earliest stamp, not the first line: a peer's events and the
	 * runner's are written as they are taken in */
	for (size_t i = 0; i < ev->ev.n; i++) {
		const struct event *e = &ev->ev.v[i];

		if (e->t_ns >= ev->t_watch && e->t_ns <= ev->t_end && e->host == host &&
		    (calls_only ? event_failed_call(e) : event_detects(e)) &&
		    (!first || e->t_ns < first->t_ns))
			first = e;
	}
	return first;
}

int evidence_cause(const struct event *e)
{
	if (e->type == EV_EOF || (e->type == EV_ACTION && !e->err))
		return ERRNAME_EOF;
	return e->type == EV_HEARTBEAT_TIMEOUT ? ERRNAME_HEARTBEAT : e->err;
}

long evidence_line(const struct evidence *ev, const struct event *e)
{
	return (long)(e - ev->ev.v) + 1;
}

/* A host's address and capture, from its EV_HOST event. */
static int read_host(struct evidence *ev, const struct event *e, const char *dir,
		     struct diag *d)
{
	int h = e->host;
	char *path;
	FILE *f;
	int err;

	ev->family[h] = strchr(e->addr, ':') ? AF_INET6 : AF_INET;
	if (e->alias[0]) {
		ev->alias_family[h] = strchr(e->alias, ':') ? AF_INET6 : AF_INET;
		if (inet_pton(ev->alias_family[h], e->alias, ev->alias[h]) != 1)
			ev->alias_family[h] = 0;
	}
	if (inet_pton(ev->family[h], e->addr, ev->addr[h]) != 1) {
		diag_add(d, "%s/%s: bad address for %s: \"%s\"", dir, RUNDIR_EVENTS,
			 ev->sc->hosts[h].name, e->addr);
		return -EINVAL;
	}
	/* a run directory may come from anywhere (replay): its captures are
	 * inside it, never a path that climbs out or starts at the root */
	if (!e->capture[0] || e->capture[0] == '/' || strstr(e->capture, "..")) {
		diag_add(d, "%s/%s: capture of %s outside the run directory: \"%s\"", dir,
			 RUNDIR_EVENTS, ev->sc->hosts[h].name, e->capture);
		return -EINVAL;
	}
	if (asprintf(&path, "%s/%s", dir, e->capture) < 0)
		return -ENOMEM;
	/* a regular file inside the run directory, no link on the way */
	err = rundir_fopen(dir, e->capture, INT64_MAX, &f, d);
	if (err == -ENOENT)
		diag_add(d, "%s: cannot read capture: %s", path, strerror(ENOENT));
	if (!err)
		err = pcap_read_fp(f, path, &ev->pk[h], d);
	free(path);
	return err;
}

/* A program's output file, if the host ran one: "T text" per line. */
static int read_log(struct log_file *lf, const char *dir, struct diag *d)
{
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int ret;
	FILE *f;

	if ((ret = rundir_fopen(dir, lf->name, RUNDIR_LOG_MAX, &f, d)))
		return ret == -ENOENT ? 0 : ret;
	while (getline(&line, &cap, f) > 0 && !ret) {
		struct log_line l = { .line = ++lineno };
		char *text;

		l.t_ns = strtoll(line, &text, 10);
		if (text != line && *text == '+') {
			char *lag = text + 1;

			l.lag_ns = strtoll(lag, &text, 10);
			if (text == lag || l.lag_ns < 0)
				text = line;	/* malformed */
		}
		if (text == line || *text != ' ') {
			diag_add(d, "%s/%s:%ld: not a timestamped line (\"T text\" or \"T+LAG text\")", dir, lf->name,
				 lineno);
			ret = -EINVAL;
			break;
		}
		text[strcspn(text, "\n")] = '\0';
		l.text = strdup(text + 1);
		if (!l.text || vec_push(&lf->v, &lf->n, &lf->cap, sizeof(l), &l)) {
			free(l.text);
			ret = -ENOMEM;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

static void free_logs(struct evidence *ev)
{
	for (size_t k = 0; k < ev->nlogs; k++) {
		for (size_t i = 0; i < ev->logs[k].n; i++)
			free(ev->logs[k].v[i].text);
		free(ev->logs[k].v);
	}
	free(ev->logs);
	ev->logs = NULL;
	ev->nlogs = ev->caplogs = 0;
}

/* Read the log @name of @host into a new entry of ev->logs. */
static int add_log(struct evidence *ev, const char *dir, int host, const char *program,
		   const char *file, const char *name, struct diag *d)
{
	struct log_file lf = { .host = host, .program = program, .file = file };

	for (size_t k = 0; k < ev->nlogs; k++)
		if (!strcmp(ev->logs[k].name, name))
			return 0;	/* two expectations watch one file */
	snprintf(lf.name, sizeof(lf.name), "%s", name);
	if (vec_push(&ev->logs, &ev->nlogs, &ev->caplogs, sizeof(lf), &lf))
		return -ENOMEM;
	return read_log(&ev->logs[ev->nlogs - 1], dir, d);
}

/* Every program's stdout and stderr (HOST.stdout, or HOST.NAME.stdout of
 * one of several), and every log file an expectation watches. */
static int read_logs(struct evidence *ev, const char *dir, struct diag *d)
{
	static const char *const streams[] = { "stdout", "stderr" };
	const struct scenario *sc = ev->sc;
	char name[320];
	int err;

	for (size_t h = 0; h < sc->nhosts; h++)
		for (const struct program *p = sc->hosts[h].program; p; p = p->next)
			for (size_t k = 0; k < 2; k++) {
				snprintf(name, sizeof(name), "%s%s%s.%s", sc->hosts[h].name,
					 p->name ? "." : "", p->name ? p->name : "", streams[k]);
				if ((err = add_log(ev, dir, (int)h, p->name, NULL, name, d)))
					return err;
			}
	for (size_t i = 0; i < sc->nexpects; i++) {
		const struct expect *x = &sc->expects[i];

		if (!x->log_file)
			continue;
		program_file_copy_name(sc->hosts[x->host].name, x->log_file, name, sizeof(name));
		if ((err = add_log(ev, dir, x->host, NULL, x->log_file, name, d)))
			return err;
	}
	return 0;
}

/* Find the reference points on the run's clock, and each host's address
 * and capture, from the events. */
static int read_timeline(struct evidence *ev, const char *dir, struct diag *d)
{
	const struct scenario *sc = ev->sc;

	ev->ref_step = -1;
	for (size_t i = 0; i < ev->ev.n; i++) {
		const struct event *e = &ev->ev.v[i];
		int err;

		if (e->type == EV_RUN_START) {
			snprintf(ev->kernel, sizeof(ev->kernel), "%s", e->kernel);
		} else if (e->type == EV_ESTABLISHED) {
			ev->t_established = e->t_ns;
		} else if (e->type == EV_START) {
			ev->t_start = e->t_ns;
		} else if (e->type == EV_RUN_END) {
			ev->t_end = e->t_ns;
		} else if (e->type == EV_STEP) {
			if (e->step < 0 || (size_t)e->step >= sc->nsteps) {
				diag_add(d, "%s/%s:%zu: step %d: the scenario has %zu steps", dir,
					 RUNDIR_EVENTS, i + 1, e->step, sc->nsteps);
				return -EINVAL;
			}
			if (strcmp(e->what, step_what(&sc->steps[e->step]))) {
				diag_add(d, "%s/%s:%zu: the run's step %d was %s, the scenario's is %s: judge it against a scenario with the run's steps",
					 dir, RUNDIR_EVENTS, i + 1, e->step + 1, e->what,
					 step_what(&sc->steps[e->step]));
				return -EINVAL;
			}
			if (step_breaks(&sc->steps[e->step])) {
				ev->t_ref = e->t_ns;
				ev->ref_step = e->step;
				ev->ref_late_ns = e->late_ns;
				ev->ref_took_ns = e->requested_ns ? e->t_ns - e->requested_ns : 0;
			}
		} else if (e->type == EV_CAPTURE && e->host != HOST_NONE) {
			ev->dropped[e->host] += e->dropped + e->ifdropped;
		} else if (e->type == EV_HOST && e->host != HOST_NONE) {
			if ((err = read_host(ev, e, dir, d)))
				return err;
		}
	}
	{
		int err = read_logs(ev, dir, d);

		if (err)
			return err;
	}
	if (!ev->t_established && !ev->t_start) {
		diag_add(d, "%s: the connections were never established: nothing to judge", dir);
		return -EINVAL;
	}
	ev->t_watch = ev->t_start ? ev->t_start : ev->t_established;
	/* a run from before runs recorded their kernel: this machine's */
	if (!ev->kernel[0])
		kversion_running(ev->kernel, sizeof(ev->kernel));
	if (ev->ref_step < 0)
		ev->t_ref = ev->t_watch;
	if (!ev->t_end)
		ev->t_end = ev->ev.v[ev->ev.n - 1].t_ns;
	return 0;
}

/* A rated expectation judged in one run: what it did becomes that run's
 * value, and its verdict the rate's over this one run (folding repeats
 * judges the rate over them all). */
static int rate_one(const struct expect *x, struct expect_result *r)
{
	r->rated = true;
	r->rate_lo = x->rate_lo;
	r->rate_hi = x->rate_hi;
	if (!(r->runs = calloc(1, sizeof(*r->runs))))
		return -ENOMEM;
	r->nruns = 1;
	r->runs[0] = (struct run_value){ .verdict = r->verdict, .valued = result_has_value(r),
					 .measured = r->measured };
	r->verdict = result_rate_verdict(r, NULL, NULL);
	return 0;
}

static int judge_one(const struct evidence *ev, const struct expect *x,
		     struct scenario_result *res)
{
	struct expect_result *r = result_add_expect(res);
	char expected[512];
	int err;

	if (!r)
		return -ENOMEM;
	snprintf(r->kind, sizeof(r->kind), "%s", x->ops->name);
	r->at = x->at;
	r->measured_lo = INT64_MIN;	/* a kind that judged a span sets it */
	if ((err = x->ops->judge(x, ev, r)))
		return err;
	if (r->measured_lo == INT64_MIN)
		r->measured_lo = r->measured_hi = r->measured;
	/* measured all the same, but it speaks of other kernels */
	if (!kcond_holds(&x->kernel, ev->kernel)) {
		r->verdict = VERDICT_SKIP;
		r->outcome = OUTCOME_OTHER_KERNEL;
		kcond_str(&x->kernel, r->kernel_cond, sizeof(r->kernel_cond));
		snprintf(r->run_kernel, sizeof(r->run_kernel), "%s", ev->kernel);
	}
	/* counting packets in a capture that lost some proves nothing */
	for (size_t h = 0; x->ops->counts_packets && h < ev->sc->nhosts; h++)
		if (ev->dropped[h]) {
			r->verdict = VERDICT_ERROR;
			r->outcome = OUTCOME_CAPTURE_INCOMPLETE;
			r->unit = UNIT_PACKETS;
			r->measured = ev->dropped[h];
			snprintf(r->host, sizeof(r->host), "%s", ev->sc->hosts[h].name);
			break;
		}
	if (x->rated && (err = rate_one(x, r)))
		return err;
	x->ops->describe(x, ev->sc, r->ref, expected, sizeof(expected));
	if (x->rated) {
		size_t used = strlen(expected);

		snprintf(expected + used, sizeof(expected) - used, ", in %d%%..%d%% of runs",
			 x->rate_lo, x->rate_hi);
	}
	if (x->kernel.op) {
		size_t used = strlen(expected);
		char k[32];

		snprintf(expected + used, sizeof(expected) - used, " (on kernels %s)",
			 kcond_str(&x->kernel, k, sizeof(k)));
	}
	return result_set_expected(r, expected);
}

/* Load the scenario at @path, as combination @matrix of a sweep (a
 * label: "loss=20,every=1s", or NULL), its messages into @d. */
static int load_scenario(const char *path, const char *matrix, struct scenario **sc,
			 struct diag *d)
{
	struct diag sd;
	int err;

	diag_init(&sd, path);
	err = scenario_load_as(path, matrix, sc, &sd);
	for (size_t i = 0; i < sd.count; i++)
		diag_add(d, "%s", sd.msgs[i]);
	diag_clear(&sd);
	return err;
}

void judge_set_claims(const struct scenario *sc, struct scenario_result *res)
{
	res->nclaims = 0;
	for (size_t i = 0; i < sc->nclaims && i < RESULT_MAX_CLAIMS; i++, res->nclaims++) {
		snprintf(res->claims[i].id, sizeof(res->claims[i].id), "%s", sc->claims[i]);
		snprintf(res->claims[i].finding, sizeof(res->claims[i].finding), "%s",
			 claim_finding_name(sc->findings[i]));
	}
}

/* The scenario's verdict from its expectations, its name and claims. */
static int fold(const struct scenario *sc, struct scenario_result *res)
{
	judge_set_claims(sc, res);
	res->verdict = result_fold(res);
	if (!res->name && !(res->name = strdup(sc->name)))
		return -ENOMEM;
	return 0;
}

/* Whether a step (@step; -2: a connect the steps-from-start scenario
 * makes) that took effect at @t_ns, late or slow past RESULT_LATE_NS,
 * could have shifted what @r failed on: the kernel did what it did, at
 * other times than the scenario says. A time measured from a reference
 * carries that step's doubt in its span already; a step taken while it
 * ran (after the reference, before what decided it) could have moved it
 * by more than its own lateness (a keepalive probe that found a host not
 * yet powered on waits a whole interval). A count, a sequence, the result
 * of a call: any such step. */
static bool shiftable(const struct expect_result *r, int step, int64_t t_ns, int64_t t_end)
{
	bool timed = r->outcome == OUTCOME_DETECTED || r->outcome == OUTCOME_NOTHING_DETECTED ||
		     r->outcome == OUTCOME_NOT_QUIET;

	if (r->rated || r->outcome == OUTCOME_NO_REFERENCE ||
	    r->outcome == OUTCOME_CAPTURE_INCOMPLETE || r->outcome == OUTCOME_OTHER_KERNEL)
		return false;
	if (r->verdict != VERDICT_FAIL &&
	    !(r->verdict == VERDICT_UNSURE && (r->doubts & DOUBT_LATE_STEP)))
		return false;
	if (!timed)
		return true;
	return step != r->ref_step && t_ns >= r->ref_t_ns && t_ns <= (r->t_ns ? r->t_ns : t_end);
}

/* A step late or slow past RESULT_LATE_NS makes each failure it could
 * have shifted unsure, naming the worst such step. */
static void doubt_late_step(struct scenario_result *res, int step, int64_t t_ns, const char *name,
			    int64_t late, int64_t took, int64_t t_end)
{
	for (size_t i = 0; i < res->nexpects; i++) {
		struct expect_result *r = &res->expects[i];

		if (!shiftable(r, step, t_ns, t_end))
			continue;
		r->verdict = VERDICT_UNSURE;
		if (step == r->ref_step) {
			r->doubts |= DOUBT_REFERENCE;
			continue;
		}
		if ((r->doubts & DOUBT_LATE_STEP) && late + took <= r->across.late_ns + r->across.took_ns)
			continue;
		r->doubts |= DOUBT_LATE_STEP;
		snprintf(r->across.name, sizeof(r->across.name), "%s", name);
		r->across.late_ns = late;
		r->across.took_ns = took;
	}
}

/* The host step @st acts on, or HOST_NONE for the whole network. */
static int step_target(const struct step *st)
{
	return st->fault ? st->fault->host : st->action.host;
}

/* The first TCP segment strictly between @lo and @hi in host @only's
 * capture — everything it sent or received, which is all a step on it
 * can change — or in any host's (@only HOST_NONE); NULL when none. */
static const struct packet *crossing(const struct evidence *ev, int64_t lo, int64_t hi, int only,
				     int *host)
{
	for (size_t h = 0; h < ev->sc->nhosts; h++) {
		if (only != HOST_NONE && (int)h != only)
			continue;
		for (size_t i = 0; i < ev->pk[h].n; i++) {
			const struct packet *p = &ev->pk[h].v[i];

			if (p->t_ns > lo && p->t_ns < hi && p->proto == PACKET_TCP) {
				*host = (int)h;
				return p;
			}
		}
	}
	return NULL;
}

/* A time that failed, measured from a step that took effect after it was
 * due: when the captures show a segment crossing between the two, the
 * step's lateness changed what the hosts saw — a heartbeat got through
 * that should not have — and that can move a detection by a whole timer
 * period, not only by the lateness: unsure. With nothing on the wire in
 * between, the span said all the lateness could do. */
static void doubt_crossed(const struct evidence *ev, struct scenario_result *res)
{
	for (size_t i = 0; i < res->nexpects; i++) {
		struct expect_result *r = &res->expects[i];
		struct span ref = evidence_ref_span(r);
		const struct packet *p;
		int host;

		if (r->verdict != VERDICT_FAIL || r->rated || r->ref_step < 0 || !span_wide(ref) ||
		    (r->outcome != OUTCOME_DETECTED && r->outcome != OUTCOME_NOTHING_DETECTED &&
		     r->outcome != OUTCOME_NOT_QUIET) ||
		    !(p = crossing(ev, ref.lo, ref.hi, step_target(&ev->sc->steps[r->ref_step]), &host)))
			continue;
		r->verdict = VERDICT_UNSURE;
		r->doubts |= DOUBT_REFERENCE | DOUBT_CROSSED;
		result_add_packet(r, ev->sc->hosts[host].name, p->frame);
	}
}

/* Judge every expectation of the evidence, and fold. */
static int judge_all(struct evidence *ev, struct scenario_result *res)
{
	const struct scenario *sc = ev->sc;
	unsigned connecting[SCENARIO_MAX_HOSTS] = { 0 };
	int err = 0;

	for (size_t i = 0; i < sc->nexpects && !err; i++)
		err = judge_one(ev, &sc->expects[i], res);
	for (size_t i = 0; i < ev->ev.n && !err; i++) {
		const struct event *e = &ev->ev.v[i];
		int64_t took = e->requested_ns ? e->t_ns - e->requested_ns : 0;

		/* steps-from: start: a host's first connect is due once the
		 * steps at 0 s are in place; one made late starts the
		 * kernel's connect timers late */
		if (e->type == EV_CONNECTING && ev->t_start && e->host != HOST_NONE &&
		    !connecting[e->host]++ && result_step_is_late(e->t_ns - ev->t_start, 0))
			doubt_late_step(res, -2, e->t_ns, "connect", e->t_ns - ev->t_start, 0, ev->t_end);
		if (e->type != EV_STEP)
			continue;
		result_note_late_step(res, e->step, step_what(&sc->steps[e->step]), e->t_ns,
				      e->late_ns, took);
		if (result_step_is_late(e->late_ns, took) && e->t_ns <= ev->t_end)
			doubt_late_step(res, e->step, e->t_ns, step_what(&sc->steps[e->step]), e->late_ns,
					took, ev->t_end);
	}
	if (!err) {
		doubt_crossed(ev, res);
		err = fold(sc, res);
	}
	return err;
}

static void evidence_free(struct evidence *ev)
{
	event_list_clear(&ev->ev);
	free_logs(ev);
	for (size_t i = 0; i < SCENARIO_MAX_HOSTS; i++)
		packet_list_clear(&ev->pk[i]);
}

int judge_run_dir_as(const char *dir, const char *scenario_path,
		     struct scenario_result *res, struct diag *d)
{
	struct scenario *sc = NULL;
	struct evidence ev = { 0 };
	char *path = NULL, *matrix = NULL;
	FILE *events;
	int err;

	res->verdict = VERDICT_ERROR;
	if (!scenario_path && asprintf(&path, "%s/%s", dir, RUNDIR_SCENARIO) < 0)
		return -ENOMEM;
	if ((err = rundir_read_matrix(dir, &matrix)))
		diag_add(d, "%s/%s: cannot read: %s", dir, RUNDIR_MATRIX, strerror(-err));
	else
		err = load_scenario(scenario_path ? scenario_path : path, matrix, &sc, d);
	free(matrix);
	free(path);
	path = NULL;
	if (err)
		goto out;
	ev.sc = sc;
	if (asprintf(&path, "%s/%s", dir, RUNDIR_EVENTS) < 0) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = rundir_fopen(dir, RUNDIR_EVENTS, RUNDIR_EVENTS_MAX, &events, d))) {
		if (err == -ENOENT)
			diag_add(d, "%s: cannot open: %s", path, strerror(ENOENT));
		goto out;
	}
	if ((err = events_read_fp(events, path, sc, &ev.ev, d)) || (err = read_timeline(&ev, dir, d)))
		goto out;
	err = judge_all(&ev, res);
out:
	free(path);
	evidence_free(&ev);
	scenario_free(sc);
	return err;
}

int judge_run_dir(const char *dir, struct scenario_result *res, struct diag *d)
{
	return judge_run_dir_as(dir, NULL, res, d);
}

/* What packets alone can show: what is judged on the captures, unless it
 * is measured from a step (`since`), whose time only the events have. */
static bool needs_events(const struct expect *x)
{
	return !x->ops->counts_packets || x->since >= 0;
}

int judge_captures(const char *scenario_path, const char *matrix, const char *const *pcap,
		   const char *const *addr, struct scenario_result *res, struct diag *d)
{
	struct scenario *sc = NULL;
	struct evidence ev = { 0 };
	int64_t first = INT64_MAX, last = 0;
	int err;

	res->verdict = VERDICT_ERROR;
	if ((err = load_scenario(scenario_path, matrix, &sc, d)))
		goto out;
	ev.sc = sc;
	ev.ref_step = -1;
	for (size_t h = 0; h < sc->nhosts && !err; h++) {
		ev.family[h] = strchr(addr[h], ':') ? AF_INET6 : AF_INET;
		if (inet_pton(ev.family[h], addr[h], ev.addr[h]) != 1) {
			diag_add(d, "bad address for %s: \"%s\" (an IPv4 or IPv6 address)",
				 sc->hosts[h].name, addr[h]);
			err = -EINVAL;
		} else if (pcap[h]) {
			err = pcap_read_file(pcap[h], &ev.pk[h], d);
		}
		for (size_t i = 0; i < ev.pk[h].n; i++) {
			if (ev.pk[h].v[i].t_ns < first)
				first = ev.pk[h].v[i].t_ns;
			if (ev.pk[h].v[i].t_ns > last)
				last = ev.pk[h].v[i].t_ns;
		}
	}
	if (err)
		goto out;
	if (!last) {
		diag_add(d, "%s: the captures hold no packet to judge", scenario_path);
		err = -EINVAL;
		goto out;
	}
	ev.t_established = ev.t_watch = ev.t_ref = first;
	/* bare captures say nothing of it: this machine's */
	kversion_running(ev.kernel, sizeof(ev.kernel));
	ev.t_end = last;
	for (size_t i = 0; i < sc->nexpects && !err; i++) {
		const struct expect *x = &sc->expects[i];
		struct expect_result *r;
		char expected[512];

		if (!needs_events(x)) {
			err = judge_one(&ev, x, res);
			continue;
		}
		if (!(r = result_add_expect(res))) {
			err = -ENOMEM;
			break;
		}
		snprintf(r->kind, sizeof(r->kind), "%s", x->ops->name);
		r->at = x->at;
		r->verdict = VERDICT_SKIP;
		r->outcome = OUTCOME_NEEDS_EVENTS;
		r->ref_step = x->since;
		if (x->since >= 0)
			snprintf(r->ref, sizeof(r->ref), "%s", sc->steps[x->since].name);
		err = result_set_expected(r, x->ops->describe(x, sc, "the reference", expected,
								 sizeof(expected)));
	}
	if (!err)
		err = fold(sc, res);
out:
	evidence_free(&ev);
	scenario_free(sc);
	return err;
}
