/* The network a scenario runs in, as a whole: the switch (a bridge) or
 * the router in its own namespace, the hosts it connects (topo_host.c),
 * readiness, healing, and undoing it all. */
#include "netns/topo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/duration.h"
#include "netns/netem.h"
#include "netns/netns.h"
#include "netns/nft.h"
#include "netns/router.h"
#include "netns/topo_internal.h"

int topo_link_index(struct netlink *nl, const char *name, int *ifindex,
		    const char *where, struct diag *d)
{
	struct rtnl_link *link;
	int err;

	err = rtnl_link_get_kernel(nl->sk, 0, name, &link);
	if (err < 0)
		return netlink_fail(d, nl, err, "look up %s (%s)", name, where);
	*ifindex = rtnl_link_get_ifindex(link);
	rtnl_link_put(link);
	return 0;
}

int topo_link_set_up(struct netlink *nl, int ifindex, bool up,
		     const char *name, const char *where, struct diag *d)
{
	struct rtnl_link *orig = NULL, *change = NULL;
	int err;

	err = rtnl_link_get_kernel(nl->sk, ifindex, NULL, &orig);
	if (err < 0)
		return netlink_fail(d, nl, err, "link %s on %s (%s)", up ? "up" : "down", name, where);
	change = rtnl_link_alloc();
	if (!change) {
		rtnl_link_put(orig);
		return -ENOMEM;
	}
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	else
		rtnl_link_unset_flags(change, IFF_UP);
	err = rtnl_link_change(nl->sk, orig, change, 0);
	rtnl_link_put(change);
	rtnl_link_put(orig);
	if (err < 0)
		return netlink_fail(d, nl, err, "link %s on %s (%s)", up ? "up" : "down", name, where);
	return 0;
}

static int make_bridge(struct topo *t, struct diag *d)
{
	char where[128];
	int err;

	snprintf(where, sizeof(where), "switch of %s", t->label);
	err = rtnl_link_bridge_add(t->sw_nl->sk, BRIDGE_NAME);
	if (err < 0)
		return netlink_fail(d, t->sw_nl, err, "create bridge %s (%s)", BRIDGE_NAME, where);
	return topo_link_index(t->sw_nl, BRIDGE_NAME, &t->bridge, where, d);
}

static int oper_up(struct netlink *nl, int ifindex, bool *up)
{
	struct rtnl_link *link;
	int err = rtnl_link_get_kernel(nl->sk, ifindex, NULL, &link);

	if (err < 0)
		return err;
	*up = rtnl_link_get_operstate(link) == IF_OPER_UP;
	rtnl_link_put(link);
	return 0;
}

/* Ready means IF_OPER_UP everywhere: until linkwatch has run, the qdisc is
 * still noop and the first SYN is dropped (a 1 s stall to the retry). */
int topo_wait_oper_up(struct topo *t, struct diag *d)
{
	int64_t deadline = clock_mono_ns() + OPER_UP_TIMEOUT_NS;

	for (;;) {
		const char *down = NULL;
		bool up;
		int err;

		if (t->net.kind == TOPO_SWITCHED) {
			if ((err = oper_up(t->sw_nl, t->bridge, &up)) < 0)
				return netlink_fail(d, t->sw_nl, err, "read state of %s (switch of %s)", BRIDGE_NAME, t->label);
			if (!up)
				down = BRIDGE_NAME;
		}
		for (size_t i = 0; i < t->nhosts && !down; i++) {
			struct topo_host *h = &t->hosts[i];

			if (h->off)
				continue;
			if ((err = oper_up(t->sw_nl, h->port, &up)) < 0)
				return netlink_fail(d, t->sw_nl, err, "read state of %s (switch of %s)", h->port_name, t->label);
			if (!up)
				down = h->port_name;
			else if ((err = oper_up(h->nl, h->ifindex, &up)) < 0)
				return netlink_fail(d, h->nl, err, "read state of %s (host %s of %s)", TOPO_HOST_IFNAME, h->name, t->label);
			else if (!up)
				down = h->name;
		}
		if (!down)
			return 0;
		if (clock_mono_ns() > deadline) {
			diag_add(d, "%s (%s) is not operationally up after %lld s",
				 down, t->label, (long long)(OPER_UP_TIMEOUT_NS / NS_PER_S));
			return -ETIMEDOUT;
		}
		usleep(2000);
	}
}

