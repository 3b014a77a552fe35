/* The network a scenario runs in: `family:` and `topology:`. */
#include "harness/model/net_load.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "common/duration.h"

static const char *const topology_keys[] = {
	"kind", "nat", "conntrack-timeout", "untracked", NULL
};

/* nf_conntrack_tcp_timeout_established counts whole seconds. */
#define CT_TIMEOUT_MAX_S 432000

int net_load_family(struct ynode n, struct net_config *net, struct diag *d)
{
	if (ynode_need_scalar(n, "family", d))
		return -EINVAL;
	if (!strcmp(ynode_str(n), "ipv4"))
		net->family = AF_INET;
	else if (!strcmp(ynode_str(n), "ipv6"))
		net->family = AF_INET6;
	else {
		diag_at(d, ynode_pos(n), "bad family: \"%s\" (ipv4 or ipv6)", ynode_str(n));
		return -EINVAL;
	}
	return 0;
}

static int load_kind(struct ynode n, struct net_config *net, struct diag *d)
{
	if (ynode_need_scalar(n, "topology", d))
		return -EINVAL;
	if (!strcmp(ynode_str(n), "switched"))
		net->kind = NET_SWITCHED;
	else if (!strcmp(ynode_str(n), "routed"))
		net->kind = NET_ROUTED;
	else {
		diag_at(d, ynode_pos(n), "bad topology: \"%s\" (switched or routed)", ynode_str(n));
		return -EINVAL;
	}
	return 0;
}

static int load_untracked(struct ynode n, struct net_config *net, struct diag *d)
{
	static const char *const names[] = {
		[UNTRACKED_PICKUP] = "pickup", [UNTRACKED_DROP] = "drop",
		[UNTRACKED_RESET] = "reset",
	};

	if (ynode_need_scalar(n, "untracked", d))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(ynode_str(n), names[i])) {
			net->untracked = (enum untracked)i;
			return 0;
		}
	diag_at(d, ynode_pos(n), "bad untracked: \"%s\" (pickup, drop or reset)", ynode_str(n));
	return -EINVAL;
}

/* What only a NAT router has. */
static int need_nat(struct ynode v, const struct net_config *net, const char *key,
		    struct diag *d)
{
	if (net->kind == NET_ROUTED && net->nat)
		return 0;
	diag_at(d, ynode_pos(v), "%s needs a NAT router (kind: routed, nat: true)", key);
	return -EINVAL;
}

int net_load_topology(struct ynode n, struct net_config *net, struct diag *d)
{
	struct ynode v;
	int ret = 0;

	net->at = ynode_pos(n);
	if (ynode_is_scalar(n))
		return load_kind(n, net, d);
	if (ynode_need_map(n, "topology", d) ||
	    ynode_check_keys(n, "topology", topology_keys, d) ||
	    ynode_need_key(n, "kind", "topology", "kind: routed", &v, d) ||
	    load_kind(v, net, d))
		return -EINVAL;
	if ((v = ynode_get(n, "nat")).node) {
		ret |= ynode_bool(v, "nat", &net->nat, d);
		if (!ret && net->nat && net->kind != NET_ROUTED) {
			diag_at(d, ynode_pos(v), "nat needs a router (kind: routed)");
			ret = -EINVAL;
		}
	}
	if ((v = ynode_get(n, "conntrack-timeout")).node) {
		ret |= need_nat(v, net, "conntrack-timeout", d);
		if (!ret && !ynode_duration(v, "conntrack-timeout", &net->conntrack_timeout_ns, d) &&
		    (net->conntrack_timeout_ns % NS_PER_S || net->conntrack_timeout_ns < NS_PER_S ||
		     net->conntrack_timeout_ns > CT_TIMEOUT_MAX_S * NS_PER_S)) {
			diag_at(d, ynode_pos(v), "bad conntrack-timeout: \"%s\" (whole seconds from 1s to 5 days: the kernel counts it in seconds)",
				ynode_str(v));
			ret = -EINVAL;
		}
	}
	if ((v = ynode_get(n, "untracked")).node) {
		ret |= need_nat(v, net, "untracked", d);
		if (!ret)
			ret |= load_untracked(v, net, d);
	}
	return ret ? -EINVAL : 0;
}
