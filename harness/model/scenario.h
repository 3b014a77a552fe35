/* The scenario model: what a scenario file says, with the position of every
 * value that a later error may need to cite. Built by scenario_load(),
 * freed by scenario_free(). */
#ifndef HARNESS_SCENARIO_H
#define HARNESS_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"
#include "common/names.h"
#include "harness/model/expect.h"
#include "harness/model/matrix.h"

#define SCENARIO_MAX_HOSTS 64
#define HOST_NAME_MAX_LEN 31
#define PEER_MAX_CONNECTIONS 20000
#define SCENARIO_MAX_REPEAT 1000
#define HOST_NONE (-1)

enum peer_role {
	PEER_LISTEN,
	PEER_CONNECT,
};

struct keepalive {
	bool on;
	int64_t idle_ns;	/* 0 with on: the host's sysctls */
	int64_t interval_ns;
	long count;
};

/* An application-level heartbeat: send a little data every send_every;
 * on the receiving side, declare the peer dead when nothing arrived for
 * timeout, checking only every poll (0: exactly when it expires). */
struct heartbeat {
	int64_t send_every_ns;	/* 0: does not send */
	long bytes;		/* of each heartbeat */
	int64_t timeout_ns;	/* 0: does not watch */
	int64_t poll_ns;
};

/* Steady application traffic: @bytes every @every_ns. */
struct traffic {
	int64_t every_ns;	/* 0: none */
	long bytes;
};

/* What the application does once it has noticed its connection died. */
enum on_detect {
	ON_DETECT_CLOSE,	/* close(): the default */
	ON_DETECT_SHUTDOWN_WRITE,	/* shutdown(SHUT_WR), keep the socket */
	ON_DETECT_KEEP,		/* leave the socket open, untouched */
};

/* The built-in peer that runs on a host. */
struct peer_config {
	enum peer_role role;
	uint16_t port;		/* listen: local port; connect: remote port */
	int target;		/* connect: index of the host to connect to */
	struct keepalive keepalive;
	int64_t user_timeout_ns;	/* TCP_USER_TIMEOUT; 0: not set */
	bool linger;		/* SO_LINGER on, with linger_ns */
	int64_t linger_ns;
	struct heartbeat heartbeat;
	struct traffic traffic;
	int64_t zero_probe_ns;	/* a zero-byte send() every this; 0: none */
	long connections;	/* connect: how many it opens at the start,
				 * each with every strategy; 1 by default */
	bool reads;		/* false: received data stays unread */
	enum on_detect on_detect;
};

/* A sysctl set inside one host's namespace before any socket exists. */
struct sysctl {
	char *key;		/* "net.ipv4.tcp_retries2" */
	char *value;
	struct pos at;		/* the key */
	struct pos value_at;
};

/* The network a scenario runs in (topology:, family:). */
enum net_kind {
	NET_SWITCHED,		/* both hosts on one bridge: a LAN */
	NET_ROUTED,		/* each host on its own subnet behind a router */
};

/* What a NAT router does with a segment of a connection its conntrack
 * no longer knows. */
enum untracked {
	UNTRACKED_PICKUP,	/* tracks it anew (Linux's default) */
	UNTRACKED_DROP,		/* drops it silently (a cloud load balancer) */
	UNTRACKED_RESET,	/* answers it with an RST */
};

struct net_config {
	enum net_kind kind;
	int family;		/* AF_INET or AF_INET6 */
	bool nat;		/* routed: the router masquerades the client */
	int64_t conntrack_timeout_ns;	/* routed: established timeout; 0: default */
	enum untracked untracked;	/* nat */
	struct pos at;		/* the topology key, for errors */
};

struct program;

struct host {
	char *name;		/* "client", "server", or a name of hosts: */
	struct pos at;		/* where its section starts */
	struct peer_config peer;	/* the built-in peer; for a program only
					 * role and port (listen) */
	struct program *program;	/* the user's program (exec:), or NULL
					 * for the built-in peer */
	struct sysctl *sysctls;
	size_t nsysctls;
};

enum action_kind {
	ACTION_SEND,		/* bytes from a host */
	ACTION_CLOSE,		/* close() the connection */
	ACTION_ABORT,		/* SO_LINGER {1, 0} then close(): an RST */
	ACTION_SHUTDOWN,	/* shutdown(how) */
	ACTION_RECONNECT,	/* close, then connect again */
	ACTION_RECV,		/* one recv() of up to bytes, without waiting */
};

