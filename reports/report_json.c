/* --json: the result model as JSON with json-c. Numbers are numbers and
 * nanoseconds stay exact (int64); every key that holds nanoseconds ends
 * in _ns. The schema is docs/results-json.md. */
#include "reports/report.h"
#include "reports/sweep.h"

#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/errname.h"
#include "common/kversion.h"
#include "reports/result_json.h"

#define FIELD(key, type, member) \
	{ key, type, offsetof(struct expect_result, member), \
	  sizeof(((struct expect_result *)0)->member) }

const struct json_field result_json_fields[] = {
	FIELD("host", JF_STR, host),
	FIELD("peer", JF_STR, peer),
	FIELD("by", JF_STR, by),
	FIELD("via", JF_STR, via),
	FIELD("exit_status", JF_INT, exit_status),
	FIELD("exit_signal", JF_INT, exit_signal),
	FIELD("want_status", JF_INT, want_status),
	FIELD("log", JF_STR, log),
	FIELD("log_file", JF_STR, log_file),
	FIELD("log_line", JF_LONG, log_line),
	FIELD("printed_nothing", JF_INT, printed_nothing),
	FIELD("offset", JF_I64, offset),
	FIELD("what", JF_STR, what),
	FIELD("when_ns", JF_I64, when_ns),
	FIELD("port", JF_INT, port),
	FIELD("kernel_condition", JF_STR, kernel_cond),
	FIELD("run_kernel", JF_STR, run_kernel),
	FIELD("segments", JF_LONG, segments),
	FIELD("lost", JF_LONG, lost),
	FIELD("duplicated", JF_LONG, duplicated),
	FIELD("delay_min_ns", JF_I64, delay_min_ns),
	FIELD("delay_median_ns", JF_I64, delay_median_ns),
	FIELD("delay_max_ns", JF_I64, delay_max_ns),
	FIELD("connections", JF_LONG, conns),
	FIELD("connections_noticed", JF_LONG, conns_noticed),
	FIELD("connections_needed", JF_LONG, conns_needed),
	FIELD("connection_min_ns", JF_I64, conn_min_ns),
	FIELD("connection_median_ns", JF_I64, conn_median_ns),
	FIELD("connection_p99_ns", JF_I64, conn_p99_ns),
	FIELD("connection_max_ns", JF_I64, conn_max_ns),
	FIELD("slowest_connection", JF_LONG, slowest_conn),
	FIELD("item", JF_LONG, item),
	FIELD("found", JF_LONG, found),
	FIELD("packet", JF_STR, packet),
	FIELD("reference_step", JF_INT, ref_step),
	FIELD("reference", JF_STR, ref),
	FIELD("reference_t_ns", JF_I64, ref_t_ns),
	FIELD("reference_late_ns", JF_I64, ref_late_ns),
	FIELD("reference_took_ns", JF_I64, ref_took_ns),
	FIELD("t_ns", JF_I64, t_ns),
	FIELD("lag_ns", JF_I64, lag_ns),
	FIELD("sample_gap_ns", JF_I64, sample_gap_ns),
	FIELD("delivery_ns", JF_I64, delivery_ns),
	FIELD("delivery_of", JF_STR, delivery_of),
	FIELD("event_line", JF_LONG, event_line),
};

const size_t result_json_nfields = sizeof(result_json_fields) / sizeof(result_json_fields[0]);

const char *result_json_key(const struct expect_result *e, const char *base, char *buf,
			    size_t len)
{
	snprintf(buf, len, "%s%s", base, e->unit == UNIT_NS ? "_ns" : "");
	return buf;
}

