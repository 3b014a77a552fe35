/* The state of one run, shared by runner.c (the timeline: set up, apply
 * steps, tear down) and endpoint.c (what runs on each host: the built-in
 * peer or the user's program). Nothing outside harness/run/ sees it. */
#ifndef HARNESS_RUN_RUN_INTERNAL_H
#define HARNESS_RUN_RUN_INTERNAL_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/diag.h"
#include "harness/model/fault.h"
#include "harness/model/program.h"
#include "harness/model/scenario.h"
#include "harness/run/events.h"
#include "harness/run/exec.h"
#include "harness/run/output.h"
#include "harness/run/peer.h"
#include "harness/run/sampler.h"
#include "harness/run/watch.h"

struct capture;
struct pollfd;
struct topo;

/* How long a program has to end after SIGTERM, at teardown. */
#define ENDPOINT_GRACE_NS (2 * 1000000000LL)

/* Extra socket samples a run keeps due at once, at most. */
#define RUN_MAX_INSTANTS 32

/* One of a host's programs (program_run.c). */
struct prog_run {
	const struct program *p;
	struct exec_proc proc;	/* init -1 when not running */
	struct output out, err;	/* its stdout and stderr */
	bool ready;
	regex_t ready_re;	/* ready: { log: } compiled, if has_re */
	bool has_re;
	int64_t started_ns;	/* monotonic */
	int64_t wait_ref_ns;	/* its run-queue wait when the last step that
				 * breaks something took effect (or when it
				 * started); -1: unknown */
};

/* A log file a program writes that an expectation watches (by: { log,
 * file }), copied line by line into the run directory. */
struct tail {
	const char *written;	/* the path as the scenario writes it */
	char *path;		/* filled in, absolute */
	struct output out;	/* out.fd: the file, once it is there */
};

#define ENDPOINT_MAX_TAILS 8

/* What runs on a host. */
struct endpoint {
	struct peer peer;	/* the built-in peer; pid -1 when not running */
	struct prog_run prog[PROGRAM_MAX_PER_HOST];	/* the user's programs */
	size_t nprog;		/* how many have been started */
	struct tail tails[ENDPOINT_MAX_TAILS];
	size_t ntails;
	char *dir;		/* the host's scratch folder, once made */
	uid_t uid;		/* its first program's user: the owner its
				 * watched log files must have (0: any) */
	bool listening, failed;	/* what the peer said */
	long connected, accepted;	/* connections it said came up */
	int64_t up_ns;		/* wall ns the last of the connections it
				 * waits for came up, as it said (0: not yet) */
	int64_t up_lag_ns;	/* how much earlier the kernel may have had it up */
};

struct run {
	const struct scenario *sc;
	const char *dir;	/* the run directory */
	char *scenario_dir;	/* the scenario file's folder: programs run there */
	struct diag *d;
	FILE *events;
	struct topo *topo;
	struct capture *caps[SCENARIO_MAX_HOSTS];
	char *cap_paths[SCENARIO_MAX_HOSTS];
	struct endpoint ep[SCENARIO_MAX_HOSTS];
	struct sampler sampler;
	struct watch watch;	/* when the run may end */
	int64_t next_sample;	/* monotonic ns */
	int64_t sample_cost_ns;	/* how long a socket sample takes, lately */
	int64_t t0;		/* steps count from here: every connection
				 * established, or (steps-from: start) the
				 * listeners up */
	bool established;	/* EV_ESTABLISHED recorded */
	int64_t t0_lag_ns;	/* how much earlier t0 may have been: the peer
				 * saw the connection that late at most. Every
				 * step is late by as much more, against the
				 * kernel's timers, which started then */
	bool acting[SCENARIO_MAX_HOSTS];	/* a host's peer was asked for an
						 * action it has not begun yet */
	int64_t instants[RUN_MAX_INSTANTS];	/* monotonic ns, sorted: extra
						 * socket samples due at the
						 * moments expectations ask
						 * about (at:, by:, for:) */
	size_t ninstants;
	int64_t sampled[SCENARIO_MAX_HOSTS];	/* wall ns each host's last
						 * socket sample began */
	struct asked {		/* per step: when the runner last asked a peer */
		int64_t requested_ns;	/* wall clock */
		int64_t late_ns;
		bool recorded;	/* that occurrence's step is recorded (with
				 * connection: all, the first call of many
				 * is the step) */
	} *asked;
	int schedstat;		/* the runner thread's schedstat; -1: none */
	int64_t read_lag_ns;	/* while taking in what a wait brought: how
				 * long the runner waited to run after it
				 * came, at most (lines are stamped late by
				 * as much) */
	int64_t slip_ns;	/* the most any step took effect after its
				 * time: the run's end moves back by as much,
				 * since what is measured from a step counts
				 * from when it took effect */
	struct fault_ctx faults;
};

