/* drop: the switch silently drops some of the packets going one way — all
 * of them, pure ACKs, data, SYNs, FINs or RSTs; optionally only the first
 * N of them, or P % at random — without netem, in a bridge-family
 * nftables table of the fault's own.
 *
 * nftables cannot compare two header fields, so "has no payload" is
 * written per TCP header length: a pure ACK's IP total length is exactly
 * 20 + 4 × doff (IPv6: payload length 4 × doff). IPv4 options would
 * defeat it; Linux sends none on TCP. The selectors sit in one chain that
 * every matching rule jumps to, so `first: N` counts matches across all
 * of them (numgen inc keeps one counter per rule). */
#include "harness/model/fault.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/model/scenario.h"
#include "netns/nft.h"
#include "netns/topo.h"

enum drop_what {
	DROP_ALL,
	DROP_ACKS,
	DROP_DATA,
	DROP_SYN,
	DROP_FIN,
	DROP_RST,
};

static const struct name_value what_names[] = {
	{ "all", DROP_ALL }, { "acks", DROP_ACKS }, { "data", DROP_DATA },
	{ "syn", DROP_SYN }, { "fin", DROP_FIN }, { "rst", DROP_RST },
};
static const char *const keys[] = { "from", "to", "what", "first", "percent", NULL };

#define DROP_MAX_FIRST 1000000L
#define NUMGEN_MOD 1000000000L

struct drop {
	struct fault_hostref from, to;
	enum drop_what what;
	long first;		/* 0: every match */
	long per10k;		/* percent × 100; 0: every match */
};

static void drop_free(void *priv)
{
	struct drop *p = priv;

	if (!p)
		return;
	free(p->from.name);
	free(p->to.name);
	free(p);
}

static int parse_what(struct ynode n, enum drop_what *what, struct diag *d)
{
	int v;

	if (ynode_name(n, "drop what", what_names, NAMES_LEN(what_names), &v, d))
		return -EINVAL;
	*what = v;
	return 0;
}

/* "20", "20%", "0.5": a share of the matching packets, to 0.01 %. */
static int parse_percent(struct ynode n, long *per10k, struct diag *d)
{
	const char *s = ynode_str(n);
	char *end;
	double v;

	if (ynode_need_scalar(n, "drop percent", d))
		return -EINVAL;
	v = strtod(s, &end);
	if (*end == '%')
		end++;
	if (end == s || *end || !(v > 0 && v <= 100)) {
		diag_at(d, ynode_pos(n), "bad drop percent: \"%s\" (a number above 0 and up to 100, e.g. 20 or 0.5)", s);
		return -EINVAL;
	}
	*per10k = (long)(v * 100 + 0.5);
	return 0;
}

static int parse(struct fault *f, struct ynode arg, struct diag *d)
{
	struct drop *p = calloc(1, sizeof(*p));
	struct ynode n;
	int ret = 0;

	if (!p)
		return -ENOMEM;
	f->priv = p;
	if (ynode_need_map(arg, "drop", d) || ynode_check_keys(arg, "drop", keys, d))
		return -EINVAL;
	if (!ynode_need_key(arg, "from", "drop", "from: server", &n, d))
		ret = err_merge(ret, fault_hostref_parse(n, "drop from", &p->from, d));
	else
		ret = err_merge(ret, -EINVAL);
	if ((n = ynode_get(arg, "to")).node)
		ret = err_merge(ret, fault_hostref_parse(n, "drop to", &p->to, d));
	if ((n = ynode_get(arg, "what")).node)
		ret = err_merge(ret, parse_what(n, &p->what, d));
	if ((n = ynode_get(arg, "first")).node)
		ret = err_merge(ret, ynode_int(n, "drop first", 1, DROP_MAX_FIRST, &p->first, d));
	if ((n = ynode_get(arg, "percent")).node) {
		ret = err_merge(ret, parse_percent(n, &p->per10k, d));
		if (p->first) {
			diag_at(d, ynode_pos(n), "drop takes first or percent, not both");
			ret = err_merge(ret, -EINVAL);
		}
	}
	return ret;
}

static int validate(struct fault *f, const struct scenario *sc, struct diag *d)
{
	struct drop *p = f->priv;
	int ret = err_merge(fault_hostref_resolve(&p->from, "drop from", sc, d),
			    fault_hostref_resolve(&p->to, "drop to", sc, d));

	if (!ret && p->from.index == p->to.index) {
		diag_at(d, p->to.at, "drop from and to name the same host: \"%s\"", p->to.name);
		return -EINVAL;
	}
	f->host = p->from.index;
	return ret;
}

/* One rule per TCP header length: see the comment at the top. */
static void header_rules(FILE *s, const char *base, const char *flags, const char *cmp)
{
	for (int doff = 5; doff <= 15; doff++) {
		fprintf(s, "    %s tcp doff %d ip length %s %d %s jump pick\n", base, doff, cmp,
			20 + 4 * doff, flags);
		fprintf(s, "    %s tcp doff %d ip6 length %s %d %s jump pick\n", base, doff, cmp,
			4 * doff, flags);
	}
}

static int apply(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	const struct drop *p = f->priv;
	char name[64], base[128], *script = NULL;
	size_t len = 0;
	FILE *s;
	int err;

	s = open_memstream(&script, &len);
	if (!s)
		return -ENOMEM;
	snprintf(base, sizeof(base), "iifname \"%s\"", topo_port_name(ctx->topo, p->from.index));
	if (p->to.index != HOST_NONE)
		snprintf(base + strlen(base), sizeof(base) - strlen(base), " oifname \"%s\"",
			 topo_port_name(ctx->topo, p->to.index));
	fprintf(s, "table %s %s {\n  chain forward {\n"
		   "    type filter hook forward priority 0; policy accept;\n",
		topo_filter_family(ctx->topo), fault_object_name(f, name, sizeof(name)));
	switch (p->what) {
	case DROP_ALL:
		fprintf(s, "    %s jump pick\n", base);
		break;
	case DROP_ACKS:
		header_rules(s, base, "tcp flags & (fin|syn|rst|ack) == ack", "==");
		break;
	case DROP_DATA:
		header_rules(s, base, "", ">");
		break;
	case DROP_SYN:
	case DROP_FIN:
	case DROP_RST:
		fprintf(s, "    %s tcp flags & %s == %s jump pick\n", base,
			what_names[p->what].name, what_names[p->what].name);
		break;
	}
	fprintf(s, "  }\n  chain pick {\n");
	if (p->first)
		fprintf(s, "    numgen inc mod %ld < %ld drop\n", NUMGEN_MOD, p->first);
	else if (p->per10k)
		fprintf(s, "    numgen random mod 10000 < %ld drop\n", p->per10k);
	else
		fprintf(s, "    drop\n");
	fprintf(s, "  }\n}\n");
	if (fclose(s)) {
		free(script);
		return -ENOMEM;
	}
	err = nft_run(topo_switch_nft(ctx->topo), script, d);
	free(script);
	return err;
}

static int revert(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	char name[64];

	return nft_delete_table(topo_switch_nft(ctx->topo), topo_filter_family(ctx->topo),
				fault_object_name(f, name, sizeof(name)), d);
}

const struct fault_ops fault_drop = {
	.name = "drop",
	.needs = FAULT_NEEDS_NFT_BRIDGE,
	.help = "the switch silently drops packets from a host (all, acks, data, syn, fin, rst; first N or P %)",
	.parse = parse,
	.validate = validate,
	.apply = apply,
	.revert = revert,
	.free = drop_free,
};
