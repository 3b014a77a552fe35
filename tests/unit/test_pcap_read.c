/* Reading pcap files: frames written with libpcap come back decoded, with
 * nanosecond timestamps and classified; bad files are errors that name the
 * file. Checksums in the frames are zero: nothing verifies them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "captures/pcap_read.h"

#include "frames.h"

/* 198.18.0.1.45678 > 198.18.0.2.7000: Flags [P.], seq 200:205, ack 100, win 63,
 *   length 5 */
static const uint8_t frame_data[] = {
	/* Ethernet */
	ETH_TO_SERVER, 0x08, 0x00,
	/* IPv4: len 45 */
	0x45, 0x00, 0x00, 0x2d, 0x00, 0x02, 0x40, 0x00,
	0x40, 0x06, 0x00, 0x00, IP_CLIENT, IP_SERVER,
	/* TCP: 45678 > 7000, seq 200, ack 100, doff 5, [P.], win 63 */
	0xb2, 0x6e, 0x1b, 0x58,
	0x00, 0x00, 0x00, 0xc8, 0x00, 0x00, 0x00, 0x64,
	0x50, 0x18, 0x00, 0x3f, 0x00, 0x00, 0x00, 0x00,
	/* payload */
	'h', 'e', 'l', 'l', 'o',
};

/* The keepalive probe once the data is acknowledged:
 * 198.18.0.1.45678 > 198.18.0.2.7000: Flags [.], ack 100, win 63, length 0
 * (tcpdump shows no seq for an empty ACK; it is 204) */
static const uint8_t frame_probe[] = {
	/* Ethernet */
	ETH_TO_SERVER, 0x08, 0x00,
	/* IPv4: len 40 */
	0x45, 0x00, 0x00, 0x28, 0x00, 0x03, 0x40, 0x00,
	0x40, 0x06, 0x00, 0x00, IP_CLIENT, IP_SERVER,
	/* TCP: 45678 > 7000, seq 204, ack 100, doff 5, [.], win 63 */
	0xb2, 0x6e, 0x1b, 0x58,
	0x00, 0x00, 0x00, 0xcc, 0x00, 0x00, 0x00, 0x64,
	0x50, 0x10, 0x00, 0x3f, 0x00, 0x00, 0x00, 0x00,
};

/* A temporary file's path; the file exists and is empty. */
static void temp_path(char *path, size_t len)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, len, "%s/unplug-pcap-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
}

static void dump(pcap_dumper_t *w, const uint8_t *frame, size_t caplen,
		 size_t len, long sec, long frac)
{
	struct pcap_pkthdr h = {
		.caplen = (bpf_u_int32)caplen, .len = (bpf_u_int32)len,
	};

	h.ts.tv_sec = sec;
	h.ts.tv_usec = frac;	/* nanoseconds in a nanosecond pcap */
	pcap_dump((u_char *)w, &h, frame);
}

/* Open a pcap writer of @linktype and @precision on @path. */
static pcap_dumper_t *writer(const char *path, int linktype, int precision,
			     pcap_t **dead)
{
	pcap_dumper_t *w;

	*dead = pcap_open_dead_with_tstamp_precision(linktype, 65535, precision);
	assert_non_null(*dead);
	w = pcap_dump_open(*dead, path);
	assert_non_null(w);
	return w;
}

static void test_roundtrip(void **state)
{
	struct packet_list l = { 0 };
	pcap_dumper_t *w;
	char path[256];
	struct diag d;
	pcap_t *dead;

	(void)state;
	temp_path(path, sizeof(path));
	w = writer(path, DLT_EN10MB, PCAP_TSTAMP_PRECISION_NANO, &dead);
	dump(w, frame_arp, sizeof(frame_arp), sizeof(frame_arp), 1795347281, 770604123);
	dump(w, frame_udp, sizeof(frame_udp), sizeof(frame_udp), 1795347281, 770604124);
	dump(w, frame_data, sizeof(frame_data), sizeof(frame_data), 1795347282, 1);
	dump(w, frame_data, sizeof(frame_data), sizeof(frame_data), 1795347283, 999999999);
	dump(w, frame_data, 30, sizeof(frame_data), 1795347284, 0);	/* malformed */
	dump(w, frame_probe, sizeof(frame_probe), sizeof(frame_probe), 1795354484, 5);
	pcap_dump_close(w);
	pcap_close(dead);

	diag_init(&d, NULL);
	assert_int_equal(pcap_read_file(path, &l, &d), 0);
	assert_int_equal(d.count, 0);
	/* the UDP frame and the cut one are skipped */
	assert_int_equal(l.n, 4);
	assert_int_equal(l.v[0].proto, PACKET_ARP);
	assert_int_equal(l.v[0].t_ns, 1795347281770604123LL);
	assert_int_equal(l.v[1].t_ns, 1795347282000000001LL);
	assert_int_equal(l.v[2].t_ns, 1795347283999999999LL);
	assert_int_equal(l.v[3].t_ns, 1795354484000000005LL);
	assert_int_equal(l.v[1].cls, PKT_CLS_DATA);
	assert_int_equal(l.v[2].cls, PKT_CLS_DATA | PKT_CLS_RETRANSMISSION);
	assert_int_equal(l.v[3].cls, PKT_CLS_KEEPALIVE);

	/* a second file appends, and is classified on its own */
	assert_int_equal(pcap_read_file(path, &l, &d), 0);
	assert_int_equal(l.n, 8);
	assert_int_equal(l.v[5].cls, PKT_CLS_DATA);
	packet_list_clear(&l);
	diag_clear(&d);
	unlink(path);
}

