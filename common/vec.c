#include "common/vec.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *vec_grow(void *v, size_t *n, size_t *cap, size_t size)
{
	char *base;

	/* @v points at the owner's typed pointer: read and write it as bytes
	 * rather than through a void ** (strict aliasing). */
	memcpy(&base, v, sizeof(base));

	if (*n == *cap) {
		size_t want = *cap ? *cap * 2 : 16;

		if (want > SIZE_MAX / size)
			return NULL;
		base = realloc(base, want * size);
		if (!base)
			return NULL;
		memcpy(v, &base, sizeof(base));
		*cap = want;
	}
	memset(base + *n * size, 0, size);
	return base + (*n)++ * size;
}

int vec_push(void *v, size_t *n, size_t *cap, size_t size, const void *elem)
{
	void *slot = vec_grow(v, n, cap, size);

	if (!slot)
		return -ENOMEM;
	memcpy(slot, elem, size);
	return 0;
}
