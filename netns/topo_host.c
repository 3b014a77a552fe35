/* One host of the topology: its namespace, its cable (a veth pair) to the
 * switch or router, its addresses and routes, and its power. */
#include "netns/topo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netns/netns.h"
#include "netns/offload.h"
#include "netns/router.h"
#include "netns/topo_internal.h"

/* The cable: a veth pair with one end as a bridge port in the switch and
 * the other, eth0, created directly in the host's namespace. */
static int make_cable(struct topo *t, struct topo_host *h, struct diag *d)
{
	struct rtnl_link *veth, *peer;
	struct nl_addr *mac;
	char where[128];
	int err;

	snprintf(where, sizeof(where), "switch of %s", t->label);
	veth = rtnl_link_veth_alloc();
	if (!veth)
		return -ENOMEM;
	rtnl_link_set_name(veth, h->port_name);
	peer = rtnl_link_veth_get_peer(veth);
	rtnl_link_set_name(peer, TOPO_HOST_IFNAME);
	rtnl_link_set_ns_fd(peer, h->ns);
	mac = nl_addr_build(AF_LLC, h->mac, sizeof(h->mac));
	if (!mac) {
		rtnl_link_put(peer);
		rtnl_link_veth_release(veth);
		return -ENOMEM;
	}
	rtnl_link_set_addr(peer, mac);
	nl_addr_put(mac);
	rtnl_link_put(peer);
	err = rtnl_link_add(t->sw_nl->sk, veth, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_veth_release(veth);
	if (err < 0)
		return netlink_fail(d, t->sw_nl, err, "create veth %s/%s for %s (%s)", h->port_name,
			       TOPO_HOST_IFNAME, h->name, where);
	err = topo_link_index(t->sw_nl, h->port_name, &h->port, where, d);
	if (err || t->net.kind == TOPO_ROUTED)
		return err;
	err = rtnl_link_enslave_ifindex(t->sw_nl->sk, t->bridge, h->port);
	if (err < 0)
		return netlink_fail(d, t->sw_nl, err, "attach %s to %s (%s)", h->port_name, BRIDGE_NAME, where);
	return 0;
}

const char *topo_host_addr_of(bool routed, int family, int host, char *buf, size_t len)
{
	bool v6 = family == AF_INET6;

	if (!routed)
		snprintf(buf, len, v6 ? "fd00::%x" : "198.18.0.%d", host + 1);
	else
		snprintf(buf, len, v6 ? "fd00:%x::2" : "198.18.%d.2", host + 1);
	return buf;
}

/* "198.18.0.1/24" (switched), "198.18.1.2/24" (routed: host i on subnet
 * i+1, its router .1), or the IPv6 equivalents in fd00::/8. */
const char *topo_addr_text(const struct topo *t, int host, bool router,
			   bool prefix, char *buf, size_t len)
{
	bool v6 = t->family == AF_INET6;
	int plen = v6 ? LAN6_PREFIXLEN : LAN_PREFIXLEN;

	if (router)
		snprintf(buf, len, v6 ? "fd00:%x::1" : "198.18.%d.1", host + 1);
	else
		topo_host_addr_of(t->net.kind == TOPO_ROUTED, t->family, host, buf, len);
	if (prefix)
		snprintf(buf + strlen(buf), len - strlen(buf), "/%d", plen);
	return buf;
}

static int offload_off_in(int ns, const char *ifname, struct diag *d)
{
	int home, err;

	err = netns_enter(ns, &home, d);
	if (err)
		return err;
	err = offload_disable(ifname, d);
	netns_return(home);
	return err;
}

/* The host side: loopback and eth0 up, the address, no offloads. (IPv6 is
 * off for an IPv4 scenario, quiet for an IPv6 one: see topo_make_host().) */
static int setup_host(struct topo *t, struct topo_host *h, struct diag *d)
{
	char where[128], text[64];
	int lo, err;

	snprintf(where, sizeof(where), "host %s of %s", h->name, t->label);
	err = netlink_open_in(h->ns, NETLINK_ROUTE, &h->nl, where, d);
	if (err)
		return err;
	if ((err = topo_link_index(h->nl, "lo", &lo, where, d)) ||
	    (err = topo_link_set_up(h->nl, lo, true, "lo", where, d)) ||
	    (err = topo_link_index(h->nl, TOPO_HOST_IFNAME, &h->ifindex, where, d)) ||
	    (err = router_addr_add(h->nl, h->ifindex, t->family,
				   topo_addr_text(t, (int)(h - t->hosts), false, true, text, sizeof(text)),
				   where, d)) ||
	    (err = offload_off_in(h->ns, TOPO_HOST_IFNAME, d)) ||
	    (err = topo_link_set_up(h->nl, h->ifindex, true, TOPO_HOST_IFNAME, where, d)))
		return err;
	return 0;
}

/* An IPv6 host that says nothing unasked: no router solicitations, no
 * autoconfiguration, no duplicate address detection (its link-local
 * address is usable at once, for neighbour discovery). Set as the default
 * before eth0 exists, so eth0 inherits it. */
int topo_ipv6_quiet(int ns, struct diag *d)
{
	static const char *const keys[] = {
		"net.ipv6.conf.default.accept_dad", "net.ipv6.conf.default.accept_ra",
		"net.ipv6.conf.default.autoconf", "net.ipv6.conf.default.router_solicitations",
	};
	int err;

	/* Linux flushes an interface's IPv6 addresses when it goes down
	 * (IPv4 ones stay): keep them, so that nic-up means what it means for
	 * IPv4, the interface back with its address */
	if ((err = netns_sysctl_write(ns, "net.ipv6.conf.default.keep_addr_on_down", "1", d)))
		return err;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((err = netns_sysctl_write(ns, keys[i], "0", d)))
			return err;
	return 0;
}

int topo_ipv6_off(int ns, struct diag *d)
{
	int err = netns_sysctl_write(ns, "net.ipv6.conf.default.disable_ipv6", "1", d);

	if (!err)
		err = netns_sysctl_write(ns, "net.ipv6.conf.all.disable_ipv6", "1", d);
	/* a kernel without IPv6 has nothing to turn off */
	return err == -ENOENT ? 0 : err;
}

/* Routed: the router's address on the host's subnet, and the host's
 * default route through it. */
static int route_host(struct topo *t, struct topo_host *h, struct diag *d)
{
	char where[128], text[64];
	int i = (int)(h - t->hosts), err;

	snprintf(where, sizeof(where), "router of %s", t->label);
	err = router_addr_add(t->sw_nl, h->port, t->family,
			      topo_addr_text(t, i, true, true, text, sizeof(text)), where, d);
	if (err)
		return err;
	snprintf(where, sizeof(where), "host %s of %s", h->name, t->label);
	return router_default_route(h->nl, t->family, topo_addr_text(t, i, true, false, text, sizeof(text)),
				    h->ifindex, where, d);
}

/* A host's namespace and its cable to the switch, configured and up. */
int topo_make_host(struct topo *t, struct topo_host *h, struct diag *d)
{
	char where[128];
	int err;

	snprintf(where, sizeof(where), "switch of %s", t->label);
	if ((err = netns_new(&h->ns, d)) ||
	    (err = t->family == AF_INET6 ? topo_ipv6_quiet(h->ns, d) : topo_ipv6_off(h->ns, d)) ||
	    (err = make_cable(t, h, d)) || (err = setup_host(t, h, d)) ||
	    (err = offload_off_in(t->sw_ns, h->port_name, d)) ||
	    (err = topo_link_set_up(t->sw_nl, h->port, true, h->port_name, where, d)))
		return err;
	return t->net.kind == TOPO_ROUTED ? route_host(t, h, d) : 0;
}

int topo_host_power_off(struct topo *t, int host, struct diag *d)
{
	struct topo_host *h = &t->hosts[host];
	struct rtnl_link *link;
	int err;

	if (h->off) {
		diag_add(d, "%s (%s) is already powered off", h->name, t->label);
		return -EALREADY;
	}
	/* the cable first: whatever the host's kernel still sends on its
	 * way down has nowhere to go */
	link = rtnl_link_alloc();
	if (!link)
		return -ENOMEM;
	rtnl_link_set_ifindex(link, h->port);
	err = rtnl_link_delete(t->sw_nl->sk, link);
	rtnl_link_put(link);
	if (err < 0)
		return netlink_fail(d, t->sw_nl, err, "delete %s (switch of %s)", h->port_name, t->label);
	netlink_close(h->nl);
	h->nl = NULL;
	/* the namespace lives on only in the endpoint's sockets, which die
	 * with it: nothing is left to reach */
	close(h->ns);
	h->ns = -1;
	h->port = h->ifindex = 0;
	h->off = true;
	return 0;
}

int topo_host_power_on(struct topo *t, int host, bool new_mac, struct diag *d)
{
	struct topo_host *h = &t->hosts[host];
	int err;

	if (!h->off) {
		diag_add(d, "%s (%s) is already powered on", h->name, t->label);
		return -EALREADY;
	}
	h->off = false;
	/* a replacement machine: another locally administered MAC, so the
	 * others' ARP entries for the address point at a NIC that is gone */
	if (new_mac)
		h->mac[4]++;
	if ((err = topo_make_host(t, h, d)) || (err = topo_wait_oper_up(t, d)))
		return err;
	return 0;
}

bool topo_host_powered(const struct topo *t, int host)
{
	return !t->hosts[host].off;
}

int topo_host_ns(const struct topo *t, int host)
{
	return t->hosts[host].ns;
}

struct in_addr topo_host_addr(const struct topo *t, int host)
{
	return t->hosts[host].addr;
}

const char *topo_host_alias_str(const struct topo *t, int host, char *buf, size_t len)
{
	/* behind the NAT, the client is seen as the router's address on the
	 * other host's subnet */
	if (!t->net.nat || host != 0 || t->nhosts < 2)
		return NULL;
	return topo_addr_text(t, 1, true, false, buf, len);
}

void topo_host_sockaddr(const struct topo *t, int host, uint16_t port,
			struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (t->family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_addr = t->hosts[host].addr6;
		*len = sizeof(*sin6);
		return;
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr = t->hosts[host].addr;
	*len = sizeof(*sin);
}

const char *topo_host_addr_str(const struct topo *t, int host, char *buf,
			       size_t len)
{
	const void *a = t->family == AF_INET6 ? (const void *)&t->hosts[host].addr6
					      : (const void *)&t->hosts[host].addr;

	if (!inet_ntop(t->family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

/* A powered-off host has no cable and no interface to act on. */
int topo_need_power(const struct topo *t, int host, struct diag *d)
{
	if (!t->hosts[host].off)
		return 0;
	diag_add(d, "%s (%s) is powered off", t->hosts[host].name, t->label);
	return -ENODEV;
}

int topo_host_set_up(struct topo *t, int host, bool up, struct diag *d)
{
	struct topo_host *h = &t->hosts[host];
	char where[128];

	if (topo_need_power(t, host, d))
		return -ENODEV;
	snprintf(where, sizeof(where), "host %s of %s", h->name, t->label);
	return topo_link_set_up(h->nl, h->ifindex, up, TOPO_HOST_IFNAME, where, d);
}
