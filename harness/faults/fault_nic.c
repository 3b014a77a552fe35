/* nic-down / nic-up: the host's own interface is taken administratively
 * down / brought back up. Unlike a pulled cable, the host's kernel knows:
 * the interface's routes go and sends fail at once. */
#include "harness/model/fault.h"

#include "netns/topo.h"

static int nic_down(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	return topo_host_set_up(ctx->topo, f->host, false, d);
}

static int nic_up(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	return topo_host_set_up(ctx->topo, f->host, true, d);
}

const struct fault_ops fault_nic_down = {
	.name = "nic-down",
	.help = "HOST's own eth0 goes administratively down",
	.parse = fault_parse_host,
	.validate = fault_validate_host,
	.apply = nic_down,
	.revert = nic_up,
};

const struct fault_ops fault_nic_up = {
	.name = "nic-up",
	.repairs = true,
	.help = "HOST's own eth0 comes back up",
	.parse = fault_parse_host,
	.validate = fault_validate_host,
	.apply = nic_up,
	.revert = nic_down,
};
