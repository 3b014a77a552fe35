/* How long a thread waited on a run queue: the kernel's sched_info
 * run_delay, from /proc/thread-self/schedstat. A stamp taken after such a
 * wait may be that much later than what it stamps. */
#ifndef COMMON_SCHEDSTAT_H
#define COMMON_SCHEDSTAT_H

#include <stdint.h>
#include <sys/types.h>

/* Open the calling thread's schedstat file (-1 when the kernel has none). */
int schedstat_open(void);

/* The schedstat of @parent's first child (its main thread), as /proc
 * numbers it (-1 when there is none): a program's, read by the init
 * that started it or by unplug. The descriptor still reads while the
 * child is a zombie. */
int schedstat_open_child(pid_t parent);

/* This process's pid as /proc numbers it — not getpid() in a PID
 * namespace of its own. -1 when /proc says nothing. */
pid_t schedstat_self_pid(void);

/* The run_delay so far of the task @fd is the schedstat of, in ns; -1
 * when it cannot be read (the task is gone). */
int64_t schedstat_wait(int fd);

/* Its run_delay so far, in ns; 0 when @fd is -1 or the kernel does not
 * say. */
int64_t schedstat_run_delay(int fd);

#endif
