/* power-off / power-on: the host as a whole.
 *   power-off  the host vanishes without a word: its cable is cut before
 *              its endpoint dies, so no FIN, RST or ARP ever leaves it,
 *              and its TCP state dies with its namespace;
 *   power-on   it comes back with the same addresses and MAC but a brand
 *              new namespace: an empty TCP stack, nothing listening until
 *              a `restart` step starts its endpoint. Segments for its old
 *              connections are answered with RST.
 *              `{ power-on: { host: client, new-mac: true } }`: a
 *              replacement machine, with another MAC (the others' ARP
 *              entries for its address are stale).
 * The runner does the work: it owns the host's capture and endpoint. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "harness/model/fault.h"

static const char *const keys[] = { "host", "new-mac", NULL };

struct power_on {
	bool new_mac;		/* the machine that comes back is another one */
};

static int parse_on(struct fault *f, struct ynode arg, struct diag *d)
{
	struct power_on *p = calloc(1, sizeof(*p));
	struct ynode host, v;

	if (!p)
		return -ENOMEM;
	f->priv = p;
	if (!ynode_is_map(arg))
		return fault_parse_host(f, arg, d);
	if (ynode_check_keys(arg, "power-on", keys, d) ||
	    ynode_need_key(arg, "host", "power-on", "host: client", &host, d) ||
	    fault_parse_host(f, host, d))
		return -EINVAL;
	f->arg_at = ynode_pos(host);
	if ((v = ynode_get(arg, "new-mac")).node && ynode_bool(v, "new-mac", &p->new_mac, d))
		return -EINVAL;
	return 0;
}

static int power_off(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	return ctx->power(ctx->arg, f->host, false, false, d);
}

static int power_on(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	const struct power_on *p = f->priv;

	return ctx->power(ctx->arg, f->host, true, p && p->new_mac, d);
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
	.repairs = true,
	.help = "HOST comes back with its addresses and MAC (new-mac: another) and an empty TCP stack",
	.parse = parse_on,
	.validate = fault_validate_host,
	.apply = power_on,
	.revert = power_off,
	.free = free,
};
