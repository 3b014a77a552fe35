/* The reading of a story into a scenario:
 *
 * - The timeline starts at the connection's first segment (the scenario's
 *   starts once the handshake is done: about one round trip later).
 * - A side that gave up (timeout, keepalive) was talking into silence: the
 *   other side is blackholed from its own last segment — a pulled cable or
 *   a power-off would look the same from here. The giver's settings follow
 *   from the timing: keepalive idle (from the last segment before the
 *   first probe), interval (the probes' median gap) and count; or
 *   net.ipv4.tcp_retries2 = the retransmissions seen.
 * - An RST that answered the other side's segment: its sender had lost
 *   the connection — powered off after its own last segment (or, when the
 *   other side was sending into a silence, at the silence's start) and
 *   back, empty, before the segment it answered.
 * - An unprompted RST: an abort by its sender; a FIN each way: a close by
 *   whoever closed first.
 * Keepalive times are whole seconds (the kernel counts them so). */
#include "harness/cli/propose.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "reports/explain.h"

struct propose {
	long want;
	bool have;
	struct conn_story s;
	int64_t t0;
};

struct propose *propose_new(long id)
{
	struct propose *p = calloc(1, sizeof(*p));

	if (p)
		p->want = id;
	return p;
}

void propose_free(struct propose *p)
{
	free(p);
}

void propose_consider(struct propose *p, const struct conn_story *s, int64_t t0)
{
	bool take;

	if (p->want)
		take = s->id == p->want;
	else
		take = !p->have || (p->s.end == END_FIN && s->end != END_FIN) ||
		       (p->s.end == END_OPEN && s->end != END_OPEN && s->end != END_FIN);
	if (!take || (p->want && p->have))
		return;
	p->s = *s;
	p->t0 = t0;
	p->have = true;
}

static const char *name(int side)
{
	return side ? "server" : "client";
}

/* Whole seconds, rounded, 1 to 32767: keepalive's unit and range. */
static long secs(int64_t ns)
{
	long s = (long)((ns + 500000000) / 1000000000);

	return s < 1 ? 1 : s > 32767 ? 32767 : s;
}

/* No proposed time is longer than a day: a capture whose times say more is
 * damaged, and the arithmetic on them stays far from overflowing. */
#define PROPOSE_MAX_NS (24 * 3600 * INT64_C(1000000000))

static int64_t clamp(int64_t ns)
{
	return ns < 0 ? 0 : ns > PROPOSE_MAX_NS ? PROPOSE_MAX_NS : ns;
}

