#include "captures/pcap_read.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <string.h>
#include <unistd.h>

#include "captures/tcp_track.h"

/* libpcap's message for a file it cannot open already starts with the
 * path ("x.pcap: No such file or directory"); drop it, ours names it. */
static const char *reason(const char *path, const char *errbuf)
{
	size_t n = strlen(path);

	if (!strncmp(errbuf, path, n) && !strncmp(errbuf + n, ": ", 2))
		return errbuf + n + 2;
	return errbuf;
}

int pcap_read_file(const char *path, struct packet_list *out, struct diag *d)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *h;
	const u_char *frame;
	long nframes = 0;
	size_t first = out->n;
	int linktype, rc, ret;
	pcap_t *p;

	/* In nanosecond mode libpcap scales microsecond files up, and
	 * ts.tv_usec holds nanoseconds. */
	p = pcap_open_offline_with_tstamp_precision(path,
						    PCAP_TSTAMP_PRECISION_NANO,
						    errbuf);
	if (!p) {
		/* libpcap keeps no errno: ask the file system whether the
		 * file could be opened at all, or was not a capture. */
		ret = access(path, R_OK) ? -errno : -EINVAL;
		diag_add(d, "%s: cannot read capture: %s", path,
			 reason(path, errbuf));
		goto out;
	}
	linktype = pcap_datalink(p);
	if (!packet_linktype_supported(linktype)) {
		const char *name = pcap_datalink_val_to_name(linktype);

		diag_add(d, "%s: cannot read capture: link type %s (%d) is not supported",
			 path, name ? name : "unknown", linktype);
		ret = -EPROTONOSUPPORT;
		goto out;
	}
	ret = 0;
	while ((rc = pcap_next_ex(p, &h, &frame)) == 1) {
		int64_t t = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;
		struct packet pkt;

		nframes++;
		if (packet_decode(linktype, frame, h->caplen, t, &pkt))
			continue;	/* not ours, or malformed */
		pkt.frame = nframes;
		ret = packet_list_push(out, &pkt);
		if (ret) {
			diag_add(d, "%s: cannot read capture: out of memory", path);
			break;
		}
	}
	if (rc == PCAP_ERROR) {
		diag_add(d, "%s: cannot read capture: %s", path, pcap_geterr(p));
		ret = -EIO;
	}
	if (out->n > first)
		tcp_track_classify(out->v + first, out->n - first);
out:
	if (p)
		pcap_close(p);
	return ret;
}
