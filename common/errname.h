/* The errno names a scenario may expect a socket call to fail with. */
#ifndef COMMON_ERRNAME_H
#define COMMON_ERRNAME_H

#include <stddef.h>

/* Not an errno: the peer's orderly close, seen as recv() returning 0. */
#define ERRNAME_EOF 0
/* Not an errno either: the application's heartbeat timed out. */
#define ERRNAME_HEARTBEAT 0x10000

/* The errno value for @name ("ETIMEDOUT", case-sensitive), ERRNAME_EOF for
 * "eof", ERRNAME_HEARTBEAT for "heartbeat-timeout", or -1 when @name is not
 * one we know. */
int errname_parse(const char *name);

/* The name of @err ("ETIMEDOUT", "eof"), or NULL when unknown. */
const char *errname_str(int err);

/* All accepted names, "a, b or c", into @buf, for error messages. */
const char *errname_accepted(char *buf, size_t len);

#endif
