/* The models of predict.h. */
#include "harness/predict/predict.h"

#include <string.h>

void predict_defaults(struct predict_params *p, int syn_linear)
{
	*p = (struct predict_params){
		.keepidle_ns = PREDICT_KEEPIDLE_NS, .keepintvl_ns = PREDICT_KEEPINTVL_NS,
		.keepcnt = PREDICT_KEEPCNT, .retries2 = PREDICT_RETRIES2,
		.rto_min_ns = PREDICT_RTO_MIN_NS, .rto_max_ns = PREDICT_RTO_MAX_NS,
		.tlp = true, .syn_retries = PREDICT_SYN_RETRIES, .syn_linear = syn_linear,
	};
}

/* ilog2(a / b), for the linear backoff threshold. */
static int ilog2_ratio(int64_t a, int64_t b)
{
	int n = 0;

	for (int64_t q = b > 0 ? a / b : 1; q > 1; q >>= 1)
		n++;
	return n;
}

int64_t predict_model_timeout(int boundary, int64_t rto_base, int64_t rto_max)
{
	int thresh = ilog2_ratio(rto_max, rto_base);

	if (boundary <= thresh)
		return ((2LL << boundary) - 1) * rto_base;
	return ((2LL << thresh) - 1) * rto_base + (int64_t)(boundary - thresh) * rto_max;
}

static void add(struct predict_timeline *t, int64_t at, enum predict_event_kind k, int n)
{
	if (t->n < PREDICT_MAX_EVENTS)
		t->ev[t->n++] = (struct predict_event){ at, k, n };
}

void predict_keepalive(const struct predict_params *p, struct predict_timeline *t)
{
	int64_t at = p->keepidle_ns;

	memset(t, 0, sizeof(*t));
	t->model = "keepalive";
	t->start = "the last segment received";
	t->budget_ns = p->user_timeout_ns;
	for (int k = 1;; k++) {
		/* the timer that would send probe k; with a user timeout it
		 * gives up there once one probe is out and the time is past */
		if (p->user_timeout_ns && k > 1 && at >= p->user_timeout_ns)
			break;
		if (!p->user_timeout_ns && k > p->keepcnt)
			break;
		if (t->n >= PREDICT_MAX_EVENTS - 1)
			break;
		add(t, at, PE_PROBE, k);
		at += p->keepintvl_ns;
	}
	t->give_up_ns = at;
	add(t, at, PE_GIVE_UP, 0);
}

void predict_retransmit(const struct predict_params *p, struct predict_timeline *t)
{
	int64_t rto = p->rto_ns ? p->rto_ns : p->rtt_ns + p->rto_min_ns;
	int64_t budget = p->user_timeout_ns ? p->user_timeout_ns :
			 predict_model_timeout(p->retries2, p->rto_min_ns, p->rto_max_ns);
	int64_t first = rto, at, step = rto;

	memset(t, 0, sizeof(*t));
	t->model = "retransmit";
	t->start = "the first unacknowledged segment sent";
	t->rto_ns = rto;
	t->budget_ns = budget;
	if (p->tlp) {
		/* two round trips, and for a lone segment the delayed ACK's
		 * time; never later than the RTO itself */
		int64_t pto = 2 * p->rtt_ns + p->rto_min_ns;

		pto = pto < rto ? pto : rto;
		add(t, pto, PE_TLP, 0);
		first = pto + rto;
	}
	add(t, first, PE_RETRANSMISSION, 1);
	at = first;
	for (int k = 2;; k++) {
		int64_t next;

		step = 2 * step < p->rto_max_ns ? 2 * step : p->rto_max_ns;
		next = at + step;
		/* a user timeout clamps the timer to when it runs out */
		if (p->user_timeout_ns && next - first > budget)
			next = first + budget;
		if (next - first >= budget || t->n >= PREDICT_MAX_EVENTS - 1) {
			at = next;
			break;
		}
		add(t, next, PE_RETRANSMISSION, k);
		at = next;
	}
	t->give_up_ns = at;
	add(t, at, PE_GIVE_UP, 0);
}

void predict_connect(const struct predict_params *p, struct predict_timeline *t)
{
	int64_t budget = p->user_timeout_ns ? p->user_timeout_ns :
			 predict_model_timeout(p->syn_retries, PREDICT_RTO_INIT_NS, p->rto_max_ns);
	int64_t at = 0, step = PREDICT_RTO_INIT_NS;

	memset(t, 0, sizeof(*t));
	t->model = "connect";
	t->start = "the first SYN";
	t->budget_ns = budget;
	add(t, 0, PE_SYN, 0);
	for (int k = 1;; k++) {
		at += step;
		if (at >= budget || t->n >= PREDICT_MAX_EVENTS - 1)
			break;
		add(t, at, PE_RETRANSMISSION, k);
		/* the first syn_linear backoffs keep the timeout */
		if (k > p->syn_linear)
			step = 2 * step < p->rto_max_ns ? 2 * step : p->rto_max_ns;
	}
	t->give_up_ns = at;
	add(t, at, PE_GIVE_UP, 0);
}

const char *predict_event_name(enum predict_event_kind k)
{
	static const char *const names[] = {
		[PE_PROBE] = "keepalive probe", [PE_TLP] = "tail-loss probe",
		[PE_RETRANSMISSION] = "retransmission", [PE_SYN] = "SYN",
		[PE_GIVE_UP] = "gives up: ETIMEDOUT",
	};

	return names[k];
}
