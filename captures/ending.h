/* How each TCP connection of a capture ended, as values: who closed or
 * reset it and in answer to what, which side gave up retransmitting or
 * probing into silence and on what schedule, the half-open periods, the
 * ICMP errors that quoted it, and its last segments. `unplug explain`
 * renders these (reports/explain_*.c); nothing here makes sentences.
 *
 * It streams: feed it a capture's packets in order and it hands over each
 * connection's story when the connection is forgotten (tcp_track.h), so a
 * capture of any size is explained in the memory of its live connections. */
#ifndef CAPTURES_ENDING_H
#define CAPTURES_ENDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "captures/packet.h"

enum end_kind {
	END_OPEN,		/* still open when the capture ended */
	END_FIN,		/* a FIN each way: a graceful close */
	END_RST,		/* an RST */
	END_TIMEOUT,		/* a side retransmitted into silence and gave up */
	END_KEEPALIVE_TIMEOUT,	/* a side's keepalive probes went unanswered */
};

/* A segment as the story keeps it: enough for evidence and a ladder. */
struct seg_note {
	int64_t t_ns;
	long frame;
	int side;		/* 0: the client (it sent the SYN), 1: the server */
	uint8_t flags;		/* PKT_* */
	unsigned cls;		/* PKT_CLS_* */
	uint32_t seq, ack;	/* relative to each side's first sequence number */
	uint32_t len;
	uint16_t window;
};

/* Per side, what it sent. */
struct side_counts {
	long packets;
	long data;		/* segments carrying new data */
	long long bytes;	/* new payload bytes */
	long retransmissions;
	long keepalive_probes;
	long zero_window_probes;
	long duplicate_acks;
	long fin;
	long rst;
};

#define ENDING_MAX_RUN 32
/* A run of one side's segments that nothing from the other side
 * answered: the first sent into the silence, and every one after it. */
struct unanswered {
	long segments;		/* in the run, the first included */
	long resends;		/* retransmissions and probes after the first */
	long probes;		/* keepalive probes in it */
	long zero_window_probes;
	int64_t before_ns;	/* the connection's last segment before the run */
	int64_t t_ns[ENDING_MAX_RUN];	/* the first segments' times */
	long frame[ENDING_MAX_RUN];
	int64_t last_ns;	/* its latest segment */
	long last_frame;
};

/* A half-open period: one side sending into silence, from when to when. */
struct silence {
	int side;
	int64_t from_ns, to_ns;	/* the first unanswered segment; the answer,
				 * or the side's last segment when none came */
	long segments;		/* resends in it */
	bool answered;		/* the other side spoke again */
};

#define ENDING_MAX_SILENCES 4
#define ENDING_MAX_ICMP 4
#define ENDING_LADDER 24

/* An ICMP error that quoted one of the connection's segments. */
struct icmp_note {
	int64_t t_ns;
	long frame;
	int family;
	uint8_t from[16];	/* who sent the error */
	uint8_t type, code;
	int about_side;		/* the side whose segment it quoted */
	long count;		/* this type and code, in all */
};

struct conn_story {
	long id;		/* 1, 2...: in order of first appearance */
	int family;
	uint8_t addr[2][16];	/* [0] the client, [1] the server */
	uint16_t port[2];
	bool handshake;		/* the SYN was captured: sides are known */
	int64_t rtt_ns;		/* SYN to the client's first ACK, as the
				 * capture saw it: about one round trip;
				 * 0: unknown */
	int64_t first_ns, last_ns;
	struct side_counts side[2];
	int64_t last_ns_of[2];	/* each side's latest segment; 0: none */

	enum end_kind end;
	int end_by;		/* the side that ended it; -1: none (open) */
	int64_t end_ns;		/* when: its FIN, its RST, its last resend */
	long end_frame;

	struct seg_note fin[2];	/* each side's first FIN; frame 0: none */
	struct seg_note rst;	/* the first RST; frame 0: none */
	struct seg_note rst_prompt;	/* the other side's last segment before
					 * it; frame 0: none */
	int64_t rst_sender_before_ns;	/* the RST sender's segment before it;
					 * 0: none */
	bool rst_answered;	/* that segment came just before the RST, and
				 * within a round trip or two: the RST answered
				 * it (else the sender reset on its own: an
				 * abort, a give-up) */
	long long bytes_after_fin[2];	/* side i's new bytes after the other
					 * side's FIN (a half-close) */
	struct unanswered gave_up;	/* timeout, keepalive-timeout: the end_by
					 * side's unanswered run; open with
					 * cut_by_capture: the resending side's */
	int resender;		/* cut_by_capture: that side */
	bool cut_by_capture;	/* still resending when the capture ended */

	struct silence silences[ENDING_MAX_SILENCES];
	size_t nsilences;
	long more_silences;	/* beyond the ones kept */
	struct icmp_note icmp[ENDING_MAX_ICMP];
	size_t nicmp;

	struct seg_note ladder[ENDING_LADDER];	/* the last segments, a ring */
	size_t nladder;		/* segments seen; the ring holds the last
				 * min(nladder, ENDING_LADDER) */

	/* while live */
	int client_dir;		/* tcp_conn dir[] index of the client */
	uint32_t base_seq[2];	/* each side's first sequence number */
	bool base_set[2];
	struct unanswered run[2];	/* each side's current unanswered run */
	bool in_run[2];
	struct unanswered rst_run;	/* the RST sender's run when it reset */
	int last_side;		/* who sent the latest segment; -1: none */
	struct seg_note last_of[2];
};

/* Called with each connection's finished story; borrowed for the call. */
typedef void (*ending_story_fn)(void *arg, const struct conn_story *s);

struct ending;

/* A fresh explainer handing stories to @fn. NULL when memory runs out. */
struct ending *ending_new(ending_story_fn fn, void *arg);

/* Track at most @max connections at once (0: no bound): past it, the one
 * quiet longest is told as it stands (tcp_tracker_set_max()). */
void ending_set_max(struct ending *e, size_t max);

/* Feed the next packet of the capture (TCP and ICMP matter; others are
 * ignored). @p's PKT_CLS_* bits are set. Returns 0 or -ENOMEM. */
int ending_feed(struct ending *e, struct packet *p);

/* Connections seen, the most live at once, and the end kinds' counts. */
struct ending_totals {
	long connections;
	size_t peak_live;
	size_t forgotten;	/* told early, to stay within ending_set_max() */
	long by_kind[END_KEEPALIVE_TIMEOUT + 1];
	long tcp_segments;
	long icmp_quoting;	/* ICMP errors that quoted a live connection */
};

/* The capture ended: hand over every story still live, in id order, copy
 * the totals to @totals (may be NULL) and free @e. */
void ending_finish(struct ending *e, struct ending_totals *totals);

/* "fin", "rst", "timeout", "keepalive-timeout", "open". */
const char *ending_kind_name(enum end_kind k);

/* How many of @r's segments have their time and frame kept: the first
 * ENDING_MAX_RUN of them. */
size_t ending_run_kept(const struct unanswered *r);

/* The ring's segments oldest first: the @i-th of ending_ladder_len(). */
size_t ending_ladder_len(const struct conn_story *s);
const struct seg_note *ending_ladder_at(const struct conn_story *s, size_t i);

#endif
