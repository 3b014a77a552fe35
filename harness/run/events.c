#include "harness/run/events.h"

#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/errname.h"
#include "common/tcp_state.h"
#include "common/vec.h"
#include "harness/model/scenario.h"

static const char *const type_names[EV_NTYPES] = {
	[EV_RUN_START] = "run-start",
	[EV_TOPOLOGY_READY] = "topology-ready",
	[EV_HOST] = "host",
	[EV_LISTENING] = "listening",
	[EV_CONNECTED] = "connected",
	[EV_ACCEPTED] = "accepted",
	[EV_ESTABLISHED] = "established",
	[EV_START] = "start",
	[EV_STEP] = "step",
	[EV_REVERTED] = "reverted",
	[EV_SENT] = "sent",
	[EV_RECEIVED] = "received",
	[EV_EOF] = "eof",
	[EV_ERROR] = "error",
	[EV_SETUP_FAILED] = "setup-failed",
	[EV_HEARTBEAT_TIMEOUT] = "heartbeat-timeout",
	[EV_CORRUPT] = "corrupt",
	[EV_PROBE] = "probe",
	[EV_ACTION] = "action",
	[EV_RESTARTED] = "restarted",
	[EV_STARTED] = "started",
	[EV_READY] = "ready",
	[EV_EXITED] = "exited",
	[EV_SOCKET] = "socket",
	[EV_SOCKET_GONE] = "socket-gone",
	[EV_CAPTURE] = "capture",
	[EV_RUN_END] = "run-end",
	[EV_CONNECTING] = "connecting",
	[EV_ACTING] = "acting",
};

bool event_failed_call(const struct event *e)
{
	if (e->type != EV_ACTION || (strcmp(e->call, "send") && strcmp(e->call, "recv")))
		return false;
	switch (e->err) {
	case 0:
		return !strcmp(e->call, "recv") && !e->bytes;	/* EOF */
	case EPIPE:
	case ECONNRESET:
	case ECONNABORTED:
	case ECONNREFUSED:
	case ETIMEDOUT:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
		return true;
	default:
		return false;	/* EAGAIN, EBADF (closed by the peer itself)... */
	}
}

bool event_detects(const struct event *e)
{
	return e->type == EV_EOF || e->type == EV_ERROR || e->type == EV_HEARTBEAT_TIMEOUT ||
	       event_failed_call(e);
}

bool event_ends_conn(const struct event *e)
{
	return event_detects(e) ||
	       (e->type == EV_ACTION && (!strcmp(e->call, "close") || !strcmp(e->call, "abort") ||
					 !strcmp(e->call, "reconnect")));
}

const char *event_type_name(enum event_type type)
{
	return type < EV_NTYPES ? type_names[type] : "?";
}

int event_type_parse(const char *name)
{
	for (int i = 0; i < EV_NTYPES; i++)
		if (!strcmp(type_names[i], name))
			return i;
	return -1;
}

static const char *host_name(const struct scenario *sc, int host)
{
	return host >= 0 && (size_t)host < sc->nhosts ? sc->hosts[host].name : NULL;
}

static void put_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

