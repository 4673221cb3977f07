/* SPDX-License-Identifier: MIT */
/*
 * Architectural SGX data structures, leaf numbers and error codes, as the
 * Intel SDM defines them. Names follow the Linux kernel's
 * arch/x86/include/asm/sgx.h so that a reader who knows the driver finds
 * their way. All integers are little-endian; x86-64 is assumed.
 */
#ifndef SOFTSGX_ARCH_SGX_ARCH_H
#define SOFTSGX_ARCH_SGX_ARCH_H

#include <stddef.h>
#include <stdint.h>

#define SGX_PAGE_SIZE 4096UL
#define SGX_PAGE_SHIFT 12
#define SGX_EEXTEND_CHUNK 256

#define SGX_MODULUS_SIZE 384
#define SGX_HASH_SIZE 32
#define SGX_CPUSVN_SIZE 16
#define SGX_KEYID_SIZE 32
#define SGX_MAC_SIZE 16
#define SGX_KEY_SIZE 16
#define SGX_REPORT_DATA_SIZE 64
#define SGX_CONFIGID_SIZE 64
#define SGX_ISVEXT_PROD_ID_SIZE 16
#define SGX_ISV_FAMILY_ID_SIZE 16
#define SGX_PADDING_SIZE 352 /* PKCS#1 v1.5 bytes of EM before the hash */

/* ENCLS leaf functions (EAX). */
enum sgx_encls_function {
	ECREATE = 0x00,
	EADD = 0x01,
	EINIT = 0x02,
	EREMOVE = 0x03,
	EDBGRD = 0x04,
	EDBGWR = 0x05,
	EEXTEND = 0x06,
	ELDB = 0x07,
	ELDU = 0x08,
	EBLOCK = 0x09,
	EPA = 0x0A,
	EWB = 0x0B,
	ETRACK = 0x0C,
	EAUG = 0x0D,
	EMODPR = 0x0E,
	EMODT = 0x0F,
	ERDINFO = 0x10,
	ETRACKC = 0x11,
	ELDBC = 0x12,
	ELDUC = 0x13,
};

/* ENCLU leaf functions (EAX). */
enum sgx_enclu_function {
	EREPORT = 0x00,
	EGETKEY = 0x01,
	EENTER = 0x02,
	ERESUME = 0x03,
	EEXIT = 0x04,
	EACCEPT = 0x05,
	EMODPE = 0x06,
	EACCEPTCOPY = 0x07,
	EVERIFYREPORT2 = 0x08,
	EDECCSSA = 0x09,
};

/* Error and information codes returned in RAX by ENCLS/ENCLU leaves. */
enum sgx_return_code {
	SGX_SUCCESS = 0,
	SGX_INVALID_SIG_STRUCT = 1,
	SGX_INVALID_ATTRIBUTE = 2,
	SGX_BLKSTATE = 3,
	SGX_INVALID_MEASUREMENT = 4,
	SGX_NOTBLOCKABLE = 5,
	SGX_PG_INVLD = 6,
	SGX_EPC_PAGE_CONFLICT = 7,
	SGX_INVALID_SIGNATURE = 8,
	SGX_MAC_COMPARE_FAIL = 9,
	SGX_PAGE_NOT_BLOCKED = 10,
	SGX_NOT_TRACKED = 11,
	SGX_VA_SLOT_OCCUPIED = 12,
	SGX_CHILD_PRESENT = 13,
	SGX_ENCLAVE_ACT = 14,
	SGX_ENTRYEPOCH_LOCKED = 15,
	SGX_INVALID_EINITTOKEN = 16,
	SGX_PREV_TRK_INCMPL = 17,
	SGX_PG_IS_SECS = 18,
	SGX_PAGE_ATTRIBUTES_MISMATCH = 19,
	SGX_PAGE_NOT_MODIFIABLE = 20,
	SGX_PAGE_NOT_DEBUGGABLE = 21,
	SGX_TRACK_NOT_REQUIRED = 27,
	SGX_INVALID_REPORTMACSTRUCT = 28,
	SGX_INVALID_CPUSVN = 32,
	SGX_INVALID_ISVSVN = 64,
	SGX_UNMASKED_EVENT = 128,
	SGX_INVALID_KEYNAME = 256,
};

