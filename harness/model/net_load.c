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
	static const struct name_value names[] = {
		{ "ipv4", AF_INET }, { "ipv6", AF_INET6 },
	};

	return ynode_name(n, "family", names, NAMES_LEN(names), &net->family, d);
}

static int load_kind(struct ynode n, struct net_config *net, struct diag *d)
{
	static const struct name_value names[] = {
		{ "switched", NET_SWITCHED }, { "routed", NET_ROUTED },
	};
	int kind;

	if (ynode_name(n, "topology", names, NAMES_LEN(names), &kind, d))
		return -EINVAL;
	net->kind = kind;
	return 0;
}

static int load_untracked(struct ynode n, struct net_config *net, struct diag *d)
{
	static const struct name_value names[] = {
		{ "pickup", UNTRACKED_PICKUP }, { "drop", UNTRACKED_DROP },
		{ "reset", UNTRACKED_RESET },
	};
	int untracked;

	if (ynode_name(n, "untracked", names, NAMES_LEN(names), &untracked, d))
		return -EINVAL;
	net->untracked = untracked;
	return 0;
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
		ret = err_merge(ret, ynode_bool(v, "nat", &net->nat, d));
		if (!ret && net->nat && net->kind != NET_ROUTED) {
			diag_at(d, ynode_pos(v), "nat needs a router (kind: routed)");
			ret = err_merge(ret, -EINVAL);
		}
	}
	if ((v = ynode_get(n, "conntrack-timeout")).node) {
		ret = err_merge(ret, need_nat(v, net, "conntrack-timeout", d));
		if (!ret && !ynode_duration(v, "conntrack-timeout", &net->conntrack_timeout_ns, d) &&
		    (net->conntrack_timeout_ns % NS_PER_S || net->conntrack_timeout_ns < NS_PER_S ||
		     net->conntrack_timeout_ns > CT_TIMEOUT_MAX_S * NS_PER_S)) {
			diag_at(d, ynode_pos(v), "bad conntrack-timeout: \"%s\" (whole seconds from 1s to 5 days: the kernel counts it in seconds)",
				ynode_str(v));
			ret = err_merge(ret, -EINVAL);
		}
	}
	if ((v = ynode_get(n, "untracked")).node) {
		ret = err_merge(ret, need_nat(v, net, "untracked", d));
		if (!ret)
			ret = err_merge(ret, load_untracked(v, net, d));
	}
	return ret;
}
