// SPDX-License-Identifier: MIT
/*
 * A shared library that checks CPUID for SGX itself, as SGX runtimes do in
 * their .so files: test_cpuid dlopens it after enabling the rewriter.
 */
#include <stdint.h>

/* Inlined even at -O0: three CPUID instructions, as the test expects. */
__attribute__((always_inline)) static inline void
probe_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	asm volatile("cpuid"
		     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
		     : "a"(leaf), "c"(subleaf));
}

/*
 * Data in .text that decodes as CPUID, as OpenSSL's tables do: no function
 * covers it, so it must stay as it is, stripped or not.
 */
asm(".pushsection .text\n"
    ".globl cpuid_probe_text_data\n"
    ".type cpuid_probe_text_data, @object\n"
    "cpuid_probe_text_data:\n\t"
    ".byte 0x0f, 0xa2, 0x0f, 0xa2, 0x0f, 0xa2, 0x0f, 0xa2\n"
    ".size cpuid_probe_text_data, .-cpuid_probe_text_data\n"
    ".popsection");

/* CPUID.(7,0), (12H,0) and (12H,2). */
void cpuid_probe_leaves(uint32_t out[3][4])
{
	probe_cpuid(7, 0, out[0]);
	probe_cpuid(0x12, 0, out[1]);
	probe_cpuid(0x12, 2, out[2]);
}
