/* Expectations: what a scenario says must be observed. This is the
 * interface every kind implements; each kind is a harness/expects/
 * expect_<kind>.c exporting one struct expect_ops (load, judge, describe),
 * listed in harness/expects/expect_table.c. Adding a kind is adding a file
 * and a row; an unknown kind is an error, never a default. */
#ifndef HARNESS_MODEL_EXPECT_H
#define HARNESS_MODEL_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"
#include "common/kversion.h"
#include "harness/model/yaml_node.h"

#define EXPECT_MAX_ERRORS 8

/* A send or recv action that returned what it was asked for: a result of
 * `calls` that is no errno. */
#define CALL_OK (-1)

struct scenario;
struct evidence;		/* harness/judge/evidence.h */
struct expect_result;		/* reports/result.h */

/* Packet kinds `packets` and `sequence` count (bit set). */
#define PKIND_FIN	0x01
#define PKIND_RST	0x02
#define PKIND_KEEPALIVE	0x04
#define PKIND_RETRANS	0x08
#define PKIND_DATA	0x10
#define PKIND_SYN	0x20
#define PKIND_ICMP_UNREACH	0x40	/* ICMP / ICMPv6 destination unreachable */
#define PKIND_ARP	0x80	/* ARP, or IPv6 neighbour solicitation/advert */

/* One item of a `sequence`: which segments it matches, and how many. */
struct seq_item {
	struct pos at;
	int from, to;		/* host index or HOST_NONE (either) */
	unsigned kinds;		/* PKIND_*, any of; 0: any TCP segment */
	uint8_t flags;		/* TCP flags (PKT_*) that must all be set */
	int payload;		/* -1: either; 0: none; 1: some */
	long count_lo, count_hi;
	bool next;		/* nothing may come between it and the item before */
	int64_t gap_lo, gap_hi;	/* each of its packets this long after the
				 * packet matched before it (for the first
				 * item's first: after the sequence's start);
				 * hi < 0: any time */
	int64_t at_lo, at_hi;	/* each of its packets this long after the
				 * sequence's start; hi < 0: any time */
};

/* How detect and no-detect see that a host noticed. */
enum detect_by {
	BY_EVENT,		/* the built-in peer's socket calls: EOF, errno,
				 * heartbeat timeout */
	BY_CLOSE,		/* its connection closed: orphaned or gone from
				 * the socket table, or its FIN/RST on the wire */
	BY_EXIT,		/* its program exited */
	BY_LOG,			/* its program printed a line matching a regex */
	BY_CALL,		/* the built-in peer's send or recv failed */
};

/* Of a host's connections alive at the reference, how many a detect
 * needs to have noticed (connections:). */
enum conns_mode {
	CONNS_ALL,		/* every one (the default) */
	CONNS_ANY,		/* one at least */
	CONNS_COUNT,		/* conns_n at least */
	CONNS_PERCENT,		/* conns_n % at least */
};

/* When a `sockets` count must hold. */
enum sockets_when {
	SOCKETS_AT,		/* at that time after the reference */
	SOCKETS_BY,		/* at some moment up to that time */
	SOCKETS_FOR,		/* at every moment up to that time */
	SOCKETS_NEVER_ABOVE,	/* never more than count_hi, all along */
};

/* One expectation. The fields are the vocabulary the kinds share; each
 * kind's ops say which it reads. */
struct expect {
	const struct expect_ops *ops;
	struct pos at;
	struct kcond kernel;	/* `kernel:` — only on kernels that meet it;
				 * on others it is skipped */
	bool rated;		/* `rate:` — judged over a combination's runs:
				 * it must pass in rate_lo..rate_hi % of them */
	int rate_lo, rate_hi;
	int host;		/* detect, no-detect: whose application */
	int errors[EXPECT_MAX_ERRORS];	/* detect: errno, ERRNAME_EOF... */
	size_t nerrors;		/* 0: any detection counts */
	int64_t lo_ns, hi_ns;	/* detect: window since the reference;
				 * transit: every segment's delay (hi < 0:
				 * not asked) */
	int64_t observe_ns;	/* detect: how long after the reference the run
				 * watches for it, past a blown budget: the
				 * measurement a failure reports */
	int64_t for_ns;		/* no-detect: quiet period since the reference */
	int since;		/* detect, no-detect, sequence: measured from
				 * this step (index into steps); -1: the last
				 * step that broke something */
	int from, to;		/* packets, delivered: host index or HOST_NONE */
	unsigned kinds;		/* packets: PKIND_* */
	long count_lo, count_hi;	/* packets: the count must be in [lo, hi] */
	enum detect_by by;	/* detect, no-detect */
	int exit_status;	/* by: exit: the status wanted; -1: any */
	enum conns_mode conns;	/* detect on a host with several connections */
	long conns_n;
	char *log;		/* by: log: an extended regex (owned) */
	char *log_file;		/* by: log: the file it is looked for in, as
				 * written (placeholders unexpanded); NULL:
				 * the program's stdout and stderr */
	struct pos log_file_at;
	char *program;		/* by: exit, log: which of the host's programs
				 * (programs:); NULL: any */
	int state;		/* sockets: TCP_ESTABLISHED... */
	int port;		/* sockets: local or remote port; 0: any */
	enum sockets_when when;	/* sockets */
	int64_t when_ns;	/* sockets: at / by / for this long after */
	int *results;		/* calls: what each send/recv returns (owned):
				 * CALL_OK, ERRNAME_EOF or an errno */
	size_t nresults;
	int64_t spread_lo_ns, spread_hi_ns;	/* transit: max − min delay;
						 * hi < 0: not asked */
	bool since_establishment;	/* transit: `since: establishment` */
	long lost_lo, lost_hi;	/* transit: segments lost; lo < 0: not asked */
	long dup_lo, dup_hi;	/* transit: arrivals duplicated; lo < 0: idem */
	int call;		/* blocks: the action timed (enum action_kind) */
	int at_host;		/* sequence: whose capture */
	struct seq_item *items;	/* sequence: the pattern, in order (owned) */
	size_t nitems;
};

