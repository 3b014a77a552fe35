/* The result model every report is written from: per scenario a verdict,
 * and per expectation a verdict made of values — what kind of expectation,
 * about which host, what was measured (ns, packets or bytes) against which
 * bounds, from which reference step, decided by which events and packets.
 * Words are made from these values in one place (result_text.c); no
 * report parses text back. Names here are the ones JSON will carry. */
#ifndef REPORTS_RESULT_H
#define REPORTS_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"

enum verdict {
	VERDICT_PASS,
	VERDICT_FAIL,
	VERDICT_SKIP,
	VERDICT_ERROR,		/* the scenario could not be run or judged */
	VERDICT_INTERRUPTED,	/* a signal stopped the run before it ended */
	VERDICT_UNSURE,		/* what was measured lies across a bound: the
				 * runner's own lateness, not the kernel, could
				 * have decided it either way */
	VERDICT_FLAKY,		/* one run certainly passed, another certainly
				 * failed */
	VERDICT_COUNT,
};

/* What the measured value counts. */
enum result_unit {
	UNIT_NONE,
	UNIT_NS,		/* a latency or a duration */
	UNIT_PACKETS,
	UNIT_BYTES,
	UNIT_SOCKETS,
};

/* Why the verdict is what it is: one value per situation, each put into
 * words by result_measured_str(). */
enum outcome {
	OUTCOME_DETECTED,	/* a detection, `measured` after the reference
				 * (negative: that long before it) */
	OUTCOME_NOTHING_DETECTED,	/* none in the `measured` after the reference */
	OUTCOME_QUIET,		/* no-detect: nothing for the whole period */
	OUTCOME_NOT_QUIET,	/* no-detect: a detection `measured` after
				 * (negative: before) the reference */
	OUTCOME_RUN_TOO_SHORT,	/* the run ended `measured` after the reference,
				 * before the period was over */
	OUTCOME_NO_REFERENCE,	/* the `since` step never ran */
	OUTCOME_COUNTED,	/* packets: `measured` packets */
	OUTCOME_DELIVERED,	/* delivered: `measured` bytes of `hi` arrived */
	OUTCOME_CORRUPTED,	/* delivered: the byte at `offset` differs */
	OUTCOME_MATCHED,	/* sequence: the last item `measured` after */
	OUTCOME_BROKEN,		/* sequence: item `item` got `found`, then `packet` */
	OUTCOME_CUT_SHORT,	/* sequence: item `item` got `found`, then the
				 * capture ended */
	OUTCOME_SOCKETS_AT,	/* sockets: `measured` of them `when_ns` after */
	OUTCOME_SOCKETS_BY,	/* sockets: `measured` at t_ns, the first moment in
				 * range (or, failing, at the end of `when_ns`) */
	OUTCOME_SOCKETS_FOR,	/* sockets: in range all along, or `measured` at
				 * t_ns, the first moment out of it */
	OUTCOME_SOCKETS_MAX,	/* sockets: at most `measured` of them, first at
				 * t_ns */
	OUTCOME_CALLS,		/* calls: the results of `calls` */
	OUTCOME_CAPTURE_INCOMPLETE,	/* host's capture dropped `measured`
					 * packets: nothing can be counted */
	OUTCOME_NEEDS_EVENTS,	/* judged from bare captures: this kind needs
				 * the run's events (skipped) */
	OUTCOME_OTHER_KERNEL,	/* `kernel_cond` names other kernels than
				 * `run_kernel`, the run's (skipped) */
	OUTCOME_TRANSIT,	/* transit: `segments` matched, delays from
				 * `delay_min_ns` to `delay_max_ns`; failed:
				 * `what` ("delay", "spread", "lost",
				 * "duplicated", "segments") was `measured` */
	OUTCOME_BLOCKED,	/* blocks: host's `what` call returned after
				 * `measured`, with `cause` (an errno; -1: none) */
	OUTCOME_NOT_CALLED,	/* blocks: host never made the `what` call */
	OUTCOME_NOT_TIMED,	/* blocks: the run did not record how long
				 * calls took (a run directory from before) */
	OUTCOME_COUNT,
};

/* A packet that decided a verdict: frame @frame (1-based, as Wireshark
 * numbers them) of host @host's capture. */
