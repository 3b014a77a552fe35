/* reset / unreachable: a middlebox answers a host's packets instead of
 * forwarding them — with a TCP RST (`reset`, by default only the next
 * segment), or with an ICMP destination-unreachable (`unreachable`: host,
 * net, port or admin-prohibited; by default every packet).
 *
 * The answer is made in the switch by nftables' reject, on the ingress of
 * the switch port facing the sender (netdev family): the bridge family's
 * reject needs CONFIG_NFT_BRIDGE_REJECT, which many kernels (this
 * project's own among them) lack, while netdev reject is common. */
#include "harness/model/fault.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/model/scenario.h"
#include "netns/nft.h"
#include "netns/topo.h"

#define NUMGEN_MOD 1000000000L
#define REJECT_MAX_COUNT 1000000L

static const char *const reset_keys[] = { "from", "to", "count", NULL };
static const char *const unreach_keys[] = { "from", "to", "type", "count", NULL };

/* The scenario's words for the ICMP error, and nft's icmpx code for each. */
static const struct name_value types[] = {
	{ "host", 0 }, { "net", 1 }, { "port", 2 }, { "admin", 3 },
};
static const char *const icmpx_codes[] = {
	"host-unreachable", "no-route", "port-unreachable", "admin-prohibited",
};

struct reject {
	struct fault_hostref from, to;
	long count;		/* 0: every packet */
	int type;		/* unreachable: index into types */
};

static void reject_free(void *priv)
{
	struct reject *r = priv;

	if (!r)
		return;
	free(r->from.name);
	free(r->to.name);
	free(r);
}

static int parse_type(struct ynode n, int *type, struct diag *d)
{
	return ynode_name(n, "unreachable type", types, NAMES_LEN(types), type, d);
}

static int parse_common(struct fault *f, struct ynode arg, const char *const *keys,
			long count, struct diag *d)
{
	struct reject *r = calloc(1, sizeof(*r));
	const char *kind = f->ops->name;
	char what[64];
	struct ynode n;
	int ret = 0;

	if (!r)
		return -ENOMEM;
	f->priv = r;
	r->count = count;
	if (ynode_need_map(arg, kind, d) || ynode_check_keys(arg, kind, keys, d))
		return -EINVAL;
	snprintf(what, sizeof(what), "%s from", kind);
	if (!ynode_need_key(arg, "from", kind, "from: client", &n, d))
		ret = err_merge(ret, fault_hostref_parse(n, what, &r->from, d));
	else
		ret = err_merge(ret, -EINVAL);
	snprintf(what, sizeof(what), "%s to", kind);
	if ((n = ynode_get(arg, "to")).node)
		ret = err_merge(ret, fault_hostref_parse(n, what, &r->to, d));
	snprintf(what, sizeof(what), "%s count", kind);
	if ((n = ynode_get(arg, "count")).node)
		ret = err_merge(ret, ynode_int(n, what, 1, REJECT_MAX_COUNT, &r->count, d));
	if ((n = ynode_get(arg, "type")).node)
		ret = err_merge(ret, parse_type(n, &r->type, d));
	return ret;
}

static int parse_reset(struct fault *f, struct ynode arg, struct diag *d)
{
	return parse_common(f, arg, reset_keys, 1, d);
}

static int parse_unreachable(struct fault *f, struct ynode arg, struct diag *d)
{
	return parse_common(f, arg, unreach_keys, 0, d);
}

static int validate(struct fault *f, const struct scenario *sc, struct diag *d)
{
	struct reject *r = f->priv;
	char from[64], to[64];
	int ret;

	snprintf(from, sizeof(from), "%s from", f->ops->name);
	snprintf(to, sizeof(to), "%s to", f->ops->name);
	ret = err_merge(fault_hostref_resolve(&r->from, from, sc, d),
			fault_hostref_resolve(&r->to, to, sc, d));
	if (!ret && r->from.index == r->to.index) {
		diag_at(d, r->to.at, "%s from and to name the same host: \"%s\"",
			f->ops->name, r->to.name);
		return -EINVAL;
	}
	f->host = r->from.index;
	return ret;
}

static int apply(const struct fault *f, struct fault_ctx *ctx, const char *what,
		 const char *verdict, struct diag *d)
{
	const struct reject *r = f->priv;
	char name[64], match[96] = "", count[96] = "", script[1024];

	if (r->to.index != HOST_NONE) {
		char addr[INET6_ADDRSTRLEN];

		snprintf(match, sizeof(match), "%s daddr %s ",
			 topo_family(ctx->topo) == AF_INET6 ? "ip6" : "ip",
			 topo_host_addr_str(ctx->topo, r->to.index, addr, sizeof(addr)));
	}
	if (r->count)
		snprintf(count, sizeof(count), "numgen inc mod %ld < %ld ", NUMGEN_MOD, r->count);
	snprintf(script, sizeof(script),
		 "table netdev %s {\n"
		 "  chain ingress {\n"
		 "    type filter hook ingress device \"%s\" priority 0; policy accept;\n"
		 "    %s%s jump pick\n"
		 "  }\n"
		 "  chain pick {\n"
		 "    %s%s\n"
		 "  }\n"
		 "}\n",
		 fault_object_name(f, name, sizeof(name)),
		 topo_port_name(ctx->topo, r->from.index), match, what, count, verdict);
	return nft_run(topo_switch_nft(ctx->topo), script, d);
}

static int apply_reset(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	return apply(f, ctx, "meta l4proto tcp", "reject with tcp reset", d);
}

static int apply_unreachable(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	const struct reject *r = f->priv;
	char verdict[96];

	snprintf(verdict, sizeof(verdict), "reject with icmpx type %s", icmpx_codes[r->type]);
	return apply(f, ctx, "meta protocol { ip, ip6 }", verdict, d);
}

static int revert(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	char name[64];

	return nft_delete_table(topo_switch_nft(ctx->topo), "netdev",
				fault_object_name(f, name, sizeof(name)), d);
}

const struct fault_ops fault_reset = {
	.name = "reset",
	.needs = FAULT_NEEDS_NFT_REJECT,
	.help = "a middlebox answers the next segment(s) from a host with a TCP RST",
	.parse = parse_reset,
	.validate = validate,
	.apply = apply_reset,
	.revert = revert,
	.free = reject_free,
};

const struct fault_ops fault_unreachable = {
	.name = "unreachable",
	.needs = FAULT_NEEDS_NFT_REJECT,
	.help = "the network answers a host's packets with ICMP destination-unreachable",
	.parse = parse_unreachable,
	.validate = validate,
	.apply = apply_unreachable,
	.revert = revert,
	.free = reject_free,
};
