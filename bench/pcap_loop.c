/* The floor for reading a capture: open it with libpcap, as unplug does,
 * fetch every frame with pcap_next_ex() and touch nothing but its header.
 * bench/explain.sh compares `unplug explain` with this.
 *
 *   pcap_loop [--buffer BYTES] FILE
 *
 * prints "FRAMES frames, BYTES bytes" (captured bytes). With --buffer, the
 * file is read through a stdio buffer of that size, as unplug's reader
 * does (1 MiB, captures/pcap_stream.c); without, libpcap opens it itself
 * and stdio reads 4 KiB at a time.
 *
 * Build: cc -O2 -o pcap_loop bench/pcap_loop.c -lpcap */
#define _DEFAULT_SOURCE /* pcap.h uses u_char and u_int */

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t frames = 0, bytes = 0;
	pcap_t *p;
	int rc;

	char *buffer = NULL;
	const char *path;

	if (argc == 4 && !strcmp(argv[1], "--buffer") && atol(argv[2]) > 0) {
		FILE *f;

		path = argv[3];
		buffer = malloc((size_t)atol(argv[2]));
		f = buffer ? fopen(path, "rb") : NULL;
		if (!f) {
			perror("pcap_loop");
			return 1;
		}
		setvbuf(f, buffer, _IOFBF, (size_t)atol(argv[2]));
		p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
	} else if (argc == 2) {
		path = argv[1];
		p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
	} else {
		fprintf(stderr, "usage: pcap_loop [--buffer BYTES] FILE\n");
		return 2;
	}
	if (!p) {
		fprintf(stderr, "pcap_loop: %s\n", err);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		frames++;
		bytes += h->caplen;
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pcap_loop: %s: %s\n", path, pcap_geterr(p));
		pcap_close(p);
		free(buffer);
		return 1;
	}
	pcap_close(p);
	free(buffer);
	printf("%llu frames, %llu bytes\n", (unsigned long long)frames,
	       (unsigned long long)bytes);
	return 0;
}
