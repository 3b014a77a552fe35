/* What this machine's kernel lets unplug do, found by trying each thing in
 * a throwaway namespace: `unplug check`, and the reason a scenario that
 * needs a missing feature is skipped. */
#ifndef NETNS_PROBE_H
#define NETNS_PROBE_H

#include <stdbool.h>

#include "common/diag.h"

enum probe_feature {
	PROBE_NETNS,		/* create a network namespace */
	PROBE_TOPOLOGY,		/* veth, bridge, addresses, links up */
	PROBE_NFT_BRIDGE,	/* nftables bridge family: blackhole, drop */
	PROBE_NFT_REJECT,	/* nftables netdev reject: reset, unreachable */
	PROBE_CAPTURE,		/* libpcap on an interface in a namespace */
	PROBE_NETEM,		/* the netem qdisc (sch_netem) */
	PROBE_IPV6,		/* hosts talking over IPv6 */
	PROBE_ROUTED_NAT,	/* a router with NAT and conntrack (nat-expire) */
	PROBE_NFEATURES
};

struct probe_result {
	bool ok;
	bool required;		/* without it no scenario can run */
	const char *name;	/* "network namespaces" */
	char why[256];		/* when !ok: the kernel's or library's reason */
};

/* Try @f. Never touches the host's own network: everything happens in
 * namespaces made for the purpose and gone when it returns. */
void probe_feature(enum probe_feature f, struct probe_result *out);

#endif
