/* `unplug explain --json`: one object per connection, built with json-c
 * from the story's values (docs/explain-json.md). Times are int64
 * nanoseconds since the epoch, in keys ending in _ns, except `end.at`,
 * which the format names so. */
#include "reports/explain.h"

#include <arpa/inet.h>
#include <sys/socket.h>

/* What one side sent, into its endpoint's object @o. */
static void counts(json_object *o, const struct side_counts *c)
{
	json_object_object_add(o, "packets", json_object_new_int64(c->packets));
	json_object_object_add(o, "data", json_object_new_int64(c->data));
	json_object_object_add(o, "bytes", json_object_new_int64(c->bytes));
	json_object_object_add(o, "retransmissions", json_object_new_int64(c->retransmissions));
	json_object_object_add(o, "keepalive_probes", json_object_new_int64(c->keepalive_probes));
	json_object_object_add(o, "zero_window_probes", json_object_new_int64(c->zero_window_probes));
	json_object_object_add(o, "duplicate_acks", json_object_new_int64(c->duplicate_acks));
	json_object_object_add(o, "fin", json_object_new_int64(c->fin));
	json_object_object_add(o, "rst", json_object_new_int64(c->rst));
}

static json_object *endpoint(const struct conn_story *s, int side)
{
	json_object *o = json_object_new_object();
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(s->family, s->addr[side], a, sizeof(a)))
		a[0] = '\0';
	json_object_object_add(o, "addr", json_object_new_string(a));
	json_object_object_add(o, "port", json_object_new_int(s->port[side]));
	counts(o, &s->side[side]);
	return o;
}

static json_object *end(const struct conn_story *s)
{
	json_object *o = json_object_new_object();
	char by[64];

	json_object_object_add(o, "kind", json_object_new_string(ending_kind_name(s->end)));
	if (s->end_by >= 0) {
		explain_endpoint(s, s->end_by, by, sizeof(by));
		json_object_object_add(o, "by", json_object_new_string(by));
		json_object_object_add(o, "at", json_object_new_int64(s->end_ns));
		json_object_object_add(o, "frame", json_object_new_int64(s->end_frame));
	} else {
		json_object_object_add(o, "by", NULL);
		json_object_object_add(o, "at", NULL);
	}
	if (s->end == END_TIMEOUT || s->end == END_KEEPALIVE_TIMEOUT || s->cut_by_capture) {
		const struct unanswered *r = &s->gave_up;
		json_object *times = json_object_new_array();
		size_t n = ending_run_kept(r);

		for (size_t i = 0; i < n; i++)
			json_object_array_add(times, json_object_new_int64(r->t_ns[i]));
		json_object_object_add(o, "unanswered_ns", times);
		json_object_object_add(o, "unanswered_segments", json_object_new_int64(r->segments));
		json_object_object_add(o, "cut_by_capture", json_object_new_boolean(s->cut_by_capture));
	}
	return o;
}

static json_object *silences(const struct conn_story *s)
{
	json_object *a = json_object_new_array();
	char who[64];

	for (size_t i = 0; i < s->nsilences; i++) {
		const struct silence *h = &s->silences[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "sender", json_object_new_string(explain_endpoint(s, h->side, who, sizeof(who))));
		json_object_object_add(o, "from_ns", json_object_new_int64(h->from_ns));
		json_object_object_add(o, "to_ns", json_object_new_int64(h->to_ns));
		json_object_object_add(o, "resends", json_object_new_int64(h->segments));
		json_object_object_add(o, "answered", json_object_new_boolean(h->answered));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *icmp(const struct conn_story *s)
{
	json_object *a = json_object_new_array();
	char from[INET6_ADDRSTRLEN], about[64];

	for (size_t i = 0; i < s->nicmp; i++) {
		const struct icmp_note *c = &s->icmp[i];
		json_object *o = json_object_new_object();

		inet_ntop(c->family, c->from, from, sizeof(from));
		json_object_object_add(o, "from", json_object_new_string(from));
		json_object_object_add(o, "type", json_object_new_int(c->type));
		json_object_object_add(o, "code", json_object_new_int(c->code));
		json_object_object_add(o, "about", json_object_new_string(explain_endpoint(s, c->about_side, about, sizeof(about))));
		json_object_object_add(o, "first_ns", json_object_new_int64(c->t_ns));
		json_object_object_add(o, "frame", json_object_new_int64(c->frame));
		json_object_object_add(o, "count", json_object_new_int64(c->count));
		json_object_array_add(a, o);
	}
	return a;
}

json_object *explain_json(const struct conn_story *s, int64_t t0)
{
	char lines[EXPLAIN_MAX_EVIDENCE][EXPLAIN_LINE], sentence[1024];
	size_t n = explain_evidence(s, t0, lines, EXPLAIN_MAX_EVIDENCE);
	json_object *o = json_object_new_object(), *ev = json_object_new_array();

	if (!o || !ev) {
		json_object_put(o);
		json_object_put(ev);
		return NULL;
	}
	json_object_object_add(o, "id", json_object_new_int64(s->id));
	json_object_object_add(o, "client", endpoint(s, 0));
	json_object_object_add(o, "server", endpoint(s, 1));
	json_object_object_add(o, "handshake_seen", json_object_new_boolean(s->handshake));
	json_object_object_add(o, "first_ns", json_object_new_int64(s->first_ns));
	json_object_object_add(o, "last_ns", json_object_new_int64(s->last_ns));
	json_object_object_add(o, "end", end(s));
	json_object_object_add(o, "sentence", json_object_new_string(explain_sentence(s, t0, sentence, sizeof(sentence))));
	for (size_t i = 0; i < n; i++)
		json_object_array_add(ev, json_object_new_string(lines[i]));
	json_object_object_add(o, "evidence", ev);
	json_object_object_add(o, "half_open", silences(s));
	json_object_object_add(o, "icmp", icmp(s));
	return o;
}
