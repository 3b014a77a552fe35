/* The built-in peer: a child process that lives in its host's namespace,
 * listens or connects, applies socket options, runs the application's
 * detection strategy (heartbeat, traffic, zero-byte probes), and reports
 * every socket event to the runner as a fixed-size struct event on a pipe
 * (one write each, so never torn: sizeof(struct event) < PIPE_BUF). */
#ifndef HARNESS_PEER_H
#define HARNESS_PEER_H

#include <sys/socket.h>
#include <sys/types.h>

#include "common/diag.h"
#include "harness/model/scenario.h"
#include "harness/run/events.h"

struct peer_spec {
	int host;		/* index, stamped on every event */
	struct peer_config config;
	struct sockaddr_storage local;	/* listen: bound to this address */
	socklen_t local_len;
	struct sockaddr_storage remote;	/* connect: the target's address */
	socklen_t remote_len;
	bool connect_may_fail;	/* steps-from: start — the first connect
				 * failing is what the scenario detects
				 * (EV_ERROR), not a setup failure */
};

struct peer {
	pid_t pid;		/* -1 when not running */
	int events;		/* read end: struct event records */
	int cmds;		/* write end: commands */
	int host;
};

/* What the runner asks a running peer to do: an endpoint action. */
struct peer_cmd {
	enum action_kind kind;
	long bytes;		/* ACTION_SEND, ACTION_RECV */
	int how;		/* ACTION_SHUTDOWN */
	int step;		/* the step it is (index), echoed in its event */
	int occurrence;		/* which occurrence of it; 0: once */
	bool all;		/* on every open connection, not the newest */
};

/* Fork a peer into namespace @ns. It dies with the harness (parent-death
 * signal). Returns 0, or -errno with a message in @d. */
int peer_start(const struct peer_spec *spec, int ns, struct peer *out,
	       struct diag *d);

/* Ask the peer to do @a, step @step (@occurrence), on its newest
 * connection. Its `action` event says when the call was made and what it
 * returned. Returns 0 or -errno. */
int peer_act(struct peer *p, const struct action *a, int step, int occurrence);

/* Read one event if one is waiting. Returns 1 (got one), 0 (none waiting),
 * or -EPIPE when the peer is gone. */
int peer_read_event(struct peer *p, struct event *e);

/* Kill the peer (SIGKILL), reap it, close the pipes. Idempotent. */
void peer_stop(struct peer *p);

/* Kill the peer and close the pipes, without waiting for it to die: a
 * process that dies last holding a capture's ring makes the kernel wait
 * for an RCU grace period (tens of ms). Its parent, or the subreaper,
 * reaps it. */
void peer_abandon(struct peer *p);

/* The child's side: run the peer of @spec in namespace @ns, reporting on
 * @ev and taking commands from @cmd. Never returns. */
void peer_child_run(const struct peer_spec *spec, int ns, int ev, int cmd,
		    pid_t parent) __attribute__((noreturn));

/* The byte at stream offset @off of everything a peer sends on one
 * connection: a receiver checks what arrives against it. */
static inline unsigned char peer_pattern(unsigned long long off)
{
	return (unsigned char)(off % 251);
}

#endif
