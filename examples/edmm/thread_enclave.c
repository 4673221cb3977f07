// SPDX-License-Identifier: MIT
/*
 * The thread example's enclave (edmm_thread.h). Its image has one TCS;
 * THREAD_ADD makes another in the dynamic region with the canonical SGX2
 * sequence (spec sgx-architecture 9.2): accept the slot's pages (EAUG'd on
 * first touch), write the TCS fields into a regular page, have the OS
 * change its type to PT_TCS, and EACCEPT {PT_TCS, MODIFIED}, which also
 * makes the CPU check the fields. The enclave chooses where the slot goes
 * and what the TCS says; the host only runs the ioctl.
 */
#include <softsgx/enclave_layout.h>

#include "edmm_rt.h"
#include "edmm_thread.h"

SOFTSGX_ENCLAVE_LAYOUT(.nr_threads = 1, .nssa = 2, .ssa_frame_size = 1,
		       .stack_size = 0x4000, .heap_size = 0,
		       .enclave_size = 0x200000);

static uint64_t next_slot; /* slots are never reused */
static int inside, most_inside;

static uint64_t slot_bytes(void)
{
	return edmm_slot_pages() * EDMM_PAGE;
}

static uint64_t slot_addr(uint64_t i)
{
	return edmm_dyn_start() + i * slot_bytes();
}

/* The TCS sits after the slot's guard page and stack (slot.c). */
static uint64_t slot_tcs(uint64_t i)
{
	return slot_addr(i) + (1 + EDMM_SLOT_STACK_PAGES) * EDMM_PAGE;
}

static uint64_t thread_add(uint64_t out[4])
{
	uint64_t i = next_slot, tcs;

	if (!edmm_in_dyn(slot_addr(i), slot_bytes()))
		return 0;
	next_slot++;
	/* The image's thread is index 0; added ones count from 1. */
	out[1] = edmm_slot_prepare(slot_addr(i), i + 1, &tcs);
	if (out[1])
		return 0;
	if (edmm_ocall(EDMM_OCALL_MAKE_TCS, tcs - edmm_base(), EDMM_PAGE, 0)) {
		out[1] = EDMM_ERR_BAD_CALL;
		return 0;
	}
	out[1] = edmm_eaccept(tcs, EDMM_ACCEPT_TCS);
	return out[1] ? 0 : tcs - edmm_base();
}

/* Give the slot back, the TCS with it; the guard page was never added. */
static uint64_t thread_remove(uint64_t tcs_off)
{
	uint64_t off, len = slot_bytes() - EDMM_PAGE;
	uint64_t i;

	for (i = 0; i < next_slot; i++)
		if (slot_tcs(i) == edmm_base() + tcs_off)
			break;
	if (i == next_slot)
		return EDMM_ERR_BAD_CALL;
	off = slot_addr(i) + EDMM_PAGE - edmm_base();
	if (edmm_ocall(EDMM_OCALL_TRIM, off, len, 0))
		return EDMM_ERR_BAD_CALL;
	for (uint64_t c = 0; c < len; c += EDMM_PAGE) {
		uint64_t ret =
			edmm_eaccept(edmm_base() + off + c, EDMM_ACCEPT_TRIM);

		if (ret)
			return ret;
	}
	return edmm_ocall(EDMM_OCALL_REMOVE, off, len, 0) ? EDMM_ERR_BAD_CALL :
							    0;
}

static bool outside_enclave(uint64_t p, uint64_t len)
{
	uint64_t base = edmm_base(), end = base + edmm_size();

	return p + len >= p && (p + len <= base || p >= end);
}

/* Count ourselves in; wait for parties threads, or the host's abort. */
static bool rendezvous(uint64_t parties, const volatile uint64_t *abort)
{
	int n = __atomic_add_fetch(&inside, 1, __ATOMIC_SEQ_CST);
	int most = __atomic_load_n(&most_inside, __ATOMIC_SEQ_CST);

	while (n > most &&
	       !__atomic_compare_exchange_n(&most_inside, &most, n, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	while ((uint64_t)__atomic_load_n(&most_inside, __ATOMIC_SEQ_CST) <
	       parties) {
		if (*abort)
			return false;
		__builtin_ia32_pause();
	}
	return true;
}

static bool is_prime(uint64_t n)
{
	if (n < 2)
		return false;
	for (uint64_t d = 2; d * d <= n; d++)
		if (n % d == 0)
			return false;
	return true;
}

static uint64_t primes(const uint64_t arg[4], uint64_t out[4])
{
	const volatile uint64_t *abort = (const volatile uint64_t *)arg[3];
	uint64_t n = 0;

	/* The flag is the host's: it must not point into the enclave. */
	if (!outside_enclave(arg[3], sizeof(*abort)) || arg[0] > arg[1])
		return EDMM_ERR_BAD_CALL;
	out[0] = edmm_td()->thread_index;
	if (rendezvous(arg[2], abort)) {
		for (uint64_t x = arg[0]; x < arg[1]; x++)
			n += is_prime(x);
		out[1] = (uint64_t)__atomic_load_n(&most_inside,
						   __ATOMIC_SEQ_CST);
	}
	__atomic_sub_fetch(&inside, 1, __ATOMIC_SEQ_CST);
	return n;
}

uint64_t edmm_ecall(uint64_t cmd, const uint64_t arg[4], uint64_t out[4])
{
	switch (cmd) {
	case THREAD_ADD:
		return thread_add(out);
	case THREAD_PRIMES:
		return primes(arg, out);
	case THREAD_REMOVE:
		return thread_remove(arg[0]);
	default:
		return EDMM_ERR_BAD_CALL;
	}
}
