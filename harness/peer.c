#include "harness/peer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/duration.h"

#define LISTEN_BACKLOG 16

_Static_assert(sizeof(struct event) < PIPE_BUF, "events must be written atomically");
#define IO_CHUNK 65536

enum peer_cmd_type {
	PCMD_SEND,
};

struct peer_cmd {
	enum peer_cmd_type type;
	long bytes;
};

/* --- the child ----------------------------------------------------------- */

struct peer_state {
	const struct peer_spec *spec;
	int ev;			/* events pipe, write end */
	int cmd;		/* commands pipe, read end */
	int lfd;		/* listening socket */
	int cfd;		/* the connection */
	long pending;		/* bytes still to send */
	long batch;		/* bytes of the current send command */
	unsigned char buf[IO_CHUNK];
};

static void emit(struct peer_state *s, enum event_type type, int64_t t,
		 const char *call, int err, long bytes)
{
	struct event e;

	memset(&e, 0, sizeof(e));
	e.t_ns = t ? t : event_now();
	e.type = type;
	e.host = s->spec->host;
	e.err = err;
	e.bytes = bytes;
	e.port = s->spec->config.port;
	if (call)
		strncpy(e.call, call, sizeof(e.call) - 1);
	/* a single write below PIPE_BUF is atomic; if the runner is gone,
	 * the parent-death signal ends us anyway */
	if (write(s->ev, &e, sizeof(e)) != (ssize_t)sizeof(e))
		_exit(1);
}

static int set_int(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof(v));
}

static int apply_options(struct peer_state *s, int fd)
{
	const struct keepalive *ka = &s->spec->config.keepalive;
	int64_t ut = s->spec->config.user_timeout_ns;

	if (ut && set_int(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, (int)(ut / NS_PER_MS))) {
		emit(s, EV_SETUP_FAILED, 0, "setsockopt", errno, 0);
		return -1;
	}
	if (!ka->on)
		return 0;
	if (set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1) ||
	    set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, (int)(ka->idle_ns / NS_PER_S)) ||
	    set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, (int)(ka->interval_ns / NS_PER_S)) ||
	    set_int(fd, IPPROTO_TCP, TCP_KEEPCNT, (int)ka->count)) {
		emit(s, EV_SETUP_FAILED, 0, "setsockopt", errno, 0);
		return -1;
	}
	return 0;
}

static void setup_listen(struct peer_state *s)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(s->spec->config.port),
				  .sin_addr = s->spec->local };

	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->lfd < 0 || set_int(s->lfd, SOL_SOCKET, SO_REUSEADDR, 1) ||
	    bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(s->lfd, LISTEN_BACKLOG)) {
		emit(s, EV_SETUP_FAILED, 0, "listen", errno, 0);
		_exit(1);
	}
	emit(s, EV_LISTENING, 0, "listen", 0, 0);
}

static void setup_connect(struct peer_state *s)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(s->spec->config.port),
				  .sin_addr = s->spec->remote };

	s->cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->cfd < 0 || apply_options(s, s->cfd))
		_exit(1);
	if (connect(s->cfd, (struct sockaddr *)&sa, sizeof(sa))) {
		emit(s, EV_SETUP_FAILED, 0, "connect", errno, 0);
		_exit(1);
	}
	emit(s, EV_CONNECTED, 0, "connect", 0, 0);
}

static void accept_one(struct peer_state *s)
{
	int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
	int64_t t = event_now();

	if (fd < 0) {
		emit(s, EV_ERROR, t, "accept", errno, 0);
		return;
	}
	if (apply_options(s, fd)) {
		close(fd);
		return;
	}
	/* one connection per peer: later clients are refused */
	close(s->lfd);
	s->lfd = -1;
	s->cfd = fd;
	emit(s, EV_ACCEPTED, t, "accept", 0, 0);
}

/* The connection ended (EOF or error): report it and close, as an
 * application that notices a dead peer does. */
static void lose(struct peer_state *s, enum event_type type, int64_t t,
		 const char *call, int err)
{
	emit(s, type, t, call, err, 0);
	close(s->cfd);
	s->cfd = -1;
	s->pending = 0;
}

static void on_readable(struct peer_state *s, int64_t t)
{
	ssize_t n = recv(s->cfd, s->buf, sizeof(s->buf), MSG_DONTWAIT);

	if (n > 0)
		emit(s, EV_RECEIVED, t, "recv", 0, (long)n);
	else if (n == 0)
		lose(s, EV_EOF, t, "recv", 0);
	else if (errno != EAGAIN && errno != EINTR)
		lose(s, EV_ERROR, t, "recv", errno);
}

