/* netem: delay, jitter, loss, duplication, reordering, corruption and a
 * rate limit on what the switch sends to a host (the root qdisc of the
 * switch port facing it). Needs the kernel's sch_netem: where it is
 * missing, scenarios using it are skipped with that reason, never failed. */
#include "harness/model/fault.h"

#include <errno.h>
#include <limits.h>
#include <netlink/msg.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "netns/netem.h"
#include "netns/topo.h"

static const char *const keys[] = {
	"host", "delay", "jitter", "loss", "duplicate", "reorder", "corrupt", "rate", "seed", NULL
};

#define RATE_ACCEPTED "a number and a unit: bit, kbit, mbit or gbit (per second), e.g. 1mbit"

static int parse_percent(struct ynode n, const char *what, double *v, struct diag *d)
{
	const char *s = ynode_str(n);
	char *end;

	if (ynode_need_scalar(n, what, d))
		return -EINVAL;
	*v = strtod(s, &end);
	if (*end == '%')
		end++;
	if (end == s || *end || !(*v >= 0 && *v <= 100)) {
		diag_at(d, ynode_pos(n), "bad netem %s: \"%s\" (a percentage from 0 to 100, e.g. 20 or 0.5)",
			what, s);
		return -EINVAL;
	}
	return 0;
}

/* tc's units: rates in bits per second; the kernel wants bytes. */
static int parse_rate(struct ynode n, uint64_t *bytes, struct diag *d)
{
	static const struct {
		const char *unit;
		double bits;
	} units[] = { { "bit", 1 }, { "kbit", 1e3 }, { "mbit", 1e6 }, { "gbit", 1e9 } };
	const char *s = ynode_str(n);
	char *end;
	double v;

	if (ynode_need_scalar(n, "netem rate", d))
		return -EINVAL;
	v = strtod(s, &end);
	for (size_t i = 0; end != s && v > 0 && i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].unit)) {
			*bytes = (uint64_t)(v * units[i].bits / 8);
			if (*bytes)
				return 0;
		}
	diag_at(d, ynode_pos(n), "bad netem rate: \"%s\" (%s)", s, RATE_ACCEPTED);
	return -EINVAL;
}

static int parse(struct fault *f, struct ynode arg, struct diag *d)
{
	struct netem_params *p = calloc(1, sizeof(*p));
	struct ynode n;
	long seed;
	int ret = 0;

	if (!p)
		return -ENOMEM;
	f->priv = p;
	if (ynode_need_map(arg, "netem", d) || ynode_check_keys(arg, "netem", keys, d))
		return -EINVAL;
	if (!ynode_need_key(arg, "host", "netem", "host: client", &n, d)) {
		ret = err_merge(ret, fault_parse_host(f, n, d));
		f->arg_at = ynode_pos(n);
	} else {
		ret = err_merge(ret, -EINVAL);
	}
	if ((n = ynode_get(arg, "delay")).node)
		ret = err_merge(ret, ynode_duration(n, "netem delay", &p->delay_ns, d));
	if ((n = ynode_get(arg, "jitter")).node)
		ret = err_merge(ret, ynode_duration(n, "netem jitter", &p->jitter_ns, d));
	if ((n = ynode_get(arg, "loss")).node)
		ret = err_merge(ret, parse_percent(n, "loss", &p->loss, d));
	if ((n = ynode_get(arg, "duplicate")).node)
		ret = err_merge(ret, parse_percent(n, "duplicate", &p->duplicate, d));
	if ((n = ynode_get(arg, "corrupt")).node)
		ret = err_merge(ret, parse_percent(n, "corrupt", &p->corrupt, d));
	if ((n = ynode_get(arg, "reorder")).node) {
		ret = err_merge(ret, parse_percent(n, "reorder", &p->reorder, d));
		if (!ret && p->reorder > 0 && !p->delay_ns) {
			diag_at(d, ynode_pos(n), "netem reorder needs a delay: packets can only jump a queue of delayed ones");
			ret = err_merge(ret, -EINVAL);
		}
	}
	if ((n = ynode_get(arg, "rate")).node)
		ret = err_merge(ret, parse_rate(n, &p->rate_bps, d));
	if ((n = ynode_get(arg, "seed")).node) {
		ret = err_merge(ret, ynode_int(n, "netem seed", 1, LONG_MAX, &seed, d));
		p->seed = (uint64_t)seed;
	}
	return ret;
}

static int request_port(struct fault_ctx *ctx, int host, struct nl_msg *msg, const char *what,
		struct diag *d)
{
	int err = topo_switch_request(ctx->topo, msg, d);

	nlmsg_free(msg);
	if (err)
		diag_add(d, "%s on %s: %s", what, topo_port_name(ctx->topo, host), diag_last(d));
	return err;
}

static int apply(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	struct nl_msg *msg;

	if (netem_build_add(f->priv, topo_port_ifindex(ctx->topo, f->host), &msg))
		return -ENOMEM;
	return request_port(ctx, f->host, msg, "add netem qdisc", d);
}

static int revert(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	struct nl_msg *msg;

	if (netem_build_del(topo_port_ifindex(ctx->topo, f->host), &msg))
		return -ENOMEM;
	return request_port(ctx, f->host, msg, "delete netem qdisc", d);
}

const struct fault_ops fault_netem = {
	.name = "netem",
	.help = "delay, jitter, loss, duplicate, reorder, corrupt, rate on what the switch sends to HOST",
	.needs = FAULT_NEEDS_NETEM,
	.parse = parse,
	.validate = fault_validate_host,
	.apply = apply,
	.revert = revert,
	.free = free,
};
