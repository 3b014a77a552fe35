#include "harness/run/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns/netns.h"
#include "netns/userns.h"

static void report(const struct sysctl *s, int err, struct diag *d)
{
	if (err == -ENOENT)
		diag_at(d, s->at, "unknown sysctl, or one the kernel keeps for the whole machine: \"%s\" (a name that exists in every network namespace, e.g. net.ipv4.tcp_retries2)",
			s->key);
	else
		diag_at(d, s->value_at, "bad value for %s: \"%s\" (the kernel refused it: %s)",
			s->key, s->value, strerror(-err));
}

/* No namespace of any kind: the key must at least exist here. */
static int check_here(const struct sysctl *s)
{
	char path[256];

	return access(netns_sysctl_path(s->key, path, sizeof(path)), F_OK) ? -ENOENT : 0;
}

static int write_here(const struct sysctl *s)
{
	char path[256];
	size_t len = strlen(s->value);
	int fd = open(netns_sysctl_path(s->key, path, sizeof(path)), O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s->value, len) != (ssize_t)len)
		ret = errno ? -errno : -EIO;
	close(fd);
	return ret;
}

/* Without root, the way a rootless run does it: a child in a user
 * namespace of its own, where it is root, and a network namespace that
 * namespace owns, writes every value and sends back what the kernel
 * said, one int per sysctl in @errs. -ENOSYS: no such child could be made. */
static int check_rootless(const struct sysctl *const *s, size_t n, int *errs)
{
	int p[2], status;
	ssize_t got = 0, r;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -ENOSYS;
	pid = fork();
	if (pid == 0) {
		struct diag quiet;

		close(p[0]);
		diag_init(&quiet, NULL);
		if (userns_enter_rootless(&quiet))
			_exit(1);
		for (size_t i = 0; i < n; i++) {
			int err = write_here(s[i]);

			if (write(p[1], &err, sizeof(err)) != sizeof(err))
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	while (pid > 0 && (size_t)got < n * sizeof(*errs) &&
	       (r = read(p[0], (char *)errs + got, n * sizeof(*errs) - (size_t)got)) > 0)
		got += r;
	close(p[0]);
	if (pid < 0)
		return -ENOSYS;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return (size_t)got == n * sizeof(*errs) ? 0 : -ENOSYS;
}

int sysctl_check(const struct scenario *sc, struct diag *d)
{
	const struct sysctl **all;
	struct diag ignored;
	int ns = -1, ret = 0, *errs;
	size_t n = 0;

	for (size_t i = 0; i < sc->nhosts; i++)
		n += sc->hosts[i].nsysctls;
	if (!n)
		return 0;
	all = calloc(n, sizeof(*all));
	errs = calloc(n, sizeof(*errs));
	if (!all || !errs) {
		free(all);
		free(errs);
		return -ENOMEM;
	}
	n = 0;
	for (size_t i = 0; i < sc->nhosts; i++)
		for (size_t j = 0; j < sc->hosts[i].nsysctls; j++)
			all[n++] = &sc->hosts[i].sysctls[j];
	diag_init(&ignored, NULL);
	netns_new(&ns, &ignored);
	diag_clear(&ignored);
	if (ns >= 0) {
		for (size_t i = 0; i < n; i++) {
			diag_init(&ignored, NULL);
			errs[i] = netns_sysctl_write(ns, all[i]->key, all[i]->value, &ignored);
			diag_clear(&ignored);
		}
		close(ns);
	} else if (check_rootless(all, n, errs)) {
		for (size_t i = 0; i < n; i++)
			errs[i] = check_here(all[i]);
	}
	for (size_t i = 0; i < n; i++)
		if (errs[i]) {
			report(all[i], errs[i], d);
			ret = -EINVAL;
		}
	free(all);
	free(errs);
	return ret;
}

int sysctl_apply(const struct host *h, int ns, struct diag *d)
{
	for (size_t i = 0; i < h->nsysctls; i++) {
		const struct sysctl *s = &h->sysctls[i];
		struct diag why;
		int err;

		diag_init(&why, NULL);
		err = netns_sysctl_write(ns, s->key, s->value, &why);
		if (err)
			diag_at(d, s->at, "%s: %s", h->name, diag_last(&why));
		diag_clear(&why);
		if (err)
			return err;
	}
	return 0;
}
