/* The scenario model: what a scenario file says, with the position of every
 * value that a later error may need to cite. Built by scenario_load(),
 * freed by scenario_free(). */
#ifndef HARNESS_SCENARIO_H
#define HARNESS_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/diag.h"

#define SCENARIO_MAX_HOSTS 2
#define SCENARIO_MAX_ERRORS 8
#define HOST_NONE (-1)

enum peer_role {
	PEER_LISTEN,
	PEER_CONNECT,
};

struct keepalive {
	bool on;
	int64_t idle_ns;
	int64_t interval_ns;
	long count;
};

/* The built-in peer that runs on a host. */
struct peer_config {
	enum peer_role role;
	uint16_t port;		/* listen: local port; connect: remote port */
	int target;		/* connect: index of the host to connect to */
	struct keepalive keepalive;
	int64_t user_timeout_ns;	/* TCP_USER_TIMEOUT; 0: not set */
};

/* The network a scenario runs in (topology:, family:). */
enum net_kind {
	NET_SWITCHED,		/* both hosts on one bridge: a LAN */
	NET_ROUTED,		/* each host on its own subnet behind a router */
};

struct net_config {
	enum net_kind kind;
	int family;		/* AF_INET or AF_INET6 */
	bool nat;		/* routed: the router masquerades the client */
	int64_t conntrack_timeout_ns;	/* routed: established timeout; 0: default */
	struct pos at;		/* the topology key, for errors */
};

struct host {
	const char *name;	/* static: "client" or "server" */
	struct pos at;		/* where its section starts */
	struct peer_config peer;
};

enum action_kind {
	ACTION_SEND,
};

struct action {
	enum action_kind kind;
	int host;
	long bytes;
};

struct fault;

struct step {
	struct pos at_pos;
	int64_t at_ns;		/* after every connection is established */
	struct fault *fault;	/* a fault step, or NULL for an action */
	struct action action;
};

enum expect_kind {
	EXPECT_DETECT,
	EXPECT_NO_DETECT,
	EXPECT_PACKETS,
};

/* Packet kinds a `packets` expectation counts (bit set). */
#define PKIND_FIN	0x01
#define PKIND_RST	0x02
#define PKIND_KEEPALIVE	0x04
#define PKIND_RETRANS	0x08
#define PKIND_DATA	0x10
#define PKIND_SYN	0x20

struct expect {
	enum expect_kind kind;
	struct pos at;
	int host;		/* detect, no-detect */
	int errors[SCENARIO_MAX_ERRORS];	/* detect: errno or ERRNAME_EOF */
	size_t nerrors;		/* 0: any detection counts */
	int64_t lo_ns, hi_ns;	/* detect: window since the last fault */
	int64_t for_ns;		/* no-detect: quiet period since the last fault */
	int from, to;		/* packets: host index or HOST_NONE */
	unsigned kinds;		/* packets: PKIND_* */
	long count_lo, count_hi;	/* packets: the count must be in [lo, hi] */
};

struct scenario {
	char *path;		/* as given to scenario_load() */
	char *name;
	char **claims;
	size_t nclaims;
	char *about;
	struct net_config net;
	struct host hosts[SCENARIO_MAX_HOSTS];
	size_t nhosts;
	struct step *steps;	/* sorted by at_ns */
	size_t nsteps;
	struct expect *expects;
	size_t nexpects;
};

/* Load and validate @path. On success returns 0 and a scenario the caller
 * frees with scenario_free(); on failure returns -EINVAL (or -errno when the
 * file cannot be read), *out is NULL, and @d holds every problem found, each
 * as "file:line:col: ...". @d must have been set up with diag_init(d, path). */
int scenario_load(const char *path, struct scenario **out, struct diag *d);

/* Free @sc and everything it owns; NULL is a no-op. */
void scenario_free(struct scenario *sc);

/* Index of the host named @name, or HOST_NONE. */
int scenario_host_index(const struct scenario *sc, const char *name);

/* "client, server": the host names, for error messages. Writes @buf. */
const char *scenario_host_names(const struct scenario *sc, char *buf,
				size_t len);

/* The time (after establishment) of the last fault step, or 0 when the
 * scenario has none: latency windows are measured from it. */
int64_t scenario_last_fault_ns(const struct scenario *sc);

/* How long after establishment the run must last for every expectation to
 * be decided. */
int64_t scenario_horizon_ns(const struct scenario *sc);

/* "3", "2..5", ">= 3", "<= 5": the count a `packets` expectation wants. */
const char *scenario_count_str(long lo, long hi, char *buf, size_t len);

/* Packet-kind names for messages and parsing. */
unsigned scenario_pkind_parse(const char *name);
const char *scenario_pkind_accepted(void);
/* "FIN", "RST|FIN": the kinds in @kinds, into @buf. */
const char *scenario_pkind_str(unsigned kinds, char *buf, size_t len);

#endif
