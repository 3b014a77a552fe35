#include "harness/run/sampler.h"

#include <errno.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netns/netlink.h"

int sampler_open(struct sampler *s, int host, int ns, const char *name, struct diag *d)
{
	char where[64];

	snprintf(where, sizeof(where), "%s's namespace", name);
	netlink_close(s->nl[host]);
	s->nl[host] = NULL;
	s->before[host].n = 0;
	s->now[host].n = 0;
	return netlink_open_in(ns, NETLINK_SOCK_DIAG, &s->nl[host], where, d);
}

static bool changed(const struct sock_sample *a, const struct sock_sample *b)
{
	return a->state != b->state || a->inode != b->inode ||
	       a->retransmits != b->retransmits || a->probes != b->probes ||
	       a->backoff != b->backoff || a->rto_us != b->rto_us || a->unacked != b->unacked;
}

static int by_socket(const void *a, const void *b)
{
	return sockdiag_cmp(a, b);
}

/* Hand on what differs between before and now, then keep now as before:
 * both sorted, one pass over the two (a table of 20 000 sockets every
 * 10 ms is no quadratic matter). What is in now, new or changed, comes
 * in now's order; then what left. */
static int diff(struct sampler *s, int host, sampler_emit emit, void *arg)
{
	struct sock_table *now = &s->now[host], *before = &s->before[host], swap;
	size_t i = 0, j = 0;
	int err;

	if (now->n)		/* (an empty table may have no array at all) */
		qsort(now->v, now->n, sizeof(*now->v), by_socket);
	for (; i < now->n; i++) {
		int c = 1;

		while (j < before->n && (c = sockdiag_cmp(&before->v[j], &now->v[i])) < 0)
			j++;
		if ((c || changed(&before->v[j], &now->v[i])) &&
		    (err = emit(arg, host, &now->v[i], false)))
			return err;
		if (!c)
			j++;
	}
	for (i = 0, j = 0; j < before->n; j++) {
		int c = 1;

		while (i < now->n && (c = sockdiag_cmp(&now->v[i], &before->v[j])) < 0)
			i++;
		if (c && (err = emit(arg, host, &before->v[j], true)))
			return err;
		if (!c)
			i++;
	}
	swap = *before;
	*before = *now;
	*now = swap;
	return 0;
}

int sampler_sample(struct sampler *s, sampler_emit emit, void *arg, struct diag *d)
{
	int err;

	for (int h = 0; h < SCENARIO_MAX_HOSTS; h++) {
		if (!s->nl[h])
			continue;
		if ((err = sockdiag_dump(s->nl[h], &s->now[h], d)) || (err = diff(s, h, emit, arg)))
			return err;
	}
	return 0;
}

int sampler_close(struct sampler *s, int host, sampler_emit emit, void *arg)
{
	int ret = 0;

	netlink_close(s->nl[host]);
	s->nl[host] = NULL;
	for (size_t i = 0; i < s->before[host].n; i++)
		ret = err_merge(ret, emit(arg, host, &s->before[host].v[i], true));
	s->before[host].n = 0;
	return ret;
}

bool sampler_has(const struct sampler *s, int host, int state, int lport)
{
	const struct sock_table *t = &s->before[host];

	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].state == state && (!lport || t->v[i].sport == lport))
			return true;
	return false;
}

void sampler_free(struct sampler *s)
{
	for (int h = 0; h < SCENARIO_MAX_HOSTS; h++) {
		netlink_close(s->nl[h]);
		sock_table_clear(&s->now[h]);
		sock_table_clear(&s->before[h]);
	}
	memset(s, 0, sizeof(*s));
}
