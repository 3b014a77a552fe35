/* A growable array, for the lists a run builds up (events, packets,
 * results): the owner keeps the pointer, the count and the capacity. */
#ifndef COMMON_VEC_H
#define COMMON_VEC_H

#include <stddef.h>

/* Append a copy of the @size bytes at @elem to the array *@v holding *@n
 * elements of @size bytes in room for *@cap, growing it (doubling) when
 * full. Returns 0, or -ENOMEM with the array unchanged. */
int vec_push(void *v, size_t *n, size_t *cap, size_t size, const void *elem);

/* Room for one more element at the end, zeroed, or NULL (-ENOMEM): the
 * caller fills it in place. *@n counts it already. */
void *vec_grow(void *v, size_t *n, size_t *cap, size_t size);

#endif
