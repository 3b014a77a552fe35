/* Result values in words: the only place a verdict becomes a sentence.
 * Every report (terminal, JUnit) takes its sentences from here. */
#include "reports/result.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "common/duration.h"
#include "common/errname.h"

/* What a host noticed, as people say it: "ETIMEDOUT", "EOF". */
static const char *cause_str(int cause)
{
	const char *s;

	if (cause == ERRNAME_EOF)
		return "EOF";
	if (cause == ERRNAME_HEARTBEAT)
		return "heartbeat timeout";
	s = errname_str(cause);
	return s ? s : "an unknown error";
}

/* What the host was seen to do: "ETIMEDOUT", "closed (its socket
 * vanished)", "exited (status 0)", "logged \"bye\"". */
static const char *noticed_str(const struct expect_result *e, char *buf, size_t len)
{
	static const struct { const char *via, *words; } close[] = {
		{ "vanished", "its socket left the table" },
		{ "orphaned", "its program let go of its socket" },
		{ "FIN", "it sent a FIN" },
		{ "RST", "it sent an RST" },
	};
	char sig[32];

	if (!strcmp(e->by, "close")) {
		const char *how = e->via;

		for (size_t i = 0; i < sizeof(close) / sizeof(close[0]); i++)
			if (!strcmp(e->via, close[i].via))
				how = close[i].words;
		snprintf(buf, len, "closed (%s)", how);
	} else if (!strcmp(e->by, "exit") && e->exit_signal) {
		snprintf(sig, sizeof(sig), "SIG%s", sigabbrev_np(e->exit_signal) ?
			 sigabbrev_np(e->exit_signal) : "?");
		snprintf(buf, len, "exited (killed by %s)", sig);
	} else if (!strcmp(e->by, "exit")) {
		snprintf(buf, len, "exited (status %d)", e->exit_status);
	} else if (!strcmp(e->by, "log")) {
		snprintf(buf, len, "logged \"%.150s\"", e->log);
	} else if (e->via[0]) {
		snprintf(buf, len, "%s (its %s failed)", cause_str(e->cause), e->via);
	} else {
		snprintf(buf, len, "%s", cause_str(e->cause));
	}
	return buf;
}

/* That it did not: "kept its connection", "detected nothing". */
static const char *quiet_str(const struct expect_result *e)
{
	if (!strcmp(e->by, "close"))
		return "kept its connection";
	if (!strcmp(e->by, "exit"))
		return "kept running";
	if (!strcmp(e->by, "log"))
		return "logged no match";
	if (!strcmp(e->by, "call"))
		return "had no send or recv fail";
	return "detected nothing";
}

/* The budget missed, and what the host did instead. */
static void nothing(const struct expect_result *e, char *buf, size_t len)
{
	static const struct { const char *by, *instead; } how[] = {
		{ "close", "its connection stayed open; " },
		{ "exit", "it kept running; " },
		{ "log", "no line matched; " },
	};
	const char *instead = "";
	char t[32], hi[32];

	for (size_t i = 0; i < sizeof(how) / sizeof(how[0]); i++)
		if (!strcmp(e->by, how[i].by))
			instead = how[i].instead;
	if (!strcmp(e->by, "log") && e->printed_nothing)
		instead = "it printed nothing — if it buffers its output, try tty: true; ";
	snprintf(buf, len, "%s: nothing detected in the %s after %s (%sbudget %s s)", e->host,
		 duration_str(e->measured, t, sizeof(t)), e->ref, instead,
		 duration_secs(e->hi, hi, sizeof(hi)));
}

static bool cause_accepted(const struct expect_result *e)
{
	if (!strcmp(e->by, "exit"))
		return e->want_status < 0 || e->want_status == e->exit_status;
	if ((e->by[0] && strcmp(e->by, "call")) || !e->ncauses)
		return true;
	for (size_t i = 0; i < e->ncauses; i++)
		if (e->causes[i] == e->cause)
			return true;
	return false;
}

