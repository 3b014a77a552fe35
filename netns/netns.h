/* Anonymous network namespaces: held only by file descriptors (and by the
 * processes running in them), so they vanish with the harness — no
 * /run/netns entry to sweep after a crash. */
#ifndef NETNS_NETNS_H
#define NETNS_NETNS_H

#include <stddef.h>

#include "common/diag.h"

/* Create a namespace without entering it. *fd holds it (O_CLOEXEC); the
 * caller closes it. Returns 0 or -errno with a message in @d. */
int netns_new(int *fd, struct diag *d);

/* Move the calling thread into @fd. *home receives a descriptor of the
 * namespace it was in, for netns_return(). Returns 0 or -errno. */
int netns_enter(int fd, int *home, struct diag *d);

/* Move the calling thread back to @home and close it. Never fails: if the
 * kernel refuses, the process aborts rather than act in the wrong
 * namespace (it could otherwise touch the host's network). */
void netns_return(int home);

/* "/proc/sys/net/ipv4/tcp_retries2" for "net.ipv4.tcp_retries2", into @buf. */
const char *netns_sysctl_path(const char *key, char *buf, size_t len);

/* Write @value to /proc/sys/<key with dots as slashes> inside @fd. */
int netns_sysctl_write(int fd, const char *key, const char *value,
		       struct diag *d);

#endif