struct action {
	enum action_kind kind;
	int host;
	long bytes;		/* send, recv */
	int how;		/* shutdown: SHUT_RD, SHUT_WR or SHUT_RDWR */
	bool all;		/* connection: all — on every open connection
				 * of the host's peer, not only its newest */
};

struct fault;

struct step {
	char *name;		/* optional, unique: for `since:` */
	struct pos at_pos;
	int64_t at_ns;		/* after every connection is established */
	int64_t every_ns;	/* repeated every this... */
	long times;		/* ...this many times in all (1: once) */
	int64_t for_ns;		/* a fault: reverted this long after each
				 * occurrence; 0: left in place */
	struct fault *fault;	/* a fault step, or NULL for an action */
	struct action action;
};

/* What a scenario found of a claim it cites (CLAIMS.md): the document
 * says what Linux does, says something Linux does otherwise, or half. */
enum claim_finding {
	CLAIM_CONFIRMED,
	CLAIM_DIFFERS,
	CLAIM_PARTLY,
};

struct scenario {
	char *path;		/* as given to scenario_load() */
	const char *source;	/* the file's bytes, as loaded: what is run and
				 * judged is exactly this, whatever the file
				 * becomes meanwhile */
	size_t source_len;
	struct scenario_text *text;	/* owns source: one copy shared by a
					 * sweep's combinations */
	char *name;
	char **claims;		/* ids: "C1.4" */
	enum claim_finding *findings;	/* per claim */
	size_t nclaims;
	char *about;
	struct net_config net;
	struct host hosts[SCENARIO_MAX_HOSTS];
	size_t nhosts;
	int64_t sample_every_ns;	/* how often the socket tables are read */
	bool capture_payload;	/* captures keep whole frames, not headers */
	struct pos observe_at;
	int64_t observe_ns;	/* observe: the run lasts this long after its
				 * last step at least; 0: as its expectations
				 * need */
	bool from_start;	/* steps-from: start — steps count from when the
				 * listeners are up; the connection is tried
				 * after the steps at 0 s and may never be made */
	struct step *steps;	/* sorted by at_ns */
	size_t nsteps;
	struct expect *expects;
	size_t nexpects;
	struct matrix_pick pick;	/* a sweep's combination this is; n 0:
					 * not a sweep */
	unsigned matrix_unused;	/* bit i: pick.names[i] is used nowhere */
	struct pos matrix_at;
	long repeat;		/* repeat: how many runs (of each combination)
				 * when `run --repeat` does not say; 0: one */
};

/* Load and validate @path. On success returns 0 and a scenario the caller
 * frees with scenario_free(); on failure returns -EINVAL (or -errno when the
 * file cannot be read), *out is NULL, and @d holds every problem found, each
 * as "file:line:col: ...". @d must have been set up with diag_init(d, path). */
int scenario_load(const char *path, struct scenario **out, struct diag *d);

/* The same from @len bytes already read (kept as sc->source), named @path
 * in messages: what scenario_load() does once it has read the file. */
int scenario_load_bytes(const char *path, const char *bytes, size_t len,
			struct scenario **out, struct diag *d);

/* The same for combination @pick of a sweep (matrix:). A sweep loaded
 * with no @pick (or one with n 0), or a @pick that is not one of its
 * combinations, is an error. */
int scenario_load_pick(const char *path, const char *bytes, size_t len,
		       const struct matrix_pick *pick, struct scenario **out, struct diag *d);
/* Load @path as the combination @matrix, a label as matrix_pick_label()
 * writes it ("loss=20,every=1s"), or NULL for a scenario that is no
 * sweep. */
int scenario_load_as(const char *path, const char *matrix, struct scenario **out,
		     struct diag *d);
/* Every combination of the scenario in @path: *@n scenarios (just one for
 * a scenario that is no sweep) in the matrix's order, in an array the
 * caller frees, with each scenario. Each problem is reported once, with
 * the combination it came from. Returns 0 or -errno. */
