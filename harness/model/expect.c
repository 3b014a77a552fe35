/* The `expect:` list: each item names one kind, looked up in the table of
 * kinds (harness/expects/expect_table.c), which reads the rest. Also the
 * readers and words the kinds share: since, packet kinds, counts. */
#include "harness/model/expect.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "common/suggest.h"
#include "common/names.h"
#include "harness/model/matrix.h"
#include "harness/model/program.h"
#include "harness/model/scenario.h"

#define PACKETS_MAX_COUNT 1000000L

static const struct name_value pkinds[] = {
	{ "FIN", PKIND_FIN },
	{ "RST", PKIND_RST },
	{ "SYN", PKIND_SYN },
	{ "data", PKIND_DATA },
	{ "keepalive-probe", PKIND_KEEPALIVE },
	{ "retransmission", PKIND_RETRANS },
	{ "icmp-unreachable", PKIND_ICMP_UNREACH },
	{ "arp", PKIND_ARP },
};

const struct expect_ops *expect_find(const char *name)
{
	for (size_t i = 0; name && i < expect_nkinds; i++)
		if (!strcmp(expect_kinds[i]->name, name))
			return expect_kinds[i];
	return NULL;
}

/* "detect, no-detect, packets, delivered or sequence" */
static const char *kind_names(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < expect_nkinds && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 !i ? "" : i + 1 == expect_nkinds ? " or " : ", ",
					 expect_kinds[i]->name);
	return buf;
}

/* The keys of @ops's kind, and those every kind takes. */
static int check_keys(struct ynode body, const struct expect_ops *ops, struct diag *d)
{
	const char *keys[32];
	size_t n = 0;

	for (; ops->keys[n] && n + 4 < sizeof(keys) / sizeof(keys[0]); n++)
		keys[n] = ops->keys[n];
	keys[n++] = "kernel";
	keys[n++] = "when";
	keys[n++] = "rate";
	keys[n] = NULL;
	return ynode_check_keys(body, ops->name, keys, d);
}

/* kernel: ">= 6.5" — the expectation holds on those kernels only. */
static int load_kernel(struct ynode body, struct expect *x, struct diag *d)
{
	struct ynode v = ynode_get(body, "kernel");

	if (!v.node)
		return 0;
	if (ynode_need_scalar(v, "kernel", d))
		return -EINVAL;
	if (kcond_parse(ynode_str(v), &x->kernel)) {
		diag_at(d, ynode_pos(v), "bad kernel: \"%s\" (%s)", ynode_str(v), KCOND_ACCEPTED);
		return -EINVAL;
	}
	return 0;
}

/* One bound of rate: "80%", in 0..100. */
static bool parse_pct(const char *s, int *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return false;
	v = strtol(s, &end, 10);
	if (strcmp(end, "%") || v > 100)
		return false;
	*out = (int)v;
	return true;
}

/* rate: 80%..100%, or ">= 80%" / "<= 20%": the share of a combination's
 * runs (--repeat) the expectation must pass in. */
static int load_rate(struct ynode body, struct expect *x, struct diag *d)
{
	struct ynode v = ynode_get(body, "rate");
	const char *s, *dots;
	char lo[16];

	if (!v.node)
		return 0;
	if (ynode_need_scalar(v, "rate", d))
		return -EINVAL;
	s = ynode_str(v);
	x->rated = true;
	x->rate_lo = 0;
	x->rate_hi = 100;
	if (!strncmp(s, ">= ", 3) && parse_pct(s + 3, &x->rate_lo))
		return 0;
	if (!strncmp(s, "<= ", 3) && parse_pct(s + 3, &x->rate_hi))
		return 0;
	dots = strstr(s, "..");
	if (dots && (size_t)(dots - s) < sizeof(lo)) {
		snprintf(lo, sizeof(lo), "%.*s", (int)(dots - s), s);
		if (parse_pct(lo, &x->rate_lo) && parse_pct(dots + 2, &x->rate_hi) &&
		    x->rate_lo <= x->rate_hi)
			return 0;
	}
	diag_at(d, ynode_pos(v), "bad rate: \"%s\" (the share of runs it must pass in: 80%%..100%%, \">= 80%%\" or \"<= 20%%\", whole percents)",
		s);
	return -EINVAL;
}

