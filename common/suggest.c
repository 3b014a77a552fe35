#include "common/suggest.h"

#include <stdio.h>
#include <string.h>

#define WORD_MAX 64

/* Optimal string alignment distance: insertions, deletions,
 * substitutions and swaps of neighbours, one each. */
static size_t distance(const char *a, size_t n, const char *b, size_t m)
{
	size_t d[WORD_MAX + 1][WORD_MAX + 1];

	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[n][m];
}

const char *suggest(const char *word, const char *accepted, char *buf, size_t len)
{
	size_t n = word ? strlen(word) : 0, best = (size_t)-1, limit;
	const char *p = accepted, *pick = NULL;
	size_t pick_len = 0;

	if (len)
		buf[0] = '\0';
	if (!n || n > WORD_MAX || !accepted)
		return buf;
	limit = n <= 4 ? 1 : n / 3;
	while (*p) {
		size_t m;

		while (*p == ',' || *p == ' ')
			p++;
		if (!strncmp(p, "or ", 3)) {
			p += 3;
			continue;
		}
		m = strcspn(p, ", ");
		if (m && m <= WORD_MAX) {
			size_t dist = distance(word, n, p, m);

			if (dist && dist <= limit && dist < best) {
				best = dist;
				pick = p;
				pick_len = m;
			}
		}
		p += m;
	}
	if (pick)
		snprintf(buf, len, "did you mean \"%.*s\"? ", (int)pick_len, pick);
	return buf;
}
