/* power-off / power-on: the host as a whole.
 *   power-off  the host vanishes without a word: its cable is cut before
 *              its endpoint dies, so no FIN, RST or ARP ever leaves it,
 *              and its TCP state dies with its namespace;
 *   power-on   it comes back with the same addresses and MAC but a brand
 *              new namespace: an empty TCP stack, nothing listening until
 *              a `restart` step starts its endpoint. Segments for its old
 *              connections are answered with RST.
 * The runner does the work: it owns the host's capture and endpoint. */
#include "harness/model/fault.h"

static int power_off(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	return ctx->power(ctx->arg, f->host, false, d);
}

static int power_on(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	return ctx->power(ctx->arg, f->host, true, d);
}

const struct fault_ops fault_power_off = {
	.name = "power-off",
	.help = "HOST vanishes without a word: cable cut, endpoint killed, TCP state gone",
	.parse = fault_parse_host,
	.validate = fault_validate_host,
	.apply = power_off,
	.revert = power_on,
};

const struct fault_ops fault_power_on = {
	.name = "power-on",
	.help = "HOST comes back with its addresses and MAC and an empty TCP stack",
	.parse = fault_parse_host,
	.validate = fault_validate_host,
	.apply = power_on,
	.revert = power_off,
};
