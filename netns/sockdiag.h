/* The TCP sockets of one namespace, as the kernel's socket table has them
 * (NETLINK_SOCK_DIAG through libnl-idiag-3): what a program did with its
 * connections — closed them, left them in CLOSE_WAIT, kept ghosts —
 * seen from outside the program, whatever it is written in. */
#ifndef NETNS_SOCKDIAG_H
#define NETNS_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"

struct netlink;

/* One socket. IPv4-mapped IPv6 addresses (a dual-stack listener's
 * connections) are given as IPv4. */
struct sock_sample {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t src[16], dst[16];	/* network byte order */
	uint16_t sport, dport;	/* host byte order */
	uint8_t state;		/* TCP_ESTABLISHED... (netinet/tcp.h) */
	uint32_t inode;		/* 0: no process holds it (an orphan, or
				 * TIME_WAIT) */
	/* from tcp_info; 0 where the kernel gives none (TIME_WAIT) */
	uint8_t retransmits, probes, backoff;
	uint32_t rto_us;
	uint32_t unacked;
};

struct sock_table {
	struct sock_sample *v;
	size_t n;
	size_t cap;
};

/* Replace @out's contents with every TCP socket (both families) in the
 * namespace of @nl, a NETLINK_SOCK_DIAG socket from netlink_open_in().
 * Returns 0, or -EIO / -ENOMEM with the reason in @d. */
int sockdiag_dump(struct netlink *nl, struct sock_table *out, struct diag *d);

/* A total order on sockets, same as sockdiag_same() where it says equal
 * (family, ports, listening or not, addresses): for sorting a table. */
int sockdiag_cmp(const struct sock_sample *a, const struct sock_sample *b);

/* Whether @a and @b are the same socket: the same addresses and ports
 * (and both listening or both not). */
int sockdiag_same(const struct sock_sample *a, const struct sock_sample *b);

void sock_table_clear(struct sock_table *t);

#endif
