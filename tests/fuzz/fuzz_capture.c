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

#include "captures/packet.h"
#include "captures/pcap_stream.h"
#include "captures/tcp_track.h"
#include "common/diag.h"

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
};

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

	/* TODO(explain): feed the packet to the explain module here, once it
	 * lands (harness/explain/): its per-capture state goes in struct
	 * consumers, created in LLVMFuzzerTestOneInput() next to the tracker
	 * and freed there after the read loop. */
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
	if (!cs.tracker)
		goto out;

	while ((rc = pcap_stream_next(s, &pkt, &d)) == 1) {
		if (pkt.frame <= 0 || pkt.frame > pcap_stream_frames(s))
			abort();
		consume(&cs, &pkt);
	}
	if (rc != 0 && rc != -EIO)
		abort();
	if (pcap_stream_malformed(s) > pcap_stream_frames(s))
		abort();
	(void)pcap_stream_linktype(s);

out:
	tcp_tracker_free(cs.tracker);	/* NULL-safe; calls conn_done() */
	pcap_stream_close(s);
	diag_clear(&d);
	free(copy);
	return 0;
}
