#include "captures/pcap_read.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <string.h>
#include <sys/stat.h>

#include "captures/tcp_track.h"

int pcap_read_file(const char *path, struct packet_list *out, struct diag *d)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *h;
	const u_char *frame;
	size_t first = out->n;
	pcap_t *p;
	int linktype, rc, ret = 0;

	p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!p) {
		struct stat st;

		diag_add(d, "%s: cannot read capture: %s", path, errbuf);
		return stat(path, &st) ? -ENOENT : -EINVAL;
	}
	linktype = pcap_datalink(p);
	while ((rc = pcap_next_ex(p, &h, &frame)) == 1) {
		int64_t t = (int64_t)h->ts.tv_sec * 1000000000LL + h->ts.tv_usec;
		struct packet pkt;

		if (packet_decode(linktype, frame, h->caplen, t, &pkt))
			continue;
		if ((ret = packet_list_push(out, &pkt)))
			break;
	}
	if (rc == PCAP_ERROR) {
		diag_add(d, "%s: cannot read capture: %s", path, pcap_geterr(p));
		ret = -EIO;
	}
	pcap_close(p);
	if (out->n > first)
		tcp_track_classify(out->v + first, out->n - first);
	return ret;
}
