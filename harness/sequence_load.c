/* The `sequence` expectation as written:
 *   sequence:
 *     at: server                 # whose capture
 *     since: pull                # optional: a step name
 *     strict: true               # optional: nothing may come between items
 *     match:
 *       - { from: server, kind: keepalive-probe, count: 3 }
 *       - { from: server, flags: [RST], next: true } */
#include "harness/sequence_load.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "captures/packet.h"
#include "harness/expect_load.h"
#include "harness/host_load.h"

static const char *const sequence_keys[] = { "at", "since", "strict", "match", NULL };
static const char *const item_keys[] = {
	"from", "to", "kind", "flags", "payload", "count", "next", NULL
};

static const struct {
	const char *name;
	uint8_t flag;
} flag_names[] = {
	{ "SYN", PKT_SYN }, { "FIN", PKT_FIN }, { "RST", PKT_RST },
	{ "PSH", PKT_PSH }, { "ACK", PKT_ACK },
};

static int load_flags(struct ynode n, uint8_t *flags, struct diag *d)
{
	size_t count = ynode_is_seq(n) ? ynode_len(n) : 1;
	int ret = 0;

	for (size_t i = 0; i < count; i++) {
		struct ynode item = ynode_is_seq(n) ? ynode_item(n, i) : n;
		bool known = false;

		if (ynode_need_scalar(item, "flags", d)) {
			ret = -EINVAL;
			continue;
		}
		for (size_t f = 0; f < sizeof(flag_names) / sizeof(flag_names[0]); f++)
			if (!strcmp(ynode_str(item), flag_names[f].name)) {
				*flags |= flag_names[f].flag;
				known = true;
			}
		if (!known) {
			diag_at(d, ynode_pos(item), "unknown TCP flag: \"%s\" (SYN, FIN, RST, PSH or ACK)",
				ynode_str(item));
			ret = -EINVAL;
		}
	}
	return ret;
}

static int load_item(struct ynode n, const struct scenario *sc, struct seq_item *it,
		     bool strict, struct diag *d)
{
	struct ynode v;
	bool b;
	int ret;

	*it = (struct seq_item){ .at = ynode_pos(n), .from = HOST_NONE, .to = HOST_NONE,
				 .payload = -1, .count_lo = 1, .count_hi = 1, .next = strict };
	if (ynode_need_map(n, "a sequence item", d))
		return -EINVAL;
	ret = ynode_check_keys(n, "a sequence item", item_keys, d);
	if ((v = ynode_get(n, "from")).node)
		ret |= host_load_ref(v, "sequence from", sc, &it->from, d);
	if ((v = ynode_get(n, "to")).node)
		ret |= host_load_ref(v, "sequence to", sc, &it->to, d);
	if ((v = ynode_get(n, "kind")).node)
		ret |= expect_load_kinds(v, &it->kinds, d);
	if ((v = ynode_get(n, "flags")).node)
		ret |= load_flags(v, &it->flags, d);
	if ((v = ynode_get(n, "payload")).node) {
		ret |= ynode_bool(v, "payload", &b, d);
		it->payload = b;
	}
	if ((v = ynode_get(n, "count")).node) {
		ret |= expect_load_count(v, &it->count_lo, &it->count_hi, d);
		if (!ret && it->count_hi == 0) {
			diag_at(d, ynode_pos(v), "bad count: \"%s\" (a sequence item matches at least one packet: use a packets expectation to say none)",
				ynode_str(v));
			ret = -EINVAL;
		}
	}
	if ((v = ynode_get(n, "next")).node) {
		ret |= ynode_bool(v, "next", &b, d);
		it->next = b;
	}
	return ret;
}

int sequence_load(struct ynode n, const struct scenario *sc, struct expect *e,
		  struct diag *d)
{
	struct ynode v, match;
	bool strict = false;
	int ret = ynode_check_keys(n, "sequence", sequence_keys, d);

	if (!ynode_need_key(n, "at", "sequence", "at: server", &v, d))
		ret |= host_load_ref(v, "sequence at", sc, &e->at_host, d);
	else
		ret = -EINVAL;
	if ((v = ynode_get(n, "strict")).node)
		ret |= ynode_bool(v, "strict", &strict, d);
	if (ynode_need_key(n, "match", "sequence", "match: [ { from: server, flags: [RST] } ]", &match, d) ||
	    ynode_need_seq(match, "match", d))
		return -EINVAL;
	if (ynode_len(match) == 0) {
		diag_at(d, ynode_pos(match), "match lists no item: a sequence needs at least one");
		return -EINVAL;
	}
	e->items = calloc(ynode_len(match), sizeof(*e->items));
	if (!e->items)
		return -ENOMEM;
	for (size_t i = 0; i < ynode_len(match); i++) {
		ret |= load_item(ynode_item(match, i), sc, &e->items[i], strict, d);
		e->nitems++;
	}
	return ret;
}
