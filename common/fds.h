/* Closing every descriptor a child inherited but does not need. */
#ifndef COMMON_FDS_H
#define COMMON_FDS_H

#include <stddef.h>

/* Close every descriptor from 3 up except the @n in @keep (close_range(2),
 * a few calls whatever the limit on open files). */
void fds_close_all_but(const int *keep, size_t n);

#endif
