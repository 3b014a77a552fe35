/* The words of `unplug explain`: every sentence about a connection's end
 * is made here, from the story's values. */
#include "reports/explain.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

#include "common/duration.h"

/* A bounded appender: what does not fit is cut, never overrun. */
struct text {
	char *buf;
	size_t len, used;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->used >= t->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->used += (size_t)n;
}

const char *explain_endpoint(const struct conn_story *s, int side, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(s->family, s->addr[side], a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, s->family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, s->port[side]);
	return buf;
}

/* "12.345678 s" since the capture's start. */
static const char *at(int64_t t, int64_t t0, char *buf, size_t len)
{
	int64_t d = t - t0;

	snprintf(buf, len, "%s%" PRId64 ".%06" PRId64 " s", d < 0 ? "-" : "",
		 (d < 0 ? -d : d) / 1000000000, (d < 0 ? -d : d) % 1000000000 / 1000);
	return buf;
}

const char *explain_segment(const struct seg_note *n, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };
	const char *what;

	buf[0] = '\0';
	if (n->flags & PKT_RST)
		what = "RST";
	else if ((n->flags & PKT_SYN) && (n->flags & PKT_ACK))
		what = "SYN-ACK";
	else if (n->flags & PKT_SYN)
		what = "SYN";
	else if (n->cls & PKT_CLS_KEEPALIVE)
		what = "keepalive probe";
	else if (n->cls & PKT_CLS_ZERO_WINDOW)
		what = "zero-window probe";
	else if (n->flags & PKT_FIN)
		what = "FIN";
	else if (n->cls & PKT_CLS_KEEPALIVE_ACK)
		what = "keepalive ACK";
	else if (n->cls & PKT_CLS_DUP_ACK)
		what = "duplicate ACK";
	else if (n->len)
		what = "data";
	else
		what = "ACK";
	put(&t, "%s%s", n->cls & PKT_CLS_RETRANSMISSION ? "retransmitted " : "", what);
	if (n->len && !(n->cls & (PKT_CLS_KEEPALIVE | PKT_CLS_ZERO_WINDOW)))
		put(&t, " (%" PRIu32 " byte%s)", n->len, n->len == 1 ? "" : "s");
	return buf;
}

#define INTERVALS_SHOWN 10

/* "0.2, 0.4, 0.8 s": the intervals between a run's segments. */
static void intervals(struct text *t, const struct unanswered *r)
{
	size_t n = ending_run_kept(r);
	char b[32];

	for (size_t i = 1; i < n && i <= INTERVALS_SHOWN; i++)
		put(t, "%s%s", i > 1 ? ", " : "", duration_secs(r->t_ns[i] - r->t_ns[i - 1], b, sizeof(b)));
	if ((size_t)r->segments > INTERVALS_SHOWN + 1)
		put(t, ", ... (%ld in all)", r->segments - 1);
	put(t, " s");
}

static void sentence_rst(struct text *t, const struct conn_story *s, int64_t t0)
{
	char who[64], other[64], when[32], seg[64], gap[32];

	explain_endpoint(s, s->rst.side, who, sizeof(who));
	explain_endpoint(s, !s->rst.side, other, sizeof(other));
	put(t, "%s reset the connection at %s", who, at(s->rst.t_ns, t0, when, sizeof(when)));
	if (!s->rst_prompt.frame)
		put(t, ", unprompted; %s had sent nothing", other);
	else if (s->rst_answered)
		put(t, ", in answer to %s from %s %s before",
		    explain_segment(&s->rst_prompt, seg, sizeof(seg)), other,
		    duration_str(s->rst.t_ns - s->rst_prompt.t_ns, gap, sizeof(gap)));
	else
		put(t, ", unprompted (an abort): %s's last segment (%s) was %s before",
		    other, explain_segment(&s->rst_prompt, seg, sizeof(seg)),
		    duration_str(s->rst.t_ns - s->rst_prompt.t_ns, gap, sizeof(gap)));
	if (s->fin[0].frame || s->fin[1].frame) {
		int f = s->fin[0].frame ? 0 : 1;

		put(t, ", after %s had closed its side (FIN at %s)", f == s->rst.side ? "it" : other,
		    at(s->fin[f].t_ns, t0, when, sizeof(when)));
	}
	put(t, ".");
}

