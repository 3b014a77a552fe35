#include "netns/sockdiag.h"

#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/idiag/idiagnl.h>
#include <netlink/idiag/msg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/vec.h"
#include "netns/netlink.h"

static const uint8_t v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* Copy @a, of a socket of @family, into @out (16 bytes) and say which
 * family the address really is. libnl gives inet_diag's 16-byte fields
 * whole, whatever the family. */
static int addr_of(struct nl_addr *a, int family, uint8_t *out)
{
	const uint8_t *b = a ? nl_addr_get_binary_addr(a) : NULL;
	unsigned len = a ? nl_addr_get_len(a) : 0;

	memset(out, 0, 16);
	if (!b || len < 4)
		return family;
	if (family == AF_INET) {
		memcpy(out, b, 4);
		return AF_INET;
	}
	if (len < 16)
		return family;
	if (!memcmp(b, v4_mapped, sizeof(v4_mapped))) {
		memcpy(out, b + 12, 4);
		return AF_INET;
	}
	memcpy(out, b, 16);
	return AF_INET6;
}

struct collect {
	struct sock_table *out;
	int family;		/* the dump asked for this family only */
	int err;
};

static void take(struct nl_object *obj, void *arg)
{
	struct idiagnl_msg *m = (struct idiagnl_msg *)obj;
	struct collect *c = arg;
	struct sock_sample s = { 0 };
	struct tcp_info ti;

	if (idiagnl_msg_get_family(m) != c->family)
		return;
	s.family = addr_of(idiagnl_msg_get_src(m), c->family, s.src);
	addr_of(idiagnl_msg_get_dst(m), c->family, s.dst);
	s.sport = ntohs(idiagnl_msg_get_sport(m));	/* libnl keeps them as on the wire */
	s.dport = ntohs(idiagnl_msg_get_dport(m));
	s.state = idiagnl_msg_get_state(m);
	s.inode = idiagnl_msg_get_inode(m);
	ti = idiagnl_msg_get_tcpinfo(m);
	s.retransmits = ti.tcpi_retransmits;
	s.probes = ti.tcpi_probes;
	s.backoff = ti.tcpi_backoff;
	s.rto_us = ti.tcpi_rto;
	s.unacked = ti.tcpi_unacked;
	if (!c->err && vec_push(&c->out->v, &c->out->n, &c->out->cap, sizeof(s), &s))
		c->err = -ENOMEM;
}

int sockdiag_dump(struct netlink *nl, struct sock_table *out, struct diag *d)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct collect c = { out, 0, 0 };

	out->n = 0;
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]) && !c.err; i++) {
		struct nl_cache *cache = NULL;
		int err = idiagnl_msg_alloc_cache(nl->sk, families[i], IDIAGNL_SS_ALL, &cache);

		if (err < 0)
			return netlink_fail(d, nl, err, "read the TCP socket table (%s)",
					    families[i] == AF_INET ? "IPv4" : "IPv6");
		c.family = families[i];
		nl_cache_foreach(cache, take, &c);
		nl_cache_free(cache);
	}
	return c.err;
}

int sockdiag_cmp(const struct sock_sample *a, const struct sock_sample *b)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->sport != b->sport)
		return a->sport < b->sport ? -1 : 1;
	if (a->dport != b->dport)
		return a->dport < b->dport ? -1 : 1;
	if ((a->state == TCP_LISTEN) != (b->state == TCP_LISTEN))
		return a->state == TCP_LISTEN ? -1 : 1;
	if ((c = memcmp(a->src, b->src, 16)))
		return c;
	return memcmp(a->dst, b->dst, 16);
}

int sockdiag_same(const struct sock_sample *a, const struct sock_sample *b)
{
	return a->family == b->family && a->sport == b->sport && a->dport == b->dport &&
	       (a->state == TCP_LISTEN) == (b->state == TCP_LISTEN) &&
	       !memcmp(a->src, b->src, 16) && !memcmp(a->dst, b->dst, 16);
}

void sock_table_clear(struct sock_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}
