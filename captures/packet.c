/* The frame decoder: link header, IPv4/IPv6, then TCP, ICMP or ARP.
 *
 * Every header is copied out of the frame with memcpy() before it is read:
 * a frame's IP header sits 14 bytes into the capture buffer, so casting a
 * pointer to struct ip there would be a misaligned access. Every copy is
 * preceded by a bounds check against what was captured (@cap), while
 * lengths that describe the packet on the wire (@len) come from the IP
 * header: a capture cut by the snaplen still has its true payload length. */
#include "captures/packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <pcap/dlt.h>
#include <pcap/sll.h>
#include <pcap/vlan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vec.h"

/* The 16-bit big-endian field at @p, wherever it is aligned. */
static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* FNV-1a, 64 bits, over @n bytes at @p, continuing from @h. */
static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_OFFSET 0xcbf29ce484222325ULL

/* TCP header at @p: @cap bytes captured, @len bytes of IP payload. Only
 * the fixed header is read, so options cut by the snaplen do no harm; the
 * data offset must still fit in the IP payload. */
static int decode_tcp(const uint8_t *p, size_t cap, size_t len,
		      struct packet *out)
{
	struct tcphdr th;
	size_t hlen;

	if (cap < sizeof(th))
		return -EINVAL;
	memcpy(&th, p, sizeof(th));
	hlen = (size_t)th.th_off * 4;
	if (hlen < sizeof(th) || hlen > len)
		return -EINVAL;
	out->proto = PACKET_TCP;
	out->sport = ntohs(th.th_sport);
	out->dport = ntohs(th.th_dport);
	out->seq = ntohl(th.th_seq);
	out->ack = ntohl(th.th_ack);
	out->window = ntohs(th.th_win);
	out->flags = th.th_flags & (PKT_FIN | PKT_SYN | PKT_RST | PKT_PSH |
				    PKT_ACK | PKT_URG);
	out->payload_len = (uint32_t)(len - hlen);
	out->fingerprint = fnv1a(out->fingerprint ? out->fingerprint : FNV_OFFSET, p,
				 hlen < cap ? hlen : cap);
	return 0;
}

/* ICMP and ICMPv6 share their first four bytes: type, code, checksum
 * (RFC 792, RFC 4443 §2.1); an error message then has four more and
 * quotes the start of the packet that caused it: its IP header and at
 * least the first 8 bytes of its transport header, which for TCP are the
 * ports and the sequence number. */
#define ICMP_COMMON_LEN 4
#define ICMP_QUOTE_OFF 8
#define TCP_QUOTED_LEN 8