/* EPC page types: SECINFO.FLAGS[15:8] and EPCM.PT. */
enum sgx_page_type {
	SGX_PAGE_TYPE_SECS = 0,
	SGX_PAGE_TYPE_TCS = 1,
	SGX_PAGE_TYPE_REG = 2,
	SGX_PAGE_TYPE_VA = 3,
	SGX_PAGE_TYPE_TRIM = 4,
	SGX_PAGE_TYPE_SS_FIRST = 5,
	SGX_PAGE_TYPE_SS_REST = 6,
};

/* ATTRIBUTES.FLAGS */
#define SGX_ATTR_INIT (1ULL << 0)
#define SGX_ATTR_DEBUG (1ULL << 1)
#define SGX_ATTR_MODE64BIT (1ULL << 2)
#define SGX_ATTR_PROVISIONKEY (1ULL << 4)
#define SGX_ATTR_EINITTOKENKEY (1ULL << 5)
#define SGX_ATTR_CET (1ULL << 6)
#define SGX_ATTR_KSS (1ULL << 7)
#define SGX_ATTR_AEXNOTIFY (1ULL << 10)

/* MISCSELECT */
#define SGX_MISC_EXINFO (1U << 0)
#define SGX_MISC_CPINFO (1U << 1)

/* XFRM bits that must always be set: x87 and SSE. */
#define SGX_XFRM_LEGACY 0x3ULL

struct sgx_attributes {
	uint64_t flags;
	uint64_t xfrm;
} __attribute__((packed));

/* SECINFO.FLAGS */
#define SGX_SECINFO_R (1ULL << 0)
#define SGX_SECINFO_W (1ULL << 1)
#define SGX_SECINFO_X (1ULL << 2)
#define SGX_SECINFO_PENDING (1ULL << 3)
#define SGX_SECINFO_MODIFIED (1ULL << 4)
#define SGX_SECINFO_PR (1ULL << 5)
#define SGX_SECINFO_PERMISSION_MASK \
	(SGX_SECINFO_R | SGX_SECINFO_W | SGX_SECINFO_X)
#define SGX_SECINFO_PAGE_TYPE_SHIFT 8
#define SGX_SECINFO_PAGE_TYPE_MASK (0xFFULL << SGX_SECINFO_PAGE_TYPE_SHIFT)
#define SGX_SECINFO_SECS (SGX_PAGE_TYPE_SECS << SGX_SECINFO_PAGE_TYPE_SHIFT)
#define SGX_SECINFO_TCS (SGX_PAGE_TYPE_TCS << SGX_SECINFO_PAGE_TYPE_SHIFT)
#define SGX_SECINFO_REG (SGX_PAGE_TYPE_REG << SGX_SECINFO_PAGE_TYPE_SHIFT)
#define SGX_SECINFO_TRIM (SGX_PAGE_TYPE_TRIM << SGX_SECINFO_PAGE_TYPE_SHIFT)

struct sgx_secinfo {
	uint64_t flags;
	uint8_t reserved[56];
} __attribute__((aligned(64)));

struct sgx_pageinfo {
	uint64_t addr; /* LINADDR */
	uint64_t contents; /* SRCPGE */
	uint64_t metadata; /* SECINFO or PCMD */
	uint64_t secs;
} __attribute__((aligned(32)));

struct sgx_pcmd {
	struct sgx_secinfo secinfo;
	uint64_t enclave_id;
	uint8_t reserved[40];
	uint8_t mac[SGX_MAC_SIZE];
} __attribute__((aligned(128)));

/*
 * SECS. The tail of the page is reserved in the source page; once the SECS
 * lives in the EPC, softsgx keeps there the hidden fields that key derivation
 * needs (struct sgx_secs_hidden), as hardware keeps implementation-defined
 * state there.
 */
