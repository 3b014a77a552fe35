#include "common/schedstat.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int schedstat_open(void)
{
	return open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
}

int64_t schedstat_wait(int fd)
{
	char buf[96];
	long long ran, waited;
	ssize_t n = fd >= 0 ? pread(fd, buf, sizeof(buf) - 1, 0) : -1;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return sscanf(buf, "%lld %lld", &ran, &waited) == 2 ? waited : -1;
}

int64_t schedstat_run_delay(int fd)
{
	int64_t w = schedstat_wait(fd);

	return w < 0 ? 0 : w;
}

int schedstat_open_child(pid_t parent)
{
	char path[64], buf[32];
	ssize_t n;
	long child;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)parent, (int)parent);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	child = strtol(buf, NULL, 10);
	if (child <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/schedstat", child);
	return open(path, O_RDONLY | O_CLOEXEC);
}

pid_t schedstat_self_pid(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return (pid_t)strtol(buf, NULL, 10);
}
