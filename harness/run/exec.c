#include "harness/run/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "harness/model/program.h"
#include "harness/model/scenario.h"
#include "common/fds.h"
#include "common/schedstat.h"
#include "common/duration.h"

/* What the program's child reports when it cannot reach its scratch
 * folder: no errno. */
#define EXEC_NO_SCRATCH (-1)

/* The init relays these: freeze, thaw, terminate. */
#define SIG_FREEZE SIGUSR1
#define SIG_THAW SIGUSR2

/* 0 when @path is an executable file, -EACCES when it is there but not
 * one, -ENOENT when it is not there. */
static int try_path(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -ENOENT;
	return S_ISREG(st.st_mode) && !access(path, X_OK) ? 0 : -EACCES;
}

int exec_resolve(const char *argv0, const char *dir, char **path)
{
	const char *env = getenv("PATH");
	char *paths, *save = NULL;
	int ret = -ENOENT, err;

	*path = NULL;
	if (argv0[0] == '/') {
		*path = strdup(argv0);
	} else if (asprintf(path, "%s/%s", dir, argv0) < 0) {
		*path = NULL;
		return -ENOMEM;
	}
	if (!*path)
		return -ENOMEM;
	/* a path is taken as it is written; a bare name may be beside the
	 * scenario, or along PATH */
	err = try_path(*path);
	if (!err || strchr(argv0, '/')) {
		if (err) {
			free(*path);
			*path = NULL;
		}
		return err;
	}
	ret = err;
	free(*path);
	*path = NULL;
	paths = strdup(env && *env ? env : "/usr/local/bin:/usr/bin:/bin");
	if (!paths)
		return -ENOMEM;
	for (char *p = strtok_r(paths, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
		if (asprintf(path, "%s/%s", p, argv0) < 0) {
			*path = NULL;
			ret = -ENOMEM;
			break;
		}
		err = try_path(*path);
		if (!err) {
			ret = 0;
			break;
		}
		if (err == -EACCES)
			ret = err;
		free(*path);
		*path = NULL;
	}
	free(paths);
	return ret;
}

char *exec_scenario_dir(const char *path)
{
	char *real = realpath(path, NULL), *dir;

	if (!real) {
		/* gone since it was loaded: the folder as named, made absolute */
		char cwd[PATH_MAX];

		if (path[0] == '/')
			real = strdup(path);
		else if (getcwd(cwd, sizeof(cwd)) && asprintf(&real, "%s/%s", cwd, path) < 0)
			real = NULL;
		if (!real)
			return NULL;
	}
	dir = strdup(dirname(real));
	free(real);
	return dir;
}

int exec_check_programs(const struct scenario *sc, struct diag *d)
{
	char *dir = exec_scenario_dir(sc->path), *path;
	int ret = 0;

	if (!dir)
		return -ENOMEM;
	for (size_t i = 0; i < sc->nhosts; i++)
		for (const struct program *p = sc->hosts[i].program; p; p = p->next) {
			int err;

			if (strchr(p->argv[0], '{'))
				continue;	/* known at run time */
			err = exec_resolve(p->argv[0], dir, &path);
			free(path);
			if (!err)
				continue;
			diag_at(d, p->argv_at[0], "%s: program %s: \"%s\" (a path, relative to %s, or a name on PATH)",
				sc->hosts[i].name, err == -EACCES ? "not executable" : "not found",
				p->argv[0], dir);
			ret = ret ? ret : err;
		}
	free(dir);
	return ret;
}

/* The program itself: pid 2 of the new PID namespace. */
static void program_main(const struct exec_spec *spec, int out, int err, int failed)
{
	sigset_t none;
	int null = open("/dev/null", O_RDONLY);
	int e;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	/* at a terminal: a session of its own, the terminal its controlling
	 * one, as a login shell would have it */
	if (spec->tty ? setsid() < 0 || ioctl(out, TIOCSCTTY, 0) : setpgid(0, 0))
		goto fail;
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
	    chdir(spec->dir))
		goto fail;
	if (spec->drop && (setgroups((size_t)spec->ngroups, spec->groups) || setgid(spec->gid) ||
			   setuid(spec->uid)))
		goto fail;
	/* its scratch folder, reached as the program's user: a run
	 * directory under /root is not (said as EXEC_NO_SCRATCH) */
	if (spec->scratch && access(spec->scratch, R_OK | W_OK | X_OK)) {
		e = EXEC_NO_SCRATCH;
		if (write(failed, &e, sizeof(e)) < 0)
			_exit(126);
		_exit(127);
	}
	/* after the credentials change, which clears it */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	execve(spec->argv[0], spec->argv, spec->envp);
fail:
	e = errno;
	if (write(failed, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

/* Relay @sig to every process of the namespace but this one. */
static void relay(int sig)
{
	kill(-1, sig == SIG_FREEZE ? SIGSTOP : sig == SIG_THAW ? SIGCONT : SIGTERM);
}

/* pid 1 of the program's PID namespace: start the program, relay signals
 * to every process in the namespace, and report the program's end. When
 * it exits, the kernel kills whatever the program left behind. It exits
 * too when unplug dies: by the parent-death signal, or, should unplug die
 * before that is armed, when the lifeline pipe unplug holds closes. */
static void init_main(const struct exec_spec *spec, int status, int out, int err,
		      int failed, int lifeline)
{
	const int keep[] = { status, out, err, failed, lifeline, spec->ns };
	struct pollfd p[2];
	int e, prog_ss, self_ss;
	sigset_t set;
	pid_t pid;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* the program inherits nothing of unplug's: namespaces, captures,
	 * other hosts' pipes */
	fds_close_all_but(keep, sizeof(keep) / sizeof(keep[0]));
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIG_FREEZE);
	sigaddset(&set, SIG_THAW);
	sigprocmask(SIG_BLOCK, &set, NULL);
	p[0] = (struct pollfd){ .fd = signalfd(-1, &set, SFD_CLOEXEC), .events = POLLIN };
	p[1] = (struct pollfd){ .fd = lifeline, .events = POLLIN };
	if (p[0].fd < 0 || setns(spec->ns, CLONE_NEWNET)) {
		e = errno;
		if (write(failed, &e, sizeof(e)) < 0)
			_exit(1);
		_exit(1);
	}
	close(spec->ns);
	pid = fork();
	if (pid == 0)
		program_main(spec, out, err, failed);
	close(out);
	close(err);
	close(failed);
	/* the program's run-queue wait, read once it has exited and before
	 * it is reaped: how late its own last moves may have been */
	prog_ss = schedstat_open_child(schedstat_self_pid());
	self_ss = schedstat_open();
	for (;;) {
		struct signalfd_siginfo si;
		struct exec_end end;
		int64_t waited = schedstat_run_delay(self_ss);
		siginfo_t info = { 0 };
		int st;
		pid_t w;

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents)
			_exit(1);	/* unplug is gone */
		if (read(p[0].fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
			continue;
		if (si.ssi_signo != SIGCHLD) {
			relay((int)si.ssi_signo);
			continue;
		}
		end.t_ns = clock_wall_ns();
		end.lag_ns = schedstat_run_delay(self_ss) - waited;
		end.wait_ns = -1;
		if (!waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) && info.si_pid == pid &&
		    prog_ss >= 0)
			end.wait_ns = schedstat_run_delay(prog_ss);
		while ((w = waitpid(-1, &st, WNOHANG)) > 0)
			if (w == pid) {
				end.wait_status = st;
				if (end.lag_ns < 0)
					end.lag_ns = 0;
				if (write(status, &end, sizeof(end)) < 0)
					_exit(1);
				_exit(0);
			}
	}
}

/* A pseudo-terminal for the program's stdout, as a pipe's two ends: [0]
 * unplug reads (the master), [1] the program writes (the terminal).
 * Raw: no echo, "\n" not made "\r\n". Returns 0 or -1 with errno. */
static int open_tty(int fds[2])
{
	struct termios t;
	int e;

	if (openpty(&fds[0], &fds[1], NULL, NULL, NULL))
		return -1;
	if (tcgetattr(fds[1], &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fds[1], TCSANOW, &t);
	}
	if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) || fcntl(fds[1], F_SETFD, FD_CLOEXEC)) {
		e = errno;
		close(fds[0]);
		close(fds[1]);
		errno = e;
		return -1;
	}
	return 0;
}

