#include "netns/router.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <netinet/in.h>
#include <netlink/netfilter/ct.h>
#include <netlink/netfilter/nfnl.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <sys/socket.h>

#include "common/duration.h"
#include "netns/netlink.h"
#include "netns/netns.h"
#include "netns/nft.h"

int router_addr_add(struct netlink *nl, int ifindex, int family, const char *text,
		    const char *where, struct diag *d)
{
	struct nl_addr *local;
	struct rtnl_addr *a;
	int err = nl_addr_parse(text, family, &local);

	if (err < 0)
		return netlink_fail(d, NULL, err, "parse address %s (%s)", text, where);
	a = rtnl_addr_alloc();
	if (!a) {
		nl_addr_put(local);
		return -ENOMEM;
	}
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_local(a, local);
	if (family == AF_INET6)
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	err = rtnl_addr_add(nl->sk, a, 0);
	rtnl_addr_put(a);
	nl_addr_put(local);
	return err < 0 ? netlink_fail(d, nl, err, "add address %s (%s)", text, where) : 0;
}

int router_default_route(struct netlink *nl, int family, const char *gateway,
			 int ifindex, const char *where, struct diag *d)
{
	struct nl_addr *dst = NULL, *gw = NULL;
	struct rtnl_nexthop *nh = NULL;
	struct rtnl_route *r;
	int err;

	r = rtnl_route_alloc();
	if (!r)
		return -ENOMEM;
	err = nl_addr_parse(family == AF_INET6 ? "::/0" : "0.0.0.0/0", family, &dst);
	if (!err)
		err = nl_addr_parse(gateway, family, &gw);
	if (err < 0) {
		err = netlink_fail(d, NULL, err, "parse route via %s (%s)", gateway, where);
		goto out;
	}
	nh = rtnl_route_nh_alloc();
	if (!nh) {
		err = -ENOMEM;
		goto out;
	}
	rtnl_route_set_family(r, (uint8_t)family);
	rtnl_route_set_dst(r, dst);
	rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(r, nh);	/* the route owns it now */
	err = rtnl_route_add(nl->sk, r, NLM_F_CREATE);
	if (err < 0)
		err = netlink_fail(d, nl, err, "add default route via %s (%s)", gateway, where);
out:
	nl_addr_put(dst);
	nl_addr_put(gw);
	rtnl_route_put(r);
	return err;
}

int router_forwarding(int ns, int family, struct diag *d)
{
	if (family == AF_INET6)
		return netns_sysctl_write(ns, "net.ipv6.conf.all.forwarding", "1", d);
	return netns_sysctl_write(ns, "net.ipv4.ip_forward", "1", d);
}

const char *router_script(const struct topo_config *net, const char *inside,
			  char *buf, size_t len)
{
	static const char *const untracked[] = {
		[TOPO_UNTRACKED_PICKUP] = "",
		[TOPO_UNTRACKED_DROP] = "    ct state invalid drop\n",
		[TOPO_UNTRACKED_RESET] = "    ct state invalid meta l4proto tcp reject with tcp reset\n"
				    "    ct state invalid drop\n",
	};

	buf[0] = '\0';
	if (!net->nat)
		return buf;
	snprintf(buf, len,
		 "table inet unplug_router {\n"
		 "  chain postrouting {\n"
		 "    type nat hook postrouting priority srcnat; policy accept;\n"
		 "    iifname \"%s\" masquerade\n"
		 "  }\n"
		 "  chain forward {\n"
		 "    type filter hook forward priority 0; policy accept;\n"
		 "%s"
		 "  }\n"
		 "}\n",
		 inside, untracked[net->untracked]);
	return buf;
}

int router_filters(int ns, const struct topo_config *net, const char *script,
		   struct diag *d)
{
	char v[32];
	int err;

	if (!script[0])
		return 0;
	if ((err = nft_run_in(ns, script, d)))
		return err;
	/* conntrack picks up a connection it does not know from any segment
	 * (nf_conntrack_tcp_loose) unless told otherwise: then such a
	 * segment is invalid, for the forward chain to drop or reset */
	if (net->untracked != TOPO_UNTRACKED_PICKUP &&
	    (err = netns_sysctl_write(ns, "net.netfilter.nf_conntrack_tcp_loose", "0", d)))
		return err;
	if (!net->conntrack_timeout_ns)
		return 0;
	snprintf(v, sizeof(v), "%lld", (long long)(net->conntrack_timeout_ns / NS_PER_S));
	return netns_sysctl_write(ns, "net.netfilter.nf_conntrack_tcp_timeout_established", v, d);
}

struct flush {
	struct netlink *nl;
	int n, err;
	char ack[256];		/* the kernel's text for the first refusal */
};

static void flush_one(struct nl_object *obj, void *arg)
{
	struct nfnl_ct *ct = (struct nfnl_ct *)obj;
	struct flush *f = arg;
	int err;

	if (nfnl_ct_get_proto(ct) != IPPROTO_TCP)
		return;
	err = nfnl_ct_del(f->nl->sk, ct, 0);
	if (err < 0 && !f->err) {
		f->err = err;
		snprintf(f->ack, sizeof(f->ack), "%s", f->nl->ack);
	} else if (err >= 0)
		f->n++;
}

int router_ct_flush_tcp(int ns, int *n, struct diag *d)
{
	struct flush f = { 0 };
	struct nl_cache *cache = NULL;
	int err;

	*n = 0;
	/* a netlink socket belongs to the namespace it was opened in */
	if ((err = netlink_open_in(ns, NETLINK_NETFILTER, &f.nl, "router", d)))
		return err;
	if ((err = nfnl_ct_alloc_cache(f.nl->sk, &cache)) < 0) {
		netlink_fail(d, f.nl, err, "read the conntrack table (router)");
		netlink_close(f.nl);
		return -EIO;
	}
	nl_cache_foreach(cache, flush_one, &f);
	nl_cache_free(cache);
	if (f.err < 0) {
		snprintf(f.nl->ack, sizeof(f.nl->ack), "%s", f.ack);
		netlink_fail(d, f.nl, f.err, "delete a conntrack entry (router)");
	}
	netlink_close(f.nl);
	if (f.err < 0)
		return -EIO;
	*n = f.n;
	return 0;
}
