/* The TCP connection tracker: what each segment of a capture was —
 * data, a retransmission, a keepalive or zero-window probe, a pure ACK. */
#ifndef CAPTURES_TCP_TRACK_H
#define CAPTURES_TCP_TRACK_H

#include <stddef.h>

#include "captures/packet.h"

/* Set the PKT_CLS_* bits of every TCP packet of @pkts, which are in
 * capture order, from scratch; other packets are left alone. A pure
 * function of the array: the same capture always classifies the same way.
 * Should memory run out, the packets from there on are left with no bits. */
void tcp_track_classify(struct packet *pkts, size_t n);

#endif
