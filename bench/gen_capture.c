/* A synthetic capture for benchmarking `unplug explain`: many interleaved
 * TCP connections with every kind of ending explain reports.
 *
 *   gen_capture [--truth FILE] OUT.pcap SIZE_MB [SEED]
 *
 * Writes a classic pcap (little-endian magic 0xa1b2c3d4, microseconds,
 * Ethernet) of SIZE_MB * 10^6 bytes, give or take one frame. A fixed
 * number of connections are alive at any time (CONCURRENT); each one has a
 * 3-way handshake, request/response rounds of realistic segments acked
 * every second segment, sometimes a lost segment (duplicate ACKs, then the
 * retransmission), sometimes a zero window with probes, and an ending
 * drawn at its start:
 *
 *   ~40 % FIN close by either side (sometimes a half-close: the peer sends
 *         data after the first FIN), ~5 % of these after a zero window
 *   ~20 % RST: abrupt, the client aborting a download, or in answer to
 *         data that arrives after the resetter's FIN
 *   ~15 % retransmission timeout: data retransmitted at 0.2, 0.4, 0.8 s...
 *         (from 200 ms + RTT, doubling), the peer silent, then nothing;
 *         one in ten draws an ICMP unreachable quoting the segment
 *   ~10 % keepalive give-up: idle, unanswered probes (seq = snd_una - 1,
 *         no payload) at a fixed interval, then an RST from the prober
 *   ~10 % open: the connection goes quiet (half of them after answered
 *         keepalive probes)
 *
 * plus ~2 % UDP (DNS) noise and an ARP exchange every few thousand frames.
 * When the file is full every connection still alive is cut: it is open.
 * Clients are in 198.18.0.0/16 and fd00:198:18::/64, servers in
 * 198.19.0.0/24 and fd00:198:19::/64, the router that sends ICMP errors
 * is 198.18.255.254 / fd00:198:18::fffe.
 *
 * Everything depends on SEED only (default 1). Memory is one struct per
 * live connection and the output buffer; time is a few hundred ns a frame.
 *
 * With --truth, FILE gets one CSV line per connection seen in the capture:
 * client_addr,client_port,server_addr,server_port,kind,by where kind is
 * fin|rst|timeout|keepalive-timeout|open and by the address:port of the
 * side that ended it ([addr]:port for IPv6; empty when open). A FIN close
 * is by the side that sent the first FIN, a timeout by the side that
 * retransmitted, a keepalive give-up by the prober.
 *
 * Only libc: cc -O2 -o gen_capture bench/gen_capture.c */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONCURRENT	400		/* connections alive at once */
#define T0_SEC		1704067200u	/* 2024-01-01T00:00:00Z */
#define SNAPLEN		262144
#define OUTBUF		(4u << 20)
#define FRAME_MAX	2048
#define PATTERN		65536u		/* payload bytes come from here */
#define SEC		1000000ull	/* the clock counts µs */
#define MS		1000ull

enum { CLI, SRV };

enum kind { K_FIN, K_RST, K_TIMEOUT, K_KEEPALIVE, K_OPEN, K_N };

static const char *const kind_name[K_N] = {
	"fin", "rst", "timeout", "keepalive-timeout", "open",
};

enum state {
	S_SYN, S_SYNACK, S_ACK3,
	S_TURN,		/* between transfers: the next one, or the ending */
	S_DATA,		/* the sender's next segment */
	S_ACK,		/* the receiver acknowledges */
	S_RETX,		/* the sender re-sends the lost segment */
	S_ZWP, S_ZWACK, S_ZWOPEN,
	S_FIN1, S_FINACK, S_FIN2, S_LASTACK,
	S_LATE,		/* data after the resetter's FIN */
	S_RST,
	S_TO_SEND, S_TO_RETX,
	S_KA, S_KAACK, S_KARST,
	S_DONE,
};

/* What S_TURN does once a transfer is over. */
enum phase { P_ROUNDS, P_HALF };

/* TCP flags */
#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

struct side {
	uint32_t nxt;		/* next sequence number it sends */
	uint32_t rcv;		/* what it received in order: its ACK */
	uint32_t tsbase;	/* TSval = tsbase + ms */
	uint32_t last_tsval;	/* for the peer's TSecr */
	uint16_t win;		/* window field, scaled by 2^7 */
	uint16_t ipid;
	uint8_t ttl;
};

struct conn {
	uint64_t t;		/* when step() runs next */
	uint64_t id;
	struct conn *next_free;
	uint8_t caddr[16], saddr[16];
	uint16_t cport, sport;
	uint8_t cmac[6];
	uint8_t v6, ts, seen, talked;
	uint8_t state, phase, kind, variant, by, dir;
	struct side s[2];
	uint32_t left;		/* bytes still to send in this transfer */
	uint32_t unacked;	/* segments the receiver has not acked */
	uint32_t rounds;	/* request/response rounds still to start */
	uint32_t mss;
	uint64_t rtt, gap, rto;
	/* loss: the lost segment, then duplicate ACKs, then re-sent */
	uint8_t losses, lost, dups;
	uint32_t lost_seq, lost_len;
	/* zero window: 1 planned, 2 closed, 3 open again */
	uint8_t zw, zw_byte;
	uint32_t zw_at;
	/* probes and retransmissions: k of n, every ival */
	uint32_t k, n;
	uint64_t ival;
	uint8_t icmp;
};

