/* The result model read back from its JSON (report_json.c), for `unplug
 * merge`: every value the reports are rendered from, so that a merged
 * report says what the shards' own would have. */
#include "reports/report.h"

#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "common/errname.h"
#include "reports/result_json.h"

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static int64_t get_i64(struct json_object *o, const char *key, int64_t otherwise)
{
	struct json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : otherwise;
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static char *dup_str(struct json_object *o, const char *key)
{
	const char *s = get_str(o, key);

	return s ? strdup(s) : NULL;
}

static void copy_str(char *to, size_t size, const char *s)
{
	snprintf(to, size, "%s", s ? s : "");
}

static int cause_of(struct json_object *v)
{
	const char *s = v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;

	return s ? errname_parse(s) : -1;
}

static void read_fields(struct json_object *o, struct expect_result *e)
{
	for (size_t i = 0; i < result_json_nfields; i++) {
		const struct json_field *f = &result_json_fields[i];
		char *at = (char *)e + f->offset;
		int64_t was;

		switch (f->type) {
		case JF_STR:
			copy_str(at, f->size, get_str(o, f->key));
			break;
		case JF_I64:
			*(int64_t *)at = get_i64(o, f->key, *(int64_t *)at);
			break;
		case JF_LONG:
			was = *(long *)at;
			*(long *)at = (long)get_i64(o, f->key, was);
			break;
		case JF_INT:
			was = *(int *)at;
			*(int *)at = (int)get_i64(o, f->key, was);
			break;
		}
	}
}

static int read_runs(struct json_object *o, struct expect_result *e)
{
	struct json_object *runs = get(o, "runs");
	char k[32];

	if (!runs || !json_object_is_type(runs, json_type_array))
		return 0;
	e->nruns = json_object_array_length(runs);
	e->runs = calloc(e->nruns + 1, sizeof(*e->runs));
	if (!e->runs)
		return -ENOMEM;
	for (size_t i = 0; i < e->nruns; i++) {
		struct json_object *r = json_object_array_get_idx(runs, i), *m;
		int v = verdict_of_id(get_str(r, "verdict") ? get_str(r, "verdict") : "");

		e->runs[i].verdict = v < 0 ? VERDICT_ERROR : (enum verdict)v;
		m = get(r, result_json_key(e, "measured", k, sizeof(k)));
		e->runs[i].valued = m && json_object_is_type(m, json_type_int);
		e->runs[i].measured = e->runs[i].valued ? json_object_get_int64(m) : 0;
	}
	return 0;
}

static int read_expect(struct json_object *o, struct scenario_result *r)
{
	struct expect_result *e = result_add_expect(r);
	struct json_object *a;
	const char *s;
	char k[32];
	int v;

	if (!e)
		return -ENOMEM;
	copy_str(e->kind, sizeof(e->kind), get_str(o, "kind"));
	v = verdict_of_id((s = get_str(o, "verdict")) ? s : "");
	if (v < 0)
		return -EINVAL;
	e->verdict = (enum verdict)v;
	v = outcome_of_name((s = get_str(o, "outcome")) ? s : "");
	if (v < 0)
		return -EINVAL;
	e->outcome = (enum outcome)v;
	s = get_str(o, "unit");
	for (int u = UNIT_NONE; s && u <= UNIT_SOCKETS; u++)
		if (!strcmp(s, unit_name((enum result_unit)u)))
			e->unit = (enum result_unit)u;
	e->at.line = (int)get_i64(o, "line", 0);
	e->at.col = (int)get_i64(o, "col", 0);
	if ((s = get_str(o, "expected")) && result_set_expected(e, s))
		return -ENOMEM;
	e->measured = get_i64(o, result_json_key(e, "measured", k, sizeof(k)), 0);
	/* results from before spans: the point, at both ends */
	e->measured_lo = get_i64(o, result_json_key(e, "measured_lo", k, sizeof(k)), e->measured);
	e->measured_hi = get_i64(o, result_json_key(e, "measured_hi", k, sizeof(k)), e->measured);
	a = get(o, "doubts");
	for (size_t i = 0; a && i < json_object_array_length(a); i++)
		for (unsigned b = 0; b < RESULT_JSON_NDOUBTS; b++)
			if ((s = json_object_get_string(json_object_array_get_idx(a, i))) &&
			    !strcmp(s, result_json_doubts[b]))
				e->doubts |= 1u << b;
	if ((a = get(o, "across"))) {
		copy_str(e->across.name, sizeof(e->across.name), get_str(a, "name"));
		e->across.late_ns = get_i64(a, "late_ns", 0);
		e->across.took_ns = get_i64(a, "took_ns", 0);
	}
	e->lo = get_i64(o, result_json_key(e, "lo", k, sizeof(k)), 0);
	e->hi = get_i64(o, result_json_key(e, "hi", k, sizeof(k)), INT64_MAX);
	e->cause = cause_of(get(o, "cause"));
	a = get(o, "causes");
	for (size_t i = 0; a && i < json_object_array_length(a) && i < 8; i++)
		e->causes[e->ncauses++] = cause_of(json_object_array_get_idx(a, i));
	read_fields(o, e);
	a = get(o, "packets");
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *p = json_object_array_get_idx(a, i);

		result_add_packet(e, get_str(p, "host") ? get_str(p, "host") : "",
				  (long)get_i64(p, "frame", 0));
	}
	a = get(o, "calls");
	for (size_t i = 0; a && i < json_object_array_length(a) && i < RESULT_MAX_CALLS; i++) {
		struct json_object *c = json_object_array_get_idx(a, i);
		struct call_result *cr = &e->calls[e->ncalls++];

		copy_str(cr->call, sizeof(cr->call), get_str(c, "call"));
		cr->ret = (long)get_i64(c, "ret", 0);
		cr->err = get_str(c, "errno") ? errname_parse(get_str(c, "errno")) : 0;
		cr->times = (long)get_i64(c, "times", 1);
		cr->event_line = (long)get_i64(c, "event_line", 0);
	}
	e->calls_cut = get(o, "calls_cut") && json_object_get_boolean(get(o, "calls_cut"));
	if ((a = get(o, "rate"))) {
		e->rated = true;
		e->rate_lo = (int)get_i64(a, "lo_pct", 0);
		e->rate_hi = (int)get_i64(a, "hi_pct", 100);
	}
	return read_runs(o, e);
}

