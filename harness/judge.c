#include "harness/judge.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "captures/packet.h"
#include "captures/pcap_read.h"
#include "harness/duration.h"
#include "harness/errname.h"
#include "harness/events.h"
#include "harness/rundir.h"
#include "harness/scenario.h"
#include "harness/sequence.h"
#include "netns/fault.h"

struct judge {
	const struct scenario *sc;
	struct event_list ev;
	struct packet_list pk[SCENARIO_MAX_HOSTS];
	uint8_t addr[SCENARIO_MAX_HOSTS][16];
	int family[SCENARIO_MAX_HOSTS];
	uint8_t alias[SCENARIO_MAX_HOSTS][16];	/* seen as, behind a NAT */
	int alias_family[SCENARIO_MAX_HOSTS];	/* 0: none */
	int64_t t_established;	/* 0: never */
	int64_t t_ref;		/* the last fault, or establishment */
	const char *ref_what;	/* "cable-pull", or "establishment" */
	int64_t t_end;
};

/* "4.5", "0.25", "30": seconds without trailing zeros. */
static const char *secs(int64_t ns, char *buf, size_t len)
{
	char *p;

	snprintf(buf, len, "%.3f", (double)ns / NS_PER_S);
	p = buf + strlen(buf) - 1;
	while (*p == '0')
		*p-- = '\0';
	if (*p == '.')
		*p = '\0';
	return buf;
}

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

/* What @x measures from: its `since` step (its last occurrence), or the
 * run's reference. False when that step never ran. */
static bool reference(const struct judge *j, const struct expect *x,
		      int64_t *t, const char **what)
{
	*t = j->t_ref;
	*what = j->ref_what;
	if (x->since < 0)
		return true;
	*what = j->sc->steps[x->since].name;
	for (size_t i = j->ev.n; i-- > 0;)
		if (j->ev.v[i].type == EV_STEP && j->ev.v[i].step == x->since) {
			*t = j->ev.v[i].t_ns;
			return true;
		}
	return false;
}

static int judge_detect(struct judge *j, const struct expect *x,
			struct scenario_result *res)
{
	const char *host = j->sc->hosts[x->host].name;
	const struct event *e = first_detection(j, x->host);
	char lo[32], hi[32], errs[128], lat[32], expected[256], measured[256];
	enum verdict v = VERDICT_FAIL;
	const char *ref_what;
	int64_t t_ref;
	bool ran = reference(j, x, &t_ref, &ref_what);

	errors_str(x, errs, sizeof(errs));
	snprintf(expected, sizeof(expected), "%s %s within %s..%s s of %s", host, errs,
		 secs(x->lo_ns, lo, sizeof(lo)), secs(x->hi_ns, hi, sizeof(hi)), ref_what);
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

static int judge_no_detect(struct judge *j, const struct expect *x,
			   struct scenario_result *res)
{
	const char *host = j->sc->hosts[x->host].name;
	const struct event *e = first_detection(j, x->host);
	char f[32], lat[32], expected[256], measured[256];
	enum verdict v = VERDICT_FAIL;
	const char *ref_what;
	int64_t t_ref;
	bool ran = reference(j, x, &t_ref, &ref_what);
	int64_t until = t_ref + x->for_ns;

	snprintf(expected, sizeof(expected), "%s detects nothing for %s s after %s", host,
		 secs(x->for_ns, f, sizeof(f)), ref_what);
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

static bool addr_is(const struct judge *j, const uint8_t *addr, int host)
{
	const struct seq_hosts h = { j->addr, j->family, j->alias, j->alias_family,
				     j->sc->nhosts };

	return seq_addr_is(&h, addr, host);
}

/* Packets sent by a host are counted where they left it (its own capture);
 * with only `to`, where they arrived. Each packet is counted once. */
static long count_packets(const struct judge *j, const struct expect *x)
{
	long count = 0;

	for (size_t h = 0; h < j->sc->nhosts; h++) {
		int at = (int)h;

		if (x->from != HOST_NONE ? at != x->from : x->to != HOST_NONE && at != x->to)
			continue;
		for (size_t i = 0; i < j->pk[h].n; i++) {
			const struct packet *p = &j->pk[h].v[i];
			bool sent = addr_is(j, p->src, at);

			if (x->from == HOST_NONE && x->to != HOST_NONE)
				sent = !sent && addr_is(j, p->dst, at);
			else if (x->to != HOST_NONE)
				sent = sent && addr_is(j, p->dst, x->to);
			if (sent && seq_kind_matches(p, x->kinds))
				count++;
		}
	}
	return count;
}

static int judge_packets(struct judge *j, const struct expect *x,
			 struct scenario_result *res)
{
	long count = count_packets(j, x);
	char kinds[128], who[96], want[48], expected[384], measured[384];

