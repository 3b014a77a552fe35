#include "harness/expects/sequence.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "common/duration.h"
#include "harness/judge/evidence.h"

/* ICMP destination unreachable is type 3; ICMPv6's is type 1. Neighbour
 * solicitation and advertisement are ICMPv6 types 135 and 136. */
static bool other_matches(const struct packet *p, unsigned kinds)
{
	if (p->proto == PACKET_ARP)
		return kinds & PKIND_ARP;
	if (p->proto != PACKET_ICMP)
		return false;
	if (p->family == AF_INET)
		return (kinds & PKIND_ICMP_UNREACH) && p->icmp_type == 3;
	return ((kinds & PKIND_ICMP_UNREACH) && p->icmp_type == 1) ||
	       ((kinds & PKIND_ARP) && (p->icmp_type == 135 || p->icmp_type == 136));
}

bool seq_kind_matches(const struct packet *p, unsigned kinds)
{
	if (p->proto != PACKET_TCP)
		return other_matches(p, kinds);
	return ((kinds & PKIND_FIN) && (p->flags & PKT_FIN)) ||
	       ((kinds & PKIND_RST) && (p->flags & PKT_RST)) ||
	       ((kinds & PKIND_SYN) && (p->flags & PKT_SYN)) ||
	       ((kinds & PKIND_DATA) && (p->cls & PKT_CLS_DATA)) ||
	       ((kinds & PKIND_KEEPALIVE) && (p->cls & PKT_CLS_KEEPALIVE)) ||
	       ((kinds & PKIND_RETRANS) && (p->cls & PKT_CLS_RETRANSMISSION));
}

struct seq_hosts seq_hosts_of(const struct evidence *ev)
{
	return (struct seq_hosts){ ev->addr, ev->family, ev->alias, ev->alias_family,
				   ev->sc->nhosts };
}

bool seq_addr_is(const struct seq_hosts *h, const uint8_t *addr, int host)
{
	if (!memcmp(addr, h->addr[host], h->family[host] == AF_INET6 ? 16 : 4))
		return true;
	return h->alias && h->alias_family[host] &&
	       !memcmp(addr, h->alias[host], h->alias_family[host] == AF_INET6 ? 16 : 4);
}

bool seq_item_matches(const struct seq_item *it, const struct packet *p,
		      const struct seq_hosts *h)
{
	if (it->from != HOST_NONE && !seq_addr_is(h, p->src, it->from))
		return false;
	if (it->to != HOST_NONE && !seq_addr_is(h, p->dst, it->to))
		return false;
	if (it->kinds && !seq_kind_matches(p, it->kinds))
		return false;
	if (!it->kinds && p->proto != PACKET_TCP)
		return false;
	if ((p->flags & it->flags) != it->flags)
		return false;
	if (it->payload >= 0 && (p->payload_len > 0) != (it->payload > 0))
		return false;
	return true;
}

/* Which packets a sequence looks at: TCP, plus ICMP/ARP if asked for. */
static bool considered(const struct packet *p, unsigned other)
{
	if (p->proto == PACKET_TCP)
		return true;
	return seq_kind_matches(p, other);
}

/* Whether @p, matched by @it, comes when @it allows: @prev is when the
 * packet matched before it came (the start, for the first). */
static bool in_time(const struct seq_item *it, const struct packet *p, int64_t prev,
		    int64_t t0, struct seq_outcome *out)
{
	if (it->gap_hi >= 0 && (p->t_ns - prev < it->gap_lo || p->t_ns - prev > it->gap_hi)) {
		out->since_ns = p->t_ns - prev;
		return false;
	}
	if (it->at_hi >= 0 && (p->t_ns - t0 < it->at_lo || p->t_ns - t0 > it->at_hi)) {
		out->since_ns = p->t_ns - t0;
		return false;
	}
	return true;
}

