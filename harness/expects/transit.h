/* The `transit` expectation's matcher: the one-way delays of TCP segments
 * between two capture points, from the sender's capture to the
 * receiver's. Pure logic: packets in, delays and counts out. */
#ifndef HARNESS_EXPECTS_TRANSIT_H
#define HARNESS_EXPECTS_TRANSIT_H

#include <stddef.h>
#include <stdint.h>

#include "captures/packet.h"

struct transit {
	long sent;		/* segments seen leaving the sender */
	long segments;		/* of them, seen arriving */
	long lost;		/* never seen arriving, though the receiver's
				 * capture went on long enough */
	long in_flight;		/* sent too close to the end to tell */
	long duplicated;	/* arrivals beyond a segment's first */
	int64_t min_ns, median_ns, max_ns;	/* of the first arrivals */
	/* the frames that show the extremes and the first loss, in the
	 * sender's (s_) and the receiver's (r_) captures; 0: none */
	long min_s_frame, min_r_frame, max_s_frame, max_r_frame, lost_frame;
};

/* Match the segments @arrived[0..narrived) (the receiver's capture, in
 * time order) to @sent[0..nsent) (the sender's, in time order): an
 * arrival is the latest sent segment with its fingerprint that left at
 * or before it arrived; a second arrival of the same segment is a
 * duplicate. A sent segment never seen arriving is lost when @end_ns
 * (where the receiver's capture ended) is after it left by at least the
 * longest delay measured, or @in_flight_ns if longer; else it was still
 * in flight. Both arrays hold only the segments to consider
 * (one direction, from the reference on). Returns 0 or -ENOMEM. */
int transit_measure(const struct packet *const *sent, size_t nsent,
		    const struct packet *const *arrived, size_t narrived,
		    int64_t end_ns, int64_t in_flight_ns, struct transit *out);

#endif
