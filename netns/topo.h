/* The network a scenario runs in: one namespace per host, each with an
 * interface eth0 cabled (a veth pair) to a port of a bridge in a switch
 * namespace. Everything is made through libnl-route-3 and undone by
 * topo_free(); since the namespaces are anonymous, it also all vanishes
 * if the harness is killed. */
#ifndef NETNS_TOPO_H
#define NETNS_TOPO_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/diag.h"

struct nft;
struct nl_msg;
struct topo;

/* The shape of the network (a scenario's `topology:` and `family:`). */
enum topo_kind {
	TOPO_SWITCHED,		/* every host on one bridge: a LAN */
	TOPO_ROUTED,		/* each host on its own subnet behind a router */
};

/* What a NAT router does with a segment of a connection its conntrack no
 * longer knows. */
enum topo_untracked {
	TOPO_UNTRACKED_PICKUP,	/* tracks it anew (Linux's default) */
	TOPO_UNTRACKED_DROP,	/* drops it silently (a cloud load balancer) */
	TOPO_UNTRACKED_RESET,	/* answers it with an RST */
};

struct topo_config {
	enum topo_kind kind;
	int family;		/* AF_INET or AF_INET6 */
	bool nat;		/* routed: the router masquerades the first host */
	int64_t conntrack_timeout_ns;	/* routed: established timeout; 0: default */
	enum topo_untracked untracked;	/* nat */
};

/* The interface every host has, in its own namespace. */
#define TOPO_HOST_IFNAME "eth0"

/* Build the network @net describes (NULL: a switched IPv4 LAN) for @n hosts
 * named @names (index = host index) and wait until every interface is
 * operationally up. @label names the scenario in error messages. Returns 0 and a topology to free with topo_free(), or
 * -errno with the failing operation, object and namespace in @d (and
 * nothing left behind). */
int topo_create(const char *const *names, size_t n,
		const struct topo_config *net, const char *label,
		struct topo **out, struct diag *d);

/* Delete every link made, in reverse order, and release the namespaces.
 * NULL is a no-op. */
void topo_free(struct topo *t);

/* The namespace of host @host (borrowed descriptor). */
int topo_host_ns(const struct topo *t, int host);

/* The switch's namespace (borrowed descriptor). */
int topo_switch_ns(const struct topo *t);

/* A libnftables context ready in the switch's namespace (borrowed). */
struct nft *topo_switch_nft(const struct topo *t);

/* The name of the switch port facing @host ("p-client"). */
const char *topo_port_name(const struct topo *t, int host);

/* The ifindex of the switch port facing @host, in the switch. */
int topo_port_ifindex(const struct topo *t, int host);

/* Send @msg (an rtnetlink request, not consumed) into the switch's
 * namespace and wait for the kernel's answer. Returns 0 or -EIO. */
int topo_switch_request(struct topo *t, struct nl_msg *msg, struct diag *d);

/* Undo every network fault: all ports and host interfaces up, every packet
 * filter in the switch removed. */
int topo_heal(struct topo *t, struct diag *d);

/* The IPv4 address of host @host. */
struct in_addr topo_host_addr(const struct topo *t, int host);

/* The address family the hosts talk over (AF_INET or AF_INET6). */
int topo_family(const struct topo *t);

/* The nftables family of the tables faults add in the switch: "bridge"
 * for a switched LAN, "inet" (the forward hook) for a router. */
const char *topo_filter_family(const struct topo *t);

bool topo_routed(const struct topo *t);

/* Behind a NAT router, the address the other hosts see @host as
 * ("198.18.2.1"), into @buf; NULL when it is seen as itself. */
const char *topo_host_alias_str(const struct topo *t, int host, char *buf, size_t len);

/* Host @host's address with @port, ready for bind() or connect(). */
void topo_host_sockaddr(const struct topo *t, int host, uint16_t port,
			struct sockaddr_storage *ss, socklen_t *len);

/* The address host @host gets in a switched or @routed network of
 * @family, before any NAT ("198.18.0.1", "fd00:2::2"), into @buf: what a
 * scenario's hosts are, with no network built (replay of bare captures). */
const char *topo_host_addr_of(bool routed, int family, int host, char *buf, size_t len);

/* Host @host's address as text ("198.18.0.1", "fd00::1"), into @buf. */
const char *topo_host_addr_str(const struct topo *t, int host, char *buf,
			       size_t len);

/* The switch port facing @host: administratively up or down. The host
 * sees its carrier come and go. */
int topo_port_set_up(struct topo *t, int host, bool up, struct diag *d);

/* The host's own eth0: administratively up or down (the host knows: its
 * routes through eth0 go away while it is down). */
int topo_host_set_up(struct topo *t, int host, bool up, struct diag *d);

/* Power @host off: its cable is cut (the veth pair deleted, so nothing it
 * still sends goes anywhere) and its namespace released — it dies with the
 * last socket in it. topo_host_ns() is -1 until it is powered on. */
int topo_host_power_off(struct topo *t, int host, struct diag *d);

/* Power @host on: a brand-new namespace (an empty TCP stack) with the same
 * interface name, MAC (another one if @new_mac: a replacement machine) and
 * address, cabled to the same switch port name, up and ready. */
int topo_host_power_on(struct topo *t, int host, bool new_mac, struct diag *d);

bool topo_host_powered(const struct topo *t, int host);

/* Every port of the switch at once: both hosts see carrier loss. */
int topo_switch_set_up(struct topo *t, bool up, struct diag *d);

#endif
