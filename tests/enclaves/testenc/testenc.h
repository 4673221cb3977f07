/* SPDX-License-Identifier: MIT */
/*
 * The test enclave's call interface, shared by the enclave and its hosts.
 *
 * EENTER with CSSA = 0: RDI = operation (enum te_op), RSI = address of a
 * struct te_args in untrusted memory. The enclave EEXITs with RDI = status
 * (enum te_status, also stored in args->status) and, for TE_OP_EXIT_REGS,
 * chosen values in RSI, RDX, R8 and R9 (for user-handler tests).
 *
 * EENTER with CSSA > 0 (after an AEX): the bootstrap runs the exception
 * handler. It ignores the registers (a vDSO user handler that returns
 * EENTER cannot set them) and reports into the te_args of the interrupted
 * operation: EXITINFO, EXINFO, the saved RIP. With args->skip set it moves
 * the saved RIP past the faulting instruction when that is one of the
 * enclave's known fault sites. Then it EEXITs with TE_STATUS_HANDLED.
 *
 * OCALLs: TE_OP_OCALL EEXITs with TE_STATUS_OCALL and the request in
 * args->ocall_code / ocall_arg. The next EENTER on that TCS with CSSA = 0
 * (any RDI) resumes the enclave where it left, with args->ocall_ret (read
 * from the te_args of the suspended operation) as the OCALL's result.
 */
#ifndef SOFTSGX_TESTENC_H
#define SOFTSGX_TESTENC_H

/* 64-bit constants for both C and the assembler (which has no ULL). */
#ifdef __ASSEMBLER__
#define TE_U64(x) x
#else
#define TE_U64(x) x##ULL
#endif

/* Thread-local state of the bootstrap, in the thread-data page. */
#define TE_TLS 192 /* first free byte of the thread-data page */
#define TE_TLS_CUR_ARGS (TE_TLS + 0) /* te_args of the running operation */
#define TE_TLS_OCALL_RSP (TE_TLS + 8) /* suspended enclave stack */
#define TE_TLS_OCALL_PENDING (TE_TLS + 16)
#define TE_TLS_XH_RSP (TE_TLS + 24) /* host RSP/RBP/RCX of a handler entry */
#define TE_TLS_XH_RBP (TE_TLS + 32)
#define TE_TLS_XH_RCX (TE_TLS + 40)
#define TE_TLS_OUT_RSI (TE_TLS + 48) /* exit registers for EXIT_REGS */
#define TE_TLS_OUT_RDX (TE_TLS + 56)
#define TE_TLS_OUT_R8 (TE_TLS + 64)
#define TE_TLS_OUT_R9 (TE_TLS + 72)
#define TE_TLS_HANDLED (TE_TLS + 80) /* exception-handler entries */
#define TE_TLS_HOST_R12 (TE_TLS + 88) /* host callee-saved registers at */
#define TE_TLS_HOST_R13 (TE_TLS + 96) /* the last CSSA = 0 EENTER: an */
#define TE_TLS_HOST_R14 (TE_TLS + 104) /* OCALL exits with the enclave's */
#define TE_TLS_HOST_R15 (TE_TLS + 112) /* own in the registers */

/* Operations (RDI at EENTER). */
#define TE_OP_NOP 0 /* return at once: the cheapest ECALL */
#define TE_OP_ADD 1 /* result = a + b */
#define TE_OP_BUSY 2 /* checksum loop, see te_busy_ref() */
#define TE_OP_FAULT 3 /* raise the exception args->kind */
#define TE_OP_INFO 4 /* fill args->info */
#define TE_OP_REPORT 5 /* EREPORT */
#define TE_OP_GETKEY 6 /* EGETKEY */
#define TE_OP_OCALL 7 /* args->n OCALLs mid-computation */
#define TE_OP_EXIT_REGS 8 /* leave a..a+3 in RSI, RDX, R8, R9 */
#define TE_OP_COUNT 9 /* result = calls served by the enclave */
#define TE_OP_WORK 10 /* busy loop, fault args->kind, busy loop again */

