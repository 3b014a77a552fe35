/* Host faults that act on a host's endpoint process, not on the network:
 *   crash   SIGKILL: the application dies, its kernel closes its sockets
 *           (a FIN, or an RST when unread data is left);
 *   freeze  SIGSTOP: the application hangs, its kernel keeps answering
 *           (ACKs, keepalive probes) — CLAIMS C1.5;
 *   thaw    SIGCONT: it runs again;
 *   restart the endpoint starts again (listens or connects anew), after
 *           being killed if it still ran. */
#include "harness/model/fault.h"

#include <signal.h>

static int send_signal(const struct fault *f, struct fault_ctx *ctx, int sig,
		       struct diag *d)
{
	return ctx->signal_endpoint(ctx->arg, f->host, sig, d);
}

static int crash(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	return send_signal(f, ctx, SIGKILL, d);
}

static int freeze(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	return send_signal(f, ctx, SIGSTOP, d);
}

static int thaw(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	return send_signal(f, ctx, SIGCONT, d);
}

static int restart(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	return ctx->restart_endpoint(ctx->arg, f->host, d);
}

/* A crash cannot be undone by a signal: `restart` is its own step. */
static int nothing(const struct fault *f, struct fault_ctx *ctx, struct diag *d)
{
	(void)f;
	(void)ctx;
	(void)d;
	return 0;
}

const struct fault_ops fault_crash = {
	.name = "crash",
	.help = "HOST's endpoint process is killed (SIGKILL); its kernel still closes the connection",
	.parse = fault_parse_host,
	.validate = fault_validate_host,
	.apply = crash,
	.revert = nothing,
};

const struct fault_ops fault_freeze = {
	.name = "freeze",
	.help = "HOST's endpoint process is stopped (SIGSTOP); its kernel keeps answering",
	.parse = fault_parse_host,
	.validate = fault_validate_host,
	.apply = freeze,
	.revert = thaw,
};

const struct fault_ops fault_thaw = {
	.name = "thaw",
	.repairs = true,
	.help = "HOST's endpoint process continues (SIGCONT)",
	.parse = fault_parse_host,
	.validate = fault_validate_host,
	.apply = thaw,
	.revert = freeze,
};

const struct fault_ops fault_restart = {
	.name = "restart",
	.repairs = true,
	.help = "HOST's endpoint process starts again (killed first if it still runs)",
	.parse = fault_parse_host,
	.validate = fault_validate_host,
	.apply = restart,
	.revert = nothing,
};
