#include "common/schedstat.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int schedstat_open(void)
{
	return open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
}

int64_t schedstat_run_delay(int fd)
{
	char buf[96];
	long long ran, waited;
	ssize_t n = fd >= 0 ? pread(fd, buf, sizeof(buf) - 1, 0) : -1;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return sscanf(buf, "%lld %lld", &ran, &waited) == 2 ? waited : 0;
}
