/* How long a thread waited on a run queue: the kernel's sched_info
 * run_delay, from /proc/thread-self/schedstat. A stamp taken after such a
 * wait may be that much later than what it stamps. */
#ifndef COMMON_SCHEDSTAT_H
#define COMMON_SCHEDSTAT_H

#include <stdint.h>

/* Open the calling thread's schedstat file (-1 when the kernel has none). */
int schedstat_open(void);

/* Its run_delay so far, in ns; 0 when @fd is -1 or the kernel does not
 * say. */
int64_t schedstat_run_delay(int fd);

#endif
