// SPDX-License-Identifier: MIT
/* Build B of the test enclave: see variant_a.c. */
__attribute__((visibility("hidden"))) extern const char te_variant[];
const char te_variant[] = "testenc variant B";
