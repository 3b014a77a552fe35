/* The built-in peer itself: one process in its host's namespace, one
 * epoll loop over the runner's command pipe, the listening socket and
 * every connection it has (thousands, with connections: N), with timers
 * for the application's own detection strategies (heartbeat, steady
 * traffic, zero-byte probes).
 *
 * Everything it sends on a connection is peer_pattern() from offset 0, and
 * everything it receives is checked against it, so the judge can tell that
 * data arrived intact and in order. */
#include "harness/run/peer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/schedstat.h"
#include "common/fds.h"
#include "common/duration.h"
#include "common/rt.h"

_Static_assert(sizeof(struct event) < PIPE_BUF, "events must be written atomically");

#define LISTEN_BACKLOG 4096
#define IO_CHUNK 65536
/* Connections a peer makes in all, reconnects included. */
#define MAX_CONNS 65536
/* Ready descriptors taken per wake; accepts per wake. */
#define WAKE_EVENTS 256
#define ACCEPTS_PER_WAKE 256
#define NEVER INT64_MAX

struct conn {
	int fd;			/* -1: closed */
	uint32_t mask;		/* what epoll waits for on it; 0: not in it */
	int id;			/* 1 for the peer's first connection, then 2... */
	bool connecting;	/* a non-blocking connect() under way */
	bool watching;		/* polled at all */
	bool detected;		/* the application decided it is dead */
	long pending;		/* bytes still to send */
	unsigned long long tx_off, rx_off;	/* stream offsets */
	bool corrupt;		/* a mismatch was already reported */
	int64_t last_rx;	/* when data last arrived (or it was set up) */
	int64_t last_rx_lag;	/* how late the peer may have seen that */
	int64_t next_heartbeat, next_traffic, next_probe, next_check;
};

/* Markers, in the epoll set, for the two descriptors that are no
 * connection. */
static char cmd_mark, listen_mark;

struct peer_state {
	const struct peer_spec *spec;
	const struct peer_config *cfg;
	int ev;			/* events pipe, write end */
	int cmd;		/* commands pipe, read end */
	int lfd;		/* listening socket */
	int schedstat;		/* /proc/thread-self/schedstat; -1: none */
	int64_t lag;		/* how long it waited to run, while it
				 * waited in poll() last: what it saw then
				 * may have come as much earlier */
	int ep;			/* the epoll instance */
	struct conn **conns;	/* every connection made, in order; a
				 * closed one stays (fd -1): cur may be it */
	size_t nconns, cap;
	struct conn *cur;	/* the newest connection: actions act on it */
	int next_id;
	unsigned char buf[IO_CHUNK];
};

/* How long this thread has waited on a run queue, in all (ns). */
static int64_t run_delay(const struct peer_state *s)
{
	return schedstat_run_delay(s->schedstat);
}

static struct event event_of(struct peer_state *s, const struct conn *c,
			     enum event_type type, int64_t t, const char *call, int err,
			     long bytes)
{
	struct event e;

	memset(&e, 0, sizeof(e));
	e.t_ns = t ? t : clock_wall_ns();
	e.type = type;
	e.host = s->spec->host;
	e.err = err;
	e.bytes = bytes;
	e.port = s->cfg->port;
	e.conn = c ? c->id : 0;
	e.step = -1;
	if (call)
		strncpy(e.call, call, sizeof(e.call) - 1);
	return e;
}

static void put(struct peer_state *s, const struct event *e)
{
	/* a single write below PIPE_BUF is atomic; if the runner is gone,
	 * the parent-death signal ends us anyway */
	if (write(s->ev, e, sizeof(*e)) != (ssize_t)sizeof(*e))
		_exit(1);
}

static void emit(struct peer_state *s, const struct conn *c, enum event_type type,
		 int64_t t, const char *call, int err, long bytes)
{
	struct event e = event_of(s, c, type, t, call, err, bytes);

	put(s, &e);
}

/* A connection came up: stamped when the peer saw it, which may be its
 * lag after the kernel did (steps count from there). */
static void up(struct peer_state *s, const struct conn *c, enum event_type type, int64_t t,
	       const char *call)
{
	struct event e = event_of(s, c, type, t, call, 0, 0);

	e.lag_ns = s->lag;
	put(s, &e);
}

/* What an action's call returned, stamped @t: just before the call; and
 * how long the call took (acted() is called as it returns). */
