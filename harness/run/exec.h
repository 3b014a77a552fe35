/* A host running the user's own program (`exec:`). The program is started
 * in its host's network namespace as pid 2 of a PID namespace of its own,
 * under a small init (pid 1) that is unplug's child: when unplug dies, the
 * init dies (parent-death signal) and with it, by the kernel's hand, every
 * process the program started — daemons and grandchildren included. The
 * init relays freeze, thaw and terminate to all of them, and reports the
 * program's exit status. */
#ifndef HARNESS_RUN_EXEC_H
#define HARNESS_RUN_EXEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/diag.h"

struct scenario;

struct exec_spec {
	const char *host;	/* whose program: for errors */
	char *const *argv;	/* argv[0] a path (exec_resolve()) */
	char *const *envp;	/* the whole environment */
	const char *dir;	/* its working directory */
	bool drop;		/* run as @uid/@gid rather than as root */
	uid_t uid;
	gid_t gid;
	const gid_t *groups;	/* its supplementary groups, if drop */
	int ngroups;
	bool tty;		/* stdout a pseudo-terminal, not a pipe */
	const char *scratch;	/* a folder it must reach, or NULL */
	int ns;			/* the host's network namespace */
};

struct exec_proc {
	pid_t init;		/* the program's init, our child; -1: none */
	int status;		/* read end: the init writes the program's
				 * wait status when it exits */
	int out;		/* read ends: the program's stdout and stderr */
	int err;
	int lifeline;		/* write end, never written: the init exits
				 * when it closes */
	bool exited;		/* the exit status is known */
	int wait_status;	/* as waitpid() gives it */
	int schedstat;		/* the program's schedstat (its main
				 * process); -1: none */
	int64_t exit_t_ns;	/* wall ns its init saw it exit; 0: unknown */
	int64_t exit_wait_ns;	/* its run-queue wait by then; -1: unknown */
	int64_t exit_lag_ns;	/* how late its init may have seen it */
};

/* What the init writes on the status pipe when the program has exited. */
struct exec_end {
	int wait_status;
	int64_t t_ns, wait_ns, lag_ns;
};

/* How long the program has waited on a run queue so far (its kernel's
 * run_delay), or -1 when that is not known (it has exited). */
int64_t exec_wait_ns(const struct exec_proc *p);

/* Find @argv0: a path with a slash is taken relative to @dir; a bare name
 * is looked for in @dir, then along PATH. *path is the caller's to free.
 * Returns 0, -ENOENT (nowhere), or -EACCES (found, not executable). */
int exec_resolve(const char *argv0, const char *dir, char **path);

/* The folder of the scenario file at @path, absolute and with links
 * resolved: relative paths of its programs are taken from there, the same
 * whatever the working directory and however the file was named (through
 * a link to it, the folder of the file it names). NULL without memory. */
char *exec_scenario_dir(const char *path);

/* Every program of @sc whose path is written without a placeholder must
 * be there and executable (a run would find that out only once its
 * network was built). Returns 0 or -ENOENT/-EACCES with each one's
 * position in @d. */
int exec_check_programs(const struct scenario *sc, struct diag *d);

/* Start the program of @spec. Returns 0 once it has been exec'd, or
 * -errno with what failed (fork, the namespace, or execve: "cannot start
 * ./x: No such file or directory") in @d; nothing is left running. */
int exec_start(const struct exec_spec *spec, struct exec_proc *out, struct diag *d);

/* SIGSTOP, SIGCONT or SIGTERM to every process of the program; SIGKILL
 * kills them all at once (a crash). Returns 0 or -ESRCH. */
int exec_signal(struct exec_proc *p, int sig);

/* Take in the exit status if the init has written it. Returns true when
 * the program has exited (now or before). */
bool exec_poll_exit(struct exec_proc *p);

/* End the program: SIGTERM to every process, up to @grace_ns for it to
 * exit, then SIGKILL; reap the init (unless !@reap: see peer_abandon());
 * close the pipes. Idempotent. */
void exec_stop(struct exec_proc *p, int64_t grace_ns, bool reap);

/* "exited with status 3", "killed by SIGKILL": @wait_status in words. */
const char *exec_status_str(int wait_status, char *buf, size_t len);

#endif
