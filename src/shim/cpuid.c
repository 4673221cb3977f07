// SPDX-License-Identifier: MIT
/*
 * The CPUID model, the real instruction, mode selection, CPUID faulting and
 * the signal handler hooks. See cpuid.h.
 */
#include <asm/prctl.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim/cpuid.h"
#include "shim/cpuid_priv.h"

enum { EAX, EBX, ECX, EDX };

#define LEAF_SGX 0x12
#define LEAF7_EBX_SGX (1U << 2)
#define LEAF7_ECX_SGX_LC (1U << 30)
#define EPC_SECTION_VALID 1U

/*
 * Reported unless configured: what sgx_cpu_default_features() supports.
 * MISCSELECT: EXINFO. ATTRIBUTES: DEBUG, MODE64BIT, PROVISIONKEY,
 * EINITTOKENKEY, KSS. XFRM: x87, SSE, AVX. 2 GiB / 64 GiB enclaves.
 */
#define DEFAULT_PARAMS                                                   \
	{                                                                \
		.sgx_features = SOFTSGX_CPUID_SGX1 | SOFTSGX_CPUID_SGX2, \
		.miscselect = 0x1, .attributes = 0xb6, .xfrm = 0x7,      \
		.max_enclave_log2_32 = 31, .max_enclave_log2_64 = 36,    \
		.epc_bytes = 128ULL << 20,                               \
	}

static struct softsgx_cpuid_params params = DEFAULT_PARAMS;

/* Highest basic leaf of the real CPU; 0 until first needed. */
static _Atomic uint32_t real_max_leaf;

_Atomic int softsgx_cpuid_cur_mode = SOFTSGX_CPUID_OFF;

void softsgx_cpuid_default_params(struct softsgx_cpuid_params *p)
{
	static const struct softsgx_cpuid_params defaults = DEFAULT_PARAMS;

	*p = defaults;
}

void softsgx_cpuid_config(const struct softsgx_cpuid_params *p)
{
	params = *p;
}

static void leaf_sgx(uint32_t subleaf, uint32_t r[4])
{
	uint64_t size = params.epc_bytes & ~0xfffULL;

	memset(r, 0, 4 * sizeof(r[0]));
	switch (subleaf) {
	case 0:
		r[EAX] = params.sgx_features;
		r[EBX] = params.miscselect;
		r[EDX] = params.max_enclave_log2_32 |
			 (uint32_t)params.max_enclave_log2_64 << 8;
		break;
	case 1:
		r[EAX] = (uint32_t)params.attributes;
		r[EBX] = (uint32_t)(params.attributes >> 32);
		r[ECX] = (uint32_t)params.xfrm;
		r[EDX] = (uint32_t)(params.xfrm >> 32);
		break;
	case 2:
		if (!size)
			break; /* no EPC: the list is empty */
		r[EAX] = (uint32_t)SOFTSGX_CPUID_EPC_BASE | EPC_SECTION_VALID;
		r[EBX] = (uint32_t)(SOFTSGX_CPUID_EPC_BASE >> 32) & 0xfffff;
		r[ECX] = (uint32_t)size |
			 EPC_SECTION_VALID; /* confidentiality */
		r[EDX] = (uint32_t)(size >> 32) & 0xfffff;
		break;
	default: /* sub-leaf 3 and up: end of the EPC section list */
		break;
	}
}

void softsgx_cpuid_apply(uint32_t leaf, uint32_t subleaf, uint32_t real_max,
			 uint32_t regs[4])
{
	/*
	 * Leaves the CPU lacks below 0x12 answer with the data of its highest
	 * leaf (Intel) or garbage: the emulated CPU has them, empty.
	 */
	if (leaf > real_max && leaf <= LEAF_SGX)
		memset(regs, 0, 4 * sizeof(regs[0]));
	if (leaf == 0 && regs[EAX] < LEAF_SGX)
		regs[EAX] = LEAF_SGX;
	if (leaf == 7 && subleaf == 0) {
		regs[EBX] |= LEAF7_EBX_SGX;
		regs[ECX] |= LEAF7_ECX_SGX_LC;
	}
	if (leaf == LEAF_SGX)
		leaf_sgx(subleaf, regs);
}

/* The only CPUID instruction of softsgx: the rewriter skips this label. */
__attribute__((noinline, noclone)) static void
cpuid_insn(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	asm volatile(".globl softsgx_cpuid_real_insn\n\t"
		     ".hidden softsgx_cpuid_real_insn\n"
		     "softsgx_cpuid_real_insn:\n\t"
		     "cpuid"
		     : "=a"(r[EAX]), "=b"(r[EBX]), "=c"(r[ECX]), "=d"(r[EDX])
		     : "a"(leaf), "c"(subleaf));
}

static long arch_prctl(int code, unsigned long arg)
{
	return syscall(SYS_arch_prctl, code, arg);
}

/*
 * With faulting on, CPUID faults in softsgx too: switch it off for this one
 * instruction (the setting is per thread, so other threads are unaffected),
 * with all signals blocked so that no handler runs CPUID in the window.
 */