	scenario_pkind_str(x->kinds, kinds, sizeof(kinds));
	if (x->from != HOST_NONE && x->to != HOST_NONE)
		snprintf(who, sizeof(who), "%s sent to %s", j->sc->hosts[x->from].name,
			 j->sc->hosts[x->to].name);
	else if (x->from != HOST_NONE)
		snprintf(who, sizeof(who), "%s sent", j->sc->hosts[x->from].name);
	else if (x->to != HOST_NONE)
		snprintf(who, sizeof(who), "%s received", j->sc->hosts[x->to].name);
	else
		snprintf(who, sizeof(who), "the hosts sent");
	scenario_count_str(x->count_lo, x->count_hi, want, sizeof(want));
	snprintf(expected, sizeof(expected), "%s %s %s", who, want, kinds);
	snprintf(measured, sizeof(measured), "%s %ld %s", who, count, kinds);
	return result_add_expect(res, count >= x->count_lo && count <= x->count_hi ?
				 VERDICT_PASS : VERDICT_FAIL, x->at, expected, measured);
}

/* Every byte @from's application handed to send() arrived at @to's, in
 * order and intact (the peers send a pattern and check it). */
static int judge_delivered(struct judge *j, const struct expect *x,
			   struct scenario_result *res)
{
	const char *from = j->sc->hosts[x->from].name, *to = j->sc->hosts[x->to].name;
	long sent = 0, received = 0, corrupt = -1;
	char expected[256], measured[256];

	for (size_t i = 0; i < j->ev.n; i++) {
		const struct event *e = &j->ev.v[i];

		if (e->type == EV_SENT && e->host == x->from)
			sent += e->bytes;
		else if (e->type == EV_RECEIVED && e->host == x->to)
			received += e->bytes;
		else if (e->type == EV_CORRUPT && e->host == x->to && corrupt < 0)
			corrupt = e->bytes;
	}
	snprintf(expected, sizeof(expected), "every byte %s sent arrives at %s intact", from, to);
	if (corrupt >= 0)
		snprintf(measured, sizeof(measured), "%s sent %ld bytes, %s received %ld; the byte at stream offset %ld differs from what was sent",
			 from, sent, to, received, corrupt);
	else
		snprintf(measured, sizeof(measured), "%s sent %ld bytes, %s received %ld", from,
			 sent, to, received);
	return result_add_expect(res, sent == received && corrupt < 0 ? VERDICT_PASS :
				 VERDICT_FAIL, x->at, expected, measured);
}

/* The pattern of segments at one host's capture, from the `since` step
 * (or the first packet). */
static int judge_sequence(struct judge *j, const struct expect *x,
			  struct scenario_result *res)
{
	const struct seq_hosts hosts = { j->addr, j->family, j->alias, j->alias_family,
					 j->sc->nhosts };
	const struct packet_list *pk = &j->pk[x->at_host];
	char expected[384], measured[512], item[160], pkt[160], t[32];
	const char *ref_what = "the first packet";
	struct seq_outcome o;
	int64_t t0 = 0, origin;
	size_t used;

