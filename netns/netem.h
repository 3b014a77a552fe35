/* The netem qdisc request: delay, jitter, loss, duplicate, reorder,
 * corrupt, rate — built with libnl's message API, since libnl-route's
 * netem object lacks the 64-bit delays, the rate and the PRNG seed. */
#ifndef NETNS_NETEM_H
#define NETNS_NETEM_H

#include <stdint.h>

struct nl_msg;

struct netem_params {
	int64_t delay_ns;
	int64_t jitter_ns;
	double loss;		/* percent, 0..100 */
	double duplicate;	/* percent */
	double reorder;		/* percent: sent at once, ahead of the delayed */
	double corrupt;		/* percent */
	uint64_t rate_bps;	/* bytes per second; 0: unlimited */
	uint64_t seed;		/* 0: let the kernel pick */
	uint32_t limit;		/* queue length in packets */
};

/* The request that installs @p as the root qdisc of @ifindex (replacing
 * what is there). Returns 0 and a message the caller frees with
 * nlmsg_free(), or -ENOMEM. */
int netem_build_add(const struct netem_params *p, int ifindex,
		    struct nl_msg **out);

/* The request that removes the root qdisc of @ifindex. */
int netem_build_del(int ifindex, struct nl_msg **out);

#endif