struct sgx_secs {
	uint64_t size;
	uint64_t base;
	uint32_t ssa_frame_size;
	uint32_t miscselect;
	uint64_t cet_leg_bitmap_offset;
	uint8_t cet_attributes;
	uint8_t reserved1[15];
	struct sgx_attributes attributes;
	uint8_t mrenclave[SGX_HASH_SIZE];
	uint8_t reserved2[32];
	uint8_t mrsigner[SGX_HASH_SIZE];
	uint8_t reserved3[32];
	uint8_t config_id[SGX_CONFIGID_SIZE];
	uint16_t isv_prod_id;
	uint16_t isv_svn;
	uint16_t config_svn;
	uint8_t reserved4[3834];
} __attribute__((packed));

/* TCS.FLAGS */
#define SGX_TCS_DBGOPTIN (1ULL << 0)
#define SGX_TCS_AEXNOTIFY (1ULL << 1)
#define SGX_TCS_RESERVED_MASK (~(SGX_TCS_DBGOPTIN | SGX_TCS_AEXNOTIFY))

enum sgx_tcs_state {
	SGX_TCS_INACTIVE = 0,
	SGX_TCS_ACTIVE = 1,
};

struct sgx_tcs {
	uint64_t state;
	uint64_t flags;
	uint64_t ssa_offset;
	uint32_t ssa_index; /* CSSA */
	uint32_t nr_ssa_frames; /* NSSA */
	uint64_t entry_offset; /* OENTRY */
	uint64_t exit_addr; /* AEP */
	uint64_t fs_offset;
	uint64_t gs_offset;
	uint32_t fs_limit;
	uint32_t gs_limit;
	uint8_t reserved[4024];
} __attribute__((packed));

/* SSA frame: EXITINFO */
#define SGX_EXITINFO_VECTOR_MASK 0xFFU
#define SGX_EXITINFO_TYPE_SHIFT 8
#define SGX_EXITINFO_TYPE_HW 3U
#define SGX_EXITINFO_TYPE_SW 6U
#define SGX_EXITINFO_VALID (1U << 31)

/* #PF error code bit set for faults caused by an EPCM check. */
#define X86_PF_SGX (1U << 15)

struct sgx_gprsgx {
	uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rflags;
	uint64_t rip;
	uint64_t ursp;
	uint64_t urbp;
	uint32_t exitinfo;
	uint8_t reserved[3];
	uint8_t aexnotify;
	uint64_t fsbase;
	uint64_t gsbase;
} __attribute__((packed));

/* SSA MISC region component, immediately below GPRSGX. */
struct sgx_exinfo {
	uint64_t maddr;
	uint32_t errcd;
	uint32_t reserved;
} __attribute__((packed));

/* SIGSTRUCT */
#define SGX_SIGSTRUCT_VENDOR_NONE 0x00000000U
#define SGX_SIGSTRUCT_VENDOR_INTEL 0x00008086U
#define SGX_SIGSTRUCT_EXPONENT 3U

extern const uint8_t sgx_sigstruct_header1[16];
extern const uint8_t sgx_sigstruct_header2[16];

struct sgx_sigstruct_header {
	uint8_t header1[16];
	uint32_t vendor;
	uint32_t date;
	uint8_t header2[16];
	uint32_t swdefined;
	uint8_t reserved1[84];
} __attribute__((packed));

struct sgx_sigstruct_body {
	uint32_t miscselect;
	uint32_t misc_mask;
	uint8_t cet_attributes;
	uint8_t cet_attributes_mask;
	uint8_t reserved2[2];
	uint8_t isv_family_id[SGX_ISV_FAMILY_ID_SIZE];
	struct sgx_attributes attributes;
	struct sgx_attributes attributes_mask;
	uint8_t mrenclave[SGX_HASH_SIZE];
	uint8_t reserved3[16];
	uint8_t isv_ext_prod_id[SGX_ISVEXT_PROD_ID_SIZE];
	uint16_t isv_prod_id;
	uint16_t isv_svn;
} __attribute__((packed));

struct sgx_sigstruct {
	struct sgx_sigstruct_header header;
	uint8_t modulus[SGX_MODULUS_SIZE];
	uint32_t exponent;
	uint8_t signature[SGX_MODULUS_SIZE];
	struct sgx_sigstruct_body body;
	uint8_t reserved4[12];
	uint8_t q1[SGX_MODULUS_SIZE];
	uint8_t q2[SGX_MODULUS_SIZE];
} __attribute__((packed));

