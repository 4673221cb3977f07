/* SPDX-License-Identifier: MIT */
/*
 * The JIT example (jit_enclave.c): an enclave that compiles a polynomial
 * into x86-64 code at run time. It gets a new page by EAUG + EACCEPT,
 * writes the code into it, extends the page's permissions with EMODPE(X),
 * drops W again (RESTRICT_PERMISSIONS by OCALL + EACCEPT), so that the
 * code is never writable and executable at once, and has the host make
 * its mapping executable before it calls the code.
 */
#ifndef SOFTSGX_EXAMPLE_EDMM_JIT_H
#define SOFTSGX_EXAMPLE_EDMM_JIT_H

enum jit_cmd {
	/* arg0..arg3 = a0..a3: compile a0 + a1 x + a2 x^2 + a3 x^3 (mod */
	/* 2^64) into a new page -> offset of the code, 0 on failure; out0 */
	/* its size, out1 the failing step's status */
	JIT_COMPILE = 1,
	/* arg0 x -> f(x) by the compiled code; out0 f(x) by the enclave's */
	/* own C code */
	JIT_CALL,
	/* write to the compiled code's page: must fault (EPCM R X) */
	JIT_POKE,
};

#endif /* SOFTSGX_EXAMPLE_EDMM_JIT_H */