static void acted(struct peer_state *s, const struct conn *c, const struct peer_cmd *cmd,
		  int64_t t, const char *call, int err, long ret)
{
	struct event e = event_of(s, c, EV_ACTION, t, call, err, ret);

	e.took_ns = clock_wall_ns() - t;	/* the call has just returned */
	e.step = cmd->step;
	e.occurrence = cmd->occurrence;
	put(s, &e);
}

static int set_int(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof(v));
}

/* The per-connection socket options of the scenario. */
static int apply_options(struct peer_state *s, int fd)
{
	const struct keepalive *ka = &s->cfg->keepalive;
	int64_t ut = s->cfg->user_timeout_ns;

	if (ut && set_int(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, (int)(ut / NS_PER_MS)))
		return -1;
	if (s->cfg->linger) {
		struct linger l = { .l_onoff = 1, .l_linger = (int)(s->cfg->linger_ns / NS_PER_S) };

		if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)))
			return -1;
	}
	if (!ka->on)
		return 0;
	/* `keepalive: on`: the namespace's sysctls decide */
	if (!ka->idle_ns)
		return set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
	if (set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1) ||
	    set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, (int)(ka->idle_ns / NS_PER_S)) ||
	    set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, (int)(ka->interval_ns / NS_PER_S)) ||
	    set_int(fd, IPPROTO_TCP, TCP_KEEPCNT, (int)ka->count))
		return -1;
	return 0;
}

static struct conn *conn_new(struct peer_state *s, int fd)
{
	struct conn *c;

	if (s->nconns == MAX_CONNS)
		return NULL;
	if (s->nconns == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct conn **v = realloc(s->conns, cap * sizeof(*v));

		if (!v)
			return NULL;
		s->conns = v;
		s->cap = cap;
	}
	if (!(c = malloc(sizeof(*c))))
		return NULL;
	*c = (struct conn){ .fd = fd, .id = ++s->next_id, .watching = true };
	s->conns[s->nconns++] = c;
	return c;
}

/* The connection is up: the application's timers start now. */
static void conn_up(struct peer_state *s, struct conn *c, int64_t now)
{
	const struct peer_config *cfg = s->cfg;

	c->connecting = false;
	c->last_rx = now;
	c->next_heartbeat = cfg->heartbeat.send_every_ns ? now + cfg->heartbeat.send_every_ns : NEVER;
	c->next_traffic = cfg->traffic.every_ns ? now + cfg->traffic.every_ns : NEVER;
	c->next_probe = cfg->zero_probe_ns ? now + cfg->zero_probe_ns : NEVER;
	if (!cfg->heartbeat.timeout_ns)
		c->next_check = NEVER;
	else if (cfg->heartbeat.poll_ns)
		c->next_check = now + cfg->heartbeat.poll_ns;
	else
		c->next_check = now + cfg->heartbeat.timeout_ns;
	s->cur = c;
}

/* The application closes @c. It stays the current connection, if it was:
 * an action on it then gets what a call on a closed descriptor gets. */
static void conn_close(struct peer_state *s, struct conn *c)
{
	(void)s;
	close(c->fd);		/* out of the epoll set with it */
	c->fd = -1;
	c->mask = 0;
	c->watching = false;
}

/* The application noticed the connection is gone (EOF, an error, its
 * heartbeat timed out): report it, then do what the scenario says. A
 * connection already given up on (shutdown-write) is closed at its end. */
static void detect(struct peer_state *s, struct conn *c, enum event_type type,
		   int64_t t, const char *call, int err, int64_t lag)
{
	bool again = c->detected;
	struct event e = event_of(s, c, type, t, call, err, 0);

	e.lag_ns = lag > s->lag ? lag : s->lag;
	put(s, &e);
	c->pending = 0;
	c->detected = true;
	switch (again ? ON_DETECT_CLOSE : s->cfg->on_detect) {
	case ON_DETECT_CLOSE:
		conn_close(s, c);
		break;
	case ON_DETECT_SHUTDOWN_WRITE:
		/* C0.5a's advice: stop sending, but keep reading what the
		 * other side still has in flight, until its EOF */
		shutdown(c->fd, SHUT_WR);
		break;
	case ON_DETECT_KEEP:
		c->watching = false;
		break;
	}
}

