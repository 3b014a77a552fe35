#include "common/errname.h"

#include <errno.h>
#include <string.h>

#include "common/names.h"

/* Every error a TCP socket call can report when the connection or the
 * network breaks (tcp(7), socket(7), ip(7)). */
static const struct name_value names[] = {
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
	{ "EAGAIN", EAGAIN },
	{ "EBADF", EBADF },
};

int errname_parse(const char *name)
{
	int err;

	return names_parse(names, NAMES_LEN(names), name, &err) ? -1 : err;
}

const char *errname_str(int err)
{
	return names_str(names, NAMES_LEN(names), err);
}

const char *errname_accepted(char *buf, size_t len)
{
	return names_accepted(names, NAMES_LEN(names), buf, len);
}