/* when: { every: 100ms, loss: [30, 60] } — in a sweep, the expectation
 * holds only in the combinations with those values. *@applies: whether
 * @sc's combination is one. Every name must be the matrix's and every
 * value one of its values. */
static int load_when(struct ynode body, const struct scenario *sc, bool *applies,
		     struct diag *d)
{
	struct ynode w = ynode_get(body, "when");
	struct matrix m;
	int ret;

	*applies = true;
	if (!w.node)
		return 0;
	if ((ret = matrix_read(ynode_root(w.doc), &m, d)))
		return ret;
	if (!m.nparams) {
		diag_at(d, ynode_pos(w), "when: picks combinations of a sweep, and this scenario has no matrix:");
		return -EINVAL;
	}
	if (ynode_need_map(w, "when", d)) {
		matrix_clear(&m);
		return -EINVAL;
	}
	for (size_t i = 0; i < ynode_len(w); i++) {
		struct ynode key = ynode_key(w, i), vals = ynode_value(w, i);
		const struct matrix_param *p = NULL;
		const char *mine;
		bool any = false;

		for (size_t k = 0; k < m.nparams && ynode_str(key); k++)
			if (!strcmp(m.params[k].name, ynode_str(key)))
				p = &m.params[k];
		if (!p) {
			diag_at(d, ynode_pos(key), "when: \"%s\" is not a parameter of the matrix",
				ynode_str(key) ? ynode_str(key) : ynode_kind(key));
			ret = -EINVAL;
			continue;
		}
		mine = matrix_pick_value(&sc->pick, p->name);
		if (ynode_is_seq(vals) && !ynode_len(vals)) {
			diag_at(d, ynode_pos(vals), "when: %s lists no value (one of the matrix's, or a list of them)",
				p->name);
			ret = -EINVAL;
			continue;
		}
		for (size_t j = 0; j < (ynode_is_seq(vals) ? ynode_len(vals) : 1); j++) {
			struct ynode v = ynode_is_seq(vals) ? ynode_item(vals, j) : vals;
			bool listed = false;

			if (ynode_need_scalar(v, "a when: value", d)) {
				ret = -EINVAL;
				continue;
			}
			for (size_t k = 0; k < p->nvalues; k++)
				listed |= !strcmp(p->values[k], ynode_str(v));
			if (!listed) {
				diag_at(d, ynode_pos(v), "when: %s is never \"%s\" (the matrix lists its values)",
					p->name, ynode_str(v));
				ret = -EINVAL;
			}
			any |= mine && !strcmp(mine, ynode_str(v));
		}
		*applies &= any;
	}
	matrix_clear(&m);
	return ret;
}

static int load_one(struct ynode n, const struct scenario *sc, struct expect *x,
		    bool *applies, struct diag *d)
{
	char names[256];
	struct ynode key, body;

	x->at = ynode_pos(n);
	x->since = -1;
	x->host = x->from = x->to = x->at_host = HOST_NONE;
	if (ynode_need_map(n, "an expectation", d))
		return -EINVAL;
	if (ynode_len(n) != 1) {
		diag_at(d, x->at, "an expectation has exactly one kind (%s), not %zu keys",
			kind_names(names, sizeof(names)), ynode_len(n));
		return -EINVAL;
	}
	key = ynode_key(n, 0);
	body = ynode_value(n, 0);
	x->ops = expect_find(ynode_str(key));
	if (!x->ops) {
		char hint[96];

		kind_names(names, sizeof(names));
		diag_at(d, ynode_pos(key), "unknown expectation: \"%s\" (%saccepted: %s)",
			ynode_str(key) ? ynode_str(key) : ynode_kind(key),
			suggest(ynode_str(key), names, hint, sizeof(hint)), names);
		return -EINVAL;
	}
	if (ynode_need_map(body, x->ops->name, d) || check_keys(body, x->ops, d))
		return -EINVAL;
	return err_merge(err_merge(load_kernel(body, x, d), load_rate(body, x, d)),
			 err_merge(load_when(body, sc, applies, d), x->ops->load(body, sc, x, d)));
}

