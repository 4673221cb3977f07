/* SPDX-License-Identifier: MIT */
/*
 * Commands of the EDMM test enclave (tests/edmm/enclave.c): single SGX2
 * steps the host sequences, right and wrong, as the kernel selftests do.
 * Offsets are from the enclave base.
 */
#ifndef SOFTSGX_TESTS_EDMM_TESTENC_H
#define SOFTSGX_TESTS_EDMM_TESTENC_H

enum testenc_cmd {
	T_EACCEPT = 1, /* arg0 offset, arg1 SECINFO flags -> RAX */
	T_EACCEPTCOPY, /* arg0 dst, arg1 src, arg2 flags -> RAX */
	T_EMODPE, /* arg0 offset, arg1 flags */
	T_READ, /* arg0 offset -> the qword there */
	T_WRITE, /* arg0 offset, arg1 value */
	T_EXEC, /* arg0 offset of code, arg1 its argument -> its result */
	T_WRITE_CODE, /* arg0 offset: "return rdi * 3 + 7" there */
	T_ACCEPT_RANGE, /* arg0 offset, arg1 length, arg2 flags -> RAX */
	T_PREPARE_TCS, /* arg0 offset of a free slot -> out0 TCS offset */
	T_RENDEZVOUS, /* arg0 parties, arg1 untrusted abort flag -> met */
	T_SPIN, /* arg0 untrusted stop flag -> iterations */
	T_TRIM_OCALL, /* arg0 offset, arg1 length: trim by OCALLs -> 0 */
};

/* Pages of a thread slot made by T_PREPARE_TCS (the first is a guard). */
#define TESTENC_SLOT_STACK_PAGES 4
#define TESTENC_SLOT_NSSA 2
#define TESTENC_SLOT_PAGES 16

#endif /* SOFTSGX_TESTS_EDMM_TESTENC_H */