/* Statuses (RDI at EEXIT, and args->status). */
#define TE_STATUS_OK 0
#define TE_STATUS_BAD_OP 0xbad0
#define TE_STATUS_BAD_ARGS 0xbad1
#define TE_STATUS_BUSY 0xbad2 /* an OCALL is pending on this TCS */
#define TE_STATUS_HANDLED 0x4841 /* exception handler done */
#define TE_STATUS_OCALL 0x4f43 /* OCALL request in args */

/* TE_OP_FAULT kinds. */
#define TE_FAULT_UD 1 /* ud2: #UD */
#define TE_FAULT_DE 2 /* div by zero: #DE */
#define TE_FAULT_BP 3 /* int3: #BP (a trap: RIP is already past it) */
#define TE_FAULT_READ 4 /* read 8 bytes at args->addr */
#define TE_FAULT_WRITE 5 /* read, then write, 8 bytes at args->addr */
#define TE_FAULT_WRITE_ONLY 6 /* write without reading first */
#define TE_FAULT_GP 7 /* hlt: #GP(0) */
#define TE_FAULT_SYSCALL 8 /* syscall (getpid): #UD in enclave mode */

/* Known fault sites (te_exc.site): where the handler can skip. */
#define TE_SITE_NONE 0
#define TE_SITE_UD 1
#define TE_SITE_DE 2
#define TE_SITE_BP 3 /* the instruction after int3 */
#define TE_SITE_READ 4
#define TE_SITE_WRITE 5
#define TE_SITE_GP 6
#define TE_SITE_SYSCALL 7

/* Every word of the read-only and the writable target page, at load. */
#define TE_RO_PATTERN TE_U64(0x0123456789abcdef)
#define TE_RW_PATTERN TE_U64(0x7edcba9876543210)

/* What TE_FAULT_READ returns when the read was skipped. */
#define TE_READ_SKIPPED TE_U64(0x5d1bbed5d1bbed5d)

/* REPORT (432 bytes) field offsets (sgx-architecture spec 2.12). */
#define TE_REPORT_SIZE 432
#define TE_REPORT_BODY_SIZE 384
#define TE_REPORT_CPUSVN 0
#define TE_REPORT_MISCSELECT 16
#define TE_REPORT_ATTRIBUTES 48
#define TE_REPORT_MRENCLAVE 64
#define TE_REPORT_MRSIGNER 128
#define TE_REPORT_ISVPRODID 256
#define TE_REPORT_ISVSVN 258
#define TE_REPORT_DATA 320
#define TE_REPORT_KEYID 384
#define TE_REPORT_MAC 416

/* KEYREQUEST.KEYNAME and KEYPOLICY values used here. */
#define TE_KEY_REPORT 3
#define TE_KEY_SEAL 4
#define TE_KEYPOLICY_MRENCLAVE 1
#define TE_KEYPOLICY_MRSIGNER 2

/* The busy loop's LCG (te_busy_ref()). */
#define TE_LCG_MUL TE_U64(6364136223846793005)
#define TE_LCG_INC TE_U64(1442695040888963407)

/* The OCALL the enclave makes, and what the host must answer. */
#define TE_OCALL_MIX 1

#ifndef __ASSEMBLER__

#include <stdint.h>

/* SSA EXITINFO fields (sgx-architecture spec 2.5.2). */
#define TE_EXITINFO_VALID (1U << 31)
#define TE_EXITINFO_TYPE(x) (((x) >> 8) & 7)
#define TE_EXITINFO_VECTOR(x) ((x)&0xff)

/* Filled by the exception handler (CSSA > 0 entry). */
struct te_exc {
	uint64_t count; /* handler entries for this operation */
	uint64_t cssa; /* RAX at the handler's EENTER */
	uint64_t exitinfo; /* SSA[CSSA-1].GPRSGX.EXITINFO */
	uint64_t exinfo_maddr; /* EXINFO, when EXITINFO reports #PF/#GP */
	uint64_t exinfo_errcd;
	uint64_t rip; /* saved RIP, as an offset from the enclave base */
	uint64_t site; /* TE_SITE_* the saved RIP is at */
	uint64_t skipped; /* the handler moved RIP past the site */
};

