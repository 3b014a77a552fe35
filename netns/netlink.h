/* Netlink sockets inside our namespaces that keep the kernel's own words
 * for a refusal: extended acks (NETLINK_EXT_ACK, Linux 4.12) carry a text
 * such as "Permitted range is 1 to 4096" that libnl 3.7 drops. */
#ifndef NETNS_NETLINK_H
#define NETNS_NETLINK_H

#include "common/diag.h"

struct nl_sock;

struct netlink {
	struct nl_sock *sk;
	char ack[256];		/* the kernel's text for the last refusal on
				 * this socket (NLMSGERR_ATTR_MSG); "" none */
};

/* Open a netlink socket of @protocol (NETLINK_ROUTE, NETLINK_NETFILTER)
 * that acts on namespace @ns for its lifetime, with extended acks on.
 * @where names the namespace in errors. Returns 0 and a socket to close
 * with netlink_close(), or -EIO with the reason in @d. */
int netlink_open_in(int ns, int protocol, struct netlink **out, const char *where,
		    struct diag *d);

/* Close @nl; NULL is a no-op. */
void netlink_close(struct netlink *nl);

/* Report libnl error @nlerr (an NLE_* code) of a request on @nl as
 * "<what>: <libnl's text>: <the kernel's text>" (the last part when the
 * kernel gave one), and forget that text. Returns -EIO. */
int netlink_fail(struct diag *d, struct netlink *nl, int nlerr, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
