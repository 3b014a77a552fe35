/* The rules, per connection, from its segments in capture order:
 *
 * - Sides: the client sent the SYN. Without a SYN in the capture, the
 *   side with the higher port is taken for the client (an ephemeral port
 *   against a service's), and the story says the handshake was not seen.
 * - An unanswered run: a side sends a segment that asks for an answer
 *   (a SYN, a FIN, data, a retransmission, a probe) and the other side then
 *   sends nothing at all; every segment the side sends until the other
 *   speaks again belongs to the run. A run with a resend in it is a
 *   half-open period (a silence).
 * - The end is the first of: an RST (by its sender; a keepalive give-up
 *   when the sender's unanswered run was keepalive probes — Linux resets
 *   when keepalive gives up, tcp_keepalive_timer() -> tcp_write_err()
 *   after tcp_send_active_reset() — and a timeout when it was two or more
 *   retransmissions, as stacks that reset on giving up do); a FIN each way
 *   (by whoever closed first); otherwise a side's unanswered run of
 *   resends followed by silence for more than twice its last interval
 *   before the capture ended: it gave up (Linux drops the connection
 *   without a word after tcp_retries2 or TCP_USER_TIMEOUT,
 *   tcp_write_timeout()). A run still going when the capture ended leaves
 *   the connection open, cut by the capture. */
#include "captures/ending.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "captures/tcp_track.h"

struct ending {
	struct tcp_tracker *t;
	ending_story_fn fn;
	void *arg;
	int64_t now;		/* the latest packet's time */
	struct ending_totals totals;
};

