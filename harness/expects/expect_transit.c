/* transit: how long segments took from one host to the other, and which
 * never arrived or arrived twice — measured between the two hosts'
 * captures, matching each segment by its fingerprint (packet.h), for
 * the segments sent from the reference on.
 *   transit: { from: client, to: server, within: 280ms..330ms,
 *              spread: 10ms..50ms, lost: 0, duplicated: 0 } */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "harness/expects/sequence.h"
#include "harness/expects/transit.h"
#include "harness/judge/evidence.h"
#include "harness/model/host_load.h"
#include "reports/result.h"

static const char *const keys[] = {
	"from", "to", "within", "spread", "lost", "duplicated", "since", NULL
};

static int load(struct ynode n, const struct scenario *sc, struct expect *x,
		struct diag *d)
{
	struct ynode from, to, v;
	bool bad = false;

	x->hi_ns = x->spread_hi_ns = -1;
	x->lost_lo = x->dup_lo = -1;
	if (ynode_need_key(n, "from", "transit", "from: client", &from, d) ||
	    ynode_need_key(n, "to", "transit", "to: server", &to, d))
		return -EINVAL;
	bad |= host_load_ref(from, "transit from", sc, &x->from, d) != 0;
	bad |= host_load_ref(to, "transit to", sc, &x->to, d) != 0;
	if (!bad && x->from == x->to) {
		diag_at(d, ynode_pos(to), "transit from and to name the same host: \"%s\"",
			ynode_str(to));
		bad = true;
	}
	if (sc->net.nat) {
		diag_at(d, x->at, "transit cannot follow segments through the NAT: it rewrites them (use packets)");
		bad = true;
	}
	if ((v = ynode_get(n, "within")).node)
		bad |= expect_load_window(v, "within", &x->lo_ns, &x->hi_ns, d) != 0;
	if ((v = ynode_get(n, "spread")).node)
		bad |= expect_load_window(v, "spread", &x->spread_lo_ns, &x->spread_hi_ns, d) != 0;
	if ((v = ynode_get(n, "lost")).node)
		bad |= expect_load_count_of(v, "lost", &x->lost_lo, &x->lost_hi, d) != 0;
	if ((v = ynode_get(n, "duplicated")).node)
		bad |= expect_load_count_of(v, "duplicated", &x->dup_lo, &x->dup_hi, d) != 0;
	if (!bad && x->hi_ns < 0 && x->spread_hi_ns < 0 && x->lost_lo < 0 && x->dup_lo < 0) {
		diag_at(d, x->at, "transit needs at least one of within, spread, lost or duplicated");
		bad = true;
	}
	v = ynode_get(n, "since");
	if (v.node && ynode_is_scalar(v) && !strcmp(ynode_str(v), "establishment"))
		x->since_establishment = true;
	else
		bad |= expect_load_since(n, sc, x, d) != 0;
	return bad ? -EINVAL : 0;
}

/* The TCP segments from @from to @to in @pk from @t0 on, in time order. */
static const struct packet **segments(const struct packet_list *pk, const struct seq_hosts *h,
				      int from, int to, int64_t t0, size_t *n)
{
	const struct packet **v = calloc(pk->n ? pk->n : 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; v && i < pk->n; i++) {
		const struct packet *p = &pk->v[i];

		if (p->proto == PACKET_TCP && p->t_ns >= t0 && seq_addr_is(h, p->src, from) &&
		    seq_addr_is(h, p->dst, to))
			v[(*n)++] = p;
	}
	return v;
}

/* Which check failed first, with its value and bounds into @r. */
static bool check(struct expect_result *r, const char *what, enum result_unit unit,
		  int64_t value, int64_t lo, int64_t hi)
{
	if (value >= lo && value <= hi)
		return true;
	snprintf(r->what, sizeof(r->what), "%s", what);
	r->unit = unit;
	r->measured = value;
	r->lo = lo;
	r->hi = hi == LONG_MAX ? INT64_MAX : hi;
	return false;
}

static int judge(const struct expect *x, const struct evidence *ev,
		 struct expect_result *r)
{
	const struct seq_hosts hosts = seq_hosts_of(ev);
	const struct packet **sent, **arrived;
	size_t ns, na;
	struct transit t;
	int err;

