/* packets: how many packets of some kinds a host sent (counted where they
 * left it) or received (where they arrived).
 *   packets: { from: server, to: client, kind: keepalive-probe, count: 3 } */
#include <errno.h>
#include <stdio.h>

#include "harness/expects/sequence.h"
#include "harness/judge/evidence.h"
#include "harness/model/host_load.h"
#include "reports/result.h"

static const char *const keys[] = { "from", "to", "kind", "count", NULL };

static int load(struct ynode n, const struct scenario *sc, struct expect *x,
		struct diag *d)
{
	struct ynode v;
	bool bad = false;

	if ((v = ynode_get(n, "from")).node)
		bad |= host_load_ref(v, "packets from", sc, &x->from, d) != 0;
	if ((v = ynode_get(n, "to")).node)
		bad |= host_load_ref(v, "packets to", sc, &x->to, d) != 0;
	if (!bad && x->from != HOST_NONE && x->from == x->to) {
		diag_at(d, ynode_pos(v), "packets from and to name the same host: \"%s\"",
			ynode_str(v));
		bad = true;
	}
	if (!ynode_need_key(n, "kind", "packets", "kind: keepalive-probe", &v, d))
		bad |= expect_load_kinds(v, &x->kinds, d) != 0;
	else
		bad = true;
	if (!ynode_need_key(n, "count", "packets", "count: 3", &v, d))
		bad |= expect_load_count(v, &x->count_lo, &x->count_hi, d) != 0;
	else
		bad = true;
	return bad ? -EINVAL : 0;
}

/* Packets sent by a host are counted where they left it (its own capture);
 * with only `to`, where they arrived. Each packet is counted once. */
static int judge(const struct expect *x, const struct evidence *ev,
		 struct expect_result *r)
{
	const struct scenario *sc = ev->sc;
	const struct seq_hosts hosts = seq_hosts_of(ev);

	evidence_reference(ev, x, r);
	if (x->from != HOST_NONE)
		snprintf(r->host, sizeof(r->host), "%s", sc->hosts[x->from].name);
	if (x->to != HOST_NONE)
		snprintf(r->peer, sizeof(r->peer), "%s", sc->hosts[x->to].name);
	expect_pkind_str(x->kinds, r->what, sizeof(r->what));
	r->outcome = OUTCOME_COUNTED;
	r->unit = UNIT_PACKETS;
	r->lo = x->count_lo;
	r->hi = x->count_hi;
	for (size_t h = 0; h < sc->nhosts; h++) {
		int at = (int)h;

		if (x->from != HOST_NONE ? at != x->from : x->to != HOST_NONE && at != x->to)
			continue;
		for (size_t i = 0; i < ev->pk[h].n; i++) {
			const struct packet *p = &ev->pk[h].v[i];
			bool counted = seq_addr_is(&hosts, p->src, at);

			if (x->from == HOST_NONE && x->to != HOST_NONE)
				counted = !counted && seq_addr_is(&hosts, p->dst, at);
			else if (x->to != HOST_NONE)
				counted = counted && seq_addr_is(&hosts, p->dst, x->to);
			if (!counted || !seq_kind_matches(p, x->kinds))
				continue;
			r->measured++;
			result_add_packet(r, sc->hosts[h].name, p->frame);
		}
	}
	r->verdict = r->measured >= x->count_lo && r->measured <= x->count_hi ?
		     VERDICT_PASS : VERDICT_FAIL;
	return 0;
}

static const char *describe(const struct expect *x, const struct scenario *sc,
			    const char *ref, char *buf, size_t len)
{
	char kinds[128], want[48], who[96];

	(void)ref;
	if (x->from != HOST_NONE && x->to != HOST_NONE)
		snprintf(who, sizeof(who), "%s sent to %s", sc->hosts[x->from].name,
			 sc->hosts[x->to].name);
	else if (x->from != HOST_NONE)
		snprintf(who, sizeof(who), "%s sent", sc->hosts[x->from].name);
	else if (x->to != HOST_NONE)
		snprintf(who, sizeof(who), "%s received", sc->hosts[x->to].name);
	else
		snprintf(who, sizeof(who), "the hosts sent");
	snprintf(buf, len, "%s %s %s", who, expect_count_str(x->count_lo, x->count_hi, want, sizeof(want)),
		 expect_pkind_str(x->kinds, kinds, sizeof(kinds)));
	return buf;
}

const struct expect_ops expect_packets = {
	.name = "packets",
	.counts_packets = true,
	.keys = keys,
	.load = load,
	.judge = judge,
	.describe = describe,
};
