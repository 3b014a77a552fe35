/* Durations as scenario files write them: "500ms", "2s", "1.5s", "2m". */
#ifndef COMMON_DURATION_H
#define COMMON_DURATION_H

#include <stddef.h>
#include <stdint.h>

#define NS_PER_US 1000LL
#define NS_PER_MS 1000000LL
#define NS_PER_S  1000000000LL

/* What duration_parse() accepts, for error messages. */
/* The longest duration anything in a scenario may have: a day. With at
 * most a thousand repeats, any sum a timeline makes of them stays far
 * inside int64 nanoseconds. */
#define DURATION_MAX_NS (24 * 3600 * INT64_C(1000000000))
#define DURATION_ACCEPTED "a number and a unit: ns, us, ms, s, m or h, e.g. 500ms, 2s, 1.5s; at most 24h"

/* Parse @text ("1.5s") into nanoseconds. Returns 0, or -EINVAL when @text
 * is not a non-negative number followed by a unit, or -ERANGE. */
int duration_parse(const char *text, int64_t *ns);

/* Parse "LO..HI" (two durations) or a single "HI" (LO = 0). */
int duration_range_parse(const char *text, int64_t *lo, int64_t *hi);

/* Format @ns for people: "5.003 s", "412 ms", "0.4 ms", "3 us". Returns @buf. */
const char *duration_str(int64_t ns, char *buf, size_t len);

/* "4.5", "0.25", "30": seconds to the ms, without trailing zeros. */
const char *duration_secs(int64_t ns, char *buf, size_t len);

#endif
