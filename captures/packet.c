#include "captures/packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ETH_HLEN_ 14
#define VLAN_HLEN 4
#define SLL_HLEN 16
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP_ 0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_IPV6 0x86dd

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* TCP header at @p, @len bytes of IP payload (by the IP length fields),
 * @cap of them captured. */
static int decode_tcp(const uint8_t *p, size_t len, size_t cap, struct packet *out)
{
	size_t hlen;

	if (cap < 20 || len < 20)
		return -EINVAL;
	hlen = (size_t)(p[12] >> 4) * 4;
	if (hlen < 20 || hlen > len)
		return -EINVAL;
	out->proto = PACKET_TCP;
	out->sport = get16(p);
	out->dport = get16(p + 2);
	out->seq = get32(p + 4);
	out->ack = get32(p + 8);
	out->flags = p[13] & 0x3f;
	out->window = get16(p + 14);
	out->payload_len = (uint32_t)(len - hlen);
	return 0;
}

static int decode_icmp(const uint8_t *p, size_t cap, struct packet *out)
{
	if (cap < 2)
		return -EINVAL;
	out->proto = PACKET_ICMP;
	out->icmp_type = p[0];
	out->icmp_code = p[1];
	return 0;
}

static int decode_l4(int proto, const uint8_t *p, size_t len, size_t cap,
		     struct packet *out)
{
	if (proto == IPPROTO_TCP)
		return decode_tcp(p, len, cap, out);
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
		return decode_icmp(p, cap, out);
	return -ENOENT;
}

static int decode_ipv4(const uint8_t *p, size_t cap, struct packet *out)
{
	size_t ihl, total;

	if (cap < 20 || p[0] >> 4 != 4)
		return -EINVAL;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	total = get16(p + 2);
	if (ihl < 20 || ihl > cap || total < ihl)
		return -EINVAL;
	/* only the first fragment carries the transport header */
	if (get16(p + 6) & 0x1fff)
		return -ENOENT;
	out->family = AF_INET;
	memcpy(out->src, p + 12, 4);
	memcpy(out->dst, p + 16, 4);
	return decode_l4(p[9], p + ihl, total - ihl, cap - ihl, out);
}

/* Walk the extension headers (RFC 8200 §4) to the transport header. */
static int decode_ipv6(const uint8_t *p, size_t cap, struct packet *out)
{
	size_t off = 40, len;
	int next;

	if (cap < 40 || p[0] >> 4 != 6)
		return -EINVAL;
	len = get16(p + 4);
	next = p[6];
	out->family = AF_INET6;
	memcpy(out->src, p + 8, 16);
	memcpy(out->dst, p + 24, 16);
	for (;;) {
		size_t ext;

		switch (next) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if (off + 8 > cap)
				return -EINVAL;
			ext = ((size_t)p[off + 1] + 1) * 8;
			break;
		case IPPROTO_FRAGMENT:
			if (off + 8 > cap)
				return -EINVAL;
			if (get16(p + off + 2) & 0xfff8)
				return -ENOENT;	/* not the first fragment */
			ext = 8;
			break;
		default:
			if (off - 40 > len)
				return -EINVAL;
			return decode_l4(next, p + off, len - (off - 40), cap - off, out);
		}
		next = p[off];
		off += ext;
		if (off > cap)
			return -EINVAL;
	}
}

static int decode_arp(const uint8_t *p, size_t cap, struct packet *out)
{
	/* Ethernet/IPv4 ARP: htype, ptype, hlen 6, plen 4, op, sha, spa, tha, tpa */
	if (cap < 28)
		return -EINVAL;
	if (p[4] != 6 || p[5] != 4)
		return -ENOENT;
	out->proto = PACKET_ARP;
	out->family = AF_INET;
	out->arp_op = get16(p + 6);
	memcpy(out->src, p + 14, 4);
	memcpy(out->dst, p + 24, 4);
	return 0;
}

static int decode_ethertype(int type, const uint8_t *p, size_t cap, struct packet *out)
{
	if (type == ETHERTYPE_IPV4)
		return decode_ipv4(p, cap, out);
	if (type == ETHERTYPE_IPV6)
		return decode_ipv6(p, cap, out);
	if (type == ETHERTYPE_ARP_)
		return decode_arp(p, cap, out);
	return -ENOENT;
}

int packet_decode(int linktype, const uint8_t *frame, size_t caplen,
		  int64_t t_ns, struct packet *out)
{
	int type;

	memset(out, 0, sizeof(*out));
	out->t_ns = t_ns;
	switch (linktype) {
	case DLT_EN10MB:
		if (caplen < ETH_HLEN_)
			return -EINVAL;
		type = get16(frame + 12);
		frame += ETH_HLEN_;
		caplen -= ETH_HLEN_;
		if (type == ETHERTYPE_VLAN) {
			if (caplen < VLAN_HLEN)
				return -EINVAL;
			type = get16(frame + 2);
			frame += VLAN_HLEN;
			caplen -= VLAN_HLEN;
		}
		return decode_ethertype(type, frame, caplen, out);
	case DLT_LINUX_SLL:
		if (caplen < SLL_HLEN)
			return -EINVAL;
		return decode_ethertype(get16(frame + 14), frame + SLL_HLEN,
					caplen - SLL_HLEN, out);
	case DLT_RAW:
		if (caplen < 1)
			return -EINVAL;
		return frame[0] >> 4 == 6 ? decode_ipv6(frame, caplen, out)
					  : decode_ipv4(frame, caplen, out);
	default:
		return -ENOENT;
	}
}

int packet_list_push(struct packet_list *l, const struct packet *p)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct packet *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *p;
	return 0;
}

void packet_list_clear(struct packet_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const char *packet_addr_str(int family, const uint8_t *addr, char *buf,
			    size_t len)
{
	if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}
