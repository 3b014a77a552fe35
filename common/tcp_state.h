/* TCP states by the names ss(8) and the kernel's tcp_states.h give them
 * ("ESTABLISHED", "CLOSE_WAIT"...), with the kernel's numbers. */
#ifndef COMMON_TCP_STATE_H
#define COMMON_TCP_STATE_H

#include <stddef.h>

#include "common/names.h"

extern const struct name_value tcp_states[];
extern const size_t tcp_nstates;

/* "ESTABLISHED" for TCP_ESTABLISHED; "?" for a number that is none. */
const char *tcp_state_str(int state);

#endif