struct seq_outcome seq_match(const struct seq_item *items, size_t nitems,
			     const struct packet *v, size_t n, int64_t t0,
			     const struct seq_hosts *h)
{
	struct seq_outcome out = { .ok = true };
	unsigned other = 0;
	size_t pos = 0;

	for (size_t i = 0; i < nitems; i++)
		other |= items[i].kinds & (PKIND_ICMP_UNREACH | PKIND_ARP);
	while (pos < n && v[pos].t_ns < t0)
		pos++;
	for (size_t i = 0; i < nitems; i++) {
		const struct seq_item *it = &items[i];
		bool adjacent = it->next && i > 0;
		long found = 0;

		for (; pos < n && found < it->count_hi; pos++) {
			const struct packet *p = &v[pos];

			if (!considered(p, other))
				continue;
			if (seq_item_matches(it, p, h)) {
				if (!in_time(it, p, out.last ? out.last->t_ns : t0, t0, &out)) {
					out.ok = false;
					out.item = i;
					out.found = found;
					out.mistimed = true;
					out.instead = p;
					return out;
				}
				found++;
				out.last = p;
				continue;
			}
			/* anything may come between, unless this item must
			 * come next (before its first) or is a run of `next`
			 * packets (between them); once it has enough, a
			 * packet that does not match ends it */
			if (found >= it->count_lo || adjacent) {
				if (found < it->count_lo)
					out.instead = p;
				break;
			}
		}
		if (found < it->count_lo) {
			out.ok = false;
			out.item = i;
			out.found = found;
			if (!adjacent)
				out.instead = NULL;
			return out;
		}
	}
	return out;
}

const char *seq_item_str(const struct seq_item *it, const struct scenario *sc,
			 char *buf, size_t len)
{
	char kinds[128] = "", count[48] = "", lo[32], hi[32];
	size_t used = 0;

	buf[0] = '\0';
	if (it->from != HOST_NONE)
		used += snprintf(buf + used, len - used, "from %s ", sc->hosts[it->from].name);
	if (used < len && it->to != HOST_NONE)
		used += snprintf(buf + used, len - used, "to %s ", sc->hosts[it->to].name);
	if (it->kinds)
		expect_pkind_str(it->kinds, kinds, sizeof(kinds));
	if (used < len)
		used += snprintf(buf + used, len - used, "%s", it->kinds ? kinds : "segment");
	if (used < len && it->flags)
		used += snprintf(buf + used, len - used, " with %s%s%s%s%s",
				 it->flags & PKT_SYN ? "S" : "", it->flags & PKT_FIN ? "F" : "",
				 it->flags & PKT_RST ? "R" : "", it->flags & PKT_PSH ? "P" : "",
				 it->flags & PKT_ACK ? "." : "");
	if (used < len && it->payload >= 0)
		used += snprintf(buf + used, len - used, it->payload ? ", with payload" : ", no payload");
	if (used < len && (it->count_lo != 1 || it->count_hi != 1))
		used += snprintf(buf + used, len - used, " × %s",
				 expect_count_str(it->count_lo, it->count_hi, count, sizeof(count)));
	if (used < len && it->gap_hi >= 0)
		used += snprintf(buf + used, len - used, ", %s%s..%s s after the one before",
				 it->count_hi > 1 ? "each " : "", duration_secs(it->gap_lo, lo, sizeof(lo)),
				 duration_secs(it->gap_hi, hi, sizeof(hi)));
	if (used < len && it->at_hi >= 0)
		snprintf(buf + used, len - used, ", at %s..%s s",
			 duration_secs(it->at_lo, lo, sizeof(lo)), duration_secs(it->at_hi, hi, sizeof(hi)));
	return buf;
}

static const char *who(const uint8_t *addr, const struct seq_hosts *h,
		       const struct scenario *sc, int family, char *buf, size_t len)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->family[i] == family && seq_addr_is(h, addr, (int)i))
			return sc->hosts[i].name;
	return packet_addr_str(family, addr, buf, len);
}

const char *seq_packet_str(const struct packet *p, const struct seq_hosts *h,
			   const struct scenario *sc, char *buf, size_t len)
{
	char a[64], b[64];
	const char *src = who(p->src, h, sc, p->family, a, sizeof(a));
	const char *dst = who(p->dst, h, sc, p->family, b, sizeof(b));

	if (p->proto == PACKET_ARP)
		snprintf(buf, len, "ARP %s %s > %s", p->arp_op == 1 ? "request" : "reply", src, dst);
	else if (p->proto == PACKET_ICMP)
		snprintf(buf, len, "ICMP type %u code %u %s > %s", p->icmp_type, p->icmp_code, src, dst);
	else
		snprintf(buf, len, "%s > %s [%s%s%s%s%s] %u bytes%s%s%s", src, dst,
			 p->flags & PKT_SYN ? "S" : "", p->flags & PKT_FIN ? "F" : "",
			 p->flags & PKT_RST ? "R" : "", p->flags & PKT_PSH ? "P" : "",
			 p->flags & PKT_ACK ? "." : "", p->payload_len,
			 p->cls & PKT_CLS_RETRANSMISSION ? ", retransmission" : "",
			 p->cls & PKT_CLS_KEEPALIVE ? ", keepalive probe" : "",
			 p->cls & PKT_CLS_ZERO_WINDOW ? ", zero-window probe" : "");
	return buf;
}
