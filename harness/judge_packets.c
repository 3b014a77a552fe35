/* packets, delivered and sequence: what the captures and the byte counts
 * show. */
#include <stdio.h>
#include <string.h>

#include "harness/duration.h"
#include "harness/judge_internal.h"
#include "harness/sequence.h"

static bool addr_is(const struct judge *j, const uint8_t *addr, int host)
{
	const struct seq_hosts h = { j->addr, j->family, j->alias, j->alias_family,
				     j->sc->nhosts };

	return seq_addr_is(&h, addr, host);
}

/* Packets sent by a host are counted where they left it (its own capture);
 * with only `to`, where they arrived. Each packet is counted once. */
static long count_packets(const struct judge *j, const struct expect *x)
{
	long count = 0;

	for (size_t h = 0; h < j->sc->nhosts; h++) {
		int at = (int)h;

		if (x->from != HOST_NONE ? at != x->from : x->to != HOST_NONE && at != x->to)
			continue;
		for (size_t i = 0; i < j->pk[h].n; i++) {
			const struct packet *p = &j->pk[h].v[i];
			bool sent = addr_is(j, p->src, at);

			if (x->from == HOST_NONE && x->to != HOST_NONE)
				sent = !sent && addr_is(j, p->dst, at);
			else if (x->to != HOST_NONE)
				sent = sent && addr_is(j, p->dst, x->to);
			if (sent && seq_kind_matches(p, x->kinds))
				count++;
		}
	}
	return count;
}

int judge_packets(struct judge *j, const struct expect *x,
			 struct scenario_result *res)
{
	long count = count_packets(j, x);
	char kinds[128], who[96], want[48], expected[384], measured[384];

	scenario_pkind_str(x->kinds, kinds, sizeof(kinds));
	if (x->from != HOST_NONE && x->to != HOST_NONE)
		snprintf(who, sizeof(who), "%s sent to %s", j->sc->hosts[x->from].name,
			 j->sc->hosts[x->to].name);
	else if (x->from != HOST_NONE)
		snprintf(who, sizeof(who), "%s sent", j->sc->hosts[x->from].name);
	else if (x->to != HOST_NONE)
		snprintf(who, sizeof(who), "%s received", j->sc->hosts[x->to].name);
	else
		snprintf(who, sizeof(who), "the hosts sent");
	scenario_count_str(x->count_lo, x->count_hi, want, sizeof(want));
	snprintf(expected, sizeof(expected), "%s %s %s", who, want, kinds);
	snprintf(measured, sizeof(measured), "%s %ld %s", who, count, kinds);
	return result_add_expect(res, count >= x->count_lo && count <= x->count_hi ?
				 VERDICT_PASS : VERDICT_FAIL, x->at, expected, measured);
}

/* Every byte @from's application handed to send() arrived at @to's, in
 * order and intact (the peers send a pattern and check it). */
int judge_delivered(struct judge *j, const struct expect *x,
			   struct scenario_result *res)
{
	const char *from = j->sc->hosts[x->from].name, *to = j->sc->hosts[x->to].name;
	long sent = 0, received = 0, corrupt = -1;
	char expected[256], measured[256];

	for (size_t i = 0; i < j->ev.n; i++) {
		const struct event *e = &j->ev.v[i];

		if (e->type == EV_SENT && e->host == x->from)
			sent += e->bytes;
		else if (e->type == EV_RECEIVED && e->host == x->to)
			received += e->bytes;
		else if (e->type == EV_CORRUPT && e->host == x->to && corrupt < 0)
			corrupt = e->bytes;
	}
	snprintf(expected, sizeof(expected), "every byte %s sent arrives at %s intact", from, to);
	if (corrupt >= 0)
		snprintf(measured, sizeof(measured), "%s sent %ld bytes, %s received %ld; the byte at stream offset %ld differs from what was sent",
			 from, sent, to, received, corrupt);
	else
		snprintf(measured, sizeof(measured), "%s sent %ld bytes, %s received %ld", from,
			 sent, to, received);
	return result_add_expect(res, sent == received && corrupt < 0 ? VERDICT_PASS :
				 VERDICT_FAIL, x->at, expected, measured);
}

/* The pattern of segments at one host's capture, from the `since` step
 * (or the first packet). */
int judge_sequence(struct judge *j, const struct expect *x,
			  struct scenario_result *res)
{
	const struct seq_hosts hosts = { j->addr, j->family, j->alias, j->alias_family,
					 j->sc->nhosts };
	const struct packet_list *pk = &j->pk[x->at_host];
	char expected[384], measured[512], item[160], pkt[160], t[32];
	const char *ref_what = "the first packet";
	struct seq_outcome o;
	int64_t t0 = 0, origin;
	size_t used;

	if (x->since >= 0 && !judge_reference(j, x, &t0, &ref_what)) {
		snprintf(measured, sizeof(measured), "step %s never ran", ref_what);
		return result_add_expect(res, VERDICT_FAIL, x->at, "the sequence", measured);
	}
	used = (size_t)snprintf(expected, sizeof(expected), "at %s's capture since %s:",
				j->sc->hosts[x->at_host].name, ref_what);
	for (size_t i = 0; i < x->nitems && used < sizeof(expected); i++)
		used += (size_t)snprintf(expected + used, sizeof(expected) - used, "%s %s",
					 i ? (x->items[i].next ? " then" : " ... then") : "",
					 seq_item_str(&x->items[i], j->sc, item, sizeof(item)));
	o = seq_match(x->items, x->nitems, pk->v, pk->n, t0, &hosts);
	origin = t0 ? t0 : pk->n ? pk->v[0].t_ns : 0;
	if (o.ok) {
		snprintf(measured, sizeof(measured), "matched, the last item %s after %s",
			 duration_str(o.last->t_ns - origin, t, sizeof(t)), ref_what);
	} else if (o.instead) {
		snprintf(measured, sizeof(measured), "item %zu (%s): found %ld, then %s, %s after %s",
			 o.item + 1, seq_item_str(&x->items[o.item], j->sc, item, sizeof(item)), o.found,
			 seq_packet_str(o.instead, &hosts, j->sc, pkt, sizeof(pkt)),
			 duration_str(o.instead->t_ns - origin, t, sizeof(t)), ref_what);
	} else {
		snprintf(measured, sizeof(measured), "item %zu (%s): found %ld before the capture ended",
			 o.item + 1, seq_item_str(&x->items[o.item], j->sc, item, sizeof(item)), o.found);
	}
	return result_add_expect(res, o.ok ? VERDICT_PASS : VERDICT_FAIL, x->at, expected,
				 measured);
}

