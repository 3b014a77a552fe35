#include "captures/pcap_read.h"

#include <errno.h>

#include "captures/pcap_stream.h"
#include "captures/tcp_track.h"

static int read_all(struct pcap_stream *s, const char *path, struct packet_list *out,
		    struct diag *d)
{
	struct packet pkt;
	size_t first = out->n;
	int ret;

	while ((ret = pcap_stream_next(s, &pkt, d)) == 1)
		if (packet_list_push(out, &pkt)) {
			diag_add(d, "%s: cannot read capture: out of memory", path);
			ret = -ENOMEM;
			break;
		}
	if (out->n > first)
		tcp_track_classify(out->v + first, out->n - first);
	pcap_stream_close(s);
	return ret;
}

int pcap_read_file(const char *path, struct packet_list *out, struct diag *d)
{
	struct pcap_stream *s;
	int ret;

	if ((ret = pcap_stream_open(path, &s, d)))
		return ret;
	return read_all(s, path, out, d);
}

int pcap_read_fp(FILE *f, const char *name, struct packet_list *out, struct diag *d)
{
	struct pcap_stream *s;
	int ret;

	if ((ret = pcap_stream_open_file(f, name, &s, d)))
		return ret;
	return read_all(s, name, out, d);
}