struct packet_ref {
	char host[32];
	long frame;
};

/* What made a measurement uncertain (expect_result.doubts, a mask). */
enum doubt {
	DOUBT_REFERENCE = 1 << 0,	/* the step it counts from ran late
					 * (ref_late_ns) or took long to take
					 * effect (ref_took_ns) */
	DOUBT_LAG = 1 << 1,		/* the host's own peer saw what it
					 * noticed lag_ns late at most */
	DOUBT_SAMPLE = 1 << 2,		/* a socket change lies between two
					 * samples, sample_gap_ns apart */
	DOUBT_LATE_STEP = 1 << 3,	/* a step it is measured across ran
					 * late (scenario_result.late) */
	DOUBT_CROSSED = 1 << 4,		/* a segment crossed between when the
					 * step measured from was due and when
					 * it took effect (the last of packets) */
	DOUBT_DELIVERY = 1 << 5,	/* the segment that caused what was
					 * noticed took delivery_ns between the
					 * two hosts' captures, on a network
					 * that adds no delay: the machine
					 * delivered it late */
};

#define RESULT_MAX_PACKETS 32
/* A step the runner set about later than this, or that took this long to
 * take effect, makes a count or a sequence that failed across it unsure:
 * the kernel did what it did, at other times than the scenario says. */
#define RESULT_LATE_NS 5000000LL

/* Whether a step @late_ns late that took @took_ns to take effect is to be
 * reported: either past RESULT_LATE_NS. */
bool result_step_is_late(int64_t late_ns, int64_t took_ns);
#define RESULT_MAX_CALLS 16

/* One run's outcome of an expectation, when a scenario is repeated. */
struct run_value {
	enum verdict verdict;
	bool valued;		/* @measured is a value (result_has_value()) */
	int64_t measured;
};

/* Summary statistics over the runs whose value is valued. */
struct run_stats {
	size_t n;
	int64_t min, median, p99, max;
};

/* One send or recv action's result (calls): its return value or errno. */
struct call_result {
	char call[8];		/* "send", "recv" */
	long ret;		/* bytes; 0 from recv: EOF */
	int err;		/* errno; 0: none */
	long times;		/* how many calls in a row returned this */
	long event_line;	/* in events.jsonl: the first of them */
};