/* runner.c */
int run_record(struct run *r, struct event *e);
int run_record_host(struct run *r, enum event_type type, int host);
/* A peer's action event for a step: record the step, at the moment the
 * peer made its call. */
int run_record_action_step(struct run *r, const struct event *action);
/* Sleep until @until (monotonic ns) or something to read; take in what
 * came (endpoint events and output, packets) and sample the sockets when
 * due. Returns 0, -EINTR when stopped by a signal, or -errno. */
int run_wait(struct run *r, int64_t until);

/* endpoint.c */
void endpoint_init(struct endpoint *ep);
/* Start host @host's endpoint. Returns 0 or -errno with why in r->d. */
int endpoint_start(struct run *r, int host);
/* Kill it at once (a crash, a power-off, a restart). */
int endpoint_kill(struct run *r, int host);
/* End it at teardown: a program gets SIGTERM and a grace period. */
void endpoint_stop(struct run *r, int host);
bool endpoint_running(const struct run *r, int host);
/* SIGSTOP / SIGCONT to everything of the host's endpoint. */
int endpoint_signal(struct run *r, int host, int sig, struct diag *d);
/* Its descriptors to wait on, at most ENDPOINT_MAX_FDS (each program's
 * stdout, stderr and status); returns how many were put in @p. */
#define ENDPOINT_MAX_FDS (3 * PROGRAM_MAX_PER_HOST)
size_t endpoint_fds(const struct run *r, int host, struct pollfd *p);
/* Take in what the endpoint said: peer events, program output and exit. */
int endpoint_collect(struct run *r, int host);
/* Start every endpoint, listeners first, and wait until every connection
 * is up. Returns 0 or -errno (why in r->d). */
int endpoint_establish(struct run *r);
/* Its two halves for steps-from: start: the listeners, started and
 * ready; then the connecting endpoints, started, not waited for. */
int endpoint_listen(struct run *r);
int endpoint_connect(struct run *r);
/* Whether every host's connection is up, as far as it can tell. */
bool endpoint_all_up(const struct run *r);
/* How many connections @host's built-in peer waits for before it is up:
 * its connections: when it connects; when it listens, every built-in
 * peer's connections to it (1 at least). */
long endpoint_needed(const struct run *r, int host);

/* program_run.c: a host's own programs */
void prog_init(struct prog_run *pr);
/* Start the first (the rest follow as each is ready: programs_advance()). */
int programs_start(struct run *r, int host);
/* Whether the last one started is ready; if so start the next. *all:
 * every one started and ready. Returns 0 or -errno. */
int programs_advance(struct run *r, int host, bool *all);
/* When the one waited for must be ready by (monotonic ns). */
int64_t programs_ready_deadline(const struct run *r, int host);
/* The program being waited for (or the first). */
const struct program *programs_waiting(const struct run *r, int host);
int programs_collect(struct run *r, int host);
size_t programs_fds(const struct run *r, int host, struct pollfd *p);
bool programs_running(const struct run *r, int host);
/* One exited: say so, with its last output and hints, in r->d. */
bool programs_failed(struct run *r, int host, const char *before);
int programs_timed_out(struct run *r, int host, const char *what);
void programs_kill(struct run *r, int host);
void programs_stop(struct run *r, int host);
int programs_signal(struct run *r, int host, int sig);
/* A step that breaks something took effect: how long each program has
 * waited to run so far is where its lateness is counted from. */
void programs_mark_reference(struct run *r);

#endif
