// SPDX-License-Identifier: MIT
/*
 * The JIT example's enclave (edmm_jit.h). SGX2 lets an enclave make code
 * at run time without ever having a page that is writable and executable
 * for longer than the compilation:
 *   1. EACCEPT a page the OS added by EAUG (R W, not measured);
 *   2. write the machine code into it;
 *   3. EMODPE {X}: the enclave extends the EPCM permissions itself (R W X);
 *   4. RESTRICT_PERMISSIONS to R X by OCALL, then EACCEPT {PR, R, X}: the
 *      EPCM now refuses any write, also the enclave's own;
 *   5. OCALL: the host makes its mapping of the page executable.
 * The EACCEPT in 4 is also the enclave's proof that the OS really dropped
 * W: it fails unless the EPCM says exactly R X.
 */
#include <softsgx/enclave_layout.h>

#include "edmm_jit.h"
#include "edmm_rt.h"

SOFTSGX_ENCLAVE_LAYOUT(.nr_threads = 1, .nssa = 2, .ssa_frame_size = 1,
		       .stack_size = 0x4000, .heap_size = 0,
		       .enclave_size = 0x200000);

#define NR_COEFF 4

static uint64_t code; /* the last compiled function, 0 if none */
static uint64_t coeff[NR_COEFF];
static uint64_t pages; /* code pages used: each compilation takes one */

/* x86-64 encodings the compiler emits (Horner's rule in RAX). */
static const uint8_t mov_rax_imm[] = { 0x48, 0xb8 }; /* mov $imm64, %rax */
static const uint8_t imul_rax_rdi[] = { 0x48, 0x0f, 0xaf, 0xc7 };
static const uint8_t mov_rcx_imm[] = { 0x48, 0xb9 }; /* mov $imm64, %rcx */
static const uint8_t add_rax_rcx[] = { 0x48, 0x01, 0xc8 };
static const uint8_t ret_insn[] = { 0xc3 };

struct emitter {
	volatile uint8_t *p;
	uint64_t n;
};

static void emit(struct emitter *e, const uint8_t *bytes, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		e->p[e->n++] = bytes[i];
}

static void emit_imm64(struct emitter *e, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		e->p[e->n++] = (uint8_t)(v >> (8 * i));
}

/* f(x) = ((a3 x + a2) x + a1) x + a0, x in RDI, result in RAX. */
static uint64_t emit_polynomial(uint64_t addr)
{
	struct emitter e = { .p = (volatile uint8_t *)addr };

	emit(&e, mov_rax_imm, sizeof(mov_rax_imm));
	emit_imm64(&e, coeff[NR_COEFF - 1]);
	for (int i = NR_COEFF - 2; i >= 0; i--) {
		emit(&e, imul_rax_rdi, sizeof(imul_rax_rdi));
		emit(&e, mov_rcx_imm, sizeof(mov_rcx_imm));
		emit_imm64(&e, coeff[i]);
		emit(&e, add_rax_rcx, sizeof(add_rax_rcx));
	}
	emit(&e, ret_insn, sizeof(ret_insn));
	return e.n;
}

/* The same function by the enclave's own code, to check the JIT's. */
static uint64_t interpret(uint64_t x)
{
	uint64_t y = coeff[NR_COEFF - 1];

	for (int i = NR_COEFF - 2; i >= 0; i--)
		y = y * x + coeff[i];
	return y;
}

/* Steps 3 to 5 of the header comment: 0 or the failing status. */
static uint64_t make_executable(uint64_t page)
{
	uint64_t off = page - edmm_base(), ret;

	edmm_emodpe(page, EDMM_SI_X);
	if (edmm_ocall(EDMM_OCALL_RESTRICT, off, EDMM_PAGE,
		       EDMM_SI_R | EDMM_SI_X))
		return EDMM_ERR_BAD_CALL;
	ret = edmm_eaccept(page, EDMM_ACCEPT_RESTRICT(EDMM_SI_R | EDMM_SI_X));
	if (ret)
		return ret;
	if (edmm_ocall(EDMM_OCALL_MPROTECT, off, EDMM_PAGE,
		       EDMM_SI_R | EDMM_SI_X))
		return EDMM_ERR_BAD_CALL;
	return 0;
}

static uint64_t compile(const uint64_t arg[4], uint64_t out[4])
{
	uint64_t page = edmm_dyn_start() + pages * EDMM_PAGE;

	if (!edmm_in_dyn(page, EDMM_PAGE))
		return 0;
	pages++;
	code = 0;
	for (int i = 0; i < NR_COEFF; i++)
		coeff[i] = arg[i];
	/* Step 1: the first touch makes the OS add the page (EAUG). */
	out[1] = edmm_eaccept(page, EDMM_ACCEPT_AUG);
	if (out[1])
		return 0;
	out[0] = emit_polynomial(page);
	out[1] = make_executable(page);
	if (out[1])
		return 0;
	code = page;
	return page - edmm_base();
}

static uint64_t call(uint64_t x, uint64_t out[4])
{
	uint64_t (*fn)(uint64_t) = (uint64_t(*)(uint64_t))code;

	if (!code)
		return EDMM_ERR_BAD_CALL;
	out[0] = interpret(x);
	return fn(x);
}

uint64_t edmm_ecall(uint64_t cmd, const uint64_t arg[4], uint64_t out[4])
{
	switch (cmd) {
	case JIT_COMPILE:
		return compile(arg, out);
	case JIT_CALL:
		return call(arg[0], out);
	case JIT_POKE:
		if (!code)
			return EDMM_ERR_BAD_CALL;
		*(volatile uint8_t *)code = ret_insn[0];
		return 0;
	default:
		return EDMM_ERR_BAD_CALL;
	}
}
