#include "netns/probe.h"

#include <errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns/netlink.h"
#include "netns/netns.h"
#include "netns/nft.h"
#include "netns/router.h"
#include "netns/topo.h"

static const struct {
	const char *name;
	bool required;
} features[PROBE_NFEATURES] = {
	[PROBE_NETNS] = { "network namespaces", true },
	[PROBE_TOPOLOGY] = { "veth, bridge and addresses through netlink", true },
	[PROBE_NFT_BRIDGE] = { "nftables bridge family (blackhole, drop)", false },
	[PROBE_NFT_REJECT] = { "nftables netdev reject (reset, unreachable)", false },
	[PROBE_CAPTURE] = { "packet capture in a namespace (libpcap)", true },
	[PROBE_NETEM] = { "netem qdisc (delay, jitter, loss, reorder...)", false },
	[PROBE_IPV6] = { "IPv6 between hosts (family: ipv6)", false },
	[PROBE_ROUTED_NAT] = { "a NAT router with conntrack (topology: routed, nat-expire)", false },
};

static int with_topology(const struct topo_config *net,
			 int (*fn)(struct topo *t, struct diag *d), struct diag *d)
{
	static const char *const names[] = { "probe-a", "probe-b" };
	struct topo *t;
	int err = topo_create(names, 2, net, "unplug check", &t, d);

	if (err)
		return err;
	err = fn ? fn(t, d) : 0;
	topo_free(t);
	return err;
}

static int nft_bridge(struct topo *t, struct diag *d)
{
	return nft_run_in(topo_switch_ns(t),
			  "table bridge unplug_probe {\n"
			  "  chain forward { type filter hook forward priority 0; policy accept;\n"
			  "    iifname \"p-probe-a\" numgen random mod 100 < 50 tcp flags & syn == syn drop\n"
			  "  }\n}\n", d);
}

static int nft_reject(struct topo *t, struct diag *d)
{
	return nft_run_in(topo_switch_ns(t),
			  "table netdev unplug_probe {\n"
			  "  chain ingress { type filter hook ingress device \"p-probe-a\" priority 0;\n"
			  "    meta l4proto tcp reject with tcp reset\n"
			  "    reject with icmpx type host-unreachable\n"
			  "  }\n}\n", d);
}

static int capture(struct topo *t, struct diag *d)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(TOPO_HOST_IFNAME, errbuf);
	int home, err;

	if (!p) {
		diag_add(d, "%s", errbuf);
		return -EIO;
	}
	err = netns_enter(topo_host_ns(t, 0), &home, d);
	if (!err) {
		err = pcap_activate(p) < 0 ? -EIO : 0;
		netns_return(home);
		if (err)
			diag_add(d, "%s", pcap_geterr(p));
	}
	pcap_close(p);
	return err;
}

/* The router's conntrack can be read (and so flushed). */
static int conntrack(struct topo *t, struct diag *d)
{
	int n;

	return router_ct_flush_tcp(topo_switch_ns(t), &n, d);
}

/* A netem qdisc on the loopback of a fresh namespace. */
static int netem(struct diag *d)
{
	struct netlink *nl = NULL;
	struct rtnl_qdisc *q = NULL;
	int ns, err;

	if ((err = netns_new(&ns, d)))
		return err;
	if ((err = netlink_open_in(ns, NETLINK_ROUTE, &nl, "a throwaway namespace", d))) {
		close(ns);
		return err;
	}
	q = rtnl_qdisc_alloc();
	err = q ? 0 : -NLE_NOMEM;
	if (err >= 0) {
		rtnl_tc_set_ifindex(TC_CAST(q), 1);	/* lo */
		rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
		err = rtnl_tc_set_kind(TC_CAST(q), "netem");
		if (err >= 0) {
			rtnl_netem_set_delay(q, 1000);
			err = rtnl_qdisc_add(nl->sk, q, NLM_F_CREATE);
		}
	}
	if (err < 0)
		netlink_fail(d, nl, err, "add a netem qdisc%s",
			     err == -NLE_OPNOTSUPP || err == -NLE_NOATTR || err == -NLE_OBJ_NOTFOUND ?
			     " (the kernel has no sch_netem)" : "");
	rtnl_qdisc_put(q);
	netlink_close(nl);
	close(ns);
	return err < 0 ? -EOPNOTSUPP : 0;
}

void probe_feature(enum probe_feature f, struct probe_result *out)
{
	struct diag d;
	int ns, err;

	diag_init(&d, NULL);
	out->name = features[f].name;
	out->required = features[f].required;
	switch (f) {
	case PROBE_NETNS:
		err = netns_new(&ns, &d);
		if (!err)
			close(ns);
		break;
	case PROBE_TOPOLOGY:
		err = with_topology(NULL, NULL, &d);
		break;
	case PROBE_NFT_BRIDGE:
		err = with_topology(NULL, nft_bridge, &d);
		break;
	case PROBE_NFT_REJECT:
		err = with_topology(NULL, nft_reject, &d);
		break;
	case PROBE_CAPTURE:
		err = with_topology(NULL, capture, &d);
		break;
	case PROBE_IPV6:
		err = with_topology(&(struct topo_config){ .kind = TOPO_SWITCHED, .family = AF_INET6 },
				    NULL, &d);
		break;
	case PROBE_ROUTED_NAT:
		err = with_topology(&(struct topo_config){ .kind = TOPO_ROUTED, .family = AF_INET,
							  .nat = true }, conntrack, &d);
		break;
	case PROBE_NETEM:
	default:
		err = netem(&d);
		break;
	}
	out->ok = !err;
	/* one line: nft's messages go on with the rule and a caret under it */
	snprintf(out->why, sizeof(out->why), "%.*s", err ? (int)strcspn(diag_last(&d), "\n") : 0,
		 err ? diag_last(&d) : "");
	diag_clear(&d);
}
