/* SPDX-License-Identifier: MIT */
/*
 * The interface between the SGX2 (EDMM) example enclaves and their hosts.
 *
 * ECALL: the host EENTERs with RDI = address of a struct edmm_call in
 * untrusted memory holding a command and its arguments. The enclave reads
 * them once, runs the command and stores the result in ret.
 *
 * OCALL: to have the host run an SGX2 ioctl, the enclave stores a request
 * in ocall/oarg and EEXITs while keeping its own stack; the host serves the
 * request, stores the result in oret and EENTERs the same TCS again, which
 * resumes the enclave where it left. Leaving and re-entering is also what
 * completes the tracking cycle that the enclave's EACCEPT after an
 * EMODPR/EMODT waits for (spec sgx-architecture 9.3).
 *
 * Dynamic memory: the upper half of ELRANGE, [size / 2, size), is never
 * part of the image; pages appear there by EAUG when first touched.
 */
#ifndef SOFTSGX_EXAMPLE_EDMM_H
#define SOFTSGX_EXAMPLE_EDMM_H

#include <stdint.h>

#define EDMM_PAGE 4096ULL

/* Offset of the dynamic region in an enclave of the given SECS.SIZE. */
#define EDMM_DYN_OFFSET(size) ((size) / 2)

/* OCALL requests (edmm_call.ocall); offsets are from the enclave base. */
enum edmm_ocall {
	EDMM_OCALL_NONE = 0,
	EDMM_OCALL_TRIM = 1, /* MODIFY_TYPES(PT_TRIM) [oarg0, +oarg1) */
	EDMM_OCALL_REMOVE = 2, /* REMOVE_PAGES [oarg0, +oarg1) */
	EDMM_OCALL_MAKE_TCS = 3, /* MODIFY_TYPES(PT_TCS) [oarg0, +oarg1) */
	EDMM_OCALL_RESTRICT = 4, /* RESTRICT_PERMISSIONS [oarg0, +oarg1) */
	/* to oarg2 (SECINFO R/W/X bits) */
	EDMM_OCALL_MPROTECT = 5, /* mprotect [oarg0, +oarg1) to oarg2 */
	/* (SECINFO R/W/X bits): page tables after an EMODPE */
};

/* struct edmm_call.ret when the enclave refuses the call itself. */
#define EDMM_ERR_BAD_CALL ((uint64_t)-1) /* unknown command or arguments */
#define EDMM_ERR_EXCEPTION ((uint64_t)-2) /* entered with CSSA > 0 */

struct edmm_call {
	uint64_t cmd; /* in: command, enclave specific */
	uint64_t arg[4]; /* in */
	uint64_t ret; /* out: result */
	uint64_t out[4]; /* out: command specific */
	uint64_t ocall; /* out: enum edmm_ocall pending, or 0 */
	uint64_t oarg[3]; /* out */
	int64_t oret; /* in: 0 or -errno of the OCALL */
};

/* SECINFO.FLAGS bits (spec sgx-architecture 2.7 and 1.3). */
#define EDMM_SI_R 0x001ULL
#define EDMM_SI_W 0x002ULL
#define EDMM_SI_X 0x004ULL
#define EDMM_SI_PENDING 0x008ULL
#define EDMM_SI_MODIFIED 0x010ULL
#define EDMM_SI_PR 0x020ULL
#define EDMM_SI_TCS 0x100ULL
#define EDMM_SI_REG 0x200ULL
#define EDMM_SI_TRIM 0x400ULL

/* The SECINFO flags of each EACCEPT in the canonical sequences (9.2). */
#define EDMM_ACCEPT_AUG (EDMM_SI_REG | EDMM_SI_PENDING | EDMM_SI_R | EDMM_SI_W)
#define EDMM_ACCEPT_TCS (EDMM_SI_TCS | EDMM_SI_MODIFIED)
#define EDMM_ACCEPT_TRIM (EDMM_SI_TRIM | EDMM_SI_MODIFIED)
#define EDMM_ACCEPT_RESTRICT(perm) (EDMM_SI_REG | EDMM_SI_PR | (perm))

/* EACCEPT/EACCEPTCOPY status codes (RAX) the examples tell apart (1.2). */
#define EDMM_SGX_NOT_TRACKED 11
#define EDMM_SGX_PAGE_ATTRIBUTES_MISMATCH 19
#define EDMM_SGX_PAGE_NOT_MODIFIABLE 20

/* Page types for SGX_IOC_ENCLAVE_MODIFY_TYPES. */
#define EDMM_PT_TCS 1
#define EDMM_PT_REG 2
#define EDMM_PT_TRIM 4

#endif /* SOFTSGX_EXAMPLE_EDMM_H */
