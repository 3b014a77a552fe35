/* Real-time priority for the threads whose wake-ups are measurements: the
 * runner's timeline, the built-in peers, the capture drains — when asked
 * for (run --realtime). SCHED_FIFO preempts every ordinary task the
 * moment the kernel wakes one of them; the user's programs keep their
 * normal priority (children are reset at fork): how late they are is part
 * of what is measured.
 *
 * Off by default, as measured (docs/performance.md): on a kernel whose
 * softirqs fall back to ksoftirqd, an ordinary task, under load, many
 * real-time timelines starve it, and the kernel's own TCP timers — what
 * the scenarios measure — fire hundreds of ms late. A raised nice value
 * (-10) instead did the same, less: 7 FAIL in 432 verdicts, against none. */
#ifndef COMMON_RT_H
#define COMMON_RT_H

#include <stdbool.h>

/* The priority used: low among real-time ones (1..99), above all others. */
#define RT_PRIORITY 10

/* The CPU time a real-time thread may use without blocking before
 * SIGXCPU demotes it (soft) and SIGKILL ends the process (hard), in µs:
 * a loop that never sleeps cannot take a CPU from the machine for good. */
#define RT_SOFT_US 500000
#define RT_HARD_US 5000000

/* Whether rt_enter() is to try at all (run --realtime): set once, before
 * any scenario's process is forked, which inherit it. */
void rt_allow(bool allow);

/* Put the calling thread at SCHED_FIFO RT_PRIORITY, reset at fork, with
 * the process's RLIMIT_RTTIME bounded and (outside a user namespace) its
 * memory locked. Quietly does nothing unless allowed (rt_allow()) and
 * where not permitted (rootless, RLIMIT_RTPRIO 0): returns whether it
 * took. */
bool rt_enter(void);

/* Put the calling thread back on the ordinary scheduler. */
void rt_leave(void);

#endif
