/* libFuzzer target: one captured frame straight into packet_decode(). The
 * first byte of the input picks the link type (modulo the table below),
 * the rest is the frame, exactly as captured (caplen = what is left).
 * Decoded packets go to consume(), as in fuzz_capture.c.
 * Build and run: tests/fuzz/README.md. */
#include <errno.h>
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "captures/packet.h"
#include "captures/tcp_track.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Undefined behaviour is a crash, not a line in the log: UBSan's default
 * is to report and go on, which libFuzzer would not notice. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

/* Selector byte % 8 -> link type; keep in step with the corpus
 * (tests/fuzz/make_corpus.py) and packet_linktype_supported(). */
static const int linktypes[] = {
	DLT_EN10MB,	/* 0 */
	DLT_LINUX_SLL,	/* 1 */
	DLT_LINUX_SLL2,	/* 2 */
	DLT_RAW,	/* 3 */
	DLT_IPV4,	/* 4 */
	DLT_IPV6,	/* 5 */
	DLT_NULL,	/* 6 */
	DLT_LOOP,	/* 7 */
};
#define N_LINKTYPES (sizeof(linktypes) / sizeof(linktypes[0]))

/* What one input's packet is fed to; built and torn down per input. */
struct consumers {
	struct tcp_tracker *tracker;
};

/* The decoded packet comes through here: the place to call more
 * consumers of struct packet as they appear. */
static void consume(struct consumers *cs, const struct packet *p)
{
	char buf[64];

	if (p->family != AF_INET && p->family != AF_INET6)
		abort();
	packet_addr_str(p->family, p->src, buf, sizeof(buf));
	packet_addr_str(p->family, p->dst, buf, sizeof(buf));

	if (p->proto == PACKET_TCP) {
		struct packet copy = *p;	/* the tracker writes p->cls */
		int dir = -1;

		if (tcp_tracker_feed(cs->tracker, &copy, &dir) && dir != 0 && dir != 1)
			abort();
	}

	/* TODO(explain): the explain call goes here: ending_feed() on a copy
	 * of the packet (captures/ending.h); its struct ending goes in struct
	 * consumers, made with ending_new() and ended with ending_finish() in
	 * LLVMFuzzerTestOneInput() next to the tracker. */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct consumers cs = { 0 };
	struct packet pkt;
	const uint8_t *frame;
	size_t caplen;
	int linktype, rc;

	if (!size)
		return 0;
	linktype = linktypes[data[0] % N_LINKTYPES];
	if (!packet_linktype_supported(linktype))
		abort();
	/* libFuzzer's buffer is exactly @size bytes on the heap: ASan sees
	 * any read past the end of the frame. */
	frame = data + 1;
	caplen = size - 1;

	rc = packet_decode(linktype, frame, caplen, 1000000000LL, &pkt);
	if (rc != 0 && rc != -ENOENT && rc != -EINVAL)
		abort();
	if (!rc) {
		if (pkt.proto != PACKET_TCP && pkt.proto != PACKET_ICMP &&
		    pkt.proto != PACKET_ARP)
			abort();
		cs.tracker = tcp_tracker_new(NULL, NULL);
		if (cs.tracker)
			consume(&cs, &pkt);
	}

	tcp_tracker_free(cs.tracker);
	return 0;
}
