#include "harness/expect_load.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "harness/duration.h"
#include "harness/errname.h"
#include "harness/host_load.h"
#include "harness/sequence_load.h"

static const char *const kind_keys[] = {
	"detect", "no-detect", "packets", "delivered", "sequence", NULL
};
static const char *const detect_keys[] = { "host", "error", "within", "since", NULL };
static const char *const no_detect_keys[] = { "host", "for", "since", NULL };
static const char *const packets_keys[] = { "from", "to", "kind", "count", NULL };
static const char *const delivered_keys[] = { "from", "to", NULL };

#define PACKETS_MAX_COUNT 1000000L

const char *expect_kind_name(enum expect_kind kind)
{
	return kind_keys[kind];
}

static int load_error(struct ynode n, struct expect *e, struct diag *d)
{
	size_t count = ynode_is_seq(n) ? ynode_len(n) : 1;
	int ret = 0;

	if (count == 0 || count > SCENARIO_MAX_ERRORS) {
		diag_at(d, ynode_pos(n), "error lists 1 to %d names, not %zu",
			SCENARIO_MAX_ERRORS, count);
		return -EINVAL;
	}
	for (size_t i = 0; i < count; i++) {
		struct ynode item = ynode_is_seq(n) ? ynode_item(n, i) : n;
		int err;

		if (ynode_need_scalar(item, "error", d)) {
			ret = -EINVAL;
			continue;
		}
		err = errname_parse(ynode_str(item));
		if (err < 0) {
			diag_at(d, ynode_pos(item), "unknown error name: \"%s\" (accepted: %s)",
				ynode_str(item), errname_accepted());
			ret = -EINVAL;
			continue;
		}
		e->errors[e->nerrors++] = err;
	}
	return ret;
}

static int load_window(struct ynode n, struct expect *e, struct diag *d)
{
	const char *s;

	if (ynode_need_scalar(n, "within", d))
		return -EINVAL;
	s = ynode_str(n);
	if (duration_range_parse(s, &e->lo_ns, &e->hi_ns)) {
		diag_at(d, ynode_pos(n), "bad window for within: \"%s\" (LOW..HIGH or HIGH, durations like 4.5s..5.6s or 6s)",
			s);
		return -EINVAL;
	}
	if (e->lo_ns > e->hi_ns) {
		diag_at(d, ynode_pos(n), "bad window for within: \"%s\" (the lower bound exceeds the upper bound)",
			s);
		return -EINVAL;
	}
	return 0;
}

/* since: the name of the step to measure from. */
static int load_since(struct ynode n, const struct scenario *sc, struct expect *e,
		      struct diag *d)
{
	struct ynode v = ynode_get(n, "since");
	char names[256];
	size_t used = 0;

	if (!v.node)
		return 0;
	if (ynode_need_scalar(v, "since", d))
		return -EINVAL;
	e->since = scenario_step_index(sc, ynode_str(v));
	if (e->since >= 0)
		return 0;
	names[0] = '\0';
	for (size_t i = 0; i < sc->nsteps && used < sizeof(names); i++)
		if (sc->steps[i].name)
			used += snprintf(names + used, sizeof(names) - used, "%s%s",
					 used ? ", " : "", sc->steps[i].name);
	diag_at(d, ynode_pos(v), "unknown step in since: \"%s\" (%s%s)", ynode_str(v),
		used ? "named steps: " : "no step has a name: give one name: ", names);
	return -EINVAL;
}

static int load_detect(struct ynode n, const struct scenario *sc,
		       struct expect *e, struct diag *d)
{
	struct ynode v;
	int ret = ynode_check_keys(n, "detect", detect_keys, d);

	if (!ynode_need_key(n, "host", "detect", "host: server", &v, d))
		ret |= host_load_ref(v, "detect host", sc, &e->host, d);
	else
		ret = -EINVAL;
	v = ynode_get(n, "error");
	if (v.node)
		ret |= load_error(v, e, d);
	if (!ynode_need_key(n, "within", "detect", "within: 4.5s..5.6s", &v, d))
		ret |= load_window(v, e, d);
	else
		ret = -EINVAL;
	return ret | load_since(n, sc, e, d);
}

static int load_no_detect(struct ynode n, const struct scenario *sc,
			  struct expect *e, struct diag *d)
{
	struct ynode v;
	int ret = ynode_check_keys(n, "no-detect", no_detect_keys, d);

	if (!ynode_need_key(n, "host", "no-detect", "host: client", &v, d))
		ret |= host_load_ref(v, "no-detect host", sc, &e->host, d);
	else
		ret = -EINVAL;
	if (!ynode_need_key(n, "for", "no-detect", "for: 10s", &v, d))
		ret |= ynode_duration(v, "for", &e->for_ns, d);
	else
		ret = -EINVAL;
	return ret | load_since(n, sc, e, d);
}

int expect_load_kinds(struct ynode n, unsigned *kinds, struct diag *d)
{
	size_t count = ynode_is_seq(n) ? ynode_len(n) : 1;
	int ret = 0;

	if (count == 0) {
		diag_at(d, ynode_pos(n), "kind lists no packet kind (accepted: %s)",
			scenario_pkind_accepted());
		return -EINVAL;
	}
	for (size_t i = 0; i < count; i++) {
		struct ynode item = ynode_is_seq(n) ? ynode_item(n, i) : n;
		unsigned kind;

		if (ynode_need_scalar(item, "kind", d)) {
			ret = -EINVAL;
			continue;
		}
		kind = scenario_pkind_parse(ynode_str(item));
		if (!kind) {
			diag_at(d, ynode_pos(item), "unknown packet kind: \"%s\" (accepted: %s)",
				ynode_str(item), scenario_pkind_accepted());
			ret = -EINVAL;
		}
		*kinds |= kind;
	}
	return ret;
}