static void put_int(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

static void put_sock(struct json_object *o, const struct event_sock *k)
{
	put_str(o, "state", tcp_state_str(k->state));
	put_str(o, "local", k->local);
	put_int(o, "lport", k->lport);
	put_str(o, "remote", k->remote);
	put_int(o, "rport", k->rport);
	put_int(o, "inode", k->inode);
	put_int(o, "retransmits", k->retransmits);
	put_int(o, "probes", k->probes);
	put_int(o, "backoff", k->backoff);
	put_int(o, "rto_us", k->rto_us);
	put_int(o, "unacked", k->unacked);
}

int events_write(FILE *f, const struct scenario *sc, const struct event *e)
{
	struct json_object *o = json_object_new_object();
	const char *name;
	int ret = 0;

	if (!o)
		return -ENOMEM;
	put_int(o, "t_ns", e->t_ns);
	put_str(o, "event", event_type_name(e->type));
	if ((name = host_name(sc, e->host)))
		put_str(o, "host", name);
	if (e->call[0])
		put_str(o, "call", e->call);
	if (e->conn)
		put_int(o, "conn", e->conn);
	if (e->type == EV_ERROR || e->type == EV_SETUP_FAILED || e->err) {
		name = errname_str(e->err);
		put_str(o, "errno", name ? name : "unknown");
		put_str(o, "message", strerror(e->err));
		put_int(o, "errno_value", e->err);
	}
	if (e->type == EV_SENT || e->type == EV_RECEIVED || e->bytes)
		put_int(o, "bytes", e->bytes);
	if (e->type == EV_LISTENING)
		put_int(o, "port", e->port);
	if (e->type == EV_ACTION && e->step >= 0) {
		put_int(o, "step", e->step);
		if (e->occurrence)
			put_int(o, "occurrence", e->occurrence);
	}
	if (e->type == EV_ACTION)
		put_int(o, "took_ns", e->took_ns);
	if (e->lag_ns)
		put_int(o, "lag_ns", e->lag_ns);
	if (e->after_ns)
		put_int(o, "after_ns", e->after_ns);
	if (e->type == EV_STEP || e->type == EV_REVERTED) {
		put_int(o, "step", e->step);
		put_int(o, "line", e->line);
		put_str(o, "what", e->what);
		if (e->occurrence)
			put_int(o, "occurrence", e->occurrence);
		if (e->requested_ns)
			put_int(o, "requested_ns", e->requested_ns);
		if (e->type == EV_STEP)
			put_int(o, "late_ns", e->late_ns);
		if ((name = host_name(sc, e->target)))
			put_str(o, "target", name);
	}
	if (e->type == EV_READY)
		put_str(o, "what", e->what);
	if (e->program[0])
		put_str(o, "program", e->program);
	if (e->type == EV_EXITED) {
		if (e->signal)
			put_str(o, "signal", sigabbrev_np(e->signal) ? sigabbrev_np(e->signal) : "?");
		else
			put_int(o, "status", e->status);
	}
	if (e->type == EV_SOCKET || e->type == EV_SOCKET_GONE)
		put_sock(o, &e->sock);
	if (e->type == EV_CAPTURE) {
		put_int(o, "received", e->received);
		put_int(o, "dropped", e->dropped);
		put_int(o, "ifdropped", e->ifdropped);
	}
	if (e->type == EV_RUN_START && e->kernel[0])
		put_str(o, "kernel", e->kernel);
	if (e->type == EV_HOST) {
		put_str(o, "addr", e->addr);
		if (e->alias[0])
			put_str(o, "alias", e->alias);
		put_str(o, "capture", e->capture);
	}
	if (fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		ret = -EIO;
	json_object_put(o);
	return ret;
}

int event_list_push(struct event_list *l, const struct event *e)
{
	return vec_push(&l->v, &l->n, &l->cap, sizeof(*e), e);
}

void event_list_clear(struct event_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

/* A run directory may come from anywhere (replay): every number is an
 * integer in its range, or the line is refused. */
struct num_bad {
	const char *key;	/* the first one out of range, or NULL */
};

static int64_t get_num(struct json_object *o, const char *key, int64_t dflt, int64_t lo,
		       int64_t hi, struct num_bad *bad)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(o, key, &v))
		return dflt;
	errno = 0;
	n = json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_int) || errno || n < lo || n > hi) {
		if (!bad->key)
			bad->key = key;
		return dflt;
	}
	return n;
}

/* The bounds: wall-clock ns up to the year 2096, spans up to 52 days. */
#define T_MAX (4 * INT64_C(1000000000) * INT64_C(1000000000))
#define SPAN_MAX (INT64_C(1) << 52)
#define COUNT_MAX (INT64_C(1) << 30)

/* "KILL" → SIGKILL; 0 when unknown. */
static int signal_parse(const char *name)
{
	for (int sig = 1; sig < NSIG; sig++)
		if (sigabbrev_np(sig) && !strcmp(sigabbrev_np(sig), name))
			return sig;
	return 0;
}

static void parse_sock(struct json_object *o, struct event_sock *k, struct num_bad *bad)
{
	const char *s;
	int state;

	if ((s = get_str(o, "state")) && !names_parse(tcp_states, tcp_nstates, s, &state))
		k->state = state;
	if ((s = get_str(o, "local")))
		snprintf(k->local, sizeof(k->local), "%s", s);
	if ((s = get_str(o, "remote")))
		snprintf(k->remote, sizeof(k->remote), "%s", s);
	k->lport = (int)get_num(o, "lport", 0, 0, 65535, bad);
	k->rport = (int)get_num(o, "rport", 0, 0, 65535, bad);
	k->inode = (unsigned)get_num(o, "inode", 0, 0, UINT32_MAX, bad);
	k->retransmits = (int)get_num(o, "retransmits", 0, 0, COUNT_MAX, bad);
	k->probes = (int)get_num(o, "probes", 0, 0, COUNT_MAX, bad);
	k->backoff = (int)get_num(o, "backoff", 0, 0, COUNT_MAX, bad);
	k->rto_us = (unsigned)get_num(o, "rto_us", 0, 0, UINT32_MAX, bad);
	k->unacked = (unsigned)get_num(o, "unacked", 0, 0, UINT32_MAX, bad);
}

static int parse_line(struct json_object *o, const struct scenario *sc,
		      struct event *e, const char **why)
{
	struct num_bad bad = { NULL };
	const char *s;
	int type;

