#include "common/errname.h"

#include <errno.h>
#include <string.h>

/* Every error a TCP socket call can report when the connection or the
 * network breaks (tcp(7), socket(7), ip(7)). */
static const struct {
	const char *name;
	int err;
} names[] = {
	{ "eof", ERRNAME_EOF },
	{ "heartbeat-timeout", ERRNAME_HEARTBEAT },
	{ "ETIMEDOUT", ETIMEDOUT },
	{ "ECONNRESET", ECONNRESET },
	{ "ECONNREFUSED", ECONNREFUSED },
	{ "ECONNABORTED", ECONNABORTED },
	{ "EHOSTUNREACH", EHOSTUNREACH },
	{ "ENETUNREACH", ENETUNREACH },
	{ "EHOSTDOWN", EHOSTDOWN },
	{ "ENETDOWN", ENETDOWN },
	{ "EPIPE", EPIPE },
	{ "ENOTCONN", ENOTCONN },
	{ "EPROTO", EPROTO },
	{ "EACCES", EACCES },
	{ "EPERM", EPERM },
	{ "ENOPROTOOPT", ENOPROTOOPT },
};

#define NNAMES (sizeof(names) / sizeof(names[0]))

int errname_parse(const char *name)
{
	for (size_t i = 0; i < NNAMES; i++)
		if (!strcmp(names[i].name, name))
			return names[i].err;
	return -1;
}

const char *errname_str(int err)
{
	for (size_t i = 0; i < NNAMES; i++)
		if (names[i].err == err)
			return names[i].name;
	return NULL;
}

const char *errname_accepted(void)
{
	static char list[512];

	if (!list[0]) {
		for (size_t i = 0; i < NNAMES; i++) {
			if (i)
				strcat(list, ", ");
			strcat(list, names[i].name);
		}
	}
	return list;
}