/* "ETIMEDOUT or EOF", or "detection" when any will do. */
static const char *causes_str(const struct expect_result *e, char *buf, size_t len)
{
	size_t used = 0;

	if (!strcmp(e->by, "exit")) {
		snprintf(buf, len, "status %d", e->want_status);
		return buf;
	}
	snprintf(buf, len, "detection");
	for (size_t i = 0; i < e->ncauses && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " or " : "",
					 cause_str(e->causes[i]));
	return buf;
}

/* "server sent to client", "server sent", "client received". */
static const char *who_str(const struct expect_result *e, char *buf, size_t len)
{
	if (e->host[0] && e->peer[0])
		snprintf(buf, len, "%s sent to %s", e->host, e->peer);
	else if (e->host[0])
		snprintf(buf, len, "%s sent", e->host);
	else if (e->peer[0])
		snprintf(buf, len, "%s received", e->peer);
	else
		snprintf(buf, len, "the hosts sent");
	return buf;
}

/* A measured time: "1.723 s", or, when unsure, all it could have been:
 * "1.691–1.760 s". */
static const char *time_str(const struct expect_result *e, char *buf, size_t len)
{
	char lo[32], hi[32];

	if (e->verdict != VERDICT_UNSURE || e->measured_hi <= e->measured_lo)
		return duration_str(e->measured, buf, len);
	duration_str(e->measured_lo, lo, sizeof(lo));
	duration_str(e->measured_hi, hi, sizeof(hi));
	/* "1.691 s" and "1.760 s": one unit, once */
	if (strchr(lo, ' ') && strchr(hi, ' ') && !strcmp(strchr(lo, ' '), strchr(hi, ' ')))
		*strchr(lo, ' ') = '\0';
	snprintf(buf, len, "%.31s–%.31s", lo, hi);
	return buf;
}

static void detected(const struct expect_result *e, char *buf, size_t len)
{
	char lat[96], lo[32], hi[32], causes[128], what[256], off[64] = "", by[32], win[80];

	noticed_str(e, what, sizeof(what));
	if (e->measured < 0) {
		snprintf(buf, len, "%s %s %s before %s", e->host, what,
			 duration_str(-e->measured, lat, sizeof(lat)), e->ref);
		return;
	}
	if (e->verdict == VERDICT_UNSURE)
		off[0] = '\0';
	else if (e->measured > e->hi)
		snprintf(off, sizeof(off), ": %s over budget",
			 duration_str(e->measured - e->hi, by, sizeof(by)));
	else if (e->measured < e->lo)
		snprintf(off, sizeof(off), ": %s too early",
			 duration_str(e->lo - e->measured, by, sizeof(by)));
	else if (e->hi != INT64_MAX)
		snprintf(off, sizeof(off), ", margin %s",
			 duration_str(e->hi - e->measured, by, sizeof(by)));
	/* the upper bound is the budget CI gates on: say so when it is all
	 * the window says */
	if (e->lo > 0 || e->hi == INT64_MAX)
		snprintf(win, sizeof(win), "window %s–%s s", duration_secs(e->lo, lo, sizeof(lo)),
			 e->hi == INT64_MAX ? "" : duration_secs(e->hi, hi, sizeof(hi)));
	else
		snprintf(win, sizeof(win), "budget %s s", duration_secs(e->hi, hi, sizeof(hi)));
	snprintf(buf, len, "%s %s after %s (%s%s)%s%s", e->host, what,
		 time_str(e, lat, sizeof(lat)), win, off,
		 cause_accepted(e) ? "" : "; expected ",
		 cause_accepted(e) ? "" : causes_str(e, causes, sizeof(causes)));
}

static void not_quiet(const struct expect_result *e, char *buf, size_t len)
{
	char lat[96], period[32], what[256];

	noticed_str(e, what, sizeof(what));
	if (e->measured < 0)
		snprintf(buf, len, "%s %s %s before %s; expected none", e->host, what,
			 duration_str(-e->measured, lat, sizeof(lat)), e->ref);
	else
		snprintf(buf, len, "%s %s after %s; expected none for %s s", e->host, what,
			 time_str(e, lat, sizeof(lat)),
			 duration_secs(e->hi, period, sizeof(period)));
}

