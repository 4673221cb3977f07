// SPDX-License-Identifier: MIT
#include <stdint.h>
#include <string.h>

#include "shim/fpstate.h"

/* Layout of the kernel's signal-frame FP area (arch/x86 uapi sigcontext). */
#define FX_SIZE 512
#define FX_FCW 0
#define FX_MXCSR 24
#define FX_MXCSR_MASK 28
#define FX_SW_RESERVED 464 /* struct _fpx_sw_bytes: software-only bytes */
#define FP_XSTATE_MAGIC1 0x46505853U
#define XSAVE_HEADER 512
#define XSAVE_HEADER_SIZE 64

struct fpx_sw_bytes {
	uint32_t magic1;
	uint32_t extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size;
	uint32_t padding[7];
};

static uint8_t *fp_area(const ucontext_t *uc)
{
	return (uint8_t *)uc->uc_mcontext.fpregs;
}

static void sw_bytes(const ucontext_t *uc, struct fpx_sw_bytes *sw)
{
	memcpy(sw, fp_area(uc) + FX_SW_RESERVED, sizeof(*sw));
}

const void *shim_fpstate(const ucontext_t *uc)
{
	return fp_area(uc);
}

size_t shim_fpstate_len(const ucontext_t *uc)
{
	struct fpx_sw_bytes sw;

	if (!fp_area(uc))
		return 0;
	sw_bytes(uc, &sw);
	return sw.magic1 == FP_XSTATE_MAGIC1 ? sw.xstate_size : FX_SIZE;
}

/* The state XRSTOR's init optimisation would give: FCW 0x37F, MXCSR 0x1F80. */
void shim_fpstate_init(ucontext_t *uc)
{
	uint8_t *fp = fp_area(uc);
	size_t len = shim_fpstate_len(uc);
	uint16_t fcw = 0x037F;
	uint32_t mxcsr = 0x1F80;
	uint64_t xstate_bv = 0x3; /* x87 and SSE from the (init) image */

	if (!fp)
		return;
	/* Keep MXCSR_MASK and the software bytes the kernel relies on. */
	memset(fp, 0, FX_MXCSR_MASK);
	memset(fp + FX_MXCSR_MASK + 4, 0, FX_SW_RESERVED - FX_MXCSR_MASK - 4);
	memcpy(fp + FX_FCW, &fcw, sizeof(fcw));
	memcpy(fp + FX_MXCSR, &mxcsr, sizeof(mxcsr));
	if (len > XSAVE_HEADER) {
		memset(fp + XSAVE_HEADER, 0, len - XSAVE_HEADER);
		memcpy(fp + XSAVE_HEADER, &xstate_bv, sizeof(xstate_bv));
	}
}

void shim_fpstate_restore(ucontext_t *uc, const void *xsave, size_t len)
{
	uint8_t *fp = fp_area(uc);
	const uint8_t *src = xsave;
	size_t have = shim_fpstate_len(uc), n = len < have ? len : have;
	struct fpx_sw_bytes sw;
	uint64_t xstate_bv;
	uint32_t mxcsr_mask;

	if (!fp)
		return;
	sw_bytes(uc, &sw);
	memcpy(&mxcsr_mask, fp + FX_MXCSR_MASK, sizeof(mxcsr_mask));
	memcpy(fp, src, FX_SW_RESERVED);
	memcpy(fp + FX_MXCSR_MASK, &mxcsr_mask, sizeof(mxcsr_mask));
	if (have <= XSAVE_HEADER || n <= XSAVE_HEADER)
		return;
	memset(fp + XSAVE_HEADER, 0, have - XSAVE_HEADER);
	memcpy(fp + XSAVE_HEADER, src + XSAVE_HEADER, n - XSAVE_HEADER);
	/* Components the frame cannot carry come back in their INIT state. */
	memcpy(&xstate_bv, src + XSAVE_HEADER, sizeof(xstate_bv));
	xstate_bv &= sw.xfeatures;
	memcpy(fp + XSAVE_HEADER, &xstate_bv, sizeof(xstate_bv));
	memset(fp + XSAVE_HEADER + 8, 0, XSAVE_HEADER_SIZE - 8);
}
