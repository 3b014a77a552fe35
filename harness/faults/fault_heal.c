/* heal: undo every network fault at once — cables plugged, interfaces and
 * switch ports up, every packet filter in the switch gone. */
#include "harness/model/fault.h"

#include "netns/topo.h"

static int heal(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	(void)f;
	return topo_heal(ctx->topo, d);
}

/* Healing cannot be undone: what it removed is not known to it. */
static int unheal(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	(void)f;
	(void)ctx;
	(void)d;
	return 0;
}

const struct fault_ops fault_heal = {
	.name = "heal",
	.repairs = true,
	.help = "undo every network fault: all links up, all packet filters gone",
	.parse = fault_parse_none,
	.validate = fault_validate_none,
	.apply = heal,
	.revert = unheal,
};