struct sgx_einittoken {
	uint32_t valid;
	uint8_t reserved1[44];
	struct sgx_attributes attributes;
	uint8_t mrenclave[SGX_HASH_SIZE];
	uint8_t reserved2[32];
	uint8_t mrsigner[SGX_HASH_SIZE];
	uint8_t reserved3[32];
	uint8_t cpusvn_le[SGX_CPUSVN_SIZE];
	uint16_t isv_prod_id_le;
	uint16_t isv_svn_le;
	uint8_t reserved4[24];
	uint32_t masked_miscselect_le;
	struct sgx_attributes masked_attributes_le;
	uint8_t keyid[SGX_KEYID_SIZE];
	uint8_t mac[SGX_MAC_SIZE];
} __attribute__((packed));

struct sgx_report_body {
	uint8_t cpusvn[SGX_CPUSVN_SIZE];
	uint32_t miscselect;
	uint8_t cet_attributes;
	uint8_t reserved1[11];
	uint8_t isv_ext_prod_id[SGX_ISVEXT_PROD_ID_SIZE];
	struct sgx_attributes attributes;
	uint8_t mrenclave[SGX_HASH_SIZE];
	uint8_t reserved2[32];
	uint8_t mrsigner[SGX_HASH_SIZE];
	uint8_t reserved3[32];
	uint8_t config_id[SGX_CONFIGID_SIZE];
	uint16_t isv_prod_id;
	uint16_t isv_svn;
	uint16_t config_svn;
	uint8_t reserved4[42];
	uint8_t isv_family_id[SGX_ISV_FAMILY_ID_SIZE];
	uint8_t report_data[SGX_REPORT_DATA_SIZE];
} __attribute__((packed));

struct sgx_report {
	struct sgx_report_body body;
	uint8_t keyid[SGX_KEYID_SIZE];
	uint8_t mac[SGX_MAC_SIZE];
} __attribute__((packed));

struct sgx_targetinfo {
	uint8_t mrenclave[SGX_HASH_SIZE];
	struct sgx_attributes attributes;
	uint8_t cet_attributes;
	uint8_t reserved1;
	uint16_t config_svn;
	uint32_t miscselect;
	uint8_t reserved2[8];
	uint8_t config_id[SGX_CONFIGID_SIZE];
	uint8_t reserved3[384];
} __attribute__((aligned(512)));

/* KEYREQUEST.KEYNAME */
enum sgx_keyname {
	SGX_KEYSELECT_EINITTOKEN = 0,
	SGX_KEYSELECT_PROVISION = 1,
	SGX_KEYSELECT_PROVISION_SEAL = 2,
	SGX_KEYSELECT_REPORT = 3,
	SGX_KEYSELECT_SEAL = 4,
};

/* KEYREQUEST.KEYPOLICY */
#define SGX_KEYPOLICY_MRENCLAVE (1U << 0)
#define SGX_KEYPOLICY_MRSIGNER (1U << 1)
#define SGX_KEYPOLICY_NOISVPRODID (1U << 2)
#define SGX_KEYPOLICY_CONFIGID (1U << 3)
#define SGX_KEYPOLICY_ISVFAMILYID (1U << 4)
#define SGX_KEYPOLICY_ISVEXTPRODID (1U << 5)
#define SGX_KEYPOLICY_KSS_MASK 0x3CU
#define SGX_KEYPOLICY_RESERVED_MASK 0xFFC0U

struct sgx_keyrequest {
	uint16_t keyname;
	uint16_t keypolicy;
	uint16_t isv_svn;
	uint8_t cet_attributes_mask;
	uint8_t reserved1;
	uint8_t cpusvn[SGX_CPUSVN_SIZE];
	struct sgx_attributes attribute_mask;
	uint8_t keyid[SGX_KEYID_SIZE];
	uint32_t misc_mask;
	uint16_t config_svn;
	uint8_t reserved2[434];
} __attribute__((aligned(512)));

/*
 * The size and every field offset, checked at compile time against the
 * SDM tables (sgx-architecture spec section 2 and 12).
 */
#define SGX_ASSERT_OFFSET(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), #type "." #field)

_Static_assert(sizeof(struct sgx_attributes) == 16, "ATTRIBUTES");
SGX_ASSERT_OFFSET(struct sgx_attributes, xfrm, 8);

