/* The netem request, decoded back as the kernel's netem_change() would
 * read it: qopt first, then netem's own attributes. This machine's kernel
 * has no sch_netem, so this is where the request is proven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <string.h>

#include "netns/netem.h"

#ifndef TCA_NETEM_PRNG_SEED
#define TCA_NETEM_PRNG_SEED 14
#endif

struct decoded {
	struct tcmsg tcm;
	char kind[16];
	struct tc_netem_qopt qopt;
	struct nlattr *tb[TCA_NETEM_PRNG_SEED + 1];
	int type, flags;
};

static void decode(struct nl_msg *msg, struct decoded *out)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[TCA_MAX + 1];
	struct nlattr *opts;
	size_t qlen = NLA_ALIGN(sizeof(struct tc_netem_qopt));

	memset(out, 0, sizeof(*out));
	out->type = h->nlmsg_type;
	out->flags = h->nlmsg_flags;
	memcpy(&out->tcm, nlmsg_data(h), sizeof(out->tcm));
	assert_int_equal(nlmsg_parse(h, sizeof(struct tcmsg), tb, TCA_MAX, NULL), 0);
	if (!tb[TCA_KIND])
		return;
	nla_strlcpy(out->kind, tb[TCA_KIND], sizeof(out->kind));
	opts = tb[TCA_OPTIONS];
	assert_non_null(opts);
	assert_true(nla_len(opts) >= (int)qlen);
	memcpy(&out->qopt, nla_data(opts), sizeof(out->qopt));
	assert_int_equal(nla_parse(out->tb, TCA_NETEM_PRNG_SEED,
				   (struct nlattr *)((char *)nla_data(opts) + qlen),
				   nla_len(opts) - (int)qlen, NULL), 0);
}

static void test_delay_loss_seed(void **state)
{
	struct netem_params p = {
		.delay_ns = 300000000, .jitter_ns = 20000000, .loss = 25,
		.duplicate = 100, .seed = 7,
	};
	struct nl_msg *msg;
	struct decoded d;

	(void)state;
	assert_int_equal(netem_build_add(&p, 42, &msg), 0);
	decode(msg, &d);
	assert_int_equal(d.type, RTM_NEWQDISC);
	assert_true(d.flags & NLM_F_CREATE);
	assert_true(d.flags & NLM_F_REPLACE);
	assert_true(d.flags & NLM_F_ACK);
	assert_int_equal(d.tcm.tcm_ifindex, 42);
	assert_int_equal(d.tcm.tcm_parent, TC_H_ROOT);
	assert_string_equal(d.kind, "netem");
	assert_int_equal(d.qopt.limit, 1000);
	assert_int_equal(d.qopt.latency, 300000000 >> 6);	/* psched ticks of 64 ns */
	assert_int_equal(d.qopt.jitter, 20000000 >> 6);
	assert_int_equal(d.qopt.loss, UINT32_MAX / 4);
	assert_int_equal(d.qopt.duplicate, UINT32_MAX);
	assert_int_equal(d.qopt.gap, 0);
	assert_int_equal(nla_get_s64(d.tb[TCA_NETEM_LATENCY64]), 300000000);
	assert_int_equal(nla_get_s64(d.tb[TCA_NETEM_JITTER64]), 20000000);
	assert_int_equal(nla_get_u64(d.tb[TCA_NETEM_PRNG_SEED]), 7);
	assert_null(d.tb[TCA_NETEM_REORDER]);
	assert_null(d.tb[TCA_NETEM_CORRUPT]);
	assert_null(d.tb[TCA_NETEM_RATE]);
	nlmsg_free(msg);
}

static void test_reorder_corrupt_rate(void **state)
{
	struct netem_params p = {
		.delay_ns = 10000000, .reorder = 50, .corrupt = 1, .rate_bps = 125000,
	};
	struct tc_netem_reorder r;
	struct tc_netem_corrupt c;
	struct tc_netem_rate rate;
	struct nl_msg *msg;
	struct decoded d;

	(void)state;
	assert_int_equal(netem_build_add(&p, 3, &msg), 0);
	decode(msg, &d);
	assert_int_equal(d.qopt.gap, 1);	/* reordering needs a gap */
	memcpy(&r, nla_data(d.tb[TCA_NETEM_REORDER]), sizeof(r));
	assert_int_equal(r.probability, UINT32_MAX / 2);
	memcpy(&c, nla_data(d.tb[TCA_NETEM_CORRUPT]), sizeof(c));
	assert_int_equal(c.probability, (uint32_t)(0.01 * UINT32_MAX));
	memcpy(&rate, nla_data(d.tb[TCA_NETEM_RATE]), sizeof(rate));
	assert_int_equal(rate.rate, 125000);
	assert_null(d.tb[TCA_NETEM_RATE64]);
	assert_null(d.tb[TCA_NETEM_PRNG_SEED]);
	nlmsg_free(msg);
}

static void test_delete(void **state)
{
	struct nl_msg *msg;
	struct decoded d;

	(void)state;
	assert_int_equal(netem_build_del(9, &msg), 0);
	decode(msg, &d);
	assert_int_equal(d.type, RTM_DELQDISC);
	assert_int_equal(d.tcm.tcm_ifindex, 9);
	assert_int_equal(d.tcm.tcm_parent, TC_H_ROOT);
	assert_string_equal(d.kind, "");
	nlmsg_free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delay_loss_seed),
		cmocka_unit_test(test_reorder_corrupt_rate),
		cmocka_unit_test(test_delete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
