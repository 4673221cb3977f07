// SPDX-License-Identifier: MIT
/*
 * The EDMM test enclave: each command is one SGX2 step (testenc.h), so
 * that the host can run the canonical sequences of spec
 * sgx-architecture 9.2 and every wrong order, as the kernel selftests do.
 * Offsets come from the host; EACCEPT and friends are exactly what is
 * under test, so the enclave does not second-guess them.
 */
#include <softsgx/enclave_layout.h>

#include "edmm_rt.h"
#include "testenc.h"

/* Three TCSs; 2 MiB: the upper 1 MiB is the dynamic region. */
SOFTSGX_ENCLAVE_LAYOUT(.nr_threads = 3, .nssa = 2, .ssa_frame_size = 1,
		       .stack_size = 0x4000, .heap_size = 0,
		       .enclave_size = 0x200000);

static uint64_t arrived;

static uint64_t at(uint64_t offset)
{
	return edmm_base() + offset;
}

/* "return rdi * 3 + 7": lea (%rdi,%rdi,2), %rax; add $7, %rax; ret */
static void write_code(uint64_t offset)
{
	static const uint8_t code[] = { 0x48, 0x8d, 0x04, 0x7f, 0x48,
					0x83, 0xc0, 0x07, 0xc3 };
	volatile uint8_t *p = (volatile uint8_t *)at(offset);

	for (unsigned int i = 0; i < sizeof(code); i++)
		p[i] = code[i];
}

static uint64_t accept_range(uint64_t offset, uint64_t len, uint64_t flags)
{
	for (uint64_t c = 0; c < len; c += EDMM_PAGE) {
		uint64_t ret = edmm_eaccept(at(offset + c), flags);

		if (ret)
			return ret;
	}
	return 0;
}

/* Wait inside the enclave until parties threads are inside too. */
static uint64_t rendezvous(uint64_t parties, const volatile uint64_t *abort)
{
	__atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < parties)
		if (*abort)
			return 0;
		else
			__builtin_ia32_pause();
	return 1;
}

static uint64_t spin(const volatile uint64_t *stop)
{
	uint64_t n = 0;

	while (!*stop)
		n++;
	return n;
}

/* Trim by OCALLs, as an enclave giving memory back does. */
static uint64_t trim_ocall(uint64_t offset, uint64_t len)
{
	uint64_t ret;

	if (edmm_ocall(EDMM_OCALL_TRIM, offset, len, 0))
		return EDMM_ERR_BAD_CALL;
	ret = accept_range(offset, len, EDMM_ACCEPT_TRIM);
	if (ret)
		return ret;
	return edmm_ocall(EDMM_OCALL_REMOVE, offset, len, 0) ?
		       EDMM_ERR_BAD_CALL :
		       0;
}

static uint64_t exec(uint64_t offset, uint64_t arg)
{
	uint64_t (*fn)(uint64_t) = (uint64_t(*)(uint64_t))at(offset);

	return fn(arg);
}

static uint64_t prepare_tcs(uint64_t slot, uint64_t out[4])
{
	uint64_t tcs = 0, ret = edmm_slot_prepare(at(slot), 100, &tcs);

	out[0] = tcs - edmm_base();
	return ret;
}

uint64_t edmm_ecall(uint64_t cmd, const uint64_t arg[4], uint64_t out[4])
{
	switch (cmd) {
	case T_EACCEPT:
		return edmm_eaccept(at(arg[0]), arg[1]);
	case T_EACCEPTCOPY:
		return edmm_eacceptcopy(at(arg[0]), at(arg[1]), arg[2]);
	case T_EMODPE:
		edmm_emodpe(at(arg[0]), arg[1]);
		return 0;
	case T_READ:
		return *(volatile uint64_t *)at(arg[0]);
	case T_WRITE:
		*(volatile uint64_t *)at(arg[0]) = arg[1];
		return 0;
	case T_EXEC:
		return exec(arg[0], arg[1]);
	case T_WRITE_CODE:
		write_code(arg[0]);
		return 0;
	case T_ACCEPT_RANGE:
		return accept_range(arg[0], arg[1], arg[2]);
	case T_PREPARE_TCS:
		return prepare_tcs(arg[0], out);
	case T_RENDEZVOUS:
		return rendezvous(arg[0], (const volatile uint64_t *)arg[1]);
	case T_SPIN:
		return spin((const volatile uint64_t *)arg[0]);
	case T_TRIM_OCALL:
		return trim_ocall(arg[0], arg[1]);
	default:
		return EDMM_ERR_BAD_CALL;
	}
}