/* "3 CLOSE_WAIT sockets on port 7000" */
static const char *sockets_str(const struct expect_result *e, int64_t n, char *buf, size_t len)
{
	char port[32] = "";

	if (e->port)
		snprintf(port, sizeof(port), " on port %d", e->port);
	snprintf(buf, len, "%lld %s socket%s%s", (long long)n, e->what, n == 1 ? "" : "s", port);
	return buf;
}

static void sockets(const struct expect_result *e, char *buf, size_t len)
{
	char n[200], t[32], w[32];
	bool ok = e->verdict == VERDICT_PASS;

	sockets_str(e, e->measured, n, sizeof(n));
	duration_str(e->t_ns - e->ref_t_ns, t, sizeof(t));
	duration_secs(e->when_ns, w, sizeof(w));
	if (e->outcome == OUTCOME_SOCKETS_AT)
		snprintf(buf, len, "%s had %s %s s after %s", e->host, n, w, e->ref);
	else if (e->outcome == OUTCOME_SOCKETS_BY && ok)
		snprintf(buf, len, "%s had %s %s after %s (by %s s)", e->host, n, t, e->ref, w);
	else if (e->outcome == OUTCOME_SOCKETS_BY)
		snprintf(buf, len, "%s had %s %s s after %s, and never the count wanted before",
			 e->host, n, w, e->ref);
	else if (e->outcome == OUTCOME_SOCKETS_FOR && ok)
		snprintf(buf, len, "%s had %s all along the %s s after %s", e->host, n, w, e->ref);
	else if (e->outcome == OUTCOME_SOCKETS_FOR)
		snprintf(buf, len, "%s had %s %s after %s, within the %s s", e->host, n, t, e->ref, w);
	else if (ok)
		snprintf(buf, len, "%s had at most %s", e->host, n);
	else
		snprintf(buf, len, "%s had %s %s after %s; never more than %lld expected", e->host,
			 n, t, e->ref, (long long)e->hi);
}

/* "send ok (10), send ECONNRESET, recv EOF" */
static void calls(const struct expect_result *e, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "%s's calls after %s returned:", e->host, e->ref);

	if (!e->ncalls)
		snprintf(buf + used, len - used, " none (no send or recv)");
	for (size_t i = 0; i < e->ncalls && used < len; i++) {
		const struct call_result *c = &e->calls[i];

		if (c->err)
			used += (size_t)snprintf(buf + used, len - used, "%s %s %s", i ? "," : "",
						 c->call, cause_str(c->err));
		else if (!strcmp(c->call, "recv") && !c->ret)
			used += (size_t)snprintf(buf + used, len - used, "%s recv EOF", i ? "," : "");
		else
			used += (size_t)snprintf(buf + used, len - used, "%s %s ok (%ld)", i ? "," : "",
						 c->call, c->ret);
		if (c->times > 1 && used < len)
			used += (size_t)snprintf(buf + used, len - used, " ×%ld", c->times);
	}
	if (e->calls_cut && used < len)
		snprintf(buf + used, len - used, ", …");
}

/* A count's bounds: "3", ">= 1", "<= 2", "1..4". */
static const char *count_range_str(int64_t lo, int64_t hi, char *buf, size_t len)
{
	if (lo == hi)
		snprintf(buf, len, "%lld", (long long)lo);
	else if (hi == INT64_MAX)
		snprintf(buf, len, ">= %lld", (long long)lo);
	else if (lo == 0)
		snprintf(buf, len, "<= %lld", (long long)hi);
	else
		snprintf(buf, len, "%lld..%lld", (long long)lo, (long long)hi);
	return buf;
}

/* "client to server: 12 segments in 301-342 ms (median 318 ms), 0 lost,
 * 0 duplicated", then what failed: "; spread 41 ms, wanted 50 ms..1 s". */
