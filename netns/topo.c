#include "netns/topo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <linux/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness/duration.h"
#include "netns/netem.h"
#include "netns/netns.h"
#include "netns/nft.h"
#include "netns/offload.h"
#include "netns/router.h"

#define TOPO_MAX_HOSTS 16
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
	struct nl_sock *nl;	/* rtnetlink, bound in its namespace */
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
	struct net_config net;	/* switched or routed, the family, NAT */
	int family;		/* what the hosts talk over: AF_INET or AF_INET6 */
	char router_script[1024];	/* routed: the router's own nft table */
	int sw_ns;
	struct nl_sock *sw_nl;
	int bridge;
	struct topo_host hosts[TOPO_MAX_HOSTS];
	size_t nhosts;
};

static int nl_fail(struct diag *d, int nlerr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* libnl errors are NLE_* codes, not errno: report the text, return -EIO. */
static int nl_fail(struct diag *d, int nlerr, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	diag_add(d, "%s: %s", what, nl_geterror(nlerr));
	return -EIO;
}

/* An rtnetlink socket that will act on namespace @ns for its lifetime. */
static int nl_open_in(int ns, struct nl_sock **out, const char *where,
		      struct diag *d)
{
	struct nl_sock *sk;
	int home, err;

	*out = NULL;
	err = netns_enter(ns, &home, d);
	if (err)
		return err;
	sk = nl_socket_alloc();
	err = sk ? nl_connect(sk, NETLINK_ROUTE) : -NLE_NOMEM;
	netns_return(home);
	if (err < 0) {
		nl_socket_free(sk);
		return nl_fail(d, err, "rtnetlink socket in %s", where);
	}
	*out = sk;
	return 0;
}

static int link_index(struct nl_sock *sk, const char *name, int *ifindex,
		      const char *where, struct diag *d)
{
	struct rtnl_link *link;
	int err;

	err = rtnl_link_get_kernel(sk, 0, name, &link);
	if (err < 0)
		return nl_fail(d, err, "look up %s (%s)", name, where);
	*ifindex = rtnl_link_get_ifindex(link);
	rtnl_link_put(link);
	return 0;
}

static int link_set_up(struct nl_sock *sk, int ifindex, bool up,
		       const char *name, const char *where, struct diag *d)
{
	struct rtnl_link *orig = NULL, *change = NULL;
	int err;

	err = rtnl_link_get_kernel(sk, ifindex, NULL, &orig);
	if (err < 0)
		return nl_fail(d, err, "link %s on %s (%s)", up ? "up" : "down", name, where);
	change = rtnl_link_alloc();
	if (!change) {
		rtnl_link_put(orig);
		return -ENOMEM;
	}
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	else
		rtnl_link_unset_flags(change, IFF_UP);
	err = rtnl_link_change(sk, orig, change, 0);
	rtnl_link_put(change);
	rtnl_link_put(orig);
	if (err < 0)
		return nl_fail(d, err, "link %s on %s (%s)", up ? "up" : "down", name, where);
	return 0;
}

static int make_bridge(struct topo *t, struct diag *d)
{
	char where[128];
	int err;

	snprintf(where, sizeof(where), "switch of %s", t->label);
	err = rtnl_link_bridge_add(t->sw_nl, BRIDGE_NAME);
	if (err < 0)
		return nl_fail(d, err, "create bridge %s (%s)", BRIDGE_NAME, where);
	return link_index(t->sw_nl, BRIDGE_NAME, &t->bridge, where, d);
}

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
	err = rtnl_link_add(t->sw_nl, veth, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_veth_release(veth);
	if (err < 0)
		return nl_fail(d, err, "create veth %s/%s for %s (%s)", h->port_name,
			       TOPO_HOST_IFNAME, h->name, where);
	err = link_index(t->sw_nl, h->port_name, &h->port, where, d);
	if (err || t->net.kind == NET_ROUTED)
		return err;
	err = rtnl_link_enslave_ifindex(t->sw_nl, t->bridge, h->port);
	if (err < 0)
		return nl_fail(d, err, "attach %s to %s (%s)", h->port_name, BRIDGE_NAME, where);
	return 0;
}

/* "198.18.0.1/24" (switched), "198.18.1.2/24" (routed: host i on subnet
 * i+1, its router .1), or the IPv6 equivalents in fd00::/8. */
static const char *addr_text(const struct topo *t, int host, bool router,
			     bool prefix, char *buf, size_t len)
{
	bool v6 = t->family == AF_INET6;
	int plen = v6 ? LAN6_PREFIXLEN : LAN_PREFIXLEN;

	if (t->net.kind == NET_SWITCHED)
		snprintf(buf, len, v6 ? "fd00::%x" : "198.18.0.%d", host + 1);
	else
		snprintf(buf, len, v6 ? "fd00:%x::%d" : "198.18.%d.%d", host + 1, router ? 1 : 2);
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
 * off for an IPv4 scenario, quiet for an IPv6 one: see make_host().) */
static int setup_host(struct topo *t, struct topo_host *h, struct diag *d)
{
	char where[128], text[64];
	int lo, err;

	snprintf(where, sizeof(where), "host %s of %s", h->name, t->label);
	err = nl_open_in(h->ns, &h->nl, where, d);
	if (err)
		return err;
	if ((err = link_index(h->nl, "lo", &lo, where, d)) ||
	    (err = link_set_up(h->nl, lo, true, "lo", where, d)) ||
	    (err = link_index(h->nl, TOPO_HOST_IFNAME, &h->ifindex, where, d)) ||
	    (err = router_addr_add(h->nl, h->ifindex, t->family,
				   addr_text(t, (int)(h - t->hosts), false, true, text, sizeof(text)),
				   where, d)) ||
	    (err = offload_off_in(h->ns, TOPO_HOST_IFNAME, d)) ||
	    (err = link_set_up(h->nl, h->ifindex, true, TOPO_HOST_IFNAME, where, d)))
		return err;
	return 0;
}

/* An IPv6 host that says nothing unasked: no router solicitations, no
 * autoconfiguration, no duplicate address detection (its link-local
 * address is usable at once, for neighbour discovery). Set as the default
 * before eth0 exists, so eth0 inherits it. */
static int ipv6_quiet(int ns, struct diag *d)
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

static int ipv6_off(int ns, struct diag *d)
{
	int err = netns_sysctl_write(ns, "net.ipv6.conf.default.disable_ipv6", "1", d);

	if (!err)
		err = netns_sysctl_write(ns, "net.ipv6.conf.all.disable_ipv6", "1", d);
	/* a kernel without IPv6 has nothing to turn off */
	return err == -ENOENT ? 0 : err;
}

static int oper_up(struct nl_sock *sk, int ifindex, bool *up)
{
	struct rtnl_link *link;
	int err = rtnl_link_get_kernel(sk, ifindex, NULL, &link);

	if (err < 0)
		return err;
	*up = rtnl_link_get_operstate(link) == IF_OPER_UP;
	rtnl_link_put(link);
	return 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* Ready means IF_OPER_UP everywhere: until linkwatch has run, the qdisc is
 * still noop and the first SYN is dropped (a 1 s stall to the retry). */
static int wait_oper_up(struct topo *t, struct diag *d)
{
	int64_t deadline = now_ns() + OPER_UP_TIMEOUT_NS;

	for (;;) {
		const char *down = NULL;
		bool up;
		int err;

		if (t->net.kind == NET_SWITCHED) {
			if ((err = oper_up(t->sw_nl, t->bridge, &up)) < 0)
				return nl_fail(d, err, "read state of %s (switch of %s)", BRIDGE_NAME, t->label);
			if (!up)
				down = BRIDGE_NAME;
		}
		for (size_t i = 0; i < t->nhosts && !down; i++) {
			struct topo_host *h = &t->hosts[i];

			if (h->off)
				continue;
			if ((err = oper_up(t->sw_nl, h->port, &up)) < 0)
				return nl_fail(d, err, "read state of %s (switch of %s)", h->port_name, t->label);
			if (!up)
				down = h->port_name;
			else if ((err = oper_up(h->nl, h->ifindex, &up)) < 0)
				return nl_fail(d, err, "read state of %s (host %s of %s)", TOPO_HOST_IFNAME, h->name, t->label);
			else if (!up)
				down = h->name;
		}
		if (!down)
			return 0;
		if (now_ns() > deadline) {
			diag_add(d, "%s (%s) is not operationally up after %lld s",
				 down, t->label, (long long)(OPER_UP_TIMEOUT_NS / NS_PER_S));
			return -ETIMEDOUT;
		}
		usleep(2000);
	}
}

/* Routed: the router's address on the host's subnet, and the host's
 * default route through it. */
static int route_host(struct topo *t, struct topo_host *h, struct diag *d)
{
	char where[128], text[64];
	int i = (int)(h - t->hosts), err;

	snprintf(where, sizeof(where), "router of %s", t->label);
	err = router_addr_add(t->sw_nl, h->port, t->family,
			      addr_text(t, i, true, true, text, sizeof(text)), where, d);
	if (err)
		return err;
	snprintf(where, sizeof(where), "host %s of %s", h->name, t->label);
	return router_default_route(h->nl, t->family, addr_text(t, i, true, false, text, sizeof(text)),
				    h->ifindex, where, d);
}

/* A host's namespace and its cable to the switch, configured and up. */
static int make_host(struct topo *t, struct topo_host *h, struct diag *d)
{
	char where[128];
	int err;

	snprintf(where, sizeof(where), "switch of %s", t->label);
	if ((err = netns_new(&h->ns, d)) ||
	    (err = t->family == AF_INET6 ? ipv6_quiet(h->ns, d) : ipv6_off(h->ns, d)) ||
	    (err = make_cable(t, h, d)) || (err = setup_host(t, h, d)) ||
	    (err = offload_off_in(t->sw_ns, h->port_name, d)) ||
	    (err = link_set_up(t->sw_nl, h->port, true, h->port_name, where, d)))
		return err;
	return t->net.kind == NET_ROUTED ? route_host(t, h, d) : 0;
}

static int build(struct topo *t, const char *const *names, struct diag *d)
{
	char where[128], text[64];
	int err;

	snprintf(where, sizeof(where), "switch of %s", t->label);
	if ((err = netns_new(&t->sw_ns, d)) ||
	    (err = nl_open_in(t->sw_ns, &t->sw_nl, where, d)))
		return err;
	if (t->net.kind == NET_SWITCHED)
		err = ipv6_off(t->sw_ns, d);
	else if (t->family == AF_INET6)
		err = ipv6_quiet(t->sw_ns, d);
	else
		err = ipv6_off(t->sw_ns, d);
	if (!err)
		err = t->net.kind == NET_SWITCHED ? make_bridge(t, d)
						  : router_forwarding(t->sw_ns, t->family, d);
	if (err)
		return err;
	for (size_t i = 0; i < t->nhosts; i++) {
		struct topo_host *h = &t->hosts[i];

		h->name = names[i];
		h->ns = -1;
		snprintf(h->port_name, sizeof(h->port_name), "p-%.12s", names[i]);
		t->family = AF_INET;
		inet_pton(AF_INET, addr_text(t, (int)i, false, false, text, sizeof(text)), &h->addr);
		t->family = AF_INET6;
		inet_pton(AF_INET6, addr_text(t, (int)i, false, false, text, sizeof(text)), &h->addr6);
		t->family = t->net.family;
		/* locally administered, unicast: 02:00:00:00:00:<n> */
		memcpy(h->mac, (uint8_t[6]){ 0x02, 0, 0, 0, 0, (uint8_t)(i + 1) }, 6);
		if ((err = make_host(t, h, d)))
			return err;
	}
	if (t->net.kind == NET_SWITCHED &&
	    (err = link_set_up(t->sw_nl, t->bridge, true, BRIDGE_NAME, where, d)))
		return err;
	router_script(&t->net, t->hosts[0].port_name, t->router_script, sizeof(t->router_script));
	if (t->net.kind == NET_ROUTED &&
	    (err = router_filters(t->sw_ns, &t->net, t->router_script, d)))
		return err;
	return wait_oper_up(t, d);
}

int topo_create(const char *const *names, size_t n,
		const struct net_config *net, const char *label,
		struct topo **out, struct diag *d)
{
	struct topo *t;
	int err;

	*out = NULL;
	if (n > TOPO_MAX_HOSTS)
		return -E2BIG;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->label = label;
	if (net)
		t->net = *net;
	else
		t->net = (struct net_config){ .kind = NET_SWITCHED, .family = AF_INET };
	t->family = t->net.family;
	t->sw_ns = -1;
	t->nhosts = n;
	for (size_t i = 0; i < n; i++)
		t->hosts[i].ns = -1;
	err = build(t, names, d);
	if (err) {
		topo_free(t);
		return err;
	}
	*out = t;
	return 0;
}

static void delete_link(struct nl_sock *sk, int ifindex)
{
	struct rtnl_link *link = rtnl_link_alloc();

	if (!link)
		return;
	rtnl_link_set_ifindex(link, ifindex);
	rtnl_link_delete(sk, link);	/* best effort: the namespace goes next */
	rtnl_link_put(link);
}

void topo_free(struct topo *t)
{
	if (!t)
		return;
	for (size_t i = t->nhosts; i-- > 0;) {
		struct topo_host *h = &t->hosts[i];

		if (t->sw_nl && h->port > 0)
			delete_link(t->sw_nl, h->port);	/* takes eth0 with it */
		nl_socket_free(h->nl);
		if (h->ns >= 0)
			close(h->ns);
	}
	if (t->sw_nl && t->bridge > 0)
		delete_link(t->sw_nl, t->bridge);
	nl_socket_free(t->sw_nl);
	if (t->sw_ns >= 0)
		close(t->sw_ns);
	free(t);
}

int topo_switch_ns(const struct topo *t)
{
	return t->sw_ns;
}

const char *topo_port_name(const struct topo *t, int host)
{
	return t->hosts[host].port_name;
}

int topo_port_ifindex(const struct topo *t, int host)
{
	return t->hosts[host].port;
}

int topo_switch_request(struct topo *t, struct nl_msg *msg, struct diag *d)
{
	int err = nl_send_auto(t->sw_nl, msg);

	if (err >= 0)
		err = nl_wait_for_ack(t->sw_nl);
	if (err < 0)
		return nl_fail(d, err, "netlink request (switch of %s)", t->label);
	return 0;
}

int topo_heal(struct topo *t, struct diag *d)
{
	struct nl_msg *msg;
	int err;

	/* netem qdiscs go first: deleting a root qdisc that is not there is
	 * an error worth ignoring, not reporting */
	for (size_t i = 0; i < t->nhosts; i++) {
		struct diag ignored;

		if (t->hosts[i].off)
			continue;
		if (netem_build_del(t->hosts[i].port, &msg))
			return -ENOMEM;
		diag_init(&ignored, NULL);
		topo_switch_request(t, msg, &ignored);
		diag_clear(&ignored);
		nlmsg_free(msg);
	}

	/* every fault's table goes; the router's own comes back */
	if ((err = nft_run_in(t->sw_ns, "flush ruleset\n", d)) ||
	    (t->router_script[0] && (err = nft_run_in(t->sw_ns, t->router_script, d))) ||
	    (err = topo_switch_set_up(t, true, d)))
		return err;
	for (size_t i = 0; i < t->nhosts; i++)
		if (!t->hosts[i].off && (err = topo_host_set_up(t, (int)i, true, d)))
			return err;
	return 0;
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
	err = rtnl_link_delete(t->sw_nl, link);
	rtnl_link_put(link);
	if (err < 0)
		return nl_fail(d, err, "delete %s (switch of %s)", h->port_name, t->label);
	nl_socket_free(h->nl);
	h->nl = NULL;
	/* the namespace lives on only in the endpoint's sockets, which die
	 * with it: nothing is left to reach */
	close(h->ns);
	h->ns = -1;
	h->port = h->ifindex = 0;
	h->off = true;
	return 0;
}

int topo_host_power_on(struct topo *t, int host, struct diag *d)
{
	struct topo_host *h = &t->hosts[host];
	int err;

	if (!h->off) {
		diag_add(d, "%s (%s) is already powered on", h->name, t->label);
		return -EALREADY;
	}
	h->off = false;
	if ((err = make_host(t, h, d)) || (err = wait_oper_up(t, d)))
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

int topo_family(const struct topo *t)
{
	return t->family;
}

const char *topo_filter_family(const struct topo *t)
{
	return t->net.kind == NET_ROUTED ? "inet" : "bridge";
}

bool topo_routed(const struct topo *t)
{
	return t->net.kind == NET_ROUTED;
}

const char *topo_host_alias_str(const struct topo *t, int host, char *buf, size_t len)
{
	/* behind the NAT, the client is seen as the router's address on the
	 * other host's subnet */
	if (!t->net.nat || host != 0 || t->nhosts < 2)
		return NULL;
	return addr_text(t, 1, true, false, buf, len);
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
static int need_power(const struct topo *t, int host, struct diag *d)
{
	if (!t->hosts[host].off)
		return 0;
	diag_add(d, "%s (%s) is powered off", t->hosts[host].name, t->label);
	return -ENODEV;
}

int topo_port_set_up(struct topo *t, int host, bool up, struct diag *d)
{
	char where[128];

	if (need_power(t, host, d))
		return -ENODEV;
	snprintf(where, sizeof(where), "switch of %s", t->label);
	return link_set_up(t->sw_nl, t->hosts[host].port, up,
			   t->hosts[host].port_name, where, d);
}

int topo_host_set_up(struct topo *t, int host, bool up, struct diag *d)
{
	struct topo_host *h = &t->hosts[host];
	char where[128];

	if (need_power(t, host, d))
		return -ENODEV;
	snprintf(where, sizeof(where), "host %s of %s", h->name, t->label);
	return link_set_up(h->nl, h->ifindex, up, TOPO_HOST_IFNAME, where, d);
}

int topo_switch_set_up(struct topo *t, bool up, struct diag *d)
{
	int err;

	for (size_t i = 0; i < t->nhosts; i++)
		if (!t->hosts[i].off && (err = topo_port_set_up(t, (int)i, up, d)))
			return err;
	return 0;
}