	snprintf(r->host, sizeof(r->host), "%s", ev->sc->hosts[x->from].name);
	snprintf(r->peer, sizeof(r->peer), "%s", ev->sc->hosts[x->to].name);
	r->verdict = VERDICT_FAIL;
	if (!evidence_reference(ev, x, r)) {
		r->outcome = OUTCOME_NO_REFERENCE;
		return 0;
	}
	if (x->since_establishment) {
		r->ref_t_ns = ev->t_established ? ev->t_established : ev->t_watch;
		r->ref_step = -1;
		snprintf(r->ref, sizeof(r->ref), "establishment");
	}
	sent = segments(&ev->pk[x->from], &hosts, x->from, x->to, r->ref_t_ns, &ns);
	arrived = segments(&ev->pk[x->to], &hosts, x->from, x->to, r->ref_t_ns, &na);
	/* a segment still on its way when the receiver's capture ended is
	 * not lost: its way takes up to the delay allowed, or taken */
	err = sent && arrived ? transit_measure(sent, ns, arrived, na, ev->t_end,
						x->hi_ns > 0 ? x->hi_ns : 0, &t) : -ENOMEM;
	free(sent);
	free(arrived);
	if (err)
		return err;
	r->outcome = OUTCOME_TRANSIT;
	r->segments = t.segments;
	r->lost = t.lost;
	r->duplicated = t.duplicated;
	r->delay_min_ns = t.min_ns;
	r->delay_median_ns = t.median_ns;
	r->delay_max_ns = t.max_ns;
	r->unit = UNIT_NS;
	r->measured = t.max_ns;
	r->lo = x->hi_ns < 0 ? 0 : x->lo_ns;
	r->hi = x->hi_ns < 0 ? INT64_MAX : x->hi_ns;
	if (t.segments) {
		result_add_packet(r, r->host, t.max_s_frame);
		result_add_packet(r, r->peer, t.max_r_frame);
	}
	if (t.lost)
		result_add_packet(r, r->host, t.lost_frame);
	if (x->hi_ns >= 0 && !t.segments) {
		check(r, "segments", UNIT_PACKETS, 0, 1, LONG_MAX);
		return 0;
	}
	if (x->hi_ns >= 0 &&
	    (!check(r, "delay", UNIT_NS, t.min_ns, x->lo_ns, x->hi_ns) ||
	     !check(r, "delay", UNIT_NS, t.max_ns, x->lo_ns, x->hi_ns))) {
		if (t.min_ns < x->lo_ns) {
			r->npackets = 0;
			result_add_packet(r, r->host, t.min_s_frame);
			result_add_packet(r, r->peer, t.min_r_frame);
		}
		return 0;
	}
	if (x->spread_hi_ns >= 0 &&
	    !check(r, "spread", UNIT_NS, t.max_ns - t.min_ns, x->spread_lo_ns, x->spread_hi_ns))
		return 0;
	if (x->lost_lo >= 0 && !check(r, "lost", UNIT_PACKETS, t.lost, x->lost_lo, x->lost_hi))
		return 0;
	if (x->dup_lo >= 0 &&
	    !check(r, "duplicated", UNIT_PACKETS, t.duplicated, x->dup_lo, x->dup_hi))
		return 0;
	r->verdict = VERDICT_PASS;
	return 0;
}

static const char *describe(const struct expect *x, const struct scenario *sc,
			    const char *ref, char *buf, size_t len)
{
	char lo[32], hi[32], n[48];
	size_t used = (size_t)snprintf(buf, len, "segments from %s to %s after %s:",
				       sc->hosts[x->from].name, sc->hosts[x->to].name, ref);
	const char *sep = "";

	if (x->hi_ns >= 0 && used < len) {
		used += (size_t)snprintf(buf + used, len - used, " each in %s..%s s",
					 duration_secs(x->lo_ns, lo, sizeof(lo)),
					 duration_secs(x->hi_ns, hi, sizeof(hi)));
		sep = ",";
	}
	if (x->spread_hi_ns >= 0 && used < len) {
		used += (size_t)snprintf(buf + used, len - used, "%s spread %s..%s s", sep,
					 duration_secs(x->spread_lo_ns, lo, sizeof(lo)),
					 duration_secs(x->spread_hi_ns, hi, sizeof(hi)));
		sep = ",";
	}
	if (x->lost_lo >= 0 && used < len) {
		used += (size_t)snprintf(buf + used, len - used, "%s %s lost", sep,
					 expect_count_str(x->lost_lo, x->lost_hi, n, sizeof(n)));
		sep = ",";
	}
	if (x->dup_lo >= 0 && used < len)
		snprintf(buf + used, len - used, "%s %s duplicated", sep,
			 expect_count_str(x->dup_lo, x->dup_hi, n, sizeof(n)));
	return buf;
}

const struct expect_ops expect_transit = {
	.name = "transit",
	.counts_packets = true,
	.keys = keys,
	.load = load,
	.judge = judge,
	.describe = describe,
};
