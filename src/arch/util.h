/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the leaf implementations. */
#ifndef SOFTSGX_ARCH_UTIL_H
#define SOFTSGX_ARCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IS_ALIGNED(x, a) ((((uintptr_t)(x)) & ((uintptr_t)(a)-1)) == 0)

static inline bool all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

#endif /* SOFTSGX_ARCH_UTIL_H */
