/* detect and no-detect: when a host's application noticed, and how. */
#include <stdio.h>
#include <string.h>

#include "harness/duration.h"
#include "harness/errname.h"
#include "harness/judge_internal.h"

static const char *err_str(int err)
{
	const char *s = errname_str(err);

	return s ? s : "an unknown error";
}

static bool is_detection(const struct event *e, int host)
{
	return e->host == host && (e->type == EV_EOF || e->type == EV_ERROR ||
				   e->type == EV_HEARTBEAT_TIMEOUT);
}

/* What a detection event was, as people say it: "ETIMEDOUT" or "EOF". */
static const char *detection_str(const struct event *e)
{
	if (e->type == EV_HEARTBEAT_TIMEOUT)
		return "heartbeat timeout";
	return e->type == EV_EOF ? "EOF" : err_str(e->err);
}

static const struct event *first_detection(const struct judge *j, int host)
{
	for (size_t i = 0; i < j->ev.n; i++)
		if (j->ev.v[i].t_ns >= j->t_established && is_detection(&j->ev.v[i], host))
			return &j->ev.v[i];
	return NULL;
}

static bool error_accepted(const struct expect *x, const struct event *e)
{
	int got = e->type == EV_EOF ? ERRNAME_EOF :
		  e->type == EV_HEARTBEAT_TIMEOUT ? ERRNAME_HEARTBEAT : e->err;

	if (!x->nerrors)
		return true;
	for (size_t i = 0; i < x->nerrors; i++)
		if (x->errors[i] == got)
			return true;
	return false;
}

static void errors_str(const struct expect *x, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < x->nerrors && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? " or " : "",
				 x->errors[i] == ERRNAME_EOF ? "EOF" : err_str(x->errors[i]));
	if (!x->nerrors)
		snprintf(buf, len, "detection");
}

int judge_detect(struct judge *j, const struct expect *x,
			struct scenario_result *res)
{
	const char *host = j->sc->hosts[x->host].name;
	const struct event *e = first_detection(j, x->host);
	char lo[32], hi[32], errs[128], lat[32], expected[256], measured[256];
	enum verdict v = VERDICT_FAIL;
	const char *ref_what;
	int64_t t_ref;
	bool ran = judge_reference(j, x, &t_ref, &ref_what);

	errors_str(x, errs, sizeof(errs));
	snprintf(expected, sizeof(expected), "%s %s within %s..%s s of %s", host, errs,
		 judge_secs(x->lo_ns, lo, sizeof(lo)), judge_secs(x->hi_ns, hi, sizeof(hi)), ref_what);
	if (!ran) {
		snprintf(measured, sizeof(measured), "step %s never ran", ref_what);
	} else if (!e) {
		snprintf(measured, sizeof(measured), "%s detected nothing in the %s after %s",
			 host, duration_str(j->t_end - t_ref, lat, sizeof(lat)), ref_what);
	} else if (e->t_ns < t_ref) {
		snprintf(measured, sizeof(measured), "%s %s %s before %s", host,
			 detection_str(e), duration_str(t_ref - e->t_ns, lat, sizeof(lat)),
			 ref_what);
	} else {
		int64_t latency = e->t_ns - t_ref;
		bool in_window = latency >= x->lo_ns && latency <= x->hi_ns;

		snprintf(measured, sizeof(measured), "%s %s after %s (window %s–%s s)%s%s",
			 host, detection_str(e), duration_str(latency, lat, sizeof(lat)),
			 lo, hi, error_accepted(x, e) ? "" : "; expected ",
			 error_accepted(x, e) ? "" : errs);
		if (in_window && error_accepted(x, e))
			v = VERDICT_PASS;
	}
	return result_add_expect(res, v, x->at, expected, measured);
}

int judge_no_detect(struct judge *j, const struct expect *x,
			   struct scenario_result *res)
{
	const char *host = j->sc->hosts[x->host].name;
	const struct event *e = first_detection(j, x->host);
	char f[32], lat[32], expected[256], measured[256];
	enum verdict v = VERDICT_FAIL;
	const char *ref_what;
	int64_t t_ref;
	bool ran = judge_reference(j, x, &t_ref, &ref_what);
	int64_t until = t_ref + x->for_ns;

	snprintf(expected, sizeof(expected), "%s detects nothing for %s s after %s", host,
		 judge_secs(x->for_ns, f, sizeof(f)), ref_what);
	if (!ran) {
		snprintf(measured, sizeof(measured), "step %s never ran", ref_what);
	} else if (e && e->t_ns <= until) {
		if (e->t_ns >= t_ref)
			snprintf(measured, sizeof(measured), "%s %s after %s; expected none for %s s",
				 host, detection_str(e), duration_str(e->t_ns - t_ref, lat, sizeof(lat)), f);
		else
			snprintf(measured, sizeof(measured), "%s %s %s before %s; expected none",
				 host, detection_str(e), duration_str(t_ref - e->t_ns, lat, sizeof(lat)),
				 ref_what);
	} else if (j->t_end < until) {
		snprintf(measured, sizeof(measured), "the run ended %s after %s, before the %s s were over",
			 duration_str(j->t_end - t_ref, lat, sizeof(lat)), ref_what, f);
	} else {
		snprintf(measured, sizeof(measured), "%s detected nothing for %s s", host, f);
		v = VERDICT_PASS;
	}
	return result_add_expect(res, v, x->at, expected, measured);
}

