/* The TCP connection tracker: what each segment of a capture was — data,
 * a retransmission, a keepalive or zero-window probe, a pure ACK, a
 * duplicate ACK, the ACK of a keepalive — and which connection it belongs
 * to. It streams: state is kept per live connection only, and a
 * connection that ended (or went quiet for hours) is handed to the caller
 * and forgotten, so a capture of any size is tracked in the memory its
 * busiest moment needs. */
#ifndef CAPTURES_TCP_TRACK_H
#define CAPTURES_TCP_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "captures/packet.h"

/* One direction of a connection: what its sender has sent. */
struct tcp_flow {
	bool seen;		/* a segment with sequence space info */
	uint32_t end;		/* highest sequence end sent */
	bool syn_seen;
	uint32_t isn;
	bool ack_seen;
	uint32_t ack;		/* highest acknowledgement sent */
	bool win_seen;
	uint16_t window;	/* last window advertised, unscaled */
	bool fin_seen;
	bool rst_seen;
	bool last_keepalive;	/* its latest segment was a keepalive probe */
};

/* A connection: the endpoints in a canonical order (the lower address and
 * port first), so that both directions find the same one. */
struct tcp_conn {
	long id;		/* 1, 2...: in the order connections first
				 * appeared in the capture */
	int family;
	uint8_t addr[2][16];
	uint16_t port[2];
	struct tcp_flow dir[2];	/* dir[i]: sent by endpoint i */
	int64_t first_ns, last_ns;
	void *user;		/* the caller's, per connection */
};

/* A connection is forgotten once it has ended (an RST, or a FIN each way)
 * and been quiet this long — longer than TIME-WAIT's 60 s, so the last
 * ACKs still find it — or, ended or not, once quiet for this long: longer
 * than Linux's default keepalive idle time (7200 s), so an idle
 * connection is not cut in two by its first probe. */
#define TCP_TRACK_ENDED_IDLE_NS (120 * 1000000000LL)
#define TCP_TRACK_IDLE_NS (3 * 3600 * 1000000000LL)

/* Called with each connection as it is forgotten: when it has been idle
 * past the limits above, when a new connection (a SYN with a new ISN)
 * takes its 4-tuple, and at tcp_tracker_free() for the rest, in id order.
 * The caller frees its @user there. */
typedef void (*tcp_conn_done_fn)(void *arg, struct tcp_conn *c);

struct tcp_tracker;

/* A tracker; @done may be NULL. NULL when memory runs out. */
struct tcp_tracker *tcp_tracker_new(tcp_conn_done_fn done, void *arg);

/* Classify TCP packet @p (its PKT_CLS_* bits, from scratch) against what
 * came before it, and return its connection, with in @dir the index of the
 * endpoint that sent it; the pointer is good until the next call. Packets
 * are fed in capture order. NULL when memory runs out (@p is then left
 * with no bits). */
struct tcp_conn *tcp_tracker_feed(struct tcp_tracker *t, struct packet *p, int *dir);

/* The connection of the 4-tuple @src:@sport -> @dst:@dport if it is live,
 * with @dir as above (ICMP errors find the connection they quote). */
struct tcp_conn *tcp_tracker_find(struct tcp_tracker *t, int family, const uint8_t *src,
				  uint16_t sport, const uint8_t *dst, uint16_t dport, int *dir);

/* Keep at most @max_live connections (0: no bound): a new one past it
 * makes the tracker forget the one quiet longest (handed to done() as it
 * is), so that memory stays bounded whatever the capture. */
void tcp_tracker_set_max(struct tcp_tracker *t, size_t max_live);

/* How many were forgotten so. */
size_t tcp_tracker_evicted(const struct tcp_tracker *t);

/* Live connections, and the most there were at once. */
size_t tcp_tracker_live(const struct tcp_tracker *t);
size_t tcp_tracker_peak(const struct tcp_tracker *t);

/* Hand every connection still live to done(), in id order, and free. */
void tcp_tracker_free(struct tcp_tracker *t);

/* Set the PKT_CLS_* bits of every TCP packet of @pkts, which are in
 * capture order, from scratch; other packets are left alone. A pure
 * function of the array: the same capture always classifies the same way.
 * Should memory run out, the packets from there on are left with no bits. */
void tcp_track_classify(struct packet *pkts, size_t n);

#endif
