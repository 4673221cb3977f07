// SPDX-License-Identifier: MIT
/* Build A of the test enclave. Build B differs only here, so it measures
 * differently (another MRENCLAVE) with the same code. */
__attribute__((visibility("hidden"))) extern const char te_variant[];
const char te_variant[] = "testenc variant A";
