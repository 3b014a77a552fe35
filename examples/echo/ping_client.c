/* A client that notices a dead server by itself: it sends a line every
 * 500 ms, and with TCP_USER_TIMEOUT at 2 s a line the server never
 * acknowledges fails the connection; keepalive backs that up. It exits
 * with status 1 as soon as the server is gone, saying why.
 * Usage: ping_client ADDR PORT */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define EVERY_MS 500
#define USER_TIMEOUT_MS 2000

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int dial(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int one = 1, idle = 1, intvl = 1, cnt = 2, fd;
	unsigned ut = USER_TIMEOUT_MS;

	if (getaddrinfo(host, port, &hints, &ai))
		return -1;
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
		setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
		setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
		setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ut, sizeof(ut));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen)) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	return fd;
}

int main(int argc, char **argv)
{
	long long next = 0;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: ping_client ADDR PORT\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = dial(argv[1], argv[2]);
	if (fd < 0) {
		printf("cannot connect to %s:%s: %s\n", argv[1], argv[2], strerror(errno));
		return 1;
	}
	printf("connected to %s:%s\n", argv[1], argv[2]);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char buf[256];
		ssize_t n;

		if (now_ms() >= next) {
			if (send(fd, "ping\n", 5, MSG_NOSIGNAL) != 5) {
				printf("server lost: send: %s\n", strerror(errno));
				return 1;
			}
			next = now_ms() + EVERY_MS;
		}
		if (poll(&p, 1, 50) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == 0) {
			printf("server closed the connection\n");
			return 1;
		}
		if (n < 0) {
			printf("server lost: recv: %s\n", strerror(errno));
			return 1;
		}
	}
}
