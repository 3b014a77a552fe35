/* Rootless mode: without CAP_NET_ADMIN and CAP_SYS_ADMIN, unplug moves into
 * a user namespace of its own, where it is root, and a network namespace
 * that namespace owns. Every namespace it makes from there (hosts,
 * switch, router) is owned by the same user namespace, so it may build
 * veths, bridges, nftables tables, captures and per-namespace sysctls in
 * them, while the machine's own network stays out of its reach. */
#ifndef NETNS_USERNS_H
#define NETNS_USERNS_H

#include <stdbool.h>

#include "common/diag.h"

/* Whether this process has CAP_NET_ADMIN and CAP_SYS_ADMIN over its
 * network namespace (its user namespace owns it): it can make and
 * configure network namespaces as it is. */
bool userns_privileged(void);

/* Move this process (which must have no threads yet) into a new user
 * namespace, mapping its user and group to root there, and into a new
 * network namespace owned by it. Returns 0, or -errno with what the
 * kernel refused and how to allow it in @d. */
int userns_enter_rootless(struct diag *d);

#endif