	memset(e, 0, sizeof(*e));
	e->host = e->target = HOST_NONE;
	if (!json_object_is_type(o, json_type_object) ||
	    !(s = get_str(o, "event")) || (type = event_type_parse(s)) < 0)
		return -EINVAL;
	e->type = type;
	e->t_ns = get_num(o, "t_ns", -1, 0, T_MAX, &bad);
	if (e->t_ns < 0) {
		*why = "t_ns";
		return -EINVAL;
	}
	if ((s = get_str(o, "host")) && (e->host = scenario_host_index(sc, s)) == HOST_NONE)
		return -EINVAL;
	if ((s = get_str(o, "target")))
		e->target = scenario_host_index(sc, s);
	if ((s = get_str(o, "call")))
		snprintf(e->call, sizeof(e->call), "%s", s);
	if ((s = get_str(o, "addr")))
		snprintf(e->addr, sizeof(e->addr), "%s", s);
	if ((s = get_str(o, "alias")))
		snprintf(e->alias, sizeof(e->alias), "%s", s);
	if ((s = get_str(o, "capture")))
		snprintf(e->capture, sizeof(e->capture), "%s", s);
	if ((s = get_str(o, "kernel")))
		snprintf(e->kernel, sizeof(e->kernel), "%s", s);
	if ((s = get_str(o, "what")))
		snprintf(e->what, sizeof(e->what), "%s", s);
	if ((s = get_str(o, "program")))
		snprintf(e->program, sizeof(e->program), "%s", s);
	if (e->type == EV_SOCKET || e->type == EV_SOCKET_GONE)
		parse_sock(o, &e->sock, &bad);
	if (e->type == EV_CAPTURE) {
		e->received = (unsigned)get_num(o, "received", 0, 0, UINT32_MAX, &bad);
		e->dropped = (unsigned)get_num(o, "dropped", 0, 0, UINT32_MAX, &bad);
		e->ifdropped = (unsigned)get_num(o, "ifdropped", 0, 0, UINT32_MAX, &bad);
	}
	if (e->type == EV_EXITED) {
		e->status = (int)get_num(o, "status", -1, -1, 255, &bad);
		e->signal = (s = get_str(o, "signal")) ? signal_parse(s) : 0;
	}
	e->err = (int)get_num(o, "errno_value", 0, 0, 4095, &bad);
	if ((s = get_str(o, "errno")) && errname_parse(s) > 0)
		e->err = errname_parse(s);
	e->bytes = (long)get_num(o, "bytes", 0, -1, INT64_C(1) << 48, &bad);
	e->port = (int)get_num(o, "port", 0, 0, 65535, &bad);
	e->conn = (int)get_num(o, "conn", 0, 0, COUNT_MAX, &bad);
	e->occurrence = (int)get_num(o, "occurrence", 0, 0, COUNT_MAX, &bad);
	e->step = (int)get_num(o, "step", -1, -1, COUNT_MAX, &bad);
	e->line = (int)get_num(o, "line", 0, 0, COUNT_MAX, &bad);
	e->requested_ns = get_num(o, "requested_ns", 0, 0, T_MAX, &bad);
	e->late_ns = get_num(o, "late_ns", 0, 0, SPAN_MAX, &bad);
	e->took_ns = get_num(o, "took_ns", -1, -1, SPAN_MAX, &bad);
	e->lag_ns = get_num(o, "lag_ns", 0, 0, SPAN_MAX, &bad);
	e->after_ns = get_num(o, "after_ns", 0, 0, T_MAX, &bad);
	if (bad.key) {
		*why = bad.key;
		return -EINVAL;
	}
	/* a lag or an earlier sample runs back, never forward */
	if (e->lag_ns > e->t_ns || e->after_ns > e->t_ns) {
		*why = e->lag_ns > e->t_ns ? "lag_ns" : "after_ns";
		return -EINVAL;
	}
	return 0;
}

int events_read(const char *path, const struct scenario *sc,
		struct event_list *out, struct diag *d)
{
	FILE *f = fopen(path, "r");
	int ret;

	if (!f) {
		ret = -errno;
		diag_add(d, "%s: cannot open: %s", path, strerror(errno));
		return ret;
	}
	return events_read_fp(f, path, sc, out, d);
}

int events_read_fp(FILE *f, const char *path, const struct scenario *sc,
		   struct event_list *out, struct diag *d)
{
	bool hosts[SCENARIO_MAX_HOSTS] = { false };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, ret = 0;

	while ((n = getline(&line, &cap, f)) > 0) {
		struct json_object *o;
		const char *why = NULL;
		struct event e;

		lineno++;
		/* what follows a NUL would be read by nobody */
		o = strlen(line) == (size_t)n ? json_tokener_parse(line) : NULL;
		ret = o ? parse_line(o, sc, &e, &why) : -EINVAL;
		json_object_put(o);
		if (!ret && e.type == EV_HOST && e.host != HOST_NONE) {
			/* one host event each: its capture is read once */
			if (hosts[e.host]) {
				why = "host: a second host event for it";
				ret = -EINVAL;
			}
			hosts[e.host] = true;
		}
		if (!ret)
			ret = event_list_push(out, &e);
		if (ret == -EINVAL && why) {
			diag_add(d, "%s:%d: not an unplug event: bad %s", path, lineno, why);
			break;
		}
		if (ret) {
			diag_add(d, "%s:%d: not an unplug event (a JSON object with t_ns, event and a known host)",
				 path, lineno);
			break;
		}
	}
	free(line);
	fclose(f);
	return ret;
}
