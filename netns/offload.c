#include "netns/offload.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* The legacy ethtool set commands: still honoured by every kernel, mapped
 * onto netdev features, and a single ioctl each (no genetlink family to
 * resolve). TX checksum goes last: turning it off first would make the
 * kernel refuse to change TSO ("requires tx-checksumming"). */
static const struct {
	__u32 cmd;
	const char *what;
} offloads[] = {
	{ ETHTOOL_STSO, "tcp-segmentation-offload" },
	{ ETHTOOL_SGSO, "generic-segmentation-offload" },
	{ ETHTOOL_SGRO, "generic-receive-offload" },
	{ ETHTOOL_STXCSUM, "tx-checksumming" },
};

int offload_disable(const char *ifname, struct diag *d)
{
	int fd, ret = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		diag_add(d, "ethtool socket for %s: %s", ifname, strerror(errno));
		return ret;
	}
	for (size_t i = 0; i < sizeof(offloads) / sizeof(offloads[0]); i++) {
		struct ethtool_value ev = { .cmd = offloads[i].cmd, .data = 0 };
		struct ifreq ifr;

		memset(&ifr, 0, sizeof(ifr));
		strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
		ifr.ifr_data = (void *)&ev;
		if (ioctl(fd, SIOCETHTOOL, &ifr) < 0 && errno != EOPNOTSUPP) {
			ret = -errno;
			diag_add(d, "ethtool %s off on %s: %s", offloads[i].what,
				 ifname, strerror(errno));
			break;
		}
	}
	close(fd);
	return ret;
}
