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
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/rt.h"
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
 * applying a fault) delays emptying its ring. Once started, only that
 * thread touches pcap and dump, and it frees the capture at its end. */
/* What the drain thread hands back when it ends, on the stopping
 * caller's stack: after setting @done it never touches this again. */
struct ending {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	int err;
	struct capture_stats stats;
	char why[PCAP_ERRBUF_SIZE + 128];
};

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
	struct ending *ending;	/* set by capture_stop() before it wakes the thread */
};

/* libpcap maps the socket's packet ring into our memory, and a fork()
 * copies the mapping: a child (a peer, a program before its exec) then
 * holds the socket open after pcap_close(), and the last to let go pays
 * the two RCU grace periods of packet_release() (tens of milliseconds,
 * measured on 6.18) in its exit, which the harness waits for. The ring is
 * the mapping of this socket's inode, which /proc/self/maps names. */
static void keep_ring_from_children(struct capture *c)
{
	char want[48], line[512];
	struct stat st;
	FILE *maps;

	if (fstat(pcap_fileno(c->pcap), &st) < 0)
		return;
	snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)st.st_ino);
	maps = fopen("/proc/self/maps", "re");
	if (!maps)
		return;
	while (fgets(line, sizeof(line), maps)) {
		unsigned long lo, hi;

		if (strstr(line, want) && sscanf(line, "%lx-%lx", &lo, &hi) == 2)
			madvise((void *)lo, hi - lo, MADV_DONTFORK);
	}
	fclose(maps);
}

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
	keep_ring_from_children(c);
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

/* The file made whole: what is left in the ring, libpcap's statistics,
 * flushed and closed. */
static void finish(struct capture *c, struct ending *e)
{
	struct pcap_stat ps;

	/* what arrived since the thread's last look */
	if (!c->failed[0])
		drain(c);
	if (c->failed[0]) {
		snprintf(e->why, sizeof(e->why), "%s: capture on %s failed: %s", c->path,
			 c->where, c->failed);
		e->err = -EIO;
	}
	/* what the kernel could not hand over: a capture that lost packets
	 * must not be judged as if it were whole */
	if (!pcap_stats(c->pcap, &ps))
		e->stats = (struct capture_stats){ ps.ps_recv, ps.ps_drop, ps.ps_ifdrop };
	if (pcap_dump_flush(c->dump) < 0 && !e->err) {
		snprintf(e->why, sizeof(e->why), "%s: cannot write the capture of %s: %s",
			 c->path, c->where, strerror(errno));
		e->err = -EIO;
	}
	pcap_dump_close(c->dump);
}

/* Give the packet socket back to the kernel, which costs it two RCU grace
 * periods (packet_release() on 6.18: tens of milliseconds). */
static void release(struct capture *c)
{
	close(c->stop);
	pcap_close(c->pcap);
	free(c->path);
	free(c);
}

static void *drain_thread(void *arg)
{
	struct capture *c = arg;
	struct pollfd p[2] = { { .fd = c->fd, .events = POLLIN },
			       { .fd = c->stop, .events = POLLIN } };
	struct ending *e;

	/* a drain late to run lets the ring fill: as soon as it can */
	rt_enter();
	while (!p[1].revents) {
		if (poll(p, 2, -1) < 0 && errno != EINTR) {
			snprintf(c->failed, sizeof(c->failed), "poll: %s", strerror(errno));
			break;
		}
		if (drain(c) < 0)
			break;
	}
	/* a capture that failed still waits to be stopped */
	while (!p[1].revents)
		if (poll(&p[1], 1, -1) < 0 && errno != EINTR)
			break;
	e = c->ending;
	finish(c, e);
	pthread_mutex_lock(&e->lock);
	e->done = true;
	pthread_cond_signal(&e->cond);
	pthread_mutex_unlock(&e->lock);
	/* the file is whole and the caller has gone on: the kernel's release
	 * of the socket need not hold up anything but the process's exit */
	release(c);
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
	pthread_detach(c->drainer);
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
	struct ending e = { .lock = PTHREAD_MUTEX_INITIALIZER,
			    .cond = PTHREAD_COND_INITIALIZER };

	if (stats)
		*stats = (struct capture_stats){ 0 };
	if (!c)
		return 0;
	if (c->draining) {
		c->ending = &e;
		eventfd_write(c->stop, 1);	/* a counter of 1 cannot overflow */
		pthread_mutex_lock(&e.lock);
		while (!e.done)
			pthread_cond_wait(&e.cond, &e.lock);
		pthread_mutex_unlock(&e.lock);
	} else {
		finish(c, &e);
		release(c);
	}
	pthread_cond_destroy(&e.cond);
	pthread_mutex_destroy(&e.lock);
	if (e.err)
		diag_add(d, "%s", e.why);
	if (stats)
		*stats = e.stats;
	return e.err;
}