static void sentence_fin(struct text *t, const struct conn_story *s, int64_t t0)
{
	int first = s->end_by, second = !first;
	char a[64], b[64], when[32], gap[32];

	explain_endpoint(s, first, a, sizeof(a));
	explain_endpoint(s, second, b, sizeof(b));
	put(t, "Graceful close: %s closed first (FIN at %s)", a, at(s->fin[first].t_ns, t0, when, sizeof(when)));
	if (s->bytes_after_fin[second])
		put(t, "; %s went on sending %lld bytes (a half-close) and closed %s later", b,
		    s->bytes_after_fin[second],
		    duration_str(s->fin[second].t_ns - s->fin[first].t_ns, gap, sizeof(gap)));
	else
		put(t, ", %s closed %s later", b,
		    duration_str(s->fin[second].t_ns - s->fin[first].t_ns, gap, sizeof(gap)));
	if (s->rst.frame)
		put(t, ", then %s sent an RST", s->rst.side == first ? a : b);
	put(t, ".");
}

static void sentence_gave_up(struct text *t, const struct conn_story *s, int64_t t0)
{
	const struct unanswered *r = &s->gave_up;
	char who[64], other[64], when[32];

	explain_endpoint(s, s->end_by, who, sizeof(who));
	explain_endpoint(s, !s->end_by, other, sizeof(other));
	if (s->end == END_KEEPALIVE_TIMEOUT) {
		put(t, "Keepalive gave up: %s sent %ld keepalive probe%s into silence", who,
		    r->probes, r->probes == 1 ? "" : "s");
		if (r->segments > 1) {
			put(t, ", ");
			intervals(t, r);
			put(t, " apart");
		}
	} else {
		put(t, "Timeout: %s's segment at %s went unanswered and was retransmitted %ld time%s", who,
		    at(r->t_ns[0], t0, when, sizeof(when)), r->resends, r->resends == 1 ? "" : "s");
		if (r->segments > 1) {
			put(t, ", ");
			intervals(t, r);
			put(t, " apart");
		}
	}
	if (s->rst.frame && s->end_frame == s->rst.frame)
		put(t, "; then it reset the connection (RST at %s)", at(s->rst.t_ns, t0, when, sizeof(when)));
	else
		put(t, "; then it fell silent too (its last at %s)", at(r->last_ns, t0, when, sizeof(when)));
	if (s->last_ns_of[!s->end_by])
		put(t, "; %s's last segment was at %s", other,
		    at(s->last_ns_of[!s->end_by], t0, when, sizeof(when)));
	else
		put(t, "; %s never answered", other);
	put(t, ".");
}

static void sentence_open(struct text *t, const struct conn_story *s, int64_t t0)
{
	char who[64], when[32];

	put(t, "Still open when the capture ended (its last segment at %s)", at(s->last_ns, t0, when, sizeof(when)));
	if (s->cut_by_capture) {
		explain_endpoint(s, s->resender, who, sizeof(who));
		put(t, "; %s was still %s into silence", who,
		    s->gave_up.probes == s->gave_up.segments ? "probing" : "retransmitting");
	}
	for (int i = 0; i < 2; i++)
		if (s->fin[i].frame) {
			explain_endpoint(s, i, who, sizeof(who));
			put(t, "; %s had closed its side (FIN at %s): half-closed", who,
			    at(s->fin[i].t_ns, t0, when, sizeof(when)));
		}
	put(t, ".");
}

const char *explain_sentence(const struct conn_story *s, int64_t t0, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };

	buf[0] = '\0';
	switch (s->end) {
	case END_RST:
		sentence_rst(&t, s, t0);
		break;
	case END_FIN:
		sentence_fin(&t, s, t0);
		break;
	case END_TIMEOUT:
	case END_KEEPALIVE_TIMEOUT:
		sentence_gave_up(&t, s, t0);
		break;
	case END_OPEN:
		sentence_open(&t, s, t0);
		break;
	}
	return buf;
}