static void setup_listen(struct peer_state *s)
{
	const struct sockaddr *sa = (const struct sockaddr *)&s->spec->local;

	struct epoll_event e = { .events = EPOLLIN, .data.ptr = &listen_mark };

	s->lfd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->lfd < 0 || set_int(s->lfd, SOL_SOCKET, SO_REUSEADDR, 1) ||
	    bind(s->lfd, sa, s->spec->local_len) || listen(s->lfd, LISTEN_BACKLOG) ||
	    epoll_ctl(s->ep, EPOLL_CTL_ADD, s->lfd, &e)) {
		emit(s, NULL, EV_SETUP_FAILED, 0, "listen", errno, 0);
		_exit(1);
	}
	emit(s, NULL, EV_LISTENING, 0, "listen", 0, 0);
}

/* How a connect failing is reported: one of the first (connections:) is
 * a setup failure (the peer then ends), unless the scenario's faults
 * start before it; a later one (reconnect) is an event. */
static enum event_type connect_failure(const struct peer_state *s, int id)
{
	return id > s->cfg->connections || s->spec->connect_may_fail ? EV_ERROR : EV_SETUP_FAILED;
}

/* Start a non-blocking connect; on_connected() finishes it. */
static void start_connect(struct peer_state *s)
{
	const struct sockaddr *sa = (const struct sockaddr *)&s->spec->remote;
	enum event_type fail = connect_failure(s, s->next_id + 1);
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct conn *c;

	if (fd < 0 || apply_options(s, fd)) {
		emit(s, NULL, fail, 0, "setsockopt", errno, 0);
		goto out;
	}
	if (!(c = conn_new(s, fd))) {
		emit(s, NULL, fail, 0, "connect", EMFILE, 0);
		goto out;
	}
	/* when the kernel's connect timers start: a peer slow to get here
	 * (forked under load) starts them late */
	emit(s, c, EV_CONNECTING, 0, "connect", 0, 0);
	if (connect(fd, sa, s->spec->remote_len) && errno != EINPROGRESS) {
		emit(s, c, fail, 0, "connect", errno, 0);
		conn_close(s, c);
		goto done;
	}
	c->connecting = true;
	s->cur = c;
	return;
out:
	if (fd >= 0)
		close(fd);
done:
	if (fail == EV_SETUP_FAILED)
		_exit(1);
}

static void on_connected(struct peer_state *s, struct conn *c, int64_t t)
{
	int err = 0;
	socklen_t len = sizeof(err);

	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err) {
		enum event_type fail = connect_failure(s, c->id);

		emit(s, c, fail, t, "connect", err, 0);
		conn_close(s, c);
		if (fail == EV_SETUP_FAILED)
			_exit(1);
		return;
	}
	conn_up(s, c, clock_mono_ns());
	up(s, c, EV_CONNECTED, t, "connect");
}

/* Accept one connection; false when there was none to take. */
static bool on_accept(struct peer_state *s, int64_t t)
{
	int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct conn *c;

	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			emit(s, NULL, EV_ERROR, t, "accept", errno, 0);
		return false;
	}
	if (apply_options(s, fd)) {
		emit(s, NULL, EV_ERROR, t, "setsockopt", errno, 0);
		close(fd);
		return true;
	}
	if (!(c = conn_new(s, fd))) {
		emit(s, NULL, EV_ERROR, t, "accept", EMFILE, 0);
		close(fd);
		return true;
	}
	conn_up(s, c, clock_mono_ns());
	up(s, c, EV_ACCEPTED, t, "accept");
	return true;
}

/* Check what arrived against what the other side sent: the first byte
 * that differs is reported once, with its stream offset. */
static void verify(struct peer_state *s, struct conn *c, ssize_t n, int64_t t)
{
	for (ssize_t i = 0; i < n && !c->corrupt; i++)
		if (s->buf[i] != peer_pattern(c->rx_off + (unsigned long long)i)) {
			c->corrupt = true;
			emit(s, c, EV_CORRUPT, t, "recv", 0, (long)(c->rx_off + (unsigned long long)i));
		}
	c->rx_off += (unsigned long long)n;
}

static void on_readable(struct peer_state *s, struct conn *c, int64_t t)
{
	ssize_t n = recv(c->fd, s->buf, sizeof(s->buf), MSG_DONTWAIT);

	if (n > 0) {
		verify(s, c, n, t);
		c->last_rx = clock_mono_ns();
		c->last_rx_lag = s->lag;
		if (s->cfg->heartbeat.timeout_ns && !s->cfg->heartbeat.poll_ns)
			c->next_check = c->last_rx + s->cfg->heartbeat.timeout_ns;
		emit(s, c, EV_RECEIVED, t, "recv", 0, (long)n);
	} else if (n == 0) {
		detect(s, c, EV_EOF, t, "recv", 0, 0);
	} else if (errno != EAGAIN && errno != EINTR) {
		detect(s, c, EV_ERROR, t, "recv", errno, 0);
	}
}

