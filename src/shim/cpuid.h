/* SPDX-License-Identifier: MIT */
/*
 * CPUID emulation: make a program that executes the CPUID instruction see an
 * SGX2-capable CPU (spec sgx-architecture.md section 11).
 *
 * softsgx_cpuid() is the model: the real CPU's answer with the SGX bits of
 * leaf 7 and all of leaf 0x12 replaced. Two ways route a program's own CPUID
 * instructions to it:
 *
 *  - fault: arch_prctl(ARCH_SET_CPUID, 0) makes CPUID raise SIGSEGV
 *    (si_code SI_KERNEL) in user mode; softsgx_cpuid_handle_sigsegv()
 *    emulates it. The setting is per thread, inherited by fork() and new
 *    threads, and cleared by execve().
 *  - rewrite: where the CPU cannot fault on CPUID (AMD), every CPUID found by
 *    disassembling the loaded objects' code is turned into UD2;
 *    softsgx_cpuid_handle_sigill() emulates the UD2s it made.
 *
 * The shim's signal handlers call the two handle functions first; they are
 * async-signal-safe. Install the SIGSEGV and SIGILL handlers before enabling
 * a mode, and keep each signal out of the other's sa_mask: a CPUID reached
 * inside one handler raises the other signal, and a blocked synchronous
 * signal kills the process.
 */
#ifndef SOFTSGX_SHIM_CPUID_H
#define SOFTSGX_SHIM_CPUID_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ucontext.h>

/* Physical base of the one EPC section CPUID.(12H,2) reports (fake). */
#define SOFTSGX_CPUID_EPC_BASE 0x80000000ULL

/* CPUID.(12H,0):EAX feature bits. */
#define SOFTSGX_CPUID_SGX1 (1U << 0)
#define SOFTSGX_CPUID_SGX2 (1U << 1)
#define SOFTSGX_CPUID_ENCLV (1U << 5)
#define SOFTSGX_CPUID_OVERSUB (1U << 6)
#define SOFTSGX_CPUID_EDECCSSA (1U << 11)

/* What leaf 0x12 reports; the defaults match sgx_cpu_default_features(). */
struct softsgx_cpuid_params {
	uint32_t sgx_features; /* (12H,0):EAX, SGX1 | SGX2 by default */
	uint32_t miscselect; /* (12H,0):EBX, supported MISCSELECT bits */
	uint64_t attributes; /* (12H,1):EAX/EBX, ATTRIBUTES.FLAGS mask */
	uint64_t xfrm; /* (12H,1):ECX/EDX, XFRM mask */
	uint8_t max_enclave_log2_32; /* (12H,0):EDX[7:0] */
	uint8_t max_enclave_log2_64; /* (12H,0):EDX[15:8] */
	/* (12H,2): one section at SOFTSGX_CPUID_EPC_BASE, rounded to 4 KiB. */
	uint64_t epc_bytes;
};

enum softsgx_cpuid_mode {
	SOFTSGX_CPUID_OFF = 0,
	SOFTSGX_CPUID_FAULT,
	SOFTSGX_CPUID_REWRITE,
};

/* Fill p with the defaults (128 MiB of EPC). */
void softsgx_cpuid_default_params(struct softsgx_cpuid_params *p);
/* Set what to report; call before enabling a mode. */
void softsgx_cpuid_config(const struct softsgx_cpuid_params *p);

/* The emulated CPUID.(leaf, subleaf): out = EAX, EBX, ECX, EDX. */
void softsgx_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

/*
 * The model as a pure function, for tests: regs holds the real CPU's answer
 * for (leaf, subleaf) on a CPU whose highest basic leaf is real_max, and is
 * replaced by what the emulated CPU answers.
 */
void softsgx_cpuid_apply(uint32_t leaf, uint32_t subleaf, uint32_t real_max,
			 uint32_t regs[4]);

/*
 * Choose and enable a mode from $SOFTSGX_CPUID: "fault", "rewrite", "off",
 * or unset (any other value) for fault where the CPU offers it, else
 * rewrite. Returns the mode enabled, or -1 when it is not available.
 */
int softsgx_cpuid_start(void);
enum softsgx_cpuid_mode softsgx_cpuid_mode(void);

/* CPUID faulting for the calling thread (and the threads it creates). */
int softsgx_cpuid_enable_faulting(void); /* 0 or -errno */
int softsgx_cpuid_disable_faulting(void); /* calling thread only */

/*
 * Rewrite the CPUID instructions of every loaded object. Returns the number
 * of instructions patched, or -errno.
 */
int softsgx_cpuid_enable_rewrite(void);
/* After dlopen(): rewrite objects not scanned yet; forget unloaded ones. */
void softsgx_cpuid_rescan(void);
/* Number of addresses in the patch table; whether addr is one of them. */
size_t softsgx_cpuid_patched_count(void);
bool softsgx_cpuid_is_patched(uintptr_t addr);

/*
 * Signal handler hooks: emulate the CPUID that raised the signal, store its
 * result in RAX/RBX/RCX/RDX, advance RIP and return true; return false
 * (leaving the context unchanged) for any other cause.
 */
bool softsgx_cpuid_handle_sigsegv(siginfo_t *si, ucontext_t *uc);
bool softsgx_cpuid_handle_sigill(siginfo_t *si, ucontext_t *uc);

#endif /* SOFTSGX_SHIM_CPUID_H */