struct expect_ops {
	const char *name;	/* as written in a scenario: "detect" */
	bool counts_packets;	/* judged on the captures' packets: void when a
				 * capture dropped any */
	const char *const *keys;	/* the keys its mapping accepts (NULL-ended) */
	/* Read the mapping @n into @x (ops, at and since are preset; keys are
	 * checked already). Returns 0 or -EINVAL with every problem in @d. */
	int (*load)(struct ynode n, const struct scenario *sc, struct expect *x,
		    struct diag *d);
	/* How long after its reference the run must last to decide @x; NULL
	 * when the kind needs nothing beyond the scenario's steps. */
	int64_t (*horizon)(const struct expect *x);
	/* Judge @x on @ev: fill the values of @r (verdict, outcome, measured,
	 * bounds, evidence). Returns 0 or -ENOMEM. */
	int (*judge)(const struct expect *x, const struct evidence *ev,
		     struct expect_result *r);
	/* @x in words, measured from @ref ("cable-pull"), into @buf: the
	 * "expected" of reports. */
	const char *(*describe)(const struct expect *x, const struct scenario *sc,
				const char *ref, char *buf, size_t len);
};

/* Every kind (expect_table.c). */
extern const struct expect_ops *const expect_kinds[];
extern const size_t expect_nkinds;

/* The ops for @name, or NULL. */
const struct expect_ops *expect_find(const char *name);

/* Parse the `expect:` list at @n into sc->expects (hosts and steps must be
 * loaded). Returns 0 or -EINVAL with every problem in @d, or -ENOMEM. */
int expect_load_all(struct ynode n, struct scenario *sc, struct diag *d);

/* Of @alive connections, how many @x needs noticed (connections:). */
long expect_conns_needed(const struct expect *x, long alive);

/* Free what @x owns (not @x). */
void expect_clear(struct expect *x);

/* Readers the kinds share. Each returns 0 or -EINVAL with the problem,
 * its position and what is accepted in @d. */
/* `since: <step name>` in @map, if present, into x->since. */
int expect_load_since(struct ynode map, const struct scenario *sc,
		      struct expect *x, struct diag *d);
/* `by:` of detect and no-detect (close, exit, { log: REGEX }, with
 * `status:` for exit), or the default for x->host: the built-in peer's
 * own events, a program's close. */
int expect_load_by(struct ynode map, const struct scenario *sc, struct expect *x,
		   struct diag *d);
/* A packet kind or a list of them, or-ed into *kinds (PKIND_*). */
int expect_load_kinds(struct ynode n, unsigned *kinds, struct diag *d);
/* "3", "2..5", ">= 3" or "<= 5" under `count:`, or under @key. */
int expect_load_count(struct ynode n, long *lo, long *hi, struct diag *d);
int expect_load_count_of(struct ynode n, const char *key, long *lo, long *hi,
			 struct diag *d);
/* A window of durations under @key: "4.5s..5.6s" or "6s" (0..6s). */
int expect_load_window(struct ynode n, const char *key, int64_t *lo, int64_t *hi,
		       struct diag *d);

/* Packet kinds: parse one name (0 when unknown), list them all, and name
 * the kinds in a set ("RST|FIN") into @buf. */
unsigned expect_pkind_parse(const char *name);
const char *expect_pkind_accepted(char *buf, size_t len);
const char *expect_pkind_str(unsigned kinds, char *buf, size_t len);

/* "3", "2..5", ">= 3", "<= 5": a count range in words. */
const char *expect_count_str(long lo, long hi, char *buf, size_t len);

#endif