int expect_load_all(struct ynode n, struct scenario *sc, struct diag *d)
{
	char names[256];
	bool bad = false;

	if (ynode_need_seq(n, "expect", d))
		return -EINVAL;
	if (ynode_len(n) == 0) {
		diag_at(d, ynode_pos(n), "expect is empty: a scenario must expect something (%s)",
			kind_names(names, sizeof(names)));
		return -EINVAL;
	}
	sc->expects = calloc(ynode_len(n), sizeof(*sc->expects));
	if (!sc->expects)
		return -ENOMEM;
	for (size_t i = 0; i < ynode_len(n); i++) {
		bool applies = true;
		int err = load_one(ynode_item(n, i), sc, &sc->expects[sc->nexpects], &applies, d);

		sc->nexpects++;
		if (err == -ENOMEM)
			return err;
		bad |= err != 0;
		/* another combination's: not this one's at all */
		if (!err && !applies) {
			expect_clear(&sc->expects[--sc->nexpects]);
			memset(&sc->expects[sc->nexpects], 0, sizeof(sc->expects[0]));
		}
	}
	if (!bad && !sc->nexpects) {
		diag_at(d, ynode_pos(n), "no expectation holds in this combination: each has a when: for others");
		return -EINVAL;
	}
	return bad ? -EINVAL : 0;
}

void expect_clear(struct expect *x)
{
	free(x->log);
	free(x->log_file);
	free(x->program);
	x->log = NULL;
	free(x->results);
	x->results = NULL;
	free(x->items);
	x->items = NULL;
	x->nitems = 0;
}

int expect_load_since(struct ynode map, const struct scenario *sc,
		      struct expect *x, struct diag *d)
{
	struct ynode v = ynode_get(map, "since");
	char names[256];
	size_t used = 0;

	if (!v.node)
		return 0;
	if (ynode_need_scalar(v, "since", d))
		return -EINVAL;
	x->since = scenario_step_index(sc, ynode_str(v));
	if (x->since >= 0)
		return 0;
	names[0] = '\0';
	for (size_t i = 0; i < sc->nsteps && used < sizeof(names); i++)
		if (sc->steps[i].name)
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
						 used ? ", " : "", sc->steps[i].name);
	if (used) {
		char hint[96];

		diag_at(d, ynode_pos(v), "unknown step in since: \"%s\" (%snamed steps: %s)", ynode_str(v),
			suggest(ynode_str(v), names, hint, sizeof(hint)), names);
	} else {
		diag_at(d, ynode_pos(v), "unknown step in since: \"%s\" (no step has a name: give the step one, e.g. name: %s)",
			ynode_str(v), ynode_str(v));
	}
	return -EINVAL;
}

static int load_log(struct ynode n, const struct scenario *sc, struct expect *x,
		    struct diag *d)
{
	struct ynode re, file;
	regex_t compiled;
	char why[128];
	int rc;

