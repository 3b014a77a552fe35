/* The router of a routed topology (`topology: routed`): the switch
 * namespace forwards between one subnet per host instead of bridging, and
 * may masquerade the client (NAT) with conntrack. Also the rtnetlink
 * helpers both kinds of topology use to address interfaces and route. */
#ifndef NETNS_ROUTER_H
#define NETNS_ROUTER_H

#include <stddef.h>

#include "common/diag.h"
#include "netns/topo.h"

struct netlink;

/* Add @text ("198.18.1.2/24", "fd00:1::2/64") to interface @ifindex, usable
 * at once (no duplicate address detection). @where names the namespace. */
int router_addr_add(struct netlink *nl, int ifindex, int family, const char *text,
		    const char *where, struct diag *d);

/* A default route through @gateway on @ifindex. */
int router_default_route(struct netlink *nl, int family, const char *gateway,
			 int ifindex, const char *where, struct diag *d);

/* Turn forwarding on inside the router's namespace @ns (only there). */
int router_forwarding(int ns, int family, struct diag *d);

/* The router's own nftables table (NAT, and what to do with a segment of
 * a connection conntrack no longer knows), as a script for libnftables,
 * into @buf; "" when the router needs none. @inside is the port behind
 * the NAT (the client's). */
const char *router_script(const struct topo_config *net, const char *inside,
			  char *buf, size_t len);

/* Apply @script and the conntrack settings of @net inside @ns. */
int router_filters(int ns, const struct topo_config *net, const char *script,
		   struct diag *d);

/* Delete every TCP connection conntrack tracks in @ns; *n gets how many. */
int router_ct_flush_tcp(int ns, int *n, struct diag *d);

#endif
