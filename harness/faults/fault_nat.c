/* nat-expire: the NAT router forgets the connection now — every TCP entry
 * of its conntrack table is deleted (libnl-nf-3), as when an idle timeout
 * runs out (`conntrack-timeout:` lets the kernel do that on its own). What
 * the next segment meets is the topology's `untracked`: picked up anew,
 * dropped, or answered with an RST. */
#include "harness/model/fault.h"

#include <errno.h>
#include <string.h>

#include "harness/model/scenario.h"
#include "netns/router.h"
#include "netns/topo.h"

static int parse(struct fault *f, struct ynode arg, struct diag *d)
{
	const char *s = ynode_str(arg);

	(void)f;
	if (s && (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "router")))
		return 0;
	diag_at(d, ynode_pos(arg), "nat-expire takes no argument: \"%s\" (write { nat-expire: } or { nat-expire: router })",
		s ? s : ynode_kind(arg));
	return -EINVAL;
}

static int validate(struct fault *f, const struct scenario *sc, struct diag *d)
{
	f->host = HOST_NONE;
	if (sc->net.kind == NET_ROUTED && sc->net.nat)
		return 0;
	diag_at(d, f->at, "nat-expire needs a NAT router (topology: { kind: routed, nat: true })");
	return -EINVAL;
}

static int expire(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	int n, err;

	(void)f;
	err = router_ct_flush_tcp(topo_switch_ns(ctx->topo), &n, d);
	if (!err && !n) {
		diag_add(d, "the router tracks no TCP connection: nothing to expire");
		return -ENOENT;
	}
	return err;
}

/* What conntrack forgot cannot be given back. */
static int nothing(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	(void)f;
	(void)ctx;
	(void)d;
	return 0;
}

const struct fault_ops fault_nat_expire = {
	.name = "nat-expire",
	.help = "the NAT router's conntrack forgets every TCP connection now",
	.parse = parse,
	.validate = validate,
	.apply = expire,
	.revert = nothing,
};