static const char *icmp_name(const struct icmp_note *n)
{
	if (n->family == AF_INET6) {
		static const char *const unreach6[] = { "no route", "administratively prohibited",
							"beyond scope", "address unreachable",
							"port unreachable", "source address failed policy",
							"reject route" };

		if (n->type == 1)
			return n->code < 7 ? unreach6[n->code] : "destination unreachable";
		return n->type == 2 ? "packet too big" : n->type == 3 ? "time exceeded" :
		       "parameter problem";
	}
	if (n->type == 3) {
		static const char *const unreach[] = { "network unreachable", "host unreachable",
						       "protocol unreachable", "port unreachable",
						       "fragmentation needed" };

		if (n->code < 5)
			return unreach[n->code];
		return n->code == 13 ? "administratively prohibited" : "destination unreachable";
	}
	return n->type == 11 ? "time exceeded" : n->type == 4 ? "source quench" :
	       n->type == 5 ? "redirect" : "parameter problem";
}

/* One evidence line. */
static void line(char (*lines)[EXPLAIN_LINE], size_t max, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void line(char (*lines)[EXPLAIN_LINE], size_t max, size_t *n, const char *fmt, ...)
{
	va_list ap;

	if (*n >= max)
		return;
	va_start(ap, fmt);
	vsnprintf(lines[*n], EXPLAIN_LINE, fmt, ap);
	va_end(ap);
	(*n)++;
}

static void evidence_seg(char (*lines)[EXPLAIN_LINE], size_t max, size_t *n,
			 const struct conn_story *s, const struct seg_note *g, int64_t t0,
			 const char *note)
{
	char who[64], when[32], seg[64];

	line(lines, max, n, "frame %ld at %s: %s from %s%s", g->frame, at(g->t_ns, t0, when, sizeof(when)),
	     explain_segment(g, seg, sizeof(seg)), explain_endpoint(s, g->side, who, sizeof(who)), note);
}

size_t explain_evidence(const struct conn_story *s, int64_t t0,
			char (*lines)[EXPLAIN_LINE], size_t max)
{
	const struct unanswered *r = &s->gave_up;
	char when[32], who[64], a[INET6_ADDRSTRLEN], b[32];
	size_t n = 0;

	if (s->end == END_FIN || (s->end == END_RST && (s->fin[0].frame || s->fin[1].frame)) ||
	    s->end == END_OPEN)
		for (int k = 0; k < 2; k++) {
			int i = s->end == END_FIN && s->end_by == 1 ? !k : k;

			if (s->fin[i].frame)
				evidence_seg(lines, max, &n, s, &s->fin[i], t0, "");
		}
	if (s->end == END_RST) {
		if (s->rst_prompt.frame)
			evidence_seg(lines, max, &n, s, &s->rst_prompt, t0,
				     s->rst_answered ? ": what the RST answered" : ": the other side's last");
		evidence_seg(lines, max, &n, s, &s->rst, t0, "");
	}
	if (s->end == END_TIMEOUT || s->end == END_KEEPALIVE_TIMEOUT || s->cut_by_capture) {
		size_t k = ending_run_kept(r);
		int side = s->cut_by_capture ? s->resender : s->end_by;

		explain_endpoint(s, side, who, sizeof(who));
		for (size_t i = 0; i < k; i++)
			line(lines, max, &n, "frame %ld at %s: %s%s%s", r->frame[i],
			     at(r->t_ns[i], t0, when, sizeof(when)),
			     i ? "+" : "first unanswered segment from ", i ? duration_secs(r->t_ns[i] - r->t_ns[0], b, sizeof(b)) : who,
			     i ? " s, unanswered" : "");
		if ((size_t)r->segments > k)
			line(lines, max, &n, "... %ld more, the last frame %ld at %s", r->segments - (long)k,
			     r->last_frame, at(r->last_ns, t0, when, sizeof(when)));
		if (s->rst.frame && s->end_frame == s->rst.frame)
			evidence_seg(lines, max, &n, s, &s->rst, t0, ": it gave up");
	}
	for (size_t i = 0; i < s->nicmp; i++) {
		const struct icmp_note *c = &s->icmp[i];

		inet_ntop(c->family, c->from, a, sizeof(a));
		line(lines, max, &n, "frame %ld at %s: ICMP %s from %s, quoting a segment from %s%s",
		     c->frame, at(c->t_ns, t0, when, sizeof(when)), icmp_name(c), a,
		     explain_endpoint(s, c->about_side, who, sizeof(who)),
		     c->count > 1 ? " (the first of several)" : "");
	}
	return n;
}

static void print_silences(FILE *f, const struct conn_story *s, int64_t t0)
{
	char who[64], from[32], to[32], d[32];

	for (size_t i = 0; i < s->nsilences; i++) {
		const struct silence *h = &s->silences[i];

		explain_endpoint(s, h->side, who, sizeof(who));
		fprintf(f, "    half-open: %s sent into silence from %s to %s (%s, %ld resend%s); %s\n", who,
			at(h->from_ns, t0, from, sizeof(from)), at(h->to_ns, t0, to, sizeof(to)),
			duration_str(h->to_ns - h->from_ns, d, sizeof(d)), h->segments,
			h->segments == 1 ? "" : "s",
			h->answered ? "then the other side answered" : "no answer ever came");
	}
	if (s->more_silences)
		fprintf(f, "    ... and %ld more half-open periods\n", s->more_silences);
}

static void print_icmp_counts(FILE *f, const struct conn_story *s)
{
	char a[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < s->nicmp; i++)
		if (s->icmp[i].count > 1) {
			inet_ntop(s->icmp[i].family, s->icmp[i].from, a, sizeof(a));
			fprintf(f, "    ICMP: %ld × %s from %s\n", s->icmp[i].count, icmp_name(&s->icmp[i]), a);
		}
}

#define LADDER_WIDTH 44

/* One row: the time, then an arrow between the two sides' columns with
 * the segment written on it. */
static void ladder_row(FILE *f, const struct seg_note *n, int64_t t0)
{
	char label[96], seg[64], when[32], arrow[LADDER_WIDTH + 1];
	size_t len;

	snprintf(label, sizeof(label), " %s %" PRIu32 ":%" PRIu32 " ack %" PRIu32 " ",
		 explain_segment(n, seg, sizeof(seg)), n->seq, n->seq + n->len, n->ack);
	len = strlen(label);
	if (len > LADDER_WIDTH - 4) {
		snprintf(label, sizeof(label), " %s ", seg);
		len = strlen(label);
	}
	if (len > LADDER_WIDTH - 4)
		len = LADDER_WIDTH - 4;
	memset(arrow, '-', LADDER_WIDTH);
	arrow[LADDER_WIDTH] = '\0';
	memcpy(arrow + (LADDER_WIDTH - len) / 2, label, len);
	if (n->side == 0)
		arrow[LADDER_WIDTH - 1] = '>';
	else
		arrow[0] = '<';
	fprintf(f, "    %14s  %6ld |%s|\n", at(n->t_ns, t0, when, sizeof(when)), n->frame, arrow);
}

static void print_ladder(FILE *f, const struct conn_story *s, int64_t t0)
{
	char a[64], b[64];

	explain_endpoint(s, 0, a, sizeof(a));
	explain_endpoint(s, 1, b, sizeof(b));
	fprintf(f, "    %14s  %6s %-*s%*s\n", "time", "frame", LADDER_WIDTH / 2 + 1, a,
		LADDER_WIDTH / 2 + 1, b);
	for (size_t i = 0; i < ending_ladder_len(s); i++)
		ladder_row(f, ending_ladder_at(s, i), t0);
}

void explain_print(FILE *f, const struct conn_story *s, int64_t t0, bool ladder)
{
	char a[64], b[64], sentence[1024], from[32], to[32];
	char lines[EXPLAIN_MAX_EVIDENCE][EXPLAIN_LINE];
	size_t n = explain_evidence(s, t0, lines, EXPLAIN_MAX_EVIDENCE);

	fprintf(f, "#%ld %s %s %s  %s: %s to %s, %ld segments%s\n", s->id,
		explain_endpoint(s, 0, a, sizeof(a)), s->handshake ? "->" : "--",
		explain_endpoint(s, 1, b, sizeof(b)), ending_kind_name(s->end),
		at(s->first_ns, t0, from, sizeof(from)), at(s->last_ns, t0, to, sizeof(to)),
		s->side[0].packets + s->side[1].packets,
		s->handshake ? "" : " (joined mid-connection: sides guessed from the ports)");
	fprintf(f, "    %s\n", explain_sentence(s, t0, sentence, sizeof(sentence)));
	for (size_t i = 0; i < n; i++)
		fprintf(f, "      %s\n", lines[i]);
	print_silences(f, s, t0);
	print_icmp_counts(f, s);
	if (ladder)
		print_ladder(f, s, t0);
}
