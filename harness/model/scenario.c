#include "harness/model/scenario.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "common/names.h"
#include "common/suggest.h"
#include "harness/model/fault.h"
#include "harness/model/program.h"

struct scenario_text {
	long refs;
	size_t len;
	char bytes[];
};

struct scenario_text *scenario_text_new(const char *bytes, size_t len)
{
	struct scenario_text *t = malloc(sizeof(*t) + len + 1);

	if (!t)
		return NULL;
	t->refs = 1;
	t->len = len;
	memcpy(t->bytes, bytes, len);
	t->bytes[len] = '\0';
	return t;
}

void scenario_set_text(struct scenario *sc, struct scenario_text *t)
{
	/* a sweep's scenarios may be freed by several threads */
	__atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
	sc->text = t;
	sc->source = t->bytes;
	sc->source_len = t->len;
}

void scenario_text_put(struct scenario_text *t)
{
	if (t && __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(t);
}

void scenario_free(struct scenario *sc)
{
	if (!sc)
		return;
	free(sc->path);
	scenario_text_put(sc->text);
	free(sc->name);
	for (size_t i = 0; i < sc->nclaims; i++)
		free(sc->claims[i]);
	free(sc->claims);
	free(sc->findings);
	free(sc->about);
	for (size_t i = 0; i < sc->nhosts; i++) {
		for (size_t j = 0; j < sc->hosts[i].nsysctls; j++) {
			free(sc->hosts[i].sysctls[j].key);
			free(sc->hosts[i].sysctls[j].value);
		}
		free(sc->hosts[i].sysctls);
		free(sc->hosts[i].name);
		program_free(sc->hosts[i].program);
	}
	for (size_t i = 0; i < sc->nsteps; i++) {
		fault_free(sc->steps[i].fault);
		free(sc->steps[i].name);
	}
	free(sc->steps);
	for (size_t i = 0; i < sc->nexpects; i++)
		expect_clear(&sc->expects[i]);
	free(sc->expects);
	matrix_pick_clear(&sc->pick);
	free(sc);
}

void scenario_free_all(struct scenario **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		scenario_free(v[i]);
	free(v);
}

bool scenario_runs_programs(const struct scenario *sc)
{
	for (size_t i = 0; i < sc->nhosts; i++)
		if (sc->hosts[i].program)
			return true;
	return false;
}

long scenario_connections(const struct scenario *sc)
{
	long n = 0;

	for (size_t i = 0; i < sc->nhosts; i++)
		if (sc->hosts[i].peer.role == PEER_CONNECT)
			n += sc->hosts[i].program ? 1 : sc->hosts[i].peer.connections;
	return n;
}

int scenario_host_index(const struct scenario *sc, const char *name)
{
	for (size_t i = 0; i < sc->nhosts; i++)
		if (!strcmp(sc->hosts[i].name, name))
			return (int)i;
	return HOST_NONE;
}

int scenario_host_ref(const struct scenario *sc, const char *name, struct pos at,
		      const char *what, int *host, struct diag *d)
{
	char names[128], hint[96];

	*host = scenario_host_index(sc, name);
	if (*host != HOST_NONE)
		return 0;
	scenario_host_names(sc, names, sizeof(names));
	diag_at(d, at, "unknown host in %s: \"%s\" (%shosts: %s)", what, name,
		suggest(name, names, hint, sizeof(hint)), names);
	return -EINVAL;
}

const char *scenario_host_names(const struct scenario *sc, char *buf,
				size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sc->nhosts && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 sc->hosts[i].name);
	return buf;
}

int64_t step_time_ns(const struct step *st, long k)
{
	return st->at_ns + k * st->every_ns;
}

const struct name_value action_names[] = {
	{ "send", ACTION_SEND },
	{ "close", ACTION_CLOSE },
	{ "abort", ACTION_ABORT },
	{ "shutdown", ACTION_SHUTDOWN },
	{ "reconnect", ACTION_RECONNECT },
	{ "recv", ACTION_RECV },
};

const size_t action_nnames = NAMES_LEN(action_names);

const char *action_name(enum action_kind kind)
{
	return names_str(action_names, action_nnames, kind);
}

const char *step_what(const struct step *st)
{
	return st->fault ? st->fault->ops->name : action_name(st->action.kind);
}

bool step_breaks(const struct step *st)
{
	if (st->fault)
		return !st->fault->ops->repairs;
	return st->action.kind != ACTION_SEND && st->action.kind != ACTION_RECV;
}

int64_t scenario_last_fault_ns(const struct scenario *sc)
{
	int64_t last = 0;

	for (size_t i = 0; i < sc->nsteps; i++) {
		const struct step *st = &sc->steps[i];
		int64_t t = step_time_ns(st, st->times - 1);

		if (step_breaks(st) && t > last)
			last = t;
	}
	return last;
}

int scenario_step_index(const struct scenario *sc, const char *name)
{
	for (size_t i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].name && !strcmp(sc->steps[i].name, name))
			return (int)i;
	return -1;
}

int64_t scenario_horizon_at(const struct scenario *sc, struct pos *at)
{
	int64_t from = scenario_last_fault_ns(sc), end = 0;

	*at = (struct pos){ 0, 0 };
	for (size_t i = 0; i < sc->nsteps; i++) {
		const struct step *st = &sc->steps[i];

		int64_t last = step_time_ns(st, st->times - 1) + st->for_ns;

		if (last > end) {
			end = last;
			*at = st->at_pos;
		}
	}
	/* observe: counts from the end of the last step (from the
	 * establishment, with none) */
	if (sc->observe_ns) {
		end += sc->observe_ns;
		*at = sc->observe_at;
	}
	for (size_t i = 0; i < sc->nexpects; i++) {
		const struct expect *e = &sc->expects[i];
		int64_t until = from;

		if (e->since >= 0) {
			const struct step *st = &sc->steps[e->since];

			until = step_time_ns(st, st->times - 1);
		}

		if (e->ops && e->ops->horizon)
			until += e->ops->horizon(e);
		if (until > end) {
			end = until;
			*at = e->at;
		}
	}
	return end;
}

int64_t scenario_horizon_ns(const struct scenario *sc)
{
	struct pos at;

	return scenario_horizon_at(sc, &at);
}

int scenario_check_length(const struct scenario *sc, bool allow_long, struct diag *d)
{
	int64_t max = allow_long ? SCENARIO_LONG_MAX_NS : SCENARIO_MAX_NS;
	struct pos at;
	int64_t end = scenario_horizon_at(sc, &at);

	if (end <= max)
		return 0;
	diag_at(d, at, "the timeline runs %.1f h after the connections are established: at most %d h%s",
		(double)end / (3600 * 1e9), (int)(max / (3600 * INT64_C(1000000000))),
		allow_long ? "" : " (--long allows up to 24 h)");
	return -EINVAL;
}
