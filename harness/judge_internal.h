/* The judge's working state, shared by the files that judge each kind of
 * expectation (judge_detect.c, judge_packets.c); judge.c reads a run
 * directory into it and hands each expectation to its judge. */
#ifndef HARNESS_JUDGE_INTERNAL_H
#define HARNESS_JUDGE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "captures/packet.h"
#include "harness/events.h"
#include "harness/scenario.h"
#include "reports/result.h"

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

/* "4.5", "0.25", "30": seconds without trailing zeros, into @buf. */
const char *judge_secs(int64_t ns, char *buf, size_t len);

/* What @x measures from: its `since` step (its last occurrence), or the
 * run's reference (the last step that broke something). False when that
 * step never ran. */
bool judge_reference(const struct judge *j, const struct expect *x,
		     int64_t *t, const char **what);

/* Each adds @x's verdict to @res; 0 or -ENOMEM. */
int judge_detect(struct judge *j, const struct expect *x, struct scenario_result *res);
int judge_no_detect(struct judge *j, const struct expect *x, struct scenario_result *res);
int judge_packets(struct judge *j, const struct expect *x, struct scenario_result *res);
int judge_delivered(struct judge *j, const struct expect *x, struct scenario_result *res);
int judge_sequence(struct judge *j, const struct expect *x, struct scenario_result *res);

#endif
