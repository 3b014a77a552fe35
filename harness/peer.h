/* The built-in peer: a child process that lives in its host's namespace,
 * listens or connects, applies socket options, and reports every socket
 * event to the runner as a fixed-size struct event on a pipe (one write
 * each, so never torn: sizeof(struct event) < PIPE_BUF). */
#ifndef HARNESS_PEER_H
#define HARNESS_PEER_H

#include <netinet/in.h>
#include <sys/types.h>

#include "harness/diag.h"
#include "harness/events.h"
#include "harness/scenario.h"

struct peer_spec {
	int host;		/* index, stamped on every event */
	struct peer_config config;
	struct in_addr local;	/* listen: bound to this address */
	struct in_addr remote;	/* connect: the target's address */
};

struct peer {
	pid_t pid;		/* -1 when not running */
	int events;		/* read end: struct event records */
	int cmds;		/* write end: commands */
	int host;
};

/* Fork a peer into namespace @ns. It dies with the harness (parent-death
 * signal). Returns 0, or -errno with a message in @d. */
int peer_start(const struct peer_spec *spec, int ns, struct peer *out,
	       struct diag *d);

/* Ask the peer to send @bytes on its connection. Returns 0 or -errno. */
int peer_send(struct peer *p, long bytes);

/* Read one event if one is waiting. Returns 1 (got one), 0 (none waiting),
 * or -EPIPE when the peer is gone. */
int peer_read_event(struct peer *p, struct event *e);

/* Kill the peer (SIGKILL), reap it, close the pipes. Idempotent. */
void peer_stop(struct peer *p);

#endif