static void on_writable(struct peer_state *s, struct conn *c, int64_t t)
{
	size_t len = c->pending < IO_CHUNK ? (size_t)c->pending : IO_CHUNK;
	ssize_t n;

	for (size_t i = 0; i < len; i++)
		s->buf[i] = peer_pattern(c->tx_off + i);
	n = send(c->fd, s->buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			detect(s, c, EV_ERROR, t, "send", errno, 0);
		return;
	}
	c->pending -= n;
	c->tx_off += (unsigned long long)n;
	emit(s, c, EV_SENT, t, "send", 0, (long)n);
}

/* The zero-byte send() of CLAIMS C3.3: whatever it returns is evidence;
 * when it fails, that is how this application learns. */
static void probe(struct peer_state *s, struct conn *c, int64_t t, int64_t late)
{
	ssize_t n = send(c->fd, s->buf, 0, MSG_DONTWAIT | MSG_NOSIGNAL);
	int err = n < 0 ? errno : 0;

	emit(s, c, EV_PROBE, t, "send(0)", err, (long)n);
	if (n < 0 && err != EAGAIN && err != EINTR)
		detect(s, c, EV_ERROR, t, "send(0)", err, late);
}

/* Fire every timer of @c that is due at @now. */
static void run_timers(struct peer_state *s, struct conn *c, int64_t now, int64_t t)
{
	const struct peer_config *cfg = s->cfg;

	if (c->next_heartbeat <= now) {
		c->pending += cfg->heartbeat.bytes;
		while (c->next_heartbeat <= now)
			c->next_heartbeat += cfg->heartbeat.send_every_ns;
	}
	if (c->next_traffic <= now) {
		c->pending += cfg->traffic.bytes;
		while (c->next_traffic <= now)
			c->next_traffic += cfg->traffic.every_ns;
	}
	if (c->next_probe <= now) {
		/* a timer's wake-up can come late without the peer waiting to
		 * run (the kernel's own timer late): how late, it knows */
		int64_t late = now - c->next_probe;

		while (c->next_probe <= now)
			c->next_probe += cfg->zero_probe_ns;
		probe(s, c, t, late);
		if (!c->watching)
			return;
	}
	if (c->next_check <= now) {
		if (now - c->last_rx >= cfg->heartbeat.timeout_ns) {
			/* due at next_check; without polling that counts from
			 * data the peer may itself have seen late */
			int64_t lag = now - c->next_check +
				      (cfg->heartbeat.poll_ns ? 0 : c->last_rx_lag);

			detect(s, c, EV_HEARTBEAT_TIMEOUT, t, "heartbeat", 0, lag);
			return;
		}
		if (cfg->heartbeat.poll_ns)
			while (c->next_check <= now)
				c->next_check += cfg->heartbeat.poll_ns;
		else
			c->next_check = c->last_rx + cfg->heartbeat.timeout_ns;
	}
}

/* An action's send(): one call, @bytes of the pattern, whatever the
 * connection's state; what it returns is the evidence. */