int scenario_load_sweep(const char *path, struct scenario ***out, size_t *n, struct diag *d);
int scenario_load_sweep_bytes(const char *path, const char *bytes, size_t len,
			      struct scenario ***out, size_t *n, struct diag *d);
/* A file's bytes, counted: scenario_text_new() copies them (one
 * reference, the caller's), scenario_set_text() makes them @sc's source
 * (a reference of its own), scenario_text_put() lets a reference go. */
struct scenario_text *scenario_text_new(const char *bytes, size_t len);
void scenario_set_text(struct scenario *sc, struct scenario_text *t);
void scenario_text_put(struct scenario_text *t);

/* The same one combination at a time: @visit gets each (to free) with
 * its index @k of @count, in the matrix's order, as it is loaded; the
 * next is not loaded before it returns. A combination with problems is
 * not visited, and the others still are (every problem is in @d); a
 * non-zero return of @visit stops there and is returned. The file is
 * parsed once, whatever the number of combinations. */
typedef int scenario_visit_fn(struct scenario *sc, size_t k, size_t count, void *ctx);
int scenario_sweep_each(const char *path, scenario_visit_fn *visit, void *ctx, struct diag *d);
int scenario_sweep_each_bytes(const char *path, const char *bytes, size_t len,
			      scenario_visit_fn *visit, void *ctx, struct diag *d);

/* Free @sc and everything it owns; NULL is a no-op. */
void scenario_free(struct scenario *sc);
/* Free the @n scenarios of @v, and @v. */
void scenario_free_all(struct scenario **v, size_t n);

/* Whether any host runs a program of the user's (exec:). */
bool scenario_runs_programs(const struct scenario *sc);

/* How many connections the hosts open: each built-in peer's
 * connections:, and one for each program that connects. */
long scenario_connections(const struct scenario *sc);

/* Index of the host named @name, or HOST_NONE. */
int scenario_host_index(const struct scenario *sc, const char *name);

/* The host a scenario names where it refers to one ("from: client", a
 * fault's target), as an index into sc->hosts; an unknown @name is
 * reported at @at as "unknown host in <what>: ... (hosts: ...)". The one
 * resolver of host names. Returns 0 or -EINVAL. */
int scenario_host_ref(const struct scenario *sc, const char *name, struct pos at,
		      const char *what, int *host, struct diag *d);

/* "client, server": the host names, for error messages. Writes @buf. */
const char *scenario_host_names(const struct scenario *sc, char *buf,
				size_t len);

/* When occurrence @k (0-based) of @st happens, after establishment. */
int64_t step_time_ns(const struct step *st, long k);

/* The name of what a step does: the fault kind or the action. */
const char *step_what(const struct step *st);

/* "confirmed", "differs", "partly". */
const char *claim_finding_name(enum claim_finding f);

/* Whether @st breaks something: a fault that is no repair (not
 * cable-plug, nic-up, switch-on, heal, thaw, power-on or restart), or an
 * action that ends or cuts a connection (close, abort, shutdown,
 * reconnect) — not a send or recv. Latencies are measured from the last
 * one. */
bool step_breaks(const struct step *st);

/* The actions' names as written ("shutdown"), and one action's. */
extern const struct name_value action_names[];
extern const size_t action_nnames;
const char *action_name(enum action_kind kind);

/* The time (after establishment) of the last step that breaks something
 * (its last occurrence), or 0 when the scenario has none: latency windows
 * are measured from it. */
int64_t scenario_last_fault_ns(const struct scenario *sc);

/* The step named @name, or -1. */
int scenario_step_index(const struct scenario *sc, const char *name);

/* How long after establishment the run must last for every expectation to
 * be decided. */
int64_t scenario_horizon_ns(const struct scenario *sc);

/* The same, and in @at the step or expectation that reaches that far. */
int64_t scenario_horizon_at(const struct scenario *sc, struct pos *at);

/* A scenario's timeline is at most an hour; with @allow_long (`--long`),
 * a day. Longer is an error at the step or expectation that makes it so:
 * a typo (`at: 100h`) must not hold a CI runner for days. */
#define SCENARIO_MAX_NS (3600 * INT64_C(1000000000))
#define SCENARIO_LONG_MAX_NS (24 * 3600 * INT64_C(1000000000))
int scenario_check_length(const struct scenario *sc, bool allow_long, struct diag *d);

#endif
