/* partition: the network splits into groups of hosts. Hosts in different
 * groups cannot reach each other, in either direction, silently (as a
 * blackhole: carriers stay up); hosts in the same group still can; a host
 * in no group is cut from everyone. `heal` (or `for:`) joins it again.
 * One nftables table in the switch (or the router), dropping what
 * crosses between the groups' ports; reverting is deleting it. */
#include "harness/model/fault.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/model/scenario.h"
#include "netns/nft.h"
#include "netns/topo.h"

#define PARTITION_MAX_GROUPS 16

struct partition {
	struct fault_hostref *refs;	/* every host named, group by group */
	size_t nrefs;
	size_t ngroups;
	size_t *group_of;	/* per ref: its group */
	int nhosts;		/* of the scenario, once validated */
};

static void partition_free(void *priv)
{
	struct partition *p = priv;

	if (!p)
		return;
	for (size_t i = 0; i < p->nrefs; i++)
		free(p->refs[i].name);
	free(p->refs);
	free(p->group_of);
	free(p);
}

#define EXAMPLE "partition: [[client], [server, backend]]"

static int parse(struct fault *f, struct ynode arg, struct diag *d)
{
	struct partition *p = calloc(1, sizeof(*p));
	size_t total = 0;
	int ret = 0;

	if (!p)
		return -ENOMEM;
	f->priv = p;
	f->arg_at = ynode_pos(arg);
	if (ynode_need_seq(arg, "partition's groups", d))
		return -EINVAL;
	if (ynode_len(arg) == 0 || ynode_len(arg) > PARTITION_MAX_GROUPS) {
		diag_at(d, ynode_pos(arg), "a partition lists 1 to %d groups of hosts: %s",
			PARTITION_MAX_GROUPS, EXAMPLE);
		return -EINVAL;
	}
	for (size_t g = 0; g < ynode_len(arg); g++) {
		struct ynode group = ynode_item(arg, g);

		if (ynode_need_seq(group, "a partition's group", d))
			return -EINVAL;
		if (ynode_len(group) == 0) {
			diag_at(d, ynode_pos(group), "an empty group: each group lists its hosts (%s)",
				EXAMPLE);
			return -EINVAL;
		}
		total += ynode_len(group);
	}
	if (total > SCENARIO_MAX_HOSTS) {
		diag_at(d, ynode_pos(arg), "a partition names at most %d hosts", SCENARIO_MAX_HOSTS);
		return -EINVAL;
	}
	p->refs = calloc(total, sizeof(*p->refs));
	p->group_of = calloc(total, sizeof(*p->group_of));
	if (!p->refs || !p->group_of)
		return -ENOMEM;
	p->ngroups = ynode_len(arg);
	for (size_t g = 0; g < p->ngroups; g++) {
		struct ynode group = ynode_item(arg, g);

		for (size_t i = 0; i < ynode_len(group); i++) {
			p->group_of[p->nrefs] = g;
			ret = err_merge(ret, fault_hostref_parse(ynode_item(group, i), "a partition's host",
								 &p->refs[p->nrefs++], d));
		}
	}
	return ret;
}

static int validate(struct fault *f, const struct scenario *sc, struct diag *d)
{
	struct partition *p = f->priv;
	int ret = 0;

	p->nhosts = (int)sc->nhosts;
	for (size_t i = 0; i < p->nrefs; i++) {
		ret = err_merge(ret, fault_hostref_resolve(&p->refs[i], "partition", sc, d));
		for (size_t j = 0; j < i && p->refs[i].index != HOST_NONE; j++)
			if (p->refs[j].index == p->refs[i].index) {
				diag_at(d, p->refs[i].at, "%s is in the partition twice: a host is in one group at most",
					p->refs[i].name);
				ret = err_merge(ret, -EINVAL);
				break;
			}
	}
	return ret;
}

/* { "p-a", "p-b" }: the switch ports of group @g (SIZE_MAX: of the hosts
 * in no group). False when there are none. */
static bool ports(const struct partition *p, const struct topo *t, size_t g, char *buf,
		  size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "{ ");
	bool any = false;

	for (int h = 0; h < p->nhosts; h++) {
		size_t of = SIZE_MAX;

		for (size_t i = 0; i < p->nrefs; i++)
			if (p->refs[i].index == h)
				of = p->group_of[i];
		if (of != g)
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s\"%s\"",
					 any ? ", " : "", topo_port_name(t, h));
		any = true;
	}
	if (used < len)
		snprintf(buf + used, len - used, " }");
	return any;
}

static int apply(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	const struct partition *p = f->priv;
	char name[64], a[2048], b[2048], *script = NULL;
	size_t len = 0;
	FILE *s = open_memstream(&script, &len);
	int ret;

	if (!s)
		return -ENOMEM;
	fault_object_name(f, name, sizeof(name));
	fprintf(s, "table %s %s {\n  chain forward {\n"
		   "    type filter hook forward priority 0; policy accept;\n",
		topo_filter_family(ctx->topo), name);
	for (size_t g = 0; g < p->ngroups; g++)
		for (size_t h = 0; h < p->ngroups; h++)
			if (g != h && ports(p, ctx->topo, g, a, sizeof(a)) &&
			    ports(p, ctx->topo, h, b, sizeof(b)))
				fprintf(s, "    iifname %s oifname %s drop\n", a, b);
	if (ports(p, ctx->topo, SIZE_MAX, a, sizeof(a)))
		fprintf(s, "    iifname %s drop\n    oifname %s drop\n", a, a);
	fprintf(s, "  }\n}\n");
	if (fclose(s)) {
		free(script);
		return -ENOMEM;
	}
	ret = nft_run(topo_switch_nft(ctx->topo), script, d);
	free(script);
	return ret;
}

static int revert(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	char name[64];

	return nft_delete_table(topo_switch_nft(ctx->topo), topo_filter_family(ctx->topo),
				fault_object_name(f, name, sizeof(name)), d);
}

const struct fault_ops fault_partition = {
	.name = "partition",
	.needs = FAULT_NEEDS_NFT_BRIDGE,
	.help = "[[A, B], [C, D]]: hosts in different groups cannot reach each other, silently; a host in no group reaches nobody",
	.parse = parse,
	.validate = validate,
	.apply = apply,
	.revert = revert,
	.free = partition_free,
};