const char *ending_kind_name(enum end_kind k)
{
	static const char *const names[] = {
		[END_OPEN] = "open",
		[END_FIN] = "fin",
		[END_RST] = "rst",
		[END_TIMEOUT] = "timeout",
		[END_KEEPALIVE_TIMEOUT] = "keepalive-timeout",
	};

	return (size_t)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

size_t ending_run_kept(const struct unanswered *r)
{
	return r->segments < ENDING_MAX_RUN ? (size_t)r->segments : ENDING_MAX_RUN;
}

size_t ending_ladder_len(const struct conn_story *s)
{
	return s->nladder < ENDING_LADDER ? s->nladder : ENDING_LADDER;
}

const struct seg_note *ending_ladder_at(const struct conn_story *s, size_t i)
{
	size_t first = s->nladder - ending_ladder_len(s);

	return &s->ladder[(first + i) % ENDING_LADDER];
}

static size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static bool asks_answer(const struct packet *p)
{
	return (p->flags & (PKT_SYN | PKT_FIN)) || p->payload_len ||
	       (p->cls & (PKT_CLS_KEEPALIVE | PKT_CLS_ZERO_WINDOW));
}

static void run_add(struct unanswered *r, const struct packet *p)
{
	if (r->segments < ENDING_MAX_RUN) {
		r->t_ns[r->segments] = p->t_ns;
		r->frame[r->segments] = p->frame;
	}
	if (r->segments && (p->cls & (PKT_CLS_RETRANSMISSION | PKT_CLS_KEEPALIVE |
				      PKT_CLS_ZERO_WINDOW)))
		r->resends++;
	r->probes += !!(p->cls & PKT_CLS_KEEPALIVE);
	r->zero_window_probes += !!(p->cls & PKT_CLS_ZERO_WINDOW);
	r->segments++;
	r->last_ns = p->t_ns;
	r->last_frame = p->frame;
}

static void add_silence(struct conn_story *s, int side, int64_t to, bool answered)
{
	const struct unanswered *r = &s->run[side];

	if (s->nsilences == ENDING_MAX_SILENCES) {
		s->more_silences++;
		return;
	}
	s->silences[s->nsilences++] = (struct silence){
		.side = side, .from_ns = r->t_ns[0], .to_ns = to,
		.segments = r->resends, .answered = answered,
	};
}

static struct conn_story *story_new(const struct tcp_conn *c, int dir, const struct packet *p)
{
	struct conn_story *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->id = c->id;
	s->family = c->family;
	s->end_by = -1;
	s->resender = -1;
	s->last_side = -1;
	s->first_ns = p->t_ns;
	if (p->flags & PKT_SYN) {
		s->handshake = true;
		s->client_dir = p->flags & PKT_ACK ? !dir : dir;
	} else {
		s->client_dir = c->port[1] > c->port[0];
	}
	for (int i = 0; i < 2; i++) {
		int k = i ? !s->client_dir : s->client_dir;

		memcpy(s->addr[i], c->addr[k], addr_len(c->family));
		s->port[i] = c->port[k];
	}
	return s;
}

static void note_segment(struct conn_story *s, int side, const struct packet *p)
{
	struct seg_note n = {
		.t_ns = p->t_ns, .frame = p->frame, .side = side, .flags = p->flags,
		.cls = p->cls, .len = p->payload_len, .window = p->window,
	};
	int other = !side;

	if (!s->base_set[side]) {
		s->base_seq[side] = p->seq;
		s->base_set[side] = true;
	}
	n.seq = p->seq - s->base_seq[side];
	n.ack = s->base_set[other] ? p->ack - s->base_seq[other] : p->ack;
	s->ladder[s->nladder++ % ENDING_LADDER] = n;
	s->last_of[side] = n;
}

static void count(struct side_counts *c, const struct packet *p)
{
	c->packets++;
	if ((p->cls & PKT_CLS_DATA) && !(p->cls & PKT_CLS_RETRANSMISSION)) {
		c->data++;
		c->bytes += p->payload_len;
	}
	c->retransmissions += !!(p->cls & PKT_CLS_RETRANSMISSION);
	c->keepalive_probes += !!(p->cls & PKT_CLS_KEEPALIVE);
	c->zero_window_probes += !!(p->cls & PKT_CLS_ZERO_WINDOW);
	c->duplicate_acks += !!(p->cls & PKT_CLS_DUP_ACK);
	c->fin += !!(p->flags & PKT_FIN);
	c->rst += !!(p->flags & PKT_RST);
}

/* How soon after a segment an RST still answers it: two round trips (a
 * capture at the far end sees the answer one round trip later) and
 * 200 ms for a busy host; a second when the round trip is unknown. */
static int64_t answer_window(const struct conn_story *s)
{
	return (s->rtt_ns ? 2 * s->rtt_ns : 1000000000) + 200000000;
}

static void story_feed(struct conn_story *s, int side, const struct packet *p)
{
	int other = !side;

	if (s->handshake && !s->rtt_ns && side == 0 && (p->flags & PKT_ACK) && s->last_of[1].frame &&
	    (s->last_of[1].flags & PKT_SYN))
		s->rtt_ns = p->t_ns - s->first_ns;

	count(&s->side[side], p);
	/* the other side's run is answered: this side spoke */
	if (s->in_run[other]) {
		if (s->run[other].resends)
			add_silence(s, other, p->t_ns, true);
		s->in_run[other] = false;
	}
	if (p->flags & PKT_RST) {
		if (!s->rst.frame) {
			s->rst_run = s->in_run[side] ? s->run[side] : (struct unanswered){ 0 };
			s->rst_sender_before_ns = s->last_ns_of[side];
			s->rst_answered = s->last_side == other &&
					  p->t_ns - s->last_of[other].t_ns <= answer_window(s);
			note_segment(s, side, p);
			s->rst = s->last_of[side];
			s->rst_prompt = s->last_of[other];
		} else {
			note_segment(s, side, p);
		}
	} else {
		note_segment(s, side, p);
	}
	if ((p->flags & PKT_FIN) && !s->fin[side].frame)
		s->fin[side] = s->last_of[side];
	if (s->fin[other].frame && (p->cls & PKT_CLS_DATA) && !(p->cls & PKT_CLS_RETRANSMISSION))
		s->bytes_after_fin[side] += p->payload_len;
	if (asks_answer(p)) {
		if (!s->in_run[side]) {
			/* runs start at nearly every turn of a conversation:
			 * the arrays are written as segments come, not cleared */
			struct unanswered *r = &s->run[side];

			r->segments = r->resends = r->probes = r->zero_window_probes = 0;
			r->before_ns = s->last_ns;
			s->in_run[side] = true;
		}
		run_add(&s->run[side], p);
	}
	s->last_ns = p->t_ns;
	s->last_ns_of[side] = p->t_ns;
	s->last_side = side;
}

static void end_as(struct conn_story *s, enum end_kind k, int by, int64_t t, long frame)
{
	s->end = k;
	s->end_by = by;
	s->end_ns = t;
	s->end_frame = frame;
}

/* A run of resends followed by a silence longer than twice its last
 * interval: given up. Shorter: the capture ended while it went on. */
static bool gave_up(const struct unanswered *r, int64_t capture_end)
{
	size_t n = ending_run_kept(r);
	int64_t last_gap;

	if (n < 2)
		return false;
	/* past the kept times, the mean interval stands for the last */
	if ((size_t)r->segments == n)
		last_gap = r->t_ns[n - 1] - r->t_ns[n - 2];
	else
		last_gap = (r->last_ns - r->t_ns[0]) / (r->segments - 1);
	return capture_end - r->last_ns > 2 * last_gap;
}

static void decide_end(struct conn_story *s, int64_t capture_end)
{
	int resender = -1;

	for (int i = 0; i < 2; i++)
		if (s->in_run[i] && s->run[i].resends) {
			add_silence(s, i, s->run[i].last_ns, false);
			if (resender < 0 || s->run[i].last_ns > s->run[resender].last_ns)
				resender = i;
		}
	if (s->rst.frame) {
		const struct unanswered *r = &s->rst_run;

		if (r->probes && r->probes == r->segments) {
			s->gave_up = *r;
			end_as(s, END_KEEPALIVE_TIMEOUT, s->rst.side, s->rst.t_ns, s->rst.frame);
		} else if (r->resends >= 2) {
			s->gave_up = *r;
			end_as(s, END_TIMEOUT, s->rst.side, s->rst.t_ns, s->rst.frame);
		} else if (s->fin[0].frame && s->fin[1].frame &&
			   s->fin[0].t_ns <= s->rst.t_ns && s->fin[1].t_ns <= s->rst.t_ns) {
			int first = s->fin[1].t_ns < s->fin[0].t_ns;

			end_as(s, END_FIN, first, s->fin[first].t_ns, s->fin[first].frame);
		} else {
			end_as(s, END_RST, s->rst.side, s->rst.t_ns, s->rst.frame);
		}
		return;
	}
	if (s->fin[0].frame && s->fin[1].frame) {
		int first = s->fin[1].t_ns < s->fin[0].t_ns;

		end_as(s, END_FIN, first, s->fin[first].t_ns, s->fin[first].frame);
		return;
	}
	if (resender < 0)
		return;
	s->gave_up = s->run[resender];
	if (gave_up(&s->run[resender], capture_end)) {
		bool keepalive = s->run[resender].probes == s->run[resender].segments;

		end_as(s, keepalive ? END_KEEPALIVE_TIMEOUT : END_TIMEOUT, resender,
		       s->run[resender].last_ns, s->run[resender].last_frame);
	} else {
		s->cut_by_capture = true;
		s->resender = resender;
	}
}

/* The tracker forgets a connection: its story is told. */
static void conn_done(void *arg, struct tcp_conn *c)
{
	struct ending *e = arg;
	struct conn_story *s = c->user;

	if (!s)
		return;
	decide_end(s, e->now);
	e->totals.connections++;
	e->totals.by_kind[s->end]++;
	e->fn(e->arg, s);
	free(s);
	c->user = NULL;
}

struct ending *ending_new(ending_story_fn fn, void *arg)
{
	struct ending *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->fn = fn;
	e->arg = arg;
	e->t = tcp_tracker_new(conn_done, e);
	if (!e->t) {
		free(e);
		return NULL;
	}
	return e;
}

static void feed_icmp(struct ending *e, const struct packet *p)
{
	struct conn_story *s;
	struct tcp_conn *c;
	int dir, side;

	if (!p->quote_family)
		return;
	c = tcp_tracker_find(e->t, p->quote_family, p->quote_src, p->quote_sport, p->quote_dst,
			     p->quote_dport, &dir);
	if (!c || !(s = c->user))
		return;
	e->totals.icmp_quoting++;
	side = dir == s->client_dir ? 0 : 1;
	for (size_t i = 0; i < s->nicmp; i++)
		if (s->icmp[i].type == p->icmp_type && s->icmp[i].code == p->icmp_code &&
		    s->icmp[i].about_side == side) {
			s->icmp[i].count++;
			return;
		}
	if (s->nicmp == ENDING_MAX_ICMP)
		return;
	s->icmp[s->nicmp] = (struct icmp_note){
		.t_ns = p->t_ns, .frame = p->frame, .family = p->family,
		.type = p->icmp_type, .code = p->icmp_code, .about_side = side, .count = 1,
	};
	memcpy(s->icmp[s->nicmp++].from, p->src, sizeof(p->src));
}

int ending_feed(struct ending *e, struct packet *p)
{
	struct tcp_conn *c;
	int dir;

	if (p->t_ns > e->now)
		e->now = p->t_ns;
	if (p->proto == PACKET_ICMP) {
		feed_icmp(e, p);
		return 0;
	}
	if (p->proto != PACKET_TCP)
		return 0;
	e->totals.tcp_segments++;
	c = tcp_tracker_feed(e->t, p, &dir);
	if (!c)
		return -ENOMEM;
	if (!c->user && !(c->user = story_new(c, dir, p)))
		return -ENOMEM;
	story_feed(c->user, dir == ((struct conn_story *)c->user)->client_dir ? 0 : 1, p);
	return 0;
}

void ending_set_max(struct ending *e, size_t max)
{
	tcp_tracker_set_max(e->t, max);
}

void ending_finish(struct ending *e, struct ending_totals *totals)
{
	if (!e)
		return;
	e->totals.peak_live = tcp_tracker_peak(e->t);
	e->totals.forgotten = tcp_tracker_evicted(e->t);
	tcp_tracker_free(e->t);
	if (totals)
		*totals = e->totals;
	free(e);
}