_Static_assert(sizeof(struct sgx_secinfo) == 64, "SECINFO");
SGX_ASSERT_OFFSET(struct sgx_secinfo, reserved, 8);

_Static_assert(sizeof(struct sgx_pageinfo) == 32, "PAGEINFO");
SGX_ASSERT_OFFSET(struct sgx_pageinfo, contents, 8);
SGX_ASSERT_OFFSET(struct sgx_pageinfo, metadata, 16);
SGX_ASSERT_OFFSET(struct sgx_pageinfo, secs, 24);

_Static_assert(sizeof(struct sgx_pcmd) == 128, "PCMD");
SGX_ASSERT_OFFSET(struct sgx_pcmd, enclave_id, 64);
SGX_ASSERT_OFFSET(struct sgx_pcmd, reserved, 72);
SGX_ASSERT_OFFSET(struct sgx_pcmd, mac, 112);

_Static_assert(sizeof(struct sgx_secs) == 4096, "SECS");
SGX_ASSERT_OFFSET(struct sgx_secs, base, 8);
SGX_ASSERT_OFFSET(struct sgx_secs, ssa_frame_size, 16);
SGX_ASSERT_OFFSET(struct sgx_secs, miscselect, 20);
SGX_ASSERT_OFFSET(struct sgx_secs, cet_leg_bitmap_offset, 24);
SGX_ASSERT_OFFSET(struct sgx_secs, cet_attributes, 32);
SGX_ASSERT_OFFSET(struct sgx_secs, reserved1, 33);
SGX_ASSERT_OFFSET(struct sgx_secs, attributes, 48);
SGX_ASSERT_OFFSET(struct sgx_secs, mrenclave, 64);
SGX_ASSERT_OFFSET(struct sgx_secs, reserved2, 96);
SGX_ASSERT_OFFSET(struct sgx_secs, mrsigner, 128);
SGX_ASSERT_OFFSET(struct sgx_secs, reserved3, 160);
SGX_ASSERT_OFFSET(struct sgx_secs, config_id, 192);
SGX_ASSERT_OFFSET(struct sgx_secs, isv_prod_id, 256);
SGX_ASSERT_OFFSET(struct sgx_secs, isv_svn, 258);
SGX_ASSERT_OFFSET(struct sgx_secs, config_svn, 260);
SGX_ASSERT_OFFSET(struct sgx_secs, reserved4, 262);

_Static_assert(sizeof(struct sgx_tcs) == 4096, "TCS");
SGX_ASSERT_OFFSET(struct sgx_tcs, flags, 8);
SGX_ASSERT_OFFSET(struct sgx_tcs, ssa_offset, 16);
SGX_ASSERT_OFFSET(struct sgx_tcs, ssa_index, 24);
SGX_ASSERT_OFFSET(struct sgx_tcs, nr_ssa_frames, 28);
SGX_ASSERT_OFFSET(struct sgx_tcs, entry_offset, 32);
SGX_ASSERT_OFFSET(struct sgx_tcs, exit_addr, 40);
SGX_ASSERT_OFFSET(struct sgx_tcs, fs_offset, 48);
SGX_ASSERT_OFFSET(struct sgx_tcs, gs_offset, 56);
SGX_ASSERT_OFFSET(struct sgx_tcs, fs_limit, 64);
SGX_ASSERT_OFFSET(struct sgx_tcs, gs_limit, 68);
SGX_ASSERT_OFFSET(struct sgx_tcs, reserved, 72);

_Static_assert(sizeof(struct sgx_gprsgx) == 184, "GPRSGX");
SGX_ASSERT_OFFSET(struct sgx_gprsgx, rcx, 8);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, rdx, 16);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, rbx, 24);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, rsp, 32);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, rbp, 40);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, rsi, 48);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, rdi, 56);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, r8, 64);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, r15, 120);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, rflags, 128);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, rip, 136);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, ursp, 144);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, urbp, 152);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, exitinfo, 160);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, reserved, 164);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, aexnotify, 167);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, fsbase, 168);
SGX_ASSERT_OFFSET(struct sgx_gprsgx, gsbase, 176);