/* TE_OP_INFO: where things are (offsets from the enclave base). */
struct te_info {
	uint64_t base; /* absolute */
	uint64_t enclave_size;
	uint64_t thread_index;
	uint64_t nr_threads;
	uint64_t nssa;
	uint64_t tcs; /* this thread's TCS */
	uint64_t td; /* this thread's thread-data page */
	uint64_t ro_page; /* a page of read-only data */
	uint64_t rw_page; /* a page of writable data no one else uses */
	uint64_t code_page; /* the page of the fault sites */
	uint64_t host_rsp; /* untrusted RSP/RBP/return at this EENTER */
	uint64_t host_rbp;
	uint64_t exit_addr;
	uint64_t site_ud; /* fault sites */
	uint64_t site_de;
	uint64_t site_bp;
	uint64_t site_read;
	uint64_t site_write;
	uint64_t site_gp;
	uint64_t site_syscall;
};

/* TE_OP_BUSY's link to the host while it runs, in untrusted memory. */
struct te_stop {
	uint64_t stop; /* the host sets it nonzero to end the loop */
	uint64_t progress; /* the enclave writes its iteration count */
};

struct te_args {
	/* Inputs, each read once by the enclave. */
	uint64_t a, b;
	uint64_t n, seed; /* TE_OP_BUSY, TE_OP_OCALL */
	uint64_t stop; /* TE_OP_BUSY: struct te_stop *, or 0 */
	uint64_t kind; /* TE_OP_FAULT */
	uint64_t addr; /* TE_OP_FAULT READ/WRITE target */
	uint64_t skip; /* exception handler: skip known fault sites */
	uint64_t keyname, keypolicy; /* TE_OP_GETKEY */
	uint8_t report_data[64]; /* TE_OP_REPORT */
	uint64_t ocall_ret; /* the host's answer to an OCALL */
	/* Outputs. */
	uint64_t status;
	uint64_t result;
	uint64_t iters; /* TE_OP_BUSY iterations done */
	uint64_t partial; /* TE_OP_WORK: the checksum before the fault */
	uint64_t started; /* TE_OP_BUSY: set before the loop */
	uint64_t key_status; /* EGETKEY's RAX */
	uint8_t key[16];
	uint8_t report[432];
	uint64_t ocall_code, ocall_arg; /* the pending OCALL */
	uint64_t ocalls; /* OCALLs made by this operation */
	struct te_exc exc;
	struct te_info info;
};

/*
 * The TE_OP_BUSY checksum, as the host recomputes it: an LCG whose outputs
 * are folded into a rotate-xor word (general registers) and summed into
 * both 64-bit lanes of an XMM register, so that an AEX that loses either
 * the GPRs or the extended state changes the result.
 */

static inline uint64_t te_busy_ref(uint64_t seed, uint64_t iters)
{
	uint64_t x = seed, s = 0, lane = 0;

	for (uint64_t i = 0; i < iters; i++) {
		x = x * TE_LCG_MUL + TE_LCG_INC;
		s = ((s << 5) | (s >> 59)) ^ x;
		lane += x;
	}
	return s + 2 * lane;
}

/* TE_OP_WORK's result: the second loop is seeded with the first's. */
static inline uint64_t te_work_ref(uint64_t seed, uint64_t n)
{
	return te_busy_ref(te_busy_ref(seed, n), n);
}

/* The host's answer to TE_OCALL_MIX(arg). */
static inline uint64_t te_ocall_mix(uint64_t arg)
{
	return arg * 0x9e3779b97f4a7c15ULL + 7;
}

/* TE_OP_OCALL's result, as the host recomputes it. */
static inline uint64_t te_ocall_ref(uint64_t seed, uint64_t n)
{
	uint64_t acc = seed;

	for (uint64_t i = 0; i < n; i++)
		acc = ((acc << 7) | (acc >> 57)) ^ te_ocall_mix(acc + i);
	return acc;
}

#endif /* __ASSEMBLER__ */

#endif /* SOFTSGX_TESTENC_H */
