/* The judge: a pure function of a run directory. Reads the scenario copy,
 * events.jsonl and the captures, finds the reference points, and hands
 * each expectation to its judge (judge_detect.c, judge_packets.c). */
#include "harness/judge.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "captures/pcap_read.h"
#include "harness/duration.h"
#include "harness/judge_internal.h"
#include "harness/rundir.h"

const char *judge_secs(int64_t ns, char *buf, size_t len)
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

bool judge_reference(const struct judge *j, const struct expect *x,
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