static int build(struct topo *t, const char *const *names, struct diag *d)
{
	char where[128], text[64];
	int err;

	snprintf(where, sizeof(where), "switch of %s", t->label);
	if ((err = netns_new(&t->sw_ns, d)) ||
	    (err = netlink_open_in(t->sw_ns, NETLINK_ROUTE, &t->sw_nl, where, d)))
		return err;
	if (t->net.kind == TOPO_SWITCHED)
		err = topo_ipv6_off(t->sw_ns, d);
	else if (t->family == AF_INET6)
		err = topo_ipv6_quiet(t->sw_ns, d);
	else
		err = topo_ipv6_off(t->sw_ns, d);
	if (!err)
		err = t->net.kind == TOPO_SWITCHED ? make_bridge(t, d)
						  : router_forwarding(t->sw_ns, t->family, d);
	if (err)
		return err;
	for (size_t i = 0; i < t->nhosts; i++) {
		struct topo_host *h = &t->hosts[i];

		h->name = names[i];
		h->ns = -1;
		/* "p-NAME", or, for a name too long for an interface's, its
		 * index and as much of the name as fits: "p12-backend-se" */
		if (strlen(names[i]) <= IFNAMSIZ - 3) {
			snprintf(h->port_name, sizeof(h->port_name), "p-%s", names[i]);
		} else {
			char longer[64];

			snprintf(longer, sizeof(longer), "p%zu-%s", i, names[i]);
			snprintf(h->port_name, sizeof(h->port_name), "%.*s", IFNAMSIZ - 1, longer);
		}
		t->family = AF_INET;
		inet_pton(AF_INET, topo_addr_text(t, (int)i, false, false, text, sizeof(text)), &h->addr);
		t->family = AF_INET6;
		inet_pton(AF_INET6, topo_addr_text(t, (int)i, false, false, text, sizeof(text)), &h->addr6);
		t->family = t->net.family;
		/* locally administered, unicast: 02:00:00:00:00:<n> */
		memcpy(h->mac, (uint8_t[6]){ 0x02, 0, 0, 0, 0, (uint8_t)(i + 1) }, 6);
		if ((err = topo_make_host(t, h, d)))
			return err;
	}
	if (t->net.kind == TOPO_SWITCHED &&
	    (err = topo_link_set_up(t->sw_nl, t->bridge, true, BRIDGE_NAME, where, d)))
		return err;
	router_script(&t->net, t->hosts[0].port_name, t->router_script, sizeof(t->router_script));
	if (t->net.kind == TOPO_ROUTED &&
	    (err = router_filters(t->sw_ns, &t->net, t->router_script, d)))
		return err;
	/* the switch's packet filters are faults: ready them now */
	if ((err = nft_open(t->sw_ns, &t->sw_nft, d)))
		return err;
	return topo_wait_oper_up(t, d);
}

int topo_create(const char *const *names, size_t n,
		const struct topo_config *net, const char *label,
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
		t->net = (struct topo_config){ .kind = TOPO_SWITCHED, .family = AF_INET };
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

/* Nothing is deleted one by one: the namespaces are held only by our
 * descriptors and sockets, and the kernel takes each one down, with its
 * links, bridge, filters and qdiscs, when the last goes (a veth pair goes
 * with either end). */
void topo_free(struct topo *t)
{
	if (!t)
		return;
	nft_close(t->sw_nft);
	for (size_t i = t->nhosts; i-- > 0;) {
		struct topo_host *h = &t->hosts[i];

		netlink_close(h->nl);
		if (h->ns >= 0)
			close(h->ns);
	}
	netlink_close(t->sw_nl);
	if (t->sw_ns >= 0)
		close(t->sw_ns);
	free(t);
}

int topo_switch_ns(const struct topo *t)
{
	return t->sw_ns;
}

struct nft *topo_switch_nft(const struct topo *t)
{
	return t->sw_nft;
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
	int err = nl_send_auto(t->sw_nl->sk, msg);

	if (err >= 0)
		err = nl_wait_for_ack(t->sw_nl->sk);
	if (err < 0)
		return netlink_fail(d, t->sw_nl, err, "netlink request (switch of %s)", t->label);
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
	if ((err = nft_run(t->sw_nft, "flush ruleset\n", d)) ||
	    (t->router_script[0] && (err = nft_run(t->sw_nft, t->router_script, d))) ||
	    (err = topo_switch_set_up(t, true, d)))
		return err;
	for (size_t i = 0; i < t->nhosts; i++)
		if (!t->hosts[i].off && (err = topo_host_set_up(t, (int)i, true, d)))
			return err;
	return 0;
}

int topo_family(const struct topo *t)
{
	return t->family;
}

const char *topo_filter_family(const struct topo *t)
{
	return t->net.kind == TOPO_ROUTED ? "inet" : "bridge";
}

bool topo_routed(const struct topo *t)
{
	return t->net.kind == TOPO_ROUTED;
}

int topo_port_set_up(struct topo *t, int host, bool up, struct diag *d)
{
	char where[128];

	if (topo_need_power(t, host, d))
		return -ENODEV;
	snprintf(where, sizeof(where), "switch of %s", t->label);
	return topo_link_set_up(t->sw_nl, t->hosts[host].port, up,
			   t->hosts[host].port_name, where, d);
}

int topo_switch_set_up(struct topo *t, bool up, struct diag *d)
{
	int err;

	for (size_t i = 0; i < t->nhosts; i++)
		if (!t->hosts[i].off && (err = topo_port_set_up(t, (int)i, up, d)))
			return err;
	return 0;
}
