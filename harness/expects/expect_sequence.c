/* sequence: an ordered pattern of segments at one host's capture point
 * (the matcher is sequence.c).
 *   sequence:
 *     at: server                 # whose capture
 *     since: pull                # optional: a step name
 *     strict: true               # optional: nothing may come between items
 *     match:
 *       - { from: server, kind: keepalive-probe, count: 3, gap: 0.9s..1.1s }
 *       - { from: server, flags: [RST], next: true, gap: 0.9s..1.1s }
 * An item's gap is when each of its packets must come after the packet
 * matched before it; its at, after the sequence's start. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "captures/packet.h"
#include "common/duration.h"
#include "common/names.h"
#include "harness/expects/sequence.h"
#include "harness/judge/evidence.h"
#include "harness/model/host_load.h"
#include "reports/result.h"

static const char *const keys[] = { "at", "since", "strict", "match", NULL };
static const char *const item_keys[] = {
	"from", "to", "kind", "flags", "payload", "count", "next", "gap", "at", NULL
};

static const struct name_value flag_names[] = {
	{ "SYN", PKT_SYN }, { "FIN", PKT_FIN }, { "RST", PKT_RST },
	{ "PSH", PKT_PSH }, { "ACK", PKT_ACK },
};

static int load_flags(struct ynode n, uint8_t *flags, struct diag *d)
{
	size_t count = ynode_is_seq(n) ? ynode_len(n) : 1;
	bool bad = false;

	for (size_t i = 0; i < count; i++) {
		struct ynode item = ynode_is_seq(n) ? ynode_item(n, i) : n;
		int flag;

		if (ynode_name(item, "TCP flag", flag_names, NAMES_LEN(flag_names), &flag, d))
			bad = true;
		else
			*flags |= (uint8_t)flag;
	}
	return bad ? -EINVAL : 0;
}

static int load_item(struct ynode n, const struct scenario *sc, struct seq_item *it,
		     bool strict, struct diag *d)
{
	struct ynode v;
	bool b, bad;

	*it = (struct seq_item){ .at = ynode_pos(n), .from = HOST_NONE, .to = HOST_NONE,
				 .payload = -1, .count_lo = 1, .count_hi = 1, .next = strict,
				 .gap_hi = -1, .at_hi = -1 };
	if (ynode_need_map(n, "a sequence item", d))
		return -EINVAL;
	bad = ynode_check_keys(n, "a sequence item", item_keys, d) != 0;
	if ((v = ynode_get(n, "from")).node)
		bad |= host_load_ref(v, "sequence from", sc, &it->from, d) != 0;
	if ((v = ynode_get(n, "to")).node)
		bad |= host_load_ref(v, "sequence to", sc, &it->to, d) != 0;
	if ((v = ynode_get(n, "kind")).node)
		bad |= expect_load_kinds(v, &it->kinds, d) != 0;
	if ((v = ynode_get(n, "flags")).node)
		bad |= load_flags(v, &it->flags, d) != 0;
	/* b is read only when ynode_bool() set it (UBSan found a bool read
	 * uninitialised when the value was not a boolean) */
	if ((v = ynode_get(n, "payload")).node) {
		if (ynode_bool(v, "payload", &b, d))
			bad = true;
		else
			it->payload = b;
	}
	if ((v = ynode_get(n, "count")).node) {
		bad |= expect_load_count(v, &it->count_lo, &it->count_hi, d) != 0;
		if (!bad && it->count_hi == 0) {
			diag_at(d, ynode_pos(v), "bad count: \"%s\" (a sequence item matches at least one packet: use a packets expectation to say none)",
				ynode_str(v));
			bad = true;
		}
	}
	if ((v = ynode_get(n, "next")).node) {
		if (ynode_bool(v, "next", &b, d))
			bad = true;
		else
			it->next = b;
	}
	if ((v = ynode_get(n, "gap")).node)
		bad |= expect_load_window(v, "gap", &it->gap_lo, &it->gap_hi, d) != 0;
	if ((v = ynode_get(n, "at")).node)
		bad |= expect_load_window(v, "at", &it->at_lo, &it->at_hi, d) != 0;
	return bad ? -EINVAL : 0;
}

static int load(struct ynode n, const struct scenario *sc, struct expect *x,
		struct diag *d)
{
	struct ynode v, match;
	bool strict = false, bad = false;

