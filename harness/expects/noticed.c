#include "harness/expects/noticed.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "captures/packet.h"
#include "common/errname.h"
#include "harness/model/fault.h"
#include "harness/expects/sequence.h"

/* Whether a step of the scenario may delay segments on purpose (netem). */
static bool delays_on_purpose(const struct scenario *sc)
{
	for (size_t i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].fault && sc->steps[i].fault->ops->needs & FAULT_NEEDS_NETEM)
			return true;
	return false;
}

/* A FIN or RST that reached @host and made it notice at @t: an EOF is a
 * FIN's doing, ECONNRESET and EPIPE an RST's. How long it took between
 * the sender's capture and @host's is the machine's lateness on a
 * network that adds no delay (a veth pair and a bridge deliver in
 * microseconds; a delivery left to a busy ksoftirqd, in tens of ms):
 * the detection may have come that much sooner. Recorded as a doubt
 * from 1 ms. */
#define DELIVERY_DOUBT_NS 1000000
static void delivery_doubt(const struct evidence *ev, int host, int cause, int64_t t,
			   struct expect_result *r)
{
	const struct seq_hosts hosts = seq_hosts_of(ev);
	const struct packet_list *in = &ev->pk[host];
	uint8_t flag = cause == ERRNAME_EOF ? PKT_FIN : cause == ECONNRESET || cause == EPIPE ?
		       PKT_RST : 0;
	const struct packet *got = NULL;

	if (!flag || delays_on_purpose(ev->sc))
		return;
	/* the first of them to reach it since the reference */
	for (size_t i = 0; i < in->n && !got; i++) {
		const struct packet *p = &in->v[i];

		if (p->t_ns > t)
			break;
		if (p->t_ns >= evidence_ref_span(r).lo && p->proto == PACKET_TCP &&
		    (p->flags & flag) && seq_addr_is(&hosts, p->dst, host))
			got = p;
	}
	for (size_t h = 0; got && h < ev->sc->nhosts; h++) {
		const struct packet_list *out = &ev->pk[h];
		const struct packet *sent = NULL;

		if ((int)h == host || !seq_addr_is(&hosts, got->src, (int)h))
			continue;
		for (size_t i = 0; i < out->n && out->v[i].t_ns <= got->t_ns; i++)
			if (out->v[i].fingerprint == got->fingerprint)
				sent = &out->v[i];
		if (!sent || got->t_ns - sent->t_ns < DELIVERY_DOUBT_NS)
			return;
		r->doubts |= DOUBT_DELIVERY;
		r->delivery_ns = got->t_ns - sent->t_ns;
		snprintf(r->delivery_of, sizeof(r->delivery_of), "%s's %s", ev->sc->hosts[h].name,
			 flag == PKT_FIN ? "FIN" : "RST");
		return;
	}
}

/* A connection of the host's peer: when it noticed, by which event. */
struct conn_seen {
	int id;
	const struct event *e;	/* its first detection; NULL: none */
};

static int by_time(const void *a, const void *b)
{
	const struct conn_seen *x = a, *y = b;

	if (!x->e || !y->e)
		return !x->e - !y->e;	/* the ones that noticed first */
	return x->e->t_ns < y->e->t_ns ? -1 : x->e->t_ns > y->e->t_ns;
}

/* The host's connections alive at @t_ref — up, and neither noticed dead
 * nor closed by the application — into *@out (caller frees); how many. */
static size_t alive_at(const struct evidence *ev, int host, int64_t t_ref, struct conn_seen **out)
{
	struct conn_seen *v = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	/* in the file's order, which is nearly the stamps' (a peer's events
	 * and the runner's are written as they come in): every one before
	 * the reference counts */
	for (size_t i = 0; i < ev->ev.n; i++) {
		const struct event *e = &ev->ev.v[i];

		if (e->host != host || !e->conn || e->t_ns >= t_ref)
			continue;
		if (e->type == EV_CONNECTED || e->type == EV_ACCEPTED) {
			if (n == cap) {
				struct conn_seen *w = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof(*v));

				if (!w)
					break;
				v = w;
			}
			v[n++] = (struct conn_seen){ e->conn, NULL };
		} else if (event_ends_conn(e)) {
			for (size_t k = 0; k < n; k++)
				if (v[k].id == e->conn) {
					v[k] = v[--n];
					break;
				}
		}
	}
	*out = v;
	return n;
}

static int64_t at_rank(const struct conn_seen *v, size_t n, int64_t t_ref, double q)
{
	size_t k = (size_t)(q * (double)(n - 1) + 0.5);

	return v[k].e->t_ns - t_ref;
}

/* A host whose peer had several connections alive at the reference: each
 * noticed on its own. The one that decides is the needed-th to notice
 * (connections: all — the last of them); the spread is reported. False
 * with one connection or none: the host's first detection decides. */