static void test_microseconds(void **state)
{
	struct packet_list l = { 0 };
	pcap_dumper_t *w;
	char path[256];
	struct diag d;
	pcap_t *dead;

	(void)state;
	temp_path(path, sizeof(path));
	w = writer(path, DLT_EN10MB, PCAP_TSTAMP_PRECISION_MICRO, &dead);
	dump(w, frame_arp, sizeof(frame_arp), sizeof(frame_arp), 1795347281, 770604);
	pcap_dump_close(w);
	pcap_close(dead);

	diag_init(&d, NULL);
	assert_int_equal(pcap_read_file(path, &l, &d), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].t_ns, 1795347281770604000LL);
	packet_list_clear(&l);
	diag_clear(&d);
	unlink(path);
}

static void test_missing_file(void **state)
{
	struct packet_list l = { 0 };
	struct diag d;

	(void)state;
	diag_init(&d, NULL);
	assert_int_equal(pcap_read_file("/nonexistent/server.pcap", &l, &d), -ENOENT);
	assert_int_equal(d.count, 1);
	assert_non_null(strstr(diag_last(&d), "/nonexistent/server.pcap: cannot read capture: "));
	assert_int_equal(l.n, 0);
	diag_clear(&d);
}

static void test_not_a_pcap(void **state)
{
	struct packet_list l = { 0 };
	char path[256];
	struct diag d;
	FILE *f;

	(void)state;
	temp_path(path, sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("name: not a capture\n", f);
	fclose(f);
	diag_init(&d, NULL);
	assert_int_equal(pcap_read_file(path, &l, &d), -EINVAL);
	assert_int_equal(d.count, 1);
	assert_non_null(strstr(diag_last(&d), path));
	assert_non_null(strstr(diag_last(&d), ": cannot read capture: "));
	assert_int_equal(l.n, 0);
	diag_clear(&d);
	unlink(path);
}

static void test_cut_short(void **state)
{
	struct packet_list l = { 0 };
	pcap_dumper_t *w;
	char path[256];
	struct diag d;
	struct stat st;
	pcap_t *dead;

	(void)state;
	/* a writer killed in the middle of its second record */
	temp_path(path, sizeof(path));
	w = writer(path, DLT_EN10MB, PCAP_TSTAMP_PRECISION_NANO, &dead);
	dump(w, frame_data, sizeof(frame_data), sizeof(frame_data), 1, 0);
	dump(w, frame_data, sizeof(frame_data), sizeof(frame_data), 2, 0);
	pcap_dump_close(w);
	pcap_close(dead);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - 10), 0);

	diag_init(&d, NULL);
	assert_int_equal(pcap_read_file(path, &l, &d), -EIO);
	assert_non_null(strstr(diag_last(&d), path));
	/* what came before the cut is kept */
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].cls, PKT_CLS_DATA);
	packet_list_clear(&l);
	diag_clear(&d);
	unlink(path);
}

static void test_unsupported_link_type(void **state)
{
	struct packet_list l = { 0 };
	pcap_dumper_t *w;
	char path[256];
	struct diag d;
	pcap_t *dead;

	(void)state;
	temp_path(path, sizeof(path));
	w = writer(path, DLT_IEEE802_11, PCAP_TSTAMP_PRECISION_NANO, &dead);
	dump(w, frame_data, sizeof(frame_data), sizeof(frame_data), 1, 0);
	pcap_dump_close(w);
	pcap_close(dead);

	diag_init(&d, NULL);
	assert_int_equal(pcap_read_file(path, &l, &d), -EPROTONOSUPPORT);
	assert_non_null(strstr(diag_last(&d), "IEEE802_11"));
	assert_int_equal(l.n, 0);
	diag_clear(&d);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_microseconds),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_not_a_pcap),
		cmocka_unit_test(test_cut_short),
		cmocka_unit_test(test_unsupported_link_type),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