static void cpuid_real(uint32_t leaf, uint32_t subleaf, uint32_t r[4],
		       bool may_fault)
{
	sigset_t all, old;

	if (!may_fault || arch_prctl(ARCH_GET_CPUID, 0) != 0) {
		cpuid_insn(leaf, subleaf, r);
		return;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	arch_prctl(ARCH_SET_CPUID, 1);
	cpuid_insn(leaf, subleaf, r);
	arch_prctl(ARCH_SET_CPUID, 0);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void model(uint32_t leaf, uint32_t subleaf, uint32_t out[4],
		  bool may_fault)
{
	uint32_t max =
		atomic_load_explicit(&real_max_leaf, memory_order_relaxed);

	if (!max) {
		cpuid_real(0, 0, out, may_fault);
		max = out[EAX];
		atomic_store_explicit(&real_max_leaf, max,
				      memory_order_relaxed);
	}
	cpuid_real(leaf, subleaf, out, may_fault);
	softsgx_cpuid_apply(leaf, subleaf, max, out);
}

void softsgx_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	model(leaf, subleaf, out,
	      atomic_load(&softsgx_cpuid_cur_mode) == SOFTSGX_CPUID_FAULT);
}

int softsgx_cpuid_enable_faulting(void)
{
	if (arch_prctl(ARCH_SET_CPUID, 0) != 0)
		return -errno;
	atomic_store(&softsgx_cpuid_cur_mode, SOFTSGX_CPUID_FAULT);
	return 0;
}

int softsgx_cpuid_disable_faulting(void)
{
	return arch_prctl(ARCH_SET_CPUID, 1) ? -errno : 0;
}

enum softsgx_cpuid_mode softsgx_cpuid_mode(void)
{
	return atomic_load(&softsgx_cpuid_cur_mode);
}

int softsgx_cpuid_start(void)
{
	const char *want = getenv("SOFTSGX_CPUID");

	if (want && !strcmp(want, "off"))
		return SOFTSGX_CPUID_OFF;
	if (want && !strcmp(want, "rewrite"))
		return softsgx_cpuid_enable_rewrite() < 0 ?
			       -1 :
			       SOFTSGX_CPUID_REWRITE;
	if (softsgx_cpuid_enable_faulting() == 0)
		return SOFTSGX_CPUID_FAULT;
	if (want && !strcmp(want, "fault"))
		return -1;
	return softsgx_cpuid_enable_rewrite() < 0 ? -1 : SOFTSGX_CPUID_REWRITE;
}

/* Emulate the CPUID of len bytes at RIP with the registers of uc. */
static void emulate(ucontext_t *uc, unsigned len, bool may_fault)
{
	greg_t *g = uc->uc_mcontext.gregs;
	uint32_t r[4];

	model((uint32_t)g[REG_RAX], (uint32_t)g[REG_RCX], r, may_fault);
	/* A 32-bit register result zero-extends into the 64-bit register. */
	g[REG_RAX] = (greg_t)(uint64_t)r[EAX];
	g[REG_RBX] = (greg_t)(uint64_t)r[EBX];
	g[REG_RCX] = (greg_t)(uint64_t)r[ECX];
	g[REG_RDX] = (greg_t)(uint64_t)r[EDX];
	g[REG_RIP] += len;
}

static bool is_prefix(uint8_t b)
{
	switch (b) {
	case 0x26:
	case 0x2e:
	case 0x36:
	case 0x3e:
	case 0x64:
	case 0x65:
	case 0x66:
	case 0x67:
	case 0xf2:
	case 0xf3:
		return true;
	default:
		return (b & 0xf0) == 0x40; /* REX */
	}
}

/*
 * Length of the CPUID instruction at ip, or 0. Prefixes mean nothing to
 * CPUID but the CPU accepts them, and a fault reports the first byte.
 */
static unsigned cpuid_length(const uint8_t *ip)
{
	for (unsigned i = 0; i < 14; i++) {
		if (ip[i] == 0x0f)
			return ip[i + 1] == 0xa2 ? i + 2 : 0;
		if (!is_prefix(ip[i]))
			return 0;
	}
	return 0;
}

bool softsgx_cpuid_handle_sigsegv(siginfo_t *si, ucontext_t *uc)
{
	int saved_errno = errno;
	unsigned len;

	/* CPUID faulting raises #GP: SIGSEGV with SI_KERNEL and no address. */
	if (si->si_signo != SIGSEGV || si->si_code != SI_KERNEL)
		return false;
	len = cpuid_length((const uint8_t *)uc->uc_mcontext.gregs[REG_RIP]);
	if (!len)
		return false;
	emulate(uc, len, true);
	errno = saved_errno;
	return true;
}

bool softsgx_cpuid_handle_sigill(siginfo_t *si, ucontext_t *uc)
{
	int saved_errno = errno;
	uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	const uint8_t *ud2;
	unsigned len;

	/* #UD, not a SIGILL sent by kill() */
	if (si->si_signo != SIGILL || si->si_code != ILL_ILLOPN)
		return false;
	/* Only the UD2s the rewriter made stand for CPUID. */
	len = cpuid_patch_lookup(rip);
	if (!len)
		return false;
	ud2 = (const uint8_t *)rip + len - 2;
	if (ud2[0] != 0x0f || ud2[1] != 0x0b)
		return false;
	emulate(uc, len, false);
	errno = saved_errno;
	return true;
}