static void act_send(struct peer_state *s, struct conn *c, const struct peer_cmd *cmd)
{
	size_t len = (size_t)cmd->bytes < sizeof(s->buf) ? (size_t)cmd->bytes : sizeof(s->buf);
	int64_t t;
	ssize_t n;

	for (size_t i = 0; i < len; i++)
		s->buf[i] = peer_pattern(c->tx_off + i);
	t = clock_wall_ns();
	n = send(c->fd, s->buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	acted(s, c, cmd, t, "send", n < 0 ? errno : 0, n < 0 ? 0 : (long)n);
	if (n > 0) {
		c->tx_off += (unsigned long long)n;
		emit(s, c, EV_SENT, t, "send", 0, (long)n);
	}
}

/* An action's recv(): one call, without waiting. 0 is EOF. */
static void act_recv(struct peer_state *s, struct conn *c, const struct peer_cmd *cmd)
{
	size_t len = (size_t)cmd->bytes < sizeof(s->buf) ? (size_t)cmd->bytes : sizeof(s->buf);
	int64_t t = clock_wall_ns();
	ssize_t n = recv(c->fd, s->buf, len, MSG_DONTWAIT);

	acted(s, c, cmd, t, "recv", n < 0 ? errno : 0, n < 0 ? 0 : (long)n);
	if (n > 0) {
		verify(s, c, n, t);
		emit(s, c, EV_RECEIVED, t, "recv", 0, (long)n);
	}
}

/* One action's call on @c (the newest connection, or one of all), its
 * result an event stamped just before the call. */
static void act_on(struct peer_state *s, struct conn *c, const struct peer_cmd *cmd)
{
	const char *name = action_name(cmd->kind);
	int64_t t = clock_wall_ns();
	int err = 0;

	if (cmd->kind == ACTION_RECONNECT) {
		if (c && c->fd >= 0)
			conn_close(s, c);
		acted(s, c, cmd, t, name, 0, 0);
		start_connect(s);
		return;
	}
	if (!c || c->fd < 0) {
		/* never connected, or the application closed it: a call on no
		 * descriptor, or a closed one */
		acted(s, c, cmd, t, name, c ? EBADF : ENOTCONN, 0);
		return;
	}
	switch (cmd->kind) {
	case ACTION_SEND:
		act_send(s, c, cmd);
		return;
	case ACTION_RECV:
		act_recv(s, c, cmd);
		return;
	case ACTION_CLOSE:
		break;
	case ACTION_ABORT: {
		struct linger l = { .l_onoff = 1, .l_linger = 0 };

		if (setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)))
			err = errno;
		t = clock_wall_ns();
		break;
	}
	case ACTION_SHUTDOWN:
		if (shutdown(c->fd, cmd->how))
			err = errno;
		acted(s, c, cmd, t, name, err, 0);
		return;
	case ACTION_RECONNECT:
		return;
	}
	if (close(c->fd))
		err = errno;
	c->fd = -1;
	c->mask = 0;
	c->watching = false;
	acted(s, c, cmd, t, name, err, 0);
}

/* Every action is one system call of its own on the newest connection as
 * it is — whatever the peer noticed before — or, with connection: all,
 * one on each connection open then; its result an event, stamped just
 * before the call: latencies count from there. */
static void act(struct peer_state *s, const struct peer_cmd *cmd)
{
	struct event acting = event_of(s, s->cur, EV_ACTING, 0, action_name(cmd->kind), 0, 0);
	size_t n = s->nconns, done = 0;

	/* the runner holds later steps until this one is under way */
	acting.step = cmd->step;
	put(s, &acting);
	if (!cmd->all) {
		act_on(s, s->cur, cmd);
		return;
	}
	/* the connections open now; a reconnect's new ones are not acted on */
	for (size_t i = 0; i < n; i++)
		if (s->conns[i]->fd >= 0 && !s->conns[i]->connecting) {
			act_on(s, s->conns[i], cmd);
			done++;
		}
	if (!done)
		act_on(s, NULL, cmd);
}

static void on_command(struct peer_state *s)
{
	struct peer_cmd c;
	ssize_t n = read(s->cmd, &c, sizeof(c));

	if (n == 0)
		_exit(0);	/* the runner is done with us */
	if (n == (ssize_t)sizeof(c))
		act(s, &c);
}

/* What to wait for on @c; 0 when it is not watched at all (not even
 * for an error or a hang-up: epoll reports those unasked, so it leaves
 * the set). */
static uint32_t conn_events(const struct peer_state *s, const struct conn *c)
{
	if (c->fd < 0 || !c->watching)
		return 0;
	if (c->connecting)
		return EPOLLOUT;
	if (c->detected)
		return EPOLLIN;
	/* an application that does not read never looks at the socket
	 * unless it has something to write */
	return (s->cfg->reads ? EPOLLIN : 0) | (c->pending ? EPOLLOUT : 0);
}

/* Bring @c's place in the epoll set up to date. */
static void conn_watch(struct peer_state *s, struct conn *c)
{
	uint32_t mask = conn_events(s, c);
	struct epoll_event e = { .events = mask, .data.ptr = c };

	if (mask == c->mask)
		return;
	if (!mask)
		epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
	else if (epoll_ctl(s->ep, c->mask ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &e))
		_exit(1);
	c->mask = mask;
}

