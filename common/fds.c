#include "common/fds.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

static int by_value(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

void fds_close_all_but(const int *keep, size_t n)
{
	int sorted[16];
	unsigned from = 3;

	if (n > sizeof(sorted) / sizeof(sorted[0]))
		n = sizeof(sorted) / sizeof(sorted[0]);
	for (size_t i = 0; i < n; i++)
		sorted[i] = keep[i];
	qsort(sorted, n, sizeof(sorted[0]), by_value);
	for (size_t i = 0; i < n; i++) {
		if (sorted[i] < (int)from)
			continue;
		if ((unsigned)sorted[i] > from)
			close_range(from, (unsigned)sorted[i] - 1, 0);
		from = (unsigned)sorted[i] + 1;
	}
	close_range(from, UINT_MAX, 0);
}
