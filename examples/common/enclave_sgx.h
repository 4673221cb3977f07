/* SPDX-License-Identifier: MIT */
/*
 * What enclave code of the examples needs from SGX: the REPORT, TARGETINFO
 * and KEYREQUEST layouts (spec sgx-architecture.md 2.12-2.14), the ENCLU
 * leaves EREPORT and EGETKEY, and the chores every enclave must do itself
 * because it has no libc: copying to and from untrusted memory safely,
 * wiping secrets, comparing MACs in constant time, random numbers.
 *
 * Freestanding: only <stddef.h>, <stdint.h> and <stdbool.h>. The names carry
 * an "ex_" prefix so that they never clash with softsgx's own definitions.
 */
#ifndef SOFTSGX_EXAMPLE_ENCLAVE_SGX_H
#define SOFTSGX_EXAMPLE_ENCLAVE_SGX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ATTRIBUTES.FLAGS bits (spec 2.1). */
#define EX_ATTR_INIT (1ULL << 0)
#define EX_ATTR_DEBUG (1ULL << 1)
#define EX_ATTR_MODE64BIT (1ULL << 2)

/* KEYREQUEST.KEYNAME and KEYPOLICY (spec 2.14). */
#define EX_KEYNAME_REPORT 3
#define EX_KEYNAME_SEAL 4
#define EX_KEYPOLICY_MRENCLAVE (1U << 0)
#define EX_KEYPOLICY_MRSIGNER (1U << 1)

/* EGETKEY status codes (RAX) the examples tell apart. */
#define EX_SGX_INVALID_CPUSVN 32
#define EX_SGX_INVALID_ISVSVN 64

struct ex_attributes {
	uint64_t flags;
	uint64_t xfrm;
};

/* REPORTBODY, the part of a REPORT its MAC covers (spec 2.12). */
struct ex_report_body {
	uint8_t cpusvn[16];
	uint32_t miscselect;
	uint8_t cet_attributes;
	uint8_t reserved1[11];
	uint8_t isv_ext_prod_id[16];
	struct ex_attributes attributes;
	uint8_t mrenclave[32];
	uint8_t reserved2[32];
	uint8_t mrsigner[32];
	uint8_t reserved3[32];
	uint8_t config_id[64];
	uint16_t isv_prod_id;
	uint16_t isv_svn;
	uint16_t config_svn;
	uint8_t reserved4[42];
	uint8_t isv_family_id[16];
	uint8_t report_data[64];
};

struct ex_report {
	struct ex_report_body body;
	uint8_t keyid[32];
	uint8_t mac[16];
};

struct ex_targetinfo {
	uint8_t measurement[32];
	struct ex_attributes attributes;
	uint8_t cet_attributes;
	uint8_t reserved1;
	uint16_t config_svn;
	uint32_t miscselect;
	uint8_t reserved2[8];
	uint8_t config_id[64];
	uint8_t reserved3[384];
};

struct ex_keyrequest {
	uint16_t keyname;
	uint16_t keypolicy;
	uint16_t isv_svn;
	uint16_t reserved1; /* CET_ATTRIBUTES_MASK + reserved: 0 */
	uint8_t cpusvn[16];
	struct ex_attributes attribute_mask;
	uint8_t keyid[32];
	uint32_t misc_mask;
	uint16_t config_svn;
	uint8_t reserved2[434];
};

_Static_assert(sizeof(struct ex_report_body) == 384, "REPORTBODY");
_Static_assert(offsetof(struct ex_report_body, attributes) == 48, "ATTR");
_Static_assert(offsetof(struct ex_report_body, mrsigner) == 128, "MRSIGNER");
_Static_assert(offsetof(struct ex_report_body, isv_prod_id) == 256, "PRODID");
_Static_assert(offsetof(struct ex_report_body, report_data) == 320, "DATA");
_Static_assert(sizeof(struct ex_report) == 432, "REPORT");
_Static_assert(offsetof(struct ex_report, mac) == 416, "REPORT.MAC");
_Static_assert(sizeof(struct ex_targetinfo) == 512, "TARGETINFO");
_Static_assert(offsetof(struct ex_targetinfo, miscselect) == 52, "MISC");
_Static_assert(offsetof(struct ex_targetinfo, config_id) == 64, "CONFIGID");
_Static_assert(sizeof(struct ex_keyrequest) == 512, "KEYREQUEST");
_Static_assert(offsetof(struct ex_keyrequest, keyid) == 40, "KEYID");
_Static_assert(offsetof(struct ex_keyrequest, misc_mask) == 72, "MISCMASK");

/*
 * EREPORT: a REPORT about this enclave, MACed with the report key of the
 * enclave TARGETINFO describes. All three operands must be enclave memory:
 * ti and out 512-byte aligned, report_data (64 bytes) 128-byte aligned.
 */
void ex_ereport(const struct ex_targetinfo *ti, const uint8_t *report_data,
		struct ex_report *out);

/*
 * EGETKEY: 0 and the key in key (16-byte aligned enclave memory), or the
 * SGX status code (e.g. EX_SGX_INVALID_ISVSVN) with key untouched.
 */
uint64_t ex_egetkey(const struct ex_keyrequest *req, uint8_t key[16]);

/* This enclave's own REPORT: EREPORT with an all-zero TARGETINFO. */
void ex_self_report(struct ex_report *out);

/* The TARGETINFO that lets another enclave MAC a REPORT for this one. */
void ex_self_targetinfo(struct ex_targetinfo *ti);

/* Whether [addr, addr + len) lies entirely outside ELRANGE. */
bool ex_outside_enclave(uint64_t addr, uint64_t len);

/* Copies that refuse untrusted buffers overlapping the enclave. */
bool ex_copy_from_host(void *dst, uint64_t src, size_t len);
bool ex_copy_to_host(uint64_t dst, const void *src, size_t len);

/* Zero memory that held a secret; the compiler may not drop it. */
void ex_wipe(void *p, size_t len);

/* 1 if equal, in time that does not depend on where they differ. */
int ex_equal_ct(const void *a, const void *b, size_t len);

/* len bytes from RDRAND; false if the CPU would not deliver. */
bool ex_random(void *out, size_t len);

/* GCC may emit calls to these even in freestanding code. */
void *memcpy(void *dst, const void *src, size_t len);
void *memset(void *dst, int c, size_t len);
int memcmp(const void *a, const void *b, size_t len);

#endif /* SOFTSGX_EXAMPLE_ENCLAVE_SGX_H */
