/* The same echo server, fixed: it notices a dead client by itself.
 *  - an application heartbeat: a client that says nothing for 3 s is
 *    taken for dead (the client sends something every second);
 *  - kernel keepalive (2 s idle, 1 s interval, 3 probes) and
 *    TCP_USER_TIMEOUT (5 s) as the backstop for a client that never
 *    heartbeats, and for data that is never acknowledged. The backstop
 *    is 2 s behind the heartbeat's 3 s: at an equal 3 s the two raced,
 *    and on a busy machine (the server waiting to run) the kernel won
 *    and the server said "client lost" instead of "client silent".
 * Usage: fixed_server PORT [--once]   (--once: exit when its one client
 * is gone, with status 3) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SILENCE_MS 3000
#define CHECK_MS 100

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void options(int c)
{
	int one = 1, idle = 2, intvl = 1, cnt = 3;
	unsigned ut = SILENCE_MS + 2000;

	setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(c, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	setsockopt(c, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	setsockopt(c, IPPROTO_TCP, TCP_USER_TIMEOUT, &ut, sizeof(ut));
}

/* Serve one client until it leaves or goes silent. */
static void serve(int c)
{
	long long last = now_ms();
	char buf[4096];

	for (;;) {
		struct pollfd p = { .fd = c, .events = POLLIN };
		int r = poll(&p, 1, CHECK_MS);
		ssize_t n;

		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0) {
			if (now_ms() - last >= SILENCE_MS) {
				printf("client silent for %d ms: closing\n", SILENCE_MS);
				return;
			}
			continue;
		}
		n = read(c, buf, sizeof(buf));
		if (n == 0) {
			printf("client closed\n");
			return;
		}
		if (n < 0) {
			printf("client lost: %s\n", strerror(errno));
			return;
		}
		last = now_ms();
		if (write(c, buf, (size_t)n) != n) {
			printf("client lost: %s\n", strerror(errno));
			return;
		}
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in6 addr = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	int l, one = 1, once = argc == 3 && !strcmp(argv[2], "--once");

	if (argc < 2 || argc > 3 || (argc == 3 && !once)) {
		fprintf(stderr, "usage: fixed_server PORT [--once]\n");
		return 2;
	}
	addr.sin6_port = htons((uint16_t)atoi(argv[1]));
	l = socket(AF_INET6, SOCK_STREAM, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (struct sockaddr *)&addr, sizeof(addr)) || listen(l, 8)) {
		perror("fixed_server: listen");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("listening on %s\n", argv[1]);
	for (;;) {
		int c = accept(l, NULL, NULL);

		if (c < 0)
			continue;
		printf("client connected\n");
		options(c);
		serve(c);
		close(c);
		if (once)
			return 3;
	}
}
