/* The kernel allows an unprivileged process one user namespace per
 * unshare() when user.max_user_namespaces > 0 (and, on Debian and Ubuntu
 * kernels, kernel.unprivileged_userns_clone = 1; Ubuntu 24.04's AppArmor
 * may also restrict it). Inside, the process may map only its own ids:
 * uid_map "0 UID 1", and gid_map "0 GID 1" after writing "deny" to
 * setgroups (user_namespaces(7)). */
#include "netns/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CAP_NET_ADMIN_BIT 12
#define CAP_SYS_ADMIN_BIT 21

/* The capabilities count over the network namespace only when the user
 * namespace that has them owns it: root in a user namespace inside a
 * container that shares the host's network has them, but not there.
 * setns() into the namespace one is in asks exactly that question. */
static bool own_netns(void)
{
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = setns(fd, CLONE_NEWNET) == 0;
	close(fd);
	return ok;
}

bool userns_privileged(void)
{
	unsigned long long eff = 0;
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return geteuid() == 0 && own_netns();
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return (eff >> CAP_NET_ADMIN_BIT & 1) && (eff >> CAP_SYS_ADMIN_BIT & 1) && own_netns();
}

static int write_file(const char *path, const char *text, struct diag *d)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	if (ret)
		diag_add(d, "rootless: write \"%.*s\" to %s: %s", (int)strcspn(text, "\n"), text, path,
			 strerror(-ret));
	return ret;
}

/* Why the kernel said no, and what would let it. */
static const char *hint(int err)
{
	FILE *f;
	int v = -1;

	if (err == ENOSPC)
		return "user.max_user_namespaces is 0 or reached: sysctl -w user.max_user_namespaces=15000";
	f = fopen("/proc/sys/kernel/unprivileged_userns_clone", "re");
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	if (v == 0)
		return "unprivileged user namespaces are off: sysctl -w kernel.unprivileged_userns_clone=1";
	if (!access("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", F_OK))
		return "AppArmor may restrict unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns)";
	return "a container may forbid it (seccomp, or no user namespaces): run as root, or allow unshare(CLONE_NEWUSER)";
}

int userns_enter_rootless(struct diag *d)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];
	int ret;

	if (unshare(CLONE_NEWUSER) < 0) {
		ret = -errno;
		diag_add(d, "cannot run without root: the kernel refused a user namespace (%s): %s",
			 strerror(errno), hint(errno));
		return ret;
	}
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if ((ret = write_file("/proc/self/uid_map", map, d)) ||
	    (ret = write_file("/proc/self/setgroups", "deny", d)))
		return ret;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	if ((ret = write_file("/proc/self/gid_map", map, d)))
		return ret;
	if (unshare(CLONE_NEWNET) < 0) {
		ret = -errno;
		diag_add(d, "cannot run without root: a network namespace in the user namespace: %s",
			 strerror(errno));
		return ret;
	}
	return 0;
}
