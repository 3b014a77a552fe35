#include "captures/capture.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "netns/netns.h"

/* Every header, not bulk payload, unless asked: the decoder takes a
 * segment's length from its IP header, and fewer bytes per packet is what
 * keeps a capture complete under bulk traffic. Whole frames: veth's MTU
 * is 1500 and offloads are off, but a jumbo or GSO leftover must not be
 * cut. */
#define CAPTURE_WHOLE 262144
#define CAPTURE_BUFFER (2 << 20)

/* A capture is drained by a thread of its own, from its start to its
 * stop: nothing else the runner does (writing events, sampling sockets,
 * applying a fault) delays emptying its ring. Until capture_stop() joins
 * it, only that thread touches pcap and dump. */
struct capture {
	pcap_t *pcap;
	pcap_dumper_t *dump;
	char *path;
	char where[64];		/* "eth0 of client", for errors */
	int fd;
	int stop;		/* eventfd: the drain thread is to end */
	pthread_t drainer;
	bool draining;		/* drainer runs */
	char failed[PCAP_ERRBUF_SIZE];	/* why the drain thread gave up; "" */
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

/* Write every packet waiting to the file. Returns 0 or -EIO, with
 * libpcap's reason in c->failed. */
static int drain(struct capture *c)
{
	int n;

	while ((n = pcap_dispatch(c->pcap, -1, pcap_dump, (u_char *)c->dump)) > 0)
		;
	if (n == PCAP_ERROR) {
		snprintf(c->failed, sizeof(c->failed), "%s", pcap_geterr(c->pcap));
		return -EIO;
	}
	return 0;
}

static void *drain_thread(void *arg)
{
	struct capture *c = arg;
	struct pollfd p[2] = { { .fd = c->fd, .events = POLLIN },
			       { .fd = c->stop, .events = POLLIN } };

	while (!p[1].revents) {
		if (poll(p, 2, -1) < 0 && errno != EINTR) {
			snprintf(c->failed, sizeof(c->failed), "poll: %s", strerror(errno));
			break;
		}
		if (drain(c) < 0)
			break;
	}
	return NULL;
}

/* Start @c's drain thread with every signal blocked: the runner's signals
 * (SIGCHLD, SIGTERM) must reach the thread that waits for them. */
static int start_draining(struct capture *c, struct diag *d)
{
	sigset_t all, old;
	int err;

	c->stop = eventfd(0, EFD_CLOEXEC);
	if (c->stop < 0) {
		err = -errno;
		diag_add(d, "capture on %s: eventfd: %s", c->where, strerror(-err));
		return err;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&c->drainer, NULL, drain_thread, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		diag_add(d, "capture on %s: cannot start its thread: %s", c->where, strerror(err));
		return -err;
	}
	c->draining = true;
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
	c->stop = -1;
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
	if ((err = start_draining(c, d)))
		goto fail;
	*out = c;
	return 0;
fail:
	if (c->stop >= 0)
		close(c->stop);
	if (c->dump)
		pcap_dump_close(c->dump);
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

int capture_stop(struct capture *c, struct capture_stats *stats, struct diag *d)
{
	struct pcap_stat ps;
	int ret = 0;

	if (stats)
		*stats = (struct capture_stats){ 0 };
	if (!c)
		return 0;
	if (c->draining) {
		eventfd_write(c->stop, 1);	/* a counter of 1 cannot overflow */
		pthread_join(c->drainer, NULL);
	}
	close(c->stop);
	/* what arrived since the thread's last look */
	if (!c->failed[0])
		drain(c);
	if (c->failed[0]) {
		diag_add(d, "%s: capture on %s failed: %s", c->path, c->where, c->failed);
		ret = -EIO;
	}
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