static bool by_connections(const struct expect *x, const struct evidence *ev,
			   struct expect_result *r, const struct event **decides)
{
	struct conn_seen *v;
	size_t n = alive_at(ev, x->host, evidence_ref_span(r).lo, &v), noticed = 0;
	long need;

	if (n <= 1) {
		free(v);
		return false;
	}
	for (size_t i = 0; i < ev->ev.n; i++) {
		const struct event *e = &ev->ev.v[i];

		if (e->host != x->host || !e->conn || e->t_ns < ev->t_watch || e->t_ns > ev->t_end ||
		    !(x->by == BY_CALL ? event_failed_call(e) : event_detects(e)))
			continue;
		for (size_t k = 0; k < n; k++)
			if (v[k].id == e->conn && (!v[k].e || e->t_ns < v[k].e->t_ns))
				v[k].e = e;
	}
	qsort(v, n, sizeof(*v), by_time);
	while (noticed < n && v[noticed].e)
		noticed++;
	need = expect_conns_needed(x, (long)n);
	r->conns = (long)n;
	r->conns_noticed = (long)noticed;
	r->conns_needed = need;
	if (noticed) {
		r->conn_min_ns = at_rank(v, noticed, r->ref_t_ns, 0);
		r->conn_median_ns = at_rank(v, noticed, r->ref_t_ns, 0.5);
		r->conn_p99_ns = at_rank(v, noticed, r->ref_t_ns, 0.99);
		r->conn_max_ns = at_rank(v, noticed, r->ref_t_ns, 1);
		r->slowest_conn = v[noticed - 1].id;
	}
	*decides = need <= (long)noticed ? v[need - 1].e : NULL;
	/* a connection that noticed something not accepted fails it,
	 * whenever it came */
	for (size_t k = 0; *decides && x->nerrors && k < noticed; k++) {
		bool ok = false;

		for (size_t j = 0; j < x->nerrors; j++)
			ok |= evidence_cause(v[k].e) == x->errors[j];
		if (!ok)
			*decides = v[k].e;
	}
	free(v);
	return true;
}

/* The built-in peer: EOF, an error, a heartbeat timeout. */
static bool by_event(const struct expect *x, const struct evidence *ev,
		     struct expect_result *r)
{
	const struct event *e;

	if (!by_connections(x, ev, r, &e))
		e = evidence_first_detection(ev, x->host, x->by == BY_CALL);
	if (!e)
		return false;
	if (e->type == EV_ACTION)	/* which call learnt it */
		snprintf(r->via, sizeof(r->via), "%s", e->call);
	r->cause = evidence_cause(e);
	r->t_ns = e->t_ns;
	r->lag_ns = e->lag_ns;
	r->event_line = evidence_line(ev, e);
	delivery_doubt(ev, x->host, r->cause, e->t_ns, r);
	return true;
}

static bool same_sock(const struct event_sock *a, const struct event_sock *b)
{
	return a->lport == b->lport && a->rport == b->rport && !strcmp(a->local, b->local) &&
	       !strcmp(a->remote, b->remote);
}

/* In the socket table: the first of the host's connections that a process
 * held to become an orphan (closed by its program) or to leave the table
 * (closed, reset, or given up by the kernel). */
static const struct event *first_close(const struct expect *x, const struct evidence *ev,
				       const char **via)
{
	const struct event *held[64];
	size_t n = 0;

	for (size_t i = 0; i < ev->ev.n; i++) {
		const struct event *e = &ev->ev.v[i];
		size_t k;

		if (e->t_ns > ev->t_end || e->host != x->host || (e->type != EV_SOCKET && e->type != EV_SOCKET_GONE) ||
		    e->sock.state == TCP_LISTEN)
			continue;
		for (k = 0; k < n && !same_sock(&held[k]->sock, &e->sock); k++)
			;
		if (k < n && e->t_ns >= ev->t_watch &&
		    (e->type == EV_SOCKET_GONE || !e->sock.inode)) {
			*via = e->type == EV_SOCKET_GONE ? "vanished" : "orphaned";
			return e;
		}
		if (e->type == EV_SOCKET && e->sock.inode && k == n &&
		    n < sizeof(held) / sizeof(held[0]))
			held[n++] = e;
		else if (k < n && e->type == EV_SOCKET_GONE)
			held[k] = held[--n];
	}
	return NULL;
}

/* On the wire: the first FIN or RST the host sent since establishment. */
static const struct packet *first_fin(const struct expect *x, const struct evidence *ev)
{
	const struct seq_hosts hosts = seq_hosts_of(ev);
	const struct packet_list *pk = &ev->pk[x->host];

	for (size_t i = 0; i < pk->n; i++) {
		const struct packet *p = &pk->v[i];

		if (p->t_ns < ev->t_watch || p->t_ns > ev->t_end)
			continue;
		if (p->proto == PACKET_TCP && (p->flags & (PKT_FIN | PKT_RST)) &&
		    seq_addr_is(&hosts, p->src, x->host))
			return p;
	}
	return NULL;
}

