/* `unplug explain`'s outputs, rendered from the connection stories of
 * captures/ending.h: a sentence and its evidence per connection, a text
 * ladder of its last segments, and JSON (docs/explain-json.md). Times in
 * words are seconds since @t0, the capture's first packet. */
#ifndef REPORTS_EXPLAIN_H
#define REPORTS_EXPLAIN_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "captures/ending.h"

#define EXPLAIN_LINE 240
#define EXPLAIN_MAX_EVIDENCE 16

/* "198.18.0.1:40000", "[fd00::1]:40000". Returns @buf. */
const char *explain_endpoint(const struct conn_story *s, int side, char *buf, size_t len);

/* How it ended, in one sentence. Returns @buf. */
const char *explain_sentence(const struct conn_story *s, int64_t t0, char *buf, size_t len);

/* The evidence for it, one line each (frame numbers, times, intervals):
 * fills up to @max lines, returns how many. */
size_t explain_evidence(const struct conn_story *s, int64_t t0,
			char (*lines)[EXPLAIN_LINE], size_t max);

/* What segment @n was, in a few words: "data (100 bytes)", "keepalive
 * probe", "SYN-ACK". Returns @buf. */
const char *explain_segment(const struct seg_note *n, char *buf, size_t len);

/* The story as text: a heading, the sentence, the evidence, the half-open
 * periods and ICMP errors; with @ladder, its last segments drawn. */
void explain_print(FILE *f, const struct conn_story *s, int64_t t0, bool ladder);

/* The story as a JSON object (docs/explain-json.md). NULL when memory
 * runs out. */
json_object *explain_json(const struct conn_story *s, int64_t t0);

#endif