static void transit(const struct expect_result *e, char *buf, size_t len)
{
	char lo[32], hi[32], med[32], v[32], wl[32], wh[32];
	size_t used;

	if (e->segments)
		used = (size_t)snprintf(buf, len, "%s to %s: %ld segment%s in %s..%s (median %s), %ld lost, %ld duplicated",
					e->host, e->peer, e->segments, e->segments == 1 ? "" : "s",
					duration_str(e->delay_min_ns, lo, sizeof(lo)),
					duration_str(e->delay_max_ns, hi, sizeof(hi)),
					duration_str(e->delay_median_ns, med, sizeof(med)), e->lost,
					e->duplicated);
	else
		used = (size_t)snprintf(buf, len, "%s to %s: no segment seen at both ends, %ld lost, %ld duplicated",
					e->host, e->peer, e->lost, e->duplicated);
	if (e->verdict != VERDICT_FAIL || !e->what[0] || used >= len)
		return;
	if (e->unit == UNIT_NS)
		snprintf(buf + used, len - used, "; %s %s, wanted %s..%s", e->what,
			 duration_str(e->measured, v, sizeof(v)), duration_str(e->lo, wl, sizeof(wl)),
			 duration_str(e->hi, wh, sizeof(wh)));
	else
		snprintf(buf + used, len - used, "; %s %lld, wanted %s", e->what,
			 (long long)e->measured, count_range_str(e->lo, e->hi, wl, sizeof(wl)));
}

const char *result_doubt_str(const struct expect_result *e, char *buf, size_t len)
{
	char a[32], b[32];
	size_t used = 0;

	buf[0] = '\0';
#define SAY(...) \
	(used += used < len ? (size_t)snprintf(buf + used, len - used, __VA_ARGS__) : 0)
	if (e->doubts & DOUBT_REFERENCE) {
		SAY("%s", e->ref);
		if (e->ref_late_ns >= 100000)
			SAY(" ran %s late", duration_str(e->ref_late_ns, a, sizeof(a)));
		if (e->ref_took_ns >= 100000)
			SAY("%s took %s to take effect", e->ref_late_ns >= 100000 ? " and" : "",
			    duration_str(e->ref_took_ns, b, sizeof(b)));
		if (e->ref_late_ns < 100000 && e->ref_took_ns < 100000)
			SAY(" took effect at a moment known to %s",
			    duration_str(e->ref_late_ns + e->ref_took_ns, a, sizeof(a)));
	}
	if ((e->doubts & DOUBT_CROSSED) && e->npackets)
		SAY(" while %s's frame %ld crossed", e->packets[e->npackets - 1].host,
		    e->packets[e->npackets - 1].frame);
	if (e->doubts & DOUBT_LAG && (!strcmp(e->by, "exit") || !strcmp(e->by, "log")))
		SAY("%s%s's program, waiting to run, may have done it up to %s late", used ? "; " : "",
		    e->host, duration_str(e->lag_ns, a, sizeof(a)));
	else if (e->doubts & DOUBT_LAG)
		SAY("%s%s's peer saw it up to %s late", used ? "; " : "", e->host,
		    duration_str(e->lag_ns, a, sizeof(a)));
	if (e->doubts & DOUBT_DELIVERY)
		SAY("%s%s took %s to arrive on a link that adds no delay", used ? "; " : "",
		    e->delivery_of, duration_str(e->delivery_ns, a, sizeof(a)));
	if (e->doubts & DOUBT_SAMPLE)
		SAY("%sthe socket table was sampled %s apart", used ? "; " : "",
		    duration_str(e->sample_gap_ns, a, sizeof(a)));
	if (e->doubts & DOUBT_LATE_STEP)
		SAY("%sstep %s, measured across, ran %s late and took %s to take effect",
		    used ? "; " : "", e->across.name, duration_str(e->across.late_ns, a, sizeof(a)),
		    duration_str(e->across.took_ns, b, sizeof(b)));
#undef SAY
	return buf;
}

/* "; 1000 of 1000 connections noticed, 2.90 / 2.95 / 3.00 / 3.10 s
 * (min / median / p99 / max), the last #317" after a detect on a host
 * with several connections. */
