/* SPDX-License-Identifier: MIT */
/*
 * State that hardware keeps in the reserved part of an EPC-resident SECS.
 * Its location is not architectural; softsgx places it at a fixed offset
 * inside SECS.reserved4, so that everything the CPU knows about an enclave
 * lives in its SECS page and key derivation is a pure function of it.
 */
#ifndef SOFTSGX_ARCH_SECS_H
#define SOFTSGX_ARCH_SECS_H

#include <stdatomic.h>
#include <stdbool.h>

#include "arch/measure.h"
#include "arch/sgx_arch.h"

#define SGX_SECS_HIDDEN_OFFSET 2048

struct sgx_secs_hidden {
	uint64_t eid; /* enclave identity, unique per ECREATE */
	uint8_t isv_family_id[SGX_ISV_FAMILY_ID_SIZE];
	uint8_t isv_ext_prod_id[SGX_ISVEXT_PROD_ID_SIZE];
	uint8_t padding[SGX_PADDING_SIZE]; /* PKCS#1 padding, set by EINIT */
	atomic_uint_fast64_t nr_children; /* VIRTCHILDCNT */
	atomic_uint nr_active; /* logical processors inside the enclave */
	/*
	 * TLB tracking (spec 9.3): ETRACK advances the epoch; a cycle is
	 * complete when every processor that entered before it has left.
	 * Processors inside entered at the current epoch or, while a cycle
	 * is incomplete, the one before: two counters by parity suffice.
	 */
	atomic_uint_fast64_t epoch;
	atomic_uint active_at[2];
	struct sgx_mrenclave mrenclave; /* running measurement until EINIT */
};

_Static_assert(SGX_SECS_HIDDEN_OFFSET + sizeof(struct sgx_secs_hidden) <=
		       sizeof(struct sgx_secs),
	       "hidden SECS state must fit in the SECS page");

static inline struct sgx_secs_hidden *sgx_secs_hidden(struct sgx_secs *secs)
{
	return (struct sgx_secs_hidden *)((char *)secs +
					  SGX_SECS_HIDDEN_OFFSET);
}

static inline const struct sgx_secs_hidden *
sgx_secs_hidden_const(const struct sgx_secs *secs)
{
	return (const struct sgx_secs_hidden *)((const char *)secs +
						SGX_SECS_HIDDEN_OFFSET);
}

static inline bool sgx_secs_initialized(const struct sgx_secs *secs)
{
	return secs->attributes.flags & SGX_ATTR_INIT;
}

/*
 * Whether the tracking cycle a change made at mod_epoch waits for is
 * complete: an ETRACK after it, and every processor from before it gone.
 */
bool sgx_tracking_done(const struct sgx_secs *secs, uint64_t mod_epoch);

/*
 * MRENCLAVE as EINIT would compute it now: the running measurement finalised
 * on a copy, so the enclave stays buildable. Returns 0 or -1.
 */
int sgx_secs_measurement(const struct sgx_secs *secs,
			 uint8_t out[SGX_HASH_SIZE]);

#endif /* SOFTSGX_ARCH_SECS_H */
