// SPDX-License-Identifier: MIT
/*
 * The hello enclave: freestanding C, no libc. entry.S switches to this
 * thread's stack and calls enclave_main() with the host's RDI.
 */
#include <softsgx/enclave_layout.h>

#include "hello.h"

/* Two threads, two SSA frames each (one spare for an exception handler). */
SOFTSGX_ENCLAVE_LAYOUT(.nr_threads = 2, .nssa = 2, .ssa_frame_size = 1,
		       .stack_size = 0x4000, .heap_size = 0x4000);

/* In .bss: the loader measures its zero-filled page like any other. */
static uint64_t nr_calls;

uint64_t enclave_main(struct hello_args *args);

uint64_t enclave_main(struct hello_args *args)
{
	/*
	 * The arguments live in untrusted memory: read each input exactly
	 * once so the host cannot change it between check and use.
	 */
	uint64_t a = __atomic_load_n(&args->a, __ATOMIC_RELAXED);
	uint64_t b = __atomic_load_n(&args->b, __ATOMIC_RELAXED);

	uint64_t calls = __atomic_add_fetch(&nr_calls, 1, __ATOMIC_RELAXED);

	__atomic_store_n(&args->sum, a + b, __ATOMIC_RELAXED);
	__atomic_store_n(&args->calls, calls, __ATOMIC_RELAXED);
	return 0;
}
