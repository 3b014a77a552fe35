#include "netns/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SELF_NS "/proc/thread-self/ns/net"

int netns_new(int *fd, struct diag *d)
{
	int home, ret;

	*fd = -1;
	home = open(SELF_NS, O_RDONLY | O_CLOEXEC);
	if (home < 0) {
		ret = -errno;
		diag_add(d, "open %s: %s", SELF_NS, strerror(errno));
		return ret;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		ret = -errno;
		diag_add(d, "create a network namespace (unshare CLONE_NEWNET): %s%s",
			 strerror(errno),
			 errno == EPERM ? " (unplug run needs root or CAP_SYS_ADMIN)" : "");
		close(home);
		return ret;
	}
	*fd = open(SELF_NS, O_RDONLY | O_CLOEXEC);
	ret = *fd < 0 ? -errno : 0;
	if (ret)
		diag_add(d, "open the new namespace: %s", strerror(errno));
	netns_return(home);
	return ret;
}

int netns_enter(int fd, int *home, struct diag *d)
{
	int ret;

	*home = open(SELF_NS, O_RDONLY | O_CLOEXEC);
	if (*home < 0) {
		ret = -errno;
		diag_add(d, "open %s: %s", SELF_NS, strerror(errno));
		return ret;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		ret = -errno;
		diag_add(d, "enter a network namespace (setns): %s", strerror(errno));
		close(*home);
		*home = -1;
		return ret;
	}
	return 0;
}

void netns_return(int home)
{
	if (setns(home, CLONE_NEWNET) < 0)
		abort();
	close(home);
}

const char *netns_sysctl_path(const char *key, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/sys/%s", key);
	for (char *p = buf + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
	return buf;
}

int netns_sysctl_write(int fd, const char *key, const char *value,
		       struct diag *d)
{
	char path[256];
	int home, sfd, ret;
	size_t len = strlen(value);

	netns_sysctl_path(key, path, sizeof(path));
	ret = netns_enter(fd, &home, d);
	if (ret)
		return ret;
	/* /proc/sys/net resolves to the namespace of the thread that opens it */
	sfd = open(path, O_WRONLY | O_CLOEXEC);
	netns_return(home);
	if (sfd < 0) {
		ret = -errno;
		diag_add(d, "sysctl %s: %s", key, strerror(errno));
		return ret;
	}
	if (write(sfd, value, len) != (ssize_t)len) {
		ret = errno ? -errno : -EIO;
		diag_add(d, "sysctl %s = %s: %s", key, value, strerror(-ret));
	}
	close(sfd);
	return ret;
}
