/* The evidence of one run, as the judge reads it from the run directory:
 * the scenario as run, every event, every host's packets and addresses,
 * and the reference points on the run's clock. Each expectation kind's
 * judge (harness/expects/) reads it and nothing else. */
#ifndef HARNESS_JUDGE_EVIDENCE_H
#define HARNESS_JUDGE_EVIDENCE_H

#include <stdbool.h>
#include <stdint.h>

#include "captures/packet.h"
#include "common/span.h"
#include "harness/model/scenario.h"
#include "harness/run/events.h"

/* A line a host's program printed (HOST.stdout, HOST.stderr). */
struct log_line {
	int64_t t_ns;		/* when unplug read it */
	int64_t lag_ns;		/* how much earlier it may have come */
	long line;		/* in its file, from 1 */
	char *text;		/* owned */
};

struct log_file {
	char name[320];		/* "server.stdout", "server.sshd.stderr",
				 * "server.file.postgresql.log" */
	int host;
	const char *program;	/* which of the host's programs (the
				 * scenario's); NULL: its one, or a file */
	const char *file;	/* a log file, as the scenario writes it;
				 * NULL: stdout or stderr */
	struct log_line *v;
	size_t n, cap;
};

struct evidence {
	const struct scenario *sc;
	struct event_list ev;	/* event i is line i + 1 of events.jsonl */
	struct packet_list pk[SCENARIO_MAX_HOSTS];	/* each host's capture */
	uint8_t addr[SCENARIO_MAX_HOSTS][16];
	int family[SCENARIO_MAX_HOSTS];
	uint8_t alias[SCENARIO_MAX_HOSTS][16];	/* seen as, behind a NAT */
	int alias_family[SCENARIO_MAX_HOSTS];	/* 0: none */
	struct log_file *logs;	/* the programs' stdout and stderr, and the
				 * log files expectations watch */
	size_t nlogs, caplogs;
	unsigned dropped[SCENARIO_MAX_HOSTS];	/* packets its capture lost */
	int64_t t_established;	/* 0: never */
	int64_t t_start;	/* steps-from: start: when the steps' clock
				 * started, before any connect; 0: none */
	char kernel[65];	/* the release the run ran on */
	int64_t t_watch;	/* what a host noticed counts from here:
				 * establishment, or the start */
	int64_t t_ref;		/* the last step that broke something, or
				 * establishment */
	int ref_step;		/* that step's index; -1: establishment */
	int64_t ref_late_ns;	/* how late the runner set about it */
	int64_t ref_took_ns;	/* how long it took to take effect: when
				 * it did within that, no one can say */
	int64_t t_end;
};

struct expect_result;

/* Where @x measures from: its `since` step (the step's last occurrence) or
 * the run's reference. Fills r->ref, r->ref_step, r->ref_t_ns. False when
 * the `since` step never ran. */
bool evidence_reference(const struct evidence *ev, const struct expect *x,
			struct expect_result *r);

/* When the reference @r counts from (evidence_reference()) took effect:
 * no earlier than its step was due — it was set about ref_late_ns late
 * and took ref_took_ns —, no later than ref_t_ns. What the kernel did
 * may count from either end: its timers ran from when it was due. */
struct span evidence_ref_span(const struct expect_result *r);

/* @r's measured time from its reference to the moment @t_ns, which may
 * have come up to @lag_ns earlier, judged as a span against r->lo..hi
 * (result_judge_span()); the doubts that widened it noted in @r. */
void evidence_judge_latency(struct expect_result *r, int64_t t_ns, int64_t lag_ns);

/* The first time @host's application noticed its connection died (EOF,
 * an error, a heartbeat timeout, a send or recv that failed:
 * event_detects()) since establishment, or, @calls_only, by a failed
 * send or recv alone; NULL if it never did. */
const struct event *evidence_first_detection(const struct evidence *ev, int host,
					     bool calls_only);

/* What detection @e says: an errno, ERRNAME_EOF or ERRNAME_HEARTBEAT. */
int evidence_cause(const struct event *e);

/* The line of events.jsonl that @e (one of ev->ev) was read from. */
long evidence_line(const struct evidence *ev, const struct event *e);

#endif