static void put(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static void put_fields(struct json_object *o, const struct expect_result *e)
{
	for (size_t i = 0; i < result_json_nfields; i++) {
		const struct json_field *f = &result_json_fields[i];
		const char *at = (const char *)e + f->offset;

		switch (f->type) {
		case JF_STR:
			put(o, f->key, str_or_null(at));
			break;
		case JF_I64:
			put(o, f->key, json_object_new_int64(*(const int64_t *)at));
			break;
		case JF_LONG:
			put(o, f->key, json_object_new_int64(*(const long *)at));
			break;
		case JF_INT:
			put(o, f->key, json_object_new_int(*(const int *)at));
			break;
		}
	}
}

static struct json_object *cause_json(int cause)
{
	return cause < 0 ? NULL : str_or_null(errname_str(cause));
}

/* @s, statistics of @e's values (keys with _ns for latencies), with the
 * 99th percentile or not; NULL (JSON null) when no run had a value. */
static struct json_object *stats_json(const struct expect_result *e, struct run_stats s,
				      bool p99)
{
	struct json_object *o;
	char k[32];

	if (!s.n)
		return NULL;
	o = json_object_new_object();
	put(o, "n", json_object_new_int64((int64_t)s.n));
	put(o, result_json_key(e, "min", k, sizeof(k)), json_object_new_int64(s.min));
	put(o, result_json_key(e, "median", k, sizeof(k)), json_object_new_int64(s.median));
	if (p99)
		put(o, result_json_key(e, "p99", k, sizeof(k)), json_object_new_int64(s.p99));
	put(o, result_json_key(e, "max", k, sizeof(k)), json_object_new_int64(s.max));
	return o;
}

static void put_runs(struct json_object *o, const struct expect_result *e)
{
	struct json_object *runs;
	char k[32];

	if (!e->nruns)
		return;
	runs = json_object_new_array();
	for (size_t i = 0; i < e->nruns; i++) {
		struct json_object *r = json_object_new_object();

		put(r, "run", json_object_new_int((int)i + 1));
		put(r, "verdict", json_object_new_string(verdict_id(e->runs[i].verdict)));
		put(r, result_json_key(e, "measured", k, sizeof(k)),
		    e->runs[i].valued ? json_object_new_int64(e->runs[i].measured) : NULL);
		json_object_array_add(runs, r);
	}
	put(o, "runs", runs);
	put(o, "stats", stats_json(e, result_run_stats(e), true));
}

/* enum doubt's names, as JSON has them */
const char *const result_json_doubts[RESULT_JSON_NDOUBTS] = {
	"reference", "lag", "sample", "late-step", "crossed", "delivery",
};

static struct json_object *doubts_json(const struct expect_result *e)
{
	struct json_object *a = json_object_new_array();

	for (unsigned b = 0; b < RESULT_JSON_NDOUBTS; b++)
		if (e->doubts & (1u << b))
			json_object_array_add(a, json_object_new_string(result_json_doubts[b]));
	return a;
}

static struct json_object *expect_json(const struct scenario_result *r,
				       const struct expect_result *e)
{
	struct json_object *o = json_object_new_object(), *a;
	char text[512], pos[600], k[32];
	int64_t budget, margin;

	put(o, "kind", json_object_new_string(e->kind));
	put(o, "verdict", json_object_new_string(verdict_id(e->verdict)));
	snprintf(pos, sizeof(pos), "%s:%d:%d", r->file ? r->file : "", e->at.line, e->at.col);
	put(o, "position", json_object_new_string(pos));
	put(o, "line", json_object_new_int(e->at.line));
	put(o, "col", json_object_new_int(e->at.col));
	put(o, "expected", str_or_null(e->expected));
	put(o, "measured_text", json_object_new_string(result_measured_str(e, text, sizeof(text))));
	put(o, "outcome", json_object_new_string(outcome_name(e->outcome)));
	put(o, "unit", json_object_new_string(unit_name(e->unit)));
	put(o, result_json_key(e, "measured", k, sizeof(k)), json_object_new_int64(e->measured));
	put(o, result_json_key(e, "measured_lo", k, sizeof(k)), json_object_new_int64(e->measured_lo));
	put(o, result_json_key(e, "measured_hi", k, sizeof(k)), json_object_new_int64(e->measured_hi));
	put(o, "doubts", doubts_json(e));
	put(o, "doubt", e->verdict == VERDICT_UNSURE || e->doubts ?
			str_or_null(result_doubt_str(e, text, sizeof(text))) : NULL);
	if (e->doubts & DOUBT_LATE_STEP) {
		struct json_object *across = json_object_new_object();

		put(across, "name", json_object_new_string(e->across.name));
		put(across, "late_ns", json_object_new_int64(e->across.late_ns));
		put(across, "took_ns", json_object_new_int64(e->across.took_ns));
		put(o, "across", across);
	} else {
		put(o, "across", NULL);
	}
	put(o, result_json_key(e, "lo", k, sizeof(k)), json_object_new_int64(e->lo));
	put(o, result_json_key(e, "hi", k, sizeof(k)), e->hi == INT64_MAX ? NULL : json_object_new_int64(e->hi));
	if (result_budget(e, &budget, &margin)) {
		put(o, "budget_ns", json_object_new_int64(budget));
		put(o, "margin_ns", json_object_new_int64(margin));
	} else {
		put(o, "budget_ns", NULL);
		put(o, "margin_ns", NULL);
	}
	put(o, "cause", cause_json(e->cause));
	a = json_object_new_array();
	for (size_t i = 0; i < e->ncauses; i++)
		json_object_array_add(a, cause_json(e->causes[i]));
	put(o, "causes", a);
	put_fields(o, e);
	a = json_object_new_array();
	for (size_t i = 0; i < e->npackets; i++) {
		struct json_object *p = json_object_new_object();

		put(p, "host", json_object_new_string(e->packets[i].host));
		put(p, "frame", json_object_new_int64(e->packets[i].frame));
		json_object_array_add(a, p);
	}
	put(o, "packets", a);
	a = json_object_new_array();
	for (size_t i = 0; i < e->ncalls; i++) {
		struct json_object *c = json_object_new_object();

		put(c, "call", json_object_new_string(e->calls[i].call));
		put(c, "ret", json_object_new_int64(e->calls[i].ret));
		put(c, "errno", e->calls[i].err ? str_or_null(errname_str(e->calls[i].err)) : NULL);
		put(c, "times", json_object_new_int64(e->calls[i].times));
		put(c, "event_line", json_object_new_int64(e->calls[i].event_line));
		json_object_array_add(a, c);
	}
	put(o, "calls", a);
	if (e->calls_cut)
		put(o, "calls_cut", json_object_new_boolean(1));
	put_runs(o, e);
	if (e->rated) {
		struct json_object *rate = json_object_new_object();

		put(rate, "lo_pct", json_object_new_int(e->rate_lo));
		put(rate, "hi_pct", json_object_new_int(e->rate_hi));
		put(o, "rate", rate);
	} else {
		put(o, "rate", NULL);
	}
	return o;
}

static struct json_object *late_json(const struct scenario_result *r)
{
	struct json_object *a = json_object_new_array();

	for (size_t k = 0; k < r->nlate; k++) {
		struct json_object *l = json_object_new_object();

		put(l, "name", json_object_new_string(r->late[k].name));
		put(l, "step", json_object_new_int(r->late[k].step));
		put(l, "t_ns", json_object_new_int64(r->late[k].t_ns));
		put(l, "late_ns", json_object_new_int64(r->late[k].late_ns));
		put(l, "took_ns", json_object_new_int64(r->late[k].took_ns));
		json_object_array_add(a, l);
	}
	return a;
}

/* The parts of a scenario's result a run has of its own. */
static void put_run_part(struct json_object *o, const struct scenario_result *r)
{
	put(o, "verdict", json_object_new_string(verdict_id(r->verdict)));
	put(o, "reason", str_or_null(r->reason));
	put(o, "duration_ns", json_object_new_int64(r->duration_ns));
	put(o, "run_dir", str_or_null(r->run_dir));
}

/* Each of @n results' own parts, numbered from 1 under @key. */
static struct json_object *run_parts_json(const char *key, const struct scenario_result *v,
					  size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t k = 0; k < n; k++) {
		struct json_object *run = json_object_new_object();

		put(run, key, json_object_new_int((int)k + 1));
		put_run_part(run, &v[k]);
		json_object_array_add(a, run);
	}
	return a;
}

