/* Classification rules, per connection (the 4-tuple) and direction:
 *
 * - Sequence space is the payload plus one for a SYN and one for a FIN
 *   (RFC 9293 §3.4). A segment carrying some whose first sequence number
 *   comes before the highest sequence end already sent in its direction
 *   re-sends what was sent: a retransmission. That covers a repeated SYN
 *   with the same ISN and a repeated FIN.
 * - A keepalive probe (RFC 9293 §3.8.4) carries a sequence number the
 *   peer has already acknowledged, so that the peer must answer with an
 *   ACK, and no data or one garbage byte (old BSD stacks, Windows). Linux
 *   builds it in tcp_xmit_probe_skb() with seq = snd_una - 1, and only
 *   when nothing is in flight (tcp_keepalive_timer() waits while
 *   packets_out), so snd_una is the highest sequence end sent: a probe is
 *   seq == end - 1 with at most one byte and no SYN, FIN or RST.
 * - A zero-window probe (RFC 9293 §3.8.6.1) has the same shape on Linux:
 *   tcp_send_probe0() -> tcp_write_wakeup() -> tcp_xmit_probe_skb() when
 *   the window is closed, again with nothing in flight (the probe timer is
 *   armed only when packets_out is 0). It is one when the last window the
 *   other direction advertised was zero.
 * - One byte at end - 1 is also what a retransmission of a one-byte
 *   segment looks like. The garbage byte of a probe has been acknowledged;
 *   a lost byte has not: when the other direction's highest ACK is known
 *   and below the end, the segment is a retransmission.
 * - A probe is neither data nor a retransmission nor a pure ACK.
 *
 * The first segment seen in a direction starts its sequence tracking: a
 * capture may begin in the middle of a connection. A SYN with an ISN not
 * seen before in its direction starts a new connection on the same 4-tuple
 * (RFC 9293 §3.4.1: ports are reused after TIME-WAIT), so the old state is
 * dropped rather than compared against a new, unrelated ISN. */
#include "captures/tcp_track.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct flow {
	bool seen;		/* a segment with sequence space info */
	uint32_t end;		/* highest sequence end sent */
	bool syn_seen;
	uint32_t isn;
	bool ack_seen;
	uint32_t ack;		/* highest acknowledgement sent */
	bool win_seen;
	uint16_t window;	/* last window advertised, unscaled */
};

/* Endpoints in a canonical order (the lower address and port first), so
 * that both directions of a connection find the same entry. */
struct conn {
	bool used;
	int family;
	uint8_t addr[2][16];
	uint16_t port[2];
	struct flow dir[2];	/* dir[i]: sent by endpoint i */
};

/* Open addressing with linear probing; at most half full. */
struct conn_table {
	struct conn *slot;
	size_t cap;		/* a power of two, or 0 */
	size_t used;
};

/* Wrap-safe "x comes before y" in sequence space (RFC 9293 §3.4). */
static bool seq_before(uint32_t x, uint32_t y)
{
	return (int32_t)(x - y) < 0;
}

static size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static int endpoint_cmp(int family, const uint8_t *a, uint16_t pa,
			const uint8_t *b, uint16_t pb)
{
	int c = memcmp(a, b, addr_len(family));

	if (c)
		return c;
	return (pa > pb) - (pa < pb);
}

/* FNV-1a over the canonical key. */
static size_t conn_hash(const struct conn *c)
{
	size_t alen = addr_len(c->family);
	uint32_t h = 2166136261u;

	for (int i = 0; i < 2; i++) {
		for (size_t k = 0; k < alen; k++)
			h = (h ^ c->addr[i][k]) * 16777619u;
		h = (h ^ (c->port[i] >> 8)) * 16777619u;
		h = (h ^ (c->port[i] & 0xff)) * 16777619u;
	}
	return h;
}

static bool conn_same(const struct conn *a, const struct conn *b)
{
	size_t alen = addr_len(a->family);

	return a->family == b->family && a->port[0] == b->port[0] &&
	       a->port[1] == b->port[1] &&
	       !memcmp(a->addr[0], b->addr[0], alen) &&
	       !memcmp(a->addr[1], b->addr[1], alen);
}

static struct conn *table_slot(struct conn_table *t, const struct conn *key)
{
	size_t i = conn_hash(key) & (t->cap - 1);

	while (t->slot[i].used && !conn_same(&t->slot[i], key))
		i = (i + 1) & (t->cap - 1);
	return &t->slot[i];
}

