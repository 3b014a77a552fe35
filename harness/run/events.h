/* events.jsonl: every timestamped thing that happened in a run, one JSON
 * object per line, on the same clock as the captures (CLOCK_REALTIME, ns).
 * The runner writes it; the judge reads it back. */
#ifndef HARNESS_EVENTS_H
#define HARNESS_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/diag.h"

struct scenario;

enum event_type {
	EV_RUN_START,
	EV_TOPOLOGY_READY,
	EV_HOST,		/* the runner: a host, its address and capture file */
	EV_LISTENING,		/* a peer: listen() succeeded */
	EV_CONNECTED,		/* a peer: connect() completed */
	EV_ACCEPTED,		/* a peer: accept() returned the connection */
	EV_ESTABLISHED,		/* the runner: every connection is up; steps count from here */
	EV_START,		/* the runner (steps-from: start): the listeners are
				 * up, no connect tried yet; steps count from here */
	EV_STEP,		/* the runner: a step was applied */
	EV_REVERTED,		/* the runner: a fault step's `for` ran out: undone */
	EV_SENT,		/* a peer: send() took bytes */
	EV_RECEIVED,		/* a peer: recv() returned bytes */
	EV_EOF,			/* a peer: recv() returned 0 */
	EV_ERROR,		/* a peer: a socket call failed with errno */
	EV_SETUP_FAILED,	/* a peer could not start (bind, connect...) */
	EV_HEARTBEAT_TIMEOUT,	/* a peer: no data within its heartbeat timeout */
	EV_CORRUPT,		/* a peer: received bytes differ from what was sent
				 * (bytes: the stream offset of the first bad one) */
	EV_PROBE,		/* a peer: a zero-byte send() returned (err, or 0) */
	EV_ACTION,		/* a peer: it did an action (call: "close", "abort",
				 * "shutdown", "reconnect") */
	EV_RESTARTED,		/* the runner: a host's endpoint started again */
	EV_STARTED,		/* the runner: a host's program was exec'd */
	EV_READY,		/* the runner: a host's program is ready (what: how) */
	EV_EXITED,		/* the runner: a host's program ended (status or
				 * signal) */
	EV_SOCKET,		/* the runner: a TCP socket of a host appeared or
				 * changed (sock) */
	EV_SOCKET_GONE,		/* the runner: it left the socket table */
	EV_CAPTURE,		/* the runner: a host's capture ended: what it
				 * received and dropped (pcap_stats) */
	EV_RUN_END,
	EV_CONNECTING,		/* a peer: it is about to call connect() */
	EV_ACTING,		/* a peer: it is about to make an action's call
				 * (the runner's own, never written: a later
				 * step waits for it) */
	EV_NTYPES
};

/* A TCP socket as the socket table showed it (EV_SOCKET, EV_SOCKET_GONE). */
struct event_sock {
	int state;		/* TCP_ESTABLISHED... */
	char local[48];		/* address */
	char remote[48];
	int lport, rport;
	unsigned inode;		/* 0: no process holds it */
	int retransmits, probes, backoff;
	unsigned rto_us, unacked;
};

struct event {
	int64_t t_ns;
	enum event_type type;
	int host;		/* index, or HOST_NONE for the runner's own */
	int err;		/* EV_ERROR, EV_SETUP_FAILED: errno */
	char call[16];		/* the socket call: "recv", "send", "connect" */
	long bytes;		/* EV_SENT, EV_RECEIVED, and a send step */
	int port;		/* EV_LISTENING */
	int conn;		/* a peer's connection: 1 for its first, 2 for the
				 * next (reconnect, a second accept); 0: none */
	int step;		/* EV_STEP: index into the sorted steps */
	int line;		/* EV_STEP: the step's line in the scenario */
	char what[32];		/* EV_STEP: "cable-pull", "send" */
	char program[32];	/* EV_STARTED, EV_READY, EV_EXITED: which of the
				 * host's programs (programs:); "" for exec: */
	int occurrence;		/* EV_STEP: 1, 2... of a repeated step; 0: once */
	int64_t requested_ns;	/* EV_STEP: when the runner set about it (t_ns is
				 * when it took effect: a fault applied, a peer's
				 * system call made) */
	int64_t late_ns;	/* EV_STEP: how late the runner set about it */
	int64_t took_ns;	/* EV_ACTION: how long its system call took
				 * (close() lingering...); -1: not recorded */
	int64_t lag_ns;		/* a peer's EV_EOF, EV_ERROR,
				 * EV_HEARTBEAT_TIMEOUT, EV_PROBE: how much
				 * earlier it may have happened than t_ns —
				 * the peer waiting to run, or past its timer;
				 * 0: not measured */
	int64_t after_ns;	/* EV_SOCKET, EV_SOCKET_GONE: the sample
				 * before, which did not show it yet: the
				 * change came after this; 0: unknown */
	int target;		/* EV_STEP: the host the step acts on */
	char addr[48];		/* EV_HOST: the host's address */
	char alias[48];		/* EV_HOST: the address the others see it as,
				 * behind a NAT; "" when the same */
	char capture[64];	/* EV_HOST: its capture, relative to the run dir */
	char kernel[65];	/* EV_RUN_START: the kernel's release (uname -r) */
	int status;		/* EV_EXITED: the exit status; -1: killed */
	int signal;		/* EV_EXITED: the signal that killed it; 0: none */
	struct event_sock sock;	/* EV_SOCKET, EV_SOCKET_GONE */
	unsigned received, dropped, ifdropped;	/* EV_CAPTURE */
};

struct event_list {
	struct event *v;
	size_t n;
	size_t cap;
};

/* The name written for @type ("error"), and its inverse (-1 if unknown). */
/* Whether @e shows its host's peer learning its connection is gone: EOF,
 * an error, a heartbeat timeout, or an action's send or recv that
 * returned EOF or an error that ends a connection (EPIPE, ECONNRESET,
 * ETIMEDOUT...): an application learns it that way too. */
bool event_detects(const struct event *e);

/* Whether @e ends its connection for the peer: a detection, or the
 * application's own close, abort or reconnect of it. */
bool event_ends_conn(const struct event *e);

/* Whether @e is such a failed action (by: call). */
bool event_failed_call(const struct event *e);

const char *event_type_name(enum event_type type);
int event_type_parse(const char *name);

/* Append @e as one JSON line to @f, host indexes written as names of @sc.
 * Returns 0 or -EIO. */
int events_write(FILE *f, const struct scenario *sc, const struct event *e);

/* Read every line of @path into @out (appending). Errors cite
 * "path:line: ...". Returns 0 or -errno / -EINVAL. */
int events_read(const char *path, const struct scenario *sc,
		struct event_list *out, struct diag *d);

/* The same from @f (closed here), errors citing @path. */
int events_read_fp(FILE *f, const char *path, const struct scenario *sc,
		   struct event_list *out, struct diag *d);

int event_list_push(struct event_list *l, const struct event *e);
void event_list_clear(struct event_list *l);

#endif