	if (ynode_need_map(n, "by", d) ||
	    ynode_check_keys(n, "by", (const char *const[]){ "log", "file", NULL }, d) ||
	    ynode_need_key(n, "log", "by", "by: { log: \"closing connection\" }", &re, d) ||
	    ynode_strdup(re, "by log", &x->log, d))
		return -EINVAL;
	if ((file = ynode_get(n, "file")).node) {
		char *check = NULL;

		x->log_file_at = ynode_pos(file);
		if (ynode_strdup(file, "by log file", &x->log_file, d))
			return -EINVAL;
		if (!*x->log_file || strlen(x->log_file) > 1024 ||
		    x->log_file[strlen(x->log_file) - 1] == '/') {
			diag_at(d, x->log_file_at, "bad log file: \"%.64s\" (a path, relative to the scenario's folder, e.g. \"{server.dir}/server.log\")",
				x->log_file);
			return -EINVAL;
		}
		if (program_expand(x->log_file, x->log_file_at, sc, NULL, &check, d))
			return -EINVAL;
		free(check);
	}
	rc = regcomp(&compiled, x->log, REG_EXTENDED | REG_NOSUB);
	if (!rc) {
		regfree(&compiled);
		return 0;
	}
	regerror(rc, &compiled, why, sizeof(why));
	diag_at(d, ynode_pos(re), "bad by log: \"%s\" (an extended regular expression: %s)", x->log,
		why);
	return -EINVAL;
}

/* program: one of the host's programs, for by: exit or log */
static int load_program_ref(struct ynode n, const struct host *h, struct expect *x,
			    struct diag *d)
{
	char names[256] = "";
	size_t used = 0;

	if (ynode_need_scalar(n, "program", d))
		return -EINVAL;
	if (x->by != BY_EXIT && x->by != BY_LOG) {
		diag_at(d, ynode_pos(n), "program goes with by: exit or by: { log: } (which of %s's programs)",
			h->name);
		return -EINVAL;
	}
	if (program_find(h->program, ynode_str(n)))
		return ynode_strdup(n, "program", &x->program, d);
	for (const struct program *p = h->program; p && used < sizeof(names); p = p->next)
		if (p->name)
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
						 used ? ", " : "", p->name);
	if (used)
		diag_at(d, ynode_pos(n), "unknown program: \"%s\" (%s's programs: %s)", ynode_str(n),
			h->name, names);
	else
		diag_at(d, ynode_pos(n), "unknown program: \"%s\" (%s runs one program, unnamed: leave program out)",
			ynode_str(n), h->name);
	return -EINVAL;
}

int expect_load_by(struct ynode map, const struct scenario *sc, struct expect *x,
		   struct diag *d)
{
	static const struct name_value bys[] = {
		{ "close", BY_CLOSE }, { "exit", BY_EXIT }, { "call", BY_CALL },
	};
	const struct host *h = &sc->hosts[x->host];
	struct ynode by = ynode_get(map, "by"), status = ynode_get(map, "status"), prog;
	int v, ret = 0;
	long st;

	x->exit_status = -1;
	x->by = h->program ? BY_CLOSE : BY_EVENT;
	if (by.node && ynode_is_map(by)) {
		x->by = BY_LOG;
		ret = load_log(by, sc, x, d);
	} else if (by.node && ynode_name(by, "by", bys, NAMES_LEN(bys), &v, d)) {
		return -EINVAL;
	} else if (by.node) {
		x->by = v;
	}
	if (status.node && x->by != BY_EXIT) {
		diag_at(d, ynode_pos(status), "status goes with by: exit (the status the program exits with)");
		ret = err_merge(ret, -EINVAL);
	} else if (status.node && !ynode_int(status, "exit status", 0, 255, &st, d)) {
		x->exit_status = (int)st;
	} else if (status.node) {
		ret = err_merge(ret, -EINVAL);
	}
	if (!h->program && (x->by == BY_EXIT || x->by == BY_LOG)) {
		diag_at(d, ynode_pos(by), "%s runs the built-in peer, which neither exits nor logs: by: close, or the peer's own detection (error:)",
			h->name);
		ret = err_merge(ret, -EINVAL);
	}
	if ((prog = ynode_get(map, "program")).node)
		ret = err_merge(ret, load_program_ref(prog, h, x, d));
	if (h->program && x->by == BY_CALL) {
		diag_at(d, ynode_pos(by), "by: call is the built-in peer's failed send or recv; %s runs a program: by: close, exit or { log: }",
			h->name);
		ret = err_merge(ret, -EINVAL);
	}
	return ret;
}

