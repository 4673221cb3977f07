/* SPDX-License-Identifier: MIT */
/*
 * The hello enclave's call interface, shared with its (future) host:
 * EENTER with RDI = address of a struct hello_args in untrusted memory; the
 * enclave stores a + b in sum, the number of calls it has served (this one
 * included) in calls, and EEXITs with RDI = 0 (or HELLO_ERR_EXCEPTION when
 * entered to handle an exception, which it does not do).
 */
#ifndef SOFTSGX_EXAMPLE_HELLO_H
#define SOFTSGX_EXAMPLE_HELLO_H

#include <stdint.h>

#define HELLO_ERR_EXCEPTION ((uint64_t)-1)

struct hello_args {
	uint64_t a;
	uint64_t b;
	uint64_t sum;
	uint64_t calls;
};

#endif /* SOFTSGX_EXAMPLE_HELLO_H */
