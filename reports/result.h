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
};

/* A packet that decided a verdict: frame @frame (1-based, as Wireshark
 * numbers them) of host @host's capture. */
struct packet_ref {
	char host[16];
	long frame;
};

#define RESULT_MAX_PACKETS 32
/* A step the runner set about later than this is reported: what was
 * measured from it may be off by as much. */
#define RESULT_LATE_NS 5000000LL

/* Whether a step @late_ns late that took @took_ns to take effect is to be
 * reported: either past RESULT_LATE_NS. */
bool result_step_is_late(int64_t late_ns, int64_t took_ns);
#define RESULT_MAX_CALLS 16

/* One send or recv action's result (calls): its return value or errno. */
struct call_result {
	char call[8];		/* "send", "recv" */
	long ret;		/* bytes; 0 from recv: EOF */
	int err;		/* errno; 0: none */
	long event_line;	/* in events.jsonl */
};

struct expect_result {
	enum verdict verdict;
	enum outcome outcome;
	const char *kind;	/* static: the expectation kind, "detect" */
	struct pos at;		/* the expectation in the scenario file */
	char host[16];		/* whose application, capture or packets; "" */
	char peer[16];		/* the other end (packets to, delivered to); "" */
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
	char log_file[32];	/* by log: "server.stdout" */
	long log_line;		/* by log: its line in that file */
	enum result_unit unit;
	int64_t measured;	/* in @unit */
	int64_t lo, hi;		/* the bounds it must lie in, in @unit (hi
				 * INT64_MAX: none); no-detect: hi = the period */
	int64_t offset;		/* delivered: stream offset of the first bad
				 * byte; -1: none */
	char what[160];		/* the packets counted ("keepalive-probe"), the
				 * sequence item ("from server, RST") or the
				 * sockets counted ("CLOSE_WAIT on port 7000") */
	int64_t when_ns;	/* sockets: at, by or for this long after */
	int port;		/* sockets: the port counted; 0: any */
	long item;		/* sequence: 1-based item; 0: none */
	long found;		/* sequence: how many of that item were found */
	char packet[160];	/* sequence: the packet seen instead */
	struct call_result calls[RESULT_MAX_CALLS];	/* calls: what they returned */
	size_t ncalls;
	int ref_step;		/* index of the step measured from; -1: none */
	char ref[32];		/* its name ("cable-pull", a step's name), or
				 * "establishment" / "the first packet" */
	int64_t ref_t_ns;	/* when it happened, on the run's clock */
	int64_t ref_late_ns;	/* how late the runner set about it: past
				 * RESULT_LATE_NS, the verdict is in doubt */
	int64_t ref_took_ns;	/* how long it took to take effect (the kernel
				 * busy): past RESULT_LATE_NS, when exactly it
				 * did is that uncertain */
	int64_t t_ns;		/* when the deciding thing happened; 0: none */
	long event_line;	/* the events.jsonl line that decided; 0: none */
	struct packet_ref packets[RESULT_MAX_PACKETS];	/* deciding packets */
	size_t npackets;
	char *expected;		/* the expectation in words (its kind's
				 * describe); owned */
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

struct scenario_result {
	char *id;		/* "keepalive/pulled-cable" */
	char *name;		/* the scenario's name: line */
	char *file;		/* the scenario file as given */
	char *run_dir;		/* NULL when nothing ran */
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
};

struct run_result {
	struct scenario_result *v;
	size_t n;
	size_t cap;
	char *root;		/* the run root, e.g. unplug-out/2026-... */
	int64_t duration_ns;
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

/* The scenario verdict from its expectations: FAIL if any failed. */
enum verdict result_fold(const struct scenario_result *r);

/* Append an empty scenario result to @rr; returns it or NULL. */
struct scenario_result *result_new_scenario(struct run_result *rr);

/* Name @path as one of @r's program outputs (copied; at most 4). Returns
 * 0 or -ENOMEM. */
int result_add_output(struct scenario_result *r, const char *path);

/* Counts of each verdict. */
void result_count(const struct run_result *rr, size_t counts[4]);

const char *verdict_name(enum verdict v);
const char *outcome_name(enum outcome o);
const char *unit_name(enum result_unit u);

/* What was measured, in words ("server ETIMEDOUT after 4.585 s (window
 * 4.5–4.8 s)"), into @buf: the one place result values become prose. */
const char *result_measured_str(const struct expect_result *e, char *buf,
				size_t len);

/* Whether @e measured a time after its reference (a detection, a matched
 * sequence): the value a scenario's one-line summary leads with. */
bool result_is_latency(const struct expect_result *e);

/* Whether the step @e is measured from — ref_late_ns late, ref_took_ns to
 * take effect — could have changed @e's verdict: a time within that much
 * of a bound of its window could have fallen on either side of it; a
 * count, a sequence or a time not measured, anything. @margin: the time's
 * distance to its nearest bound; -1 when not a time. */
bool result_step_could_change(const struct expect_result *e, int64_t *margin);

/* When the step @r->expects[@first] is measured from ran more than
 * RESULT_LATE_NS late or took that long to take effect, and @first is the
 * first expectation measured from it: the warning, in words, naming the
 * verdicts its doubt could have changed and those it could not, into
 * @buf. Otherwise NULL. */
const char *result_step_warning(const struct scenario_result *r, size_t first,
				char *buf, size_t len);

/* Note in @r that step @step (@name), which took effect at @t_ns, ran
 * @late_ns late and took @took_ns: kept when past RESULT_LATE_NS and no
 * expectation of @r is measured from it; per step, the worst. */
void result_note_late_step(struct scenario_result *r, int step, const char *name,
			   int64_t t_ns, int64_t late_ns, int64_t took_ns);

/* The warning, in words, for @r->late[@k]: the verdicts measured across
 * it (from before it took effect) could have changed. */
const char *result_late_step_warning(const struct scenario_result *r, size_t k,
				     char *buf, size_t len);

void result_scenario_free(struct scenario_result *r);
void result_free(struct run_result *rr);

#endif
