// SPDX-License-Identifier: MIT
#include "arch/xsave.h"

/* Standard-format XSAVE layout of each state component: offset, size. */
static const struct {
	uint16_t offset, size;
} xsave_component[19] = {
	[2] = { 576, 256 }, [3] = { 960, 64 },	 [4] = { 1024, 64 },
	[5] = { 1088, 64 }, [6] = { 1152, 512 }, [7] = { 1664, 1024 },
	[9] = { 2688, 8 },  [17] = { 2752, 64 }, [18] = { 2816, 8192 },
};

uint64_t sgx_xsave_size(uint64_t xfrm)
{
	uint64_t size = SGX_XSAVE_LEGACY_SIZE + SGX_XSAVE_HEADER_SIZE;

	for (unsigned int i = 2; i < 19; i++) {
		uint64_t end = xsave_component[i].offset +
			       (uint64_t)xsave_component[i].size;

		if ((xfrm & (1ULL << i)) && xsave_component[i].size &&
		    end > size)
			size = end;
	}
	return size;
}
