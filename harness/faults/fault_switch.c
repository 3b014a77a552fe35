/* switch-off / switch-on: every port of the switch goes down / up at once,
 * as when the switch loses power: every host sees carrier loss. */
#include "harness/model/fault.h"

#include "netns/topo.h"

static int switch_off(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	(void)f;
	return topo_switch_set_up(ctx->topo, false, d);
}

static int switch_on(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	(void)f;
	return topo_switch_set_up(ctx->topo, true, d);
}

const struct fault_ops fault_switch_off = {
	.name = "switch-off",
	.help = "every switch port goes down: all hosts see carrier loss",
	.parse = fault_parse_none,
	.validate = fault_validate_none,
	.apply = switch_off,
	.revert = switch_on,
};

const struct fault_ops fault_switch_on = {
	.name = "switch-on",
	.repairs = true,
	.help = "every switch port comes back up",
	.parse = fault_parse_none,
	.validate = fault_validate_none,
	.apply = switch_on,
	.revert = switch_off,
};