static void close_fds(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

int exec_start(const struct exec_spec *spec, struct exec_proc *out, struct diag *d)
{
	/* status, stdout, stderr, exec failure, lifeline: [read, write] each */
	int fds[10] = { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 };
	pid_t pid;
	ssize_t n;
	int e = 0;

	*out = (struct exec_proc){ .init = -1, .status = -1, .out = -1, .err = -1,
				   .lifeline = -1, .schedstat = -1, .exit_wait_ns = -1 };
	for (size_t i = 0; i < 5; i++)
		if (i == 1 && spec->tty ? open_tty(fds + 2) : pipe2(fds + 2 * i, O_CLOEXEC)) {
			e = errno;
			close_fds(fds, 10);
			diag_add(d, "%s: %s for its program: %s", spec->host,
				 i == 1 && spec->tty ? "a pseudo-terminal" : "pipe", strerror(e));
			return -e;
		}
	/* fork, but into a new PID namespace: the child is its pid 1 */
	pid = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid == 0)
		init_main(spec, fds[1], fds[3], fds[5], fds[7], fds[8]);
	if (pid < 0) {
		e = errno;
		close_fds(fds, 10);
		diag_add(d, "%s: start its program (a PID namespace of its own): %s", spec->host,
			 strerror(e));
		return -e;
	}
	close(fds[1]);
	close(fds[3]);
	close(fds[5]);
	close(fds[7]);
	close(fds[8]);
	out->init = pid;
	out->lifeline = fds[9];
	out->status = fds[0];
	out->out = fds[2];
	out->err = fds[4];
	/* the failure pipe closes at a successful execve, or says why not */
	do
		n = read(fds[6], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(fds[6]);
	if (n == (ssize_t)sizeof(e) && e == EXEC_NO_SCRATCH) {
		diag_add(d, "%s: %s: its user (uid %u) cannot reach its scratch folder %s: give --out a folder every user can reach (e.g. under /tmp)",
			 spec->host, spec->argv[0], (unsigned)spec->uid, spec->scratch);
		exec_stop(out, 0, true);
		return -EACCES;
	}
	if (n == (ssize_t)sizeof(e)) {
		if (spec->drop)
			diag_add(d, "%s: cannot start %s as uid %u: %s", spec->host, spec->argv[0],
				 (unsigned)spec->uid, strerror(e));
		else
			diag_add(d, "%s: cannot start %s: %s", spec->host, spec->argv[0], strerror(e));
		exec_stop(out, 0, true);
		return -e;
	}
	out->schedstat = schedstat_open_child(pid);
	fcntl(out->status, F_SETFL, O_NONBLOCK);
	fcntl(out->out, F_SETFL, O_NONBLOCK);
	fcntl(out->err, F_SETFL, O_NONBLOCK);
	return 0;
}

int exec_signal(struct exec_proc *p, int sig)
{
	int relay = sig == SIGSTOP ? SIG_FREEZE : sig == SIGCONT ? SIG_THAW : sig;

	if (p->init <= 0 || kill(p->init, relay))
		return -ESRCH;
	return 0;
}

bool exec_poll_exit(struct exec_proc *p)
{
	struct exec_end end;

	if (!p->exited && p->status >= 0 && read(p->status, &end, sizeof(end)) == (ssize_t)sizeof(end)) {
		p->exited = true;
		p->wait_status = end.wait_status;
		p->exit_t_ns = end.t_ns;
		p->exit_wait_ns = end.wait_ns;
		p->exit_lag_ns = end.lag_ns;
	}
	return p->exited;
}

int64_t exec_wait_ns(const struct exec_proc *p)
{
	return schedstat_wait(p->schedstat);
}

void exec_stop(struct exec_proc *p, int64_t grace_ns, bool reap)
{
	int64_t until = clock_mono_ns() + grace_ns;

	if (p->init > 0) {
		if (!exec_poll_exit(p) && grace_ns > 0) {
			kill(p->init, SIG_THAW);	/* a frozen program cannot stop */
			kill(p->init, SIGTERM);
			while (!exec_poll_exit(p) && clock_mono_ns() < until)
				usleep(10000);
		}
		kill(p->init, SIGKILL);
		if (reap)
			waitpid(p->init, NULL, 0);
		p->init = -1;
	}
	if (p->lifeline >= 0)
		close(p->lifeline);
	if (p->status >= 0)
		close(p->status);
	if (p->out >= 0)
		close(p->out);
	if (p->err >= 0)
		close(p->err);
	if (p->schedstat >= 0)
		close(p->schedstat);
	p->status = p->out = p->err = p->lifeline = p->schedstat = -1;
}

const char *exec_status_str(int wait_status, char *buf, size_t len)
{
	if (WIFEXITED(wait_status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(wait_status));
	else if (WIFSIGNALED(wait_status))
		snprintf(buf, len, "killed by SIG%s", sigabbrev_np(WTERMSIG(wait_status)) ?
			 sigabbrev_np(WTERMSIG(wait_status)) : "?");
	else
		snprintf(buf, len, "ended (status %#x)", wait_status);
	return buf;
}
