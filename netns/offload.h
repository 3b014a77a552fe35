/* Segmentation and checksum offloads, turned off so that captures show
 * segments as they would cross a wire, not 64 KiB GSO super-packets. */
#ifndef NETNS_OFFLOAD_H
#define NETNS_OFFLOAD_H

#include "common/diag.h"

/* Turn off TSO, GSO, GRO and TX checksum offload on @ifname in the
 * namespace the calling thread is in. Returns 0 or -errno. */
int offload_disable(const char *ifname, struct diag *d);

#endif