static struct json_object *scenario_json(const struct scenario_result *r)
{
	struct json_object *o = json_object_new_object(), *a;

	put(o, "id", json_object_new_string(r->id ? r->id : ""));
	put(o, "name", str_or_null(r->name));
	put(o, "file", str_or_null(r->file));
	if (r->kernel)
		put(o, "kernel", json_object_new_string(r->kernel));
	a = json_object_new_array();
	for (size_t i = 0; i < r->nclaims; i++) {
		struct json_object *c = json_object_new_object();

		put(c, "id", json_object_new_string(r->claims[i].id));
		put(c, "finding", json_object_new_string(r->claims[i].finding));
		json_object_array_add(a, c);
	}
	put(o, "claims", a);
	put(o, "sweep", str_or_null(r->sweep));
	if (r->sweep) {
		a = json_object_new_object();
		for (size_t i = 0; i < r->nparams; i++)
			put(a, r->param_names[i], json_object_new_string(r->param_values[i]));
		put(o, "parameters", a);
	} else {
		put(o, "parameters", NULL);
	}
	put_run_part(o, r);
	a = json_object_new_array();
	for (size_t i = 0; i < r->noutputs; i++)
		json_object_array_add(a, json_object_new_string(r->outputs[i]));
	put(o, "outputs", a);
	put(o, "late_steps", late_json(r));
	/* how many runs it took: unsure ones were run again (--retries) */
	put(o, "tries", json_object_new_int((int)r->ntries + 1));
	put(o, "retried", run_parts_json("try", r->tries, r->ntries));
	if (r->nruns)
		put(o, "runs", run_parts_json("run", r->runs, r->nruns));
	a = json_object_new_array();
	for (size_t i = 0; i < r->nexpects; i++)
		json_object_array_add(a, expect_json(r, &r->expects[i]));
	put(o, "expectations", a);
	return o;
}