_Static_assert(sizeof(struct sgx_exinfo) == 16, "EXINFO");
SGX_ASSERT_OFFSET(struct sgx_exinfo, errcd, 8);
SGX_ASSERT_OFFSET(struct sgx_exinfo, reserved, 12);

_Static_assert(sizeof(struct sgx_sigstruct_header) == 128, "SIGSTRUCT hdr");
SGX_ASSERT_OFFSET(struct sgx_sigstruct_header, vendor, 16);
SGX_ASSERT_OFFSET(struct sgx_sigstruct_header, date, 20);
SGX_ASSERT_OFFSET(struct sgx_sigstruct_header, header2, 24);
SGX_ASSERT_OFFSET(struct sgx_sigstruct_header, swdefined, 40);
SGX_ASSERT_OFFSET(struct sgx_sigstruct_header, reserved1, 44);

_Static_assert(sizeof(struct sgx_sigstruct_body) == 128, "SIGSTRUCT body");
SGX_ASSERT_OFFSET(struct sgx_sigstruct_body, misc_mask, 4);
SGX_ASSERT_OFFSET(struct sgx_sigstruct_body, cet_attributes, 8);
SGX_ASSERT_OFFSET(struct sgx_sigstruct_body, cet_attributes_mask, 9);
SGX_ASSERT_OFFSET(struct sgx_sigstruct_body, reserved2, 10);
SGX_ASSERT_OFFSET(struct sgx_sigstruct_body, isv_family_id, 12);
SGX_ASSERT_OFFSET(struct sgx_sigstruct_body, attributes, 28);
SGX_ASSERT_OFFSET(struct sgx_sigstruct_body, attributes_mask, 44);
SGX_ASSERT_OFFSET(struct sgx_sigstruct_body, mrenclave, 60);
SGX_ASSERT_OFFSET(struct sgx_sigstruct_body, reserved3, 92);
SGX_ASSERT_OFFSET(struct sgx_sigstruct_body, isv_ext_prod_id, 108);
SGX_ASSERT_OFFSET(struct sgx_sigstruct_body, isv_prod_id, 124);
SGX_ASSERT_OFFSET(struct sgx_sigstruct_body, isv_svn, 126);

_Static_assert(sizeof(struct sgx_sigstruct) == 1808, "SIGSTRUCT");
SGX_ASSERT_OFFSET(struct sgx_sigstruct, modulus, 128);
SGX_ASSERT_OFFSET(struct sgx_sigstruct, exponent, 512);
SGX_ASSERT_OFFSET(struct sgx_sigstruct, signature, 516);
SGX_ASSERT_OFFSET(struct sgx_sigstruct, body, 900);
SGX_ASSERT_OFFSET(struct sgx_sigstruct, body.attributes, 928);
SGX_ASSERT_OFFSET(struct sgx_sigstruct, body.mrenclave, 960);
SGX_ASSERT_OFFSET(struct sgx_sigstruct, body.isv_prod_id, 1024);
SGX_ASSERT_OFFSET(struct sgx_sigstruct, reserved4, 1028);
SGX_ASSERT_OFFSET(struct sgx_sigstruct, q1, 1040);
SGX_ASSERT_OFFSET(struct sgx_sigstruct, q2, 1424);

_Static_assert(sizeof(struct sgx_einittoken) == 304, "EINITTOKEN");
SGX_ASSERT_OFFSET(struct sgx_einittoken, reserved1, 4);
SGX_ASSERT_OFFSET(struct sgx_einittoken, attributes, 48);
SGX_ASSERT_OFFSET(struct sgx_einittoken, mrenclave, 64);
SGX_ASSERT_OFFSET(struct sgx_einittoken, reserved2, 96);
SGX_ASSERT_OFFSET(struct sgx_einittoken, mrsigner, 128);
SGX_ASSERT_OFFSET(struct sgx_einittoken, reserved3, 160);
SGX_ASSERT_OFFSET(struct sgx_einittoken, cpusvn_le, 192);
SGX_ASSERT_OFFSET(struct sgx_einittoken, isv_prod_id_le, 208);
SGX_ASSERT_OFFSET(struct sgx_einittoken, isv_svn_le, 210);
SGX_ASSERT_OFFSET(struct sgx_einittoken, reserved4, 212);
SGX_ASSERT_OFFSET(struct sgx_einittoken, masked_miscselect_le, 236);
SGX_ASSERT_OFFSET(struct sgx_einittoken, masked_attributes_le, 240);
SGX_ASSERT_OFFSET(struct sgx_einittoken, keyid, 256);
SGX_ASSERT_OFFSET(struct sgx_einittoken, mac, 288);

