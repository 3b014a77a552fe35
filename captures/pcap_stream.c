/* libpcap does the file formats; this adds the decoding, and the byte
 * offset of where a damaged file went wrong. For a classic pcap the
 * offset of each record is known by adding up the headers and captured
 * lengths (24 bytes of file header, then 16 per record plus its data); a
 * pcapng file's blocks vary, so there it is the stream's position when
 * libpcap gave up. */
#include "captures/pcap_stream.h"

#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCAP_FILE_HEADER_LEN 24
#define PCAP_RECORD_HEADER_LEN 16

struct pcap_stream {
	pcap_t *p;
	char *buffer;		/* stdio's, for the file: freed after it */
	char *name;
	int linktype;
	bool classic;		/* not pcapng: record offsets are known */
	long long offset;	/* classic: where the next record starts */
	long frames;
	long malformed;
};

/* libpcap's message for a file it cannot open already starts with the
 * path ("x.pcap: No such file or directory"); drop it, ours names it. */
static const char *reason(const char *path, const char *errbuf)
{
	size_t n = strlen(path);

	if (!strncmp(errbuf, path, n) && !strncmp(errbuf + n, ": ", 2))
		return errbuf + n + 2;
	return errbuf;
}

static int finish_open(pcap_t *p, const char *name, struct pcap_stream **out,
		       struct diag *d)
{
	struct pcap_stream *s;
	int linktype = pcap_datalink(p);

	if (!packet_linktype_supported(linktype)) {
		const char *lt = pcap_datalink_val_to_name(linktype);

		diag_add(d, "%s: cannot read capture: link type %s (%d) is not supported (EN10MB, LINUX_SLL, LINUX_SLL2, RAW, NULL, LOOP, IPV4, IPV6 are)",
			 name, lt ? lt : "unknown", linktype);
		pcap_close(p);
		return -EPROTONOSUPPORT;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->name = strdup(name))) {
		free(s);
		pcap_close(p);
		return -ENOMEM;
	}
	s->p = p;
	s->linktype = linktype;
	/* pcap_major_version() of a pcapng file is that of the format libpcap
	 * maps it to; only a classic file has 2.4 and a 24-byte header we can
	 * count from. pcap_file() positions tell the rest. */
	s->classic = pcap_major_version(p) == 2 && pcap_file(p) &&
		     ftell(pcap_file(p)) == PCAP_FILE_HEADER_LEN;
	s->offset = PCAP_FILE_HEADER_LEN;
	*out = s;
	return 0;
}

/* libpcap reads a file through stdio, whose buffer is one file-system
 * block (4 KiB): one read() per 4 KiB, and a big capture spends most of
 * its time in them. A buffer of our own makes that one read() per MiB
 * (glibc ignores setvbuf()'s size when it is to allocate the buffer). */
#define READ_BUFFER (1 << 20)

int pcap_stream_open(const char *path, struct pcap_stream **s, struct diag *d)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	char *buffer = malloc(READ_BUFFER);
	struct stat st;
	pcap_t *p;
	FILE *f;
	int ret;

	if (!buffer)
		return -ENOMEM;
	f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &st) || S_ISDIR(st.st_mode)) {
		ret = !f ? -errno : S_ISDIR(st.st_mode) ? -EISDIR : -errno;
		diag_add(d, "%s: cannot read capture: %s", path, strerror(-ret));
		if (f)
			fclose(f);
		free(buffer);
		return ret;
	}
	setvbuf(f, buffer, _IOFBF, READ_BUFFER);
	/* In nanosecond mode libpcap scales microsecond files up, and
	 * ts.tv_usec holds nanoseconds. */
	p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!p) {
		fclose(f);
		free(buffer);
		diag_add(d, "%s: cannot read capture: %s", path, reason(path, errbuf));
		return -EINVAL;
	}
	ret = finish_open(p, path, s, d);
	if (ret)
		free(buffer);
	else
		(*s)->buffer = buffer;
	return ret;
}

int pcap_stream_open_file(FILE *f, const char *name, struct pcap_stream **s,
			  struct diag *d)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;

	p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!p) {
		fclose(f);
		diag_add(d, "%s: cannot read capture: %s", name, errbuf);
		return -EINVAL;
	}
	return finish_open(p, name, s, d);
}

/* A frame's time in ns since the epoch, if it lies in [0, 2^62): from
 * 1970 to 2116. A pcapng's resolution and offset can put a time anywhere;
 * one this far off is damage, and bounding every time here keeps each
 * difference and sum of two (intervals, twice an interval) within int64. */
#define PCAP_TIME_MAX_NS (INT64_C(1) << 62)

static bool time_ok(const struct pcap_pkthdr *h, int64_t *t)
{
	int64_t ns;

	if (h->ts.tv_sec < 0 || h->ts.tv_usec < 0 || h->ts.tv_usec >= 1000000000 ||
	    __builtin_mul_overflow((int64_t)h->ts.tv_sec, INT64_C(1000000000), &ns) ||
	    __builtin_add_overflow(ns, (int64_t)h->ts.tv_usec, &ns) || ns >= PCAP_TIME_MAX_NS)
		return false;
	*t = ns;
	return true;
}

int pcap_stream_next(struct pcap_stream *s, struct packet *out, struct diag *d)
{
	struct pcap_pkthdr *h;
	const u_char *frame;
	int rc;

	while ((rc = pcap_next_ex(s->p, &h, &frame)) == 1) {
		int64_t t;
		int err;

		s->frames++;
		s->offset += PCAP_RECORD_HEADER_LEN + h->caplen;
		if (!time_ok(h, &t)) {
			s->malformed++;
			continue;
		}
		err = packet_decode(s->linktype, frame, h->caplen, t, out);
		if (err == -EINVAL)
			s->malformed++;
		if (err)
			continue;
		out->frame = s->frames;
		return 1;
	}
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (s->classic)
		diag_add(d, "%s: frame %ld at byte %lld: %s", s->name, s->frames + 1, s->offset,
			 pcap_geterr(s->p));
	else
		diag_add(d, "%s: frame %ld, near byte %ld: %s", s->name, s->frames + 1,
			 pcap_file(s->p) ? ftell(pcap_file(s->p)) : -1L, pcap_geterr(s->p));
	return -EIO;
}

long pcap_stream_frames(const struct pcap_stream *s)
{
	return s->frames;
}

long pcap_stream_malformed(const struct pcap_stream *s)
{
	return s->malformed;
}

const char *pcap_stream_linktype(const struct pcap_stream *s)
{
	const char *n = pcap_datalink_val_to_name(s->linktype);

	return n ? n : "unknown";
}

void pcap_stream_close(struct pcap_stream *s)
{
	if (!s)
		return;
	pcap_close(s->p);	/* closes the file, then its buffer may go */
	free(s->buffer);
	free(s->name);
	free(s);
}