int expect_load_kinds(struct ynode n, unsigned *kinds, struct diag *d)
{
	size_t count = ynode_is_seq(n) ? ynode_len(n) : 1;
	char accepted[256];
	bool bad = false;

	if (count == 0) {
		diag_at(d, ynode_pos(n), "kind lists no packet kind (accepted: %s)",
			expect_pkind_accepted(accepted, sizeof(accepted)));
		return -EINVAL;
	}
	for (size_t i = 0; i < count; i++) {
		struct ynode item = ynode_is_seq(n) ? ynode_item(n, i) : n;
		int kind;

		if (ynode_name(item, "packet kind", pkinds, NAMES_LEN(pkinds), &kind, d)) {
			bad = true;
			continue;
		}
		*kinds |= (unsigned)kind;
	}
	return bad ? -EINVAL : 0;
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

int expect_load_window(struct ynode n, const char *key, int64_t *lo, int64_t *hi,
		       struct diag *d)
{
	const char *s;

	if (ynode_need_scalar(n, key, d))
		return -EINVAL;
	s = ynode_str(n);
	if (duration_range_parse(s, lo, hi)) {
		diag_at(d, ynode_pos(n), "bad window for %s: \"%s\" (LOW..HIGH or HIGH, durations like 4.5s..5.6s or 6s)",
			key, s);
		return -EINVAL;
	}
	if (*lo > *hi) {
		diag_at(d, ynode_pos(n), "bad window for %s: \"%s\" (the lower bound exceeds the upper bound)",
			key, s);
		return -EINVAL;
	}
	return 0;
}

int expect_load_count(struct ynode n, long *lo, long *hi, struct diag *d)
{
	return expect_load_count_of(n, "count", lo, hi, d);
}

int expect_load_count_of(struct ynode n, const char *key, long *lo, long *hi,
			 struct diag *d)
{
	const char *s = ynode_str(n), *dots;
	char first[32];
	bool ok;

	if (ynode_need_scalar(n, key, d))
		return -EINVAL;
	*hi = LONG_MAX;
	if (!strncmp(s, ">=", 2)) {
		ok = parse_long(s + 2, lo);
	} else if (!strncmp(s, "<=", 2)) {
		*lo = 0;
		ok = parse_long(s + 2, hi);
	} else if ((dots = strstr(s, "..")) && (size_t)(dots - s) < sizeof(first)) {
		memcpy(first, s, (size_t)(dots - s));
		first[dots - s] = '\0';
		ok = parse_long(first, lo) && parse_long(dots + 2, hi) && *lo <= *hi;
	} else {
		ok = parse_long(s, lo);
		*hi = *lo;
	}
	if (ok)
		return 0;
	diag_at(d, ynode_pos(n), "bad count%s%s: \"%s\" (a whole number from 0 to %ld, a range LOW..HIGH, \">= N\" or \"<= N\")",
		strcmp(key, "count") ? " for " : "", strcmp(key, "count") ? key : "", s,
		PACKETS_MAX_COUNT);
	return -EINVAL;
}

unsigned expect_pkind_parse(const char *name)
{
	int kind;

	return names_parse(pkinds, NAMES_LEN(pkinds), name, &kind) ? 0 : (unsigned)kind;
}

const char *expect_pkind_accepted(char *buf, size_t len)
{
	return names_accepted(pkinds, NAMES_LEN(pkinds), buf, len);
}

const char *expect_pkind_str(unsigned kinds, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NAMES_LEN(pkinds) && used < len; i++)
		if (kinds & (unsigned)pkinds[i].value)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? "|" : "", pkinds[i].name);
	return buf;
}

const char *expect_count_str(long lo, long hi, char *buf, size_t len)
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

long expect_conns_needed(const struct expect *x, long alive)
{
	switch (x->conns) {
	case CONNS_ANY:
		return 1;
	case CONNS_COUNT:
		return x->conns_n;
	case CONNS_PERCENT:
		return (alive * x->conns_n + 99) / 100;
	case CONNS_ALL:
	default:
		return alive;
	}
}
