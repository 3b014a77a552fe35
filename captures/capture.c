#include "captures/capture.h"

#include <errno.h>
#include <stdbool.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netns/netns.h"

/* Every header, not bulk payload, unless asked: the decoder takes a
 * segment's length from its IP header, and fewer bytes per packet is what
 * keeps a capture complete under bulk traffic. Whole frames: veth's MTU
 * is 1500 and offloads are off, but a jumbo or GSO leftover must not be
 * cut. */
#define CAPTURE_WHOLE 262144
#define CAPTURE_BUFFER (2 << 20)

struct capture {
	pcap_t *pcap;
	pcap_dumper_t *dump;
	char *path;
	char where[64];		/* "eth0 of client", for errors */
	int fd;
};

/* The packet socket belongs to the namespace of the thread that creates it,
 * which pcap_activate() does: so activate inside the host's namespace. */
static int open_in(const struct capture_point *at, struct capture *c, struct diag *d)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	int home, err;

	c->pcap = pcap_create(at->ifname, errbuf);
	if (!c->pcap) {
		diag_add(d, "capture on %s: %s", c->where, errbuf);
		return -EIO;
	}
	pcap_set_snaplen(c->pcap, at->payload ? CAPTURE_WHOLE : CAPTURE_HEADERS);
	pcap_set_promisc(c->pcap, 0);
	pcap_set_immediate_mode(c->pcap, 1);
	pcap_set_buffer_size(c->pcap, CAPTURE_BUFFER);
	pcap_set_tstamp_precision(c->pcap, PCAP_TSTAMP_PRECISION_NANO);
	err = netns_enter(at->ns, &home, d);
	if (err)
		return err;
	err = pcap_activate(c->pcap);
	netns_return(home);
	if (err < 0) {
		diag_add(d, "capture on %s: %s", c->where, pcap_geterr(c->pcap));
		return err == PCAP_ERROR_PERM_DENIED ? -EPERM : -EIO;
	}
	if (pcap_setnonblock(c->pcap, 1, errbuf) < 0) {
		diag_add(d, "capture on %s: %s", c->where, errbuf);
		return -EIO;
	}
	c->fd = pcap_get_selectable_fd(c->pcap);
	return 0;
}

static int start(const struct capture_point *at, const char *path, bool append,
		 struct capture **out, struct diag *d)
{
	struct capture *c;
	int err;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c || !(c->path = strdup(path))) {
		free(c);
		return -ENOMEM;
	}
	snprintf(c->where, sizeof(c->where), "%s of %s", at->ifname, at->host);
	err = open_in(at, c, d);
	if (err)
		goto fail;
	c->dump = append ? pcap_dump_open_append(c->pcap, path) : pcap_dump_open(c->pcap, path);
	if (!c->dump) {
		diag_add(d, "%s: cannot write the capture of %s: %s", path, c->where,
			 pcap_geterr(c->pcap));
		err = -EIO;
		goto fail;
	}
	*out = c;
	return 0;
fail:
	if (c->pcap)
		pcap_close(c->pcap);
	free(c->path);
	free(c);
	return err;
}

int capture_start(const struct capture_point *at, const char *path,
		  struct capture **out, struct diag *d)
{
	return start(at, path, false, out, d);
}

int capture_resume(const struct capture_point *at, const char *path,
		   struct capture **out, struct diag *d)
{
	return start(at, path, true, out, d);
}

int capture_fd(const struct capture *c)
{
	return c->fd;
}

int capture_drain(struct capture *c, struct diag *d)
{
	int total = 0, n;

	while ((n = pcap_dispatch(c->pcap, -1, pcap_dump, (u_char *)c->dump)) > 0)
		total += n;
	if (n == PCAP_ERROR) {
		diag_add(d, "%s: capture on %s failed: %s", c->path, c->where,
			 pcap_geterr(c->pcap));
		return -EIO;
	}
	return total;
}

int capture_stop(struct capture *c, struct capture_stats *stats, struct diag *d)
{
	struct pcap_stat ps;
	int ret = 0;

	if (stats)
		*stats = (struct capture_stats){ 0 };
	if (!c)
		return 0;
	if (capture_drain(c, d) < 0)
		ret = -EIO;
	/* what the kernel could not hand over: a capture that lost packets
	 * must not be judged as if it were whole */
	if (stats && !pcap_stats(c->pcap, &ps))
		*stats = (struct capture_stats){ ps.ps_recv, ps.ps_drop, ps.ps_ifdrop };
	if (pcap_dump_flush(c->dump) < 0) {
		diag_add(d, "%s: cannot write the capture of %s: %s", c->path, c->where,
			 strerror(errno));
		ret = -EIO;
	}
	pcap_dump_close(c->dump);
	pcap_close(c->pcap);
	free(c->path);
	free(c);
	return ret;
}
