#include "harness/cli/select.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

bool select_match(const char *id, const char *pattern)
{
	if (strpbrk(pattern, "*?["))
		return !fnmatch(pattern, id, 0);
	return strstr(id, pattern) != NULL;
}

bool select_any(const char *id, const char *const *patterns, size_t n)
{
	bool wanted = false, any = false;

	for (size_t k = 0; k < n; k++) {
		if (patterns[k][0] == '!') {
			if (select_match(id, patterns[k] + 1))
				return false;
			continue;
		}
		any = true;
		wanted |= select_match(id, patterns[k]);
	}
	return wanted || !any;
}

int select_parse_shard(const char *s, int *k, int *n)
{
	char *end;
	long a, b;

	a = strtol(s, &end, 10);
	if (end == s || *end != '/')
		return -EINVAL;
	s = end + 1;
	b = strtol(s, &end, 10);
	if (end == s || *end || b < 1 || b > 1000 || a < 1 || a > b)
		return -EINVAL;
	*k = (int)a;
	*n = (int)b;
	return 0;
}

struct weighed {
	int64_t weight;
	size_t i;
};

static int heaviest_first(const void *a, const void *b)
{
	const struct weighed *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight < y->weight ? 1 : -1;
	return (x->i > y->i) - (x->i < y->i);
}

void select_shard(const int64_t *weight, size_t n, int shards, int *shard_of)
{
	struct weighed *v = calloc(n + 1, sizeof(*v));
	int64_t *load = calloc((size_t)shards + 1, sizeof(*load));

	if (!v || !load) {
		/* no memory to balance: deal them round */
		for (size_t i = 0; i < n; i++)
			shard_of[i] = (int)(i % (size_t)shards) + 1;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = (struct weighed){ weight[i], i };
	qsort(v, n, sizeof(*v), heaviest_first);
	for (size_t k = 0; k < n; k++) {
		int least = 0;

		for (int s = 1; s < shards; s++)
			if (load[s] < load[least])
				least = s;
		load[least] += v[k].weight;
		shard_of[v[k].i] = least + 1;
	}
out:
	free(v);
	free(load);
}