static bool parse_long(const char *s, long *v)
{
	char *end;

	while (*s == ' ')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtol(s, &end, 10);
	return !*end && !errno && *v <= PACKETS_MAX_COUNT;
}

/* "3", "2..5", ">= 3" or "<= 5" */
int expect_load_count(struct ynode n, long *lo, long *hi, struct diag *d)
{
	const char *s = ynode_str(n), *dots;
	char first[32];
	bool ok;

	if (ynode_need_scalar(n, "count", d))
		return -EINVAL;
	*hi = LONG_MAX;
	if (!strncmp(s, ">=", 2)) {
		ok = parse_long(s + 2, lo);
	} else if (!strncmp(s, "<=", 2)) {
		*lo = 0;
		ok = parse_long(s + 2, hi);
	} else if ((dots = strstr(s, "..")) && (size_t)(dots - s) < sizeof(first)) {
		memcpy(first, s, dots - s);
		first[dots - s] = '\0';
		ok = parse_long(first, lo) && parse_long(dots + 2, hi) &&
		     *lo <= *hi;
	} else {
		ok = parse_long(s, lo);
		*hi = *lo;
	}
	if (ok)
		return 0;
	diag_at(d, ynode_pos(n), "bad packet count: \"%s\" (a whole number from 0 to %ld, a range LOW..HIGH, \">= N\" or \"<= N\")",
		s, PACKETS_MAX_COUNT);
	return -EINVAL;
}

static int load_packets(struct ynode n, const struct scenario *sc,
			struct expect *e, struct diag *d)
{
	struct ynode v;
	int ret = ynode_check_keys(n, "packets", packets_keys, d);

	e->from = e->to = HOST_NONE;
	v = ynode_get(n, "from");
	if (v.node)
		ret |= host_load_ref(v, "packets from", sc, &e->from, d);
	v = ynode_get(n, "to");
	if (v.node)
		ret |= host_load_ref(v, "packets to", sc, &e->to, d);
	if (!ret && e->from != HOST_NONE && e->from == e->to) {
		diag_at(d, ynode_pos(v), "packets from and to name the same host: \"%s\"",
			ynode_str(v));
		ret = -EINVAL;
	}
	if (!ynode_need_key(n, "kind", "packets", "kind: keepalive-probe", &v, d))
		ret |= expect_load_kinds(v, &e->kinds, d);
	else
		ret = -EINVAL;
	if (!ynode_need_key(n, "count", "packets", "count: 3", &v, d))
		ret |= expect_load_count(v, &e->count_lo, &e->count_hi, d);
	else
		ret = -EINVAL;
	return ret;
}

static int load_delivered(struct ynode n, const struct scenario *sc,
			  struct expect *e, struct diag *d)
{
	struct ynode from, to;
	int ret = ynode_check_keys(n, "delivered", delivered_keys, d);

	if (ynode_need_key(n, "from", "delivered", "from: client", &from, d) ||
	    ynode_need_key(n, "to", "delivered", "to: server", &to, d))
		return -EINVAL;
	ret |= host_load_ref(from, "delivered from", sc, &e->from, d);
	ret |= host_load_ref(to, "delivered to", sc, &e->to, d);
	if (!ret && e->from == e->to) {
		diag_at(d, ynode_pos(to), "delivered from and to name the same host: \"%s\"",
			ynode_str(to));
		ret = -EINVAL;
	}
	return ret;
}

static int load_one(struct ynode n, const struct scenario *sc, struct expect *e,
		    struct diag *d)
{
	struct ynode body;
	const char *kind;

	e->at = ynode_pos(n);
	e->since = -1;
	if (ynode_need_map(n, "an expectation", d))
		return -EINVAL;
	if (ynode_len(n) != 1) {
		diag_at(d, e->at, "an expectation has exactly one kind (detect, no-detect, packets, delivered or sequence), not %zu keys",
			ynode_len(n));
		return -EINVAL;
	}
	if (ynode_check_keys(n, "an expectation", kind_keys, d))
		return -EINVAL;
	kind = ynode_str(ynode_key(n, 0));
	body = ynode_value(n, 0);
	if (ynode_need_map(body, kind, d))
		return -EINVAL;
	if (!strcmp(kind, "detect")) {
		e->kind = EXPECT_DETECT;
		return load_detect(body, sc, e, d);
	}
	if (!strcmp(kind, "no-detect")) {
		e->kind = EXPECT_NO_DETECT;
		return load_no_detect(body, sc, e, d);
	}
	if (!strcmp(kind, "sequence")) {
		e->kind = EXPECT_SEQUENCE;
		return sequence_load(body, sc, e, d) | load_since(body, sc, e, d);
	}
	if (!strcmp(kind, "delivered")) {
		e->kind = EXPECT_DELIVERED;
		return load_delivered(body, sc, e, d);
	}
	e->kind = EXPECT_PACKETS;
	return load_packets(body, sc, e, d);
}

int expect_load_all(struct ynode n, struct scenario *sc, struct diag *d)
{
	int ret = 0;

	if (ynode_need_seq(n, "expect", d))
		return -EINVAL;
	if (ynode_len(n) == 0) {
		diag_at(d, ynode_pos(n), "expect is empty: a scenario must expect something (detect, no-detect, packets, delivered or sequence)");
		return -EINVAL;
	}
	sc->expects = calloc(ynode_len(n), sizeof(*sc->expects));
	if (!sc->expects)
		return -ENOMEM;
	for (size_t i = 0; i < ynode_len(n); i++) {
		ret |= load_one(ynode_item(n, i), sc, &sc->expects[i], d);
		sc->nexpects++;
	}
	return ret ? -EINVAL : 0;
}