struct expect_result {
	enum verdict verdict;
	enum outcome outcome;
	char kind[16];		/* the expectation kind, "detect" */
	struct pos at;		/* the expectation in the scenario file */
	char host[32];		/* whose application, capture or packets; "" */
	char peer[32];		/* the other end (packets to, delivered to); "" */
	char by[8];		/* how a host's noticing is seen: "" (the
				 * built-in peer's calls), "close", "exit", "log" */
	char via[16];		/* the evidence that showed it: "orphaned",
				 * "vanished", "FIN", "RST" (close), "" */
	int cause;		/* what the host noticed: an errno, ERRNAME_EOF
				 * or ERRNAME_HEARTBEAT; -1: nothing */
	int causes[8];		/* the causes accepted; none: any */
	size_t ncauses;
	int exit_status;	/* by exit: its status; -1: killed or none */
	int exit_signal;	/* by exit: the signal that killed it; 0: none */
	int want_status;	/* by exit: the status wanted; -1: any */
	char log[200];		/* by log: the line that matched */
	char log_file[320];	/* by log: "server.stdout" */
	int printed_nothing;	/* by log: nothing at all was written where
				 * it looked (1): the program may buffer */
	long log_line;		/* by log: its line in that file */
	enum result_unit unit;
	int64_t measured;	/* in @unit */
	int64_t measured_lo, measured_hi;	/* what it could have been, at
						 * either end: the runner's and
						 * the peers' own lateness
						 * (doubts); = measured when
						 * known exactly */
	unsigned doubts;	/* enum doubt: what widened it */
	int64_t lag_ns;		/* DOUBT_LAG: how late the host may have seen it */
	int64_t sample_gap_ns;	/* DOUBT_SAMPLE: the samples' distance */
	int64_t delivery_ns;	/* DOUBT_DELIVERY: the segment's time between
				 * the captures */
	char delivery_of[48];	/* "server's RST" */
	struct {		/* DOUBT_LATE_STEP: the worst such step */
		char name[32];
		int64_t late_ns, took_ns;
	} across;
	int64_t lo, hi;		/* the bounds it must lie in, in @unit (hi
				 * INT64_MAX: none); no-detect: hi = the period */
	int64_t offset;		/* delivered: stream offset of the first bad
				 * byte; -1: none */
	char what[160];		/* the packets counted ("keepalive-probe"), the
				 * sequence item ("from server, RST") or the
				 * sockets counted ("CLOSE_WAIT on port 7000") */
	int64_t when_ns;	/* sockets: at, by or for this long after */
	int port;		/* sockets: the port counted; 0: any */
	char kernel_cond[32];	/* `kernel:` of the expectation (">= 6.5"); "" */
	char run_kernel[65];	/* other-kernel: the release the run had */
	long segments;		/* transit: segments seen at both ends */
	long lost;		/* transit: sent, never seen arriving */
	long duplicated;	/* transit: arrivals beyond a segment's first */
	int64_t delay_min_ns, delay_median_ns, delay_max_ns;	/* transit */
	long conns;		/* detect: the host's connections alive at the
				 * reference, when more than one; 0: one */
	long conns_noticed;	/* of them, how many noticed */
	long conns_needed;	/* how many had to (connections:) */
	int64_t conn_min_ns, conn_median_ns, conn_p99_ns, conn_max_ns;	/* when */
	long slowest_conn;	/* the peer's number of the last to notice */
	long item;		/* sequence: 1-based item; 0: none */
	long found;		/* sequence: how many of that item were found */
	char packet[160];	/* sequence: the packet seen instead */
	struct call_result calls[RESULT_MAX_CALLS];	/* calls: what they returned */
	size_t ncalls;
	bool calls_cut;		/* more runs of results than calls[] holds */
	int ref_step;		/* index of the step measured from; -1: none */
	char ref[32];		/* its name ("cable-pull", a step's name), or
				 * "establishment" / "the first packet" */
	int64_t ref_t_ns;	/* when it happened, on the run's clock */
	int64_t ref_late_ns;	/* how late the runner set about it */
	int64_t ref_took_ns;	/* how long it took to take effect (the kernel
				 * busy): it took effect somewhere in the
				 * ref_late_ns + ref_took_ns before ref_t_ns */
	int64_t t_ns;		/* when the deciding thing happened; 0: none */
	long event_line;	/* the events.jsonl line that decided; 0: none */
	struct packet_ref packets[RESULT_MAX_PACKETS];	/* deciding packets */
	size_t npackets;
	char *expected;		/* the expectation in words (its kind's
				 * describe); owned */
	struct run_value *runs;	/* with --repeat: each run's, in order; owned.
				 * A rated expectation has them even when run
				 * once */
	size_t nruns;
	bool rated;		/* `rate:`: the verdict is whether it passed in
				 * rate_lo..rate_hi % of the runs */
	int rate_lo, rate_hi;
};

/* A step nothing is measured from that ran more than RESULT_LATE_NS late
 * or took that long to take effect (the worst of its occurrences): what
 * is measured across it may be off by as much. */
struct late_step {
	char name[32];		/* "heal", a step's name */
	int step;		/* its index */
	int64_t t_ns;		/* when it took effect, on the run's clock */
	int64_t late_ns, took_ns;
};

#define RESULT_MAX_LATE_STEPS 8

/* A claim of CLAIMS.md a scenario measures, and what it found of it. */
struct claim_ref {
	char id[12];		/* "C1.4" */
	char finding[12];	/* "confirmed", "differs", "partly" */
};

#define RESULT_MAX_CLAIMS 16
#define RESULT_MAX_PARAMS 6

