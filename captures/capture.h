/* Live capture with libpcap: one capture point per host interface, opened
 * inside the host's namespace, nanosecond timestamps, written to a pcap
 * file as packets arrive by a thread of the capture's own. */
#ifndef CAPTURES_CAPTURE_H
#define CAPTURES_CAPTURE_H

#include <stdbool.h>

#include "common/diag.h"

struct capture;

/* Where to capture: interface @ifname in namespace @ns, which is host
 * @host's (errors name it: every host has an eth0). All borrowed. */
struct capture_point {
	int ns;
	const char *ifname;
	const char *host;
	bool payload;		/* whole frames, payload and all; otherwise
				 * every header (CAPTURE_HEADERS bytes) */
};

/* Bytes kept of each frame unless the payload is asked for: Ethernet, a
 * VLAN tag, IPv6 with extension headers and TCP with options. */
#define CAPTURE_HEADERS 256

/* Start capturing at @at into @path, drained on a thread of its own.
 * Returns 0 and a capture to end with
 * capture_stop(), or -errno with libpcap's reason and the host in @d. */
int capture_start(const struct capture_point *at, const char *path,
		  struct capture **out, struct diag *d);

/* Like capture_start(), but append to the capture already at @path (same
 * link type): a host that was powered off and on keeps one capture file. */
int capture_resume(const struct capture_point *at, const char *path,
		   struct capture **out, struct diag *d);

/* What libpcap says of a capture (pcap_stats): packets received, and
 * dropped — by the capture (its buffer was full) or by the interface. */
struct capture_stats {
	unsigned received;
	unsigned dropped;
	unsigned ifdropped;
};

/* End the capture: drain what is left, flush and close the file, its
 * statistics into *@stats (may be NULL); @c is gone after. Returns once
 * the file is whole; the packet socket is released on the capture's own
 * thread after (the kernel's two RCU grace periods), which the process's
 * exit waits for and nothing else. NULL is a no-op. Returns 0 or -EIO. */
int capture_stop(struct capture *c, struct capture_stats *stats, struct diag *d);

#endif
