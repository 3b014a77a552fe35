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
 * - A pure ACK answering a keepalive probe (the other direction's latest
 *   segment) is a keepalive ACK. Another pure ACK that acknowledges the
 *   highest sequence number its direction has acknowledged so far, with
 *   the same non-zero window as its direction's last segment and nothing
 *   new sent, is a duplicate ACK (RFC 5681 §2: "equal to the greatest
 *   acknowledgment"). Wireshark compares with the previous segment's ACK
 *   instead, so a late ACK below the highest is one to it and not to us,
 *   and the highest repeated right after such a late ACK is one to us and
 *   not to it (tests/explain/compare_tshark.py lists both differences).
 *
 * The first segment seen in a direction starts its sequence tracking: a
 * capture may begin in the middle of a connection. A SYN with an ISN not
 * seen before in its direction starts a new connection on the same 4-tuple
 * (RFC 9293 §3.4.1: ports are reused after TIME-WAIT): the old one is
 * handed over as done and a new one starts, rather than comparing against
 * a new, unrelated ISN.
 *
 * Storage: connections live in a pool, found through an open-addressing
 * table of pool indices (linear probing, at most half full, backward-shift
 * deletion), and sit on one of two lists by last activity — open and
 * ended — so the quietest of each (to within a second) is at its head and
 * forgetting is O(1). */
#include "captures/tcp_track.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define NIL UINT32_MAX
#define RELIST_NS 1000000000LL

struct entry {
	struct tcp_conn c;
	uint32_t hash;
	uint32_t prev, next;	/* on its list, or the free list (next) */
	int64_t listed_ns;	/* when it last went to its list's tail */
	bool ended;		/* on the ended list */
	bool used;
};

struct list {
	uint32_t head, tail;
};

/* A slot of the table: the entry's hash kept beside its index, so that
 * probing past other connections does not touch their entries. */
struct slot {
	uint32_t idx1;		/* pool index + 1; 0: empty */
	uint32_t hash;
};

struct tcp_tracker {
	struct entry *pool;
	uint32_t npool, cappool;
	uint32_t free;		/* first free entry, or NIL */
	struct slot *slot;
	size_t cap;		/* a power of two, or 0 */
	size_t live, peak;
	size_t max_live;	/* 0: no bound */
	size_t evicted;		/* forgotten to stay within it */
	struct list open, ended;
	long next_id;
	tcp_conn_done_fn done;
	void *arg;
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

/* The big-endian 32- and 64-bit numbers at @p: comparing them orders
 * addresses as memcmp() would, without calling it for every packet. */
static uint32_t be32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return be32toh(v);
}

static uint64_t be64_at(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return be64toh(v);
}

static int endpoint_cmp(int family, const uint8_t *a, uint16_t pa,
			const uint8_t *b, uint16_t pb)
{
	uint64_t x, y;

	if (family == AF_INET6) {
		x = be64_at(a);
		y = be64_at(b);
		if (x == y) {
			x = be64_at(a + 8);
			y = be64_at(b + 8);
		}
	} else {
		x = be32_at(a);
		y = be32_at(b);
	}
	if (x != y)
		return x < y ? -1 : 1;
	return (pa > pb) - (pa < pb);
}

/* The canonical 4-tuple: what a connection is found by. Only the first
 * addr_len(family) bytes of each address are compared. */
struct tcp_key {
	int family;
	uint8_t addr[2][16];
	uint16_t port[2];
};

/* The key's 32-bit words, mixed (murmur3's finaliser per word): every
 * packet is hashed, so it works a word at a time, not a byte. */
static uint32_t mix(uint32_t h, uint32_t w)
{
	h ^= w * 0xcc9e2d51u;
	h = (h << 13 | h >> 19) * 5 + 0xe6546b64u;
	return h;
}

static uint32_t key_hash(const struct tcp_key *k)
{
	size_t words = addr_len(k->family) / 4;
	uint32_t h = (uint32_t)k->family, w;

	for (int i = 0; i < 2; i++)
		for (size_t j = 0; j < words; j++) {
			memcpy(&w, k->addr[i] + 4 * j, 4);
			h = mix(h, w);
		}
	h = mix(h, (uint32_t)k->port[0] << 16 | k->port[1]);
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ h >> 16;
}

/* Addresses of @family equal: constant sizes, so the compiler inlines. */
static bool addr_eq(int family, const uint8_t *a, const uint8_t *b)
{
	if (family == AF_INET6)
		return be64_at(a) == be64_at(b) && be64_at(a + 8) == be64_at(b + 8);
	return be32_at(a) == be32_at(b);
}

static bool key_is(const struct tcp_key *k, const struct tcp_conn *c)
{
	return k->family == c->family && k->port[0] == c->port[0] &&
	       k->port[1] == c->port[1] && addr_eq(k->family, k->addr[0], c->addr[0]) &&
	       addr_eq(k->family, k->addr[1], c->addr[1]);
}

/* The canonical key of @src:@sport -> @dst:@dport, and in @dir the index
 * of the sender. */
static void make_key(struct tcp_key *k, int family, const uint8_t *src, uint16_t sport,
		     const uint8_t *dst, uint16_t dport, int *dir)
{
	int s = endpoint_cmp(family, src, sport, dst, dport) > 0;

	k->family = family;
	memset(k->addr, 0, sizeof(k->addr));
	memcpy(k->addr[s], src, addr_len(family));
	memcpy(k->addr[!s], dst, addr_len(family));
	k->port[s] = sport;
	k->port[!s] = dport;
	*dir = s;
}

/* The slot holding @key, or the empty one where it would go. */
static size_t find_slot(const struct tcp_tracker *t, const struct tcp_key *key, uint32_t h)
{
	size_t i = h & (t->cap - 1);

	while (t->slot[i].idx1 && !(t->slot[i].hash == h &&
				    key_is(key, &t->pool[t->slot[i].idx1 - 1].c)))
		i = (i + 1) & (t->cap - 1);
	return i;
}

static int grow_table(struct tcp_tracker *t)
{
	size_t cap = t->cap ? 2 * t->cap : 64;
	struct slot *slot = calloc(cap, sizeof(*slot));

	if (!slot)
		return -1;
	for (size_t i = 0; i < t->cap; i++) {
		size_t k;

		if (!t->slot[i].idx1)
			continue;
		k = t->slot[i].hash & (cap - 1);
		while (slot[k].idx1)
			k = (k + 1) & (cap - 1);
		slot[k] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return 0;
}

/* Take @i out of the table, shifting back the entries that probed past
 * it so that every one stays reachable from its home slot. */
static void table_remove(struct tcp_tracker *t, uint32_t idx)
{
	size_t mask = t->cap - 1;
	size_t i = t->pool[idx].hash & mask, j;

	while (t->slot[i].idx1 != idx + 1)
		i = (i + 1) & mask;
	t->slot[i].idx1 = 0;
	for (j = (i + 1) & mask; t->slot[j].idx1; j = (j + 1) & mask) {
		size_t home = t->slot[j].hash & mask;

		/* leave it if its home lies cyclically in (i, j] */
		if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		t->slot[i] = t->slot[j];
		t->slot[j].idx1 = 0;
		i = j;
	}
}

static void list_unlink(struct tcp_tracker *t, uint32_t idx)
{
	struct entry *e = &t->pool[idx];
	struct list *l = e->ended ? &t->ended : &t->open;

	if (e->prev != NIL)
		t->pool[e->prev].next = e->next;
	else
		l->head = e->next;
	if (e->next != NIL)
		t->pool[e->next].prev = e->prev;
	else
		l->tail = e->prev;
}

static void list_append(struct tcp_tracker *t, uint32_t idx, bool ended)
{
	struct entry *e = &t->pool[idx];
	struct list *l = ended ? &t->ended : &t->open;

	e->ended = ended;
	e->next = NIL;
	e->prev = l->tail;
	if (l->tail != NIL)
		t->pool[l->tail].next = idx;
	else
		l->head = idx;
	l->tail = idx;
}

static bool conn_ended(const struct tcp_conn *c)
{
	return c->dir[0].rst_seen || c->dir[1].rst_seen ||
	       (c->dir[0].fin_seen && c->dir[1].fin_seen);
}

/* Hand @idx over and free its entry. */
static void forget(struct tcp_tracker *t, uint32_t idx)
{
	struct entry *e = &t->pool[idx];

	if (t->done)
		t->done(t->arg, &e->c);
	list_unlink(t, idx);
	table_remove(t, idx);
	e->used = false;
	e->next = t->free;
	t->free = idx;
	t->live--;
}

static void forget_idle(struct tcp_tracker *t, int64_t now)
{
	while (t->ended.head != NIL &&
	       now - t->pool[t->ended.head].c.last_ns > TCP_TRACK_ENDED_IDLE_NS)
		forget(t, t->ended.head);
	while (t->open.head != NIL && now - t->pool[t->open.head].c.last_ns > TCP_TRACK_IDLE_NS)
		forget(t, t->open.head);
}

static uint32_t new_entry(struct tcp_tracker *t)
{
	uint32_t idx;

	if (t->free != NIL) {
		idx = t->free;
		t->free = t->pool[idx].next;
		return idx;
	}
	if (t->npool == t->cappool) {
		uint32_t cap = t->cappool ? 2 * t->cappool : 64;
		struct entry *v = cap < t->cappool ? NULL : realloc(t->pool, cap * sizeof(*v));

		if (!v)
			return NIL;
		t->pool = v;
		t->cappool = cap;
	}
	return t->npool++;
}

static void start_conn(struct tcp_tracker *t, struct entry *e, const struct tcp_key *key,
		       int64_t now)
{
	memset(&e->c, 0, sizeof(e->c));
	e->c.family = key->family;
	memcpy(e->c.addr, key->addr, sizeof(key->addr));
	e->c.port[0] = key->port[0];
	e->c.port[1] = key->port[1];
	e->c.id = ++t->next_id;
	e->c.first_ns = e->c.last_ns = now;
	e->c.user = NULL;
}

/* The connection of @key, created if new. NIL when memory runs out. */
static uint32_t lookup(struct tcp_tracker *t, const struct tcp_key *key, int64_t now)
{
	uint32_t h = key_hash(key), idx;
	size_t i;

	if (2 * (t->live + 1) > t->cap && grow_table(t))
		return NIL;
	i = find_slot(t, key, h);
	if (t->slot[i].idx1)
		return t->slot[i].idx1 - 1;
	/* at the bound: the connection quiet longest goes first — one that
	 * ended, else one still open — and the table is looked up again */
	if (t->max_live && t->live >= t->max_live) {
		forget(t, t->ended.head != NIL ? t->ended.head : t->open.head);
		t->evicted++;
		i = find_slot(t, key, h);
	}
	idx = new_entry(t);
	if (idx == NIL)
		return NIL;
	t->pool[idx] = (struct entry){ .hash = h, .used = true, .listed_ns = now };
	start_conn(t, &t->pool[idx], key, now);
	t->slot[i] = (struct slot){ idx + 1, h };
	list_append(t, idx, false);
	if (++t->live > t->peak)
		t->peak = t->live;
	return idx;
}

struct tcp_tracker *tcp_tracker_new(tcp_conn_done_fn done, void *arg)
{
	struct tcp_tracker *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->free = NIL;
	t->open = t->ended = (struct list){ NIL, NIL };
	t->done = done;
	t->arg = arg;
	return t;
}

static uint32_t seq_span(const struct packet *p)
{
	return p->payload_len + !!(p->flags & PKT_SYN) + !!(p->flags & PKT_FIN);
}

static bool is_probe(const struct tcp_flow *me, const struct tcp_flow *peer,
		     const struct packet *p)
{
	if (!me->seen || (p->flags & (PKT_SYN | PKT_FIN | PKT_RST)) ||
	    p->payload_len > 1 || p->seq != me->end - 1)
		return false;
	/* one byte the peer has not acknowledged is a lost byte re-sent */
	return !(p->payload_len == 1 && peer->ack_seen &&
		 seq_before(peer->ack, me->end));
}

static bool is_dup_ack(const struct tcp_flow *me, const struct packet *p)
{
	return me->seen && me->ack_seen && me->win_seen && p->window &&
	       p->window == me->window && p->ack == me->ack && p->seq == me->end;
}

static unsigned classify(const struct tcp_flow *me, const struct tcp_flow *peer,
			 const struct packet *p)
{
	unsigned cls = 0;

	if (is_probe(me, peer, p))
		return peer->win_seen && peer->window == 0 ?
		       PKT_CLS_ZERO_WINDOW : PKT_CLS_KEEPALIVE;
	if (me->seen && seq_span(p) && seq_before(p->seq, me->end))
		cls |= PKT_CLS_RETRANSMISSION;
	if (p->payload_len) {
		cls |= PKT_CLS_DATA;
	} else if ((p->flags & PKT_ACK) && !(p->flags & (PKT_SYN | PKT_FIN | PKT_RST))) {
		cls |= PKT_CLS_PURE_ACK;
		if (peer->last_keepalive)
			cls |= PKT_CLS_KEEPALIVE_ACK;
		else if (is_dup_ack(me, p))
			cls |= PKT_CLS_DUP_ACK;
	}
	return cls;
}

/* A RST carries no sequence space and its window means nothing: it
 * changes no sequence state. */
static void update(struct tcp_flow *me, const struct packet *p)
{
	uint32_t end = p->seq + seq_span(p);

	me->last_keepalive = p->cls & PKT_CLS_KEEPALIVE;
	if (p->flags & PKT_RST) {
		me->rst_seen = true;
		return;
	}
	if (p->flags & PKT_FIN)
		me->fin_seen = true;
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

/* Whether SYN @p starts a new connection on its 4-tuple: a SYN with an
 * ISN its direction has not used, from a direction that sent before, or
 * a SYN alone after the other direction sent more than its own SYN. A
 * SYN-ACK to a SYN, or a SYN crossing the other's (a simultaneous open,
 * RFC 9293 §3.5), belongs to the connection there is. */
static bool starts_anew(const struct tcp_flow *me, const struct tcp_flow *peer,
			const struct packet *p)
{
	if (!(p->flags & PKT_SYN) || (me->syn_seen && me->isn == p->seq))
		return false;
	if (me->seen)
		return true;
	return peer->seen && !(peer->syn_seen && peer->end == peer->isn + 1) &&
	       !(p->flags & PKT_ACK);
}

struct tcp_conn *tcp_tracker_feed(struct tcp_tracker *t, struct packet *p, int *dir)
{
	struct tcp_flow *me, *peer;
	struct tcp_key key;
	struct entry *e;
	uint32_t idx;

	p->cls = 0;
	make_key(&key, p->family, p->src, p->sport, p->dst, p->dport, dir);
	forget_idle(t, p->t_ns);
	idx = lookup(t, &key, p->t_ns);
	if (idx == NIL)
		return NULL;
	e = &t->pool[idx];
	me = &e->c.dir[*dir];
	peer = &e->c.dir[!*dir];
	if (starts_anew(me, peer, p)) {
		if (t->done)
			t->done(t->arg, &e->c);
		start_conn(t, e, &key, p->t_ns);
	}
	p->cls = classify(me, peer, p);
	update(me, p);
	e->c.last_ns = p->t_ns;
	/* Moving to the tail touches the neighbours: done at most once a
	 * second, so a list is in order of last activity to within a second,
	 * and a connection is forgotten at most that much later. */
	if (conn_ended(&e->c) != e->ended || p->t_ns - e->listed_ns > RELIST_NS ||
	    p->t_ns < e->listed_ns) {
		list_unlink(t, idx);
		list_append(t, idx, conn_ended(&e->c));
		e->listed_ns = p->t_ns;
	}
	return &e->c;
}

struct tcp_conn *tcp_tracker_find(struct tcp_tracker *t, int family, const uint8_t *src,
				  uint16_t sport, const uint8_t *dst, uint16_t dport, int *dir)
{
	struct tcp_key key;
	size_t i;

	if (!t->cap)
		return NULL;
	make_key(&key, family, src, sport, dst, dport, dir);
	i = find_slot(t, &key, key_hash(&key));
	return t->slot[i].idx1 ? &t->pool[t->slot[i].idx1 - 1].c : NULL;
}

size_t tcp_tracker_live(const struct tcp_tracker *t)
{
	return t->live;
}

void tcp_tracker_set_max(struct tcp_tracker *t, size_t max_live)
{
	t->max_live = max_live;
}

size_t tcp_tracker_evicted(const struct tcp_tracker *t)
{
	return t->evicted;
}

size_t tcp_tracker_peak(const struct tcp_tracker *t)
{
	return t->peak;
}

static int by_id(const void *a, const void *b)
{
	long x = (*(struct tcp_conn *const *)a)->id, y = (*(struct tcp_conn *const *)b)->id;

	return (x > y) - (x < y);
}

void tcp_tracker_free(struct tcp_tracker *t)
{
	struct tcp_conn **live;
	size_t n = 0;

	if (!t)
		return;
	live = t->done ? calloc(t->live + 1, sizeof(*live)) : NULL;
	for (uint32_t i = 0; live && i < t->npool; i++)
		if (t->pool[i].used)
			live[n++] = &t->pool[i].c;
	if (live) {
		qsort(live, n, sizeof(*live), by_id);
		for (size_t i = 0; i < n; i++)
			t->done(t->arg, live[i]);
	}
	free(live);
	free(t->pool);
	free(t->slot);
	free(t);
}

void tcp_track_classify(struct packet *pkts, size_t n)
{
	struct tcp_tracker *t = tcp_tracker_new(NULL, NULL);
	size_t i = 0;
	int dir;

	for (size_t k = 0; k < n; k++)
		if (pkts[k].proto == PACKET_TCP)
			pkts[k].cls = 0;
	for (; t && i < n; i++)
		if (pkts[i].proto == PACKET_TCP && !tcp_tracker_feed(t, &pkts[i], &dir))
			break;
	tcp_tracker_free(t);
}
