/* Annotated frames shared by the decoder and pcap reader tests: the
 * hosts' addresses, and frames each test file needs, with what tcpdump
 * prints for them. */
#ifndef TESTS_UNIT_FRAMES_H
#define TESTS_UNIT_FRAMES_H

#include <stdint.h>

#define MAC_CLIENT 0x02, 0x00, 0x00, 0x00, 0x00, 0x01
#define MAC_SERVER 0x02, 0x00, 0x00, 0x00, 0x00, 0x02
#define ETH_TO_CLIENT MAC_CLIENT, MAC_SERVER
#define ETH_TO_SERVER MAC_SERVER, MAC_CLIENT
#define IP_CLIENT 198, 18, 0, 1
#define IP_SERVER 198, 18, 0, 2
#define IP6_HOST(n) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (n)
#define PORTS_TO_CLIENT 0x1b, 0x58, 0xb2, 0x6e	/* 7000 > 45678 */
#define PORTS_TO_SERVER 0xb2, 0x6e, 0x1b, 0x58	/* 45678 > 7000 */

/* 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42:
 * Request who-has 198.18.0.2 tell 198.18.0.1, length 28 */
static const uint8_t frame_arp[] = {
	/* Ethernet */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, MAC_CLIENT, 0x08, 0x06,
	/* ARP: Ethernet, IPv4, hlen 6, plen 4, request */
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	MAC_CLIENT, IP_CLIENT,				/* sender */
	0, 0, 0, 0, 0, 0, IP_SERVER,			/* target */
};

/* 198.18.0.1.40000 > 198.18.0.2.9: UDP, length 0 */
static const uint8_t frame_udp[] = {
	/* Ethernet */
	ETH_TO_SERVER, 0x08, 0x00,
	/* IPv4: len 28, UDP */
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x05, 0x00, 0x00,
	0x40, 0x11, 0x00, 0x00, IP_CLIENT, IP_SERVER,
	/* UDP: 40000 > 9, len 8 */
	0x9c, 0x40, 0x00, 0x09, 0x00, 0x08, 0x00, 0x00,
};

#endif
