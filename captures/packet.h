/* One captured packet, decoded into what the judge and `explain` need:
 * TCP segments (with what the connection tracker concluded about them),
 * ICMP errors and ARP. The same code decodes live captures and pcap files. */
#ifndef CAPTURES_PACKET_H
#define CAPTURES_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum packet_proto {
	PACKET_OTHER = 0,
	PACKET_TCP,
	PACKET_ICMP,		/* ICMP or ICMPv6 */
	PACKET_ARP,
};

/* TCP header flags, as on the wire. */
#define PKT_FIN 0x01
#define PKT_SYN 0x02
#define PKT_RST 0x04
#define PKT_PSH 0x08
#define PKT_ACK 0x10
#define PKT_URG 0x20

/* What tcp_track_classify() concluded about a TCP segment (bit set). */
#define PKT_CLS_DATA		0x01	/* carries payload (probes excluded) */
#define PKT_CLS_RETRANSMISSION	0x02	/* re-sends sequence space already sent */
#define PKT_CLS_KEEPALIVE	0x04	/* keepalive probe: seq = snd_una - 1 */
#define PKT_CLS_ZERO_WINDOW	0x08	/* zero-window probe */
#define PKT_CLS_PURE_ACK	0x10	/* ACK alone: no payload, no SYN/FIN/RST */
#define PKT_CLS_KEEPALIVE_ACK	0x20	/* a pure ACK answering a keepalive probe */
#define PKT_CLS_DUP_ACK		0x40	/* a pure ACK repeating the highest ack
					 * sent, same non-zero window, nothing new */

struct packet {
	int64_t t_ns;		/* capture time, ns since the epoch */
	long frame;		/* 1-based frame number in its capture file, as
				 * Wireshark counts; 0: not read from a file */
	enum packet_proto proto;
	int family;		/* AF_INET or AF_INET6 (ARP: AF_INET) */
	uint8_t src[16];	/* network byte order; 4 bytes used for AF_INET */
	uint8_t dst[16];
	/* TCP */
	uint16_t sport, dport;	/* host byte order */
	uint32_t seq, ack;
	uint16_t window;	/* as on the wire, unscaled */
	uint8_t flags;		/* PKT_* */
	uint32_t payload_len;
	/* The segment's identity across capture points: a hash of its TCP
	 * header as captured (checksum and options, so TSval, included) and
	 * of the IPv4 ID. A switch leaves all of it alone, so the same
	 * segment has the same fingerprint where it left one host and where
	 * it reached the other; a retransmission, a NAT rewrite or a
	 * corrupted copy has another. */
	uint64_t fingerprint;
	unsigned cls;		/* PKT_CLS_*, filled by tcp_track_classify() */
	/* ICMP */
	uint8_t icmp_type, icmp_code;
	/* ICMP errors: the TCP segment they quote (RFC 792, RFC 4443 §3);
	 * quote_family 0 when there is none */
	int quote_family;
	uint8_t quote_src[16], quote_dst[16];
	uint16_t quote_sport, quote_dport;	/* host byte order */
	uint32_t quote_seq;
	/* ARP */
	uint16_t arp_op;	/* 1 request, 2 reply */
};

/* A growable array of packets in capture order. */
struct packet_list {
	struct packet *v;
	size_t n;
	size_t cap;
};

/* Whether packet_decode() understands pcap link type @linktype:
 * DLT_EN10MB (with up to two 802.1Q/802.1ad tags), DLT_LINUX_SLL,
 * DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4, DLT_IPV6, DLT_NULL or DLT_LOOP. */
bool packet_linktype_supported(int linktype);

/* Decode one captured frame of pcap link type @linktype (those above)
 * into @out.
 * Returns 0 when @out holds a TCP, ICMP or ARP packet; -ENOENT for a frame
 * of another protocol; -EINVAL for a truncated or malformed one. */
int packet_decode(int linktype, const uint8_t *frame, size_t caplen,
		  int64_t t_ns, struct packet *out);

/* Append a copy of @p. Returns 0 or -ENOMEM. */
int packet_list_push(struct packet_list *l, const struct packet *p);

/* Free the array; @l is left empty and may be reused. */
void packet_list_clear(struct packet_list *l);

/* Format the addresses of @p as text into @buf ("198.18.0.1"). */
const char *packet_addr_str(int family, const uint8_t *addr, char *buf,
			    size_t len);

#endif
