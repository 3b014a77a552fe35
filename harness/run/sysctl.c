#include "harness/run/sysctl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netns/netns.h"

static void report(const struct sysctl *s, int err, struct diag *d)
{
	if (err == -ENOENT)
		diag_at(d, s->at, "unknown sysctl, or one the kernel keeps for the whole machine: \"%s\" (a name that exists in every network namespace, e.g. net.ipv4.tcp_retries2)",
			s->key);
	else
		diag_at(d, s->value_at, "bad value for %s: \"%s\" (the kernel refused it: %s)",
			s->key, s->value, strerror(-err));
}

/* No privilege for a namespace: the key must at least exist here. */
static int check_here(const struct sysctl *s, struct diag *d)
{
	char path[256];

	if (!access(netns_sysctl_path(s->key, path, sizeof(path)), F_OK))
		return 0;
	report(s, -ENOENT, d);
	return -EINVAL;
}

int sysctl_check(const struct scenario *sc, struct diag *d)
{
	struct diag ignored;
	int ns = -1, ret = 0;
	bool any = false;

	for (size_t i = 0; i < sc->nhosts; i++)
		any |= sc->hosts[i].nsysctls > 0;
	if (!any)
		return 0;
	diag_init(&ignored, NULL);
	netns_new(&ns, &ignored);
	for (size_t i = 0; i < sc->nhosts; i++)
		for (size_t j = 0; j < sc->hosts[i].nsysctls; j++) {
			const struct sysctl *s = &sc->hosts[i].sysctls[j];
			int err;

			if (ns < 0) {
				ret = err_merge(ret, check_here(s, d));
				continue;
			}
			err = netns_sysctl_write(ns, s->key, s->value, &ignored);
			if (err) {
				report(s, err, d);
				ret = err_merge(ret, -EINVAL);
			}
		}
	diag_clear(&ignored);
	if (ns >= 0)
		close(ns);
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