static bool icmp_is_error(int family, uint8_t type)
{
	if (family == AF_INET6)
		return type >= 1 && type <= 4;	/* unreach, too big, time, param */
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* The quoted packet at @p (@cap bytes): an IPv4 or IPv6 header, then TCP.
 * Anything else, or too little of it, quotes nothing we can use. */
static void decode_quote(const uint8_t *p, size_t cap, struct packet *out)
{
	const uint8_t *tcp;
	size_t hlen;
	int family;

	if (cap < 1)
		return;
	if (p[0] >> 4 == 4) {
		struct ip ip;

		if (cap < sizeof(ip))
			return;
		memcpy(&ip, p, sizeof(ip));
		hlen = (size_t)ip.ip_hl * 4;
		if (ip.ip_p != IPPROTO_TCP || hlen < sizeof(ip) || (ntohs(ip.ip_off) & IP_OFFMASK))
			return;
		family = AF_INET;
		memcpy(out->quote_src, &ip.ip_src, 4);
		memcpy(out->quote_dst, &ip.ip_dst, 4);
	} else if (p[0] >> 4 == 6) {
		struct ip6_hdr ip6;

		if (cap < sizeof(ip6))
			return;
		memcpy(&ip6, p, sizeof(ip6));
		hlen = sizeof(ip6);
		if (ip6.ip6_nxt != IPPROTO_TCP)
			return;	/* extension headers in a quote: not followed */
		family = AF_INET6;
		memcpy(out->quote_src, &ip6.ip6_src, 16);
		memcpy(out->quote_dst, &ip6.ip6_dst, 16);
	} else {
		return;
	}
	if (cap < hlen + TCP_QUOTED_LEN)
		return;
	tcp = p + hlen;
	out->quote_family = family;
	out->quote_sport = get16(tcp);
	out->quote_dport = get16(tcp + 2);
	out->quote_seq = (uint32_t)get16(tcp + 4) << 16 | get16(tcp + 6);
}

static int decode_icmp(const uint8_t *p, size_t cap, size_t len,
		       struct packet *out)
{
	if (cap < ICMP_COMMON_LEN || len < ICMP_COMMON_LEN)
		return -EINVAL;
	out->proto = PACKET_ICMP;
	out->icmp_type = p[0];
	out->icmp_code = p[1];
	if (icmp_is_error(out->family, p[0]) && cap > ICMP_QUOTE_OFF)
		decode_quote(p + ICMP_QUOTE_OFF, cap - ICMP_QUOTE_OFF, out);
	return 0;
}

static int decode_transport(int proto, const uint8_t *p, size_t cap,
			    size_t len, struct packet *out)
{
	if (proto == IPPROTO_TCP)
		return decode_tcp(p, cap, len, out);
	if (proto == (out->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6))
		return decode_icmp(p, cap, len, out);
	return -ENOENT;
}

static int decode_ipv4(const uint8_t *p, size_t cap, struct packet *out)
{
	struct ip ip;
	size_t ihl, total;

	if (cap < sizeof(ip))
		return -EINVAL;
	memcpy(&ip, p, sizeof(ip));
	ihl = (size_t)ip.ip_hl * 4;
	if (ip.ip_v != 4 || ihl < sizeof(ip) || ihl > cap)
		return -EINVAL;
	total = ntohs(ip.ip_len);
	/* A TSO super-segment captured before segmentation may carry a zero
	 * total length; like tcpdump (print-ip.c), take what was captured. */
	if (total == 0)
		total = cap;
	if (total < ihl)
		return -EINVAL;
	/* Only the first fragment holds the transport header. */
	if (ntohs(ip.ip_off) & IP_OFFMASK)
		return -ENOENT;
	out->family = AF_INET;
	out->fingerprint = fnv1a(FNV_OFFSET, (const uint8_t *)&ip.ip_id, sizeof(ip.ip_id));
	memcpy(out->src, &ip.ip_src, 4);
	memcpy(out->dst, &ip.ip_dst, 4);
	return decode_transport(ip.ip_p, p + ihl, cap - ihl, total - ihl, out);
}

/* Walk the extension headers (RFC 8200 §4) to the transport header: each
 * one is at least 8 bytes and the walk stops at the captured length, so it
 * ends. */
static int decode_ipv6(const uint8_t *p, size_t cap, struct packet *out)
{
	struct ip6_hdr ip6;
	size_t off, end;
	int next;

	if (cap < sizeof(ip6))
		return -EINVAL;
	memcpy(&ip6, p, sizeof(ip6));
	if (ip6.ip6_vfc >> 4 != 6)
		return -EINVAL;
	/* Zero is a jumbogram or a BIG TCP super-segment: the length is not
	 * in this header, so take what was captured. */
	end = sizeof(ip6) + (ip6.ip6_plen ? ntohs(ip6.ip6_plen)
					  : cap - sizeof(ip6));
	next = ip6.ip6_nxt;
	off = sizeof(ip6);
	out->family = AF_INET6;
	memcpy(out->src, &ip6.ip6_src, 16);
	memcpy(out->dst, &ip6.ip6_dst, 16);
	for (;;) {
		struct ip6_frag frag;
		struct ip6_ext ext;

		switch (next) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if (cap - off < 8)
				return -EINVAL;
			memcpy(&ext, p + off, sizeof(ext));
			next = ext.ip6e_nxt;
			off += ((size_t)ext.ip6e_len + 1) * 8;
			break;
		case IPPROTO_FRAGMENT:
			if (cap - off < sizeof(frag))
				return -EINVAL;
			memcpy(&frag, p + off, sizeof(frag));
			if (frag.ip6f_offlg & IP6F_OFF_MASK)
				return -ENOENT;	/* not the first fragment */
			next = frag.ip6f_nxt;
			off += sizeof(frag);
			break;
		default:
			return decode_transport(next, p + off, cap - off,
						end - off, out);
		}
		if (off > cap || off > end)
			return -EINVAL;
	}
}

/* ARP for IPv4 over an Ethernet-like link: the only kind a veth carries.
 * The fixed header is struct arphdr; the addresses follow it (RFC 826).
 * <netinet/if_ether.h>'s struct ether_arp would spell this out, but its
 * arp_op macro would rename struct packet's field of the same name. */
#define ARP_IPV4_LEN (sizeof(struct arphdr) + 2 * (ETH_ALEN + 4))

