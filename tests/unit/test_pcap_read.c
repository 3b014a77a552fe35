/* Reading pcap files: frames written with libpcap come back decoded, with
 * nanosecond timestamps and classified; bad files are errors that name the
 * file. */
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
#include <unistd.h>

#include "captures/pcap_read.h"
#include "packet_fixtures.h"

static void dump(pcap_dumper_t *w, const uint8_t *frame, size_t len, long sec, long nsec)
{
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)len, .len = (bpf_u_int32)len };

	h.ts.tv_sec = sec;
	h.ts.tv_usec = nsec;	/* nanoseconds in a nanosecond pcap */
	pcap_dump((u_char *)w, &h, frame);
}

static void test_roundtrip(void **state)
{
	char path[] = "/tmp/unplug-pcap-XXXXXX";
	struct packet_list l = { 0 };
	pcap_dumper_t *w;
	struct diag d;
	pcap_t *dead;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO);
	w = pcap_dump_open(dead, path);
	assert_non_null(w);
	dump(w, frame_arp, sizeof(frame_arp), 1795347281, 770604123);
	dump(w, frame_udp, sizeof(frame_udp), 1795347281, 770604124);	/* skipped */
	dump(w, frame_data_opts, sizeof(frame_data_opts), 1795347282, 1);
	dump(w, frame_data_opts, sizeof(frame_data_opts), 1795347283, 999999999);
	dump(w, frame_ack, 20, 1795347284, 0);				/* truncated: skipped */
	pcap_dump_close(w);
	pcap_close(dead);

	diag_init(&d, NULL);
	assert_int_equal(pcap_read_file(path, &l, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.v[0].proto, PACKET_ARP);
	assert_int_equal(l.v[0].t_ns, 1795347281770604123LL);
	assert_int_equal(l.v[1].t_ns, 1795347282000000001LL);
	assert_int_equal(l.v[1].cls, PKT_CLS_DATA);
	assert_int_equal(l.v[2].cls, PKT_CLS_DATA | PKT_CLS_RETRANSMISSION);
	packet_list_clear(&l);
	unlink(path);
}

static void test_missing_file(void **state)
{
	struct packet_list l = { 0 };
	struct diag d;

	(void)state;
	diag_init(&d, NULL);
	assert_int_equal(pcap_read_file("/nonexistent/server.pcap", &l, &d), -ENOENT);
	assert_non_null(strstr(diag_last(&d), "/nonexistent/server.pcap: cannot read capture"));
	assert_int_equal(l.n, 0);
	diag_clear(&d);
}

static void test_not_a_pcap(void **state)
{
	char path[] = "/tmp/unplug-pcap-XXXXXX";
	struct packet_list l = { 0 };
	struct diag d;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "name: not a capture\n", 20), 20);
	close(fd);
	diag_init(&d, NULL);
	assert_int_equal(pcap_read_file(path, &l, &d), -EINVAL);
	assert_non_null(strstr(diag_last(&d), path));
	assert_non_null(strstr(diag_last(&d), "cannot read capture"));
	diag_clear(&d);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_not_a_pcap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
