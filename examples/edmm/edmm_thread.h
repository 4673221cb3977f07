/* SPDX-License-Identifier: MIT */
/*
 * The thread example (thread_enclave.c): an enclave built with one TCS
 * that adds a second at run time. The enclave lays out a thread slot in
 * its dynamic region (stack, SSA frames, thread data and a page that is to
 * become the TCS), asks the host by OCALL to change that page's type
 * (MODIFY_TYPES(TCS)) and EACCEPTs it: from then on a second host thread
 * can enter through it, in parallel with the first. Offsets are from the
 * enclave base.
 */
#ifndef SOFTSGX_EXAMPLE_EDMM_THREAD_H
#define SOFTSGX_EXAMPLE_EDMM_THREAD_H

enum thread_cmd {
	/* -> offset of a new TCS, 0 on failure (out1: the failing status) */
	THREAD_ADD = 1,
	/* arg0 lo, arg1 hi, arg2 parties, arg3 address of an untrusted */
	/* abort flag: wait until parties threads are inside at once, then */
	/* count the primes in [lo, hi) -> the count; out0 this thread's */
	/* index, out1 the most threads seen inside at once; 0 and out1 0 */
	/* when aborted */
	THREAD_PRIMES,
	/* arg0 offset of a TCS THREAD_ADD made: trim and remove its slot */
	/* -> 0 or the failing status */
	THREAD_REMOVE,
};

#endif /* SOFTSGX_EXAMPLE_EDMM_THREAD_H */