static int table_grow(struct conn_table *t)
{
	struct conn_table bigger = { .cap = t->cap ? 2 * t->cap : 64 };

	bigger.slot = calloc(bigger.cap, sizeof(*bigger.slot));
	if (!bigger.slot)
		return -1;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slot[i].used)
			*table_slot(&bigger, &t->slot[i]) = t->slot[i];
	bigger.used = t->used;
	free(t->slot);
	*t = bigger;
	return 0;
}

/* The connection of @p, created if new, and in @dir the index of the
 * endpoint that sent @p. NULL when memory runs out. */
static struct conn *table_find(struct conn_table *t, const struct packet *p,
			       int *dir)
{
	struct conn key = { .used = true, .family = p->family };
	struct conn *c;
	int s = endpoint_cmp(p->family, p->src, p->sport, p->dst, p->dport) > 0;

	memcpy(key.addr[s], p->src, addr_len(p->family));
	memcpy(key.addr[!s], p->dst, addr_len(p->family));
	key.port[s] = p->sport;
	key.port[!s] = p->dport;
	*dir = s;
	if (2 * (t->used + 1) > t->cap && table_grow(t))
		return NULL;
	c = table_slot(t, &key);
	if (!c->used) {
		*c = key;
		t->used++;
	}
	return c;
}

static uint32_t seq_span(const struct packet *p)
{
	return p->payload_len + !!(p->flags & PKT_SYN) + !!(p->flags & PKT_FIN);
}

static bool is_probe(const struct flow *me, const struct flow *peer,
		     const struct packet *p)
{
	if (!me->seen || (p->flags & (PKT_SYN | PKT_FIN | PKT_RST)) ||
	    p->payload_len > 1 || p->seq != me->end - 1)
		return false;
	/* one byte the peer has not acknowledged is a lost byte re-sent */
	return !(p->payload_len == 1 && peer->ack_seen &&
		 seq_before(peer->ack, me->end));
}

static unsigned classify(const struct flow *me, const struct flow *peer,
			 const struct packet *p)
{
	unsigned cls = 0;

	if (is_probe(me, peer, p))
		return peer->win_seen && peer->window == 0 ?
		       PKT_CLS_ZERO_WINDOW : PKT_CLS_KEEPALIVE;
	if (me->seen && seq_span(p) && seq_before(p->seq, me->end))
		cls |= PKT_CLS_RETRANSMISSION;
	if (p->payload_len)
		cls |= PKT_CLS_DATA;
	else if ((p->flags & PKT_ACK) &&
		 !(p->flags & (PKT_SYN | PKT_FIN | PKT_RST)))
		cls |= PKT_CLS_PURE_ACK;
	return cls;
}

/* A RST carries no sequence space and its window means nothing: it
 * changes no state. */
static void update(struct flow *me, const struct packet *p)
{
	uint32_t end = p->seq + seq_span(p);

	if (p->flags & PKT_RST)
		return;
	if (!me->seen || seq_before(me->end, end))
		me->end = end;
	me->seen = true;
	if (p->flags & PKT_SYN) {
		me->syn_seen = true;
		me->isn = p->seq;
	}
	if ((p->flags & PKT_ACK) && (!me->ack_seen || seq_before(me->ack, p->ack))) {
		me->ack = p->ack;
		me->ack_seen = true;
	}
	me->window = p->window;
	me->win_seen = true;
}

void tcp_track_classify(struct packet *pkts, size_t n)
{
	struct conn_table t = { 0 };

	for (size_t i = 0; i < n; i++)
		if (pkts[i].proto == PACKET_TCP)
			pkts[i].cls = 0;
	for (size_t i = 0; i < n; i++) {
		struct packet *p = &pkts[i];
		struct flow *me, *peer;
		struct conn *c;
		int dir;

		if (p->proto != PACKET_TCP)
			continue;
		c = table_find(&t, p, &dir);
		if (!c)
			break;
		me = &c->dir[dir];
		peer = &c->dir[!dir];
		if ((p->flags & PKT_SYN) && !(me->syn_seen && me->isn == p->seq)) {
			/* A new connection. A SYN alone from a direction that
			 * sent before also ends the peer's old state; from a
			 * fresh one it may be a simultaneous open (RFC 9293
			 * §3.5), where the peer's SYN belongs to it. */
			if (!(p->flags & PKT_ACK) && me->seen)
				memset(peer, 0, sizeof(*peer));
			memset(me, 0, sizeof(*me));
		}
		p->cls = classify(me, peer, p);
		update(me, p);
	}
	free(t.slot);
}
