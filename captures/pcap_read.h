/* Reading a pcap file into decoded, classified packets: the offline half
 * of captures/, used by the judge, `replay` and `explain`. */
#ifndef CAPTURES_PCAP_READ_H
#define CAPTURES_PCAP_READ_H

#include <stdio.h>

#include "captures/packet.h"
#include "common/diag.h"

/* Append every TCP, ICMP and ARP packet of the pcap at @path to @out, with
 * nanosecond timestamps, then classify the TCP ones (tcp_track.h) among
 * themselves. Frames of other protocols and malformed frames are skipped.
 * Returns 0, or -errno with "path: cannot read capture: reason" in @d:
 * -ENOENT or -EACCES for a file that cannot be opened, -EINVAL for one
 * that is not a capture, -EPROTONOSUPPORT for a link type packet_decode()
 * does not understand (nothing appended), -EIO for a file cut short (the
 * packets before the cut are appended and classified), -ENOMEM. The caller
 * owns @out and frees it with packet_list_clear(). */
int pcap_read_file(const char *path, struct packet_list *out, struct diag *d);

/* The same from @f, opened by the caller (taken over: closed here),
 * @name in messages. */
int pcap_read_fp(FILE *f, const char *name, struct packet_list *out, struct diag *d);

#endif