/* One expectation's rows, one per combination that has it. */
static struct json_object *sweep_rows_json(const struct run_result *rr, size_t first, size_t n,
					   struct pos at)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = first; i < first + n; i++) {
		struct json_object *row = json_object_new_object(), *p = json_object_new_object();
		struct sweep_row w;

		if (!sweep_row(&rr->v[i], at, &w)) {
			json_object_put(row);
			json_object_put(p);
			continue;
		}
		put(row, "id", json_object_new_string(rr->v[i].id));
		for (size_t j = 0; j < rr->v[i].nparams; j++)
			put(p, rr->v[i].param_names[j], json_object_new_string(rr->v[i].param_values[j]));
		put(row, "parameters", p);
		put(row, "expected", str_or_null(w.e->expected));
		put(row, "verdict", json_object_new_string(verdict_id(w.e->verdict)));
		put(row, "runs", json_object_new_int64((int64_t)w.runs));
		put(row, "passed", json_object_new_int64((int64_t)w.passed));
		put(row, "pass_rate", json_object_new_double((double)w.passed / (double)w.runs));
		put(row, "stats", stats_json(w.e, w.stats, false));
		json_object_array_add(a, row);
	}
	return a;
}

/* Every sweep: per expectation, a table of its combinations (sweep.h). */
static struct json_object *sweeps_json(const struct run_result *rr)
{
	struct json_object *a = json_object_new_array();
	size_t first = 0, n = 0;

