/* "Did you mean": the accepted word nearest a misspelt one. */
#ifndef COMMON_SUGGEST_H
#define COMMON_SUGGEST_H

#include <stddef.h>

/* The word of @accepted (a list as the error messages print it: "a, b, c
 * or d") nearest @word by edit distance (a swap of two neighbours counts
 * as one), when it is near enough to be a misspelling — at most one edit
 * for a word of up to four letters, a third of its length beyond — as
 * "did you mean \"cable-pull\"? " in @buf; else "". Returns @buf. */
const char *suggest(const char *word, const char *accepted, char *buf, size_t len);

#endif
