#include "harness/run/watch.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>

int watch_init(struct watch *w, const struct scenario *sc)
{
	memset(w, 0, sizeof(*w));
	w->sc = sc;
	w->step_t = calloc(sc->nsteps + 1, sizeof(*w->step_t));
	w->by_log = calloc(sc->nexpects + 1, sizeof(*w->by_log));
	w->by_exit = calloc(sc->nexpects + 1, sizeof(*w->by_exit));
	w->re = calloc(sc->nexpects + 1, sizeof(*w->re));
	w->has_re = calloc(sc->nexpects + 1, sizeof(*w->has_re));
	if (!w->step_t || !w->by_log || !w->by_exit || !w->re || !w->has_re) {
		watch_free(w);
		return -ENOMEM;
	}
	for (size_t i = 0; i < sc->nexpects; i++) {
		const struct expect *x = &sc->expects[i];

		/* checked at load: it compiles */
		if (x->by == BY_LOG && x->log &&
		    !regcomp(&w->re[i], x->log, REG_EXTENDED | REG_NOSUB))
			w->has_re[i] = true;
	}
	return 0;
}

void watch_free(struct watch *w)
{
	for (size_t i = 0; w->has_re && i < w->sc->nexpects; i++)
		if (w->has_re[i])
			regfree(&w->re[i]);
	for (size_t h = 0; w->sc && h < SCENARIO_MAX_HOSTS; h++)
		free(w->conn_state[h]);
	free(w->step_t);
	free(w->by_log);
	free(w->by_exit);
	free(w->re);
	free(w->has_re);
	memset(w, 0, sizeof(*w));
}

/* Connection @id of host @h: its state (growing the table to hold it);
 * NULL when out of memory or no connection. */
static unsigned char *conn_at(struct watch *w, int h, int id)
{
	if (h < 0 || h >= SCENARIO_MAX_HOSTS || id <= 0)
		return NULL;
	if ((size_t)id >= w->conn_cap[h]) {
		size_t cap = (size_t)id * 2;
		unsigned char *v = realloc(w->conn_state[h], cap);

		if (!v)
			return NULL;
		memset(v + w->conn_cap[h], 0, cap - w->conn_cap[h]);
		w->conn_state[h] = v;
		w->conn_cap[h] = cap;
	}
	return &w->conn_state[h][id];
}

/* Connection @e->conn of its host came up, or was given up on. */
static void conn_event(struct watch *w, const struct event *e)
{
	int h = e->host;
	unsigned char *st = conn_at(w, h, e->conn);

	if (!st)
		return;
	if ((e->type == EV_CONNECTED || e->type == EV_ACCEPTED) && *st == 0) {
		*st = 1;
		w->alive[h]++;
	} else if (*st == 1 && event_ends_conn(e)) {
		*st = 2;
		w->alive[h]--;
		if (event_detects(e))
			w->noticed_since_ref[h]++;
	}
}

void watch_event(struct watch *w, const struct event *e)
{
	int h = e->host;

	if (e->conn)
		conn_event(w, e);

	switch (e->type) {
	case EV_STEP:
		if (e->step < 0 || (size_t)e->step >= w->sc->nsteps)
			return;
		w->step_t[e->step] = e->t_ns;
		if (step_breaks(&w->sc->steps[e->step])) {
			w->last_break = e->t_ns;
			for (size_t k = 0; k < w->sc->nhosts; k++) {
				w->alive_at_ref[k] = w->alive[k];
				w->noticed_since_ref[k] = 0;
			}
		}
		return;
	case EV_EOF:
	case EV_ERROR:
	case EV_HEARTBEAT_TIMEOUT:
	case EV_ACTION:
		if (h >= 0 && event_detects(e))
			w->by_event[h] = e->t_ns;
		if (h >= 0 && event_failed_call(e))
			w->by_call[h] = e->t_ns;
		return;
	case EV_EXITED:
		for (size_t i = 0; h >= 0 && i < w->sc->nexpects; i++) {
			const struct expect *x = &w->sc->expects[i];

			if (x->host == h && (!x->program || !strcmp(x->program, e->program)))
				w->by_exit[i] = e->t_ns;
		}
		return;
	case EV_SOCKET:
	case EV_SOCKET_GONE:
		/* a connection closed: orphaned, or out of the table (the
		 * judge tells its program's from the rest; this only decides
		 * when watching is over) */
		if (h >= 0 && e->sock.state != TCP_LISTEN &&
		    (e->type == EV_SOCKET_GONE || !e->sock.inode))
			w->by_close[h] = e->t_ns;
		return;
	default:
		return;
	}
}

void watch_line(struct watch *w, int host, const char *program, const char *file,
		const char *text, int64_t t_ns)
{
	for (size_t i = 0; i < w->sc->nexpects; i++) {
		const struct expect *x = &w->sc->expects[i];

		if (!w->has_re[i] || x->host != host ||
		    (x->log_file ? !file || strcmp(file, x->log_file) : file != NULL) ||
		    (x->program && (!program || strcmp(program, x->program))))
			continue;
		if (!regexec(&w->re[i], text, 0, NULL, 0))
			w->by_log[i] = t_ns;
	}
}

bool watch_done(const struct watch *w)
{
	for (size_t i = 0; i < w->sc->nexpects; i++) {
		const struct expect *x = &w->sc->expects[i];
		int64_t ref = x->since >= 0 ? w->step_t[x->since] : w->last_break, seen;

		if (strcmp(x->ops->name, "detect"))
			continue;
		switch (x->by) {
		case BY_CLOSE:
			seen = w->by_close[x->host];
			break;
		case BY_EXIT:
			seen = w->by_exit[i];
			break;
		case BY_LOG:
			seen = w->by_log[i];
			break;
		case BY_CALL:
			seen = w->by_call[x->host];
			break;
		default:
			seen = w->by_event[x->host];
			break;
		}
		/* several connections alive at the last breaking step: as
		 * many as the expectation needs noticed since (from an
		 * earlier since: step, that may wait longer than needed,
		 * never less) */
		if ((x->by == BY_EVENT || x->by == BY_CALL) && w->alive_at_ref[x->host] > 1) {
			if (w->noticed_since_ref[x->host] < expect_conns_needed(x, w->alive_at_ref[x->host]))
				return false;
			continue;
		}
		if (!seen || seen < ref)
			return false;
	}
	return true;
}

int64_t watch_bound_ns(const struct scenario *sc)
{
	int64_t last = scenario_last_fault_ns(sc), end = scenario_horizon_ns(sc);

	for (size_t i = 0; i < sc->nexpects; i++) {
		const struct expect *x = &sc->expects[i];
		int64_t from = last;

		if (strcmp(x->ops->name, "detect"))
			continue;
		if (x->since >= 0) {
			const struct step *st = &sc->steps[x->since];

			from = step_time_ns(st, st->times - 1);
		}
		if (from + x->observe_ns > end)
			end = from + x->observe_ns;
	}
	return end;
}
