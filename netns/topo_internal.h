/* The topology's private state, shared by topo.c (the switch or router
 * and the whole network) and topo_host.c (each host: its namespace, its
 * cable, its addresses, its power). Nothing outside netns/topo*.c uses it. */
#ifndef NETNS_TOPO_INTERNAL_H
#define NETNS_TOPO_INTERNAL_H

#include <linux/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "netns/netlink.h"
#include "netns/topo.h"

#define TOPO_MAX_HOSTS 64
#define BRIDGE_NAME "br0"
/* 198.18.0.0/15 is reserved for benchmarking (RFC 2544): never routed. */
#define LAN_PREFIXLEN 24
/* fd00::/8 is unique-local (RFC 4193): never routed either. */
#define LAN6_PREFIXLEN 64
/* Links normally reach IF_OPER_UP within a few ms; the kernel's linkwatch
 * may hold a carrier change back for up to a second. */
#define OPER_UP_TIMEOUT_NS (5 * NS_PER_S)

struct topo_host {
	const char *name;
	int ns;			/* its namespace */
	struct netlink *nl;	/* rtnetlink, bound in its namespace */
	int ifindex;		/* eth0, in its namespace */
	int port;		/* its switch port, in the switch namespace */
	char port_name[IFNAMSIZ];
	struct in_addr addr;
	struct in6_addr addr6;
	uint8_t mac[6];		/* eth0's, fixed: it survives a power cycle */
	bool off;		/* powered off: no namespace, no cable */
};

struct topo {
	const char *label;
	struct topo_config net;	/* switched or routed, the family, NAT */
	int family;		/* what the hosts talk over: AF_INET or AF_INET6 */
	char router_script[1024];	/* routed: the router's own nft table */
	int sw_ns;
	struct nft *sw_nft;	/* libnftables, ready in the switch */
	struct netlink *sw_nl;
	int bridge;
	struct topo_host hosts[TOPO_MAX_HOSTS];
	size_t nhosts;
};

int topo_link_index(struct netlink *nl, const char *name, int *ifindex,
		    const char *where, struct diag *d);
int topo_link_set_up(struct netlink *nl, int ifindex, bool up, const char *name,
		     const char *where, struct diag *d);

/* Wait until every link is IF_OPER_UP (see topo.c). */
int topo_wait_oper_up(struct topo *t, struct diag *d);

/* IPv6 off in namespace @ns, or quiet (see topo_host.c). */
int topo_ipv6_off(int ns, struct diag *d);
int topo_ipv6_quiet(int ns, struct diag *d);

/* Host @host's address as text, or its router's on its subnet; with the
 * prefix length if @prefix. */
const char *topo_addr_text(const struct topo *t, int host, bool router, bool prefix,
			   char *buf, size_t len);

/* Make host @h: its namespace, cable, addresses and routes, up. */
int topo_make_host(struct topo *t, struct topo_host *h, struct diag *d);

/* -ENODEV with a message when @host is powered off. */
int topo_need_power(const struct topo *t, int host, struct diag *d);

#endif
