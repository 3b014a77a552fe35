/* predict: when Linux gives up on a connection, from its parameters, and
 * the timeline of probes and retransmissions on the way — following the
 * kernel's own rules rather than the usual arithmetic. Pure logic: the
 * models take numbers and give a timeline; `unplug predict` prints it and
 * scenarios check it against the real kernel.
 *
 * The rules modelled (net/ipv4/tcp_timer.c unless named):
 *   keepalive   tcp_keepalive_timer: probes from `idle` after the last
 *               segment received, `interval` apart; when `count` are out
 *               unanswered and the next interval passes, an RST and
 *               ETIMEDOUT. With TCP_USER_TIMEOUT: instead at the first
 *               probe timer, a probe being out, once that much time has
 *               passed since the last segment received.
 *   retransmit  tcp_retransmit_timer, tcp_write_timeout,
 *               retransmits_timed_out, tcp_model_timeout: tcp_retries2 is
 *               a time, rto_min × (2^(N+1) − 1) (linear beyond 120 s),
 *               counted from the first retransmission and checked only
 *               when the timer fires: the RTO doubles (up to rto_max) and
 *               the connection dies at the first firing past the budget.
 *               Before the first retransmission a tail-loss probe
 *               (tcp_schedule_loss_probe) re-arms the timer. With
 *               TCP_USER_TIMEOUT the budget is that time, and the timer
 *               is clamped to it (tcp_clamp_rto_to_user_timeout).
 *   connect     tcp_connect, the SYN retransmissions: tcp_syn_retries is a
 *               time too, 1 s × (2^(N+1) − 1), counted from the first SYN;
 *               since 6.5 the first tcp_syn_linear_timeouts (4) timeouts
 *               stay at 1 s (commit ccce324dabfe).
 * Timers run on the timer wheel: each may fire up to an eighth of its
 * length late (the wheel's granularity), which the timelines leave out. */
#ifndef HARNESS_PREDICT_PREDICT_H
#define HARNESS_PREDICT_PREDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Linux's defaults (include/net/tcp.h, Documentation/networking/ip-sysctl.rst). */
#define PREDICT_KEEPIDLE_NS	(7200 * 1000000000LL)
#define PREDICT_KEEPINTVL_NS	(75 * 1000000000LL)
#define PREDICT_KEEPCNT		9
#define PREDICT_RETRIES2	15
#define PREDICT_SYN_RETRIES	6
#define PREDICT_SYN_LINEAR	4	/* since 6.5; 0 before */
#define PREDICT_RTO_MIN_NS	(200 * 1000000LL)
#define PREDICT_RTO_MAX_NS	(120 * 1000000000LL)
#define PREDICT_RTO_INIT_NS	(1000 * 1000000LL)	/* TCP_TIMEOUT_INIT: a SYN's */

/* The most events a timeline holds: enough for every default (keepalive
 * 9 probes, tcp_retries2 up to 30 firings, 6 SYN retries with 4 linear). */
#define PREDICT_MAX_EVENTS 64

enum predict_event_kind {
	PE_PROBE,		/* a keepalive probe */
	PE_TLP,			/* a tail-loss probe */
	PE_RETRANSMISSION,	/* a retransmission (of data, or a SYN) */
	PE_SYN,			/* the first SYN */
	PE_GIVE_UP,		/* the connection dies: ETIMEDOUT */
};

struct predict_event {
	int64_t t_ns;		/* since the model's start */
	enum predict_event_kind kind;
	int n;			/* probes, retransmissions: 1, 2... */
};

struct predict_params {
	int64_t keepidle_ns, keepintvl_ns;
	int keepcnt;
	int retries2;
	int64_t rtt_ns;		/* the smoothed round trip */
	int64_t rto_ns;		/* 0: rtt + rto_min, as Linux sets it for a
				 * steady round trip (tcp_set_rto) */
	int64_t rto_min_ns, rto_max_ns;
	int64_t user_timeout_ns;	/* TCP_USER_TIMEOUT; 0: none */
	bool tlp;		/* tail-loss probes (tcp_early_retrans, on) */
	int syn_retries, syn_linear;
};

struct predict_timeline {
	const char *model;	/* "keepalive", "retransmit", "connect" */
	const char *start;	/* what time 0 is */
	struct predict_event ev[PREDICT_MAX_EVENTS];
	size_t n;
	int64_t give_up_ns;	/* when it dies, since the start */
	int64_t budget_ns;	/* the time the setting stands for (retransmit,
				 * connect), or the user timeout; 0: none */
	int64_t rto_ns;		/* retransmit: the RTO used */
};

/* Linux's defaults, with @syn_linear for the kernel meant (4 since 6.5). */
void predict_defaults(struct predict_params *p, int syn_linear);

/* tcp_model_timeout: the time @boundary retries stand for, from
 * @rto_base (rto_min for data, 1 s for a SYN), up to @rto_max each. */
int64_t predict_model_timeout(int boundary, int64_t rto_base, int64_t rto_max);

/* The models. Each fills @t from time 0: the last segment received
 * (keepalive), the first unacknowledged segment sent (retransmit), the
 * first SYN (connect). */
void predict_keepalive(const struct predict_params *p, struct predict_timeline *t);
void predict_retransmit(const struct predict_params *p, struct predict_timeline *t);
void predict_connect(const struct predict_params *p, struct predict_timeline *t);

/* "probe", "tail-loss probe", ... */
const char *predict_event_name(enum predict_event_kind k);

#endif
