/* The runner's side of a peer: start it, command it, hear it, stop it.
 * What the peer itself does is in peer_child.c. */
#include "harness/run/peer.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
		peer_child_run(spec, ns, ev[1], cmd[0], parent);
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

int peer_act(struct peer *p, const struct action *a, int step, int occurrence)
{
	struct peer_cmd c = { .kind = a->kind, .bytes = a->bytes, .how = a->how, .step = step,
			      .occurrence = occurrence, .all = a->all };

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
	peer_abandon(p);
}

void peer_abandon(struct peer *p)
{
	if (p->pid > 0)
		kill(p->pid, SIGKILL);
	p->pid = -1;
	if (p->events >= 0)
		close(p->events);
	if (p->cmds >= 0)
		close(p->cmds);
	p->events = p->cmds = -1;
}