static void on_writable(struct peer_state *s, int64_t t)
{
	size_t len = s->pending < IO_CHUNK ? (size_t)s->pending : IO_CHUNK;
	ssize_t n = send(s->cfd, s->buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			lose(s, EV_ERROR, t, "send", errno);
		return;
	}
	s->pending -= n;
	if (!s->pending)
		emit(s, EV_SENT, 0, "send", 0, s->batch);
}

static void on_command(struct peer_state *s)
{
	struct peer_cmd c;
	ssize_t n = read(s->cmd, &c, sizeof(c));

	if (n == 0)
		_exit(0);	/* the runner is done with us */
	if (n != (ssize_t)sizeof(c))
		return;
	if (c.type == PCMD_SEND && s->cfd >= 0) {
		s->pending += c.bytes;
		s->batch = s->pending;
	} else if (c.type == PCMD_SEND) {
		emit(s, EV_ERROR, 0, "send", ENOTCONN, 0);
	}
}

static void peer_loop(struct peer_state *s)
{
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = s->cmd, .events = POLLIN },
			{ .fd = s->lfd, .events = POLLIN },
			{ .fd = s->cfd, .events = POLLIN | (s->pending ? POLLOUT : 0) },
		};
		int64_t t;

		if (poll(p, 3, -1) < 0 && errno != EINTR)
			_exit(1);
		t = event_now();
		if (p[0].revents)
			on_command(s);
		if (s->lfd >= 0 && p[1].revents)
			accept_one(s);
		if (s->cfd >= 0 && p[2].revents & (POLLIN | POLLERR | POLLHUP))
			on_readable(s, t);
		if (s->cfd >= 0 && s->pending && p[2].revents & POLLOUT)
			on_writable(s, t);
	}
}

static void peer_child(const struct peer_spec *spec, int ns, int ev, int cmd,
		       pid_t parent)
{
	struct peer_state s = { .spec = spec, .ev = ev, .cmd = cmd, .lfd = -1, .cfd = -1 };

	/* die with the harness: nothing may outlive it */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	if (setns(ns, CLONE_NEWNET)) {
		emit(&s, EV_SETUP_FAILED, 0, "setns", errno, 0);
		_exit(1);
	}
	memset(s.buf, 'u', sizeof(s.buf));
	if (spec->config.role == PEER_LISTEN)
		setup_listen(&s);
	else
		setup_connect(&s);
	peer_loop(&s);
}

/* --- the runner's side --------------------------------------------------- */

int peer_start(const struct peer_spec *spec, int ns, struct peer *out,
	       struct diag *d)
{
	int ev[2], cmd[2], ret;
	pid_t parent = getpid();

	out->pid = -1;
	out->events = out->cmds = -1;
	out->host = spec->host;
	if (pipe2(ev, O_CLOEXEC))
		goto fail;
	if (pipe2(cmd, O_CLOEXEC)) {
		ret = -errno;
		close(ev[0]);
		close(ev[1]);
		errno = -ret;
		goto fail;
	}
	out->pid = fork();
	if (out->pid == 0) {
		close(ev[0]);
		close(cmd[1]);
		peer_child(spec, ns, ev[1], cmd[0], parent);
		_exit(1);
	}
	close(ev[1]);
	close(cmd[0]);
	out->events = ev[0];
	out->cmds = cmd[1];
	if (out->pid < 0) {
		ret = -errno;
		peer_stop(out);
		diag_add(d, "fork the peer of host %d: %s", spec->host, strerror(-ret));
		return ret;
	}
	fcntl(out->events, F_SETFL, O_NONBLOCK);
	return 0;
fail:
	ret = -errno;
	diag_add(d, "pipe for a peer: %s", strerror(errno));
	return ret;
}

int peer_send(struct peer *p, long bytes)
{
	struct peer_cmd c = { .type = PCMD_SEND, .bytes = bytes };

	if (write(p->cmds, &c, sizeof(c)) != (ssize_t)sizeof(c))
		return -EPIPE;
	return 0;
}

int peer_read_event(struct peer *p, struct event *e)
{
	ssize_t n = read(p->events, e, sizeof(*e));

	if (n == (ssize_t)sizeof(*e))
		return 1;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return -EPIPE;
}

void peer_stop(struct peer *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
	}
	p->pid = -1;
	if (p->events >= 0)
		close(p->events);
	if (p->cmds >= 0)
		close(p->cmds);
	p->events = p->cmds = -1;
}
