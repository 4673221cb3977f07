/* SPDX-License-Identifier: MIT */
/*
 * State the CPU keeps in the reserved part of an EPC-resident TCS, as it
 * does in the SECS (secs.h): whoever holds an ACTIVE TCS, so that a holder
 * that vanished (its process was killed inside the enclave) can be told
 * from one that is still running.
 *
 * It has to live in EPC memory, not in the logical processor: the
 * processor that would have to give the TCS back is the one that is gone,
 * and the processors that find the TCS busy may belong to other processes,
 * which share the enclave's pages but nothing else. The TCS page itself is
 * the natural place: it is per TCS, shared by every process mapping the
 * enclave, and never readable by enclave or host software.
 *
 * The record sits at a fixed offset in TCS.reserved, well past the
 * architectural fields (0-71, and the CET fields newer parts put at 72-87).
 * EADD and EACCEPT require those bytes to be zero, and nothing measures a
 * TCS after EINIT, so the record exists only between the first entry and
 * the page's removal: it is written by EENTER/ERESUME (after every check)
 * and cleared again on the way out of enclave mode.
 */
#ifndef SOFTSGX_ARCH_TCS_H
#define SOFTSGX_ARCH_TCS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/sgx_arch.h"

#define SGX_TCS_HIDDEN_OFFSET 2048

/* TCS owner while a processor takes the AEX of a vanished holder. */
#define SGX_TCS_OWNER_RECLAIMING UINT64_MAX

struct sgx_tcs_hidden {
	/*
	 * struct sgx_lp.owner of the holder of an ACTIVE TCS; 0 when none is
	 * known (an anonymous processor, or the few instructions of an entry
	 * or exit). Changing it from a vanished holder's value is what makes
	 * one processor, and one only, take that holder's AEX.
	 */
	atomic_uint_fast64_t owner;
	atomic_uint_fast64_t owner_stamp;
	/* The tracking epoch the holder was counted under in the SECS. */
	atomic_uint_fast64_t epoch;
};

_Static_assert(SGX_TCS_HIDDEN_OFFSET >= 88 &&
		       SGX_TCS_HIDDEN_OFFSET + sizeof(struct sgx_tcs_hidden) <=
			       sizeof(struct sgx_tcs),
	       "hidden TCS state must lie in TCS.reserved");
_Static_assert(SGX_TCS_HIDDEN_OFFSET % 8 == 0,
	       "hidden TCS state must be aligned for atomics");

static inline struct sgx_tcs_hidden *sgx_tcs_hidden(struct sgx_tcs *tcs)
{
	return (struct sgx_tcs_hidden *)((char *)tcs + SGX_TCS_HIDDEN_OFFSET);
}

/*
 * The TCS at EPC address tcs_epc, if it is ACTIVE for a holder that the
 * CPU's owner_alive callback says is gone: perform the AEX that holder's
 * processor would have taken (frame SSA[CSSA] records an interrupt,
 * CSSA + 1, the holder no longer counted inside the enclave) and leave the
 * TCS INACTIVE. EENTER and ERESUME do this themselves on a busy TCS; this
 * is for those who wait for processors to leave (ETRACK cycles, removal).
 * lp supplies the translation of the SSA's linear addresses. Returns
 * whether it reclaimed the TCS; false also when the page is busy.
 */
bool sgx_tcs_reclaim(struct sgx_lp *lp, uintptr_t tcs_epc);

#endif /* SOFTSGX_ARCH_TCS_H */