	if (x->since >= 0 && !reference(j, x, &t0, &ref_what)) {
		snprintf(measured, sizeof(measured), "step %s never ran", ref_what);
		return result_add_expect(res, VERDICT_FAIL, x->at, "the sequence", measured);
	}
	used = (size_t)snprintf(expected, sizeof(expected), "at %s's capture since %s:",
				j->sc->hosts[x->at_host].name, ref_what);
	for (size_t i = 0; i < x->nitems && used < sizeof(expected); i++)
		used += (size_t)snprintf(expected + used, sizeof(expected) - used, "%s %s",
					 i ? (x->items[i].next ? " then" : " ... then") : "",
					 seq_item_str(&x->items[i], j->sc, item, sizeof(item)));
	o = seq_match(x->items, x->nitems, pk->v, pk->n, t0, &hosts);
	origin = t0 ? t0 : pk->n ? pk->v[0].t_ns : 0;
	if (o.ok) {
		snprintf(measured, sizeof(measured), "matched, the last item %s after %s",
			 duration_str(o.last->t_ns - origin, t, sizeof(t)), ref_what);
	} else if (o.instead) {
		snprintf(measured, sizeof(measured), "item %zu (%s): found %ld, then %s, %s after %s",
			 o.item + 1, seq_item_str(&x->items[o.item], j->sc, item, sizeof(item)), o.found,
			 seq_packet_str(o.instead, &hosts, j->sc, pkt, sizeof(pkt)),
			 duration_str(o.instead->t_ns - origin, t, sizeof(t)), ref_what);
	} else {
		snprintf(measured, sizeof(measured), "item %zu (%s): found %ld before the capture ended",
			 o.item + 1, seq_item_str(&x->items[o.item], j->sc, item, sizeof(item)), o.found);
	}
	return result_add_expect(res, o.ok ? VERDICT_PASS : VERDICT_FAIL, x->at, expected,
				 measured);
}

/* Find the reference points on the run's clock, and each host's address
 * and capture, from the events. */
static int read_timeline(struct judge *j, const char *dir, struct diag *d)
{
	for (size_t i = 0; i < j->ev.n; i++) {
		const struct event *e = &j->ev.v[i];
		char *path;
		int err;

		if (e->type == EV_ESTABLISHED)
			j->t_established = e->t_ns;
		else if (e->type == EV_RUN_END)
			j->t_end = e->t_ns;
		else if (e->type == EV_STEP && step_what_breaks(e->what)) {
			j->t_ref = e->t_ns;
			j->ref_what = e->what;
		} else if (e->type == EV_HOST && e->host != HOST_NONE) {
			j->family[e->host] = strchr(e->addr, ':') ? AF_INET6 : AF_INET;
			if (e->alias[0]) {
				j->alias_family[e->host] = strchr(e->alias, ':') ? AF_INET6 : AF_INET;
				if (inet_pton(j->alias_family[e->host], e->alias, j->alias[e->host]) != 1)
					j->alias_family[e->host] = 0;
			}
			if (inet_pton(j->family[e->host], e->addr, j->addr[e->host]) != 1) {
				diag_add(d, "%s/%s: bad address for %s: \"%s\"", dir, RUNDIR_EVENTS,
					 j->sc->hosts[e->host].name, e->addr);
				return -EINVAL;
			}
			if (asprintf(&path, "%s/%s", dir, e->capture) < 0)
				return -ENOMEM;
			err = pcap_read_file(path, &j->pk[e->host], d);
			free(path);
			if (err)
				return err;
		}
	}
	if (!j->t_established) {
		diag_add(d, "%s: the connections were never established: nothing to judge", dir);
		return -EINVAL;
	}
	if (!j->ref_what) {
		j->t_ref = j->t_established;
		j->ref_what = "establishment";
	}
	if (!j->t_end)
		j->t_end = j->ev.v[j->ev.n - 1].t_ns;
	return 0;
}

int judge_run_dir(const char *dir, struct scenario_result *res, struct diag *d)
{
	struct scenario *sc = NULL;
	struct judge j = { 0 };
	struct diag sd;
	char *path = NULL;
	int err;

	res->verdict = VERDICT_ERROR;
	if (asprintf(&path, "%s/%s", dir, RUNDIR_SCENARIO) < 0)
		return -ENOMEM;
	diag_init(&sd, path);
	err = scenario_load(path, &sc, &sd);
	for (size_t i = 0; i < sd.count; i++)
		diag_add(d, "%s", sd.msgs[i]);
	diag_clear(&sd);
	free(path);
	path = NULL;
	if (err)
		goto out;
	j.sc = sc;
	if (asprintf(&path, "%s/%s", dir, RUNDIR_EVENTS) < 0) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = events_read(path, sc, &j.ev, d)) || (err = read_timeline(&j, dir, d)))
		goto out;
	for (size_t i = 0; i < sc->nexpects && !err; i++) {
		const struct expect *x = &sc->expects[i];

		if (x->kind == EXPECT_DETECT)
			err = judge_detect(&j, x, res);
		else if (x->kind == EXPECT_NO_DETECT)
			err = judge_no_detect(&j, x, res);
		else if (x->kind == EXPECT_DELIVERED)
			err = judge_delivered(&j, x, res);
		else if (x->kind == EXPECT_SEQUENCE)
			err = judge_sequence(&j, x, res);
		else
			err = judge_packets(&j, x, res);
	}
	if (!err) {
		res->verdict = result_fold(res);
		if (!res->name)
			res->name = strdup(sc->name);
	}
out:
	free(path);
	event_list_clear(&j.ev);
	for (size_t i = 0; i < SCENARIO_MAX_HOSTS; i++)
		packet_list_clear(&j.pk[i]);
	scenario_free(sc);
	return err;
}