static int poll_timeout_ms(const struct peer_state *s, int64_t now)
{
	int64_t next = NEVER;

	for (size_t i = 0; i < s->nconns; i++) {
		const struct conn *c = s->conns[i];

		if (c->fd < 0 || !c->watching || c->connecting || c->detected)
			continue;
		if (c->next_heartbeat < next)
			next = c->next_heartbeat;
		if (c->next_traffic < next)
			next = c->next_traffic;
		if (c->next_probe < next)
			next = c->next_probe;
		if (c->next_check < next)
			next = c->next_check;
	}
	if (next == NEVER)
		return -1;
	if (next <= now)
		return 0;
	/* rounded up: waking early would only spin */
	return (int)((next - now + NS_PER_MS - 1) / NS_PER_MS);
}

static void on_conn(struct peer_state *s, struct conn *c, uint32_t rev, int64_t t)
{
	if (c->fd < 0 || !c->watching)
		return;
	if (c->connecting) {
		on_connected(s, c, t);
		return;
	}
	if ((s->cfg->reads || c->detected) && rev & (EPOLLIN | EPOLLERR | EPOLLHUP))
		on_readable(s, c, t);
	if (c->fd >= 0 && c->watching && c->pending && rev & (EPOLLOUT | EPOLLERR | EPOLLHUP))
		on_writable(s, c, t);
}

static void peer_loop(struct peer_state *s)
{
	for (;;) {
		struct epoll_event ev[WAKE_EVENTS];
		int64_t now, t, waited;
		int n;

		for (size_t i = 0; i < s->nconns; i++)
			conn_watch(s, s->conns[i]);
		waited = run_delay(s);
		n = epoll_wait(s->ep, ev, WAKE_EVENTS, poll_timeout_ms(s, clock_mono_ns()));
		if (n < 0 && errno != EINTR)
			_exit(1);
		t = clock_wall_ns();
		now = clock_mono_ns();
		s->lag = run_delay(s) - waited;
		if (s->lag < 0)
			s->lag = 0;
		/* the runner's command first, then new connections, then the
		 * connections: as one pass over them all always took them */
		for (int i = 0; i < n; i++)
			if (ev[i].data.ptr == &cmd_mark)
				on_command(s);
		for (int i = 0; i < n; i++)
			for (int k = 0; ev[i].data.ptr == &listen_mark && k < ACCEPTS_PER_WAKE; k++)
				if (!on_accept(s, t))
					break;
		for (int i = 0; i < n; i++)
			if (ev[i].data.ptr != &cmd_mark && ev[i].data.ptr != &listen_mark)
				on_conn(s, ev[i].data.ptr, ev[i].events, t);
		for (size_t i = 0; i < s->nconns; i++) {
			struct conn *c = s->conns[i];

			if (c->fd >= 0 && c->watching && !c->connecting && !c->detected)
				run_timers(s, c, now, t);
		}
	}
}

/* A forked peer holds copies of every descriptor the runner had: the
 * captures' packet sockets and rings, other hosts' namespaces. Let go of
 * all of them: a capture's last close would otherwise fall to the peer's
 * death (and its RCU wait), and a namespace would outlive its host's
 * power-off. */
static void close_inherited(int ev, int cmd)
{
	const int keep[] = { ev, cmd };

	fds_close_all_but(keep, 2);
}

void peer_child_run(const struct peer_spec *spec, int ns, int ev, int cmd,
		    pid_t parent)
{
	struct peer_state s = { .spec = spec, .cfg = &spec->config, .ev = ev,
				.cmd = cmd, .lfd = -1, .schedstat = -1, .ep = -1 };
	struct epoll_event e = { .events = EPOLLIN, .data.ptr = &cmd_mark };
	struct rlimit nofile;

	/* die with the harness: nothing may outlive it */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	if (setns(ns, CLONE_NEWNET)) {
		emit(&s, NULL, EV_SETUP_FAILED, 0, "setns", errno, 0);
		_exit(1);
	}
	close_inherited(ev, cmd);
	/* a descriptor per connection: as many as the machine lets us */
	if (!getrlimit(RLIMIT_NOFILE, &nofile) && nofile.rlim_cur < nofile.rlim_max) {
		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	s.ep = epoll_create1(EPOLL_CLOEXEC);
	if (s.ep < 0 || epoll_ctl(s.ep, EPOLL_CTL_ADD, cmd, &e)) {
		emit(&s, NULL, EV_SETUP_FAILED, 0, "epoll", errno, 0);
		_exit(1);
	}
	rt_enter();
	s.schedstat = schedstat_open();
	if (spec->config.role == PEER_LISTEN)
		setup_listen(&s);
	else
		for (long i = 0; i < spec->config.connections; i++)
			start_connect(&s);
	peer_loop(&s);
	_exit(1);
}