struct scenario_result {
	char *id;		/* "keepalive/pulled-cable" */
	char *name;		/* the scenario's name: line */
	char *file;		/* the scenario file as given */
	char *run_dir;		/* NULL when nothing ran */
	char *kernel;		/* run under another kernel (run --kernel): its
				 * release; NULL: this machine's */
	struct claim_ref claims[RESULT_MAX_CLAIMS];	/* the scenario's claims */
	size_t nclaims;
	enum verdict verdict;
	char *reason;		/* SKIP/ERROR: why; otherwise NULL */
	char *outputs[4];	/* what programs printed: HOST.stdout and
				 * HOST.stderr files in the run directory */
	size_t noutputs;
	struct expect_result *expects;
	size_t nexpects;
	size_t cap;
	int64_t duration_ns;	/* wall time, set-up to teardown */
	struct late_step late[RESULT_MAX_LATE_STEPS];	/* beyond, the first */
	size_t nlate;
	struct scenario_result *runs;	/* with --repeat: each run's result,
					 * in order; owned */
	size_t nruns;
	struct scenario_result *tries;	/* the runs before this one that
					 * ended unsure and were run again
					 * (--retries), in order; owned.
					 * This result is the last run's */
	size_t ntries;
	char *sweep;		/* a sweep's combination: the sweep's id (the
				 * id without "[loss=20]"); NULL: no sweep */
	char *param_names[RESULT_MAX_PARAMS];	/* its parameters' values */
	char *param_values[RESULT_MAX_PARAMS];
	size_t nparams;
};

struct run_result {
	struct scenario_result *v;
	size_t n;
	size_t cap;
	char *root;		/* the run root, e.g. unplug-out/2026-... */
	char *kernel;		/* the release of the machine that ran it */
	int64_t duration_ns;
	int64_t started_ns;	/* wall clock, when the invocation began */
	int shard, shards;	/* --shard K/N; 0, 0: the whole set */
	int repeat;		/* --repeat N; 1: once */
	int retries;		/* --retries N: unsure runs run again */
	size_t retried;		/* how many runs were run again */
	int jobs;		/* -j: scenarios at a time */
	int cpus;		/* the CPUs the run had */
	double load[2];		/* the 1-minute load average at its start and end */
	bool interrupted;	/* a signal stopped it */
	int signal;		/* which: SIGINT, SIGTERM; 0 */
	bool fail_on_skip;
};

/* A new expectation result in @r, zeroed but for cause, offset,
 * exit_status, want_status and ref_step, which are -1; NULL when out of
 * memory. */
struct expect_result *result_add_expect(struct scenario_result *r);

/* Set e->expected to a copy of @text. Returns 0 or -ENOMEM. */
int result_set_expected(struct expect_result *e, const char *text);

/* Add the packet @frame of @host's capture to @e's evidence (beyond
 * RESULT_MAX_PACKETS, the first ones are kept). */
void result_add_packet(struct expect_result *e, const char *host, long frame);

/* The scenario verdict from its expectations: ERROR if any could not be
 * judged, else FAIL if any failed, SKIP if every one was skipped, else
 * PASS. */
enum verdict result_fold(const struct scenario_result *r);

/* Append an empty scenario result to @rr; returns it or NULL. */
struct scenario_result *result_new_scenario(struct run_result *rr);

/* Name @path as one of @r's program outputs (copied; at most 4). Returns
 * 0 or -ENOMEM. */
int result_add_output(struct scenario_result *r, const char *path);

/* Make @r a combination of sweep @sweep: parameter @names[i] had
 * @values[i] (all copied). Returns 0 or -ENOMEM. */
int result_set_sweep(struct scenario_result *r, const char *sweep, char *const *names,
		     char *const *values, size_t n);

/* A rated expectation's verdict over its runs: an error or interruption
 * in one is the verdict; else PASS when the share of the judged runs it
 * passed in (skips aside) is within rate_lo..rate_hi %. *@passed and
 * *@judged say how many (either may be NULL). */
enum verdict result_rate_verdict(const struct expect_result *e, size_t *passed, size_t *judged);

/* Counts of each verdict. */
void result_count(const struct run_result *rr, size_t counts[VERDICT_COUNT]);

/* The exit status @rr calls for: 0 all passed, 1 a failure (flaky too),
 * an error, an interruption without its signal, or (fail_on_skip) a
 * skip; RESULT_EXIT_UNSURE when nothing of that but a scenario stayed
 * unsure; 128 + the signal when interrupted by one. */
#define RESULT_EXIT_UNSURE 4
int result_exit_status(const struct run_result *rr);

