#include "common/rt.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

/* run --realtime: a setting of the whole run, as the log level is */
static bool allowed;

void rt_allow(bool allow)
{
	allowed = allow;
}

/* SIGXCPU: this thread ran RT_SOFT_US without blocking. Back to the
 * ordinary scheduler, where it cannot starve anything. */
static void demote(int sig)
{
	struct sched_param p = { 0 };

	(void)sig;
	sched_setscheduler(0, SCHED_OTHER, &p);
}

/* Whether the process is in the initial user namespace, where locking
 * memory is not counted against an unprivileged RLIMIT_MEMLOCK: a locked
 * future would otherwise make large mappings (capture rings) fail. */
static bool initial_userns(void)
{
	char map[128] = "";
	int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, map, sizeof(map) - 1) : -1;
	unsigned long inside, outside, count;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return false;
	map[n] = '\0';
	return sscanf(map, "%lu %lu %lu", &inside, &outside, &count) == 3 && !inside &&
	       !outside && count == 4294967295UL;
}

bool rt_enter(void)
{
	struct sched_param p = { .sched_priority = RT_PRIORITY };
	struct rlimit rt = { RT_SOFT_US, RT_HARD_US }, old;
	struct sigaction sa = { .sa_handler = demote };

	if (!allowed)
		return false;
	/* the bound first: never a moment unbounded at real-time priority */
	if (getrlimit(RLIMIT_RTTIME, &old) || (old.rlim_max != RLIM_INFINITY && old.rlim_max < rt.rlim_max))
		return false;
	if (setrlimit(RLIMIT_RTTIME, &rt))
		return false;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGXCPU, &sa, NULL);
	if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &p))
		return false;
	if (initial_userns())
		mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT);
	return true;
}

void rt_leave(void)
{
	struct sched_param p = { 0 };

	sched_setscheduler(0, SCHED_OTHER, &p);
}