static void conns_str(const struct expect_result *e, char *buf, size_t len)
{
	size_t used = strlen(buf);
	char a[32], b[32], c[32], d[32];

	if (!e->conns || used >= len)
		return;
	if (!e->conns_noticed) {
		snprintf(buf + used, len - used, "; none of its %ld connections noticed (%ld needed)",
			 e->conns, e->conns_needed);
		return;
	}
	snprintf(buf + used, len - used,
		 "; %ld of %ld connections noticed (%ld needed), %s / %s / %s / %s (min / median / p99 / max), the last #%ld",
		 e->conns_noticed, e->conns, e->conns_needed, duration_str(e->conn_min_ns, a, sizeof(a)),
		 duration_str(e->conn_median_ns, b, sizeof(b)), duration_str(e->conn_p99_ns, c, sizeof(c)),
		 duration_str(e->conn_max_ns, d, sizeof(d)), e->slowest_conn);
}

/* ": unsure, blackhole took 69 ms to take effect" after an unsure
 * verdict's measurement. */
static void unsure_str(const struct expect_result *e, char *buf, size_t len)
{
	size_t used = strlen(buf);
	char why[400];

	if (e->verdict != VERDICT_UNSURE || used >= len)
		return;
	result_doubt_str(e, why, sizeof(why));
	snprintf(buf + used, len - used, ": unsure%s%s", why[0] ? ", " : "", why);
}

const char *result_measured_str(const struct expect_result *e, char *buf, size_t len)
{
	char t[32], secs[32], who[96];

	switch (e->outcome) {
	case OUTCOME_DETECTED:
		detected(e, buf, len);
		break;
	case OUTCOME_NOTHING_DETECTED:
		nothing(e, buf, len);
		break;
	case OUTCOME_QUIET:
		snprintf(buf, len, "%s %s for %s s", e->host, quiet_str(e),
			 duration_secs(e->hi, secs, sizeof(secs)));
		break;
	case OUTCOME_NOT_QUIET:
		not_quiet(e, buf, len);
		break;
	case OUTCOME_RUN_TOO_SHORT:
		snprintf(buf, len, "the run ended %s after %s, before the %s s were over",
			 duration_str(e->measured, t, sizeof(t)), e->ref,
			 duration_secs(e->hi, secs, sizeof(secs)));
		break;
	case OUTCOME_NO_REFERENCE:
		snprintf(buf, len, "step %s never ran", e->ref);
		break;
	case OUTCOME_COUNTED:
		snprintf(buf, len, "%s %lld %s", who_str(e, who, sizeof(who)),
			 (long long)e->measured, e->what);
		break;
	case OUTCOME_DELIVERED:
		snprintf(buf, len, "%s sent %lld bytes, %s received %lld", e->host,
			 (long long)e->hi, e->peer, (long long)e->measured);
		break;
	case OUTCOME_CORRUPTED:
		snprintf(buf, len, "%s sent %lld bytes, %s received %lld; the byte at stream offset %lld differs from what was sent",
			 e->host, (long long)e->hi, e->peer, (long long)e->measured,
			 (long long)e->offset);
		break;
	case OUTCOME_MATCHED:
		snprintf(buf, len, "matched, the last item %s after %s",
			 duration_str(e->measured, t, sizeof(t)), e->ref);
		break;
	case OUTCOME_BROKEN:
		snprintf(buf, len, "item %ld (%s): found %ld, then %s, %s after %s", e->item,
			 e->what, e->found, e->packet, duration_str(e->measured, t, sizeof(t)),
			 e->ref);
		break;
	case OUTCOME_SOCKETS_AT:
	case OUTCOME_SOCKETS_BY:
	case OUTCOME_SOCKETS_FOR:
	case OUTCOME_SOCKETS_MAX:
		sockets(e, buf, len);
		break;
	case OUTCOME_CALLS:
		calls(e, buf, len);
		break;
	case OUTCOME_CAPTURE_INCOMPLETE:
		snprintf(buf, len, "capture incomplete: %s's capture dropped %lld packets",
			 e->host, (long long)e->measured);
		break;
	case OUTCOME_NEEDS_EVENTS:
		snprintf(buf, len, "a bare capture cannot show it: %s needs the run's events%s",
			 e->kind, e->ref[0] ? " and its steps' times" : "");
		break;
	case OUTCOME_TRANSIT:
		transit(e, buf, len);
		break;
	case OUTCOME_BLOCKED:
		snprintf(buf, len, "%s's %s() returned%s%s after %s", e->host, e->what,
			 e->cause > 0 ? " " : "", e->cause > 0 ? errname_str(e->cause) : "",
			 duration_str(e->measured, t, sizeof(t)));
		break;
	case OUTCOME_NOT_CALLED:
		snprintf(buf, len, "%s never called %s()", e->host, e->what);
		break;
	case OUTCOME_NOT_TIMED:
		snprintf(buf, len, "the run did not record how long %s's %s() took (a run from before unplug timed calls)",
			 e->host, e->what);
		break;
	case OUTCOME_OTHER_KERNEL:
		snprintf(buf, len, "for kernels %s; this run's is %s", e->kernel_cond,
			 e->run_kernel[0] ? e->run_kernel : "unknown");
		break;
	case OUTCOME_COUNT:
		snprintf(buf, len, "?");
		break;
	case OUTCOME_CUT_SHORT:
		snprintf(buf, len, "item %ld (%s): found %ld before the capture ended", e->item,
			 e->what, e->found);
		break;
	}
	if (e->outcome == OUTCOME_DETECTED || e->outcome == OUTCOME_NOTHING_DETECTED)
		conns_str(e, buf, len);
	unsure_str(e, buf, len);
	return buf;
}

