/* Layout (kernel net/sched/sch_netem.c, netem_change): TCA_OPTIONS holds a
 * struct tc_netem_qopt followed directly by netem's own attributes. The
 * qopt delays are in psched ticks (64 ns); LATENCY64/JITTER64 carry the
 * exact nanoseconds and win when present. Probabilities are fractions of
 * 2^32 - 1. */
#include "netns/netem.h"

#include <errno.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <string.h>

/* Linux 6.2 added the seed; older uapi headers lack the name. */
#ifndef TCA_NETEM_PRNG_SEED
#define TCA_NETEM_PRNG_SEED 14
#endif

#define PSCHED_SHIFT 6

static uint32_t probability(double percent)
{
	if (percent <= 0)
		return 0;
	if (percent >= 100)
		return UINT32_MAX;
	return (uint32_t)(percent / 100.0 * UINT32_MAX);
}

static uint32_t ticks(int64_t ns)
{
	int64_t t = ns >> PSCHED_SHIFT;

	return t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

static struct nl_msg *request(int type, int flags, int ifindex)
{
	struct tcmsg tcm = {
		.tcm_family = AF_UNSPEC,
		.tcm_ifindex = ifindex,
		.tcm_parent = TC_H_ROOT,
	};
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags);

	if (msg && nlmsg_append(msg, &tcm, sizeof(tcm), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int netem_build_add(const struct netem_params *p, int ifindex,
		    struct nl_msg **out)
{
	struct tc_netem_qopt qopt = {
		.latency = ticks(p->delay_ns),
		.jitter = ticks(p->jitter_ns),
		.limit = p->limit ? p->limit : 1000,
		.loss = probability(p->loss),
		.duplicate = probability(p->duplicate),
		/* reordering needs a gap: every packet may jump the queue */
		.gap = p->reorder > 0 ? 1 : 0,
	};
	struct nl_msg *msg;
	struct nlattr *opts;
	int bad = 0;

	*out = NULL;
	msg = request(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK, ifindex);
	if (!msg)
		return -ENOMEM;
	bad |= nla_put_string(msg, TCA_KIND, "netem");
	opts = nla_nest_start(msg, TCA_OPTIONS);
	bad |= !opts || nlmsg_append(msg, &qopt, sizeof(qopt), NLMSG_ALIGNTO) < 0;
	bad |= nla_put_s64(msg, TCA_NETEM_LATENCY64, p->delay_ns);
	bad |= nla_put_s64(msg, TCA_NETEM_JITTER64, p->jitter_ns);
	if (p->reorder > 0) {
		struct tc_netem_reorder r = { .probability = probability(p->reorder) };

		bad |= nla_put(msg, TCA_NETEM_REORDER, sizeof(r), &r);
	}
	if (p->corrupt > 0) {
		struct tc_netem_corrupt c = { .probability = probability(p->corrupt) };

		bad |= nla_put(msg, TCA_NETEM_CORRUPT, sizeof(c), &c);
	}
	if (p->rate_bps) {
		struct tc_netem_rate r = {
			.rate = p->rate_bps > UINT32_MAX ? UINT32_MAX : (uint32_t)p->rate_bps,
		};

		bad |= nla_put(msg, TCA_NETEM_RATE, sizeof(r), &r);
		if (p->rate_bps >= UINT32_MAX)
			bad |= nla_put_u64(msg, TCA_NETEM_RATE64, p->rate_bps);
	}
	if (p->seed)
		bad |= nla_put_u64(msg, TCA_NETEM_PRNG_SEED, p->seed);
	if (opts)
		nla_nest_end(msg, opts);
	if (bad) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	*out = msg;
	return 0;
}

int netem_build_del(int ifindex, struct nl_msg **out)
{
	*out = request(RTM_DELQDISC, NLM_F_ACK, ifindex);
	return *out ? 0 : -ENOMEM;
}
