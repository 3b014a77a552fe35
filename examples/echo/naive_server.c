/* A deliberately naive TCP echo server: blocking, one client at a time,
 * no keepalive, no timeout. It learns that a client is gone only when a
 * read or a write fails — and a client whose cable was pulled never makes
 * either fail: the server waits in read() forever, holding the connection.
 * Usage: naive_server PORT */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in6 addr = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	int l, one = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: naive_server PORT\n");
		return 2;
	}
	addr.sin6_port = htons((uint16_t)atoi(argv[1]));
	l = socket(AF_INET6, SOCK_STREAM, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (struct sockaddr *)&addr, sizeof(addr)) || listen(l, 8)) {
		perror("naive_server: listen");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("listening on %s\n", argv[1]);
	for (;;) {
		char buf[4096];
		ssize_t n;
		int c = accept(l, NULL, NULL);

		if (c < 0)
			continue;
		printf("client connected\n");
		while ((n = read(c, buf, sizeof(buf))) > 0)
			if (write(c, buf, (size_t)n) != n)
				break;
		printf("client gone\n");
		close(c);
	}
}