const char *result_short_str(const struct expect_result *e, char *buf, size_t len)
{
	char m[32], b[32], text[512];
	int64_t budget, margin;

	if (result_budget(e, &budget, &margin) && margin < 0) {
		snprintf(buf, len, "%s %s, budget %s s",
			 e->outcome == OUTCOME_NOTHING_DETECTED ? "nothing detected in" : "measured",
			 duration_str(e->measured, m, sizeof(m)), duration_secs(budget, b, sizeof(b)));
		return buf;
	}
	snprintf(buf, len, "measured %s", result_measured_str(e, text, sizeof(text)));
	return buf;
}

const char *result_runs_str(const struct expect_result *e, char *buf, size_t len)
{
	struct run_stats st = result_run_stats(e);
	size_t used, failed = 0, unsure = 0;
	char a[32], b[32], c[32], d[32];

	if (e->rated) {
		size_t passed = 0, judged = 0;

		result_rate_verdict(e, &passed, &judged);
		used = (size_t)snprintf(buf, len, "passed in %zu of %zu run%s (%zu%%; %d%%..%d%% wanted)",
					passed, judged, judged == 1 ? "" : "s",
					judged ? passed * 100 / judged : 0, e->rate_lo, e->rate_hi);
	} else {
		used = (size_t)snprintf(buf, len, "%zu runs", e->nruns);
	}
	for (size_t k = 0; !e->rated && k < e->nruns && used < len; k++)
		if (e->runs[k].verdict != VERDICT_PASS && e->runs[k].verdict != VERDICT_UNSURE)
			used += (size_t)snprintf(buf + used, len - used, "%s%zu",
						 failed++ ? ", " : ", failed in run ", k + 1);
	for (size_t k = 0; !e->rated && k < e->nruns && used < len; k++)
		if (e->runs[k].verdict == VERDICT_UNSURE)
			used += (size_t)snprintf(buf + used, len - used, "%s%zu",
						 unsure++ ? ", " : ", unsure in run ", k + 1);
	if (st.n && used < len && e->unit == UNIT_NS)
		snprintf(buf + used, len - used, "; min %s, median %s, p99 %s, max %s",
			 duration_str(st.min, a, sizeof(a)), duration_str(st.median, b, sizeof(b)),
			 duration_str(st.p99, c, sizeof(c)), duration_str(st.max, d, sizeof(d)));
	else if (st.n && used < len)
		snprintf(buf + used, len - used, "; min %lld, median %lld, max %lld %s",
			 (long long)st.min, (long long)st.median, (long long)st.max,
			 unit_name(e->unit));
	return buf;
}
