/* Which scenarios an invocation runs: -k PATTERN on their ids, and
 * --shard K/N, a deterministic slice for CI matrices. Pure functions. */
#ifndef HARNESS_CLI_SELECT_H
#define HARNESS_CLI_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether @id is selected by @pattern: as a shell glob (fnmatch, '/'
 * matched by '*') when it has one of * ? [, else as a substring. */
bool select_match(const char *id, const char *pattern);

/* Whether @id is selected by the @n @patterns: matched by none of those
 * written "!PATTERN", and by one of the others (when there are others). */
bool select_any(const char *id, const char *const *patterns, size_t n);

/* Parse "K/N" (1 <= K <= N <= 1000) into *@k, *@n. Returns 0 or -EINVAL. */
int select_parse_shard(const char *s, int *k, int *n);

/* Deal @n scenarios, whose expected lengths are @weight (ns), into
 * @shards shards: longest first, each to the shard with the least so far
 * (ties: the lower shard; equal lengths: the lower index), so that the
 * shards end together and the same files always give the same slices.
 * @shard_of[i] is 1-based. */
void select_shard(const int64_t *weight, size_t n, int shards, int *shard_of);

#endif