static int decode_arp(const uint8_t *p, size_t cap, struct packet *out)
{
	const uint8_t *spa = p + sizeof(struct arphdr) + ETH_ALEN;
	const uint8_t *tpa = spa + 4 + ETH_ALEN;
	struct arphdr arp;

	if (cap < ARP_IPV4_LEN)
		return -EINVAL;
	memcpy(&arp, p, sizeof(arp));
	if (ntohs(arp.ar_pro) != ETHERTYPE_IP || arp.ar_hln != ETH_ALEN ||
	    arp.ar_pln != 4)
		return -ENOENT;
	out->proto = PACKET_ARP;
	out->family = AF_INET;
	out->arp_op = ntohs(arp.ar_op);
	memcpy(out->src, spa, 4);
	memcpy(out->dst, tpa, 4);
	return 0;
}

static int decode_ethertype(unsigned type, const uint8_t *p, size_t cap,
			    struct packet *out)
{
	switch (type) {
	case ETHERTYPE_IP:
		return decode_ipv4(p, cap, out);
	case ETHERTYPE_IPV6:
		return decode_ipv6(p, cap, out);
	case ETHERTYPE_ARP:
		return decode_arp(p, cap, out);
	default:
		return -ENOENT;
	}
}

/* Ethernet II, with up to two VLAN tags (802.1Q 0x8100, 802.1ad QinQ
 * 0x88a8, and the older 0x9100): each is the TPID in the type field
 * followed by the TCI and the next type. */
#define VLAN_TAGS_MAX 2

static bool is_vlan_tpid(unsigned type)
{
	return type == ETHERTYPE_VLAN || type == 0x88a8 || type == 0x9100;
}

static int decode_ethernet(const uint8_t *p, size_t cap, struct packet *out)
{
	struct ether_header eh;
	unsigned type;

	if (cap < sizeof(eh))
		return -EINVAL;
	memcpy(&eh, p, sizeof(eh));
	type = ntohs(eh.ether_type);
	p += sizeof(eh);
	cap -= sizeof(eh);
	for (int tags = 0; is_vlan_tpid(type) && tags < VLAN_TAGS_MAX; tags++) {
		if (cap < VLAN_TAG_LEN)
			return -EINVAL;
		type = get16(p + 2);
		p += VLAN_TAG_LEN;
		cap -= VLAN_TAG_LEN;
	}
	return decode_ethertype(type, p, cap, out);
}

/* A raw IP packet: the version nibble says which. */
static int decode_ip(const uint8_t *p, size_t cap, struct packet *out)
{
	if (cap < 1)
		return -EINVAL;
	if (p[0] >> 4 == 6)
		return decode_ipv6(p, cap, out);
	return decode_ipv4(p, cap, out);
}

/* BSD loopback (DLT_NULL: the address family in the capturing host's
 * byte order; DLT_LOOP: in network order), as macOS and the BSDs write
 * it. IPv6's family number differs between the BSDs (24, 28, 30), so the
 * version nibble decides. */
#define LOOPBACK_HDR_LEN 4

static int decode_loopback(const uint8_t *p, size_t cap, struct packet *out)
{
	if (cap < LOOPBACK_HDR_LEN)
		return -EINVAL;
	return decode_ip(p + LOOPBACK_HDR_LEN, cap - LOOPBACK_HDR_LEN, out);
}

bool packet_linktype_supported(int linktype)
{
	switch (linktype) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
		return true;
	default:
		return false;
	}
}

int packet_decode(int linktype, const uint8_t *frame, size_t caplen,
		  int64_t t_ns, struct packet *out)
{
	struct sll2_header sll2;
	struct sll_header sll;

	memset(out, 0, sizeof(*out));
	out->t_ns = t_ns;
	switch (linktype) {
	case DLT_EN10MB:
		return decode_ethernet(frame, caplen, out);
	case DLT_LINUX_SLL:
		if (caplen < SLL_HDR_LEN)
			return -EINVAL;
		memcpy(&sll, frame, sizeof(sll));
		return decode_ethertype(ntohs(sll.sll_protocol),
					frame + SLL_HDR_LEN,
					caplen - SLL_HDR_LEN, out);
	case DLT_LINUX_SLL2:
		if (caplen < SLL2_HDR_LEN)
			return -EINVAL;
		memcpy(&sll2, frame, sizeof(sll2));
		return decode_ethertype(ntohs(sll2.sll2_protocol),
					frame + SLL2_HDR_LEN,
					caplen - SLL2_HDR_LEN, out);
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return decode_ip(frame, caplen, out);
	case DLT_NULL:
	case DLT_LOOP:
		return decode_loopback(frame, caplen, out);
	default:
		return -ENOENT;
	}
}

int packet_list_push(struct packet_list *l, const struct packet *p)
{
	return vec_push(&l->v, &l->n, &l->cap, sizeof(*p), p);
}

void packet_list_clear(struct packet_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const char *packet_addr_str(int family, const uint8_t *addr, char *buf,
			    size_t len)
{
	if (!len)
		return buf;
	if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, buf,
		       (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}