static bool by_close(const struct expect *x, const struct evidence *ev,
		     struct expect_result *r)
{
	const char *via = NULL;
	const struct event *e = first_close(x, ev, &via);
	const struct packet *p = first_fin(x, ev);

	if (p && (!e || p->t_ns < e->t_ns)) {
		snprintf(r->via, sizeof(r->via), "%s", p->flags & PKT_RST ? "RST" : "FIN");
		r->t_ns = p->t_ns;
		result_add_packet(r, ev->sc->hosts[x->host].name, p->frame);
		return true;
	}
	if (!e)
		return false;
	snprintf(r->via, sizeof(r->via), "%s", via);
	r->t_ns = e->t_ns;
	/* it changed after the sample before, which did not show it */
	if (e->after_ns) {
		r->lag_ns = r->sample_gap_ns = e->t_ns - e->after_ns;
		r->doubts |= DOUBT_SAMPLE;
	}
	r->event_line = evidence_line(ev, e);
	return true;
}

static bool by_exit(const struct expect *x, const struct evidence *ev,
		    struct expect_result *r)
{
	for (size_t i = 0; i < ev->ev.n; i++) {
		const struct event *e = &ev->ev.v[i];

		if (e->type != EV_EXITED || e->host != x->host || e->t_ns < ev->t_watch ||
		    e->t_ns > ev->t_end || (x->program && strcmp(x->program, e->program)))
			continue;
		r->t_ns = e->t_ns;
		r->lag_ns = e->lag_ns;	/* its init's lateness and its own */
		r->event_line = evidence_line(ev, e);
		r->exit_status = e->status;
		r->exit_signal = e->signal;
		return true;
	}
	return false;
}

static bool by_log(const struct expect *x, const struct evidence *ev,
		   struct expect_result *r)
{
	const struct log_line *best = NULL;
	const struct log_file *from = NULL;
	regex_t re;

	if (regcomp(&re, x->log, REG_EXTENDED | REG_NOSUB))
		return false;	/* checked at load */
	r->printed_nothing = 1;
	for (size_t k = 0; k < ev->nlogs; k++) {
		const struct log_file *lf = &ev->logs[k];

		/* its file, or its program's stdout and stderr */
		if (lf->host != x->host ||
		    (x->log_file ? !lf->file || strcmp(lf->file, x->log_file) : lf->file != NULL) ||
		    (x->program && (!lf->program || strcmp(lf->program, x->program))))
			continue;
		r->printed_nothing &= lf->n == 0;
		for (size_t i = 0; i < lf->n; i++) {
			const struct log_line *l = &lf->v[i];

			if (l->t_ns < ev->t_watch || l->t_ns > ev->t_end ||
			    (best && l->t_ns >= best->t_ns) || regexec(&re, l->text, 0, NULL, 0))
				continue;
			best = l;
			from = lf;
		}
	}
	regfree(&re);
	if (!best)
		return false;
	r->t_ns = best->t_ns;
	r->lag_ns = best->lag_ns;	/* unplug read it that late at most */
	snprintf(r->log, sizeof(r->log), "%s", best->text);
	snprintf(r->log_file, sizeof(r->log_file), "%s", from->name);
	r->log_line = best->line;
	return true;
}

bool noticed_first(const struct expect *x, const struct evidence *ev,
		   struct expect_result *r)
{
	switch (x->by) {
	case BY_CLOSE:
		return by_close(x, ev, r);
	case BY_EXIT:
		return by_exit(x, ev, r);
	case BY_LOG:
		return by_log(x, ev, r);
	case BY_EVENT:
	case BY_CALL:
		break;
	}
	return by_event(x, ev, r);
}

bool noticed_accepted(const struct expect *x, const struct expect_result *r)
{
	if (x->by == BY_EXIT)
		return x->exit_status < 0 || r->exit_status == x->exit_status;
	if ((x->by != BY_EVENT && x->by != BY_CALL) || !x->nerrors)
		return true;
	for (size_t i = 0; i < x->nerrors; i++)
		if (x->errors[i] == r->cause)
			return true;
	return false;
}

void noticed_describe(const struct expect *x, struct expect_result *r)
{
	static const char *const bys[] = {
		[BY_EVENT] = "", [BY_CLOSE] = "close", [BY_EXIT] = "exit", [BY_LOG] = "log",
		[BY_CALL] = "call",
	};

	snprintf(r->by, sizeof(r->by), "%s", bys[x->by]);
	memcpy(r->causes, x->errors, x->nerrors * sizeof(x->errors[0]));
	r->ncauses = x->nerrors;
	r->want_status = x->exit_status;
}
