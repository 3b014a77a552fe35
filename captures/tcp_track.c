/* Classification rules, per connection and direction:
 *
 * - A segment whose sequence space (payload, SYN, FIN) starts before the
 *   highest sequence end already sent in its direction re-sends what was
 *   sent: a retransmission.
 * - A keepalive probe (RFC 9293 §3.8.4) is a segment with no payload (some
 *   stacks send one garbage byte) whose sequence number is one below the
 *   next new one, SND.NXT - 1, so the peer must answer with an ACK: Linux
 *   builds it in tcp_xmit_probe_skb() with snd_una - 1. A zero-window
 *   probe (RFC 9293 §3.8.6.1) has the same shape on Linux (the same
 *   function); it is one when the other direction last advertised a zero
 *   window.
 *
 * The first segment seen in a direction starts its sequence tracking: a
 * capture may begin in the middle of a connection. */
#include "captures/tcp_track.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct direction {
	bool seen;
	uint32_t end;		/* highest sequence end sent */
	uint16_t window;	/* last window advertised */
};

struct conn {
	int family;
	uint8_t a[16], b[16];	/* a is the first packet's source */
	uint16_t pa, pb;
	struct direction dir[2];	/* [0]: a → b, [1]: b → a */
};

static bool seq_before(uint32_t x, uint32_t y)
{
	return (int32_t)(x - y) < 0;
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* The connection of @p and its direction in it (0 or 1); -1 if new. */
static int find(struct conn *c, size_t n, const struct packet *p, size_t *at)
{
	size_t len = addr_len(p->family);

	for (size_t i = 0; i < n; i++) {
		if (c[i].family != p->family)
			continue;
		*at = i;
		if (c[i].pa == p->sport && c[i].pb == p->dport &&
		    !memcmp(c[i].a, p->src, len) && !memcmp(c[i].b, p->dst, len))
			return 0;
		if (c[i].pa == p->dport && c[i].pb == p->sport &&
		    !memcmp(c[i].a, p->dst, len) && !memcmp(c[i].b, p->src, len))
			return 1;
	}
	return -1;
}

static unsigned classify(struct direction *me, const struct direction *peer,
			 const struct packet *p)
{
	uint32_t span = p->payload_len + !!(p->flags & PKT_SYN) + !!(p->flags & PKT_FIN);
	bool control = p->flags & (PKT_SYN | PKT_FIN | PKT_RST);
	unsigned cls = 0;

	if (me->seen && !control && p->payload_len <= 1 && p->seq == me->end - 1)
		return peer->seen && peer->window == 0 ? PKT_CLS_ZERO_WINDOW : PKT_CLS_KEEPALIVE;
	if (me->seen && span && seq_before(p->seq, me->end))
		cls |= PKT_CLS_RETRANSMISSION;
	if (p->payload_len)
		cls |= PKT_CLS_DATA;
	else if ((p->flags & PKT_ACK) && !control)
		cls |= PKT_CLS_PURE_ACK;
	return cls;
}

static void update(struct direction *me, const struct packet *p)
{
	uint32_t span = p->payload_len + !!(p->flags & PKT_SYN) + !!(p->flags & PKT_FIN);
	uint32_t end = p->seq + span;

	if (!me->seen || seq_before(me->end, end))
		me->end = end;
	me->seen = true;
	if (!(p->flags & PKT_RST))
		me->window = p->window;
}

void tcp_track_classify(struct packet *pkts, size_t n)
{
	struct conn *conns = NULL;
	size_t nconns = 0, cap = 0;

	for (size_t i = 0; i < n; i++) {
		struct packet *p = &pkts[i];
		size_t at = 0;
		int d;

		if (p->proto != PACKET_TCP)
			continue;
		d = find(conns, nconns, p, &at);
		if (d < 0) {
			if (nconns == cap) {
				struct conn *grown = realloc(conns, (cap ? 2 * cap : 16) * sizeof(*grown));

				if (!grown)
					break;	/* out of memory: leave the rest unclassified */
				conns = grown;
				cap = cap ? 2 * cap : 16;
			}
			at = nconns++;
			memset(&conns[at], 0, sizeof(conns[at]));
			conns[at].family = p->family;
			memcpy(conns[at].a, p->src, sizeof(p->src));
			memcpy(conns[at].b, p->dst, sizeof(p->dst));
			conns[at].pa = p->sport;
			conns[at].pb = p->dport;
			d = 0;
		}
		p->cls = classify(&conns[at].dir[d], &conns[at].dir[!d], p);
		update(&conns[at].dir[d], p);
	}
	free(conns);
}
