/* The `sequence` expectation's matcher: an ordered pattern of items over
 * the packets seen at one capture point. Pure logic: packets in, verdict
 * and the place the pattern broke out. */
#ifndef HARNESS_EXPECTS_SEQUENCE_H
#define HARNESS_EXPECTS_SEQUENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "captures/packet.h"
#include "harness/model/scenario.h"

/* The hosts' addresses, to tell a packet's direction. */
struct seq_hosts {
	const uint8_t (*addr)[16];	/* per host index */
	const int *family;
	const uint8_t (*alias)[16];	/* seen as, behind a NAT (may be NULL) */
	const int *alias_family;	/* 0: no alias */
	size_t n;
};

struct evidence;

/* The hosts' addresses as the evidence of a run has them. */
struct seq_hosts seq_hosts_of(const struct evidence *ev);

/* Whether @addr is @host's address (or its alias). */
bool seq_addr_is(const struct seq_hosts *h, const uint8_t *addr, int host);

struct seq_outcome {
	bool ok;
	size_t item;		/* !ok: the item that could not be matched */
	long found;		/* how many of it were found */
	bool mistimed;		/* !ok: `instead` matched the item, at a time
				 * its gap or at does not allow */
	int64_t since_ns;	/* mistimed: how long after the packet before
				 * it (gap) or the start (at) it came */
	const struct packet *instead;	/* !ok: the packet seen where it was
					 * wanted (NULL: the capture ended) */
	const struct packet *last;	/* ok: the packet that completed it */
};

/* Whether @p is of one of @kinds (PKIND_*). */
bool seq_kind_matches(const struct packet *p, unsigned kinds);

/* Whether @p matches @it, direction included. */
bool seq_item_matches(const struct seq_item *it, const struct packet *p,
		      const struct seq_hosts *h);

/* Match @items in order against @v[0..n) (only the packets from @t0 on are
 * considered; only TCP segments, plus ICMP and ARP when an item asks for
 * them). Each item takes as many matching packets as it can, up to its
 * count's upper bound (greedy), with anything between them unless it is
 * `next`, in which case its packets must follow one another and the item
 * before it directly. A packet that matches an item but comes at a time
 * its gap (since the packet matched before it) or at (since @t0) does not
 * allow breaks the pattern there. */
struct seq_outcome seq_match(const struct seq_item *items, size_t nitems,
			     const struct packet *v, size_t n, int64_t t0,
			     const struct seq_hosts *h);

/* "from server, RST" — an item, for messages. */
const char *seq_item_str(const struct seq_item *it, const struct scenario *sc,
			 char *buf, size_t len);

/* "server > client [R.] 0 bytes" — a packet, for messages. */
const char *seq_packet_str(const struct packet *p, const struct seq_hosts *h,
			   const struct scenario *sc, char *buf, size_t len);

#endif
