/* cable-pull / cable-plug: the switch port facing a host goes down / up.
 * The host's own interface stays administratively up but loses carrier,
 * as when a cable is pulled out of a real switch. */
#include "harness/model/fault.h"

#include <stdbool.h>

#include "netns/topo.h"

static int cable_set(const struct fault *f, struct fault_ctx *ctx, bool up,
		     struct diag *d)
{
	return topo_port_set_up(ctx->topo, f->host, up, d);
}

static int cable_pull(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	return cable_set(f, ctx, false, d);
}

static int cable_plug(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	return cable_set(f, ctx, true, d);
}

const struct fault_ops fault_cable_pull = {
	.name = "cable-pull",
	.help = "the switch port facing HOST goes down: HOST sees carrier loss",
	.parse = fault_parse_host,
	.validate = fault_validate_host,
	.apply = cable_pull,
	.revert = cable_plug,
};

const struct fault_ops fault_cable_plug = {
	.name = "cable-plug",
	.repairs = true,
	.help = "the switch port facing HOST comes back up",
	.parse = fault_parse_host,
	.validate = fault_validate_host,
	.apply = cable_plug,
	.revert = cable_pull,
};
