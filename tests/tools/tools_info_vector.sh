#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `softsgx info` decodes and validates the public SIGSTRUCT.
. "$(dirname "$0")/lib.sh"
need_vectors

expect_status 0 "$SOFTSGX" info "$VECTOR_SIG"
expect_field enclavehash "$VECTOR_MRENCLAVE" out
expect_field mrsigner "$VECTOR_MRSIGNER" out
expect_field header ok out
expect_field header2 ok out
expect_field vendor 0x00000000 out
expect_field date 0x20161214 out
expect_field misc_mask 0xffffffff out
expect_field attributes 0x0000000000000004 out
expect_field attributes_mask 0xfffffffffffffffd out
expect_field xfrm 0x0000000000000003 out
expect_field xfrm_mask 0xffffffffffffff1b out
expect_field isvprodid 65535 out
expect_field isvsvn 0 out
expect_field exponent 3 out
expect_field format ok out
expect_field signature valid out
expect_field q1 valid out
expect_field q2 valid out
expect_field einit_check pass out
grep -q '^attributes: .*(MODE64BIT)' out || fail "attributes not decoded"
grep -q '^date: .*(2016-12-14)' out || fail "date not decoded"

# The SIGSTRUCT names the enclave the SGXS stream measures to.
"$SOFTSGX" measure "$VECTOR_SGXS" >measure.out
expect_field mrenclave "$(field enclavehash out)" measure.out
echo PASS
