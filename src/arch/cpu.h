/* SPDX-License-Identifier: MIT */
/*
 * The emulated SGX processor: the package (EPC, EPCM, features, platform
 * secrets) and its logical processors (per-thread MSRs and fault reporting).
 */
#ifndef SOFTSGX_ARCH_CPU_H
#define SOFTSGX_ARCH_CPU_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/sgx_arch.h"

/*
 * Secrets and configuration of one emulated platform. The first four fields
 * stand for fuses and firmware settings and are persisted by the caller so
 * that sealed data survives restarts; the last two are new every boot.
 */
struct sgx_platform {
	uint8_t root_key[16]; /* PRF key of every derived key */
	uint8_t seal_fuses[16]; /* CR_SEAL_FUSES */
	uint8_t owner_epoch[16]; /* SGXOWNEREPOCH0/1 */
	uint8_t cpusvn[SGX_CPUSVN_SIZE]; /* CR_CPUSVN */
	uint8_t report_keyid[SGX_KEYID_SIZE]; /* CR_REPORT_KEYID */
	uint8_t paging_key[16]; /* EWB/ELDU */
};

/* What CPUID leaf 0x12 enumerates: the limits ECREATE enforces. */
struct sgx_cpu_features {
	uint32_t miscselect_mask; /* CPUID.(12H,0):EBX */
	uint64_t attributes_mask; /* CPUID.(12H,1):EAX,EBX */
	uint64_t xfrm_mask; /* CPUID.(12H,1):ECX,EDX */
	uint8_t max_enclave_size_32; /* log2, CPUID.(12H,0):EDX[7:0] */
	uint8_t max_enclave_size_64; /* log2, CPUID.(12H,0):EDX[15:8] */
};

struct sgx_epc_section;
struct sgx_epc_table;

struct sgx_cpu {
	struct sgx_cpu_features features;
	struct sgx_platform platform;
	atomic_uint_fast64_t next_eid;
	/*
	 * Every leaf looks pages up, so lookups take no lock: they read an
	 * immutable snapshot of the sections. Changes (rare: one per
	 * enclave) publish a new snapshot under epc_lock; replaced ones are
	 * kept on the retired list until the CPU is destroyed.
	 */
	pthread_mutex_t epc_lock;
	struct sgx_epc_table *_Atomic epc_table;
	struct sgx_epc_table *retired;
	/*
	 * Several instances of this CPU may share EPC pages (processes
	 * after fork()), and one may vanish while its processor is inside an
	 * enclave: hardware would have taken an AEX, so the TCS would be free.
	 * The CPU cannot see processes; whoever creates the logical processors
	 * says whether the one that recorded (owner, stamp) in a TCS still
	 * exists (struct sgx_lp.owner). NULL: every holder is presumed alive.
	 */
	bool (*owner_alive)(uint64_t owner, uint64_t stamp);
};

/* Exception vectors an SGX instruction can raise. */
enum x86_trap {
	X86_TRAP_DE = 0,
	X86_TRAP_DB = 1,
	X86_TRAP_BP = 3,
	X86_TRAP_UD = 6,
	X86_TRAP_GP = 13,
	X86_TRAP_PF = 14,
};

/*
 * ENCLS/ENCLU results follow the kernel's convention: 0 for success, an
 * enum sgx_return_code, or ENCLS_FAULT_FLAG | vector when the leaf faulted;
 * the faulting address and error code are then in sgx_lp.fault.
 */
#define ENCLS_FAULT_FLAG 0x40000000
#define encls_faulted(ret) (((ret)&ENCLS_FAULT_FLAG) != 0)
#define ENCLS_TRAPNR(ret) ((ret) & ~ENCLS_FAULT_FLAG)

struct sgx_fault {
	uint8_t vector;
	uint32_t error_code;
	uint64_t addr;
};

/*
 * Linear-to-EPC translation, the emulator's stand-in for the page tables:
 * the EPC address backing the page mapped at linaddr, or 0 when no EPC page
 * is mapped there (the access then takes a non-SGX #PF).
 */
typedef uintptr_t (*sgx_translate_t)(void *ctx, uint64_t linaddr);

/* The hidden per-processor state of enclave mode (spec 7.1). */
struct sgx_lp_enclave {
	bool active; /* ENCLAVE_MODE */
	struct sgx_secs *secs; /* EPC address of the active SECS */
	struct sgx_tcs *tcs; /* EPC address of the TCS entered */
	uint64_t tcs_linaddr;
	uint64_t epoch; /* tracking epoch at entry */
	uint64_t save_fsbase; /* outside FS/GS bases, restored on exit */
	uint64_t save_gsbase;
};

/* One logical processor: a thread executing SGX instructions. */
struct sgx_lp {
	struct sgx_cpu *cpu;
	uint64_t lepubkeyhash[4]; /* IA32_SGXLEPUBKEYHASH0..3 (MSR 0x8C..) */
	struct sgx_fault fault;
	sgx_translate_t translate;
	void *translate_ctx;
	struct sgx_lp_enclave encl;
	/*
	 * Who this processor is to the other CPU instances sharing its EPC,
	 * as the owner_alive callback understands it; recorded in every TCS
	 * it enters. 0 (the default) is anonymous: a TCS it holds is never
	 * presumed abandoned.
	 */
	uint64_t owner;
	uint64_t owner_stamp;
};

/* Intel's launch-enclave signer hash: the reset value of the LE hash MSRs. */
extern const uint64_t sgx_intel_lepubkeyhash[4];

void sgx_cpu_default_features(struct sgx_cpu_features *features);
int sgx_cpu_init(struct sgx_cpu *cpu, const struct sgx_cpu_features *features,
		 const struct sgx_platform *platform);
void sgx_cpu_destroy(struct sgx_cpu *cpu);

void sgx_lp_init(struct sgx_lp *lp, struct sgx_cpu *cpu);
/* WRMSR to IA32_SGXLEPUBKEYHASH0..3 from a SHA-256 digest, as Linux does. */
void sgx_lp_set_lepubkeyhash(struct sgx_lp *lp, const uint8_t hash[32]);

/* "SGX_INVALID_SIGNATURE", "#GP fault", ...: buf is used when needed. */
const char *sgx_result_name(int ret, char *buf, size_t len);

/* Record a fault on the logical processor and return its ENCLS code. */
int sgx_fault_gp(struct sgx_lp *lp);
int sgx_fault_pf(struct sgx_lp *lp, uint64_t addr, uint32_t error_code);

#endif /* SOFTSGX_ARCH_CPU_H */