/* "PASS", "FAIL", "SKIP", "ERROR", "INTR": the terminal's. */
const char *verdict_name(enum verdict v);
/* "pass", "fail", "skip", "error", "interrupted": JSON's and JUnit's. */
const char *verdict_id(enum verdict v);
/* The verdict of id @s; -1 when none. */
int verdict_of_id(const char *s);
/* The outcome named @s (outcome_name()); -1 when none. */
int outcome_of_name(const char *s);
const char *outcome_name(enum outcome o);
const char *unit_name(enum result_unit u);

/* What was measured, in words ("server ETIMEDOUT after 4.585 s (window
 * 4.5–4.8 s)"), into @buf: the one place result values become prose. */
const char *result_measured_str(const struct expect_result *e, char *buf,
				size_t len);

/* Whether @e measured a time after its reference (a detection, a matched
 * sequence): the value a scenario's one-line summary leads with. */
bool result_is_latency(const struct expect_result *e);

/* Note in @r that step @step (@name), which took effect at @t_ns, ran
 * @late_ns late and took @took_ns: kept when past RESULT_LATE_NS and no
 * expectation of @r is measured from it; per step, the worst. */
void result_note_late_step(struct scenario_result *r, int step, const char *name,
			   int64_t t_ns, int64_t late_ns, int64_t took_ns);

/* Whether @e's measured is a value worth summing up over runs: a latency
 * (result_is_latency()), a count of packets, bytes or sockets, or when the
 * detection came that broke a no-detect's quiet. */
bool result_has_value(const struct expect_result *e);

/* The detection-time budget @e is judged against — the upper bound of a
 * latency window — into *@budget, and how far under it the measured time
 * is into *@margin (negative: over; when nothing was detected, the time
 * waited past it). False when @e has no budget. */
bool result_budget(const struct expect_result *e, int64_t *budget, int64_t *margin);

/* The failure in a few words: "measured 7.1 s, budget 3 s" for a blown
 * budget, else "measured " and result_measured_str(). */
const char *result_short_str(const struct expect_result *e, char *buf, size_t len);

/* With --repeat, @e's runs in words: "5 runs, failed in run 2, 4; min
 * 4.6 s, median 4.7 s, p99 5.9 s, max 5.9 s", into @buf. */
const char *result_runs_str(const struct expect_result *e, char *buf, size_t len);

/* Fold the @n results of one scenario's repeated runs (taken: @runs
 * becomes into->runs) into @into: each expectation failed if it failed
 * in any run, with the values of the first run it failed in (else the
 * first run's), and every run's value in its runs[]; the scenario's
 * verdict the worst of its runs'. Returns 0 or -ENOMEM. */
int result_fold_runs(struct scenario_result *into, struct scenario_result *runs, size_t n);

/* Fold the @n runs of one scenario — a run, then its retries, each run
 * again because the one before ended unsure (taken: @tries becomes
 * into->tries but for the last, whose result @into becomes) — into
 * @into: the last run's result, with each expectation that certainly
 * passed in one run and certainly failed in another FLAKY, and the
 * scenario's verdict folded again. Returns 0 or -ENOMEM. */
int result_fold_tries(struct scenario_result *into, struct scenario_result *tries, size_t n);

/* Set @e's verdict from where its measured span [@lo, @hi] lies against
 * its window [e->lo, e->hi]: PASS wholly inside, FAIL wholly outside,
 * UNSURE across a bound; e->measured_lo/hi take the span. */
void result_judge_span(struct expect_result *e, int64_t lo, int64_t hi);

/* Whether @v is certain: PASS or FAIL. */
bool verdict_certain(enum verdict v);

/* What made @e unsure, in words ("blackhole took 69 ms to take effect;
 * server's peer saw it up to 3 ms late"), into @buf; "" when nothing. */
const char *result_doubt_str(const struct expect_result *e, char *buf, size_t len);

/* Statistics over @e's runs' values (min, median, p99 by nearest rank,
 * max). n = 0 when none is valued. */
struct run_stats result_run_stats(const struct expect_result *e);
/* The same over the @n values of @runs. */
struct run_stats result_stats_of(const struct run_value *runs, size_t n);

void result_scenario_free(struct scenario_result *r);
void result_free(struct run_result *rr);

#endif
