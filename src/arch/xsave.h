/* SPDX-License-Identifier: MIT */
/* Standard-format XSAVE area sizes, as CPUID leaf 0xD enumerates them. */
#ifndef SOFTSGX_ARCH_XSAVE_H
#define SOFTSGX_ARCH_XSAVE_H

#include <stdint.h>

#define SGX_XSAVE_LEGACY_SIZE 512
#define SGX_XSAVE_HEADER_SIZE 64

/* Bytes of the standard-format XSAVE area holding the features in xfrm. */
uint64_t sgx_xsave_size(uint64_t xfrm);

#endif /* SOFTSGX_ARCH_XSAVE_H */