_Static_assert(sizeof(struct sgx_report_body) == 384, "REPORTBODY");
SGX_ASSERT_OFFSET(struct sgx_report_body, miscselect, 16);
SGX_ASSERT_OFFSET(struct sgx_report_body, cet_attributes, 20);
SGX_ASSERT_OFFSET(struct sgx_report_body, reserved1, 21);
SGX_ASSERT_OFFSET(struct sgx_report_body, isv_ext_prod_id, 32);
SGX_ASSERT_OFFSET(struct sgx_report_body, attributes, 48);
SGX_ASSERT_OFFSET(struct sgx_report_body, mrenclave, 64);
SGX_ASSERT_OFFSET(struct sgx_report_body, reserved2, 96);
SGX_ASSERT_OFFSET(struct sgx_report_body, mrsigner, 128);
SGX_ASSERT_OFFSET(struct sgx_report_body, reserved3, 160);
SGX_ASSERT_OFFSET(struct sgx_report_body, config_id, 192);
SGX_ASSERT_OFFSET(struct sgx_report_body, isv_prod_id, 256);
SGX_ASSERT_OFFSET(struct sgx_report_body, isv_svn, 258);
SGX_ASSERT_OFFSET(struct sgx_report_body, config_svn, 260);
SGX_ASSERT_OFFSET(struct sgx_report_body, reserved4, 262);
SGX_ASSERT_OFFSET(struct sgx_report_body, isv_family_id, 304);
SGX_ASSERT_OFFSET(struct sgx_report_body, report_data, 320);

_Static_assert(sizeof(struct sgx_report) == 432, "REPORT");
SGX_ASSERT_OFFSET(struct sgx_report, keyid, 384);
SGX_ASSERT_OFFSET(struct sgx_report, mac, 416);

_Static_assert(sizeof(struct sgx_targetinfo) == 512, "TARGETINFO");
SGX_ASSERT_OFFSET(struct sgx_targetinfo, attributes, 32);
SGX_ASSERT_OFFSET(struct sgx_targetinfo, cet_attributes, 48);
SGX_ASSERT_OFFSET(struct sgx_targetinfo, reserved1, 49);
SGX_ASSERT_OFFSET(struct sgx_targetinfo, config_svn, 50);
SGX_ASSERT_OFFSET(struct sgx_targetinfo, miscselect, 52);
SGX_ASSERT_OFFSET(struct sgx_targetinfo, reserved2, 56);
SGX_ASSERT_OFFSET(struct sgx_targetinfo, config_id, 64);
SGX_ASSERT_OFFSET(struct sgx_targetinfo, reserved3, 128);

_Static_assert(sizeof(struct sgx_keyrequest) == 512, "KEYREQUEST");
SGX_ASSERT_OFFSET(struct sgx_keyrequest, keypolicy, 2);
SGX_ASSERT_OFFSET(struct sgx_keyrequest, isv_svn, 4);
SGX_ASSERT_OFFSET(struct sgx_keyrequest, cet_attributes_mask, 6);
SGX_ASSERT_OFFSET(struct sgx_keyrequest, reserved1, 7);
SGX_ASSERT_OFFSET(struct sgx_keyrequest, cpusvn, 8);
SGX_ASSERT_OFFSET(struct sgx_keyrequest, attribute_mask, 24);
SGX_ASSERT_OFFSET(struct sgx_keyrequest, keyid, 40);
SGX_ASSERT_OFFSET(struct sgx_keyrequest, misc_mask, 72);
SGX_ASSERT_OFFSET(struct sgx_keyrequest, config_svn, 76);
SGX_ASSERT_OFFSET(struct sgx_keyrequest, reserved2, 78);

#endif /* SOFTSGX_ARCH_SGX_ARCH_H */
