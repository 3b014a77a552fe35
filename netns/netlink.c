#include "netns/netlink.h"

#include <errno.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netns/netns.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* The kernel's NLMSG_ERROR, with extended acks: the error, the request's
 * header (and its payload unless NLM_F_CAPPED), then attributes if
 * NLM_F_ACK_TLVS. Keep NLMSGERR_ATTR_MSG's text, and let libnl turn the
 * error into its code as it would without us (NL_STOP). */
static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *hdr = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct netlink *nl = arg;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e);
	int len;

	(void)who;
	nl->ack[0] = '\0';
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	len = (int)(hdr->nlmsg_len - NLMSG_HDRLEN) - (int)off;
	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX,
				  (struct nlattr *)((char *)e + off), len, NULL) < 0)
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(nl->ack, tb[NLMSGERR_ATTR_MSG], sizeof(nl->ack));
	return NL_STOP;
}

int netlink_open_in(int ns, int protocol, struct netlink **out, const char *where,
		    struct diag *d)
{
	struct netlink *nl;
	int home, err, one = 1;

	*out = NULL;
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	err = netns_enter(ns, &home, d);
	if (err) {
		free(nl);
		return err;
	}
	nl->sk = nl_socket_alloc();
	err = nl->sk ? nl_connect(nl->sk, protocol) : -NLE_NOMEM;
	netns_return(home);
	if (err < 0) {
		netlink_fail(d, nl, err, "netlink socket in %s", where);
		netlink_close(nl);
		return -EIO;
	}
	/* Without extended acks (before Linux 4.12) errors just lack the text. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	nl_socket_modify_err_cb(nl->sk, NL_CB_CUSTOM, on_error, nl);
	*out = nl;
	return 0;
}

void netlink_close(struct netlink *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

int netlink_fail(struct diag *d, struct netlink *nl, int nlerr, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (nl && nl->ack[0])
		diag_add(d, "%s: %s: %s", what, nl_geterror(nlerr), nl->ack);
	else
		diag_add(d, "%s: %s", what, nl_geterror(nlerr));
	if (nl)
		nl->ack[0] = '\0';
	return -EIO;
}
