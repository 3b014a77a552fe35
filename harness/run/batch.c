#include "harness/run/batch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/diag.h"
#include "harness/run/runner.h"

#define BATCH_MAX 64

struct child {
	pid_t pid;
	int fd;			/* read end: its diagnostics */
	size_t job;
	char *text;		/* what it said so far */
	size_t len;
	int64_t start;
};

/* The child: run one scenario, say why it failed on @fd and end what it
 * says with a NUL and the error's number (0: it ran to its end), which is
 * also its exit status. The run directory is whole when it says so; its
 * exit can take longer (the kernel releasing its packet sockets), which
 * nobody need wait for but the batch's own end. */
static void child_main(const struct batch_job *j, int fd, pid_t parent)
{
	struct diag d;
	int err;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(EINTR);
	diag_init(&d, j->sc->path);
	err = runner_run(j->sc, j->dir, &d);
	for (size_t i = 0; i < d.count; i++)
		if (dprintf(fd, "%s\n", d.msgs[i]) < 0)
			break;
	diag_clear(&d);
	dprintf(fd, "%c%d", '\0', err < 0 ? -err : 0);
	close(fd);
	_exit(err < 0 ? -err : 0);
}

static int start(struct child *c, struct batch_job *v, size_t job)
{
	pid_t parent = getpid();
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	c->pid = fork();
	if (c->pid == 0) {
		close(p[0]);
		child_main(&v[job], p[1], parent);
	}
	close(p[1]);
	if (c->pid < 0) {
		int e = errno;

		close(p[0]);
		return -e;
	}
	c->fd = p[0];
	c->job = job;
	c->text = NULL;
	c->len = 0;
	c->start = clock_mono_ns();
	return 0;
}

/* Take in what @c said; at its end, reap it and fill in its job. */
static bool hear(struct child *c, struct batch_job *v)
{
	char buf[4096], *grown;
	ssize_t n = read(c->fd, buf, sizeof(buf));
	int st;

	if (n > 0) {
		grown = realloc(c->text, c->len + (size_t)n + 1);
		if (grown) {
			memcpy(grown + c->len, buf, (size_t)n);
			c->len += (size_t)n;
			grown[c->len] = '\0';
			c->text = grown;
		}
		return false;
	}
	if (n < 0 && errno == EINTR)
		return false;
	close(c->fd);
	/* its word if it finished; otherwise how it died */
	if (c->text && strlen(c->text) < c->len) {
		v[c->job].err = -atoi(c->text + strlen(c->text) + 1);
	} else {
		while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
			;
		v[c->job].err = WIFEXITED(st) ? -WEXITSTATUS(st) : -EINTR;
	}
	v[c->job].why = c->text;
	v[c->job].duration_ns = clock_mono_ns() - c->start;
	return true;
}

/* Reap what ended beneath us that is none of the running children: the
 * endpoints a scenario's process left to die. @all: wait for every one. */
static void reap_orphans(const struct child *kids, size_t running, bool all)
{
	for (;;) {
		siginfo_t info = { 0 };

		/* look first: a running scenario's own end is hear()'s to take */
		if (waitid(P_ALL, 0, &info, WEXITED | WNOWAIT | (all ? 0 : WNOHANG))) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (!info.si_pid)
			return;
		for (size_t i = 0; i < running; i++)
			if (kids[i].pid == info.si_pid)
				return;
		waitpid(info.si_pid, NULL, 0);
	}
}

int batch_run(struct batch_job *v, int jobs, const struct batch_hooks *h)
{
	struct child kids[BATCH_MAX];
	size_t running = 0, job;
	bool stopping = false;
	int err = 0;

	/* endpoints left to die at a scenario's end come back to us, to be
	 * reaped here rather than waited for there */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (jobs < 1)
		jobs = 1;
	if (jobs > BATCH_MAX)
		jobs = BATCH_MAX;
	for (;;) {
		struct pollfd p[BATCH_MAX];

		while (!err && !runner_stop && running < (size_t)jobs && h->take(h->arg, &job))
			if (!(err = start(&kids[running], v, job))) {
				if (h->started)
					h->started(h->arg, job);
				running++;
			}
		if (!running)
			break;
		if (runner_stop && !stopping) {
			for (size_t i = 0; i < running; i++)
				kill(kids[i].pid, SIGTERM);
			stopping = true;
		}
		for (size_t i = 0; i < running; i++)
			p[i] = (struct pollfd){ .fd = kids[i].fd, .events = POLLIN };
		if (poll(p, running, h->tick && h->tick_ms ? h->tick_ms : -1) < 0 && errno != EINTR)
			return -errno;
		if (h->tick)
			h->tick(h->arg);
		for (size_t i = 0; i < running;) {
			if (!p[i].revents || !hear(&kids[i], v)) {
				i++;
				continue;
			}
			if (h->done)
				h->done(h->arg, kids[i].job);
			kids[i] = kids[--running];
			p[i] = p[running];
		}
		reap_orphans(kids, running, false);
	}
	reap_orphans(kids, 0, true);
	return err;
}

void batch_job_clear(struct batch_job *j)
{
	free(j->why);
	j->why = NULL;
}
