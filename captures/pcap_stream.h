/* A capture file read one decoded packet at a time, in constant memory:
 * the base of pcap_read_file() (which keeps them all, for the judge) and
 * of `explain` (which keeps only what live connections need). Classic
 * pcap and pcapng, in microseconds or nanoseconds, any link type
 * packet_decode() understands. */
#ifndef CAPTURES_PCAP_STREAM_H
#define CAPTURES_PCAP_STREAM_H

#include <stdio.h>

#include "captures/packet.h"
#include "common/diag.h"

struct pcap_stream;

/* Open the capture at @path. Returns 0, or -errno with "path: cannot read
 * capture: reason" in @d: -ENOENT or -EACCES for a file that cannot be
 * opened, -EINVAL for one that is not a capture, -EPROTONOSUPPORT for a
 * link type packet_decode() does not understand. */
int pcap_stream_open(const char *path, struct pcap_stream **s, struct diag *d);

/* The same over an open stream @f (taken over: closed with @s), named
 * @name in messages. For captures in memory (fmemopen) and fuzzing. */
int pcap_stream_open_file(FILE *f, const char *name, struct pcap_stream **s,
			  struct diag *d);

/* The next TCP, ICMP or ARP packet into @p, its frame number set; frames of
 * other protocols and malformed frames (including a time before 1970 or
 * after 2116) are counted and skipped. Returns 1
 * for a packet, 0 at the end of the file, or -EIO when the file is cut
 * short or corrupt: "path: frame N at byte B: reason" in @d (what came
 * before stays valid). */
int pcap_stream_next(struct pcap_stream *s, struct packet *p, struct diag *d);

/* Frames read so far, and of them the malformed ones (truncated headers,
 * bad lengths, a time out of range). */
long pcap_stream_frames(const struct pcap_stream *s);
long pcap_stream_malformed(const struct pcap_stream *s);

/* The link type's name, "EN10MB". */
const char *pcap_stream_linktype(const struct pcap_stream *s);

void pcap_stream_close(struct pcap_stream *s);

#endif