/* "1250ms": a duration the scenario format reads, to the ms, at least 1 ms. */
static const char *dur(int64_t ns, char *buf, size_t len)
{
	ns = clamp(ns);
	if (ns < 1000000)
		ns = 1000000;
	snprintf(buf, len, "%lldms", (long long)(ns / 1000000));
	return buf;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The median gap between the run's segments. */
static int64_t median_gap(const struct unanswered *r)
{
	int64_t gaps[ENDING_MAX_RUN];
	size_t n = ending_run_kept(r);

	if (n < 2)
		return 0;
	for (size_t i = 1; i < n; i++)
		gaps[i - 1] = r->t_ns[i] - r->t_ns[i - 1];
	qsort(gaps, n - 1, sizeof(gaps[0]), cmp64);
	return gaps[(n - 1) / 2];
}

static void host_block(FILE *f, const struct propose *p, int side)
{
	const struct conn_story *s = &p->s;
	const struct unanswered *r = &s->gave_up;
	char a[32], b[32];

	fprintf(f, "%s:\n", name(side));
	if (side)
		fprintf(f, "  listen: %u\n", s->port[1]);
	else
		fprintf(f, "  connect: server:%u\n", s->port[1]);
	if (s->end_by != side)
		return;
	if (s->end == END_KEEPALIVE_TIMEOUT) {
		int64_t idle = r->t_ns[0] - (r->before_ns ? r->before_ns : s->first_ns);

		fprintf(f, "  # %ld unanswered probes, %s apart, the first %s after the last segment\n",
			r->probes, duration_str(median_gap(r), a, sizeof(a)), duration_str(idle, b, sizeof(b)));
		fprintf(f, "  keepalive: { idle: %lds, interval: %lds, count: %ld }\n", secs(idle),
			secs(median_gap(r) ? median_gap(r) : 1000000000), r->probes);
	}
}

/* A side that timed out retransmitting: tcp_retries2 from the count. */
static void hosts_block(FILE *f, const struct conn_story *s)
{
	if (s->end != END_TIMEOUT || s->gave_up.probes)
		return;
	fprintf(f, "hosts:\n"
		   "  # %s gave up after %ld retransmissions; tcp_retries2 counts them (roughly:\n"
		   "  # the kernel's limit is a time computed from it, tcp_retries_stalled())\n"
		   "  %s: { sysctl: { net.ipv4.tcp_retries2: %ld } }\n",
		name(s->end_by), s->gave_up.resends, name(s->end_by),
		s->gave_up.resends > 0 ? (s->gave_up.resends < 255 ? s->gave_up.resends : 255) : 1);
}

int propose_print(const struct propose *p, FILE *f, const char *capture, struct diag *d)
{
	const struct conn_story *s = &p->s;
	const struct unanswered *r = &s->gave_up;
	char sentence[1024], a[32], b[32], c[32], ep[2][64];
	int silent = s->end_by >= 0 ? !s->end_by : -1;

	if (!p->have) {
		if (p->want)
			diag_add(d, "%s: no connection #%ld (the ids are those `unplug explain` prints)", capture, p->want);
		else
			diag_add(d, "%s: no TCP connection in it to reproduce", capture);
		return -ENOENT;
	}
	explain_endpoint(s, 0, ep[0], sizeof(ep[0]));
	explain_endpoint(s, 1, ep[1], sizeof(ep[1]));
	fprintf(f, "# Proposed by `unplug explain --scenario` from connection #%ld of %s\n"
		   "# (client %s, server %s):\n#   %s\n"
		   "# A starting point: times count from the connection's first segment (the\n"
		   "# scenario's from the end of the handshake, about one round trip later).\n"
		   "# Check it with `unplug validate`, then `unplug run`.\n",
		s->id, capture, ep[0], ep[1], explain_sentence(s, p->t0, sentence, sizeof(sentence)));
	fprintf(f, "name: reproduce connection %ld of the capture\n", s->id);
	if (s->family == AF_INET6)
		fprintf(f, "family: ipv6\n");
	host_block(f, p, 1);
	host_block(f, p, 0);
	hosts_block(f, s);
	fprintf(f, "steps:\n");
	switch (s->end) {
	case END_TIMEOUT:
	case END_KEEPALIVE_TIMEOUT: {
		int64_t quiet = s->last_ns_of[silent] ? s->last_ns_of[silent] : s->first_ns;
		int64_t lat = clamp(s->end_ns - quiet);

		fprintf(f, "  # %s fell silent after its last segment (a pulled cable or a power-off\n"
			   "  # would look the same from the capture)\n", name(silent));
		fprintf(f, "  - at: %s\n    fault: { blackhole: %s }\n", dur(quiet - s->first_ns, a, sizeof(a)),
			name(silent));
		if (s->end == END_TIMEOUT && !(r->probes))
			fprintf(f, "  - at: %s\n    action: { send: { from: %s, bytes: 1000 } }\n",
				dur(r->t_ns[0] - s->first_ns, a, sizeof(a)), name(s->end_by));
		fprintf(f, "expect:\n  # seen in the capture: %s from the silence to the %s's last %s\n",
			duration_str(lat, a, sizeof(a)), name(s->end_by),
			s->rst.frame && s->end_frame == s->rst.frame ? "RST" : "resend");
		fprintf(f, "  - detect: { host: %s, error: ETIMEDOUT, within: %s..%s }\n", name(s->end_by),
			dur(lat * 9 / 10, b, sizeof(b)), dur(lat * 11 / 10 + 300000000, c, sizeof(c)));
		if (s->end == END_KEEPALIVE_TIMEOUT)
			fprintf(f, "  - packets: { from: %s, kind: keepalive-probe, count: %ld }\n",
				name(s->end_by), r->probes);
		else
			fprintf(f, "  - packets: { from: %s, kind: retransmission, count: %ld }\n",
				name(s->end_by), r->resends);
		break;
	}
	case END_RST:
		if (s->rst_answered && s->rst_prompt.frame) {
			int lost = s->rst.side, other = !lost;
			int64_t off = s->rst_sender_before_ns ? s->rst_sender_before_ns : s->first_ns;

			if (s->nsilences && s->silences[0].side == other)
				off = s->silences[0].from_ns;
			fprintf(f, "  # %s answered %s's segment with an RST: it had lost the connection\n"
				   "  # (a reboot; a crash and restart of the program would look the same)\n",
				name(lost), name(other));
			fprintf(f, "  - at: %s\n    fault: { power-off: %s }\n", dur(off - s->first_ns + 1000000, a, sizeof(a)),
				name(lost));
			fprintf(f, "  - at: %s\n    fault: { power-on: %s }\n",
				dur((off + s->rst_prompt.t_ns) / 2 - s->first_ns + 1000000, a, sizeof(a)), name(lost));
			if (s->rst_prompt.len && !(s->rst_prompt.cls & PKT_CLS_RETRANSMISSION))
				fprintf(f, "  - name: send\n    at: %s\n    action: { send: { from: %s, bytes: %u } }\n",
					dur(s->rst_prompt.t_ns - s->first_ns, a, sizeof(a)), name(other),
					s->rst_prompt.len);
			fprintf(f, "expect:\n  - detect: { host: %s, error: ECONNRESET, within: %s }\n", name(other),
				dur(clamp(s->rst.t_ns - off) * 11 / 10 + 300000000, b, sizeof(b)));
		} else {
			fprintf(f, "  - at: %s\n    action: { abort: %s }\n", dur(s->rst.t_ns - s->first_ns, a, sizeof(a)),
				name(s->rst.side));
			fprintf(f, "expect:\n  - detect: { host: %s, within: 1s }\n", name(!s->rst.side));
		}
		fprintf(f, "  - packets: { from: %s, kind: RST, count: \">= 1\" }\n", name(s->rst.side));
		break;
	case END_FIN:
		fprintf(f, "  - at: %s\n    action: { close: %s }\n", dur(s->end_ns - s->first_ns, a, sizeof(a)),
			name(s->end_by));
		fprintf(f, "expect:\n  - detect: { host: %s, error: eof, within: 1s }\n", name(!s->end_by));
		break;
	case END_OPEN:
		if (s->cut_by_capture) {
			int64_t quiet = s->last_ns_of[!s->resender] ? s->last_ns_of[!s->resender] : s->first_ns;

			fprintf(f, "  # %s fell silent; %s was still %s when the capture ended\n",
				name(!s->resender), name(s->resender),
				r->probes == r->segments ? "probing" : "retransmitting");
			fprintf(f, "  - at: %s\n    fault: { blackhole: %s }\n", dur(quiet - s->first_ns, a, sizeof(a)),
				name(!s->resender));
			if (!r->probes)
				fprintf(f, "  - at: %s\n    action: { send: { from: %s, bytes: 1000 } }\n",
					dur(r->t_ns[0] - s->first_ns, a, sizeof(a)), name(s->resender));
			fprintf(f, "expect:\n  # nobody gave up within the capture: say how fast %s must notice\n"
				   "  - packets: { from: %s, kind: %s, count: \">= %ld\" }\n", name(s->resender),
				name(s->resender), r->probes ? "keepalive-probe" : "retransmission",
				r->probes ? r->probes : r->resends);
			break;
		}
		fprintf(f, "  # still open at the end of the capture: nothing broke it\n"
			   "  - at: %s\n    action: { send: { from: client, bytes: 100 } }\n",
			dur(s->last_ns - s->first_ns, a, sizeof(a)));
		fprintf(f, "expect:\n  - no-detect: { host: client, for: %s }\n",
			dur(s->last_ns - s->first_ns + 1000000000, a, sizeof(a)));
		break;
	}
	return 0;
}
