/* SPDX-License-Identifier: MIT */
/*
 * The small runtime the EDMM example enclaves share (freestanding): the
 * SGX2 ENCLU leaves, OCALLs, and where the enclave finds itself. Usable
 * from assembly for the thread-data offsets.
 *
 * Thread-data page (docs/enclave-image.md section 6): bytes from
 * SOFTSGX_TD_SIZE on are free for enclave software; the runtime keeps
 * there the enclave stack pointer of a pending OCALL and the untrusted
 * struct edmm_call of the current ECALL.
 */
#ifndef SOFTSGX_EXAMPLE_EDMM_RT_H
#define SOFTSGX_EXAMPLE_EDMM_RT_H

#include <softsgx/enclave_layout.h>

#define EDMM_TD_OCALL_RSP 192 /* = SOFTSGX_TD_SIZE */
#define EDMM_TD_CALL 200

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edmm.h"

_Static_assert(EDMM_TD_OCALL_RSP == SOFTSGX_TD_SIZE, "free thread data");

/* ENCLU leaves (spec sgx-architecture 1.1). */
#define EDMM_EACCEPT 5
#define EDMM_EMODPE 6
#define EDMM_EACCEPTCOPY 7

struct edmm_secinfo {
	uint64_t flags;
	uint64_t reserved[7];
} __attribute__((aligned(64)));

static inline uint64_t edmm_enclu(uint64_t leaf, uint64_t rbx, uint64_t rcx,
				  uint64_t rdx)
{
	__asm__ volatile(".byte 0x0f, 0x01, 0xd7"
			 : "+a"(leaf), "+b"(rbx), "+c"(rcx), "+d"(rdx)
			 :
			 : "memory", "cc");
	return leaf;
}

/* EACCEPT of the page at addr with SECINFO.FLAGS = flags: 0 or SGX code. */
static inline uint64_t edmm_eaccept(uint64_t addr, uint64_t flags)
{
	struct edmm_secinfo si = { .flags = flags };

	return edmm_enclu(EDMM_EACCEPT, (uint64_t)&si, addr, 0);
}

/* EACCEPTCOPY: dst (pending) becomes a copy of src with flags' RWX. */
static inline uint64_t edmm_eacceptcopy(uint64_t dst, uint64_t src,
					uint64_t flags)
{
	struct edmm_secinfo si = { .flags = flags };

	return edmm_enclu(EDMM_EACCEPTCOPY, (uint64_t)&si, dst, src);
}

/* EMODPE: extend the page's EPCM permissions by flags' RWX. */
static inline void edmm_emodpe(uint64_t addr, uint64_t flags)
{
	struct edmm_secinfo si = { .flags = flags };

	edmm_enclu(EDMM_EMODPE, (uint64_t)&si, addr, 0);
}

/* Read a qword of this thread's thread-data page. */
static inline uint64_t edmm_td_read(uint64_t offset)
{
	uint64_t v;

	__asm__ volatile("mov %%fs:(%1), %0" : "=r"(v) : "r"(offset));
	return v;
}

static inline uint64_t edmm_base(void)
{
	return edmm_td_read(SOFTSGX_TD_BASE);
}

/* SECS.SIZE: in the measured thread data, so the host cannot change it. */
static inline uint64_t edmm_size(void)
{
	return edmm_td_read(SOFTSGX_TD_ENCLAVE_SIZE);
}

static inline struct softsgx_thread_data *edmm_td(void)
{
	return (struct softsgx_thread_data *)(edmm_base() +
					      edmm_td_read(SOFTSGX_TD_SELF));
}

/* Start and end (absolute) of the dynamic region of ELRANGE. */
static inline uint64_t edmm_dyn_start(void)
{
	return edmm_base() + EDMM_DYN_OFFSET(edmm_size());
}

static inline uint64_t edmm_dyn_end(void)
{
	return edmm_base() + edmm_size();
}

/* Whether [addr, addr + len) is page aligned and in the dynamic region. */
bool edmm_in_dyn(uint64_t addr, uint64_t len);

/*
 * Ask the host to run an SGX2 ioctl on [offset, offset + len) (offsets
 * from the base): the enclave leaves and is re-entered on the same TCS.
 * Returns the host's answer (0 or -errno), which the enclave must not
 * trust: each EACCEPT that follows checks what the host really did.
 */
int64_t edmm_ocall(enum edmm_ocall req, uint64_t offset, uint64_t len,
		   uint64_t arg);

/*
 * The enclave-specific ECALL: command, its four arguments (already copied
 * into the enclave) and four result words. Returns struct edmm_call.ret.
 */
uint64_t edmm_ecall(uint64_t cmd, const uint64_t arg[4], uint64_t out[4]);

/*
 * A thread slot in the dynamic region, for a TCS created at run time:
 * a guard page (never added), the stack, the TCS, the SSA frames and the
 * thread-data page, laid out as docs/enclave-image.md section 4 does for
 * the image's threads.
 */
#define EDMM_SLOT_STACK_PAGES 4
#define EDMM_SLOT_NSSA 2

/* Pages a slot spans (guard included) in this enclave. */
uint64_t edmm_slot_pages(void);

/*
 * Accept the slot's pages at slot (absolute, page aligned, in the dynamic
 * region) and write the thread data and the TCS fields, so that the page
 * at *tcs can become a TCS (MODIFY_TYPES, then EACCEPT with
 * EDMM_ACCEPT_TCS). Returns 0 or the failing EACCEPT's status.
 */
uint64_t edmm_slot_prepare(uint64_t slot, uint64_t index, uint64_t *tcs);

/* The compiler may emit calls to these even in freestanding code. */
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

#endif /* __ASSEMBLER__ */

#endif /* SOFTSGX_EXAMPLE_EDMM_RT_H */
