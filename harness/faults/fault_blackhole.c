/* blackhole: the switch silently drops every frame to and from a host.
 * Unlike a pulled cable, the host's carrier stays up: it cannot tell.
 * With `arp: true` ARP (and IPv6 neighbour discovery) still crosses, so
 * neighbour entries stay valid and only the rest vanishes (a failure
 * beyond the first hop). Done with a
 * bridge-family nftables table of its own, so reverting it is deleting
 * that table. */
#include "harness/model/fault.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "netns/nft.h"
#include "netns/topo.h"

struct blackhole {
	bool arp;
};

static const char *const keys[] = { "host", "arp", NULL };

static int parse(struct fault *f, struct ynode arg, struct diag *d)
{
	struct blackhole *b = calloc(1, sizeof(*b));
	struct ynode host, arp;

	if (!b)
		return -ENOMEM;
	f->priv = b;
	if (ynode_is_scalar(arg))
		return fault_parse_host(f, arg, d);
	if (ynode_need_map(arg, "blackhole", d) || ynode_check_keys(arg, "blackhole", keys, d) ||
	    ynode_need_key(arg, "host", "blackhole", "host: client", &host, d) ||
	    fault_parse_host(f, host, d))
		return -EINVAL;
	f->arg_at = ynode_pos(host);
	arp = ynode_get(arg, "arp");
	return arp.node ? ynode_bool(arp, "blackhole arp", &b->arp, d) : 0;
}

static int apply(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	const struct blackhole *b = f->priv;
	const char *port = topo_port_name(ctx->topo, f->host);
	char name[64], script[1024];

	fault_object_name(f, name, sizeof(name));
	/* routed, neighbour resolution is with the router, never forwarded:
	 * a blackhole there is always a failure beyond the first hop */
	snprintf(script, sizeof(script),
		 "table %s %s {\n"
		 "  chain forward {\n"
		 "    type filter hook forward priority 0; policy accept;\n"
		 "%s"
		 "    iifname \"%s\" drop\n"
		 "    oifname \"%s\" drop\n"
		 "  }\n"
		 "}\n",
		 topo_filter_family(ctx->topo), name,
		 b->arp && !topo_routed(ctx->topo) ? "    ether type arp accept\n"
				"    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n" : "",
		 port, port);
	return nft_run(topo_switch_nft(ctx->topo), script, d);
}

static int revert(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	char name[64];

	return nft_delete_table(topo_switch_nft(ctx->topo), topo_filter_family(ctx->topo),
				fault_object_name(f, name, sizeof(name)), d);
}

const struct fault_ops fault_blackhole = {
	.name = "blackhole",
	.needs = FAULT_NEEDS_NFT_BRIDGE,
	.help = "the switch silently drops everything to and from HOST; its carrier stays up",
	.parse = parse,
	.validate = fault_validate_host,
	.apply = apply,
	.revert = revert,
	.free = free,
};
