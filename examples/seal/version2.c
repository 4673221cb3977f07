// SPDX-License-Identifier: MIT
/*
 * Build 2 of the seal enclave. The two builds differ only in this constant,
 * which is enough to give them different MRENCLAVEs: they stand for two
 * releases of one enclave by one signer (ISVSVN 2, see CMakeLists.txt).
 */
#include <stdint.h>

extern const uint64_t seal_enclave_version
	__attribute__((visibility("hidden")));
const uint64_t seal_enclave_version = 2;