/* What a scenario and each of its runs have of their own. */
static int read_run_part(struct json_object *o, struct scenario_result *r)
{
	const char *s = get_str(o, "verdict");
	int v = verdict_of_id(s ? s : "");

	if (v < 0)
		return -EINVAL;
	r->verdict = (enum verdict)v;
	r->reason = dup_str(o, "reason");
	r->run_dir = dup_str(o, "run_dir");
	r->duration_ns = get_i64(o, "duration_ns", 0);
	return 0;
}

/* The runs' own parts in array @a (NULL: none) into *@v, *@n. */
static int read_run_parts(struct json_object *a, struct scenario_result **v, size_t *n)
{
	size_t len = a ? json_object_array_length(a) : 0;
	int err;

	if (!len)
		return 0;
	if (!(*v = calloc(len, sizeof(**v))))
		return -ENOMEM;
	*n = len;
	for (size_t k = 0; k < len; k++)
		if ((err = read_run_part(json_object_array_get_idx(a, k), &(*v)[k])))
			return err;
	return 0;
}

static int read_scenario(struct json_object *o, struct scenario_result *r)
{
	struct json_object *a;
	int err;

	r->id = dup_str(o, "id");
	r->name = dup_str(o, "name");
	r->file = dup_str(o, "file");
	r->kernel = dup_str(o, "kernel");
	if (!r->id)
		return -EINVAL;
	a = get(o, "claims");
	for (size_t i = 0; a && i < json_object_array_length(a) && r->nclaims < RESULT_MAX_CLAIMS; i++) {
		struct json_object *c = json_object_array_get_idx(a, i);
		struct claim_ref *cr = &r->claims[r->nclaims++];

		copy_str(cr->id, sizeof(cr->id), get_str(c, "id"));
		copy_str(cr->finding, sizeof(cr->finding), get_str(c, "finding"));
	}
	r->sweep = dup_str(o, "sweep");
	a = get(o, "parameters");
	if (r->sweep && a && json_object_is_type(a, json_type_object)) {
		json_object_object_foreach(a, name, value) {
			if (r->nparams == RESULT_MAX_PARAMS || !json_object_get_string(value))
				return -EINVAL;
			r->param_names[r->nparams] = strdup(name);
			r->param_values[r->nparams] = strdup(json_object_get_string(value));
			if (!r->param_names[r->nparams++] || !r->param_values[r->nparams - 1])
				return -ENOMEM;
		}
	}
	if ((err = read_run_part(o, r)))
		return err;
	a = get(o, "outputs");
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(a, i));

		if (s && result_add_output(r, s))
			return -ENOMEM;
	}
	a = get(o, "late_steps");
	for (size_t i = 0; a && i < json_object_array_length(a) && r->nlate < RESULT_MAX_LATE_STEPS; i++) {
		struct json_object *l = json_object_array_get_idx(a, i);
		struct late_step *ls = &r->late[r->nlate++];

		copy_str(ls->name, sizeof(ls->name), get_str(l, "name"));
		ls->step = (int)get_i64(l, "step", -1);
		ls->t_ns = get_i64(l, "t_ns", 0);
		ls->late_ns = get_i64(l, "late_ns", 0);
		ls->took_ns = get_i64(l, "took_ns", 0);
	}
	if ((err = read_run_parts(get(o, "retried"), &r->tries, &r->ntries)) ||
	    (err = read_run_parts(get(o, "runs"), &r->runs, &r->nruns)))
		return err;
	a = get(o, "expectations");
	for (size_t i = 0; a && i < json_object_array_length(a); i++)
		if ((err = read_expect(json_object_array_get_idx(a, i), r)))
			return err;
	return 0;
}

