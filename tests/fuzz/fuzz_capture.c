/* libFuzzer target: a whole capture file (classic pcap or pcapng, any byte
 * order, µs or ns) read with pcap_stream, every decoded packet handed to
 * consume(), which feeds the TCP tracker. Everything an input allocates is
 * freed before the next one: nothing survives between inputs.
 * Build and run: tests/fuzz/README.md. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "captures/ending.h"
#include "captures/packet.h"
#include "captures/pcap_stream.h"
#include "captures/tcp_track.h"
#include "common/diag.h"
#include "harness/cli/propose.h"
#include "reports/explain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Undefined behaviour is a crash, not a line in the log: UBSan's default
 * is to report and go on, which libFuzzer would not notice. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

/* What one input's packets are fed to; built and torn down per input. */
struct consumers {
	struct tcp_tracker *tracker;
	long conns_done;
	struct ending *ending;		/* `unplug explain` */
	struct propose *propose;	/* `unplug explain --scenario` */
	int64_t t0;
};

/* Every story is put into words, evidence, JSON and a ladder, as
 * `unplug explain` would. */
static void told(void *arg, const struct conn_story *st)
{
	struct consumers *cs = arg;
	char sentence[1024], lines[EXPLAIN_MAX_EVIDENCE][EXPLAIN_LINE];
	json_object *j;
	FILE *f;

	if (st->id <= 0 || st->end_by < -1 || st->end_by > 1)
		abort();
	explain_sentence(st, cs->t0, sentence, sizeof(sentence));
	if (explain_evidence(st, cs->t0, lines, EXPLAIN_MAX_EVIDENCE) > EXPLAIN_MAX_EVIDENCE)
		abort();
	j = explain_json(st, cs->t0);
	json_object_put(j);
	f = fopen("/dev/null", "w");
	if (f) {
		explain_print(f, st, cs->t0, true);
		fclose(f);
	}
	propose_consider(cs->propose, st, cs->t0);
}

static void conn_done(void *arg, struct tcp_conn *c)
{
	struct consumers *cs = arg;

	/* The fuzzer never sets c->user, so there is nothing to free. */
	if (c->id <= 0 || (c->family != AF_INET && c->family != AF_INET6))
		abort();
	cs->conns_done++;
}

/* Every decoded packet comes through here, in capture order: the place
 * to call more consumers of struct packet as they appear. */
static void consume(struct consumers *cs, const struct packet *p)
{
	char buf[64];

	packet_addr_str(p->family, p->src, buf, sizeof(buf));
	packet_addr_str(p->family, p->dst, buf, sizeof(buf));

	if (p->proto == PACKET_TCP) {
		struct packet copy = *p;	/* the tracker writes p->cls */
		struct tcp_conn *c;
		int dir = -1;

		c = tcp_tracker_feed(cs->tracker, &copy, &dir);
		if (c && dir != 0 && dir != 1)
			abort();
	} else if (p->proto == PACKET_ICMP && p->quote_family) {
		int dir = -1;

		/* an ICMP error finds the connection it quotes */
		if (tcp_tracker_find(cs->tracker, p->quote_family, p->quote_src,
				     p->quote_sport, p->quote_dst, p->quote_dport, &dir) &&
		    dir != 0 && dir != 1)
			abort();
	}

	if (p->proto == PACKET_TCP || p->proto == PACKET_ICMP) {
		struct packet copy = *p;

		if (ending_feed(cs->ending, &copy))
			abort();	/* only out of memory fails */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct consumers cs = { 0 };
	struct pcap_stream *s = NULL;
	struct packet pkt;
	struct diag d;
	uint8_t *copy;
	FILE *f;
	int rc;

	if (!size)
		return 0;	/* fmemopen() refuses an empty buffer */
	/* fmemopen() wants a writable buffer; the input is const. */
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	f = fmemopen(copy, size, "rb");
	if (!f) {
		free(copy);
		return 0;
	}

	diag_init(&d, NULL);
	if (pcap_stream_open_file(f, "fuzz.pcap", &s, &d) < 0)	/* closes f */
		goto out;
	cs.tracker = tcp_tracker_new(conn_done, &cs);
	cs.ending = ending_new(told, &cs);
	cs.propose = propose_new(0);
	if (!cs.tracker || !cs.ending || !cs.propose)
		goto out;

	while ((rc = pcap_stream_next(s, &pkt, &d)) == 1) {
		if (pkt.frame <= 0 || pkt.frame > pcap_stream_frames(s))
			abort();
		if (!cs.t0)
			cs.t0 = pkt.t_ns;
		consume(&cs, &pkt);
	}
	if (rc != 0 && rc != -EIO)
		abort();
	if (pcap_stream_malformed(s) > pcap_stream_frames(s) ||
	    tcp_tracker_live(cs.tracker) > tcp_tracker_peak(cs.tracker))
		abort();
	(void)pcap_stream_linktype(s);

out:
	ending_finish(cs.ending, NULL);	/* NULL-safe; tells every story */
	if (cs.propose) {
		FILE *pf = fopen("/dev/null", "w");

		if (pf) {
			propose_print(cs.propose, pf, "fuzz.pcap", &d);
			fclose(pf);
		}
	}
	propose_free(cs.propose);
	tcp_tracker_free(cs.tracker);	/* NULL-safe; calls conn_done() */
	pcap_stream_close(s);
	diag_clear(&d);
	free(copy);
	return 0;
}