	if (!ynode_need_key(n, "at", "sequence", "at: server", &v, d))
		bad |= host_load_ref(v, "sequence at", sc, &x->at_host, d) != 0;
	else
		bad = true;
	if ((v = ynode_get(n, "strict")).node)
		bad |= ynode_bool(v, "strict", &strict, d) != 0;
	bad |= expect_load_since(n, sc, x, d) != 0;
	if (ynode_need_key(n, "match", "sequence", "match: [ { from: server, flags: [RST] } ]", &match, d) ||
	    ynode_need_seq(match, "match", d))
		return -EINVAL;
	if (ynode_len(match) == 0) {
		diag_at(d, ynode_pos(match), "match lists no item: a sequence needs at least one");
		return -EINVAL;
	}
	x->items = calloc(ynode_len(match), sizeof(*x->items));
	if (!x->items)
		return -ENOMEM;
	for (size_t i = 0; i < ynode_len(match); i++) {
		bad |= load_item(ynode_item(match, i), sc, &x->items[i], strict, d) != 0;
		x->nitems++;
	}
	return bad ? -EINVAL : 0;
}

/* The pattern at one host's capture, from the `since` step (or the first
 * packet). */
static int judge(const struct expect *x, const struct evidence *ev,
		 struct expect_result *r)
{
	const struct seq_hosts hosts = seq_hosts_of(ev);
	const struct packet_list *pk = &ev->pk[x->at_host];
	const char *at = ev->sc->hosts[x->at_host].name;
	struct seq_outcome o;
	int64_t t0 = 0;

	snprintf(r->host, sizeof(r->host), "%s", at);
	r->unit = UNIT_NS;
	r->verdict = VERDICT_FAIL;
	if (x->since >= 0) {
		if (!evidence_reference(ev, x, r)) {
			r->outcome = OUTCOME_NO_REFERENCE;
			return 0;
		}
		t0 = r->ref_t_ns;
	} else {
		snprintf(r->ref, sizeof(r->ref), "the first packet");
		r->ref_t_ns = t0 = pk->n ? pk->v[0].t_ns : 0;
	}
	o = seq_match(x->items, x->nitems, pk->v, pk->n, t0, &hosts);
	if (o.ok) {
		r->outcome = OUTCOME_MATCHED;
		r->verdict = VERDICT_PASS;
		r->measured = o.last->t_ns - r->ref_t_ns;
		r->t_ns = o.last->t_ns;
		result_add_packet(r, at, o.last->frame);
		return 0;
	}
	r->item = (long)o.item + 1;
	r->found = o.found;
	seq_item_str(&x->items[o.item], ev->sc, r->what, sizeof(r->what));
	if (!o.instead) {
		r->outcome = OUTCOME_CUT_SHORT;
		return 0;
	}
	r->outcome = OUTCOME_BROKEN;
	r->measured = o.instead->t_ns - r->ref_t_ns;
	r->t_ns = o.instead->t_ns;
	seq_packet_str(o.instead, &hosts, ev->sc, r->packet, sizeof(r->packet));
	if (o.mistimed) {
		const struct seq_item *it = &x->items[o.item];
		bool gap = it->gap_hi >= 0 && (o.since_ns < it->gap_lo || o.since_ns > it->gap_hi);
		size_t used = strlen(r->packet);
		char t[32], lo[32], hi[32];

		snprintf(r->packet + used, sizeof(r->packet) - used, " — %s %s, wanted %s..%s",
			 duration_str(o.since_ns, t, sizeof(t)),
			 gap ? "after the packet before it" : "after the start",
			 duration_str(gap ? it->gap_lo : it->at_lo, lo, sizeof(lo)),
			 duration_str(gap ? it->gap_hi : it->at_hi, hi, sizeof(hi)));
	}
	result_add_packet(r, at, o.instead->frame);
	return 0;
}

static const char *describe(const struct expect *x, const struct scenario *sc,
			    const char *ref, char *buf, size_t len)
{
	char item[160];
	size_t used;

	used = (size_t)snprintf(buf, len, "at %s's capture since %s:", sc->hosts[x->at_host].name,
				ref);
	for (size_t i = 0; i < x->nitems && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s %s",
					 i ? (x->items[i].next ? " then" : " ... then") : "",
					 seq_item_str(&x->items[i], sc, item, sizeof(item)));
	return buf;
}

const struct expect_ops expect_sequence = {
	.name = "sequence",
	.counts_packets = true,
	.keys = keys,
	.load = load,
	.judge = judge,
	.describe = describe,
};