int result_json_read(const char *path, struct run_result *rr, struct diag *d)
{
	struct json_object *o = json_object_from_file(path), *a;
	const char *format = o ? get_str(o, "format") : NULL, *sig;
	int err = 0;

	if (!o) {
		const char *why = json_util_get_last_err();
		size_t n = why ? strcspn(why, "\n") : 0;

		diag_add(d, "%s: not a JSON file: %.*s", path, (int)n, why ? why : "");
		return -EINVAL;
	}
	if (!format || strcmp(format, RESULT_JSON_FORMAT) ||
	    get_i64(o, "version", 0) != RESULT_JSON_VERSION) {
		diag_add(d, "%s: not unplug's results (expected \"format\": \"%s\", \"version\": %d, as `unplug run --json` writes)",
			 path, RESULT_JSON_FORMAT, RESULT_JSON_VERSION);
		json_object_put(o);
		return -EINVAL;
	}
	rr->started_ns = get_i64(o, "started_ns", 0);
	rr->duration_ns = get_i64(o, "duration_ns", 0);
	rr->root = dup_str(o, "root");
	rr->kernel = dup_str(o, "kernel");
	rr->repeat = (int)get_i64(o, "repeat", 1);
	if ((a = get(o, "shard"))) {
		rr->shard = (int)get_i64(a, "index", 0);
		rr->shards = (int)get_i64(a, "count", 0);
	}
	rr->interrupted = json_object_get_boolean(get(o, "interrupted"));
	sig = get_str(o, "signal");
	rr->signal = !sig ? 0 : !strcmp(sig, "SIGINT") ? SIGINT : !strcmp(sig, "SIGTERM") ? SIGTERM : 0;
	rr->fail_on_skip = json_object_get_boolean(get(o, "fail_on_skip"));
	rr->retries = (int)get_i64(o, "retries", 0);
	rr->retried = (size_t)get_i64(o, "retried_runs", 0);
	a = get(o, "scenarios");
	for (size_t i = 0; !err && a && i < json_object_array_length(a); i++) {
		struct scenario_result *r = result_new_scenario(rr);

		err = r ? read_scenario(json_object_array_get_idx(a, i), r) : -ENOMEM;
		if (err == -EINVAL)
			diag_add(d, "%s: scenario %zu: a verdict, outcome or id that is not unplug's",
				 path, i + 1);
	}
	json_object_put(o);
	return err;
}