	while (sweep_next(rr, &first, &n)) {
		struct json_object *sw = json_object_new_object(), *names = json_object_new_array(), *xs;
		struct pos at[SWEEP_MAX_EXPECTS];
		size_t nat = sweep_expectations(rr, first, n, at, SWEEP_MAX_EXPECTS);

		put(sw, "id", json_object_new_string(rr->v[first].sweep));
		put(sw, "kernel", str_or_null(rr->v[first].kernel));
		for (size_t j = 0; j < rr->v[first].nparams; j++)
			json_object_array_add(names, json_object_new_string(rr->v[first].param_names[j]));
		put(sw, "parameters", names);
		put(sw, "combinations", json_object_new_int64((int64_t)n));
		xs = json_object_new_array();
		for (size_t k = 0; k < nat; k++) {
			struct json_object *x = json_object_new_object();

			put(x, "line", json_object_new_int(at[k].line));
			put(x, "col", json_object_new_int(at[k].col));
			put(x, "rows", sweep_rows_json(rr, first, n, at[k]));
			json_object_array_add(xs, x);
		}
		put(sw, "expectations", xs);
		json_object_array_add(a, sw);
	}
	return a;
}

static struct json_object *run_json(const struct run_result *rr)
{
	struct json_object *o = json_object_new_object(), *t, *a;
	char running[65];
	size_t n[VERDICT_COUNT];
	char when[32] = "";
	time_t secs = (time_t)(rr->started_ns / 1000000000);
	struct tm tm;

	put(o, "format", json_object_new_string(RESULT_JSON_FORMAT));
	put(o, "version", json_object_new_int(RESULT_JSON_VERSION));
	if (rr->started_ns && gmtime_r(&secs, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	put(o, "started", str_or_null(when));
	put(o, "started_ns", json_object_new_int64(rr->started_ns));
	put(o, "duration_ns", json_object_new_int64(rr->duration_ns));
	put(o, "root", str_or_null(rr->root));
	/* read back (merge) it is the one written; else this machine's */
	put(o, "kernel", str_or_null(rr->kernel ? rr->kernel : kversion_running(running, sizeof(running))));
	put(o, "repeat", json_object_new_int(rr->repeat > 0 ? rr->repeat : 1));
	if (rr->shards) {
		struct json_object *s = json_object_new_object();

		put(s, "index", json_object_new_int(rr->shard));
		put(s, "count", json_object_new_int(rr->shards));
		put(o, "shard", s);
	} else {
		put(o, "shard", NULL);
	}
	put(o, "interrupted", json_object_new_boolean(rr->interrupted));
	put(o, "signal", rr->signal == SIGINT ? json_object_new_string("SIGINT") :
			 rr->signal == SIGTERM ? json_object_new_string("SIGTERM") : NULL);
	put(o, "fail_on_skip", json_object_new_boolean(rr->fail_on_skip));
	put(o, "retries", json_object_new_int(rr->retries));
	put(o, "retried_runs", json_object_new_int64((int64_t)rr->retried));
	if (rr->cpus) {
		struct json_object *l = json_object_new_object();

		put(l, "jobs", json_object_new_int(rr->jobs));
		put(l, "cpus", json_object_new_int(rr->cpus));
		put(l, "loadavg_start", json_object_new_double(rr->load[0]));
		put(l, "loadavg_end", json_object_new_double(rr->load[1]));
		put(o, "load", l);
	} else {
		put(o, "load", NULL);
	}
	result_count(rr, n);
	t = json_object_new_object();
	for (int v = 0; v < VERDICT_COUNT; v++)
		put(t, verdict_id((enum verdict)v), json_object_new_int64((int64_t)n[v]));
	put(o, "totals", t);
	put(o, "exit_status", json_object_new_int(result_exit_status(rr)));
	a = json_object_new_array();
	for (size_t i = 0; i < rr->n; i++)
		json_object_array_add(a, scenario_json(&rr->v[i]));
	put(o, "scenarios", a);
	put(o, "sweeps", sweeps_json(rr));
	return o;
}

int report_json_write(const char *path, const struct run_result *rr, struct diag *d)
{
	struct json_object *o = run_json(rr);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_NOSLASHESCAPE);
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f || fputs(text, f) < 0 || fputc('\n', f) < 0) {
		ret = -errno;
		diag_add(d, "cannot write %s: %s", path, strerror(errno));
	}
	if (f && fclose(f) && !ret) {
		ret = -errno;
		diag_add(d, "cannot write %s: %s", path, strerror(errno));
	}
	json_object_put(o);
	return ret ? ret : 0;
}