static struct {
	uint64_t rng;
	uint64_t now, last_ts;
	FILE *out, *truth;
	uint8_t *buf;
	size_t pos;
	uint64_t written, target;
	uint64_t frames, tcp_frames, next_noise, next_arp;
	uint64_t made, ended[K_N];
	struct conn **heap;
	size_t nheap;
	struct conn *free;
	uint16_t *ports4, *ports6;	/* next ephemeral port per client */
	uint8_t pattern[PATTERN + FRAME_MAX];
	const char *path;
} g;

static const uint8_t router_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t router4[4] = { 198, 18, 255, 254 };
static const uint8_t router6[16] = { 0xfd, 0x00, 0x01, 0x98, 0x00, 0x18,
				     0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe };

/* --- randomness: splitmix64, enough for traffic shapes --- */

static uint64_t rnd64(void)
{
	uint64_t z = (g.rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t rnd(uint32_t n)
{
	return (uint32_t)(((rnd64() >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static uint64_t between(uint64_t lo, uint64_t hi)
{
	return lo + rnd64() % (hi - lo + 1);
}

static uint8_t pct(unsigned p)
{
	return rnd(100) < p;
}

/* Log-uniform in [lo, hi]: as many small values per octave as large. */
static uint64_t rnd_log(uint64_t lo, uint64_t hi)
{
	int a = 63 - __builtin_clzll(lo), b = 63 - __builtin_clzll(hi);
	int e = a + (int)rnd((uint32_t)(b - a + 1));
	uint64_t v = (1ull << e) + rnd64() % (1ull << e);

	return v < lo ? lo : v > hi ? hi : v;
}

/* --- output --- */

static void flush_out(void)
{
	if (g.pos && fwrite(g.buf, 1, g.pos, g.out) != g.pos) {
		fprintf(stderr, "gen_capture: %s: %s\n", g.path, strerror(errno));
		exit(1);
	}
	g.pos = 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Room for one frame in the output; its record header comes later. */
static uint8_t *frame_begin(void)
{
	if (g.pos + 16 + FRAME_MAX > OUTBUF)
		flush_out();
	return g.buf + g.pos + 16;
}

/* The record header for the frame frame_begin() gave, timestamped @t
 * (never before the previous frame). */
static void frame_end_at(size_t len, uint64_t t)
{
	uint8_t *h = g.buf + g.pos;

	if (t < g.last_ts)
		t = g.last_ts;

	g.last_ts = t;
	le32(h, (uint32_t)(T0_SEC + t / SEC));
	le32(h + 4, (uint32_t)(t % SEC));
	le32(h + 8, (uint32_t)len);
	le32(h + 12, (uint32_t)len);
	g.pos += 16 + len;
	g.written += 16 + len;
	g.frames++;
}

static void frame_end(size_t len)
{
	frame_end_at(len, g.now);
}

/* Frames due later than now (answers to noise, ICMP errors) wait here
 * until the clock reaches them, so that no frame is stamped early. */
#define NLATER 16

static struct later {
	uint64_t t;
	size_t len;
	uint8_t f[FRAME_MAX];
} later[NLATER];
static unsigned nlater;
static struct later *building;	/* what out_begin() handed out */
static uint64_t building_t;

static uint8_t *out_begin(uint64_t t)
{
	building_t = t;
	if (t > g.now && nlater < NLATER) {
		building = &later[nlater];
		return building->f;
	}
	building = NULL;
	return frame_begin();
}

static void out_end(size_t len)
{
	if (!building) {
		frame_end_at(len, building_t);
		return;
	}
	building->t = building_t;
	building->len = len;
	nlater++;
}

/* Write the waiting frames due by @t, oldest first. */
static void flush_later(uint64_t t)
{
	while (nlater) {
		unsigned i, m = 0;

		for (i = 1; i < nlater; i++)
			if (later[i].t < later[m].t)
				m = i;
		if (later[m].t > t)
			break;
		memcpy(frame_begin(), later[m].f, later[m].len);
		frame_end_at(later[m].len, later[m].t);
		later[m] = later[--nlater];
	}
}

/* One's complement sum (RFC 1071) in host order: the result, stored back
 * with memcpy, is right in network order too. */
static uint64_t sum_bytes(const uint8_t *p, size_t n, uint64_t acc)
{
	uint32_t w;
	uint16_t h = 0;

	for (; n >= 4; p += 4, n -= 4) {
		memcpy(&w, p, 4);
		acc += w;
	}
	if (n >= 2) {
		memcpy(&h, p, 2);
		acc += h;
		p += 2;
		n -= 2;
	}
	if (n) {
		h = 0;
		memcpy(&h, p, 1);
		acc += h;
	}
	return acc;
}

static void put_csum(uint8_t *at, uint64_t acc)
{
	uint16_t c;

	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	c = (uint16_t)~acc;
	memcpy(at, &c, 2);
}

/* Ethernet header at @f. */
static uint8_t *eth(uint8_t *f, const uint8_t *dst, const uint8_t *src,
		    uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, type);
	return f + 14;
}

/* IP header at @p, for @plen bytes of @proto; returns the transport
 * header and the pseudo-header's sum in @pseudo. */
static uint8_t *ip_hdr(uint8_t *p, int v6, const uint8_t *src,
		       const uint8_t *dst, uint8_t proto, size_t plen,
		       uint16_t id, uint8_t ttl, uint64_t *pseudo)
{
	uint8_t ph[4] = { 0, 0, 0, proto };
	uint8_t len[4];

	put32(len, (uint32_t)plen);
	if (v6) {
		put32(p, 0x60000000u | (id & 0xfffff));
		put16(p + 4, (uint16_t)plen);
		p[6] = proto;
		p[7] = ttl;
		memcpy(p + 8, src, 16);
		memcpy(p + 24, dst, 16);
		*pseudo = sum_bytes(p + 8, 32, sum_bytes(len, 4,
				    sum_bytes(ph, 4, 0)));
		return p + 40;
	}
	p[0] = 0x45;
	p[1] = 0;
	put16(p + 2, (uint16_t)(20 + plen));
	put16(p + 4, id);
	put16(p + 6, 0x4000);	/* DF */
	p[8] = ttl;
	p[9] = proto;
	p[10] = p[11] = 0;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	put_csum(p + 10, sum_bytes(p, 20, 0));
	*pseudo = sum_bytes(p + 12, 8, sum_bytes(len + 2, 2,
			    sum_bytes(ph + 2, 2, 0)));
	return p + 20;
}

/* The frame side @d of @c sends, built at @f; returns its length. */
static size_t build_tcp(uint8_t *f, struct conn *c, int d, unsigned flags,
			uint32_t seq, uint32_t ack, uint32_t len, uint16_t win)
{
	struct side *me = &c->s[d], *peer = &c->s[!d];
	uint8_t opt[20], *p, *tcp;
	size_t olen = 0;
	uint64_t pseudo;
	uint32_t tsval = me->tsbase + (uint32_t)(g.now / MS);

	if (flags & F_SYN) {
		static const uint8_t plain[12] = { 2, 4, 0, 0, 1, 3, 3, 7,
						   1, 1, 4, 2 };
		if (c->ts) {
			opt[0] = 2, opt[1] = 4;
			put16(opt + 2, c->v6 ? 1440 : 1460);
			opt[4] = 4, opt[5] = 2;
			opt[6] = 8, opt[7] = 10;
			put32(opt + 8, tsval);
			put32(opt + 12, d == SRV ? peer->last_tsval : 0);
			opt[16] = 1, opt[17] = 3, opt[18] = 3, opt[19] = 7;
			olen = 20;
		} else {
			memcpy(opt, plain, sizeof(plain));
			put16(opt + 2, c->v6 ? 1440 : 1460);
			olen = sizeof(plain);
		}
	} else if (c->ts) {
		opt[0] = 1, opt[1] = 1, opt[2] = 8, opt[3] = 10;
		put32(opt + 4, tsval);
		put32(opt + 8, peer->last_tsval);
		olen = 12;
	}
	if (c->ts)
		me->last_tsval = tsval;

	p = eth(f, d == CLI ? router_mac : c->cmac,
		d == CLI ? c->cmac : router_mac, c->v6 ? 0x86dd : 0x0800);
	tcp = ip_hdr(p, c->v6, d == CLI ? c->caddr : c->saddr,
		     d == CLI ? c->saddr : c->caddr, 6, 20 + olen + len,
		     me->ipid++, me->ttl, &pseudo);
	put16(tcp, d == CLI ? c->cport : c->sport);
	put16(tcp + 2, d == CLI ? c->sport : c->cport);
	put32(tcp + 4, seq);
	put32(tcp + 8, flags & F_ACK ? ack : 0);
	tcp[12] = (uint8_t)((20 + olen) / 4 << 4);
	tcp[13] = (uint8_t)flags;
	put16(tcp + 14, win);
	tcp[16] = tcp[17] = tcp[18] = tcp[19] = 0;
	memcpy(tcp + 20, opt, olen);
	/* The same sequence number always carries the same bytes. */
	memcpy(tcp + 20 + olen, g.pattern + (seq & (PATTERN - 1)), len);
	put_csum(tcp + 16, sum_bytes(tcp, 20 + olen + len, pseudo));
	return (size_t)(tcp + 20 + olen + len - f);
}

static void send_tcp(struct conn *c, int d, unsigned flags, uint32_t seq,
		     uint32_t len, int zero_win)
{
	uint16_t win = zero_win ? 0 : c->s[d].win;

	if (flags & F_SYN)
		win = d == CLI ? 64240 : 65160;
	frame_end(build_tcp(frame_begin(), c, d, flags, seq, c->s[d].rcv,
			    len, win));
	g.tcp_frames++;
	c->seen = 1;
}

/* A router's destination unreachable to side @d of @c, quoting the
 * segment (@seq, @len) that side sent: IP header, TCP header and up to 64
 * bytes of payload, as RFC 1812 §4.3.2.3 and RFC 4443 §3.1 allow. */
static void send_unreachable(struct conn *c, int d, uint32_t seq, uint32_t len)
{
	uint8_t quote[FRAME_MAX], *f, *p, *icmp;
	size_t qlen, hdr = 14;
	uint16_t ipid = c->s[d].ipid;
	uint32_t tsval = c->s[d].last_tsval;
	uint64_t pseudo;

	/* the quoted frame, rebuilt as it was sent */
	c->s[d].ipid--;
	qlen = build_tcp(quote, c, d, F_ACK | F_PSH, seq, c->s[d].rcv, len,
			 c->s[d].win) - hdr;
	c->s[d].ipid = ipid;
	c->s[d].last_tsval = tsval;
	if (qlen > (c->v6 ? 40u : 20u) + 32 + 64)
		qlen = (c->v6 ? 40u : 20u) + 32 + 64;

	f = out_begin(g.now + between(20, 900));
	p = eth(f, d == CLI ? c->cmac : router_mac, router_mac,
		c->v6 ? 0x86dd : 0x0800);
	icmp = ip_hdr(p, c->v6, c->v6 ? router6 : router4,
		      d == CLI ? c->caddr : c->saddr, c->v6 ? 58 : 1, 8 + qlen,
		      (uint16_t)rnd(65536), 255, &pseudo);
	icmp[0] = c->v6 ? 1 : 3;	/* destination unreachable */
	icmp[1] = c->v6 ? 3 : 1;	/* address / host unreachable */
	memset(icmp + 2, 0, 6);
	memcpy(icmp + 8, quote + hdr, qlen);
	put_csum(icmp + 2, sum_bytes(icmp, 8 + qlen, c->v6 ? pseudo : 0));
	out_end((size_t)(icmp + 8 + qlen - f));
}

/* Who-has a client, from the router, and the client's answer. */
static void send_arp(void)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t ip[4] = { 198, 18, (uint8_t)rnd(255), (uint8_t)between(1, 254) };
	uint8_t mac[6] = { 0x02, 0xc1, 0x00, 0x00, ip[2], ip[3] };
	int reply;

	for (reply = 0; reply < 2; reply++) {
		uint8_t *f = out_begin(g.now + (reply ? between(50, 500) : 0)), *p;

		p = eth(f, reply ? router_mac : bcast, reply ? mac : router_mac,
			0x0806);
		put16(p, 1);		/* Ethernet */
		put16(p + 2, 0x0800);
		p[4] = 6;
		p[5] = 4;
		put16(p + 6, reply ? 2 : 1);
		memcpy(p + 8, reply ? mac : router_mac, 6);
		memcpy(p + 14, reply ? ip : router4, 4);
		memcpy(p + 18, reply ? router_mac : (const uint8_t *)"\0\0\0\0\0\0", 6);
		memcpy(p + 24, reply ? router4 : ip, 4);
		memset(p + 28, 0, 18);	/* padding to 60 bytes */
		out_end(60);
	}
}

/* A DNS query for an A record at @p, or its answer; returns its length. */
static size_t dns(uint8_t *p, uint16_t id, const uint8_t *name, int answer)
{
	static const uint8_t tail[] = { 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
					3, 'c', 'o', 'm', 0, 0, 1, 0, 1 };
	size_t n = 12;

	put16(p, id);
	put16(p + 2, answer ? 0x8180 : 0x0100);
	put16(p + 4, 1);
	put16(p + 6, answer ? 1 : 0);
	put32(p + 8, 0);
	p[n++] = 8;
	memcpy(p + n, name, 8);
	n += 8;
	memcpy(p + n, tail, sizeof(tail));
	n += sizeof(tail);
	if (answer) {
		static const uint8_t rr[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e,
					      0x10, 0, 4, 198, 19, 0 };
		memcpy(p + n, rr, sizeof(rr));
		n += sizeof(rr);
		p[n++] = name[0];	/* the server the name is for */
	}
	return n;
}

/* A DNS query and its answer, from a random client. */
static void send_udp(void)
{
	int v6 = pct(15);
	uint8_t cli[16] = { 0 }, srv[16] = { 0 };
	uint8_t mac[6] = { 0x02, 0xc1, 0, 0, 0, 0 };
	uint16_t port = (uint16_t)between(32768, 60999);
	uint16_t id = (uint16_t)rnd(65536);
	uint8_t name[8];
	int reply, i;

	for (i = 0; i < 8; i++)
		name[i] = (uint8_t)('a' + rnd(26));

	if (v6) {
		memcpy(cli, router6, 8);
		memcpy(srv, router6, 8);
		srv[5] = 0x19;
		cli[14] = (uint8_t)rnd(16);
		cli[15] = (uint8_t)between(1, 254);
		srv[15] = 53;
	} else {
		cli[0] = srv[0] = 198;
		cli[1] = 18, srv[1] = 19;
		cli[2] = (uint8_t)rnd(255);
		cli[3] = (uint8_t)between(1, 254);
		srv[3] = 53;
	}
	mac[4] = cli[v6 ? 14 : 2];
	mac[5] = cli[v6 ? 15 : 3];
	for (reply = 0; reply < 2; reply++) {
		uint8_t *f = out_begin(g.now + (reply ? between(200, 3000) : 0));
		uint8_t *p, *udp;
		uint8_t msg[128];
		uint32_t len = (uint32_t)dns(msg, id, name, reply);
		uint64_t pseudo;

		p = eth(f, reply ? mac : router_mac, reply ? router_mac : mac,
			v6 ? 0x86dd : 0x0800);
		udp = ip_hdr(p, v6, reply ? srv : cli, reply ? cli : srv, 17,
			     8 + len, (uint16_t)rnd(65536), reply ? 60 : 64,
			     &pseudo);
		put16(udp, reply ? 53 : port);
		put16(udp + 2, reply ? port : 53);
		put16(udp + 4, (uint16_t)(8 + len));
		udp[6] = udp[7] = 0;
		memcpy(udp + 8, msg, len);
		put_csum(udp + 6, sum_bytes(udp, 8 + len, pseudo));
		out_end((size_t)(udp + 8 + len - f));
	}
}

/* --- the connections' timeline: a binary heap on (t, id) --- */

static int before(const struct conn *a, const struct conn *b)
{
	return a->t < b->t || (a->t == b->t && a->id < b->id);
}

static void heap_push(struct conn *c)
{
	size_t i = g.nheap++;

	while (i && before(c, g.heap[(i - 1) / 2])) {
		g.heap[i] = g.heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	g.heap[i] = c;
}

static struct conn *heap_pop(void)
{
	struct conn *top = g.heap[0], *last = g.heap[--g.nheap];
	size_t i = 0, n = g.nheap;

	for (;;) {
		size_t l = 2 * i + 1, m = l;

		if (l >= n)
			break;
		if (l + 1 < n && before(g.heap[l + 1], g.heap[l]))
			m = l + 1;
		if (!before(g.heap[m], last))
			break;
		g.heap[i] = g.heap[m];
		i = m;
	}
	if (n)
		g.heap[i] = last;
	return top;
}

/* --- connections --- */

static uint32_t response_size(void)
{
	unsigned u = rnd(100);

	if (u < 55)
		return (uint32_t)rnd_log(100, 4000);
	if (u < 90)
		return (uint32_t)rnd_log(4000, 48000);
	if (u < 99)
		return (uint32_t)rnd_log(48000, 256000);
	return (uint32_t)rnd_log(256000, 2000000);
}

static uint32_t request_size(void)
{
	return pct(90) ? (uint32_t)between(60, 1400)
		       : (uint32_t)rnd_log(2000, 200000);
}

static void conn_new(uint64_t t)
{
	static const uint16_t ports[] = { 443, 443, 443, 443, 80, 80, 5432,
					  5432, 6379, 7000 };
	struct conn *c = g.free;
	uint16_t *pp;
	unsigned h, u;

	if (c)
		g.free = c->next_free;
	else if (!(c = malloc(sizeof(*c)))) {
		perror("gen_capture");
		exit(1);
	}
	memset(c, 0, sizeof(*c));
	c->t = t;
	c->id = g.made++;
	c->v6 = pct(15);
	c->ts = pct(85);
	if (c->v6) {
		h = rnd(4096);
		memcpy(c->caddr, router6, 8);
		memcpy(c->saddr, router6, 8);
		c->saddr[5] = 0x19;
		c->caddr[14] = (uint8_t)(h >> 8);
		c->caddr[15] = (uint8_t)h;
		c->saddr[15] = (uint8_t)between(1, 16);
		pp = &g.ports6[h];
	} else {
		h = rnd(255) << 8 | (unsigned)between(1, 253);
		c->caddr[0] = c->saddr[0] = 198;
		c->caddr[1] = 18, c->saddr[1] = 19;
		c->caddr[2] = (uint8_t)(h >> 8);
		c->caddr[3] = (uint8_t)h;
		c->saddr[3] = (uint8_t)between(1, 16);
		pp = &g.ports4[h];
	}
	/* like Linux, a client's ports go up from a random start */
	if (!*pp)
		*pp = (uint16_t)between(32768, 60999);
	c->cport = *pp;
	*pp += (uint16_t)between(1, 8);
	if (*pp > 60999)
		*pp = (uint16_t)(32768 + *pp - 61000);
	c->sport = ports[rnd(sizeof(ports) / sizeof(ports[0]))];
	c->cmac[0] = 0x02, c->cmac[1] = 0xc1;
	memcpy(c->cmac + 2, c->caddr + (c->v6 ? 12 : 0), 4);

	for (u = 0; u < 2; u++) {
		c->s[u].nxt = (uint32_t)rnd64();
		c->s[u].tsbase = (uint32_t)rnd64();
		c->s[u].win = (uint16_t)between(200, 4000);
		c->s[u].ipid = (uint16_t)rnd64();
	}
	c->s[CLI].ttl = 64;
	c->s[SRV].ttl = (uint8_t)(64 - between(2, 20));
	c->rtt = rnd_log(200, 150 * MS);
	c->gap = rnd_log(50, 3000);
	c->rto = 200 * MS + c->rtt;
	c->mss = c->v6 ? 1428 : 1448;
	u = rnd(100);
	c->rounds = u < 60 ? 1 : u < 90 ? (uint32_t)between(2, 4)
				       : (uint32_t)between(5, 12);
	c->dir = SRV;	/* as if a response had just ended */
	c->losses = pct(20) ? (uint8_t)between(1, 3) : 0;

	u = rnd(100);
	if (u < 40) {
		c->kind = K_FIN;
	} else if (u < 45) {
		c->kind = K_FIN;
		c->zw = 1;
		c->zw_byte = pct(60);
		c->losses = 0;
	} else if (u < 65) {
		c->kind = K_RST;
	} else if (u < 80) {
		c->kind = K_TIMEOUT;
	} else if (u < 90) {
		c->kind = K_KEEPALIVE;
	} else {
		c->kind = K_OPEN;
	}
	c->variant = (uint8_t)rnd(100);
	c->by = (uint8_t)rnd(2);
	c->state = S_SYN;
	heap_push(c);
}

static void addr_str(char *out, size_t n, const uint8_t *a, int v6)
{
	inet_ntop(v6 ? AF_INET6 : AF_INET, a, out, (socklen_t)n);
}

static void write_truth(struct conn *c, enum kind kind)
{
	char ca[64], sa[64];

	g.ended[kind]++;
	if (!g.truth)
		return;
	addr_str(ca, sizeof(ca), c->caddr, c->v6);
	addr_str(sa, sizeof(sa), c->saddr, c->v6);
	fprintf(g.truth, "%s,%u,%s,%u,%s,", ca, c->cport, sa, c->sport,
		kind_name[kind]);
	if (kind != K_OPEN)
		fprintf(g.truth, c->v6 ? "[%s]:%u" : "%s:%u",
			c->by == CLI ? ca : sa,
			c->by == CLI ? c->cport : c->sport);
	fputc('\n', g.truth);
}

static void finish(struct conn *c, enum kind kind)
{
	write_truth(c, kind);
	c->state = S_DONE;
}

/* The next segment's payload: whole MSS mostly, sometimes what a smaller
 * write left. */
static uint32_t seg_len(struct conn *c)
{
	uint32_t n = c->left < c->mss ? c->left : c->mss;

	if (n == c->mss && pct(45))
		n = (uint32_t)between(200, c->mss);
	return n;
}

/* Once the requests and responses are over: the ending. */
static void start_ending(struct conn *c)
{
	switch (c->kind) {
	case K_FIN:
		c->state = S_FIN1;
		c->t += rnd_log(100, 500 * MS);
		break;
	case K_RST:
		if (c->variant < 50) {
			c->state = S_RST;
		} else {
			c->state = S_FIN1;	/* then data, then RST */
			c->phase = P_HALF;
		}
		c->t += rnd_log(100, 500 * MS);
		break;
	case K_TIMEOUT:
		c->state = S_TO_SEND;
		c->dir = c->by;
		c->left = (uint32_t)between(1, 3 * c->mss);
		c->n = (uint32_t)between(3, 6);
		c->k = 0;
		c->lost_len = 0;
		c->icmp = pct(10);
		c->t += rnd_log(100, 1000 * MS);
		break;
	case K_KEEPALIVE:
		c->state = S_KA;
		c->n = (uint32_t)between(3, 9);
		c->ival = between(200, 1500) * MS;
		c->t += between(500, 4000) * MS;
		break;
	default:
		if (c->variant < 50) {
			finish(c, K_OPEN);
		} else {	/* answered keepalives, then quiet */
			c->state = S_KA;
			c->n = (uint32_t)between(1, 3);
			c->ival = between(200, 1500) * MS;
			c->t += between(500, 4000) * MS;
		}
	}
}

/* Between transfers: the next request, its response, or the ending. */
static void turn(struct conn *c)
{
	if (c->phase == P_HALF && c->kind == K_FIN) {
		c->state = S_FIN2;
		c->t += rnd_log(50, 50 * MS);
		return;
	}
	if (c->dir == CLI) {
		c->dir = SRV;
		c->left = response_size();
		if (c->zw == 1 && !c->rounds) {
			if (c->left < 64000)
				c->left = (uint32_t)rnd_log(64000, 1000000);
			c->zw_at = c->left / 2;
		}
		c->state = S_DATA;
		c->t += rnd_log(50, 50 * MS);
		return;
	}
	if (!c->rounds) {
		start_ending(c);
		return;
	}
	/* the first request follows the handshake, the others think */
	c->t += c->talked ? rnd_log(10 * MS, 6 * SEC) : 0;
	c->talked = 1;
	c->rounds--;
	c->dir = CLI;
	c->left = request_size();
	c->state = S_DATA;
}

/* Run @c's next step: one or two frames, then when the next one is due. */
static void step(struct conn *c)
{
	int d = c->dir, e = !d, a = c->by, b = !c->by;
	uint32_t len, seq;

	switch (c->state) {
	case S_SYN:
		send_tcp(c, CLI, F_SYN, c->s[CLI].nxt++, 0, 0);
		c->s[SRV].rcv = c->s[CLI].nxt;
		c->state = S_SYNACK;
		c->t += c->rtt;
		break;
	case S_SYNACK:
		send_tcp(c, SRV, F_SYN | F_ACK, c->s[SRV].nxt++, 0, 0);
		c->s[CLI].rcv = c->s[SRV].nxt;
		c->state = S_ACK3;
		c->t += between(5, 60);
		break;
	case S_ACK3:
		send_tcp(c, CLI, F_ACK, c->s[CLI].nxt, 0, 0);
		c->state = S_TURN;
		c->t += between(5, 2000);
		break;
	case S_TURN:
		turn(c);
		break;
	case S_DATA:
		len = seg_len(c);
		seq = c->s[d].nxt;
		c->s[d].nxt += len;
		c->left -= len;
		send_tcp(c, d, F_ACK | (c->left ? 0 : F_PSH), seq, len, 0);
		if (c->lost) {
			c->state = S_ACK;	/* a duplicate ACK */
			c->t += c->gap / 2 + 1;
			break;
		}
		if (c->losses && rnd(1000) < 30 && c->phase == P_ROUNDS) {
			c->losses--;
			c->lost = 1;
			c->dups = 0;
			c->lost_seq = seq;
			c->lost_len = len;
			if (c->left) {
				c->state = S_DATA;
				c->t += c->gap;
			} else if (c->unacked) {
				c->state = S_ACK;
				c->t += c->gap / 2 + 1;
			} else {
				c->state = S_RETX;
				c->t += c->rto;
			}
			break;
		}
		c->s[e].rcv = c->s[d].nxt;
		c->unacked++;
		if (!c->left) {
			/* a request's last segment is acked by the response */
			if (d == CLI && c->phase == P_ROUNDS) {
				c->unacked = 0;
				c->state = S_TURN;
			} else {
				c->state = S_ACK;
				c->t += c->unacked > 1 ? c->gap / 2 + 1
						       : between(1, 40) * MS;
			}
		} else if (c->unacked >= 2) {
			c->state = S_ACK;
			c->t += c->gap / 2 + 1;
		} else {
			c->t += c->gap;
		}
		break;
	case S_ACK:
		if (c->lost) {
			send_tcp(c, e, F_ACK, c->s[e].nxt, 0, 0);
			c->dups++;
			c->unacked = 0;
			if (c->dups >= 3) {
				c->state = S_RETX;
				c->t += c->gap + c->rtt / 4;
			} else if (c->left) {
				c->state = S_DATA;
				c->t += c->gap;
			} else {
				c->state = S_RETX;
				c->t += c->rto;
			}
			break;
		}
		if (c->kind == K_RST && c->variant >= 85 && d == SRV &&
		    !c->rounds && c->left && c->left < 40000) {
			/* the client gives up on the download */
			c->by = CLI;
			send_tcp(c, CLI, F_RST | F_ACK, c->s[CLI].nxt, 0, 0);
			finish(c, K_RST);
			break;
		}
		if (c->zw == 1 && d == SRV && !c->rounds && c->left &&
		    c->left <= c->zw_at) {
			send_tcp(c, e, F_ACK, c->s[e].nxt, 0, 1);
			c->zw = 2;
			c->k = 0;
			c->n = (uint32_t)between(2, 6);
			c->unacked = 0;
			c->state = S_ZWP;
			c->t += c->rto;
			break;
		}
		send_tcp(c, e, F_ACK, c->s[e].nxt, 0, 0);
		c->unacked = 0;
		if (c->left) {
			c->state = S_DATA;
			c->t += c->gap;
		} else {
			c->state = S_TURN;
		}
		break;
	case S_RETX:
		send_tcp(c, d, F_ACK | F_PSH, c->lost_seq, c->lost_len, 0);
		c->lost = 0;
		c->s[e].rcv = c->s[d].nxt;
		c->unacked = 1;
		c->state = S_ACK;
		c->t += c->gap / 2 + 1;
		break;
	case S_ZWP:
		if (c->zw_byte)
			send_tcp(c, d, F_ACK, c->s[d].nxt, 1, 0);
		else
			send_tcp(c, d, F_ACK, c->s[d].nxt - 1, 0, 0);
		c->state = S_ZWACK;
		c->t += c->rtt;
		break;
	case S_ZWACK:
		send_tcp(c, e, F_ACK, c->s[e].nxt, 0, 1);
		if (++c->k < c->n) {
			c->state = S_ZWP;
			c->t += c->rto << c->k;
		} else {
			c->state = S_ZWOPEN;
			c->t += rnd_log(5 * MS, 500 * MS);
		}
		break;
	case S_ZWOPEN:
		send_tcp(c, e, F_ACK, c->s[e].nxt, 0, 0);
		c->zw = 3;
		c->state = S_DATA;
		c->t += c->rtt;
		break;
	case S_FIN1:
		send_tcp(c, a, F_FIN | F_ACK, c->s[a].nxt++, 0, 0);
		c->s[b].rcv = c->s[a].nxt;
		if (c->kind == K_FIN && c->variant < 55) {
			c->state = S_FIN2;	/* FIN, FIN-ACK, ACK */
			c->t += c->rtt;
		} else {
			c->state = S_FINACK;
			c->t += c->rtt;
		}
		break;
	case S_FINACK:
		send_tcp(c, b, F_ACK, c->s[b].nxt, 0, 0);
		if (c->kind == K_RST) {
			c->state = S_LATE;
			c->t += rnd_log(MS, 300 * MS);
		} else if (c->variant < 85) {
			c->state = S_FIN2;
			c->t += rnd_log(100, 100 * MS);
		} else {	/* half-close: the peer still has data */
			c->phase = P_HALF;
			c->dir = (uint8_t)b;
			c->left = (uint32_t)rnd_log(100, 40000);
			c->state = S_DATA;
			c->t += rnd_log(100, 20 * MS);
		}
		break;
	case S_FIN2:
		send_tcp(c, b, F_FIN | F_ACK, c->s[b].nxt++, 0, 0);
		c->s[a].rcv = c->s[b].nxt;
		c->state = S_LASTACK;
		c->t += c->rtt;
		break;
	case S_LASTACK:
		send_tcp(c, a, F_ACK, c->s[a].nxt, 0, 0);
		finish(c, K_FIN);
		break;
	case S_LATE:
		len = (uint32_t)between(1, c->mss);
		send_tcp(c, b, F_ACK | F_PSH, c->s[b].nxt, len, 0);
		c->s[b].nxt += len;
		c->state = S_RST;
		c->t += c->rtt;
		break;
	case S_RST:
		/* after its FIN, the closed side answers with a bare RST at
		 * the sequence number the data acknowledged */
		send_tcp(c, a, c->phase == P_HALF ? F_RST : F_RST | F_ACK,
			 c->s[a].nxt, 0, 0);
		finish(c, K_RST);
		break;
	case S_TO_SEND:
		len = seg_len(c);
		seq = c->s[d].nxt;
		if (!c->lost_len) {
			c->lost_seq = seq;
			c->lost_len = len;
		}
		c->s[d].nxt += len;
		c->left -= len;
		send_tcp(c, d, F_ACK | (c->left ? 0 : F_PSH), seq, len, 0);
		if (c->left) {
			c->t += c->gap;
		} else {
			c->state = S_TO_RETX;
			c->t += c->rto;
		}
		break;
	case S_TO_RETX:
		send_tcp(c, d, F_ACK | F_PSH, c->lost_seq, c->lost_len, 0);
		if (++c->k == 2 && c->icmp)
			send_unreachable(c, d, c->lost_seq, c->lost_len);
		if (c->k >= c->n)
			finish(c, K_TIMEOUT);
		else
			c->t += c->rto << c->k;
		break;
	case S_KA:
		send_tcp(c, a, F_ACK, c->s[a].nxt - 1, 0, 0);
		c->k++;
		if (c->kind == K_OPEN) {
			c->state = S_KAACK;
			c->t += c->rtt;
		} else if (c->k >= c->n) {
			c->state = S_KARST;
			c->t += c->ival;
		} else {
			c->t += c->ival;
		}
		break;
	case S_KAACK:
		send_tcp(c, b, F_ACK, c->s[b].nxt, 0, 0);
		if (c->k < c->n) {
			c->state = S_KA;
			c->t += c->ival;
		} else {
			finish(c, K_OPEN);
		}
		break;
	case S_KARST:
		send_tcp(c, a, F_RST | F_ACK, c->s[a].nxt, 0, 0);
		finish(c, K_KEEPALIVE);
		break;
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: gen_capture [--truth FILE] OUT.pcap SIZE_MB [SEED]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *truth = NULL, *pos[3];
	int npos = 0, i;
	uint8_t hdr[24];
	uint64_t seed = 1, conns;
	double mb;
	char *end;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--truth") && i + 1 < argc)
			truth = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			usage();
		else if (npos < 3)
			pos[npos++] = argv[i];
		else
			usage();
	}
	if (npos < 2)
		usage();
	mb = strtod(pos[1], &end);
	if (*end || !(mb > 0))
		usage();
	if (npos == 3) {
		seed = strtoull(pos[2], &end, 0);
		if (*end)
			usage();
	}
	g.path = pos[0];
	g.target = (uint64_t)(mb * 1e6);
	g.rng = seed * 0x2545f4914f6cdd1dull + 1;
	g.buf = malloc(OUTBUF);
	g.heap = malloc(sizeof(*g.heap) * (CONCURRENT + 1));
	g.ports4 = calloc(65536, sizeof(*g.ports4));
	g.ports6 = calloc(4096, sizeof(*g.ports6));
	if (!g.buf || !g.heap || !g.ports4 || !g.ports6) {
		perror("gen_capture");
		return 1;
	}
	/* the tail repeats the head: a segment may run past PATTERN */
	for (i = 0; i < (int)PATTERN; i++)
		g.pattern[i] = (uint8_t)(rnd64() >> 56);
	memcpy(g.pattern + PATTERN, g.pattern, FRAME_MAX);
	if (!(g.out = fopen(g.path, "wb"))) {
		fprintf(stderr, "gen_capture: %s: %s\n", g.path, strerror(errno));
		return 1;
	}
	if (truth && !(g.truth = fopen(truth, "w"))) {
		fprintf(stderr, "gen_capture: %s: %s\n", truth, strerror(errno));
		return 1;
	}
	if (g.truth)
		fputs("client_addr,client_port,server_addr,server_port,kind,by\n",
		      g.truth);

	le32(hdr, 0xa1b2c3d4u);
	hdr[4] = 2, hdr[5] = 0, hdr[6] = 4, hdr[7] = 0;	/* version 2.4 */
	memset(hdr + 8, 0, 8);				/* thiszone, sigfigs */
	le32(hdr + 16, SNAPLEN);
	le32(hdr + 20, 1);				/* LINKTYPE_ETHERNET */
	memcpy(g.buf, hdr, 24);
	g.pos = g.written = 24;

	/* the first connections start over the first two seconds */
	for (i = 0; i < CONCURRENT; i++)
		conn_new(rnd64() % (2 * SEC));
	g.next_noise = between(1, 199);
	g.next_arp = between(2000, 8000);

	while (g.written < g.target) {
		struct conn *c = heap_pop();

		if (c->t > g.now)
			g.now = c->t;
		flush_later(g.now);
		step(c);
		if (c->state == S_DONE) {
			c->next_free = g.free;
			g.free = c;
			conn_new(g.now + rnd64() % (2 * MS));
		} else {
			heap_push(c);
		}
		/* noise is due by TCP frame counts, each pair ~1 % */
		if (g.tcp_frames >= g.next_noise) {
			send_udp();
			g.next_noise = g.tcp_frames + between(1, 199);
		}
		if (g.tcp_frames >= g.next_arp) {
			send_arp();
			g.next_arp = g.tcp_frames + between(2000, 8000);
		}
	}
	flush_out();
	if (fclose(g.out)) {
		fprintf(stderr, "gen_capture: %s: %s\n", g.path, strerror(errno));
		return 1;
	}
	/* what is still alive was cut by the end of the capture */
	for (i = 0; i < (int)g.nheap; i++)
		if (g.heap[i]->seen)
			write_truth(g.heap[i], K_OPEN);
	if (g.truth && fclose(g.truth)) {
		fprintf(stderr, "gen_capture: %s: %s\n", truth, strerror(errno));
		return 1;
	}

	for (conns = 0, i = 0; i < K_N; i++)
		conns += g.ended[i];
	printf("%s: %llu bytes, %llu frames, %llu TCP connections, %.1f s\n",
	       g.path, (unsigned long long)g.written,
	       (unsigned long long)g.frames, (unsigned long long)conns,
	       (double)g.last_ts / SEC);
	printf("endings:");
	for (i = 0; i < K_N; i++)
		printf(" %s %llu (%.0f %%)", kind_name[i],
		       (unsigned long long)g.ended[i],
		       conns ? 100.0 * (double)g.ended[i] / (double)conns : 0);
	printf("\n");
	return 0;
}
