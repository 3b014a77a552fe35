#include "harness/scenario.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netns/fault.h"

void scenario_free(struct scenario *sc)
{
	if (!sc)
		return;
	free(sc->path);
	free(sc->name);
	for (size_t i = 0; i < sc->nclaims; i++)
		free(sc->claims[i]);
	free(sc->claims);
	free(sc->about);
	for (size_t i = 0; i < sc->nhosts; i++) {
		for (size_t j = 0; j < sc->hosts[i].nsysctls; j++) {
			free(sc->hosts[i].sysctls[j].key);
			free(sc->hosts[i].sysctls[j].value);
		}
		free(sc->hosts[i].sysctls);
	}
	for (size_t i = 0; i < sc->nsteps; i++) {
		fault_free(sc->steps[i].fault);
		free(sc->steps[i].name);
	}
	free(sc->steps);
	for (size_t i = 0; i < sc->nexpects; i++)
		free(sc->expects[i].items);
	free(sc->expects);
	free(sc);
}

int scenario_host_index(const struct scenario *sc, const char *name)
{
	for (size_t i = 0; i < sc->nhosts; i++)
		if (!strcmp(sc->hosts[i].name, name))
			return (int)i;
	return HOST_NONE;
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

const char *step_what(const struct step *st)
{
	static const char *const actions[] = {
		[ACTION_SEND] = "send", [ACTION_CLOSE] = "close",
		[ACTION_ABORT] = "abort", [ACTION_SHUTDOWN] = "shutdown",
		[ACTION_RECONNECT] = "reconnect",
	};

	return st->fault ? st->fault->ops->name : actions[st->action.kind];
}

bool step_what_breaks(const char *what)
{
	return fault_find(what) || !strcmp(what, "close") || !strcmp(what, "abort") ||
	       !strcmp(what, "shutdown") || !strcmp(what, "reconnect");
}

int64_t scenario_last_fault_ns(const struct scenario *sc)
{
	int64_t last = 0;

	for (size_t i = 0; i < sc->nsteps; i++) {
		const struct step *st = &sc->steps[i];
		int64_t t = step_time_ns(st, st->times - 1);

		if (step_what_breaks(step_what(st)) && t > last)
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

int64_t scenario_horizon_ns(const struct scenario *sc)
{
	int64_t from = scenario_last_fault_ns(sc), end = 0;

	for (size_t i = 0; i < sc->nsteps; i++) {
		const struct step *st = &sc->steps[i];

		int64_t last = step_time_ns(st, st->times - 1) + st->for_ns;

		if (last > end)
			end = last;
	}
	for (size_t i = 0; i < sc->nexpects; i++) {
		const struct expect *e = &sc->expects[i];
		int64_t until = from;

		if (e->since >= 0) {
			const struct step *st = &sc->steps[e->since];

			until = step_time_ns(st, st->times - 1);
		}

		if (e->kind == EXPECT_DETECT)
			until += e->hi_ns;
		else if (e->kind == EXPECT_NO_DETECT)
			until += e->for_ns;
		if (until > end)
			end = until;
	}
	return end;
}

static const struct {
	const char *name;
	unsigned kind;
} pkinds[] = {
	{ "FIN", PKIND_FIN },
	{ "RST", PKIND_RST },
	{ "SYN", PKIND_SYN },
	{ "data", PKIND_DATA },
	{ "keepalive-probe", PKIND_KEEPALIVE },
	{ "retransmission", PKIND_RETRANS },
	{ "icmp-unreachable", PKIND_ICMP_UNREACH },
	{ "arp", PKIND_ARP },
};

#define NPKINDS (sizeof(pkinds) / sizeof(pkinds[0]))

unsigned scenario_pkind_parse(const char *name)
{
	for (size_t i = 0; i < NPKINDS; i++)
		if (!strcmp(pkinds[i].name, name))
			return pkinds[i].kind;
	return 0;
}

const char *scenario_pkind_accepted(void)
{
	return "FIN, RST, SYN, data, keepalive-probe, retransmission, icmp-unreachable, arp";
}

const char *scenario_pkind_str(unsigned kinds, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NPKINDS && used < len; i++)
		if (kinds & pkinds[i].kind)
			used += snprintf(buf + used, len - used, "%s%s",
					 used ? "|" : "", pkinds[i].name);
	return buf;
}

const char *scenario_count_str(long lo, long hi, char *buf, size_t len)
{
	if (lo == hi)
		snprintf(buf, len, "%ld", lo);
	else if (hi == LONG_MAX)
		snprintf(buf, len, ">= %ld", lo);
	else if (lo == 0)
		snprintf(buf, len, "<= %ld", hi);
	else
		snprintf(buf, len, "%ld..%ld", lo, hi);
	return buf;
}
