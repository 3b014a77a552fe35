/* The two clocks unplug reads, in nanoseconds. */
#ifndef COMMON_CLOCK_H
#define COMMON_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC: for timeouts and the runner's timeline. */
int64_t clock_mono_ns(void);

/* CLOCK_REALTIME: the clock libpcap stamps packets with, so every event
 * and packet of a run is on it. */
int64_t clock_wall_ns(void);

#endif
